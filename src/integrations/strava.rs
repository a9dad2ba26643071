//! Strava: OAuth2 with a loopback redirect (the user's own API application),
//! token refresh, paginated activity sync with streams and laps stored through
//! the same path as imported files, Strava's request limits kept in
//! `rate_limits`, and webhook events stored raw and applied once.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use reqwest::header::HeaderMap;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::secrets::{Secret, Secrets};
use crate::activities::import::{
    self, ImportStatus, Origin, ParsedActivity, ParsedSegment, SegmentKind, Streams, Summary,
};
use crate::activities::metrics::Thresholds;
use crate::activities::{ActivitySource, ActivityType};
use crate::clock;
use crate::error::{Error, Result};
use crate::http::{self, RetryPolicy};
use crate::profile::{self, Profile};
use crate::store::Store;

pub const PROVIDER: &str = "strava";
pub const DEFAULT_API_BASE: &str = "https://www.strava.com/api/v3";
pub const DEFAULT_OAUTH_BASE: &str = "https://www.strava.com/oauth";
pub const SCOPE: &str = "activity:read_all";
/// Environment variable that supplies (and overrides) the client secret.
pub const CLIENT_SECRET_ENV: &str = "STRAVA_CLIENT_SECRET";
const STREAM_KEYS: &str = "time,distance,heartrate,watts,cadence,altitude,latlng,velocity_smooth,temp";
/// Strava's default read limits: 100 requests per 15 minutes, 1,000 per day.
const WINDOWS: [(i64, i64, &str); 2] = [(900, 100, "15-minute"), (86_400, 1_000, "daily")];
const RATE_OPERATION: &str = "api";
/// Tokens this close to expiry are renewed before use.
const REFRESH_MARGIN_SECONDS: i64 = 300;

/// Strava's answers may echo the client secret or a token: redacted before
/// the message is stored, logged or printed.
fn strava_error(message: impl Into<String>) -> Error {
    let secret = std::env::var(CLIENT_SECRET_ENV).unwrap_or_default();
    Error::Integration {
        provider: "Strava".into(),
        message: crate::text::redact(&message.into(), &[&secret]),
    }
}

/// Strava no longer (or not yet) accepts this app: connecting again fixes it.
/// Redacted like [`strava_error`].
fn strava_disconnected(message: impl Into<String>) -> Error {
    let secret = std::env::var(CLIENT_SECRET_ENV).unwrap_or_default();
    Error::NotConnected {
        provider: "Strava".into(),
        message: crate::text::redact(&message.into(), &[&secret]),
    }
}

/// The user's Strava API application, kept in `users.settings.strava` (no secret).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StravaSettings {
    pub client_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_base_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oauth_base_url: Option<String>,
    /// Activities per list page (Strava allows up to 200).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_page: Option<u32>,
}

impl StravaSettings {
    pub fn new(client_id: impl Into<String>) -> Self {
        StravaSettings {
            client_id: client_id.into(),
            api_base_url: None,
            oauth_base_url: None,
            per_page: None,
        }
    }
    fn api_base(&self) -> String {
        self.api_base_url.as_deref().unwrap_or(DEFAULT_API_BASE).trim_end_matches('/').to_string()
    }
    fn oauth_base(&self) -> String {
        self.oauth_base_url.as_deref().unwrap_or(DEFAULT_OAUTH_BASE).trim_end_matches('/').to_string()
    }
}

pub async fn load_settings(store: &Store, user_id: &str) -> Result<Option<StravaSettings>> {
    crate::profile::settings_section(store, user_id, "strava", "Strava settings").await
}

pub async fn save_settings(store: &Store, user_id: &str, settings: &StravaSettings) -> Result<()> {
    if settings.client_id.trim().is_empty() || !settings.client_id.trim().chars().all(|c| c.is_ascii_digit())
    {
        return Err(Error::invalid("the Strava client id is the number shown on strava.com/settings/api"));
    }
    for url in [&settings.api_base_url, &settings.oauth_base_url].into_iter().flatten() {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(Error::invalid(format!("base URL {url:?} must start with http:// or https://")));
        }
    }
    crate::profile::save_settings_section(store, user_id, "strava", Some(settings)).await
}

pub(crate) fn client_secret_name(user_id: &str) -> String {
    format!("strava.client_secret.{user_id}")
}
pub(crate) fn tokens_name(user_id: &str) -> String {
    format!("strava.tokens.{user_id}")
}

/// Keeps the client secret in the secret store (for the Settings page).
pub fn save_client_secret(secrets: &Secrets, user_id: &str, secret: &str) -> Result<()> {
    if secret.trim().is_empty() {
        return Err(Error::invalid("the Strava client secret is empty"));
    }
    secrets.set(&client_secret_name(user_id), secret.trim())
}

#[derive(Clone, Serialize, Deserialize)]
struct Tokens {
    access_token: String,
    refresh_token: String,
    expires_at: i64,
}

/// Strava's token endpoint answer (exchange and refresh; `athlete` only on exchange).
#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    refresh_token: String,
    expires_at: i64,
    #[serde(default)]
    athlete: Option<Athlete>,
}

#[derive(Debug, Clone, Deserialize)]
struct Athlete {
    id: i64,
    #[serde(default)]
    firstname: Option<String>,
    #[serde(default)]
    lastname: Option<String>,
}

/// The human part of a Strava Fault (`{"message", "errors": [{resource, field, code}]}`).
fn fault_message(body: &str) -> String {
    let Ok(v) = serde_json::from_str::<Value>(body) else {
        return body.chars().take(200).collect();
    };
    let message = v.get("message").and_then(Value::as_str).unwrap_or("error").to_string();
    let details: Vec<String> = v
        .get("errors")
        .and_then(Value::as_array)
        .map(|errs| {
            errs.iter()
                .map(|e| {
                    ["resource", "field", "code"]
                        .iter()
                        .filter_map(|k| e.get(*k).and_then(Value::as_str))
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    if details.is_empty() { message } else { format!("{message} ({})", details.join("; ")) }
}

/// A successful authorization.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Connection {
    pub athlete_id: String,
    pub athlete_name: String,
    pub scopes: Vec<String>,
    pub token_expires_at: String,
}

/// An authorization under way: open `authorize_url`, then [`Strava::finish_connect`].
#[derive(Debug)]
pub struct PendingConnect {
    pub authorize_url: String,
    pub redirect_uri: String,
    state: String,
    listener: TcpListener,
}

/// One activity seen by a sync or a webhook.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SyncItem {
    pub strava_id: String,
    pub name: String,
    pub start_date: String,
    pub status: ImportStatus,
    /// The local activity, when this sync stored it.
    pub activity_id: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StravaSyncReport {
    pub imported: u32,
    pub duplicates: u32,
    pub requests: u32,
    /// Set when Strava's request limit stopped the sync: what happened and when to retry.
    pub stopped: Option<String>,
    pub last_sync_at: Option<String>,
}

/// What a webhook event did.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum WebhookOutcome {
    Imported {
        item: SyncItem,
    },
    Updated {
        activity_id: String,
    },
    Deleted {
        count: u32,
    },
    Disconnected,
    Ignored {
        reason: String,
    },
    /// The same event was handled before: nothing done.
    AlreadyProcessed,
}

enum Got {
    Json(Value),
    NotFound,
}

/// A Strava client for one profile.
pub struct Strava {
    store: Store,
    profile: Profile,
    settings: StravaSettings,
    secrets: Secrets,
    http: reqwest::Client,
    retry: RetryPolicy,
    tokens: Option<Tokens>,
    requests: u32,
}

impl Strava {
    /// Needs the user's client id in `users.settings.strava`.
    pub async fn new(store: &Store, profile: &Profile, secrets: Secrets) -> Result<Self> {
        let settings = load_settings(store, &profile.id).await?.ok_or_else(|| {
            strava_disconnected(
                "Strava is not set up: it needs the client id and secret of an API application \
                 (created at strava.com/settings/api)",
            )
        })?;
        Self::with_retry(store, profile, settings, secrets, RetryPolicy::default())
    }

    pub fn with_retry(
        store: &Store,
        profile: &Profile,
        settings: StravaSettings,
        secrets: Secrets,
        retry: RetryPolicy,
    ) -> Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(retry.timeout)
            .user_agent(concat!("wagner-coach/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| strava_error(e.to_string()))?;
        Ok(Strava {
            store: store.clone(),
            profile: profile.clone(),
            settings,
            secrets,
            http,
            retry,
            tokens: None,
            requests: 0,
        })
    }

    fn client_secret(&self) -> Result<Secret> {
        if let Some(s) = std::env::var(CLIENT_SECRET_ENV).ok().filter(|s| !s.trim().is_empty()) {
            return Ok(Secret::new(s.trim()));
        }
        self.secrets.get(&client_secret_name(&self.profile.id))?.ok_or_else(|| {
            Error::invalid(format!(
                "no Strava client secret: set {CLIENT_SECRET_ENV} (from strava.com/settings/api) or save it in Settings"
            ))
        })
    }

    // ---- OAuth -------------------------------------------------------------

    /// Listens on 127.0.0.1:`port` (0 = any free port) and builds the URL to open.
    pub async fn begin_connect(&self, port: u16) -> Result<PendingConnect> {
        // Fail now, not after the browser round trip.
        self.client_secret()?;
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .map_err(|e| Error::io(format!("listening on 127.0.0.1:{port} for Strava's redirect"), e))?;
        let port = listener.local_addr().map_err(|e| Error::io("reading the listening port", e))?.port();
        let redirect_uri = format!("http://127.0.0.1:{port}/callback");
        let state = format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple());
        let authorize_url = reqwest::Url::parse_with_params(
            &format!("{}/authorize", self.settings.oauth_base()),
            [
                ("client_id", self.settings.client_id.as_str()),
                ("redirect_uri", redirect_uri.as_str()),
                ("response_type", "code"),
                ("approval_prompt", "auto"),
                ("scope", SCOPE),
                ("state", state.as_str()),
            ],
        )
        .map_err(|e| Error::invalid(format!("the Strava OAuth URL: {e}")))?
        .to_string();
        Ok(PendingConnect { authorize_url, redirect_uri, state, listener })
    }

    /// Waits for the browser's redirect, exchanges the code, keeps the tokens
    /// in the secret store and records the connection. A request with another
    /// `state` is refused and waiting goes on.
    pub async fn finish_connect(&mut self, pending: PendingConnect, wait: Duration) -> Result<Connection> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let accepted =
                tokio::time::timeout_at(deadline, pending.listener.accept()).await.map_err(|_| {
                    Error::invalid(format!(
                        "no answer from the browser within {} s: Strava was not connected",
                        wait.as_secs()
                    ))
                })?;
            let Ok((mut socket, _)) = accepted else { continue };
            let Some(target) = read_request_target(&mut socket).await else { continue };
            let Ok(url) = reqwest::Url::parse(&format!("http://127.0.0.1{target}")) else {
                respond(&mut socket, 400, "That address is not Wagner Coach's Strava callback.").await;
                continue;
            };
            if url.path() != "/callback" {
                respond(&mut socket, 404, "Not found.").await;
                continue;
            }
            let param = |k: &str| url.query_pairs().find(|(key, _)| key == k).map(|(_, v)| v.into_owned());
            if param("state").as_deref() != Some(pending.state.as_str()) {
                respond(&mut socket, 400, "This sign-in did not start from Wagner Coach, so it was ignored.")
                    .await;
                continue;
            }
            if let Some(error) = param("error") {
                respond(&mut socket, 200, "Strava access was not granted. You can close this tab.").await;
                return Err(Error::invalid(format!("Strava did not grant access ({error})")));
            }
            let Some(code) = param("code") else {
                respond(&mut socket, 400, "Strava's answer had no authorization code.").await;
                continue;
            };
            let scopes: Vec<String> = param("scope")
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            if !scopes.iter().any(|s| s == "activity:read_all" || s == "activity:read") {
                respond(
                    &mut socket,
                    200,
                    "Wagner Coach needs to view your activities. Please connect again.",
                )
                .await;
                return Err(Error::invalid(
                    "Strava was connected without access to activities: connect again and leave \
                     \"View data about your activities\" ticked",
                ));
            }
            return match self.exchange_code(&code, &scopes).await {
                Ok(connection) => {
                    let page = format!(
                        "Connected to Strava as {}. You can close this tab.",
                        html_escape(&connection.athlete_name)
                    );
                    respond(&mut socket, 200, &page).await;
                    Ok(connection)
                }
                Err(e) => {
                    respond(&mut socket, 502, "Strava did not accept the authorization. See the terminal.")
                        .await;
                    Err(e)
                }
            };
        }
    }

    async fn exchange_code(&mut self, code: &str, scopes: &[String]) -> Result<Connection> {
        let secret = self.client_secret()?;
        let form = [
            ("client_id", self.settings.client_id.as_str()),
            ("client_secret", secret.expose()),
            ("code", code),
            ("grant_type", "authorization_code"),
        ];
        let reply = self.token_request(&form).await?;
        if !reply.is_success() {
            return Err(strava_error(format!(
                "the authorization code was refused (HTTP {}: {})",
                reply.status,
                fault_message(&reply.body)
            )));
        }
        let answer: TokenResponse = serde_json::from_str(&reply.body).map_err(token_answer_error)?;
        let athlete =
            answer.athlete.clone().ok_or_else(|| strava_error("the token answer named no athlete"))?;
        // The secret from the environment is kept so later syncs can renew tokens.
        save_client_secret(&self.secrets, &self.profile.id, secret.expose())?;
        self.save_tokens(&answer)?;
        let expires = epoch(answer.expires_at)?;
        let athlete_id = athlete.id.to_string();
        super::save_connected(&self.store, &self.profile.id, PROVIDER, &athlete_id, scopes, expires).await?;
        let athlete_name = [athlete.firstname, athlete.lastname]
            .into_iter()
            .flatten()
            .filter(|s| !s.trim().is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        Ok(Connection {
            athlete_id,
            athlete_name,
            scopes: scopes.to_vec(),
            token_expires_at: clock::to_db(expires),
        })
    }

    async fn token_request(&self, form: &[(&str, &str)]) -> Result<http::Reply> {
        let url = format!("{}/token", self.settings.oauth_base());
        http::send(&self.retry, "Strava", |s| s >= 500, || self.http.post(&url).form(form))
            .await
            .map_err(|f| strava_error(f.message))
    }

    fn save_tokens(&mut self, answer: &TokenResponse) -> Result<()> {
        let tokens = Tokens {
            access_token: answer.access_token.clone(),
            refresh_token: answer.refresh_token.clone(),
            expires_at: answer.expires_at,
        };
        let json = serde_json::to_string(&tokens).map_err(|e| strava_error(e.to_string()))?;
        self.secrets.set(&tokens_name(&self.profile.id), &json)?;
        self.tokens = Some(tokens);
        Ok(())
    }

    fn load_tokens(&mut self) -> Result<Tokens> {
        if let Some(t) = &self.tokens {
            return Ok(t.clone());
        }
        let raw = self.secrets.get(&tokens_name(&self.profile.id))?.ok_or_else(|| {
            strava_disconnected(format!(
                "not connected to Strava: no Strava tokens in {}",
                self.secrets.describe()
            ))
        })?;
        let tokens: Tokens = serde_json::from_str(raw.expose()).map_err(|_| Error::Corrupt {
            what: format!("the Strava tokens in {}", self.secrets.describe()),
            detail: "not the expected JSON".into(),
        })?;
        self.tokens = Some(tokens.clone());
        Ok(tokens)
    }

    async fn refresh(&mut self) -> Result<()> {
        let tokens = self.load_tokens()?;
        let secret = self.client_secret()?;
        let form = [
            ("client_id", self.settings.client_id.as_str()),
            ("client_secret", secret.expose()),
            ("grant_type", "refresh_token"),
            ("refresh_token", tokens.refresh_token.as_str()),
        ];
        let reply = self.token_request(&form).await?;
        if !reply.is_success() {
            let message = format!(
                "Strava refused to renew access (HTTP {}: {})",
                reply.status,
                fault_message(&reply.body)
            );
            if (400..500).contains(&reply.status) {
                super::set_status(&self.store, &self.profile.id, PROVIDER, "expired", Some(&message)).await?;
                return Err(strava_disconnected(message));
            }
            return Err(strava_error(message));
        }
        let answer: TokenResponse = serde_json::from_str(&reply.body).map_err(token_answer_error)?;
        self.save_tokens(&answer)?;
        sqlx::query("UPDATE integrations SET token_expires_at = ? WHERE user_id = ? AND provider = ?")
            .bind(clock::to_db(epoch(answer.expires_at)?))
            .bind(&self.profile.id)
            .bind(PROVIDER)
            .execute(self.store.pool())
            .await?;
        Ok(())
    }

    /// A token valid for a while yet, renewed first when close to expiry.
    async fn access_token(&mut self) -> Result<Secret> {
        let tokens = self.load_tokens()?;
        if tokens.expires_at - crate::clock::now().timestamp() < REFRESH_MARGIN_SECONDS {
            self.refresh().await?;
        }
        Ok(Secret::new(self.load_tokens()?.access_token))
    }

    // ---- API ---------------------------------------------------------------

    /// GET with the bearer token: renews it once on a 401, counts the request
    /// against Strava's limits and stops on a 429.
    async fn get(&mut self, path: &str, query: &[(&str, String)]) -> Result<Got> {
        let url = format!("{}{path}", self.settings.api_base());
        let mut renewed = false;
        loop {
            let now = crate::clock::now();
            admit(&self.store, &self.profile, now).await?;
            let token = self.access_token().await?;
            self.requests += 1;
            let reply = http::send(
                &self.retry,
                "Strava",
                |s| s >= 500,
                || self.http.get(&url).query(query).bearer_auth(token.expose()),
            )
            .await
            .map_err(|f| strava_error(f.message))?;
            observe(&self.store, &self.profile.id, &reply.headers, now).await?;
            match reply.status {
                200..=299 => {
                    return serde_json::from_str(&reply.body)
                        .map(Got::Json)
                        .map_err(|e| strava_error(format!("{path} answered with invalid JSON: {e}")));
                }
                401 if !renewed => {
                    renewed = true;
                    self.refresh().await?;
                }
                401 => {
                    let message =
                        format!("Strava no longer accepts this connection ({})", fault_message(&reply.body));
                    super::set_status(&self.store, &self.profile.id, PROVIDER, "expired", Some(&message))
                        .await?;
                    return Err(strava_disconnected(message));
                }
                404 => return Ok(Got::NotFound),
                429 => return Err(Error::RateLimited(limit_message(&reply.headers, now, &self.profile))),
                status => {
                    return Err(strava_error(format!(
                        "{path}: HTTP {status}: {}",
                        fault_message(&reply.body)
                    )));
                }
            }
        }
    }

    /// Imports activities that started after the last synced one, oldest
    /// first, calling `progress` for each. Strava's request limit ends the
    /// sync early with `stopped` set; everything imported until then is kept.
    pub async fn sync(&mut self, mut progress: impl FnMut(&SyncItem)) -> Result<StravaSyncReport> {
        let integration = super::get(&self.store, &self.profile.id, PROVIDER).await?;
        let integration = match integration {
            Some(i) if i.status == "connected" => i,
            Some(i) => {
                return Err(strava_disconnected(format!("the Strava connection is {}", i.status)));
            }
            None => return Err(strava_disconnected("not connected to Strava")),
        };
        let after = integration.settings.get("sync_after").and_then(Value::as_i64).unwrap_or(0);
        let per_page = self.settings.per_page.unwrap_or(100).clamp(1, 200);
        let thresholds = import::thresholds(&self.store, &self.profile.id).await?;
        let mut report = StravaSyncReport::default();
        let mut cursor = after;
        let outcome: Result<()> = async {
            for page in 1.. {
                let query = [
                    ("after", after.to_string()),
                    ("page", page.to_string()),
                    ("per_page", per_page.to_string()),
                ];
                let list = match self.get("/athlete/activities", &query).await? {
                    Got::Json(Value::Array(list)) => list,
                    Got::Json(_) => return Err(strava_error("the activity list is not a list")),
                    Got::NotFound => return Err(strava_error("the activity list was not found")),
                };
                for summary in &list {
                    let item = self.import_one(summary, &thresholds).await?;
                    match item.status {
                        ImportStatus::Duplicate { .. } => report.duplicates += 1,
                        _ => report.imported += 1,
                    }
                    progress(&item);
                    // With `after`, Strava lists oldest first: the cursor only moves forward.
                    let start = clock::from_db(&item.start_date)?.timestamp();
                    if start > cursor {
                        cursor = start;
                        super::set_setting(
                            &self.store,
                            &self.profile.id,
                            PROVIDER,
                            "sync_after",
                            json!(cursor),
                        )
                        .await?;
                    }
                }
                if list.len() < per_page as usize {
                    break;
                }
            }
            Ok(())
        }
        .await;
        report.requests = self.requests;
        match outcome {
            Ok(()) => {}
            Err(Error::RateLimited(message)) => report.stopped = Some(message),
            Err(e) => {
                // Keeps a status set on the way (expired) and says what went wrong.
                sqlx::query("UPDATE integrations SET error_message = ? WHERE user_id = ? AND provider = ?")
                    .bind(e.to_string())
                    .bind(&self.profile.id)
                    .bind(PROVIDER)
                    .execute(self.store.pool())
                    .await?;
                return Err(e);
            }
        }
        let now = clock::to_db(crate::clock::now());
        sqlx::query(
            "UPDATE integrations SET last_sync_at = ?, error_message = ? WHERE user_id = ? AND provider = ?",
        )
        .bind(&now)
        .bind(&report.stopped)
        .bind(&self.profile.id)
        .bind(PROVIDER)
        .execute(self.store.pool())
        .await?;
        report.last_sync_at = Some(now);
        Ok(report)
    }

    /// One SummaryActivity or DetailedActivity: skipped when already stored,
    /// else its streams and laps are fetched and it is stored like a file.
    async fn import_one(&mut self, a: &Value, thresholds: &Thresholds) -> Result<SyncItem> {
        let head = Head::from_json(a)?;
        let mut item = SyncItem {
            strava_id: head.id.clone(),
            name: head.name.clone().unwrap_or_default(),
            start_date: clock::to_db(head.start),
            status: ImportStatus::Imported,
            activity_id: None,
        };
        if let Some(dup) = import::find_existing(
            &self.store,
            &self.profile.id,
            ActivitySource::Strava,
            Some(&head.id),
            head.start,
            head.activity_type,
        )
        .await?
        {
            item.status = dup;
            return Ok(item);
        }
        let id = head.id.clone();
        let streams = match self
            .get(
                &format!("/activities/{id}/streams"),
                &[("keys", STREAM_KEYS.into()), ("key_by_type", "true".into())],
            )
            .await?
        {
            Got::Json(v) => streams_from_json(&v),
            Got::NotFound => Streams::default(),
        };
        let laps = match self.get(&format!("/activities/{id}/laps"), &[]).await? {
            Got::Json(Value::Array(laps)) => laps.iter().map(lap_from_json).collect(),
            _ => Vec::new(),
        };
        let mut activity = ParsedActivity {
            format: "strava",
            name: head.name.clone(),
            activity_type: head.activity_type,
            start: head.start,
            summary: summary_from_json(a),
            segments: laps,
            streams,
            partial: None,
            creator: a.get("device_name").and_then(Value::as_str).map(str::to_string),
        };
        let label = format!("Strava activity {}", head.id);
        activity.trim_stray_times(&label);
        activity.finish(thresholds);
        let origin = Origin {
            source: Some(ActivitySource::Strava),
            external_id: Some(head.id.clone()),
            name: head.name.clone(),
            activity_type: Some(head.activity_type),
            description: a.get("description").and_then(Value::as_str).map(str::to_string),
        };
        let (status, stored) =
            import::store_activity(&self.store, &self.profile, activity, None, &origin, &label).await?;
        item.status = status;
        if let Some(s) = stored {
            item.name = s.name;
            item.activity_id = Some(s.id);
        }
        Ok(item)
    }
}

// ---- mapping Strava's JSON ---------------------------------------------------

struct Head {
    id: String,
    name: Option<String>,
    start: DateTime<Utc>,
    activity_type: ActivityType,
}

impl Head {
    fn from_json(a: &Value) -> Result<Head> {
        let id = match a.get("id") {
            Some(Value::Number(n)) => n.to_string(),
            Some(Value::String(s)) if !s.is_empty() => s.clone(),
            _ => return Err(strava_error("an activity without an id")),
        };
        let start = a
            .get("start_date")
            .and_then(Value::as_str)
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
            .map(|d| d.with_timezone(&Utc))
            .ok_or_else(|| strava_error(format!("activity {id} has no valid start_date")))?;
        let sport = a.get("sport_type").or_else(|| a.get("type")).and_then(Value::as_str).unwrap_or("");
        Ok(Head {
            name: a.get("name").and_then(Value::as_str).map(str::to_string),
            activity_type: sport_type(sport),
            start,
            id,
        })
    }
}

/// Strava's SportType (API spelling) to ours.
pub fn sport_type(t: &str) -> ActivityType {
    use ActivityType::*;
    match t {
        "Run" | "TrailRun" | "VirtualRun" => Run,
        "Ride" | "VirtualRide" | "EBikeRide" | "EMountainBikeRide" | "MountainBikeRide" | "GravelRide"
        | "Handcycle" | "Velomobile" => Ride,
        "Swim" => Swim,
        "Walk" => Walk,
        "Hike" | "Snowshoe" => Hike,
        "WeightTraining" => Strength,
        "Yoga" | "Pilates" => Yoga,
        "Rowing" | "VirtualRow" | "Kayaking" | "Canoeing" | "StandUpPaddling" => Rowing,
        "Elliptical" | "StairStepper" => Elliptical,
        "Workout" | "Crossfit" | "HighIntensityIntervalTraining" => Cardio,
        "Soccer" | "Tennis" | "Badminton" | "Pickleball" | "Squash" | "TableTennis" | "Racquetball"
        | "Golf" | "RockClimbing" => Sport,
        _ => Other,
    }
}

fn num(v: &Value, key: &str) -> Option<f64> {
    v.get(key).and_then(Value::as_f64).filter(|x| x.is_finite())
}

fn summary_from_json(a: &Value) -> Summary {
    Summary {
        elapsed_s: num(a, "elapsed_time"),
        moving_s: num(a, "moving_time"),
        distance_m: num(a, "distance"),
        elevation_gain_m: num(a, "total_elevation_gain"),
        calories: num(a, "calories").filter(|c| *c > 0.0),
        average_heartrate: num(a, "average_heartrate"),
        max_heartrate: num(a, "max_heartrate"),
        average_power_w: num(a, "average_watts"),
        max_power_w: num(a, "max_watts"),
        normalized_power_w: num(a, "weighted_average_watts"),
        average_cadence: num(a, "average_cadence"),
        average_speed_mps: num(a, "average_speed"),
        max_speed_mps: num(a, "max_speed"),
        ..Summary::default()
    }
}

fn lap_from_json(l: &Value) -> ParsedSegment {
    let mut seg = ParsedSegment::new(SegmentKind::Lap);
    seg.start = l
        .get("start_date")
        .and_then(Value::as_str)
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|d| d.with_timezone(&Utc));
    seg.elapsed_s = num(l, "elapsed_time");
    seg.moving_s = num(l, "moving_time");
    seg.distance_m = num(l, "distance");
    seg.average_heartrate = num(l, "average_heartrate");
    seg.max_heartrate = num(l, "max_heartrate");
    seg.average_power_w = num(l, "average_watts");
    seg.average_cadence = num(l, "average_cadence");
    seg.average_speed_mps = num(l, "average_speed");
    seg.elevation_gain_m = num(l, "total_elevation_gain");
    seg
}

/// Streams keyed by type (`{"time": {"data": [...], ...}, ...}`), or the
/// list form Strava sends without `key_by_type`, to our per-channel arrays.
fn streams_from_json(v: &Value) -> Streams {
    let channel = |key: &str| -> Option<&Vec<Value>> {
        match v {
            Value::Object(map) => map.get(key),
            Value::Array(list) => list.iter().find(|s| s.get("type").and_then(Value::as_str) == Some(key)),
            _ => None,
        }
        .and_then(|s| s.get("data"))
        .and_then(Value::as_array)
    };
    let Some(time) = channel("time") else { return Streams::default() };
    let n = time.len();
    let scalar = |key: &str| -> Vec<f64> {
        let mut out: Vec<f64> = channel(key)
            .map(|d| d.iter().take(n).map(|x| x.as_f64().unwrap_or(f64::NAN)).collect())
            .unwrap_or_default();
        out.resize(n, f64::NAN);
        out
    };
    let mut latlng: Vec<[f64; 2]> = channel("latlng")
        .map(|d| {
            d.iter()
                .take(n)
                .map(|p| {
                    match p
                        .as_array()
                        .map(|a| (a.first().and_then(Value::as_f64), a.get(1).and_then(Value::as_f64)))
                    {
                        Some((Some(lat), Some(lng))) => [lat, lng],
                        _ => [f64::NAN, f64::NAN],
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    latlng.resize(n, [f64::NAN, f64::NAN]);
    Streams {
        time: scalar("time"),
        distance: scalar("distance"),
        heartrate: scalar("heartrate"),
        power: scalar("watts"),
        cadence: scalar("cadence"),
        altitude: scalar("altitude"),
        speed: scalar("velocity_smooth"),
        temperature: scalar("temp"),
        latlng,
    }
}

/// serde's message can quote a value, which here could be a token: say only where.
fn token_answer_error(e: serde_json::Error) -> Error {
    strava_error(format!("unexpected token answer (line {}, column {})", e.line(), e.column()))
}

fn epoch(seconds: i64) -> Result<DateTime<Utc>> {
    Utc.timestamp_opt(seconds, 0).single().ok_or_else(|| strava_error(format!("invalid time {seconds}")))
}

// ---- request limits ------------------------------------------------------------

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
async fn admit(store: &Store, profile: &Profile, now: DateTime<Utc>) -> Result<()> {
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

async fn observe(store: &Store, user_id: &str, headers: &HeaderMap, now: DateTime<Utc>) -> Result<()> {
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
fn limit_message(headers: &HeaderMap, now: DateTime<Utc>, profile: &Profile) -> String {
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

// ---- loopback redirect ---------------------------------------------------------

/// The request target of one HTTP request (`/callback?code=…`), if it is a GET.
async fn read_request_target(socket: &mut tokio::net::TcpStream) -> Option<String> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    let read = async {
        while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 16 * 1024 {
            let n = socket.read(&mut chunk).await.ok()?;
            if n == 0 {
                break;
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        Some(())
    };
    tokio::time::timeout(Duration::from_secs(10), read).await.ok()??;
    let head = String::from_utf8_lossy(&buf);
    let mut parts = head.lines().next()?.split_whitespace();
    if parts.next()? != "GET" {
        return None;
    }
    parts.next().map(str::to_string)
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

async fn respond(socket: &mut tokio::net::TcpStream, status: u16, message: &str) {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        _ => "Bad Gateway",
    };
    let body = format!(
        "<!doctype html><meta charset=\"utf-8\"><title>Wagner Coach</title><p>{}</p>",
        html_escape(message)
    );
    let response = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Connection: close\r\nCache-Control: no-store\r\n\r\n{body}",
        body.len()
    );
    let _ = socket.write_all(response.as_bytes()).await;
    let _ = socket.shutdown().await;
}

// ---- webhooks --------------------------------------------------------------------

#[derive(Debug, Deserialize)]
struct Event {
    aspect_type: String,
    event_time: i64,
    object_id: i64,
    object_type: String,
    owner_id: i64,
    subscription_id: i64,
    #[serde(default)]
    updates: Value,
}

/// Stores a raw Strava webhook payload, then applies it unless the same event
/// (subscription, object, aspect and time) was applied before. A failure is
/// recorded on the event and it is applied again when delivered again.
pub async fn receive_webhook(store: &Store, secrets: Secrets, raw: &str) -> Result<WebhookOutcome> {
    let event: Event =
        serde_json::from_str(raw).map_err(|e| Error::invalid(format!("not a Strava webhook event: {e}")))?;
    let key = format!(
        "{}:{}:{}:{}:{}",
        event.subscription_id, event.object_type, event.object_id, event.aspect_type, event.event_time
    );
    let user_id: Option<String> = sqlx::query_scalar(
        "SELECT user_id FROM integrations WHERE provider = 'strava' AND external_account_id = ?",
    )
    .bind(event.owner_id.to_string())
    .fetch_optional(store.pool())
    .await?;
    let payload: Value = serde_json::from_str(raw).map_err(|e| Error::invalid(e.to_string()))?;
    sqlx::query(
        "INSERT INTO webhook_events (id, user_id, provider, event_type, idempotency_key, payload) \
         VALUES (?, ?, 'strava', ?, ?, ?) ON CONFLICT (provider, idempotency_key) DO NOTHING",
    )
    .bind(crate::new_id())
    .bind(&user_id)
    .bind(format!("{}.{}", event.object_type, event.aspect_type))
    .bind(&key)
    .bind(payload.to_string())
    .execute(store.pool())
    .await?;
    // Claimed atomically so two deliveries of one event cannot both apply it.
    let claimed = sqlx::query(
        "UPDATE webhook_events SET status = 'processing', attempts = attempts + 1 \
         WHERE provider = 'strava' AND idempotency_key = ? AND status IN ('received', 'failed')",
    )
    .bind(&key)
    .execute(store.pool())
    .await?;
    if claimed.rows_affected() == 0 {
        return Ok(WebhookOutcome::AlreadyProcessed);
    }
    let outcome = match &user_id {
        None => Ok(WebhookOutcome::Ignored {
            reason: format!("no profile is connected to athlete {}", event.owner_id),
        }),
        Some(user_id) => apply(store, secrets, user_id, &event).await,
    };
    let (status, error) = match &outcome {
        Ok(WebhookOutcome::Ignored { reason }) => ("ignored", Some(reason.clone())),
        Ok(_) => ("processed", None),
        Err(e) => ("failed", Some(e.to_string())),
    };
    sqlx::query(
        "UPDATE webhook_events SET status = ?, error_message = ?, processed_at = ? \
         WHERE provider = 'strava' AND idempotency_key = ?",
    )
    .bind(status)
    .bind(error)
    .bind((status != "failed").then(|| clock::to_db(crate::clock::now())))
    .bind(&key)
    .execute(store.pool())
    .await?;
    outcome
}

async fn apply(store: &Store, secrets: Secrets, user_id: &str, event: &Event) -> Result<WebhookOutcome> {
    let object_id = event.object_id.to_string();
    match (event.object_type.as_str(), event.aspect_type.as_str()) {
        ("athlete", "update") => {
            let revoked = matches!(event.updates.get("authorized"), Some(Value::String(s)) if s == "false")
                || event.updates.get("authorized") == Some(&Value::Bool(false));
            if !revoked {
                return Ok(WebhookOutcome::Ignored {
                    reason: "an athlete update other than deauthorization".into(),
                });
            }
            super::set_status(store, user_id, PROVIDER, "disconnected", Some("access was revoked on Strava"))
                .await?;
            secrets.delete(&tokens_name(user_id))?;
            Ok(WebhookOutcome::Disconnected)
        }
        ("activity", "delete") => {
            let done = sqlx::query(
                "DELETE FROM activities WHERE user_id = ? AND source = 'strava' AND external_id = ?",
            )
            .bind(user_id)
            .bind(&object_id)
            .execute(store.pool())
            .await?;
            Ok(WebhookOutcome::Deleted { count: done.rows_affected() as u32 })
        }
        ("activity", "create" | "update") => {
            let profile = profile::get(store, user_id).await?;
            let mut client = Strava::new(store, &profile, secrets).await?;
            let detail = match client.get(&format!("/activities/{object_id}"), &[]).await? {
                Got::Json(v) => v,
                Got::NotFound => {
                    return Ok(WebhookOutcome::Ignored {
                        reason: format!("activity {object_id} is not visible on Strava"),
                    });
                }
            };
            let existing: Option<String> = sqlx::query_scalar(
                "SELECT id FROM activities WHERE user_id = ? AND source = 'strava' AND external_id = ?",
            )
            .bind(user_id)
            .bind(&object_id)
            .fetch_optional(store.pool())
            .await?;
            match existing {
                Some(activity_id) if event.aspect_type == "update" => {
                    let head = Head::from_json(&detail)?;
                    sqlx::query(
                        "UPDATE activities SET name = COALESCE(?, name), activity_type = ?, \
                         notes = COALESCE(?, notes) WHERE id = ? AND user_id = ?",
                    )
                    .bind(head.name.filter(|n| !n.trim().is_empty()))
                    .bind(head.activity_type)
                    .bind(detail.get("description").and_then(Value::as_str).filter(|d| !d.trim().is_empty()))
                    .bind(&activity_id)
                    .bind(user_id)
                    .execute(store.pool())
                    .await?;
                    Ok(WebhookOutcome::Updated { activity_id })
                }
                _ => {
                    let thresholds = import::thresholds(store, user_id).await?;
                    let item = client.import_one(&detail, &thresholds).await?;
                    Ok(WebhookOutcome::Imported { item })
                }
            }
        }
        (object, aspect) => {
            Ok(WebhookOutcome::Ignored { reason: format!("{object} {aspect} events are not used") })
        }
    }
}

/// What the Settings page shows about Strava.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StravaStatus {
    /// The API application's client id, once saved.
    pub client_id: Option<String>,
    /// Whether a client secret is saved in the secret store.
    pub has_client_secret: bool,
    /// The integrations row, once connected.
    pub integration: Option<super::Integration>,
}

pub async fn status(store: &Store, secrets: &Secrets, user_id: &str) -> Result<StravaStatus> {
    Ok(StravaStatus {
        client_id: load_settings(store, user_id).await?.map(|s| s.client_id),
        has_client_secret: secrets.get(&client_secret_name(user_id))?.is_some(),
        integration: super::get(store, user_id, PROVIDER).await?,
    })
}

/// Forgets the tokens and marks the connection disconnected; activities
/// already synced stay. Strava keeps the app authorized until the user
/// revokes it at strava.com/settings/apps.
pub async fn disconnect(store: &Store, secrets: &Secrets, user_id: &str) -> Result<()> {
    secrets.delete(&tokens_name(user_id))?;
    super::set_status(store, user_id, PROVIDER, "disconnected", None).await
}

/// Forgets the user's API application: its client id and settings, the
/// client secret and any tokens (so it is disconnected too). Synced
/// activities stay; saving an application again starts over.
pub async fn forget_app(store: &Store, secrets: &Secrets, user_id: &str) -> Result<()> {
    disconnect(store, secrets, user_id).await?;
    secrets.delete(&client_secret_name(user_id))?;
    sqlx::query("UPDATE users SET settings = json_remove(settings, '$.strava') WHERE id = ?")
        .bind(user_id)
        .execute(store.pool())
        .await?;
    Ok(())
}
