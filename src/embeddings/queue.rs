//! The background queue: keeps documents in step with what was logged and
//! embeds what is pending, in its own task, so logging never waits for the
//! model. It wakes when asked ([`EmbedQueue::wake`]) and every few seconds
//! (entries may arrive from the CLI or a sync in another process).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use tokio::sync::Notify;

use super::{EmbedReport, Embedder, embed_pending, sync_all};
use crate::store::Store;

const POLL: Duration = Duration::from_secs(5);

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
        loop {
            if let Some(next) = self.next_store.lock().ok().and_then(|mut n| n.take()) {
                store = next;
            }
            if self.embedder().is_none() {
                self.load_model(&extra_dirs).await;
            }
            self.update(|s| s.busy = true);
            let outcome = self.round(&store).await;
            self.update(|s| {
                s.busy = false;
                match outcome {
                    Ok(report) => {
                        s.embedded_total += report.embedded;
                        s.last_error = None;
                    }
                    Err(e) => s.last_error = Some(e.to_string()),
                }
            });
            let _ = tokio::time::timeout(POLL, self.wake.notified()).await;
        }
    }

    async fn round(&self, store: &Store) -> crate::Result<EmbedReport> {
        sync_all(store).await?;
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
