//! `DateInterval`s: parsing AWS's dates and cutting a window into DAILY, MONTHLY or
//! HOURLY periods.

use serde::{Deserialize, Serialize};
use time::macros::format_description;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

use super::errors::CostExplorerError;
use crate::cost::HOUR_MS;

/// `DateInterval` on the wire.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DateInterval {
    pub start: String,
    pub end: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Granularity {
    Daily,
    Monthly,
    Hourly,
}

/// One period of a result: its bounds in world ms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub start_ms: i64,
    pub end_ms: i64,
}

/// Days of history Cost Explorer keeps (14 months of 31 days: AWS's default retention).
pub const RETENTION_MS: i64 = 14 * 31 * 24 * HOUR_MS;

const DAY_MS: i64 = 24 * HOUR_MS;

fn date_time(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

fn ms_of(date: Date, time: Time) -> i64 {
    (PrimitiveDateTime::new(date, time)
        .assume_utc()
        .unix_timestamp_nanos()
        / 1_000_000) as i64
}

/// Milliseconds of `YYYY-MM-DD` (midnight UTC) or `YYYY-MM-DDTHH:MM:SSZ`.
pub fn parse_date(member: &str, text: &str) -> Result<i64, CostExplorerError> {
    let bad = || {
        CostExplorerError::validation(format!(
            "1 validation error detected: Value '{text}' at '{member}' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\d{{4}}-\\d{{2}}-\\d{{2}})(T\\d{{2}}:\\d{{2}}:\\d{{2}}Z)?"
        ))
    };
    if let Ok(date) = Date::parse(text, format_description!("[year]-[month]-[day]")) {
        return Ok(ms_of(date, Time::MIDNIGHT));
    }
    PrimitiveDateTime::parse(
        text,
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z"),
    )
    .map(|t| (t.assume_utc().unix_timestamp_nanos() / 1_000_000) as i64)
    .map_err(|_| bad())
}

/// A date as the periods of a result show it.
pub fn format_date(ms: i64, granularity: Granularity) -> String {
    let t = date_time(ms);
    let text = match granularity {
        Granularity::Hourly => t.format(format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
        )),
        _ => t.format(format_description!("[year]-[month]-[day]")),
    };
    text.unwrap_or_default()
}

/// Midnight UTC of the day `ms` falls in.
pub fn day_start(ms: i64) -> i64 {
    ms.div_euclid(DAY_MS) * DAY_MS
}

/// The first instant of the month after the one `ms` falls in.
pub fn next_month(ms: i64) -> i64 {
    let date = date_time(ms).date();
    let (year, month) = match date.month() {
        Month::December => (date.year() + 1, Month::January),
        m => (date.year(), m.next()),
    };
    Date::from_calendar_date(year, month, 1)
        .map(|d| ms_of(d, Time::MIDNIGHT))
        .unwrap_or(i64::MAX)
}

/// The first instant of the month `ms` falls in.
pub fn month_start(ms: i64) -> i64 {
    let date = date_time(ms).date();
    Date::from_calendar_date(date.year(), date.month(), 1)
        .map(|d| ms_of(d, Time::MIDNIGHT))
        .unwrap_or(0)
}

/// Checks a `DateInterval` and gives its bounds.
pub fn window(interval: &DateInterval) -> Result<(i64, i64), CostExplorerError> {
    let start = parse_date("timePeriod.start", &interval.start)?;
    let end = parse_date("timePeriod.end", &interval.end)?;
    if start >= end {
        return Err(CostExplorerError::validation(
            "Start date (and hour) should be before end date (and hour)",
        ));
    }
    Ok((start, end))
}

/// Most periods one request may ask for (hourly over 14 days, daily over 14 months and
/// more stay well below it).
const MAX_PERIODS: usize = 20_000;

/// `[start, end)` cut at day, month or hour boundaries.
pub fn periods(
    start: i64,
    end: i64,
    granularity: Granularity,
) -> Result<Vec<Period>, CostExplorerError> {
    let mut out = Vec::new();
    let mut at = start;
    while at < end {
        let next = match granularity {
            Granularity::Daily => day_start(at) + DAY_MS,
            Granularity::Hourly => at.div_euclid(HOUR_MS) * HOUR_MS + HOUR_MS,
            Granularity::Monthly => next_month(at),
        }
        .min(end);
        out.push(Period {
            start_ms: at,
            end_ms: next,
        });
        if out.len() > MAX_PERIODS {
            return Err(CostExplorerError::validation(
                "The time period is too long for the requested granularity",
            ));
        }
        at = next;
    }
    Ok(out)
}
