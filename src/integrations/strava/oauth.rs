//! Connecting: the authorize URL, the loopback redirect that brings the code
//! back, the token exchange, and renewing tokens before they expire.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::{
    PROVIDER, SCOPE, Strava, fault_message, save_client_secret, strava_disconnected, strava_error,
    tokens_name,
};
use crate::clock;
use crate::error::{Error, Result};
use crate::http;
use crate::integrations::secrets::Secret;

/// Tokens this close to expiry are renewed before use.
const REFRESH_MARGIN_SECONDS: i64 = 300;

#[derive(Clone, Serialize, Deserialize)]
pub(super) struct Tokens {
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

impl Strava {
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
        crate::integrations::save_connected(
            &self.store,
            &self.profile.id,
            PROVIDER,
            &athlete_id,
            scopes,
            expires,
        )
        .await?;
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

    pub(super) async fn refresh(&mut self) -> Result<()> {
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
                return Err(self.expire(message).await?);
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
    pub(super) async fn access_token(&mut self) -> Result<Secret> {
        let tokens = self.load_tokens()?;
        if tokens.expires_at - crate::clock::now().timestamp() < REFRESH_MARGIN_SECONDS {
            self.refresh().await?;
        }
        Ok(Secret::new(self.load_tokens()?.access_token))
    }
}

/// serde's message can quote a value, which here could be a token: say only where.
fn token_answer_error(e: serde_json::Error) -> Error {
    strava_error(format!("unexpected token answer (line {}, column {})", e.line(), e.column()))
}

fn epoch(seconds: i64) -> Result<DateTime<Utc>> {
    Utc.timestamp_opt(seconds, 0).single().ok_or_else(|| strava_error(format!("invalid time {seconds}")))
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
