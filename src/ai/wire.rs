//! The two wire formats, with retries on 429/5xx/timeouts honouring Retry-After.

use base64::Engine;
use serde_json::{Value, json};

use super::{ImageInput, JsonCompletion, Provider, Usage};
use crate::error::{Error, Result};
use crate::http;

pub(super) const ANTHROPIC_VERSION: &str = "2023-06-01";

/// One turn of a conversation sent to a model.
#[derive(Debug, Clone)]
pub enum Turn {
    User { text: String, images: Vec<ImageInput> },
    Assistant { text: String },
}

impl Turn {
    pub fn user(text: impl Into<String>) -> Self {
        Turn::User { text: text.into(), images: Vec::new() }
    }
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Statuses worth another attempt at every provider: rate limited or a server error.
pub(super) fn retryable(status: u16) -> bool {
    status == 429 || (500..600).contains(&status)
}

/// " (after N attempts)" when a call took more than one.
pub(super) fn tries(attempts: u32) -> String {
    if attempts > 1 { format!(" (after {attempts} attempts)") } else { String::new() }
}

/// Sends a request, retrying passing failures; returns the body of a 2xx.
async fn send(provider: &Provider, build: impl Fn() -> reqwest::RequestBuilder) -> Result<String> {
    let label = provider.base_url();
    match http::send(&provider.retry, &label, retryable, build).await {
        Ok(reply) if reply.is_success() => Ok(reply.body),
        Ok(reply) => {
            let message = format!("HTTP {}: {}", reply.status, error_message(&reply.body));
            Err(provider.error(format!("{message}{}", tries(reply.attempts)), retryable(reply.status)))
        }
        Err(f) => Err(provider.error(format!("{}{}", f.message, tries(f.attempts)), f.retryable)),
    }
}

/// The human part of an error body in either format.
pub(super) fn error_message(body: &str) -> String {
    let parsed: Option<Value> = serde_json::from_str(body).ok();
    let message = parsed.as_ref().and_then(|v| {
        v.pointer("/error/message")
            .and_then(Value::as_str)
            .or_else(|| v.get("message").and_then(Value::as_str))
    });
    match message {
        Some(m) => m.to_string(),
        None => body.chars().take(200).collect(),
    }
}

pub(super) async fn anthropic_json(
    provider: &Provider,
    system: &str,
    turns: &[Turn],
    schema_name: &str,
    schema: &Value,
    max_tokens: u32,
) -> Result<JsonCompletion> {
    let messages: Vec<Value> = turns
        .iter()
        .map(|turn| match turn {
            Turn::User { text, images } => {
                let mut content: Vec<Value> = images
                    .iter()
                    .map(|img| {
                        json!({"type": "image", "source": {"type": "base64", "media_type": img.media_type, "data": b64(&img.bytes)}})
                    })
                    .collect();
                content.push(json!({"type": "text", "text": text}));
                json!({"role": "user", "content": content})
            }
            Turn::Assistant { text } => json!({"role": "assistant", "content": text}),
        })
        .collect();
    let body = json!({
        "model": provider.config.model,
        "max_tokens": max_tokens,
        "temperature": 0,
        "system": system,
        "messages": messages,
        "tools": [{"name": schema_name, "description": "Record the structured result.", "input_schema": schema}],
        "tool_choice": {"type": "tool", "name": schema_name},
    });
    let url = format!("{}/messages", provider.base_url());
    let key = provider.key.as_ref().map(|k| k.expose().to_string()).unwrap_or_default();
    let text = send(provider, || {
        provider
            .http
            .post(&url)
            .header("x-api-key", &key)
            .header("anthropic-version", ANTHROPIC_VERSION)
            .json(&body)
    })
    .await?;
    let v: Value = serde_json::from_str(&text)
        .map_err(|e| provider.error(format!("the response is not JSON: {e}"), false))?;
    let usage = Usage {
        input_tokens: v.pointer("/usage/input_tokens").and_then(Value::as_i64).unwrap_or(0),
        output_tokens: v.pointer("/usage/output_tokens").and_then(Value::as_i64).unwrap_or(0),
    };
    let model = v.get("model").and_then(Value::as_str).unwrap_or(&provider.config.model).to_string();
    let blocks = v.get("content").and_then(Value::as_array).cloned().unwrap_or_default();
    // The forced tool call carries the object; a plain text block is accepted as JSON text.
    let raw = blocks
        .iter()
        .find(|b| b.get("type").and_then(Value::as_str) == Some("tool_use"))
        .and_then(|b| b.get("input"))
        .map(Value::to_string)
        .or_else(|| {
            blocks
                .iter()
                .find(|b| b.get("type").and_then(Value::as_str) == Some("text"))
                .and_then(|b| b.get("text").and_then(Value::as_str))
                .map(str::to_string)
        })
        .ok_or_else(|| provider.error("the answer had neither a tool call nor text", false))?;
    Ok(JsonCompletion { raw, usage, model })
}

pub(super) async fn openai_json(
    provider: &Provider,
    system: &str,
    turns: &[Turn],
    schema_name: &str,
    schema: &Value,
    max_tokens: u32,
) -> Result<JsonCompletion> {
    let mut messages = vec![json!({"role": "system", "content": system})];
    for turn in turns {
        messages.push(match turn {
            // Plain string content when there is no image: every server accepts it.
            Turn::User { text, images } if images.is_empty() => json!({"role": "user", "content": text}),
            Turn::User { text, images } => {
                let mut content = vec![json!({"type": "text", "text": text})];
                content.extend(images.iter().map(|img| {
                    json!({"type": "image_url", "image_url": {"url": format!("data:{};base64,{}", img.media_type, b64(&img.bytes))}})
                }));
                json!({"role": "user", "content": content})
            }
            Turn::Assistant { text } => json!({"role": "assistant", "content": text}),
        });
    }
    let body = json!({
        "model": provider.config.model,
        "messages": messages,
        "temperature": 0,
        "max_tokens": max_tokens,
        "response_format": {"type": "json_schema", "json_schema": {"name": schema_name, "strict": true, "schema": schema}},
    });
    let url = format!("{}/chat/completions", provider.base_url());
    let text = send(provider, || {
        let request = provider.http.post(&url).json(&body);
        match &provider.key {
            Some(key) => request.bearer_auth(key.expose()),
            None => request,
        }
    })
    .await?;
    let v: Value = serde_json::from_str(&text)
        .map_err(|e| provider.error(format!("the response is not JSON: {e}"), false))?;
    let usage = Usage {
        input_tokens: v.pointer("/usage/prompt_tokens").and_then(Value::as_i64).unwrap_or(0),
        output_tokens: v.pointer("/usage/completion_tokens").and_then(Value::as_i64).unwrap_or(0),
    };
    let model = v.get("model").and_then(Value::as_str).unwrap_or(&provider.config.model).to_string();
    let raw = v
        .pointer("/choices/0/message/content")
        .and_then(Value::as_str)
        .ok_or_else(|| provider.error("the answer had no message content", false))?
        .to_string();
    Ok(JsonCompletion { raw, usage, model })
}

pub(super) async fn openai_transcribe(
    provider: &Provider,
    audio: Vec<u8>,
    file_name: &str,
    model: &str,
) -> Result<String> {
    let url = format!("{}/audio/transcriptions", provider.base_url());
    let text = send(provider, || {
        let part = reqwest::multipart::Part::bytes(audio.clone()).file_name(file_name.to_string());
        let form = reqwest::multipart::Form::new()
            .part("file", part)
            .text("model", model.to_string())
            .text("response_format", "json");
        let request = provider.http.post(&url).multipart(form);
        match &provider.key {
            Some(key) => request.bearer_auth(key.expose()),
            None => request,
        }
    })
    .await?;
    let v: Value = serde_json::from_str(&text)
        .map_err(|e| provider.error(format!("the transcription is not JSON: {e}"), false))?;
    v.get("text").and_then(Value::as_str).map(|t| t.trim().to_string()).ok_or_else(|| Error::Ai {
        provider: provider.config.kind.as_str().into(),
        message: "the transcription had no text".into(),
        retryable: false,
    })
}
