//! A future's record over time, as its file states it: the criteria it
//! resolves by (`resolves_when`), how it was settled (`resolved`) and the
//! dated evidence for or against it (`evidence`). Each field is checked on
//! its own here; what needs the other futures (a resolved group, two
//! resolutions that contradict each other) is checked by
//! [`crate::model::graph`], and what needs "now" by [`after`].

use std::fmt;
use std::path::Path;

use jiff::civil::Date;
use serde::Deserialize;

use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::source::fields::{Located, MAX_TITLE_CHARS, quoted, title_length};
use crate::source::yaml::{Scalar, Spanned, pos_of};

/// How a resolved future was settled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    Happened,
    DidNotHappen,
}

impl Outcome {
    const NAMES: [(&'static str, Outcome); 2] = [
        ("happened", Outcome::Happened),
        ("did-not-happen", Outcome::DidNotHappen),
    ];

    /// Its probability: 1 or 0.
    pub(crate) fn value(self) -> f64 {
        match self {
            Outcome::Happened => 1.0,
            Outcome::DidNotHappen => 0.0,
        }
    }

    /// As authors write it and `graph.json` carries it.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Outcome::Happened => "happened",
            Outcome::DidNotHappen => "did-not-happen",
        }
    }
}

/// A future's `resolved:`: it is settled, and no longer a probability.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Resolution {
    pub outcome: Outcome,
    pub on: Located<Date>,
    /// Where it was settled: a web address.
    pub source: String,
    /// The `resolved:` key, where contradictions are reported.
    pub pos: Pos,
}

/// Which way a piece of evidence points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// It makes the future more likely.
    For,
    /// It makes the future less likely.
    Against,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::For => "for",
            Direction::Against => "against",
        }
    }
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One dated item of `evidence:`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Evidence {
    pub date: Located<Date>,
    pub title: String,
    pub url: String,
    pub direction: Direction,
    /// One line of Markdown, with where it starts.
    pub note: Option<Located<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawResolved {
    outcome: Spanned<String>,
    on: Spanned<Scalar>,
    source: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEvidence {
    date: Spanned<Scalar>,
    title: Spanned<String>,
    url: Spanned<String>,
    direction: Spanned<String>,
    note: Option<Spanned<String>>,
}

/// Checks a `resolved:` mapping.
pub(super) fn resolution(
    file: &Path,
    raw: &Spanned<RawResolved>,
    diags: &mut Diagnostics,
) -> Option<Resolution> {
    let r = &raw.value;
    let outcome = outcome(file, &r.outcome, diags);
    let on = day(file, &r.on, "resolved.on", diags);
    let source = web_address(file, &r.source, "resolved.source", diags);
    Some(Resolution {
        outcome: outcome?,
        on: on?,
        source: source?,
        pos: pos_of(raw, 1),
    })
}

fn outcome(file: &Path, raw: &Spanned<String>, diags: &mut Diagnostics) -> Option<Outcome> {
    let text = raw.value.trim();
    if let Some(&(_, o)) = Outcome::NAMES.iter().find(|(name, _)| *name == text) {
        return Some(o);
    }
    let said = text.to_lowercase().replace([' ', '_'], "-");
    let help = match said.as_str() {
        "yes" | "true" | "happens" | "resolved-yes" | "occurred" => {
            "write `outcome: happened`".to_string()
        }
        "no" | "false" | "did-not" | "not-happened" | "didn't-happen" | "resolved-no"
        | "did-not-happened" => "write `outcome: did-not-happen`".to_string(),
        _ => "an outcome is `happened` or `did-not-happen`; a future still open has no `resolved:`"
            .to_string(),
    };
    diags.push(
        Diagnostic::error(
            file,
            pos_of(raw, 1),
            format!("unknown `resolved.outcome` `{text}`"),
        )
        .with_help(help),
    );
    None
}

/// Checks each item of `evidence:`.
pub(super) fn evidence(
    file: &Path,
    raw: &[Spanned<RawEvidence>],
    diags: &mut Diagnostics,
) -> Vec<Evidence> {
    raw.iter()
        .filter_map(|item| evidence_item(file, &item.value, diags))
        .collect()
}

fn evidence_item(file: &Path, raw: &RawEvidence, diags: &mut Diagnostics) -> Option<Evidence> {
    let date = day(file, &raw.date, "evidence.date", diags);
    let url = web_address(file, &raw.url, "evidence.url", diags);
    let title = raw.title.value.trim().to_string();
    if title.is_empty() {
        diags.push(
            Diagnostic::error(file, pos_of(&raw.title, 1), "`evidence.title` is empty")
                .with_help("say in a line what happened, e.g. `title: Lab X reports agents completing week-long tasks`"),
        );
    }
    title_length(file, &raw.title, 1, diags);
    let direction = match raw.direction.value.trim() {
        "for" => Some(Direction::For),
        "against" => Some(Direction::Against),
        other => {
            diags.push(
                Diagnostic::error(
                    file,
                    pos_of(&raw.direction, 1),
                    format!("unknown `evidence.direction` `{other}`"),
                )
                .with_help("write `direction: for` (it makes the future more likely) or `direction: against` (less likely)"),
            );
            None
        }
    };
    let note = raw.note.as_ref().and_then(|n| {
        let text = n.value.trim();
        if text.contains('\n') {
            diags.push(
                Diagnostic::error(file, pos_of(n, 1), "`evidence.note` has more than one line")
                    .with_help("a note is one line; put the longer story in a post and link it"),
            );
            return None;
        }
        Some(Located {
            value: text.to_string(),
            pos: pos_of(n, 1),
        })
    });
    if title.is_empty() || title.chars().count() > MAX_TITLE_CHARS {
        return None;
    }
    Some(Evidence {
        date: date?,
        title,
        url: url?,
        direction: direction?,
        note,
    })
}

/// A `YYYY-MM-DD` date.
fn day(
    file: &Path,
    raw: &Spanned<Scalar>,
    field: &str,
    diags: &mut Diagnostics,
) -> Option<Located<Date>> {
    let text = raw.value.0.trim();
    let pos = pos_of(raw, 1);
    match text.parse::<Date>() {
        Ok(date) if text.len() == 10 => Some(Located { value: date, pos }),
        _ => {
            diags.push(
                Diagnostic::error(file, pos, format!("invalid `{field}`: `{text}`"))
                    .with_help(crate::source::dates::date_hint(text)),
            );
            None
        }
    }
}

/// A link that readers will follow: `http://` or `https://` only, so no
/// `javascript:` or `data:` address from a contributor reaches a page.
pub(crate) fn web_address(
    file: &Path,
    raw: &Spanned<String>,
    field: &str,
    diags: &mut Diagnostics,
) -> Option<String> {
    let url = raw.value.trim();
    let scheme = url.split_once(':').map(|(s, _)| s.to_ascii_lowercase());
    if matches!(scheme.as_deref(), Some("https" | "http")) && url.contains("://") {
        return Some(url.to_string());
    }
    let help = if url.contains(':') || !url.contains('.') {
        format!("`{field}` takes a link starting with `https://` or `http://`")
    } else {
        format!("start it with `https://`: `https://{url}`")
    };
    diags.push(
        Diagnostic::error(
            file,
            pos_of(raw, 1),
            format!("`{}` in `{field}` is not a web address", quoted(url)),
        )
        .with_help(help),
    );
    None
}

/// Reports the dates of `resolved` and `evidence` that are after `today`:
/// a record says what has happened, so a date to come is a typo.
pub(crate) fn after(
    file: &Path,
    resolved: Option<&Resolution>,
    evidence: &[Evidence],
    today: Date,
    diags: &mut Diagnostics,
) {
    let dates = resolved
        .map(|r| (&r.on, "resolved.on"))
        .into_iter()
        .chain(evidence.iter().map(|e| (&e.date, "evidence.date")));
    for (date, field) in dates {
        if date.value > today {
            diags.push(
                Diagnostic::error(
                    file,
                    date.pos,
                    format!("`{field}` {} is in the future", date.value),
                )
                .with_help("a record says what has already happened: correct the date, or add the item once it has happened"),
            );
        }
    }
}
