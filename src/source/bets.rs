//! Bets: Markdown files in `bets/` whose front matter names the futures
//! they win and lose in.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostics::{Diagnostic, Diagnostics, Pos, thousands};
use crate::source::content::{missing_front_matter, split_front_matter};
use crate::source::futures::{FutureId, Located, quoted, reference_at, title_length};
use crate::source::yaml::{self, Examples, Scalar, Spanned, pos_of};

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, serde::Serialize,
)]
#[serde(rename_all = "lowercase")]
pub(crate) enum BetKind {
    Financial,
    Career,
    Personal,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, serde::Serialize,
)]
#[serde(rename_all = "lowercase")]
pub(crate) enum BetStatus {
    Idea,
    Planned,
    Placed,
    Closed,
}

impl BetKind {
    pub(crate) const ALL: [BetKind; 3] = [BetKind::Financial, BetKind::Career, BetKind::Personal];
    pub(crate) fn name(self) -> &'static str {
        match self {
            BetKind::Financial => "financial",
            BetKind::Career => "career",
            BetKind::Personal => "personal",
        }
    }
}

impl BetStatus {
    pub(crate) fn name(self) -> &'static str {
        match self {
            BetStatus::Idea => "idea",
            BetStatus::Planned => "planned",
            BetStatus::Placed => "placed",
            BetStatus::Closed => "closed",
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Bet {
    pub id: FutureId,
    pub file: PathBuf,
    pub title: String,
    pub kind: BetKind,
    pub status: BetStatus,
    pub instruments: Vec<String>,
    pub wins_if: Vec<Located<FutureId>>,
    pub loses_if: Vec<Located<FutureId>>,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub horizon: Option<String>,
    /// One or two plain sentences for listings and search, as posts have.
    pub summary: Option<String>,
    /// What is at stake, where the author says.
    pub stake: Option<Stake>,
    /// The argument, in Markdown.
    pub body: String,
    pub body_pos: Pos,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBet {
    title: Spanned<String>,
    kind: BetKind,
    #[serde(default = "idea")]
    status: BetStatus,
    instruments: Option<Vec<String>>,
    wins_if: Option<Vec<Spanned<String>>>,
    loses_if: Option<Vec<Spanned<String>>>,
    horizon: Option<Spanned<Scalar>>,
    summary: Option<String>,
    stake: Option<Spanned<Scalar>>,
    pays: Option<Spanned<Scalar>>,
}

/// What a bet puts at stake: `amount` (in the site's `currency`) and what
/// it is worth if the bet pays off, `pays` times the amount; otherwise the
/// amount is lost. Both are positive and finite, and one is never given
/// without the other (the expected value needs both).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Stake {
    amount: f64,
    pays: f64,
}

impl Stake {
    /// The largest stake an author may write: beyond it sums lose the
    /// units a page prints.
    pub(crate) const MAX: f64 = 1e12;
    /// The largest multiple: a bet paying more is a lottery ticket, and
    /// its sums too would lose their units.
    pub(crate) const MAX_PAYS: f64 = 1e6;

    pub(crate) fn new(amount: f64, pays: f64) -> Option<Stake> {
        let ok = |x: f64, max: f64| x.is_finite() && x > 0.0 && x <= max;
        (ok(amount, Stake::MAX) && ok(pays, Stake::MAX_PAYS)).then_some(Stake { amount, pays })
    }

    pub(crate) fn amount(self) -> f64 {
        self.amount
    }

    pub(crate) fn pays(self) -> f64 {
        self.pays
    }
}

fn idea() -> BetStatus {
    BetStatus::Idea
}

const EXAMPLES: Examples = &[
    ("title", "title: Call options on the leading foundry"),
    ("kind", "kind: financial"),
    ("status", "status: placed"),
    ("instruments", "instruments: [TSM]"),
    ("wins_if", "wins_if: [human-level-ai]"),
    ("loses_if", "loses_if: [scaling-stalls]"),
    ("horizon", "horizon: 2027-12"),
    (
        "summary",
        "summary: A small position on the one foundry that makes nearly every leading AI chip",
    ),
    ("stake", "stake: 2000"),
    ("pays", "pays: 3"),
];

/// The most futures a bet may name in `wins_if`, and in `loses_if`. What
/// moves a bet is computed by changing each of them, and each change
/// recomputes its chance over all of them: 6,000 took 12 s to check. A
/// bet riding on more than a few dozen futures says little anyway.
pub(crate) const MAX_BET_FUTURES: usize = 100;

fn too_many(file: &Path, pos: Pos, field: &str, count: usize) -> Diagnostic {
    Diagnostic::error(
        file,
        pos,
        format!(
            "`{field}` names {} futures, more than {MAX_BET_FUTURES}",
            thousands(count)
        ),
    )
    .with_help("name the few futures the bet really turns on")
}

/// The extensions of bet files under `bets/`.
pub(crate) const BET_EXTENSIONS: &[&str] = &["md"];

/// Reads every `bets/**/*.md`.
pub(crate) fn load(root: &Path, diags: &mut Diagnostics) -> Vec<Bet> {
    let (bets, found) = crate::source::files::parse_files(root, "bets", BET_EXTENSIONS, parse);
    diags.extend(found);
    bets
}

pub(crate) fn parse(file: &Path, text: &str, diags: &mut Diagnostics) -> Option<Bet> {
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
                    format!("invalid bet id `{}` (the file name)", quoted(&stem)),
                )
                .with_help(format!("rename the file; {hint}")),
            );
            return None;
        }
    };
    let Some(fm) = split_front_matter(text) else {
        diags.push(missing_front_matter(
            file,
            text,
            "title: Call options on the leading foundry\nkind: financial\nstatus: idea\nwins_if: [human-level-ai]",
        ));
        return None;
    };
    let raw: RawBet = match yaml::decode(fm.yaml, file, fm.yaml_line, EXAMPLES) {
        Ok(raw) => raw,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let errors_before = diags.error_count();
    let line = fm.yaml_line;
    let refs = |list: &Option<Vec<Spanned<String>>>,
                field: &str,
                diags: &mut Diagnostics|
     -> Vec<Located<FutureId>> {
        let list = list.as_deref().unwrap_or_default();
        if let Some(extra) = list.get(MAX_BET_FUTURES) {
            diags.push(too_many(file, pos_of(extra, line), field, list.len()));
            return Vec::new();
        }
        list.iter()
            .filter_map(|f| reference_at(file, f, line, field, diags))
            .collect()
    };
    let wins_if = refs(&raw.wins_if, "wins_if", diags);
    let loses_if = refs(&raw.loses_if, "loses_if", diags);
    if raw.wins_if.as_ref().is_none_or(Vec::is_empty) {
        diags.push(
            Diagnostic::error(
                file,
                pos_of(&raw.title, line),
                "the bet names no `wins_if` future",
            )
            .with_help("add `wins_if: [future-id, …]`: the futures in which the bet pays off"),
        );
    }
    // A set, not a search of the list: 20,000 of each was quadratic.
    let wins: HashSet<&FutureId> = wins_if.iter().map(|w| &w.value).collect();
    for lose in &loses_if {
        if wins.contains(&lose.value) {
            diags.push(
                Diagnostic::error(
                    file,
                    lose.pos,
                    format!("`{}` is in both `wins_if` and `loses_if`", lose.value),
                )
                .with_help(
                    "a bet cannot both win and lose in the same future; keep it in one list",
                ),
            );
        }
    }
    let horizon = raw.horizon.as_ref().and_then(|h| {
        let text = h.value.0.trim().to_string();
        if valid_horizon(&text) {
            Some(text)
        } else {
            diags.push(
                Diagnostic::error(
                    file,
                    pos_of(h, line),
                    format!("invalid `horizon`: `{text}`"),
                )
                .with_help(horizon_hint(&text)),
            );
            None
        }
    });
    let stake = stake(file, &raw, line, diags);
    title_length(file, &raw.title, line, diags);
    let title = raw.title.value.trim().to_string();
    if diags.error_count() > errors_before {
        return None;
    }
    Some(Bet {
        id,
        file: file.to_path_buf(),
        title,
        kind: raw.kind,
        status: raw.status,
        instruments: raw.instruments.unwrap_or_default(),
        wins_if,
        loses_if,
        horizon,
        summary: raw
            .summary
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty()),
        stake,
        body: fm.body.to_string(),
        body_pos: Pos::new(fm.body_line, 1),
    })
}

/// `stake` and `pays`, both or neither; each a positive number.
fn stake(file: &Path, raw: &RawBet, line: u32, diags: &mut Diagnostics) -> Option<Stake> {
    let number = |value: &Spanned<Scalar>, field: &str, max: f64, diags: &mut Diagnostics| {
        let text = value.value.0.trim();
        let parsed = plain_number(text);
        match parsed.filter(|x| x.is_finite() && *x > 0.0 && *x <= max) {
            Some(x) => Some(x),
            None => {
                let (message, help) = number_problem(text, field, parsed, max);
                diags.push(Diagnostic::error(file, pos_of(value, line), message).with_help(help));
                None
            }
        }
    };
    match (&raw.stake, &raw.pays) {
        (None, None) => None,
        (Some(s), None) => {
            diags.push(
                Diagnostic::error(file, pos_of(s, line), "`stake` is given without `pays`")
                    .with_help("add `pays: 3`: what the stake is worth if the bet pays off, as a multiple (1 gets it back)"),
            );
            None
        }
        (None, Some(p)) => {
            diags.push(
                Diagnostic::error(file, pos_of(p, line), "`pays` is given without `stake`")
                    .with_help("add `stake: 2000`: the amount put in, in the site's `currency`"),
            );
            None
        }
        (Some(s), Some(p)) => {
            let amount = number(s, "stake", Stake::MAX, diags);
            let pays = number(p, "pays", Stake::MAX_PAYS, diags);
            Stake::new(amount?, pays?)
        }
    }
}

/// A number as an author may write an amount: `2000`, `2_000`, `2,000.50`
/// or `1e3`; `None` for anything else.
fn plain_number(text: &str) -> Option<f64> {
    let digits: String = text.chars().filter(|c| !matches!(c, '_' | ',')).collect();
    let grouped = digits.len() != text.len();
    // A comma is a thousands separator only in `2,000`, never a decimal one.
    if grouped
        && text
            .split(',')
            .skip(1)
            .any(|g| g.len() < 3 || !g[..3].bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    digits.parse().ok()
}

fn number_problem(text: &str, field: &str, parsed: Option<f64>, max: f64) -> (String, String) {
    let what = if field == "stake" {
        "the amount put in, in the site's `currency`, e.g. `stake: 2000`"
    } else {
        "what the stake is worth if the bet pays off, as a multiple, e.g. `pays: 3`"
    };
    match parsed {
        None => (
            format!("`{field}` is `{}`, not a number", quoted(text)),
            format!("write a plain number without a currency sign: {what}"),
        ),
        Some(x) if x <= 0.0 => (
            format!("`{field}` is {text}: it must be more than 0"),
            format!("write {what}"),
        ),
        Some(_) => (
            format!("`{field}` is {text}, more than {}", thousands(max as usize)),
            format!("write {what}"),
        ),
    }
}

/// How to write a horizon; `2027/12` is turned into `2027-12`.
fn horizon_hint(text: &str) -> String {
    let dashed = text.replace(['/', '.'], "-");
    if dashed != text && valid_horizon(&dashed) {
        format!("separate its parts with `-`: `{dashed}`")
    } else {
        "write a year, a month or a day: `2027`, `2027-12` or `2027-12-31`".to_string()
    }
}

fn valid_horizon(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let num = |p: &str, len: usize, max: u32| {
        p.len() == len && p.parse::<u32>().is_ok_and(|n| (1..=max).contains(&n))
    };
    match parts.as_slice() {
        [y] => num(y, 4, 9999),
        [y, m] => num(y, 4, 9999) && num(m, 2, 12),
        [y, m, d] => num(y, 4, 9999) && num(m, 2, 12) && num(d, 2, 31),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_one(text: &str) -> (Option<Bet>, Vec<String>) {
        let mut d = Diagnostics::default();
        let bet = parse(Path::new("bets/tsm-calls.md"), text, &mut d);
        (
            bet,
            d.into_sorted().iter().map(ToString::to_string).collect(),
        )
    }

    #[test]
    fn a_bet_parses() {
        let (bet, errs) = parse_one(
            "---\ntitle: TSM calls\nkind: financial\nstatus: placed\ninstruments: [TSM]\nwins_if: [agi, boom]\nloses_if: [stall]\nhorizon: 2027-12\n---\nBecause.\n",
        );
        assert!(errs.is_empty(), "{errs:?}");
        let bet = bet.unwrap();
        assert_eq!(bet.wins_if[1].pos, Pos::new(6, 16));
        assert_eq!(bet.horizon.as_deref(), Some("2027-12"));
        assert_eq!(bet.summary, None);
    }

    #[test]
    fn a_bet_may_have_a_summary_and_a_misspelt_key_is_suggested() {
        let (bet, errs) = parse_one(
            "---\ntitle: X\nkind: career\nwins_if: [a]\nsummary: \"  Skills compound.  \"\n---\n",
        );
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(bet.unwrap().summary.as_deref(), Some("Skills compound."));
        let mut d = Diagnostics::default();
        let text = "---\ntitle: X\nkind: career\nwins_if: [a]\nsumary: S\n---\n";
        parse(Path::new("bets/x.md"), text, &mut d);
        let help: Vec<String> = d.into_sorted().into_iter().filter_map(|e| e.help).collect();
        assert!(help.len() == 1 && help[0].contains("`summary`"), "{help:?}");
    }

    #[test]
    fn contradictions_and_unknown_kinds_are_reported() {
        let (_, errs) = parse_one(
            "---\ntitle: X\nkind: financial\nstatus: idea\nwins_if: [a]\nloses_if: [a]\nhorizon: next year\n---\n",
        );
        assert_eq!(
            errs,
            [
                "bets/tsm-calls.md:6:12: `a` is in both `wins_if` and `loses_if`",
                "bets/tsm-calls.md:7:10: invalid `horizon`: `next year`",
            ]
        );
        assert_eq!(
            horizon_hint("2027/12"),
            "separate its parts with `-`: `2027-12`"
        );
        let (_, errs) = parse_one("---\ntitle: X\nkind: stocks\nstatus: idea\nwins_if: [a]\n---\n");
        assert_eq!(errs, ["bets/tsm-calls.md:3:7: invalid `kind`: `stocks`"]);
    }

    #[test]
    fn a_stake_needs_both_fields_and_positive_numbers() {
        let (bet, errs) = parse_one(
            "---\ntitle: X\nkind: financial\nwins_if: [a]\nstake: 2,000\npays: 2.5\n---\n",
        );
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(bet.unwrap().stake, Stake::new(2000.0, 2.5));
        let (_, errs) =
            parse_one("---\ntitle: X\nkind: financial\nwins_if: [a]\nstake: 2000\n---\n");
        assert_eq!(
            errs,
            ["bets/tsm-calls.md:5:8: `stake` is given without `pays`"]
        );
        let (_, errs) =
            parse_one("---\ntitle: X\nkind: financial\nwins_if: [a]\nstake: $2000\npays: 0\n---\n");
        assert_eq!(
            errs,
            [
                "bets/tsm-calls.md:5:8: `stake` is `$2000`, not a number",
                "bets/tsm-calls.md:6:7: `pays` is 0: it must be more than 0",
            ]
        );
        assert_eq!(plain_number("2,00"), None);
        assert_eq!(plain_number("1_000.5"), Some(1000.5));
    }
}
