//! Themes: tera templates and static assets. The default theme is compiled
//! into the binary (so a bare folder of Markdown builds, and `forkcast init`
//! copies no theme). A site's `themes/<name>/` replaces theme files one by
//! one, and its own `templates/` overrides any template of the theme.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Pos};

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
}

#[derive(Clone, Debug, Default)]
pub(crate) struct Theme {
    pub templates: Vec<Template>,
    pub statics: Vec<ThemeFile>,
}

/// Theme files while they are assembled, each later one replacing an
/// earlier one of the same name.
#[derive(Default)]
struct Files {
    templates: Vec<ThemeFile>,
    statics: Vec<ThemeFile>,
}

impl Theme {
    /// Assembles theme `name` for the site at `root`.
    pub(crate) fn load(root: &Path, name: &str) -> Result<Theme, Diagnostic> {
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
        Ok(Theme {
            templates: theme
                .templates
                .into_iter()
                .map(read_template)
                .collect::<Result<_, _>>()?,
            statics: theme.statics,
        })
    }

    /// Output paths of the theme's static files.
    pub(crate) fn static_paths(&self) -> impl Iterator<Item = String> + '_ {
        self.statics.iter().map(|f| f.name.clone())
    }
}

fn read_template(file: ThemeFile) -> Result<Template, Diagnostic> {
    let text = match file.origin {
        Origin::Builtin(text) => Cow::Borrowed(text),
        Origin::File(path) => Cow::Owned(std::fs::read_to_string(&path).map_err(|e| {
            Diagnostic::error(&path, Pos::START, format!("cannot read the template: {e}"))
                .with_help("save it as UTF-8 text")
        })?),
    };
    Ok(Template {
        name: file.name,
        text,
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
