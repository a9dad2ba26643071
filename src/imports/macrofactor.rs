//! MacroFactor export (More → Data Management → Data Export): an .xlsx
//! workbook, read with `calamine` after its size and the ZIP's unpacked size
//! are checked (the file is untrusted). Two layouts are known from public
//! descriptions of real exports:
//! - the detailed export, one sheet per kind: `Calories & Macros` (Date,
//!   Calories (kcal), Fat (g), Carbs (g), Protein (g)), `Micronutrients`
//!   (Date, Fiber (g), Sodium (mg), …), `Scale Weight` (Date, Weight (kg|lbs),
//!   Fat Percent), `Body Metrics` (Date, Waist (cm|in), …), `Weight Trend`,
//!   `Expenditure`, `Steps`;
//! - the quick export, one `Quick Export` sheet: Date, Expenditure, Trend
//!   Weight, Weight, Steps, Calories (kcal), Protein (g), Fat (g), Carbs (g)
//!   and their `Target …` columns.
//!
//! Kept: each day's calories and macros (with fibre and sodium) as one
//! imported meal per day (a day that already has meals from another app or
//! from Wagner is left alone so food is not counted twice), scale weights
//! with body fat % and the waist as body measurements at 08:00 local time.
//! Not kept: MacroFactor's expenditure, trend weight and targets (Wagner
//! computes its own), steps, other body metrics, other micronutrients.
//! Dates are Excel dates (serial numbers) or `YYYY-MM-DD` text; a row whose
//! date or numbers cannot be read is named by sheet and row and left out.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};
use std::path::Path;

use calamine::{Data, Reader, Xlsx};
use chrono::{Duration, NaiveDate, NaiveTime};

use super::{HistoryFound, HistoryOutcome, HistoryReport, dates};
use crate::body::{BodySource, NewMeasurement};
use crate::clock;
use crate::error::{Error, Result};
use crate::nutrition::import::{ImportedMeal, Upsert, upsert};
use crate::nutrition::{MealCategory, MealFood};
use crate::profile::Profile;
use crate::store::Store;

/// A workbook larger than this on disk, or unpacking to more, is refused.
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
const MAX_UNPACKED_BYTES: u64 = 512 * 1024 * 1024;
const MAX_ENTRIES: usize = 10_000;
const LB_TO_KG: f64 = 0.453_592_37;
const IN_TO_CM: f64 = 2.54;

const MACROS_SHEET: &str = "calories & macros";
const QUICK_SHEET: &str = "quick export";
const MICROS_SHEET: &str = "micronutrients";
const WEIGHT_SHEET: &str = "scale weight";
const METRICS_SHEET: &str = "body metrics";

/// Whether a ZIP's entry names are an .xlsx workbook.
pub fn is_workbook(names: &[String]) -> bool {
    names.iter().any(|n| n == "xl/workbook.xml")
}

/// Whether a workbook's sheets are MacroFactor's.
pub fn is_macrofactor(sheets: &[String]) -> bool {
    sheets.iter().any(|s| {
        let s = s.trim().to_ascii_lowercase();
        s == MACROS_SHEET || s == QUICK_SHEET || s == WEIGHT_SHEET
    })
}

/// Reads the workbook's bytes after checking its size and what it unpacks to.
fn checked_bytes(path: &Path) -> Result<Vec<u8>> {
    let shown = path.display();
    let len = std::fs::metadata(path).map_err(|e| Error::io(format!("reading {shown}"), e))?.len();
    if len > MAX_FILE_BYTES {
        return Err(Error::invalid(format!(
            "{shown}: {} MB, larger than a MacroFactor export can be ({} MB)",
            len / (1024 * 1024),
            MAX_FILE_BYTES / (1024 * 1024)
        )));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE_BYTES).read_to_end(&mut bytes))
        .map_err(|e| Error::io(format!("reading {shown}"), e))?;
    let mut zip = zip::ZipArchive::new(Cursor::new(&bytes))
        .map_err(|e| Error::invalid(format!("{shown}: not a readable .xlsx workbook ({e})")))?;
    if zip.len() > MAX_ENTRIES {
        return Err(Error::invalid(format!("{shown}: {} parts, too many for a workbook", zip.len())));
    }
    let mut unpacked = 0u64;
    for i in 0..zip.len() {
        let entry = zip
            .by_index_raw(i)
            .map_err(|e| Error::invalid(format!("{shown}: damaged workbook part {i} ({e})")))?;
        unpacked = unpacked.saturating_add(entry.size());
    }
    if unpacked > MAX_UNPACKED_BYTES {
        return Err(Error::invalid(format!(
            "{shown}: unpacks to {} MB, more than a MacroFactor export holds; left alone",
            unpacked / (1024 * 1024)
        )));
    }
    Ok(bytes)
}

fn open(bytes: Vec<u8>, shown: &str) -> Result<Xlsx<Cursor<Vec<u8>>>> {
    calamine::open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e| Error::invalid(format!("{shown}: not a readable .xlsx workbook ({e})")))
}

/// The sheet names of a workbook (size-checked first).
pub fn sheet_names(path: &Path) -> Result<Vec<String>> {
    let shown = path.display().to_string();
    Ok(open(checked_bytes(path)?, &shown)?.sheet_names())
}

/// One day of intake.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DayIntake {
    pub kcal: Option<f64>,
    pub protein_g: Option<f64>,
    pub carbs_g: Option<f64>,
    pub fat_g: Option<f64>,
    pub fiber_g: Option<f64>,
    pub sodium_mg: Option<f64>,
}

/// One day of body values, in SI.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DayBody {
    pub weight_kg: Option<f64>,
    pub body_fat_pct: Option<f64>,
    pub waist_cm: Option<f64>,
}

#[derive(Debug, Default)]
pub struct Workbook {
    pub intake: BTreeMap<NaiveDate, DayIntake>,
    pub body: BTreeMap<NaiveDate, DayBody>,
    pub problems: Vec<String>,
}

/// An Excel date (serial days from 1899-12-30), a date cell or `YYYY-MM-DD` text.
fn cell_date(cell: &Data) -> Option<NaiveDate> {
    let serial = match cell {
        Data::Float(f) => Some(*f),
        Data::Int(i) => Some(*i as f64),
        Data::DateTime(d) => Some(d.as_f64()),
        Data::String(s) | Data::DateTimeIso(s) => {
            let t = s.trim();
            return t
                .get(..10)
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .or_else(|| NaiveDate::parse_from_str(t, "%m/%d/%Y").ok());
        }
        _ => None,
    }?;
    if !(1.0..200_000.0).contains(&serial) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_signed(Duration::days(serial.floor() as i64))
}

/// A number, an empty cell as none, anything else an error.
fn cell_number(cell: Option<&Data>) -> std::result::Result<Option<f64>, String> {
    match cell {
        None | Some(Data::Empty) => Ok(None),
        Some(Data::Float(f)) if f.is_finite() => Ok(Some(*f)),
        Some(Data::Int(i)) => Ok(Some(*i as f64)),
        Some(Data::String(s)) => {
            let t = s.trim();
            if t.is_empty() || t.eq_ignore_ascii_case("n/a") {
                return Ok(None);
            }
            t.replace(',', "")
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .map(Some)
                .ok_or_else(|| format!("{t:?} is not a number"))
        }
        Some(other) => Err(format!("{other} is not a number")),
    }
}

/// A sheet's header row, lower-cased, and a column finder on it.
struct Columns(Vec<String>);

impl Columns {
    fn new(row: &[Data]) -> Self {
        Columns(row.iter().map(|c| c.to_string().trim().to_ascii_lowercase()).collect())
    }

    /// The first column whose header starts with `name` and is not a target.
    fn find(&self, name: &str) -> Option<usize> {
        self.0.iter().position(|h| h.starts_with(name) && !h.contains("target"))
    }

    /// The unit in a header's parentheses: "weight (lbs)" → "lbs".
    fn unit(&self, i: usize) -> Option<&str> {
        let h = &self.0[i];
        let open = h.find('(')?;
        h[open + 1..].split(')').next().map(str::trim)
    }
}

fn plausible(v: Option<f64>, lo: f64, hi: f64) -> Option<f64> {
    v.filter(|v| (lo..=hi).contains(v))
}

/// Reads the sheets Wagner keeps from a workbook.
pub fn read(path: &Path) -> Result<Workbook> {
    let shown = path.display().to_string();
    let mut book = open(checked_bytes(path)?, &shown)?;
    let sheets = book.sheet_names();
    if !is_macrofactor(&sheets) {
        return Err(Error::invalid(format!(
            "{shown}: a workbook without MacroFactor's sheets (found {})",
            sheets.join(", ")
        )));
    }
    let mut out = Workbook::default();
    for sheet in &sheets {
        let kind = sheet.trim().to_ascii_lowercase();
        if ![MACROS_SHEET, QUICK_SHEET, MICROS_SHEET, WEIGHT_SHEET, METRICS_SHEET].contains(&kind.as_str()) {
            continue;
        }
        let range = match book.worksheet_range(sheet) {
            Ok(r) => r,
            Err(e) => {
                out.problems.push(format!("{shown}: sheet {sheet:?} could not be read ({e}); left out"));
                continue;
            }
        };
        let mut rows = range.rows();
        let Some(header) = rows.next() else { continue };
        let cols = Columns::new(header);
        let Some(c_date) = cols.find("date") else {
            out.problems.push(format!("{shown}: sheet {sheet:?} has no Date column; left out"));
            continue;
        };
        let c_kcal = cols.find("calories");
        let c_protein = cols.find("protein");
        let c_carbs = cols.find("carbs");
        let c_fat = cols.find("fat (");
        let c_fiber = cols.find("fiber");
        let c_sodium = cols.find("sodium");
        let c_weight = cols.find("weight");
        let c_fat_pct = cols.find("fat percent").or_else(|| cols.find("body fat"));
        let c_waist = cols.find("waist");
        let weight_factor = c_weight
            .and_then(|i| cols.unit(i))
            .map_or(1.0, |u| if u.starts_with("lb") { LB_TO_KG } else { 1.0 });
        let waist_factor =
            c_waist.and_then(|i| cols.unit(i)).map_or(1.0, |u| if u == "in" { IN_TO_CM } else { 1.0 });
        for (i, row) in rows.enumerate() {
            // Row numbers as the spreadsheet shows them: the header is row 1.
            let place = format!("{sheet} row {}", i + 2);
            if row.iter().all(|c| matches!(c, Data::Empty)) {
                continue;
            }
            let Some(day) = row.get(c_date).and_then(cell_date) else {
                out.problems.push(format!(
                    "{place}: {:?} is not a date; row left out",
                    row.get(c_date).map(|c| c.to_string()).unwrap_or_default()
                ));
                continue;
            };
            let get = |c: Option<usize>| c.map_or(Ok(None), |c| cell_number(row.get(c)));
            match kind.as_str() {
                MACROS_SHEET | QUICK_SHEET | MICROS_SHEET => {
                    let values =
                        (get(c_kcal), get(c_protein), get(c_carbs), get(c_fat), get(c_fiber), get(c_sodium));
                    let (Ok(kcal), Ok(protein), Ok(carbs), Ok(fat), Ok(fiber), Ok(sodium)) = values else {
                        out.problems.push(format!("{place}: a number could not be read; row left out"));
                        continue;
                    };
                    let d = out.intake.entry(day).or_default();
                    if kind != MICROS_SHEET {
                        d.kcal = plausible(kcal, 0.0, 20_000.0).or(d.kcal);
                        d.protein_g = plausible(protein, 0.0, 2_000.0).or(d.protein_g);
                        d.carbs_g = plausible(carbs, 0.0, 3_000.0).or(d.carbs_g);
                        d.fat_g = plausible(fat, 0.0, 2_000.0).or(d.fat_g);
                    }
                    d.fiber_g = plausible(fiber, 0.0, 500.0).or(d.fiber_g);
                    d.sodium_mg = plausible(sodium, 0.0, 100_000.0).or(d.sodium_mg);
                    if kind == QUICK_SHEET
                        && let Ok(Some(kg)) = get(c_weight)
                    {
                        out.body.entry(day).or_default().weight_kg =
                            plausible(Some(kg * weight_factor), 20.0, 500.0);
                    }
                }
                _ => {
                    let (Ok(weight), Ok(fat_pct), Ok(waist)) = (get(c_weight), get(c_fat_pct), get(c_waist))
                    else {
                        out.problems.push(format!("{place}: a number could not be read; row left out"));
                        continue;
                    };
                    let b = out.body.entry(day).or_default();
                    if let Some(kg) = weight.map(|w| w * weight_factor) {
                        match plausible(Some(kg), 20.0, 500.0) {
                            Some(kg) => b.weight_kg = Some(kg),
                            None => out
                                .problems
                                .push(format!("{place}: weight {kg:.1} kg is not plausible; left out")),
                        }
                    }
                    // Fat Percent as a percentage (18.5) or a fraction (0.185).
                    let pct = fat_pct.map(|p| if p > 0.0 && p < 1.0 { p * 100.0 } else { p });
                    b.body_fat_pct = plausible(pct, 2.0, 75.0).or(b.body_fat_pct);
                    b.waist_cm = plausible(waist.map(|w| w * waist_factor), 30.0, 250.0).or(b.waist_cm);
                }
            }
        }
    }
    out.intake.retain(|_, d| d.kcal.is_some());
    out.body.retain(|_, b| b.weight_kg.is_some() || b.body_fat_pct.is_some() || b.waist_cm.is_some());
    Ok(out)
}

pub fn preview(path: &Path) -> Result<(Vec<HistoryFound>, Vec<String>)> {
    let book = read(path)?;
    let mut found = Vec::new();
    let (first, last) = dates(book.intake.keys().copied());
    found.push(HistoryFound {
        what: "days of nutrition".into(),
        count: book.intake.len() as u32,
        first_date: first,
        last_date: last,
    });
    let weights = book.body.iter().filter(|(_, b)| b.weight_kg.is_some()).map(|(d, _)| *d);
    let (first, last) = dates(weights.clone());
    found.push(HistoryFound {
        what: "weigh-ins".into(),
        count: weights.count() as u32,
        first_date: first,
        last_date: last,
    });
    found.retain(|f| f.count > 0);
    Ok((found, book.problems))
}

fn round(v: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (v * f).round() / f
}

pub async fn import(store: &Store, profile: &Profile, path: &Path, report: &mut HistoryReport) -> Result<()> {
    let owned = path.to_path_buf();
    let book = tokio::task::spawn_blocking(move || read(&owned))
        .await
        .map_err(|e| Error::invalid(format!("the workbook reader stopped: {e}")))??;
    report.problems.extend(book.problems.iter().cloned());

    let mut outcome = HistoryOutcome { what: "days of nutrition".into(), ..HistoryOutcome::default() };
    let days: Vec<_> = book.intake.iter().collect();
    for batch in days.chunks(200) {
        let mut tx = store.begin_write().await?;
        for (date, day) in batch {
            let key = format!("macrofactor:{date}");
            if super::health_write::logged_elsewhere(&mut tx, profile, **date, &key).await? {
                outcome.already_there += 1;
                continue;
            }
            let mut nutrients = BTreeMap::new();
            if let Some(g) = day.fiber_g {
                nutrients.insert("dietary_fiber_g".to_string(), round(g, 1));
            }
            if let Some(mg) = day.sodium_mg {
                nutrients.insert("sodium_mg".to_string(), round(mg, 0));
            }
            let meal = ImportedMeal {
                key,
                date: **date,
                time: NaiveTime::from_hms_opt(12, 0, 0),
                category: MealCategory::Snack,
                name: "MacroFactor (day total)".into(),
                foods: vec![MealFood {
                    name: "Food logged in MacroFactor".into(),
                    quantity: 1.0,
                    unit: "day".into(),
                    grams: None,
                    calories: round(day.kcal.unwrap_or(0.0), 1),
                    protein_g: round(day.protein_g.unwrap_or(0.0), 1),
                    carbs_g: round(day.carbs_g.unwrap_or(0.0), 1),
                    fat_g: round(day.fat_g.unwrap_or(0.0), 1),
                    food_id: None,
                    nutrients,
                }],
            };
            match upsert(&mut tx, profile, &meal).await? {
                Upsert::Added | Upsert::Updated => outcome.added += 1,
                Upsert::Unchanged => outcome.already_there += 1,
            }
        }
        tx.commit().await?;
    }
    report.outcomes.push(outcome);

    let mut outcome = HistoryOutcome { what: "body measurements".into(), ..HistoryOutcome::default() };
    let tz = profile.tz();
    let days: Vec<_> = book.body.iter().collect();
    for batch in days.chunks(500) {
        let mut tx = store.begin_write().await?;
        for (date, b) in batch {
            let at = clock::local_to_utc(**date, 8, 0, tz);
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
            let mut others = serde_json::Map::new();
            if let Some(cm) = b.waist_cm {
                others.insert("waist_cm".into(), serde_json::json!(round(cm, 1)));
            }
            let new = NewMeasurement {
                measured_at: at,
                weight_kg: b.weight_kg.map(|w| round(w, 3)),
                body_fat_pct: b.body_fat_pct.map(|p| round(p, 2)),
                measurements: others,
                source: BodySource::Import,
                quick_entry_log_id: None,
                ai_extracted: false,
            };
            super::insert_measurement(&mut tx, profile, &new, &mut outcome, &mut report.problems, || {
                format!("body values of {date}")
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
    fn excel_serials_and_text_dates_read_as_days() {
        // 45292 is 2024-01-01 in Excel's 1900 date system.
        assert_eq!(cell_date(&Data::Float(45292.0)), NaiveDate::from_ymd_opt(2024, 1, 1));
        assert_eq!(cell_date(&Data::Int(45293)), NaiveDate::from_ymd_opt(2024, 1, 2));
        assert_eq!(cell_date(&Data::String("2024-01-03".into())), NaiveDate::from_ymd_opt(2024, 1, 3));
        assert_eq!(cell_date(&Data::String("yesterday".into())), None);
        assert_eq!(cell_number(Some(&Data::String("1,234.5".into()))), Ok(Some(1234.5)));
        assert!(cell_number(Some(&Data::String("lots".into()))).is_err());
        let cols = Columns::new(&[Data::String("Date".into()), Data::String("Weight (lbs)".into())]);
        assert_eq!((cols.find("weight"), cols.unit(1)), (Some(1), Some("lbs")));
    }
}
