//! Files drawn from data and kept by content in the site's cache folder:
//! the social cards, and the spreadsheet. A card is named by a key of everything it is drawn
//! from; one already in the cache is placed in the output by a hard link
//! (a copy where linking fails) and never read or drawn again, a missing
//! one is drawn, written beside its place and renamed into it, so the
//! cache never holds half a card.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A file whose bytes come from the cache, or are drawn when it has none.
pub(crate) struct CachedFile {
    /// Its path below the output folder.
    pub path: String,
    /// Names its bytes in the cache: a hash of what they are drawn from.
    pub key: String,
    /// Draws it, when the cache has no file of its key.
    pub draw: Box<dyn FnOnce() -> Result<Vec<u8>, String> + Send>,
}

/// How many cards a build drew and how many it took from the cache.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CardCount {
    pub drawn: usize,
    pub reused: usize,
}

impl std::fmt::Display for CardCount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} social cards drawn, {} from the cache",
            self.drawn, self.reused
        )
    }
}

/// One folder of cached files, for one build.
pub(crate) struct Cache {
    dir: PathBuf,
    drawn: AtomicUsize,
    reused: AtomicUsize,
    /// The names this build placed, so that [`Cache::prune`] keeps them.
    used: Mutex<HashSet<String>>,
    /// A shared lock on [`LOCK`] while the build runs: another build of
    /// the site (a `serve` beside a `build`, another base URL) may be
    /// placing cards this one does not use, so pruning waits for none.
    lock: Option<fs::File>,
}

const LOCK: &str = ".lock";

/// What a file being drawn is called until it is renamed into place:
/// this prefix and the process id, so a killed build's are removed.
const TEMP: &str = ".drawing-";

impl Cache {
    pub(crate) fn new(dir: PathBuf) -> Cache {
        // Without the lock (a read-only cache folder), nothing is pruned.
        let lock = fs::create_dir_all(&dir)
            .and_then(|()| {
                fs::OpenOptions::new()
                    .create(true)
                    .truncate(false)
                    .write(true)
                    .open(dir.join(LOCK))
            })
            .and_then(|f| f.lock_shared().map(|()| f))
            .ok();
        Cache {
            dir,
            drawn: AtomicUsize::new(0),
            reused: AtomicUsize::new(0),
            used: Mutex::new(HashSet::new()),
            lock,
        }
    }

    /// The cached file holding `file`'s bytes: there already (not read), or
    /// drawn now and written atomically.
    pub(crate) fn get(&self, file: CachedFile) -> io::Result<PathBuf> {
        let ext = Path::new(&file.path)
            .extension()
            .map_or(String::new(), |e| format!(".{}", e.to_string_lossy()));
        let name = format!("{}{ext}", file.key);
        let path = self.dir.join(&name);
        self.used
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(name.clone());
        // Counted are the social cards; other files drawn from data (the
        // spreadsheet) are cached alike.
        let count = if Path::new(&file.path).file_name() == Some(crate::routes::CARD.as_ref()) {
            1
        } else {
            0
        };
        if fs::metadata(&path).is_ok_and(|m| m.is_file()) {
            self.reused.fetch_add(count, Ordering::Relaxed);
            return Ok(path);
        }
        let bytes = (file.draw)()
            .map_err(|why| io::Error::other(format!("cannot draw {}: {why}", file.path)))?;
        fs::create_dir_all(&self.dir)?;
        let temp = self
            .dir
            .join(format!("{TEMP}{}-{name}", std::process::id()));
        fs::write(&temp, bytes)?;
        fs::rename(&temp, &path).inspect_err(|_| {
            let _ = fs::remove_file(&temp);
        })?;
        self.drawn.fetch_add(count, Ordering::Relaxed);
        Ok(path)
    }

    pub(crate) fn count(&self) -> CardCount {
        CardCount {
            drawn: self.drawn.load(Ordering::Relaxed),
            reused: self.reused.load(Ordering::Relaxed),
        }
    }

    /// After a full build: removes every cached file it did not use (the
    /// cards of an older design, or of facts that changed), and what a
    /// killed build left half drawn. Returns how many it removed.
    /// Skipped while another build of the site uses the cache.
    pub(crate) fn prune(&self) -> usize {
        let alone = self.lock.as_ref().is_some_and(|f| f.try_lock().is_ok());
        if !alone {
            return 0;
        }
        super::remove_stale(&self.dir, TEMP);
        let used = self
            .used
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return 0;
        };
        let mut removed = 0;
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let ours = !name.starts_with('.') && entry.file_type().is_ok_and(|t| t.is_file());
            if ours && !used.contains(&name) && fs::remove_file(entry.path()).is_ok() {
                removed += 1;
            }
        }
        removed
    }
}

/// Whether `a` and `b` are one file (a hard link of each other): a placed
/// card is known unchanged without reading it.
pub(crate) fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (fs::metadata(a), fs::metadata(b)) {
            (Ok(a), Ok(b)) => (a.dev(), a.ino()) == (b.dev(), b.ino()),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (a, b);
        false
    }
}

/// Puts cached file `from` at `dest` in a served output, unless it is
/// there already: linked (or copied) beside it, then renamed over it, so a
/// request gets the old card or the new one. Returns whether it changed.
pub(crate) fn place(from: &Path, dest: &Path) -> io::Result<bool> {
    if same_file(from, dest) {
        return Ok(false);
    }
    let name = dest.file_name().unwrap_or_default().to_string_lossy();
    let temp = dest.with_file_name(format!(".{name}.forkcast-{}", std::process::id()));
    let _ = fs::remove_file(&temp);
    super::link_or_copy(from, &temp)?;
    fs::rename(&temp, dest).inspect_err(|_| {
        let _ = fs::remove_file(&temp);
    })?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(key: &str, drawn: &'static AtomicUsize) -> CachedFile {
        CachedFile {
            path: "futures/a/card.png".into(),
            key: key.into(),
            draw: Box::new(move || {
                drawn.fetch_add(1, Ordering::Relaxed);
                Ok(b"png".to_vec())
            }),
        }
    }

    #[test]
    fn a_cached_file_is_drawn_once_and_pruned_when_unused() {
        static DRAWS: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!("forkcast-cards-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let first = Cache::new(dir.clone());
        let a = first.get(file("aa", &DRAWS)).unwrap();
        first.get(file("bb", &DRAWS)).unwrap();
        assert_eq!(
            first.count(),
            CardCount {
                drawn: 2,
                reused: 0
            }
        );
        assert_eq!(fs::read(&a).unwrap(), b"png");
        let second = Cache::new(dir.clone());
        assert_eq!(second.get(file("aa", &DRAWS)).unwrap(), a);
        assert_eq!(
            second.count(),
            CardCount {
                drawn: 0,
                reused: 1
            }
        );
        assert_eq!(DRAWS.load(Ordering::Relaxed), 2);
        // Not while the first build holds the cache.
        assert_eq!(second.prune(), 0);
        drop(first);
        // "bb" was not used by the second build.
        assert_eq!(second.prune(), 1);
        assert!(a.is_file() && !dir.join("bb.png").exists());
        let placed = dir.join("out.png");
        assert!(place(&a, &placed).unwrap());
        assert!(!place(&a, &placed).unwrap(), "placed twice");
        let _ = fs::remove_dir_all(&dir);
    }
}
