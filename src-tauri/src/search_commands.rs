//! Search commands: hybrid search, similar items and the embedding status,
//! over the core's `search` and `embeddings` modules.

use serde::Serialize;
use tauri::State;
use wagner::embeddings::{self, EmbedQueue, EmbeddingCounts, QueueStatus, SourceKind};
use wagner::search::{self, SearchHit, SearchQuery, SearchResults};

use crate::commands::Core;
use crate::error::CommandResult;

#[tauri::command]
#[specta::specta]
pub async fn search(core: State<'_, Core>, query: SearchQuery) -> CommandResult<SearchResults> {
    let (store, profile) = core.store_and_profile().await?;
    Ok(search::search(store, &profile, &query).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn similar(
    core: State<'_, Core>,
    kind: SourceKind,
    id: String,
    limit: Option<u32>,
) -> CommandResult<Vec<SearchHit>> {
    let (store, profile) = core.store_and_profile().await?;
    Ok(search::similar(store, &profile, kind, &id, limit.unwrap_or(5)).await?)
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct EmbeddingStatus {
    pub counts: EmbeddingCounts,
    pub queue: QueueStatus,
}

#[tauri::command]
#[specta::specta]
pub async fn embedding_status(
    core: State<'_, Core>,
    queue: State<'_, EmbedQueue>,
) -> CommandResult<EmbeddingStatus> {
    let (store, profile) = core.store_and_profile().await?;
    queue.wake();
    Ok(EmbeddingStatus { counts: embeddings::counts(store, &profile).await?, queue: queue.status() })
}

/// Pauses or resumes the background indexing (embedding) of what was logged.
/// A pause stops the round in progress (nothing half written) and lasts until
/// resumed or the app restarts; search keeps working meanwhile.
#[tauri::command]
#[specta::specta]
pub fn embedding_pause(queue: State<'_, EmbedQueue>, paused: bool) -> QueueStatus {
    queue.set_paused(paused);
    queue.status()
}
