//! Export archives: a Strava bulk export (`activities.csv` naming each
//! activity's file, plus activities without a file) or any ZIP of FIT, GPX
//! and TCX files (a Garmin Connect export, a folder zipped by hand).

use std::io::{Cursor, Read};

use chrono::{DateTime, NaiveDateTime, Utc};
use zip::ZipArchive;

use super::parsed::{ParsedActivity, Streams, Summary};
use super::{ImportResult, ImportStatus, Origin, format_from_name, import_bytes_with, store_activity};
use crate::activities::metrics::Thresholds;
use crate::activities::{ActivitySource, ActivityType};
use crate::error::Result;
use crate::profile::Profile;
use crate::store::Store;

/// Entries larger than this are not read (a zip bomb, not a workout).
const MAX_ENTRY_BYTES: u64 = 512 * 1024 * 1024;
/// Entries of one export (a decade of daily activities plus media is far below).
const MAX_ENTRIES: usize = 200_000;

pub fn is_zip(file_name: &str, bytes: &[u8]) -> bool {
    file_name.to_ascii_lowercase().ends_with(".zip") || bytes.starts_with(b"PK\x03\x04")
}

type Archive<'a> = ZipArchive<Cursor<&'a [u8]>>;

fn read_entry(archive: &mut Archive<'_>, name: &str) -> std::result::Result<Vec<u8>, String> {
    let entry = archive.by_name(name).map_err(|e| format!("missing from the archive ({e})"))?;
    if entry.size() > MAX_ENTRY_BYTES {
        return Err("larger than 512 MB".into());
    }
    // The declared size may lie: grow as bytes arrive instead of reserving it.
    let mut out = Vec::with_capacity((entry.size() as usize).min(16 << 20));
    entry.take(MAX_ENTRY_BYTES).read_to_end(&mut out).map_err(|e| format!("damaged in the archive: {e}"))?;
    Ok(out)
}

/// Imports what an archive holds, reporting one result per activity file
/// (or per `activities.csv` row), named `archive.zip:path/inside`.
pub async fn import_zip(
    store: &Store,
    profile: &Profile,
    thresholds: &Thresholds,
    label: &str,
    bytes: &[u8],
    report: &mut impl FnMut(ImportResult),
) -> Result<()> {
    let zip_name = std::path::Path::new(label).file_name().map(|n| n.to_string_lossy().into_owned());
    let zip_name = zip_name.unwrap_or_else(|| label.to_string());
    let failed = |name: &str, reason: String| ImportResult {
        path: label.to_string(),
        file_name: name.to_string(),
        status: ImportStatus::Failed { reason },
        activity: None,
    };
    let mut archive = match ZipArchive::new(Cursor::new(bytes)) {
        Ok(a) => a,
        Err(e) => {
            report(failed(&zip_name, format!("not a readable ZIP archive: {e}")));
            return Ok(());
        }
    };
    if archive.len() > MAX_ENTRIES {
        report(failed(
            &zip_name,
            format!("{} entries: an export holds at most {MAX_ENTRIES}", archive.len()),
        ));
        return Ok(());
    }
    let names: Vec<String> = archive.file_names().filter_map(|n| n.ok().map(|n| n.into_owned())).collect();
    let csv_name =
        names.iter().filter(|n| n.rsplit('/').next() == Some("activities.csv")).min_by_key(|n| n.len());
    let Some(csv_name) = csv_name.cloned() else {
        // No index: every activity file inside, in name order.
        let mut files: Vec<&String> = names.iter().filter(|n| format_from_name(n).is_some()).collect();
        files.sort();
        for name in files {
            let shown = format!("{zip_name}:{name}");
            let result = match read_entry(&mut archive, name) {
                Ok(data) => {
                    import_bytes_with(store, profile, thresholds, label, &shown, &data, &Origin::default())
                        .await?
                }
                Err(reason) => failed(&shown, reason),
            };
            report(result);
        }
        return Ok(());
    };
    let prefix = csv_name.strip_suffix("activities.csv").unwrap_or("").to_string();
    let rows = match read_entry(&mut archive, &csv_name).and_then(|b| strava_rows(&b)) {
        Ok(rows) => rows,
        Err(reason) => {
            report(failed(&format!("{zip_name}:{csv_name}"), reason));
            return Ok(());
        }
    };
    for row in rows {
        let origin = Origin {
            source: Some(ActivitySource::Strava),
            external_id: Some(row.id.clone()),
            name: Some(row.name.clone()),
            activity_type: Some(row.activity_type),
            description: row.description.clone(),
        };
        let result = match &row.file {
            Some(file) => {
                let shown = format!("{zip_name}:{prefix}{file}");
                match read_entry(&mut archive, &format!("{prefix}{file}")) {
                    Ok(data) => {
                        import_bytes_with(store, profile, thresholds, label, &shown, &data, &origin).await?
                    }
                    Err(reason) => failed(&shown, format!("named in activities.csv but {reason}")),
                }
            }
            // Manual Strava entries have no file: the CSV summary is all there is.
            None => {
                let shown = format!("{zip_name}:activities.csv#{}", row.id);
                match row.start {
                    Some(start) => {
                        let activity = ParsedActivity {
                            format: "csv",
                            name: None,
                            activity_type: row.activity_type,
                            start,
                            summary: Summary {
                                elapsed_s: row.elapsed_s,
                                moving_s: row.moving_s,
                                distance_m: row.distance_m,
                                calories: row.calories,
                                average_heartrate: row.average_heartrate,
                                ..Summary::default()
                            },
                            segments: Vec::new(),
                            streams: Streams::default(),
                            partial: None,
                            creator: None,
                        };
                        let (status, activity) =
                            store_activity(store, profile, activity, None, &origin, &shown).await?;
                        ImportResult { path: label.to_string(), file_name: shown, status, activity }
                    }
                    None => failed(&shown, "activities.csv gives no readable Activity Date".into()),
                }
            }
        };
        report(result);
    }
    Ok(())
}

/// One row of Strava's `activities.csv`.
#[derive(Debug, Clone)]
pub struct StravaRow {
    pub id: String,
    pub start: Option<DateTime<Utc>>,
    pub name: String,
    pub activity_type: ActivityType,
    pub description: Option<String>,
    pub elapsed_s: Option<f64>,
    pub moving_s: Option<f64>,
    pub distance_m: Option<f64>,
    pub calories: Option<f64>,
    pub average_heartrate: Option<f64>,
    /// Path inside the archive, e.g. `activities/4567.fit.gz`.
    pub file: Option<String>,
}

/// Strava's type names (the English export) to ours.
pub fn strava_type(t: &str) -> ActivityType {
    use ActivityType::*;
    match t.trim() {
        "Run" | "Trail Run" | "Virtual Run" => Run,
        "Ride" | "Virtual Ride" | "E-Bike Ride" | "Mountain Bike Ride" | "Gravel Ride" | "Handcycle"
        | "Velomobile" => Ride,
        "Swim" => Swim,
        "Walk" => Walk,
        "Hike" | "Snowshoe" => Hike,
        "Weight Training" => Strength,
        "Yoga" | "Pilates" => Yoga,
        "Rowing" | "Virtual Row" | "Kayaking" | "Canoeing" | "Stand Up Paddling" => Rowing,
        "Elliptical" | "Stair-Stepper" => Elliptical,
        "Workout" | "Crossfit" | "HIIT" => Cardio,
        "Soccer" | "Tennis" | "Badminton" | "Pickleball" | "Squash" | "Table Tennis" | "Racquetball"
        | "Golf" | "Rock Climbing" => Sport,
        _ => Other,
    }
}

/// Strava writes dates like "Jan 19, 2021, 11:30:50 PM" (UTC).
fn strava_date(text: &str) -> Option<DateTime<Utc>> {
    let t = text.trim();
    ["%b %d, %Y, %I:%M:%S %p", "%b %e, %Y, %I:%M:%S %p", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%SZ"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
        .map(|n| n.and_utc())
}

/// Parses `activities.csv`. Strava repeats some headers ("Elapsed Time",
/// "Distance"): the first "Distance" is in the athlete's display unit (km),
/// the second in metres, which is the one used when present.
pub fn strava_rows(bytes: &[u8]) -> std::result::Result<Vec<StravaRow>, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.contains(&0) {
        return Err("activities.csv contains a NUL byte: not a text CSV file".into());
    }
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers = reader.headers().map_err(|e| format!("activities.csv is not CSV: {e}"))?.clone();
    let all = |name: &str| -> Vec<usize> {
        headers.iter().enumerate().filter(|(_, h)| h.trim() == name).map(|(i, _)| i).collect()
    };
    let id_col = *all("Activity ID").first().ok_or("activities.csv has no \"Activity ID\" column")?;
    let first = |name: &str| all(name).first().copied();
    let (date, name, kind, desc) = (
        first("Activity Date"),
        first("Activity Name"),
        first("Activity Type"),
        first("Activity Description"),
    );
    let (elapsed, moving, file) = (first("Elapsed Time"), first("Moving Time"), first("Filename"));
    let (calories, avg_hr) = (first("Calories"), first("Average Heart Rate"));
    let distance = all("Distance");
    let mut rows = Vec::new();
    for (line, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("activities.csv row {}: {e}", line + 2))?;
        let get =
            |col: Option<usize>| col.and_then(|c| record.get(c)).map(str::trim).filter(|v| !v.is_empty());
        let num = |col: Option<usize>| get(col).and_then(|v| v.replace(',', "").parse::<f64>().ok());
        let Some(id) = get(Some(id_col)) else { continue };
        let distance_m = match distance.as_slice() {
            [_, metres, ..] => num(Some(*metres)).or_else(|| num(Some(distance[0])).map(|km| km * 1000.0)),
            [km] => num(Some(*km)).map(|km| km * 1000.0),
            [] => None,
        };
        rows.push(StravaRow {
            id: id.to_string(),
            start: get(date).and_then(strava_date),
            name: get(name).unwrap_or_default().to_string(),
            activity_type: get(kind).map(strava_type).unwrap_or(ActivityType::Other),
            description: get(desc).map(str::to_string),
            elapsed_s: num(elapsed),
            moving_s: num(moving),
            distance_m,
            calories: num(calories),
            average_heartrate: num(avg_hr),
            file: get(file).map(str::to_string),
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strava_csv_with_repeated_headers_and_quoted_commas() {
        let csv = "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,Elapsed Time,\
                   Distance,Filename,Elapsed Time,Moving Time,Distance,Calories\n\
                   123,\"Jan 19, 2021, 11:30:50 PM\",Night run,Run,\"cold, dark\",1231,5.12,\
                   activities/123.tcx.gz,1231.0,1200.0,5124.8,268\n\
                   456,\"Mar 2, 2021, 7:05:00 AM\",Bench day,Weight Training,,3600,0.00,,3600.0,3000.0,,\n";
        let rows = strava_rows(csv.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        let r = &rows[0];
        assert_eq!(r.start.unwrap().to_rfc3339(), "2021-01-19T23:30:50+00:00");
        assert_eq!((r.activity_type, r.description.as_deref()), (ActivityType::Run, Some("cold, dark")));
        assert_eq!((r.elapsed_s, r.moving_s, r.distance_m), (Some(1231.0), Some(1200.0), Some(5124.8)));
        assert_eq!(r.file.as_deref(), Some("activities/123.tcx.gz"));
        let r = &rows[1];
        assert_eq!(r.start.unwrap().to_rfc3339(), "2021-03-02T07:05:00+00:00");
        assert_eq!(
            (r.activity_type, r.file.as_deref(), r.distance_m),
            (ActivityType::Strength, None, Some(0.0))
        );
        assert!(strava_rows(b"name,date\nx,y\n").unwrap_err().contains("Activity ID"));
    }
}
