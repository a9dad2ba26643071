//! Applying pulled versions: one SQLite transaction per batch, deletes
//! before writes, slots vacated before rows move into them, per-field merges
//! of concurrent edits, and every row that still cannot be applied kept
//! aside in `sync_quarantine` while the rest goes on.
//!
//! Rules, per row (see README "Sync: what wins"):
//! * a version this install already holds is skipped;
//! * a row without a local change pending takes the server's current
//!   version (the server applied these rules against every push);
//! * a delete wins over edits made without knowledge of it: a pulled
//!   tombstone removes the row even when it was edited here since; a local
//!   delete not pushed yet keeps the row deleted;
//! * a local edit not pushed yet is merged per field with the pulled
//!   version: each column takes the value of its newer edit by field version
//!   (`sync_fields` here, `sync_rows.fields` on the server), and a merge that
//!   mixes both goes up as a new version; equal field versions with
//!   different values (edits from before field versions) fall back to a
//!   three-way merge against `sync_base`, the higher row version deciding
//!   fields both sides changed;
//! * versions more than [`MAX_DRIFT_MS`] ahead of this machine's clock are
//!   refused (kept aside until the clock catches up), so one wrong clock
//!   cannot drag every install's clock into the future.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};
use sqlx::{AssertSqlSafe, Connection, Row, SqliteConnection};

use super::convert::TableMeta;
use super::{Ctx, SYNCED_TABLES, SyncReport, net, parse_hlc, quarantine, state_set};
use crate::error::{Error, Result};

/// Versions further ahead of this machine's clock than this are refused.
pub const MAX_DRIFT_MS: i64 = 60 * 60 * 1000;

/// Tables merged per column (edited in place by people); the others are
/// written once (messages, streams, laps, entries) and keep row-level LWW.
pub const MERGE_TABLES: &[&str] = &[
    "users",
    "foods_enhanced",
    "meal_logs",
    "activities",
    "body_measurements",
    "ai_generated_programs",
    "ai_program_days",
    "ai_program_items",
    "integrations",
    "user_goals",
];

#[derive(Debug, Clone)]
pub struct RemoteVersion {
    pub tbl: String,
    pub row_id: String,
    pub hlc: String,
    pub deleted: bool,
    pub origin: Option<String>,
}

#[derive(Debug, Clone, Copy)]
struct Local {
    deleted: bool,
    pending: bool,
}

enum Plan {
    Skip,
    Delete { overrides_local_edit: bool },
    Upsert { overrides_local_edit: bool },
    Merge,
}

/// Row text from the server, parsed per row so one bad row stays one row.
fn parse_row(text: &str) -> std::result::Result<Value, String> {
    serde_json::from_str(text).map_err(|e| {
        let e = e.to_string();
        if e.contains("number out of range") {
            "a number on the server is out of range".to_owned()
        } else {
            format!("the server's row cannot be read ({e})")
        }
    })
}

fn sqlite_message(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(db) => {
            let m = db.message();
            if let Some(cols) = m.strip_prefix("UNIQUE constraint failed: ") {
                format!("its slot ({cols}) is taken by another row here")
            } else {
                m.to_owned()
            }
        }
        other => other.to_string(),
    }
}

fn is_unique(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.message().starts_with("UNIQUE constraint failed"))
}

/// Fetches the rows of the live versions from the server (scoped to the
/// profile) and converts them; rows that cannot be read go to `bad`.
async fn fetch(
    ctx: &Ctx<'_>,
    versions: &[&RemoteVersion],
    bad: &mut HashMap<(String, String), String>,
    fields: &mut HashMap<(String, String), Fields>,
) -> Result<HashMap<(String, String), Value>> {
    let mut out = HashMap::new();
    for table in SYNCED_TABLES {
        let ids: Vec<&str> =
            versions.iter().filter(|v| v.tbl == *table && !v.deleted).map(|v| v.row_id.as_str()).collect();
        if ids.is_empty() {
            continue;
        }
        let meta = &ctx.metas[table];
        let scope = match *table {
            "users" => "t.id = $2::uuid",
            "ai_program_days" | "ai_program_items" => {
                "t.program_id IN (SELECT id FROM ai_generated_programs WHERE user_id = $2::uuid)"
            }
            _ => "t.user_id = $2::uuid",
        };
        // The field versions are read with the row, in one statement: they
        // describe exactly the values read.
        let sql = format!(
            "SELECT t.id::text, to_jsonb(t)::text, COALESCE(s.fields, '{{}}'::jsonb)::text FROM \"{table}\" t \
               LEFT JOIN sync_rows s ON s.tbl = '{table}' AND s.row_id = t.id \
              WHERE t.id = ANY($1::text[]::uuid[]) AND {scope}"
        );
        let rows: Vec<(String, String, String)> = net::bounded(
            "pull",
            sqlx::query_as(AssertSqlSafe(sql)).bind(&ids).bind(&ctx.user_id).fetch_all(&ctx.pg),
        )
        .await?;
        for (id, text, field_text) in rows {
            let key = ((*table).to_owned(), id);
            let converted = parse_row(&text).and_then(|v| {
                meta.to_sqlite(&v).map_err(|e| match e {
                    Error::Sync(m) => m,
                    other => other.to_string(),
                })
            });
            let versions =
                if MERGE_TABLES.contains(table) { parse_fields(&field_text) } else { Ok(Fields::new()) };
            match (converted, versions) {
                (Ok(row), Ok(versions)) => {
                    let owner = if *table == "users" { row.get("id") } else { row.get("user_id") };
                    match owner {
                        Some(Value::String(u)) if *u != ctx.user_id => {
                            bad.insert(key, "it belongs to another profile".into());
                        }
                        _ => {
                            fields.insert(key.clone(), versions);
                            out.insert(key, row);
                        }
                    }
                }
                (Err(reason), _) | (_, Err(reason)) => {
                    bad.insert(key, reason);
                }
            }
        }
    }
    Ok(out)
}

/// Per-field versions of one row: column name → HLC version of its latest
/// change. A column without an entry holds the value the row was created
/// with (older than any edit).
pub type Fields = BTreeMap<String, String>;

/// A field's version ("" for one never edited since the row was created).
fn version<'a>(fields: &'a Fields, column: &str) -> &'a str {
    fields.get(column).map(String::as_str).unwrap_or("")
}

/// The server's field versions of a row: each a valid version no further
/// ahead of this machine's clock than [`MAX_DRIFT_MS`] (a far-future field
/// version would win every later edit of its field).
fn parse_fields(text: &str) -> std::result::Result<Fields, String> {
    let limit = crate::clock::now().timestamp_millis() + MAX_DRIFT_MS;
    let map: Map<String, Value> = serde_json::from_str(text)
        .map_err(|_| "its field versions on the server cannot be read".to_owned())?;
    let mut out = Fields::new();
    for (col, v) in map {
        match v.as_str().map(|h| (h, parse_hlc(h))) {
            Some((h, Some((ms, _)))) if ms <= limit => {
                out.insert(col, h.to_owned());
            }
            _ => {
                return Err(format!("the server's version of its field {col} is not valid or too far ahead"));
            }
        }
    }
    Ok(out)
}

/// Whether `local` knows every field at least at the version `server` has
/// (a push may then replace the server's row without losing an edit).
pub fn dominates(local: &Fields, server: &Fields) -> bool {
    server.iter().all(|(col, v)| version(local, col) >= v.as_str())
}

/// The local field versions of rows, keyed by (table, id).
pub async fn local_fields(
    conn: &mut SqliteConnection,
    keys: &[(&str, &str)],
) -> Result<HashMap<(String, String), Fields>> {
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT f.tbl, f.row_id, f.col, f.hlc FROM sync_fields f JOIN json_each(?1) j \
           ON f.tbl = j.value ->> '$[0]' AND f.row_id = j.value ->> '$[1]'",
    )
    .bind(serde_json::to_string(keys).unwrap_or_default())
    .fetch_all(&mut *conn)
    .await?;
    let mut out: HashMap<(String, String), Fields> = HashMap::new();
    for (t, id, col, hlc) in rows {
        out.entry((t, id)).or_default().insert(col, hlc);
    }
    Ok(out)
}

/// Replaces the field versions of rows (table, id, versions).
async fn set_fields(conn: &mut SqliteConnection, rows: &[(&str, &str, &Fields)]) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let json: Vec<Value> = rows.iter().map(|(t, id, f)| serde_json::json!([t, id, f])).collect();
    let json = serde_json::to_string(&json).unwrap_or_default();
    sqlx::query(
        "DELETE FROM sync_fields WHERE (tbl, row_id) IN \
         (SELECT value ->> '$[0]', value ->> '$[1]' FROM json_each(?1))",
    )
    .bind(&json)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO sync_fields (tbl, row_id, col, hlc) \
         SELECT j.value ->> '$[0]', j.value ->> '$[1]', f.key, f.value \
           FROM json_each(?1) j, json_each(j.value -> '$[2]') f WHERE true \
         ON CONFLICT (tbl, row_id, col) DO UPDATE SET hlc = excluded.hlc",
    )
    .bind(&json)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Applies `versions` (one pulled batch, or the kept-aside rows retried) and,
/// with `cursor`, advances the pull cursor in the same transaction.
pub async fn apply(
    ctx: &Ctx<'_>,
    versions: &[RemoteVersion],
    cursor: Option<i64>,
    report: &mut SyncReport,
) -> Result<()> {
    let limit = crate::clock::now().timestamp_millis() + MAX_DRIFT_MS;
    let mut bad: HashMap<(String, String), String> = HashMap::new();
    let mut usable: Vec<&RemoteVersion> = Vec::new();
    for v in versions {
        match parse_hlc(&v.hlc) {
            // Our own pushes coming back (this node id is renewed whenever
            // the file is restored or copied): never fetched again.
            _ if v.origin.as_deref() == Some(ctx.node.as_str()) => usable.push(v),
            Some((ms, _)) if ms <= limit => usable.push(v),
            Some((ms, _)) => {
                let ahead_h = (ms - limit + MAX_DRIFT_MS) as f64 / 3_600_000.0;
                let ahead = if ahead_h > 48.0 {
                    format!("{:.0} days", ahead_h / 24.0)
                } else {
                    format!("{ahead_h:.1} h")
                };
                bad.insert(
                    (v.tbl.clone(), v.row_id.clone()),
                    format!(
                        "its version is {ahead} ahead of this computer's clock (more than the {} h allowed); retried until the clock catches up",
                        MAX_DRIFT_MS / 3_600_000
                    ),
                );
            }
            None => {
                bad.insert(
                    (v.tbl.clone(), v.row_id.clone()),
                    format!("its version {:?} is not valid", v.hlc),
                );
            }
        }
    }
    let foreign: Vec<&RemoteVersion> =
        usable.iter().copied().filter(|v| v.origin.as_deref() != Some(ctx.node.as_str())).collect();
    let mut remote_fields = HashMap::new();
    let fetched = fetch(ctx, &foreign, &mut bad, &mut remote_fields).await?;

    let mut conn = ctx.store.pool().acquire().await?;
    // Children may arrive before a parent that was edited later, and rows
    // move between slots; the server enforces the references, and the
    // finished pull is checked with PRAGMA foreign_key_check.
    sqlx::query("PRAGMA foreign_keys = OFF").execute(&mut *conn).await?;
    let remote = Remote { rows: &fetched, fields: &remote_fields };
    let result = apply_in_tx(ctx, &mut conn, &usable, remote, bad, versions, cursor, report).await;
    let restored = sqlx::query("PRAGMA foreign_keys = ON").execute(&mut *conn).await;
    if restored.is_err() {
        // Never hand a connection without foreign keys back to the pool.
        conn.detach().close().await.ok();
    }
    result
}

/// The server's rows of a batch (SQLite shape) and their field versions.
#[derive(Clone, Copy)]
struct Remote<'a> {
    rows: &'a HashMap<(String, String), Value>,
    fields: &'a HashMap<(String, String), Fields>,
}

#[allow(clippy::too_many_arguments)]
async fn apply_in_tx(
    ctx: &Ctx<'_>,
    conn: &mut SqliteConnection,
    usable: &[&RemoteVersion],
    remote: Remote<'_>,
    mut bad: HashMap<(String, String), String>,
    all: &[RemoteVersion],
    cursor: Option<i64>,
    report: &mut SyncReport,
) -> Result<()> {
    let mut tx = crate::store::begin_write_on(conn).await?;
    sqlx::query("UPDATE sync_clock SET applying = 1").execute(&mut *tx).await?;
    let keys: Vec<(&str, &str)> = all.iter().map(|v| (v.tbl.as_str(), v.row_id.as_str())).collect();
    let keys_json = serde_json::to_string(&keys).unwrap_or_default();
    let local_rows: Vec<(String, String, String, i64, i64)> = sqlx::query_as(
        "SELECT s.tbl, s.row_id, s.hlc, s.deleted, s.pending FROM sync_rows s JOIN json_each(?1) j \
           ON s.tbl = j.value ->> '$[0]' AND s.row_id = j.value ->> '$[1]'",
    )
    .bind(&keys_json)
    .fetch_all(&mut *tx)
    .await?;
    let mut local_hlc: HashMap<(String, String), String> = HashMap::new();
    let mut local: HashMap<(String, String), Local> = HashMap::new();
    for (t, id, hlc, deleted, pending) in local_rows {
        local_hlc.insert((t.clone(), id.clone()), hlc);
        local.insert((t, id), Local { deleted: deleted != 0, pending: pending != 0 });
    }
    let fetched = remote.rows;

    // Decide.
    let mut deletes: Vec<&RemoteVersion> = Vec::new();
    let mut upserts: Vec<&RemoteVersion> = Vec::new();
    let mut merges: Vec<&RemoteVersion> = Vec::new();
    let mut settled: Vec<(&str, &str)> = Vec::new();
    for &v in usable {
        let key = (v.tbl.clone(), v.row_id.clone());
        if bad.contains_key(&key) {
            continue;
        }
        let mine = local.get(&key).copied();
        let lhlc = local_hlc.get(&key);
        let newer = lhlc.is_none_or(|l| v.hlc > *l);
        // Our own version coming back: nothing in it is new here.
        let own_echo = v.origin.as_deref() == Some(ctx.node.as_str());
        // Without a local change pending, the server's current version is
        // the truth (it already applied the rules below against every push).
        let plan = if lhlc == Some(&v.hlc) || own_echo {
            Plan::Skip
        } else if v.deleted {
            match mine {
                Some(l) if l.pending && !l.deleted => Plan::Delete { overrides_local_edit: true },
                // Deleted on both sides: the server's tombstone settles it.
                _ => Plan::Delete { overrides_local_edit: false },
            }
        } else if !fetched.contains_key(&key) {
            // Deleted (or hidden) on the server since its version was read:
            // kept aside quietly; the tombstone of a later batch settles it.
            bad.insert(key, "the server lists a version of it but not the row itself".into());
            continue;
        } else {
            match mine {
                // A local delete not pushed yet wins.
                Some(l) if l.pending && l.deleted => Plan::Skip,
                Some(l) if l.pending && MERGE_TABLES.contains(&v.tbl.as_str()) => Plan::Merge,
                Some(l) if l.pending && !newer => Plan::Skip,
                Some(l) => Plan::Upsert { overrides_local_edit: l.pending && !l.deleted },
                None => Plan::Upsert { overrides_local_edit: false },
            }
        };
        match plan {
            Plan::Skip => {
                report.pull_skipped += 1;
                settled.push((v.tbl.as_str(), v.row_id.as_str()));
            }
            Plan::Delete { overrides_local_edit } => {
                report.overridden += i64::from(overrides_local_edit);
                deletes.push(v);
            }
            Plan::Upsert { overrides_local_edit } => {
                report.overridden += i64::from(overrides_local_edit);
                upserts.push(v);
            }
            Plan::Merge => merges.push(v),
        }
    }

    // 1. Deletes, children first: they free the slots later rows move into.
    for table in SYNCED_TABLES.iter().rev() {
        let ids: Vec<&str> = deletes.iter().filter(|v| v.tbl == *table).map(|v| v.row_id.as_str()).collect();
        if ids.is_empty() {
            continue;
        }
        let ids_json = serde_json::to_string(&ids).unwrap_or_default();
        sqlx::query(AssertSqlSafe(format!(
            "DELETE FROM \"{table}\" WHERE id IN (SELECT value FROM json_each(?1))"
        )))
        .bind(&ids_json)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM sync_base WHERE tbl = ?1 AND row_id IN (SELECT value FROM json_each(?2))")
            .bind(table)
            .bind(&ids_json)
            .execute(&mut *tx)
            .await?;
    }

    // 2. Per-field merges of concurrent edits, decided before any write:
    //    a merged row is written with the others (so it may take a slot too).
    let mut overrides: HashMap<(String, String), Value> = HashMap::new();
    let mut mixed: HashMap<(String, String), String> = HashMap::new();
    let mut merged_bases: Vec<(String, String, String)> = Vec::new();
    let mut merged_fields: HashMap<(String, String), Fields> = HashMap::new();
    let merge_keys: Vec<(&str, &str)> = merges.iter().map(|v| (v.tbl.as_str(), v.row_id.as_str())).collect();
    let mut mine_fields = local_fields(&mut tx, &merge_keys).await?;
    let no_fields = Fields::new();
    for v in merges.iter().copied() {
        let meta = &ctx.metas[v.tbl.as_str()];
        let key = (v.tbl.clone(), v.row_id.clone());
        let lhlc = local_hlc.get(&key).cloned().unwrap_or_default();
        let versions = FieldVersions {
            local: mine_fields.remove(&key).unwrap_or_default(),
            remote: remote.fields.get(&key).unwrap_or(&no_fields),
        };
        match merge_row(&mut tx, meta, v, &lhlc, &fetched[&key], &versions).await {
            Ok(MergeOutcome { kind, merged, remote_raw, fields, lost_local }) => {
                merged_bases.push((v.tbl.clone(), v.row_id.clone(), remote_raw));
                match kind {
                    // Nothing of the local edit is newer: the server's version stands.
                    MergeKind::Remote => {
                        report.overridden += i64::from(lost_local);
                        upserts.push(v);
                    }
                    // Nothing new from the server: the local edit keeps its version.
                    MergeKind::Local => settled.push((v.tbl.as_str(), v.row_id.as_str())),
                    MergeKind::Mixed => {
                        mixed.insert(key.clone(), above(&mut tx, &lhlc, &v.hlc).await?);
                        overrides.insert(key.clone(), merged);
                        merged_fields.insert(key, fields);
                        upserts.push(v);
                    }
                }
            }
            Err(reason) => {
                bad.insert(key, reason);
            }
        }
    }

    // 3. Writes, parents first.
    let mut written: Vec<&RemoteVersion> = Vec::new();
    for table in SYNCED_TABLES {
        let group: Vec<&RemoteVersion> = upserts.iter().copied().filter(|v| v.tbl == *table).collect();
        if group.is_empty() {
            continue;
        }
        let meta = &ctx.metas[table];
        let (ok, failed) = write_rows(&mut tx, meta, &group, fetched, &overrides).await?;
        written.extend(ok);
        for (v, reason) in failed {
            bad.insert((v.tbl.clone(), v.row_id.clone()), reason);
        }
    }
    let mut merged_new: Vec<(String, String, String)> = Vec::new();
    written.retain(|v| {
        let key = (v.tbl.clone(), v.row_id.clone());
        match mixed.get(&key) {
            Some(hlc) => {
                merged_new.push((key.0, key.1, hlc.clone()));
                false
            }
            None => true,
        }
    });
    report.merged += merged_new.len() as i64;
    merged_bases.retain(|(t, id, _)| !bad.contains_key(&(t.clone(), id.clone())));

    // The updated_at triggers bump rows whose updated_at did not change;
    // put the server's value back.
    for table in SYNCED_TABLES {
        let meta = &ctx.metas[table];
        if !meta.has_updated_at() {
            continue;
        }
        // (id, updated_at) pairs only: parsing whole rows again cost a third
        // of the write.
        let rows: Vec<(&str, &Value)> = written
            .iter()
            .filter(|v| v.tbl == *table)
            .filter_map(|v| {
                let at = fetched.get(&(v.tbl.clone(), v.row_id.clone()))?.get("updated_at")?;
                Some((v.row_id.as_str(), at))
            })
            .collect();
        if rows.is_empty() {
            continue;
        }
        sqlx::query(AssertSqlSafe(format!(
            "UPDATE \"{table}\" SET updated_at = j.value ->> '$[1]' FROM json_each(?1) j \
              WHERE \"{table}\".id = j.value ->> '$[0]' AND \"{table}\".updated_at <> j.value ->> '$[1]'"
        )))
        .bind(serde_json::to_string(&rows).unwrap_or_default())
        .execute(&mut *tx)
        .await?;
    }

    // Versions: applied ones as pushed (pending 0); merges as new local edits.
    let mut versions_json: Vec<Value> = Vec::new();
    for v in written.iter().chain(deletes.iter()) {
        versions_json.push(serde_json::json!([v.tbl, v.row_id, v.hlc, v.deleted as i64, 0]));
    }
    for (t, id, hlc) in &merged_new {
        versions_json.push(serde_json::json!([t, id, hlc, 0, 1]));
    }
    sqlx::query(
        "INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending) \
         SELECT value ->> '$[0]', value ->> '$[1]', value ->> '$[2]', value ->> '$[3]', value ->> '$[4]' FROM json_each(?1) WHERE true \
         ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = excluded.pending",
    )
    .bind(serde_json::to_string(&versions_json).unwrap_or_default())
    .execute(&mut *tx)
    .await?;
    report.pulled += (written.len() + deletes.len() + merged_new.len()) as i64;

    // Field versions: the server's for rows taken as they are, the merged
    // ones for merges (a delete's went with its row, by trigger).
    let mut field_rows: Vec<(&str, &str, &Fields)> = Vec::new();
    for v in written.iter().filter(|v| MERGE_TABLES.contains(&v.tbl.as_str())) {
        let f = remote.fields.get(&(v.tbl.clone(), v.row_id.clone())).unwrap_or(&no_fields);
        field_rows.push((v.tbl.as_str(), v.row_id.as_str(), f));
    }
    for (t, id, _) in &merged_new {
        if let Some(f) = merged_fields.get(&(t.clone(), id.clone())) {
            field_rows.push((t.as_str(), id.as_str(), f));
        }
    }
    set_fields(&mut tx, &field_rows).await?;

    // Bases: what the server holds now.
    for table in MERGE_TABLES {
        let ids: Vec<&str> = written.iter().filter(|v| v.tbl == *table).map(|v| v.row_id.as_str()).collect();
        if !ids.is_empty() {
            save_bases(&mut tx, &ctx.metas[table], &ids).await?;
        }
    }
    for (t, id, raw) in &merged_bases {
        sqlx::query(
            "INSERT INTO sync_base (tbl, row_id, data) VALUES (?, ?, ?) \
             ON CONFLICT (tbl, row_id) DO UPDATE SET data = excluded.data",
        )
        .bind(t)
        .bind(id)
        .bind(raw)
        .execute(&mut *tx)
        .await?;
    }

    // Kept aside, and cleared.
    for v in written.iter().chain(deletes.iter()).chain(merges.iter()) {
        if !bad.contains_key(&(v.tbl.clone(), v.row_id.clone())) {
            settled.push((v.tbl.as_str(), v.row_id.as_str()));
        }
    }
    quarantine::clear(&mut tx, &settled).await?;
    for v in all {
        if let Some(reason) = bad.get(&(v.tbl.clone(), v.row_id.clone())) {
            quarantine::put(&mut tx, &v.tbl, &v.row_id, &v.hlc, v.deleted, reason).await?;
        }
    }

    // HLC receive rule over the versions taken: never issue a version below one seen.
    let taken = written.iter().chain(deletes.iter()).map(|v| v.hlc.as_str());
    if let Some((ms, ctr)) = taken.max().and_then(parse_hlc) {
        sqlx::query(
            "UPDATE sync_clock SET ctr = CASE WHEN ?1 > ms THEN ?2 WHEN ?1 = ms THEN max(ctr, ?2) ELSE ctr END, \
             ms = max(ms, ?1)",
        )
        .bind(ms)
        .bind(ctr)
        .execute(&mut *tx)
        .await?;
    }
    if let Some(c) = cursor {
        state_set(&mut tx, "pull_cursor", &c.to_string()).await?;
    }
    sqlx::query("UPDATE sync_clock SET applying = 0").execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Writes one table's rows: all at once; else with their old copies
/// removed first (rows trading slots); else one by one, again while that
/// makes progress (a row waiting for another to leave its slot). Returns
/// the rows written and those that could not be, with the reason; a row
/// that could not be written keeps its local copy.
async fn write_rows<'v>(
    tx: &mut SqliteConnection,
    meta: &TableMeta,
    group: &[&'v RemoteVersion],
    fetched: &HashMap<(String, String), Value>,
    overrides: &HashMap<(String, String), Value>,
) -> Result<(Vec<&'v RemoteVersion>, Vec<(&'v RemoteVersion, String)>)> {
    let row_of = |v: &RemoteVersion| {
        let key = (v.tbl.clone(), v.row_id.clone());
        overrides.get(&key).or_else(|| fetched.get(&key)).cloned().unwrap_or(Value::Null)
    };
    let upsert = meta.sqlite_upsert();
    let all: Vec<Value> = group.iter().map(|v| row_of(v)).collect();
    let all_json = serde_json::to_string(&all).unwrap_or_default();

    sqlx::query("SAVEPOINT pull_rows").execute(&mut *tx).await?;
    if sqlx::query(AssertSqlSafe(upsert.clone())).bind(&all_json).execute(&mut *tx).await.is_ok() {
        sqlx::query("RELEASE pull_rows").execute(&mut *tx).await?;
        return Ok((group.to_vec(), Vec::new()));
    }
    sqlx::query("ROLLBACK TO pull_rows").execute(&mut *tx).await?;
    let ids: Vec<&str> = group.iter().map(|v| v.row_id.as_str()).collect();
    let vacate = format!("DELETE FROM \"{}\" WHERE id IN (SELECT value FROM json_each(?1))", meta.table);
    let vacated = async {
        sqlx::query(AssertSqlSafe(vacate))
            .bind(serde_json::to_string(&ids).unwrap_or_default())
            .execute(&mut *tx)
            .await?;
        sqlx::query(AssertSqlSafe(upsert.clone())).bind(&all_json).execute(&mut *tx).await
    }
    .await;
    if vacated.is_ok() {
        sqlx::query("RELEASE pull_rows").execute(&mut *tx).await?;
        return Ok((group.to_vec(), Vec::new()));
    }
    sqlx::query("ROLLBACK TO pull_rows").execute(&mut *tx).await?;
    sqlx::query("RELEASE pull_rows").execute(&mut *tx).await?;

    let mut ok = Vec::new();
    let mut waiting: Vec<(&RemoteVersion, String, bool)> =
        group.iter().map(|v| (*v, String::new(), true)).collect();
    loop {
        let mut progress = false;
        let mut next = Vec::new();
        for (v, _, _) in waiting {
            let one = serde_json::to_string(&[row_of(v)]).unwrap_or_default();
            sqlx::query("SAVEPOINT pull_row").execute(&mut *tx).await?;
            match sqlx::query(AssertSqlSafe(upsert.clone())).bind(&one).execute(&mut *tx).await {
                Ok(_) => {
                    sqlx::query("RELEASE pull_row").execute(&mut *tx).await?;
                    ok.push(v);
                    progress = true;
                }
                Err(e) => {
                    sqlx::query("ROLLBACK TO pull_row").execute(&mut *tx).await?;
                    sqlx::query("RELEASE pull_row").execute(&mut *tx).await?;
                    next.push((v, sqlite_message(&e), is_unique(&e)));
                }
            }
        }
        waiting = next;
        if !progress || waiting.iter().all(|(_, _, unique)| !unique) {
            break;
        }
    }
    Ok((ok, waiting.into_iter().map(|(v, reason, _)| (v, reason)).collect()))
}

enum MergeKind {
    Remote,
    Local,
    Mixed,
}

struct MergeOutcome {
    kind: MergeKind,
    /// The merged row in the SQLite shape (for `Mixed`).
    merged: Value,
    /// The server's row as it reads once stored here: the next merge base.
    remote_raw: String,
    /// The merged field versions (for `Mixed`): each field's higher one.
    fields: Fields,
    /// A local value gave way to a newer one from the server.
    lost_local: bool,
}

/// Both sides' field versions of a row being merged.
struct FieldVersions<'a> {
    local: Fields,
    remote: &'a Fields,
}

fn as_object(text: Option<String>) -> Option<Map<String, Value>> {
    text.and_then(|t| serde_json::from_str::<Value>(&t).ok()).and_then(|v| match v {
        Value::Object(m) => Some(m),
        _ => None,
    })
}

async fn raw_row(
    tx: &mut SqliteConnection,
    meta: &TableMeta,
    id: &str,
) -> Result<Option<Map<String, Value>>> {
    let text: Option<String> = sqlx::query_scalar(AssertSqlSafe(format!(
        "SELECT {} FROM \"{}\" WHERE id = ?",
        meta.sqlite_raw_select(),
        meta.table
    )))
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    Ok(as_object(text))
}

/// Per-field merge of a local edit not pushed yet with a pulled version:
/// each column goes to the side whose version of that field is higher (per
/// field last writer wins, as cr-sqlite does per column). Equal versions
/// with different values (edits logged before field versions existed) fall
/// back to a three-way merge against the last server state this install saw
/// (`sync_base`): the side that changed it wins, and if both did, the newer
/// row version. Nothing is written here.
async fn merge_row(
    tx: &mut SqliteConnection,
    meta: &TableMeta,
    v: &RemoteVersion,
    local_hlc: &str,
    remote: &Value,
    versions: &FieldVersions<'_>,
) -> std::result::Result<MergeOutcome, String> {
    let inner = async {
        let local = raw_row(tx, meta, &v.row_id).await?;
        let base: Option<String> =
            sqlx::query_scalar("SELECT data FROM sync_base WHERE tbl = ? AND row_id = ?")
                .bind(&v.tbl)
                .bind(&v.row_id)
                .fetch_optional(&mut *tx)
                .await?;
        let base = as_object(base).unwrap_or_default();
        let canonical: Option<String> = sqlx::query_scalar(AssertSqlSafe(meta.sqlite_canonical()))
            .bind(serde_json::to_string(remote).unwrap_or_default())
            .fetch_optional(&mut *tx)
            .await?;
        let remote_raw = as_object(canonical).unwrap_or_default();
        let remote_text = serde_json::to_string(&Value::Object(remote_raw.clone())).unwrap_or_default();
        // No local copy to merge (it vanished without a delete): the server's stands.
        let Some(local) = local else {
            return Ok(MergeOutcome {
                kind: MergeKind::Remote,
                merged: Value::Null,
                remote_raw: remote_text,
                fields: versions.remote.clone(),
                lost_local: false,
            });
        };
        let remote_wins_both = v.hlc.as_str() > local_hlc;
        let mut merged = remote_raw.clone();
        // Every field at the higher of its two versions (columns this
        // install lacks included: they ride along).
        let mut fields = versions.remote.clone();
        for (col, lv) in &versions.local {
            if lv.as_str() > version(&fields, col) {
                fields.insert(col.clone(), lv.clone());
            }
        }
        fields.retain(|_, h| !h.is_empty());
        let mut changed_locally = false;
        let mut took_remote = false;
        for c in &meta.columns {
            if c.name == "id" {
                continue;
            }
            let (lv, rv) = (version(&versions.local, &c.name), version(versions.remote, &c.name));
            let l = local.get(&c.name).unwrap_or(&Value::Null);
            let r = remote_raw.get(&c.name).unwrap_or(&Value::Null);
            if l == r {
                continue;
            }
            let take_local = if lv != rv {
                lv > rv
            } else {
                match base.get(&c.name) {
                    Some(b) => {
                        let (local_changed, remote_changed) = (l != b, r != b);
                        local_changed && (!remote_changed || !remote_wins_both)
                    }
                    None => !remote_wins_both,
                }
            };
            if take_local {
                merged.insert(c.name.clone(), l.clone());
                changed_locally = true;
            } else {
                took_remote = true;
            }
        }
        let same_fields = |f: &Fields| f.iter().filter(|(_, h)| !h.is_empty()).eq(fields.iter());
        let kind = if !changed_locally && same_fields(versions.remote) {
            MergeKind::Remote
        } else if !took_remote && same_fields(&versions.local) && local_hlc > v.hlc.as_str() {
            MergeKind::Local
        } else {
            // Both sides bring something (values or newer field versions),
            // or the local edit must go up above the pulled version.
            MergeKind::Mixed
        };
        Ok::<_, Error>(MergeOutcome {
            kind,
            merged: Value::Object(merged),
            remote_raw: remote_text,
            fields,
            lost_local: took_remote,
        })
    };
    inner.await.map_err(|e| e.to_string())
}

/// The version of a merge: just above both of its inputs (not "now", so a
/// merge never outranks an edit made elsewhere after either input); the
/// clock moves up to it.
async fn above(tx: &mut SqliteConnection, local: &str, remote: &str) -> Result<String> {
    let row = sqlx::query("SELECT ms, ctr, node FROM sync_clock").fetch_one(&mut *tx).await?;
    let (ms, ctr, node): (i64, i64, String) = (row.get(0), row.get(1), row.get(2));
    let a = parse_hlc(local).unwrap_or((0, 0));
    let b = parse_hlc(remote).unwrap_or((0, 0));
    let (l, c) = a.max(b);
    let c = c + 1;
    if (l, c) > (ms, ctr) {
        sqlx::query("UPDATE sync_clock SET ms = ?, ctr = ?").bind(l).bind(c).execute(&mut *tx).await?;
    }
    Ok(format!("{l:015}-{c:08}-{node}"))
}

/// Records the current local values of rows as the last server state seen.
pub async fn save_bases(tx: &mut SqliteConnection, meta: &TableMeta, ids: &[&str]) -> Result<()> {
    sqlx::query(AssertSqlSafe(format!(
        "INSERT INTO sync_base (tbl, row_id, data) SELECT '{t}', id, {sel} FROM \"{t}\" \
          WHERE id IN (SELECT value FROM json_each(?1)) \
         ON CONFLICT (tbl, row_id) DO UPDATE SET data = excluded.data",
        t = meta.table,
        sel = meta.sqlite_raw_select()
    )))
    .bind(serde_json::to_string(ids).unwrap_or_default())
    .execute(&mut *tx)
    .await?;
    Ok(())
}
