//! The commands, each running the stages in order: the [`pipeline`]
//! (`build`, `check`, `fetch`, `discuss`), [`serve`] (a full build, then
//! incremental rebuilds on every edit) and [`scaffold`] (`init`, `new`).

pub(crate) mod pipeline;
pub(crate) mod scaffold;
pub(crate) mod serve;
