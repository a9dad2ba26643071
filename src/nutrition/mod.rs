//! Meals (`meal_logs`) and the day's totals (`daily_nutrition_summaries`).
//! Totals are computed from the foods on every write; the summary rows are
//! kept exact by triggers in the same transaction as the meal write.
//! The food database lives in the submodules: `foods` (bundled data, loader,
//! search, custom foods), `portions` (units → grams → nutrients eaten),
//! `barcode` (GTIN validation), `sr24` and `fndds` (the USDA converters).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

use crate::clock;
use crate::error::{Error, Result};
use crate::profile::Profile;
use crate::store::Store;

pub mod barcode;
pub mod cli;
pub mod fndds;
pub mod foods;
pub mod goals;
pub mod import;
pub mod meals;
pub mod off;
pub mod portions;
pub mod recipes;
pub mod resolve;
pub mod sr24;
pub mod targets;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
#[sqlx(rename_all = "snake_case")]
pub enum MealCategory {
    Breakfast,
    Lunch,
    Dinner,
    Snack,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
#[sqlx(rename_all = "snake_case")]
pub enum MealSource {
    QuickEntry,
    Manual,
    Imported,
    Program,
}

/// One food in a meal, with the nutrition of the quantity eaten.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MealFood {
    pub name: String,
    pub quantity: f64,
    pub unit: String,
    pub grams: Option<f64>,
    pub calories: f64,
    pub protein_g: f64,
    pub carbs_g: f64,
    pub fat_g: f64,
    /// The foods_enhanced row the nutrition came from, when one matched.
    #[serde(default)]
    pub food_id: Option<String>,
    /// Every known nutrient of the quantity eaten, keyed by `foods_enhanced`
    /// column (fiber, sodium, vitamins…); empty when only the macros are known.
    // `default` last: specta then types it `nutrients?:` in TypeScript.
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub nutrients: BTreeMap<String, f64>,
}

impl MealFood {
    fn validate(&self) -> Result<()> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err(Error::invalid("a food in the meal has no name"));
        }
        for (label, value) in [
            ("quantity", self.quantity),
            ("calories", self.calories),
            ("protein", self.protein_g),
            ("carbs", self.carbs_g),
            ("fat", self.fat_g),
        ]
        .into_iter()
        .chain(self.nutrients.iter().map(|(k, v)| (k.as_str(), *v)))
        {
            if !value.is_finite() || value < 0.0 {
                return Err(Error::invalid(format!("{name}: {label} must be a number ≥ 0, got {value}")));
            }
        }
        if name.contains('\0') {
            return Err(Error::invalid(format!("{name:?}: a food name cannot contain a NUL byte")));
        }
        // The one plausibility table (quick entry, imports and edits alike).
        use crate::plausibility::{Quantity, check};
        let amount = match self.unit.trim().to_ascii_lowercase().as_str() {
            "g" | "ml" => Quantity::FoodGrams,
            _ => Quantity::PortionCount,
        };
        for (q, v) in [
            (amount, Some(self.quantity)),
            (Quantity::FoodGrams, self.grams),
            (Quantity::MealKcal, Some(self.calories)),
        ] {
            if let Some(v) = v
                && let Err(e) = check(q, v)
            {
                return Err(Error::invalid(format!("{name}: {e}")));
            }
        }
        for key in self.nutrients.keys() {
            if !foods::NUTRIENT_COLUMNS.contains(&key.as_str()) {
                return Err(Error::invalid(format!("{name}: unknown nutrient {key:?}")));
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone)]
pub struct NewMeal {
    pub category: MealCategory,
    pub logged_at: DateTime<Utc>,
    pub name: Option<String>,
    pub foods: Vec<MealFood>,
    pub source: MealSource,
    pub quick_entry_log_id: Option<String>,
    pub ai_extracted: bool,
    pub ai_confidence: Option<f64>,
    /// A meal photo, relative to the data folder.
    pub image_url: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Totals {
    pub calories: f64,
    pub protein_g: f64,
    pub carbs_g: f64,
    pub fat_g: f64,
}

/// The meal-level columns besides the four macros: fiber, sugar and sodium
/// (NULL when no food knows them) and every other nutrient summed by key.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MicroTotals {
    pub fiber_g: Option<f64>,
    pub sugar_g: Option<f64>,
    pub sodium_mg: Option<f64>,
    pub nutrients: BTreeMap<String, f64>,
}

/// Nutrient keys that have their own columns in meal_logs.
const MACRO_KEYS: [&str; 4] = ["calories", "protein_g", "total_carbs_g", "total_fat_g"];
const COLUMN_KEYS: [(&str, usize); 3] = [("dietary_fiber_g", 0), ("total_sugars_g", 1), ("sodium_mg", 2)];

pub fn micro_totals(foods: &[MealFood]) -> MicroTotals {
    let mut columns: [Option<f64>; 3] = [None; 3];
    let mut nutrients: BTreeMap<String, f64> = BTreeMap::new();
    for food in foods {
        for (key, value) in &food.nutrients {
            if MACRO_KEYS.contains(&key.as_str()) {
                continue;
            }
            match COLUMN_KEYS.iter().find(|(k, _)| k == key) {
                Some((_, i)) => *columns[*i].get_or_insert(0.0) += value,
                None => *nutrients.entry(key.clone()).or_insert(0.0) += value,
            }
        }
    }
    let [fiber_g, sugar_g, sodium_mg] = columns;
    MicroTotals { fiber_g, sugar_g, sodium_mg, nutrients }
}

pub fn totals(foods: &[MealFood]) -> Totals {
    foods.iter().fold(Totals::default(), |t, f| Totals {
        calories: t.calories + f.calories,
        protein_g: t.protein_g + f.protein_g,
        carbs_g: t.carbs_g + f.carbs_g,
        fat_g: t.fat_g + f.fat_g,
    })
}

/// Inserts a meal for the profile; runs inside the caller's transaction.
pub async fn insert_meal(conn: &mut SqliteConnection, profile: &Profile, meal: &NewMeal) -> Result<String> {
    if meal.foods.is_empty() {
        return Err(Error::invalid("a meal needs at least one food"));
    }
    for food in &meal.foods {
        food.validate()?;
    }
    let t = totals(&meal.foods);
    let micro = micro_totals(&meal.foods);
    let foods_json = serde_json::to_string(&meal.foods).map_err(|e| Error::invalid(e.to_string()))?;
    let nutrients_json =
        serde_json::to_string(&micro.nutrients).map_err(|e| Error::invalid(e.to_string()))?;
    let id = crate::new_id();
    sqlx::query(
        "INSERT INTO meal_logs (id, user_id, quick_entry_log_id, category, logged_at, local_date, name, foods, \
         total_calories, total_protein_g, total_carbs_g, total_fat_g, source, ai_extracted, ai_confidence, image_url, \
         total_fiber_g, total_sugar_g, total_sodium_mg, nutrients) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(&profile.id)
    .bind(&meal.quick_entry_log_id)
    .bind(meal.category)
    .bind(clock::to_db(meal.logged_at))
    .bind(clock::local_date(meal.logged_at, profile.tz()).to_string())
    .bind(&meal.name)
    .bind(foods_json)
    .bind(t.calories)
    .bind(t.protein_g)
    .bind(t.carbs_g)
    .bind(t.fat_g)
    .bind(meal.source)
    .bind(meal.ai_extracted)
    .bind(meal.ai_confidence)
    .bind(&meal.image_url)
    .bind(micro.fiber_g)
    .bind(micro.sugar_g)
    .bind(micro.sodium_mg)
    .bind(nutrients_json)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MealSummary {
    pub id: String,
    pub category: MealCategory,
    pub logged_at: String,
    pub local_date: String,
    pub name: Option<String>,
    pub foods: Vec<MealFood>,
    pub total_calories: f64,
    pub total_protein_g: f64,
    pub total_carbs_g: f64,
    pub total_fat_g: f64,
    pub total_fiber_g: Option<f64>,
    pub total_sugar_g: Option<f64>,
    pub total_sodium_mg: Option<f64>,
    /// Every other nutrient of the meal, keyed by `foods_enhanced` column.
    pub nutrients: BTreeMap<String, f64>,
    pub source: MealSource,
}

#[derive(sqlx::FromRow)]
pub(crate) struct MealRow {
    id: String,
    category: MealCategory,
    logged_at: String,
    local_date: String,
    name: Option<String>,
    foods: String,
    total_calories: f64,
    total_protein_g: f64,
    total_carbs_g: f64,
    total_fat_g: f64,
    total_fiber_g: Option<f64>,
    total_sugar_g: Option<f64>,
    total_sodium_mg: Option<f64>,
    nutrients: String,
    source: MealSource,
}

/// The columns `MealRow` reads.
pub(crate) const MEAL_COLUMNS: &str = "id, category, logged_at, local_date, name, foods, total_calories, \
     total_protein_g, total_carbs_g, total_fat_g, total_fiber_g, total_sugar_g, total_sodium_mg, nutrients, source";

impl TryFrom<MealRow> for MealSummary {
    type Error = Error;
    fn try_from(row: MealRow) -> Result<Self> {
        let foods = serde_json::from_str(&row.foods).map_err(|e| Error::Corrupt {
            what: format!("foods of meal {}", row.id),
            detail: e.to_string(),
        })?;
        let nutrients = serde_json::from_str(&row.nutrients).map_err(|e| Error::Corrupt {
            what: format!("nutrients of meal {}", row.id),
            detail: e.to_string(),
        })?;
        Ok(MealSummary {
            id: row.id,
            category: row.category,
            logged_at: row.logged_at,
            local_date: row.local_date,
            name: row.name,
            foods,
            total_calories: row.total_calories,
            total_protein_g: row.total_protein_g,
            total_carbs_g: row.total_carbs_g,
            total_fat_g: row.total_fat_g,
            total_fiber_g: row.total_fiber_g,
            total_sugar_g: row.total_sugar_g,
            total_sodium_mg: row.total_sodium_mg,
            nutrients,
            source: row.source,
        })
    }
}

/// The meals of one local day, in the order they were eaten.
pub async fn meals_on(store: &Store, user_id: &str, date: NaiveDate) -> Result<Vec<MealSummary>> {
    let sql = format!(
        "SELECT {MEAL_COLUMNS} FROM meal_logs WHERE user_id = ? AND local_date = ? ORDER BY logged_at, id"
    );
    let rows: Vec<MealRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(user_id)
        .bind(date.to_string())
        .fetch_all(store.pool())
        .await?;
    rows.into_iter().map(MealSummary::try_from).collect()
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MacroTargets {
    pub calories: Option<f64>,
    pub protein_g: Option<f64>,
    pub carbs_g: Option<f64>,
    pub fat_g: Option<f64>,
}

impl MacroTargets {
    pub fn of(profile: &Profile) -> Self {
        MacroTargets {
            calories: profile.daily_calorie_target.map(|v| v as f64),
            protein_g: profile.daily_protein_target_g.map(|v| v as f64),
            carbs_g: profile.daily_carbs_target_g.map(|v| v as f64),
            fat_g: profile.daily_fat_target_g.map(|v| v as f64),
        }
    }

    /// What is left of each target after `eaten` (negative when over).
    pub fn remaining_after(&self, eaten: &Totals) -> MacroTargets {
        MacroTargets {
            calories: self.calories.map(|t| t - eaten.calories),
            protein_g: self.protein_g.map(|t| t - eaten.protein_g),
            carbs_g: self.carbs_g.map(|t| t - eaten.carbs_g),
            fat_g: self.fat_g.map(|t| t - eaten.fat_g),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DayNutrition {
    pub calories: f64,
    pub protein_g: f64,
    pub carbs_g: f64,
    pub fat_g: f64,
    pub fiber_g: f64,
    pub targets: MacroTargets,
    pub remaining: MacroTargets,
    pub meals: Vec<MealSummary>,
}

/// The day's totals (from `daily_nutrition_summaries`) against the profile's targets.
pub async fn day(store: &Store, profile: &Profile, date: NaiveDate) -> Result<DayNutrition> {
    let summary: Option<(f64, f64, f64, f64, Option<f64>)> = sqlx::query_as(
        "SELECT total_calories, total_protein_g, total_carbs_g, total_fat_g, total_fiber_g \
         FROM daily_nutrition_summaries WHERE user_id = ? AND date = ?",
    )
    .bind(&profile.id)
    .bind(date.to_string())
    .fetch_optional(store.pool())
    .await?;
    let (calories, protein_g, carbs_g, fat_g, fiber_g) = summary.unwrap_or_default();
    let eaten = Totals { calories, protein_g, carbs_g, fat_g };
    let targets = MacroTargets::of(profile);
    Ok(DayNutrition {
        calories,
        protein_g,
        carbs_g,
        fat_g,
        fiber_g: fiber_g.unwrap_or(0.0),
        remaining: targets.remaining_after(&eaten),
        targets,
        meals: meals_on(store, &profile.id, date).await?,
    })
}

/// The day view: meals by category, totals against targets, and every
/// micronutrient against its daily value.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DayView {
    pub date: String,
    pub nutrition: DayNutrition,
    /// Breakfast, lunch, dinner, snack: each with its meals and totals.
    pub categories: Vec<CategoryMeals>,
    pub micros: Vec<targets::MicroLine>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CategoryMeals {
    pub category: MealCategory,
    pub totals: Totals,
    pub meals: Vec<MealSummary>,
}

pub async fn day_view(store: &Store, profile: &Profile, date: NaiveDate) -> Result<DayView> {
    let nutrition = day(store, profile, date).await?;
    type Micros = (Option<f64>, Option<f64>, Option<f64>, String);
    let summary: Option<Micros> = sqlx::query_as(
        "SELECT total_fiber_g, total_sugar_g, total_sodium_mg, nutrients FROM daily_nutrition_summaries \
         WHERE user_id = ? AND date = ?",
    )
    .bind(&profile.id)
    .bind(date.to_string())
    .fetch_optional(store.pool())
    .await?;
    let (fiber, sugar, sodium, json) = summary.unwrap_or((None, None, None, "{}".into()));
    let others: BTreeMap<String, f64> = serde_json::from_str(&json)
        .map_err(|e| Error::Corrupt { what: format!("nutrients of {date}"), detail: e.to_string() })?;
    let micros = targets::micro_panel(|key| match key {
        "dietary_fiber_g" => fiber,
        "total_sugars_g" => sugar,
        "sodium_mg" => sodium,
        other => others.get(other).copied(),
    });
    let categories =
        [MealCategory::Breakfast, MealCategory::Lunch, MealCategory::Dinner, MealCategory::Snack]
            .into_iter()
            .map(|category| {
                let meals: Vec<MealSummary> =
                    nutrition.meals.iter().filter(|m| m.category == category).cloned().collect();
                let totals = meals.iter().fold(Totals::default(), |t, m| Totals {
                    calories: t.calories + m.total_calories,
                    protein_g: t.protein_g + m.total_protein_g,
                    carbs_g: t.carbs_g + m.total_carbs_g,
                    fat_g: t.fat_g + m.total_fat_g,
                });
                CategoryMeals { category, totals, meals }
            })
            .collect();
    Ok(DayView { date: date.to_string(), nutrition, categories, micros })
}

/// Calories and macros per day over a range (days without meals are left
/// out), for the weekly and monthly charts.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DayTotals {
    pub date: String,
    pub calories: f64,
    pub protein_g: f64,
    pub carbs_g: f64,
    pub fat_g: f64,
    pub calorie_target: Option<i64>,
}

pub async fn history(store: &Store, user_id: &str, from: NaiveDate, to: NaiveDate) -> Result<Vec<DayTotals>> {
    Ok(sqlx::query_as(
        "SELECT date, total_calories AS calories, total_protein_g AS protein_g, total_carbs_g AS carbs_g, \
         total_fat_g AS fat_g, calorie_target FROM daily_nutrition_summaries \
         WHERE user_id = ? AND date >= ? AND date <= ? ORDER BY date",
    )
    .bind(user_id)
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(store.pool())
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn food(name: &str, kcal: f64) -> MealFood {
        MealFood {
            name: name.into(),
            quantity: 1.0,
            unit: "piece".into(),
            grams: None,
            calories: kcal,
            protein_g: 1.0,
            carbs_g: 2.0,
            fat_g: 3.0,
            food_id: None,
            nutrients: BTreeMap::new(),
        }
    }

    #[test]
    fn totals_sum_every_food() {
        let t = totals(&[food("egg", 72.0), food("toast", 80.0)]);
        assert_eq!(t, Totals { calories: 152.0, protein_g: 2.0, carbs_g: 4.0, fat_g: 6.0 });
    }

    #[test]
    fn remaining_goes_negative_when_over() {
        let targets =
            MacroTargets { calories: Some(2000.0), protein_g: Some(150.0), carbs_g: None, fat_g: None };
        let left =
            targets.remaining_after(&Totals { calories: 2100.0, protein_g: 90.0, carbs_g: 0.0, fat_g: 0.0 });
        assert_eq!(left.calories, Some(-100.0));
        assert_eq!(left.protein_g, Some(60.0));
        assert_eq!(left.carbs_g, None);
    }

    #[test]
    fn negative_or_nan_nutrients_are_rejected_by_name() {
        let mut bad = food("yogurt", -5.0);
        assert!(bad.validate().unwrap_err().to_string().contains("yogurt"));
        bad.calories = f64::NAN;
        assert!(bad.validate().is_err());
    }
}
