//! Prediction markets: what a reference (`platform:id`) may look like,
//! fetching prices and history from the four platforms, and the committed
//! snapshot that lets every build (offline ones too) show them. A market
//! fault never fails a build: the last good value is used, marked stale.

pub(crate) mod fetch;
pub(crate) mod import;
pub(crate) mod platforms;
pub(crate) mod snapshot;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::fetch::remote::{self, Failure, Run};
pub(crate) use crate::source::market_ref::{MarketRef, Platform};
pub(crate) use fetch::Fault;
pub use import::{Imported, import_history};
pub(crate) use platforms::Status;
use snapshot::{Entry, Snapshot};

/// What a build knows about one market.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Observation {
    /// `None`: unavailable (never read, hidden, or unreadable).
    pub value: Option<f64>,
    pub status: Option<Status>,
    pub title: Option<String>,
    pub url: Option<String>,
    /// When the value was read.
    pub as_of: Option<Date>,
    /// The value is older than `refresh_after`: a refresh failed or was skipped.
    pub stale: bool,
    /// One value a day, oldest first, from `data/history/`.
    pub history: Vec<(Date, f64)>,
}

/// Every market's observation, by reference.
#[derive(Clone, Debug, Default)]
pub(crate) struct Prices {
    by_ref: HashMap<MarketRef, Observation>,
}

impl Prices {
    pub(crate) fn get(&self, r: &MarketRef) -> Option<&Observation> {
        self.by_ref.get(r)
    }
}

/// What a refresh did, for the one-line summary.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Nothing was fetched, by request (`--offline`).
    pub offline: bool,
    pub fetched: usize,
    /// Not fetched because the snapshot's value was young enough.
    pub fresh: usize,
    /// Values shown from the snapshot rather than fetched in this run.
    pub from_snapshot: usize,
    pub stale: usize,
    pub unavailable: usize,
    pub requests: usize,
    /// The oldest and newest day of the values shown from the snapshot.
    pub snapshot_dates: Option<(Date, Date)>,
}

impl Summary {
    /// Counts one market's observation; `fetched_now`: read in this run.
    fn count(&mut self, obs: &Observation, fetched_now: bool) {
        self.stale += usize::from(obs.stale);
        if obs.value.is_none() {
            self.unavailable += 1;
            return;
        }
        if fetched_now {
            return;
        }
        self.from_snapshot += 1;
        if let Some(d) = obs.as_of {
            self.snapshot_dates = Some(match self.snapshot_dates {
                Some((first, last)) => (first.min(d), last.max(d)),
                None => (d, d),
            });
        }
    }

    /// `as of 2026-08-20`, `as of 2026-08-11 to 2026-08-20`.
    fn dates(&self) -> String {
        match self.snapshot_dates {
            Some((first, last)) if first == last => format!(" as of {first}"),
            Some((first, last)) => format!(" as of {first} to {last}"),
            None => String::new(),
        }
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.offline {
            return write!(
                f,
                "markets (offline): {} from the snapshot{}, {} stale, {} unavailable",
                self.from_snapshot,
                self.dates(),
                self.stale,
                self.unavailable
            );
        }
        write!(
            f,
            "markets: {} fetched, {} fresh from snapshot, {} stale{}, {} unavailable ({} requests)",
            self.fetched,
            self.fresh,
            self.stale,
            if self.stale > 0 {
                self.dates()
            } else {
                String::new()
            },
            self.unavailable,
            self.requests
        )
    }
}

/// Reads the snapshot, refreshes what `run.mode` asks for, writes the
/// snapshot and history back, and returns every market's observation.
/// Faults become warnings (one per market) in `diags`; only an unreadable
/// snapshot or, in `Verify` mode, a market that does not exist is an error.
pub(crate) fn update(
    run: &Run<'_>,
    refs: &[(MarketRef, PathBuf, Pos)],
    progress: &(dyn Fn(usize, usize) + Sync),
    diags: &mut Diagnostics,
) -> (Prices, Summary) {
    let snapshot = match Snapshot::load(run.root) {
        Ok(s) => s,
        Err(d) => {
            diags.push(d);
            return (Prices::default(), Summary::default());
        }
    };
    let mut places: BTreeMap<MarketRef, (PathBuf, Pos)> = BTreeMap::new();
    for (r, file, pos) in refs {
        places
            .entry(r.clone())
            .or_insert_with(|| (file.clone(), *pos));
    }
    let mut update = Update {
        run,
        summary: Summary {
            offline: run.mode.client().is_none(),
            ..Summary::default()
        },
        places,
        snapshot,
        fetched_now: BTreeSet::new(),
    };
    let due = update.due(diags);
    for (r, result) in update.fetch(&due, progress) {
        update.record(&r, result, diags);
    }
    update.save(diags);
    update.observations()
}

/// One run of [`update`]: the snapshot as it is being refreshed.
struct Update<'r, 'c> {
    run: &'r Run<'c>,
    /// Each referenced market and where it is first written.
    places: BTreeMap<MarketRef, (PathBuf, Pos)>,
    snapshot: Snapshot,
    summary: Summary,
    fetched_now: BTreeSet<MarketRef>,
}

impl Update<'_, '_> {
    fn place(&self, r: &MarketRef) -> (PathBuf, Pos) {
        self.places.get(r).cloned().unwrap_or_default()
    }

    /// The markets to fetch: none offline; all when verifying; else those
    /// whose snapshot value is not fresh. Metaculus's need a token.
    fn due(&mut self, diags: &mut Diagnostics) -> Vec<MarketRef> {
        let Some(client) = self.run.mode.client() else {
            return Vec::new();
        };
        let verify = self.run.mode.verify();
        let mut due: Vec<MarketRef> = self
            .places
            .keys()
            .filter(|r| {
                verify
                    || !self
                        .snapshot
                        .get(r)
                        .is_some_and(|e| self.run.is_fresh(e.fetched_at))
            })
            .cloned()
            .collect();
        self.summary.fresh = self.places.len() - due.len();
        if client.endpoints().metaculus_token.is_none()
            && let Some(first) = due.iter().find(|r| r.platform == Platform::Metaculus)
        {
            let (file, pos) = self.place(first);
            diags.push(
                Diagnostic::warning(file, pos, "Metaculus markets were not fetched: FORKCAST_METACULUS_TOKEN is not set")
                    .with_help("Metaculus's API needs a token since 2026; set FORKCAST_METACULUS_TOKEN (your API token from metaculus.com) to refresh them; their snapshot values are used meanwhile"),
            );
            due.retain(|r| r.platform != Platform::Metaculus);
        }
        due
    }

    /// Fetches `due` on the run's pool.
    fn fetch(
        &self,
        due: &[MarketRef],
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Vec<(MarketRef, Result<fetch::Fetched, Fault>)> {
        let Some(client) = self.run.mode.client() else {
            return Vec::new();
        };
        let now = self.run.now;
        self.run
            .in_parallel(due, progress, |r| (r.clone(), fetch::fetch(client, r, now)))
    }

    /// Puts what fetching `r` gave into the snapshot and its history, or
    /// warns of its fault.
    fn record(
        &mut self,
        r: &MarketRef,
        result: Result<fetch::Fetched, Fault>,
        diags: &mut Diagnostics,
    ) {
        let (file, pos) = self.place(r);
        let verify = self.run.mode.verify();
        let fetched = match result {
            Ok(fetched) => fetched,
            Err(fault) => {
                diags.push(self.fault(r, &fault, &file, pos));
                return;
            }
        };
        self.summary.fetched += 1;
        self.fetched_now.insert(r.clone());
        let now = self.run.now;
        let today = remote::day(now);
        let reading = fetched.reading;
        let mut history = fetched.history;
        if let Some(v) = reading.value {
            history.retain(|(d, _)| *d != today);
            history.push((today, v));
        }
        // `check --online` verifies but writes nothing.
        if !verify
            && !history.is_empty()
            && let Err(e) =
                snapshot::merge_history(&snapshot::history_path(self.run.root, r), &history)
        {
            diags.push(
                Diagnostic::warning(&file, pos, format!("{r}: cannot write its history: {e}"))
                    .with_help("check that data/history/ is writable"),
            );
        }
        self.snapshot.put(
            r,
            Entry {
                value: reading.value,
                status: reading.status,
                fetched_at: now,
                url: reading.url,
                title: reading.title,
            },
        );
    }

    /// The problem a market's fault is: a warning naming what is shown
    /// instead, or (verifying) an error for a market that does not exist.
    fn fault(&self, r: &MarketRef, fault: &Fault, file: &Path, pos: Pos) -> Diagnostic {
        if self.run.mode.verify() && *fault == Failure::Get(remote::Fault::NotFound) {
            return Diagnostic::error(file, pos, format!("market `{r}` does not exist"))
                .with_help("check the id against the market's address on the platform, or remove the reference");
        }
        let earlier = self
            .snapshot
            .get(r)
            .and_then(|e| e.value.map(|_| e.fetched_at));
        let fallback = remote::fallback(
            "its value",
            earlier,
            "no earlier value: shown as unavailable",
        );
        Diagnostic::warning(
            file,
            pos,
            format!("market `{r}`: {}; {fallback}", describe(fault)),
        )
        .with_help(hint(fault))
    }

    /// Writes the snapshot if anything was fetched (not when verifying).
    fn save(&self, diags: &mut Diagnostics) {
        if self.summary.fetched == 0 || self.run.mode.verify() {
            return;
        }
        if let Err(e) = self.snapshot.save(self.run.root) {
            diags.push(
                Diagnostic::warning(
                    snapshot::SNAPSHOT,
                    Pos::START,
                    format!("cannot write the market snapshot: {e}"),
                )
                .with_help("check that data/ is writable; the site was built with the values read"),
            );
        }
    }

    /// Every referenced market's observation, and the run's summary.
    fn observations(mut self) -> (Prices, Summary) {
        let mut prices = Prices::default();
        for r in self.places.keys() {
            let obs = match self.snapshot.get(r) {
                Some(e) => Observation {
                    value: e.value,
                    status: Some(e.status.clone()),
                    title: Some(e.title.clone()),
                    url: Some(e.url.clone()),
                    as_of: Some(remote::day(e.fetched_at)),
                    stale: e.value.is_some() && !self.run.is_fresh(e.fetched_at),
                    history: snapshot::read_history(&snapshot::history_path(self.run.root, r)),
                },
                None => Observation::default(),
            };
            self.summary.count(&obs, self.fetched_now.contains(r));
            prices.by_ref.insert(r.clone(), obs);
        }
        self.summary.requests = self.run.mode.client().map_or(0, remote::Client::requests);
        (prices, self.summary)
    }
}

/// A fault in a market's words: a 404 means the market does not exist.
fn describe(fault: &Fault) -> String {
    match fault {
        Failure::Get(remote::Fault::NotFound) => "no such market (HTTP 404)".to_string(),
        other => other.to_string(),
    }
}

fn hint(fault: &Fault) -> &'static str {
    match fault {
        Failure::Get(remote::Fault::NotFound) => {
            "check the id against the market's address on the platform; `forkcast check --online` reports every missing market"
        }
        Failure::Read(platforms::ReadError::NoSuchOutcome { .. }) => {
            "add `#Outcome` with one of the outcomes listed, e.g. `polymarket:slug#Yes`"
        }
        Failure::Read(platforms::ReadError::Unsupported(_)) => {
            "reference a yes/no market, or one outcome of a multiple-choice market"
        }
        Failure::Get(remote::Fault::Network(_)) => {
            "the platform could not be reached: check the network, or build with `--offline` to use the snapshot without trying"
        }
        _ => "the platform may be down or rate-limiting; the next build tries again",
    }
}
