//! Applying one edit to a loaded site, for `serve`: re-reading one post or
//! future, recomputing what depends on it, and saying which routes changed.

use std::collections::{BTreeSet, HashSet};
use std::path::Path;

use super::load::collect_tags;
use super::load::record_text;
use super::{BetEntry, FutureEntry, Page, RecordText, Site};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::graph::{Graph, NoFork, Payoff, Swing};
use crate::routes::{
    self, BetIx, FUTURES_TABLE_PAGE, FutureIx, PageIx, PageNo, PostIx, Route, TagIx,
};
use crate::source::content::{self, Document, Kind};
use crate::source::files;
use crate::source::futures::{self, Future, kebab};
use crate::source::history;
use crate::source::markdown::{self, Links};
use crate::source::references::{Html, Target, Targets};

/// What an edit changed, so a server can re-render only that.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Touched {
    /// Routes (with indexes after the edit) whose files changed or are new.
    pub routes: BTreeSet<Route>,
    /// Routes whose searchable text changed.
    pub searchable: Vec<Route>,
}

/// The routes that list what moved: any future's numbers, record or
/// history may change them.
fn changes_routes() -> [Route; 3] {
    [Route::Home, Route::Changes, Route::ChangesFeed]
}

/// Why an edit cannot be applied incrementally.
pub(crate) enum Refresh {
    /// The files have errors; the site is unchanged.
    Invalid(Vec<Diagnostic>),
    /// The edit reaches too far (a new, renamed or deleted future, a page
    /// that became a post, an address that goes away…): rebuild everything.
    Rebuild,
}

/// A post's tags and linked futures, before and after an edit.
struct PostLinks {
    tag_slugs: HashSet<String>,
    futures: Vec<FutureIx>,
    tags_before: Vec<(String, Vec<PostIx>)>,
}

impl Site {
    /// Re-reads the post at `rel` (relative to the root) after an edit,
    /// and says which routes changed. A post that is deleted, drafted,
    /// moved to another address or loses a tag takes an address away that
    /// another page may link to: only a full build checks those links.
    pub(crate) fn refresh_post(&mut self, rel: &Path) -> Result<Touched, Refresh> {
        let new_page = match self.read_post(rel)? {
            Some(doc) => Some(self.render_post(doc)?),
            None => None,
        };
        let old = self
            .posts
            .iter()
            .position(|p| p.doc.file == rel)
            .map(PostIx);
        let Some(new_page) = new_page else {
            return match old {
                Some(_) => Err(Refresh::Rebuild),
                None => Ok(Touched::default()),
            };
        };
        if let Some(o) = old.map(|i| &self.posts[i])
            && (o.doc.path != new_page.doc.path || !tags_kept(&o.doc.tags, &new_page.doc.tags))
        {
            return Err(Refresh::Rebuild);
        }
        let mut t = Touched::default();
        t.routes.extend([Route::Home, Route::Atom]);
        let old_page = old.map(|i| self.posts.remove(i.get()));
        // The sitemap lists posts in order, with their dates: most edits
        // leave it as it was, and at 10,000 posts it is the costliest page
        // to redo.
        let day = |p: &Page| p.doc.updated.or(p.doc.date).map(|d| d.day);
        let day_changed = old_page.as_ref().map(day) != Some(day(&new_page));
        let links = self.post_links(old_page.iter().chain([&new_page]));
        let pages_before = self.shape().post_pages();
        self.sources
            .insert(new_page.doc.file.clone(), new_page.doc.path.clone());
        let new = self.insert_post(new_page);
        if day_changed || old != Some(new) {
            t.routes.insert(Route::Sitemap);
        }
        self.relink();
        t.searchable.push(Route::Post(new));
        self.touch_posts_around(old, new, pages_before, &mut t);
        self.touch_tag_pages(&links, old, new, &mut t);
        t.routes
            .extend(links.futures.iter().map(|&f| Route::Future(f)));
        self.add_new_routes(&mut t);
        Ok(t)
    }

    /// The tags and futures of a post's old and new versions, and every
    /// tag's posts before the edit.
    fn post_links<'p>(&self, versions: impl Iterator<Item = &'p Page> + Clone) -> PostLinks {
        PostLinks {
            tag_slugs: versions
                .clone()
                .flat_map(|p| p.doc.tags.iter().map(|t| kebab(t)))
                .collect(),
            futures: versions.flat_map(Page::discussed).collect(),
            tags_before: self
                .tags
                .iter()
                .map(|t| (t.slug.clone(), t.posts.clone()))
                .collect(),
        }
    }

    /// Renders the routes an edit added (a new post, list or tag page) and
    /// lets later edits link to them.
    fn add_new_routes(&mut self, t: &mut Touched) {
        let shape = self.shape();
        let new: Vec<(Route, String)> = shape
            .all()
            .into_iter()
            .map(|r| (r, shape.path(r)))
            .filter(|(_, path)| !self.routes.contains(path))
            .collect();
        for (route, path) in new {
            if route.in_sitemap() {
                t.routes.insert(Route::Sitemap);
            }
            t.routes.insert(route);
            self.routes.insert(path);
        }
    }

    /// The post at `rel` as it is now: `None` if it was deleted or is a
    /// draft left out of this build.
    fn read_post(&self, rel: &Path) -> Result<Option<Document>, Refresh> {
        if files::needs_walk(&self.root.join(rel)) {
            return Err(Refresh::Rebuild);
        }
        let Ok(text) = std::fs::read_to_string(self.root.join(rel)) else {
            return Ok(None);
        };
        let mut diags = Diagnostics::default();
        let doc = match content::parse(rel, &text, &mut diags) {
            Some(d) if d.kind == Kind::Post => d,
            Some(_) => return Err(Refresh::Rebuild),
            None => return Err(Refresh::Invalid(diags.into_sorted())),
        };
        if self
            .posts
            .iter()
            .any(|p| p.doc.path == doc.path && p.doc.file != rel)
        {
            return Err(Refresh::Rebuild);
        }
        Ok((self.options.drafts || !doc.draft).then_some(doc))
    }

    fn render_post(&self, doc: Document) -> Result<Page, Refresh> {
        let mut diags = Diagnostics::default();
        let targets = self.targets();
        let links = Links {
            base_path: self.config.base_url.path(),
            routes: &self.routes,
            refs: &targets,
            sources: &self.sources,
        };
        let rendered = markdown::render(&doc.body, &doc.file, doc.body_pos, &links, &mut diags);
        let futures: Vec<FutureIx> = doc
            .futures
            .iter()
            .filter_map(|r| self.graph.resolve(r, &doc.file, "futures", &mut diags))
            .collect();
        if diags.has_errors() {
            return Err(Refresh::Invalid(diags.into_sorted()));
        }
        Ok(Page {
            doc,
            rendered,
            futures,
        })
    }

    /// Puts `page` in its place among the posts (newest first, as a full
    /// load orders them: by date, then title, then file); returns it.
    fn insert_post(&mut self, page: Page) -> PostIx {
        let key = |p: &Page| {
            (
                std::cmp::Reverse(p.doc.date),
                p.doc.title.clone(),
                p.doc.file.clone(),
            )
        };
        let at = self.posts.partition_point(|p| key(p) < key(&page));
        self.posts.insert(at, page);
        PostIx(at)
    }

    /// Post pages around a post's old and new places (their newer/older
    /// links), and the list pages from the first place that moved to the
    /// last (every one when their number changed: each links the last).
    fn touch_posts_around(
        &self,
        old: Option<PostIx>,
        new: PostIx,
        pages_before: usize,
        t: &mut Touched,
    ) {
        let per = self.config.posts_per_page;
        let len = self.posts.len();
        t.routes.extend(
            old.iter()
                .chain([&new])
                .flat_map(|&x| [x.get().wrapping_sub(1), x.get(), x.get() + 1])
                .filter(|&x| x < len)
                .map(|x| Route::Post(PostIx(x))),
        );
        let last = self.shape().post_pages();
        let (lo, hi) = match old.map(PostIx::get) {
            _ if last != pages_before => (0, len.max(1) - 1),
            Some(a) => (a.min(new.get()), a.max(new.get())),
            None => (new.get(), len.max(new.get() + 1) - 1),
        };
        let (first, upto) = (
            PageNo::holding(lo, per),
            PageNo::holding(hi, per).get().min(last),
        );
        t.routes.extend(
            PageNo::up_to(upto)
                .filter(|&n| n >= first)
                .map(Route::PostList),
        );
    }

    /// The tag pages a post's edit changed: every one when the set of tags
    /// changed, else those of the post's tags (before or after).
    fn touch_tag_pages(
        &self,
        links: &PostLinks,
        old: Option<PostIx>,
        new: PostIx,
        t: &mut Touched,
    ) {
        let per = self.config.posts_per_page;
        let before = &links.tags_before;
        let renamed = before.len() != self.tags.len()
            || before
                .iter()
                .zip(&self.tags)
                .any(|((s, _), t)| *s != t.slug);
        if renamed {
            t.routes.insert(Route::Tags);
            for (k, tag) in TagIx::all(self.tags.len()).zip(&self.tags) {
                let n = routes::pages(tag.posts.len(), per);
                t.routes.extend(PageNo::up_to(n).map(|n| Route::Tag(k, n)));
            }
            return;
        }
        for (k, tag) in TagIx::all(self.tags.len()).zip(&self.tags) {
            // Another tag lists the same posts in the same order, though
            // their indexes may have moved.
            let was = &before[k.get()].1;
            if links.tag_slugs.contains(&tag.slug) || was.len() != tag.posts.len() {
                self.touch_tag(k, was, (old, new), t);
            }
        }
    }

    /// The pages of tag `k` (whose posts were `was`) that show the edited
    /// post, at its `places` before and after, or a post that moved (every
    /// page when their number changed: each links the last).
    fn touch_tag(
        &self,
        k: TagIx,
        was: &[PostIx],
        places: (Option<PostIx>, PostIx),
        t: &mut Touched,
    ) {
        let per = self.config.posts_per_page;
        let now = &self.tags[k].posts;
        if was.len() != now.len() {
            t.routes.insert(Route::Tags);
        }
        // Compared by where each post is now: the indexes between the
        // edited post's two places shifted by one.
        let was: Vec<PostIx> = was.iter().map(|&x| index_after(x, places)).collect();
        let last = routes::pages(now.len(), per);
        let edited = |posts: &[PostIx]| posts.iter().position(|&p| p == places.1);
        let shown = places
            .0
            .and_then(|_| edited(&was))
            .into_iter()
            .chain(edited(now));
        t.routes.extend(
            shown
                .map(|i| PageNo::holding(i, per))
                .filter(|n| n.get() <= last)
                .map(|n| Route::Tag(k, n)),
        );
        let moved = if last == routes::pages(was.len(), per) {
            was.iter()
                .zip(now)
                .position(|(a, b)| a != b)
                .or((was.len() != now.len()).then(|| was.len().min(now.len())))
        } else {
            Some(0)
        };
        if let Some(first) = moved.map(|m| PageNo::holding(m, per)) {
            t.routes.extend(
                PageNo::up_to(last)
                    .filter(|&n| n >= first)
                    .map(|n| Route::Tag(k, n)),
            );
        }
    }

    /// Reads the estimates' history again after a commit (or a checkout:
    /// `HEAD` moved), and says which future pages show another one.
    pub(crate) fn refresh_history(&mut self) -> Touched {
        let (history, report) = history::read(&self.root, true);
        self.trend = std::sync::OnceLock::new();
        let mut t = Touched::default();
        for (i, e) in FutureIx::all(self.futures.len()).zip(&mut self.futures) {
            let now = history.of(e.future.id.as_str());
            if e.estimates != now {
                e.estimates = now.to_vec();
                // The track record scores the estimates as committed.
                t.routes
                    .extend([Route::Future(i), Route::FutureFeed(i), Route::TrackRecord]);
                t.routes.extend(changes_routes());
            }
        }
        // The cards' sparklines (hover cards and embeds) follow the
        // estimates' history, through the graph to futures and bets whose
        // pages do not show it.
        if !t.routes.is_empty() {
            t.routes.extend(
                FutureIx::all(self.futures.len()).flat_map(|i| Route::Future(i).companions()),
            );
            t.routes
                .extend(BetIx::all(self.bets.len()).flat_map(|b| Route::Bet(b).companions()));
        }
        if history.added != self.added {
            self.added = history.added.clone();
            t.routes.extend(changes_routes());
        }
        if let Some(old) = self.history.warning() {
            self.found.retain(|d| *d != old);
        }
        self.found.extend(report.warning());
        self.history = report;
        t
    }

    /// Re-reads the future at `rel` after an edit, recomputes the graph's
    /// numbers, and says which routes changed. New, renamed and deleted
    /// futures, and edits of a future's tags or markets, need a full rebuild.
    pub(crate) fn refresh_future(&mut self, rel: &Path) -> Result<Touched, Refresh> {
        let Some(i) = self
            .futures
            .iter()
            .position(|e| e.future.file == rel)
            .map(FutureIx)
        else {
            return Err(Refresh::Rebuild);
        };
        let (future, summary, record) = self.read_future(i, rel)?;
        let mut all: Vec<Future> = self.futures.iter().map(|e| e.future.clone()).collect();
        let edges_changed = targets(&all[i]) != targets(&future);
        all[i] = future;
        let mut diags = Diagnostics::default();
        let ids: HashSet<String> = all.iter().map(|f| f.id.to_string()).collect();
        let graph = Graph::build(&all, &ids, &mut diags);
        if diags.has_errors() {
            return Err(Refresh::Invalid(diags.into_sorted()));
        }
        let before: Vec<Card> = self.futures.iter().map(card).collect();
        let bets_before: Vec<BetNumbers> = self.bets.iter().map(bet_numbers).collect();
        // The cards' sparklines replay the past through today's graph and
        // files, so an edit can move them where today's numbers stay put.
        let trend_before = self.trend.take().unwrap_or_else(|| self.compute_trend());
        let mut touched: HashSet<FutureIx> = neighbours(&self.graph, i).into_iter().collect();
        self.graph = graph;
        for (e, f) in self.futures.iter_mut().zip(all) {
            e.future = f;
        }
        self.futures[i].summary = summary;
        self.futures[i].record = record;
        self.recompute();
        if edges_changed {
            self.find_forks();
        }
        let changed: Vec<FutureIx> = FutureIx::all(self.futures.len())
            .filter(|&f| f == i || card(&self.futures[f]) != before[f])
            .collect();
        touched.extend(neighbours(&self.graph, i));
        for &f in &changed {
            touched.insert(f);
            touched.extend(neighbours(&self.graph, f));
        }
        let mut t = Touched::default();
        t.routes.extend([
            Route::Home,
            Route::Bets,
            Route::BetsMatrix,
            Route::GraphJson,
            Route::Summaries,
            Route::TrackRecord,
        ]);
        t.routes.extend(touched.into_iter().map(Route::Future));
        t.routes.insert(Route::FutureFeed(i));
        t.routes.extend(changes_routes());
        t.searchable.push(Route::Future(i));
        self.touch_dependents(&changed, &bets_before, &mut t);
        let (futures, bets) = self.trend().differing(&trend_before);
        t.routes.extend(
            futures
                .into_iter()
                .flat_map(|f| Route::Future(f).companions()),
        );
        t.routes
            .extend(bets.into_iter().flat_map(|b| Route::Bet(b).companions()));
        Ok(t)
    }

    /// The future `i` as its file at `rel` now says, with its summary and
    /// record rendered, if the edit can be applied without a full rebuild.
    fn read_future(
        &self,
        i: FutureIx,
        rel: &Path,
    ) -> Result<(Future, markdown::Rendered, RecordText), Refresh> {
        if files::needs_walk(&self.root.join(rel)) {
            return Err(Refresh::Rebuild);
        }
        let text = std::fs::read_to_string(self.root.join(rel)).map_err(|_| Refresh::Rebuild)?;
        let mut diags = Diagnostics::default();
        let Some(future) = futures::parse(rel, &text, &mut diags) else {
            return Err(Refresh::Invalid(diags.into_sorted()));
        };
        let old = &self.futures[i].future;
        let refs = |f: &Future| {
            f.markets
                .iter()
                .map(|m| m.value.clone())
                .collect::<Vec<_>>()
        };
        if future.id != old.id || refs(&future) != refs(old) || future.tags != old.tags {
            return Err(Refresh::Rebuild);
        }
        let targets = self.targets();
        let links = Links {
            base_path: self.config.base_url.path(),
            routes: &self.routes,
            refs: &targets,
            sources: &self.sources,
        };
        let summary = markdown::render(
            &future.summary,
            &future.file,
            future.summary_pos,
            &links,
            &mut diags,
        );
        let today = self
            .options
            .today()
            .map_err(|d| Refresh::Invalid(vec![d]))?;
        let record = record_text(&future, &links, today, &mut diags);
        if diags.has_errors() {
            return Err(Refresh::Invalid(diags.into_sorted()));
        }
        Ok((future, summary, record))
    }

    /// The bets, posts, tag pages and table pages that show one of the
    /// `changed` futures, or whose payoff or swings moved.
    fn touch_dependents(&self, changed: &[FutureIx], bets_before: &[BetNumbers], t: &mut Touched) {
        let shows_changed = |fs: &[FutureIx]| fs.iter().any(|f| changed.contains(f));
        // Futures and tag pages list the bets that win or lose there, with
        // their payoffs.
        let (listed, moved) = self.touch_bets(changed, bets_before, t);
        t.routes.extend(listed.iter().map(|&f| Route::Future(f)));
        self.touch_references(changed, &moved, t);
        t.routes.extend(
            PostIx::all(self.posts.len())
                .filter(|&p| shows_changed(&self.posts[p].futures))
                .map(Route::Post),
        );
        t.routes.extend(
            TagIx::all(self.tags.len())
                .filter(|&k| {
                    let shown = &self.tags[k].futures;
                    shows_changed(shown) || shown.iter().any(|f| listed.contains(f))
                })
                .map(|k| Route::Tag(k, PageNo::FIRST)),
        );
        t.routes.insert(Route::Futures(PageNo::FIRST));
        t.routes.extend(
            self.futures_by_title()
                .iter()
                .enumerate()
                .filter(|(_, f)| changed.contains(f))
                .map(|(row, _)| Route::Futures(PageNo::holding(row, FUTURES_TABLE_PAGE))),
        );
    }

    /// The pages of bets that show a `changed` future or whose numbers
    /// moved; returns the futures where a bet whose numbers moved wins or
    /// loses, and those bets.
    fn touch_bets(
        &self,
        changed: &[FutureIx],
        bets_before: &[BetNumbers],
        t: &mut Touched,
    ) -> (HashSet<FutureIx>, HashSet<BetIx>) {
        let shows_changed = |fs: &[FutureIx]| fs.iter().any(|f| changed.contains(f));
        let (mut listed, mut moved) = (HashSet::new(), HashSet::new());
        for (b, bet) in BetIx::all(self.bets.len()).zip(&self.bets) {
            if bets_before[b] != bet_numbers(bet) {
                listed.extend(bet.wins_if.iter().chain(&bet.loses_if).copied());
                moved.insert(b);
            }
            if moved.contains(&b) || shows_changed(&self.shown_on_bet(bet)) {
                t.routes.insert(Route::Bet(b));
            }
        }
        (listed, moved)
    }

    /// The posts (and their feed), pages, futures and bets whose Markdown
    /// references a `changed` future or a bet whose numbers `moved`: the
    /// title or number their references show changed (the home page, with
    /// its introduction, is touched by every future's edit).
    fn touch_references(&self, changed: &[FutureIx], moved: &HashSet<BetIx>, t: &mut Touched) {
        let hit = |h: &Html| {
            h.targets().any(|x| match x {
                Target::Future(f) => changed.contains(&f),
                Target::Bet(b) => moved.contains(&b),
            })
        };
        for (p, post) in PostIx::all(self.posts.len()).zip(&self.posts) {
            if hit(&post.rendered.html) {
                t.routes.extend([Route::Post(p), Route::Atom]);
            }
        }
        for (p, page) in PageIx::all(self.pages.len()).zip(&self.pages) {
            if hit(&page.rendered.html) {
                t.routes.insert(Route::Page(p));
            }
        }
        for (f, e) in FutureIx::all(self.futures.len()).zip(&self.futures) {
            let record = &e.record;
            let mut texts = std::iter::once(&e.summary)
                .chain(&record.resolves_when)
                .chain(record.notes.iter().flatten());
            if texts.any(|r| hit(&r.html)) {
                t.routes.insert(Route::Future(f));
            }
        }
        for (b, bet) in BetIx::all(self.bets.len()).zip(&self.bets) {
            if hit(&bet.argument.html) {
                t.routes.insert(Route::Bet(b));
            }
        }
    }

    /// The futures a bet's page shows: where it wins and loses, what moves
    /// it, and its essential fork with the fork's branches.
    fn shown_on_bet(&self, bet: &BetEntry) -> Vec<FutureIx> {
        let mut shown: Vec<FutureIx> = bet.wins_if.iter().chain(&bet.loses_if).copied().collect();
        shown.extend(bet.swings.iter().map(|w| w.future));
        if let Ok(fork) = bet.fork {
            shown.push(fork);
            shown.extend(self.graph.children(fork).into_iter().map(|(c, _)| c));
        }
        shown
    }

    /// The futures and bets `[[id]]` may name, as they are now.
    fn targets(&self) -> Targets {
        Targets::new(
            self.futures
                .iter()
                .map(|e| (e.future.id.as_str(), e.future.title.as_str())),
            self.bets
                .iter()
                .map(|b| (b.bet.id.as_str(), b.bet.title.as_str())),
        )
    }

    /// Rebuilds the links between posts and the futures they discuss, and
    /// the tags, after posts changed.
    fn relink(&mut self) {
        for e in &mut self.futures {
            e.posts.clear();
        }
        for (p, post) in PostIx::all(self.posts.len()).zip(&self.posts) {
            for f in post.discussed() {
                self.futures[f].posts.push(p);
            }
        }
        self.tags = collect_tags(
            self.posts.iter().map(|p| p.doc.tags.as_slice()),
            self.futures.iter().map(|e| e.future.tags.as_slice()),
        );
    }
}

/// Where the post at `x` before an edit is after it, when the edited post
/// went from `old` (if it was there) to `new` and the others closed up
/// behind it and made room for it.
fn index_after(x: PostIx, (old, new): (Option<PostIx>, PostIx)) -> PostIx {
    if Some(x) == old {
        return new;
    }
    let closed = x.get() - usize::from(old.is_some_and(|o| x.get() > o.get()));
    PostIx(closed + usize::from(closed >= new.get()))
}

/// Whether every tag of `old` is among `new`'s (by slug): a tag that goes
/// may take its pages away.
fn tags_kept(old: &[String], new: &[String]) -> bool {
    let new: HashSet<String> = new.iter().map(|t| kebab(t)).collect();
    old.iter().all(|t| new.contains(&kebab(t)))
}

/// What a bet's page shows that the graph decides: its payoff, what moves
/// it and its essential fork.
type BetNumbers = (
    Payoff,
    Vec<Swing>,
    Option<crate::model::graph::Verdict>,
    Result<FutureIx, NoFork>,
);

fn bet_numbers(b: &BetEntry) -> BetNumbers {
    (b.payoff, b.swings.clone(), b.verdict, b.fork)
}

/// What a future's card shows of it: when it changes, every page showing
/// the card is re-rendered.
type Card = (
    String,
    Option<super::Own>,
    super::Settled,
    crate::model::graph::Computed,
);

fn card(e: &FutureEntry) -> Card {
    (e.future.title.clone(), e.own, e.settled, e.computed)
}

fn targets(f: &Future) -> Vec<futures::FutureId> {
    f.leads_to.iter().map(|e| e.target.value.clone()).collect()
}

/// The futures whose pages show future `f`: parents, children, group, members.
fn neighbours(g: &Graph, f: FutureIx) -> Vec<FutureIx> {
    let mut v: Vec<FutureIx> = g
        .parents(f)
        .into_iter()
        .chain(g.children(f))
        .map(|(x, _)| x)
        .collect();
    v.extend(g.group(f));
    v.extend_from_slice(g.members(f));
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn after(xs: &[usize], old: Option<usize>, new: usize) -> Vec<usize> {
        xs.iter()
            .map(|&x| index_after(PostIx(x), (old.map(PostIx), PostIx(new))).get())
            .collect()
    }

    #[test]
    fn posts_keep_their_order_around_the_edited_one_wherever_it_goes() {
        // Post 1 of 0..5 moves to the end: 2, 3, 4 close up behind it.
        assert_eq!(after(&[0, 1, 2, 3, 4], Some(1), 4), [0, 4, 1, 2, 3]);
        // Post 3 moves to the front: 0, 1, 2 make room.
        assert_eq!(after(&[0, 1, 2, 3, 4], Some(3), 0), [1, 2, 3, 0, 4]);
        // A new post at 2: everything from 2 on makes room.
        assert_eq!(after(&[0, 1, 2, 3], None, 2), [0, 1, 3, 4]);
        // The same place: nothing moves.
        assert_eq!(after(&[0, 1, 2], Some(1), 1), [0, 1, 2]);
    }
}
