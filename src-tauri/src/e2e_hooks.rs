//! Test hooks for the E2E suite, compiled into debug builds only and active
//! only when `WAGNER_E2E_HOOKS` is set: WebDriver cannot perform a native OS
//! file drop, so a test asks for one and the shell emits exactly what Tauri
//! emits for a real drop (`tauri://drag-drop` with `{paths, position}`, to
//! the webview), reaching the same handler in the UI. Nor can it drive a
//! GTK file dialog: with `WAGNER_E2E_DIALOG` set, every native dialog
//! (src/dialogs.rs) is answered with that path instead of opening.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use tauri::{Emitter, EventTarget, Listener};

/// The event a test emits (from the page, via the event plugin) to ask for a drop.
pub const SIMULATE_DROP: &str = "wagner-e2e://simulate-drop";

#[derive(Deserialize)]
struct DropRequest {
    paths: Vec<PathBuf>,
}

#[derive(Clone, Serialize)]
struct Position {
    x: f64,
    y: f64,
}

#[derive(Clone, Serialize)]
struct DragDropPayload {
    paths: Vec<PathBuf>,
    position: Position,
}

/// Set (with `WAGNER_E2E_HOOKS`) to leave the resources dir out of the
/// model search: an installed package's `/usr/lib/Wagner Coach/models` would
/// otherwise give a "model missing" test the model.
pub const HIDE_RESOURCE_MODELS: &str = "WAGNER_E2E_HIDE_RESOURCE_MODELS";

pub fn hide_resource_models() -> bool {
    std::env::var_os("WAGNER_E2E_HOOKS").is_some() && std::env::var_os(HIDE_RESOURCE_MODELS).is_some()
}

/// The path that answers the native file dialogs in a test (see [`dialog_answer`]).
pub const DIALOG_ANSWER: &str = "WAGNER_E2E_DIALOG";

/// `Some(answer)` when a test answers the dialogs: a folder pick gets the
/// path; a save gets `path/<suggested name>` when the path is a folder, else
/// the path; an empty value is the user pressing Cancel.
pub fn dialog_answer(suggested_name: Option<&str>) -> Option<Option<PathBuf>> {
    std::env::var_os("WAGNER_E2E_HOOKS")?;
    let path = PathBuf::from(std::env::var_os(DIALOG_ANSWER)?);
    if path.as_os_str().is_empty() {
        return Some(None);
    }
    Some(Some(match suggested_name {
        Some(name) if path.is_dir() => path.join(name),
        _ => path,
    }))
}

pub fn install(app: &tauri::App) {
    if std::env::var_os("WAGNER_E2E_HOOKS").is_none() {
        return;
    }
    let handle = app.handle().clone();
    app.listen_any(SIMULATE_DROP, move |event| {
        let request: DropRequest = match serde_json::from_str(event.payload()) {
            Ok(r) => r,
            Err(err) => {
                tracing::warn!("ignoring a malformed simulated drop: {err}");
                return;
            }
        };
        let payload = DragDropPayload { paths: request.paths, position: Position { x: 400.0, y: 300.0 } };
        // The same targets Tauri's own drop uses: the webview (and webview window) labelled "main".
        let sent = handle.emit_filter("tauri://drag-drop", payload, |target| match target {
            EventTarget::Webview { label } | EventTarget::WebviewWindow { label } => label == "main",
            _ => false,
        });
        if let Err(err) = sent {
            tracing::warn!("could not emit the simulated drop: {err}");
        }
    });
}
