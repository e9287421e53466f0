//! How numbers and dates read on a page: one place for each display rule,
//! shared by the templates' data, the static map and `graph.json` (whose
//! [`Display`] tells the browser the same rules).

use serde::Serialize;

use crate::graph::Payoff;

/// Probabilities below this read `<1%`, above [`HIGH`] `>99%`: a rounded
/// 0% or 100% would claim a certainty no market or estimate has.
pub const LOW: f64 = 0.01;
pub const HIGH: f64 = 0.99;

/// The rules the browser needs to print numbers as the pages do.
#[derive(Serialize)]
pub struct Display {
    pub low: f64,
    pub high: f64,
}

pub const DISPLAY: Display = Display {
    low: LOW,
    high: HIGH,
};

/// `35%`, with `<1%` and `>99%` at the ends and `—` for no value.
pub fn percent(p: Option<f64>) -> String {
    match p {
        None => "—".into(),
        Some(p) if p < LOW => "<1%".into(),
        Some(p) if p > HIGH => ">99%".into(),
        Some(p) => format!("{:.0}%", p * 100.0),
    }
}

/// A bet's chance of paying off: `35%`, or a range `20–45%`.
pub fn payoff(p: Payoff) -> String {
    match p {
        Payoff::Exact(x) => percent(Some(x)),
        Payoff::Range(lo, hi) => format!(
            "{}–{}",
            percent(Some(lo)).trim_end_matches('%'),
            percent(Some(hi))
        ),
        Payoff::Unknown => "unknown".into(),
    }
}

/// A date as people read it: `3 March 2026`.
pub fn long_date(d: jiff::civil::Date) -> String {
    d.strftime("%-d %B %Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_never_claim_certainty() {
        assert_eq!(percent(Some(0.004)), "<1%");
        assert_eq!(percent(Some(0.35)), "35%");
        assert_eq!(percent(Some(0.996)), ">99%");
        assert_eq!(percent(None), "—");
        assert_eq!(payoff(Payoff::Range(0.2, 0.45)), "20–45%");
    }
}
