//! Turns a computed [`Site`] into output files: every route of the site
//! through the theme's tera templates, in parallel, plus `graph.json` and
//! the highlighting stylesheet. Nothing is written here.

use std::fmt;
use std::sync::OnceLock;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use crate::bets::BetKind;
use crate::chart;
use crate::graph::Payoff;
use crate::markdown::{self, Heading};
use crate::site::{BetEntry, FutureEntry, Own, Page, Site, Source};
use crate::theme::Origin;

/// An output file: its path below the output folder and its bytes.
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// A template that would not parse or render.
#[derive(Debug)]
pub struct RenderError {
    pub template: String,
    pub message: String,
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "template `{}`: {}", self.template, self.message)
    }
}

impl std::error::Error for RenderError {}

impl RenderError {
    fn from_tera(template: &str, e: &tera::Error) -> RenderError {
        let mut message = e.to_string();
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            message.push_str(": ");
            message.push_str(&s.to_string());
            source = s.source();
        }
        RenderError {
            template: template.to_string(),
            message,
        }
    }
}

/// How many posts the home page and the feed show.
const LATEST: usize = 5;
const FEED_ENTRIES: usize = 20;
const HOME_BETS_PER_KIND: usize = 3;

/// Renders the whole site, handing each file to `emit` as soon as it is
/// done (from any thread), so pages need not all be held at once.
pub fn render(site: &Site, emit: &(dyn Fn(OutputFile) + Sync)) -> Result<Tera, RenderError> {
    let tera = templates(site)?;
    Renderer::new(site, &tera).render_all(emit)?;
    Ok(tera)
}

impl<'a> Renderer<'a> {
    pub fn new(site: &'a Site, tera: &'a Tera) -> Renderer<'a> {
        let starts: Vec<Option<i32>> = site
            .futures
            .iter()
            .map(|e| e.future.when.map(|w| w.start))
            .collect();
        let layout = crate::layout::layout(&site.graph, &starts);
        Renderer {
            site,
            tera,
            common: common(site),
            map: crate::map::top_level(site, &layout),
            post_cards: site.posts.iter().map(|_| OnceLock::new()).collect(),
            by_title: {
                let mut v: Vec<usize> = (0..site.futures.len()).collect();
                v.sort_by_cached_key(|&i| site.futures[i].future.title.to_lowercase());
                v
            },
            layout,
        }
    }

    /// Every page of the site.
    pub fn all_jobs(&self) -> Vec<Job> {
        let site = self.site;
        let mut jobs = vec![
            Job::Home,
            Job::Tags,
            Job::Futures(1),
            Job::Bets,
            Job::NotFound,
            Job::Atom,
            Job::Sitemap,
            Job::Search,
        ];
        jobs.extend((1..=site.post_pages()).map(Job::PostList));
        jobs.extend(
            (2..=pages(site.futures.len(), crate::site::FUTURES_TABLE_PAGE)).map(Job::Futures),
        );
        jobs.extend((0..site.posts.len()).map(Job::Post));
        jobs.extend((0..site.pages.len()).map(Job::Page));
        jobs.extend((0..site.futures.len()).map(Job::Future));
        jobs.extend((0..site.bets.len()).map(Job::Bet));
        for (t, tag) in site.tags.iter().enumerate() {
            jobs.extend(
                (1..=pages(tag.posts.len(), site.config.posts_per_page)).map(|n| Job::Tag(t, n)),
            );
        }
        jobs
    }

    /// Renders every file of the site in parallel; see [`render`].
    pub fn render_all(&self, emit: &(dyn Fn(OutputFile) + Sync)) -> Result<(), RenderError> {
        // The search index is the one large step that is not a page; building
        // it beside the pages keeps both cores busy through its merge.
        let (pages, ()) = rayon::join(
            || {
                self.all_jobs()
                    .par_iter()
                    .try_for_each(|job| self.render(job).map(emit))
            },
            || self.search_files().into_iter().for_each(emit),
        );
        pages?;
        self.data_files().into_iter().for_each(emit);
        emit(OutputFile {
            path: "syntax.css".into(),
            bytes: markdown::highlight_css().into_bytes(),
        });
        Ok(())
    }

    /// Renders `jobs` in parallel.
    pub fn render_jobs(&self, jobs: &[Job]) -> Result<Vec<OutputFile>, RenderError> {
        jobs.par_iter().map(|job| self.render(job)).collect()
    }

    /// The search index over posts, pages, futures and bets.
    pub fn search_files(&self) -> Vec<OutputFile> {
        use crate::search::SearchDoc;
        let s = self.site;
        let doc = |p: &'a Page, kind| SearchDoc {
            title: p.doc.title.clone(),
            url: self.url(&p.doc.path),
            kind,
            snippet: p
                .doc
                .summary
                .clone()
                .unwrap_or_else(|| p.rendered.summary.clone()),
            text: p.rendered.text.as_str().into(),
        };
        let mut docs: Vec<SearchDoc> = s
            .posts
            .iter()
            .map(|p| doc(p, "post"))
            .chain(s.pages.iter().map(|p| doc(p, "page")))
            .collect();
        docs.extend(s.futures.iter().map(|e| SearchDoc {
            title: e.future.title.clone(),
            url: self.url(&format!("futures/{}/", e.future.id)),
            kind: "future",
            snippet: e.summary.summary.clone(),
            text: format!("{} {}", e.summary.text, e.future.tags.join(" ")).into(),
        }));
        docs.extend(s.bets.iter().map(|b| SearchDoc {
            title: b.bet.title.clone(),
            url: self.url(&format!("bets/{}/", b.bet.id)),
            kind: "bet",
            snippet: b.argument.summary.clone(),
            text: format!("{} {}", b.argument.text, b.bet.instruments.join(" ")).into(),
        }));
        crate::search::index(&docs)
    }

    /// `graph.json` and the map's summaries.
    pub fn data_files(&self) -> Vec<OutputFile> {
        vec![
            OutputFile {
                path: "graph.json".into(),
                bytes: graph_json(self.site, &self.layout).into_bytes(),
            },
            OutputFile {
                path: "futures/summaries.json".into(),
                bytes: summaries_json(self.site).into_bytes(),
            },
        ]
    }
}

fn pages(items: usize, per_page: usize) -> usize {
    items.div_ceil(per_page).max(1)
}

/// The theme's templates, parsed.
pub fn templates(site: &Site) -> Result<Tera, RenderError> {
    let mut sources = Vec::with_capacity(site.theme.templates.len());
    for t in &site.theme.templates {
        let text = match &t.origin {
            Origin::Builtin(text) => (*text).to_string(),
            Origin::File(path) => std::fs::read_to_string(path).map_err(|e| RenderError {
                template: path.display().to_string(),
                message: e.to_string(),
            })?,
        };
        sources.push((t.name.clone(), text));
    }
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(markdown::escape_html);
    tera.add_raw_templates(sources)
        .map_err(|e| RenderError::from_tera("theme", &e))?;
    Ok(tera)
}

/// One output page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Job {
    Home,
    PostList(usize),
    Post(usize),
    Page(usize),
    Tags,
    Tag(usize, usize),
    /// The map and page N of the table of futures.
    Futures(usize),
    Future(usize),
    Bets,
    Bet(usize),
    NotFound,
    Atom,
    Sitemap,
    Search,
}

/// Renders pages of one site with one set of templates.
pub struct Renderer<'a> {
    site: &'a Site,
    tera: &'a Tera,
    layout: crate::layout::Layout,
    common: SiteView,
    /// The top level of the future map, as static SVG.
    map: String,
    /// Futures by title, for the table.
    by_title: Vec<usize>,
    /// Each post's card, made once: a post shows on its own page, its
    /// neighbours', a list page, its tag pages and the feed.
    post_cards: Vec<OnceLock<PostCard>>,
}

#[derive(Serialize)]
struct SiteView {
    title: String,
    description: String,
    author: Option<String>,
    base_url: String,
    base_path: String,
    repository: Option<String>,
    generator: String,
}

fn common(site: &Site) -> SiteView {
    let c = &site.config;
    SiteView {
        title: c.title.clone(),
        description: c.description.clone(),
        author: c.author.clone(),
        base_url: c.base_url.as_str().to_string(),
        base_path: c.base_url.path().to_string(),
        repository: c.repository.clone(),
        generator: format!("Forkcast {}", env!("CARGO_PKG_VERSION")),
    }
}

#[derive(Serialize)]
struct TagLink {
    name: String,
    url: String,
}

#[derive(Serialize)]
struct PostCard {
    title: String,
    url: String,
    permalink: String,
    date: String,
    date_display: String,
    updated: Option<String>,
    summary: String,
    reading_minutes: usize,
    tags: Vec<TagLink>,
}

#[derive(Serialize)]
struct FutureCard {
    id: String,
    title: String,
    url: String,
    when: Option<String>,
    probability: Option<f64>,
    probability_display: String,
    /// Where the probability comes from, in words.
    source: String,
    /// The oldest stale market value, when a refresh failed.
    stale_as_of: Option<String>,
    implied: Option<f64>,
    implied_display: String,
    disagreement: bool,
    is_group: bool,
    tags: Vec<String>,
    /// P(edge) when listed as a parent or child.
    edge: Option<String>,
}

#[derive(Serialize)]
struct PayoffView {
    kind: &'static str,
    low: Option<f64>,
    high: Option<f64>,
    display: String,
}

#[derive(Serialize)]
struct BetCard {
    id: String,
    title: String,
    url: String,
    /// The map with this bet's futures marked.
    map_url: String,
    kind: &'static str,
    status: &'static str,
    instruments: Vec<String>,
    horizon: Option<String>,
    payoff: PayoffView,
}

#[derive(Serialize)]
struct KindView {
    name: &'static str,
    count: usize,
    bets: Vec<BetCard>,
}

#[derive(Serialize)]
struct GroupNode {
    future: FutureCard,
    members: Vec<GroupNode>,
    /// How many futures it holds, at any depth.
    size: usize,
}

#[derive(Serialize)]
struct Paginator {
    current: usize,
    total: usize,
    prev_url: Option<String>,
    next_url: Option<String>,
    pages: Vec<PageLink>,
}

impl Paginator {
    fn new(current: usize, total: usize, page_url: impl Fn(usize) -> String) -> Paginator {
        Paginator {
            current,
            total,
            prev_url: (current > 1).then(|| page_url(current - 1)),
            next_url: (current < total).then(|| page_url(current + 1)),
            pages: pager_window(current, total)
                .into_iter()
                .scan(0, |last, n| {
                    let gap_before = n > *last + 1;
                    *last = n;
                    Some(PageLink {
                        number: n,
                        url: page_url(n),
                        gap_before,
                    })
                })
                .collect(),
        }
    }
}

/// A page of a paginated list, as its pager shows it.
#[derive(Serialize)]
struct PageLink {
    number: usize,
    url: String,
    /// Pages between this one and the previous link are left out.
    gap_before: bool,
}

/// Pages a pager links on either side of the current one.
const PAGER_REACH: usize = 2;

fn source_label(own: Option<Own>) -> String {
    match own.map(|o| o.source) {
        Some(Source::Markets(1)) => "market".into(),
        Some(Source::Markets(n)) => format!("aggregate of {n} markets"),
        Some(Source::Estimate) => "author's estimate".into(),
        None => "none".into(),
    }
}

/// The page numbers a pager shows: the first, the last and those within
/// [`PAGER_REACH`] of `current`, so a list of a thousand pages does not put
/// a thousand links on each of them.
fn pager_window(current: usize, total: usize) -> Vec<usize> {
    let near = current.saturating_sub(PAGER_REACH).max(1)..=(current + PAGER_REACH).min(total);
    let mut pages: Vec<usize> = std::iter::once(1)
        .chain(near)
        .chain(std::iter::once(total))
        .filter(|&n| n >= 1 && n <= total)
        .collect();
    pages.dedup();
    pages
}

/// `35%`, with `<1%` and `>99%` at the ends.
pub fn percent(p: Option<f64>) -> String {
    match p {
        None => "—".into(),
        Some(p) if p < 0.01 => "<1%".into(),
        Some(p) if p > 0.99 => ">99%".into(),
        Some(p) => format!("{:.0}%", p * 100.0),
    }
}

fn payoff_view(p: Payoff) -> PayoffView {
    match p {
        Payoff::Exact(x) => PayoffView {
            kind: "exact",
            low: Some(x),
            high: Some(x),
            display: percent(Some(x)),
        },
        Payoff::Range(lo, hi) => PayoffView {
            kind: "range",
            low: Some(lo),
            high: Some(hi),
            display: format!(
                "{}–{}",
                percent(Some(lo)).trim_end_matches('%'),
                percent(Some(hi))
            ),
        },
        Payoff::Unknown => PayoffView {
            kind: "unknown",
            low: None,
            high: None,
            display: "unknown".into(),
        },
    }
}

impl Renderer<'_> {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.site.config.base_url.path())
    }

    fn permalink(&self, path: &str) -> String {
        format!("{}{path}", self.site.config.base_url.as_str())
    }

    fn tag_links(&self, tags: &[String]) -> Vec<TagLink> {
        tags.iter()
            .map(|t| TagLink {
                name: t.clone(),
                url: self.url(&format!("tags/{}/", crate::futures::kebab(t))),
            })
            .collect()
    }

    /// The card of post `i` (in `site.posts` order).
    fn post(&self, i: usize) -> &PostCard {
        self.post_cards[i].get_or_init(|| self.post_card(&self.site.posts[i]))
    }

    fn post_card(&self, p: &Page) -> PostCard {
        let d = &p.doc;
        PostCard {
            title: d.title.clone(),
            url: self.url(&d.path),
            permalink: self.permalink(&d.path),
            date: d.date.map(|x| x.day.to_string()).unwrap_or_default(),
            date_display: d
                .date
                .map(|x| x.day.strftime("%-d %B %Y").to_string())
                .unwrap_or_default(),
            updated: d.updated.map(|x| x.day.to_string()),
            summary: d
                .summary
                .clone()
                .unwrap_or_else(|| p.rendered.summary.clone()),
            reading_minutes: p.rendered.reading_minutes(),
            tags: self.tag_links(&d.tags),
        }
    }

    fn future_card(&self, i: usize, edge: Option<f64>) -> FutureCard {
        let e: &FutureEntry = &self.site.futures[i];
        let f = &e.future;
        FutureCard {
            id: f.id.to_string(),
            title: f.title.clone(),
            url: self.url(&format!("futures/{}/", f.id)),
            when: f.when.map(|w| w.to_string()),
            probability: e.own.map(|o| o.value),
            probability_display: percent(e.own.map(|o| o.value)),
            source: source_label(e.own),
            stale_as_of: e.stale_since().map(|d| d.to_string()),
            implied: e.computed.implied,
            implied_display: percent(e.computed.implied),
            disagreement: e.computed.disagreement,
            is_group: !self.site.graph.members(i).is_empty(),
            tags: f.tags.clone(),
            edge: edge.map(|p| percent(Some(p))),
        }
    }

    fn future_cards(&self, ids: &[usize]) -> Vec<FutureCard> {
        ids.iter().map(|&f| self.future_card(f, None)).collect()
    }

    fn bet_cards(&self, ids: &[usize]) -> Vec<BetCard> {
        ids.iter().map(|&b| self.bet_card(b)).collect()
    }

    fn bet_card(&self, i: usize) -> BetCard {
        let b: &BetEntry = &self.site.bets[i];
        BetCard {
            id: b.bet.id.to_string(),
            title: b.bet.title.clone(),
            url: self.url(&format!("bets/{}/", b.bet.id)),
            map_url: format!("{}?bet={}", self.url("futures/"), b.bet.id),
            kind: b.bet.kind.name(),
            status: b.bet.status.name(),
            instruments: b.bet.instruments.clone(),
            horizon: b.bet.horizon.clone(),
            payoff: payoff_view(b.payoff),
        }
    }

    /// Bets grouped by kind, by status then title, at most `limit` a kind.
    fn bets_by_kind(&self, limit: usize) -> Vec<KindView> {
        let s = self.site;
        BetKind::ALL
            .iter()
            .map(|k| {
                let mut idx: Vec<usize> = (0..s.bets.len())
                    .filter(|&b| s.bets[b].bet.kind == *k)
                    .collect();
                idx.sort_by(|&a, &b| {
                    (s.bets[a].bet.status, &s.bets[a].bet.title)
                        .cmp(&(s.bets[b].bet.status, &s.bets[b].bet.title))
                });
                KindView {
                    name: k.name(),
                    count: idx.len(),
                    bets: idx
                        .into_iter()
                        .take(limit)
                        .map(|b| self.bet_card(b))
                        .collect(),
                }
            })
            .filter(|k| k.count > 0)
            .collect()
    }

    /// Future `i` with its members down to `depth` levels (0: none).
    fn group_tree(&self, i: usize, depth: usize) -> GroupNode {
        let members = if depth == 0 {
            Vec::new()
        } else {
            self.in_time_order(self.site.graph.members(i).to_vec())
                .into_iter()
                .map(|m| self.group_tree(m, depth - 1))
                .collect()
        };
        GroupNode {
            future: self.future_card(i, None),
            members,
            size: self.size(i),
        }
    }

    /// How many futures `i` holds, at any depth.
    fn size(&self, i: usize) -> usize {
        self.site
            .graph
            .members(i)
            .iter()
            .map(|&m| 1 + self.size(m))
            .sum()
    }

    /// The futures in no group, with their members down to `depth` levels.
    fn top_level(&self, depth: usize) -> Vec<GroupNode> {
        let top = (0..self.site.futures.len())
            .filter(|&i| self.site.graph.group(i).is_none())
            .collect();
        self.in_time_order(top)
            .into_iter()
            .map(|i| self.group_tree(i, depth))
            .collect()
    }

    /// Futures by the start of their window (undated last), then by title.
    fn in_time_order(&self, mut futures: Vec<usize>) -> Vec<usize> {
        let key = |i: usize| {
            let f = &self.site.futures[i].future;
            (f.when.map_or(i32::MAX, |w| w.start), f.title.to_lowercase())
        };
        futures.sort_by_cached_key(|&i| key(i));
        futures
    }

    /// The pager of page `current` of a list below `base` (`base`, then
    /// `base/page/N/`).
    fn paginator(&self, base: &str, current: usize, total: usize) -> Paginator {
        Paginator::new(current, total, |n| {
            if n == 1 {
                self.url(base)
            } else {
                self.url(&format!("{base}page/{n}/"))
            }
        })
    }

    /// The context every page gets: the site, and this page's address.
    fn context(&self, path: &str, title: &str, description: &str, section: &str) -> Context {
        let mut ctx = Context::new();
        ctx.insert("site", &self.common);
        ctx.insert("path", path);
        ctx.insert("url", &self.url(path));
        ctx.insert("permalink", &self.permalink(path));
        ctx.insert("page_title", title);
        ctx.insert(
            "description",
            if description.is_empty() {
                self.common.description.as_str()
            } else {
                description
            },
        );
        ctx.insert("section", section);
        ctx.insert("og_type", "website");
        ctx
    }

    /// A new issue in the repository, titled after the page, to discuss it.
    fn discuss_url(&self, title: &str) -> Option<String> {
        let encode = |t: &str| -> String {
            t.bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect()
        };
        self.site.config.repository.as_ref().map(|r| {
            format!(
                "{r}/issues/new?title={}",
                encode(&format!("Discuss: {title}"))
            )
        })
    }

    fn edit_url(&self, file: &std::path::Path) -> Option<String> {
        self.site.config.repository.as_ref().map(|r| {
            format!(
                "{r}/blob/main/{}",
                file.to_string_lossy().replace('\\', "/")
            )
        })
    }

    fn render(&self, job: &Job) -> Result<OutputFile, RenderError> {
        let s = self.site;
        let (path, template, ctx) = match *job {
            Job::Home => {
                let mut ctx = self.context("", &s.config.title, "", "home");
                ctx.insert("intro", &s.home.as_ref().map(|h| h.rendered.html.clone()));
                ctx.insert(
                    "posts",
                    &(0..s.posts.len().min(LATEST))
                        .map(|i| self.post(i))
                        .collect::<Vec<_>>(),
                );
                ctx.insert("groups", &self.top_level(1));
                ctx.insert("kinds", &self.bets_by_kind(HOME_BETS_PER_KIND));
                ctx.insert("future_count", &s.futures.len());
                ("".to_string(), "index.html", ctx)
            }
            Job::PostList(n) => {
                let per = s.config.posts_per_page;
                let path = if n == 1 {
                    "posts/".to_string()
                } else {
                    format!("posts/page/{n}/")
                };
                let title = if n == 1 {
                    "Posts".to_string()
                } else {
                    format!("Posts — page {n}")
                };
                let mut ctx = self.context(&path, &title, "", "posts");
                let cards: Vec<&PostCard> = (0..s.posts.len())
                    .skip((n - 1) * per)
                    .take(per)
                    .map(|i| self.post(i))
                    .collect();
                ctx.insert("posts", &cards);
                ctx.insert("paginator", &self.paginator("posts/", n, s.post_pages()));
                (path, "posts.html", ctx)
            }
            Job::Post(i) => {
                let p = &s.posts[i];
                let card = self.post(i);
                let mut ctx = self.context(&p.doc.path, &p.doc.title, &card.summary, "posts");
                ctx.insert("og_type", "article");
                ctx.insert("post", card);
                ctx.insert("content", &p.rendered.html);
                ctx.insert("toc", &toc(&p.rendered.toc));
                ctx.insert("futures", &self.future_cards(&p.futures));
                ctx.insert("newer", &i.checked_sub(1).map(|j| self.post(j)));
                ctx.insert("older", &(i + 1 < s.posts.len()).then(|| self.post(i + 1)));
                ctx.insert("edit_url", &self.edit_url(&p.doc.file));
                ctx.insert("discuss_url", &self.discuss_url(&p.doc.title));
                (p.doc.path.clone(), "post.html", ctx)
            }
            Job::Page(i) => {
                let p = &s.pages[i];
                let mut ctx = self.context(
                    &p.doc.path,
                    &p.doc.title,
                    &p.doc
                        .summary
                        .clone()
                        .unwrap_or_else(|| p.rendered.summary.clone()),
                    "page",
                );
                ctx.insert("page", &self.post_card(p));
                ctx.insert("content", &p.rendered.html);
                ctx.insert("toc", &toc(&p.rendered.toc));
                ctx.insert("edit_url", &self.edit_url(&p.doc.file));
                ctx.insert("discuss_url", &self.discuss_url(&p.doc.title));
                (p.doc.path.clone(), "page.html", ctx)
            }
            Job::Tags => {
                #[derive(Serialize)]
                struct TagView {
                    name: String,
                    url: String,
                    posts: usize,
                    futures: usize,
                }
                let mut ctx = self.context("tags/", "Tags", "", "tags");
                let tags: Vec<TagView> = s
                    .tags
                    .iter()
                    .map(|t| TagView {
                        name: t.name.clone(),
                        url: self.url(&format!("tags/{}/", t.slug)),
                        posts: t.posts.len(),
                        futures: t.futures.len(),
                    })
                    .collect();
                ctx.insert("tags", &tags);
                ("tags/".to_string(), "tags.html", ctx)
            }
            Job::Tag(t, n) => {
                let tag = &s.tags[t];
                let per = s.config.posts_per_page;
                let base = format!("tags/{}/", tag.slug);
                let path = if n == 1 {
                    base.clone()
                } else {
                    format!("{base}page/{n}/")
                };
                let mut ctx = self.context(&path, &format!("Tagged “{}”", tag.name), "", "tags");
                ctx.insert(
                    "tag",
                    &TagLink {
                        name: tag.name.clone(),
                        url: self.url(&base),
                    },
                );
                let cards: Vec<&PostCard> = tag
                    .posts
                    .iter()
                    .skip((n - 1) * per)
                    .take(per)
                    .map(|&p| self.post(p))
                    .collect();
                ctx.insert("posts", &cards);
                let futures: Vec<FutureCard> = if n == 1 {
                    self.future_cards(&tag.futures)
                } else {
                    Vec::new()
                };
                ctx.insert("futures", &futures);
                ctx.insert(
                    "paginator",
                    &self.paginator(&base, n, pages(tag.posts.len(), per)),
                );
                (path, "tag.html", ctx)
            }
            Job::Futures(n) => {
                #[derive(Serialize)]
                struct Row {
                    future: FutureCard,
                    group: Option<String>,
                    bets: usize,
                }
                let per = crate::site::FUTURES_TABLE_PAGE;
                let total = pages(s.futures.len(), per);
                let page_path = |n: usize| {
                    if n == 1 {
                        "futures/".to_string()
                    } else {
                        format!("futures/table/{n}/")
                    }
                };
                let path = page_path(n);
                let title = if n == 1 {
                    "Futures".to_string()
                } else {
                    format!("Futures — table, page {n}")
                };
                let mut ctx = self.context(
                    &path,
                    &title,
                    "Every future on the map, with its probability and where it comes from.",
                    "futures",
                );
                let rows: Vec<Row> = self
                    .by_title
                    .iter()
                    .skip((n - 1) * per)
                    .take(per)
                    .map(|&i| Row {
                        future: self.future_card(i, None),
                        group: s.graph.group(i).map(|g| s.futures[g].future.title.clone()),
                        bets: s.futures[i].bets_win.len() + s.futures[i].bets_lose.len(),
                    })
                    .collect();
                if n == 1 {
                    ctx.insert("map", &self.map);
                }
                ctx.insert("rows", &rows);
                ctx.insert(
                    "paginator",
                    &Paginator::new(n, total, |k| self.url(&page_path(k))),
                );
                (path, "futures.html", ctx)
            }
            Job::Future(i) => {
                let e = &s.futures[i];
                let f = &e.future;
                let path = format!("futures/{}/", f.id);
                let mut ctx = self.context(&path, &f.title, &e.summary.summary, "futures");
                ctx.insert("future", &self.future_card(i, None));
                ctx.insert("summary", &e.summary.html);
                ctx.insert(
                    "group",
                    &s.graph.group(i).map(|g| self.future_card(g, None)),
                );
                ctx.insert("members", &self.future_cards(s.graph.members(i)));
                ctx.insert(
                    "parents",
                    &s.graph
                        .parents(i)
                        .into_iter()
                        .map(|(p, w)| self.future_card(p, Some(w)))
                        .collect::<Vec<_>>(),
                );
                ctx.insert(
                    "children",
                    &s.graph
                        .children(i)
                        .into_iter()
                        .map(|(c, w)| self.future_card(c, Some(w)))
                        .collect::<Vec<_>>(),
                );
                ctx.insert("bets_win", &self.bet_cards(&e.bets_win));
                ctx.insert("bets_lose", &self.bet_cards(&e.bets_lose));
                ctx.insert(
                    "posts",
                    &e.posts.iter().map(|&p| self.post(p)).collect::<Vec<_>>(),
                );
                ctx.insert("sources", &f.sources);
                ctx.insert("tags", &self.tag_links(&f.tags));
                #[derive(Serialize)]
                struct MarketView {
                    reference: String,
                    title: Option<String>,
                    url: String,
                    value: Option<f64>,
                    display: String,
                    status: Option<String>,
                    as_of: Option<String>,
                    stale: bool,
                }
                let markets: Vec<MarketView> = e
                    .markets
                    .iter()
                    .map(|(r, o)| MarketView {
                        reference: r.to_string(),
                        title: o.title.clone(),
                        url: o.url.clone().unwrap_or_else(|| r.url()),
                        value: o.value,
                        display: o
                            .value
                            .map_or_else(|| "unavailable".to_string(), |v| percent(Some(v))),
                        status: o.status.as_ref().map(|s| s.label()),
                        as_of: o.as_of.map(|d| d.to_string()),
                        stale: o.stale,
                    })
                    .collect();
                ctx.insert("markets", &markets);
                let series: Vec<chart::Series> = e
                    .markets
                    .iter()
                    .map(|(r, _)| chart::Series {
                        label: r.to_string(),
                        points: crate::markets::snapshot::read_history(
                            &crate::markets::snapshot::history_path(&s.root, r),
                        ),
                    })
                    .filter(|series| !series.points.is_empty())
                    .collect();
                let chart = chart::history(
                    &format!("Probability of “{}” over time", f.title),
                    &series,
                    f.estimate.map(|p| p.get()),
                );
                ctx.insert("chart", &chart);
                ctx.insert("edit_url", &self.edit_url(&f.file));
                ctx.insert("discuss_url", &self.discuss_url(&f.title));
                (path, "future.html", ctx)
            }
            Job::Bets => {
                let mut ctx = self.context(
                    "bets/",
                    "Bets",
                    "Bets placed on the futures, with their chance of paying off.",
                    "bets",
                );
                let kinds = self.bets_by_kind(usize::MAX);
                ctx.insert("kinds", &kinds);
                ("bets/".to_string(), "bets.html", ctx)
            }
            Job::Bet(i) => {
                let b = &s.bets[i];
                let path = format!("bets/{}/", b.bet.id);
                let mut ctx = self.context(&path, &b.bet.title, &b.argument.summary, "bets");
                ctx.insert("og_type", "article");
                ctx.insert("bet", &self.bet_card(i));
                ctx.insert("fragment", &crate::map::bet_fragment(s, i));
                ctx.insert("essential_fork", &b.fork.map(|f| self.future_card(f, None)));
                ctx.insert("content", &b.argument.html);
                ctx.insert("wins_if", &self.future_cards(&b.wins_if));
                ctx.insert("loses_if", &self.future_cards(&b.loses_if));
                ctx.insert("edit_url", &self.edit_url(&b.bet.file));
                ctx.insert("discuss_url", &self.discuss_url(&b.bet.title));
                (path, "bet.html", ctx)
            }
            Job::Search => {
                let ctx = self.context(
                    "search/",
                    "Search",
                    "Search the posts, futures and bets.",
                    "search",
                );
                ("search/".to_string(), "search.html", ctx)
            }
            Job::NotFound => {
                let ctx = self.context("404.html", "Page not found", "", "404");
                ("404.html".to_string(), "404.html", ctx)
            }
            Job::Atom => {
                #[derive(Serialize)]
                struct Entry<'c> {
                    post: &'c PostCard,
                    published: String,
                    updated: String,
                    content: String,
                }
                let mut ctx = self.context("atom.xml", &s.config.title, "", "feed");
                let entries: Vec<Entry> = s
                    .posts
                    .iter()
                    .enumerate()
                    .take(FEED_ENTRIES)
                    .map(|(i, p)| {
                        let published = p
                            .doc
                            .date
                            .map(|d| d.instant.to_string())
                            .unwrap_or_default();
                        Entry {
                            post: self.post(i),
                            updated: p
                                .doc
                                .updated
                                .map(|d| d.instant.to_string())
                                .unwrap_or_else(|| published.clone()),
                            published,
                            content: p.rendered.html.clone(),
                        }
                    })
                    .collect();
                let updated = entries
                    .iter()
                    .map(|e| e.updated.clone())
                    .max()
                    .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
                ctx.insert("updated", &updated);
                ctx.insert("entries", &entries);
                ("atom.xml".to_string(), "atom.xml", ctx)
            }
            Job::Sitemap => {
                #[derive(Serialize)]
                struct Url {
                    loc: String,
                    lastmod: Option<String>,
                }
                let mut urls = vec![Url {
                    loc: self.permalink(""),
                    lastmod: None,
                }];
                let mut add = |path: String, lastmod: Option<String>| {
                    urls.push(Url {
                        loc: self.permalink(&path),
                        lastmod,
                    })
                };
                for n in 1..=s.post_pages() {
                    add(
                        if n == 1 {
                            "posts/".into()
                        } else {
                            format!("posts/page/{n}/")
                        },
                        None,
                    );
                }
                for p in &s.posts {
                    add(
                        p.doc.path.clone(),
                        p.doc.updated.or(p.doc.date).map(|d| d.day.to_string()),
                    );
                }
                for p in &s.pages {
                    add(p.doc.path.clone(), None);
                }
                for n in 2..=pages(s.futures.len(), crate::site::FUTURES_TABLE_PAGE) {
                    add(format!("futures/table/{n}/"), None);
                }
                for section in ["tags/", "futures/", "bets/", "search/"] {
                    add(section.into(), None);
                }
                for t in &s.tags {
                    add(format!("tags/{}/", t.slug), None);
                }
                for f in &s.futures {
                    add(format!("futures/{}/", f.future.id), None);
                }
                for b in &s.bets {
                    add(format!("bets/{}/", b.bet.id), None);
                }
                let mut ctx = self.context("sitemap.xml", "", "", "sitemap");
                ctx.insert("urls", &urls);
                ("sitemap.xml".to_string(), "sitemap.xml", ctx)
            }
        };
        let html = self
            .tera
            .render(template, &ctx)
            .map_err(|e| RenderError::from_tera(template, &e))?;
        let path = if path.is_empty() || path.ends_with('/') {
            format!("{path}index.html")
        } else {
            path
        };
        Ok(OutputFile {
            path,
            bytes: html.into_bytes(),
        })
    }
}

/// Headings below the title, for a table of contents worth showing.
fn toc(headings: &[Heading]) -> Vec<Heading> {
    let v: Vec<Heading> = headings
        .iter()
        .filter(|h| (2..=4).contains(&h.level))
        .cloned()
        .collect();
    if v.len() >= 2 { v } else { Vec::new() }
}

/// The graph, machine-readable. `<`, `>` and `&` are written as `\u` escapes
/// so the same text is safe inside an HTML `<script>` element.
pub fn graph_json(site: &Site, layout: &crate::layout::Layout) -> String {
    #[derive(Serialize)]
    struct Node<'a> {
        id: &'a str,
        title: &'a str,
        url: String,
        within: Option<&'a str>,
        when: Option<crate::futures::When>,
        probability: Option<f64>,
        source: Option<&'static str>,
        implied: Option<f64>,
        disagreement: bool,
        tags: &'a [String],
        markets: Vec<String>,
        /// The oldest stale market value's date, if a refresh failed.
        stale: Option<String>,
        /// Its rectangle on the map: x, y, width, height.
        rect: [f64; 4],
    }
    #[derive(Serialize)]
    struct Edge<'a> {
        from: &'a str,
        to: &'a str,
        probability: f64,
    }
    #[derive(Serialize)]
    struct Group<'a> {
        id: &'a str,
        members: Vec<&'a str>,
    }
    #[derive(Serialize)]
    struct BetNode<'a> {
        id: &'a str,
        title: &'a str,
        url: String,
        kind: &'static str,
        status: &'static str,
        wins_if: Vec<&'a str>,
        loses_if: Vec<&'a str>,
        payoff: PayoffView,
        essential_fork: Option<&'a str>,
    }
    #[derive(Serialize)]
    struct GraphDoc<'a> {
        title: &'a str,
        base_url: &'a str,
        futures: Vec<Node<'a>>,
        edges: Vec<Edge<'a>>,
        groups: Vec<Group<'a>>,
        bets: Vec<BetNode<'a>>,
        map: MapInfo<'a>,
    }
    #[derive(Serialize)]
    struct MapInfo<'a> {
        width: f64,
        height: f64,
        columns: &'a [crate::layout::Column],
    }
    let base = site.config.base_url.path();
    let id = |i: usize| site.futures[i].future.id.as_str();
    let doc = GraphDoc {
        title: &site.config.title,
        base_url: site.config.base_url.as_str(),
        futures: site
            .futures
            .iter()
            .enumerate()
            .map(|(i, e)| Node {
                id: e.future.id.as_str(),
                title: &e.future.title,
                url: format!("{base}futures/{}/", e.future.id),
                within: site.graph.group(i).map(id),
                when: e.future.when,
                probability: e.own.map(|o| o.value),
                source: e.own.map(|o| match o.source {
                    Source::Markets(_) => "markets",
                    Source::Estimate => "estimate",
                }),
                implied: e.computed.implied,
                disagreement: e.computed.disagreement,
                tags: &e.future.tags,
                markets: e
                    .future
                    .markets
                    .iter()
                    .map(|m| m.value.to_string())
                    .collect(),
                stale: e.stale_since().map(|d| d.to_string()),
                rect: {
                    let r = layout.rects[i];
                    [r.x, r.y, r.w, r.h].map(|v| (v * 10.0).round() / 10.0)
                },
            })
            .collect(),
        edges: (0..site.futures.len())
            .flat_map(|i| {
                site.graph
                    .children(i)
                    .into_iter()
                    .map(move |(c, p)| (i, c, p))
            })
            .map(|(i, c, p)| Edge {
                from: id(i),
                to: id(c),
                probability: p,
            })
            .collect(),
        groups: (0..site.futures.len())
            .filter(|&i| !site.graph.members(i).is_empty())
            .map(|i| Group {
                id: id(i),
                members: site.graph.members(i).iter().map(|&m| id(m)).collect(),
            })
            .collect(),
        bets: site
            .bets
            .iter()
            .map(|b| BetNode {
                id: b.bet.id.as_str(),
                title: &b.bet.title,
                url: format!("{base}bets/{}/", b.bet.id),
                kind: b.bet.kind.name(),
                status: b.bet.status.name(),
                wins_if: b.wins_if.iter().map(|&f| id(f)).collect(),
                loses_if: b.loses_if.iter().map(|&f| id(f)).collect(),
                payoff: payoff_view(b.payoff),
                essential_fork: b.fork.map(id),
            })
            .collect(),
        map: MapInfo {
            width: layout.width,
            height: layout.height,
            columns: &layout.columns,
        },
    };
    script_safe(&serde_json::to_string(&doc).unwrap_or_else(|_| "{}".into()))
}

/// Each future's plain-text summary by id, for the map's side panel
/// (loaded only when a panel opens, to keep the first view light).
pub fn summaries_json(site: &Site) -> String {
    let map: std::collections::BTreeMap<&str, &str> = site
        .futures
        .iter()
        .map(|e| (e.future.id.as_str(), e.summary.summary.as_str()))
        .collect();
    script_safe(&serde_json::to_string(&map).unwrap_or_else(|_| "{}".into()))
}

/// JSON with `<`, `>`, `&` and line separators written as `\u` escapes, so
/// the same text is safe inside an HTML `<script>` element.
fn script_safe(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

#[cfg(test)]
mod tests {
    use super::pager_window;

    #[test]
    fn a_pager_shows_the_ends_and_the_pages_near_the_current_one() {
        assert_eq!(pager_window(1, 1), [1]);
        assert_eq!(pager_window(1, 3), [1, 2, 3]);
        assert_eq!(pager_window(1, 1000), [1, 2, 3, 1000]);
        assert_eq!(pager_window(500, 1000), [1, 498, 499, 500, 501, 502, 1000]);
        assert_eq!(pager_window(1000, 1000), [1, 998, 999, 1000]);
    }
}
