//! The coach chat: conversations of user, assistant and system messages in
//! `coach_messages`. Each question is answered with a context built from the
//! user's data (see [`context`]); the answer streams from the configured
//! provider, or comes from the offline coach ([`offline`]) when there is
//! none or it fails. What was used, tokens and cost are stored per message.

pub mod cli;
pub mod context;
pub mod offline;
pub mod trim;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::ai::{self, Cancel, Provider, Turn, Usage, budget, prices};
use crate::clock;
use crate::error::{Error, Result};
use crate::profile::Profile;
use crate::store::Store;
pub use context::Retrieved;

/// How many entries a question brings into the context.
pub const RETRIEVE_K: usize = 8;
/// Room for the answer, in tokens.
pub const ANSWER_TOKENS: u32 = 1_024;
pub const MAX_QUESTION_CHARS: usize = 8_000;

const SYSTEM_PROMPT: &str = "You are Wagner, the user's personal fitness and nutrition coach inside an \
offline-first app. Answer from the user's own data below: cite dates and numbers, be concise and practical, \
say plainly when data is missing, and never invent entries. Units are metric unless the user asks otherwise.";

/// What the window and the CLI are told while an answer is produced, in order:
/// `started`, `sources`, any number of `delta`, then `done` (an `error`
/// before `done` means the answer broke off and what came is kept).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "event", content = "data", rename_all = "snake_case")]
pub enum CoachEvent {
    Started { conversation_id: String, offline: bool },
    Sources { sources: Vec<Retrieved> },
    Delta { text: String },
    Error { message: String },
    Done(Box<Message>),
}

/// `context_used` of an assistant message: what the answer was based on.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ContextUsed {
    pub retrieved: Vec<Retrieved>,
    /// Which computed figures were included (e.g. `nutrition_7d`, `weight_trend`).
    pub stats: Vec<String>,
    pub offline: bool,
    /// Why the provider did not answer, when it was asked and failed.
    #[serde(default)]
    pub provider_error: Option<String>,
    /// Earlier messages left out or summarised to fit the context window.
    #[serde(default)]
    pub trimmed_messages: i64,
    /// The user pressed stop.
    #[serde(default)]
    pub stopped: bool,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Message {
    pub id: String,
    pub conversation_id: String,
    /// `user`, `assistant` or `system`.
    pub role: String,
    pub content: String,
    pub context_used: Option<ContextUsed>,
    pub ai_provider: Option<String>,
    pub ai_model: Option<String>,
    pub tokens_input: Option<i64>,
    pub tokens_output: Option<i64>,
    pub cost_usd: f64,
    pub created_at: String,
    /// The whole conversation's cost up to and including this message.
    pub conversation_cost_usd: f64,
}

#[derive(sqlx::FromRow)]
struct MessageRow {
    id: String,
    conversation_id: String,
    role: String,
    content: String,
    context_used: Option<String>,
    ai_provider: Option<String>,
    ai_model: Option<String>,
    tokens_input: Option<i64>,
    tokens_output: Option<i64>,
    cost_usd: f64,
    created_at: String,
    running_cost: f64,
}

impl From<MessageRow> for Message {
    fn from(r: MessageRow) -> Self {
        Message {
            id: r.id,
            conversation_id: r.conversation_id,
            role: r.role,
            content: r.content,
            context_used: r.context_used.and_then(|c| serde_json::from_str(&c).ok()),
            ai_provider: r.ai_provider,
            ai_model: r.ai_model,
            tokens_input: r.tokens_input,
            tokens_output: r.tokens_output,
            cost_usd: r.cost_usd,
            created_at: r.created_at,
            conversation_cost_usd: r.running_cost,
        }
    }
}

const SELECT_MESSAGE: &str = "SELECT id, conversation_id, role, content, context_used, ai_provider, ai_model, \
     tokens_input, tokens_output, cost_usd, created_at, \
     SUM(cost_usd) OVER (PARTITION BY conversation_id ORDER BY created_at, id) AS running_cost FROM coach_messages";

/// One conversation in the list, newest first.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Conversation {
    pub id: String,
    /// The first question, shortened.
    pub title: String,
    pub messages: i64,
    pub tokens: i64,
    pub cost_usd: f64,
    pub started_at: String,
    pub last_at: String,
}

/// Every message of a conversation, oldest first.
pub async fn messages(store: &Store, user_id: &str, conversation_id: &str) -> Result<Vec<Message>> {
    let rows: Vec<MessageRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT_MESSAGE} WHERE user_id = ? AND conversation_id = ? ORDER BY created_at, id"
    )))
    .bind(user_id)
    .bind(conversation_id)
    .fetch_all(store.pool())
    .await?;
    if rows.is_empty() {
        return Err(Error::not_found(format!("conversation {conversation_id}")));
    }
    Ok(rows.into_iter().map(Message::from).collect())
}

/// Conversations with their message count, tokens and cost, latest first.
pub async fn conversations(store: &Store, user_id: &str) -> Result<Vec<Conversation>> {
    Ok(sqlx::query_as(
        "SELECT conversation_id AS id, \
           COALESCE((SELECT substr(f.content, 1, 80) FROM coach_messages f WHERE f.user_id = m.user_id \
             AND f.conversation_id = m.conversation_id AND f.role = 'user' ORDER BY f.created_at, f.id LIMIT 1), '') AS title, \
           COUNT(*) AS messages, COALESCE(SUM(tokens_used), 0) AS tokens, total(cost_usd) AS cost_usd, \
           MIN(created_at) AS started_at, MAX(created_at) AS last_at \
         FROM coach_messages m WHERE user_id = ? GROUP BY conversation_id ORDER BY last_at DESC",
    )
    .bind(user_id)
    .fetch_all(store.pool())
    .await?)
}

/// Tokens and cost of the coach in a calendar month (`YYYY-MM`, UTC).
#[derive(Debug, Clone, Copy, Default, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MonthUsage {
    pub tokens: i64,
    pub cost_usd: f64,
    pub answers: i64,
}

pub async fn month_usage(store: &Store, user_id: &str, month: &str) -> Result<MonthUsage> {
    let (tokens, cost_usd, answers): (i64, f64, i64) = sqlx::query_as(
        "SELECT COALESCE(SUM(tokens_used), 0), total(cost_usd), COUNT(*) FROM coach_messages \
         WHERE user_id = ? AND role = 'assistant' AND substr(created_at, 1, 7) = ?",
    )
    .bind(user_id)
    .bind(month)
    .fetch_one(store.pool())
    .await?;
    Ok(MonthUsage { tokens, cost_usd, answers })
}

#[derive(Debug, Clone, Default)]
pub struct AskOptions {
    /// Continue this conversation; a new one is started when unset.
    pub conversation_id: Option<String>,
    /// Answer from the data only, even with a provider configured.
    pub offline: bool,
    /// The moment "today" is taken from (tests pin it); now when unset.
    pub now: Option<DateTime<Utc>>,
}

struct Reply {
    text: String,
    provider: String,
    model: Option<String>,
    usage: Option<Usage>,
    cost_usd: f64,
}

/// Answers a question: stores it, builds the context, streams the answer
/// through `on_event` and stores it with what it was based on and what it cost.
pub async fn ask(
    store: &Store,
    profile: &Profile,
    provider: Option<&Provider>,
    question: &str,
    options: &AskOptions,
    cancel: &Cancel,
    on_event: &mut (dyn FnMut(CoachEvent) + Send),
) -> Result<Message> {
    let question = question.trim();
    if question.is_empty() {
        return Err(Error::invalid("the question is empty"));
    }
    let chars = question.chars().count();
    if chars > MAX_QUESTION_CHARS {
        return Err(Error::invalid(format!(
            "the question is {chars} characters long; the limit is {MAX_QUESTION_CHARS}"
        )));
    }
    let history = match &options.conversation_id {
        Some(id) => messages(store, &profile.id, id).await?,
        None => Vec::new(),
    };
    let conversation_id = options.conversation_id.clone().unwrap_or_else(crate::new_id);
    let provider = provider.filter(|_| !options.offline);
    let now = options.now.unwrap_or_else(crate::clock::now);

    insert_message(store, &profile.id, &conversation_id, "user", question, None, None, None, None, 0.0)
        .await?;
    on_event(CoachEvent::Started { conversation_id: conversation_id.clone(), offline: provider.is_none() });

    let retrieved = context::retrieve(store, profile, question, RETRIEVE_K).await?;
    let snap = context::snapshot(store, profile, now).await?;
    on_event(CoachEvent::Sources { sources: retrieved.clone() });
    let mut used =
        ContextUsed { retrieved: retrieved.clone(), stats: stats_used(&snap), ..ContextUsed::default() };

    let mut reply = None;
    if let Some(provider) = provider {
        match ask_provider(
            store, profile, provider, question, &history, &snap, &retrieved, cancel, on_event, &mut used,
        )
        .await
        {
            Ok(r) => reply = Some(r),
            Err(e) => used.provider_error = Some(e.to_string()),
        }
    }
    let reply = match reply {
        Some(r) => r,
        None => {
            used.offline = true;
            let text =
                offline::compose(store, profile, question, &snap, &retrieved, used.provider_error.as_deref())
                    .await?;
            on_event(CoachEvent::Delta { text: text.clone() });
            Reply { text, provider: "offline".into(), model: None, usage: None, cost_usd: 0.0 }
        }
    };
    let id = insert_message(
        store,
        &profile.id,
        &conversation_id,
        "assistant",
        &reply.text,
        Some(&used),
        Some(&reply.provider),
        reply.model.as_deref(),
        reply.usage,
        reply.cost_usd,
    )
    .await?;
    let message = messages(store, &profile.id, &conversation_id)
        .await?
        .into_iter()
        .find(|m| m.id == id)
        .ok_or_else(|| Error::not_found(format!("coach message {id}")))?;
    on_event(CoachEvent::Done(Box::new(message.clone())));
    Ok(message)
}

fn stats_used(s: &context::Snapshot) -> Vec<String> {
    let mut out = vec!["nutrition_today".to_string(), "nutrition_7d".into(), "nutrition_28d".into()];
    if s.load.is_some() {
        out.push("training_load".into());
    }
    if !s.recent_activities.is_empty() {
        out.push("recent_activities".into());
    }
    if s.weight.is_some() {
        out.push("weight_trend".into());
    }
    if s.program.is_some() {
        out.push("program_day".into());
    }
    out
}

/// Streams the provider's answer. `Err` means no answer came and the
/// offline coach should answer instead; an answer that broke off midway is
/// kept (with a note) and reported through an `error` event.
#[allow(clippy::too_many_arguments)]
async fn ask_provider(
    store: &Store,
    profile: &Profile,
    provider: &Provider,
    question: &str,
    history: &[Message],
    snap: &context::Snapshot,
    retrieved: &[Retrieved],
    cancel: &Cancel,
    on_event: &mut (dyn FnMut(CoachEvent) + Send),
    used: &mut ContextUsed,
) -> Result<Reply> {
    let kind = provider.config.kind;
    let limits = budget::Limits {
        requests_per_minute: provider.config.requests_per_minute,
        monthly_budget_usd: provider.config.monthly_budget_usd,
    };
    budget::admit(store, &profile.id, kind, limits, crate::clock::now()).await?;

    let mut system = format!("{SYSTEM_PROMPT}\n\n<data>\n{}</data>", context::describe(snap, retrieved));
    let mut turns: Vec<Turn> = Vec::new();
    for m in history {
        match m.role.as_str() {
            "user" => turns.push(Turn::user(m.content.clone())),
            "assistant" => turns.push(Turn::Assistant { text: m.content.clone() }),
            _ => system.push_str(&format!("\n\n{}", m.content)),
        }
    }
    turns.push(Turn::user(question));
    let window = trim::context_window(kind, &provider.config.model);
    let fitted = trim::fit(&system, &turns, window, ANSWER_TOKENS as usize);
    if let Some(summary) = &fitted.summary {
        system.push_str(&format!("\n\n{summary}"));
    }
    used.trimmed_messages = fitted.dropped as i64;

    let mut on_text = |t: &str| on_event(CoachEvent::Delta { text: t.to_string() });
    let streamed = provider.stream_chat(&system, &fitted.turns, ANSWER_TOKENS, cancel, &mut on_text).await?;
    let overrides = ai::price_overrides(store, &profile.id).await?;
    let cost_usd = prices::cost_usd(prices::price_for(&streamed.model, &overrides), streamed.usage);
    budget::record_spend(store, &profile.id, kind, cost_usd).await?;
    let mut text = streamed.text;
    if streamed.cancelled {
        used.stopped = true;
        text.push_str(" [stopped]");
    }
    if let Some(err) = streamed.interrupted {
        if text.is_empty() {
            return Err(err);
        }
        used.provider_error = Some(err.to_string());
        on_event(CoachEvent::Error { message: err.to_string() });
        text.push_str(&format!("\n\n[{err}]"));
    }
    Ok(Reply {
        text,
        provider: kind.as_str().into(),
        model: Some(streamed.model),
        usage: Some(streamed.usage),
        cost_usd,
    })
}

#[allow(clippy::too_many_arguments)]
async fn insert_message(
    store: &Store,
    user_id: &str,
    conversation_id: &str,
    role: &str,
    content: &str,
    used: Option<&ContextUsed>,
    provider: Option<&str>,
    model: Option<&str>,
    usage: Option<Usage>,
    cost_usd: f64,
) -> Result<String> {
    let id = crate::new_id();
    let used = used.map(|u| json!(u).to_string());
    sqlx::query(
        "INSERT INTO coach_messages (id, user_id, conversation_id, role, content, context_used, ai_provider, \
         ai_model, tokens_input, tokens_output, tokens_used, cost_usd, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(user_id)
    .bind(conversation_id)
    .bind(role)
    .bind(content)
    .bind(used)
    .bind(provider)
    .bind(model)
    .bind(usage.map(|u| u.input_tokens))
    .bind(usage.map(|u| u.output_tokens))
    .bind(usage.map(|u| u.total()))
    .bind(cost_usd)
    .bind(clock::now_db())
    .bind(clock::now_db())
    .execute(store.pool())
    .await?;
    Ok(id)
}
