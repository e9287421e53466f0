//! The future map as static SVG, readable without JavaScript: the top level
//! of `/futures/` (groups closed, their edges aggregated with a count) and
//! the small fragment on each bet page (its essential fork and the futures
//! it wins and loses in). Every node is a link to its future's page.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::layout::{HEADER, Layout, NODE_H, NODE_W, Rect};
use crate::site::Site;

use crate::markdown::escape_html as esc;

/// A title shortened to what fits in `width` pixels at the map's font size.
pub fn fit(title: &str, width: f64) -> String {
    let max = ((width - 16.0) / 7.2).max(4.0) as usize;
    if title.chars().count() <= max {
        return title.to_string();
    }
    let cut: String = title.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

/// The colour bucket (0–9) of a probability; CSS gives each a fill from a
/// colour-blind-safe scale, in light and dark variants.
pub fn bucket(p: f64) -> usize {
    ((p * 10.0).floor() as usize).min(9)
}

fn node(out: &mut String, site: &Site, i: usize, r: Rect, base: &str, extra_class: &str) {
    let e = &site.futures[i];
    let f = &e.future;
    let p = e.effective();
    let class = match p {
        Some(p) => format!("node p{}{extra_class}", bucket(p)),
        None => format!("node unknown{extra_class}"),
    };
    let mut marks = String::new();
    if e.computed.disagreement {
        marks.push_str(" ⚠");
    }
    if e.markets.iter().any(|(_, o)| o.stale) {
        marks.push_str(" ↺");
    }
    let number = p
        .map(|p| crate::format::percent(Some(p)))
        .unwrap_or_default();
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

/// The top level of the map: groups closed, futures outside any group, and
/// the edges between them, counted.
pub fn top_level(site: &Site, layout: &Layout) -> String {
    let g = &site.graph;
    let base = site.config.base_url.path();
    let top = |mut f: usize| {
        while let Some(p) = g.group(f) {
            f = p;
        }
        f
    };
    let mut edges: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for f in 0..g.len() {
        for (c, _) in g.children(f) {
            let (a, b) = (top(f), top(c));
            if a != b {
                *edges.entry((a, b)).or_default() += 1;
            }
        }
    }
    let (w, h) = (layout.width, layout.height);
    let mut out = format!(
        "<svg class=\"map\" viewBox=\"-20 -44 {:.0} {:.0}\" role=\"group\" aria-label=\"The map of futures, top level\" data-width=\"{w:.0}\" data-height=\"{h:.0}\">",
        w + 40.0,
        h + 64.0
    );
    out.push_str("<g class=\"axis\">");
    for c in &layout.columns {
        if let Some(y) = c.year {
            let _ = write!(
                out,
                "<text x=\"{:.1}\" y=\"-24\">{y}</text>",
                c.x + c.w / 2.0
            );
        }
    }
    out.push_str("</g><g class=\"edges\">");
    for ((a, b), n) in &edges {
        let label = (*n > 1 || !g.members(*a).is_empty() || !g.members(*b).is_empty())
            .then(|| format!("{n}"));
        edge(&mut out, layout.rects[*a], layout.rects[*b], label, "edge");
    }
    out.push_str("</g><g class=\"nodes\">");
    for i in (0..g.len()).filter(|&i| g.group(i).is_none()) {
        let r = layout.rects[i];
        if g.members(i).is_empty() {
            node(&mut out, site, i, r, base, "");
            continue;
        }
        let f = &site.futures[i].future;
        let count = count_inside(site, i);
        let when = f.when.map(|w| format!(" · {w}")).unwrap_or_default();
        let _ = write!(
            out,
            "<a href=\"{base}{href}\" class=\"group closed\" data-id=\"{id}\"><title>{title}: {count} futures</title><rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" rx=\"10\"/><text class=\"group-title\" x=\"{tx:.1}\" y=\"{ty:.1}\">{label}</text><text class=\"group-count\" x=\"{tx:.1}\" y=\"{cy:.1}\">{count} futures{when}</text></a>",
            id = f.id,
            href = crate::routes::future(f.id.as_str()),
            title = esc(&f.title),
            x = r.x,
            y = r.y,
            w = r.w,
            h = r.h,
            tx = r.x + 12.0,
            ty = r.y + HEADER - 10.0,
            cy = r.y + HEADER + 14.0,
            label = esc(&fit(&f.title, r.w)),
            when = esc(&when),
        );
    }
    out.push_str("</g></svg>");
    out
}

fn count_inside(site: &Site, g: usize) -> usize {
    site.graph
        .members(g)
        .iter()
        .map(|&m| 1 + count_inside(site, m))
        .sum()
}

/// The part of the graph a bet rides on: its essential fork, the fork's
/// branches, and the futures the bet wins (green) and loses (red) in.
pub fn bet_fragment(site: &Site, bet: usize) -> Option<String> {
    let b = &site.bets[bet];
    let fork = b.fork.ok()?;
    let base = site.config.base_url.path();
    let branches: Vec<usize> = site
        .graph
        .children(fork)
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    let outcomes: Vec<usize> = b
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
    let class_of = |f: usize| {
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
