//! Strava's request limits (15-minute and daily windows) counted in
//! `rate_limits`, corrected from Strava's own headers, and the message a 429
//! ends a sync with.

use chrono::{DateTime, TimeZone, Utc};
use reqwest::header::HeaderMap;

use crate::clock;
use crate::error::{Error, Result};
use crate::http;
use crate::profile::Profile;
use crate::store::Store;

/// Strava's default read limits: 100 requests per 15 minutes, 1,000 per day.
const WINDOWS: [(i64, i64, &str); 2] = [(900, 100, "15-minute"), (86_400, 1_000, "daily")];
const RATE_OPERATION: &str = "api";

/// Strava's windows are aligned: quarter hours, and days starting at midnight UTC.
fn window_start(now: DateTime<Utc>, window: i64) -> DateTime<Utc> {
    let t = now.timestamp();
    Utc.timestamp_opt(t - t.rem_euclid(window), 0).single().unwrap_or(now)
}

fn when(at: DateTime<Utc>, now: DateTime<Utc>, profile: &Profile) -> String {
    let minutes = ((at - now).num_seconds().max(0) + 59) / 60;
    format!("{} (in {minutes} min)", at.with_timezone(&profile.tz()).format("%H:%M %Z"))
}

/// Counts one request in both windows, or says when the next one may go.
pub(super) async fn admit(store: &Store, profile: &Profile, now: DateTime<Utc>) -> Result<()> {
    let mut tx = store.begin_write().await?;
    for (window, default_max, label) in WINDOWS {
        let start = window_start(now, window);
        sqlx::query(
            "INSERT INTO rate_limits (id, user_id, provider, operation, window_seconds, max_requests, window_started_at) \
             VALUES (?, ?, 'strava', ?, ?, ?, ?) ON CONFLICT (user_id, provider, operation, window_seconds) DO NOTHING",
        )
        .bind(crate::new_id())
        .bind(&profile.id)
        .bind(RATE_OPERATION)
        .bind(window)
        .bind(default_max)
        .bind(clock::to_db(start))
        .execute(&mut *tx)
        .await?;
        let (id, count, max, started): (String, i64, i64, String) = sqlx::query_as(
            "SELECT id, request_count, max_requests, window_started_at FROM rate_limits \
             WHERE user_id = ? AND provider = 'strava' AND operation = ? AND window_seconds = ?",
        )
        .bind(&profile.id)
        .bind(RATE_OPERATION)
        .bind(window)
        .fetch_one(&mut *tx)
        .await?;
        let count = if clock::from_db(&started)? < start { 0 } else { count };
        if count >= max {
            let retry = start + chrono::Duration::seconds(window);
            return Err(Error::RateLimited(format!(
                "Strava's {label} limit of {max} requests is used up: run the sync again after {}; \
                 everything imported so far is kept",
                when(retry, now, profile)
            )));
        }
        sqlx::query("UPDATE rate_limits SET request_count = ?, window_started_at = ? WHERE id = ?")
            .bind(count + 1)
            .bind(clock::to_db(start))
            .bind(&id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// "100,1000" → [100, 1000].
fn pair(headers: &HeaderMap, name: &str) -> Option<[i64; 2]> {
    let text = headers.get(name)?.to_str().ok()?;
    let mut it = text.split(',').map(|p| p.trim().parse::<i64>().ok());
    Some([it.next()??, it.next()??])
}

/// Strava's own count (`X-RateLimit-Limit`/`-Usage`, or the read-specific
/// `X-ReadRateLimit-*` when sent, which bind GET requests) replaces ours.
fn usage(headers: &HeaderMap) -> Option<([i64; 2], [i64; 2])> {
    let read = pair(headers, "x-readratelimit-limit").zip(pair(headers, "x-readratelimit-usage"));
    read.or_else(|| pair(headers, "x-ratelimit-limit").zip(pair(headers, "x-ratelimit-usage")))
}

pub(super) async fn observe(
    store: &Store,
    user_id: &str,
    headers: &HeaderMap,
    now: DateTime<Utc>,
) -> Result<()> {
    let Some((limits, used)) = usage(headers) else { return Ok(()) };
    for (i, (window, _, _)) in WINDOWS.iter().enumerate() {
        sqlx::query(
            "UPDATE rate_limits SET max_requests = ?, request_count = ?, window_started_at = ? \
             WHERE user_id = ? AND provider = 'strava' AND operation = ? AND window_seconds = ?",
        )
        .bind(limits[i].max(1))
        .bind(used[i].max(0))
        .bind(clock::to_db(window_start(now, *window)))
        .bind(user_id)
        .bind(RATE_OPERATION)
        .bind(window)
        .execute(store.pool())
        .await?;
    }
    Ok(())
}

/// What to tell the user after a 429: which limit, and when to try again.
pub(super) fn limit_message(headers: &HeaderMap, now: DateTime<Utc>, profile: &Profile) -> String {
    let daily_spent = usage(headers).is_some_and(|(limit, used)| used[1] >= limit[1]);
    let (label, window) = if daily_spent { ("daily", 86_400) } else { ("15-minute", 900) };
    let retry = match http::retry_after(headers) {
        Some(d) => now + chrono::Duration::seconds(d.as_secs() as i64),
        None => window_start(now, window) + chrono::Duration::seconds(window),
    };
    format!(
        "Strava's {label} request limit is reached: run the sync again after {}; everything imported so far is kept",
        when(retry, now, profile)
    )
}
