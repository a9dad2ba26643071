//! Who is reading an entry. `pending → processing` is a compare-and-set that
//! writes this process's owner id and the time into `claimed_by`/`claimed_at`;
//! every later transition checks the claim is still ours, and recovery only
//! takes over a claim whose owner is gone (same machine, process ended) or
//! stale (older than [`STALE_AFTER`]), so the CLI and the window never read
//! the same entry twice.

use std::sync::OnceLock;

use chrono::Duration;

use crate::clock;
use crate::error::Result;
use crate::store::Store;

/// A reading (provider call with retries, transcription) never takes this long;
/// a claim older than this belongs to a process that hung or a clock that jumped.
pub const STALE_AFTER: Duration = Duration::minutes(15);

/// `pid@host:start`, start being the process start time the kernel reports
/// (so a recycled pid is not mistaken for the owner).
pub fn owner_id() -> &'static str {
    static OWNER: OnceLock<String> = OnceLock::new();
    OWNER.get_or_init(|| {
        let pid = std::process::id();
        let start = process_start(pid).unwrap_or_else(|| clock::now().timestamp_millis().to_string());
        format!("{pid}@{}:{start}", hostname())
    })
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "localhost".into())
}

/// Field 22 of /proc/PID/stat (start time in clock ticks since boot) of a
/// running process; `None` when there is none or it has ended (a zombie not
/// yet reaped by its parent still has a stat file).
fn process_start(pid: u32) -> Option<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may contain spaces and parentheses: count after the last ')'.
    let mut rest = stat[stat.rfind(')')? + 1..].split_whitespace();
    let state = rest.next()?;
    if matches!(state, "Z" | "X" | "x") {
        return None;
    }
    rest.nth(18).map(str::to_string)
}

/// Whether the process that wrote `owner` is still running: `None` when that
/// cannot be told from here (another machine, an unknown format).
pub fn owner_alive(owner: &str) -> Option<bool> {
    let (pid, rest) = owner.split_once('@')?;
    let (host, start) = rest.rsplit_once(':')?;
    if host != hostname() {
        return None;
    }
    let pid: u32 = pid.parse().ok()?;
    if std::path::Path::new("/proc/self/stat").exists() {
        return Some(process_start(pid).is_some_and(|s| s == start));
    }
    alive_by_signal(pid)
}

#[cfg(unix)]
fn alive_by_signal(pid: u32) -> Option<bool> {
    let pid = libc::pid_t::try_from(pid).ok()?;
    // SAFETY: signal 0 only checks that the process exists.
    let rc = unsafe { libc::kill(pid, 0) };
    Some(rc == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM))
}

#[cfg(not(unix))]
fn alive_by_signal(_pid: u32) -> Option<bool> {
    None
}

/// A claim another reader may take over: no owner, an owner that ended, or older than [`STALE_AFTER`].
pub fn is_stale(claimed_by: Option<&str>, claimed_at: Option<&str>) -> bool {
    let Some(owner) = claimed_by else { return true };
    if owner == owner_id() {
        // Our own claim is live while we run; a leftover of this process is not possible.
        return false;
    }
    if owner_alive(owner) == Some(false) {
        return true;
    }
    match claimed_at.and_then(|t| clock::from_db(t).ok()) {
        Some(at) => clock::now() - at > STALE_AFTER,
        None => true,
    }
}

#[derive(sqlx::FromRow)]
struct Claim {
    id: String,
    claimed_by: Option<String>,
    claimed_at: Option<String>,
}

/// Entries left `processing` by a reader that is gone or stale go back to
/// `pending`; entries another live process is reading are left alone.
/// Returns how many were taken over.
pub async fn recover_interrupted(store: &Store) -> Result<u64> {
    Ok(recover_interrupted_ids(store).await?.len() as u64)
}

/// [`recover_interrupted`], returning the ids taken over.
pub async fn recover_interrupted_ids(store: &Store) -> Result<Vec<String>> {
    let claims: Vec<Claim> = sqlx::query_as(
        "SELECT id, claimed_by, claimed_at FROM quick_entry_logs WHERE processing_status = 'processing'",
    )
    .fetch_all(store.pool())
    .await?;
    let mut taken = Vec::new();
    for c in claims {
        if is_stale(c.claimed_by.as_deref(), c.claimed_at.as_deref())
            && release(store, &c.id, c.claimed_by.as_deref()).await? > 0
        {
            taken.push(c.id);
        }
    }
    Ok(taken)
}

/// The one entry, when its claim is stale: back to `pending` (for retry and edit).
pub async fn take_over_if_stale(store: &Store, user_id: &str, id: &str) -> Result<bool> {
    let claim: Option<Claim> = sqlx::query_as(
        "SELECT id, claimed_by, claimed_at FROM quick_entry_logs \
         WHERE id = ? AND user_id = ? AND processing_status = 'processing'",
    )
    .bind(id)
    .bind(user_id)
    .fetch_optional(store.pool())
    .await?;
    match claim {
        Some(c) if is_stale(c.claimed_by.as_deref(), c.claimed_at.as_deref()) => {
            Ok(release(store, &c.id, c.claimed_by.as_deref()).await? == 1)
        }
        _ => Ok(false),
    }
}

/// Compare-and-set on the old owner: a reader that finished meanwhile keeps its result.
async fn release(store: &Store, id: &str, owner: Option<&str>) -> Result<u64> {
    let done = sqlx::query(
        "UPDATE quick_entry_logs SET processing_status = 'pending', claimed_by = NULL, claimed_at = NULL \
         WHERE id = ? AND processing_status = 'processing' AND claimed_by IS ?",
    )
    .bind(id)
    .bind(owner)
    .execute(store.pool())
    .await?;
    if done.rows_affected() > 0 {
        tracing::info!(entry = id, owner = owner.unwrap_or("none"), "took over an interrupted entry");
    }
    Ok(done.rows_affected())
}
