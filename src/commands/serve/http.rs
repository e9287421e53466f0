//! The HTTP side of `forkcast serve`: static files from the output folder
//! (path-checked, symlink-safe, never outside it), the live-reload script
//! and its server-sent events.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Component, Path, PathBuf};

use super::Shared;

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

pub(super) fn broadcast(shared: &Shared, event: &str, data: &str) {
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

pub(super) fn handle(mut stream: TcpStream, shared: &Shared) {
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
