//! The monthly AI budget and per-provider request limits, kept in
//! `rate_limits` so they hold across restarts. Hitting either is a clear
//! message; the entry falls back to the offline parser.

use chrono::{DateTime, Utc};

use super::ProviderKind;
use crate::clock;
use crate::error::{Error, Result};
use crate::store::Store;

const OPERATION: &str = "ai";
const WINDOW_SECONDS: i64 = 60;
/// A window with no configured limit still counts requests.
const UNLIMITED: i64 = 1_000_000_000;

#[derive(Debug, Clone, Copy, Default)]
pub struct Limits {
    pub requests_per_minute: Option<i64>,
    pub monthly_budget_usd: Option<f64>,
}

fn month_of(now: DateTime<Utc>) -> String {
    now.format("%Y-%m").to_string()
}

/// Lets one request through, or says why not. Counts it when it passes.
pub async fn admit(
    store: &Store,
    user_id: &str,
    kind: ProviderKind,
    limits: Limits,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = store.begin_write().await?;
    sqlx::query(
        "INSERT INTO rate_limits (id, user_id, provider, operation, window_seconds, max_requests, window_started_at, month) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, provider, operation, window_seconds) DO NOTHING",
    )
    .bind(crate::new_id())
    .bind(user_id)
    .bind(kind.as_str())
    .bind(OPERATION)
    .bind(WINDOW_SECONDS)
    .bind(UNLIMITED)
    .bind(clock::to_db(now))
    .bind(month_of(now))
    .execute(&mut *tx)
    .await?;
    let (id, count, started, month, spend): (String, i64, String, Option<String>, f64) = sqlx::query_as(
        "SELECT id, request_count, window_started_at, month, month_spend_usd FROM rate_limits \
         WHERE user_id = ? AND provider = ? AND operation = ? AND window_seconds = ?",
    )
    .bind(user_id)
    .bind(kind.as_str())
    .bind(OPERATION)
    .bind(WINDOW_SECONDS)
    .fetch_one(&mut *tx)
    .await?;
    let started = clock::from_db(&started)?;
    let elapsed = (now - started).num_seconds();
    let (count, started) = if elapsed >= WINDOW_SECONDS { (0, now) } else { (count, started) };
    let this_month = month_of(now);
    let spend = if month.as_deref() == Some(this_month.as_str()) { spend } else { 0.0 };

    if let Some(max) = limits.requests_per_minute.filter(|m| *m > 0)
        && count >= max
    {
        let wait = WINDOW_SECONDS - (now - started).num_seconds();
        return Err(Error::RateLimited(format!(
            "{} allows {max} requests a minute in your settings: try again in {wait} s (the entry is kept)",
            kind.as_str()
        )));
    }
    if let Some(budget) = limits.monthly_budget_usd
        && spend >= budget
    {
        return Err(Error::Budget(format!(
            "the monthly AI budget of ${budget:.2} is spent (${spend:.4} in {this_month}): raise it in Settings; \
             entries are read offline until then"
        )));
    }
    sqlx::query(
        "UPDATE rate_limits SET request_count = ?, window_started_at = ?, month = ?, month_spend_usd = ?, \
         max_requests = ?, monthly_budget_usd = ? WHERE id = ?",
    )
    .bind(count + 1)
    .bind(clock::to_db(started))
    .bind(&this_month)
    .bind(spend)
    .bind(limits.requests_per_minute.filter(|m| *m > 0).unwrap_or(UNLIMITED))
    .bind(limits.monthly_budget_usd)
    .bind(&id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Adds a call's cost to this month's spend.
pub async fn record_spend(store: &Store, user_id: &str, kind: ProviderKind, cost_usd: f64) -> Result<()> {
    if cost_usd <= 0.0 {
        return Ok(());
    }
    sqlx::query(
        "UPDATE rate_limits SET month_spend_usd = month_spend_usd + ? \
         WHERE user_id = ? AND provider = ? AND operation = ? AND window_seconds = ?",
    )
    .bind(cost_usd)
    .bind(user_id)
    .bind(kind.as_str())
    .bind(OPERATION)
    .bind(WINDOW_SECONDS)
    .execute(store.pool())
    .await?;
    Ok(())
}
