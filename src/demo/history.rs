//! A long history behind the demo: months or years of meals, recorded
//! activities with their streams, weigh-ins and quick entries, so the app
//! (and its benchmarks) can be tried on what a person logs over years.
//!
//! Rows go through the core's own writers (`nutrition::insert_meal`,
//! `activities::import::insert_parsed`, `body::insert`) in one transaction
//! per month, so a 5-year profile builds in seconds instead of the minutes
//! that one process per row takes. Deterministic for a given `now`.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use serde::Serialize;
use serde_json::json;
use sqlx::SqliteConnection;

use super::{MEAL_TIMES, Noise, menu};
use crate::activities::ActivityType;
use crate::activities::import::{self, Origin, ParsedActivity, ParsedSegment, SegmentKind, Streams, Summary};
use crate::activities::metrics::Thresholds;
use crate::body::{self, BodySource, NewMeasurement};
use crate::clock;
use crate::error::{Error, Result};
use crate::nutrition::{self, MealCategory, MealSource, NewMeal};
use crate::profile::{self, Profile};
use crate::store::Store;

/// At most 20 years: a limit before anything is allocated.
pub const MAX_HISTORY_DAYS: i64 = 20 * 366;
/// Days per write transaction.
const BATCH_DAYS: i64 = 31;
/// Seconds between recorded samples (a watch in "smart recording" mode).
const SAMPLE_SECONDS: f64 = 3.0;

#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HistoryReport {
    pub days: i64,
    pub meals: i64,
    pub activities: i64,
    pub trackpoints: i64,
    pub measurements: i64,
    pub entries: i64,
}

/// Adds `days` of history to the profile, ending the day before `first_day`
/// (the first day already filled, e.g. by the two-week demo), counting back.
pub async fn fill_before(
    store: &Store,
    profile: &Profile,
    first_day: NaiveDate,
    days: i64,
) -> Result<HistoryReport> {
    if !(0..=MAX_HISTORY_DAYS).contains(&days) {
        return Err(Error::invalid(format!(
            "a generated history covers 0 to {MAX_HISTORY_DAYS} days, not {days}"
        )));
    }
    let thresholds = import::thresholds(store, &profile.id).await?;
    let mut report = HistoryReport { days, ..HistoryReport::default() };
    let mut noise = Noise(0x0123_4567_89ab_cdef ^ days as u64);
    let start = first_day - Duration::days(days);
    let mut day = start;
    while day < first_day {
        let end = (day + Duration::days(BATCH_DAYS)).min(first_day);
        let mut tx = store.begin_write().await?;
        while day < end {
            fill_day(
                &mut tx,
                profile,
                &thresholds,
                day,
                (day - start).num_days(),
                days,
                &mut noise,
                &mut report,
            )
            .await?;
            day += Duration::days(1);
        }
        tx.commit().await?;
    }
    // A large import: let SQLite refresh the planner statistics it needs.
    crate::store::optimize(store.pool()).await?;
    Ok(report)
}

/// `wagner demo --days N`: the two-week demo, and N more days of history before it.
pub async fn load(
    store: &Store,
    now: DateTime<Utc>,
    days: i64,
    time_zone: Option<String>,
) -> Result<(super::DemoReport, HistoryReport)> {
    if !(0..=MAX_HISTORY_DAYS).contains(&days) {
        return Err(Error::invalid(format!(
            "a generated history covers 0 to {MAX_HISTORY_DAYS} days, not {days}"
        )));
    }
    let demo = super::load(store, now, time_zone).await?;
    let profile = profile::get(store, &demo.profile.id).await?;
    let first_demo_day = clock::local_date(now, profile.tz()) - Duration::days(super::DEMO_DAYS - 1);
    let history = fill_before(store, &profile, first_demo_day, days).await?;
    Ok((demo, history))
}

#[allow(clippy::too_many_arguments)]
async fn fill_day(
    conn: &mut SqliteConnection,
    profile: &Profile,
    thresholds: &Thresholds,
    date: NaiveDate,
    index: i64,
    total: i64,
    noise: &mut Noise,
    report: &mut HistoryReport,
) -> Result<()> {
    let tz = profile.tz();
    // Weight: down from ~92 kg to the demo's ~84 kg over the history, with a
    // yearly swing (winters heavier) and water noise. Most days, not all.
    if noise.next() < 0.88 {
        let progress = index as f64 / total.max(1) as f64;
        let season = (date.ordinal() as f64 / 365.25 * std::f64::consts::TAU).cos();
        let kg = 92.0 - 7.8 * progress + 0.9 * season + 0.4 * noise.signed();
        let weekly = date.weekday() == Weekday::Sun;
        body::insert(
            conn,
            profile,
            &NewMeasurement {
                measured_at: clock::local_to_utc(date, 7, (noise.next() * 20.0) as u32, tz),
                weight_kg: Some((kg * 10.0).round() / 10.0),
                body_fat_pct: weekly
                    .then(|| ((22.0 - 2.5 * progress + 0.3 * noise.signed()) * 10.0).round() / 10.0),
                measurements: if weekly {
                    serde_json::Map::from_iter([(
                        "waist_cm".to_string(),
                        json!((90.0 - 4.0 * progress).round()),
                    )])
                } else {
                    serde_json::Map::new()
                },
                source: BodySource::Scale,
                quick_entry_log_id: None,
                ai_extracted: false,
            },
        )
        .await?;
        report.measurements += 1;
    }

    for (category, hour, minute) in MEAL_TIMES {
        // Snacks most days, the main meals nearly always.
        let skip = if category == MealCategory::Snack { 0.3 } else { 0.03 };
        if noise.next() < skip {
            continue;
        }
        let logged_at = clock::local_to_utc(date, hour, minute + (noise.next() * 14.0) as u32, tz);
        let options = menu(category);
        let (text, foods) = &options[(noise.next() * options.len() as f64) as usize % options.len()];
        let via_entry = category != MealCategory::Snack && noise.next() < 0.35;
        let entry_id = if via_entry {
            let word = match category {
                MealCategory::Breakfast => "breakfast",
                MealCategory::Lunch => "lunch",
                MealCategory::Dinner => "dinner",
                MealCategory::Snack => "a snack",
            };
            let text = format!("{text} for {word}");
            Some(completed_entry(conn, profile, &text, "meal", logged_at).await?)
        } else {
            None
        };
        let meal_id = nutrition::insert_meal(
            conn,
            profile,
            &NewMeal {
                category,
                logged_at,
                name: Some(text.to_string()),
                foods: foods.clone(),
                source: if via_entry { MealSource::QuickEntry } else { MealSource::Manual },
                quick_entry_log_id: entry_id.clone(),
                ai_extracted: via_entry,
                ai_confidence: via_entry.then_some(0.9),
                image_url: None,
            },
        )
        .await?;
        if let Some(entry_id) = entry_id {
            sqlx::query("UPDATE quick_entry_logs SET meal_log_ids = json_array(?) WHERE id = ?")
                .bind(&meal_id)
                .bind(&entry_id)
                .execute(&mut *conn)
                .await?;
            report.entries += 1;
        }
        report.meals += 1;
    }

    if let Some(mut activity) = recorded_activity(date, tz, noise) {
        activity.finish(thresholds);
        report.trackpoints += activity.streams.len() as i64;
        import::insert_parsed(
            conn,
            profile,
            &activity,
            None,
            crate::activities::ActivitySource::File,
            &Origin::default(),
        )
        .await?;
        report.activities += 1;
    }

    // Now and then a note that is only a note, and an old entry that never got read.
    if noise.next() < 0.06 {
        let at = clock::local_to_utc(date, 21, 30, tz);
        completed_entry(conn, profile, "slept badly, legs heavy", "unknown", at).await?;
        report.entries += 1;
    }
    if noise.next() < 0.015 {
        let id = crate::new_id();
        sqlx::query(
            "INSERT INTO quick_entry_logs (id, user_id, input_type, raw_text, processing_status, error_message, \
             logged_at) VALUES (?, ?, 'text', 'felt off today', 'failed', \
             'nothing recognised as a meal, a workout or a measurement', ?)",
        )
        .bind(&id)
        .bind(&profile.id)
        .bind(clock::to_db(clock::local_to_utc(date, 22, 0, tz)))
        .execute(&mut *conn)
        .await?;
        report.entries += 1;
    }
    Ok(())
}

async fn completed_entry(
    conn: &mut SqliteConnection,
    profile: &Profile,
    text: &str,
    classification: &str,
    logged_at: DateTime<Utc>,
) -> Result<String> {
    let id = crate::new_id();
    sqlx::query(
        "INSERT INTO quick_entry_logs (id, user_id, input_type, raw_text, ai_provider, ai_model, ai_cost_usd, \
         ai_classification, ai_confidence_score, contains_meal, processing_status, logged_at, processed_at) \
         VALUES (?, ?, 'text', ?, 'offline', 'demo', 0, ?, 0.9, ?, 'completed', ?, ?)",
    )
    .bind(&id)
    .bind(&profile.id)
    .bind(text)
    .bind(classification)
    .bind(classification == "meal")
    .bind(clock::to_db(logged_at))
    .bind(clock::to_db(logged_at))
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// The week of the athlete: easy run, strength, intervals, strength, long ride,
/// a rest day or two; about one week in eight off.
fn recorded_activity(date: NaiveDate, tz: chrono_tz::Tz, noise: &mut Noise) -> Option<ParsedActivity> {
    if noise.next() < 0.12 {
        return None;
    }
    let (name, kind, hour, minutes, speed_mps, hr) = match date.weekday() {
        Weekday::Mon => ("Easy run", ActivityType::Run, 7, 35.0 + noise.next() * 15.0, 2.9, 142.0),
        Weekday::Tue => ("Upper body strength", ActivityType::Strength, 18, 55.0, 0.0, 118.0),
        Weekday::Thu => ("Intervals", ActivityType::Run, 7, 45.0 + noise.next() * 10.0, 3.3, 155.0),
        Weekday::Fri => ("Lower body strength", ActivityType::Strength, 18, 60.0, 0.0, 121.0),
        Weekday::Sat => ("Long ride", ActivityType::Ride, 9, 90.0 + noise.next() * 60.0, 7.5, 134.0),
        Weekday::Sun if noise.next() < 0.5 => {
            ("Walk", ActivityType::Walk, 16, 40.0 + noise.next() * 30.0, 1.4, 98.0)
        }
        _ => return None,
    };
    let start = clock::local_to_utc(date, hour, (noise.next() * 30.0) as u32, tz);
    let mut segments = Vec::new();
    if kind == ActivityType::Strength {
        let lifts: &[(&str, i64, f64)] = if date.weekday() == Weekday::Tue {
            &[("Bench press", 8, 80.0), ("Barbell row", 10, 60.0), ("Overhead press", 8, 45.0)]
        } else {
            &[("Back squat", 6, 100.0), ("Romanian deadlift", 8, 90.0), ("Walking lunge", 10, 20.0)]
        };
        for &(exercise, reps, kg) in lifts {
            for _ in 0..3 {
                let mut set = ParsedSegment::new(SegmentKind::Set);
                set.exercise_name = Some(exercise.into());
                set.reps = Some(reps);
                set.weight_kg = Some(kg);
                segments.push(set);
            }
        }
    }
    let samples = (minutes * 60.0 / SAMPLE_SECONDS) as usize;
    let mut st = Streams::default();
    let (lat0, lng0) = (52.37 + noise.signed() * 0.01, 4.89 + noise.signed() * 0.01);
    let (mut distance, mut heading, mut altitude) = (0.0f64, noise.next() * std::f64::consts::TAU, 5.0);
    let mut pos = (lat0, lng0);
    let moving = speed_mps > 0.0;
    for i in 0..samples {
        let t = i as f64 * SAMPLE_SECONDS;
        let v = if moving { speed_mps * (1.0 + 0.08 * noise.signed()) } else { 0.0 };
        let warm = (t / 300.0).min(1.0);
        st.time.push(t);
        st.heartrate.push((hr - 25.0 * (1.0 - warm) + 4.0 * noise.signed()).round());
        if moving {
            distance += v * SAMPLE_SECONDS;
            heading += 0.05 * noise.signed();
            let step = v * SAMPLE_SECONDS / 111_320.0;
            pos = (pos.0 + step * heading.cos(), pos.1 + step * heading.sin() / pos.0.to_radians().cos());
            altitude = (altitude + 0.4 * noise.signed()).clamp(-5.0, 60.0);
            st.distance.push(distance);
            st.speed.push(v);
            st.altitude.push(altitude);
            st.cadence.push(if kind == ActivityType::Ride { 85.0 } else { 168.0 } + 3.0 * noise.signed());
            st.latlng.push([pos.0, pos.1]);
        }
    }
    Some(ParsedActivity {
        format: "fit",
        name: Some(name.into()),
        activity_type: kind,
        start,
        summary: Summary::default(),
        segments,
        streams: st,
        partial: None,
        creator: Some("Wagner Coach history generator".into()),
    })
}
