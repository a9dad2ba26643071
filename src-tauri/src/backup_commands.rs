//! Settings → Backups: the backups folder, checking a backup, restoring it
//! over the open database (and undoing that), and the daily automatic
//! backup. The core does the work; the shell only swaps the store it holds.

use std::path::Path;
use std::time::Duration;

use base64::Engine;
use tauri::{AppHandle, Manager, State};
use wagner::backup::export::{self, ExportPreview, ExportReport, ImportReport};
use wagner::backup::live::{self, BackupInfo, LiveRestoreReport};
use wagner::backup::schedule::{self, BackupOverview, ScheduleSettings};
use wagner::embeddings::EmbedQueue;
use wagner::profile;

use crate::commands::{Core, LiveStore, Upload};
use crate::dialogs::{self, Ask};
use crate::error::{CommandError, CommandResult};

/// The first check waits for the window and start-up work to settle.
const FIRST_CHECK: Duration = Duration::from_secs(15);
/// Then: often enough that a laptop waking after a day catches up soon.
const CHECK_EVERY: Duration = Duration::from_secs(15 * 60);

fn live(core: &Core) -> CommandResult<&LiveStore> {
    match core {
        Core::Ready(live) => Ok(live),
        Core::Failed(err) => Err(err.clone()),
    }
}

/// The backups folder's files (newest first), the schedule, the last automatic backup and the next.
#[tauri::command]
#[specta::specta]
pub async fn backup_overview(core: State<'_, Core>) -> CommandResult<BackupOverview> {
    Ok(schedule::overview(core.store()?, wagner::clock::now()).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn backup_save_schedule(
    core: State<'_, Core>,
    settings: ScheduleSettings,
) -> CommandResult<BackupOverview> {
    let store = core.store()?;
    let me = profile::require_default(store).await?;
    schedule::save(store, &me.id, &settings).await?;
    live(&core)?.schedule_changed.notify_one();
    backup_overview(core).await
}

/// Checks a backup in the folder (or any path) and says what it holds; changes nothing.
#[tauri::command]
#[specta::specta]
pub async fn backup_inspect(path: String) -> CommandResult<BackupInfo> {
    Ok(live::inspect(Path::new(&path)).await?)
}

/// Keeps a file picked in the window beside the backups, then checks it as
/// `backup_inspect` does; restore it by the `file` it returns.
#[tauri::command]
#[specta::specta]
pub async fn backup_inspect_upload(core: State<'_, Core>, upload: Upload) -> CommandResult<BackupInfo> {
    let bytes =
        base64::engine::general_purpose::STANDARD.decode(upload.data_base64.as_bytes()).map_err(|_| {
            CommandError::new(
                wagner::ErrorCode::InvalidInput,
                format!("{}: the file did not arrive whole", upload.name),
            )
        })?;
    let staged = live::stage_picked(core.store()?, &upload.name, &bytes)?;
    Ok(live::inspect(&staged).await?)
}

/// Restores the backup at `path` over the open database. With `undoable`,
/// a safety backup of the current database is made first (`undo_file`);
/// undoing restores that file with `undoable` false.
#[tauri::command]
#[specta::specta]
pub async fn backup_restore(
    app: AppHandle,
    core: State<'_, Core>,
    path: String,
    undoable: bool,
) -> CommandResult<LiveRestoreReport> {
    let live = live(&core)?;
    let _only_one = live.exclusive.lock().await;
    let (reopened, outcome) = live::restore_live(live.get(), Path::new(&path), undoable).await;
    if let Some(store) = reopened {
        if let Some(queue) = app.try_state::<EmbedQueue>() {
            queue.use_store(store.clone());
        }
        live.replace(store);
    }
    Ok(outcome?)
}

/// Asks where to write the export (a new folder named for today) and writes
/// it there: JSON and CSV of every table, activity files, attachments.
/// None: the dialog was cancelled.
#[tauri::command]
#[specta::specta]
pub async fn export_everything(app: AppHandle, core: State<'_, Core>) -> CommandResult<Option<ExportReport>> {
    let (store, profile) = core.store_and_profile().await?;
    let name = export::folder_name(wagner::dashboard::today_for(&profile));
    let ask = Ask::Save { title: "Export everything to a new folder", file_name: &name, filter: None };
    let Some(dir) = dialogs::ask(&app, ask).await else { return Ok(None) };
    Ok(Some(export::export(store, &dir).await?))
}

/// Asks for an export folder and says what importing it would add; writes
/// nothing. None: the dialog was cancelled.
#[tauri::command]
#[specta::specta]
pub async fn export_preview(app: AppHandle, core: State<'_, Core>) -> CommandResult<Option<ExportPreview>> {
    let store = core.store()?;
    let ask = Ask::Folder { title: "Choose a Wagner Coach export folder" };
    let Some(dir) = dialogs::ask(&app, ask).await else { return Ok(None) };
    Ok(Some(export::preview(store, &dir).await?))
}

/// Loads the previewed export folder into this database, which has no profile yet.
#[tauri::command]
#[specta::specta]
pub async fn export_import(core: State<'_, Core>, dir: String) -> CommandResult<ImportReport> {
    Ok(export::import_export(core.store()?, Path::new(&dir)).await?)
}

/// The daily automatic backup: checks at start-up, then every 15 minutes or
/// when its settings change, and backs up when one is due. On its own task,
/// so logging never waits (the copy is SQLite's online `VACUUM INTO`).
pub async fn run_schedule(app: AppHandle) {
    tokio::time::sleep(FIRST_CHECK).await;
    loop {
        let core = app.state::<Core>();
        let Ok(live) = live(&core) else { return };
        {
            let _only_one = live.exclusive.lock().await;
            match schedule::run_if_due(live.get(), wagner::clock::now()).await {
                Ok(Some(report)) => tracing::info!("automatic backup: {}", report.file),
                Ok(None) => {}
                Err(err) => tracing::warn!("the automatic backup failed: {err}"),
            }
        }
        let _ = tokio::time::timeout(CHECK_EVERY, live.schedule_changed.notified()).await;
    }
}
