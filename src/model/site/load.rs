//! Loading a site: every file read and parsed in parallel, the rules that
//! span files checked (duplicate ids, references, reserved addresses,
//! internal links), Markdown rendered. All problems of a run are collected.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{
    BuildOptions, CheckedBet, Core, Loaded, LoadedBet, LoadedFuture, Page, RecordText, TagEntry,
};
use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::model::graph::Graph;
use crate::routes::{self, BetIx, FutureIx, PostIx, Shape};
use crate::source::bets::{self, BET_EXTENSIONS, Bet};
use crate::source::config::Config;
use crate::source::content::{self, Document, Kind};
use crate::source::files::{self, files_with_extension};
use crate::source::futures::{self, FUTURE_EXTENSIONS, Future, FutureId, Located, kebab};
use crate::source::history::{self, History};
use crate::source::markdown::{self, Links, SourcePages};
use crate::source::record;
use crate::source::references::Targets;
use crate::source::theme::Theme;

/// Every file of a site, read and parsed, before the rules across files.
struct Sources {
    config: Config,
    theme: Theme,
    documents: Vec<Document>,
    futures: Vec<Future>,
    bets: Vec<Bet>,
    /// Ids of every future file, including those with errors of their own:
    /// they exist, so references to them are not reported again as unknown.
    future_files: HashSet<String>,
    /// Ids of every bet file, likewise.
    bet_files: HashSet<String>,
    /// The page of every post, page, future and bet file.
    sources: SourcePages,
    /// Every future's estimate changes, from git.
    history: History,
    history_report: history::Report,
}

/// What the Markdown renderer and reference resolution need to check links.
struct Checker<'a> {
    today: jiff::civil::Date,
    graph: &'a Graph,
    links: Links<'a>,
}

impl Loaded {
    /// Loads and checks everything under `root`. On error, every problem
    /// found is returned (warnings included).
    pub(crate) fn load(root: &Path, options: &BuildOptions) -> Result<Loaded, Diagnostics> {
        let mut diags = Diagnostics::default();
        let src = read_sources(root, options, &mut diags)?;
        check_addresses(&src.documents, &mut diags);
        let core = Core::check(src.futures, &src.future_files, src.bets, &mut diags);
        let graph = core.graph;
        let (home, posts, pages) = by_kind(src.documents);
        let tags = collect_tags(
            posts.iter().map(|d| d.tags.as_slice()),
            core.futures.iter().map(|f| f.tags.as_slice()),
        );
        let shape = Shape {
            posts: posts.iter().map(|d| d.path.as_str()).collect(),
            pages: pages.iter().map(|d| d.path.as_str()).collect(),
            futures: core.futures.iter().map(|f| f.id.as_str()).collect(),
            bets: core.bets.iter().map(|b| b.bet.id.as_str()).collect(),
            tags: tags
                .iter()
                .map(|t| (t.slug.as_str(), t.posts.len()))
                .collect(),
            posts_per_page: src.config.posts_per_page,
        };
        let mut routes = link_targets(root, &src.theme, &shape);
        routes.extend(src.future_files.iter().map(|id| routes::future(id)));
        routes.extend(src.bet_files.iter().map(|id| routes::bet(id)));
        let now = options.now().map_err(|d| Diagnostics::from_iter([d]))?;
        let today = jiff::tz::TimeZone::UTC.to_datetime(now).date();
        let targets = Targets::new(
            core.futures
                .iter()
                .map(|f| (f.id.as_str(), f.title.as_str())),
            core.bets
                .iter()
                .map(|b| (b.bet.id.as_str(), b.bet.title.as_str())),
        )
        .with_files(&src.future_files, &src.bet_files);
        let check = Checker {
            today,
            graph: &graph,
            links: Links {
                base_path: src.config.base_url.path(),
                routes: &routes,
                refs: &targets,
                sources: &src.sources,
            },
        };
        // Highlighted code the last build made is reused (see
        // `markdown::highlights`), for everything rendered until `end`.
        markdown::highlights::begin(root);
        let home = home.map(|d| check.page(d, &mut diags));
        let market_credit = src.config.markets.credit.as_ref().map(|c| {
            let file = Path::new(crate::source::config::FILE);
            markdown::render(&c.markdown, file, c.pos, &check.links, &mut diags)
        });
        let posts = check.pages(posts, &mut diags);
        let pages = check.pages(pages, &mut diags);
        let mut futures = check.futures(core.futures, &src.history, &mut diags);
        let bets = check.bets(core.bets, &mut diags);
        markdown::highlights::end(root, !options.read_only);
        link_futures(&mut futures, &bets, &posts);
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(Loaded {
            root: root.to_path_buf(),
            config: src.config,
            theme: src.theme,
            home,
            market_credit,
            posts,
            pages,
            futures,
            graph,
            bets,
            tags,
            warnings: diags.into_sorted(),
            history: src.history_report,
            added: src.history.added,
            routes,
            sources: src.sources,
            now,
            options: BuildOptions {
                now: Some(now),
                ..options.clone()
            },
        })
    }
}

/// Reads site.yaml, the theme and every content, future and bet file (in
/// parallel). Without a usable site.yaml or theme nothing else is read.
fn read_sources(
    root: &Path,
    options: &BuildOptions,
    diags: &mut Diagnostics,
) -> Result<Sources, Diagnostics> {
    let mut config = Config::load(root).map_err(Diagnostics::from_iter)?;
    if let Some(url) = &options.base_url {
        config.base_url = crate::source::config::BaseUrl::parse(url).map_err(|hint| {
            Diagnostics::from_iter([Diagnostic::error(
                "--base-url",
                Pos::START,
                format!("invalid base URL `{url}`"),
            )
            .with_help(hint)])
        })?;
    }
    let theme = Theme::load(root, &config.theme, diags).map_err(|d| Diagnostics::from_iter([d]))?;
    let (mut d1, mut d2, mut d3) = Default::default();
    // Git runs in its own process while the files are read: its thread
    // only waits and parses, and takes no reader's place in rayon's pool.
    let ((history, history_report), (mut documents, (futures, bets))) = std::thread::scope(|s| {
        let git = s.spawn(|| history::read(root, !options.read_only));
        let files = rayon::join(
            || content::load(root, &mut d1),
            || {
                rayon::join(
                    || futures::load(root, &mut d2),
                    || bets::load(root, &mut d3),
                )
            },
        );
        (
            git.join().unwrap_or_else(|e| std::panic::resume_unwind(e)),
            files,
        )
    });
    diags.extend(d1.into_iter().chain(d2).chain(d3));
    diags.extend(history_report.warning());
    if !options.drafts {
        documents.retain(|d| !d.draft);
    }
    let future_paths = relative_files(root, "futures", FUTURE_EXTENSIONS);
    let bet_paths = relative_files(root, "bets", BET_EXTENSIONS);
    let pages = |paths: &[PathBuf], route: fn(&str) -> String| {
        paths
            .iter()
            .filter_map(|p| Some((p.clone(), route(&p.file_stem()?.to_string_lossy()))))
            .collect::<Vec<_>>()
    };
    let sources = documents
        .iter()
        .map(|d| (d.file.clone(), d.path.clone()))
        .chain(pages(&future_paths, routes::future))
        .chain(pages(&bet_paths, routes::bet))
        .collect();
    Ok(Sources {
        config,
        theme,
        documents,
        futures,
        bets,
        future_files: file_ids(&future_paths),
        bet_files: file_ids(&bet_paths),
        sources,
        history,
        history_report,
    })
}

/// The files with `extensions` below `folder` of the site, by their paths
/// from its root.
fn relative_files(root: &Path, folder: &str, extensions: &[&str]) -> Vec<PathBuf> {
    files_with_extension(&root.join(folder), extensions)
        .into_iter()
        .filter_map(|p| p.strip_prefix(root).ok().map(Path::to_path_buf))
        .collect()
}

/// The ids the files give (their names), those with errors of their own
/// included.
fn file_ids(paths: &[PathBuf]) -> HashSet<String> {
    paths
        .iter()
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect()
}

impl Core {
    /// The futures and bets of the site at `root`, read as a build reads
    /// them and checked across files; no other file is read.
    pub(crate) fn read(root: &Path, diags: &mut Diagnostics) -> Core {
        let (mut d1, mut d2) = (Diagnostics::default(), Diagnostics::default());
        let (futures, bets) = rayon::join(
            || futures::load(root, &mut d1),
            || bets::load(root, &mut d2),
        );
        diags.extend(d1.into_iter().chain(d2));
        let ids = file_ids(&relative_files(root, "futures", FUTURE_EXTENSIONS));
        Core::check(futures, &ids, bets, diags)
    }

    /// The futures and bets from their files' texts (paths relative to the
    /// site root, as a build names them), parsed by the same parsers and
    /// checked across files the same way.
    pub(crate) fn from_texts(
        future_texts: Vec<(PathBuf, std::io::Result<String>)>,
        bet_texts: Vec<(PathBuf, std::io::Result<String>)>,
        diags: &mut Diagnostics,
    ) -> Core {
        let paths: Vec<PathBuf> = future_texts.iter().map(|(p, _)| p.clone()).collect();
        let (futures, d1) = files::parse_texts(future_texts, futures::parse);
        let (bets, d2) = files::parse_texts(bet_texts, bets::parse);
        diags.extend(d1.into_iter().chain(d2));
        Core::check(futures, &file_ids(&paths), bets, diags)
    }

    /// Checks parsed futures and bets across files: unique ids, the graph
    /// of `within` and `leads_to`, each bet's futures and address.
    /// `future_files` names every future file, including those with errors
    /// of their own, which are then not reported again as unknown.
    fn check(
        futures: Vec<Future>,
        future_files: &HashSet<String>,
        bets: Vec<Bet>,
        diags: &mut Diagnostics,
    ) -> Core {
        let rename = "rename one of the two files: the id is the file's name";
        report_duplicates(
            &futures,
            |f| f.id.to_string(),
            |f| &f.file,
            "future id",
            rename,
            diags,
        );
        report_duplicates(
            &bets,
            |b| b.id.to_string(),
            |b| &b.file,
            "bet id",
            rename,
            diags,
        );
        report_reserved_bets(&bets, diags);
        let graph = Graph::build(&futures, future_files, diags);
        let bets = in_parallel(bets, diags, |bet, d| {
            let resolve = |refs: &[Located<FutureId>], field: &str, d: &mut Diagnostics| {
                refs.iter()
                    .filter_map(|r| graph.resolve(r, &bet.file, field, d))
                    .collect()
            };
            CheckedBet {
                wins_if: resolve(&bet.wins_if, "wins_if", d),
                loses_if: resolve(&bet.loses_if, "loses_if", d),
                bet,
            }
        });
        Core {
            futures,
            graph,
            bets,
        }
    }
}

/// A bet may not take the bets matrix's address.
fn report_reserved_bets(bets: &[Bet], diags: &mut Diagnostics) {
    for bet in bets
        .iter()
        .filter(|b| routes::is_reserved_bet(b.id.as_str()))
    {
        diags.push(
            Diagnostic::error(
                &bet.file,
                Pos::START,
                format!(
                    "the bet's address `/{}` is taken by the bets matrix",
                    routes::bet(bet.id.as_str())
                ),
            )
            .with_help("rename the file: the id is the file's name"),
        );
    }
}

/// Pages' addresses must be unique, and pages may not take a generated
/// section's address.
fn check_addresses(documents: &[Document], diags: &mut Diagnostics) {
    report_duplicates(
        documents,
        |d| d.path.clone(),
        |d| &d.file,
        "page address",
        "rename one of the two files or give one a different `slug`",
        diags,
    );
    for doc in documents.iter().filter(|d| d.kind == Kind::Page) {
        if routes::is_reserved(&doc.path) {
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
}

/// The home introduction, the posts (newest first) and the pages.
fn by_kind(documents: Vec<Document>) -> (Option<Document>, Vec<Document>, Vec<Document>) {
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
    (home, posts, pages)
}

impl Checker<'_> {
    fn resolve(
        &self,
        refs: &[Located<FutureId>],
        file: &Path,
        field: &str,
        diags: &mut Diagnostics,
    ) -> Vec<FutureIx> {
        refs.iter()
            .filter_map(|r| self.graph.resolve(r, file, field, diags))
            .collect()
    }

    fn page(&self, doc: Document, diags: &mut Diagnostics) -> Page {
        let rendered = markdown::render(&doc.body, &doc.file, doc.body_pos, &self.links, diags);
        let futures = self.resolve(&doc.futures, &doc.file, "futures", diags);
        Page {
            doc,
            rendered,
            futures,
        }
    }

    /// Renders `docs` in parallel; their problems are reported in order.
    fn pages(&self, docs: Vec<Document>, diags: &mut Diagnostics) -> Vec<Page> {
        in_parallel(docs, diags, |doc, d| self.page(doc, d))
    }

    fn futures(
        &self,
        futures: Vec<Future>,
        history: &History,
        diags: &mut Diagnostics,
    ) -> Vec<LoadedFuture> {
        in_parallel(futures, diags, |future, d| LoadedFuture {
            estimates: history.of(future.id.as_str()).to_vec(),
            summary: markdown::render(
                &future.summary,
                &future.file,
                future.summary_pos,
                &self.links,
                d,
            ),
            record: record_text(&future, &self.links, self.today, d),
            future,
            bets_win: Vec::new(),
            bets_lose: Vec::new(),
            posts: Vec::new(),
        })
    }

    fn bets(&self, bets: Vec<CheckedBet>, diags: &mut Diagnostics) -> Vec<LoadedBet> {
        in_parallel(bets, diags, |b, d| LoadedBet {
            argument: markdown::render(&b.bet.body, &b.bet.file, b.bet.body_pos, &self.links, d),
            fork: self.graph.essential_fork(&b.wins_if, &b.loses_if),
            wins_if: b.wins_if,
            loses_if: b.loses_if,
            bet: b.bet,
        })
    }
}

/// Renders a future's record (its criteria and its evidence's notes) and
/// checks its dates against `today`.
pub(super) fn record_text(
    future: &Future,
    links: &Links<'_>,
    today: jiff::civil::Date,
    d: &mut Diagnostics,
) -> RecordText {
    record::after(
        &future.file,
        future.resolved.as_ref(),
        &future.evidence,
        today,
        d,
    );
    let render = |text: &Located<String>, d: &mut Diagnostics| {
        markdown::render(&text.value, &future.file, text.pos, links, d)
    };
    RecordText {
        resolves_when: future.resolves_when.as_ref().map(|t| render(t, d)),
        notes: future
            .evidence
            .iter()
            .map(|e| e.note.as_ref().map(|n| render(n, d)))
            .collect(),
    }
}

/// Maps `items` with `f` on all threads, each with its own diagnostics,
/// which are then added to `diags` in the items' order.
fn in_parallel<T: Send, U: Send>(
    items: Vec<T>,
    diags: &mut Diagnostics,
    f: impl Fn(T, &mut Diagnostics) -> U + Sync,
) -> Vec<U> {
    let done: Vec<(U, Diagnostics)> = items
        .into_par_iter()
        .map(|item| {
            let mut d = Diagnostics::default();
            (f(item, &mut d), d)
        })
        .collect();
    done.into_iter()
        .map(|(u, d)| {
            diags.extend(d);
            u
        })
        .collect()
}

/// Tells each future the bets that win or lose in it and the posts that
/// discuss it (name it in their front matter or reference it).
fn link_futures(futures: &mut [LoadedFuture], bets: &[LoadedBet], posts: &[Page]) {
    for (b, entry) in BetIx::all(bets.len()).zip(bets) {
        for &f in &entry.wins_if {
            futures[f].bets_win.push(b);
        }
        for &f in &entry.loses_if {
            futures[f].bets_lose.push(b);
        }
    }
    for (p, post) in PostIx::all(posts.len()).zip(posts) {
        for f in post.discussed() {
            futures[f].posts.push(p);
        }
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

pub(super) fn collect_tags<'a>(
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
    for (i, p) in (0..).map(PostIx).zip(posts) {
        for t in p {
            let e = entry(&mut tags, t);
            if e.posts.last() != Some(&i) {
                e.posts.push(i);
            }
        }
    }
    for (i, f) in (0..).map(FutureIx).zip(futures) {
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
fn link_targets(root: &Path, theme: &Theme, shape: &Shape) -> HashSet<String> {
    let mut r: HashSet<String> = shape.all().into_iter().map(|x| shape.path(x)).collect();
    r.extend(theme.static_paths());
    let static_dir = root.join("static");
    for f in files_with_extension(&static_dir, &[]) {
        if let Ok(rel) = f.strip_prefix(&static_dir) {
            r.insert(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    r
}
