//! Resolved futures on the pages, built end to end from
//! tests/sites/resolution, every number computed by hand:
//!
//! - A fork: who-leads `fork` (0.6) → `lab-a` 0.5, `lab-b` 0.5. `lab-a`
//!   happened (1 March 2026), so its fork sibling `lab-b` is 0 and `fork`,
//!   its only parent (a root), is 1. `chips` (estimate 0.2) follows lab-a
//!   with 0.5: implied at the sources' values 0.3 × 0.5 = 0.15, now
//!   1 × 0.5 = 0.5, so it moves by 0.35 to 0.55.
//! - A single-parent chain: `seed` (0.5) → `sprout` 0.6 → `tree` 0.5,
//!   `shrub` 0.5. `tree` happened (1 June 2026): `shrub` is 0, `sprout`
//!   (its only parent) 1 and `seed` (sprout's only parent) 1.
//! - A diamond: `top` (0.5) → `left` 0.5, `right` 0.5; both → `bottom` 0.4.
//!   `left` did not happen (1 February 2026), which settles nothing else:
//!   `top` and `right` stay 0.5 and 0.25; `bottom` (estimate 0.2) had
//!   implied 0.25 × 0.4 + 0.25 × 0.4 = 0.2, now 0 × 0.4 + 0.25 × 0.4 = 0.1,
//!   so it moves to 0.2 − 0.1 = 0.1.
//! - Bets: `bet-won` wins in lab-a, loses in lab-b (won); `bet-lost` wins
//!   in shrub, loses in tree (lost); `bet-open` wins in bottom (open, 10%).

mod common;

use common::{TempDir, read_public, unescape};

/// What a reader reads of a page's `<main>`: its text, tags dropped,
/// entities decoded, runs of white space one space.
fn words(html: &str) -> String {
    let start = html.find("<main").expect("a <main>");
    let end = html.find("</main>").expect("a </main>");
    let mut text = String::new();
    let mut in_tag = false;
    for c in html[start..end].chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    unescape(
        &text
            .replace("&#x27;", "'")
            .replace("&#x2F;", "/")
            .replace("&nbsp;", " "),
    )
    .split_whitespace()
    .collect::<Vec<_>>()
    .join(" ")
}

fn future_words(out: &TempDir, id: &str) -> String {
    words(&read_public(
        out.path(),
        &format!("futures/{id}/index.html"),
    ))
}

#[test]
fn future_pages_say_how_each_future_was_settled() {
    let out = common::build_fixture("resolution");
    let lab_a = read_public(out.path(), "futures/lab-a/index.html");
    let text = words(&lab_a);
    assert!(
        text.contains("✓ Happened on 1 March 2026 · source"),
        "{text}"
    );
    assert!(
        lab_a.contains(
            "<a href=\"https://example.org/lab-a-tops\" rel=\"nofollow noopener\">source</a>"
        ),
        "the source is an outside link"
    );
    assert!(text.contains("Probability ✓ Happened (resolved)"), "{text}");
    // The criteria are Markdown, rendered.
    assert!(text.contains("How it resolves Yes if Lab A’s model tops"));
    assert!(lab_a.contains("<strong>public leaderboard</strong>"));
    // Criteria show on an open future too.
    assert!(future_words(&out, "lab-b").contains("How it resolves Yes if Lab B"));

    for (id, says) in [
        (
            "lab-b",
            "✗ Settled: “ Lab A leads ” happened, and this is another branch of its fork.",
        ),
        (
            "fork",
            "✓ Settled: “ Lab A leads ” happened, and this is its only parent.",
        ),
        (
            "sprout",
            "✓ Settled: “ A tree grows ” happened, and this is its only parent.",
        ),
        (
            "seed",
            "✓ Settled: “ A tree grows ” happened, and it can only come about through this.",
        ),
        (
            "shrub",
            "✗ Settled: “ A tree grows ” happened, and this is another branch of its fork.",
        ),
    ] {
        let text = future_words(&out, id);
        assert!(text.contains(says), "{id}: {text}");
    }
    assert!(
        future_words(&out, "lab-b")
            .contains("Probability ✗ Did not happen (settled by “Lab A leads”)")
    );
    let left = future_words(&out, "left");
    assert!(
        left.contains("✗ Did not happen (settled 1 February 2026) · source"),
        "{left}"
    );

    // Moved by resolutions upstream: the site's value, and what the author said.
    let chips = future_words(&out, "chips");
    assert!(
        chips.contains(
            "Probability 55% (author's estimate 20%; resolved futures upstream move it to 55%)"
        ),
        "{chips}"
    );
    let bottom = future_words(&out, "bottom");
    assert!(
        bottom.contains(
            "Probability 10% (author's estimate 20%; resolved futures upstream move it to 10%)"
        ),
        "{bottom}"
    );
    // In the diamond, "did not happen" settles nothing but itself.
    for (id, p) in [("top", "50%"), ("right", "25%")] {
        let text = future_words(&out, id);
        assert!(
            text.contains(&format!("Probability {p} (author's estimate)")),
            "{id}: {text}"
        );
        assert!(!text.contains("Settled"), "{id}: {text}");
    }
    // Listed elsewhere, settled futures carry their mark and words.
    assert!(bottom.contains("Comes from Left path ✗ did not happen edge 40%"));
    assert!(bottom.contains("Right path 25% edge 40%"));
}

#[test]
fn evidence_is_a_timeline_newest_first_with_direction_in_words() {
    let out = common::build_fixture("resolution");
    let html = read_public(out.path(), "futures/chips/index.html");
    let text = words(&html);
    assert!(
        text.contains(
            "Evidence 2 April 2026 ▼ Against Export rules tighten \
             10 January 2026 ▲ For Foundry cuts wafer prices Prices fell by a tenth ."
        ),
        "{text}"
    );
    assert!(html.contains("<time datetime=\"2026-04-02\">2 April 2026</time>"));
    assert!(html.contains(
        "<a href=\"https://example.org/wafers\" rel=\"nofollow noopener\">Foundry cuts wafer prices</a>"
    ));
    assert!(html.contains("<em>tenth</em>"), "the note is Markdown");
    assert!(!future_words(&out, "lab-a").contains("Evidence"));
}

#[test]
fn bets_say_they_won_or_lost_and_why() {
    let out = common::build_fixture("resolution");
    let won = words(&read_public(out.path(), "bets/bet-won/index.html"));
    assert!(
        won.contains("✓ Won: “Lab A leads” happened · how it was settled"),
        "{won}"
    );
    assert!(
        won.contains("Chance of paying off settled: it won"),
        "{won}"
    );
    assert!(
        won.contains("Wins if Lab A leads ✓ happened Happened on 1 March 2026"),
        "{won}"
    );
    assert!(
        won.contains("Loses if Lab B leads ✗ did not happen"),
        "{won}"
    );
    let lost = words(&read_public(out.path(), "bets/bet-lost/index.html"));
    assert!(
        lost.contains("✗ Lost: “A tree grows” happened · how it was settled"),
        "{lost}"
    );
    let open = words(&read_public(out.path(), "bets/bet-open/index.html"));
    assert!(!open.contains("Won") && !open.contains("Lost"), "{open}");
    assert!(open.contains("Chance of paying off 10%"), "{open}");

    let index = words(&read_public(out.path(), "bets/index.html"));
    assert!(
        index.contains("Back Lab A placed ✓ Won: “Lab A leads” happened on the map"),
        "{index}"
    );
    assert!(
        index.contains("Plant shrubs placed ✗ Lost: “A tree grows” happened"),
        "{index}"
    );
    assert!(
        index.contains("Wait at the bottom idea pays off 10%"),
        "{index}"
    );

    let matrix = read_public(out.path(), "bets/matrix/index.html");
    let row = |id: &str| {
        let start = matrix
            .find(&format!("<tr data-bet=\"{id}\">"))
            .unwrap_or_else(|| panic!("no row for {id}"));
        let end = start + matrix[start..].find("</tr>").unwrap();
        words(&format!("<main>{}</main>", &matrix[start..end]))
    };
    assert!(row("bet-won").ends_with("✓ won"), "{}", row("bet-won"));
    assert!(row("bet-lost").ends_with("✗ lost"), "{}", row("bet-lost"));
    assert!(row("bet-open").ends_with("10%"), "{}", row("bet-open"));
    // Sorting by payoff puts a won bet with the certain, a lost one with the impossible.
    assert!(
        matrix
            .contains("<td class=\"num bet-payoff\" data-sort=\"1\"><span class=\"verdict won\">")
    );
    assert!(
        matrix
            .contains("<td class=\"num bet-payoff\" data-sort=\"0\"><span class=\"verdict lost\">")
    );
}

#[test]
fn graph_json_carries_resolutions_and_verdicts() {
    let out = common::build_fixture("resolution");
    let graph: serde_json::Value =
        serde_json::from_str(&read_public(out.path(), "graph.json")).unwrap();
    let future = |id: &str| {
        graph["futures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == id)
            .unwrap_or_else(|| panic!("no future {id}"))
            .clone()
    };
    let a = future("lab-a");
    assert_eq!(a["resolved"]["outcome"], "happened");
    assert_eq!(a["resolved"]["on"], "2026-03-01");
    assert_eq!(a["resolved"]["display"], "Happened on 1 March 2026");
    assert_eq!(a["resolved"]["source"], "https://example.org/lab-a-tops");
    // Its own number stays what the author said; the browser applies the resolution.
    assert_eq!(a["probability"], 0.3);
    assert_eq!(future("left")["resolved"]["outcome"], "did-not-happen");
    // Settled by another's resolution, not resolved itself.
    assert!(future("lab-b")["resolved"].is_null());
    assert!(future("sprout")["resolved"].is_null());
    let bet = |id: &str| {
        graph["bets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["id"] == id)
            .unwrap_or_else(|| panic!("no bet {id}"))["settled"]
            .clone()
    };
    assert_eq!(bet("bet-won")["verdict"], "won");
    assert_eq!(bet("bet-won")["by"], "lab-a");
    assert_eq!(bet("bet-won")["display"], "Won: “Lab A leads” happened");
    assert_eq!(bet("bet-lost")["verdict"], "lost");
    assert_eq!(bet("bet-lost")["by"], "tree");
    assert!(bet("bet-open").is_null());
}

#[test]
fn the_table_the_map_and_listings_mark_settled_futures() {
    let out = common::build_fixture("resolution");
    let futures = read_public(out.path(), "futures/index.html");
    let cell = |id: &str| {
        let row = futures
            .find(&format!("<tr data-future=\"{id}\">"))
            .unwrap_or_else(|| panic!("no row for {id}"));
        let start = row + futures[row..].find("<td class=\"num\"").unwrap();
        let end = start + futures[start..].find("</td>").unwrap();
        futures[start..end].to_string()
    };
    // Sort values 1 and 0: settled futures sort with the certain and the impossible.
    let a = cell("lab-a");
    assert!(a.starts_with("<td class=\"num\" data-sort=\"1\">"), "{a}");
    assert_eq!(
        words(&format!("<main>{a}</main>")),
        "✓ happened resolved",
        "{a}"
    );
    let b = cell("lab-b");
    assert!(b.starts_with("<td class=\"num\" data-sort=\"0\">"), "{b}");
    assert_eq!(
        words(&format!("<main>{b}</main>")),
        "✗ did not happen settled"
    );
    let chips = cell("chips");
    assert!(chips.contains("data-sort=\"0.55"), "{chips}");
    assert_eq!(words(&format!("<main>{chips}</main>")), "55%");

    // The static map: a class for the theme, the mark and words in the box,
    // and when in the tooltip.
    let node = |id: &str| {
        let start = futures
            .find(&format!("id=\"{id}\" class=\"node"))
            .unwrap_or_else(|| panic!("no map node {id}"));
        let end = start + futures[start..].find("</a>").unwrap();
        futures[start..end].to_string()
    };
    let a = node("lab-a");
    assert!(a.contains("class=\"node p9 settled happened\""), "{a}");
    assert!(
        a.contains("<title>Lab A leads: ✓ happened — Happened on 1 March 2026</title>"),
        "{a}"
    );
    assert!(a.contains(">✓ happened</text>"), "{a}");
    let left = node("left");
    assert!(
        left.contains("class=\"node p0 settled did-not-happen\""),
        "{left}"
    );
    assert!(left.contains(">✗ did not happen</text>"), "{left}");
    let fork = node("fork");
    assert!(
        fork.contains("settled happened"),
        "settled by lab-a: {fork}"
    );
    let right = node("right");
    assert!(
        !right.contains("settled") && right.contains(">25%</text>"),
        "{right}"
    );
    assert!(futures.contains(
        "<li class=\"resolved-key\">✓ happened, ✗ did not happen: resolved, or settled by another’s resolution</li>"
    ));

    // Cards: the home page lists every future, settled ones in words.
    let home = read_public(out.path(), "index.html");
    assert!(home.contains(
        "<span class=\"prob settled happened\" data-future=\"lab-a\" title=\"resolved\"><span aria-hidden=\"true\">✓</span> happened</span>"
    ));
    assert!(home.contains("data-future=\"lab-b\" title=\"settled by “Lab A leads”\"><span aria-hidden=\"true\">✗</span> did not happen</span>"));
}
