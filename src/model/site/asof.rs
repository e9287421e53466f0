//! The site's numbers as they stood on an earlier day, for what moved
//! (`/changes/`: the window's start against now) and the track record
//! (each source's forecast 30 days before a resolution). A day's inputs
//! are each market's last value on or before it (from its history), each
//! author's estimate then (from git) and the resolutions made by then;
//! the graph's rules are the build's own ([`Start::probabilities`]).

use jiff::civil::Date;

use super::compute::{Probabilities, Start, own};
use super::{BetEntry, FutureEntry, Site};
use crate::fetch::markets::Observation;
use crate::model::graph::Payoff;
use crate::routes::FutureIx;
use crate::source::futures::Probability;
use crate::source::history::Change;

/// Every number the site gave on one day.
pub(crate) struct AsOf {
    /// Each future's probability as the site showed it (its own, settled
    /// or moved, else implied), by [`FutureIx`].
    pub effective: Vec<Option<f64>>,
    /// Each bet's chance of paying off, in the bets' order.
    pub payoffs: Vec<Payoff>,
}

/// A market's value on `date`: its last recorded value on or before it.
/// `history` is one value a day, oldest first.
pub(crate) fn value_on(history: &[(Date, f64)], date: Date) -> Option<f64> {
    let after = history.partition_point(|&(d, _)| d <= date);
    after.checked_sub(1).map(|k| history[k].1)
}

/// An author's estimate on `date`, from its committed `changes` (oldest
/// first) and the `current` value of the file. With no committed change
/// (no repository, or a file never committed), the current value is all
/// there is, so it stands for every day; otherwise the last change on or
/// before `date` gives it, and before the first change the value that
/// change replaced (none if the change created it).
pub(crate) fn estimate_on(
    changes: &[Change],
    current: Option<Probability>,
    date: Date,
) -> Option<Probability> {
    let Some(first) = changes.first() else {
        return current;
    };
    let after = changes.partition_point(|c| c.date <= date);
    match after.checked_sub(1) {
        Some(k) => changes[k].value,
        None => first.before,
    }
}

/// The author's estimate on `date` as the record knows it: `None` unless
/// a committed change on or before that day set it (the track record
/// counts only what was written down by then).
pub(crate) fn committed_estimate_on(changes: &[Change], date: Date) -> Option<Probability> {
    let after = changes.partition_point(|c| c.date <= date);
    after.checked_sub(1).and_then(|k| changes[k].value)
}

/// A market's value on `date` from all it recorded: its history and the
/// snapshot's value (read on `as_of`), whichever is later on or before
/// `date`. A history that lacks the snapshot's last read (a stale market
/// whose reads were not all merged) would otherwise show an older value
/// for days the site already showed the newer one, and invent a move.
pub(crate) fn recorded_on(o: &Observation, date: Date) -> Option<f64> {
    if let Some((read, value)) = o.as_of.zip(o.value).filter(|&(d, _)| d <= date) {
        let h = &o.history;
        let newer = h.partition_point(|&(d, _)| d <= date) - h.partition_point(|&(d, _)| d < read);
        if newer == 0 {
            return Some(value);
        }
    }
    value_on(&o.history, date)
}

impl FutureEntry {
    /// Its markets' values on `date` (those with one), in its file's order.
    pub(crate) fn market_values_on(&self, date: Date) -> Vec<f64> {
        self.markets
            .iter()
            .filter_map(|(_, o)| recorded_on(o, date))
            .collect()
    }

    /// Whether a resolution of it stood on `date`.
    fn resolved_by(&self, date: Date) -> bool {
        self.future
            .resolved
            .as_ref()
            .is_some_and(|r| r.on.value <= date)
    }
}

impl Site {
    /// Every number the site gave on `date`, by the build's rules, from
    /// what was known that day.
    pub(crate) fn as_of(&self, date: Date) -> AsOf {
        let p = self.probabilities_on(date);
        let payoffs = self
            .bets
            .iter()
            .map(|b: &BetEntry| self.graph.payoff(b.sides(), &p.effective))
            .collect();
        AsOf {
            effective: p.effective,
            payoffs,
        }
    }

    /// The probabilities of every future on `date` (without the bets'
    /// payoffs, which the track record does not need).
    pub(crate) fn probabilities_on(&self, date: Date) -> Probabilities {
        let start = Start {
            own: self
                .futures
                .iter()
                .map(|e| {
                    let estimate = estimate_on(&e.estimates, e.future.estimate, date);
                    own(&e.market_values_on(date), estimate.map(Probability::get))
                })
                .collect(),
            resolved: FutureIx::all(self.futures.len())
                .zip(&self.futures)
                .filter(|(_, e)| e.resolved_by(date))
                .filter_map(|(i, e)| Some((i, e.future.resolved.as_ref()?.outcome)))
                .collect(),
        };
        start.probabilities(&self.graph)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn change(date: &str, before: Option<f64>, value: Option<f64>) -> Change {
        Change {
            date: d(date),
            value: value.and_then(Probability::new),
            before: before.and_then(Probability::new),
            reason: "why".into(),
            commit: "abc1234".into(),
        }
    }

    #[test]
    fn a_market_on_a_day_is_its_last_value_on_or_before_it() {
        let h = [(d("2026-01-01"), 0.2), (d("2026-01-05"), 0.4)];
        assert_eq!(value_on(&h, d("2025-12-31")), None);
        assert_eq!(value_on(&h, d("2026-01-01")), Some(0.2));
        assert_eq!(value_on(&h, d("2026-01-04")), Some(0.2));
        assert_eq!(value_on(&h, d("2026-01-05")), Some(0.4));
        assert_eq!(value_on(&h, d("2027-01-01")), Some(0.4));
        assert_eq!(value_on(&[], d("2026-01-01")), None);
    }

    #[test]
    fn a_snapshot_read_later_than_the_history_counts_from_its_day() {
        let o = Observation {
            value: Some(0.6),
            as_of: Some(d("2026-06-20")),
            stale: true,
            history: vec![(d("2026-06-10"), 0.2)],
            ..Observation::default()
        };
        assert_eq!(recorded_on(&o, d("2026-06-09")), None);
        assert_eq!(recorded_on(&o, d("2026-06-19")), Some(0.2));
        assert_eq!(recorded_on(&o, d("2026-07-03")), Some(0.6));
        // A history that has the day's value keeps its own.
        let same = Observation {
            history: vec![(d("2026-06-20"), 0.59)],
            ..o.clone()
        };
        assert_eq!(recorded_on(&same, d("2026-07-03")), Some(0.59));
    }

    #[test]
    fn an_estimate_on_a_day_follows_its_commits() {
        let p = |x| Probability::new(x);
        let changes = [
            change("2026-02-01", None, Some(0.4)),
            change("2026-03-01", Some(0.4), Some(0.35)),
        ];
        let current = p(0.3); // edited, not yet committed
        assert_eq!(estimate_on(&changes, current, d("2026-01-31")), None);
        assert_eq!(estimate_on(&changes, current, d("2026-02-01")), p(0.4));
        assert_eq!(estimate_on(&changes, current, d("2026-02-28")), p(0.4));
        assert_eq!(estimate_on(&changes, current, d("2026-03-01")), p(0.35));
        // Without history the file's value is all there is.
        assert_eq!(estimate_on(&[], current, d("2020-01-01")), current);
        // A history that starts beyond a shallow clone knows the value before.
        let shallow = [change("2026-03-01", Some(0.4), Some(0.35))];
        assert_eq!(estimate_on(&shallow, current, d("2026-01-01")), p(0.4));
        // The record counts only what was committed by then.
        assert_eq!(committed_estimate_on(&changes, d("2026-01-31")), None);
        assert_eq!(committed_estimate_on(&changes, d("2026-02-15")), p(0.4));
        assert_eq!(committed_estimate_on(&[], d("2026-02-15")), None);
    }
}
