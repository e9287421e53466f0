//! Forkcast turns a folder of Markdown posts, YAML futures and Markdown
//! bets into a static site. Data flows one way, one folder per stage:
//!
//! `source` (read and validate every file) → `fetch` (market prices and
//! discussions, through the committed snapshots) → `model` (the graph,
//! its probability rules, the computed site) → `render` (pages, data
//! files, charts, the map, search) → `output` (written atomically).
//! `routes` names every output file; `diagnostics` is how every stage
//! reports a problem; `commands` runs the stages for `build`, `check`,
//! `fetch`, `discuss`, `serve`, `init`, `new`, `evidence add`, `diff` and
//! `theme eject`. Those
//! modules are the crate's own; what follows is all an embedder (and the
//! `forkcast` binary) calls.
//!
//! # Public API
//!
//! - [`build`] (or [`build_with_progress`]) a site folder into an output
//!   folder, with [`BuildOptions`]; [`check`] it without writing; [`fetch()`]
//!   its market prices and discussions into its snapshots; [`discuss`]
//!   which futures and bets have a discussion thread. Each fails with an
//!   [`Error`]; problems in the site's files are [`Diagnostic`]s, printed
//!   by [`render_all`].
//! - [`serve::Server`]: build, serve on 127.0.0.1 and rebuild on every edit.
//! - [`scaffold::init`] a new site, [`scaffold::new`] post, future or bet.
//! - [`evidence::add`] an item to a future's evidence, changing no other
//!   byte of its file.
//! - [`theme::eject`] the built-in templates into a site's `templates/`.
//! - [`diff::diff`]: what the working tree changes against a git revision
//!   (futures and bets, and the numbers that move), in words or JSON.
//! - [`config::find_root`]: the site folder holding a path.
//! - [`markets::import_history`]: a market's past prices from a CSV file.
//! - [`search::query`]: the site's search over its built index files.
//! - [`MARKER`]: the file that marks a folder as a build's output.

// What no embedder needs is `pub(crate)`; this keeps it so.
#![warn(unreachable_pub)]

pub(crate) mod commands;
pub(crate) mod diagnostics;
pub(crate) mod fetch;
pub(crate) mod model;
pub(crate) mod output;
pub(crate) mod render;
pub(crate) mod routes;
pub(crate) mod source;

pub use commands::pipeline::{
    Built, Error, Fetched, Progress, build, build_with_progress, check, discuss, fetch,
};
pub use diagnostics::{Diagnostic, Format, Pos, Severity, render_all};
pub use fetch::community::discuss::DiscussError;
pub use fetch::remote::{ClientError, Endpoints, Failure, Fault, Policy};
pub use model::site::BuildOptions;
pub use output::{CardCount, MARKER, Refused, WriteError, Written};
pub use render::RenderError;
pub use render::browser_data::EncodeError;
pub use render::spreadsheet::SpreadsheetError;

/// `forkcast serve`: a server on 127.0.0.1 that rebuilds on every edit.
pub mod serve {
    pub use crate::commands::serve::{Event, ServeError, ServeOptions, Server};
}

/// `forkcast init` and `forkcast new`.
pub mod scaffold {
    pub use crate::commands::scaffold::{NewKind, ScaffoldError, Scaffolded, init, new};
}

/// `forkcast evidence add`: an item appended to a future's `evidence:`.
pub mod evidence {
    pub use crate::commands::evidence::{Added, Direction, EvidenceError, NewEvidence, add};
}

/// `forkcast diff`: what the working tree changes against a git revision.
pub mod diff {
    pub use crate::commands::diff::{Compared, DiffError, diff};
    pub use crate::source::revision::RevisionError;
}

/// `forkcast theme eject`: the built-in templates copied into a site.
pub mod theme {
    pub use crate::commands::theme::{EjectError, Ejected, eject};
}

/// Finding a site: the file that marks its root.
pub mod config {
    pub use crate::source::config::{FILE, find_root};
}

/// The site's search, answered in Rust as the browser answers it.
pub mod search {
    pub use crate::output::OutputFile;
    pub use crate::render::search::query;
}

/// Market prices: what fetching them did, and `forkcast import-history`.
pub mod markets {
    pub use crate::fetch::markets::{Imported, Summary, import_history};
}

/// Discussion threads: what fetching them and `forkcast discuss` did.
pub mod community {
    pub use crate::fetch::community::discuss::Discussed;
    pub use crate::fetch::community::github::ReadError;
    pub use crate::fetch::community::{Kind, Subject, Summary};
}
