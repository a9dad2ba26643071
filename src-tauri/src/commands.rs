//! Typed Tauri commands: each one calls the core and converts its error.

use base64::Engine;
use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use tauri_specta::Event;
use wagner::activities::ActivitySummary;
use wagner::activities::charts::{self, ActivityView, FitnessDay};
use wagner::activities::import::{self, ImportProgress};
use wagner::activities::view::{self as activity_view, ActivityFilter};
use wagner::ai::{AiStatus, ProviderConfig};
use wagner::body::expenditure::{self, ExpenditureReport};
use wagner::body::overview::{self, BodyOverview};
use wagner::body::{self, Measurement};
use wagner::dashboard::{self, AppStatus, Today};
use wagner::demo::{self, DemoReport};
use wagner::profile::{self, NewProfile, Profile};
use wagner::quick_entry::pipeline::{self, Reader};
use wagner::quick_entry::{self, EntryDetails, EntryFilter, QuickEntry};
use wagner::{Store, clock};

use crate::error::{CommandError, CommandResult};

/// The core as the shell holds it: a failed start-up is kept and shown, not a crash.
pub enum Core {
    Ready(LiveStore),
    Failed(CommandError),
}

impl Core {
    pub(crate) fn store(&self) -> CommandResult<&Store> {
        match self {
            Core::Ready(live) => Ok(live.get()),
            Core::Failed(err) => Err(err.clone()),
        }
    }

    /// The store and the user's profile: what nearly every command starts with
    /// (no profile yet is the `no_profile` error).
    pub(crate) async fn store_and_profile(&self) -> CommandResult<(&Store, Profile)> {
        let store = self.store()?;
        Ok((store, profile::require_default(store).await?))
    }
}

/// The open store, which a restore from a backup swaps for the reopened one.
/// Every store opened stays allocated for the life of the process (a closed
/// pool is a few bytes; restores are rare), so commands keep borrowing a
/// plain `&Store`.
pub struct LiveStore {
    current: std::sync::RwLock<&'static Store>,
    /// Held by a restore and by the scheduled backup, so they never overlap.
    pub(crate) exclusive: tokio::sync::Mutex<()>,
    /// Wakes the backup schedule (its settings changed).
    pub(crate) schedule_changed: tokio::sync::Notify,
}

impl LiveStore {
    pub fn new(store: Store) -> Self {
        LiveStore {
            current: std::sync::RwLock::new(Box::leak(Box::new(store))),
            exclusive: tokio::sync::Mutex::new(()),
            schedule_changed: tokio::sync::Notify::new(),
        }
    }

    pub fn get(&self) -> &'static Store {
        *self.current.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn replace(&self, store: Store) {
        let store: &'static Store = Box::leak(Box::new(store));
        *self.current.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = store;
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
    let (store, profile) = core.store_and_profile().await?;
    let date = match date {
        Some(d) => clock::parse_date(&d)?,
        None => dashboard::today_for(&profile),
    };
    Ok(dashboard::day(store, &profile, date).await?)
}

/// A file picked or pasted in the window, sent as base64 (compact over IPC).
#[derive(Debug, Clone, Deserialize, specta::Type)]
pub struct Upload {
    pub name: String,
    pub data_base64: String,
}

/// Tells the window an entry changed state (read, failed, waiting).
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct EntryUpdated {
    pub id: String,
}

/// A second launch of the app focused this window instead of opening another.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct SecondLaunch {}

/// Reads an entry in the background and tells the window when done.
fn read_in_background(app: AppHandle, store: Store, profile: Profile, id: String) {
    tauri::async_runtime::spawn(async move {
        let provider = wagner::ai::configured_provider(&store, &profile.id).await.unwrap_or(None);
        let reader = provider.as_ref().map_or(Reader::Offline, Reader::Ai);
        if let Err(err) = pipeline::process(&store, &profile, &id, reader).await {
            tracing::info!("entry {id} needs attention: {err}");
        }
        let _ = EntryUpdated { id }.emit(&app);
    });
}

/// Saves the raw entry with its attachments (picked files, or dropped paths)
/// and returns it `pending`; it is read in the background and an
/// `EntryUpdated` event follows. Nothing is saved if a file is not usable.
#[tauri::command]
#[specta::specta]
pub async fn log_entry(
    app: AppHandle,
    core: State<'_, Core>,
    text: Option<String>,
    uploads: Vec<Upload>,
    paths: Vec<String>,
    day: Option<String>,
) -> CommandResult<QuickEntry> {
    let (store, profile) = core.store_and_profile().await?;
    // The entry box's day chooser: a past day keeps the clock time (None = now).
    let now = wagner::clock::now();
    let logged_at = match day.as_deref() {
        Some(day) => {
            quick_entry::when::reference_for_day(wagner::clock::parse_date(day)?, now, profile.tz())?
        }
        None => now,
    };
    let mut files = Vec::with_capacity(uploads.len() + paths.len());
    for upload in uploads {
        let bytes = base64::engine::general_purpose::STANDARD.decode(upload.data_base64.as_bytes()).map_err(
            |_| {
                CommandError::new(
                    wagner::ErrorCode::InvalidInput,
                    format!("{}: the file did not arrive whole", upload.name),
                )
            },
        )?;
        files.push((bytes, upload.name));
    }
    for path in paths {
        files.push(wagner::attachments::read_user_file(std::path::Path::new(&path))?);
    }
    let entry =
        quick_entry::log_with_attachments(store, &profile, text.as_deref(), &files, logged_at).await?;
    read_in_background(app, store.clone(), profile, entry.id.clone());
    Ok(entry)
}

/// The history view.
#[tauri::command]
#[specta::specta]
pub async fn search_entries(core: State<'_, Core>, filter: EntryFilter) -> CommandResult<Vec<QuickEntry>> {
    let (store, profile) = core.store_and_profile().await?;
    Ok(quick_entry::search(store, &profile, &filter).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn entry_details(core: State<'_, Core>, id: String) -> CommandResult<EntryDetails> {
    let (store, profile) = core.store_and_profile().await?;
    Ok(quick_entry::details(store, &profile.id, &id).await?)
}

/// Reads a pending or failed entry again, in the background.
#[tauri::command]
#[specta::specta]
pub async fn retry_entry(app: AppHandle, core: State<'_, Core>, id: String) -> CommandResult<QuickEntry> {
    let (store, profile) = core.store_and_profile().await?;
    let entry = quick_entry::get(store, &profile.id, &id).await?;
    read_in_background(app, store.clone(), profile, id);
    Ok(entry)
}

/// Corrects an entry's text; the rows it created are replaced.
#[tauri::command]
#[specta::specta]
pub async fn edit_entry(core: State<'_, Core>, id: String, text: String) -> CommandResult<EntryDetails> {
    let (store, profile) = core.store_and_profile().await?;
    let provider = wagner::ai::configured_provider(store, &profile.id).await?;
    let reader = provider.as_ref().map_or(Reader::Offline, Reader::Ai);
    if let Err(err) = pipeline::edit(store, &profile, &id, &text, reader).await {
        // When only the reading failed, the edit stands and the entry says why.
        let entry = quick_entry::get(store, &profile.id, &id).await?;
        if entry.raw_text.as_deref() != Some(text.trim()) {
            return Err(err.into());
        }
    }
    Ok(quick_entry::details(store, &profile.id, &id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn ai_status(core: State<'_, Core>) -> CommandResult<AiStatus> {
    let (store, profile) = core.store_and_profile().await?;
    Ok(wagner::ai::status(store, &profile.id).await?)
}

/// Saves the provider choice (never a key), or `null` to read entries offline.
#[tauri::command]
#[specta::specta]
pub async fn save_ai_settings(
    core: State<'_, Core>,
    config: Option<ProviderConfig>,
) -> CommandResult<AiStatus> {
    let (store, profile) = core.store_and_profile().await?;
    wagner::ai::save_config(store, &profile.id, config.as_ref()).await?;
    Ok(wagner::ai::status(store, &profile.id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn recent_entries(core: State<'_, Core>, limit: u32) -> CommandResult<Vec<QuickEntry>> {
    let (store, profile) = core.store_and_profile().await?;
    Ok(quick_entry::list(store, &profile.id, None, limit.min(500)).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn load_demo(core: State<'_, Core>) -> CommandResult<DemoReport> {
    Ok(demo::load(core.store()?, wagner::clock::now(), None).await?)
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
    let (store, profile) = core.store_and_profile().await?;
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
    let (store, profile) = core.store_and_profile().await?;
    Ok(body::add_from_text(store, &profile, &values, at.as_deref()).await?)
}

/// Imports weigh-ins from a body CSV's text (Withings, Garmin Connect, date,weight):
/// one transaction, readings already there skipped.
#[tauri::command]
#[specta::specta]
pub async fn body_import_csv(
    core: State<'_, Core>,
    contents: String,
) -> CommandResult<body::csv_import::BodyCsvReport> {
    let (store, profile) = core.store_and_profile().await?;
    Ok(body::csv_import::import_csv(store, &profile, contents.as_bytes()).await?)
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
    let (store, profile) = core.store_and_profile().await?;
    Ok(body::edit_from_text(store, &profile, &id, &values, at.as_deref()).await?)
}

/// Deletes a measurement and returns it; `body_undo` puts it back.
#[tauri::command]
#[specta::specta]
pub async fn body_delete(core: State<'_, Core>, id: String) -> CommandResult<Measurement> {
    let (store, profile) = core.store_and_profile().await?;
    Ok(body::delete_with_undo(store, &profile.id, &id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn body_undo(core: State<'_, Core>) -> CommandResult<Measurement> {
    let (store, profile) = core.store_and_profile().await?;
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
    let (store, profile) = core.store_and_profile().await?;
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
    let (store, profile) = core.store_and_profile().await?;
    let window = window_days.unwrap_or(expenditure::DEFAULT_WINDOW_DAYS);
    let e = expenditure::current(store, &profile, window).await?;
    Ok(expenditure::apply_target(store, &profile, &e, goal_rate_kg).await?)
}

/// Attaches (or replaces) a measurement's progress photo, picked in the window.
#[tauri::command]
#[specta::specta]
pub async fn body_attach_photo(
    core: State<'_, Core>,
    id: String,
    upload: Upload,
) -> CommandResult<Measurement> {
    let (store, profile) = core.store_and_profile().await?;
    let bytes =
        base64::engine::general_purpose::STANDARD.decode(upload.data_base64.as_bytes()).map_err(|_| {
            CommandError::new(
                wagner::ErrorCode::InvalidInput,
                format!("{}: the file did not arrive whole", upload.name),
            )
        })?;
    Ok(body::photo::attach(store, &profile, &id, &bytes, &upload.name).await?)
}

/// A measurement's photo as a `data:` URL: its thumbnail, or the full image.
#[tauri::command]
#[specta::specta]
pub async fn body_photo(core: State<'_, Core>, id: String, thumbnail: bool) -> CommandResult<String> {
    let (store, profile) = core.store_and_profile().await?;
    Ok(body::photo::data_url(store, &profile.id, &id, thumbnail).await?)
}

/// Activities matching the filter, newest first.
#[tauri::command]
#[specta::specta]
pub async fn activities(
    core: State<'_, Core>,
    filter: ActivityFilter,
) -> CommandResult<Vec<ActivitySummary>> {
    let (store, profile) = core.store_and_profile().await?;
    Ok(activity_view::search(store, &profile.id, &filter).await?)
}

/// One activity with its laps/sets, chartable streams, zones and best efforts.
#[tauri::command]
#[specta::specta]
pub async fn activity(core: State<'_, Core>, id: String) -> CommandResult<ActivityView> {
    let (store, profile) = core.store_and_profile().await?;
    Ok(charts::activity_view(store, &profile.id, &id).await?)
}

/// Imports files, folders and export ZIPs by path (a drop on the window),
/// sending one progress message per file as it is done.
#[tauri::command]
#[specta::specta]
pub async fn import_activity_paths(
    core: State<'_, Core>,
    imports: State<'_, RunningImport>,
    paths: Vec<String>,
    on_progress: Channel<ImportProgress>,
) -> CommandResult<Vec<ImportProgress>> {
    let (store, profile) = core.store_and_profile().await?;
    let paths: Vec<std::path::PathBuf> = paths.into_iter().map(Into::into).collect();
    let cancel = imports.start();
    let mut done = Vec::new();
    import::import_paths_cancellable(store, &profile, &paths, &cancel, |p| {
        // A closed window just stops listening; the import goes on.
        let _ = on_progress.send(p.clone());
        done.push(p);
    })
    .await?;
    Ok(done)
}

/// The cancel flag of the import by path that is running (one at a time).
#[derive(Default)]
pub struct RunningImport(std::sync::Mutex<std::sync::Arc<std::sync::atomic::AtomicBool>>);

impl RunningImport {
    /// A fresh flag for a new import.
    pub(crate) fn start(&self) -> std::sync::Arc<std::sync::atomic::AtomicBool> {
        let flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        if let Ok(mut current) = self.0.lock() {
            *current = flag.clone();
        }
        flag
    }
}

/// Stops the running import by path before its next file; what was imported stays.
#[tauri::command]
#[specta::specta]
pub fn cancel_import(imports: State<'_, RunningImport>) {
    if let Ok(current) = imports.0.lock() {
        current.store(true, std::sync::atomic::Ordering::SeqCst);
    }
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
    let (store, profile) = core.store_and_profile().await?;
    let results = import::import_named_bytes(store, &profile, &name, &bytes).await?;
    Ok(results.iter().map(|r| ImportProgress::new(index as usize, total as usize, r)).collect())
}

/// Fitness (CTL), fatigue (ATL) and form (TSB) for each day of `[from, to]`.
#[tauri::command]
#[specta::specta]
pub async fn fitness(core: State<'_, Core>, from: String, to: String) -> CommandResult<Vec<FitnessDay>> {
    let (store, profile) = core.store_and_profile().await?;
    let (from, to) = (clock::parse_date(&from)?, clock::parse_date(&to)?);
    Ok(charts::fitness_series(store, &profile.id, from, to).await?)
}

pub fn builder() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new()
        .events(tauri_specta::collect_events![EntryUpdated, SecondLaunch])
        .commands(tauri_specta::collect_commands![
            app_status,
            today,
            log_entry,
            search_entries,
            entry_details,
            retry_entry,
            edit_entry,
            ai_status,
            save_ai_settings,
            recent_entries,
            load_demo,
            create_profile,
            body_overview,
            body_add,
            body_import_csv,
            body_edit,
            body_delete,
            body_undo,
            body_expenditure,
            body_apply_target,
            body_attach_photo,
            body_photo,
            activities,
            activity,
            import_activity_paths,
            cancel_import,
            import_activity_file,
            crate::history_commands::import_stage,
            crate::history_commands::import_preview,
            crate::history_commands::import_history,
            crate::history_commands::import_discard,
            crate::history_commands::energy_availability,
            fitness,
            crate::nutrition_commands::nutrition_day,
            crate::nutrition_commands::food_search,
            crate::nutrition_commands::food_barcode,
            crate::nutrition_commands::food_create,
            crate::nutrition_commands::food_details,
            crate::nutrition_commands::recipe_list,
            crate::nutrition_commands::recipe_get,
            crate::nutrition_commands::recipe_create,
            crate::nutrition_commands::recipe_update,
            crate::nutrition_commands::meal_log_food,
            crate::nutrition_commands::meal_add_food,
            crate::nutrition_commands::meal_edit,
            crate::nutrition_commands::meal_copy,
            crate::nutrition_commands::meal_copy_day,
            crate::nutrition_commands::meal_delete,
            crate::nutrition_commands::meal_undo,
            crate::nutrition_commands::nutrition_history,
            crate::nutrition_commands::nutrition_targets,
            crate::nutrition_commands::goals_list,
            crate::nutrition_commands::goal_add,
            crate::nutrition_commands::goal_set_status,
            crate::nutrition_commands::goal_delete,
            crate::coach_commands::coach_ask,
            crate::coach_commands::coach_stop,
            crate::coach_commands::coach_conversations,
            crate::coach_commands::coach_messages,
            crate::desktop_commands::period,
            crate::desktop_commands::save_preferences,
            crate::desktop_commands::time_zones,
            crate::desktop_commands::remember_page,
            crate::desktop_commands::open_data_folder,
            crate::desktop_commands::database_check,
            crate::desktop_commands::window_ready,
            crate::programs_commands::program_create,
            crate::programs_commands::program_day,
            crate::programs_commands::program_calendar,
            crate::programs_commands::program_item,
            crate::programs_commands::program_mark,
            crate::programs_commands::program_pause,
            crate::programs_commands::program_resume,
            crate::programs_commands::program_export_ics,
            crate::programs_commands::program_swap_meal,
            crate::programs_commands::program_swap_exercise,
            crate::programs_commands::program_unlink,
            crate::programs_commands::program_link_meal,
            crate::programs_commands::program_move_day,
            crate::programs_commands::program_regenerate,
            crate::search_commands::search,
            crate::search_commands::similar,
            crate::search_commands::embedding_status,
            crate::ai_commands::set_ai_key,
            crate::ai_commands::ai_prices,
            crate::ai_commands::save_ai_prices,
            crate::activities_commands::weekly_volume,
            crate::activities_commands::watch_devices,
            crate::activities_commands::import_watch_device,
            crate::integrations_commands::strava_status,
            crate::integrations_commands::strava_save_app,
            crate::integrations_commands::strava_connect,
            crate::integrations_commands::strava_sync,
            crate::integrations_commands::strava_disconnect,
            crate::integrations_commands::strava_forget_app,
            crate::sync_commands::sync_status,
            crate::sync_commands::sync_save_server,
            crate::sync_commands::sync_now,
            crate::tasks::cancel_task,
            crate::search_commands::embedding_pause,
            crate::sync_commands::backup_now,
            crate::backup_commands::backup_overview,
            crate::backup_commands::backup_save_schedule,
            crate::backup_commands::backup_inspect,
            crate::backup_commands::backup_inspect_upload,
            crate::backup_commands::backup_restore,
            crate::backup_commands::export_everything,
            crate::backup_commands::export_preview,
            crate::backup_commands::export_import,
            crate::review_commands::entry_review,
            crate::review_commands::entry_pick_food,
        ])
}

/// The generated TypeScript the UI imports (ui/src/lib/bindings.ts).
#[cfg(test)]
pub fn typescript_exporter() -> specta_typescript::Typescript {
    specta_typescript::Typescript::default()
        .bigint(specta_typescript::BigIntExportBehavior::Number)
        .header("// @ts-nocheck: generated code keeps helpers the UI may not use.\n// Generated from the Rust types by tauri-specta: do not edit.\n// Regenerate: UPDATE_BINDINGS=1 cargo test -p wagner-desktop bindings\n")
}
