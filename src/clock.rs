//! Time conventions: UTC RFC 3339 text in the database, the user's time zone
//! for "which day does this belong to".

use chrono::{DateTime, LocalResult, NaiveDate, NaiveTime, SecondsFormat, TimeZone, Utc};
use chrono_tz::Tz;

use crate::error::{Error, Result};

/// The canonical text form stored in every timestamp column.
pub fn to_db(ts: DateTime<Utc>) -> String {
    ts.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub fn from_db(text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| Error::Corrupt { what: "timestamp".into(), detail: format!("{text:?}: {e}") })
}

/// The core's "now": every timestamp and "today" in the core, the CLI and the
/// shell comes from here, so tests (and the window under E2E) can set it.
pub fn now() -> DateTime<Utc> {
    Utc::now()
}

pub fn now_db() -> String {
    to_db(now())
}

pub fn parse_time_zone(name: &str) -> Result<Tz> {
    name.parse::<Tz>().map_err(|_| {
        Error::invalid(format!("unknown time zone {name:?} (use an IANA name such as Europe/Berlin)"))
    })
}

/// The machine's IANA time zone, or UTC when the OS does not say.
pub fn system_time_zone() -> String {
    iana_time_zone::get_timezone()
        .ok()
        .filter(|name| name.parse::<Tz>().is_ok())
        .unwrap_or_else(|| "UTC".to_string())
}

pub fn local_date(ts: DateTime<Utc>, tz: Tz) -> NaiveDate {
    ts.with_timezone(&tz).date_naive()
}

pub fn parse_date(text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| Error::invalid(format!("{text:?} is not a date (expected YYYY-MM-DD)")))
}

/// The UTC instant at which a local day starts; DST gaps resolve to the
/// earliest valid instant.
pub fn day_start_utc(date: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let midnight = date.and_time(NaiveTime::MIN);
    match tz.from_local_datetime(&midnight) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
        // No local midnight (DST jump at 00:00): the day starts an hour later.
        LocalResult::None => tz
            .from_local_datetime(&(midnight + chrono::Duration::hours(1)))
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|| Utc.from_utc_datetime(&midnight)),
    }
}

/// Half-open UTC range `[start, end)` covering one local day.
pub fn day_bounds_utc(date: NaiveDate, tz: Tz) -> (DateTime<Utc>, DateTime<Utc>) {
    let next = date.succ_opt().unwrap_or(date);
    (day_start_utc(date, tz), day_start_utc(next, tz))
}

/// A local wall-clock time on a local day, as UTC.
pub fn local_to_utc(date: NaiveDate, hour: u32, minute: u32, tz: Tz) -> DateTime<Utc> {
    let naive =
        date.and_hms_opt(hour.min(23), minute.min(59), 0).unwrap_or_else(|| date.and_time(NaiveTime::MIN));
    tz.from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| day_start_utc(date, tz))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn late_meal_belongs_to_the_local_day() {
        let tz: Tz = "America/New_York".parse().unwrap();
        // 23:30 in New York on 3 March is 04:30 UTC on 4 March.
        let ts = from_db("2026-03-04T04:30:00.000Z").unwrap();
        assert_eq!(local_date(ts, tz), NaiveDate::from_ymd_opt(2026, 3, 3).unwrap());
    }

    #[test]
    fn day_bounds_follow_dst() {
        let tz: Tz = "Europe/Berlin".parse().unwrap();
        // 29 March 2026: clocks go forward, the day has 23 hours.
        let (start, end) = day_bounds_utc(NaiveDate::from_ymd_opt(2026, 3, 29).unwrap(), tz);
        assert_eq!(to_db(start), "2026-03-28T23:00:00.000Z");
        assert_eq!((end - start).num_hours(), 23);
    }

    #[test]
    fn bad_inputs_are_named() {
        assert!(parse_time_zone("Mars/Olympus").unwrap_err().to_string().contains("Mars/Olympus"));
        assert!(parse_date("25/11/2026").unwrap_err().to_string().contains("YYYY-MM-DD"));
    }
}
