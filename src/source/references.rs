//! References in Markdown — `[[id]]`, `[[id|text]]`, `[[future:id]]`,
//! `[[bet:id]]` — resolved against the site's futures and bets while the
//! Markdown is rendered, each error located at its `[[`.
//!
//! The number a reference shows is not known then (a `Loaded` site has no
//! numbers), nor its title in `serve` after the future is edited: the
//! rendered HTML ([`Html`]) keeps, for each reference, the byte offsets
//! where the link opens, where its title goes (when the author gave no
//! words) and where its number and end go, and `render` joins them with
//! the site's values. Offsets survive the sanitizer: each part is written
//! as a private-use character carrying its index ([`marker`]), found after
//! sanitizing and removed; authors' own such characters are replaced first.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::diagnostics::{Diagnostic, Diagnostics, Pos, closest};
use crate::routes::{BetIx, FutureIx};

/// What a reference links to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Target {
    Future(FutureIx),
    Bet(BetIx),
}

/// What render puts at a slot of a reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Part {
    /// The link's start tag.
    Open,
    /// The target's title, for `[[id]]`, which gives no words of its own.
    Title,
    /// The number, then the link's end tag.
    Close,
}

/// Where one part of a reference goes in [`Html::text`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Slot {
    pub at: usize,
    pub part: Part,
    pub target: Target,
}

/// Sanitized HTML and the slots where its references' parts go, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Html {
    text: String,
    slots: Vec<Slot>,
}

/// The first marker; marker `i` is this plus `i` (Supplementary
/// Private Use Area-A, which no text means anything by).
const FIRST_MARKER: u32 = 0xF_0000;
/// Markers available; three parts a reference at most.
const MARKERS: u32 = 0xF_FFFE - FIRST_MARKER;
/// How many references one document may hold.
pub(crate) const MAX_REFERENCES: usize = 10_000;

/// The marker of part `index` of a document.
pub(crate) fn marker(index: usize) -> char {
    u32::try_from(index)
        .ok()
        .filter(|&i| i < MARKERS)
        .and_then(|i| char::from_u32(FIRST_MARKER + i))
        .unwrap_or(char::REPLACEMENT_CHARACTER)
}

/// The index marker `c` carries, if it is one.
pub(crate) fn marker_index(c: char) -> Option<usize> {
    let c = u32::from(c);
    (FIRST_MARKER..FIRST_MARKER + MARKERS)
        .contains(&c)
        .then(|| (c - FIRST_MARKER) as usize)
}

/// `source` with any character that could pass for a marker replaced by
/// U+FFFD: one character for one, so lines and columns stay as written.
pub(crate) fn without_markers(source: &str) -> Cow<'_, str> {
    // Every marker's UTF-8 starts with 0xF3: most documents have no such
    // byte, and a byte search is all they cost.
    if !source.as_bytes().contains(&0xF3) || !source.chars().any(|c| marker_index(c).is_some()) {
        return Cow::Borrowed(source);
    }
    Cow::Owned(
        source
            .chars()
            .map(|c| match marker_index(c) {
                Some(_) => char::REPLACEMENT_CHARACTER,
                None => c,
            })
            .collect(),
    )
}

impl Html {
    /// Finds the markers of `parts` (written in that order, three or two a
    /// reference from its `Open` to its `Close`) in `html` and removes
    /// them. A reference the sanitizer took apart (a marker lost, or out of
    /// order) is left out whole, so no end tag is ever written alone.
    pub(crate) fn from_marked(html: String, parts: &[(Part, Target)]) -> Html {
        if parts.is_empty() {
            return Html {
                text: html,
                slots: Vec::new(),
            };
        }
        let mut text = String::with_capacity(html.len());
        let mut found: Vec<Option<usize>> = vec![None; parts.len()];
        for c in html.chars() {
            match marker_index(c).filter(|&i| i < parts.len()) {
                Some(i) if found[i].is_none() => found[i] = Some(text.len()),
                Some(_) => {}
                None => text.push(c),
            }
        }
        let mut slots = Vec::new();
        let mut start = 0;
        for end in 0..parts.len() {
            if parts[end].0 != Part::Close {
                continue;
            }
            let at: Option<Vec<usize>> = found[start..=end].iter().copied().collect();
            if let Some(at) = at.filter(|a| a.is_sorted()) {
                slots.extend(
                    at.iter()
                        .zip(&parts[start..=end])
                        .map(|(&at, &(part, target))| Slot { at, part, target }),
                );
            }
            start = end + 1;
        }
        slots.sort_by_key(|s| (s.at, s.part));
        Html { text, slots }
    }

    /// The HTML around the references, as it was sanitized.
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    /// Whether it holds no reference.
    pub(crate) fn is_plain(&self) -> bool {
        self.slots.is_empty()
    }

    /// What each reference links to, in order (repeats included).
    pub(crate) fn targets(&self) -> impl Iterator<Item = Target> + '_ {
        self.slots
            .iter()
            .filter(|s| s.part == Part::Open)
            .map(|s| s.target)
    }

    /// The HTML with each slot filled by `fill`.
    pub(crate) fn join(&self, mut fill: impl FnMut(&mut String, Part, Target)) -> String {
        let mut out = String::with_capacity(self.text.len() + self.slots.len() * 40);
        let mut from = 0;
        for s in &self.slots {
            out.push_str(&self.text[from..s.at]);
            fill(&mut out, s.part, s.target);
            from = s.at;
        }
        out.push_str(&self.text[from..]);
        out
    }
}

/// The futures and bets references may name, by id, with their titles.
#[derive(Debug, Default)]
pub(crate) struct Targets {
    by_id: HashMap<String, Named>,
    /// Ids of future files with errors of their own: a reference to one is
    /// not reported again as unknown.
    broken: HashSet<String>,
    /// Ids of bet files with errors of their own, likewise.
    broken_bets: HashSet<String>,
}

#[derive(Debug, Default)]
struct Named {
    future: Option<(FutureIx, String)>,
    bet: Option<(BetIx, String)>,
}

impl Targets {
    /// The lookup of `futures` and `bets` (id and title, in index order).
    pub(crate) fn new<'a>(
        futures: impl Iterator<Item = (&'a str, &'a str)>,
        bets: impl Iterator<Item = (&'a str, &'a str)>,
    ) -> Targets {
        let mut by_id: HashMap<String, Named> = HashMap::new();
        for (i, (id, title)) in futures.enumerate() {
            by_id.entry(id.to_string()).or_default().future = Some((FutureIx(i), title.into()));
        }
        for (i, (id, title)) in bets.enumerate() {
            by_id.entry(id.to_string()).or_default().bet = Some((BetIx(i), title.into()));
        }
        Targets {
            by_id,
            broken: HashSet::new(),
            broken_bets: HashSet::new(),
        }
    }

    /// Says which of `futures` and `bets` (every future and bet file's
    /// id) did not parse.
    pub(crate) fn with_files(
        mut self,
        futures: &HashSet<String>,
        bets: &HashSet<String>,
    ) -> Targets {
        let missing = |ids: &HashSet<String>, has: fn(&Named) -> bool| {
            ids.iter()
                .filter(|id| !self.by_id.get(id.as_str()).is_some_and(has))
                .cloned()
                .collect()
        };
        self.broken = missing(futures, |n| n.future.is_some());
        self.broken_bets = missing(bets, |n| n.bet.is_some());
        self
    }

    /// What `written` (between `[[` and `]]` or `|`, at `pos` of `file`)
    /// names, with its title; `None` after reporting why not.
    pub(crate) fn resolve(
        &self,
        written: &str,
        file: &Path,
        pos: Pos,
        diags: &mut Diagnostics,
    ) -> Option<(Target, &str)> {
        // In a table a `|` ends the cell, so authors write `[[id\|text]]`.
        let written = written.trim_end_matches('\\').trim();
        let (kind, id) = match written.split_once(':') {
            Some((kind, id)) => (Some(kind.trim()), id.trim()),
            None => (None, written),
        };
        let found = match kind {
            Some(k) if k != "future" && k != "bet" => Err((
                format!("unknown kind `{k}` in the reference `[[{written}]]`"),
                format!("write `[[future:{id}]]`, `[[bet:{id}]]` or just `[[{id}]]`"),
            )),
            _ if id.is_empty() => Err((
                "a reference names no future or bet".into(),
                "write the id of a future or bet between the brackets: `[[id]]` or `[[id|your words]]`".into(),
            )),
            _ if kind != Some("bet") && self.broken.contains(id) => return None,
            _ if kind != Some("future") && self.broken_bets.contains(id) => return None,
            _ => self.find(kind, id),
        };
        found
            .map_err(|(message, help)| {
                diags.push(Diagnostic::error(file, pos, message).with_help(help));
            })
            .ok()
    }

    /// The target `id` names as `kind` (`future`, `bet`, or either), or
    /// what is wrong (message and help).
    fn find(&self, kind: Option<&str>, id: &str) -> Result<(Target, &str), Problem> {
        let named = self.by_id.get(id);
        let future = named.and_then(|n| n.future.as_ref());
        let bet = named.and_then(|n| n.bet.as_ref());
        fn f(x: &(FutureIx, String)) -> (Target, &str) {
            (Target::Future(x.0), &x.1)
        }
        fn b(x: &(BetIx, String)) -> (Target, &str) {
            (Target::Bet(x.0), &x.1)
        }
        match (kind, future, bet) {
            (None | Some("future"), Some(x), None) | (Some("future"), Some(x), Some(_)) => Ok(f(x)),
            (None | Some("bet"), None, Some(x)) | (Some("bet"), Some(_), Some(x)) => Ok(b(x)),
            (None, Some(_), Some(_)) => Err((
                format!("`{id}` is both a future and a bet"),
                format!("say which: `[[future:{id}]]` or `[[bet:{id}]]`"),
            )),
            (Some("future"), None, Some(_)) => Err((
                format!("`{id}` is a bet, not a future"),
                format!("write `[[bet:{id}]]` or `[[{id}]]`"),
            )),
            (Some("bet"), Some(_), None) => Err((
                format!("`{id}` is a future, not a bet"),
                format!("write `[[future:{id}]]` or `[[{id}]]`"),
            )),
            _ => Err(self.unknown(kind, id)),
        }
    }

    fn unknown(&self, kind: Option<&str>, id: &str) -> Problem {
        let what = match kind {
            Some("future") => "future",
            Some(_) => "bet",
            None => "future or bet",
        };
        let known = self.by_id.iter().filter(|(_, n)| match kind {
            Some("future") => n.future.is_some(),
            Some(_) => n.bet.is_some(),
            None => true,
        });
        let help = match closest(id, known.map(|(k, _)| k.as_str())) {
            Some(near) => format!("did you mean `{near}`?"),
            None => "name a future (futures/<id>.yaml) or a bet (bets/<id>.md) by its file's name"
                .into(),
        };
        (format!("unknown {what} `{id}` in a reference"), help)
    }
}

/// What is wrong with a reference: the message and the help.
type Problem = (String, String);

#[cfg(test)]
mod tests {
    use super::*;

    const F: Target = Target::Future(FutureIx(0));
    const B: Target = Target::Bet(BetIx(1));

    /// Two references: `[[f]]` (three parts) and `[[b|x]]` (two).
    const PARTS: [(Part, Target); 5] = [
        (Part::Open, F),
        (Part::Title, F),
        (Part::Close, F),
        (Part::Open, B),
        (Part::Close, B),
    ];

    fn marked(order: &[usize]) -> String {
        order
            .iter()
            .map(|&i| format!("<{i}>{}", marker(i)))
            .collect()
    }

    #[test]
    fn markers_become_slots_and_join_fills_them() {
        let html = Html::from_marked(marked(&[0, 1, 2, 3, 4]), &PARTS);
        assert_eq!(html.text(), "<0><1><2><3><4>");
        let joined = html.join(|out, part, t| out.push_str(&format!("[{part:?} {t:?}]")));
        assert_eq!(
            joined,
            "<0>[Open Future(FutureIx(0))]<1>[Title Future(FutureIx(0))]<2>[Close Future(FutureIx(0))]<3>[Open Bet(BetIx(1))]<4>[Close Bet(BetIx(1))]"
        );
        assert_eq!(html.targets().collect::<Vec<_>>(), [F, B]);
    }

    /// A reference whose marker the sanitizer dropped, or moved before its
    /// start, is left out whole; the other stays.
    #[test]
    fn a_reference_taken_apart_is_left_out_whole() {
        let lost = Html::from_marked(marked(&[1, 2, 3, 4]), &PARTS);
        assert_eq!(lost.targets().collect::<Vec<_>>(), [B]);
        assert_eq!(lost.join(|out, _, _| out.push('*')), "<1><2><3>*<4>*");
        let moved = Html::from_marked(marked(&[0, 1, 2, 4, 3]), &PARTS);
        assert_eq!(moved.targets().collect::<Vec<_>>(), [F]);
    }

    /// An author's marker character becomes U+FFFD, one character for one.
    #[test]
    fn authors_markers_are_replaced_in_place() {
        let source = format!("a{}b", marker(0));
        assert_eq!(without_markers(&source), "a\u{FFFD}b");
        assert!(matches!(without_markers("plain é"), Cow::Borrowed(_)));
        assert_eq!(
            marker_index(char::from_u32(0xF_FFFD).unwrap()),
            Some(0xFFFD)
        );
    }
}
