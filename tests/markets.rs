//! Market prices against a mock of the four APIs on 127.0.0.1 that replays
//! recorded responses in their real formats and injects faults.

mod common;
#[path = "common/mock.rs"]
mod mock;

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use common::{TempDir, copy_dir, fixture};
use forkcast::{BuildOptions, Endpoints, Error, Policy};
use mock::MockMarkets;

/// A copy of the good fixture site whose futures reference `markets`.
fn site_with_markets(markets: &[&str]) -> TempDir {
    let dir = TempDir::new("markets");
    copy_dir(&fixture("good"), dir.path());
    let list: String = markets.iter().map(|m| format!("  - {m}\n")).collect();
    fs::write(
        dir.path().join("futures/fleets.yaml"),
        format!(
            "title: AI fleets build better AI\nwithin: era-two\nprobability: 0.5\nmarkets:\n{list}"
        ),
    )
    .unwrap();
    dir
}

fn online(server: &MockMarkets) -> BuildOptions {
    BuildOptions {
        endpoints: Some(Endpoints::local(&server.base)),
        ..online_policy()
    }
}

/// Short timeouts and backoffs, so fault tests stay quick.
fn online_policy() -> BuildOptions {
    BuildOptions {
        policy: Some(Policy {
            timeout: Duration::from_secs(1),
            attempts: 3,
            backoff: Duration::from_millis(20),
            max_wait: Duration::from_secs(2),
        }),
        ..Default::default()
    }
}

fn snapshot(site: &Path) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(site.join("data/markets.json")).unwrap()).unwrap()
}

fn page(site: &Path, path: &str) -> String {
    fs::read_to_string(site.join("public").join(path)).unwrap()
}

#[test]
fn a_build_fetches_aggregates_records_and_charts() {
    let server = MockMarkets::start(Duration::ZERO);
    let site = site_with_markets(&[
        "manifold:agi-binary-open",
        "kalshi:KXAGI-30",
        "polymarket:tsmc-market-open",
    ]);
    let built = forkcast::build(site.path(), None, &online(&server)).unwrap();
    assert_eq!(
        (
            built.markets.fetched,
            built.markets.stale,
            built.markets.unavailable
        ),
        (3, 0, 0)
    );
    let snap = snapshot(site.path());
    assert!(
        (snap["markets"]["kalshi:KXAGI-30"]["value"]
            .as_f64()
            .unwrap()
            - 0.198)
            .abs()
            < 1e-9
    );
    assert_eq!(snap["markets"]["kalshi:KXAGI-30"]["status"], "open");
    assert!(
        snap["markets"]["manifold:agi-binary-open"]["url"]
            .as_str()
            .unwrap()
            .starts_with("https://manifold.markets/")
    );
    for csv in [
        "manifold/agi-binary-open.csv",
        "kalshi/KXAGI-30.csv",
        "polymarket/tsmc-market-open.csv",
    ] {
        let text = fs::read_to_string(site.path().join("data/history").join(csv)).unwrap();
        assert!(
            text.starts_with("date,probability\n") && text.lines().count() >= 5,
            "{csv}: {text}"
        );
    }
    // Geometric mean of odds of 0.43, 0.198 and 0.62.
    let odds: f64 = [0.43f64, 0.198, 0.62]
        .iter()
        .map(|p| (p / (1.0 - p)).ln())
        .sum::<f64>()
        / 3.0;
    let expected = odds.exp() / (1.0 + odds.exp());
    let fleets = page(site.path(), "futures/fleets/index.html");
    assert!(
        fleets.contains(&format!("<strong>{:.0}%</strong>", expected * 100.0)),
        "{fleets}"
    );
    assert!(fleets.contains("aggregate of 3 markets"));
    assert!(
        fleets.contains("<svg role=\"img\" class=\"chart chart-wide\""),
        "a history chart"
    );
    assert!(
        fleets.contains("author&#39;s estimate"),
        "the estimate is drawn as a line and named"
    );

    // Within refresh_after, a second build makes no request at all.
    let before = server.requests().len();
    let again = forkcast::build(site.path(), None, &online(&server)).unwrap();
    assert_eq!(
        server.requests().len(),
        before,
        "no refetch inside refresh_after"
    );
    assert_eq!((again.markets.fetched, again.markets.fresh), (0, 3));
}

#[test]
fn every_fault_leaves_the_build_and_the_snapshot_sound() {
    let server = MockMarkets::start(Duration::ZERO);
    let faults = [
        "fault-500",
        "fault-html",
        "fault-malformed",
        "fault-missing",
        "fault-range",
        "fault-nan",
        "fault-slow",
        "fault-drop",
        "fault-404",
    ];
    let refs: Vec<String> = faults.iter().map(|f| format!("manifold:{f}")).collect();
    let refs: Vec<&str> = refs.iter().map(String::as_str).collect();
    let site = site_with_markets(&refs);
    // A snapshot from an earlier, good run: every market had a value.
    let earlier = "2026-11-20T06:00:00Z";
    let entries: Vec<String> = refs
        .iter()
        .map(|r| format!("\"{r}\": {{\"value\": 0.4, \"status\": \"open\", \"fetched_at\": \"{earlier}\", \"url\": \"https://manifold.markets/x\", \"title\": \"t\"}}"))
        .collect();
    fs::create_dir_all(site.path().join("data")).unwrap();
    fs::write(
        site.path().join("data/markets.json"),
        format!("{{\"markets\": {{{}}}}}", entries.join(", ")),
    )
    .unwrap();

    let started = Instant::now();
    let built = forkcast::build(site.path(), None, &online(&server)).unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "timeouts bound the build: {:?}",
        started.elapsed()
    );
    assert_eq!(built.markets.fetched, 0);
    assert_eq!(
        built.markets.stale,
        faults.len(),
        "every value falls back to the snapshot, marked stale"
    );
    let warnings: Vec<String> = built.warnings.iter().map(ToString::to_string).collect();
    for f in faults {
        let n = warnings
            .iter()
            .filter(|w| w.contains(&format!("market `manifold:{f}`")))
            .count();
        assert_eq!(n, 1, "one warning for {f}: {warnings:#?}");
    }
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("fault-500`: HTTP 500; using its value of 2026-11-20")),
        "{warnings:#?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("fault-html`: the answer is not JSON"))
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("fault-range`: the answer's probability 1.7 is not in [0, 1]"))
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("fault-slow`: timed out"))
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("fault-404`: no such market"))
    );
    // Bounded retries: 500s are retried up to the policy's attempts, 404s never.
    assert_eq!(server.count("/slug/fault-500"), 3);
    assert_eq!(server.count("/slug/fault-404"), 1);
    assert_eq!(
        server.count("/slug/fault-html"),
        1,
        "a readable answer that is wrong is not retried"
    );
    // The snapshot is still valid JSON with the old values.
    let snap = snapshot(site.path());
    assert_eq!(snap["markets"]["manifold:fault-500"]["value"], 0.4);
    let fleets = page(site.path(), "futures/fleets/index.html");
    assert!(
        fleets.contains("as of 2026-11-20"),
        "stale values say how old they are"
    );
}

#[test]
fn retries_honour_retry_after_and_recover() {
    let server = MockMarkets::start(Duration::ZERO);
    let site = site_with_markets(&["manifold:fault-429-once", "manifold:fault-503-once"]);
    let started = Instant::now();
    let built = forkcast::build(site.path(), None, &online(&server)).unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited for Retry-After: 1"
    );
    assert_eq!(built.markets.fetched, 2, "{:#?}", built.warnings);
    assert_eq!(server.count("/slug/fault-429-once"), 2);
    assert_eq!(server.count("/slug/fault-503-once"), 2);
}

#[test]
fn new_markets_that_fail_fall_back_to_the_estimate() {
    let server = MockMarkets::start(Duration::ZERO);
    let site = site_with_markets(&["manifold:fault-500", "metaculus:7777"]);
    let built = forkcast::build(site.path(), None, &online(&server)).unwrap();
    assert_eq!(built.markets.unavailable, 2);
    let fleets = page(site.path(), "futures/fleets/index.html");
    assert!(
        fleets
            .contains("<strong>50%</strong> <span class=\"muted\">(author&#39;s estimate)</span>"),
        "{fleets}"
    );
    assert!(fleets.matches("unavailable").count() >= 2);
    let snap = snapshot(site.path());
    assert_eq!(
        snap["markets"]["metaculus:7777"]["value"],
        serde_json::Value::Null,
        "hidden, recorded as such"
    );
    assert!(
        snap["markets"].get("manifold:fault-500").is_none(),
        "a failure records nothing"
    );
}

#[test]
fn resolved_and_closed_markets_show_their_status() {
    let server = MockMarkets::start(Duration::ZERO);
    let site = site_with_markets(&["kalshi:KXCHIP-27", "manifold:closed-binary"]);
    forkcast::build(site.path(), None, &online(&server)).unwrap();
    let fleets = page(site.path(), "futures/fleets/index.html");
    assert!(fleets.contains("resolved YES"), "{fleets}");
    assert!(fleets.contains("closed"));
}

#[test]
fn offline_builds_make_no_request_and_check_online_finds_missing_markets() {
    let server = MockMarkets::start(Duration::ZERO);
    let site = site_with_markets(&["manifold:agi-binary-open", "kalshi:KXMISSING-99"]);
    let options = BuildOptions {
        offline: true,
        ..online(&server)
    };
    forkcast::build(site.path(), None, &options).unwrap();
    assert!(server.requests().is_empty());
    let Err(Error::Content(errors)) = forkcast::check(site.path(), &online(&server), true) else {
        panic!("a missing market is an error for check --online");
    };
    let errors: Vec<String> = errors
        .iter()
        .filter(|d| d.is_error())
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        errors,
        ["futures/fleets.yaml:6:5: market `kalshi:KXMISSING-99` does not exist"]
    );
}

#[test]
fn check_online_reads_every_market_but_writes_nothing() {
    let server = MockMarkets::start(Duration::ZERO);
    let site = site_with_markets(&["manifold:agi-binary-open", "kalshi:KXAGI-30"]);
    let before = common::snapshot(site.path());
    let warnings = forkcast::check(site.path(), &online(&server), true).unwrap();
    assert!(warnings.iter().all(|w| !w.is_error()));
    let requests = server.requests().join(" ");
    assert!(
        requests.contains("agi-binary-open") && requests.contains("KXAGI-30"),
        "both markets were read: {requests}"
    );
    let after = common::snapshot(site.path());
    let changed: Vec<&String> = after
        .keys()
        .chain(before.keys())
        .filter(|f| after.get(*f) != before.get(*f))
        .collect();
    assert!(changed.is_empty(), "check wrote {changed:?}");
}

#[test]
fn concurrency_is_bounded() {
    let server = MockMarkets::start(Duration::from_millis(150));
    let refs: Vec<String> = (0..24).map(|i| format!("metaculus:bench-{i}")).collect();
    let refs: Vec<&str> = refs.iter().map(String::as_str).collect();
    let site = site_with_markets(&refs);
    fs::write(
        site.path().join("site.yaml"),
        fs::read_to_string(site.path().join("site.yaml")).unwrap() + "markets:\n  concurrency: 4\n",
    )
    .unwrap();
    let started = Instant::now();
    let built = forkcast::build(site.path(), None, &online(&server)).unwrap();
    assert_eq!(built.markets.fetched, 24);
    assert_eq!(server.max_in_flight(), 4);
    assert!(
        started.elapsed() >= Duration::from_millis(6 * 150),
        "24 requests, 4 at a time"
    );
}

/// `cargo test --release --test markets fetch_benchmark -- --ignored --nocapture`
#[test]
#[ignore = "benchmark: run by hand"]
fn fetch_benchmark() {
    let server = MockMarkets::start(Duration::from_millis(100));
    let refs: Vec<String> = (0..1000).map(|i| format!("metaculus:bench-{i}")).collect();
    let refs: Vec<&str> = refs.iter().map(String::as_str).collect();
    let site = site_with_markets(&refs);
    let started = Instant::now();
    let built = forkcast::build(site.path(), None, &online(&server)).unwrap();
    let first = started.elapsed();
    let requests = server.requests().len();
    let again = Instant::now();
    forkcast::build(site.path(), None, &online(&server)).unwrap();
    println!(
        "1000 markets, 100 ms latency, concurrency 16: fetched {} in {first:.2?} ({requests} requests; ideal 6.25 s); second build {:.2?} with {} requests",
        built.markets.fetched,
        again.elapsed(),
        server.requests().len() - requests
    );
}

#[test]
fn no_network_is_a_warning_not_a_failure() {
    // Nothing listens on the discard port of 127.0.0.1: connections are refused.
    let site = site_with_markets(&["manifold:agi-binary-open", "kalshi:KXAGI-30"]);
    let options = BuildOptions {
        endpoints: Some(Endpoints::local("http://127.0.0.1:9")),
        ..online_policy()
    };
    let built = forkcast::build(site.path(), None, &options).unwrap();
    assert_eq!((built.markets.fetched, built.markets.unavailable), (0, 2));
    assert_eq!(
        built.markets.requests, 6,
        "three attempts each, then give up"
    );
    let warnings: Vec<String> = built.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings
            .iter()
            .filter(|w| w.contains("network error"))
            .count(),
        2,
        "{warnings:#?}"
    );
    assert!(
        site.path()
            .join("public/futures/fleets/index.html")
            .is_file()
    );
}

// ---- forkcast import-history ------------------------------------------------

fn import(site: &Path, csv: &str) -> Result<forkcast::markets::Imported, Vec<String>> {
    let file = site.join("history.csv");
    fs::write(&file, csv).unwrap();
    forkcast::markets::import_history(site, &file).map_err(|ds| {
        ds.iter()
            .map(|d| format!("{d} | {}", d.help.clone().unwrap_or_default()))
            .collect()
    })
}

fn history(site: &Path, rel: &str) -> String {
    fs::read_to_string(site.join("data/history").join(rel)).unwrap()
}

/// Every file under data/, with its bytes.
fn data_files(site: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    common::snapshot(&site.join("data"))
}

#[test]
fn an_import_merges_one_row_a_day_and_dates_the_snapshot_by_its_last_day() {
    let site = site_with_markets(&["manifold:agi-binary-open", "metaculus:5121"]);
    fs::create_dir_all(site.path().join("data/history/manifold")).unwrap();
    fs::write(
        site.path()
            .join("data/history/manifold/agi-binary-open.csv"),
        "date,probability\n2026-03-01,0.3000\n2026-03-02,0.3100\n",
    )
    .unwrap();
    let done = import(
        site.path(),
        "reference,date,value,title,url\n\
         manifold:agi-binary-open,2026-03-03,0.33,\"AGI, before 2030?\",https://manifold.markets/u/agi-binary-open\n\
         manifold:agi-binary-open,2026-03-02,0.35,,\n\
         metaculus:5121,2026-03-01,0.25,,\n\
         manifold:agi-binary-open,2026-03-03,0.33,,\n",
    )
    .unwrap();
    assert_eq!(
        (
            done.markets,
            done.rows,
            done.duplicates,
            done.added,
            done.changed,
            done.updated
        ),
        (2, 4, 1, 2, 1, 2)
    );
    assert_eq!(
        history(site.path(), "manifold/agi-binary-open.csv"),
        "date,probability\n2026-03-01,0.3000\n2026-03-02,0.3500\n2026-03-03,0.3300\n",
        "sorted, one row a day, the imported day's value wins"
    );
    let snap = snapshot(site.path());
    let agi = &snap["markets"]["manifold:agi-binary-open"];
    assert_eq!(agi["value"], 0.33);
    assert_eq!(agi["fetched_at"], "2026-03-03T00:00:00Z");
    assert_eq!(agi["title"], "AGI, before 2030?");
    assert_eq!(agi["url"], "https://manifold.markets/u/agi-binary-open");
    assert_eq!(agi["status"], "open");
    assert_eq!(
        snap["markets"]["metaculus:5121"]["url"], "https://www.metaculus.com/questions/5121/",
        "without a url column, the platform's page"
    );

    // Again: nothing changes, not a byte.
    let before = data_files(site.path());
    let again = import(
        site.path(),
        "reference,date,value\nmanifold:agi-binary-open,2026-03-03,0.33\n",
    )
    .unwrap();
    assert_eq!(
        (again.added, again.changed, again.updated, again.kept),
        (0, 0, 0, 1)
    );
    assert_eq!(data_files(site.path()), before);
    assert!(
        !before.keys().any(|k| k.contains(".tmp")),
        "no temporary file is left behind: {:?}",
        before.keys()
    );

    // An older import adds history but leaves the newer snapshot value.
    let older = import(
        site.path(),
        "reference,date,value\nmanifold:agi-binary-open,2026-02-01,0.2\n",
    )
    .unwrap();
    assert_eq!((older.added, older.updated, older.kept), (1, 0, 1));
    assert_eq!(
        snapshot(site.path())["markets"]["manifold:agi-binary-open"]["value"],
        0.33
    );
    assert!(
        history(site.path(), "manifold/agi-binary-open.csv")
            .starts_with("date,probability\n2026-02-01,0.2000\n")
    );
}

#[test]
fn bad_rows_are_located_explained_and_write_nothing() {
    let site = site_with_markets(&["manifold:agi-binary-open"]);
    import(
        site.path(),
        "reference,date,value\nmanifold:agi-binary-open,2026-03-01,0.3\n",
    )
    .unwrap();
    let before = data_files(site.path());
    let errors = import(
        site.path(),
        "reference,date,value,url\n\
         manifold:agi-binary-open,2026-03-02,42%,\n\
         maniflod:agi,2026-3-2,0.4,javascript:alert(1)\n\
         manifold:agi-binary-open,2026-03-02\n\
         manifold:agi-binary-open,2999-01-01,0.4,\n\
         manifold:x,2026-03-01,0.4,\n\
         manifold:x,2026-03-01,0.5,\n",
    )
    .unwrap_err();
    assert_eq!(
        errors,
        [
            "history.csv:2:37: `42%` is a percentage | write the probability as a number from 0 to 1: 0.42 rather than 42%",
            "history.csv:3:1: invalid market reference `maniflod:agi` | did you mean `manifold`? platforms: manifold, polymarket, metaculus, kalshi",
            "history.csv:3:14: invalid date `2026-3-2` | write the day as YYYY-MM-DD, e.g. 2026-08-20",
            "history.csv:3:27: `javascript:alert(1)` is not a web address | give the market's page as an https:// address, or leave the cell empty",
            "history.csv:4:1: this row has 2 fields; the header has 4 | quote a field that holds a comma (`\"Taiwan, 2030\"`), and give every column, even if empty",
            "history.csv:5:26: 2999-01-01 is in the future | history records what was seen: use the day the value was recorded",
            "history.csv:7:23: `manifold:x` has two values for 2026-03-01: 0.5 here and 0.4 on line 6 | keep one row per market and day (history holds one value a day), or fix the reference or date of one of them",
        ]
    );
    assert_eq!(
        data_files(site.path()),
        before,
        "a file with errors changes nothing"
    );

    let header = import(site.path(), "reference,day,value\n").unwrap_err();
    assert_eq!(
        header,
        [
            "history.csv:1:11: unknown column `day` | did you mean `date`? the columns are reference, date, value, title, url, status"
        ]
    );
    let titles = import(
        site.path(),
        "reference,date,value,title\nmanifold:y,2026-03-01,0.4,One\nmanifold:y,2026-03-02,0.4,Two\n",
    )
    .unwrap_err();
    assert_eq!(
        titles,
        [
            "history.csv:3:27: `manifold:y` has a second title, different from the one on line 2 | give one title per market: the same text on every row that has one, or leave the others empty"
        ]
    );
}

#[test]
fn a_history_that_cannot_be_written_leaves_the_snapshot_alone() {
    let site = site_with_markets(&["manifold:agi-binary-open"]);
    // A folder where the history file should be: the rename cannot replace it.
    fs::create_dir_all(
        site.path()
            .join("data/history/manifold/agi-binary-open.csv"),
    )
    .unwrap();
    let errors = import(
        site.path(),
        "reference,date,value\nmanifold:agi-binary-open,2026-03-01,0.3\n",
    )
    .unwrap_err();
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].starts_with("data/history/manifold/agi-binary-open.csv:1:1: cannot write the history of `manifold:agi-binary-open`"),
        "{errors:?}"
    );
    assert!(!site.path().join("data/markets.json").exists());
    let left: Vec<_> = fs::read_dir(site.path().join("data/history/manifold"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 1, "no temporary file is left behind: {left:?}");
}

#[test]
fn imported_values_show_as_of_their_day_and_a_later_fetch_continues_them() {
    let site = site_with_markets(&["manifold:agi-binary-open"]);
    import(
        site.path(),
        "reference,date,value,title\n\
         manifold:agi-binary-open,2026-08-19,0.36,Will we get AGI? <script>alert(1)</script>\n\
         manifold:agi-binary-open,2026-08-20,0.37,\n",
    )
    .unwrap();
    let offline = forkcast::build(
        site.path(),
        None,
        &BuildOptions {
            offline: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        offline.markets.to_string(),
        "markets (offline): 1 from the snapshot as of 2026-08-20, 1 stale, 0 unavailable"
    );
    let fleets = page(site.path(), "futures/fleets/index.html");
    assert!(fleets.contains("<strong>37%</strong>"), "{fleets}");
    assert!(
        fleets.contains("last read 2026-08-20"),
        "shown as of its day, never as current"
    );
    assert!(
        fleets.contains("Will we get AGI? &lt;script&gt;alert(1)&lt;/script&gt;")
            && !fleets.contains("<script>alert"),
        "an imported title is text, escaped"
    );

    // Online, an old fetched_at means "refresh": the history goes on from August.
    let server = MockMarkets::start(Duration::ZERO);
    let online = forkcast::build(site.path(), None, &online(&server)).unwrap();
    assert_eq!((online.markets.fetched, online.markets.stale), (1, 0));
    let rows = history(site.path(), "manifold/agi-binary-open.csv");
    let today = jiff::Timestamp::now().strftime("%Y-%m-%d").to_string();
    assert!(
        rows.starts_with("date,probability\n2026-08-19,0.3600\n2026-08-20,0.3700\n")
            && rows.trim_end().ends_with(&format!("{today},0.4300")),
        "{rows}"
    );
    let snap = snapshot(site.path());
    assert_ne!(
        snap["markets"]["manifold:agi-binary-open"]["fetched_at"],
        "2026-08-20T00:00:00Z"
    );
    assert!(!page(site.path(), "futures/fleets/index.html").contains("last read"));
}

#[test]
fn import_history_on_the_command_line() {
    let site = site_with_markets(&["manifold:agi-binary-open"]);
    fs::write(
        site.path().join("h.csv"),
        "reference,date,value\nmanifold:agi-binary-open,2026-08-20,oops\n",
    )
    .unwrap();
    let run = |file: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_forkcast"))
            .args([
                "--root",
                site.path().to_str().unwrap(),
                "import-history",
                file,
            ])
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    };
    let bad = run(site.path().join("h.csv").to_str().unwrap());
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr.contains("h.csv:2:37: error: value `oops` is not a number"),
        "{stderr}"
    );
    assert!(
        stderr.contains("= help: write the probability as a number from 0 to 1"),
        "{stderr}"
    );
    fs::write(
        site.path().join("h.csv"),
        "reference,date,value\nmanifold:agi-binary-open,2026-08-20,0.4\n",
    )
    .unwrap();
    let good = run(site.path().join("h.csv").to_str().unwrap());
    let stderr = String::from_utf8_lossy(&good.stderr);
    assert!(good.status.success(), "{stderr}");
    assert!(
        stderr.starts_with(
            "imported 1 rows of 1 markets: 1 new days, 0 changed; data/markets.json: 1 updated"
        ),
        "{stderr}"
    );
}
