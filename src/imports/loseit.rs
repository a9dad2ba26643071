//! Lose It! export (Settings → Export my data: a ZIP of CSV files, or its
//! `food-logs.csv` alone). Kept: `food-logs.csv`, one row per food —
//! `Date,Name,Icon,Meal,Quantity,Units,Calories,Deleted,Fat (g),Protein (g),
//! Carbohydrates (g),Saturated Fat (g),Sugars (g),Fiber (g),Cholesterol (mg),
//! Sodium (mg)` — as one imported meal per day and meal (deleted rows
//! skipped; dates `MM/DD/YYYY` or ISO; `n/a` is no value). Not kept:
//! weights.csv (its unit is not stated in the file), exercise logs, steps,
//! water, sleep, the derived daily calorie summary, photos (CDN tokens only).

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use chrono::NaiveDate;

use super::{HistoryFound, HistoryOutcome, HistoryReport, dates};
use crate::error::{Error, Result};
use crate::nutrition::import::{ImportedMeal, Upsert, upsert};
use crate::nutrition::{MealCategory, MealFood};
use crate::profile::Profile;
use crate::store::Store;

const MAX_CSV_BYTES: u64 = 256 * 1024 * 1024;

/// Whether a CSV header row is Lose It!'s food log.
pub fn is_food_log(header_line: &str) -> bool {
    let cols: Vec<String> =
        header_line.split(',').map(|c| c.trim().trim_matches('"').to_ascii_lowercase()).collect();
    ["date", "name", "meal", "quantity", "units", "calories"].iter().all(|c| cols.iter().any(|h| h == c))
}

pub fn zip_has_food_log(names: &[String]) -> bool {
    names.iter().any(|n| n.rsplit('/').next() == Some("food-logs.csv"))
}

/// The food log's bytes: the file itself, or its entry in the export ZIP.
fn food_log_bytes(path: &Path) -> Result<Vec<u8>> {
    let mut head = [0u8; 4];
    let is_zip =
        std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut head)).is_ok() && &head == b"PK\x03\x04";
    if !is_zip {
        let len =
            std::fs::metadata(path).map_err(|e| Error::io(format!("reading {}", path.display()), e))?.len();
        if len > MAX_CSV_BYTES {
            return Err(Error::invalid(format!("{}: larger than 256 MB", path.display())));
        }
        return std::fs::read(path).map_err(|e| Error::io(format!("reading {}", path.display()), e));
    }
    let file = std::fs::File::open(path).map_err(|e| Error::io(format!("opening {}", path.display()), e))?;
    let mut zip = zip::ZipArchive::new(file)
        .map_err(|e| Error::invalid(format!("{}: not a readable ZIP archive ({e})", path.display())))?;
    let name = zip
        .file_names()
        .flatten()
        .filter(|n| n.rsplit('/').next() == Some("food-logs.csv"))
        .min_by_key(|n| n.len())
        .map(|n| n.into_owned())
        .ok_or_else(|| Error::invalid("the Lose It! export has no food-logs.csv"))?;
    let entry = zip.by_name(&name).map_err(|e| Error::invalid(format!("{name}: {e}")))?;
    if entry.size() > MAX_CSV_BYTES {
        return Err(Error::invalid(format!("{name}: larger than 256 MB")));
    }
    let mut out = Vec::new();
    entry
        .take(MAX_CSV_BYTES)
        .read_to_end(&mut out)
        .map_err(|e| Error::invalid(format!("{name} is damaged in the archive: {e}")))?;
    Ok(out)
}

fn category(meal: &str) -> MealCategory {
    match meal.trim().to_ascii_lowercase().as_str() {
        "breakfast" => MealCategory::Breakfast,
        "lunch" => MealCategory::Lunch,
        "dinner" => MealCategory::Dinner,
        _ => MealCategory::Snack,
    }
}

fn date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    NaiveDate::parse_from_str(t, "%m/%d/%Y").or_else(|_| NaiveDate::parse_from_str(t, "%Y-%m-%d")).ok()
}

/// Columns beyond the macros → foods_enhanced columns.
const EXTRA: [(&str, &str); 5] = [
    ("Saturated Fat (g)", "saturated_fat_g"),
    ("Sugars (g)", "total_sugars_g"),
    ("Fiber (g)", "dietary_fiber_g"),
    ("Cholesterol (mg)", "cholesterol_mg"),
    ("Sodium (mg)", "sodium_mg"),
];

/// The meals of a food log, with rows that could not be read named by line.
pub(crate) fn read_food_log(bytes: &[u8]) -> Result<(Vec<ImportedMeal>, u32, Vec<String>)> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| Error::invalid(format!("food-logs.csv is not CSV ({e})")))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (c_date, c_name, c_meal, c_qty, c_units, c_kcal, c_deleted) = (
        col("Date"),
        col("Name"),
        col("Meal"),
        col("Quantity"),
        col("Units"),
        col("Calories"),
        col("Deleted"),
    );
    if c_date.is_none() || c_name.is_none() || c_kcal.is_none() {
        return Err(Error::invalid(
            "food-logs.csv has no Date, Name and Calories columns: not a Lose It! food log",
        ));
    }
    let (c_fat, c_protein, c_carbs) = (col("Fat (g)"), col("Protein (g)"), col("Carbohydrates (g)"));
    let mut meals: BTreeMap<String, ImportedMeal> = BTreeMap::new();
    let mut problems = Vec::new();
    let mut rows = 0u32;
    for record in reader.records() {
        let rec = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                problems.push(format!("food-logs.csv line {line}: unreadable row ({e}); the rest is kept"));
                break;
            }
        };
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        let get = |c: Option<usize>| c.and_then(|i| rec.get(i)).map(str::trim).unwrap_or("");
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if matches!(get(c_deleted).to_ascii_lowercase().as_str(), "1" | "true" | "yes") {
            continue;
        }
        let num = |c: Option<usize>| -> std::result::Result<Option<f64>, String> {
            let t = get(c);
            if t.is_empty() || t.eq_ignore_ascii_case("n/a") {
                return Ok(None);
            }
            t.replace(',', "")
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v >= 0.0 && *v < 100_000.0)
                .map(Some)
                .ok_or_else(|| format!("{t:?} is not an amount"))
        };
        let Some(day) = date(get(c_date)) else {
            problems
                .push(format!("food-logs.csv line {line}: {:?} is not a date; row left out", get(c_date)));
            continue;
        };
        let values = (num(c_kcal), num(c_protein), num(c_carbs), num(c_fat), num(c_qty));
        let (Ok(kcal), Ok(protein), Ok(carbs), Ok(fat), Ok(qty)) = values else {
            problems.push(format!("food-logs.csv line {line}: a number could not be read; row left out"));
            continue;
        };
        let mut nutrients = BTreeMap::new();
        for (column, key) in EXTRA {
            if let Ok(Some(v)) = num(col(column)) {
                nutrients.insert(key.to_string(), v);
            }
        }
        rows += 1;
        let meal_name = match get(c_meal) {
            "" => "Snacks",
            m => m,
        };
        let key = format!("loseit:{day}:{}", meal_name.to_lowercase());
        let unit = get(c_units).to_string();
        let quantity = qty.filter(|q| *q > 0.0).unwrap_or(1.0);
        let grams = unit.eq_ignore_ascii_case("grams").then_some(quantity);
        meals
            .entry(key.clone())
            .or_insert_with(|| ImportedMeal {
                key,
                date: day,
                time: None,
                category: category(meal_name),
                name: meal_name.to_string(),
                foods: Vec::new(),
            })
            .foods
            .push(MealFood {
                name: get(c_name).to_string(),
                quantity,
                unit: if unit.is_empty() { "serving".into() } else { unit },
                grams,
                calories: kcal.unwrap_or(0.0),
                protein_g: protein.unwrap_or(0.0),
                carbs_g: carbs.unwrap_or(0.0),
                fat_g: fat.unwrap_or(0.0),
                food_id: None,
                nutrients,
            });
    }
    Ok((meals.into_values().collect(), rows, problems))
}

pub fn preview(path: &Path) -> Result<(Vec<HistoryFound>, Vec<String>)> {
    let (meals, _, problems) = read_food_log(&food_log_bytes(path)?)?;
    let (first, last) = dates(meals.iter().map(|m| m.date));
    let days = meals.iter().map(|m| m.date).collect::<std::collections::BTreeSet<_>>().len();
    Ok((
        vec![
            HistoryFound {
                what: "meals".into(),
                count: meals.len() as u32,
                first_date: first.clone(),
                last_date: last.clone(),
            },
            HistoryFound {
                what: "days of nutrition".into(),
                count: days as u32,
                first_date: first,
                last_date: last,
            },
        ],
        problems,
    ))
}

pub async fn import(store: &Store, profile: &Profile, path: &Path, report: &mut HistoryReport) -> Result<()> {
    let (meals, _, problems) = read_food_log(&food_log_bytes(path)?)?;
    report.problems.extend(problems);
    let mut outcome = HistoryOutcome { what: "meals".into(), ..HistoryOutcome::default() };
    let mut tx = store.begin_write().await?;
    for meal in &meals {
        match upsert(&mut tx, profile, meal).await? {
            Upsert::Added | Upsert::Updated => outcome.added += 1,
            Upsert::Unchanged => outcome.already_there += 1,
        }
    }
    tx.commit().await?;
    report.outcomes.push(outcome);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn food_log_rows_become_meals_deleted_rows_and_bad_lines_left_out() {
        let csv = "Date,Name,Icon,Meal,Quantity,Units,Calories,Deleted,Fat (g),Protein (g),Carbohydrates (g),\
                   Saturated Fat (g),Sugars (g),Fiber (g),Cholesterol (mg),Sodium (mg)\n\
                   07/15/2026,Greek Yogurt,Yogurt,Breakfast,1.0,Cup,120,0,0,22,9,0,9,0,10,80\n\
                   07/15/2026,Banana,Banana,Breakfast,1.0,Each,105,0,0.4,1.3,27,n/a,14,3.1,0,1\n\
                   07/15/2026,Strawberry,Fruit,Snacks,100.0,Grams,34,1,0,0,0,0,0,0,0,0\n\
                   07/16/2026,\"Rice, White, Cooked\",Rice,Dinner,350.0,Grams,455,0,1,9.5,99,0,0,1.4,0,5\n\
                   13/45/2026,Mystery,Food,Lunch,1,Each,100,0,0,0,0,0,0,0,0,0\n";
        assert!(is_food_log(csv.lines().next().unwrap()));
        let (meals, rows, problems) = read_food_log(csv.as_bytes()).unwrap();
        assert_eq!(rows, 3, "the deleted row and the bad date are left out");
        assert_eq!(meals.len(), 2);
        let breakfast = &meals[0];
        assert_eq!((breakfast.key.as_str(), breakfast.foods.len()), ("loseit:2026-07-15:breakfast", 2));
        assert_eq!(breakfast.foods[1].protein_g, 1.3);
        assert!(!breakfast.foods[1].nutrients.contains_key("saturated_fat_g"), "n/a is no value");
        let dinner = &meals[1];
        assert_eq!(
            (dinner.foods[0].name.as_str(), dinner.foods[0].grams),
            ("Rice, White, Cooked", Some(350.0))
        );
        assert_eq!(problems.len(), 1);
        assert!(problems[0].contains("line 6"), "{problems:?}");
    }
}
