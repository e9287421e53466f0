//! What moved (`/changes/` and the feeds): over the [`WINDOW_DAYS`] before
//! the build's "now", each estimate change, piece of evidence, resolution,
//! future and bet added, market move, and — the consequences — every
//! future's probability and bet's chance of paying off that differs by at
//! least the threshold between the window's start ([`Site::as_of`]) and
//! now. One function per kind of item; [`Site::changes`] gathers them,
//! newest first.
//!
//! The window is the days after its start up to today: the start is the
//! day whose numbers the consequences compare with, so an item on that day
//! is already in them.

use std::collections::HashMap;

use jiff::ToSpan;
use jiff::civil::Date;

use super::Site;
use crate::model::graph::Payoff;
use crate::routes::{BetIx, FutureIx};
use crate::source::history::Kind;
use crate::source::record::{Direction, Outcome};

/// How many days before "now" the changes reach.
pub(crate) const WINDOW_DAYS: i64 = 90;
/// The span a market must move within to count as a move.
pub(crate) const MOVE_DAYS: i64 = 7;

/// What an item is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum About {
    Future(FutureIx),
    Bet(BetIx),
}

/// What happened.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum What {
    /// The author's estimate changed (`None`: there was none, or it was
    /// removed), in a commit with this subject.
    Estimate {
        from: Option<f64>,
        to: Option<f64>,
        reason: String,
    },
    /// A piece of evidence: its index in the future's `evidence` list.
    Evidence {
        index: usize,
        direction: Direction,
    },
    Resolution {
        outcome: Outcome,
    },
    /// Its file was added.
    Added,
    /// Market `market` (its index in the future's `markets`) moved from
    /// one recorded value to another at most [`MOVE_DAYS`] later.
    MarketMove {
        market: usize,
        from: Point,
        to: Point,
    },
    /// A future's probability now and at the window's start.
    Probability {
        from: f64,
        to: f64,
    },
    /// A bet's chance of paying off now and at the window's start.
    Payoff {
        from: Payoff,
        to: Payoff,
    },
}

/// A market's value on a day.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Point {
    pub date: Date,
    pub value: f64,
}

/// One thing that moved.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Item {
    /// When it happened: a market move's last day; a consequence's "now".
    pub date: Date,
    pub subject: About,
    pub what: What,
    /// Its identity across builds, made of its kind, its subject's id and
    /// its date(s): `estimate/agi/2026-05-02`. A consequence has no date
    /// in it: it is the same item, updated, for as long as it stands.
    pub key: String,
}

/// Everything that moved in the window.
pub(crate) struct Changes {
    /// The day the consequences compare with (not itself in the window).
    pub start: Date,
    pub today: Date,
    /// Newest first; on one day, consequences, then resolutions,
    /// additions, estimate changes, evidence and market moves.
    pub items: Vec<Item>,
}

/// The window: the days after `start` up to `today`.
#[derive(Clone, Copy)]
struct Window {
    start: Date,
    today: Date,
    /// The threshold as a fraction (5 points: 0.05).
    threshold: f64,
}

impl Window {
    fn holds(self, d: Date) -> bool {
        self.start < d && d <= self.today
    }
}

/// Whether a move of `delta` (a fraction) reaches `threshold` (a
/// fraction). Values are kept to a hundredth of a point, so a move of
/// exactly the threshold that floating point makes a hair smaller counts.
pub(crate) fn reaches(delta: f64, threshold: f64) -> bool {
    delta.abs() >= threshold - 1e-9
}

/// The moves of at least `threshold` (a fraction) within [`MOVE_DAYS`] in
/// a market's `points` (oldest first), as pairs of indexes. Only recorded
/// values are compared, never a value carried over a gap: a market that
/// was not read for a while (a stale one) shows no move across the gap.
/// A sustained move would qualify on many overlapping pairs of days, so
/// the largest qualifying move is taken (on a tie, the later, then the
/// shorter), its span set aside, and the next largest that does not
/// overlap a taken span is taken, until none is left. Spans may touch.
pub(crate) fn market_moves(points: &[Point], threshold: f64) -> Vec<(usize, usize)> {
    let mut candidates: Vec<(usize, usize)> = Vec::new();
    for (i, a) in points.iter().enumerate() {
        for (j, b) in points.iter().enumerate().skip(i + 1) {
            if days_between(a.date, b.date) > MOVE_DAYS {
                break;
            }
            if reaches(b.value - a.value, threshold) {
                candidates.push((i, j));
            }
        }
    }
    let size = |&(i, j): &(usize, usize)| (points[j].value - points[i].value).abs();
    candidates.sort_by(|x, y| {
        size(y)
            .total_cmp(&size(x))
            .then(points[y.1].date.cmp(&points[x.1].date))
            .then(points[y.0].date.cmp(&points[x.0].date))
    });
    let mut taken: Vec<(usize, usize)> = Vec::new();
    for c in candidates {
        if taken.iter().all(|t| c.1 <= t.0 || t.1 <= c.0) {
            taken.push(c);
        }
    }
    taken.sort_by_key(|&(_, j)| std::cmp::Reverse(j));
    taken
}

/// Whole days from `a` to `b`.
fn days_between(a: Date, b: Date) -> i64 {
    a.until(b).map_or(i64::MAX, |s| i64::from(s.get_days()))
}

impl Site {
    /// Everything that moved over the [`WINDOW_DAYS`] before today,
    /// newest first.
    pub(crate) fn changes(&self) -> Changes {
        let today = self.today;
        let start = today.checked_sub(WINDOW_DAYS.days()).unwrap_or(today);
        let w = Window {
            start,
            today,
            threshold: self.config.changes.threshold / 100.0,
        };
        let mut items: Vec<Item> = [
            self.consequences(w),
            self.resolutions(w),
            self.added(w),
            self.estimate_changes(w),
            self.evidence(w),
            self.market_moves(w),
        ]
        .into_iter()
        .flatten()
        .collect();
        // Stable: on one day, the kinds keep the order above.
        items.sort_by_key(|it| std::cmp::Reverse(it.date));
        unique_keys(&mut items);
        Changes {
            start,
            today,
            items,
        }
    }

    /// Each change of an author's estimate, but the first value of a
    /// future added that day: its addition says it.
    fn estimate_changes(&self, w: Window) -> Vec<Item> {
        self.each_future()
            .flat_map(|(i, e)| {
                let added = self.added.of(Kind::Future, e.future.id.as_str());
                let first = move |c: &&crate::source::history::Change| {
                    c.before.is_none() && Some(c.date) == added
                };
                e.estimates
                    .iter()
                    .filter(move |c| w.holds(c.date) && !first(c))
                    .map(move |c| {
                        let what = What::Estimate {
                            from: c.before.map(|p| p.get()),
                            to: c.value.map(|p| p.get()),
                            reason: c.reason.clone(),
                        };
                        self.item(c.date, About::Future(i), what, "estimate")
                    })
            })
            .collect()
    }

    fn evidence(&self, w: Window) -> Vec<Item> {
        self.each_future()
            .flat_map(|(i, e)| {
                e.future
                    .evidence
                    .iter()
                    .enumerate()
                    .filter_map(move |(k, ev)| {
                        let date = ev.date.value;
                        let what = What::Evidence {
                            index: k,
                            direction: ev.direction,
                        };
                        w.holds(date)
                            .then(|| self.item(date, About::Future(i), what, "evidence"))
                    })
            })
            .collect()
    }

    fn resolutions(&self, w: Window) -> Vec<Item> {
        self.each_future()
            .filter_map(|(i, e)| {
                let r = e.future.resolved.as_ref()?;
                let what = What::Resolution { outcome: r.outcome };
                w.holds(r.on.value)
                    .then(|| self.item(r.on.value, About::Future(i), what, "resolution"))
            })
            .collect()
    }

    /// Futures and bets whose files git saw added in the window.
    fn added(&self, w: Window) -> Vec<Item> {
        let futures = self.each_future().filter_map(|(i, e)| {
            let date = self.added.of(Kind::Future, e.future.id.as_str())?;
            w.holds(date)
                .then(|| self.item(date, About::Future(i), What::Added, "future-added"))
        });
        let bets = BetIx::all(self.bets.len()).filter_map(|b| {
            let date = self.added.of(Kind::Bet, self.bets[b].bet.id.as_str())?;
            w.holds(date)
                .then(|| self.item(date, About::Bet(b), What::Added, "bet-added"))
        });
        futures.chain(bets).collect()
    }

    /// Each market's moves (see [`market_moves`]) among its recorded
    /// values in the window and on its first day.
    fn market_moves(&self, w: Window) -> Vec<Item> {
        self.each_future()
            .flat_map(|(i, e)| (0..e.markets.len()).flat_map(move |m| self.moves_of(w, i, m)))
            .collect()
    }

    /// The moves of future `i`'s market `m`.
    fn moves_of(&self, w: Window, i: FutureIx, m: usize) -> Vec<Item> {
        let e = &self.futures[i];
        let (r, o) = &e.markets[m];
        let points: Vec<Point> = o
            .history
            .iter()
            .filter(|&&(d, _)| w.start <= d && d <= w.today)
            .map(|&(date, value)| Point { date, value })
            .collect();
        let market = key_part(&r.to_string());
        market_moves(&points, w.threshold)
            .into_iter()
            .map(|(a, b)| {
                let (from, to) = (points[a], points[b]);
                Item {
                    date: to.date,
                    subject: About::Future(i),
                    key: format!("market/{}/{market}/{}/{}", e.future.id, from.date, to.date),
                    what: What::MarketMove {
                        market: m,
                        from,
                        to,
                    },
                }
            })
            .collect()
    }

    /// Every future's probability and bet's chance of paying off that
    /// differs by at least the threshold between the window's start and
    /// now (a bet's bounds compared by their middle): futures, then bets,
    /// each largest move first.
    fn consequences(&self, w: Window) -> Vec<Item> {
        let mut list = self.consequences_in_order(w);
        let size = |it: &Item| match &it.what {
            What::Probability { from, to } => (to - from).abs(),
            What::Payoff { from, to } => {
                (to.midpoint().unwrap_or(0.0) - from.midpoint().unwrap_or(0.0)).abs()
            }
            _ => 0.0,
        };
        list.sort_by(|a, b| {
            let bet = |it: &Item| matches!(it.subject, About::Bet(_));
            bet(a).cmp(&bet(b)).then(size(b).total_cmp(&size(a)))
        });
        list
    }

    /// The consequences in the order of the futures, then of the bets. A
    /// future or bet added in the window has no number to compare with:
    /// its addition is the item.
    fn consequences_in_order(&self, w: Window) -> Vec<Item> {
        let then = self.as_of(w.start);
        let new = |kind: Kind, id: &str| self.added.of(kind, id).is_some_and(|d| w.holds(d));
        let futures = self
            .each_future()
            .filter(|(_, e)| !new(Kind::Future, e.future.id.as_str()))
            .filter_map(|(i, e)| {
                let (from, to) = (then.effective[i]?, e.effective()?);
                reaches(to - from, w.threshold).then(|| Item {
                    date: w.today,
                    subject: About::Future(i),
                    key: format!("probability/{}", e.future.id),
                    what: What::Probability { from, to },
                })
            });
        let bets = BetIx::all(self.bets.len())
            .filter(|&b| !new(Kind::Bet, self.bets[b].bet.id.as_str()))
            .filter_map(|b| {
                let (from, to) = (then.payoffs[b.get()], self.bets[b].payoff);
                reaches(to.midpoint()? - from.midpoint()?, w.threshold).then(|| Item {
                    date: w.today,
                    subject: About::Bet(b),
                    key: format!("payoff/{}", self.bets[b].bet.id),
                    what: What::Payoff { from, to },
                })
            });
        futures.chain(bets).collect()
    }

    fn each_future(&self) -> impl Iterator<Item = (FutureIx, &super::FutureEntry)> {
        FutureIx::all(self.futures.len()).zip(&self.futures)
    }

    /// An item keyed by its kind, subject and date.
    fn item(&self, date: Date, subject: About, what: What, kind: &str) -> Item {
        let id = match subject {
            About::Future(i) => self.futures[i].future.id.as_str(),
            About::Bet(b) => self.bets[b].bet.id.as_str(),
        };
        Item {
            date,
            subject,
            what,
            key: format!("{kind}/{id}/{date}"),
        }
    }
}

/// `text` as part of a key that goes into a URL's fragment: every byte
/// but letters, digits and `-._~:` percent-encoded (a Polymarket outcome's
/// `#` and spaces).
fn key_part(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b':' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Two items of one kind, subject and day (two pieces of evidence on one
/// day) would share a key: the later ones in the list's order get `/2`,
/// `/3`, counted from the oldest so that a new item never renames an old one.
fn unique_keys(items: &mut [Item]) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for it in items.iter_mut().rev() {
        let n = seen.entry(it.key.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            it.key = format!("{}/{n}", it.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points(list: &[(&str, f64)]) -> Vec<Point> {
        list.iter()
            .map(|&(d, value)| Point {
                date: d.parse().unwrap(),
                value,
            })
            .collect()
    }

    #[test]
    fn a_move_counts_within_seven_days_and_at_the_threshold() {
        // 30% → 35% in 7 days: exactly 5 points, a move.
        let p = points(&[("2026-08-01", 0.30), ("2026-08-08", 0.35)]);
        assert_eq!(market_moves(&p, 0.05), [(0, 1)]);
        // 30% → 34.99%: 4.99 points, none.
        let p = points(&[("2026-08-01", 0.30), ("2026-08-08", 0.3499)]);
        assert!(market_moves(&p, 0.05).is_empty());
        // 30% → 50% over 8 days (a gap, as a stale market leaves): none.
        let p = points(&[("2026-08-01", 0.30), ("2026-08-09", 0.50)]);
        assert!(market_moves(&p, 0.05).is_empty());
    }

    #[test]
    fn a_sustained_move_is_one_item_a_week_not_one_a_day() {
        // 20% rising two points a day for 10 days (to 40%): every pair of
        // days up to 7 apart with 3 days or more qualifies. The largest,
        // 7 days × 2 = 14 points, is days 3→10 (the latest of the ties);
        // what is left of days 0→3 is 6 points, a second move.
        let days: Vec<(String, f64)> = (0..=10)
            .map(|k| (format!("2026-08-{:02}", k + 1), 0.20 + 0.02 * k as f64))
            .collect();
        let list: Vec<(&str, f64)> = days.iter().map(|(d, v)| (d.as_str(), *v)).collect();
        let p = points(&list);
        assert_eq!(market_moves(&p, 0.05), [(3, 10), (0, 3)]);
        // With a 10-point threshold the 6 points of days 0→3 do not count.
        assert_eq!(market_moves(&p, 0.10), [(3, 10)]);
    }

    #[test]
    fn a_move_back_and_forth_is_two_moves() {
        // Up 10 points in 2 days, down 10 in the next 2: 30 → 40 → 30.
        let p = points(&[
            ("2026-08-01", 0.30),
            ("2026-08-03", 0.40),
            ("2026-08-05", 0.30),
        ]);
        assert_eq!(market_moves(&p, 0.05), [(1, 2), (0, 1)]);
    }

    #[test]
    fn a_market_in_a_key_is_encoded_for_a_fragment() {
        assert_eq!(key_part("manifold:will-agi"), "manifold:will-agi");
        assert_eq!(
            key_part("polymarket:x#Not sure"),
            "polymarket:x%23Not%20sure"
        );
    }

    #[test]
    fn keys_of_one_kind_subject_and_day_are_told_apart_oldest_first() {
        let d: Date = "2026-08-01".parse().unwrap();
        let item = |key: &str| Item {
            date: d,
            subject: About::Future(FutureIx(0)),
            what: What::Added,
            key: key.into(),
        };
        let mut items = vec![item("e/a/d"), item("e/b/d"), item("e/a/d")];
        unique_keys(&mut items);
        let keys: Vec<&str> = items.iter().map(|i| i.key.as_str()).collect();
        assert_eq!(keys, ["e/a/d/2", "e/b/d", "e/a/d"]);
    }
}
