//! End-to-end: the coach chat in the real window. The app is pointed at a
//! loopback OpenAI-compatible server (as chosen in Settings) that streams
//! the real chat SSE format; the answer appears with its sources, tokens
//! and cost, and the offline coach answers from the demo data.

#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod e2e_support;

use e2e_support::*;
use wagner::ai::{ProviderConfig, ProviderKind};
use wagner::{Store, profile};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn stream(pieces: &[&str]) -> String {
    let mut out = String::new();
    for p in pieces {
        let chunk = serde_json::json!({"id": "c1", "object": "chat.completion.chunk", "model": "qwen2.5:7b",
            "choices": [{"index": 0, "delta": {"content": p}, "finish_reason": null}]});
        out.push_str(&format!("data: {chunk}\n\n"));
    }
    let usage = serde_json::json!({"id": "c1", "object": "chat.completion.chunk", "model": "qwen2.5:7b",
        "choices": [], "usage": {"prompt_tokens": 812, "completion_tokens": 23}});
    out.push_str(&format!("data: {usage}\n\ndata: [DONE]\n\n"));
    out
}

#[tokio::test]
#[ignore = "drives the real window: run by scripts/test.sh under xvfb-run"]
async fn a_question_gets_a_streamed_answer_with_its_sources() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path()).await;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            stream(&["Your easy runs ", "look steady; ", "keep the long run easy too."]),
            "text/event-stream",
        ))
        .mount(&server)
        .await;
    {
        let store = Store::open(&db).await.unwrap();
        let me = profile::require_default(&store).await.unwrap();
        let config = ProviderConfig {
            kind: ProviderKind::OpenaiCompatible,
            model: "qwen2.5:7b".into(),
            base_url: Some(format!("{}/v1", server.uri())),
            transcription_model: None,
            monthly_budget_usd: None,
            requests_per_minute: None,
            vision: None,
        };
        wagner::ai::save_config(&store, &me.id, Some(&config)).await.unwrap();
        store.close().await;
    }
    let driver = start_driver(&db).await;
    let client = open_window(&driver).await;
    testid(&client, "today-page").await;
    testid(&client, "nav-coach").await.click().await.unwrap();
    testid(&client, "coach-page").await;

    let input = testid(&client, "coach-input").await;
    input.send_keys("How did my easy run go?").await.unwrap();
    // Enter sends.
    input.send_keys("\u{E007}").await.unwrap();
    eventually("the streamed answer is shown with its cost", || async {
        let answers: Vec<String> = texts(&client, "coach-message")
            .await
            .into_iter()
            .filter(|t| t.contains("keep the long run easy too."))
            .collect();
        let costs = texts(&client, "coach-message-cost").await;
        if answers.len() == 1 && costs.iter().any(|c| c.contains("835 tokens")) {
            Ok(())
        } else {
            Err(format!("{answers:?} {costs:?}"))
        }
    })
    .await;
    let sources = texts(&client, "coach-source").await;
    assert!(sources.iter().any(|s| s.contains("Easy run")), "{sources:?}");
    let link = client
        .find(Locator::Css("[data-testid='coach-source'][data-kind='activity']"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(link.contains("#/activities/"), "{link}");
    assert_eq!(count(&client, "coach-conversation").await, 1);
    save_screenshot(&client, "coach-streamed").await;

    // The same question offline: answered from the data, labelled offline.
    testid(&client, "coach-offline-toggle").await.click().await.unwrap();
    let input = testid(&client, "coach-input").await;
    input.send_keys("How much protein did I average this week?\u{E007}").await.unwrap();
    eventually("the offline answer is labelled", || async {
        let labels = count(&client, "coach-offline-label").await;
        let all = texts(&client, "coach-message").await;
        if labels >= 1 && all.iter().any(|t| t.contains("[offline] You averaged")) {
            Ok(())
        } else {
            Err(format!("{labels} labels, {all:?}"))
        }
    })
    .await;
    let store = Store::open(&db).await.unwrap();
    let me = profile::require_default(&store).await.unwrap();
    let list = wagner::coach::conversations(&store, &me.id).await.unwrap();
    assert_eq!((list.len(), list[0].messages, list[0].tokens), (1, 4, 835));
    client.close().await.unwrap();
}
