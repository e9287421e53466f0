//! Sites written to hurt: inputs that used to take minutes (each bounded
//! by a limit with a located error, or a linear algorithm) and files that
//! used to be skipped without a word. Each site is generated here, since
//! most are megabytes; the assertions are on what `forkcast check` prints.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use common::TempDir;

fn check(root: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_forkcast"))
        .args(["check", "--root", "."])
        .current_dir(root)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A site with `files` (path, text) besides its site.yaml.
fn site(label: &str, files: &[(String, String)]) -> TempDir {
    let dir = TempDir::new(label);
    write(
        dir.path(),
        "site.yaml",
        "title: Hostile\nbase_url: https://example.org/\n",
    );
    for (path, text) in files {
        write(dir.path(), path, text);
    }
    dir
}

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn file(path: &str, text: impl Into<String>) -> (String, String) {
    (path.to_string(), text.into())
}

const BET: &str = "---\ntitle: B\nkind: career\nstatus: idea\nwins_if: [x]\n---\n";

/// 40,000 duplicate edges took 87 s to print (each message read the file
/// again); now the file is read once and 50 of its messages are shown.
#[test]
fn forty_thousand_problems_in_one_file_show_fifty_and_a_count() {
    let edges = "  - {future: b, probability: 0.00001}\n".repeat(40_000);
    let dir = site(
        "dup-edges",
        &[
            file("futures/b.yaml", "title: B\n"),
            file("futures/a.yaml", format!("title: A\nleads_to:\n{edges}")),
        ],
    );
    let out = check(dir.path());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(err.matches(": error: duplicate edge to `b`").count(), 50);
    assert!(
        err.contains("futures/a.yaml:53:14: error: duplicate edge to `b`"),
        "{err}"
    );
    assert!(
        err.ends_with(
            "futures/a.yaml: … and 39,949 more problems in this file, not shown\n  = help: fix those shown and run it again\nerror: 39999 errors\n"
        ),
        "{}",
        &err[err.len().saturating_sub(400)..]
    );
}

/// A `within` chain 3,000 deep took the map's layout over two minutes; now
/// the future past 32 levels is an error at its `within`.
#[test]
fn groups_three_thousand_deep_are_an_error_at_the_thirty_third() {
    let mut files = vec![file("futures/g0.yaml", "title: G0\n")];
    files.extend((1..3000).map(|i| {
        file(
            &format!("futures/g{i}.yaml"),
            format!("title: G{i}\nwithin: g{}\n", i - 1),
        )
    }));
    let dir = site("deep-groups", &files);
    let out = check(dir.path());
    let err = stderr(&out);
    assert!(
        err.starts_with("futures/g33.yaml:2:9: error: `g33` is within 33 nested groups, more than 32: g33 → g32 → g31 → g30 → g29 → … (24 more) → g4 → g3 → g2 → g1 → g0\n"),
        "{err}"
    );
    assert!(err.ends_with("error: 1 error\n"), "{err}");
}

/// 100,000 unclosed `<div>`s in a bet took the sanitizer 29 s (52 s here);
/// now raw HTML past 256 levels is an error where it gets there.
#[test]
fn a_hundred_thousand_unclosed_divs_are_an_error() {
    let dir = site(
        "deep-html",
        &[
            file("futures/x.yaml", "title: X\nprobability: 0.5\n"),
            file(
                "bets/b.md",
                format!("{BET}{}\ntext\n", "<div>".repeat(100_000)),
            ),
        ],
    );
    let out = check(dir.path());
    let err = stderr(&out);
    assert!(
        err.starts_with(
            "bets/b.md:7:1281: error: raw HTML nests more than 256 elements deep here\n"
        ),
        "{}",
        &err[..err.len().min(600)]
    );
    assert!(err.ends_with("error: 1 error\n"));
}

/// A 4 MB unknown id took "did you mean" 10 s against sixty futures; now an
/// id over 100 characters is an error of its own, quoted in part.
#[test]
fn a_four_megabyte_id_is_too_long() {
    let mut files: Vec<_> = (0..60)
        .map(|i| file(&format!("futures/future-number-{i}.yaml"), "title: F\n"))
        .collect();
    let id = "a".repeat(4_000_000);
    files.push(file(
        "futures/y.yaml",
        format!("title: Y\nleads_to:\n  - future: {id}\n    probability: 0.5\n"),
    ));
    let dir = site("long-id", &files);
    let out = check(dir.path());
    let err = stderr(&out);
    assert!(err.len() < 2_000, "{} bytes printed", err.len());
    assert!(err.starts_with(&format!(
        "futures/y.yaml:3:13: error: `leads_to.future`: `{}…` is not a future id\n",
        "a".repeat(40)
    )));
    assert!(err.contains(
        "= help: ids are at most 100 characters (this one has 4,000,000): name it with a few words, e.g. `agi-by-2030`\n"
    ));
}

/// A 4 MB broken link took 6 s and printed itself twice (8 MB); now the
/// message quotes its start and the source line the part around it.
#[test]
fn a_four_megabyte_link_is_quoted_in_part() {
    let target = "a".repeat(4_000_000);
    let post = format!("---\ntitle: P\ndate: 2026-01-01\n---\n[x](/{target})\n");
    let dir = site("long-link", &[file("content/posts/p.md", post)]);
    let err = stderr(&check(dir.path()));
    assert!(err.len() < 2_000, "{} bytes printed", err.len());
    assert!(
        err.starts_with(&format!(
            "content/posts/p.md:5:1: error: broken internal link `/{}…`\n",
            "a".repeat(39)
        )),
        "{err}"
    );
}

/// A future's 10 MB title took 18 s to index and lay out (2 s optimised),
/// and every page showing it grew by as much; titles are at most 300
/// characters now.
#[test]
fn a_ten_megabyte_title_is_too_long() {
    let title = "x".repeat(10_000_000);
    let dir = site(
        "long-title",
        &[file("futures/x.yaml", format!("title: {title}\n"))],
    );
    let err = stderr(&check(dir.path()));
    assert!(
        err.starts_with(
            "futures/x.yaml:1:8: error: `title` is 10,000,000 characters long, more than 300\n"
        ),
        "{}",
        &err[..err.len().min(500)]
    );
    assert!(err.ends_with(
        "= help: shorten it to a line; say the rest in the summary or the text\nerror: 1 error\n"
    ));
}

/// A bet winning in 6,000 futures took 12 s to check (what moves it is
/// each of them changed, each change summed over all); a bet names at most
/// 100 futures in each list now.
#[test]
fn a_bet_on_six_thousand_futures_is_too_wide() {
    let mut files: Vec<_> = (0..6000)
        .map(|i| {
            file(
                &format!("futures/f{i}.yaml"),
                "title: F\nprobability: 0.5\n",
            )
        })
        .collect();
    let wins: Vec<String> = (0..6000).map(|i| format!("f{i}")).collect();
    let bet = format!(
        "---\ntitle: B\nkind: career\nstatus: idea\nwins_if: [{}]\n---\n",
        wins.join(", ")
    );
    files.push(file("bets/b.md", bet));
    let dir = site("wide-bet", &files);
    let err = stderr(&check(dir.path()));
    assert!(
        err.starts_with("bets/b.md:5:501: error: `wins_if` names 6,000 futures, more than 100\n"),
        "{}",
        &err[..err.len().min(500)]
    );
    assert!(err.ends_with("error: 1 error\n"));
}

/// A post linked through a symbolic link inside the site is read; one
/// linking outside it (a secret on the machine that builds), a link to
/// nothing, a link to its own folder and a pipe were skipped without a word.
#[cfg(unix)]
#[test]
fn links_out_of_the_site_and_pipes_are_errors_and_links_inside_are_read() {
    use std::os::unix::fs::symlink;
    let post = "---\ntitle: Shared\ndate: 2026-01-01\n---\nInside.\n";
    let dir = site("links", &[file("drafts/shared.md", post)]);
    let posts = dir.path().join("content/posts");
    fs::create_dir_all(&posts).unwrap();
    symlink("../../drafts/shared.md", posts.join("shared.md")).unwrap();
    let secret = TempDir::new("links-secret");
    write(
        secret.path(),
        "key.md",
        "---\ntitle: Secret\ndate: 2026-01-01\n---\nKEY\n",
    );
    symlink(secret.path().join("key.md"), posts.join("key.md")).unwrap();
    symlink(secret.path(), dir.path().join("content/elsewhere")).unwrap();
    symlink("nowhere.md", posts.join("gone.md")).unwrap();
    symlink("..", posts.join("loop")).unwrap();
    let made = Command::new("mkfifo").arg(posts.join("pipe.md")).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    let out = check(dir.path());
    let err = stderr(&out);
    let outside = "is a link to a place outside the site, which is not read\n  = help: copy what it links to into the site, or remove the link\n";
    assert_eq!(
        err,
        format!(
            "content/elsewhere:1:1: error: this folder {outside}\
             content/posts/gone.md:1:1: error: this file is a link to nothing (what it named is gone), which is not read\n  = help: remove the link, or restore what it named\n\
             content/posts/key.md:1:1: error: this file {outside}\
             content/posts/loop:1:1: error: this folder is a link to a folder that holds it, which is not read\n  = help: remove the link\n\
             content/posts/pipe.md:1:1: error: this file is not a regular file (a pipe, socket or device), which is not read\n  = help: replace it with a file, or remove it\n\
             error: 5 errors\n"
        )
    );
    assert!(!err.contains("KEY"));
    // Without the bad entries, the linked post inside the site is read.
    for bad in ["key.md", "gone.md", "loop", "pipe.md"] {
        fs::remove_file(posts.join(bad)).unwrap();
    }
    fs::remove_file(dir.path().join("content/elsewhere")).unwrap();
    write(
        dir.path(),
        "content/about.md",
        "---\ntitle: About\n---\n[Shared](/posts/shared/)\n",
    );
    let out = check(dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// A folder that cannot be read was skipped without a word. Root reads any
/// folder whatever its mode, so there a folder too deep for a path to name
/// stands for it.
#[cfg(target_os = "linux")]
#[test]
fn an_unreadable_folder_is_an_error() {
    use std::os::unix::fs::PermissionsExt;
    let dir = site(
        "locked",
        &[file("content/locked/x.md", "---\ntitle: L\n---\n")],
    );
    let locked = dir.path().join("content/locked");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    let denied = fs::read_dir(&locked).is_err();
    if !denied {
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
        nest_past_path_max(&locked);
    }
    let out = check(dir.path());
    let err = stderr(&out);
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(out.status.code(), Some(1), "{err}");
    let first = err.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("content/locked")
            && first.contains(": error: this folder cannot be read ("),
        "{err}"
    );
    assert!(err.contains(", so nothing in it is read\n  = help: make it readable (e.g. `chmod -R u+rX` on it), or move it out of the site\n"));
}

/// Folders inside `dir` whose path is longer than a path may be: each is
/// made through the open folder above it (`/proc/self/fd/N/name`), which
/// is a short path.
fn nest_past_path_max(dir: &Path) {
    use std::os::fd::AsRawFd;
    let name = "d".repeat(250);
    let mut at = fs::File::open(dir).unwrap();
    for _ in 0..20 {
        let next = format!("/proc/self/fd/{}/{name}", at.as_raw_fd());
        fs::create_dir(&next).unwrap();
        at = fs::File::open(&next).unwrap();
    }
    fs::write(format!("/proc/self/fd/{}/x.md", at.as_raw_fd()), "---\n").unwrap();
}

/// `serve` read an edited post directly: a post replaced by a link to a
/// file outside the site was published from it. Now such an edit goes
/// through the walk, which refuses the link, and the overlay says so.
#[cfg(unix)]
#[test]
fn serve_refuses_a_post_replaced_by_a_link_out_of_the_site() {
    use forkcast::serve::{ServeOptions, Server};
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpStream;
    let dir = TempDir::new("serve-link");
    common::copy_dir(&common::fixture("good"), dir.path());
    let options = ServeOptions {
        port: 0,
        drafts: false,
    };
    let server = Server::start(dir.path(), &options).unwrap();
    let mut s = TcpStream::connect(server.addr()).unwrap();
    write!(s, "GET /__forkcast/events HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(s).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    std::thread::sleep(std::time::Duration::from_millis(100));
    let secret = TempDir::new("serve-link-secret");
    let text = "---\ntitle: Secret\ndate: 2026-01-10\n---\nTHE-SECRET\n";
    write(secret.path(), "first-post.md", text);
    let posts = dir.path().join("content/posts");
    std::os::unix::fs::symlink(secret.path().join("first-post.md"), posts.join(".link")).unwrap();
    fs::rename(posts.join(".link"), posts.join("first-post.md")).unwrap();
    let started = std::time::Instant::now();
    let problem = std::iter::from_fn(|| rx.recv_timeout(std::time::Duration::from_secs(10)).ok())
        .find(|line| line.starts_with("data: ") && line.contains("error"))
        .unwrap_or_default();
    println!("problem shown after {:?}", started.elapsed());
    assert!(
        problem.contains("content/posts/first-post.md:1:1: error: this file is a link to a place outside the site, which is not read"),
        "{problem}"
    );
    let mut page = String::new();
    let mut s = TcpStream::connect(server.addr()).unwrap();
    write!(
        s,
        "GET /posts/first-post/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    s.read_to_string(&mut page).unwrap();
    assert!(!page.contains("THE-SECRET"));
}
