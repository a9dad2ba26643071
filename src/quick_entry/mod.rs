//! Quick entry: the one box. The raw entry is stored (`pending`) before any
//! processing, so nothing the user typed is ever lost.

pub mod bulk;
pub mod claim;
pub mod extraction;
pub mod offline;
pub mod pipeline;
pub mod review;
pub mod when;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::attachments::{self, AttachmentKind};
use crate::clock;
use crate::error::{Error, Result};
use crate::profile::Profile;
use crate::store::Store;

/// Long pastes (a training plan) are fine; a runaway paste is not.
pub const MAX_TEXT_CHARS: usize = 20_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
#[sqlx(rename_all = "snake_case")]
pub enum InputType {
    Text,
    Voice,
    Image,
    Multimodal,
    Pdf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
#[sqlx(rename_all = "snake_case")]
pub enum ProcessingStatus {
    Pending,
    Processing,
    Completed,
    Failed,
    /// Read, but something needs the user before its numbers can be trusted
    /// (a food that matched nothing, an implausible number); the reason is in
    /// `error_message`.
    NeedsReview,
}

impl ProcessingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Processing => "processing",
            Self::Completed => "completed",
            Self::Failed => "failed",
            Self::NeedsReview => "needs_review",
        }
    }
}

impl std::str::FromStr for ProcessingStatus {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "pending" => Ok(Self::Pending),
            "processing" => Ok(Self::Processing),
            "completed" => Ok(Self::Completed),
            "failed" => Ok(Self::Failed),
            "needs_review" => Ok(Self::NeedsReview),
            other => Err(Error::invalid(format!(
                "unknown status {other:?} (pending, processing, completed, failed or needs_review)"
            ))),
        }
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct QuickEntry {
    pub id: String,
    pub input_type: InputType,
    pub raw_text: Option<String>,
    /// A voice note's transcript or a PDF's text.
    pub raw_transcription: Option<String>,
    pub processing_status: ProcessingStatus,
    pub logged_at: String,
    pub error_message: Option<String>,
    /// Photos, relative to the data folder.
    #[sqlx(json)]
    pub image_urls: Vec<String>,
    pub audio_url: Option<String>,
    #[sqlx(json)]
    pub document_urls: Vec<String>,
}

const SELECT_ENTRY: &str = "SELECT id, input_type, raw_text, raw_transcription, processing_status, logged_at, \
     error_message, image_urls, audio_url, document_urls FROM quick_entry_logs";

/// Stores a text entry as `pending`, exactly as typed.
pub async fn log_text(store: &Store, profile: &Profile, text: &str) -> Result<QuickEntry> {
    log_text_at(store, profile, text, crate::clock::now()).await
}

pub async fn log_text_at(
    store: &Store,
    profile: &Profile,
    text: &str,
    logged_at: DateTime<Utc>,
) -> Result<QuickEntry> {
    if text.trim().is_empty() {
        return Err(Error::invalid("the entry is empty: type what you ate, did or weighed"));
    }
    if text.contains('\0') {
        return Err(Error::invalid("the entry contains a NUL byte: paste it as plain text"));
    }
    let chars = text.chars().count();
    if chars > MAX_TEXT_CHARS {
        return Err(Error::invalid(format!(
            "the entry is {chars} characters long; the limit is {MAX_TEXT_CHARS}"
        )));
    }
    // "yesterday", "on Monday": the entry lands on the day it is about.
    let logged_at = when::entry_time(text, logged_at, profile.tz());
    let id = crate::new_id();
    sqlx::query(
        "INSERT INTO quick_entry_logs (id, user_id, input_type, raw_text, processing_status, logged_at) \
         VALUES (?, ?, 'text', ?, 'pending', ?)",
    )
    .bind(&id)
    .bind(&profile.id)
    .bind(text)
    .bind(clock::to_db(logged_at))
    .execute(store.pool())
    .await?;
    get(store, &profile.id, &id).await
}

/// Stores an entry with attachments (photos, one voice note, PDFs) exactly as
/// given. Every file is checked before anything is written; a bad one is
/// named in the error and nothing is stored.
pub async fn log_with_attachments(
    store: &Store,
    profile: &Profile,
    text: Option<&str>,
    files: &[(Vec<u8>, String)],
    logged_at: DateTime<Utc>,
) -> Result<QuickEntry> {
    let text = text.map(str::trim).filter(|t| !t.is_empty());
    if files.is_empty() {
        return log_text_at(store, profile, text.unwrap_or(""), logged_at).await;
    }
    if let Some(t) = text
        && t.contains('\0')
    {
        return Err(Error::invalid("the entry contains a NUL byte: paste it as plain text"));
    }
    if let Some(t) = text
        && t.chars().count() > MAX_TEXT_CHARS
    {
        return Err(Error::invalid(format!("the entry is longer than {MAX_TEXT_CHARS} characters")));
    }
    // Every file is checked (and a PDF read) before anything is written.
    let prepared =
        files.iter().map(|(bytes, name)| attachments::prepare(bytes, name)).collect::<Result<Vec<_>>>()?;
    if prepared.iter().filter(|p| p.kind == AttachmentKind::Audio).count() > 1 {
        return Err(Error::invalid("one voice note per entry: log the others separately"));
    }
    let mut document_text = Vec::new();
    for ((bytes, name), p) in files.iter().zip(&prepared) {
        if p.kind == AttachmentKind::Pdf {
            document_text.push(attachments::pdf_text(bytes, name)?);
        }
    }
    let mut image_urls = Vec::new();
    let mut document_urls = Vec::new();
    let mut audio_url = None;
    for p in prepared {
        let stored = p.write(store)?;
        match stored.kind {
            AttachmentKind::Image => image_urls.push(stored.path),
            AttachmentKind::Audio => audio_url = Some(stored.path),
            AttachmentKind::Pdf => document_urls.push(stored.path),
        }
    }
    let input_type = match (text.is_some(), image_urls.len(), audio_url.is_some(), document_urls.len()) {
        (_, 0, true, 0) => InputType::Voice,
        (_, 0, false, _) => InputType::Pdf,
        (false, _, false, 0) => InputType::Image,
        _ => InputType::Multimodal,
    };
    let transcription = (!document_text.is_empty()).then(|| document_text.join("\n\n"));
    let logged_at = text.map_or(logged_at, |t| when::entry_time(t, logged_at, profile.tz()));
    let id = crate::new_id();
    sqlx::query(
        "INSERT INTO quick_entry_logs (id, user_id, input_type, raw_text, raw_transcription, image_urls, audio_url, \
         document_urls, processing_status, logged_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)",
    )
    .bind(&id)
    .bind(&profile.id)
    .bind(input_type)
    .bind(text)
    .bind(transcription)
    .bind(serde_json::Value::from(image_urls).to_string())
    .bind(audio_url)
    .bind(serde_json::Value::from(document_urls).to_string())
    .bind(clock::to_db(logged_at))
    .execute(store.pool())
    .await?;
    get(store, &profile.id, &id).await
}

pub async fn get(store: &Store, user_id: &str, id: &str) -> Result<QuickEntry> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT_ENTRY} WHERE user_id = ? AND id = ?")))
        .bind(user_id)
        .bind(id)
        .fetch_optional(store.pool())
        .await?
        .ok_or_else(|| Error::not_found(format!("quick entry {id}")))
}

/// Newest first, optionally only one status.
pub async fn list(
    store: &Store,
    user_id: &str,
    status: Option<ProcessingStatus>,
    limit: u32,
) -> Result<Vec<QuickEntry>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT_ENTRY} WHERE user_id = ?1 AND (?2 IS NULL OR processing_status = ?2) \
         ORDER BY logged_at DESC, id DESC LIMIT ?3"
    )))
    .bind(user_id)
    .bind(status)
    .bind(limit)
    .fetch_all(store.pool())
    .await?)
}

/// What the history view filters by; every field is optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EntryFilter {
    pub status: Option<ProcessingStatus>,
    pub input_type: Option<InputType>,
    /// `meal`, `workout`, `body_measurement`, `multiple` or `unknown`.
    pub classification: Option<String>,
    /// Local dates, inclusive (YYYY-MM-DD).
    pub from: Option<String>,
    pub to: Option<String>,
    /// Words in the text or transcript.
    pub text: Option<String>,
    pub limit: Option<u32>,
}

/// The history view: newest first, filtered by status, type, classification, local dates and text.
pub async fn search(store: &Store, profile: &Profile, filter: &EntryFilter) -> Result<Vec<QuickEntry>> {
    let tz = profile.tz();
    let from = filter
        .from
        .as_deref()
        .map(clock::parse_date)
        .transpose()?
        .map(|d| clock::to_db(clock::day_start_utc(d, tz)));
    let to = filter
        .to
        .as_deref()
        .map(clock::parse_date)
        .transpose()?
        .map(|d| clock::to_db(clock::day_bounds_utc(d, tz).1));
    let text = filter.text.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(|t| {
        // LIKE wildcards typed by the user are literal.
        format!("%{}%", t.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"))
    });
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT_ENTRY} WHERE user_id = ?1 AND (?2 IS NULL OR processing_status = ?2) \
         AND (?3 IS NULL OR input_type = ?3) AND (?4 IS NULL OR ai_classification = ?4) \
         AND (?5 IS NULL OR logged_at >= ?5) AND (?6 IS NULL OR logged_at < ?6) \
         AND (?7 IS NULL OR raw_text LIKE ?7 ESCAPE '\\' OR raw_transcription LIKE ?7 ESCAPE '\\') \
         ORDER BY logged_at DESC, id DESC LIMIT ?8"
    )))
    .bind(&profile.id)
    .bind(filter.status)
    .bind(filter.input_type)
    .bind(&filter.classification)
    .bind(from)
    .bind(to)
    .bind(text)
    .bind(filter.limit.unwrap_or(100).min(1000))
    .fetch_all(store.pool())
    .await?)
}

/// Entries logged before `before` (a database timestamp) that are still
/// pending, being read, failed, or waiting for the user's review: newest first.
pub async fn needing_attention(
    store: &Store,
    user_id: &str,
    before: &str,
    limit: u32,
) -> Result<Vec<QuickEntry>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT_ENTRY} WHERE user_id = ? AND logged_at < ? \
         AND processing_status IN ('pending', 'processing', 'failed', 'needs_review') ORDER BY logged_at DESC, id DESC LIMIT ?"
    )))
    .bind(user_id)
    .bind(before)
    .bind(limit)
    .fetch_all(store.pool())
    .await?)
}

/// Entries of one status logged in `[since, before)`, newest first (one range
/// of the `(user_id, processing_status, logged_at)` index).
pub async fn needing_attention_with(
    store: &Store,
    user_id: &str,
    status: &str,
    since: &str,
    before: &str,
) -> Result<Vec<QuickEntry>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT_ENTRY} WHERE user_id = ? AND processing_status = ? AND logged_at >= ? AND logged_at < ? \
         ORDER BY logged_at DESC, id DESC"
    )))
    .bind(user_id)
    .bind(status)
    .bind(since)
    .bind(before)
    .fetch_all(store.pool())
    .await?)
}

/// Entries logged in `[start, end)`, oldest first.
pub async fn between(
    store: &Store,
    user_id: &str,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<QuickEntry>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT_ENTRY} WHERE user_id = ? AND logged_at >= ? AND logged_at < ? ORDER BY logged_at, id"
    )))
    .bind(user_id)
    .bind(clock::to_db(start))
    .bind(clock::to_db(end))
    .fetch_all(store.pool())
    .await?)
}

/// Everything the review panel shows about one entry: who read it, what it
/// cost, what was extracted and why a provider's reading was not used.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EntryDetails {
    pub entry: QuickEntry,
    pub classification: Option<String>,
    pub confidence: Option<f64>,
    pub ai_provider: Option<String>,
    pub ai_model: Option<String>,
    pub ai_cost_usd: f64,
    pub extraction: Option<extraction::Extraction>,
    pub provider_error: Option<String>,
    pub attempts: i64,
}

pub async fn details(store: &Store, user_id: &str, id: &str) -> Result<EntryDetails> {
    let entry = get(store, user_id, id).await?;
    #[derive(sqlx::FromRow)]
    struct Reading {
        ai_classification: Option<String>,
        ai_confidence_score: Option<f64>,
        ai_provider: Option<String>,
        ai_model: Option<String>,
        ai_cost_usd: f64,
        ai_extracted_data: Option<String>,
        attempts: i64,
    }
    let r: Reading = sqlx::query_as(
        "SELECT ai_classification, ai_confidence_score, ai_provider, ai_model, ai_cost_usd, ai_extracted_data, \
         attempts FROM quick_entry_logs WHERE id = ? AND user_id = ?",
    )
    .bind(id)
    .bind(user_id)
    .fetch_one(store.pool())
    .await?;
    let data: Option<serde_json::Value> = r.ai_extracted_data.and_then(|d| serde_json::from_str(&d).ok());
    let extraction = data.as_ref().and_then(|d| serde_json::from_value(d.get("extraction")?.clone()).ok());
    let provider_error = data.as_ref().and_then(|d| d.get("provider_error")?.as_str().map(str::to_string));
    Ok(EntryDetails {
        entry,
        classification: r.ai_classification,
        confidence: r.ai_confidence_score,
        ai_provider: r.ai_provider,
        ai_model: r.ai_model,
        ai_cost_usd: r.ai_cost_usd,
        extraction,
        provider_error,
        attempts: r.attempts,
    })
}
