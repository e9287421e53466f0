//! A mock of the four market APIs on 127.0.0.1. It replays the recorded
//! responses in tests/markets/ (real formats) and injects faults for
//! special ids: `fault-500`, `fault-503-once`, `fault-429-once`,
//! `fault-html`, `fault-malformed`, `fault-missing`, `fault-range`,
//! `fault-nan`, `fault-slow`, `fault-drop`, anything unknown is a 404.
// Each test file that includes it uses a part.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Default)]
struct State {
    /// Requests seen, by path (query included).
    requests: Mutex<Vec<String>>,
    /// How many times each fault id has answered.
    faults: Mutex<HashMap<String, usize>>,
    /// In flight now, and the most ever at once.
    in_flight: Mutex<(usize, usize)>,
}

pub struct MockMarkets {
    pub base: String,
    state: Arc<State>,
    stop: Arc<AtomicBool>,
}

impl MockMarkets {
    /// Starts the server; every answer waits `latency` first.
    pub fn start(latency: Duration) -> MockMarkets {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(State::default());
        let stop = Arc::new(AtomicBool::new(false));
        let (s, st) = (state.clone(), stop.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if st.load(Ordering::Relaxed) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let s = s.clone();
                std::thread::spawn(move || serve(stream, &s, latency));
            }
        });
        MockMarkets { base, state, stop }
    }

    pub fn requests(&self) -> Vec<String> {
        self.state.requests.lock().unwrap().clone()
    }

    /// Requests whose path contains `needle`.
    pub fn count(&self, needle: &str) -> usize {
        self.requests()
            .iter()
            .filter(|r| r.contains(needle))
            .count()
    }

    pub fn max_in_flight(&self) -> usize {
        self.state.in_flight.lock().unwrap().1
    }
}

impl Drop for MockMarkets {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = TcpStream::connect(self.base.trim_start_matches("http://"));
    }
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/markets")
}

fn serve(mut stream: TcpStream, state: &State, latency: Duration) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut authorized = false;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if line
            .to_ascii_lowercase()
            .starts_with("authorization: token ")
        {
            authorized = true;
        }
    }
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .to_string();
    state.requests.lock().unwrap().push(path.clone());
    {
        let mut f = state.in_flight.lock().unwrap();
        f.0 += 1;
        f.1 = f.1.max(f.0);
    }
    std::thread::sleep(latency);
    let answer = route(&path, authorized, state);
    state.in_flight.lock().unwrap().0 -= 1;
    let Some((status, content_type, extra, body)) = answer else {
        return; // fault-drop: close without answering
    };
    let reason = match status {
        200 => "OK",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        _ => "Error",
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
}

type Answer = Option<(u16, &'static str, String, Vec<u8>)>;

fn json(body: Vec<u8>) -> Answer {
    Some((200, "application/json", String::new(), body))
}

fn status(code: u16) -> Answer {
    Some((
        code,
        "application/json",
        String::new(),
        b"{\"error\":\"no\"}".to_vec(),
    ))
}

fn file(rel: &str) -> Answer {
    match std::fs::read(fixtures().join(rel)) {
        Ok(body) => json(body),
        Err(_) => status(404),
    }
}

/// The id a path asks for: the segment after `prefix`.
fn after<'a>(path: &'a str, prefix: &str) -> Option<&'a str> {
    path.strip_prefix(prefix).map(|rest| {
        rest.trim_end_matches('/')
            .split(['/', '?'])
            .next()
            .unwrap_or("")
    })
}

fn route(path: &str, authorized: bool, state: &State) -> Answer {
    let id = after(path, "/manifold/slug/")
        .or_else(|| after(path, "/polymarket/markets/slug/"))
        .or_else(|| after(path, "/metaculus/posts/"))
        .or_else(|| after(path, "/kalshi/markets/"))
        .unwrap_or("");
    if let Some(fault) = id.strip_prefix("fault-") {
        let seen = {
            let mut f = state.faults.lock().unwrap();
            let n = f.entry(id.to_string()).or_insert(0);
            *n += 1;
            *n
        };
        let ok = || file("manifold/slug-agi-binary-open.json");
        return match fault {
            "500" => status(500),
            "503-once" if seen == 1 => status(503),
            "429-once" if seen == 1 => Some((
                429,
                "application/json",
                "Retry-After: 1\r\n".into(),
                b"{}".to_vec(),
            )),
            "503-once" | "429-once" => ok(),
            "html" => Some((
                200,
                "text/html",
                String::new(),
                b"<!DOCTYPE html><html><body>Cloudflare: checking your browser</body></html>"
                    .to_vec(),
            )),
            "malformed" => json(b"{\"outcomeType\": \"BINARY\", \"probability\": ".to_vec()),
            "missing" => {
                json(b"{\"outcomeType\": \"BINARY\", \"question\": \"No price\"}".to_vec())
            }
            "range" => json(
                b"{\"outcomeType\": \"BINARY\", \"question\": \"Too high\", \"probability\": 1.7}"
                    .to_vec(),
            ),
            "nan" => json(
                b"{\"outcomeType\": \"BINARY\", \"question\": \"NaN\", \"probability\": \"NaN\"}"
                    .to_vec(),
            ),
            "slow" => {
                std::thread::sleep(Duration::from_secs(3));
                ok()
            }
            "drop" => None,
            _ => status(404),
        };
    }
    if let Some(slug) = after(path, "/manifold/slug/") {
        return file(&format!("manifold/slug-{slug}.json"));
    }
    if path.starts_with("/manifold/bets") {
        let id = path
            .split("contractId=")
            .nth(1)
            .and_then(|r| r.split('&').next())
            .unwrap_or("");
        return file(&format!("manifold/bets-{id}.json"));
    }
    if let Some(slug) = after(path, "/polymarket/markets/slug/") {
        return file(&format!("polymarket/market-{slug}.json"));
    }
    if let Some(slug) = after(path, "/polymarket/events/slug/") {
        return file(&format!("polymarket/event-{slug}.json"));
    }
    if path.starts_with("/clob/prices-history") {
        let token = path
            .split("market=")
            .nth(1)
            .and_then(|r| r.split('&').next())
            .unwrap_or("");
        return file(&format!("polymarket/history-{token}.json"));
    }
    if let Some(id) = after(path, "/metaculus/posts/") {
        if !authorized {
            return status(403);
        }
        // The benchmark's synthetic markets: `bench-N` replays a binary post,
        // whose history is inline (one request a market).
        if id.starts_with("bench-") {
            return file("metaculus/post-3479.json");
        }
        return file(&format!("metaculus/post-{id}.json"));
    }
    if path.starts_with("/kalshi/series/") {
        let ticker = path
            .split("/markets/")
            .nth(1)
            .and_then(|r| r.split('/').next())
            .unwrap_or("");
        return file(&format!("kalshi/candles-{ticker}.json"));
    }
    if let Some(ticker) = after(path, "/kalshi/markets/") {
        return file(&format!("kalshi/market-{ticker}.json"));
    }
    status(404)
}
