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
    /// Sync through a superuser or BYPASSRLS role, which row-level security
    /// does not bind (only when you alone use the server).
    #[arg(long)]
    pub allow_superuser: bool,
}

#[derive(Debug, Subcommand)]
pub enum SyncAction {
    /// Last sync, pending changes, last error, rows kept aside.
    Status,
    /// With an admin URL (--postgres): bring the server schema up to date and
    /// create a login role that syncs one profile through `wagner_sync`. The
    /// password comes from WAGNER_SYNC_ROLE_PASSWORD, else one is generated
    /// and printed once.
    SetupRole {
        /// The role to create (lower-case letters, digits, _).
        #[arg(long)]
        role: String,
    },
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
        if status.quarantined_total == 0 {
            let _ = writeln!(out, "kept aside      none");
        } else {
            let _ = writeln!(
                out,
                "kept aside      {} server rows that cannot be applied here (retried on every sync):",
                status.quarantined_total
            );
            for q in &status.quarantined {
                let _ = writeln!(
                    out,
                    "  {} {}: {} (since {}, {} tries)",
                    q.table, q.row_id, q.reason, q.first_seen, q.attempts
                );
            }
        }
        return Ok(out);
    }
    if let Some(SyncAction::SetupRole { role }) = &args.action {
        let url =
            args.postgres.as_deref().filter(|u| !u.trim().is_empty()).ok_or_else(|| {
                Error::invalid("pass the admin URL with --postgres (or WAGNER_POSTGRES_URL)")
            })?;
        let password = std::env::var("WAGNER_SYNC_ROLE_PASSWORD").ok();
        let setup = super::net::setup_role(url, role, password).await?;
        if as_json {
            return json(&setup);
        }
        let mut out = format!(
            "Role {} {} (member of wagner_sync only). Sync with:\n  wagner sync --postgres {}\n",
            setup.role,
            if setup.created { "created" } else { "updated" },
            setup.url
        );
        match &setup.generated_password {
            Some(pw) => {
                let _ = writeln!(
                    out,
                    "Its password (shown once): {pw}\nSet it as WAGNER_POSTGRES_PASSWORD on each install. The role claims the first profile it syncs and can act for no other."
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "Its password is the one in WAGNER_SYNC_ROLE_PASSWORD. The role claims the first profile it syncs and can act for no other."
                );
            }
        }
        return Ok(out);
    }
    let url = match args.postgres.filter(|u| !u.trim().is_empty()) {
        Some(url) => url,
        None => super::saved_server(store)
            .await?
            .ok_or_else(|| Error::invalid("no server: pass --postgres URL or set WAGNER_POSTGRES_URL"))?,
    };
    let opts = SyncOptions {
        batch_size: args.batch_size,
        allow_privileged: args.allow_superuser,
        ..SyncOptions::default()
    };
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
    if r.merged > 0 {
        let _ = writeln!(
            out,
            "{} of your edits met edits from another install and were merged field by field.",
            r.merged
        );
    }
    if r.overridden > 0 {
        let _ = writeln!(
            out,
            "{} of your edits not yet synced were replaced by a newer edit or a delete from another install.",
            r.overridden
        );
    }
    if r.push_skipped > 0 {
        let _ = writeln!(
            out,
            "{} rows were not sent: the server's copy is newer or was deleted.",
            r.push_skipped
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
