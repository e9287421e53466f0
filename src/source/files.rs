//! Finding and reading a site's source files: the one walk every loader
//! (content, futures, bets, themes, statics) shares, so hidden files are
//! skipped and paths are sorted the same way everywhere.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Diagnostics, Pos};

/// Files below `dir` with one of `extensions` (any, if empty), sorted.
/// Hidden files and folders are skipped; a missing folder has none.
pub fn files_with_extension(dir: &Path, extensions: &[&str]) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .filter(|p| {
            extensions.is_empty()
                || p.extension()
                    .is_some_and(|x| extensions.iter().any(|e| x == *e))
        })
        .collect();
    files.sort();
    files
}

/// Reads and parses every matching file of `root/dir` in parallel.
pub fn parse_files<T: Send>(
    root: &Path,
    dir: &str,
    extensions: &[&str],
    parse: fn(&Path, &str, &mut Diagnostics) -> Option<T>,
) -> (Vec<T>, Diagnostics) {
    let files = files_with_extension(&root.join(dir), extensions);
    let results: Vec<(Option<T>, Diagnostics)> = files
        .par_iter()
        .map(|path| {
            let rel = path.strip_prefix(root).unwrap_or(path);
            let mut found = Diagnostics::default();
            let item = match std::fs::read_to_string(path) {
                Ok(text) => parse(rel, &text, &mut found),
                Err(e) => {
                    found.push(
                        Diagnostic::error(rel, Pos::START, format!("cannot read the file: {e}"))
                            .with_help("save it as UTF-8 text"),
                    );
                    None
                }
            };
            (item, found)
        })
        .collect();
    let mut items = Vec::with_capacity(results.len());
    let mut diags = Diagnostics::default();
    for (item, found) in results {
        diags.extend(found);
        items.extend(item);
    }
    (items, diags)
}
