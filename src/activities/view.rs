//! Reading imported activities back (list, detail with laps and streams)
//! and the text the CLI prints for them.

use std::fmt::Write;

use serde::{Deserialize, Serialize};

use super::import::{ImportResult, ImportStatus, Streams, type_label};
use super::metrics;
use super::{ActivitySource, ActivitySummary, ActivityType};
use crate::error::{Error, Result};
use crate::store::Store;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ActivityRow {
    pub id: String,
    pub name: Option<String>,
    pub activity_type: ActivityType,
    pub source: ActivitySource,
    pub start_date: String,
    pub local_date: Option<String>,
    pub elapsed_time_seconds: Option<i64>,
    pub moving_time_seconds: Option<i64>,
    pub distance_meters: Option<f64>,
    pub total_elevation_gain_m: Option<f64>,
    pub total_elevation_loss_m: Option<f64>,
    pub calories: Option<i64>,
    pub average_heartrate: Option<i64>,
    pub max_heartrate: Option<i64>,
    pub average_power_w: Option<f64>,
    pub max_power_w: Option<f64>,
    pub normalized_power_w: Option<f64>,
    pub average_cadence: Option<f64>,
    pub average_speed_mps: Option<f64>,
    pub max_speed_mps: Option<f64>,
    pub training_load: Option<f64>,
    pub original_file_path: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SegmentRow {
    pub segment_type: String,
    pub segment_index: i64,
    pub start_offset_seconds: Option<f64>,
    pub elapsed_time_seconds: Option<f64>,
    pub moving_time_seconds: Option<f64>,
    pub distance_meters: Option<f64>,
    pub average_heartrate: Option<i64>,
    pub max_heartrate: Option<i64>,
    pub average_power_w: Option<f64>,
    pub average_cadence: Option<f64>,
    pub average_speed_mps: Option<f64>,
    pub exercise_name: Option<String>,
    pub reps: Option<i64>,
    pub weight_kg: Option<f64>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StreamInfo {
    pub stream_type: String,
    pub sample_count: i64,
}

/// Best efforts computed from the stored streams.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BestEfforts {
    pub fastest_1km_s: Option<f64>,
    pub fastest_5km_s: Option<f64>,
    pub best_5min_power_w: Option<f64>,
    pub best_20min_power_w: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ActivityDetail {
    pub activity: ActivityRow,
    pub segments: Vec<SegmentRow>,
    pub streams: Vec<StreamInfo>,
    pub best_efforts: BestEfforts,
}

/// The latest `limit` activities, newest first.
pub async fn list(store: &Store, user_id: &str, limit: u32) -> Result<Vec<ActivitySummary>> {
    Ok(sqlx::query_as(
        "SELECT id, name, activity_type, source, start_date, elapsed_time_seconds, distance_meters, calories, \
         average_heartrate FROM activities WHERE user_id = ? ORDER BY start_date DESC, id DESC LIMIT ?",
    )
    .bind(user_id)
    .bind(limit)
    .fetch_all(store.pool())
    .await?)
}

/// What the activity list is narrowed to; every field is optional.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ActivityFilter {
    pub activity_type: Option<ActivityType>,
    /// First local day included, YYYY-MM-DD.
    pub from: Option<String>,
    /// Last local day included, YYYY-MM-DD.
    pub to: Option<String>,
    /// Words the name or notes contain (case-insensitive).
    pub text: Option<String>,
    /// At most this many, newest first (default 200, at most 1000).
    pub limit: Option<u32>,
}

/// Activities matching `filter`, newest first.
pub async fn search(store: &Store, user_id: &str, filter: &ActivityFilter) -> Result<Vec<ActivitySummary>> {
    let day = |d: &Option<String>| -> Result<Option<String>> {
        match d.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            Some(d) => Ok(Some(crate::clock::parse_date(d)?.to_string())),
            None => Ok(None),
        }
    };
    let (from, to) = (day(&filter.from)?, day(&filter.to)?);
    let words: Vec<String> =
        filter.text.as_deref().unwrap_or("").split_whitespace().map(str::to_lowercase).take(8).collect();
    let mut sql = String::from(
        "SELECT id, name, activity_type, source, start_date, elapsed_time_seconds, distance_meters, calories, \
         average_heartrate FROM activities WHERE user_id = ?",
    );
    if filter.activity_type.is_some() {
        sql.push_str(" AND activity_type = ?");
    }
    if from.is_some() {
        sql.push_str(" AND local_date >= ?");
    }
    if to.is_some() {
        sql.push_str(" AND local_date <= ?");
    }
    for _ in &words {
        // instr, not LIKE: the user's % and _ are plain characters.
        sql.push_str(" AND instr(lower(coalesce(name, '') || ' ' || coalesce(notes, '')), ?) > 0");
    }
    sql.push_str(" ORDER BY start_date DESC, id DESC LIMIT ?");
    let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(user_id);
    if let Some(t) = filter.activity_type {
        q = q.bind(t);
    }
    if let Some(f) = from {
        q = q.bind(f);
    }
    if let Some(t) = to {
        q = q.bind(t);
    }
    for w in words {
        q = q.bind(w);
    }
    Ok(q.bind(filter.limit.unwrap_or(200).clamp(1, 1000)).fetch_all(store.pool()).await?)
}

pub async fn detail(store: &Store, user_id: &str, id: &str) -> Result<ActivityDetail> {
    let activity: ActivityRow = sqlx::query_as(
        "SELECT id, name, activity_type, source, start_date, local_date, elapsed_time_seconds, moving_time_seconds, \
         distance_meters, total_elevation_gain_m, total_elevation_loss_m, calories, average_heartrate, \
         max_heartrate, average_power_w, max_power_w, normalized_power_w, average_cadence, average_speed_mps, \
         max_speed_mps, training_load, original_file_path, notes FROM activities WHERE user_id = ? AND id = ?",
    )
    .bind(user_id)
    .bind(id)
    .fetch_optional(store.pool())
    .await?
    .ok_or_else(|| Error::not_found(format!("activity {id}")))?;
    let segments = sqlx::query_as(
        "SELECT segment_type, segment_index, start_offset_seconds, elapsed_time_seconds, moving_time_seconds, \
         distance_meters, average_heartrate, max_heartrate, average_power_w, average_cadence, average_speed_mps, \
         exercise_name, reps, weight_kg FROM activity_segments WHERE user_id = ? AND activity_id = ? \
         ORDER BY segment_type, segment_index",
    )
    .bind(user_id)
    .bind(id)
    .fetch_all(store.pool())
    .await?;
    let streams = sqlx::query_as(
        "SELECT stream_type, sample_count FROM activity_streams WHERE user_id = ? AND activity_id = ? \
         ORDER BY stream_type",
    )
    .bind(user_id)
    .bind(id)
    .fetch_all(store.pool())
    .await?;
    let st = load_streams(store, user_id, id).await?;
    let mut best = BestEfforts::default();
    if let Some(d) = st.present("distance") {
        best.fastest_1km_s = metrics::best_effort_seconds(&st.time, d, 1000.0);
        best.fastest_5km_s = metrics::best_effort_seconds(&st.time, d, 5000.0);
    }
    if let Some(p) = st.present("power") {
        best.best_5min_power_w = metrics::best_power(&st.time, p, 300);
        best.best_20min_power_w = metrics::best_power(&st.time, p, 1200);
    }
    Ok(ActivityDetail { activity, segments, streams, best_efforts: best })
}

/// Decodes an activity's stored streams; channels it lacks come back empty.
pub async fn load_streams(store: &Store, user_id: &str, id: &str) -> Result<Streams> {
    let rows: Vec<(String, String, i64, Vec<u8>)> = sqlx::query_as(
        "SELECT stream_type, encoding, sample_count, data FROM activity_streams WHERE user_id = ? AND activity_id = ?",
    )
    .bind(user_id)
    .bind(id)
    .fetch_all(store.pool())
    .await?;
    let mut st = Streams::default();
    for (kind, encoding, count, data) in rows {
        let corrupt = || Error::Corrupt {
            what: format!("the {kind} stream of activity {id}"),
            detail: format!("{} bytes for {count} {encoding} samples", data.len()),
        };
        if kind == "latlng" {
            if encoding != "f64le" || data.len() as i64 != count * 16 {
                return Err(corrupt());
            }
            st.latlng = data
                .chunks_exact(16)
                .map(|c| {
                    let (a, b) = c.split_at(8);
                    [
                        f64::from_le_bytes(a.try_into().unwrap_or_default()),
                        f64::from_le_bytes(b.try_into().unwrap_or_default()),
                    ]
                })
                .collect();
            continue;
        }
        if encoding != "f32le" || data.len() as i64 != count * 4 {
            return Err(corrupt());
        }
        let values: Vec<f64> =
            data.chunks_exact(4).map(|c| f64::from(f32::from_le_bytes([c[0], c[1], c[2], c[3]]))).collect();
        match kind.as_str() {
            "time" => st.time = values,
            "distance" => st.distance = values,
            "heartrate" => st.heartrate = values,
            "power" => st.power = values,
            "cadence" => st.cadence = values,
            "altitude" => st.altitude = values,
            "speed" => st.speed = values,
            "temperature" => st.temperature = values,
            _ => {}
        }
    }
    Ok(st)
}

/// "52:10" or "1:02:03".
pub fn fmt_duration(seconds: f64) -> String {
    let s = seconds.max(0.0).round() as i64;
    let (h, m, s) = (s / 3600, s / 60 % 60, s % 60);
    if h > 0 { format!("{h}:{m:02}:{s:02}") } else { format!("{m}:{s:02}") }
}

fn km(meters: f64) -> String {
    format!("{:.1} km", meters / 1000.0)
}

/// One line per imported file, as `wagner import` prints it.
pub fn import_line(r: &ImportResult) -> String {
    let what = |label: &str| match &r.activity {
        Some(a) => {
            let mut s = format!("{label} {} — {}", r.file_name, type_label(a.activity_type));
            if let Some(d) = a.distance_meters.filter(|d| *d > 0.0) {
                let _ = write!(s, " {}", km(d));
            }
            if let Some(e) = a.elapsed_time_seconds {
                let _ = write!(s, " {}", fmt_duration(e as f64));
            }
            let _ = write!(s, " ({})", a.name);
            s
        }
        None => format!("{label} {}", r.file_name),
    };
    match &r.status {
        ImportStatus::Imported => what("imported"),
        ImportStatus::Partial { problem } => format!("{} — partial: {problem}", what("imported")),
        ImportStatus::Duplicate { of_id, of_name, of_start } => {
            format!("skipped {} (duplicate of \"{of_name}\" {of_start}, {of_id})", r.file_name)
        }
        ImportStatus::BodyMeasurements { imported, duplicates } => {
            format!(
                "imported {} — {imported} weigh-ins to body measurements ({duplicates} already there)",
                r.file_name
            )
        }
        ImportStatus::NotActivity { reason } => {
            format!("skipped {} (not an activity: {reason})", r.file_name)
        }
        ImportStatus::Failed { reason } => format!("failed {}: {reason}", r.file_name),
    }
}

pub fn render_list(items: &[ActivitySummary]) -> String {
    if items.is_empty() {
        return "No activities.\n".into();
    }
    let mut out = String::new();
    for a in items {
        let when = a.start_date.get(..16).unwrap_or(&a.start_date).replace('T', " ");
        let dist = a.distance_meters.filter(|d| *d > 0.0).map(km).unwrap_or_default();
        let hr = a.average_heartrate.map(|h| format!("{h} bpm")).unwrap_or_default();
        let _ = writeln!(
            out,
            "{}  {when}  {:<10} {:>9} {:>8} {:>8}  {}",
            a.id,
            type_label(a.activity_type),
            dist,
            fmt_duration(a.elapsed_time_seconds as f64),
            hr,
            a.name
        );
    }
    out
}

pub fn render_detail(d: &ActivityDetail) -> String {
    let a = &d.activity;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — {} ({:?}, {})",
        a.name.as_deref().unwrap_or("(untitled)"),
        type_label(a.activity_type),
        a.source,
        a.id
    );
    let _ =
        writeln!(out, "start      {} (local day {})", a.start_date, a.local_date.as_deref().unwrap_or("?"));
    let mut line = String::new();
    if let Some(e) = a.elapsed_time_seconds {
        let _ = write!(line, "elapsed {}", fmt_duration(e as f64));
    }
    if let Some(m) = a.moving_time_seconds {
        let _ = write!(line, " · moving {}", fmt_duration(m as f64));
    }
    let _ = writeln!(out, "time       {}", line.trim_start_matches(" · "));
    if let Some(dist) = a.distance_meters.filter(|d| *d > 0.0) {
        let mut l = format!("{:.2} km", dist / 1000.0);
        if let Some(v) = a.average_speed_mps.filter(|v| *v > 0.0) {
            let _ = write!(l, " · {:.1} km/h · pace {} /km", v * 3.6, fmt_duration(1000.0 / v));
        }
        let _ = writeln!(out, "distance   {l}");
    }
    if a.total_elevation_gain_m.is_some() || a.total_elevation_loss_m.is_some() {
        let _ = writeln!(
            out,
            "elevation  +{:.0} m / −{:.0} m",
            a.total_elevation_gain_m.unwrap_or(0.0),
            a.total_elevation_loss_m.unwrap_or(0.0)
        );
    }
    if let Some(hr) = a.average_heartrate {
        let max = a.max_heartrate.map(|m| format!(", max {m}")).unwrap_or_default();
        let _ = writeln!(out, "heart rate avg {hr} bpm{max}");
    }
    if let Some(p) = a.average_power_w {
        let mut l = format!("avg {p:.0} W");
        if let Some(m) = a.max_power_w {
            let _ = write!(l, ", max {m:.0} W");
        }
        if let Some(np) = a.normalized_power_w {
            let _ = write!(l, ", normalized {np:.0} W");
        }
        let _ = writeln!(out, "power      {l}");
    }
    if let Some(c) = a.average_cadence {
        let _ = writeln!(out, "cadence    avg {c:.0}");
    }
    if let Some(c) = a.calories {
        let _ = writeln!(out, "calories   {c} kcal");
    }
    if let Some(t) = a.training_load {
        let _ = writeln!(out, "load       {t:.0}");
    }
    let b = &d.best_efforts;
    let mut best = Vec::new();
    if let Some(s) = b.fastest_1km_s {
        best.push(format!("1 km {}", fmt_duration(s)));
    }
    if let Some(s) = b.fastest_5km_s {
        best.push(format!("5 km {}", fmt_duration(s)));
    }
    if let Some(p) = b.best_5min_power_w {
        best.push(format!("5 min {p:.0} W"));
    }
    if let Some(p) = b.best_20min_power_w {
        best.push(format!("20 min {p:.0} W"));
    }
    if !best.is_empty() {
        let _ = writeln!(out, "best       {}", best.join(" · "));
    }
    if let Some(n) = &a.notes {
        let _ = writeln!(out, "notes      {n}");
    }
    let laps: Vec<&SegmentRow> = d.segments.iter().filter(|s| s.segment_type == "lap").collect();
    if !laps.is_empty() {
        let _ = writeln!(out, "\nLaps\n    #      time   distance   avg HR  avg W  cadence");
        for s in laps {
            let _ = writeln!(
                out,
                "  {:>3}  {:>8}  {:>9}  {:>7}  {:>5}  {:>7}",
                s.segment_index + 1,
                s.elapsed_time_seconds.map(fmt_duration).unwrap_or_default(),
                s.distance_meters.map(|m| format!("{:.2} km", m / 1000.0)).unwrap_or_default(),
                s.average_heartrate.map(|h| h.to_string()).unwrap_or_default(),
                s.average_power_w.map(|p| format!("{p:.0}")).unwrap_or_default(),
                s.average_cadence.map(|c| format!("{c:.0}")).unwrap_or_default(),
            );
        }
    }
    let sets: Vec<&SegmentRow> = d.segments.iter().filter(|s| s.segment_type == "set").collect();
    if !sets.is_empty() {
        let _ = writeln!(out, "\nSets");
        for s in &sets {
            let _ = writeln!(
                out,
                "  {:>3}  {:<24} {:>3} reps  {}",
                s.segment_index + 1,
                s.exercise_name.as_deref().unwrap_or("?"),
                s.reps.map(|r| r.to_string()).unwrap_or_else(|| "?".into()),
                s.weight_kg.map(|w| format!("{w:.1} kg")).unwrap_or_default()
            );
        }
    }
    if !sets.is_empty() {
        // Volume (reps × weight) and the best estimated 1RM per exercise, in order of appearance.
        let mut per_exercise: Vec<(String, f64, f64)> = Vec::new();
        for s in &sets {
            let name = s.exercise_name.clone().unwrap_or_else(|| "?".into());
            let (reps, weight) = (s.reps.unwrap_or(0), s.weight_kg.unwrap_or(0.0));
            let e1rm = metrics::estimated_1rm(weight, reps).unwrap_or(0.0);
            match per_exercise.iter_mut().find(|e| e.0 == name) {
                Some(e) => {
                    e.1 += reps as f64 * weight;
                    e.2 = e.2.max(e1rm);
                }
                None => per_exercise.push((name, reps as f64 * weight, e1rm)),
            }
        }
        for (name, volume, e1rm) in per_exercise {
            let _ = writeln!(out, "  {name}: volume {volume:.0} kg, est. 1RM {e1rm:.1} kg");
        }
    }
    let lengths = d.segments.iter().filter(|s| s.segment_type == "length").count();
    if lengths > 0 {
        let _ = writeln!(out, "\n{lengths} pool lengths");
    }
    if d.streams.is_empty() {
        let _ = writeln!(out, "\nStreams: none");
    } else {
        let n = d.streams.iter().map(|s| s.sample_count).max().unwrap_or(0);
        let names: Vec<&str> = d.streams.iter().map(|s| s.stream_type.as_str()).collect();
        let _ = writeln!(out, "\nStreams: {} ({n} samples)", names.join(", "));
    }
    if let Some(p) = &a.original_file_path {
        let _ = writeln!(out, "Original: {p}");
    }
    out
}
