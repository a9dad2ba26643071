//! Voice notes when this computer has no offline speech model: the entry
//! waits, clearly marked, and is read once a transcription provider is set
//! up. (Its own test binary: it points WAGNER_MODELS_DIR at an empty folder
//! for the whole process.)

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod support;

use serde_json::json;
use wagner::ai::{ProviderKind, RetryPolicy};
use wagner::profile::Profile;
use wagner::quick_entry::pipeline::{self, Reader};
use wagner::quick_entry::{self, InputType, ProcessingStatus};
use wagner::{Store, voice};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn setup() -> (tempfile::TempDir, Store, Profile) {
    let (dir, store, me) = support::store_with_profile("Pia", "UTC").await;
    let empty = dir.path().join("no-models");
    std::fs::create_dir_all(&empty).unwrap();
    // SAFETY: the only test in this binary sets it before any thread reads it.
    unsafe { std::env::set_var(voice::MODELS_ENV, &empty) };
    assert!(!voice::available());
    (dir, store, me)
}

#[tokio::test]
async fn a_voice_note_waits_for_transcription_then_is_read() {
    let (_dir, store, me) = setup().await;
    // A minimal WAV header is enough: the audio is only passed on to the transcriber.
    let mut wav = b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x80\x3e\x00\x00\x00\x7d\x00\x00\x02\x00\x10\x00data\x00\x00\x00\x00".to_vec();
    wav.extend(std::iter::repeat_n(0u8, 64));
    // Recorded mid-morning; what was said is about yesterday's breakfast.
    let recorded = chrono::DateTime::parse_from_rfc3339("2026-12-10T10:15:00Z").unwrap().to_utc();
    let entry =
        quick_entry::log_with_attachments(&store, &me, None, &[(wav, "breakfast.wav".into())], recorded)
            .await
            .unwrap();
    assert_eq!(entry.logged_at, "2026-12-10T10:15:00.000Z", "no words yet: when it was recorded");
    assert_eq!(entry.input_type, InputType::Voice);
    let err = pipeline::process(&store, &me, &entry.id, Reader::Offline).await.unwrap_err();
    assert_eq!(err.code(), "waiting");
    assert!(err.to_string().contains("needs transcription"), "{err}");
    assert!(err.to_string().contains("scripts/setup.sh"), "says how to get the model: {err}");
    assert_eq!(
        quick_entry::get(&store, &me.id, &entry.id).await.unwrap().processing_status,
        ProcessingStatus::Pending
    );

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/audio/transcriptions"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"text": " Yesterday, two eggs and toast for breakfast."})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(
            ResponseTemplate::new(500)
                .set_body_json(json!({"error": {"message": "model crashed", "type": "server_error"}})),
        )
        .mount(&server)
        .await;
    let retry = RetryPolicy { attempts: 1, ..RetryPolicy::default() };
    let p = support::loopback_provider(
        ProviderKind::Groq,
        "llama-3.3-70b-versatile",
        &server.uri(),
        "test-key",
        retry,
    );
    // Transcribed by the provider; its chat model fails, so the transcript is read offline.
    let done = pipeline::process(&store, &me, &entry.id, Reader::Ai(&p)).await.unwrap();
    assert_eq!(done.entry.raw_transcription.as_deref(), Some("Yesterday, two eggs and toast for breakfast."));
    assert_eq!(done.extraction.meals[0].foods[0].quantity, 2.0);
    assert_eq!(done.extraction.meals[0].category, Some(wagner::nutrition::MealCategory::Breakfast));
    // The spoken day word is read once the transcript is there: yesterday at breakfast.
    assert_eq!(done.entry.logged_at, "2026-12-09T08:00:00.000Z");
    let day: String = sqlx::query_scalar("SELECT local_date FROM meal_logs WHERE id = ?")
        .bind(&done.meal_log_ids[0])
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(day, "2026-12-09");
}
