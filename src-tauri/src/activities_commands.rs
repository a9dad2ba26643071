//! Activities commands beyond the list and detail: weekly volume by sport
//! and a Garmin watch plugged in over USB.

use tauri::State;
use tauri::ipc::Channel;
use wagner::activities::device::{self, Device, DeviceImport};
use wagner::activities::import::ImportProgress;
use wagner::activities::volume::{self, WeekVolume};
use wagner::dashboard;

use crate::commands::Core;
use crate::error::CommandResult;

/// Distance, time and load per ISO week and sport: the last `weeks` weeks,
/// or the weeks up to the newest activity when all are older.
#[tauri::command]
#[specta::specta]
pub async fn weekly_volume(core: State<'_, Core>, weeks: u32) -> CommandResult<Vec<WeekVolume>> {
    let (store, profile) = core.store_and_profile().await?;
    Ok(volume::recent_weeks(store, &profile.id, dashboard::today_for(&profile), weeks).await?)
}

/// Garmin watches mounted now (a `GARMIN/Activity` folder on a removable
/// drive), with how many of their files are new.
#[tauri::command]
#[specta::specta]
pub async fn watch_devices(core: State<'_, Core>) -> CommandResult<Vec<Device>> {
    let (store, profile) = core.store_and_profile().await?;
    Ok(device::detect(store, &profile.id).await?)
}

/// Imports the watch's files not imported before, one progress message per file.
#[tauri::command]
#[specta::specta]
pub async fn import_watch_device(
    core: State<'_, Core>,
    mount_path: String,
    on_progress: Channel<ImportProgress>,
) -> CommandResult<DeviceImport> {
    let (store, profile) = core.store_and_profile().await?;
    let found = device::at(std::path::Path::new(&mount_path))?;
    Ok(device::import_device(store, &profile, &found, |p| {
        // A closed window just stops listening; the import goes on.
        let _ = on_progress.send(p);
    })
    .await?)
}
