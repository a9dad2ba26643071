//! AI providers against loopback servers speaking their real wire formats:
//! Anthropic Messages (tool use), OpenAI-compatible chat (Groq, OpenRouter,
//! local servers) and transcription. Failures fall back to the offline
//! parser and keep the reason; costs and budgets are recorded.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod support;

use std::time::Duration;

use serde_json::{Value, json};
use wagner::Store;
use wagner::ai::{ApiKey, Provider, ProviderConfig, ProviderKind, RetryPolicy};
use wagner::profile::Profile;
use wagner::quick_entry::pipeline::{self, Reader};
use wagner::quick_entry::{self, ProcessingStatus};
use wiremock::matchers::{body_partial_json, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const FAKE_KEY: &str = "test-key-not-a-real-secret";

async fn setup() -> (tempfile::TempDir, Store, Profile) {
    support::store_with_profile("Ada", "UTC").await
}

fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        attempts: 3,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(200),
        timeout: Duration::from_secs(2),
    }
}

fn provider(kind: ProviderKind, model: &str, server: &MockServer) -> Provider {
    support::loopback_provider(kind, model, &server.uri(), FAKE_KEY, fast_retry())
}

fn extraction() -> Value {
    json!({
        "meals": [{"category": "breakfast", "foods": [
            {"name": "egg", "quantity": 2, "unit": "large", "grams": 100, "calories": 143, "protein_g": 12.6, "carbs_g": 0.7, "fat_g": 9.5},
            {"name": "toast", "quantity": 1, "unit": "slice", "grams": 28, "calories": 86, "protein_g": 4.4, "carbs_g": 14.1, "fat_g": 1.2}
        ]}],
        "workouts": [{"activity_type": "run", "name": "Easy run", "duration_seconds": 1800, "distance_meters": 5000, "sets": []}],
        "measurements": [],
        "confidence": 0.92
    })
}

fn anthropic_message(model: &str, input: Value, input_tokens: i64, output_tokens: i64) -> Value {
    json!({
        "id": "msg_01XFDUDYJgAACzvnptvVoYEL", "type": "message", "role": "assistant",
        "model": model,
        "content": [{"type": "tool_use", "id": "toolu_01A09q90qw90lq917835lq9", "name": "record_entry", "input": input}],
        "stop_reason": "tool_use", "stop_sequence": null,
        "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens}
    })
}

fn chat_completion(content: &str, model: &str) -> Value {
    json!({
        "id": "chatcmpl-f51b2cd2-bef7-417e-964e-a08f0b513c22", "object": "chat.completion", "created": 1764070000,
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "logprobs": null, "finish_reason": "stop"}],
        "usage": {"queue_time": 0.02, "prompt_tokens": 700, "prompt_time": 0.03, "completion_tokens": 120,
                  "completion_time": 0.1, "total_tokens": 820, "total_time": 0.13},
        "system_fingerprint": "fp_c5a28f03a3", "x_groq": {"id": "req_01jbd6g2qdfw2adyrt2az8hz4w"}
    })
}

async fn stored(store: &Store, id: &str) -> (String, String, f64, Value) {
    let (provider, model, cost, data): (String, String, f64, String) = sqlx::query_as(
        "SELECT ai_provider, ai_model, ai_cost_usd, ai_extracted_data FROM quick_entry_logs WHERE id = ?",
    )
    .bind(id)
    .fetch_one(store.pool())
    .await
    .unwrap();
    (provider, model, cost, serde_json::from_str(&data).unwrap())
}

#[tokio::test]
async fn anthropic_tool_use_creates_rows_and_records_the_cost() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .and(header("x-api-key", FAKE_KEY))
        .and(header("anthropic-version", "2023-06-01"))
        .and(body_partial_json(json!({"tool_choice": {"type": "tool", "name": "record_entry"}, "model": "claude-3-5-haiku-20241022"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(anthropic_message("claude-3-5-haiku-20241022", extraction(), 1000, 500)))
        .expect(1)
        .mount(&server)
        .await;
    let (_dir, store, me) = setup().await;
    let p = provider(ProviderKind::Anthropic, "claude-3-5-haiku-20241022", &server);
    let entry =
        quick_entry::log_text(&store, &me, "2 eggs and toast, then an easy 5k run in 30 min").await.unwrap();
    let done = pipeline::process(&store, &me, &entry.id, Reader::Ai(&p)).await.unwrap();

    assert_eq!(done.classification, "multiple");
    assert_eq!(done.extraction.meals[0].foods[0].calories, 143.0, "the model's estimate is kept");
    assert_eq!(done.confidence, 0.92);
    let (provider_name, model, cost, data) = stored(&store, &entry.id).await;
    assert_eq!((provider_name.as_str(), model.as_str()), ("anthropic", "claude-3-5-haiku-20241022"));
    // 1,000 in × $0.80/M + 500 out × $4/M.
    assert!((cost - 0.0028).abs() < 1e-9, "{cost}");
    assert_eq!(data["usage"], json!({"input_tokens": 1000, "output_tokens": 500}));
    let day = wagner::dashboard::day(&store, &me, wagner::dashboard::today_for(&me)).await.unwrap();
    assert_eq!(day.nutrition.calories, 229.0);
    assert_eq!(day.activities[0].distance_meters, Some(5000.0));
}

#[tokio::test]
async fn groq_json_schema_with_bearer_key_and_a_429_retried_after_retry_after() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "0")
                .set_body_json(json!({"error": {"message": "Rate limit reached for model `llama-3.3-70b-versatile`", "type": "tokens", "code": "rate_limit_exceeded"}})),
        )
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(header("authorization", format!("Bearer {FAKE_KEY}").as_str()))
        .and(body_partial_json(json!({"response_format": {"type": "json_schema", "json_schema": {"name": "record_entry", "strict": true}}})))
        .respond_with(ResponseTemplate::new(200).set_body_json(chat_completion(&extraction().to_string(), "llama-3.3-70b-versatile")))
        .expect(1)
        .mount(&server)
        .await;
    let (_dir, store, me) = setup().await;
    let p = provider(ProviderKind::Groq, "llama-3.3-70b-versatile", &server);
    let entry = quick_entry::log_text(&store, &me, "eggs and toast").await.unwrap();
    let done = pipeline::process(&store, &me, &entry.id, Reader::Ai(&p)).await.unwrap();
    assert_eq!(done.entry.processing_status, ProcessingStatus::Completed);
    let (provider_name, _, cost, _) = stored(&store, &entry.id).await;
    assert_eq!(provider_name, "groq");
    // 700 × $0.59/M + 120 × $0.79/M.
    assert!((cost - (700.0 * 0.59 + 120.0 * 0.79) / 1e6).abs() < 1e-12, "{cost}");
}

#[tokio::test]
async fn malformed_json_gets_one_repair_attempt() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(chat_completion("{\"meals\": [{\"category\": \"brunch\"", "smollm2")),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    // The repair request carries the invalid answer and the reason back to the model.
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(|req: &Request| {
            let body: Value = serde_json::from_slice(&req.body).unwrap_or_default();
            body["messages"].as_array().is_some_and(|m| {
                m.len() == 4 && m[3]["content"].as_str().is_some_and(|c| c.contains("invalid"))
            })
        })
        .respond_with(
            ResponseTemplate::new(200).set_body_json(chat_completion(&extraction().to_string(), "smollm2")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let (_dir, store, me) = setup().await;
    let mut p = provider(ProviderKind::OpenaiCompatible, "smollm2", &server);
    p = Provider::with_retry(p.config.clone(), None, fast_retry()).unwrap(); // local servers need no key
    let entry = quick_entry::log_text(&store, &me, "eggs and toast").await.unwrap();
    let done = pipeline::process(&store, &me, &entry.id, Reader::Ai(&p)).await.unwrap();
    let (provider_name, _, cost, data) = stored(&store, &entry.id).await;
    assert_eq!(provider_name, "openai_compatible");
    assert_eq!(cost, 0.0, "a local model has no price");
    assert_eq!(data["usage"]["input_tokens"], 1400, "both attempts counted");
    assert_eq!(done.extraction.meals[0].foods.len(), 2);
}

#[tokio::test]
async fn a_provider_that_keeps_failing_falls_back_offline_and_says_why() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(ResponseTemplate::new(529).set_body_json(
            json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}),
        ))
        .expect(6) // three attempts for each of the two entries
        .mount(&server)
        .await;
    let (_dir, store, me) = setup().await;
    let p = provider(ProviderKind::Anthropic, "claude-sonnet-4-5", &server);
    let entry = quick_entry::log_text(&store, &me, "ran 5k in 25:30").await.unwrap();
    let done = pipeline::process(&store, &me, &entry.id, Reader::Ai(&p)).await.unwrap();
    assert_eq!(done.extraction.workouts[0].duration_seconds, Some(1530), "read offline");
    let (provider_name, _, cost, data) = stored(&store, &entry.id).await;
    assert_eq!(provider_name, "offline");
    assert_eq!(cost, 0.0);
    let why = data["provider_error"].as_str().unwrap();
    assert!(why.contains("529") && why.contains("Overloaded") && why.contains("3 attempts"), "{why}");
    assert!(!why.contains(FAKE_KEY));

    // Text the offline parser cannot read either: failed, with both reasons, text kept.
    let entry = quick_entry::log_text(&store, &me, "felt great").await.unwrap();
    let err = pipeline::process(&store, &me, &entry.id, Reader::Ai(&p)).await.unwrap_err();
    assert!(err.to_string().contains("Overloaded"), "{err}");
    let failed = quick_entry::get(&store, &me.id, &entry.id).await.unwrap();
    assert_eq!(failed.processing_status, ProcessingStatus::Failed);
    assert_eq!(failed.raw_text.as_deref(), Some("felt great"));
}

#[tokio::test]
async fn a_timeout_is_retried_then_falls_back() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_delay(Duration::from_secs(5))
                .set_body_json(chat_completion("{}", "m")),
        )
        .mount(&server)
        .await;
    let (_dir, store, me) = setup().await;
    let retry = RetryPolicy { attempts: 2, timeout: Duration::from_millis(300), ..fast_retry() };
    let p = support::loopback_provider(
        ProviderKind::Openrouter,
        "openai/gpt-4o-mini",
        &server.uri(),
        FAKE_KEY,
        retry,
    );
    let entry = quick_entry::log_text(&store, &me, "weighed 80.1 kg").await.unwrap();
    let done = pipeline::process(&store, &me, &entry.id, Reader::Ai(&p)).await.unwrap();
    assert_eq!(done.extraction.measurements[0].weight_kg, Some(80.1));
    let (_, _, _, data) = stored(&store, &entry.id).await;
    assert!(data["provider_error"].as_str().unwrap().contains("no answer within"), "{data}");
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn the_monthly_budget_stops_calls_with_a_clear_message() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(ResponseTemplate::new(200).set_body_json(anthropic_message(
            "claude-sonnet-4-5-20250929",
            extraction(),
            100_000,
            20_000,
        )))
        .expect(1)
        .mount(&server)
        .await;
    let (_dir, store, me) = setup().await;
    let mut p = provider(ProviderKind::Anthropic, "claude-sonnet-4-5", &server);
    p.config.monthly_budget_usd = Some(0.50); // the first call costs $0.60
    let first = quick_entry::log_text(&store, &me, "eggs and toast").await.unwrap();
    pipeline::process(&store, &me, &first.id, Reader::Ai(&p)).await.unwrap();
    assert!((stored(&store, &first.id).await.2 - 0.60).abs() < 1e-9);

    let second = quick_entry::log_text(&store, &me, "2 eggs").await.unwrap();
    pipeline::process(&store, &me, &second.id, Reader::Ai(&p)).await.unwrap();
    let (provider_name, _, _, data) = stored(&store, &second.id).await;
    assert_eq!(provider_name, "offline", "over budget: read offline, no call made");
    assert!(data["provider_error"].as_str().unwrap().contains("monthly AI budget of $0.50"), "{data}");
}

#[tokio::test]
async fn requests_per_minute_are_enforced() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(chat_completion(&extraction().to_string(), "llama-3.1-8b-instant")),
        )
        .expect(2)
        .mount(&server)
        .await;
    let (_dir, store, me) = setup().await;
    let mut p = provider(ProviderKind::Groq, "llama-3.1-8b-instant", &server);
    p.config.requests_per_minute = Some(2);
    for text in ["2 eggs", "a banana", "ran 5k in 25:30"] {
        let e = quick_entry::log_text(&store, &me, text).await.unwrap();
        pipeline::process(&store, &me, &e.id, Reader::Ai(&p)).await.unwrap();
    }
    let providers: Vec<String> =
        sqlx::query_scalar("SELECT ai_provider FROM quick_entry_logs ORDER BY logged_at, id")
            .fetch_all(store.pool())
            .await
            .unwrap();
    assert_eq!(providers, ["groq", "groq", "offline"]);
}

#[tokio::test]
async fn voice_is_transcribed_by_the_whisper_endpoint() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/audio/transcriptions"))
        .and(header("authorization", format!("Bearer {FAKE_KEY}").as_str()))
        .and(|req: &Request| {
            let body = String::from_utf8_lossy(&req.body);
            body.contains("name=\"file\"; filename=\"note.wav\"") && body.contains("whisper-large-v3-turbo")
        })
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"text": " Two eggs and toast for breakfast.", "x_groq": {"id": "req_01"}}),
            ),
        )
        .expect(1)
        .mount(&server)
        .await;
    let p = provider(ProviderKind::Groq, "llama-3.3-70b-versatile", &server);
    let text = p.transcribe(b"RIFF....WAVEfmt ".to_vec(), "note.wav").await.unwrap();
    assert_eq!(text, "Two eggs and toast for breakfast.");

    let anthropic = provider(ProviderKind::Anthropic, "claude-3-5-haiku-20241022", &server);
    let err = anthropic.transcribe(vec![1, 2, 3], "note.wav").await.unwrap_err();
    assert!(err.to_string().contains("no transcription endpoint"));
}

#[tokio::test]
async fn no_key_means_offline_and_keys_are_never_stored() {
    let (_dir, store, me) = setup().await;
    let config = ProviderConfig {
        kind: ProviderKind::Anthropic,
        model: "claude-3-5-haiku-20241022".into(),
        base_url: None,
        transcription_model: None,
        monthly_budget_usd: Some(5.0),
        requests_per_minute: None,
        vision: None,
    };
    let err = Provider::new(config.clone(), None).unwrap_err();
    assert!(err.to_string().contains("ANTHROPIC_API_KEY"), "{err}");
    wagner::ai::save_config(&store, &me.id, Some(&config)).await.unwrap();
    assert_eq!(wagner::ai::load_config(&store, &me.id).await.unwrap(), Some(config));
    let settings: String = sqlx::query_scalar("SELECT settings FROM users WHERE id = ?")
        .bind(&me.id)
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert!(!settings.to_lowercase().contains("key"), "{settings}");
    let debug = format!("{:?}", ApiKey::new(FAKE_KEY));
    assert!(!debug.contains(FAKE_KEY));
}

#[tokio::test]
async fn settings_that_could_never_work_are_refused_when_saved() {
    let (_dir, store, me) = setup().await;
    let good = ProviderConfig {
        kind: ProviderKind::OpenaiCompatible,
        model: "qwen2.5:7b".into(),
        base_url: Some("http://127.0.0.1:11434/v1".into()),
        transcription_model: None,
        monthly_budget_usd: Some(0.0),
        requests_per_minute: Some(30),
        vision: Some(false),
    };
    let cases = [
        (ProviderConfig { model: "  ".into(), ..good.clone() }, "model name"),
        (ProviderConfig { base_url: Some("localhost:11434".into()), ..good.clone() }, "http://"),
        (ProviderConfig { monthly_budget_usd: Some(-1.0), ..good.clone() }, "monthly budget"),
        (ProviderConfig { requests_per_minute: Some(0), ..good.clone() }, "requests per minute"),
    ];
    for (config, says) in cases {
        let err = wagner::ai::save_config(&store, &me.id, Some(&config)).await.unwrap_err();
        assert_eq!(err.code(), "invalid_input", "{err}");
        assert!(err.to_string().contains(says), "{err} should mention {says}");
    }
    assert_eq!(wagner::ai::load_config(&store, &me.id).await.unwrap(), None, "nothing bad was kept");
    wagner::ai::save_config(&store, &me.id, Some(&good)).await.unwrap();
    assert_eq!(wagner::ai::load_config(&store, &me.id).await.unwrap(), Some(good));
}

#[tokio::test]
async fn the_users_price_table_sets_what_calls_cost() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(ResponseTemplate::new(200).set_body_json(anthropic_message(
            "claude-3-5-haiku-20241022",
            extraction(),
            1000,
            500,
        )))
        .mount(&server)
        .await;
    let (_dir, store, me) = setup().await;
    let price = |i: f64, o: f64| wagner::ai::prices::Price { input_per_mtok: i, output_per_mtok: o };

    // Refused, and nothing kept: a negative price, a nameless model, an absurd amount.
    for (model, p, says) in [
        ("claude-3-5-haiku-20241022", price(-1.0, 4.0), "between 0 and"),
        ("  ", price(1.0, 1.0), "model name"),
        ("claude-3-5-haiku-20241022", price(1.0, 1e9), "between 0 and"),
    ] {
        let mine = std::collections::HashMap::from([(model.to_string(), p)]);
        let err = wagner::ai::save_price_overrides(&store, &me.id, &mine).await.unwrap_err();
        assert_eq!(err.code(), "invalid_input");
        assert!(err.to_string().contains(says), "{err}");
    }
    assert!(wagner::ai::price_overrides(&store, &me.id).await.unwrap().is_empty());

    let mine = std::collections::HashMap::from([("claude-3-5-haiku-20241022".to_string(), price(2.0, 10.0))]);
    wagner::ai::save_price_overrides(&store, &me.id, &mine).await.unwrap();
    let table = wagner::ai::price_table(&store, &me.id).await.unwrap();
    let row = table.iter().find(|r| r.model == "claude-3-5-haiku-20241022").unwrap();
    assert!(row.overridden && row.built_in.is_none(), "a dated id is the user's own row");
    assert!(table.iter().any(|r| r.model == "claude-3-5-haiku" && !r.overridden), "built-ins stay listed");

    let p = provider(ProviderKind::Anthropic, "claude-3-5-haiku-20241022", &server);
    let entry = quick_entry::log_text(&store, &me, "2 eggs and toast").await.unwrap();
    pipeline::process(&store, &me, &entry.id, Reader::Ai(&p)).await.unwrap();
    let (_, _, cost, _) = stored(&store, &entry.id).await;
    // 1,000 in × $2/M + 500 out × $10/M, not the list price ($0.0028).
    assert!((cost - 0.007).abs() < 1e-9, "{cost}");
    assert!((wagner::ai::status(&store, &me.id).await.unwrap().month_spend_usd - 0.007).abs() < 1e-9);

    // Back to the built-in price.
    wagner::ai::save_price_overrides(&store, &me.id, &Default::default()).await.unwrap();
    let entry = quick_entry::log_text(&store, &me, "2 eggs and toast").await.unwrap();
    pipeline::process(&store, &me, &entry.id, Reader::Ai(&p)).await.unwrap();
    assert!((stored(&store, &entry.id).await.2 - 0.0028).abs() < 1e-9);
}

#[tokio::test]
async fn foods_a_provider_extracts_get_micronutrients_from_the_food_database() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(ResponseTemplate::new(200).set_body_json(anthropic_message(
            "claude-3-5-haiku-20241022",
            extraction(),
            1000,
            500,
        )))
        .mount(&server)
        .await;
    let (_dir, store, me) = setup().await;
    wagner::nutrition::foods::ensure_loaded(&store).await.unwrap();
    let p = provider(ProviderKind::Anthropic, "claude-3-5-haiku-20241022", &server);
    let entry = quick_entry::log_text(&store, &me, "2 eggs and toast").await.unwrap();
    pipeline::process(&store, &me, &entry.id, Reader::Ai(&p)).await.unwrap();

    let (foods, nutrients): (String, String) =
        sqlx::query_as("SELECT foods, nutrients FROM meal_logs WHERE quick_entry_log_id = ?")
            .bind(&entry.id)
            .fetch_one(store.pool())
            .await
            .unwrap();
    let foods: Value = serde_json::from_str(&foods).unwrap();
    assert_eq!(foods[0]["calories"], json!(143.0), "the provider's macros are kept");
    let egg_cholesterol = foods[0]["nutrients"]["cholesterol_mg"].as_f64().expect("the egg's cholesterol");
    // Two large eggs (100 g, 143 kcal) hold about 370 mg of cholesterol (USDA SR).
    assert!((300.0..450.0).contains(&egg_cholesterol), "{egg_cholesterol}");
    let meal: Value = serde_json::from_str(&nutrients).unwrap();
    assert!(meal["cholesterol_mg"].as_f64().unwrap_or(0.0) >= egg_cholesterol, "{meal}");
}
