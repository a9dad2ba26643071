//! E2E: a voice note picked in the real window with no AI provider is
//! transcribed on this computer and its meal appears on Today.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod e2e_support;

use std::path::Path;
use std::time::{Duration, Instant};

use e2e_support::*;
use wagner::{Store, dashboard, profile};

#[tokio::test]
#[ignore = "drives the real window: run by scripts/test.sh under xvfb-run"]
async fn a_voice_note_with_no_provider_becomes_a_meal_on_today() {
    assert!(wagner::voice::available(), "{}", wagner::voice::unavailable_reason().unwrap_or_default());
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path()).await;
    {
        let store = Store::open(&db).await.unwrap();
        let me = profile::require_default(&store).await.unwrap();
        assert!(wagner::ai::load_config(&store, &me.id).await.unwrap().is_none(), "no provider configured");
        store.close().await;
    }
    let driver = start_driver(&db).await;
    let client = open_window(&driver).await;
    testid(&client, "today-page").await;

    let clip = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/voice/breakfast.wav");
    testid(&client, "quick-entry-file").await.send_keys(clip.to_str().unwrap()).await.unwrap();
    let chip = testid(&client, "quick-entry-chip").await;
    assert_eq!(chip.attr("data-kind").await.unwrap().as_deref(), Some("voice"));
    save_screenshot(&client, "voice-attached").await;

    testid(&client, "quick-entry-submit").await.click().await.unwrap();
    let status = quick_entry_settles_within(&client, "completed", Duration::from_secs(120)).await;
    assert!(status.contains("1 meal"), "status line: {status:?}");

    let store = Store::open(&db).await.unwrap();
    let me = profile::require_default(&store).await.unwrap();
    let entry = wagner::quick_entry::list(&store, &me.id, None, 1).await.unwrap().remove(0);
    assert_eq!(entry.input_type, wagner::quick_entry::InputType::Voice);
    let said = entry.raw_transcription.clone().unwrap_or_default().to_lowercase();
    assert!(said.contains("eggs") && said.contains("toast"), "transcript: {said:?}");
    let meal_id: String = sqlx::query_scalar("SELECT id FROM meal_logs WHERE quick_entry_log_id = ?")
        .bind(&entry.id)
        .fetch_one(store.pool())
        .await
        .unwrap();

    let today = dashboard::day(&store, &me, dashboard::today_for(&me)).await.unwrap();
    let meal = today.nutrition.meals.iter().find(|m| m.id == meal_id).expect("the meal is today's");
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let rows = texts_css(&client, "[data-testid='meal-row']").await;
        if rows.iter().any(|r| meal.foods.iter().all(|f| r.contains(&f.name))) {
            break;
        }
        assert!(Instant::now() < deadline, "the spoken meal {:?} is not on Today: {rows:?}", meal.foods);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    save_screenshot(&client, "voice-meal-on-today").await;
}
