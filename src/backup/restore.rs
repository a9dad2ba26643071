//! Restore all-or-nothing. The whole backup is checked before anything live
//! changes: the zip's entry count and declared sizes (before unpacking), the
//! manifest, every unpacked size, the database's integrity and row counts,
//! and a migration of the unpacked copy. All of it happens in a staging
//! folder beside the live database (same file system, so every move is a
//! rename). Then the attachments are renamed into place (content-addressed:
//! extra files are harmless to the old database), fsynced, and the database
//! is swapped in with ONE rename. A kill at any point leaves the live path
//! holding exactly the old database or exactly the new one.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::{DB_ENTRY, MANIFEST_ENTRY, Manifest, io, zip_err};
use crate::error::{Error, Result};
use crate::store::Store;

/// More entries than any real data folder holds (a photo a meal for decades).
pub const MAX_ENTRIES: usize = 200_000;
/// Everything unpacked; checked from the zip's directory before unpacking.
pub const MAX_UNPACKED_BYTES: u64 = 64 << 30;
/// A SQLite file deflates 3–20×; attachments are stored. Far past this is a bomb.
const MAX_RATIO: u64 = 200;
/// Entries smaller than this are never refused for their ratio.
const RATIO_FLOOR: u64 = 16 << 20;
/// Staging folders and backup leftovers carry this prefix in the data folder.
pub const STAGING_PREFIX: &str = ".wagner-staging-";

/// A verified, migrated backup waiting beside the live database.
pub struct Staged {
    pub dir: tempfile::TempDir,
    pub manifest: Manifest,
}

impl Staged {
    fn db(&self) -> PathBuf {
        self.dir.path().join(DB_ENTRY)
    }
}

/// The folder holding the database (where staging and safety copies go).
pub fn data_dir_of(db: &Path) -> PathBuf {
    db.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// A staging folder in `parent`, named after this process so a later start
/// can tell a leftover (owner gone) from a restore still running.
pub fn staging_dir(parent: &Path) -> Result<tempfile::TempDir> {
    std::fs::create_dir_all(parent).map_err(io(format!("creating {}", parent.display())))?;
    tempfile::Builder::new()
        .prefix(&format!("{STAGING_PREFIX}{}-", std::process::id()))
        .tempdir_in(parent)
        .map_err(io(format!("creating a staging folder in {}", parent.display())))
}

/// Unpacks `file` into `dir` and checks it completely: no live file is touched.
pub async fn unpack_and_verify(file: &Path, dir: &Path) -> Result<Manifest> {
    let named = |detail: String| Error::Corrupt { what: format!("backup {}", file.display()), detail };
    let f = File::open(file).map_err(io(format!("opening {}", file.display())))?;
    let mut zip = zip::ZipArchive::new(f)
        .map_err(|e| Error::invalid(format!("{} is not a Wagner backup (zip): {e}", file.display())))?;
    if zip.len() > MAX_ENTRIES {
        return Err(named(format!("{} entries; a backup holds at most {MAX_ENTRIES}", zip.len())));
    }
    let manifest: Manifest = {
        let entry = zip.by_name(MANIFEST_ENTRY).map_err(zip_err)?;
        let mut text = String::new();
        entry.take(1 << 20).read_to_string(&mut text).map_err(io("reading the manifest"))?;
        serde_json::from_str(&text).map_err(|e| named(format!("manifest: {e}")))?
    };
    // Everything the directory says, before a byte is unpacked.
    let mut total: u64 = 0;
    let mut attachments = 0i64;
    let mut has_db = false;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(zip_err)?;
        let Some(rel) = entry.enclosed_name() else {
            let name = entry.name().map(|n| n.into_owned()).unwrap_or_else(|_| "(unreadable name)".into());
            return Err(named(format!("entry \"{name}\" points outside its folder")));
        };
        if entry.is_dir() {
            continue;
        }
        if rel.as_os_str() == DB_ENTRY {
            has_db = true;
        } else if rel.starts_with("attachments") {
            attachments += 1;
        } else if rel.as_os_str() != MANIFEST_ENTRY {
            return Err(named(format!("unexpected entry {}", rel.display())));
        }
        let size = entry.size();
        if size > RATIO_FLOOR && size / entry.compressed_size().max(1) > MAX_RATIO {
            return Err(named(format!(
                "{} unpacks {} bytes from {}: refused as a zip bomb",
                rel.display(),
                size,
                entry.compressed_size()
            )));
        }
        total = total.saturating_add(size);
    }
    if total > MAX_UNPACKED_BYTES {
        return Err(named(format!("it unpacks to {total} bytes; the limit is {MAX_UNPACKED_BYTES}")));
    }
    if !has_db {
        return Err(named("it holds no database".into()));
    }
    if attachments != manifest.attachments {
        return Err(named(format!("{attachments} attachments, the manifest says {}", manifest.attachments)));
    }
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(zip_err)?;
        let Some(rel) = entry.enclosed_name() else { continue };
        if entry.is_dir() {
            continue;
        }
        let target = dir.join(&rel);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(io("unpacking the backup"))?;
        }
        let declared = entry.size();
        let mut out = File::create(&target).map_err(io("unpacking the backup"))?;
        // Never more than the directory declared (a lying header is a damaged backup).
        let written = std::io::copy(&mut (&mut entry).take(declared.saturating_add(1)), &mut out)
            .map_err(|e| named(format!("{}: {e}", rel.display())))?;
        if written != declared {
            return Err(named(format!("{} has {written} bytes, the backup says {declared}", rel.display())));
        }
        out.sync_all().map_err(io("unpacking the backup"))?;
    }
    let db = dir.join(DB_ENTRY);
    // Read-only checks on the unpacked copy (no migrations applied yet).
    let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(&db).read_only(true);
    let checks = async {
        let pool = sqlx::sqlite::SqlitePoolOptions::new().max_connections(1).connect_with(opts).await?;
        let integrity: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&pool).await?;
        let version = super::schema_version(&pool).await;
        let counts = super::table_counts(&pool).await;
        pool.close().await;
        Ok::<_, Error>((integrity, version?, counts?))
    };
    let (integrity, version, counts) =
        checks.await.map_err(|e| named(format!("its database cannot be read: {e}")))?;
    if integrity != "ok" {
        return Err(named(format!("its database fails the integrity check: {integrity}")));
    }
    let known = crate::store::latest_schema_version();
    if version > known {
        return Err(Error::invalid(format!(
            "the backup was made by a newer Wagner Coach (schema {version}, this one knows {known}): update first"
        )));
    }
    if version != manifest.schema_version {
        return Err(named(format!("schema {version} but the manifest says {}", manifest.schema_version)));
    }
    for (table, n) in &manifest.counts {
        if counts.get(table) != Some(n) {
            return Err(named(format!("{table} has {:?} rows, the manifest says {n}", counts.get(table))));
        }
    }
    Ok(manifest)
}

/// Verifies the backup and migrates its database, all inside a staging folder beside `db`.
pub async fn stage(file: &Path, db: &Path) -> Result<Staged> {
    let dir = staging_dir(&data_dir_of(db))?;
    let manifest = unpack_and_verify(file, dir.path()).await?;
    let staged = Staged { dir, manifest };
    // Migrate the copy: a backup that cannot be brought to this schema is refused here.
    let store = Store::open(&staged.db()).await.map_err(|e| Error::Corrupt {
        what: format!("backup {}", file.display()),
        detail: format!("its database cannot be brought up to this version: {e}"),
    })?;
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(store.pool()).await?;
    let quick: String = sqlx::query_scalar("PRAGMA quick_check").fetch_one(store.pool()).await?;
    store.close().await;
    if quick != "ok" {
        return Err(Error::Corrupt { what: format!("backup {}", file.display()), detail: quick });
    }
    // One self-contained file: nothing of it may live in a WAL beside it.
    for side in ["-wal", "-shm"] {
        let p = PathBuf::from(format!("{}{side}", staged.db().display()));
        if p.exists() {
            std::fs::remove_file(&p).map_err(io(format!("removing {}", p.display())))?;
        }
    }
    fsync(&staged.db())?;
    Ok(staged)
}

fn fsync(path: &Path) -> Result<()> {
    File::open(path).and_then(|f| f.sync_all()).map_err(io(format!("syncing {}", path.display())))
}

/// A folder's entry list to disk, so a rename in it survives power loss.
fn fsync_dir(path: &Path) -> Result<()> {
    // Windows cannot open a folder to sync it; its renames are durable once they return.
    if cfg!(unix) { fsync(path) } else { Ok(()) }
}

/// `<db name>.before-restore-<stamp>[-n]`, never an existing name.
fn unique_safety_path(db: &Path) -> PathBuf {
    let dir = data_dir_of(db);
    let name = db.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "wagner.db".into());
    let stamp = crate::clock::now().format("%Y%m%dT%H%M%S%.3fZ");
    let mut n = 0;
    loop {
        let candidate = match n {
            0 => dir.join(format!("{name}.before-restore-{stamp}")),
            n => dir.join(format!("{name}.before-restore-{stamp}-{n}")),
        };
        if !candidate.exists() && std::fs::symlink_metadata(&candidate).is_err() {
            return candidate;
        }
        n += 1;
    }
}

/// Folds the live database's WAL into its main file, so the file alone is the database.
async fn checkpoint(db: &Path) -> Result<()> {
    let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(db);
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(opts)
        .await
        .map_err(|e| Error::invalid(format!("{} cannot be opened to be replaced: {e}", db.display())))?;
    let busy: i64 = sqlx::query_scalar("PRAGMA wal_checkpoint(TRUNCATE)").fetch_one(&pool).await?;
    pool.close().await;
    if busy != 0 {
        return Err(Error::invalid(format!(
            "{} is in use by another process (the window?): close it and restore again",
            db.display()
        )));
    }
    let wal = PathBuf::from(format!("{}-wal", db.display()));
    if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
        return Err(Error::invalid(format!(
            "{} is in use by another process (its WAL is not empty): close it and restore again",
            db.display()
        )));
    }
    Ok(())
}

/// Puts a staged backup in place of `db`. With `keep_previous`, the old
/// database stays as a uniquely named safety copy (returned); nothing is
/// ever overwritten. Returns (safety copy, attachments in the backup).
pub async fn swap_in(staged: Staged, db: &Path, keep_previous: bool) -> Result<(Option<PathBuf>, i64)> {
    let data_dir = data_dir_of(db);
    let attachments = install_attachments(staged.dir.path(), &data_dir)?;
    let exists = db.exists();
    let previous = if exists {
        checkpoint(db).await?;
        if keep_previous {
            let kept = unique_safety_path(db);
            // A hard link keeps the old file under a second name without a copy;
            // the rename below then only replaces the live name.
            if std::fs::hard_link(db, &kept).is_err() {
                let part = kept.with_extension("part");
                std::fs::copy(db, &part)
                    .map_err(io(format!("keeping the old database as {}", kept.display())))?;
                fsync(&part)?;
                std::fs::rename(&part, &kept)
                    .map_err(io(format!("keeping the old database as {}", kept.display())))?;
            }
            fsync_dir(&data_dir)?;
            Some(kept)
        } else {
            None
        }
    } else {
        None
    };
    let with_previous = |e: Error| match &previous {
        Some(p) => {
            Error::invalid(format!("{e} (the previous database is unchanged; a copy is at {})", p.display()))
        }
        None => e,
    };
    std::fs::rename(staged.db(), db)
        .map_err(io(format!("moving the restored database to {}", db.display())))
        .map_err(with_previous)?;
    // The old database's (empty, checkpointed) WAL index must not be paired with the new file.
    for side in ["-wal", "-shm"] {
        let p = PathBuf::from(format!("{}{side}", db.display()));
        if p.exists() {
            let _ = std::fs::remove_file(&p);
        }
    }
    fsync_dir(&data_dir)?;
    Ok((previous, attachments))
}

/// Renames the staged attachments into the data folder. A file already there
/// with the right content is kept; one whose content does not match its
/// name (a 0-byte leftover of a killed copy) is replaced.
fn install_attachments(staged: &Path, data_dir: &Path) -> Result<i64> {
    let files = super::attachment_files(staged)?;
    let mut dirs = std::collections::BTreeSet::new();
    for rel in &files {
        let target = data_dir.join(rel);
        let source = staged.join(rel);
        if target.exists() && attachment_ok(&target, rel).unwrap_or(false) {
            continue;
        }
        let parent = target.parent().ok_or_else(|| Error::invalid("attachment path has no folder"))?;
        std::fs::create_dir_all(parent).map_err(io(format!("creating {}", parent.display())))?;
        std::fs::rename(&source, &target).map_err(io(format!("writing {}", target.display())))?;
        dirs.insert(parent.to_path_buf());
    }
    for d in dirs {
        fsync_dir(&d)?;
    }
    Ok(files.len() as i64)
}

/// Whether a content-addressed attachment (`attachments/xx/<sha256>.<ext>`)
/// holds the bytes its name says; other files (thumbnails) only need to be non-empty.
pub fn attachment_ok(path: &Path, rel: &str) -> Result<bool> {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let stem = name.split('.').next().unwrap_or(name);
    let meta = std::fs::metadata(path).map_err(io(format!("reading {}", path.display())))?;
    if meta.len() == 0 {
        return Ok(false);
    }
    if rel.starts_with("attachments/thumbnails/")
        || stem.len() != 64
        || !stem.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return Ok(true);
    }
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    let mut f = File::open(path).map_err(io(format!("reading {}", path.display())))?;
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf).map_err(io(format!("reading {}", path.display())))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    let hex = hasher.finalize().iter().fold(String::with_capacity(64), |mut s, b| {
        use std::fmt::Write as _;
        let _ = write!(s, "{b:02x}");
        s
    });
    Ok(hex.eq_ignore_ascii_case(stem))
}

/// `db check`: every attachment against its name. Returns (checked, damaged relative paths).
pub fn check_attachments(data_dir: &Path) -> Result<(usize, Vec<String>)> {
    let files = super::attachment_files(data_dir)?;
    let mut bad = Vec::new();
    for rel in &files {
        if rel.ends_with(".partial") || !attachment_ok(&data_dir.join(rel), rel)? {
            bad.push(rel.clone());
        }
    }
    Ok((files.len(), bad))
}

/// Removes what killed backups and restores left in `data_dir`: staging
/// folders whose process is gone, `*.zip.part` files in the backups folder
/// and `.partial` attachment copies older than an hour. Errors are logged, never fatal.
pub fn clean_leftovers(data_dir: &Path) {
    let gone = |name: &str| {
        let pid = name
            .strip_prefix(STAGING_PREFIX)
            .and_then(|r| r.split('-').next())
            .and_then(|p| p.parse::<u32>().ok());
        match pid {
            Some(pid) if pid == std::process::id() => false,
            Some(pid) => !Path::new(&format!("/proc/{pid}")).exists() || !Path::new("/proc/self").exists(),
            None => true,
        }
    };
    // `<name>.zip.<pid>.part`: the pid's process is gone.
    let part_gone = |name: &str| {
        let pid =
            name.strip_suffix(".part").and_then(|n| n.rsplit('.').next()).and_then(|p| p.parse::<u32>().ok());
        pid.is_some_and(|pid| pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists())
    };
    let old = |p: &Path| {
        std::fs::metadata(p)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > std::time::Duration::from_secs(3600))
    };
    for dir in [data_dir.to_path_buf(), data_dir.join("backups")] {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let result = if name.starts_with(STAGING_PREFIX) && gone(&name) {
                if path.is_dir() { std::fs::remove_dir_all(&path) } else { std::fs::remove_file(&path) }
            } else if name.ends_with(".part") && name.contains(".zip") && (part_gone(&name) || old(&path)) {
                std::fs::remove_file(&path)
            } else {
                continue;
            };
            match result {
                Ok(()) => tracing::info!("removed the leftover {}", path.display()),
                Err(e) => tracing::warn!("could not remove the leftover {}: {e}", path.display()),
            }
        }
    }
}
