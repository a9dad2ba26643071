//! Weekly volume by sport: distance, time and training load per ISO week
//! (Monday to Sunday, in the user's local dates) and per activity type.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;

use crate::activities::ActivityType;
use crate::activities::import::type_label;
use crate::activities::view::fmt_duration;
use crate::clock;
use crate::error::{Error, Result};
use crate::store::Store;

/// At most ten years of weeks in one request.
const MAX_WEEKS: i64 = 530;

/// One sport in one week.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SportVolume {
    pub activity_type: ActivityType,
    pub activities: u32,
    pub distance_meters: f64,
    /// Moving time where the activity has one, else elapsed time.
    pub time_seconds: f64,
    /// Sum of the activities' training load (TSS or TRIMP).
    pub load: f64,
}

/// One ISO week; weeks without activities are included with no sports.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WeekVolume {
    /// "2026-W47".
    pub week: String,
    /// The week's Monday, YYYY-MM-DD.
    pub week_start: String,
    /// Sports in a stable order (the `ActivityType` order).
    pub sports: Vec<SportVolume>,
    pub distance_meters: f64,
    pub time_seconds: f64,
    pub load: f64,
}

fn monday(d: NaiveDate) -> NaiveDate {
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

fn week_label(monday: NaiveDate) -> String {
    let w = monday.iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

type Row = (String, ActivityType, Option<i64>, Option<i64>, Option<f64>, Option<f64>);

/// Volume for every ISO week that overlaps `[from, to]`, oldest first.
pub async fn weekly_volume(
    store: &Store,
    user_id: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<WeekVolume>> {
    if to < from {
        return Err(Error::invalid(format!("the range ends ({to}) before it starts ({from})")));
    }
    let (first, last) = (monday(from), monday(to));
    if (last - first).num_weeks() >= MAX_WEEKS {
        return Err(Error::invalid("weekly volume covers at most ten years at a time"));
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT local_date, activity_type, elapsed_time_seconds, moving_time_seconds, distance_meters, \
         training_load FROM activities WHERE user_id = ? AND local_date >= ? AND local_date <= ?",
    )
    .bind(user_id)
    .bind(first.to_string())
    .bind((last + Duration::days(6)).to_string())
    .fetch_all(store.pool())
    .await?;
    let weeks = (last - first).num_weeks() as usize + 1;
    let mut by_week: Vec<BTreeMap<u8, SportVolume>> = vec![BTreeMap::new(); weeks];
    for (date, activity_type, elapsed, moving, distance, load) in rows {
        let Ok(date) = clock::parse_date(&date) else { continue };
        let Some(week) = by_week.get_mut(((monday(date) - first).num_weeks()) as usize) else { continue };
        let v = week.entry(activity_type as u8).or_insert(SportVolume {
            activity_type,
            activities: 0,
            distance_meters: 0.0,
            time_seconds: 0.0,
            load: 0.0,
        });
        v.activities += 1;
        v.distance_meters += distance.filter(|d| d.is_finite() && *d > 0.0).unwrap_or(0.0);
        v.time_seconds += moving.or(elapsed).filter(|t| *t > 0).unwrap_or(0) as f64;
        v.load += load.filter(|l| l.is_finite() && *l > 0.0).unwrap_or(0.0);
    }
    Ok(by_week
        .into_iter()
        .enumerate()
        .map(|(i, sports)| {
            let start = first + Duration::weeks(i as i64);
            let sports: Vec<SportVolume> = sports.into_values().collect();
            WeekVolume {
                week: week_label(start),
                week_start: start.to_string(),
                distance_meters: sports.iter().map(|s| s.distance_meters).sum(),
                time_seconds: sports.iter().map(|s| s.time_seconds).sum(),
                load: sports.iter().map(|s| s.load).sum(),
                sports,
            }
        })
        .collect())
}

/// The last `weeks` weeks up to `today`; when every activity is older than
/// that, the weeks up to the newest one instead (an imported history is
/// shown where it is).
pub async fn recent_weeks(
    store: &Store,
    user_id: &str,
    today: NaiveDate,
    weeks: u32,
) -> Result<Vec<WeekVolume>> {
    let weeks = i64::from(weeks.clamp(1, MAX_WEEKS as u32));
    let newest: Option<String> =
        sqlx::query_scalar("SELECT max(local_date) FROM activities WHERE user_id = ?")
            .bind(user_id)
            .fetch_one(store.pool())
            .await?;
    let mut to = today;
    if let Some(newest) = newest.and_then(|d| clock::parse_date(&d).ok())
        && newest < today - Duration::weeks(weeks)
    {
        to = newest;
    }
    weekly_volume(store, user_id, to - Duration::weeks(weeks - 1), to).await
}

/// The table `wagner activities --weekly` prints: one line per sport per week.
pub fn render(weeks: &[WeekVolume]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<9} {:<10} {:>5} {:>10} {:>9} {:>6}",
        "week", "sport", "count", "distance", "time", "load"
    );
    for w in weeks {
        if w.sports.is_empty() {
            let _ = writeln!(out, "{:<9} {:<10} {:>5} {:>10} {:>9} {:>6}", w.week, "-", 0, "-", "-", "-");
            continue;
        }
        for s in &w.sports {
            let distance = if s.distance_meters > 0.0 {
                format!("{:.1} km", s.distance_meters / 1000.0)
            } else {
                "-".into()
            };
            let _ = writeln!(
                out,
                "{:<9} {:<10} {:>5} {:>10} {:>9} {:>6.0}",
                w.week,
                type_label(s.activity_type),
                s.activities,
                distance,
                fmt_duration(s.time_seconds),
                s.load
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_weeks_start_on_monday_and_cross_years() {
        let d = NaiveDate::from_ymd_opt(2021, 1, 2).unwrap(); // a Saturday in 2020-W53
        assert_eq!(monday(d), NaiveDate::from_ymd_opt(2020, 12, 28).unwrap());
        assert_eq!(week_label(monday(d)), "2020-W53");
        let d = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(); // a Monday
        assert_eq!(monday(d), d);
        assert_eq!(week_label(d), "2026-W48");
    }
}
