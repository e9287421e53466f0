//! `forkcast theme eject [TEMPLATE]`: the built-in theme's templates (or
//! one) copied into the site's `templates/`, where they replace the
//! built-in ones, so that a site can change them without Forkcast's
//! source. Never over a file that is there. Static files are not copied:
//! a site adds its styles in `static/extra.css` instead.

use std::fmt;
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use crate::diagnostics::closest;
use crate::source::theme::{self, DEFAULT};

/// Why nothing could be ejected.
#[derive(Debug)]
pub enum EjectError {
    /// No built-in template has that name: a usage mistake.
    Unknown {
        name: String,
        /// The close name of one, if any.
        suggestion: Option<&'static str>,
    },
    /// A file could not be written; those before it were.
    Io(PathBuf, io::Error),
}

impl EjectError {
    /// Whether the command was called wrongly (exit status 2).
    pub fn is_usage(&self) -> bool {
        matches!(self, EjectError::Unknown { .. })
    }
}

impl fmt::Display for EjectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EjectError::Unknown { name, suggestion } => {
                write!(f, "the built-in theme has no template `{name}`\n  = help: ")?;
                if let Some(near) = suggestion {
                    write!(f, "did you mean `{near}`? ")?;
                }
                let names: Vec<&str> = theme::builtin_templates().collect();
                write!(f, "The templates: {}", names.join(", "))
            }
            EjectError::Io(path, e) => write!(f, "cannot write {}: {e}", path.display()),
        }
    }
}

impl std::error::Error for EjectError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            EjectError::Io(_, e) => Some(e),
            EjectError::Unknown { .. } => None,
        }
    }
}

/// What `eject` did, as paths relative to the site's root.
#[derive(Debug, Default)]
pub struct Ejected {
    pub written: Vec<PathBuf>,
    /// Templates the site has already, left as they are.
    pub kept: Vec<PathBuf>,
}

impl fmt::Display for Ejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for path in &self.written {
            writeln!(f, "Wrote {}", path.display())?;
        }
        for path in &self.kept {
            writeln!(f, "Kept {} (it is there already)", path.display())?;
        }
        if self.written.is_empty() {
            writeln!(
                f,
                "Nothing new: the site has every template asked for; delete one to eject it again."
            )?;
        }
        write!(
            f,
            "A template in templates/ replaces the built-in one of the same name; delete it to \
             use the built-in one again. To add styles, put them in static/extra.css rather \
             than copying the theme's stylesheet."
        )
    }
}

/// Copies the built-in template `name` (`post.html`, or `post`), or all of
/// them, into `root/templates/`, keeping every file that is there.
pub fn eject(root: &Path, name: Option<&str>) -> Result<Ejected, EjectError> {
    let chosen: Vec<(&str, &str)> = templates()
        .filter(|(t, _)| name.is_none_or(|n| named(t, n)))
        .collect();
    if let (Some(name), true) = (name, chosen.is_empty()) {
        return Err(EjectError::Unknown {
            name: name.to_string(),
            suggestion: closest(name, theme::builtin_templates()),
        });
    }
    let mut done = Ejected::default();
    for (template, text) in chosen {
        let rel = Path::new("templates").join(template);
        if write_new(&root.join(&rel), text)? {
            done.written.push(rel);
        } else {
            done.kept.push(rel);
        }
    }
    Ok(done)
}

/// The built-in templates, by name, with their text.
fn templates() -> impl Iterator<Item = (&'static str, &'static str)> {
    DEFAULT
        .iter()
        .filter_map(|(path, text)| Some((path.strip_prefix("templates/")?, *text)))
}

/// Whether `asked` names `template`: `post.html`, or `post` for short.
fn named(template: &str, asked: &str) -> bool {
    template == asked
        || template
            .rsplit_once('.')
            .is_some_and(|(stem, _)| stem == asked)
}

/// Writes `text` to `path` unless a file is there; says whether it wrote.
fn write_new(path: &Path, text: &str) -> Result<bool, EjectError> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| EjectError::Io(dir.to_path_buf(), e))?;
    }
    let file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path);
    let mut file = match file {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Ok(false),
        Err(e) => return Err(EjectError::Io(path.to_path_buf(), e)),
    };
    file.write_all(text.as_bytes())
        .map_err(|e| EjectError::Io(path.to_path_buf(), e))?;
    Ok(true)
}
