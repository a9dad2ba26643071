//! Where secrets (AI provider keys, the Strava client secret and tokens)
//! live: the platform's durable store — the Secret Service on Linux desktops
//! (GNOME Keyring, KWallet over D-Bus), the Keychain on macOS, Credential
//! Manager on Windows — or, where none is available, a file readable only by
//! the user next to the database. Never SQLite, logs or error messages.
//!
//! Never the Linux kernel's keyutils: it keeps keys in memory only (gone at
//! reboot, expiring when unused). Keys an older version left there are moved
//! to the durable store when the app or the CLI starts ([`move_from_keyutils`]).

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::store::Store;

const SERVICE: &str = "wagner-coach";
/// `WAGNER_SECRETS=file` or `keyring` forces a backend.
pub const BACKEND_ENV: &str = "WAGNER_SECRETS";
pub const FILE_NAME: &str = "secrets.json";

/// A secret value that never shows itself in logs or errors.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Secrets {
    /// The platform's durable store (Linux: the Secret Service).
    Keyring,
    /// A JSON file with mode 0600.
    File(PathBuf),
}

fn secret_error(detail: impl fmt::Display) -> Error {
    Error::Secrets(detail.to_string())
}

impl Secrets {
    /// `secrets.json` beside the database when it exists, else the keyring
    /// when it works on this machine, else that file; `WAGNER_SECRETS`
    /// (`file` or `keyring`) chooses explicitly.
    pub fn detect(store: &Store) -> Self {
        let file = Secrets::File(crate::attachments::data_dir(store).join(FILE_NAME));
        match std::env::var(BACKEND_ENV).ok().as_deref().map(str::trim) {
            Some("file") => return file,
            Some("keyring") => return Secrets::Keyring,
            _ => {}
        }
        // Once secrets went to the file they stay there (and the keyring is not probed again).
        if matches!(&file, Secrets::File(path) if path.exists()) || !keyring_works() {
            file
        } else {
            Secrets::Keyring
        }
    }

    /// Where the secrets are, for messages.
    pub fn describe(&self) -> String {
        match self {
            Secrets::Keyring => platform::NAME.into(),
            Secrets::File(path) => format!("{} (readable only by you)", path.display()),
        }
    }

    pub fn get(&self, name: &str) -> Result<Option<Secret>> {
        match self {
            Secrets::Keyring => keyring_get(name),
            Secrets::File(path) => Ok(read_file(path)?.remove(name).map(Secret)),
        }
    }

    pub fn set(&self, name: &str, value: &str) -> Result<()> {
        match self {
            Secrets::Keyring => keyring_set(name, value),
            Secrets::File(path) => {
                let mut all = read_file(path)?;
                all.insert(name.to_string(), value.to_string());
                write_file(path, &all)
            }
        }
    }

    pub fn delete(&self, name: &str) -> Result<()> {
        match self {
            Secrets::Keyring => keyring_delete(name),
            Secrets::File(path) => {
                let mut all = read_file(path)?;
                if all.remove(name).is_some() {
                    write_file(path, &all)?;
                }
                Ok(())
            }
        }
    }
}

fn read_file(path: &Path) -> Result<BTreeMap<String, String>> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| Error::Corrupt {
            what: path.display().to_string(),
            // serde's message quotes no values for a map of strings; keep only its position.
            detail: format!("not a JSON object of strings (line {}, column {})", e.line(), e.column()),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
        Err(e) => Err(Error::io(format!("reading {}", path.display()), e)),
    }
}

/// Written to a temporary file created 0600, then renamed over the old one.
fn write_file(path: &Path, all: &BTreeMap<String, String>) -> Result<()> {
    use std::io::Write;
    let json = serde_json::to_vec_pretty(all).map_err(|e| secret_error(e.to_string()))?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
    }
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let written = (|| {
        let mut f = options.open(&tmp)?;
        f.write_all(&json)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    written.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(format!("writing {}", path.display()), e)
    })
}

#[cfg(any(target_os = "linux", target_os = "macos", windows))]
mod platform {
    use super::*;

    #[cfg(target_os = "linux")]
    pub const NAME: &str = "the Secret Service (GNOME Keyring / KWallet)";
    #[cfg(target_os = "macos")]
    pub const NAME: &str = "the macOS Keychain";
    #[cfg(windows)]
    pub const NAME: &str = "the Windows Credential Manager";

    fn entry(name: &str) -> Result<keyring::Entry> {
        // Built explicitly: on Linux the crate also carries keyutils (to move
        // old keys out of it), which must never be where a key is saved.
        #[cfg(target_os = "linux")]
        let entry = keyring::secret_service::SsCredential::new_with_target(None, SERVICE, name)
            .map(|c| keyring::Entry::new_with_credential(Box::new(c)));
        #[cfg(not(target_os = "linux"))]
        let entry = keyring::Entry::new(SERVICE, name);
        entry.map_err(|e| secret_error(format!("{NAME}: {e}")))
    }

    /// One probe per process: a Secret Service that answers, with an
    /// unlocked collection (a locked one would prompt on every read).
    pub fn works() -> bool {
        static WORKS: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        *WORKS.get_or_init(|| {
            let probe = format!("probe-{}", uuid::Uuid::new_v4().simple());
            let Ok(e) = entry(&probe) else { return false };
            let ok = e.set_password("probe").is_ok() && e.get_password().is_ok_and(|v| v == "probe");
            let _ = e.delete_credential();
            if !ok {
                tracing::info!("{NAME} is not available: secrets go to the private file");
            }
            ok
        })
    }

    pub fn get(name: &str) -> Result<Option<Secret>> {
        match entry(name)?.get_password() {
            Ok(v) => Ok(Some(Secret(v))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(secret_error(format!("{NAME}: {e}"))),
        }
    }

    pub fn set(name: &str, value: &str) -> Result<()> {
        entry(name)?.set_password(value).map_err(|e| secret_error(format!("{NAME}: {e}")))
    }

    pub fn delete(name: &str) -> Result<()> {
        match entry(name)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(secret_error(format!("{NAME}: {e}"))),
        }
    }
}

#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
mod platform {
    use super::*;
    pub const NAME: &str = "no OS keyring";
    pub fn works() -> bool {
        false
    }
    pub fn get(_: &str) -> Result<Option<Secret>> {
        Err(secret_error("no OS keyring on this platform: set WAGNER_SECRETS=file"))
    }
    pub fn set(_: &str, _: &str) -> Result<()> {
        Err(secret_error("no OS keyring on this platform: set WAGNER_SECRETS=file"))
    }
    pub fn delete(_: &str) -> Result<()> {
        Ok(())
    }
}

/// The kernel keyutils store older versions saved keys in: read and emptied
/// here, never written.
#[cfg(target_os = "linux")]
pub mod keyutils {
    use super::*;

    fn entry(name: &str) -> Option<keyring::Entry> {
        keyring::keyutils::KeyutilsCredential::new_with_target(None, SERVICE, name)
            .ok()
            .map(|c| keyring::Entry::new_with_credential(Box::new(c)))
    }

    pub fn take(name: &str) -> Option<(String, keyring::Entry)> {
        let entry = entry(name)?;
        entry.get_password().ok().map(|v| (v, entry))
    }

    /// For tests: what an older version did when saving a key.
    pub fn put_like_before(name: &str, value: &str) -> Result<()> {
        let entry = entry(name).ok_or_else(|| secret_error("keyutils is not available"))?;
        entry.set_password(value).map_err(|e| secret_error(format!("keyutils: {e}")))
    }

    pub fn get(name: &str) -> Option<String> {
        entry(name).and_then(|e| e.get_password().ok())
    }
}

/// Every name a secret of this database can have: the AI provider keys and
/// each profile's Strava client secret and tokens.
async fn known_names(store: &Store) -> Result<Vec<String>> {
    use crate::ai::ProviderKind;
    let mut names: Vec<String> = [
        ProviderKind::Anthropic,
        ProviderKind::Groq,
        ProviderKind::Openrouter,
        ProviderKind::OpenaiCompatible,
    ]
    .iter()
    .map(|k| crate::ai::keys::secret_name(*k))
    .collect();
    let users: Vec<String> = sqlx::query_scalar("SELECT id FROM users").fetch_all(store.pool()).await?;
    for user in users {
        names.push(crate::integrations::strava::client_secret_name(&user));
        names.push(crate::integrations::strava::tokens_name(&user));
    }
    Ok(names)
}

/// Moves keys an older version left in keyutils into the durable store (the
/// Secret Service, else the private file), so they survive the next reboot.
/// A key already in the durable store wins (it is the newer one). Returns how
/// many moved; what cannot be moved stays where it is and is logged.
pub async fn move_from_keyutils(store: &Store) -> Result<usize> {
    #[cfg(target_os = "linux")]
    {
        // The durable store is only looked for when there is something to move.
        let mut durable: Option<Secrets> = None;
        let mut moved = 0;
        for name in known_names(store).await? {
            let Some((value, old)) = keyutils::take(&name) else { continue };
            let durable = durable.get_or_insert_with(|| Secrets::detect(store));
            if durable.get(&name)?.is_none() {
                durable.set(&name, &value)?;
                moved += 1;
            }
            // Only once the durable copy reads back.
            if durable.get(&name)?.is_some() {
                let _ = old.delete_credential();
            }
        }
        if let Some(durable) = durable.filter(|_| moved > 0) {
            tracing::info!("moved {moved} saved key(s) from the kernel keyring to {}", durable.describe());
        }
        Ok(moved)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = known_names;
        let _ = store;
        Ok(0)
    }
}

/// [`move_from_keyutils`] at start-up: never stops the start, only logs.
pub async fn on_start(store: &Store) {
    if let Err(e) = move_from_keyutils(store).await {
        tracing::warn!("could not move saved keys out of the kernel keyring: {e}");
    }
}

fn keyring_works() -> bool {
    platform::works()
}
fn keyring_get(name: &str) -> Result<Option<Secret>> {
    platform::get(name)
}
fn keyring_set(name: &str, value: &str) -> Result<()> {
    platform::set(name, value)
}
fn keyring_delete(name: &str) -> Result<()> {
    platform::delete(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_store_round_trips_and_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let secrets = Secrets::File(dir.path().join("secrets.json"));
        assert_eq!(secrets.get("a").unwrap(), None);
        secrets.set("a", "one").unwrap();
        secrets.set("b", "two").unwrap();
        secrets.delete("a").unwrap();
        assert_eq!(secrets.get("a").unwrap(), None);
        assert_eq!(secrets.get("b").unwrap().unwrap().expose(), "two");
        assert_eq!(format!("{:?}", secrets.get("b").unwrap()), "Some(Secret(***))");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("secrets.json")).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    /// Whatever this machine offers, the chosen backend keeps and forgets a
    /// secret (without a Secret Service on the session bus, the file).
    #[tokio::test]
    async fn detect_chooses_a_backend_that_works() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("wagner.db")).await.unwrap();
        let secrets = Secrets::detect(&store);
        if let Secrets::File(path) = &secrets {
            assert_eq!(path, &dir.path().join(FILE_NAME));
        }
        let name = format!("test-{}", uuid::Uuid::new_v4().simple());
        secrets.set(&name, "value").unwrap();
        assert_eq!(secrets.get(&name).unwrap().unwrap().expose(), "value");
        secrets.delete(&name).unwrap();
        assert_eq!(secrets.get(&name).unwrap(), None);
    }
}
