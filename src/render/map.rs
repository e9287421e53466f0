//! The future map as static SVG, readable without JavaScript: `/futures/`'s
//! map (every group open when it all fits legibly, else the top level with
//! closed groups showing what they hold) and
//! the small fragment on each bet page (its essential fork and the futures
//! it wins and loses in). Every node is a link to its future's page.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::model::site::{Settled, Site};
use crate::render::format;
use crate::render::layout::{
    BASELINE, EDGE_PX, GROUP_BASELINE, GROUP_PX, GROUP_X, LINE_H, Layout, MARGIN, NODE_W, Rect,
    TEXT_X, TITLE_PX, header_height,
};
use crate::routes::{BetIx, FutureIx};
use crate::source::record::Outcome;

use crate::source::markdown::escape_html as esc;

/// The bet fragment's boxes hold one line of title.
const NODE_H: f64 = crate::render::layout::node_height(1);

/// A title shortened to what fits in `width` pixels at the map's font size.
pub(crate) fn fit(title: &str, width: f64) -> String {
    let max = ((width - 16.0) / 7.2).max(4.0) as usize;
    if title.chars().count() <= max {
        return title.to_string();
    }
    let cut: String = title.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

/// The colour bucket (0–9) of a probability; CSS gives each a fill from one
/// scale (`--p0` … `--p9` in style.css), in light and dark variants.
pub(crate) fn bucket(p: f64) -> usize {
    ((p * 10.0).floor() as usize).min(9)
}

fn node(out: &mut String, site: &Site, i: FutureIx, r: Rect, base: &str, extra_class: &str) {
    let e = &site.futures[i];
    let f = &e.future;
    let p = e.effective();
    let class = match p {
        Some(p) => format!("node p{}{}{extra_class}", bucket(p), settled_class(site, i)),
        None => format!("node unknown{extra_class}"),
    };
    let mut marks = String::new();
    if e.computed.disagreement {
        marks.push_str(" ⚠");
    }
    let number = p.map(|_| reading(site, i)).unwrap_or_default();
    let _ = write!(
        out,
        "<a href=\"{base}{href}\" class=\"{class}\" data-id=\"{id}\"><title>{title}{tip}</title><rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" rx=\"6\"/><text x=\"{tx:.1}\" y=\"{ty:.1}\">{label}</text><text class=\"num\" x=\"{tx:.1}\" y=\"{ny:.1}\">{number}{marks}</text></a>",
        id = f.id,
        href = crate::routes::future(f.id.as_str()),
        title = esc(&f.title),
        tip = esc(&if number.is_empty() {
            String::new()
        } else {
            format!(": {number}")
        }),
        x = r.x,
        y = r.y,
        w = r.w,
        h = r.h,
        tx = r.x + 8.0,
        ty = r.y + 18.0,
        ny = r.y + 35.0,
        label = esc(&fit(&f.title, r.w)),
    );
}

fn edge(out: &mut String, from: Rect, to: Rect, label: Option<String>, class: &str) {
    let (x1, y1) = (from.x + from.w, from.y + from.h / 2.0);
    let (x2, y2) = (to.x, to.y + to.h / 2.0);
    let dx = ((x2 - x1) / 2.0).max(24.0);
    let _ = write!(
        out,
        "<path class=\"{class}\" d=\"M{x1:.1},{y1:.1} C{:.1},{y1:.1} {:.1},{y2:.1} {x2:.1},{y2:.1}\"/>",
        x1 + dx,
        x2 - dx
    );
    if let Some(l) = label {
        let _ = write!(
            out,
            "<text class=\"edge-label\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            (x1 + x2) / 2.0,
            (y1 + y2) / 2.0 - 4.0,
            esc(&l)
        );
    }
}

/// The smallest text drawn on the map, in CSS pixels on screen: smaller
/// text is hidden, never shrunk.
pub(crate) const MIN_TEXT_PX: f64 = 11.0;
/// A closed group's marks: one square per future it holds.
pub(crate) const MARK: f64 = 10.0;
pub(crate) const MARK_GAP: f64 = 4.0;

/// Whether the whole map, every group open, fits `room` at a scale where
/// its titles are at least [`MIN_TEXT_PX`] high. The browser applies the
/// same rule to its real frame; the static SVG to a desktop's.
pub(crate) fn fits_open(layout: &Layout, room: (f64, f64)) -> bool {
    let scale = (room.0 / layout.width).min(room.1 / layout.height);
    scale * TITLE_PX >= MIN_TEXT_PX
}

/// The map as static SVG, at its natural size (its frame scrolls): every
/// group open when it all fits a desktop's frame legibly, else the top
/// level with groups closed showing what they hold, edges aggregated and
/// counted.
pub(crate) fn top_level(site: &Site, layout: &Layout) -> String {
    let open = fits_open(layout, crate::render::layout::FIT_FRAME);
    let (w, h) = (layout.width, layout.height);
    let mut out = format!(
        "<svg class=\"map\" viewBox=\"{:.0} {:.0} {:.0} {:.0}\" width=\"{:.0}\" height=\"{:.0}\" role=\"group\" aria-label=\"The map of futures\">",
        -MARGIN.0 / 2.0,
        -MARGIN.1 + 20.0,
        w + MARGIN.0,
        h + MARGIN.1,
        w + MARGIN.0,
        h + MARGIN.1,
    );
    axis(&mut out, layout);
    let shown: Vec<FutureIx> = FutureIx::all(site.graph.len())
        .filter(|&i| open || site.graph.group(i).is_none())
        .collect();
    out.push_str("<g class=\"edges\">");
    edges(&mut out, site, layout, open);
    out.push_str("</g><g class=\"nodes\">");
    for &i in &shown {
        if site.graph.members(i).is_empty() {
            future_node(&mut out, site, layout, i);
        } else {
            group_box(&mut out, site, layout, i, open);
        }
    }
    out.push_str("</g></svg>");
    out
}

/// The time axis: each top-level column's window, above it.
fn axis(out: &mut String, layout: &Layout) {
    out.push_str("<g class=\"axis\">");
    for c in &layout.columns {
        if let Some(when) = c.when {
            text(
                out,
                "",
                c.x + c.w / 2.0,
                c.y - 14.0,
                TITLE_PX,
                &when.to_string(),
            );
        }
    }
    out.push_str("</g>");
}

/// The edges between what is drawn: every edge when all is open, with its
/// P(edge); else between top-level items, counted.
fn edges(out: &mut String, site: &Site, layout: &Layout, open: bool) {
    let g = &site.graph;
    let top = |mut f: FutureIx| {
        if !open {
            while let Some(p) = g.group(f) {
                f = p;
            }
        }
        f
    };
    let mut between: BTreeMap<(FutureIx, FutureIx), (usize, f64)> = BTreeMap::new();
    for f in FutureIx::all(g.len()) {
        for (c, p) in g.children(f) {
            let (a, b) = (top(f), top(c));
            if a != b {
                let e = between.entry((a, b)).or_default();
                *e = (e.0 + 1, p);
            }
        }
    }
    // What a label must not hide under: the boxes that are drawn filled.
    let boxes: Vec<Rect> = FutureIx::all(g.len())
        .filter(|&i| {
            if open {
                g.members(i).is_empty()
            } else {
                g.group(i).is_none()
            }
        })
        .map(|i| layout.rects[i])
        .collect();
    for ((a, b), (n, p)) in between {
        let grouped = !g.members(a).is_empty() || !g.members(b).is_empty();
        let label = if grouped || n > 1 {
            format!("{n}")
        } else {
            format::percent(Some(p))
        };
        let (from, to) = (layout.rects[a], layout.rects[b]);
        // An edge into an earlier band runs back across the map: drawn faint.
        let class = if to.x < from.x + from.w {
            "edge back"
        } else {
            "edge"
        };
        let room = label_room(from, to, &label, &boxes);
        edge(out, from, to, room.then_some(label), class);
    }
}

/// Whether an edge's label fits between its ends without a box over it.
fn label_room(from: Rect, to: Rect, label: &str, boxes: &[Rect]) -> bool {
    let (x1, y1) = (from.x + from.w, from.y + from.h / 2.0);
    let (x2, y2) = (to.x, to.y + to.h / 2.0);
    let w = crate::render::text::width(label, EDGE_PX) + 6.0;
    let b = Rect {
        x: (x1 + x2 - w) / 2.0,
        y: (y1 + y2) / 2.0 - EDGE_PX,
        w,
        h: EDGE_PX,
    };
    w <= x2 - x1 && !boxes.iter().any(|o| o.overlaps(&b))
}

/// Attributes of a future's link: its page, its id (so `/futures/#id`
/// lands on the map), its full title and number as a tooltip.
fn link_open(out: &mut String, site: &Site, i: FutureIx, class: &str, tip: &str) {
    let f = &site.futures[i].future;
    let _ = write!(
        out,
        "<a href=\"{base}{href}\" id=\"{id}\" class=\"{class}\" data-id=\"{id}\"><title>{tip}</title>",
        base = site.config.base_url.path(),
        href = crate::routes::future(f.id.as_str()),
        id = f.id,
        tip = esc(tip),
    );
}

/// A future's box: its title in up to three lines, then its probability,
/// marks and window.
fn future_node(out: &mut String, site: &Site, layout: &Layout, i: FutureIx) {
    let e = &site.futures[i];
    let p = e.effective();
    let class = p.map_or("node unknown".to_string(), |p| {
        format!("node p{}{}", bucket(p), settled_class(site, i))
    });
    let number = numbers(site, i);
    // A resolved future's tooltip says when; the box has no room for it.
    let tip = match &e.future.resolved {
        Some(r) => format!("{}: {} — {}", e.future.title, number, format::resolution(r)),
        None => format!("{}: {number}", e.future.title),
    };
    link_open(out, site, i, &class, &tip);
    let r = layout.rects[i];
    rect(out, r, 6.0);
    let lines = crate::render::text::lines_of(&e.future.title, &layout.lines[i]);
    let x = r.x + TEXT_X;
    for (k, line) in lines.iter().enumerate() {
        text(
            out,
            "",
            x,
            r.y + BASELINE + k as f64 * LINE_H,
            TITLE_PX,
            line,
        );
    }
    let y = r.y + BASELINE + lines.len() as f64 * LINE_H;
    text(out, "node-num", x, y, TITLE_PX, &number);
    out.push_str("</a>");
}

fn rect(out: &mut String, r: Rect, rx: f64) {
    let _ = write!(
        out,
        "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"{rx}\"/>",
        r.x, r.y, r.w, r.h
    );
}

/// One line of text at `px`, escaped, with `class` where one is given.
fn text(out: &mut String, class: &str, x: f64, y: f64, px: f64, content: &str) {
    out.push_str("<text");
    if !class.is_empty() {
        let _ = write!(out, " class=\"{class}\"");
    }
    let _ = write!(
        out,
        " x=\"{x:.1}\" y=\"{y:.1}\" font-size=\"{px}\">{}</text>",
        esc(content)
    );
}

/// A future's number line: probability, ⚠ disputed, its window. A market
/// value's age is said in words (the page's footer, the future's page), not
/// by a mark whose meaning would be only in a tooltip. A settled future's
/// line is its mark and words alone: "✗ did not happen" and a window do
/// not fit one box, and the axis above gives the window.
fn numbers(site: &Site, i: FutureIx) -> String {
    let e = &site.futures[i];
    let mut s = reading(site, i);
    if settled(site, i).is_some() {
        return s;
    }
    if e.computed.disagreement {
        s.push_str(" ⚠");
    }
    if let Some(w) = e.future.when {
        let _ = write!(s, " · {w}");
    }
    s
}

/// How future `i` is settled (by its own resolution or another's), if it is.
fn settled(site: &Site, i: FutureIx) -> Option<Outcome> {
    match site.futures[i].settled {
        Settled::Fixed { outcome, .. } => Some(outcome),
        _ => None,
    }
}

/// ` settled happened` or ` settled did-not-happen`: the classes the
/// theme draws a settled box with (the browser's map uses the same).
fn settled_class(site: &Site, i: FutureIx) -> String {
    settled(site, i).map_or(String::new(), |o| format!(" settled {}", o.as_str()))
}

/// What a box says of its future's number: `✓ happened`, `✗ did not
/// happen`, else its probability.
fn reading(site: &Site, i: FutureIx) -> String {
    match settled(site, i) {
        Some(o) => format!(
            "{} {}",
            format::mark(o == Outcome::Happened),
            format::outcome_words(o)
        ),
        None => format::percent(site.futures[i].effective()),
    }
}

/// A group's box: open, its title in the header; closed, its title, how
/// many futures it holds and when, and a mark for each.
fn group_box(out: &mut String, site: &Site, layout: &Layout, i: FutureIx, open: bool) {
    let f = &site.futures[i].future;
    let count = count_inside(site, i);
    let when = f.when.map(|w| format!(" · {w}")).unwrap_or_default();
    let class = if open { "group open" } else { "group closed" };
    link_open(
        out,
        site,
        i,
        class,
        &format!("{}: {count} futures{when}", f.title),
    );
    let r = layout.rects[i];
    rect(out, r, 10.0);
    let lines = crate::render::text::lines_of(&f.title, &layout.lines[i]);
    let x = r.x + GROUP_X;
    let step = GROUP_PX + 4.0;
    for (k, line) in lines.iter().enumerate() {
        text(
            out,
            "group-title",
            x,
            r.y + GROUP_BASELINE + k as f64 * step,
            GROUP_PX,
            line,
        );
    }
    if !open {
        let y = r.y + header_height(lines.len()) + TITLE_PX;
        text(
            out,
            "group-count",
            x,
            y,
            TITLE_PX,
            &format!("{count} futures{when}"),
        );
        let area = Rect {
            x,
            y: y + 10.0,
            w: r.w - 2.0 * GROUP_X,
            h: r.y + r.h - y - 20.0,
        };
        marks(out, site, i, area);
    }
    out.push_str("</a>");
}

/// One small square per future `g` holds (at any depth, in time order),
/// coloured by its probability, as many as fit in `area`. The squares of
/// one colour are one path: a large map's page stays small.
fn marks(out: &mut String, site: &Site, g: FutureIx, area: Rect) {
    let step = MARK + MARK_GAP;
    let per_row = ((area.w + MARK_GAP) / step).floor().max(0.0) as usize;
    let rows = ((area.h + MARK_GAP) / step).floor().max(0.0) as usize;
    let mut leaves = Vec::new();
    leaves_of(site, g, &mut leaves);
    leaves.sort_by_key(|&i| site.futures[i].future.when.map_or(i32::MAX, |w| w.start));
    let mut paths: BTreeMap<String, String> = BTreeMap::new();
    for (k, &i) in leaves.iter().take(per_row * rows).enumerate() {
        let class = site.futures[i]
            .effective()
            .map_or("unknown".to_string(), |p| format!("p{}", bucket(p)));
        let _ = write!(
            paths.entry(class).or_default(),
            "M{:.1},{:.1}h{MARK}v{MARK}h-{MARK}z",
            area.x + (k % per_row) as f64 * step,
            area.y + (k / per_row) as f64 * step,
        );
    }
    out.push_str("<g class=\"marks\">");
    for (class, d) in paths {
        let _ = write!(out, "<path class=\"mark {class}\" d=\"{d}\"/>");
    }
    out.push_str("</g>");
}

/// The futures (not groups) inside `g`, at any depth.
fn leaves_of(site: &Site, g: FutureIx, out: &mut Vec<FutureIx>) {
    for &m in site.graph.members(g) {
        if site.graph.members(m).is_empty() {
            out.push(m);
        } else {
            leaves_of(site, m, out);
        }
    }
}

fn count_inside(site: &Site, g: FutureIx) -> usize {
    site.graph
        .members(g)
        .iter()
        .map(|&m| 1 + count_inside(site, m))
        .sum()
}

/// The part of the graph a bet rides on: its essential fork, the fork's
/// branches, and the futures the bet wins (green) and loses (red) in.
pub(crate) fn bet_fragment(site: &Site, bet: BetIx) -> Option<String> {
    let b = &site.bets[bet];
    let fork = b.fork.ok()?;
    let base = site.config.base_url.path();
    let branches: Vec<FutureIx> = site
        .graph
        .children(fork)
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    let outcomes: Vec<FutureIx> = b
        .wins_if
        .iter()
        .chain(&b.loses_if)
        .copied()
        .filter(|f| !branches.contains(f))
        .collect();
    let (col, row) = (NODE_W + 60.0, NODE_H + 14.0);
    let rows = branches.len().max(outcomes.len()).max(1) as f64;
    let height = rows * row;
    let fork_rect = Rect {
        x: 0.0,
        y: (height - NODE_H) / 2.0,
        w: NODE_W,
        h: NODE_H,
    };
    let at = |column: f64, k: usize, of: usize| {
        let top = (height - of as f64 * row) / 2.0;
        Rect {
            x: column * col,
            y: top + k as f64 * row,
            w: NODE_W,
            h: NODE_H,
        }
    };
    let class_of = |f: FutureIx| {
        if b.wins_if.contains(&f) {
            " win"
        } else if b.loses_if.contains(&f) {
            " lose"
        } else {
            ""
        }
    };
    let width = if outcomes.is_empty() {
        2.0 * col - 60.0
    } else {
        3.0 * col - 60.0
    };
    let mut out = format!(
        "<svg class=\"map fragment\" viewBox=\"-4 -4 {:.0} {:.0}\" role=\"group\" aria-label=\"The fork this bet rides on\">",
        width + 8.0,
        height + 8.0
    );
    out.push_str("<g class=\"edges\">");
    for k in 0..branches.len() {
        edge(
            &mut out,
            fork_rect,
            at(1.0, k, branches.len()),
            None,
            "edge",
        );
    }
    for (k, &o) in outcomes.iter().enumerate() {
        if let Some(bk) = branches
            .iter()
            .position(|&br| o == br || site.graph.leads_eventually(br, o))
        {
            edge(
                &mut out,
                at(1.0, bk, branches.len()),
                at(2.0, k, outcomes.len()),
                None,
                "edge far",
            );
        }
    }
    out.push_str("</g><g class=\"nodes\">");
    node(&mut out, site, fork, fork_rect, base, " fork");
    for (k, &c) in branches.iter().enumerate() {
        node(
            &mut out,
            site,
            c,
            at(1.0, k, branches.len()),
            base,
            class_of(c),
        );
    }
    for (k, &o) in outcomes.iter().enumerate() {
        node(
            &mut out,
            site,
            o,
            at(2.0, k, outcomes.len()),
            base,
            class_of(o),
        );
    }
    out.push_str("</g></svg>");
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_fit_their_box() {
        assert_eq!(fit("Short", NODE_W), "Short");
        let long = fit(
            "A very long title that cannot possibly fit inside one node",
            NODE_W,
        );
        assert!(long.ends_with('…') && long.chars().count() <= 22, "{long}");
        assert_eq!(bucket(0.0), 0);
        assert_eq!(bucket(0.999), 9);
        assert_eq!(bucket(1.0), 9);
    }
}
