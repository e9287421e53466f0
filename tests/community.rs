//! Votes and discussion counts against a mock of GitHub's REST API on
//! 127.0.0.1 (tests/common/github.rs) replaying recorded issue objects
//! (tests/community/issues.json) page by page, and injecting faults.

mod common;
#[path = "common/github.rs"]
mod github;

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use common::{TempDir, copy_dir, fixture};
use forkcast::{BuildOptions, Endpoints, Policy};
use github::{Fault, MockGitHub};
use serde_json::Value;

fn issues() -> Vec<Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/community/issues.json");
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

/// The good fixture site (repository github.com/example/fixture) with
/// `community: true`.
fn community_site() -> TempDir {
    let dir = TempDir::new("community");
    copy_dir(&fixture("good"), dir.path());
    let yaml = dir.path().join("site.yaml");
    fs::write(
        &yaml,
        fs::read_to_string(&yaml).unwrap() + "community: true\n",
    )
    .unwrap();
    dir
}

/// GitHub at the mock; the fixture's one market at a port nothing
/// listens on (refused at once).
fn online(gh: &MockGitHub, token: Option<&str>) -> BuildOptions {
    BuildOptions {
        endpoints: Some(Endpoints {
            github: gh.base.clone(),
            github_token: token.map(str::to_string),
            ..Endpoints::local("http://127.0.0.1:9")
        }),
        policy: Some(Policy {
            timeout: Duration::from_secs(2),
            attempts: 3,
            backoff: Duration::from_millis(20),
            max_wait: Duration::from_secs(3),
        }),
        ..Default::default()
    }
}

fn offline() -> BuildOptions {
    BuildOptions {
        offline: true,
        ..Default::default()
    }
}

/// Requests for the issue listing, in order.
fn listing_requests(gh: &MockGitHub) -> Vec<String> {
    gh.paths("GET")
}

fn page(site: &Path, path: &str) -> String {
    fs::read_to_string(site.join("public").join(path)).unwrap()
}

/// The `<p class="community">…</p>` of a page.
fn community_line(html: &str) -> &str {
    let start = html
        .find("<p class=\"community\">")
        .expect("a community line");
    let end = start + html[start..].find("</p>").unwrap();
    &html[start..end]
}

/// The line's text without tags.
fn text(fragment: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in fragment.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn snapshot(site: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(site.join("data/community.json")).unwrap()).unwrap()
}

fn warnings(built: &[forkcast::Diagnostic]) -> Vec<String> {
    built
        .iter()
        .map(|d| format!("{d} | {}", d.help.clone().unwrap_or_default()))
        .filter(|w| !w.contains("market `"))
        .collect()
}

fn today() -> String {
    jiff::Timestamp::now().strftime("%Y-%m-%d").to_string()
}

#[test]
fn votes_and_comments_are_read_from_every_page_and_shown() {
    let gh = MockGitHub::start(issues(), 3);
    let site = community_site();
    let built = forkcast::build(site.path(), None, &online(&gh, Some("secret-token"))).unwrap();

    // One paged sequence: the documented first request, then the Link's pages.
    assert_eq!(
        listing_requests(&gh),
        [
            "/repos/example/fixture/issues?labels=forkcast&state=all&per_page=100&page=1",
            "/repositories/4242/issues?labels=forkcast&state=all&per_page=100&page=2",
            "/repositories/4242/issues?labels=forkcast&state=all&per_page=100&page=3",
        ]
    );
    for seen in gh.seen() {
        let h = |k: &str| seen.headers.get(k).cloned().unwrap_or_default();
        assert_eq!(h("authorization"), "Bearer secret-token");
        assert_eq!(h("accept"), "application/vnd.github+json");
        assert!(
            h("user-agent").starts_with("forkcast/")
                && h("user-agent").contains("discussion counts")
        );
    }

    let today = today();
    let agi = page(site.path(), "futures/agi-arrives/index.html");
    assert_eq!(
        text(community_line(&agi)),
        format!("▲ 5 ▼ 1 · 3 comments as of {today} · Vote · Discuss"),
        "the older of two threads counts"
    );
    assert!(community_line(&agi).contains("href=\"https://github.com/example/fixture/issues/3\""));
    assert!(
        !agi.contains("issues/7"),
        "the newer duplicate is not linked"
    );
    let bet = page(site.path(), "bets/foundry-calls/index.html");
    assert_eq!(
        text(community_line(&bet)),
        format!("▲ 2 ▼ 0 · 1 comment as of {today} · Vote · Discuss"),
        "a closed thread still counts"
    );
    // The pull request naming `future/fleets` is not a thread.
    let fleets = page(site.path(), "futures/fleets/index.html");
    assert_eq!(
        text(community_line(&fleets)),
        "no votes yet · start the discussion"
    );
    let start = common::attributes(community_line(&fleets), "href")[0].replace("&amp;", "&");
    assert!(
        start.starts_with("https://github.com/example/fixture/issues/new?labels=forkcast&title=Future%3A%20AI%20fleets%20build%20better%20AI&body=")
            && start.ends_with("forkcast%3A%20future%2Ffleets%0A"),
        "prefilled with the title, the label and the marker line: {start}"
    );
    // An untrusted html_url is never a link; the title is never shown.
    let stalls = page(site.path(), "futures/scaling-stalls/index.html");
    assert!(
        community_line(&stalls).contains("href=\"https://github.com/example/fixture/issues/11\"")
    );
    let public = common::snapshot(&site.path().join("public"));
    for (file, bytes) in &public {
        let t = String::from_utf8_lossy(bytes);
        assert!(
            !t.contains("javascript:alert") && !t.contains("<script>alert"),
            "{file}"
        );
        // Pages link to GitHub but load nothing from it.
        if file.ends_with(".html") {
            for src in common::attributes(&t, "src") {
                assert!(src.starts_with("/manual/"), "{file} loads {src}");
            }
        }
    }

    // The table sorts by votes (up minus down) and says as of when.
    let table = page(site.path(), "futures/index.html");
    assert!(
        table.contains(
            "<th scope=\"col\" class=\"num\"><button type=\"button\">Votes</button></th>"
        )
    );
    assert!(table.contains(&format!("as of {today}.")));
    // Rows carry no ids (those are the map's); a row is found by its link.
    let row = |id: &str| {
        let link = table.find(&format!("futures/{id}/\">")).unwrap();
        let at = table[..link].rfind("<tr data-future=").unwrap();
        table[at..at + table[at..].find("</tr>").unwrap()].to_string()
    };
    assert!(
        row("agi-arrives").contains("data-sort=\"4\""),
        "{}",
        row("agi-arrives")
    );
    assert!(row("scaling-stalls").contains("data-sort=\"-2\""));
    assert!(row("treaty").contains("no votes yet"));

    // graph.json carries the counts for the map's panel.
    let graph: Value = serde_json::from_str(&page(site.path(), "graph.json")).unwrap();
    let node = graph["futures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "agi-arrives")
        .unwrap();
    let c = &node["community"];
    assert_eq!(
        (c["up"].as_u64(), c["down"].as_u64(), c["comments"].as_u64()),
        (Some(5), Some(1), Some(3))
    );
    assert_eq!(c["url"], "https://github.com/example/fixture/issues/3");
    assert_eq!(c["as_of"], today.as_str());
    let bet_node = graph["bets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["id"] == "foundry-calls")
        .unwrap();
    assert_eq!(bet_node["community"]["up"], 2);
    assert_eq!(
        graph["community"]["repository"],
        "https://github.com/example/fixture"
    );

    // Two threads claiming one future, and a thread naming no future.
    let w = warnings(&built.warnings);
    assert_eq!(w.len(), 2, "{w:#?}");
    assert!(w.iter().any(|w| w.starts_with("data/community.json:") && w.contains("`future/agi-arrives` is discussed in 2 threads: #3 (https://github.com/example/fixture/issues/3), the older, is used; also #7 (https://github.com/example/fixture/issues/7)")), "{w:#?}");
    assert!(w.iter().any(|w| w.contains("issue #8 (https://github.com/example/fixture/issues/8) discusses `future/agi-arives`, which names no future of this site | did you mean `agi-arrives`?")), "{w:#?}");

    // The snapshot: every marked issue but the pull request, in a stable order, each dated.
    let snap = snapshot(site.path());
    let threads: Vec<(String, u64)> = snap["threads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["subject"].as_str().unwrap().to_string(),
                t["number"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        threads,
        [
            ("bet/foundry-calls".to_string(), 5),
            ("future/agi-arives".to_string(), 8),
            ("future/agi-arrives".to_string(), 3),
            ("future/agi-arrives".to_string(), 7),
            ("future/scaling-stalls".to_string(), 11),
        ]
    );
    assert!(
        snap["threads"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["fetched_at"].is_string())
    );
    assert_eq!(snap["repository"], "example/fixture");
    let summary = built.community.unwrap();
    assert_eq!(
        (summary.threads, summary.stale, summary.requests),
        (3, 0, 3)
    );

    // Within refresh_after, a second build asks nothing.
    let before = gh.seen().len();
    let again = forkcast::build(site.path(), None, &online(&gh, Some("secret-token"))).unwrap();
    assert_eq!(gh.seen().len(), before, "no request inside refresh_after");
    assert_eq!(
        again.community.unwrap().to_string(),
        "discussions: 3 threads fresh from the snapshot, 0 stale (0 requests)"
    );
}

/// A snapshot read on 2026-11-20 with older counts than the mock's.
fn old_snapshot(site: &Path) {
    let entry = |subject: &str, number: u64, up: u64| {
        format!(
            "{{\"subject\": \"{subject}\", \"number\": {number}, \"url\": \"https://github.com/example/fixture/issues/{number}\", \"up\": {up}, \"down\": 0, \"comments\": 1, \"created_at\": \"2026-01-01T00:00:00Z\", \"fetched_at\": \"2026-11-20T06:00:00Z\"}}"
        )
    };
    fs::create_dir_all(site.join("data")).unwrap();
    fs::write(
        site.join("data/community.json"),
        format!(
            "{{\"repository\": \"example/fixture\", \"listed_at\": \"2026-11-20T06:00:00Z\", \"threads\": [{}, {}, {}]}}",
            entry("future/agi-arrives", 3, 1),
            entry("bet/foundry-calls", 5, 1),
            entry("future/scaling-stalls", 11, 1)
        ),
    )
    .unwrap();
}

#[test]
fn offline_builds_ask_nothing_and_show_the_snapshot_as_of_its_day() {
    let gh = MockGitHub::start(issues(), 3);
    let site = community_site();
    old_snapshot(site.path());
    let built = forkcast::build(
        site.path(),
        None,
        &BuildOptions {
            offline: true,
            ..online(&gh, None)
        },
    )
    .unwrap();
    assert!(gh.seen().is_empty(), "--offline fetches nothing");
    assert_eq!(
        built.community.unwrap().to_string(),
        "discussions (offline): 3 threads from the snapshot as of 2026-11-20, 3 stale"
    );
    let agi = page(site.path(), "futures/agi-arrives/index.html");
    assert_eq!(
        text(community_line(&agi)),
        "▲ 1 ▼ 0 · 1 comment stale, as of 2026-11-20 · Vote · Discuss"
    );
}

#[test]
fn a_fault_mid_listing_keeps_the_last_counts_dated_and_the_snapshot_valid() {
    let gh = MockGitHub::start(issues(), 3);
    gh.fail(2, Fault::Status500, 3);
    let site = community_site();
    old_snapshot(site.path());
    let built = forkcast::build(site.path(), None, &online(&gh, None)).unwrap();
    let w = warnings(&built.warnings);
    assert!(
        w.iter().any(|w| w.starts_with("site.yaml:6:13: discussion threads of `example/fixture`: HTTP 500 on page 2; 2 threads read before it were updated, using the counts of 2026-11-20")),
        "{w:#?}"
    );
    let paths = listing_requests(&gh);
    assert_eq!(
        paths.iter().filter(|p| p.ends_with("page=2")).count(),
        3,
        "bounded retries: {paths:?}"
    );
    assert!(
        !paths.iter().any(|p| p.ends_with("page=3")),
        "the listing stops at the fault"
    );

    // Page 1 held #11: fresh. #3 and #5 were on pages 2 and 3: kept, dated.
    let stalls = page(site.path(), "futures/scaling-stalls/index.html");
    assert_eq!(
        text(community_line(&stalls)),
        format!("▲ 0 ▼ 2 · 0 comments as of {} · Vote · Discuss", today())
    );
    let agi = page(site.path(), "futures/agi-arrives/index.html");
    assert_eq!(
        text(community_line(&agi)),
        "▲ 1 ▼ 0 · 1 comment stale, as of 2026-11-20 · Vote · Discuss"
    );
    let snap = snapshot(site.path());
    assert_eq!(
        snap["listed_at"], "2026-11-20T06:00:00Z",
        "the listing is still due"
    );
    let numbers: Vec<u64> = snap["threads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["number"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, [5, 8, 3, 11], "sorted by subject; nothing dropped");
    assert!(
        !fs::read_dir(site.path().join("data")).unwrap().any(|e| e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .contains(".tmp"))
    );

    // The next build tries again, and recovers.
    let recovered = forkcast::build(site.path(), None, &online(&gh, None)).unwrap();
    assert!(
        warnings(&recovered.warnings)
            .iter()
            .all(|w| !w.contains("HTTP 500"))
    );
    let agi = page(site.path(), "futures/agi-arrives/index.html");
    assert!(text(community_line(&agi)).starts_with("▲ 5 ▼ 1 · 3 comments as of"));
}

#[test]
fn a_used_up_rate_limit_gives_up_cleanly_when_its_reset_is_far() {
    let gh = MockGitHub::start(issues(), 3);
    gh.fail(1, Fault::RateLimited { reset_in: 3600 }, 10);
    let site = community_site();
    old_snapshot(site.path());
    let started = Instant::now();
    let built = forkcast::build(site.path(), None, &online(&gh, None)).unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "no waiting an hour"
    );
    assert_eq!(
        listing_requests(&gh).len(),
        1,
        "asked once, never again before the reset"
    );
    let w = warnings(&built.warnings);
    assert!(
        w.iter().any(|w| w.contains("discussion threads of `example/fixture`: rate limit used up until ") && w.contains("using the counts of 2026-11-20 | GitHub's rate limit for this address is used up: set GITHUB_TOKEN")),
        "{w:#?}"
    );
    assert_eq!(
        snapshot(site.path())["threads"].as_array().unwrap().len(),
        3,
        "kept"
    );

    // An answer that says the limit is now used up: the next page is not asked for.
    let gh = MockGitHub::start(issues(), 3);
    gh.exhaust(3600);
    let site = community_site();
    forkcast::build(site.path(), None, &online(&gh, None)).unwrap();
    assert_eq!(listing_requests(&gh).len(), 1);
}

#[test]
fn short_waits_are_honoured_rate_limit_reset_and_retry_after() {
    let gh = MockGitHub::start(issues(), 3);
    gh.fail(2, Fault::RateLimited { reset_in: 1 }, 1);
    gh.fail(3, Fault::TooMany { retry_after: 1 }, 1);
    let site = community_site();
    let started = Instant::now();
    let built = forkcast::build(site.path(), None, &online(&gh, None)).unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(1500),
        "waited for the reset and Retry-After: {:?}",
        started.elapsed()
    );
    let paths = listing_requests(&gh);
    assert_eq!(
        paths.len(),
        5,
        "each page once more after its wait: {paths:?}"
    );
    assert_eq!(
        warnings(&built.warnings).len(),
        2,
        "only the duplicate and the unknown id"
    );
    assert!(
        gh.seen()
            .iter()
            .all(|s| !s.headers.contains_key("authorization")),
        "no token, no header"
    );
}

#[test]
fn html_and_malformed_answers_are_warnings_and_the_snapshot_stays() {
    for (fault, says) in [
        (
            Fault::Html,
            "the answer is not JSON (it starts with \"<!DOCTYPE html><html><bo\")",
        ),
        (Fault::Malformed, "the answer is not JSON"),
    ] {
        let gh = MockGitHub::start(issues(), 3);
        gh.fail(1, fault, 10);
        let site = community_site();
        old_snapshot(site.path());
        let before = fs::read(site.path().join("data/community.json")).unwrap();
        let built = forkcast::build(site.path(), None, &online(&gh, None)).unwrap();
        let w = warnings(&built.warnings);
        assert!(
            w.iter()
                .any(|w| w.contains(says) && w.contains("using the counts of 2026-11-20")),
            "{w:#?}"
        );
        assert_eq!(
            listing_requests(&gh).len(),
            1,
            "a readable wrong answer is not retried"
        );
        assert_eq!(
            fs::read(site.path().join("data/community.json")).unwrap(),
            before
        );
        let agi = page(site.path(), "futures/agi-arrives/index.html");
        assert!(text(community_line(&agi)).contains("stale, as of 2026-11-20"));
    }
}

#[test]
fn check_online_reads_every_thread_writes_nothing_and_a_missing_repository_is_an_error() {
    let gh = MockGitHub::start(issues(), 3);
    let site = community_site();
    let warnings = forkcast::check(site.path(), &online(&gh, None), true).unwrap();
    assert_eq!(listing_requests(&gh).len(), 3);
    assert!(
        warnings
            .iter()
            .any(|w| w.message.contains("is discussed in 2 threads"))
    );
    assert!(
        !site.path().join("data/community.json").exists(),
        "check writes nothing"
    );
    assert!(forkcast::check(site.path(), &offline(), false).is_ok());
    assert_eq!(listing_requests(&gh).len(), 3, "plain check asks nothing");

    let yaml = site.path().join("site.yaml");
    fs::write(
        &yaml,
        fs::read_to_string(&yaml)
            .unwrap()
            .replace("example/fixture", "example/gone"),
    )
    .unwrap();
    let Err(forkcast::Error::Content(errors)) =
        forkcast::check(site.path(), &online(&gh, None), true)
    else {
        panic!("a repository that does not exist is an error for check --online");
    };
    let errors: Vec<String> = errors
        .iter()
        .filter(|d| d.is_error())
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        errors,
        ["site.yaml:6:13: repository `example/gone` not found on GitHub (HTTP 404)"]
    );
}

fn discuss(
    site: &Path,
    gh: &MockGitHub,
    token: Option<&str>,
    create: bool,
) -> std::process::Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_forkcast"));
    cmd.args(["--root", site.to_str().unwrap(), "discuss"])
        .env("FORKCAST_GITHUB_URL", &gh.base)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_TOKEN");
    if create {
        cmd.arg("--create");
    }
    if let Some(t) = token {
        cmd.env("GITHUB_TOKEN", t);
    }
    cmd.output().unwrap()
}

#[test]
fn discuss_create_opens_one_thread_for_each_and_then_nothing() {
    let gh = MockGitHub::start(issues(), 3);
    let site = community_site();
    // Without --create: what has no thread, and nothing posted or written.
    let listed = discuss(site.path(), &gh, None, false);
    let out = String::from_utf8_lossy(&listed.stdout);
    assert!(
        listed.status.success(),
        "{}",
        String::from_utf8_lossy(&listed.stderr)
    );
    for missing in [
        "future/era-one",
        "future/era-two",
        "future/fleets",
        "future/treaty",
        "bet/learn-agents",
        "bet/treaty-hedge",
    ] {
        assert!(
            out.contains(&format!("no thread yet: {missing}\n")),
            "{out}"
        );
    }
    assert!(
        out.contains("6 without a thread; 3 already had a thread"),
        "{out}"
    );
    assert!(gh.paths("POST").is_empty() && !site.path().join("data/community.json").exists());

    // --create needs a token and asks nothing without one.
    let refused = discuss(site.path(), &gh, None, true);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("`discuss --create` needs GITHUB_TOKEN")
    );
    assert!(gh.paths("POST").is_empty());

    let created = discuss(site.path(), &gh, Some("write-token"), true);
    let out = String::from_utf8_lossy(&created.stdout);
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    assert_eq!(gh.paths("POST").len(), 6);
    assert!(
        out.contains(
            "opened #12 for future/era-one: https://github.com/example/fixture/issues/12\n"
        ),
        "{out}"
    );
    assert!(
        out.ends_with("opened 6 threads; 3 already had a thread\n"),
        "{out}"
    );
    assert!(
        gh.seen()
            .iter()
            .filter(|s| s.method == "POST")
            .all(|s| s.headers["authorization"] == "Bearer write-token")
    );
    let opened = gh.issues();
    let fleets = opened
        .iter()
        .find(|i| i["title"] == "Future: AI fleets build better AI")
        .unwrap();
    assert!(
        fleets["body"]
            .as_str()
            .unwrap()
            .ends_with("\n\nforkcast: future/fleets\n")
    );
    assert_eq!(fleets["labels"][0]["name"], "forkcast");
    assert_eq!(
        snapshot(site.path())["threads"].as_array().unwrap().len(),
        11,
        "what was read and opened"
    );

    // Idempotent: a second run opens nothing.
    let again = discuss(site.path(), &gh, Some("write-token"), true);
    assert!(again.status.success());
    assert_eq!(gh.paths("POST").len(), 6);
    assert!(String::from_utf8_lossy(&again.stdout).starts_with(
        "nothing to open: every future and bet has a thread (9 already had a thread)"
    ));

    // And the site now shows a thread for each.
    forkcast::build(site.path(), None, &offline()).unwrap();
    let fleets = page(site.path(), "futures/fleets/index.html");
    assert!(text(community_line(&fleets)).starts_with("▲ 0 ▼ 0 · 0 comments as of "));
}

#[test]
fn the_example_site_invites_the_first_discussion() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = TempDir::new("example-community");
    let built = forkcast::build(root, Some(&out.path().join("public")), &offline()).unwrap();
    assert_eq!(
        built.community.unwrap().to_string(),
        "discussions (offline): 0 threads from the snapshot, 0 stale"
    );
    let html =
        fs::read_to_string(out.path().join("public/futures/human-level-ai/index.html")).unwrap();
    assert_eq!(
        text(community_line(&html)),
        "no votes yet · start the discussion"
    );
    let bet = fs::read_dir(out.path().join("public/bets"))
        .unwrap()
        .find_map(|e| {
            let p = e.unwrap().path().join("index.html");
            fs::read_to_string(&p)
                .ok()
                .filter(|t| t.contains("<p class=\"community\">"))
        });
    assert!(bet.is_some(), "bet pages too");
}
