//! Future nodes: one YAML file per future in `futures/`, read into checked
//! values. References to other futures are kept with their positions and
//! resolved later by [`crate::model::graph`], which sees all of them at once.

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostics::{Diagnostic, Diagnostics, Fix, Pos, thousands};
pub(crate) use crate::source::fields::{Located, MAX_ID_CHARS, quoted, title_length};
use crate::source::market_ref::MarketRef;
use crate::source::record::{self, Evidence, RawEvidence, RawResolved, Resolution};
use crate::source::yaml::{self, Examples, Scalar, Spanned, pos_of};

/// The id of a future or a bet: lowercase kebab-case, as used in URLs.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub(crate) struct FutureId(String);

impl FutureId {
    /// Accepts `agi-by-2030`; refuses `AGI_2030`, `-a`, `a--b`, empty ids
    /// and ids longer than [`MAX_ID_CHARS`].
    pub(crate) fn parse(s: &str) -> Result<FutureId, Fix> {
        let chars = s.chars().count();
        if chars > MAX_ID_CHARS {
            return Err(Fix::new(format!(
                "ids are at most {MAX_ID_CHARS} characters (this one has {}): name it with a few words, e.g. `agi-by-2030`",
                thousands(chars)
            )));
        }
        let ok = !s.is_empty()
            && s.split('-').all(|part| {
                !part.is_empty()
                    && part
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            });
        let example = match kebab(s) {
            fixed if fixed.is_empty() => "agi-by-2030".to_string(),
            fixed => fixed,
        };
        if ok {
            Ok(FutureId(s.to_string()))
        } else {
            Err(Fix::new(format!(
                "ids are lowercase kebab-case (letters, digits and single hyphens), e.g. `{example}`"
            )))
        }
    }

    pub(crate) fn as_str(&self) -> &str {
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
pub(crate) fn kebab(s: &str) -> String {
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
pub(crate) struct Probability(f64);

impl Probability {
    pub(crate) fn new(p: f64) -> Option<Probability> {
        (p > 0.0 && p < 1.0).then_some(Probability(p))
    }

    pub(crate) fn get(self) -> f64 {
        self.0
    }
}

/// The expected window of a future, in years (inclusive).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub(crate) struct When {
    pub start: i32,
    pub end: i32,
}

impl When {
    pub(crate) fn parse(s: &str) -> Option<When> {
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
pub(crate) struct Edge {
    pub target: Located<FutureId>,
    pub probability: Probability,
}

/// One future, as its file states it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Future {
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
    /// Markdown: how it will be settled.
    pub resolves_when: Option<Located<String>>,
    pub resolved: Option<Resolution>,
    /// In the file's order.
    pub evidence: Vec<Evidence>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFuture {
    title: Spanned<String>,
    within: Option<Spanned<String>>,
    summary: Option<Spanned<String>>,
    when: Option<Spanned<Scalar>>,
    probability: Option<Spanned<Scalar>>,
    markets: Option<Vec<Spanned<String>>>,
    leads_to: Option<Vec<Spanned<RawEdge>>>,
    sources: Option<Vec<Spanned<String>>>,
    tags: Option<Vec<Spanned<String>>>,
    resolves_when: Option<Spanned<String>>,
    resolved: Option<Spanned<RawResolved>>,
    evidence: Option<Vec<Spanned<RawEvidence>>>,
}

const EXAMPLES: Examples = &[
    ("title", "title: Human-level AI arrives"),
    ("within", "within: first-wave"),
    (
        "summary",
        "summary: Models reach human level on most knowledge work.",
    ),
    ("when", "when: 2027..2030"),
    ("probability", "probability: 0.35"),
    ("markets", "markets: [manifold:will-we-get-agi-before-2030]"),
    (
        "leads_to",
        "leads_to:\n  - future: scaling-stalls\n    probability: 0.3",
    ),
    ("future", "future: scaling-stalls"),
    ("sources", "sources: [https://example.org/report]"),
    ("tags", "tags: [agi, chips]"),
    (
        "resolves_when",
        "resolves_when: Yes if a frontier lab reports human-level scores on …",
    ),
    (
        "resolved",
        "resolved:\n  outcome: happened\n  on: 2026-03-01\n  source: https://example.org/report",
    ),
    ("outcome", "outcome: happened"),
    ("on", "on: 2026-03-01"),
    (
        "evidence",
        "evidence:\n  - date: 2026-05-02\n    title: Lab X reports agents completing week-long tasks\n    url: https://example.org/report\n    direction: for",
    ),
    ("date", "date: 2026-05-02"),
    ("url", "url: https://example.org/report"),
    ("direction", "direction: for"),
    ("note", "note: One line of Markdown."),
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEdge {
    future: Spanned<String>,
    probability: Spanned<Scalar>,
}

/// The extensions of future files.
pub(crate) const FUTURE_EXTENSIONS: &[&str] = &["yaml", "yml"];

/// Reads every `futures/**/*.yaml` under `root`. Problems go to `diags`;
/// a future with errors is left out so later stages see only sound ones.
pub(crate) fn load(root: &Path, diags: &mut Diagnostics) -> Vec<Future> {
    let (futures, found) =
        crate::source::files::parse_files(root, "futures", FUTURE_EXTENSIONS, parse);
    diags.extend(found);
    futures
}

/// Parses one future file; `file` is its path relative to the site root.
pub(crate) fn parse(file: &Path, text: &str, diags: &mut Diagnostics) -> Option<Future> {
    let id = file_id(file, diags)?;
    let raw: RawFuture = yaml::decode(text, file, 1, EXAMPLES)
        .map_err(|d| diags.push(d))
        .ok()?;
    let errors_before = diags.error_count();
    let title = raw.title.value.trim().to_string();
    if title.is_empty() {
        diags.push(
            Diagnostic::error(file, pos_of(&raw.title, 1), "`title` is empty")
                .with_help("give the future a short title, e.g. `title: Human-level AI arrives`"),
        );
    }
    title_length(file, &raw.title, 1, diags);
    let within = raw
        .within
        .as_ref()
        .and_then(|w| within(file, &id, w, diags));
    let when = raw.when.as_ref().and_then(|w| when(file, w, diags));
    let estimate = raw
        .probability
        .as_ref()
        .and_then(|p| probability(file, p, "probability", diags));
    let markets = markets(file, raw.markets.iter().flatten(), diags);
    let leads_to = edges(
        file,
        &id,
        raw.leads_to.as_deref().unwrap_or_default(),
        diags,
    );
    let sources = sources(file, raw.sources.iter().flatten(), diags);
    let tags = tags(file, raw.tags.as_deref().unwrap_or_default(), 1, diags);
    let (summary, summary_pos) = match &raw.summary {
        Some(s) => (s.value.clone(), block_start(text, pos_of(s, 1))),
        None => (String::new(), Pos::START),
    };
    let resolves_when = raw.resolves_when.as_ref().map(|s| Located {
        value: s.value.clone(),
        pos: block_start(text, pos_of(s, 1)),
    });
    let resolved = raw
        .resolved
        .as_ref()
        .and_then(|r| record::resolution(file, r, diags));
    let evidence = record::evidence(file, raw.evidence.as_deref().unwrap_or_default(), diags);
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
        resolves_when,
        resolved,
        evidence,
    })
}

/// The id a future file's name gives it.
fn file_id(file: &Path, diags: &mut Diagnostics) -> Option<FutureId> {
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    FutureId::parse(&stem)
        .map_err(|hint| {
            diags.push(
                Diagnostic::error(
                    file,
                    Pos::START,
                    format!("invalid future id `{}` (the file name)", quoted(&stem)),
                )
                .with_help(format!("rename the file; {hint}")),
            );
        })
        .ok()
}

fn within(
    file: &Path,
    id: &FutureId,
    value: &Spanned<String>,
    diags: &mut Diagnostics,
) -> Option<Located<FutureId>> {
    let group = reference(file, value, "within", diags)?;
    if group.value == *id {
        diags.push(
            Diagnostic::error(file, group.pos, format!("`{id}` is within itself"))
                .with_help("name the group this future belongs to, or remove `within`"),
        );
        return None;
    }
    Some(group)
}

fn when(file: &Path, value: &Spanned<Scalar>, diags: &mut Diagnostics) -> Option<When> {
    let text = value.value.0.trim();
    let parsed = When::parse(text);
    if parsed.is_none() {
        diags.push(
            Diagnostic::error(file, pos_of(value, 1), format!("invalid `when`: `{text}`"))
                .with_help(when_hint(text)),
        );
    }
    parsed
}

fn markets<'a>(
    file: &Path,
    list: impl Iterator<Item = &'a Spanned<String>>,
    diags: &mut Diagnostics,
) -> Vec<Located<MarketRef>> {
    list.filter_map(|m| match market(&m.value) {
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
    .collect()
}

/// How many of a fork's probabilities its "sum to" message spells out.
const SUMMED_SHOWN: usize = 10;

/// The `leads_to` edges of future `id`, each checked, and together checked
/// to be a fork (summing to at most 1).
fn edges(
    file: &Path,
    id: &FutureId,
    raw: &[Spanned<RawEdge>],
    diags: &mut Diagnostics,
) -> Vec<Edge> {
    let mut leads_to: Vec<Edge> = Vec::new();
    // Looked up per edge: searching the list made 40,000 edges quadratic.
    let mut targets: HashSet<FutureId> = HashSet::new();
    for edge in raw {
        let target = reference(file, &edge.value.future, "leads_to.future", diags);
        let p = probability(file, &edge.value.probability, "leads_to.probability", diags);
        let (Some(target), Some(probability)) = (target, p) else {
            continue;
        };
        let problem = if target.value == *id {
            Some((
                format!("`{id}` leads to itself"),
                "remove this edge; a future cannot follow from itself",
            ))
        } else if !targets.insert(target.value.clone()) {
            Some((
                format!("duplicate edge to `{}`", target.value),
                "list each target once in `leads_to`",
            ))
        } else {
            None
        };
        match problem {
            Some((message, help)) => {
                diags.push(Diagnostic::error(file, target.pos, message).with_help(help));
            }
            None => leads_to.push(Edge {
                target,
                probability,
            }),
        }
    }
    let total: f64 = leads_to.iter().map(|e| e.probability.get()).sum();
    if total > 1.0 + 1e-9 {
        let mut parts: Vec<String> = leads_to
            .iter()
            .take(SUMMED_SHOWN)
            .map(|e| trim_float(e.probability.get()))
            .collect();
        if leads_to.len() > SUMMED_SHOWN {
            parts.push(format!("… ({} edges)", leads_to.len()));
        }
        let first = raw.first().map_or(Pos::START, |e| pos_of(e, 1));
        diags.push(
            Diagnostic::error(
                file,
                first,
                format!("edges of `{id}` sum to {} ({})", trim_float(total), parts.join(" + ")),
            )
            .with_help("a fork's outgoing probabilities must sum to at most 1; lower some `leads_to` probabilities"),
        );
    }
    leads_to
}

fn sources<'a>(
    file: &Path,
    list: impl Iterator<Item = &'a Spanned<String>>,
    diags: &mut Diagnostics,
) -> Vec<String> {
    list.filter_map(|s| record::web_address(file, s, "sources", diags))
        .collect()
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
                    format!("`{field}`: `{}` is not a future id", quoted(&value.value)),
                )
                .with_help(hint),
            );
            None
        }
    }
}

fn probability(
    file: &Path,
    value: &Spanned<Scalar>,
    field: &str,
    diags: &mut Diagnostics,
) -> Option<Probability> {
    read_probability(value.value.0.trim(), field)
        .map_err(|(message, hint)| {
            diags.push(Diagnostic::error(file, pos_of(value, 1), message).with_help(hint));
        })
        .ok()
}

/// A probability as an author writes it; the error is a message and a
/// hint. Percentages and decimal commas are understood well enough to
/// say what to write instead.
pub(crate) fn read_probability(text: &str, field: &str) -> Result<Probability, (String, String)> {
    const RULE: &str = "a probability is a number strictly between 0 and 1";
    let percent = text.strip_suffix('%').map(str::trim_end);
    let number = percent.unwrap_or(text);
    if let Some(x) = ratio(number).and_then(Probability::new) {
        return Err((
            format!("`{field}` is written as a fraction: `{text}`"),
            format!("write it as `{}`: {RULE}", trim_float(x.get())),
        ));
    }
    let Ok(x) = number.replace(',', ".").parse::<f64>() else {
        return Err((
            format!("`{field}` is `{text}`, not a number"),
            format!("{RULE}, e.g. `0.35`"),
        ));
    };
    let fraction = if percent.is_some() { x / 100.0 } else { x };
    let misspelt = percent.is_some() || number.contains(',');
    if let Some(p) = Probability::new(fraction).filter(|_| !misspelt) {
        return Ok(p);
    }
    let message = if misspelt {
        format!("`{field}` is written as `{text}`")
    } else {
        format!("`{field}` is {text}, outside (0, 1)")
    };
    let as_percent = !misspelt && (2.0..100.0).contains(&x);
    let hint = match Probability::new(if as_percent { x / 100.0 } else { fraction }) {
        Some(p) => format!("write it as `{}`: {RULE}", trim_float(p.get())),
        None => format!("{RULE}, e.g. `0.35`; a certain or impossible outcome is not a fork"),
    };
    Err((message, hint))
}

/// `1/3` as a number.
fn ratio(text: &str) -> Option<f64> {
    let (a, b) = text.split_once('/')?;
    let (a, b): (f64, f64) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
    (b != 0.0).then(|| a / b)
}

/// How to write a `when` that did not parse, using its own years where
/// it has two.
fn when_hint(text: &str) -> String {
    let years: Vec<i32> = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| s.len() == 4)
        .filter_map(|s| s.parse().ok())
        .collect();
    match years.as_slice() {
        [a, b] if a > b => format!("the window ends before it starts: write `{b}..{a}`"),
        [a, b] => format!("write a window of years with two dots: `{a}..{b}`"),
        _ => "write a year (`2028`) or a window of years (`2027..2030`)".to_string(),
    }
}

/// A market reference; the error is a hint. A pasted market address is
/// turned into the reference it stands for where its form is known.
fn market(s: &str) -> Result<MarketRef, Fix> {
    let s = s.trim();
    // No reference holds a `/`, so one that does is an address.
    if !s.contains('/') {
        return MarketRef::parse(s);
    }
    let address = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
        .unwrap_or(s);
    let address = address.split(['?', '#']).next().unwrap_or(address);
    let (host, path) = address.split_once('/').unwrap_or((address, ""));
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let reference = match (host.trim_start_matches("www."), parts.as_slice()) {
        ("manifold.markets", [_, slug, ..]) => Some(format!("manifold:{slug}")),
        ("polymarket.com", ["event" | "market", .., slug]) => Some(format!("polymarket:{slug}")),
        ("metaculus.com", ["questions", id, ..]) => Some(format!("metaculus:{id}")),
        ("kalshi.com", ["markets", ticker]) => Some(format!("kalshi:{}", ticker.to_uppercase())),
        _ => None,
    };
    Err(Fix::new(match reference {
        Some(r) => format!("write the platform and the market's id, not its address: `{r}`"),
        None => "write the platform and the market's id, not its address: `platform:id`, e.g. `manifold:will-we-get-agi-before-2030`; platforms: manifold, polymarket, metaculus, kalshi".to_string(),
    }))
}

/// The most tags a post or a future may have. Each tag's pages show the
/// cards of what it tags with all their tags, so a post's tags cost the
/// square of their number: 20,000 tags on one post took over a minute.
pub(crate) const MAX_TAGS: usize = 64;

/// The tags of a post or a future, each checked, and at most [`MAX_TAGS`].
pub(crate) fn tags(
    file: &Path,
    list: &[Spanned<String>],
    first_line: u32,
    diags: &mut Diagnostics,
) -> Vec<String> {
    if let Some(extra) = list.get(MAX_TAGS) {
        diags.push(
            Diagnostic::error(
                file,
                pos_of(extra, first_line),
                format!(
                    "more than {MAX_TAGS} tags ({} in all)",
                    thousands(list.len())
                ),
            )
            .with_help(format!(
                "keep the tags that say what this is about, at most {MAX_TAGS}"
            )),
        );
        return Vec::new();
    }
    list.iter()
        .filter_map(|t| tag(file, t, first_line, diags))
        .collect()
}

/// A tag as written, if it yields a usable URL slug.
fn tag(
    file: &Path,
    value: &Spanned<String>,
    first_line: u32,
    diags: &mut Diagnostics,
) -> Option<String> {
    let name = value.value.trim();
    if name.chars().count() > MAX_ID_CHARS {
        diags.push(
            Diagnostic::error(
                file,
                pos_of(value, first_line),
                format!(
                    "tag `{}` is longer than {MAX_ID_CHARS} characters",
                    quoted(name)
                ),
            )
            .with_help("a tag is a word or two, such as `hardware`: it names the tag's address"),
        );
        return None;
    }
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
    fn misspelt_probabilities_say_what_to_write() {
        let fix = |text: &str| match read_probability(text, "probability") {
            Ok(p) => format!("ok {}", p.get()),
            Err((_, hint)) => hint,
        };
        for (text, number) in [
            ("70%", "0.7"),
            ("70", "0.7"),
            ("0,4", "0.4"),
            ("1/3", "0.3333"),
        ] {
            assert_eq!(
                fix(text),
                format!(
                    "write it as `{number}`: a probability is a number strictly between 0 and 1"
                ),
                "{text}"
            );
        }
        assert_eq!(fix("0.7"), "ok 0.7");
        assert!(fix("likely").ends_with("e.g. `0.35`"));
        assert!(fix("100%").ends_with("is not a fork"));
    }

    #[test]
    fn windows_and_market_addresses_are_rewritten() {
        assert_eq!(
            when_hint("2030..2027"),
            "the window ends before it starts: write `2027..2030`"
        );
        assert_eq!(
            when_hint("2027–2030"),
            "write a window of years with two dots: `2027..2030`"
        );
        let hint = |s: &str| market(s).err().map(String::from).unwrap_or_default();
        assert!(
            hint("https://manifold.markets/Joe/agi-by-2030?r=x")
                .ends_with("`manifold:agi-by-2030`")
        );
        assert!(hint("www.metaculus.com/questions/5121/agi/").ends_with("`metaculus:5121`"));
        assert!(
            hint("https://polymarket.com/event/agi/agi-2030").ends_with("`polymarket:agi-2030`")
        );
        assert!(market("kalshi:KXAGI-30").is_ok());
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
                "futures/agi-by-2030.yaml:9:11: `javascript:alert(1)` in `sources` is not a web address",
            ]
        );
        assert_eq!(
            d[1].help.as_deref(),
            Some("write it as `0.35`: a probability is a number strictly between 0 and 1")
        );
    }
}
