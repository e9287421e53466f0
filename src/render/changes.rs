//! What `/changes/`, the home page and the feeds show of each item that
//! moved ([`crate::model::site::Changes`]): what happened in words, with
//! both numbers and dates, and a link to its future or bet.

use serde::Serialize;

use super::Renderer;
use crate::model::site::{About, Item, Settled, What};
use crate::render::format::{self, percent};
use crate::routes;
use crate::source::record::{Direction, Outcome};

/// One item as pages and feeds show it.
#[derive(Serialize)]
pub(super) struct ChangeView {
    /// Its identity across builds (see [`Item::key`]).
    pub key: String,
    /// Its kind, a class in the theme: `estimate`, `evidence`, …
    pub kind: &'static str,
    /// The kind in words: "Estimate", "Evidence against", …
    pub label: &'static str,
    /// ✓ ✗ ▲ ▼ beside the words, never alone.
    pub mark: Option<&'static str>,
    /// The future's or bet's title and page.
    pub title: String,
    pub url: String,
    pub permalink: String,
    /// What happened, with both numbers and their dates.
    pub detail: String,
    /// Why: a commit's subject, an evidence item's title (linked).
    pub reason: Option<String>,
    pub reason_url: Option<String>,
    pub date: String,
    pub date_display: String,
}

/// The items of one day.
#[derive(Serialize)]
pub(super) struct Day {
    pub date: String,
    pub date_display: String,
    pub items: Vec<ChangeView>,
}

/// Items (newest first) grouped by day, in order.
pub(super) fn by_day(views: Vec<ChangeView>) -> Vec<Day> {
    let mut days: Vec<Day> = Vec::new();
    for v in views {
        match days.last_mut() {
            Some(d) if d.date == v.date => d.items.push(v),
            _ => days.push(Day {
                date: v.date.clone(),
                date_display: v.date_display.clone(),
                items: vec![v],
            }),
        }
    }
    days
}

/// A consequence (a number compared across the window), not an event.
pub(super) fn is_consequence(it: &Item) -> bool {
    matches!(it.what, What::Probability { .. } | What::Payoff { .. })
}

impl Renderer<'_> {
    /// What `it` says, with both its numbers and dates; `start` is the
    /// day consequences compare with.
    pub(super) fn change_view(&self, it: &Item, start: jiff::civil::Date) -> ChangeView {
        let (title, path) = self.about(it.subject);
        let words = self.words(it, start);
        ChangeView {
            key: it.key.clone(),
            kind: words.kind,
            label: words.label,
            mark: words.mark,
            url: self.url(&path),
            permalink: self.permalink(&path),
            title,
            detail: words.detail,
            reason: words.reason,
            reason_url: words.reason_url,
            date: it.date.to_string(),
            date_display: format::long_date(it.date),
        }
    }

    /// An item's subject: its title and address.
    fn about(&self, a: About) -> (String, String) {
        match a {
            About::Future(i) => {
                let f = &self.site.futures[i].future;
                (f.title.clone(), routes::future(f.id.as_str()))
            }
            About::Bet(b) => {
                let bet = &self.site.bets[b].bet;
                (bet.title.clone(), routes::bet(bet.id.as_str()))
            }
        }
    }

    fn words(&self, it: &Item, start: jiff::civil::Date) -> Words {
        let s = self.site;
        let since = format::long_date(start);
        let today = format::long_date(it.date);
        match &it.what {
            What::Estimate { from, to, reason } => estimate_words(*from, *to, reason),
            What::Evidence { index, direction } => {
                let About::Future(i) = it.subject else {
                    unreachable!("evidence is a future's")
                };
                let ev = &s.futures[i].future.evidence[*index];
                evidence_words(*direction, &ev.title, &ev.url)
            }
            What::Resolution { outcome } => {
                let happened = *outcome == Outcome::Happened;
                Words::new(
                    "resolution",
                    "Resolved",
                    format!("It {} (settled {today}).", format::outcome_words(*outcome)),
                )
                .with_mark(format::mark(happened))
            }
            What::Added => self.added_words(it.subject),
            What::MarketMove { market, from, to } => {
                let About::Future(i) = it.subject else {
                    unreachable!("markets are a future's")
                };
                let r = &s.futures[i].markets[*market].0;
                let detail = format!(
                    "The market {r} went from {} on {} to {} on {}.",
                    percent(Some(from.value)),
                    format::long_date(from.date),
                    percent(Some(to.value)),
                    format::long_date(to.date)
                );
                Words::new("market", "Market move", detail).with_mark(if to.value > from.value {
                    "▲"
                } else {
                    "▼"
                })
            }
            What::Probability { from, to } => {
                let now = match it.subject {
                    About::Future(i) => match s.futures[i].settled {
                        Settled::Fixed { outcome, .. } => {
                            format!("It {} (settled)", format::outcome_words(outcome))
                        }
                        _ => format!("The site gives it {} on {today}", percent(Some(*to))),
                    },
                    About::Bet(_) => unreachable!("a probability is a future's"),
                };
                let detail = format!("{now}, against {} on {since}.", percent(Some(*from)));
                Words::new("probability", "Probability", detail)
            }
            What::Payoff { from, to } => Words::new(
                "payoff",
                "Chance of paying off",
                format!(
                    "Its chance of paying off is {} on {today}, against {} on {since}.",
                    format::payoff(*to),
                    format::payoff(*from)
                ),
            ),
        }
    }

    fn added_words(&self, a: About) -> Words {
        match a {
            About::Future(i) => Words::new(
                "added",
                "New future",
                format!(
                    "Added to the map; {}.",
                    match self.site.futures[i].settled {
                        Settled::Fixed { outcome, .. } =>
                            format!("it {}", format::outcome_words(outcome)),
                        _ => format!(
                            "the site gives it {}",
                            percent(self.site.futures[i].effective())
                        ),
                    }
                ),
            ),
            About::Bet(b) => Words::new(
                "added",
                "New bet",
                format!(
                    "Placed; its chance of paying off is {}.",
                    format::payoff(self.site.bets[b].payoff)
                ),
            ),
        }
    }
}

/// What a view says of an item, before its subject and date.
struct Words {
    kind: &'static str,
    label: &'static str,
    mark: Option<&'static str>,
    detail: String,
    reason: Option<String>,
    reason_url: Option<String>,
}

impl Words {
    fn new(kind: &'static str, label: &'static str, detail: String) -> Words {
        Words {
            kind,
            label,
            mark: None,
            detail,
            reason: None,
            reason_url: None,
        }
    }

    fn with_mark(self, mark: &'static str) -> Words {
        Words {
            mark: Some(mark),
            ..self
        }
    }
}

fn estimate_words(from: Option<f64>, to: Option<f64>, reason: &str) -> Words {
    let detail = match (from, to) {
        (Some(a), Some(b)) => format!(
            "The author's estimate went from {} to {}.",
            percent(Some(a)),
            percent(Some(b))
        ),
        (None, Some(b)) => format!("The author's estimate was set at {}.", percent(Some(b))),
        (Some(a), None) => format!(
            "The author's estimate of {} was removed: its markets or the graph give its number.",
            percent(Some(a))
        ),
        (None, None) => "The author's estimate was removed.".to_string(),
    };
    let mark = match (from, to) {
        (Some(a), Some(b)) if b > a => Some("▲"),
        (Some(a), Some(b)) if b < a => Some("▼"),
        _ => None,
    };
    Words {
        mark,
        reason: Some(reason.to_string()),
        ..Words::new("estimate", "Estimate", detail)
    }
}

fn evidence_words(direction: Direction, title: &str, url: &str) -> Words {
    let (label, mark, detail) = match direction {
        Direction::For => ("Evidence for", "▲", "New evidence makes it more likely:"),
        Direction::Against => (
            "Evidence against",
            "▼",
            "New evidence makes it less likely:",
        ),
    };
    Words {
        reason: Some(title.to_string()),
        reason_url: Some(url.to_string()),
        ..Words::new("evidence", label, detail.to_string()).with_mark(mark)
    }
}
