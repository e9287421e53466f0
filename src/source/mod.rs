//! Reading a site's sources: `site.yaml` ([`config`]), posts and pages
//! ([`content`]), futures ([`futures`]), bets ([`bets`]) and the theme
//! ([`theme`]), each file parsed on its own into typed values with located
//! problems ([`yaml`] words YAML's errors for authors); Markdown rendered,
//! sanitized and its links checked ([`markdown`]); the market references
//! authors write ([`market_ref`]). Nothing here knows about other files'
//! contents: rules across files are the [`crate::model`]'s.

pub mod bets;
pub mod config;
pub mod content;
pub(crate) mod files;
pub mod futures;
pub mod markdown;
pub mod market_ref;
pub mod theme;
pub(crate) mod yaml;
