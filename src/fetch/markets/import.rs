//! `forkcast import-history FILE.csv`: history recorded elsewhere (a
//! spreadsheet, another aggregator, a research dataset) merged into
//! `data/history/` and `data/markets.json` by the fetcher's own rules (one
//! row a day, atomic writes, stable order), so a later `fetch` simply
//! continues each history from where the import stopped.
//!
//! The file is CSV with a header row. `reference`, `date` (YYYY-MM-DD) and
//! `value` (0–1) are required; `title`, `url` and `status` are optional and
//! may be given on any one row of a market. A file with any bad row writes
//! nothing.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use jiff::civil::Date;

use super::MarketRef;
use super::platforms::Status;
use super::snapshot::{self, Entry, Snapshot};
use crate::diagnostics::{Diagnostic, Pos};

/// At most this many row errors are listed; a file that is wrong
/// throughout (a shifted column) would otherwise print thousands.
const MAX_ERRORS: usize = 20;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Column {
    Reference,
    Date,
    Value,
    Title,
    Url,
    Status,
}

const COLUMNS: [(&str, Column); 6] = [
    ("reference", Column::Reference),
    ("date", Column::Date),
    ("value", Column::Value),
    ("title", Column::Title),
    ("url", Column::Url),
    ("status", Column::Status),
];
const REQUIRED: [Column; 3] = [Column::Reference, Column::Date, Column::Value];

/// One field of the file and where it starts.
#[derive(Clone, Debug)]
struct Cell {
    text: String,
    pos: Pos,
}

/// A market's optional description, with the cell it came from so that a
/// second, different value can point back at the first.
type Described<T> = Option<(T, Cell)>;

#[derive(Default)]
struct Market {
    /// Day → (value, the value's cell).
    days: BTreeMap<Date, (f64, Cell)>,
    title: Described<String>,
    url: Described<String>,
    status: Described<Status>,
}

/// What an import did, for its one-line report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Imported {
    pub markets: usize,
    pub rows: usize,
    /// Rows that repeat another row of the file exactly.
    pub duplicates: usize,
    /// Days the history files did not have.
    pub added: usize,
    /// Days whose recorded value the import replaced.
    pub changed: usize,
    /// Snapshot entries set from the import.
    pub updated: usize,
    /// Snapshot entries left alone: as new as the import's last day, or newer.
    pub kept: usize,
}

impl fmt::Display for Imported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "imported {} rows of {} markets: {} new days, {} changed",
            self.rows, self.markets, self.added, self.changed
        )?;
        if self.duplicates > 0 {
            write!(f, ", {} duplicate rows skipped", self.duplicates)?;
        }
        write!(
            f,
            "; {}: {} updated, {} already as new or newer",
            snapshot::SNAPSHOT,
            self.updated,
            self.kept
        )
    }
}

/// Imports the history in `csv` into the site at `root`. Errors name the
/// file, line and column of each bad cell; with any error nothing is
/// written.
pub fn import_history(root: &Path, csv: &Path) -> Result<Imported, Vec<Diagnostic>> {
    let file = shown_path(root, csv);
    let text = std::fs::read_to_string(csv).map_err(|e| {
        vec![
            Diagnostic::error(&file, Pos::START, format!("cannot read: {e}"))
                .with_help("give the path of a CSV file saved as UTF-8 text"),
        ]
    })?;
    let today = jiff::tz::TimeZone::UTC.to_datetime(Timestamp::now()).date();
    let (markets, rows, duplicates) = read_markets(&text, &file, today)?;
    let mut done = Imported {
        markets: markets.len(),
        rows,
        duplicates,
        ..Imported::default()
    };
    write_histories(root, &markets, &mut done)?;
    update_snapshot(root, &markets, &mut done)?;
    Ok(done)
}

/// The CSV's path as diagnostics show it: relative to the site's root when
/// it lies inside, as every other file a diagnostic names.
fn shown_path(root: &Path, csv: &Path) -> PathBuf {
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let csv = absolute(csv);
    csv.strip_prefix(absolute(root))
        .map(Path::to_path_buf)
        .unwrap_or(csv)
}

/// Parses and checks the whole file: the markets by reference, the number
/// of data rows and of exact duplicates.
fn read_markets(
    text: &str,
    file: &Path,
    today: Date,
) -> Result<(BTreeMap<MarketRef, Market>, usize, usize), Vec<Diagnostic>> {
    let records = records(text).map_err(|pos| {
        vec![
            Diagnostic::error(file, pos, "a quoted field is never closed").with_help(
                "end the field with `\"`; write a quote inside a quoted field as `\"\"`",
            ),
        ]
    })?;
    let Some((header, rows)) = records.split_first() else {
        return Err(vec![
            Diagnostic::error(file, Pos::START, "the file is empty")
                .with_help("start with the header `reference,date,value` (optionally `,title,url,status`), then one row per market and day"),
        ]);
    };
    let columns = columns(header, file).map_err(|d| vec![d])?;
    let mut errors = Vec::new();
    let mut markets: BTreeMap<MarketRef, Market> = BTreeMap::new();
    let mut duplicates = 0;
    for row in rows {
        match read_row(row, &columns, file, today) {
            Ok(r) => match add_row(&mut markets, r, file) {
                Ok(duplicate) => duplicates += usize::from(duplicate),
                Err(d) => errors.push(d),
            },
            Err(mut ds) => errors.append(&mut ds),
        }
    }
    if errors.is_empty() {
        return Ok((markets, rows.len(), duplicates));
    }
    if errors.len() > MAX_ERRORS {
        let more = errors.len() - MAX_ERRORS;
        let last = errors[MAX_ERRORS - 1].pos;
        errors.truncate(MAX_ERRORS);
        errors.push(
            Diagnostic::error(file, last, format!("… and {more} more errors"))
                .with_help("the first ones often share a cause, such as a column in the wrong place; fix them and run the import again"),
        );
    }
    Err(errors)
}

/// Which column holds what; the header's problems are errors at its cells.
fn columns(header: &[Cell], file: &Path) -> Result<Vec<Column>, Diagnostic> {
    let names: Vec<&str> = COLUMNS.iter().map(|(n, _)| *n).collect();
    let mut found: Vec<Column> = Vec::new();
    for cell in header {
        let name = cell.text.trim().to_ascii_lowercase();
        let Some((_, column)) = COLUMNS.iter().find(|(n, _)| *n == name) else {
            let hint = crate::diagnostics::closest(&name, names.iter().copied())
                .map(|c| format!("did you mean `{c}`? "))
                .unwrap_or_default();
            return Err(Diagnostic::error(
                file,
                cell.pos,
                format!("unknown column `{}`", cell.text.trim()),
            )
            .with_help(format!("{hint}the columns are {}", names.join(", "))));
        };
        if found.contains(column) {
            return Err(Diagnostic::error(
                file,
                cell.pos,
                format!("column `{name}` appears twice"),
            )
            .with_help("keep one column of each name"));
        }
        found.push(*column);
    }
    if let Some(missing) = REQUIRED.iter().find(|c| !found.contains(c)) {
        let name = COLUMNS
            .iter()
            .find(|(_, c)| c == missing)
            .map_or("", |(n, _)| *n);
        return Err(Diagnostic::error(
            file,
            Pos::START,
            format!("the header has no `{name}` column"),
        )
        .with_help("the first line names the columns: `reference,date,value`, optionally followed by `title`, `url` and `status`"));
    }
    Ok(found)
}

/// One data row, checked.
struct Row {
    reference: MarketRef,
    date: Date,
    value: (f64, Cell),
    title: Option<Cell>,
    url: Option<Cell>,
    status: Option<(Status, Cell)>,
}

fn read_row(
    row: &[Cell],
    columns: &[Column],
    file: &Path,
    today: Date,
) -> Result<Row, Vec<Diagnostic>> {
    let start = row.first().map_or(Pos::START, |c| c.pos);
    if row.len() != columns.len() {
        return Err(vec![
            Diagnostic::error(
                file,
                start,
                format!(
                    "this row has {} fields; the header has {}",
                    row.len(),
                    columns.len()
                ),
            )
            .with_help("quote a field that holds a comma (`\"Taiwan, 2030\"`), and give every column, even if empty"),
        ]);
    }
    let cell = |c: Column| {
        columns
            .iter()
            .position(|&k| k == c)
            .map(|i| &row[i])
            .filter(|cell| !cell.text.trim().is_empty())
    };
    let mut errors = Vec::new();
    let mut required = |c: Column, name: &str| {
        let found = cell(c);
        if found.is_none() {
            errors.push(
                Diagnostic::error(file, start, format!("this row has no {name}"))
                    .with_help("every row needs a reference, a date and a value"),
            );
        }
        found
    };
    let (reference, date, value) = (
        required(Column::Reference, "reference"),
        required(Column::Date, "date"),
        required(Column::Value, "value"),
    );
    let reference = reference.and_then(|c| {
        MarketRef::parse(&c.text)
            .map_err(|hint| {
                errors.push(
                    Diagnostic::error(
                        file,
                        c.pos,
                        format!("invalid market reference `{}`", c.text.trim()),
                    )
                    .with_help(hint),
                )
            })
            .ok()
    });
    let date = date.and_then(|c| check(parse_date(&c.text, today), c, file, &mut errors));
    let value = value
        .and_then(|c| check(parse_value(&c.text), c, file, &mut errors).map(|v| (v, c.clone())));
    let url =
        cell(Column::Url).filter(|c| check(parse_url(&c.text), c, file, &mut errors).is_some());
    let status = cell(Column::Status)
        .and_then(|c| check(parse_status(&c.text), c, file, &mut errors).map(|s| (s, c.clone())));
    match (reference, date, value) {
        (Some(reference), Some(date), Some(value)) if errors.is_empty() => Ok(Row {
            reference,
            date,
            value,
            title: cell(Column::Title).cloned(),
            url: url.cloned(),
            status,
        }),
        _ => Err(errors),
    }
}

/// A parsed cell, or its error (message, help) at the cell.
fn check<T>(
    parsed: Result<T, (String, &'static str)>,
    cell: &Cell,
    file: &Path,
    errors: &mut Vec<Diagnostic>,
) -> Option<T> {
    parsed
        .map_err(|(message, help)| {
            errors.push(Diagnostic::error(file, cell.pos, message).with_help(help))
        })
        .ok()
}

fn parse_date(text: &str, today: Date) -> Result<Date, (String, &'static str)> {
    let text = text.trim();
    let date: Date = text
        .parse()
        .ok()
        .filter(|_| text.len() == 10)
        .ok_or_else(|| {
            (
                format!("invalid date `{text}`"),
                "write the day as YYYY-MM-DD, e.g. 2026-08-20",
            )
        })?;
    if date > today {
        return Err((
            format!("{date} is in the future"),
            "history records what was seen: use the day the value was recorded",
        ));
    }
    Ok(date)
}

fn parse_value(text: &str) -> Result<f64, (String, &'static str)> {
    let text = text.trim();
    if text.ends_with('%') {
        return Err((
            format!("`{text}` is a percentage"),
            "write the probability as a number from 0 to 1: 0.42 rather than 42%",
        ));
    }
    match text.parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        Ok(_) => Err((
            format!("value {text} is outside 0–1"),
            "write the probability as a number from 0 to 1, e.g. 0.42",
        )),
        Err(_) => Err((
            format!("value `{text}` is not a number"),
            "write the probability as a number from 0 to 1, e.g. 0.42",
        )),
    }
}

fn parse_url(text: &str) -> Result<(), (String, &'static str)> {
    let text = text.trim();
    let web = text.starts_with("https://") || text.starts_with("http://");
    if web && !text.contains(char::is_whitespace) {
        Ok(())
    } else {
        Err((
            format!("`{text}` is not a web address"),
            "give the market's page as an https:// address, or leave the cell empty",
        ))
    }
}

fn parse_status(text: &str) -> Result<Status, (String, &'static str)> {
    let text = text.trim();
    match text {
        "open" => Ok(Status::Open),
        "closed" => Ok(Status::Closed),
        _ => match text.strip_prefix("resolved ").map(str::trim) {
            Some(outcome) if !outcome.is_empty() => Ok(Status::Resolved(outcome.to_string())),
            _ => Err((
                format!("unknown status `{text}`"),
                "write `open`, `closed` or `resolved OUTCOME` (e.g. `resolved YES`), or leave the cell empty",
            )),
        },
    }
}

/// Adds a checked row to its market. `Ok(true)`: the row repeats one seen
/// before. A second, different value for a day, or a second title, URL or
/// status, is an error that names both places.
fn add_row(
    markets: &mut BTreeMap<MarketRef, Market>,
    row: Row,
    file: &Path,
) -> Result<bool, Diagnostic> {
    let reference = row.reference.to_string();
    let market = markets.entry(row.reference).or_default();
    let (value, cell) = row.value;
    let duplicate = match market.days.get(&row.date) {
        Some((earlier, _)) if *earlier == value => true,
        Some((earlier, at)) => {
            return Err(Diagnostic::error(
                file,
                cell.pos,
                format!(
                    "`{reference}` has two values for {}: {} here and {earlier} on line {}",
                    row.date, cell.text.trim(), at.pos.line
                ),
            )
            .with_help("keep one row per market and day (history holds one value a day), or fix the reference or date of one of them"));
        }
        None => {
            market.days.insert(row.date, (value, cell));
            false
        }
    };
    let title = row.title.map(|c| (collapse(&c.text), c));
    describe(&mut market.title, title, "title", &reference, file)?;
    let url = row.url.map(|c| (c.text.trim().to_string(), c));
    describe(&mut market.url, url, "url", &reference, file)?;
    describe(&mut market.status, row.status, "status", &reference, file)?;
    Ok(duplicate)
}

/// Sets a market's title, URL or status from its first row that gives one.
fn describe<T: PartialEq>(
    slot: &mut Described<T>,
    new: Option<(T, Cell)>,
    what: &str,
    reference: &str,
    file: &Path,
) -> Result<(), Diagnostic> {
    let Some((value, cell)) = new else {
        return Ok(());
    };
    match slot {
        None => *slot = Some((value, cell)),
        Some((earlier, at)) if *earlier != value => {
            return Err(Diagnostic::error(
                file,
                cell.pos,
                format!(
                    "`{reference}` has a second {what}, different from the one on line {}",
                    at.pos.line
                ),
            )
            .with_help(format!("give one {what} per market: the same text on every row that has one, or leave the others empty")));
        }
        Some(_) => {}
    }
    Ok(())
}

/// Titles from spreadsheets carry line breaks and runs of spaces.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn write_histories(
    root: &Path,
    markets: &BTreeMap<MarketRef, Market>,
    done: &mut Imported,
) -> Result<(), Vec<Diagnostic>> {
    for (r, m) in markets {
        let rows: Vec<(Date, f64)> = m.days.iter().map(|(d, (v, _))| (*d, *v)).collect();
        let path = snapshot::history_path(root, r);
        let merge = snapshot::merge_history(&path, &rows).map_err(|e| {
            let shown = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
            vec![
                Diagnostic::error(shown, Pos::START, format!("cannot write the history of `{r}`: {e}"))
                    .with_help("check that data/history/ is writable; histories written before this one were merged, data/markets.json was not changed"),
            ]
        })?;
        done.added += merge.added;
        done.changed += merge.changed;
    }
    Ok(())
}

/// Sets each market's snapshot entry to its newest imported day, unless
/// the snapshot already holds a newer reading (a fetch since).
fn update_snapshot(
    root: &Path,
    markets: &BTreeMap<MarketRef, Market>,
    done: &mut Imported,
) -> Result<(), Vec<Diagnostic>> {
    let mut snap = Snapshot::load(root).map_err(|d| vec![d])?;
    for (r, m) in markets {
        let Some((date, (value, _))) = m.days.last_key_value() else {
            continue;
        };
        let recorded = start_of(*date);
        let earlier = snap.get(r).cloned();
        if earlier.as_ref().is_some_and(|e| e.fetched_at >= recorded) {
            done.kept += 1;
            continue;
        }
        let described = |d: &Described<String>, old: Option<&String>, default: String| {
            d.as_ref()
                .map(|(v, _)| v.clone())
                .or_else(|| old.cloned())
                .unwrap_or(default)
        };
        let entry = Entry {
            value: Some(*value),
            status: m
                .status
                .as_ref()
                .map(|(s, _)| s.clone())
                .or_else(|| earlier.as_ref().map(|e| e.status.clone()))
                .unwrap_or(Status::Open),
            fetched_at: recorded,
            url: described(&m.url, earlier.as_ref().map(|e| &e.url), r.url()),
            title: described(&m.title, earlier.as_ref().map(|e| &e.title), String::new()),
        };
        snap.put(r, entry);
        done.updated += 1;
    }
    if done.updated == 0 {
        return Ok(());
    }
    snap.save(root).map_err(|e| {
        vec![
            Diagnostic::error(snapshot::SNAPSHOT, Pos::START, format!("cannot write: {e}"))
                .with_help("check that data/ is writable; the histories were merged already, so running the import again finishes it"),
        ]
    })
}

/// The day's first instant: a value recorded on a day is as of that day,
/// and any reading fetched later that day is newer.
fn start_of(date: Date) -> Timestamp {
    jiff::tz::TimeZone::UTC
        .to_timestamp(date.to_datetime(jiff::civil::Time::midnight()))
        .unwrap_or(Timestamp::UNIX_EPOCH)
}

/// Splits CSV text (RFC 4180: quoted fields, `""` for a quote, line breaks
/// inside quotes) into records of located cells, skipping blank lines.
/// `Err` holds where an unclosed quote starts.
fn records(text: &str) -> Result<Vec<Vec<Cell>>, Pos> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Vec::new();
    let mut record: Vec<Cell> = Vec::new();
    let mut cell = Cell {
        text: String::new(),
        pos: Pos::START,
    };
    let (mut line, mut col) = (1u32, 1u32);
    let mut quoted: Option<Pos> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let here = Pos::new(line, col);
        col += 1;
        match (c, quoted) {
            ('"', Some(_)) if chars.peek() == Some(&'"') => {
                chars.next();
                col += 1;
                cell.text.push('"');
            }
            ('"', Some(_)) => quoted = None,
            ('"', None) if cell.text.is_empty() => quoted = Some(here),
            ('\r', _) if chars.peek() == Some(&'\n') => {}
            ('\n', Some(_)) => {
                cell.text.push('\n');
                (line, col) = (line + 1, 1);
            }
            ('\n', None) => {
                finish(&mut records, &mut record, &mut cell);
                (line, col) = (line + 1, 1);
                cell.pos = Pos::new(line, 1);
            }
            (',', None) => {
                record.push(std::mem::replace(
                    &mut cell,
                    Cell {
                        text: String::new(),
                        pos: Pos::new(line, col),
                    },
                ));
            }
            (c, _) => cell.text.push(c),
        }
    }
    if let Some(start) = quoted {
        return Err(start);
    }
    finish(&mut records, &mut record, &mut cell);
    Ok(records)
}

/// Ends a record at a line break (a blank line is no record).
fn finish(records: &mut Vec<Vec<Cell>>, record: &mut Vec<Cell>, cell: &mut Cell) {
    let blank = record.is_empty() && cell.text.trim().is_empty();
    record.push(std::mem::replace(
        cell,
        Cell {
            text: String::new(),
            pos: cell.pos,
        },
    ));
    let done = std::mem::take(record);
    if !blank {
        records.push(done);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<Vec<(String, u32, u32)>> {
        records(text)
            .unwrap()
            .into_iter()
            .map(|r| {
                r.into_iter()
                    .map(|c| (c.text, c.pos.line, c.pos.col))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn csv_cells_keep_their_line_and_column() {
        let rows = texts("a,b\r\n\n\"x, \"\"y\"\"\",2\n\"two\nlines\",z");
        assert_eq!(
            rows,
            [
                vec![("a".into(), 1, 1), ("b".into(), 1, 3)],
                vec![("x, \"y\"".into(), 3, 1), ("2".into(), 3, 12)],
                vec![("two\nlines".into(), 4, 1), ("z".into(), 5, 8)],
            ]
        );
        assert_eq!(records("a\n\"open").err(), Some(Pos::new(2, 1)));
    }

    #[test]
    fn values_dates_and_statuses_are_checked() {
        let today = Date::constant(2026, 8, 20);
        assert_eq!(parse_value(" 0.25 "), Ok(0.25));
        assert!(
            parse_value("42%")
                .unwrap_err()
                .1
                .contains("0.42 rather than 42%")
        );
        assert!(parse_value("1.5").is_err() && parse_value("NaN").is_err());
        assert_eq!(parse_date("2026-08-20", today), Ok(today));
        assert!(
            parse_date("2026-08-21", today)
                .unwrap_err()
                .0
                .contains("future")
        );
        assert!(parse_date("20/08/2026", today).is_err());
        assert_eq!(
            parse_status("resolved YES"),
            Ok(Status::Resolved("YES".into()))
        );
        assert!(parse_status("resolved").is_err());
        assert!(parse_url("javascript:alert(1)").is_err());
        assert!(parse_url("https://manifold.markets/x/y").is_ok());
    }
}
