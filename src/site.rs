//! A whole site, loaded, validated and computed: the pipeline's first half
//! (load → validate → compute). Everything here is ready to render; nothing
//! here knows about templates or output files.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::bets::{self, Bet};
use crate::config::Config;
use crate::content::{self, Document, Kind};
use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::futures::{self, FUTURE_EXTENSIONS, Future, kebab};
use crate::graph::{Computed, Graph, Payoff};
use crate::markdown::{self, Links, Rendered};
use crate::markets::{MarketRef, Observation, Prices};
use crate::theme::Theme;

/// Choices made on the command line.
#[derive(Clone, Debug, Default)]
pub struct BuildOptions {
    pub drafts: bool,
    /// Overrides `base_url` from site.yaml.
    pub base_url: Option<String>,
    /// Fetch no market: use the committed snapshot.
    pub offline: bool,
    /// Where the market APIs are (default: the real ones, or
    /// `FORKCAST_<PLATFORM>_URL`).
    pub endpoints: Option<crate::markets::Endpoints>,
    /// How hard to try each request (default: from site.yaml's `markets`).
    pub policy: Option<crate::markets::Policy>,
}

/// A post, page or the home introduction with its Markdown rendered.
pub struct Page {
    pub doc: Document,
    pub rendered: Rendered,
    /// Indexes into [`Site::futures`] of the futures it discusses.
    pub futures: Vec<usize>,
}

/// Where a future's own probability comes from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Source {
    /// The aggregate (geometric mean of odds) of this many markets.
    Markets(usize),
    /// The author's estimate: no market has a value.
    Estimate,
}

/// A future's own probability and where it comes from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Own {
    pub value: f64,
    pub source: Source,
}

const OVERLAP: &str = "the parents of";

/// The geometric mean of the odds of `values`, the forecasting community's
/// usual way to pool several markets. Values at 0 or 1 (resolved markets)
/// are held just inside so one of them does not swamp the rest.
pub fn aggregate(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mean_log_odds = values
        .iter()
        .map(|p| {
            let p = p.clamp(0.001, 0.999);
            (p / (1.0 - p)).ln()
        })
        .sum::<f64>()
        / values.len() as f64;
    let odds = mean_log_odds.exp();
    Some(odds / (1.0 + odds))
}

pub struct FutureEntry {
    pub future: Future,
    pub summary: Rendered,
    /// Its own probability: its markets' aggregate, else its author's estimate.
    pub own: Option<Own>,
    /// Each market it references, with what is known of it.
    pub markets: Vec<(MarketRef, Observation)>,
    pub computed: Computed,
    /// Bets (indexes into [`Site::bets`]) that win or lose here.
    pub bets_win: Vec<usize>,
    pub bets_lose: Vec<usize>,
    /// Posts (indexes into [`Site::posts`]) that discuss it.
    pub posts: Vec<usize>,
}

impl FutureEntry {
    /// Its own probability where it has one, else the implied one.
    pub fn effective(&self) -> Option<f64> {
        self.own.map(|o| o.value).or(self.computed.implied)
    }

    /// The oldest value shown from a market whose refresh failed.
    pub fn stale_since(&self) -> Option<jiff::civil::Date> {
        self.markets
            .iter()
            .filter(|(_, o)| o.stale)
            .filter_map(|(_, o)| o.as_of)
            .min()
    }
}

pub struct BetEntry {
    pub bet: Bet,
    pub argument: Rendered,
    pub wins_if: Vec<usize>,
    pub loses_if: Vec<usize>,
    pub payoff: Payoff,
    /// The fork its wins and losses part at (see [`Graph::essential_fork`]).
    pub fork: Option<usize>,
}

/// A tag and what carries it.
pub struct TagEntry {
    pub name: String,
    pub slug: String,
    pub posts: Vec<usize>,
    pub futures: Vec<usize>,
}

pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    pub theme: Theme,
    pub home: Option<Page>,
    /// Newest first.
    pub posts: Vec<Page>,
    pub pages: Vec<Page>,
    pub futures: Vec<FutureEntry>,
    pub graph: Graph,
    pub bets: Vec<BetEntry>,
    /// Sorted by slug.
    pub tags: Vec<TagEntry>,
    pub warnings: Vec<Diagnostic>,
    /// Every output path, for checking links when a file changes.
    routes: HashSet<String>,
    /// The market observations the probabilities were computed with.
    prices: Prices,
    options: BuildOptions,
}

/// What an edit changed, so a server can re-render only that.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Touched {
    /// Indexes (after the edit) of posts, futures and bets whose pages changed.
    pub posts: Vec<usize>,
    pub futures: Vec<usize>,
    pub bets: Vec<usize>,
    /// Pages of the post list, `(tag, page)` pairs, table pages of /futures/.
    pub post_pages: Vec<usize>,
    pub tag_pages: Vec<(usize, usize)>,
    pub future_pages: Vec<usize>,
    /// Home, feed, sitemap, tags index, bets index, graph data.
    pub home: bool,
    pub feed: bool,
    pub sitemap: bool,
    pub tags_index: bool,
    pub bets_index: bool,
    pub graph: bool,
    /// Output paths that no longer exist (a renamed slug).
    pub removed: Vec<String>,
}

/// Why an edit cannot be applied incrementally.
pub enum Refresh {
    /// The files have errors; the site is unchanged.
    Invalid(Vec<Diagnostic>),
    /// The edit reaches too far (a new, renamed or deleted future, a page
    /// that became a post…): rebuild everything.
    Rebuild,
}

/// Rows of the futures table per page: beyond this, `/futures/` links to
/// `/futures/table/N/`, so the map's page stays small at thousands of futures.
pub const FUTURES_TABLE_PAGE: usize = 500;

/// First path segments that belong to generated sections.
const RESERVED: &[&str] = &[
    "posts",
    "tags",
    "futures",
    "bets",
    "404.html",
    "atom.xml",
    "sitemap.xml",
    "graph.json",
];

impl Site {
    /// Loads and checks everything under `root`. On error, every problem
    /// found is returned (warnings included).
    pub fn load(root: &Path, options: &BuildOptions) -> Result<Site, Diagnostics> {
        let mut diags = Diagnostics::default();
        let mut config = Config::load(root).map_err(Diagnostics::from_iter)?;
        if let Some(url) = &options.base_url {
            config.base_url = crate::config::BaseUrl::parse(url).map_err(|hint| {
                Diagnostics::from_iter([Diagnostic::error(
                    "--base-url",
                    Pos::START,
                    format!("invalid base URL `{url}`"),
                )
                .with_help(hint)])
            })?;
        }
        let theme = Theme::load(root, &config.theme).map_err(|d| Diagnostics::from_iter([d]))?;

        let (mut documents, futures, bets) = {
            let mut d1 = Diagnostics::default();
            let mut d2 = Diagnostics::default();
            let mut d3 = Diagnostics::default();
            let (docs, (futures, bets)) = rayon::join(
                || content::load(root, &mut d1),
                || {
                    rayon::join(
                        || futures::load(root, &mut d2),
                        || bets::load(root, &mut d3),
                    )
                },
            );
            diags.extend(d1.into_iter().chain(d2).chain(d3));
            (docs, futures, bets)
        };
        if !options.drafts {
            documents.retain(|d| !d.draft);
        }
        let rename = "rename one of the two files: the id is the file's name";
        report_duplicates(
            &futures,
            |f| f.id.to_string(),
            |f| &f.file,
            "future id",
            rename,
            &mut diags,
        );
        report_duplicates(
            &bets,
            |b| b.id.to_string(),
            |b| &b.file,
            "bet id",
            rename,
            &mut diags,
        );
        report_duplicates(
            &documents,
            |d| d.path.clone(),
            |d| &d.file,
            "page address",
            "rename one of the two files or give one a different `slug`",
            &mut diags,
        );
        for doc in documents.iter().filter(|d| d.kind == Kind::Page) {
            let first = doc.path.split('/').next().unwrap_or("");
            if RESERVED.contains(&first) {
                diags.push(
                    Diagnostic::error(
                        &doc.file,
                        Pos::START,
                        format!(
                            "the page's address `/{}` is taken by a generated section",
                            doc.path
                        ),
                    )
                    .with_help("rename the file or set a different `slug`"),
                );
            }
        }

        // A future whose file has errors still exists: references to it are
        // not reported again as unknown.
        let future_files: HashSet<String> =
            files_with_extension(&root.join("futures"), FUTURE_EXTENSIONS)
                .iter()
                .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
                .collect();
        let graph = Graph::build(&futures, &future_files, &mut diags);
        let resolve_all = |refs: &[futures::Located<futures::FutureId>],
                           file: &Path,
                           field: &str,
                           diags: &mut Diagnostics|
         -> Vec<usize> {
            refs.iter()
                .filter_map(|r| graph.resolve(r, file, field, diags))
                .collect()
        };

        let mut home = None;
        let mut posts = Vec::new();
        let mut pages = Vec::new();
        for doc in documents {
            match doc.kind {
                Kind::Home => home = Some(doc),
                Kind::Post => posts.push(doc),
                Kind::Page => pages.push(doc),
            }
        }
        posts.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.title.cmp(&b.title)));
        let tags = collect_tags(
            posts.iter().map(|d| d.tags.as_slice()),
            futures.iter().map(|f| f.tags.as_slice()),
        );

        let mut routes: HashSet<String> = routes(
            root, &theme, &config, &posts, &pages, &futures, &bets, &tags,
        );
        routes.extend(future_files.iter().map(|id| format!("futures/{id}/")));
        let links = Links {
            base_path: config.base_url.path(),
            routes: &routes,
        };
        let render_doc = |doc: Document| -> (Page, Diagnostics) {
            let mut d = Diagnostics::default();
            let rendered = markdown::render(&doc.body, &doc.file, doc.body_pos, &links, &mut d);
            let futures = resolve_all(&doc.futures, &doc.file, "futures", &mut d);
            (
                Page {
                    doc,
                    rendered,
                    futures,
                },
                d,
            )
        };
        let mut absorb = |(page, d): (Page, Diagnostics)| {
            diags.extend(d);
            page
        };
        let home = home.map(render_doc).map(&mut absorb);
        let posts: Vec<Page> = posts
            .into_par_iter()
            .map(render_doc)
            .collect::<Vec<_>>()
            .into_iter()
            .map(&mut absorb)
            .collect();
        let pages: Vec<Page> = pages
            .into_par_iter()
            .map(render_doc)
            .collect::<Vec<_>>()
            .into_iter()
            .map(&mut absorb)
            .collect();

        let rendered_futures: Vec<(Rendered, Diagnostics)> = futures
            .par_iter()
            .map(|f| {
                let mut d = Diagnostics::default();
                (
                    markdown::render(&f.summary, &f.file, f.summary_pos, &links, &mut d),
                    d,
                )
            })
            .collect();
        let rendered_bets: Vec<(Rendered, Vec<usize>, Vec<usize>, Diagnostics)> = bets
            .par_iter()
            .map(|b| {
                let mut d = Diagnostics::default();
                let argument = markdown::render(&b.body, &b.file, b.body_pos, &links, &mut d);
                let wins = resolve_all(&b.wins_if, &b.file, "wins_if", &mut d);
                let loses = resolve_all(&b.loses_if, &b.file, "loses_if", &mut d);
                (argument, wins, loses, d)
            })
            .collect();

        let mut entries: Vec<FutureEntry> = futures
            .into_iter()
            .zip(rendered_futures)
            .map(|(future, (summary, d))| {
                diags.extend(d);
                FutureEntry {
                    own: None,
                    markets: Vec::new(),
                    future,
                    summary,
                    computed: Computed::default(),
                    bets_win: Vec::new(),
                    bets_lose: Vec::new(),
                    posts: Vec::new(),
                }
            })
            .collect();
        let bets: Vec<BetEntry> = bets
            .into_iter()
            .zip(rendered_bets)
            .map(|(bet, (argument, wins_if, loses_if, d))| {
                diags.extend(d);
                BetEntry {
                    payoff: Payoff::Unknown,
                    bet,
                    argument,
                    wins_if,
                    loses_if,
                    fork: None,
                }
            })
            .collect();
        for (b, entry) in bets.iter().enumerate() {
            for &f in &entry.wins_if {
                entries[f].bets_win.push(b);
            }
            for &f in &entry.loses_if {
                entries[f].bets_lose.push(b);
            }
        }
        for (p, post) in posts.iter().enumerate() {
            for &f in &post.futures {
                entries[f].posts.push(p);
            }
        }

        if diags.has_errors() {
            return Err(diags);
        }
        let mut site = Site {
            root: root.to_path_buf(),
            config,
            theme,
            home,
            posts,
            pages,
            futures: entries,
            graph,
            bets,
            tags,
            warnings: diags.into_sorted(),
            routes,
            prices: Prices::default(),
            options: options.clone(),
        };
        site.compute(&Prices::default());
        site.find_forks();
        Ok(site)
    }

    /// Every market reference of every future, with where it is written.
    pub fn market_refs(&self) -> Vec<(MarketRef, PathBuf, Pos)> {
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

    /// Sets each future's own probability (its markets' aggregate, else its
    /// author's estimate) and computes what follows from it: implied
    /// probabilities, disagreement flags, bets' chances of paying off.
    pub fn compute(&mut self, prices: &Prices) {
        self.prices = prices.clone();
        for e in &mut self.futures {
            e.markets = e
                .future
                .markets
                .iter()
                .map(|m| {
                    (
                        m.value.clone(),
                        prices.get(&m.value).cloned().unwrap_or_default(),
                    )
                })
                .collect();
            let values: Vec<f64> = e.markets.iter().filter_map(|(_, o)| o.value).collect();
            e.own = match (aggregate(&values), e.future.estimate) {
                (Some(p), _) => Some(Own {
                    value: p,
                    source: Source::Markets(values.len()),
                }),
                (None, Some(p)) => Some(Own {
                    value: p.get(),
                    source: Source::Estimate,
                }),
                (None, None) => None,
            };
        }
        let own: Vec<Option<f64>> = self
            .futures
            .iter()
            .map(|e| e.own.map(|o| o.value))
            .collect();
        let computed = self.graph.compute(&own);
        self.warnings.retain(|w| !w.message.starts_with(OVERLAP));
        for (e, c) in self.futures.iter_mut().zip(computed) {
            e.computed = c;
            if let Some(sum) = c.incoming.filter(|s| *s > 1.0 + 1e-9) {
                self.warnings.push(
                    Diagnostic::warning(&e.future.file, Pos::START, format!("{OVERLAP} `{}` overlap: Σ P(parent) × P(edge) = {sum:.2}", e.future.id))
                        .with_help("parents are treated as alternatives that cannot both happen; lower the edge probabilities into this future or its parents' probabilities"),
                );
            }
        }
        let effective: Vec<Option<f64>> = self.futures.iter().map(FutureEntry::effective).collect();
        for b in &mut self.bets {
            b.payoff = self.graph.payoff(&b.wins_if, &effective);
        }
    }

    /// Finds each bet's essential fork; it depends on the graph's edges only.
    fn find_forks(&mut self) {
        let graph = &self.graph;
        self.bets
            .par_iter_mut()
            .for_each(|b| b.fork = graph.essential_fork(&b.wins_if, &b.loses_if));
    }

    /// Re-reads the post at `rel` (relative to the root) after an edit or
    /// a deletion, and says which pages changed.
    pub fn refresh_post(&mut self, rel: &Path) -> Result<Touched, Refresh> {
        let per = self.config.posts_per_page;
        let old = self.posts.iter().position(|p| p.doc.file == rel);
        let new_doc = match std::fs::read_to_string(self.root.join(rel)) {
            Ok(text) => {
                let mut diags = Diagnostics::default();
                match content::parse(rel, &text, &mut diags) {
                    Some(d) if d.kind == Kind::Post => Some(d),
                    Some(_) => return Err(Refresh::Rebuild),
                    None => return Err(Refresh::Invalid(diags.into_sorted())),
                }
            }
            Err(_) => None,
        }
        .filter(|d| self.options.drafts || !d.draft);
        let new_page = match new_doc {
            Some(doc) => {
                if self
                    .posts
                    .iter()
                    .any(|p| p.doc.path == doc.path && p.doc.file != rel)
                {
                    return Err(Refresh::Rebuild);
                }
                let mut diags = Diagnostics::default();
                let links = Links {
                    base_path: self.config.base_url.path(),
                    routes: &self.routes,
                };
                let rendered =
                    markdown::render(&doc.body, &doc.file, doc.body_pos, &links, &mut diags);
                let futures: Vec<usize> = doc
                    .futures
                    .iter()
                    .filter_map(|r| self.graph.resolve(r, &doc.file, "futures", &mut diags))
                    .collect();
                if diags.has_errors() {
                    return Err(Refresh::Invalid(diags.into_sorted()));
                }
                Some(Page {
                    doc,
                    rendered,
                    futures,
                })
            }
            None => None,
        };
        let mut t = Touched {
            home: true,
            feed: true,
            sitemap: true,
            ..Touched::default()
        };
        let old_page = old.map(|i| self.posts.remove(i));
        if let (Some(o), n) = (&old_page, &new_page)
            && n.as_ref().is_none_or(|n| n.doc.path != o.doc.path)
        {
            t.removed.push(o.doc.path.clone());
        }
        let tag_names: HashSet<String> = old_page
            .iter()
            .chain(&new_page)
            .flat_map(|p| p.doc.tags.iter().map(|t| kebab(t)))
            .collect();
        let linked: Vec<usize> = old_page
            .iter()
            .chain(&new_page)
            .flat_map(|p| p.futures.clone())
            .collect();
        let old_tags: Vec<(String, Vec<usize>)> = self
            .tags
            .iter()
            .map(|t| (t.slug.clone(), t.posts.clone()))
            .collect();
        let new = new_page.map(|page| {
            let at = self.posts.partition_point(|p| {
                (std::cmp::Reverse(p.doc.date), &p.doc.title)
                    < (std::cmp::Reverse(page.doc.date), &page.doc.title)
            });
            self.posts.insert(at, page);
            at
        });
        self.relink();
        // Post pages around the old and new places (their newer/older links),
        // and the list pages from the first place that moved to the last.
        let len = self.posts.len();
        let around: std::collections::BTreeSet<usize> = old
            .iter()
            .chain(&new)
            .flat_map(|&x| [x.wrapping_sub(1), x, x + 1])
            .filter(|&x| x < len)
            .collect();
        t.posts = around.into_iter().collect();
        let (lo, hi) = match (old, new) {
            (Some(a), Some(b)) => (a.min(b), a.max(b)),
            (Some(a), None) | (None, Some(a)) => (a, len.max(a + 1) - 1),
            (None, None) => return Ok(Touched::default()),
        };
        t.post_pages = (lo / per + 1..=hi / per + 1)
            .filter(|&n| n <= self.post_pages())
            .collect();
        let tags_changed = old_tags.len() != self.tags.len()
            || old_tags
                .iter()
                .zip(&self.tags)
                .any(|((slug, _), t)| *slug != t.slug);
        if tags_changed {
            t.tags_index = true;
            t.tag_pages = self
                .tags
                .iter()
                .enumerate()
                .flat_map(|(k, tag)| {
                    (1..=tag.posts.len().div_ceil(per).max(1)).map(move |n| (k, n))
                })
                .collect();
        } else {
            for (k, tag) in self.tags.iter().enumerate() {
                let before = &old_tags[k].1;
                if !tag_names.contains(&tag.slug) && before.len() == tag.posts.len() {
                    continue;
                }
                t.tags_index |= before.len() != tag.posts.len();
                let first = before
                    .iter()
                    .zip(&tag.posts)
                    .position(|(a, b)| a != b)
                    .unwrap_or(before.len().min(tag.posts.len()));
                let last = tag.posts.len().max(before.len());
                t.tag_pages
                    .extend((first / per + 1..=last.div_ceil(per).max(1)).map(|n| (k, n)));
            }
        }
        t.futures = linked;
        t.futures.sort_unstable();
        t.futures.dedup();
        Ok(t)
    }

    /// Re-reads the future at `rel` after an edit, recomputes the graph's
    /// numbers, and says which pages changed. New, renamed and deleted
    /// futures need a full rebuild.
    pub fn refresh_future(&mut self, rel: &Path) -> Result<Touched, Refresh> {
        let Some(i) = self.futures.iter().position(|e| e.future.file == rel) else {
            return Err(Refresh::Rebuild);
        };
        let text = std::fs::read_to_string(self.root.join(rel)).map_err(|_| Refresh::Rebuild)?;
        let mut diags = Diagnostics::default();
        let Some(future) = futures::parse(rel, &text, &mut diags) else {
            return Err(Refresh::Invalid(diags.into_sorted()));
        };
        let refs = |f: &Future| {
            f.markets
                .iter()
                .map(|m| m.value.clone())
                .collect::<Vec<_>>()
        };
        if future.id != self.futures[i].future.id || refs(&future) != refs(&self.futures[i].future)
        {
            return Err(Refresh::Rebuild);
        }
        let links = Links {
            base_path: self.config.base_url.path(),
            routes: &self.routes,
        };
        let summary = markdown::render(
            &future.summary,
            &future.file,
            future.summary_pos,
            &links,
            &mut diags,
        );
        let mut all: Vec<Future> = self.futures.iter().map(|e| e.future.clone()).collect();
        all[i] = future;
        let files: HashSet<String> = all.iter().map(|f| f.id.to_string()).collect();
        let graph = Graph::build(&all, &files, &mut diags);
        if diags.has_errors() {
            return Err(Refresh::Invalid(diags.into_sorted()));
        }
        let card = |e: &FutureEntry| {
            (
                e.future.title.clone(),
                e.own,
                e.computed,
                e.future.tags.clone(),
            )
        };
        let before: Vec<_> = self.futures.iter().map(card).collect();
        let neighbours = |g: &Graph, f: usize| -> Vec<usize> {
            let mut v: Vec<usize> = g
                .parents(f)
                .into_iter()
                .chain(g.children(f))
                .map(|(x, _)| x)
                .collect();
            v.extend(g.group(f));
            v.extend_from_slice(g.members(f));
            v
        };
        let mut touched: HashSet<usize> = neighbours(&self.graph, i).into_iter().collect();
        let old_payoffs: Vec<Payoff> = self.bets.iter().map(|b| b.payoff).collect();
        let old_tags = self.futures[i].future.tags.clone();
        let targets = |f: &Future| {
            f.leads_to
                .iter()
                .map(|e| e.target.value.clone())
                .collect::<Vec<_>>()
        };
        let edges_changed = targets(&self.futures[i].future) != targets(&all[i]);
        self.graph = graph;
        for (e, f) in self.futures.iter_mut().zip(all) {
            e.future = f;
        }
        self.futures[i].summary = summary;
        self.compute(&self.prices.clone());
        if edges_changed {
            self.find_forks();
        }
        let changed: Vec<usize> = (0..self.futures.len())
            .filter(|&f| f == i || card(&self.futures[f]) != before[f])
            .collect();
        touched.extend(neighbours(&self.graph, i));
        for &f in &changed {
            touched.insert(f);
            touched.extend(neighbours(&self.graph, f));
        }
        let mut t = Touched {
            home: true,
            graph: true,
            bets_index: true,
            ..Touched::default()
        };
        t.futures = touched.into_iter().collect();
        t.futures.sort_unstable();
        t.bets = (0..self.bets.len())
            .filter(|&b| {
                old_payoffs[b] != self.bets[b].payoff
                    || self.bets[b]
                        .wins_if
                        .iter()
                        .chain(&self.bets[b].loses_if)
                        .any(|f| changed.contains(f))
            })
            .collect();
        t.posts = (0..self.posts.len())
            .filter(|&p| self.posts[p].futures.iter().any(|f| changed.contains(f)))
            .collect();
        if old_tags != self.futures[i].future.tags {
            return Err(Refresh::Rebuild);
        }
        t.tag_pages = self
            .tags
            .iter()
            .enumerate()
            .filter(|(_, tag)| tag.futures.iter().any(|f| changed.contains(f)))
            .map(|(k, _)| (k, 1))
            .collect();
        let per = FUTURES_TABLE_PAGE;
        let mut by_title: Vec<usize> = (0..self.futures.len()).collect();
        by_title.sort_by_cached_key(|&f| self.futures[f].future.title.to_lowercase());
        t.future_pages = by_title
            .iter()
            .enumerate()
            .filter(|(_, f)| changed.contains(f))
            .map(|(row, _)| row / per + 1)
            .collect();
        t.future_pages.push(1);
        t.future_pages.sort_unstable();
        t.future_pages.dedup();
        Ok(t)
    }

    /// Rebuilds the links between posts and the futures they discuss, and
    /// the tags, after posts changed.
    fn relink(&mut self) {
        for e in &mut self.futures {
            e.posts.clear();
        }
        for (p, post) in self.posts.iter().enumerate() {
            for &f in &post.futures {
                self.futures[f].posts.push(p);
            }
        }
        self.tags = collect_tags(
            self.posts.iter().map(|p| p.doc.tags.as_slice()),
            self.futures.iter().map(|e| e.future.tags.as_slice()),
        );
    }

    /// The number of pages of the post list.
    pub fn post_pages(&self) -> usize {
        self.posts.len().div_ceil(self.config.posts_per_page).max(1)
    }
}

fn report_duplicates<T>(
    items: &[T],
    key: impl Fn(&T) -> String,
    file: impl Fn(&T) -> &PathBuf,
    what: &str,
    help: &str,
    diags: &mut Diagnostics,
) {
    let mut seen: HashMap<String, &PathBuf> = HashMap::new();
    for item in items {
        let k = key(item);
        if let Some(first) = seen.get(&k) {
            diags.push(
                Diagnostic::error(
                    file(item),
                    Pos::START,
                    format!("duplicate {what} `{k}`, also used by {}", first.display()),
                )
                .with_help(help),
            );
        } else {
            seen.insert(k, file(item));
        }
    }
}

fn collect_tags<'a>(
    posts: impl Iterator<Item = &'a [String]>,
    futures: impl Iterator<Item = &'a [String]>,
) -> Vec<TagEntry> {
    let mut tags: BTreeMap<String, TagEntry> = BTreeMap::new();
    fn entry<'a>(tags: &'a mut BTreeMap<String, TagEntry>, name: &str) -> &'a mut TagEntry {
        let slug = kebab(name);
        tags.entry(slug.clone()).or_insert_with(|| TagEntry {
            name: name.to_string(),
            slug,
            posts: Vec::new(),
            futures: Vec::new(),
        })
    }
    for (i, p) in posts.enumerate() {
        for t in p {
            let e = entry(&mut tags, t);
            if e.posts.last() != Some(&i) {
                e.posts.push(i);
            }
        }
    }
    for (i, f) in futures.enumerate() {
        for t in f {
            let e = entry(&mut tags, t);
            if e.futures.last() != Some(&i) {
                e.futures.push(i);
            }
        }
    }
    tags.into_values().collect()
}

/// Every path the output will hold, without the leading slash, so that
/// Markdown links can be checked before anything is written.
#[allow(clippy::too_many_arguments)]
fn routes(
    root: &Path,
    theme: &Theme,
    config: &Config,
    posts: &[Document],
    pages: &[Document],
    futures: &[Future],
    bets: &[Bet],
    tags: &[TagEntry],
) -> HashSet<String> {
    let mut r: HashSet<String> = [
        "",
        "search/",
        "posts/",
        "tags/",
        "futures/",
        "bets/",
        "atom.xml",
        "sitemap.xml",
        "404.html",
        "graph.json",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    let pages_of = |n: usize| n.div_ceil(config.posts_per_page).max(1);
    for n in 2..=pages_of(posts.len()) {
        r.insert(format!("posts/page/{n}/"));
    }
    r.extend(posts.iter().chain(pages).map(|d| d.path.clone()));
    r.extend(futures.iter().map(|f| format!("futures/{}/", f.id)));
    for n in 2..=futures.len().div_ceil(FUTURES_TABLE_PAGE).max(1) {
        r.insert(format!("futures/table/{n}/"));
    }
    r.extend(bets.iter().map(|b| format!("bets/{}/", b.id)));
    for t in tags {
        r.insert(format!("tags/{}/", t.slug));
        for n in 2..=pages_of(t.posts.len()) {
            r.insert(format!("tags/{}/page/{n}/", t.slug));
        }
    }
    r.extend(theme.static_paths());
    let static_dir = root.join("static");
    for f in files_with_extension(&static_dir, &[]) {
        if let Ok(rel) = f.strip_prefix(&static_dir) {
            r.insert(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    r
}

/// Files below `dir` with one of `extensions` (any, if empty), sorted.
/// Hidden files and folders are skipped; a missing folder has none.
pub fn files_with_extension(dir: &Path, extensions: &[&str]) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .filter(|p| {
            extensions.is_empty()
                || p.extension()
                    .is_some_and(|x| extensions.iter().any(|e| x == *e))
        })
        .collect();
    files.sort();
    files
}

/// Reads and parses every matching file of `root/dir` in parallel.
pub fn parse_files<T: Send>(
    root: &Path,
    dir: &str,
    extensions: &[&str],
    parse: fn(&Path, &str, &mut Diagnostics) -> Option<T>,
) -> (Vec<T>, Diagnostics) {
    let files = files_with_extension(&root.join(dir), extensions);
    let results: Vec<(Option<T>, Diagnostics)> = files
        .par_iter()
        .map(|path| {
            let rel = path.strip_prefix(root).unwrap_or(path);
            let mut found = Diagnostics::default();
            let item = match std::fs::read_to_string(path) {
                Ok(text) => parse(rel, &text, &mut found),
                Err(e) => {
                    found.push(
                        Diagnostic::error(rel, Pos::START, format!("cannot read the file: {e}"))
                            .with_help("save it as UTF-8 text"),
                    );
                    None
                }
            };
            (item, found)
        })
        .collect();
    let mut items = Vec::with_capacity(results.len());
    let mut diags = Diagnostics::default();
    for (item, found) in results {
        diags.extend(found);
        items.extend(item);
    }
    (items, diags)
}
