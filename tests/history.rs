//! The history of the author's estimates, read from a git repository the
//! test makes (commits with set dates and subjects): the future page lists
//! each change in words, the chart draws it as steps, renames are followed,
//! edges and unchanged values are not changes; a shallow clone warns once,
//! and a site outside a repository shows its current values only.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::{TempDir, commit, git_at, snapshot};

fn git(dir: &Path, args: &[&str]) -> Output {
    git_at(dir, "2026-01-01", args)
}

/// Writes `text` to `rel` under `dir`.
fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn agi(probability: &str, edge: &str) -> String {
    format!(
        "title: AGI arrives\nprobability: {probability}\nleads_to:\n  - future: boom\n    probability: {edge}\n"
    )
}

/// A site with three futures and this history:
///
/// - 10 Jan: agi 40% (edge 0.5), old-scaling 30%, boom 20%
/// - 1 Feb: only agi's edge moves (not a change of the estimate)
/// - 15 Mar: agi 40% → 35%
/// - 1 Apr: old-scaling renamed to scaling, 30% → 25%
/// - 20 Apr: scaling renamed into a subfolder, unchanged
/// - 2 May: scaling's estimate removed
/// - 10 May: agi 35% → 45% (with a comment on the line)
///
/// and agi at 50% in the working tree, not committed.
fn site_with_history() -> TempDir {
    let dir = TempDir::new("history");
    let d = dir.path();
    git(d, &["init", "-q"]);
    write(
        d,
        "site.yaml",
        "title: History\nbase_url: https://example.org/\n",
    );
    write(d, "futures/agi.yaml", &agi("0.4", "0.5"));
    write(d, "futures/boom.yaml", "title: Boom\nprobability: 0.2\n");
    write(
        d,
        "futures/old-scaling.yaml",
        "title: Scaling continues\nprobability: 0.3\n",
    );
    commit(d, "2026-01-10", "Add the futures");
    write(d, "futures/agi.yaml", &agi("0.4", "0.7"));
    commit(d, "2026-02-01", "Only the edge moves");
    write(d, "futures/agi.yaml", &agi("0.35", "0.7"));
    commit(d, "2026-03-15", "Scaling evidence weakens");
    git(
        d,
        &["mv", "futures/old-scaling.yaml", "futures/scaling.yaml"],
    );
    write(
        d,
        "futures/scaling.yaml",
        "title: Scaling continues\nprobability: 0.25\n",
    );
    commit(d, "2026-04-01", "Rename and lower <scaling>");
    fs::create_dir_all(d.join("futures/ai")).unwrap();
    git(
        d,
        &["mv", "futures/scaling.yaml", "futures/ai/scaling.yaml"],
    );
    commit(d, "2026-04-20", "Move scaling into ai/");
    write(d, "futures/ai/scaling.yaml", "title: Scaling continues\n");
    commit(d, "2026-05-02", "Leave scaling to the markets");
    write(
        d,
        "futures/agi.yaml",
        &agi("0.45   # agents arrived early", "0.7"),
    );
    commit(d, "2026-05-10", "Agents arrive early");
    write(d, "futures/agi.yaml", &agi("0.5", "0.7"));
    dir
}

/// Builds `site` into `out` on 30 June 2026, the day the estimates' charts
/// reach.
fn build(site: &Path, out: &Path, extra: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_forkcast"))
        .args(["build", "--offline", "--output", out.to_str().unwrap()])
        .args(extra)
        .current_dir(site)
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", "1782820800")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn page(out: &Path, id: &str) -> String {
    fs::read_to_string(out.join(format!("futures/{id}/index.html"))).unwrap()
}

/// The text of the page's list of estimate changes, item by item, without
/// tags and with entities read.
fn changes(html: &str) -> Vec<String> {
    let Some(start) = html.find("<ul class=\"estimate-changes\">") else {
        return Vec::new();
    };
    let list = &html[start..];
    let list = &list[..list.find("</ul>").unwrap()];
    list.split("<li>")
        .skip(1)
        .map(|item| common::unescape(&strip_tags(item)).trim().to_string())
        .collect()
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in html.chars() {
        match c {
            '<' => inside = true,
            '>' => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

/// The wide chart's `<desc>`, in words.
fn chart_words(html: &str) -> Option<String> {
    let start = html.find("<desc>")? + "<desc>".len();
    let end = start + html[start..].find("</desc>")?;
    Some(common::unescape(&html[start..end]))
}

#[test]
fn the_future_page_lists_each_change_and_the_chart_steps_through_them() {
    let site = site_with_history();
    let out = TempDir::new("history-out");
    let built = build(site.path(), &out.path().join("public"), &[]);
    let stderr = String::from_utf8_lossy(&built.stderr);
    assert!(!stderr.contains("warning"), "{stderr}");
    let public = out.path().join("public");

    let agi = page(&public, "agi");
    assert_eq!(
        changes(&agi),
        [
            "45% → 50% — in the file, not committed yet",
            &format!(
                "35% → 45% on 10 May 2026: Agents arrive early (commit {})",
                hash(site.path(), "Agents arrive early")
            ),
            &format!(
                "40% → 35% on 15 March 2026: Scaling evidence weakens (commit {})",
                hash(site.path(), "Scaling evidence weakens")
            ),
            &format!(
                "40% on 10 January 2026: Add the futures (commit {})",
                hash(site.path(), "Add the futures")
            ),
        ]
    );
    assert!(
        !agi.contains("Only the edge moves"),
        "an edge is not the estimate"
    );
    assert!(
        agi.contains("<h2>How the author&#x27;s estimate changed</h2>")
            || agi.contains("<h2>How the author's estimate changed</h2>")
    );

    // A future without markets gets a chart of its estimate alone, in steps.
    assert_eq!(
        chart_words(&agi).as_deref(),
        Some(
            "author's estimate: 40% from 2026-01-10, 35% from 2026-03-15, 45% from 2026-05-10, 50% now, not committed yet"
        )
    );
    let svg = &agi[agi
        .find("<svg role=\"img\" class=\"chart chart-wide\"")
        .unwrap()..];
    let svg = &svg[..svg.find("</svg>").unwrap()];
    assert!(
        svg.contains("author&apos;s estimate, now 50%")
            || svg.contains("author's estimate, now 50%"),
        "the legend says what the line is"
    );
    assert!(
        svg.contains("\nJun\n</text>"),
        "the last value holds until the build's day, 30 June: {svg}"
    );
    assert!(
        vertical_dashes(svg) >= 2,
        "the line steps down in March and up in May: {svg}"
    );

    // Renamed twice, the second time into a subfolder; then removed.
    let scaling = page(&public, "scaling");
    assert_eq!(
        changes(&scaling)
            .iter()
            .map(|c| c.split(" (commit").next().unwrap().to_string())
            .collect::<Vec<_>>(),
        [
            "25% → none on 2 May 2026: Leave scaling to the markets",
            "30% → 25% on 1 April 2026: Rename and lower <scaling>",
            "30% on 10 January 2026: Add the futures",
        ]
    );
    assert!(
        scaling.contains("<em>Rename and lower &lt;scaling&gt;</em>"),
        "a commit subject is escaped"
    );

    // One value, never changed: no list, and no chart (no market, one date).
    let boom = page(&public, "boom");
    assert!(changes(&boom).is_empty());
    assert!(!boom.contains("<svg role=\"img\""));

    // Two builds of the same sources are the same, byte for byte.
    let again = TempDir::new("history-again");
    build(site.path(), &again.path().join("public"), &[]);
    assert!(
        snapshot(&public) == snapshot(&again.path().join("public")),
        "two builds differ"
    );
}

/// The line `--verbose` prints about the history.
fn history_line(built: &Output) -> String {
    String::from_utf8_lossy(&built.stderr)
        .lines()
        .find(|l| l.starts_with("estimate history:"))
        .unwrap_or_default()
        .to_string()
}

#[test]
fn the_history_is_read_from_the_cache_until_head_moves_and_a_bad_cache_is_read_again() {
    let site = site_with_history();
    let d = site.path();
    let out = TempDir::new("history-cache-out");
    let public = out.path().join("public");
    let cache = d.join(".forkcast-cache/history/log.json");
    let verbose = |what: &str| {
        let line = history_line(&build(d, &public, &["--verbose"]));
        assert!(line.contains(what), "expected `{what}`: {line}");
        page(&public, "agi")
    };
    // `check` writes nothing, not even the cache.
    forkcast::check(d, &forkcast::BuildOptions::default(), false).unwrap();
    assert!(!d.join(".forkcast-cache").exists(), "check wrote the cache");
    let first = verbose("read from git");
    assert!(cache.is_file(), "the first build keeps what git said");
    assert_eq!(verbose("read from the cache"), first);

    // Proof that no `git log` ran: a subject changed in the cache only is
    // what the page shows.
    let text = fs::read_to_string(&cache).unwrap();
    assert_eq!(text.matches("Agents arrive early").count(), 1);
    fs::write(
        &cache,
        text.replace("Agents arrive early", "Said by the cache"),
    )
    .unwrap();
    assert!(verbose("read from the cache").contains("Said by the cache"));

    // A commit moves HEAD: git is read again, and the cache follows.
    commit(d, "2026-06-01", "Commit the 50%");
    let committed = verbose("read from git");
    assert!(committed.contains("Commit the 50%"));
    assert!(committed.contains("Agents arrive early"));
    assert!(!committed.contains("Said by the cache"));
    assert_eq!(verbose("read from the cache"), committed);

    // Neither a corrupt file nor one of another format version is believed;
    // each is replaced by what git says, and the build does not warn.
    let good = fs::read_to_string(&cache).unwrap();
    let other_version = good.replacen("\"version\":1,", "\"version\":999,", 1);
    assert_ne!(other_version, good, "the version is in the key");
    let out_of_range = good.replace(":0.45,", ":4.5,");
    assert_ne!(out_of_range, good, "agi's 45% is in the cache");
    for bad in [
        "{\"key\": tru",
        other_version.as_str(),
        out_of_range.as_str(),
    ] {
        fs::write(&cache, bad).unwrap();
        let built = build(d, &public, &["--verbose"]);
        assert!(history_line(&built).contains("read from git"), "{bad}");
        assert!(!String::from_utf8_lossy(&built.stderr).contains("warning"));
        assert_eq!(page(&public, "agi"), committed);
        assert_eq!(fs::read_to_string(&cache).unwrap(), good);
    }
}

/// The abbreviated hash of the commit whose subject is `subject`.
fn hash(dir: &Path, subject: &str) -> String {
    let out = git(dir, &["log", "--format=%h %s"]);
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| {
            l.split_once(' ')
                .filter(|(_, s)| *s == subject)
                .map(|(h, _)| h.to_string())
        })
        .unwrap()
}

/// How many dashes of the estimate's line are vertical: plotters draws a
/// dashed line as one short `<polyline>` per dash.
fn vertical_dashes(svg: &str) -> usize {
    svg.split("<polyline")
        .skip(1)
        .filter_map(|p| {
            let points = p.split("points=\"").nth(1)?.split('"').next()?;
            let xy: Vec<(f64, f64)> = points
                .split_whitespace()
                .filter_map(|pair| {
                    let (x, y) = pair.split_once(',')?;
                    Some((x.parse().ok()?, y.parse().ok()?))
                })
                .collect();
            match xy.as_slice() {
                [a, b] if (a.0 - b.0).abs() < 0.5 && (a.1 - b.1).abs() > 0.5 => Some(()),
                _ => None,
            }
        })
        .count()
}

#[test]
fn a_shallow_clone_warns_once_and_no_repository_says_nothing() {
    let site = site_with_history();
    let url = format!("file://{}", site.path().display());
    let clones = TempDir::new("history-clone");
    git(
        clones.path(),
        &["clone", "-q", "--depth", "2", &url, "shallow"],
    );
    let shallow = clones.path().join("shallow");
    // The second build reads the history from the cache, and still knows
    // the clone is shallow.
    for _ in 0..2 {
        let built = build(&shallow, &clones.path().join("out"), &[]);
        let stderr = String::from_utf8_lossy(&built.stderr);
        assert_eq!(stderr.matches("warning").count(), 1, "{stderr}");
        assert_eq!(stderr.matches("fetch-depth: 0").count(), 1, "{stderr}");
        assert!(stderr.contains("shallow clone"), "{stderr}");
    }
    assert!(shallow.join(".forkcast-cache/history/log.json").is_file());
    // What the clone knows: the two newest commits, the older one its
    // boundary (shown by git as adding every file).
    let agi = page(&clones.path().join("out"), "agi");
    assert_eq!(
        changes(&agi)
            .iter()
            .map(|c| c.split(" (commit").next().unwrap().to_string())
            .collect::<Vec<_>>(),
        ["35% → 45% on 10 May 2026: Agents arrive early"],
        "the boundary commit's files are its state, not its changes"
    );

    // The same files outside any repository: the current value only.
    let plain = TempDir::new("history-plain");
    for rel in [
        "site.yaml",
        "futures/agi.yaml",
        "futures/boom.yaml",
        "futures/ai/scaling.yaml",
    ] {
        write(
            plain.path(),
            rel,
            &fs::read_to_string(site.path().join(rel)).unwrap(),
        );
    }
    let out = TempDir::new("history-plain-out");
    let built = build(plain.path(), &out.path().join("public"), &[]);
    let stderr = String::from_utf8_lossy(&built.stderr);
    assert!(
        !stderr.contains("warning") && !stderr.contains("git"),
        "{stderr}"
    );
    let agi = page(&out.path().join("public"), "agi");
    assert!(changes(&agi).is_empty());
    assert!(agi.contains("<strong>50%</strong>"), "the current value");
    // --verbose says why there is no history.
    let verbose = build(plain.path(), &out.path().join("public"), &["--verbose"]);
    assert!(
        String::from_utf8_lossy(&verbose.stderr).contains("the site is not in a git repository"),
        "{}",
        String::from_utf8_lossy(&verbose.stderr)
    );
}

#[test]
fn serve_reads_the_history_again_after_a_commit() {
    let site = site_with_history();
    let d = site.path();
    commit(d, "2026-06-01", "Commit the 50%");
    let server = forkcast::serve::Server::start(
        d,
        &forkcast::serve::ServeOptions {
            port: 0,
            drafts: false,
        },
    )
    .unwrap();
    let url = format!("{}futures/agi/", server.url());
    assert!(get(&url).contains("Commit the 50%"));
    // A commit alone, no file changed: the page follows.
    git_at(
        d,
        "2026-06-02",
        &["commit", "-q", "--allow-empty", "-m", "Nothing to see"],
    );
    write(d, "futures/agi.yaml", &agi("0.55", "0.7"));
    commit(d, "2026-06-03", "Fifty-five after the report");
    let started = Instant::now();
    loop {
        let text = get(&url);
        if text.contains("Fifty-five after the report") {
            assert!(
                !text.contains("not committed yet"),
                "{}",
                changes(&text).join("\n")
            );
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the commit never showed: {:?}",
            changes(&text)
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The body of a GET to `url` on 127.0.0.1.
fn get(url: &str) -> String {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_once('/').unwrap();
    let mut s = std::net::TcpStream::connect(host).unwrap();
    write!(
        s,
        "GET /{path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    text.split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default()
}
