// The JSON files the browser reads, as the build writes them: a mirror,
// field for field, of src/render/browser_data.rs (read its doc comments for
// the rules behind each number). The theme's modules import these types in
// JSDoc (`@typedef {import("../browser-data").Graph} Graph`); tsc checks
// them (tests/browser.rs), and checks every file a build writes against
// them, so a field added, renamed or removed on one side fails there.
// Not in static/: it is for the type checker, and never sent to readers.
//
// Units: probabilities are numbers from 0 to 1; lengths on the map are in
// its own units, CSS pixels at zoom 1; years are calendar years; dates are
// `YYYY-MM-DD`; URLs are absolute paths (`/futures/x/`) unless named full.

/** `graph.json`: every future, edge, group and bet, with the map's geometry
 * and the rules the browser prints numbers by. */
export interface Graph {
  /** The site's title. */
  title: string;
  /** The site's full base URL (`https://example.org/manual/`). */
  base_url: string;
  /** In the order of the site's futures, which sums over parents follow. */
  futures: Future[];
  /** Every `leads_to` edge. */
  edges: Edge[];
  /** Every future that other futures are `within`, with its members. */
  groups: Group[];
  bets: Bet[];
  map: MapInfo;
  rules: Rules;
  /** Where threads live and the day of the last listing; null without `community: true`. */
  community: Discussions | null;
}

/** A future (or a group: a future others are within). */
export interface Future {
  id: string;
  title: string;
  /** Its page. */
  url: string;
  /** The id of the group it is in. */
  within: string | null;
  /** The years it is expected in. */
  when: Years | null;
  /** Its own probability (0–1): its markets' aggregate, else its author's
   * estimate; null where neither gives one. */
  probability: number | null;
  /** Where `probability` comes from. */
  source: "markets" | "estimate" | null;
  /** Σ P(parent) × P(edge), capped at 1 (0–1), at the site's values
   * (resolutions applied); a root's own probability. */
  implied: number | null;
  /** Own and implied differ by more than `rules.disagreement`. */
  disagreement: boolean;
  /** How it was settled, once it resolved: `probability` stays what its
   * markets or author said, and `model.js` applies the resolution. */
  resolved: Resolved | null;
  tags: string[];
  /** Its markets' references, `platform:id`. */
  markets: string[];
  /** The oldest stale market value's date, if a refresh failed. */
  stale: string | null;
  /** Its box on the map: x, y, width, height (map units, to 0.1). */
  rect: [number, number, number, number];
  /** Votes and comments of its thread, with `community: true`. */
  community: Community | null;
  /** Where each line of its title ends (UTF-16 units); short of the
   * title's length when it is cut. */
  lines: number[];
}

/** A bet that resolutions settled. */
export interface Settled {
  verdict: "won" | "lost";
  /** The future that decided it. */
  by: string;
  /** As its page says it: "Won: “Human-level AI arrives” happened". */
  display: string;
}

/** A future's resolution. */
export interface Resolved {
  outcome: "happened" | "did-not-happen";
  /** The day it was settled, YYYY-MM-DD. */
  on: string;
  /** As the pages say it: "Happened on 1 March 2026". */
  display: string;
  /** Where it was settled (a full URL). */
  source: string;
}

/** A window of years, both ends included. */
export interface Years {
  start: number;
  end: number;
}

/** A `leads_to` edge: P(`to` | `from`). */
export interface Edge {
  from: string;
  to: string;
  /** 0–1. */
  probability: number;
}

/** A future that others are within, and those futures' ids. */
export interface Group {
  id: string;
  members: string[];
}

/** A bet and the futures it wins and loses in. */
export interface Bet {
  id: string;
  title: string;
  /** Its page. */
  url: string;
  kind: "financial" | "career" | "personal";
  status: "idea" | "planned" | "placed" | "closed";
  wins_if: string[];
  loses_if: string[];
  /** Its chance of paying off, by the site's numbers. */
  payoff: Payoff;
  /** The future whose fork decides it, where there is one. */
  essential_fork: string | null;
  /** Votes and comments of its thread, with `community: true`. */
  community: Community | null;
  /** The futures that move its payoff most, largest first. */
  swings: Swing[];
  /** Won or lost, once resolutions settle it; no reader's view changes it. */
  settled: Settled | null;
  /** What is at stake, where its author says. */
  stake: StakeData | null;
}

/** A bet's stake: the amount (in `rules.currency`) and what it is worth if
 * the bet pays off, as a multiple; the expected value and returns are the
 * browser's to compute under a reader's view. */
export interface StakeData {
  /** More than 0. */
  amount: number;
  /** More than 0. */
  pays: number;
  /** stake × (P × pays − 1) at the site's numbers, as the pages print it:
   * `+$100`, `−$600 to +$1,000`, `unknown`. */
  expected: string;
}

/** A bet's chance of paying off, as its page prints it too. */
export interface Payoff {
  /** `exact` (`low` = `high`), `range` (bounds) or `unknown` (both null). */
  kind: "exact" | "range" | "unknown";
  /** 0–1. */
  low: number | null;
  /** 0–1. */
  high: number | null;
  /** As the pages print it: `35%`, `20–45%`, `80% to >99%`, `unknown`. */
  display: string;
}

/** How much one future moves a bet. */
export interface Swing {
  future: string;
  /** The bet's chance with the future certain minus with it impossible
   * (the midpoint, for bounds): −1 to 1. */
  swing: number;
}

/** The votes line of a future's or bet's discussion thread. */
export interface Community {
  up: number;
  down: number;
  comments: number;
  /** `3 comments`, `1 comment`. */
  comments_label: string;
  /** Up minus down: what the futures table sorts by. */
  score: number;
  /** The thread (a full URL), where readers vote and discuss; null: none yet. */
  url: string | null;
  /** GitHub's new-issue form, prefilled (a full URL), where there is no thread. */
  new_url: string | null;
  /** The day the counts were read. */
  as_of: string | null;
  /** The counts are from an older listing: the last refresh failed. */
  stale: boolean;
}

/** Where the site's discussion threads live. */
export interface Discussions {
  /** The repository's full URL. */
  repository: string;
  /** The day of the last complete listing. */
  as_of: string | null;
}

/** The map's geometry and the sizes its text is drawn at, all in map units
 * (CSS pixels at zoom 1): the browser draws what the build laid out. */
export interface MapInfo {
  width: number;
  height: number;
  /** The top level's columns, for the time axis. */
  columns: Column[];
  /** A future's box is this wide. */
  node_width: number;
  /** A future's title's font size. */
  text_px: number;
  /** An edge's P(edge) label's font size. */
  edge_px: number;
  /** A future's title's line height. */
  line_height: number;
  /** A future's text's inset from the box's left. */
  text_x: number;
  /** A future's first baseline, from the box's top. */
  baseline: number;
  /** A group's title's font size. */
  group_px: number;
  /** A group's title's inset. */
  group_x: number;
  /** A group's title's first baseline. */
  group_baseline: number;
  /** A group's header is `header_pad` + its lines × `group_line` high. */
  group_line: number;
  header_pad: number;
  /** Text smaller than this on screen (CSS pixels) is hidden. */
  min_text_px: number;
  /** The room kept around the map in its frame: horizontal, vertical. */
  margin: [number, number];
  /** A closed group's mark per future: its side. */
  mark: number;
  /** The gap between marks. */
  mark_gap: number;
  /** The gap between bands, where a lower band's axis goes. */
  band_gap: number;
}

/** A column of the map's top level. */
export interface Column {
  x: number;
  /** The top of its band. */
  y: number;
  w: number;
  /** The years its futures are expected in (a group's own window where it
   * has one), if any are dated. */
  when: Years | null;
}

/** The rules the browser shows numbers with, as the pages do. */
export interface Rules {
  /** Own and implied must differ by more than this (0–1) to be disputed. */
  disagreement: number;
  display: Display;
  /** The unit of bets' stakes; null: plain numbers. */
  currency: CurrencyRule | null;
  /** A reader's future with at least this probability (0–1) in which none
   * of their bets pays off is listed as uncovered. */
  uncovered: number;
}

/** How amounts read: `unit` before the number where `before` (`$2,000`),
 * else after it with a space (`2,000 hours`). */
export interface CurrencyRule {
  unit: string;
  before: boolean;
}

/** Probabilities below `low` read `<1%`, above `high` `>99%` (0–1 both). */
export interface Display {
  low: number;
  high: number;
}

/** `summaries.json`: each future's plain-text summary, by id. */
export type Summaries = Record<string, string>;

/** `futures/<id>/card.json` and `bets/<id>/card.json`: what a hover card
 * shows of a future or bet, from the facts its social card and embed show. */
export interface HoverCard {
  kind: "Future" | "Bet";
  title: string;
  /** Its probability or chance of paying off, as its page says it. */
  number: CardNumber | null;
  /** One value a week (0–1), oldest first, the last one now; empty when
   * fewer than two weeks are known. */
  sparkline: number[];
  /** The values its height spans, bottom and top. */
  sparkline_range: [number, number];
  /** The sparkline in words: `30% 12 weeks ago, 42% now`; empty without one. */
  trend: string;
  /** The summary's first sentence. */
  sentence: string;
}

/** A hover card's number. */
export interface CardNumber {
  /** `42%`, `20–45%`, `Happened`, `Won`. */
  display: string;
  label: "chance" | "chance of paying off" | "resolved";
  /** Where it comes from, in words: `aggregate of 2 markets`. */
  source: string;
  /** The day it stands for: `5 December 2026`. */
  date: string;
}

/** `search/meta.json`: what a query needs before it reads any chunk. */
export interface SearchMeta {
  /** How many documents the index numbers (removed ones included). */
  docs: number;
  /** Rows per `d-N.json`: document `d` is row `d % docs_per_file` of file
   * `d / docs_per_file`. */
  docs_per_file: number;
  /** `[first word, last word]` of each `w-N.json`, in order. */
  chunks: [string, string][];
  /** The pattern of a word (a JavaScript `u` regular expression). */
  word: string;
  /** Words shorter than this, in characters, are not indexed. */
  min_chars: number;
  /** Words not indexed. */
  stop_words: string[];
}

/** `search/w-N.json`: each word of a range, with its postings flattened to
 * `[doc, weight, doc, weight, …]`, heaviest first. */
export type SearchChunk = Record<string, number[]>;

/** A row of `search/d-N.json`: title, URL, kind, snippet; all empty for a
 * removed document. */
export type SearchRow = [title: string, url: string, kind: "post" | "page" | "future" | "bet" | "", snippet: string];
