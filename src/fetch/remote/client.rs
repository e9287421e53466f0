//! The one HTTP client every fetch goes through: a descriptive User-Agent,
//! a timeout per request, bounded retries with exponential backoff and
//! jitter, `Retry-After` and GitHub-style rate-limit headers honoured
//! (waited out when short, given up on when long — never hammered), and a
//! politeness interval per lane (one API of one host).

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use jiff::Timestamp;

use super::Endpoints;

/// How hard to try.
#[derive(Clone, Debug)]
pub struct Policy {
    pub timeout: Duration,
    /// Attempts per request, the first included.
    pub attempts: u32,
    /// The first backoff; each retry doubles it, plus up to 50 % jitter.
    pub backoff: Duration,
    /// The longest wait honoured (`Retry-After`, a rate limit's reset);
    /// a longer one gives up at once rather than ask again early.
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

/// Requests that share a politeness interval and a rate limit: one API.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Lane {
    pub name: &'static str,
    /// The least time between two requests; zero for a local server.
    pub interval: Duration,
}

/// Why a request failed.
#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    /// No connection, DNS failure, reset…
    Network(String),
    Timeout,
    Http(u16),
    /// HTTP 404 or 410.
    NotFound,
    /// The API's rate limit is used up, until then (if it said).
    RateLimited {
        until: Option<Timestamp>,
    },
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Fault::Network(e) => write!(f, "network error: {e}"),
            Fault::Timeout => f.write_str("timed out"),
            Fault::Http(code) => write!(f, "HTTP {code}"),
            Fault::NotFound => f.write_str("not found (HTTP 404)"),
            Fault::RateLimited { until: Some(t) } => {
                write!(
                    f,
                    "rate limit used up until {}",
                    t.strftime("%Y-%m-%d %H:%M:%S UTC")
                )
            }
            Fault::RateLimited { until: None } => f.write_str("rate limit used up"),
        }
    }
}

/// A successful answer.
pub(crate) struct Response {
    pub body: Vec<u8>,
    headers: reqwest::header::HeaderMap,
}

impl Response {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

struct LaneState {
    /// When the next request may go.
    next: Instant,
    /// An answer said the rate limit is used up until then.
    blocked_until: Option<Timestamp>,
}

pub(crate) struct Client {
    http: reqwest::blocking::Client,
    endpoints: Endpoints,
    policy: Policy,
    lanes: Mutex<HashMap<&'static str, LaneState>>,
    requests: AtomicUsize,
}

/// What to do after one attempt.
enum Verdict {
    Done(Response),
    /// Retry after the wait given (else after a backoff).
    Retry(Fault, Option<Duration>),
    Stop(Fault),
}

#[derive(Clone, Copy)]
enum Method<'b> {
    Get,
    /// A POST is retried only when the server said it did nothing (a rate
    /// limit): after a 5xx or a timeout it may have acted, and a second
    /// POST would open a second issue.
    PostJson(&'b [u8]),
}

/// The HTTP client could not start (its TLS setup failed, say).
#[derive(Debug)]
pub struct ClientError(reqwest::Error);

impl std::fmt::Display for ClientError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot start the HTTP client: {}", root_cause(&self.0))
    }
}

impl std::error::Error for ClientError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

impl Client {
    pub(crate) fn new(endpoints: Endpoints, policy: Policy) -> Result<Client, ClientError> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::blocking::Client::builder()
            .user_agent(concat!(
                "forkcast/",
                env!("CARGO_PKG_VERSION"),
                " (static site generator; reads market prices and discussion counts at build time)"
            ))
            .timeout(policy.timeout)
            .connect_timeout(policy.timeout)
            .build()
            .map_err(ClientError)?;
        Ok(Client {
            http,
            endpoints,
            policy,
            lanes: Mutex::new(HashMap::new()),
            requests: AtomicUsize::new(0),
        })
    }

    pub(crate) fn endpoints(&self) -> &Endpoints {
        &self.endpoints
    }

    /// Requests sent so far, retries included.
    pub(crate) fn requests(&self) -> usize {
        self.requests.load(Ordering::Relaxed)
    }

    /// GET with retries on 429, 5xx, rate limits, timeouts and connection errors.
    pub(crate) fn get(
        &self,
        lane: Lane,
        url: &str,
        headers: &[(&str, &str)],
    ) -> Result<Response, Fault> {
        self.send(lane, Method::Get, url, headers)
    }

    /// POST a JSON body, retried only after a rate limit.
    pub(crate) fn post_json(
        &self,
        lane: Lane,
        url: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<Response, Fault> {
        self.send(lane, Method::PostJson(body), url, headers)
    }

    fn send(
        &self,
        lane: Lane,
        method: Method<'_>,
        url: &str,
        headers: &[(&str, &str)],
    ) -> Result<Response, Fault> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            self.wait_turn(lane)?;
            self.requests.fetch_add(1, Ordering::Relaxed);
            let (fault, wait) = match self.attempt(method, url, headers) {
                Verdict::Done(response) => {
                    self.note_limit(lane, &response);
                    return Ok(response);
                }
                Verdict::Stop(fault) => return Err(fault),
                Verdict::Retry(fault, wait) => (fault, wait),
            };
            if attempt >= self.policy.attempts {
                return Err(fault);
            }
            let backoff = self.policy.backoff * 2u32.pow(attempt - 1);
            let wait = wait.unwrap_or_else(|| backoff + backoff.mul_f64(jitter() * 0.5));
            if wait > self.policy.max_wait {
                return Err(fault);
            }
            std::thread::sleep(wait);
        }
    }

    fn attempt(&self, method: Method<'_>, url: &str, headers: &[(&str, &str)]) -> Verdict {
        let mut request = match method {
            Method::Get => self.http.get(url),
            Method::PostJson(body) => self
                .http
                .post(url)
                .header("Content-Type", "application/json")
                .body(body.to_vec()),
        };
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let post = matches!(method, Method::PostJson(_));
        let response = match request.send() {
            Ok(r) => r,
            Err(e) if post => return Verdict::Stop(transport_fault(&e)),
            Err(e) => return Verdict::Retry(transport_fault(&e), None),
        };
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        if (200..=299).contains(&status) {
            return match response.bytes() {
                Ok(b) => Verdict::Done(Response {
                    body: b.to_vec(),
                    headers,
                }),
                Err(e) if post => Verdict::Stop(transport_fault(&e)),
                Err(e) => Verdict::Retry(transport_fault(&e), None),
            };
        }
        classify(status, &headers, Timestamp::now(), post)
    }

    /// Waits for the lane's next slot, and for a used-up rate limit to
    /// reset when that is soon; when it is not, fails without sending.
    fn wait_turn(&self, lane: Lane) -> Result<(), Fault> {
        let (wait, blocked) = {
            let mut lanes = self.lanes.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let state = lanes.entry(lane.name).or_insert(LaneState {
                next: now,
                blocked_until: None,
            });
            let slot = state.next.max(now);
            state.next = slot + lane.interval;
            (slot - now, state.blocked_until.take())
        };
        if let Some(until) = blocked {
            let left = until.as_second() - Timestamp::now().as_second();
            if left > self.policy.max_wait.as_secs() as i64 {
                self.block(lane, until);
                return Err(Fault::RateLimited { until: Some(until) });
            }
            std::thread::sleep(Duration::from_secs(left.max(0) as u64));
        }
        std::thread::sleep(wait);
        Ok(())
    }

    /// Remembers an answer's news that the rate limit is used up, so the
    /// next request waits for the reset instead of being refused.
    fn note_limit(&self, lane: Lane, response: &Response) {
        if response.header("x-ratelimit-remaining").map(str::trim) == Some("0")
            && let Some(reset) = response.header("x-ratelimit-reset").and_then(parse_reset)
        {
            self.block(lane, reset);
        }
    }

    fn block(&self, lane: Lane, until: Timestamp) {
        let mut lanes = self.lanes.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        lanes
            .entry(lane.name)
            .or_insert(LaneState {
                next: now,
                blocked_until: None,
            })
            .blocked_until = Some(until);
    }
}

/// What an error status means: retry (after how long), or stop.
fn classify(
    status: u16,
    headers: &reqwest::header::HeaderMap,
    now: Timestamp,
    post: bool,
) -> Verdict {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let retry_after = header("retry-after").and_then(parse_retry_after);
    let used_up = header("x-ratelimit-remaining").map(str::trim) == Some("0");
    match status {
        404 | 410 => Verdict::Stop(Fault::NotFound),
        // GitHub answers a used-up limit with 403 or 429 and says when it resets.
        403 | 429 if used_up => {
            let until = header("x-ratelimit-reset").and_then(parse_reset);
            let wait =
                until.map(|t| Duration::from_secs((t.as_second() - now.as_second()).max(0) as u64));
            Verdict::Retry(Fault::RateLimited { until }, wait.or(retry_after))
        }
        // A secondary rate limit: 403 or 429 with Retry-After.
        403 | 429 if retry_after.is_some() => {
            let until = retry_after.and_then(|w| now.checked_add(w).ok());
            Verdict::Retry(Fault::RateLimited { until }, retry_after)
        }
        429 => Verdict::Retry(Fault::Http(status), None),
        500..=599 if post => Verdict::Stop(Fault::Http(status)),
        500..=599 => Verdict::Retry(Fault::Http(status), retry_after),
        _ => Verdict::Stop(Fault::Http(status)),
    }
}

fn transport_fault(e: &reqwest::Error) -> Fault {
    if e.is_timeout() {
        Fault::Timeout
    } else {
        Fault::Network(root_cause(e))
    }
}

fn root_cause(e: &dyn std::error::Error) -> String {
    let mut cause = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

/// `X-RateLimit-Reset: 1732089600`, in seconds since 1970.
fn parse_reset(v: &str) -> Option<Timestamp> {
    Timestamp::from_second(v.trim().parse().ok()?).ok()
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

    fn headers(pairs: &[(&'static str, &str)]) -> reqwest::header::HeaderMap {
        let mut h = reqwest::header::HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn a_used_up_rate_limit_waits_for_its_reset() {
        let now: Timestamp = "2026-11-20T12:00:00Z".parse().unwrap();
        let reset = (now.as_second() + 90).to_string();
        let h = headers(&[
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset", &reset),
        ]);
        let Verdict::Retry(Fault::RateLimited { until: Some(t) }, Some(wait)) =
            classify(403, &h, now, false)
        else {
            panic!("a 403 with no requests left is a rate limit");
        };
        assert_eq!(
            (t.as_second() - now.as_second(), wait),
            (90, Duration::from_secs(90))
        );
        // A plain 403 is a refusal: asking again changes nothing.
        assert!(matches!(
            classify(403, &headers(&[]), now, false),
            Verdict::Stop(Fault::Http(403))
        ));
        // A POST is not repeated after a server error: it may have acted.
        assert!(matches!(
            classify(502, &headers(&[]), now, true),
            Verdict::Stop(Fault::Http(502))
        ));
        assert!(matches!(
            classify(429, &headers(&[("retry-after", "2")]), now, true),
            Verdict::Retry(Fault::RateLimited { .. }, Some(_))
        ));
    }
}
