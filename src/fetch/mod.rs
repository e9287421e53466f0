//! What a build reads from other hosts, always through a committed
//! snapshot so that offline builds show the same: market prices and
//! history ([`markets`]), votes and discussion threads ([`community`]),
//! and the one HTTP client, freshness rule and snapshot store they share
//! ([`remote`]). A fault here never fails a build: the last good values are
//! shown, marked stale.

pub(crate) mod community;
pub(crate) mod markets;
pub(crate) mod remote;
