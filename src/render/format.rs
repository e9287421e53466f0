//! How numbers and dates read on a page: one place for each display rule,
//! shared by the templates' data, the static map and `graph.json` (whose
//! `rules.display` tells the browser [`LOW`] and [`HIGH`]).

use crate::model::graph::{Payoff, Verdict};
use crate::model::site::{BINS, Bin, Forecaster};
use crate::model::stakes::Amount;
use crate::source::config::Currency;
use crate::source::record::{Direction, Outcome, Resolution};

/// Probabilities below this read `<1%`, above [`HIGH`] `>99%`: a rounded
/// 0% or 100% would claim a certainty no market or estimate has.
pub(crate) const LOW: f64 = 0.01;
pub(crate) const HIGH: f64 = 0.99;

/// `35%`, with `<1%` and `>99%` at the ends and `—` for no value.
pub(crate) fn percent(p: Option<f64>) -> String {
    match p {
        None => "—".into(),
        Some(p) if p < LOW => "<1%".into(),
        Some(p) if p > HIGH => ">99%".into(),
        Some(p) => format!("{:.0}%", p * 100.0),
    }
}

/// A bet's chance of paying off: `35%`, or a range `20–45%`. An end that
/// reads `<1%` or `>99%` keeps its sign, so the range is written out
/// (`80% to >99%`, never `80–>99%`); ends that read alike are one number.
pub(crate) fn payoff(p: Payoff) -> String {
    match p {
        Payoff::Exact(x) => percent(Some(x)),
        Payoff::Range(lo, hi) => {
            let (lo, hi) = (percent(Some(lo)), percent(Some(hi)));
            if lo == hi {
                lo
            } else if lo.starts_with('<') || hi.starts_with('>') {
                format!("{lo} to {hi}")
            } else {
                format!("{}–{hi}", lo.trim_end_matches('%'))
            }
        }
        Payoff::Unknown => "unknown".into(),
    }
}

/// An amount of the site's currency: whole units (`2,000`), to one
/// decimal below 10 (`2.5`), with the unit before it where it is a symbol
/// (`$2,000`) and after it otherwise (`2,000 hours`); `signed` puts `+` or
/// `−` before a gain or a loss (`+$1,000`, `−$600`). `model.js`'s `money`
/// follows the same rule from `rules.currency`.
pub(crate) fn money(x: f64, currency: Option<&Currency>, signed: bool) -> String {
    let tenths = (x.abs() * 10.0).round() as u64;
    let whole = if x.abs() < 10.0 {
        tenths / 10
    } else {
        x.abs().round() as u64
    };
    let mut digits = crate::diagnostics::thousands(whole as usize);
    if x.abs() < 10.0 && !tenths.is_multiple_of(10) {
        digits = format!("{digits}.{}", tenths % 10);
    }
    let zero = digits == "0";
    let sign = match () {
        _ if !signed || zero => "",
        _ if x < 0.0 => "−",
        _ => "+",
    };
    match currency {
        Some(c) if c.is_symbol() => format!("{sign}{}{digits}", c.as_str()),
        Some(c) => format!("{sign}{digits} {}", c.as_str()),
        None => format!("{sign}{digits}"),
    }
}

/// What a stake is worth if its bet pays off, as a multiple of it (pages
/// put `×` after it): `3`, `2.5`, `1.25` (at most two decimals, none that
/// are 0).
pub(crate) fn multiple(x: f64) -> String {
    let hundredths = (x * 100.0).round() as u64;
    let mut out = crate::diagnostics::thousands((hundredths / 100) as usize);
    let cents = hundredths % 100;
    if cents != 0 {
        let decimals = format!("{cents:02}");
        out = format!("{out}.{}", decimals.trim_end_matches('0'));
    }
    out
}

/// An expected value or another signed amount that follows from a chance:
/// `+$100`, or a range `−$600 to +$1,000` (ends that read alike are one
/// amount); `unknown`.
pub(crate) fn amount(a: Amount, currency: Option<&Currency>) -> String {
    match a {
        Amount::Exact(x) => money(x, currency, true),
        Amount::Range(lo, hi) => {
            let (lo, hi) = (money(lo, currency, true), money(hi, currency, true));
            if lo == hi {
                lo
            } else {
                format!("{lo} to {hi}")
            }
        }
        Amount::Unknown => "unknown".into(),
    }
}

/// How much a future moves a bet, in percentage points with the way it
/// moves it: `+32 points`, `−5 points`, `<1 point` for a swing too small to
/// round to one.
pub(crate) fn swing(s: f64) -> String {
    let sign = if s < 0.0 { '−' } else { '+' };
    match (s.abs() * 100.0).round() {
        0.0 => "<1 point".into(),
        1.0 => format!("{sign}1 point"),
        n => format!("{sign}{n:.0} points"),
    }
}

/// A number of percentage points as site.yaml gives it: `5`, `2.5`.
pub(crate) fn points(p: f64) -> String {
    let text = format!("{p:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A date as people read it: `3 March 2026`.
pub(crate) fn long_date(d: jiff::civil::Date) -> String {
    d.strftime("%-d %B %Y").to_string()
}

/// A resolution as the pages say it: "Happened on 1 March 2026", "Did
/// not happen (settled 30 June 2026)".
pub(crate) fn resolution(r: &Resolution) -> String {
    match r.outcome {
        Outcome::Happened => format!("Happened on {}", long_date(r.on.value)),
        Outcome::DidNotHappen => {
            format!("Did not happen (settled {})", long_date(r.on.value))
        }
    }
}

/// The mark beside a settled outcome or a bet's verdict (never alone: the
/// words go with it): ✓ what happened or won, ✗ what did not or lost.
pub(crate) fn mark(yes: bool) -> &'static str {
    if yes { "✓" } else { "✗" }
}

/// Which way evidence points, as a mark and in words: `▲` `For`, `▼`
/// `Against`.
pub(crate) fn direction(d: Direction) -> (&'static str, &'static str) {
    match d {
        Direction::For => ("▲", "For"),
        Direction::Against => ("▼", "Against"),
    }
}

/// A settled outcome in words, as lists say it: `happened`, `did not happen`.
pub(crate) fn outcome_words(o: Outcome) -> &'static str {
    match o {
        Outcome::Happened => "happened",
        Outcome::DidNotHappen => "did not happen",
    }
}

/// A settled outcome as a reference in a sentence says it: `Happened`,
/// `Did not happen` (as a future's page does).
pub(crate) fn outcome_title(o: Outcome) -> &'static str {
    match o {
        Outcome::Happened => "Happened",
        Outcome::DidNotHappen => "Did not happen",
    }
}

/// A settled bet in one word, as a reference says it: `Won`, `Lost`.
pub(crate) fn verdict_word(won: bool) -> &'static str {
    if won { "Won" } else { "Lost" }
}

/// A settled bet as its page says it: "Won: “X” happened"; `by` is the
/// title of the future that decided it, `wins` how many it wins in.
pub(crate) fn verdict(v: Verdict, by: &str, wins: usize) -> String {
    match v {
        Verdict::Won { .. } => format!("Won: “{by}” happened"),
        Verdict::Lost { .. } => format!("Lost: “{by}” happened"),
        Verdict::Missed { .. } if wins == 1 => format!("Lost: “{by}” did not happen"),
        Verdict::Missed { .. } => "Lost: none of the futures it wins in happened".to_string(),
    }
}

/// The days from `first` to `last` as people read them: `20 August 2026`,
/// `11–20 August 2026`, `30 July – 2 August 2026`.
pub(crate) fn date_span(first: jiff::civil::Date, last: jiff::civil::Date) -> String {
    if first == last {
        long_date(last)
    } else if (first.year(), first.month()) == (last.year(), last.month()) {
        format!("{}–{}", first.day(), long_date(last))
    } else if first.year() == last.year() {
        format!("{} – {}", first.strftime("%-d %B"), long_date(last))
    } else {
        format!("{} – {}", long_date(first), long_date(last))
    }
}

/// A Brier score to three decimals (`0.200`), `—` with no forecast: two
/// sources a thousandth apart are not told apart by a page.
pub(crate) fn brier(score: Option<f64>) -> String {
    score.map_or_else(|| "—".into(), |b| format!("{b:.3}"))
}

/// Calibration bin `k` of [`BINS`]: `0–10%`, …, `90–100%`.
pub(crate) fn bin(k: usize) -> String {
    let width = 100 / BINS;
    format!("{}–{}%", k * width, (k + 1) * width)
}

/// A calibration bin's tally: `2 of 3 happened`.
pub(crate) fn happened(b: &Bin) -> String {
    format!("{} of {} happened", b.happened, b.count)
}

/// A forecaster as the track record names it.
pub(crate) fn forecaster(f: Forecaster) -> &'static str {
    match f {
        Forecaster::Shown => "The site's shown probability",
        Forecaster::Markets => "All markets",
        Forecaster::Platform(p) => p.title(),
        Forecaster::Author => "The author's estimate",
    }
}

/// A forecaster as a column of forecasts names it, where the page's key
/// gives [`forecaster`]: `Site`, `Markets`, `Author`, a platform.
pub(crate) fn forecaster_short(f: Forecaster) -> &'static str {
    match f {
        Forecaster::Shown => "Site",
        Forecaster::Markets => "Markets",
        Forecaster::Platform(p) => p.title(),
        Forecaster::Author => "Author",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_reads_with_its_unit_and_sign() {
        let dollar = Currency::parse("$").unwrap();
        let hours = Currency::parse("hours").unwrap();
        assert_eq!(money(2000.0, Some(&dollar), false), "$2,000");
        assert_eq!(money(-600.0, Some(&dollar), true), "−$600");
        assert_eq!(money(1234567.4, Some(&hours), true), "+1,234,567 hours");
        assert_eq!(money(2.46, None, true), "+2.5");
        assert_eq!(money(9.96, None, false), "10");
        assert_eq!(money(-0.04, None, true), "0");
        assert_eq!(
            amount(Amount::Range(-600.0, 1000.0), Some(&dollar)),
            "−$600 to +$1,000"
        );
        assert_eq!(amount(Amount::Range(99.6, 100.2), None), "+100");
        assert_eq!(multiple(3.0), "3");
        assert_eq!(multiple(2.5), "2.5");
        assert_eq!(multiple(1.25), "1.25");
        assert_eq!(multiple(1.05), "1.05");
        assert_eq!(multiple(12000.0), "12,000");
    }

    #[test]
    fn percentages_never_claim_certainty() {
        assert_eq!(percent(Some(0.004)), "<1%");
        assert_eq!(percent(Some(0.35)), "35%");
        // A half rounds to even, as model.js's percent() must too.
        assert_eq!(percent(Some(0.125)), "12%");
        assert_eq!(percent(Some(0.996)), ">99%");
        assert_eq!(percent(None), "—");
        assert_eq!(payoff(Payoff::Range(0.2, 0.45)), "20–45%");
    }

    #[test]
    fn payoff_ranges_keep_their_signs_and_swings_read_in_points() {
        assert_eq!(payoff(Payoff::Range(0.8, 0.996)), "80% to >99%");
        assert_eq!(payoff(Payoff::Range(0.002, 0.3)), "<1% to 30%");
        assert_eq!(payoff(Payoff::Range(0.451, 0.453)), "45%");
        assert_eq!(payoff(Payoff::Range(0.995, 1.0)), ">99%");
        assert_eq!(payoff(Payoff::Unknown), "unknown");
        assert_eq!(swing(0.324), "+32 points");
        assert_eq!(swing(-0.051), "−5 points");
        assert_eq!(swing(0.012), "+1 point");
        assert_eq!(swing(0.004), "<1 point");
        assert_eq!(points(5.0), "5");
        assert_eq!(points(2.5), "2.5");
    }

    #[test]
    fn brier_scores_read_to_a_thousandth_and_bins_by_their_edges() {
        assert_eq!(brier(Some(0.2003611)), "0.200");
        assert_eq!(brier(Some(0.0)), "0.000");
        assert_eq!(brier(None), "—");
        assert_eq!(bin(0), "0–10%");
        assert_eq!(bin(1), "10–20%");
        assert_eq!(bin(9), "90–100%");
        let b = Bin {
            count: 3,
            happened: 2,
            mean: 0.35,
        };
        assert_eq!(happened(&b), "2 of 3 happened");
    }

    #[test]
    fn a_span_of_days_names_each_month_and_year_once() {
        let d = |s: &str| s.parse::<jiff::civil::Date>().unwrap();
        assert_eq!(
            date_span(d("2026-08-20"), d("2026-08-20")),
            "20 August 2026"
        );
        assert_eq!(
            date_span(d("2026-08-11"), d("2026-08-20")),
            "11–20 August 2026"
        );
        assert_eq!(
            date_span(d("2026-07-30"), d("2026-08-02")),
            "30 July – 2 August 2026"
        );
        assert_eq!(
            date_span(d("2025-12-30"), d("2026-01-02")),
            "30 December 2025 – 2 January 2026"
        );
    }
}
