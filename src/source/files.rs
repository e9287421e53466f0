//! Finding and reading a site's source files: the one walk every loader
//! (content, futures, bets, themes, statics) shares, so hidden files are
//! skipped and paths are sorted the same way everywhere, and so what is not
//! read is said, never silently dropped.
//!
//! A symbolic link is followed when what it points to is inside the folder
//! walked from (for content, futures and bets: the site). One that points
//! outside it is not read: a site is often built from a pull request on a
//! machine with secrets, and a link such as `content/posts/x.md ->
//! ~/.ssh/id_rsa` would publish whatever it names; a site whose pages
//! depend on files outside it also builds differently on each machine.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Diagnostics, Pos};

/// What one walk found: the files to read, and what it did not read.
#[derive(Debug, Default)]
pub(crate) struct Found {
    pub files: Vec<PathBuf>,
    /// An entry that is not read, with why and how to fix it.
    pub skipped: Vec<Skipped>,
}

#[derive(Debug)]
pub(crate) struct Skipped {
    pub path: PathBuf,
    /// `this file` or `this folder`.
    pub what: &'static str,
    pub why: String,
    pub help: &'static str,
}

/// Files below `dir` with one of `extensions` (any, if empty), sorted.
/// Hidden files and folders are skipped; a missing folder has none; what
/// cannot be read is left out (see [`walk`] for what it was).
pub(crate) fn files_with_extension(dir: &Path, extensions: &[&str]) -> Vec<PathBuf> {
    walk(dir, dir, extensions).files
}

/// Files below `dir` with one of `extensions` (any, if empty), sorted,
/// following links only to what is inside `inside`; every folder that
/// cannot be read, link that leads out of `inside` or to nothing, and
/// matching entry that is not a regular file is [`Skipped`].
pub(crate) fn walk(inside: &Path, dir: &Path, extensions: &[&str]) -> Found {
    let boundary = std::fs::canonicalize(inside).ok();
    let matches = |p: &Path| {
        extensions.is_empty()
            || p.extension()
                .is_some_and(|x| extensions.iter().any(|e| x == *e))
    };
    let mut found = Found::default();
    let mut entries = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    while let Some(entry) = entries.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                found.skipped.extend(unreadable(&e, &matches));
                continue;
            }
        };
        let is_dir = entry.file_type().is_dir();
        if entry.path_is_symlink() && !leads_inside(entry.path(), boundary.as_deref()) {
            if is_dir || matches(entry.path()) {
                found.skipped.push(Skipped {
                    path: entry.path().to_path_buf(),
                    what: if is_dir { "this folder" } else { "this file" },
                    why: "is a link to a place outside the site, which is not read".into(),
                    help: "copy what it links to into the site, or remove the link",
                });
            }
            if is_dir {
                entries.skip_current_dir();
            }
        } else if !is_dir && matches(entry.path()) {
            if entry.file_type().is_file() {
                found.files.push(entry.into_path());
            } else {
                found.skipped.push(Skipped {
                    path: entry.into_path(),
                    what: "this file",
                    why: "is not a regular file (a pipe, socket or device), which is not read"
                        .into(),
                    help: "replace it with a file, or remove it",
                });
            }
        }
    }
    found.files.sort();
    found
}

/// Whether `path` is there as something [`walk`] does not read as it
/// stands (a link, a pipe, a folder): an edit to it must go through the
/// walk, which says what is wrong with it, rather than be read directly
/// (a pipe never ends; a link may lead out of the site).
pub(crate) fn needs_walk(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| !m.is_file())
}

/// Whether the link at `path` leads to a place inside `boundary`.
fn leads_inside(path: &Path, boundary: Option<&Path>) -> bool {
    match (std::fs::canonicalize(path), boundary) {
        (Ok(target), Some(boundary)) => target.starts_with(boundary),
        _ => false,
    }
}

/// A walk's error as what was skipped: a folder that cannot be read, a
/// link to nothing or a link that loops. A missing starting folder has
/// no files, which is no error.
fn unreadable(e: &walkdir::Error, matches: &dyn Fn(&Path) -> bool) -> Option<Skipped> {
    let path = e.path()?.to_path_buf();
    if e.depth() == 0
        && e.io_error()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::NotFound)
    {
        return None;
    }
    let dangling = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_symlink());
    let (what, why, help) = if e.loop_ancestor().is_some() {
        (
            "this folder",
            "is a link to a folder that holds it, which is not read".to_string(),
            "remove the link",
        )
    } else if dangling && std::fs::metadata(&path).is_err() {
        if !matches(&path) && path.extension().is_some() {
            return None;
        }
        (
            "this file",
            "is a link to nothing (what it named is gone), which is not read".to_string(),
            "remove the link, or restore what it named",
        )
    } else {
        // Only folders are opened by the walk, so what it cannot open is one.
        let cause = e
            .io_error()
            .map_or_else(|| e.to_string(), ToString::to_string);
        (
            "this folder",
            format!("cannot be read ({cause}), so nothing in it is read"),
            "make it readable (e.g. `chmod -R u+rX` on it), or move it out of the site",
        )
    };
    Some(Skipped {
        path,
        what,
        why,
        help,
    })
}

/// Reads and parses every matching file of `root/dir` in parallel.
pub(crate) fn parse_files<T: Send>(
    root: &Path,
    dir: &str,
    extensions: &[&str],
    parse: fn(&Path, &str, &mut Diagnostics) -> Option<T>,
) -> (Vec<T>, Diagnostics) {
    let found = walk(root, &root.join(dir), extensions);
    let skipped = found.skipped.iter().map(|s| {
        let rel = s.path.strip_prefix(root).unwrap_or(&s.path);
        Diagnostic::error(rel, Pos::START, format!("{} {}", s.what, s.why)).with_help(s.help)
    });
    let diags: Diagnostics = skipped.collect();
    let results = found
        .files
        .par_iter()
        .map(|path| {
            let rel = path.strip_prefix(root).unwrap_or(path);
            parse_one(rel, std::fs::read_to_string(path), parse)
        })
        .collect();
    gather(results, diags)
}

/// Parses files already read (`diff` reads them from a git revision) in
/// parallel, as [`parse_files`] parses those it reads: each path relative
/// to the site root, with its text or why it could not be read.
pub(crate) fn parse_texts<T: Send>(
    texts: Vec<(PathBuf, std::io::Result<String>)>,
    parse: fn(&Path, &str, &mut Diagnostics) -> Option<T>,
) -> (Vec<T>, Diagnostics) {
    let results = texts
        .into_par_iter()
        .map(|(rel, text)| parse_one(&rel, text, parse))
        .collect();
    gather(results, Diagnostics::default())
}

/// One file's text parsed, or the error saying why it could not be read.
fn parse_one<T>(
    rel: &Path,
    text: std::io::Result<String>,
    parse: fn(&Path, &str, &mut Diagnostics) -> Option<T>,
) -> (Option<T>, Diagnostics) {
    let mut found = Diagnostics::default();
    let item = match text {
        Ok(text) => parse(rel, &text, &mut found),
        Err(e) => {
            let help = if e.kind() == std::io::ErrorKind::InvalidData {
                "save it as UTF-8 text"
            } else {
                "make it readable (e.g. `chmod u+r` on it), or move it out of the site"
            };
            found.push(
                Diagnostic::error(rel, Pos::START, format!("cannot read the file: {e}"))
                    .with_help(help),
            );
            None
        }
    };
    (item, found)
}

/// The items parsed, in the files' order, and every problem found.
fn gather<T>(
    results: Vec<(Option<T>, Diagnostics)>,
    mut diags: Diagnostics,
) -> (Vec<T>, Diagnostics) {
    let mut items = Vec::with_capacity(results.len());
    for (item, found) in results {
        diags.extend(found);
        items.extend(item);
    }
    (items, diags)
}
