//! Importing the user's history from another tracker's CSV export into
//! `meal_logs` (source = imported), in one transaction:
//!
//! * MyFitnessPal "Nutrition Summary" (Settings → Export data): one row per
//!   day and meal, `Date,Meal,Calories,Fat (g),Saturated Fat,Polyunsaturated
//!   Fat,Monounsaturated Fat,Trans Fat,Cholesterol,Sodium (mg),Potassium,
//!   Carbohydrates (g),Fiber,Sugar,Protein (g),Vitamin A,Vitamin C,Calcium,
//!   Iron,Note`. Vitamin A/C, calcium and iron are % of MyFitnessPal's old
//!   daily values, not amounts, so they are left out.
//! * Cronometer "Servings" (Account → Export Data → Food & Recipe Entries):
//!   one row per food, `Day,Time,Group,Food Name,Amount,Energy (kcal),…`
//!   with one column per nutrient ("Protein (g)", "B12 (Cobalamin) (µg)",
//!   "Vitamin D (IU)"…), read by header name so any column set works.
//!
//! Each day's meal becomes one meal keyed `source:date:meal`, so importing
//! the same (or a longer) export again updates those meals instead of
//! logging them twice. A bad row stops the import with the file and line.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{NaiveDate, NaiveTime, Timelike};
use serde::Serialize;
use sqlx::SqliteConnection;

use super::{MealCategory, MealFood, MealSource, NewMeal};
use crate::clock;
use crate::error::{Error, Result};
use crate::profile::Profile;
use crate::store::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    MyFitnessPal,
    Cronometer,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportReport {
    pub format: Option<ExportFormat>,
    pub rows: u32,
    pub meals_added: u32,
    pub meals_updated: u32,
    pub meals_unchanged: u32,
    pub first_date: Option<String>,
    pub last_date: Option<String>,
    /// Every line that cannot be read, with why ("file, line 3: …"). The
    /// preview lists them all; the import refuses the file while any remain.
    pub problems: Vec<String>,
}

/// Cronometer column → (foods_enhanced column, factor to its unit).
const CRONOMETER_COLUMNS: [(&str, &str, f64); 38] = [
    ("Protein (g)", "protein_g", 1.0),
    ("Carbs (g)", "total_carbs_g", 1.0),
    ("Fat (g)", "total_fat_g", 1.0),
    ("Fiber (g)", "dietary_fiber_g", 1.0),
    ("Sugars (g)", "total_sugars_g", 1.0),
    ("Added Sugars (g)", "added_sugars_g", 1.0),
    ("Starch (g)", "starch_g", 1.0),
    ("Saturated (g)", "saturated_fat_g", 1.0),
    ("Monounsaturated (g)", "monounsaturated_fat_g", 1.0),
    ("Polyunsaturated (g)", "polyunsaturated_fat_g", 1.0),
    ("Trans-Fats (g)", "trans_fat_g", 1.0),
    ("Omega-3 (g)", "omega3_g", 1.0),
    ("Omega-6 (g)", "omega6_g", 1.0),
    ("Cholesterol (mg)", "cholesterol_mg", 1.0),
    ("Sodium (mg)", "sodium_mg", 1.0),
    ("Potassium (mg)", "potassium_mg", 1.0),
    ("Calcium (mg)", "calcium_mg", 1.0),
    ("Iron (mg)", "iron_mg", 1.0),
    ("Magnesium (mg)", "magnesium_mg", 1.0),
    ("Zinc (mg)", "zinc_mg", 1.0),
    ("Phosphorus (mg)", "phosphorus_mg", 1.0),
    ("Selenium (µg)", "selenium_ug", 1.0),
    ("Copper (mg)", "copper_mg", 1.0),
    ("Manganese (mg)", "manganese_mg", 1.0),
    ("Vitamin A (µg)", "vitamin_a_ug", 1.0),
    ("Vitamin C (mg)", "vitamin_c_mg", 1.0),
    // 1 µg of vitamin D is 40 IU.
    ("Vitamin D (IU)", "vitamin_d_ug", 0.025),
    ("Vitamin E (mg)", "vitamin_e_mg", 1.0),
    ("Vitamin K (µg)", "vitamin_k_ug", 1.0),
    ("B1 (Thiamine) (mg)", "thiamin_mg", 1.0),
    ("B2 (Riboflavin) (mg)", "riboflavin_mg", 1.0),
    ("B3 (Niacin) (mg)", "niacin_mg", 1.0),
    ("B5 (Pantothenic Acid) (mg)", "pantothenic_acid_mg", 1.0),
    ("B6 (Pyridoxine) (mg)", "vitamin_b6_mg", 1.0),
    ("B12 (Cobalamin) (µg)", "vitamin_b12_ug", 1.0),
    ("Folate (µg)", "folate_ug", 1.0),
    ("Caffeine (mg)", "caffeine_mg", 1.0),
    ("Alcohol (g)", "alcohol_g", 1.0),
];

/// MyFitnessPal column → foods_enhanced column (amounts only; see the module docs).
const MFP_COLUMNS: [(&str, &str); 12] = [
    ("Fat (g)", "total_fat_g"),
    ("Saturated Fat", "saturated_fat_g"),
    ("Polyunsaturated Fat", "polyunsaturated_fat_g"),
    ("Monounsaturated Fat", "monounsaturated_fat_g"),
    ("Trans Fat", "trans_fat_g"),
    ("Cholesterol", "cholesterol_mg"),
    ("Sodium (mg)", "sodium_mg"),
    ("Potassium", "potassium_mg"),
    ("Carbohydrates (g)", "total_carbs_g"),
    ("Fiber", "dietary_fiber_g"),
    ("Sugar", "total_sugars_g"),
    ("Protein (g)", "protein_g"),
];

/// One meal read from the file: its key, day, time and foods.
#[derive(Debug, Clone)]
pub(crate) struct ImportedMeal {
    pub key: String,
    pub date: NaiveDate,
    pub time: Option<NaiveTime>,
    pub category: MealCategory,
    pub name: String,
    pub foods: Vec<MealFood>,
}

struct Sheet<'a> {
    file: &'a str,
    headers: Vec<String>,
}

impl Sheet<'_> {
    fn col(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h.eq_ignore_ascii_case(name))
    }

    fn bad(&self, line: u64, msg: impl std::fmt::Display) -> Error {
        Error::invalid(format!("{}, line {line}: {msg}", self.file))
    }

    fn number(&self, rec: &csv::StringRecord, line: u64, col: Option<usize>) -> Result<Option<f64>> {
        let Some(i) = col else { return Ok(None) };
        let text = rec.get(i).unwrap_or("").trim();
        if text.is_empty() {
            return Ok(None);
        }
        // "1,234.5": thousands separators as MyFitnessPal writes them.
        let cleaned = if text.contains('.') { text.replace(',', "") } else { text.to_string() };
        match cleaned.parse::<f64>() {
            Ok(v) if v.is_finite() && v >= 0.0 => Ok(Some(v)),
            _ => Err(self.bad(line, format!("{} {text:?} is not a number ≥ 0", self.headers[i]))),
        }
    }

    fn text<'r>(&self, rec: &'r csv::StringRecord, col: Option<usize>) -> &'r str {
        col.and_then(|i| rec.get(i)).unwrap_or("").trim()
    }
}

fn category_of(meal: &str) -> MealCategory {
    match meal.trim().to_lowercase().as_str() {
        "breakfast" => MealCategory::Breakfast,
        "lunch" => MealCategory::Lunch,
        "dinner" | "supper" => MealCategory::Dinner,
        // Snacks, Uncategorized, and the names users give extra meals.
        _ => MealCategory::Snack,
    }
}

fn default_time(c: MealCategory) -> NaiveTime {
    let (h, m) = match c {
        MealCategory::Breakfast => (8, 0),
        MealCategory::Lunch => (12, 30),
        MealCategory::Dinner => (19, 0),
        MealCategory::Snack => (15, 30),
    };
    NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN)
}

fn parse_date(sheet: &Sheet, line: u64, text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%m/%d/%Y"))
        .map_err(|_| sheet.bad(line, format!("{text:?} is not a date (YYYY-MM-DD)")))
}

fn parse_time(text: &str) -> Option<NaiveTime> {
    let t = text.trim().to_uppercase();
    ["%I:%M %p", "%I:%M:%S %p", "%H:%M", "%H:%M:%S"]
        .iter()
        .find_map(|f| NaiveTime::parse_from_str(&t, f).ok())
}

/// "150.00 g" → (150, "g"); "2 large" → (2, "large"); anything else is 1 of it.
fn parse_amount(text: &str) -> (f64, String) {
    let text = text.trim();
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len());
    match text[..split].parse::<f64>() {
        Ok(q) if q > 0.0 && q.is_finite() => (q, text[split..].trim().to_string()),
        _ => (1.0, if text.is_empty() { "serving".into() } else { text.to_string() }),
    }
}

fn read_csv(path: &Path) -> Result<(String, csv::Reader<std::io::Cursor<Vec<u8>>>)> {
    let mut bytes = std::fs::read(path).map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    // A NUL is never part of a food name or a number: the file is damaged or hostile.
    if let Some(at) = bytes.iter().position(|b| *b == 0) {
        return Err(Error::invalid(format!(
            "{file}: contains a NUL byte (at byte {at}): not a text CSV file"
        )));
    }
    let reader = csv::ReaderBuilder::new().flexible(true).from_reader(std::io::Cursor::new(bytes));
    Ok((file, reader))
}

/// Reads an export file into meals, recognising its format from the header.
fn read_meals(path: &Path) -> Result<(ExportFormat, Vec<ImportedMeal>, u32, Vec<String>)> {
    let (file, mut reader) = read_csv(path)?;
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| Error::invalid(format!("{file}: not a CSV file ({e})")))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let sheet = Sheet { file: &file, headers };
    let has = |h: &str| sheet.col(h).is_some();
    let format = if has("Date") && has("Meal") && has("Calories") {
        ExportFormat::MyFitnessPal
    } else if has("Day") && has("Group") && has("Food Name") && has("Energy (kcal)") {
        ExportFormat::Cronometer
    } else {
        return Err(Error::invalid(format!(
            "{file}: not a MyFitnessPal Nutrition Summary (Date, Meal, Calories, …) or a Cronometer \
             servings export (Day, Time, Group, Food Name, Amount, Energy (kcal), …)"
        )));
    };
    let mut meals: BTreeMap<String, ImportedMeal> = BTreeMap::new();
    let mut rows = 0;
    let mut problems = Vec::new();
    for record in reader.records() {
        let rec = match record {
            Ok(rec) => rec,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                problems.push(problem(sheet.bad(line, format!("unreadable CSV row ({e})"))));
                continue;
            }
        };
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        // An unclosed quote swallows the rest of the file into one cell: say that,
        // not that a later column is empty.
        let swallowed = |c: &str| {
            c.contains('\n')
                && (rec.len() < sheet.headers.len() || c.matches(',').count() + 1 >= sheet.headers.len())
        };
        if rec.iter().any(swallowed) {
            problems.push(problem(sheet.bad(line, "a quote (\") opened here is never closed")));
            break;
        }
        // Every bad line is named, not just the first, so all can be fixed at once.
        match add_row(&sheet, format, &rec, line, &mut meals) {
            Ok(true) => rows += 1,
            Ok(false) => {}
            Err(e) => problems.push(problem(e)),
        }
    }
    Ok((format, meals.into_values().collect(), rows, problems))
}

/// A bad line as the preview lists it ("file, line 3: …").
fn problem(err: Error) -> String {
    match err {
        Error::Invalid(text) => text,
        other => other.to_string(),
    }
}

/// Adds one data row to its meal; false for a row that holds no food (a totals row).
fn add_row(
    sheet: &Sheet,
    format: ExportFormat,
    rec: &csv::StringRecord,
    line: u64,
    meals: &mut BTreeMap<String, ImportedMeal>,
) -> Result<bool> {
    match format {
        ExportFormat::MyFitnessPal => {
            let date_text = sheet.text(rec, sheet.col("Date"));
            // Some exports end with a totals row.
            if date_text.eq_ignore_ascii_case("totals") {
                return Ok(false);
            }
            let date = parse_date(sheet, line, date_text)?;
            let meal_name = sheet.text(rec, sheet.col("Meal"));
            if meal_name.is_empty() {
                return Err(sheet.bad(line, "the Meal column is empty"));
            }
            let calories = sheet
                .number(rec, line, sheet.col("Calories"))?
                .ok_or_else(|| sheet.bad(line, "Calories is empty"))?;
            let mut nutrients = BTreeMap::new();
            for (column, key) in MFP_COLUMNS {
                if let Some(v) = sheet.number(rec, line, sheet.col(column))? {
                    nutrients.insert(key.to_string(), v);
                }
            }
            let category = category_of(meal_name);
            let key = format!("myfitnesspal:{date}:{}", meal_name.to_lowercase());
            let food =
                food_from(format!("{meal_name} (MyFitnessPal)"), 1.0, "meal".into(), calories, nutrients);
            let meal = meals.entry(key.clone()).or_insert_with(|| ImportedMeal {
                key,
                date,
                time: None,
                category,
                name: meal_name.to_string(),
                foods: Vec::new(),
            });
            meal.foods.push(food);
        }
        ExportFormat::Cronometer => {
            let date = parse_date(sheet, line, sheet.text(rec, sheet.col("Day")))?;
            let group = match sheet.text(rec, sheet.col("Group")) {
                "" => "Uncategorized",
                g => g,
            };
            let name = sheet.text(rec, sheet.col("Food Name"));
            if name.is_empty() {
                return Err(sheet.bad(line, "the Food Name column is empty"));
            }
            let calories = sheet.number(rec, line, sheet.col("Energy (kcal)"))?.unwrap_or(0.0);
            let mut nutrients = BTreeMap::new();
            for (column, key, factor) in CRONOMETER_COLUMNS {
                if let Some(v) = sheet.number(rec, line, sheet.col(column))? {
                    nutrients.insert(key.to_string(), v * factor);
                }
            }
            let (quantity, unit) = parse_amount(sheet.text(rec, sheet.col("Amount")));
            let time = parse_time(sheet.text(rec, sheet.col("Time")));
            let key = format!("cronometer:{date}:{}", group.to_lowercase());
            let meal = meals.entry(key.clone()).or_insert_with(|| ImportedMeal {
                key,
                date,
                time,
                category: category_of(group),
                name: group.to_string(),
                foods: Vec::new(),
            });
            meal.time = match (meal.time, time) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            meal.foods.push(food_from(name.to_string(), quantity, unit, calories, nutrients));
        }
    }
    Ok(true)
}

fn food_from(
    name: String,
    quantity: f64,
    unit: String,
    calories: f64,
    mut nutrients: BTreeMap<String, f64>,
) -> MealFood {
    let mut take = |k: &str| nutrients.remove(k).unwrap_or(0.0);
    let (protein_g, carbs_g, fat_g) = (take("protein_g"), take("total_carbs_g"), take("total_fat_g"));
    let grams = (unit == "g").then_some(quantity);
    MealFood { name, quantity, unit, grams, calories, protein_g, carbs_g, fat_g, food_id: None, nutrients }
}

/// Imports an export file for the profile in one transaction.
pub async fn import_file(store: &Store, profile: &Profile, path: &Path) -> Result<ImportReport> {
    let (format, meals, rows, problems) = read_meals(path)?;
    if !problems.is_empty() {
        return Err(Error::invalid(summarize(&problems)));
    }
    let mut report = ImportReport { format: Some(format), rows, ..ImportReport::default() };
    let mut tx = store.begin_write().await?;
    for meal in &meals {
        match upsert(&mut tx, profile, meal).await? {
            Upsert::Added => report.meals_added += 1,
            Upsert::Updated => report.meals_updated += 1,
            Upsert::Unchanged => report.meals_unchanged += 1,
        }
    }
    tx.commit().await?;
    report.first_date = meals.iter().map(|m| m.date).min().map(|d| d.to_string());
    report.last_date = meals.iter().map(|m| m.date).max().map(|d| d.to_string());
    Ok(report)
}

/// What a file holds, read but not written: `meals_added` counts the meals found.
pub fn preview_file(path: &Path) -> Result<ImportReport> {
    let (format, meals, rows, problems) = read_meals(path)?;
    Ok(ImportReport {
        format: Some(format),
        rows,
        meals_added: meals.len() as u32,
        first_date: meals.iter().map(|m| m.date).min().map(|d| d.to_string()),
        last_date: meals.iter().map(|m| m.date).max().map(|d| d.to_string()),
        problems,
        ..ImportReport::default()
    })
}

/// The refusal of a file with bad lines: the first few, and how many more.
fn summarize(problems: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut text = problems.iter().take(SHOWN).cloned().collect::<Vec<_>>().join("; ");
    if problems.len() > SHOWN {
        text.push_str(&format!(" (and {} more lines)", problems.len() - SHOWN));
    }
    text
}

pub(crate) enum Upsert {
    Added,
    Updated,
    Unchanged,
}

pub(crate) async fn upsert(
    conn: &mut SqliteConnection,
    profile: &Profile,
    meal: &ImportedMeal,
) -> Result<Upsert> {
    let time = meal.time.unwrap_or_else(|| default_time(meal.category));
    let logged_at = clock::local_to_utc(meal.date, time.hour(), time.minute(), profile.tz());
    let existing: Option<(String, String)> =
        sqlx::query_as("SELECT id, foods FROM meal_logs WHERE user_id = ? AND import_key = ?")
            .bind(&profile.id)
            .bind(&meal.key)
            .fetch_optional(&mut *conn)
            .await?;
    let foods_json = serde_json::to_string(&meal.foods).map_err(|e| Error::invalid(e.to_string()))?;
    match existing {
        Some((_, foods)) if foods == foods_json => Ok(Upsert::Unchanged),
        Some((id, _)) => {
            let t = super::totals(&meal.foods);
            let micro = super::micro_totals(&meal.foods);
            sqlx::query(
                "UPDATE meal_logs SET foods = ?, total_calories = ?, total_protein_g = ?, total_carbs_g = ?, \
                 total_fat_g = ?, total_fiber_g = ?, total_sugar_g = ?, total_sodium_mg = ?, nutrients = ? \
                 WHERE user_id = ? AND id = ?",
            )
            .bind(foods_json)
            .bind(t.calories)
            .bind(t.protein_g)
            .bind(t.carbs_g)
            .bind(t.fat_g)
            .bind(micro.fiber_g)
            .bind(micro.sugar_g)
            .bind(micro.sodium_mg)
            .bind(serde_json::to_string(&micro.nutrients).map_err(|e| Error::invalid(e.to_string()))?)
            .bind(&profile.id)
            .bind(id)
            .execute(&mut *conn)
            .await?;
            Ok(Upsert::Updated)
        }
        None => {
            let new = NewMeal {
                category: meal.category,
                logged_at,
                name: Some(meal.name.clone()),
                foods: meal.foods.clone(),
                source: MealSource::Imported,
                quick_entry_log_id: None,
                ai_extracted: false,
                ai_confidence: None,
                image_url: None,
            };
            let id = super::insert_meal(conn, profile, &new).await?;
            sqlx::query("UPDATE meal_logs SET import_key = ? WHERE user_id = ? AND id = ?")
                .bind(&meal.key)
                .bind(&profile.id)
                .bind(id)
                .execute(&mut *conn)
                .await?;
            Ok(Upsert::Added)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_and_times_as_cronometer_writes_them() {
        assert_eq!(parse_amount("150.00 g"), (150.0, "g".into()));
        assert_eq!(parse_amount("2 large"), (2.0, "large".into()));
        assert_eq!(parse_amount("full recipe"), (1.0, "full recipe".into()));
        assert_eq!(parse_time("07:30 PM"), NaiveTime::from_hms_opt(19, 30, 0));
        assert_eq!(parse_time("7:05 am"), NaiveTime::from_hms_opt(7, 5, 0));
        assert_eq!(parse_time("13:15"), NaiveTime::from_hms_opt(13, 15, 0));
        assert_eq!(parse_time(""), None);
        assert_eq!(category_of("Snacks"), MealCategory::Snack);
        assert_eq!(category_of("Uncategorized"), MealCategory::Snack);
    }
}
