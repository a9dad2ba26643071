//! Voice notes read on this computer: real spoken clips (espeak-ng, committed
//! in tests/fixtures/voice) transcribed by the real faster-whisper tiny.en
//! model that scripts/setup.sh installs, then read by the offline parser
//! into meal rows. No provider, no network.
#![cfg(feature = "local-voice")]
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod support;

use std::path::Path;

use serde_json::json;
use wagner::ai::{ProviderKind, RetryPolicy};
use wagner::nutrition::MealCategory;
use wagner::profile::Profile;
use wagner::quick_entry::pipeline::{self, Processed, Reader};
use wagner::quick_entry::{self, InputType, ProcessingStatus};
use wagner::{Store, attachments, voice};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn clip(name: &str) -> (Vec<u8>, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/voice").join(name);
    attachments::read_user_file(&path).unwrap()
}

async fn setup() -> (tempfile::TempDir, Store, Profile) {
    assert!(
        voice::available(),
        "the offline speech model is needed: {} (scripts/setup.sh installs it)",
        voice::unavailable_reason().unwrap_or_default()
    );
    let (dir, store, me) = support::store_with_profile("Vic", "UTC").await;
    wagner::nutrition::foods::ensure_loaded(&store).await.unwrap();
    (dir, store, me)
}

async fn log_voice(store: &Store, me: &Profile, name: &str) -> String {
    let entry = quick_entry::log_with_attachments(store, me, None, &[clip(name)], wagner::clock::now())
        .await
        .unwrap();
    assert_eq!(entry.input_type, InputType::Voice);
    entry.id
}

/// (name, quantity) of every food, and the meal's category.
fn read(done: &Processed) -> (Vec<(String, f64)>, Option<MealCategory>) {
    assert_eq!(done.extraction.meals.len(), 1, "{:?}", done.extraction);
    let meal = &done.extraction.meals[0];
    (meal.foods.iter().map(|f| (f.name.clone(), f.quantity)).collect(), meal.category)
}

#[tokio::test]
async fn a_wav_note_becomes_a_breakfast_without_any_provider() {
    let (_dir, store, me) = setup().await;
    let id = log_voice(&store, &me, "breakfast.wav").await;
    let done = pipeline::process(&store, &me, &id, Reader::Offline).await.unwrap();

    assert_eq!(done.entry.processing_status, ProcessingStatus::Completed);
    let said = done.entry.raw_transcription.clone().unwrap().to_lowercase();
    assert!(said.contains("eggs") && said.contains("toast") && said.contains("breakfast"), "{said}");
    let (foods, category) = read(&done);
    assert_eq!(foods, vec![("eggs".to_string(), 2.0), ("toast".to_string(), 1.0)]);
    assert_eq!(category, Some(MealCategory::Breakfast));

    // The meal row is there, linked to the entry, with nutrition from the food data.
    let (category, kcal, entry_id): (String, f64, String) =
        sqlx::query_as("SELECT category, total_calories, quick_entry_log_id FROM meal_logs WHERE id = ?")
            .bind(&done.meal_log_ids[0])
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!((category.as_str(), entry_id.as_str()), ("breakfast", id.as_str()));
    assert!(kcal > 100.0, "two eggs and toast have calories: {kcal}");
    let data: String = sqlx::query_scalar("SELECT ai_extracted_data FROM quick_entry_logs WHERE id = ?")
        .bind(&id)
        .fetch_one(store.pool())
        .await
        .unwrap();
    let data: serde_json::Value = serde_json::from_str(&data).unwrap();
    assert_eq!(data["transcribed_by"], json!(voice::LOCAL_MODEL_LABEL));
}

#[tokio::test]
async fn mp3_ogg_and_m4a_notes_are_decoded_and_read() {
    let (_dir, store, me) = setup().await;
    let id = log_voice(&store, &me, "lunch.mp3").await;
    let done = pipeline::process(&store, &me, &id, Reader::Offline).await.unwrap();
    let (foods, category) = read(&done);
    assert_eq!(
        foods,
        vec![("eggs".to_string(), 3.0), ("banana".to_string(), 1.0)],
        "{:?}",
        done.entry.raw_transcription
    );
    assert_eq!(category, Some(MealCategory::Lunch));

    // "A banana and a glass of milk": tiny.en often drops the unstressed
    // opening of this synthetic voice; the milk must always come through.
    for name in ["snack.ogg", "snack.m4a"] {
        let id = log_voice(&store, &me, name).await;
        let done = pipeline::process(&store, &me, &id, Reader::Offline).await.unwrap();
        let (foods, _) = read(&done);
        assert!(
            foods.iter().any(|(n, _)| n.contains("milk")),
            "{name}: {foods:?} from {:?}",
            done.entry.raw_transcription
        );
    }
}

#[tokio::test]
async fn when_the_provider_cannot_transcribe_the_local_model_does() {
    let (_dir, store, me) = setup().await;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/audio/transcriptions"))
        .respond_with(
            ResponseTemplate::new(500)
                .set_body_json(json!({"error": {"message": "down", "type": "server_error"}})),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(
            ResponseTemplate::new(500)
                .set_body_json(json!({"error": {"message": "down", "type": "server_error"}})),
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
    let id = log_voice(&store, &me, "breakfast.wav").await;
    let done = pipeline::process(&store, &me, &id, Reader::Ai(&p)).await.unwrap();
    let (foods, _) = read(&done);
    assert_eq!(foods[0], ("eggs".to_string(), 2.0));
    assert!(!server.received_requests().await.unwrap().is_empty(), "the provider was tried first");
}

#[tokio::test]
async fn silence_is_a_clear_failure_not_invented_words() {
    let (_dir, store, me) = setup().await;
    let mut wav = std::io::Cursor::new(Vec::new());
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 16_000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::new(&mut wav, spec).unwrap();
    for _ in 0..32_000 {
        w.write_sample(0i16).unwrap();
    }
    w.finalize().unwrap();
    let entry = quick_entry::log_with_attachments(
        &store,
        &me,
        None,
        &[(wav.into_inner(), "quiet.wav".into())],
        wagner::clock::now(),
    )
    .await
    .unwrap();
    let err = pipeline::process(&store, &me, &entry.id, Reader::Offline).await.unwrap_err();
    assert_eq!(err.code(), "transcription", "{err}");
    assert!(err.to_string().contains("no speech"), "{err}");
    let entry = quick_entry::get(&store, &me.id, &entry.id).await.unwrap();
    assert_eq!(entry.processing_status, ProcessingStatus::Failed);
}
