//! One function per kind of page: each gathers what its template shows
//! into a context. [`Renderer::page`] picks the function for a route.

use serde::Serialize;
use tera::Context;

use super::changes::{self as moved, ChangeView};
use super::community::{self, CommunityView};
use super::embed::Subject;
use super::views::{self, FutureCard, PostCard, TagLink, toc};
use super::{RenderError, Renderer};
use crate::model::site::Settled;
use crate::model::site::{BINS, CHART_FROM, Forecaster, LEAD_DAYS, TrackRecord};
use crate::model::stakes;
use crate::output::OutputFile;
use crate::render::format::{self, percent};
use crate::render::{calibration, chart};
use crate::routes::{
    self, BetIx, FUTURES_TABLE_PAGE, FutureIx, PageIx, PageNo, PostIx, Route, TagIx,
};
use crate::source::record::{Direction, Outcome};

/// How many posts the home page shows, and bets of each kind.
const LATEST: usize = 5;
const HOME_BETS_PER_KIND: usize = 3;
/// How many members of each top-level group the home page names.
const HOME_MEMBERS_PER_GROUP: usize = 6;
/// How many posts the feed carries.
const FEED_ENTRIES: usize = 20;
/// How many of the latest changes the home page lists.
const HOME_CHANGES: usize = 5;

impl Renderer<'_> {
    /// Renders the page of `route` through its template.
    pub(super) fn page(&self, route: Route) -> Result<OutputFile, RenderError> {
        let (template, ctx) = match route {
            Route::Home => ("index.html", self.home()),
            Route::PostList(n) => ("posts.html", self.post_list(n)),
            Route::Post(i) => ("post.html", self.post_page(i)),
            Route::Page(i) => ("page.html", self.page_page(i)),
            Route::Tags => ("tags.html", self.tags()),
            Route::Tag(t, n) => ("tag.html", self.tag(t, n)),
            Route::Futures(n) => ("futures.html", self.futures(n)),
            Route::Future(i) => ("future.html", self.future(i)),
            Route::Bets => ("bets.html", self.bets()),
            Route::BetsMatrix => ("bets_matrix.html", self.bets_matrix()),
            Route::Bet(i) => ("bet.html", self.bet(i)),
            Route::Search => ("search.html", self.search()),
            Route::TrackRecord => ("track_record.html", self.track_record()),
            Route::NotFound => ("404.html", self.not_found()),
            Route::Atom => ("atom.xml", self.atom()),
            Route::Changes => ("changes.html", self.changes_page()),
            Route::ChangesFeed => ("atom.xml", self.changes_feed()),
            Route::FutureFeed(i) => ("atom.xml", self.future_feed(i)),
            Route::Sitemap => ("sitemap.xml", self.sitemap()),
            Route::GraphJson
            | Route::Summaries
            | Route::SyntaxCss
            | Route::Spreadsheet
            | Route::FutureEmbed(_)
            | Route::FutureOembed(_)
            | Route::BetEmbed(_)
            | Route::BetOembed(_)
            | Route::FutureCard(_)
            | Route::BetCard(_) => {
                return self.file(route);
            }
        };
        let path = self.shape.file(route);
        let text = self
            .tera
            .render(template, &ctx)
            .map_err(|e| self.template_error(template, Some(path.as_str()), Some(&ctx), &e))?;
        Ok(OutputFile {
            path,
            bytes: text.into_bytes(),
        })
    }

    fn home(&self) -> Context {
        let s = self.site;
        let mut ctx = self.context(Route::Home, &s.config.title, "", "home");
        ctx.insert(
            "intro",
            &s.home.as_ref().map(|h| self.html(&h.rendered.html)),
        );
        ctx.insert(
            "highlighted",
            &s.home.as_ref().is_some_and(|h| h.rendered.highlighted),
        );
        let latest: Vec<&PostCard> = PostIx::all(s.posts.len().min(LATEST))
            .map(|i| self.post(i))
            .collect();
        ctx.insert("posts", &latest);
        ctx.insert("groups", &self.top_level(HOME_MEMBERS_PER_GROUP));
        ctx.insert("kinds", &self.bets_by_kind(HOME_BETS_PER_KIND));
        ctx.insert("future_count", &s.futures.len());
        let start = self.changes.start;
        let latest: Vec<ChangeView> = self
            .changes
            .items
            .iter()
            .filter(|it| !moved::is_consequence(it))
            .take(HOME_CHANGES)
            .map(|it| self.change_view(it, start))
            .collect();
        ctx.insert("changes", &latest);
        ctx
    }

    fn post_list(&self, n: PageNo) -> Context {
        let s = self.site;
        let per = s.config.posts_per_page;
        let title = match n.get() {
            1 => "Posts".to_string(),
            n => format!("Posts — page {n}"),
        };
        let mut ctx = self.context(Route::PostList(n), &title, "", "posts");
        let cards: Vec<&PostCard> = PostIx::all(s.posts.len())
            .skip((n.get() - 1) * per)
            .take(per)
            .map(|i| self.post(i))
            .collect();
        ctx.insert("posts", &cards);
        let total = self.shape.post_pages();
        ctx.insert("paginator", &self.paginator(n, total, Route::PostList));
        ctx
    }

    fn post_page(&self, i: PostIx) -> Context {
        let s = self.site;
        let p = &s.posts[i];
        let card = self.post(i);
        let mut ctx = self.context(Route::Post(i), &p.doc.title, &card.summary, "posts");
        ctx.insert("og_type", "article");
        ctx.insert("post", card);
        ctx.insert("content", &self.html(&p.rendered.html));
        ctx.insert("highlighted", &p.rendered.highlighted);
        ctx.insert("toc", &toc(&p.rendered.toc));
        ctx.insert("futures", &self.future_cards(&p.futures));
        let newer = i.get().checked_sub(1).map(PostIx);
        let older = Some(PostIx(i.get() + 1)).filter(|o| o.get() < s.posts.len());
        ctx.insert("newer", &newer.map(|j| self.post(j)));
        ctx.insert("older", &older.map(|j| self.post(j)));
        ctx.insert("edit_url", &self.edit_url(&p.doc.file));
        ctx.insert("discuss_url", &self.discuss_url(&p.doc.title));
        ctx
    }

    fn page_page(&self, i: PageIx) -> Context {
        let p = &self.site.pages[i];
        let summary = p.doc.summary.as_deref().unwrap_or(&p.rendered.summary);
        let mut ctx = self.context(Route::Page(i), &p.doc.title, summary, "page");
        ctx.insert("page", &self.post_card(p));
        ctx.insert("content", &self.html(&p.rendered.html));
        ctx.insert("highlighted", &p.rendered.highlighted);
        ctx.insert("toc", &toc(&p.rendered.toc));
        ctx.insert("edit_url", &self.edit_url(&p.doc.file));
        ctx.insert("discuss_url", &self.discuss_url(&p.doc.title));
        ctx
    }

    fn tags(&self) -> Context {
        #[derive(Serialize)]
        struct TagView<'t> {
            name: &'t str,
            url: String,
            posts: usize,
            futures: usize,
        }
        let mut ctx = self.context(Route::Tags, "Tags", "", "tags");
        let tags: Vec<TagView> = TagIx::all(self.site.tags.len())
            .zip(&self.site.tags)
            .map(|(t, tag)| TagView {
                name: &tag.name,
                url: self.route_url(Route::Tag(t, PageNo::FIRST)),
                posts: tag.posts.len(),
                futures: tag.futures.len(),
            })
            .collect();
        ctx.insert("tags", &tags);
        ctx
    }

    fn tag(&self, t: TagIx, n: PageNo) -> Context {
        let tag = &self.site.tags[t];
        let per = self.site.config.posts_per_page;
        let title = format!("Tagged “{}”", tag.name);
        let mut ctx = self.context(Route::Tag(t, n), &title, "", "tags");
        let link = TagLink {
            name: tag.name.clone(),
            url: self.route_url(Route::Tag(t, PageNo::FIRST)),
        };
        ctx.insert("tag", &link);
        let cards: Vec<&PostCard> = tag
            .posts
            .iter()
            .skip((n.get() - 1) * per)
            .take(per)
            .map(|&p| self.post(p))
            .collect();
        ctx.insert("posts", &cards);
        let first = n == PageNo::FIRST;
        let futures: Vec<FutureCard> = match first {
            true => self.future_cards(&tag.futures),
            false => Vec::new(),
        };
        ctx.insert("futures", &futures);
        let bets = match first {
            true => self.bet_cards(&self.bets_on(&tag.futures)),
            false => Vec::new(),
        };
        ctx.insert("bets", &bets);
        let total = self.shape.tag_pages(t);
        ctx.insert("paginator", &self.paginator(n, total, |k| Route::Tag(t, k)));
        ctx
    }

    /// The map, and page `n` of the table of futures.
    fn futures(&self, n: PageNo) -> Context {
        #[derive(Serialize)]
        struct Row<'r> {
            future: FutureCard,
            group: Option<&'r str>,
            bets: usize,
            community: Option<CommunityView>,
        }
        let s = self.site;
        let title = match n.get() {
            1 => "Futures".to_string(),
            n => format!("Futures — table, page {n}"),
        };
        let description = "Every future on the map, with its probability and where it comes from.";
        let mut ctx = self.context(Route::Futures(n), &title, description, "futures");
        let rows: Vec<Row> = self
            .by_title
            .iter()
            .skip((n.get() - 1) * FUTURES_TABLE_PAGE)
            .take(FUTURES_TABLE_PAGE)
            .map(|&i| Row {
                future: self.future_card(i, None),
                group: s.graph.group(i).map(|g| s.futures[g].future.title.as_str()),
                bets: s.futures[i].bets_win.len() + s.futures[i].bets_lose.len(),
                community: community::view(s, &self.shape, Route::Future(i)),
            })
            .collect();
        ctx.insert("has_votes", &s.community.is_some());
        // The legend explains ✓ and ✗ where some future resolved; the
        // browser's map adds the same key only where this one has none.
        ctx.insert(
            "has_resolved",
            &s.futures.iter().any(|e| e.future.resolved.is_some()),
        );
        ctx.insert("votes_as_of", &community::as_of(s));
        if n == PageNo::FIRST {
            ctx.insert("map", &self.map);
        }
        ctx.insert("rows", &rows);
        let total = self.shape.future_pages();
        ctx.insert("paginator", &self.paginator(n, total, Route::Futures));
        ctx
    }

    fn future(&self, i: FutureIx) -> Context {
        let s = self.site;
        let e = &s.futures[i];
        let f = &e.future;
        let mut ctx = self.context(Route::Future(i), &f.title, &e.summary.summary, "futures");
        ctx.insert("future", &self.future_card(i, None));
        ctx.insert("summary", &self.html(&e.summary.html));
        ctx.insert("highlighted", &e.summary.highlighted);
        ctx.insert(
            "group",
            &s.graph.group(i).map(|g| self.future_card(g, None)),
        );
        ctx.insert("members", &self.future_cards(s.graph.members(i)));
        let with_edges = |list: Vec<(FutureIx, f64)>| -> Vec<FutureCard> {
            list.into_iter()
                .map(|(x, w)| self.future_card(x, Some(w)))
                .collect()
        };
        ctx.insert("parents", &with_edges(s.graph.parents(i)));
        ctx.insert("children", &with_edges(s.graph.children(i)));
        ctx.insert("bets_win", &self.bet_cards(&e.bets_win));
        ctx.insert("bets_lose", &self.bet_cards(&e.bets_lose));
        let posts: Vec<&PostCard> = e.posts.iter().map(|&p| self.post(p)).collect();
        ctx.insert("posts", &posts);
        ctx.insert("sources", &f.sources);
        ctx.insert("tags", &self.tag_links(&f.tags));
        ctx.insert("markets", &self.market_views(i));
        ctx.insert("chart", &self.history_chart(i));
        self.insert_record(&mut ctx, i);
        ctx.insert("estimate_changes", &estimate_changes(e));
        ctx.insert("feed_url", &self.route_url(Route::FutureFeed(i)));
        ctx.insert("embed", &self.embed_links(Subject::Future(i)));
        ctx.insert("edit_url", &self.edit_url(&f.file));
        ctx.insert("discuss_url", &self.discuss_url(&f.title));
        self.insert_community(&mut ctx, Route::Future(i));
        ctx
    }

    /// Future `i`'s record: how it resolves, how it was settled (by its own
    /// resolution or another's), what resolutions upstream did to its
    /// number, and its evidence, newest first.
    fn insert_record(&self, ctx: &mut Context, i: FutureIx) {
        #[derive(Serialize)]
        struct ResolutionView<'r> {
            outcome: &'static str,
            mark: &'static str,
            /// "Happened on 1 March 2026".
            display: String,
            source: &'r str,
        }
        #[derive(Serialize)]
        struct SettledBy {
            outcome: &'static str,
            mark: &'static str,
            by: FutureCard,
            /// What links the two, ending the sentence "“X” happened, …".
            why: &'static str,
        }
        #[derive(Serialize)]
        struct Moved {
            /// What its markets or author said: "market 40%".
            own: String,
            shown: String,
        }
        #[derive(Serialize)]
        struct EvidenceView<'r> {
            date: String,
            date_display: String,
            /// `for` or `against`: its class in the theme.
            direction: &'static str,
            mark: &'static str,
            words: &'static str,
            title: &'r str,
            url: &'r str,
            note: Option<std::borrow::Cow<'r, str>>,
        }
        let s = self.site;
        let e = &s.futures[i];
        let f = &e.future;
        ctx.insert(
            "resolves_when",
            &e.record.resolves_when.as_ref().map(|r| self.html(&r.html)),
        );
        ctx.insert(
            "resolution",
            &f.resolved.as_ref().map(|r| ResolutionView {
                outcome: r.outcome.as_str(),
                mark: format::mark(r.outcome == Outcome::Happened),
                display: format::resolution(r),
                source: &r.source,
            }),
        );
        let settled_by = match e.settled {
            Settled::Fixed { outcome, by } if by != i => {
                let happened = outcome == Outcome::Happened;
                let why = match (happened, s.graph.parents(by).as_slice()) {
                    (true, [(p, _)]) if *p == i => "and this is its only parent",
                    (true, _) => "and it can only come about through this",
                    (false, [(p, _)]) if s.graph.children(*p).iter().any(|&(c, _)| c == i) => {
                        "and this is another branch of its fork"
                    }
                    (false, _) => "and this is another branch of a fork on its only path",
                };
                Some(SettledBy {
                    outcome: outcome.as_str(),
                    mark: format::mark(happened),
                    by: self.future_card(by, None),
                    why,
                })
            }
            _ => None,
        };
        ctx.insert("settled_by", &settled_by);
        let moved = views::visible_move(e).map(|(own, v)| Moved {
            own: format!(
                "{} {}",
                views::source_label(Some(own)),
                percent(Some(own.value))
            ),
            shown: percent(Some(v)),
        });
        ctx.insert("moved", &moved);
        let mut order: Vec<usize> = (0..f.evidence.len()).collect();
        order.sort_by_key(|&k| std::cmp::Reverse(f.evidence[k].date.value));
        let evidence: Vec<EvidenceView> = order
            .into_iter()
            .map(|k| {
                let ev = &f.evidence[k];
                let (mark, words) = format::direction(ev.direction);
                EvidenceView {
                    date: ev.date.value.to_string(),
                    date_display: format::long_date(ev.date.value),
                    direction: ev.direction.as_str(),
                    mark,
                    words,
                    title: &ev.title,
                    url: &ev.url,
                    note: e
                        .record
                        .notes
                        .get(k)
                        .and_then(|n| n.as_ref())
                        .map(|n| self.html(&n.html)),
                }
            })
            .collect();
        ctx.insert("evidence", &evidence);
    }

    /// Future `i`'s markets as its page lists them.
    fn market_views(&self, i: FutureIx) -> Vec<impl Serialize + '_> {
        #[derive(Serialize)]
        struct MarketView<'m> {
            reference: String,
            title: Option<&'m str>,
            url: String,
            value: Option<f64>,
            display: String,
            status: Option<String>,
            as_of: Option<String>,
            stale: bool,
        }
        self.site.futures[i]
            .markets
            .iter()
            .map(|(r, o)| MarketView {
                reference: r.to_string(),
                title: o.title.as_deref(),
                url: o.url.clone().unwrap_or_else(|| r.url()),
                value: o.value,
                display: o
                    .value
                    .map_or_else(|| "unavailable".to_string(), |v| percent(Some(v))),
                status: o.status.as_ref().map(|s| s.label()),
                as_of: o.as_of.map(|d| d.to_string()),
                stale: o.stale,
            })
            .collect()
    }

    /// The history chart of future `i`'s markets and estimate, if any.
    fn history_chart(&self, i: FutureIx) -> Option<String> {
        let e = &self.site.futures[i];
        let series: Vec<chart::Series> = e
            .markets
            .iter()
            .filter(|(_, o)| !o.history.is_empty())
            .map(|(r, o)| chart::Series {
                label: r.to_string(),
                points: o.history.clone(),
            })
            .collect();
        let estimate = chart::Estimate {
            changes: e
                .estimates
                .iter()
                .map(|c| (c.date, c.value.map(|p| p.get())))
                .collect(),
            current: e.future.estimate.map(|p| p.get()),
            today: self.site.today,
        };
        let evidence: Vec<chart::Mark> = e
            .future
            .evidence
            .iter()
            .map(|x| chart::Mark {
                date: x.date.value,
                up: x.direction == Direction::For,
            })
            .collect();
        chart::history(
            &format!("Probability of “{}” over time", e.future.title),
            &series,
            &estimate,
            &evidence,
        )
    }

    /// The bar chart of what moves bet `i`, if anything does.
    fn swing_chart(&self, i: BetIx) -> Option<String> {
        let s = self.site;
        let b = &s.bets[i];
        let bars: Vec<chart::Bar> = b
            .swings
            .iter()
            .map(|w| {
                let e = &s.futures[w.future];
                chart::Bar {
                    label: e.future.title.clone(),
                    url: self.url(&routes::future(e.future.id.as_str())),
                    value: w.swing,
                    display: format::swing(w.swing),
                }
            })
            .collect();
        chart::bars(&format!("What moves “{}”", b.bet.title), &bars)
    }

    fn bets(&self) -> Context {
        let description = "Bets placed on the futures, with their chance of paying off.";
        let mut ctx = self.context(Route::Bets, "Bets", description, "bets");
        ctx.insert("kinds", &self.bets_by_kind(usize::MAX));
        ctx.insert("stakes", &self.stake_totals());
        ctx
    }

    /// What the site's bets put at stake together, where any has a stake:
    /// the open ones' stakes and expected values, the settled ones' returns.
    fn stake_totals(&self) -> Option<StakeTotals> {
        let currency = self.site.config.currency.as_ref();
        let staked: Vec<&crate::model::site::BetEntry> = self
            .site
            .bets
            .iter()
            .filter(|b| b.bet.stake.is_some())
            .collect();
        if staked.is_empty() {
            return None;
        }
        let (settled, open): (Vec<&crate::model::site::BetEntry>, Vec<_>) =
            staked.iter().partition(|b| b.verdict.is_some());
        let sum = stakes::total(open.iter().filter_map(|b| b.expected()));
        let returned: f64 = settled.iter().filter_map(|b| b.returned()).sum();
        let at_stake: f64 = open
            .iter()
            .filter_map(|b| b.bet.stake.map(|s| s.amount()))
            .sum();
        Some(StakeTotals {
            open: open.len(),
            at_stake: format::money(at_stake, currency, false),
            expected: format::amount(sum.known, currency),
            unknown: sum.unknown,
            settled: settled.len(),
            returned: format::money(returned, currency, true),
        })
    }

    fn bets_matrix(&self) -> Context {
        let description = "Every bet against every future it wins or loses in.";
        let mut ctx = self.context(
            Route::BetsMatrix,
            "Bets across futures",
            description,
            "bets",
        );
        ctx.insert("matrix", &self.matrix());
        ctx
    }

    fn bet(&self, i: BetIx) -> Context {
        let s = self.site;
        let b = &s.bets[i];
        let mut ctx = self.context(Route::Bet(i), &b.bet.title, b.summary(), "bets");
        ctx.insert("og_type", "article");
        ctx.insert("bet", &self.bet_card(i));
        ctx.insert("swings", &self.swing_chart(i));
        ctx.insert("fragment", &crate::render::map::bet_fragment(s, i));
        ctx.insert(
            "essential_fork",
            &b.fork.ok().map(|f| self.future_card(f, None)),
        );
        ctx.insert("no_fork", &b.fork.err().map(|why| self.no_fork(i, why)));
        ctx.insert("content", &self.html(&b.argument.html));
        ctx.insert("highlighted", &b.argument.highlighted);
        ctx.insert("wins_if", &self.future_cards(&b.wins_if));
        ctx.insert("loses_if", &self.future_cards(&b.loses_if));
        ctx.insert("edit_url", &self.edit_url(&b.bet.file));
        ctx.insert("discuss_url", &self.discuss_url(&b.bet.title));
        ctx.insert("embed", &self.embed_links(Subject::Bet(i)));
        self.insert_community(&mut ctx, Route::Bet(i));
        ctx
    }

    fn search(&self) -> Context {
        let description = "Search the posts, futures and bets.";
        self.context(Route::Search, "Search", description, "search")
    }

    /// How each source did on the resolved futures: its Brier score, the
    /// calibration chart (once [`CHART_FROM`] futures resolved) and every
    /// resolved future with each source's forecast.
    fn track_record(&self) -> Context {
        #[derive(Serialize)]
        struct Row {
            id: String,
            title: String,
            url: String,
            on: String,
            iso: String,
            outcome: &'static str,
            words: &'static str,
            mark: &'static str,
            forecasts: Vec<String>,
        }
        let s = self.site;
        let record = s.track_record();
        let description = "How each source forecast the futures that resolved: Brier scores, calibration, and every forecast.";
        let mut ctx = self.context(
            Route::TrackRecord,
            "Track record",
            description,
            "track-record",
        );
        let rows: Vec<Row> = record
            .resolved
            .iter()
            .map(|r| {
                let f = &s.futures[r.future].future;
                Row {
                    id: f.id.to_string(),
                    title: f.title.clone(),
                    url: self.route_url(Route::Future(r.future)),
                    on: format::long_date(r.on),
                    iso: r.on.to_string(),
                    outcome: r.outcome.as_str(),
                    words: format::outcome_words(r.outcome),
                    mark: format::mark(r.outcome == Outcome::Happened),
                    forecasts: r.forecasts.iter().map(|&p| percent(p)).collect(),
                }
            })
            .collect();
        ctx.insert("sources", &source_rows(&record));
        ctx.insert("rows", &rows);
        ctx.insert("lead_days", &LEAD_DAYS);
        ctx.insert("chart_from", &CHART_FROM);
        if record.charted() {
            let (chart, bins) = calibration(&record);
            let names: Vec<&str> = CHARTED
                .iter()
                .map(|&(f, _)| format::forecaster(f))
                .collect();
            ctx.insert("charted", &names);
            ctx.insert("chart", &chart);
            ctx.insert("bins", &bins);
        }
        ctx
    }

    fn not_found(&self) -> Context {
        self.context(Route::NotFound, "Page not found", "", "404")
    }

    /// The posts' feed.
    fn atom(&self) -> Context {
        let s = self.site;
        let stamp = |d: Option<crate::source::dates::PostDate>| d.map(|d| d.instant.to_string());
        let entries: Vec<FeedEntry> = s
            .posts
            .iter()
            .zip(PostIx::all(self.site.posts.len()))
            .take(FEED_ENTRIES)
            .map(|(p, i)| {
                let post = self.post(i);
                let published = stamp(p.doc.date).unwrap_or_default();
                FeedEntry {
                    title: post.title.clone(),
                    url: post.permalink.clone(),
                    id: post.permalink.clone(),
                    updated: stamp(p.doc.updated).unwrap_or_else(|| published.clone()),
                    published: Some(published),
                    categories: post.tags.iter().map(|t| t.name.clone()).collect(),
                    summary: post.summary.clone(),
                    content: Some(self.html(&p.rendered.html)),
                }
            })
            .collect();
        let feed = Feed {
            title: s.config.title.clone(),
            subtitle: Some(s.config.description.clone()).filter(|d| !d.is_empty()),
            id: s.config.base_url.as_str().to_string(),
            alternate: s.config.base_url.as_str().to_string(),
            entries,
        };
        self.feed(Route::Atom, feed)
    }

    /// A feed's context: its `updated` is its newest entry's, so two builds
    /// of the same sources at one "now" write the same bytes.
    fn feed(&self, route: Route, feed: Feed) -> Context {
        let mut ctx = self.context(route, &feed.title, "", "feed");
        let updated = feed
            .entries
            .iter()
            .map(|e| e.updated.clone())
            .max()
            .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
        ctx.insert("updated", &updated);
        ctx.insert("feed", &feed);
        ctx
    }

    /// `/changes/`: the consequences, then every other item by day.
    fn changes_page(&self) -> Context {
        let c = &self.changes;
        let description = "What moved: estimates, evidence, resolutions, markets and what they did to the numbers.";
        let mut ctx = self.context(Route::Changes, "What moved", description, "changes");
        let (consequences, events): (Vec<_>, Vec<_>) =
            c.items.iter().partition(|it| moved::is_consequence(it));
        let view = |list: Vec<&crate::model::site::Item>| -> Vec<ChangeView> {
            list.into_iter()
                .map(|it| self.change_view(it, c.start))
                .collect()
        };
        ctx.insert("consequences", &view(consequences));
        ctx.insert("days", &moved::by_day(view(events)));
        ctx.insert("since", &format::long_date(c.start));
        ctx.insert("today", &format::long_date(c.today));
        ctx.insert("window_days", &crate::model::site::WINDOW_DAYS);
        ctx.insert("move_days", &crate::model::site::MOVE_DAYS);
        ctx.insert(
            "threshold",
            &format::points(self.site.config.changes.threshold),
        );
        ctx.insert("feed_url", &self.route_url(Route::ChangesFeed));
        ctx
    }

    /// `/changes.xml`: every item of `/changes/`.
    fn changes_feed(&self) -> Context {
        let s = self.site;
        let entries = self.change_entries(&self.changes.items.iter().collect::<Vec<_>>());
        let feed = Feed {
            title: format!("What moved · {}", s.config.title),
            subtitle: Some(format!(
                "Estimates, evidence, resolutions, market moves and consequences of {} points or more",
                format::points(s.config.changes.threshold)
            )),
            id: self.permalink(&self.shape.path(Route::ChangesFeed)),
            alternate: self.permalink(&self.shape.path(Route::Changes)),
            entries,
        };
        self.feed(Route::ChangesFeed, feed)
    }

    /// A future's feed: its estimate changes, evidence, market moves and
    /// resolution.
    fn future_feed(&self, i: FutureIx) -> Context {
        let f = &self.site.futures[i].future;
        let items: Vec<&crate::model::site::Item> = self.changes_of[i.get()]
            .iter()
            .map(|&k| &self.changes.items[k])
            .filter(|it| !moved::is_consequence(it) && it.what != crate::model::site::What::Added)
            .collect();
        let feed = Feed {
            title: format!("{} · {}", f.title, self.site.config.title),
            subtitle: Some(format!(
                "Changes of its estimate, evidence, market moves and resolution, from {}",
                self.site.config.title
            )),
            id: self.permalink(&self.shape.path(Route::FutureFeed(i))),
            alternate: self.permalink(&routes::future(f.id.as_str())),
            entries: self.change_entries(&items),
        };
        self.feed(Route::FutureFeed(i), feed)
    }

    /// Items as feed entries, each dated at the start of its day (UTC).
    fn change_entries(&self, items: &[&crate::model::site::Item]) -> Vec<FeedEntry<'static>> {
        let base = self.permalink(&self.shape.path(Route::Changes));
        items
            .iter()
            .map(|it| {
                let v = self.change_view(it, self.changes.start);
                let mut summary = v.detail.clone();
                if let Some(r) = &v.reason {
                    summary.push_str(&format!(" “{r}”"));
                }
                FeedEntry {
                    title: format!("{}: {}", v.label, v.title),
                    id: format!("{base}#{}", v.key),
                    url: v.permalink,
                    updated: format!("{}T00:00:00Z", v.date),
                    published: None,
                    categories: vec![v.kind.to_string()],
                    summary,
                    content: None,
                }
            })
            .collect()
    }

    fn sitemap(&self) -> Context {
        #[derive(Serialize)]
        struct Url {
            loc: String,
            lastmod: Option<String>,
        }
        let lastmod = |route: Route| match route {
            Route::Post(i) => {
                let d = &self.site.posts[i].doc;
                d.updated.or(d.date).map(|d| d.day.to_string())
            }
            _ => None,
        };
        let urls: Vec<Url> = self
            .shape
            .all()
            .into_iter()
            .filter(|r| r.in_sitemap())
            .map(|r| Url {
                loc: self.permalink(&self.shape.path(r)),
                lastmod: lastmod(r),
            })
            .collect();
        let mut ctx = self.context(Route::Sitemap, "", "", "sitemap");
        ctx.insert("urls", &urls);
        ctx
    }
}

/// What `/bets/` says of the stakes of all bets together.
#[derive(Serialize)]
struct StakeTotals {
    /// How many bets with a stake are not settled.
    open: usize,
    /// Their stakes together: `$2,400`.
    at_stake: String,
    /// Their expected values together (`−$600 to +$1,000`; `unknown` where
    /// none is known), without the `unknown` ones.
    expected: String,
    unknown: usize,
    /// How many bets with a stake resolutions settled, and what they
    /// returned together.
    settled: usize,
    returned: String,
}

/// A source of the track record: its name, score and how many futures it
/// forecast.
#[derive(Serialize)]
struct SourceRow {
    name: &'static str,
    short: &'static str,
    score: String,
    count: usize,
}

fn source_rows(record: &TrackRecord) -> Vec<SourceRow> {
    (0..record.forecasters.len())
        .map(|k| {
            let score = record.score(k);
            SourceRow {
                name: format::forecaster(record.forecasters[k]),
                short: format::forecaster_short(record.forecasters[k]),
                score: format::brier(score.brier),
                count: score.count,
            }
        })
        .collect()
}

/// The sources the calibration chart draws: the site's shown probability
/// (discs) and all markets together (squares).
const CHARTED: [(Forecaster, calibration::Shape); 2] = [
    (Forecaster::Shown, calibration::Shape::Disc),
    (Forecaster::Markets, calibration::Shape::Square),
];

/// One calibration bin in the table beside the chart: each charted
/// source's tally (`2 of 3 happened`, `—` for none).
#[derive(Serialize)]
struct BinRow {
    bin: String,
    tallies: Vec<String>,
}

/// The calibration chart and its bins as a table, for [`CHARTED`].
fn calibration(record: &TrackRecord) -> (Option<String>, Vec<BinRow>) {
    let series: Vec<calibration::Series> = CHARTED
        .iter()
        .filter_map(|&(who, shape)| {
            let k = record.forecasters.iter().position(|&f| f == who)?;
            Some(calibration::Series {
                label: format::forecaster(who).to_string(),
                shape,
                bins: record.calibration(k),
            })
        })
        .collect();
    let rows = (0..BINS)
        .filter(|&k| series.iter().any(|s| s.bins[k].count > 0))
        .map(|k| BinRow {
            bin: format::bin(k),
            tallies: series
                .iter()
                .map(|s| match s.bins[k] {
                    b if b.count == 0 => "—".to_string(),
                    b => format::happened(&b),
                })
                .collect(),
        })
        .collect();
    let title = "Calibration: forecasts against how often they happened";
    (calibration::chart(title, &series), rows)
}

/// An Atom feed, as `atom.xml` writes it: the posts' feed and what moved.
#[derive(Serialize)]
struct Feed<'c> {
    title: String,
    subtitle: Option<String>,
    /// Its permanent identity: its own address.
    id: String,
    /// The page it follows.
    alternate: String,
    entries: Vec<FeedEntry<'c>>,
}

#[derive(Serialize)]
struct FeedEntry<'c> {
    title: String,
    /// Where it links.
    url: String,
    /// Its permanent identity: the same across builds.
    id: String,
    published: Option<String>,
    updated: String,
    categories: Vec<String>,
    summary: String,
    /// HTML, escaped again as Atom's `type="html"` wants.
    content: Option<std::borrow::Cow<'c, str>>,
}

/// One change of the author's estimate as the future page lists it:
/// "40% → 35% on 2 May 2026: *Scaling evidence weakens*".
#[derive(Serialize)]
struct EstimateChange {
    /// The value before, if there was one.
    from: Option<String>,
    to: String,
    /// `None`: the file's value is not committed yet.
    date: Option<String>,
    iso_date: Option<String>,
    reason: Option<String>,
    commit: Option<String>,
}

/// Future `e`'s estimate changes, newest first, ending at the file's value
/// of today when it is not committed yet. Empty when the estimate was only
/// ever set once: one value has no history.
fn estimate_changes(e: &crate::model::site::FutureEntry) -> Vec<EstimateChange> {
    let value = |v: Option<crate::source::futures::Probability>| {
        v.map_or_else(|| "none".to_string(), |p| percent(Some(p.get())))
    };
    let mut list: Vec<EstimateChange> = e
        .estimates
        .iter()
        .map(|c| EstimateChange {
            from: c.before.map(|b| value(Some(b))),
            to: value(c.value),
            date: Some(format::long_date(c.date)),
            iso_date: Some(c.date.to_string()),
            reason: Some(c.reason.clone()),
            commit: Some(c.commit.clone()),
        })
        .collect();
    let committed = e.estimates.last().and_then(|c| c.value);
    if !list.is_empty() && e.future.estimate != committed {
        list.push(EstimateChange {
            from: committed.map(|b| value(Some(b))),
            to: value(e.future.estimate),
            date: None,
            iso_date: None,
            reason: None,
            commit: None,
        });
    }
    if list.len() < 2 && list.iter().all(|c| c.from.is_none()) {
        return Vec::new();
    }
    list.reverse();
    list
}
