//! What a card says of one page: the facts that the social card (a PNG),
//! the embed and the hover card's data each show their own way — a title,
//! the number with where it comes from and on what day, a sparkline, a
//! first sentence, the site's name. One function per kind of page; the
//! words and numbers come from [`crate::render::format`] and the views, so
//! a card never says what its page does not.

use serde::Serialize;

use super::Renderer;
use super::views::{shown_source, source_label};
use crate::model::site::{FutureEntry, Page, Settled, Source};
use crate::render::format::{self, percent};
use crate::routes::{self, BetIx, CardOf, FutureIx, PostIx, Route};

/// The facts of one card.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct Card {
    /// What the page is: `Future`, `Bet`, `Post`, or empty for the home page.
    pub kind: &'static str,
    pub title: String,
    /// A future's probability or a bet's chance of paying off.
    pub number: Option<Number>,
    /// The number's course over the last weeks (`model::site::trend`),
    /// one value a week, oldest first, from its first known week; empty
    /// when fewer than two weeks are known. Rounded to a tenth of a point,
    /// so that a card is redrawn only for a change a reader could see.
    pub sparkline: Vec<f64>,
    /// The summary's first sentence (a post's: its summary's).
    pub sentence: String,
    /// The site's title.
    pub site: String,
    /// The page's full address.
    pub url: String,
}

/// A number as a card says it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct Number {
    /// `42%`, `20–45%`, `Happened`, `Won`.
    pub display: String,
    /// What the number is: `chance`, `chance of paying off`, `resolved`.
    pub label: &'static str,
    /// Where it comes from, in words: `aggregate of 2 markets`.
    pub source: String,
    /// The day it stands for: `5 December 2026`.
    pub date: String,
}

impl Renderer<'_> {
    /// The facts of `page`'s card.
    pub(crate) fn facts(&self, page: CardOf) -> Card {
        match page {
            CardOf::Home => self.home_facts(),
            CardOf::Future(i) => self.future_facts(i),
            CardOf::Bet(b) => self.bet_facts(b),
            CardOf::Post(i) => self.post_facts(i),
        }
    }

    /// The card of future `i`.
    pub(crate) fn future_facts(&self, i: FutureIx) -> Card {
        let e = &self.site.futures[i];
        Card {
            kind: "Future",
            title: e.future.title.clone(),
            number: self.future_number(i, e),
            sparkline: sparkline(self.site.trend().future(i)),
            sentence: first_sentence(&e.summary.summary),
            site: self.site.config.title.clone(),
            url: self.permalink(&routes::future(e.future.id.as_str())),
        }
    }

    fn future_number(&self, i: FutureIx, e: &FutureEntry) -> Option<Number> {
        let today = format::long_date(self.site.today);
        if let Settled::Fixed { outcome, by } = e.settled {
            let on = self.site.futures[by].future.resolved.as_ref();
            return Some(Number {
                display: capitalized(format::outcome_words(outcome)),
                label: "resolved",
                source: shown_source(self.site, e, i),
                date: on.map_or(today, |r| format::long_date(r.on.value)),
            });
        }
        if let Some(p) = e.shown() {
            let read = match e.own.map(|o| o.source) {
                Some(Source::Markets(_)) => e.markets.iter().filter_map(|(_, o)| o.as_of).max(),
                // The day the estimate shown was committed (a card that
                // said "today" would be redrawn every day for nothing).
                Some(Source::Estimate) => e
                    .estimates
                    .last()
                    .filter(|c| c.value.map(|v| v.get()) == Some(p))
                    .map(|c| c.date),
                None => None,
            };
            return Some(Number {
                display: percent(Some(p)),
                label: "chance",
                source: shown_source(self.site, e, i),
                date: read.map_or(today, format::long_date),
            });
        }
        e.computed.implied.map(|p| Number {
            display: percent(Some(p)),
            label: "chance",
            source: format!("implied by the graph ({})", source_label(None)),
            date: today,
        })
    }

    /// The card of bet `b`.
    pub(crate) fn bet_facts(&self, b: BetIx) -> Card {
        let entry = &self.site.bets[b];
        let number = match entry.verdict {
            Some(v) => {
                // The day of the resolution that settled it.
                let by = &self.site.futures[v.by()].future;
                let on = by.resolved.as_ref().map_or(self.site.today, |r| r.on.value);
                Number {
                    display: if v.won() { "Won" } else { "Lost" }.into(),
                    label: "resolved",
                    source: format::verdict(v, &by.title, entry.wins_if.len()),
                    date: format::long_date(on),
                }
            }
            None => Number {
                display: format::payoff(entry.payoff),
                label: "chance of paying off",
                source: "from the futures it wins and loses in".into(),
                date: format::long_date(self.site.today),
            },
        };
        Card {
            kind: "Bet",
            title: entry.bet.title.clone(),
            number: Some(number),
            sparkline: sparkline(self.site.trend().bet(b)),
            sentence: first_sentence(entry.summary()),
            site: self.site.config.title.clone(),
            url: self.permalink(&routes::bet(entry.bet.id.as_str())),
        }
    }

    /// The card of post `i`: its title, date and summary.
    pub(crate) fn post_facts(&self, i: PostIx) -> Card {
        let p: &Page = &self.site.posts[i];
        Card {
            kind: "Post",
            title: p.doc.title.clone(),
            number: None,
            sparkline: Vec::new(),
            sentence: first_sentence(&self.post(i).summary),
            site: self.site.config.title.clone(),
            url: self.permalink(&p.doc.path),
        }
    }

    /// The home page's card: the site's title and description.
    pub(crate) fn home_facts(&self) -> Card {
        let c = &self.site.config;
        Card {
            kind: "",
            title: c.title.clone(),
            number: None,
            sparkline: Vec::new(),
            sentence: first_sentence(&c.description),
            site: c.title.clone(),
            url: self.permalink(&self.shape.path(Route::Home)),
        }
    }
}

/// The known values of a trend, from its first known week (a week without
/// a value later on holds the one before), rounded to a tenth of a point.
fn sparkline(values: &[Option<f64>]) -> Vec<f64> {
    let mut last = None;
    let points: Vec<f64> = values
        .iter()
        .filter_map(|v| {
            last = v.or(last);
            last.map(|p| (p * 1000.0).round() / 1000.0)
        })
        .collect();
    if points.len() < 2 { Vec::new() } else { points }
}

/// A sparkline in words: its first and last values, `30% 12 weeks ago, 42%
/// now` (one value a week, so the first is `len - 1` weeks old).
pub(crate) fn trend_words(values: &[f64]) -> String {
    let [first, .., last] = values else {
        return String::new();
    };
    let weeks = match values.len() - 1 {
        1 => "1 week".to_string(),
        n => format!("{n} weeks"),
    };
    format!(
        "{} {weeks} ago, {} now",
        format::percent(Some(*first)),
        format::percent(Some(*last))
    )
}

/// The smallest span of values a sparkline's height stands for (10
/// points), so a week-to-week wiggle of a tenth of a point stays flat.
pub(crate) const SPARK_MIN_SPAN: f64 = 0.1;

/// The values a sparkline's height spans, bottom to top: its lowest to
/// highest, widened about their middle to at least [`SPARK_MIN_SPAN`].
/// Every card draws with it (`card.json` carries it to the hover card).
pub(crate) fn spark_range(values: &[f64]) -> (f64, f64) {
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let half = ((hi - lo) / 2.0).max(SPARK_MIN_SPAN / 2.0);
    let mid = f64::midpoint(lo, hi);
    (mid - half, mid + half)
}

/// How high `v` sits in `range`: 0 at its bottom, 1 at its top.
pub(crate) fn spark_height((lo, hi): (f64, f64), v: f64) -> f64 {
    (v - lo) / (hi - lo)
}

/// The first sentence of `text`: up to the first `.`, `!` or `?` that ends
/// a word and is followed by a space, or all of it.
pub(crate) fn first_sentence(text: &str) -> String {
    let text = text.trim();
    let end = text
        .char_indices()
        .zip(text.chars().skip(1))
        .find(|((_, c), next)| matches!(c, '.' | '!' | '?') && next.is_whitespace())
        .map_or(text.len(), |((i, c), _)| i + c.len_utf8());
    text[..end].to_string()
}

fn capitalized(words: &str) -> String {
    let mut chars = words.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_first_sentence_ends_at_its_stop() {
        assert_eq!(first_sentence("One. Two."), "One.");
        assert_eq!(first_sentence("Is it? Yes."), "Is it?");
        assert_eq!(
            first_sentence("Version 3.5 ships. Then"),
            "Version 3.5 ships."
        );
        assert_eq!(first_sentence("  No stop at all  "), "No stop at all");
        assert_eq!(first_sentence(""), "");
    }

    #[test]
    fn a_sparkline_spans_its_values_or_ten_points_about_their_middle() {
        let near = |(lo, hi): (f64, f64), (a, b): (f64, f64)| {
            assert!((lo - a).abs() < 1e-9 && (hi - b).abs() < 1e-9, "{lo}..{hi}")
        };
        near(spark_range(&[0.2, 0.6, 0.4]), (0.2, 0.6));
        // Middle 0.41, widened to 0.1: 0.36 to 0.46.
        let (lo, hi) = spark_range(&[0.40, 0.42]);
        near((lo, hi), (0.36, 0.46));
        assert!((spark_height((lo, hi), 0.41) - 0.5).abs() < 1e-9);
    }

    #[test]
    fn a_sparkline_starts_at_its_first_known_week_and_holds_gaps() {
        let v = [None, Some(0.2), None, Some(0.40049)];
        assert_eq!(sparkline(&v), vec![0.2, 0.2, 0.4]);
        assert_eq!(sparkline(&[None, Some(0.3)]), Vec::<f64>::new());
    }

    #[test]
    fn a_sparkline_in_words_gives_its_ends_and_its_age() {
        // 13 values, one a week: the first is 12 weeks old.
        let mut v = vec![0.3; 12];
        v.push(0.421);
        assert_eq!(trend_words(&v), "30% 12 weeks ago, 42% now");
        assert_eq!(trend_words(&[0.5, 0.999]), "50% 1 week ago, >99% now");
        assert_eq!(trend_words(&[0.5]), "");
        assert_eq!(trend_words(&[]), "");
    }
}
