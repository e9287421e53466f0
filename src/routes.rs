//! The route table: every file the output holds, by kind, with its URL path
//! below the base URL and its file below the output folder. The renderer,
//! the sitemap, link checking, `graph.json`, serve's incremental rebuilds
//! and the check for pages taking a generated section's name all read it
//! here, so a route is added in one place.
//!
//! It also holds the index types every stage names entries by — a future,
//! post, page, bet or tag is its place in the site's list of them, and the
//! type says which list — and [`PageNo`], the one way list pages count
//! (from 1).

use std::num::NonZeroUsize;
use std::ops::{Index, IndexMut};

/// An index type into one list of the site, usable as an index into any
/// `Vec` or slice of that list.
macro_rules! index_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
        #[serde(transparent)]
        pub(crate) struct $name(pub(crate) usize);

        impl $name {
            /// Every index of a list of `len` entries, in order.
            pub(crate) fn all(len: usize) -> impl DoubleEndedIterator<Item = $name> + Clone {
                (0..len).map($name)
            }

            #[allow(dead_code, reason = "not every index type is turned back into a number")]
            pub(crate) fn get(self) -> usize {
                self.0
            }
        }

        impl<T> Index<$name> for [T] {
            type Output = T;
            fn index(&self, i: $name) -> &T {
                &self[i.0]
            }
        }

        impl<T> IndexMut<$name> for [T] {
            fn index_mut(&mut self, i: $name) -> &mut T {
                &mut self[i.0]
            }
        }

        impl<T> Index<$name> for Vec<T> {
            type Output = T;
            fn index(&self, i: $name) -> &T {
                &self[i.0]
            }
        }

        impl<T> IndexMut<$name> for Vec<T> {
            fn index_mut(&mut self, i: $name) -> &mut T {
                &mut self[i.0]
            }
        }
    };
}

index_type!(
    /// A future: its place among the site's futures, and the graph's node.
    FutureIx
);
index_type!(
    /// A post: its place among the posts, newest first.
    PostIx
);
index_type!(
    /// A page (a document without a date).
    PageIx
);
index_type!(
    /// A bet.
    BetIx
);
index_type!(
    /// A tag: its place among the tags, sorted by slug.
    TagIx
);

/// A page of a paginated list (posts, a tag's posts, the futures table),
/// counted from 1 as its address does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct PageNo(NonZeroUsize);

impl PageNo {
    pub(crate) const FIRST: PageNo = PageNo(NonZeroUsize::MIN);

    /// Page `n`, if `n` is at least 1.
    pub(crate) fn new(n: usize) -> Option<PageNo> {
        NonZeroUsize::new(n).map(PageNo)
    }

    pub(crate) fn get(self) -> usize {
        self.0.get()
    }

    /// Pages 1 to `last`.
    pub(crate) fn up_to(last: usize) -> impl Iterator<Item = PageNo> {
        (1..=last).filter_map(PageNo::new)
    }

    /// The page that shows the list's entry at (0-based) `position`.
    pub(crate) fn holding(position: usize, per_page: usize) -> PageNo {
        PageNo(NonZeroUsize::MIN.saturating_add(position / per_page.max(1)))
    }
}

/// Rows of the futures table per page: beyond this, `/futures/` links to
/// `/futures/table/N/`, so the map's page stays small at thousands of futures.
pub(crate) const FUTURES_TABLE_PAGE: usize = 500;

/// One file of the site. Indexes are into the lists of a [`Shape`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Route {
    Home,
    PostList(PageNo),
    Post(PostIx),
    Page(PageIx),
    Tags,
    /// A page of a tag's list.
    Tag(TagIx, PageNo),
    /// The map and a page of the table of futures.
    Futures(PageNo),
    Future(FutureIx),
    /// Future `i`'s card for an iframe on another site.
    FutureEmbed(FutureIx),
    /// Its oEmbed description (JSON), naming the embed's iframe code.
    FutureOembed(FutureIx),
    /// What a hover card shows of a future (`futures/<id>/card.json`).
    FutureCard(FutureIx),
    Bets,
    /// Every bet against every future some bet wins or loses in.
    BetsMatrix,
    Bet(BetIx),
    /// Bet `i`'s card for an iframe on another site.
    BetEmbed(BetIx),
    /// Its oEmbed description.
    BetOembed(BetIx),
    /// What a hover card shows of a bet (`bets/<id>/card.json`).
    BetCard(BetIx),
    Search,
    /// How each source did on the futures that resolved.
    TrackRecord,
    NotFound,
    Atom,
    /// What moved over the last days (`/changes/`).
    Changes,
    /// The same, as an Atom feed.
    ChangesFeed,
    /// What moved for one future, as an Atom feed.
    FutureFeed(FutureIx),
    Sitemap,
    /// The whole graph, machine-readable.
    GraphJson,
    /// Each future's summary, for the map's side panel.
    Summaries,
    /// The code-highlighting stylesheet.
    SyntaxCss,
    /// The whole model as a spreadsheet with live formulas.
    Spreadsheet,
}

/// A page with a social card: a PNG beside the page, named in its
/// `og:image`. Cards are drawn apart from the routes (and cached), and the
/// sitemap does not list them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum CardOf {
    Home,
    Future(FutureIx),
    Bet(BetIx),
    Post(PostIx),
}

impl CardOf {
    /// The card of the page at `route`, if it has one.
    pub(crate) fn of(route: Route) -> Option<CardOf> {
        match route {
            Route::Home => Some(CardOf::Home),
            Route::Future(i) => Some(CardOf::Future(i)),
            Route::Bet(i) => Some(CardOf::Bet(i)),
            Route::Post(i) => Some(CardOf::Post(i)),
            _ => None,
        }
    }
}

/// The name of a card's file in its page's folder.
pub(crate) const CARD: &str = "card.png";

/// The first path segments generated sections own; a page may not take one.
const SECTIONS: &[&str] = &[
    "posts",
    "tags",
    "futures",
    "bets",
    "search",
    "track-record",
    "404.html",
    "atom.xml",
    "changes",
    "changes.xml",
    "sitemap.xml",
    "graph.json",
    "syntax.css",
    SPREADSHEET,
    CARD,
];

/// The spreadsheet's address: `/futures/` and `/bets/` link to it.
pub(crate) const SPREADSHEET: &str = "forkcast.xlsx";

/// The track record's address: every page's footer links to it.
pub(crate) const TRACK_RECORD: &str = "track-record/";

/// The address of a post with `slug`.
pub(crate) fn post(slug: &str) -> String {
    format!("posts/{slug}/")
}

/// The address of a page with `slug` in the folders `dirs` below content/.
pub(crate) fn page(dirs: &[String], slug: &str) -> String {
    dirs.iter()
        .map(|d| format!("{d}/"))
        .chain([format!("{slug}/")])
        .collect()
}

/// The first page of tag `slug`.
pub(crate) fn tag(slug: &str) -> String {
    format!("tags/{slug}/")
}

pub(crate) fn future(id: &str) -> String {
    format!("futures/{id}/")
}

/// The Atom feed of future `id`'s changes.
pub(crate) fn future_feed(id: &str) -> String {
    format!("futures/{id}/atom.xml")
}

pub(crate) fn bet(id: &str) -> String {
    format!("bets/{id}/")
}

/// The embed (a card for an iframe) of the future or bet at `page`.
pub(crate) fn embed(page: &str) -> String {
    format!("{page}embed/")
}

/// The oEmbed description of the future or bet at `page`.
pub(crate) fn oembed(page: &str) -> String {
    format!("{page}oembed.json")
}

/// The file a hover card reads beside a future's or bet's page at `page`
/// (`futures/<id>/`): `theme/default/static/hover-card.js` asks for it there.
fn card_json(page: &str) -> String {
    format!("{page}card.json")
}

/// The name below `bets/` the matrix takes, so no bet may.
const MATRIX: &str = "matrix";

/// Whether a bet with this id would take the address of a generated page.
pub(crate) fn is_reserved_bet(id: &str) -> bool {
    id == MATRIX
}

/// The map's address showing where bet `id` wins and loses.
pub(crate) fn bet_on_map(id: &str) -> String {
    format!("futures/?bet={id}")
}

/// Page `n` of the list at `base` (`base`, then `base` + `page/N/`).
fn list_page(base: &str, n: PageNo) -> String {
    if n == PageNo::FIRST {
        base.to_string()
    } else {
        format!("{base}page/{}/", n.get())
    }
}

/// How many pages a list of `items` takes, `per_page` a page (at least one).
pub(crate) fn pages(items: usize, per_page: usize) -> usize {
    items.div_ceil(per_page.max(1)).max(1)
}

/// Whether a page at `path` would take a generated section's address.
pub(crate) fn is_reserved(path: &str) -> bool {
    let first = path.split('/').next().unwrap_or("");
    SECTIONS.contains(&first)
}

/// The file below the output folder that serves `path`.
pub(crate) fn file_of(path: &str) -> String {
    if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_string()
    }
}

/// What the routes of one site are made of: the output paths of its posts
/// and pages, the ids of its futures and bets, its tags' slugs and post
/// counts.
#[derive(Default)]
pub(crate) struct Shape<'a> {
    pub posts: Vec<&'a str>,
    pub pages: Vec<&'a str>,
    pub futures: Vec<&'a str>,
    pub bets: Vec<&'a str>,
    pub tags: Vec<(&'a str, usize)>,
    pub posts_per_page: usize,
}

impl Shape<'_> {
    /// The URL path of `route` below the base URL, e.g. `tags/agi/page/2/`.
    pub(crate) fn path(&self, route: Route) -> String {
        match route {
            Route::Home => String::new(),
            Route::PostList(n) => list_page("posts/", n),
            Route::Post(i) => self.posts[i].to_string(),
            Route::Page(i) => self.pages[i].to_string(),
            Route::Tags => "tags/".into(),
            Route::Tag(t, n) => list_page(&tag(self.tags[t].0), n),
            Route::Futures(n) if n == PageNo::FIRST => "futures/".into(),
            Route::Futures(n) => format!("futures/table/{}/", n.get()),
            Route::Future(i) => future(self.futures[i]),
            Route::FutureEmbed(i) => embed(&future(self.futures[i])),
            Route::FutureOembed(i) => oembed(&future(self.futures[i])),
            Route::FutureCard(i) => card_json(&future(self.futures[i])),
            Route::Bets => "bets/".into(),
            Route::BetsMatrix => format!("bets/{MATRIX}/"),
            Route::Bet(i) => bet(self.bets[i]),
            Route::BetEmbed(i) => embed(&bet(self.bets[i])),
            Route::BetOembed(i) => oembed(&bet(self.bets[i])),
            Route::BetCard(i) => card_json(&bet(self.bets[i])),
            Route::Search => "search/".into(),
            Route::TrackRecord => TRACK_RECORD.into(),
            Route::NotFound => "404.html".into(),
            Route::Atom => "atom.xml".into(),
            Route::Changes => "changes/".into(),
            Route::ChangesFeed => "changes.xml".into(),
            Route::FutureFeed(i) => future_feed(self.futures[i]),
            Route::Sitemap => "sitemap.xml".into(),
            Route::GraphJson => "graph.json".into(),
            Route::Summaries => "futures/summaries.json".into(),
            Route::SyntaxCss => "syntax.css".into(),
            Route::Spreadsheet => SPREADSHEET.into(),
        }
    }

    /// The file below the output folder that `route` is written to.
    pub(crate) fn file(&self, route: Route) -> String {
        file_of(&self.path(route))
    }

    pub(crate) fn post_pages(&self) -> usize {
        pages(self.posts.len(), self.posts_per_page)
    }

    pub(crate) fn tag_pages(&self, t: TagIx) -> usize {
        pages(self.tags[t].1, self.posts_per_page)
    }

    pub(crate) fn future_pages(&self) -> usize {
        pages(self.futures.len(), FUTURES_TABLE_PAGE)
    }

    /// The URL path of the card of `page`, e.g. `futures/agi/card.png`.
    pub(crate) fn card(&self, page: CardOf) -> String {
        let route = match page {
            CardOf::Home => Route::Home,
            CardOf::Future(i) => Route::Future(i),
            CardOf::Bet(i) => Route::Bet(i),
            CardOf::Post(i) => Route::Post(i),
        };
        format!("{}{CARD}", self.path(route))
    }

    /// Every page with a card.
    pub(crate) fn cards(&self) -> Vec<CardOf> {
        let mut all = vec![CardOf::Home];
        all.extend(FutureIx::all(self.futures.len()).map(CardOf::Future));
        all.extend(BetIx::all(self.bets.len()).map(CardOf::Bet));
        all.extend(PostIx::all(self.posts.len()).map(CardOf::Post));
        all
    }

    /// Every route of the site.
    pub(crate) fn all(&self) -> Vec<Route> {
        let mut all = vec![
            Route::Home,
            Route::Tags,
            Route::Bets,
            Route::BetsMatrix,
            Route::Search,
            Route::TrackRecord,
            Route::NotFound,
            Route::Atom,
            Route::Changes,
            Route::ChangesFeed,
            Route::Sitemap,
            Route::GraphJson,
            Route::Summaries,
            Route::SyntaxCss,
            Route::Spreadsheet,
        ];
        all.extend(PageNo::up_to(self.post_pages()).map(Route::PostList));
        all.extend(PageNo::up_to(self.future_pages()).map(Route::Futures));
        all.extend(PostIx::all(self.posts.len()).map(Route::Post));
        all.extend(PageIx::all(self.pages.len()).map(Route::Page));
        all.extend(FutureIx::all(self.futures.len()).map(Route::Future));
        all.extend(FutureIx::all(self.futures.len()).map(Route::FutureFeed));
        all.extend(FutureIx::all(self.futures.len()).flat_map(|i| Route::Future(i).companions()));
        all.extend(BetIx::all(self.bets.len()).map(Route::Bet));
        all.extend(BetIx::all(self.bets.len()).flat_map(|i| Route::Bet(i).companions()));
        for t in TagIx::all(self.tags.len()) {
            all.extend(PageNo::up_to(self.tag_pages(t)).map(|n| Route::Tag(t, n)));
        }
        all
    }
}

impl Route {
    /// Whether the sitemap lists it: pages people land on, not data files,
    /// the feed, the not-found page, or embeds (cards for other sites'
    /// iframes, marked `noindex`: a search result should open the page).
    pub(crate) fn in_sitemap(self) -> bool {
        match self {
            Route::FutureEmbed(_)
            | Route::FutureOembed(_)
            | Route::BetEmbed(_)
            | Route::BetOembed(_)
            | Route::NotFound
            | Route::Atom
            | Route::ChangesFeed
            | Route::FutureFeed(_)
            | Route::FutureCard(_)
            | Route::BetCard(_)
            | Route::Sitemap
            | Route::GraphJson
            | Route::Summaries
            | Route::SyntaxCss
            | Route::Spreadsheet => false,
            Route::Tag(_, n) => n == PageNo::FIRST,
            _ => true,
        }
    }

    /// The files made from the same facts as this future's or bet's page
    /// (its card: the hover card's data, the embed and its oEmbed
    /// description), which `serve` re-renders with it.
    pub(crate) fn companions(self) -> Vec<Route> {
        match self {
            Route::Future(i) => vec![
                Route::FutureCard(i),
                Route::FutureEmbed(i),
                Route::FutureOembed(i),
            ],
            Route::Bet(i) => vec![Route::BetCard(i), Route::BetEmbed(i), Route::BetOembed(i)],
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape() -> Shape<'static> {
        Shape {
            posts: vec!["posts/a/", "posts/b/", "posts/c/"],
            pages: vec!["about/"],
            futures: vec!["agi"],
            bets: vec!["tsm"],
            tags: vec![("chips", 3)],
            posts_per_page: 2,
        }
    }

    #[test]
    fn every_route_has_its_own_file() {
        let s = shape();
        let files: Vec<String> = s.all().into_iter().map(|r| s.file(r)).collect();
        let unique: std::collections::HashSet<&String> = files.iter().collect();
        assert_eq!(unique.len(), files.len(), "{files:?}");
        for expected in [
            "index.html",
            "posts/index.html",
            "posts/page/2/index.html",
            "posts/b/index.html",
            "about/index.html",
            "tags/chips/index.html",
            "tags/chips/page/2/index.html",
            "futures/index.html",
            "futures/agi/index.html",
            "futures/agi/atom.xml",
            "futures/agi/embed/index.html",
            "futures/agi/oembed.json",
            "bets/tsm/embed/index.html",
            "bets/tsm/oembed.json",
            "futures/agi/card.json",
            "bets/tsm/card.json",
            "changes/index.html",
            "changes.xml",
            "bets/tsm/index.html",
            "bets/matrix/index.html",
            "search/index.html",
            "track-record/index.html",
            "404.html",
            "graph.json",
            "forkcast.xlsx",
        ] {
            assert!(files.iter().any(|f| f == expected), "{expected} missing");
        }
        let cards: Vec<String> = s.cards().into_iter().map(|c| s.card(c)).collect();
        assert_eq!(
            cards,
            [
                "card.png",
                "futures/agi/card.png",
                "bets/tsm/card.png",
                "posts/a/card.png",
                "posts/b/card.png",
                "posts/c/card.png"
            ]
        );
        assert!(cards.iter().all(|c| !files.contains(c)));
    }

    #[test]
    fn pages_cannot_take_a_sections_address() {
        assert!(is_reserved("futures/mine/"));
        assert!(is_reserved("search/"));
        assert!(is_reserved("track-record/"));
        assert!(!is_reserved("about/"));
        assert!(!is_reserved("guides/futures/"));
        assert_eq!(page(&["guides".into()], "setup"), "guides/setup/");
        assert_eq!(page(&[], "about"), "about/");
        assert!(is_reserved_bet("matrix"));
        assert!(!is_reserved_bet("matrix-hedge"));
    }
}
