//! AI program generation against loopback servers speaking the real wire
//! formats (OpenAI-compatible chat with json_schema, Anthropic tool use):
//! twelve calls, one per week; a malformed week is repaired once and never
//! stored; costs are recorded on the program and against the monthly budget.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chrono::NaiveDate;
use serde_json::{Value, json};
use wagner::ai::{Provider, ProviderKind, RetryPolicy};
use wagner::programs::meals::Catalog;
use wagner::programs::{self, Answers, Questionnaire, ai, generate};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const FAKE_KEY: &str = "test-key-not-a-real-secret";

fn questionnaire() -> Questionnaire {
    Answers {
        primary_goal: Some("gain_strength".into()),
        experience_level: Some("advanced".into()),
        training_frequency: Some(3),
        session_minutes: Some(75),
        available_equipment: vec!["full gym".into()],
        injury_limitations: vec!["shoulder".into()],
        dietary_restrictions: vec!["dairy_free".into()],
        daily_calorie_target: Some(2800),
        ..Answers::default()
    }
    .validate()
    .unwrap()
}

fn provider(kind: ProviderKind, model: &str, server: &MockServer) -> Provider {
    let retry = RetryPolicy {
        attempts: 2,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(100),
        timeout: Duration::from_secs(5),
    };
    support::loopback_provider(kind, model, &server.uri(), FAKE_KEY, retry)
}

/// What a good model answers for `week`: the week as the schema wants it.
fn good_week(q: &Questionnaire, week: u32) -> Value {
    let days = generate::week(q, Catalog::bundled().unwrap(), week, 3).unwrap();
    json!({"days": days.iter().map(|d| json!({
        "day_name": d.day_name, "day_focus": d.day_focus, "is_rest_day": d.is_rest_day,
        "workout": d.workout,
        "meals": d.meals.iter().map(|m| json!({
            "meal_type": m.meal_type, "name": m.name,
            "foods": m.foods.iter().map(|f| json!({"name": f.name, "grams": f.grams, "calories": f.calories,
                "protein_g": f.protein_g, "carbs_g": f.carbs_g, "fat_g": f.fat_g})).collect::<Vec<_>>()
        })).collect::<Vec<_>>()
    })).collect::<Vec<_>>()})
}

/// The week a request asks for, from the last user message's text.
fn asked_week(body: &Value) -> u32 {
    let text = body.to_string();
    let at = text.rfind("Write week ").expect("a week prompt");
    text[at + 11..].split_whitespace().next().unwrap().parse().unwrap()
}

fn turns(body: &Value) -> usize {
    body["messages"].as_array().map(|m| m.len()).unwrap_or(0)
}

/// A model that answers every week well, except that it answers `bad_week`
/// the first `bad_times` times with six days and a dairy food.
struct Model {
    q: Questionnaire,
    anthropic: bool,
    bad_week: u32,
    bad_times: usize,
    bad_served: AtomicUsize,
    calls: Arc<AtomicUsize>,
}

impl Respond for Model {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        let week = asked_week(&body);
        let mut answer = good_week(&self.q, week);
        if week == self.bad_week && self.bad_served.load(Ordering::SeqCst) < self.bad_times {
            self.bad_served.fetch_add(1, Ordering::SeqCst);
            // Six days and a dairy food: both are constraint violations.
            answer["days"].as_array_mut().unwrap().pop();
            answer["days"][0]["meals"][0]["foods"][0]["name"] = json!("Cheese, cheddar");
        }
        if self.anthropic {
            ResponseTemplate::new(200).set_body_json(json!({
                "id": "msg_01XFDUDYJgAACzvnptvVoYEL", "type": "message", "role": "assistant",
                "model": "claude-3-5-haiku-20241022",
                "content": [{"type": "tool_use", "id": "toolu_01A09q90qw90lq917835lq9", "name": "program_week", "input": answer}],
                "stop_reason": "tool_use", "stop_sequence": null,
                "usage": {"input_tokens": 1200, "output_tokens": 3000}
            }))
        } else {
            ResponseTemplate::new(200).set_body_json(json!({
                "id": "chatcmpl-f51b2cd2", "object": "chat.completion", "created": 1764070000,
                "model": "llama-3.3-70b-versatile",
                "choices": [{"index": 0, "message": {"role": "assistant", "content": answer.to_string()},
                    "logprobs": null, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 1200, "completion_tokens": 3000, "total_tokens": 4200}
            }))
        }
    }
}

fn model(anthropic: bool, bad_week: u32, bad_times: usize) -> (Model, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    (
        Model {
            q: questionnaire(),
            anthropic,
            bad_week,
            bad_times,
            bad_served: AtomicUsize::new(0),
            calls: calls.clone(),
        },
        calls,
    )
}

#[tokio::test]
async fn openai_compatible_generation_is_week_by_week_and_repairs_a_malformed_week() {
    let (_dir, store, me) = support::store_with_profile("Ada", "UTC").await;
    let server = MockServer::start().await;
    let (responder, calls) = model(false, 3, 1);
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(header("authorization", format!("Bearer {FAKE_KEY}").as_str()))
        .respond_with(responder)
        .mount(&server)
        .await;
    let p = provider(ProviderKind::Groq, "llama-3.3-70b-versatile", &server);
    let q = questionnaire();
    let mut seen = Vec::new();
    let mut progress = |pr: ai::Progress| seen.push((pr.week, pr.attempt));
    let start = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
    let (id, generated) = ai::create_with_ai(&store, &me, &p, &q, start, &mut progress).await.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 13, "12 weeks and one repair");
    assert!(
        seen.contains(&(3, 2)) && seen.first() == Some(&(1, 1)) && seen.last() == Some(&(12, 1)),
        "{seen:?}"
    );

    // The repair request carried the invalid answer and the reason.
    let requests = server.received_requests().await.unwrap();
    let repair: Value = serde_json::from_slice(&requests[3].body).unwrap();
    assert_eq!(turns(&repair), 4, "system, question, bad answer, repair request");
    assert!(repair.to_string().contains("has 6 days"), "{repair}");
    assert_eq!(repair["response_format"]["json_schema"]["name"], "program_week");

    let (days, provider_name, cost): (i64, String, f64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM ai_program_days WHERE program_id = p.id), ai_provider, ai_cost_usd \
         FROM ai_generated_programs p WHERE id = ?",
    )
    .bind(&id)
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!((days, provider_name.as_str()), (84, "groq"));
    assert!(cost > 0.0 && (cost - generated.cost_usd).abs() < 1e-9);
    let cheese: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM ai_program_items WHERE meal_foods LIKE '%Cheese, cheddar%'")
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!(cheese, 0, "the malformed week was never stored");
    let spend: f64 =
        sqlx::query_scalar("SELECT month_spend_usd FROM rate_limits WHERE user_id = ? AND provider = 'groq'")
            .bind(&me.id)
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert!((spend - cost).abs() < 1e-9, "{spend} vs {cost}");
}

#[tokio::test]
async fn anthropic_tool_use_works_and_a_week_invalid_twice_stores_nothing() {
    let (_dir, store, me) = support::store_with_profile("Ada", "UTC").await;
    let server = MockServer::start().await;
    let (responder, calls) = model(true, 5, 2);
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .and(header("x-api-key", FAKE_KEY))
        .respond_with(responder)
        .mount(&server)
        .await;
    let p = provider(ProviderKind::Anthropic, "claude-3-5-haiku-20241022", &server);
    let q = questionnaire();
    let mut progress = |_: ai::Progress| {};
    let start = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
    let err = ai::create_with_ai(&store, &me, &p, &q, start, &mut progress).await.unwrap_err();
    assert!(err.to_string().contains("week 5"), "{err}");
    assert_eq!(calls.load(Ordering::SeqCst), 6, "weeks 1-4, then week 5 twice");
    let programs: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM ai_generated_programs")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(programs, 0);
    let spend: f64 = sqlx::query_scalar(
        "SELECT month_spend_usd FROM rate_limits WHERE user_id = ? AND provider = 'anthropic'",
    )
    .bind(&me.id)
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert!(spend > 0.0, "failed calls still cost money and are recorded");
    let requests = server.received_requests().await.unwrap();
    let first: Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(first["tool_choice"]["name"], "program_week");

    // With a good model the same questionnaire goes through.
    let server = MockServer::start().await;
    let (responder, _) = model(true, 0, 0);
    Mock::given(method("POST")).and(path("/v1/messages")).respond_with(responder).mount(&server).await;
    let p = provider(ProviderKind::Anthropic, "claude-3-5-haiku-20241022", &server);
    let (id, _) = ai::create_with_ai(&store, &me, &p, &q, start, &mut progress).await.unwrap();
    let day = programs::day_on(&store, &me.id, start).await.unwrap().unwrap();
    assert_eq!((day.program_id, day.day_number), (id, 1));
}

/// A model that takes a moment per week, like a real one.
struct Slow(Model);

impl Respond for Slow {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.0.respond(request).set_delay(Duration::from_millis(80))
    }
}

/// The window's Cancel drops the generation task between two weeks: nothing
/// of the new program is stored and the current one stays active.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_generation_stopped_midway_stores_nothing_and_keeps_the_current_program() {
    let (_dir, store, me) = support::store_with_profile("Ada", "UTC").await;
    let start = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
    let answers = Answers {
        primary_goal: Some("general_fitness".into()),
        daily_calorie_target: Some(2200),
        ..Answers::default()
    };
    let current = programs::create_offline(&store, &me, &answers, start).await.unwrap();
    let server = MockServer::start().await;
    let (responder, calls) = model(false, 0, 0);
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(Slow(responder))
        .mount(&server)
        .await;
    let p = provider(ProviderKind::Groq, "llama-3.3-70b-versatile", &server);

    let (weeks_tx, mut weeks_rx) = tokio::sync::mpsc::unbounded_channel();
    let task = {
        let (store, me) = (store.clone(), me.clone());
        tokio::spawn(async move {
            let mut progress = |pr: ai::Progress| {
                let _ = weeks_tx.send(pr.week);
            };
            ai::create_with_ai(&store, &me, &p, &questionnaire(), start, &mut progress).await
        })
    };
    while let Some(week) = weeks_rx.recv().await {
        if week >= 4 {
            task.abort();
            break;
        }
    }
    assert!(task.await.unwrap_err().is_cancelled());
    assert!(calls.load(Ordering::SeqCst) < 12, "stopped before the last week");

    let programs: Vec<(String, bool)> = sqlx::query_as("SELECT id, is_active FROM ai_generated_programs")
        .fetch_all(store.pool())
        .await
        .unwrap();
    assert_eq!(programs, vec![(current.clone(), true)]);
    let days: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM ai_program_days").fetch_one(store.pool()).await.unwrap();
    assert_eq!(days, 84, "only the current program's days");
}
