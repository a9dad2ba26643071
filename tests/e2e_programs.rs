//! End-to-end: the Programs page in the real window. Create a program offline
//! from the questionnaire, tick today's workout, see the calendar update;
//! complete a planned meal with a meal logged that day.

#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod e2e_support;

use e2e_support::*;
use wagner::Store;

#[tokio::test]
#[ignore = "drives the real window: run by scripts/test.sh under xvfb-run"]
async fn create_a_program_offline_tick_todays_workout_and_see_the_calendar() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path()).await;
    // The demo's own program goes, so the page starts with the questionnaire.
    let store = Store::open(&db).await.unwrap();
    sqlx::query("DELETE FROM ai_generated_programs").execute(store.pool()).await.unwrap();
    store.close().await;

    let driver = start_driver(&db).await;
    let client = open_window(&driver).await;
    testid(&client, "today-page").await;
    client.execute("window.location.hash = '#/programs'", vec![]).await.unwrap();
    testid(&client, "program-form").await;

    let calories = testid(&client, "q-calories").await;
    calories.clear().await.unwrap();
    calories.send_keys("2300").await.unwrap();
    choose(&client, "q-goal", "build_muscle").await;
    testid(&client, "program-create").await.click().await.unwrap();

    eventually("the calendar shows 84 days", || async {
        let n = count(&client, "calendar-day").await;
        if n == 84 { Ok(()) } else { Err(format!("{n} cells")) }
    })
    .await;
    save_screenshot(&client, "programs-created").await;

    // Today is day 1, a training day: tick its workout.
    let row = client
        .wait()
        .for_element(fantoccini::Locator::Css("[data-testid='program-item-row'][data-type='workout']"))
        .await
        .unwrap();
    row.find(fantoccini::Locator::Css("[data-testid='program-item-check']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();

    eventually("day 1 shows its workout done", || async {
        let cell = client.find(fantoccini::Locator::Css("[data-testid='calendar-day'][data-day='1']")).await;
        let done = match cell {
            Ok(c) => c.attr("data-workout-done").await.ok().flatten().unwrap_or_default(),
            Err(e) => return Err(e.to_string()),
        };
        if done == "true" { Ok(()) } else { Err(format!("data-workout-done={done:?}")) }
    })
    .await;
    save_screenshot(&client, "programs-ticked").await;

    // Swapping a meal replaces it with another of about the same calories.
    let meal = client
        .find(fantoccini::Locator::Css("[data-testid='program-item-row'][data-type='meal']"))
        .await
        .unwrap();
    let before = meal.prop("textContent").await.unwrap().unwrap_or_default();
    meal.find(fantoccini::Locator::Css("button[aria-label^='Swap']")).await.unwrap().click().await.unwrap();
    eventually("the meal is swapped", || async {
        let now = texts_css(&client, "[data-testid='program-item-row'][data-type='meal']").await;
        if now.first().is_some_and(|t| *t != before) { Ok(()) } else { Err(format!("{now:?}")) }
    })
    .await;

    // The window shows what the core stored.
    let store = Store::open(&db).await.unwrap();
    let (status, kcal): (String, i64) = sqlx::query_as(
        "SELECT i.status, (SELECT CAST(SUM(meal_calories) AS INTEGER) FROM ai_program_items m \
         WHERE m.program_day_id = d.id AND m.item_type = 'meal') FROM ai_program_items i \
         JOIN ai_program_days d ON d.id = i.program_day_id WHERE d.day_number = 1 AND i.item_type = 'workout'",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(status, "completed");
    assert!((2185..=2415).contains(&kcal), "day 1 is planned at {kcal} kcal for a 2300 kcal target");
    client.close().await.unwrap();
}

#[tokio::test]
#[ignore = "drives the real window: run by scripts/test.sh under xvfb-run"]
async fn a_planned_meal_is_completed_by_a_meal_logged_today() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path()).await;
    // The demo logged today's meals; a program starting today plans its own.
    let store = Store::open(&db).await.unwrap();
    let me = wagner::profile::require_default(&store).await.unwrap();
    sqlx::query("DELETE FROM ai_generated_programs").execute(store.pool()).await.unwrap();
    let answers = wagner::programs::Answers {
        primary_goal: Some("general_fitness".into()),
        daily_calorie_target: Some(2200),
        ..Default::default()
    };
    wagner::programs::create_offline(&store, &me, &answers, wagner::dashboard::today_for(&me)).await.unwrap();
    store.close().await;

    let driver = start_driver(&db).await;
    let client = open_window(&driver).await;
    testid(&client, "today-page").await;
    client.execute("window.location.hash = '#/programs'", vec![]).await.unwrap();
    let picker = client
        .wait()
        .for_element(fantoccini::Locator::Css(
            "[data-testid='program-item-row'][data-type='meal'] [data-testid='program-link-meal']",
        ))
        .await
        .unwrap();
    let logged = picker.find(fantoccini::Locator::Css("option:nth-child(2)")).await.unwrap();
    let meal_label = logged.text().await.unwrap();
    assert!(meal_label.contains("kcal"), "a logged meal is offered: {meal_label:?}");
    picker.select_by_index(1).await.unwrap();

    eventually("the planned meal shows it was done by the logged meal", || async {
        let rows = client
            .find_all(fantoccini::Locator::Css(
                "[data-testid='program-item-row'][data-type='meal'][data-status='completed']",
            ))
            .await
            .map_err(|e| e.to_string())?;
        let linked = count(&client, "program-item-linked-meal").await;
        if !rows.is_empty() && linked == 1 {
            Ok(())
        } else {
            Err(format!("{} completed, {linked} linked", rows.len()))
        }
    })
    .await;
    save_screenshot(&client, "programs-meal-linked").await;
    client.close().await.unwrap();

    let store = Store::open(&db).await.unwrap();
    let (status, kcal): (String, f64) = sqlx::query_as(
        "SELECT i.status, m.total_calories FROM ai_program_items i JOIN meal_logs m ON m.id = i.linked_meal_log_id \
         WHERE i.item_type = 'meal'",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(status, "completed");
    assert!(meal_label.contains(&format!("{} kcal", kcal.round() as i64)), "{meal_label:?} vs {kcal}");
}
