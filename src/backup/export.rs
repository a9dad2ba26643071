//! `wagner export DIR`: everything as plain files a person (or another
//! program) can read without Wagner Coach:
//!
//! * `wagner-export.json`: every table, every row, values exactly as stored
//!   (integers, doubles with round-trip precision, text; BLOBs as hex);
//! * `csv/<table>.csv`: the same rows, one file per table;
//! * `activities/<id>.<ext>`: each activity's original file, or a GPX built
//!   from its recorded track when there is no original;
//! * `attachments/…`: photos, voice notes and PDFs under their stored paths.
//!
//! `import_export` reads the JSON back into an empty database losslessly
//! (export → import → export gives the same JSON and CSV).

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::{AssertSqlSafe, Row, TypeInfo, ValueRef};

use crate::error::{Error, Result};
use crate::store::Store;

pub const JSON_FILE: &str = "wagner-export.json";
const FORMAT: &str = "wagner-export-1";

/// Tables in the order that satisfies their references on import.
const ORDER: &[&str] = &[
    "users",
    "quick_entry_logs",
    "quick_entry_embeddings",
    "quick_entry_embedding_vectors",
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
    "webhook_events",
    "rate_limits",
    "daily_nutrition_summaries",
];

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

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
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

async fn dump_table(store: &Store, table: &str) -> Result<TableDump> {
    let columns: Vec<(String, String)> = if table == "quick_entry_embedding_vectors" {
        vec![
            ("embedding_id".into(), "TEXT".into()),
            ("user_id".into(), "TEXT".into()),
            ("embedding".into(), "BLOB".into()),
        ]
    } else {
        sqlx::query_as(AssertSqlSafe(format!(
            "SELECT name, upper(type) FROM pragma_table_info('{table}') ORDER BY cid"
        )))
        .fetch_all(store.pool())
        .await?
    };
    let cols: Vec<String> = columns.iter().map(|(c, _)| format!("\"{c}\"")).collect();
    let key = if table == "quick_entry_embedding_vectors" { "embedding_id" } else { "rowid" };
    let order = if columns.iter().any(|(c, _)| c == "id") { "id".to_string() } else { key.to_string() };
    let rows =
        sqlx::query(AssertSqlSafe(format!("SELECT {} FROM \"{table}\" ORDER BY {order}", cols.join(", "))))
            .fetch_all(store.pool())
            .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let mut values = Vec::with_capacity(columns.len());
        for i in 0..row.columns().len() {
            let raw = row.try_get_raw(i)?;
            let v = if raw.is_null() {
                Value::Null
            } else {
                match raw.type_info().name() {
                    "INTEGER" => Value::from(row.try_get::<i64, _>(i)?),
                    "REAL" => Value::from(row.try_get::<f64, _>(i)?),
                    "BLOB" => Value::String(hex(&row.try_get::<Vec<u8>, _>(i)?)),
                    _ => Value::String(row.try_get::<String, _>(i)?),
                }
            };
            values.push(v);
        }
        out.push(values);
    }
    Ok(TableDump { columns, rows: out })
}

fn csv_value(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Writes the export into `dir` (created if needed; existing export files
/// in it are replaced).
pub async fn export(store: &Store, dir: &Path) -> Result<ExportReport> {
    std::fs::create_dir_all(dir.join("csv")).map_err(io(format!("creating {}", dir.display())))?;
    let schema_version: i64 =
        sqlx::query_scalar("SELECT coalesce(max(version), 0) FROM _sqlx_migrations WHERE success = 1")
            .fetch_one(store.pool())
            .await?;
    let mut tables = BTreeMap::new();
    let mut rows = 0;
    for table in exported_tables(store).await? {
        let dump = dump_table(store, &table).await?;
        rows += dump.rows.len() as i64;
        let path = dir.join("csv").join(format!("{table}.csv"));
        let mut w =
            csv::Writer::from_path(&path).map_err(|e| Error::invalid(format!("{}: {e}", path.display())))?;
        w.write_record(dump.columns.iter().map(|(c, _)| c.as_str()))
            .map_err(|e| Error::invalid(format!("{}: {e}", path.display())))?;
        for r in &dump.rows {
            w.write_record(r.iter().map(csv_value))
                .map_err(|e| Error::invalid(format!("{}: {e}", path.display())))?;
        }
        w.flush().map_err(io(format!("writing {}", path.display())))?;
        tables.insert(table, dump);
    }
    let file = ExportFile { format: FORMAT.into(), schema_version, tables };
    let json = serde_json::to_vec(&file).map_err(|e| Error::invalid(e.to_string()))?;
    std::fs::write(dir.join(JSON_FILE), json).map_err(io("writing the JSON export"))?;

    // Activities: the original file when it was kept, else GPX from the track.
    let data_dir = crate::attachments::data_dir(store);
    std::fs::create_dir_all(dir.join("activities")).map_err(io("creating activities/"))?;
    type ActivityRow = (String, Option<String>, Option<String>, String, String);
    let acts: Vec<ActivityRow> = sqlx::query_as(
        "SELECT id, original_file_path, name, activity_type, start_date FROM activities ORDER BY start_date, id",
    )
    .fetch_all(store.pool())
    .await?;
    let (mut originals, mut gpx) = (0, 0);
    for (id, original, name, kind, start) in acts {
        if let Some(rel) = original.filter(|r| data_dir.join(r).is_file()) {
            let ext = Path::new(&rel)
                .extension()
                .map(|e| e.to_string_lossy().into_owned())
                .unwrap_or_else(|| "bin".into());
            std::fs::copy(data_dir.join(&rel), dir.join("activities").join(format!("{id}.{ext}")))
                .map_err(io(format!("copying {rel}")))?;
            originals += 1;
        } else if let Some(doc) = gpx_for(store, &id, name.as_deref(), &kind, &start).await? {
            std::fs::write(dir.join("activities").join(format!("{id}.gpx")), doc)
                .map_err(io("writing GPX"))?;
            gpx += 1;
        }
    }
    let files = super::attachment_files(&data_dir)?;
    for rel in &files {
        let target = dir.join(rel);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(io(format!("creating {}", parent.display())))?;
        }
        std::fs::copy(data_dir.join(rel), &target).map_err(io(format!("copying {rel}")))?;
    }
    Ok(ExportReport {
        dir: dir.display().to_string(),
        tables: file.tables.len() as i64,
        rows,
        activity_files: originals,
        gpx_files: gpx,
        attachments: files.len() as i64,
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
    store: &Store,
    id: &str,
    name: Option<&str>,
    kind: &str,
    start: &str,
) -> Result<Option<String>> {
    let streams: Vec<(String, Vec<u8>)> = sqlx::query_as(
        "SELECT stream_type, data FROM activity_streams WHERE activity_id = ? AND resolution = 'raw'",
    )
    .bind(id)
    .fetch_all(store.pool())
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

/// Loads an export into this store, which must hold no profile yet. Rows
/// keep their ids and every stored value; derived day totals are replaced
/// by the exported ones so a second export is identical.
pub async fn import_export(store: &Store, dir: &Path) -> Result<ImportReport> {
    let text = std::fs::read(dir.join(JSON_FILE))
        .map_err(io(format!("reading {}", dir.join(JSON_FILE).display())))?;
    let file: ExportFile =
        serde_json::from_slice(&text).map_err(|e| Error::invalid(format!("{JSON_FILE}: {e}")))?;
    if file.format != FORMAT {
        return Err(Error::invalid(format!("{JSON_FILE}: unknown format {:?}", file.format)));
    }
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users").fetch_one(store.pool()).await?;
    if users > 0 {
        return Err(Error::invalid(
            "import-export needs an empty database (this one has a profile): use a new --db",
        ));
    }
    let known = exported_tables(store).await?;
    let pos = |t: &str| ORDER.iter().position(|o| *o == t).unwrap_or(ORDER.len());
    let mut names: Vec<&String> = file.tables.keys().collect();
    names.sort_by(|a, b| pos(a).cmp(&pos(b)).then(a.cmp(b)));
    let mut tx = store.begin_write().await?;
    sqlx::query("PRAGMA defer_foreign_keys = ON").execute(&mut *tx).await?;
    // The bundled foods may already be loaded: the export's copy wins.
    sqlx::query("DELETE FROM foods_enhanced WHERE user_id IS NULL").execute(&mut *tx).await?;
    let mut rows = 0;
    for name in names {
        if !known.contains(name) {
            return Err(Error::invalid(format!("{JSON_FILE}: table {name} does not exist in this version")));
        }
        let dump = &file.tables[name];
        if name == "daily_nutrition_summaries" {
            // Derived: the meal triggers already rebuilt it; take the exported rows verbatim.
            sqlx::query("DELETE FROM daily_nutrition_summaries").execute(&mut *tx).await?;
        }
        let cols: Vec<String> = dump.columns.iter().map(|(c, _)| format!("\"{c}\"")).collect();
        let marks = vec!["?"; cols.len()].join(", ");
        let sql = format!("INSERT INTO \"{name}\" ({}) VALUES ({marks})", cols.join(", "));
        for row in &dump.rows {
            if row.len() != dump.columns.len() {
                return Err(Error::invalid(format!(
                    "{JSON_FILE}: a {name} row has the wrong number of values"
                )));
            }
            let mut q = sqlx::query(AssertSqlSafe(sql.clone()));
            for (v, (_, decl)) in row.iter().zip(&dump.columns) {
                q = match v {
                    Value::Null => q.bind(None::<String>),
                    Value::Number(n) if n.is_i64() => q.bind(n.as_i64()),
                    Value::Number(n) => q.bind(n.as_f64()),
                    Value::String(s) if decl == "BLOB" => q.bind(unhex(s)?),
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
