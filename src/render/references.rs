//! `[[id]]` references as pages show them: the rendered Markdown
//! ([`Html`]) joined with the site's titles and numbers — a future's shown
//! probability (its outcome once settled), a bet's chance of paying off
//! (its verdict once settled) — in [`format`]'s words. One function for
//! every page kind, so a reference reads the same everywhere.
//!
//! The markup: `<a class="ref" href="…/futures/agi/" data-future="agi"><span
//! class="ref-t">AGI by 2030</span> <span class="ref-p">42%</span></a>` (the
//! words underlined, not the space or the number); `data-future` /
//! `data-bet` let `view-ui.js` add the reader's number after `.ref-p`.

use std::borrow::Cow;

use crate::model::site::{Settled, Site};
use crate::render::format::{self, percent};
use crate::routes;
use crate::source::markdown::escape_html;
use crate::source::record::Outcome;
use crate::source::references::{Html, Part, Target};

/// `html` with each reference's link, title and number filled in (as it
/// is, without a copy, when it has none).
pub(crate) fn join<'h>(site: &Site, html: &'h Html) -> Cow<'h, str> {
    if html.is_plain() {
        return Cow::Borrowed(html.text());
    }
    Cow::Owned(html.join(|out, part, target| match part {
        Part::Open => open(site, out, target),
        Part::Title => out.push_str(&escape_html(title(site, target))),
        Part::Close => {
            out.push_str("</span>");
            out.push_str(&number(site, target));
            out.push_str("</a>");
        }
    }))
}

/// The link's start tag, with what the reader's view needs to update it.
fn open(site: &Site, out: &mut String, target: Target) {
    let (path, attribute, id) = match target {
        Target::Future(f) => {
            let id = site.futures[f].future.id.as_str();
            (routes::future(id), "data-future", id)
        }
        Target::Bet(b) => {
            let id = site.bets[b].bet.id.as_str();
            (routes::bet(id), "data-bet", id)
        }
    };
    out.push_str(&format!(
        "<a class=\"ref\" href=\"{}{}\" {attribute}=\"{}\"><span class=\"ref-t\">",
        escape_html(site.config.base_url.path()),
        escape_html(&path),
        escape_html(id)
    ));
}

fn title(site: &Site, target: Target) -> &str {
    match target {
        Target::Future(f) => &site.futures[f].future.title,
        Target::Bet(b) => &site.bets[b].bet.title,
    }
}

/// The number as a reference shows it after the title: a settled future
/// or bet has a mark (hidden from screen readers, which read the words)
/// and words instead; a bet's chance says what it is to screen readers.
fn number(site: &Site, target: Target) -> String {
    let settled = |class: &str, yes: bool, words: &str| {
        format!(
            " <span class=\"ref-p {class}\"><span aria-hidden=\"true\">{}</span> {words}</span>",
            format::mark(yes)
        )
    };
    match target {
        Target::Future(f) => {
            let e = &site.futures[f];
            match e.settled {
                Settled::Fixed { outcome, .. } => settled(
                    &format!("settled {}", outcome.as_str()),
                    outcome == Outcome::Happened,
                    format::outcome_title(outcome),
                ),
                _ => format!(" <span class=\"ref-p\">{}</span>", percent(e.effective())),
            }
        }
        Target::Bet(b) => {
            let bet = &site.bets[b];
            match bet.verdict {
                Some(v) => {
                    let kind = if v.won() {
                        "verdict won"
                    } else {
                        "verdict lost"
                    };
                    settled(kind, v.won(), format::verdict_word(v.won()))
                }
                None => format!(
                    " <span class=\"ref-p\">{}</span><span class=\"visually-hidden\"> chance of paying off</span>",
                    format::payoff(bet.payoff)
                ),
            }
        }
    }
}
