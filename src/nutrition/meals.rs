//! Editing the diary: change a meal's foods and quantities (totals are
//! recomputed from the foods on every edit), copy a meal or a whole day to
//! another date, delete with undo. Every function runs inside the caller's
//! transaction, so the meal rows and the summary triggers commit together;
//! the `*_tx` wrappers open that transaction for callers that have a store.

use chrono::{DateTime, NaiveDate, Timelike, Utc};
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

use super::foods::{self, FoodDetails};
use super::{MEAL_COLUMNS, MealCategory, MealFood, MealRow, MealSource, MealSummary, NewMeal, portions};
use crate::clock;
use crate::error::{Error, Result};
use crate::profile::Profile;
use crate::store::Store;

/// One line of a meal as the user edits it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FoodLine {
    /// A food of the database in any unit it supports (g, ml, oz, cup, tbsp,
    /// piece, its named portions): nutrients are computed from the food.
    Food { food_id: String, quantity: f64, unit: String },
    /// A food that is not in the database (an AI estimate, an import): kept
    /// as it is, or scaled to a new quantity of the same unit.
    Kept { food: MealFood, quantity: Option<f64> },
}

impl FoodLine {
    /// The line that reproduces `food` (recomputed when it came from the database).
    pub fn of(food: &MealFood) -> FoodLine {
        match &food.food_id {
            Some(id) => {
                FoodLine::Food { food_id: id.clone(), quantity: food.quantity, unit: food.unit.clone() }
            }
            None => FoodLine::Kept { food: food.clone(), quantity: None },
        }
    }
}

/// The food row, read on the caller's connection (inside its transaction).
pub async fn food_details(conn: &mut SqliteConnection, user_id: &str, id: &str) -> Result<FoodDetails> {
    foods::get_on(conn, user_id, id).await
}

/// Turns edited lines into meal foods with the nutrition of each quantity.
pub async fn resolve(
    conn: &mut SqliteConnection,
    user_id: &str,
    lines: &[FoodLine],
) -> Result<Vec<MealFood>> {
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        out.push(match line {
            FoodLine::Food { food_id, quantity, unit } => {
                let food = food_details(conn, user_id, food_id).await?;
                portions::eaten_of(&food, *quantity, unit)?.food
            }
            FoodLine::Kept { food, quantity: None } => food.clone(),
            FoodLine::Kept { food, quantity: Some(q) } => scale(food, *q)?,
        });
    }
    Ok(out)
}

/// A food without a database row, at a new quantity of the same unit.
fn scale(food: &MealFood, quantity: f64) -> Result<MealFood> {
    if !(quantity.is_finite() && quantity > 0.0) {
        return Err(Error::invalid(format!("{}: quantity must be a number > 0, got {quantity}", food.name)));
    }
    if food.quantity <= 0.0 {
        return Err(Error::invalid(format!("{} has no quantity to scale from", food.name)));
    }
    let f = quantity / food.quantity;
    let r = |v: f64| (v * f * 1000.0).round() / 1000.0;
    Ok(MealFood {
        name: food.name.clone(),
        quantity,
        unit: food.unit.clone(),
        grams: food.grams.map(r),
        calories: r(food.calories),
        protein_g: r(food.protein_g),
        carbs_g: r(food.carbs_g),
        fat_g: r(food.fat_g),
        food_id: None,
        nutrients: food.nutrients.iter().map(|(k, v)| (k.clone(), r(*v))).collect(),
    })
}

/// One meal of the user.
pub async fn get(conn: &mut SqliteConnection, user_id: &str, id: &str) -> Result<MealSummary> {
    let sql = format!("SELECT {MEAL_COLUMNS} FROM meal_logs WHERE user_id = ? AND id = ?");
    let row: Option<MealRow> =
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(user_id).bind(id).fetch_optional(&mut *conn).await?;
    row.ok_or_else(|| Error::not_found(format!("meal {id}")))?.try_into()
}

/// What to change in a meal; `None` keeps the current value.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MealEdit {
    pub category: Option<MealCategory>,
    /// Move the meal to this local date (same time of day).
    pub date: Option<String>,
    /// A new name; an empty string removes it.
    pub name: Option<String>,
    /// The meal's foods, replacing the current list.
    pub foods: Option<Vec<FoodLine>>,
}

/// Changes a meal; its totals (macros, fiber, sugar, sodium, every other
/// nutrient) are recomputed from its foods.
pub async fn update(
    conn: &mut SqliteConnection,
    profile: &Profile,
    id: &str,
    edit: &MealEdit,
) -> Result<MealSummary> {
    let current = get(conn, &profile.id, id).await?;
    let foods = match &edit.foods {
        Some(lines) => resolve(conn, &profile.id, lines).await?,
        None => current.foods.clone(),
    };
    if foods.is_empty() {
        return Err(Error::invalid("a meal needs at least one food: delete the meal instead"));
    }
    for food in &foods {
        food.validate()?;
    }
    let mut logged_at = clock::from_db(&current.logged_at)?;
    if let Some(date) = edit.date.as_deref() {
        logged_at = same_time_on(logged_at, clock::parse_date(date)?, profile);
    }
    let name = match edit.name.as_deref().map(str::trim) {
        Some("") => None,
        Some(n) => Some(n.to_string()),
        None => current.name.clone(),
    };
    let t = super::totals(&foods);
    let micro = super::micro_totals(&foods);
    sqlx::query(
        "UPDATE meal_logs SET category = ?, logged_at = ?, local_date = ?, name = ?, foods = ?, \
         total_calories = ?, total_protein_g = ?, total_carbs_g = ?, total_fat_g = ?, total_fiber_g = ?, \
         total_sugar_g = ?, total_sodium_mg = ?, nutrients = ? WHERE user_id = ? AND id = ?",
    )
    .bind(edit.category.unwrap_or(current.category))
    .bind(clock::to_db(logged_at))
    .bind(clock::local_date(logged_at, profile.tz()).to_string())
    .bind(name)
    .bind(to_json(&foods)?)
    .bind(t.calories)
    .bind(t.protein_g)
    .bind(t.carbs_g)
    .bind(t.fat_g)
    .bind(micro.fiber_g)
    .bind(micro.sugar_g)
    .bind(micro.sodium_mg)
    .bind(to_json(&micro.nutrients)?)
    .bind(&profile.id)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    get(conn, &profile.id, id).await
}

/// Adds a database food to a meal (recomputing its totals).
pub async fn add_food(
    conn: &mut SqliteConnection,
    profile: &Profile,
    meal_id: &str,
    food_id: &str,
    quantity: f64,
    unit: &str,
) -> Result<MealSummary> {
    let current = get(conn, &profile.id, meal_id).await?;
    let mut lines: Vec<FoodLine> = current.foods.iter().map(FoodLine::of).collect();
    lines.push(FoodLine::Food { food_id: food_id.into(), quantity, unit: unit.into() });
    update(conn, profile, meal_id, &MealEdit { foods: Some(lines), ..MealEdit::default() }).await
}

/// Logs `quantity unit` of a database food as a new meal at `at`.
pub async fn log_food(
    conn: &mut SqliteConnection,
    profile: &Profile,
    category: MealCategory,
    at: DateTime<Utc>,
    food_id: &str,
    quantity: f64,
    unit: &str,
) -> Result<MealSummary> {
    let foods = resolve(
        conn,
        &profile.id,
        &[FoodLine::Food { food_id: food_id.into(), quantity, unit: unit.into() }],
    )
    .await?;
    let meal = NewMeal {
        category,
        logged_at: at,
        name: None,
        foods,
        source: MealSource::Manual,
        quick_entry_log_id: None,
        ai_extracted: false,
        ai_confidence: None,
        image_url: None,
    };
    let id = super::insert_meal(conn, profile, &meal).await?;
    get(conn, &profile.id, &id).await
}

/// `at`'s local time of day on another local date.
fn same_time_on(at: DateTime<Utc>, date: NaiveDate, profile: &Profile) -> DateTime<Utc> {
    let local = at.with_timezone(&profile.tz());
    clock::local_to_utc(date, local.hour(), local.minute(), profile.tz())
}

fn to_json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::invalid(e.to_string()))
}

/// Copies a meal to another local date (same time of day, same foods; as a
/// manual meal of the user), optionally into another category. Returns the copy.
pub async fn copy_meal(
    conn: &mut SqliteConnection,
    profile: &Profile,
    id: &str,
    to: NaiveDate,
    category: Option<MealCategory>,
) -> Result<MealSummary> {
    let meal = get(conn, &profile.id, id).await?;
    let new = NewMeal {
        category: category.unwrap_or(meal.category),
        logged_at: same_time_on(clock::from_db(&meal.logged_at)?, to, profile),
        name: meal.name.clone(),
        foods: meal.foods.clone(),
        source: MealSource::Manual,
        quick_entry_log_id: None,
        ai_extracted: false,
        ai_confidence: None,
        image_url: None,
    };
    let id = super::insert_meal(conn, profile, &new).await?;
    get(conn, &profile.id, &id).await
}

/// Copies every meal of one local day to another. Returns the copies.
pub async fn copy_day(
    conn: &mut SqliteConnection,
    profile: &Profile,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<MealSummary>> {
    if from == to {
        return Err(Error::invalid("copying a day onto itself would log every meal twice"));
    }
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM meal_logs WHERE user_id = ? AND local_date = ? ORDER BY logged_at, id",
    )
    .bind(&profile.id)
    .bind(from.to_string())
    .fetch_all(&mut *conn)
    .await?;
    if ids.is_empty() {
        return Err(Error::invalid(format!("{from} has no meals to copy")));
    }
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        out.push(copy_meal(conn, profile, &id, to, None).await?);
    }
    Ok(out)
}

/// A deleted meal row, every column, so undo puts it back exactly (same id).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DeletedMeal {
    pub id: String,
    pub quick_entry_log_id: Option<String>,
    pub category: MealCategory,
    pub name: Option<String>,
    pub notes: Option<String>,
    pub logged_at: String,
    pub local_date: String,
    pub foods: String,
    pub total_calories: f64,
    pub total_protein_g: f64,
    pub total_carbs_g: f64,
    pub total_fat_g: f64,
    pub total_fiber_g: Option<f64>,
    pub total_sugar_g: Option<f64>,
    pub total_sodium_mg: Option<f64>,
    pub nutrients: String,
    pub source: MealSource,
    pub ai_extracted: bool,
    pub ai_confidence: Option<f64>,
    pub image_url: Option<String>,
    pub created_at: String,
    /// Set on meals imported from another tracker (see `import`).
    #[serde(default)]
    pub import_key: Option<String>,
}

const ROW_COLUMNS: &str = "id, quick_entry_log_id, category, name, notes, logged_at, local_date, foods, \
     total_calories, total_protein_g, total_carbs_g, total_fat_g, total_fiber_g, total_sugar_g, total_sodium_mg, \
     nutrients, source, ai_extracted, ai_confidence, image_url, created_at, import_key";

/// Deletes meals and returns their rows for [`restore`].
pub async fn delete(conn: &mut SqliteConnection, user_id: &str, ids: &[String]) -> Result<Vec<DeletedMeal>> {
    let mut rows = Vec::with_capacity(ids.len());
    for id in ids {
        let sql = format!("SELECT {ROW_COLUMNS} FROM meal_logs WHERE user_id = ? AND id = ?");
        let row: DeletedMeal = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(user_id)
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or_else(|| Error::not_found(format!("meal {id}")))?;
        sqlx::query("DELETE FROM meal_logs WHERE user_id = ? AND id = ?")
            .bind(user_id)
            .bind(id)
            .execute(&mut *conn)
            .await?;
        rows.push(row);
    }
    Ok(rows)
}

/// Re-inserts deleted meals exactly as they were.
pub async fn restore(conn: &mut SqliteConnection, user_id: &str, rows: &[DeletedMeal]) -> Result<()> {
    for m in rows {
        // The entry it came from may be gone since; keep the meal anyway.
        let entry = match &m.quick_entry_log_id {
            Some(q) => {
                sqlx::query_scalar::<_, String>(
                    "SELECT id FROM quick_entry_logs WHERE id = ? AND user_id = ?",
                )
                .bind(q)
                .bind(user_id)
                .fetch_optional(&mut *conn)
                .await?
            }
            None => None,
        };
        let sql = format!(
            "INSERT INTO meal_logs (user_id, {ROW_COLUMNS}) VALUES (?, {})",
            vec!["?"; ROW_COLUMNS.split(',').count()].join(", ")
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(user_id)
            .bind(&m.id)
            .bind(entry)
            .bind(m.category)
            .bind(&m.name)
            .bind(&m.notes)
            .bind(&m.logged_at)
            .bind(&m.local_date)
            .bind(&m.foods)
            .bind(m.total_calories)
            .bind(m.total_protein_g)
            .bind(m.total_carbs_g)
            .bind(m.total_fat_g)
            .bind(m.total_fiber_g)
            .bind(m.total_sugar_g)
            .bind(m.total_sodium_mg)
            .bind(&m.nutrients)
            .bind(m.source)
            .bind(m.ai_extracted)
            .bind(m.ai_confidence)
            .bind(&m.image_url)
            .bind(&m.created_at)
            .bind(&m.import_key)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The ids of a local day's meals.
pub async fn ids_on(conn: &mut SqliteConnection, user_id: &str, date: NaiveDate) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM meal_logs WHERE user_id = ? AND local_date = ? ORDER BY logged_at, id",
    )
    .bind(user_id)
    .bind(date.to_string())
    .fetch_all(&mut *conn)
    .await?)
}

/// Deletes meals in one transaction and keeps them in
/// `users.settings.nutrition_last_deleted` for [`undo_delete`].
pub async fn delete_with_undo(store: &Store, user_id: &str, ids: &[String]) -> Result<Vec<DeletedMeal>> {
    if ids.is_empty() {
        return Err(Error::invalid("no meal to delete"));
    }
    let mut tx = store.begin_write().await?;
    let rows = delete(&mut tx, user_id, ids).await?;
    sqlx::query(
        "UPDATE users SET settings = json_set(settings, '$.nutrition_last_deleted', json(?)) WHERE id = ?",
    )
    .bind(to_json(&rows)?)
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(rows)
}

/// Puts back the meals deleted last by [`delete_with_undo`].
pub async fn undo_delete(store: &Store, user_id: &str) -> Result<Vec<DeletedMeal>> {
    let mut tx = store.begin_write().await?;
    let saved: Option<Option<String>> = sqlx::query_scalar(
        "SELECT json_extract(settings, '$.nutrition_last_deleted') FROM users WHERE id = ?",
    )
    .bind(user_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(json) = saved.flatten() else {
        return Err(Error::invalid("there is no deleted meal to put back"));
    };
    let rows: Vec<DeletedMeal> = serde_json::from_str(&json).map_err(|e| Error::Corrupt {
        what: "settings.nutrition_last_deleted".into(),
        detail: e.to_string(),
    })?;
    restore(&mut tx, user_id, &rows).await?;
    sqlx::query("UPDATE users SET settings = json_remove(settings, '$.nutrition_last_deleted') WHERE id = ?")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(rows)
}

/// [`update`] in its own transaction.
pub async fn update_tx(store: &Store, profile: &Profile, id: &str, edit: &MealEdit) -> Result<MealSummary> {
    let mut tx = store.begin_write().await?;
    let meal = update(&mut tx, profile, id, edit).await?;
    tx.commit().await?;
    Ok(meal)
}

/// [`copy_meal`] in its own transaction.
pub async fn copy_meal_tx(
    store: &Store,
    profile: &Profile,
    id: &str,
    to: NaiveDate,
    category: Option<MealCategory>,
) -> Result<MealSummary> {
    let mut tx = store.begin_write().await?;
    let meal = copy_meal(&mut tx, profile, id, to, category).await?;
    tx.commit().await?;
    Ok(meal)
}

/// [`copy_day`] in its own transaction: every meal or none.
pub async fn copy_day_tx(
    store: &Store,
    profile: &Profile,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<MealSummary>> {
    let mut tx = store.begin_write().await?;
    let meals = copy_day(&mut tx, profile, from, to).await?;
    tx.commit().await?;
    Ok(meals)
}

/// [`log_food`] in its own transaction.
pub async fn log_food_tx(
    store: &Store,
    profile: &Profile,
    category: MealCategory,
    at: DateTime<Utc>,
    food_id: &str,
    quantity: f64,
    unit: &str,
) -> Result<MealSummary> {
    let mut tx = store.begin_write().await?;
    let meal = log_food(&mut tx, profile, category, at, food_id, quantity, unit).await?;
    tx.commit().await?;
    Ok(meal)
}

/// [`add_food`] in its own transaction.
pub async fn add_food_tx(
    store: &Store,
    profile: &Profile,
    meal_id: &str,
    food_id: &str,
    quantity: f64,
    unit: &str,
) -> Result<MealSummary> {
    let mut tx = store.begin_write().await?;
    let meal = add_food(&mut tx, profile, meal_id, food_id, quantity, unit).await?;
    tx.commit().await?;
    Ok(meal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_foods_scale_with_their_quantity() {
        let food = MealFood {
            name: "homemade stew".into(),
            quantity: 1.0,
            unit: "bowl".into(),
            grams: Some(300.0),
            calories: 420.0,
            protein_g: 30.0,
            carbs_g: 35.0,
            fat_g: 15.0,
            food_id: None,
            nutrients: [("iron_mg".to_string(), 3.0)].into(),
        };
        let half = scale(&food, 0.5).unwrap();
        assert_eq!((half.calories, half.grams, half.nutrients["iron_mg"]), (210.0, Some(150.0), 1.5));
        assert!(scale(&food, 0.0).is_err());
    }
}
