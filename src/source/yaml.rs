//! YAML decoding with located, fixable errors.
//!
//! serde-saphyr is used because it is maintained (serde_yaml is deprecated)
//! and because its `Spanned<T>` keeps the line and column of each *value*, so
//! a bad reference found long after parsing can still point at its line.
//! This module turns its errors into [`Diagnostic`]s in a site author's
//! words: it reads the lines around an error to name the key involved and
//! show how that key is written, and never passes on the parser's own terms.

use std::fmt;
use std::path::Path;

use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde_saphyr::Error;
pub(crate) use serde_saphyr::Spanned;

use crate::diagnostics::{Diagnostic, Pos, closest};

/// How each key of a document is written, shown in hints:
/// `("tags", "tags: [agi, chips]")`. The first entry is the key every
/// document starts with.
pub(crate) type Examples = &'static [(&'static str, &'static str)];

/// Where a spanned value sits in its file, given the line the YAML text
/// starts at (front matter starts below its `---`).
pub(crate) fn pos_of<T>(value: &Spanned<T>, first_line: u32) -> Pos {
    let loc = value.referenced;
    Pos::new(
        loc.line() as u32 + first_line.saturating_sub(1),
        loc.column() as u32,
    )
}

/// One value as its text, whatever YAML made of it (a number, a word, a
/// quoted string). Fields such as `probability` and `when` read it
/// themselves, so that `70%` or `2027-2030` get a message of their own
/// rather than a type error.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Scalar(pub String);

impl<'de> serde::Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Scalar, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl Visitor<'_> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(ONE_VALUE)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
        Ok(Scalar(v.to_string()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar(v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
        Ok(Scalar(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
        Ok(Scalar(v.to_string()))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar(v.to_string()))
    }
}

/// What [`Scalar`] tells serde it expects; recognised again in its errors.
const ONE_VALUE: &str = "a single value";

/// Decodes `text`, which starts at `first_line` of `file`. `examples` show
/// how the document's keys are written.
pub(crate) fn decode<T: DeserializeOwned>(
    text: &str,
    file: &Path,
    first_line: u32,
    examples: Examples,
) -> Result<T, Diagnostic> {
    let doc = Doc {
        lines: text.lines().collect(),
        file,
        first_line,
        examples,
    };
    if doc.lines.iter().all(|l| outline(l).is_none()) {
        return Err(doc.empty());
    }
    serde_saphyr::from_str::<T>(text).map_err(|e| doc.explain(e.without_snippet()))
}

/// A place in the YAML text, counted from its own first line (1-based).
#[derive(Clone, Copy, Debug, PartialEq)]
struct At {
    line: usize,
    col: usize,
}

/// The document an error was found in, read again to explain it.
struct Doc<'a> {
    lines: Vec<&'a str>,
    file: &'a Path,
    first_line: u32,
    examples: Examples,
}

/// The shape of value serde wanted where it found another.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Want {
    List,
    Keys,
    One,
    Number { whole: bool },
    TrueFalse,
}

impl Doc<'_> {
    fn explain(&self, e: &Error) -> Diagnostic {
        let at = e.location().map_or(At { line: 1, col: 1 }, |l| At {
            line: l.line() as usize,
            col: l.column() as usize,
        });
        match e {
            Error::SerdeUnknownField {
                field, expected, ..
            } => self.unknown_key(at, field, expected),
            Error::SerdeMissingField { field, .. } => self.missing_key(at, field),
            Error::DuplicateMappingKey { key, .. } => {
                let key = key.as_deref().or(self.key_at(at)).unwrap_or("a key");
                self.duplicate_key(at, key)
            }
            Error::SerdeUnknownVariant {
                variant, expected, ..
            } => self.unknown_value(at, variant, expected),
            Error::NullIntoString { .. } => self.empty_value(at),
            Error::MultipleDocuments { .. } => self.second_document(at),
            Error::Eof { .. } => self.empty(),
            Error::ExternalMessage { msg, .. } => self.syntax(at, msg),
            Error::SerdeInvalidType { unexpected, .. } if unexpected.contains("unit") => {
                self.empty_value(self.value_of(at))
            }
            Error::SerdeInvalidType { .. } => match want(e) {
                Some(want) => self.wrong_shape(self.value_of(at), want),
                None => self.syntax(at, &message_of(e)),
            },
            _ => match want(e) {
                Some(want) => self.wrong_shape(at, want),
                None => self.syntax(at, &message_of(e)),
            },
        }
    }

    fn error(&self, at: At, message: impl Into<String>, help: impl Into<String>) -> Diagnostic {
        let pos = Pos::new(
            at.line as u32 + self.first_line.saturating_sub(1),
            at.col as u32,
        );
        Diagnostic::error(self.file, pos, message).with_help(help)
    }

    fn empty(&self) -> Diagnostic {
        let what = if self.first_line > 1 {
            "the front matter is empty"
        } else {
            "the file is empty"
        };
        let start = self.examples.first().map_or("title: …", |(_, ex)| ex);
        self.error(
            At { line: 1, col: 1 },
            what,
            format!("write its keys, one `key: value` per line, starting with `{start}`"),
        )
    }

    fn unknown_key(&self, at: At, field: &str, expected: &[&str]) -> Diagnostic {
        let scope = match self.parent(at) {
            Some(p) if p.item => format!(" in a `{}` item", p.key),
            Some(p) => format!(" under `{}:`", p.key),
            None => String::new(),
        };
        let known = expected.join(", ");
        let help = match closest(field, expected.iter().copied()) {
            Some(k) => format!("did you mean `{k}`? Known keys{scope}: {known}"),
            None => format!("remove it; known keys{scope}: {known}"),
        };
        self.error(at, format!("unknown key `{field}`"), help)
    }

    fn missing_key(&self, at: At, field: &str) -> Diagnostic {
        let add = match self.example(field) {
            Some(ex) if !ex.contains('\n') => format!("`{ex}`"),
            _ => format!("`{field}: …`"),
        };
        let Some(parent) = self.parent(at) else {
            let first = (1..=self.lines.len()).find(|&n| self.outline(n).is_some());
            return self.error(
                At {
                    line: first.unwrap_or(1),
                    col: 1,
                },
                format!("missing required key `{field}`"),
                format!("add a line such as {add}"),
            );
        };
        // serde-saphyr points at the item's last key; the item starts above.
        let at = self.item_start(at).unwrap_or(at);
        let what = if parent.item {
            format!("this `{}` item has no `{field}`", parent.key)
        } else {
            format!("`{}` has no `{field}`", parent.key)
        };
        let beside = self.key_at(at).unwrap_or("the other keys");
        let help = match self.misaligned(at, field) {
            Some(line) => format!(
                "`{field}` on line {} is not lined up with `{beside}`: indent it by {} spaces",
                self.file_line(line),
                at.col.saturating_sub(1)
            ),
            None => format!("add a line such as {add} to it, lined up with `{beside}`"),
        };
        self.error(at, what, help)
    }

    fn duplicate_key(&self, at: At, key: &str) -> Diagnostic {
        let parent = self.parent(at);
        let scope = match &parent {
            Some(p) if p.item => format!("in this `{}` item", p.key),
            Some(p) => format!("under `{}:`", p.key),
            None => "in this file".to_string(),
        };
        // The first one is in the same mapping: after its parent's line, or
        // for a list item, from the item's first line on.
        let start = self
            .item_start(at)
            .map_or(parent.as_ref().map_or(1, |p| p.line + 1), |a| a.line);
        let first = (start..at.line).find(|&n| {
            self.outline(n)
                .is_some_and(|l| l.col == at.col && l.key == Some(key))
        });
        let starts_item = |n: usize| self.outline(n).is_some_and(|l| l.dash);
        let help = match (first, &parent) {
            // The item's first key again, lined up with it: most likely the
            // next item, written without its dash.
            (Some(n), Some(p)) if p.item && starts_item(n) => {
                let what = format!("`{key}` appears twice {scope}");
                let help = format!(
                    "the other starts this item on line {n}; if this line starts the next `{}` item, begin it with `- ` in the column of the `- ` on line {n}; if not, remove one of the two",
                    p.key,
                    n = self.file_line(n),
                );
                return self.error(at, what, help);
            }
            (Some(n), _) => format!(
                "the other is on line {}; remove one of the two",
                self.file_line(n)
            ),
            (None, _) => "remove one of the two".to_string(),
        };
        self.error(at, format!("`{key}` appears twice {scope}; keep one"), help)
    }

    fn unknown_value(&self, at: At, variant: &str, expected: &[&str]) -> Diagnostic {
        let key = self.value_key(at).unwrap_or("this key");
        let one_of = expected.join(", ");
        // serde-saphyr names an empty value `~`, which nobody wrote.
        if variant == "~" {
            return self.error(
                at,
                format!("`{key}` is empty"),
                format!("write one of: {one_of}"),
            );
        }
        let message = format!("invalid `{key}`: `{variant}`");
        let help = if let Some(v) = expected.iter().find(|v| v.eq_ignore_ascii_case(variant)) {
            format!("write it in lowercase: `{v}`")
        } else if let Some(v) = closest(variant, expected.iter().copied()) {
            format!("did you mean `{v}`? Write one of: {one_of}")
        } else {
            format!("write one of: {one_of}")
        };
        self.error(at, message, help)
    }

    fn empty_value(&self, at: At) -> Diagnostic {
        let Some(key) = self.value_key(at) else {
            return self.syntax(at, "a value is missing");
        };
        let comment = self
            .outline(at.line)
            .filter(|l| l.key == Some(key) && l.value.starts_with('#'));
        let help = match comment {
            Some(l) => format!(
                "`#` starts a comment; put the value in quotes: `{key}: {}`",
                quoted(l.value)
            ),
            None => format!(
                "write its value after the colon, {}",
                self.example_help(key)
            ),
        };
        self.error(at, format!("`{key}` is empty"), help)
    }

    fn second_document(&self, at: At) -> Diagnostic {
        self.error(
            At { col: 1, ..at },
            "a `---` line here starts a second YAML document",
            "this file holds one document: remove the `---` line",
        )
    }

    fn wrong_shape(&self, at: At, want: Want) -> Diagnostic {
        if let Some(d) = self
            .dash_without_space(at)
            .or_else(|| self.missing_space(at))
        {
            return d;
        }
        let Some(key) = self.value_key(at) else {
            let start = self.examples.first().map_or("title: …", |(_, ex)| ex);
            return self.error(
                at,
                "this is not a `key: value` line",
                format!("write one key and its value per line, starting with `{start}`"),
            );
        };
        let (message, help) = match want {
            Want::List => (format!("`{key}` must be a list"), self.list_help(at, key)),
            Want::Keys if self.in_list(at) => (
                format!("each `{key}` item is a set of `key: value` lines"),
                match self.example(key) {
                    Some(ex) => format!("write each item like this:\n{ex}"),
                    None => format!("write each item as `key: value` lines below `{key}:`"),
                },
            ),
            Want::Keys => (
                format!("`{key}` holds `key: value` lines below it, not a value"),
                self.example_help(key),
            ),
            Want::One => (
                format!("`{key}` takes a single value"),
                self.single_help(at, key),
            ),
            Want::Number { whole } => (
                format!(
                    "`{key}` must be a {}number",
                    if whole { "whole " } else { "" }
                ),
                self.example_help(key),
            ),
            Want::TrueFalse => (
                format!("`{key}` must be `true` or `false`"),
                format!("write `{key}: true` or `{key}: false`"),
            ),
        };
        self.error(at, message, help)
    }

    /// `-agi` is read as a word, not as a list item.
    fn dash_without_space(&self, at: At) -> Option<Diagnostic> {
        let body = self.text(at.line)?.trim_start_matches(' ');
        let rest = body.strip_prefix('-')?;
        if rest.is_empty() || rest.starts_with([' ', '-']) {
            return None;
        }
        Some(self.error(
            at,
            format!("{} needs a space after `-`", self.item_of(at)),
            format!("write `- {}`", rest.trim_end()),
        ))
    }

    fn list_help(&self, at: At, key: &str) -> String {
        let flow = self
            .example(key)
            .is_some_and(|ex| ex.starts_with(&format!("{key}: [")));
        match self.inline_value(at) {
            Some(v) if flow && !v.starts_with(['[', '{']) => {
                let items: Vec<&str> = unquote(v)
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .collect();
                format!("write `{key}: [{}]`", items.join(", "))
            }
            _ => self.example_help(key),
        }
    }

    fn single_help(&self, at: At, key: &str) -> String {
        let inner = self
            .inline_value(at)
            .and_then(|v| v.strip_prefix('[')?.strip_suffix(']'))
            .map(str::trim);
        match inner {
            Some(one) if !one.is_empty() && !one.contains(',') => {
                format!("write it without brackets: `{key}: {one}`")
            }
            _ => match self.example(key).filter(|ex| !ex.contains('\n')) {
                Some(ex) => format!("write one value, e.g. `{ex}`"),
                None => format!("write one value: `{key}: …`"),
            },
        }
    }

    fn example(&self, key: &str) -> Option<&'static str> {
        self.examples
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, ex)| *ex)
    }

    fn example_help(&self, key: &str) -> String {
        match self.example(key) {
            Some(ex) if ex.contains('\n') => format!("write it like this:\n{ex}"),
            Some(ex) => format!("e.g. `{ex}`"),
            None => format!("e.g. `{key}: …`"),
        }
    }
}

/// Errors about YAML syntax, explained from the lines around them.
impl Doc<'_> {
    fn syntax(&self, at: At, msg: &str) -> Diagnostic {
        if let Some(d) = self.tab() {
            return d;
        }
        if let Some(d) = self.missing_space(at) {
            return d;
        }
        if let Some(d) = self.unclosed_flow(at) {
            return d;
        }
        match msg {
            "mapping values are not allowed in this context" => self.stray_colon(at),
            "simple key expected ':'" => self.error(
                at,
                "this line is not a `key: value` line",
                "put a colon and a space after the key, e.g. `title: …`",
            ),
            "unclosed quote" => self.error(
                at,
                format!("{} opens a quote that is never closed", self.value_of_key(at)),
                "end the value with the same quote mark, on the same line",
            ),
            "misplaced bracket" => self.error(
                at,
                "this bracket closes nothing",
                "remove it, or add the `[` or `{` it should close",
            ),
            m if m.starts_with("invalid trailing content after") => self.after_quote(at),
            m if m.starts_with("unexpected character") || m.contains("anchor") => {
                self.reserved_start(at)
            }
            "block sequence entries are not allowed in this context" => self.inline_dash(at),
            m if m.starts_with("while parsing a flow") => self.missing_comma(at),
            m if m.contains("did not find expected") || m.contains("not allowed") => {
                self.misindented(at)
            }
            m => self.error(
                at,
                format!("invalid YAML: {m}"),
                "check the indentation and quote values that contain `: ` or start with `[`, `{`, `*`, `&`, `!`, `@` or `#`",
            ),
        }
    }

    fn missing_comma(&self, at: At) -> Diagnostic {
        self.shared_line(at).unwrap_or_else(|| {
            self.error(
                at,
                "a `,` is missing here",
                "separate the entries inside `[…]` or `{…}` with commas",
            )
        })
    }

    /// `tags: - agi`: a block list starts below its key.
    fn inline_dash(&self, at: At) -> Diagnostic {
        let help = match self.outline(at.line) {
            Some(Line {
                key: Some(key),
                value,
                ..
            }) => format!("put the item on a line of its own:\n{key}:\n  {value}"),
            _ => "put each `- item` on a line of its own below its key, indented by two spaces"
                .to_string(),
        };
        let message = format!("{} cannot start on its key's line", self.item_of(at));
        self.error(at, message, help)
    }

    /// `title: *important*`: `*`, `&`, `!`, `@`… mean something to YAML
    /// at the start of a value.
    fn reserved_start(&self, at: At) -> Diagnostic {
        let mark = self
            .text(at.line)
            .and_then(|t| t.chars().nth(at.col.saturating_sub(1)))
            .unwrap_or('*');
        let help = match self.inline_value(at).zip(self.value_key(at)) {
            Some((v, k)) => format!("put the value in quotes: `{k}: {}`", quoted(v)),
            None => "put the value in quotes, e.g. `title: \"@home\"`".to_string(),
        };
        let message = format!(
            "{} starts with `{mark}`, which YAML reserves",
            self.value_of_key(at)
        );
        self.error(at, message, help)
    }

    /// `title: 'it's here'`: the value's own quote mark ended it early.
    fn after_quote(&self, at: At) -> Diagnostic {
        let fix = self
            .outline(at.line)
            .and_then(|l| Some((l.key?, l.value)))
            .and_then(|(key, v)| {
                let mark = v.chars().next().filter(|c| matches!(c, '"' | '\''))?;
                let inner = v.strip_prefix(mark)?.strip_suffix(mark)?;
                Some(format!(
                    "the value holds its own `{mark}`; quote it with the other mark: `{key}: {}`",
                    quoted(inner)
                ))
            });
        self.error(
            at,
            format!("{} goes on after its closing quote", self.value_of_key(at)),
            fix.unwrap_or_else(|| "put the whole value inside the quotes".to_string()),
        )
    }

    /// YAML refuses tabs in indentation, and the parser often notices only
    /// on a later line; the line with the tab is the one to fix.
    fn tab(&self) -> Option<Diagnostic> {
        let (n, col) = self.lines.iter().enumerate().find_map(|(n, l)| {
            let indent = &l[..l.len() - l.trim_start_matches([' ', '\t']).len()];
            indent.find('\t').map(|col| (n + 1, col + 1))
        })?;
        Some(self.error(
            At { line: n, col },
            "a tab indents this line",
            "YAML does not allow tabs for indentation; use spaces",
        ))
    }

    /// `probability:0.4`: without a space the colon is part of the key.
    fn missing_space(&self, at: At) -> Option<Diagnostic> {
        let line = self.text(at.line)?;
        let body = line
            .trim_start_matches(' ')
            .trim_start_matches("- ")
            .trim_start_matches(' ');
        let (key, value) = body.split_once(':')?;
        if value.is_empty() || value.starts_with([' ', '\t']) || self.example(key).is_none() {
            return None;
        }
        Some(self.error(
            At {
                line: at.line,
                col: line.len() - body.len() + 1,
            },
            format!("`{key}` needs a space after its colon"),
            format!("write `{key}: {}`", value.trim_end()),
        ))
    }

    /// A `[` or `{` opened on an earlier line and never closed: the parser
    /// stumbles over the next line, but the fix belongs to the opening one.
    fn unclosed_flow(&self, at: At) -> Option<Diagnostic> {
        let mut open: Vec<(At, char)> = Vec::new();
        for (n, line) in self.lines.iter().enumerate().take(at.line) {
            let end = if n + 1 == at.line { at.col } else { usize::MAX };
            scan_brackets(line, n + 1, end, &mut open);
        }
        let &(opened, bracket) = open.last()?;
        if opened.line == at.line {
            return None;
        }
        let close = if bracket == '[' { ']' } else { '}' };
        let example = self
            .key_at(opened)
            .and_then(|k| self.example(k))
            .filter(|ex| ex.contains(bracket))
            .map_or(String::new(), |ex| format!(", e.g. `{ex}`"));
        let of = self
            .key_at(opened)
            .map_or(String::new(), |k| format!(" of `{k}`"));
        Some(self.error(
            opened,
            format!("the `{bracket}`{of} is never closed"),
            format!("end it with `{close}` on the same line{example}"),
        ))
    }

    /// A colon where no key can start: inside a value, or on a line
    /// indented deeper than the key above it.
    fn stray_colon(&self, at: At) -> Diagnostic {
        if let Some(d) = self.shared_line(at) {
            return d;
        }
        if let Some(line) = self.outline(at.line)
            && let Some(key) = line.key
            && line.colon < at.col
        {
            let value = line.value.split(" #").next().unwrap_or(line.value).trim();
            return self.error(
                at,
                format!("the value of `{key}` holds `: `, which YAML reads as another key"),
                format!("put the value in quotes: `{key}: {}`", quoted(value)),
            );
        }
        self.misindented(at)
    }

    /// `- future: ai-fleets, probability: 0.6`: a known key after a value
    /// on the same line, where it needs a line (or a comma) of its own.
    fn shared_line(&self, at: At) -> Option<Diagnostic> {
        let line = self.outline(at.line)?;
        let text = self.text(at.line)?;
        let before = &text[..byte_at(text, at.col)];
        let second = before
            .trim_end()
            .rsplit([' ', ',', '{'])
            .next()
            .filter(|k| self.example(k).is_some())?;
        let start = before.len() - second.len();
        let col = before[..start].chars().count() + 1;
        if line.col >= col {
            return None;
        }
        let entry = text[start..].trim_end().trim_end_matches('}').trim_end();
        let inside_braces = text[..start].contains('{');
        let (message, help) = if inside_braces {
            (
                format!("a `,` is missing before `{second}`"),
                "separate the entries inside `{…}` with commas".to_string(),
            )
        } else {
            (
                format!("`{second}` must start a line of its own"),
                format!(
                    "put `{entry}` on the next line, lined up with `{}`",
                    line.key.unwrap_or("the key above")
                ),
            )
        };
        Some(self.error(At { line: at.line, col }, message, help))
    }

    fn misindented(&self, at: At) -> Diagnostic {
        let here = self.outline(at.line);
        let above = (1..at.line).rev().find_map(|n| Some((n, self.outline(n)?)));
        if let (Some(here), Some((n, above))) = (here, above)
            && let (Some(key), Some(above_key)) = (here.key, above.key)
            && here.col != above.col
        {
            let spaces = match above.col - 1 {
                0 => "remove the spaces before it".to_string(),
                s => format!("indent it by {s} spaces"),
            };
            return self.error(
                At {
                    line: at.line,
                    col: here.col,
                },
                format!(
                    "`{key}` is not lined up with `{above_key}` on line {}",
                    self.file_line(n)
                ),
                format!("keys of one level start in the same column: {spaces}"),
            );
        }
        self.error(
            at,
            "the indentation here does not match the lines above",
            "indent the keys of one level by the same number of spaces, and items of a list by two more than their key",
        )
    }
}

/// Reading the lines around an error: which key a place belongs to.
impl<'a> Doc<'a> {
    fn text(&self, line: usize) -> Option<&'a str> {
        self.lines.get(line.checked_sub(1)?).copied()
    }

    fn outline(&self, line: usize) -> Option<Line<'a>> {
        outline(self.text(line)?)
    }

    fn file_line(&self, line: usize) -> usize {
        line + self.first_line.saturating_sub(1) as usize
    }

    /// The key written at `at` itself.
    fn key_at(&self, at: At) -> Option<&'a str> {
        self.outline(at.line)?.key
    }

    /// Whether `at` is an item of a list: after a `- ` or inside `[…]`.
    fn in_list(&self, at: At) -> bool {
        let Some(line) = self.outline(at.line) else {
            return false;
        };
        let text = self.text(at.line).unwrap_or_default();
        let before = text
            .get(line.colon..byte_at(text, at.col))
            .unwrap_or_default();
        line.dash && line.col == at.col || line.key.is_some() && before.contains('[')
    }

    /// Where a list item holding the key at `at` starts.
    fn item_start(&self, at: At) -> Option<At> {
        (1..=at.line).rev().find_map(|n| {
            let l = self.outline(n)?;
            (l.dash && l.col == at.col).then_some(At {
                line: n,
                col: l.col,
            })
        })
    }

    /// serde's own type errors point at the key; the value is the place
    /// to show.
    fn value_of(&self, at: At) -> At {
        match self.outline(at.line) {
            Some(l) if l.key.is_some() && l.col == at.col => At {
                line: at.line,
                col: if l.value.is_empty() {
                    l.colon
                } else {
                    l.colon + 2
                },
            },
            _ => at,
        }
    }

    /// The key whose value holds `at`: the one on its line before it, or
    /// else the enclosing key.
    fn value_key(&self, at: At) -> Option<&'a str> {
        match self.outline(at.line) {
            Some(Line {
                key: Some(key),
                colon,
                ..
            }) if colon <= at.col => Some(key),
            _ => self.parent(at).map(|p| p.key),
        }
    }

    /// "the value of `title`", for messages about the value at `at`.
    fn value_of_key(&self, at: At) -> String {
        self.value_key(at)
            .map_or("this value".to_string(), |k| format!("the value of `{k}`"))
    }

    /// "a `tags` item", for messages about the list item at `at`.
    fn item_of(&self, at: At) -> String {
        self.value_key(at)
            .map_or("a list item".to_string(), |k| format!("a `{k}` item"))
    }

    /// The value written on `at`'s line after its key, if any.
    fn inline_value(&self, at: At) -> Option<&'a str> {
        let line = self.outline(at.line)?;
        let value = line.value.split(" #").next()?.trim();
        (line.key.is_some() && line.colon <= at.col && !value.is_empty()).then_some(value)
    }

    /// The key of the mapping that holds the key or item at `at`.
    fn parent(&self, at: At) -> Option<Parent<'a>> {
        let mut item = self
            .outline(at.line)
            .is_some_and(|l| l.dash && l.col == at.col);
        for n in (1..at.line).rev() {
            let Some(l) = self.outline(n) else { continue };
            if l.col == at.col && l.dash {
                item = true;
            }
            if l.col < at.col {
                let key = l
                    .key
                    .filter(|_| l.value.is_empty() || l.value.starts_with('#'))?;
                return Some(Parent { key, item, line: n });
            }
        }
        None
    }

    /// A later line of the same item that writes `field` in another column.
    fn misaligned(&self, at: At, field: &str) -> Option<usize> {
        if !self.outline(at.line)?.dash {
            return None;
        }
        (at.line + 1..=self.lines.len())
            .map_while(|n| match self.outline(n) {
                None => Some(None),
                Some(l) if l.dash && l.col <= at.col => None,
                Some(l) if l.col + 2 < at.col => None,
                Some(l) => Some(Some((n, l))),
            })
            .flatten()
            .find(|(_, l)| l.key == Some(field) && l.col != at.col)
            .map(|(n, _)| n)
    }
}

/// The enclosing key of a place, and whether the place is inside one of
/// that key's list items.
struct Parent<'a> {
    key: &'a str,
    item: bool,
    line: usize,
}

/// A line of block YAML as far as hints need it.
#[derive(Clone, Copy, Debug)]
struct Line<'a> {
    /// 1-based column of the key (after any `- `), or of the item's value.
    col: usize,
    /// The line starts a list item.
    dash: bool,
    key: Option<&'a str>,
    /// 1-based column of the key's colon.
    colon: usize,
    /// What follows the colon, trimmed.
    value: &'a str,
}

/// `None` for blank and comment lines.
fn outline(line: &str) -> Option<Line<'_>> {
    // Only spaces indent, so byte and character columns agree up to the key.
    let mut body = line.trim_start_matches([' ', '\t']);
    if body.trim_end().is_empty() || body.starts_with('#') {
        return None;
    }
    let dash = body.trim_end() == "-" || body.starts_with("- ");
    if dash {
        body = body[1..].trim_start_matches(' ');
    }
    let col = line.len() - body.len() + 1;
    let key_len = body
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(body.len());
    let after = &body[key_len..];
    let is_key =
        key_len > 0 && (after == ":" || after.starts_with(": ") || after.starts_with(":\t"));
    Some(Line {
        col,
        dash,
        key: is_key.then(|| &body[..key_len]),
        colon: if is_key { col + key_len } else { 0 },
        value: if is_key {
            after[1..].trim()
        } else {
            body.trim()
        },
    })
}

/// Pushes the flow brackets of `line` opened before column `end` onto
/// `open` and pops the ones it closes, skipping quoted text and comments.
fn scan_brackets(line: &str, n: usize, end: usize, open: &mut Vec<(At, char)>) {
    let mut quote = None;
    let mut prev = ' ';
    for (i, c) in line.chars().enumerate().take(end.saturating_sub(1)) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') if matches!(prev, ' ' | '[' | '{' | ',' | ':') => quote = Some(c),
            (None, '#') if prev == ' ' || i == 0 => return,
            (None, '[' | '{') => open.push((
                At {
                    line: n,
                    col: i + 1,
                },
                c,
            )),
            (None, ']' | '}') => {
                open.pop();
            }
            _ => {}
        }
        prev = c;
    }
}

/// The byte offset of 1-based character column `col` in `line`.
fn byte_at(line: &str, col: usize) -> usize {
    line.char_indices()
        .nth(col.saturating_sub(1))
        .map_or(line.len(), |(i, _)| i)
}

fn unquote(v: &str) -> &str {
    let quoted = v.len() >= 2
        && (v.starts_with('"') && v.ends_with('"') || v.starts_with('\'') && v.ends_with('\''));
    if quoted { &v[1..v.len() - 1] } else { v }
}

/// `v` as a YAML quoted string.
fn quoted(v: &str) -> String {
    if !v.contains('"') {
        format!("\"{v}\"")
    } else if !v.contains('\'') {
        format!("'{v}'")
    } else {
        format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

/// The shape a type error asked for, if it is one.
fn want(e: &Error) -> Option<Want> {
    let want = match e {
        Error::Unexpected { expected, .. } => match *expected {
            "sequence start" => Want::List,
            "mapping start" => Want::Keys,
            "string scalar" => Want::One,
            _ => return None,
        },
        Error::InvalidScalar { ty, .. } => match *ty {
            "boolean" => Want::TrueFalse,
            "floating point" => Want::Number { whole: false },
            _ => Want::Number { whole: true },
        },
        Error::InvalidBooleanStrict { .. } => Want::TrueFalse,
        Error::ExternallyTaggedEnumExpectedScalarOrMapping { .. } => Want::One,
        Error::SerdeInvalidType { expected, .. } if expected.contains("sequence") => Want::List,
        Error::SerdeInvalidType { expected, .. } if expected.contains("bool") => Want::TrueFalse,
        Error::SerdeInvalidType { expected, .. } if expected == ONE_VALUE => Want::One,
        _ => return None,
    };
    Some(want)
}

/// The message of an error without the location serde-saphyr appends.
fn message_of(e: &Error) -> String {
    let text = e.to_string();
    let text = text.lines().next().unwrap_or_default();
    text.split(" at line ")
        .next()
        .unwrap_or(text)
        .trim_end_matches('.')
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    struct Doc {
        #[allow(dead_code)]
        title: String,
        within: Option<Spanned<String>>,
    }

    const EXAMPLES: Examples = &[("title", "title: X"), ("within", "within: era-one")];

    /// Fields are only decoded, never read: the tests are about errors.
    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Edge {
        future: String,
        probability: Scalar,
    }

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Future {
        title: String,
        within: Option<String>,
        tags: Option<Vec<String>>,
        leads_to: Option<Vec<Edge>>,
    }

    const FUTURE: Examples = &[
        ("title", "title: X"),
        ("within", "within: era-one"),
        ("tags", "tags: [agi, chips]"),
        ("leads_to", "leads_to:\n  - future: b\n    probability: 0.3"),
        ("future", "future: b"),
        ("probability", "probability: 0.3"),
    ];

    /// The one-line form of the error `text` gets, and its hint.
    fn explained(text: &str) -> String {
        let err = decode::<Future>(text, Path::new("f.yaml"), 1, FUTURE).unwrap_err();
        format!("{err} | {}", err.help.as_deref().unwrap_or_default())
    }

    #[test]
    fn mistakes_are_explained_where_they_are() {
        let cases = [
            (
                "title: X\nleads_to:\n  - future: a\n    probability: 0.5\n  - probability: 0.3\n",
                "f.yaml:5:5: this `leads_to` item has no `future` | add a line such as `future: b` to it, lined up with `probability`",
            ),
            (
                "title: X\nleads_to:\n  - future: a\n  probability: 0.5\n",
                "f.yaml:3:5: this `leads_to` item has no `probability` | `probability` on line 4 is not lined up with `future`: indent it by 4 spaces",
            ),
            (
                "title: X\nleads_to:\n  - future: a\n    probabilty: 0.5\n",
                "f.yaml:4:5: unknown key `probabilty` | did you mean `probability`? Known keys in a `leads_to` item: future, probability",
            ),
            (
                "title: X\nleads_to:\n  - future: a\n\tprobability: 0.5\n",
                "f.yaml:4:1: a tab indents this line | YAML does not allow tabs for indentation; use spaces",
            ),
            (
                "title: X\ntags: [a]\ntitle: Y\n",
                "f.yaml:3:1: `title` appears twice in this file; keep one | the other is on line 1; remove one of the two",
            ),
            (
                "title: X\nleads_to:\n  - future: a\n    probability: 0.1\n  - future: b\n    future: c\n",
                "f.yaml:6:5: `future` appears twice in this `leads_to` item | the other starts this item on line 5; if this line starts the next `leads_to` item, begin it with `- ` in the column of the `- ` on line 5; if not, remove one of the two",
            ),
            (
                "title: X\nleads_to:\n  - future: a\n    probability: 0.5\n    future: b\n    probability: 0.3\n",
                "f.yaml:5:5: `future` appears twice in this `leads_to` item | the other starts this item on line 3; if this line starts the next `leads_to` item, begin it with `- ` in the column of the `- ` on line 3; if not, remove one of the two",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(explained(text), want, "{text:?}");
        }
    }

    #[test]
    fn values_of_the_wrong_shape_are_rewritten_from_what_was_written() {
        let cases = [
            (
                "title: X\ntags: agi, chips\n",
                "f.yaml:2:7: `tags` must be a list | write `tags: [agi, chips]`",
            ),
            (
                "title: X\nwithin: [era-one]\n",
                "f.yaml:2:9: `within` takes a single value | write it without brackets: `within: era-one`",
            ),
            (
                "title: X\nleads_to: [a, b]\n",
                "f.yaml:2:12: each `leads_to` item is a set of `key: value` lines | write each item like this:\nleads_to:\n  - future: b\n    probability: 0.3",
            ),
            (
                "title: X\ntags:\n  -agi\n",
                "f.yaml:3:3: a `tags` item needs a space after `-` | write `- agi`",
            ),
            (
                "title:\n",
                "f.yaml:1:6: `title` is empty | write its value after the colon, e.g. `title: X`",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(explained(text), want, "{text:?}");
        }
    }

    #[test]
    fn syntax_errors_point_at_their_cause() {
        let cases = [
            (
                "title: A: B\n",
                "f.yaml:1:9: the value of `title` holds `: `, which YAML reads as another key | put the value in quotes: `title: \"A: B\"`",
            ),
            (
                "title: X\ntags: [a, b\nwithin: c\n",
                "f.yaml:2:7: the `[` of `tags` is never closed | end it with `]` on the same line, e.g. `tags: [agi, chips]`",
            ),
            (
                "title: X\n  within: c\n",
                "f.yaml:2:3: `within` is not lined up with `title` on line 1 | keys of one level start in the same column: remove the spaces before it",
            ),
            (
                "title: X\nleads_to:\n  - future: a, probability: 0.5\n",
                "f.yaml:3:16: `probability` must start a line of its own | put `probability: 0.5` on the next line, lined up with `future`",
            ),
            (
                "title: X\nwithin:era-one\n",
                "f.yaml:2:1: `within` needs a space after its colon | write `within: era-one`",
            ),
            (
                "title: 'it's'\n",
                "f.yaml:1:12: the value of `title` goes on after its closing quote | the value holds its own `'`; quote it with the other mark: `title: \"it's\"`",
            ),
            (
                "title: X\n---\n",
                "f.yaml:2:1: a `---` line here starts a second YAML document | this file holds one document: remove the `---` line",
            ),
            (
                "# nothing yet\n",
                "f.yaml:1:1: the file is empty | write its keys, one `key: value` per line, starting with `title: X`",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(explained(text), want, "{text:?}");
        }
    }

    #[test]
    fn values_keep_their_position_below_front_matter() {
        let doc: Doc = decode(
            "title: X\nwithin: era-one\n",
            Path::new("a.md"),
            2,
            EXAMPLES,
        )
        .unwrap();
        assert_eq!(pos_of(doc.within.as_ref().unwrap(), 2), Pos::new(3, 9));
    }

    #[test]
    fn unknown_keys_suggest_the_closest_known_one() {
        let err =
            decode::<Doc>("title: X\nwithn: a\n", Path::new("f.yaml"), 1, EXAMPLES).unwrap_err();
        assert_eq!(err.to_string(), "f.yaml:2:1: unknown key `withn`");
        assert_eq!(
            err.help.as_deref(),
            Some("did you mean `within`? Known keys: title, within")
        );
    }

    #[test]
    fn missing_keys_and_bad_syntax_are_located() {
        let err = decode::<Doc>("within: a\n", Path::new("f.yaml"), 1, EXAMPLES).unwrap_err();
        assert_eq!(err.to_string(), "f.yaml:1:1: missing required key `title`");
        assert_eq!(err.help.as_deref(), Some("add a line such as `title: X`"));
        let err =
            decode::<Doc>("title: X\nwithin: [\n", Path::new("f.yaml"), 1, EXAMPLES).unwrap_err();
        assert_eq!(err.pos, Pos::new(2, 9));
    }
}
