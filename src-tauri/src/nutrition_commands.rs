//! Typed Tauri commands of the nutrition pages: the day, food search and
//! barcodes, meal editing with undo, history for the charts, targets, goals.

use tauri::State;
use wagner::nutrition::foods::{self, CustomFood, FoodDetails, FoodHit};
use wagner::nutrition::goals::{self, GoalProgress, NewGoal};
use wagner::nutrition::meals::{self, DeletedMeal, MealEdit};
use wagner::nutrition::off;
use wagner::nutrition::recipes::{self, NewRecipe, Recipe, RecipeSummary};
use wagner::nutrition::targets::{self, ActivityLevel, TargetProposal};
use wagner::nutrition::{self, DayTotals, DayView, MealCategory, MealSummary};
use wagner::{Error, clock};

use crate::commands::Core;
use crate::error::CommandResult;

#[tauri::command]
#[specta::specta]
pub async fn nutrition_day(core: State<'_, Core>, date: Option<String>) -> CommandResult<DayView> {
    let (store, profile) = core.store_and_profile().await?;
    let date = match date {
        Some(d) => clock::parse_date(&d)?,
        None => clock::local_date(wagner::clock::now(), profile.tz()),
    };
    Ok(nutrition::day_view(store, &profile, date).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn food_search(core: State<'_, Core>, query: String) -> CommandResult<Vec<FoodHit>> {
    let (store, profile) = core.store_and_profile().await?;
    Ok(foods::search(store, &profile.id, &query, 20).await?)
}

/// The food with this barcode; with `online`, one not in the database is
/// looked up in Open Food Facts and kept. Unknown is the `unknown_barcode` error.
#[tauri::command]
#[specta::specta]
pub async fn food_barcode(core: State<'_, Core>, code: String, online: bool) -> CommandResult<FoodHit> {
    let (store, profile) = core.store_and_profile().await?;
    if online {
        let base = off::base_url(store, &profile.id).await?;
        return Ok(off::lookup(store, &profile.id, &code, &base).await?);
    }
    Ok(foods::by_barcode(store, &profile.id, &code).await?)
}

/// Creates a custom food from its label values (the form an unknown barcode opens).
#[tauri::command]
#[specta::specta]
pub async fn food_create(core: State<'_, Core>, food: CustomFood) -> CommandResult<FoodDetails> {
    let (store, profile) = core.store_and_profile().await?;
    Ok(foods::create_custom(store, &profile.id, &food).await?)
}

/// The user's recipes, by name.
#[tauri::command]
#[specta::specta]
pub async fn recipe_list(core: State<'_, Core>) -> CommandResult<Vec<RecipeSummary>> {
    let (store, profile) = core.store_and_profile().await?;
    Ok(recipes::list(store, &profile.id).await?)
}

/// A recipe with its ingredients and per-serving nutrients.
#[tauri::command]
#[specta::specta]
pub async fn recipe_get(core: State<'_, Core>, id: String) -> CommandResult<Recipe> {
    let (store, profile) = core.store_and_profile().await?;
    Ok(recipes::get(store, &profile.id, &id).await?)
}

/// Creates a recipe from foods; it is logged like a food, by the "serving".
#[tauri::command]
#[specta::specta]
pub async fn recipe_create(core: State<'_, Core>, recipe: NewRecipe) -> CommandResult<Recipe> {
    let (store, profile) = core.store_and_profile().await?;
    Ok(recipes::create(store, &profile.id, &recipe).await?)
}

/// Replaces a recipe's name, servings and ingredients; its nutrients are recomputed.
#[tauri::command]
#[specta::specta]
pub async fn recipe_update(core: State<'_, Core>, id: String, recipe: NewRecipe) -> CommandResult<Recipe> {
    let (store, profile) = core.store_and_profile().await?;
    Ok(recipes::update(store, &profile.id, &id, &recipe).await?)
}

/// A food with its portions, for the portion picker.
#[tauri::command]
#[specta::specta]
pub async fn food_details(core: State<'_, Core>, id: String) -> CommandResult<FoodDetails> {
    let (store, profile) = core.store_and_profile().await?;
    Ok(foods::get(store, &profile.id, &id).await?)
}

/// Logs a food as a new meal of `category` on `date` (now, or noon of another day).
#[tauri::command]
#[specta::specta]
pub async fn meal_log_food(
    core: State<'_, Core>,
    date: Option<String>,
    category: MealCategory,
    food_id: String,
    quantity: f64,
    unit: String,
) -> CommandResult<MealSummary> {
    let (store, profile) = core.store_and_profile().await?;
    let today = clock::local_date(wagner::clock::now(), profile.tz());
    let at = match date.as_deref().map(clock::parse_date).transpose()? {
        Some(d) if d != today => clock::local_to_utc(d, 12, 0, profile.tz()),
        _ => wagner::clock::now(),
    };
    Ok(meals::log_food_tx(store, &profile, category, at, &food_id, quantity, &unit).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn meal_add_food(
    core: State<'_, Core>,
    meal_id: String,
    food_id: String,
    quantity: f64,
    unit: String,
) -> CommandResult<MealSummary> {
    let (store, profile) = core.store_and_profile().await?;
    Ok(meals::add_food_tx(store, &profile, &meal_id, &food_id, quantity, &unit).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn meal_edit(core: State<'_, Core>, id: String, edit: MealEdit) -> CommandResult<MealSummary> {
    let (store, profile) = core.store_and_profile().await?;
    Ok(meals::update_tx(store, &profile, &id, &edit).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn meal_copy(
    core: State<'_, Core>,
    id: String,
    to: String,
    category: Option<MealCategory>,
) -> CommandResult<MealSummary> {
    let (store, profile) = core.store_and_profile().await?;
    Ok(meals::copy_meal_tx(store, &profile, &id, clock::parse_date(&to)?, category).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn meal_copy_day(
    core: State<'_, Core>,
    from: String,
    to: String,
) -> CommandResult<Vec<MealSummary>> {
    let (store, profile) = core.store_and_profile().await?;
    Ok(meals::copy_day_tx(store, &profile, clock::parse_date(&from)?, clock::parse_date(&to)?).await?)
}

/// Deletes meals; `meal_undo` puts them back.
#[tauri::command]
#[specta::specta]
pub async fn meal_delete(core: State<'_, Core>, ids: Vec<String>) -> CommandResult<Vec<DeletedMeal>> {
    let (store, profile) = core.store_and_profile().await?;
    Ok(meals::delete_with_undo(store, &profile.id, &ids).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn meal_undo(core: State<'_, Core>) -> CommandResult<Vec<DeletedMeal>> {
    let (store, profile) = core.store_and_profile().await?;
    Ok(meals::undo_delete(store, &profile.id).await?)
}

/// Daily totals from `from` to `to` (inclusive) for the weekly and monthly charts.
#[tauri::command]
#[specta::specta]
pub async fn nutrition_history(
    core: State<'_, Core>,
    from: String,
    to: String,
) -> CommandResult<Vec<DayTotals>> {
    let (store, profile) = core.store_and_profile().await?;
    let (from, to) = (clock::parse_date(&from)?, clock::parse_date(&to)?);
    if to < from || (to - from).num_days() > 400 {
        return Err(Error::invalid("choose a range of at most 400 days").into());
    }
    Ok(nutrition::history(store, &profile.id, from, to).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn nutrition_targets(
    core: State<'_, Core>,
    activity: Option<ActivityLevel>,
    goal_rate_kg_per_week: f64,
    apply: bool,
) -> CommandResult<TargetProposal> {
    let (store, profile) = core.store_and_profile().await?;
    let proposal = targets::propose(store, &profile, activity, goal_rate_kg_per_week).await?;
    if apply {
        let plan = proposal.plan.ok_or_else(|| Error::invalid(proposal.notes.join("; ")))?;
        targets::apply(store, &profile, &plan).await?;
    }
    Ok(proposal)
}

#[tauri::command]
#[specta::specta]
pub async fn goals_list(core: State<'_, Core>) -> CommandResult<Vec<GoalProgress>> {
    let (store, profile) = core.store_and_profile().await?;
    Ok(goals::list(store, &profile).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn goal_add(core: State<'_, Core>, goal: NewGoal) -> CommandResult<GoalProgress> {
    let (store, profile) = core.store_and_profile().await?;
    Ok(goals::add(store, &profile, &goal).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn goal_set_status(
    core: State<'_, Core>,
    id: String,
    status: String,
) -> CommandResult<GoalProgress> {
    let (store, profile) = core.store_and_profile().await?;
    Ok(goals::set_status(store, &profile, &id, &status).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn goal_delete(core: State<'_, Core>, id: String) -> CommandResult<()> {
    let (store, profile) = core.store_and_profile().await?;
    Ok(goals::delete(store, &profile.id, &id).await?)
}
