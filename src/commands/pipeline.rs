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
    /// How many social cards were drawn, and how many taken from the cache.
    pub cards: output::CardCount,
    pub warnings: Vec<Diagnostic>,
    /// What the site holds, e.g. "7 posts, 1 page, 32 futures, 13 bets, 20 tags".
    pub summary: String,
    /// How long each stage took.
    pub timings: Vec<(&'static str, Duration)>,
    /// How reading the estimates' history from git went, in words.
    pub history: String,
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
    // What a fetch reads is dated by the clock, so a fetching run judges
    // freshness by it; an offline build by its own "now", so that two builds
    // at the same `SOURCE_DATE_EPOCH` mark the same values stale.
    let now = match mode {
        remote::Mode::Offline => loaded.now,
        _ => jiff::Timestamp::now(),
    };
    let run = remote::Run {
        root: &loaded.root,
        mode,
        refresh_after: loaded.config.markets.refresh_after,
        concurrency: loaded.config.markets.concurrency,
        now,
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
    fingerprints: Fingerprints,
) -> Result<Wrote, Error> {
    let mut publisher = output::Publisher::begin(output).map_err(Error::Write)?;
    if fingerprints == Fingerprints::Keep {
        publisher = publisher.with_fingerprints(&root.join(config::CACHE_DIR).join("output"));
    }
    publisher.put_statics(&site.theme, &root.join("static"));
    let cache = card_cache(root);
    let (tera, index) = render::render(site, &|file| publisher.put(file), &|card| {
        publisher.put_cached(card, &cache)
    })
    .map_err(|e| render_failed(e, site))?;
    let written = publisher.finish().map_err(Error::Write)?;
    // Only now is every card the site shows known; the rest are of older
    // facts or designs.
    cache.prune();
    Ok(Wrote {
        written,
        cards: cache.count(),
        tera,
        index,
    })
}

/// A failed render as the run reports it: a mistake in the site's own
/// templates is a problem in its files, shown with the site's warnings.
pub(crate) fn render_failed(e: render::RenderError, site: &Site) -> Error {
    match e {
        render::RenderError::Site(d) => {
            let mut all: diagnostics::Diagnostics = site.warnings().into_iter().collect();
            all.push(d);
            Error::Content(all.into_sorted())
        }
        e => Error::Render(e),
    }
}

/// What [`write_site`] made.
pub(crate) struct Wrote {
    pub written: output::Written,
    pub cards: output::CardCount,
    pub tera: tera::Tera,
    pub index: crate::render::search::Index,
}

/// The social cards' folder of the site's cache.
pub(crate) fn card_cache(root: &Path) -> output::cards::Cache {
    output::cards::Cache::new(root.join(config::CACHE_DIR).join("cards"))
}

/// Loads, checks and computes the site at `root`: markets come from the
/// snapshot, or are refreshed unless `options.offline`.
/// Whether a build keeps its output's fingerprints in the site's cache
/// folder, so the next build into the same output reads no old file back
/// (see `output::Publisher::with_fingerprints`). `serve`'s output, which
/// changes file by file afterwards, keeps none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fingerprints {
    Keep,
    None,
}

pub(crate) fn load(root: &Path, options: &BuildOptions) -> Result<Site, Error> {
    prepare(root, options, false, &no_progress).map(|(site, _)| site)
}

/// Validates everything `build` would, and renders the templates, but
/// writes no site. With `online`, every market is fetched and one that does
/// not exist is an error. Returns the warnings.
pub fn check(root: &Path, options: &BuildOptions, online: bool) -> Result<Vec<Diagnostic>, Error> {
    let options = BuildOptions {
        offline: !online,
        read_only: true,
        ..options.clone()
    };
    let (site, _) = prepare(root, &options, online, &no_progress)?;
    render::render(&site, &drop, &drop).map_err(|e| render_failed(e, &site))?;
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
/// must be empty or an earlier build's output (see `output::check_target`).
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
    let output = output.map_or_else(|| root.join(output::DEFAULT_OUTPUT), Path::to_path_buf);
    output::check_target(root, &output).map_err(Error::Output)?;
    let (site, fetched) = prepare(root, options, false, progress)?;
    let loaded = Instant::now();
    let wrote = write_site(&site, root, &output, Fingerprints::Keep)?;
    let count = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    let built = Built {
        output,
        written: wrote.written,
        cards: wrote.cards,
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
            ("of which the estimates' history (git)", site.history.took),
            ("render and write", loaded.elapsed()),
        ],
        history: site.history.describe(),
        warnings: site.warnings(),
        markets: fetched.markets,
        community: fetched.community,
    };
    // Freeing the site, its templates and the search index touches every
    // allocation of the build, one thread's work the caller need not wait
    // for (the process may even exit first).
    std::thread::spawn(move || drop((site, wrote.tera, wrote.index)));
    Ok(built)
}

/// `forkcast discuss`: which futures and bets have no discussion thread,
/// and with `create` one new issue for each (see `community::discuss`).
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::fs;

    use super::*;
    use crate::output::Publisher;

    fn offline() -> BuildOptions {
        BuildOptions {
            offline: true,
            ..Default::default()
        }
    }

    fn good() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sites/good")
    }

    /// Every file below `dir` and its bytes.
    fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
        walkdir::WalkDir::new(dir)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| (e.path().to_path_buf(), fs::read(e.path()).unwrap()))
            .collect()
    }

    /// The names in `dir` that start with a dot.
    fn hidden(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with('.'))
            .collect();
        names.sort();
        names
    }

    // A unit test: holding the lock as a first build would takes the
    // output's `Publisher`, which is no part of the public API.
    #[test]
    fn a_second_build_into_the_same_output_is_refused_while_the_first_runs() {
        let dir =
            TempDir(std::env::temp_dir().join(format!("forkcast-lock-{}", std::process::id())));
        let out = dir.path().join("public");
        build(&good(), Some(&out), &offline()).unwrap();
        let before = snapshot(&out);
        let first = Publisher::begin(&out).unwrap();
        let Err(Error::Write(e)) = build(&good(), Some(&out), &offline()) else {
            panic!("the second build should fail")
        };
        assert_eq!(
            e.to_string(),
            format!(
                "cannot write {}: another build (process {}) is writing this output; run this one again once it has finished",
                out.display(),
                std::process::id()
            )
        );
        drop(first);
        assert_eq!(
            snapshot(&out),
            before,
            "the first, dropped, changed nothing"
        );
        build(&good(), Some(&out), &offline()).unwrap();
        assert_eq!(
            hidden(dir.path()),
            Vec::<String>::new(),
            "no lock file left"
        );
    }

    /// A folder removed when dropped, even when a test fails.
    struct TempDir(PathBuf);

    impl TempDir {
        fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    // The project's own site (the repository root) is real content: it
    // must always build cleanly. A unit test, as it reads the loaded site,
    // which is no part of the public API.
    #[test]
    fn the_example_site_builds_without_warnings() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let site = load(
            root,
            &BuildOptions {
                offline: true,
                ..Default::default()
            },
        )
        .unwrap();
        assert!(site.warnings().is_empty(), "{:?}", site.warnings());
        let groups = crate::routes::FutureIx::all(site.futures.len())
            .filter(|&i| !site.graph.members(i).is_empty())
            .count();
        assert!(site.futures.len() >= 20, "{} futures", site.futures.len());
        assert!(groups >= 4, "{groups} groups");
        assert!(site.bets.len() >= 10, "{} bets", site.bets.len());
        assert!(site.posts.len() >= 5, "{} posts", site.posts.len());
        assert!(site.pages.iter().any(|p| p.doc.path == "about/"));
        assert!(
            site.futures.iter().any(|f| f.computed.disagreement),
            "a disputed future shows the flag"
        );
        assert!(
            site.bets
                .iter()
                .any(|b| matches!(b.payoff, crate::model::graph::Payoff::Exact(_)))
        );
        assert!(
            site.bets
                .iter()
                .any(|b| matches!(b.payoff, crate::model::graph::Payoff::Range(..)))
        );
        let kinds: std::collections::HashSet<_> = site.bets.iter().map(|b| b.bet.kind).collect();
        assert_eq!(kinds.len(), 3, "financial, career and personal bets");

        let out =
            TempDir(std::env::temp_dir().join(format!("forkcast-example-{}", std::process::id())));
        build(
            root,
            Some(&out.path().join("public")),
            &BuildOptions {
                offline: true,
                ..Default::default()
            },
        )
        .unwrap();
        assert!(
            out.path()
                .join("public/futures/human-level-ai/index.html")
                .is_file()
        );
        let mut summaries = std::collections::HashSet::new();
        for b in &site.bets {
            let page = std::fs::read_to_string(
                out.path()
                    .join(format!("public/bets/{}/index.html", b.bet.id)),
            )
            .unwrap();
            let drawn = page.contains("<svg class=\"map fragment\"");
            let said = page.contains("<p class=\"no-fork\">None: ");
            assert!(
                drawn != said,
                "{}: its fork drawn, or why not said",
                b.bet.id
            );
            assert!(b.bet.summary.is_some(), "{} has a summary", b.bet.id);
            summaries.insert(b.summary().to_string());
        }
        assert_eq!(
            summaries.len(),
            site.bets.len(),
            "no two bets read alike in search"
        );
        assert!(
            site.bets.iter().any(|b| b.fork.is_ok()),
            "some bet's fork is drawn"
        );
    }
}
