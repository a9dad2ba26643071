//! Photos, voice notes and PDFs in quick entry: copied into the data folder
//! by content hash, checked before anything is stored, and read offline
//! where possible or kept pending, clearly marked, until they can be.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod support;

use std::path::Path;

use serde_json::json;
use wagner::ai::{ProviderKind, RetryPolicy};
use wagner::profile::Profile;
use wagner::quick_entry::pipeline::{self, Reader};
use wagner::quick_entry::{self, InputType, ProcessingStatus};
use wagner::{Store, attachments};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn fixture(name: &str) -> (Vec<u8>, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/attachments").join(name);
    attachments::read_user_file(&path).unwrap()
}

async fn setup() -> (tempfile::TempDir, Store, Profile) {
    support::store_with_profile("Pia", "UTC").await
}

fn now() -> chrono::DateTime<chrono::Utc> {
    wagner::clock::now()
}

#[tokio::test]
async fn a_photo_with_text_is_kept_with_the_meal_and_its_thumbnail_is_upright() {
    let (dir, store, me) = setup().await;
    let photo = fixture("meal-rotated.jpg");
    let entry = quick_entry::log_with_attachments(
        &store,
        &me,
        Some("2 eggs and toast"),
        std::slice::from_ref(&photo),
        now(),
    )
    .await
    .unwrap();
    assert_eq!(entry.input_type, InputType::Multimodal);
    let stored = &entry.image_urls[0];
    assert!(stored.starts_with("attachments/") && stored.ends_with(".jpg"), "{stored}");
    assert_eq!(std::fs::read(dir.path().join(stored)).unwrap(), photo.0, "an exact copy");

    // The thumbnail has the EXIF orientation applied: the 60×30 photo is upright 30×60.
    let hash = stored.rsplit('/').next().unwrap().trim_end_matches(".jpg");
    let thumb = image::open(dir.path().join(format!("attachments/thumbnails/{hash}.jpg"))).unwrap();
    assert!(thumb.height() > thumb.width(), "{}×{}", thumb.width(), thumb.height());

    // No vision provider: the text is read offline and the photo goes with its meal.
    let done = pipeline::process(&store, &me, &entry.id, Reader::Offline).await.unwrap();
    let image_url: Option<String> = sqlx::query_scalar("SELECT image_url FROM meal_logs WHERE id = ?")
        .bind(&done.meal_log_ids[0])
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(image_url.as_deref(), Some(stored.as_str()));

    // The same photo again is stored once.
    let again =
        quick_entry::log_with_attachments(&store, &me, Some("a banana"), &[photo], now()).await.unwrap();
    assert_eq!(&again.image_urls[0], stored);
}

#[tokio::test]
async fn a_photo_alone_waits_for_a_vision_provider_or_a_description() {
    let (_dir, store, me) = setup().await;
    let entry =
        quick_entry::log_with_attachments(&store, &me, None, &[fixture("plate.png")], now()).await.unwrap();
    assert_eq!(entry.input_type, InputType::Image);
    let err = pipeline::process(&store, &me, &entry.id, Reader::Offline).await.unwrap_err();
    assert_eq!(err.code(), "waiting");
    let waiting = quick_entry::get(&store, &me.id, &entry.id).await.unwrap();
    assert_eq!(waiting.processing_status, ProcessingStatus::Pending, "kept, not failed");
    assert!(waiting.error_message.unwrap().contains("vision"));
}

#[tokio::test]
async fn a_vision_provider_reads_the_photo() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .and(|req: &Request| {
            let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap_or_default();
            let block = &body["messages"][0]["content"][0];
            block["type"] == "image" && block["source"]["media_type"] == "image/jpeg"
                && block["source"]["data"].as_str().is_some_and(|d| d.len() > 100)
        })
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "msg_01", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5-20250929",
            "content": [{"type": "tool_use", "id": "toolu_01", "name": "record_entry", "input": {
                "meals": [{"category": "lunch", "foods": [{"name": "caesar salad", "quantity": 1, "unit": "bowl", "grams": 300, "calories": 470, "protein_g": 12, "carbs_g": 20, "fat_g": 38}]}],
                "workouts": [], "measurements": [], "confidence": 0.7}}],
            "stop_reason": "tool_use", "usage": {"input_tokens": 1600, "output_tokens": 120}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let (_dir, store, me) = setup().await;
    let p = support::loopback_provider(
        ProviderKind::Anthropic,
        "claude-sonnet-4-5-20250929",
        &server.uri(),
        "test-key",
        RetryPolicy::default(),
    );
    let entry = quick_entry::log_with_attachments(&store, &me, None, &[fixture("meal-rotated.jpg")], now())
        .await
        .unwrap();
    let done = pipeline::process(&store, &me, &entry.id, Reader::Ai(&p)).await.unwrap();
    assert_eq!(done.extraction.meals[0].foods[0].name, "caesar salad");
    let (image_url, kcal): (Option<String>, f64) =
        sqlx::query_as("SELECT image_url, total_calories FROM meal_logs WHERE id = ?")
            .bind(&done.meal_log_ids[0])
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!(image_url.as_deref(), Some(entry.image_urls[0].as_str()));
    assert_eq!(kcal, 470.0);
}

#[tokio::test]
async fn a_pdf_label_is_read_from_its_text_layer() {
    let (_dir, store, me) = setup().await;
    let entry =
        quick_entry::log_with_attachments(&store, &me, None, &[fixture("label.pdf")], now()).await.unwrap();
    assert_eq!(entry.input_type, InputType::Pdf);
    let text = entry.raw_transcription.unwrap();
    assert!(text.contains("Nutrition Facts") && text.contains("Calories 190"), "{text}");
    assert!(entry.document_urls[0].ends_with(".pdf"));
}

#[tokio::test]
async fn a_bad_file_is_named_and_nothing_is_stored() {
    let (dir, store, me) = setup().await;
    let err = quick_entry::log_with_attachments(
        &store,
        &me,
        Some("lunch"),
        &[fixture("plate.png"), (b"just some text".to_vec(), "notes.jpg".into())],
        now(),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("notes.jpg: not a supported file"), "{err}");
    assert!(quick_entry::list(&store, &me.id, None, 10).await.unwrap().is_empty());
    assert!(!dir.path().join("attachments").exists(), "no file copied either");

    let huge = {
        let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
        v.resize(attachments::MAX_IMAGE_BYTES + 1, 0);
        v
    };
    let err = attachments::detect(&huge, "huge.png").unwrap_err();
    assert!(err.to_string().contains("huge.png") && err.to_string().contains("limit"), "{err}");
    // A damaged image after a good one: refused before the good one is copied.
    let damaged = b"\x89PNG\r\n\x1a\nnot really a png".to_vec();
    let err = quick_entry::log_with_attachments(
        &store,
        &me,
        None,
        &[fixture("bowl.webp"), (damaged, "broken.png".into())],
        now(),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("broken.png"), "{err}");
    assert!(!dir.path().join("attachments").exists());
}
