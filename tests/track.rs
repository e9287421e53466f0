//! The track record (`/track-record/`), built end to end from
//! tests/sites/track made into a git repository with dated commits, every
//! number computed by hand. Each forecast is read 30 days before the
//! resolution (its source's last value on or before that day):
//!
//! | future  | resolved            | day    | shown | all   | Manifold | Polymarket | Metaculus | author |
//! |---------|---------------------|--------|-------|-------|----------|------------|-----------|--------|
//! | delta   | no, 30 June 2026    | 31 May | 0.5   | 0.5   | 0.8      | 0.2        |           | 0.4    |
//! | epsilon | no, 25 June         | 26 May | 0.3   |       |          |            | (none)    | 0.3    |
//! | eta     | no, 15 June         | 16 May | 0.1   | 0.1   | 0.1      |            |           | 0.15   |
//! | chips   | yes, 1 June         | 2 May  | 0.55  |       |          |            |           | 0.2    |
//! | gamma   | yes, 31 May         | 1 May  | 0.8   | 0.8   |          | 0.8        |           |        |
//! | beta    | no, 30 April        | 31 Mar | 1/3   | 1/3   | 1/3      |            |           |        |
//! | theta   | yes, 10 April       | 11 Mar | 0.4   | 0.4   |          | 0.4        |           |        |
//! | alpha   | yes, 31 March       | 1 Mar  | 0.7   | 0.7   | 0.7      |            |           | 0.62   |
//! | zeta    | yes, 15 February    | 16 Jan | 0.4   |       |          |            |           | 0.4    |
//! | lab-a   | yes, 1 February     | 2 Jan  | 0.3   |       |          |            |           |        |
//!
//! - delta has a Manifold (0.8) and a Polymarket (0.2) market: all markets
//!   pool their odds, 4 × 1/4 = 1, so 0.5.
//! - beta's two Manifold markets (0.2 and 0.5: odds 1/4 and 1, geometric
//!   mean 1/2) pool to 1/2 ÷ 3/2 = 1/3, for Manifold and for all markets.
//! - gamma's market read 0.8 on 25 April and 0.95 on 2 May: on 1 May, 0.8.
//! - epsilon's Metaculus history starts on 20 June, after its day: no
//!   market forecast it, and Metaculus, linked only there, never forecast.
//! - zeta's estimate was committed at 0.4 on 1 December 2025 and raised to
//!   0.6 on 20 January 2026, after its day (16 January): 0.4 counts.
//! - lab-a has no estimate or market: the site showed its implied
//!   probability, fork's 0.6 × 0.5 = 0.3. It happened on 1 February, so
//!   by chips' day the site showed chips (estimate 0.2, implied 0.3 × 0.5
//!   = 0.15 before, 1 × 0.5 = 0.5 after) moved by 0.35 to 0.55.
//!
//! Brier scores, (forecast − outcome)² averaged:
//! - shown: .25 + .09 + .01 + .2025 + .04 + 1/9 + .36 + .09 + .36 + .49
//!   = 2.003611 over 10 = 0.200
//! - all markets: .25 + .01 + .04 + 1/9 + .36 + .09 = 0.861111 over 6 = 0.144
//! - Manifold: .64 (delta 0.8) + .01 + 1/9 + .09 = 0.851111 over 4 = 0.213
//! - Polymarket: .04 (delta 0.2) + .04 + .36 = 0.44 over 3 = 0.147
//! - author: .16 + .09 + .0225 + .64 + .1444 + .36 = 1.4169 over 6 = 0.236

mod common;

use std::fs;
use std::path::Path;

use common::{TempDir, copy_dir, fixture, git_at, unescape};
use forkcast::BuildOptions;

/// Replaces `from` with `to` in the site's file `rel`.
fn edit(site: &Path, rel: &str, from: &str, to: &str) {
    let path = site.join(rel);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} has no {from:?}");
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// The fixture as a git repository: everything committed on 1 December
/// 2025 with zeta at 0.4, zeta raised to 0.6 on 20 January 2026.
fn site_in_git() -> TempDir {
    let dir = TempDir::new("track");
    let d = dir.path();
    copy_dir(&fixture("track"), d);
    edit(
        d,
        "futures/zeta.yaml",
        "probability: 0.6",
        "probability: 0.4",
    );
    git_at(d, "2025-12-01", &["init", "-q"]);
    git_at(d, "2025-12-01", &["add", "-A"]);
    git_at(d, "2025-12-01", &["commit", "-q", "-m", "The futures"]);
    edit(
        d,
        "futures/zeta.yaml",
        "probability: 0.4",
        "probability: 0.6",
    );
    git_at(
        d,
        "2026-01-20",
        &["commit", "-q", "-am", "Zeta is likelier"],
    );
    dir
}

/// The fixture copied outside any repository (no estimate was committed).
fn site_without_git() -> TempDir {
    let dir = TempDir::new("track-plain");
    copy_dir(&fixture("track"), dir.path());
    dir
}

/// Builds `site` on 1 July 2026 and returns its output folder.
fn build(site: &Path) -> TempDir {
    let out = TempDir::new("track-out");
    let options = BuildOptions {
        offline: true,
        now: Some("2026-07-01T12:00:00Z".parse().unwrap()),
        ..Default::default()
    };
    forkcast::build(site, Some(&out.path().join("public")), &options).unwrap();
    out
}

fn read(out: &TempDir, path: &str) -> String {
    fs::read_to_string(out.path().join("public").join(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Text as a reader reads it: tags dropped, entities decoded, white space
/// one space.
fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    unescape(&out.replace("&#x27;", "'"))
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Each body row of the table of `class`, in words.
fn rows(html: &str, class: &str) -> Vec<String> {
    let start = html
        .find(&format!("<table class=\"{class}\">"))
        .unwrap_or_else(|| panic!("no table {class}"));
    let table = &html[start..];
    let body = &table[table.find("<tbody>").unwrap()..table.find("</table>").unwrap()];
    body.split("<tr")
        .skip(1)
        .map(|row| text(&format!("<tr{row}")))
        .collect()
}

#[test]
fn each_source_is_scored_on_what_it_said_thirty_days_before() {
    let site = site_in_git();
    let out = build(site.path());
    let page = read(&out, "track-record/index.html");
    assert_eq!(
        rows(&page, "track-scores"),
        [
            "The site's shown probability 0.200 10 of 10",
            "All markets 0.144 6 of 10",
            "The author's estimate 0.236 6 of 10",
            "Manifold 0.213 4 of 10",
            "Polymarket 0.147 3 of 10",
            "Metaculus none 0 of 10",
        ]
    );
    let says = text(&page);
    assert!(
        says.contains(
            "0 is perfect, 0.25 is what saying 50% every time earns, and lower is better"
        ),
        "{says}"
    );
    assert!(
        says.contains("a source that forecast no resolved future then has no score"),
        "{says}"
    );
}

#[test]
fn every_resolved_future_is_listed_with_each_forecast_newest_first() {
    let site = site_in_git();
    let out = build(site.path());
    let page = read(&out, "track-record/index.html");
    // Columns: shown, all markets, author, Manifold, Polymarket, Metaculus.
    assert_eq!(
        rows(&page, "track-table"),
        [
            "Delta merges ✗ did not happen 30 June 2026 50% 50% 40% 80% 20% —",
            "Epsilon is banned ✗ did not happen 25 June 2026 30% — 30% — — —",
            "Eta collapses ✗ did not happen 15 June 2026 10% 10% 15% 10% — —",
            "Chips get cheap ✓ happened 1 June 2026 55% — 20% — — —",
            "Gamma wins ✓ happened 31 May 2026 80% 80% — — 80% —",
            "Beta stalls ✗ did not happen 30 April 2026 33% 33% — 33% — —",
            "Theta lists ✓ happened 10 April 2026 40% 40% — — 40% —",
            "Alpha ships ✓ happened 31 March 2026 70% 70% 62% 70% — —",
            "Zeta opens ✓ happened 15 February 2026 40% — 40% — — —",
            "Lab A leads ✓ happened 1 February 2026 30% — — — — —",
        ]
    );
    assert!(page.contains("<a href=\"/futures/chips/\">Chips get cheap</a>"));
    assert!(page.contains("<tr id=\"resolved-chips\">"));
}

#[test]
fn ten_resolutions_draw_the_calibration_chart_with_its_bins() {
    let site = site_in_git();
    let out = build(site.path());
    let page = read(&out, "track-record/index.html");
    // Shown: eta .1 | beta 1/3, epsilon .3, lab-a .3 (lab-a happened) |
    // zeta .4, theta .4 | delta .5, chips .55 (chips happened) | alpha .7 |
    // gamma .8. All markets: eta, beta, theta, delta, alpha, gamma, one each.
    assert_eq!(
        rows(&page, "track-bins"),
        [
            "10–20% 0 of 1 happened 0 of 1 happened",
            "30–40% 1 of 3 happened 0 of 1 happened",
            "40–50% 2 of 2 happened 1 of 1 happened",
            "50–60% 1 of 2 happened 0 of 1 happened",
            "70–80% 1 of 1 happened 1 of 1 happened",
            "80–90% 1 of 1 happened 1 of 1 happened",
        ]
    );
    // A wide and a narrow drawing, each titled and described in words.
    assert_eq!(
        page.matches("<svg role=\"img\" class=\"chart chart-wide calibration\"")
            .count(),
        1
    );
    assert_eq!(
        page.matches("<svg role=\"img\" class=\"chart chart-narrow calibration\"")
            .count(),
        1
    );
    assert_eq!(
        page.matches("<title>Calibration: forecasts against how often they happened</title>")
            .count(),
        2
    );
    let desc = text(&page[page.find("<desc>").unwrap()..page.find("</desc>").unwrap()]);
    assert!(
        desc.contains("The site's shown probability: 10–20%: 0 of 1 happened, 30–40%: 1 of 3 happened, 40–50%: 2 of 2 happened"),
        "{desc}"
    );
    assert!(!page.contains("#000000"), "ink follows the page's colour");
    assert!(!page.contains("The calibration chart appears once"));
}

#[test]
fn nine_resolutions_and_no_repository_draw_no_chart_and_no_author_score() {
    let site = site_without_git();
    let theta =
        "resolved:\n  outcome: happened\n  on: 2026-04-10\n  source: https://example.org/theta\n";
    edit(site.path(), "futures/theta.yaml", theta, "");
    let out = build(site.path());
    let page = read(&out, "track-record/index.html");
    assert!(
        !page.contains("chart-wide calibration"),
        "no chart below 10"
    );
    assert!(!page.contains("track-bins"));
    assert!(
        text(&page).contains(
            "The calibration chart appears once 10 futures have resolved; 9 have so far."
        ),
        "{}",
        text(&page)
    );
    let scores = rows(&page, "track-scores");
    // Nothing was committed: the author never forecast.
    assert_eq!(scores[2], "The author's estimate none 0 of 9");
    assert_eq!(rows(&page, "track-table").len(), 9);
}

#[test]
fn a_site_with_no_resolution_says_what_will_appear() {
    let out = build(&fixture("good"));
    let page = text(&read(&out, "track-record/index.html"));
    assert!(page.contains("No future has resolved yet."), "{page}");
    assert!(
        page.contains("from 10 resolved futures on draws a calibration chart"),
        "{page}"
    );
    assert!(!page.contains("Every resolved future"));
}

#[test]
fn resolved_futures_and_every_footer_link_to_the_track_record() {
    let site = site_in_git();
    let out = build(site.path());
    let chips = read(&out, "futures/chips/index.html");
    assert!(
        chips.contains("<a href=\"/track-record/#resolved-chips\">how each source forecast it</a>")
    );
    let fork = read(&out, "futures/fork/index.html");
    assert!(
        !fork.contains("how each source forecast it"),
        "fork did not resolve"
    );
    assert!(read(&out, "index.html").contains("<a href=\"/track-record/\">Track record</a>"));
    assert!(read(&out, "sitemap.xml").contains("<loc>https://example.org/track-record/</loc>"));
}
