//! Forkcast turns a folder of Markdown posts, YAML futures and Markdown
//! bets into a static site. Data flows one way, one folder per stage:
//!
//! [`source`] (read and validate every file) → [`fetch`] (market prices and
//! discussions, through the committed snapshots) → [`model`] (the graph,
//! its probability rules, the computed site) → [`render`] (pages, data
//! files, charts, the map, search) → [`output`] (written atomically).
//! [`routes`] names every output file; [`diagnostics`] is how every stage
//! reports a problem; [`commands`] runs the stages for `build`, `check`,
//! `fetch`, `discuss`, `serve`, `init` and `new`.

// What no embedder needs is `pub(crate)`; this keeps it so.
#![warn(unreachable_pub)]

pub mod commands;
pub mod diagnostics;
pub mod fetch;
pub mod model;
pub mod output;
pub mod render;
pub mod routes;
pub mod source;

pub use commands::pipeline::{
    Built, Error, Fetched, Progress, build, build_with_progress, check, discuss, fetch, load,
};
pub use diagnostics::{Diagnostic, Format};
pub use model::site::{BuildOptions, Site};
