//! The monthly AI budget and per-provider request limits, kept in the
//! database so they hold across restarts and across processes (the CLI and
//! the window at once). Hitting either is a clear message; the entry falls
//! back to the offline parser.
//!
//! One budget: every call of every provider and kind (entries, photos,
//! transcription, the coach, programs) is a row in `ai_spend`. A call is
//! admitted only if the most it can cost still fits under the cap next to
//! what is spent and what calls in flight may still cost, and that most is
//! reserved in the same write transaction; the call then settles with what
//! it did cost. So calls fired at once can never pass the cap together.

use chrono::{DateTime, Utc};

use super::prices::{self, Price};
use super::{ProviderKind, Usage};
use crate::clock;
use crate::error::{Error, Result};
use crate::store::Store;

const OPERATION: &str = "ai";
const WINDOW_SECONDS: i64 = 60;
/// A window with no configured limit still counts requests.
const UNLIMITED: i64 = 1_000_000_000;

/// Tokens a chat template adds around one message, at most (role markers).
const MESSAGE_OVERHEAD_TOKENS: i64 = 16;
/// Tokens a request adds beyond its messages, at most (Anthropic's tool-use
/// system prompt is the largest, a few hundred).
const REQUEST_OVERHEAD_TOKENS: i64 = 1_000;
/// Tokens one image can be billed as, at most: Anthropic scales images to
/// about 1.15 megapixels (~1,600 tokens); OpenAI-style high detail tiles
/// stay under ~1,500 at the sizes sent here.
pub const IMAGE_TOKENS_MAX: i64 = 3_000;
/// Providers bill a transcription for at least this long.
const TRANSCRIPTION_MIN_SECONDS: f64 = 10.0;
/// When a voice note cannot be decoded here, its length is bounded by its
/// size at the lowest bitrate people record speech with (8 kbit/s).
const LOWEST_AUDIO_BYTES_PER_SECOND: f64 = 1_000.0;

#[derive(Debug, Clone, Copy, Default)]
pub struct Limits {
    pub requests_per_minute: Option<i64>,
    pub monthly_budget_usd: Option<f64>,
}

/// What a call is for (shown nowhere yet; kept for the month's breakdown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    Entry,
    Photo,
    Transcription,
    Coach,
    Program,
}

impl CallKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CallKind::Entry => "entry",
            CallKind::Photo => "photo",
            CallKind::Transcription => "transcription",
            CallKind::Coach => "coach",
            CallKind::Program => "program",
        }
    }
}

/// An admitted call: settle it with what it cost, on every path.
#[derive(Debug)]
#[must_use = "settle the call with what it cost"]
pub struct Ticket {
    id: String,
    user_id: String,
    provider: ProviderKind,
    pub reserved_usd: f64,
}

fn month_of(now: DateTime<Utc>) -> String {
    now.format("%Y-%m").to_string()
}

/// The most input tokens a request with these texts and images can be billed
/// for: byte-level BPE tokenizers never make more tokens than bytes.
pub fn most_input_tokens<'a>(texts: impl IntoIterator<Item = &'a str>, images: usize) -> i64 {
    let text: i64 = texts.into_iter().map(|t| t.len() as i64 + MESSAGE_OVERHEAD_TOKENS).sum();
    text + images as i64 * IMAGE_TOKENS_MAX + REQUEST_OVERHEAD_TOKENS
}

/// The most one request of `system`, `turns` (and a JSON `schema` sent as a
/// tool or response format) can use, answering in at most `max_tokens`.
pub fn most_for_request(
    system: &str,
    turns: &[super::Turn],
    schema: Option<&serde_json::Value>,
    max_tokens: u32,
) -> Usage {
    let schema = schema.map(|s| s.to_string()).unwrap_or_default();
    let mut texts = vec![system, schema.as_str()];
    let mut images = 0;
    for turn in turns {
        match turn {
            super::Turn::User { text, images: with } => {
                texts.push(text);
                images += with.len();
            }
            super::Turn::Assistant { text } => texts.push(text),
        }
    }
    Usage { input_tokens: most_input_tokens(texts, images), output_tokens: i64::from(max_tokens) }
}

/// The most a call of `usage` tokens (input at most, output its max_tokens)
/// costs at `price`; an unpriced model costs nothing we can know.
pub fn most_cost_usd(price: Option<Price>, most: Usage) -> f64 {
    prices::cost_usd(price, most)
}

/// The seconds a transcription of `audio` is billed for, and whether that is
/// exact (decoded here) or the bound from its size.
pub fn transcription_seconds(audio: &[u8], name: &str) -> (f64, bool) {
    match crate::voice::decode::to_16k_mono(audio, name) {
        Ok(samples) => ((samples.len() as f64 / 16_000.0).max(TRANSCRIPTION_MIN_SECONDS), true),
        Err(_) => {
            ((audio.len() as f64 / LOWEST_AUDIO_BYTES_PER_SECOND).max(TRANSCRIPTION_MIN_SECONDS), false)
        }
    }
}

/// This month's spend of the profile over every provider and call kind,
/// counting calls in flight at the most they can cost.
pub async fn month_spend(store: &Store, user_id: &str, now: DateTime<Utc>) -> Result<f64> {
    let spend: f64 = sqlx::query_scalar(
        "SELECT COALESCE(SUM(COALESCE(cost_usd, reserved_usd)), 0.0) FROM ai_spend WHERE user_id = ? AND month = ?",
    )
    .bind(user_id)
    .bind(month_of(now))
    .fetch_one(store.pool())
    .await?;
    Ok(spend)
}

fn clean_usd(v: f64) -> f64 {
    if v.is_finite() && v > 0.0 { v } else { 0.0 }
}

/// Lets one call through, or says why not: the provider's request limit, and
/// the monthly budget over all providers with `most_usd` reserved for this
/// call. Counts the request and reserves its most when it passes.
#[allow(clippy::too_many_arguments)]
pub async fn admit(
    store: &Store,
    user_id: &str,
    kind: ProviderKind,
    limits: Limits,
    now: DateTime<Utc>,
    call: CallKind,
    most_usd: f64,
) -> Result<Ticket> {
    let most_usd = clean_usd(most_usd);
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
    let (id, count, started): (String, i64, String) = sqlx::query_as(
        "SELECT id, request_count, window_started_at FROM rate_limits \
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
    // A window that has run out (or lies ahead: the clock was set back) starts again.
    let (count, started) = if !(0..WINDOW_SECONDS).contains(&elapsed) { (0, now) } else { (count, started) };
    let this_month = month_of(now);

    if let Some(max) = limits.requests_per_minute.filter(|m| *m > 0)
        && count >= max
    {
        let wait = WINDOW_SECONDS - (now - started).num_seconds();
        return Err(Error::RateLimited(format!(
            "{} allows {max} requests a minute in your settings: try again in {wait} s (the entry is kept)",
            kind.as_str()
        )));
    }
    if let Some(budget) = limits.monthly_budget_usd {
        let spend: f64 = sqlx::query_scalar(
            "SELECT COALESCE(SUM(COALESCE(cost_usd, reserved_usd)), 0.0) FROM ai_spend WHERE user_id = ? AND month = ?",
        )
        .bind(user_id)
        .bind(&this_month)
        .fetch_one(&mut *tx)
        .await?;
        if spend >= budget {
            return Err(Error::Budget(format!(
                "the monthly AI budget of ${budget:.2} is spent (${spend:.4} in {this_month}, all providers): \
                 raise it in Settings; entries are read offline until then"
            )));
        }
        if spend + most_usd > budget + 1e-12 {
            return Err(Error::Budget(format!(
                "this {} call could cost up to ${most_usd:.4}, more than the ${:.4} left of the monthly AI budget \
                 of ${budget:.2} ({this_month}, all providers): raise it in Settings; entries are read offline until then",
                call.as_str(),
                budget - spend
            )));
        }
    }
    sqlx::query(
        "UPDATE rate_limits SET request_count = ?, window_started_at = ?, month = ?, \
         month_spend_usd = CASE WHEN month IS ? THEN month_spend_usd ELSE 0 END, \
         max_requests = ?, monthly_budget_usd = ? WHERE id = ?",
    )
    .bind(count + 1)
    .bind(clock::to_db(started))
    .bind(&this_month)
    .bind(&this_month)
    .bind(limits.requests_per_minute.filter(|m| *m > 0).unwrap_or(UNLIMITED))
    .bind(limits.monthly_budget_usd)
    .bind(&id)
    .execute(&mut *tx)
    .await?;
    let ticket =
        Ticket { id: crate::new_id(), user_id: user_id.to_string(), provider: kind, reserved_usd: most_usd };
    sqlx::query(
        "INSERT INTO ai_spend (id, user_id, month, provider, call_kind, reserved_usd, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&ticket.id)
    .bind(user_id)
    .bind(&this_month)
    .bind(kind.as_str())
    .bind(call.as_str())
    .bind(most_usd)
    .bind(clock::to_db(now))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(ticket)
}

/// Records what an admitted call cost (0 when it failed before the provider
/// answered) in place of its reservation.
pub async fn settle(store: &Store, ticket: Ticket, cost_usd: f64) -> Result<()> {
    let cost_usd = clean_usd(cost_usd);
    if cost_usd > ticket.reserved_usd + 1e-12 {
        // The bound was wrong (a provider billing more than the tokens sent
        // allow): the real cost is recorded all the same.
        tracing::warn!(
            reserved = ticket.reserved_usd,
            cost = cost_usd,
            "an AI call cost more than its reservation"
        );
    }
    let mut tx = store.begin_write().await?;
    sqlx::query("UPDATE ai_spend SET cost_usd = ?, settled_at = ? WHERE id = ? AND cost_usd IS NULL")
        .bind(cost_usd)
        .bind(clock::now_db())
        .bind(&ticket.id)
        .execute(&mut *tx)
        .await?;
    // The per-provider figure stays for reference; the cap reads ai_spend.
    sqlx::query(
        "UPDATE rate_limits SET month_spend_usd = month_spend_usd + ? \
         WHERE user_id = ? AND provider = ? AND operation = ? AND window_seconds = ?",
    )
    .bind(cost_usd)
    .bind(&ticket.user_id)
    .bind(ticket.provider.as_str())
    .bind(OPERATION)
    .bind(WINDOW_SECONDS)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
