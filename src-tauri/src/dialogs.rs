//! Native file dialogs (tauri-plugin-dialog), all through [`ask`]: the one
//! seam an E2E test answers instead (`WAGNER_E2E_DIALOG`, src/e2e_hooks.rs),
//! since WebDriver cannot drive a GTK dialog. The dialogs are opened from
//! Rust, so the window needs no dialog permission of its own.

use std::path::PathBuf;

use tauri::AppHandle;
use tauri_plugin_dialog::DialogExt;

pub enum Ask<'a> {
    /// An existing folder to read.
    Folder { title: &'a str },
    /// A path to write, suggested by name; `extensions` filter what is listed (none: all).
    Save { title: &'a str, file_name: &'a str, filter: Option<(&'a str, &'a [&'a str])> },
}

/// The path the user chose, or None when they cancelled.
pub async fn ask(app: &AppHandle, what: Ask<'_>) -> Option<PathBuf> {
    #[cfg(debug_assertions)]
    {
        let suggested = match &what {
            Ask::Save { file_name, .. } => Some(*file_name),
            Ask::Folder { .. } => None,
        };
        if let Some(answer) = crate::e2e_hooks::dialog_answer(suggested) {
            return answer;
        }
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    let dialog = app.dialog().file();
    match what {
        Ask::Folder { title } => dialog.set_title(title).pick_folder(move |path| {
            let _ = tx.send(path);
        }),
        Ask::Save { title, file_name, filter } => {
            let dialog = dialog.set_title(title).set_file_name(file_name);
            let dialog = match filter {
                Some((name, extensions)) => dialog.add_filter(name, extensions),
                None => dialog,
            };
            dialog.save_file(move |path| {
                let _ = tx.send(path);
            })
        }
    }
    rx.await.ok().flatten().and_then(|path| path.into_path().ok())
}
