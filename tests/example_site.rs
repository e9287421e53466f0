//! The project's own site (the repository root) is real content: it must
//! always build cleanly and keep the size the README promises.

mod common;

use std::path::Path;

use common::TempDir;
use forkcast::BuildOptions;

/// The example site built offline into `<temp>/public`.
fn build_offline(label: &str) -> (TempDir, forkcast::Built) {
    let out = TempDir::new(label);
    let built = forkcast::build(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        Some(&out.path().join("public")),
        &BuildOptions {
            offline: true,
            ..Default::default()
        },
    )
    .unwrap();
    (out, built)
}

/// The example site's market data is real: every linked market has a value
/// in data/markets.json equal to the last row of its history, dated by that
/// row's day, and its future's page shows it as of that day, with a chart.
#[test]
fn the_example_site_shows_recorded_market_values_as_of_their_day() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (out, built) = build_offline("example-markets");
    assert_eq!(built.markets.unavailable, 0, "{}", built.markets);
    let snapshot: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("data/markets.json")).unwrap())
            .unwrap();
    let mut futures = 0;
    let mut platforms = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(root.join("futures")).unwrap() {
        let path = entry.unwrap().path();
        let yaml = std::fs::read_to_string(&path).unwrap();
        let refs: Vec<&str> = yaml
            .lines()
            .skip_while(|l| *l != "markets:")
            .skip(1)
            .take_while(|l| l.starts_with("  - "))
            .map(|l| l.trim_start_matches("  - ").trim())
            .collect();
        if refs.is_empty() {
            continue;
        }
        let id = path.file_stem().unwrap().to_str().unwrap();
        let page =
            std::fs::read_to_string(out.path().join(format!("public/futures/{id}/index.html")))
                .unwrap();
        assert!(
            page.contains("<svg role=\"img\" class=\"chart chart-wide\""),
            "{id}: a chart"
        );
        let credit = page
            .split("<div class=\"muted credit\">")
            .nth(1)
            .unwrap_or_else(|| panic!("{id}: the data is credited beside its markets"));
        let credit = &credit[..credit.find("</div>").unwrap()];
        assert!(
            credit.contains("ForecastBench") && credit.contains("CC BY-SA 4.0"),
            "{credit}"
        );
        assert!(
            credit.contains("href=\"/manual/about/\""),
            "links in the credit honour the base path: {credit}"
        );
        for r in refs {
            let market = &snapshot["markets"][r];
            let value = market["value"]
                .as_f64()
                .unwrap_or_else(|| panic!("{r}: no value"));
            let day = &market["fetched_at"].as_str().unwrap()[..10];
            let (platform, market_id) = r.split_once(':').unwrap();
            let history = std::fs::read_to_string(
                root.join(format!("data/history/{platform}/{market_id}.csv")),
            )
            .unwrap();
            let (last_day, last_value) = history.lines().last().unwrap().split_once(',').unwrap();
            assert_eq!(last_day, day, "{r}: dated by its last recorded day");
            assert!(
                (last_value.parse::<f64>().unwrap() - value).abs() < 5e-5,
                "{r}"
            );
            // A resolved market's last value is its outcome, which pages show
            // at the end of the scale like any value that rounds there.
            let shown = match market["status"].as_str() {
                Some("resolved YES") => {
                    assert_eq!(value, 1.0, "{r}: resolved YES ends at 1");
                    "&gt;99%".to_string()
                }
                Some("resolved NO") => {
                    assert_eq!(value, 0.0, "{r}: resolved NO ends at 0");
                    "&lt;1%".to_string()
                }
                _ => format!("{:.0}%", value * 100.0),
            };
            assert!(
                page.contains(&format!("<strong>{shown}</strong>")),
                "{id}: {r} shown as {shown}"
            );
            assert!(
                page.contains(&format!("last read {day}")),
                "{id}: {r} shown as of {day}"
            );
            platforms.insert(platform.to_string());
        }
        futures += 1;
    }
    assert!(futures >= 12, "{futures} futures with markets");
    assert_eq!(
        platforms.into_iter().collect::<Vec<_>>(),
        ["manifold", "metaculus", "polymarket"]
    );
}

/// The example site keeps a living record (issue 21): resolution criteria on
/// every future that has a market, at least ten futures settled the way
/// their markets resolved (and every future whose markets resolved is
/// settled), and dated evidence on at least eight futures.
#[test]
fn the_example_site_is_resolved_as_its_markets_and_cites_evidence() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (out, _) = build_offline("example-record");
    let read = |p: &Path| std::fs::read_to_string(p).unwrap();
    let graph: serde_json::Value =
        serde_json::from_str(&read(&out.path().join("public/graph.json"))).unwrap();
    let snapshot: serde_json::Value =
        serde_json::from_str(&read(&root.join("data/markets.json"))).unwrap();
    let mut resolved = 0;
    for f in graph["futures"].as_array().unwrap() {
        let id = f["id"].as_str().unwrap();
        let yaml = read(&root.join(format!("futures/{id}.yaml")));
        let has = |key: &str| yaml.lines().any(|l| l.starts_with(key));
        let markets: Vec<&serde_json::Value> = f["markets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| &snapshot["markets"][r.as_str().unwrap()])
            .collect();
        if !markets.is_empty() {
            assert!(has("resolves_when:"), "{id}: a market and no resolves_when");
        }
        let outcomes: Vec<&str> = markets
            .iter()
            .filter_map(|m| match m["status"].as_str() {
                Some("resolved YES") => Some("happened"),
                Some("resolved NO") => Some("did-not-happen"),
                _ => None,
            })
            .collect();
        let settled = &f["resolved"];
        if settled.is_null() {
            assert!(outcomes.is_empty(), "{id}: its market resolved, it did not");
            continue;
        }
        resolved += 1;
        assert_eq!(outcomes.len(), markets.len(), "{id}: settled, markets open");
        for outcome in outcomes {
            assert_eq!(settled["outcome"].as_str(), Some(outcome), "{id}");
        }
        assert!(
            markets.iter().any(|m| m["url"] == settled["source"]),
            "{id}: settled by {}, not one of its markets",
            settled["source"]
        );
    }
    let with_evidence = std::fs::read_dir(root.join("futures"))
        .unwrap()
        .filter(|e| {
            let yaml = read(&e.as_ref().unwrap().path());
            yaml.lines().any(|l| l == "evidence:") && yaml.contains("\n  - date: 20")
        })
        .count();
    assert!(resolved >= 10, "{resolved} resolved futures");
    assert!(with_evidence >= 8, "{with_evidence} futures with evidence");
}

/// The example site's track record scores its real resolved signposts
/// from their recorded histories. Of the twelve, ten have a market value
/// 30 days before resolving; GPQA Diamond 95% (history from 7 May 2026,
/// resolved 31 May) and OpenAI goes public (from 6 December 2025,
/// resolved 31 December) have none, and no estimate was committed before
/// the site's first commit (26 November 2026), so the author never
/// forecast. Two rows read from data/history by hand:
/// - Taiwan invaded in Q1 (resolved 31 March 2026): Polymarket on 1 March,
///   0.0155, shown as 2%;
/// - A three-hour horizon (8 May 2026): Metaculus on 8 April has no row,
///   its last before is 4 April, 0.76; the Manifold market's history
///   starts on 22 April, so only Metaculus forecast it.
#[test]
fn the_example_site_track_record_scores_its_resolved_signposts() {
    let (out, _) = build_offline("example-track");
    let page = std::fs::read_to_string(out.path().join("public/track-record/index.html")).unwrap();
    let text = common::unescape(&page.replace("&#x27;", "'"));
    for row in [
        "<th scope=\"row\">The site's shown probability</th><td class=\"num\">",
        "<th scope=\"row\">The author's estimate</th><td class=\"num\"><span class=\"muted\">none</span></td><td class=\"num\">0 of 12</td>",
    ] {
        assert!(text.contains(row), "{row}");
    }
    assert!(text.contains("10 of 12"), "ten of twelve forecast");
    let row = |id: &str| {
        let start = text.find(&format!("<tr id=\"resolved-{id}\">")).unwrap();
        let row = &text[start..];
        let cells: Vec<&str> = row[..row.find("</tr>").unwrap()]
            .split("<td class=\"num\">")
            .skip(1)
            .map(|c| c.trim_end_matches("</td>"))
            .collect();
        cells.join(" ")
    };
    // Site, markets, author, Manifold, Polymarket, Metaculus.
    assert_eq!(row("china-invades-taiwan-by-march-2026"), "2% 2% — — 2% —");
    assert_eq!(row("three-hour-time-horizon-2026"), "76% 76% — — — 76%");
    assert_eq!(row("gpqa-diamond-95-by-june-2026"), "— — — — — —");
    // Twelve resolved: the calibration chart is drawn.
    assert!(page.contains("class=\"chart chart-wide calibration\""));
}
