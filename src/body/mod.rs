//! Body measurements: weight, body fat and named measures.

use chrono::{DateTime, Duration, Utc};
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
pub enum BodySource {
    Manual,
    QuickEntry,
    Scale,
    Import,
}

#[derive(Debug, Clone)]
pub struct NewMeasurement {
    pub measured_at: DateTime<Utc>,
    pub weight_kg: Option<f64>,
    pub body_fat_pct: Option<f64>,
    /// Other measures in SI units, e.g. `{"waist_cm": 84.0}`.
    pub measurements: serde_json::Map<String, serde_json::Value>,
    pub source: BodySource,
    pub quick_entry_log_id: Option<String>,
    pub ai_extracted: bool,
}

pub async fn insert(conn: &mut SqliteConnection, profile: &Profile, new: &NewMeasurement) -> Result<String> {
    if new.weight_kg.is_none() && new.body_fat_pct.is_none() && new.measurements.is_empty() {
        return Err(Error::invalid("a measurement needs a weight, a body fat or another measure"));
    }
    if let Some(w) = new.weight_kg.filter(|w| !w.is_finite() || *w <= 0.0 || *w >= 700.0) {
        return Err(Error::invalid(format!("weight {w} kg is not a plausible body weight")));
    }
    if let Some(bf) = new.body_fat_pct.filter(|bf| !bf.is_finite() || !(0.0..=100.0).contains(bf)) {
        return Err(Error::invalid(format!("body fat {bf}% must be between 0 and 100")));
    }
    let id = crate::new_id();
    sqlx::query(
        "INSERT INTO body_measurements (id, user_id, quick_entry_log_id, measured_at, local_date, weight_kg, \
         body_fat_pct, measurements, source, ai_extracted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(&profile.id)
    .bind(&new.quick_entry_log_id)
    .bind(clock::to_db(new.measured_at))
    .bind(clock::local_date(new.measured_at, profile.tz()).to_string())
    .bind(new.weight_kg)
    .bind(new.body_fat_pct)
    .bind(serde_json::Value::Object(new.measurements.clone()).to_string())
    .bind(new.source)
    .bind(new.ai_extracted)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// The latest weight and body fat as of a moment, with the 7-day change.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BodySnapshot {
    pub measured_at: String,
    pub weight_kg: Option<f64>,
    pub body_fat_pct: Option<f64>,
    pub change_7d_kg: Option<f64>,
}

async fn latest_weight_before(
    store: &Store,
    user_id: &str,
    before: DateTime<Utc>,
) -> Result<Option<(String, f64)>> {
    Ok(sqlx::query_as(
        "SELECT measured_at, weight_kg FROM body_measurements \
         WHERE user_id = ? AND measured_at < ? AND weight_kg IS NOT NULL ORDER BY measured_at DESC LIMIT 1",
    )
    .bind(user_id)
    .bind(clock::to_db(before))
    .fetch_optional(store.pool())
    .await?)
}

pub async fn snapshot(store: &Store, user_id: &str, before: DateTime<Utc>) -> Result<Option<BodySnapshot>> {
    let latest: Option<(String, Option<f64>, Option<f64>)> = sqlx::query_as(
        "SELECT measured_at, weight_kg, body_fat_pct FROM body_measurements \
         WHERE user_id = ? AND measured_at < ? AND (weight_kg IS NOT NULL OR body_fat_pct IS NOT NULL) \
         ORDER BY measured_at DESC LIMIT 1",
    )
    .bind(user_id)
    .bind(clock::to_db(before))
    .fetch_optional(store.pool())
    .await?;
    let Some((measured_at, weight_kg, body_fat_pct)) = latest else {
        return Ok(None);
    };
    let change_7d_kg = match latest_weight_before(store, user_id, before).await? {
        Some((at, now_kg)) => {
            let week_before = clock::from_db(&at)? - Duration::days(7) + Duration::milliseconds(1);
            latest_weight_before(store, user_id, week_before).await?.map(|(_, then_kg)| now_kg - then_kg)
        }
        None => None,
    };
    Ok(Some(BodySnapshot { measured_at, weight_kg, body_fat_pct, change_7d_kg }))
}
