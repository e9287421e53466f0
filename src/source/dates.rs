//! Dates as authors write them: `2026-03-01` or an RFC 3339 time, and
//! what to write instead when one does not parse (`12/03/2026` read both
//! ways, `20260105`, a time without its zone).

use jiff::Timestamp;
use jiff::civil::Date;

/// A date as an author writes it: `2026-03-01` or an RFC 3339 timestamp.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct PostDate {
    pub instant: Timestamp,
    pub day: Date,
}

impl PostDate {
    pub(crate) fn parse(s: &str) -> Option<PostDate> {
        let s = s.trim();
        if let Ok(day) = s.parse::<Date>()
            && s.len() == 10
        {
            let instant = jiff::tz::TimeZone::UTC
                .to_timestamp(day.to_datetime(jiff::civil::Time::midnight()))
                .ok()?;
            return Some(PostDate { instant, day });
        }
        let instant: Timestamp = s.parse().ok()?;
        Some(PostDate {
            instant,
            day: jiff::tz::TimeZone::UTC.to_datetime(instant).date(),
        })
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// How to write a date that did not parse, as exactly as its text allows.
pub(crate) fn date_hint(text: &str) -> String {
    let text = text.trim();
    if let Some(d) = compact_date(text) {
        return format!("dates are `YYYY-MM-DD`: write `{d}`");
    }
    if text.contains(':')
        && let Ok(local) = text.replacen(' ', "T", 1).parse::<jiff::civil::DateTime>()
    {
        return format!(
            "a time needs its time zone: write `{}` (`Z` is UTC; or an offset such as `+01:00`)",
            local.strftime("%Y-%m-%dT%H:%M:%SZ")
        );
    }
    let parts: Option<Vec<u32>> = text
        .split(['/', '.', '-'])
        .map(|p| p.parse().ok())
        .collect();
    match parts.as_deref() {
        Some(&[y, m, d]) if y > 999 => year_first_hint(y, m, d),
        Some(&[a, b, y]) if y > 999 => year_last_hint(a, b, y),
        _ => "write `YYYY-MM-DD` (e.g. `2026-11-26`) or an RFC 3339 time such as `2026-11-26T09:30:00Z`".to_string(),
    }
}

/// `20260105`.
fn compact_date(text: &str) -> Option<Date> {
    let n: u32 = text.parse().ok().filter(|_| text.len() == 8)?;
    day(n / 10000, n / 100 % 100, n % 100)
}

fn day(y: u32, m: u32, d: u32) -> Option<Date> {
    Date::new(
        i16::try_from(y).ok()?,
        i8::try_from(m).ok()?,
        i8::try_from(d).ok()?,
    )
    .ok()
}

fn spoken(d: Date) -> String {
    format!("{} {}", d.day(), MONTHS[d.month() as usize - 1])
}

fn year_first_hint(y: u32, m: u32, d: u32) -> String {
    match (day(y, m, d), day(y, d, m)) {
        (Some(date), _) => format!("dates are `YYYY-MM-DD`: write `{date}`"),
        (None, Some(swapped)) => format!(
            "there is no month {m}; dates are `YYYY-MM-DD`: write `{swapped}` for {}",
            spoken(swapped)
        ),
        _ if (1..=12).contains(&m) => {
            format!("{} {y} has no day {d}", MONTHS[m as usize - 1])
        }
        _ => format!("there is no month {m}; dates are `YYYY-MM-DD`"),
    }
}

/// `12/03/2026`: day first or month first, both where either could be.
fn year_last_hint(a: u32, b: u32, y: u32) -> String {
    match (day(y, b, a), day(y, a, b)) {
        (Some(d), Some(m)) if d != m => format!(
            "dates are `YYYY-MM-DD`: write `{d}` for {} or `{m}` for {}",
            spoken(d),
            spoken(m)
        ),
        (Some(d), _) | (_, Some(d)) => format!("dates are `YYYY-MM-DD`: write `{d}`"),
        _ => "dates are `YYYY-MM-DD`, e.g. `2026-11-26`".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_other_orders_are_turned_around() {
        assert_eq!(
            date_hint("12/03/2026"),
            "dates are `YYYY-MM-DD`: write `2026-03-12` for 12 March or `2026-12-03` for 3 December"
        );
        assert_eq!(
            date_hint("25.12.2026"),
            "dates are `YYYY-MM-DD`: write `2026-12-25`"
        );
        assert_eq!(
            date_hint("2026/3/1"),
            "dates are `YYYY-MM-DD`: write `2026-03-01`"
        );
        assert_eq!(
            date_hint("2026-13-01"),
            "there is no month 13; dates are `YYYY-MM-DD`: write `2026-01-13` for 13 January"
        );
        assert_eq!(date_hint("2026-02-30"), "February 2026 has no day 30");
        assert!(date_hint("2026-01-05 10:00").contains("`2026-01-05T10:00:00Z`"));
        assert_eq!(
            date_hint("20260105"),
            "dates are `YYYY-MM-DD`: write `2026-01-05`"
        );
    }

    #[test]
    fn rfc3339_dates_are_accepted() {
        let d = PostDate::parse("2026-11-26T23:30:00-05:00").unwrap();
        assert_eq!(d.day.to_string(), "2026-11-27");
    }
}
