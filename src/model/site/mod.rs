//! A whole site in two stages, each its own type: a [`Loaded`] site (every
//! file read, checked across files, Markdown rendered, the graph and each
//! bet's essential fork known) and a computed [`Site`] (with the fetched
//! observations: every probability, payoff and swing). [`load`] makes the
//! first, [`compute`] the second, once per build; [`refresh`] applies one
//! edit to a computed site for `serve`. Nothing here knows about templates
//! or output files.

mod asof;
mod changes;
mod compute;
mod load;
mod refresh;
mod track;
mod trend;

pub(crate) use asof::{committed_estimate_on, value_on};
pub(crate) use changes::{About, Changes, Item, MOVE_DAYS, WINDOW_DAYS, What};
pub(crate) use compute::Shown;
pub(crate) use refresh::{Refresh, Touched};
pub(crate) use track::{BINS, Bin, CHART_FROM, Forecaster, LEAD_DAYS, TrackRecord};
pub(crate) use trend::Trend;

use std::collections::HashSet;
use std::path::PathBuf;

use crate::diagnostics::{Diagnostic, Pos};
use crate::fetch::community::{Community, Kind, Known, Subject, Wanted};
use crate::fetch::markets::{MarketRef, Observation, Prices};
use crate::model::graph::{Computed, Graph, NoFork, Payoff, Sides, Swing, Verdict};
use crate::routes::{BetIx, FutureIx, PostIx, Shape};
use crate::source::bets::Bet;
use crate::source::config::Config;
use crate::source::content::Document;
use crate::source::futures::Future;
use crate::source::history::{self, Change};
use crate::source::markdown::{Rendered, SourcePages};
use crate::source::record::Outcome;
use crate::source::references::Target;
use crate::source::theme::Theme;

/// Choices made on the command line.
#[derive(Clone, Debug, Default)]
pub struct BuildOptions {
    pub drafts: bool,
    /// Overrides `base_url` from site.yaml.
    pub base_url: Option<String>,
    /// Fetch no market: use the committed snapshot.
    pub offline: bool,
    /// Where the market and GitHub APIs are (default: the real ones, or
    /// `FORKCAST_<HOST>_URL`).
    pub endpoints: Option<crate::fetch::remote::Endpoints>,
    /// How hard to try each request (default: from site.yaml's `markets`).
    pub policy: Option<crate::fetch::remote::Policy>,
    /// The build's "now" (default: `SOURCE_DATE_EPOCH` where set, the
    /// reproducible-builds convention, else the clock).
    pub now: Option<jiff::Timestamp>,
    /// Write nothing into the site's folder, not even its cache folder
    /// (what `check` promises): caches are read, never saved.
    pub read_only: bool,
}

impl BuildOptions {
    /// The build's "now": what dates in sources may not be after.
    pub(crate) fn now(&self) -> Result<jiff::Timestamp, Diagnostic> {
        if let Some(now) = self.now {
            return Ok(now);
        }
        let Ok(text) = std::env::var("SOURCE_DATE_EPOCH") else {
            return Ok(jiff::Timestamp::now());
        };
        text.trim()
            .parse::<i64>()
            .ok()
            .and_then(|s| jiff::Timestamp::from_second(s).ok())
            .ok_or_else(|| {
                Diagnostic::error(
                    "SOURCE_DATE_EPOCH",
                    crate::diagnostics::Pos::START,
                    format!("`SOURCE_DATE_EPOCH` is `{text}`, not a number of seconds"),
                )
                .with_help("set it to the seconds since 1970-01-01 UTC (e.g. `git log -1 --format=%ct`), or unset it to use the clock")
            })
    }

    /// The day of [`BuildOptions::now`], in UTC.
    pub(crate) fn today(&self) -> Result<jiff::civil::Date, Diagnostic> {
        Ok(jiff::tz::TimeZone::UTC.to_datetime(self.now()?).date())
    }
}

/// A post, page or the home introduction with its Markdown rendered.
pub(crate) struct Page {
    pub doc: Document,
    pub rendered: Rendered,
    /// The futures it discusses (its front matter's `futures`).
    pub futures: Vec<FutureIx>,
}

impl Page {
    /// The futures it discusses: its front matter's, then those its text
    /// references, each once.
    pub(crate) fn discussed(&self) -> Vec<FutureIx> {
        let mut all = self.futures.clone();
        for t in self.rendered.html.targets() {
            if let Target::Future(f) = t
                && !all.contains(&f)
            {
                all.push(f);
            }
        }
        all
    }
}

/// Where a future's own probability comes from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Source {
    /// The aggregate (geometric mean of odds) of this many markets.
    Markets(usize),
    /// The author's estimate: no market has a value.
    Estimate,
}

/// A future's own probability and where it comes from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Own {
    pub value: f64,
    pub source: Source,
}

/// What resolutions make of a future's probability.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Settled {
    /// Nothing: no resolution reaches it.
    Open,
    /// 1 or 0: it resolved (`by` is itself), or the resolution of `by` (a
    /// future it is the only parent of, or a fork sibling of) settles it.
    Fixed { outcome: Outcome, by: FutureIx },
    /// Its own probability, moved by resolutions upstream ("Changes follow
    /// the arrows").
    Moved(f64),
}

/// A future as loaded: its file and what links to it, before any number.
pub(crate) struct LoadedFuture {
    pub future: Future,
    pub summary: Rendered,
    /// Its `resolves_when` criteria and its evidence's notes, rendered.
    pub record: RecordText,
    /// Its estimate's committed changes, oldest first (from git).
    pub estimates: Vec<Change>,
    /// Bets (indexes into [`Site::bets`]) that win or lose here.
    pub bets_win: Vec<BetIx>,
    pub bets_lose: Vec<BetIx>,
    /// Posts (indexes into [`Site::posts`]) that discuss it.
    pub posts: Vec<PostIx>,
}

/// The Markdown of a future's record, rendered.
pub(crate) struct RecordText {
    pub resolves_when: Option<Rendered>,
    /// One per evidence item, in the file's order.
    pub notes: Vec<Option<Rendered>>,
}

/// A future with its numbers.
pub(crate) struct FutureEntry {
    pub future: Future,
    pub summary: Rendered,
    pub record: RecordText,
    /// Its own probability: its markets' aggregate, else its author's estimate.
    pub own: Option<Own>,
    pub settled: Settled,
    /// Each market it references, with what is known of it.
    pub markets: Vec<(MarketRef, Observation)>,
    pub computed: Computed,
    /// Its estimate's committed changes, oldest first (from git).
    pub estimates: Vec<Change>,
    /// Bets (indexes into [`Site::bets`]) that win or lose here.
    pub bets_win: Vec<BetIx>,
    pub bets_lose: Vec<BetIx>,
    /// Posts (indexes into [`Site::posts`]) that discuss it.
    pub posts: Vec<PostIx>,
}

impl FutureEntry {
    /// Its own probability as the site shows it: settled, moved by
    /// resolutions upstream, or its own.
    pub(crate) fn shown(&self) -> Option<f64> {
        match self.settled {
            Settled::Fixed { outcome, .. } => Some(outcome.value()),
            Settled::Moved(value) => Some(value),
            Settled::Open => self.own.map(|o| o.value),
        }
    }

    /// Its shown probability where it has one, else the implied one.
    pub(crate) fn effective(&self) -> Option<f64> {
        self.shown().or(self.computed.implied)
    }

    /// The oldest value shown from a market whose refresh failed.
    pub(crate) fn stale_since(&self) -> Option<jiff::civil::Date> {
        self.markets
            .iter()
            .filter(|(_, o)| o.stale)
            .filter_map(|(_, o)| o.as_of)
            .min()
    }
}

/// A site's futures and bets, each file parsed and the rules across them
/// checked (unique ids, the graph of `within` and `leads_to`, the futures
/// each bet names), with no Markdown rendered: what every number is
/// computed from. A build makes one from the files on disk and goes on to
/// a [`Loaded`] site; `diff` makes one of each side it compares.
pub(crate) struct Core {
    pub futures: Vec<Future>,
    pub graph: Graph,
    /// In the bets' files' order.
    pub bets: Vec<CheckedBet>,
}

/// A bet with the futures it names found in the graph.
pub(crate) struct CheckedBet {
    pub bet: Bet,
    pub wins_if: Vec<FutureIx>,
    pub loses_if: Vec<FutureIx>,
}

impl CheckedBet {
    /// The futures it wins and loses in.
    pub(crate) fn sides(&self) -> Sides<'_> {
        Sides {
            wins: &self.wins_if,
            loses: &self.loses_if,
        }
    }
}

/// A bet as loaded: the futures it names and where they part.
pub(crate) struct LoadedBet {
    pub bet: Bet,
    pub argument: Rendered,
    pub wins_if: Vec<FutureIx>,
    pub loses_if: Vec<FutureIx>,
    /// The fork its wins and losses part at, or why there is none (see
    /// [`Graph::essential_fork`]): it depends on the graph's edges only.
    pub fork: Result<FutureIx, NoFork>,
}

/// A bet with its chance of paying off.
pub(crate) struct BetEntry {
    pub bet: Bet,
    pub argument: Rendered,
    pub wins_if: Vec<FutureIx>,
    pub loses_if: Vec<FutureIx>,
    pub payoff: Payoff,
    /// The futures that move its payoff most, largest first (at most
    /// [`compute::WHAT_MOVES`]; see [`Graph::swings`]).
    pub swings: Vec<Swing>,
    /// Won or lost, once resolutions settle it.
    pub verdict: Option<Verdict>,
    /// The fork its wins and losses part at, or why there is none (see
    /// [`Graph::essential_fork`]).
    pub fork: Result<FutureIx, NoFork>,
}

impl LoadedBet {
    /// The futures it wins and loses in.
    pub(crate) fn sides(&self) -> Sides<'_> {
        Sides {
            wins: &self.wins_if,
            loses: &self.loses_if,
        }
    }
}

impl BetEntry {
    /// The futures it wins and loses in.
    pub(crate) fn sides(&self) -> Sides<'_> {
        Sides {
            wins: &self.wins_if,
            loses: &self.loses_if,
        }
    }

    /// Its stake's expected value at its chance of paying off, where it
    /// has a stake.
    pub(crate) fn expected(&self) -> Option<crate::model::stakes::Amount> {
        self.bet
            .stake
            .map(|stake| crate::model::stakes::expected(stake, self.payoff))
    }

    /// What its stake returned, once resolutions settle it, where it has
    /// a stake.
    pub(crate) fn returned(&self) -> Option<f64> {
        let (stake, verdict) = self.bet.stake.zip(self.verdict)?;
        Some(crate::model::stakes::returns(stake, verdict.won()))
    }

    /// What listings and search show of it: its `summary`, else the
    /// argument's first paragraph.
    pub(crate) fn summary(&self) -> &str {
        self.bet
            .summary
            .as_deref()
            .unwrap_or(&self.argument.summary)
    }
}

/// A tag and what carries it.
pub(crate) struct TagEntry {
    pub name: String,
    pub slug: String,
    pub posts: Vec<PostIx>,
    pub futures: Vec<FutureIx>,
}

/// A site whose files are read and checked, before anything is fetched or
/// computed.
pub(crate) struct Loaded {
    pub root: PathBuf,
    pub config: Config,
    pub theme: Theme,
    pub home: Option<Page>,
    pub market_credit: Option<Rendered>,
    /// Newest first.
    pub posts: Vec<Page>,
    pub pages: Vec<Page>,
    pub futures: Vec<LoadedFuture>,
    pub graph: Graph,
    pub bets: Vec<LoadedBet>,
    /// Sorted by slug.
    pub tags: Vec<TagEntry>,
    /// The problems loading found that do not stop a build.
    pub warnings: Vec<Diagnostic>,
    /// How reading the estimates' history from git went.
    pub history: history::Report,
    /// When each future and bet was added (from git).
    pub added: history::Added,
    /// Every output path, for checking links when a file changes.
    routes: HashSet<String>,
    /// The page of every source file, for relative links.
    sources: SourcePages,
    /// The build's "now", read once (see [`BuildOptions::now`]).
    pub(crate) now: jiff::Timestamp,
    options: BuildOptions,
}

/// What fetching found for a loaded site.
#[derive(Default)]
pub(crate) struct Observed {
    /// Every market's value and history (from the snapshot at least).
    pub prices: Prices,
    /// Votes and discussion threads, with `community: true`.
    pub community: Option<Community>,
    /// Faults that did not stop the build (a market that did not answer…).
    pub warnings: Vec<Diagnostic>,
}

/// A computed site: everything a page shows.
pub(crate) struct Site {
    pub(crate) root: PathBuf,
    pub(crate) config: Config,
    pub(crate) theme: Theme,
    pub(crate) home: Option<Page>,
    /// `markets.credit` from site.yaml, rendered: shown beside market tables.
    pub(crate) market_credit: Option<Rendered>,
    /// Newest first.
    pub(crate) posts: Vec<Page>,
    pub(crate) pages: Vec<Page>,
    pub(crate) futures: Vec<FutureEntry>,
    pub(crate) graph: Graph,
    pub(crate) bets: Vec<BetEntry>,
    /// Sorted by slug.
    pub(crate) tags: Vec<TagEntry>,
    /// Votes and discussion threads, with `community: true`.
    pub(crate) community: Option<Community>,
    /// How reading the estimates' history from git went.
    pub(crate) history: history::Report,
    /// When each future and bet was added (from git).
    pub(crate) added: history::Added,
    /// The day of the build's "now": an estimate holds until then.
    pub(crate) today: jiff::civil::Date,
    /// Warnings of loading and fetching.
    found: Vec<Diagnostic>,
    /// Warnings about the numbers, made anew whenever they are computed.
    computed: Vec<Diagnostic>,
    /// Every output path, for checking links when a file changes.
    routes: HashSet<String>,
    /// The page of every source file, for relative links.
    sources: SourcePages,
    /// The market observations the probabilities were computed with.
    prices: Prices,
    options: BuildOptions,
    /// The last weeks' numbers, computed on first use and again after an
    /// edit changes them (serve keeps one `Site` across edits).
    trend: std::sync::OnceLock<Trend>,
}

impl Loaded {
    /// Every market reference of every future, with where it is written.
    pub(crate) fn market_refs(&self) -> Vec<(MarketRef, PathBuf, Pos)> {
        self.futures
            .iter()
            .flat_map(|e| {
                e.future
                    .markets
                    .iter()
                    .map(|m| (m.value.clone(), e.future.file.clone(), m.pos))
            })
            .collect()
    }

    /// Every future and bet id, to tell which discussion threads name one.
    pub(crate) fn known_ids(&self) -> Known<'_> {
        Known {
            futures: self.futures.iter().map(|e| e.future.id.as_str()).collect(),
            bets: self.bets.iter().map(|b| b.bet.id.as_str()).collect(),
        }
    }

    /// Every future, then every bet, as a discussion thread about it
    /// would be opened.
    pub(crate) fn wanted_threads(&self) -> Vec<Wanted> {
        let base = self.config.base_url.as_str();
        let futures = self.futures.iter().map(|e| Wanted {
            subject: Subject::new(Kind::Future, e.future.id.as_str()),
            title: e.future.title.clone(),
            permalink: format!("{base}{}", crate::routes::future(e.future.id.as_str())),
        });
        let bets = self.bets.iter().map(|b| Wanted {
            subject: Subject::new(Kind::Bet, b.bet.id.as_str()),
            title: b.bet.title.clone(),
            permalink: format!("{base}{}", crate::routes::bet(b.bet.id.as_str())),
        });
        futures.chain(bets).collect()
    }
}

impl Site {
    /// Every warning of the build, in file order.
    pub(crate) fn warnings(&self) -> Vec<Diagnostic> {
        let mut all: Vec<Diagnostic> = self.found.iter().chain(&self.computed).cloned().collect();
        all.sort_by(|a, b| (&a.file, a.pos).cmp(&(&b.file, b.pos)));
        all
    }

    /// The names its routes are made of.
    pub(crate) fn shape(&self) -> Shape<'_> {
        Shape {
            posts: self.posts.iter().map(|p| p.doc.path.as_str()).collect(),
            pages: self.pages.iter().map(|p| p.doc.path.as_str()).collect(),
            futures: self.futures.iter().map(|e| e.future.id.as_str()).collect(),
            bets: self.bets.iter().map(|b| b.bet.id.as_str()).collect(),
            tags: self
                .tags
                .iter()
                .map(|t| (t.slug.as_str(), t.posts.len()))
                .collect(),
            posts_per_page: self.config.posts_per_page,
        }
    }

    /// Futures in the order of the futures table: by title.
    pub(crate) fn futures_by_title(&self) -> Vec<FutureIx> {
        let mut v: Vec<FutureIx> = FutureIx::all(self.futures.len()).collect();
        v.sort_by_cached_key(|&i| self.futures[i].future.title.to_lowercase());
        v
    }
}
