//! The review of an entry left `needs_review` because foods matched nothing:
//! the top candidates for each such food with their kcal for the portion
//! typed; one pick replaces the food in its meal (the meal and the day are
//! recomputed in the same transaction), is remembered for the user, and the
//! entry is `completed` once no food is left unmatched.

use serde::Serialize;

use super::ProcessingStatus;
use crate::error::{Error, Result};
use crate::nutrition::meals::{self, FoodLine, MealEdit};
use crate::nutrition::resolve::{self, Candidate};
use crate::nutrition::{MealFood, MealSummary, portions};
use crate::profile::Profile;
use crate::store::Store;

/// How many candidates the panel shows per food.
pub const CANDIDATES: usize = 5;

/// One food of the entry that matched nothing.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UnmatchedFood {
    pub meal_id: String,
    /// Its place in the meal's foods.
    pub food_index: u32,
    pub name: String,
    pub quantity: f64,
    pub unit: String,
    pub candidates: Vec<Candidate>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EntryReview {
    pub entry_id: String,
    pub status: ProcessingStatus,
    /// Why the entry waits ("1 food not found: latte"), if it does.
    pub reason: Option<String>,
    pub foods: Vec<UnmatchedFood>,
    /// The entry's meals as stored now.
    pub meals: Vec<MealSummary>,
}

/// A food that has no nutrition from anywhere: no database food, no estimate.
pub fn is_unmatched(food: &MealFood) -> bool {
    food.food_id.is_none() && food.calories <= 0.0 && food.grams.is_none_or(|g| g <= 0.0)
}

async fn entry_meals(
    conn: &mut sqlx::SqliteConnection,
    user_id: &str,
    entry_id: &str,
) -> Result<Vec<MealSummary>> {
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM meal_logs WHERE user_id = ? AND quick_entry_log_id = ? ORDER BY logged_at, id",
    )
    .bind(user_id)
    .bind(entry_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        out.push(meals::get(conn, user_id, &id).await?);
    }
    Ok(out)
}

/// The foods of the entry that matched nothing, each with its best candidates.
pub async fn review(store: &Store, profile: &Profile, entry_id: &str) -> Result<EntryReview> {
    let entry = super::get(store, &profile.id, entry_id).await?;
    let mut conn = store.pool().acquire().await?;
    let meals = entry_meals(&mut conn, &profile.id, entry_id).await?;
    drop(conn);
    let mut foods = Vec::new();
    for meal in &meals {
        for (i, food) in meal.foods.iter().enumerate() {
            if !is_unmatched(food) {
                continue;
            }
            let candidates =
                resolve::candidates(store, &profile.id, &food.name, food.quantity, &food.unit, CANDIDATES)
                    .await?;
            foods.push(UnmatchedFood {
                meal_id: meal.id.clone(),
                food_index: i as u32,
                name: food.name.clone(),
                quantity: food.quantity,
                unit: food.unit.clone(),
                candidates,
            });
        }
    }
    Ok(EntryReview {
        entry_id: entry.id,
        status: entry.processing_status,
        reason: entry.error_message.filter(|_| entry.processing_status == ProcessingStatus::NeedsReview),
        foods,
        meals,
    })
}

/// Replaces food `food_index` of `meal_id` (a meal of the entry) with the
/// database food `food_id` at the quantity typed, remembers the pick for
/// the name typed, and completes the entry when nothing is left unmatched.
/// `expected_name` is the name the panel showed: if the meal changed since
/// (another window, the CLI), nothing is written and the error says so.
pub async fn pick(
    store: &Store,
    profile: &Profile,
    entry_id: &str,
    meal_id: &str,
    food_index: u32,
    expected_name: Option<&str>,
    food_id: &str,
) -> Result<EntryReview> {
    let mut tx = store.begin_write().await?;
    let status: Option<ProcessingStatus> =
        sqlx::query_scalar("SELECT processing_status FROM quick_entry_logs WHERE id = ? AND user_id = ?")
            .bind(entry_id)
            .bind(&profile.id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some(status) = status else { return Err(Error::not_found(format!("entry {entry_id}"))) };
    if !matches!(status, ProcessingStatus::NeedsReview | ProcessingStatus::Completed) {
        return Err(Error::invalid(format!(
            "entry {entry_id} is {}: foods are picked for read entries only",
            status.as_str()
        )));
    }
    let meal = meals::get(&mut tx, &profile.id, meal_id).await?;
    let belongs: bool = sqlx::query_scalar("SELECT quick_entry_log_id IS ? FROM meal_logs WHERE id = ?")
        .bind(entry_id)
        .bind(meal_id)
        .fetch_one(&mut *tx)
        .await?;
    if !belongs {
        return Err(Error::invalid(format!("meal {meal_id} is not a meal of entry {entry_id}")));
    }
    let Some(typed) = meal.foods.get(food_index as usize).cloned() else {
        return Err(Error::invalid(format!("meal {meal_id} has no food number {}", food_index + 1)));
    };
    if let Some(expected) = expected_name.filter(|n| *n != typed.name) {
        return Err(Error::invalid(format!(
            "the meal changed since it was shown (food {} is now {:?}, not {expected:?}): reload and pick again",
            food_index + 1,
            typed.name
        )));
    }
    let details = meals::food_details(&mut tx, &profile.id, food_id).await?;
    // The quantity typed in its unit, or the food's typical portion when it has no such measure.
    let (quantity, unit) = match typed.grams.filter(|g| *g > 0.0 && typed.food_id.is_none()) {
        Some(g) => (g, "g".to_string()),
        None if portions::eaten_of(&details, typed.quantity, &typed.unit).is_ok() => {
            (typed.quantity, typed.unit.clone())
        }
        None => (typed.quantity, "serving".to_string()),
    };
    let lines: Vec<FoodLine> = meal
        .foods
        .iter()
        .enumerate()
        .map(|(i, f)| {
            if i == food_index as usize {
                FoodLine::Food { food_id: food_id.to_string(), quantity, unit: unit.clone() }
            } else {
                FoodLine::of(f)
            }
        })
        .collect();
    let mut updated =
        meals::update(&mut tx, profile, meal_id, &MealEdit { foods: Some(lines), ..MealEdit::default() })
            .await?;
    // The name stays as typed (the id says what it is), like the parser stores it.
    if let Some(f) = updated.foods.get_mut(food_index as usize) {
        f.name = typed.name.clone();
        sqlx::query("UPDATE meal_logs SET foods = ? WHERE id = ? AND user_id = ?")
            .bind(serde_json::to_string(&updated.foods).map_err(|e| Error::invalid(e.to_string()))?)
            .bind(meal_id)
            .bind(&profile.id)
            .execute(&mut *tx)
            .await?;
    }
    resolve::remember(&mut tx, &profile.id, &typed.name, food_id).await?;
    let left: Vec<String> = entry_meals(&mut tx, &profile.id, entry_id)
        .await?
        .iter()
        .flat_map(|m| m.foods.iter())
        .filter(|f| is_unmatched(f))
        .map(|f| f.name.clone())
        .collect();
    let reason = resolve::not_found_reason(&left);
    sqlx::query(
        "UPDATE quick_entry_logs SET processing_status = ?, error_message = ? \
         WHERE id = ? AND user_id = ? AND processing_status IN ('needs_review', 'completed')",
    )
    .bind(if reason.is_some() { ProcessingStatus::NeedsReview } else { ProcessingStatus::Completed })
    .bind(&reason)
    .bind(entry_id)
    .bind(&profile.id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    review(store, profile, entry_id).await
}

/// `wagner entries pick`: the `number`-th unmatched food (1-based, as listed by `describe`).
pub async fn pick_numbered(
    store: &Store,
    profile: &Profile,
    entry_id: &str,
    number: usize,
    food_id: &str,
) -> Result<EntryReview> {
    let current = review(store, profile, entry_id).await?;
    let Some(food) = number.checked_sub(1).and_then(|i| current.foods.get(i)) else {
        return Err(Error::invalid(format!(
            "entry {entry_id} has {} unmatched food(s): pick a number from 1 to {}",
            current.foods.len(),
            current.foods.len().max(1)
        )));
    };
    pick(store, profile, entry_id, &food.meal_id, food.food_index, Some(&food.name), food_id).await
}

/// The review as the CLI prints it.
pub fn describe(review: &EntryReview) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(out, "Entry {}: {}", review.entry_id, review.status.as_str());
    if let Some(reason) = &review.reason {
        let _ = writeln!(out, "  {reason}");
    }
    for meal in &review.meals {
        let _ = writeln!(out, "  {:?} {:.0} kcal", meal.category, meal.total_calories);
    }
    if review.foods.is_empty() {
        let _ = writeln!(out, "Every food has nutrition.");
    }
    for (n, food) in review.foods.iter().enumerate() {
        let _ = writeln!(
            out,
            "{}. {} ({} {}) — not found; candidates:",
            n + 1,
            food.name,
            food.quantity,
            food.unit
        );
        if food.candidates.is_empty() {
            let _ = writeln!(out, "   none: search with `wagner food search` and pick its id");
        }
        for c in &food.candidates {
            let _ = writeln!(
                out,
                "   {:.0} kcal  {} {} = {:.0} g  {}{}  [{}]",
                c.calories,
                c.quantity,
                c.unit,
                c.grams,
                c.name,
                if c.remembered { " (your pick before)" } else { "" },
                c.food_id
            );
        }
    }
    if !review.foods.is_empty() {
        let _ = writeln!(out, "Pick one: wagner entries pick {} FOOD_ID --food N", review.entry_id);
    }
    out
}
