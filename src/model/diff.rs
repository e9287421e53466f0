//! What a change does to a site: two versions of its futures and bets (a
//! git revision's and the working tree's, each a [`Core`] with the numbers
//! it [`Shown`]s, computed from the same market observations) compared —
//! futures and bets added, removed or changed (which fields), resolutions
//! and evidence added, and every number that moves by a point or more,
//! largest first. Values only: `commands::diff` puts them in words.

use std::collections::{HashMap, HashSet};

use jiff::civil::Date;

use crate::model::graph::Payoff;
use crate::model::site::{CheckedBet, Core, Shown};
use crate::source::futures::Future;
use crate::source::record::{Direction, Evidence, Resolution};

/// A number moves when it changes by at least one percentage point.
pub(crate) const MOVE: f64 = 0.01;

/// One version of a site, with its numbers.
#[derive(Clone, Copy)]
pub(crate) struct Version<'a> {
    pub core: &'a Core,
    pub shown: &'a Shown,
}

/// Everything that differs between an old and a new version.
pub(crate) struct Diff {
    pub futures: Changes,
    pub bets: Changes,
    /// Resolutions that are new or different, by future id.
    pub resolutions: Vec<Resolved>,
    /// Evidence items the old version did not have, by future id.
    pub evidence: Vec<NewEvidence>,
    /// Every future's probability, implied probability (where the site
    /// shows another) and bet's payoff that moved by [`MOVE`] or more,
    /// largest first.
    pub moves: Vec<Move>,
}

/// Futures (or bets) added, removed and changed, each sorted by id.
#[derive(Default)]
pub(crate) struct Changes {
    pub added: Vec<Item>,
    pub removed: Vec<Item>,
    pub changed: Vec<Changed>,
}

/// A future or bet: its id and title.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Item {
    pub id: String,
    pub title: String,
}

/// A future or bet in both versions, and the fields that differ.
pub(crate) struct Changed {
    pub item: Item,
    pub fields: Vec<Field>,
}

/// One field that differs, as both versions write it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Field {
    /// The key in the file: `probability`, `leads_to`, …
    pub name: &'static str,
    /// The edge's target, for `leads_to` (one field per edge).
    pub target: Option<String>,
    pub old: Value,
    pub new: Value,
}

impl Field {
    /// Markdown prose, which a report says was edited rather than print.
    pub(crate) fn is_prose(&self) -> bool {
        matches!(self.name, "summary" | "resolves_when" | "argument")
    }
}

/// A field's value in one version.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    /// Not written.
    Absent,
    Number(f64),
    Text(String),
    /// The items of a list (an empty list is an absent one).
    List(Vec<String>),
}

/// A resolution the old version did not have.
pub(crate) struct Resolved {
    pub future: Item,
    pub resolution: Resolution,
}

/// An evidence item the old version did not have.
pub(crate) struct NewEvidence {
    pub future: Item,
    pub date: Date,
    pub title: String,
    pub url: String,
    pub direction: Direction,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Kind {
    /// A future's probability as the site shows it.
    Future,
    /// A future's implied probability, where the site shows its own (an
    /// estimate, markets or a resolution) in one version at least:
    /// otherwise it is the shown one, already a [`Kind::Future`] move.
    Implied,
    Bet,
}

/// A number that moved.
pub(crate) struct Move {
    pub kind: Kind,
    pub item: Item,
    pub old: Number,
    pub new: Number,
    /// How far it moved, signed: for a range, the end that moved most; a
    /// side without a number counts as 0 here (it prints as `—`).
    pub size: f64,
}

/// A future's probability or a bet's payoff in one version.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Number {
    /// The future or bet is not in this version.
    Absent,
    /// A future's probability as the site shows it (none: it has no
    /// estimate, market or parent).
    Probability(Option<f64>),
    Payoff(Payoff),
}

impl Number {
    /// Its low and high ends, if it has a value.
    fn bounds(self) -> Option<(f64, f64)> {
        match self {
            Number::Absent | Number::Probability(None) => None,
            Number::Probability(Some(p)) => Some((p, p)),
            Number::Payoff(p) => p.bounds(),
        }
    }
}

impl Diff {
    /// What differs from `old` to `new`.
    pub(crate) fn between(old: Version<'_>, new: Version<'_>) -> Diff {
        let mut moves = future_moves(old, new);
        moves.extend(implied_moves(old, new));
        moves.extend(bet_moves(old, new));
        moves.sort_by(|a, b| {
            b.size
                .abs()
                .total_cmp(&a.size.abs())
                .then(a.kind.cmp(&b.kind))
                .then_with(|| a.item.id.cmp(&b.item.id))
        });
        let (resolutions, evidence) = record_added(&old.core.futures, &new.core.futures);
        Diff {
            futures: compare(
                &old.core.futures,
                &new.core.futures,
                |f| item(f.id.as_str(), &f.title),
                future_fields,
            ),
            bets: compare(
                &old.core.bets,
                &new.core.bets,
                |b| item(b.bet.id.as_str(), &b.bet.title),
                bet_fields,
            ),
            resolutions,
            evidence,
            moves,
        }
    }

    /// Whether no future or bet was added, removed or changed (then no
    /// number can move either: both versions had the same observations).
    pub(crate) fn is_empty(&self) -> bool {
        self.futures.is_empty() && self.bets.is_empty()
    }
}

impl Changes {
    pub(crate) fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

fn item(id: &str, title: &str) -> Item {
    Item {
        id: id.to_string(),
        title: title.to_string(),
    }
}

/// Pairs `old` and `new` items by id: those only in one, and those whose
/// `fields` differ.
fn compare<T>(
    old: &[T],
    new: &[T],
    item: impl Fn(&T) -> Item,
    fields: impl Fn(&T, &T) -> Vec<Field>,
) -> Changes {
    let old_by_id: HashMap<String, &T> = old.iter().map(|t| (item(t).id, t)).collect();
    let new_by_id: HashMap<String, &T> = new.iter().map(|t| (item(t).id, t)).collect();
    let mut changes = Changes::default();
    for t in new {
        match old_by_id.get(&item(t).id) {
            None => changes.added.push(item(t)),
            Some(o) => {
                let fields = fields(o, t);
                if !fields.is_empty() {
                    changes.changed.push(Changed {
                        item: item(t),
                        fields,
                    });
                }
            }
        }
    }
    changes.removed = old
        .iter()
        .map(&item)
        .filter(|i| !new_by_id.contains_key(&i.id))
        .collect();
    changes.added.sort_by(|a, b| a.id.cmp(&b.id));
    changes.removed.sort_by(|a, b| a.id.cmp(&b.id));
    changes.changed.sort_by(|a, b| a.item.id.cmp(&b.item.id));
    changes
}

/// The fields that differ, collected in the order a file writes them.
#[derive(Default)]
struct Fields(Vec<Field>);

impl Fields {
    fn value(&mut self, name: &'static str, old: Value, new: Value) {
        if old != new {
            self.0.push(Field {
                name,
                target: None,
                old,
                new,
            });
        }
    }

    fn text(&mut self, name: &'static str, old: Option<String>, new: Option<String>) {
        let v = |t: Option<String>| t.map_or(Value::Absent, Value::Text);
        self.value(name, v(old), v(new));
    }

    fn number(&mut self, name: &'static str, old: Option<f64>, new: Option<f64>) {
        let v = |n: Option<f64>| n.map_or(Value::Absent, Value::Number);
        self.value(name, v(old), v(new));
    }

    fn list(&mut self, name: &'static str, old: Vec<String>, new: Vec<String>) {
        self.value(name, Value::List(old), Value::List(new));
    }
}

fn future_fields(old: &Future, new: &Future) -> Vec<Field> {
    let mut f = Fields::default();
    let within = |x: &Future| x.within.as_ref().map(|w| w.value.to_string());
    let when = |x: &Future| x.when.map(|w| w.to_string());
    let markets = |x: &Future| x.markets.iter().map(|m| m.value.to_string()).collect();
    let prose =
        |t: &Option<crate::source::fields::Located<String>>| t.as_ref().map(|t| t.value.clone());
    f.text("title", Some(old.title.clone()), Some(new.title.clone()));
    f.text("within", within(old), within(new));
    f.text("when", when(old), when(new));
    f.number(
        "probability",
        old.estimate.map(|p| p.get()),
        new.estimate.map(|p| p.get()),
    );
    f.list("markets", markets(old), markets(new));
    edges(&mut f, old, new);
    f.list("tags", old.tags.clone(), new.tags.clone());
    f.text(
        "summary",
        Some(old.summary.clone()),
        Some(new.summary.clone()),
    );
    f.list("sources", old.sources.clone(), new.sources.clone());
    f.text(
        "resolves_when",
        prose(&old.resolves_when),
        prose(&new.resolves_when),
    );
    let resolved = |x: &Future| x.resolved.as_ref().map(describe_resolution);
    f.text("resolved", resolved(old), resolved(new));
    let evidence = |x: &Future| x.evidence.iter().map(describe_evidence).collect();
    f.list("evidence", evidence(old), evidence(new));
    f.0
}

/// One field for each `leads_to` edge added, removed or reweighted: the
/// old file's edges in order, then those new in the new file.
fn edges(f: &mut Fields, old: &Future, new: &Future) {
    let weight = |x: &Future, target: &str| {
        x.leads_to
            .iter()
            .find(|e| e.target.value.as_str() == target)
            .map(|e| e.probability.get())
    };
    let mut targets: Vec<&str> = old
        .leads_to
        .iter()
        .map(|e| e.target.value.as_str())
        .collect();
    for e in &new.leads_to {
        if !targets.contains(&e.target.value.as_str()) {
            targets.push(e.target.value.as_str());
        }
    }
    for target in targets {
        let (o, n) = (weight(old, target), weight(new, target));
        if o != n {
            let v = |p: Option<f64>| p.map_or(Value::Absent, Value::Number);
            f.0.push(Field {
                name: "leads_to",
                target: Some(target.to_string()),
                old: v(o),
                new: v(n),
            });
        }
    }
}

/// `happened on 2026-03-01`, as a field's value.
fn describe_resolution(r: &Resolution) -> String {
    format!("{} on {}", r.outcome.as_str(), r.on.value)
}

/// `2026-05-02 for: Lab X reports …`, as an item of the `evidence` field.
fn describe_evidence(e: &Evidence) -> String {
    format!("{} {}: {}", e.date.value, e.direction, e.title)
}

fn bet_fields(old: &CheckedBet, new: &CheckedBet) -> Vec<Field> {
    let (old, new) = (&old.bet, &new.bet);
    let ids = |v: &[crate::source::fields::Located<crate::source::futures::FutureId>]| {
        v.iter().map(|r| r.value.to_string()).collect()
    };
    let mut f = Fields::default();
    f.text("title", Some(old.title.clone()), Some(new.title.clone()));
    f.text(
        "kind",
        Some(old.kind.name().into()),
        Some(new.kind.name().into()),
    );
    f.text(
        "status",
        Some(old.status.name().into()),
        Some(new.status.name().into()),
    );
    f.list(
        "instruments",
        old.instruments.clone(),
        new.instruments.clone(),
    );
    f.list("wins_if", ids(&old.wins_if), ids(&new.wins_if));
    f.list("loses_if", ids(&old.loses_if), ids(&new.loses_if));
    f.text("horizon", old.horizon.clone(), new.horizon.clone());
    f.text("summary", old.summary.clone(), new.summary.clone());
    f.text(
        "argument",
        Some(old.body.trim().to_string()),
        Some(new.body.trim().to_string()),
    );
    f.0
}

/// Resolutions and evidence items in `new` that `old` did not have.
fn record_added(old: &[Future], new: &[Future]) -> (Vec<Resolved>, Vec<NewEvidence>) {
    let before: HashMap<&str, &Future> = old.iter().map(|f| (f.id.as_str(), f)).collect();
    let mut resolutions = Vec::new();
    let mut evidence = Vec::new();
    let mut sorted: Vec<&Future> = new.iter().collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    for f in sorted {
        let was = before.get(f.id.as_str());
        let key = |r: &Resolution| (r.outcome, r.on.value, r.source.clone());
        let old_resolution = was.and_then(|w| w.resolved.as_ref()).map(key);
        if let Some(r) = f
            .resolved
            .as_ref()
            .filter(|r| Some(key(r)) != old_resolution)
        {
            resolutions.push(Resolved {
                future: item(f.id.as_str(), &f.title),
                resolution: r.clone(),
            });
        }
        let ekey = |e: &Evidence| (e.date.value, e.title.clone(), e.url.clone(), e.direction);
        let known: Vec<_> = was.map_or(Vec::new(), |w| w.evidence.iter().map(ekey).collect());
        for e in f.evidence.iter().filter(|e| !known.contains(&ekey(e))) {
            evidence.push(NewEvidence {
                future: item(f.id.as_str(), &f.title),
                date: e.date.value,
                title: e.title.clone(),
                url: e.url.clone(),
                direction: e.direction,
            });
        }
    }
    (resolutions, evidence)
}

/// Each future's probability in each version, where it moved.
fn future_moves(old: Version<'_>, new: Version<'_>) -> Vec<Move> {
    let all = |_: &str| true;
    moves(
        Kind::Future,
        probabilities(old, &old.shown.effective, all),
        probabilities(new, &new.shown.effective, all),
    )
}

/// Each future's implied probability in each version, where it moved and
/// the site shows another value in one version at least.
fn implied_moves(old: Version<'_>, new: Version<'_>) -> Vec<Move> {
    fn own<'a>(v: Version<'a>) -> impl Iterator<Item = &'a str> {
        v.core
            .futures
            .iter()
            .zip(v.shown.implied.iter().zip(&v.shown.effective))
            .filter(|(_, (implied, shown))| implied != shown)
            .map(|(f, _)| f.id.as_str())
    }
    let own: HashSet<&str> = own(old).chain(own(new)).collect();
    let kept = |id: &str| own.contains(id);
    moves(
        Kind::Implied,
        probabilities(old, &old.shown.implied, kept),
        probabilities(new, &new.shown.implied, kept),
    )
}

/// Each future of `v` that `keep` names, with its probability in `values`
/// (one per future, in order), by id.
fn probabilities<'a>(
    v: Version<'a>,
    values: &[Option<f64>],
    keep: impl Fn(&str) -> bool,
) -> HashMap<&'a str, (Item, Number)> {
    v.core
        .futures
        .iter()
        .zip(values)
        .filter(|(f, _)| keep(f.id.as_str()))
        .map(|(f, &p)| {
            let i = item(f.id.as_str(), &f.title);
            (f.id.as_str(), (i, Number::Probability(p)))
        })
        .collect()
}

/// Each bet's payoff in each version, where it moved.
fn bet_moves(old: Version<'_>, new: Version<'_>) -> Vec<Move> {
    fn numbers<'a>(v: Version<'a>) -> HashMap<&'a str, (Item, Number)> {
        v.core
            .bets
            .iter()
            .zip(&v.shown.payoffs)
            .map(|(b, &p)| {
                let i = item(b.bet.id.as_str(), &b.bet.title);
                (b.bet.id.as_str(), (i, Number::Payoff(p)))
            })
            .collect()
    }
    moves(Kind::Bet, numbers(old), numbers(new))
}

/// The numbers of `old` and `new` (by id) that moved by [`MOVE`] or more;
/// an item in one version only is [`Number::Absent`] in the other.
fn moves(
    kind: Kind,
    mut old: HashMap<&str, (Item, Number)>,
    new: HashMap<&str, (Item, Number)>,
) -> Vec<Move> {
    let mut found = Vec::new();
    for (id, (item, n)) in new {
        let o = old.remove(id).map_or(Number::Absent, |(_, o)| o);
        found.push(moved(kind, item, o, n));
    }
    for (_, (item, o)) in old {
        found.push(moved(kind, item, o, Number::Absent));
    }
    // A move of exactly one point may land a hair below it in floating point.
    found
        .into_iter()
        .filter(|m| m.size.abs() >= MOVE - 1e-9)
        .collect()
}

fn moved(kind: Kind, item: Item, old: Number, new: Number) -> Move {
    let (lo, hi) = old.bounds().unwrap_or((0.0, 0.0));
    let (lo2, hi2) = new.bounds().unwrap_or((0.0, 0.0));
    let (d_lo, d_hi) = (lo2 - lo, hi2 - hi);
    Move {
        kind,
        item,
        old,
        new,
        size: if d_hi.abs() > d_lo.abs() { d_hi } else { d_lo },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str) -> Item {
        super::item(id, id)
    }

    #[test]
    fn a_range_moves_by_its_end_that_moves_most() {
        // 20–45% → 25–40%: the low end +5 points, the high end −5; ties
        // keep the low end. 20–45% → 22–35%: +2 and −10, so −10.
        let r = |lo, hi| Number::Payoff(Payoff::Range(lo, hi));
        let m = moved(Kind::Bet, item("b"), r(0.2, 0.45), r(0.22, 0.35));
        assert!((m.size + 0.10).abs() < 1e-12, "{}", m.size);
        // An exact payoff is a range of one point: 30% → 20–45% is +15.
        let m = moved(
            Kind::Bet,
            item("b"),
            Number::Payoff(Payoff::Exact(0.3)),
            r(0.2, 0.45),
        );
        assert!((m.size - 0.15).abs() < 1e-12, "{}", m.size);
    }

    #[test]
    fn a_side_without_a_number_counts_as_zero_and_small_moves_are_left_out() {
        let p = |x| Number::Probability(Some(x));
        let old = HashMap::from([
            ("kept", (item("kept"), p(0.40))),
            ("gone", (item("gone"), p(0.25))),
            ("tiny", (item("tiny"), p(0.300))),
        ]);
        let new = HashMap::from([
            ("kept", (item("kept"), p(0.41))),
            ("added", (item("added"), p(0.005))),
            ("tiny", (item("tiny"), p(0.309))),
        ]);
        let mut found = moves(Kind::Future, old, new);
        found.sort_by(|a, b| a.item.id.cmp(&b.item.id));
        let got: Vec<(&str, f64)> = found
            .iter()
            .map(|m| (m.item.id.as_str(), (m.size * 1000.0).round() / 1000.0))
            .collect();
        // kept: 0.41 − 0.40 = +0.01, exactly a point (kept despite
        // rounding); gone: 0 − 0.25; added: 0.005 − 0 is half a point,
        // and tiny's 0.009 is under one: both left out.
        assert_eq!(got, vec![("gone", -0.25), ("kept", 0.01)]);
        assert_eq!(found[0].new, Number::Absent);
    }
}
