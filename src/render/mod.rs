//! Turns a computed [`Site`] into output files: every route of
//! [`crate::routes`] through the theme's tera templates, in parallel, plus
//! the data files (`graph.json`, summaries, the search index, the
//! highlighting stylesheet). Reads and writes no file: each one is handed to
//! a sink as soon as it is done.
//!
//! [`views`] holds what templates see of posts, futures and bets, [`pages`]
//! one function per kind of page, [`matrix`] the bets matrix's rows and
//! columns, [`data`] the machine-readable files and [`browser_data`] their
//! shapes, [`community`] what pages show of discussion threads, [`changes`]
//! what `/changes/`, the home page and the feeds say of what moved,
//! [`references`] the `[[id]]` links of Markdown with their numbers,
//! [`card`] what a card says of a page and [`embed`] a future's or bet's
//! card for other sites' iframes, with its oEmbed description;
//! [`template_error`] says where in the site's own templates one failed.

pub(crate) mod browser_data;
mod calibration;
mod card;
mod card_image;
mod changes;
pub(crate) mod chart;
mod community;
mod data;
mod embed;
pub(crate) mod format;
pub(crate) mod layout;
pub(crate) mod map;
mod matrix;
mod pages;
pub(crate) mod references;
pub(crate) mod search;
pub(crate) mod spreadsheet;
mod template_error;
pub(crate) mod text;
mod views;

use std::fmt;
use std::sync::OnceLock;

use rayon::prelude::*;
use tera::Tera;

use crate::model::site::Site;
use crate::output::{CachedFile, OutputFile};
use crate::render::embed::Subject;
use crate::render::layout::Layout;
use crate::routes::{FutureIx, Route, Shape};
use crate::source::markdown;

/// Why a file could not be rendered.
#[derive(Debug)]
pub enum RenderError {
    /// A template that would not parse or render.
    Template { template: String, message: String },
    /// The same, the mistake in one of the site's own templates: located
    /// there, and said in words.
    Site(crate::diagnostics::Diagnostic),
    /// A data file for the browser that could not be encoded.
    Encode(browser_data::EncodeError),
    /// The spreadsheet could not be written.
    Spreadsheet(spreadsheet::SpreadsheetError),
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenderError::Template { template, message } => {
                write!(f, "template `{template}`: {message}")
            }
            RenderError::Site(d) => d.fmt(f),
            RenderError::Encode(e) => e.fmt(f),
            RenderError::Spreadsheet(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for RenderError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RenderError::Template { .. } | RenderError::Site(_) => None,
            RenderError::Encode(e) => Some(e),
            RenderError::Spreadsheet(e) => Some(e),
        }
    }
}

impl From<browser_data::EncodeError> for RenderError {
    fn from(e: browser_data::EncodeError) -> RenderError {
        RenderError::Encode(e)
    }
}

impl From<spreadsheet::SpreadsheetError> for RenderError {
    fn from(e: spreadsheet::SpreadsheetError) -> RenderError {
        RenderError::Spreadsheet(e)
    }
}

impl RenderError {
    fn from_tera(template: &str, e: &tera::Error) -> RenderError {
        let mut message = e.to_string();
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            message.push_str(": ");
            message.push_str(&s.to_string());
            source = s.source();
        }
        RenderError::Template {
            template: template.to_string(),
            message,
        }
    }
}

/// Renders the whole site, handing each file to `emit` as soon as it is
/// done (from any thread), so pages need not all be held at once, and each
/// social card, still to be drawn, to `cards`. Returns the parsed templates
/// and the search index, which `serve` keeps for its incremental rebuilds.
pub(crate) fn render(
    site: &Site,
    emit: &(dyn Fn(OutputFile) + Sync),
    cards: &(dyn Fn(CachedFile) + Sync),
) -> Result<(Tera, crate::render::search::Index), RenderError> {
    let tera = templates(site)?;
    let index = Renderer::new(site, &tera).render_all(emit, cards)?;
    Ok((tera, index))
}

/// The theme's templates, parsed.
pub(crate) fn templates(site: &Site) -> Result<Tera, RenderError> {
    let sources = site
        .theme
        .templates
        .iter()
        .map(|t| (t.name.as_str(), t.text.as_ref()));
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(markdown::escape_html);
    tera.add_raw_templates(sources).map_err(|e| {
        template_error::Rendering {
            theme: &site.theme,
            template: None,
            page: None,
            context: None,
        }
        .error(&e)
    })?;
    Ok(tera)
}

/// Renders files of one site with one set of templates.
pub(crate) struct Renderer<'a> {
    site: &'a Site,
    tera: &'a Tera,
    shape: Shape<'a>,
    layout: Layout,
    common: views::SiteView,
    /// The top level of the future map, as static SVG.
    map: String,
    /// Futures by title, for the table.
    by_title: Vec<FutureIx>,
    /// Each post's card, made once: a post shows on its own page, its
    /// neighbours', a list page, its tag pages and the feed.
    post_cards: Vec<OnceLock<views::PostCard>>,
    /// What moved, made once for `/changes/`, the home page and the feeds.
    changes: crate::model::site::Changes,
    /// Each future's items (indexes into `changes.items`), for its feed.
    changes_of: Vec<Vec<usize>>,
    /// The embeds' stylesheet and its hash, made on first use.
    embed_style: OnceLock<embed::EmbedStyle>,
}

impl<'a> Renderer<'a> {
    pub(crate) fn new(site: &'a Site, tera: &'a Tera) -> Renderer<'a> {
        let items: Vec<crate::render::layout::Item> = site
            .futures
            .iter()
            .map(|e| crate::render::layout::Item {
                title: &e.future.title,
                when: e.future.when,
            })
            .collect();
        let layout = crate::render::layout::layout(&site.graph, &items);
        let changes = site.changes();
        let mut changes_of = vec![Vec::new(); site.futures.len()];
        for (k, it) in changes.items.iter().enumerate() {
            if let crate::model::site::About::Future(i) = it.subject {
                changes_of[i.get()].push(k);
            }
        }
        Renderer {
            changes,
            changes_of,
            site,
            tera,
            shape: site.shape(),
            common: views::SiteView::of(site),
            map: crate::render::map::top_level(site, &layout),
            post_cards: site.posts.iter().map(|_| OnceLock::new()).collect(),
            by_title: site.futures_by_title(),
            layout,
            embed_style: OnceLock::new(),
        }
    }

    /// Renders every file of the site in parallel; see [`render`].
    fn render_all(
        &self,
        emit: &(dyn Fn(OutputFile) + Sync),
        cards: &(dyn Fn(CachedFile) + Sync),
    ) -> Result<crate::render::search::Index, RenderError> {
        // The search index is the one large step that is not a page; building
        // it beside the pages keeps both cores busy through its merge. Cards
        // are handed out beside both: the few to draw are drawn in parallel.
        let (pages, index) = rayon::join(
            || {
                rayon::join(
                    || {
                        // The spreadsheet, drawn only when its facts
                        // changed, comes from the cache as the cards do.
                        let all = self.shape.cards();
                        rayon::join(
                            || all.par_iter().for_each(|&c| cards(self.card_file(c))),
                            || cards(self.spreadsheet_file()),
                        );
                    },
                    || {
                        self.shape
                            .all()
                            .par_iter()
                            .filter(|&&route| route != Route::Spreadsheet)
                            .try_for_each(|&route| self.file(route).map(emit))
                    },
                )
                .1
            },
            || {
                let index = crate::render::search::Index::build(self.search_docs());
                index
                    .files()
                    .map(|files| files.into_iter().for_each(emit))?;
                Ok::<_, RenderError>(index)
            },
        );
        pages?;
        index
    }

    /// Renders `routes` in parallel.
    pub(crate) fn render_routes(&self, routes: &[Route]) -> Result<Vec<OutputFile>, RenderError> {
        routes.par_iter().map(|&r| self.file(r)).collect()
    }

    /// The file of `route`.
    pub(crate) fn file(&self, route: Route) -> Result<OutputFile, RenderError> {
        let path = self.shape.file(route);
        let bytes = match route {
            Route::GraphJson => data::graph_json(self.site, &self.shape, &self.layout, &path)?,
            Route::Summaries => data::summaries_json(self.site, &path)?,
            Route::FutureCard(i) => data::card_json(&self.future_facts(i), &path)?,
            Route::BetCard(b) => data::card_json(&self.bet_facts(b), &path)?,
            Route::SyntaxCss => markdown::highlight_css().into_bytes(),
            Route::Spreadsheet => spreadsheet::draw(&self.spreadsheet_facts(), &path)?,
            Route::FutureEmbed(i) => return self.embed_file(route, Subject::Future(i)),
            Route::BetEmbed(b) => return self.embed_file(route, Subject::Bet(b)),
            Route::FutureOembed(i) => return self.oembed_file(route, Subject::Future(i)),
            Route::BetOembed(b) => return self.oembed_file(route, Subject::Bet(b)),
            page => return self.page(page),
        };
        Ok(OutputFile { path, bytes })
    }

    /// What the spreadsheet is drawn from.
    fn spreadsheet_facts(&self) -> spreadsheet::Facts {
        spreadsheet::Facts::of(self.site, &self.shape, &self.common)
    }

    /// The spreadsheet, to be taken from the cache or drawn.
    pub(crate) fn spreadsheet_file(&self) -> CachedFile {
        let facts = self.spreadsheet_facts();
        let path = self.shape.file(Route::Spreadsheet);
        CachedFile {
            key: spreadsheet::key(&facts),
            draw: {
                let path = path.clone();
                Box::new(move || spreadsheet::draw(&facts, &path).map_err(|e| e.to_string()))
            },
            path,
        }
    }

    /// `path` below the base URL, as a link.
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.site.config.base_url.path())
    }

    /// `path` as a full URL.
    fn permalink(&self, path: &str) -> String {
        format!("{}{path}", self.site.config.base_url.as_str())
    }

    /// Why `template` failed while making `page`, located in the site's
    /// own template when the mistake is there.
    fn template_error(
        &self,
        template: &str,
        page: Option<&str>,
        context: Option<&tera::Context>,
        e: &tera::Error,
    ) -> RenderError {
        template_error::Rendering {
            theme: &self.site.theme,
            template: Some(template),
            page,
            context,
        }
        .error(e)
    }

    fn route_url(&self, route: Route) -> String {
        self.url(&self.shape.path(route))
    }

    /// Rendered Markdown with its references' titles and numbers.
    fn html<'h>(&self, html: &'h crate::source::references::Html) -> std::borrow::Cow<'h, str> {
        references::join(self.site, html)
    }
}
