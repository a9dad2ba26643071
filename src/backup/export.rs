//! `wagner export DIR`: everything as plain files a person (or another
//! program) can read without Wagner Coach:
//!
//! * `wagner-export.json`: every table, every row, values exactly as stored
//!   (integers, doubles with round-trip precision, text; BLOBs as base64);
//! * `csv/<table>.csv`: the same rows, one file per table;
//! * `activities/<id>.<ext>`: each activity's original file, or a GPX built
//!   from its recorded track when there is no original;
//! * `attachments/…`: photos, voice notes and PDFs under their stored paths.
//!
//! `import_export` reads the JSON back into an empty database losslessly
//! (export → import → export gives the same JSON and CSV).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use base64::Engine;
use futures_util::TryStreamExt;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::{AssertSqlSafe, Row, SqliteConnection, TypeInfo, ValueRef};

use crate::error::{Error, Result};
use crate::store::Store;

pub const JSON_FILE: &str = "wagner-export.json";
/// Format 2 writes BLOBs (activity streams, vectors) as base64; format 1 wrote hex.
const FORMAT: &str = "wagner-export-2";
const FORMAT_HEX: &str = "wagner-export-1";

/// Tables in the order that satisfies their references on import (the registry's).
const ORDER: &[&str] = crate::tables::ALL;

#[derive(Debug, Serialize, Deserialize)]
pub struct ExportFile {
    pub format: String,
    pub schema_version: i64,
    pub tables: BTreeMap<String, TableDump>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct TableDump {
    /// (name, declared type) per column.
    pub columns: Vec<(String, String)>,
    /// One array of values per row, in `columns` order.
    pub rows: Vec<Vec<Value>>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExportReport {
    pub dir: String,
    pub tables: i64,
    pub rows: i64,
    pub activity_files: i64,
    pub gpx_files: i64,
    pub attachments: i64,
}

fn io(ctx: impl Into<String>) -> impl FnOnce(std::io::Error) -> Error {
    let ctx = ctx.into();
    move |e| Error::io(ctx, e)
}

/// The folder an export made on `date` is suggested under ("wagner-export-2026-11-18").
pub fn folder_name(date: chrono::NaiveDate) -> String {
    format!("wagner-export-{}", date.format("%Y-%m-%d"))
}

/// Tables that hold the user's data: every real table except sync
/// bookkeeping (install-specific), migrations and search indexes (rebuilt).
async fn exported_tables(store: &Store) -> Result<Vec<String>> {
    let mut tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
         AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sync\\_%' ESCAPE '\\' \
         AND name NOT LIKE '%\\_fts%' ESCAPE '\\' AND name NOT LIKE '%vectors\\_%' ESCAPE '\\' \
         AND (sql NOT LIKE 'CREATE VIRTUAL%' OR name = 'quick_entry_embedding_vectors')",
    )
    .fetch_all(store.pool())
    .await?;
    let pos = |t: &str| ORDER.iter().position(|o| *o == t).unwrap_or(ORDER.len());
    tables.sort_by(|a, b| pos(a).cmp(&pos(b)).then(a.cmp(b)));
    Ok(tables)
}

fn unhex(text: &str) -> Result<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return Err(Error::invalid("odd-length hex in the export"));
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).map_err(|_| Error::invalid("bad hex in the export")))
        .collect()
}

/// A BLOB as the export writes it: base64 (format 2), hex in format 1.
fn blob_text(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn blob_from_text(text: &str, format: &str) -> Result<Vec<u8>> {
    if format == FORMAT_HEX {
        return unhex(text);
    }
    base64::engine::general_purpose::STANDARD
        .decode(text.as_bytes())
        .map_err(|_| Error::invalid("bad base64 in the export"))
}

async fn table_columns(conn: &mut SqliteConnection, table: &str) -> Result<Vec<(String, String)>> {
    Ok(if table == "quick_entry_embedding_vectors" {
        vec![
            ("embedding_id".into(), "TEXT".into()),
            ("user_id".into(), "TEXT".into()),
            ("embedding".into(), "BLOB".into()),
        ]
    } else {
        sqlx::query_as(AssertSqlSafe(format!(
            "SELECT name, upper(type) FROM pragma_table_info('{table}') ORDER BY cid"
        )))
        .fetch_all(&mut *conn)
        .await?
    })
}

fn row_values(row: &sqlx::sqlite::SqliteRow) -> Result<Vec<Value>> {
    let mut values = Vec::with_capacity(row.columns().len());
    for i in 0..row.columns().len() {
        let raw = row.try_get_raw(i)?;
        let v = if raw.is_null() {
            Value::Null
        } else {
            match raw.type_info().name() {
                "INTEGER" => Value::from(row.try_get::<i64, _>(i)?),
                "REAL" => Value::from(row.try_get::<f64, _>(i)?),
                "BLOB" => Value::String(blob_text(row.try_get::<&[u8], _>(i)?)),
                _ => Value::String(row.try_get::<String, _>(i)?),
            }
        };
        values.push(v);
    }
    Ok(values)
}

/// A CSV cell, escaped against formula injection ([`super::csv_safe::cell`]).
fn csv_value(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => super::csv_safe::cell(s).into_owned(),
        other => other.to_string(),
    }
}

/// Every CSV cell goes through here (the one place a cell's text is decided).
fn csv_cell(v: &Value) -> String {
    csv_value(v)
}

/// A connection of its own for reading everything once: no memory map and a
/// small page cache, so reading a history of any size keeps memory flat
/// (mapped pages count as resident memory), and one read transaction so the
/// files agree with each other while logging goes on.
pub(crate) async fn bulk_reader(store: &Store) -> Result<SqliteConnection> {
    let mut conn = store.pool().acquire().await?.detach();
    sqlx::query("PRAGMA mmap_size = 0").execute(&mut conn).await?;
    sqlx::query("PRAGMA cache_size = -8192").execute(&mut conn).await?;
    Ok(conn)
}

fn json_err(e: serde_json::Error) -> Error {
    Error::invalid(format!("writing the JSON export: {e}"))
}

/// Writes the export into `dir` (created if needed; existing export files
/// in it are replaced). Rows are streamed: each is read once and written to
/// the JSON and its table's CSV before the next, so memory stays flat at
/// any history size.
pub async fn export(store: &Store, dir: &Path) -> Result<ExportReport> {
    std::fs::create_dir_all(dir.join("csv")).map_err(io(format!("creating {}", dir.display())))?;
    let mut conn = bulk_reader(store).await?;
    sqlx::query("BEGIN").execute(&mut conn).await?;
    let result = export_on(&mut conn, store, dir).await;
    let _ = sqlx::query("COMMIT").execute(&mut conn).await;
    result
}

async fn export_on(conn: &mut SqliteConnection, store: &Store, dir: &Path) -> Result<ExportReport> {
    let schema_version: i64 =
        sqlx::query_scalar("SELECT coalesce(max(version), 0) FROM _sqlx_migrations WHERE success = 1")
            .fetch_one(&mut *conn)
            .await?;
    // Alphabetical in the JSON (as a map), import order is decided on import.
    let mut tables = exported_tables(store).await?;
    tables.sort();
    let json_path = dir.join(JSON_FILE);
    let json_file =
        std::fs::File::create(&json_path).map_err(io(format!("creating {}", json_path.display())))?;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, json_file);
    let w = |out: &mut std::io::BufWriter<std::fs::File>, s: &str| {
        out.write_all(s.as_bytes()).map_err(io("writing the JSON export"))
    };
    w(&mut out, "{\"format\":")?;
    serde_json::to_writer(&mut out, FORMAT).map_err(json_err)?;
    w(&mut out, &format!(",\"schema_version\":{schema_version},\"tables\":{{"))?;
    let mut rows = 0;
    for (t, table) in tables.iter().enumerate() {
        let columns = table_columns(conn, table).await?;
        if t > 0 {
            w(&mut out, ",")?;
        }
        serde_json::to_writer(&mut out, table).map_err(json_err)?;
        w(&mut out, ":{\"columns\":")?;
        serde_json::to_writer(&mut out, &columns).map_err(json_err)?;
        w(&mut out, ",\"rows\":[")?;
        let path = dir.join("csv").join(format!("{table}.csv"));
        let csv_err = |e: csv::Error| Error::invalid(format!("{}: {e}", path.display()));
        let mut csv = csv::Writer::from_path(&path).map_err(csv_err)?;
        csv.write_record(columns.iter().map(|(c, _)| c.as_str())).map_err(csv_err)?;
        let cols: Vec<String> = columns.iter().map(|(c, _)| format!("\"{c}\"")).collect();
        // A stable order: the primary key (WITHOUT ROWID tables have no rowid).
        let pk: Vec<String> = sqlx::query_scalar(
            "SELECT '\"' || name || '\"' FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk",
        )
        .bind(table)
        .fetch_all(&mut *conn)
        .await?;
        let order = if table == "quick_entry_embedding_vectors" {
            "embedding_id".to_string()
        } else if columns.iter().any(|(c, _)| c == "id") {
            "id".to_string()
        } else if !pk.is_empty() {
            pk.join(", ")
        } else {
            "rowid".to_string()
        };
        let sql = format!("SELECT {} FROM \"{table}\" ORDER BY {order}", cols.join(", "));
        let mut stream = sqlx::query(AssertSqlSafe(sql)).fetch(&mut *conn);
        let mut first = true;
        while let Some(row) = stream.try_next().await? {
            let values = row_values(&row)?;
            if !first {
                w(&mut out, ",")?;
            }
            first = false;
            serde_json::to_writer(&mut out, &values).map_err(json_err)?;
            csv.write_record(values.iter().map(csv_cell)).map_err(csv_err)?;
            rows += 1;
        }
        drop(stream);
        csv.flush().map_err(io(format!("writing {}", path.display())))?;
        w(&mut out, "]}")?;
    }
    w(&mut out, "}}")?;
    out.into_inner()
        .map_err(|e| Error::io("writing the JSON export", e.into_error()))?
        .sync_all()
        .map_err(io("writing the JSON export"))?;

    // Activities: the original file when it was kept, else GPX from the track.
    let data_dir = crate::attachments::data_dir(store);
    std::fs::create_dir_all(dir.join("activities")).map_err(io("creating activities/"))?;
    type ActivityRow = (String, Option<String>, Option<String>, String, String);
    let acts: Vec<ActivityRow> = sqlx::query_as(
        "SELECT id, original_file_path, name, activity_type, start_date FROM activities ORDER BY start_date, id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let (mut originals, mut gpx) = (0, 0);
    // An original is written once, as activities/<id>.<ext>; not again under attachments/.
    let mut written_originals = std::collections::HashSet::new();
    for (id, original, name, kind, start) in acts {
        if let Some(rel) = original.filter(|r| data_dir.join(r).is_file()) {
            let ext = Path::new(&rel)
                .extension()
                .map(|e| e.to_string_lossy().into_owned())
                .unwrap_or_else(|| "bin".into());
            std::fs::copy(data_dir.join(&rel), dir.join("activities").join(format!("{id}.{ext}")))
                .map_err(io(format!("copying {rel}")))?;
            written_originals.insert(rel);
            originals += 1;
        } else if let Some(doc) = gpx_for(conn, &id, name.as_deref(), &kind, &start).await? {
            std::fs::write(dir.join("activities").join(format!("{id}.gpx")), doc)
                .map_err(io("writing GPX"))?;
            gpx += 1;
        }
    }
    let files = super::attachment_files(&data_dir)?;
    let mut attachments = 0;
    for rel in files.iter().filter(|rel| !written_originals.contains(*rel)) {
        let target = dir.join(rel);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(io(format!("creating {}", parent.display())))?;
        }
        std::fs::copy(data_dir.join(rel), &target).map_err(io(format!("copying {rel}")))?;
        attachments += 1;
    }
    Ok(ExportReport {
        dir: dir.display().to_string(),
        tables: tables.len() as i64,
        rows,
        activity_files: originals,
        gpx_files: gpx,
        attachments,
    })
}

fn floats_f32(data: &[u8]) -> Vec<f32> {
    data.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()
}

fn floats_f64(data: &[u8]) -> Vec<f64> {
    data.chunks_exact(8)
        .map(|c| f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
        .collect()
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A GPX track from the activity's latlng (+ time, altitude, heart rate)
/// streams; None without a track.
async fn gpx_for(
    conn: &mut SqliteConnection,
    id: &str,
    name: Option<&str>,
    kind: &str,
    start: &str,
) -> Result<Option<String>> {
    let streams: Vec<(String, Vec<u8>)> = sqlx::query_as(
        "SELECT stream_type, data FROM activity_streams WHERE activity_id = ? AND resolution = 'raw'",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let get = |t: &str| streams.iter().find(|(s, _)| s == t).map(|(_, d)| d.as_slice());
    let Some(latlng) = get("latlng").map(floats_f64) else { return Ok(None) };
    let time = get("time").map(floats_f32);
    let alt = get("altitude").map(floats_f32);
    let hr = get("heartrate").map(floats_f32);
    let t0 = crate::clock::from_db(start)?;
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gpx version=\"1.1\" creator=\"Wagner Coach\" \
         xmlns=\"http://www.topografix.com/GPX/1/1\" \
         xmlns:gpxtpx=\"http://www.garmin.com/xmlschemas/TrackPointExtension/v1\">\n<trk>\n",
    );
    out.push_str(&format!(
        "<name>{}</name>\n<type>{}</type>\n<trkseg>\n",
        xml_escape(name.unwrap_or("Activity")),
        xml_escape(kind)
    ));
    for (i, pair) in latlng.chunks_exact(2).enumerate() {
        let (lat, lon) = (pair[0], pair[1]);
        if !lat.is_finite() || !lon.is_finite() {
            continue;
        }
        out.push_str(&format!("<trkpt lat=\"{lat:.7}\" lon=\"{lon:.7}\">"));
        if let Some(a) = alt.as_ref().and_then(|a| a.get(i)).filter(|a| a.is_finite()) {
            out.push_str(&format!("<ele>{a:.1}</ele>"));
        }
        if let Some(s) = time.as_ref().and_then(|t| t.get(i)).filter(|s| s.is_finite()) {
            let at = t0 + chrono::Duration::milliseconds((*s as f64 * 1000.0) as i64);
            out.push_str(&format!("<time>{}</time>", crate::clock::to_db(at)));
        }
        if let Some(h) = hr.as_ref().and_then(|h| h.get(i)).filter(|h| h.is_finite()) {
            out.push_str(&format!(
                "<extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>{}</gpxtpx:hr></gpxtpx:TrackPointExtension></extensions>",
                h.round() as i64
            ));
        }
        out.push_str("</trkpt>\n");
    }
    out.push_str("</trkseg>\n</trk>\n</gpx>\n");
    Ok(Some(out))
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportReport {
    pub tables: i64,
    pub rows: i64,
    pub attachments: i64,
}

/// What an export folder holds, read without writing anything: the window
/// shows it before the user confirms the import.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExportPreview {
    pub dir: String,
    /// The database version the export was written by.
    pub schema_version: i64,
    /// Rows per table, tables with rows only, in import order.
    pub tables: Vec<TableCount>,
    pub rows: i64,
    pub attachments: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TableCount {
    pub table: String,
    pub rows: i64,
}

/// Reads `dir`'s export and checks everything the import checks before its
/// first write: a known format, tables this version has, rows of the right
/// width, and a store with no profile yet.
async fn read_checked(store: &Store, dir: &Path) -> Result<(ExportFile, Vec<String>)> {
    let text = std::fs::read(dir.join(JSON_FILE))
        .map_err(io(format!("reading {}", dir.join(JSON_FILE).display())))?;
    let file: ExportFile =
        serde_json::from_slice(&text).map_err(|e| Error::invalid(format!("{JSON_FILE}: {e}")))?;
    if file.format != FORMAT && file.format != FORMAT_HEX {
        return Err(Error::invalid(format!("{JSON_FILE}: unknown format {:?}", file.format)));
    }
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users").fetch_one(store.pool()).await?;
    if users > 0 {
        return Err(Error::Conflict(
            "an export is loaded into an empty database, and this one already has a profile".into(),
        ));
    }
    let known = exported_tables(store).await?;
    for (name, dump) in &file.tables {
        if !known.contains(name) {
            return Err(Error::invalid(format!("{JSON_FILE}: table {name} does not exist in this version")));
        }
        if dump.rows.iter().any(|row| row.len() != dump.columns.len()) {
            return Err(Error::invalid(format!("{JSON_FILE}: a {name} row has the wrong number of values")));
        }
    }
    let mut names: Vec<String> = file.tables.keys().cloned().collect();
    let pos = |t: &str| ORDER.iter().position(|o| *o == t).unwrap_or(ORDER.len());
    names.sort_by(|a, b| pos(a).cmp(&pos(b)).then(a.cmp(b)));
    Ok((file, names))
}

/// What importing `dir` into this store would add; fails as the import would.
pub async fn preview(store: &Store, dir: &Path) -> Result<ExportPreview> {
    let (file, names) = read_checked(store, dir).await?;
    let tables: Vec<TableCount> = names
        .iter()
        .map(|t| TableCount { table: t.clone(), rows: file.tables[t].rows.len() as i64 })
        .filter(|t| t.rows > 0)
        .collect();
    Ok(ExportPreview {
        dir: dir.display().to_string(),
        schema_version: file.schema_version,
        rows: tables.iter().map(|t| t.rows).sum(),
        tables,
        attachments: super::attachment_files(dir)?.len() as i64,
    })
}

/// Loads an export into this store, which must hold no profile yet. Rows
/// keep their ids and every stored value; derived day totals are replaced
/// by the exported ones so a second export is identical.
pub async fn import_export(store: &Store, dir: &Path) -> Result<ImportReport> {
    let (file, names) = read_checked(store, dir).await?;
    let mut tx = store.begin_write().await?;
    sqlx::query("PRAGMA defer_foreign_keys = ON").execute(&mut *tx).await?;
    // The bundled foods may already be loaded: the export's copy wins.
    sqlx::query("DELETE FROM foods_enhanced WHERE user_id IS NULL").execute(&mut *tx).await?;
    let mut rows = 0;
    for name in &names {
        let dump = &file.tables[name];
        if name == "daily_nutrition_summaries" {
            // Derived: the meal triggers already rebuilt it; take the exported rows verbatim.
            sqlx::query("DELETE FROM daily_nutrition_summaries").execute(&mut *tx).await?;
        }
        let cols: Vec<String> = dump.columns.iter().map(|(c, _)| format!("\"{c}\"")).collect();
        let marks = vec!["?"; cols.len()].join(", ");
        let sql = format!("INSERT INTO \"{name}\" ({}) VALUES ({marks})", cols.join(", "));
        for row in &dump.rows {
            let mut q = sqlx::query(AssertSqlSafe(sql.clone()));
            for (v, (_, decl)) in row.iter().zip(&dump.columns) {
                q = match v {
                    Value::Null => q.bind(None::<String>),
                    Value::Number(n) if n.is_i64() => q.bind(n.as_i64()),
                    Value::Number(n) => q.bind(n.as_f64()),
                    Value::String(s) if decl == "BLOB" => q.bind(blob_from_text(s, &file.format)?),
                    Value::String(s) => q.bind(s.clone()),
                    other => q.bind(other.to_string()),
                };
            }
            q.execute(&mut *tx).await?;
            rows += 1;
        }
    }
    crate::embeddings::fill_missing_bits(&mut tx).await?;
    tx.commit().await?;
    crate::sync::identity::renew(store).await?;
    let data_dir = crate::attachments::data_dir(store);
    let files = super::attachment_files(dir)?;
    for rel in &files {
        let target = data_dir.join(rel);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(io(format!("creating {}", parent.display())))?;
        }
        if !target.exists() {
            std::fs::copy(dir.join(rel), &target).map_err(io(format!("copying {rel}")))?;
        }
    }
    Ok(ImportReport { tables: file.tables.len() as i64, rows, attachments: files.len() as i64 })
}

/// The JSON export's tables, for comparisons.
pub fn read_export(dir: &Path) -> Result<BTreeMap<String, TableDump>> {
    let text = std::fs::read(dir.join(JSON_FILE)).map_err(io("reading the export"))?;
    let file: ExportFile = serde_json::from_slice(&text).map_err(|e| Error::invalid(e.to_string()))?;
    Ok(file.tables)
}
