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

/// `WAGNER_NOW=2026-12-07T05:55:00Z` (RFC 3339): the process starts at that
/// instant and its clock ticks from there, so timers, "5 s ago" and ordering
/// still move. The E2E suite and scripts/test-dates.sh run the app so.
pub const NOW_ENV: &str = "WAGNER_NOW";

/// A set clock: `at` when it was set (`since`); ticking ones move on from there.
#[derive(Clone, Copy)]
struct Set {
    at: DateTime<Utc>,
    since: std::time::Instant,
    ticking: bool,
}

/// The process-wide override: `None` = not read from the environment yet.
static SET: std::sync::RwLock<Option<Option<Set>>> = std::sync::RwLock::new(None);

fn read_env() -> Result<Option<DateTime<Utc>>> {
    parse_now(std::env::var(NOW_ENV).ok().as_deref())
}

fn parse_now(value: Option<&str>) -> Result<Option<DateTime<Utc>>> {
    match value {
        Some(text) if !text.trim().is_empty() => {
            DateTime::parse_from_rfc3339(text.trim()).map(|t| Some(t.with_timezone(&Utc))).map_err(|e| {
                Error::invalid(format!(
                    "{NOW_ENV}={text:?} is not an RFC 3339 time such as 2026-12-07T05:55:00Z: {e}"
                ))
            })
        }
        _ => Ok(None),
    }
}

fn current() -> Option<Set> {
    if let Some(set) = *SET.read().unwrap_or_else(|e| e.into_inner()) {
        return set;
    }
    let mut slot = SET.write().unwrap_or_else(|e| e.into_inner());
    *slot.get_or_insert_with(|| match read_env() {
        Ok(at) => at.map(|at| Set { at, since: std::time::Instant::now(), ticking: true }),
        Err(e) => {
            // `init_from_env` reports it where a process starts; never a wrong "now" silently.
            tracing::error!("{e}; using the system clock");
            None
        }
    })
}

/// The core's "now": every timestamp and "today" in the core, the CLI and the
/// shell comes from here, so tests (and the window under E2E) can set it.
pub fn now() -> DateTime<Utc> {
    reading(current())
}

fn reading(set: Option<Set>) -> DateTime<Utc> {
    match set {
        None => Utc::now(),
        Some(Set { at, ticking: false, .. }) => at,
        Some(Set { at, since, ticking: true }) => {
            at + chrono::Duration::from_std(since.elapsed()).unwrap_or_else(|_| chrono::Duration::zero())
        }
    }
}

/// Reads `WAGNER_NOW` (the CLI and the shell call this first, so a bad value
/// is an error there rather than a quiet fallback); returns the instant set.
pub fn init_from_env() -> Result<Option<DateTime<Utc>>> {
    let at = read_env()?;
    let mut slot = SET.write().unwrap_or_else(|e| e.into_inner());
    *slot = Some(at.map(|at| Set { at, since: std::time::Instant::now(), ticking: true }));
    Ok(at)
}

/// Sets the process's clock to `at`, standing still (tests that compare exact
/// instants). Process-wide: tests in one binary that set different instants
/// must not run at once (see `tests/support`'s clock lock).
pub fn set_fixed(at: DateTime<Utc>) {
    *SET.write().unwrap_or_else(|e| e.into_inner()) =
        Some(Some(Set { at, since: std::time::Instant::now(), ticking: false }));
}

/// Sets the process's clock to start at `at` and tick on from there.
pub fn set_ticking(at: DateTime<Utc>) {
    *SET.write().unwrap_or_else(|e| e.into_inner()) =
        Some(Some(Set { at, since: std::time::Instant::now(), ticking: true }));
}

/// Back to the system clock (or `WAGNER_NOW` when set).
pub fn reset() {
    *SET.write().unwrap_or_else(|e| e.into_inner()) = None;
}

pub fn now_db() -> String {
    to_db(now())
}

pub fn parse_time_zone(name: &str) -> Result<Tz> {
    name.parse::<Tz>().map_err(|_| {
        Error::invalid(format!("unknown time zone {name:?} (use an IANA name such as Europe/Berlin)"))
    })
}

/// The machine's IANA time zone, or UTC when the OS does not say. `TZ`
/// (an IANA name, as POSIX lets it override /etc/localtime) wins, so a test
/// run can be put in another zone.
pub fn system_time_zone() -> String {
    let from_env = std::env::var("TZ").ok().map(|v| v.trim_start_matches(':').to_string());
    from_env
        .filter(|name| name.parse::<Tz>().is_ok())
        .or_else(|| iana_time_zone::get_timezone().ok())
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
    fn a_set_clock_stands_still_or_ticks() {
        // The process-wide slot is left alone: other unit tests run beside this one.
        let at = from_db("2026-03-02T23:05:00.000Z").unwrap();
        let since = std::time::Instant::now();
        let fixed = Set { at, since, ticking: false };
        let ticking = Set { at, since, ticking: true };
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert_eq!(reading(Some(fixed)), at, "a fixed clock stands still");
        let later = reading(Some(ticking));
        assert!(
            later - at >= chrono::Duration::milliseconds(20) && later - at < chrono::Duration::seconds(5)
        );
        assert!(reading(None) > from_db("2026-11-01T00:00:00.000Z").unwrap());
    }

    #[test]
    fn wagner_now_takes_rfc3339_with_any_offset_and_names_a_bad_value() {
        let at = parse_now(Some("2026-03-29T01:30:00+01:00")).unwrap().unwrap();
        assert_eq!(to_db(at), "2026-03-29T00:30:00.000Z");
        assert_eq!(parse_now(Some("  ")).unwrap(), None);
        assert_eq!(parse_now(None).unwrap(), None);
        let err = parse_now(Some("monday 6am")).unwrap_err().to_string();
        assert!(err.contains("WAGNER_NOW") && err.contains("monday 6am"), "{err}");
    }

    #[test]
    fn bad_inputs_are_named() {
        assert!(parse_time_zone("Mars/Olympus").unwrap_err().to_string().contains("Mars/Olympus"));
        assert!(parse_date("25/11/2026").unwrap_err().to_string().contains("YYYY-MM-DD"));
    }
}
