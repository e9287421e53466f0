//! `forkcast diff`: a repository the test makes, whose site sits in a
//! subfolder, with one commit that changes an edge's probability, adds a
//! future, removes a bet, resolves a future and adds evidence. The numbers
//! that move are computed by hand below and checked in all three formats;
//! the working tree, the index and HEAD are left as they were; an unknown
//! revision, a folder outside git and a revision that does not load are
//! refused in our words.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::SystemTime;

use common::{TempDir, commit, forkcast, git_at};

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn agi(boom_edge: &str, evidence: &str) -> String {
    format!(
        "title: AGI arrives\nprobability: 0.4\nleads_to:\n  - future: boom\n    probability: {boom_edge}\n  - future: bust\n    probability: 0.3\n{evidence}"
    )
}

fn scaling(resolved: &str) -> String {
    format!(
        "title: Scaling continues\nprobability: 0.6\nleads_to:\n  - future: abundance\n    probability: 0.5\n{resolved}"
    )
}

const EVIDENCE: &str = "evidence:\n  - date: 2026-02-15\n    title: Lab X reports week-long agent tasks\n    url: https://example.org/x\n    direction: for\n";

/// A repository whose site is in `site/`, in two commits:
///
/// - 10 Jan (old): agi 40% leads to boom (edge 0.5) and bust (0.3); boom
///   and bust have no estimate of their own; scaling 60% leads to
///   abundance (edge 0.5), whose own estimate is 20%; the bet `chips`
///   wins in boom and loses in bust, `hedge` wins in scaling.
/// - 1 Mar (new): agi's edge to boom 0.5 → 0.7 and one evidence item on
///   agi; `winter` (25%) added; `hedge` removed; scaling resolved as
///   happened.
fn repository() -> (TempDir, PathBuf) {
    let dir = TempDir::new("diff");
    let repo = dir.path().to_path_buf();
    let site = repo.join("site");
    git_at(&repo, "2026-01-01", &["init", "-q"]);
    write(
        &repo,
        "README.md",
        "A repository with a site in a folder.\n",
    );
    write(
        &site,
        "site.yaml",
        "title: Diff\nbase_url: https://example.org/\n",
    );
    write(&site, "futures/agi.yaml", &agi("0.5", ""));
    write(&site, "futures/boom.yaml", "title: Boom\n");
    write(&site, "futures/bust.yaml", "title: Bust\n");
    write(&site, "futures/scaling.yaml", &scaling(""));
    write(
        &site,
        "futures/abundance.yaml",
        "title: Abundance\nprobability: 0.2\n",
    );
    write(
        &site,
        "bets/chips.md",
        "---\ntitle: Chip makers\nkind: financial\nwins_if: [boom]\nloses_if: [bust]\n---\nChips.\n",
    );
    write(
        &site,
        "bets/hedge.md",
        "---\ntitle: Hedge on scaling\nkind: career\nwins_if: [scaling]\n---\nHedge.\n",
    );
    commit(&repo, "2026-01-10", "The old site");
    write(&site, "futures/agi.yaml", &agi("0.7", EVIDENCE));
    write(
        &site,
        "futures/winter.yaml",
        "title: AI winter\nprobability: 0.25\n",
    );
    fs::remove_file(site.join("bets/hedge.md")).unwrap();
    write(
        &site,
        "futures/scaling.yaml",
        &scaling(
            "resolved:\n  outcome: happened\n  on: 2026-02-01\n  source: https://example.org/scaling\n",
        ),
    );
    commit(&repo, "2026-03-01", "The new site");
    (dir, site)
}

fn short(repo: &Path, rev: &str) -> String {
    let out = git_at(repo, "2026-01-01", &["rev-parse", "--short=7", rev]);
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// A move as the JSON gives it: kind, id, old, new, signed size.
type MoveRow = (String, String, Option<f64>, Option<f64>, f64);

fn stdout(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).unwrap()
}

// The moves, by hand. Old: agi 0.4 (its own); boom implied 0.4 × 0.5 =
// 0.2; bust 0.4 × 0.3 = 0.12; scaling 0.6; abundance its own 0.2, implied
// 0.6 × 0.5 = 0.3; chips wins in boom and loses in bust, alternatives of
// agi's fork, so it pays P(boom) = 0.2; hedge P(scaling) = 0.6.
// New: boom 0.4 × 0.7 = 0.28 (+8 points), bust still 0.12; scaling
// resolved happened, 1 (+40 points, shown >99%); abundance implied
// 1 × 0.5 = 0.5 (+20), and its own follows the arrows by as much:
// 0.2 + (0.5 − 0.3) = 0.4 (+20); winter 0.25 (new: from 0, +25); chips
// 0.28 (+8); hedge removed (to 0: −60). Largest first: hedge 60, scaling
// 40, winter 25, abundance 20 twice, then boom and chips at 8 each (on a
// tie a future, then an implied probability, then a bet). agi and bust do
// not move; abundance's implied is listed as the site shows its own.

#[test]
fn the_moves_and_changes_of_a_commit_read_alike_in_every_format() {
    let (dir, site) = repository();
    let old = short(dir.path(), "HEAD~1");
    let human = stdout(&forkcast(&["diff", "HEAD~1"], &site));
    let expected = format!(
        "Compared with HEAD~1 ({old}).

Numbers that move by 1 point or more, largest first
  bet      hedge      Hedge on scaling   60% → —     removed
  future   scaling    Scaling continues  60% → >99%  +40 points
  future   winter     AI winter          — → 25%     new
  future   abundance  Abundance          20% → 40%   +20 points
  implied  abundance  Abundance          30% → 50%   +20 points
  future   boom       Boom               20% → 28%   +8 points
  bet      chips      Chip makers        20% → 28%   +8 points
  (implied: what a future's parents and edges give it, where the site shows its own estimate, markets or resolution instead)

Futures
  added    winter   AI winter
  changed  agi      AGI arrives
             leads_to boom: 50% → 70%
             evidence: 1 added
  changed  scaling  Scaling continues
             resolved: — → “happened on 2026-02-01”

Bets
  removed  hedge  Hedge on scaling

Resolutions added
  ✓  scaling  Happened on 1 February 2026 (https://example.org/scaling)

Evidence added
  ▲ For  agi  15 February 2026: Lab X reports week-long agent tasks (https://example.org/x)
"
    );
    assert_eq!(human, expected);

    // A move's words do not break (`\u{a0}`, a no-break space).
    let markdown = stdout(&forkcast(
        &["diff", "HEAD~1", "--format", "markdown"],
        &site,
    ));
    let expected = format!(
        "### Forkcast: `HEAD~1` ({old}) → the working tree

3 futures and 1 bet added, removed or changed; 7 numbers move by 1 point or more.

#### Numbers that move by 1 point or more

| Future or bet | Before → after | Move |
|---|---|--:|
| *bet* · Hedge on scaling (`hedge`) | 60% → — | removed |
| *future* · Scaling continues (`scaling`) | 60% → >99% | +40\u{a0}points |
| *future* · AI winter (`winter`) | — → 25% | new |
| *future* · Abundance (`abundance`) | 20% → 40% | +20\u{a0}points |
| *implied* · Abundance (`abundance`) | 30% → 50% | +20\u{a0}points |
| *future* · Boom (`boom`) | 20% → 28% | +8\u{a0}points |
| *bet* · Chip makers (`chips`) | 20% → 28% | +8\u{a0}points |

*implied: what a future's parents and edges give it, where the site shows its own estimate, markets or resolution instead*

#### Futures

| Change | Future | What changed |
|---|---|---|
| added | AI winter (`winter`) |  |
| changed | AGI arrives (`agi`) | leads\\_to boom: 50% → 70%<br>evidence: 1 added |
| changed | Scaling continues (`scaling`) | resolved: — → “happened on 2026-02-01” |

#### Bets

| Change | Bet | What changed |
|---|---|---|
| removed | Hedge on scaling (`hedge`) |  |

#### Resolutions added

| Future | Resolution |
|---|---|
| Scaling continues (`scaling`) | ✓ Happened on 1 February 2026 (https://example.org/scaling) |

#### Evidence added

| Future | Evidence |
|---|---|
| AGI arrives (`agi`) | ▲ For, 15 February 2026: Lab X reports week-long agent tasks (https://example.org/x) |
"
    );
    assert_eq!(markdown, expected);

    let json: serde_json::Value = serde_json::from_str(&stdout(&forkcast(
        &["diff", "HEAD~1", "--format", "json"],
        &site,
    )))
    .unwrap();
    assert_eq!(json["format"], 1);
    assert_eq!(json["base"]["rev"], "HEAD~1");
    assert!(json["base"]["commit"].as_str().unwrap().starts_with(&old));
    assert_eq!(json["empty"], false);
    let moves: Vec<MoveRow> = json["moves"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            // A bet's payoff is {low, high}; these are exact (equal ends).
            let end = |v: &serde_json::Value| v.as_f64().or_else(|| v["low"].as_f64());
            (
                m["kind"].as_str().unwrap().to_string(),
                m["id"].as_str().unwrap().to_string(),
                end(&m["old"]),
                end(&m["new"]),
                m["move"].as_f64().unwrap(),
            )
        })
        .collect();
    let want = [
        ("bet", "hedge", Some(0.6), None, -0.6),
        ("future", "scaling", Some(0.6), Some(1.0), 0.4),
        ("future", "winter", None, Some(0.25), 0.25),
        ("future", "abundance", Some(0.2), Some(0.4), 0.2),
        ("implied", "abundance", Some(0.3), Some(0.5), 0.2),
        ("future", "boom", Some(0.2), Some(0.28), 0.08),
        ("bet", "chips", Some(0.2), Some(0.28), 0.08),
    ];
    assert_eq!(moves.len(), want.len(), "{moves:?}");
    let close = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() < 1e-9,
        (a, b) => a == b,
    };
    for (got, want) in moves.iter().zip(want) {
        assert_eq!((got.0.as_str(), got.1.as_str()), (want.0, want.1));
        assert!(close(got.2, want.2) && close(got.3, want.3), "{got:?}");
        assert!((got.4 - want.4).abs() < 1e-9, "{got:?}");
    }
    let chips = &json["moves"][6];
    assert_eq!(
        chips["new"]["low"], chips["new"]["high"],
        "exact: equal ends"
    );
    let futures = &json["futures"];
    assert_eq!(futures["added"][0]["id"], "winter");
    assert_eq!(futures["removed"].as_array().unwrap().len(), 0);
    let agi = &futures["changed"][0];
    assert_eq!(agi["id"], "agi");
    assert_eq!(agi["fields"][0]["field"], "leads_to");
    assert_eq!(agi["fields"][0]["target"], "boom");
    assert_eq!(agi["fields"][0]["old"], 0.5);
    assert_eq!(agi["fields"][0]["new"], 0.7);
    assert_eq!(json["bets"]["removed"][0]["id"], "hedge");
    assert_eq!(json["resolutions"][0]["future"], "scaling");
    assert_eq!(json["resolutions"][0]["outcome"], "happened");
    assert_eq!(json["resolutions"][0]["on"], "2026-02-01");
    assert_eq!(json["evidence"][0]["future"], "agi");
    assert_eq!(json["evidence"][0]["direction"], "for");
    assert_eq!(json["evidence"][0]["date"], "2026-02-15");
}

#[test]
fn the_working_tree_is_compared_and_left_untouched() {
    let (dir, site) = repository();
    let head = short(dir.path(), "HEAD");
    assert_eq!(
        stdout(&forkcast(&["diff"], &site)),
        format!("This change touches no future or bet (compared with HEAD, {head}).\n")
    );
    assert_eq!(
        stdout(&forkcast(&["diff", "--format", "markdown"], &site)),
        format!(
            "**Forkcast:** This change touches no future or bet (compared with `HEAD`, {head}).\n"
        )
    );
    // An edit not yet committed is what is compared: winter 25% → 30%.
    write(
        &site,
        "futures/winter.yaml",
        "title: AI winter\nprobability: 0.3\n",
    );
    let status = git_at(dir.path(), "2026-01-01", &["status", "--porcelain"]).stdout;
    let times = mtimes(dir.path());
    let out = stdout(&forkcast(&["diff", "--root", "site"], dir.path()));
    assert_eq!(
        out,
        format!(
            "Compared with HEAD ({head}).

Numbers that move by 1 point or more, largest first
  future  winter  AI winter  25% → 30%  +5 points

Futures
  changed  winter  AI winter
             probability: 25% → 30%
"
        )
    );
    // Nor is anything written, in the site or in git's folder.
    assert_eq!(mtimes(dir.path()), times);
    let after = git_at(dir.path(), "2026-01-01", &["status", "--porcelain"]).stdout;
    assert_eq!(after, status);
    assert_eq!(
        String::from_utf8(status).unwrap(),
        " M site/futures/winter.yaml\n"
    );
}

/// Every file below `dir` (git's folder too) and when it was last modified.
fn mtimes(dir: &Path) -> BTreeMap<PathBuf, SystemTime> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| {
            (
                e.path().to_path_buf(),
                e.metadata().unwrap().modified().unwrap(),
            )
        })
        .collect()
}

#[test]
fn an_unknown_revision_is_a_usage_error_and_outside_git_there_is_nothing_to_compare() {
    let (_dir, site) = repository();
    let out = forkcast(&["diff", "no-such-branch"], &site);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: `no-such-branch` names no commit of the site's repository\n  = help: name a branch, tag or commit; `git log --oneline` lists revisions (default: HEAD)\n"
    );
    // An option-like revision is a revision, never an option of git's.
    let out = forkcast(&["diff", "--", "--output=/tmp/x"], &site);
    assert_eq!(out.status.code(), Some(2));

    let outside = TempDir::new("diff-outside");
    write(
        outside.path(),
        "site.yaml",
        "title: Outside\nbase_url: https://example.org/\n",
    );
    let out = forkcast(&["diff"], outside.path());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: the site is not in a git repository\n  = help: `forkcast diff` compares the working tree with a commit: run it in a git repository\n"
    );
}

#[test]
fn a_revision_that_does_not_load_is_named_with_its_file() {
    let (dir, site) = repository();
    write(&site, "futures/boom.yaml", "title: Boom\nprobability: 2\n");
    commit(dir.path(), "2026-03-02", "A broken estimate");
    write(&site, "futures/boom.yaml", "title: Boom\n");
    let broken = short(dir.path(), "HEAD");
    let out = forkcast(&["diff"], &site);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with(&format!(
            "error: the site at `HEAD` ({broken}) does not load, so there is nothing to compare with:\n  futures/boom.yaml:2:14: "
        )),
        "{err}"
    );
    assert!(
        err.contains("(at HEAD)\n  = help: compare with a revision where `forkcast check` passes"),
        "{err}"
    );

    // The working tree's own errors are printed as `check` prints them.
    write(
        &site,
        "futures/boom.yaml",
        "title: Boom\nleads_to: [nowhere]\n",
    );
    let out = forkcast(&["diff", "HEAD~1"], &site);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("futures/boom.yaml:2:"), "{err}");
    assert!(err.contains("\n2 | leads_to: [nowhere]\n"), "{err}");
}
