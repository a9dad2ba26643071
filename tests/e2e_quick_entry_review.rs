//! End-to-end: a new user with no AI provider types a meal of everyday foods
//! in the window and Today shows a non-zero total; then a meal with a food
//! the database does not know waits for review, and one click on a candidate
//! in the review panel completes it and adds its calories to the day.
//! Run by scripts/test.sh under xvfb-run.

#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod e2e_support;

use e2e_support::*;
use wagner::{Store, nutrition, profile, quick_entry};

/// A new user's database as `wagner init` leaves it: a profile and the bundled foods.
async fn new_user_db(dir: &std::path::Path) -> std::path::PathBuf {
    let db = dir.join("wagner.db");
    let store = Store::open(&db).await.unwrap();
    let mut conn = store.pool().acquire().await.unwrap();
    profile::create(
        &mut conn,
        profile::NewProfile { full_name: "Ana".into(), time_zone: Some("UTC".into()), ..Default::default() },
    )
    .await
    .unwrap();
    drop(conn);
    nutrition::foods::ensure_loaded(&store).await.unwrap();
    store.close().await;
    db
}

async fn today_kcal(db: &std::path::Path) -> f64 {
    let store = Store::open(db).await.unwrap();
    let me = profile::require_default(&store).await.unwrap();
    let today = wagner::clock::local_date(wagner::clock::now(), me.tz());
    let kcal = nutrition::day(&store, &me, today).await.unwrap().calories;
    store.close().await;
    kcal
}

#[tokio::test]
#[ignore = "drives the real window: run by scripts/test.sh under xvfb-run"]
async fn everyday_meal_counts_on_today_and_an_unknown_food_is_picked_in_the_review_panel() {
    let dir = tempfile::tempdir().unwrap();
    let db = new_user_db(dir.path()).await;
    let driver = start_driver(&db).await;
    let client = open_window(&driver).await;
    // A new user: the welcome screen, "start fresh" with the profile made at init.
    testid(&client, "welcome").await;
    testid(&client, "start-fresh").await.click().await.unwrap();
    testid(&client, "today-page").await;

    testid(&client, "quick-entry-input")
        .await
        .send_keys("2 eggs, toast and a glass of orange juice")
        .await
        .unwrap();
    testid(&client, "quick-entry-submit").await.click().await.unwrap();
    quick_entry_settles(&client, "completed").await;
    let eaten = today_kcal(&db).await;
    assert!(eaten > 150.0, "two eggs, toast and juice are more than 150 kcal: {eaten}");
    eventually("Today shows the meal's calories", || async {
        let shown = testid(&client, "today-calories").await.text().await.unwrap_or_default();
        if digits(&shown) == (eaten.round() as i64).to_string() {
            Ok(())
        } else {
            Err(format!("{shown:?} vs {eaten}"))
        }
    })
    .await;

    // A misspelt food: not found, so the entry waits for the user instead of a silent 0.
    testid(&client, "quick-entry-input").await.send_keys("lunch: rice and kombuchaa").await.unwrap();
    testid(&client, "quick-entry-submit").await.click().await.unwrap();
    let status = quick_entry_settles(&client, "review").await;
    assert!(status.contains("kombuchaa"), "the reason names the food: {status:?}");
    eventually("Today counts it as needing attention", || async {
        let text = testid(&client, "today-attention").await.text().await.unwrap_or_default();
        if text.contains("foods to pick") { Ok(()) } else { Err(text) }
    })
    .await;
    let with_rice = today_kcal(&db).await;
    assert!(with_rice > eaten, "the rice counts already");

    testid(&client, "quick-entry-review").await.click().await.unwrap();
    testid(&client, "food-picker").await;
    save_screenshot(&client, "quick-entry-food-picker").await;
    let candidates = texts(&client, "food-picker-candidate").await;
    let at = candidates
        .iter()
        .position(|c| c.to_lowercase().contains("kombucha"))
        .unwrap_or_else(|| panic!("a kombucha candidate with its kcal: {candidates:?}"));
    assert!(candidates[at].contains("kcal"), "{:?}", candidates[at]);
    let buttons =
        client.find_all(fantoccini::Locator::Css("[data-testid='food-picker-candidate']")).await.unwrap();
    buttons[at].click().await.unwrap();

    eventually("the entry completes and the day grows", || async {
        let store = Store::open(&db).await.unwrap();
        let me = profile::require_default(&store).await.unwrap();
        let entries = quick_entry::list(&store, &me.id, None, 5).await.unwrap();
        store.close().await;
        let kcal = today_kcal(&db).await;
        let done = entries.iter().all(|e| e.processing_status == quick_entry::ProcessingStatus::Completed);
        let shown = testid(&client, "today-calories").await.text().await.unwrap_or_default();
        if done && kcal > with_rice && digits(&shown) == (kcal.round() as i64).to_string() {
            Ok(())
        } else {
            Err(format!("done {done}, {kcal} kcal (was {with_rice}), window {shown:?}"))
        }
    })
    .await;
    testid(&client, "food-picker-done").await;
    client.close().await.unwrap();
}
