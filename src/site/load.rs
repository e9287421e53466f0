//! Loading a site: every file read and parsed in parallel, the rules that
//! span files checked (duplicate ids, references, reserved addresses,
//! internal links), Markdown rendered. All problems of a run are collected.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{BetEntry, BuildOptions, FutureEntry, Page, Site, TagEntry};
use crate::bets;
use crate::config::Config;
use crate::content::{self, Document, Kind};
use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::files::files_with_extension;
use crate::futures::{self, FUTURE_EXTENSIONS, kebab};
use crate::graph::{Computed, Graph, Payoff};
use crate::markdown::{self, Links, Rendered};
use crate::markets::Prices;
use crate::routes::{self, Shape};
use crate::theme::Theme;

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

        let shape = Shape {
            posts: posts.iter().map(|d| d.path.as_str()).collect(),
            pages: pages.iter().map(|d| d.path.as_str()).collect(),
            futures: futures.iter().map(|f| f.id.as_str()).collect(),
            bets: bets.iter().map(|b| b.id.as_str()).collect(),
            tags: tags
                .iter()
                .map(|t| (t.slug.as_str(), t.posts.len()))
                .collect(),
            posts_per_page: config.posts_per_page,
        };
        let mut routes = link_targets(root, &theme, &shape);
        routes.extend(future_files.iter().map(|id| routes::future(id)));
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
