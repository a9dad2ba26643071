//! Outbound HTTP shared by the AI providers and the integrations: one request
//! sent with retries on passing failures (timeouts, refused connections and the
//! statuses the caller names), honouring `Retry-After`.

use std::time::Duration;

use reqwest::header::HeaderMap;

/// How often and how long to retry a call that failed for a passing reason.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub attempts: u32,
    pub base_delay: Duration,
    /// Longest wait honoured from a Retry-After header or backoff.
    pub max_delay: Duration,
    pub timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(20),
            timeout: Duration::from_secs(60),
        }
    }
}

/// A response read in full.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
    /// How many requests it took.
    pub attempts: u32,
}

impl Reply {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// Why no response came back, after the retries.
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    /// A passing problem (timeout, no connection): worth trying later.
    pub retryable: bool,
    pub attempts: u32,
}

/// Seconds from a `Retry-After` header (the delta form; servers we call use it).
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(Duration::from_secs_f64)
}

/// reqwest errors can carry the URL; keep messages short and free of query strings.
pub fn without_url(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    if let Some(url) = e.url() {
        text = text.replace(url.as_str(), "");
    }
    text
}

/// Sends the request `build` makes, again after a backoff while the failure is
/// passing and attempts remain. Any status is returned as a [`Reply`] unless
/// `retry_status` asks for another attempt; the last such reply is returned
/// when attempts run out. `label` names the server in messages.
pub async fn send(
    policy: &RetryPolicy,
    label: &str,
    retry_status: impl Fn(u16) -> bool,
    build: impl Fn() -> reqwest::RequestBuilder,
) -> Result<Reply, Failure> {
    // One retry loop for both: a success's body is read here instead of streamed.
    match open(policy, label, retry_status, build).await? {
        Opened::Reply(reply) => Ok(reply),
        Opened::Stream { response, attempts } => {
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let body = response.text().await.unwrap_or_default();
            Ok(Reply { status, headers, body, attempts })
        }
    }
}

/// What [`open`] got back: a 2xx response whose body is still to be read
/// (a stream), or any other final status read in full.
#[derive(Debug)]
pub enum Opened {
    Stream { response: reqwest::Response, attempts: u32 },
    Reply(Reply),
}

/// Like [`send`], but a 2xx response is handed back unread so its body can be
/// consumed as it arrives (server-sent events). Retries happen only before
/// the first byte of a successful body: a stream cut midway is the caller's.
pub async fn open(
    policy: &RetryPolicy,
    label: &str,
    retry_status: impl Fn(u16) -> bool,
    build: impl Fn() -> reqwest::RequestBuilder,
) -> Result<Opened, Failure> {
    let mut attempt = 1;
    loop {
        let (message, retry_after) = match build().send().await {
            Ok(response) if response.status().is_success() => {
                return Ok(Opened::Stream { response, attempts: attempt });
            }
            Ok(response) => {
                let status = response.status().as_u16();
                let headers = response.headers().clone();
                let body = response.text().await.unwrap_or_default();
                if !retry_status(status) || attempt >= policy.attempts {
                    return Ok(Opened::Reply(Reply { status, headers, body, attempts: attempt }));
                }
                (format!("HTTP {status}"), retry_after(&headers))
            }
            Err(e) => {
                let message = if e.is_timeout() {
                    format!("no answer within {} s", policy.timeout.as_secs())
                } else if e.is_connect() {
                    format!("could not connect to {label}")
                } else {
                    return Err(Failure {
                        message: format!("request failed: {}", without_url(&e)),
                        retryable: false,
                        attempts: attempt,
                    });
                };
                if attempt >= policy.attempts {
                    return Err(Failure { message, retryable: true, attempts: attempt });
                }
                (message, None)
            }
        };
        let backoff = policy.base_delay * 2u32.saturating_pow(attempt - 1);
        let wait = retry_after.unwrap_or(backoff).min(policy.max_delay);
        tracing::info!(server = label, attempt, ?wait, "retrying: {message}");
        tokio::time::sleep(wait).await;
        attempt += 1;
    }
}
