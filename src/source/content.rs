//! Posts and pages: Markdown files in `content/` with YAML front matter.
//! A file with a `date` is a post; one without is a page; `content/_index.md`
//! holds the home page's introduction.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::routes;
use crate::source::dates::{PostDate, date_hint};
use crate::source::futures::{FutureId, Located, kebab, reference_at, tags, title_length};
use crate::source::yaml::{self, Examples, Spanned, pos_of};

/// The YAML between the leading `---` lines of a Markdown file, and the rest.
pub(crate) struct FrontMatter<'a> {
    pub yaml: &'a str,
    /// Line of the file the YAML starts on.
    pub yaml_line: u32,
    pub body: &'a str,
    pub body_line: u32,
}

/// Splits `---\nyaml\n---\nbody`. `None` when the file has no front matter.
pub(crate) fn split_front_matter(text: &str) -> Option<FrontMatter<'_>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (first, rest) = text.split_once('\n')?;
    if first.trim_end() != "---" {
        return None;
    }
    let mut offset = 0;
    for (n, line) in rest.split_inclusive('\n').enumerate() {
        if line.trim_end() == "---" {
            return Some(FrontMatter {
                yaml: &rest[..offset],
                yaml_line: 2,
                body: &rest[offset + line.len()..],
                body_line: n as u32 + 3,
            });
        }
        offset += line.len();
    }
    None
}

/// Reports a Markdown file whose front matter is missing or unterminated.
pub(crate) fn missing_front_matter(file: &Path, text: &str, example: &str) -> Diagnostic {
    if text.trim_start_matches('\u{feff}').starts_with("---") {
        let last = text.lines().count().max(1) as u32;
        return Diagnostic::error(file, Pos::new(last, 1), "the front matter is not closed")
            .with_help("add a `---` line after the last key, before the text");
    }
    if text.trim_start_matches('\u{feff}').starts_with("+++") {
        return Diagnostic::error(file, Pos::START, "front matter between `+++` lines is TOML; Forkcast reads YAML between `---` lines")
            .with_help(format!("replace both `+++` lines with `---` and write each key as `key: value`, e.g.\n---\n{example}\n---"));
    }
    Diagnostic::error(file, Pos::START, "missing front matter")
        .with_help(format!("start the file with a `---` line, the YAML keys, and another `---` line, e.g.\n---\n{example}\n---"))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Post,
    Page,
    /// `content/_index.md`: the introduction of the home page.
    Home,
}

/// A post, page or the home introduction, before its Markdown is rendered.
#[derive(Clone, Debug)]
pub(crate) struct Document {
    pub file: PathBuf,
    pub kind: Kind,
    pub title: String,
    pub date: Option<PostDate>,
    pub updated: Option<PostDate>,
    pub tags: Vec<String>,
    pub summary: Option<String>,
    pub draft: bool,
    /// The output path below the site root, e.g. `posts/why-foundries/`.
    pub path: String,
    pub futures: Vec<Located<FutureId>>,
    pub body: String,
    pub body_pos: Pos,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDocument {
    title: Spanned<String>,
    date: Option<Spanned<String>>,
    updated: Option<Spanned<String>>,
    tags: Option<Vec<Spanned<String>>>,
    summary: Option<String>,
    draft: Option<bool>,
    slug: Option<Spanned<String>>,
    futures: Option<Vec<Spanned<String>>>,
}

const EXAMPLES: Examples = &[
    ("title", "title: My first post"),
    ("date", "date: 2026-11-26"),
    ("updated", "updated: 2026-11-27"),
    ("tags", "tags: [agi, chips]"),
    (
        "summary",
        "summary: What this post argues, in one sentence.",
    ),
    ("draft", "draft: true"),
    ("slug", "slug: my-first-post"),
    ("futures", "futures: [human-level-ai]"),
];

/// Reads every `content/**/*.md`.
pub(crate) fn load(root: &Path, diags: &mut Diagnostics) -> Vec<Document> {
    let (docs, found) = crate::source::files::parse_files(root, "content", &["md"], parse);
    diags.extend(found);
    docs
}

/// Parses one Markdown document; `file` is relative to the site root.
pub(crate) fn parse(file: &Path, text: &str, diags: &mut Diagnostics) -> Option<Document> {
    let Some(fm) = split_front_matter(text) else {
        diags.push(missing_front_matter(
            file,
            text,
            "title: My first post\ndate: 2026-11-26",
        ));
        return None;
    };
    let raw: RawDocument = yaml::decode(fm.yaml, file, fm.yaml_line, EXAMPLES)
        .map_err(|d| diags.push(d))
        .ok()?;
    let errors_before = diags.error_count();
    let line = fm.yaml_line;
    let date = raw
        .date
        .as_ref()
        .and_then(|d| read_date(file, d, line, "date", diags));
    let updated = raw
        .updated
        .as_ref()
        .and_then(|d| read_date(file, d, line, "updated", diags));
    let rel_dir = file
        .strip_prefix("content")
        .unwrap_or(file)
        .parent()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default();
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let kind = kind(file, &stem, &rel_dir, raw.date.is_some(), line, diags);
    let slug = match &raw.slug {
        Some(s) => slug(file, s, line, diags),
        None => slug_of_name(file, &stem, kind, diags),
    };
    if kind == Kind::Page {
        check_folders(file, &rel_dir, diags);
    }
    let title = raw.title.value.trim().to_string();
    if title.is_empty() {
        diags.push(
            Diagnostic::error(file, pos_of(&raw.title, line), "`title` is empty")
                .with_help("give the page a title"),
        );
    }
    title_length(file, &raw.title, line, diags);
    let tags = tags(file, raw.tags.as_deref().unwrap_or_default(), line, diags);
    let futures = raw
        .futures
        .iter()
        .flatten()
        .filter_map(|f| reference_at(file, f, line, "futures", diags))
        .collect();
    if diags.error_count() > errors_before {
        return None;
    }
    Some(Document {
        file: file.to_path_buf(),
        path: output_path(kind, &rel_dir, &slug),
        kind,
        title,
        date,
        updated,
        tags,
        summary: raw
            .summary
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty()),
        draft: raw.draft.unwrap_or(false),
        futures,
        body: fm.body.to_string(),
        body_pos: Pos::new(fm.body_line, 1),
    })
}

fn read_date(
    file: &Path,
    value: &Spanned<String>,
    line: u32,
    name: &str,
    diags: &mut Diagnostics,
) -> Option<PostDate> {
    let parsed = PostDate::parse(&value.value);
    if parsed.is_none() {
        diags.push(
            Diagnostic::error(
                file,
                pos_of(value, line),
                format!("invalid `{name}`: `{}`", value.value),
            )
            .with_help(date_hint(&value.value)),
        );
    }
    parsed
}

/// A document's kind follows from its place and its `date`; one in
/// content/posts/ without a date is an error, not a page.
fn kind(
    file: &Path,
    stem: &str,
    rel_dir: &str,
    dated: bool,
    line: u32,
    diags: &mut Diagnostics,
) -> Kind {
    if stem == "_index" && rel_dir.is_empty() {
        Kind::Home
    } else if dated {
        Kind::Post
    } else if rel_dir == "posts" || rel_dir.starts_with("posts/") {
        diags.push(
            Diagnostic::error(file, Pos::new(line, 1), "this post has no `date`")
                .with_help("add `date: YYYY-MM-DD` to the front matter, or move the file out of content/posts/ to make it a page"),
        );
        Kind::Post
    } else {
        Kind::Page
    }
}

fn slug(file: &Path, value: &Spanned<String>, line: u32, diags: &mut Diagnostics) -> String {
    let fixed = kebab(&value.value);
    if fixed == value.value && !fixed.is_empty() {
        return fixed;
    }
    let example = if fixed.is_empty() {
        "my-first-post"
    } else {
        &fixed
    };
    diags.push(
        Diagnostic::error(
            file,
            pos_of(value, line),
            format!("invalid `slug`: `{}`", value.value),
        )
        .with_help(format!("a slug is lowercase kebab-case, e.g. `{example}`")),
    );
    String::new()
}

/// The slug a file's name gives it. A name without letters or digits
/// (`!!!.md`, `🔥.md`) gives none, and an empty slug would take the
/// address of the post list or the home page.
fn slug_of_name(file: &Path, stem: &str, kind: Kind, diags: &mut Diagnostics) -> String {
    let slug = kebab(stem);
    if slug.is_empty() && kind != Kind::Home {
        diags.push(
            Diagnostic::error(
                file,
                Pos::START,
                format!("the file name `{stem}` has no letters or digits to make an address from"),
            )
            .with_help("rename the file with a few words (e.g. `my-first-post.md`), or set `slug: my-first-post` in its front matter"),
        );
    }
    slug
}

/// A page's folders name its address; one without letters or digits
/// would leave an empty segment, and a path starting with `/` would be
/// written outside the output folder.
fn check_folders(file: &Path, rel_dir: &str, diags: &mut Diagnostics) {
    for folder in rel_dir.split('/').filter(|p| !p.is_empty()) {
        if kebab(folder).is_empty() {
            diags.push(
                Diagnostic::error(
                    file,
                    Pos::START,
                    format!("the folder `{folder}` has no letters or digits to make the page's address from"),
                )
                .with_help("rename the folder with a word or two, e.g. `guides`"),
            );
        }
    }
}

/// Where a document is written below the site root, e.g. `posts/why/`.
fn output_path(kind: Kind, rel_dir: &str, slug: &str) -> String {
    match kind {
        Kind::Home => String::new(),
        Kind::Post => routes::post(slug),
        Kind::Page => {
            let dirs: Vec<String> = rel_dir
                .split('/')
                .filter(|p| !p.is_empty())
                .map(kebab)
                .collect();
            routes::page(&dirs, slug)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_one(file: &str, text: &str) -> (Option<Document>, Vec<String>) {
        let mut d = Diagnostics::default();
        let doc = parse(Path::new(file), text, &mut d);
        (
            doc,
            d.into_sorted().iter().map(ToString::to_string).collect(),
        )
    }

    #[test]
    fn front_matter_splits_and_counts_lines() {
        let fm = split_front_matter("---\ntitle: A\n---\nBody\n").unwrap();
        assert_eq!(
            (fm.yaml, fm.body, fm.body_line),
            ("title: A\n", "Body\n", 4)
        );
        assert!(split_front_matter("title: A\n").is_none());
        assert_eq!(
            split_front_matter("--- \ntitle: A\n---\n").map(|f| f.yaml),
            Some("title: A\n")
        );
        assert!(split_front_matter("---\ntitle: A\n").is_none());
    }

    #[test]
    fn dates_make_posts_and_their_absence_pages() {
        let (post, _) = parse_one(
            "content/posts/Hello World.md",
            "---\ntitle: Hi\ndate: 2026-03-01\ntags: [agi]\n---\nText\n",
        );
        let post = post.unwrap();
        assert_eq!(
            (post.kind, post.path.as_str()),
            (Kind::Post, "posts/hello-world/")
        );
        assert_eq!(post.date.unwrap().day.to_string(), "2026-03-01");
        assert_eq!(post.body_pos, Pos::new(6, 1));
        let (page, _) = parse_one("content/guides/setup.md", "---\ntitle: Setup\n---\n");
        assert_eq!(page.unwrap().path, "guides/setup/");
        let (home, _) = parse_one("content/_index.md", "---\ntitle: Home\n---\nIntro\n");
        assert_eq!(home.unwrap().kind, Kind::Home);
    }

    #[test]
    fn bad_front_matter_is_located() {
        let (_, errs) = parse_one(
            "content/posts/x.md",
            "---\ntitle: X\ndate: March 1st\nslug: Hello World\nfutures: [Not An Id]\n---\n",
        );
        assert_eq!(
            errs,
            [
                "content/posts/x.md:3:7: invalid `date`: `March 1st`",
                "content/posts/x.md:4:7: invalid `slug`: `Hello World`",
                "content/posts/x.md:5:11: `futures`: `Not An Id` is not a future id",
            ]
        );
        let (_, errs) = parse_one(
            "content/posts/x.md",
            "---\ntitle: X\ndate: 2026-01-01\ntagz: [a]\n---\n",
        );
        assert_eq!(errs, ["content/posts/x.md:4:1: unknown key `tagz`"]);
    }
}
