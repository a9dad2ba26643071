//! The SQLite store: one pool over one file the user owns.
//!
//! Every connection has sqlite-vec registered, WAL journaling, foreign keys
//! on and a busy timeout. Migrations in `migrations/` are applied on open.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Once};
use std::time::Duration;

use serde::Serialize;
use sqlx::pool::PoolConnection;
use sqlx::sqlite::{
    Sqlite, SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Connection, SqliteConnection, Transaction};

use crate::error::{Error, Result};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Registers sqlite-vec as an auto-extension so every connection that the
/// bundled SQLite opens from now on has `vec0` and `vec_version()`.
fn register_sqlite_vec() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // SAFETY: sqlite3_vec_init has the signature SQLite expects of an
        // extension entry point; sqlx links this same libsqlite3-sys.
        unsafe {
            type EntryPoint = unsafe extern "C" fn(
                *mut libsqlite3_sys::sqlite3,
                *mut *mut std::os::raw::c_char,
                *const libsqlite3_sys::sqlite3_api_routines,
            ) -> std::os::raw::c_int;
            let init: EntryPoint = std::mem::transmute(sqlite_vec::sqlite3_vec_init as *const ());
            libsqlite3_sys::sqlite3_auto_extension(Some(init));
        }
    });
}

#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
    path: PathBuf,
    /// Vector count from which a scan over the vectors maps the file: see [`Store::scan_connection`].
    map_from_vectors: Arc<AtomicI64>,
}

/// Page cache per pooled connection, in KiB (SQLite's own default is 2,000):
/// at most four connections, so the pool never caches more than 8 MiB.
const POOL_CACHE_KIB: i64 = 2048;

/// The memory map a scan over many vectors gets while it runs (the whole
/// file up to this size): what keeps a 100,000-vector search fast without
/// every pooled connection keeping the file's pages resident.
const SCAN_MMAP_BYTES: i64 = 256 * 1024 * 1024;

/// From this many stored vectors (about 30 MB of float vectors), a semantic
/// search maps the file while it runs. Below it, reads go through the page
/// cache: the mapping would only hold the file's pages as resident memory
/// for no measurable gain.
pub const MAP_FROM_VECTORS: i64 = 20_000;

/// A pooled connection for one scan over the vectors (see
/// [`Store::scan_connection`]). [`ScanConnection::release`] drops the memory
/// map and hands the connection back to the pool; a scan that ends any other
/// way (an error, a cancelled command) closes the connection instead, so a
/// mapping never outlives its scan.
pub struct ScanConnection {
    conn: Option<PoolConnection<Sqlite>>,
    mapped: bool,
}

impl ScanConnection {
    /// Whether the file is memory-mapped for this scan.
    pub fn is_mapped(&self) -> bool {
        self.mapped
    }

    /// The connection to run the scan on.
    pub fn conn(&mut self) -> Result<&mut SqliteConnection> {
        match self.conn.as_mut() {
            Some(c) => Ok(&mut **c),
            None => Err(Error::invalid("the scan's connection was already released")),
        }
    }

    /// Ends the scan: the map goes, the connection returns to the pool (or
    /// is closed when the map could not be dropped).
    pub async fn release(mut self) {
        let Some(mut conn) = self.conn.take() else { return };
        if self.mapped && sqlx::query("PRAGMA mmap_size = 0").execute(&mut *conn).await.is_err() {
            conn.close_on_drop();
        }
    }
}

impl Drop for ScanConnection {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.as_mut()
            && self.mapped
        {
            conn.close_on_drop();
        }
    }
}

/// What `wagner db check` reports.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DbCheck {
    pub path: String,
    pub schema_version: i64,
    pub migrations_applied: i64,
    pub migrations_known: i64,
    pub integrity: String,
    pub foreign_key_violations: i64,
    pub sqlite_version: String,
    pub vec_version: String,
    pub journal_mode: String,
    pub tables: Vec<String>,
}

impl DbCheck {
    pub fn is_healthy(&self) -> bool {
        self.integrity == "ok"
            && self.foreign_key_violations == 0
            && self.migrations_applied == self.migrations_known
    }
}

/// The whole of `db check`: the database, then every attachment against its
/// content hash (a 0-byte leftover is damage). What the CLI and Settings show.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Health {
    pub database: DbCheck,
    pub attachments_checked: u32,
    /// Damaged attachments, relative to the data folder.
    pub attachments_damaged: Vec<String>,
    pub healthy: bool,
}

/// Checks the database and its attachments (the hashing runs off the async threads).
pub async fn health(store: &Store) -> Result<Health> {
    let database = store.check().await?;
    let data_dir = crate::attachments::data_dir(store);
    let (checked, damaged) =
        tokio::task::spawn_blocking(move || crate::backup::restore::check_attachments(&data_dir))
            .await
            .map_err(|e| Error::io("checking attachments", std::io::Error::other(e.to_string())))??;
    Ok(Health {
        healthy: database.is_healthy() && damaged.is_empty(),
        database,
        attachments_checked: u32::try_from(checked).unwrap_or(u32::MAX),
        attachments_damaged: damaged,
    })
}

/// Begins a transaction that holds the write lock from its first statement
/// (`BEGIN IMMEDIATE`). A deferred transaction that reads and then writes
/// cannot wait for the lock: when another connection committed in between,
/// SQLite answers "database is locked" at once instead of using the busy
/// timeout. Every transaction here that may write starts this way.
pub async fn begin_write(pool: &SqlitePool) -> Result<Transaction<'static, Sqlite>> {
    Ok(pool.begin_with("BEGIN IMMEDIATE").await?)
}

/// [`begin_write`] on a connection already held.
pub async fn begin_write_on(conn: &mut SqliteConnection) -> Result<Transaction<'_, Sqlite>> {
    Ok(conn.begin_with("BEGIN IMMEDIATE").await?)
}

impl Store {
    /// Opens (creating if needed) the database file and applies migrations.
    pub async fn open(path: &Path) -> Result<Self> {
        register_sqlite_vec();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|e| Error::io(format!("creating the data folder {}", parent.display()), e))?;
        }
        let options = SqliteConnectOptions::from_str("sqlite://")
            .map_err(|source| Error::Open { path: path.to_owned(), source })?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5))
            .pragma("temp_store", "memory")
            // No memory map on the pool: mapped pages of the file count as the
            // app's resident memory for as long as the connection lives. A
            // scan over many vectors maps the file while it runs
            // (`scan_connection`); everything else reads through a small cache.
            .pragma("mmap_size", "0")
            .pragma("cache_size", format!("-{POOL_CACHE_KIB}"));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(|source| Error::Open { path: path.to_owned(), source })?;
        // Work that depends on the schema (vector copies for an older file,
        // planner statistics) runs only when migrations ran: an up-to-date
        // file opens in O(1), whatever the size of its history.
        let applied: Option<i64> =
            sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success = 1")
                .fetch_one(&pool)
                .await
                .unwrap_or(None);
        MIGRATOR.run(&pool).await?;
        let store = Store {
            pool,
            path: path.to_owned(),
            map_from_vectors: Arc::new(AtomicI64::new(MAP_FROM_VECTORS)),
        };
        // What a killed backup or restore left beside the database goes.
        crate::backup::restore::clean_leftovers(&crate::attachments::data_dir(&store));
        if applied != Some(latest_schema_version()) {
            // A new file has no rows to gather statistics of.
            store.after_migrations(applied.is_some()).await?;
        } else if crate::embeddings::bits_all_missing(&mut *store.pool.acquire().await?).await? {
            // Two EXISTS probes: a file whose binary copies were all lost.
            store.fill_vector_bits().await?;
        }
        Ok(store)
    }

    /// Opens a database that must already exist (every command but `init`):
    /// a missing or empty file is an error that says so, never a new
    /// database; a file this user cannot write opens read-only (reading
    /// commands work, writes fail with a clear SQLite error).
    pub async fn open_existing(path: &Path) -> Result<Self> {
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::NoDatabase { path: path.to_path_buf(), detail: "does not exist" });
            }
            Err(e) => return Err(Error::io(format!("opening {}", path.display()), e)),
        };
        if !meta.is_file() {
            return Err(Error::invalid(format!("{} is not a database file", path.display())));
        }
        if meta.len() == 0 {
            return Err(Error::NoDatabase {
                path: path.to_path_buf(),
                detail: "is empty, not a Wagner database",
            });
        }
        if std::fs::OpenOptions::new().write(true).open(path).is_ok() {
            return Self::open(path).await;
        }
        register_sqlite_vec();
        // Read-only: no migration, no WAL set-up; the file must already be current.
        let options = SqliteConnectOptions::new().filename(path).read_only(true).immutable(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(2)
            .connect_with(options)
            .await
            .map_err(|source| Error::Open { path: path.to_owned(), source })?;
        let version: Option<i64> =
            sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations WHERE success = 1")
                .fetch_one(&pool)
                .await
                .map_err(|_| Error::invalid(format!("{} is not a Wagner database", path.display())))?;
        if version != Some(latest_schema_version()) {
            return Err(Error::invalid(format!(
                "{} is read-only and was made by another version of Wagner Coach: make it writable to update it",
                path.display()
            )));
        }
        tracing::info!("{} is read-only: opened for reading", path.display());
        Ok(Store {
            pool,
            path: path.to_owned(),
            map_from_vectors: Arc::new(AtomicI64::new(MAP_FROM_VECTORS)),
        })
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// A write transaction: see [`begin_write`].
    pub async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>> {
        begin_write(&self.pool).await
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A connection for one scan over the stored vectors (semantic search,
    /// similar items). When the file holds at least [`MAP_FROM_VECTORS`]
    /// vectors (or the count set by [`Store::set_map_from_vectors`]) the file
    /// is memory-mapped on this connection until [`ScanConnection::release`];
    /// otherwise it is a plain pooled connection. The count is an O(log n)
    /// upper bound (the highest row id of the vector table).
    pub async fn scan_connection(&self) -> Result<ScanConnection> {
        let mut conn = self.pool.acquire().await?;
        let vectors: i64 =
            sqlx::query_scalar("SELECT COALESCE(MAX(rowid), 0) FROM quick_entry_embedding_vectors_rowids")
                .fetch_one(&mut *conn)
                .await?;
        let mut scan = ScanConnection { conn: Some(conn), mapped: false };
        if vectors >= self.map_from_vectors.load(Ordering::Relaxed) {
            // From here on the connection is closed unless `release` unmaps it.
            scan.mapped = true;
            sqlx::query(sqlx::AssertSqlSafe(format!("PRAGMA mmap_size = {SCAN_MMAP_BYTES}")))
                .execute(scan.conn()?)
                .await?;
        }
        Ok(scan)
    }

    /// Sets the vector count from which scans map the file (tests and
    /// benchmarks exercise the mapped path on small files with it).
    pub fn set_map_from_vectors(&self, vectors: i64) {
        self.map_from_vectors.store(vectors, Ordering::Relaxed);
    }

    /// Closes the pool after `PRAGMA optimize`, as SQLite recommends for
    /// short-lived connections (it refreshes statistics only where they drifted).
    pub async fn close(&self) {
        let _ = optimize(&self.pool).await;
        self.pool.close().await;
    }

    async fn fill_vector_bits(&self) -> Result<()> {
        let mut tx = self.begin_write().await?;
        crate::embeddings::fill_missing_bits(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// After migrations: binary copies for vectors of a file from before
    /// they existed, and fresh planner statistics (SQLite: ANALYZE after
    /// schema changes; `analysis_limit` keeps it fast on a large file).
    async fn after_migrations(&self, had_data: bool) -> Result<()> {
        let missing = crate::embeddings::bits_missing(&mut *self.pool.acquire().await?).await?;
        if missing {
            self.fill_vector_bits().await?;
        }
        if had_data {
            let mut conn = self.pool.acquire().await?;
            sqlx::query("PRAGMA analysis_limit = 1000").execute(&mut *conn).await?;
            sqlx::query("ANALYZE").execute(&mut *conn).await?;
        }
        Ok(())
    }

    /// Schema version, integrity and extension versions: `wagner db check`.
    pub async fn check(&self) -> Result<DbCheck> {
        let pool = &self.pool;
        let (schema_version, migrations_applied): (Option<i64>, i64) =
            sqlx::query_as("SELECT MAX(version), COUNT(*) FROM _sqlx_migrations WHERE success = 1")
                .fetch_one(pool)
                .await?;
        let integrity: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(pool).await?;
        let fk_rows = sqlx::query("PRAGMA foreign_key_check").fetch_all(pool).await?;
        let sqlite_version: String = sqlx::query_scalar("SELECT sqlite_version()").fetch_one(pool).await?;
        let vec_version: String = sqlx::query_scalar("SELECT vec_version()").fetch_one(pool).await?;
        let journal_mode: String = sqlx::query_scalar("PRAGMA journal_mode").fetch_one(pool).await?;
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             AND name NOT LIKE '\\_%' ESCAPE '\\' AND sql NOT LIKE 'CREATE VIRTUAL%' \
             AND name NOT LIKE '%\\_vectors\\_%' ESCAPE '\\' AND name NOT LIKE '%\\_fts\\_%' ESCAPE '\\' \
             ORDER BY name",
        )
        .fetch_all(pool)
        .await?;
        Ok(DbCheck {
            path: self.path.display().to_string(),
            schema_version: schema_version.unwrap_or(0),
            migrations_applied,
            migrations_known: MIGRATOR.iter().count() as i64,
            integrity,
            foreign_key_violations: fk_rows.len() as i64,
            sqlite_version,
            vec_version,
            journal_mode,
            tables,
        })
    }
}

/// `PRAGMA optimize` with a bounded analysis: on close and after large imports.
/// A short busy timeout: another process holding the write lock only means
/// the statistics are refreshed next time.
pub async fn optimize(pool: &SqlitePool) -> Result<()> {
    let mut conn = pool.acquire().await?;
    sqlx::query("PRAGMA busy_timeout = 200").execute(&mut *conn).await?;
    sqlx::query("PRAGMA analysis_limit = 1000").execute(&mut *conn).await?;
    let done = sqlx::query("PRAGMA optimize").execute(&mut *conn).await;
    sqlx::query("PRAGMA busy_timeout = 5000").execute(&mut *conn).await?;
    done?;
    Ok(())
}

/// The newest schema version this build knows (a backup from a newer one is refused).
pub fn latest_schema_version() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

/// Where the database lives when neither `--db` nor `WAGNER_DB` says otherwise:
/// the platform's data dir (XDG on Linux, Application Support on macOS,
/// AppData on Windows).
pub fn default_db_path() -> Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("app", "Wagner Coach", "wagner-coach")
        .ok_or_else(|| Error::invalid("no home directory: pass --db PATH or set WAGNER_DB"))?;
    Ok(dirs.data_dir().join("wagner.db"))
}
