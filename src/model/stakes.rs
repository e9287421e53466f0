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
    }
}
