//! Forkcast turns a folder of Markdown posts, YAML futures and Markdown bets
//! into a static site. The pipeline runs one way:
//!
//! load ([`content`], [`futures`], [`bets`], [`config`]) → validate and
//! compute ([`graph`], [`site`]) → render ([`markdown`], [`render`],
//! [`theme`]) → write ([`output`]).
//!
//! [`build`] and [`check`] are the entry points the command line uses.

pub mod bets;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod futures;
pub mod graph;
pub mod markdown;
pub mod markets;
pub mod output;
pub mod render;
pub mod scaffold;
pub mod site;
pub mod theme;
pub mod yaml;

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use diagnostics::{Diagnostic, Format};
pub use site::{BuildOptions, Site};

/// Why a build or check did not complete.
#[derive(Debug)]
pub enum Error {
    /// The folder holds no site.yaml.
    NoSite(PathBuf),
    /// Problems in the site's files (warnings included), sorted by place.
    Content(Vec<Diagnostic>),
    Render(render::RenderError),
    Write(output::WriteError),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Content(d) => {
                let n = d.iter().filter(|d| d.is_error()).count();
                write!(
                    f,
                    "{n} error{} in the site's files",
                    if n == 1 { "" } else { "s" }
                )
            }
            Error::NoSite(root) if !root.is_dir() => {
                write!(f, "the folder {} does not exist", root.display())
            }
            Error::NoSite(root) if root == Path::new(".") => {
                write!(f, "no {} in the current folder", config::FILE)
            }
            Error::NoSite(root) => write!(f, "no {} in {}", config::FILE, root.display()),
            Error::Render(e) => e.fmt(f),
            Error::Write(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {}

/// What a successful build made.
#[derive(Debug)]
pub struct Built {
    pub output: PathBuf,
    pub files: usize,
    pub warnings: Vec<Diagnostic>,
    /// What the site holds, e.g. "7 posts, 1 page, 32 futures, 13 bets, 20 tags".
    pub summary: String,
    /// How long each stage took.
    pub timings: Vec<(&'static str, Duration)>,
}

/// Loads, checks and computes the site at `root` without writing anything.
pub fn load(root: &Path, options: &BuildOptions) -> Result<Site, Error> {
    if !root.join(config::FILE).is_file() {
        return Err(Error::NoSite(root.to_path_buf()));
    }
    Site::load(root, options).map_err(|d| Error::Content(d.into_sorted()))
}

/// Validates everything `build` would, and renders the templates, but
/// writes nothing. Returns the warnings.
pub fn check(root: &Path, options: &BuildOptions) -> Result<Vec<Diagnostic>, Error> {
    let site = load(root, options)?;
    render::render(&site).map_err(Error::Render)?;
    Ok(site.warnings)
}

/// Builds the site at `root` into `output` (default `root/public`).
pub fn build(root: &Path, output: Option<&Path>, options: &BuildOptions) -> Result<Built, Error> {
    let started = Instant::now();
    let site = load(root, options)?;
    let loaded = Instant::now();
    let files = render::render(&site).map_err(Error::Render)?;
    let rendered = Instant::now();
    let output = output.map_or_else(|| root.join("public"), Path::to_path_buf);
    output::publish(&output, &site.theme, &root.join("static"), &files).map_err(Error::Write)?;
    let count = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    Ok(Built {
        output,
        files: files.len(),
        summary: [
            count(site.posts.len(), "post"),
            count(site.pages.len(), "page"),
            count(site.futures.len(), "future"),
            count(site.bets.len(), "bet"),
            count(site.tags.len(), "tag"),
        ]
        .join(", "),
        timings: vec![
            ("load, check and compute", loaded - started),
            ("render", rendered - loaded),
            ("write", rendered.elapsed()),
        ],
        warnings: site.warnings,
    })
}
