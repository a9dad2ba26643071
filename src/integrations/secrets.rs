//! Where integration secrets (client secrets, OAuth tokens) live: the OS
//! keyring, or a file readable only by the user next to the database when no
//! keyring is available. Never SQLite, logs or error messages.

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
    /// The platform keyring (Linux: the kernel keyutils user keyring).
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
            Secrets::Keyring => "the OS keyring".into(),
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

    fn entry(name: &str) -> Result<keyring::Entry> {
        keyring::Entry::new(SERVICE, name).map_err(|e| secret_error(format!("the OS keyring: {e}")))
    }

    pub fn works() -> bool {
        let probe = format!("probe-{}", uuid::Uuid::new_v4().simple());
        let Ok(e) = keyring::Entry::new(SERVICE, &probe) else { return false };
        let ok = e.set_password("probe").is_ok() && e.get_password().is_ok_and(|v| v == "probe");
        let _ = e.delete_credential();
        ok
    }

    pub fn get(name: &str) -> Result<Option<Secret>> {
        match entry(name)?.get_password() {
            Ok(v) => Ok(Some(Secret(v))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(secret_error(format!("the OS keyring: {e}"))),
        }
    }

    pub fn set(name: &str, value: &str) -> Result<()> {
        entry(name)?.set_password(value).map_err(|e| secret_error(format!("the OS keyring: {e}")))
    }

    pub fn delete(name: &str) -> Result<()> {
        match entry(name)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(secret_error(format!("the OS keyring: {e}"))),
        }
    }
}

#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
mod platform {
    use super::*;
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
    /// secret (here the kernel keyring cannot link to the persistent keyring,
    /// so the file is chosen).
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
