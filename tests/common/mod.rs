//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A tool some tests need that `cargo test` does not install.
#[derive(Clone, Copy)]
pub enum Tool {
    /// Debian's Chromium, which tests/browser/map.mjs drives.
    Chromium,
    /// Node.js, which runs the scripts and packages of tests/browser/.
    Node,
    /// A package that `npm ci` in tests/browser installs.
    Npm(&'static str),
    /// Tesseract OCR (Debian's `tesseract-ocr`), which reads cards back.
    Tesseract,
    /// LibreOffice (Debian's `libreoffice-calc-nogui`), which recalculates
    /// the spreadsheet.
    LibreOffice,
    /// openpyxl for Debian's Python (`python3-openpyxl`), which reads the
    /// spreadsheet back.
    Openpyxl,
    /// wget (Debian's `wget`), which install.sh downloads with when there
    /// is no curl.
    Wget,
}

/// Debian's Python, whose `python3-openpyxl` .ci/run installs (a `python3`
/// earlier on the path may be another one).
pub const PYTHON: &str = "/usr/bin/python3";

impl Tool {
    fn present(self) -> bool {
        match self {
            Tool::Chromium => Path::new("/usr/bin/chromium").is_file(),
            Tool::Tesseract => std::process::Command::new("tesseract")
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success()),
            Tool::LibreOffice => std::process::Command::new("soffice")
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success()),
            Tool::Openpyxl => std::process::Command::new(PYTHON)
                .args(["-c", "import openpyxl"])
                .output()
                .is_ok_and(|o| o.status.success()),
            Tool::Wget => std::process::Command::new("wget")
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success()),
            Tool::Node => std::process::Command::new("node")
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success()),
            Tool::Npm(package) => Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/browser/node_modules")
                .join(package)
                .exists(),
        }
    }

    fn needed(self) -> String {
        match self {
            Tool::Chromium => "/usr/bin/chromium".into(),
            Tool::Node => "node".into(),
            Tool::Npm(package) => format!("`npm ci` in tests/browser (for {package})"),
            Tool::Tesseract => "tesseract (apt-get install tesseract-ocr)".into(),
            Tool::LibreOffice => "soffice (apt-get install libreoffice-calc-nogui)".into(),
            Tool::Openpyxl => format!("openpyxl for {PYTHON} (apt-get install python3-openpyxl)"),
            Tool::Wget => "wget (apt-get install wget)".into(),
        }
    }
}

/// Whether this machine has every one of `tools`, for the test `test`.
/// Without them the test is to be skipped (it returns early), so that a
/// plain `cargo test` passes on a machine without a browser; the skip is
/// printed past the test harness's capture, so it shows. `.ci/run` installs
/// them and sets FORKCAST_REQUIRE_BROWSER=1, and then a missing tool fails
/// the test instead: CI never passes by skipping.
#[track_caller]
pub fn has_tools(test: &str, tools: &[Tool]) -> bool {
    let missing: Vec<String> = tools
        .iter()
        .filter(|t| !t.present())
        .map(|t| t.needed())
        .collect();
    if missing.is_empty() {
        return true;
    }
    let needs = format!("{test} needs {}; .ci/run installs them", missing.join(", "));
    if std::env::var_os("FORKCAST_REQUIRE_BROWSER").is_some_and(|v| v != "0") {
        panic!("{needs}; FORKCAST_REQUIRE_BROWSER is set, so this is a failure");
    }
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "skipped: {needs}");
    false
}

/// The folder of a fixture site under tests/sites/.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/sites")
        .join(name)
}

/// A fresh, empty temporary folder, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "forkcast-test-{label}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Copies a folder recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let dest = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&dest).unwrap();
        } else {
            fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// Every file below `dir` with its bytes, by relative path.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, fs::read(e.path()).unwrap())
        })
        .collect()
}

/// The values of every `attr="…"` in an HTML text.
pub fn attributes<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let needle = format!(" {attr}=\"");
    html.match_indices(&needle)
        .filter_map(|(i, _)| {
            let start = i + needle.len();
            html[start..].find('"').map(|end| &html[start..start + end])
        })
        .collect()
}

/// Undoes the HTML escapes our templates produce.
pub fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// A start tag: its lowercase name and attributes (name, raw value).
pub struct Tag {
    pub name: String,
    pub attributes: Vec<(String, String)>,
}

/// The start tags of an HTML text, as a browser would tokenize them.
/// Escaped text (`&lt;script&gt;`) is text, not a tag, and is skipped.
pub fn start_tags(html: &str) -> Vec<Tag> {
    let b = html.as_bytes();
    let mut tags = Vec::new();
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        i += off + 1;
        let name_len = b[i..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'-')
            .count();
        if name_len == 0 {
            continue;
        }
        let name = html[i..i + name_len].to_ascii_lowercase();
        i += name_len;
        let mut attributes = Vec::new();
        loop {
            while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' {
                break;
            }
            let start = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/')
            {
                i += 1;
            }
            let attr = html[start..i].to_ascii_lowercase();
            let mut value = String::new();
            if i < b.len() && b[i] == b'=' {
                i += 1;
                if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                    let q = b[i];
                    let end = b[i + 1..]
                        .iter()
                        .position(|c| *c == q)
                        .map_or(b.len(), |p| i + 1 + p);
                    value = html[i + 1..end].to_string();
                    i = (end + 1).min(b.len());
                } else {
                    let start = i;
                    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                        i += 1;
                    }
                    value = html[start..i].to_string();
                }
            }
            attributes.push((attr, value));
        }
        tags.push(Tag { name, attributes });
    }
    tags
}

/// Serves `dir` over HTTP on `listener` (GET only, `dir/` → `index.html`,
/// anything missing → `404.html`), one thread per connection, for browsers.
pub fn serve_static(listener: std::net::TcpListener, dir: PathBuf) {
    use std::io::{BufRead, BufReader, Write};
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let dir = dir.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    return;
                }
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                        break;
                    }
                }
                let path = line.split_whitespace().nth(1).unwrap_or("/");
                let path = path
                    .split(['?', '#'])
                    .next()
                    .unwrap_or("/")
                    .trim_start_matches('/');
                let mut file = dir.join(path);
                if path.is_empty() || path.ends_with('/') {
                    file = file.join("index.html");
                }
                let (status, body) = match fs::read(&file) {
                    Ok(b) if !path.contains("..") => ("200 OK", b),
                    _ => (
                        "404 Not Found",
                        fs::read(dir.join("404.html")).unwrap_or_default(),
                    ),
                };
                let kind = match file.extension().and_then(|e| e.to_str()) {
                    Some("html") => "text/html; charset=utf-8",
                    Some("css") => "text/css",
                    Some("js") => "text/javascript",
                    Some("json") => "application/json",
                    Some("svg") => "image/svg+xml",
                    _ => "application/octet-stream",
                };
                let head = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&body);
            });
        }
    });
}

/// Runs the forkcast binary in `cwd`, without colour.
pub fn forkcast(args: &[&str], cwd: &Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_forkcast"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// Runs git in `dir` as a machine with no configuration of its own would,
/// the commit dated `date` (noon, UTC); fails the test if git does.
pub fn git_at(dir: &Path, date: &str, args: &[&str]) -> std::process::Output {
    let stamp = format!("{date}T12:00:00+00:00");
    let out = std::process::Command::new("git")
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Author")
        .env("GIT_AUTHOR_EMAIL", "author@example.org")
        .env("GIT_COMMITTER_NAME", "Author")
        .env("GIT_COMMITTER_EMAIL", "author@example.org")
        .env("GIT_AUTHOR_DATE", &stamp)
        .env("GIT_COMMITTER_DATE", &stamp)
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Stages everything in `dir` and commits it with `subject` on `date`.
pub fn commit(dir: &Path, date: &str, subject: &str) {
    git_at(dir, date, &["add", "-A"]);
    git_at(dir, date, &["commit", "-q", "-m", subject]);
}

/// Runs `node SCRIPT CONFIG` in tests/browser and returns the JSON line it printed.
pub fn node_script(script: &str, config: &serde_json::Value) -> serde_json::Value {
    let output = std::process::Command::new("node")
        .arg(script)
        .arg(config.to_string())
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser"))
        .output()
        .expect("cannot start node");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{script} failed:\n{}{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_str(stdout.trim()).unwrap()
}

/// Builds the fixture site `name` offline into `public/` of a new temporary folder.
pub fn build_fixture(name: &str) -> TempDir {
    let out = TempDir::new(name);
    let options = forkcast::BuildOptions {
        offline: true,
        ..Default::default()
    };
    forkcast::build(&fixture(name), Some(&out.path().join("public")), &options).unwrap();
    out
}

/// The text of `path` in the `public/` folder under `root`.
pub fn read_public(root: &Path, path: &str) -> String {
    fs::read_to_string(root.join("public").join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}
