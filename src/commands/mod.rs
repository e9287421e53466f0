//! The commands, each running the stages in order: the [`pipeline`]
//! (`build`, `check`, `fetch`, `discuss`), [`serve`] (a full build, then
//! incremental rebuilds on every edit), [`scaffold`] (`init`, `new`) and
//! [`evidence`] (`evidence add`, an item appended to a future's file),
//! [`diff`] (what the working tree changes against a git revision) and
//! [`theme`] (`theme eject`, the built-in templates copied into the site).

pub(crate) mod diff;
pub(crate) mod evidence;
pub(crate) mod pipeline;
pub(crate) mod scaffold;
pub(crate) mod serve;
pub(crate) mod theme;
