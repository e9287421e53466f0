//! Bets across futures, built end to end from tests/sites/good: the matrix,
//! what moves each bet, the essential fork or why there is none, and bet
//! listings whose parts each stay in their own element.
//!
//! The fixture: agi-arrives (0.4) → fleets 0.6, treaty 0.3; scaling-stalls
//! (0.3) → treaty 0.5; fleets has its own 0.5, treaty only its implied
//! 0.4 × 0.3 + 0.3 × 0.5 = 0.27. Bets: foundry-calls wins in fleets or
//! treaty and loses in scaling-stalls; learn-agents wins in agi-arrives;
//! treaty-hedge wins in fleets and loses in treaty.

mod common;

use std::fs;
use std::path::Path;

use common::{TempDir, fixture, serve_static};
use forkcast::BuildOptions;
use roxmltree::{Document, Node};

fn build_good() -> TempDir {
    let out = TempDir::new("bets");
    let options = BuildOptions {
        offline: true,
        ..Default::default()
    };
    forkcast::build(&fixture("good"), Some(&out.path().join("public")), &options).unwrap();
    out
}

fn read(root: &Path, path: &str) -> String {
    fs::read_to_string(root.join("public").join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Each element of `html` that starts with `start` (e.g. `<li class="x"`),
/// through its matching end tag, for parsing on its own.
fn elements<'a>(html: &'a str, start: &str) -> Vec<&'a str> {
    let name: String = start[1..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    let (open, close) = (format!("<{name}"), format!("</{name}>"));
    let mut found = Vec::new();
    for (at, _) in html.match_indices(start) {
        let mut depth = 0;
        let mut i = at;
        loop {
            let next_open = html[i + 1..].find(&open).map(|k| k + i + 1);
            let next_close = html[i + 1..].find(&close).map(|k| k + i + 1).unwrap();
            match next_open {
                Some(o) if o < next_close => {
                    depth += 1;
                    i = o;
                }
                _ if depth == 0 => {
                    found.push(&html[at..next_close + close.len()]);
                    break;
                }
                _ => {
                    depth -= 1;
                    i = next_close;
                }
            }
        }
    }
    found
}

fn has_class(n: Node, class: &str) -> bool {
    n.attribute("class")
        .is_some_and(|c| c.split_whitespace().any(|x| x == class))
}

/// All the text below `n`, whitespace collapsed.
fn text(n: Node) -> String {
    let raw: String = n
        .descendants()
        .filter(|d| d.is_text())
        .filter_map(|d| d.text())
        .collect();
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn children<'a, 'i>(n: Node<'a, 'i>, tag: &str) -> Vec<Node<'a, 'i>> {
    n.children().filter(|c| c.has_tag_name(tag)).collect()
}

#[test]
fn the_matrix_has_a_row_per_bet_and_a_cell_for_each_future_it_names() {
    let out = build_good();
    let html = read(out.path(), "bets/matrix/index.html");
    let tables = elements(&html, "<table class=\"sortable matrix\"");
    assert_eq!(tables.len(), 1);
    let doc = Document::parse(tables[0]).unwrap();
    let table = doc.root_element();
    let head_rows: Vec<Node> = table
        .descendants()
        .filter(|n| n.has_tag_name("thead"))
        .flat_map(|h| children(h, "tr"))
        .collect();
    assert_eq!(head_rows.len(), 2, "groups, then one heading per column");
    // Columns: the futures some bet names, by group in time order, by time
    // within a group (undated last, then by title).
    let columns: Vec<&str> = children(head_rows[1], "th")
        .iter()
        .filter_map(|th| th.attribute("data-future"))
        .collect();
    assert_eq!(
        columns,
        ["agi-arrives", "scaling-stalls", "treaty", "fleets"]
    );
    for th in children(head_rows[1], "th") {
        assert_eq!(th.attribute("scope"), Some("col"));
    }
    let groups: Vec<(String, &str)> = children(head_rows[0], "th")
        .iter()
        .map(|th| (text(*th), th.attribute("colspan").unwrap()))
        .collect();
    assert_eq!(
        groups,
        [("Era one".to_string(), "2"), ("Era two".to_string(), "2")]
    );
    // After the bets' own heading.
    let headed = text(children(head_rows[1], "th")[4]);
    assert!(
        headed.contains("AI fleets build better AI") && headed.contains("50%"),
        "a column is headed with its future's probability: {headed}"
    );

    // Rows: one per bet, grouped by kind, each cell wins, loses or nothing.
    let bodies: Vec<Node> = children(table, "tbody");
    let kinds: Vec<String> = bodies
        .iter()
        .map(|b| text(children(children(*b, "tr")[0], "th")[0]))
        .collect();
    assert_eq!(kinds, ["Financial", "Career", "Personal"]);
    let rows: Vec<Node> = bodies
        .iter()
        .flat_map(|b| children(*b, "tr"))
        .filter(|r| r.attribute("data-bet").is_some())
        .collect();
    let bet_files = fs::read_dir(fixture("good").join("bets")).unwrap().count();
    assert_eq!(rows.len(), bet_files, "one row per bet");
    let cells = |bet: &str| -> (Vec<String>, String) {
        let row = rows
            .iter()
            .find(|r| r.attribute("data-bet") == Some(bet))
            .unwrap();
        let header = children(*row, "th");
        assert_eq!(header[0].attribute("scope"), Some("row"));
        let tds = children(*row, "td");
        let (payoff, futures) = tds.split_last().unwrap();
        assert!(has_class(*payoff, "bet-payoff"));
        (futures.iter().map(|td| text(*td)).collect(), text(*payoff))
    };
    assert_eq!(
        cells("foundry-calls"),
        (
            vec![
                "".into(),
                "✗ loses".into(),
                "✓ wins".into(),
                "✓ wins".into()
            ],
            // Its loss (scaling stalls, 0.3) counts: see the bet page's test.
            "20–70%".into()
        )
    );
    assert_eq!(
        cells("learn-agents"),
        (
            vec!["✓ wins".into(), "".into(), "".into(), "".into()],
            "40%".into()
        )
    );
    assert_eq!(
        cells("treaty-hedge"),
        (
            vec!["".into(), "".into(), "✗ loses".into(), "✓ wins".into()],
            // Wins in fleets (0.5), loses in treaty (0.27), not one fork:
            // [0.5 − 0.27, min(0.5, 1 − 0.27)].
            "23–50%".into()
        )
    );
    // The last row: how many bets win and lose if each future happens.
    let foot: Vec<String> = table
        .descendants()
        .filter(|n| n.has_tag_name("tfoot"))
        .flat_map(|f| children(children(f, "tr")[0], "td"))
        .map(|td| text(td))
        .collect();
    assert_eq!(
        foot,
        [
            "1 win 0 lose",
            "0 win 1 lose",
            "1 win 1 lose",
            "2 win 0 lose",
            ""
        ]
    );
    assert!(
        read(out.path(), "bets/index.html").contains("href=\"/manual/bets/matrix/\""),
        "linked from /bets/"
    );
}

/// The bars of what moves a bet, from each of its two drawings: each
/// bar's link, label and printed swing.
fn swing_bars(html: &str) -> Vec<Vec<(String, String, String)>> {
    elements(html, "<svg class=\"chart chart-")
        .into_iter()
        .map(|svg| {
            let doc = Document::parse(svg).unwrap();
            assert!(has_class(doc.root_element(), "bars"));
            doc.descendants()
                .filter(|n| n.has_tag_name("a"))
                .map(|a| {
                    let part = |class: &str| {
                        let words: Vec<String> = a
                            .descendants()
                            .filter(|n| has_class(*n, class))
                            .map(text)
                            .collect();
                        words.join(" ")
                    };
                    (
                        a.attribute("href").unwrap().to_string(),
                        part("label"),
                        part("value"),
                    )
                })
                .collect()
        })
        .collect()
}

#[test]
fn a_bet_page_draws_what_moves_it_with_each_bar_a_link() {
    let out = build_good();
    let page = read(out.path(), "bets/foundry-calls/index.html");
    // Wins in fleets (own 0.5, its edge from agi implies 0.24) or treaty
    // (implied 0.4 × 0.3 + 0.3 × 0.5 = 0.27); loses if scaling stalls (0.3).
    // Payoff [max(0, W.low − L), min(W.high, 1 − L)] = [0.2, 0.7].
    // fleets at 1: [0.7, 0.7]; at 0: W = 0.27, [0, 0.27]: +0.565.
    // scaling-stalls at 1: L = 1, [0, 0]; at 0: treaty 0.12, W = [0.5,
    // 0.62], [0.5, 0.62]: −0.56 (it hurts the bet more than its edge helps).
    // agi-arrives at 1: fleets moves with its implied 0.24 → 0.6 to 0.86,
    // treaty to 0.45: W = [0.86, 1], [0.56, 0.7]; at 0: fleets 0.26, treaty
    // 0.15, W = [0.26, 0.41], [0, 0.41]: +0.425.
    // treaty at 1: [0.7, 0.7]; at 0: W = 0.5, [0.2, 0.5]: +0.35.
    let expected: Vec<(String, String, String)> = [
        ("fleets", "AI fleets build better AI", "+56 points"),
        ("scaling-stalls", "Scaling stalls", "−56 points"),
        ("agi-arrives", "AGI arrives", "+43 points"),
        ("treaty", "A compute treaty", "+35 points"),
    ]
    .iter()
    .map(|(id, title, swing)| {
        (
            format!("/manual/futures/{id}/"),
            title.to_string(),
            swing.to_string(),
        )
    })
    .collect();
    let drawings = swing_bars(&page);
    assert_eq!(drawings.len(), 2, "drawn for a wide column and for a phone");
    for bars in drawings {
        assert_eq!(bars, expected);
    }
    assert!(
        page.contains("href=\"/manual/bets/matrix/\""),
        "linked to the matrix"
    );
    let json: serde_json::Value = serde_json::from_str(&read(out.path(), "graph.json")).unwrap();
    let bet = json["bets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["id"] == "foundry-calls")
        .unwrap();
    let swings: Vec<(&str, f64)> = bet["swings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["future"].as_str().unwrap(), s["swing"].as_f64().unwrap()))
        .collect();
    let want = [
        ("fleets", 0.565),
        ("scaling-stalls", -0.56),
        ("agi-arrives", 0.425),
        ("treaty", 0.35),
    ];
    assert_eq!(swings.len(), want.len(), "{swings:?}");
    for ((id, s), (wid, w)) in swings.iter().zip(want) {
        assert!(*id == wid && (s - w).abs() < 1e-9, "{swings:?}");
    }
}

#[test]
fn every_bet_page_draws_its_fork_or_says_why_there_is_none() {
    let out = build_good();
    let fork_of = |bet: &str| -> (bool, String) {
        let page = read(out.path(), &format!("bets/{bet}/index.html"));
        let drawn = page.contains("<svg class=\"map fragment\"");
        let why = elements(&page, "<p class=\"no-fork\"")
            .first()
            .map(|p| text(Document::parse(p).unwrap().root_element()))
            .unwrap_or_default();
        assert!(
            drawn == why.is_empty(),
            "{bet}: a drawing or a sentence, not both"
        );
        (drawn, why)
    };
    // Winning in fleets and losing in treaty: agi-arrives's branches part them.
    assert_eq!(fork_of("treaty-hedge"), (true, String::new()));
    let (_, why) = fork_of("foundry-calls");
    assert!(
        why.contains("loses in Scaling stalls and wins in A compute treaty, which can follow it"),
        "{why}"
    );
    let (_, why) = fork_of("learn-agents");
    assert!(why.contains("names no future it loses in"), "{why}");
}

#[test]
fn bet_listings_keep_each_part_in_its_element() {
    let out = build_good();
    let mut items = 0;
    for path in [
        "index.html",
        "bets/index.html",
        "tags/policy/index.html",
        "futures/fleets/index.html",
    ] {
        let html = read(out.path(), path);
        for li in elements(&html, "<li class=\"bet-item\"") {
            items += 1;
            let doc = Document::parse(li).unwrap();
            let item = doc.root_element();
            // Nothing but elements at the item's level and in its meta line:
            // no text between parts that could wrap into the middle of one.
            for part in [
                Some(item),
                item.children().find(|c| has_class(*c, "bet-meta")),
            ]
            .into_iter()
            .flatten()
            {
                let loose: Vec<&str> = part
                    .children()
                    .filter(|c| c.is_text())
                    .filter_map(|c| c.text())
                    .filter(|t| !t.trim().is_empty())
                    .collect();
                assert!(loose.is_empty(), "{path}: loose text {loose:?} in {li}");
            }
            let payoff: Vec<Node> = item
                .descendants()
                .filter(|n| has_class(*n, "payoff"))
                .collect();
            assert_eq!(payoff.len(), 1, "{path}: {li}");
            let shown = text(payoff[0]);
            assert!(shown.starts_with("pays off "), "{path}: {shown}");
            assert_eq!(
                text(item).matches("pays off").count(),
                1,
                "{path}: the payoff's words only inside its element: {li}"
            );
            assert!(
                payoff[0].ancestors().any(|a| has_class(a, "bet-odds")),
                "{path}: the payoff sits beside its bar"
            );
        }
    }
    assert!(items >= 8, "only {items} bet items");
    let bets = read(out.path(), "bets/index.html");
    let hedge = elements(&bets, "<li class=\"bet-item\" data-bet=\"treaty-hedge\"");
    let doc = Document::parse(hedge[0]).unwrap();
    let instruments: Vec<String> = doc
        .descendants()
        .filter(|n| has_class(*n, "instruments"))
        .flat_map(|ul| children(ul, "li"))
        .map(text)
        .collect();
    assert_eq!(
        instruments,
        [
            "Contribute to one open-source agent framework",
            "or, failing that, read its changelog weekly"
        ],
        "instruments are a list, each as written"
    );
    assert!(
        text(doc.root_element())
            .contains("Pays if AI fleets arrive; a compute treaty is where it loses."),
        "the summary is shown"
    );
    let tag = read(out.path(), "tags/policy/index.html");
    assert!(
        tag.contains("data-bet=\"treaty-hedge\"") && tag.contains("data-bet=\"foundry-calls\""),
        "a tag page lists the bets on its futures"
    );
}

#[test]
fn a_bets_summary_is_its_description_and_search_excerpt() {
    let out = build_good();
    let page = read(out.path(), "bets/foundry-calls/index.html");
    assert!(page.contains(
        "<meta name=\"description\" content=\"Chips are the narrowest point, whoever wins.\">"
    ));
    let mut snippets = Vec::new();
    for e in fs::read_dir(out.path().join("public/search")).unwrap() {
        let path = e.unwrap().path();
        if path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("d-")
        {
            let docs: Vec<Vec<String>> =
                serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
            snippets.extend(
                docs.into_iter()
                    .filter(|d| d[1] == "/manual/bets/foundry-calls/")
                    .map(|d| d[3].clone()),
            );
        }
    }
    assert_eq!(snippets, ["Chips are the narrowest point, whoever wins."]);
}

/// Needs `/usr/bin/chromium` and `npm ci` in tests/browser, as
/// tests/browser.rs does.
#[test]
fn the_matrix_sorts_within_kinds_and_keeps_names_pinned_in_chromium() {
    let out = TempDir::new("bets-browser");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let options = BuildOptions {
        offline: true,
        base_url: Some(url.clone()),
        ..Default::default()
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    forkcast::build(root, Some(out.path()), &options).unwrap();
    serve_static(listener, out.path().to_path_buf());
    let output = std::process::Command::new("node")
        .arg("matrix.mjs")
        .arg(format!("{url}bets/matrix/"))
        .current_dir(root.join("tests/browser"))
        .output()
        .expect("node is needed for the browser test (see .ci/run)");
    assert!(
        output.status.success(),
        "browser test failed:\n{}{}",
        String::from_utf8_lossy(&output.stderr),
        String::from_utf8_lossy(&output.stdout)
    );
}
