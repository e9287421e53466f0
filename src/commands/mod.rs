//! The commands, each running the stages in order: the [`pipeline`]
//! (`build`, `check`, `fetch`, `discuss`), [`serve`] (a full build, then
//! incremental rebuilds on every edit) and [`scaffold`] (`init`, `new`).

pub mod pipeline;
pub mod scaffold;
pub mod serve;
