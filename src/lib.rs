//! Forkcast turns a folder of Markdown posts, YAML futures and Markdown bets
//! into a static site. The pipeline runs one way:
//!
//! load ([`config`], [`content`], [`futures`], [`bets`], [`site`]) →
//! fetch ([`markets`]) → compute ([`graph`], [`site`]) → render
//! ([`render`], [`markdown`], [`map`], [`chart`], [`search`]) → write
//! ([`output`]). [`pipeline`] runs it; [`build`] and [`check`] are the
//! entry points the command line uses.

pub mod bets;
pub mod chart;
pub mod community;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod files;
pub mod format;
pub mod futures;
pub mod graph;
pub mod layout;
pub mod map;
pub mod markdown;
pub mod markets;
pub mod output;
pub mod pipeline;
pub mod remote;
pub mod render;
pub mod routes;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod site;
pub mod text;
pub mod theme;
pub mod yaml;

pub use diagnostics::{Diagnostic, Format};
pub use pipeline::{
    Built, Error, Fetched, Progress, build, build_with_progress, check, discuss, fetch, load,
};
pub use site::{BuildOptions, Site};
