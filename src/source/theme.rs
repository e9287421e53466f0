//! Themes: tera templates and static assets. The default theme is compiled
//! into the binary (so a bare folder of Markdown builds, and `forkcast init`
//! copies no theme). A site's `themes/<name>/` replaces theme files one by
//! one, and its own `templates/` overrides any template of the theme.
//!
//! What a site does to the theme by mistake is a warning here: a file of
//! its `static/` that replaces a theme file (`static/style.css` instead of
//! an added `static/extra.css`), or a template that replaces no built-in
//! one and that no template uses (`templates/futur.html`).

use std::borrow::Cow;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Diagnostics, Pos};

/// The site's own stylesheet, linked after the theme's when it exists.
pub(crate) const EXTRA_CSS: &str = "extra.css";

macro_rules! embed {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_str!(concat!("../../themes/default/", $path)))),*]
    };
}

/// The default theme's files, by path inside the theme folder.
pub(crate) const DEFAULT: &[(&str, &str)] = embed!(
    "templates/base.html",
    "templates/macros.html",
    "templates/post_item.html",
    "templates/toc.html",
    "templates/community.html",
    "templates/index.html",
    "templates/posts.html",
    "templates/post.html",
    "templates/page.html",
    "templates/tags.html",
    "templates/tag.html",
    "templates/futures.html",
    "templates/future.html",
    "templates/bets.html",
    "templates/bets_matrix.html",
    "templates/changes.html",
    "templates/bet.html",
    "templates/404.html",
    "templates/search.html",
    "templates/track_record.html",
    "templates/atom.xml",
    "templates/sitemap.xml",
    "templates/embed.html",
    "templates/embed.css",
    "static/style.css",
    "static/forkcast.js",
    "static/map.js",
    "static/model.js",
    "static/map-draw.js",
    "static/map-input.js",
    "static/map-panel.js",
    "static/favicon.svg",
    "static/search.js",
    "static/dom.js",
    "static/view.js",
    "static/view-key.js",
    "static/view-ui.js",
    "static/view-changes.js",
    "static/view-page.js",
    "static/hold.js",
    "static/hold-ui.js",
    "static/hover-card.js",
    "static/hover-card.css",
    "static/copy.js",
);

/// Where a file of the theme comes from.
#[derive(Clone, Debug)]
pub(crate) enum Origin {
    Builtin(&'static str),
    File(PathBuf),
}

#[derive(Clone, Debug)]
pub(crate) struct ThemeFile {
    /// Template name (`post.html`) or output path (`style.css`).
    pub name: String,
    pub origin: Origin,
}

/// A template, read when the site is loaded so rendering reads no file.
#[derive(Clone, Debug)]
pub(crate) struct Template {
    /// Its name, e.g. `post.html`.
    pub name: String,
    pub text: Cow<'static, str>,
    /// The site's file it was read from, relative to the root; none for
    /// a built-in one.
    pub file: Option<PathBuf>,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct Theme {
    pub templates: Vec<Template>,
    pub statics: Vec<ThemeFile>,
    /// Whether the output holds `extra.css` (the site's `static/extra.css`
    /// or the theme's), which base.html then links after `style.css`.
    pub extra_css: bool,
}

/// Theme files while they are assembled, each later one replacing an
/// earlier one of the same name.
#[derive(Default)]
struct Files {
    templates: Vec<ThemeFile>,
    statics: Vec<ThemeFile>,
}

impl Theme {
    /// Assembles theme `name` for the site at `root`; what the site does
    /// to it by mistake goes to `diags` as warnings.
    pub(crate) fn load(
        root: &Path,
        name: &str,
        diags: &mut Diagnostics,
    ) -> Result<Theme, Diagnostic> {
        let mut theme = Files::default();
        let dir = root.join("themes").join(name);
        if name == "default" {
            for (path, text) in DEFAULT {
                theme.put(path, Origin::Builtin(text));
            }
        } else if !dir.is_dir() {
            return Err(Diagnostic::error(
                crate::source::config::FILE,
                Pos::START,
                format!("theme `{name}` not found in themes/"),
            )
            .with_help(format!(
                "create themes/{name}/templates/, or set `theme: default`"
            )));
        }
        for (sub, base) in [
            ("templates", dir.join("templates")),
            ("static", dir.join("static")),
            ("templates", root.join("templates")),
        ] {
            for file in crate::source::files::files_with_extension(&base, &[]) {
                if let Ok(rel) = file.strip_prefix(&base) {
                    let rel = rel.to_string_lossy().replace('\\', "/");
                    theme.put(&format!("{sub}/{rel}"), Origin::File(file));
                }
            }
        }
        let site_statics = site_statics(root);
        diags.extend(replaced_statics(&theme.statics, &site_statics, name));
        let theme = Theme {
            templates: theme
                .templates
                .into_iter()
                .map(|f| read_template(root, f))
                .collect::<Result<_, _>>()?,
            extra_css: site_statics.iter().any(|(n, _)| n == EXTRA_CSS)
                || theme.statics.iter().any(|f| f.name == EXTRA_CSS),
            statics: theme.statics,
        };
        diags.extend(theme.unused_templates());
        Ok(theme)
    }

    /// The template named `name`.
    pub(crate) fn template(&self, name: &str) -> Option<&Template> {
        self.templates.iter().find(|t| t.name == name)
    }

    /// A warning for each of the site's templates that replaces no
    /// built-in template and that no template extends, includes or
    /// imports: a misspelt override would otherwise be silently ignored.
    fn unused_templates(&self) -> Vec<Diagnostic> {
        let used: HashSet<&str> = self.templates.iter().flat_map(|t| uses(&t.text)).collect();
        let builtin: Vec<&str> = builtin_templates().collect();
        self.templates
            .iter()
            .filter(|t| !builtin.contains(&t.name.as_str()) && !used.contains(t.name.as_str()))
            .filter_map(|t| {
                let file = t.file.as_ref()?;
                let warning = Diagnostic::warning(
                    file,
                    Pos::START,
                    format!(
                        "`{}` replaces no built-in template and no template uses it",
                        t.name
                    ),
                );
                Some(match crate::diagnostics::closest(&t.name, builtin.iter().copied()) {
                    Some(near) => warning.with_help(format!(
                        "did you mean `{near}`? A template replaces the built-in one of the same name"
                    )),
                    None => warning.with_help(format!(
                        "name it after the built-in template it replaces ({}), or use it from another with `{{% include \"{}\" %}}`",
                        builtin.join(", "),
                        t.name
                    )),
                })
            })
            .collect()
    }

    /// Output paths of the theme's static files.
    pub(crate) fn static_paths(&self) -> impl Iterator<Item = String> + '_ {
        self.statics.iter().map(|f| f.name.clone())
    }
}

/// The names of the built-in theme's templates, e.g. `post.html`.
pub(crate) fn builtin_templates() -> impl Iterator<Item = &'static str> {
    DEFAULT
        .iter()
        .filter_map(|(path, _)| path.strip_prefix("templates/"))
}

/// The site's `static/` files, by output path, with their paths relative
/// to `root`.
fn site_statics(root: &Path) -> Vec<(String, PathBuf)> {
    let dir = root.join("static");
    crate::source::files::files_with_extension(&dir, &[])
        .into_iter()
        .filter_map(|file| {
            let name = file.strip_prefix(&dir).ok()?;
            let name = name.to_string_lossy().replace('\\', "/");
            let rel = file.strip_prefix(root).unwrap_or(&file).to_path_buf();
            Some((name, rel))
        })
        .collect()
}

/// A warning at each file of the site's `static/` that takes the place
/// of a theme file of the same output path (the theme's file is then not
/// published): to add styles, `extra.css` is the way.
fn replaced_statics(
    theme: &[ThemeFile],
    site: &[(String, PathBuf)],
    theme_name: &str,
) -> Vec<Diagnostic> {
    site.iter()
        .filter(|(name, _)| theme.iter().any(|f| &f.name == name))
        .map(|(name, file)| {
            let on_purpose = format!(
                "to replace it on purpose, move this file to themes/{theme_name}/static/{name}"
            );
            if name == "style.css" {
                Diagnostic::warning(
                    file,
                    Pos::START,
                    "replaces the theme's stylesheet; to add styles, put them in static/extra.css",
                )
                .with_help(format!(
                    "static/extra.css is linked after the theme's style.css, so its rules and variables win; {on_purpose}"
                ))
            } else {
                Diagnostic::warning(
                    file,
                    Pos::START,
                    format!("replaces the theme's file `{name}` of the same name"),
                )
                .with_help(format!(
                    "give your file another name to publish both; {on_purpose}"
                ))
            }
        })
        .collect()
}

/// The templates `text` extends, includes or imports, by name.
pub(crate) fn uses(text: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{%") {
        let after = &rest[start + 2..];
        let end = after.find("%}").unwrap_or(after.len());
        let tag = after[..end].trim_start_matches('-').trim_start();
        let word = tag.split_whitespace().next().unwrap_or_default();
        if matches!(word, "extends" | "include" | "import") {
            names.extend(quoted(&tag[word.len()..]));
        }
        rest = &after[end..];
    }
    names
}

/// The strings quoted in `text` ("…", '…' or `…`), without their quotes.
fn quoted(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find(['"', '\'', '`']) {
        let quote = rest[open..].chars().next().unwrap_or('"');
        let inner = &rest[open + 1..];
        let Some(close) = inner.find(quote) else {
            break;
        };
        out.push(&inner[..close]);
        rest = &inner[close + 1..];
    }
    out
}

fn read_template(root: &Path, file: ThemeFile) -> Result<Template, Diagnostic> {
    let (text, file_path) = match file.origin {
        Origin::Builtin(text) => (Cow::Borrowed(text), None),
        Origin::File(path) => {
            let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
            let text = std::fs::read_to_string(&path).map_err(|e| {
                Diagnostic::error(&rel, Pos::START, format!("cannot read the template: {e}"))
                    .with_help("save it as UTF-8 text")
            })?;
            (Cow::Owned(text), Some(rel))
        }
    };
    Ok(Template {
        name: file.name,
        text,
        file: file_path,
    })
}

impl Files {
    fn put(&mut self, path: &str, origin: Origin) {
        let (list, name) = match path.split_once('/') {
            Some(("templates", name)) => (&mut self.templates, name),
            Some(("static", name)) => (&mut self.statics, name),
            _ => return,
        };
        match list.iter_mut().find(|f| f.name == name) {
            Some(f) => f.origin = origin,
            None => list.push(ThemeFile {
                name: name.to_string(),
                origin,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uses_are_the_extended_included_and_imported_names() {
        let text = r#"{% extends "base.html" %}{% import 'macros.html' as m %}
{%- include ["partials/a.html", "b.html"] ignore missing -%}{% if x %}"c.html"{% endif %}"#;
        assert_eq!(
            uses(text),
            ["base.html", "macros.html", "partials/a.html", "b.html"]
        );
    }

    #[test]
    fn every_built_in_template_is_named() {
        let names: Vec<&str> = builtin_templates().collect();
        assert!(names.contains(&"base.html") && names.contains(&"atom.xml"));
        assert!(!names.iter().any(|n| n.ends_with(".js")));
    }
}
