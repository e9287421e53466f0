//! A mock of GitHub's REST API for issues on 127.0.0.1, std-only like the
//! market mock. It serves issue objects in the real format (reactions
//! rollups, pull requests among the issues) page by page with a `Link`
//! header of the real shape (`/repositories/{id}/issues?…&page=N`),
//! GitHub's rate-limit headers, and faults injected per page: 500, a used-up
//! rate limit (403 with `X-RateLimit-Remaining: 0` and a reset time), 429
//! with `Retry-After`, an HTML page, malformed JSON. POST opens an issue.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

/// A fault a page answers with, a number of times.
#[derive(Clone, Copy, Debug)]
pub enum Fault {
    Status500,
    /// 403 with no requests left, resetting this many seconds from now.
    RateLimited {
        reset_in: i64,
    },
    /// 429 with `Retry-After`.
    TooMany {
        retry_after: u64,
    },
    Html,
    Malformed,
}

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub path: String,
    /// Header names lowercased.
    pub headers: HashMap<String, String>,
}

#[derive(Default)]
struct State {
    issues: Mutex<Vec<Value>>,
    seen: Mutex<Vec<Seen>>,
    /// Page → (fault, answers left).
    faults: Mutex<HashMap<usize, (Fault, usize)>>,
    /// Successful pages answer with `X-RateLimit-Remaining: 0` and this reset.
    exhausted_after: Mutex<Option<i64>>,
}

pub struct MockGitHub {
    pub base: String,
    state: Arc<State>,
    stop: Arc<AtomicBool>,
}

pub const OWNER: &str = "example";
pub const REPO: &str = "fixture";

impl MockGitHub {
    /// Serves `issues` (newest first, as GitHub lists them) `page_size` a page.
    pub fn start(issues: Vec<Value>, page_size: usize) -> MockGitHub {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(State::default());
        *state.issues.lock().unwrap() = issues;
        let stop = Arc::new(AtomicBool::new(false));
        let (s, st, b) = (state.clone(), stop.clone(), base.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if st.load(Ordering::Relaxed) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (s, b) = (s.clone(), b.clone());
                std::thread::spawn(move || serve(stream, &s, &b, page_size));
            }
        });
        MockGitHub { base, state, stop }
    }

    /// Page `page` answers with `fault` the next `times` times.
    pub fn fail(&self, page: usize, fault: Fault, times: usize) {
        self.state
            .faults
            .lock()
            .unwrap()
            .insert(page, (fault, times));
    }

    /// Every page says the rate limit is used up, resetting in `reset_in` s.
    pub fn exhaust(&self, reset_in: i64) {
        *self.state.exhausted_after.lock().unwrap() = Some(reset_in);
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.state.seen.lock().unwrap().clone()
    }

    pub fn paths(&self, method: &str) -> Vec<String> {
        self.seen()
            .into_iter()
            .filter(|s| s.method == method)
            .map(|s| s.path)
            .collect()
    }

    pub fn issues(&self) -> Vec<Value> {
        self.state.issues.lock().unwrap().clone()
    }
}

impl Drop for MockGitHub {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = TcpStream::connect(self.base.trim_start_matches("http://"));
    }
}

fn serve(mut stream: TcpStream, state: &State, base: &str, page_size: usize) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let path = parts.next().unwrap_or("/").to_string();
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let length: usize = headers
        .get("content-length")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    state.seen.lock().unwrap().push(Seen {
        method: method.clone(),
        path: path.clone(),
        headers: headers.clone(),
    });
    let (status, extra, content_type, answer) = match method.as_str() {
        "POST" => create(state, &path, &headers, &body),
        _ => list(state, &path, base, page_size),
    };
    let reason = match status {
        200 => "OK",
        201 => "Created",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        _ => "Internal Server Error",
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n",
        answer.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&answer);
}

type Answer = (u16, String, &'static str, Vec<u8>);

const JSON: &str = "application/json; charset=utf-8";

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn message(status: u16, text: &str, extra: String) -> Answer {
    let body = json!({"message": text, "documentation_url": "https://docs.github.com/rest", "status": status.to_string()});
    (status, extra, JSON, body.to_string().into_bytes())
}

/// `GET /repos/{owner}/{repo}/issues?…&page=N` or the `Link` form
/// `GET /repositories/4242/issues?…&page=N`.
fn list(state: &State, path: &str, base: &str, page_size: usize) -> Answer {
    let first = format!("/repos/{OWNER}/{REPO}/issues?");
    if !path.starts_with(&first) && !path.starts_with("/repositories/4242/issues?") {
        return message(404, "Not Found", String::new());
    }
    let query = path.split_once('?').map_or("", |q| q.1);
    let param = |name: &str| {
        query
            .split('&')
            .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
            .map(str::to_string)
    };
    let page: usize = param("page").and_then(|p| p.parse().ok()).unwrap_or(1);
    if let Some(answer) = fault(state, page) {
        return answer;
    }
    let issues = state.issues.lock().unwrap().clone();
    let last = issues.len().div_ceil(page_size).max(1);
    let items: Vec<&Value> = issues
        .iter()
        .skip((page - 1) * page_size)
        .take(page_size)
        .collect();
    let link_to = |n: usize| {
        format!("{base}/repositories/4242/issues?labels=forkcast&state=all&per_page=100&page={n}")
    };
    let mut links = Vec::new();
    if page < last {
        links.push(format!("<{}>; rel=\"next\"", link_to(page + 1)));
        links.push(format!("<{}>; rel=\"last\"", link_to(last)));
    }
    if page > 1 {
        links.push(format!("<{}>; rel=\"prev\"", link_to(page - 1)));
        links.push(format!("<{}>; rel=\"first\"", link_to(1)));
    }
    let (remaining, reset) = match *state.exhausted_after.lock().unwrap() {
        Some(r) => (0, now() + r),
        None => (59, now() + 3600),
    };
    let mut extra = format!(
        "X-RateLimit-Limit: 60\r\nX-RateLimit-Remaining: {remaining}\r\nX-RateLimit-Reset: {reset}\r\nX-RateLimit-Resource: core\r\n"
    );
    if !links.is_empty() {
        extra.push_str(&format!("Link: {}\r\n", links.join(", ")));
    }
    (200, extra, JSON, serde_json::to_vec(&items).unwrap())
}

fn fault(state: &State, page: usize) -> Option<Answer> {
    let mut faults = state.faults.lock().unwrap();
    let (fault, left) = faults.get_mut(&page)?;
    if *left == 0 {
        return None;
    }
    *left -= 1;
    Some(match *fault {
        Fault::Status500 => message(500, "Server Error", String::new()),
        Fault::RateLimited { reset_in } => message(
            403,
            "API rate limit exceeded for 127.0.0.1. (But here's the good news: Authenticated requests get a higher rate limit.)",
            format!(
                "X-RateLimit-Limit: 60\r\nX-RateLimit-Remaining: 0\r\nX-RateLimit-Reset: {}\r\nX-RateLimit-Resource: core\r\n",
                now() + reset_in
            ),
        ),
        Fault::TooMany { retry_after } => message(
            429,
            "You have exceeded a secondary rate limit.",
            format!("Retry-After: {retry_after}\r\n"),
        ),
        Fault::Html => (
            200,
            String::new(),
            "text/html",
            b"<!DOCTYPE html><html><body>Unicorn! This page is taking too long to load.</body></html>".to_vec(),
        ),
        Fault::Malformed => (200, String::new(), JSON, b"[{\"number\": 3, \"reactions\": {\"+1\": ".to_vec()),
    })
}

/// `POST /repos/{owner}/{repo}/issues`: the new issue, as GitHub answers it.
fn create(state: &State, path: &str, headers: &HashMap<String, String>, body: &[u8]) -> Answer {
    if path != format!("/repos/{OWNER}/{REPO}/issues") {
        return message(404, "Not Found", String::new());
    }
    if !headers
        .get("authorization")
        .is_some_and(|a| a.starts_with("Bearer "))
    {
        return message(401, "Requires authentication", String::new());
    }
    let Ok(asked) = serde_json::from_slice::<Value>(body) else {
        return message(400, "Problems parsing JSON", String::new());
    };
    let mut issues = state.issues.lock().unwrap();
    let number = issues
        .iter()
        .filter_map(|i| i["number"].as_u64())
        .max()
        .unwrap_or(0)
        + 1;
    let labels: Vec<Value> = asked["labels"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|l| json!({"id": 1, "node_id": "LA_x", "url": format!("https://api.github.com/repos/{OWNER}/{REPO}/labels/{}", l.as_str().unwrap_or("")), "name": l, "color": "0e8a16", "default": false, "description": null}))
        .collect();
    let issue = issue_object(
        number,
        asked["title"].as_str().unwrap_or(""),
        asked["body"].as_str(),
        labels,
    );
    issues.insert(0, issue.clone());
    (
        201,
        format!("Location: https://api.github.com/repos/{OWNER}/{REPO}/issues/{number}\r\n"),
        JSON,
        issue.to_string().into_bytes(),
    )
}

/// A freshly opened issue, every field as GitHub sends it.
pub fn issue_object(number: u64, title: &str, body: Option<&str>, labels: Vec<Value>) -> Value {
    let api = format!("https://api.github.com/repos/{OWNER}/{REPO}/issues/{number}");
    json!({
        "url": api,
        "repository_url": format!("https://api.github.com/repos/{OWNER}/{REPO}"),
        "labels_url": format!("{api}/labels{{/name}}"),
        "comments_url": format!("{api}/comments"),
        "events_url": format!("{api}/events"),
        "html_url": format!("https://github.com/{OWNER}/{REPO}/issues/{number}"),
        "id": 2_000_000_000u64 + number,
        "node_id": format!("I_kwDOtest{number}"),
        "number": number,
        "title": title,
        "user": {"login": "forkcast-bot", "id": 1, "node_id": "U_x", "type": "User", "site_admin": false},
        "labels": labels,
        "state": "open",
        "locked": false,
        "assignee": null,
        "assignees": [],
        "milestone": null,
        "comments": 0,
        "created_at": "2026-12-01T10:00:00Z",
        "updated_at": "2026-12-01T10:00:00Z",
        "closed_at": null,
        "author_association": "OWNER",
        "active_lock_reason": null,
        "body": body,
        "closed_by": null,
        "reactions": {"url": format!("{api}/reactions"), "total_count": 0, "+1": 0, "-1": 0, "laugh": 0, "hooray": 0, "confused": 0, "heart": 0, "rocket": 0, "eyes": 0},
        "timeline_url": format!("{api}/timeline"),
        "performed_via_github_app": null,
        "state_reason": null
    })
}
