//! A template that does not parse or render, told as a [`Diagnostic`] at
//! the line of the site's own file (`templates/…` or
//! `themes/<name>/templates/…`) that holds the mistake, in our words.
//!
//! tera names the template it was asked for, which for a typo in
//! `base.html` is the page's own (`index.html`), and gives a line only for
//! parse errors; so the name it complains of is searched for in the text
//! of that template, its parents and what they include or import. A
//! failure in the built-in templates alone is not the site's to fix and
//! stays a [`RenderError::Template`].

use std::collections::HashSet;
use std::path::PathBuf;

use tera::ErrorKind;

use super::RenderError;
use crate::diagnostics::{Diagnostic, Pos, closest};
use crate::source::theme::{Template, Theme, uses};

/// At most this many of a value's fields are named when none is close to
/// a misspelt one.
const FIELDS_SHOWN: usize = 24;

/// What was being rendered when tera failed.
pub(super) struct Rendering<'a> {
    pub theme: &'a Theme,
    /// The template asked for, e.g. `index.html`; none while the
    /// templates are parsed.
    pub template: Option<&'a str>,
    /// The output file being made, e.g. `posts/hello/index.html`.
    pub page: Option<&'a str>,
    /// What the template was given, for "did you mean".
    pub context: Option<&'a tera::Context>,
}

/// What went wrong, and what to look for in the templates' text.
struct Mistake {
    message: String,
    help: String,
    /// The name the mistake is about, as written in a template.
    needle: Option<String>,
    /// The template tera says holds it, searched first.
    template: Option<String>,
}

impl Rendering<'_> {
    /// `e` located in the site's file, or as tera said it when no file of
    /// the site is to blame.
    pub(super) fn error(&self, e: &tera::Error) -> RenderError {
        self.located(e)
            .map(RenderError::Site)
            .unwrap_or_else(|| RenderError::from_tera(self.template.unwrap_or("theme"), e))
    }

    fn located(&self, e: &tera::Error) -> Option<Diagnostic> {
        let chain = chain(e);
        let innermost = *chain.last()?;
        if let Some(name) = chain.iter().find_map(|e| failed_to_parse(e)) {
            return self.parse_error(name, &innermost.to_string());
        }
        let mut mistake = self.mistake(innermost);
        if mistake.template.is_none() {
            mistake.template = chain.iter().find_map(|e| happened_in(e));
        }
        let (file, pos) = self.place(&mistake)?;
        let message = match self.page {
            Some(page) => format!("{} (rendering {page})", mistake.message),
            None => mistake.message,
        };
        Some(Diagnostic::error(file, pos, message).with_help(mistake.help))
    }

    /// A template that does not parse: tera gives its line and column.
    fn parse_error(&self, name: &str, text: &str) -> Option<Diagnostic> {
        let file = self.theme.template(name)?.file.clone()?;
        let pos = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("--> "))
            .and_then(|at| at.split_once(':'))
            .and_then(|(l, c)| Some(Pos::new(l.trim().parse().ok()?, c.trim().parse().ok()?)))
            .unwrap_or(Pos::START);
        let what = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("= "))
            .unwrap_or(text.lines().next().unwrap_or_default());
        Some(
            Diagnostic::error(file, pos, format!("the template does not parse: {what}")).with_help(
                "Tera's syntax: `{{ value }}` shows a value, `{% if … %}…{% endif %}` and \
                     `{% for x in list %}…{% endfor %}` wrap others, `{# … #}` is a comment",
            ),
        )
    }

    /// The mistake `e` (the innermost of tera's chain) names.
    fn mistake(&self, e: &tera::Error) -> Mistake {
        let mistake = |message: String, needle: &str, help: String| Mistake {
            message,
            help,
            needle: Some(needle.to_string()),
            template: None,
        };
        let docs = "Tera's own are listed at https://keats.github.io/tera/docs/#built-ins";
        match &e.kind {
            ErrorKind::Msg(m) if m.starts_with("Variable `") => {
                let name = backticked(m).unwrap_or_default();
                mistake(
                    format!("unknown variable `{name}`"),
                    name,
                    self.variable_help(name),
                )
            }
            ErrorKind::Msg(m) if m.contains("loads macros from") => {
                let mut names = m.split('`').skip(1).step_by(2);
                let (importer, imported) = (
                    names.next().unwrap_or_default(),
                    names.next().unwrap_or_default(),
                );
                Mistake {
                    template: Some(importer.to_string()),
                    ..mistake(
                        format!("`{importer}` imports `{imported}`, which is no template"),
                        imported,
                        self.template_help(imported),
                    )
                }
            }
            ErrorKind::FilterNotFound(name) => mistake(
                format!("unknown filter `{name}`"),
                name,
                format!("check its spelling; {docs}"),
            ),
            ErrorKind::TestNotFound(name) => mistake(
                format!("unknown test `{name}`"),
                name,
                format!("check its spelling; {docs}"),
            ),
            ErrorKind::FunctionNotFound(name) => mistake(
                format!("unknown function `{name}`"),
                name,
                format!("check its spelling; {docs}"),
            ),
            ErrorKind::TemplateNotFound(name) => mistake(
                format!("no template named `{name}`"),
                name,
                self.template_help(name),
            ),
            ErrorKind::MissingParent { current, parent } => Mistake {
                template: Some(current.clone()),
                ..mistake(
                    format!("`{current}` extends `{parent}`, which is no template"),
                    parent,
                    self.template_help(parent),
                )
            },
            ErrorKind::CircularExtend {
                tpl,
                inheritance_chain,
            } => Mistake {
                template: Some(tpl.clone()),
                ..mistake(
                    format!(
                        "templates extend each other in a circle: {}",
                        inheritance_chain.join(" → ")
                    ),
                    "extends",
                    "make one of them extend base.html, or none".into(),
                )
            },
            _ => {
                let text = e.to_string();
                Mistake {
                    needle: backticked(&text).map(str::to_string),
                    message: format!("the template failed: {text}"),
                    help: "fix the template at this line and build again".into(),
                    template: None,
                }
            }
        }
    }

    /// Where the mistake is: the first place its name is written in the
    /// site's templates that take part, or the first of those templates.
    /// None when only built-in templates take part.
    fn place(&self, mistake: &Mistake) -> Option<(PathBuf, Pos)> {
        let involved = self.involved(mistake.template.as_deref());
        let own: Vec<&Template> = involved.into_iter().filter(|t| t.file.is_some()).collect();
        let found = mistake.needle.as_deref().and_then(|needle| {
            own.iter().find_map(|t| {
                let at = find_name(&t.text, needle)?;
                Some((t.file.clone()?, Pos::START.advanced_by(&t.text, at)))
            })
        });
        found.or_else(|| Some((own.first()?.file.clone()?, Pos::START)))
    }

    /// The templates that take part in rendering: the one tera blames
    /// first, then the one asked for, then each one's parents, includes
    /// and imports, in that order.
    fn involved(&self, blamed: Option<&str>) -> Vec<&Template> {
        let mut queue: Vec<&str> = blamed.into_iter().chain(self.template).collect();
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        let mut next = 0;
        while let Some(&name) = queue.get(next) {
            next += 1;
            if !seen.insert(name) {
                continue;
            }
            if let Some(t) = self.theme.template(name) {
                queue.extend(uses(&t.text));
                out.push(t);
            }
        }
        out
    }

    /// For an unknown variable: the close name of a value the template
    /// has, or the names it has there.
    fn variable_help(&self, name: &str) -> String {
        let guard = format!("or guard an optional one with `{{% if {name} is defined %}}`");
        let Some(values) = self.context.map(|c| c.clone().into_json()) else {
            return format!("check its spelling, {guard}");
        };
        match suggest(name, &values) {
            Suggestion::Close(near) => format!("did you mean `{near}`?"),
            Suggestion::Fields(owner, fields) => format!(
                "{owner} has {}; check the spelling, {guard}",
                fields.join(", ")
            ),
            Suggestion::Unknown => format!(
                "a loop's or macro's variables exist only inside it; check the spelling, {guard}"
            ),
        }
    }

    /// For an unknown template: the close name of one that exists.
    fn template_help(&self, name: &str) -> String {
        let names = self.theme.templates.iter().map(|t| t.name.as_str());
        match closest(name, names) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!(
                "the templates are the built-in ones and the site's own: {}",
                self.theme
                    .templates
                    .iter()
                    .map(|t| t.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

/// What a misspelt variable may have meant.
enum Suggestion {
    /// The whole name, corrected.
    Close(String),
    /// No field is close: what the value there does have.
    Fields(String, Vec<String>),
    /// Its first part is not a value of the page (a loop's variable).
    Unknown,
}

/// Walks `name` (`site.titel`) through `values`, correcting each part that
/// is not there to the closest field.
fn suggest(name: &str, values: &serde_json::Value) -> Suggestion {
    let mut at = values;
    let mut fixed: Vec<&str> = Vec::new();
    for part in name.split('.') {
        let Some(fields) = at.as_object() else {
            return Suggestion::Unknown;
        };
        let key = match fields.get_key_value(part) {
            Some((key, _)) => key.as_str(),
            None => match closest(part, fields.keys().map(String::as_str)) {
                Some(near) => near,
                None if fixed.is_empty() => return Suggestion::Unknown,
                None => {
                    let owner = format!("`{}`", fixed.join("."));
                    let mut names: Vec<String> = fields.keys().map(|k| format!("`{k}`")).collect();
                    names.sort();
                    names.truncate(FIELDS_SHOWN);
                    return Suggestion::Fields(owner, names);
                }
            },
        };
        fixed.push(key);
        at = &fields[key];
    }
    Suggestion::Close(fixed.join("."))
}

/// tera's errors, outermost first.
fn chain(e: &tera::Error) -> Vec<&tera::Error> {
    let mut out = vec![e];
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(t) = s.downcast_ref::<tera::Error>() {
            out.push(t);
        }
        source = s.source();
    }
    out
}

fn message(e: &tera::Error) -> Option<&str> {
    match &e.kind {
        ErrorKind::Msg(m) => Some(m),
        _ => None,
    }
}

/// `X` of tera's "Failed to parse 'X'".
fn failed_to_parse(e: &tera::Error) -> Option<&str> {
    message(e)?
        .strip_prefix("Failed to parse '")?
        .strip_suffix('\'')
}

/// `X` of tera's "Failed to render '…' (error happened in 'X')."
fn happened_in(e: &tera::Error) -> Option<String> {
    let m = message(e)?;
    let (_, rest) = m.split_once("(error happened in '")?;
    Some(rest.split_once('\'')?.0.to_string())
}

/// The first name between backticks in `text`.
fn backticked(text: &str) -> Option<&str> {
    let (_, rest) = text.split_once('`')?;
    Some(rest.split_once('`')?.0).filter(|s| !s.is_empty())
}

/// Where `name` is written in `text` as a whole name (`site.title` is not
/// found in `site.title_short` nor in `my_site.title`).
fn find_name(text: &str, name: &str) -> Option<usize> {
    let part_of_name = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(name).map(|(i, _)| i).find(|&i| {
        let before = text[..i].chars().next_back();
        let after = text[i + name.len()..].chars().next();
        !before.is_some_and(|c| part_of_name(c) || c == '.') && !after.is_some_and(part_of_name)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_misspelt_field_is_corrected_part_by_part() {
        let values = serde_json::json!({"site": {"title": "T", "base_path": "/"}, "path": ""});
        assert!(
            matches!(suggest("site.titel", &values), Suggestion::Close(s) if s == "site.title")
        );
        assert!(matches!(suggest("sit.title", &values), Suggestion::Close(s) if s == "site.title"));
        assert!(
            matches!(suggest("site.zzzzzz", &values), Suggestion::Fields(o, f) if o == "`site`" && f == ["`base_path`", "`title`"])
        );
        assert!(matches!(
            suggest("entry.title", &values),
            Suggestion::Unknown
        ));
    }

    #[test]
    fn names_are_found_whole() {
        let text = "{{ my_site.title }}{{ site.title_short }}\n{{ site.title }}";
        assert_eq!(find_name(text, "site.title"), Some(45));
        assert_eq!(find_name(text, "nowhere"), None);
    }
}
