//! `[[id]]` references, built end to end from tests/sites/references
//! (base URL `https://example.org/deep/path/`). The numbers by hand:
//! `agi` 0.42 → `42%`, `chips` 0.3 → `30%`, the future `both` 0.2 →
//! `20%`; the bet `both` wins only in `chips`, so it pays off 30%; `done`
//! happened and `gone` did not (both resolved on 1 March 2026).
//! The located errors are tests/invalid/reference-errors (run by cli.rs).

mod common;

use common::read_public;

const HOSTILE: &str = "AGI &lt;script&gt;alert(1)&lt;&#x2F;script&gt; &amp; &quot;friends&quot;";

/// The link a reference to future `id` makes, with `words` and `number`.
fn future_ref(id: &str, words: &str, number: &str) -> String {
    format!(
        "<a class=\"ref\" href=\"/deep/path/futures/{id}/\" data-future=\"{id}\"><span class=\"ref-t\">{words}</span> <span class=\"ref-p\">{number}</span></a>"
    )
}

#[test]
fn every_form_links_with_its_title_or_words_and_number() {
    let out = common::build_fixture("references");
    let post = read_public(out.path(), "posts/refs/index.html");
    let hostile = HOSTILE.replace("&#x2F;", "/");
    let expected = [
        future_ref("agi", &hostile, "42%"),
        future_ref("agi", "the <em>big</em> one", "42%"),
        future_ref("both", "Both, the future", "20%"),
        "<a class=\"ref\" href=\"/deep/path/bets/both/\" data-bet=\"both\"><span class=\"ref-t\">our bet</span> <span class=\"ref-p\">30%</span><span class=\"visually-hidden\"> chance of paying off</span></a>".into(),
        "<a class=\"ref\" href=\"/deep/path/futures/done/\" data-future=\"done\"><span class=\"ref-t\">Done deal</span> <span class=\"ref-p settled happened\"><span aria-hidden=\"true\">✓</span> Happened</span></a>".into(),
        "<a class=\"ref\" href=\"/deep/path/futures/gone/\" data-future=\"gone\"><span class=\"ref-t\">Gone for good</span> <span class=\"ref-p settled did-not-happen\"><span aria-hidden=\"true\">✗</span> Did not happen</span></a>".into(),
        format!("<td>{}</td>", future_ref("chips", "the boom", "30%")),
    ];
    for e in &expected {
        assert!(post.contains(e.as_str()), "missing {e}\nin {post}");
    }
    assert_eq!(post.matches("class=\"ref\"").count(), expected.len());
    assert!(
        !post.contains("<script>alert"),
        "the hostile title is escaped"
    );
}

#[test]
fn code_spans_and_blocks_are_left_alone() {
    let out = common::build_fixture("references");
    let post = read_public(out.path(), "posts/refs/index.html");
    assert!(post.contains("<code>[[agi]]</code>"), "{post}");
    assert!(post.contains("<code>[[agi]] indented\n</code>"), "{post}");
    assert!(post.contains("<code>[[agi]] fenced\n</code>"), "{post}");
}

/// The number a reference shows is the one the future's or bet's own page
/// shows, read from both pages.
#[test]
fn a_reference_shows_the_number_of_its_target_page() {
    let out = common::build_fixture("references");
    let post = read_public(out.path(), "posts/refs/index.html");
    let between = |html: &str, start: &str, end: &str| -> String {
        let from = html.find(start).unwrap_or_else(|| panic!("no {start}")) + start.len();
        html[from..].split(end).next().unwrap().to_string()
    };
    let future_page = read_public(out.path(), "futures/chips/index.html");
    let own = between(
        &future_page,
        "<dt>Probability</dt><dd><strong>",
        "</strong>",
    );
    let shown = between(
        &post,
        "data-future=\"chips\"><span class=\"ref-t\">the boom</span> <span class=\"ref-p\">",
        "<",
    );
    assert_eq!((own.as_str(), shown.as_str()), ("30%", "30%"));
    let bet_page = read_public(out.path(), "bets/both/index.html");
    let own = between(&bet_page, "<strong class=\"payoff-value\">", "</strong>");
    let shown = between(
        &post,
        "data-bet=\"both\"><span class=\"ref-t\">our bet</span> <span class=\"ref-p\">",
        "<",
    );
    assert_eq!((own.as_str(), shown.as_str()), ("30%", "30%"));
}

/// The home introduction, pages, a future's summary and criteria and a
/// bet's argument take references too.
#[test]
fn every_kind_of_markdown_takes_references() {
    let out = common::build_fixture("references");
    let home = read_public(out.path(), "index.html");
    assert!(
        home.contains(&future_ref("agi", &HOSTILE.replace("&#x2F;", "/"), "42%")),
        "{home}"
    );
    let about = read_public(out.path(), "about/index.html");
    assert!(about.contains("data-bet=\"both\"><span class=\"ref-t\">Both, the bet</span> <span class=\"ref-p\">30%</span>"), "{about}");
    let agi = read_public(out.path(), "futures/agi/index.html");
    assert!(
        agi.contains(&future_ref("chips", "Chips boom", "30%")),
        "summary: {agi}"
    );
    assert!(agi.contains("data-bet=\"both\"><span class=\"ref-t\">the bet</span> <span class=\"ref-p\">30%</span>"), "resolves_when: {agi}");
    let bet = read_public(out.path(), "bets/both/index.html");
    assert!(
        bet.contains(&future_ref("both", "the other both", "20%")),
        "{bet}"
    );
}

/// A post that references a future is listed on its page among the posts
/// that discuss it, as one naming it in `futures:` is.
#[test]
fn a_referenced_future_lists_the_post() {
    let out = common::build_fixture("references");
    for id in ["agi", "chips", "both", "done", "gone"] {
        let page = read_public(out.path(), &format!("futures/{id}/index.html"));
        assert!(page.contains("<h2>Discussed in</h2>"), "{id}");
        assert!(page.contains("href=\"/deep/path/posts/refs/\""), "{id}");
    }
}

/// Summaries and search read the words of a reference, never its number.
#[test]
fn summaries_and_search_get_the_words() {
    let out = common::build_fixture("references");
    let list = read_public(out.path(), "posts/index.html");
    let summary = "Plain AGI &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;friends&quot;, worded the big one, typed Both, the future, a bet our bet, settled Done deal and Gone for good.";
    assert!(list.contains(summary), "{list}");
    let summaries = read_public(out.path(), "futures/summaries.json");
    assert!(
        summaries.contains("It needs Chips boom first."),
        "{summaries}"
    );
    assert!(!summaries.contains("30%"), "{summaries}");
}
