//! Pulled rows kept aside (`sync_quarantine`): a row that cannot be applied
//! here never stops the rest of the pull or the push; it is shown in
//! `wagner sync status` and Settings → Sync and retried on every sync.

use serde::Serialize;
use sqlx::SqliteConnection;

use crate::error::Result;
use crate::store::Store;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct QuarantinedRow {
    pub table: String,
    pub row_id: String,
    /// Why it could not be applied, in words.
    pub reason: String,
    pub first_seen: String,
    pub attempts: i64,
}

/// Keeps a row aside. Returns true when it is new here (or its reason
/// changed), so a sync names each row once.
pub async fn put(
    conn: &mut SqliteConnection,
    tbl: &str,
    row_id: &str,
    hlc: &str,
    deleted: bool,
    reason: &str,
) -> Result<bool> {
    let before: Option<String> =
        sqlx::query_scalar("SELECT reason FROM sync_quarantine WHERE tbl = ? AND row_id = ?")
            .bind(tbl)
            .bind(row_id)
            .fetch_optional(&mut *conn)
            .await?;
    let now = crate::clock::now_db();
    sqlx::query(
        "INSERT INTO sync_quarantine (tbl, row_id, hlc, deleted, reason, first_seen, last_tried, attempts) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, 1) \
         ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, \
            reason = excluded.reason, last_tried = excluded.last_tried, attempts = attempts + 1",
    )
    .bind(tbl)
    .bind(row_id)
    .bind(hlc)
    .bind(deleted as i64)
    .bind(reason)
    .bind(&now)
    .execute(&mut *conn)
    .await?;
    Ok(before.as_deref() != Some(reason))
}

/// Drops rows that were applied, or whose local copy is newer.
pub async fn clear(conn: &mut SqliteConnection, keys: &[(&str, &str)]) -> Result<()> {
    if keys.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "DELETE FROM sync_quarantine WHERE (tbl, row_id) IN \
         (SELECT value ->> '$[0]', value ->> '$[1]' FROM json_each(?1))",
    )
    .bind(serde_json::to_string(keys).unwrap_or_default())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn keys(store: &Store) -> Result<Vec<(String, String)>> {
    Ok(sqlx::query_as("SELECT tbl, row_id FROM sync_quarantine ORDER BY tbl, row_id")
        .fetch_all(store.pool())
        .await?)
}

pub async fn list(conn: &mut SqliteConnection) -> Result<Vec<QuarantinedRow>> {
    let rows: Vec<(String, String, String, String, i64)> = sqlx::query_as(
        "SELECT tbl, row_id, reason, first_seen, attempts FROM sync_quarantine ORDER BY first_seen, tbl, row_id LIMIT 200",
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(table, row_id, reason, first_seen, attempts)| QuarantinedRow {
            table,
            row_id,
            reason,
            first_seen,
            attempts,
        })
        .collect())
}

pub async fn count(conn: &mut SqliteConnection) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT count(*) FROM sync_quarantine").fetch_one(&mut *conn).await?)
}
