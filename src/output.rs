//! Writing the output folder atomically: everything goes into a fresh
//! folder beside it, which replaces the old one only once it is complete.
//! A build that fails at any point leaves the previous output untouched.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::render::OutputFile;
use crate::theme::{Origin, Theme};

/// A file that could not be written, and why.
#[derive(Debug)]
pub struct WriteError {
    pub path: PathBuf,
    pub source: io::Error,
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot write {}: {}", self.path.display(), self.source)
    }
}

impl std::error::Error for WriteError {}

fn at(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes the theme's static files, the site's `static/` folder and the
/// rendered files (in that order, later ones winning) into `out`.
pub fn publish(
    out: &Path,
    theme: &Theme,
    site_static: &Path,
    files: &[OutputFile],
) -> Result<(), WriteError> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(at(&parent))?;
    let name = out
        .file_name()
        .map_or("public".into(), |n| n.to_string_lossy().into_owned());
    let staging = parent.join(format!(".{name}.building-{}", std::process::id()));
    let result = fill(&staging, theme, site_static, files)
        .and_then(|()| swap(&staging, out, &parent, &name));
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

fn fill(
    staging: &Path,
    theme: &Theme,
    site_static: &Path,
    files: &[OutputFile],
) -> Result<(), WriteError> {
    if staging.exists() {
        fs::remove_dir_all(staging).map_err(at(staging))?;
    }
    fs::create_dir_all(staging).map_err(at(staging))?;
    for f in &theme.statics {
        let dest = staging.join(&f.name);
        make_parent(&dest)?;
        match &f.origin {
            Origin::Builtin(text) => fs::write(&dest, text).map_err(at(&dest))?,
            Origin::File(src) => copy(src, &dest)?,
        }
    }
    for src in crate::site::files_with_extension(site_static, &[]) {
        if let Ok(rel) = src.strip_prefix(site_static) {
            let dest = staging.join(rel);
            make_parent(&dest)?;
            copy(&src, &dest)?;
        }
    }
    files.par_iter().try_for_each(|f| {
        let dest = staging.join(&f.path);
        make_parent(&dest)?;
        fs::write(&dest, &f.bytes).map_err(at(&dest))
    })
}

fn make_parent(path: &Path) -> Result<(), WriteError> {
    match path.parent() {
        Some(dir) => fs::create_dir_all(dir).map_err(at(dir)),
        None => Ok(()),
    }
}

fn copy(src: &Path, dest: &Path) -> Result<(), WriteError> {
    fs::copy(src, dest).map(|_| ()).map_err(at(src))
}

/// Replaces `out` with `staging` using renames, so readers see either the
/// old site or the new one.
fn swap(staging: &Path, out: &Path, parent: &Path, name: &str) -> Result<(), WriteError> {
    if !out.exists() {
        return fs::rename(staging, out).map_err(at(out));
    }
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    if old.exists() {
        fs::remove_dir_all(&old).map_err(at(&old))?;
    }
    fs::rename(out, &old).map_err(at(out))?;
    if let Err(e) = fs::rename(staging, out) {
        let _ = fs::rename(&old, out);
        return Err(at(out)(e));
    }
    fs::remove_dir_all(&old).map_err(at(&old))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_the_old_output_alone() {
        let dir = std::env::temp_dir().join(format!("forkcast-output-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let out = dir.join("public");
        let file = |path: &str, text: &str| OutputFile {
            path: path.into(),
            bytes: text.as_bytes().to_vec(),
        };
        publish(
            &out,
            &Theme::default(),
            &dir.join("static"),
            &[file("index.html", "one")],
        )
        .unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "one");
        // A file and a folder of the same name cannot both be written.
        let clash = [file("a", "x"), file("a/b.html", "y")];
        assert!(publish(&out, &Theme::default(), &dir.join("static"), &clash).is_err());
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "one");
        publish(
            &out,
            &Theme::default(),
            &dir.join("static"),
            &[file("index.html", "two")],
        )
        .unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "two");
        let leftovers: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.file_name())
            .collect();
        assert_eq!(leftovers, ["public"]);
        fs::remove_dir_all(&dir).unwrap();
    }
}
