//! The shape of every JSON file the browser reads: `graph.json`,
//! `summaries.json`, the hover cards' `card.json` and the search index's
//! `search/*.json`, declared once.
//! Nothing here computes: `render::data` and `search` fill these types and
//! [`encode`] writes them.
//!
//! `themes/default/browser-data.d.ts` mirrors them field for field for the
//! theme's modules (`// @ts-check`), and `tests/browser.rs` keeps the two
//! in step: it type-checks each file a build writes against it with tsc
//! (an extra or a missing field is an error), and without Node it checks
//! that every field name a build writes is declared there.
//!
//! Units: probabilities are numbers from 0 to 1; lengths on the map are in
//! its own units, CSS pixels at zoom 1; years are calendar years; dates are
//! `YYYY-MM-DD` strings; URLs are absolute paths (`/futures/x/`) unless
//! named full.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

/// `graph.json`: every future, edge, group and bet, with the map's geometry
/// and the rules the browser prints numbers by.
#[derive(Serialize)]
pub(crate) struct Graph<'a> {
    /// The site's title.
    pub title: &'a str,
    /// The site's full base URL (`https://example.org/manual/`).
    pub base_url: &'a str,
    /// In the order of the site's futures, which sums over parents follow.
    pub futures: Vec<Future<'a>>,
    /// Every `leads_to` edge.
    pub edges: Vec<Edge<'a>>,
    /// Every future that other futures are `within`, with its members.
    pub groups: Vec<Group<'a>>,
    pub bets: Vec<Bet<'a>>,
    pub map: MapInfo,
    pub rules: Rules,
    /// Where threads live and the day of the last listing; `None` without
    /// `community: true`.
    pub community: Option<Discussions>,
}

/// A future (or a group: a future others are within).
#[derive(Serialize)]
pub(crate) struct Future<'a> {
    pub id: &'a str,
    pub title: &'a str,
    /// Its page.
    pub url: String,
    /// The id of the group it is in.
    pub within: Option<&'a str>,
    /// The years it is expected in.
    pub when: Option<Years>,
    /// Its own probability (0–1): its markets' aggregate, else its author's
    /// estimate; `None` where neither gives one.
    pub probability: Option<f64>,
    /// Where `probability` comes from: `markets` or `estimate`.
    pub source: Option<&'static str>,
    /// Σ P(parent) × P(edge), capped at 1 (0–1), at the site's values
    /// (resolutions applied); a root's own probability.
    pub implied: Option<f64>,
    /// Own and implied differ by more than `rules.disagreement`.
    pub disagreement: bool,
    /// How it was settled, once it resolved: `probability` stays what its
    /// markets or author said, and the browser applies the resolution by
    /// the same rule as the build.
    pub resolved: Option<Resolved<'a>>,
    pub tags: &'a [String],
    /// Its markets' references, `platform:id`.
    pub markets: Vec<String>,
    /// The oldest stale market value's date, if a refresh failed.
    pub stale: Option<String>,
    /// Its box on the map: x, y, width, height (map units, to 0.1).
    pub rect: [f64; 4],
    /// Votes and comments of its thread, with `community: true`.
    pub community: Option<Community>,
    /// Where each line of its title ends (UTF-16 units); short of the
    /// title's length when it is cut.
    pub lines: &'a [usize],
}

/// A future's resolution.
#[derive(Serialize)]
pub(crate) struct Resolved<'a> {
    /// `happened` or `did-not-happen`.
    pub outcome: &'static str,
    /// The day it was settled.
    pub on: String,
    /// As the pages say it: "Happened on 1 March 2026".
    pub display: String,
    /// Where it was settled (a full URL).
    pub source: &'a str,
}

/// A window of years, both ends included.
#[derive(Clone, Copy, Serialize)]
pub(crate) struct Years {
    pub start: i32,
    pub end: i32,
}

/// A `leads_to` edge: P(`to` | `from`).
#[derive(Serialize)]
pub(crate) struct Edge<'a> {
    pub from: &'a str,
    pub to: &'a str,
    /// 0–1.
    pub probability: f64,
}

/// A future that others are within, and those futures' ids.
#[derive(Serialize)]
pub(crate) struct Group<'a> {
    pub id: &'a str,
    pub members: Vec<&'a str>,
}

/// A bet and the futures it wins and loses in.
#[derive(Serialize)]
pub(crate) struct Bet<'a> {
    pub id: &'a str,
    pub title: &'a str,
    /// Its page.
    pub url: String,
    /// `financial`, `career` or `personal`.
    pub kind: &'static str,
    /// `idea`, `planned`, `placed` or `closed`.
    pub status: &'static str,
    pub wins_if: Vec<&'a str>,
    pub loses_if: Vec<&'a str>,
    /// Its chance of paying off, by the site's numbers.
    pub payoff: Payoff,
    /// The future whose fork decides it, where there is one.
    pub essential_fork: Option<&'a str>,
    /// Votes and comments of its thread, with `community: true`.
    pub community: Option<Community>,
    /// The futures that move its payoff most, largest first.
    pub swings: Vec<Swing<'a>>,
    /// Won or lost, once resolutions settle it; no reader's view changes it.
    pub settled: Option<Settled<'a>>,
    /// What is at stake, where its author says.
    pub stake: Option<StakeData>,
}

/// A bet's stake: the amount (in `rules.currency`) and what it is worth if
/// the bet pays off, as a multiple; the expected value and returns are the
/// browser's to compute under a reader's view.
#[derive(Serialize)]
pub(crate) struct StakeData {
    /// More than 0.
    pub amount: f64,
    /// More than 0.
    pub pays: f64,
    /// stake × (P × pays − 1) at the site's numbers, as the pages print it:
    /// `+$100`, `−$600 to +$1,000`, `unknown`.
    pub expected: String,
}

/// A bet's chance of paying off, as its page prints it too.
#[derive(Serialize)]
pub(crate) struct Payoff {
    /// `exact` (`low` = `high`), `range` (bounds) or `unknown` (both `None`).
    pub kind: &'static str,
    /// 0–1.
    pub low: Option<f64>,
    /// 0–1.
    pub high: Option<f64>,
    /// As the pages print it: `35%`, `20–45%`, `80% to >99%`, `unknown`.
    pub display: String,
}

/// A bet that resolutions settled.
#[derive(Serialize)]
pub(crate) struct Settled<'a> {
    /// `won` or `lost`.
    pub verdict: &'static str,
    /// The future that decided it.
    pub by: &'a str,
    /// As its page says it: "Won: Human-level AI arrives happened".
    pub display: String,
}

/// How much one future moves a bet.
#[derive(Serialize)]
pub(crate) struct Swing<'a> {
    pub future: &'a str,
    /// The bet's chance with the future certain minus with it impossible
    /// (the midpoint, for bounds): −1 to 1.
    pub swing: f64,
}

/// The votes line of a future's or bet's discussion thread, for pages and
/// for `graph.json`.
#[derive(Clone, Serialize)]
pub(crate) struct Community {
    pub up: u64,
    pub down: u64,
    pub comments: u64,
    /// `3 comments`, `1 comment`.
    pub comments_label: String,
    /// Up minus down: what the futures table sorts by.
    pub score: i64,
    /// The thread (a full URL), where readers vote and discuss; `None`:
    /// none yet.
    pub url: Option<String>,
    /// GitHub's new-issue form, prefilled (a full URL), where there is no
    /// thread.
    pub new_url: Option<String>,
    /// The day the counts were read.
    pub as_of: Option<String>,
    /// The counts are from an older listing: the last refresh failed.
    pub stale: bool,
}

/// Where the site's discussion threads live.
#[derive(Serialize)]
pub(crate) struct Discussions {
    /// The repository's full URL.
    pub repository: String,
    /// The day of the last complete listing.
    pub as_of: Option<String>,
}

/// The map's geometry and the sizes its text is drawn at, all in map units
/// (CSS pixels at zoom 1): the browser draws what the build laid out.
#[derive(Serialize)]
pub(crate) struct MapInfo {
    pub width: f64,
    pub height: f64,
    /// The top level's columns, for the time axis.
    pub columns: Vec<Column>,
    /// A future's box is this wide.
    pub node_width: f64,
    /// A future's title's font size.
    pub text_px: f64,
    /// An edge's P(edge) label's font size.
    pub edge_px: f64,
    /// A future's title's line height.
    pub line_height: f64,
    /// A future's text's inset from the box's left.
    pub text_x: f64,
    /// A future's first baseline, from the box's top.
    pub baseline: f64,
    /// A group's title's font size, inset and first baseline.
    pub group_px: f64,
    pub group_x: f64,
    pub group_baseline: f64,
    /// A group's header is `header_pad` + its lines × `group_line` high.
    pub group_line: f64,
    pub header_pad: f64,
    /// Text smaller than this on screen (CSS pixels) is hidden.
    pub min_text_px: f64,
    /// The room kept around the map in its frame: horizontal, vertical.
    pub margin: (f64, f64),
    /// A closed group's mark per future: its side and the gap between marks.
    pub mark: f64,
    pub mark_gap: f64,
    /// The gap between bands, where a lower band's axis goes.
    pub band_gap: f64,
}

/// A column of the map's top level.
#[derive(Serialize)]
pub(crate) struct Column {
    pub x: f64,
    /// The top of its band.
    pub y: f64,
    pub w: f64,
    /// The years its futures are expected in (a group's own window where it
    /// has one), if any are dated.
    pub when: Option<Years>,
}

/// The rules the browser shows numbers with, as the pages do.
#[derive(Serialize)]
pub(crate) struct Rules {
    /// Own and implied must differ by more than this (0–1) to be disputed.
    pub disagreement: f64,
    pub display: Display,
    /// The unit of bets' stakes; `None`: plain numbers.
    pub currency: Option<CurrencyRule>,
    /// A reader's future with at least this probability (0–1) in which
    /// none of their bets pays off is listed as uncovered.
    pub uncovered: f64,
}

/// How amounts read: `unit` before the number where `before` (`$2,000`),
/// else after it with a space (`2,000 hours`).
#[derive(Serialize)]
pub(crate) struct CurrencyRule {
    pub unit: String,
    pub before: bool,
}

/// Probabilities below `low` read `<1%`, above `high` `>99%` (0–1 both).
#[derive(Serialize)]
pub(crate) struct Display {
    pub low: f64,
    pub high: f64,
}

/// `summaries.json`: each future's plain-text summary, by id, for the map's
/// side panel.
pub(crate) type Summaries<'a> = BTreeMap<&'a str, &'a str>;

/// `futures/<id>/card.json` and `bets/<id>/card.json`: what a hover card
/// shows of a future or bet, from the facts its social card and embed show
/// (`render::card`).
#[derive(Serialize)]
pub(crate) struct HoverCard<'a> {
    /// `Future` or `Bet`.
    pub kind: &'a str,
    pub title: &'a str,
    /// Its probability or chance of paying off, as its page says it.
    pub number: Option<CardNumber<'a>>,
    /// One value a week (0–1), oldest first, the last one now; empty when
    /// fewer than two weeks are known.
    pub sparkline: &'a [f64],
    /// The values its height spans, bottom and top (`render::card::spark_range`).
    pub sparkline_range: [f64; 2],
    /// The sparkline in words, for readers who cannot see it: `30% 12
    /// weeks ago, 42% now`; empty without one.
    pub trend: String,
    /// The summary's first sentence.
    pub sentence: &'a str,
}

/// A hover card's number.
#[derive(Serialize)]
pub(crate) struct CardNumber<'a> {
    /// `42%`, `20–45%`, `Happened`, `Won`.
    pub display: &'a str,
    /// `chance`, `chance of paying off` or `resolved`.
    pub label: &'a str,
    /// Where it comes from, in words: `aggregate of 2 markets`.
    pub source: &'a str,
    /// The day it stands for: `5 December 2026`.
    pub date: &'a str,
}

/// `search/meta.json`: what a query needs before it reads any chunk.
#[derive(Serialize)]
pub(crate) struct SearchMeta<'a> {
    /// How many documents the index numbers (removed ones included).
    pub docs: usize,
    /// Rows per `d-N.json`: document `d` is row `d % docs_per_file` of
    /// file `d / docs_per_file`.
    pub docs_per_file: usize,
    /// `[first word, last word]` of each `w-N.json`, in order.
    pub chunks: Vec<[&'a str; 2]>,
    /// The pattern of a word (a JavaScript `u` regular expression), so a
    /// query splits as the pages did.
    pub word: String,
    /// Words shorter than this, in characters, are not indexed.
    pub min_chars: usize,
    /// Words not indexed.
    pub stop_words: &'static [&'static str],
}

/// `search/w-N.json`: each word of a range, with its postings flattened to
/// `[doc, weight, doc, weight, …]`, heaviest first.
pub(crate) type SearchChunk<'a> = BTreeMap<&'a str, Vec<u32>>;

/// A row of `search/d-N.json`: title, URL, kind (`post`, `page`, `future`
/// or `bet`), snippet; all empty for a removed document.
pub(crate) type SearchRow = [String; 4];

/// A file the browser reads that could not be encoded.
#[derive(Debug)]
pub struct EncodeError {
    /// Its path in the output.
    pub file: String,
    pub source: serde_json::Error,
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot encode `{}` as JSON ({}); this is a bug in Forkcast: please report it",
            self.file, self.source
        )
    }
}

impl std::error::Error for EncodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// `value` as the JSON of output file `file`.
pub(crate) fn encode<T: Serialize + ?Sized>(file: &str, value: &T) -> Result<String, EncodeError> {
    serde_json::to_string(value).map_err(|source| EncodeError {
        file: file.to_string(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_json_cannot_hold_is_an_error_naming_its_file() {
        // JSON keys are strings: a map keyed by pairs cannot be written.
        let map: BTreeMap<(u8, u8), u8> = [((1, 2), 3)].into();
        let e = encode("graph.json", &map).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("cannot encode `graph.json` as JSON (key must be a string)"),
            "{e}"
        );
        assert!(std::error::Error::source(&e).is_some());
    }
}
