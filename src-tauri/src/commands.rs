//! Typed Tauri commands: each one calls the core and converts its error.

use tauri::State;
use wagner::body::expenditure::{self, ExpenditureReport};
use wagner::body::overview::{self, BodyOverview};
use wagner::body::{self, Measurement};
use wagner::dashboard::{self, AppStatus, Today};
use wagner::demo::{self, DemoReport};
use wagner::profile::{self, NewProfile, Profile};
use wagner::quick_entry::pipeline::{self, Reader};
use wagner::quick_entry::{self, QuickEntry};
use wagner::{Store, clock};

use crate::error::{CommandError, CommandResult};

/// The core as the shell holds it: a failed start-up is kept and shown, not a crash.
pub enum Core {
    Ready(Store),
    Failed(CommandError),
}

impl Core {
    fn store(&self) -> CommandResult<&Store> {
        match self {
            Core::Ready(store) => Ok(store),
            Core::Failed(err) => Err(err.clone()),
        }
    }
}

#[tauri::command]
#[specta::specta]
pub async fn app_status(core: State<'_, Core>) -> CommandResult<AppStatus> {
    Ok(dashboard::app_status(core.store()?).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn today(core: State<'_, Core>, date: Option<String>) -> CommandResult<Today> {
    let store = core.store()?;
    let profile = profile::require_default(store).await?;
    let date = match date {
        Some(d) => clock::parse_date(&d)?,
        None => dashboard::today_for(&profile),
    };
    Ok(dashboard::day(store, &profile, date).await?)
}

/// Saves the raw entry, then reads it. The entry comes back `completed`, or
/// `failed` with its reason (kept, to edit and retry) — never lost.
#[tauri::command]
#[specta::specta]
pub async fn log_entry(core: State<'_, Core>, text: String) -> CommandResult<QuickEntry> {
    let store = core.store()?;
    let profile = profile::require_default(store).await?;
    let entry = quick_entry::log_text(store, &profile, &text).await?;
    let provider = wagner::ai::configured_provider(store, &profile.id).await?;
    let reader = provider.as_ref().map_or(Reader::Offline, Reader::Ai);
    match pipeline::process(store, &profile, &entry.id, reader).await {
        Ok(done) => Ok(done.entry),
        Err(err) if err.is_user_error() => Ok(quick_entry::get(store, &profile.id, &entry.id).await?),
        Err(err) => Err(err.into()),
    }
}

#[tauri::command]
#[specta::specta]
pub async fn recent_entries(core: State<'_, Core>, limit: u32) -> CommandResult<Vec<QuickEntry>> {
    let store = core.store()?;
    let profile = profile::require_default(store).await?;
    Ok(quick_entry::list(store, &profile.id, None, limit.min(500)).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn load_demo(core: State<'_, Core>) -> CommandResult<DemoReport> {
    Ok(demo::load(core.store()?, chrono::Utc::now(), None).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn create_profile(core: State<'_, Core>, full_name: String) -> CommandResult<Profile> {
    let store = core.store()?;
    let (profile, _) =
        profile::ensure_default(store, NewProfile { full_name, ..NewProfile::default() }).await?;
    Ok(profile)
}

/// The Body page: latest values, trend series, goal and the latest
/// `history_limit` measurements (14 by default).
#[tauri::command]
#[specta::specta]
pub async fn body_overview(core: State<'_, Core>, history_limit: Option<u32>) -> CommandResult<BodyOverview> {
    let store = core.store()?;
    let profile = profile::require_default(store).await?;
    let limit = history_limit.unwrap_or(overview::HISTORY_LEN).clamp(1, 1000);
    Ok(overview::overview_with_history(store, &profile, limit).await?)
}

/// Records `key=value`s (`weight=82.4 waist=84cm`, one or several per string;
/// a bare number is in the user's units) at `at` (default: now).
#[tauri::command]
#[specta::specta]
pub async fn body_add(
    core: State<'_, Core>,
    values: Vec<String>,
    at: Option<String>,
) -> CommandResult<Measurement> {
    let store = core.store()?;
    let profile = profile::require_default(store).await?;
    Ok(body::add_from_text(store, &profile, &values, at.as_deref()).await?)
}

/// Changes a measurement: `key=value`s (an empty value removes that measure) and/or a new time.
#[tauri::command]
#[specta::specta]
pub async fn body_edit(
    core: State<'_, Core>,
    id: String,
    values: Vec<String>,
    at: Option<String>,
) -> CommandResult<Measurement> {
    let store = core.store()?;
    let profile = profile::require_default(store).await?;
    Ok(body::edit_from_text(store, &profile, &id, &values, at.as_deref()).await?)
}

/// Deletes a measurement and returns it; `body_undo` puts it back.
#[tauri::command]
#[specta::specta]
pub async fn body_delete(core: State<'_, Core>, id: String) -> CommandResult<Measurement> {
    let store = core.store()?;
    let profile = profile::require_default(store).await?;
    Ok(body::delete_with_undo(store, &profile.id, &id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn body_undo(core: State<'_, Core>) -> CommandResult<Measurement> {
    let store = core.store()?;
    let profile = profile::require_default(store).await?;
    Ok(body::undo_delete(store, &profile.id).await?)
}

/// The adaptive expenditure over `window_days` (28 by default) ending yesterday,
/// with the calorie targets it supports.
#[tauri::command]
#[specta::specta]
pub async fn body_expenditure(
    core: State<'_, Core>,
    window_days: Option<u32>,
) -> CommandResult<ExpenditureReport> {
    let store = core.store()?;
    let profile = profile::require_default(store).await?;
    let window = window_days.unwrap_or(expenditure::DEFAULT_WINDOW_DAYS);
    Ok(expenditure::report(store, &profile, window).await?)
}

/// Sets the daily calorie target to the estimate plus `goal_rate_kg` a week;
/// returns the new target.
#[tauri::command]
#[specta::specta]
pub async fn body_apply_target(
    core: State<'_, Core>,
    goal_rate_kg: f64,
    window_days: Option<u32>,
) -> CommandResult<i64> {
    let store = core.store()?;
    let profile = profile::require_default(store).await?;
    let window = window_days.unwrap_or(expenditure::DEFAULT_WINDOW_DAYS);
    let e = expenditure::current(store, &profile, window).await?;
    Ok(expenditure::apply_target(store, &profile, &e, goal_rate_kg).await?)
}

pub fn builder() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new().commands(tauri_specta::collect_commands![
        app_status,
        today,
        log_entry,
        recent_entries,
        load_demo,
        create_profile,
        body_overview,
        body_add,
        body_edit,
        body_delete,
        body_undo,
        body_expenditure,
        body_apply_target,
    ])
}

/// The generated TypeScript the UI imports (ui/src/lib/bindings.ts).
#[cfg(test)]
pub fn typescript_exporter() -> specta_typescript::Typescript {
    specta_typescript::Typescript::default()
        .bigint(specta_typescript::BigIntExportBehavior::Number)
        .header("// @ts-nocheck: generated code keeps helpers the UI may not use.\n// Generated from the Rust types by tauri-specta: do not edit.\n// Regenerate: UPDATE_BINDINGS=1 cargo test -p wagner-desktop bindings\n")
}
