//! Garmin Connect account export (Account → Data Management → Export Your
//! Data): a ZIP whose `DI_CONNECT/` folders hold the uploaded activity files
//! as further ZIPs (`DI-Connect-Uploaded-Files/UploadedFiles_*.zip`, FIT
//! files inside) and JSON wellness files. Kept: every activity file (through
//! the activity importer, duplicates skipped there), the weigh-ins of
//! `*userBioMetrics.json` (`weight` objects: grams, body fat/water %, muscle
//! and bone mass in grams, `timestampGMT` as epoch ms or an ISO time), and
//! the daily resting heart rate (`UDSFile_*.json`) and overnight HRV
//! (`*_healthStatusData.json`), see [`super::garmin_wellness`].
//! Not kept: sleep, stress, steps, body battery, summarized activities (the
//! FIT files are the same workouts in full), gear, goals.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use zip::ZipArchive;

use super::garmin_wellness::{self as wellness, DayWellness};
use super::{HistoryFound, HistoryOutcome, HistoryProgress, HistoryReport, dates};
use crate::activities::import::{self as activity_import, ImportResult, ImportStatus, Origin};
use crate::body::{BodySource, NewMeasurement};
use crate::clock;
use crate::error::{Error, Result};
use crate::profile::Profile;
use crate::store::Store;

/// A nested ZIP or JSON file larger than this is left out, said so.
const MAX_INNER_BYTES: u64 = 1024 * 1024 * 1024;
const MAX_JSON_BYTES: u64 = 256 * 1024 * 1024;

pub fn is_export(names: &[String]) -> bool {
    names.iter().any(|n| {
        n.starts_with("DI_CONNECT/") || n.contains("/DI_CONNECT/") || n.ends_with("userBioMetrics.json")
    })
}

fn inner_zips(names: &[String]) -> Vec<&String> {
    let mut v: Vec<&String> = names
        .iter()
        .filter(|n| n.to_ascii_lowercase().ends_with(".zip") && n.contains("Uploaded-Files"))
        .collect();
    v.sort();
    v
}

fn files_where(names: &[String], pick: fn(&str) -> bool) -> Vec<&String> {
    let mut v: Vec<&String> = names.iter().filter(|n| pick(n)).collect();
    v.sort();
    v
}

fn biometric_files(names: &[String]) -> Vec<&String> {
    files_where(names, |n| n.ends_with("userBioMetrics.json"))
}

fn read_entry(zip: &mut ZipArchive<File>, name: &str, limit: u64) -> std::result::Result<Vec<u8>, String> {
    let entry = zip.by_name(name).map_err(|e| format!("{name}: missing from the archive ({e})"))?;
    if entry.size() > limit {
        return Err(format!("{name}: larger than {} MB, left out", limit / (1024 * 1024)));
    }
    let mut out = Vec::with_capacity(entry.size() as usize);
    entry.take(limit).read_to_end(&mut out).map_err(|e| format!("{name}: damaged in the archive ({e})"))?;
    Ok(out)
}

/// One weigh-in of userBioMetrics.json, in SI.
#[derive(Debug, Clone, PartialEq)]
pub struct WeighIn {
    pub at: DateTime<Utc>,
    pub weight_kg: Option<f64>,
    pub body_fat_pct: Option<f64>,
    pub body_water_pct: Option<f64>,
    pub muscle_mass_kg: Option<f64>,
    pub bone_mass_kg: Option<f64>,
}

fn timestamp(v: &serde_json::Value) -> Option<DateTime<Utc>> {
    if let Some(ms) = v.as_f64() {
        return DateTime::from_timestamp_millis(ms as i64);
    }
    let s = v.as_str()?.trim();
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .ok()
        .or_else(|| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f").ok().map(|n| n.and_utc()))
        .or_else(|| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").ok().map(|n| n.and_utc()))
}

/// Reads the weigh-ins of one userBioMetrics.json; entries without a weight
/// object are skipped. A file cut off part way keeps the records before the
/// break, which is listed with the other problems.
pub fn weigh_ins(file: &str, bytes: &[u8]) -> (Vec<WeighIn>, Vec<String>) {
    let (items, damage) = wellness::json_records(file, bytes);
    let (mut out, mut problems) = (Vec::new(), Vec::new());
    for (i, item) in items.iter().enumerate() {
        let Some(w) = item.get("weight").filter(|w| w.is_object()) else { continue };
        let num = |k: &str| w.get(k).and_then(|v| v.as_f64()).filter(|v| v.is_finite() && *v > 0.0);
        let Some(at) =
            w.get("timestampGMT").and_then(timestamp).or_else(|| w.get("date").and_then(timestamp))
        else {
            problems.push(format!("{file} record {}: a weight without a readable time", i + 1));
            continue;
        };
        let grams = |k: &str| num(k).map(|g| g / 1000.0);
        let reading = WeighIn {
            at,
            weight_kg: grams("weight").filter(|kg| (10.0..500.0).contains(kg)),
            body_fat_pct: num("bodyFat").filter(|p| *p < 80.0),
            body_water_pct: num("bodyWater").filter(|p| *p < 100.0),
            muscle_mass_kg: grams("muscleMass").filter(|kg| *kg < 300.0),
            bone_mass_kg: grams("boneMass").filter(|kg| *kg < 50.0),
        };
        if reading.weight_kg.is_none() && reading.body_fat_pct.is_none() {
            problems.push(format!("{file} record {}: no plausible weight or body fat", i + 1));
            continue;
        }
        out.push(reading);
    }
    problems.extend(damage);
    (out, problems)
}

fn open(path: &Path) -> Result<ZipArchive<File>> {
    let file = File::open(path).map_err(|e| Error::io(format!("opening {}", path.display()), e))?;
    ZipArchive::new(file)
        .map_err(|e| Error::invalid(format!("{}: not a readable ZIP archive ({e})", path.display())))
}

fn all_weigh_ins(zip: &mut ZipArchive<File>, names: &[String], problems: &mut Vec<String>) -> Vec<WeighIn> {
    let mut all = Vec::new();
    for name in biometric_files(names) {
        match read_entry(zip, name, MAX_JSON_BYTES).map(|b| weigh_ins(name, &b)) {
            Ok((w, p)) => {
                all.extend(w);
                problems.extend(p);
            }
            Err(why) => problems.push(why),
        }
    }
    all.sort_by_key(|w| w.at);
    all.dedup_by_key(|w| w.at);
    all
}

/// Resting heart rate and HRV per day, from every UDS and health-status file.
fn all_wellness(
    zip: &mut ZipArchive<File>,
    names: &[String],
    problems: &mut Vec<String>,
) -> BTreeMap<NaiveDate, DayWellness> {
    let mut days = BTreeMap::new();
    for name in files_where(names, wellness::is_uds_file) {
        match read_entry(zip, name, MAX_JSON_BYTES) {
            Ok(bytes) => wellness::read_uds(name, &bytes, &mut days, problems),
            Err(why) => problems.push(why),
        }
    }
    for name in files_where(names, wellness::is_health_status_file) {
        match read_entry(zip, name, MAX_JSON_BYTES) {
            Ok(bytes) => wellness::read_health_status(name, &bytes, &mut days, problems),
            Err(why) => problems.push(why),
        }
    }
    wellness::with_values(days)
}

pub fn preview(path: &Path, names: &[String]) -> Result<(Vec<HistoryFound>, Vec<String>)> {
    let mut zip = open(path)?;
    let mut problems = Vec::new();
    let mut files = names.iter().filter(|n| activity_import::format_from_name(n).is_some()).count();
    for inner in inner_zips(names) {
        match read_entry(&mut zip, inner, MAX_INNER_BYTES) {
            Ok(bytes) => match ZipArchive::new(std::io::Cursor::new(bytes)) {
                Ok(z) => {
                    files += z
                        .file_names()
                        .flatten()
                        .filter(|n| activity_import::format_from_name(n).is_some())
                        .count()
                }
                Err(e) => problems.push(format!("{inner}: not a readable ZIP ({e})")),
            },
            Err(why) => problems.push(why),
        }
    }
    let weights = all_weigh_ins(&mut zip, names, &mut problems);
    let (first, last) = dates(weights.iter().map(|w| w.at.date_naive()));
    let mut found =
        vec![HistoryFound { what: "activity files".into(), count: files as u32, ..HistoryFound::default() }];
    if !weights.is_empty() {
        found.push(HistoryFound {
            what: "weigh-ins".into(),
            count: weights.len() as u32,
            first_date: first,
            last_date: last,
        });
    }
    let days = all_wellness(&mut zip, names, &mut problems);
    for (what, pick) in [
        ("resting heart rates", (|d: &DayWellness| d.resting_hr_bpm.is_some()) as fn(&DayWellness) -> bool),
        ("HRV readings", |d: &DayWellness| d.hrv_ms.is_some()),
    ] {
        let picked = days.iter().filter(|(_, d)| pick(d)).map(|(date, _)| *date);
        let (first, last) = dates(picked.clone());
        let count = picked.count() as u32;
        if count > 0 {
            found.push(HistoryFound { what: what.into(), count, first_date: first, last_date: last });
        }
    }
    Ok((found, problems))
}

pub async fn import(
    store: &Store,
    profile: &Profile,
    path: &Path,
    cancel: &AtomicBool,
    progress: &mut (impl FnMut(HistoryProgress) + Send),
    report: &mut HistoryReport,
) -> Result<()> {
    let mut zip = open(path)?;
    let names: Vec<String> = zip.file_names().filter_map(|n| n.ok().map(|n| n.into_owned())).collect();
    let label = path.display().to_string();
    let thresholds = activity_import::thresholds(store, &profile.id).await?;
    let mut results: Vec<ImportResult> = Vec::new();
    let inner = inner_zips(&names);
    let direct: Vec<&String> =
        names.iter().filter(|n| activity_import::format_from_name(n).is_some()).collect();
    let total = (inner.len() + direct.len()) as u32;
    for (i, name) in inner.iter().enumerate() {
        if cancel.load(Ordering::SeqCst) {
            report.cancelled = true;
            break;
        }
        match read_entry(&mut zip, name, MAX_INNER_BYTES) {
            Ok(bytes) => {
                let shown = format!("{label}:{name}");
                activity_import::archive::import_zip(store, profile, &thresholds, &shown, &bytes, &mut |r| {
                    results.push(r)
                })
                .await?
            }
            Err(why) => report.problems.push(why),
        }
        progress(HistoryProgress { phase: "files".into(), done: i as u32 + 1, total });
    }
    for (i, name) in direct.iter().enumerate() {
        if report.cancelled || cancel.load(Ordering::SeqCst) {
            report.cancelled = true;
            break;
        }
        let result = match read_entry(&mut zip, name, MAX_INNER_BYTES) {
            Ok(bytes) => {
                activity_import::import_bytes_with(
                    store,
                    profile,
                    &thresholds,
                    &label,
                    name,
                    &bytes,
                    &Origin::default(),
                )
                .await?
            }
            Err(reason) => ImportResult {
                path: label.clone(),
                file_name: name.to_string(),
                status: ImportStatus::Failed { reason },
                activity: None,
            },
        };
        results.push(result);
        progress(HistoryProgress { phase: "files".into(), done: (inner.len() + i) as u32 + 1, total });
    }
    super::summarize_activity_results(&results, report);
    if report.cancelled {
        return Ok(());
    }
    let mut problems = Vec::new();
    let weights = all_weigh_ins(&mut zip, &names, &mut problems);
    report.problems.extend(problems);
    let mut outcome = HistoryOutcome { what: "weigh-ins".into(), ..HistoryOutcome::default() };
    for batch in weights.chunks(500) {
        if cancel.load(Ordering::SeqCst) {
            report.cancelled = true;
            break;
        }
        let mut tx = store.begin_write().await?;
        for w in batch {
            let exists: bool = sqlx::query_scalar(
                "SELECT EXISTS(SELECT 1 FROM body_measurements WHERE user_id = ? AND measured_at = ?)",
            )
            .bind(&profile.id)
            .bind(clock::to_db(w.at))
            .fetch_one(&mut *tx)
            .await?;
            if exists {
                outcome.already_there += 1;
                continue;
            }
            let mut others = serde_json::Map::new();
            for (key, value) in [
                ("body_water_pct", w.body_water_pct),
                ("muscle_mass_kg", w.muscle_mass_kg),
                ("bone_mass_kg", w.bone_mass_kg),
            ] {
                if let Some(v) = value {
                    others.insert(key.into(), serde_json::json!((v * 1000.0).round() / 1000.0));
                }
            }
            let new = NewMeasurement {
                measured_at: w.at,
                weight_kg: w.weight_kg.map(|v| (v * 1000.0).round() / 1000.0),
                body_fat_pct: w.body_fat_pct.map(|v| (v * 100.0).round() / 100.0),
                measurements: others,
                source: BodySource::Import,
                quick_entry_log_id: None,
                ai_extracted: false,
            };
            super::insert_measurement(&mut tx, profile, &new, &mut outcome, &mut report.problems, || {
                format!("weigh-in at {}", clock::to_db(w.at))
            })
            .await?;
        }
        tx.commit().await?;
    }
    // The FIT files' own weigh-ins (a Garmin scale) are counted by the activity importer.
    match report.outcomes.iter_mut().find(|o| o.what == "weigh-ins") {
        Some(o) => {
            o.added += outcome.added;
            o.already_there += outcome.already_there;
            o.failed += outcome.failed;
        }
        None => report.outcomes.push(outcome),
    }
    if report.cancelled {
        return Ok(());
    }
    let mut problems = Vec::new();
    let days = all_wellness(&mut zip, &names, &mut problems);
    report.problems.extend(problems);
    write_wellness(store, profile, &days, cancel, report).await
}

/// One body measurement per day (resting HR and HRV together), at local noon;
/// a day whose instant is already recorded is left as it is.
async fn write_wellness(
    store: &Store,
    profile: &Profile,
    days: &BTreeMap<NaiveDate, DayWellness>,
    cancel: &AtomicBool,
    report: &mut HistoryReport,
) -> Result<()> {
    let mut outcome = HistoryOutcome { what: "days of resting HR / HRV".into(), ..HistoryOutcome::default() };
    let days: Vec<_> = days.iter().collect();
    let tz = profile.tz();
    for batch in days.chunks(500) {
        if cancel.load(Ordering::SeqCst) {
            report.cancelled = true;
            break;
        }
        let mut tx = store.begin_write().await?;
        for (date, day) in batch {
            let at = day.instant(**date, tz);
            let exists: bool = sqlx::query_scalar(
                "SELECT EXISTS(SELECT 1 FROM body_measurements WHERE user_id = ? AND measured_at = ?)",
            )
            .bind(&profile.id)
            .bind(clock::to_db(at))
            .fetch_one(&mut *tx)
            .await?;
            if exists {
                outcome.already_there += 1;
                continue;
            }
            let mut values = serde_json::Map::new();
            if let Some(bpm) = day.resting_hr_bpm {
                values.insert("resting_hr_bpm".into(), serde_json::json!(bpm.round()));
            }
            if let Some(ms) = day.hrv_ms {
                values.insert("hrv_ms".into(), serde_json::json!((ms * 10.0).round() / 10.0));
            }
            let new = NewMeasurement {
                measured_at: at,
                weight_kg: None,
                body_fat_pct: None,
                measurements: values,
                source: BodySource::Import,
                quick_entry_log_id: None,
                ai_extracted: false,
            };
            super::insert_measurement(&mut tx, profile, &new, &mut outcome, &mut report.problems, || {
                format!("resting HR / HRV of {date}")
            })
            .await?;
        }
        tx.commit().await?;
    }
    report.outcomes.push(outcome);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn biometrics_weights_in_grams_with_both_time_forms() {
        let json = br#"[
          {"metaData":{"calendarDate":"2023-03-01"},"weight":{"weight":72450.0,"bodyFat":18.5,"bodyWater":55.1,
            "muscleMass":33100,"boneMass":3200,"timestampGMT":1677657600000,"sourceType":"INDEX_SCALE"}},
          {"metaData":{"calendarDate":"2023-03-02"},"height":180.0},
          {"weight":{"weight":72100.0,"timestampGMT":"2023-03-03T07:10:00.0","sourceType":"MANUAL"}},
          {"weight":{"weight":0.0,"timestampGMT":"2023-03-04T07:10:00.0"}}
        ]"#;
        let (w, problems) = weigh_ins("x_userBioMetrics.json", json);
        assert_eq!(w.len(), 2);
        assert_eq!(clock::to_db(w[0].at), "2023-03-01T08:00:00.000Z");
        assert_eq!(w[0].weight_kg, Some(72.45));
        assert_eq!(w[0].muscle_mass_kg, Some(33.1));
        assert_eq!(clock::to_db(w[1].at), "2023-03-03T07:10:00.000Z");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("record 4"));
    }
}
