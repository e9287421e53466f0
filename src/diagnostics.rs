//! Located problems in a site's sources, and how they are shown to people.
//!
//! Every layer that reads user files reports problems as [`Diagnostic`]s: a
//! file, a line and column, a message and a hint that says how to fix it.
//! They are collected rather than returned one at a time so that a run shows
//! every problem at once.

use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};

/// A 1-based line and column in a source file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

impl Pos {
    pub(crate) const START: Pos = Pos { line: 1, col: 1 };

    pub(crate) fn new(line: u32, col: u32) -> Pos {
        Pos {
            line: line.max(1),
            col: col.max(1),
        }
    }

    /// The position `text[..offset]` ends at, counted from `self`.
    pub(crate) fn advanced_by(self, text: &str, offset: usize) -> Pos {
        let before = &text[..offset.min(text.len())];
        match before.rfind('\n') {
            Some(nl) => Pos::new(
                self.line + before.matches('\n').count() as u32,
                before[nl + 1..].chars().count() as u32 + 1,
            ),
            None => Pos::new(self.line, self.col + before.chars().count() as u32),
        }
    }
}

/// Positions of offsets in one text, found in increasing order: each is
/// counted on from the last, so a document's 20,000 links cost one pass
/// over it instead of one each (an earlier offset counts from the start).
pub(crate) struct Cursor {
    start: Pos,
    pos: Pos,
    offset: usize,
}

impl Cursor {
    /// A cursor at the start of a text that starts at `start` of its file.
    pub(crate) fn new(start: Pos) -> Cursor {
        Cursor {
            start,
            pos: start,
            offset: 0,
        }
    }

    /// The position `text[..offset]` ends at, as [`Pos::advanced_by`].
    pub(crate) fn at(&mut self, text: &str, offset: usize) -> Pos {
        let offset = offset.min(text.len());
        if offset < self.offset || !text.is_char_boundary(self.offset) {
            (self.pos, self.offset) = (self.start, 0);
        }
        self.pos = self
            .pos
            .advanced_by(&text[self.offset..], offset - self.offset);
        self.offset = offset;
        self.pos
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem at one place in one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path relative to the site root, as the user would type it.
    pub file: PathBuf,
    pub pos: Pos,
    pub message: String,
    pub help: Option<String>,
}

/// How to write a value right, from a parser that knows the value but not
/// where it was written: its caller makes it the help of a [`Diagnostic`]
/// located at the value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Fix(String);

impl Fix {
    pub(crate) fn new(how: impl Into<String>) -> Fix {
        Fix(how.into())
    }

    #[cfg(test)]
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Fix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<Fix> for String {
    fn from(fix: Fix) -> String {
        fix.0
    }
}

impl Diagnostic {
    pub(crate) fn error(
        file: impl Into<PathBuf>,
        pos: Pos,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            pos,
            message: message.into(),
            help: None,
        }
    }

    pub(crate) fn warning(
        file: impl Into<PathBuf>,
        pos: Pos,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, pos, message)
        }
    }

    pub(crate) fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// `path:line:col: message` — the one-line form editors and tests match on.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file.display(),
            self.pos.line,
            self.pos.col,
            self.message
        )
    }
}

/// Everything found wrong in one run, errors and warnings together.
#[derive(Clone, Debug, Default)]
pub(crate) struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub(crate) fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub(crate) fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }

    pub(crate) fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub(crate) fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    /// Sorted by file and position so output is stable across parallel runs.
    pub(crate) fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.items
            .sort_by(|a, b| (&a.file, a.pos, a.severity).cmp(&(&b.file, b.pos, b.severity)));
        self.items.dedup();
        self.items
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(iter: I) -> Self {
        Diagnostics {
            items: iter.into_iter().collect(),
        }
    }
}

/// How diagnostics are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    /// Compiler-style, with the source line and a caret.
    #[default]
    Human,
    /// GitHub Actions workflow commands, which become annotations on a PR.
    Github,
}

/// At most this many problems of one file are shown; the rest are counted.
/// Past a few dozen, a file's problems are one mistake repeated (a pasted
/// list of 40,000 edges), and printing each helps no one.
pub(crate) const SHOWN_PER_FILE: usize = 50;

/// Renders a run's diagnostics (sorted, as `Diagnostics::into_sorted`
/// leaves them), reading each file once for all its source lines, and showing
/// at most `SHOWN_PER_FILE` of a file's problems followed by a line
/// counting the others. A file's path is shown joined to `shown_root`
/// (`.` shows it relative to the site root `root`, as cargo does when run
/// from a subfolder of a package).
pub fn render_all(
    diags: &[Diagnostic],
    root: &Path,
    shown_root: &Path,
    format: Format,
    color: bool,
) -> String {
    let mut out = String::new();
    for same_file in diags.chunk_by(|a, b| a.file == b.file) {
        let file = shown(shown_root, &same_file[0].file);
        let source = match format {
            Format::Human => Source::read(&root.join(&same_file[0].file)),
            Format::Github => Source::default(),
        };
        for d in same_file.iter().take(SHOWN_PER_FILE) {
            out.push_str(&match format {
                Format::Human => render_human(d, source.line(d.pos.line), &file, color),
                Format::Github => render_github(d, &file),
            });
        }
        let more = same_file.len().saturating_sub(SHOWN_PER_FILE);
        if more > 0 {
            out.push_str(&not_shown(&file, more, format));
        }
    }
    out
}

/// The line that stands for a file's problems past [`SHOWN_PER_FILE`].
fn not_shown(file: &str, more: usize, format: Format) -> String {
    let text = format!(
        "… and {} more problems in this file, not shown",
        thousands(more)
    );
    match format {
        Format::Human => format!("{file}: {text}\n  = help: fix those shown and run it again\n"),
        Format::Github => format!(
            "::notice file={}::{}\n",
            escape_property(file),
            escape_data(&text)
        ),
    }
}

/// `39990` as `39,990`.
pub(crate) fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A file's text and where each of its lines starts, read once for all of
/// its problems (reading it again for each made 40,000 problems quadratic).
#[derive(Default)]
struct Source {
    text: String,
    starts: Vec<usize>,
}

impl Source {
    /// The file's text; none when it is not a regular file: a folder, a
    /// pipe (which would never end) or a link, which may lead outside the
    /// site (its first line must not reach a build's log).
    fn read(path: &Path) -> Source {
        let regular = std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file());
        let Some(text) = regular
            .then(|| std::fs::read_to_string(path).ok())
            .flatten()
        else {
            return Source::default();
        };
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .filter(|&i| i < text.len())
            .collect();
        Source { text, starts }
    }

    /// Line `n` (1-based) without its line ending.
    fn line(&self, n: u32) -> Option<&str> {
        let i = n.checked_sub(1)? as usize;
        let start = *self.starts.get(i)?;
        let end = self.starts.get(i + 1).copied().unwrap_or(self.text.len());
        Some(self.text[start..end].trim_end())
    }
}

/// The file as the user would open it from where they ran the command.
fn shown(root: &Path, file: &Path) -> String {
    let path = if root.as_os_str().is_empty() || root == Path::new(".") {
        file.to_path_buf()
    } else {
        root.join(file)
    };
    let s = path.display().to_string();
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

fn render_human(d: &Diagnostic, line: Option<&str>, file: &str, color: bool) -> String {
    let paint = |code: &str, text: &str| {
        if color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    };
    let (label, code) = match d.severity {
        Severity::Error => ("error", "1;31"),
        Severity::Warning => ("warning", "1;33"),
    };
    let mut out = format!(
        "{}: {} {}\n",
        paint("1", &format!("{file}:{}:{}", d.pos.line, d.pos.col)),
        paint(code, &format!("{label}:")),
        paint("1", &d.message)
    );
    if let Some(line) = line {
        let (line, col) = excerpt(line, d.pos.col.saturating_sub(1) as usize);
        let number = d.pos.line.to_string();
        let gutter = " ".repeat(number.len());
        let caret_pad: String = line
            .chars()
            .take(col)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let _ = writeln!(out, "{gutter} {}", paint("1;34", "|"));
        let _ = writeln!(
            out,
            "{} {} {line}",
            paint("1;34", &number),
            paint("1;34", "|")
        );
        let _ = writeln!(
            out,
            "{gutter} {} {caret_pad}{}",
            paint("1;34", "|"),
            paint(code, "^")
        );
    }
    if let Some(help) = &d.help {
        let help = help.replace('\n', "\n          ");
        let _ = writeln!(out, "  {} {help}", paint("1;36", "= help:"));
    }
    out
}

/// Source lines longer than this are shown in part, around the column.
const SHOWN_LINE_CHARS: usize = 160;

/// The part of `line` shown with a caret at 0-based char `col`, and the
/// caret's column in it: a line of 4 MB is cut to the part around it.
fn excerpt(line: &str, col: usize) -> (String, usize) {
    let total = line.chars().count();
    if total <= SHOWN_LINE_CHARS {
        return (line.to_string(), col);
    }
    let start = col.saturating_sub(SHOWN_LINE_CHARS / 3).min(total);
    let shown: String = line.chars().skip(start).take(SHOWN_LINE_CHARS).collect();
    let before = if start > 0 { "…" } else { "" };
    let after = if start + SHOWN_LINE_CHARS < total {
        "…"
    } else {
        ""
    };
    (
        format!("{before}{shown}{after}"),
        col - start + before.chars().count(),
    )
}

/// `::error file=…,line=…,col=…::message`, escaped as GitHub's runner expects.
fn render_github(d: &Diagnostic, file: &str) -> String {
    let kind = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str(" — ");
        message.push_str(help);
    }
    format!(
        "::{kind} file={},line={},col={}::{}\n",
        escape_property(file),
        d.pos.line,
        d.pos.col,
        escape_data(&message)
    )
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The known name closest to `unknown`, if one is close enough to be a typo.
/// A name that holds all of `unknown` comes first: `wins` is short for
/// `wins_if`, not a misspelt `kind`.
///
/// Names whose letters differ by more than a typo could are not compared
/// (see [`Letters`]), so a pasted 4 MB name, or 5,000 unknown names among
/// 2,000 known ones, costs a pass over each name rather than an edit
/// distance with every other.
pub(crate) fn closest<'a>(
    unknown: &str,
    known: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let holds = |k: &str| unknown.len() > 3 && k.len() >= unknown.len() && k.contains(unknown);
    let typo = |k: &str| (unknown.len().max(k.len()) / 3).max(2);
    let letters = Letters::of(unknown);
    known
        .into_iter()
        .filter_map(|k| {
            let holds = holds(k);
            if !holds && letters.distance(&Letters::of(k)) > typo(k) {
                return None;
            }
            let d = strsim::osa_distance(unknown, k);
            (d <= typo(k) || holds).then_some((holds, d, k))
        })
        .min_by_key(|&(holds, d, _)| (!holds, d))
        .map(|(_, _, k)| k)
}

/// How many times each letter occurs in a name (letters counted modulo
/// 64). Each edit changes at most one count up and one down, so the larger
/// of the total surplus either way is never more than the edit distance.
struct Letters([u32; 64]);

impl Letters {
    fn of(name: &str) -> Letters {
        let mut counts = [0; 64];
        for c in name.chars() {
            counts[c as usize % 64] += 1;
        }
        Letters(counts)
    }

    /// A lower bound of the edit distance between the two names.
    fn distance(&self, other: &Letters) -> usize {
        let (mut more, mut fewer) = (0, 0);
        for (a, b) in self.0.iter().zip(&other.0) {
            more += a.saturating_sub(*b) as usize;
            fewer += b.saturating_sub(*a) as usize;
        }
        more.max(fewer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One diagnostic as a run prints it, the path joined to `root`.
    fn render(d: &Diagnostic, root: &Path, format: Format, color: bool) -> String {
        render_all(std::slice::from_ref(d), root, root, format, color)
    }

    #[test]
    fn positions_advance_over_lines_and_columns() {
        let text = "ab\ncdé\nf";
        assert_eq!(Pos::START.advanced_by(text, 1), Pos::new(1, 2));
        assert_eq!(Pos::START.advanced_by(text, 3), Pos::new(2, 1));
        assert_eq!(
            Pos::new(10, 1).advanced_by(text, text.len()),
            Pos::new(12, 2)
        );
    }

    #[test]
    fn suggestions_find_typos_but_not_strangers() {
        let known = ["agi-by-2030", "scaling-stalls", "robots-bootstrap"];
        assert_eq!(closest("agi-2030", known), Some("agi-by-2030"));
        assert_eq!(closest("scaling-stals", known), Some("scaling-stalls"));
        assert_eq!(closest("quantum-winter", known), None);
        assert_eq!(
            closest("wins", ["title", "kind", "wins_if"]),
            Some("wins_if")
        );
    }

    #[test]
    fn github_format_escapes_separators() {
        let d = Diagnostic::error("futures/a,b.yaml", Pos::new(3, 7), "bad: 50%\nvalue")
            .with_help("fix it");
        assert_eq!(
            render(&d, Path::new("site"), Format::Github, false),
            "::error file=site/futures/a%2Cb.yaml,line=3,col=7::bad: 50%25%0Avalue — fix it\n"
        );
    }

    #[test]
    fn human_format_points_at_the_column() {
        let dir = std::env::temp_dir().join(format!("forkcast-diag-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("x.yaml"), "title: X\nwithin: nope\n").unwrap();
        let d = Diagnostic::error("x.yaml", Pos::new(2, 9), "unknown future `nope`")
            .with_help("create futures/nope.yaml");
        let out = render(&d, &dir, Format::Human, false);
        assert_eq!(
            out,
            format!(
                "{}/x.yaml:2:9: error: unknown future `nope`\n  |\n2 | within: nope\n  |         ^\n  = help: create futures/nope.yaml\n",
                dir.display()
            )
        );
        // Shown from the site root, the source line is still read from `dir`.
        let out = render_all(
            std::slice::from_ref(&d),
            &dir,
            Path::new("."),
            Format::Human,
            false,
        );
        assert!(
            out.starts_with("x.yaml:2:9: error: unknown future `nope`\n  |\n2 | within: nope\n")
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
