//! Column mapping between a SQLite table and its Postgres twin, worked out
//! from both catalogs at sync time (so later migrations on either side need
//! no code here).

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value};
use sqlx::postgres::PgPool;

use crate::error::{Error, Result};
use crate::store::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColClass {
    /// text, uuid, date, numbers: the same JSON value both ways.
    Plain,
    /// timestamptz: RFC 3339 text with millis and Z on the SQLite side.
    Timestamp,
    /// jsonb or an array type: JSON text in SQLite.
    Json,
    /// boolean: 0/1 in SQLite.
    Bool,
    /// bytea: BLOB in SQLite.
    Bytes,
    /// numeric, integer, real: a finite JSON number (Postgres numeric also
    /// holds 'NaN' and 'Infinity', which to_jsonb turns into strings).
    Number,
}

#[derive(Debug, Clone)]
pub struct Column {
    pub name: String,
    pub class: ColClass,
    /// False for SQLite columns the Postgres table lacks: they ride in `_extra`.
    pub on_server: bool,
    pub sqlite_blob: bool,
    /// The SQLite declared type (upper case).
    pub decl: String,
}

#[derive(Debug, Clone)]
pub struct TableMeta {
    pub table: String,
    pub columns: Vec<Column>,
    pub pg_columns: Vec<String>,
    pub has_extra: bool,
}

impl TableMeta {
    pub async fn load(store: &Store, pg: &PgPool, table: &str) -> Result<Self> {
        let sqlite_cols: Vec<(String, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT name, upper(type) FROM pragma_table_info('{table}') ORDER BY cid"
        )))
        .fetch_all(store.pool())
        .await?;
        let pg_cols: Vec<(String, String)> = sqlx::query_as(
            "SELECT column_name::text, data_type::text FROM information_schema.columns \
              WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
        )
        .bind(table)
        .fetch_all(pg)
        .await
        .map_err(|e| Error::Sync(e.to_string()))?;
        if pg_cols.is_empty() {
            return Err(Error::Sync(format!("the server has no table {table}: is its schema up to date?")));
        }
        let columns = sqlite_cols
            .iter()
            .map(|(name, decl)| {
                let pg_type = pg_cols.iter().find(|(n, _)| n == name).map(|(_, t)| t.as_str());
                let class = match pg_type {
                    Some("timestamp with time zone") => ColClass::Timestamp,
                    Some("jsonb") | Some("json") | Some("ARRAY") => ColClass::Json,
                    Some("boolean") => ColClass::Bool,
                    Some("bytea") => ColClass::Bytes,
                    Some("numeric")
                    | Some("integer")
                    | Some("bigint")
                    | Some("smallint")
                    | Some("real")
                    | Some("double precision") => ColClass::Number,
                    _ => ColClass::Plain,
                };
                Column {
                    name: name.clone(),
                    class,
                    on_server: pg_type.is_some(),
                    sqlite_blob: decl == "BLOB",
                    decl: decl.clone(),
                }
            })
            .collect();
        Ok(TableMeta {
            table: table.to_owned(),
            columns,
            has_extra: pg_cols.iter().any(|(n, _)| n == "_extra"),
            pg_columns: pg_cols.into_iter().map(|(n, _)| n).collect(),
        })
    }

    pub fn has_updated_at(&self) -> bool {
        self.columns.iter().any(|c| c.name == "updated_at")
    }

    /// A SQLite expression producing one JSON object per row, shaped for
    /// `jsonb_populate_recordset` (json_object takes at most ~127 arguments,
    /// hence the json_patch of chunks).
    pub fn sqlite_select(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        let mut extra: Vec<String> = Vec::new();
        for c in &self.columns {
            let q = format!("\"{}\"", c.name);
            if !c.on_server {
                let v = if c.sqlite_blob { format!("hex({q})") } else { q };
                extra.push(format!("'{}', {v}", c.name));
                continue;
            }
            let expr = match c.class {
                ColClass::Plain | ColClass::Timestamp | ColClass::Number => q,
                ColClass::Json => format!("json({q})"),
                ColClass::Bool => {
                    format!(
                        "CASE WHEN {q} IS NULL THEN NULL WHEN {q} THEN json('true') ELSE json('false') END"
                    )
                }
                ColClass::Bytes => format!("'\\x' || hex({q})"),
            };
            parts.push(format!("'{}', {expr}", c.name));
        }
        if self.has_extra {
            parts.push(format!("'_extra', json_object({})", extra.join(", ")));
        }
        // Null values in later chunks drop out of json_patch; absent keys
        // read as NULL on the server, so that loses nothing.
        let chunks: Vec<String> =
            parts.chunks(50).map(|c| format!("json_object({})", c.join(", "))).collect();
        chunks.iter().skip(1).fold(chunks[0].clone(), |acc, c| format!("json_patch({acc}, {c})"))
    }

    /// Completes a row read from SQLite (keys dropped by json_patch).
    pub fn fill_missing(&self, mut value: Value) -> Value {
        if let Value::Object(map) = &mut value {
            for c in self.columns.iter().filter(|c| c.on_server) {
                map.entry(c.name.clone()).or_insert(Value::Null);
            }
        }
        value
    }

    /// Upsert of a JSON array of rows on the server.
    pub fn pg_upsert(&self) -> String {
        let t = &self.table;
        let sets: Vec<String> = self
            .pg_columns
            .iter()
            .filter(|c| *c != "id")
            .filter(|c| self.columns.iter().any(|s| s.on_server && s.name == **c) || *c == "_extra")
            .map(|c| format!("\"{c}\" = excluded.\"{c}\""))
            .collect();
        let cols: Vec<String> = self
            .pg_columns
            .iter()
            .filter(|c| self.columns.iter().any(|s| s.on_server && s.name == **c) || *c == "_extra")
            .map(|c| format!("\"{c}\""))
            .collect();
        format!(
            "INSERT INTO \"{t}\" ({cols}) SELECT {cols} FROM jsonb_populate_recordset(NULL::\"{t}\", $1::jsonb) \
             ON CONFLICT (id) DO UPDATE SET {sets}",
            cols = cols.join(", "),
            sets = sets.join(", ")
        )
    }

    /// Converts a server row (`to_jsonb`) to the SQLite shape: JSON columns
    /// as text, booleans as 0/1, bytes as hex, timestamps in the app's form;
    /// `_extra` keys become the columns this install has.
    pub fn to_sqlite(&self, row: &Value) -> Result<Value> {
        let obj = row.as_object().ok_or_else(|| Error::Sync("the server's row is not an object".into()))?;
        let extra = obj.get("_extra").and_then(Value::as_object);
        let mut out = Map::new();
        for c in &self.columns {
            let v = if c.on_server {
                obj.get(&c.name).cloned().unwrap_or(Value::Null)
            } else {
                extra.and_then(|e| e.get(&c.name)).cloned().unwrap_or(Value::Null)
            };
            let v = if !c.on_server || v.is_null() {
                v
            } else {
                match c.class {
                    ColClass::Plain => v,
                    ColClass::Number => {
                        if !v.as_f64().is_some_and(f64::is_finite) {
                            return Err(Error::Sync(format!(
                                "{} is {v} on the server, not a number",
                                c.name
                            )));
                        }
                        v
                    }
                    ColClass::Json => Value::String(v.to_string()),
                    ColClass::Bool => match v {
                        Value::Bool(b) => Value::from(i64::from(b)),
                        other => {
                            return Err(Error::Sync(format!(
                                "{} is {other} on the server, not true/false",
                                c.name
                            )));
                        }
                    },
                    ColClass::Bytes => {
                        Value::String(v.as_str().unwrap_or_default().trim_start_matches("\\x").to_owned())
                    }
                    ColClass::Timestamp => {
                        let s = v.as_str().unwrap_or_default();
                        let t = DateTime::parse_from_rfc3339(s)
                            .map_err(|e| {
                                Error::Sync(format!("{} is {s:?} on the server, not a time: {e}", c.name))
                            })?
                            .with_timezone(&Utc);
                        let fmt = if t.timestamp_subsec_micros() % 1000 == 0 {
                            SecondsFormat::Millis
                        } else {
                            SecondsFormat::Micros
                        };
                        Value::String(t.to_rfc3339_opts(fmt, true))
                    }
                }
            };
            out.insert(c.name.clone(), v);
        }
        Ok(Value::Object(out))
    }

    /// A SQLite expression giving a row's stored values as one JSON object
    /// (blobs as hex): the form per-field merges compare.
    pub fn sqlite_raw_select(&self) -> String {
        let parts: Vec<String> = self
            .columns
            .iter()
            .map(|c| {
                let q = format!("\"{}\"", c.name);
                let v = if c.sqlite_blob { format!("hex({q})") } else { q };
                format!("'{}', {v}", c.name)
            })
            .collect();
        let chunks: Vec<String> =
            parts.chunks(50).map(|c| format!("json_object({})", c.join(", "))).collect();
        chunks.iter().skip(1).fold(chunks[0].clone(), |acc, c| format!("json_patch({acc}, {c})"))
    }

    /// A SELECT giving a row in the SQLite shape (the JSON object ?1) as
    /// [`Self::sqlite_raw_select`] would read it back once stored, without
    /// storing it: numbers in their column's type, blobs as upper-case hex.
    pub fn sqlite_canonical(&self) -> String {
        let parts: Vec<String> = self
            .columns
            .iter()
            .map(|c| {
                let get = format!("json_extract(?1, '$.\"{}\"')", c.name);
                let is_bytes = (c.on_server && c.class == ColClass::Bytes) || (!c.on_server && c.sqlite_blob);
                let v = if is_bytes || c.sqlite_blob {
                    format!("hex(unhex({get}))")
                } else if c.decl == "REAL" {
                    format!("CAST({get} AS REAL)")
                } else if c.decl == "INTEGER" {
                    format!("CAST({get} AS INTEGER)")
                } else {
                    get
                };
                format!("'{}', {v}", c.name)
            })
            .collect();
        let chunks: Vec<String> =
            parts.chunks(50).map(|c| format!("json_object({})", c.join(", "))).collect();
        let expr = chunks.iter().skip(1).fold(chunks[0].clone(), |acc, c| format!("json_patch({acc}, {c})"));
        format!("SELECT {expr}")
    }

    /// Upsert of a JSON array (?1) of rows in the SQLite shape.
    pub fn sqlite_upsert(&self) -> String {
        let t = &self.table;
        let cols: Vec<String> = self.columns.iter().map(|c| format!("\"{}\"", c.name)).collect();
        let exprs: Vec<String> = self
            .columns
            .iter()
            .map(|c| {
                let get = format!("json_extract(value, '$.\"{}\"')", c.name);
                let is_bytes = (c.on_server && c.class == ColClass::Bytes) || (!c.on_server && c.sqlite_blob);
                if is_bytes { format!("unhex({get})") } else { get }
            })
            .collect();
        let sets: Vec<String> = self
            .columns
            .iter()
            .filter(|c| c.name != "id")
            .map(|c| format!("\"{0}\" = excluded.\"{0}\"", c.name))
            .collect();
        format!(
            "INSERT INTO \"{t}\" ({}) SELECT {} FROM json_each(?1) WHERE true ON CONFLICT (id) DO UPDATE SET {}",
            cols.join(", "),
            exprs.join(", "),
            sets.join(", ")
        )
    }
}
