//! Talking to the server: bounded connects with the cause in plain words,
//! lost connections told apart from refused rows, the privileged-role guard
//! and `wagner sync setup-role`.

use std::time::Duration;

use serde::Serialize;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{Connection, PgConnection};

use super::{connect_options, redact_url};
use crate::error::{Error, Result};

/// How long a connect (TCP, TLS and login) may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long one batch's round trip may take before the sync gives up.
pub const QUERY_TIMEOUT: Duration = Duration::from_secs(60);

/// The cause of a failed connect, in the words people search for.
pub fn describe(e: &sqlx::Error, opts: &PgConnectOptions) -> String {
    match e {
        sqlx::Error::Io(io) => describe_io(io),
        sqlx::Error::Database(db) => match db.code().as_deref() {
            Some("28P01") | Some("28000") => format!(
                "authentication failed for role {:?} (check the user name and WAGNER_POSTGRES_PASSWORD or PGPASSWORD)",
                opts.get_username()
            ),
            Some("3D000") => format!("database {:?} does not exist", opts.get_database().unwrap_or("")),
            Some("53300") => "the server has no free connections".into(),
            _ => db.message().to_owned(),
        },
        sqlx::Error::Tls(t) => format!("TLS failed: {t}"),
        sqlx::Error::PoolTimedOut => "no answer from the server in time".into(),
        other => first_line(&other.to_string()),
    }
}

fn describe_io(io: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match io.kind() {
        ConnectionRefused => {
            "connection refused (nothing listens on that host and port: is Postgres running?)".into()
        }
        HostUnreachable | NetworkUnreachable => {
            "no route to host (check the host name and the network)".into()
        }
        TimedOut => "timed out".into(),
        ConnectionReset | ConnectionAborted | BrokenPipe | UnexpectedEof => {
            "the server closed the connection".into()
        }
        _ => {
            let text = io.to_string();
            if text.contains("lookup") || text.contains("resolve") || text.contains("Name or service") {
                format!("unknown host ({text})")
            } else {
                first_line(&text)
            }
        }
    }
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or_default().to_owned()
}

/// True when the error means the connection (not a row) failed: the sync
/// stops at once instead of retrying row by row.
pub fn is_connection_lost(e: &sqlx::Error) -> bool {
    matches!(
        e,
        sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::Protocol(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed
    ) || matches!(e, sqlx::Error::Database(db) if db.code().is_some_and(|c| c.starts_with("57P") || c.starts_with("08")))
}

/// A server error in one line: the message and, for constraint errors, the
/// constraint (never the server's source file or line).
pub fn server_message(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(db) => {
            let mut m = db.message().to_owned();
            if let Some(c) = db.constraint() {
                m.push_str(&format!(" ({c})"));
            }
            m
        }
        sqlx::Error::Io(io) => describe_io(io),
        other => first_line(&other.to_string()),
    }
}

/// The error a sync ends with when the connection goes away mid-way.
pub fn lost(phase: &str, e: &sqlx::Error) -> Error {
    Error::Sync(format!(
        "lost the connection to the server during the {phase}: {}; nothing was half-applied, sync again to resume",
        server_message(e)
    ))
}

/// Runs one server round trip with the query timeout.
pub async fn bounded<T, F>(phase: &str, fut: F) -> Result<T>
where
    F: std::future::Future<Output = std::result::Result<T, sqlx::Error>>,
{
    match tokio::time::timeout(QUERY_TIMEOUT, fut).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) if is_connection_lost(&e) => Err(lost(phase, &e)),
        Ok(Err(e)) => Err(Error::Sync(format!("{phase}: {}", server_message(&e)))),
        Err(_) => Err(Error::Sync(format!(
            "the server did not answer within {} s during the {phase}; nothing was half-applied, sync again to resume",
            QUERY_TIMEOUT.as_secs()
        ))),
    }
}

/// One direct connect within [`CONNECT_TIMEOUT`], so a dead server is named
/// in seconds (a pool would retry until its own timeout and say only that).
pub async fn probe(url: &str, opts: &PgConnectOptions) -> Result<()> {
    match tokio::time::timeout(CONNECT_TIMEOUT, PgConnection::connect_with(opts)).await {
        Ok(Ok(conn)) => {
            conn.close().await.ok();
            Ok(())
        }
        Ok(Err(e)) => {
            Err(Error::Sync(format!("could not connect to {}: {}", redact_url(url), describe(&e, opts))))
        }
        Err(_) => Err(Error::Sync(format!(
            "could not connect to {}: no answer within {} s (is the host up and the port open?)",
            redact_url(url),
            CONNECT_TIMEOUT.as_secs()
        ))),
    }
}

/// A pool whose every connection acts for `user_id` (the RLS setting) in UTC.
pub async fn pool(url: &str, user_id: Option<&str>) -> Result<PgPool> {
    let opts = connect_options(url)?;
    probe(url, &opts).await?;
    let user = user_id.map(str::to_owned);
    PgPoolOptions::new()
        .max_connections(2)
        .acquire_timeout(CONNECT_TIMEOUT)
        .after_connect(move |conn, _| {
            let user = user.clone();
            Box::pin(async move {
                sqlx::query(
                    "SELECT set_config('TimeZone', 'UTC', false), set_config('app.user_id', $1, false), \
                     set_config('statement_timeout', '60s', false)",
                )
                .bind(user.unwrap_or_default())
                .execute(&mut *conn)
                .await?;
                Ok(())
            })
        })
        .connect_with(opts.clone())
        .await
        .map_err(|e| {
            Error::Sync(format!("could not connect to {}: {}", redact_url(url), describe(&e, &opts)))
        })
}

/// Refuses a role that row-level security does not bind (superuser or
/// BYPASSRLS) unless the user asked for it.
pub async fn guard_role(pg: &PgPool, allow_privileged: bool) -> Result<()> {
    let (name, superuser, bypass): (String, bool, bool) = sqlx::query_as(
        "SELECT rolname::text, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user",
    )
    .fetch_one(pg)
    .await
    .map_err(|e| Error::Sync(server_message(&e)))?;
    if (superuser || bypass) && !allow_privileged {
        let what = if superuser { "a superuser" } else { "allowed to bypass row-level security" };
        return Err(Error::invalid(format!(
            "the server role {name} is {what}: row-level security does not bind it, so profiles on this server \
             are not kept apart. Create a sync role with `wagner sync setup-role --postgres <this URL> --role NAME` \
             and sync through it, or pass --allow-superuser if you alone use this server"
        )));
    }
    Ok(())
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RoleSetup {
    pub role: String,
    /// The URL to sync with (no password).
    pub url: String,
    /// Set when the password was generated here (shown once).
    pub generated_password: Option<String>,
    pub created: bool,
}

/// `wagner sync setup-role`: with an admin URL, brings the server schema up
/// to date and creates (or re-passwords) a login role that syncs through
/// `wagner_sync` and nothing else. The role claims one profile on its first
/// sync; from then on it can act for no other.
pub async fn setup_role(admin_url: &str, role: &str, password: Option<String>) -> Result<RoleSetup> {
    let valid = role.len() <= 63
        && role.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && role.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !valid || role == "wagner_sync" {
        return Err(Error::invalid(format!(
            "role name {role:?}: use lower-case letters, digits and _ (at most 63), not wagner_sync"
        )));
    }
    let pg = pool(admin_url, None).await?;
    super::migrate_server(&pg).await?;
    let (generated, password) = match password.filter(|p| !p.is_empty()) {
        Some(p) => (None, p),
        None => {
            let p = uuid::Uuid::new_v4().simple().to_string();
            (Some(p.clone()), p)
        }
    };
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)")
        .bind(role)
        .fetch_one(&pg)
        .await
        .map_err(|e| Error::Sync(server_message(&e)))?;
    let db: String = sqlx::query_scalar("SELECT current_database()::text")
        .fetch_one(&pg)
        .await
        .map_err(|e| Error::Sync(server_message(&e)))?;
    let verb = if exists { "ALTER" } else { "CREATE" };
    let statements = [
        format!(
            "SELECT format('{verb} ROLE %I LOGIN PASSWORD %L NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE', $1::text, $2::text)"
        ),
        "SELECT format('GRANT wagner_sync TO %I', $1::text)".to_owned(),
        "SELECT format('GRANT CONNECT ON DATABASE %I TO %I', $3::text, $1::text)".to_owned(),
        "SELECT format('GRANT USAGE ON SCHEMA public TO %I', $1::text)".to_owned(),
    ];
    for sql in statements {
        let stmt: String = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(role)
            .bind(&password)
            .bind(&db)
            .fetch_one(&pg)
            .await
            .map_err(|e| Error::Sync(server_message(&e)))?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(stmt))
            .execute(&pg)
            .await
            .map_err(|e| Error::Sync(format!("setting up role {role}: {}", server_message(&e))))?;
    }
    pg.close().await;
    let mut url = reqwest::Url::parse(admin_url).map_err(|e| Error::invalid(format!("Postgres URL: {e}")))?;
    url.set_username(role).map_err(|_| Error::invalid("this URL cannot carry a user name"))?;
    let _ = url.set_password(None);
    Ok(RoleSetup {
        role: role.to_owned(),
        url: url.to_string(),
        generated_password: generated,
        created: !exists,
    })
}
