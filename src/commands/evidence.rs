//! `forkcast evidence add`: one dated item appended to a future file's
//! `evidence:` list, every other byte of the file left as it was.
//!
//! The file is edited as text, not parsed and printed again, so comments,
//! key order and quoting survive; the edit is then proved by reading both
//! versions as YAML (the new one must be the old one with exactly this item
//! added) and through the future parser, before anything is written.

use std::fmt;
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::diagnostics::{Diagnostic, Diagnostics, Pos, closest};
use crate::model::site::BuildOptions;
use crate::source::files;
use crate::source::futures::{self, FUTURE_EXTENSIONS};
pub use crate::source::record::Direction;

/// An item as the command line gives it, not yet checked.
#[derive(Clone, Debug)]
pub struct NewEvidence {
    /// The future's id: its file's name without `.yaml`.
    pub future: String,
    pub url: String,
    pub direction: Direction,
    pub title: String,
    /// `YYYY-MM-DD`; today when left out.
    pub date: Option<String>,
    /// One line of Markdown.
    pub note: Option<String>,
}

/// What `add` wrote; its `Display` is what `forkcast evidence add` prints.
#[derive(Debug)]
pub struct Added {
    pub future: String,
    /// Relative to the site root.
    pub file: PathBuf,
    /// The line the new item starts at.
    pub line: usize,
    pub date: String,
    pub direction: Direction,
}

impl fmt::Display for Added {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Added evidence {} `{}` dated {} at {}:{}",
            self.direction.as_str(),
            self.future,
            self.date,
            self.file.display(),
            self.line
        )
    }
}

#[derive(Debug)]
pub enum EvidenceError {
    /// No future has this id; the closest one, if any is close.
    UnknownFuture {
        id: String,
        suggestion: Option<String>,
    },
    /// Two files give the same id.
    TwoFiles(String, Vec<PathBuf>),
    /// The address is not an `http(s)` one; why, and how to write it.
    NotWebAddress {
        url: String,
        help: String,
    },
    BadDate(String),
    FutureDate {
        date: Date,
        today: Date,
    },
    /// "Today" cannot be known: `SOURCE_DATE_EPOCH` is not a time.
    Now(Diagnostic),
    /// A text option is empty or spans lines: which, and the problem.
    BadText {
        option: &'static str,
        problem: &'static str,
        help: &'static str,
    },
    /// The future file has problems already, or an `evidence:` that cannot
    /// be added to: located in the file as it is on disk.
    File(Vec<Diagnostic>),
    /// The file would not load with the item added (a rule of the future
    /// parser, or an edit that reads back differently).
    WouldNotLoad {
        file: PathBuf,
        problems: Vec<String>,
    },
    /// The file changed between reading it and writing it.
    Changed(PathBuf),
    Io(PathBuf, io::Error),
}

impl EvidenceError {
    /// Whether the command line was wrong (exit status 2) rather than a file.
    pub fn is_usage(&self) -> bool {
        !matches!(
            self,
            EvidenceError::File(_)
                | EvidenceError::WouldNotLoad { .. }
                | EvidenceError::Changed(_)
                | EvidenceError::Io(..)
        )
    }
}

impl fmt::Display for EvidenceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvidenceError::UnknownFuture { id, suggestion } => {
                write!(f, "no future has the id `{}`", futures::quoted(id))?;
                match suggestion {
                    Some(s) => write!(f, "\n  = help: did you mean `{s}`?"),
                    None => write!(
                        f,
                        "\n  = help: a future's id is its file's name in futures/ without `.yaml`"
                    ),
                }
            }
            EvidenceError::TwoFiles(id, paths) => write!(
                f,
                "two files give the id `{id}`: {}\n  = help: rename one of them; `forkcast check` says the same",
                paths
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(" and ")
            ),
            EvidenceError::NotWebAddress { url, help } => write!(
                f,
                "`{}` is not a web address\n  = help: {help}",
                futures::quoted(url)
            ),
            EvidenceError::BadDate(d) => write!(
                f,
                "`--date {}` is not a date\n  = help: write the day as YYYY-MM-DD, e.g. `--date 2026-05-02`",
                futures::quoted(d)
            ),
            EvidenceError::FutureDate { date, today } => write!(
                f,
                "`--date {date}` is after today ({today})\n  = help: evidence is what has happened: give the day it was published"
            ),
            EvidenceError::Now(d) => {
                write!(f, "{}", d.message)?;
                match &d.help {
                    Some(help) => write!(f, "\n  = help: {help}"),
                    None => Ok(()),
                }
            }
            EvidenceError::BadText {
                option,
                problem,
                help,
            } => write!(f, "`{option}` {problem}\n  = help: {help}"),
            EvidenceError::File(diags) => {
                let lines: Vec<String> = diags.iter().map(ToString::to_string).collect();
                write!(f, "{}", lines.join("\n"))
            }
            EvidenceError::WouldNotLoad { file, problems } => write!(
                f,
                "{} would not load with this item, so nothing was written:\n  {}\n  = help: change the option the problem names and run the command again",
                file.display(),
                problems.join("\n  ")
            ),
            EvidenceError::Changed(file) => write!(
                f,
                "{} changed while the item was being added, so nothing was written\n  = help: run the command again",
                file.display()
            ),
            EvidenceError::Io(path, e) => write!(f, "cannot write {}: {e}", path.display()),
        }
    }
}

impl std::error::Error for EvidenceError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            EvidenceError::Io(_, e) => Some(e),
            _ => None,
        }
    }
}

/// A checked item, its values as they are written.
#[derive(Clone, Debug, PartialEq)]
struct Item {
    date: Date,
    title: String,
    url: String,
    direction: Direction,
    note: Option<String>,
}

/// Appends `new` to its future's `evidence:` list in the site at `root`,
/// atomically. Nothing is written unless the file then loads and reads as
/// it did, with the item added.
pub fn add(root: &Path, new: &NewEvidence) -> Result<Added, EvidenceError> {
    // "Today" as a build sees it, so an item added today is not "in the
    // future" to the next build.
    let today = BuildOptions::default()
        .today()
        .map_err(EvidenceError::Now)?;
    let item = checked(new, today)?;
    let (path, rel) = future_file(root, &new.future)?;
    // A file reached through a link inside the site is written where it is,
    // so the link stays a link.
    let path = fs::canonicalize(&path).map_err(|e| EvidenceError::Io(rel.clone(), e))?;
    let old = fs::read_to_string(&path).map_err(|e| EvidenceError::Io(rel.clone(), e))?;
    loads(&rel, &old).map_err(EvidenceError::File)?;
    let (text, line) = append(&old, &item).map_err(|e| {
        EvidenceError::File(vec![
            Diagnostic::error(&rel, e.pos, e.message).with_help(e.help),
        ])
    })?;
    let problems = match reads_back(&old, &text, &item) {
        Ok(()) => loads(&rel, &text)
            .err()
            .map(|diags| diags.iter().map(new_item_problem).collect()),
        Err(why) => Some(vec![why]),
    };
    if let Some(problems) = problems {
        return Err(EvidenceError::WouldNotLoad {
            file: rel,
            problems,
        });
    }
    write_over(&path, &old, &text).map_err(|e| match e {
        Written::Changed => EvidenceError::Changed(rel.clone()),
        Written::Io(e) => EvidenceError::Io(rel.clone(), e),
    })?;
    Ok(Added {
        future: new.future.clone(),
        file: rel,
        line,
        date: item.date.to_string(),
        direction: item.direction,
    })
}

/// A problem of the edited text, which is not on disk, so it is said
/// with its line rather than shown under the file's line.
fn new_item_problem(d: &Diagnostic) -> String {
    match &d.help {
        Some(help) => format!("line {}: {} ({help})", d.pos.line, d.message),
        None => format!("line {}: {}", d.pos.line, d.message),
    }
}

/// The command line's values checked, each with what to do instead.
fn checked(new: &NewEvidence, today: Date) -> Result<Item, EvidenceError> {
    let date = match &new.date {
        None => today,
        Some(d) => {
            let date = parse_date(d).ok_or_else(|| EvidenceError::BadDate(d.clone()))?;
            if date > today {
                return Err(EvidenceError::FutureDate { date, today });
            }
            date
        }
    };
    let title = one_line(
        "--title",
        &new.title,
        "give the item a short title, e.g. `--title \"Lab X reports week-long agent tasks\"`",
    )?;
    let note = match &new.note {
        Some(n) => Some(one_line(
            "--note",
            n,
            "write the note on one line, or leave `--note` out",
        )?),
        None => None,
    };
    Ok(Item {
        date,
        title,
        url: web_address(&new.url)?,
        direction: new.direction,
        note,
    })
}

/// Only `YYYY-MM-DD`: jiff would also take `20260502` and other forms a
/// future file would not.
fn parse_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    shaped.then(|| s.parse().ok()).flatten()
}

/// A title or note: trimmed, not empty, one line.
fn one_line(option: &'static str, s: &str, help: &'static str) -> Result<String, EvidenceError> {
    let s = s.trim();
    let problem = if s.is_empty() {
        "is empty"
    } else if s.chars().any(|c| LINE_BREAKS.contains(&c)) {
        "spans more than one line"
    } else {
        return Ok(s.to_string());
    };
    Err(EvidenceError::BadText {
        option,
        problem,
        help,
    })
}

/// What YAML (1.1 or 1.2) or an editor may take for the end of a line.
const LINE_BREAKS: &[char] = &['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}'];

/// An `http(s)` address with a host: evidence is a page a reader opens,
/// and anything else (`javascript:`, `data:`, `file:`) is refused.
fn web_address(url: &str) -> Result<String, EvidenceError> {
    let refused = |help: String| EvidenceError::NotWebAddress {
        url: url.to_string(),
        help,
    };
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(refused(
            "a web address has no spaces or line breaks: encode a space as `%20`".into(),
        ));
    }
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    match rest {
        Some(rest) if !rest.is_empty() && !rest.starts_with(['/', '?', '#']) => Ok(url.to_string()),
        Some(_) => Err(refused(
            "name the site after `//`, e.g. `https://example.org/report`".into(),
        )),
        None => match lower.split_once(':') {
            Some((scheme, _))
                if !scheme.is_empty()
                    && !scheme.contains(['/', '.'])
                    && scheme
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) =>
            {
                Err(refused(format!(
                    "`{scheme}:` addresses are refused: evidence links to a web page, starting with `https://` or `http://`"
                )))
            }
            _ if url.contains('.') && !url.starts_with('/') => Err(refused(format!(
                "start it with `https://`: `https://{url}`"
            ))),
            _ => Err(refused(
                "evidence links to a web page, starting with `https://` or `http://`".into(),
            )),
        },
    }
}

/// The file of future `id` (absolute) and its path from the site root.
fn future_file(root: &Path, id: &str) -> Result<(PathBuf, PathBuf), EvidenceError> {
    let found = files::walk(root, &root.join("futures"), FUTURE_EXTENSIONS).files;
    let stem = |p: &Path| p.file_stem().map(|s| s.to_string_lossy().into_owned());
    let mut matching: Vec<PathBuf> = found
        .iter()
        .filter(|p| stem(p).as_deref() == Some(id))
        .cloned()
        .collect();
    let rel = |p: &Path| p.strip_prefix(root).unwrap_or(p).to_path_buf();
    match matching.len() {
        1 => {
            let path = matching.remove(0);
            let shown = rel(&path);
            Ok((path, shown))
        }
        0 => {
            let ids: Vec<String> = found.iter().filter_map(|p| stem(p)).collect();
            Err(EvidenceError::UnknownFuture {
                id: id.to_string(),
                suggestion: closest(id, ids.iter().map(String::as_str)).map(str::to_string),
            })
        }
        _ => Err(EvidenceError::TwoFiles(
            id.to_string(),
            matching.iter().map(|p| rel(p)).collect(),
        )),
    }
}

/// The future parser's errors for `text` as the file `rel`, if any.
fn loads(rel: &Path, text: &str) -> Result<(), Vec<Diagnostic>> {
    let mut diags = Diagnostics::default();
    futures::parse(rel, text, &mut diags);
    if diags.has_errors() {
        Err(diags
            .into_sorted()
            .into_iter()
            .filter(Diagnostic::is_error)
            .collect())
    } else {
        Ok(())
    }
}

/// Why `evidence:` cannot be added to as it is written, and where.
#[derive(Debug, PartialEq)]
struct Unextendable {
    pos: Pos,
    message: String,
    help: String,
}

/// One line of the file: where it starts, and its text without the line
/// break.
struct Line<'a> {
    start: usize,
    end: usize,
    text: &'a str,
}

impl Line<'_> {
    fn blank_or_comment(&self) -> bool {
        let t = self.text.trim_start();
        t.is_empty() || t.starts_with('#')
    }

    fn indent(&self) -> usize {
        self.text.len() - self.text.trim_start_matches(' ').len()
    }

    /// `- …` or `-` alone: a list item, at any indentation.
    fn is_item(&self) -> bool {
        let t = self.text.trim_start_matches(' ');
        t == "-" || t.starts_with("- ")
    }

    /// Whether the line belongs to the top-level value above it: indented,
    /// blank, a comment, or a list item at column 0 (YAML lets a key's list
    /// items sit at the key's own column).
    fn continues_value(&self) -> bool {
        self.text.starts_with([' ', '\t']) || self.blank_or_comment() || self.is_item()
    }

    /// The column (from 0) the keys of the item starting on this line are at.
    fn key_column(&self) -> usize {
        let dash = self.indent();
        let after = &self.text[dash + 1..];
        let gap = after.len() - after.trim_start_matches(' ').len();
        if after.trim().is_empty() || after.trim_start().starts_with('#') {
            dash + 2
        } else {
            dash + 1 + gap
        }
    }
}

fn lines(text: &str) -> Vec<Line<'_>> {
    let mut start = 0;
    text.split_inclusive('\n')
        .map(|raw| {
            let line = Line {
                start,
                end: start + raw.len(),
                text: raw.trim_end_matches(['\n', '\r']),
            };
            start = line.end;
            line
        })
        .collect()
}

/// What follows `evidence:` on its line, if this line is that key.
fn evidence_key(line: &str) -> Option<(usize, &str)> {
    let rest = ["evidence", "\"evidence\"", "'evidence'"]
        .iter()
        .find_map(|k| line.strip_prefix(k))?;
    let rest = rest.trim_start_matches(' ').strip_prefix(':')?;
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    let value = rest.trim();
    Some((line.len() - rest.trim_start().len(), value))
}

/// How the file writes its lists: the column of a first item's dash and
/// of its keys, from the first block list under a top-level key (two
/// spaces in if it has none).
fn list_style(lines: &[Line<'_>]) -> (usize, usize) {
    lines
        .windows(2)
        .find(|w| {
            !w[0].text.starts_with([' ', '\t', '#', '-'])
                && w[0].text.trim_end().ends_with(':')
                && w[1].is_item()
        })
        .map_or((2, 4), |w| (w[1].indent(), w[1].key_column()))
}

/// `text` with `item` added at the end of its `evidence:` list (a list is
/// started at the end of the file if there is none), and the line the item
/// starts at.
fn append(text: &str, item: &Item) -> Result<(String, usize), Unextendable> {
    let lines = lines(text);
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let key = lines
        .iter()
        .enumerate()
        .find_map(|(i, l)| evidence_key(l.text).map(|(col, value)| (i, col, value)));
    let (at, style, opening) = match key {
        None => (
            text.len(),
            list_style(&lines),
            format!("evidence:{newline}"),
        ),
        Some((i, col, value)) => {
            if !(value.is_empty() || value.starts_with('#')) {
                return Err(not_a_block_list(i, col, value));
            }
            let body: Vec<&Line<'_>> = lines[i + 1..]
                .iter()
                .take_while(|l| l.continues_value() && !l.text.starts_with("---"))
                .collect();
            let first = body.iter().find(|l| !l.blank_or_comment());
            match first {
                None => (lines[i].end, list_style(&lines), String::new()),
                Some(first) if !first.is_item() => {
                    let line = i
                        + 2
                        + body
                            .iter()
                            .position(|l| l.start == first.start)
                            .unwrap_or(0);
                    return Err(Unextendable {
                        pos: Pos::new(line as u32, first.indent() as u32 + 1),
                        message: "`evidence` holds keys, not a list of items".into(),
                        help: "write each item as `- date: …` under `evidence:`, as `forkcast new future` shows".into(),
                    });
                }
                Some(first) => {
                    let last = body.iter().rev().find(|l| !l.blank_or_comment());
                    let end = last.map_or(lines[i].end, |l| l.end);
                    (end, (first.indent(), first.key_column()), String::new())
                }
            }
        }
    };
    let before = &text[..at];
    let mut added = String::new();
    if !before.is_empty() && !before.ends_with('\n') {
        added.push_str(newline);
    }
    added.push_str(&opening);
    let line = before.matches('\n').count() + added.matches('\n').count() + 1;
    added.push_str(&item_text(item, style, newline));
    Ok((format!("{before}{added}{}", &text[at..]), line))
}

fn not_a_block_list(line: usize, col: usize, value: &str) -> Unextendable {
    let pos = Pos::new(line as u32 + 1, col as u32 + 1);
    if value.starts_with('[') || value.starts_with('{') {
        let help = if value.split('#').next().unwrap_or("").trim() == "[]" {
            "write `evidence:` alone on its line instead of `evidence: []` (an empty list either way), then run the command again".to_string()
        } else {
            "write the list one item per line (`  - date: …` under `evidence:`), then run the command again".to_string()
        };
        Unextendable {
            pos,
            message: "`evidence` is written on one line (`[…]`), which cannot be added to without rewriting it".into(),
            help,
        }
    } else {
        Unextendable {
            pos,
            message: format!(
                "`evidence` holds `{}`, not a list of items",
                futures::quoted(value)
            ),
            help: "make it a list (`evidence:` alone on its line, items as `  - date: …` below it) or remove the line, then run the command again".into(),
        }
    }
}

/// The item's lines: the dash at `dash`, the keys at `keys`.
fn item_text(item: &Item, (dash, keys): (usize, usize), newline: &str) -> String {
    let keys = keys.max(dash + 2);
    let mut fields = vec![
        ("date", item.date.to_string()),
        ("title", scalar(&item.title)),
        ("url", scalar(&item.url)),
        ("direction", item.direction.as_str().to_string()),
    ];
    if let Some(note) = &item.note {
        fields.push(("note", scalar(note)));
    }
    let mut out = String::new();
    for (i, (key, value)) in fields.iter().enumerate() {
        if i == 0 {
            out.push_str(&" ".repeat(dash));
            out.push('-');
            out.push_str(&" ".repeat(keys - dash - 1));
        } else {
            out.push_str(&" ".repeat(keys));
        }
        out.push_str(key);
        out.push_str(": ");
        out.push_str(value);
        out.push_str(newline);
    }
    out
}

/// `s` as a YAML value that reads back as exactly this string: plain where
/// that is certain, else double-quoted with escapes.
fn scalar(s: &str) -> String {
    if plain_is_string(s) {
        return s.to_string();
    }
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || LINE_BREAKS.contains(&c) || c == '\u{feff}' => {
                out.push_str(&format!("\\u{:04X}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether `s` written bare is a plain scalar that YAML 1.1 and 1.2 both
/// read as this string. Conservative: a value that might be a number, a
/// boolean, null, a comment, a key or a YAML indicator is quoted.
fn plain_is_string(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    const WORDS: &[&str] = &[
        "null", "~", "true", "false", "yes", "no", "on", "off", "y", "n", ".inf", ".nan",
    ];
    let lower = s.to_ascii_lowercase();
    !(first.is_whitespace()
        || s.ends_with(char::is_whitespace)
        || "-?:,[]{}#&*!|>'\"%@`+.=<".contains(first)
        || first.is_ascii_digit()
        || WORDS.contains(&lower.as_str())
        || s.contains(": ")
        || s.contains(":\t")
        || s.ends_with(':')
        || s.contains(" #")
        || s.contains("\t#")
        || s.chars()
            .any(|c| c.is_control() || LINE_BREAKS.contains(&c) || c == '\u{feff}'))
}

/// Checks that `new` reads as `old` with `item` appended to `evidence` and
/// nothing else changed: the text edit is only trusted once YAML agrees.
fn reads_back(old: &str, new: &str, item: &Item) -> Result<(), String> {
    use serde_json::Value;
    let read = |text: &str| serde_saphyr::from_str::<Value>(text);
    let (Ok(Value::Object(mut old)), Ok(Value::Object(mut new))) = (read(old), read(new)) else {
        return Err("the file does not read as a list of keys with the item added".into());
    };
    let mut list = match old.remove("evidence") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items,
        Some(_) => return Err("`evidence` is not a list".into()),
    };
    let mut expected = serde_json::Map::new();
    expected.insert("date".into(), Value::String(item.date.to_string()));
    expected.insert("title".into(), Value::String(item.title.clone()));
    expected.insert("url".into(), Value::String(item.url.clone()));
    let direction = item.direction.as_str().to_string();
    expected.insert("direction".into(), Value::String(direction));
    if let Some(note) = &item.note {
        expected.insert("note".into(), Value::String(note.clone()));
    }
    list.push(Value::Object(expected));
    let added = new.remove("evidence");
    if added != Some(Value::Array(list)) {
        return Err("the `evidence` list would not read back as it was with this item added (an unusual layout: add the item by hand)".into());
    }
    if new != old {
        return Err("a key other than `evidence` would read differently (an unusual layout: add the item by hand)".into());
    }
    Ok(())
}

enum Written {
    Changed,
    Io(io::Error),
}

/// Replaces the file at `path` with `text` in one rename, keeping its
/// permissions, unless it no longer holds `old`.
fn write_over(path: &Path, old: &str, text: &str) -> Result<(), Written> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    // Hidden, so a `serve` watching the folder does not read it as a future.
    let temp = dir.join(format!(".{name}.evidence-{}", std::process::id()));
    let written = (|| {
        let permissions = fs::metadata(path)?.permissions();
        let mut file = fs::File::create(&temp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        fs::set_permissions(&temp, permissions)?;
        if fs::read_to_string(path)? != old {
            return Err(Written::Changed);
        }
        fs::rename(&temp, path)?;
        Ok(())
    })();
    if written.is_err() {
        let _ = fs::remove_file(&temp);
    }
    written
}

impl From<io::Error> for Written {
    fn from(e: io::Error) -> Written {
        Written::Io(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(title: &str, note: Option<&str>) -> Item {
        Item {
            date: Date::constant(2026, 5, 2),
            title: title.into(),
            url: "https://example.org/a#b".into(),
            direction: Direction::For,
            note: note.map(str::to_string),
        }
    }

    const NASTY: &[&str] = &[
        "Lab X: agents finish week-long tasks",
        "ends with a colon:",
        "# looks like a comment",
        "a #hashtag and a # comment",
        "- a list item",
        "* an alias",
        "& an anchor",
        "! a tag",
        "| a block",
        "> folded",
        "'single' quoted",
        "\"double\" quoted",
        "it's \"quoted\" inside",
        "yes",
        "No",
        "NULL",
        "~",
        "true",
        "off",
        "y",
        "2027",
        "0.35",
        "1e3",
        "0x1F",
        "+1",
        ".5",
        ".inf",
        "2026-05-02",
        "[not a list]",
        "{not: a map}",
        "% directive",
        "@handle",
        "`code`",
        "back\\slash",
        "tab\there",
        "trailing space ",
        " leading space",
        "emoji 🚀 and ünïcödé",
        "? question",
        "a, b, c",
        "key: value # comment",
        "---",
        "...",
        "<<",
        "=",
        "\u{feff}bom",
        "bell\u{7}",
        "nel\u{85}next",
        "ls\u{2028}next",
    ];

    /// Every nasty title and note reads back exactly from the written item.
    #[test]
    fn values_read_back_exactly() {
        #[derive(serde::Deserialize)]
        struct Doc {
            evidence: Vec<ReadItem>,
        }
        #[derive(serde::Deserialize)]
        struct ReadItem {
            title: String,
            url: String,
            note: String,
        }
        for title in NASTY {
            let text = append("title: X\n", &item(title, Some(title))).unwrap().0;
            let doc: Doc = serde_saphyr::from_str(&text)
                .unwrap_or_else(|e| panic!("{title:?} gives\n{text}\n{e}"));
            assert_eq!(doc.evidence[0].title, *title, "{text}");
            assert_eq!(doc.evidence[0].note, *title, "{text}");
            assert_eq!(doc.evidence[0].url, "https://example.org/a#b");
            reads_back("title: X\n", &text, &item(title, Some(title))).unwrap();
        }
    }

    /// Every string of up to three characters from YAML's indicators and
    /// separators reads back as itself.
    #[test]
    fn short_strings_of_indicators_read_back() {
        let alphabet: Vec<char> = "-?:,[]{}#&*!|>'\"%@` .a0\\~".chars().collect();
        let mut strings = vec![String::new()];
        for _ in 0..3 {
            let longer: Vec<String> = strings
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            strings.extend(longer);
        }
        for s in strings.iter().filter(|s| !s.is_empty()) {
            let yaml = format!("v: {}\n", scalar(s));
            let read: std::collections::BTreeMap<String, String> = serde_saphyr::from_str(&yaml)
                .unwrap_or_else(|e| panic!("{s:?} written as {yaml:?}: {e}"));
            assert_eq!(read["v"], *s, "{yaml:?}");
        }
    }

    #[test]
    fn plain_where_it_is_safe() {
        assert_eq!(scalar("Lab X reports agents"), "Lab X reports agents");
        assert_eq!(scalar("https://e.org/a#b"), "https://e.org/a#b");
        assert_eq!(scalar("yes"), "\"yes\"");
        assert_eq!(scalar("a: b"), "\"a: b\"");
        assert_eq!(scalar("say \"hi\" \\o/"), "say \"hi\" \\o/");
        assert_eq!(scalar("\"hi\" \\o/"), "\"\\\"hi\\\" \\\\o/\"");
    }

    #[test]
    fn flow_and_scalar_lists_are_refused_where_they_are() {
        let e = append(
            "title: X\nevidence: []  # none yet\ntags: []\n",
            &item("t", None),
        )
        .unwrap_err();
        assert_eq!(e.pos, Pos::new(2, 11));
        assert!(e.help.contains("instead of `evidence: []`"), "{}", e.help);
        let e = append("title: X\nevidence: ~\n", &item("t", None)).unwrap_err();
        assert_eq!(e.message, "`evidence` holds `~`, not a list of items");
        let e = append(
            "title: X\nevidence:\n  date: 2026-01-01\n",
            &item("t", None),
        )
        .unwrap_err();
        assert_eq!(e.pos, Pos::new(3, 3));
    }

    #[test]
    fn an_empty_key_gets_the_files_list_style() {
        let text = "title: X\nevidence:\n# to come\ntags:\n- a\n";
        let (out, line) = append(text, &item("T", None)).unwrap();
        assert_eq!(
            out,
            "title: X\nevidence:\n- date: 2026-05-02\n  title: T\n  url: https://example.org/a#b\n  direction: for\n# to come\ntags:\n- a\n"
        );
        assert_eq!(line, 3);
    }

    #[test]
    fn crlf_files_stay_crlf() {
        let (out, _) = append("title: X\r\nevidence:\r\n  - date: 2026-01-01\r\n    title: A\r\n    url: https://a.org\r\n    direction: against\r\n", &item("T", None)).unwrap();
        assert!(out.ends_with("direction: against\r\n  - date: 2026-05-02\r\n    title: T\r\n    url: https://example.org/a#b\r\n    direction: for\r\n"), "{out:?}");
    }

    #[test]
    fn addresses_and_dates() {
        assert!(web_address("https://example.org/x?y#z").is_ok());
        assert!(web_address("HTTP://EXAMPLE.ORG").is_ok());
        for (bad, says) in [
            ("javascript:alert(1)", "`javascript:` addresses are refused"),
            ("JavaScript:alert(1)", "`javascript:` addresses are refused"),
            ("data:text/html,x", "`data:` addresses are refused"),
            ("example.org/x", "`https://example.org/x`"),
            ("https://", "name the site"),
            ("https:///x", "name the site"),
            ("https://a.org/ b", "no spaces"),
            ("/relative", "starting with `https://`"),
        ] {
            match web_address(bad) {
                Err(EvidenceError::NotWebAddress { help, .. }) => {
                    assert!(help.contains(says), "{bad}: {help}")
                }
                other => panic!("{bad}: {other:?}"),
            }
        }
        assert_eq!(parse_date("2026-05-02"), Some(Date::constant(2026, 5, 2)));
        for bad in ["20260502", "2026-5-2", "2026-02-30", "2026-05-02T00:00", ""] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }
}
