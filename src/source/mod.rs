//! Reading a site's sources: `site.yaml` ([`config`]), posts and pages
//! ([`content`]), futures ([`futures`]), bets ([`bets`]) and the theme
//! ([`theme`]), each file parsed on its own into typed values with located
//! problems ([`yaml`] words YAML's errors for authors); Markdown rendered,
//! sanitized and its links checked ([`markdown`]), its `[[id]]` references
//! resolved against the futures and bets it is given ([`references`]); the market references
//! authors write ([`market_ref`]); the history of each future's estimate,
//! from one `git log` ([`history`]); a site's futures and bets as a git
//! revision holds them ([`revision`], for `diff`). Nothing here knows about other files'
//! contents: rules across files are the [`crate::model`]'s.

pub(crate) mod bets;
pub(crate) mod config;
pub(crate) mod content;
pub(crate) mod dates;
pub(crate) mod fields;
pub(crate) mod files;
pub(crate) mod futures;
pub(crate) mod history;
pub(crate) mod markdown;
pub(crate) mod market_ref;
pub(crate) mod record;
pub(crate) mod references;
pub(crate) mod revision;
pub(crate) mod theme;
pub(crate) mod yaml;
