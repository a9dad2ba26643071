//! Backups as the desktop window sees them: the list in the backups folder,
//! a picked file staged for restore, and restoring over the open database
//! with a safety backup first so the restore can be undone.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{BackupReport, Manifest, create, io, verify};
use crate::error::{Error, Result};
use crate::store::Store;

/// Automatic (scheduled or `wagner backup --keep N`) backups: `wagner-<stamp>.zip`.
const AUTOMATIC_PREFIX: &str = "wagner-";
const MANUAL_PREFIX: &str = "wagner-manual-";
const SAFETY_PREFIX: &str = "wagner-before-restore-";
/// File-name time stamps: sortable, unique to the millisecond, no colons.
const STAMP: &str = "%Y%m%dT%H%M%S%.3fZ";
/// Safety backups kept (each one undoes one restore).
const KEEP_SAFETY: usize = 3;
/// Where a file picked in the window waits while it is checked and restored.
const PICKED_DIR: &str = ".picked";

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum BackupKind {
    /// Made on the daily schedule (or by `wagner backup --keep N`).
    Automatic,
    /// "Back up now", or a zip the user put in the folder.
    Manual,
    /// The database as it was just before a restore replaced it.
    BeforeRestore,
}

impl BackupKind {
    fn prefix(self) -> &'static str {
        match self {
            BackupKind::Automatic => AUTOMATIC_PREFIX,
            BackupKind::Manual => MANUAL_PREFIX,
            BackupKind::BeforeRestore => SAFETY_PREFIX,
        }
    }
}

/// One backup in the backups folder.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BackupFile {
    pub path: String,
    pub name: String,
    /// UTC, as stored (from the file name, else the file's modification time).
    pub created_at: String,
    pub bytes: i64,
    pub kind: BackupKind,
}

/// What a backup holds, checked: shown before the user confirms a restore.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BackupInfo {
    pub file: String,
    pub bytes: i64,
    pub manifest: Manifest,
    /// Rows over every table.
    pub rows: i64,
}

/// The outcome of a restore over the open database.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LiveRestoreReport {
    /// The backup that was restored.
    pub file: String,
    pub manifest: Manifest,
    pub attachments: i64,
    /// The safety backup of the replaced database: restoring it undoes this restore.
    pub undo_file: Option<String>,
}

/// `<data folder>/backups`.
pub fn folder(store: &Store) -> PathBuf {
    crate::attachments::data_dir(store).join("backups")
}

fn stamp_now() -> String {
    crate::clock::now().format(STAMP).to_string()
}

/// The kind and time a backup's name says, if it is one of ours.
fn parse_name(name: &str) -> Option<(BackupKind, Option<chrono::DateTime<chrono::Utc>>)> {
    let stem = name.strip_suffix(".zip")?;
    let (kind, stamp) = if let Some(s) = stem.strip_prefix(SAFETY_PREFIX) {
        (BackupKind::BeforeRestore, s)
    } else if let Some(s) = stem.strip_prefix(MANUAL_PREFIX) {
        (BackupKind::Manual, s)
    } else if let Some(s) =
        stem.strip_prefix(AUTOMATIC_PREFIX).filter(|s| s.starts_with(|c: char| c.is_ascii_digit()))
    {
        (BackupKind::Automatic, s)
    } else {
        return Some((BackupKind::Manual, None));
    };
    let at = chrono::NaiveDateTime::parse_from_str(stamp, STAMP).ok().map(|t| t.and_utc());
    Some((kind, at))
}

/// The backups in `dir`, newest first. A missing folder is an empty list.
pub fn list_in(dir: &Path) -> Result<Vec<BackupFile>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io(format!("reading {}", dir.display()), e)),
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(io(format!("reading {}", dir.display())))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some((kind, at)) = parse_name(&name) else { continue };
        let Ok(meta) = entry.metadata() else { continue };
        if !meta.is_file() {
            continue;
        }
        let at = at.or_else(|| meta.modified().ok().map(chrono::DateTime::<chrono::Utc>::from));
        let created_at =
            at.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)).unwrap_or_default();
        out.push(BackupFile {
            path: entry.path().display().to_string(),
            name,
            created_at,
            bytes: meta.len() as i64,
            kind,
        });
    }
    out.sort_by(|a, b| b.created_at.cmp(&a.created_at).then_with(|| b.name.cmp(&a.name)));
    Ok(out)
}

/// The backups of this store's data folder, newest first.
pub fn list(store: &Store) -> Result<Vec<BackupFile>> {
    list_in(&folder(store))
}

/// A backup of `kind` into the backups folder; keeps the newest `keep` of that kind.
pub async fn create_in_folder(store: &Store, kind: BackupKind, keep: usize) -> Result<BackupReport> {
    let dir = folder(store);
    let name = format!("{}{}.zip", kind.prefix(), stamp_now());
    let report = create(store, &dir.join(&name)).await?;
    let mut same: Vec<BackupFile> = list_in(&dir)?
        .into_iter()
        .filter(|f| f.kind == kind && parse_name(&f.name).is_some_and(|(_, at)| at.is_some()))
        .collect();
    // Newest first: everything after the first `keep` goes.
    for old in same.drain(..).skip(keep.max(1)) {
        std::fs::remove_file(&old.path).map_err(io(format!("removing {}", old.path)))?;
    }
    Ok(report)
}

/// Checks a backup without touching the database and says what it holds.
pub async fn inspect(file: &Path) -> Result<BackupInfo> {
    let (_unpacked, manifest) = verify(file).await?;
    let bytes = std::fs::metadata(file).map(|m| m.len() as i64).unwrap_or(0);
    let rows = manifest.counts.values().sum();
    Ok(BackupInfo { file: file.display().to_string(), bytes, manifest, rows })
}

/// Keeps a file picked in the window (its bytes) where a restore can read
/// it; only the latest pick is kept.
pub fn stage_picked(store: &Store, name: &str, bytes: &[u8]) -> Result<PathBuf> {
    let dir = folder(store).join(PICKED_DIR);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(io(format!("clearing {}", dir.display())))?;
    }
    std::fs::create_dir_all(&dir).map_err(io(format!("creating {}", dir.display())))?;
    let safe: String = Path::new(name)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
        .chars()
        .map(|c| if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' })
        .collect();
    let path = dir.join(if safe.is_empty() { "picked.zip".to_string() } else { safe });
    std::fs::write(&path, bytes).map_err(io(format!("writing {}", path.display())))?;
    Ok(path)
}

/// Restores `file` over the database `store` has open. In order: the backup
/// is verified and its database migrated in a staging folder beside the live
/// one (nothing changes when that fails); with `safety`, a backup of the
/// current database is made (`undo_file`, which undoes the restore); `store`
/// is closed (every clone of it with it); the attachments and then the
/// database are renamed into place (one rename: see [`super::restore`]) and
/// opened. When a step after the close fails, the old database is still in
/// place and is reopened.
///
/// Returns the store to use from now on, `None` when `store` was never
/// closed (the verification or the safety backup failed), with the outcome.
pub async fn restore_live(
    store: &Store,
    file: &Path,
    safety: bool,
) -> (Option<Store>, Result<LiveRestoreReport>) {
    let db = store.path().to_path_buf();
    let staged = match super::restore::stage(file, &db).await {
        Ok(v) => v,
        Err(e) => return (None, Err(e)),
    };
    let manifest = staged.manifest.clone();
    let undo_file = if safety {
        match create_in_folder(store, BackupKind::BeforeRestore, KEEP_SAFETY).await {
            Ok(r) => Some(r.file),
            Err(e) => return (None, Err(e)),
        }
    } else {
        None
    };
    store.close().await;

    let installed = async {
        let (_, attachments) = super::restore::swap_in(staged, &db, false).await?;
        let store = Store::open(&db).await?;
        crate::sync::identity::renew(&store).await?;
        Ok::<_, Error>((store, attachments))
    }
    .await;
    match installed {
        Ok((new_store, attachments)) => {
            if let Err(e) = crate::nutrition::foods::ensure_loaded(&new_store).await {
                tracing::warn!("could not load the food database after the restore: {e}");
            }
            let report =
                LiveRestoreReport { file: file.display().to_string(), manifest, attachments, undo_file };
            (Some(new_store), Ok(report))
        }
        Err(e) => match Store::open(&db).await {
            Ok(old) => (Some(old), Err(e)),
            Err(reopen) => {
                tracing::error!("could not reopen the database after a failed restore: {reopen}");
                (None, Err(e))
            }
        },
    }
}
