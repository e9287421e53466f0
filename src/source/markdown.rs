//! Markdown to safe HTML: CommonMark plus tables, footnotes, strikethrough
//! and task lists; heading anchors and a table of contents; code highlighted
//! with CSS classes (so one stylesheet serves light and dark mode); reading
//! time and a plain-text summary. Root-relative links get the site's path
//! prefix and are checked against the routes the site will have; a
//! relative link to a source file (`other-post.md`, `../futures/x.yaml`)
//! becomes the address of that file's page.
//!
//! `[[id]]` references to futures and bets become links whose number is
//! filled in when a page is rendered ([`crate::source::references`]).
//!
//! Authors are untrusted, so the HTML goes through ammonia, a maintained
//! whitelist sanitizer, before it reaches a page.

pub(crate) mod highlights;

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::LazyLock;

use pulldown_cmark::{
    CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use crate::diagnostics::{Cursor, Diagnostic, Diagnostics, Pos, closest};
use crate::source::futures::{kebab, quoted};
use crate::source::references::{
    self, Html, MAX_REFERENCES, Part, Target, Targets, without_markers,
};

/// The class prefix of highlighted tokens; the theme's syntax.css uses it.
pub(crate) const HIGHLIGHT_CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

const WORDS_PER_MINUTE: usize = 200;
/// How much of a document's code is highlighted; the rest is shown plain.
/// Highlighting runs at about half a megabyte a second, and a 50 MB code
/// block would take minutes; this is a quarter of a second at most.
const HIGHLIGHTED_BYTES: usize = 128 * 1024;
const SUMMARY_CHARS: usize = 300;

/// A heading, for the table of contents.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub(crate) struct Heading {
    pub level: u8,
    pub id: String,
    pub title: String,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct Rendered {
    /// Sanitized HTML, with the places of its references' links and numbers.
    pub html: Html,
    pub toc: Vec<Heading>,
    /// The first paragraph as plain text, shortened.
    pub summary: String,
    pub words: usize,
    /// The plain text, for the search index.
    pub text: String,
    /// Some code is coloured, so its page needs syntax.css.
    pub highlighted: bool,
}

impl Rendered {
    pub(crate) fn reading_minutes(&self) -> usize {
        self.words.div_ceil(WORDS_PER_MINUTE).max(1)
    }
}

/// What links may point at, and where the Markdown sits for error reports.
pub(crate) struct Links<'a> {
    /// The path prefix of the site, e.g. `/manual/`.
    pub base_path: &'a str,
    /// Every output path without its leading slash: `posts/x/`, `style.css`.
    pub routes: &'a HashSet<String>,
    /// The futures and bets `[[id]]` may name.
    pub refs: &'a Targets,
    /// The source files a relative link may name, with their pages.
    pub sources: &'a SourcePages,
}

/// Every post, page, future and bet file by its path from the site's root
/// (`content/posts/x.md`), with the output path of its page (`posts/x/`):
/// authors link files as they see them in their editor, readers follow
/// pages. A file that does not load still has its page, so a link to it
/// is not reported on top of the file's own error.
pub(crate) type SourcePages = HashMap<PathBuf, String>;

/// The extensions of source files that have a page of their own.
const SOURCE_EXTENSIONS: &[&str] = &["md", "yaml", "yml"];

/// Renders `source`, which starts at `start` of `file`. Broken internal links
/// are reported to `diags`.
pub(crate) fn render(
    source: &str,
    file: &Path,
    start: Pos,
    links: &Links<'_>,
    diags: &mut Diagnostics,
) -> Rendered {
    let source = &*without_markers(source);
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_WIKILINKS
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut out = Rendered::default();
    let mut events: Vec<Event> = Vec::new();
    let mut used_ids = Anchors::default();
    let mut at = Cursor::new(start);
    let mut highlight_budget = HIGHLIGHTED_BYTES;
    let mut heading: Option<(usize, HeadingLevel)> = None;
    let mut code: Option<(String, String)> = None;
    let mut summary: Option<String> = None;
    let mut summary_done = false;

    // Raw HTML from the author is the only markup pulldown-cmark passes
    // through unescaped; without any, the output needs no sanitizer.
    let mut raw_html = RawHtml::default();
    let mut refs = Writing::default();
    let mut run = TextRun::default();
    for (event, range) in Parser::new_ext(source, options).into_offset_iter() {
        if refs.skips(&event) {
            continue;
        }
        match &event {
            Event::Text(t) if code.is_none() => run.push(t, range.start),
            _ => {
                run.end(file, &mut at, source, diags);
                run.in_cell = match &event {
                    Event::Start(Tag::TableCell) => true,
                    Event::End(TagEnd::TableCell) => false,
                    _ => run.in_cell,
                };
            }
        }
        match &event {
            Event::Html(h) | Event::InlineHtml(h) => raw_html.open(h, range.start),
            Event::Text(t) | Event::Code(t) => {
                count(&mut out, summary.as_mut().filter(|_| !summary_done), t);
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(s) = summary.as_mut().filter(|_| !summary_done) {
                    s.push(' ');
                }
            }
            _ => {}
        }
        match event {
            Event::Start(Tag::Paragraph) if !summary_done && summary.is_none() => {
                summary = Some(String::new());
                events.push(Event::Start(Tag::Paragraph));
            }
            Event::End(TagEnd::Paragraph) if summary.is_some() && !summary_done => {
                summary_done = true;
                events.push(Event::End(TagEnd::Paragraph));
            }
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some((events.len(), level));
                events.push(event);
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((at, level)) = heading.take() {
                    let heading = (at, level, &refs);
                    let id = finish_heading(&mut events, heading, &mut used_ids, &mut out.toc);
                    events.push(Event::Html(
                        format!(" <a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to this section\">#</a>").into(),
                    ));
                }
                events.push(event);
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split([' ', ',', '{']).next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
            }
            Event::Text(t) if code.is_some() => {
                if let Some((_, body)) = code.as_mut() {
                    body.push_str(&t);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((lang, body)) = code.take() {
                    // Past the budget, code is shown without colours.
                    let colour = body.len() <= highlight_budget;
                    highlight_budget = highlight_budget.saturating_sub(body.len());
                    let (html, coloured) = highlight(&lang, &body, colour);
                    out.highlighted |= coloured;
                    events.push(Event::Html(html.into()));
                }
            }
            Event::Start(Tag::Link {
                link_type: LinkType::WikiLink { has_pothole },
                dest_url,
                ..
            }) => {
                let pos = at.at(source, range.start);
                let target = links.refs.resolve(&dest_url, file, pos, diags);
                if let Some(title) = refs.open(target, has_pothole, file, pos, &mut events, diags) {
                    count(&mut out, summary.as_mut().filter(|_| !summary_done), title);
                }
            }
            Event::End(TagEnd::Link) if refs.is_open() => refs.close(&mut events),
            Event::Start(Tag::Image {
                link_type: LinkType::WikiLink { .. },
                ..
            }) => {
                let message = "`![[…]]` is not a reference: a future or bet is not an image";
                diags.push(
                    Diagnostic::error(file, at.at(source, range.start), message)
                        .with_help("remove the `!`: `[[id]]` links a future or bet"),
                );
            }
            Event::Start(mut tag @ (Tag::Link { .. } | Tag::Image { .. })) => {
                if let Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } = &mut tag {
                    let dest = std::mem::replace(dest_url, CowStr::Borrowed(""));
                    *dest_url = internal(dest, links, file, at.at(source, range.start), diags);
                }
                events.push(Event::Start(tag));
            }
            Event::TaskListMarker(done) => events.push(Event::InlineHtml(task_box(done).into())),
            other => events.push(other),
        }
    }
    run.end(file, &mut at, source, diags);
    let mut html = String::with_capacity(source.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    let html = match raw_html.too_deep {
        _ if !raw_html.seen => html,
        None => sanitize(&html),
        Some(offset) => {
            diags.push(raw_html.error(file, at.at(source, offset)));
            escape_html(&html)
        }
    };
    out.html = Html::from_marked(html, &refs.parts);
    out.summary = shorten(summary.unwrap_or_default().trim(), SUMMARY_CHARS);
    out
}

/// Counts `t`, text of the document, in its words, its searchable text
/// and (while it is being written) its summary.
fn count(out: &mut Rendered, summary: Option<&mut String>, t: &str) {
    out.words += word_count(t);
    out.text.push_str(t);
    out.text.push(' ');
    if let Some(s) = summary {
        s.push_str(t);
    }
}

/// How many words `t` holds, as `split_whitespace` counts them; ASCII
/// text, nearly all of it, without decoding characters.
fn word_count(t: &str) -> usize {
    if !t.is_ascii() {
        return t.split_whitespace().count();
    }
    // Unicode's White_Space in ASCII: tab to carriage return, and space.
    let space = |b: u8| matches!(b, b'\t'..=b'\r' | b' ');
    let mut words = 0;
    let mut in_word = false;
    for &b in t.as_bytes() {
        let starts = !space(b) && !in_word;
        words += usize::from(starts);
        in_word = !space(b);
    }
    words
}

/// A document's references as it is rendered: the parts written so far
/// (each a marker in the HTML, its index that of its part) and the one
/// being written.
#[derive(Default)]
struct Writing {
    parts: Vec<(Part, Target)>,
    /// The reference being written: its target (none after an error), and
    /// whether its words are the author's (else the id follows, which the
    /// title replaces).
    open: Option<(Option<Target>, bool)>,
    /// How many references it holds.
    count: usize,
    /// The title at each `Title` part, by the part's index.
    titles: HashMap<usize, String>,
}

impl Writing {
    fn is_open(&self) -> bool {
        self.open.is_some()
    }

    /// Whether `event` is the id written inside `[[id]]`.
    fn skips(&self, event: &Event<'_>) -> bool {
        matches!(self.open, Some((_, false))) && !matches!(event, Event::End(TagEnd::Link))
    }

    /// Starts a reference to `target` (none: it was reported) at `pos`;
    /// returns the title it shows when the author gave no words.
    fn open<'t>(
        &mut self,
        target: Option<(Target, &'t str)>,
        words: bool,
        file: &Path,
        pos: Pos,
        events: &mut Vec<Event<'_>>,
        diags: &mut Diagnostics,
    ) -> Option<&'t str> {
        let full = self.count >= MAX_REFERENCES;
        if full && target.is_some() {
            diags.push(
                Diagnostic::error(
                    file,
                    pos,
                    format!("more than {MAX_REFERENCES} references in one document"),
                )
                .with_help("split the document, or link the rest with `[text](/futures/<id>/)`"),
            );
        }
        let target = target.filter(|_| !full);
        self.open = Some((target.map(|t| t.0), words || target.is_none()));
        let (t, title) = target?;
        self.count += 1;
        events.push(self.mark(Part::Open, t));
        if words {
            return None;
        }
        self.titles.insert(self.parts.len(), title.to_string());
        events.push(self.mark(Part::Title, t));
        Some(title)
    }

    /// The title `html` stands for, if it is a `Title` part's marker.
    fn title(&self, html: &str) -> Option<&str> {
        let i = references::marker_index(html.chars().next()?)?;
        self.titles.get(&i).map(String::as_str)
    }

    fn close(&mut self, events: &mut Vec<Event<'_>>) {
        if let Some((Some(t), _)) = self.open.take() {
            events.push(self.mark(Part::Close, t));
        }
    }

    fn mark(&mut self, part: Part, target: Target) -> Event<'static> {
        let m = references::marker(self.parts.len());
        self.parts.push((part, target));
        Event::InlineHtml(m.to_string().into())
    }
}

/// Consecutive text outside code (pulldown-cmark splits it at brackets),
/// checked for what looks like a reference but is none: `[[]]`, `[[|x]]`,
/// and `[[id|text]]` in a table, whose `|` ends the cell.
#[derive(Default)]
struct TextRun {
    text: String,
    /// Where each piece starts: in `text`, and in the source.
    starts: Vec<(usize, usize)>,
    /// Inside a table's cell.
    in_cell: bool,
}

impl TextRun {
    fn push(&mut self, t: &str, offset: usize) {
        self.starts.push((self.text.len(), offset));
        self.text.push_str(t);
    }

    /// Ends the run at the next event: reports what it holds.
    fn end(&mut self, file: &Path, at: &mut Cursor, source: &str, diags: &mut Diagnostics) {
        // Every problem below starts at a `[[`; most runs have none, and
        // one pass over the bytes finds that out.
        if !self.text.as_bytes().windows(2).any(|w| w == b"[[") {
            self.text.clear();
            self.starts.clear();
            return;
        }
        let empty = ["[[]]", "[[|"].iter().find_map(|p| self.text.find(p));
        let open = self
            .text
            .find("[[")
            .filter(|&i| self.in_cell && !self.text[i..].contains("]]"));
        let problem = match (empty, open) {
            (Some(i), _) => Some((
                i,
                "a reference names no future or bet",
                "write the id of a future or bet between the brackets: `[[id]]` or `[[id|your words]]`",
            )),
            (None, Some(i)) => Some((
                i,
                "a reference in a table cell is cut by its `|`",
                "in a table, write the `|` of `[[id|text]]` as `\\|`: `[[id\\|text]]`",
            )),
            (None, None) => None,
        };
        if let Some((i, message, help)) = problem {
            let piece = self.starts.iter().rev().find(|(r, _)| *r <= i);
            if let Some(&(r, offset)) = piece {
                let pos = at.at(source, offset + (i - r));
                diags.push(Diagnostic::error(file, pos, message).with_help(help));
            }
        }
        self.text.clear();
        self.starts.clear();
    }
}

/// Gives a heading an id (its own `{#id}` or one made from its text) and an
/// anchor link, and records it for the table of contents.
fn finish_heading(
    events: &mut [Event<'_>],
    (at, level, refs): (usize, HeadingLevel, &Writing),
    used: &mut Anchors,
    toc: &mut Vec<Heading>,
) -> String {
    let title: String = events[at + 1..]
        .iter()
        .filter_map(|e| match e {
            Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
            Event::InlineHtml(h) => refs.title(h),
            _ => None,
        })
        .collect();
    let Event::Start(Tag::Heading { id, .. }) = &mut events[at] else {
        return String::new();
    };
    let wanted = id
        .as_ref()
        .map(|i| kebab(i))
        .unwrap_or_else(|| kebab(&title));
    let wanted = if wanted.is_empty() {
        "section".to_string()
    } else {
        wanted
    };
    let unique = used.unique(wanted);
    *id = Some(CowStr::from(unique.clone()));
    toc.push(Heading {
        level: level as u8,
        id: unique.clone(),
        title: title.trim().to_string(),
    });
    unique
}

/// The anchors of a document's headings, each unique: a repeated one gets
/// the next free number (`a`, `a-1`, `a-2`). The number to try next is kept
/// per anchor: trying from 1 each time made 20,000 equal headings take
/// minutes.
#[derive(Default)]
struct Anchors {
    used: HashSet<String>,
    next: HashMap<String, usize>,
}

impl Anchors {
    fn unique(&mut self, wanted: String) -> String {
        if self.used.insert(wanted.clone()) {
            return wanted;
        }
        let n = self.next.entry(wanted.clone()).or_insert(1);
        loop {
            let candidate = format!("{wanted}-{n}");
            *n += 1;
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

/// A task list's box: a form control needs a name to pass WCAG, even a
/// disabled one, so it says its state in words too.
fn task_box(done: bool) -> &'static str {
    if done {
        "<input type=\"checkbox\" disabled=\"\" checked=\"\" aria-label=\"done\"> "
    } else {
        "<input type=\"checkbox\" disabled=\"\" aria-label=\"to do\"> "
    }
}

/// How deep an author's raw HTML may nest. html5ever, under the sanitizer,
/// looks through every open element for each new block, so 100,000
/// unclosed `<div>`s took 29 s; hand-written HTML nests a few levels, a
/// pasted page a few dozen.
pub(crate) const MAX_HTML_DEPTH: usize = 256;

/// Elements without an end tag, or whose end tag may be left out because
/// the next one closes them: they do not nest as written.
const NOT_NESTING: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody",
    "tfoot", "colgroup", "caption", "rp", "rt",
];

/// A document's raw HTML as far as nesting goes: whether there is any, how
/// deep its elements are open, and where it first nests past
/// [`MAX_HTML_DEPTH`].
#[derive(Default)]
struct RawHtml {
    seen: bool,
    depth: usize,
    too_deep: Option<usize>,
}

impl RawHtml {
    /// Counts the tags of `html`, which starts at byte `offset` of the source.
    fn open(&mut self, html: &str, offset: usize) {
        self.seen = true;
        if self.too_deep.is_some() {
            return;
        }
        for (i, _) in html.match_indices('<') {
            let tag = &html[i + 1..];
            let closing = tag.starts_with('/');
            let name = tag.trim_start_matches('/');
            let end = name
                .find(|c: char| !c.is_ascii_alphanumeric() && c != '-')
                .unwrap_or(name.len());
            let name = &name[..end];
            if !name.starts_with(|c: char| c.is_ascii_alphabetic())
                || NOT_NESTING.iter().any(|n| n.eq_ignore_ascii_case(name))
            {
                continue;
            }
            let self_closed = tag.split('>').next().is_some_and(|t| t.ends_with('/'));
            if closing {
                self.depth = self.depth.saturating_sub(1);
            } else if !self_closed {
                self.depth += 1;
                if self.depth > MAX_HTML_DEPTH {
                    self.too_deep = Some(offset + i);
                    return;
                }
            }
        }
    }

    fn error(&self, file: &Path, pos: Pos) -> Diagnostic {
        Diagnostic::error(
            file,
            pos,
            format!("raw HTML nests more than {MAX_HTML_DEPTH} elements deep here"),
        )
        .with_help(
            "close the elements you open (`<div>` … `</div>`), or write the structure in Markdown",
        )
    }
}

/// Prefixes a root-relative link with the site's path and checks its target.
fn internal<'a>(
    dest: CowStr<'a>,
    links: &Links<'_>,
    file: &Path,
    pos: Pos,
    diags: &mut Diagnostics,
) -> CowStr<'a> {
    if let Some(page) = source_link(&dest) {
        return relative(page, links, file, pos, diags).unwrap_or(dest);
    }
    let Some(path) = dest.strip_prefix('/').filter(|p| !p.starts_with('/')) else {
        return if safe_url(&dest) {
            dest
        } else {
            CowStr::from("#")
        };
    };
    let target = path.split(['#', '?']).next().unwrap_or("");
    let exists = target.is_empty()
        || links.routes.contains(target)
        || links.routes.contains(&format!("{target}/"));
    if !exists {
        let hint = match closest(target, links.routes.iter().map(String::as_str)) {
            Some(r) => format!("did you mean `/{r}`?"),
            None => "link to a page that exists, e.g. `/futures/<id>/` or `/posts/<slug>/`".into(),
        };
        diags.push(
            Diagnostic::error(
                file,
                pos,
                format!("broken internal link `{}`", quoted(&dest)),
            )
            .with_help(hint),
        );
    }
    format!("{}{}", links.base_path, path).into()
}

/// A relative link to a source file, split at its `#` or `?`:
/// `../futures/x.yaml#evidence` → (`../futures/x.yaml`, `#evidence`).
fn source_link(dest: &str) -> Option<(&str, &str)> {
    let end = dest.find(['#', '?']).unwrap_or(dest.len());
    let (path, rest) = dest.split_at(end);
    let extension = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase())?;
    let scheme = path.find(':').is_some_and(|i| !path[..i].contains('/'));
    (!path.starts_with('/') && !scheme && SOURCE_EXTENSIONS.contains(&extension.as_str()))
        .then_some((path, rest))
}

/// The address of the page made from the file `path` names, relative to
/// `file`'s folder; `None` after reporting a file that has no page.
fn relative(
    (path, rest): (&str, &str),
    links: &Links<'_>,
    file: &Path,
    pos: Pos,
    diags: &mut Diagnostics,
) -> Option<CowStr<'static>> {
    let target = file
        .parent()
        .and_then(|folder| within_site(&folder.join(path)));
    if let Some(page) = target.as_ref().and_then(|t| links.sources.get(t)) {
        return Some(format!("{}{page}{rest}", links.base_path).into());
    }
    let Some(target) = target else {
        diags.push(
            Diagnostic::error(file, pos, format!("the link `{}` leads out of the site's folder", quoted(path)))
                .with_help("link a post, page, future or bet of this site by its file's path, or another site by its full address (https://…)"),
        );
        return None;
    };
    // By file name: in a whole path the shared folders make any two
    // names look alike.
    let wanted = file_name(&target);
    let near = closest(wanted, links.sources.keys().map(|k| file_name(k)))
        .and_then(|found| links.sources.keys().find(|k| file_name(k) == found));
    let hint = match near {
        Some(near) => format!("did you mean `{}`?", relative_path(file, near)),
        None => "link a post, page, future or bet by its file's path from this file, e.g. `other-post.md` or `../futures/<id>.yaml` (a draft has no page until it is published)".into(),
    };
    diags.push(
        Diagnostic::error(
            file,
            pos,
            format!(
                "the link `{}` names `{}`, which is not a post, page, future or bet of the site",
                quoted(path),
                target.display()
            ),
        )
        .with_help(hint),
    );
    None
}

fn file_name(path: &Path) -> &str {
    path.file_name().and_then(|n| n.to_str()).unwrap_or("")
}

/// `path` (from the site's root, perhaps with `.` and `..`) without them;
/// `None` when it leaves the site.
fn within_site(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

/// How `target` (from the site's root) is written from `file`'s folder.
fn relative_path(file: &Path, target: &Path) -> String {
    let folder: Vec<_> = file
        .parent()
        .into_iter()
        .flat_map(Path::components)
        .collect();
    let parts: Vec<_> = target.components().collect();
    let shared = folder
        .iter()
        .zip(&parts)
        .take_while(|(a, b)| a == b)
        .count();
    let ups = std::iter::repeat_n("..".to_string(), folder.len() - shared);
    let downs = parts[shared..]
        .iter()
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    ups.chain(downs).collect::<Vec<_>>().join("/")
}

/// Whether a link or image address may reach a page: relative, or with one
/// of the schemes ammonia also allows for links written in Markdown. The
/// same check applies whether or not the document is sanitized.
fn safe_url(url: &str) -> bool {
    let url = url.trim_start();
    let scheme_end = url.find(':');
    let path_start = url.find(['/', '?', '#']).unwrap_or(url.len());
    match scheme_end {
        Some(i) if i < path_start => {
            let scheme = url[..i].to_ascii_lowercase();
            matches!(scheme.as_str(), "http" | "https" | "mailto" | "tel")
        }
        _ => true,
    }
}

static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(SyntaxSet::load_defaults_newlines);

/// Code as `<pre>` with highlighting classes (with `colour`), and whether it
/// has them; plain when the language is unknown. The text is escaped by the generator.
fn highlight(lang: &str, code: &str, colour: bool) -> (String, bool) {
    let lang_attr = kebab(lang);
    let syntax = (colour && !lang.is_empty())
        .then(|| SYNTAXES.find_syntax_by_token(lang))
        .flatten();
    let (inner, coloured) = match syntax {
        Some(syntax) => {
            let key = highlights::key(lang, code);
            match highlights::get(key) {
                Some(inner) => (inner, true),
                None => match classed(syntax, code) {
                    Some(inner) => {
                        highlights::put(key, &inner);
                        (inner, true)
                    }
                    None => (escape_html(code), false),
                },
            }
        }
        None => (escape_html(code), false),
    };
    let html = if lang_attr.is_empty() {
        format!("<pre class=\"code\"><code>{inner}</code></pre>\n")
    } else {
        format!("<pre class=\"code\" data-lang=\"{lang_attr}\"><code>{inner}</code></pre>\n")
    };
    (html, coloured)
}

/// `code` in `syntax` as HTML with highlighting classes, if syntect can
/// parse it.
fn classed(syntax: &syntect::parsing::SyntaxReference, code: &str) -> Option<String> {
    let mut generator =
        ClassedHTMLGenerator::new_with_class_style(syntax, &SYNTAXES, HIGHLIGHT_CLASS_STYLE);
    let ok = LinesWithEndings::from(code).all(|line| {
        generator
            .parse_html_for_line_which_includes_newline(line)
            .is_ok()
    });
    ok.then(|| generator.finalize())
}

/// HTML/XML escaping for text and quoted attribute values, the one every
/// page, template and SVG uses. Unlike tera's default it leaves `/` alone,
/// so URLs stay readable.
pub(crate) fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 16);
    // Runs without a special character are copied whole: every page's
    // every value passes through here.
    let mut plain = 0;
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[plain..i]);
        out.push_str(entity);
        plain = i + 1;
    }
    out.push_str(&s[plain..]);
    out
}

static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.add_generic_attributes(["class", "id"])
        .add_tags(["input"])
        .add_tag_attributes("input", ["type", "checked", "disabled", "aria-label"])
        .add_tag_attributes("pre", ["data-lang"])
        .attribute_filter(|element, attribute, value| {
            if element == "input" && attribute == "type" && value != "checkbox" {
                None
            } else {
                Some(value.into())
            }
        });
    b
});

/// Removes scripts, styles, frames, event handlers and unsafe URLs.
pub(crate) fn sanitize(html: &str) -> String {
    CLEANER.clean(html).to_string()
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(a, _)| a);
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.']))
}

/// The stylesheet for highlighted code: a light theme, and a dark one under
/// `prefers-color-scheme: dark`.
pub(crate) fn highlight_css() -> String {
    let themes = syntect::highlighting::ThemeSet::load_defaults();
    let css = |name: &str| {
        themes
            .themes
            .get(name)
            .and_then(|t| {
                syntect::html::css_for_theme_with_class_style(t, HIGHLIGHT_CLASS_STYLE).ok()
            })
            .unwrap_or_default()
    };
    format!(
        "{}\n@media (prefers-color-scheme: dark) {{\n{}\n}}\n",
        css("InspiredGitHub"),
        css("base16-ocean.dark")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_counted_as_split_whitespace_counts_them() {
        for t in [
            "",
            " ",
            "one",
            "  two words ",
            "tab\tand\nlines\r\nvertical\x0btab\x0cfeed",
            "unit\x1fseparator is no space",
            "non-ASCII\u{a0}space and ünïcödé",
        ] {
            assert_eq!(word_count(t), t.split_whitespace().count(), "{t:?}");
        }
        // "tab", "and", "lines", "vertical", "tab", "feed": six.
        assert_eq!(word_count("tab\tand\nlines\r\nvertical\x0btab\x0cfeed"), 6);
    }

    fn routes() -> HashSet<String> {
        ["posts/hello/", "futures/agi-by-2030/", "about/"]
            .map(String::from)
            .into()
    }

    fn sources() -> SourcePages {
        [
            ("content/posts/other.md", "posts/other/"),
            ("content/about.md", "about/"),
            ("futures/agi-by-2030.yaml", "futures/agi-by-2030/"),
            ("bets/tsm-calls.md", "bets/tsm-calls/"),
        ]
        .into_iter()
        .map(|(file, page)| (PathBuf::from(file), page.to_string()))
        .collect()
    }

    fn targets() -> Targets {
        Targets::new(
            [("agi-by-2030", "AGI by 2030"), ("both", "Both, the future")].into_iter(),
            [("tsm-calls", "TSM calls"), ("both", "Both, the bet")].into_iter(),
        )
    }

    fn md(source: &str) -> (Rendered, Vec<String>) {
        let routes = routes();
        let targets = targets();
        let links = Links {
            base_path: "/manual/",
            routes: &routes,
            refs: &targets,
            sources: &sources(),
        };
        let mut diags = Diagnostics::default();
        let r = render(
            source,
            Path::new("content/posts/x.md"),
            Pos::new(5, 1),
            &links,
            &mut diags,
        );
        (
            r,
            diags
                .into_sorted()
                .iter()
                .map(ToString::to_string)
                .collect(),
        )
    }

    /// 20,000 equal headings took minutes: each tried `a-1`, `a-2`, …
    /// from the start.
    #[test]
    fn twenty_thousand_equal_headings_get_numbered_anchors() {
        let (r, _) = md(&"# a\n\n".repeat(20_000));
        assert_eq!(r.toc.len(), 20_000);
        assert_eq!(r.toc[1].id, "a-1");
        assert_eq!(r.toc[19_999].id, "a-19999");
        let (r, _) = md("# a\n\n# a\n\n# a-1\n\n# a\n");
        let ids: Vec<&str> = r.toc.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["a", "a-1", "a-1-1", "a-2"]);
    }

    /// Each link's position was counted from the document's start: 20,000
    /// links took 15 s.
    #[test]
    fn twenty_thousand_broken_links_are_each_located() {
        let (_, errs) = md(&"text [x](/nope/)\n\n".repeat(20_000));
        assert_eq!(errs.len(), 20_000);
        assert_eq!(
            errs[0],
            "content/posts/x.md:5:6: broken internal link `/nope/`"
        );
        assert_eq!(
            errs.last().map(String::as_str),
            Some("content/posts/x.md:40003:6: broken internal link `/nope/`")
        );
    }

    /// Highlighting runs at about half a megabyte a second; past the first
    /// 128 KB of a document's code, code is shown plain.
    #[test]
    fn code_past_the_budget_is_shown_plain() {
        let block = format!("```rust\n{}```\n\n", "let x = 1;\n".repeat(10_000));
        let (r, _) = md(&block.repeat(20));
        let blocks: Vec<&str> = r.html.text().split("<pre").skip(1).collect();
        assert_eq!(blocks.len(), 20);
        assert!(blocks[0].contains("hl-"));
        assert!(blocks[19].starts_with(" class=\"code\" data-lang=\"rust\"><code>let x = 1;"));
        assert!(!blocks[19].contains("hl-"));
    }

    /// The first `<div>` past 256 open ones is an error where it is written;
    /// closed ones, void elements and unclosed `<p>`s do not nest.
    #[test]
    fn raw_html_nesting_is_bounded() {
        let (_, errs) = md(&format!("Intro\n\n{}\n", "<div>".repeat(300)));
        assert_eq!(
            errs,
            ["content/posts/x.md:7:1281: raw HTML nests more than 256 elements deep here"]
        );
        let fine = format!(
            "{}\n\n{}\n",
            "<div></div><br><img src=x><p>".repeat(300),
            "<span>".repeat(200)
        );
        let (r, errs) = md(&fine);
        assert!(errs.is_empty(), "{errs:?}");
        assert!(r.html.text().contains("<div></div>"));
    }

    #[test]
    fn extensions_are_on() {
        let (r, _) =
            md("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ new[^1]\n\n- [x] done\n\n[^1]: note\n");
        assert!(r.html.text().contains("<table>"), "{}", r.html.text());
        assert!(r.html.text().contains("<del>old</del>"));
        assert!(r.html.text().contains("class=\"footnote-reference\""));
        assert!(r.html.text().contains("type=\"checkbox\""));
    }

    #[test]
    fn headings_get_unique_anchors_and_a_toc() {
        let (r, _) = md("## Why chips\n\ntext\n\n## Why chips\n\n### Power & water {#power}\n");
        assert!(
            r.html.text().contains("<h2 id=\"why-chips\">"),
            "{}",
            r.html.text()
        );
        assert!(r.html.text().contains("<h2 id=\"why-chips-1\">"));
        assert!(
            r.html.text().contains("href=\"#why-chips-1\""),
            "a visible anchor link"
        );
        assert_eq!(
            r.toc.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(),
            ["why-chips", "why-chips-1", "power"]
        );
        assert_eq!(r.toc[2].title, "Power & water");
    }

    #[test]
    fn code_is_highlighted_with_classes() {
        let (r, _) = md("```rust\nfn main() { let x = \"<b>\"; }\n```\n");
        assert!(
            r.html.text().contains("data-lang=\"rust\""),
            "{}",
            r.html.text()
        );
        assert!(r.html.text().contains("class=\"hl-"), "{}", r.html.text());
        assert!(r.html.text().contains("&lt;b&gt;"));
        let (r, _) = md("```nosuchlang\n<i>\n```\n");
        assert!(r.html.text().contains("&lt;i&gt;"));
    }

    #[test]
    fn summaries_words_and_reading_time() {
        let words = "word ".repeat(450);
        let (r, _) = md(&format!("First *para* here.\n\nSecond.\n\n{words}\n"));
        assert_eq!(r.summary, "First para here.");
        assert_eq!(r.words, 454);
        assert_eq!(r.reading_minutes(), 3);
    }

    #[test]
    fn internal_links_get_the_prefix_and_are_checked() {
        let (r, errs) = md("See [AGI](/futures/agi-by-2030/#why) and [x](/futures/agi-2030/).\n");
        assert!(
            r.html
                .text()
                .contains("href=\"/manual/futures/agi-by-2030/#why\""),
            "{}",
            r.html.text()
        );
        assert_eq!(
            errs,
            ["content/posts/x.md:5:42: broken internal link `/futures/agi-2030/`"]
        );
    }

    #[test]
    fn relative_links_to_source_files_become_their_pages() {
        let (r, errs) = md(
            "[o](other.md#top) [a](./../about.md) [f](../../futures/agi-by-2030.yaml) [b](../../bets/tsm-calls.md?x=1) [web](https://e.org/a.md) [n](othr.md) [out](../../../x.md)\n",
        );
        let html = r.html.text();
        for href in [
            "/manual/posts/other/#top",
            "/manual/about/",
            "/manual/futures/agi-by-2030/",
            "/manual/bets/tsm-calls/?x=1",
            "https://e.org/a.md",
        ] {
            assert!(html.contains(&format!("href=\"{href}\"")), "{href}: {html}");
        }
        assert_eq!(
            errs,
            [
                "content/posts/x.md:5:133: the link `othr.md` names `content/posts/othr.md`, which is not a post, page, future or bet of the site",
                "content/posts/x.md:5:146: the link `../../../x.md` leads out of the site's folder",
            ]
        );
    }

    #[test]
    fn unsafe_link_schemes_are_dropped_without_raw_html() {
        let (r, _) = md(
            "[a](javascript:alert(1)) [b](JaVaScRiPt:x) [c]( data:text/html,x) <vbscript:x> ![i](data:image/png;base64,AA) [ok](https://e.org/a:b) [rel](x.html#a:b) [m](mailto:a@b.org)\n",
        );
        assert_eq!(
            r.html.text().matches("href=\"#\"").count()
                + r.html.text().matches("src=\"#\"").count(),
            5,
            "{}",
            r.html.text()
        );
        for bad in [
            "href=\"javascript",
            "href=\"JaVa",
            "data:",
            "href=\"vbscript",
        ] {
            assert!(
                !r.html.text().contains(bad),
                "{bad} survived in {}",
                r.html.text()
            );
        }
        for good in ["https://e.org/a:b", "x.html#a:b", "mailto:a@b.org"] {
            assert!(
                r.html.text().contains(good),
                "{good} lost in {}",
                r.html.text()
            );
        }
    }

    #[test]
    fn untrusted_html_is_neutralised() {
        let (r, _) = md(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[a](javascript:alert(1)) [b](data:text/html,x)\n\n<iframe src=\"https://evil\"></iframe><style>body{}</style>\n\n<input type=\"text\" onfocus=\"x()\">\n",
        );
        for bad in [
            "<script",
            "onerror",
            "javascript:",
            "data:",
            "<iframe",
            "<style",
            "onfocus",
            "type=\"text\"",
        ] {
            assert!(
                !r.html.text().contains(bad),
                "{bad} survived in {}",
                r.html.text()
            );
        }
    }

    /// Each part of a reference in the HTML, as `{Open}` … `{Close}`, so a
    /// test reads where render puts the link, title and number.
    fn shown(r: &Rendered) -> String {
        r.html.join(|out, part, target| {
            let t = match target {
                Target::Future(f) => format!("f{}", f.get()),
                Target::Bet(b) => format!("b{}", b.get()),
            };
            out.push_str(&format!("{{{part:?} {t}}}"));
        })
    }

    #[test]
    fn every_form_of_reference_is_a_slot() {
        let (r, errs) = md(
            "See [[agi-by-2030]], [[agi-by-2030|the *big* one]], [[future:both]], [[bet:both|that bet]] and [[tsm-calls]].\n",
        );
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(
            shown(&r),
            "<p>See {Open f0}{Title f0}{Close f0}, {Open f0}the <em>big</em> one{Close f0}, \
             {Open f1}{Title f1}{Close f1}, {Open b1}that bet{Close b1} and \
             {Open b0}{Title b0}{Close b0}.</p>\n"
        );
        // Search and summaries read the title or the author's words.
        assert_eq!(
            r.summary,
            "See AGI by 2030, the big one, Both, the future, that bet and TSM calls."
        );
        assert!(r.text.contains("AGI by 2030"));
        assert!(!r.text.contains("agi-by-2030"), "{}", r.text);
    }

    #[test]
    fn code_is_left_alone_and_a_table_takes_an_escaped_bar() {
        let (r, errs) = md(
            "`[[agi-by-2030]]`\n\n    [[agi-by-2030]]\n\n```\n[[tsm-calls]]\n```\n\n| a |\n|---|\n| [[agi-by-2030\\|AGI]] |\n",
        );
        assert!(errs.is_empty(), "{errs:?}");
        let html = shown(&r);
        assert!(html.contains("<code>[[agi-by-2030]]</code>"), "{html}");
        assert!(
            html.contains("<code>[[agi-by-2030]]\n</code></pre>"),
            "{html}"
        );
        assert!(
            html.contains("<code>[[tsm-calls]]\n</code></pre>"),
            "{html}"
        );
        assert!(html.contains("<td>{Open f0}AGI{Close f0}</td>"), "{html}");
        assert_eq!(r.html.targets().count(), 1);
    }

    /// Each error is at its `[[` (the document starts at line 5, column 1).
    #[test]
    fn reference_errors_are_located_with_help() {
        let (_, errs) = md(
            "[[agi-by-2031]] [[both]] [[idea:agi-by-2030]]\n[[future:tsm-calls]] [[bet:agi-by-2030]] [[]] [[ ]]\n\n| a |\n|---|\n| x [[tsm-calls|T]] |\n\n![[tsm-calls]]\n",
        );
        assert_eq!(
            errs,
            [
                "content/posts/x.md:5:1: unknown future or bet `agi-by-2031` in a reference",
                "content/posts/x.md:5:17: `both` is both a future and a bet",
                "content/posts/x.md:5:26: unknown kind `idea` in the reference `[[idea:agi-by-2030]]`",
                "content/posts/x.md:6:1: `tsm-calls` is a bet, not a future",
                "content/posts/x.md:6:22: `agi-by-2030` is a future, not a bet",
                "content/posts/x.md:6:42: a reference names no future or bet",
                "content/posts/x.md:6:47: a reference names no future or bet",
                "content/posts/x.md:10:5: a reference in a table cell is cut by its `|`",
                "content/posts/x.md:12:1: `![[…]]` is not a reference: a future or bet is not an image",
            ]
        );
    }

    #[test]
    fn reference_errors_say_how_to_fix_them() {
        let help = |source: &str| {
            let routes = routes();
            let targets = targets();
            let links = Links {
                base_path: "/",
                routes: &routes,
                refs: &targets,
                sources: &sources(),
            };
            let mut diags = Diagnostics::default();
            render(source, Path::new("x.md"), Pos::START, &links, &mut diags);
            let d = diags.into_sorted();
            d[0].help.clone().unwrap_or_default()
        };
        assert_eq!(help("[[agi-by-2031]]"), "did you mean `agi-by-2030`?");
        assert_eq!(help("[[bet:tsm-call]]"), "did you mean `tsm-calls`?");
        assert_eq!(
            help("[[both]]"),
            "say which: `[[future:both]]` or `[[bet:both]]`"
        );
        assert_eq!(
            help("[[future:tsm-calls]]"),
            "write `[[bet:tsm-calls]]` or `[[tsm-calls]]`"
        );
        assert_eq!(
            help("[[x:agi-by-2030]]"),
            "write `[[future:agi-by-2030]]`, `[[bet:agi-by-2030]]` or just `[[agi-by-2030]]`"
        );
        assert_eq!(
            help("| a |\n|---|\n| [[tsm-calls|T]] |\n"),
            "in a table, write the `|` of `[[id|text]]` as `\\|`: `[[id\\|text]]`"
        );
    }

    /// A reference survives the sanitizer; one it takes apart (inside a
    /// script) is dropped whole; an author's marker characters are not
    /// taken for references.
    #[test]
    fn references_survive_sanitizing() {
        let source = format!(
            "<b>x</b> [[tsm-calls]] <script>[[agi-by-2030]]</script> {}\n",
            references::marker(0)
        );
        let (r, errs) = md(&source);
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(
            shown(&r),
            "<p><b>x</b> {Open b0}{Title b0}{Close b0}  \u{FFFD}</p>\n"
        );
    }

    /// One document holds at most 10,000 references; the first past them is
    /// an error where it is written (line 5 + 10,000).
    #[test]
    fn references_are_bounded() {
        let (r, errs) = md(&"[[agi-by-2030]]\n\n".repeat(10_001));
        assert_eq!(r.html.targets().count(), 10_000);
        assert_eq!(
            errs,
            ["content/posts/x.md:20005:1: more than 10000 references in one document"]
        );
    }

    /// A heading's anchor and its entry in the table of contents read the
    /// title of a `[[id]]` in it.
    #[test]
    fn a_heading_reads_its_references_title() {
        let (r, _) = md("## Why [[agi-by-2030]] matters\n\n## With [[tsm-calls|my words]]\n");
        assert_eq!(r.toc[0].title, "Why AGI by 2030 matters");
        assert_eq!(r.toc[0].id, "why-agi-by-2030-matters");
        assert_eq!(r.toc[1].title, "With my words");
    }
}
