//! Streaming chat answers over server-sent events, in both wire formats:
//! Anthropic Messages (`message_start` … `content_block_delta` …
//! `message_delta` with usage … `message_stop`) and OpenAI-compatible chat
//! (`choices[].delta.content` chunks, a final usage chunk asked for with
//! `stream_options.include_usage`, then `data: [DONE]`). Each piece of text
//! goes to a callback as it arrives, so the CLI prints it and the window
//! shows it through a channel.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use serde_json::{Value, json};

use super::wire::{ANTHROPIC_VERSION, Turn, error_message, retryable, tries};
use super::{Provider, Usage, Wire};
use crate::error::{Error, Result};
use crate::http::{self, Opened};

/// A long answer may take minutes to stream; the connection itself still
/// has to answer within the provider's usual timeout.
const STREAM_TIMEOUT: Duration = Duration::from_secs(300);

/// A stop button: cancelling ends a stream at the next chunk (or at once
/// while waiting for one). Cheap to clone; every clone shares the flag.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<(AtomicBool, tokio::sync::Notify)>);

impl Cancel {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn cancel(&self) {
        self.0.0.store(true, Ordering::SeqCst);
        self.0.1.notify_waiters();
    }
    pub fn is_cancelled(&self) -> bool {
        self.0.0.load(Ordering::SeqCst)
    }
    async fn cancelled(&self) {
        loop {
            let notified = self.0.1.notified();
            if self.is_cancelled() {
                return;
            }
            notified.await;
        }
    }
}

/// What came back from a stream that started. `interrupted` holds why it
/// ended early (a mid-stream error event or a cut connection); the text and
/// usage received until then are kept.
#[derive(Debug)]
pub struct Streamed {
    pub text: String,
    pub usage: Usage,
    pub model: String,
    pub stop_reason: Option<String>,
    pub interrupted: Option<Error>,
    pub cancelled: bool,
}

/// A minimal server-sent-events decoder: bytes in, (event, data) out.
#[derive(Debug, Default)]
pub struct SseDecoder {
    buffer: String,
    event: Option<String>,
    data: Vec<String>,
}

impl SseDecoder {
    /// Feeds bytes; returns the events they completed.
    pub fn push(&mut self, chunk: &str) -> Vec<(Option<String>, String)> {
        self.buffer.push_str(chunk);
        let mut out = Vec::new();
        while let Some(end) = self.buffer.find('\n') {
            let line: String = self.buffer.drain(..=end).collect();
            let line = line.trim_end_matches(['\n', '\r']);
            if line.is_empty() {
                if !self.data.is_empty() {
                    out.push((self.event.take(), self.data.join("\n")));
                    self.data.clear();
                }
                self.event = None;
            } else if let Some(rest) = line.strip_prefix("data:") {
                self.data.push(rest.strip_prefix(' ').unwrap_or(rest).to_string());
            } else if let Some(rest) = line.strip_prefix("event:") {
                self.event = Some(rest.trim().to_string());
            }
            // Comments (": keep-alive"), id: and retry: lines carry nothing we use.
        }
        out
    }

    /// An event left without its closing blank line when the stream ended.
    pub fn finish(&mut self) -> Option<(Option<String>, String)> {
        let rest = std::mem::take(&mut self.buffer);
        if let Some(data) = rest.trim_end().strip_prefix("data:") {
            self.data.push(data.trim_start().to_string());
        }
        (!self.data.is_empty()).then(|| (self.event.take(), std::mem::take(&mut self.data).join("\n")))
    }
}

/// What one decoded event means, in either format.
enum Step {
    Text(String),
    Usage { input: Option<i64>, output: Option<i64> },
    Model(String),
    Stop(String),
    Error(String),
    Done,
    Nothing,
}

fn anthropic_steps(event: Option<&str>, data: &str) -> Vec<Step> {
    let Ok(v) = serde_json::from_str::<Value>(data) else { return vec![Step::Nothing] };
    let kind = v.get("type").and_then(Value::as_str).or(event).unwrap_or("");
    let num = |p: &str| v.pointer(p).and_then(Value::as_i64);
    match kind {
        "message_start" => {
            let mut steps = vec![Step::Usage {
                input: num("/message/usage/input_tokens"),
                output: num("/message/usage/output_tokens"),
            }];
            if let Some(m) = v.pointer("/message/model").and_then(Value::as_str) {
                steps.push(Step::Model(m.to_string()));
            }
            steps
        }
        "content_block_delta" => match v.pointer("/delta/text").and_then(Value::as_str) {
            Some(t) => vec![Step::Text(t.to_string())],
            None => vec![Step::Nothing],
        },
        "message_delta" => {
            let mut steps =
                vec![Step::Usage { input: num("/usage/input_tokens"), output: num("/usage/output_tokens") }];
            if let Some(r) = v.pointer("/delta/stop_reason").and_then(Value::as_str) {
                steps.push(Step::Stop(r.to_string()));
            }
            steps
        }
        "message_stop" => vec![Step::Done],
        "error" => vec![Step::Error(error_message(data))],
        _ => vec![Step::Nothing],
    }
}

fn openai_steps(data: &str) -> Vec<Step> {
    if data.trim() == "[DONE]" {
        return vec![Step::Done];
    }
    let Ok(v) = serde_json::from_str::<Value>(data) else { return vec![Step::Nothing] };
    if v.get("error").is_some() {
        return vec![Step::Error(error_message(data))];
    }
    let mut steps = Vec::new();
    if let Some(m) = v.get("model").and_then(Value::as_str) {
        steps.push(Step::Model(m.to_string()));
    }
    if let Some(choice) = v.pointer("/choices/0") {
        if let Some(t) = choice.pointer("/delta/content").and_then(Value::as_str)
            && !t.is_empty()
        {
            steps.push(Step::Text(t.to_string()));
        }
        if let Some(r) = choice.get("finish_reason").and_then(Value::as_str) {
            steps.push(Step::Stop(r.to_string()));
        }
    }
    if let Some(u) = v.get("usage").filter(|u| u.is_object()) {
        steps.push(Step::Usage {
            input: u.get("prompt_tokens").and_then(Value::as_i64),
            output: u.get("completion_tokens").and_then(Value::as_i64),
        });
    }
    steps
}

impl Provider {
    /// Streams a chat answer: `on_text` gets each piece as it arrives.
    /// `Err` means no answer started (refused, rate limited, unreachable after
    /// the retries); once text flows, problems end up in [`Streamed::interrupted`].
    pub async fn stream_chat(
        &self,
        system: &str,
        turns: &[Turn],
        max_tokens: u32,
        cancel: &Cancel,
        on_text: &mut (dyn FnMut(&str) + Send),
    ) -> Result<Streamed> {
        let wire = self.config.kind.wire();
        let (url, body) = match wire {
            Wire::AnthropicMessages => {
                let messages: Vec<Value> = turns.iter().map(turn_json).collect();
                (
                    format!("{}/messages", self.base_url()),
                    json!({
                        "model": self.config.model,
                        "max_tokens": max_tokens,
                        "system": system,
                        "messages": messages,
                        "stream": true,
                    }),
                )
            }
            Wire::OpenAiChat => {
                let mut messages = vec![json!({"role": "system", "content": system})];
                messages.extend(turns.iter().map(turn_json));
                (
                    format!("{}/chat/completions", self.base_url()),
                    json!({
                        "model": self.config.model,
                        "max_tokens": max_tokens,
                        "messages": messages,
                        "stream": true,
                        "stream_options": {"include_usage": true},
                    }),
                )
            }
        };
        let key = self.key.as_ref().map(|k| k.expose().to_string());
        let build = || {
            let request = self.http.post(&url).timeout(STREAM_TIMEOUT).json(&body);
            match (wire, &key) {
                (Wire::AnthropicMessages, key) => request
                    .header("x-api-key", key.as_deref().unwrap_or_default())
                    .header("anthropic-version", ANTHROPIC_VERSION),
                (Wire::OpenAiChat, Some(key)) => request.bearer_auth(key),
                (Wire::OpenAiChat, None) => request,
            }
        };
        let label = self.base_url();
        let opened = tokio::select! {
            opened = http::open(&self.retry, &label, retryable, build) => opened,
            () = cancel.cancelled() => return Err(self.error("stopped before the answer started", false)),
        };
        let response = match opened {
            Ok(Opened::Stream { response, .. }) => response,
            Ok(Opened::Reply(reply)) => {
                let message = format!("HTTP {}: {}", reply.status, error_message(&reply.body));
                return Err(
                    self.error(format!("{message}{}", tries(reply.attempts)), retryable(reply.status))
                );
            }
            Err(f) => return Err(self.error(format!("{}{}", f.message, tries(f.attempts)), f.retryable)),
        };

        let mut out = Streamed {
            text: String::new(),
            usage: Usage::default(),
            model: self.config.model.clone(),
            stop_reason: None,
            interrupted: None,
            cancelled: false,
        };
        let mut decoder = SseDecoder::default();
        let mut bytes = response.bytes_stream();
        // Bytes of a UTF-8 character split across chunks wait for the rest.
        let mut pending: Vec<u8> = Vec::new();
        let mut done = false;
        let mut apply = |out: &mut Streamed, event: Option<String>, data: String| -> bool {
            let steps = match wire {
                Wire::AnthropicMessages => anthropic_steps(event.as_deref(), &data),
                Wire::OpenAiChat => openai_steps(&data),
            };
            for step in steps {
                match step {
                    Step::Text(t) => {
                        on_text(&t);
                        out.text.push_str(&t);
                    }
                    Step::Usage { input, output } => {
                        if let Some(i) = input {
                            out.usage.input_tokens = i;
                        }
                        if let Some(o) = output {
                            out.usage.output_tokens = o;
                        }
                    }
                    Step::Model(m) => out.model = m,
                    Step::Stop(r) => out.stop_reason = Some(r),
                    Step::Error(message) => {
                        out.interrupted = Some(self.error(format!("the answer broke off: {message}"), true));
                        return true;
                    }
                    Step::Done => return true,
                    Step::Nothing => {}
                }
            }
            false
        };
        while !done {
            let next = tokio::select! {
                next = bytes.next() => next,
                () = cancel.cancelled() => { out.cancelled = true; break; }
            };
            match next {
                Some(Ok(chunk)) => {
                    pending.extend_from_slice(&chunk);
                    let valid = match std::str::from_utf8(&pending) {
                        Ok(s) => s.len(),
                        Err(e) => e.valid_up_to(),
                    };
                    let text = String::from_utf8_lossy(&pending[..valid]).into_owned();
                    pending.drain(..valid);
                    for (event, data) in decoder.push(&text) {
                        if apply(&mut out, event, data) {
                            done = true;
                            break;
                        }
                    }
                }
                Some(Err(e)) => {
                    out.interrupted = Some(
                        self.error(format!("the connection broke off: {}", http::without_url(&e)), true),
                    );
                    done = true;
                }
                None => {
                    if let Some((event, data)) = decoder.finish() {
                        done = apply(&mut out, event, data);
                    }
                    if !done && out.interrupted.is_none() {
                        out.interrupted = Some(self.error("the answer ended before it was complete", true));
                    }
                    done = true;
                }
            }
        }
        Ok(out)
    }
}

fn turn_json(turn: &Turn) -> Value {
    match turn {
        Turn::User { text, .. } => json!({"role": "user", "content": text}),
        Turn::Assistant { text } => json!({"role": "assistant", "content": text}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_split_across_chunks_and_crlf_lines_are_decoded() {
        let mut d = SseDecoder::default();
        assert!(d.push("event: content_block_delta\r\ndata: {\"a\":").is_empty());
        let got = d.push("1}\r\n\r\n: keep-alive\n\ndata: [DONE]\n\n");
        assert_eq!(
            got,
            vec![(Some("content_block_delta".into()), "{\"a\":1}".into()), (None, "[DONE]".into())]
        );
        assert!(d.push("data: last").is_empty());
        assert_eq!(d.finish(), Some((None, "last".into())));
    }
}
