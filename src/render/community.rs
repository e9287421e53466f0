//! What pages and `graph.json` show of a future's or bet's discussion
//! thread: "▲ up ▼ down · N comments" as of the snapshot's day with links
//! to vote and discuss, or a link that opens the thread, prefilled.

use tera::Context;

use super::Renderer;
pub(super) use super::browser_data::Community as CommunityView;
use crate::fetch::community::{Kind, Subject, Wanted};
use crate::model::site::Site;
use crate::routes::{Route, Shape};

/// The view of the discussion of the future or bet whose page is `route`,
/// with `community: true`.
pub(super) fn view(site: &Site, shape: &Shape, route: Route) -> Option<CommunityView> {
    let community = site.community.as_ref()?;
    let (kind, id, title) = match route {
        Route::Future(i) => {
            let f = &site.futures[i].future;
            (Kind::Future, f.id.as_str(), f.title.as_str())
        }
        Route::Bet(i) => {
            let b = &site.bets[i].bet;
            (Kind::Bet, b.id.as_str(), b.title.as_str())
        }
        _ => return None,
    };
    let subject = Subject::new(kind, id);
    Some(match community.votes(&subject) {
        Some(v) => CommunityView {
            up: v.up,
            down: v.down,
            comments: v.comments,
            comments_label: format!(
                "{} comment{}",
                v.comments,
                if v.comments == 1 { "" } else { "s" }
            ),
            score: v.up as i64 - v.down as i64,
            url: Some(v.url.clone()),
            new_url: None,
            as_of: Some(v.as_of.to_string()),
            stale: v.stale,
        },
        None => {
            let wanted = Wanted {
                subject,
                title: title.to_string(),
                permalink: format!("{}{}", site.config.base_url.as_str(), shape.path(route)),
            };
            CommunityView {
                up: 0,
                down: 0,
                comments: 0,
                comments_label: "0 comments".into(),
                score: 0,
                url: None,
                new_url: Some(wanted.new_issue_url(&community.repository)),
                as_of: None,
                stale: false,
            }
        }
    })
}

/// Where a future's or bet's "Discuss" link goes: its thread, or the
/// prefilled form that opens it.
pub(super) fn discuss_url(view: &CommunityView) -> Option<String> {
    view.url.clone().or_else(|| view.new_url.clone())
}

/// The day of the last complete listing, for the futures table's note.
pub(super) fn as_of(site: &Site) -> Option<String> {
    site.community.as_ref()?.as_of.map(|d| d.to_string())
}

impl Renderer<'_> {
    /// Puts `community` (the discussion of the future or bet whose page is
    /// `route`) in a page's context, and points its "Discuss" link at the
    /// thread.
    pub(super) fn insert_community(&self, ctx: &mut Context, route: Route) {
        let view = view(self.site, &self.shape, route);
        if let Some(v) = &view {
            ctx.insert("discuss_url", &discuss_url(v));
        }
        ctx.insert("community", &view);
    }
}
