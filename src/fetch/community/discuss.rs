//! `forkcast discuss [--create]`: which futures and bets have no thread
//! yet, and, on request, one new issue for each. Explicit, never part of a
//! build: it needs a token that may open issues, and it reads the whole
//! listing first, so running it again opens nothing.

use std::fmt;
use std::path::Path;

use jiff::Timestamp;

use super::github::{self, Fault};
use super::snapshot::{SNAPSHOT, Snapshot};
use super::{Subject, Wanted};
use crate::fetch::remote::Client;
use crate::source::config::GitHubRepo;

/// What `discuss` found and did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Discussed {
    /// Futures and bets that already had a thread.
    pub existing: usize,
    /// Those without one (when not creating), in the site's order.
    pub missing: Vec<Subject>,
    /// Issues opened: what, its number and page.
    pub created: Vec<(Subject, u64, String)>,
    /// Why creating stopped early, if it did.
    pub stopped: Option<String>,
}

impl fmt::Display for Discussed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (subject, number, url) in &self.created {
            writeln!(f, "opened #{number} for {subject}: {url}")?;
        }
        for subject in &self.missing {
            writeln!(f, "no thread yet: {subject}")?;
        }
        let had = format!("{} already had a thread", self.existing);
        match (self.created.len(), self.missing.len()) {
            (0, 0) if self.stopped.is_none() => write!(
                f,
                "nothing to open: every future and bet has a thread ({had})"
            ),
            (n, 0) => write!(
                f,
                "opened {n} thread{}; {had}",
                if n == 1 { "" } else { "s" }
            ),
            (_, m) => write!(
                f,
                "{m} without a thread; {had}; `forkcast discuss --create` opens one for each (needs GITHUB_TOKEN)"
            ),
        }
    }
}

/// Why `discuss` could not start.
#[derive(Clone, Debug, PartialEq)]
pub enum DiscussError {
    /// `--create` without GITHUB_TOKEN.
    NoToken,
    /// The listing failed: nothing is opened without knowing what exists.
    Listing(Fault),
}

impl fmt::Display for DiscussError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DiscussError::NoToken => {
                f.write_str("`discuss --create` needs GITHUB_TOKEN: opening issues takes a token")
            }
            DiscussError::Listing(e) => write!(
                f,
                "cannot read the existing threads: {e}; nothing was opened"
            ),
        }
    }
}

impl std::error::Error for DiscussError {}

/// Lists the threads of `repo`, and with `create` opens one issue for each
/// of `wanted` that has none, in order, then writes the snapshot with what
/// was read and opened (without `create` it writes nothing).
pub(crate) fn discuss(
    root: &Path,
    repo: &GitHubRepo,
    wanted: &[Wanted],
    client: &Client,
    create: bool,
) -> Result<Discussed, DiscussError> {
    if create && client.endpoints().github_token.is_none() {
        return Err(DiscussError::NoToken);
    }
    let listing = github::list(client, repo, Timestamp::now(), &|_, _| {});
    if let Some((_, fault)) = listing.fault {
        return Err(DiscussError::Listing(fault));
    }
    let mut threads = listing.threads;
    let has = |threads: &[super::snapshot::Thread], s: &Subject| {
        threads.iter().any(|t| t.subject == s.to_string())
    };
    let (had, missing): (Vec<&Wanted>, Vec<&Wanted>) =
        wanted.iter().partition(|w| has(&threads, &w.subject));
    let mut result = Discussed {
        existing: had.len(),
        ..Discussed::default()
    };
    if !create {
        result.missing = missing.into_iter().map(|w| w.subject.clone()).collect();
        return Ok(result);
    }
    for w in missing {
        let (title, body) = w.issue_text();
        match github::create(client, repo, &title, &body) {
            Ok(Some(t)) => {
                result
                    .created
                    .push((w.subject.clone(), t.number, t.url.clone()));
                threads.push(t);
            }
            Ok(None) => {
                result.stopped = Some(format!(
                    "the issue opened for {} came back without its marker line",
                    w.subject
                ));
                break;
            }
            Err(e) => {
                result.stopped = Some(format!("opening a thread for {}: {e}", w.subject));
                break;
            }
        }
    }
    save(root, repo, threads, &mut result);
    Ok(result)
}

/// The listing is complete, and so is what was opened after it.
fn save(
    root: &Path,
    repo: &GitHubRepo,
    threads: Vec<super::snapshot::Thread>,
    result: &mut Discussed,
) {
    let mut snap = Snapshot {
        repository: repo.to_string(),
        ..Snapshot::default()
    };
    snap.replace(threads, Timestamp::now());
    if let Err(e) = snap.save(root) {
        let note = format!("cannot write {SNAPSHOT}: {e}");
        result.stopped = Some(match result.stopped.take() {
            Some(s) => format!("{s}; {note}"),
            None => note,
        });
    }
}
