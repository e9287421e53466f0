//! Future nodes: one YAML file per future in `futures/`, read into checked
//! values. References to other futures are kept with their positions and
//! resolved later by [`crate::graph`], which sees all of them at once.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::markets::MarketRef;
use crate::yaml::{self, Spanned, pos_of};

/// The id of a future or a bet: lowercase kebab-case, as used in URLs.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct FutureId(String);

impl FutureId {
    /// Accepts `agi-by-2030`; refuses `AGI_2030`, `-a`, `a--b` and empty ids.
    pub fn parse(s: &str) -> Result<FutureId, String> {
        let ok = !s.is_empty()
            && s.split('-').all(|part| {
                !part.is_empty()
                    && part
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            });
        if ok {
            Ok(FutureId(s.to_string()))
        } else {
            Err(format!(
                "ids are lowercase kebab-case (letters, digits and single hyphens), e.g. `{}`",
                kebab(s)
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for FutureId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for FutureId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `s` turned into lowercase kebab-case, for suggestions and URL slugs.
pub fn kebab(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// A probability given by an author or a market: strictly between 0 and 1,
/// because a future that is certain or impossible is not a fork.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, serde::Serialize)]
#[serde(transparent)]
pub struct Probability(f64);

impl Probability {
    pub fn new(p: f64) -> Option<Probability> {
        (p > 0.0 && p < 1.0).then_some(Probability(p))
    }

    pub fn get(self) -> f64 {
        self.0
    }
}

/// A value with the place it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Located<T> {
    pub value: T,
    pub pos: Pos,
}

/// The expected window of a future, in years (inclusive).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct When {
    pub start: i32,
    pub end: i32,
}

impl When {
    pub fn parse(s: &str) -> Option<When> {
        let year = |t: &str| {
            t.trim()
                .parse::<i32>()
                .ok()
                .filter(|y| (1000..=9999).contains(y))
        };
        let (start, end) = match s.split_once("..") {
            Some((a, b)) => (year(a)?, year(b)?),
            None => (year(s)?, year(s)?),
        };
        (start <= end).then_some(When { start, end })
    }
}

impl fmt::Display for When {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.start == self.end {
            write!(f, "{}", self.start)
        } else {
            write!(f, "{}–{}", self.start, self.end)
        }
    }
}

/// An edge `this → target`, weighted with P(target | this).
#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    pub target: Located<FutureId>,
    pub probability: Probability,
}

/// One future, as its file states it.
#[derive(Clone, Debug, PartialEq)]
pub struct Future {
    pub id: FutureId,
    /// Relative to the site root.
    pub file: PathBuf,
    pub title: String,
    pub within: Option<Located<FutureId>>,
    /// Markdown.
    pub summary: String,
    /// Line where the summary's text starts, for link errors inside it.
    pub summary_pos: Pos,
    pub when: Option<When>,
    /// The author's own estimate.
    pub estimate: Option<Probability>,
    pub markets: Vec<Located<MarketRef>>,
    pub leads_to: Vec<Edge>,
    pub sources: Vec<String>,
    pub tags: Vec<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Scalar {
    Int(i64),
    Text(String),
}

impl Scalar {
    fn text(&self) -> String {
        match self {
            Scalar::Int(i) => i.to_string(),
            Scalar::Text(s) => s.clone(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFuture {
    title: Spanned<String>,
    within: Option<Spanned<String>>,
    summary: Option<Spanned<String>>,
    when: Option<Spanned<Scalar>>,
    probability: Option<Spanned<f64>>,
    markets: Option<Vec<Spanned<String>>>,
    leads_to: Option<Vec<Spanned<RawEdge>>>,
    sources: Option<Vec<Spanned<String>>>,
    tags: Option<Vec<Spanned<String>>>,
}

const KEYS: &[&str] = &[
    "title",
    "within",
    "summary",
    "when",
    "probability",
    "markets",
    "leads_to",
    "sources",
    "tags",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEdge {
    future: Spanned<String>,
    probability: Spanned<f64>,
}

/// Reads every `futures/**/*.yaml` under `root`. Problems go to `diags`;
/// a future with errors is left out so later stages see only sound ones.
/// The extensions of future files.
pub const FUTURE_EXTENSIONS: &[&str] = &["yaml", "yml"];

pub fn load(root: &Path, diags: &mut Diagnostics) -> Vec<Future> {
    let (futures, found) = crate::files::parse_files(root, "futures", FUTURE_EXTENSIONS, parse);
    diags.extend(found);
    futures
}

/// Parses one future file; `file` is its path relative to the site root.
pub fn parse(file: &Path, text: &str, diags: &mut Diagnostics) -> Option<Future> {
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let id = match FutureId::parse(&stem) {
        Ok(id) => id,
        Err(hint) => {
            diags.push(
                Diagnostic::error(
                    file,
                    Pos::START,
                    format!("invalid future id `{stem}` (the file name)"),
                )
                .with_help(format!("rename the file; {hint}")),
            );
            return None;
        }
    };
    let raw: RawFuture = match yaml::decode(text, file, 1, KEYS) {
        Ok(raw) => raw,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let errors_before = diags.error_count();

    let title = raw.title.value.trim().to_string();
    if title.is_empty() {
        diags.push(
            Diagnostic::error(file, pos_of(&raw.title, 1), "`title` is empty")
                .with_help("give the future a short title, e.g. `title: Human-level AI arrives`"),
        );
    }
    let within = raw
        .within
        .as_ref()
        .and_then(|w| reference(file, w, "within", diags));
    let when = raw.when.as_ref().and_then(|w| {
        let text = w.value.text();
        let parsed = When::parse(&text);
        if parsed.is_none() {
            diags.push(
                Diagnostic::error(file, pos_of(w, 1), format!("invalid `when`: `{text}`"))
                    .with_help("write a year (`2028`) or a window of years (`2027..2030`)"),
            );
        }
        parsed
    });
    let estimate = raw
        .probability
        .as_ref()
        .and_then(|p| probability(file, p, "probability", diags));
    let markets = raw
        .markets
        .iter()
        .flatten()
        .filter_map(|m| match MarketRef::parse(&m.value) {
            Ok(r) => Some(Located {
                value: r,
                pos: pos_of(m, 1),
            }),
            Err(hint) => {
                diags.push(
                    Diagnostic::error(
                        file,
                        pos_of(m, 1),
                        format!("invalid market reference `{}`", m.value),
                    )
                    .with_help(hint),
                );
                None
            }
        })
        .collect();
    let mut leads_to = Vec::new();
    let mut total = 0.0;
    let mut parts = Vec::new();
    for edge in raw.leads_to.iter().flatten() {
        let target = reference(file, &edge.value.future, "leads_to.future", diags);
        let p = probability(file, &edge.value.probability, "leads_to.probability", diags);
        if let (Some(target), Some(probability)) = (target, p) {
            if target.value == id {
                diags.push(
                    Diagnostic::error(file, target.pos, format!("`{id}` leads to itself"))
                        .with_help("remove this edge; a future cannot follow from itself"),
                );
                continue;
            }
            if leads_to
                .iter()
                .any(|e: &Edge| e.target.value == target.value)
            {
                diags.push(
                    Diagnostic::error(
                        file,
                        target.pos,
                        format!("duplicate edge to `{}`", target.value),
                    )
                    .with_help("list each target once in `leads_to`"),
                );
                continue;
            }
            total += probability.get();
            parts.push(trim_float(probability.get()));
            leads_to.push(Edge {
                target,
                probability,
            });
        }
    }
    if total > 1.0 + 1e-9 {
        let first = raw
            .leads_to
            .as_ref()
            .and_then(|v| v.first())
            .map_or(Pos::START, |e| pos_of(e, 1));
        diags.push(
            Diagnostic::error(
                file,
                first,
                format!("edges of `{id}` sum to {} ({})", trim_float(total), parts.join(" + ")),
            )
            .with_help("a fork's outgoing probabilities must sum to at most 1; lower some `leads_to` probabilities"),
        );
    }
    let sources = raw
        .sources
        .iter()
        .flatten()
        .filter_map(|s| {
            let url = s.value.trim();
            if url.starts_with("https://") || url.starts_with("http://") {
                Some(url.to_string())
            } else {
                diags.push(
                    Diagnostic::error(
                        file,
                        pos_of(s, 1),
                        format!("source `{url}` is not a web address"),
                    )
                    .with_help("sources are links starting with `https://` or `http://`"),
                );
                None
            }
        })
        .collect();
    let tags = raw
        .tags
        .iter()
        .flatten()
        .filter_map(|t| tag(file, t, 1, diags))
        .collect();
    let (summary, summary_pos) = match &raw.summary {
        Some(s) => (s.value.clone(), block_start(text, pos_of(s, 1))),
        None => (String::new(), Pos::START),
    };
    if diags.error_count() > errors_before {
        return None;
    }
    Some(Future {
        id,
        file: file.to_path_buf(),
        title,
        within,
        summary,
        summary_pos,
        when,
        estimate,
        markets,
        leads_to,
        sources,
        tags,
    })
}

/// A `|` block scalar's position points at the indicator; its text starts
/// on the next line.
fn block_start(text: &str, pos: Pos) -> Pos {
    let line = text.lines().nth(pos.line as usize - 1).unwrap_or("");
    let rest: String = line.chars().skip(pos.col as usize - 1).collect();
    if rest.starts_with('|') || rest.starts_with('>') {
        let next = text.lines().nth(pos.line as usize).unwrap_or("");
        let indent = next.len() - next.trim_start().len();
        Pos::new(pos.line + 1, indent as u32 + 1)
    } else {
        pos
    }
}

fn trim_float(x: f64) -> String {
    let s = format!("{x:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A reference to another future, checked for form only.
pub(crate) fn reference(
    file: &Path,
    value: &Spanned<String>,
    field: &str,
    diags: &mut Diagnostics,
) -> Option<Located<FutureId>> {
    reference_at(file, value, 1, field, diags)
}

pub(crate) fn reference_at(
    file: &Path,
    value: &Spanned<String>,
    first_line: u32,
    field: &str,
    diags: &mut Diagnostics,
) -> Option<Located<FutureId>> {
    let pos = pos_of(value, first_line);
    match FutureId::parse(value.value.trim()) {
        Ok(id) => Some(Located { value: id, pos }),
        Err(hint) => {
            diags.push(
                Diagnostic::error(
                    file,
                    pos,
                    format!("`{field}`: `{}` is not a future id", value.value),
                )
                .with_help(hint),
            );
            None
        }
    }
}

fn probability(
    file: &Path,
    value: &Spanned<f64>,
    field: &str,
    diags: &mut Diagnostics,
) -> Option<Probability> {
    let p = Probability::new(value.value);
    if p.is_none() {
        let hint = if value.value >= 2.0 && value.value < 100.0 {
            format!(
                "write a fraction, not a percentage: `{}`",
                trim_float(value.value / 100.0)
            )
        } else {
            "probabilities are strictly between 0 and 1, e.g. `0.35`; a certain or impossible outcome is not a fork".to_string()
        };
        diags.push(
            Diagnostic::error(
                file,
                pos_of(value, 1),
                format!("`{field}` is {}, outside (0, 1)", value.value),
            )
            .with_help(hint),
        );
    }
    p
}

/// A tag as written, if it yields a usable URL slug.
pub(crate) fn tag(
    file: &Path,
    value: &Spanned<String>,
    first_line: u32,
    diags: &mut Diagnostics,
) -> Option<String> {
    let name = value.value.trim();
    if kebab(name).is_empty() {
        diags.push(
            Diagnostic::error(
                file,
                pos_of(value, first_line),
                format!("tag `{name}` has no letters or digits"),
            )
            .with_help("use a word such as `hardware`"),
        );
        return None;
    }
    Some(name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_one(text: &str) -> (Option<Future>, Vec<Diagnostic>) {
        let mut d = Diagnostics::default();
        let f = parse(Path::new("futures/agi-by-2030.yaml"), text, &mut d);
        (f, d.into_sorted())
    }

    #[test]
    fn ids_are_kebab_case() {
        assert!(FutureId::parse("agi-by-2030").is_ok());
        for bad in ["", "AGI", "agi_2030", "-agi", "agi-", "a--b", "é"] {
            assert!(FutureId::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(kebab("Scaling Stalls!"), "scaling-stalls");
    }

    #[test]
    fn probabilities_are_open_interval() {
        assert!(Probability::new(0.0).is_none());
        assert!(Probability::new(1.0).is_none());
        assert!(Probability::new(f64::NAN).is_none());
        assert_eq!(Probability::new(0.3).map(Probability::get), Some(0.3));
    }

    #[test]
    fn when_accepts_years_and_windows() {
        assert_eq!(
            When::parse("2027..2030"),
            Some(When {
                start: 2027,
                end: 2030
            })
        );
        assert_eq!(
            When::parse("2028"),
            Some(When {
                start: 2028,
                end: 2028
            })
        );
        assert_eq!(When::parse("2030..2027"), None);
        assert_eq!(When::parse("soon"), None);
    }

    #[test]
    fn a_full_future_parses() {
        let (f, d) = parse_one(
            "title: AGI by 2030\nwithin: first-wave\nsummary: |\n  Models reach *human level*.\nwhen: 2027..2030\nprobability: 0.35\nmarkets:\n  - manifold:will-we-get-agi-before-2030\nleads_to:\n  - future: fleets\n    probability: 0.7\n  - future: stall\n    probability: 0.3\nsources: [https://example.org/a]\ntags: [agi]\n",
        );
        assert!(d.is_empty(), "{d:?}");
        let f = f.unwrap();
        assert_eq!(f.id.as_str(), "agi-by-2030");
        assert_eq!(f.within.unwrap().pos, Pos::new(2, 9));
        assert_eq!(f.summary_pos, Pos::new(4, 3));
        assert_eq!(f.leads_to.len(), 2);
        assert_eq!(f.leads_to[1].target.pos, Pos::new(12, 13));
        assert_eq!(f.estimate.map(Probability::get), Some(0.35));
    }

    #[test]
    fn every_problem_of_a_file_is_reported() {
        let (f, d) = parse_one(
            "title: X\nwithin: First Wave\nprobability: 35\nleads_to:\n  - future: a\n    probability: 0.8\n  - future: b\n    probability: 0.5\nsources: [javascript:alert(1)]\n",
        );
        assert!(f.is_none());
        let lines: Vec<String> = d.iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            [
                "futures/agi-by-2030.yaml:2:9: `within`: `First Wave` is not a future id",
                "futures/agi-by-2030.yaml:3:14: `probability` is 35, outside (0, 1)",
                "futures/agi-by-2030.yaml:5:5: edges of `agi-by-2030` sum to 1.3 (0.8 + 0.5)",
                "futures/agi-by-2030.yaml:9:11: source `javascript:alert(1)` is not a web address",
            ]
        );
        assert_eq!(
            d[1].help.as_deref(),
            Some("write a fraction, not a percentage: `0.35`")
        );
    }
}
