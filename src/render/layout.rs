//! Where each future sits on the map: a layered (Sugiyama-style) layout,
//! time flowing left to right. Each group is laid out as its own tile —
//! its direct members, subgroups drawn as boxes sized to their own tiles —
//! and tiles are composed into their parents. Whole-graph layered layout is
//! slow at thousands of nodes; tiles keep every step small, and because a
//! group's box already has room for its members, opening it (zooming in)
//! changes nothing around it.

use crate::model::graph::Graph;
use crate::render::text::{self, Lines};
use crate::routes::FutureIx;
use crate::source::futures::When;

/// A future's box: its width, and the font, line height and inset of the
/// title lines it holds (then one line of numbers).
pub(crate) const NODE_W: f64 = 168.0;
const WIDEN: f64 = 24.0;
const MAX_NODE_W: f64 = 264.0;
/// Titles, numbers and P(edge) labels are drawn this size.
pub(crate) const TITLE_PX: f64 = 13.0;
pub(crate) const EDGE_PX: f64 = 13.0;
pub(crate) const LINE_H: f64 = 15.0;
pub(crate) const TEXT_X: f64 = 8.0;
/// From a box's top to its first line's baseline.
pub(crate) const BASELINE: f64 = 17.0;
const PAD_Y: f64 = 5.0;
pub(crate) const MAX_LINES: usize = 3;
/// A group's title: its font, and at most this many lines in its header.
pub(crate) const GROUP_PX: f64 = 14.0;
pub(crate) const GROUP_LINES: usize = 2;
pub(crate) const GROUP_X: f64 = 12.0;
/// From a group's top to its title's first baseline.
pub(crate) const GROUP_BASELINE: f64 = 20.0;
const COL_GAP: f64 = 40.0;
const ROW_GAP: f64 = 8.0;
const PAD: f64 = 12.0;
const SWEEPS: usize = 4;
/// Columns a tile may have before it wraps into another band.
const MAX_LAYERS: usize = 10;
pub(crate) const BAND_GAP: f64 = 36.0;
/// The map's frame on a 1440×900 desktop (the page's width, the screen
/// below the page's header), and the room kept around the map inside it
/// (the time axis above, the legend below), in pixels.
pub(crate) const DESKTOP_FRAME: (f64, f64) = (1400.0, 754.0);
pub(crate) const MARGIN: (f64, f64) = (40.0, 64.0);
/// The room for the map in a desktop's frame: the top level's bands are
/// chosen to fill it best.
pub(crate) const FIT_FRAME: (f64, f64) = (DESKTOP_FRAME.0 - MARGIN.0, DESKTOP_FRAME.1 - MARGIN.1);
/// The shape (width / height) the whole map aims for, a wide screen's:
/// columns of unrelated futures taller than such a map are split.
const ASPECT: f64 = 1.9;
/// Room taken by group boxes and gaps beyond their futures' own.
const OVERHEAD: f64 = 1.3;

/// The height of a future's box with `lines` lines of title.
pub(crate) const fn node_height(lines: usize) -> f64 {
    2.0 * PAD_Y + (lines + 1) as f64 * LINE_H
}

/// The height of a group's header with `lines` lines of title.
pub(crate) fn header_height(lines: usize) -> f64 {
    10.0 + lines as f64 * (GROUP_PX + 4.0)
}

/// A future's title lines in its box, or a group's in its header.
fn title_lines(title: &str, group: bool, width: f64) -> Lines {
    if group {
        let room = width - 2.0 * GROUP_X;
        text::wrap(title, GROUP_PX * text::BOLD, room, GROUP_LINES)
    } else {
        text::wrap(title, TITLE_PX, width - 2.0 * TEXT_X, MAX_LINES)
    }
}

/// A future's box is as wide as its title needs to fit in [`MAX_LINES`]
/// lines, from [`NODE_W`] in steps of [`WIDEN`] up to [`MAX_NODE_W`] (past
/// that the title is cut); its title's lines in it.
fn node_box(title: &str) -> (f64, Lines) {
    let mut w = NODE_W;
    loop {
        let lines = title_lines(title, false, w);
        if !lines.cut || w >= MAX_NODE_W {
            return (w, lines);
        }
        w += WIDEN;
    }
}

/// A rectangle, in map coordinates.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub(crate) struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    #[cfg(test)]
    pub(crate) fn contains(&self, o: &Rect) -> bool {
        o.x >= self.x - 1e-6
            && o.y >= self.y - 1e-6
            && o.x + o.w <= self.x + self.w + 1e-6
            && o.y + o.h <= self.y + self.h + 1e-6
    }

    pub(crate) fn overlaps(&self, o: &Rect) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }
}

/// A column of the top level, for the time axis.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub(crate) struct Column {
    pub x: f64,
    /// The top of its band.
    pub y: f64,
    pub w: f64,
    /// The years its futures are expected in (a group's own window where
    /// it has one), if any are dated.
    pub when: Option<When>,
    /// Which layer of the top level it is.
    #[serde(skip)]
    layer: usize,
}

/// What the layout needs of each future.
pub(crate) struct Item<'a> {
    pub title: &'a str,
    pub when: Option<When>,
}

/// Every future's rectangle (a group's is its box) and title lines, by
/// future index.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Layout {
    pub rects: Vec<Rect>,
    pub lines: Vec<Lines>,
    pub width: f64,
    pub height: f64,
    pub columns: Vec<Column>,
}

/// One tile's items placed relative to the tile.
struct Tile {
    /// (item, relative rect)
    placed: Vec<(FutureIx, Rect)>,
    w: f64,
    h: f64,
    columns: Vec<Column>,
}

/// The union of two optional windows.
fn span(a: Option<When>, b: Option<When>) -> Option<When> {
    match (a, b) {
        (Some(a), Some(b)) => Some(When {
            start: a.start.min(b.start),
            end: a.end.max(b.end),
        }),
        (a, b) => a.or(b),
    }
}

/// What tiles are laid out from: the graph, and for each future the key
/// it sorts among its siblings by, its window and its size so far.
struct Tiler<'g> {
    graph: &'g Graph,
    /// (start year, topological rank, index): a group sorts by its own
    /// window where it has one, else by the earliest of what it holds.
    key: Vec<(i32, usize, FutureIx)>,
    window: Vec<Option<When>>,
    size: Vec<(f64, f64)>,
    /// How tall a column may grow before it splits.
    cap: f64,
}

/// Lays out the whole graph.
pub(crate) fn layout(graph: &Graph, items: &[Item]) -> Layout {
    let n = graph.len();
    let depth: Vec<usize> = FutureIx::all(n)
        .map(|i| std::iter::successors(graph.group(i), |&g| graph.group(g)).count())
        .collect();
    let mut by_depth: Vec<FutureIx> = FutureIx::all(n).collect();
    by_depth.sort_by_key(|&i| std::cmp::Reverse(depth[i]));
    let boxes: Vec<(f64, Lines)> = items.iter().map(|it| node_box(it.title)).collect();
    let widths: Vec<f64> = boxes.iter().map(|b| b.0).collect();
    let mut lines: Vec<Lines> = boxes.into_iter().map(|b| b.1).collect();
    let mut tiler = Tiler::new(graph, items, &by_depth, &lines, &widths);
    let mut tiles: Vec<Option<Tile>> = (0..n).map(|_| None).collect();
    for &g in &by_depth {
        if graph.members(g).is_empty() {
            continue;
        }
        let tile = tiler.tile(Some(g), graph.members(g));
        let w = (tile.w + 2.0 * PAD).max(NODE_W);
        lines[g] = title_lines(items[g].title, true, w);
        tiler.size[g] = (w, tile.h + header_height(lines[g].ends.len()) + PAD);
        tiles[g] = Some(tile);
    }
    let roots: Vec<FutureIx> = FutureIx::all(n)
        .filter(|&i| graph.group(i).is_none())
        .collect();
    let top = tiler.tile(None, &roots);
    let rects = compose(&top, &tiles, &lines, n);
    Layout {
        rects,
        lines,
        width: top.w,
        height: top.h,
        columns: top.columns,
    }
}

/// Places every tile inside its group's box, from the top level down.
fn compose(top: &Tile, tiles: &[Option<Tile>], lines: &[Lines], n: usize) -> Vec<Rect> {
    let mut rects = vec![Rect::default(); n];
    let mut stack: Vec<(f64, f64, &Tile)> = vec![(0.0, 0.0, top)];
    while let Some((ox, oy, tile)) = stack.pop() {
        for &(i, r) in &tile.placed {
            let abs = Rect {
                x: ox + r.x,
                y: oy + r.y,
                ..r
            };
            rects[i] = abs;
            if let Some(t) = &tiles[i] {
                let header = header_height(lines[i].ends.len());
                stack.push((abs.x + PAD, abs.y + header, t));
            }
        }
    }
    rects
}

impl<'g> Tiler<'g> {
    fn new(
        graph: &'g Graph,
        items: &[Item],
        by_depth: &[FutureIx],
        lines: &[Lines],
        widths: &[f64],
    ) -> Tiler<'g> {
        let rank = graph.topological_rank();
        let mut first_year: Vec<Option<i32>> =
            items.iter().map(|it| it.when.map(|w| w.start)).collect();
        let mut first_rank = rank.clone();
        let mut window: Vec<Option<When>> = items.iter().map(|it| it.when).collect();
        let mut held: Vec<Option<When>> = vec![None; items.len()];
        for &i in by_depth {
            if let Some(g) = graph.group(i) {
                first_rank[g] = first_rank[g].min(first_rank[i]);
                held[g] = span(held[g], window[i]);
                if items[g].when.is_none() {
                    window[g] = held[g];
                    first_year[g] = window[g].map(|w| w.start);
                }
            }
        }
        let size: Vec<(f64, f64)> = lines
            .iter()
            .zip(widths)
            .map(|(l, &w)| (w, node_height(l.ends.len())))
            .collect();
        Tiler {
            cap: column_cap(graph, &size),
            size,
            graph,
            key: FutureIx::all(items.len())
                .map(|i| (first_year[i].unwrap_or(i32::MAX), first_rank[i], i))
                .collect(),
            window,
        }
    }

    /// The item of tile `tile` that future `f` belongs to: its ancestor
    /// directly in the tile.
    fn item_in(&self, mut f: FutureIx, tile: Option<FutureIx>) -> Option<FutureIx> {
        loop {
            let parent = self.graph.group(f);
            if parent == tile {
                return Some(f);
            }
            f = parent?;
        }
    }

    /// `items` and every future inside them, in index order: only their
    /// edges can join two items of a tile. (Going through every future for
    /// every group made thousands of groups quadratic.)
    fn under(&self, items: &[FutureIx]) -> Vec<FutureIx> {
        let mut under = items.to_vec();
        let mut k = 0;
        while let Some(&f) = under.get(k) {
            under.extend_from_slice(self.graph.members(f));
            k += 1;
        }
        under.sort_unstable();
        under
    }

    /// Lays out `members` of `tile` (None: the top level).
    fn tile(&self, tile: Option<FutureIx>, members: &[FutureIx]) -> Tile {
        let mut items = members.to_vec();
        items.sort_by_key(|&i| self.key[i]);
        let (preds, succs) = self.edges(tile, &items);
        let layer = self.layers(tile, &items, &preds);
        let columns = order(&layer, &preds, &succs);
        let (subcols, of_layer) = split_tall(&columns, self.cap, |k| self.size[items[k]].1);
        self.place(&items, &subcols, &of_layer, tile.is_none())
    }

    /// Edges between items, aggregated from their members' edges; only
    /// those that go forward in time order, so layering never loops.
    fn edges(
        &self,
        tile: Option<FutureIx>,
        items: &[FutureIx],
    ) -> (Vec<Vec<usize>>, Vec<Vec<usize>>) {
        let pos: std::collections::HashMap<FutureIx, usize> =
            items.iter().enumerate().map(|(k, &i)| (i, k)).collect();
        let mut preds: Vec<Vec<usize>> = vec![Vec::new(); items.len()];
        let mut succs: Vec<Vec<usize>> = vec![Vec::new(); items.len()];
        let mut linked: std::collections::HashSet<(usize, usize)> = Default::default();
        for f in self.under(items) {
            let Some(a) = self.item_in(f, tile) else {
                continue;
            };
            for (c, _) in self.graph.children(f) {
                let Some(b) = self.item_in(c, tile) else {
                    continue;
                };
                let (pa, pb) = (pos[&a], pos[&b]);
                if pa < pb && linked.insert((pa, pb)) {
                    preds[pb].push(pa);
                    succs[pa].push(pb);
                }
            }
        }
        (preds, succs)
    }

    /// Longest-path layers. At the top level, where `when` is given, a later
    /// start opens a later column: every item starts at or right of all
    /// items of earlier years. Inside a group edges alone order the columns,
    /// or similar windows would spread it thin.
    fn layers(
        &self,
        tile: Option<FutureIx>,
        items: &[FutureIx],
        preds: &[Vec<usize>],
    ) -> Vec<usize> {
        let mut layer = vec![0usize; items.len()];
        let (mut floor, mut deepest, mut year) = (0, 0, None);
        for k in 0..items.len() {
            let this = self.window[items[k]]
                .filter(|_| tile.is_none())
                .map(|w| w.start);
            if this.is_some() && this != year {
                if year.is_some() {
                    floor = deepest + 1;
                }
                year = this;
            }
            layer[k] = preds[k]
                .iter()
                .map(|&p| layer[p] + 1)
                .max()
                .unwrap_or(0)
                .max(floor);
            deepest = deepest.max(layer[k]);
        }
        if tile.is_some() {
            spread_free(&mut layer, preds, |k| self.size[items[k]].1);
        }
        layer
    }

    /// Positions of the sub-columns' items. Past [`MAX_LAYERS`] columns a
    /// group wraps into bands stacked top to bottom, read like lines, so a
    /// long chain does not make a thin ribbon; the top level takes the
    /// number of bands that best fits a desktop's frame.
    fn place(
        &self,
        items: &[FutureIx],
        cols: &[Vec<usize>],
        of_layer: &[usize],
        top: bool,
    ) -> Tile {
        let size = |k: usize| self.size[items[k]];
        let col_w: Vec<f64> = cols
            .iter()
            .map(|c| c.iter().map(|&k| size(k).0).fold(0.0, f64::max))
            .collect();
        let col_h: Vec<f64> = cols
            .iter()
            .map(|c| {
                c.iter().map(|&k| size(k).1).sum::<f64>()
                    + ROW_GAP * c.len().saturating_sub(1) as f64
            })
            .collect();
        let best = |most: usize, frame: (f64, f64)| {
            (1..=most.max(1))
                .map(|per| Bands::new(&col_w, &col_h, per))
                .max_by(|a, b| a.fit(frame).total_cmp(&b.fit(frame)))
                .unwrap_or_else(|| Bands::new(&col_w, &col_h, 1))
        };
        let bands = if top {
            best(cols.len(), FIT_FRAME)
        } else if cols.len() > MAX_LAYERS {
            // A long chain wraps into a group about as tall as it is wide.
            best(MAX_LAYERS, (1.0, 1.0))
        } else {
            Bands::new(&col_w, &col_h, cols.len().max(1))
        };
        let mut placed = Vec::with_capacity(items.len());
        let mut columns: Vec<Column> = Vec::new();
        for (l, col) in cols.iter().enumerate() {
            let (x, top_y, w, band_h) = bands.slot(l);
            let mut y = top_y + (band_h - col_h[l]) / 2.0;
            for &k in col {
                let (iw, ih) = size(k);
                let r = Rect {
                    x: x + (w - iw) / 2.0,
                    y,
                    w: iw,
                    h: ih,
                };
                placed.push((items[k], r));
                y += ih + ROW_GAP;
            }
            if top {
                let when = col
                    .iter()
                    .fold(None, |a, &k| span(a, self.window[items[k]]));
                let layer = of_layer[l];
                axis_column(
                    &mut columns,
                    Column {
                        x,
                        y: top_y,
                        w,
                        when,
                        layer,
                    },
                );
            }
        }
        let (w, h) = bands.size();
        Tile {
            placed,
            w,
            h,
            columns,
        }
    }
}

/// Columns set in bands of `per` columns, stacked top to bottom; column
/// `c` of every band shares one width.
struct Bands {
    per: usize,
    widths: Vec<f64>,
    heights: Vec<f64>,
}

impl Bands {
    fn new(col_w: &[f64], col_h: &[f64], per: usize) -> Bands {
        let widths = (0..per)
            .map(|c| {
                col_w
                    .iter()
                    .skip(c)
                    .step_by(per)
                    .copied()
                    .fold(0.0, f64::max)
            })
            .collect();
        let heights = col_h
            .chunks(per)
            .map(|b| b.iter().copied().fold(0.0, f64::max))
            .collect();
        Bands {
            per,
            widths,
            heights,
        }
    }

    fn size(&self) -> (f64, f64) {
        let w = self.widths.iter().sum::<f64>() + COL_GAP * self.per.saturating_sub(1) as f64;
        let h = self.heights.iter().sum::<f64>()
            + BAND_GAP * self.heights.len().saturating_sub(1) as f64;
        (w.max(0.0), h)
    }

    /// The scale at which the whole fits `frame`.
    fn fit(&self, frame: (f64, f64)) -> f64 {
        let (w, h) = self.size();
        (frame.0 / w).min(frame.1 / h)
    }

    /// Column `l`'s left, its band's top, its width and its band's height.
    fn slot(&self, l: usize) -> (f64, f64, f64, f64) {
        let (band, c) = (l / self.per, l % self.per);
        let x: f64 = self.widths[..c].iter().map(|w| w + COL_GAP).sum();
        let y: f64 = self.heights[..band].iter().map(|h| h + BAND_GAP).sum();
        (x, y, self.widths[c], self.heights[band])
    }
}

/// Spreads the items of a group that no edge inside it touches over its
/// columns, each (in time order) to the shortest: stacked in the first
/// column they would make it a tall ribbon beside short ones.
fn spread_free(layer: &mut [usize], preds: &[Vec<usize>], height: impl Fn(usize) -> f64) {
    let mut linked = vec![false; layer.len()];
    for (k, ps) in preds.iter().enumerate() {
        for &p in ps {
            linked[k] = true;
            linked[p] = true;
        }
    }
    let columns = (0..layer.len())
        .filter(|&k| linked[k])
        .map(|k| layer[k] + 1)
        .max()
        .unwrap_or(1);
    let mut filled = vec![0.0; columns];
    for k in (0..layer.len()).filter(|&k| linked[k]) {
        filled[layer[k]] += height(k) + ROW_GAP;
    }
    for k in (0..layer.len()).filter(|&k| !linked[k]) {
        let shortest = (0..columns)
            .min_by(|&a, &b| filled[a].total_cmp(&filled[b]))
            .unwrap_or(0);
        layer[k] = shortest;
        filled[shortest] += height(k) + ROW_GAP;
    }
}

/// The height of a map of [`ASPECT`] holding every future's box: taller
/// columns split (never below the tallest box).
fn column_cap(graph: &Graph, size: &[(f64, f64)]) -> f64 {
    let leaves = FutureIx::all(graph.len()).filter(|&i| graph.members(i).is_empty());
    let area: f64 = leaves
        .map(|i| (size[i].0 + COL_GAP) * (size[i].1 + ROW_GAP))
        .sum();
    let tallest = size.iter().map(|s| s.1).fold(0.0, f64::max);
    (area * OVERHEAD / ASPECT).sqrt().max(tallest)
}

/// Adds a sub-column to the axis: a layer split into several sub-columns
/// in one band is one column of the axis.
fn axis_column(columns: &mut Vec<Column>, c: Column) {
    match columns.last_mut() {
        Some(last) if last.layer == c.layer && last.y == c.y => {
            last.w = c.x + c.w - last.x;
            last.when = span(last.when, c.when);
        }
        _ => columns.push(c),
    }
}

/// Columns ordered for fewer crossings: each by the mean position of its
/// neighbours in the previous (then next) column.
fn order(layer: &[usize], preds: &[Vec<usize>], succs: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let layers = layer.iter().max().map_or(0, |m| m + 1);
    let mut columns: Vec<Vec<usize>> = vec![Vec::new(); layers];
    for (k, &l) in layer.iter().enumerate() {
        columns[l].push(k);
    }
    let mut pos = vec![0.0f64; layer.len()];
    for col in &columns {
        for (r, &k) in col.iter().enumerate() {
            pos[k] = r as f64;
        }
    }
    for sweep in 0..SWEEPS {
        let forward = sweep % 2 == 0;
        let range: Vec<usize> = if forward {
            (1..layers).collect()
        } else {
            (0..layers.saturating_sub(1)).rev().collect()
        };
        for l in range {
            let col = &mut columns[l];
            let bary = |k: usize| {
                let ns = if forward { &preds[k] } else { &succs[k] };
                if ns.is_empty() {
                    pos[k]
                } else {
                    ns.iter().map(|&m| pos[m]).sum::<f64>() / ns.len() as f64
                }
            };
            let mut keyed: Vec<(f64, usize)> = col.iter().map(|&k| (bary(k), k)).collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            *col = keyed.into_iter().map(|(_, k)| k).collect();
            for (r, &k) in col.iter().enumerate() {
                pos[k] = r as f64;
            }
        }
    }
    columns
}

/// Splits each column taller than `cap` into side-by-side sub-columns, in
/// order. Futures of one layer have no edges between them, so every edge
/// still goes left to right. Returns the sub-columns and each one's layer.
fn split_tall(
    columns: &[Vec<usize>],
    cap: f64,
    height: impl Fn(usize) -> f64,
) -> (Vec<Vec<usize>>, Vec<usize>) {
    let mut out = Vec::new();
    let mut of_layer = Vec::new();
    for (l, col) in columns.iter().enumerate() {
        let total: f64 = col.iter().map(|&k| height(k) + ROW_GAP).sum();
        // As many sub-columns as the cap needs, filled evenly.
        let parts = (total / (cap + ROW_GAP)).ceil().max(1.0);
        let even = total / parts;
        let mut current: Vec<usize> = Vec::new();
        let mut h = 0.0;
        for &k in col {
            let hk = height(k) + ROW_GAP;
            if !current.is_empty() && h + hk / 2.0 > even {
                out.push(std::mem::take(&mut current));
                of_layer.push(l);
                h = 0.0;
            }
            current.push(k);
            h += hk;
        }
        out.push(current);
        of_layer.push(l);
    }
    (out, of_layer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Diagnostics;
    use crate::source::futures::{Future, parse};
    use std::collections::HashSet;
    use std::path::Path;

    fn futures(files: &[(&str, &str)]) -> (Vec<Future>, Graph) {
        let mut d = Diagnostics::default();
        let fs: Vec<Future> = files
            .iter()
            .map(|(id, y)| parse(Path::new(&format!("futures/{id}.yaml")), y, &mut d).unwrap())
            .collect();
        let g = Graph::build(&fs, &HashSet::new(), &mut d);
        assert!(!d.has_errors(), "{d:?}");
        (fs, g)
    }

    fn items(fs: &[Future]) -> Vec<Item<'_>> {
        fs.iter()
            .map(|f| Item {
                title: &f.title,
                when: f.when,
            })
            .collect()
    }

    /// A generated site like the benchmark's: eras holding futures whose
    /// edges go a little forward.
    fn generated(n: usize) -> (Vec<Future>, Graph) {
        let eras = (n / 50).max(1);
        let mut files: Vec<(String, String)> = (0..eras)
            .map(|e| {
                (
                    format!("era-{e}"),
                    format!("title: Era {e}\nwhen: {}..{}\n", 2026 + e, 2028 + e),
                )
            })
            .collect();
        let per = (n - eras) / eras;
        for i in 0..n - eras {
            let era = (i / per).min(eras - 1);
            let mut y = format!(
                "title: Future {i}\nwithin: era-{era}\nwhen: {}..{}\n",
                2026 + era,
                2028 + era
            );
            let targets: Vec<usize> = [i + 1, i + 7, i + 31]
                .into_iter()
                .filter(|&t| t < n - eras && (t * 7 + i) % 3 != 0)
                .collect();
            if !targets.is_empty() {
                y.push_str("leads_to:\n");
                for t in &targets {
                    y.push_str(&format!("  - future: f-{t}\n    probability: 0.3\n"));
                }
            }
            files.push((format!("f-{i}"), y));
        }
        let refs: Vec<(&str, &str)> = files
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        futures(&refs)
    }

    fn check_invariants(fs: &[Future], g: &Graph, l: &Layout) {
        // Siblings never overlap; groups contain their members.
        let mut siblings: std::collections::HashMap<Option<FutureIx>, Vec<FutureIx>> =
            Default::default();
        for (i, f) in FutureIx::all(fs.len()).zip(fs) {
            siblings.entry(g.group(i)).or_default().push(i);
            if let Some(p) = g.group(i) {
                assert!(
                    l.rects[p].contains(&l.rects[i]),
                    "{} outside its group",
                    f.id
                );
            }
        }
        for group in siblings.values() {
            for (a, &i) in group.iter().enumerate() {
                for &j in &group[a + 1..] {
                    assert!(
                        !l.rects[i].overlaps(&l.rects[j]),
                        "{} overlaps {}",
                        fs[i].id,
                        fs[j].id
                    );
                }
            }
        }
    }

    #[test]
    fn edges_go_forward_and_nothing_overlaps() {
        let (fs, g) = futures(&[
            ("era", "title: Era\nwhen: 2026..2030\n"),
            (
                "a",
                "title: A\nwithin: era\nleads_to:\n  - {future: b, probability: 0.5}\n  - {future: c, probability: 0.5}\n",
            ),
            (
                "b",
                "title: B\nwithin: era\nleads_to:\n  - {future: d, probability: 0.5}\n",
            ),
            (
                "c",
                "title: C\nwithin: era\nleads_to:\n  - {future: d, probability: 0.5}\n",
            ),
            ("d", "title: D\nwithin: era\n"),
            ("later", "title: Later\nwhen: 2031..2035\n"),
            ("x", "title: X\nwithin: later\n"),
        ]);
        let l = layout(&g, &items(&fs));
        for i in FutureIx::all(fs.len()) {
            for (c, _) in g.children(i) {
                assert!(
                    l.rects[c].x > l.rects[i].x + l.rects[i].w - 1e-6,
                    "{} → {} goes back",
                    fs[i].id,
                    fs[c].id
                );
            }
        }
        let (early, later) = (l.rects[0], l.rects[5]);
        assert!(
            later.x > early.x + early.w || later.y > early.y + early.h,
            "the later era sits to the right, or in a band below"
        );
        assert_eq!(
            l.columns
                .iter()
                .map(|c| c.when.map(|w| w.to_string()))
                .collect::<Vec<_>>(),
            [Some("2026–2030".to_string()), Some("2031–2035".to_string())]
        );
        check_invariants(&fs, &g, &l);
    }

    /// `cargo test --release --lib layout_benchmark -- --ignored --nocapture`
    #[test]
    #[ignore = "benchmark: run by hand"]
    fn layout_benchmark() {
        for n in [1000, 5000, 20000] {
            let (fs, g) = generated(n);
            let started = std::time::Instant::now();
            let l = layout(&g, &items(&fs));
            println!(
                "layout of {n} futures: {:.1?} ({:.0} × {:.0})",
                started.elapsed(),
                l.width,
                l.height
            );
        }
    }

    /// A chain of 25 futures, in a group `chain` when `grouped`.
    fn chain(grouped: bool) -> (Vec<Future>, Graph) {
        let within = if grouped { "within: chain\n" } else { "" };
        let mut files: Vec<(String, String)> = (0..25)
            .map(|i| {
                let next = if i < 24 {
                    format!("leads_to:\n  - {{future: c{}, probability: 0.5}}\n", i + 1)
                } else {
                    String::new()
                };
                (format!("c{i}"), format!("title: C{i}\n{within}{next}"))
            })
            .collect();
        files.push(("chain".into(), "title: The chain\n".into()));
        let refs: Vec<(&str, &str)> = files
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        futures(&refs)
    }

    /// Where the chain wraps: the first future placed left of the one before.
    fn wraps_at(l: &Layout) -> usize {
        (1..25)
            .find(|&i| l.rects[i].x < l.rects[i - 1].x)
            .expect("the chain wraps")
    }

    #[test]
    fn a_long_chain_wraps_into_bands() {
        // At the top level, into the bands that best fit a desktop's frame.
        let (fs, g) = chain(false);
        let l = layout(&g, &items(&fs));
        let at = wraps_at(&l);
        assert!(
            l.rects[at].y > l.rects[at - 1].y,
            "the next band starts below"
        );
        assert!(
            l.width / l.height < 2.0 * FIT_FRAME.0 / FIT_FRAME.1,
            "{} × {}",
            l.width,
            l.height
        );
        check_invariants(&fs, &g, &l);
        // In a group, past ten columns, into a box about as tall as wide.
        let (fs, g) = chain(true);
        let l = layout(&g, &items(&fs));
        let at = wraps_at(&l);
        assert!(at <= MAX_LAYERS && l.rects[at].y > l.rects[at - 1].y);
        let r = l.rects[25];
        assert!((0.5..2.0).contains(&(r.w / r.h)), "{} × {}", r.w, r.h);
        check_invariants(&fs, &g, &l);
    }

    #[test]
    fn a_crossing_is_undone() {
        // a→d and b→c, with c and d first ordered so their edges cross.
        let (fs, g) = futures(&[
            (
                "a",
                "title: A\nleads_to:\n  - {future: d, probability: 0.5}\n",
            ),
            (
                "b",
                "title: B\nleads_to:\n  - {future: c, probability: 0.5}\n",
            ),
            ("c", "title: C\n"),
            ("d", "title: D\n"),
        ]);
        let l = layout(&g, &items(&fs));
        let above = |i: usize, j: usize| l.rects[i].y < l.rects[j].y;
        assert_eq!(above(0, 1), above(3, 2), "d follows a's row, c follows b's");
    }

    #[test]
    fn large_graphs_keep_the_invariants_and_are_deterministic() {
        let (fs, g) = generated(600);
        let l = layout(&g, &items(&fs));
        check_invariants(&fs, &g, &l);
        assert_eq!(l, layout(&g, &items(&fs)));
    }
}
