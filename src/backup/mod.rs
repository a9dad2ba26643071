//! Backups (one zip: a consistent copy of the database plus the
//! attachments), restore with verification, rolling automatic backups, and
//! the plain-file export (JSON of everything, CSV per table, activities as
//! their original files or GPX) with its lossless re-import.

pub mod cli;
pub mod export;
pub mod live;
pub mod schedule;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

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
    let tmp = tempfile::tempdir().map_err(io("creating a temp folder"))?;
    let copy = tmp.path().join(DB_ENTRY);
    sqlx::query("VACUUM INTO ?").bind(copy.to_string_lossy().to_string()).execute(store.pool()).await?;
    let data_dir = crate::attachments::data_dir(store);
    let attachments = attachment_files(&data_dir)?;
    let manifest = Manifest {
        format: "wagner-backup-1".into(),
        created_at: crate::clock::now_db(),
        app_version: env!("CARGO_PKG_VERSION").into(),
        schema_version: schema_version(store.pool()).await?,
        counts: table_counts(store.pool()).await?,
        attachments: attachments.len() as i64,
    };
    if let Some(parent) = file.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(io(format!("creating {}", parent.display())))?;
    }
    let partial = file.with_extension("zip.part");
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

/// Unpacks and checks a backup without touching any live database:
/// integrity_check, the schema version against this build, and the row
/// counts against the manifest. Returns the unpacked folder and manifest.
pub async fn verify(file: &Path) -> Result<(tempfile::TempDir, Manifest)> {
    let f = File::open(file).map_err(io(format!("opening {}", file.display())))?;
    let mut zip = zip::ZipArchive::new(f).map_err(zip_err)?;
    let manifest: Manifest = {
        let mut entry = zip.by_name(MANIFEST_ENTRY).map_err(zip_err)?;
        let mut text = String::new();
        entry.read_to_string(&mut text).map_err(io("reading the manifest"))?;
        serde_json::from_str(&text).map_err(|e| Error::invalid(format!("backup manifest: {e}")))?
    };
    let dir = tempfile::tempdir().map_err(io("creating a temp folder"))?;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(zip_err)?;
        let Some(rel) = entry.enclosed_name() else {
            return Err(Error::invalid(format!("backup entry {:?} points outside its folder", entry.name())));
        };
        if rel.as_os_str() != DB_ENTRY && rel.as_os_str() != MANIFEST_ENTRY && !rel.starts_with("attachments")
        {
            return Err(Error::invalid(format!("unexpected backup entry {}", rel.display())));
        }
        let target = dir.path().join(rel);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(io("unpacking the backup"))?;
        }
        let mut out = File::create(&target).map_err(io("unpacking the backup"))?;
        std::io::copy(&mut entry, &mut out).map_err(io("unpacking the backup"))?;
    }
    let db = dir.path().join(DB_ENTRY);
    if !db.exists() {
        return Err(Error::invalid("the backup holds no database"));
    }
    // Read-only checks on the unpacked copy (no migrations applied yet).
    let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(&db).read_only(true);
    let pool = sqlx::sqlite::SqlitePoolOptions::new().max_connections(1).connect_with(opts).await?;
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&pool).await?;
    if integrity != "ok" {
        return Err(Error::Corrupt { what: "backup database".into(), detail: integrity });
    }
    let version = schema_version(&pool).await?;
    let known = crate::store::latest_schema_version();
    if version > known {
        return Err(Error::invalid(format!(
            "the backup was made by a newer Wagner Coach (schema {version}, this one knows {known}): update first"
        )));
    }
    if version != manifest.schema_version {
        return Err(Error::Corrupt {
            what: "backup".into(),
            detail: format!("schema {version} but the manifest says {}", manifest.schema_version),
        });
    }
    let counts = table_counts(&pool).await?;
    pool.close().await;
    for (table, n) in &manifest.counts {
        if counts.get(table) != Some(n) {
            return Err(Error::Corrupt {
                what: "backup".into(),
                detail: format!("{table} has {:?} rows, the manifest says {n}", counts.get(table)),
            });
        }
    }
    let attachments = attachment_files(dir.path())?.len() as i64;
    if attachments != manifest.attachments {
        return Err(Error::Corrupt {
            what: "backup".into(),
            detail: format!("{attachments} attachments, the manifest says {}", manifest.attachments),
        });
    }
    Ok((dir, manifest))
}

/// Restores `file` as the database at `db` (plus its attachments). The
/// backup is verified first; an existing database is only replaced with
/// `overwrite`, and is kept beside it as `<name>.before-restore-<time>`.
/// No store may be open on `db` meanwhile.
pub async fn restore(file: &Path, db: &Path, overwrite: bool) -> Result<RestoreReport> {
    let (dir, manifest) = verify(file).await?;
    let exists = db.exists();
    if exists && !overwrite {
        return Err(Error::invalid(format!(
            "{} exists: restoring replaces it (pass --yes to confirm; the old file is kept beside it)",
            db.display()
        )));
    }
    let data_dir = db
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    std::fs::create_dir_all(&data_dir).map_err(io(format!("creating {}", data_dir.display())))?;
    let previous = if exists {
        let stamp = crate::clock::now().format("%Y%m%dT%H%M%S");
        let name = format!(
            "{}.before-restore-{stamp}",
            db.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()
        );
        let kept = data_dir.join(name);
        // A consistent single file: fold the WAL in first.
        {
            let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(db);
            if let Ok(pool) =
                sqlx::sqlite::SqlitePoolOptions::new().max_connections(1).connect_with(opts).await
            {
                sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&pool).await.ok();
                pool.close().await;
            }
        }
        std::fs::rename(db, &kept).map_err(io(format!("moving {} aside", db.display())))?;
        for suffix in ["-wal", "-shm"] {
            let side = PathBuf::from(format!("{}{suffix}", db.display()));
            if side.exists() {
                std::fs::remove_file(&side).map_err(io(format!("removing {}", side.display())))?;
            }
        }
        Some(kept.display().to_string())
    } else {
        None
    };
    std::fs::copy(dir.path().join(DB_ENTRY), db).map_err(io(format!("writing {}", db.display())))?;
    let attachments = copy_attachments(dir.path(), &data_dir)?;
    // Opening applies any migrations newer than the backup.
    let store = Store::open(db).await?;
    crate::sync::identity::renew(&store).await?;
    store.close().await;
    Ok(RestoreReport { db: db.display().to_string(), previous, manifest, attachments })
}

/// Copies an unpacked backup's attachments into the data folder (existing
/// ones are kept: content-addressed, same name means same bytes). Returns
/// how many the backup holds.
fn copy_attachments(unpacked: &Path, data_dir: &Path) -> Result<i64> {
    let files = attachment_files(unpacked)?;
    for rel in &files {
        let target = data_dir.join(rel);
        if target.exists() {
            continue;
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(io(format!("creating {}", parent.display())))?;
        }
        std::fs::copy(unpacked.join(rel), &target).map_err(io(format!("writing {}", target.display())))?;
    }
    Ok(files.len() as i64)
}

/// An automatic backup into `<data dir>/backups`, keeping the newest `keep`
/// automatic ones (manual backups and safety copies are left alone).
pub async fn rolling(store: &Store, keep: usize) -> Result<BackupReport> {
    live::create_in_folder(store, live::BackupKind::Automatic, keep).await
}
