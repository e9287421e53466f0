//! The HTTP side of `forkcast serve`: static files from the output folder
//! (path-checked, symlink-safe, never outside it), the live-reload script
//! and its server-sent events, and the bounds that keep a bad local client
//! (idle, trickling, oversized, never reading) from freezing or exhausting
//! the server: a fixed number of connections, deadlines for reading a
//! request and sending an answer, a size limit on requests, and events
//! queued per client so a rebuild never waits on one.

use std::collections::VecDeque;
use std::io::{self, ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{self, SyncSender};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use super::Shared;

/// Connections handled at once, each on its own thread; more wait in the
/// kernel's queue until one ends. A browser opens at most six to a host, so
/// this leaves room for many tabs and tools while a flood of connections
/// cannot take more threads (or file descriptors) than this.
const MAX_CONNECTIONS: usize = 128;
/// The time a client has to send its whole request head. Browsers send it
/// at once, so only an idle or trickling client waits this long; closing a
/// browser's idle preconnection is harmless (it reconnects).
const HEAD_TIMEOUT: Duration = Duration::from_secs(5);
/// The longest request line or header line (what common servers allow),
/// the longest request head, and the most header lines in it.
const MAX_LINE: usize = 8 * 1024;
const MAX_HEAD: usize = 64 * 1024;
const MAX_HEADERS: usize = 100;
/// The time a client has to take one whole answer or live-reload event,
/// however slowly it reads.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// Live-reload streams kept open; a new one replaces the oldest, which is
/// most likely a closed tab's (a live tab's browser reconnects by itself).
const MAX_STREAMS: usize = 16;
/// Events waiting for one live-reload client; a client this far behind has
/// stopped reading and is dropped.
const QUEUED_EVENTS: usize = 8;
/// How much is written at once, each write within what is left of its
/// deadline.
const CHUNK: usize = 64 * 1024;

const LIVE_JS: &str = r##"(function () {
  "use strict";
  var box = null;
  var events = new EventSource("/__forkcast/events");
  events.addEventListener("reload", function () { location.reload(); });
  events.addEventListener("problem", function (e) {
    if (!box) {
      box = document.createElement("pre");
      box.id = "forkcast-problem";
      box.setAttribute("role", "alert");
      var s = box.style;
      s.position = "fixed"; s.left = s.right = s.bottom = "0"; s.margin = "0"; s.zIndex = "99";
      s.maxHeight = "50vh"; s.overflow = "auto"; s.padding = "1rem"; s.whiteSpace = "pre-wrap";
      s.background = "#2b0d0d"; s.color = "#ffd7d7"; s.font = "13px/1.5 ui-monospace, monospace";
      document.body.appendChild(box);
    }
    box.textContent = JSON.parse(e.data);
  });
})();
"##;

/// A request refused: its status line and why, for the client.
struct Refusal(&'static str, &'static str);

const NOT_HTTP: Refusal = Refusal(
    "400 Bad Request",
    "the request line is not `METHOD /path HTTP/1.1` in UTF-8",
);
const CUT_SHORT: Refusal = Refusal(
    "400 Bad Request",
    "the request ended before the blank line that ends its headers",
);
const TOO_SLOW: Refusal = Refusal(
    "408 Request Timeout",
    "the request's headers took longer than 5 seconds to arrive",
);
const LINE_TOO_LONG: Refusal = Refusal("414 URI Too Long", "the request line is longer than 8 KiB");
const HEAD_TOO_LARGE: Refusal = Refusal(
    "431 Request Header Fields Too Large",
    "the request's headers are over 64 KiB, a header line over 8 KiB or more than 100 lines",
);
const NOT_GET: Refusal = Refusal("405 Method Not Allowed", "GET only");

/// The live-reload clients, as the queues their threads write from.
#[derive(Default)]
pub(super) struct Streams(Mutex<VecDeque<SyncSender<Arc<str>>>>);

impl Streams {
    fn add(&self, client: SyncSender<Arc<str>>) {
        let mut clients = lock(&self.0);
        if clients.len() >= MAX_STREAMS {
            clients.pop_front();
        }
        clients.push_back(client);
    }
}

/// Queues an event for every live-reload client without waiting on any of
/// them: a client whose queue is full (it stopped reading) or that is gone
/// is dropped.
pub(super) fn broadcast(shared: &Shared, event: &str, data: &str) {
    let message: Arc<str> = format!("event: {event}\ndata: {data}\n\n").into();
    lock(&shared.clients.0).retain(|c| c.try_send(message.clone()).is_ok());
}

/// A lock whose data stays usable if a thread panicked holding it: the
/// counters and queues behind these locks cannot be left half-changed.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Counts the connections being handled, so that accepting waits at
/// `MAX_CONNECTIONS`.
#[derive(Default)]
struct Slots {
    busy: Mutex<usize>,
    freed: Condvar,
}

/// One connection's place, given back when its thread ends (or panics).
struct Slot(Arc<Slots>);

impl Slots {
    fn take(self: &Arc<Self>) -> Slot {
        let mut busy = lock(&self.busy);
        while *busy >= MAX_CONNECTIONS {
            busy = self
                .freed
                .wait(busy)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *busy += 1;
        Slot(self.clone())
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        *lock(&self.0.busy) -= 1;
        self.0.freed.notify_one();
    }
}

/// Accepts connections for as long as the process runs, each handled on
/// its own thread, at most `MAX_CONNECTIONS` at once.
pub(super) fn accept(listener: &TcpListener, shared: &Arc<Shared>) {
    let slots = Arc::new(Slots::default());
    loop {
        let slot = slots.take();
        let Ok((stream, _)) = listener.accept() else {
            // Out of file descriptors, say: wait instead of spinning.
            std::thread::sleep(Duration::from_millis(50));
            continue;
        };
        let shared = shared.clone();
        // A thread that cannot start drops this connection (and its slot)
        // instead of ending the accept loop, as `thread::spawn` would.
        let _ = std::thread::Builder::new().spawn(move || {
            let _slot = slot;
            handle(stream, &shared);
        });
    }
}

fn handle(mut stream: TcpStream, shared: &Shared) {
    let head = match read_head(&mut stream) {
        Ok(head) => head,
        Err(None) => return,
        Err(Some(refusal)) => return refuse(&mut stream, &refusal),
    };
    match request_line(&head) {
        Ok((method, target)) => answer(stream, shared, method, target),
        Err(refusal) => refuse(&mut stream, &refusal),
    }
}

/// Reads the request head, up to its blank line, within `HEAD_TIMEOUT` and
/// never holding much more than `MAX_HEAD` bytes. `Err(None)`: the client
/// left or sent nothing; close without a word.
fn read_head(stream: &mut TcpStream) -> Result<Vec<u8>, Option<Refusal>> {
    let deadline = Instant::now() + HEAD_TIMEOUT;
    let mut head = Vec::new();
    let mut chunk = [0; 4096];
    loop {
        if let Some(end) = head_end(&head).map_err(Some)? {
            head.truncate(end);
            return Ok(head);
        }
        let unanswered = |refusal| (!head.is_empty()).then_some(refusal);
        let Some(left) = remaining(deadline) else {
            return Err(unanswered(TOO_SLOW));
        };
        stream.set_read_timeout(Some(left)).map_err(|_| None)?;
        match stream.read(&mut chunk) {
            Ok(0) => return Err(unanswered(CUT_SHORT)),
            Ok(n) => head.extend_from_slice(&chunk[..n]),
            Err(e) if waiting(&e) => {}
            Err(_) => return Err(None),
        }
    }
}

/// Whether a read or write only ran out of time or was interrupted.
fn waiting(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted
    )
}

/// The time left until `deadline`, if any.
fn remaining(deadline: Instant) -> Option<Duration> {
    deadline
        .checked_duration_since(Instant::now())
        .filter(|left| !left.is_zero())
}

/// Where the head read so far ends (just past its blank line), if it does;
/// refused as soon as it is over a limit.
fn head_end(head: &[u8]) -> Result<Option<usize>, Refusal> {
    let mut start = 0;
    for (i, line) in head.split(|&b| b == b'\n').enumerate() {
        let end = start + line.len();
        if end > MAX_HEAD {
            return Err(HEAD_TOO_LARGE);
        }
        let blank = matches!(line, b"" | b"\r");
        if blank && i > 0 && end < head.len() {
            return Ok(Some(end + 1));
        }
        if line.len() > MAX_LINE {
            return Err(if i == 0 {
                LINE_TOO_LONG
            } else {
                HEAD_TOO_LARGE
            });
        }
        if i > MAX_HEADERS && !blank {
            return Err(HEAD_TOO_LARGE);
        }
        start = end + 1;
    }
    Ok(None)
}

/// The method and target of the head's request line, `GET /path HTTP/1.1`.
fn request_line(head: &[u8]) -> Result<(&str, &str), Refusal> {
    let line = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let line = std::str::from_utf8(line).map_err(|_| NOT_HTTP)?;
    let mut parts = line.strip_suffix('\r').unwrap_or(line).split(' ');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(method), Some(target), Some(version), None)
            if !method.is_empty() && !target.is_empty() && version.starts_with("HTTP/") =>
        {
            Ok((method, target))
        }
        _ => Err(NOT_HTTP),
    }
}

/// Answers a bad request and closes without losing the answer: closing with
/// input unread makes the kernel reset the connection, which can discard
/// the answer before the client reads it. So stop sending, then read and
/// drop what the client still sends, for at most a second.
fn refuse(stream: &mut TcpStream, refusal: &Refusal) {
    let Refusal(status, why) = refusal;
    let _ = respond(
        stream,
        status,
        "text/plain; charset=utf-8",
        why.as_bytes(),
        false,
    );
    let _ = stream.shutdown(Shutdown::Write);
    let until = Instant::now() + Duration::from_secs(1);
    let mut sink = [0; 4096];
    while let Some(left) = remaining(until) {
        if stream.set_read_timeout(Some(left)).is_err()
            || matches!(stream.read(&mut sink), Ok(0) | Err(_))
        {
            break;
        }
    }
}

fn answer(mut stream: TcpStream, shared: &Shared, method: &str, target: &str) {
    if method != "GET" && method != "HEAD" {
        return refuse(&mut stream, &NOT_GET);
    }
    let head_only = method == "HEAD";
    match target {
        "/__forkcast/events" => stream_events(stream, shared),
        "/__forkcast/live.js" => {
            let kind = "text/javascript; charset=utf-8";
            let _ = respond(&mut stream, "200 OK", kind, LIVE_JS.as_bytes(), head_only);
        }
        _ => serve_file(&mut stream, shared, target, head_only),
    }
}

/// Keeps a live-reload client: `broadcast` queues its events without
/// waiting, and this thread sends them as fast as the client reads. It
/// ends when the client is dropped (behind, replaced or gone) or stops
/// taking an event for `SEND_TIMEOUT`.
fn stream_events(mut stream: TcpStream, shared: &Shared) {
    let (client, events) = mpsc::sync_channel::<Arc<str>>(QUEUED_EVENTS);
    let problem = shared.session.lock().ok().and_then(|s| s.problem.clone());
    if let Some(p) = problem {
        let data = serde_json::to_string(&p).unwrap_or_default();
        let _ = client.try_send(format!("event: problem\ndata: {data}\n\n").into());
    }
    shared.clients.add(client);
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\n";
    if send(&mut stream, head.as_bytes(), Instant::now() + SEND_TIMEOUT).is_err() {
        return;
    }
    for event in events {
        if send(&mut stream, event.as_bytes(), Instant::now() + SEND_TIMEOUT).is_err() {
            return;
        }
    }
}

/// A file of the output folder, or its 404 page. HTML pages get the
/// live-reload script; other files are streamed, so that many clients
/// fetching a large one (graph.json, say) do not each hold all of it.
fn serve_file(stream: &mut TcpStream, shared: &Shared, target: &str, head_only: bool) {
    let (status, file) = match resolve(&shared.out, target) {
        Some(f) => ("200 OK", f),
        None => ("404 Not Found", shared.out.join("404.html")),
    };
    let kind = mime(&file);
    let found = if kind.starts_with("text/html") {
        std::fs::read(&file).map(|page| {
            let _ = respond(stream, status, kind, &with_live_reload(&page), head_only);
        })
    } else {
        std::fs::File::open(&file).map(|f| {
            let _ = respond_file(stream, status, kind, f, head_only);
        })
    };
    if found.is_err() {
        let _ = respond(
            stream,
            "404 Not Found",
            "text/plain",
            b"not found",
            head_only,
        );
    }
}

/// `page` with the live-reload script, unless its own policy allows no
/// script (an embed), where the script could not run and its refusal would
/// be an error in the console.
fn with_live_reload(page: &[u8]) -> Vec<u8> {
    let tag = "<script src=\"/__forkcast/live.js\"></script>";
    let text = String::from_utf8_lossy(page);
    if text.contains("script-src 'none'") {
        return page.to_vec();
    }
    let injected = match text.rfind("</body>") {
        Some(i) => format!("{}{tag}{}", &text[..i], &text[i..]),
        None => format!("{text}{tag}"),
    };
    injected.into_bytes()
}

fn head(status: &str, kind: &str, length: u64) -> String {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {length}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n"
    )
}

fn respond(
    stream: &mut TcpStream,
    status: &str,
    kind: &str,
    body: &[u8],
    head_only: bool,
) -> io::Result<()> {
    let deadline = Instant::now() + SEND_TIMEOUT;
    send(
        stream,
        head(status, kind, body.len() as u64).as_bytes(),
        deadline,
    )?;
    if !head_only {
        send(stream, body, deadline)?;
    }
    Ok(())
}

/// Like `respond`, a chunk of the file at a time. A file that shrinks
/// meanwhile ends the connection short of its length, which the client
/// sees as an error rather than as a whole file.
fn respond_file(
    stream: &mut TcpStream,
    status: &str,
    kind: &str,
    file: std::fs::File,
    head_only: bool,
) -> io::Result<()> {
    let length = file.metadata()?.len();
    let deadline = Instant::now() + SEND_TIMEOUT;
    send(stream, head(status, kind, length).as_bytes(), deadline)?;
    let mut rest = file.take(if head_only { 0 } else { length });
    let mut chunk = vec![0; CHUNK];
    loop {
        match rest.read(&mut chunk)? {
            0 => return Ok(()),
            n => send(stream, &chunk[..n], deadline)?,
        }
    }
}

/// Writes `bytes` by `deadline`, however slowly the client reads: a client
/// that stops reading cannot hold a thread longer.
fn send(stream: &mut TcpStream, bytes: &[u8], deadline: Instant) -> io::Result<()> {
    for chunk in bytes.chunks(CHUNK) {
        let left = remaining(deadline).ok_or(ErrorKind::TimedOut)?;
        stream.set_write_timeout(Some(left))?;
        stream.write_all(chunk)?;
    }
    Ok(())
}

/// The file a request path names inside `out`, if it is one: decoded,
/// without `..` or hidden segments, and not a symlink leading outside.
pub(super) fn resolve(out: &Path, raw: &str) -> Option<PathBuf> {
    let path = raw.split(['?', '#']).next()?;
    let decoded = percent_decode(path)?;
    if !decoded.starts_with('/') || decoded.contains('\0') || decoded.contains('\\') {
        return None;
    }
    let mut file = out.to_path_buf();
    for part in decoded.split('/').filter(|p| !p.is_empty()) {
        let c = Path::new(part).components().next()?;
        if !matches!(c, Component::Normal(_))
            || part.starts_with('.')
            || Path::new(part).components().count() != 1
        {
            return None;
        }
        file.push(part);
    }
    if file.is_dir() {
        file.push("index.html");
    }
    let real = file.canonicalize().ok()?;
    let root = out.canonicalize().ok()?;
    (real.starts_with(&root) && real.is_file()).then_some(real)
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn mime(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "txt" | "csv" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        "pdf" => "application/pdf",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_cannot_leave_the_output_folder() {
        let dir = std::env::temp_dir().join(format!("forkcast-resolve-{}", std::process::id()));
        let out = dir.join("public");
        std::fs::create_dir_all(out.join("posts/a")).unwrap();
        std::fs::write(out.join("posts/a/index.html"), "a").unwrap();
        std::fs::write(dir.join("secret.txt"), "s").unwrap();
        assert!(resolve(&out, "/posts/a/").is_some());
        assert!(resolve(&out, "/posts/a/index.html?x=1").is_some());
        for bad in [
            "/../secret.txt",
            "/%2e%2e/secret.txt",
            "/posts/..%2f..%2fsecret.txt",
            "/%252e%252e/secret.txt",
            "/posts/%2E%2E/%2E%2E/secret.txt",
            "/..\\secret.txt",
            "/posts/a/index.html%00",
            "//etc/passwd",
            "/.hidden",
        ] {
            assert!(resolve(&out, bad).is_none(), "{bad}");
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.join("secret.txt"), out.join("link.txt")).unwrap();
            assert!(
                resolve(&out, "/link.txt").is_none(),
                "a symlink out of the folder"
            );
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
