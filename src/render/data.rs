//! The machine-readable files: `graph.json` (what the map and other tools
//! read), the map's summaries, and the documents of the search index.

use serde::Serialize;

use super::community::{self, CommunityView};
use super::{Renderer, views};
use crate::model::site::{Page, Site, Source};
use crate::render::format;
use crate::render::layout::{self, Layout};
use crate::render::map;
use crate::render::search::SearchDoc;
use crate::routes::{BetIx, FutureIx, PageIx, PostIx, Route, Shape};

impl Renderer<'_> {
    /// The documents of the search index: posts, pages, futures and bets.
    pub fn search_docs(&self) -> Vec<SearchDoc<'_>> {
        let s = self.site;
        let routes = PostIx::all(s.posts.len())
            .map(Route::Post)
            .chain(PageIx::all(s.pages.len()).map(Route::Page))
            .chain(FutureIx::all(s.futures.len()).map(Route::Future))
            .chain(BetIx::all(s.bets.len()).map(Route::Bet));
        routes.filter_map(|r| self.search_doc(r)).collect()
    }

    /// The search document of `route`, if it is a searchable page.
    pub fn search_doc(&self, route: Route) -> Option<SearchDoc<'_>> {
        let s = self.site;
        let url = self.route_url(route);
        Some(match route {
            Route::Post(i) => page_doc(&s.posts[i], url, "post"),
            Route::Page(i) => page_doc(&s.pages[i], url, "page"),
            Route::Future(i) => {
                let e = &s.futures[i];
                SearchDoc {
                    title: e.future.title.clone(),
                    url,
                    kind: "future",
                    snippet: e.summary.summary.clone(),
                    text: format!("{} {}", e.summary.text, e.future.tags.join(" ")).into(),
                }
            }
            Route::Bet(i) => {
                let b = &s.bets[i];
                SearchDoc {
                    title: b.bet.title.clone(),
                    url,
                    kind: "bet",
                    snippet: b.summary().to_string(),
                    text: format!(
                        "{} {} {}",
                        b.bet.summary.as_deref().unwrap_or(""),
                        b.argument.text,
                        b.bet.instruments.join(" ")
                    )
                    .into(),
                }
            }
            _ => return None,
        })
    }
}

fn page_doc<'p>(p: &'p Page, url: String, kind: &'static str) -> SearchDoc<'p> {
    SearchDoc {
        title: p.doc.title.clone(),
        url,
        kind,
        snippet: p
            .doc
            .summary
            .clone()
            .unwrap_or_else(|| p.rendered.summary.clone()),
        text: p.rendered.text.as_str().into(),
    }
}

/// The graph, machine-readable. `<`, `>` and `&` are written as `\u` escapes
/// so the same text is safe inside an HTML `<script>` element.
pub(super) fn graph_json(site: &Site, shape: &Shape, layout: &Layout) -> String {
    #[derive(Serialize)]
    struct Node<'a> {
        id: &'a str,
        title: &'a str,
        url: String,
        within: Option<&'a str>,
        when: Option<crate::source::futures::When>,
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
        /// Votes and comments of its thread, with `community: true`.
        community: Option<CommunityView>,
        /// Where each line of its title ends (UTF-16 units); short of the
        /// title's length when it is cut.
        lines: &'a [usize],
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
        payoff: views::PayoffView,
        essential_fork: Option<&'a str>,
        community: Option<CommunityView>,
        /// The futures that move its payoff most, largest first.
        swings: Vec<SwingNode<'a>>,
    }
    #[derive(Serialize)]
    struct SwingNode<'a> {
        future: &'a str,
        swing: f64,
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
        rules: Rules,
        /// Where threads live and the day of the last listing.
        community: Option<Discussions>,
    }
    #[derive(Serialize)]
    struct Discussions {
        repository: String,
        as_of: Option<String>,
    }
    #[derive(Serialize)]
    struct MapInfo<'a> {
        width: f64,
        height: f64,
        columns: &'a [crate::render::layout::Column],
        /// A future's box on the map, its text's size, line height,
        /// inset and first baseline; a group's title the same.
        node_width: f64,
        text_px: f64,
        edge_px: f64,
        line_height: f64,
        text_x: f64,
        baseline: f64,
        group_px: f64,
        group_x: f64,
        group_baseline: f64,
        /// A group's header is `header_pad` + its lines × `group_line` high.
        group_line: f64,
        header_pad: f64,
        /// Text smaller than this on screen is hidden.
        min_text_px: f64,
        /// The room kept around the map in its frame.
        margin: (f64, f64),
        mark: f64,
        mark_gap: f64,
        /// The gap between bands, where a lower band's axis goes.
        band_gap: f64,
    }
    /// The rules the browser shows numbers with, as the pages do.
    #[derive(Serialize)]
    struct Rules {
        /// Own and implied must differ by more than this to be disputed.
        disagreement: f64,
        display: format::Display,
    }
    let base = site.config.base_url.path();
    let id = |i: FutureIx| site.futures[i].future.id.as_str();
    let doc = GraphDoc {
        title: &site.config.title,
        base_url: site.config.base_url.as_str(),
        futures: FutureIx::all(site.futures.len())
            .zip(&site.futures)
            .map(|(i, e)| Node {
                id: e.future.id.as_str(),
                title: &e.future.title,
                url: format!("{base}{}", shape.path(Route::Future(i))),
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
                community: community::view(site, shape, Route::Future(i)),
                lines: &layout.lines[i].ends,
            })
            .collect(),
        edges: FutureIx::all(site.futures.len())
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
        groups: FutureIx::all(site.futures.len())
            .filter(|&i| !site.graph.members(i).is_empty())
            .map(|i| Group {
                id: id(i),
                members: site.graph.members(i).iter().map(|&m| id(m)).collect(),
            })
            .collect(),
        bets: BetIx::all(site.bets.len())
            .zip(&site.bets)
            .map(|(k, b)| BetNode {
                id: b.bet.id.as_str(),
                title: &b.bet.title,
                url: format!("{base}{}", shape.path(Route::Bet(k))),
                kind: b.bet.kind.name(),
                status: b.bet.status.name(),
                wins_if: b.wins_if.iter().map(|&f| id(f)).collect(),
                loses_if: b.loses_if.iter().map(|&f| id(f)).collect(),
                payoff: views::payoff_view(b.payoff),
                essential_fork: b.fork.ok().map(id),
                community: community::view(site, shape, Route::Bet(k)),
                swings: b
                    .swings
                    .iter()
                    .map(|w| SwingNode {
                        future: id(w.future),
                        swing: w.swing,
                    })
                    .collect(),
            })
            .collect(),
        map: MapInfo {
            width: layout.width,
            height: layout.height,
            columns: &layout.columns,
            node_width: layout::NODE_W,
            text_px: layout::TITLE_PX,
            edge_px: layout::EDGE_PX,
            line_height: layout::LINE_H,
            text_x: layout::TEXT_X,
            baseline: layout::BASELINE,
            group_px: layout::GROUP_PX,
            group_x: layout::GROUP_X,
            group_baseline: layout::GROUP_BASELINE,
            group_line: layout::header_height(1) - layout::header_height(0),
            header_pad: layout::header_height(0),
            min_text_px: map::MIN_TEXT_PX,
            margin: layout::MARGIN,
            mark: map::MARK,
            mark_gap: map::MARK_GAP,
            band_gap: layout::BAND_GAP,
        },
        rules: Rules {
            disagreement: crate::model::graph::DISAGREEMENT,
            display: format::DISPLAY,
        },
        community: site.community.as_ref().map(|c| Discussions {
            repository: c.repository.url(),
            as_of: community::as_of(site),
        }),
    };
    script_safe(&serde_json::to_string(&doc).unwrap_or_else(|_| "{}".into()))
}

/// Each future's plain-text summary by id, for the map's side panel
/// (loaded only when a panel opens, to keep the first view light).
pub(super) fn summaries_json(site: &Site) -> String {
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
