//! `data/community.json`: every discussion thread last read from the
//! repository, kept through [`crate::fetch::remote::store`] (atomic writes) in a
//! stable order (by subject, then issue number), each with when it was
//! read, so a listing cut short by a fault updates what it read and keeps
//! the rest, dated.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::diagnostics::{Diagnostic, Pos};
use crate::fetch::remote::store;
use crate::source::config::GitHubRepo;

pub(crate) const SNAPSHOT: &str = "data/community.json";

/// One issue that discusses a future or a bet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Thread {
    /// What its marker line names: `future/<id>` or `bet/<id>`.
    pub subject: String,
    pub number: u64,
    /// The issue's page: always an `https://github.com/` address.
    pub url: String,
    /// 👍 reactions.
    pub up: u64,
    /// 👎 reactions.
    pub down: u64,
    pub comments: u64,
    pub created_at: Timestamp,
    pub fetched_at: Timestamp,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Snapshot {
    /// `owner/repo` the threads were read from; another repository's
    /// threads say nothing about this one.
    pub repository: String,
    /// When the last complete listing finished: `refresh_after` counts from it.
    pub listed_at: Option<Timestamp>,
    pub threads: Vec<Thread>,
}

impl Snapshot {
    /// Reads the snapshot of `repo`; a site without one, or with one of
    /// another repository, starts empty.
    pub(crate) fn load(root: &Path, repo: &GitHubRepo) -> Result<Snapshot, Diagnostic> {
        let snap: Snapshot = store::load(
            root,
            SNAPSHOT,
            "community snapshot",
            "read every thread again",
        )?;
        Ok(if snap.repository == repo.to_string() {
            snap
        } else {
            Snapshot {
                repository: repo.to_string(),
                ..Snapshot::default()
            }
        })
    }

    /// A complete listing replaces every thread: those gone from the
    /// repository (deleted, unlabelled) go from the snapshot too.
    pub(crate) fn replace(&mut self, threads: Vec<Thread>, now: Timestamp) {
        self.threads = threads;
        self.listed_at = Some(now);
        self.sort();
    }

    /// A listing cut short updates the threads it read and keeps the
    /// others as they were, with their older dates.
    pub(crate) fn merge(&mut self, threads: Vec<Thread>) {
        let mut by_number: BTreeMap<u64, Thread> =
            self.threads.drain(..).map(|t| (t.number, t)).collect();
        by_number.extend(threads.into_iter().map(|t| (t.number, t)));
        self.threads = by_number.into_values().collect();
        self.sort();
    }

    fn sort(&mut self) {
        self.threads
            .sort_by(|a, b| (&a.subject, a.number).cmp(&(&b.subject, b.number)));
    }

    /// Writes `data/community.json` atomically.
    pub(crate) fn save(&self, root: &Path) -> io::Result<()> {
        store::save(root, SNAPSHOT, self)
    }

    /// Where issue `number`'s entry starts in the file as [`Snapshot::save`]
    /// writes it, so a warning about it points at its lines.
    pub(crate) fn pos_of(&self, number: u64) -> Pos {
        let needle = format!("\"number\": {number},");
        store::pretty(self)
            .ok()
            .and_then(|text| {
                text.lines()
                    .position(|l| l.trim() == needle)
                    .map(|i| Pos::new(i as u32 + 1, 7))
            })
            .unwrap_or(Pos::START)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn thread(subject: &str, number: u64, up: u64, at: &str) -> Thread {
        Thread {
            subject: subject.into(),
            number,
            url: format!("https://github.com/o/r/issues/{number}"),
            up,
            down: 0,
            comments: 0,
            created_at: "2026-01-01T00:00:00Z".parse().unwrap(),
            fetched_at: at.parse().unwrap(),
        }
    }

    #[test]
    fn a_cut_listing_updates_what_it_read_and_keeps_the_rest() {
        let old = "2026-11-20T06:00:00Z";
        let mut snap = Snapshot {
            repository: "o/r".into(),
            listed_at: Some(old.parse().unwrap()),
            threads: vec![thread("future/b", 2, 1, old), thread("future/a", 1, 1, old)],
        };
        snap.merge(vec![thread("future/b", 2, 7, "2026-11-21T06:00:00Z")]);
        let got: Vec<(&str, u64, u64)> = snap
            .threads
            .iter()
            .map(|t| (t.subject.as_str(), t.number, t.up))
            .collect();
        assert_eq!(
            got,
            [("future/a", 1, 1), ("future/b", 2, 7)],
            "sorted by subject"
        );
        assert_eq!(snap.listed_at, Some(old.parse().unwrap()), "still due");
        assert_eq!(snap.pos_of(2), Pos::new(17, 7));
    }
}
