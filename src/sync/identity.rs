//! Node identity that follows the file.
//!
//! Every install signs its versions with the node id in `sync_clock`. A
//! restored backup, an imported export or a copied database file must not
//! keep the id of the install it came from: two histories would share one
//! id. [`renew`] gives the database a new id and restarts the pull from the
//! start, so whatever the server has that the local rows lack comes back
//! (versions are compared, so rows already here cost a comparison only).
//!
//! Copies are recognised by an instance marker beside the file
//! (`<db>.sync-instance`): it names the node id and the file's identity
//! (device and inode on Unix). A database whose marker is missing after it
//! has synced, names another node, or describes another file was copied,
//! moved into place or restored by hand.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::store::Store;

#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
struct Marker {
    node: String,
    file: Option<String>,
}

fn marker_path(db: &Path) -> PathBuf {
    let mut name = db.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".sync-instance");
    db.with_file_name(name)
}

#[cfg(unix)]
fn file_identity(db: &Path) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(db).ok().map(|m| format!("{}:{}", m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn file_identity(db: &Path) -> Option<String> {
    std::fs::canonicalize(db).ok().map(|p| p.display().to_string())
}

async fn node(store: &Store) -> Result<String> {
    Ok(sqlx::query_scalar("SELECT node FROM sync_clock").fetch_one(store.pool()).await?)
}

fn write_marker(db: &Path, node: &str) -> Result<()> {
    let marker = Marker { node: node.to_owned(), file: file_identity(db) };
    let path = marker_path(db);
    let text = serde_json::to_string(&marker).unwrap_or_default();
    std::fs::write(&path, text).map_err(|e| Error::io(format!("writing {}", path.display()), e))
}

/// Gives this database a new node id and pulls everything again. Call it
/// after a restore or an export import has put the database in place.
pub async fn renew(store: &Store) -> Result<String> {
    let new_node = uuid::Uuid::new_v4().simple().to_string()[..16].to_owned();
    let mut tx = store.begin_write().await?;
    sqlx::query("UPDATE sync_clock SET node = ?").bind(&new_node).execute(&mut *tx).await?;
    // Rows stay as they are (a restore keeps its row counts): the cursor of
    // a database that never synced is absent and stays so.
    sqlx::query("UPDATE sync_state SET value = '0' WHERE key = 'pull_cursor'").execute(&mut *tx).await?;
    tx.commit().await?;
    write_marker(store.path(), &new_node)?;
    Ok(new_node)
}

/// Checks the marker before a sync: renews the identity of a database that
/// was copied or put in place by hand; writes the marker the first time.
/// Returns true when the identity was renewed.
pub async fn check(store: &Store) -> Result<bool> {
    let db = store.path();
    let current = node(store).await?;
    let found: Option<Marker> =
        std::fs::read_to_string(marker_path(db)).ok().and_then(|t| serde_json::from_str(&t).ok());
    let synced_before: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM sync_state WHERE key = 'server_id')")
            .fetch_one(store.pool())
            .await?;
    match found {
        Some(m) if m.node == current && m.file == file_identity(db) => Ok(false),
        None if !synced_before => {
            write_marker(db, &current)?;
            Ok(false)
        }
        _ => {
            renew(store).await?;
            Ok(true)
        }
    }
}
