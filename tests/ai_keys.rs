//! Provider API keys saved from Settings: kept in the secrets store (the OS
//! keyring, or here the private file beside the database, forced with
//! WAGNER_SECRETS=file so the test never touches a real keyring), used for
//! calls, overridden by the environment variable, never in the database.
//! Its own binary: it sets process-wide environment variables.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod support;

use serde_json::json;
use wagner::ai::keys::KeySource;
use wagner::ai::{self, ProviderConfig, ProviderKind};
use wagner::integrations::secrets;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SAVED: &str = "sk-or-v1-saved-from-settings-0123456789";
const FROM_ENV: &str = "sk-or-v1-from-the-environment-9876543210";

fn chat(content: &str) -> serde_json::Value {
    json!({
        "id": "gen-1764070000-abc", "object": "chat.completion", "created": 1764070000,
        "model": "openai/gpt-4o-mini",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1000, "completion_tokens": 100, "total_tokens": 1100}
    })
}

fn extraction() -> String {
    json!({
        "meals": [{"category": "snack", "foods": [
            {"name": "apple", "quantity": 1, "unit": "medium", "grams": 182, "calories": 95, "protein_g": 0.5, "carbs_g": 25.1, "fat_g": 0.3}
        ]}],
        "workouts": [], "measurements": [], "confidence": 0.9
    })
    .to_string()
}

#[tokio::test]
async fn a_key_saved_in_settings_is_used_overridden_by_the_env_and_never_stored_in_the_db() {
    // SAFETY: the only test in this binary; set before anything reads them.
    unsafe {
        std::env::set_var(secrets::BACKEND_ENV, "file");
        std::env::remove_var(ProviderKind::Openrouter.key_env());
    }
    let (dir, store, me) = support::store_with_profile("Kay", "UTC").await;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(header("authorization", format!("Bearer {SAVED}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(chat(&extraction())))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(header("authorization", format!("Bearer {FROM_ENV}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(chat(&extraction())))
        .expect(1)
        .mount(&server)
        .await;
    let config = ProviderConfig {
        kind: ProviderKind::Openrouter,
        model: "openai/gpt-4o-mini".into(),
        base_url: Some(format!("{}/v1", server.uri())),
        transcription_model: None,
        monthly_budget_usd: None,
        requests_per_minute: None,
        vision: None,
    };
    ai::save_config(&store, &me.id, Some(&config)).await.unwrap();

    // No key yet: offline, and Settings says so.
    let status = ai::status(&store, &me.id).await.unwrap();
    assert!(!status.key_present && !status.active);
    assert!(ai::configured_provider(&store, &me.id).await.unwrap().is_none());

    // A bad paste is refused without echoing it.
    let err = ai::keys::save(&store, ProviderKind::Openrouter, Some("two words")).unwrap_err();
    assert!(!err.to_string().contains("two words"), "{err}");

    ai::keys::save(&store, ProviderKind::Openrouter, Some(&format!("  {SAVED}\n"))).unwrap();
    let status = ai::status(&store, &me.id).await.unwrap();
    assert!(status.key_present && status.active);
    assert_eq!(status.key_source, Some(KeySource::File));
    assert!(status.key_store.contains("secrets.json"), "{}", status.key_store);
    assert!(!format!("{status:?}").contains(SAVED), "the status never carries the key");

    let p = ai::configured_provider(&store, &me.id).await.unwrap().unwrap();
    let entry = wagner::quick_entry::log_text(&store, &me, "an apple").await.unwrap();
    let done = wagner::quick_entry::pipeline::process(
        &store,
        &me,
        &entry.id,
        wagner::quick_entry::pipeline::Reader::Ai(&p),
    )
    .await
    .unwrap();
    assert_eq!(done.extraction.meals[0].foods[0].calories, 95.0, "read by the provider with the saved key");

    // The environment variable wins over the saved key.
    unsafe { std::env::set_var(ProviderKind::Openrouter.key_env(), FROM_ENV) };
    assert_eq!(ai::status(&store, &me.id).await.unwrap().key_source, Some(KeySource::Environment));
    let p = ai::configured_provider(&store, &me.id).await.unwrap().unwrap();
    let entry = wagner::quick_entry::log_text(&store, &me, "an apple").await.unwrap();
    wagner::quick_entry::pipeline::process(
        &store,
        &me,
        &entry.id,
        wagner::quick_entry::pipeline::Reader::Ai(&p),
    )
    .await
    .unwrap();
    unsafe { std::env::remove_var(ProviderKind::Openrouter.key_env()) };

    // Neither key is anywhere in the database files.
    store.pool().close().await;
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().is_some_and(|n| n.to_string_lossy().starts_with("wagner.db")) {
            let bytes = std::fs::read(&path).unwrap();
            for key in [SAVED, FROM_ENV] {
                assert!(
                    !bytes.windows(key.len()).any(|w| w == key.as_bytes()),
                    "{} holds a key",
                    path.display()
                );
            }
        }
    }

    // Clearing it from Settings: offline again.
    let store = wagner::Store::open(&dir.path().join("wagner.db")).await.unwrap();
    ai::keys::save(&store, ProviderKind::Openrouter, None).unwrap();
    let status = ai::status(&store, &me.id).await.unwrap();
    assert!(!status.key_present && !status.active);
}
