//! The committed snapshots of what was last read (`data/markets.json`,
//! `data/community.json`, the history CSVs): read with a located error,
//! written atomically (a temporary file, then a rename) and in a stable
//! order, so a reader or a crash sees the old file or the new one, and a
//! nightly commit shows only what changed.

use std::fs;
use std::io;
use std::path::Path;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::diagnostics::{Diagnostic, Pos};

/// Reads the snapshot at `rel` below `root`; a site without one has the
/// empty snapshot. `what` names it in errors, `again` says what deleting it
/// would cost.
pub(crate) fn load<T: DeserializeOwned + Default>(
    root: &Path,
    rel: &str,
    what: &str,
    again: &str,
) -> Result<T, Diagnostic> {
    let text = match fs::read_to_string(root.join(rel)) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(T::default()),
        Err(e) => {
            return Err(
                Diagnostic::error(rel, Pos::START, format!("cannot read: {e}"))
                    .with_help("check the file's permissions"),
            );
        }
    };
    serde_json::from_str(&text).map_err(|e| {
        Diagnostic::error(
            rel,
            Pos::new(e.line() as u32, e.column() as u32),
            format!("invalid {what}: {e}"),
        )
        .with_help(format!(
            "restore it from version control (`git checkout {rel}`) or delete it to {again}"
        ))
    })
}

/// Writes `value` as pretty JSON at `rel` below `root`, atomically.
pub(crate) fn save<T: Serialize>(root: &Path, rel: &str, value: &T) -> io::Result<()> {
    write_atomic(&root.join(rel), pretty(value)?.as_bytes())
}

/// The text [`save`] writes.
pub(crate) fn pretty<T: Serialize>(value: &T) -> io::Result<String> {
    let mut text = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
    text.push('\n');
    Ok(text)
}

/// Writes through a temporary file in the same folder and a rename, so a
/// reader (or a crash) sees the old file or the new one, never half.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    fs::write(&tmp, bytes)?;
    fs::rename(&tmp, path).inspect_err(|_| {
        let _ = fs::remove_file(&tmp);
    })
}
