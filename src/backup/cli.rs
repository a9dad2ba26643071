//! `wagner backup|restore|export|import-export`: arguments and text.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::store::Store;

fn json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string_pretty(value).map(|s| s + "\n").map_err(|e| Error::invalid(e.to_string()))
}

fn size(bytes: i64) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MB", bytes as f64 / (1 << 20) as f64)
    } else {
        format!("{:.1} kB", bytes as f64 / 1024.0)
    }
}

/// `wagner backup [FILE] [--auto --keep N]`.
pub async fn backup(
    store: &Store,
    file: Option<PathBuf>,
    keep: Option<usize>,
    as_json: bool,
) -> Result<String> {
    let report = match (file, keep) {
        (Some(file), None) => super::create(store, &file).await?,
        (None, Some(keep)) => super::rolling(store, keep).await?,
        (None, None) => {
            return Err(Error::invalid("name the backup file, or pass --keep N for a rolling backup"));
        }
        (Some(_), Some(_)) => {
            return Err(Error::invalid("--keep makes a rolling backup in the data folder: give no FILE"));
        }
    };
    if as_json {
        return json(&report);
    }
    let rows: i64 = report.manifest.counts.values().sum();
    Ok(format!(
        "Backed up {rows} rows and {} attachments to {} ({}).\n",
        report.manifest.attachments,
        report.file,
        size(report.bytes)
    ))
}

/// `wagner restore FILE [--yes]` (no store may be open on `db`).
pub async fn restore(file: &Path, db: &Path, yes: bool, as_json: bool) -> Result<String> {
    let report = super::restore(file, db, yes).await?;
    if as_json {
        return json(&report);
    }
    let rows: i64 = report.manifest.counts.values().sum();
    let mut out = format!(
        "Verified and restored {rows} rows and {} attachments (backup of {}) into {}.\n",
        report.attachments, report.manifest.created_at, report.db
    );
    if let Some(prev) = report.previous {
        out.push_str(&format!("The database it replaced is kept as {prev}.\n"));
    }
    Ok(out)
}

pub async fn export(store: &Store, dir: &Path, as_json: bool) -> Result<String> {
    let r = super::export::export(store, dir).await?;
    if as_json {
        return json(&r);
    }
    Ok(format!(
        "Exported {} rows of {} tables to {} (JSON + CSV), {} original activity files, {} GPX tracks, {} attachments.\n",
        r.rows, r.tables, r.dir, r.activity_files, r.gpx_files, r.attachments
    ))
}

pub async fn import_export(store: &Store, dir: &Path, as_json: bool) -> Result<String> {
    // The CLI's hint: a fresh database is one `--db` away.
    let r = super::export::import_export(store, dir).await.map_err(|e| match e {
        Error::Conflict(m) => Error::Conflict(format!("{m}: use a new --db")),
        e => e,
    })?;
    if as_json {
        return json(&r);
    }
    Ok(format!("Imported {} rows of {} tables and {} attachments.\n", r.rows, r.tables, r.attachments))
}
