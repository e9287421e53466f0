//! What each file of the last build's output holds, as a content hash
//! beside the file's stamp (device, inode, size, modification time), kept in
//! the site's cache folder (`.forkcast-cache/output/`, one file per output
//! folder, named by a hash of its path; the [`KEPT`] written last stay). A file whose stamp
//! is the one recorded still holds the recorded bytes, so the next build
//! tells it unchanged from one `lstat` and a hash of the new bytes, without
//! reading it back. The stamp is what `make` and `rsync` trust: writing a
//! file changes its modification time, and replacing it its inode. As git
//! does for its index, a file modified too recently for a later write to be
//! sure to change its time (the clock of file times is coarse, up to 2 s on
//! some file systems) is not recorded, and the next build reads it.
//!
//! Only ever a shortcut: a file that is missing, unreadable, of another
//! output or version, or a line that does not parse, means the old file is
//! read and compared as without it. It is written whole under another name
//! and renamed into place.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

/// The first line of the file; raise its number when the format changes.
const HEADER: &str = "forkcast output fingerprints 1";

/// How many outputs' records a site keeps: a build into a new folder
/// does not cost the usual output its record.
const KEPT: usize = 4;

/// A hash of a file's bytes.
pub(crate) type Hash = u128;

pub(crate) fn hash(bytes: &[u8]) -> Hash {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

/// Which file a path holds, as far as its metadata says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Stamp {
    dev: u64,
    ino: u64,
    size: u64,
    mtime_sec: i64,
    mtime_nsec: i64,
}

impl Stamp {
    /// The stamp of a regular file; `None` for anything else, or where the
    /// system gives no inode.
    pub(crate) fn of(meta: &fs::Metadata) -> Option<Stamp> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            meta.is_file().then(|| Stamp {
                dev: meta.dev(),
                ino: meta.ino(),
                size: meta.size(),
                mtime_sec: meta.mtime(),
                mtime_nsec: meta.mtime_nsec(),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            None
        }
    }
}

impl Stamp {
    /// Whether any write after `now` would give the file another
    /// modification time.
    pub(crate) fn settled(&self, now: std::time::SystemTime) -> bool {
        let Ok(since) = now.duration_since(std::time::UNIX_EPOCH) else {
            return false;
        };
        let now_ns = i128::from(since.as_secs()) * 1_000_000_000 + i128::from(since.subsec_nanos());
        let mtime_ns = i128::from(self.mtime_sec) * 1_000_000_000 + i128::from(self.mtime_nsec);
        mtime_ns + SETTLED_NS < now_ns
    }
}

/// How old a modification time must be for the next write to change it.
const SETTLED_NS: i128 = 2_000_000_000;

/// The hash and stamp of each file an output held when it was written.
#[derive(Default)]
pub(crate) struct Fingerprints {
    known: HashMap<PathBuf, (Stamp, Hash)>,
}

impl Fingerprints {
    /// The file in `dir` that records the output at `out`.
    pub(crate) fn file_for(dir: &Path, out: &Path) -> PathBuf {
        let path = out.as_os_str().as_encoded_bytes();
        dir.join(format!("{:016x}", xxhash_rust::xxh3::xxh3_64(path)))
    }

    /// What `file` records of the output at `out`: nothing if it records
    /// another output, or cannot be read.
    pub(crate) fn load(file: &Path, out: &Path) -> Fingerprints {
        let Ok(text) = fs::read_to_string(file) else {
            return Fingerprints::default();
        };
        let mut lines = text.lines();
        if lines.next() != Some(HEADER) || lines.next() != out.to_str() {
            return Fingerprints::default();
        }
        Fingerprints {
            known: lines.filter_map(parse_line).collect(),
        }
    }

    /// Whether the file at `rel`, now stamped `stamp`, is known to hold
    /// bytes hashing to `hash`.
    pub(crate) fn holds(&self, rel: &Path, stamp: Stamp, hash: Hash) -> bool {
        self.known.get(rel) == Some(&(stamp, hash))
    }

    /// Whether `files` is exactly what is recorded (then nothing need be
    /// written).
    pub(crate) fn same<'a>(&self, files: impl Iterator<Item = (&'a Path, Stamp, Hash)>) -> bool {
        let mut n = 0;
        for (rel, stamp, hash) in files {
            if !self.holds(rel, stamp, hash) {
                return false;
            }
            n += 1;
        }
        n == self.known.len()
    }

    /// Records `files` as the output at `out` holds them. A file that
    /// cannot be written costs the next build reads, nothing more, so
    /// failures are not reported.
    pub(crate) fn save<'a>(
        file: &Path,
        out: &Path,
        files: impl Iterator<Item = (&'a Path, Stamp, Hash)>,
    ) {
        use std::fmt::Write;
        let (Some(dir), Some(out)) = (file.parent(), out.to_str()) else {
            return;
        };
        let mut text = format!("{HEADER}\n{out}\n");
        for (rel, s, hash) in files {
            // A name with a line break cannot be a line; it is compared.
            let Some(rel) = rel.to_str().filter(|r| !r.contains('\n')) else {
                continue;
            };
            let _ = writeln!(
                text,
                "{hash:032x} {} {} {} {} {} {rel}",
                s.dev, s.ino, s.size, s.mtime_sec, s.mtime_nsec
            );
        }
        let temp = dir.join(format!(".fingerprints.{}", std::process::id()));
        let written = fs::create_dir_all(dir)
            .and_then(|()| fs::write(&temp, text))
            .and_then(|()| fs::rename(&temp, file));
        if written.is_err() {
            let _ = fs::remove_file(&temp);
        }
        prune(dir);
    }
}

/// `hash dev ino size mtime_sec mtime_nsec path`, or `None`.
fn parse_line(line: &str) -> Option<(PathBuf, (Stamp, Hash))> {
    let mut fields = line.splitn(7, ' ');
    let hash = Hash::from_str_radix(fields.next()?, 16).ok()?;
    let mut unsigned = || fields.next()?.parse::<u64>().ok();
    let (dev, ino, size) = (unsigned()?, unsigned()?, unsigned()?);
    let mut signed = || fields.next()?.parse::<i64>().ok();
    let (mtime_sec, mtime_nsec) = (signed()?, signed()?);
    let stamp = Stamp {
        dev,
        ino,
        size,
        mtime_sec,
        mtime_nsec,
    };
    Some((PathBuf::from(fields.next()?), (stamp, hash)))
}

/// Removes all but the [`KEPT`] records written last from `dir`.
fn prune(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut records: Vec<(std::time::SystemTime, PathBuf)> = entries
        .flatten()
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    records.sort_by_key(|r| std::cmp::Reverse(r.0));
    for (_, path) in records.iter().skip(KEPT) {
        let _ = fs::remove_file(path);
    }
}
