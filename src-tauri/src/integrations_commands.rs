//! Settings → Integrations: Strava set-up, connect, sync and disconnect.

use std::time::Duration;

use tauri::State;
use tauri::ipc::Channel;
use wagner::integrations::secrets::Secrets;
use wagner::integrations::strava::{
    self, Connection, Strava, StravaSettings, StravaStatus, StravaSyncReport, SyncItem,
};

use crate::commands::Core;
use crate::error::{CommandError, CommandResult};

/// How long Connect waits for the browser to come back.
const CONNECT_WAIT: Duration = Duration::from_secs(300);

#[tauri::command]
#[specta::specta]
pub async fn strava_status(core: State<'_, Core>) -> CommandResult<StravaStatus> {
    let (store, profile) = core.store_and_profile().await?;
    Ok(strava::status(store, &Secrets::detect(store), &profile.id).await?)
}

/// Saves the user's own API application: the client id in the profile's
/// settings, the secret (when given) in the OS keyring.
#[tauri::command]
#[specta::specta]
pub async fn strava_save_app(
    core: State<'_, Core>,
    client_id: String,
    client_secret: Option<String>,
) -> CommandResult<StravaStatus> {
    let (store, profile) = core.store_and_profile().await?;
    let mut settings = StravaSettings::new(client_id.trim());
    if let Some(old) = strava::load_settings(store, &profile.id).await? {
        settings.api_base_url = old.api_base_url;
        settings.oauth_base_url = old.oauth_base_url;
        settings.per_page = old.per_page;
    }
    strava::save_settings(store, &profile.id, &settings).await?;
    let secrets = Secrets::detect(store);
    if let Some(secret) = client_secret.filter(|s| !s.trim().is_empty()) {
        strava::save_client_secret(&secrets, &profile.id, &secret)?;
    }
    Ok(strava::status(store, &secrets, &profile.id).await?)
}

/// Opens Strava's authorization page in the system browser and waits for
/// its redirect to the loopback listener.
#[tauri::command]
#[specta::specta]
pub async fn strava_connect(core: State<'_, Core>) -> CommandResult<Connection> {
    let (store, profile) = core.store_and_profile().await?;
    let mut client = Strava::new(store, &profile, Secrets::detect(store)).await?;
    let pending = client.begin_connect(0).await?;
    open_in_browser(&pending.authorize_url)?;
    Ok(client.finish_connect(pending, CONNECT_WAIT).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn strava_sync(
    core: State<'_, Core>,
    on_progress: Channel<SyncItem>,
) -> CommandResult<StravaSyncReport> {
    let (store, profile) = core.store_and_profile().await?;
    let mut client = Strava::new(store, &profile, Secrets::detect(store)).await?;
    Ok(client
        .sync(|item| {
            let _ = on_progress.send(item.clone());
        })
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn strava_disconnect(core: State<'_, Core>) -> CommandResult<StravaStatus> {
    let (store, profile) = core.store_and_profile().await?;
    let secrets = Secrets::detect(store);
    strava::disconnect(store, &secrets, &profile.id).await?;
    Ok(strava::status(store, &secrets, &profile.id).await?)
}

/// Forgets the API application (client id, secret) and any tokens.
#[tauri::command]
#[specta::specta]
pub async fn strava_forget_app(core: State<'_, Core>) -> CommandResult<StravaStatus> {
    let (store, profile) = core.store_and_profile().await?;
    let secrets = Secrets::detect(store);
    strava::forget_app(store, &secrets, &profile.id).await?;
    Ok(strava::status(store, &secrets, &profile.id).await?)
}

/// The system browser, without a plugin: the command in `$BROWSER` when set
/// (the Unix convention: the first of a `:`-separated list, `%s` standing for
/// the address), else xdg-open, open or `start`.
fn open_in_browser(url: &str) -> CommandResult<()> {
    let chosen = std::env::var("BROWSER").ok().and_then(|list| {
        let first = list.split(':').map(str::trim).find(|c| !c.is_empty())?.to_string();
        let mut words = first.split_whitespace().map(str::to_string);
        let program = words.next()?;
        let mut args: Vec<String> = words.map(|w| w.replace("%s", url)).collect();
        if !first.contains("%s") {
            args.push(url.to_string());
        }
        Some((program, args))
    });
    let mut cmd = if let Some((program, args)) = chosen {
        let mut c = std::process::Command::new(program);
        c.args(args);
        c
    } else if cfg!(target_os = "macos") {
        let mut c = std::process::Command::new("open");
        c.arg(url);
        c
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", "", url]);
        c
    } else {
        let mut c = std::process::Command::new("xdg-open");
        c.arg(url);
        c
    };
    cmd.spawn().map(drop).map_err(|e| {
        CommandError::new(
            wagner::ErrorCode::Io,
            format!("could not open the browser ({e}); open this address yourself: {url}"),
        )
    })
}
