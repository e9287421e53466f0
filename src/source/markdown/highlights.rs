//! Highlighted code as the last build made it, kept in the site's cache
//! folder (`.forkcast-cache/highlight/`): syntect parses code line by line
//! with regular expressions, the largest cost of rendering Markdown, and the
//! same code in the same language highlights to the same HTML as long as
//! the program is the same. So each block's HTML is kept under a hash of
//! its language and text, in a file that names the program that wrote it
//! (its size, time and inode): another program, as after an upgrade of
//! forkcast or its syntaxes, starts afresh.
//!
//! A build [`begin`]s a session, in which [`highlight`] looks blocks up
//! and records what it made, and [`end`]s it, keeping exactly the blocks
//! it used. The memo is the process's (Markdown is rendered from many
//! places); two builds at once in one process share it, which is harmless
//! since each entry is a pure function of its key. A file that is missing,
//! unreadable or of another program is no cache; it is written whole under
//! another name and renamed into place.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Mutex, MutexGuard, PoisonError};

/// The first line's start; raise the number when the format changes.
const HEADER: &str = "forkcast highlight cache 1";

#[derive(Default)]
struct Memo {
    /// Blocks the cache file held when the session began.
    known: HashMap<u128, String>,
    /// Blocks this session used or made.
    used: HashMap<u128, String>,
    /// Whether a block was made that the file does not hold.
    made: bool,
}

static MEMO: LazyLock<Mutex<Memo>> = LazyLock::new(Mutex::default);

fn memo() -> MutexGuard<'static, Memo> {
    MEMO.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The cache file of the site at `root`.
fn file(root: &Path) -> PathBuf {
    root.join(crate::source::config::CACHE_DIR)
        .join("highlight")
        .join("blocks")
}

/// What names this program: its file's size, modification time and inode.
fn program() -> Option<String> {
    let meta = std::fs::metadata(std::env::current_exe().ok()?).ok()?;
    let modified = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    #[cfg(unix)]
    let ino = std::os::unix::fs::MetadataExt::ino(&meta);
    #[cfg(not(unix))]
    let ino = 0;
    Some(format!("{} {} {ino}", meta.len(), modified.as_nanos()))
}

/// Starts a session: the blocks the site's cache holds become known.
pub(crate) fn begin(root: &Path) {
    let known = program()
        .and_then(|program| {
            let text = std::fs::read_to_string(file(root)).ok()?;
            parse(&text, &program)
        })
        .unwrap_or_default();
    *memo() = Memo {
        known,
        ..Memo::default()
    };
}

/// Ends a session: the cache keeps the blocks it used (if `keep`), written
/// only if that is not what it holds. Failures cost the next build time,
/// nothing more.
pub(crate) fn end(root: &Path, keep: bool) {
    let memo = std::mem::take(&mut *memo());
    if !keep || (!memo.made && memo.used.len() == memo.known.len()) {
        return;
    }
    let Some(program) = program() else { return };
    let mut text = format!("{HEADER} {program}\n");
    for (key, html) in &memo.used {
        text.push_str(&format!("{key:032x} {}\n{html}\n", html.len()));
    }
    let path = file(root);
    let Some(dir) = path.parent() else { return };
    let temp = dir.join(format!(".blocks.{}", std::process::id()));
    let written = std::fs::create_dir_all(dir)
        .and_then(|()| std::fs::write(&temp, text))
        .and_then(|()| std::fs::rename(&temp, &path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
}

/// The key of `code` in `lang`.
pub(super) fn key(lang: &str, code: &str) -> u128 {
    let mut bytes = Vec::with_capacity(lang.len() + code.len() + 1);
    bytes.extend_from_slice(lang.as_bytes());
    bytes.push(0);
    bytes.extend_from_slice(code.as_bytes());
    xxhash_rust::xxh3::xxh3_128(&bytes)
}

/// The HTML kept under `key`, if any.
pub(super) fn get(key: u128) -> Option<String> {
    let mut memo = memo();
    let html = memo
        .used
        .get(&key)
        .or_else(|| memo.known.get(&key))?
        .clone();
    memo.used.insert(key, html.clone());
    Some(html)
}

/// Keeps `html` under `key`.
pub(super) fn put(key: u128, html: &str) {
    let mut memo = memo();
    memo.made |= !memo.known.contains_key(&key);
    memo.used.insert(key, html.to_string());
}

/// The blocks of a cache file's `text` written by `program`: a line
/// `KEY LENGTH`, then that many bytes of HTML and a line break, each.
fn parse(text: &str, program: &str) -> Option<HashMap<u128, String>> {
    let (first, mut rest) = text.split_once('\n')?;
    if first.strip_prefix(HEADER)?.strip_prefix(' ')? != program {
        return None;
    }
    let mut blocks = HashMap::new();
    while !rest.is_empty() {
        let (line, after) = rest.split_once('\n')?;
        let (key, len) = line.split_once(' ')?;
        let key = u128::from_str_radix(key, 16).ok()?;
        let len: usize = len.parse().ok()?;
        let html = after.get(..len)?;
        rest = after.get(len..)?.strip_prefix('\n')?;
        blocks.insert(key, html.to_string());
    }
    Some(blocks)
}
