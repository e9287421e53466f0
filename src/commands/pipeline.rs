//! The pipeline in order — load and validate, fetch markets and
//! discussions, compute, render, write — and the entry points that run it:
//! [`load`], [`check`], [`fetch`], [`build`] and [`discuss`].

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::diagnostics::{self, Diagnostic};
use crate::fetch::community::{self, discuss::DiscussError, discuss::Discussed};
use crate::fetch::{markets, remote};
use crate::model::site::{BuildOptions, Loaded, Observed, Site};
use crate::source::config::{self, Config};
use crate::{output, render};

/// Why a build or check did not complete.
#[derive(Debug)]
pub enum Error {
    /// The folder holds no site.yaml.
    NoSite(PathBuf),
    /// Problems in the site's files (warnings included), sorted by place.
    Content(Vec<Diagnostic>),
    Render(render::RenderError),
    Write(output::WriteError),
    /// The output folder would hold or replace files that are not the
    /// build's own: a usage mistake.
    Output(output::Refused),
    /// `forkcast discuss` could not start.
    Discuss(DiscussError),
    /// The HTTP client for markets and discussions could not start.
    Client(remote::ClientError),
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
            Error::Output(e) => e.fmt(f),
            Error::Discuss(e) => e.fmt(f),
            Error::Client(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::NoSite(_) | Error::Content(_) => None,
            Error::Render(e) => Some(e),
            Error::Write(e) => Some(e),
            Error::Output(e) => Some(e),
            Error::Discuss(e) => Some(e),
            Error::Client(e) => Some(e),
        }
    }
}

/// What a successful build made.
#[derive(Debug)]
pub struct Built {
    pub output: PathBuf,
    /// How many files the output holds, and which of them changed.
    pub written: output::Written,
    pub warnings: Vec<Diagnostic>,
    /// What the site holds, e.g. "7 posts, 1 page, 32 futures, 13 bets, 20 tags".
    pub summary: String,
    /// How long each stage took.
    pub timings: Vec<(&'static str, Duration)>,
    pub markets: markets::Summary,
    /// With `community: true`.
    pub community: Option<community::Summary>,
}

/// What fetching did: markets, and discussions where the site has them.
#[derive(Clone, Debug)]
pub struct Fetched {
    pub markets: markets::Summary,
    pub community: Option<community::Summary>,
}

impl fmt::Display for Fetched {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.markets.fmt(f)?;
        match &self.community {
            Some(c) => write!(f, "\n{c}"),
            None => Ok(()),
        }
    }
}

/// Reports fetch progress: `(what, done, total)`, what being `markets` or
/// `discussions`.
pub type Progress<'a> = &'a (dyn Fn(&str, usize, usize) + Sync);

/// Loads and checks the site at `root`, obtains market prices and
/// discussion counts as `options` and `verify` say, and computes every
/// probability. Writes nothing but the snapshots and history.
fn prepare(
    root: &Path,
    options: &BuildOptions,
    verify: bool,
    progress: Progress<'_>,
) -> Result<(Site, Fetched), Error> {
    let loaded = load_sources(root, options)?;
    let client = if options.offline {
        None
    } else {
        Some(client(&loaded.config, options)?)
    };
    let mode = match (&client, verify) {
        (None, _) => remote::Mode::Offline,
        (Some(c), false) => remote::Mode::Refresh(c),
        (Some(c), true) => remote::Mode::Verify(c),
    };
    let (observed, fetched) = observe(&loaded, mode, progress)?;
    Ok((loaded.compute(observed), fetched))
}

/// The site's files, read and checked.
fn load_sources(root: &Path, options: &BuildOptions) -> Result<Loaded, Error> {
    if !root.join(config::FILE).is_file() {
        return Err(Error::NoSite(root.to_path_buf()));
    }
    Loaded::load(root, options).map_err(|d| Error::Content(d.into_sorted()))
}

/// Market prices and discussions for `loaded`, from the snapshots and, as
/// `mode` says, from their hosts. A market's fault is a warning; a
/// reference that does not exist (when verifying) an error.
fn observe(
    loaded: &Loaded,
    mode: remote::Mode<'_>,
    progress: Progress<'_>,
) -> Result<(Observed, Fetched), Error> {
    let mut diags = diagnostics::Diagnostics::default();
    let run = remote::Run {
        root: &loaded.root,
        mode,
        refresh_after: loaded.config.markets.refresh_after,
        concurrency: loaded.config.markets.concurrency,
        now: jiff::Timestamp::now(),
    };
    let (prices, summary) = markets::update(
        &run,
        &loaded.market_refs(),
        &|done, total| progress("markets", done, total),
        &mut diags,
    );
    let discussions = loaded.config.community.as_ref().map(|repo| {
        community::update(
            &run,
            repo,
            &loaded.known_ids(),
            &|done, total| progress("discussions", done, total),
            &mut diags,
        )
    });
    if diags.has_errors() {
        diags.extend(loaded.warnings.iter().cloned());
        return Err(Error::Content(diags.into_sorted()));
    }
    let (community, community_summary) = discussions.unzip();
    let observed = Observed {
        prices,
        community,
        warnings: diags.into_iter().collect(),
    };
    let fetched = Fetched {
        markets: summary,
        community: community_summary,
    };
    Ok((observed, fetched))
}

/// The HTTP client every fetch of a run shares.
fn client(config: &Config, options: &BuildOptions) -> Result<remote::Client, Error> {
    let endpoints = options
        .endpoints
        .clone()
        .unwrap_or_else(remote::Endpoints::from_env);
    let policy = options
        .policy
        .clone()
        .unwrap_or_else(|| remote::Policy::new(config.markets.timeout));
    remote::Client::new(endpoints, policy).map_err(Error::Client)
}

fn no_progress(_: &str, _: usize, _: usize) {}

/// Renders `site` (from `root`) into `output`, each file written as soon as
/// it is rendered; if anything fails, `output` is left as it was. Returns
/// the templates too, which `serve` keeps for its incremental rebuilds.
pub(crate) fn write_site(
    site: &Site,
    root: &Path,
    output: &Path,
) -> Result<(output::Written, tera::Tera, crate::render::search::Index), Error> {
    let publisher = output::Publisher::begin(output).map_err(Error::Write)?;
    publisher.put_statics(&site.theme, &root.join("static"));
    let (tera, index) = render::render(site, &|file| publisher.put(file)).map_err(Error::Render)?;
    let written = publisher.finish().map_err(Error::Write)?;
    Ok((written, tera, index))
}

/// Loads, checks and computes the site at `root`: markets come from the
/// snapshot, or are refreshed unless `options.offline`.
pub fn load(root: &Path, options: &BuildOptions) -> Result<Site, Error> {
    prepare(root, options, false, &no_progress).map(|(site, _)| site)
}

/// Validates everything `build` would, and renders the templates, but
/// writes no site. With `online`, every market is fetched and one that does
/// not exist is an error. Returns the warnings.
pub fn check(root: &Path, options: &BuildOptions, online: bool) -> Result<Vec<Diagnostic>, Error> {
    let options = BuildOptions {
        offline: !online,
        ..options.clone()
    };
    let (site, _) = prepare(root, &options, online, &no_progress)?;
    render::render(&site, &drop).map_err(Error::Render)?;
    Ok(site.warnings())
}

/// Refreshes market values and history, and discussion counts, only.
pub fn fetch(
    root: &Path,
    options: &BuildOptions,
    progress: Progress<'_>,
) -> Result<(Fetched, Vec<Diagnostic>), Error> {
    let options = BuildOptions {
        offline: false,
        ..options.clone()
    };
    let (site, summary) = prepare(root, &options, false, progress)?;
    Ok((summary, site.warnings()))
}

/// Builds the site at `root` into `output` (default `root/public`), which
/// must be empty or an earlier build's output (see [`output::check_target`]).
pub fn build(root: &Path, output: Option<&Path>, options: &BuildOptions) -> Result<Built, Error> {
    build_with_progress(root, output, options, &no_progress)
}

/// [`build`], reporting market-fetch progress.
pub fn build_with_progress(
    root: &Path,
    output: Option<&Path>,
    options: &BuildOptions,
    progress: Progress<'_>,
) -> Result<Built, Error> {
    let started = Instant::now();
    let output = output.map_or_else(|| root.join("public"), Path::to_path_buf);
    output::check_target(root, &output).map_err(Error::Output)?;
    let (site, fetched) = prepare(root, options, false, progress)?;
    let loaded = Instant::now();
    let (written, _, _) = write_site(&site, root, &output)?;
    let count = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    Ok(Built {
        output,
        written,
        summary: [
            count(site.posts.len(), "post"),
            count(site.pages.len(), "page"),
            count(site.futures.len(), "future"),
            count(site.bets.len(), "bet"),
            count(site.tags.len(), "tag"),
        ]
        .join(", "),
        timings: vec![
            ("load, fetch, check and compute", loaded - started),
            ("render and write", loaded.elapsed()),
        ],
        warnings: site.warnings(),
        markets: fetched.markets,
        community: fetched.community,
    })
}

/// `forkcast discuss`: which futures and bets have no discussion thread,
/// and with `create` one new issue for each (see [`community::discuss`]).
/// Markets are not fetched.
pub fn discuss(root: &Path, options: &BuildOptions, create: bool) -> Result<Discussed, Error> {
    let site = load_sources(root, options)?;
    let Some(repo) = &site.config.community else {
        return Err(Error::Content(vec![
            Diagnostic::error(config::FILE, diagnostics::Pos::START, "`forkcast discuss` needs `community: true`")
                .with_help("add `community: true` and `repository: https://github.com/owner/repo` to site.yaml"),
        ]));
    };
    let client = client(&site.config, options)?;
    community::discuss::discuss(root, repo, &site.wanted_threads(), &client, create)
        .map_err(Error::Discuss)
}
