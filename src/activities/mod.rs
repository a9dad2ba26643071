//! Activities (`activities`) with their laps and sets (`activity_segments`),
//! file imports with their streams (`activity_streams`) and training metrics.

pub mod charts;
pub mod device;
pub mod import;
pub mod met;
pub mod metrics;
pub mod view;
pub mod volume;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

use crate::clock;
use crate::error::{Error, Result};
use crate::profile::Profile;
use crate::store::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
#[sqlx(rename_all = "snake_case")]
pub enum ActivityType {
    Run,
    Ride,
    Swim,
    Walk,
    Hike,
    Strength,
    Yoga,
    Rowing,
    Elliptical,
    Cardio,
    Sport,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
#[sqlx(rename_all = "snake_case")]
pub enum ActivitySource {
    Strava,
    Garmin,
    Manual,
    QuickEntry,
    File,
    AppleHealth,
}

/// One strength set (exercise, reps, weight) or one lap.
#[derive(Debug, Clone, Default)]
pub struct NewSegment {
    pub exercise_name: Option<String>,
    pub reps: Option<i64>,
    pub weight_kg: Option<f64>,
    pub rpe: Option<f64>,
    pub elapsed_time_seconds: Option<i64>,
    pub distance_meters: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct NewActivity {
    pub name: String,
    pub activity_type: ActivityType,
    pub source: ActivitySource,
    pub start_date: DateTime<Utc>,
    pub elapsed_time_seconds: i64,
    pub moving_time_seconds: Option<i64>,
    pub distance_meters: Option<f64>,
    pub calories: Option<i64>,
    pub average_heartrate: Option<i64>,
    pub notes: Option<String>,
    pub quick_entry_log_id: Option<String>,
    pub ai_extracted: bool,
    /// Strength sets become `set` segments, everything else `lap` segments.
    pub segments: Vec<NewSegment>,
}

/// Inserts an activity and its segments; runs inside the caller's transaction.
pub async fn insert(conn: &mut SqliteConnection, profile: &Profile, new: &NewActivity) -> Result<String> {
    let name = new.name.trim();
    if name.is_empty() {
        return Err(Error::invalid("an activity needs a name"));
    }
    if new.elapsed_time_seconds <= 0 {
        return Err(Error::invalid(format!("{name}: the duration must be positive")));
    }
    if new.distance_meters.is_some_and(|d| !d.is_finite() || d < 0.0) {
        return Err(Error::invalid(format!("{name}: the distance must be ≥ 0")));
    }
    let id = crate::new_id();
    sqlx::query(
        "INSERT INTO activities (id, user_id, quick_entry_log_id, source, name, activity_type, start_date, \
         local_date, elapsed_time_seconds, moving_time_seconds, distance_meters, calories, average_heartrate, \
         notes, ai_extracted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(&profile.id)
    .bind(&new.quick_entry_log_id)
    .bind(new.source)
    .bind(name)
    .bind(new.activity_type)
    .bind(clock::to_db(new.start_date))
    .bind(clock::local_date(new.start_date, profile.tz()).to_string())
    .bind(new.elapsed_time_seconds)
    .bind(new.moving_time_seconds)
    .bind(new.distance_meters)
    .bind(new.calories)
    .bind(new.average_heartrate)
    .bind(&new.notes)
    .bind(new.ai_extracted)
    .execute(&mut *conn)
    .await?;
    let segment_type = if new.activity_type == ActivityType::Strength { "set" } else { "lap" };
    for (index, seg) in new.segments.iter().enumerate() {
        sqlx::query(
            "INSERT INTO activity_segments (id, activity_id, user_id, segment_type, segment_index, \
             exercise_name, reps, weight_kg, rpe, elapsed_time_seconds, distance_meters) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(crate::new_id())
        .bind(&id)
        .bind(&profile.id)
        .bind(segment_type)
        .bind(index as i64)
        .bind(&seg.exercise_name)
        .bind(seg.reps)
        .bind(seg.weight_kg)
        .bind(seg.rpe)
        .bind(seg.elapsed_time_seconds)
        .bind(seg.distance_meters)
        .execute(&mut *conn)
        .await?;
    }
    Ok(id)
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ActivitySummary {
    pub id: String,
    pub name: String,
    pub activity_type: ActivityType,
    pub source: ActivitySource,
    pub start_date: String,
    pub elapsed_time_seconds: i64,
    pub distance_meters: Option<f64>,
    pub calories: Option<i64>,
    pub average_heartrate: Option<i64>,
}

const SELECT_SUMMARY: &str = "SELECT id, name, activity_type, source, start_date, elapsed_time_seconds, \
     distance_meters, calories, average_heartrate FROM activities";

/// Activities that started in `[start, end)`, oldest first.
pub async fn between(
    store: &Store,
    user_id: &str,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<ActivitySummary>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT_SUMMARY} WHERE user_id = ? AND start_date >= ? AND start_date < ? ORDER BY start_date, id"
    )))
    .bind(user_id)
    .bind(clock::to_db(start))
    .bind(clock::to_db(end))
    .fetch_all(store.pool())
    .await?)
}

/// The latest activities that started before `before`, newest first.
pub async fn recent(
    store: &Store,
    user_id: &str,
    before: DateTime<Utc>,
    limit: u32,
) -> Result<Vec<ActivitySummary>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT_SUMMARY} WHERE user_id = ? AND start_date < ? ORDER BY start_date DESC, id DESC LIMIT ?"
    )))
    .bind(user_id)
    .bind(clock::to_db(before))
    .bind(limit)
    .fetch_all(store.pool())
    .await?)
}
