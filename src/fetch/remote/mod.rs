//! What a build reads from other hosts — market prices and the
//! repository's discussion threads — goes through one mechanism: one HTTP
//! client ([`client`]: timeouts, retries with backoff, `Retry-After` and
//! rate-limit headers, pacing of real APIs), one rule for freshness
//! (`refresh_after`), one way of running (offline, refreshing, verifying)
//! and one way of keeping the last good answers on disk ([`store`]: atomic,
//! stable JSON). [`crate::fetch::markets`] and [`crate::fetch::community`] add only what
//! their APIs answer and where it goes.

pub(crate) mod client;
pub(crate) mod store;

use std::fmt;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use jiff::Timestamp;
use jiff::civil::Date;
use rayon::prelude::*;

pub(crate) use client::{Client, Lane};
pub use client::{ClientError, Fault, Policy};

/// Where each API lives. `FORKCAST_<HOST>_URL` overrides a base URL, which
/// is how tests point forkcast at a local server; tokens come from the
/// environment too.
#[derive(Clone, Debug)]
pub struct Endpoints {
    pub manifold: String,
    pub polymarket: String,
    pub polymarket_clob: String,
    pub metaculus: String,
    pub kalshi: String,
    /// GitHub's REST API, for the repository's discussion threads.
    pub github: String,
    pub metaculus_token: Option<String>,
    /// `GITHUB_TOKEN`: raises GitHub's rate limit, reads private
    /// repositories, and lets `forkcast discuss --create` open issues.
    pub github_token: Option<String>,
}

impl Endpoints {
    pub const DEFAULT_MANIFOLD: &'static str = "https://api.manifold.markets/v0";
    pub const DEFAULT_POLYMARKET: &'static str = "https://gamma-api.polymarket.com";
    pub const DEFAULT_POLYMARKET_CLOB: &'static str = "https://clob.polymarket.com";
    pub const DEFAULT_METACULUS: &'static str = "https://www.metaculus.com/api";
    pub const DEFAULT_KALSHI: &'static str = "https://api.elections.kalshi.com/trade-api/v2";
    pub const DEFAULT_GITHUB: &'static str = "https://api.github.com";

    pub fn from_env() -> Endpoints {
        let var = |name: &str, default: &str| {
            std::env::var(name)
                .ok()
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| default.to_string())
                .trim_end_matches('/')
                .to_string()
        };
        let token = |name: &str| std::env::var(name).ok().filter(|t| !t.trim().is_empty());
        Endpoints {
            manifold: var("FORKCAST_MANIFOLD_URL", Self::DEFAULT_MANIFOLD),
            polymarket: var("FORKCAST_POLYMARKET_URL", Self::DEFAULT_POLYMARKET),
            polymarket_clob: var(
                "FORKCAST_POLYMARKET_CLOB_URL",
                Self::DEFAULT_POLYMARKET_CLOB,
            ),
            metaculus: var("FORKCAST_METACULUS_URL", Self::DEFAULT_METACULUS),
            kalshi: var("FORKCAST_KALSHI_URL", Self::DEFAULT_KALSHI),
            github: var("FORKCAST_GITHUB_URL", Self::DEFAULT_GITHUB),
            metaculus_token: token("FORKCAST_METACULUS_TOKEN"),
            github_token: token("GITHUB_TOKEN"),
        }
    }

    /// Every API pointed at one server, e.g. a mock on 127.0.0.1.
    pub fn local(base: &str) -> Endpoints {
        Endpoints {
            manifold: format!("{base}/manifold"),
            polymarket: format!("{base}/polymarket"),
            polymarket_clob: format!("{base}/clob"),
            metaculus: format!("{base}/metaculus"),
            kalshi: format!("{base}/kalshi"),
            github: format!("{base}/github"),
            metaculus_token: Some("test-token".into()),
            github_token: None,
        }
    }

    /// A lane paced at `per_second` requests when `base` is the real API
    /// (`default`), unpaced when it is overridden (a local server).
    pub(crate) fn lane(name: &'static str, base: &str, default: &str, per_second: f64) -> Lane {
        Lane {
            name,
            interval: if base == default {
                Duration::from_secs_f64(1.0 / per_second)
            } else {
                Duration::ZERO
            },
        }
    }
}

/// How a run obtains what other hosts know.
#[derive(Clone, Copy)]
pub(crate) enum Mode<'a> {
    /// From the committed snapshot only (`--offline`, `check`).
    Offline,
    /// Fetch what is older than `refresh_after`, and write the snapshot.
    Refresh(&'a Client),
    /// Fetch everything and write nothing (`check --online`); what does
    /// not exist is an error.
    Verify(&'a Client),
}

impl<'a> Mode<'a> {
    pub(crate) fn client(self) -> Option<&'a Client> {
        match self {
            Mode::Offline => None,
            Mode::Refresh(c) | Mode::Verify(c) => Some(c),
        }
    }

    pub(crate) fn verify(self) -> bool {
        matches!(self, Mode::Verify(_))
    }
}

/// What one run of fetching shares: the site's folder (for snapshots), how
/// to fetch, how young a snapshot value must be to be kept, how many
/// requests may be in flight, and the instant the run counts as now.
pub(crate) struct Run<'a> {
    pub root: &'a Path,
    pub mode: Mode<'a>,
    pub refresh_after: Duration,
    pub concurrency: usize,
    pub now: Timestamp,
}

impl Run<'_> {
    /// Whether a value read at `fetched_at` is young enough to keep.
    pub(crate) fn is_fresh(&self, fetched_at: Timestamp) -> bool {
        is_fresh(fetched_at, self.now, self.refresh_after)
    }

    /// `f` of each of `items` on a pool of `concurrency` threads, in order,
    /// telling `progress` (done, total) after each.
    pub(crate) fn in_parallel<T: Sync, R: Send>(
        &self,
        items: &[T],
        progress: &(dyn Fn(usize, usize) + Sync),
        f: impl Fn(&T) -> R + Sync,
    ) -> Vec<R> {
        let done = AtomicUsize::new(0);
        let run = || {
            items
                .par_iter()
                .map(|item| {
                    let r = f(item);
                    progress(done.fetch_add(1, Ordering::Relaxed) + 1, items.len());
                    r
                })
                .collect()
        };
        match rayon::ThreadPoolBuilder::new()
            .num_threads(self.concurrency)
            .build()
        {
            Ok(pool) => pool.install(run),
            Err(_) => run(),
        }
    }
}

/// Read at `fetched_at`, young enough not to fetch again. A reading dated
/// in the future (a clock set wrong, a hand-edited snapshot) is not trusted
/// to be fresh.
pub(crate) fn is_fresh(fetched_at: Timestamp, now: Timestamp, refresh_after: Duration) -> bool {
    let secs = now.as_second() - fetched_at.as_second();
    secs >= 0 && (secs as u64) < refresh_after.as_secs()
}

/// The UTC day of `t`: what "as of" shows.
pub(crate) fn day(t: Timestamp) -> Date {
    jiff::tz::TimeZone::UTC.to_datetime(t).date()
}

/// What a build shows instead after a fault: `using its value of
/// 2026-11-20`, or that nothing earlier is known.
pub(crate) fn fallback(what: &str, earlier: Option<Timestamp>, none: &str) -> String {
    match earlier {
        Some(t) => format!("using {what} of {}", day(t)),
        None => none.to_string(),
    }
}

/// Why something could not be read this time: the request failed, or its
/// answer was not what the API promises (`R` says how).
#[derive(Clone, Debug, PartialEq)]
pub enum Failure<R> {
    Get(Fault),
    Read(R),
}

impl<R: fmt::Display> fmt::Display for Failure<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Get(e) => e.fmt(f),
            Failure::Read(e) => e.fmt(f),
        }
    }
}

impl<R> From<Fault> for Failure<R> {
    fn from(f: Fault) -> Self {
        Failure::Get(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_real_hosts_are_paced() {
        let real = Endpoints::lane(
            "m",
            Endpoints::DEFAULT_MANIFOLD,
            Endpoints::DEFAULT_MANIFOLD,
            8.0,
        );
        assert_eq!(real.interval, Duration::from_millis(125));
        let local = Endpoints::lane(
            "m",
            "http://127.0.0.1:1/manifold",
            Endpoints::DEFAULT_MANIFOLD,
            8.0,
        );
        assert_eq!(local.interval, Duration::ZERO);
    }

    #[test]
    fn freshness_distrusts_the_future() {
        let now: Timestamp = "2026-11-20T12:00:00Z".parse().unwrap();
        let six_hours = Duration::from_secs(6 * 3600);
        assert!(is_fresh(
            "2026-11-20T07:00:00Z".parse().unwrap(),
            now,
            six_hours
        ));
        assert!(!is_fresh(
            "2026-11-20T05:00:00Z".parse().unwrap(),
            now,
            six_hours
        ));
        assert!(!is_fresh(
            "2026-11-21T05:00:00Z".parse().unwrap(),
            now,
            six_hours
        ));
    }
}
