//! A [`Diff`] in words, three ways: for a terminal (aligned plain text),
//! for a GitHub job summary (Markdown tables, every author's text escaped)
//! and as JSON. Percentages and payoffs read as the site prints them
//! ([`format`](mod@format)).
//!
//! The JSON (`"format": 1`) is an object:
//!
//! - `base`: `{rev, commit}`, the revision compared with and its commit;
//!   `empty`: whether no future or bet was added, removed or changed;
//! - `futures`, `bets`: `{added, removed, changed}`; added and removed are
//!   `[{id, title}]`, changed `[{id, title, fields}]`, each field
//!   `{field, target, old, new}` (`target`: a `leads_to` edge's future,
//!   else null; a value is null where not written, a number, a string, or
//!   a list of strings);
//! - `resolutions`: `[{future, future_title, outcome, on, source}]` and
//!   `evidence`: `[{future, future_title, date, direction, title, url}]`,
//!   those the revision did not have;
//! - `moves`: `[{kind, id, title, old, new, move}]`, largest first, every
//!   number that moved by a point or more: `kind` is `future` (old and new
//!   are probabilities as the site shows them), `implied` (a future's
//!   implied probability, listed where the site shows its own value
//!   instead) or `bet` (`{low, high}`, equal where exact); null
//!   where there is no number (not in that version, or none at all);
//!   `move` is signed, a missing side counting as 0.
//!
//! Probabilities are fractions (0.35), never percentages.

use serde_json::{Value as Json, json};

use super::Compared;
use crate::model::diff::{Changed, Changes, Diff, Field, Item, Kind, Move, Number, Value};
use crate::render::format;
use crate::source::record::{Outcome, Resolution};

/// `diff --format human`.
pub(crate) fn human(c: &Compared) -> String {
    let d = &c.diff;
    if d.is_empty() {
        return format!("{}.\n", nothing(c));
    }
    let mut out = format!("Compared with {} ({}).\n", c.rev, short(&c.commit));
    if !d.moves.is_empty() {
        out.push_str("\nNumbers that move by 1 point or more, largest first\n");
        let rows = d.moves.iter().map(|m| {
            vec![
                kind(m.kind).into(),
                m.item.id.clone(),
                m.item.title.clone(),
                format!("{} → {}", number(m.old), number(m.new)),
                movement(m),
            ]
        });
        out.push_str(&aligned(rows.collect()));
        if has_implied(d) {
            out.push_str(&format!("  ({IMPLIED})\n"));
        }
    }
    for (title, changes) in [("Futures", &d.futures), ("Bets", &d.bets)] {
        if !changes.is_empty() {
            out.push_str(&format!("\n{title}\n"));
            out.push_str(&human_changes(changes));
        }
    }
    if !d.resolutions.is_empty() {
        out.push_str("\nResolutions added\n");
        let rows = d.resolutions.iter().map(|r| {
            let (mark, words) = resolution(&r.resolution);
            vec![
                mark,
                r.future.id.clone(),
                format!("{words} ({})", r.resolution.source),
            ]
        });
        out.push_str(&aligned(rows.collect()));
    }
    if !d.evidence.is_empty() {
        out.push_str("\nEvidence added\n");
        let rows = d.evidence.iter().map(|e| {
            let (mark, words) = format::direction(e.direction);
            vec![
                format!("{mark} {words}"),
                e.future.id.clone(),
                format!("{}: {} ({})", format::long_date(e.date), e.title, e.url),
            ]
        });
        out.push_str(&aligned(rows.collect()));
    }
    out
}

/// The lines of added, changed and removed futures (or bets), each
/// changed one followed by its fields.
fn human_changes(changes: &Changes) -> String {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut fields: Vec<(usize, &[Field])> = Vec::new();
    let row = |what: &str, item: &Item| vec![what.into(), item.id.clone(), item.title.clone()];
    for i in &changes.added {
        rows.push(row("added", i));
    }
    for c in &changes.changed {
        rows.push(row("changed", &c.item));
        fields.push((rows.len() - 1, &c.fields));
    }
    for i in &changes.removed {
        rows.push(row("removed", i));
    }
    let lines: Vec<String> = aligned(rows).lines().map(str::to_string).collect();
    let mut out = String::new();
    for (k, line) in lines.iter().enumerate() {
        out.push_str(line);
        out.push('\n');
        for (_, f) in fields.iter().filter(|(at, _)| *at == k) {
            for field in f.iter() {
                out.push_str(&format!("             {}\n", field_words(field)));
            }
        }
    }
    out
}

/// Rows as columns padded to their widest cell (the last column is not
/// padded), each line indented by two spaces.
fn aligned(rows: Vec<Vec<String>>) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let width = |k: usize| {
        rows.iter()
            .filter_map(|r| r.get(k))
            .map(|c| c.chars().count())
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..columns).map(width).collect();
    let mut out = String::new();
    for row in &rows {
        let mut line = String::from(" ");
        for (k, cell) in row.iter().enumerate() {
            line.push(' ');
            line.push_str(cell);
            if k + 1 < row.len() {
                let pad = widths[k] - cell.chars().count();
                line.push_str(&" ".repeat(pad + 1));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// `diff --format markdown`: a GitHub job summary.
pub(crate) fn markdown(c: &Compared) -> String {
    let d = &c.diff;
    if d.is_empty() {
        return format!(
            "**Forkcast:** {}.\n",
            nothing(c).replace(&c.rev, &code(&c.rev))
        );
    }
    let mut out = format!(
        "### Forkcast: {} ({}) → the working tree\n\n{}\n",
        code(&c.rev),
        short(&c.commit),
        counts(d)
    );
    if !d.moves.is_empty() {
        out.push_str("\n#### Numbers that move by 1 point or more\n\n");
        // Three columns, so the table fits a phone without scrolling.
        out.push_str("| Future or bet | Before → after | Move |\n|---|---|--:|\n");
        for m in &d.moves {
            out.push_str(&format!(
                "| *{}* · {} | {} → {} | {} |\n",
                kind(m.kind),
                md_item(&m.item),
                number(m.old),
                number(m.new),
                // "+6 points" on one line, even in a narrow column.
                movement(m).replace(' ', "\u{a0}")
            ));
        }
        if has_implied(d) {
            out.push_str(&format!("\n*{IMPLIED}*\n"));
        }
    }
    for (title, one, changes) in [("Futures", "Future", &d.futures), ("Bets", "Bet", &d.bets)] {
        if !changes.is_empty() {
            out.push_str(&format!(
                "\n#### {title}\n\n| Change | {one} | What changed |\n|---|---|---|\n"
            ));
            out.push_str(&md_changes(changes));
        }
    }
    if !d.resolutions.is_empty() {
        out.push_str("\n#### Resolutions added\n\n| Future | Resolution |\n|---|---|\n");
        for r in &d.resolutions {
            let (mark, words) = resolution(&r.resolution);
            out.push_str(&format!(
                "| {} | {mark} {words} ({}) |\n",
                md_item(&r.future),
                escape(&r.resolution.source)
            ));
        }
    }
    if !d.evidence.is_empty() {
        out.push_str("\n#### Evidence added\n\n| Future | Evidence |\n|---|---|\n");
        for e in &d.evidence {
            let (mark, words) = format::direction(e.direction);
            out.push_str(&format!(
                "| {} | {mark} {words}, {}: {} ({}) |\n",
                md_item(&e.future),
                format::long_date(e.date),
                escape(&e.title),
                escape(&e.url)
            ));
        }
    }
    out
}

fn md_changes(changes: &Changes) -> String {
    let row = |what: &str, item: &Item, fields: &[Field]| {
        let words: Vec<String> = fields.iter().map(|f| escape(&field_words(f))).collect();
        format!("| {what} | {} | {} |\n", md_item(item), words.join("<br>"))
    };
    let added = changes.added.iter().map(|i| row("added", i, &[]));
    let changed = changes
        .changed
        .iter()
        .map(|c: &Changed| row("changed", &c.item, &c.fields));
    let removed = changes.removed.iter().map(|i| row("removed", i, &[]));
    added.chain(changed).chain(removed).collect()
}

/// `Title (`id`)`, the title escaped (ids are kebab-case).
fn md_item(item: &Item) -> String {
    format!("{} ({})", escape(&item.title), code(&item.id))
}

/// `text` in a code span, never broken by a backtick inside it.
fn code(text: &str) -> String {
    let ticks = "`".repeat(longest_run(text, '`') + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{text}{pad}{ticks}")
}

fn longest_run(text: &str, c: char) -> usize {
    let (mut best, mut run) = (0, 0);
    for x in text.chars() {
        run = if x == c { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

/// An author's text as literal Markdown in a table cell: every character
/// that could start markup (emphasis, links, HTML, entities, mentions, a
/// cell's end) escaped, and lines joined.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '~' | '[' | ']' | '<' | '>' | '|' | '!' | '&' | '@' | '#'
            | '(' | ')' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// "2 futures and 1 bet changed; 3 numbers move."
fn counts(d: &Diff) -> String {
    let n = |c: &Changes| c.added.len() + c.removed.len() + c.changed.len();
    let plural =
        |k: usize, one: &str, many: &str| format!("{k} {}", if k == 1 { one } else { many });
    format!(
        "{} and {} added, removed or changed; {} by 1 point or more.",
        plural(n(&d.futures), "future", "futures"),
        plural(n(&d.bets), "bet", "bets"),
        plural(d.moves.len(), "number moves", "numbers move")
    )
}

/// What an `implied` row is.
const IMPLIED: &str = "implied: what a future's parents and edges give it, where the site shows its own estimate, markets or resolution instead";

fn has_implied(d: &Diff) -> bool {
    d.moves.iter().any(|m| m.kind == Kind::Implied)
}

fn nothing(c: &Compared) -> String {
    format!(
        "This change touches no future or bet (compared with {}, {})",
        c.rev,
        short(&c.commit)
    )
}

fn short(commit: &str) -> &str {
    &commit[..commit.len().min(7)]
}

fn kind(k: Kind) -> &'static str {
    match k {
        Kind::Future => "future",
        Kind::Implied => "implied",
        Kind::Bet => "bet",
    }
}

/// A number as the site prints it; `—` where there is none.
fn number(n: Number) -> String {
    match n {
        Number::Absent => "—".into(),
        Number::Probability(p) => format::percent(p),
        Number::Payoff(p) => format::payoff(p),
    }
}

/// How far it moved, in points; `new` or `removed` where a side is missing.
fn movement(m: &Move) -> String {
    match (m.old, m.new) {
        (Number::Absent, _) => "new".into(),
        (_, Number::Absent) => "removed".into(),
        _ => format::swing(m.size),
    }
}

/// `✓` and "Happened on 1 March 2026".
fn resolution(r: &Resolution) -> (String, String) {
    let happened = r.outcome == Outcome::Happened;
    (format::mark(happened).into(), format::resolution(r))
}

/// `probability: 40% → 35%`, `leads_to boom: 50% → 70%`, `tags: +a, −b`,
/// `summary: edited`.
fn field_words(f: &Field) -> String {
    let name = match &f.target {
        Some(target) => format!("{} {target}", f.name),
        None => f.name.to_string(),
    };
    format!("{name}: {}", change_words(f))
}

fn change_words(f: &Field) -> String {
    let blank = |v: &Value| matches!(v, Value::Absent) || *v == Value::Text(String::new());
    if f.is_prose() {
        return match (blank(&f.old), blank(&f.new)) {
            (true, _) => "added".into(),
            (_, true) => "removed".into(),
            _ => "edited".into(),
        };
    }
    match (&f.old, &f.new) {
        // Each item is listed under "Evidence added"; here, how many.
        (Value::List(old), Value::List(new)) if f.name == "evidence" => {
            let added = new.iter().filter(|x| !old.contains(x)).count();
            let removed = old.iter().filter(|x| !new.contains(x)).count();
            match (added, removed) {
                (0, 0) => "reordered".into(),
                (a, 0) => format!("{a} added"),
                (0, r) => format!("{r} removed"),
                (a, r) => format!("{a} added, {r} removed"),
            }
        }
        (Value::List(old), Value::List(new)) => list_change(old, new),
        (Value::Number(a), Value::Number(b))
            if format::percent(Some(*a)) == format::percent(Some(*b)) =>
        {
            // Percentages that read alike would hide the edit.
            format!("{a} → {b}")
        }
        (old, new) => format!("{} → {}", value(old), value(new)),
    }
}

fn value(v: &Value) -> String {
    match v {
        Value::Absent => "—".into(),
        Value::Number(x) => format::percent(Some(*x)),
        Value::Text(t) => format!("“{t}”"),
        Value::List(items) => items.join(", "),
    }
}

/// `+a, −b`: the items added and removed; `reordered` if none were.
fn list_change(old: &[String], new: &[String]) -> String {
    let added = new
        .iter()
        .filter(|x| !old.contains(x))
        .map(|x| format!("+{x}"));
    let removed = old
        .iter()
        .filter(|x| !new.contains(x))
        .map(|x| format!("−{x}"));
    let words: Vec<String> = added.chain(removed).collect();
    if words.is_empty() {
        "reordered".into()
    } else {
        words.join(", ")
    }
}

/// `diff --format json` (the shape is in this module's documentation).
pub(crate) fn json(c: &Compared) -> String {
    let d = &c.diff;
    let doc = json!({
        "format": 1,
        "base": { "rev": c.rev, "commit": c.commit },
        "empty": d.is_empty(),
        "futures": json_changes(&d.futures),
        "bets": json_changes(&d.bets),
        "resolutions": d.resolutions.iter().map(|r| json!({
            "future": r.future.id,
            "future_title": r.future.title,
            "outcome": r.resolution.outcome.as_str(),
            "on": r.resolution.on.value.to_string(),
            "source": r.resolution.source,
        })).collect::<Vec<_>>(),
        "evidence": d.evidence.iter().map(|e| json!({
            "future": e.future.id,
            "future_title": e.future.title,
            "date": e.date.to_string(),
            "direction": e.direction.as_str(),
            "title": e.title,
            "url": e.url,
        })).collect::<Vec<_>>(),
        "moves": d.moves.iter().map(|m| json!({
            "kind": kind(m.kind),
            "id": m.item.id,
            "title": m.item.title,
            "old": json_number(m.old),
            "new": json_number(m.new),
            "move": m.size,
        })).collect::<Vec<_>>(),
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

fn json_changes(c: &Changes) -> Json {
    let item = |i: &Item| json!({ "id": i.id, "title": i.title });
    json!({
        "added": c.added.iter().map(item).collect::<Vec<_>>(),
        "removed": c.removed.iter().map(item).collect::<Vec<_>>(),
        "changed": c.changed.iter().map(|ch| json!({
            "id": ch.item.id,
            "title": ch.item.title,
            "fields": ch.fields.iter().map(|f| json!({
                "field": f.name,
                "target": f.target,
                "old": json_value(&f.old),
                "new": json_value(&f.new),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

fn json_value(v: &Value) -> Json {
    match v {
        Value::Absent => Json::Null,
        Value::Number(x) => json!(x),
        Value::Text(t) => json!(t),
        Value::List(items) => json!(items),
    }
}

fn json_number(n: Number) -> Json {
    match n {
        Number::Probability(Some(p)) => json!(p),
        Number::Payoff(p) => match p.bounds() {
            Some((low, high)) => json!({ "low": low, "high": high }),
            None => Json::Null,
        },
        Number::Absent | Number::Probability(None) => Json::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_authors_text_stays_text_in_a_table_cell() {
        assert_eq!(
            escape("<script>x</script> | *bold* [a](javascript:b) @team &amp;\nnext"),
            r"\<script\>x\</script\> \| \*bold\* \[a\]\(javascript:b\) \@team \&amp; next"
        );
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`a"), "`` `a ``");
    }

    #[test]
    fn a_field_reads_as_what_changed() {
        let f = |name, old, new| Field {
            name,
            target: None,
            old,
            new,
        };
        let list = |v: &[&str]| Value::List(v.iter().map(|s| s.to_string()).collect());
        let n = Value::Number;
        assert_eq!(
            field_words(&f("probability", n(0.4), n(0.35))),
            "probability: 40% → 35%"
        );
        // 35% and 35.2% print alike, so the written numbers show the edit.
        assert_eq!(
            field_words(&f("probability", n(0.35), n(0.352))),
            "probability: 0.35 → 0.352"
        );
        assert_eq!(
            field_words(&f("tags", list(&["a", "b"]), list(&["b", "c"]))),
            "tags: +c, −a"
        );
        assert_eq!(
            field_words(&f("tags", list(&["a", "b"]), list(&["b", "a"]))),
            "tags: reordered"
        );
        let text = |s: &str| Value::Text(s.into());
        assert_eq!(
            field_words(&f("summary", text("a"), text("b"))),
            "summary: edited"
        );
        assert_eq!(
            field_words(&f("summary", text(""), text("b"))),
            "summary: added"
        );
        assert_eq!(
            field_words(&f("within", Value::Absent, text("era"))),
            "within: — → “era”"
        );
    }
}
