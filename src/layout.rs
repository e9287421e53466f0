//! Where each future sits on the map: a layered (Sugiyama-style) layout,
//! time flowing left to right. Each group is laid out as its own tile —
//! its direct members, subgroups drawn as boxes sized to their own tiles —
//! and tiles are composed into their parents. Whole-graph layered layout is
//! slow at thousands of nodes; tiles keep every step small, and because a
//! group's box already has room for its members, opening it (zooming in)
//! changes nothing around it.

use crate::graph::Graph;

pub const NODE_W: f64 = 168.0;
pub const NODE_H: f64 = 44.0;
const COL_GAP: f64 = 56.0;
const ROW_GAP: f64 = 16.0;
const PAD: f64 = 14.0;
pub const HEADER: f64 = 30.0;
const SWEEPS: usize = 4;
/// Columns a tile may have before it wraps into another band.
const MAX_LAYERS: usize = 10;
const BAND_GAP: f64 = 48.0;

/// A rectangle, in map coordinates.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn contains(&self, o: &Rect) -> bool {
        o.x >= self.x - 1e-6
            && o.y >= self.y - 1e-6
            && o.x + o.w <= self.x + self.w + 1e-6
            && o.y + o.h <= self.y + self.h + 1e-6
    }

    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }
}

/// A column of the top level, for the time axis.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Column {
    pub x: f64,
    /// The top of its band.
    pub y: f64,
    pub w: f64,
    /// The earliest `when` of what the column holds, if any.
    pub year: Option<i32>,
}

/// Every future's rectangle (a group's is its box), by future index.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub rects: Vec<Rect>,
    pub width: f64,
    pub height: f64,
    pub columns: Vec<Column>,
}

/// One tile's items placed relative to the tile.
struct Tile {
    /// (item, relative rect)
    placed: Vec<(usize, Rect)>,
    w: f64,
    h: f64,
    columns: Vec<Column>,
}

/// Lays out the whole graph. `start` is each future's `when` start year.
pub fn layout(graph: &Graph, start: &[Option<i32>]) -> Layout {
    let n = graph.len();
    let rank = graph.topological_rank();
    // Depth of each future in the group tree, to build tiles bottom-up.
    let depth: Vec<usize> = (0..n)
        .map(|i| std::iter::successors(graph.group(i), |&g| graph.group(g)).count())
        .collect();
    // The earliest `when` and topological rank inside each group, so a group
    // sorts among its siblings by what it holds.
    let mut first_year: Vec<Option<i32>> = start.to_vec();
    let mut first_rank: Vec<usize> = rank.clone();
    let mut by_depth: Vec<usize> = (0..n).collect();
    by_depth.sort_by_key(|&i| std::cmp::Reverse(depth[i]));
    for &i in &by_depth {
        if let Some(g) = graph.group(i) {
            first_year[g] = match (first_year[g], first_year[i]) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            first_rank[g] = first_rank[g].min(first_rank[i]);
        }
    }
    // Which item of tile `g` a future belongs to: its ancestor directly in `g`.
    let item_in = |mut f: usize, tile: Option<usize>| -> Option<usize> {
        loop {
            let parent = graph.group(f);
            if parent == tile {
                return Some(f);
            }
            f = parent?;
        }
    };

    let mut size: Vec<(f64, f64)> = vec![(NODE_W, NODE_H); n];
    let mut tiles: Vec<Option<Tile>> = (0..n).map(|_| None).collect();
    let tile_for = |tile: Option<usize>, items: &[usize], size: &[(f64, f64)]| -> Tile {
        let key = |i: usize| (first_year[i].unwrap_or(i32::MAX), first_rank[i], i);
        let mut items = items.to_vec();
        items.sort_by_key(|&i| key(i));
        let pos: std::collections::HashMap<usize, usize> =
            items.iter().enumerate().map(|(k, &i)| (i, k)).collect();
        // Edges between items, aggregated from their members' edges; only
        // those that go forward in time order, so layering never loops.
        let mut preds: Vec<Vec<usize>> = vec![Vec::new(); items.len()];
        let mut succs: Vec<Vec<usize>> = vec![Vec::new(); items.len()];
        for f in 0..n {
            let Some(a) = item_in(f, tile) else { continue };
            for (c, _) in graph.children(f) {
                let Some(b) = item_in(c, tile) else { continue };
                let (pa, pb) = (pos[&a], pos[&b]);
                if pa < pb && !preds[pb].contains(&pa) {
                    preds[pb].push(pa);
                    succs[pa].push(pb);
                }
            }
        }
        let mut layer = vec![0usize; items.len()];
        // Where `when` is given, a later start opens a later column: every
        // top-level item starts at or right of all items of earlier years.
        let (mut floor, mut deepest, mut year) = (0, 0, None);
        for k in 0..items.len() {
            // Only at the top level: inside a group, edges order the columns
            // and similar windows would otherwise spread a group thin.
            let this = if tile.is_none() {
                first_year[items[k]]
            } else {
                None
            };
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
        let layers = layer.iter().max().map_or(0, |m| m + 1);
        let mut columns: Vec<Vec<usize>> = vec![Vec::new(); layers];
        for (k, &l) in layer.iter().enumerate() {
            columns[l].push(k);
        }
        // Fewer crossings: order each column by the mean position of its
        // neighbours in the previous (then next) column.
        let mut order = vec![0.0f64; items.len()];
        for col in &columns {
            for (r, &k) in col.iter().enumerate() {
                order[k] = r as f64;
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
                        order[k]
                    } else {
                        ns.iter().map(|&m| order[m]).sum::<f64>() / ns.len() as f64
                    }
                };
                let mut keyed: Vec<(f64, usize)> = col.iter().map(|&k| (bary(k), k)).collect();
                keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                *col = keyed.into_iter().map(|(_, k)| k).collect();
                for (r, &k) in col.iter().enumerate() {
                    order[k] = r as f64;
                }
            }
        }
        // A long chain would make a tile a thin ribbon: past MAX_LAYERS
        // columns it wraps into bands stacked top to bottom, read like lines.
        let heights: Vec<f64> = columns
            .iter()
            .map(|c| {
                c.iter().map(|&k| size[items[k]].1).sum::<f64>()
                    + ROW_GAP * c.len().saturating_sub(1) as f64
            })
            .collect();
        let per_band = layers.clamp(1, MAX_LAYERS);
        let widths: Vec<f64> = (0..per_band)
            .map(|c| {
                (c..layers)
                    .step_by(per_band)
                    .flat_map(|l| columns[l].iter().map(|&k| size[items[k]].0))
                    .fold(0.0, f64::max)
            })
            .collect();
        let band_heights: Vec<f64> = (0..layers.div_ceil(per_band))
            .map(|b| {
                heights[b * per_band..((b + 1) * per_band).min(layers)]
                    .iter()
                    .copied()
                    .fold(0.0, f64::max)
            })
            .collect();
        let mut placed = Vec::with_capacity(items.len());
        let mut cols = Vec::with_capacity(layers);
        for (l, col) in columns.iter().enumerate() {
            let (band, c) = (l / per_band, l % per_band);
            let x: f64 = widths[..c].iter().map(|w| w + COL_GAP).sum();
            let top: f64 = band_heights[..band].iter().map(|h| h + BAND_GAP).sum();
            let w = widths[c];
            let mut y = top + (band_heights[band] - heights[l]) / 2.0;
            for &k in col {
                let (iw, ih) = size[items[k]];
                placed.push((
                    items[k],
                    Rect {
                        x: x + (w - iw) / 2.0,
                        y,
                        w: iw,
                        h: ih,
                    },
                ));
                y += ih + ROW_GAP;
            }
            cols.push(Column {
                x,
                y: top,
                w,
                year: col.iter().filter_map(|&k| first_year[items[k]]).min(),
            });
        }
        let tile_w = widths.iter().sum::<f64>() + COL_GAP * per_band.saturating_sub(1) as f64;
        let tile_h = band_heights.iter().sum::<f64>()
            + BAND_GAP * band_heights.len().saturating_sub(1) as f64;
        Tile {
            placed,
            w: tile_w.max(0.0),
            h: tile_h,
            columns: cols,
        }
    };

    let members = |g: Option<usize>| -> Vec<usize> {
        match g {
            Some(g) => graph.members(g).to_vec(),
            None => (0..n).filter(|&i| graph.group(i).is_none()).collect(),
        }
    };
    for &g in &by_depth {
        if graph.members(g).is_empty() {
            continue;
        }
        let tile = tile_for(Some(g), &members(Some(g)), &size);
        size[g] = ((tile.w + 2.0 * PAD).max(NODE_W), tile.h + HEADER + PAD);
        tiles[g] = Some(tile);
    }
    let top = tile_for(None, &members(None), &size);

    let mut rects = vec![Rect::default(); n];
    let mut stack: Vec<(f64, f64, &Tile)> = vec![(0.0, 0.0, &top)];
    while let Some((ox, oy, tile)) = stack.pop() {
        for &(i, r) in &tile.placed {
            let abs = Rect {
                x: ox + r.x,
                y: oy + r.y,
                ..r
            };
            rects[i] = abs;
            if let Some(t) = &tiles[i] {
                stack.push((abs.x + PAD, abs.y + HEADER, t));
            }
        }
    }
    Layout {
        rects,
        width: top.w,
        height: top.h,
        columns: top.columns,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Diagnostics;
    use crate::futures::{Future, parse};
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

    fn starts(fs: &[Future]) -> Vec<Option<i32>> {
        fs.iter().map(|f| f.when.map(|w| w.start)).collect()
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
        let mut siblings: std::collections::HashMap<Option<usize>, Vec<usize>> = Default::default();
        for (i, f) in fs.iter().enumerate() {
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
        let l = layout(&g, &starts(&fs));
        for i in 0..fs.len() {
            for (c, _) in g.children(i) {
                assert!(
                    l.rects[c].x > l.rects[i].x + l.rects[i].w - 1e-6,
                    "{} → {} goes back",
                    fs[i].id,
                    fs[c].id
                );
            }
        }
        assert!(
            l.rects[5].x > l.rects[0].x + l.rects[0].w,
            "the later era sits to the right"
        );
        assert_eq!(
            l.columns.iter().map(|c| c.year).collect::<Vec<_>>(),
            [Some(2026), Some(2031)]
        );
        check_invariants(&fs, &g, &l);
    }

    /// `cargo test --release --lib layout_benchmark -- --ignored --nocapture`
    #[test]
    #[ignore = "benchmark: run by hand"]
    fn layout_benchmark() {
        for n in [1000, 5000] {
            let (fs, g) = generated(n);
            let started = std::time::Instant::now();
            let l = layout(&g, &starts(&fs));
            println!(
                "layout of {n} futures: {:.1?} ({:.0} × {:.0})",
                started.elapsed(),
                l.width,
                l.height
            );
        }
    }

    #[test]
    fn a_long_chain_wraps_into_bands() {
        let files: Vec<(String, String)> = (0..25)
            .map(|i| {
                let next = if i < 24 {
                    format!("leads_to:\n  - {{future: c{}, probability: 0.5}}\n", i + 1)
                } else {
                    String::new()
                };
                (format!("c{i}"), format!("title: C{i}\n{next}"))
            })
            .collect();
        let refs: Vec<(&str, &str)> = files
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let (fs, g) = futures(&refs);
        let l = layout(&g, &starts(&fs));
        assert!(
            l.width < 11.0 * (NODE_W + COL_GAP),
            "at most {MAX_LAYERS} columns wide: {}",
            l.width
        );
        assert!(l.height >= 3.0 * NODE_H, "three bands: {}", l.height);
        // Within a band the chain goes right; the next band starts below.
        assert!(l.rects[1].x > l.rects[0].x && l.rects[10].y > l.rects[9].y);
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
        let l = layout(&g, &starts(&fs));
        let above = |i: usize, j: usize| l.rects[i].y < l.rects[j].y;
        assert_eq!(above(0, 1), above(3, 2), "d follows a's row, c follows b's");
    }

    #[test]
    fn large_graphs_keep_the_invariants_and_are_deterministic() {
        let (fs, g) = generated(600);
        let l = layout(&g, &starts(&fs));
        check_invariants(&fs, &g, &l);
        assert_eq!(l, layout(&g, &starts(&fs)));
    }
}
