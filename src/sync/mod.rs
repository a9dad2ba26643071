//! Optional two-way sync of one profile's data with a Postgres database.
//!
//! * Change tracking: triggers (migration `20261125220000_sync.sql`) record
//!   every insert/update/delete of a synced table in `sync_rows` as (table,
//!   row id, HLC version, tombstone, pending). Only keys are logged; the row
//!   is read when it is pushed, so columns added by later migrations travel
//!   too (columns the Postgres schema lacks ride in its `_extra` JSONB).
//! * Ordering: a hybrid logical clock per install (`sync_clock`); the higher
//!   version wins, concurrent edits merge per field by field version
//!   (`sync_fields`, logged by the update triggers of migration
//!   `20261208100000_sync_fields.sql`), and a delete wins over
//!   edits made without knowledge of it (rules in `apply.rs` and the README).
//!   Versions too far ahead of this machine's clock are kept aside.
//! * Push: pending rows in batches, parents before children, each batch one
//!   Postgres transaction under a per-user advisory lock; the server keeps a
//!   row only when the pushed version is newer than its own and (merged per
//!   field) knows every field at least at the server's field version. Rows are marked
//!   pushed after the commit only if they did not change meanwhile, so a
//!   push that dies half-way is simply repeated (same versions: no-ops).
//! * Pull: the server's `sync_rows` in sequence order from a cursor kept in
//!   `sync_state`, one SQLite transaction per batch that also advances the
//!   cursor (`apply.rs`). Pulled rows are applied with `sync_clock.applying =
//!   1` so the triggers do not log them again. Versions are compared (only
//!   this node's own pushes are told by origin, and the node id changes
//!   with the file), so a restored or copied database gets back what it lacks. A
//!   row that cannot be applied is kept aside (`quarantine.rs`) and retried
//!   at the end of the pull and on every sync; the rest goes on.
//! * Identity: `identity.rs` gives a restored, imported or copied database
//!   a new node id (`identity::renew`).
//! * Server: `net.rs` bounds every wait, names connect failures, refuses
//!   superuser / BYPASSRLS roles unless asked and sets up per-user roles.
//! * Derived and per-install tables are not synced (daily_nutrition_summaries
//!   is recomputed by the meal_logs triggers as pulled meals land).
//! * Attachments (photos, voice notes, PDFs) sync by their content-addressed
//!   path into `sync_attachments` after the rows.

mod apply;
pub mod cli;
mod convert;
pub mod identity;
pub mod net;
pub mod quarantine;

use apply::{Fields, RemoteVersion};
pub use apply::{MAX_DRIFT_MS, MERGE_TABLES};
pub use quarantine::QuarantinedRow;

use std::collections::{HashMap, HashSet};
use std::str::FromStr;
use std::time::Instant;

use serde::Serialize;
use serde_json::{Map, Value};
use sqlx::postgres::{PgConnectOptions, PgPool};
use sqlx::{AssertSqlSafe, Row, SqliteConnection};

use crate::error::{Error, Result};
use crate::store::Store;
use convert::TableMeta;

static PG_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Synced tables, parents before children (push and apply order).
pub const SYNCED_TABLES: &[&str] = crate::tables::SYNCED;

/// Tables that stay on each install, with the reason shown by `sync status`.
pub const LOCAL_ONLY_TABLES: &[(&str, &str)] = crate::tables::LOCAL_ONLY;

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
    /// Sync through a superuser or BYPASSRLS role (row-level security does
    /// not bind it): only when asked for (`--allow-superuser`).
    pub allow_privileged: bool,
}

impl std::fmt::Debug for SyncOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncOptions")
            .field("batch_size", &self.batch_size)
            .field("fail_after_batches", &self.fail_after_batches)
            .field("attachments", &self.attachments)
            .field("allow_privileged", &self.allow_privileged)
            .finish_non_exhaustive()
    }
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            batch_size: 1000,
            fail_after_batches: None,
            attachments: true,
            progress: None,
            allow_privileged: false,
        }
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
    /// Local edits not pushed yet that were merged per column with a pulled
    /// version (the merge goes up as a new version).
    pub merged: i64,
    /// Local edits not pushed yet that a newer version or a delete from
    /// another install replaced.
    pub overridden: i64,
    /// Pulled rows kept aside after this sync (see `sync status`).
    pub quarantined: i64,
    /// Local edits of rows whose server version is kept aside here: they
    /// went up merged per field into the server's copy (this install gets
    /// the merged row once the server's version applies here).
    pub held_back: i64,
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
    /// Pulled rows that could not be applied here, with the reason; retried
    /// on every sync.
    pub quarantined: Vec<QuarantinedRow>,
    pub quarantined_total: i64,
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
    if net::is_connection_lost(&e) {
        return net::lost("sync", &e);
    }
    Error::Sync(net::server_message(&e))
}

/// A pool whose every connection acts for `user_id` (the RLS setting) in
/// UTC; connecting fails within seconds and says why.
pub async fn connect(url: &str, user_id: Option<&str>) -> Result<PgPool> {
    net::pool(url, user_id).await
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
        let cause = match &e {
            sqlx::migrate::MigrateError::Execute(inner) => net::server_message(inner),
            other => other.to_string().lines().next().unwrap_or_default().to_owned(),
        };
        Error::Sync(format!(
            "the server's schema needs an upgrade that this role may not make ({cause}): run `wagner sync setup-role` (or one sync) with an admin URL first"
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
    let quarantined = quarantine::list(&mut conn).await?;
    let quarantined_total = quarantine::count(&mut conn).await?;
    Ok(SyncStatus {
        quarantined,
        quarantined_total,
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
pub async fn server_profiles(url: &str, opts: &SyncOptions) -> Result<Vec<(String, String)>> {
    let pg = connect(url, None).await?;
    net::guard_role(&pg, opts.allow_privileged).await?;
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
    let profiles = server_profiles(url, opts).await?;
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
    // A join that was interrupted resumes from its cursor, as a sync does.
    let joining = {
        let mut conn = store.pool().acquire().await?;
        state_get(&mut conn, "join_user").await?
    };
    if joining.as_deref() == Some(target.as_str()) && locals.iter().all(|l| *l == target) {
        return sync_as(store, url, &target, opts).await;
    }
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
    sqlx::query("DELETE FROM sync_quarantine").execute(&mut *tx).await?;
    sqlx::query("DELETE FROM sync_base").execute(&mut *tx).await?;
    sqlx::query("DELETE FROM sync_fields").execute(&mut *tx).await?;
    state_set(&mut tx, "join_user", &target).await?;
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
    /// The pull cursor once the pull is done: what this install knows of
    /// the server when it pushes (a delete it had not seen wins).
    cursor: i64,
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

fn push_error(report: &mut SyncReport, seen: &mut HashSet<String>, message: String) {
    if report.errors.len() < MAX_ERRORS && seen.insert(message.clone()) {
        report.errors.push(message);
    }
}

async fn sync_inner(store: &Store, url: &str, user_id: &str, opts: &SyncOptions) -> Result<SyncReport> {
    if opts.batch_size == 0 {
        return Err(Error::invalid("batch size must be at least 1"));
    }
    uuid::Uuid::parse_str(user_id)
        .map_err(|_| Error::invalid(format!("profile id {user_id} is not a UUID")))?;
    let started_at = crate::clock::now_db();
    let renewed = identity::check(store).await?;
    // A clock dragged far ahead by an older version of this program comes back.
    let limit = crate::clock::now().timestamp_millis() + MAX_DRIFT_MS;
    sqlx::query("UPDATE sync_clock SET ms = ?1 - ?2, ctr = 0 WHERE ms > ?1")
        .bind(limit)
        .bind(MAX_DRIFT_MS)
        .execute(store.pool())
        .await?;
    let pg = connect(url, Some(user_id)).await?;
    net::guard_role(&pg, opts.allow_privileged).await?;
    migrate_server(&pg).await?;
    net::bounded("sync", sqlx::query("SELECT wagner_claim_profile($1::uuid)").bind(user_id).execute(&pg))
        .await
        .map_err(|e| Error::Sync(format!("the server refuses this profile: {e}")))?;
    let mut conn = store.pool().acquire().await?;
    let node: String = sqlx::query_scalar("SELECT node FROM sync_clock").fetch_one(&mut *conn).await?;
    let server_id: String =
        net::bounded("sync", sqlx::query_scalar("SELECT id::text FROM sync_server LIMIT 1").fetch_one(&pg))
            .await?;
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
    let mut ctx = Ctx { store, pg, user_id: user_id.to_owned(), node, metas, opts, batches: 0, cursor: 0 };
    let mut report = SyncReport { user_id: user_id.to_owned(), ..Default::default() };
    if renewed {
        report.errors.push(
            "this database was copied or restored: it got a new sync identity and pulls everything the server has again"
                .into(),
        );
    }
    pull(&mut ctx, &mut report, &started_at).await?;
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
    /// The server's version of this row is kept aside here.
    aside: bool,
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
            aside: false,
        })
        .filter(|p| rank(&p.tbl) != usize::MAX)
        .collect();
    // Rows whose server version is kept aside here go up too: the push
    // merges them per field into the server's copy (push_batch), so an
    // edit never waits on this install alone for a bad server row.
    let aside: HashSet<(String, String)> = quarantine::keys(ctx.store).await?.into_iter().collect();
    for p in pending.iter_mut() {
        p.aside = !p.deleted && aside.contains(&(p.tbl.clone(), p.row_id.clone()));
    }
    report.held_back = pending.iter().filter(|p| p.aside).count() as i64;
    pending.sort_by(|a, b| rank(&a.tbl).cmp(&rank(&b.tbl)).then_with(|| a.hlc.cmp(&b.hlc)));
    let mut seen = HashSet::new();
    let chunks: Vec<Vec<PendingRow>> = pending.chunks(ctx.opts.batch_size).map(<[_]>::to_vec).collect();
    for chunk in chunks {
        let data = read_local_rows(ctx, &chunk).await?;
        match push_batch_bounded(ctx, &chunk, &data).await {
            Ok(outcome) => {
                report.pushed += outcome.taken.len() as i64;
                report.push_skipped += outcome.skipped;
                mark_pushed(ctx, &outcome).await?;
            }
            Err(PushError::Lost(e)) => return Err(e),
            Err(PushError::Refused(_)) => {
                // A row the server refuses: find it; the rest goes up.
                for row in &chunk {
                    let one = std::slice::from_ref(row);
                    match push_batch_bounded(ctx, one, &data).await {
                        Ok(outcome) => {
                            report.pushed += outcome.taken.len() as i64;
                            report.push_skipped += outcome.skipped;
                            mark_pushed(ctx, &outcome).await?;
                        }
                        Err(PushError::Lost(e)) => return Err(e),
                        Err(PushError::Refused(reason)) => {
                            report.refused += 1;
                            push_error(
                                report,
                                &mut seen,
                                format!(
                                    "{} {}: refused by the server: {reason} (stays pending)",
                                    row.tbl, row.row_id
                                ),
                            );
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

/// Current local rows of a batch, converted for Postgres, and their field
/// versions, keyed by (table, id).
struct LocalRows {
    rows: HashMap<(String, String), Value>,
    fields: HashMap<(String, String), Fields>,
}

impl LocalRows {
    fn contains_key(&self, key: &(String, String)) -> bool {
        self.rows.contains_key(key)
    }
    fn get(&self, key: &(String, String)) -> Option<&Value> {
        self.rows.get(key)
    }
}

async fn read_local_rows(ctx: &Ctx<'_>, chunk: &[PendingRow]) -> Result<LocalRows> {
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
    let keys: Vec<(&str, &str)> = chunk
        .iter()
        .filter(|r| !r.deleted && MERGE_TABLES.contains(&r.tbl.as_str()))
        .map(|r| (r.tbl.as_str(), r.row_id.as_str()))
        .collect();
    let fields = apply::local_fields(&mut conn, &keys).await?;
    Ok(LocalRows { rows: out, fields })
}

/// The server's version of a row: (hlc, deleted, seq, origin, field versions).
type ServerVersion = (String, bool, i64, Option<String>, Fields);
/// A server `sync_rows` row as read by the push: (table, id, then as above).
type ServerRow = (String, String, String, bool, i64, Option<String>, sqlx::types::Json<Fields>);

enum PushError {
    /// The connection failed: the sync ends (nothing half-applied).
    Lost(Error),
    /// The server refused the batch (a row in it).
    Refused(String),
}

struct PushOutcome {
    /// Rows the server now holds at their local version.
    taken: Vec<PendingRow>,
    /// Rows merged per field into the server's copy (their server version
    /// is kept aside here): sent, but this install still has to pull the
    /// merged row.
    merged_up: Vec<PendingRow>,
    skipped: i64,
}

async fn push_batch_bounded(
    ctx: &Ctx<'_>,
    chunk: &[PendingRow],
    data: &LocalRows,
) -> std::result::Result<PushOutcome, PushError> {
    match tokio::time::timeout(net::QUERY_TIMEOUT, push_batch(ctx, chunk, data)).await {
        Ok(Ok(outcome)) => Ok(outcome),
        Ok(Err(e)) if net::is_connection_lost(&e) => Err(PushError::Lost(net::lost("push", &e))),
        Ok(Err(e)) => Err(PushError::Refused(net::server_message(&e))),
        Err(_) => Err(PushError::Lost(Error::Sync(format!(
            "the server did not answer within {} s during the push; nothing was half-applied, sync again to resume",
            net::QUERY_TIMEOUT.as_secs()
        )))),
    }
}

/// One Postgres transaction: rows that win against the server's copy are
/// written, then their versions.
async fn push_batch(
    ctx: &Ctx<'_>,
    chunk: &[PendingRow],
    data: &LocalRows,
) -> std::result::Result<PushOutcome, sqlx::Error> {
    let mut tx = ctx.pg.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))").bind(&ctx.user_id).execute(&mut *tx).await?;
    sqlx::query("SET CONSTRAINTS ALL DEFERRED").execute(&mut *tx).await?;
    // Rows keep the updated_at their install gave them (server trigger),
    // and this client writes the field versions itself (a client from
    // before them gets them written by the server's triggers).
    sqlx::query("SELECT set_config('app.sync_push', '1', true), set_config('app.sync_fields', '1', true)")
        .execute(&mut *tx)
        .await?;
    let ids: Vec<&str> = chunk.iter().map(|r| r.row_id.as_str()).collect();
    let server: Vec<ServerRow> = sqlx::query_as(
        "SELECT tbl, row_id::text, hlc, deleted, seq, origin, fields FROM sync_rows \
              WHERE row_id = ANY($1::text[]::uuid[]) AND user_id = $2::uuid",
    )
    .bind(&ids)
    .bind(&ctx.user_id)
    .fetch_all(&mut *tx)
    .await?;
    let server: HashMap<(String, String), ServerVersion> =
        server.into_iter().map(|(t, id, hlc, d, seq, o, f)| ((t, id), (hlc, d, seq, o, f.0))).collect();
    let no_fields = Fields::new();
    let mut winners: Vec<&PendingRow> = Vec::new();
    let mut merge_up: Vec<&PendingRow> = Vec::new();
    let mut taken: Vec<PendingRow> = Vec::new();
    let mut skipped = 0;
    for row in chunk {
        let present = row.deleted || data.contains_key(&(row.tbl.clone(), row.row_id.clone()));
        let wins = match server.get(&(row.tbl.clone(), row.row_id.clone())) {
            None => true,
            Some((hlc, _, _, _, _)) if *hlc == row.hlc => {
                // Already there (a push that died after its commit).
                taken.push(row.clone());
                continue;
            }
            // A delete wins over a live copy.
            Some((_, false, _, _, _)) if row.deleted => true,
            // Deleted there too: nothing to send.
            Some((_, true, _, _, _)) if row.deleted => {
                taken.push(row.clone());
                continue;
            }
            // A live row over a delete only when this install knew of the
            // delete (it made it, or had pulled it) and is newer.
            Some((hlc, true, seq, origin, _)) if !row.deleted => {
                row.hlc > *hlc && (*seq <= ctx.cursor || origin.as_deref() == Some(ctx.node.as_str()))
            }
            // A live row over a live one: newer, and (merged per field)
            // knowing every field at least at the server's version; else the
            // next pull merges the server's edits in first.
            Some((hlc, _, _, _, server_fields)) => {
                let key = (row.tbl.clone(), row.row_id.clone());
                row.hlc > *hlc
                    && (!MERGE_TABLES.contains(&row.tbl.as_str())
                        || apply::dominates(data.fields.get(&key).unwrap_or(&no_fields), server_fields))
            }
        };
        // A row deleted locally after its key was read is pushed next time as a tombstone.
        if wins && present {
            winners.push(row);
        } else if present && row.aside && MERGE_TABLES.contains(&row.tbl.as_str()) {
            // This install cannot take the server's version (kept aside), so
            // the next pull cannot merge it: merge here, on the server.
            match server.get(&(row.tbl.clone(), row.row_id.clone())) {
                Some((_, false, _, _, _)) => merge_up.push(row),
                _ => skipped += 1,
            }
        } else {
            skipped += 1;
        }
    }
    let mut merged_rows: HashMap<(String, String), Value> = HashMap::new();
    let mut merged_versions: Vec<Value> = Vec::new();
    let mut merged_up: Vec<PendingRow> = Vec::new();
    for table in MERGE_TABLES {
        let group: Vec<&PendingRow> = merge_up.iter().copied().filter(|r| r.tbl == *table).collect();
        if group.is_empty() {
            continue;
        }
        let ids: Vec<&str> = group.iter().map(|r| r.row_id.as_str()).collect();
        let rows: Vec<(String, sqlx::types::Json<Value>)> = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT id::text, to_jsonb(t) FROM \"{table}\" t WHERE id = ANY($1::text[]::uuid[])"
        )))
        .bind(&ids)
        .fetch_all(&mut *tx)
        .await?;
        let theirs: HashMap<String, Value> = rows.into_iter().map(|(id, v)| (id, v.0)).collect();
        let meta = &ctx.metas[table];
        for row in group {
            let key = (row.tbl.clone(), row.row_id.clone());
            let (Some(their_row), Some(mine), Some((their_hlc, _, _, _, their_fields))) =
                (theirs.get(&row.row_id), data.get(&key), server.get(&key))
            else {
                skipped += 1;
                continue;
            };
            let my_fields = data.fields.get(&key).unwrap_or(&no_fields);
            // None: the server already knows every field this edit changed.
            if let Some((merged, fields)) = merge_on_server(meta, their_row, mine, their_fields, my_fields) {
                let hlc = above(&row.hlc, their_hlc, &ctx.node);
                merged_versions.push(serde_json::json!({
                    "tbl": row.tbl, "row_id": row.row_id, "hlc": hlc, "deleted": false,
                    "fields": fields, "origin": null,
                }));
                merged_rows.insert(key, merged);
            }
            merged_up.push(row.clone());
        }
    }
    // Upserts parents first, deletes children first.
    for table in SYNCED_TABLES {
        let rows: Vec<&Value> = winners
            .iter()
            .filter(|r| r.tbl == *table && !r.deleted)
            .filter_map(|r| data.get(&(r.tbl.clone(), r.row_id.clone())))
            .chain(merged_rows.iter().filter(|((t, _), _)| t == table).map(|(_, v)| v))
            .collect();
        if rows.is_empty() {
            continue;
        }
        let meta = &ctx.metas[table];
        sqlx::query(AssertSqlSafe(meta.pg_upsert())).bind(sqlx::types::Json(&rows)).execute(&mut *tx).await?;
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
            .await?;
    }
    if !winners.is_empty() || !merged_versions.is_empty() {
        let versions: Vec<Value> = winners
            .iter()
            .map(|r| {
                let fields =
                    if r.deleted { None } else { data.fields.get(&(r.tbl.clone(), r.row_id.clone())) };
                serde_json::json!({
                    "tbl": r.tbl, "row_id": r.row_id, "hlc": r.hlc, "deleted": r.deleted,
                    "fields": fields.unwrap_or(&no_fields), "origin": &ctx.node,
                })
            })
            .chain(merged_versions)
            .collect();
        sqlx::query(
            "INSERT INTO sync_rows (tbl, row_id, user_id, hlc, deleted, seq, origin, fields) \
             SELECT e.x ->> 'tbl', (e.x ->> 'row_id')::uuid, $2::uuid, e.x ->> 'hlc', (e.x ->> 'deleted')::boolean, \
                    nextval('sync_rows_seq'), e.x ->> 'origin', e.x -> 'fields' \
               FROM jsonb_array_elements($1) WITH ORDINALITY AS e(x, n) \
              ORDER BY e.n \
             ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, \
                seq = excluded.seq, origin = excluded.origin, fields = excluded.fields",
        )
        .bind(sqlx::types::Json(&versions))
        .bind(&ctx.user_id)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    taken.extend(winners.into_iter().cloned());
    Ok(PushOutcome { taken, merged_up, skipped })
}

/// A local edit merged per field into the server's row (Postgres shape, as
/// `to_jsonb` gives it): every field whose local version is newer takes the
/// local value (columns the server lacks in `_extra`). Returns the merged
/// row and field versions, or None when the server knows every field the
/// edit changed at least at its version.
fn merge_on_server(
    meta: &TableMeta,
    theirs: &Value,
    mine: &Value,
    their_fields: &Fields,
    my_fields: &Fields,
) -> Option<(Value, Fields)> {
    let mut merged = theirs.as_object()?.clone();
    let mut fields = their_fields.clone();
    let mut changed = false;
    for (col, mine_at) in my_fields {
        if mine_at.as_str() <= fields.get(col).map(String::as_str).unwrap_or("") {
            continue;
        }
        let Some(column) = meta.columns.iter().find(|c| c.name == *col) else { continue };
        if column.on_server {
            merged.insert(col.clone(), mine.get(col).cloned().unwrap_or(Value::Null));
        } else if meta.has_extra {
            let value = mine.get("_extra").and_then(|e| e.get(col)).cloned().unwrap_or(Value::Null);
            let extra = merged.entry("_extra").or_insert_with(|| Value::Object(Map::new()));
            if !extra.is_object() {
                *extra = Value::Object(Map::new());
            }
            if let Some(e) = extra.as_object_mut() {
                e.insert(col.clone(), value);
            }
        } else {
            continue;
        }
        fields.insert(col.clone(), mine_at.clone());
        changed = true;
    }
    changed.then_some((Value::Object(merged), fields))
}

/// A version just above both (signed by this node), for a merge.
fn above(a: &str, b: &str, node: &str) -> String {
    let (ms, ctr) = parse_hlc(a).unwrap_or((0, 0)).max(parse_hlc(b).unwrap_or((0, 0)));
    format!("{ms:015}-{:08}-{node}", ctr + 1)
}

/// Marks rows pushed unless they changed since their key was read, and
/// keeps what the server now holds as their merge base.
async fn mark_pushed(ctx: &Ctx<'_>, outcome: &PushOutcome) -> Result<()> {
    let rows = &outcome.taken;
    if rows.is_empty() && outcome.merged_up.is_empty() {
        return Ok(());
    }
    // Rows merged up keep their old merge base: this install has not seen
    // the merged row yet (the next pull brings it).
    let keys: Vec<(&str, &str, &str)> = rows
        .iter()
        .chain(&outcome.merged_up)
        .map(|r| (r.tbl.as_str(), r.row_id.as_str(), r.hlc.as_str()))
        .collect();
    let mut tx = ctx.store.begin_write().await?;
    sqlx::query(
        "UPDATE sync_rows SET pending = 0 WHERE (tbl, row_id, hlc) IN \
         (SELECT value ->> '$[0]', value ->> '$[1]', value ->> '$[2]' FROM json_each(?1))",
    )
    .bind(serde_json::to_string(&keys).unwrap_or_default())
    .execute(&mut *tx)
    .await?;
    for table in MERGE_TABLES {
        let ids: Vec<&str> =
            rows.iter().filter(|r| r.tbl == *table && !r.deleted).map(|r| r.row_id.as_str()).collect();
        if !ids.is_empty() {
            apply::save_bases(&mut tx, &ctx.metas[table], &ids).await?;
        }
        let gone: Vec<&str> =
            rows.iter().filter(|r| r.tbl == *table && r.deleted).map(|r| r.row_id.as_str()).collect();
        if !gone.is_empty() {
            sqlx::query(
                "DELETE FROM sync_base WHERE tbl = ?1 AND row_id IN (SELECT value FROM json_each(?2))",
            )
            .bind(table)
            .bind(serde_json::to_string(&gone).unwrap_or_default())
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

async fn pull(ctx: &mut Ctx<'_>, report: &mut SyncReport, started_at: &str) -> Result<()> {
    loop {
        let cursor: i64 = {
            let mut conn = ctx.store.pool().acquire().await?;
            state_get(&mut conn, "pull_cursor").await?.and_then(|c| c.parse().ok()).unwrap_or(0)
        };
        ctx.cursor = cursor;
        let rows: Vec<(String, String, String, bool, i64, Option<String>)> = net::bounded(
            "pull",
            sqlx::query_as(
                "SELECT tbl, row_id::text, hlc, deleted, seq, origin FROM sync_rows \
                  WHERE user_id = $1::uuid AND seq > $2 ORDER BY seq LIMIT $3",
            )
            .bind(&ctx.user_id)
            .bind(cursor)
            .bind(ctx.opts.batch_size as i64)
            .fetch_all(&ctx.pg),
        )
        .await?;
        if rows.is_empty() {
            break;
        }
        let last_seq = rows.last().map(|r| r.4).unwrap_or(cursor);
        let versions: Vec<RemoteVersion> = rows
            .into_iter()
            .filter(|r| rank(&r.0) != usize::MAX)
            .map(|(tbl, row_id, hlc, deleted, _, origin)| RemoteVersion { tbl, row_id, hlc, deleted, origin })
            .collect();
        apply::apply(ctx, &versions, Some(last_seq), report).await?;
        ctx.cursor = last_seq;
        ctx.opts.report("pull", report.pulled + report.pull_skipped, None);
        ctx.batch_done()?;
    }
    retry_quarantined(ctx, report).await?;

    let mut conn = ctx.store.pool().acquire().await?;
    let fresh: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT tbl, row_id, reason FROM sync_quarantine WHERE first_seen >= ? ORDER BY tbl, row_id LIMIT ?",
    )
    .bind(started_at)
    .bind(MAX_ERRORS as i64)
    .fetch_all(&mut *conn)
    .await?;
    let mut seen = HashSet::new();
    for (tbl, id, reason) in fresh {
        push_error(report, &mut seen, format!("{tbl} {id}: kept aside: {reason} (retried next sync)"));
    }
    report.quarantined = quarantine::count(&mut conn).await?;
    let older: i64 = sqlx::query_scalar("SELECT count(*) FROM sync_quarantine WHERE first_seen < ?")
        .bind(started_at)
        .fetch_one(&mut *conn)
        .await?;
    if older > 0 {
        report
            .errors
            .push(format!("{older} rows are still kept aside from earlier syncs (see `wagner sync status`)"));
    }
    let violations = sqlx::query("PRAGMA foreign_key_check").fetch_all(&mut *conn).await?;
    if !violations.is_empty() {
        report.errors.push(format!(
            "{} rows point at rows that are missing after the pull (run sync again; if it stays, see `wagner db check`)",
            violations.len()
        ));
    }
    Ok(())
}

/// Rows kept aside (now or by an earlier sync) are tried again with the
/// server's current version of each, in one transaction.
async fn retry_quarantined(ctx: &Ctx<'_>, report: &mut SyncReport) -> Result<()> {
    let keys = quarantine::keys(ctx.store).await?;
    for chunk in keys.chunks(ctx.opts.batch_size) {
        let ids: Vec<&str> = chunk.iter().map(|(_, id)| id.as_str()).collect();
        let rows: Vec<(String, String, String, bool, Option<String>)> = net::bounded(
            "pull",
            sqlx::query_as(
                "SELECT tbl, row_id::text, hlc, deleted, origin FROM sync_rows \
                  WHERE user_id = $1::uuid AND row_id = ANY($2::text[]::uuid[])",
            )
            .bind(&ctx.user_id)
            .bind(&ids)
            .fetch_all(&ctx.pg),
        )
        .await?;
        let wanted: HashSet<(&str, &str)> = chunk.iter().map(|(t, id)| (t.as_str(), id.as_str())).collect();
        let versions: Vec<RemoteVersion> = rows
            .into_iter()
            .filter(|r| wanted.contains(&(r.0.as_str(), r.1.as_str())))
            .map(|(tbl, row_id, hlc, deleted, origin)| RemoteVersion { tbl, row_id, hlc, deleted, origin })
            .collect();
        // Rows the server no longer lists are no longer wanted.
        let listed: HashSet<(&str, &str)> =
            versions.iter().map(|v| (v.tbl.as_str(), v.row_id.as_str())).collect();
        let gone: Vec<(&str, &str)> = wanted.iter().filter(|k| !listed.contains(*k)).copied().collect();
        if !gone.is_empty() {
            let mut conn = ctx.store.pool().acquire().await?;
            quarantine::clear(&mut conn, &gone).await?;
        }
        apply::apply(ctx, &versions, None, report).await?;
    }
    Ok(())
}

pub(crate) fn parse_hlc(hlc: &str) -> Option<(i64, i64)> {
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
    let server: Vec<String> = net::bounded(
        "attachments",
        sqlx::query_scalar("SELECT path FROM sync_attachments WHERE user_id = $1::uuid")
            .bind(&ctx.user_id)
            .fetch_all(&ctx.pg),
    )
    .await?;
    let server_set: HashSet<&str> = server.iter().map(String::as_str).collect();
    for path in local.iter().filter(|p| !server_set.contains(p.as_str())) {
        let bytes = std::fs::read(dir.join(path)).map_err(|e| Error::io(format!("reading {path}"), e))?;
        let hash = crate::attachments::sha256_hex(&bytes);
        net::bounded(
            "attachments",
            sqlx::query(
                "INSERT INTO sync_attachments (user_id, path, sha256, bytes) VALUES ($1::uuid, $2, $3, $4) \
                 ON CONFLICT (user_id, path) DO NOTHING",
            )
            .bind(&ctx.user_id)
            .bind(path)
            .bind(&hash)
            .bind(&bytes)
            .execute(&ctx.pg),
        )
        .await?;
        report.attachments_up += 1;
    }
    let local_set: HashSet<&str> = local.iter().map(String::as_str).collect();
    for path in server.iter().filter(|p| !local_set.contains(p.as_str())) {
        if path.starts_with('/') || path.contains("..") || path.contains('\\') {
            report.errors.push(format!("attachment {path}: refused (path outside the data folder)"));
            continue;
        }
        let (hash, bytes): (String, Vec<u8>) = net::bounded(
            "attachments",
            sqlx::query_as(
                "SELECT sha256, bytes FROM sync_attachments WHERE user_id = $1::uuid AND path = $2",
            )
            .bind(&ctx.user_id)
            .bind(path)
            .fetch_one(&ctx.pg),
        )
        .await?;
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
