//! The machine-readable files: `graph.json` (what the map and other tools
//! read), the map's summaries, and the documents of the search index. Their
//! shapes are [`super::browser_data`]'s; here each part is filled.

use super::browser_data::{
    Bet, CardNumber, Column, CurrencyRule, Discussions, Display, Edge, EncodeError, Future, Graph,
    Group, HoverCard, MapInfo, Resolved, Rules, Settled, StakeData, Summaries, Swing, Years,
    encode,
};
use super::card::Card;
use super::community;
use super::{Renderer, views};
use crate::model::site::{Page, Site, Source};
use crate::render::format;
use crate::render::layout::{self, Layout};
use crate::render::map;
use crate::render::search::SearchDoc;
use crate::routes::{BetIx, FutureIx, PageIx, PostIx, Route, Shape};
use crate::source::futures::When;

impl Renderer<'_> {
    /// The documents of the search index: posts, pages, futures and bets.
    pub(crate) fn search_docs(&self) -> Vec<SearchDoc<'_>> {
        self.search_routes()
            .filter_map(|r| self.search_doc(r))
            .collect()
    }

    /// The URL of each document of the search index, in its order.
    pub(crate) fn search_urls(&self) -> Vec<String> {
        self.search_routes().map(|r| self.route_url(r)).collect()
    }

    fn search_routes(&self) -> impl Iterator<Item = Route> + use<> {
        let s = self.site;
        PostIx::all(s.posts.len())
            .map(Route::Post)
            .chain(PageIx::all(s.pages.len()).map(Route::Page))
            .chain(FutureIx::all(s.futures.len()).map(Route::Future))
            .chain(BetIx::all(s.bets.len()).map(Route::Bet))
    }

    /// The search document of `route`, if it is a searchable page.
    pub(crate) fn search_doc(&self, route: Route) -> Option<SearchDoc<'_>> {
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

/// The graph, machine-readable (see [`Graph`]). `<`, `>` and `&` are
/// written as `\u` escapes so the same text is safe inside an HTML
/// `<script>` element.
pub(super) fn graph_json(
    site: &Site,
    shape: &Shape,
    layout: &Layout,
    file: &str,
) -> Result<Vec<u8>, EncodeError> {
    let graph = Graph {
        title: &site.config.title,
        base_url: site.config.base_url.as_str(),
        futures: FutureIx::all(site.futures.len())
            .map(|i| future(site, shape, layout, i))
            .collect(),
        edges: edges(site),
        groups: groups(site),
        bets: BetIx::all(site.bets.len())
            .map(|k| bet(site, shape, k))
            .collect(),
        map: map_info(layout),
        rules: Rules {
            disagreement: crate::model::graph::DISAGREEMENT,
            display: Display {
                low: format::LOW,
                high: format::HIGH,
            },
            currency: site.config.currency.as_ref().map(|c| CurrencyRule {
                unit: c.as_str().to_string(),
                before: c.is_symbol(),
            }),
            uncovered: crate::model::stakes::UNCOVERED,
        },
        community: site.community.as_ref().map(|c| Discussions {
            repository: c.repository.url(),
            as_of: community::as_of(site),
        }),
    };
    encode(file, &graph).map(script_safe)
}

fn id(site: &Site, i: FutureIx) -> &str {
    site.futures[i].future.id.as_str()
}

/// The address of `route` as the browser follows it: below the base path.
fn url(site: &Site, shape: &Shape, route: Route) -> String {
    format!("{}{}", site.config.base_url.path(), shape.path(route))
}

fn future<'a>(site: &'a Site, shape: &Shape, layout: &'a Layout, i: FutureIx) -> Future<'a> {
    let e = &site.futures[i];
    let r = layout.rects[i];
    Future {
        id: e.future.id.as_str(),
        title: &e.future.title,
        url: url(site, shape, Route::Future(i)),
        within: site.graph.group(i).map(|g| id(site, g)),
        when: e.future.when.map(years),
        probability: e.own.map(|o| o.value),
        source: e.own.map(|o| match o.source {
            Source::Markets(_) => "markets",
            Source::Estimate => "estimate",
        }),
        implied: e.computed.implied,
        disagreement: e.computed.disagreement,
        resolved: e.future.resolved.as_ref().map(|r| Resolved {
            outcome: r.outcome.as_str(),
            on: r.on.value.to_string(),
            display: format::resolution(r),
            source: &r.source,
        }),
        tags: &e.future.tags,
        markets: e
            .future
            .markets
            .iter()
            .map(|m| m.value.to_string())
            .collect(),
        stale: e.stale_since().map(|d| d.to_string()),
        rect: [r.x, r.y, r.w, r.h].map(|v| (v * 10.0).round() / 10.0),
        community: community::view(site, shape, Route::Future(i)),
        lines: &layout.lines[i].ends,
    }
}

fn years(w: When) -> Years {
    Years {
        start: w.start,
        end: w.end,
    }
}

/// Every edge, by its source's order and then the graph's.
fn edges(site: &Site) -> Vec<Edge<'_>> {
    FutureIx::all(site.futures.len())
        .flat_map(|i| {
            site.graph.children(i).into_iter().map(move |(c, p)| Edge {
                from: id(site, i),
                to: id(site, c),
                probability: p,
            })
        })
        .collect()
}

fn groups(site: &Site) -> Vec<Group<'_>> {
    FutureIx::all(site.futures.len())
        .filter(|&i| !site.graph.members(i).is_empty())
        .map(|i| Group {
            id: id(site, i),
            members: site.graph.members(i).iter().map(|&m| id(site, m)).collect(),
        })
        .collect()
}

fn bet<'a>(site: &'a Site, shape: &Shape, k: BetIx) -> Bet<'a> {
    let b = &site.bets[k];
    let ids = |list: &[FutureIx]| list.iter().map(|&f| id(site, f)).collect();
    Bet {
        id: b.bet.id.as_str(),
        title: &b.bet.title,
        url: url(site, shape, Route::Bet(k)),
        kind: b.bet.kind.name(),
        status: b.bet.status.name(),
        wins_if: ids(&b.wins_if),
        loses_if: ids(&b.loses_if),
        payoff: views::payoff_view(b.payoff),
        essential_fork: b.fork.ok().map(|f| id(site, f)),
        community: community::view(site, shape, Route::Bet(k)),
        swings: b
            .swings
            .iter()
            .map(|w| Swing {
                future: id(site, w.future),
                swing: w.swing,
            })
            .collect(),
        settled: b.verdict.map(|v| Settled {
            verdict: if v.won() { "won" } else { "lost" },
            by: id(site, v.by()),
            display: format::verdict(v, &site.futures[v.by()].future.title, b.wins_if.len()),
        }),
        stake: b.bet.stake.zip(b.expected()).map(|(stake, ev)| StakeData {
            amount: stake.amount(),
            pays: stake.pays(),
            expected: format::amount(ev, site.config.currency.as_ref()),
        }),
    }
}

/// The layout's size and columns, and the build's drawing constants.
fn map_info(layout: &Layout) -> MapInfo {
    MapInfo {
        width: layout.width,
        height: layout.height,
        columns: layout
            .columns
            .iter()
            .map(|c| Column {
                x: c.x,
                y: c.y,
                w: c.w,
                when: c.when.map(years),
            })
            .collect(),
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
    }
}

/// Each future's plain-text summary by id (see [`Summaries`]), for the
/// map's side panel (loaded only when a panel opens, to keep the first
/// view light).
pub(super) fn summaries_json(site: &Site, file: &str) -> Result<Vec<u8>, EncodeError> {
    let summaries: Summaries = site
        .futures
        .iter()
        .map(|e| (e.future.id.as_str(), e.summary.summary.as_str()))
        .collect();
    encode(file, &summaries).map(script_safe)
}

/// A future's or bet's `card.json`: its card's facts, for the hover card.
pub(super) fn card_json(card: &Card, file: &str) -> Result<Vec<u8>, EncodeError> {
    let hover = HoverCard {
        kind: card.kind,
        title: &card.title,
        number: card.number.as_ref().map(|n| CardNumber {
            display: &n.display,
            label: n.label,
            source: &n.source,
            date: &n.date,
        }),
        sparkline: &card.sparkline,
        sparkline_range: {
            let (lo, hi) = crate::render::card::spark_range(&card.sparkline);
            [lo, hi]
        },
        trend: crate::render::card::trend_words(&card.sparkline),
        sentence: &card.sentence,
    };
    encode(file, &hover).map(script_safe)
}

/// JSON with `<`, `>`, `&` and line separators written as `\u` escapes, so
/// the same text is safe inside an HTML `<script>` element.
fn script_safe(json: String) -> Vec<u8> {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
        .into_bytes()
}
