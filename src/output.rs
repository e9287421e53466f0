//! Writing the output folder. Pages go to disk as they are rendered, but
//! never over what is there: a build that fails at any point removes what
//! it wrote and leaves the previous output untouched.
//!
//! A new output is filled as a staging folder beside it and renamed. Into an
//! existing one, only files whose bytes changed are written — each beside
//! the file it replaces, under a hidden name — and on success they are
//! renamed over their old versions and files no longer produced are removed.
//! Unchanged files keep their inode and mtime: rebuilds cost reads, not
//! writes, and deploys that sync by mtime or checksum stay small. (On this
//! project's benchmark machine, deleting and recreating 16,000 files also
//! made the next build's creates crawl past the freshly deleted inodes.)

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

use crate::source::theme::{Origin, Theme};

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

/// Where a file's bytes come from.
enum Source<'a> {
    Bytes(&'a [u8]),
    Copy(&'a Path),
}

impl Source<'_> {
    fn write_to(&self, dest: &Path) -> Result<(), WriteError> {
        match self {
            Source::Bytes(bytes) => fs::write(dest, bytes).map_err(at(dest)),
            Source::Copy(src) => fs::copy(src, dest).map(|_| ()).map_err(at(src)),
        }
    }

    /// Whether `dest` already holds exactly these bytes.
    fn same_as(&self, dest: &Path) -> bool {
        match self {
            Source::Bytes(bytes) => holds(dest, bytes),
            Source::Copy(src) => fs::read(src).is_ok_and(|bytes| holds(dest, &bytes)),
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
pub fn remove_stale(dir: &Path, prefix: &str) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let pid = name
            .to_str()
            .and_then(|n| n.strip_prefix(prefix))
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok());
        if pid.is_some_and(|pid| pid != std::process::id() && !running(pid)) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    File,
    Folder,
}

/// One build's writes into an output folder. Files are [`put`](Self::put)
/// from any thread while the site renders; [`finish`](Self::finish) makes
/// them the output. Dropped unfinished, it leaves the output as it was.
pub struct Publisher {
    out: PathBuf,
    staging: PathBuf,
    /// What `out` held when the build began; `None` when it is filled anew.
    old: Option<HashMap<PathBuf, Kind>>,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Every path put so far.
    put: HashSet<PathBuf>,
    /// The files written, not yet in place.
    staged: Vec<Staged>,
    /// Folders made inside an existing output for new files, to remove
    /// again if the build fails.
    created: HashSet<PathBuf>,
    unchanged: usize,
    /// The first write that failed; later files are not written.
    failure: Option<WriteError>,
    /// Set once the output is updated: nothing is left to undo.
    done: bool,
}

/// A file written where it does not belong yet: `temp` becomes `rel`.
struct Staged {
    rel: PathBuf,
    temp: PathBuf,
}

impl Publisher {
    /// Starts a build into `out`, which need not exist.
    pub fn begin(out: &Path) -> Result<Publisher, WriteError> {
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = out
            .file_name()
            .map_or("public".into(), |n| n.to_string_lossy().into_owned());
        let prefix = format!(".{name}.building-");
        remove_stale(&parent, &prefix);
        let staging = parent.join(format!("{prefix}{}", std::process::id()));
        if staging.exists() {
            fs::remove_dir_all(&staging).map_err(at(&staging))?;
        }
        fs::create_dir_all(&staging).map_err(at(&staging))?;
        let old = if fs::symlink_metadata(out).is_ok_and(|m| m.is_dir()) {
            Some(existing(out)?)
        } else {
            None
        };
        Ok(Publisher {
            out: out.to_path_buf(),
            staging,
            old,
            state: Mutex::new(State::default()),
        })
    }

    /// Puts the theme's static files and the site's `static/` folder, in
    /// that order: a later file of the same path wins, and rendered files
    /// put afterwards win over both.
    pub fn put_statics(&self, theme: &Theme, site_static: &Path) {
        for f in &theme.statics {
            let source = match &f.origin {
                Origin::Builtin(text) => Source::Bytes(text.as_bytes()),
                Origin::File(src) => Source::Copy(src),
            };
            self.put_source(PathBuf::from(&f.name), &source);
        }
        for src in crate::source::files::files_with_extension(site_static, &[]) {
            if let Ok(rel) = src.strip_prefix(site_static) {
                self.put_source(rel.to_path_buf(), &Source::Copy(&src));
            }
        }
    }

    /// Puts one rendered file.
    pub fn put(&self, file: OutputFile) {
        self.put_source(PathBuf::from(file.path), &Source::Bytes(&file.bytes));
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn put_source(&self, rel: PathBuf, source: &Source) {
        {
            let mut state = self.state();
            if state.failure.is_some() {
                return;
            }
            if !state.put.insert(rel.clone()) {
                // Later wins: forget the earlier file of this path.
                match state.staged.iter().position(|s| s.rel == rel) {
                    Some(i) => {
                        let _ = fs::remove_file(state.staged.swap_remove(i).temp);
                    }
                    None => state.unchanged -= 1,
                }
            }
        }
        let unchanged = self.old.as_ref().is_some_and(|old| {
            old.get(&rel) == Some(&Kind::File) && source.same_as(&self.out.join(&rel))
        });
        if unchanged {
            self.state().unchanged += 1;
            return;
        }
        let written = self
            .place(&rel)
            .and_then(|temp| match source.write_to(&temp) {
                Ok(()) => Ok(temp),
                Err(e) => {
                    let _ = fs::remove_file(&temp);
                    Err(e)
                }
            });
        let mut state = self.state();
        match written {
            Ok(temp) => state.staged.push(Staged { rel, temp }),
            Err(e) => {
                state.failure.get_or_insert(e);
            }
        }
    }

    /// Where `rel` is written until the build succeeds: in a new output,
    /// inside the staging folder; in an existing one, beside the file it
    /// replaces, under a hidden name (no folders to make and remove again),
    /// unless a file of the old output stands where its folder must go.
    fn place(&self, rel: &Path) -> Result<PathBuf, WriteError> {
        let in_staging = |rel: &Path| {
            let temp = self.staging.join(rel);
            make_parent(&temp).map(|()| temp)
        };
        let Some(old) = &self.old else {
            return in_staging(rel);
        };
        let above = || {
            rel.ancestors()
                .skip(1)
                .filter(|a| !a.as_os_str().is_empty())
        };
        if above().any(|a| old.get(a) == Some(&Kind::File)) {
            return in_staging(rel);
        }
        let dest = self.out.join(rel);
        let missing: Vec<PathBuf> = above()
            .filter(|a| !old.contains_key(*a))
            .map(|a| self.out.join(a))
            .collect();
        if !missing.is_empty() {
            self.state().created.extend(missing);
            make_parent(&dest)?;
        }
        let name = dest.file_name().unwrap_or_default().to_string_lossy();
        Ok(dest.with_file_name(format!(".{name}.forkcast-{}", std::process::id())))
    }

    /// Makes what was put the output, or leaves the output untouched and
    /// says which file could not be written.
    pub fn finish(self) -> Result<Written, WriteError> {
        let written = self.commit();
        if written.is_ok() {
            self.state().done = true;
        }
        written
    }

    fn commit(&self) -> Result<Written, WriteError> {
        let mut state = self.state();
        if let Some(e) = state.failure.take() {
            return Err(e);
        }
        if let Some(clash) = state
            .put
            .iter()
            .find(|rel| rel.ancestors().skip(1).any(|a| state.put.contains(a)))
        {
            let path = self.out.join(clash);
            return Err(at(&path)(io::Error::other(
                "the build produces both a file and a folder above it",
            )));
        }
        let written = Written {
            changed: state.staged.len(),
            unchanged: state.unchanged,
            removed: 0,
        };
        match &self.old {
            None => {
                self.swap_in()?;
                Ok(written)
            }
            Some(old) => {
                let removed = self.update(old, &state)?;
                Ok(Written { removed, ..written })
            }
        }
    }

    /// Renames the staging folder to the output, and a file or link that
    /// stood there out of the way.
    fn swap_in(&self) -> Result<(), WriteError> {
        if fs::symlink_metadata(&self.out).is_ok() {
            let old = self.staging.with_extension("old");
            fs::rename(&self.out, &old).map_err(at(&self.out))?;
            if let Err(e) = fs::rename(&self.staging, &self.out) {
                let _ = fs::rename(&old, &self.out);
                return Err(at(&self.out)(e));
            }
            return fs::remove_file(&old).map_err(at(&old));
        }
        fs::rename(&self.staging, &self.out).map_err(at(&self.out))
    }

    /// Moves the staged files into the existing output and removes what is
    /// no longer produced. Returns how many old files were removed.
    fn update(&self, old: &HashMap<PathBuf, Kind>, state: &State) -> Result<usize, WriteError> {
        // An old file where a folder is now needed, or an old folder where
        // a file now goes, is out of the way first.
        for rel in state.staged.iter().map(|s| &s.rel) {
            for above in rel.ancestors().skip(1) {
                if old.get(above) == Some(&Kind::File) {
                    remove(&self.out.join(above), |p| fs::remove_file(p))?;
                }
            }
            if old.get(rel) == Some(&Kind::Folder) {
                remove(&self.out.join(rel), |p| fs::remove_dir_all(p))?;
            }
        }
        let stale: Vec<&PathBuf> = old
            .iter()
            .filter(|(rel, kind)| **kind == Kind::File && !state.put.contains(*rel))
            .map(|(rel, _)| rel)
            .collect();
        stale
            .par_iter()
            .try_for_each(|rel| remove(&self.out.join(rel), |p| fs::remove_file(p)))?;
        state.staged.par_iter().try_for_each(|s| {
            let dest = self.out.join(&s.rel);
            make_parent(&dest)?;
            fs::rename(&s.temp, &dest).map_err(at(&dest))
        })?;
        let folders: HashSet<&Path> = state
            .put
            .iter()
            .flat_map(|rel| rel.ancestors().skip(1))
            .collect();
        let mut emptied: Vec<&PathBuf> = old
            .iter()
            .filter(|(rel, kind)| {
                **kind == Kind::Folder
                    && !folders.contains(rel.as_path())
                    && !state.put.contains(*rel)
            })
            .map(|(rel, _)| rel)
            .collect();
        // Deepest first, so each folder is empty by the time it is removed.
        emptied.sort_by_key(|rel| std::cmp::Reverse(rel.components().count()));
        for rel in emptied {
            remove(&self.out.join(rel), |p| fs::remove_dir(p))?;
        }
        Ok(stale.len())
    }
}

impl Drop for Publisher {
    /// Undoes an unfinished build: its hidden files and new folders in the
    /// output. The staging folder goes in any case (after a swap it is gone,
    /// after an update only emptied folders are left in it).
    fn drop(&mut self) {
        let state = self
            .state
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if !state.done {
            for s in state
                .staged
                .iter()
                .filter(|s| !s.temp.starts_with(&self.staging))
            {
                let _ = fs::remove_file(&s.temp);
            }
            let mut created: Vec<&PathBuf> = state.created.iter().collect();
            created.sort_by_key(|dir| std::cmp::Reverse(dir.components().count()));
            for dir in created {
                let _ = fs::remove_dir(dir);
            }
        }
        let _ = fs::remove_dir_all(&self.staging);
    }
}

/// Removes `path`; one already gone (or under what is now a file) is fine.
fn remove(path: &Path, how: impl FnOnce(&Path) -> io::Result<()>) -> Result<(), WriteError> {
    match how(path) {
        Err(e)
            if !matches!(
                e.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
            ) =>
        {
            Err(at(path)(e))
        }
        _ => Ok(()),
    }
}

fn make_parent(path: &Path) -> Result<(), WriteError> {
    match path.parent() {
        Some(dir) => fs::create_dir_all(dir).map_err(at(dir)),
        None => Ok(()),
    }
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
}
