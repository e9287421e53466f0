//! `/forkcast.xlsx`: the whole model as a spreadsheet, for a reader who
//! would rather tune it in Excel, LibreOffice or Google Sheets. Each
//! future's own value (the reader's, over the site's) and each edge's
//! P(edge) is an input cell; every implied probability, probability, bet's
//! P(W), P(L) and chance of paying off (bounds as two cells) and expected
//! value is a live formula of them, by `model::graph`'s rules as
//! `model.js` applies them to a reader's view:
//!
//! - a future the reader sets (types a value for) takes it; every other
//!   future moves by as much as its implied probability moved ("Changes
//!   follow the arrows"): site value + (implied now − implied at the
//!   site's values), kept in [0, 1]; one without a value of its own is its
//!   implied one; a root's implied probability is its own value;
//! - implied = MIN(1, Σ parent's value × P(edge)), summed over the
//!   parents in the site's order (the Edges sheet, grouped by the future
//!   an edge leads to, so each sum is one range);
//! - resolutions fix futures at 1 or 0 (constants, not inputs); with an
//!   edge changed the site's own values are settled again as the build
//!   settles them (`Graph::settle`), on the Resolutions sheet.
//!
//! Which formula applies (a root or not, a value of its own or not, one
//! future or alternatives of one fork) is the graph's structure, known
//! here; the values are live. A value nothing gives is `#N/A`, which
//! propagates as the build's `None` does.
//!
//! No formula carries a cached result: a program computes every cell when
//! it opens the file (LibreOffice, which trusts cached results of files
//! that look like Excel's, computes those without one). Titles are written
//! as text, never as formulas. The file's date is the build's day, so two
//! builds on one day write the same bytes.

use std::fmt::{self, Write as _};

use rust_xlsxwriter::{
    Color, ConditionalFormatError, DataValidation, DataValidationRule, DocProperties,
    ExcelDateTime, Format, FormatAlign, FormatBorder, Note, Url, Workbook, Worksheet, XlsxError,
};

use serde::Serialize;

use super::views::SiteView;
use crate::model::site::{Settled, Site, Source};
use crate::render::format;
use crate::routes::{BetIx, FutureIx, Route, Shape};

/// Why the spreadsheet could not be written: a bug, since every value in
/// it is checked before (ids, titles and URLs are bounded).
#[derive(Debug)]
pub struct SpreadsheetError {
    /// Its path in the output.
    pub file: String,
    pub source: XlsxError,
}

impl fmt::Display for SpreadsheetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot write `{}` ({}); this is a bug in Forkcast: please report it",
            self.file, self.source
        )
    }
}

impl std::error::Error for SpreadsheetError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// The sheets' names, as formulas name them.
const FUTURES: &str = "Futures";
const EDGES: &str = "Edges";
const BETS: &str = "Bets";
const RESOLUTIONS: &str = "Resolutions";
const HOW_TO: &str = "How to use";

/// Columns of the Futures sheet.
mod fc {
    pub(super) const ID: u16 = 0;
    pub(super) const TITLE: u16 = 1;
    pub(super) const GROUP: u16 = 2;
    pub(super) const SOURCE: u16 = 3;
    pub(super) const RESOLUTION: u16 = 4;
    /// The site's own value, after resolutions (`model.js`'s `m.own`).
    pub(super) const SITE: u16 = 5;
    /// The reader's value: the input.
    pub(super) const YOURS: u16 = 6;
    pub(super) const SET: u16 = 7;
    pub(super) const SITE_IMPLIED: u16 = 8;
    pub(super) const IMPLIED: u16 = 9;
    /// What everything downstream uses; named `p_<id>`.
    pub(super) const PROBABILITY: u16 = 10;
    pub(super) const CHANGE: u16 = 11;
}

/// Columns of the Edges sheet.
mod ec {
    pub(super) const FROM: u16 = 0;
    pub(super) const TO: u16 = 1;
    pub(super) const SITE_P: u16 = 2;
    /// The input.
    pub(super) const P: u16 = 3;
    pub(super) const FROM_NOW: u16 = 4;
    pub(super) const NOW: u16 = 5;
    pub(super) const FROM_SITE: u16 = 6;
    pub(super) const SITE: u16 = 7;
    /// With resolutions that move a future: its parents' values before
    /// and after they are applied.
    pub(super) const FROM_BEFORE: u16 = 8;
    pub(super) const BEFORE: u16 = 9;
    pub(super) const FROM_AFTER: u16 = 10;
    pub(super) const AFTER: u16 = 11;
}

/// Columns of the Resolutions sheet.
mod rc {
    pub(super) const ID: u16 = 0;
    pub(super) const OWN: u16 = 1;
    pub(super) const RESOLUTION: u16 = 2;
    pub(super) const IMPLIED_BEFORE: u16 = 3;
    pub(super) const BEFORE: u16 = 4;
    pub(super) const IMPLIED_AFTER: u16 = 5;
    pub(super) const AFTER: u16 = 6;
}

/// Columns of the Bets sheet.
mod bc {
    pub(super) const ID: u16 = 0;
    pub(super) const TITLE: u16 = 1;
    pub(super) const WINS: u16 = 2;
    pub(super) const LOSES: u16 = 3;
    pub(super) const STAKE: u16 = 4;
    pub(super) const PAYS: u16 = 5;
    pub(super) const W_LOW: u16 = 6;
    pub(super) const W_HIGH: u16 = 7;
    pub(super) const L_LOW: u16 = 8;
    pub(super) const L_HIGH: u16 = 9;
    pub(super) const LOW: u16 = 10;
    pub(super) const HIGH: u16 = 11;
    pub(super) const EV_LOW: u16 = 12;
    pub(super) const EV_HIGH: u16 = 13;
    pub(super) const SITE_PAYOFF: u16 = 14;
    pub(super) const SITE_EV: u16 = 15;
    pub(super) const SETTLED: u16 = 16;
    pub(super) const RULE: u16 = 17;
}

/// Excel refuses formulas longer than this (8,192 characters); a bet's
/// formula over up to 100 long names falls back to cell references.
const MAX_FORMULA: usize = 8000;

/// The A1 name of a cell (0-based row and column), e.g. `F12`.
fn a1(row: u32, col: u16) -> String {
    rust_xlsxwriter::utility::row_col_to_cell(row, col)
}

/// The defined name of a future's probability: `p_` and its id with `_`
/// for `-` (ids are lowercase letters, digits and single hyphens, so no two
/// share a name, and none reads as a cell reference).
pub(crate) fn name(id: &str) -> String {
    format!("p_{}", id.replace('-', "_"))
}

/// The spreadsheet's formats.
struct Formats {
    header: Format,
    input_header: Format,
    input: Format,
    input_amount: Format,
    input_multiple: Format,
    percent: Format,
    probability: Format,
    change: Format,
    amount: Format,
    muted: Format,
    wrap: Format,
    title: Format,
    heading: Format,
    sample: Format,
}

impl Formats {
    fn new() -> Formats {
        let input = Format::new()
            .set_background_color(Color::RGB(0xFFF2CC))
            .set_border(FormatBorder::Thin)
            .set_border_color(Color::RGB(0xBF9000));
        let header = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Top)
            .set_background_color(Color::RGB(0xE7E6E6))
            .set_border_bottom(FormatBorder::Thin);
        Formats {
            input_header: header.clone().set_background_color(Color::RGB(0xFFD966)),
            header,
            input: input.clone().set_num_format("0.0%"),
            input_amount: input.clone().set_num_format("#,##0.00"),
            input_multiple: input.set_num_format("0.00"),
            percent: Format::new().set_num_format("0.0%"),
            probability: Format::new().set_bold().set_num_format("0.0%"),
            change: Format::new().set_num_format("+0.0%;-0.0%;0.0%"),
            amount: Format::new().set_num_format("#,##0.00"),
            muted: Format::new()
                .set_italic()
                .set_font_color(Color::RGB(0x595959)),
            wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            title: Format::new().set_bold().set_font_size(16),
            heading: Format::new().set_bold().set_font_size(12),
            sample: Format::new()
                .set_background_color(Color::RGB(0xFFF2CC))
                .set_border(FormatBorder::Thin)
                .set_border_color(Color::RGB(0xBF9000))
                .set_align(FormatAlign::Center),
        }
    }
}

/// Everything the spreadsheet is made of, read from the computed site: the
/// file is drawn from these alone, and cached by a hash of them ([`key`]).
#[derive(Serialize)]
pub(crate) struct Facts {
    title: String,
    base_url: String,
    /// The build's day, as the file's date: (year, month, day).
    day: (i16, i8, i8),
    /// The same, as people read it.
    built: String,
    generator: String,
    markets_as_of: Option<String>,
    /// `markets.credit`, as plain text with its links' addresses.
    credit: Option<String>,
    currency: Option<String>,
    futures: Vec<FutureFacts>,
    bets: Vec<BetFacts>,
    /// The futures, parents before children (indexes into `futures`).
    order: Vec<usize>,
}

#[derive(Serialize)]
struct FutureFacts {
    id: String,
    title: String,
    /// Its page, a full URL.
    url: String,
    group: Option<String>,
    /// `markets` or `estimate`.
    source: Option<&'static str>,
    /// How a resolution settles or moves it, in words (Futures, Resolutions).
    resolution: Option<(String, String)>,
    /// 1 or 0 where a resolution fixes it.
    fixed: Option<f64>,
    /// Its own probability before resolutions (markets or estimate).
    own: Option<f64>,
    /// Its own probability after them: what the site shows (`m.own`).
    shown: Option<f64>,
    /// Its implied probability at the site's values is known.
    implied_known: bool,
    /// `(parent, P(edge))`, parents in the site's order.
    parents: Vec<(usize, f64)>,
}

#[derive(Serialize)]
struct BetFacts {
    id: String,
    title: String,
    url: String,
    rule: Rule,
    /// Amount and pays.
    stake: Option<(f64, f64)>,
    /// The site's chance and expected value as its pages print them.
    payoff: String,
    expected: Option<String>,
    settled: Option<String>,
}

/// [`PayoffRule`] by index.
#[derive(Serialize)]
struct Rule {
    wins: Vec<usize>,
    loses: Vec<usize>,
    wins_one_fork: bool,
    loses_one_fork: bool,
    all_one_fork: bool,
}

/// This module's own text: part of [`key`], so that a file drawn by an
/// older version of the code that draws it is never placed.
const DESIGN: &str = include_str!("spreadsheet.rs");

impl Facts {
    pub(crate) fn of(site: &Site, shape: &Shape, common: &SiteView) -> Facts {
        let base = site.config.base_url.as_str();
        let link = |route: Route| format!("{base}{}", shape.path(route));
        let id = |i: FutureIx| site.futures[i].future.id.as_str().to_string();
        let futures = FutureIx::all(site.futures.len())
            .map(|i| {
                let e = &site.futures[i];
                let resolution = match e.settled {
                    Settled::Fixed { outcome, by } => Some(match &e.future.resolved {
                        Some(r) if by == i => (
                            format::resolution(r),
                            format::outcome_title(outcome).to_string(),
                        ),
                        _ => (
                            format!(
                                "Settled: {} (by {})",
                                format::outcome_words(outcome),
                                id(by)
                            ),
                            format!("{} (settled by {})", format::outcome_title(outcome), id(by)),
                        ),
                    }),
                    Settled::Moved(_) => {
                        Some(("Moved by a resolution upstream".into(), String::new()))
                    }
                    Settled::Open => None,
                };
                FutureFacts {
                    id: id(i),
                    title: e.future.title.clone(),
                    url: link(Route::Future(i)),
                    group: site.graph.group(i).map(id),
                    source: e.own.map(|o| match o.source {
                        Source::Markets(_) => "markets",
                        Source::Estimate => "estimate",
                    }),
                    resolution,
                    fixed: match e.settled {
                        Settled::Fixed { outcome, .. } => Some(outcome.value()),
                        _ => None,
                    },
                    own: e.own.map(|o| o.value),
                    shown: e.shown(),
                    implied_known: e.computed.implied.is_some(),
                    parents: site
                        .graph
                        .parents(i)
                        .into_iter()
                        .map(|(p, edge)| (p.get(), edge))
                        .collect(),
                }
            })
            .collect();
        let bets = BetIx::all(site.bets.len())
            .map(|k| {
                let b = &site.bets[k];
                let rule = site.graph.payoff_rule(b.sides());
                let index = |v: &[FutureIx]| v.iter().map(|f| f.get()).collect();
                BetFacts {
                    id: b.bet.id.as_str().to_string(),
                    title: b.bet.title.clone(),
                    url: link(Route::Bet(k)),
                    rule: Rule {
                        wins: index(&rule.wins),
                        loses: index(&rule.loses),
                        wins_one_fork: rule.wins_one_fork,
                        loses_one_fork: rule.loses_one_fork,
                        all_one_fork: rule.all_one_fork,
                    },
                    stake: b.bet.stake.map(|s| (s.amount(), s.pays())),
                    payoff: format::payoff(b.payoff),
                    expected: b
                        .expected()
                        .map(|ev| format::amount(ev, site.config.currency.as_ref())),
                    settled: b.verdict.map(|v| {
                        format::verdict(v, &site.futures[v.by()].future.title, b.wins_if.len())
                    }),
                }
            })
            .collect();
        let rank = site.graph.topological_rank();
        let mut order: Vec<usize> = (0..site.futures.len()).collect();
        order.sort_by_key(|&i| rank[i]);
        let day = site.today;
        Facts {
            title: site.config.title.clone(),
            base_url: base.to_string(),
            day: (day.year(), day.month(), day.day()),
            built: format::long_date(day),
            generator: common.generator.clone(),
            markets_as_of: common.markets_as_of.clone(),
            credit: site
                .config
                .markets
                .credit
                .as_ref()
                .map(|c| plain_text(&c.markdown, base)),
            currency: site
                .config
                .currency
                .as_ref()
                .map(|c| c.as_str().to_string()),
            futures,
            bets,
            order,
        }
    }
}

/// The name the spreadsheet's bytes are cached under: a hash of its
/// [`Facts`] and of [`DESIGN`] (xxh3, 128 bits, 32 hex digits, as the
/// cards').
pub(crate) fn key(facts: &Facts) -> String {
    // Serializing strings, numbers and lists of them cannot fail.
    let text = serde_json::to_string(facts).unwrap_or_default();
    let design = xxhash_rust::xxh3::xxh3_64(DESIGN.as_bytes());
    let text = format!("spreadsheet {design:016x}\n{text}");
    format!("{:032x}", xxhash_rust::xxh3::xxh3_128(text.as_bytes()))
}

/// Where each future's numbers are, and what the structure says of them.
struct Plan<'a> {
    facts: &'a Facts,
    /// The first and last row on Edges of the edges into each future.
    edges: Vec<Option<(u32, u32)>>,
    /// Each future's row on Resolutions: those a resolution fixes and
    /// those downstream of one, when the sheet is needed.
    settled_row: Vec<Option<u32>>,
    /// Its implied probability before resolutions is known (structure:
    /// every parent's value before resolutions is known).
    known_before: Vec<bool>,
}

impl<'a> Plan<'a> {
    fn new(facts: &'a Facts) -> Plan<'a> {
        let futures = &facts.futures;
        let n = futures.len();
        let mut edges = vec![None; n];
        let mut row = 1u32;
        for (i, f) in futures.iter().enumerate() {
            let k = f.parents.len() as u32;
            if k > 0 {
                edges[i] = Some((row, row + k - 1));
                row += k;
            }
        }
        // Downstream of a resolution (the resolved futures included): the
        // site's values there depend on the edges through `settle`.
        let mut downstream = vec![false; n];
        for &i in &facts.order {
            downstream[i] = futures[i].fixed.is_some()
                || futures[i].parents.iter().any(|&(p, _)| downstream[p]);
        }
        let moved =
            (0..n).any(|i| downstream[i] && futures[i].fixed.is_none() && futures[i].own.is_some());
        let mut settled_row = vec![None; n];
        if moved {
            for (r, i) in (1..).zip((0..n).filter(|&i| downstream[i])) {
                settled_row[i] = Some(r);
            }
        }
        let mut known_before = vec![false; n];
        for &i in &facts.order {
            let f = &futures[i];
            known_before[i] = if f.parents.is_empty() {
                f.own.is_some()
            } else {
                f.parents.iter().all(|&(p, _)| match settled_row[p] {
                    Some(_) => futures[p].own.is_some() || known_before[p],
                    None => futures[p].shown.is_some() || futures[p].implied_known,
                })
            };
        }
        Plan {
            facts,
            edges,
            settled_row,
            known_before,
        }
    }

    fn row(&self, i: usize) -> u32 {
        i as u32 + 1
    }

    /// The site's value of future `i` (what its page shows: its own after
    /// resolutions, else its implied probability), as a reference.
    fn site_value(&self, i: usize) -> String {
        let col = if self.facts.futures[i].shown.is_some() {
            fc::SITE
        } else {
            fc::SITE_IMPLIED
        };
        format!("{FUTURES}!{}", a1(self.row(i), col))
    }

    fn has_resolutions_sheet(&self) -> bool {
        self.settled_row.iter().any(Option::is_some)
    }

    /// `MIN(1,SUM(…))` over column `col` of the edges into `i`.
    fn implied(&self, i: usize, col: u16) -> Option<String> {
        self.edges[i].map(|(first, last)| {
            format!("=MIN(1,SUM({EDGES}!{}:{}))", a1(first, col), a1(last, col))
        })
    }
}

/// The spreadsheet's bytes, drawn from `facts`; `file` is its path, for
/// the error.
pub(crate) fn draw(facts: &Facts, file: &str) -> Result<Vec<u8>, SpreadsheetError> {
    write(facts).map_err(|source| SpreadsheetError {
        file: file.to_string(),
        source,
    })
}

fn write(facts: &Facts) -> Result<Vec<u8>, XlsxError> {
    let plan = Plan::new(facts);
    let f = Formats::new();
    let mut book = Workbook::new();
    let (y, m, d) = facts.day;
    let date = ExcelDateTime::from_ymd(y as u16, m as u8, d as u8)?;
    book.set_properties(
        &DocProperties::new()
            .set_title(format!("{}: the model", facts.title))
            .set_subject("Futures, edges and bets with live formulas")
            .set_comment(format!(
                "Made by {} from {}",
                facts.generator, facts.base_url
            ))
            .set_creation_datetime(&date),
    );
    how_to(book.add_worksheet(), &plan, &f)?;
    futures(book.add_worksheet(), &plan, &f)?;
    edges(book.add_worksheet(), &plan, &f)?;
    bets(book.add_worksheet(), &plan, &f)?;
    if plan.has_resolutions_sheet() {
        resolutions(book.add_worksheet(), &plan, &f)?;
    }
    for (i, future) in facts.futures.iter().enumerate() {
        book.define_name(
            name(&future.id),
            &format!(
                "={FUTURES}!${}${}",
                rust_xlsxwriter::utility::column_number_to_name(fc::PROBABILITY),
                plan.row(i) + 1
            ),
        )?;
    }
    book.save_to_buffer()
}

/// A new sheet named `name` whose formulas carry no cached result.
fn sheet<'w>(ws: &'w mut Worksheet, name: &str) -> Result<&'w mut Worksheet, XlsxError> {
    ws.set_name(name)?;
    ws.set_formula_result_default("");
    Ok(ws)
}

/// A header row: `(title, width, input?)` per column, a note on some.
fn headers(
    ws: &mut Worksheet,
    columns: &[(&str, f64, bool)],
    f: &Formats,
) -> Result<(), XlsxError> {
    for (c, &(title, width, input)) in columns.iter().enumerate() {
        let c = c as u16;
        let format = if input { &f.input_header } else { &f.header };
        ws.write_string_with_format(0, c, title, format)?;
        ws.set_column_width(c, width)?;
    }
    ws.set_row_height(0, 45)?;
    ws.set_freeze_panes(1, 2)?;
    // Printed: across, as wide as a page, the header on every page.
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, 0)?;
    ws.set_print_gridlines(true);
    Ok(())
}

/// One paragraph of the How to use sheet, at `row`, then the next row.
fn line(ws: &mut Worksheet, row: &mut u32, text: &str, format: &Format) -> Result<(), XlsxError> {
    ws.write_string_with_format(*row, 0, text, format)?;
    // Wrapped text is not measured on opening: about 110 characters fit a
    // line of this column.
    let lines = text.chars().count().div_ceil(110).max(1);
    if lines > 1 {
        ws.set_row_height(*row, 15.0 * lines as f64)?;
    }
    *row += 1;
    Ok(())
}

/// A link to a page with its title as text (a title is never a formula),
/// or the title alone where the address is too long for a link.
fn write_link(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    url: &str,
    title: &str,
) -> Result<(), XlsxError> {
    match ws.write_url_with_text(row, col, Url::new(url), title) {
        Ok(_) => Ok(()),
        Err(XlsxError::MaxUrlLengthExceeded | XlsxError::UnknownUrlType(_)) => {
            ws.write_string(row, col, title).map(|_| ())
        }
        Err(e) => Err(e),
    }
}

fn how_to(ws: &mut Worksheet, plan: &Plan, f: &Formats) -> Result<(), XlsxError> {
    let facts = plan.facts;
    let ws = sheet(ws, HOW_TO)?;
    ws.set_column_width(0, 110)?;
    ws.set_column_width(1, 12)?;
    let mut row = 0u32;
    let row = &mut row;
    let title = format!("{}: the model as a spreadsheet", facts.title);
    line(ws, row, &title, &f.title)?;
    ws.set_row_height(0, 24)?;
    let resolutions = if plan.has_resolutions_sheet() {
        ", Resolutions"
    } else {
        ""
    };
    for text in [
        format!(
            "From {} ({}), built on {}. Every future and bet of the site with the numbers it shows, as live formulas: change a yellow cell and every probability, chance of paying off and expected value that follows from it is recomputed by the site's own rules. With nothing changed, every number is the site's.",
            facts.base_url,
            crate::routes::SPREADSHEET,
            facts.built
        ),
        format!("Sheets: Futures, Edges, Bets{resolutions}."),
    ] {
        line(ws, row, &text, &f.wrap)?;
    }
    *row += 1;
    ws.write_string_with_format(*row, 1, "input", &f.sample)?;
    line(
        ws,
        row,
        "Yellow cells like the one on the right are inputs: type there. Every other number is a formula of them (the site's own values are constants).",
        &f.wrap,
    )?;
    *row += 1;
    line(ws, row, "How to use it", &f.heading)?;
    for text in [
        "Set a future: on Futures, type your probability (70% or 0.7) in its \"Your value\" cell. \"Set?\" then says set: the future keeps your value, and every future downstream of it (reachable along the arrows) moves by as much as its implied probability moved. To go back to the site's value, clear the cell (the site's value is in the column to its left).",
        "Set several futures at once to see a scenario: to assume a future happens, set it to 100%, its alternatives (the other futures its only parent leads to) to 0% and that parent to 100%, as the site's \"assume it happens\" does.",
        "Change an arrow: on Edges, type a new P(edge), the chance that the future it leads to follows from the one it leaves. The implied probabilities are recomputed as if the site had been built with it: futures with their own value keep it (those moved by a resolution are settled again), futures without one follow. The site's P(edge) is in the column to its left.",
        "Stakes: on Bets, \"Stake\" and \"Pays\" (what the stake is worth if the bet pays off, as a multiple; otherwise it is lost) are inputs too. Give any bet a stake to see its expected value.",
        "Resolved futures (and those a resolution settles) are fixed at 100% or 0%: they have no input.",
        "#N/A means unknown: a future with no value of its own whose parents give none either. Type a value for it to give it one.",
    ] {
        line(ws, row, text, &f.wrap)?;
    }
    *row += 1;
    line(ws, row, "The rules", &f.heading)?;
    for text in [
        "Implied probability: the sum, over the arrows into a future, of the parent's probability × P(edge), at most 100% (the parents are read as alternatives). A future no arrow leads to: its own value.",
        "Probability (what everything downstream uses): your value if you set one; otherwise the site's value moved by as much as the implied probability moved (site's value + implied now − implied at the site's values), kept between 0% and 100%, so the part of its own value that the arrows do not explain is kept. A future with no value of its own: its implied probability.",
        "A bet pays off when some future it wins in happens and none it loses in does. P(W), the chance that one of its winning futures happens, is exact for one future or for alternatives of one fork (their sum, at most 100%); otherwise it lies between the largest and the sum (at most 100%): two cells, low and high. P(L) likewise for its losing futures. With no losing futures, or all of its futures alternatives of one fork, its chance is P(W); otherwise it lies between P(W) low − P(L) high (at least 0%) and the smaller of P(W) high and 100% − P(L) low.",
        "Expected value: stake × (chance of paying off × pays − 1), low and high from the two ends of the chance.",
    ] {
        line(ws, row, text, &f.wrap)?;
    }
    let sheet_note = if plan.has_resolutions_sheet() {
        " (the Resolutions sheet shows how)"
    } else {
        ""
    };
    line(
        ws,
        row,
        &format!(
            "Resolutions: a future that happened is 100%, with its only parent (and its parent's, up the chain) 100% and its alternatives 0%; one that did not happen is 0%. Everything downstream follows by the same rule as your values; the site's own values are what that gives{sheet_note}."
        ),
        &f.wrap,
    )?;
    *row += 1;
    line(ws, row, "Where the numbers come from", &f.heading)?;
    let markets = match &facts.markets_as_of {
        Some(day) => format!(" Market values as of {day}."),
        None => String::new(),
    };
    line(
        ws,
        row,
        &format!(
            "A future's own value is its prediction markets' price (several markets: the geometric mean of their odds) or else its author's estimate: the Source column says which.{markets} The edges and estimates are the site's authors'. Titles link to each future's and bet's page."
        ),
        &f.wrap,
    )?;
    if let Some(credit) = &facts.credit {
        line(ws, row, credit, &f.wrap)?;
    }
    line(
        ws,
        row,
        "Probabilities are estimates, not promises. Nothing here is investment advice.",
        &f.muted,
    )?;
    ws.set_active(true);
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
}

/// Markdown as plain text, each link's address in brackets after its text
/// (a licence's address must stay with the credit), an address from the
/// site's root (`/about/`) made full below `base`.
fn plain_text(markdown: &str, base: &str) -> String {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let mut out = String::new();
    let mut links = Vec::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph) => out.push(' '),
            Event::Start(Tag::Link { dest_url, .. }) => links.push(dest_url),
            Event::End(TagEnd::Link) => {
                if let Some(url) = links.pop() {
                    match url.strip_prefix('/') {
                        Some(path) => write!(out, " ({base}{path})"),
                        None => write!(out, " ({url})"),
                    }
                    .unwrap_or(());
                }
            }
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn futures(ws: &mut Worksheet, plan: &Plan, f: &Formats) -> Result<(), XlsxError> {
    let all = &plan.facts.futures;
    let ws = sheet(ws, FUTURES)?;
    headers(
        ws,
        &[
            ("Future", 34.0, false),
            ("Title", 48.0, false),
            ("Group", 20.0, false),
            ("Source", 10.0, false),
            ("Resolution", 38.0, false),
            ("Site's value", 10.0, false),
            ("Your value", 10.0, true),
            ("Set?", 8.0, false),
            ("Implied at the site's values", 13.0, false),
            ("Implied now", 10.0, false),
            ("Probability", 11.0, false),
            ("Change from the site", 10.0, false),
        ],
        f,
    )?;
    ws.insert_note(
        0,
        fc::YOURS,
        &Note::new("Type your probability for a future here (70% or 0.7). Empty: the site's value, moved by what you set upstream.")
            .set_author("Forkcast"),
    )?;
    ws.insert_note(
        0,
        fc::PROBABILITY,
        &Note::new("The future's probability: your value where you set one, else the site's value moved by as much as its implied probability moved. Named p_<id> (hyphens as _) for formulas.")
            .set_author("Forkcast"),
    )?;
    let mut inputs: Vec<String> = Vec::new();
    let mut run: Option<(u32, u32)> = None;
    for (i, e) in all.iter().enumerate() {
        let r = plan.row(i);
        let cell = |col: u16| a1(r, col);
        ws.write_string(r, fc::ID, &e.id)?;
        write_link(ws, r, fc::TITLE, &e.url, &e.title)?;
        if let Some(g) = &e.group {
            ws.write_string(r, fc::GROUP, g)?;
        }
        if let Some(source) = e.source {
            ws.write_string(r, fc::SOURCE, source)?;
        }
        if let Some((text, _)) = &e.resolution {
            ws.write_string(r, fc::RESOLUTION, text)?;
        }
        let parents = &e.parents;
        // The site's own value.
        let shown = e.shown;
        match (e.fixed, plan.settled_row[i]) {
            (Some(v), _) => {
                ws.write_number_with_format(r, fc::SITE, v, &f.percent)?;
            }
            (None, Some(sr)) if e.own.is_some() => {
                ws.write_formula_with_format(
                    r,
                    fc::SITE,
                    format!("={RESOLUTIONS}!{}", a1(sr, rc::AFTER)).as_str(),
                    &f.percent,
                )?;
            }
            _ => {
                if let Some(v) = shown {
                    ws.write_number_with_format(r, fc::SITE, v, &f.percent)?;
                }
            }
        }
        // The input, and whether it is set.
        if e.fixed.is_some() {
            ws.write_string_with_format(r, fc::YOURS, "resolved", &f.muted)?;
            ws.write_string_with_format(r, fc::SET, "resolved", &f.muted)?;
            if let Some((a, b)) = run.take() {
                inputs.push(format!("{}:{}", a1(a, fc::YOURS), a1(b, fc::YOURS)));
            }
        } else {
            ws.write_blank(r, fc::YOURS, &f.input)?;
            ws.write_formula(
                r,
                fc::SET,
                format!("=IF(ISNUMBER({}),\"set\",\"\")", cell(fc::YOURS)).as_str(),
            )?;
            run = Some(run.map_or((r, r), |(a, _)| (a, r)));
        }
        // Implied at the site's values, and now.
        let site_implied = match plan.implied(i, ec::SITE) {
            Some(formula) => formula,
            None if shown.is_some() => format!("={}", cell(fc::SITE)),
            None => "=NA()".to_string(),
        };
        ws.write_formula_with_format(r, fc::SITE_IMPLIED, site_implied.as_str(), &f.percent)?;
        let implied = plan
            .implied(i, ec::NOW)
            .unwrap_or_else(|| format!("={}", cell(fc::PROBABILITY)));
        ws.write_formula_with_format(r, fc::IMPLIED, implied.as_str(), &f.percent)?;
        // Its probability: set, or following the arrows.
        let yours = cell(fc::YOURS);
        let otherwise = if parents.is_empty() {
            if shown.is_some() {
                cell(fc::SITE)
            } else {
                "NA()".to_string()
            }
        } else if shown.is_none() {
            cell(fc::IMPLIED)
        } else if !e.implied_known {
            cell(fc::SITE)
        } else {
            format!(
                "MAX(0,MIN(1,{}+({}-{})))",
                cell(fc::SITE),
                cell(fc::IMPLIED),
                cell(fc::SITE_IMPLIED)
            )
        };
        match e.fixed {
            Some(v) => {
                ws.write_number_with_format(r, fc::PROBABILITY, v, &f.probability)?;
            }
            None => {
                ws.write_formula_with_format(
                    r,
                    fc::PROBABILITY,
                    format!("=IF(ISNUMBER({yours}),{yours},{otherwise})").as_str(),
                    &f.probability,
                )?;
            }
        }
        let base = if shown.is_some() {
            fc::SITE
        } else {
            fc::SITE_IMPLIED
        };
        ws.write_formula_with_format(
            r,
            fc::CHANGE,
            format!("={}-{}", cell(fc::PROBABILITY), cell(base)).as_str(),
            &f.change,
        )?;
    }
    if let Some((a, b)) = run {
        inputs.push(format!("{}:{}", a1(a, fc::YOURS), a1(b, fc::YOURS)));
    }
    if let Some(first) = inputs.first() {
        let v = DataValidation::new()
            .allow_decimal_number(DataValidationRule::Between(0.0, 1.0))
            .set_input_title("Your probability")?
            .set_input_message("From 0% to 100% (or 0 to 1). Clear the cell for the site's value.")?
            .set_error_title("Not a probability")?
            .set_error_message("A probability is from 0% to 100% (0 to 1).")?
            .set_multi_range(inputs.join(" "));
        let (a, b) = first.split_once(':').unwrap_or((first, first));
        let (ra, ca) = cell_of(a);
        let (rb, cb) = cell_of(b);
        ws.add_data_validation(ra, ca, rb, cb, &v)?;
    }
    let last = all.len() as u32;
    if last > 0 {
        ws.autofilter(0, 0, last, fc::CHANGE)?;
        unknown_in_grey(ws, last, fc::SITE_IMPLIED, fc::CHANGE, f)?;
    }
    Ok(())
}

/// `#N/A` (unknown: no value) in grey rather than as an alarm, in rows 1
/// to `last` of columns `first` to `end`.
fn unknown_in_grey(
    ws: &mut Worksheet,
    last: u32,
    first: u16,
    end: u16,
    f: &Formats,
) -> Result<(), XlsxError> {
    let grey = ConditionalFormatError::new().set_format(f.muted.clone());
    ws.add_conditional_format(1, first, last, end, &grey)?;
    Ok(())
}

/// The row and column of an A1 name this module wrote.
fn cell_of(name: &str) -> (u32, u16) {
    let letters = name.bytes().take_while(u8::is_ascii_alphabetic).count();
    let col = name[..letters]
        .bytes()
        .fold(0u32, |n, b| n * 26 + u32::from(b - b'A' + 1))
        .saturating_sub(1) as u16;
    let row = name[letters..]
        .parse::<u32>()
        .unwrap_or(1)
        .saturating_sub(1);
    (row, col)
}

fn edges(ws: &mut Worksheet, plan: &Plan, f: &Formats) -> Result<(), XlsxError> {
    let all = &plan.facts.futures;
    let ws = sheet(ws, EDGES)?;
    let mut columns = vec![
        ("From", 28.0, false),
        ("To", 28.0, false),
        ("Site's P(edge)", 10.0, false),
        ("P(edge)", 10.0, true),
        ("From's probability now", 13.0, false),
        ("Contribution now", 13.0, false),
        ("From's value at the site's values", 13.0, false),
        ("Contribution at the site's values", 13.0, false),
    ];
    let settling = plan.has_resolutions_sheet();
    if settling {
        columns.extend([
            ("Before resolutions: from's value", 13.0, false),
            ("Before resolutions: contribution", 13.0, false),
            ("After resolutions: from's value", 13.0, false),
            ("After resolutions: contribution", 13.0, false),
        ]);
    }
    headers(ws, &columns, f)?;
    ws.insert_note(
        0,
        ec::P,
        &Note::new("P(to | from): type a new value from 0% to 100%. The site's is in the column to the left.")
            .set_author("Forkcast"),
    )?;
    let mut last = 0;
    for (to, future) in all.iter().enumerate() {
        let Some((first, _)) = plan.edges[to] else {
            continue;
        };
        for (k, &(from, p)) in future.parents.iter().enumerate() {
            let r = first + k as u32;
            last = r;
            let cell = |col: u16| a1(r, col);
            ws.write_string(r, ec::FROM, &all[from].id)?;
            ws.write_string(r, ec::TO, &future.id)?;
            ws.write_number_with_format(r, ec::SITE_P, p, &f.percent)?;
            ws.write_number_with_format(r, ec::P, p, &f.input)?;
            let product = |value: u16| format!("={}*{}", cell(value), cell(ec::P));
            ws.write_formula_with_format(
                r,
                ec::FROM_NOW,
                format!("={}", name(&all[from].id)).as_str(),
                &f.percent,
            )?;
            ws.write_formula_with_format(r, ec::NOW, product(ec::FROM_NOW).as_str(), &f.percent)?;
            ws.write_formula_with_format(
                r,
                ec::FROM_SITE,
                format!("={}", plan.site_value(from)).as_str(),
                &f.percent,
            )?;
            ws.write_formula_with_format(r, ec::SITE, product(ec::FROM_SITE).as_str(), &f.percent)?;
            if settling && plan.settled_row[to].is_some() {
                let (before, after) = match plan.settled_row[from] {
                    Some(sr) => (
                        format!("={RESOLUTIONS}!{}", a1(sr, rc::BEFORE)),
                        format!("={RESOLUTIONS}!{}", a1(sr, rc::AFTER)),
                    ),
                    None => {
                        let v = format!("={}", plan.site_value(from));
                        (v.clone(), v)
                    }
                };
                ws.write_formula_with_format(r, ec::FROM_BEFORE, before.as_str(), &f.percent)?;
                ws.write_formula_with_format(
                    r,
                    ec::BEFORE,
                    product(ec::FROM_BEFORE).as_str(),
                    &f.percent,
                )?;
                ws.write_formula_with_format(r, ec::FROM_AFTER, after.as_str(), &f.percent)?;
                ws.write_formula_with_format(
                    r,
                    ec::AFTER,
                    product(ec::FROM_AFTER).as_str(),
                    &f.percent,
                )?;
            }
        }
    }
    if last > 0 {
        let v = DataValidation::new()
            .allow_decimal_number(DataValidationRule::Between(0.0, 1.0))
            .set_input_title("P(edge)")?
            .set_input_message("From 0% to 100% (or 0 to 1).")?
            .set_error_title("Not a probability")?
            .set_error_message("P(edge) is from 0% to 100% (0 to 1).")?;
        ws.add_data_validation(1, ec::P, last, ec::P, &v)?;
        ws.autofilter(0, 0, last, ec::SITE)?;
        let end = if settling { ec::AFTER } else { ec::SITE };
        unknown_in_grey(ws, last, ec::FROM_NOW, end, f)?;
    }
    Ok(())
}

fn resolutions(ws: &mut Worksheet, plan: &Plan, f: &Formats) -> Result<(), XlsxError> {
    let ws = sheet(ws, RESOLUTIONS)?;
    headers(
        ws,
        &[
            ("Future", 28.0, false),
            ("Own value (markets or estimate)", 13.0, false),
            ("Resolution", 28.0, false),
            ("Implied before resolutions", 13.0, false),
            ("Value before resolutions", 13.0, false),
            ("Implied after resolutions", 13.0, false),
            ("Site's value after resolutions", 13.0, false),
        ],
        f,
    )?;
    ws.set_freeze_panes(1, 1)?;
    ws.insert_note(
        0,
        rc::AFTER,
        &Note::new("How the build settles the site's own values: a resolved future is 100% or 0%; every other future with a value of its own moves by as much as its implied probability moved. Futures uses these as the site's values.")
            .set_author("Forkcast"),
    )?;
    let mut last = 0;
    for (i, e) in plan.facts.futures.iter().enumerate() {
        let Some(r) = plan.settled_row[i] else {
            continue;
        };
        let cell = |col: u16| a1(r, col);
        ws.write_string(r, rc::ID, &e.id)?;
        let own = e.own;
        if let Some(v) = own {
            ws.write_number_with_format(r, rc::OWN, v, &f.percent)?;
        }
        if let Some((_, text)) = e.resolution.as_ref().filter(|_| e.fixed.is_some()) {
            ws.write_string(r, rc::RESOLUTION, text)?;
        }
        last = r;
        let root = if own.is_some() {
            format!("={}", cell(rc::OWN))
        } else {
            "=NA()".to_string()
        };
        let before = plan.implied(i, ec::BEFORE).unwrap_or_else(|| root.clone());
        ws.write_formula_with_format(r, rc::IMPLIED_BEFORE, before.as_str(), &f.percent)?;
        let value_before = if own.is_some() {
            format!("={}", cell(rc::OWN))
        } else {
            format!("={}", cell(rc::IMPLIED_BEFORE))
        };
        ws.write_formula_with_format(r, rc::BEFORE, value_before.as_str(), &f.percent)?;
        let after = plan.implied(i, ec::AFTER).unwrap_or(root);
        ws.write_formula_with_format(r, rc::IMPLIED_AFTER, after.as_str(), &f.percent)?;
        match e.fixed {
            Some(v) => {
                ws.write_number_with_format(r, rc::AFTER, v, &f.probability)?;
            }
            None => {
                let formula = if own.is_none() {
                    format!("={}", cell(rc::IMPLIED_AFTER))
                } else if !plan.known_before[i] {
                    format!("={}", cell(rc::OWN))
                } else {
                    format!(
                        "=MAX(0,MIN(1,{}+({}-{})))",
                        cell(rc::OWN),
                        cell(rc::IMPLIED_AFTER),
                        cell(rc::IMPLIED_BEFORE)
                    )
                };
                ws.write_formula_with_format(r, rc::AFTER, formula.as_str(), &f.probability)?;
            }
        }
    }
    if last > 0 {
        unknown_in_grey(ws, last, rc::IMPLIED_BEFORE, rc::AFTER, f)?;
    }
    Ok(())
}

/// The formulas of P(W) (or P(L)) low and high over `futures`: one
/// future's probability, the sum of alternatives of one fork (capped at
/// 1), else the largest and the sum (capped at 1).
fn any_of(plan: &Plan, futures: &[usize], one_fork: bool) -> (String, String) {
    let refs = |by_name: bool| -> Vec<String> {
        futures
            .iter()
            .map(|&i| {
                if by_name {
                    name(&plan.facts.futures[i].id)
                } else {
                    format!("{FUTURES}!{}", a1(plan.row(i), fc::PROBABILITY))
                }
            })
            .collect()
    };
    let mut list = refs(true);
    if list.iter().map(|r| r.len() + 1).sum::<usize>() + 20 > MAX_FORMULA {
        list = refs(false);
    }
    let all = list.join(",");
    match list.as_slice() {
        [] => ("=NA()".into(), "=NA()".into()),
        [one] => (format!("={one}"), format!("={one}")),
        _ if one_fork => {
            let sum = format!("=MIN(1,SUM({all}))");
            (sum.clone(), sum)
        }
        _ => (format!("=MAX({all})"), format!("=MIN(1,SUM({all}))")),
    }
}

/// How a bet's chance is computed, in words.
fn rule_words(rule: &Rule) -> String {
    let side = |n: usize, one_fork: bool| match n {
        1 => "one future",
        _ if one_fork => "sum of one fork's branches",
        _ => "largest to sum",
    };
    let w = side(rule.wins.len(), rule.wins_one_fork);
    if rule.loses.is_empty() {
        format!("P(W) ({w}): no losing future")
    } else if rule.all_one_fork {
        format!("P(W) ({w}): all are branches of one fork")
    } else {
        format!(
            "bounds of P(W) ({w}) and P(L) ({})",
            side(rule.loses.len(), rule.loses_one_fork)
        )
    }
}

fn bets(ws: &mut Worksheet, plan: &Plan, f: &Formats) -> Result<(), XlsxError> {
    let facts = plan.facts;
    let ws = sheet(ws, BETS)?;
    let unit = facts
        .currency
        .as_ref()
        .map(|c| format!(" ({c})"))
        .unwrap_or_default();
    let stake = format!("Stake{unit}");
    let ev_low = format!("Expected value, low{unit}");
    let ev_high = format!("Expected value, high{unit}");
    headers(
        ws,
        &[
            ("Bet", 28.0, false),
            ("Title", 44.0, false),
            ("Wins if", 28.0, false),
            ("Loses if", 28.0, false),
            (&stake, 11.0, true),
            ("Pays (× stake)", 9.0, true),
            ("P(W) low", 9.0, false),
            ("P(W) high", 9.0, false),
            ("P(L) low", 9.0, false),
            ("P(L) high", 9.0, false),
            ("Chance of paying off, low", 11.0, false),
            ("Chance of paying off, high", 11.0, false),
            (&ev_low, 12.0, false),
            (&ev_high, 12.0, false),
            ("Site's chance", 11.0, false),
            ("Site's expected value", 14.0, false),
            ("Settled", 40.0, false),
            ("How the chance is computed", 64.0, false),
        ],
        f,
    )?;
    ws.insert_note(
        0,
        bc::STAKE,
        &Note::new("What is at stake, and (Pays) what it is worth if the bet pays off, as a multiple; otherwise it is lost. Expected value = stake × (chance × pays − 1).")
            .set_author("Forkcast"),
    )?;
    let ids = |list: &[usize]| {
        list.iter()
            .map(|&i| facts.futures[i].id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    for (k, b) in facts.bets.iter().enumerate() {
        let r = k as u32 + 1;
        let cell = |col: u16| a1(r, col);
        let rule = &b.rule;
        ws.write_string(r, bc::ID, &b.id)?;
        write_link(ws, r, bc::TITLE, &b.url, &b.title)?;
        ws.write_string(r, bc::WINS, ids(&rule.wins))?;
        ws.write_string(r, bc::LOSES, ids(&rule.loses))?;
        match b.stake {
            Some((amount, pays)) => {
                ws.write_number_with_format(r, bc::STAKE, amount, &f.input_amount)?;
                ws.write_number_with_format(r, bc::PAYS, pays, &f.input_multiple)?;
            }
            None => {
                ws.write_blank(r, bc::STAKE, &f.input_amount)?;
                ws.write_blank(r, bc::PAYS, &f.input_multiple)?;
            }
        }
        let (w_low, w_high) = any_of(plan, &rule.wins, rule.wins_one_fork);
        ws.write_formula_with_format(r, bc::W_LOW, w_low.as_str(), &f.percent)?;
        ws.write_formula_with_format(r, bc::W_HIGH, w_high.as_str(), &f.percent)?;
        if !rule.loses.is_empty() {
            let (l_low, l_high) = any_of(plan, &rule.loses, rule.loses_one_fork);
            ws.write_formula_with_format(r, bc::L_LOW, l_low.as_str(), &f.percent)?;
            ws.write_formula_with_format(r, bc::L_HIGH, l_high.as_str(), &f.percent)?;
        }
        let (low, high) = if rule.loses.is_empty() || rule.all_one_fork {
            (
                format!("={}", cell(bc::W_LOW)),
                format!("={}", cell(bc::W_HIGH)),
            )
        } else {
            (
                format!("=MAX(0,{}-{})", cell(bc::W_LOW), cell(bc::L_HIGH)),
                format!("=MIN({},1-{})", cell(bc::W_HIGH), cell(bc::L_LOW)),
            )
        };
        ws.write_formula_with_format(r, bc::LOW, low.as_str(), &f.probability)?;
        ws.write_formula_with_format(r, bc::HIGH, high.as_str(), &f.probability)?;
        let (s, pays) = (cell(bc::STAKE), cell(bc::PAYS));
        for (col, chance) in [(bc::EV_LOW, bc::LOW), (bc::EV_HIGH, bc::HIGH)] {
            ws.write_formula_with_format(
                r,
                col,
                format!(
                    "=IF(AND(ISNUMBER({s}),ISNUMBER({pays})),{s}*({}*{pays}-1),\"\")",
                    cell(chance)
                )
                .as_str(),
                &f.amount,
            )?;
        }
        ws.write_string(r, bc::SITE_PAYOFF, &b.payoff)?;
        if let Some(ev) = &b.expected {
            ws.write_string(r, bc::SITE_EV, ev)?;
        }
        if let Some(settled) = &b.settled {
            ws.write_string(r, bc::SETTLED, settled)?;
        }
        ws.write_string_with_format(r, bc::RULE, rule_words(rule), &f.muted)?;
    }
    let last = facts.bets.len() as u32;
    if last > 0 {
        let amount = DataValidation::new()
            .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0))
            .set_error_title("Not a stake")?
            .set_error_message("A stake is an amount of 0 or more.")?;
        ws.add_data_validation(1, bc::STAKE, last, bc::STAKE, &amount)?;
        let pays = DataValidation::new()
            .allow_decimal_number(DataValidationRule::GreaterThan(0.0))
            .set_error_title("Not a multiple")?
            .set_error_message(
                "Pays is what the stake is worth if the bet pays off, as a multiple: more than 0.",
            )?;
        ws.add_data_validation(1, bc::PAYS, last, bc::PAYS, &pays)?;
        ws.autofilter(0, 0, last, bc::RULE)?;
        unknown_in_grey(ws, last, bc::W_LOW, bc::EV_HIGH, f)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_valid_and_distinct_and_cells_read_back() {
        assert_eq!(name("human-level-ai"), "p_human_level_ai");
        assert_eq!(name("2030-crash"), "p_2030_crash");
        assert!(rust_xlsxwriter::utility::check_name(&name(&"a".repeat(100))).is_ok());
        assert_eq!(cell_of("F12"), (11, 5));
        assert_eq!(cell_of("AB3"), (2, 27));
        assert_eq!(a1(11, 5), "F12");
    }

    /// What the spreadsheet costs on a site: `FORKCAST_SPREADSHEET_SITE=DIR
    /// cargo test --release --lib spreadsheet_cost -- --ignored --nocapture`
    /// (markets without their snapshot: estimates stand in).
    #[test]
    #[ignore = "a measurement: set FORKCAST_SPREADSHEET_SITE to a site's folder"]
    fn spreadsheet_cost() {
        let Some(root) = std::env::var_os("FORKCAST_SPREADSHEET_SITE") else {
            return;
        };
        let options = crate::model::site::BuildOptions {
            offline: true,
            read_only: true,
            ..Default::default()
        };
        let loaded = crate::model::site::Loaded::load(std::path::Path::new(&root), &options)
            .unwrap_or_else(|d| panic!("{:?}", d.into_sorted().first()));
        let site = loaded.compute(crate::model::site::Observed::default());
        let shape = site.shape();
        let common = SiteView::of(&site);
        let median = |mut times: Vec<f64>| {
            times.sort_by(f64::total_cmp);
            times[times.len() / 2]
        };
        let (mut keyed, mut drawn, mut bytes) = (Vec::new(), Vec::new(), 0);
        for _ in 0..5 {
            let started = std::time::Instant::now();
            let facts = Facts::of(&site, &shape, &common);
            let _ = key(&facts);
            keyed.push(started.elapsed().as_secs_f64() * 1000.0);
            let started = std::time::Instant::now();
            bytes = draw(&facts, "forkcast.xlsx").unwrap().len();
            drawn.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        let edges: usize = FutureIx::all(site.futures.len())
            .map(|i| site.graph.parents(i).len())
            .sum();
        println!(
            "spreadsheet: {} futures, {edges} edges, {} bets: {bytes} bytes; facts and key {:.1} ms, drawn in {:.1} ms (medians of 5)",
            site.futures.len(),
            site.bets.len(),
            median(keyed),
            median(drawn)
        );
    }

    fn facts(title: &str) -> Facts {
        let future = |id: &str, own: Option<f64>, parents: Vec<(usize, f64)>| FutureFacts {
            id: id.into(),
            title: format!("={id}"),
            url: format!("https://example.org/futures/{id}/"),
            group: None,
            source: own.map(|_| "estimate"),
            resolution: None,
            fixed: None,
            own,
            shown: own,
            implied_known: true,
            parents,
        };
        Facts {
            title: title.into(),
            base_url: "https://example.org/".into(),
            day: (2026, 12, 6),
            built: "6 December 2026".into(),
            generator: "Forkcast test".into(),
            markets_as_of: None,
            credit: None,
            currency: Some("$".into()),
            futures: vec![
                future("a", Some(0.4), vec![]),
                future("b", None, vec![(0, 0.5)]),
            ],
            bets: vec![BetFacts {
                id: "on-b".into(),
                title: "On b".into(),
                url: "https://example.org/bets/on-b/".into(),
                rule: Rule {
                    wins: vec![1],
                    loses: vec![0],
                    wins_one_fork: false,
                    loses_one_fork: false,
                    all_one_fork: false,
                },
                stake: Some((100.0, 2.0)),
                payoff: "0–20%".into(),
                expected: Some("−$100 to −$60".into()),
                settled: None,
            }],
            order: vec![0, 1],
        }
    }

    #[test]
    fn the_key_names_the_facts_and_the_same_facts_draw_the_same_bytes() {
        let (a, b) = (facts("A site"), facts("Another site"));
        assert_eq!(key(&a), key(&facts("A site")));
        assert_ne!(key(&a), key(&b));
        assert_eq!(key(&a).len(), 32);
        let bytes = draw(&a, "forkcast.xlsx").unwrap();
        assert!(bytes.starts_with(b"PK"), "a zip file");
        assert_eq!(bytes, draw(&facts("A site"), "forkcast.xlsx").unwrap());
    }

    #[test]
    fn a_credit_keeps_its_links_addresses() {
        assert_eq!(
            plain_text(
                "Data by [Bench](https://b.org/), [CC BY-SA 4.0](https://cc.org/by-sa/).\n[More](/about/).",
                "https://x.org/manual/"
            ),
            "Data by Bench (https://b.org/), CC BY-SA 4.0 (https://cc.org/by-sa/). More (https://x.org/manual/about/)."
        );
    }
}
