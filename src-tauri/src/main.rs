// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

//! The desktop shell: starts the core, exposes typed commands, nothing more.

mod activities_commands;
mod ai_commands;
mod backup_commands;
mod coach_commands;
mod commands;
mod desktop_commands;
mod dialogs;
#[cfg(debug_assertions)]
mod e2e_hooks;
mod error;
mod history_commands;
mod integrations_commands;
mod nutrition_commands;
mod programs_commands;
mod review_commands;
mod search_commands;
mod sync_commands;
mod tasks;
mod webview;

use std::path::PathBuf;

use tauri::Manager;

use commands::Core;
use error::CommandError;

/// `--db PATH`, then `WAGNER_DB`, then the platform data dir: the same rules as the CLI.
fn database_path() -> Result<PathBuf, CommandError> {
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--db" {
            if let Some(path) = args.next() {
                return Ok(PathBuf::from(path));
            }
        } else if let Some(path) = arg.strip_prefix("--db=") {
            return Ok(PathBuf::from(path));
        }
    }
    if let Some(path) = std::env::var_os("WAGNER_DB").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    Ok(wagner::store::default_db_path()?)
}

async fn start_core() -> Core {
    let path = match database_path() {
        Ok(path) => path,
        Err(err) => return Core::Failed(err),
    };
    match wagner::Store::open(&path).await {
        Ok(store) => {
            // The bundled foods, once per new database (about a second): before the
            // window, so no write of the user's ever waits behind this one.
            if let Err(err) = wagner::nutrition::foods::ensure_loaded(&store).await {
                tracing::warn!("could not load the food database: {err}");
            }
            Core::Ready(commands::LiveStore::new(store))
        }
        Err(err) => {
            tracing::error!("start-up failed: {err}");
            Core::Failed(CommandError::new(err.code(), format!("{err} (database: {})", path.display())))
        }
    }
}

/// Start-up work that must not hold the window: entries a crash left half-read.
async fn background_start(store: wagner::Store) {
    wagner::integrations::secrets::on_start(&store).await;
    if let Err(err) = resume_quick_entries(&store).await {
        tracing::warn!("could not resume pending quick entries: {err}");
    }
}

async fn resume_quick_entries(store: &wagner::Store) -> wagner::Result<()> {
    use wagner::quick_entry::pipeline::{self, Reader};
    pipeline::recover_interrupted(store).await?;
    if let Some(profile) = wagner::profile::default_profile(store).await? {
        let provider = wagner::ai::configured_provider(store, &profile.id).await?;
        let reader = provider.as_ref().map_or(Reader::Offline, Reader::Ai);
        for result in pipeline::process_pending(store, &profile, reader).await? {
            if let Err(err) = result {
                tracing::info!("a pending entry still needs attention: {err}");
            }
        }
    }
    Ok(())
}

/// The D-Bus name that makes a second launch on the same database focus the
/// first window; another database (a test's, `--db`) is another instance.
fn single_instance_id(db: Option<&std::path::Path>) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    db.map(|p| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())).hash(&mut hasher);
    format!("app.wagnercoach.desktop.db{:016x}", hasher.finish())
}

/// A second launch: bring the running window to the front instead.
fn focus_main_window(app: &tauri::AppHandle) {
    use tauri_specta::Event;
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
    let _ = commands::SecondLaunch {}.emit(app);
}

fn main() {
    let _ = desktop_commands::STARTED.set(std::time::Instant::now());
    tracing_subscriber_init();
    // WAGNER_NOW (E2E, scripts/test-dates.sh): a bad value stops the start instead of a wrong "today".
    if let Err(e) = wagner::clock::init_from_env() {
        eprintln!("wagner-desktop: {e}");
        std::process::exit(2);
    }
    let builder = commands::builder();
    let db = database_path().ok();
    let result = tauri::Builder::default()
        // First, so a second instance hands over and exits before anything else starts.
        .plugin(
            tauri_plugin_single_instance::Builder::new()
                .dbus_id(single_instance_id(db.as_deref()))
                .callback(|app, _args, _cwd| focus_main_window(app))
                .build(),
        )
        .plugin(
            tauri_plugin_window_state::Builder::new()
                .with_state_flags(
                    tauri_plugin_window_state::StateFlags::SIZE
                        | tauri_plugin_window_state::StateFlags::POSITION
                        | tauri_plugin_window_state::StateFlags::MAXIMIZED,
                )
                .build(),
        )
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(builder.invoke_handler())
        .setup(move |app| {
            builder.mount_events(app);
            webview::tune(app);
            #[cfg(debug_assertions)]
            e2e_hooks::install(app);
            let core = tauri::async_runtime::block_on(start_core());
            if let Core::Ready(live) = &core {
                let store = live.get();
                tauri::async_runtime::spawn(background_start(store.clone()));
                tauri::async_runtime::spawn(backup_commands::run_schedule(app.handle().clone()));
                // Embeddings in the background; packages may ship the model in resources.
                let mut resources: Vec<PathBuf> = app.path().resource_dir().into_iter().collect();
                #[cfg(debug_assertions)]
                if e2e_hooks::hide_resource_models() {
                    resources.clear();
                }
                let store = store.clone();
                let queue = tauri::async_runtime::block_on(async move {
                    wagner::embeddings::EmbedQueue::start(store, resources)
                });
                app.manage(queue);
            }
            app.manage(core);
            app.manage(commands::RunningImport::default());
            app.manage(tasks::Tasks::default());
            Ok(())
        })
        .run(tauri::generate_context!("../tauri.conf.json"));
    if let Err(err) = result {
        eprintln!("Wagner Coach could not start its window: {err}");
        std::process::exit(2);
    }
}

fn tracing_subscriber_init() {
    // Logs go to stderr; WAGNER_LOG=debug for more. Never log secrets or entry text at info.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("WAGNER_LOG").unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .try_init();
}

#[cfg(test)]
mod tests {
    /// The committed bindings must match the Rust types, so the UI never drifts.
    #[test]
    fn bindings_are_up_to_date() {
        let committed_path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/bindings.ts");
        let dir = tempfile_dir();
        let fresh_path = dir.join("bindings.ts");
        crate::commands::builder()
            .export(crate::commands::typescript_exporter(), &fresh_path)
            .expect("exporting bindings");
        let fresh = std::fs::read_to_string(&fresh_path).expect("reading fresh bindings");
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&committed_path, &fresh).expect("writing ui/src/lib/bindings.ts");
            return;
        }
        let committed = std::fs::read_to_string(&committed_path).unwrap_or_default();
        assert!(
            committed == fresh,
            "ui/src/lib/bindings.ts is stale: run `UPDATE_BINDINGS=1 cargo test -p wagner-desktop bindings`"
        );
    }

    fn tempfile_dir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("wagner-bindings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("creating a temp dir");
        dir
    }
}
