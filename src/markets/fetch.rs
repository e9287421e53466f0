//! Talking to the platforms: one HTTP client with a descriptive
//! User-Agent, a timeout per request, bounded retries with exponential
//! backoff and jitter (honouring `Retry-After`), and a politeness interval
//! per platform.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use jiff::civil::Date;

use super::platforms::{self, HistoryRequest, ReadError, Reading};
use super::{MarketRef, Platform};

/// Where each platform's API lives. `FORKCAST_<PLATFORM>_URL` overrides a
/// base URL, which is how tests point forkcast at a local server.
#[derive(Clone, Debug)]
pub struct Endpoints {
    pub manifold: String,
    pub polymarket: String,
    pub polymarket_clob: String,
    pub metaculus: String,
    pub kalshi: String,
    pub metaculus_token: Option<String>,
}

impl Endpoints {
    pub const DEFAULT_MANIFOLD: &'static str = "https://api.manifold.markets/v0";
    pub const DEFAULT_POLYMARKET: &'static str = "https://gamma-api.polymarket.com";
    pub const DEFAULT_POLYMARKET_CLOB: &'static str = "https://clob.polymarket.com";
    pub const DEFAULT_METACULUS: &'static str = "https://www.metaculus.com/api";
    pub const DEFAULT_KALSHI: &'static str = "https://api.elections.kalshi.com/trade-api/v2";

    pub fn from_env() -> Endpoints {
        let var = |name: &str, default: &str| {
            std::env::var(name)
                .ok()
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| default.to_string())
                .trim_end_matches('/')
                .to_string()
        };
        Endpoints {
            manifold: var("FORKCAST_MANIFOLD_URL", Self::DEFAULT_MANIFOLD),
            polymarket: var("FORKCAST_POLYMARKET_URL", Self::DEFAULT_POLYMARKET),
            polymarket_clob: var(
                "FORKCAST_POLYMARKET_CLOB_URL",
                Self::DEFAULT_POLYMARKET_CLOB,
            ),
            metaculus: var("FORKCAST_METACULUS_URL", Self::DEFAULT_METACULUS),
            kalshi: var("FORKCAST_KALSHI_URL", Self::DEFAULT_KALSHI),
            metaculus_token: std::env::var("FORKCAST_METACULUS_TOKEN")
                .ok()
                .filter(|t| !t.is_empty()),
        }
    }

    /// All four pointed at one server, e.g. a mock on 127.0.0.1.
    pub fn local(base: &str) -> Endpoints {
        Endpoints {
            manifold: format!("{base}/manifold"),
            polymarket: format!("{base}/polymarket"),
            polymarket_clob: format!("{base}/clob"),
            metaculus: format!("{base}/metaculus"),
            kalshi: format!("{base}/kalshi"),
            metaculus_token: Some("test-token".into()),
        }
    }

    /// The minimum interval between two requests to a platform's real API;
    /// none for an overridden (local) one.
    fn politeness(&self, p: Platform) -> Duration {
        let (base, default, per_second) = match p {
            Platform::Manifold => (&self.manifold, Self::DEFAULT_MANIFOLD, 8.0),
            Platform::Polymarket => (&self.polymarket, Self::DEFAULT_POLYMARKET, 20.0),
            Platform::Metaculus => (&self.metaculus, Self::DEFAULT_METACULUS, 1.0),
            Platform::Kalshi => (&self.kalshi, Self::DEFAULT_KALSHI, 10.0),
        };
        if base == default {
            Duration::from_secs_f64(1.0 / per_second)
        } else {
            Duration::ZERO
        }
    }
}

/// How hard to try.
#[derive(Clone, Debug)]
pub struct Policy {
    pub timeout: Duration,
    /// Attempts per request, the first included.
    pub attempts: u32,
    /// The first backoff; each retry doubles it, plus up to 50 % jitter.
    pub backoff: Duration,
    /// The longest `Retry-After` honoured.
    pub max_wait: Duration,
}

impl Policy {
    pub fn new(timeout: Duration) -> Policy {
        Policy {
            timeout,
            attempts: 4,
            backoff: Duration::from_millis(500),
            max_wait: Duration::from_secs(30),
        }
    }
}

/// Why a market could not be read this time.
#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    /// No connection, DNS failure, reset…
    Network(String),
    Timeout,
    Http(u16),
    /// The market does not exist.
    NotFound,
    Read(ReadError),
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Fault::Network(e) => write!(f, "network error: {e}"),
            Fault::Timeout => f.write_str("timed out"),
            Fault::Http(code) => write!(f, "HTTP {code}"),
            Fault::NotFound => f.write_str("no such market (HTTP 404)"),
            Fault::Read(e) => e.fmt(f),
        }
    }
}

struct Throttle {
    next: Mutex<Instant>,
}

pub struct Fetcher {
    client: reqwest::blocking::Client,
    endpoints: Endpoints,
    policy: Policy,
    throttles: [Throttle; 4],
    requests: AtomicUsize,
}

/// A market read, with its history where the platform serves one.
pub struct Fetched {
    pub reading: Reading,
    pub history: Vec<(Date, f64)>,
}

impl Fetcher {
    pub fn new(endpoints: Endpoints, policy: Policy) -> Result<Fetcher, String> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::blocking::Client::builder()
            .user_agent(concat!(
                "forkcast/",
                env!("CARGO_PKG_VERSION"),
                " (static site generator; reads public market prices at build time)"
            ))
            .timeout(policy.timeout)
            .connect_timeout(policy.timeout)
            .build()
            .map_err(|e| e.to_string())?;
        let now = Instant::now();
        Ok(Fetcher {
            client,
            endpoints,
            policy,
            throttles: std::array::from_fn(|_| Throttle {
                next: Mutex::new(now),
            }),
            requests: AtomicUsize::new(0),
        })
    }

    pub fn endpoints(&self) -> &Endpoints {
        &self.endpoints
    }

    /// Requests sent so far, retries included.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::Relaxed)
    }

    /// Reads one market and its history. A failed history is not a fault:
    /// the value still counts.
    pub fn fetch(&self, r: &MarketRef, now: Timestamp) -> Result<Fetched, Fault> {
        let e = &self.endpoints;
        let body = match r.platform {
            Platform::Manifold => self.get(r.platform, &format!("{}/slug/{}", e.manifold, r.id))?,
            Platform::Polymarket => match self.get(
                r.platform,
                &format!("{}/markets/slug/{}", e.polymarket, r.id),
            ) {
                // A pasted polymarket.com address usually holds an event slug.
                Err(Fault::NotFound) => self.get(
                    r.platform,
                    &format!("{}/events/slug/{}", e.polymarket, r.id),
                )?,
                other => other?,
            },
            Platform::Metaculus => {
                self.get(r.platform, &format!("{}/posts/{}/", e.metaculus, r.id))?
            }
            Platform::Kalshi => self.get(r.platform, &format!("{}/markets/{}", e.kalshi, r.id))?,
        };
        let reading = platforms::read(r, &body, now).map_err(Fault::Read)?;
        let history = match &reading.history {
            Some(h) => self.history(r.platform, h, now).unwrap_or_default(),
            None => Vec::new(),
        };
        Ok(Fetched { reading, history })
    }

    fn history(
        &self,
        platform: Platform,
        h: &HistoryRequest,
        now: Timestamp,
    ) -> Result<Vec<(Date, f64)>, Fault> {
        let e = &self.endpoints;
        match h {
            HistoryRequest::Inline(points) => Ok(points.clone()),
            HistoryRequest::ManifoldBets { contract_id } => {
                let body = self.get(
                    platform,
                    &format!(
                        "{}/bets?contractId={contract_id}&order=desc&limit=1000",
                        e.manifold
                    ),
                )?;
                platforms::manifold_history(&body).map_err(Fault::Read)
            }
            HistoryRequest::PolymarketToken { token, resolved } => {
                // Resolved markets answer an empty history below fidelity 720.
                let fidelity = if *resolved { 720 } else { 60 };
                let body = self.get(
                    platform,
                    &format!(
                        "{}/prices-history?market={token}&interval=max&fidelity={fidelity}",
                        e.polymarket_clob
                    ),
                )?;
                platforms::polymarket_history(&body).map_err(Fault::Read)
            }
            HistoryRequest::KalshiCandles {
                series,
                ticker,
                open_ts,
            } => {
                let end = now.as_second();
                let start = (*open_ts).max(end - 365 * 86400);
                let body = self.get(
                    platform,
                    &format!("{}/series/{series}/markets/{ticker}/candlesticks?start_ts={start}&end_ts={end}&period_interval=1440", e.kalshi),
                )?;
                platforms::kalshi_history(&body).map_err(Fault::Read)
            }
        }
    }

    /// GET with retries on 429, 5xx, timeouts and connection errors.
    fn get(&self, platform: Platform, url: &str) -> Result<Vec<u8>, Fault> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            self.wait_turn(platform);
            self.requests.fetch_add(1, Ordering::Relaxed);
            let mut request = self.client.get(url).header("Accept", "application/json");
            if platform == Platform::Metaculus
                && let Some(token) = &self.endpoints.metaculus_token
            {
                request = request.header("Authorization", format!("Token {token}"));
            }
            let (fault, retry_after) = match request.send() {
                Ok(response) => {
                    let status = response.status().as_u16();
                    let retry_after = response
                        .headers()
                        .get("retry-after")
                        .and_then(|v| v.to_str().ok())
                        .and_then(parse_retry_after);
                    match status {
                        200..=299 => match response.bytes() {
                            Ok(b) => return Ok(b.to_vec()),
                            Err(e) if e.is_timeout() => (Fault::Timeout, None),
                            Err(e) => (Fault::Network(e.to_string()), None),
                        },
                        404 | 410 => return Err(Fault::NotFound),
                        429 | 500..=599 => (Fault::Http(status), retry_after),
                        _ => return Err(Fault::Http(status)),
                    }
                }
                Err(e) if e.is_timeout() => (Fault::Timeout, None),
                Err(e) => (Fault::Network(root_cause(&e)), None),
            };
            if attempt >= self.policy.attempts {
                return Err(fault);
            }
            let backoff = self.policy.backoff * 2u32.pow(attempt - 1);
            let jittered = backoff + backoff.mul_f64(jitter() * 0.5);
            std::thread::sleep(retry_after.map_or(jittered, |w| w.min(self.policy.max_wait)));
        }
    }

    fn wait_turn(&self, platform: Platform) {
        let interval = self.endpoints.politeness(platform);
        if interval.is_zero() {
            return;
        }
        let throttle = &self.throttles[platform as usize];
        let wait = {
            let mut next = throttle.next.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let slot = (*next).max(now);
            *next = slot + interval;
            slot - now
        };
        std::thread::sleep(wait);
    }
}

fn root_cause(e: &dyn std::error::Error) -> String {
    let mut cause = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

/// `Retry-After: 120` or an HTTP date.
fn parse_retry_after(v: &str) -> Option<Duration> {
    if let Ok(secs) = v.trim().parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = jiff::fmt::rfc2822::parse(v.trim()).ok()?.timestamp();
    let secs = when.as_second() - Timestamp::now().as_second();
    Some(Duration::from_secs(secs.max(0) as u64))
}

/// A number in [0, 1) that differs between calls and threads, for jitter.
fn jitter() -> f64 {
    use std::hash::{BuildHasher, RandomState};
    let n = RandomState::new().hash_one(Instant::now());
    (n % 10_000) as f64 / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_takes_seconds_or_a_date() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
    }

    #[test]
    fn only_real_hosts_are_throttled() {
        let real = Endpoints {
            manifold: Endpoints::DEFAULT_MANIFOLD.into(),
            ..Endpoints::local("http://127.0.0.1:1")
        };
        assert_eq!(
            real.politeness(Platform::Manifold),
            Duration::from_millis(125)
        );
        assert_eq!(real.politeness(Platform::Metaculus), Duration::ZERO);
    }
}
