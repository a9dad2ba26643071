//! Years of weigh-ins from the CSV files scales and apps export, in one
//! transaction: Withings (`weight.csv`: `Date,"Weight (kg)","Fat mass (kg)",
//! "Bone mass (kg)","Muscle mass (kg)","Hydration (kg)",Comments`), Garmin
//! Connect (`Time,Weight,Change,BMI,Body Fat,Skeletal Muscle Mass,Bone
//! Mass,Body Water`, a date row such as ` Dec 31, 2017` above that day's
//! readings `01:00,80.4 kg,…,20 %,…`) and a plain `date,weight` file.
//!
//! A reading at a time already recorded is skipped, so importing the same
//! file twice adds nothing. A row that cannot be read stops the import with
//! its line number; nothing is stored then.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};
use serde::Serialize;

use super::{BodySource, NewMeasurement, insert};
use crate::clock;
use crate::error::{Error, Result};
use crate::profile::{Profile, Units};
use crate::store::Store;

/// Larger than any scale's export of decades; a limit before anything is read.
pub const MAX_CSV_BYTES: usize = 64 * 1024 * 1024;
const MAX_ROWS: usize = 500_000;
const LB_TO_KG: f64 = 0.453_592_37;
/// A day alone is a morning weigh-in.
const MORNING: NaiveTime = match NaiveTime::from_hms_opt(7, 0, 0) {
    Some(t) => t,
    None => panic!("07:00 is a time"), // evaluated at compile time
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum BodyCsvFormat {
    Withings,
    Garmin,
    Plain,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BodyCsvReport {
    pub format: BodyCsvFormat,
    pub imported: i64,
    pub skipped_duplicates: i64,
    /// Rows with no weight or body fat (Garmin's "–").
    pub skipped_empty: i64,
    pub first: Option<String>,
    pub last: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
struct Reading {
    at: DateTime<Utc>,
    weight_kg: Option<f64>,
    body_fat_pct: Option<f64>,
    others: Vec<(&'static str, f64)>,
}

fn bad(line: usize, what: impl std::fmt::Display) -> Error {
    Error::invalid(format!("line {line}: {what}"))
}

/// "80.4 kg", "177.2 lbs", "80,4", "20 %", "–" → the number in kg (or %), None when empty.
fn quantity(text: &str, default_lb: bool, line: usize, column: &str) -> Result<Option<f64>> {
    let t = text.trim().trim_matches('"').trim();
    if t.is_empty() || t == "–" || t == "-" || t == "--" {
        return Ok(None);
    }
    let lower = t.to_ascii_lowercase();
    let (number, lb) = if let Some(n) = lower.strip_suffix("lbs").or(lower.strip_suffix("lb")) {
        (n.trim().to_string(), true)
    } else if let Some(n) = lower.strip_suffix("kg") {
        (n.trim().to_string(), false)
    } else {
        (lower.trim_end_matches('%').trim().to_string(), default_lb)
    };
    let value: f64 =
        number.replace(',', ".").parse().map_err(|_| bad(line, format!("{column} {t:?} is not a number")))?;
    if !value.is_finite() {
        return Err(bad(line, format!("{column} {t:?} is not a number")));
    }
    Ok(Some(if lb { value * LB_TO_KG } else { value }))
}

fn local_time(date: NaiveDate, time: NaiveTime, profile: &Profile) -> DateTime<Utc> {
    // Seconds count: two readings a few seconds apart are two readings.
    clock::local_to_utc(date, time.hour(), time.minute(), profile.tz())
        + chrono::Duration::seconds(time.second() as i64)
}

fn parse_date_time(text: &str, line: usize) -> Result<(NaiveDate, NaiveTime)> {
    let t = text.trim().trim_matches('"').trim();
    for f in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(t, f) {
            return Ok((dt.date(), dt.time()));
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        // A day alone: a morning weigh-in, as `body add --at` reads it.
        return Ok((d, MORNING));
    }
    Err(bad(line, format!("{t:?} is not a date (YYYY-MM-DD or \"YYYY-MM-DD HH:MM[:SS]\")")))
}

fn header_index(header: &[String], names: &[&str]) -> Option<usize> {
    header.iter().position(|h| names.iter().any(|n| h.eq_ignore_ascii_case(n)))
}

fn detect(header: &[String]) -> Option<BodyCsvFormat> {
    let has = |n: &str| header.iter().any(|h| h.eq_ignore_ascii_case(n));
    if has("Date") && header.iter().any(|h| h.to_ascii_lowercase().starts_with("weight (")) {
        Some(BodyCsvFormat::Withings)
    } else if has("Time") && has("Weight") && (has("Body Fat") || has("BMI") || has("Change")) {
        Some(BodyCsvFormat::Garmin)
    } else if header_index(header, &["date", "day", "time", "datetime", "timestamp"]).is_some()
        && header.iter().any(|h| h.to_ascii_lowercase().contains("weight"))
    {
        Some(BodyCsvFormat::Plain)
    } else {
        None
    }
}

fn read_rows(bytes: &[u8]) -> Result<Vec<(usize, Vec<String>)>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        if rows.len() >= MAX_ROWS {
            return Err(Error::invalid(format!("more than {MAX_ROWS} rows: split the file")));
        }
        let record = record.map_err(|e| bad(i + 1, format!("not CSV: {e}")))?;
        let cells: Vec<String> =
            record.iter().map(|c| c.trim_start_matches('\u{feff}').trim().to_string()).collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        rows.push((i + 1, cells));
    }
    Ok(rows)
}

fn readings(bytes: &[u8], profile: &Profile) -> Result<(BodyCsvFormat, Vec<Reading>, i64)> {
    if bytes.len() > MAX_CSV_BYTES {
        return Err(Error::invalid(format!("the file is larger than {} MB", MAX_CSV_BYTES / 1024 / 1024)));
    }
    let rows = read_rows(bytes)?;
    let Some(((_, header), body)) = rows.split_first() else {
        return Err(Error::invalid("the file is empty"));
    };
    let format = detect(header).ok_or_else(|| {
        Error::invalid(format!(
            "unknown columns {header:?}: expected a Withings weight.csv, a Garmin Connect weight export, or date,weight"
        ))
    })?;
    let default_lb = profile.units == Units::Imperial;
    let mut out = Vec::new();
    let mut empty = 0;
    match format {
        BodyCsvFormat::Withings | BodyCsvFormat::Plain => {
            let missing = |what: &str| Error::invalid(format!("no {what} column in {header:?}"));
            let date = header_index(header, &["Date", "day", "time", "datetime", "timestamp"])
                .ok_or_else(|| missing("date"))?;
            let weight = header
                .iter()
                .position(|h| h.to_ascii_lowercase().starts_with("weight"))
                .ok_or_else(|| missing("weight"))?;
            let weight_lb = header[weight].to_ascii_lowercase().contains("lb");
            let unit_lb = if header[weight].to_ascii_lowercase().contains("kg") {
                false
            } else {
                weight_lb || default_lb
            };
            let fat_mass = header.iter().position(|h| h.to_ascii_lowercase().starts_with("fat mass"));
            let fat_pct = header.iter().position(|h| {
                let h = h.to_ascii_lowercase();
                h.contains("fat") && (h.contains('%') || h.contains("pct") || h.contains("percent"))
            });
            let extra = |prefix: &str| header.iter().position(|h| h.to_ascii_lowercase().starts_with(prefix));
            let (muscle, bone) = (extra("muscle mass"), extra("bone mass"));
            for (line, cells) in body {
                let cell = |i: usize| cells.get(i).map(String::as_str).unwrap_or("");
                let (day, time) = parse_date_time(cell(date), *line)?;
                let kg = quantity(cell(weight), unit_lb, *line, &header[weight])?;
                let mass_lb = |i: usize| header[i].to_ascii_lowercase().contains("lb");
                let fat = match (fat_pct, fat_mass) {
                    (Some(i), _) => quantity(cell(i), false, *line, &header[i])?,
                    (None, Some(i)) => match (quantity(cell(i), mass_lb(i), *line, &header[i])?, kg) {
                        (Some(f), Some(w)) if w > 0.0 => Some(f / w * 100.0),
                        _ => None,
                    },
                    _ => None,
                };
                let mut others = Vec::new();
                for (key, col) in [("muscle_mass_kg", muscle), ("bone_mass_kg", bone)] {
                    if let Some(i) = col
                        && let Some(v) = quantity(cell(i), mass_lb(i), *line, &header[i])?
                    {
                        others.push((key, v));
                    }
                }
                if kg.is_none() && fat.is_none() {
                    empty += 1;
                    continue;
                }
                out.push(Reading {
                    at: local_time(day, time, profile),
                    weight_kg: kg,
                    body_fat_pct: fat,
                    others,
                });
            }
        }
        BodyCsvFormat::Garmin => {
            let col = |n: &str| header_index(header, &[n]);
            let weight =
                col("Weight").ok_or_else(|| Error::invalid(format!("no Weight column in {header:?}")))?;
            let fat = col("Body Fat");
            let (muscle, bone, water) = (col("Skeletal Muscle Mass"), col("Bone Mass"), col("Body Water"));
            let mut day: Option<NaiveDate> = None;
            for (line, cells) in body {
                let first = cells.first().map(String::as_str).unwrap_or("");
                let rest_empty = cells.iter().skip(1).all(|c| c.is_empty());
                if rest_empty || cells.len() == 1 {
                    // A date row: " Dec 31, 2017".
                    let d = NaiveDate::parse_from_str(first.trim(), "%b %d, %Y")
                        .or_else(|_| NaiveDate::parse_from_str(first.trim(), "%B %d, %Y"))
                        .map_err(|_| {
                            bad(*line, format!("{first:?} is not a date such as \"Dec 31, 2017\""))
                        })?;
                    day = Some(d);
                    continue;
                }
                let Some(d) = day else {
                    return Err(bad(*line, "a reading before any date row"));
                };
                let t = first.trim().to_ascii_uppercase();
                let time = NaiveTime::parse_from_str(&t, "%H:%M")
                    .or_else(|_| NaiveTime::parse_from_str(&t, "%I:%M %p"))
                    .map_err(|_| bad(*line, format!("{first:?} is not a time such as 07:02 or 7:02 AM")))?;
                let cell = |i: usize| cells.get(i).map(String::as_str).unwrap_or("");
                let kg = quantity(cell(weight), default_lb, *line, "Weight")?;
                let fat = match fat {
                    Some(i) => quantity(cell(i), false, *line, "Body Fat")?,
                    None => None,
                };
                let mut others = Vec::new();
                for (key, c) in
                    [("muscle_mass_kg", muscle), ("bone_mass_kg", bone), ("body_water_pct", water)]
                {
                    if let Some(i) = c
                        && let Some(v) =
                            quantity(cell(i), default_lb && key != "body_water_pct", *line, &header[i])?
                    {
                        others.push((key, v));
                    }
                }
                if kg.is_none() && fat.is_none() {
                    empty += 1;
                    continue;
                }
                out.push(Reading {
                    at: local_time(d, time, profile),
                    weight_kg: kg,
                    body_fat_pct: fat,
                    others,
                });
            }
        }
    }
    Ok((format, out, empty))
}

fn round(v: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (v * f).round() / f
}

/// Imports a body CSV into the profile's measurements, in one transaction.
pub async fn import_csv(store: &Store, profile: &Profile, bytes: &[u8]) -> Result<BodyCsvReport> {
    let (format, mut readings, skipped_empty) = readings(bytes, profile)?;
    if readings.is_empty() {
        return Err(Error::invalid("the file has no weight or body fat readings"));
    }
    readings.sort_by_key(|r| r.at);
    let mut report = BodyCsvReport {
        format,
        imported: 0,
        skipped_duplicates: 0,
        skipped_empty,
        first: readings.first().map(|r| clock::to_db(r.at)),
        last: readings.last().map(|r| clock::to_db(r.at)),
    };
    let mut tx = store.begin_write().await?;
    for (n, r) in readings.iter().enumerate() {
        let exists: bool = sqlx::query_scalar(
            "SELECT EXISTS(SELECT 1 FROM body_measurements WHERE user_id = ? AND measured_at = ?)",
        )
        .bind(&profile.id)
        .bind(clock::to_db(r.at))
        .fetch_one(&mut *tx)
        .await?;
        if exists {
            report.skipped_duplicates += 1;
            continue;
        }
        let measurements =
            r.others.iter().map(|(k, v)| (k.to_string(), serde_json::json!(round(*v, 3)))).collect();
        insert(
            &mut tx,
            profile,
            &NewMeasurement {
                measured_at: r.at,
                weight_kg: r.weight_kg.map(|w| round(w, 3)),
                body_fat_pct: r.body_fat_pct.map(|p| round(p, 2)),
                measurements,
                source: BodySource::Import,
                quick_entry_log_id: None,
                ai_extracted: false,
            },
        )
        .await
        .map_err(|e| Error::invalid(format!("reading {} ({}): {e}", n + 1, clock::to_db(r.at))))?;
        report.imported += 1;
    }
    tx.commit().await?;
    crate::store::optimize(store.pool()).await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_in_the_units_exports_write() {
        assert_eq!(quantity("80.4 kg", false, 1, "w").unwrap(), Some(80.4));
        assert!((quantity("177.2 lbs", false, 1, "w").unwrap().unwrap() - 80.376).abs() < 0.001);
        assert_eq!(quantity("20 %", false, 1, "f").unwrap(), Some(20.0));
        assert_eq!(quantity("–", false, 1, "f").unwrap(), None);
        assert_eq!(quantity("80,4", false, 1, "w").unwrap(), Some(80.4));
        assert!(quantity("heavy", false, 3, "Weight").unwrap_err().to_string().contains("line 3"));
    }
}
