//! The background queue: keeps documents in step with what was logged and
//! embeds what is pending, in its own task, so logging never waits for the
//! model. It wakes when asked ([`EmbedQueue::wake`]) and every few seconds
//! (entries may arrive from the CLI or a sync in another process).
//! The user can pause it (a long first indexing on a slow machine): a pause
//! drops the running round, whose unfinished transaction rolls back, so
//! nothing is half written; resuming carries on with what is still pending.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use tokio::sync::{Notify, watch};

use super::{EmbedReport, Embedder, embed_pending, has_pending, sync_all};
use crate::store::Store;

const POLL: Duration = Duration::from_secs(5);
/// The model is let go after this long without work or searches.
const RELEASE_AFTER: Duration = Duration::from_secs(120);

/// What the queue is doing, for a status line in the UI.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct QueueStatus {
    /// The model folder in use, once loaded.
    pub model_dir: Option<String>,
    /// Why semantic search is off (model or runtime missing), if it is.
    pub model_error: Option<String>,
    /// True while a round is running.
    pub busy: bool,
    /// True while the user has paused indexing.
    pub paused: bool,
    /// Vectors computed since start.
    pub embedded_total: u32,
    /// The last error of a round (the queue keeps going).
    pub last_error: Option<String>,
}

#[derive(Clone)]
pub struct EmbedQueue {
    wake: Arc<Notify>,
    status: Arc<Mutex<QueueStatus>>,
    embedder: Arc<Mutex<Option<Arc<Embedder>>>>,
    paused: Arc<watch::Sender<bool>>,
    /// A store to switch to (the desktop shell reopens its store after a restore).
    next_store: Arc<Mutex<Option<Store>>>,
}

impl EmbedQueue {
    /// Starts the queue on the current tokio runtime. `extra_dirs`: more
    /// places to look for the model (the desktop shell's resources dir).
    pub fn start(store: Store, extra_dirs: Vec<PathBuf>) -> Self {
        let queue = EmbedQueue {
            wake: Arc::new(Notify::new()),
            status: Arc::new(Mutex::new(QueueStatus::default())),
            embedder: Arc::new(Mutex::new(None)),
            paused: Arc::new(watch::Sender::new(false)),
            next_store: Arc::new(Mutex::new(None)),
        };
        let worker = queue.clone();
        tokio::spawn(async move { worker.run(store, extra_dirs).await });
        queue
    }

    /// Works on `store` from the next round on (the previous one was closed).
    pub fn use_store(&self, store: Store) {
        if let Ok(mut next) = self.next_store.lock() {
            *next = Some(store);
        }
        self.wake();
    }

    /// Something was logged or changed: look now rather than at the next poll.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Pauses (stopping the running round) or resumes indexing.
    pub fn set_paused(&self, paused: bool) {
        self.paused.send_replace(paused);
        self.update(|s| s.paused = paused);
        self.wake();
    }

    pub fn status(&self) -> QueueStatus {
        self.status.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// The loaded model, for query embeddings (None until loaded or when missing).
    pub fn embedder(&self) -> Option<Arc<Embedder>> {
        self.embedder.lock().ok().and_then(|e| e.clone())
    }

    fn update(&self, f: impl FnOnce(&mut QueueStatus)) {
        if let Ok(mut status) = self.status.lock() {
            f(&mut status);
        }
    }

    async fn run(self, mut store: Store, extra_dirs: Vec<PathBuf>) {
        let mut paused = self.paused.subscribe();
        loop {
            if *paused.borrow_and_update() {
                // Wait for a resume; a closed channel cannot happen while `self` holds the sender.
                let _ = paused.wait_for(|p| !*p).await;
            }
            if let Some(next) = self.next_store.lock().ok().and_then(|mut n| n.take()) {
                store = next;
            }
            self.update(|s| s.busy = true);
            let outcome = tokio::select! {
                outcome = self.round(&store, &extra_dirs) => Some(outcome),
                _ = paused.wait_for(|p| *p) => None,
            };
            self.update(|s| {
                s.busy = false;
                match outcome {
                    Some(Ok(report)) => {
                        s.embedded_total += report.embedded;
                        s.last_error = None;
                    }
                    Some(Err(e)) => s.last_error = Some(e.to_string()),
                    None => {}
                }
            });
            let _ = tokio::time::timeout(POLL, self.wake.notified()).await;
        }
    }

    /// Brings documents up to date, then embeds what is pending, loading the
    /// model only when there is something to embed; with nothing to do for a
    /// while the model is released (see [`crate::search::release_shared_embedder_if_idle`]).
    async fn round(&self, store: &Store, extra_dirs: &[PathBuf]) -> crate::Result<EmbedReport> {
        sync_all(store).await?;
        if !has_pending(store).await? {
            if crate::search::release_shared_embedder_if_idle(RELEASE_AFTER)
                && let Ok(mut slot) = self.embedder.lock()
            {
                *slot = None;
            }
            return Ok(EmbedReport::default());
        }
        if self.embedder().is_none() {
            self.load_model(extra_dirs).await;
        }
        match self.embedder() {
            Some(embedder) => embed_pending(store, &embedder, None, |_, _| {}).await,
            None => Ok(EmbedReport::default()),
        }
    }

    async fn load_model(&self, extra_dirs: &[PathBuf]) {
        // One model per process, shared with search.
        crate::search::add_model_dirs(extra_dirs.to_vec());
        let loaded = tokio::task::spawn_blocking(crate::search::shared_embedder).await;
        match loaded {
            Ok(Ok(embedder)) => {
                let dir = embedder.location().dir.display().to_string();
                if let Ok(mut slot) = self.embedder.lock() {
                    *slot = Some(embedder);
                }
                self.update(|s| {
                    s.model_dir = Some(dir);
                    s.model_error = None;
                });
            }
            Ok(Err(e)) => self.update(|s| s.model_error = Some(e.to_string())),
            Err(e) => self.update(|s| s.model_error = Some(format!("loading the model stopped: {e}"))),
        }
    }
}
