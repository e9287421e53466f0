//! Computing a loaded site's numbers, once per build: each future's own
//! probability (its markets' aggregate, else its author's estimate), then
//! what the graph's rules give from it — implied probabilities,
//! disagreement flags, bets' chances of paying off and what moves them.

use rayon::prelude::*;

use super::{BetEntry, Core, FutureEntry, Loaded, LoadedBet, Observed, Own, Settled, Site, Source};
use crate::diagnostics::{Diagnostic, Pos};
use crate::fetch::markets::{MarketRef, Observation, Prices, Status};
use crate::model::graph::{Computed, Graph, Payoff, Sides, Swing, Verdict, verdict};
use crate::routes::FutureIx;
use crate::source::futures::Future;
use crate::source::record::Outcome;

/// How many of the futures that move a bet most are kept (and shown).
pub(super) const WHAT_MOVES: usize = 5;

/// The geometric mean of the odds of `values`, the forecasting community's
/// usual way to pool several markets. Values at 0 or 1 (resolved markets)
/// are held just inside so one of them does not swamp the rest. One market
/// is its own value, exactly (the round trip through odds would print
/// 0.24 as 0.23999999999999996).
pub(super) fn aggregate(values: &[f64]) -> Option<f64> {
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

/// A future's numbers.
struct FutureNumbers {
    own: Option<Own>,
    settled: Settled,
    markets: Vec<(MarketRef, Observation)>,
    computed: Computed,
}

/// Everything computed from the futures, their markets and the graph.
struct Numbers {
    futures: Vec<FutureNumbers>,
    /// Each bet's payoff, what moves it and whether resolutions settled
    /// it, in the bets' order.
    bets: Vec<(Payoff, Vec<Swing>, Option<Verdict>)>,
    /// Futures whose parents overlap.
    warnings: Vec<Diagnostic>,
}

/// What one computation of the graph starts from: each future's own
/// probability and the resolutions that stand.
pub(super) struct Start {
    pub own: Vec<Option<Own>>,
    pub resolved: Vec<(FutureIx, Outcome)>,
}

/// What the graph's rules give from a [`Start`].
pub(crate) struct Probabilities {
    /// What resolutions fix (see [`Graph::settled`]).
    pub fixed: Vec<Option<f64>>,
    /// The site's own probabilities once resolutions apply.
    pub shown: Vec<Option<f64>>,
    pub computed: Vec<Computed>,
    /// Shown, else implied: what the site gives each future.
    pub effective: Vec<Option<f64>>,
}

impl Start {
    /// The probabilities of every future, by the build's rules.
    pub(super) fn probabilities(&self, graph: &Graph) -> Probabilities {
        let own: Vec<Option<f64>> = self.own.iter().map(|o| o.map(|o| o.value)).collect();
        let fixed = graph.settled(&self.resolved);
        let shown = graph.settle(&own, &fixed);
        let computed = graph.compute(&shown);
        let effective = shown
            .iter()
            .zip(&computed)
            .map(|(s, c)| s.or(c.implied))
            .collect();
        Probabilities {
            fixed,
            shown,
            computed,
            effective,
        }
    }
}

impl Start {
    /// What the futures (in order) start from, given what is known of
    /// each one's markets (in its file's order).
    fn new(futures: &[&Future], markets: &[Vec<(MarketRef, Observation)>]) -> Start {
        Start {
            own: futures
                .iter()
                .zip(markets)
                .map(|(f, m)| {
                    let values: Vec<f64> = m.iter().filter_map(|(_, o)| o.value).collect();
                    own(&values, f.estimate.map(|p| p.get()))
                })
                .collect(),
            resolved: FutureIx::all(futures.len())
                .zip(futures)
                .filter_map(|(i, f)| Some((i, f.resolved.as_ref()?.outcome)))
                .collect(),
        }
    }
}

/// What is known of each future's markets (in its file's order).
fn observed(futures: &[&Future], prices: &Prices) -> Vec<Vec<(MarketRef, Observation)>> {
    futures
        .iter()
        .map(|f| {
            f.markets
                .iter()
                .map(|m| {
                    let seen = prices.get(&m.value).cloned().unwrap_or_default();
                    (m.value.clone(), seen)
                })
                .collect()
        })
        .collect()
}

/// What a site shows of its futures and bets, without what moves the
/// bets: the numbers `diff` compares.
pub(crate) struct Shown {
    /// Each future's probability as the site shows it (its own, settled or
    /// moved, else implied), by [`FutureIx`].
    pub effective: Vec<Option<f64>>,
    /// Each future's implied probability (from its parents; a root's own).
    pub implied: Vec<Option<f64>>,
    /// Each bet's chance of paying off, in the bets' order.
    pub payoffs: Vec<Payoff>,
}

impl Core {
    /// Its numbers with the market observations `prices`, by the build's
    /// rules ([`Start::probabilities`], [`Graph::payoff`]).
    pub(crate) fn shown(&self, prices: &Prices) -> Shown {
        let futures: Vec<&Future> = self.futures.iter().collect();
        let start = Start::new(&futures, &observed(&futures, prices));
        let p = start.probabilities(&self.graph);
        let payoffs = self
            .bets
            .par_iter()
            .map(|b| self.graph.payoff(b.sides(), &p.effective))
            .collect();
        Shown {
            implied: p.computed.iter().map(|c| c.implied).collect(),
            effective: p.effective,
            payoffs,
        }
    }
}

/// The one computation of a site's numbers, from the futures (in order),
/// each bet's sides, and the market observations.
fn numbers(graph: &Graph, futures_in: &[&Future], bets: &[Sides], prices: &Prices) -> Numbers {
    let markets = observed(futures_in, prices);
    let start = Start::new(futures_in, &markets);
    let p = start.probabilities(graph);
    let futures: Vec<FutureNumbers> = start
        .own
        .iter()
        .zip(markets)
        .zip(p.computed.iter().copied())
        .zip(FutureIx::all(futures_in.len()))
        .map(|(((&own, markets), mut computed), i)| {
            let settled = settled(&p.fixed, &start.resolved, graph, i, own, p.shown[i]);
            if matches!(settled, Settled::Fixed { .. }) {
                computed.disagreement = false;
            }
            FutureNumbers {
                own,
                settled,
                markets,
                computed,
            }
        })
        .collect();
    let bets = bets
        .par_iter()
        .map(|&sides| {
            let swings = graph.swings(sides, &p.shown, &p.fixed, WHAT_MOVES);
            (
                graph.payoff(sides, &p.effective),
                swings,
                verdict(sides, &p.fixed),
            )
        })
        .collect();
    let warnings = futures_in
        .iter()
        .zip(&futures)
        .flat_map(|(f, n)| {
            let settled = f
                .markets
                .iter()
                .zip(&n.markets)
                .filter_map(|(at, (r, o))| unresolved(f, at.pos, r, o));
            overlap(f, &n.computed).into_iter().chain(settled)
        })
        .collect();
    Numbers {
        futures,
        bets,
        warnings,
    }
}

/// What resolutions make of future `i`, given what [`Graph::settled`]
/// fixed, its own probability and the one [`Graph::settle`] gives it.
fn settled(
    fixed: &[Option<f64>],
    resolved: &[(FutureIx, Outcome)],
    graph: &Graph,
    i: FutureIx,
    own: Option<Own>,
    shown: Option<f64>,
) -> Settled {
    if let Some(value) = fixed[i] {
        let by = resolved
            .iter()
            .find(|&&(r, _)| r == i)
            .or_else(|| resolved.iter().find(|&&(r, o)| graph.fixes(r, o, i)))
            .map_or(i, |&(r, _)| r);
        let outcome = if value == 1.0 {
            Outcome::Happened
        } else {
            Outcome::DidNotHappen
        };
        return Settled::Fixed { outcome, by };
    }
    match (own, shown) {
        (Some(o), Some(s)) if (o.value - s).abs() > 1e-12 => Settled::Moved(s),
        _ => Settled::Open,
    }
}

/// A future's own probability: its markets' aggregate (of `values`), else
/// its author's `estimate`.
pub(super) fn own(values: &[f64], estimate: Option<f64>) -> Option<Own> {
    match (aggregate(values), estimate) {
        (Some(p), _) => Some(Own {
            value: p,
            source: Source::Markets(values.len()),
        }),
        (None, Some(p)) => Some(Own {
            value: p,
            source: Source::Estimate,
        }),
        (None, None) => None,
    }
}

/// The warning for a future whose parents' chances of leading to it add
/// up to more than 1.
fn overlap(future: &Future, computed: &Computed) -> Option<Diagnostic> {
    let sum = computed.incoming.filter(|s| *s > 1.0 + 1e-9)?;
    Some(
        Diagnostic::warning(&future.file, Pos::START, format!("the parents of `{}` overlap: Σ P(parent) × P(edge) = {sum:.2}", future.id))
            .with_help("parents are treated as alternatives that cannot both happen; lower the edge probabilities into this future or its parents' probabilities"),
    )
}

/// The warning for a future whose market `r` (linked at `pos`) resolved
/// while the future has no `resolved:`, saying what to write.
fn unresolved(future: &Future, pos: Pos, r: &MarketRef, seen: &Observation) -> Option<Diagnostic> {
    let Some(Status::Resolved(answer)) = &seen.status else {
        return None;
    };
    if future.resolved.is_some() {
        return None;
    }
    let outcome = match answer.to_ascii_uppercase().as_str() {
        "YES" => Some("happened"),
        "NO" => Some("did-not-happen"),
        _ => None,
    };
    let on = seen
        .as_of
        .map_or_else(|| "YYYY-MM-DD".to_string(), |d| d.to_string());
    let source = seen.url.as_deref().unwrap_or("https://…");
    let help = match outcome {
        Some(o) => format!(
            "if the market settled this future, add to its file:\nresolved:\n  outcome: {o}\n  on: {on}   # the day it settled ({on} is when its value was read)\n  source: {source}"
        ),
        None => format!(
            "it resolved {answer}, which says neither yes nor no: decide whether the future happened and add `resolved:` (outcome, on, source: {source}), or link another market"
        ),
    };
    Some(
        Diagnostic::warning(
            &future.file,
            pos,
            format!(
                "market `{r}` has resolved {answer}, but `{}` has no `resolved:`",
                future.id
            ),
        )
        .with_help(help),
    )
}

impl Loaded {
    /// The site with every number computed from `observed`.
    pub(crate) fn compute(self, observed: Observed) -> Site {
        let n = {
            let futures: Vec<&Future> = self.futures.iter().map(|e| &e.future).collect();
            let sides: Vec<Sides> = self.bets.iter().map(LoadedBet::sides).collect();
            numbers(&self.graph, &futures, &sides, &observed.prices)
        };
        let futures = self
            .futures
            .into_iter()
            .zip(n.futures)
            .map(|(e, n)| FutureEntry {
                future: e.future,
                summary: e.summary,
                record: e.record,
                own: n.own,
                settled: n.settled,
                markets: n.markets,
                computed: n.computed,
                estimates: e.estimates,
                bets_win: e.bets_win,
                bets_lose: e.bets_lose,
                posts: e.posts,
            })
            .collect();
        let bets = self
            .bets
            .into_iter()
            .zip(n.bets)
            .map(|(b, (payoff, swings, verdict))| BetEntry {
                bet: b.bet,
                argument: b.argument,
                wins_if: b.wins_if,
                loses_if: b.loses_if,
                payoff,
                swings,
                verdict,
                fork: b.fork,
            })
            .collect();
        let mut found = self.warnings;
        found.extend(observed.warnings);
        Site {
            root: self.root,
            config: self.config,
            theme: self.theme,
            home: self.home,
            market_credit: self.market_credit,
            posts: self.posts,
            pages: self.pages,
            futures,
            graph: self.graph,
            bets,
            tags: self.tags,
            community: observed.community,
            history: self.history,
            added: self.added,
            today: jiff::tz::TimeZone::UTC.to_datetime(self.now).date(),
            found,
            computed: n.warnings,
            routes: self.routes,
            sources: self.sources,
            prices: observed.prices,
            options: self.options,
            trend: std::sync::OnceLock::new(),
        }
    }
}

impl Site {
    /// Computes the numbers again after an edit of the futures or bets,
    /// with the same observations.
    pub(super) fn recompute(&mut self) {
        self.trend = std::sync::OnceLock::new();
        let n = {
            let futures: Vec<&Future> = self.futures.iter().map(|e| &e.future).collect();
            let sides: Vec<Sides> = self.bets.iter().map(BetEntry::sides).collect();
            numbers(&self.graph, &futures, &sides, &self.prices)
        };
        for (e, n) in self.futures.iter_mut().zip(n.futures) {
            e.own = n.own;
            e.settled = n.settled;
            e.markets = n.markets;
            e.computed = n.computed;
        }
        for (b, (payoff, swings, verdict)) in self.bets.iter_mut().zip(n.bets) {
            b.payoff = payoff;
            b.swings = swings;
            b.verdict = verdict;
        }
        self.computed = n.warnings;
    }

    /// Finds each bet's essential fork again after the edges changed.
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
