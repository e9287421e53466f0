//! The committed market data: `data/markets.json` (the last good value of
//! every market) and `data/history/<platform>/<id>.csv` (one row a day),
//! kept through [`crate::fetch::remote::store`]: atomic writes, stable order.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::MarketRef;
use super::platforms::Status;
use crate::diagnostics::Diagnostic;
use crate::fetch::remote::store;
pub(crate) use crate::fetch::remote::store::write_atomic;

pub(crate) const SNAPSHOT: &str = "data/markets.json";
pub(crate) const HISTORY: &str = "data/history";

/// What was last read from one market.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Entry {
    /// `None` when the platform hid it.
    pub value: Option<f64>,
    #[serde(with = "status_text")]
    pub status: Status,
    pub fetched_at: Timestamp,
    pub url: String,
    pub title: String,
}

/// Status as one readable string: `open`, `closed`, `resolved YES`.
mod status_text {
    use super::Status;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(s: &Status, ser: S) -> Result<S::Ok, S::Error> {
        ser.serialize_str(&s.label())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(de: D) -> Result<Status, D::Error> {
        let s = String::deserialize(de)?;
        Ok(match s.as_str() {
            "open" => Status::Open,
            "closed" => Status::Closed,
            other => Status::Resolved(other.strip_prefix("resolved ").unwrap_or(other).to_string()),
        })
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Snapshot {
    /// By reference (`manifold:slug`), sorted.
    pub markets: BTreeMap<String, Entry>,
}

impl Snapshot {
    /// Reads the snapshot; a site without one has an empty snapshot.
    pub(crate) fn load(root: &Path) -> Result<Snapshot, Diagnostic> {
        store::load(
            root,
            SNAPSHOT,
            "market snapshot",
            "fetch every market again",
        )
    }

    pub(crate) fn get(&self, r: &MarketRef) -> Option<&Entry> {
        self.markets.get(&r.to_string())
    }

    pub(crate) fn put(&mut self, r: &MarketRef, entry: Entry) {
        self.markets.insert(r.to_string(), entry);
    }

    /// Writes `data/markets.json` atomically.
    pub(crate) fn save(&self, root: &Path) -> io::Result<()> {
        store::save(root, SNAPSHOT, self)
    }
}

/// `data/history/<platform>/<id>.csv`; an outcome becomes part of the name.
pub(crate) fn history_path(root: &Path, r: &MarketRef) -> PathBuf {
    let mut name = r.id.clone();
    if let Some(o) = &r.outcome {
        name.push_str("--");
        name.push_str(o);
    }
    let name: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    root.join(HISTORY)
        .join(r.platform.name())
        .join(format!("{name}.csv"))
}

/// One market's daily values, oldest first.
pub(crate) fn read_history(path: &Path) -> Vec<(Date, f64)> {
    let Ok(text) = fs::read_to_string(path) else {
        return Vec::new();
    };
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let (d, p) = line.split_once(',')?;
            Some((
                d.trim().parse().ok()?,
                p.trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|p| (0.0..=1.0).contains(p))?,
            ))
        })
        .collect()
}

/// What a merge did to one history file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Merge {
    /// Days the file did not have.
    pub added: usize,
    /// Days whose value changed.
    pub changed: usize,
}

/// The precision a history file keeps: a hundredth of a percentage point.
fn rounded(p: f64) -> f64 {
    (p * 10_000.0).round() / 10_000.0
}

/// Merges `new` rows into the history at `path` (a day's new value wins)
/// and writes it back if anything changed. Values are rounded to the
/// file's precision first, so merging the same rows again writes nothing.
pub(crate) fn merge_history(path: &Path, new: &[(Date, f64)]) -> io::Result<Merge> {
    let old = read_history(path);
    let mut rows: BTreeMap<Date, f64> = old.iter().copied().collect();
    let mut merge = Merge::default();
    for &(d, p) in new {
        match rows.insert(d, rounded(p)) {
            None => merge.added += 1,
            Some(before) if before != rounded(p) => merge.changed += 1,
            Some(_) => {}
        }
    }
    if merge == Merge::default() {
        return Ok(merge);
    }
    let mut text = String::from("date,probability\n");
    for (d, p) in rows {
        text.push_str(&format!("{d},{p:.4}\n"));
    }
    write_atomic(path, text.as_bytes())?;
    Ok(merge)
}
