//! Connections to outside services (Strava): the `integrations` row with its
//! status and sync state (never a token), secrets in the keyring, and the
//! provider clients.

pub mod cli;
pub mod secrets;
pub mod strava;

use serde::Serialize;
use serde_json::Value;

use crate::clock;
use crate::error::{Error, Result};
use crate::store::Store;

/// One user's connection to a provider, as stored.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Integration {
    pub id: String,
    pub provider: String,
    pub external_account_id: Option<String>,
    pub scopes: Vec<String>,
    pub token_expires_at: Option<String>,
    pub last_sync_at: Option<String>,
    /// connected, disconnected, error or expired.
    pub status: String,
    pub error_message: Option<String>,
    #[serde(skip)]
    pub settings: Value,
}

type Row =
    (String, String, Option<String>, String, Option<String>, Option<String>, String, Option<String>, String);

pub async fn get(store: &Store, user_id: &str, provider: &str) -> Result<Option<Integration>> {
    let row: Option<Row> = sqlx::query_as(
        "SELECT id, provider, external_account_id, scopes, token_expires_at, last_sync_at, status, error_message, \
         settings FROM integrations WHERE user_id = ? AND provider = ?",
    )
    .bind(user_id)
    .bind(provider)
    .fetch_optional(store.pool())
    .await?;
    row.map(
        |(
            id,
            provider,
            external_account_id,
            scopes,
            token_expires_at,
            last_sync_at,
            status,
            error_message,
            settings,
        )| {
            let corrupt = |e: serde_json::Error| Error::Corrupt {
                what: format!("the {provider} integration"),
                detail: e.to_string(),
            };
            Ok(Integration {
                scopes: serde_json::from_str(&scopes).map_err(corrupt)?,
                settings: serde_json::from_str(&settings).map_err(corrupt)?,
                id,
                provider,
                external_account_id,
                token_expires_at,
                last_sync_at,
                status,
                error_message,
            })
        },
    )
    .transpose()
}

/// Creates or updates the row after a successful authorization.
pub async fn save_connected(
    store: &Store,
    user_id: &str,
    provider: &str,
    account_id: &str,
    scopes: &[String],
    token_expires_at: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    let scopes = serde_json::to_string(scopes).map_err(|e| Error::invalid(e.to_string()))?;
    sqlx::query(
        "INSERT INTO integrations (id, user_id, provider, external_account_id, scopes, token_expires_at, status) \
         VALUES (?, ?, ?, ?, ?, ?, 'connected') \
         ON CONFLICT (user_id, provider) DO UPDATE SET \
         external_account_id = excluded.external_account_id, scopes = excluded.scopes, \
         token_expires_at = excluded.token_expires_at, status = 'connected', error_message = NULL, \
         settings = CASE WHEN integrations.external_account_id IS excluded.external_account_id \
                         THEN integrations.settings ELSE '{}' END",
    )
    .bind(crate::new_id())
    .bind(user_id)
    .bind(provider)
    .bind(account_id)
    .bind(scopes)
    .bind(clock::to_db(token_expires_at))
    .execute(store.pool())
    .await?;
    Ok(())
}

pub async fn set_status(
    store: &Store,
    user_id: &str,
    provider: &str,
    status: &str,
    error_message: Option<&str>,
) -> Result<()> {
    sqlx::query("UPDATE integrations SET status = ?, error_message = ? WHERE user_id = ? AND provider = ?")
        .bind(status)
        .bind(error_message)
        .bind(user_id)
        .bind(provider)
        .execute(store.pool())
        .await?;
    Ok(())
}

/// Sets one key of the row's `settings` object (sync cursors and the like).
pub async fn set_setting(
    store: &Store,
    user_id: &str,
    provider: &str,
    key: &str,
    value: Value,
) -> Result<()> {
    sqlx::query(
        "UPDATE integrations SET settings = json_set(settings, '$.' || ?, json(?)) WHERE user_id = ? AND provider = ?",
    )
    .bind(key)
    .bind(value.to_string())
    .bind(user_id)
    .bind(provider)
    .execute(store.pool())
    .await?;
    Ok(())
}
