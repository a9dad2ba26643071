//! Writing what an Apple Health export holds: body values through the body
//! add path, workouts through the activity import writer, intake as one
//! imported meal per day. Batched transactions; a cancel stops between batches.

use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{NaiveDate, NaiveTime};

use super::apple_health::{HealthData, Routes, Workout};
use super::{HistoryFound, HistoryOutcome, HistoryProgress, HistoryReport, dates};
use crate::activities::ActivitySource;
use crate::activities::import::parsed::{ParsedActivity, Streams, Summary};
use crate::activities::import::{self as activity_import, ImportStatus, Origin, ParseError};
use crate::attachments;
use crate::body::{BodySource, NewMeasurement};
use crate::clock;
use crate::error::Result;
use crate::nutrition::import::{ImportedMeal, Upsert, upsert};
use crate::nutrition::{MealCategory, MealFood};
use crate::profile::Profile;
use crate::store::Store;

const BODY_BATCH: usize = 500;
const DAY_BATCH: usize = 200;

pub fn found(d: &HealthData) -> Vec<HistoryFound> {
    let body_count = |pick: fn(&super::apple_health::BodyInstant) -> bool, what: &str| {
        let days = d.body.iter().filter(|(_, b)| pick(b)).map(|(at, _)| at.date_naive());
        let (first, last) = dates(days.clone());
        HistoryFound { what: what.into(), count: days.count() as u32, first_date: first, last_date: last }
    };
    let mut out = vec![
        body_count(|b| b.weight_kg.is_some(), "weigh-ins"),
        body_count(|b| b.body_fat_pct.is_some(), "body fat readings"),
        body_count(|b| b.lean_mass_kg.is_some(), "lean mass readings"),
        body_count(|b| b.waist_cm.is_some(), "waist measurements"),
        body_count(|b| b.resting_hr_bpm.is_some(), "resting heart rates"),
        body_count(|b| b.hrv_ms.is_some(), "HRV readings"),
    ];
    let starts = d.workouts.iter().map(|w| w.start.date_naive());
    let (first, last) = dates(starts);
    out.push(HistoryFound {
        what: "workouts".into(),
        count: d.workouts.len() as u32,
        first_date: first,
        last_date: last,
    });
    let routes = d.workouts.iter().filter(|w| w.route.is_some()).map(|w| w.start.date_naive());
    let (first, last) = dates(routes.clone());
    out.push(HistoryFound {
        what: "workout routes".into(),
        count: routes.count() as u32,
        first_date: first,
        last_date: last,
    });
    let (first, last) = dates(d.days.keys().copied());
    out.push(HistoryFound {
        what: "days of nutrition".into(),
        count: d.days.len() as u32,
        first_date: first,
        last_date: last,
    });
    out.retain(|f| f.count > 0);
    out
}

pub fn problems(d: &HealthData) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(damage) = &d.damage {
        out.push(format!("{damage}; everything before it is kept"));
    }
    out.extend(d.rejected.iter().cloned());
    if d.rejected_count > d.rejected.len() as u64 {
        out.push(format!("… {} more values left out", d.rejected_count - d.rejected.len() as u64));
    }
    out
}

fn round(v: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (v * f).round() / f
}

pub async fn write(
    store: &Store,
    profile: &Profile,
    data: &HealthData,
    routes: &mut Routes,
    cancel: &AtomicBool,
    progress: &mut (impl FnMut(HistoryProgress) + Send),
    report: &mut HistoryReport,
) -> Result<()> {
    report.problems = problems(data);
    let stop = || cancel.load(Ordering::SeqCst);

    // Body: one measurement per instant, skipped when that instant is already recorded.
    let mut outcome = HistoryOutcome { what: "body measurements".into(), ..HistoryOutcome::default() };
    let instants: Vec<_> = data.body.iter().collect();
    let total = instants.len() as u32;
    for (i, batch) in instants.chunks(BODY_BATCH).enumerate() {
        if stop() {
            report.cancelled = true;
            break;
        }
        let mut tx = store.begin_write().await?;
        for (at, b) in batch {
            let exists: bool = sqlx::query_scalar(
                "SELECT EXISTS(SELECT 1 FROM body_measurements WHERE user_id = ? AND measured_at = ?)",
            )
            .bind(&profile.id)
            .bind(clock::to_db(**at))
            .fetch_one(&mut *tx)
            .await?;
            if exists {
                outcome.already_there += 1;
                continue;
            }
            let mut others = serde_json::Map::new();
            for (key, value, places) in [
                ("lean_mass_kg", b.lean_mass_kg, 3),
                ("waist_cm", b.waist_cm, 1),
                ("resting_hr_bpm", b.resting_hr_bpm, 0),
                ("hrv_ms", b.hrv_ms, 1),
            ] {
                if let Some(v) = value {
                    others.insert(key.into(), serde_json::json!(round(v, places)));
                }
            }
            let new = NewMeasurement {
                measured_at: **at,
                weight_kg: b.weight_kg.map(|w| round(w, 3)),
                body_fat_pct: b.body_fat_pct.map(|p| round(p, 2)),
                measurements: others,
                source: BodySource::Import,
                quick_entry_log_id: None,
                ai_extracted: false,
            };
            super::insert_measurement(&mut tx, profile, &new, &mut outcome, &mut report.problems, || {
                format!("body values at {}", clock::to_db(**at))
            })
            .await?;
        }
        tx.commit().await?;
        let done = ((i + 1) * BODY_BATCH).min(instants.len()) as u32;
        progress(HistoryProgress { phase: "body".into(), done, total });
    }
    report.outcomes.push(outcome);

    // Workouts: each through the activity writer (its own transaction, duplicates found there).
    let mut outcome = HistoryOutcome { what: "workouts".into(), ..HistoryOutcome::default() };
    let thresholds = activity_import::thresholds(store, &profile.id).await?;
    let total = data.workouts.len() as u32;
    for (i, w) in data.workouts.iter().enumerate() {
        if report.cancelled || stop() {
            report.cancelled = true;
            break;
        }
        match write_workout(store, profile, &thresholds, w, routes, report).await? {
            ImportStatus::Imported | ImportStatus::Partial { .. } => outcome.added += 1,
            ImportStatus::Duplicate { .. } => outcome.already_there += 1,
            ImportStatus::Failed { reason } => {
                outcome.failed += 1;
                report.problems.push(format!("workout at export.xml line {}: {reason}", w.line));
            }
            _ => {}
        }
        if (i + 1) % 20 == 0 || i + 1 == data.workouts.len() {
            progress(HistoryProgress { phase: "workouts".into(), done: i as u32 + 1, total });
        }
    }
    report.outcomes.push(outcome);

    // Intake: one meal per day, keyed so a second import updates instead of adding.
    let mut outcome = HistoryOutcome { what: "days of nutrition".into(), ..HistoryOutcome::default() };
    let days: Vec<_> = data.days.iter().collect();
    let total = days.len() as u32;
    for (i, batch) in days.chunks(DAY_BATCH).enumerate() {
        if report.cancelled || stop() {
            report.cancelled = true;
            break;
        }
        let mut tx = store.begin_write().await?;
        for (date, day) in batch {
            let key = format!("apple_health:{date}");
            if logged_elsewhere(&mut tx, profile, **date, &key).await? {
                // Another app's export or this app's own log already has that day:
                // Apple Health's copy of it would count the same food twice.
                outcome.already_there += 1;
                continue;
            }
            let meal = ImportedMeal {
                key,
                date: **date,
                time: NaiveTime::from_hms_opt(12, 0, 0),
                category: MealCategory::Snack,
                name: "Apple Health (day total)".into(),
                foods: vec![MealFood {
                    name: "Food logged in Apple Health".into(),
                    quantity: 1.0,
                    unit: "day".into(),
                    grams: None,
                    calories: round(day.kcal, 1),
                    protein_g: round(day.protein_g, 1),
                    carbs_g: round(day.carbs_g, 1),
                    fat_g: round(day.fat_g, 1),
                    food_id: None,
                    nutrients: Default::default(),
                }],
            };
            match upsert(&mut tx, profile, &meal).await? {
                Upsert::Added | Upsert::Updated => outcome.added += 1,
                Upsert::Unchanged => outcome.already_there += 1,
            }
        }
        tx.commit().await?;
        let done = ((i + 1) * DAY_BATCH).min(days.len()) as u32;
        progress(HistoryProgress { phase: "nutrition".into(), done, total });
    }
    report.outcomes.push(outcome);
    Ok(())
}

/// Whether the local day already has meals not from this Apple Health import.
pub(super) async fn logged_elsewhere(
    conn: &mut sqlx::SqliteConnection,
    profile: &Profile,
    date: NaiveDate,
    key: &str,
) -> Result<bool> {
    Ok(sqlx::query_scalar(
        "SELECT EXISTS(SELECT 1 FROM meal_logs WHERE user_id = ? AND local_date = ? \
         AND (import_key IS NULL OR import_key <> ?))",
    )
    .bind(&profile.id)
    .bind(date.to_string())
    .bind(key)
    .fetch_one(&mut *conn)
    .await?)
}

async fn write_workout(
    store: &Store,
    profile: &Profile,
    thresholds: &crate::activities::metrics::Thresholds,
    w: &Workout,
    routes: &mut Routes,
    report: &mut HistoryReport,
) -> Result<ImportStatus> {
    let start = w.start.with_timezone(&chrono::Utc);
    let origin = Origin {
        source: Some(ActivitySource::AppleHealth),
        external_id: Some(format!("{}@{}", w.hk_type, w.start.to_rfc3339())),
        name: None,
        activity_type: Some(w.activity_type),
        description: w.source_name.as_ref().map(|s| format!("Recorded by {s} (Apple Health)")),
    };
    let summary = Summary {
        elapsed_s: w.duration_s,
        distance_m: w.distance_m,
        calories: w.energy_kcal,
        ..Summary::default()
    };
    let mut route_bytes = None;
    if let Some(path) = &w.route {
        match routes.get(path) {
            Ok(bytes) => route_bytes = Some(bytes),
            Err(why) => {
                report.problems.push(format!("workout at export.xml line {}: route left out: {why}", w.line))
            }
        }
    }
    let mut activity = None;
    if let Some(bytes) = &route_bytes {
        let name = w.route.clone().unwrap_or_default();
        let owned = bytes.clone();
        let parsed = tokio::task::spawn_blocking(move || activity_import::parse_bytes(&name, &owned))
            .await
            .map_err(|e| crate::Error::invalid(format!("the route parser stopped: {e}")))?;
        match parsed {
            Ok(mut a) => {
                // The workout's own numbers win; the route fills what they lack. The
                // route's start stays: its samples are timed from it.
                a.activity_type = w.activity_type;
                a.summary.elapsed_s = summary.elapsed_s.or(a.summary.elapsed_s);
                a.summary.distance_m = summary.distance_m.or(a.summary.distance_m);
                a.summary.calories = summary.calories.or(a.summary.calories);
                activity = Some(a);
            }
            Err(ParseError::Invalid(why)) | Err(ParseError::NotActivity(why)) => {
                report
                    .problems
                    .push(format!("workout at export.xml line {}: route unreadable: {why}", w.line));
                route_bytes = None;
            }
        }
    }
    let mut activity = activity.unwrap_or(ParsedActivity {
        format: "apple_health",
        name: None,
        activity_type: w.activity_type,
        start,
        summary,
        segments: Vec::new(),
        streams: Streams::default(),
        partial: None,
        creator: w.source_name.clone(),
    });
    activity.finish(thresholds);
    let original = route_bytes.as_ref().map(|b| (attachments::sha256_hex(b), b));
    let original = original.as_ref().map(|(hash, b)| (hash.as_str(), "gpx", b.as_slice()));
    let label = format!("export.xml workout at {start}");
    let (status, _) =
        activity_import::store_activity(store, profile, activity, original, &origin, &label).await?;
    Ok(status)
}
