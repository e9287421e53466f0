//! Time in a build: "now" is the clock or `SOURCE_DATE_EPOCH`, two builds
//! at the same "now" are byte-identical, dates after "now" are errors, and
//! `check` says what to write when a linked market has resolved.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use common::{TempDir, snapshot};

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs forkcast in `cwd` with `SOURCE_DATE_EPOCH` set (or removed).
fn at(epoch: Option<&str>, args: &[&str], cwd: &Path) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_forkcast"));
    c.args(args).current_dir(cwd).env("NO_COLOR", "1");
    match epoch {
        Some(e) => c.env("SOURCE_DATE_EPOCH", e),
        None => c.env_remove("SOURCE_DATE_EPOCH"),
    };
    c.output().unwrap()
}

/// 2026-06-01T00:00:00Z.
const JUNE_2026: &str = "1780272000";

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// A site with one future that has evidence of 2026-05-02 and a market.
fn site(status: &str, resolved: &str) -> TempDir {
    let dir = TempDir::new("record");
    let root = dir.path();
    write(
        root,
        "site.yaml",
        "title: Record\nbase_url: https://example.org/\n",
    );
    write(
        root,
        "futures/math-olympiad.yaml",
        &format!(
            "title: An AI gets a perfect score at the 2026 IMO\nprobability: 0.4\nmarkets:\n  - manifold:perfect-score-achieved-by-an-ai-mod\n{resolved}evidence:\n  - date: 2026-05-02\n    title: A lab reports gold-medal scores\n    url: https://example.org/report\n    direction: for\n"
        ),
    );
    write(
        root,
        "data/markets.json",
        &format!(
            r#"{{"markets": {{"manifold:perfect-score-achieved-by-an-ai-mod": {{"value": 1.0, "status": "{status}", "fetched_at": "2026-07-26T00:00:00Z", "url": "https://manifold.markets/x/perfect-score-achieved-by-an-ai-mod", "title": "Perfect score achieved by an AI model in the International Math Olympiad (IMO) 2026?"}}}}}}"#
        ),
    );
    dir
}

#[test]
fn check_says_what_to_write_when_a_linked_market_has_resolved() {
    let s = site("resolved YES", "");
    let out = at(None, &["check"], s.path());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("futures/math-olympiad.yaml:4:5: warning: market `manifold:perfect-score-achieved-by-an-ai-mod` has resolved YES, but `math-olympiad` has no `resolved:`"),
        "{err}"
    );
    for line in [
        "resolved:",
        "  outcome: happened",
        "  on: 2026-07-26",
        "  source: https://manifold.markets/x/perfect-score-achieved-by-an-ai-mod",
    ] {
        assert!(err.contains(line), "no `{line}` in:\n{err}");
    }

    let settled = site(
        "resolved YES",
        "resolved:\n  outcome: happened\n  on: 2026-07-26\n  source: https://manifold.markets/x/perfect-score-achieved-by-an-ai-mod\n",
    );
    let out = at(None, &["check"], settled.path());
    assert!(
        !stderr(&out).contains("has no `resolved:`"),
        "{}",
        stderr(&out)
    );
    let open = site("open", "");
    assert!(!stderr(&at(None, &["check"], open.path())).contains("resolved"));
}

#[test]
fn source_date_epoch_is_the_builds_now() {
    let s = site("open", "");
    // On 2026-04-01 the evidence of 2026-05-02 has not happened yet.
    let out = at(Some("1775001600"), &["check"], s.path());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(
            "futures/math-olympiad.yaml:6:11: error: `evidence.date` 2026-05-02 is in the future"
        ),
        "{err}"
    );
    assert_eq!(
        at(Some(JUNE_2026), &["check"], s.path()).status.code(),
        Some(0)
    );

    let out = at(Some("next tuesday"), &["check"], s.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("`SOURCE_DATE_EPOCH` is `next tuesday`, not a number of seconds"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn two_builds_at_the_same_now_are_byte_identical() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR"));
    let outs = [TempDir::new("repro-a"), TempDir::new("repro-b")];
    // One "now" for both, a day before the clock's: the example's record
    // ends before today.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        - 86_400;
    let now = now.to_string();
    for out in &outs {
        let dest = out.path().join("public");
        let o = at(
            Some(&now),
            &["build", "--offline", "--output", dest.to_str().unwrap()],
            example,
        );
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let [a, b] = outs.map(|o| snapshot(&o.path().join("public")));
    assert!(a.len() > 100, "{} files", a.len());
    let differ: Vec<&String> = a
        .keys()
        .chain(b.keys())
        .filter(|k| a.get(*k) != b.get(*k))
        .collect();
    assert!(differ.is_empty(), "these differ: {differ:?}");
}
