//! The coach chat end to end on a real database: answers streamed from
//! loopback servers speaking the real SSE formats of Anthropic Messages and
//! OpenAI-compatible chat (including a stream that breaks off and a 429),
//! the offline coach checked against numbers computed here from the rows
//! inserted, and conversations with their tokens and cost.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod support;

use std::time::Duration;

use chrono::{DateTime, Duration as Days, NaiveDate, TimeZone, Utc};
use serde_json::{Value, json};
use wagner::Store;
use wagner::activities::{self, ActivitySource, ActivityType, NewActivity, NewSegment};
use wagner::ai::{Cancel, Provider, ProviderConfig, ProviderKind, RetryPolicy};
use wagner::body::{self, BodySource, NewMeasurement};
use wagner::coach::{self, AskOptions, CoachEvent, Message};
use wagner::nutrition::{self, MealCategory, MealFood, MealSource, NewMeal};
use wagner::profile::Profile;
use wiremock::matchers::{body_partial_json, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const FAKE_KEY: &str = "test-key-not-a-real-secret";

fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        attempts: 2,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(100),
        timeout: Duration::from_secs(5),
    }
}

fn provider(kind: ProviderKind, model: &str, server: &MockServer) -> Provider {
    support::loopback_provider(kind, model, &server.uri(), FAKE_KEY, fast_retry())
}

/// Noon UTC on a fixed day: "today" for every test.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap()
}

fn today() -> NaiveDate {
    now().date_naive()
}

async fn meal(store: &Store, me: &Profile, at: DateTime<Utc>, name: &str, kcal: f64, protein: f64) {
    let mut conn = store.pool().acquire().await.unwrap();
    nutrition::insert_meal(
        &mut conn,
        me,
        &NewMeal {
            category: MealCategory::Lunch,
            logged_at: at,
            name: Some(name.into()),
            foods: vec![MealFood {
                name: name.into(),
                quantity: 1.0,
                unit: "serving".into(),
                grams: None,
                calories: kcal,
                protein_g: protein,
                carbs_g: 10.0,
                fat_g: 5.0,
                food_id: None,
                nutrients: Default::default(),
            }],
            source: MealSource::Manual,
            quick_entry_log_id: None,
            ai_extracted: false,
            ai_confidence: None,
            image_url: None,
        },
    )
    .await
    .unwrap();
}

#[allow(clippy::too_many_arguments)]
async fn activity(
    store: &Store,
    me: &Profile,
    at: DateTime<Utc>,
    kind: ActivityType,
    name: &str,
    km: Option<f64>,
    minutes: i64,
    sets: &[(&str, i64, f64)],
) -> String {
    let mut conn = store.pool().acquire().await.unwrap();
    activities::insert(
        &mut conn,
        me,
        &NewActivity {
            name: name.into(),
            activity_type: kind,
            source: ActivitySource::Manual,
            start_date: at,
            elapsed_time_seconds: minutes * 60,
            moving_time_seconds: None,
            distance_meters: km.map(|k| k * 1000.0),
            calories: None,
            average_heartrate: None,
            notes: None,
            quick_entry_log_id: None,
            ai_extracted: false,
            segments: sets
                .iter()
                .map(|(ex, reps, kg)| NewSegment {
                    exercise_name: Some(ex.to_string()),
                    reps: Some(*reps),
                    weight_kg: Some(*kg),
                    ..NewSegment::default()
                })
                .collect(),
        },
    )
    .await
    .unwrap()
}

async fn weigh(store: &Store, me: &Profile, at: DateTime<Utc>, kg: f64) {
    let mut conn = store.pool().acquire().await.unwrap();
    body::insert(
        &mut conn,
        me,
        &NewMeasurement {
            measured_at: at,
            weight_kg: Some(kg),
            body_fat_pct: None,
            measurements: Default::default(),
            source: BodySource::Manual,
            quick_entry_log_id: None,
            ai_extracted: false,
        },
    )
    .await
    .unwrap();
}

/// A month of data: meals on most days, runs, a leg day, weigh-ins.
struct Data {
    /// (date, kcal, protein) per meal.
    meals: Vec<(NaiveDate, f64, f64)>,
    weights: Vec<(NaiveDate, f64)>,
    long_run_id: String,
    long_run_date: NaiveDate,
}

async fn seed(store: &Store, me: &Profile) -> Data {
    let mut meals = Vec::new();
    for d in 0..28i64 {
        if d % 5 == 3 {
            continue; // days without a log must not drag the average down
        }
        let at = now() - Days::days(d) - Days::hours(2);
        let (kcal, protein) = (1800.0 + 37.0 * d as f64, 90.0 + (d % 4) as f64 * 11.5);
        meal(store, me, at, if d == 2 { "salmon poke bowl" } else { "chicken rice" }, kcal, protein).await;
        meals.push((at.date_naive(), kcal, protein));
    }
    // A second meal today.
    meal(store, me, now() - Days::hours(5), "greek yogurt", 220.0, 20.0).await;
    meals.push((today(), 220.0, 20.0));

    let long_run_date = today() - Days::days(9);
    let long_run_id =
        activity(store, me, now() - Days::days(9), ActivityType::Run, "Sunday long run", Some(12.4), 68, &[])
            .await;
    activity(store, me, now() - Days::days(2), ActivityType::Run, "Easy run", Some(6.0), 35, &[]).await;
    activity(store, me, now() - Days::days(20), ActivityType::Run, "Old long run", Some(15.0), 85, &[]).await;
    activity(
        store,
        me,
        now() - Days::days(4),
        ActivityType::Strength,
        "Leg day",
        None,
        50,
        &[("Back squat", 5, 100.0), ("Back squat", 5, 105.0), ("Romanian deadlift", 8, 80.0)],
    )
    .await;
    sqlx::query("UPDATE activities SET training_load = elapsed_time_seconds / 60.0 WHERE user_id = ?")
        .bind(&me.id)
        .execute(store.pool())
        .await
        .unwrap();

    let mut weights = Vec::new();
    for d in [27i64, 20, 13, 6, 1] {
        let kg = 84.0 - (27 - d) as f64 * 0.08;
        weigh(store, me, now() - Days::days(d) - Days::hours(4), kg).await;
        weights.push(((now() - Days::days(d)).date_naive(), kg));
    }
    Data { meals, weights, long_run_id, long_run_date }
}

async fn setup() -> (tempfile::TempDir, Store, Profile, Data) {
    let (dir, store, me) = support::store_with_profile("Ada", "UTC").await;
    sqlx::query("UPDATE users SET daily_calorie_target = 2400, daily_protein_target_g = 140 WHERE id = ?")
        .bind(&me.id)
        .execute(store.pool())
        .await
        .unwrap();
    let me = wagner::profile::get(&store, &me.id).await.unwrap();
    let data = seed(&store, &me).await;
    (dir, store, me, data)
}

/// Asks and collects the events.
async fn ask(
    store: &Store,
    me: &Profile,
    provider: Option<&Provider>,
    question: &str,
    conversation: Option<String>,
) -> (wagner::Result<Message>, Vec<CoachEvent>) {
    let mut events = Vec::new();
    let options = AskOptions { conversation_id: conversation, offline: false, now: Some(now()) };
    let result =
        coach::ask(store, me, provider, question, &options, &Cancel::new(), &mut |e| events.push(e)).await;
    (result, events)
}

fn deltas(events: &[CoachEvent]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            CoachEvent::Delta { text } => Some(text.clone()),
            _ => None,
        })
        .collect()
}

fn sse(events: &[(&str, Value)]) -> String {
    events.iter().map(|(name, data)| format!("event: {name}\ndata: {data}\n\n")).collect()
}

fn anthropic_stream(model: &str, pieces: &[&str], input: i64, output: i64, finish: bool) -> String {
    let mut ev: Vec<(&str, Value)> = vec![
        (
            "message_start",
            json!({"type": "message_start", "message": {"id": "msg_01", "type": "message", "role": "assistant",
                "content": [], "model": model, "stop_reason": null, "stop_sequence": null,
                "usage": {"input_tokens": input, "output_tokens": 1}}}),
        ),
        (
            "content_block_start",
            json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
        ),
        ("ping", json!({"type": "ping"})),
    ];
    for p in pieces {
        ev.push((
            "content_block_delta",
            json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": p}}),
        ));
    }
    if finish {
        ev.push(("content_block_stop", json!({"type": "content_block_stop", "index": 0})));
        ev.push((
            "message_delta",
            json!({"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": null}, "usage": {"output_tokens": output}}),
        ));
        ev.push(("message_stop", json!({"type": "message_stop"})));
    } else {
        ev.push((
            "error",
            json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}),
        ));
    }
    sse(&ev)
}

fn openai_stream(model: &str, pieces: &[&str], prompt: i64, completion: i64, finish: bool) -> String {
    let chunk = |delta: Value, finish: Value| {
        json!({"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1764072000, "model": model,
               "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
    };
    let mut out = format!("data: {}\n\n", chunk(json!({"role": "assistant", "content": ""}), Value::Null));
    for p in pieces {
        out.push_str(&format!("data: {}\n\n", chunk(json!({"content": p}), Value::Null)));
    }
    if finish {
        out.push_str(&format!("data: {}\n\n", chunk(json!({}), json!("stop"))));
        out.push_str(&format!(
            "data: {}\n\n",
            json!({"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1764072000, "model": model,
                   "choices": [], "usage": {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}})
        ));
        out.push_str("data: [DONE]\n\n");
    }
    out
}

fn event_stream(body: String) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("content-type", "text/event-stream")
        .set_body_raw(body, "text/event-stream")
}

#[tokio::test]
async fn anthropic_answers_stream_and_are_stored_with_tokens_cost_and_sources() {
    let (_dir, store, me, data) = setup().await;
    let server = MockServer::start().await;
    let pieces = ["Your long run on ", "2026-11-16 was 12.4 km", " — nice work."];
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .and(header("x-api-key", FAKE_KEY))
        .and(header("anthropic-version", "2023-06-01"))
        .and(body_partial_json(json!({"stream": true, "model": "claude-haiku-4-5"})))
        .respond_with(event_stream(anthropic_stream("claude-haiku-4-5-20251001", &pieces, 1_200, 42, true)))
        .expect(1)
        .mount(&server)
        .await;
    let p = provider(ProviderKind::Anthropic, "claude-haiku-4-5", &server);
    let (result, events) = ask(&store, &me, Some(&p), "How did my sunday long run go?", None).await;
    let message = result.unwrap();

    assert_eq!(deltas(&events), pieces);
    assert!(matches!(&events[0], CoachEvent::Started { offline: false, .. }));
    assert_eq!(message.content, pieces.concat());
    assert_eq!(message.role, "assistant");
    assert_eq!(message.ai_provider.as_deref(), Some("anthropic"));
    assert_eq!(message.ai_model.as_deref(), Some("claude-haiku-4-5-20251001"));
    assert_eq!((message.tokens_input, message.tokens_output), (Some(1_200), Some(42)));
    // claude-haiku-4-5: $1 / $5 per million tokens.
    let cost = (1_200.0 * 1.0 + 42.0 * 5.0) / 1e6;
    assert!((message.cost_usd - cost).abs() < 1e-12, "{}", message.cost_usd);
    let used = message.context_used.clone().unwrap();
    assert!(!used.offline);
    let first = &used.retrieved[0];
    assert_eq!((first.kind.as_str(), first.id.as_str()), ("activity", data.long_run_id.as_str()));
    assert_eq!(first.date, data.long_run_date.to_string());
    assert!(
        used.stats.contains(&"weight_trend".to_string()) && used.stats.contains(&"training_load".to_string())
    );
    // The sources event came before the answer and matches what was stored.
    let sources = events.iter().find_map(|e| match e {
        CoachEvent::Sources { sources } => Some(sources.clone()),
        _ => None,
    });
    assert_eq!(sources.unwrap(), used.retrieved);

    // The request carried the context: targets, the weight trend, the run.
    let request: Value = server.received_requests().await.unwrap()[0].body_json().unwrap();
    let system = request["system"].as_str().unwrap();
    assert!(system.contains("target 2400 kcal") && system.contains("Sunday long run"), "{system}");
    assert_eq!(request["messages"].as_array().unwrap().len(), 1);

    // Stored: the question and the answer, with the month's spend recorded.
    let stored = coach::messages(&store, &me.id, &message.conversation_id).await.unwrap();
    assert_eq!(stored.iter().map(|m| m.role.as_str()).collect::<Vec<_>>(), ["user", "assistant"]);
    assert_eq!(stored[0].content, "How did my sunday long run go?");
    let spend: f64 = sqlx::query_scalar(
        "SELECT month_spend_usd FROM rate_limits WHERE user_id = ? AND provider = 'anthropic'",
    )
    .bind(&me.id)
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert!((spend - cost).abs() < 1e-12);
    let raw: String = sqlx::query_scalar("SELECT context_used FROM coach_messages WHERE id = ?")
        .bind(&message.id)
        .fetch_one(store.pool())
        .await
        .unwrap();
    let raw: Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(raw["retrieved"][0]["id"], json!(data.long_run_id));
    assert!(raw["retrieved"][0]["score"].as_f64().unwrap() > 0.0);
}

#[tokio::test]
async fn openai_compatible_streams_with_a_final_usage_chunk_and_conversations_sum_their_cost() {
    let (_dir, store, me, _data) = setup().await;
    let server = MockServer::start().await;
    let model = "llama-3.3-70b-versatile";
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(header("authorization", format!("Bearer {FAKE_KEY}").as_str()))
        .and(body_partial_json(json!({"stream": true, "stream_options": {"include_usage": true}})))
        .respond_with(event_stream(openai_stream(model, &["Keep ", "protein ", "high."], 900, 30, true)))
        .mount(&server)
        .await;
    let p = provider(ProviderKind::Groq, model, &server);
    let (first, events) = ask(&store, &me, Some(&p), "Is my protein ok?", None).await;
    let first = first.unwrap();
    assert_eq!(deltas(&events), ["Keep ", "protein ", "high."]);
    assert_eq!(first.content, "Keep protein high.");
    assert_eq!((first.tokens_input, first.tokens_output), (Some(900), Some(30)));
    let cost = (900.0 * 0.59 + 30.0 * 0.79) / 1e6;
    assert!((first.cost_usd - cost).abs() < 1e-12);

    // A follow-up in the same conversation sends the history and adds up.
    let (second, _) = ask(&store, &me, Some(&p), "And carbs?", Some(first.conversation_id.clone())).await;
    let second = second.unwrap();
    assert_eq!(second.conversation_id, first.conversation_id);
    assert!((second.conversation_cost_usd - 2.0 * cost).abs() < 1e-12);
    let requests = server.received_requests().await.unwrap();
    let body: Value = requests[1].body_json().unwrap();
    let roles: Vec<&str> =
        body["messages"].as_array().unwrap().iter().map(|m| m["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["system", "user", "assistant", "user"]);
    assert_eq!(body["messages"][2]["content"], "Keep protein high.");

    let list = coach::conversations(&store, &me.id).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!((list[0].messages, list[0].tokens), (4, 2 * 930));
    assert!((list[0].cost_usd - 2.0 * cost).abs() < 1e-12);
    assert_eq!(list[0].title, "Is my protein ok?");
    let month = wagner::clock::now().format("%Y-%m").to_string();
    let usage = coach::month_usage(&store, &me.id, &month).await.unwrap();
    assert_eq!((usage.answers, usage.tokens), (2, 1_860));
}

#[tokio::test]
async fn an_answer_that_breaks_off_midway_is_kept_with_the_reason() {
    let (_dir, store, me, _data) = setup().await;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(event_stream(anthropic_stream(
            "claude-haiku-4-5",
            &["You ran ", "twice"],
            500,
            0,
            false,
        )))
        .mount(&server)
        .await;
    let p = provider(ProviderKind::Anthropic, "claude-haiku-4-5", &server);
    let (result, events) = ask(&store, &me, Some(&p), "How many runs this week?", None).await;
    let message = result.unwrap();
    assert_eq!(deltas(&events), ["You ran ", "twice"]);
    let error = events.iter().find_map(|e| match e {
        CoachEvent::Error { message } => Some(message.clone()),
        _ => None,
    });
    assert!(error.unwrap().contains("Overloaded"));
    assert!(
        message.content.starts_with("You ran twice") && message.content.contains("Overloaded"),
        "{}",
        message.content
    );
    assert_eq!(message.tokens_input, Some(500));
    assert!(message.context_used.unwrap().provider_error.unwrap().contains("Overloaded"));

    // An OpenAI-compatible stream cut before [DONE] is kept the same way.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(event_stream(openai_stream("local-model", &["Half an ", "answer"], 0, 0, false)))
        .mount(&server)
        .await;
    let p = provider(ProviderKind::OpenaiCompatible, "local-model", &server);
    let (result, events) = ask(&store, &me, Some(&p), "Tell me something", None).await;
    let message = result.unwrap();
    assert!(events.iter().any(|e| matches!(e, CoachEvent::Error { .. })));
    assert!(message.content.starts_with("Half an answer\n\n["), "{}", message.content);
    assert_eq!(message.ai_provider.as_deref(), Some("openai_compatible"));
}

#[tokio::test]
async fn a_429_is_retried_and_when_it_persists_the_offline_coach_answers() {
    let (_dir, store, me, data) = setup().await;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(
            ResponseTemplate::new(429).insert_header("retry-after", "0").set_body_json(
                json!({"error": {"message": "Rate limit reached for model", "type": "tokens"}}),
            ),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(event_stream(openai_stream("llama-3.1-8b-instant", &["Fine."], 10, 2, true)))
        .mount(&server)
        .await;
    let p = provider(ProviderKind::Groq, "llama-3.1-8b-instant", &server);
    let (result, _) = ask(&store, &me, Some(&p), "Am I ok?", None).await;
    assert_eq!(result.unwrap().content, "Fine.");
    assert_eq!(server.received_requests().await.unwrap().len(), 2);

    // Always 429: the answer comes from the data, labelled offline, with the reason.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "0")
                .set_body_json(json!({"error": {"message": "Rate limit reached for model"}})),
        )
        .mount(&server)
        .await;
    let p = provider(ProviderKind::Groq, "llama-3.1-8b-instant", &server);
    let (result, events) = ask(&store, &me, Some(&p), "When did I last run 10k?", None).await;
    let message = result.unwrap();
    assert!(message.content.starts_with("[offline]"), "{}", message.content);
    assert!(message.content.contains("Rate limit reached"));
    assert!(message.content.contains(&data.long_run_date.to_string()), "{}", message.content);
    assert_eq!(message.ai_provider.as_deref(), Some("offline"));
    assert_eq!(message.cost_usd, 0.0);
    let used = message.context_used.unwrap();
    assert!(used.offline && used.provider_error.unwrap().contains("429"));
    assert_eq!(deltas(&events).concat(), message.content);
}

#[tokio::test]
async fn stopping_before_the_answer_starts_falls_back_to_the_data() {
    let (_dir, store, me, _data) = setup().await;
    let server = MockServer::start().await;
    // The answer takes a while to start: stopping wins.
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(
            event_stream(openai_stream("m", &["late"], 1, 1, true)).set_delay(Duration::from_secs(3)),
        )
        .mount(&server)
        .await;
    let p = provider(ProviderKind::OpenaiCompatible, "m", &server);
    let cancel = Cancel::new();
    let stopper = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        stopper.cancel();
    });
    let options = AskOptions { now: Some(now()), ..AskOptions::default() };
    let message =
        coach::ask(&store, &me, Some(&p), "quick question", &options, &cancel, &mut |_| {}).await.unwrap();
    // Nothing had arrived: the offline coach answered instead of leaving the user with nothing.
    assert!(message.content.starts_with("[offline]"), "{}", message.content);
    assert!(message.context_used.unwrap().provider_error.unwrap().contains("stopped"));
}

/// Offline answers, checked against numbers computed here from the rows.
#[tokio::test]
async fn offline_answers_match_the_data() {
    let (_dir, store, me, data) = setup().await;
    let offline = |q: &'static str| {
        let store = store.clone();
        let me = me.clone();
        async move {
            let options = AskOptions { offline: true, now: Some(now()), ..AskOptions::default() };
            coach::ask(&store, &me, None, q, &options, &Cancel::new(), &mut |_| {}).await.unwrap()
        }
    };

    // Average protein over the last 7 days, over the days with meals.
    let from = today() - Days::days(6);
    let mut days: std::collections::BTreeMap<NaiveDate, (f64, f64)> = Default::default();
    for (d, kcal, protein) in data.meals.iter().filter(|(d, _, _)| *d >= from) {
        let e = days.entry(*d).or_default();
        e.0 += kcal;
        e.1 += protein;
    }
    let avg_protein = days.values().map(|v| v.1).sum::<f64>() / days.len() as f64;
    let m = offline("How much protein did I average this week?").await;
    assert!(m.content.starts_with("[offline] "), "{}", m.content);
    assert!(
        m.content.contains(&format!("{avg_protein:.0} g of protein a day over the {} days", days.len())),
        "{}",
        m.content
    );
    assert!(m.content.contains("target is 140 g"));
    assert_eq!(m.ai_provider.as_deref(), Some("offline"));
    assert!(m.context_used.as_ref().unwrap().offline);

    // Average calories over the last 14 days.
    let from = today() - Days::days(13);
    let mut days: std::collections::BTreeMap<NaiveDate, f64> = Default::default();
    for (d, kcal, _) in data.meals.iter().filter(|(d, _, _)| *d >= from) {
        *days.entry(*d).or_default() += kcal;
    }
    let avg = days.values().sum::<f64>() / days.len() as f64;
    let m = offline("average calories over the last 2 weeks").await;
    assert!(m.content.contains(&format!("{avg:.0} kcal a day")), "{}", m.content);

    // The last run of 10 km or more (the newer 6 km run does not count).
    let m = offline("When did I last run 10k?").await;
    assert!(m.content.contains(&format!("on {} (9 days ago)", data.long_run_date)), "{}", m.content);
    assert!(m.content.contains("12.40 km in 1:08:00"), "{}", m.content);

    // The last squats: the leg day, with its sets.
    let m = offline("When did I last do squats?").await;
    let leg_day = today() - Days::days(4);
    assert!(m.content.contains(&format!("on {leg_day} (4 days ago)")), "{}", m.content);
    assert!(m.content.contains("Back squat, 2 sets, up to 5 reps, top weight 105.0 kg"), "{}", m.content);

    // Weight change over the last 4 weeks: first and last weigh-in in range.
    let in_range: Vec<_> = data.weights.iter().filter(|(d, _)| *d >= today() - Days::days(27)).collect();
    let (first, last) = (in_range[0], in_range[in_range.len() - 1]);
    let m = offline("How much weight have I lost in the last 4 weeks?").await;
    assert!(
        m.content.contains(&format!("changed by {:+.1} kg", last.1 - first.1))
            && m.content.contains(&first.0.to_string()),
        "{}",
        m.content
    );

    // Today's remaining calories.
    let eaten: f64 = data.meals.iter().filter(|(d, _, _)| *d == today()).map(|(_, k, _)| k).sum();
    let m = offline("How many calories do I have left today?").await;
    assert!(m.content.contains(&format!("You have {:.0} kcal left today", 2400.0 - eaten)), "{}", m.content);

    // Training load: CTL/ATL from the daily loads (minutes) computed here.
    let mut loads = std::collections::BTreeMap::<NaiveDate, f64>::new();
    for (days_ago, minutes) in [(9i64, 68.0), (2, 35.0), (20, 85.0), (4, 50.0)] {
        *loads.entry(today() - Days::days(days_ago)).or_default() += minutes;
    }
    let start = *loads.keys().next().unwrap();
    let (mut ctl, mut atl) = (0.0f64, 0.0f64);
    let mut d = start;
    while d <= today() {
        let l = loads.get(&d).copied().unwrap_or(0.0);
        ctl += (l - ctl) / 42.0;
        atl += (l - atl) / 7.0;
        d += Days::days(1);
    }
    let m = offline("what's my training load?").await;
    assert!(m.content.contains(&format!("Fitness (CTL) {ctl:.1}, fatigue (ATL) {atl:.1}")), "{}", m.content);

    // Anything else: the matching entries, labelled offline.
    let m = offline("what do you think of my salmon poke bowl?").await;
    assert!(m.content.starts_with("[offline]") && m.content.contains("salmon poke bowl"), "{}", m.content);
    let used = m.context_used.unwrap();
    assert_eq!(used.retrieved[0].kind, "meal");
    assert!(used.retrieved[0].text.contains("salmon poke bowl"));
}

#[tokio::test]
async fn bad_questions_and_unknown_conversations_are_refused() {
    let (_dir, store, me, _data) = setup().await;
    let (r, _) = ask(&store, &me, None, "   ", None).await;
    assert_eq!(r.unwrap_err().code(), "invalid_input");
    let (r, _) = ask(&store, &me, None, "hello", Some("no-such-conversation".into())).await;
    assert_eq!(r.unwrap_err().code(), "not_found");
    let count: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM coach_messages").fetch_one(store.pool()).await.unwrap();
    assert_eq!(count, 0);
}

#[tokio::test]
async fn long_conversations_are_trimmed_to_the_local_models_window() {
    let (_dir, store, me, _data) = setup().await;
    let conversation = wagner::new_id();
    // 60 earlier exchanges of ~400 tokens each: far beyond an 8k window.
    for i in 0..60 {
        for (role, text) in [
            ("user", format!("question {i} {}", "about protein ".repeat(100))),
            ("assistant", format!("answer {i} {}", "eat more eggs ".repeat(100))),
        ] {
            sqlx::query(
                "INSERT INTO coach_messages (id, user_id, conversation_id, role, content, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(wagner::new_id())
            .bind(&me.id)
            .bind(&conversation)
            .bind(role)
            .bind(text)
            .bind(wagner::clock::to_db(now() - Days::minutes(200 - i)))
            .execute(store.pool())
            .await
            .unwrap();
        }
    }
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(event_stream(openai_stream("small", &["ok"], 7000, 1, true)))
        .mount(&server)
        .await;
    let p = provider(ProviderKind::OpenaiCompatible, "small", &server);
    let (result, _) = ask(&store, &me, Some(&p), "so what now?", Some(conversation.clone())).await;
    let message = result.unwrap();
    let used = message.context_used.unwrap();
    assert!(used.trimmed_messages > 0);
    let request: &Request = &server.received_requests().await.unwrap()[0];
    let body: Value = request.body_json().unwrap();
    let msgs = body["messages"].as_array().unwrap();
    let chars: usize = msgs.iter().map(|m| m["content"].as_str().unwrap().len()).sum();
    // Within 8k tokens minus the answer, at ~4 characters a token.
    assert!(chars / 4 < 8_192 - 1_024, "{chars} characters sent");
    assert_eq!(msgs.last().unwrap()["content"], "so what now?");
    assert_eq!(msgs[1]["role"], "user");
    assert!(msgs[0]["content"].as_str().unwrap().contains("Earlier in this conversation"));
}

/// A loopback server that sends the first events of a stream and then
/// holds the connection open, as a slow model does.
async fn slow_stream_server(first: String) -> (String, tokio::task::JoinHandle<()>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    let handle = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buf = vec![0u8; 64 * 1024];
        let _ = socket.read(&mut buf).await;
        let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n";
        socket.write_all(head.as_bytes()).await.unwrap();
        socket.write_all(first.as_bytes()).await.unwrap();
        socket.flush().await.unwrap();
        tokio::time::sleep(Duration::from_secs(30)).await;
    });
    (url, handle)
}

#[tokio::test]
async fn deltas_arrive_before_the_stream_ends_and_stop_keeps_them() {
    let (_dir, store, me, _data) = setup().await;
    let first = openai_stream("local", &["First words", " of a long answer"], 0, 0, false);
    let (url, server) = slow_stream_server(first).await;
    let config = ProviderConfig {
        kind: ProviderKind::OpenaiCompatible,
        model: "local".into(),
        base_url: Some(url),
        transcription_model: None,
        monthly_budget_usd: None,
        requests_per_minute: None,
        vision: None,
    };
    let p = Provider::with_retry(config, None, fast_retry()).unwrap();
    let cancel = Cancel::new();
    let stopper = cancel.clone();
    let mut seen = Vec::new();
    // The user presses stop once the first words are on screen; the server
    // would keep the stream open for another 30 s.
    let options = AskOptions { now: Some(now()), ..AskOptions::default() };
    let message = coach::ask(&store, &me, Some(&p), "tell me a story", &options, &cancel, &mut |e| {
        if let CoachEvent::Delta { text } = &e {
            seen.push(text.clone());
            if seen.len() == 2 {
                stopper.cancel();
            }
        }
    })
    .await
    .unwrap();
    server.abort();
    assert_eq!(seen, ["First words", " of a long answer"]);
    assert_eq!(message.content, "First words of a long answer [stopped]");
    let used = message.context_used.unwrap();
    assert!(used.stopped && !used.offline);
}

fn wagner_cli(db: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_wagner"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("ANTHROPIC_API_KEY")
        .env_remove("GROQ_API_KEY")
        .env_remove("OPENROUTER_API_KEY")
        .output()
        .unwrap()
}

#[test]
fn the_cli_answers_offline_with_sources_and_lists_conversations_with_cost() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("wagner.db");
    assert!(wagner_cli(&db, &["init"]).status.success());
    assert!(wagner_cli(&db, &["demo"]).status.success());
    let out = wagner_cli(&db, &["coach", "--offline", "How much protein did I average this week?"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.starts_with("[offline] You averaged "), "{text}");
    assert!(text.contains("\nbased on: ") && text.contains("nutrition_7d"), "{text}");
    let id = text.trim_end().rsplit("conversation ").next().unwrap().to_string();

    let follow = wagner_cli(&db, &["coach", "--conversation", &id, "what about calories left today?"]);
    assert!(follow.status.success(), "{}", String::from_utf8_lossy(&follow.stderr));
    assert!(String::from_utf8_lossy(&follow.stdout).contains("kcal"));

    let list = wagner_cli(&db, &["coach", "--list"]);
    let list = String::from_utf8_lossy(&list.stdout);
    assert!(list.contains(&id) && list.contains("4 messages") && list.contains("$0.0000"), "{list}");
    assert!(list.contains("How much protein did I average this week?"));

    let none = wagner_cli(&db, &["coach"]);
    assert_eq!(none.status.code(), Some(1));
    let missing = wagner_cli(&db, &["coach", "--conversation", "nope", "hi"]);
    assert_eq!(missing.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&missing.stderr).lines().count(), 1);
}
