//! Long work the user can cancel from the window (a sync, an AI program
//! generation). The command runs the core's job on its own task and keeps
//! its abort handle; `cancel_task` aborts it at its next await. The core's
//! jobs are safe to stop there: a sync commits in short batches and resumes
//! from its cursor, a program is stored in one transaction after its last
//! week, and an unfinished transaction rolls back when dropped.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use tauri::State;
use tokio::task::AbortHandle;

use crate::error::{CommandError, CommandResult};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    Sync,
    ProgramGeneration,
}

impl TaskKind {
    fn cancelled_message(self) -> &'static str {
        match self {
            TaskKind::Sync => {
                "Sync cancelled. Batches already sent or received are kept; the next sync carries on from there."
            }
            TaskKind::ProgramGeneration => {
                "Generation cancelled. Nothing was stored; your current program is unchanged."
            }
        }
    }
}

/// The running cancellable jobs, one per kind.
#[derive(Default)]
pub struct Tasks(Mutex<HashMap<TaskKind, (u64, AbortHandle)>>);

impl Tasks {
    /// Runs `job` on its own task until it ends or is cancelled (error code `cancelled`).
    pub async fn run<T, F>(&self, kind: TaskKind, job: F) -> CommandResult<T>
    where
        T: Send + 'static,
        F: Future<Output = wagner::Result<T>> + Send + 'static,
    {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let run_id = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let handle = tokio::spawn(job);
        if let Ok(mut running) = self.0.lock() {
            running.insert(kind, (run_id, handle.abort_handle()));
        }
        let outcome = handle.await;
        if let Ok(mut running) = self.0.lock()
            && running.get(&kind).is_some_and(|(id, _)| *id == run_id)
        {
            running.remove(&kind);
        }
        match outcome {
            Ok(result) => Ok(result?),
            Err(e) if e.is_cancelled() => {
                Err(CommandError::new(wagner::ErrorCode::Cancelled, kind.cancelled_message()))
            }
            Err(e) => Err(CommandError::new(
                wagner::ErrorCode::TaskFailed,
                format!("the task stopped unexpectedly: {e}"),
            )),
        }
    }

    fn cancel(&self, kind: TaskKind) -> bool {
        match self.0.lock() {
            Ok(running) => running.get(&kind).map(|(_, handle)| handle.abort()).is_some(),
            Err(_) => false,
        }
    }
}

/// Cancels the running job of that kind; false when none was running.
#[tauri::command]
#[specta::specta]
pub fn cancel_task(tasks: State<'_, Tasks>, kind: TaskKind) -> bool {
    tasks.cancel(kind)
}
