//! The model and its rules: the future graph and every probability rule
//! ([`graph`]), and the [`site`] — its sources checked across files, then
//! computed with the fetched observations into what every page shows.
//! `serve`'s incremental edits are applied here too ([`site`]'s refresh).
//! [`diff`] compares two versions of a site's futures and bets; [`stakes`]
//! what a bet's stake is worth.

pub(crate) mod diff;
pub(crate) mod graph;
pub(crate) mod site;
pub(crate) mod stakes;
