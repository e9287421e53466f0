//! What `/bets/matrix/` shows: every bet (rows, by kind) against every
//! future some bet wins or loses in (columns, by group), each cell saying
//! whether the bet wins, loses or neither there.

use serde::Serialize;

use super::Renderer;
use super::views::{BetCard, FutureCard};
use crate::model::graph::Verdict;
use crate::model::stakes;
use crate::render::format;
use crate::routes::{BetIx, FutureIx};
use crate::source::bets::BetKind;

#[derive(Serialize)]
pub(super) struct Matrix {
    /// The header row above the futures: their groups, in column order.
    groups: Vec<ColumnGroup>,
    columns: Vec<Column>,
    kinds: Vec<KindRows>,
    /// Cells in a full-width row: the bet, every future, the payoff (and
    /// the expected value, where a bet has a stake).
    width: usize,
    /// Some bet has a stake: rows end with its expected value.
    staked: bool,
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
    /// What the bets with a stake return together if it happens
    /// (`+$3,000`), where any of them wins or loses in it.
    returns: Option<String>,
}

#[derive(Serialize)]
struct KindRows {
    name: &'static str,
    rows: Vec<Row>,
}

#[derive(Serialize)]
struct Row {
    bet: BetCard,
    /// Its cells, column by column, as runs.
    cells: Vec<Run>,
    /// The payoff as one number to sort by (midpoint of bounds; −1 unknown;
    /// 1 won, 0 lost).
    sort: f64,
}

/// Cells of a row: some in which the bet neither wins nor loses, then one it
/// wins or loses in (none at the row's end). The empty cells come as
/// markup: a template loop over every cell took seconds on a site with 500
/// bets and a thousand futures, and an empty cell has nothing to theme.
#[derive(Serialize)]
struct Run {
    empty: String,
    cell: Option<Cell>,
}

#[derive(Clone, Copy, Serialize)]
#[serde(rename_all = "lowercase")]
enum Cell {
    Win,
    Lose,
}

const EMPTY_CELL: &str = "<td></td>";

impl Renderer<'_> {
    /// The matrix of every bet against the futures bets win or lose in.
    pub(super) fn matrix(&self) -> Matrix {
        let columns = self.matrix_columns();
        let mut column = vec![None; self.site.futures.len()];
        for (c, &f) in columns.iter().enumerate() {
            column[f] = Some(c);
        }
        let kinds = BetKind::ALL
            .iter()
            .map(|&k| KindRows {
                name: k.name(),
                rows: self
                    .in_bet_order(
                        BetIx::all(self.site.bets.len())
                            .filter(|&b| self.site.bets[b].bet.kind == k)
                            .collect(),
                    )
                    .into_iter()
                    .map(|b| self.matrix_row(b, &column, columns.len()))
                    .collect(),
            })
            .filter(|k| !k.rows.is_empty())
            .collect();
        let staked = self.site.bets.iter().any(|b| b.bet.stake.is_some());
        Matrix {
            groups: self.column_groups(&columns),
            width: columns.len() + 2 + usize::from(staked),
            columns: columns
                .iter()
                .map(|&f| Column {
                    future: self.future_card(f, None),
                    wins: self.site.futures[f].bets_win.len(),
                    loses: self.site.futures[f].bets_lose.len(),
                    returns: self.column_returns(f),
                })
                .collect(),
            kinds,
            staked,
        }
    }

    /// What the bets with a stake return together if future `f` happens:
    /// the sum of their cells in its column.
    fn column_returns(&self, f: FutureIx) -> Option<String> {
        let e = &self.site.futures[f];
        let bets = &self.site.bets;
        let stake = |b: &BetIx| bets[*b].bet.stake;
        let wins = e
            .bets_win
            .iter()
            .filter_map(stake)
            .map(|s| stakes::returns(s, true));
        let loses = e
            .bets_lose
            .iter()
            .filter_map(stake)
            .map(|s| stakes::returns(s, false));
        let all: Vec<f64> = wins.chain(loses).collect();
        (!all.is_empty())
            .then(|| format::money(all.iter().sum(), self.site.config.currency.as_ref(), true))
    }

    /// The futures some bet wins or loses in, group by group (groups in
    /// time order, the futures in no group last), in time order within each.
    fn matrix_columns(&self) -> Vec<FutureIx> {
        let s = self.site;
        let named: Vec<FutureIx> = FutureIx::all(s.futures.len())
            .filter(|&f| !s.futures[f].bets_win.is_empty() || !s.futures[f].bets_lose.is_empty())
            .collect();
        let mut groups: Vec<FutureIx> = named.iter().filter_map(|&f| s.graph.group(f)).collect();
        groups.sort_unstable();
        groups.dedup();
        let in_group = |g: Option<FutureIx>| -> Vec<FutureIx> {
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
    fn column_groups(&self, columns: &[FutureIx]) -> Vec<ColumnGroup> {
        let g = &self.site.graph;
        let mut runs: Vec<(Option<FutureIx>, usize)> = Vec::new();
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

    /// Bet `b`'s row; `column` gives each future's column, if it has one.
    fn matrix_row(&self, b: BetIx, column: &[Option<usize>], width: usize) -> Row {
        let entry = &self.site.bets[b];
        let mut marks: Vec<(usize, Cell)> = entry
            .wins_if
            .iter()
            .map(|&f| (f, Cell::Win))
            .chain(entry.loses_if.iter().map(|&f| (f, Cell::Lose)))
            .filter_map(|(f, cell)| Some((column[f]?, cell)))
            .collect();
        marks.sort_unstable_by_key(|&(c, _)| c);
        marks.dedup_by_key(|&mut (c, _)| c);
        let mut next = 0;
        let mut cells: Vec<Run> = marks
            .into_iter()
            .map(|(c, cell)| {
                let run = Run {
                    empty: EMPTY_CELL.repeat(c - next),
                    cell: Some(cell),
                };
                next = c + 1;
                run
            })
            .collect();
        cells.push(Run {
            empty: EMPTY_CELL.repeat(width - next),
            cell: None,
        });
        Row {
            bet: self.bet_card(b),
            cells,
            // A settled bet sorts with the certain or the impossible.
            sort: match entry.verdict {
                Some(Verdict::Won { .. }) => 1.0,
                Some(_) => 0.0,
                None => entry.payoff.midpoint().unwrap_or(-1.0),
            },
        }
    }
}
