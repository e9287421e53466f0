//! Prediction markets: what a reference (`platform:id`) may look like,
//! fetching prices and history from the four platforms, and the committed
//! snapshot that lets every build (offline ones too) show them. A market
//! fault never fails a build: the last good value is used, marked stale.

pub mod fetch;
pub mod import;
pub mod platforms;
pub mod snapshot;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use jiff::civil::Date;
use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::fetch::remote::{self, Failure};
pub use crate::fetch::remote::{Endpoints, Mode, Policy};
use crate::source::config::MarketsConfig;
pub use crate::source::market_ref::{MarketRef, Platform};
pub use fetch::Fault;
pub use import::{Imported, import_history};
pub use platforms::Status;
use snapshot::{Entry, Snapshot};

/// What a build knows about one market.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Observation {
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
pub struct Prices {
    by_ref: HashMap<MarketRef, Observation>,
}

impl Prices {
    pub fn get(&self, r: &MarketRef) -> Option<&Observation> {
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

/// Reads the snapshot, refreshes what `mode` asks for, writes the snapshot
/// and history back, and returns every market's observation. Faults become
/// warnings (one per market) in `diags`; only an unreadable snapshot or, in
/// `Verify` mode, a market that does not exist is an error.
pub fn update(
    root: &Path,
    refs: &[(MarketRef, PathBuf, Pos)],
    config: &MarketsConfig,
    mode: Mode<'_>,
    progress: &(dyn Fn(usize, usize) + Sync),
    diags: &mut Diagnostics,
) -> (Prices, Summary) {
    let now = Timestamp::now();
    let mut snapshot = match Snapshot::load(root) {
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
    let fresh = |e: &Entry| remote::is_fresh(e.fetched_at, now, config.refresh_after);
    let (fetcher, verify) = (mode.client(), mode.verify());
    let mut summary = Summary {
        offline: fetcher.is_none(),
        ..Summary::default()
    };
    let mut due: Vec<&MarketRef> = match fetcher {
        None => Vec::new(),
        Some(_) => places
            .keys()
            .filter(|r| verify || !snapshot.get(r).is_some_and(fresh))
            .collect(),
    };
    summary.fresh = places.len() - due.len();
    if let Some(f) = fetcher
        && f.endpoints().metaculus_token.is_none()
        && due.iter().any(|r| r.platform == Platform::Metaculus)
    {
        let (file, pos) = due
            .iter()
            .find(|r| r.platform == Platform::Metaculus)
            .and_then(|r| places.get(*r))
            .cloned()
            .unwrap_or_default();
        diags.push(
            Diagnostic::warning(file, pos, "Metaculus markets were not fetched: FORKCAST_METACULUS_TOKEN is not set")
                .with_help("Metaculus's API needs a token since 2026; set FORKCAST_METACULUS_TOKEN (your API token from metaculus.com) to refresh them; their snapshot values are used meanwhile"),
        );
        due.retain(|r| r.platform != Platform::Metaculus);
    }

    let results: Vec<(&MarketRef, Result<fetch::Fetched, Fault>)> = match fetcher {
        None => Vec::new(),
        Some(f) => {
            let done = std::sync::atomic::AtomicUsize::new(0);
            let total = due.len();
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(config.concurrency)
                .build();
            let run = || {
                due.par_iter()
                    .map(|r| {
                        let result = fetch::fetch(f, r, now);
                        progress(
                            done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1,
                            total,
                        );
                        (*r, result)
                    })
                    .collect()
            };
            match pool {
                Ok(pool) => pool.install(run),
                Err(_) => run(),
            }
        }
    };

    let today = remote::day(now);
    let mut fetched_now: BTreeSet<&MarketRef> = BTreeSet::new();
    for (r, result) in results {
        let (file, pos) = places.get(r).cloned().unwrap_or_default();
        match result {
            Ok(fetched) => {
                summary.fetched += 1;
                fetched_now.insert(r);
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
                        snapshot::merge_history(&snapshot::history_path(root, r), &history)
                {
                    diags.push(
                        Diagnostic::warning(
                            &file,
                            pos,
                            format!("{r}: cannot write its history: {e}"),
                        )
                        .with_help("check that data/history/ is writable"),
                    );
                }
                snapshot.put(
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
            Err(fault) => {
                let earlier = snapshot.get(r).and_then(|e| e.value.map(|_| e.fetched_at));
                let fallback = remote::fallback(
                    "its value",
                    earlier,
                    "no earlier value: shown as unavailable",
                );
                let d = if verify && fault == Failure::Get(remote::Fault::NotFound) {
                    Diagnostic::error(&file, pos, format!("market `{r}` does not exist"))
                        .with_help("check the id against the market's address on the platform, or remove the reference")
                } else {
                    Diagnostic::warning(
                        &file,
                        pos,
                        format!("market `{r}`: {}; {fallback}", describe(&fault)),
                    )
                    .with_help(hint(&fault))
                };
                diags.push(d);
            }
        }
    }
    if summary.fetched > 0
        && !verify
        && let Err(e) = snapshot.save(root)
    {
        diags.push(
            Diagnostic::warning(
                snapshot::SNAPSHOT,
                Pos::START,
                format!("cannot write the market snapshot: {e}"),
            )
            .with_help("check that data/ is writable; the site was built with the values read"),
        );
    }

    let mut prices = Prices::default();
    for r in places.keys() {
        let obs = match snapshot.get(r) {
            Some(e) => Observation {
                value: e.value,
                status: Some(e.status.clone()),
                title: Some(e.title.clone()),
                url: Some(e.url.clone()),
                as_of: Some(remote::day(e.fetched_at)),
                stale: e.value.is_some() && !fresh(e),
                history: snapshot::read_history(&snapshot::history_path(root, r)),
            },
            None => Observation::default(),
        };
        summary.count(&obs, fetched_now.contains(r));
        prices.by_ref.insert(r.clone(), obs);
    }
    summary.requests = fetcher.map_or(0, remote::Client::requests);
    (prices, summary)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_parse_per_platform() {
        let r = MarketRef::parse("polymarket:some-market#Yes").unwrap();
        assert_eq!(
            (r.platform, r.id.as_str(), r.outcome.as_deref()),
            (Platform::Polymarket, "some-market", Some("Yes"))
        );
        assert_eq!(
            MarketRef::parse("metaculus:5121").unwrap().to_string(),
            "metaculus:5121"
        );
        assert!(MarketRef::parse("manifold:").is_err());
        assert!(
            MarketRef::parse("maniflod:x")
                .unwrap_err()
                .starts_with("did you mean `manifold`?")
        );
        assert!(MarketRef::parse("kalshi:KX\"><script>").is_err());
    }
}
