//! Provider API keys: the environment variable wins (headless use, CI), else
//! the key saved from Settings in the OS's durable secret store (the Secret
//! Service on Linux, Keychain, Credential Manager) — or, where none works,
//! the private secrets file beside the database (see `integrations::secrets`). Never SQLite, logs or error messages.

use serde::Serialize;

use super::{ApiKey, Provider, ProviderKind};
use crate::error::{Error, Result};
use crate::integrations::secrets::Secrets;
use crate::store::Store;

/// Where the key in use came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum KeySource {
    /// The provider's environment variable (overrides a saved key).
    Environment,
    /// Saved from Settings in the OS keyring.
    Keyring,
    /// Saved from Settings in the private secrets file (no keyring here).
    File,
}

pub(crate) fn secret_name(kind: ProviderKind) -> String {
    format!("ai-{}-api-key", kind.as_str())
}

fn source_of(secrets: &Secrets) -> KeySource {
    match secrets {
        Secrets::Keyring => KeySource::Keyring,
        Secrets::File(_) => KeySource::File,
    }
}

/// The key for `kind` and where it came from, if there is one.
pub fn find(store: &Store, kind: ProviderKind) -> Result<Option<(ApiKey, KeySource)>> {
    if let Some(key) = Provider::key_from_env(kind) {
        return Ok(Some((key, KeySource::Environment)));
    }
    let secrets = Secrets::detect(store);
    Ok(secrets
        .get(&secret_name(kind))?
        .filter(|s| !s.expose().trim().is_empty())
        .map(|s| (ApiKey::new(s.expose()), source_of(&secrets))))
}

/// Where a key typed in Settings is kept, for the page to say.
pub fn store_description(store: &Store) -> String {
    Secrets::detect(store).describe()
}

/// Saves the key for `kind` (trimmed), or with `None` forgets it.
pub fn save(store: &Store, kind: ProviderKind, key: Option<&str>) -> Result<()> {
    let secrets = Secrets::detect(store);
    match key.map(str::trim) {
        None | Some("") => secrets.delete(&secret_name(kind)),
        Some(key) => {
            // Checked without quoting the key back.
            if key.len() > 512 || key.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(Error::invalid(
                    "that does not look like an API key (no spaces, at most 512 characters): paste it again",
                ));
            }
            secrets.set(&secret_name(kind), key)
        }
    }
}
