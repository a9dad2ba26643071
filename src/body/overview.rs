//! What the Body page and `wagner body` show: the latest value of each
//! measure, the trend weight with its weekly rate, the goal and the history.

use chrono::NaiveDate;
use serde::Serialize;

use super::trend::{self, TrendPoint};
use super::units::{self, Dimension, Kinds, MeasureKind, Storage};
use super::{Measurement, list_recent};
use crate::clock;
use crate::error::Result;
use crate::profile::{Profile, Units};
use crate::store::Store;

/// The days over which the weekly rate is fitted.
pub const RATE_DAYS: i64 = 14;
/// How many measurements the history shows.
pub const HISTORY_LEN: u32 = 14;

/// The days the chart's daily series covers, up to the last weigh-in: its
/// longest day-by-day range ("1 year"). Longer ranges read [`AllTime`].
pub const CHART_DAYS: i64 = 365;
/// At most this many points in the "all" range (weeks, or several weeks each
/// over a long history): what a chart a few hundred pixels wide can show.
pub const MAX_ALL_TIME_POINTS: i64 = 156;

/// A measure's latest value, in SI and as text in the user's units.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LatestValue {
    pub key: String,
    pub label: String,
    pub value: f64,
    pub display: String,
    pub local_date: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TrendSummary {
    pub date: String,
    pub weight_kg: f64,
    pub trend_kg: f64,
    /// kg per week over the last [`RATE_DAYS`] days; None with one weigh-in.
    pub weekly_rate_kg: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WeighIn {
    pub id: String,
    pub measured_at: String,
    pub local_date: String,
    pub weight_kg: f64,
}

/// A kind as the window needs it to show and enter values in the user's units.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct KindView {
    pub key: String,
    pub label: String,
    /// The unit values are shown and typed in for this profile ("lb", "cm", "%").
    pub unit: String,
    /// SI value of one shown unit (0.4536 for lb, 2.54 for in, 1 otherwise):
    /// shown = stored / si_per_unit.
    pub si_per_unit: f64,
    /// Decimals shown.
    pub digits: u32,
    pub storage: Storage,
    pub custom: bool,
}

impl KindView {
    pub fn new(kind: &MeasureKind, units: Units) -> Self {
        let (shown, unit) = kind.dimension.display(1.0, units);
        KindView {
            key: kind.key.clone(),
            label: kind.label.clone(),
            unit,
            si_per_unit: 1.0 / shown,
            digits: kind.digits() as u32,
            storage: kind.storage.clone(),
            custom: kind.custom,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BodyOverview {
    pub units: Units,
    /// Every kind the user can enter, built-in first.
    pub kinds: Vec<KindView>,
    pub latest: Vec<LatestValue>,
    pub trend: Option<TrendSummary>,
    pub goal_weight_kg: Option<f64>,
    /// The trend on every weigh-in day of the last [`CHART_DAYS`] days up to
    /// the last weigh-in, oldest first (the chart's series).
    pub trend_points: Vec<TrendPoint>,
    /// The weigh-ins of those days, oldest first (the chart's raw points; a
    /// day with two weigh-ins has one trend point, their mean).
    pub weigh_ins: Vec<WeighIn>,
    /// The whole history in weekly (or longer) averages when it is longer
    /// than the daily series; `None` when the daily series is all of it.
    pub all_time: Option<AllTime>,
    pub history: Vec<Measurement>,
}

/// The weight history as the "all" range shows it: one point per bucket of
/// `bucket_days` days, counted back from the last weigh-in.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AllTime {
    pub bucket_days: u32,
    /// Oldest first; buckets without a weigh-in are left out.
    pub buckets: Vec<WeightBucket>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WeightBucket {
    /// The first and last day with a weigh-in in the bucket.
    pub from: String,
    pub to: String,
    /// The mean of the bucket's daily weights (a day's weigh-ins count once, as their mean).
    pub weight_kg: f64,
    /// Days with a weigh-in.
    pub days: u32,
    /// The bucket means smoothed as the daily trend is (per elapsed day, see
    /// [`trend`]), dated `to`.
    pub trend_kg: f64,
}

/// Values of one measurement as `("Weight", "82.4 kg")` pairs, in kind order;
/// JSON keys no kind knows are shown raw.
pub fn describe(m: &Measurement, kinds: &Kinds, units: Units) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for kind in &kinds.kinds {
        let si = match &kind.storage {
            units::Storage::WeightColumn => m.weight_kg,
            units::Storage::BodyFatColumn => m.body_fat_pct,
            units::Storage::Json(key) => m.measurements.get(key).and_then(|v| v.as_f64()),
        };
        if let Some(si) = si {
            out.push((kind.key.clone(), kind.format(si, units)));
        }
    }
    for (key, value) in &m.measurements {
        if kinds.by_json_key(key).is_none() {
            out.push((key.clone(), value.to_string()));
        }
    }
    out
}

/// The active weight goal from user_goals, else users.goal_weight_kg.
async fn goal_weight_kg(store: &Store, user_id: &str) -> Result<Option<f64>> {
    let goal: Option<(f64, Option<String>)> = sqlx::query_as(
        "SELECT target_value, target_unit FROM user_goals WHERE user_id = ? AND goal_type = 'weight' \
         AND status = 'active' AND target_value IS NOT NULL ORDER BY created_at DESC LIMIT 1",
    )
    .bind(user_id)
    .fetch_optional(store.pool())
    .await?;
    if let Some((value, unit)) = goal {
        let lb = unit.is_some_and(|u| matches!(u.trim().to_lowercase().as_str(), "lb" | "lbs"));
        return Ok(Some(if lb { value * 0.453_592_37 } else { value }));
    }
    Ok(sqlx::query_scalar("SELECT goal_weight_kg FROM users WHERE id = ?")
        .bind(user_id)
        .fetch_optional(store.pool())
        .await?
        .flatten())
}

pub async fn overview(store: &Store, profile: &Profile) -> Result<BodyOverview> {
    overview_with_history(store, profile, HISTORY_LEN).await
}

/// [`overview`] with the latest `history_len` measurements in the history.
pub async fn overview_with_history(
    store: &Store,
    profile: &Profile,
    history_len: u32,
) -> Result<BodyOverview> {
    let kinds = {
        let mut conn = store.pool().acquire().await?;
        units::kinds(&mut conn, &profile.id).await?
    };
    let last_day = weigh_in_day(store, &profile.id, "DESC").await?;
    let chart_from = last_day.map(|d| d - chrono::Duration::days(CHART_DAYS - 1));
    let mut points = match (chart_from, last_day) {
        (Some(from), Some(to)) => super::trend_through(store, &profile.id, from, to).await?,
        _ => Vec::new(),
    };
    points.retain(|p| chart_from.is_some_and(|from| p.date >= from));
    let trend = points.last().map(|last| TrendSummary {
        date: last.date.to_string(),
        weight_kg: last.weight_kg,
        trend_kg: last.trend_kg,
        weekly_rate_kg: trend::weekly_rate(&points, RATE_DAYS),
    });
    let mut latest = Vec::new();
    for kind in &kinds.kinds {
        let row: Option<(f64, String)> = match &kind.storage {
            units::Storage::Json(key) => sqlx::query_as(
                "SELECT CAST(json_extract(measurements, ?2) AS REAL) AS v, local_date FROM body_measurements \
                     WHERE user_id = ?1 AND v IS NOT NULL ORDER BY measured_at DESC LIMIT 1",
            )
            .bind(&profile.id)
            .bind(format!("$.\"{key}\""))
            .fetch_optional(store.pool())
            .await?,
            column => {
                let column =
                    if *column == units::Storage::WeightColumn { "weight_kg" } else { "body_fat_pct" };
                // `column` is one of two fixed names.
                sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "SELECT {column}, local_date FROM body_measurements WHERE user_id = ? AND {column} IS NOT NULL \
                     ORDER BY measured_at DESC LIMIT 1"
                )))
                .bind(&profile.id)
                .fetch_optional(store.pool())
                .await?
            }
        };
        if let Some((value, local_date)) = row {
            latest.push(LatestValue {
                key: kind.key.clone(),
                label: kind.label.clone(),
                value,
                display: kind.format(value, profile.units),
                local_date,
            });
        }
    }
    Ok(BodyOverview {
        units: profile.units,
        kinds: kinds.kinds.iter().map(|k| KindView::new(k, profile.units)).collect(),
        latest,
        trend,
        goal_weight_kg: goal_weight_kg(store, &profile.id).await?,
        trend_points: points,
        weigh_ins: match chart_from {
            // Bounded by the time too (a day starts at most 14 h before its UTC
            // midnight), so either index is a range read whatever the planner picks.
            Some(from) => {
                sqlx::query_as(
                    "SELECT id, measured_at, local_date, weight_kg FROM body_measurements \
                 WHERE user_id = ? AND measured_at >= ? AND local_date >= ? AND weight_kg IS NOT NULL \
                 ORDER BY measured_at, id",
                )
                .bind(&profile.id)
                .bind(clock::to_db(
                    from.and_time(chrono::NaiveTime::MIN).and_utc() - chrono::Duration::days(1),
                ))
                .bind(from.to_string())
                .fetch_all(store.pool())
                .await?
            }
            None => Vec::new(),
        },
        all_time: match (chart_from, last_day) {
            (Some(from), Some(last)) => all_time(store, &profile.id, from, last).await?,
            _ => None,
        },
        history: list_recent(store, &profile.id, history_len).await?,
    })
}

/// The first ("ASC") or last ("DESC") day with a weigh-in.
async fn weigh_in_day(store: &Store, user_id: &str, order: &str) -> Result<Option<NaiveDate>> {
    let order = if order == "ASC" { "ASC" } else { "DESC" };
    let day: Option<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT local_date FROM body_measurements WHERE user_id = ? AND weight_kg IS NOT NULL \
         ORDER BY local_date {order} LIMIT 1"
    )))
    .bind(user_id)
    .fetch_optional(store.pool())
    .await?;
    day.map(|d| clock::parse_date(&d)).transpose()
}

/// The whole weight history in at most [`MAX_ALL_TIME_POINTS`] buckets,
/// averaged in SQL over the covering index of weigh-in days (what is read is
/// two numbers a day, what comes back is bounded); `None` when the history
/// starts on or after `chart_from`, where the daily series already is all of it.
async fn all_time(
    store: &Store,
    user_id: &str,
    chart_from: NaiveDate,
    last: NaiveDate,
) -> Result<Option<AllTime>> {
    let Some(first) = weigh_in_day(store, user_id, "ASC").await? else { return Ok(None) };
    if first >= chart_from {
        return Ok(None);
    }
    let span = (last - first).num_days() + 1;
    let weeks = (span + 7 * MAX_ALL_TIME_POINTS - 1) / (7 * MAX_ALL_TIME_POINTS);
    let bucket_days = 7 * weeks.max(1);
    let rows: Vec<(String, String, f64, i64)> = sqlx::query_as(
        "WITH days AS (SELECT local_date AS day, AVG(weight_kg) AS kg FROM body_measurements \
                       WHERE user_id = ?1 AND weight_kg IS NOT NULL GROUP BY local_date) \
         SELECT MIN(day), MAX(day), AVG(kg), COUNT(*) FROM days \
         GROUP BY CAST(julianday(?2) - julianday(day) AS INTEGER) / ?3 ORDER BY MIN(day)",
    )
    .bind(user_id)
    .bind(last.to_string())
    .bind(bucket_days)
    .fetch_all(store.pool())
    .await?;
    let mut buckets = Vec::with_capacity(rows.len());
    let mut series = Vec::with_capacity(rows.len());
    for (from, to, kg, days) in rows {
        series.push((clock::parse_date(&to)?, kg));
        buckets.push(WeightBucket { from, to, weight_kg: kg, days: days as u32, trend_kg: kg });
    }
    let smoothed: std::collections::HashMap<NaiveDate, f64> =
        trend::trend(&series).into_iter().map(|p| (p.date, p.trend_kg)).collect();
    for (bucket, (to, _)) in buckets.iter_mut().zip(&series) {
        bucket.trend_kg = smoothed.get(to).copied().unwrap_or(bucket.weight_kg);
    }
    Ok(Some(AllTime { bucket_days: bucket_days as u32, buckets }))
}

/// A mass in the user's units, e.g. "-0.45 kg" with `signed`.
pub fn format_mass(kg: f64, units: Units, digits: usize, signed: bool) -> String {
    let (v, unit) = Dimension::Mass.display(kg, units);
    if signed { format!("{v:+.digits$} {unit}") } else { format!("{v:.digits$} {unit}") }
}
