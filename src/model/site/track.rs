//! The track record (`/track-record/`): how each source did on the
//! futures that resolved. A source's forecast of a resolved future is its
//! value [`LEAD_DAYS`] days before the resolution date (its last value on
//! or before that day); its Brier score is the mean of (forecast −
//! outcome)² over the resolved futures it forecast. Calibration sorts the
//! forecasts into ten 10-point bins and counts how often each came true.

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;
use rayon::prelude::*;

use super::compute::aggregate;
use super::{FutureEntry, Site, committed_estimate_on, value_on};
use crate::routes::FutureIx;
use crate::source::market_ref::Platform;
use crate::source::record::Outcome;

/// How many days before its resolution a source's forecast is read: late
/// enough to be informed, early enough not to be the answer.
pub(crate) const LEAD_DAYS: i64 = 30;
/// The calibration chart is drawn once this many futures have resolved:
/// with fewer, every bin is one or two futures and says nothing.
pub(crate) const CHART_FROM: usize = 10;
/// Calibration bins: 0–10 %, 10–20 %, …, 90–100 %.
pub(crate) const BINS: usize = 10;

/// Whose forecasts are scored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Forecaster {
    /// The probability the site showed (its own, moved or settled by
    /// resolutions then, else implied), by the build's rules that day.
    Shown,
    /// Every market of the future, pooled ([`aggregate`]).
    Markets,
    /// The future's markets on one platform, pooled.
    Platform(Platform),
    /// The author's estimate, as committed in git by that day.
    Author,
}

/// A resolved future and what each forecaster said of it.
pub(crate) struct Resolved {
    pub future: FutureIx,
    pub outcome: Outcome,
    /// The resolution date ([`forecast_day`] gives the forecasts' day).
    pub on: Date,
    /// By [`TrackRecord::forecasters`]' order; `None`: no forecast then.
    pub forecasts: Vec<Option<f64>>,
}

/// A Brier score over `count` forecasts; `None` when there were none.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Score {
    pub brier: Option<f64>,
    pub count: usize,
}

/// One calibration bin: how many forecasts fell in it, their mean, and
/// how many of those futures happened.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Bin {
    pub count: usize,
    pub happened: usize,
    pub mean: f64,
}

/// Every resolved future with each forecaster's forecast.
pub(crate) struct TrackRecord {
    /// The site's shown probability, all markets, the author, then each
    /// platform some resolved future links to (in [`Platform::ALL`]'s
    /// order): the sources every site has come first.
    pub forecasters: Vec<Forecaster>,
    /// Newest resolution first (then by title).
    pub resolved: Vec<Resolved>,
}

impl TrackRecord {
    /// Forecaster `k`'s forecasts with their outcomes (1 or 0).
    fn pairs(&self, k: usize) -> impl Iterator<Item = (f64, f64)> + '_ {
        self.resolved
            .iter()
            .filter_map(move |r| Some((r.forecasts[k]?, r.outcome.value())))
    }

    /// Forecaster `k`'s Brier score.
    pub(crate) fn score(&self, k: usize) -> Score {
        brier(self.pairs(k))
    }

    /// Forecaster `k`'s forecasts in [`BINS`] bins.
    pub(crate) fn calibration(&self, k: usize) -> [Bin; BINS] {
        calibration(self.pairs(k))
    }

    /// Whether enough futures resolved to draw calibration.
    pub(crate) fn charted(&self) -> bool {
        self.resolved.len() >= CHART_FROM
    }
}

/// The Brier score of `(forecast, outcome)` pairs: 0 is perfect, 0.25
/// what saying 50 % every time earns, 1 always certain and always wrong.
pub(crate) fn brier(pairs: impl Iterator<Item = (f64, f64)>) -> Score {
    let (sum, count) = pairs.fold((0.0, 0), |(s, n), (p, o)| (s + (p - o).powi(2), n + 1));
    Score {
        brier: (count > 0).then(|| sum / count as f64),
        count,
    }
}

/// The bin of forecast `p`: bin `k` holds `k`/10 up to (not including)
/// (`k`+1)/10, so exactly 10 % is in 10–20 %; 100 % is in the last. The
/// small allowance keeps 0.3 (whose `× 10` may land a hair below 3) in
/// 30–40 %.
pub(crate) fn bin(p: f64) -> usize {
    ((p * BINS as f64 + 1e-9).floor().max(0.0) as usize).min(BINS - 1)
}

/// `(forecast, outcome)` pairs sorted into bins.
pub(crate) fn calibration(pairs: impl Iterator<Item = (f64, f64)>) -> [Bin; BINS] {
    let mut bins = [Bin::default(); BINS];
    let mut sums = [0.0; BINS];
    for (p, o) in pairs {
        let k = bin(p);
        bins[k].count += 1;
        bins[k].happened += usize::from(o == 1.0);
        sums[k] += p;
    }
    for (b, s) in bins.iter_mut().zip(sums) {
        if b.count > 0 {
            b.mean = s / b.count as f64;
        }
    }
    bins
}

/// The day a future resolved on `on` is forecast: [`LEAD_DAYS`] before.
pub(crate) fn forecast_day(on: Date) -> Date {
    on.checked_sub(jiff::Span::new().days(LEAD_DAYS))
        .unwrap_or(on)
}

impl FutureEntry {
    /// What `who` forecast of it on `day`, given the site's shown
    /// probability of it that day (`shown`).
    fn forecast(&self, who: Forecaster, day: Date, shown: Option<f64>) -> Option<f64> {
        let on_platform = |only: Option<Platform>| {
            let values: Vec<f64> = self
                .markets
                .iter()
                .filter(|(r, _)| only.is_none_or(|p| r.platform == p))
                .filter_map(|(_, o)| value_on(&o.history, day))
                .collect();
            aggregate(&values)
        };
        match who {
            Forecaster::Shown => shown,
            Forecaster::Markets => on_platform(None),
            Forecaster::Platform(p) => on_platform(Some(p)),
            Forecaster::Author => committed_estimate_on(&self.estimates, day).map(|p| p.get()),
        }
    }
}

impl Site {
    /// The track record of every future with a `resolved:`. The site's
    /// shown probabilities are computed once per distinct forecast day.
    pub(crate) fn track_record(&self) -> TrackRecord {
        let resolved: Vec<(FutureIx, Outcome, Date)> = FutureIx::all(self.futures.len())
            .filter_map(|i| {
                let r = self.futures[i].future.resolved.as_ref()?;
                Some((i, r.outcome, r.on.value))
            })
            .collect();
        let shown = self.shown_on_forecast_days(&resolved);
        let forecasters = self.forecasters(resolved.iter().map(|&(i, ..)| i));
        let mut list: Vec<Resolved> = resolved
            .into_iter()
            .map(|(i, outcome, on)| {
                let day = forecast_day(on);
                let that_day = shown.get(&i).copied().flatten();
                let e = &self.futures[i];
                Resolved {
                    future: i,
                    outcome,
                    on,
                    forecasts: forecasters
                        .iter()
                        .map(|&who| e.forecast(who, day, that_day))
                        .collect(),
                }
            })
            .collect();
        list.sort_by_cached_key(|r| {
            let title = self.futures[r.future].future.title.to_lowercase();
            (std::cmp::Reverse(r.on), title)
        });
        TrackRecord {
            forecasters,
            resolved: list,
        }
    }

    /// The site's shown probability of each `resolved` future on its
    /// forecast day: the graph computed once per distinct day (in
    /// parallel), keeping only the futures forecast that day.
    fn shown_on_forecast_days(
        &self,
        resolved: &[(FutureIx, Outcome, Date)],
    ) -> HashMap<FutureIx, Option<f64>> {
        let mut by_day: BTreeMap<Date, Vec<FutureIx>> = BTreeMap::new();
        for &(i, _, on) in resolved {
            by_day.entry(forecast_day(on)).or_default().push(i);
        }
        let by_day: Vec<(Date, Vec<FutureIx>)> = by_day.into_iter().collect();
        by_day
            .par_iter()
            .flat_map_iter(|(day, futures)| {
                let effective = self.probabilities_on(*day).effective;
                futures.iter().map(move |&i| (i, effective[i]))
            })
            .collect()
    }

    /// The forecasters scored over the futures `resolved`: a platform is
    /// one when some resolved future links a market on it.
    fn forecasters(&self, resolved: impl Iterator<Item = FutureIx>) -> Vec<Forecaster> {
        let mut linked = [false; Platform::ALL.len()];
        for i in resolved {
            for (r, _) in &self.futures[i].markets {
                linked[r.platform as usize] = true;
            }
        }
        let platforms = Platform::ALL
            .into_iter()
            .filter(|&p| linked[p as usize])
            .map(Forecaster::Platform);
        [Forecaster::Shown, Forecaster::Markets, Forecaster::Author]
            .into_iter()
            .chain(platforms)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn a_brier_score_is_the_mean_squared_miss_over_what_was_forecast() {
        // (0.8 − 1)² = 0.04, (0.3 − 0)² = 0.09: mean 0.065.
        let s = brier([(0.8, 1.0), (0.3, 0.0)].into_iter());
        assert_eq!(s.count, 2);
        assert!((s.brier.unwrap() - 0.065).abs() < 1e-12);
        // Saying 50 % every time scores 0.25 whatever happens.
        let half = brier([(0.5, 1.0), (0.5, 0.0), (0.5, 0.0)].into_iter());
        assert!((half.brier.unwrap() - 0.25).abs() < 1e-12);
        // No forecast: no score, and a count of 0 to say so.
        assert_eq!(
            brier(std::iter::empty()),
            Score {
                brier: None,
                count: 0
            }
        );
    }

    #[test]
    fn bins_start_at_their_lower_edge_and_the_last_holds_certainty() {
        assert_eq!(bin(0.0), 0);
        assert_eq!(bin(0.099), 0);
        // Exactly 10 % is in 10–20 %, exactly 30 % in 30–40 %.
        assert_eq!(bin(0.1), 1);
        assert_eq!(bin(0.3), 3);
        assert_eq!(bin(0.6 * 0.5), 3);
        assert_eq!(bin(0.7), 7);
        assert_eq!(bin(0.95), 9);
        assert_eq!(bin(1.0), 9);
    }

    #[test]
    fn calibration_counts_forecasts_and_what_happened_in_each_bin() {
        // 0.1 and 0.15 (bin 1): one happened; 0.35 (bin 3): happened.
        let bins = calibration([(0.1, 0.0), (0.15, 1.0), (0.35, 1.0)].into_iter());
        assert_eq!(bins[1].count, 2);
        assert_eq!(bins[1].happened, 1);
        assert!((bins[1].mean - 0.125).abs() < 1e-12);
        assert_eq!((bins[3].count, bins[3].happened), (1, 1));
        assert_eq!(bins.iter().map(|b| b.count).sum::<usize>(), 3);
    }

    #[test]
    fn a_forecast_is_read_thirty_days_before_the_resolution() {
        // March has 31 days: 31 March − 30 days = 1 March.
        assert_eq!(forecast_day(d("2026-03-31")), d("2026-03-01"));
        // 1 February − 30 days = 2 January.
        assert_eq!(forecast_day(d("2026-02-01")), d("2026-01-02"));
    }
}
