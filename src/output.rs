//! Writing the output folder, and never losing data doing it.
//!
//! Which folders may be an output ([`check_target`]): never the site's own
//! sources, and never a folder of someone else's files. Every output holds a
//! [`MARKER`] file listing what the build wrote, so the next build knows the
//! folder is its own and which files are.
//!
//! How a build replaces it ([`Publisher`]): one build at a time (a lock
//! beside the output), each writing a complete new output as a staging
//! folder beside the old one — files whose bytes did not change are hard
//! links to the old ones, so they keep their inode and mtime — and swapping
//! the two folders in one rename. A rebuild that changes nothing makes no
//! staging folder at all. With [`fingerprints`] of the last build, telling
//! an unchanged file costs an `lstat` and a hash of the new bytes; without,
//! the old file is read back and compared.
//! Whenever a build stops, killed or failed, the output is either the old
//! one or the new one, byte for byte; what a killed build left beside it is
//! removed by the next one.

mod fingerprints;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fs;
use std::io::{self, Read, Write as _};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

use crate::source::theme::{Origin, Theme};
use fingerprints::{Fingerprints, Hash, Stamp};

pub(crate) mod cards;
pub(crate) use cards::CachedFile;
pub use cards::CardCount;

/// The file every output holds: it marks the folder as a Forkcast output
/// and lists the files the build wrote, one path a line.
pub const MARKER: &str = ".forkcast-output";

const MARKER_HEADER: &str =
    "# Written by Forkcast: `forkcast build` replaces this folder. The files it wrote:\n";

/// The folder a build writes into, in the site's folder, unless told another.
pub(crate) const DEFAULT_OUTPUT: &str = "public";

/// The lock a build holds, beside the output folder `name`, while it writes it.
pub(crate) fn lock_name(name: &str) -> String {
    format!(".{name}.lock")
}

/// The start of the folder a build writes into before it replaces the
/// output folder `name`; the builder's process id follows.
pub(crate) fn staging_prefix(name: &str) -> String {
    format!(".{name}.building-")
}

/// The folders of a site that hold its sources.
pub(crate) const SOURCE_FOLDERS: [&str; 7] = [
    "content",
    "futures",
    "bets",
    "data",
    "static",
    "templates",
    "themes",
];

/// An output file: its path below the output folder and its bytes.
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

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

impl std::error::Error for WriteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

fn at(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError {
        path: path.to_path_buf(),
        source,
    }
}

/// A folder that may not be a build's output: writing there would replace
/// files that are not the build's own.
#[derive(Debug, PartialEq, Eq)]
pub struct Refused {
    pub path: PathBuf,
    pub why: String,
    pub help: String,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "will not write the site into `{}`: {}",
            self.path.display(),
            self.why
        )
    }
}

impl std::error::Error for Refused {}

/// Checks that `out` may become the output of the site at `root`: a build
/// replaces everything in it. Refused are the site's folder, a folder
/// holding it, its source folders and anything in them, a file, and a
/// folder with files in it that is not a Forkcast output. An output of a
/// Forkcast from before [`MARKER`] existed is recognised by the files every
/// build writes (`index.html`, `graph.json`, `forkcast.js`, `sitemap.xml`).
pub(crate) fn check_target(root: &Path, out: &Path) -> Result<(), Refused> {
    let refuse = |why: String, help: &str| Refused {
        path: out.to_path_buf(),
        why,
        help: help.into(),
    };
    let pick = "pick an empty folder, or one an earlier `forkcast build` wrote (the default is public/ in the site's folder)";
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let target = resolved(out);
    if root.starts_with(&target) {
        let why = if root == target {
            "it is the site's own folder".to_string()
        } else {
            format!("it holds the site ({})", root.display())
        };
        return Err(refuse(why, pick));
    }
    if let Some(source) = SOURCE_FOLDERS
        .iter()
        .find(|d| target.starts_with(root.join(d)))
    {
        return Err(refuse(
            format!("it is in the site's {source}/ folder, which holds its sources"),
            pick,
        ));
    }
    match fs::metadata(&target) {
        Ok(m) if !m.is_dir() => Err(refuse(
            "it is a file, and building would replace it with a folder".into(),
            "pass --output a folder; delete or move the file first if you meant to replace it",
        )),
        Ok(_) if !is_empty(&target) && !is_output(&target) => Err(refuse(
            format!("it holds files that no Forkcast build wrote (it has no {MARKER})"),
            "pick an empty folder, or delete this one first if nothing in it is needed",
        )),
        _ => Ok(()),
    }
}

/// `path` made absolute, with symbolic links and `..` resolved as far as
/// the folders exist.
fn resolved(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut lexical = PathBuf::new();
    for c in absolute.components() {
        match c {
            Component::ParentDir => {
                lexical.pop();
            }
            Component::CurDir => {}
            c => lexical.push(c),
        }
    }
    let mut rest = Vec::new();
    let mut existing = lexical.as_path();
    loop {
        if let Ok(real) = existing.canonicalize() {
            return rest.iter().rev().fold(real, |p, name| p.join(name));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return lexical,
        }
    }
}

fn is_empty(dir: &Path) -> bool {
    fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_none())
}

/// Whether `dir` is an output of Forkcast: marked, or from before the
/// marker and holding what every build writes.
fn is_output(dir: &Path) -> bool {
    dir.join(MARKER).is_file()
        || ["index.html", "graph.json", "forkcast.js", "sitemap.xml"]
            .iter()
            .all(|f| dir.join(f).is_file())
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

/// Where a file's bytes come from. A new kind of source says how to write
/// it, how to compare it with a file and what it hashes to.
enum Source<'a> {
    Bytes(&'a [u8]),
    /// A file of the theme or the site's `static/`, read once.
    Copy(Vec<u8>),
    /// A file of the cache: hard-linked, never read.
    Link(&'a Path),
}

impl Source<'_> {
    /// Writes a new file at `dest` (never through an existing one, which
    /// may be a link to the old output's file); its folder exists.
    fn write_to(&self, dest: &Path) -> io::Result<()> {
        match self {
            Source::Bytes(bytes) => fs::File::create_new(dest)?.write_all(bytes),
            Source::Copy(bytes) => fs::File::create_new(dest)?.write_all(bytes),
            Source::Link(src) => link_in(src, dest),
        }
    }

    /// Whether `dest` already holds exactly these bytes.
    fn same_as(&self, dest: &Path) -> bool {
        match self {
            Source::Bytes(bytes) => holds(dest, bytes),
            Source::Copy(bytes) => holds(dest, bytes),
            Source::Link(src) => cards::same_file(src, dest),
        }
    }

    /// What the fingerprints record of it: a hash of its bytes. A cached
    /// file has none: it is told by its inode (two `stat`s), never read.
    fn hash(&self) -> Option<Hash> {
        match self {
            Source::Bytes(bytes) => Some(fingerprints::hash(bytes)),
            Source::Copy(bytes) => Some(fingerprints::hash(bytes)),
            Source::Link(_) => None,
        }
    }
}

/// Sizes are compared before contents, so most changed files cost an
/// `open` and a `stat`.
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

/// Removes what a process that no longer runs left in `dir` under names
/// starting with `prefix` and its process id (a build or server that was
/// killed before it could clean up).
pub(crate) fn remove_stale(dir: &Path, prefix: &str) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if dead_process_left(&entry.file_name(), prefix) {
            let path = entry.path();
            if fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
                remove_tree(&path);
            } else {
                let _ = fs::remove_file(&path);
            }
        }
    }
}

/// Whether `name` is `prefix`, a process id and anything after a `-`, of a
/// process other than this one that no longer runs.
fn dead_process_left(name: &std::ffi::OsStr, prefix: &str) -> bool {
    let pid = name
        .to_str()
        .and_then(|n| n.strip_prefix(prefix))
        .and_then(|rest| rest.split('-').next())
        .and_then(|pid| pid.parse::<u32>().ok());
    pid.is_some_and(|pid| pid != std::process::id() && !running(pid))
}

/// Whether process `pid` is running. Where that cannot be asked, it is
/// taken to be, so nothing of a live process is removed.
fn running(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return true;
        };
        // SAFETY: signal 0 checks that the process exists and sends nothing.
        let alive = unsafe { libc::kill(pid, 0) } == 0;
        alive || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

/// Removes a folder and everything in it, in parallel: after a swap the
/// old output's thousands of files and folders go here.
fn remove_tree(dir: &Path) {
    let mut folders: Vec<Vec<PathBuf>> = Vec::new();
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir).into_iter().flatten() {
        if entry.file_type().is_dir() {
            folders.resize_with(folders.len().max(entry.depth() + 1), Vec::new);
            folders[entry.depth()].push(entry.into_path());
        } else {
            files.push(entry.into_path());
        }
    }
    files.par_iter().for_each(|f| {
        let _ = fs::remove_file(f);
    });
    // Deepest first, so each folder is empty by the time it is removed.
    for level in folders.iter().rev() {
        level.par_iter().for_each(|f| {
            let _ = fs::remove_dir(f);
        });
    }
    let _ = fs::remove_dir_all(dir);
}

/// Holds an output for one build at a time: an advisory lock on a file
/// beside it, which the kernel releases however the process ends. The file
/// holds the process id, for the message a second build shows.
struct Lock {
    path: PathBuf,
    _file: fs::File,
}

impl Lock {
    fn take(path: PathBuf, out: &Path) -> Result<Lock, WriteError> {
        use std::io::Write;
        loop {
            let mut file = fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .read(true)
                .write(true)
                .open(&path)
                .map_err(at(&path))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(fs::TryLockError::WouldBlock) => return Err(busy(&path, out)),
                Err(fs::TryLockError::Error(e)) => return Err(at(&path)(e)),
            }
            // The build before us removes the file as it finishes; a lock
            // on a file no longer there locks nothing, so take it again.
            if same_file(&file, &path) {
                file.set_len(0).map_err(at(&path))?;
                write!(file, "{}", std::process::id()).map_err(at(&path))?;
                return Ok(Lock { path, _file: file });
            }
        }
    }
}

impl Drop for Lock {
    /// Removed while still held, so the next build cannot lock it in
    /// between and be left holding a lock on nothing.
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

#[cfg(unix)]
fn same_file(file: &fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => (a.dev(), a.ino()) == (b.dev(), b.ino()),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &fs::File, path: &Path) -> bool {
    path.exists()
}

fn busy(lock: &Path, out: &Path) -> WriteError {
    let pid = fs::read_to_string(lock).unwrap_or_default();
    let who = match pid.trim() {
        "" => "another build".to_string(),
        pid => format!("another build (process {pid})"),
    };
    at(out)(io::Error::other(format!(
        "{who} is writing this output; run this one again once it has finished"
    )))
}

/// The output a build replaces.
struct Old {
    /// The files a build wrote, from its [`MARKER`]; `None` for an output
    /// from before the marker, all of which Forkcast wrote.
    ours: Option<HashSet<PathBuf>>,
    /// What the last build recorded of its files.
    fingerprints: Fingerprints,
}

impl Old {
    /// The old files this build did not put that a build wrote: those to
    /// remove (the marker aside). From the marker's list where there is
    /// one, so a rebuild that changes nothing walks no folder.
    fn removed(&self, out: &Path, put: &HashMap<PathBuf, Put>) -> Vec<PathBuf> {
        match &self.ours {
            Some(ours) => ours
                .iter()
                .filter(|rel| !put.contains_key(*rel) && rel.as_path() != Path::new(MARKER))
                .filter(|rel| fs::symlink_metadata(out.join(rel)).is_ok_and(|m| !m.is_dir()))
                .cloned()
                .collect(),
            None => self
                .gone(out, put)
                .map(|(removed, _)| removed)
                .unwrap_or_default(),
        }
    }

    /// Every old file this build did not put: those a build wrote, to
    /// remove (the marker aside), and the others, to keep.
    fn gone(
        &self,
        out: &Path,
        put: &HashMap<PathBuf, Put>,
    ) -> Result<(Vec<PathBuf>, Vec<PathBuf>), WriteError> {
        let (removed, kept): (Vec<PathBuf>, Vec<PathBuf>) = existing_files(out)?
            .into_iter()
            .filter(|rel| !put.contains_key(rel))
            .partition(|rel| self.wrote(rel));
        let removed = removed
            .into_iter()
            .filter(|rel| rel.as_path() != Path::new(MARKER))
            .collect();
        Ok((removed, kept))
    }

    /// Whether a build wrote `rel`: listed in the marker, the marker itself,
    /// or a hidden file an older Forkcast left while writing beside a page.
    fn wrote(&self, rel: &Path) -> bool {
        let hidden_temp = rel.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
            n.starts_with('.')
                && n.rsplit_once(".forkcast-")
                    .is_some_and(|(_, pid)| pid.parse::<u32>().is_ok())
        });
        rel == Path::new(MARKER)
            || hidden_temp
            || self.ours.as_ref().is_none_or(|ours| ours.contains(rel))
    }
}

/// One build's writes into an output folder. Files are [`put`](Self::put)
/// from any thread while the site renders, into a staging folder beside the
/// output; [`finish`](Self::finish) swaps it in. Dropped unfinished, it
/// leaves the output as it was.
pub(crate) struct Publisher {
    out: PathBuf,
    staging: PathBuf,
    old: Option<Old>,
    /// Where the output's fingerprints are kept, if anywhere.
    fingerprints: Option<PathBuf>,
    state: Mutex<State>,
    /// Released last, once the staging folder is gone.
    _lock: Lock,
}

/// What was put at one path.
#[derive(Clone, Copy)]
struct Put {
    /// Its bytes differ from the old output's file: it was staged.
    changed: bool,
    /// What the fingerprints record of its bytes (see [`Source::hash`]).
    hash: Option<Hash>,
    /// The stamp of the old file holding the bytes; none for a file just
    /// written, too new to be recorded (see [`fingerprints`]).
    stamp: Option<Stamp>,
}

#[derive(Default)]
struct State {
    /// Every path put so far.
    put: HashMap<PathBuf, Put>,
    /// The first write that failed; later files are not written.
    failure: Option<WriteError>,
}

impl Publisher {
    /// Starts a build into `out`, which need not exist; a link to a folder
    /// is followed, so the link stays. Fails when another build is writing
    /// the same output.
    pub(crate) fn begin(out: &Path) -> Result<Publisher, WriteError> {
        let out = match fs::metadata(out) {
            Ok(m) if m.is_dir() => out.canonicalize().map_err(at(out))?,
            _ => out.to_path_buf(),
        };
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = out
            .file_name()
            .map_or(DEFAULT_OUTPUT.into(), |n| n.to_string_lossy().into_owned());
        fs::create_dir_all(&parent).map_err(at(&parent))?;
        let lock = Lock::take(parent.join(lock_name(&name)), &out)?;
        let prefix = staging_prefix(&name);
        remove_stale(&parent, &prefix);
        let staging = parent.join(format!("{prefix}{}", std::process::id()));
        if fs::symlink_metadata(&staging).is_ok() {
            remove_tree(&staging);
        }
        fs::create_dir_all(&staging).map_err(at(&staging))?;
        let old = fs::symlink_metadata(&out)
            .is_ok_and(|m| m.is_dir())
            .then(|| Old {
                ours: manifest(&out),
                fingerprints: Fingerprints::default(),
            });
        Ok(Publisher {
            out,
            staging,
            old,
            fingerprints: None,
            state: Mutex::new(State::default()),
            _lock: lock,
        })
    }

    /// Keeps the output's fingerprints in a file of `dir` (in the site's
    /// cache folder), and trusts what it recorded of the old output's files.
    pub(crate) fn with_fingerprints(mut self, dir: &Path) -> Publisher {
        let file = Fingerprints::file_for(dir, &self.out);
        if let Some(old) = &mut self.old {
            old.fingerprints = Fingerprints::load(&file, &self.out);
        }
        self.fingerprints = Some(file);
        self
    }

    /// Puts the theme's static files and the site's `static/` folder, in
    /// that order: a later file of the same path wins, and rendered files
    /// put afterwards win over both.
    pub(crate) fn put_statics(&self, theme: &Theme, site_static: &Path) {
        for f in &theme.statics {
            match &f.origin {
                Origin::Builtin(text) => {
                    self.put_source(PathBuf::from(&f.name), &Source::Bytes(text.as_bytes()));
                }
                Origin::File(src) => self.put_file(PathBuf::from(&f.name), src),
            }
        }
        for src in crate::source::files::files_with_extension(site_static, &[]) {
            if let Ok(rel) = src.strip_prefix(site_static) {
                self.put_file(rel.to_path_buf(), &src);
            }
        }
    }

    /// Puts one rendered file.
    pub(crate) fn put(&self, file: OutputFile) {
        self.put_source(PathBuf::from(file.path), &Source::Bytes(&file.bytes));
    }

    /// Puts a copy of the file at `src`.
    fn put_file(&self, rel: PathBuf, src: &Path) {
        match fs::read(src) {
            Ok(bytes) => self.put_source(rel, &Source::Copy(bytes)),
            Err(e) => {
                self.state().failure.get_or_insert(at(src)(e));
            }
        }
    }

    /// Puts a file from `cache`, drawn first if the cache has none.
    pub(crate) fn put_cached(&self, file: CachedFile, cache: &cards::Cache) {
        let rel = PathBuf::from(&file.path);
        match cache.get(file) {
            Ok(from) => self.put_source(rel, &Source::Link(&from)),
            Err(e) => {
                let failure = at(&self.out.join(&rel))(e);
                self.state().failure.get_or_insert(failure);
            }
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn put_source(&self, rel: PathBuf, source: &Source) {
        {
            let state = self.state();
            if state.failure.is_some() {
                return;
            }
            if state.put.get(&rel).is_some_and(|p| p.changed) {
                // Later wins: the earlier file goes.
                let _ = fs::remove_file(self.staging.join(&rel));
            }
        }
        let old = self.out.join(&rel);
        let hash = source.hash();
        // Unchanged files are linked in only if the output changes at all
        // (see `finish`).
        let written = match self.unchanged(&rel, &old, source, hash) {
            Some(stamp) => Ok(Put {
                changed: false,
                hash,
                stamp: Some(stamp),
            }),
            None => {
                let staged = self.staging.join(&rel);
                make_parent(&staged)
                    .and_then(|()| source.write_to(&staged))
                    .map(|()| Put {
                        changed: true,
                        hash,
                        stamp: None,
                    })
            }
        };
        let mut state = self.state();
        match written {
            Ok(put) => {
                state.put.insert(rel, put);
            }
            Err(e) => {
                state.failure.get_or_insert(at(&old)(e));
            }
        }
    }

    /// The stamp of the old output's file at `rel` (full path `old`) if it
    /// holds `source`'s bytes: known from its fingerprint, else read.
    fn unchanged(
        &self,
        rel: &Path,
        old: &Path,
        source: &Source,
        hash: Option<Hash>,
    ) -> Option<Stamp> {
        let known = self.old.as_ref()?;
        let stamp = Stamp::of(&fs::symlink_metadata(old).ok()?)?;
        let recorded = hash.is_some_and(|h| known.fingerprints.holds(rel, stamp, h));
        (recorded || source.same_as(old)).then_some(stamp)
    }

    /// Makes what was put the output, or leaves the output untouched and
    /// says which file could not be written.
    pub(crate) fn finish(self) -> Result<Written, WriteError> {
        let put = {
            let mut state = self.state();
            if let Some(e) = state.failure.take() {
                return Err(e);
            }
            std::mem::take(&mut state.put)
        };
        let changed = put.values().filter(|p| p.changed).count();
        let removed = self
            .old
            .as_ref()
            .map_or_else(Vec::new, |o| o.removed(&self.out, &put));
        let written = Written {
            changed,
            unchanged: put.len() - changed,
            removed: removed.len(),
        };
        let marker = marker_text(&put);
        let same_marker = fs::read(self.out.join(MARKER)).is_ok_and(|m| m == marker.as_bytes());
        if self.old.is_some() && changed == 0 && removed.is_empty() && same_marker {
            // The output already is what this build made: a rebuild of an
            // unchanged site makes no folder and writes no file.
            self.keep_fingerprints(&put);
            return Ok(written);
        }
        let kept = match &self.old {
            Some(old) => old.gone(&self.out, &put)?.1,
            None => Vec::new(),
        };
        self.link_unchanged(&put, &kept)?;
        let path = self.staging.join(MARKER);
        fs::write(&path, marker).map_err(at(&self.out.join(MARKER)))?;
        swap(&self.staging, &self.out)?;
        self.keep_fingerprints(&put);
        Ok(written)
    }

    /// Links the old output's unchanged files, and those no build wrote,
    /// into the staging folder: its folders first, level by level, then
    /// every file in parallel.
    fn link_unchanged(
        &self,
        put: &HashMap<PathBuf, Put>,
        kept: &[PathBuf],
    ) -> Result<(), WriteError> {
        let unchanged: Vec<&PathBuf> = put
            .iter()
            .filter(|(_, p)| !p.changed)
            .map(|(rel, _)| rel)
            .collect();
        let folders: BTreeSet<&Path> = unchanged
            .iter()
            .map(|rel| rel.as_path())
            .chain(kept.iter().map(PathBuf::as_path))
            .flat_map(|rel| rel.ancestors().skip(1))
            .filter(|dir| !dir.as_os_str().is_empty())
            .collect();
        make_folders(&self.staging, &folders)?;
        unchanged.par_iter().try_for_each(|rel| {
            let from = self.out.join(rel);
            link_in(&from, &self.staging.join(rel)).map_err(at(&from))
        })?;
        for rel in kept {
            let from = self.out.join(rel);
            link_in(&from, &self.staging.join(rel)).map_err(|e| {
                at(&from)(io::Error::other(format!(
                    "Forkcast did not write this file and will not remove it, but the site now needs its place ({e}); move it out of the output"
                )))
            })?;
        }
        Ok(())
    }

    /// Records each file's hash and stamp for the next build, unless
    /// nothing changed since the last record.
    fn keep_fingerprints(&self, put: &HashMap<PathBuf, Put>) {
        let Some(file) = &self.fingerprints else {
            return;
        };
        let now = std::time::SystemTime::now();
        let files = || {
            put.iter()
                .filter_map(|(rel, p)| Some((rel.as_path(), p.stamp?, p.hash?)))
                .filter(|(_, stamp, _)| stamp.settled(now))
        };
        if !self
            .old
            .as_ref()
            .is_some_and(|o| o.fingerprints.same(files()))
        {
            Fingerprints::save(file, &self.out, files());
        }
    }
}

/// Makes `folders` (relative to `base`, each listed with its parents)
/// below `base`, shallowest first, each level in parallel: one `mkdir`
/// each.
fn make_folders(base: &Path, folders: &BTreeSet<&Path>) -> Result<(), WriteError> {
    let mut levels: Vec<Vec<&Path>> = Vec::new();
    for dir in folders {
        let depth = dir.components().count();
        levels.resize_with(levels.len().max(depth), Vec::new);
        levels[depth - 1].push(dir);
    }
    for level in &levels {
        level.par_iter().try_for_each(|dir| {
            let path = base.join(dir);
            match fs::create_dir(&path) {
                Err(e) if e.kind() != io::ErrorKind::AlreadyExists => Err(at(&path)(e)),
                _ => Ok(()),
            }
        })?;
    }
    Ok(())
}

/// The marker's text: its header and every path put, sorted.
fn marker_text(put: &HashMap<PathBuf, Put>) -> String {
    let mut paths: Vec<String> = put
        .keys()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    paths.sort();
    let mut text = String::from(MARKER_HEADER);
    for p in paths {
        text.push_str(&p);
        text.push('\n');
    }
    text
}

/// A new name for the file at `from`: a hard link where the file system
/// allows one, else a copy. `to`'s folder exists.
fn link_in(from: &Path, to: &Path) -> io::Result<()> {
    fs::hard_link(from, to).or_else(|_| fs::copy(from, to).map(|_| ()))
}

/// [`link_in`], making `to`'s folder first.
fn link_or_copy(from: &Path, to: &Path) -> io::Result<()> {
    make_parent(to)?;
    link_in(from, to)
}

impl Drop for Publisher {
    /// Removes the staging folder: a failed build's files, or after a swap
    /// the old output.
    fn drop(&mut self) {
        if fs::symlink_metadata(&self.staging).is_ok() {
            remove_tree(&self.staging);
        }
    }
}

/// The files the build that wrote `out` listed in its marker.
fn manifest(out: &Path) -> Option<HashSet<PathBuf>> {
    let text = fs::read_to_string(out.join(MARKER)).ok()?;
    Some(
        text.lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(PathBuf::from)
            .collect(),
    )
}

/// Puts `staging` where `out` is, in one step where the system can: on
/// Linux the two folders are exchanged (the old output is then in
/// `staging`, for the caller to remove). Elsewhere the old output is moved
/// aside first, so a build killed between the two renames leaves no output
/// (the old one, beside it, is removed by the next build).
fn swap(staging: &Path, out: &Path) -> Result<(), WriteError> {
    if fs::symlink_metadata(out).is_err() {
        return fs::rename(staging, out).map_err(at(out));
    }
    #[cfg(target_os = "linux")]
    match exchange(staging, out) {
        Ok(()) => return Ok(()),
        // Not supported by this file system or kernel: rename twice.
        Err(e) if matches!(e.raw_os_error(), Some(libc::EINVAL | libc::ENOSYS)) => {}
        Err(e) => return Err(at(out)(e)),
    }
    let aside = PathBuf::from(format!("{}-old", staging.display()));
    fs::rename(out, &aside).map_err(at(out))?;
    if let Err(e) = fs::rename(staging, out) {
        let _ = fs::rename(&aside, out);
        return Err(at(out)(e));
    }
    fs::rename(&aside, staging).map_err(at(&aside))
}

/// Exchanges two paths atomically (`renameat2` with `RENAME_EXCHANGE`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| CString::new(p.as_os_str().as_bytes()).map_err(io::Error::other);
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: both are valid NUL-terminated paths that outlive the call;
    // AT_FDCWD makes relative paths relative to the current folder.
    let r = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

fn make_parent(path: &Path) -> io::Result<()> {
    match path.parent() {
        Some(dir) => fs::create_dir_all(dir),
        None => Ok(()),
    }
}

/// Every file below `out`, relative to it. Symbolic links count as files:
/// they are linked or replaced, never followed.
fn existing_files(out: &Path) -> Result<Vec<PathBuf>, WriteError> {
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(out).min_depth(1) {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(out).to_path_buf();
            WriteError {
                path,
                source: e.into(),
            }
        })?;
        if !entry.file_type().is_dir()
            && let Ok(rel) = entry.path().strip_prefix(out)
        {
            found.push(rel.to_path_buf());
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    /// Writes the theme's static files, the site's `static/` folder and
    /// `files` (later ones winning) into `out`.
    fn publish(
        out: &Path,
        theme: &Theme,
        site_static: &Path,
        files: Vec<OutputFile>,
    ) -> Result<Written, WriteError> {
        let publisher = Publisher::begin(out)?;
        publisher.put_statics(theme, site_static);
        for file in files {
            publisher.put(file);
        }
        publisher.finish()
    }

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
            .filter(|e| e.file_type().is_file() && e.file_name() != MARKER)
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
            |files: Vec<OutputFile>| publish(&out, &Theme::default(), &dir.join("static"), files);
        publish(vec![
            file("index.html", "one"),
            file("posts/a/index.html", "a"),
        ])
        .unwrap();
        let before = snapshot(&out);
        // A file and a folder of the same name cannot both be written.
        assert!(publish(vec![file("a", "x"), file("a/b.html", "y")]).is_err());
        assert_eq!(snapshot(&out), before);
        // A name the file system refuses fails after other files changed.
        let refused = "x".repeat(300);
        let err = publish(vec![
            file("index.html", "two"),
            file("new/index.html", "new"),
            file(&refused, "z"),
        ])
        .unwrap_err();
        assert!(err.path.to_string_lossy().contains(&refused), "{err}");
        assert_eq!(snapshot(&out), before, "nothing changed, nothing left over");
        assert!(!out.join("new").exists());
        publish(vec![file("index.html", "two")]).unwrap();
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
        let publish = |files: Vec<OutputFile>| {
            publish(&out, &Theme::default(), &dir.join("static"), files).unwrap()
        };
        let first = publish(vec![
            file("index.html", "home"),
            file("posts/a/index.html", "a"),
            file("posts/b/index.html", "b"),
        ]);
        assert_eq!(first.changed, 3);
        let inode = |rel: &str| fs::metadata(out.join(rel)).unwrap().ino();
        let kept = inode("posts/a/index.html");
        let again = publish(vec![
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
        // A folder turning into a file.
        publish(vec![file("posts", "now a file")]);
        assert_eq!(snapshot(&out), [("posts".into(), "now a file".into())]);
        // And a file into a folder again.
        publish(vec![file("posts/x/index.html", "x")]);
        assert_eq!(snapshot(&out), [("posts/x/index.html".into(), "x".into())]);
        fs::remove_dir_all(&dir).unwrap();
    }

    /// Sets the modification time of `path` to `secs` after the epoch.
    fn set_mtime(path: &Path, secs: u64) {
        let time = std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs);
        let file = fs::File::options().write(true).open(path).unwrap();
        file.set_modified(time).unwrap();
    }

    /// Writes `text` into the file at `path` in place (same inode), then
    /// gives it back the modification time it had: what no editor does, so
    /// only a build that trusts the file's stamp misses it.
    fn tamper_keeping_stamp(path: &Path, text: &str) {
        let before = fs::metadata(path).unwrap();
        let mut file = fs::File::options().write(true).open(path).unwrap();
        assert_eq!(before.len(), text.len() as u64, "same size");
        file.write_all(text.as_bytes()).unwrap();
        file.set_modified(before.modified().unwrap()).unwrap();
        drop(file);
        let after = fs::metadata(path).unwrap();
        assert_eq!((after.ino(), after.len()), (before.ino(), before.len()));
        assert_eq!(after.modified().unwrap(), before.modified().unwrap());
    }

    #[test]
    fn fingerprints_tell_an_unchanged_file_without_reading_it_and_only_by_its_stamp() {
        let dir = scratch("output-fingerprints");
        let out = dir.join("public");
        let records = dir.join("cache");
        let publish = || {
            let publisher = Publisher::begin(&out).unwrap().with_fingerprints(&records);
            publisher.put(file("index.html", "home"));
            publisher.put(file("a.html", "aaaa"));
            publisher.finish().unwrap()
        };
        let a = out.join("a.html");
        let record = records.join(format!(
            "{:016x}",
            xxhash_rust::xxh3::xxh3_64(out.as_os_str().as_encoded_bytes())
        ));
        let unchanged = Written {
            changed: 0,
            unchanged: 2,
            removed: 0,
        };
        assert_eq!(publish().changed, 2);
        // Files written just now are not recorded (a write within the
        // file clock's step could leave the same stamp).
        tamper_keeping_stamp(&a, "xxxx");
        assert_eq!(publish().changed, 1, "a.html read back and rewritten");
        assert_eq!(fs::read_to_string(&a).unwrap(), "aaaa");

        // An hour old, they are recorded by the next build, which reads them.
        let hour_ago = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            - 3600;
        set_mtime(&a, hour_ago);
        set_mtime(&out.join("index.html"), hour_ago);
        assert_eq!(publish(), unchanged);
        assert!(fs::read_to_string(&record).unwrap().contains(" a.html\n"));
        // Proof that the next build reads no old file: bytes changed behind
        // its back with the stamp kept are not seen.
        tamper_keeping_stamp(&a, "bbbb");
        assert_eq!(publish(), unchanged);
        assert_eq!(fs::read_to_string(&a).unwrap(), "bbbb");
        // Any other stamp (here only the time moves by a second) is read.
        set_mtime(&a, hour_ago + 1);
        assert_eq!(publish().changed, 1);
        assert_eq!(fs::read_to_string(&a).unwrap(), "aaaa");

        // A corrupt record, or one of another output, is not believed.
        set_mtime(&a, hour_ago);
        assert_eq!(publish(), unchanged);
        let good = fs::read_to_string(&record).unwrap();
        let other = good.replacen(out.to_str().unwrap(), "/elsewhere", 1);
        assert_ne!(other, good);
        for bad in ["forkcast output fingerprints 1\n", "garbage", &other] {
            fs::write(&record, bad).unwrap();
            tamper_keeping_stamp(&a, "cccc");
            assert_eq!(publish().changed, 1, "{bad}");
            assert_eq!(fs::read_to_string(&a).unwrap(), "aaaa", "{bad}");
            set_mtime(&a, hour_ago);
            publish();
        }
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn each_output_keeps_its_own_record_and_only_the_newest_four_stay() {
        let dir = scratch("output-records");
        let records = dir.join("cache");
        let count = || fs::read_dir(&records).unwrap().count();
        for (n, name) in ["a", "b", "c", "d", "e"].iter().enumerate() {
            let out = dir.join(name);
            let publisher = Publisher::begin(&out).unwrap().with_fingerprints(&records);
            publisher.put(file("index.html", name));
            publisher.finish().unwrap();
            // One record per output, at most four: a, b, c, d, then e
            // takes a's place (the oldest).
            assert_eq!(count(), (n + 1).min(4), "after {name}");
            // Record times must differ for "oldest" to be defined.
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let kept: Vec<String> = ["a", "b", "c", "d", "e"]
            .iter()
            .filter(|name| {
                let out = dir.join(name).canonicalize().unwrap();
                Fingerprints::file_for(&records, &out).exists()
            })
            .map(|name| name.to_string())
            .collect();
        assert_eq!(kept, ["b", "c", "d", "e"]);
        fs::remove_dir_all(&dir).unwrap();
    }
}
