//! Every AI call goes through here: one provider type over the two wire
//! formats that matter (Anthropic Messages and OpenAI-compatible chat, which
//! covers Groq, OpenRouter and local servers such as llama.cpp, Ollama or LM
//! Studio), with retries, prices, a monthly budget and per-provider request
//! limits. Keys come from the environment or the OS keyring (`keys`) and are
//! never stored in the database, logged or put in an error.

pub mod budget;
pub mod cli;
pub mod extract;
pub mod keys;
pub mod prices;
pub mod stream;
mod wire;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ProviderKind {
    Anthropic,
    Groq,
    Openrouter,
    /// Any OpenAI-compatible server, typically local (llama.cpp, Ollama, LM Studio).
    OpenaiCompatible,
}

impl ProviderKind {
    /// The value stored in `ai_provider` columns.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Anthropic => "anthropic",
            Self::Groq => "groq",
            Self::Openrouter => "openrouter",
            Self::OpenaiCompatible => "openai_compatible",
        }
    }

    pub fn default_base_url(self) -> &'static str {
        match self {
            Self::Anthropic => "https://api.anthropic.com/v1",
            Self::Groq => "https://api.groq.com/openai/v1",
            Self::Openrouter => "https://openrouter.ai/api/v1",
            Self::OpenaiCompatible => "http://127.0.0.1:8080/v1",
        }
    }

    /// The environment variable holding the key for headless use.
    pub fn key_env(self) -> &'static str {
        match self {
            Self::Anthropic => "ANTHROPIC_API_KEY",
            Self::Groq => "GROQ_API_KEY",
            Self::Openrouter => "OPENROUTER_API_KEY",
            Self::OpenaiCompatible => "WAGNER_LOCAL_API_KEY",
        }
    }

    fn wire(self) -> Wire {
        if self == Self::Anthropic { Wire::AnthropicMessages } else { Wire::OpenAiChat }
    }
}

impl std::str::FromStr for ProviderKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "anthropic" => Ok(Self::Anthropic),
            "groq" => Ok(Self::Groq),
            "openrouter" => Ok(Self::Openrouter),
            "openai_compatible" | "openai-compatible" | "local" => Ok(Self::OpenaiCompatible),
            other => Err(Error::invalid(format!(
                "unknown provider {other:?} (anthropic, groq, openrouter or openai_compatible)"
            ))),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wire {
    AnthropicMessages,
    OpenAiChat,
}

/// The user's choice of provider, kept in `users.settings.ai` (never the key).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProviderConfig {
    pub kind: ProviderKind,
    pub model: String,
    #[serde(default)]
    pub base_url: Option<String>,
    /// Model for voice notes on the transcription endpoint.
    #[serde(default)]
    pub transcription_model: Option<String>,
    #[serde(default)]
    pub monthly_budget_usd: Option<f64>,
    #[serde(default)]
    pub requests_per_minute: Option<i64>,
    /// Whether the model reads photos; unset means "Anthropic models do".
    #[serde(default)]
    pub vision: Option<bool>,
}

/// An API key that never shows itself in logs or errors.
#[derive(Clone)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: impl Into<String>) -> Self {
        ApiKey(key.into())
    }
    fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(***)")
    }
}

pub use crate::http::RetryPolicy;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Usage {
    pub input_tokens: i64,
    pub output_tokens: i64,
}

impl Usage {
    pub fn total(&self) -> i64 {
        self.input_tokens + self.output_tokens
    }
}

impl std::ops::Add for Usage {
    type Output = Usage;
    fn add(self, o: Usage) -> Usage {
        Usage {
            input_tokens: self.input_tokens + o.input_tokens,
            output_tokens: self.output_tokens + o.output_tokens,
        }
    }
}

/// An image sent with a request (a meal photo).
#[derive(Debug, Clone)]
pub struct ImageInput {
    pub media_type: String,
    pub bytes: Vec<u8>,
}

/// One JSON answer from a model, with what it cost in tokens.
#[derive(Debug, Clone)]
pub struct JsonCompletion {
    pub raw: String,
    pub usage: Usage,
    pub model: String,
}

/// A configured provider, ready to call.
#[derive(Debug, Clone)]
pub struct Provider {
    pub config: ProviderConfig,
    key: Option<ApiKey>,
    http: reqwest::Client,
    retry: RetryPolicy,
}

impl Provider {
    pub fn new(config: ProviderConfig, key: Option<ApiKey>) -> Result<Self> {
        Self::with_retry(config, key, RetryPolicy::default())
    }

    pub fn with_retry(config: ProviderConfig, key: Option<ApiKey>, retry: RetryPolicy) -> Result<Self> {
        if config.model.trim().is_empty() {
            return Err(Error::invalid("the AI provider needs a model name"));
        }
        if key.is_none() && config.kind != ProviderKind::OpenaiCompatible {
            return Err(Error::invalid(format!(
                "no API key for {}: set {} (or choose a local OpenAI-compatible server)",
                config.kind.as_str(),
                config.kind.key_env()
            )));
        }
        let http = reqwest::Client::builder()
            .timeout(retry.timeout)
            .user_agent(concat!("wagner-coach/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Ai {
                provider: config.kind.as_str().into(),
                message: e.to_string(),
                retryable: false,
            })?;
        Ok(Provider { config, key, http, retry })
    }

    pub fn supports_vision(&self) -> bool {
        self.config.vision.unwrap_or(self.config.kind == ProviderKind::Anthropic)
    }

    /// The key from the provider's environment variable, if set.
    pub fn key_from_env(kind: ProviderKind) -> Option<ApiKey> {
        std::env::var(kind.key_env()).ok().filter(|k| !k.trim().is_empty()).map(ApiKey::new)
    }

    pub fn base_url(&self) -> String {
        self.config
            .base_url
            .clone()
            .unwrap_or_else(|| self.config.kind.default_base_url().to_string())
            .trim_end_matches('/')
            .to_string()
    }

    fn error(&self, message: impl Into<String>, retryable: bool) -> Error {
        Error::Ai { provider: self.config.kind.as_str().into(), message: message.into(), retryable }
    }

    /// Asks for a JSON object that follows `schema` (tool use on Anthropic,
    /// `response_format: json_schema` on OpenAI-compatible servers).
    pub async fn complete_json(
        &self,
        system: &str,
        messages: &[wire::Turn],
        schema_name: &str,
        schema: &serde_json::Value,
        max_tokens: u32,
    ) -> Result<JsonCompletion> {
        match self.config.kind.wire() {
            Wire::AnthropicMessages => {
                wire::anthropic_json(self, system, messages, schema_name, schema, max_tokens).await
            }
            Wire::OpenAiChat => {
                wire::openai_json(self, system, messages, schema_name, schema, max_tokens).await
            }
        }
    }

    /// Voice to text through the OpenAI-compatible transcription endpoint (Whisper API).
    pub async fn transcribe(&self, audio: Vec<u8>, file_name: &str) -> Result<String> {
        if self.config.kind == ProviderKind::Anthropic {
            return Err(self.error(
                "Anthropic has no transcription endpoint: use Groq or a local server for voice notes",
                false,
            ));
        }
        let model =
            self.config.transcription_model.clone().unwrap_or_else(|| "whisper-large-v3-turbo".into());
        wire::openai_transcribe(self, audio, file_name, &model).await
    }
}

pub use stream::{Cancel, Streamed};
pub use wire::Turn;

/// The provider settings of a profile (`users.settings.ai`), if any.
pub async fn load_config(store: &crate::Store, user_id: &str) -> Result<Option<ProviderConfig>> {
    crate::profile::settings_section(store, user_id, "ai", "AI provider settings").await
}

/// Saves (or with `None`, removes) the provider settings. Keys are never stored here.
pub async fn save_config(store: &crate::Store, user_id: &str, config: Option<&ProviderConfig>) -> Result<()> {
    if let Some(c) = config {
        if let Some(url) = &c.base_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err(Error::invalid(format!("base URL {url:?} must start with http:// or https://")));
        }
        // Refused here, where the user can fix it, rather than when an entry is read.
        if c.model.trim().is_empty() {
            return Err(Error::invalid("the AI provider needs a model name"));
        }
        if let Some(budget) = c.monthly_budget_usd
            && !(budget.is_finite() && budget >= 0.0)
        {
            return Err(Error::invalid(format!("monthly budget {budget} must be 0 or more US dollars")));
        }
        if let Some(rpm) = c.requests_per_minute
            && rpm < 1
        {
            return Err(Error::invalid(format!("requests per minute {rpm} must be 1 or more")));
        }
    }
    crate::profile::save_settings_section(store, user_id, "ai", config).await
}

/// The user's price overrides (`users.settings.ai_prices`: model → price).
pub async fn price_overrides(
    store: &crate::Store,
    user_id: &str,
) -> Result<std::collections::HashMap<String, prices::Price>> {
    let raw: Option<String> =
        sqlx::query_scalar("SELECT json_extract(settings, '$.ai_prices') FROM users WHERE id = ?")
            .bind(user_id)
            .fetch_optional(store.pool())
            .await?
            .flatten();
    Ok(raw.and_then(|r| serde_json::from_str(&r).ok()).unwrap_or_default())
}

/// Replaces the user's price overrides (model → USD per million tokens).
/// Validated here so a typo cannot make every call free or absurdly dear.
pub async fn save_price_overrides(
    store: &crate::Store,
    user_id: &str,
    overrides: &std::collections::HashMap<String, prices::Price>,
) -> Result<()> {
    for (model, price) in overrides {
        prices::validate(model, *price)?;
    }
    let trimmed: std::collections::BTreeMap<&str, prices::Price> =
        overrides.iter().map(|(m, p)| (m.trim(), *p)).collect();
    let section = (!trimmed.is_empty()).then_some(&trimmed);
    crate::profile::save_settings_section(store, user_id, "ai_prices", section).await
}

/// The price table the Settings page edits: every built-in model and every
/// model the user priced, with the price in use.
pub async fn price_table(store: &crate::Store, user_id: &str) -> Result<Vec<prices::PriceRow>> {
    Ok(prices::table(&price_overrides(store, user_id).await?))
}

/// The provider to read entries with: configured and with a key (local
/// servers need none). `None` means offline, which always works.
pub async fn configured_provider(store: &crate::Store, user_id: &str) -> Result<Option<Provider>> {
    let Some(config) = load_config(store, user_id).await? else { return Ok(None) };
    let key = match keys::find(store, config.kind) {
        Ok(found) => found.map(|(key, _)| key),
        Err(err) => {
            tracing::warn!("the saved API key could not be read: {err}");
            None
        }
    };
    match Provider::new(config, key) {
        Ok(p) => Ok(Some(p)),
        Err(err) => {
            tracing::warn!("AI provider not used: {err}");
            Ok(None)
        }
    }
}

/// What the Settings page shows: the choice, whether its key is there (never
/// the key) and this month's spend.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AiStatus {
    pub config: Option<ProviderConfig>,
    pub key_env: Option<String>,
    pub key_present: bool,
    /// Where the key in use comes from (the environment overrides a saved key).
    pub key_source: Option<keys::KeySource>,
    /// Where a key saved from Settings is kept ("the OS keyring" or the file).
    pub key_store: String,
    pub month_spend_usd: f64,
    /// True when entries are read by a provider now, false when offline.
    pub active: bool,
}

pub async fn status(store: &crate::Store, user_id: &str) -> Result<AiStatus> {
    let config = load_config(store, user_id).await?;
    let key_source = match &config {
        Some(c) => keys::find(store, c.kind).unwrap_or_else(|err| {
            tracing::warn!("the saved API key could not be read: {err}");
            None
        }),
        None => None,
    }
    .map(|(_, source)| source);
    let key_present = key_source.is_some();
    let month = crate::clock::now().format("%Y-%m").to_string();
    let month_spend_usd: f64 = sqlx::query_scalar(
        "SELECT COALESCE(SUM(month_spend_usd), 0.0) FROM rate_limits WHERE user_id = ? AND operation = 'ai' AND month = ?",
    )
    .bind(user_id)
    .bind(month)
    .fetch_one(store.pool())
    .await?;
    let active = configured_provider(store, user_id).await?.is_some();
    Ok(AiStatus {
        key_env: config.as_ref().map(|c| c.kind.key_env().to_string()),
        key_present,
        key_source,
        key_store: keys::store_description(store),
        config,
        month_spend_usd,
        active,
    })
}
