//! `wagner sync …`: arguments and text of the sync commands.

use std::fmt::Write;

use clap::{Args, Subcommand};

use super::{SyncOptions, SyncReport};
use crate::error::{Error, Result};
use crate::store::Store;

#[derive(Debug, Args)]
pub struct SyncArgs {
    #[command(subcommand)]
    pub action: Option<SyncAction>,
    /// Postgres URL (postgres://user@host:port/db); default: WAGNER_POSTGRES_URL, then the
    /// server of the last sync. A password is read from WAGNER_POSTGRES_PASSWORD or
    /// PGPASSWORD when the URL has none, and never stored.
    #[arg(long, env = "WAGNER_POSTGRES_URL", value_name = "URL")]
    pub postgres: Option<String>,
    /// Replace this install's empty profile by the server's and pull it.
    #[arg(long)]
    pub join: bool,
    /// With --join: the server profile to join when it holds several.
    #[arg(long, requires = "join", value_name = "ID")]
    pub user: Option<String>,
    /// Rows per transaction.
    #[arg(long, default_value_t = 1000)]
    pub batch_size: usize,
}

#[derive(Debug, Subcommand)]
pub enum SyncAction {
    /// Last sync, pending changes, last error.
    Status,
}

pub async fn run(store: &Store, args: SyncArgs, as_json: bool) -> Result<String> {
    if let Some(SyncAction::Status) = args.action {
        let status = super::status(store).await?;
        if as_json {
            return json(&status);
        }
        let mut out = String::new();
        let _ = writeln!(out, "server          {}", status.server.as_deref().unwrap_or("not set up"));
        let _ = writeln!(out, "last sync       {}", status.last_sync_at.as_deref().unwrap_or("never"));
        let _ = writeln!(out, "pending changes {}", status.pending_changes);
        let _ = writeln!(out, "last error      {}", status.last_error.as_deref().unwrap_or("none"));
        let _ = writeln!(out, "kept local      {}", status.local_only_tables.join("; "));
        return Ok(out);
    }
    let url = match args.postgres.filter(|u| !u.trim().is_empty()) {
        Some(url) => url,
        None => super::saved_server(store)
            .await?
            .ok_or_else(|| Error::invalid("no server: pass --postgres URL or set WAGNER_POSTGRES_URL"))?,
    };
    let opts = SyncOptions { batch_size: args.batch_size, ..SyncOptions::default() };
    let report = if args.join {
        super::join(store, &url, args.user.as_deref(), &opts).await?
    } else {
        super::sync(store, &url, &opts).await?
    };
    if as_json {
        return json(&report);
    }
    Ok(render(&report))
}

fn render(r: &SyncReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Synced profile {}: {} rows up, {} rows down, {} attachments up, {} down ({} ms).",
        r.user_id, r.pushed, r.pulled, r.attachments_up, r.attachments_down, r.millis
    );
    if r.push_skipped + r.pull_skipped > 0 {
        let _ = writeln!(
            out,
            "{} rows were older than the other side's copy and were not applied.",
            r.push_skipped + r.pull_skipped
        );
    }
    for e in &r.errors {
        let _ = writeln!(out, "error: {e}");
    }
    if r.pending_after > 0 {
        let _ = writeln!(out, "{} changes still pending (retried next sync).", r.pending_after);
    }
    out
}

fn json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string_pretty(value).map(|s| s + "\n").map_err(|e| Error::invalid(e.to_string()))
}
