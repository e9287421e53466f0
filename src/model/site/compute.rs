//! Computing a loaded site's numbers: each future's own probability (its
//! markets' aggregate, else its author's estimate), then what the graph's
//! rules give from it — implied probabilities, disagreement flags, bets'
//! chances of paying off, what moves them and essential forks.

use rayon::prelude::*;

use super::{FutureEntry, Own, Site, Source};
use crate::diagnostics::{Diagnostic, Pos};
use crate::fetch::markets::Prices;

/// The start of the warning about overlapping parents, so a recompute can
/// replace the previous one.
const OVERLAP: &str = "the parents of";

/// How many of the futures that move a bet most are kept (and shown).
pub const WHAT_MOVES: usize = 5;

/// The geometric mean of the odds of `values`, the forecasting community's
/// usual way to pool several markets. Values at 0 or 1 (resolved markets)
/// are held just inside so one of them does not swamp the rest. One market
/// is its own value, exactly (the round trip through odds would print
/// 0.24 as 0.23999999999999996).
pub fn aggregate(values: &[f64]) -> Option<f64> {
    match values {
        [] => return None,
        [one] => return Some(*one),
        _ => {}
    }
    let mean_log_odds = values
        .iter()
        .map(|p| {
            let p = p.clamp(0.001, 0.999);
            (p / (1.0 - p)).ln()
        })
        .sum::<f64>()
        / values.len() as f64;
    let odds = mean_log_odds.exp();
    Some(odds / (1.0 + odds))
}

impl Site {
    /// Sets each future's own probability (its markets' aggregate, else its
    /// author's estimate) and computes what follows from it: implied
    /// probabilities, disagreement flags, bets' chances of paying off and
    /// the futures that move them most.
    pub fn compute(&mut self, prices: Prices) {
        self.prices = prices;
        let prices = &self.prices;
        for e in &mut self.futures {
            e.markets = e
                .future
                .markets
                .iter()
                .map(|m| {
                    (
                        m.value.clone(),
                        prices.get(&m.value).cloned().unwrap_or_default(),
                    )
                })
                .collect();
            let values: Vec<f64> = e.markets.iter().filter_map(|(_, o)| o.value).collect();
            e.own = match (aggregate(&values), e.future.estimate) {
                (Some(p), _) => Some(Own {
                    value: p,
                    source: Source::Markets(values.len()),
                }),
                (None, Some(p)) => Some(Own {
                    value: p.get(),
                    source: Source::Estimate,
                }),
                (None, None) => None,
            };
        }
        let own: Vec<Option<f64>> = self
            .futures
            .iter()
            .map(|e| e.own.map(|o| o.value))
            .collect();
        let computed = self.graph.compute(&own);
        self.warnings.retain(|w| !w.message.starts_with(OVERLAP));
        for (e, c) in self.futures.iter_mut().zip(computed) {
            e.computed = c;
            if let Some(sum) = c.incoming.filter(|s| *s > 1.0 + 1e-9) {
                self.warnings.push(
                    Diagnostic::warning(&e.future.file, Pos::START, format!("{OVERLAP} `{}` overlap: Σ P(parent) × P(edge) = {sum:.2}", e.future.id))
                        .with_help("parents are treated as alternatives that cannot both happen; lower the edge probabilities into this future or its parents' probabilities"),
                );
            }
        }
        let effective: Vec<Option<f64>> = self.futures.iter().map(FutureEntry::effective).collect();
        let graph = &self.graph;
        self.bets.par_iter_mut().for_each(|b| {
            b.payoff = graph.payoff(&b.wins_if, &effective);
            b.swings = graph.swings(&b.wins_if, &own);
            b.swings.truncate(WHAT_MOVES);
        });
    }

    /// Finds each bet's essential fork; it depends on the graph's edges only.
    pub(super) fn find_forks(&mut self) {
        let graph = &self.graph;
        self.bets
            .par_iter_mut()
            .for_each(|b| b.fork = graph.essential_fork(&b.wins_if, &b.loses_if));
    }
}

#[cfg(test)]
mod tests {
    use super::aggregate;

    #[test]
    fn one_market_is_its_value_and_several_pool_their_odds() {
        assert_eq!(aggregate(&[]), None);
        assert_eq!(aggregate(&[0.24]), Some(0.24));
        // Odds 1/4 and 4 have a geometric mean of 1: even.
        assert!((aggregate(&[0.2, 0.8]).unwrap() - 0.5).abs() < 1e-12);
        // A resolved market is held inside (0, 1) so it does not swamp the other.
        assert!(aggregate(&[1.0, 0.5]).unwrap() < 0.97);
    }
}
