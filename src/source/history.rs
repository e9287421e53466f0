//! The history of the authors' estimates, and when each future and bet was
//! added, read from git: one `git log` for the whole site (never one per
//! file) lists every commit that touched `futures/` or `bets/`, with its
//! patch; a streaming parser keeps each future file's top-level
//! `probability:` lines and each file's `new file` header, and follows
//! renames back in time. Other modules see only [`History`]: each future's
//! changes, oldest first, and the day each file was added.
//!
//! Outside a repository, or without git, every future has no history and
//! the build says so only when asked (`--verbose`); a shallow clone or a
//! git failure is one warning in our words. What `git log` found is kept in
//! the site's cache folder by what it depends on ([`cache`]), so a build
//! after the same commit runs one `git rev-parse` instead.

mod cache;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use jiff::civil::Date;

use crate::diagnostics::{Diagnostic, Pos};
use crate::source::bets::BET_EXTENSIONS;
use crate::source::futures::{FUTURE_EXTENSIONS, Probability, read_probability};

/// One change of a future's estimate: the commit that made it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Change {
    /// The commit's date (when it landed, so a rebased change dates from
    /// when it was published).
    pub date: Date,
    /// `None`: the commit removed the estimate.
    pub value: Option<Probability>,
    /// The value before the commit (`None`: there was none, or it is
    /// beyond a shallow clone's history).
    pub before: Option<Probability>,
    /// The commit's subject: why the estimate changed.
    pub reason: String,
    /// The commit's abbreviated hash.
    pub commit: String,
}

/// Which folder a file is in: the kind of thing it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    Future,
    Bet,
}

impl Kind {
    /// The kind of the file at `path` (relative to the site), if any.
    fn of(path: &str) -> Option<Kind> {
        if path.starts_with("futures/") {
            Some(Kind::Future)
        } else if path.starts_with("bets/") {
            Some(Kind::Bet)
        } else {
            None
        }
    }
}

/// The day each future and bet was added: by kind and id (its file's name
/// today), the newest commit that created its file (following renames).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Added {
    days: HashMap<(Kind, String), Date>,
}

impl Added {
    /// When the file of the `kind` with `id` was added, if git knows.
    pub(crate) fn of(&self, kind: Kind, id: &str) -> Option<Date> {
        self.days.get(&(kind, id.to_string())).copied()
    }
}

/// Every future's estimate changes, by future id (its file's name today),
/// and when each future and bet was added.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct History {
    changes: HashMap<String, Vec<Change>>,
    pub added: Added,
}

impl History {
    /// The changes of future `id`'s estimate, oldest first.
    pub(crate) fn of(&self, id: &str) -> &[Change] {
        self.changes.get(id).map_or(&[], Vec::as_slice)
    }
}

/// How reading the history went, for `--verbose` and the warnings.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Status {
    /// Read from this many commits that touched `futures/` or `bets/`.
    Read { commits: usize },
    /// The site is in no git repository.
    NoRepository,
    /// No `git` program could be started.
    NoGit,
    /// A shallow clone: only the newest commits are known.
    Shallow { commits: usize },
    /// Git failed; its own first line of explanation.
    Failed(String),
}

/// How [`read`] went, for `--verbose` and the warnings.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Report {
    pub status: Status,
    pub took: Duration,
    /// Read from the cache: no `git log` ran.
    pub cached: bool,
    /// How many changes of how many futures were found.
    pub changes: usize,
    pub futures: usize,
    /// How many futures and bets git saw added.
    pub added: usize,
}

impl Report {
    /// The warning a build shows, if the history is incomplete.
    pub(crate) fn warning(&self) -> Option<Diagnostic> {
        let file = Path::new("futures");
        match &self.status {
            Status::Shallow { .. } => Some(
                Diagnostic::warning(
                    file,
                    Pos::START,
                    "this is a shallow clone of the site's repository: the history of the estimates starts at its oldest fetched commit",
                )
                .with_help(
                    "fetch the whole history (`git fetch --unshallow`); in a GitHub workflow, give actions/checkout `with: fetch-depth: 0`",
                ),
            ),
            Status::Failed(why) => Some(
                Diagnostic::warning(
                    file,
                    Pos::START,
                    format!("could not read the history of the estimates from git ({why}); each future shows its current estimate only"),
                )
                .with_help("run `git log -- futures/` in the site's folder to see what git says"),
            ),
            _ => None,
        }
    }

    /// One line for `--verbose`.
    pub(crate) fn describe(&self) -> String {
        match &self.status {
            Status::Read { commits } | Status::Shallow { commits } => format!(
                "estimate history: {} changes of {} futures, {} futures and bets added, in {commits} commits, read {} in {:.2?}",
                self.changes,
                self.futures,
                self.added,
                if self.cached {
                    "from the cache (the same commit as the last build's)"
                } else {
                    "from git"
                },
                self.took
            ),
            Status::NoRepository => {
                "estimate history: the site is not in a git repository; each future shows its current estimate only".into()
            }
            Status::NoGit => {
                "estimate history: git is not installed; each future shows its current estimate only".into()
            }
            Status::Failed(why) => format!("estimate history: git failed ({why})"),
        }
    }
}

/// Starts each commit's line in git's output: no line of a patch starts
/// with it (theirs start with a space, `+`, `-`, `@` or a header word).
const COMMIT: u8 = 0x1e;

/// Reads the history of every future's estimate under `root`: from the
/// cache when it was read at the same commit, else with one `git log`
/// (kept in the cache if `keep`).
pub(crate) fn read(root: &Path, keep: bool) -> (History, Report) {
    let started = Instant::now();
    let key = cache::Key::of(root);
    let cached = key.as_ref().and_then(|k| cache::load(root, k));
    let from_cache = cached.is_some();
    let read = match cached {
        Some(read) => Ok(read),
        None => run_git(root, key.as_ref()).inspect(|read| {
            if let Some(key) = key.as_ref().filter(|_| keep) {
                cache::save(root, key, read);
            }
        }),
    };
    let shallow = || {
        key.as_ref()
            .map_or_else(|| is_shallow(root), cache::Key::shallow)
    };
    let (history, status) = match read {
        Ok(read) if read.grafted || shallow() => (
            read.history,
            Status::Shallow {
                commits: read.commits,
            },
        ),
        Ok(read) => (
            read.history,
            Status::Read {
                commits: read.commits,
            },
        ),
        Err(status) => (History::default(), status),
    };
    let report = Report {
        status,
        took: started.elapsed(),
        cached: from_cache,
        changes: history.changes.values().map(Vec::len).sum(),
        futures: history.changes.len(),
        added: history.added.days.len(),
    };
    (history, report)
}

/// Runs `git log` in `root` and parses its output as it streams in:
/// the history, how many commits touched `futures/` or `bets/`, and whether one of
/// them is a shallow clone's boundary. With a key, the log starts at the
/// key's commit, so what is cached under it is that commit's history even
/// if `HEAD` moved meanwhile.
fn run_git(root: &Path, key: Option<&cache::Key>) -> Result<cache::Read, Status> {
    let mut child = Command::new("git")
        .current_dir(root)
        // Git's messages in English, whatever the machine's language, so
        // an empty repository is told from a failure.
        .env("LC_ALL", "C")
        .env("LANGUAGE", "C")
        .args([
            "-c",
            "core.quotePath=off",
            "-c",
            "diff.noprefix=false",
            "-c",
            "diff.mnemonicPrefix=false",
            "-c",
            "log.showSignature=false",
            "log",
            "--date-order",
            "--no-merges",
            "--encoding=UTF-8",
            "--format=%x1e%h%x00%cs%x00%D%x00%s",
            "--patch",
            "--unified=0",
            "--find-renames",
            "--relative",
            "--no-color",
            "--no-ext-diff",
            "--no-textconv",
        ])
        .args(key.map(cache::Key::head))
        .arg("--")
        .args(cache::PATHS)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|_| Status::NoGit)?;
    // Git's messages are short; read them beside the patch so neither
    // pipe fills while the other is read.
    let mut stderr = child.stderr.take();
    let errors = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(e) = stderr.as_mut() {
            let _ = e.read_to_string(&mut text);
        }
        text
    });
    let mut parser = Parser::default();
    if let Some(out) = child.stdout.take() {
        let mut reader = BufReader::with_capacity(1 << 16, out);
        let mut line = Vec::new();
        loop {
            line.clear();
            match reader.read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => parser.line(trim_newline(&line)),
            }
        }
    }
    let status = child
        .wait()
        .map_err(|e| Status::Failed(format!("git did not finish: {e}")))?;
    let errors = errors.join().unwrap_or_default();
    if !status.success() {
        return Err(failure(&errors));
    }
    Ok(cache::Read {
        commits: parser.commits,
        grafted: parser.grafted,
        history: parser.finish(),
    })
}

/// What a failed `git log` means, from its message.
fn failure(message: &str) -> Status {
    if message.contains("not a git repository") {
        return Status::NoRepository;
    }
    let first = message
        .lines()
        .map(|l| l.trim_start_matches("fatal: ").trim())
        .find(|l| !l.is_empty())
        .unwrap_or("no message");
    // A repository without a commit yet has no history, and nothing is wrong.
    if first.contains("does not have any commits yet") {
        return Status::Read { commits: 0 };
    }
    Status::Failed(format!("git says: {first}"))
}

fn trim_newline(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Whether the repository holding `root` is a shallow clone: its common
/// git folder has a `shallow` file. (A boundary commit that did not touch
/// `futures/` is not in `git log`'s output, so its `grafted` mark is not
/// enough.)
fn is_shallow(root: &Path) -> bool {
    git_dirs(root)
        .is_some_and(|d| std::fs::metadata(d.common.join("shallow")).is_ok_and(|m| m.len() > 0))
}

/// The folders of the repository that holds a site.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct GitDirs {
    /// This work tree's own: `HEAD`, its reflog.
    pub own: PathBuf,
    /// Shared by every work tree: the branches (`refs/`, `packed-refs`).
    pub common: PathBuf,
}

/// The git folders of the nearest repository from `root` up, found as git
/// finds them: a `.git` folder, or a `.git` file naming one (a work tree
/// made by `git worktree`, a submodule).
pub(crate) fn git_dirs(root: &Path) -> Option<GitDirs> {
    let start = root.canonicalize().ok()?;
    let own = start.ancestors().find_map(|dir| {
        let dot = dir.join(".git");
        if dot.is_dir() {
            return Some(dot);
        }
        let text = std::fs::read_to_string(&dot).ok()?;
        let named = text.strip_prefix("gitdir:")?.trim();
        Some(dir.join(named))
    })?;
    let common = match std::fs::read_to_string(own.join("commondir")) {
        Ok(text) => own.join(text.trim()),
        Err(_) => own.clone(),
    };
    // As the watcher will name them, without `..`.
    let clean = |p: PathBuf| p.canonicalize().unwrap_or(p);
    Some(GitDirs {
        own: clean(own),
        common: clean(common),
    })
}

/// One file's patch within a commit.
#[derive(Default)]
struct FilePatch {
    /// Its path after the commit, relative to the site.
    path: String,
    /// Its path before, when the commit renamed it.
    renamed_from: Option<String>,
    /// The commit created it (`new file mode`).
    created: bool,
    /// The top-level `probability:` value it added, if any.
    added: Option<String>,
    /// The top-level `probability:` value it removed, if any.
    removed: Option<String>,
}

/// One commit's line.
struct Commit {
    hash: String,
    date: Date,
    subject: String,
}

/// A change as found, newest first, before consecutive equal values are
/// merged.
struct Found {
    commit: usize,
    value: Option<Probability>,
    /// The value the commit's patch removed.
    before: Option<Probability>,
}

/// Reads `git log --patch` output line by line, newest commit first.
#[derive(Default)]
struct Parser {
    /// Every commit seen that touched a future's estimate.
    commits_kept: Vec<Commit>,
    commits: usize,
    grafted: bool,
    current: Option<Commit>,
    patch: Option<FilePatch>,
    /// Where a path's older history goes: the id of the future that file
    /// became (by a rename in a newer commit), or `None` for a path whose
    /// older file is another future (its name was taken by a rename).
    aliases: HashMap<String, Option<String>>,
    /// Renames of the current commit: they apply to older commits only.
    renames: Vec<(String, Option<String>, String)>,
    found: HashMap<String, Vec<Found>>,
    /// The newest creation of each file, by kind and id of today.
    added: HashMap<(Kind, String), Date>,
}

impl Parser {
    fn line(&mut self, line: &[u8]) {
        match line.first() {
            Some(&COMMIT) => self.commit(&line[1..]),
            Some(b'+') => {
                if let Some(value) = line.strip_prefix(b"+probability:")
                    && let Some(p) = self.patch.as_mut()
                {
                    p.added = Some(String::from_utf8_lossy(value).into_owned());
                }
            }
            Some(b'-') => {
                if let Some(value) = line.strip_prefix(b"-probability:")
                    && let Some(p) = self.patch.as_mut()
                {
                    p.removed = Some(String::from_utf8_lossy(value).into_owned());
                }
            }
            Some(b'd') => {
                if let Some(paths) = line.strip_prefix(b"diff --git ") {
                    self.end_patch();
                    self.patch = Some(FilePatch {
                        path: new_path(&String::from_utf8_lossy(paths)),
                        ..FilePatch::default()
                    });
                }
            }
            Some(b'n') => {
                if line.starts_with(b"new file mode ")
                    && let Some(p) = self.patch.as_mut()
                {
                    p.created = true;
                }
            }
            Some(b'r') => {
                if let Some(from) = line.strip_prefix(b"rename from ")
                    && let Some(p) = self.patch.as_mut()
                {
                    p.renamed_from = Some(String::from_utf8_lossy(from).into_owned());
                }
            }
            _ => {}
        }
    }

    /// A new commit's line: hash, date, decorations, subject.
    fn commit(&mut self, fields: &[u8]) {
        self.end_commit();
        let text = String::from_utf8_lossy(fields);
        let mut parts = text.splitn(4, '\0');
        let (hash, date, refs, subject) = (
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
        );
        self.commits += 1;
        let boundary = refs.split(", ").any(|r| r == "grafted");
        self.grafted |= boundary;
        // A shallow clone's oldest commit shows every file as added: that
        // is its state, not what it changed.
        self.current = date.parse().ok().filter(|_| !boundary).map(|date| Commit {
            hash: hash.to_string(),
            date,
            subject: subject.trim().to_string(),
        });
    }

    /// Records what the file patch just read did to its future's estimate.
    fn end_patch(&mut self) {
        let Some(patch) = self.patch.take() else {
            return;
        };
        let Some(commit) = &self.current else {
            return;
        };
        let id = self.id_of(&patch.path);
        if let Some(from) = patch.renamed_from {
            self.renames.push((from, id.clone(), patch.path.clone()));
        }
        let kind = Kind::of(&patch.path);
        if patch.created
            && let (Some(kind), Some(id)) = (kind, &id)
        {
            // Newest first: a file deleted and made again was added last
            // when it was made again.
            self.added.entry((kind, id.clone())).or_insert(commit.date);
        }
        // Only a future's column-0 `probability:` is its estimate.
        if kind != Some(Kind::Future) {
            return;
        }
        let value = match (&patch.added, &patch.removed) {
            (Some(text), _) => match parse_value(text) {
                Some(p) => Some(p),
                // A value that did not parse failed that build: not a change.
                None => return,
            },
            (None, Some(_)) => None,
            (None, None) => return,
        };
        let before = patch.removed.as_deref().and_then(parse_value);
        let Some(id) = id else {
            return;
        };
        let index = match self.commits_kept.last() {
            Some(last) if last.hash == commit.hash => self.commits_kept.len() - 1,
            _ => {
                self.commits_kept.push(Commit {
                    hash: commit.hash.clone(),
                    date: commit.date,
                    subject: commit.subject.clone(),
                });
                self.commits_kept.len() - 1
            }
        };
        self.found.entry(id).or_default().push(Found {
            commit: index,
            value,
            before,
        });
    }

    /// After a commit, its renames send older history of each old path to
    /// the future the new path is; the new path's older history (if it
    /// existed before) is another file's.
    fn end_commit(&mut self) {
        self.end_patch();
        for (from, id, to) in std::mem::take(&mut self.renames) {
            self.aliases.insert(from, id);
            self.aliases.insert(to, None);
        }
        self.current = None;
    }

    /// The id of the future or bet whose history a change of `path` belongs to.
    fn id_of(&self, path: &str) -> Option<String> {
        if let Some(alias) = self.aliases.get(path) {
            return alias.clone();
        }
        let extensions: &[&str] = match Kind::of(path)? {
            Kind::Future => FUTURE_EXTENSIONS,
            Kind::Bet => BET_EXTENSIONS,
        };
        let path = Path::new(path);
        let known = path
            .extension()
            .is_some_and(|e| extensions.iter().any(|x| e == *x));
        known
            .then(|| path.file_stem())
            .flatten()
            .map(|s| s.to_string_lossy().into_owned())
    }

    /// Every future's changes, oldest first, a commit that leaves the
    /// value as it was not being a change.
    fn finish(mut self) -> History {
        self.end_commit();
        let commits = self.commits_kept;
        let changes = self
            .found
            .into_iter()
            .filter_map(|(id, found)| {
                let mut list: Vec<Change> = Vec::new();
                for f in found.iter().rev() {
                    let before = match list.last() {
                        Some(last) if last.value == f.value => continue,
                        Some(last) => last.value,
                        None if f.value == f.before => continue,
                        None => f.before,
                    };
                    let c = &commits[f.commit];
                    list.push(Change {
                        date: c.date,
                        value: f.value,
                        before,
                        reason: c.subject.clone(),
                        commit: c.hash.clone(),
                    });
                }
                (!list.is_empty()).then_some((id, list))
            })
            .collect();
        History {
            changes,
            added: Added { days: self.added },
        }
    }
}

/// The path after the change in `a/X b/Y` (git's `diff --git` header).
/// Future ids have no spaces, so the last ` b/` splits it.
fn new_path(paths: &str) -> String {
    match paths.rfind(" b/") {
        Some(i) => paths[i + 3..].to_string(),
        None => paths.to_string(),
    }
}

/// A `probability:` line's value as the build reads it: a trailing
/// `# comment` and quotes aside.
fn parse_value(text: &str) -> Option<Probability> {
    let text = match text.find(" #").or_else(|| text.find("\t#")) {
        Some(i) => &text[..i],
        None => text,
    };
    let text = text.trim();
    let unquoted = ['"', '\'']
        .iter()
        .find_map(|q| text.strip_prefix(*q)?.strip_suffix(*q))
        .unwrap_or(text);
    read_probability(unquoted.trim(), "probability").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> History {
        let mut p = Parser::default();
        for line in text.lines() {
            p.line(line.as_bytes());
        }
        p.finish()
    }

    /// A commit's line as `git log --format` writes it.
    fn commit(hash: &str, date: &str, subject: &str) -> String {
        format!("\u{1e}{hash}\0{date}\0\0{subject}")
    }

    fn values(h: &History, id: &str) -> Vec<(String, Option<f64>, String)> {
        h.of(id)
            .iter()
            .map(|c| {
                (
                    c.date.to_string(),
                    c.value.map(Probability::get),
                    c.reason.clone(),
                )
            })
            .collect()
    }

    #[test]
    fn changes_are_read_oldest_first_and_edges_and_equal_values_do_not_count() {
        let log = [
            commit("ccc", "2026-05-02", "Scaling evidence weakens"),
            String::new(),
            "diff --git a/futures/agi.yaml b/futures/agi.yaml".into(),
            "index 1..2 100644".into(),
            "--- a/futures/agi.yaml".into(),
            "+++ b/futures/agi.yaml".into(),
            "@@ -3 +3 @@".into(),
            "-probability: 0.4".into(),
            "+probability: 0.35 # was 0.4".into(),
            commit("bbb", "2026-04-01", "Edges only; agi rewritten alike"),
            String::new(),
            "diff --git a/futures/agi.yaml b/futures/agi.yaml".into(),
            "@@ -3 +3 @@".into(),
            "-probability: 0.40".into(),
            "+probability: '0.4'".into(),
            "@@ -9 +9 @@".into(),
            "-    probability: 0.5".into(),
            "+    probability: 0.7".into(),
            commit("aaa", "2026-03-01", "Add agi"),
            String::new(),
            "diff --git a/futures/agi.yaml b/futures/agi.yaml".into(),
            "new file mode 100644".into(),
            "--- /dev/null".into(),
            "+++ b/futures/agi.yaml".into(),
            "@@ -0,0 +1,9 @@".into(),
            "+title: AGI".into(),
            "+probability: 0.40".into(),
            "+leads_to:".into(),
            "+  - future: boom".into(),
            "+    probability: 0.5".into(),
        ]
        .join("\n");
        let h = parse(&log);
        assert_eq!(
            values(&h, "agi"),
            [
                ("2026-03-01".into(), Some(0.4), "Add agi".into()),
                (
                    "2026-05-02".into(),
                    Some(0.35),
                    "Scaling evidence weakens".into()
                ),
            ]
        );
        assert_eq!(h.of("agi")[1].commit, "ccc");
        assert!(h.of("boom").is_empty());
    }

    #[test]
    fn additions_of_futures_and_bets_follow_renames_and_bets_have_no_estimate() {
        let log = [
            commit("ddd", "2026-04-01", "Rename a to b"),
            "diff --git a/futures/a.yaml b/futures/b.yaml".into(),
            "similarity index 100%".into(),
            "rename from futures/a.yaml".into(),
            "rename to futures/b.yaml".into(),
            commit("ccc", "2026-03-01", "Add a bet"),
            "diff --git a/bets/hedge.md b/bets/hedge.md".into(),
            "new file mode 100644".into(),
            "+probability: 0.9".into(),
            commit("bbb", "2026-02-01", "Add x again"),
            "diff --git a/futures/x.yaml b/futures/x.yaml".into(),
            "new file mode 100644".into(),
            "+probability: 0.3".into(),
            commit("aaa", "2026-01-01", "Add a and x"),
            "diff --git a/futures/a.yaml b/futures/a.yaml".into(),
            "new file mode 100644".into(),
            "+probability: 0.2".into(),
            "diff --git a/futures/x.yaml b/futures/x.yaml".into(),
            "new file mode 100644".into(),
            "+probability: 0.3".into(),
        ]
        .join("\n");
        let h = parse(&log);
        let day = |s: &str| s.parse::<Date>().ok();
        // b was added as a; x's newest creation counts; the bet is a bet.
        assert_eq!(h.added.of(Kind::Future, "b"), day("2026-01-01"));
        assert_eq!(h.added.of(Kind::Future, "a"), None);
        assert_eq!(h.added.of(Kind::Future, "x"), day("2026-02-01"));
        assert_eq!(h.added.of(Kind::Bet, "hedge"), day("2026-03-01"));
        assert_eq!(h.added.of(Kind::Future, "hedge"), None);
        // A bet's `probability:` line is not an estimate.
        assert!(h.of("hedge").is_empty());
        assert_eq!(
            values(&h, "b"),
            [("2026-01-01".into(), Some(0.2), "Add a and x".into())]
        );
    }

    #[test]
    fn a_removed_estimate_is_a_change_to_none() {
        let log = [
            commit("bbb", "2026-02-01", "Leave it to the markets"),
            "diff --git a/futures/x.yml b/futures/x.yml".into(),
            "@@ -2 +1,0 @@".into(),
            "-probability: 0.2".into(),
            commit("aaa", "2026-01-01", "Add x"),
            "diff --git a/futures/x.yml b/futures/x.yml".into(),
            "+probability: 0.2".into(),
        ]
        .join("\n");
        let h = parse(&log);
        let got: Vec<Option<f64>> = h.of("x").iter().map(|c| c.value.map(|p| p.get())).collect();
        assert_eq!(got, [Some(0.2), None]);
    }

    #[test]
    fn renames_carry_older_history_to_the_file_of_today() {
        let log = [
            commit("ddd", "2026-04-01", "Rename b to c"),
            "diff --git a/futures/b.yaml b/futures/ai/c.yaml".into(),
            "similarity index 100%".into(),
            "rename from futures/b.yaml".into(),
            "rename to futures/ai/c.yaml".into(),
            commit("ccc", "2026-03-01", "Rename a to b, lower it"),
            "diff --git a/futures/a.yaml b/futures/b.yaml".into(),
            "similarity index 90%".into(),
            "rename from futures/a.yaml".into(),
            "rename to futures/b.yaml".into(),
            "--- a/futures/a.yaml".into(),
            "+++ b/futures/b.yaml".into(),
            "-probability: 0.3".into(),
            "+probability: 0.25".into(),
            commit("bbb", "2026-02-01", "An older b, deleted"),
            "diff --git a/futures/b.yaml b/futures/b.yaml".into(),
            "deleted file mode 100644".into(),
            "-probability: 0.9".into(),
            commit("aaa", "2026-01-01", "Add a and b"),
            "diff --git a/futures/a.yaml b/futures/a.yaml".into(),
            "+probability: 0.3".into(),
            "diff --git a/futures/b.yaml b/futures/b.yaml".into(),
            "+probability: 0.9".into(),
        ]
        .join("\n");
        let h = parse(&log);
        assert_eq!(
            values(&h, "c"),
            [
                ("2026-01-01".into(), Some(0.3), "Add a and b".into()),
                (
                    "2026-03-01".into(),
                    Some(0.25),
                    "Rename a to b, lower it".into()
                ),
            ]
        );
        assert!(h.of("a").is_empty(), "a's history went to c");
        assert!(h.of("b").is_empty(), "the older b is not today's c");
    }

    #[test]
    fn a_shallow_clones_boundary_is_a_state_and_the_first_change_knows_its_before() {
        let log = [
            commit("bbb", "2026-05-10", "Agents arrive early"),
            "diff --git a/futures/agi.yaml b/futures/agi.yaml".into(),
            "-probability: 0.35".into(),
            "+probability: 0.45".into(),
            "\u{1e}aaa\u{0}2026-05-02\u{0}grafted\u{0}Unrelated".into(),
            "diff --git a/futures/agi.yaml b/futures/agi.yaml".into(),
            "new file mode 100644".into(),
            "+probability: 0.35".into(),
            "diff --git a/futures/boom.yaml b/futures/boom.yaml".into(),
            "+probability: 0.2".into(),
        ]
        .join("\n");
        let mut p = Parser::default();
        for line in log.lines() {
            p.line(line.as_bytes());
        }
        assert!(p.grafted);
        let h = p.finish();
        assert_eq!(
            values(&h, "agi"),
            [(
                "2026-05-10".into(),
                Some(0.45),
                "Agents arrive early".into()
            )]
        );
        assert_eq!(h.of("agi")[0].before.map(Probability::get), Some(0.35));
        assert!(h.of("boom").is_empty());
    }

    #[test]
    fn values_read_as_the_build_reads_them() {
        assert_eq!(parse_value(" 0.35").map(Probability::get), Some(0.35));
        assert_eq!(
            parse_value(" 0.35   # lowered after the report").map(Probability::get),
            Some(0.35)
        );
        assert_eq!(parse_value(" \"0.2\"").map(Probability::get), Some(0.2));
        assert_eq!(parse_value(" 35%"), None);
        assert_eq!(parse_value(""), None);
        assert_eq!(
            new_path("a/futures/x.yaml b/futures/y.yaml"),
            "futures/y.yaml"
        );
    }

    #[test]
    fn git_failures_are_said_in_our_words() {
        assert_eq!(
            failure("fatal: not a git repository (or any of the parent directories): .git\n"),
            Status::NoRepository
        );
        assert_eq!(
            failure("fatal: your current branch 'main' does not have any commits yet\n"),
            Status::Read { commits: 0 }
        );
        assert_eq!(
            failure("fatal: detected dubious ownership in repository at '/s'\nmore"),
            Status::Failed("git says: detected dubious ownership in repository at '/s'".into())
        );
    }
}
