//! Settings → Sync and backup: Postgres sync in the background with progress,
//! its status, and backups.

use std::sync::Arc;

use serde::Serialize;
use tauri::State;
use tauri::ipc::Channel;
use wagner::backup::{self, BackupReport};
use wagner::sync::{self, SyncOptions, SyncProgress, SyncReport, SyncStatus};

use crate::commands::Core;
use crate::error::CommandResult;
use crate::tasks::{TaskKind, Tasks};

/// Manual backups kept by "Back up now" (automatic ones follow their own setting).
const KEEP_BACKUPS: usize = 10;

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct SyncSettings {
    pub status: SyncStatus,
    /// The URL the next sync uses: WAGNER_POSTGRES_URL wins over the saved one.
    pub url_from_env: bool,
}

#[tauri::command]
#[specta::specta]
pub async fn sync_status(core: State<'_, Core>) -> CommandResult<SyncSettings> {
    let store = core.store()?;
    Ok(SyncSettings {
        status: sync::status(store).await?,
        url_from_env: std::env::var("WAGNER_POSTGRES_URL").is_ok_and(|u| !u.trim().is_empty()),
    })
}

/// Saves (or, when empty, forgets) the server; a URL with a password is refused.
#[tauri::command]
#[specta::specta]
pub async fn sync_save_server(core: State<'_, Core>, url: String) -> CommandResult<SyncSettings> {
    sync::save_server(core.store()?, &url).await?;
    sync_status(core).await
}

/// Syncs now. The sync runs on its own task with short transactions, so
/// logging goes on meanwhile; progress arrives on `progress` after each batch.
/// `cancel_task("sync")` stops it between batches' commits.
#[tauri::command]
#[specta::specta]
pub async fn sync_now(
    core: State<'_, Core>,
    tasks: State<'_, Tasks>,
    progress: Channel<SyncProgress>,
) -> CommandResult<SyncReport> {
    let store = core.store()?.clone();
    let url = match std::env::var("WAGNER_POSTGRES_URL").ok().filter(|u| !u.trim().is_empty()) {
        Some(url) => url,
        None => sync::saved_server(&store)
            .await?
            .ok_or_else(|| wagner::Error::invalid("no server yet: enter a Postgres URL first"))?,
    };
    let opts = SyncOptions {
        progress: Some(Arc::new(move |p: &SyncProgress| {
            let _ = progress.send(p.clone());
        })),
        // A superuser / BYPASSRLS role only when asked (the CLI's --allow-superuser).
        allow_privileged: std::env::var("WAGNER_SYNC_ALLOW_SUPERUSER").is_ok_and(|v| v == "1"),
        ..SyncOptions::default()
    };
    tasks.run(TaskKind::Sync, async move { sync::sync(&store, &url, &opts).await }).await
}

/// A manual backup into the data folder's backups/ (the newest 10 manual ones are kept).
#[tauri::command]
#[specta::specta]
pub async fn backup_now(core: State<'_, Core>) -> CommandResult<BackupReport> {
    let kind = backup::live::BackupKind::Manual;
    Ok(backup::live::create_in_folder(core.store()?, kind, KEEP_BACKUPS).await?)
}
