//! What a bet's stake is worth: its expected value from its chance of
//! paying off, and what it returns in a future it wins or loses in. The
//! browser's `model.js` (`expected`, `returns`) mirrors each rule, and
//! [`UNCOVERED`] goes to it in `graph.json`.

use crate::model::graph::Payoff;
use crate::source::bets::Stake;

/// A reader's future counts as uncovered — none of their bets pays off in
/// it — only from this probability up: below it, a gap is not worth a
/// hedge.
pub(crate) const UNCOVERED: f64 = 0.05;

/// An amount of the site's currency that follows from a chance: exact, a
/// range where the chance is bounds, or unknown where it is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Amount {
    Exact(f64),
    /// Lowest first.
    Range(f64, f64),
    Unknown,
}

/// The expected value of `stake` on a bet whose chance of paying off is
/// `p`: stake × (P × pays − 1), a range where P is bounds (P's ends give
/// its ends: it grows with P).
pub(crate) fn expected(stake: Stake, p: Payoff) -> Amount {
    let at = |p: f64| stake.amount() * (p * stake.pays() - 1.0);
    match p {
        Payoff::Exact(p) => Amount::Exact(at(p)),
        Payoff::Range(lo, hi) => Amount::Range(at(lo), at(hi)),
        Payoff::Unknown => Amount::Unknown,
    }
}

/// What `stake` is worth if its bet pays off: the stake times `pays`.
pub(crate) fn worth(stake: Stake) -> f64 {
    stake.amount() * stake.pays()
}

/// The sum of some amounts: exact where each is, a range (lowest ends,
/// highest ends) where any is a range; the unknown ones are left out and
/// counted. `None` where none is known.
pub(crate) fn total(amounts: impl IntoIterator<Item = Amount>) -> Total {
    let mut sum: Option<(f64, f64, bool)> = None;
    let mut unknown = 0;
    for a in amounts {
        let (lo, hi, range) = match a {
            Amount::Exact(x) => (x, x, false),
            Amount::Range(lo, hi) => (lo, hi, true),
            Amount::Unknown => {
                unknown += 1;
                continue;
            }
        };
        let (l, h, r) = sum.unwrap_or((0.0, 0.0, false));
        sum = Some((l + lo, h + hi, r || range));
    }
    Total {
        known: match sum {
            Some((lo, hi, true)) => Amount::Range(lo, hi),
            Some((x, _, false)) => Amount::Exact(x),
            None => Amount::Unknown,
        },
        unknown,
    }
}

/// A sum of amounts (see [`total`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Total {
    /// The sum of the known amounts; `Unknown` where none is.
    pub known: Amount,
    /// How many were unknown and left out.
    pub unknown: usize,
}

/// What `stake` returns, against keeping it, once the bet is decided: it
/// gains stake × (pays − 1) if the bet pays off (`won`), else loses the stake.
pub(crate) fn returns(stake: Stake, won: bool) -> f64 {
    if won {
        stake.amount() * (stake.pays() - 1.0)
    } else {
        -stake.amount()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expected_value_is_the_stake_times_p_pays_minus_one() {
        let stake = Stake::new(2000.0, 3.0).unwrap();
        assert_eq!(expected(stake, Payoff::Exact(0.5)), Amount::Exact(1000.0));
        assert_eq!(
            expected(stake, Payoff::Range(0.1, 0.5)),
            Amount::Range(2000.0 * (0.1 * 3.0 - 1.0), 1000.0)
        );
        assert_eq!(expected(stake, Payoff::Unknown), Amount::Unknown);
        assert_eq!(returns(stake, true), 4000.0);
        assert_eq!(returns(stake, false), -2000.0);
        assert_eq!(worth(stake), 6000.0);
    }

    #[test]
    fn a_total_is_a_range_where_any_part_is_and_counts_the_unknown() {
        let exact = total([Amount::Exact(100.0), Amount::Exact(-600.0)]);
        assert_eq!(exact.known, Amount::Exact(-500.0));
        let mixed = total([
            Amount::Exact(100.0),
            Amount::Unknown,
            Amount::Range(-600.0, 1000.0),
        ]);
        assert_eq!(mixed.known, Amount::Range(-500.0, 1100.0));
        assert_eq!(mixed.unknown, 1);
        assert_eq!(total([Amount::Unknown]).known, Amount::Unknown);
        assert_eq!(total([]).known, Amount::Unknown);
    }
}
