//! The estimates' history as the last `git log` found it, kept in the
//! site's cache folder (`.forkcast-cache/history/`) with what it depends
//! on: the commit `HEAD` names, whether the clone is shallow, where the
//! site sits in the repository, the paths asked and this format's version.
//! A build whose key matches runs one `git rev-parse` instead of reading
//! every commit's patch. The cache is only ever a shortcut: a file missing,
//! unreadable, corrupt or of another version is read from git again, and
//! it is written whole under another name and renamed into place, so a
//! build killed while writing leaves the old one or none.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::{Added, Change, History, Kind};
use crate::source::futures::Probability;

/// Raise when what `git log` is asked, or how its output is read, changes:
/// a cache of another version is read from git again.
const VERSION: u32 = 1;

/// The paths whose history is read, relative to the site.
pub(super) const PATHS: [&str; 2] = ["futures/", "bets/"];

/// What a history read from git depends on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Key {
    version: u32,
    /// The full id of the commit `HEAD` names.
    head: String,
    /// Whether the repository is a shallow clone (`git fetch --unshallow`
    /// adds history without moving `HEAD`).
    shallow: bool,
    /// The site's folder within the repository (`git log --relative`).
    prefix: String,
    paths: Vec<String>,
}

impl Key {
    /// The key of the repository holding `root`, from one `git rev-parse`;
    /// `None` when git cannot say (no repository, no commit yet, no git),
    /// and the history is then read from git, which says why.
    pub(super) fn of(root: &Path) -> Option<Key> {
        let out = Command::new("git")
            .current_dir(root)
            .env("LC_ALL", "C")
            .args([
                "rev-parse",
                "--is-shallow-repository",
                "--show-prefix",
                "--verify",
                "HEAD",
            ])
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .ok()?;
        if !out.status.success() {
            return None;
        }
        let text = String::from_utf8(out.stdout).ok()?;
        let mut lines = text.lines();
        let shallow = lines.next()? == "true";
        let prefix = lines.next()?.to_string();
        let head = lines.next()?.to_string();
        Some(Key {
            version: VERSION,
            head,
            shallow,
            prefix,
            paths: PATHS.iter().map(|p| p.to_string()).collect(),
        })
    }

    /// Whether the repository is a shallow clone.
    pub(super) fn shallow(&self) -> bool {
        self.shallow
    }

    /// The commit whose history this is.
    pub(super) fn head(&self) -> &str {
        &self.head
    }
}

/// What one `git log` gave: the history, how many commits it read, and
/// whether one of them was a shallow clone's boundary.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Read {
    pub history: History,
    pub commits: usize,
    pub grafted: bool,
}

/// The cache file of the site at `root`.
fn file(root: &Path) -> PathBuf {
    root.join(crate::source::config::CACHE_DIR)
        .join("history")
        .join("log.json")
}

/// What was cached for `key`, if the file holds exactly that.
pub(super) fn load(root: &Path, key: &Key) -> Option<Read> {
    let bytes = std::fs::read(file(root)).ok()?;
    let stored: Stored = serde_json::from_slice(&bytes).ok()?;
    if &stored.key != key {
        return None;
    }
    stored.into_read()
}

/// Keeps `read` for `key`. A cache that cannot be written costs the next
/// build a `git log`, nothing more, so failures are not reported.
pub(super) fn save(root: &Path, key: &Key, read: &Read) {
    let path = file(root);
    let Some(dir) = path.parent() else { return };
    let Ok(json) = serde_json::to_vec(&Stored::of(key, read)) else {
        return;
    };
    let temp = dir.join(format!(".log.json.{}", std::process::id()));
    let written = std::fs::create_dir_all(dir)
        .and_then(|()| std::fs::write(&temp, json))
        .and_then(|()| std::fs::rename(&temp, &path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
}

/// The cache file's contents, in a stable order (the same history, the
/// same bytes).
#[derive(Serialize, Deserialize)]
struct Stored {
    key: Key,
    commits: usize,
    grafted: bool,
    changes: BTreeMap<String, Vec<StoredChange>>,
    /// Kind (`future` or `bet`), id and day of each addition.
    added: Vec<(String, String, Date)>,
}

#[derive(Serialize, Deserialize)]
struct StoredChange {
    date: Date,
    value: Option<f64>,
    before: Option<f64>,
    reason: String,
    commit: String,
}

impl Stored {
    fn of(key: &Key, read: &Read) -> Stored {
        let change = |c: &Change| StoredChange {
            date: c.date,
            value: c.value.map(Probability::get),
            before: c.before.map(Probability::get),
            reason: c.reason.clone(),
            commit: c.commit.clone(),
        };
        let mut added: Vec<(String, String, Date)> = read
            .history
            .added
            .days
            .iter()
            .map(|((kind, id), day)| (kind_name(*kind).to_string(), id.clone(), *day))
            .collect();
        added.sort();
        Stored {
            key: key.clone(),
            commits: read.commits,
            grafted: read.grafted,
            changes: read
                .history
                .changes
                .iter()
                .map(|(id, list)| (id.clone(), list.iter().map(change).collect()))
                .collect(),
            added,
        }
    }

    /// The history stored, each value checked again as the parser checks
    /// it: `None` if any is not a probability or kind.
    fn into_read(self) -> Option<Read> {
        let probability = |p: Option<f64>| match p {
            None => Some(None),
            Some(p) => Probability::new(p).map(Some),
        };
        let mut changes = HashMap::with_capacity(self.changes.len());
        for (id, list) in self.changes {
            let list = list
                .into_iter()
                .map(|c| {
                    Some(Change {
                        date: c.date,
                        value: probability(c.value)?,
                        before: probability(c.before)?,
                        reason: c.reason,
                        commit: c.commit,
                    })
                })
                .collect::<Option<Vec<Change>>>()?;
            changes.insert(id, list);
        }
        let mut days = HashMap::with_capacity(self.added.len());
        for (kind, id, day) in self.added {
            days.insert((kind_named(&kind)?, id), day);
        }
        Some(Read {
            history: History {
                changes,
                added: Added { days },
            },
            commits: self.commits,
            grafted: self.grafted,
        })
    }
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Future => "future",
        Kind::Bet => "bet",
    }
}

fn kind_named(name: &str) -> Option<Kind> {
    match name {
        "future" => Some(Kind::Future),
        "bet" => Some(Kind::Bet),
        _ => None,
    }
}
