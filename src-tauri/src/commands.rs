//! Typed Tauri commands: each one calls the core and converts its error.

use tauri::State;
use tauri::ipc::Channel;
use wagner::activities::ActivitySummary;
use wagner::activities::charts::{self, ActivityView, FitnessDay};
use wagner::activities::import::{self, ImportProgress};
use wagner::activities::view::{self as activity_view, ActivityFilter};
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

/// Activities matching the filter, newest first.
#[tauri::command]
#[specta::specta]
pub async fn activities(
    core: State<'_, Core>,
    filter: ActivityFilter,
) -> CommandResult<Vec<ActivitySummary>> {
    let store = core.store()?;
    let profile = profile::require_default(store).await?;
    Ok(activity_view::search(store, &profile.id, &filter).await?)
}

/// One activity with its laps/sets, chartable streams, zones and best efforts.
#[tauri::command]
#[specta::specta]
pub async fn activity(core: State<'_, Core>, id: String) -> CommandResult<ActivityView> {
    let store = core.store()?;
    let profile = profile::require_default(store).await?;
    Ok(charts::activity_view(store, &profile.id, &id).await?)
}

/// Imports files, folders and export ZIPs by path (a drop on the window),
/// sending one progress message per file as it is done.
#[tauri::command]
#[specta::specta]
pub async fn import_activity_paths(
    core: State<'_, Core>,
    paths: Vec<String>,
    on_progress: Channel<ImportProgress>,
) -> CommandResult<Vec<ImportProgress>> {
    let store = core.store()?;
    let profile = profile::require_default(store).await?;
    let paths: Vec<std::path::PathBuf> = paths.into_iter().map(Into::into).collect();
    let mut done = Vec::new();
    import::import_paths_counted(store, &profile, &paths, |p| {
        // A closed window just stops listening; the import goes on.
        let _ = on_progress.send(p.clone());
        done.push(p);
    })
    .await?;
    Ok(done)
}

/// Imports one file's contents (the file picker gives contents, not paths);
/// `index` of `total` is the picker's count, echoed in the results.
#[tauri::command]
#[specta::specta]
pub async fn import_activity_file(
    core: State<'_, Core>,
    name: String,
    bytes: Vec<u8>,
    index: u32,
    total: u32,
) -> CommandResult<Vec<ImportProgress>> {
    let store = core.store()?;
    let profile = profile::require_default(store).await?;
    let results = import::import_named_bytes(store, &profile, &name, &bytes).await?;
    Ok(results.iter().map(|r| ImportProgress::new(index as usize, total as usize, r)).collect())
}

/// Fitness (CTL), fatigue (ATL) and form (TSB) for each day of `[from, to]`.
#[tauri::command]
#[specta::specta]
pub async fn fitness(core: State<'_, Core>, from: String, to: String) -> CommandResult<Vec<FitnessDay>> {
    let store = core.store()?;
    let profile = profile::require_default(store).await?;
    let (from, to) = (clock::parse_date(&from)?, clock::parse_date(&to)?);
    Ok(charts::fitness_series(store, &profile.id, from, to).await?)
}

pub fn builder() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new().commands(tauri_specta::collect_commands![
        app_status,
        today,
        log_entry,
        recent_entries,
        load_demo,
        create_profile,
        activities,
        activity,
        import_activity_paths,
        import_activity_file,
        fitness,
    ])
}

/// The generated TypeScript the UI imports (ui/src/lib/bindings.ts).
#[cfg(test)]
pub fn typescript_exporter() -> specta_typescript::Typescript {
    specta_typescript::Typescript::default()
        .bigint(specta_typescript::BigIntExportBehavior::Number)
        .header("// @ts-nocheck: generated code keeps helpers the UI may not use.\n// Generated from the Rust types by tauri-specta: do not edit.\n// Regenerate: UPDATE_BINDINGS=1 cargo test -p wagner-desktop bindings\n")
}
