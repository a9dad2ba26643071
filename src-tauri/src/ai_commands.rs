//! Tauri commands of the AI settings: API keys (into the OS keyring, never
//! the database) and the per-model price table.

use tauri::State;
use wagner::ai::prices::{PriceOverride, PriceRow};
use wagner::ai::{self, AiStatus, ProviderKind};

use crate::commands::Core;
use crate::error::CommandResult;

/// Saves the provider's API key in the OS keyring (or forgets it with `null`).
/// The answer says only whether a key is there, never the key.
#[tauri::command]
#[specta::specta]
pub async fn set_ai_key(
    core: State<'_, Core>,
    kind: ProviderKind,
    key: Option<String>,
) -> CommandResult<AiStatus> {
    let (store, profile) = core.store_and_profile().await?;
    let store_for_key = store.clone();
    // The keyring may block (D-Bus, Keychain prompts): off the async runtime.
    tokio::task::spawn_blocking(move || ai::keys::save(&store_for_key, kind, key.as_deref()))
        .await
        .map_err(|e| wagner::Error::Secrets(e.to_string()))??;
    Ok(ai::status(store, &profile.id).await?)
}

/// Every built-in model and every model the user priced, with the price in use.
#[tauri::command]
#[specta::specta]
pub async fn ai_prices(core: State<'_, Core>) -> CommandResult<Vec<PriceRow>> {
    let (store, profile) = core.store_and_profile().await?;
    Ok(ai::price_table(store, &profile.id).await?)
}

/// Replaces the user's prices (all of them: an empty list means "built-ins only").
#[tauri::command]
#[specta::specta]
pub async fn save_ai_prices(
    core: State<'_, Core>,
    prices: Vec<PriceOverride>,
) -> CommandResult<Vec<PriceRow>> {
    let (store, profile) = core.store_and_profile().await?;
    let mut map = std::collections::HashMap::new();
    for p in prices {
        if map.insert(p.model.trim().to_string(), p.price).is_some() {
            return Err(
                wagner::Error::invalid(format!("{} is priced twice: keep one row", p.model.trim())).into()
            );
        }
    }
    ai::save_price_overrides(store, &profile.id, &map).await?;
    Ok(ai::price_table(store, &profile.id).await?)
}
