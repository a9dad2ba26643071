//! Strava: OAuth2 with a loopback redirect (the user's own API application),
//! token refresh, paginated activity sync with streams and laps stored through
//! the same path as imported files, Strava's request limits kept in
//! `rate_limits`, and webhook events stored raw and applied once.
//!
//! [`oauth`] connects and keeps tokens fresh, [`api`] calls the API and maps
//! its JSON, [`rate_limits`] counts requests against Strava's windows and
//! [`webhooks`] applies pushed events. This module holds the client, its
//! settings and the connection's status.

mod api;
mod oauth;
mod rate_limits;
mod webhooks;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use api::sport_type;
use oauth::Tokens;
pub use oauth::{Connection, PendingConnect};
pub use webhooks::receive_webhook;

use super::secrets::{Secret, Secrets};
use crate::activities::import::ImportStatus;
use crate::error::{Error, Result};
use crate::http::RetryPolicy;
use crate::profile::Profile;
use crate::store::Store;

pub const PROVIDER: &str = "strava";
pub const DEFAULT_API_BASE: &str = "https://www.strava.com/api/v3";
pub const DEFAULT_OAUTH_BASE: &str = "https://www.strava.com/oauth";
pub const SCOPE: &str = "activity:read_all";
/// Environment variable that supplies (and overrides) the client secret.
pub const CLIENT_SECRET_ENV: &str = "STRAVA_CLIENT_SECRET";

/// Strava's answers may echo the client secret or a token: redacted before
/// the message is stored, logged or printed.
fn strava_error(message: impl Into<String>) -> Error {
    let secret = std::env::var(CLIENT_SECRET_ENV).unwrap_or_default();
    Error::Integration {
        provider: "Strava".into(),
        message: crate::text::redact(&message.into(), &[&secret]),
    }
}

/// Strava no longer (or not yet) accepts this app: connecting again fixes it.
/// Redacted like [`strava_error`].
fn strava_disconnected(message: impl Into<String>) -> Error {
    let secret = std::env::var(CLIENT_SECRET_ENV).unwrap_or_default();
    Error::NotConnected {
        provider: "Strava".into(),
        message: crate::text::redact(&message.into(), &[&secret]),
    }
}

/// The user's Strava API application, kept in `users.settings.strava` (no secret).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StravaSettings {
    pub client_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_base_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oauth_base_url: Option<String>,
    /// Activities per list page (Strava allows up to 200).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_page: Option<u32>,
}

impl StravaSettings {
    pub fn new(client_id: impl Into<String>) -> Self {
        StravaSettings {
            client_id: client_id.into(),
            api_base_url: None,
            oauth_base_url: None,
            per_page: None,
        }
    }
    fn api_base(&self) -> String {
        self.api_base_url.as_deref().unwrap_or(DEFAULT_API_BASE).trim_end_matches('/').to_string()
    }
    fn oauth_base(&self) -> String {
        self.oauth_base_url.as_deref().unwrap_or(DEFAULT_OAUTH_BASE).trim_end_matches('/').to_string()
    }
}

pub async fn load_settings(store: &Store, user_id: &str) -> Result<Option<StravaSettings>> {
    crate::profile::settings_section(store, user_id, "strava", "Strava settings").await
}

pub async fn save_settings(store: &Store, user_id: &str, settings: &StravaSettings) -> Result<()> {
    if settings.client_id.trim().is_empty() || !settings.client_id.trim().chars().all(|c| c.is_ascii_digit())
    {
        return Err(Error::invalid("the Strava client id is the number shown on strava.com/settings/api"));
    }
    for url in [&settings.api_base_url, &settings.oauth_base_url].into_iter().flatten() {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(Error::invalid(format!("base URL {url:?} must start with http:// or https://")));
        }
    }
    crate::profile::save_settings_section(store, user_id, "strava", Some(settings)).await
}

pub(crate) fn client_secret_name(user_id: &str) -> String {
    format!("strava.client_secret.{user_id}")
}
pub(crate) fn tokens_name(user_id: &str) -> String {
    format!("strava.tokens.{user_id}")
}

/// Keeps the client secret in the secret store (for the Settings page).
pub fn save_client_secret(secrets: &Secrets, user_id: &str, secret: &str) -> Result<()> {
    if secret.trim().is_empty() {
        return Err(Error::invalid("the Strava client secret is empty"));
    }
    secrets.set(&client_secret_name(user_id), secret.trim())
}

/// The human part of a Strava Fault (`{"message", "errors": [{resource, field, code}]}`).
fn fault_message(body: &str) -> String {
    let Ok(v) = serde_json::from_str::<Value>(body) else {
        return body.chars().take(200).collect();
    };
    let message = v.get("message").and_then(Value::as_str).unwrap_or("error").to_string();
    let details: Vec<String> = v
        .get("errors")
        .and_then(Value::as_array)
        .map(|errs| {
            errs.iter()
                .map(|e| {
                    ["resource", "field", "code"]
                        .iter()
                        .filter_map(|k| e.get(*k).and_then(Value::as_str))
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    if details.is_empty() { message } else { format!("{message} ({})", details.join("; ")) }
}

/// One activity seen by a sync or a webhook.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SyncItem {
    pub strava_id: String,
    pub name: String,
    pub start_date: String,
    pub status: ImportStatus,
    /// The local activity, when this sync stored it.
    pub activity_id: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StravaSyncReport {
    pub imported: u32,
    pub duplicates: u32,
    pub requests: u32,
    /// Set when Strava's request limit stopped the sync: what happened and when to retry.
    pub stopped: Option<String>,
    pub last_sync_at: Option<String>,
}

/// What a webhook event did.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum WebhookOutcome {
    Imported {
        item: SyncItem,
    },
    Updated {
        activity_id: String,
    },
    Deleted {
        count: u32,
    },
    Disconnected,
    Ignored {
        reason: String,
    },
    /// The same event was handled before: nothing done.
    AlreadyProcessed,
}

/// A Strava client for one profile.
pub struct Strava {
    store: Store,
    profile: Profile,
    settings: StravaSettings,
    secrets: Secrets,
    http: reqwest::Client,
    retry: RetryPolicy,
    tokens: Option<Tokens>,
    requests: u32,
}

impl Strava {
    /// Marks the connection expired with `message` (shown in Settings) and
    /// returns the error that asks the user to connect again.
    async fn expire(&self, message: String) -> Result<Error> {
        crate::integrations::set_status(&self.store, &self.profile.id, PROVIDER, "expired", Some(&message))
            .await?;
        Ok(strava_disconnected(message))
    }

    /// Needs the user's client id in `users.settings.strava`.
    pub async fn new(store: &Store, profile: &Profile, secrets: Secrets) -> Result<Self> {
        let settings = load_settings(store, &profile.id).await?.ok_or_else(|| {
            strava_disconnected(
                "Strava is not set up: it needs the client id and secret of an API application \
                 (created at strava.com/settings/api)",
            )
        })?;
        Self::with_retry(store, profile, settings, secrets, RetryPolicy::default())
    }

    pub fn with_retry(
        store: &Store,
        profile: &Profile,
        settings: StravaSettings,
        secrets: Secrets,
        retry: RetryPolicy,
    ) -> Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(retry.timeout)
            .user_agent(concat!("wagner-coach/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| strava_error(e.to_string()))?;
        Ok(Strava {
            store: store.clone(),
            profile: profile.clone(),
            settings,
            secrets,
            http,
            retry,
            tokens: None,
            requests: 0,
        })
    }

    fn client_secret(&self) -> Result<Secret> {
        if let Some(s) = std::env::var(CLIENT_SECRET_ENV).ok().filter(|s| !s.trim().is_empty()) {
            return Ok(Secret::new(s.trim()));
        }
        self.secrets.get(&client_secret_name(&self.profile.id))?.ok_or_else(|| {
            Error::invalid(format!(
                "no Strava client secret: set {CLIENT_SECRET_ENV} (from strava.com/settings/api) or save it in Settings"
            ))
        })
    }
}

/// What the Settings page shows about Strava.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StravaStatus {
    /// The API application's client id, once saved.
    pub client_id: Option<String>,
    /// Whether a client secret is saved in the secret store.
    pub has_client_secret: bool,
    /// The integrations row, once connected.
    pub integration: Option<crate::integrations::Integration>,
}

pub async fn status(store: &Store, secrets: &Secrets, user_id: &str) -> Result<StravaStatus> {
    Ok(StravaStatus {
        client_id: load_settings(store, user_id).await?.map(|s| s.client_id),
        has_client_secret: secrets.get(&client_secret_name(user_id))?.is_some(),
        integration: crate::integrations::get(store, user_id, PROVIDER).await?,
    })
}

/// Forgets the tokens and marks the connection disconnected; activities
/// already synced stay. Strava keeps the app authorized until the user
/// revokes it at strava.com/settings/apps.
pub async fn disconnect(store: &Store, secrets: &Secrets, user_id: &str) -> Result<()> {
    secrets.delete(&tokens_name(user_id))?;
    crate::integrations::set_status(store, user_id, PROVIDER, "disconnected", None).await
}

/// Forgets the user's API application: its client id and settings, the
/// client secret and any tokens (so it is disconnected too). Synced
/// activities stay; saving an application again starts over.
pub async fn forget_app(store: &Store, secrets: &Secrets, user_id: &str) -> Result<()> {
    disconnect(store, secrets, user_id).await?;
    secrets.delete(&client_secret_name(user_id))?;
    sqlx::query("UPDATE users SET settings = json_remove(settings, '$.strava') WHERE id = ?")
        .bind(user_id)
        .execute(store.pool())
        .await?;
    Ok(())
}
