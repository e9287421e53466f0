//! What templates see: cards of posts, futures and bets, pagers, the
//! context every page shares. Numbers are formatted here, through
//! [`crate::render::format`], so templates need no filters.

use jiff::civil::Date;
use serde::Serialize;
use tera::Context;

use super::Renderer;
use super::browser_data::Payoff as PayoffView;
use crate::model::graph::{NoFork, Payoff, Verdict};
use crate::model::site::{BetEntry, FutureEntry, Own, Page, Settled, Site, Source};
use crate::model::stakes::{self, Amount};
use crate::render::format::{self, percent};
use crate::routes::{self, BetIx, FutureIx, PageNo, PostIx, Route};
use crate::source::bets::BetKind;
use crate::source::markdown::Heading;
use crate::source::record::Outcome;

#[derive(Serialize)]
pub(super) struct SiteView {
    pub(super) title: String,
    pub(super) description: String,
    pub(super) author: Option<String>,
    pub(super) base_url: String,
    pub(super) base_path: String,
    pub(super) repository: Option<String>,
    pub(super) generator: String,
    /// Own and implied probabilities further apart than this are disputed.
    pub(super) disagreement_points: u32,
    /// Where the market data comes from, as HTML (site.yaml's `markets.credit`).
    pub(super) market_credit: Option<String>,
    /// The days the market values shown were read (`11–20 August 2026`), if any are.
    pub(super) markets_as_of: Option<String>,
    /// The track record, linked from every page's footer.
    pub(super) track_record_url: String,
    /// The model as a spreadsheet, linked from `/futures/` and `/bets/`.
    pub(super) spreadsheet_url: String,
    /// Whether the site has a `static/extra.css`, linked after the theme's
    /// stylesheet so that its rules and variables win.
    pub(super) extra_css: bool,
}

impl SiteView {
    pub(super) fn of(site: &Site) -> SiteView {
        let c = &site.config;
        SiteView {
            title: c.title.clone(),
            description: c.description.clone(),
            author: c.author.clone(),
            base_url: c.base_url.as_str().to_string(),
            base_path: c.base_url.path().to_string(),
            repository: c.repository.clone(),
            generator: format!("Forkcast {}", env!("CARGO_PKG_VERSION")),
            disagreement_points: (crate::model::graph::DISAGREEMENT * 100.0).round() as u32,
            market_credit: site
                .market_credit
                .as_ref()
                .map(|r| crate::render::references::join(site, &r.html).into_owned()),
            markets_as_of: markets_as_of(site),
            track_record_url: format!("{}{}", c.base_url.path(), crate::routes::TRACK_RECORD),
            spreadsheet_url: format!("{}{}", c.base_url.path(), crate::routes::SPREADSHEET),
            extra_css: site.theme.extra_css,
        }
    }
}

/// When the market values a site shows were read, said once for the whole
/// site: a value's age is a date, not an alarm (a site built from a
/// snapshot shows every value as of its day).
fn markets_as_of(site: &Site) -> Option<String> {
    let days = site
        .futures
        .iter()
        .flat_map(|e| &e.markets)
        .filter(|(_, o)| o.value.is_some())
        .filter_map(|(_, o)| o.as_of);
    let (first, last) = days.fold(None, |span: Option<(Date, Date)>, d| {
        Some(span.map_or((d, d), |(a, b)| (a.min(d), b.max(d))))
    })?;
    Some(format::date_span(first, last))
}

#[derive(Serialize)]
pub(super) struct TagLink {
    pub(super) name: String,
    pub(super) url: String,
}

#[derive(Serialize)]
pub(super) struct PostCard {
    pub(super) title: String,
    pub(super) url: String,
    pub(super) permalink: String,
    pub(super) date: String,
    pub(super) date_display: String,
    pub(super) updated: Option<String>,
    pub(super) summary: String,
    pub(super) reading_minutes: usize,
    pub(super) tags: Vec<TagLink>,
}

#[derive(Serialize)]
pub(super) struct FutureCard {
    pub(super) id: String,
    pub(super) title: String,
    pub(super) url: String,
    pub(super) when: Option<String>,
    /// The probability the site shows: 1 or 0 once settled (so a table
    /// sorts settled futures with the certain and the impossible).
    pub(super) probability: Option<f64>,
    /// `35%`, or `happened` / `did not happen` once settled.
    pub(super) probability_display: String,
    /// Where the probability comes from, in words.
    pub(super) source: String,
    /// 1 or 0 by a resolution (its own or another's), if it is.
    pub(super) settled: Option<SettledMark>,
    /// Its own resolution as pages say it: "Happened on 1 March 2026".
    pub(super) resolution: Option<String>,
    /// The oldest stale market value, when a refresh failed.
    pub(super) stale_as_of: Option<String>,
    pub(super) implied: Option<f64>,
    pub(super) implied_display: String,
    pub(super) disagreement: bool,
    /// Why it is disputed, in words, when it is.
    pub(super) disagreement_note: Option<String>,
    pub(super) is_group: bool,
    pub(super) tags: Vec<String>,
    /// P(edge) when listed as a parent or child.
    pub(super) edge: Option<String>,
}

/// How a future settled at 1 or 0 reads wherever it is listed: a mark and
/// words, never colour alone.
#[derive(Clone, Copy, Serialize)]
pub(super) struct SettledMark {
    /// `happened` or `did-not-happen`: its class in the theme.
    pub(super) outcome: &'static str,
    /// `✓` or `✗`.
    pub(super) mark: &'static str,
    /// `happened` or `did not happen`.
    pub(super) words: &'static str,
    /// It resolved itself; else another future's resolution settles it.
    pub(super) resolved: bool,
}

impl SettledMark {
    fn of(e: &FutureEntry, i: FutureIx) -> Option<SettledMark> {
        let Settled::Fixed { outcome, by } = e.settled else {
            return None;
        };
        Some(SettledMark {
            outcome: outcome.as_str(),
            mark: format::mark(outcome == Outcome::Happened),
            words: format::outcome_words(outcome),
            resolved: by == i,
        })
    }
}

/// A settled bet, as listings and its page say it.
#[derive(Serialize)]
pub(super) struct VerdictView {
    /// `won` or `lost`: its class in the theme.
    pub(super) kind: &'static str,
    /// `✓` or `✗`.
    pub(super) mark: &'static str,
    /// "Won: “X” happened".
    pub(super) display: String,
    /// The future that decided it.
    pub(super) by_url: String,
}

#[derive(Serialize)]
pub(super) struct BetCard {
    pub(super) id: String,
    pub(super) title: String,
    pub(super) url: String,
    /// The map with this bet's futures marked.
    pub(super) map_url: String,
    pub(super) kind: &'static str,
    pub(super) status: &'static str,
    pub(super) instruments: Vec<String>,
    pub(super) horizon: Option<String>,
    /// Its `summary`, else its argument's first paragraph.
    pub(super) summary: String,
    pub(super) payoff: PayoffView,
    /// Won or lost, once resolutions settle it.
    pub(super) verdict: Option<VerdictView>,
    /// What is at stake, where its author says.
    pub(super) stake: Option<StakeView>,
}

/// A bet's stake as pages show it, in the site's currency.
#[derive(Serialize)]
pub(super) struct StakeView {
    /// `$2,000`.
    pub(super) amount: String,
    /// What it is worth if the bet pays off, as a multiple: `3` (`3×`).
    pub(super) pays: String,
    /// What it is worth then: `$6,000`.
    pub(super) worth: String,
    /// What it returns if the bet pays off (`+$4,000`), and if not (`−$2,000`).
    pub(super) gain: String,
    pub(super) loss: String,
    /// The expected value at the site's numbers: `+$100`, `−$600 to
    /// +$1,000`, `unknown`.
    pub(super) expected: String,
    /// `exact`, `range` or `unknown`, as its payoff's.
    pub(super) expected_kind: &'static str,
    /// The expected value as one number to sort by (midpoint of a range);
    /// once settled, what it returned.
    pub(super) sort: Option<f64>,
    /// What it returned, once resolutions settle the bet: `−$2,000`.
    pub(super) returned: Option<String>,
}

/// Why a bet has no essential fork, for its page to say in a sentence.
#[derive(Serialize)]
pub(super) struct NoForkView {
    /// `no-losses`, `follows`, `no-common-ancestor` or `entangled`.
    pub(super) reason: &'static str,
    /// For `follows`: a future the bet wins or loses in that leads to one
    /// it does the opposite in, and whether the first is a win.
    pub(super) from: Option<FutureCard>,
    pub(super) to: Option<FutureCard>,
    pub(super) from_wins: bool,
}

#[derive(Serialize)]
pub(super) struct KindView {
    pub(super) name: &'static str,
    pub(super) count: usize,
    pub(super) bets: Vec<BetCard>,
}

#[derive(Serialize)]
pub(super) struct GroupNode {
    pub(super) future: FutureCard,
    /// Its first members in time order, each without members of its own.
    pub(super) members: Vec<GroupNode>,
    /// How many more members it has than are listed.
    pub(super) more: usize,
    /// How many futures it holds, at any depth.
    pub(super) size: usize,
}

#[derive(Serialize)]
pub(super) struct Paginator {
    pub(super) current: usize,
    pub(super) total: usize,
    pub(super) prev_url: Option<String>,
    pub(super) next_url: Option<String>,
    pub(super) pages: Vec<PageLink>,
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
pub(super) struct PageLink {
    pub(super) number: usize,
    pub(super) url: String,
    /// Pages between this one and the previous link are left out.
    pub(super) gap_before: bool,
}

/// Pages a pager links on either side of the current one.
const PAGER_REACH: usize = 2;

pub(super) fn source_label(own: Option<Own>) -> String {
    match own.map(|o| o.source) {
        Some(Source::Markets(1)) => "market".into(),
        Some(Source::Markets(n)) => format!("aggregate of {n} markets"),
        Some(Source::Estimate) => "author's estimate".into(),
        None => "none".into(),
    }
}

/// Where the probability a future shows comes from, resolutions included:
/// a moved value names what its markets or author said before.
pub(super) fn shown_source(site: &Site, e: &FutureEntry, i: FutureIx) -> String {
    match (e.settled, visible_move(e)) {
        (Settled::Fixed { by, .. }, _) if by == i => "resolved".into(),
        (Settled::Fixed { by, .. }, _) => {
            format!("settled by “{}”", site.futures[by].future.title)
        }
        (_, Some((own, _))) => format!(
            "{} {}, moved by resolved futures upstream",
            source_label(Some(own)),
            percent(Some(own.value))
        ),
        _ => source_label(e.own),
    }
}

/// A future's own probability and the value resolutions upstream moved it
/// to, where the move shows in the numbers as pages print them (a move
/// that rounds away is not worth a sentence; the map's panel says the same).
pub(super) fn visible_move(e: &FutureEntry) -> Option<(Own, f64)> {
    match (e.settled, e.own) {
        (Settled::Moved(v), Some(own)) if percent(Some(v)) != percent(Some(own.value)) => {
            Some((own, v))
        }
        _ => None,
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

pub(super) fn payoff_view(p: Payoff) -> PayoffView {
    match p {
        Payoff::Exact(x) => PayoffView {
            kind: "exact",
            low: Some(x),
            high: Some(x),
            display: format::payoff(p),
        },
        Payoff::Range(lo, hi) => PayoffView {
            kind: "range",
            low: Some(lo),
            high: Some(hi),
            display: format::payoff(p),
        },
        Payoff::Unknown => PayoffView {
            kind: "unknown",
            low: None,
            high: None,
            display: format::payoff(p),
        },
    }
}

impl Renderer<'_> {
    pub(super) fn tag_links(&self, tags: &[String]) -> Vec<TagLink> {
        tags.iter()
            .map(|t| TagLink {
                name: t.clone(),
                url: self.url(&routes::tag(&crate::source::futures::kebab(t))),
            })
            .collect()
    }

    /// The card of post `i` (in `site.posts` order).
    pub(super) fn post(&self, i: PostIx) -> &PostCard {
        self.post_cards[i].get_or_init(|| self.post_card(&self.site.posts[i]))
    }

    pub(super) fn post_card(&self, p: &Page) -> PostCard {
        let d = &p.doc;
        PostCard {
            title: d.title.clone(),
            url: self.url(&d.path),
            permalink: self.permalink(&d.path),
            date: d.date.map(|x| x.day.to_string()).unwrap_or_default(),
            date_display: d.date.map(|x| format::long_date(x.day)).unwrap_or_default(),
            updated: d.updated.map(|x| x.day.to_string()),
            summary: d
                .summary
                .clone()
                .unwrap_or_else(|| p.rendered.summary.clone()),
            reading_minutes: p.rendered.reading_minutes(),
            tags: self.tag_links(&d.tags),
        }
    }

    pub(super) fn future_card(&self, i: FutureIx, edge: Option<f64>) -> FutureCard {
        let e: &FutureEntry = &self.site.futures[i];
        let f = &e.future;
        let settled = SettledMark::of(e, i);
        FutureCard {
            id: f.id.to_string(),
            title: f.title.clone(),
            url: self.url(&routes::future(f.id.as_str())),
            when: f.when.map(|w| w.to_string()),
            probability: e.shown(),
            probability_display: settled.map_or_else(|| percent(e.shown()), |s| s.words.into()),
            source: shown_source(self.site, e, i),
            settled,
            resolution: f.resolved.as_ref().map(format::resolution),
            stale_as_of: e.stale_since().map(|d| d.to_string()),
            implied: e.computed.implied,
            implied_display: percent(e.computed.implied),
            disagreement: e.computed.disagreement,
            disagreement_note: e.computed.disagreement.then(|| {
                format!(
                    "its own {} and the graph's {} differ by more than {} points",
                    percent(e.shown()),
                    percent(e.computed.implied),
                    self.common.disagreement_points
                )
            }),
            is_group: !self.site.graph.members(i).is_empty(),
            tags: f.tags.clone(),
            edge: edge.map(|p| percent(Some(p))),
        }
    }

    pub(super) fn future_cards(&self, ids: &[FutureIx]) -> Vec<FutureCard> {
        ids.iter().map(|&f| self.future_card(f, None)).collect()
    }

    pub(super) fn bet_cards(&self, ids: &[BetIx]) -> Vec<BetCard> {
        ids.iter().map(|&b| self.bet_card(b)).collect()
    }

    pub(super) fn bet_card(&self, i: BetIx) -> BetCard {
        let b: &BetEntry = &self.site.bets[i];
        BetCard {
            id: b.bet.id.to_string(),
            title: b.bet.title.clone(),
            url: self.url(&routes::bet(b.bet.id.as_str())),
            map_url: self.url(&routes::bet_on_map(b.bet.id.as_str())),
            kind: b.bet.kind.name(),
            status: b.bet.status.name(),
            instruments: b.bet.instruments.clone(),
            horizon: b.bet.horizon.clone(),
            summary: b.summary().to_string(),
            payoff: payoff_view(b.payoff),
            verdict: b.verdict.map(|v| self.verdict_view(b, v)),
            stake: self.stake_view(b),
        }
    }

    /// Bet `b`'s stake, if it has one, in the site's currency.
    fn stake_view(&self, b: &BetEntry) -> Option<StakeView> {
        let stake = b.bet.stake?;
        let currency = self.site.config.currency.as_ref();
        let money = |x: f64, signed: bool| format::money(x, currency, signed);
        let ev = stakes::expected(stake, b.payoff);
        let returned = b.returned();
        Some(StakeView {
            amount: money(stake.amount(), false),
            pays: format::multiple(stake.pays()),
            worth: money(stakes::worth(stake), false),
            gain: money(stakes::returns(stake, true), true),
            loss: money(stakes::returns(stake, false), true),
            expected: format::amount(ev, currency),
            expected_kind: match ev {
                Amount::Exact(_) => "exact",
                Amount::Range(..) => "range",
                Amount::Unknown => "unknown",
            },
            sort: returned.or(match ev {
                Amount::Exact(x) => Some(x),
                Amount::Range(lo, hi) => Some((lo + hi) / 2.0),
                Amount::Unknown => None,
            }),
            returned: returned.map(|x| money(x, true)),
        })
    }

    fn verdict_view(&self, b: &BetEntry, v: Verdict) -> VerdictView {
        let by_future = &self.site.futures[v.by()].future;
        VerdictView {
            kind: if v.won() { "won" } else { "lost" },
            mark: format::mark(v.won()),
            display: format::verdict(v, &by_future.title, b.wins_if.len()),
            by_url: self.url(&routes::future(by_future.id.as_str())),
        }
    }

    /// Why bet `i` has no essential fork, as its page says it.
    pub(super) fn no_fork(&self, i: BetIx, why: NoFork) -> NoForkView {
        let (reason, link) = match why {
            NoFork::NoLosses => ("no-losses", None),
            NoFork::Follows { from, to } => ("follows", Some((from, to))),
            NoFork::NoCommonAncestor => ("no-common-ancestor", None),
            NoFork::Entangled => ("entangled", None),
        };
        NoForkView {
            reason,
            from: link.map(|(f, _)| self.future_card(f, None)),
            to: link.map(|(_, t)| self.future_card(t, None)),
            from_wins: link.is_some_and(|(f, _)| self.site.bets[i].wins_if.contains(&f)),
        }
    }

    /// Bets by kind, then status, then title: the order of every list.
    pub(super) fn in_bet_order(&self, mut bets: Vec<BetIx>) -> Vec<BetIx> {
        let key = |b: BetIx| {
            let bet = &self.site.bets[b].bet;
            (bet.kind, bet.status, &bet.title)
        };
        bets.sort_by(|&a, &b| key(a).cmp(&key(b)));
        bets
    }

    /// The bets that win or lose in any of `futures`, in list order.
    pub(super) fn bets_on(&self, futures: &[FutureIx]) -> Vec<BetIx> {
        let mut bets: Vec<BetIx> = futures
            .iter()
            .flat_map(|&f| {
                let e = &self.site.futures[f];
                e.bets_win.iter().chain(&e.bets_lose).copied()
            })
            .collect();
        bets.sort_unstable();
        bets.dedup();
        self.in_bet_order(bets)
    }

    /// Bets grouped by kind, by status then title, at most `limit` a kind.
    pub(super) fn bets_by_kind(&self, limit: usize) -> Vec<KindView> {
        let s = self.site;
        BetKind::ALL
            .iter()
            .map(|k| {
                let idx = self.in_bet_order(
                    BetIx::all(s.bets.len())
                        .filter(|&b| s.bets[b].bet.kind == *k)
                        .collect(),
                );
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

    /// Future `i` with its first `shown` members in time order. Only those
    /// become cards: a group of thousands costs no more than one of six.
    pub(super) fn group_preview(&self, i: FutureIx, shown: usize) -> GroupNode {
        let all = self.site.graph.members(i);
        let members = self
            .in_time_order(all.to_vec())
            .into_iter()
            .take(shown)
            .map(|m| self.group_preview(m, 0))
            .collect::<Vec<_>>();
        GroupNode {
            future: self.future_card(i, None),
            more: all.len() - members.len(),
            members,
            size: self.size(i),
        }
    }

    /// How many futures `i` holds, at any depth.
    pub(super) fn size(&self, i: FutureIx) -> usize {
        self.site
            .graph
            .members(i)
            .iter()
            .map(|&m| 1 + self.size(m))
            .sum()
    }

    /// The futures in no group, each with its first `shown` members.
    pub(super) fn top_level(&self, shown: usize) -> Vec<GroupNode> {
        let top = FutureIx::all(self.site.futures.len())
            .filter(|&i| self.site.graph.group(i).is_none())
            .collect();
        self.in_time_order(top)
            .into_iter()
            .map(|i| self.group_preview(i, shown))
            .collect()
    }

    /// Futures by the start of their window (undated last), then by title.
    pub(super) fn in_time_order(&self, mut futures: Vec<FutureIx>) -> Vec<FutureIx> {
        let key = |i: FutureIx| {
            let f = &self.site.futures[i].future;
            (f.when.map_or(i32::MAX, |w| w.start), f.title.to_lowercase())
        };
        futures.sort_by_cached_key(|&i| key(i));
        futures
    }

    /// The pager of page `current` of `total`, each page's route from `route`.
    pub(super) fn paginator(
        &self,
        current: PageNo,
        total: usize,
        route: impl Fn(PageNo) -> Route,
    ) -> Paginator {
        Paginator::new(current.get(), total, |n| {
            self.route_url(route(PageNo::new(n).unwrap_or(PageNo::FIRST)))
        })
    }

    /// The context every page gets: the site, and this page's address.
    pub(super) fn context(
        &self,
        route: Route,
        title: &str,
        description: &str,
        section: &str,
    ) -> Context {
        let path = self.shape.path(route);
        let path = path.as_str();
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
        let card = crate::routes::CardOf::of(route).map(|c| self.card_meta(c));
        ctx.insert("social_card", &card);
        // Pages showing coloured code say so; the others skip syntax.css.
        ctx.insert("highlighted", &false);
        ctx
    }

    /// A new issue in the repository, titled after the page, to discuss it.
    pub(super) fn discuss_url(&self, title: &str) -> Option<String> {
        use crate::fetch::community::encode;
        self.site.config.repository.as_ref().map(|r| {
            format!(
                "{r}/issues/new?title={}",
                encode(&format!("Discuss: {title}"))
            )
        })
    }

    pub(super) fn edit_url(&self, file: &std::path::Path) -> Option<String> {
        self.site.config.repository.as_ref().map(|r| {
            format!(
                "{r}/blob/main/{}",
                file.to_string_lossy().replace('\\', "/")
            )
        })
    }
}

/// Headings below the title, for a table of contents worth showing.
pub(super) fn toc(headings: &[Heading]) -> Vec<Heading> {
    let v: Vec<Heading> = headings
        .iter()
        .filter(|h| (2..=4).contains(&h.level))
        .cloned()
        .collect();
    if v.len() >= 2 { v } else { Vec::new() }
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
