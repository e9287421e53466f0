//! `forkcast diff [REV]`: what the working tree changes against a git
//! revision. Both versions are loaded the same reduced way — site.yaml,
//! futures and bets only, through the build's parsers and cross-file
//! checks ([`Core`]) — and computed by the build's rules from the same
//! market observations (the working tree's committed snapshot, never
//! fetched): one build's compute twice, not two builds. The revision is
//! read from git with a fixed number of processes ([`revision`]), and
//! nothing is written. [`report`] words the [`Diff`] for people, for a
//! GitHub job summary, or as JSON.

pub(crate) mod report;

use std::fmt;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::fetch::markets::{self, MarketRef, Prices};
use crate::fetch::remote;
use crate::model::diff::{Diff, Version};
use crate::model::site::{BuildOptions, Core};
use crate::source::config::{self, Config};
use crate::source::revision::{self, RevisionError};

/// Why the two versions could not be compared.
#[derive(Debug)]
pub enum DiffError {
    /// The folder holds no site.yaml.
    NoSite(PathBuf),
    /// Problems in the working tree's files (warnings included), sorted by
    /// place: `check` prints them.
    Content(Vec<Diagnostic>),
    /// The revision's files could not be read.
    Revision(RevisionError),
    /// The revision's files do not load: what is wrong with them, where.
    OldSide {
        rev: String,
        commit: String,
        problems: Vec<Diagnostic>,
    },
}

impl fmt::Display for DiffError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DiffError::NoSite(root) => write!(f, "no {} in {}", config::FILE, root.display()),
            DiffError::Content(d) => {
                let n = d.iter().filter(|d| d.is_error()).count();
                write!(
                    f,
                    "{n} error{} in the site's files",
                    if n == 1 { "" } else { "s" }
                )
            }
            DiffError::Revision(e) => e.fmt(f),
            DiffError::OldSide {
                rev,
                commit,
                problems,
            } => {
                let short = &commit[..commit.len().min(7)];
                write!(
                    f,
                    "the site at `{rev}` ({short}) does not load, so there is nothing to compare with:"
                )?;
                for d in problems.iter().filter(|d| d.is_error()) {
                    write!(f, "\n  {d} (at {rev})")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for DiffError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DiffError::Revision(e) => Some(e),
            _ => None,
        }
    }
}

impl DiffError {
    /// What to do about it (the working tree's problems carry their own).
    pub fn help(&self) -> Option<&'static str> {
        match self {
            DiffError::NoSite(_) | DiffError::Content(_) => None,
            DiffError::Revision(e) => Some(e.help()),
            DiffError::OldSide { .. } => Some(
                "compare with a revision where `forkcast check` passes; `git log --oneline` lists revisions",
            ),
        }
    }

    /// A mistake in the command line (exit status 2) rather than in files.
    pub fn is_usage(&self) -> bool {
        matches!(self, DiffError::Revision(e) if e.is_usage())
    }
}

/// What the working tree changes against a revision.
pub struct Compared {
    /// The revision as given, and the commit it names.
    pub rev: String,
    pub commit: String,
    pub(crate) diff: Diff,
}

impl Compared {
    /// For a terminal: aligned, plain text.
    pub fn human(&self) -> String {
        report::human(self)
    }

    /// For a GitHub job summary: a heading and tables, or one line when no
    /// future or bet changed.
    pub fn markdown(&self) -> String {
        report::markdown(self)
    }

    /// The documented JSON shape (see `commands/diff/report.rs`), numbers as
    /// fractions.
    pub fn json(&self) -> String {
        report::json(self)
    }

    /// Whether no future or bet was added, removed or changed.
    pub fn is_empty(&self) -> bool {
        self.diff.is_empty()
    }
}

/// Compares the site at `root` (its working tree) with revision `rev`.
pub fn diff(root: &Path, rev: &str, options: &BuildOptions) -> Result<Compared, DiffError> {
    if !root.join(config::FILE).is_file() {
        return Err(DiffError::NoSite(root.to_path_buf()));
    }
    let (config, new) = working_tree(root)?;
    let old_files = revision::read(root, rev).map_err(DiffError::Revision)?;
    let commit = old_files.commit.clone();
    let old = old_side(old_files).map_err(|problems| DiffError::OldSide {
        rev: rev.to_string(),
        commit: commit.clone(),
        problems,
    })?;
    let prices = observations(root, &config, options, [&old, &new])?;
    let (old_shown, new_shown) = rayon::join(|| old.shown(&prices), || new.shown(&prices));
    let diff = Diff::between(
        Version {
            core: &old,
            shown: &old_shown,
        },
        Version {
            core: &new,
            shown: &new_shown,
        },
    );
    Ok(Compared {
        rev: rev.to_string(),
        commit,
        diff,
    })
}

/// The working tree's site.yaml, futures and bets, or every problem found
/// in them.
fn working_tree(root: &Path) -> Result<(Config, Core), DiffError> {
    let config = Config::load(root).map_err(DiffError::Content)?;
    let mut diags = Diagnostics::default();
    let core = Core::read(root, &mut diags);
    if diags.has_errors() {
        return Err(DiffError::Content(diags.into_sorted()));
    }
    Ok((config, core))
}

/// The revision's futures and bets, or the errors that stop them loading.
fn old_side(files: revision::Revision) -> Result<Core, Vec<Diagnostic>> {
    let file = Path::new(config::FILE);
    let text = files.config.map_err(|e| {
        vec![Diagnostic::error(
            file,
            Pos::START,
            format!("cannot read {}: {e}", config::FILE),
        )]
    })?;
    Config::parse(&text)?;
    let mut diags = Diagnostics::default();
    let core = Core::from_texts(files.futures, files.bets, &mut diags);
    let problems = diags.into_sorted();
    if problems.iter().any(Diagnostic::is_error) {
        return Err(problems);
    }
    Ok(core)
}

/// Every market either version links, as the working tree's committed
/// snapshot has it (offline: nothing is fetched or written).
fn observations(
    root: &Path,
    config: &Config,
    options: &BuildOptions,
    versions: [&Core; 2],
) -> Result<Prices, DiffError> {
    let now = options.now().map_err(|d| DiffError::Content(vec![d]))?;
    let refs: Vec<(MarketRef, PathBuf, Pos)> = versions
        .iter()
        .flat_map(|core| &core.futures)
        .flat_map(|f| {
            f.markets
                .iter()
                .map(|m| (m.value.clone(), f.file.clone(), m.pos))
        })
        .collect();
    let run = remote::Run {
        root,
        mode: remote::Mode::Offline,
        refresh_after: config.markets.refresh_after,
        concurrency: config.markets.concurrency,
        now,
    };
    let mut diags = Diagnostics::default();
    let (prices, _) = markets::update(&run, &refs, &|_, _| {}, &mut diags);
    if diags.has_errors() {
        return Err(DiffError::Content(diags.into_sorted()));
    }
    Ok(prices)
}
