//! What `/bets/matrix/` shows: every bet (rows, by kind) against every
//! future some bet wins or loses in (columns, by group), each cell saying
//! whether the bet wins, loses or neither there.

use serde::Serialize;

use super::Renderer;
use super::views::{BetCard, FutureCard};
use crate::bets::BetKind;

#[derive(Serialize)]
pub(super) struct Matrix {
    /// The header row above the futures: their groups, in column order.
    groups: Vec<ColumnGroup>,
    columns: Vec<Column>,
    kinds: Vec<KindRows>,
    /// Cells in a full-width row: the bet, every future, the payoff.
    width: usize,
}

/// A run of adjacent columns whose futures share a group.
#[derive(Serialize)]
struct ColumnGroup {
    /// `None` for the futures in no group.
    group: Option<FutureCard>,
    span: usize,
}

#[derive(Serialize)]
struct Column {
    future: FutureCard,
    /// How many bets win and lose if it happens.
    wins: usize,
    loses: usize,
}

#[derive(Serialize)]
struct KindRows {
    name: &'static str,
    rows: Vec<Row>,
}

#[derive(Serialize)]
struct Row {
    bet: BetCard,
    /// One per column.
    cells: Vec<Cell>,
    /// The payoff as one number to sort by (midpoint of bounds; −1 unknown).
    sort: f64,
}

#[derive(Clone, Copy, Serialize)]
#[serde(rename_all = "lowercase")]
enum Cell {
    Win,
    Lose,
    Neither,
}

impl Renderer<'_> {
    /// The matrix of every bet against the futures bets win or lose in.
    pub(super) fn matrix(&self) -> Matrix {
        let columns = self.matrix_columns();
        let kinds = BetKind::ALL
            .iter()
            .map(|&k| KindRows {
                name: k.name(),
                rows: self
                    .in_bet_order(
                        (0..self.site.bets.len())
                            .filter(|&b| self.site.bets[b].bet.kind == k)
                            .collect(),
                    )
                    .into_iter()
                    .map(|b| self.matrix_row(b, &columns))
                    .collect(),
            })
            .filter(|k| !k.rows.is_empty())
            .collect();
        Matrix {
            groups: self.column_groups(&columns),
            width: columns.len() + 2,
            columns: columns
                .iter()
                .map(|&f| Column {
                    future: self.future_card(f, None),
                    wins: self.site.futures[f].bets_win.len(),
                    loses: self.site.futures[f].bets_lose.len(),
                })
                .collect(),
            kinds,
        }
    }

    /// The futures some bet wins or loses in, group by group (groups in
    /// time order, the futures in no group last), in time order within each.
    fn matrix_columns(&self) -> Vec<usize> {
        let s = self.site;
        let named: Vec<usize> = (0..s.futures.len())
            .filter(|&f| !s.futures[f].bets_win.is_empty() || !s.futures[f].bets_lose.is_empty())
            .collect();
        let mut groups: Vec<usize> = named.iter().filter_map(|&f| s.graph.group(f)).collect();
        groups.sort_unstable();
        groups.dedup();
        let in_group = |g: Option<usize>| -> Vec<usize> {
            let members = named
                .iter()
                .copied()
                .filter(|&f| s.graph.group(f) == g)
                .collect();
            self.in_time_order(members)
        };
        self.in_time_order(groups)
            .into_iter()
            .map(Some)
            .chain([None])
            .flat_map(in_group)
            .collect()
    }

    /// The runs of `columns` that share a group.
    fn column_groups(&self, columns: &[usize]) -> Vec<ColumnGroup> {
        let g = &self.site.graph;
        let mut runs: Vec<(Option<usize>, usize)> = Vec::new();
        for &f in columns {
            match runs.last_mut() {
                Some((group, span)) if *group == g.group(f) => *span += 1,
                _ => runs.push((g.group(f), 1)),
            }
        }
        runs.into_iter()
            .map(|(group, span)| ColumnGroup {
                group: group.map(|x| self.future_card(x, None)),
                span,
            })
            .collect()
    }

    fn matrix_row(&self, b: usize, columns: &[usize]) -> Row {
        let entry = &self.site.bets[b];
        let cells = columns
            .iter()
            .map(|f| {
                if entry.wins_if.contains(f) {
                    Cell::Win
                } else if entry.loses_if.contains(f) {
                    Cell::Lose
                } else {
                    Cell::Neither
                }
            })
            .collect();
        Row {
            bet: self.bet_card(b),
            cells,
            sort: entry.payoff.midpoint().unwrap_or(-1.0),
        }
    }
}
