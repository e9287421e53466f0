//! Votes and discussion: each future and bet is discussed in one GitHub
//! issue of the site's repository whose body holds the line
//! `forkcast: future/<id>` (or `bet/<id>`) and which carries the label
//! `forkcast`; readers vote with 👍 / 👎 on it. [`update`] reads every such
//! issue through [`crate::fetch::remote`] — the same client, freshness, run modes
//! and snapshot rules as markets — into `data/community.json`, and says
//! which thread each future and bet has. A fault never fails a build: the
//! last counts are shown, dated.

pub(crate) mod discuss;
pub(crate) mod github;
pub(crate) mod snapshot;

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use jiff::civil::Date;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::fetch::remote::{self, Failure, Run};
use crate::source::config::{self, GitHubRepo};
use github::ReadError;
use snapshot::{Snapshot, Thread};

/// What a thread discusses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Future,
    Bet,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Future => "future",
            Kind::Bet => "bet",
        }
    }

    /// `Future`, `Bet`: how an issue's title starts.
    fn title(self) -> &'static str {
        match self {
            Kind::Future => "Future",
            Kind::Bet => "Bet",
        }
    }
}

/// `future/<id>` or `bet/<id>`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Subject {
    pub kind: Kind,
    pub id: String,
}

impl Subject {
    pub(crate) fn new(kind: Kind, id: &str) -> Subject {
        Subject {
            kind,
            id: id.to_string(),
        }
    }

    /// Reads `future/<id>` or `bet/<id>`. An id is written by a stranger
    /// in an issue and is printed in warnings: only characters an id may
    /// hold, or a likely slip of one (capitals, `_`, `.`), are accepted.
    pub(crate) fn parse(s: &str) -> Option<Subject> {
        let (kind, id) = s.split_once('/')?;
        let kind = match kind {
            "future" => Kind::Future,
            "bet" => Kind::Bet,
            _ => return None,
        };
        let ok = (1..=100).contains(&id.len())
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        ok.then(|| Subject::new(kind, id))
    }

    /// The line that ties an issue to this subject.
    pub(crate) fn marker(&self) -> String {
        format!("forkcast: {self}")
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.kind.name(), self.id)
    }
}

/// A future or bet as a thread about it is opened: its title and page.
#[derive(Clone, Debug)]
pub(crate) struct Wanted {
    pub subject: Subject,
    pub title: String,
    pub permalink: String,
}

impl Wanted {
    /// The new issue's title and body: the marker line last, alone.
    pub(crate) fn issue_text(&self) -> (String, String) {
        let title = format!("{}: {}", self.subject.kind.title(), self.title);
        let body = format!(
            "Discuss this {} here: {}\n\nVote with 👍 or 👎 on this issue; the site shows the counts after its next build. Keep the line below: it ties this issue to the page.\n\n{}\n",
            self.subject.kind.name(),
            self.permalink,
            self.subject.marker()
        );
        (title, body)
    }

    /// GitHub's new-issue form for `repo`, prefilled with the title, the
    /// label and the body with its marker line, so the next fetch finds it.
    pub(crate) fn new_issue_url(&self, repo: &GitHubRepo) -> String {
        let (title, body) = self.issue_text();
        format!(
            "{}/issues/new?labels={}&title={}&body={}",
            repo.url(),
            github::LABEL,
            encode(&title),
            encode(&body)
        )
    }
}

/// Percent-encodes everything but unreserved characters.
pub(crate) fn encode(t: &str) -> String {
    t.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// What pages show of one future's or bet's thread.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Votes {
    pub up: u64,
    pub down: u64,
    pub comments: u64,
    pub number: u64,
    /// The issue's page, where readers vote and discuss.
    pub url: String,
    pub as_of: Date,
    /// Older than `refresh_after`: a refresh failed or was not tried.
    pub stale: bool,
}

/// Every thread a build knows, by what it discusses.
#[derive(Clone, Debug)]
pub(crate) struct Community {
    pub repository: GitHubRepo,
    /// The day of the last complete listing; `None`: never read.
    pub as_of: Option<Date>,
    by_subject: HashMap<Subject, Votes>,
}

impl Community {
    pub(crate) fn votes(&self, s: &Subject) -> Option<&Votes> {
        self.by_subject.get(s)
    }
}

/// What a refresh did, for the one-line summary.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub offline: bool,
    /// A listing was asked for in this run.
    pub fetched: bool,
    /// It ended with a fault.
    pub failed: bool,
    /// Threads shown, and how many of them are stale.
    pub threads: usize,
    pub stale: usize,
    pub requests: usize,
    /// The oldest and newest day of the counts shown.
    pub as_of: Option<(Date, Date)>,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let dated = match self.as_of {
            Some((first, last)) if first == last => format!(" as of {first}"),
            Some((first, last)) => format!(" as of {first} to {last}"),
            None => String::new(),
        };
        let threads = format!(
            "{} thread{}",
            self.threads,
            if self.threads == 1 { "" } else { "s" }
        );
        if self.offline {
            return write!(
                f,
                "discussions (offline): {threads} from the snapshot{dated}, {} stale",
                self.stale
            );
        }
        let how = match (self.fetched, self.failed) {
            (false, _) => "fresh from the snapshot".to_string(),
            (true, false) => "read from GitHub".to_string(),
            (true, true) => format!("from the snapshot{dated}: the refresh failed"),
        };
        write!(
            f,
            "discussions: {threads} {how}, {} stale ({} requests)",
            self.stale, self.requests
        )
    }
}

/// The ids a site holds, to tell which threads name something real.
pub(crate) struct Known<'a> {
    pub futures: Vec<&'a str>,
    pub bets: Vec<&'a str>,
}

impl Known<'_> {
    fn ids(&self, kind: Kind) -> &[&str] {
        match kind {
            Kind::Future => &self.futures,
            Kind::Bet => &self.bets,
        }
    }
}

/// Reads the snapshot, lists the repository's threads when `mode` asks and
/// the last listing is older than `refresh_after`, writes the snapshot back
/// (not in `Verify` mode), and returns what each future and bet shows.
/// Faults, duplicate threads and threads naming no known id become
/// warnings; only an unreadable snapshot or, verifying, a repository that
/// does not exist is an error.
pub(crate) fn update(
    run: &Run<'_>,
    repo: &GitHubRepo,
    known: &Known<'_>,
    progress: &(dyn Fn(usize, usize) + Sync),
    diags: &mut Diagnostics,
) -> (Community, Summary) {
    let (root, mode) = (run.root, run.mode);
    let mut summary = Summary {
        offline: mode.client().is_none(),
        ..Summary::default()
    };
    let mut snap = match Snapshot::load(root, repo) {
        Ok(s) => s,
        Err(d) => {
            diags.push(d);
            let empty = Community {
                repository: repo.clone(),
                as_of: None,
                by_subject: HashMap::new(),
            };
            return (empty, summary);
        }
    };
    let listed_fresh = snap.listed_at.is_some_and(|t| run.is_fresh(t));
    if let Some(client) = mode.client().filter(|_| mode.verify() || !listed_fresh) {
        let before = client.requests();
        let listing = github::list(client, repo, run.now, progress);
        summary.requests = client.requests() - before;
        summary.fetched = true;
        summary.failed = listing.fault.is_some();
        refresh(run, repo, &mut snap, listing, diags);
    }
    let community = Community {
        repository: repo.clone(),
        as_of: snap.listed_at.map(remote::day),
        by_subject: resolve(run, &snap, known, diags),
    };
    summary.threads = community.by_subject.len();
    summary.stale = community.by_subject.values().filter(|v| v.stale).count();
    let days = || community.by_subject.values().map(|v| v.as_of);
    summary.as_of = days().min().zip(days().max());
    (community, summary)
}

/// Applies a listing to the snapshot and writes it (unless verifying).
fn refresh(
    run: &Run<'_>,
    repo: &GitHubRepo,
    snap: &mut Snapshot,
    listing: github::Listing,
    diags: &mut Diagnostics,
) {
    let verify = run.mode.verify();
    match listing.fault {
        None => snap.replace(listing.threads, run.now),
        Some((page, fault)) => {
            let read = listing.threads.len();
            diags.push(fault_diagnostic(repo, snap, page, read, &fault, verify));
            snap.merge(listing.threads);
            if read == 0 {
                return;
            }
        }
    }
    // `check --online` verifies but writes nothing.
    if !verify && let Err(e) = snap.save(run.root) {
        diags.push(
            Diagnostic::warning(
                snapshot::SNAPSHOT,
                crate::diagnostics::Pos::START,
                format!("cannot write the community snapshot: {e}"),
            )
            .with_help("check that data/ is writable; the site was built with the counts read"),
        );
    }
}

fn fault_diagnostic(
    repo: &GitHubRepo,
    snap: &Snapshot,
    page: usize,
    read: usize,
    fault: &github::Fault,
    verify: bool,
) -> Diagnostic {
    if verify && *fault == Failure::Get(remote::Fault::NotFound) {
        return Diagnostic::error(config::FILE, repo.pos, format!("repository `{repo}` not found on GitHub (HTTP 404)"))
            .with_help("check `repository:` against the repository's address; a private one needs GITHUB_TOKEN with read access to its issues");
    }
    let earlier = snap.threads.iter().map(|t| t.fetched_at).min();
    let kept = remote::fallback(
        "the counts",
        earlier,
        "no earlier counts: shown as no votes yet",
    );
    let at = if page > 1 {
        format!(" on page {page}; {read} threads read before it were updated,")
    } else {
        String::new()
    };
    Diagnostic::warning(
        config::FILE,
        repo.pos,
        format!("discussion threads of `{repo}`: {fault}{at} {kept}"),
    )
    .with_help(fault_hint(fault))
}

fn fault_hint(fault: &github::Fault) -> &'static str {
    match fault {
        Failure::Get(remote::Fault::RateLimited { .. }) => {
            "GitHub's rate limit for this address is used up: set GITHUB_TOKEN for a higher one (the nightly workflow passes one), or build later"
        }
        Failure::Get(remote::Fault::NotFound) => {
            "check `repository:`; a private repository needs GITHUB_TOKEN with read access to its issues"
        }
        Failure::Get(remote::Fault::Http(401)) => {
            "GitHub refused GITHUB_TOKEN: give a valid token, or unset it to read a public repository without one"
        }
        Failure::Get(remote::Fault::Network(_)) => {
            "GitHub could not be reached: check the network, or build with `--offline` to use the snapshot without trying"
        }
        Failure::Read(ReadError::ForeignLink(_)) => {
            "FORKCAST_GITHUB_URL must be the API's own address, the one its `Link` headers name"
        }
        _ => "GitHub may be down or rate-limiting; the next build tries again",
    }
}

/// Each known subject's thread: the oldest where several claim it (with a
/// warning naming them), none for a thread naming an unknown id (warned).
fn resolve(
    run: &Run<'_>,
    snap: &Snapshot,
    known: &Known<'_>,
    diags: &mut Diagnostics,
) -> HashMap<Subject, Votes> {
    let mut claims: BTreeMap<Subject, Vec<&Thread>> = BTreeMap::new();
    for t in &snap.threads {
        match Subject::parse(&t.subject) {
            Some(s) if known.ids(s.kind).contains(&s.id.as_str()) => {
                claims.entry(s).or_default().push(t)
            }
            other => diags.push(unknown(snap, t, other, known)),
        }
    }
    claims
        .into_iter()
        .map(|(subject, mut threads)| {
            threads.sort_by_key(|t| (t.created_at, t.number));
            if threads.len() > 1 {
                diags.push(duplicates(snap, &subject, &threads));
            }
            let t = threads[0];
            let votes = Votes {
                up: t.up,
                down: t.down,
                comments: t.comments,
                number: t.number,
                url: t.url.clone(),
                as_of: remote::day(t.fetched_at),
                stale: !run.is_fresh(t.fetched_at),
            };
            (subject, votes)
        })
        .collect()
}

fn unknown(snap: &Snapshot, t: &Thread, subject: Option<Subject>, known: &Known<'_>) -> Diagnostic {
    let help = subject
        .as_ref()
        .and_then(|s| crate::diagnostics::closest(&s.id, known.ids(s.kind).iter().copied()))
        .map(|id| format!("did you mean `{id}`? "))
        .unwrap_or_default();
    let what = subject.map_or("anything", |s| s.kind.name());
    Diagnostic::warning(
        snapshot::SNAPSHOT,
        snap.pos_of(t.number),
        format!("issue #{} ({}) discusses `{}`, which names no {what} of this site", t.number, t.url, t.subject),
    )
    .with_help(format!("{help}edit the issue's `forkcast: {}` line to name an existing id, or close the issue; it is not shown", t.subject))
}

fn duplicates(snap: &Snapshot, subject: &Subject, threads: &[&Thread]) -> Diagnostic {
    let others: Vec<String> = threads[1..]
        .iter()
        .map(|t| format!("#{} ({})", t.number, t.url))
        .collect();
    let used = threads[0];
    Diagnostic::warning(
        snapshot::SNAPSHOT,
        snap.pos_of(used.number),
        format!(
            "`{subject}` is discussed in {} threads: #{} ({}), the older, is used; also {}",
            threads.len(),
            used.number,
            used.url,
            others.join(", ")
        ),
    )
    .with_help("close the newer thread (pointing to the older) or change its `forkcast:` line; votes are read from the older only")
}
