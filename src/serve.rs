//! `forkcast serve`: builds the site into a private folder, serves it on
//! 127.0.0.1 only, watches the sources and rebuilds what an edit touches —
//! one post and the lists that show it, one future and its neighbours —
//! then tells the browser to reload. A broken edit shows its located error
//! as an overlay while the last good site stays served. Markets come from
//! the snapshot only.

use std::collections::{BTreeSet, HashSet};
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use notify::Watcher;
use tera::Tera;

use crate::diagnostics::{self, Diagnostic, Format};
use crate::render::{Job, Renderer};
use crate::site::{BuildOptions, Refresh, Site, Touched};
use crate::{Error, output};

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

/// Where the site is served and how.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// 0 picks a free port.
    pub port: u16,
    pub drafts: bool,
}

struct Session {
    site: Site,
    tera: Tera,
    /// The last edit's problems, shown until fixed.
    problem: Option<String>,
}

struct Shared {
    out: PathBuf,
    clients: Mutex<Vec<TcpStream>>,
    session: Mutex<Session>,
    /// The last rebuild: what it did and how long it took.
    last: Mutex<Option<(String, Duration)>>,
}

/// A running server.
pub struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
    _watcher: notify::RecommendedWatcher,
}

impl Server {
    /// Builds `root`, starts serving it and watching it. Returns once the
    /// site is being served.
    pub fn start(root: &Path, options: &ServeOptions) -> Result<Server, Error> {
        let listener = TcpListener::bind(("127.0.0.1", options.port)).map_err(|e| {
            Error::Write(output::WriteError {
                path: PathBuf::from(format!("127.0.0.1:{}", options.port)),
                source: e,
            })
        })?;
        let addr = listener.local_addr().map_err(|e| {
            Error::Write(output::WriteError {
                path: PathBuf::from("127.0.0.1"),
                source: e,
            })
        })?;
        let build = BuildOptions {
            drafts: options.drafts,
            base_url: Some(format!("http://{addr}/")),
            offline: true,
            ..Default::default()
        };
        let out = std::env::temp_dir().join(format!(
            "forkcast-serve-{}-{}",
            std::process::id(),
            addr.port()
        ));
        let (site, tera) = full_build(root, &build, &out)?;
        let shared = Arc::new(Shared {
            out,
            clients: Mutex::new(Vec::new()),
            session: Mutex::new(Session {
                site,
                tera,
                problem: None,
            }),
            last: Mutex::new(None),
        });
        let (tx, rx) = mpsc::channel();
        let mut watcher = notify::recommended_watcher(tx).map_err(|e| watch_error(root, e))?;
        for dir in [
            "content",
            "futures",
            "bets",
            "themes",
            "static",
            "templates",
            "data",
        ] {
            let d = root.join(dir);
            if d.is_dir() {
                watcher
                    .watch(&d, notify::RecursiveMode::Recursive)
                    .map_err(|e| watch_error(&d, e))?;
            }
        }
        watcher
            .watch(root, notify::RecursiveMode::NonRecursive)
            .map_err(|e| watch_error(root, e))?;
        let (s, r) = (shared.clone(), root.to_path_buf());
        std::thread::spawn(move || watch_loop(&r, &build, &s, &rx));
        let s = shared.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let s = s.clone();
                std::thread::spawn(move || handle(stream, &s));
            }
        });
        Ok(Server {
            addr,
            shared,
            _watcher: watcher,
        })
    }

    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// What the last rebuild did, e.g. "1 post: 6 pages", and how long it took.
    pub fn last_rebuild(&self) -> Option<(String, Duration)> {
        self.shared.last.lock().map(|l| l.clone()).unwrap_or(None)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.shared.out);
    }
}

fn watch_error(path: &Path, e: notify::Error) -> Error {
    Error::Write(output::WriteError {
        path: path.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    })
}

/// Loads, computes (from the market snapshot) and writes the whole site.
fn full_build(root: &Path, options: &BuildOptions, out: &Path) -> Result<(Site, Tera), Error> {
    let site = crate::load(root, options)?;
    let (_, tera) = crate::write_site(&site, root, out)?;
    Ok((site, tera))
}

fn watch_loop(
    root: &Path,
    options: &BuildOptions,
    shared: &Shared,
    rx: &mpsc::Receiver<notify::Result<notify::Event>>,
) {
    let relevant = |p: &Path| {
        let rel = p.strip_prefix(root).unwrap_or(p);
        let name = rel
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        !name.starts_with('.')
            && !name.ends_with('~')
            && (rel.components().count() > 1 || name == crate::config::FILE)
    };
    while let Ok(first) = rx.recv() {
        let mut paths: BTreeSet<PathBuf> = BTreeSet::new();
        let mut take = |ev: notify::Result<notify::Event>| {
            if let Ok(ev) = ev
                && !matches!(ev.kind, notify::EventKind::Access(_))
            {
                paths.extend(ev.paths.into_iter().filter(|p| relevant(p)));
            }
        };
        take(first);
        // Editors write in bursts (temp file, rename, chmod): gather them.
        let until = Instant::now() + Duration::from_millis(25);
        while let Some(left) = until.checked_duration_since(Instant::now()) {
            match rx.recv_timeout(left) {
                Ok(ev) => take(ev),
                Err(_) => break,
            }
        }
        if paths.is_empty() {
            continue;
        }
        let started = Instant::now();
        let rel: Vec<PathBuf> = paths
            .iter()
            .map(|p| p.strip_prefix(root).unwrap_or(p).to_path_buf())
            .collect();
        let result = rebuild(root, options, shared, &rel);
        let message = match result {
            Ok(what) => {
                if let Ok(mut l) = shared.last.lock() {
                    *l = Some((what, started.elapsed()));
                }
                broadcast(shared, "reload", "\"ok\"");
                continue;
            }
            Err(text) => text,
        };
        let json = serde_json::to_string(&message).unwrap_or_default();
        broadcast(shared, "problem", &json);
    }
}

/// Applies an edit; `Err` holds the problems to show.
fn rebuild(
    root: &Path,
    options: &BuildOptions,
    shared: &Shared,
    changed: &[PathBuf],
) -> Result<String, String> {
    let mut session = shared
        .session
        .lock()
        .map_err(|_| "the server's state is broken; restart it".to_string())?;
    let incremental = changed.iter().all(|p| {
        let post = p.starts_with("content")
            && p.extension().is_some_and(|e| e == "md")
            && p.file_stem().is_some_and(|s| s != "_index");
        let future =
            p.starts_with("futures") && p.extension().is_some_and(|e| e == "yaml" || e == "yml");
        post || future
    });
    let mut touched: Vec<Touched> = Vec::new();
    let mut full = !incremental;
    if incremental {
        for p in changed {
            let r = if p.starts_with("content") {
                session.site.refresh_post(p)
            } else {
                session.site.refresh_future(p)
            };
            match r {
                Ok(t) => touched.push(t),
                Err(Refresh::Rebuild) => full = true,
                Err(Refresh::Invalid(diags)) => {
                    let text = report(root, &diags);
                    session.problem = Some(text.clone());
                    return Err(text);
                }
            }
        }
    }
    if full {
        match full_build(root, options, &shared.out) {
            Ok((site, tera)) => {
                session.site = site;
                session.tera = tera;
                session.problem = None;
                return Ok("everything".into());
            }
            Err(Error::Content(diags)) => {
                let text = report(root, &diags);
                session.problem = Some(text.clone());
                return Err(text);
            }
            Err(e) => return Err(e.to_string()),
        }
    }
    let Session {
        site,
        tera,
        problem,
    } = &mut *session;
    let renderer = Renderer::new(site, tera);
    let mut jobs: HashSet<Job> = HashSet::new();
    let mut data = false;
    let mut removed = Vec::new();
    for t in &touched {
        jobs.extend(jobs_for(t));
        data |= t.graph;
        removed.extend(t.removed.iter().cloned());
    }
    let jobs: Vec<Job> = jobs.into_iter().collect();
    let mut files = renderer.render_jobs(&jobs).map_err(|e| e.to_string())?;
    if data {
        files.extend(renderer.data_files());
    }
    for path in removed {
        let _ = std::fs::remove_dir_all(shared.out.join(&path));
    }
    for f in &files {
        let dest = shared.out.join(&f.path);
        if let Some(dir) = dest.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        std::fs::write(&dest, &f.bytes)
            .map_err(|e| format!("cannot write {}: {e}", dest.display()))?;
    }
    *problem = None;
    Ok(format!("{} pages", files.len()))
}

fn jobs_for(t: &Touched) -> Vec<Job> {
    let mut jobs: Vec<Job> = t.posts.iter().map(|&i| Job::Post(i)).collect();
    jobs.extend(t.futures.iter().map(|&i| Job::Future(i)));
    jobs.extend(t.bets.iter().map(|&i| Job::Bet(i)));
    jobs.extend(t.post_pages.iter().map(|&n| Job::PostList(n)));
    jobs.extend(t.tag_pages.iter().map(|&(k, n)| Job::Tag(k, n)));
    jobs.extend(t.future_pages.iter().map(|&n| Job::Futures(n)));
    for (on, job) in [
        (t.home, Job::Home),
        (t.feed, Job::Atom),
        (t.sitemap, Job::Sitemap),
        (t.tags_index, Job::Tags),
        (t.bets_index, Job::Bets),
    ] {
        if on {
            jobs.push(job);
        }
    }
    jobs
}

fn report(root: &Path, diags: &[Diagnostic]) -> String {
    diags
        .iter()
        .filter(|d| d.is_error())
        .map(|d| diagnostics::render(d, root, Format::Human, false))
        .collect()
}

fn broadcast(shared: &Shared, event: &str, data: &str) {
    if let Ok(mut clients) = shared.clients.lock() {
        clients.retain_mut(|c| {
            c.write_all(format!("event: {event}\ndata: {data}\n\n").as_bytes())
                .is_ok()
        });
    }
}

/// The file a request path names inside `out`, if it is one: decoded,
/// without `..` or hidden segments, and not a symlink leading outside.
pub fn resolve(out: &Path, raw: &str) -> Option<PathBuf> {
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
        _ => "application/octet-stream",
    }
}

fn handle(mut stream: TcpStream, shared: &Shared) {
    let Ok(clone) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(clone);
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" || h == "\n" {
            break;
        }
    }
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    if method != "GET" && method != "HEAD" {
        let _ = respond(
            &mut stream,
            "405 Method Not Allowed",
            "text/plain",
            b"GET only",
            false,
        );
        return;
    }
    match target {
        "/__forkcast/events" => {
            let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\n";
            if stream.write_all(head.as_bytes()).is_err() {
                return;
            }
            let problem = shared.session.lock().ok().and_then(|s| s.problem.clone());
            if let Some(p) = problem {
                let _ = stream.write_all(
                    format!(
                        "event: problem\ndata: {}\n\n",
                        serde_json::to_string(&p).unwrap_or_default()
                    )
                    .as_bytes(),
                );
            }
            if let Ok(mut c) = shared.clients.lock() {
                c.push(stream);
            }
            return;
        }
        "/__forkcast/live.js" => {
            let _ = respond(
                &mut stream,
                "200 OK",
                "text/javascript; charset=utf-8",
                LIVE_JS.as_bytes(),
                method == "HEAD",
            );
            return;
        }
        _ => {}
    }
    let (status, file) = match resolve(&shared.out, target) {
        Some(f) => ("200 OK", f),
        None => ("404 Not Found", shared.out.join("404.html")),
    };
    let Ok(mut body) = std::fs::read(&file) else {
        let _ = respond(
            &mut stream,
            "404 Not Found",
            "text/plain",
            b"not found",
            method == "HEAD",
        );
        return;
    };
    let kind = mime(&file);
    if kind.starts_with("text/html") {
        let tag = "<script src=\"/__forkcast/live.js\"></script>";
        let text = String::from_utf8_lossy(&body);
        let injected = match text.rfind("</body>") {
            Some(i) => format!("{}{tag}{}", &text[..i], &text[i..]),
            None => format!("{text}{tag}"),
        };
        body = injected.into_bytes();
    }
    let _ = respond(&mut stream, status, kind, &body, method == "HEAD");
}

fn respond(
    stream: &mut TcpStream,
    status: &str,
    kind: &str,
    body: &[u8],
    head_only: bool,
) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    if !head_only {
        stream.write_all(body)?;
    }
    Ok(())
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
