//! Each future's and bet's recent course, for the sparklines of its cards
//! (the social card, the embed, the hover card): the site's numbers once a
//! week over the last [`TREND_WEEKS`] weeks, by [`Site::as_of`], ending with
//! the numbers the build shows today.

use jiff::civil::Date;
use rayon::prelude::*;

use super::Site;
use crate::routes::{BetIx, FutureIx};

/// How many weeks back a sparkline reaches.
pub(crate) const TREND_WEEKS: i64 = 12;

/// The site's numbers once a week, oldest first; the last week is
/// today, with the numbers the build shows (uncommitted estimates and
/// all), not a recomputation.
pub(crate) struct Trend {
    /// Each future's probability on each day (its shown one, else implied).
    futures: Vec<Vec<Option<f64>>>,
    /// Each bet's chance of paying off on each day (a range by its middle).
    bets: Vec<Vec<Option<f64>>>,
}

impl Trend {
    /// Future `i`'s values, one per day.
    pub(crate) fn future(&self, i: FutureIx) -> &[Option<f64>] {
        &self.futures[i]
    }

    /// Bet `b`'s values, one per day.
    pub(crate) fn bet(&self, b: BetIx) -> &[Option<f64>] {
        &self.bets[b]
    }

    /// The futures and bets whose course is not the same in `other`, a
    /// trend of the same site's futures and bets.
    pub(crate) fn differing(&self, other: &Trend) -> (Vec<FutureIx>, Vec<BetIx>) {
        let futures = FutureIx::all(self.futures.len())
            .filter(|&i| other.futures.get(i.get()) != Some(&self.futures[i]))
            .collect();
        let bets = BetIx::all(self.bets.len())
            .filter(|&b| other.bets.get(b.get()) != Some(&self.bets[b]))
            .collect();
        (futures, bets)
    }
}

impl Site {
    /// The numbers of the last [`TREND_WEEKS`] weeks, computed once for
    /// every page and card that shows them.
    pub(crate) fn trend(&self) -> &Trend {
        self.trend.get_or_init(|| self.compute_trend())
    }

    /// The numbers of the last weeks: one graph computation a week, in
    /// parallel.
    pub(super) fn compute_trend(&self) -> Trend {
        let days: Vec<Date> = (0..=TREND_WEEKS)
            .rev()
            .filter_map(|w| self.today.checked_sub(jiff::Span::new().weeks(w)).ok())
            .collect();
        let past: Vec<super::asof::AsOf> = days[..days.len().saturating_sub(1)]
            .par_iter()
            .map(|&d| self.as_of(d))
            .collect();
        let futures = FutureIx::all(self.futures.len())
            .map(|i| {
                past.iter()
                    .map(|a| a.effective[i.get()])
                    .chain([self.futures[i].effective()])
                    .collect()
            })
            .collect();
        let bets = BetIx::all(self.bets.len())
            .map(|b| {
                past.iter()
                    .map(|a| a.payoffs[b.get()].midpoint())
                    .chain([self.bets[b].payoff.midpoint()])
                    .collect()
            })
            .collect();
        Trend { futures, bets }
    }
}
