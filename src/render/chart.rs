//! Charts drawn at build time as inline SVG: probability histories with
//! plotters, whose axes and text use `currentColor`, so a chart follows the
//! page into dark mode (series colours are mid-tones readable on both); and
//! small horizontal bar charts of what moves a bet ([`bars`]), drawn by hand
//! because each bar is a link, coloured by the stylesheet's classes.
//!
//! Each chart is drawn twice, for a wide column and for a phone, and the
//! stylesheet shows one: an SVG scales its text with its width, so a single
//! drawing is either tiny on a phone or huge on a desktop.

use std::fmt::Write as _;
use std::sync::Once;

use jiff::civil::Date;
use plotters::coord::combinators::WithKeyPoints;
use plotters::coord::types::{RangedCoordf64, RangedCoordi32};
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::source::markdown::escape_html;
use crate::source::market_ref::MarketRef;
use plotters::style::FontStyle;

use crate::render::text::FONT;
/// Series colours (Okabe–Ito, safe for colour-blind readers).
pub(super) const PALETTE: [RGBColor; 5] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
];
/// Drawn as black, then rewritten to `currentColor`.
pub(super) const INK: RGBColor = RGBColor(0, 0, 0);
/// Days without a value longer than this break a line: a straight segment
/// across months without data would draw values nobody recorded.
const GAP_DAYS: i32 = 31;

/// One drawing of a chart: its size in CSS pixels, text size, class and
/// how many dates its time axis can label without crowding.
struct Layout {
    size: (u32, u32),
    font: u32,
    class: &'static str,
    max_ticks: usize,
}

const WIDE: Layout = Layout {
    size: (704, 340),
    font: 16,
    class: "chart chart-wide",
    max_ticks: 7,
};
const NARROW: Layout = Layout {
    size: (400, 330),
    font: 16,
    class: "chart chart-narrow",
    max_ticks: 4,
};

/// One line of a chart.
pub(crate) struct Series {
    pub label: String,
    pub points: Vec<(Date, f64)>,
}

/// A dated piece of evidence, drawn as a mark at the top of the plot:
/// ▲ where it makes the future more likely, ▼ less.
#[derive(Clone, Copy)]
pub(crate) struct Mark {
    pub date: Date,
    pub up: bool,
}

/// The author's estimate through time: each committed change at its date
/// (`None`: no estimate from then on), held until `today`.
pub(crate) struct Estimate {
    /// Oldest first; empty outside a git repository.
    pub changes: Vec<(Date, Option<f64>)>,
    /// The value the file gives today, which may not be committed yet:
    /// the line ends there.
    pub current: Option<f64>,
    /// The build's day: a stepped estimate's chart reaches it, so the last
    /// value is seen to hold.
    pub today: Date,
}

impl Estimate {
    /// Whether the estimate changed through time (else it is one value,
    /// drawn flat across the chart).
    fn stepped(&self) -> bool {
        !self.changes.is_empty()
    }

    /// The last committed value.
    fn committed(&self) -> Option<f64> {
        self.changes.last().and_then(|(_, v)| *v)
    }

    /// The runs of the step line between `first` and `last` (day numbers),
    /// broken where the estimate was removed; the value of today ends it.
    fn steps(&self, last: i32) -> Vec<Vec<(i32, f64)>> {
        let mut runs: Vec<Vec<(i32, f64)>> = Vec::new();
        let mut open = false;
        for (i, (date, value)) in self.changes.iter().enumerate() {
            let start = day_number(*date);
            let end = self
                .changes
                .get(i + 1)
                .map_or(last, |(d, _)| day_number(*d))
                .max(start);
            match value {
                Some(v) => {
                    if !open {
                        runs.push(Vec::new());
                        open = true;
                    }
                    if let Some(run) = runs.last_mut() {
                        run.extend([(start, *v), (end, *v)]);
                    }
                }
                None => open = false,
            }
        }
        if let Some(now) = self.current
            && self.committed() != Some(now)
        {
            match runs.last_mut() {
                Some(run) if open => run.push((last, now)),
                _ => runs.push(vec![(last, now)]),
            }
        }
        runs
    }

    /// The legend's words.
    fn label(&self) -> Option<String> {
        match (self.stepped(), self.current) {
            (true, Some(p)) => Some(format!("author's estimate, now {:.0}%", p * 100.0)),
            (true, None) => Some("author's estimate, none now".into()),
            (false, Some(p)) => Some(format!("author's estimate, {:.0}%", p * 100.0)),
            (false, None) => None,
        }
    }
}

fn day_number(d: Date) -> i32 {
    d.since(Date::constant(1970, 1, 1))
        .map_or(0, |span| span.get_days())
}

fn date_of(n: i32) -> Date {
    Date::constant(1970, 1, 1)
        .checked_add(jiff::Span::new().days(n as i64))
        .unwrap_or(Date::constant(1970, 1, 1))
}

/// A line chart of `series` plus the author's `estimate` as a dashed step
/// line (flat when it has no history) and the dates of `evidence`, as two
/// SVGs (wide and narrow). `None` when there is nothing to draw (fewer
/// than two dates in all).
pub(crate) fn history(
    title: &str,
    series: &[Series],
    estimate: &Estimate,
    evidence: &[Mark],
) -> Option<String> {
    let days: Vec<i32> = series
        .iter()
        .flat_map(|s| s.points.iter().map(|(d, _)| day_number(*d)))
        .chain(estimate.changes.iter().map(|(d, _)| day_number(*d)))
        .chain(evidence.iter().map(|m| day_number(m.date)))
        .collect();
    let today = estimate.stepped().then(|| day_number(estimate.today));
    if days.len() < 2 {
        return None;
    }
    register_font();
    let span = (
        *days.iter().min()?,
        (*days.iter().max()?).max(today.unwrap_or(i32::MIN)),
    );
    let labels = legend_labels(series);
    let mut out = String::new();
    for layout in [&WIDE, &NARROW] {
        let svg = draw(layout, span, series, &labels, estimate, evidence)?;
        out.push_str(&accessible(
            &svg,
            layout.class,
            title,
            series,
            &labels,
            estimate,
            evidence,
        ));
    }
    Some(out)
}

/// Makes the page's sans-serif (DejaVu) the one plotters measures and
/// names, once per process.
pub(super) fn register_font() {
    static REGISTER: Once = Once::new();
    REGISTER.call_once(|| {
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
    });
}

/// The legend's names: a market reference becomes its platform's name, with
/// its id where two lines share a platform (the table beside the chart
/// gives each market's title).
fn legend_labels(series: &[Series]) -> Vec<String> {
    let refs: Vec<Option<MarketRef>> = series
        .iter()
        .map(|s| MarketRef::parse(&s.label).ok())
        .collect();
    refs.iter()
        .zip(series)
        .map(|(r, s)| match r {
            Some(r)
                if refs
                    .iter()
                    .flatten()
                    .filter(|o| o.platform == r.platform)
                    .count()
                    > 1 =>
            {
                format!("{} · {}", r.platform.title(), shorten(&r.id, 22))
            }
            Some(r) => r.platform.title().to_string(),
            None => shorten(&s.label, 40),
        })
        .collect()
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max - 1).collect();
    format!("{cut}…")
}

/// How the time axis is divided: every `step` weeks, months or years.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Step {
    Weeks(i32),
    Months(i8),
    Years(i16),
}

const STEPS: [Step; 9] = [
    Step::Weeks(1),
    Step::Weeks(2),
    Step::Months(1),
    Step::Months(2),
    Step::Months(3),
    Step::Months(6),
    Step::Years(1),
    Step::Years(2),
    Step::Years(5),
];

/// Tick dates on calendar boundaries (Mondays, the first of a month, New
/// Year), the finest step that gives at most `max` of them in `first..=last`.
fn ticks(first: Date, last: Date, max: usize) -> (Vec<Date>, Step) {
    for step in STEPS {
        let dates = tick_dates(first, last, step, max + 1);
        if !dates.is_empty() && dates.len() <= max {
            return (dates, step);
        }
    }
    (vec![first, last], Step::Weeks(1))
}

/// At most `limit` dates of `step` between `first` and `last`.
fn tick_dates(first: Date, last: Date, step: Step, limit: usize) -> Vec<Date> {
    let start = match step {
        Step::Weeks(_) => {
            let back = first.weekday().to_monday_zero_offset();
            first.checked_sub(jiff::Span::new().days(i64::from(back)))
        }
        Step::Months(m) => first
            .first_of_month()
            .with()
            .month(((first.month() - 1) / m) * m + 1)
            .build(),
        Step::Years(y) => Date::new((first.year() / y) * y, 1, 1),
    };
    let Ok(mut d) = start else {
        return Vec::new();
    };
    let span = match step {
        Step::Weeks(w) => jiff::Span::new().weeks(w),
        Step::Months(m) => jiff::Span::new().months(m),
        Step::Years(y) => jiff::Span::new().years(y),
    };
    let mut dates = Vec::new();
    while d <= last && dates.len() < limit {
        if d >= first {
            dates.push(d);
        }
        match d.checked_add(span) {
            Ok(next) => d = next,
            Err(_) => break,
        }
    }
    dates
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `6 Jul`, `Aug`, `Jan 2026`, `2025`: the year is written on the first
/// tick and at each New Year, so every date on the axis can be read.
fn tick_label(d: Date, step: Step, first_tick: bool) -> String {
    let month = MONTHS[(d.month() - 1) as usize];
    let year = first_tick || d.month() == 1 && d.day() <= 7;
    match step {
        Step::Years(_) => d.year().to_string(),
        Step::Weeks(_) if year => format!("{} {month} {}", d.day(), d.year()),
        Step::Weeks(_) => format!("{} {month}", d.day()),
        Step::Months(_) if year => format!("{month} {}", d.year()),
        Step::Months(_) => month.to_string(),
    }
}

/// One drawing: the legend on top, the plot below.
fn draw(
    layout: &Layout,
    (first, last): (i32, i32),
    series: &[Series],
    labels: &[String],
    estimate: &Estimate,
    evidence: &[Mark],
) -> Option<String> {
    let last = last.max(first + 1);
    let (tick_days, step) = ticks(date_of(first), date_of(last), layout.max_ticks);
    let first_tick = tick_days.first().copied();
    let font = ("sans-serif", layout.font).into_font().color(&INK);
    let mut entries: Vec<(String, Sample)> = labels
        .iter()
        .enumerate()
        .map(|(i, l)| (l.clone(), Sample::Line(PALETTE[i % PALETTE.len()])))
        .collect();
    if let Some(label) = estimate.label() {
        entries.push((label, Sample::Dashed));
    }
    for (up, label) in [(true, "evidence for"), (false, "evidence against")] {
        if evidence.iter().any(|m| m.up == up) {
            entries.push((label.to_string(), Sample::Mark(up)));
        }
    }
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, layout.size).into_drawing_area();
        let rows = legend_rows(&root, &entries, &font, layout.size.0 - 24);
        let row_height = layout.font as i32 + 10;
        let (top, plot) = root.split_vertically(rows.len() as i32 * row_height + 8);
        draw_legend(&top, &rows, &font, row_height)?;
        let mut chart = ChartBuilder::on(&plot)
            .margin_left(4)
            .margin_right(16)
            .margin_top(6)
            .x_label_area_size(layout.font + 16)
            .y_label_area_size(layout.font * 3)
            .build_cartesian_2d(
                (first..last).with_key_points(tick_days.iter().map(|d| day_number(*d)).collect()),
                0.0..1.0,
            )
            .ok()?;
        chart
            .configure_mesh()
            .bold_line_style(INK.mix(0.12))
            .light_line_style(TRANSPARENT)
            .axis_style(INK.mix(0.6))
            .label_style(font.clone())
            .x_label_formatter(&|n| {
                let d = date_of(*n);
                tick_label(d, step, Some(d) == first_tick)
            })
            .y_labels(6)
            .y_label_formatter(&|p| format!("{:.0}%", p * 100.0))
            .draw()
            .ok()?;
        for (i, s) in series.iter().enumerate() {
            draw_series(&mut chart, s, PALETTE[i % PALETTE.len()])?;
        }
        draw_estimate(&mut chart, estimate, (first, last))?;
        draw_evidence(&mut chart, evidence)?;
        root.present().ok()?;
    }
    Some(svg)
}

type Chart<'a, 'b> =
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<WithKeyPoints<RangedCoordi32>, RangedCoordf64>>;

/// A market's line, broken where days are missing (a faint dashed link
/// bridges the gap), with its last recorded value marked by a dot.
fn draw_series(chart: &mut Chart<'_, '_>, s: &Series, color: RGBColor) -> Option<()> {
    let points: Vec<(i32, f64)> = s.points.iter().map(|(d, p)| (day_number(*d), *p)).collect();
    let runs = runs(&points);
    for pair in runs.windows(2) {
        let (a, b) = (pair[0][pair[0].len() - 1], pair[1][0]);
        chart
            .draw_series(DashedLineSeries::new(
                vec![a, b],
                3,
                4,
                color.mix(0.6).stroke_width(1),
            ))
            .ok()?;
    }
    for run in &runs {
        if let [single] = run {
            chart
                .draw_series(std::iter::once(Circle::new(*single, 2, color.filled())))
                .ok()?;
        } else {
            chart
                .draw_series(LineSeries::new(run.iter().copied(), color.stroke_width(2)))
                .ok()?;
        }
    }
    let last = *points.last()?;
    chart
        .draw_series(std::iter::once(Circle::new(last, 4, color.filled())))
        .ok()?;
    Some(())
}

/// The author's estimate: a dashed step line through its changes, its
/// value of today marked by a dot; without history, one flat line.
fn draw_estimate(
    chart: &mut Chart<'_, '_>,
    estimate: &Estimate,
    (first, last): (i32, i32),
) -> Option<()> {
    let ink = INK.mix(0.75);
    let runs = match (estimate.stepped(), estimate.current) {
        (true, _) => estimate.steps(last),
        (false, Some(p)) => vec![vec![(first, p), (last, p)]],
        (false, None) => return Some(()),
    };
    for run in runs {
        chart
            .draw_series(DashedLineSeries::new(run, 7, 5, ink.stroke_width(2)))
            .ok()?;
    }
    if let (true, Some(now)) = (estimate.stepped(), estimate.current) {
        chart
            .draw_series(std::iter::once(Circle::new((last, now), 4, ink.filled())))
            .ok()?;
    }
    Some(())
}

/// Each piece of evidence: a faint line down the plot at its date, and a
/// triangle at its top pointing the way the evidence points.
fn draw_evidence(chart: &mut Chart<'_, '_>, evidence: &[Mark]) -> Option<()> {
    for m in evidence {
        let x = day_number(m.date);
        chart
            .draw_series(DashedLineSeries::new(
                [(x, 0.0), (x, 1.0)],
                2,
                4,
                INK.mix(0.35).stroke_width(1),
            ))
            .ok()?;
        chart
            .draw_series(std::iter::once(
                EmptyElement::at((x, 1.0)) + triangle(m.up, (0, 0)),
            ))
            .ok()?;
    }
    Some(())
}

/// ▲ (`up`) or ▼, 12 pixels wide, hanging below `at`.
fn triangle(up: bool, (x, y): (i32, i32)) -> Polygon<(i32, i32)> {
    let points = if up {
        vec![(x - 6, y + 11), (x + 6, y + 11), (x, y + 1)]
    } else {
        vec![(x - 6, y + 1), (x + 6, y + 1), (x, y + 11)]
    };
    Polygon::new(points, INK.mix(0.85).filled())
}

/// The stretches of a line without a gap longer than [`GAP_DAYS`].
fn runs(points: &[(i32, f64)]) -> Vec<&[(i32, f64)]> {
    points.chunk_by(|a, b| b.0 - a.0 <= GAP_DAYS).collect()
}

#[derive(Clone, Copy)]
enum Sample {
    Line(RGBColor),
    Dashed,
    /// An evidence mark, ▲ (`true`) or ▼.
    Mark(bool),
}

/// Legend entries flowed into rows no wider than `width`.
fn legend_rows<'e>(
    area: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    entries: &'e [(String, Sample)],
    font: &TextStyle<'_>,
    width: u32,
) -> Vec<Vec<(&'e str, Sample, i32)>> {
    let mut rows: Vec<Vec<(&str, Sample, i32)>> = Vec::new();
    let mut x = 0;
    for (label, sample) in entries {
        let text = area.estimate_text_size(label, font).map_or(0, |(w, _)| w) as i32;
        let entry = 26 + text;
        if x > 0 && x + entry > width as i32 {
            x = 0;
        }
        if x == 0 {
            rows.push(Vec::new());
        }
        if let Some(row) = rows.last_mut() {
            row.push((label, *sample, x));
        }
        x += entry + 22;
    }
    rows
}

fn draw_legend(
    area: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    rows: &[Vec<(&str, Sample, i32)>],
    font: &TextStyle<'_>,
    row_height: i32,
) -> Option<()> {
    let left = 12;
    for (r, row) in rows.iter().enumerate() {
        let y = 8 + r as i32 * row_height + row_height / 2;
        for (label, sample, x) in row {
            let x = left + x;
            let line = vec![(x, y), (x + 20, y)];
            match sample {
                Sample::Line(c) => area.draw(&PathElement::new(line, c.stroke_width(3))),
                Sample::Dashed => area.draw(&DashedPathElement::new(
                    line,
                    5,
                    3,
                    INK.mix(0.75).stroke_width(2),
                )),
                Sample::Mark(up) => area.draw(&triangle(*up, (x + 10, y - 6))),
            }
            .ok()?;
            area.draw(&Text::new(
                label.to_string(),
                (x + 26, y),
                font.pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .ok()?;
        }
    }
    Some(())
}

/// Adds a class, a role, a `<title>` and a `<desc>` that says in words
/// what the chart shows, for screen readers.
fn accessible(
    svg: &str,
    class: &str,
    title: &str,
    series: &[Series],
    labels: &[String],
    estimate: &Estimate,
    evidence: &[Mark],
) -> String {
    let mut desc: Vec<String> = series
        .iter()
        .zip(labels)
        .filter_map(|(s, label)| {
            let (d0, p0) = s.points.first()?;
            let (d1, p1) = s.points.last()?;
            Some(format!(
                "{label}: {:.0}% on {d0}, {:.0}% on {d1}",
                p0 * 100.0,
                p1 * 100.0
            ))
        })
        .collect();
    desc.extend(estimate_words(estimate));
    if !evidence.is_empty() {
        let marks: Vec<String> = evidence
            .iter()
            .map(|m| format!("{} on {}", if m.up { "for" } else { "against" }, m.date))
            .collect();
        desc.push(format!("evidence marked: {}", marks.join(", ")));
    }
    titled(svg, class, title, &desc.join("; "))
}

/// A plotters drawing with its ink made `currentColor` (so it follows the
/// page into dark mode), a class, a role, a `<title>` and a `<desc>`.
pub(super) fn titled(svg: &str, class: &str, title: &str, desc: &str) -> String {
    let svg = svg.replace("#000000", "currentColor");
    let head_end = svg.find('>').map_or(0, |i| i + 1);
    let (head, body) = svg.split_at(head_end);
    let head = head.replacen(
        "<svg ",
        &format!(
            "<svg role=\"img\" class=\"{class}\" aria-label=\"{}\" ",
            escape_html(title)
        ),
        1,
    );
    format!(
        "{head}<title>{}</title><desc>{}</desc>{body}",
        escape_html(title),
        escape_html(desc)
    )
}

/// The author's estimate in words: each value from its date, and today's
/// when it is not committed yet.
fn estimate_words(estimate: &Estimate) -> Option<String> {
    let value = |v: Option<f64>| v.map_or("none".to_string(), |p| format!("{:.0}%", p * 100.0));
    if !estimate.stepped() {
        return estimate
            .current
            .map(|p| format!("author's estimate {}", value(Some(p))));
    }
    let mut steps: Vec<String> = estimate
        .changes
        .iter()
        .map(|(d, v)| format!("{} from {d}", value(*v)))
        .collect();
    if estimate.current != estimate.committed() {
        steps.push(format!(
            "{} now, not committed yet",
            value(estimate.current)
        ));
    }
    Some(format!("author's estimate: {}", steps.join(", ")))
}

/// One bar of a bar chart: a link, labelled, with a value from −1 to 1
/// (a negative one is drawn as long as its size, marked as lowering).
pub(crate) struct Bar {
    pub label: String,
    pub url: String,
    pub value: f64,
    /// The value in words, printed after the bar.
    pub display: String,
}

/// One drawing of a bar chart: its width in CSS pixels, text size, class.
struct BarLayout {
    width: f64,
    font: f64,
    class: &'static str,
}

const BARS_WIDE: BarLayout = BarLayout {
    width: 704.0,
    font: 15.0,
    class: "chart chart-wide bars",
};
const BARS_NARROW: BarLayout = BarLayout {
    width: 400.0,
    font: 16.0,
    class: "chart chart-narrow bars",
};
/// Room after the longest bar for its printed value.
const VALUE_ROOM: f64 = 116.0;
const BAR_H: f64 = 12.0;

/// A horizontal bar chart of `bars` on a scale from 0 to 1 (so charts of
/// different bets compare), each bar and its label one link, drawn twice
/// like [`history`]. `None` when there is no bar.
pub(crate) fn bars(title: &str, bars: &[Bar]) -> Option<String> {
    if bars.is_empty() {
        return None;
    }
    let desc: Vec<String> = bars
        .iter()
        .map(|b| format!("{}: {}", b.label, b.display))
        .collect();
    let mut out = String::new();
    for layout in [&BARS_WIDE, &BARS_NARROW] {
        out.push_str(&draw_bars(layout, title, &desc.join("; "), bars));
    }
    Some(out)
}

fn draw_bars(layout: &BarLayout, title: &str, desc: &str, bars: &[Bar]) -> String {
    let line = (layout.font * 1.3).round();
    // A rough width of a character of the page's sans-serif at this size.
    let per_line = (layout.width / (layout.font * 0.56)) as usize;
    let track = layout.width - VALUE_ROOM;
    let mut body = String::new();
    let mut y = 0.0;
    for b in bars {
        let _ = write!(body, "<a href=\"{}\">", escape_html(&b.url));
        for text in wrap(&b.label, per_line, 2) {
            y += line;
            let _ = write!(
                body,
                "<text class=\"label\" x=\"0\" y=\"{y:.0}\">{}</text>",
                escape_html(&text)
            );
        }
        let top = y + 6.0;
        let class = if b.value < 0.0 { "bar lowers" } else { "bar" };
        let _ = write!(
            body,
            "<rect class=\"track\" x=\"0\" y=\"{top:.0}\" width=\"{track:.0}\" height=\"{BAR_H}\" rx=\"3\"/><rect class=\"{class}\" x=\"0\" y=\"{top:.0}\" width=\"{:.1}\" height=\"{BAR_H}\" rx=\"3\"/><text class=\"value\" x=\"{:.1}\" y=\"{:.0}\">{}</text></a>",
            (b.value.abs().min(1.0) * track).max(2.0),
            track + 8.0,
            top + BAR_H - 1.0,
            escape_html(&b.display)
        );
        y = top + BAR_H + 10.0;
    }
    format!(
        "<svg class=\"{class}\" viewBox=\"0 0 {w:.0} {h:.0}\" font-size=\"{font}\" role=\"group\" aria-label=\"{t}\"><title>{t}</title><desc>{d}</desc>{body}</svg>",
        class = layout.class,
        w = layout.width,
        h = y,
        font = layout.font,
        t = escape_html(title),
        d = escape_html(desc),
    )
}

/// `text` in lines of at most `width` characters, broken between words,
/// at most `lines` of them (the last cut with `…` if the text is longer).
fn wrap(text: &str, width: usize, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match out.last_mut() {
            Some(l) if l.chars().count() + 1 + word.chars().count() <= width => {
                l.push(' ');
                l.push_str(word);
            }
            _ => out.push(word.to_string()),
        }
    }
    if out.len() > lines {
        out.truncate(lines);
        let last = &mut out[lines - 1];
        let keep: String = last.chars().take(width.saturating_sub(1)).collect();
        *last = format!("{}…", keep.trim_end());
    }
    out.into_iter().map(|l| shorten(&l, width)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    const NONE: Estimate = Estimate {
        changes: Vec::new(),
        current: None,
        today: Date::constant(2026, 12, 1),
    };

    /// The text of every `<text>` element of one SVG.
    fn labels(svg: &str) -> Vec<&str> {
        svg.split("<text")
            .skip(1)
            .filter_map(|t| t.split('>').nth(1))
            .map(|t| t.trim_end_matches("</text").trim())
            .collect()
    }

    #[test]
    fn a_chart_has_axes_a_legend_and_words_for_screen_readers() {
        let series = [
            Series {
                label: "manifold:agi".into(),
                points: vec![(d("2026-01-01"), 0.3), (d("2026-06-01"), 0.45)],
            },
            Series {
                label: "kalshi:KXAGI".into(),
                points: vec![(d("2026-03-01"), 0.2), (d("2026-06-01"), 0.25)],
            },
        ];
        let flat = Estimate {
            changes: Vec::new(),
            current: Some(0.4),
            today: Date::constant(2026, 12, 1),
        };
        let html = history("AGI <by> 2030", &series, &flat, &[]).unwrap();
        let svgs: Vec<&str> = html
            .split_inclusive("</svg>")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        assert_eq!(
            svgs.len(),
            2,
            "one drawing for wide columns, one for phones"
        );
        for (svg, class) in svgs.iter().zip(["chart chart-wide", "chart chart-narrow"]) {
            assert!(
                svg.starts_with(&format!(
                    "<svg role=\"img\" class=\"{class}\" aria-label=\"AGI &lt;by&gt; 2030\" "
                )),
                "{}",
                &svg[..200]
            );
            assert!(svg.contains("<title>AGI &lt;by&gt; 2030</title>"));
            assert!(svg.contains("Manifold: 30% on 2026-01-01, 45% on 2026-06-01"));
            let labels = labels(svg);
            for expected in [
                "0%",
                "40%",
                "100%",
                "Manifold",
                "Kalshi",
                "author&apos;s estimate, 40%",
            ] {
                assert!(
                    labels.contains(&expected),
                    "label {expected} missing from {labels:?}"
                );
            }
            assert!(
                svg.contains("currentColor") && !svg.contains("#000000"),
                "ink follows the page's colour"
            );
            assert!(
                svg.to_lowercase().contains("stroke=\"#0072b2\""),
                "first series in its colour"
            );
        }
        let wide = labels(svgs[0]);
        for month in ["Jan 2026", "Feb", "Mar", "Apr", "May", "Jun"] {
            assert!(wide.contains(&month), "{month} missing from {wide:?}");
        }
    }

    #[test]
    fn time_axes_are_labelled_on_calendar_boundaries() {
        let labelled = |first: &str, last: &str, max: usize| {
            let (dates, step) = ticks(d(first), d(last), max);
            dates
                .iter()
                .enumerate()
                .map(|(i, t)| tick_label(*t, step, i == 0))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            labelled("2026-07-01", "2026-08-18", 7),
            [
                "6 Jul 2026",
                "13 Jul",
                "20 Jul",
                "27 Jul",
                "3 Aug",
                "10 Aug",
                "17 Aug"
            ]
        );
        assert_eq!(
            labelled("2026-07-01", "2026-08-18", 4),
            ["13 Jul 2026", "27 Jul", "10 Aug"]
        );
        assert_eq!(
            labelled("2025-06-15", "2026-08-20", 7),
            ["Jul 2025", "Sep", "Nov", "Jan 2026", "Mar", "May", "Jul"]
        );
        assert_eq!(
            labelled("2024-07-28", "2026-08-20", 4),
            ["Jan 2025", "Jul", "Jan 2026", "Jul"]
        );
        assert_eq!(
            labelled("2019-03-01", "2026-08-20", 4),
            ["2020", "2022", "2024", "2026"]
        );
    }

    #[test]
    fn two_markets_of_one_platform_are_told_apart_and_gaps_break_lines() {
        let series = [
            Series {
                label: "manifold:will-we-get-agi-before-2030".into(),
                points: vec![
                    (d("2025-01-01"), 0.3),
                    (d("2025-06-01"), 0.35),
                    (d("2025-06-02"), 0.36),
                ],
            },
            Series {
                label: "manifold:agi-2032".into(),
                points: vec![(d("2025-06-01"), 0.5), (d("2025-06-02"), 0.5)],
            },
        ];
        assert_eq!(
            legend_labels(&series),
            ["Manifold · will-we-get-agi-befor…", "Manifold · agi-2032"]
        );
        let days = |s: &Series| -> Vec<(i32, f64)> {
            s.points.iter().map(|(d, p)| (day_number(*d), *p)).collect()
        };
        let first = days(&series[0]);
        let lengths: Vec<usize> = runs(&first).iter().map(|r| r.len()).collect();
        assert_eq!(
            lengths,
            [1, 2],
            "five months without data are not drawn as a line"
        );
        assert!(history("t", &series, &NONE, &[]).is_some());
    }

    #[test]
    fn the_estimate_steps_at_each_change_breaks_where_removed_and_ends_at_the_files_value() {
        let estimate = Estimate {
            changes: vec![
                (d("2026-01-01"), Some(0.4)),
                (d("2026-02-01"), None),
                (d("2026-03-01"), Some(0.3)),
            ],
            current: Some(0.35),
            today: d("2026-04-01"),
        };
        let day = |s: &str| day_number(d(s));
        assert_eq!(
            estimate.steps(day("2026-04-01")),
            [
                vec![(day("2026-01-01"), 0.4), (day("2026-02-01"), 0.4)],
                vec![
                    (day("2026-03-01"), 0.3),
                    (day("2026-04-01"), 0.3),
                    (day("2026-04-01"), 0.35)
                ],
            ]
        );
        assert_eq!(
            estimate_words(&estimate).as_deref(),
            Some(
                "author's estimate: 40% from 2026-01-01, none from 2026-02-01, 30% from 2026-03-01, 35% now, not committed yet"
            )
        );
        // An estimate alone, with two dates, is a chart reaching today.
        let svg = history("t", &[], &estimate, &[]).unwrap();
        assert!(svg.contains("author&apos;s estimate, now 35%"), "{svg}");
    }

    #[test]
    fn too_little_history_draws_nothing() {
        let one = [Series {
            label: "x".into(),
            points: vec![(d("2026-01-01"), 0.3)],
        }];
        assert!(history("t", &one, &NONE, &[]).is_none());
    }

    #[test]
    fn bar_labels_wrap_in_two_lines_at_most_and_are_escaped() {
        assert_eq!(
            wrap("Human-level AI arrives", 44, 2),
            ["Human-level AI arrives"]
        );
        assert_eq!(
            wrap(
                "Leading-edge fabrication stays concentrated in one foundry",
                24,
                2
            ),
            ["Leading-edge fabrication", "stays concentrated in…"]
        );
        let bars = [Bar {
            label: "<b>Fab & co</b>".into(),
            url: "/futures/fab/".into(),
            value: 0.62,
            display: "62 points".into(),
        }];
        let svg = super::bars("What moves “x”", &bars).unwrap();
        assert_eq!(svg.matches("<svg ").count(), 2, "wide and narrow");
        assert!(
            svg.contains(">&lt;b&gt;Fab &amp; co&lt;/b&gt;</text>"),
            "{svg}"
        );
        assert!(svg.contains("<a href=\"/futures/fab/\">"));
        // 0.62 of the wide drawing's 588-pixel track.
        assert!(
            svg.contains("class=\"bar\" x=\"0\" y=\"26\" width=\"364.6\""),
            "{svg}"
        );
        // A swing that hurts the bet: as long as its size, marked.
        let hurts = [Bar {
            label: "Bust".into(),
            url: "/futures/bust/".into(),
            value: -0.62,
            display: "−62 points".into(),
        }];
        let svg = super::bars("What moves “x”", &hurts).unwrap();
        assert!(
            svg.contains("class=\"bar lowers\" x=\"0\" y=\"26\" width=\"364.6\""),
            "{svg}"
        );
        assert!(super::bars("t", &[]).is_none());
    }

    #[test]
    fn evidence_is_marked_at_its_dates_and_in_words() {
        let series = [Series {
            label: "manifold:x".into(),
            points: vec![(d("2026-01-01"), 0.3), (d("2026-03-01"), 0.4)],
        }];
        let marks = [
            Mark {
                date: d("2026-02-01"),
                up: true,
            },
            Mark {
                date: d("2025-12-01"),
                up: false,
            },
        ];
        let svg = history("t", &series, &NONE, &marks).unwrap();
        let wide = &svg[..svg.find("</svg>").unwrap()];
        assert!(
            wide.contains("evidence marked: for on 2026-02-01, against on 2025-12-01"),
            "{wide}"
        );
        assert!(
            labels(wide).contains(&"evidence for") && labels(wide).contains(&"evidence against"),
            "{wide}"
        );
        // Two marks on the plot and one in each legend entry.
        assert_eq!(wide.matches("<polygon").count(), 4, "{wide}");
        // The earlier evidence widens the time axis: December 2025 is on it.
        assert!(
            labels(wide).iter().any(|l| l.contains("Dec 2025")),
            "{:?}",
            labels(wide)
        );
        assert!(
            history("t", &series, &NONE, &[])
                .unwrap()
                .matches("<polygon")
                .count()
                == 0
        );
    }
}
