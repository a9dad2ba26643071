//! Backups (one zip: a consistent copy of the database plus the
//! attachments), restore with verification, rolling automatic backups, and
//! the plain-file export (JSON of everything, CSV per table, activities as
//! their original files or GPX) with its lossless re-import.

pub mod cli;
pub mod csv_safe;
pub mod export;
pub mod live;
pub mod restore;
pub mod schedule;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sqlx::AssertSqlSafe;

use crate::error::{Error, Result};
use crate::store::Store;

pub const DB_ENTRY: &str = "wagner.db";
pub const MANIFEST_ENTRY: &str = "manifest.json";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Manifest {
    pub format: String,
    pub created_at: String,
    pub app_version: String,
    pub schema_version: i64,
    /// Rows per table at the time of the backup.
    pub counts: BTreeMap<String, i64>,
    pub attachments: i64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BackupReport {
    pub file: String,
    pub bytes: i64,
    pub manifest: Manifest,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RestoreReport {
    pub db: String,
    /// Where the replaced database was kept, if there was one.
    pub previous: Option<String>,
    pub manifest: Manifest,
    pub attachments: i64,
}

fn io(ctx: impl Into<String>) -> impl FnOnce(std::io::Error) -> Error {
    let ctx = ctx.into();
    move |e| Error::io(ctx, e)
}

fn zip_err(e: zip::result::ZipError) -> Error {
    Error::invalid(format!("not a Wagner backup (zip): {e}"))
}

/// User tables and their row counts (the verification basis).
pub async fn table_counts(pool: &sqlx::SqlitePool) -> Result<BTreeMap<String, i64>> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' \
         AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_%' ESCAPE '\\' \
         AND name NOT LIKE '%\\_fts\\_%' ESCAPE '\\' AND name NOT LIKE '%vectors\\_%' ESCAPE '\\' ORDER BY name",
    )
    .fetch_all(pool)
    .await?;
    let mut out = BTreeMap::new();
    for t in tables {
        let n: i64 = sqlx::query_scalar(AssertSqlSafe(format!("SELECT count(*) FROM \"{t}\"")))
            .fetch_one(pool)
            .await?;
        out.insert(t, n);
    }
    Ok(out)
}

async fn schema_version(pool: &sqlx::SqlitePool) -> Result<i64> {
    let v: Option<i64> = sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations WHERE success = 1")
        .fetch_one(pool)
        .await?;
    Ok(v.unwrap_or(0))
}

/// Files under `attachments/` in the data folder, as relative paths.
pub fn attachment_files(data_dir: &Path) -> Result<Vec<String>> {
    fn walk(dir: &Path, base: &Path, out: &mut Vec<String>) -> Result<()> {
        let entries = match std::fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(Error::io(format!("reading {}", dir.display()), e)),
        };
        for entry in entries {
            let path = entry.map_err(io(format!("reading {}", dir.display())))?.path();
            if path.is_dir() {
                walk(&path, base, out)?;
            } else if let Ok(rel) = path.strip_prefix(base) {
                let parts: Vec<String> =
                    rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
                out.push(parts.join("/"));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(&data_dir.join("attachments"), data_dir, &mut out)?;
    out.sort();
    Ok(out)
}

/// Writes a backup of the open store to `file` (a zip): a transactionally
/// consistent copy made with `VACUUM INTO` (SQLite's online copy; logging
/// goes on meanwhile), the attachments and a manifest.
pub async fn create(store: &Store, file: &Path) -> Result<BackupReport> {
    let data_dir = crate::attachments::data_dir(store);
    // What killed backups and restores left behind goes first.
    restore::clean_leftovers(&data_dir);
    // In the data folder (not /tmp), named after this process: a kill leaves
    // nothing that the next backup or start does not remove.
    let tmp = restore::staging_dir(&data_dir)?;
    let copy = tmp.path().join(DB_ENTRY);
    // Without the memory map: a large file copied through mapped pages
    // would count them all as resident memory.
    let mut reader = export::bulk_reader(store).await?;
    sqlx::query("VACUUM INTO ?").bind(copy.to_string_lossy().to_string()).execute(&mut reader).await?;
    drop(reader);
    // Counted on the copy itself, so the manifest matches it even while logging goes on.
    let copy_pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(sqlx::sqlite::SqliteConnectOptions::new().filename(&copy).read_only(true))
        .await?;
    let (schema_version, counts) = (schema_version(&copy_pool).await?, table_counts(&copy_pool).await?);
    copy_pool.close().await;
    let attachments = attachment_files(&data_dir)?;
    let manifest = Manifest {
        format: "wagner-backup-1".into(),
        created_at: crate::clock::now_db(),
        app_version: env!("CARGO_PKG_VERSION").into(),
        schema_version,
        counts,
        attachments: attachments.len() as i64,
    };
    if let Some(parent) = file.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(io(format!("creating {}", parent.display())))?;
    }
    // Named after this process, so the next backup or start can tell a leftover of a killed one.
    let partial = file.with_extension(format!("zip.{}.part", std::process::id()));
    {
        let out = File::create(&partial).map_err(io(format!("creating {}", partial.display())))?;
        let mut zip = zip::ZipWriter::new(out);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        zip.start_file(MANIFEST_ENTRY, opts).map_err(zip_err)?;
        let text = serde_json::to_vec_pretty(&manifest).map_err(|e| Error::invalid(e.to_string()))?;
        zip.write_all(&text).map_err(io("writing the backup"))?;
        zip.start_file(DB_ENTRY, opts).map_err(zip_err)?;
        let mut db = File::open(&copy).map_err(io("reading the database copy"))?;
        std::io::copy(&mut db, &mut zip).map_err(io("writing the backup"))?;
        for rel in &attachments {
            // Attachments are already compressed (JPEG, MP3…): store them.
            let stored = opts.compression_method(zip::CompressionMethod::Stored);
            zip.start_file(rel.as_str(), stored).map_err(zip_err)?;
            let mut f = File::open(data_dir.join(rel)).map_err(io(format!("reading {rel}")))?;
            std::io::copy(&mut f, &mut zip).map_err(io("writing the backup"))?;
        }
        zip.finish().map_err(zip_err)?.sync_all().map_err(io("writing the backup"))?;
    }
    std::fs::rename(&partial, file).map_err(io(format!("writing {}", file.display())))?;
    let bytes = std::fs::metadata(file).map(|m| m.len() as i64).unwrap_or(0);
    Ok(BackupReport { file: file.display().to_string(), bytes, manifest })
}

/// Unpacks and checks a backup without touching any live database (see
/// [`restore::unpack_and_verify`]). Returns the unpacked folder and manifest.
pub async fn verify(file: &Path) -> Result<(tempfile::TempDir, Manifest)> {
    let dir = tempfile::tempdir().map_err(io("creating a temp folder"))?;
    let manifest = restore::unpack_and_verify(file, dir.path()).await?;
    Ok((dir, manifest))
}

/// Restores `file` as the database at `db` (plus its attachments),
/// all-or-nothing (see [`restore`]): the backup is verified and migrated
/// beside `db` first; an existing database is only replaced with
/// `overwrite`, and is kept beside it as `<name>.before-restore-<time>`
/// (never overwritten). No store may be open on `db` meanwhile.
pub async fn restore(file: &Path, db: &Path, overwrite: bool) -> Result<RestoreReport> {
    let exists = db.exists();
    if exists && !overwrite {
        return Err(Error::invalid(format!(
            "{} exists: restoring replaces it (pass --yes to confirm; the old file is kept beside it)",
            db.display()
        )));
    }
    restore::clean_leftovers(&restore::data_dir_of(db));
    let staged = restore::stage(file, db).await.map_err(|e| unchanged(e, db, exists))?;
    let manifest = staged.manifest.clone();
    let (previous, attachments) = restore::swap_in(staged, db, true).await?;
    // A restored file is another install for sync (a kill before this is
    // caught by the marker check at the next sync).
    let store = Store::open(db).await?;
    crate::sync::identity::renew(&store).await?;
    store.close().await;
    Ok(RestoreReport {
        db: db.display().to_string(),
        previous: previous.map(|p| p.display().to_string()),
        manifest,
        attachments,
    })
}

/// The error of a refused restore, saying the live database was not touched.
fn unchanged(e: Error, db: &Path, exists: bool) -> Error {
    if !exists {
        return e;
    }
    let note = format!("nothing was changed: {} is still the database it was", db.display());
    match e {
        Error::Corrupt { what, detail } => Error::Corrupt { what, detail: format!("{detail} ({note})") },
        Error::Invalid(m) => Error::Invalid(format!("{m} ({note})")),
        other => other,
    }
}

/// An automatic backup into `<data dir>/backups`, keeping the newest `keep`
/// automatic ones (manual backups and safety copies are left alone).
pub async fn rolling(store: &Store, keep: usize) -> Result<BackupReport> {
    live::create_in_folder(store, live::BackupKind::Automatic, keep).await
}
