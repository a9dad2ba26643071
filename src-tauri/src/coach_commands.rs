//! The coach chat in the window: ask (the answer streams through a channel
//! of typed events), stop, and read conversations and their messages.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use serde::Serialize;
use tauri::State;
use tauri::ipc::Channel;
use wagner::ai::Cancel;
use wagner::coach::{self, AskOptions, CoachEvent, Conversation, Message, MonthUsage};

use crate::commands::Core;
use crate::error::CommandResult;

/// Answers in progress by the window's request id, so the stop button can reach them.
static RUNNING: LazyLock<Mutex<HashMap<String, Cancel>>> = LazyLock::new(Default::default);

fn running() -> std::sync::MutexGuard<'static, HashMap<String, Cancel>> {
    // A panic elsewhere while holding the lock leaves a usable map.
    RUNNING.lock().unwrap_or_else(|e| e.into_inner())
}

/// Asks the coach. Events arrive on `on_event` in order: started, sources,
/// deltas, then done (an error event before done means the answer broke off).
#[tauri::command]
#[specta::specta]
pub async fn coach_ask(
    core: State<'_, Core>,
    request_id: String,
    question: String,
    conversation_id: Option<String>,
    offline: bool,
    on_event: Channel<CoachEvent>,
) -> CommandResult<Message> {
    let (store, profile) = core.store_and_profile().await?;
    let provider = if offline { None } else { wagner::ai::configured_provider(store, &profile.id).await? };
    let cancel = Cancel::new();
    running().insert(request_id.clone(), cancel.clone());
    let options = AskOptions { conversation_id, offline, now: None };
    let result = coach::ask(store, &profile, provider.as_ref(), &question, &options, &cancel, &mut |event| {
        // A closed window just stops listening; the answer is still stored.
        let _ = on_event.send(event);
    })
    .await;
    running().remove(&request_id);
    if let Err(err) = &result {
        let _ = on_event.send(CoachEvent::Error { message: err.to_string() });
    }
    Ok(result?)
}

/// The stop button: ends the answer with this request id (what came is kept).
#[tauri::command]
#[specta::specta]
pub async fn coach_stop(request_id: String) -> CommandResult<bool> {
    Ok(running().get(&request_id).map(Cancel::cancel).is_some())
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct CoachOverview {
    pub conversations: Vec<Conversation>,
    /// YYYY-MM (UTC).
    pub month: String,
    pub month_usage: MonthUsage,
    /// True when a provider would answer; false means the offline coach.
    pub provider_active: bool,
}

#[tauri::command]
#[specta::specta]
pub async fn coach_conversations(core: State<'_, Core>) -> CommandResult<CoachOverview> {
    let (store, profile) = core.store_and_profile().await?;
    let month = wagner::clock::now().format("%Y-%m").to_string();
    Ok(CoachOverview {
        conversations: coach::conversations(store, &profile.id).await?,
        month_usage: coach::month_usage(store, &profile.id, &month).await?,
        month,
        provider_active: wagner::ai::configured_provider(store, &profile.id).await?.is_some(),
    })
}

#[tauri::command]
#[specta::specta]
pub async fn coach_messages(core: State<'_, Core>, conversation_id: String) -> CommandResult<Vec<Message>> {
    let (store, profile) = core.store_and_profile().await?;
    Ok(coach::messages(store, &profile.id, &conversation_id).await?)
}
