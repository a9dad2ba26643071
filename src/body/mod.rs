//! Body measurements: weight, body fat and named measures; their trend and
//! the energy expenditure they imply.

pub mod cli;
pub mod csv_import;
pub mod energy_availability;
pub mod expenditure;
pub mod overview;
pub mod photo;
pub mod scale;
pub mod trend;
pub mod units;

pub use scale::import_scale_fit;

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

fn validate(
    weight_kg: Option<f64>,
    body_fat_pct: Option<f64>,
    measurements: &serde_json::Map<String, serde_json::Value>,
    has_photo: bool,
) -> Result<()> {
    if weight_kg.is_none() && body_fat_pct.is_none() && measurements.is_empty() && !has_photo {
        return Err(Error::invalid("a measurement needs a weight, a body fat or another measure"));
    }
    // The ranges live in the one plausibility table, shared with quick entry and imports.
    use crate::plausibility::{Quantity, check};
    if let Some(w) = weight_kg.filter(|w| check(Quantity::WeightKg, *w).is_err() || *w >= 700.0) {
        return Err(Error::invalid(format!("weight {w} kg is not a plausible body weight")));
    }
    if let Some(bf) = body_fat_pct.filter(|bf| check(Quantity::BodyFatPct, *bf).is_err()) {
        return Err(Error::invalid(format!("body fat {bf}% must be between 0 and 100")));
    }
    Ok(())
}

pub async fn insert(conn: &mut SqliteConnection, profile: &Profile, new: &NewMeasurement) -> Result<String> {
    validate(new.weight_kg, new.body_fat_pct, &new.measurements, false)?;
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

/// The latest weight and body fat as of a moment, with the 7-day change and
/// the trend weight as it stood then.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BodySnapshot {
    pub measured_at: String,
    pub weight_kg: Option<f64>,
    pub body_fat_pct: Option<f64>,
    pub change_7d_kg: Option<f64>,
    /// The trend weight on the last weigh-in day (see [`trend`]).
    pub trend_kg: Option<f64>,
    /// kg per week over the last [`overview::RATE_DAYS`] days; None with one weigh-in day.
    pub weekly_rate_kg: Option<f64>,
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
    let points = trend::trend(
        &weights_since(store, user_id, before - Duration::days(TREND_WARMUP_DAYS), before).await?,
    );
    Ok(Some(BodySnapshot {
        measured_at,
        weight_kg,
        body_fat_pct,
        change_7d_kg,
        trend_kg: points.last().map(|p| p.trend_kg),
        weekly_rate_kg: trend::weekly_rate(&points, overview::RATE_DAYS),
    }))
}

/// One row of `body_measurements`, as the history table and the CLI show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Measurement {
    pub id: String,
    pub measured_at: String,
    pub local_date: String,
    pub weight_kg: Option<f64>,
    pub body_fat_pct: Option<f64>,
    /// Other measures in SI units, e.g. `{"waist_cm": 84.0}`.
    pub measurements: serde_json::Map<String, serde_json::Value>,
    pub source: BodySource,
    pub notes: Option<String>,
    pub photo_url: Option<String>,
    pub quick_entry_log_id: Option<String>,
    pub ai_extracted: bool,
}

#[derive(sqlx::FromRow)]
struct MeasurementRow {
    id: String,
    measured_at: String,
    local_date: String,
    weight_kg: Option<f64>,
    body_fat_pct: Option<f64>,
    measurements: String,
    source: BodySource,
    notes: Option<String>,
    photo_url: Option<String>,
    quick_entry_log_id: Option<String>,
    ai_extracted: bool,
}

impl MeasurementRow {
    fn into_measurement(self) -> Result<Measurement> {
        let measurements = match serde_json::from_str(&self.measurements) {
            Ok(serde_json::Value::Object(map)) => map,
            Ok(other) => {
                return Err(Error::Corrupt {
                    what: format!("measurements of {}", self.id),
                    detail: format!("expected an object, found {other}"),
                });
            }
            Err(e) => {
                return Err(Error::Corrupt {
                    what: format!("measurements of {}", self.id),
                    detail: e.to_string(),
                });
            }
        };
        Ok(Measurement {
            id: self.id,
            measured_at: self.measured_at,
            local_date: self.local_date,
            weight_kg: self.weight_kg,
            body_fat_pct: self.body_fat_pct,
            measurements,
            source: self.source,
            notes: self.notes,
            photo_url: self.photo_url,
            quick_entry_log_id: self.quick_entry_log_id,
            ai_extracted: self.ai_extracted,
        })
    }
}

const SELECT_MEASUREMENT: &str = "SELECT id, measured_at, local_date, weight_kg, body_fat_pct, measurements, source, \
     notes, photo_url, quick_entry_log_id, ai_extracted FROM body_measurements";

pub async fn get(conn: &mut SqliteConnection, user_id: &str, id: &str) -> Result<Measurement> {
    let row: Option<MeasurementRow> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT_MEASUREMENT} WHERE user_id = ? AND id = ?")))
            .bind(user_id)
            .bind(id.trim())
            .fetch_optional(&mut *conn)
            .await?;
    row.ok_or_else(|| Error::not_found(format!("measurement {}", id.trim())))?.into_measurement()
}

/// The latest `limit` measurements, newest first.
pub async fn list_recent(store: &Store, user_id: &str, limit: u32) -> Result<Vec<Measurement>> {
    let rows: Vec<MeasurementRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT_MEASUREMENT} WHERE user_id = ? ORDER BY measured_at DESC, id DESC LIMIT ?"
    )))
    .bind(user_id)
    .bind(limit)
    .fetch_all(store.pool())
    .await?;
    rows.into_iter().map(MeasurementRow::into_measurement).collect()
}

/// The trend on the days `from..=to`, from the weigh-ins of those days and
/// the [`TREND_WARMUP_DAYS`] before (read by local day, so the work is the
/// range's, not the history's). The warm-up's points are kept, so
/// `trend_on(points, from)` is the trend carried into the range; within the
/// range the values equal the whole history's to ~1e-8 of a kilo.
pub async fn trend_through(
    store: &Store,
    user_id: &str,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Result<Vec<trend::TrendPoint>> {
    let rows: Vec<(String, f64)> = sqlx::query_as(
        "SELECT local_date, weight_kg FROM body_measurements \
         WHERE user_id = ? AND local_date BETWEEN ? AND ? AND weight_kg IS NOT NULL",
    )
    .bind(user_id)
    .bind((from - Duration::days(TREND_WARMUP_DAYS)).to_string())
    .bind(to.to_string())
    .fetch_all(store.pool())
    .await?;
    let series =
        rows.into_iter().map(|(d, kg)| Ok((clock::parse_date(&d)?, kg))).collect::<Result<Vec<_>>>()?;
    Ok(trend::trend(&series))
}

/// Every weigh-in as (local date, kg), oldest first: the input of the trend.
pub async fn weights(store: &Store, user_id: &str) -> Result<Vec<(chrono::NaiveDate, f64)>> {
    weights_before(store, user_id, None).await
}

/// The weigh-ins taken before a moment (all of them with `None`), oldest first.
/// Weigh-ins read before the day a trend is shown for: the trend forgets
/// 10 % a day, so a weight this old weighs 0.9^180 ≈ 6e-9 in it (nothing
/// shown changes) while years of history cost what half a year does.
pub const TREND_WARMUP_DAYS: i64 = 180;

async fn weights_since(
    store: &Store,
    user_id: &str,
    since: DateTime<Utc>,
    before: DateTime<Utc>,
) -> Result<Vec<(chrono::NaiveDate, f64)>> {
    let rows: Vec<(String, f64)> = sqlx::query_as(
        "SELECT local_date, weight_kg FROM body_measurements \
         WHERE user_id = ? AND measured_at >= ? AND measured_at < ? AND weight_kg IS NOT NULL ORDER BY measured_at",
    )
    .bind(user_id)
    .bind(clock::to_db(since))
    .bind(clock::to_db(before))
    .fetch_all(store.pool())
    .await?;
    rows.into_iter().map(|(d, kg)| Ok((clock::parse_date(&d)?, kg))).collect()
}

async fn weights_before(
    store: &Store,
    user_id: &str,
    before: Option<DateTime<Utc>>,
) -> Result<Vec<(chrono::NaiveDate, f64)>> {
    let rows: Vec<(String, f64)> = sqlx::query_as(
        "SELECT local_date, weight_kg FROM body_measurements \
         WHERE user_id = ?1 AND weight_kg IS NOT NULL AND (?2 IS NULL OR measured_at < ?2) ORDER BY measured_at",
    )
    .bind(user_id)
    .bind(before.map(clock::to_db))
    .fetch_all(store.pool())
    .await?;
    rows.into_iter().map(|(d, kg)| Ok((clock::parse_date(&d)?, kg))).collect()
}

/// Applies `key=value` edits to a measurement (a `None` value clears that measure).
pub fn apply_values(m: &mut Measurement, values: &[units::ParsedValue]) {
    for v in values {
        match &v.storage {
            units::Storage::WeightColumn => m.weight_kg = v.si,
            units::Storage::BodyFatColumn => m.body_fat_pct = v.si,
            units::Storage::Json(key) => match v.si {
                Some(si) => {
                    m.measurements.insert(key.clone(), serde_json::json!(si));
                }
                None => {
                    m.measurements.remove(key);
                }
            },
        }
    }
}

/// A new manual measurement from parsed `key=value`s.
pub fn new_from_values(measured_at: DateTime<Utc>, values: &[units::ParsedValue]) -> NewMeasurement {
    let mut m = Measurement {
        id: String::new(),
        measured_at: String::new(),
        local_date: String::new(),
        weight_kg: None,
        body_fat_pct: None,
        measurements: serde_json::Map::new(),
        source: BodySource::Manual,
        notes: None,
        photo_url: None,
        quick_entry_log_id: None,
        ai_extracted: false,
    };
    apply_values(&mut m, values);
    NewMeasurement {
        measured_at,
        weight_kg: m.weight_kg,
        body_fat_pct: m.body_fat_pct,
        measurements: m.measurements,
        source: BodySource::Manual,
        quick_entry_log_id: None,
        ai_extracted: false,
    }
}

/// Writes the editable fields of `m` (time, values, notes) back to its row.
pub async fn update(conn: &mut SqliteConnection, profile: &Profile, m: &Measurement) -> Result<Measurement> {
    validate(m.weight_kg, m.body_fat_pct, &m.measurements, m.photo_url.is_some())?;
    let measured_at = clock::from_db(&m.measured_at)?;
    let done = sqlx::query(
        "UPDATE body_measurements SET measured_at = ?, local_date = ?, weight_kg = ?, body_fat_pct = ?, \
         measurements = ?, notes = ? WHERE user_id = ? AND id = ?",
    )
    .bind(clock::to_db(measured_at))
    .bind(clock::local_date(measured_at, profile.tz()).to_string())
    .bind(m.weight_kg)
    .bind(m.body_fat_pct)
    .bind(serde_json::Value::Object(m.measurements.clone()).to_string())
    .bind(&m.notes)
    .bind(&profile.id)
    .bind(&m.id)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(Error::not_found(format!("measurement {}", m.id)));
    }
    get(conn, &profile.id, &m.id).await
}

/// Deletes a measurement and returns it, so the caller can offer an undo
/// through [`restore`].
pub async fn delete(conn: &mut SqliteConnection, user_id: &str, id: &str) -> Result<Measurement> {
    let m = get(conn, user_id, id).await?;
    sqlx::query("DELETE FROM body_measurements WHERE user_id = ? AND id = ?")
        .bind(user_id)
        .bind(&m.id)
        .execute(&mut *conn)
        .await?;
    Ok(m)
}

/// Re-inserts a deleted measurement exactly as it was (same id).
pub async fn restore(conn: &mut SqliteConnection, user_id: &str, m: &Measurement) -> Result<()> {
    validate(m.weight_kg, m.body_fat_pct, &m.measurements, m.photo_url.is_some())?;
    // The entry it came from may be gone since; keep the measurement anyway.
    let entry_exists: bool = match &m.quick_entry_log_id {
        Some(q) => {
            sqlx::query_scalar("SELECT EXISTS(SELECT 1 FROM quick_entry_logs WHERE id = ? AND user_id = ?)")
                .bind(q)
                .bind(user_id)
                .fetch_one(&mut *conn)
                .await?
        }
        None => false,
    };
    sqlx::query(
        "INSERT INTO body_measurements (id, user_id, quick_entry_log_id, measured_at, local_date, weight_kg, \
         body_fat_pct, measurements, source, ai_extracted, notes, photo_url) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&m.id)
    .bind(user_id)
    .bind(m.quick_entry_log_id.as_ref().filter(|_| entry_exists))
    .bind(clock::to_db(clock::from_db(&m.measured_at)?))
    .bind(clock::parse_date(&m.local_date)?.to_string())
    .bind(m.weight_kg)
    .bind(m.body_fat_pct)
    .bind(serde_json::Value::Object(m.measurements.clone()).to_string())
    .bind(m.source)
    .bind(m.ai_extracted)
    .bind(&m.notes)
    .bind(&m.photo_url)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Records a manual measurement from `key=value` text (`weight=82.4 waist=84cm`,
/// tokens in one string or several) taken at `at` (see [`cli::parse_at`]; now
/// by default): what `wagner body add` and the window's form both do.
pub async fn add_from_text(
    store: &Store,
    profile: &Profile,
    values: &[String],
    at: Option<&str>,
) -> Result<Measurement> {
    let measured_at = cli::parse_at(at, profile)?;
    let mut tx = store.begin_write().await?;
    let kinds = units::kinds(&mut tx, &profile.id).await?;
    let parsed = units::parse_values(values, &kinds, profile.units, false)?;
    let id = insert(&mut tx, profile, &new_from_values(measured_at, &parsed)).await?;
    let m = get(&mut tx, &profile.id, &id).await?;
    tx.commit().await?;
    Ok(m)
}

/// Changes a measurement from `key=value` text (`bf=` removes body fat) and/or
/// a new time.
pub async fn edit_from_text(
    store: &Store,
    profile: &Profile,
    id: &str,
    values: &[String],
    at: Option<&str>,
) -> Result<Measurement> {
    let values: Vec<String> = values.iter().filter(|v| !v.trim().is_empty()).cloned().collect();
    if values.is_empty() && at.is_none_or(|a| a.trim().is_empty()) {
        return Err(Error::invalid("nothing to change: give key=value pairs or a new time"));
    }
    let mut tx = store.begin_write().await?;
    let kinds = units::kinds(&mut tx, &profile.id).await?;
    let mut m = get(&mut tx, &profile.id, id).await?;
    if !values.is_empty() {
        apply_values(&mut m, &units::parse_values(&values, &kinds, profile.units, true)?);
    }
    if let Some(at) = at.filter(|a| !a.trim().is_empty()) {
        m.measured_at = clock::to_db(cli::parse_at(Some(at), profile)?);
    }
    let m = update(&mut tx, profile, &m).await?;
    tx.commit().await?;
    Ok(m)
}

/// Deletes a measurement and remembers it in `users.settings.body_last_deleted`
/// for [`undo_delete`], in one transaction.
pub async fn delete_with_undo(store: &Store, user_id: &str, id: &str) -> Result<Measurement> {
    let mut tx = store.begin_write().await?;
    let m = delete(&mut tx, user_id, id).await?;
    let json = serde_json::to_string(&m).map_err(|e| Error::invalid(e.to_string()))?;
    sqlx::query(
        "UPDATE users SET settings = json_set(settings, '$.body_last_deleted', json(?)) WHERE id = ?",
    )
    .bind(json)
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// Puts back the measurement deleted last by [`delete_with_undo`].
pub async fn undo_delete(store: &Store, user_id: &str) -> Result<Measurement> {
    let mut tx = store.begin_write().await?;
    let saved: Option<Option<String>> =
        sqlx::query_scalar("SELECT json_extract(settings, '$.body_last_deleted') FROM users WHERE id = ?")
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some(json) = saved.flatten() else {
        return Err(Error::invalid("there is no deleted measurement to put back"));
    };
    let m: Measurement = serde_json::from_str(&json)
        .map_err(|e| Error::Corrupt { what: "settings.body_last_deleted".into(), detail: e.to_string() })?;
    restore(&mut tx, user_id, &m).await?;
    sqlx::query("UPDATE users SET settings = json_remove(settings, '$.body_last_deleted') WHERE id = ?")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(m)
}
