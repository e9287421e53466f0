//! Writing the output folder. Every file is rendered in memory before the
//! first byte is written, so a content or template error never touches it.
//! Into an existing folder, only files whose bytes changed are written —
//! each beside its old version first, then renamed over it once all of them
//! are on disk — and files no longer produced are removed last. A build that
//! fails while writing therefore also leaves the previous output as it was.
//! Unchanged files keep their inode and mtime: rebuilds cost reads, not
//! writes, and deploys that sync by mtime or checksum stay small. A new
//! folder (or one whose shape changed, a file becoming a folder) is filled
//! beside the old one and swapped in with renames.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fs;
use std::io::{self, Read};
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

/// What a publish did to the output folder.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Written {
    pub changed: usize,
    pub unchanged: usize,
    pub removed: usize,
}

impl std::fmt::Display for Written {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let total = self.changed + self.unchanged;
        write!(f, "{total} file{}", if total == 1 { "" } else { "s" })?;
        if self.unchanged > 0 || self.removed > 0 {
            write!(f, " ({} changed", self.changed)?;
            if self.removed > 0 {
                write!(f, ", {} removed", self.removed)?;
            }
            f.write_str(")")?;
        }
        Ok(())
    }
}

/// One file of the output: where it goes and where its bytes come from.
struct Entry<'a> {
    rel: PathBuf,
    source: Source<'a>,
}

enum Source<'a> {
    Bytes(&'a [u8]),
    Copy(PathBuf),
}

impl Source<'_> {
    fn write_to(&self, dest: &Path) -> Result<(), WriteError> {
        match self {
            Source::Bytes(bytes) => fs::write(dest, bytes).map_err(at(dest)),
            Source::Copy(src) => fs::copy(src, dest).map(|_| ()).map_err(at(src)),
        }
    }

    /// Whether `dest` already holds exactly these bytes. Sizes are compared
    /// before contents, so most changed files cost an `open` and a `stat`.
    fn same_as(&self, dest: &Path) -> bool {
        match self {
            Source::Bytes(bytes) => holds(dest, bytes),
            Source::Copy(src) => fs::read(src).is_ok_and(|bytes| holds(dest, &bytes)),
        }
    }
}

fn holds(path: &Path, bytes: &[u8]) -> bool {
    let Ok(mut file) = fs::File::open(path) else {
        return false;
    };
    if !file.metadata().is_ok_and(|m| m.len() == bytes.len() as u64) {
        return false;
    }
    let mut old = vec![0; bytes.len()];
    file.read_exact(&mut old).is_ok() && old == bytes
}

/// Writes the theme's static files, the site's `static/` folder and the
/// rendered files (in that order, later ones winning) into `out`.
pub fn publish(
    out: &Path,
    theme: &Theme,
    site_static: &Path,
    files: &[OutputFile],
) -> Result<Written, WriteError> {
    let entries = entries(theme, site_static, files);
    let in_place = if fs::symlink_metadata(out).is_ok_and(|m| m.is_dir()) {
        update(out, &entries)?
    } else {
        None
    };
    match in_place {
        Some(written) => Ok(written),
        None => replace(out, &entries),
    }
}

fn entries<'a>(theme: &'a Theme, site_static: &Path, files: &'a [OutputFile]) -> Vec<Entry<'a>> {
    let themed = theme.statics.iter().map(|f| Entry {
        rel: PathBuf::from(&f.name),
        source: match &f.origin {
            Origin::Builtin(text) => Source::Bytes(text.as_bytes()),
            Origin::File(src) => Source::Copy(src.clone()),
        },
    });
    let copied = crate::site::files_with_extension(site_static, &[])
        .into_iter()
        .filter_map(|src| {
            let rel = src.strip_prefix(site_static).ok()?.to_path_buf();
            Some(Entry {
                rel,
                source: Source::Copy(src),
            })
        });
    let rendered = files.iter().map(|f| Entry {
        rel: PathBuf::from(&f.path),
        source: Source::Bytes(&f.bytes),
    });
    let all: Vec<Entry> = themed.chain(copied).chain(rendered).collect();
    let mut seen = HashSet::new();
    let mut kept: Vec<Entry> = all
        .into_iter()
        .rev()
        .filter(|e| seen.insert(e.rel.clone()))
        .collect();
    kept.reverse();
    kept
}

/// Brings the existing folder `out` up to date in place. `None` when a path
/// changes between file and folder, which renames cannot do safely.
fn update(out: &Path, entries: &[Entry]) -> Result<Option<Written>, WriteError> {
    let old = existing(out)?;
    let folders: BTreeSet<&Path> = entries
        .iter()
        .flat_map(|e| e.rel.ancestors().skip(1))
        .filter(|a| !a.as_os_str().is_empty())
        .collect();
    let reshaped = entries
        .iter()
        .any(|e| old.get(&e.rel) == Some(&Kind::Folder))
        || folders.iter().any(|f| old.get(*f) == Some(&Kind::File));
    if reshaped {
        return Ok(None);
    }
    if let Some(clash) = entries.iter().find(|e| folders.contains(e.rel.as_path())) {
        let path = out.join(&clash.rel);
        return Err(at(&path)(io::Error::other(
            "the build produces both a file and a folder at this path",
        )));
    }
    // BTreeSet order puts every folder before its subfolders.
    let created: Vec<&Path> = folders
        .iter()
        .copied()
        .filter(|f| !old.contains_key(*f))
        .collect();
    let undo = |moves: &[(PathBuf, PathBuf)], created: &[&Path]| {
        for (temp, _) in moves {
            let _ = fs::remove_file(temp);
        }
        for folder in created.iter().rev() {
            let _ = fs::remove_dir(out.join(folder));
        }
    };
    for (i, folder) in created.iter().enumerate() {
        let dir = out.join(folder);
        if let Err(e) = fs::create_dir(&dir) {
            undo(&[], &created[..i]);
            return Err(at(&dir)(e));
        }
    }
    let staged: Vec<Result<Option<(PathBuf, PathBuf)>, WriteError>> = entries
        .par_iter()
        .map(|e| {
            let dest = out.join(&e.rel);
            if old.contains_key(&e.rel) && e.source.same_as(&dest) {
                return Ok(None);
            }
            let temp = temp_beside(&dest);
            e.source.write_to(&temp)?;
            Ok(Some((temp, dest)))
        })
        .collect();
    let mut moves = Vec::new();
    let mut failure = None;
    for s in staged {
        match s {
            Ok(Some(m)) => moves.push(m),
            Ok(None) => {}
            Err(e) => {
                failure.get_or_insert(e);
            }
        }
    }
    if let Some(e) = failure {
        undo(&moves, &created);
        return Err(e);
    }
    moves
        .par_iter()
        .try_for_each(|(temp, dest)| fs::rename(temp, dest).map_err(at(dest)))?;
    let wanted: HashSet<&Path> = entries.iter().map(|e| e.rel.as_path()).collect();
    let stale: Vec<&PathBuf> = old
        .iter()
        .filter(|(rel, kind)| **kind == Kind::File && !wanted.contains(rel.as_path()))
        .map(|(rel, _)| rel)
        .collect();
    stale.par_iter().try_for_each(|rel| {
        let path = out.join(rel);
        fs::remove_file(&path).map_err(at(&path))
    })?;
    let mut empty: Vec<&PathBuf> = old
        .iter()
        .filter(|(rel, kind)| **kind == Kind::Folder && !folders.contains(rel.as_path()))
        .map(|(rel, _)| rel)
        .collect();
    // Deepest first, so each folder is empty by the time it is removed.
    empty.sort_by_key(|rel| std::cmp::Reverse(rel.components().count()));
    for rel in empty {
        let path = out.join(rel);
        fs::remove_dir(&path).map_err(at(&path))?;
    }
    Ok(Some(Written {
        changed: moves.len(),
        unchanged: entries.len() - moves.len(),
        removed: stale.len(),
    }))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    File,
    Folder,
}

/// Every path below `out`, relative to it. Symbolic links count as files:
/// they are replaced, never followed.
fn existing(out: &Path) -> Result<HashMap<PathBuf, Kind>, WriteError> {
    let mut found = HashMap::new();
    for entry in walkdir::WalkDir::new(out).min_depth(1) {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(out).to_path_buf();
            WriteError {
                path,
                source: e.into(),
            }
        })?;
        if let Ok(rel) = entry.path().strip_prefix(out) {
            let kind = if entry.file_type().is_dir() {
                Kind::Folder
            } else {
                Kind::File
            };
            found.insert(rel.to_path_buf(), kind);
        }
    }
    Ok(found)
}

fn temp_beside(dest: &Path) -> PathBuf {
    let name = dest.file_name().unwrap_or_default().to_string_lossy();
    dest.with_file_name(format!(".{name}.forkcast-{}", std::process::id()))
}

/// Fills a fresh folder beside `out` and swaps it in.
fn replace(out: &Path, entries: &[Entry]) -> Result<Written, WriteError> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(at(&parent))?;
    let name = out
        .file_name()
        .map_or("public".into(), |n| n.to_string_lossy().into_owned());
    let staging = parent.join(format!(".{name}.building-{}", std::process::id()));
    let result = fill(&staging, entries).and_then(|()| swap(&staging, out, &parent, &name));
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result.map(|()| Written {
        changed: entries.len(),
        ..Written::default()
    })
}

fn fill(staging: &Path, entries: &[Entry]) -> Result<(), WriteError> {
    if staging.exists() {
        fs::remove_dir_all(staging).map_err(at(staging))?;
    }
    fs::create_dir_all(staging).map_err(at(staging))?;
    entries.par_iter().try_for_each(|e| {
        let dest = staging.join(&e.rel);
        if let Some(dir) = dest.parent() {
            fs::create_dir_all(dir).map_err(at(dir))?;
        }
        e.source.write_to(&dest)
    })
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
    use std::os::unix::fs::MetadataExt;

    fn file(path: &str, text: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            bytes: text.as_bytes().to_vec(),
        }
    }

    /// Every file below `dir` with its contents, sorted.
    fn snapshot(dir: &Path) -> Vec<(PathBuf, String)> {
        let mut files: Vec<(PathBuf, String)> = walkdir::WalkDir::new(dir)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let text = fs::read_to_string(e.path()).unwrap();
                (e.path().strip_prefix(dir).unwrap().to_path_buf(), text)
            })
            .collect();
        files.sort();
        files
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("forkcast-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn a_failed_write_leaves_the_old_output_alone() {
        let dir = scratch("output-failed");
        let out = dir.join("public");
        let publish =
            |files: &[OutputFile]| publish(&out, &Theme::default(), &dir.join("static"), files);
        publish(&[file("index.html", "one"), file("posts/a/index.html", "a")]).unwrap();
        let before = snapshot(&out);
        // A file and a folder of the same name cannot both be written.
        assert!(publish(&[file("a", "x"), file("a/b.html", "y")]).is_err());
        assert_eq!(snapshot(&out), before);
        // A name the file system refuses fails after other files changed.
        let refused = "x".repeat(300);
        let err = publish(&[
            file("index.html", "two"),
            file("new/index.html", "new"),
            file(&refused, "z"),
        ])
        .unwrap_err();
        assert!(err.path.to_string_lossy().contains(&refused), "{err}");
        assert_eq!(snapshot(&out), before, "nothing changed, nothing left over");
        assert!(!out.join("new").exists());
        publish(&[file("index.html", "two")]).unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "two");
        let leftovers: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.file_name())
            .collect();
        assert_eq!(leftovers, ["public"]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_rebuild_writes_only_what_changed_and_removes_what_is_gone() {
        let dir = scratch("output-update");
        let out = dir.join("public");
        let publish = |files: &[OutputFile]| {
            publish(&out, &Theme::default(), &dir.join("static"), files).unwrap()
        };
        let first = publish(&[
            file("index.html", "home"),
            file("posts/a/index.html", "a"),
            file("posts/b/index.html", "b"),
        ]);
        assert_eq!(first.changed, 3);
        let inode = |rel: &str| fs::metadata(out.join(rel)).unwrap().ino();
        let kept = inode("posts/a/index.html");
        let again = publish(&[
            file("index.html", "home, updated"),
            file("posts/a/index.html", "a"),
            file("tags/t/index.html", "t"),
        ]);
        assert_eq!(
            again,
            Written {
                changed: 2,
                unchanged: 1,
                removed: 1
            }
        );
        assert_eq!(
            inode("posts/a/index.html"),
            kept,
            "an unchanged file is not rewritten"
        );
        assert_eq!(
            snapshot(&out),
            [
                ("index.html".into(), "home, updated".into()),
                ("posts/a/index.html".into(), "a".into()),
                ("tags/t/index.html".into(), "t".into()),
            ]
        );
        assert!(!out.join("posts/b").exists(), "an emptied folder goes too");
        assert_eq!(again.to_string(), "3 files (2 changed, 1 removed)");
        // A file turning into a folder takes the fresh-folder path.
        publish(&[file("posts", "now a file")]);
        assert_eq!(snapshot(&out), [("posts".into(), "now a file".into())]);
        fs::remove_dir_all(&dir).unwrap();
    }
}
