//! One monthly AI budget over every provider and call kind, held when many
//! entries are read at once: loopback providers in their real wire formats
//! (Groq's OpenAI-compatible chat and transcription, Anthropic Messages).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test
mod support;

use std::time::Duration;

use serde_json::{Value, json};
use wagner::ai::{Provider, ProviderKind, RetryPolicy};
use wagner::profile::Profile;
use wagner::quick_entry::{self, pipeline, pipeline::Reader};
use wagner::{Store, attachments};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const GROQ_MODEL: &str = "llama-3.3-70b-versatile"; // $0.59 / $0.79 per million tokens
const PROMPT_TOKENS: i64 = 9_000;
const COMPLETION_TOKENS: i64 = 1_400;

fn retry() -> RetryPolicy {
    RetryPolicy {
        attempts: 1,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(50),
        timeout: Duration::from_secs(20),
    }
}

fn extraction() -> Value {
    json!({
        "meals": [{"category": "lunch", "foods": [
            {"name": "apple", "quantity": 1, "unit": "medium", "grams": 182, "calories": 95, "protein_g": 0.5, "carbs_g": 25.1, "fat_g": 0.3}
        ]}],
        "workouts": [], "measurements": [], "confidence": 0.9
    })
}

fn groq_completion() -> Value {
    json!({
        "id": "chatcmpl-5e1c1c5e-2f6b-4f1e-9a43-6f1c0d1e7a10", "object": "chat.completion", "created": 1764070000,
        "model": GROQ_MODEL,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": extraction().to_string()},
                     "logprobs": null, "finish_reason": "stop"}],
        "usage": {"queue_time": 0.02, "prompt_tokens": PROMPT_TOKENS, "prompt_time": 0.03,
                  "completion_tokens": COMPLETION_TOKENS, "completion_time": 0.1,
                  "total_tokens": PROMPT_TOKENS + COMPLETION_TOKENS, "total_time": 0.13},
        "system_fingerprint": "fp_c5a28f03a3", "x_groq": {"id": "req_01jbd6g2qdfw2adyrt2az8hz4w"}
    })
}

fn call_cost() -> f64 {
    (PROMPT_TOKENS as f64 * 0.59 + COMPLETION_TOKENS as f64 * 0.79) / 1_000_000.0
}

async fn recorded_spend(store: &Store, user_id: &str) -> f64 {
    sqlx::query_scalar(
        "SELECT COALESCE(SUM(COALESCE(cost_usd, reserved_usd)), 0.0) FROM ai_spend WHERE user_id = ?",
    )
    .bind(user_id)
    .fetch_one(store.pool())
    .await
    .unwrap()
}

async fn fire(store: &Store, me: &Profile, p: &Provider, texts: Vec<String>) {
    let mut ids = Vec::new();
    for text in &texts {
        ids.push(quick_entry::log_text(store, me, text).await.unwrap().id);
    }
    let mut tasks = Vec::new();
    for id in ids {
        let (store, me, p) = (store.clone(), me.clone(), p.clone());
        tasks.push(tokio::spawn(async move { pipeline::process(&store, &me, &id, Reader::Ai(&p)).await }));
    }
    for t in tasks {
        t.await.unwrap().expect("every entry is read, by the provider or offline");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_entries_at_once_never_pass_the_monthly_cap_across_providers() {
    let groq = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        // Slow enough that the calls overlap.
        .respond_with(
            ResponseTemplate::new(200).set_body_json(groq_completion()).set_delay(Duration::from_millis(150)),
        )
        .mount(&groq)
        .await;
    let (_dir, store, me) = support::store_with_profile("Budget", "UTC").await;
    let budget = 0.05;
    let mut p = support::loopback_provider(ProviderKind::Groq, GROQ_MODEL, &groq.uri(), "gsk-test", retry());
    p.config.monthly_budget_usd = Some(budget);

    fire(&store, &me, &p, (0..30).map(|i| format!("an apple number {i}")).collect()).await;

    let calls = groq.received_requests().await.unwrap().len();
    let spend = recorded_spend(&store, &me.id).await;
    assert!(spend <= budget, "recorded ${spend} passed the ${budget} cap");
    assert!(calls >= 3, "the budget let some calls through: {calls}");
    assert!(calls < 30, "and stopped the rest: {calls}");
    assert!((spend - calls as f64 * call_cost()).abs() < 1e-9, "every call recorded: {spend} for {calls}");
    let (by_groq, refused): (i64, i64) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE ai_provider = 'groq'), \
                count(*) FILTER (WHERE ai_provider = 'offline' AND ai_extracted_data LIKE '%monthly AI budget%') \
           FROM quick_entry_logs WHERE user_id = ?",
    )
    .bind(&me.id)
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(by_groq as usize, calls);
    assert_eq!(by_groq + refused, 30, "the others were read offline, saying why");
    let costs: f64 = sqlx::query_scalar("SELECT total(ai_cost_usd) FROM quick_entry_logs WHERE user_id = ?")
        .bind(&me.id)
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert!((costs - spend).abs() < 1e-9, "the entries' costs add up to the month's spend");
    let status = wagner::ai::status(&store, &me.id).await.unwrap();
    assert!((status.month_spend_usd - spend).abs() < 1e-12, "Settings shows what the cap checks");

    // Switching provider does not start the cap again from zero.
    let anthropic = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "msg_01XFDUDYJgAACzvnptvVoYEL", "type": "message", "role": "assistant",
            "model": "claude-haiku-4-5-20251001",
            "content": [{"type": "tool_use", "id": "toolu_01A09q90qw90lq917835lq9", "name": "record_entry", "input": extraction()}],
            "stop_reason": "tool_use", "stop_sequence": null,
            "usage": {"input_tokens": 900, "output_tokens": 200}
        })))
        .mount(&anthropic)
        .await;
    let mut other = support::loopback_provider(
        ProviderKind::Anthropic,
        "claude-haiku-4-5",
        &anthropic.uri(),
        "sk-ant-test",
        retry(),
    );
    other.config.monthly_budget_usd = Some(budget);
    let left = budget - spend;
    fire(&store, &me, &other, (0..10).map(|i| format!("a pear number {i}")).collect()).await;
    let anthropic_calls = anthropic.received_requests().await.unwrap().len();
    let total = recorded_spend(&store, &me.id).await;
    assert!(total <= budget, "${total} over two providers passed the ${budget} cap");
    // Whatever it let through fitted in what was left of the one budget.
    assert!(total - spend <= left + 1e-12, "{anthropic_calls} calls, {total} - {spend} > {left}");
    let providers: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT provider FROM ai_spend WHERE user_id = ? ORDER BY provider")
            .bind(&me.id)
            .fetch_all(store.pool())
            .await
            .unwrap();
    assert!(providers.contains(&"groq".to_string()));
}

#[tokio::test]
async fn a_voice_note_sent_to_the_provider_is_admitted_limited_and_costed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/audio/transcriptions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "text": " Two eggs and toast for breakfast.",
            "x_groq": {"id": "req_01jbd6g2qdfw2adyrt2az8hz4x"}
        })))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(groq_completion()))
        .mount(&server)
        .await;
    let (_dir, store, me) = support::store_with_profile("Voice", "UTC").await;
    let mut p =
        support::loopback_provider(ProviderKind::Groq, GROQ_MODEL, &server.uri(), "gsk-test", retry());
    p.config.requests_per_minute = Some(1);
    let clip = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/voice/breakfast.wav");
    let audio = attachments::read_user_file(&clip).unwrap();
    let entry =
        quick_entry::log_with_attachments(&store, &me, None, &[audio], wagner::clock::now()).await.unwrap();
    let _ = pipeline::process(&store, &me, &entry.id, Reader::Ai(&p)).await;

    let rows: Vec<(String, f64)> = sqlx::query_as(
        "SELECT call_kind, cost_usd FROM ai_spend WHERE user_id = ? ORDER BY created_at, call_kind",
    )
    .bind(&me.id)
    .fetch_all(store.pool())
    .await
    .unwrap();
    let transcription =
        rows.iter().find(|(k, _)| k == "transcription").expect("the transcription was admitted");
    // whisper-large-v3-turbo: $0.04 an hour, billed for at least 10 s.
    let seconds = 97_484.0 / 2.0 / 16_000.0_f64;
    let want = 0.04 * seconds.max(10.0) / 3600.0;
    assert!((transcription.1 - want).abs() < 2e-7, "{} vs {want}", transcription.1);
    // One request a minute: the transcription took it, so the reading waited or went offline.
    let sent = server.received_requests().await.unwrap();
    assert_eq!(sent.iter().filter(|r| r.url.path() == "/v1/audio/transcriptions").count(), 1);
    assert_eq!(sent.iter().filter(|r| r.url.path() == "/v1/chat/completions").count(), 0, "the limit held");

    // With the budget spent, no voice note goes to the provider.
    p.config.requests_per_minute = None;
    p.config.monthly_budget_usd = Some(0.0);
    let audio = attachments::read_user_file(&clip).unwrap();
    let second =
        quick_entry::log_with_attachments(&store, &me, None, &[audio], wagner::clock::now()).await.unwrap();
    let _ = pipeline::process(&store, &me, &second.id, Reader::Ai(&p)).await;
    let sent = server.received_requests().await.unwrap();
    assert_eq!(
        sent.iter().filter(|r| r.url.path() == "/v1/audio/transcriptions").count(),
        1,
        "no second upload"
    );
}
