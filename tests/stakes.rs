//! Stakes as readers see them, built from tests/sites/stakes: a bet page's
//! "What is at stake", the stakes on `/bets/` with their totals, and the
//! matrix's amounts, each against numbers worked out by hand.
//!
//! The fixture counts in `CHF` (a word: it follows the number). alpha is
//! 0.4, beta 0.3, gamma 0.25; `done` happened and `never` did not.
//! - exact-bet: 2,000 at 3× on alpha: P = 0.4, so 2,000 × (0.4 × 3 − 1) =
//!   +400; it returns +4,000 if alpha happens.
//! - range-bet: 500 at 2× on alpha, losing in beta: P = [0.4 − 0.3, min(0.4,
//!   1 − 0.3)] = [0.1, 0.4], so 500 × (0.1 × 2 − 1) = −400 to 500 × (0.4 × 2
//!   − 1) = −100; it returns +500 with alpha, −500 with beta.
//! - small-bet: 4 at 2.5× on gamma: 4 × (0.25 × 2.5 − 1) = −1.5 (below 10:
//!   one decimal); +6 if gamma happens.
//! - settled-won: 1,000 at 1.5× on `done`: returned +500. settled-lost: 250
//!   at 4× on `never`: returned −250.
//! - no-stake: nothing at stake, nothing shown.

mod common;

use std::path::Path;

use common::{build_fixture, read_public};

/// The text of `html` without its tags, entities decoded, whitespace collapsed.
fn words(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    common::unescape(&out)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The part of `html` from the first `start` to the next `end` after it.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("no {start:?} in the page"));
    let to = html[from..]
        .find(end)
        .unwrap_or_else(|| panic!("no {end:?} after {start:?}"));
    &html[from..from + to + end.len()]
}

fn bet_page(root: &Path, id: &str) -> String {
    read_public(root, &format!("bets/{id}/index.html"))
}

fn stake_section(page: &str) -> String {
    words(between(page, "<section class=\"stake\"", "</section>"))
}

#[test]
fn a_bet_page_says_what_is_at_stake_its_expected_value_and_its_returns() {
    let out = build_fixture("stakes");
    let root = out.path();

    let exact = stake_section(&bet_page(root, "exact-bet"));
    for part in [
        "What is at stake",
        "Stake 2,000 CHF",
        "Worth if it pays off 6,000 CHF (3× the stake: +4,000 CHF; otherwise the stake is lost: −2,000 CHF)",
        "Expected value +400 CHF",
        "stake × (chance × 3 − 1)",
        // Its one future, with its probability and what the bet returns.
        "Alpha ships 40% ✓ wins +4,000 CHF",
    ] {
        assert!(exact.contains(part), "{part:?} not in: {exact}");
    }
    assert!(
        !exact.contains("a range"),
        "an exact chance gives one number: {exact}"
    );

    let range = stake_section(&bet_page(root, "range-bet"));
    for part in [
        "Stake 500 CHF",
        "Expected value −400 CHF to −100 CHF",
        "a range whose ends are the chance's ends",
        "Alpha ships 40% ✓ wins +500 CHF",
        "Beta stalls 30% ✗ loses −500 CHF",
    ] {
        assert!(range.contains(part), "{part:?} not in: {range}");
    }

    let small = stake_section(&bet_page(root, "small-bet"));
    for part in [
        "Stake 4 CHF",
        "Worth if it pays off 10 CHF (2.5× the stake: +6 CHF",
        "Expected value −1.5 CHF",
    ] {
        assert!(small.contains(part), "{part:?} not in: {small}");
    }
}

#[test]
fn a_settled_bet_shows_what_it_returned_and_a_bet_without_a_stake_shows_nothing() {
    let out = build_fixture("stakes");
    let root = out.path();
    let won = stake_section(&bet_page(root, "settled-won"));
    assert!(
        won.contains("Returned +500 CHF (settled: it won, so the stake paid 1.5×)"),
        "{won}"
    );
    let lost = stake_section(&bet_page(root, "settled-lost"));
    assert!(
        lost.contains("Returned −250 CHF (settled: it lost, so the stake was lost)"),
        "{lost}"
    );
    for settled in [&won, &lost] {
        assert!(
            !settled.contains("Expected value") && !settled.contains("What it returns if"),
            "a settled bet has no expected value: {settled}"
        );
    }

    let none = bet_page(root, "no-stake");
    for absent in ["class=\"stake", "What is at stake", "CHF", "ev-value"] {
        assert!(
            !none.contains(absent),
            "a bet without a stake shows no {absent:?}"
        );
    }
}

#[test]
fn bets_lists_each_stake_and_the_totals() {
    let out = build_fixture("stakes");
    let page = read_public(out.path(), "bets/index.html");
    let item = |id: &str| words(between(&page, &format!("data-bet=\"{id}\""), "</li>"));
    let exact = item("exact-bet");
    assert!(
        exact.contains("pays off 40% stake 2,000 CHF at 3× · expected value +400 CHF"),
        "{exact}"
    );
    assert!(
        item("range-bet").contains("stake 500 CHF at 2× · expected value −400 CHF to −100 CHF")
    );
    assert!(item("small-bet").contains("expected value −1.5 CHF"));
    assert!(item("settled-won").contains("stake 1,000 CHF at 1.5× · returned +500 CHF"));
    assert!(item("settled-lost").contains("returned −250 CHF"));
    let none = between(&page, "data-bet=\"no-stake\"", "</li>");
    assert!(
        !none.contains("bet-stake") && !none.contains("CHF"),
        "a bet without a stake lists none: {none}"
    );

    // The open bets: 2,000 + 500 + 4 at stake; +400 + [−400, −100] − 1.5 =
    // [−1.5, +298.5], which reads +299. The settled: +500 − 250.
    let totals = words(between(
        &page,
        "<section class=\"stake-total\"",
        "</section>",
    ));
    for part in [
        "On 3 open bets with a stake 2,504 CHF",
        "Their expected value together −1.5 CHF to +299 CHF",
        "Settled, 2 bets with a stake returned +250 CHF",
    ] {
        assert!(totals.contains(part), "{part:?} not in: {totals}");
    }
}

#[test]
fn a_site_without_stakes_shows_no_totals_and_no_amounts() {
    let out = build_fixture("good");
    let bets = read_public(out.path(), "bets/index.html");
    assert!(!bets.contains("stake-total") && !bets.contains("bet-stake"));
    let matrix = read_public(out.path(), "bets/matrix/index.html");
    assert!(!matrix.contains("Expected value") && !matrix.contains("col-returns"));
}

#[test]
fn the_matrix_says_what_each_bet_returns_and_sums_each_future() {
    let out = build_fixture("stakes");
    let page = read_public(out.path(), "bets/matrix/index.html");
    let head = between(&page, "<thead>", "</thead>");
    assert!(
        words(head).ends_with("Pays off Expected value"),
        "{}",
        words(head)
    );
    // Each heading names its future, and so does its probability inside it.
    let mut columns: Vec<&str> = common::attributes(head, "data-future");
    columns.dedup();
    let row = |id: &str| -> Vec<String> {
        let tr = between(&page, &format!("<tr data-bet=\"{id}\""), "</tr>");
        tr.split("<td")
            .skip(1)
            .map(|td| words(&format!("<td{td}")))
            .collect()
    };
    let cell = |id: &str, future: &str| {
        let k = columns.iter().position(|&c| c == future).unwrap();
        row(id)[k].clone()
    };
    assert_eq!(cell("exact-bet", "alpha"), "✓ wins +4,000 CHF");
    assert_eq!(cell("range-bet", "alpha"), "✓ wins +500 CHF");
    assert_eq!(cell("range-bet", "beta"), "✗ loses −500 CHF");
    assert_eq!(cell("small-bet", "gamma"), "✓ wins +6 CHF");
    assert_eq!(cell("no-stake", "beta"), "✓ wins", "no stake, no amount");
    // Each row ends with its chance and its expected value (what it
    // returned, once settled; nothing without a stake).
    let ends = |id: &str| row(id)[columns.len()..].to_vec();
    assert_eq!(ends("exact-bet"), ["40%", "+400 CHF"]);
    assert_eq!(ends("range-bet"), ["10–40%", "−400 CHF to −100 CHF"]);
    assert_eq!(ends("small-bet"), ["25%", "−1.5 CHF"]);
    assert_eq!(ends("settled-won"), ["✓ won", "returned +500 CHF"]);
    assert_eq!(ends("no-stake"), ["30%", ""]);
    // Sorting by expected value: the midpoint of a range, what a settled bet returned.
    let sort = |id: &str| -> f64 {
        let tr = between(&page, &format!("<tr data-bet=\"{id}\""), "</tr>");
        let ev = tr.rsplit("<td").next().unwrap();
        common::attributes(ev, "data-sort")[0].parse().unwrap()
    };
    assert!((sort("range-bet") + 250.0).abs() < 1e-9);
    assert_eq!(sort("settled-lost"), -250.0);

    // Each column's footer: the sum of what the staked bets return there.
    let foot = between(&page, "<tfoot>", "</tfoot>");
    let sums: Vec<String> = foot
        .split("<td")
        .skip(1)
        .map(|td| words(&format!("<td{td}")))
        .collect();
    let sum = |future: &str| sums[columns.iter().position(|&c| c == future).unwrap()].clone();
    assert_eq!(sum("alpha"), "2 win 0 lose net +4,500 CHF");
    assert_eq!(
        sum("beta"),
        "1 win 1 lose net −500 CHF",
        "no-stake wins here with nothing at stake"
    );
    assert_eq!(sum("gamma"), "1 win 0 lose net +6 CHF");
    assert_eq!(sum("never"), "1 win 0 lose net +750 CHF");
    assert_eq!(
        sums.len(),
        columns.len() + 2,
        "the payoff's and the expected value's"
    );
}
