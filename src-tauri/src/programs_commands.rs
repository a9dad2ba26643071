//! Typed Tauri commands of the 12-week programs: generation with progress,
//! the calendar, a day, an item's details, marking, pause/resume, .ics export.

use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use wagner::programs::ai::{self as program_ai, Progress};
use wagner::programs::tracking::{self, Calendar, ItemDetails};
use wagner::programs::{self, Answers, ProgramDay, Status};
use wagner::{clock, dashboard};

use crate::commands::Core;
use crate::dialogs::{self, Ask};
use crate::error::CommandResult;
use crate::tasks::{TaskKind, Tasks};

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ProgramCreated {
    pub id: String,
    /// "offline templates" or the provider and model.
    pub generated_by: String,
}

/// Generates a program from the questionnaire (with the configured AI provider
/// unless `offline`, or when none is configured) and makes it the active one.
/// `cancel_task("program_generation")` stops an AI generation; nothing is stored.
#[tauri::command]
#[specta::specta]
pub async fn program_create(
    core: State<'_, Core>,
    tasks: State<'_, Tasks>,
    answers: Answers,
    offline: bool,
    on_progress: Channel<Progress>,
) -> CommandResult<ProgramCreated> {
    let (store, profile) = core.store_and_profile().await?;
    let q = answers.validate()?;
    let start = dashboard::today_for(&profile);
    let provider = if offline { None } else { wagner::ai::configured_provider(store, &profile.id).await? };
    match provider {
        Some(p) => {
            let store = store.clone();
            let job = async move {
                let mut report = |pr: Progress| {
                    // A closed window just stops listening; generation goes on.
                    let _ = on_progress.send(pr);
                };
                let (id, g) =
                    program_ai::create_with_ai(&store, &profile, &p, &q, start, &mut report).await?;
                Ok(ProgramCreated { id, generated_by: format!("{} ({})", p.config.kind.as_str(), g.model) })
            };
            tasks.run(TaskKind::ProgramGeneration, job).await
        }
        None => {
            let id = programs::create_offline(store, &profile, &answers, start).await?;
            let _ = on_progress.send(Progress { week: 12, weeks: 12, attempt: 1 });
            Ok(ProgramCreated { id, generated_by: "offline templates".into() })
        }
    }
}

/// The active program's day for a date (default today), or none.
#[tauri::command]
#[specta::specta]
pub async fn program_day(core: State<'_, Core>, date: Option<String>) -> CommandResult<Option<ProgramDay>> {
    let (store, profile) = core.store_and_profile().await?;
    let date = match date {
        Some(d) => clock::parse_date(&d)?,
        None => dashboard::today_for(&profile),
    };
    Ok(tracking::today(store, &profile, date).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn program_calendar(core: State<'_, Core>) -> CommandResult<Option<Calendar>> {
    let (store, profile) = core.store_and_profile().await?;
    Ok(tracking::calendar(store, &profile, dashboard::today_for(&profile)).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn program_item(core: State<'_, Core>, id: String) -> CommandResult<ItemDetails> {
    let (store, profile) = core.store_and_profile().await?;
    Ok(tracking::item(store, &profile.id, &id).await?)
}

/// Marks an item, or a whole day by its id, completed / skipped / pending.
#[tauri::command]
#[specta::specta]
pub async fn program_mark(core: State<'_, Core>, id: String, status: Status) -> CommandResult<()> {
    let (store, profile) = core.store_and_profile().await?;
    tracking::mark(store, &profile.id, &id, status).await?;
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn program_pause(core: State<'_, Core>) -> CommandResult<()> {
    let (store, profile) = core.store_and_profile().await?;
    Ok(tracking::pause(store, &profile, wagner::clock::now()).await?)
}

/// Resumes; returns how many days the rest of the program moved.
#[tauri::command]
#[specta::specta]
pub async fn program_resume(core: State<'_, Core>) -> CommandResult<i64> {
    let (store, profile) = core.store_and_profile().await?;
    Ok(tracking::resume(store, &profile, wagner::clock::now()).await?)
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct IcsSaved {
    pub path: String,
    pub days: u32,
}

/// Asks where to save the program's calendar (.ics) and writes it there.
/// None: the dialog was cancelled.
#[tauri::command]
#[specta::specta]
pub async fn program_export_ics(app: AppHandle, core: State<'_, Core>) -> CommandResult<Option<IcsSaved>> {
    let (store, profile) = core.store_and_profile().await?;
    let ask = Ask::Save {
        title: "Save the program as a calendar",
        file_name: programs::ics::FILE_NAME,
        filter: Some(("Calendar (.ics)", &["ics"])),
    };
    let Some(path) = dialogs::ask(&app, ask).await else { return Ok(None) };
    let days = programs::ics::export(store, &profile, &path, wagner::clock::now()).await?;
    Ok(Some(IcsSaved { path: path.display().to_string(), days: days as u32 }))
}

/// Replaces a planned meal with another of about the same calories; returns its name.
#[tauri::command]
#[specta::specta]
pub async fn program_swap_meal(core: State<'_, Core>, id: String) -> CommandResult<String> {
    let (store, profile) = core.store_and_profile().await?;
    Ok(tracking::swap_meal(store, &profile.id, &id).await?)
}

/// Replaces exercise `index` (from 0) of a workout with another of the same pattern.
#[tauri::command]
#[specta::specta]
pub async fn program_swap_exercise(
    core: State<'_, Core>,
    id: String,
    index: u32,
) -> CommandResult<wagner::programs::PlannedExercise> {
    let (store, profile) = core.store_and_profile().await?;
    Ok(tracking::swap_exercise(store, &profile.id, &id, index as usize, None).await?)
}

/// Unlinks a workout from the logged activity that completed it.
#[tauri::command]
#[specta::specta]
pub async fn program_unlink(core: State<'_, Core>, id: String) -> CommandResult<()> {
    let (store, profile) = core.store_and_profile().await?;
    Ok(tracking::unlink_activity(store, &profile.id, &id).await?)
}

/// Completes a planned meal with a meal the user logged (on any day).
#[tauri::command]
#[specta::specta]
pub async fn program_link_meal(core: State<'_, Core>, id: String, meal_log_id: String) -> CommandResult<()> {
    let (store, profile) = core.store_and_profile().await?;
    Ok(tracking::link_meal(store, &profile.id, &id, &meal_log_id).await?)
}

/// Swaps what two days hold (day numbers 1 to 84).
#[tauri::command]
#[specta::specta]
pub async fn program_move_day(core: State<'_, Core>, from: u32, to: u32) -> CommandResult<()> {
    let (store, profile) = core.store_and_profile().await?;
    Ok(tracking::move_day(store, &profile.id, from as i64, to as i64).await?)
}

/// Regenerates every untouched day from `week` on; returns how many days changed.
#[tauri::command]
#[specta::specta]
pub async fn program_regenerate(core: State<'_, Core>, week: u32) -> CommandResult<u32> {
    let (store, profile) = core.store_and_profile().await?;
    Ok(tracking::regenerate_from(store, &profile, week, dashboard::today_for(&profile)).await?)
}
