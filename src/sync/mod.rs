//! Optional two-way sync of one profile's data with a Postgres database.
//!
//! * Change tracking: triggers (migration `20261125220000_sync.sql`) record
//!   every insert/update/delete of a synced table in `sync_rows` as (table,
//!   row id, HLC version, tombstone, pending). Only keys are logged; the row
//!   is read when it is pushed, so columns added by later migrations travel
//!   too (columns the Postgres schema lacks ride in its `_extra` JSONB).
//! * Ordering: a hybrid logical clock per install (`sync_clock`); the highest
//!   version of a row wins (last writer wins), deletes are tombstones.
//! * Push: pending rows in batches, parents before children, each batch one
//!   Postgres transaction under a per-user advisory lock; the server keeps a
//!   row only when the pushed version is newer than its own. Rows are marked
//!   pushed after the commit only if they did not change meanwhile, so a
//!   push that dies half-way is simply repeated (same versions: no-ops).
//! * Pull: the server's `sync_rows` in sequence order from a cursor kept in
//!   `sync_state`, one SQLite transaction per batch that also advances the
//!   cursor. Pulled rows are applied with `sync_clock.applying = 1` so the
//!   triggers do not log them again, and only when newer than the local
//!   version. Foreign keys are not checked while a pull is applied (a child
//!   may arrive a batch before a parent that was edited later); the server
//!   enforces them, and the finished pull is checked with
//!   `PRAGMA foreign_key_check`.
//! * Derived and per-install tables are not synced (daily_nutrition_summaries
//!   is recomputed by the meal_logs triggers as pulled meals land).
//! * Attachments (photos, voice notes, PDFs) sync by their content-addressed
//!   path into `sync_attachments` after the rows.

pub mod cli;
mod convert;

use std::collections::{HashMap, HashSet};
use std::str::FromStr;
use std::time::Instant;

use serde::Serialize;
use serde_json::{Map, Value};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{AssertSqlSafe, Connection, Row, SqliteConnection};

use crate::error::{Error, Result};
use crate::store::Store;
use convert::TableMeta;

static PG_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Synced tables, parents before children (push and apply order).
pub const SYNCED_TABLES: &[&str] = &[
    "users",
    "quick_entry_logs",
    "foods_enhanced",
    "meal_logs",
    "activities",
    "activity_segments",
    "activity_streams",
    "body_measurements",
    "coach_messages",
    "ai_generated_programs",
    "ai_program_days",
    "ai_program_items",
    "integrations",
    "user_goals",
];

/// Tables that stay on each install, with the reason shown by `sync status`.
pub const LOCAL_ONLY_TABLES: &[(&str, &str)] = &[
    ("daily_nutrition_summaries", "derived from meal_logs; recomputed on each install"),
    ("quick_entry_embeddings", "derived; each install embeds its own entries"),
    ("rate_limits", "per-install request counters"),
    ("ai_spend", "per-install AI spend against the monthly budget"),
    ("webhook_events", "per-install inbox"),
    ("food_choices", "foods picked for typed names; learned again from the next pick"),
];

const MAX_ERRORS: usize = 20;

fn rank(table: &str) -> usize {
    SYNCED_TABLES.iter().position(|t| *t == table).unwrap_or(usize::MAX)
}

/// Where a running sync is, reported after each batch.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SyncProgress {
    /// "pull", "push" or "attachments".
    pub phase: String,
    pub done: i64,
    /// Known for the push (the pending rows), not for the pull.
    pub total: Option<i64>,
}

pub type ProgressFn = std::sync::Arc<dyn Fn(&SyncProgress) + Send + Sync>;

#[derive(Clone)]
pub struct SyncOptions {
    /// Rows per Postgres transaction (push) and per SQLite transaction (pull).
    pub batch_size: usize,
    /// Test hook: fail after this many committed batches (push and pull
    /// counted together), as a killed process would.
    pub fail_after_batches: Option<usize>,
    pub attachments: bool,
    pub progress: Option<ProgressFn>,
}

impl std::fmt::Debug for SyncOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncOptions")
            .field("batch_size", &self.batch_size)
            .field("fail_after_batches", &self.fail_after_batches)
            .field("attachments", &self.attachments)
            .finish_non_exhaustive()
    }
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions { batch_size: 1000, fail_after_batches: None, attachments: true, progress: None }
    }
}

impl SyncOptions {
    fn report(&self, phase: &str, done: i64, total: Option<i64>) {
        if let Some(progress) = &self.progress {
            progress(&SyncProgress { phase: phase.into(), done, total });
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SyncReport {
    pub user_id: String,
    /// Rows the server took (newer than its copy).
    pub pushed: i64,
    /// Rows pushed whose server copy was newer (the pull brings that one).
    pub push_skipped: i64,
    /// Rows applied locally from the server.
    pub pulled: i64,
    /// Pulled rows whose local copy was newer (pushed instead).
    pub pull_skipped: i64,
    pub attachments_up: i64,
    pub attachments_down: i64,
    /// Rows the server refused; they stay pending and are retried next time.
    pub refused: i64,
    /// The first problems met (at most 20).
    pub errors: Vec<String>,
    pub pending_after: i64,
    pub millis: i64,
}

#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SyncStatus {
    /// The server URL without its password, if sync was ever set up.
    pub server: Option<String>,
    pub pending_changes: i64,
    pub last_sync_at: Option<String>,
    pub last_error: Option<String>,
    pub last_report: Option<String>,
    pub local_only_tables: Vec<String>,
}

/// The URL with any password removed (for display and for `sync_state`).
pub fn redact_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut u) => {
            if u.password().is_some() {
                let _ = u.set_password(None);
            }
            u.to_string()
        }
        Err(_) => "<invalid url>".into(),
    }
}

/// Connection options: TLS when the server offers it (sslmode=prefer unless
/// the URL says otherwise); a password missing from the URL may come from
/// WAGNER_POSTGRES_PASSWORD or PGPASSWORD.
pub fn connect_options(url: &str) -> Result<PgConnectOptions> {
    let mut opts = PgConnectOptions::from_str(url)
        .map_err(|e| Error::invalid(format!("Postgres URL {}: {e}", redact_url(url))))?;
    let has_password = reqwest::Url::parse(url).map(|u| u.password().is_some()).unwrap_or(false);
    let env_password = std::env::var("WAGNER_POSTGRES_PASSWORD").or_else(|_| std::env::var("PGPASSWORD"));
    if let (false, Ok(pw)) = (has_password, env_password) {
        opts = opts.password(&pw);
    }
    Ok(opts.application_name("wagner-sync"))
}

fn pg_err(e: sqlx::Error) -> Error {
    Error::Sync(e.to_string())
}

/// A pool whose every connection acts for `user_id` (the RLS setting) in UTC.
pub async fn connect(url: &str, user_id: Option<&str>) -> Result<PgPool> {
    let opts = connect_options(url)?;
    let user = user_id.map(str::to_owned);
    PgPoolOptions::new()
        .max_connections(2)
        .after_connect(move |conn, _| {
            let user = user.clone();
            Box::pin(async move {
                sqlx::query(
                    "SELECT set_config('TimeZone', 'UTC', false), set_config('app.user_id', $1, false)",
                )
                .bind(user.unwrap_or_default())
                .execute(&mut *conn)
                .await?;
                Ok(())
            })
        })
        .connect_with(opts)
        .await
        .map_err(|e| Error::Sync(format!("could not connect to {}: {e}", redact_url(url))))
}

/// Creates or upgrades the server schema (needs a role that may create
/// tables; sync itself only needs membership in `wagner_sync`, so an
/// up-to-date schema is left alone).
pub async fn migrate_server(pg: &PgPool) -> Result<()> {
    let latest = PG_MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
    let current: Option<i64> = sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations WHERE success")
        .fetch_one(pg)
        .await
        .ok()
        .flatten();
    if current == Some(latest) {
        return Ok(());
    }
    PG_MIGRATOR.run(pg).await.map_err(|e| {
        Error::Sync(format!(
            "server schema: {e} (the first sync to a new server needs a role that may create tables; later ones only need membership in wagner_sync)"
        ))
    })
}

async fn state_get(conn: &mut SqliteConnection, key: &str) -> Result<Option<String>> {
    Ok(sqlx::query_scalar("SELECT value FROM sync_state WHERE key = ?")
        .bind(key)
        .fetch_optional(&mut *conn)
        .await?)
}

async fn state_set(conn: &mut SqliteConnection, key: &str, value: &str) -> Result<()> {
    sqlx::query("INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .bind(key)
        .bind(value)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Rows changed locally and not pushed yet.
pub async fn pending_count(store: &Store) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT count(*) FROM sync_rows WHERE pending = 1").fetch_one(store.pool()).await?)
}

pub async fn status(store: &Store) -> Result<SyncStatus> {
    let mut conn = store.pool().acquire().await?;
    Ok(SyncStatus {
        server: state_get(&mut conn, "server_url").await?,
        pending_changes: sqlx::query_scalar("SELECT count(*) FROM sync_rows WHERE pending = 1")
            .fetch_one(&mut *conn)
            .await?,
        last_sync_at: state_get(&mut conn, "last_sync_at").await?,
        last_error: state_get(&mut conn, "last_error").await?.filter(|e| !e.is_empty()),
        last_report: state_get(&mut conn, "last_report").await?,
        local_only_tables: LOCAL_ONLY_TABLES.iter().map(|(t, why)| format!("{t}: {why}")).collect(),
    })
}

/// Saves the server to sync with (Settings). A URL with a password is
/// refused: secrets never go into the database.
pub async fn save_server(store: &Store, url: &str) -> Result<()> {
    let url = url.trim();
    let mut conn = store.pool().acquire().await?;
    if url.is_empty() {
        sqlx::query("DELETE FROM sync_state WHERE key = 'server_url'").execute(&mut *conn).await?;
        return Ok(());
    }
    let parsed = reqwest::Url::parse(url).map_err(|e| Error::invalid(format!("Postgres URL: {e}")))?;
    if !matches!(parsed.scheme(), "postgres" | "postgresql") {
        return Err(Error::invalid("the URL must start with postgres://"));
    }
    if parsed.password().is_some() {
        return Err(Error::invalid(
            "leave the password out of the URL: set WAGNER_POSTGRES_PASSWORD (or PGPASSWORD) instead",
        ));
    }
    connect_options(url)?;
    state_set(&mut conn, "server_url", url).await
}

/// The server URL saved by the last sync (password removed).
pub async fn saved_server(store: &Store) -> Result<Option<String>> {
    let mut conn = store.pool().acquire().await?;
    state_get(&mut conn, "server_url").await
}

/// Profiles on the server, for `--join` (ids and names only).
pub async fn server_profiles(url: &str) -> Result<Vec<(String, String)>> {
    let pg = connect(url, None).await?;
    migrate_server(&pg).await?;
    let rows = sqlx::query("SELECT id::text, full_name FROM wagner_profiles()")
        .fetch_all(&pg)
        .await
        .map_err(pg_err)?;
    pg.close().await;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

/// Replaces this install's empty default profile by the server's profile
/// `user_id` (or the only one there) and pulls it.
pub async fn join(store: &Store, url: &str, user_id: Option<&str>, opts: &SyncOptions) -> Result<SyncReport> {
    let profiles = server_profiles(url).await?;
    let target = match user_id {
        Some(id) => profiles
            .iter()
            .find(|(pid, _)| pid == id)
            .map(|(pid, _)| pid.clone())
            .ok_or_else(|| Error::not_found(format!("profile {id} on the server")))?,
        None => match profiles.as_slice() {
            [] => {
                return Err(Error::invalid(
                    "the server holds no profile yet: sync from the first install without --join",
                ));
            }
            [(id, _)] => id.clone(),
            many => {
                let list: Vec<String> = many.iter().map(|(id, name)| format!("{id} ({name})")).collect();
                return Err(Error::invalid(format!(
                    "the server holds several profiles; pick one with --user: {}",
                    list.join(", ")
                )));
            }
        },
    };
    let locals: Vec<String> = sqlx::query_scalar("SELECT id FROM users").fetch_all(store.pool()).await?;
    for local in &locals {
        if *local != target && crate::profile::has_data(store, local).await? {
            return Err(Error::invalid(
                "this install already has data in its profile: --join only replaces an empty profile (back it up and sync it as its own profile instead)",
            ));
        }
    }
    let mut tx = store.begin_write().await?;
    sqlx::query("UPDATE sync_clock SET applying = 1").execute(&mut *tx).await?;
    for local in locals.iter().filter(|l| **l != target) {
        sqlx::query("DELETE FROM users WHERE id = ?").bind(local).execute(&mut *tx).await?;
    }
    sqlx::query("DELETE FROM sync_rows").execute(&mut *tx).await?;
    sqlx::query("DELETE FROM sync_state WHERE key IN ('pull_cursor', 'server_id')").execute(&mut *tx).await?;
    sqlx::query("UPDATE sync_clock SET applying = 0").execute(&mut *tx).await?;
    tx.commit().await?;
    sync_as(store, url, &target, opts).await
}

/// Syncs the default profile with the server at `url`.
pub async fn sync(store: &Store, url: &str, opts: &SyncOptions) -> Result<SyncReport> {
    let profile = crate::profile::require_default(store).await?;
    sync_as(store, url, &profile.id, opts).await
}

async fn sync_as(store: &Store, url: &str, user_id: &str, opts: &SyncOptions) -> Result<SyncReport> {
    let started = Instant::now();
    let result = sync_inner(store, url, user_id, opts).await;
    let mut conn = store.pool().acquire().await?;
    state_set(&mut conn, "server_url", &redact_url(url)).await?;
    match result {
        Ok(mut report) => {
            report.millis = started.elapsed().as_millis() as i64;
            report.pending_after = sqlx::query_scalar("SELECT count(*) FROM sync_rows WHERE pending = 1")
                .fetch_one(&mut *conn)
                .await?;
            state_set(&mut conn, "last_sync_at", &crate::clock::now_db()).await?;
            state_set(&mut conn, "last_error", report.errors.first().map(String::as_str).unwrap_or(""))
                .await?;
            let summary = serde_json::to_string(&report).unwrap_or_default();
            state_set(&mut conn, "last_report", &summary).await?;
            Ok(report)
        }
        Err(e) => {
            state_set(&mut conn, "last_error", &e.to_string()).await?;
            Err(e)
        }
    }
}

struct Ctx<'a> {
    store: &'a Store,
    pg: PgPool,
    user_id: String,
    node: String,
    metas: HashMap<&'static str, TableMeta>,
    opts: &'a SyncOptions,
    batches: usize,
}

impl Ctx<'_> {
    fn batch_done(&mut self) -> Result<()> {
        self.batches += 1;
        if self.opts.fail_after_batches.is_some_and(|n| self.batches >= n) {
            return Err(Error::Sync(format!("interrupted after {} batches (test hook)", self.batches)));
        }
        Ok(())
    }
}

async fn sync_inner(store: &Store, url: &str, user_id: &str, opts: &SyncOptions) -> Result<SyncReport> {
    if opts.batch_size == 0 {
        return Err(Error::invalid("batch size must be at least 1"));
    }
    uuid::Uuid::parse_str(user_id)
        .map_err(|_| Error::invalid(format!("profile id {user_id} is not a UUID")))?;
    let pg = connect(url, Some(user_id)).await?;
    migrate_server(&pg).await?;
    let mut conn = store.pool().acquire().await?;
    let node: String = sqlx::query_scalar("SELECT node FROM sync_clock").fetch_one(&mut *conn).await?;
    let server_id: String = sqlx::query_scalar("SELECT id::text FROM sync_server LIMIT 1")
        .fetch_one(&pg)
        .await
        .map_err(pg_err)?;
    if state_get(&mut conn, "server_id").await?.as_deref() != Some(server_id.as_str()) {
        // Another server (or the first sync): pull from the start.
        state_set(&mut conn, "server_id", &server_id).await?;
        state_set(&mut conn, "pull_cursor", "0").await?;
    }
    drop(conn);
    let mut metas = HashMap::new();
    for table in SYNCED_TABLES {
        metas.insert(*table, TableMeta::load(store, &pg, table).await?);
    }
    let mut ctx = Ctx { store, pg, user_id: user_id.to_owned(), node, metas, opts, batches: 0 };
    let mut report = SyncReport { user_id: user_id.to_owned(), ..Default::default() };
    pull(&mut ctx, &mut report).await?;
    push(&mut ctx, &mut report).await?;
    if opts.attachments {
        sync_attachments(&ctx, &mut report).await?;
    }
    ctx.pg.close().await;
    Ok(report)
}

#[derive(Debug, Clone)]
struct PendingRow {
    tbl: String,
    row_id: String,
    hlc: String,
    deleted: bool,
}

async fn push(ctx: &mut Ctx<'_>, report: &mut SyncReport) -> Result<()> {
    let rows = sqlx::query("SELECT tbl, row_id, hlc, deleted FROM sync_rows WHERE pending = 1")
        .fetch_all(ctx.store.pool())
        .await?;
    let mut pending: Vec<PendingRow> = rows
        .iter()
        .map(|r| PendingRow {
            tbl: r.get(0),
            row_id: r.get(1),
            hlc: r.get(2),
            deleted: r.get::<i64, _>(3) != 0,
        })
        .filter(|p| rank(&p.tbl) != usize::MAX)
        .collect();
    pending.sort_by(|a, b| rank(&a.tbl).cmp(&rank(&b.tbl)).then_with(|| a.hlc.cmp(&b.hlc)));
    let chunks: Vec<Vec<PendingRow>> = pending.chunks(ctx.opts.batch_size).map(<[_]>::to_vec).collect();
    for chunk in chunks {
        let data = read_local_rows(ctx, &chunk).await?;
        match push_batch(ctx, &chunk, &data).await {
            Ok((taken, skipped)) => {
                report.pushed += taken;
                report.push_skipped += skipped;
                mark_pushed(ctx.store, &chunk).await?;
            }
            Err(_) => {
                // Find the rows the server refuses; push the others one by one.
                for row in &chunk {
                    let one = std::slice::from_ref(row);
                    match push_batch(ctx, one, &data).await {
                        Ok((taken, skipped)) => {
                            report.pushed += taken;
                            report.push_skipped += skipped;
                            mark_pushed(ctx.store, one).await?;
                        }
                        Err(e) => {
                            report.refused += 1;
                            if report.errors.len() < MAX_ERRORS {
                                report.errors.push(format!("{} {}: {e}", row.tbl, row.row_id));
                            }
                        }
                    }
                }
            }
        }
        ctx.opts.report(
            "push",
            report.pushed + report.push_skipped + report.refused,
            Some(pending.len() as i64),
        );
        ctx.batch_done()?;
    }
    Ok(())
}

/// Current local rows of a batch, converted for Postgres, keyed by (table, id).
async fn read_local_rows(ctx: &Ctx<'_>, chunk: &[PendingRow]) -> Result<HashMap<(String, String), Value>> {
    let mut by_table: HashMap<&str, Vec<&str>> = HashMap::new();
    for row in chunk.iter().filter(|r| !r.deleted) {
        by_table.entry(row.tbl.as_str()).or_default().push(row.row_id.as_str());
    }
    let mut out = HashMap::new();
    let mut conn = ctx.store.pool().acquire().await?;
    for (table, ids) in by_table {
        let meta = &ctx.metas[table];
        let sql = format!(
            "SELECT {} FROM \"{table}\" WHERE id IN (SELECT value FROM json_each(?1))",
            meta.sqlite_select()
        );
        let ids_json = serde_json::to_string(&ids).unwrap_or_default();
        let texts: Vec<String> =
            sqlx::query_scalar(AssertSqlSafe(sql)).bind(ids_json).fetch_all(&mut *conn).await?;
        for text in texts {
            let value: Value = serde_json::from_str(&text)
                .map_err(|e| Error::Corrupt { what: format!("{table} row"), detail: e.to_string() })?;
            let id = value.get("id").and_then(Value::as_str).unwrap_or_default().to_owned();
            out.insert((table.to_owned(), id), meta.fill_missing(value));
        }
    }
    Ok(out)
}

/// One Postgres transaction: rows newer than the server's are written, then
/// their versions. Returns (taken, skipped).
async fn push_batch(
    ctx: &Ctx<'_>,
    chunk: &[PendingRow],
    data: &HashMap<(String, String), Value>,
) -> Result<(i64, i64)> {
    let mut tx = ctx.pg.begin().await.map_err(pg_err)?;
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
        .bind(&ctx.user_id)
        .execute(&mut *tx)
        .await
        .map_err(pg_err)?;
    sqlx::query("SET CONSTRAINTS ALL DEFERRED").execute(&mut *tx).await.map_err(pg_err)?;
    let ids: Vec<&str> = chunk.iter().map(|r| r.row_id.as_str()).collect();
    let server: Vec<(String, String, String)> =
        sqlx::query_as("SELECT tbl, row_id::text, hlc FROM sync_rows WHERE row_id = ANY($1::text[]::uuid[])")
            .bind(&ids)
            .fetch_all(&mut *tx)
            .await
            .map_err(pg_err)?;
    let server: HashMap<(String, String), String> =
        server.into_iter().map(|(t, id, hlc)| ((t, id), hlc)).collect();
    let mut winners: Vec<&PendingRow> = Vec::new();
    let mut skipped = 0;
    for row in chunk {
        let newer = server.get(&(row.tbl.clone(), row.row_id.clone())).is_none_or(|s| row.hlc > *s);
        // A row deleted locally after its key was read is pushed next time as a tombstone.
        let present = row.deleted || data.contains_key(&(row.tbl.clone(), row.row_id.clone()));
        if newer && present {
            winners.push(row);
        } else {
            skipped += 1;
        }
    }
    // Upserts parents first, deletes children first.
    for table in SYNCED_TABLES {
        let rows: Vec<&Value> = winners
            .iter()
            .filter(|r| r.tbl == *table && !r.deleted)
            .filter_map(|r| data.get(&(r.tbl.clone(), r.row_id.clone())))
            .collect();
        if rows.is_empty() {
            continue;
        }
        let meta = &ctx.metas[table];
        sqlx::query(AssertSqlSafe(meta.pg_upsert()))
            .bind(sqlx::types::Json(&rows))
            .execute(&mut *tx)
            .await
            .map_err(pg_err)?;
    }
    for table in SYNCED_TABLES.iter().rev() {
        let ids: Vec<&str> =
            winners.iter().filter(|r| r.tbl == *table && r.deleted).map(|r| r.row_id.as_str()).collect();
        if ids.is_empty() {
            continue;
        }
        sqlx::query(AssertSqlSafe(format!("DELETE FROM \"{table}\" WHERE id = ANY($1::text[]::uuid[])")))
            .bind(&ids)
            .execute(&mut *tx)
            .await
            .map_err(pg_err)?;
    }
    if !winners.is_empty() {
        let versions: Vec<Value> = winners
            .iter()
            .map(
                |r| serde_json::json!({"tbl": r.tbl, "row_id": r.row_id, "hlc": r.hlc, "deleted": r.deleted}),
            )
            .collect();
        sqlx::query(
            "INSERT INTO sync_rows (tbl, row_id, user_id, hlc, deleted, seq, origin) \
             SELECT e.x ->> 'tbl', (e.x ->> 'row_id')::uuid, $2::uuid, e.x ->> 'hlc', (e.x ->> 'deleted')::boolean, \
                    nextval('sync_rows_seq'), $3 \
               FROM jsonb_array_elements($1) WITH ORDINALITY AS e(x, n) \
              ORDER BY e.n \
             ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, \
                seq = excluded.seq, origin = excluded.origin, user_id = excluded.user_id",
        )
        .bind(sqlx::types::Json(&versions))
        .bind(&ctx.user_id)
        .bind(&ctx.node)
        .execute(&mut *tx)
        .await
        .map_err(pg_err)?;
    }
    tx.commit().await.map_err(pg_err)?;
    Ok((winners.len() as i64, skipped))
}

/// Marks rows pushed unless they changed since their key was read.
async fn mark_pushed(store: &Store, chunk: &[PendingRow]) -> Result<()> {
    let keys: Vec<(&str, &str, &str)> =
        chunk.iter().map(|r| (r.tbl.as_str(), r.row_id.as_str(), r.hlc.as_str())).collect();
    sqlx::query(
        "UPDATE sync_rows SET pending = 0 WHERE (tbl, row_id, hlc) IN \
         (SELECT value ->> '$[0]', value ->> '$[1]', value ->> '$[2]' FROM json_each(?1))",
    )
    .bind(serde_json::to_string(&keys).unwrap_or_default())
    .execute(store.pool())
    .await?;
    Ok(())
}

#[derive(Debug)]
struct RemoteVersion {
    tbl: String,
    row_id: String,
    hlc: String,
    deleted: bool,
}

async fn pull(ctx: &mut Ctx<'_>, report: &mut SyncReport) -> Result<()> {
    loop {
        let cursor: i64 = {
            let mut conn = ctx.store.pool().acquire().await?;
            state_get(&mut conn, "pull_cursor").await?.and_then(|c| c.parse().ok()).unwrap_or(0)
        };
        let rows = sqlx::query(
            "SELECT tbl, row_id::text, hlc, deleted, seq, origin FROM sync_rows \
              WHERE user_id = $1::uuid AND seq > $2 ORDER BY seq LIMIT $3",
        )
        .bind(&ctx.user_id)
        .bind(cursor)
        .bind(ctx.opts.batch_size as i64)
        .fetch_all(&ctx.pg)
        .await
        .map_err(pg_err)?;
        if rows.is_empty() {
            break;
        }
        let last_seq: i64 = rows.last().map(|r| r.get::<i64, _>(4)).unwrap_or(cursor);
        // Our own pushes come back as the newest version only when nobody
        // changed them since: nothing to apply.
        let versions: Vec<RemoteVersion> = rows
            .iter()
            .filter(|r| r.get::<Option<String>, _>(5).as_deref() != Some(ctx.node.as_str()))
            .map(|r| RemoteVersion { tbl: r.get(0), row_id: r.get(1), hlc: r.get(2), deleted: r.get(3) })
            .filter(|v| rank(&v.tbl) != usize::MAX)
            .collect();
        let (applied, skipped) = apply_pulled(ctx, &versions, last_seq).await?;
        report.pulled += applied;
        report.pull_skipped += skipped;
        ctx.opts.report("pull", report.pulled + report.pull_skipped, None);
        ctx.batch_done()?;
    }
    let violations = sqlx::query("PRAGMA foreign_key_check").fetch_all(ctx.store.pool()).await?;
    if !violations.is_empty() {
        report.errors.push(format!(
            "{} rows point at rows that are missing after the pull (run sync again; if it stays, see `wagner db check`)",
            violations.len()
        ));
    }
    Ok(())
}

/// Applies one pulled batch in one SQLite transaction and advances the cursor.
async fn apply_pulled(ctx: &Ctx<'_>, versions: &[RemoteVersion], last_seq: i64) -> Result<(i64, i64)> {
    // Fetch the rows (not deleted) from the server, per table.
    let mut fetched: HashMap<&str, Vec<Value>> = HashMap::new();
    for table in SYNCED_TABLES {
        let ids: Vec<&str> =
            versions.iter().filter(|v| v.tbl == *table && !v.deleted).map(|v| v.row_id.as_str()).collect();
        if ids.is_empty() {
            continue;
        }
        let rows: Vec<sqlx::types::Json<Value>> = sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT to_jsonb(t) FROM \"{table}\" t WHERE id = ANY($1::text[]::uuid[])"
        )))
        .bind(&ids)
        .fetch_all(&ctx.pg)
        .await
        .map_err(pg_err)?;
        fetched.insert(table, rows.into_iter().map(|j| j.0).collect());
    }

    let mut conn = ctx.store.pool().acquire().await?;
    // Children may arrive before a parent that was edited later; the server
    // enforces the references, so they hold once the pull is complete.
    sqlx::query("PRAGMA foreign_keys = OFF").execute(&mut *conn).await?;
    let result = apply_in_tx(ctx, &mut conn, versions, &fetched, last_seq).await;
    let restored = sqlx::query("PRAGMA foreign_keys = ON").execute(&mut *conn).await;
    if restored.is_err() {
        // Never hand a connection without foreign keys back to the pool.
        conn.detach().close().await.ok();
    }
    result
}

async fn apply_in_tx(
    ctx: &Ctx<'_>,
    conn: &mut SqliteConnection,
    versions: &[RemoteVersion],
    fetched: &HashMap<&str, Vec<Value>>,
    last_seq: i64,
) -> Result<(i64, i64)> {
    let mut tx = crate::store::begin_write_on(conn).await?;
    sqlx::query("UPDATE sync_clock SET applying = 1").execute(&mut *tx).await?;
    let keys: Vec<(&str, &str)> = versions.iter().map(|v| (v.tbl.as_str(), v.row_id.as_str())).collect();
    let local: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT s.tbl, s.row_id, s.hlc FROM sync_rows s JOIN json_each(?1) j \
           ON s.tbl = j.value ->> '$[0]' AND s.row_id = j.value ->> '$[1]'",
    )
    .bind(serde_json::to_string(&keys).unwrap_or_default())
    .fetch_all(&mut *tx)
    .await?;
    let local: HashMap<(String, String), String> = local.into_iter().map(|(t, id, h)| ((t, id), h)).collect();
    let wins = |v: &RemoteVersion| local.get(&(v.tbl.clone(), v.row_id.clone())).is_none_or(|l| v.hlc > *l);
    let winners: Vec<&RemoteVersion> = versions.iter().filter(|v| wins(v)).collect();
    let skipped = (versions.len() - winners.len()) as i64;
    let winner_ids: HashSet<(&str, &str)> =
        winners.iter().map(|v| (v.tbl.as_str(), v.row_id.as_str())).collect();

    let mut applied_versions: Vec<&RemoteVersion> = Vec::new();
    for table in SYNCED_TABLES {
        let Some(rows) = fetched.get(table) else { continue };
        let meta = &ctx.metas[table];
        let rows: Vec<Value> = rows
            .iter()
            .filter(|r| {
                let id = r.get("id").and_then(Value::as_str).unwrap_or_default();
                winner_ids.contains(&(*table, id))
            })
            .map(|r| meta.to_sqlite(r))
            .collect::<Result<_>>()?;
        if rows.is_empty() {
            continue;
        }
        sqlx::query(AssertSqlSafe(meta.sqlite_upsert()))
            .bind(serde_json::to_string(&rows).unwrap_or_default())
            .execute(&mut *tx)
            .await?;
        if meta.has_updated_at() {
            // The updated_at trigger bumps a row whose updated_at did not
            // change; put the server's value back.
            sqlx::query(AssertSqlSafe(format!(
                "UPDATE \"{table}\" SET updated_at = j.value ->> '$.updated_at' FROM json_each(?1) j \
                  WHERE \"{table}\".id = j.value ->> '$.id' AND \"{table}\".updated_at <> j.value ->> '$.updated_at'"
            )))
            .bind(serde_json::to_string(&rows).unwrap_or_default())
            .execute(&mut *tx)
            .await?;
        }
    }
    for table in SYNCED_TABLES.iter().rev() {
        let ids: Vec<&str> =
            winners.iter().filter(|v| v.tbl == *table && v.deleted).map(|v| v.row_id.as_str()).collect();
        if ids.is_empty() {
            continue;
        }
        sqlx::query(AssertSqlSafe(format!(
            "DELETE FROM \"{table}\" WHERE id IN (SELECT value FROM json_each(?1))"
        )))
        .bind(serde_json::to_string(&ids).unwrap_or_default())
        .execute(&mut *tx)
        .await?;
    }
    for v in &winners {
        // A row deleted on the server since its version was read is applied by a later batch.
        let present = v.deleted
            || fetched.get(v.tbl.as_str()).is_some_and(|rows| {
                rows.iter().any(|r| r.get("id").and_then(Value::as_str) == Some(&v.row_id))
            });
        if present {
            applied_versions.push(v);
        }
    }
    let versions_json: Vec<Value> = applied_versions
        .iter()
        .map(|v| serde_json::json!([v.tbl, v.row_id, v.hlc, v.deleted as i64]))
        .collect();
    sqlx::query(
        "INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending) \
         SELECT value ->> '$[0]', value ->> '$[1]', value ->> '$[2]', value ->> '$[3]', 0 FROM json_each(?1) WHERE true \
         ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 0",
    )
    .bind(serde_json::to_string(&versions_json).unwrap_or_default())
    .execute(&mut *tx)
    .await?;
    // HLC receive rule: never issue a version below one already seen.
    if let Some((ms, ctr)) = versions.iter().map(|v| v.hlc.as_str()).max().and_then(parse_hlc) {
        {
            sqlx::query(
                "UPDATE sync_clock SET ctr = CASE WHEN ?1 > ms THEN ?2 WHEN ?1 = ms THEN max(ctr, ?2) ELSE ctr END, \
                 ms = max(ms, ?1)",
            )
            .bind(ms)
            .bind(ctr)
            .execute(&mut *tx)
            .await?;
        }
    }
    state_set(&mut tx, "pull_cursor", &last_seq.to_string()).await?;
    sqlx::query("UPDATE sync_clock SET applying = 0").execute(&mut *tx).await?;
    tx.commit().await?;
    Ok((applied_versions.len() as i64, skipped))
}

fn parse_hlc(hlc: &str) -> Option<(i64, i64)> {
    let mut parts = hlc.split('-');
    let ms = parts.next()?.parse().ok()?;
    let ctr = parts.next()?.parse().ok()?;
    Some((ms, ctr))
}

/// Attachments: every file under `attachments/` in the data folder goes up
/// once (by its content-addressed path) and every server file missing here
/// comes down, its hash checked.
async fn sync_attachments(ctx: &Ctx<'_>, report: &mut SyncReport) -> Result<()> {
    let dir = crate::attachments::data_dir(ctx.store);
    let root = dir.join("attachments");
    let mut local = Vec::new();
    collect_files(&root, &dir, &mut local)?;
    let server: Vec<String> =
        sqlx::query_scalar("SELECT path FROM sync_attachments").fetch_all(&ctx.pg).await.map_err(pg_err)?;
    let server_set: HashSet<&str> = server.iter().map(String::as_str).collect();
    for path in local.iter().filter(|p| !server_set.contains(p.as_str())) {
        let bytes = std::fs::read(dir.join(path)).map_err(|e| Error::io(format!("reading {path}"), e))?;
        let hash = crate::attachments::sha256_hex(&bytes);
        sqlx::query(
            "INSERT INTO sync_attachments (user_id, path, sha256, bytes) VALUES ($1::uuid, $2, $3, $4) \
             ON CONFLICT (user_id, path) DO NOTHING",
        )
        .bind(&ctx.user_id)
        .bind(path)
        .bind(&hash)
        .bind(&bytes)
        .execute(&ctx.pg)
        .await
        .map_err(pg_err)?;
        report.attachments_up += 1;
    }
    let local_set: HashSet<&str> = local.iter().map(String::as_str).collect();
    for path in server.iter().filter(|p| !local_set.contains(p.as_str())) {
        if path.starts_with('/') || path.contains("..") || path.contains('\\') {
            report.errors.push(format!("attachment {path}: refused (path outside the data folder)"));
            continue;
        }
        let (hash, bytes): (String, Vec<u8>) =
            sqlx::query_as("SELECT sha256, bytes FROM sync_attachments WHERE path = $1")
                .bind(path)
                .fetch_one(&ctx.pg)
                .await
                .map_err(pg_err)?;
        if crate::attachments::sha256_hex(&bytes) != hash {
            report.errors.push(format!("attachment {path}: content does not match its hash; skipped"));
            continue;
        }
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Error::io(format!("creating {}", parent.display()), e))?;
        }
        let tmp = target.with_extension("part");
        std::fs::write(&tmp, &bytes).map_err(|e| Error::io(format!("writing {}", tmp.display()), e))?;
        std::fs::rename(&tmp, &target).map_err(|e| Error::io(format!("writing {}", target.display()), e))?;
        report.attachments_down += 1;
    }
    Ok(())
}

fn collect_files(dir: &std::path::Path, base: &std::path::Path, out: &mut Vec<String>) -> Result<()> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io(format!("reading {}", dir.display()), e)),
    };
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(format!("reading {}", dir.display()), e))?;
        let path = entry.path();
        if path.is_dir() {
            collect_files(&path, base, out)?;
        } else if let (true, Ok(rel)) =
            (path.extension().is_none_or(|e| e != "part"), path.strip_prefix(base))
        {
            {
                let rel: Vec<String> =
                    rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
                out.push(rel.join("/"));
            }
        }
    }
    Ok(())
}

/// Column values of every synced table in a comparable form (JSON columns
/// parsed), for tests and `wagner sync verify`-style checks.
pub async fn snapshot(store: &Store) -> Result<Map<String, Value>> {
    let mut out = Map::new();
    for table in SYNCED_TABLES {
        let cols: Vec<String> =
            sqlx::query_scalar(AssertSqlSafe(format!("SELECT name FROM pragma_table_info('{table}')")))
                .fetch_all(store.pool())
                .await?;
        let obj = cols
            .iter()
            .map(|c| {
                format!(
                    "'{c}', CASE WHEN typeof(\"{c}\") = 'blob' THEN hex(\"{c}\") WHEN json_valid(\"{c}\") AND typeof(\"{c}\") = 'text' \
                     AND substr(\"{c}\", 1, 1) IN ('{{', '[') THEN json(\"{c}\") ELSE \"{c}\" END"
                )
            })
            .collect::<Vec<_>>();
        let chunks: Vec<String> = obj.chunks(40).map(|c| format!("json_object({})", c.join(", "))).collect();
        let expr = chunks.iter().skip(1).fold(chunks[0].clone(), |acc, c| format!("json_patch({acc}, {c})"));
        let filter = if *table == "foods_enhanced" { " WHERE user_id IS NOT NULL" } else { "" };
        let rows: Vec<String> =
            sqlx::query_scalar(AssertSqlSafe(format!("SELECT {expr} FROM \"{table}\"{filter} ORDER BY id")))
                .fetch_all(store.pool())
                .await?;
        let values: Vec<Value> = rows.iter().filter_map(|r| serde_json::from_str(r).ok()).collect();
        out.insert((*table).to_owned(), Value::Array(values));
    }
    let summaries: Vec<String> = sqlx::query_scalar(
        "SELECT json_object('user_id', user_id, 'date', date, 'meal_count', meal_count, 'kcal', round(total_calories, 6), \
         'protein', round(total_protein_g, 6), 'carbs', round(total_carbs_g, 6), 'fat', round(total_fat_g, 6)) \
         FROM daily_nutrition_summaries ORDER BY user_id, date",
    )
    .fetch_all(store.pool())
    .await?;
    out.insert(
        "daily_nutrition_summaries".into(),
        Value::Array(summaries.iter().filter_map(|r| serde_json::from_str(r).ok()).collect()),
    );
    Ok(out)
}
