//! `wagner strava …`: connect, sync, status and webhook relay input.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand};

use super::secrets::Secrets;
use super::strava::{self, Strava, StravaSettings, SyncItem};
use crate::activities::import::ImportStatus;
use crate::error::{Error, Result};
use crate::profile;
use crate::store::Store;

#[derive(Debug, Args)]
pub struct StravaArgs {
    #[command(subcommand)]
    pub action: Option<StravaAction>,
}

#[derive(Debug, Subcommand)]
pub enum StravaAction {
    /// Authorize Wagner Coach with your own Strava API application (client secret from STRAVA_CLIENT_SECRET).
    Connect {
        /// Your application's Client ID (strava.com/settings/api); remembered once given.
        #[arg(long)]
        client_id: Option<String>,
        /// Local port for Strava's redirect (0 = any free port).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// How long to wait for the browser, in seconds.
        #[arg(long, default_value_t = 300)]
        timeout: u64,
        /// Strava API base URL (for a test server).
        #[arg(long, hide = true)]
        api_url: Option<String>,
        /// Strava OAuth base URL (for a test server).
        #[arg(long, hide = true)]
        oauth_url: Option<String>,
    },
    /// Import activities recorded since the last sync.
    Sync,
    /// Connection status and last sync.
    Status,
    /// Apply a Strava webhook event saved by a relay (JSON file, `-` for stdin).
    Webhook { file: PathBuf },
}

fn item_line(item: &SyncItem) -> String {
    let what = match &item.status {
        ImportStatus::Imported => "imported".to_string(),
        ImportStatus::Partial { problem } => format!("imported in part ({problem})"),
        ImportStatus::Duplicate { of_name, of_start, .. } => {
            format!("already there as \"{of_name}\" ({of_start})")
        }
        ImportStatus::NotActivity { reason } | ImportStatus::Failed { reason } => {
            format!("skipped: {reason}")
        }
        // Strava serves activities only; kept for a complete match.
        ImportStatus::BodyMeasurements { imported, .. } => format!("{imported} weigh-ins"),
    };
    format!("strava {}  {}  {}  {what}", item.strava_id, item.start_date, item.name)
}

/// Runs the command, printing as it goes; returns the exit code.
pub async fn run(store: &Store, args: StravaArgs, as_json: bool) -> Result<u8> {
    let profile = profile::require_default(store).await?;
    let secrets = Secrets::detect(store);
    match args.action.unwrap_or(StravaAction::Status) {
        StravaAction::Connect { client_id, port, timeout, api_url, oauth_url } => {
            let mut settings = strava::load_settings(store, &profile.id).await?;
            if let Some(id) = client_id {
                let keep = settings.take();
                let mut s = StravaSettings::new(id.trim());
                if let Some(old) = keep {
                    s.api_base_url = old.api_base_url;
                    s.oauth_base_url = old.oauth_base_url;
                    s.per_page = old.per_page;
                }
                settings = Some(s);
            }
            let mut settings = settings
                .ok_or_else(|| Error::invalid("give your Strava application's client id: --client-id ID"))?;
            if api_url.is_some() {
                settings.api_base_url = api_url;
            }
            if oauth_url.is_some() {
                settings.oauth_base_url = oauth_url;
            }
            strava::save_settings(store, &profile.id, &settings).await?;
            let mut client = Strava::new(store, &profile, secrets.clone()).await?;
            let pending = client.begin_connect(port).await?;
            println!("Open this address in your browser and allow access:\n\n  {}\n", pending.authorize_url);
            println!("Waiting for Strava to redirect to {} …", pending.redirect_uri);
            let connection = client.finish_connect(pending, Duration::from_secs(timeout)).await?;
            if as_json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&connection).map_err(|e| Error::invalid(e.to_string()))?
                );
            } else {
                println!(
                    "Connected to Strava as {} (athlete {}); tokens are in {}.",
                    connection.athlete_name,
                    connection.athlete_id,
                    secrets.describe()
                );
            }
            Ok(0)
        }
        StravaAction::Sync => {
            let mut client = Strava::new(store, &profile, secrets).await?;
            let mut items = Vec::new();
            let report = client
                .sync(|item| {
                    if as_json {
                        items.push(item.clone());
                    } else {
                        println!("{}", item_line(item));
                    }
                })
                .await?;
            if as_json {
                let v = serde_json::json!({ "items": items, "report": report });
                println!("{}", serde_json::to_string_pretty(&v).map_err(|e| Error::invalid(e.to_string()))?);
            } else {
                println!(
                    "{} imported, {} already there, {} requests to Strava.",
                    report.imported, report.duplicates, report.requests
                );
            }
            match &report.stopped {
                Some(message) => {
                    eprintln!("wagner: {message}");
                    Ok(1)
                }
                None => Ok(0),
            }
        }
        StravaAction::Status => {
            let integration = super::get(store, &profile.id, strava::PROVIDER).await?;
            if as_json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&integration).map_err(|e| Error::invalid(e.to_string()))?
                );
                return Ok(0);
            }
            match integration {
                None => println!("Strava: not connected (wagner strava connect --client-id ID)"),
                Some(i) => {
                    println!(
                        "Strava: {} (athlete {}), last sync {}",
                        i.status,
                        i.external_account_id.as_deref().unwrap_or("?"),
                        i.last_sync_at.as_deref().unwrap_or("never")
                    );
                    if let Some(e) = i.error_message {
                        println!("  {e}");
                    }
                }
            }
            Ok(0)
        }
        StravaAction::Webhook { file } => {
            let raw = if file.as_os_str() == "-" {
                let mut s = String::new();
                std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
                    .map_err(|e| Error::io("reading stdin", e))?;
                s
            } else {
                std::fs::read_to_string(&file)
                    .map_err(|e| Error::io(format!("reading {}", file.display()), e))?
            };
            let outcome = strava::receive_webhook(store, secrets, &raw).await?;
            println!("{}", serde_json::to_string(&outcome).map_err(|e| Error::invalid(e.to_string()))?);
            Ok(0)
        }
    }
}
