//! The review panel of an entry whose foods matched nothing: candidates with
//! kcal for the portion, one click picks one (remembered for next time).

use tauri::{AppHandle, State};
use tauri_specta::Event;
use wagner::quick_entry::review::{self, EntryReview};

use crate::commands::Core;
use crate::error::CommandResult;

#[tauri::command]
#[specta::specta]
pub async fn entry_review(core: State<'_, Core>, id: String) -> CommandResult<EntryReview> {
    let (store, profile) = core.store_and_profile().await?;
    Ok(review::review(store, &profile, &id).await?)
}

/// Picks `food_id` for food `food_index` of `meal_id`; `name` is the food the
/// panel showed (nothing is written if the meal changed since).
#[tauri::command]
#[specta::specta]
pub async fn entry_pick_food(
    app: AppHandle,
    core: State<'_, Core>,
    id: String,
    meal_id: String,
    food_index: u32,
    name: String,
    food_id: String,
) -> CommandResult<EntryReview> {
    let (store, profile) = core.store_and_profile().await?;
    let result = review::pick(store, &profile, &id, &meal_id, food_index, Some(&name), &food_id).await?;
    // The Today card and the Log refresh on this event, as after a read.
    let _ = crate::commands::EntryUpdated { id }.emit(&app);
    Ok(result)
}
