//! The dashboard's week and month, display preferences, the data folder, the
//! remembered page, and the start-up marker the benchmark reads.

use std::sync::OnceLock;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, State};
use tauri_plugin_opener::OpenerExt;
use wagner::clock;
use wagner::dashboard::{self, Period, PeriodKind};
use wagner::profile::{self, Preferences, Profile};

use crate::commands::Core;
use crate::error::{CommandError, CommandResult};

/// When the process started (set first thing in `main`).
pub static STARTED: OnceLock<Instant> = OnceLock::new();

/// The week or month that holds `date` (today by default), day by day with totals.
#[tauri::command]
#[specta::specta]
pub async fn period(core: State<'_, Core>, kind: PeriodKind, date: Option<String>) -> CommandResult<Period> {
    let (store, profile) = core.store_and_profile().await?;
    let date = match date {
        Some(d) => clock::parse_date(&d)?,
        None => dashboard::today_for(&profile),
    };
    Ok(dashboard::period(store, &profile, kind, date).await?)
}

/// Units, time zone, first day of the week, theme; returns the updated profile.
#[tauri::command]
#[specta::specta]
pub async fn save_preferences(core: State<'_, Core>, preferences: Preferences) -> CommandResult<Profile> {
    let (store, profile) = core.store_and_profile().await?;
    Ok(profile::update_preferences(store, &profile.id, &preferences).await?)
}

/// Every IANA time zone name, for the Settings picker.
#[tauri::command]
#[specta::specta]
pub fn time_zones() -> Vec<String> {
    profile::time_zone_names()
}

/// Remembers the page shown, so the next launch reopens it.
#[tauri::command]
#[specta::specta]
pub async fn remember_page(core: State<'_, Core>, page: String) -> CommandResult<()> {
    let (store, profile) = core.store_and_profile().await?;
    Ok(profile::set_last_page(store, &profile.id, &page).await?)
}

/// Settings → Data → "Check the database": what `wagner db check` reports.
#[tauri::command]
#[specta::specta]
pub async fn database_check(core: State<'_, Core>) -> CommandResult<wagner::store::Health> {
    Ok(wagner::store::health(core.store()?).await?)
}

/// Where the data lives, opened in the system's file manager; returns the folder.
#[tauri::command]
#[specta::specta]
pub async fn open_data_folder(app: AppHandle, core: State<'_, Core>) -> CommandResult<String> {
    let store = core.store()?;
    let folder = store
        .path()
        .parent()
        .map(std::path::Path::to_path_buf)
        .ok_or_else(|| CommandError::new(wagner::ErrorCode::Io, "the database has no folder"))?;
    let shown = folder.display().to_string();
    app.opener().open_path(&shown, None::<&str>).map_err(|e| {
        CommandError::new(wagner::ErrorCode::Io, format!("could not open {shown} in the file manager: {e}"))
    })?;
    Ok(shown)
}

/// How long the window took to become usable, as the window reports it.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct ReadyReport {
    pub page: String,
    pub since_start_ms: f64,
}

/// The window calls this once its first page shows real data. Logged, and
/// written to `WAGNER_READY_FILE` (the start-up benchmark) when that is set.
#[tauri::command]
#[specta::specta]
pub fn window_ready(page: String) -> ReadyReport {
    let since_start_ms = STARTED.get().map_or(0.0, |t| t.elapsed().as_secs_f64() * 1000.0);
    tracing::info!("window ready on {page} after {since_start_ms:.0} ms");
    if let Some(path) = std::env::var_os("WAGNER_READY_FILE").filter(|p| !p.is_empty()) {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let line = format!("{now} {since_start_ms:.1} {page} {}\n", std::process::id());
        if let Err(err) = std::fs::write(&path, line) {
            tracing::warn!("could not write the ready marker: {err}");
        }
    }
    ReadyReport { page, since_start_ms }
}
