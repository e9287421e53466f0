//! What moved: `/changes/`, `/changes.xml`, each future's feed and the
//! home page's latest changes, built from `tests/sites/changes` with a git
//! history the test makes (dated commits) at a fixed "now", 1 October
//! 2026. The window is the 90 days after 3 July 2026 up to 1 October.
//!
//! The history:
//! - 1 Jun: every fixture file (agi 40% → boom by 0.5; signpost 30%;
//!   market-up and stale on markets; the bet old-bet wins if agi)
//! - 10 Aug: agi 40% → 25% ("Scaling evidence weakens")
//! - 1 Sep: a new future (a hostile title, 10%) and a new bet, hedge
//! - 15 Sep: signpost resolved (happened on 14 Sep); agi gets evidence
//!   dated 20 Sep (in the window) and 1 May (before it)
//!
//! market-up's history: +30 points in May (before the window), 30% →
//! 35.01% from 1 to 6 Aug (5.01 points: a move), 50% → 54.99% from 1 to
//! 5 Sep (4.99 points: none). stale-market was last read on 20 Jun at
//! 60%, its history ending at 20% on 10 Jun: no move, no consequence.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use common::{TempDir, commit, copy_dir, fixture, git_at, snapshot};

/// 1 October 2026, 00:00 UTC.
const NOW: &str = "1790812800";
/// 2 October 2026, 00:00 UTC.
const NEXT_DAY: &str = "1790899200";
/// 1 January 2030: nothing of the fixture is in its window.
const LATER: &str = "1893456000";

const ATOM: &str = "http://www.w3.org/2005/Atom";

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

const HOSTILE: &str = "<script>alert(1)</script> & \"friends\"";

/// The fixture in a repository with the history above.
fn site() -> TempDir {
    let dir = TempDir::new("changes");
    let d = dir.path();
    copy_dir(&fixture("changes"), d);
    git_at(d, "2026-06-01", &["init", "-q"]);
    commit(d, "2026-06-01", "Add the futures");
    write(
        d,
        "futures/agi.yaml",
        "title: AGI arrives\nprobability: 0.25\nleads_to:\n  - future: boom\n    probability: 0.5\n",
    );
    commit(d, "2026-08-10", "Scaling evidence weakens");
    write(
        d,
        "futures/newcomer.yaml",
        &format!("title: '{HOSTILE}'\nprobability: 0.1\n"),
    );
    write(
        d,
        "bets/hedge.md",
        "---\ntitle: Hedge the boom\nkind: personal\nstatus: placed\nwins_if: [boom]\n---\nA hedge.\n",
    );
    commit(d, "2026-09-01", "Add a newcomer and a hedge");
    write(
        d,
        "futures/signpost.yaml",
        "title: A signpost\nprobability: 0.3\nresolved:\n  outcome: happened\n  on: 2026-09-14\n  source: https://example.org/settled\n",
    );
    write(
        d,
        "futures/agi.yaml",
        "title: AGI arrives\nprobability: 0.25\nleads_to:\n  - future: boom\n    probability: 0.5\nevidence:\n  - date: 2026-05-01\n    title: An old report\n    url: https://example.org/old\n    direction: for\n  - date: 2026-09-20\n    title: Lab reports <b>week-long</b> agents fail\n    url: https://example.org/e\n    direction: against\n",
    );
    commit(d, "2026-09-15", "Settle the signpost; evidence on agi");
    dir
}

/// Builds `site` into `out` at `epoch`.
fn build(site: &Path, out: &Path, epoch: &str) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_forkcast"))
        .args(["build", "--offline", "--output", out.to_str().unwrap()])
        .current_dir(site)
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", epoch)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn read(out: &Path, rel: &str) -> String {
    fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in html.chars() {
        match c {
            '<' => inside = true,
            '>' => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

/// Each `<li class="change …">` of `html` as (its id, its words on one line).
fn items(html: &str) -> Vec<(String, String)> {
    html.split("<li class=\"change ")
        .skip(1)
        .map(|li| {
            let li = &li[..li.find("</li>").unwrap()];
            let id = li
                .split_once(" id=\"")
                .map(|(_, rest)| rest[..rest.find('"').unwrap()].to_string())
                .unwrap_or_default();
            let words = common::unescape(&strip_tags(&li[li.find('>').unwrap() + 1..]));
            (id, words.split_whitespace().collect::<Vec<_>>().join(" "))
        })
        .collect()
}

#[test]
fn the_changes_page_lists_each_kind_newest_first_with_both_numbers() {
    let site = site();
    let out = TempDir::new("changes-out");
    let built = build(site.path(), out.path(), NOW);
    let stderr = String::from_utf8_lossy(&built.stderr);
    assert!(!stderr.contains("error"), "{stderr}");
    let html = read(out.path(), "changes/index.html");
    let got = items(&html);
    let expected: Vec<(&str, &str)> = vec![
        // Consequences, futures then bets, largest first, 1 Oct against 3 Jul:
        // signpost resolved: 30% → 1 (said as happened), 70 points;
        // agi 40% → 25%, 15 points; market-up: 40% (its value of 3 May) →
        // 54.99% (read 1 Oct), 14.99 points; boom = agi × 0.5: 20% → 12.5%
        // (reads 12%, half to even), 7.5 points; old-bet wins if agi:
        // 40% → 25%, 15 points. stale: 60% (read 20 Jun) both days: none.
        // newcomer and hedge were added in the window: no consequence.
        (
            "probability/signpost",
            "Probability A signpost It happened (settled), against 30% on 3 July 2026.",
        ),
        (
            "probability/agi",
            "Probability AGI arrives The site gives it 25% on 1 October 2026, against 40% on 3 July 2026.",
        ),
        (
            "probability/market-up",
            "Probability A market that moves The site gives it 55% on 1 October 2026, against 40% on 3 July 2026.",
        ),
        (
            "probability/boom",
            "Probability An investment boom The site gives it 12% on 1 October 2026, against 20% on 3 July 2026.",
        ),
        (
            "payoff/old-bet",
            "Chance of paying off Bet on AGI Its chance of paying off is 25% on 1 October 2026, against 40% on 3 July 2026.",
        ),
        // Then day by day.
        (
            "evidence/agi/2026-09-20",
            "▼ Evidence against AGI arrives New evidence makes it less likely: Lab reports <b>week-long</b> agents fail",
        ),
        (
            "resolution/signpost/2026-09-14",
            "✓ Resolved A signpost It happened (settled 14 September 2026).",
        ),
        (
            "future-added/newcomer/2026-09-01",
            "New future <script>alert(1)</script> & \"friends\" Added to the map; the site gives it 10%.",
        ),
        (
            "bet-added/hedge/2026-09-01",
            "New bet Hedge the boom Placed; its chance of paying off is 12%.",
        ),
        (
            "estimate/agi/2026-08-10",
            "▼ Estimate AGI arrives The author's estimate went from 40% to 25%. “Scaling evidence weakens”",
        ),
        // 30% → 35.01% in 5 days; 50% → 54.99% (4.99 points) and May's +30
        // (before the window) are not listed.
        (
            "market/market-up/manifold:market-up/2026-08-01/2026-08-06",
            "▲ Market move A market that moves The market manifold:market-up went from 30% on 1 August 2026 to 35% on 6 August 2026.",
        ),
    ];
    let got_ref: Vec<(&str, &str)> = got.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    assert_eq!(got_ref, expected);
    // Grouped by day, newest first.
    let days: Vec<&str> = html
        .split("<h3><time datetime=\"")
        .skip(1)
        .map(|s| &s[..10])
        .collect();
    assert_eq!(
        days,
        [
            "2026-09-20",
            "2026-09-14",
            "2026-09-01",
            "2026-08-10",
            "2026-08-06"
        ]
    );
    // The hostile title is text, never markup.
    assert!(!html.contains("<script>alert"), "unescaped title");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;")
            || html.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
    );

    // The home page: the latest five, no consequences, and a link to all.
    let home = read(out.path(), "index.html");
    let latest: Vec<String> = items(&home).into_iter().map(|(_, w)| w).collect();
    assert_eq!(latest.len(), 5, "{latest:?}");
    // Each with its date, the list having no day headings.
    assert!(
        latest[0].starts_with("▼ Evidence against · 20 September 2026 AGI arrives"),
        "{latest:?}"
    );
    assert!(
        latest[4].starts_with("▼ Estimate · 10 August 2026 AGI arrives"),
        "{latest:?}"
    );
    assert!(home.contains("href=\"/changes/\">All changes"));
    // The nav links the page; the sitemap lists it, not the feeds.
    assert!(html.contains("href=\"/changes/\" aria-current=\"page\">Changes</a>"));
    let sitemap = read(out.path(), "sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/changes/</loc>"));
    assert!(!sitemap.contains("atom.xml") && !sitemap.contains("changes.xml"));
}

/// A feed's entries as (id, title, updated, link).
fn entries(xml: &str) -> Vec<(String, String, String, String)> {
    let doc = roxmltree::Document::parse(xml).unwrap();
    let feed = doc.root_element();
    assert_eq!(
        (feed.tag_name().namespace(), feed.tag_name().name()),
        (Some(ATOM), "feed")
    );
    let text = |n: roxmltree::Node<'_, '_>, name: &str| {
        n.children()
            .find(|c| c.has_tag_name((ATOM, name)))
            .and_then(|c| c.text())
            .unwrap_or_else(|| panic!("no {name}"))
            .to_string()
    };
    for required in ["id", "title", "updated"] {
        assert!(!text(feed, required).is_empty(), "feed lacks {required}");
    }
    let link = |n: roxmltree::Node<'_, '_>, rel: &str| {
        n.children()
            .find(|c| c.has_tag_name((ATOM, "link")) && c.attribute("rel") == Some(rel))
            .and_then(|c| c.attribute("href"))
            .map(str::to_string)
    };
    assert!(link(feed, "self").is_some(), "feed lacks rel=self");
    feed.children()
        .filter(|c| c.has_tag_name((ATOM, "entry")))
        .map(|e| {
            assert!(!text(e, "summary").is_empty());
            (
                text(e, "id"),
                text(e, "title"),
                text(e, "updated"),
                link(e, "alternate").expect("entry link"),
            )
        })
        .collect()
}

#[test]
fn the_feeds_are_atom_with_stable_ids_and_escaped_text() {
    let site = site();
    let (a, b, c) = (
        TempDir::new("changes-a"),
        TempDir::new("changes-b"),
        TempDir::new("changes-c"),
    );
    build(site.path(), a.path(), NOW);
    build(site.path(), b.path(), NOW);
    // Byte-identical at one SOURCE_DATE_EPOCH.
    assert!(
        snapshot(a.path()) == snapshot(b.path()),
        "two builds differ"
    );

    let feed = read(a.path(), "changes.xml");
    let got = entries(&feed);
    assert_eq!(got.len(), 11, "{got:?}");
    assert_eq!(
        got[0],
        (
            "https://example.org/changes/#probability/signpost".into(),
            "Probability: A signpost".into(),
            "2026-10-01T00:00:00Z".into(),
            "https://example.org/futures/signpost/".into()
        )
    );
    let added = got
        .iter()
        .find(|e| e.0.ends_with("future-added/newcomer/2026-09-01"))
        .unwrap();
    assert_eq!(added.1, format!("New future: {HOSTILE}"));
    assert!(!feed.contains("<script>"), "raw markup in the feed");
    assert!(feed.contains("<updated>2026-10-01T00:00:00Z</updated>"));

    // A day later the same items keep their ids (the consequences are
    // the same items, updated).
    build(site.path(), c.path(), NEXT_DAY);
    let ids = |v: &[(String, String, String, String)]| -> Vec<String> {
        let mut ids: Vec<String> = v.iter().map(|e| e.0.clone()).collect();
        ids.sort();
        ids
    };
    let later = entries(&read(c.path(), "changes.xml"));
    assert_eq!(ids(&got), ids(&later));

    // agi's own feed: its evidence and estimate change, not the
    // consequences; linked from its page.
    let agi = entries(&read(a.path(), "futures/agi/atom.xml"));
    let titles: Vec<&str> = agi.iter().map(|e| e.1.as_str()).collect();
    assert_eq!(
        titles,
        ["Evidence against: AGI arrives", "Estimate: AGI arrives"]
    );
    assert_eq!(agi[0].2, "2026-09-20T00:00:00Z");
    let page = read(a.path(), "futures/agi/index.html");
    assert!(page.contains(
        "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Changes to “AGI arrives”\" href=\"/futures/agi/atom.xml\">"
    ));
    assert!(page.contains("<a href=\"/futures/agi/atom.xml\">Follow its changes (Atom feed)</a>"));
    let up = entries(&read(a.path(), "futures/market-up/atom.xml"));
    assert_eq!(up.len(), 1);
    assert_eq!(up[0].1, "Market move: A market that moves");
    // A future with nothing in the window has a valid, empty feed.
    assert!(entries(&read(a.path(), "futures/stale/atom.xml")).is_empty());
}

#[test]
fn with_nothing_in_the_window_the_page_says_what_will_appear() {
    let site = site();
    let out = TempDir::new("changes-empty");
    build(site.path(), out.path(), LATER);
    let html = read(out.path(), "changes/index.html");
    assert!(items(&html).is_empty());
    assert!(html.contains("Nothing changed in these 90 days."));
    assert!(html.contains("will appear here, newest first."));
    assert!(
        html.contains("No probability and no bet’s chance")
            || html.contains("No probability and no bet&#39;s chance")
            || html.contains("No probability and no bet's chance")
    );
    assert!(entries(&read(out.path(), "changes.xml")).is_empty());
}

#[test]
fn the_hostile_sites_feeds_parse_and_escape() {
    let out = TempDir::new("changes-hostile");
    let site = fixture("hostile");
    build(&site, out.path(), NOW);
    for rel in ["changes.xml", "atom.xml"] {
        let xml = read(out.path(), rel);
        entries(&xml);
        assert!(!xml.contains("<script"), "{rel}");
    }
    let html = read(out.path(), "changes/index.html");
    assert!(
        !html.contains("<script>alert"),
        "hostile markup on /changes/"
    );
}
