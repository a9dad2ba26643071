//! The history import flow in the window: a dropped path or a picked file
//! (staged under the data dir) is read for a preview first; the import runs
//! only when the user confirms, with progress, cancel and a report.

use tauri::State;
use tauri::ipc::Channel;
use wagner::body::energy_availability::{self, EnergyAvailability};
use wagner::clock;
use wagner::imports::{self, HistoryPreview, HistoryProgress, HistoryReport};

use crate::commands::{Core, RunningImport};
use crate::error::CommandResult;

/// Keeps a picked file (the picker gives contents) where the import can read
/// it by path; returns that path for the preview and the import.
#[tauri::command]
#[specta::specta]
pub async fn import_stage(core: State<'_, Core>, name: String, bytes: Vec<u8>) -> CommandResult<String> {
    let store = core.store()?;
    Ok(imports::stage(store, &name, &bytes)?.display().to_string())
}

/// What the file holds (kind, counts per kind, date range, problems); writes nothing.
#[tauri::command]
#[specta::specta]
pub async fn import_preview(core: State<'_, Core>, path: String) -> CommandResult<HistoryPreview> {
    core.store()?;
    Ok(imports::preview(std::path::Path::new(&path)).await?)
}

/// Imports the previewed file in batches, sending progress; `cancel_import` stops it
/// between batches. A staged copy is removed afterwards.
#[tauri::command]
#[specta::specta]
pub async fn import_history(
    core: State<'_, Core>,
    running: State<'_, RunningImport>,
    path: String,
    on_progress: Channel<HistoryProgress>,
) -> CommandResult<HistoryReport> {
    let (store, profile) = core.store_and_profile().await?;
    let cancel = running.start();
    let path = std::path::PathBuf::from(path);
    let report = imports::run(store, &profile, &path, &cancel, |p| {
        // A closed window just stops listening; the import goes on.
        let _ = on_progress.send(p);
    })
    .await;
    imports::unstage(store, &path);
    Ok(report?)
}

/// Drops a staged file the user decided not to import.
#[tauri::command]
#[specta::specta]
pub async fn import_discard(core: State<'_, Core>, path: String) -> CommandResult<()> {
    let store = core.store()?;
    imports::unstage(store, std::path::Path::new(&path));
    Ok(())
}

/// Energy availability for the 7 days ending on `date` (YYYY-MM-DD).
#[tauri::command]
#[specta::specta]
pub async fn energy_availability(core: State<'_, Core>, date: String) -> CommandResult<EnergyAvailability> {
    let (store, profile) = core.store_and_profile().await?;
    Ok(energy_availability::week_to(store, &profile, clock::parse_date(&date)?).await?)
}
