//! End-to-end: the real desktop window, driven through WebDriver
//! (tauri-driver + WebKitWebDriver) under a virtual display.
//!
//! Needs the debug desktop build and tauri-driver, so it is `#[ignore]`d in a
//! plain `cargo test`; `scripts/test.sh` builds both and runs every
//! `tests/e2e*.rs` with `--ignored` under `xvfb-run`. The harness lives in
//! `tests/e2e_support/`.

#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod e2e_support;

use std::path::Path;
use std::time::{Duration, Instant};

use e2e_support::*;
use serde_json::json;
use wagner::{Store, dashboard, profile};

#[tokio::test]
#[ignore = "drives the real window: run by scripts/test.sh under xvfb-run"]
async fn first_launch_offers_the_demo_and_today_shows_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("wagner.db");
    let driver = start_driver(&db).await;
    let client = open_window(&driver).await;

    testid(&client, "welcome").await;
    save_screenshot(&client, "welcome").await;
    testid(&client, "load-demo").await.click().await.unwrap();
    testid(&client, "today-page").await;
    // The program card appears once Today's data has rendered.
    let program = testid(&client, "program-day").await.text().await.unwrap();
    save_screenshot(&client, "today-demo").await;

    // The window must show what the core computes for the same database.
    let store = Store::open(&db).await.unwrap();
    let me = profile::require_default(&store).await.unwrap();
    let today = dashboard::day(&store, &me, dashboard::today_for(&me)).await.unwrap();
    let day = today.program.as_ref().expect("the demo has an active program");
    assert!(program.contains(&format!("Day {} of 84", day.day_number)), "program card: {program:?}");

    let weight = testid(&client, "today-weight").await.text().await.unwrap();
    let kg = today.body.as_ref().and_then(|b| b.weight_kg).expect("the demo has weigh-ins");
    assert!(weight.contains(&format!("{kg:.1}")), "weight card {weight:?} should show {kg:.1}");

    let calories = testid(&client, "today-calories").await.text().await.unwrap();
    let eaten = (today.nutrition.calories.round() as i64).to_string();
    assert_eq!(digits(&calories), eaten, "calories card {calories:?} should show {eaten} kcal eaten");

    let activity_rows = client.find_all(Locator::Css("[data-testid='activity-row']")).await.unwrap();
    assert!(!activity_rows.is_empty(), "recent activities are listed");
    let meal_rows = client.find_all(Locator::Css("[data-testid='meal-row']")).await.unwrap();
    assert_eq!(meal_rows.len(), today.nutrition.meals.len(), "one row per meal eaten today");

    client.close().await.unwrap();
}

#[tokio::test]
#[ignore = "drives the real window: run by scripts/test.sh under xvfb-run"]
async fn an_entry_typed_in_the_window_is_saved_and_listed() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path()).await;
    let driver = start_driver(&db).await;
    let client = open_window(&driver).await;
    testid(&client, "today-page").await;

    let input = testid(&client, "quick-entry-input").await;
    input.send_keys("2 eggs and toast").await.unwrap();
    testid(&client, "quick-entry-submit").await.click().await.unwrap();
    let status = testid(&client, "quick-entry-status").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while !status.text().await.unwrap_or_default().to_lowercase().contains("saved") {
        assert!(Instant::now() < deadline, "no 'saved' status after submitting");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Listed on Today, and stored as a pending raw entry.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let rows = client.find_all(Locator::Css("[data-testid='entry-row']")).await.unwrap();
        let mut texts = Vec::new();
        for row in rows {
            texts.push(row.text().await.unwrap_or_default());
        }
        if texts.iter().any(|t| t.contains("2 eggs and toast")) {
            break;
        }
        assert!(Instant::now() < deadline, "entry not listed on Today: {texts:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    save_screenshot(&client, "today-after-entry").await;

    // Stored, read offline into a meal, and that meal is on Today.
    let store = Store::open(&db).await.unwrap();
    let me = profile::require_default(&store).await.unwrap();
    // The entry is read in the background: wait for it to finish.
    let deadline = Instant::now() + Duration::from_secs(20);
    let entries = loop {
        let entries = wagner::quick_entry::list(&store, &me.id, None, 1).await.unwrap();
        if entries[0].processing_status == wagner::quick_entry::ProcessingStatus::Completed {
            break entries;
        }
        assert!(Instant::now() < deadline, "the entry was not read: {:?}", entries[0]);
        tokio::time::sleep(Duration::from_millis(150)).await;
    };
    assert_eq!(entries[0].raw_text.as_deref(), Some("2 eggs and toast"));
    let today = dashboard::day(&store, &me, dashboard::today_for(&me)).await.unwrap();
    let meals_now = today.nutrition.meals.len();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let rows = client.find_all(Locator::Css("[data-testid='meal-row']")).await.unwrap();
        let mut texts = Vec::new();
        for row in &rows {
            // textContent: WebKit's rendered text leaves out ellipsized cells.
            texts.push(row.prop("textContent").await.ok().flatten().unwrap_or_default());
        }
        if rows.len() == meals_now && texts.iter().any(|t| t.contains("eggs")) {
            break;
        }
        assert!(Instant::now() < deadline, "the new meal is not on Today: {texts:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    client.close().await.unwrap();
}

#[tokio::test]
#[ignore = "drives the real window: run by scripts/test.sh under xvfb-run"]
async fn add_a_weight_in_the_window_and_the_chart_and_today_update() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path()).await;
    let driver = start_driver(&db).await;
    let client = open_window(&driver).await;
    testid(&client, "today-page").await;

    testid(&client, "nav-body").await.click().await.unwrap();
    testid(&client, "body-page").await;
    testid(&client, "body-trend-chart").await;
    let points_before = count(&client, "body-chart-point").await;
    assert!(points_before >= 10, "the demo's weigh-ins are on the chart: {points_before}");
    let rows_before = count(&client, "body-history-row").await;
    save_screenshot(&client, "body-demo").await;

    // 79.3 kg is not one of the demo's weights (they stay above 80 kg).
    testid(&client, "body-add-weight").await.send_keys("79.3").await.unwrap();
    testid(&client, "body-add-submit").await.click().await.unwrap();

    eventually("the latest weight shows the new one", || async {
        let t = testid(&client, "body-latest-weight").await.text().await.unwrap_or_default();
        if t.contains("79.3") { Ok(()) } else { Err(t) }
    })
    .await;
    eventually("a new history row at the top shows it", || async {
        let rows = texts(&client, "body-history-row").await;
        let first = rows.first().cloned().unwrap_or_default();
        // The history lists the latest 30; the demo has fewer, so the count grows.
        if first.contains("79.3 kg") && rows.len() == rows_before + 1 {
            Ok(())
        } else {
            Err(format!("{rows:?}"))
        }
    })
    .await;
    eventually("the chart has one more point", || async {
        let n = count(&client, "body-chart-point").await;
        if n == points_before + 1 { Ok(()) } else { Err(format!("{n} points, {points_before} before")) }
    })
    .await;
    save_screenshot(&client, "body-after-add").await;
    // Scroll to the history and open the first row's editor; the page scrolls
    // inside main, the document itself must not (it once did, by a hidden caption).
    let first_row = client.find(Locator::Css("[data-testid='body-history-row']")).await.unwrap();
    first_row.find(Locator::Css("[data-testid='body-edit']")).await.unwrap().click().await.unwrap();
    testid(&client, "body-edit-save").await;
    let doc = client
        .execute(
            "const h = document.querySelector(\"[data-testid='body-history']\"); \
             h.scrollIntoView({ block: 'start' }); \
             return [document.documentElement.scrollHeight, window.innerHeight];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(doc[0], doc[1], "the document is as tall as the window: {doc}");
    save_screenshot(&client, "body-history-edit").await;
    first_row.find(Locator::Css("[data-testid='body-edit']")).await.unwrap().click().await.unwrap();

    // Stored by the core as the latest weight.
    let store = Store::open(&db).await.unwrap();
    let me = profile::require_default(&store).await.unwrap();
    let overview = wagner::body::overview::overview(&store, &me).await.unwrap();
    assert_eq!(overview.history[0].weight_kg, Some(79.3));
    assert_eq!(overview.history[0].source, wagner::body::BodySource::Manual);

    // Delete it from the history: gone from the table and the chart, until Undo.
    let first_row = client.find(Locator::Css("[data-testid='body-history-row']")).await.unwrap();
    first_row.find(Locator::Css("[data-testid='body-delete']")).await.unwrap().click().await.unwrap();
    testid(&client, "body-undo").await;
    eventually("the deleted weight leaves the table and the chart", || async {
        let rows = texts(&client, "body-history-row").await;
        let n = count(&client, "body-chart-point").await;
        if rows.len() == rows_before && !rows.iter().any(|r| r.contains("79.3 kg")) && n == points_before {
            Ok(())
        } else {
            Err(format!("{n} points; rows {rows:?}"))
        }
    })
    .await;
    save_screenshot(&client, "body-after-delete").await;
    testid(&client, "body-undo").await.click().await.unwrap();
    eventually("undo puts it back", || async {
        let rows = texts(&client, "body-history-row").await;
        let n = count(&client, "body-chart-point").await;
        let first = rows.first().cloned().unwrap_or_default();
        if first.contains("79.3 kg") && n == points_before + 1 {
            Ok(())
        } else {
            Err(format!("{n} points; {rows:?}"))
        }
    })
    .await;
    assert_eq!(
        wagner::body::overview::overview(&store, &me).await.unwrap().history[0].id,
        overview.history[0].id,
        "the same measurement is back"
    );

    // Today's body card shows the new weight and the trend the core computes.
    testid(&client, "nav-today").await.click().await.unwrap();
    testid(&client, "today-page").await;
    eventually("Today's weight card shows the new weight", || async {
        let t = testid(&client, "today-weight").await.text().await.unwrap_or_default();
        if t.contains("79.3") { Ok(()) } else { Err(t) }
    })
    .await;
    let today = dashboard::day(&store, &me, dashboard::today_for(&me)).await.unwrap();
    let trend = today.body.as_ref().and_then(|b| b.trend_kg).expect("a trend weight");
    let shown = testid(&client, "today-weight-trend").await.text().await.unwrap();
    // The first number shown, e.g. "Trend 83.3 kg · −0.27 kg/week" → 83.3 (rounded for display).
    let number: String = shown
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let number: f64 = number.parse().unwrap_or_else(|_| panic!("no number in the trend {shown:?}"));
    assert!((number - trend).abs() <= 0.051, "trend on Today {shown:?} should show {trend:.1}");
    save_screenshot(&client, "today-after-body").await;

    client.close().await.unwrap();
}

#[tokio::test]
#[ignore = "drives the real window: run by scripts/test.sh under xvfb-run"]
async fn body_form_errors_show_inline_and_the_calorie_target_updates_after_confirming() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path()).await;
    let driver = start_driver(&db).await;
    let client = open_window(&driver).await;
    testid(&client, "today-page").await;
    testid(&client, "nav-body").await.click().await.unwrap();
    testid(&client, "body-trend-chart").await;
    let rows_before = count(&client, "body-history-row").await;

    // Not a number: caught in the window, next to the field.
    let weight = testid(&client, "body-add-weight").await;
    weight.send_keys("eighty").await.unwrap();
    testid(&client, "body-add-submit").await.click().await.unwrap();
    let error = client.find(Locator::Css("#body-field-weight-error")).await.unwrap();
    assert!(error.text().await.unwrap().contains("Enter a number"));
    assert_eq!(weight.attr("aria-invalid").await.unwrap().as_deref(), Some("true"));

    // A number the core refuses: its message, next to the same field.
    weight.clear().await.unwrap();
    weight.send_keys("8000").await.unwrap();
    testid(&client, "body-add-submit").await.click().await.unwrap();
    eventually("the core's refusal shows under the weight field", || async {
        let t = match client.find(Locator::Css("#body-field-weight-error")).await {
            Ok(el) => el.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if t.contains("not plausible") { Ok(()) } else { Err(t) }
    })
    .await;
    save_screenshot(&client, "body-form-error").await;
    assert_eq!(count(&client, "body-history-row").await, rows_before, "nothing was saved");

    // Updating the calorie target asks first, then stores the offer shown.
    let store = Store::open(&db).await.unwrap();
    let me = profile::require_default(&store).await.unwrap();
    let report = wagner::body::expenditure::report(&store, &me, 28).await.unwrap();
    let maintain =
        report.offers.iter().find(|o| o.goal_rate_kg == 0.0).expect("a maintenance offer").calorie_target;
    testid(&client, "body-target-update").await.click().await.unwrap();
    let confirm = testid(&client, "body-target-confirm").await;
    let asked = client
        .find(Locator::Css("[data-testid='body-expenditure'] [role='group']"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(digits(&asked).contains(&maintain.to_string()), "the question {asked:?} names {maintain} kcal");
    save_screenshot(&client, "body-target-confirm").await;
    assert_eq!(
        profile::require_default(&store).await.unwrap().daily_calorie_target,
        report.current_target_kcal,
        "not before confirming"
    );
    confirm.click().await.unwrap();
    let saved = testid(&client, "body-target-saved").await.text().await.unwrap();
    assert_eq!(digits(&saved), maintain.to_string(), "{saved:?}");
    assert_eq!(profile::require_default(&store).await.unwrap().daily_calorie_target, Some(maintain));

    // A progress photo picked for the latest measurement: stored, and its
    // thumbnail shows in the history and on the photo timeline.
    let first_row = client.find(Locator::Css("[data-testid='body-history-row']")).await.unwrap();
    let first_id = first_row.attr("data-id").await.unwrap().expect("rows carry their id");
    first_row.find(Locator::Css("[data-testid='body-edit']")).await.unwrap().click().await.unwrap();
    let photo = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/attachments/plate.png");
    testid(&client, "body-photo-input").await.send_keys(&photo.display().to_string()).await.unwrap();
    eventually("the photo's thumbnail shows in the row and on the timeline", || async {
        let in_rows = client
            .find_all(Locator::Css("[data-testid='body-history-row'] [data-testid='body-photo-thumb'] img"))
            .await
            .map(|v| v.len())
            .unwrap_or(0);
        let on_timeline = client
            .find_all(Locator::Css("[data-testid='body-photos'] [data-testid='body-photo-thumb'] img"))
            .await
            .map(|v| v.len())
            .unwrap_or(0);
        if in_rows == 1 && on_timeline == 1 {
            Ok(())
        } else {
            Err(format!("{in_rows} in rows, {on_timeline} on the timeline"))
        }
    })
    .await;
    let mut conn = store.pool().acquire().await.unwrap();
    let m = wagner::body::get(&mut conn, &me.id, &first_id).await.unwrap();
    let path = m.photo_url.expect("the photo is attached to the row edited");
    assert!(dir.path().join(&path).is_file(), "copied next to the database: {path}");
    client
        .execute(
            "document.querySelector(\"[data-testid='body-photos']\").scrollIntoView({ block: 'center' })",
            vec![],
        )
        .await
        .unwrap();
    save_screenshot(&client, "body-photo").await;

    client.close().await.unwrap();
}

#[tokio::test]
#[ignore = "drives the real window: run by scripts/test.sh under xvfb-run"]
async fn a_photo_attached_to_an_entry_goes_with_its_meal_on_today() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path()).await;
    let driver = start_driver(&db).await;
    let client = open_window(&driver).await;
    testid(&client, "today-page").await;

    testid(&client, "quick-entry-input").await.send_keys("2 eggs and a banana").await.unwrap();
    // The attach button opens this input; WebDriver hands it the file's path.
    let photo = attachment_fixture("meal-rotated.jpg");
    testid(&client, "quick-entry-file").await.send_keys(photo.to_str().unwrap()).await.unwrap();
    let chip = testid(&client, "quick-entry-chip").await;
    assert_eq!(chip.attr("data-kind").await.unwrap().as_deref(), Some("image"));
    let label = chip.prop("textContent").await.unwrap().unwrap_or_default();
    assert!(label.contains("meal-rotated.jpg") && label.contains("Photo"), "chip: {label:?}");
    save_screenshot(&client, "quick-entry-photo-attached").await;

    testid(&client, "quick-entry-submit").await.click().await.unwrap();
    let status = quick_entry_settles(&client, "completed").await;
    assert!(status.contains("saved") && status.contains("1 meal"), "status line: {status:?}");
    assert!(
        client.find_all(Locator::Css("[data-testid='quick-entry-chip']")).await.unwrap().is_empty(),
        "the attachment is cleared once the entry is saved"
    );

    // What the core stored: the photo inside the data folder, linked to the meal.
    let store = Store::open(&db).await.unwrap();
    let me = profile::require_default(&store).await.unwrap();
    let entry = wagner::quick_entry::list(&store, &me.id, None, 1).await.unwrap().remove(0);
    assert_eq!(entry.raw_text.as_deref(), Some("2 eggs and a banana"));
    assert_eq!(entry.input_type, wagner::quick_entry::InputType::Multimodal);
    let (meal_id, image_url): (String, Option<String>) =
        sqlx::query_as("SELECT id, image_url FROM meal_logs WHERE quick_entry_log_id = ?")
            .bind(&entry.id)
            .fetch_one(store.pool())
            .await
            .unwrap();
    let image_url = image_url.expect("the meal keeps the photo");
    let data_dir = wagner::attachments::data_dir(&store).canonicalize().unwrap();
    let stored = data_dir.join(&image_url).canonicalize().unwrap();
    assert!(stored.starts_with(&data_dir), "{} is outside {}", stored.display(), data_dir.display());
    assert_eq!(std::fs::read(&stored).unwrap(), std::fs::read(&photo).unwrap(), "an exact copy");

    // The meal is on Today, named by its foods.
    let today = dashboard::day(&store, &me, dashboard::today_for(&me)).await.unwrap();
    let meal = today.nutrition.meals.iter().find(|m| m.id == meal_id).expect("the meal is today's");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let rows = texts_css(&client, "[data-testid='meal-row']").await;
        if rows.len() == today.nutrition.meals.len()
            && rows.iter().any(|r| meal.foods.iter().all(|f| r.contains(&f.name)))
        {
            break;
        }
        assert!(Instant::now() < deadline, "the meal {:?} is not on Today: {rows:?}", meal.foods);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // The review panel shows what was read, kcal included.
    testid(&client, "quick-entry-review").await.click().await.unwrap();
    let review = testid(&client, "entry-review").await;
    let shown = review.prop("textContent").await.unwrap().unwrap_or_default();
    assert!(shown.contains("Offline parser"), "review: {shown:?}");
    assert!(shown.contains("1 photo"), "review: {shown:?}");
    for f in &meal.foods {
        assert!(shown.contains(&f.name), "review lacks {}: {shown:?}", f.name);
    }
    save_screenshot(&client, "quick-entry-review").await;

    client.close().await.unwrap();
}

#[tokio::test]
#[ignore = "drives the real window: run by scripts/test.sh under xvfb-run"]
async fn the_log_page_filters_by_status_and_a_failed_entry_can_be_corrected() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path()).await;
    let driver = start_driver(&db).await;
    let client = open_window(&driver).await;
    testid(&client, "today-page").await;

    testid(&client, "quick-entry-input").await.send_keys("felt great").await.unwrap();
    testid(&client, "quick-entry-submit").await.click().await.unwrap();
    let status = quick_entry_settles(&client, "failed").await;
    assert!(status.contains("nothing recognised"), "the reason is shown: {status:?}");

    testid(&client, "nav-log").await.click().await.unwrap();
    testid(&client, "log-page").await;
    history_until(&client, "the new entry", |rows| rows.iter().any(|(t, _)| t.contains("felt great"))).await;

    choose(&client, "history-filter-status", "failed").await;
    let failed = history_until(&client, "only failed entries", |rows| {
        !rows.is_empty() && rows.iter().all(|(_, s)| s == "failed")
    })
    .await;
    assert!(failed.iter().any(|(t, _)| t.contains("felt great")), "{failed:?}");
    save_screenshot(&client, "log-failed").await;

    choose(&client, "history-filter-status", "completed").await;
    let completed = history_until(&client, "only completed entries", |rows| {
        !rows.is_empty() && rows.iter().all(|(_, s)| s == "completed")
    })
    .await;
    assert!(!completed.iter().any(|(t, _)| t.contains("felt great")), "{completed:?}");

    // Text search narrows to the one entry; then the user corrects it.
    choose(&client, "history-filter-status", "").await;
    testid(&client, "history-filter-text").await.send_keys("felt great").await.unwrap();
    let found = history_until(&client, "one match for the text", |rows| rows.len() == 1).await;
    assert!(found[0].0.contains("felt great"), "{found:?}");

    testid(&client, "history-review").await.click().await.unwrap();
    // Clearing the filters keeps the open review (the corrected text won't match "felt great").
    testid(&client, "history-filter-reset").await.click().await.unwrap();
    history_until(&client, "every entry again", |rows| rows.len() > 1).await;
    let review = testid(&client, "entry-review").await;
    assert_eq!(review.attr("data-state").await.unwrap().as_deref(), Some("failed"));
    testid(&client, "entry-review-retry").await;
    let field = testid(&client, "entry-review-text").await;
    field.clear().await.unwrap();
    field.send_keys("2 eggs and toast").await.unwrap();
    testid(&client, "entry-review-save").await.click().await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    while testid(&client, "entry-review").await.attr("data-state").await.unwrap().as_deref()
        != Some("completed")
    {
        assert!(Instant::now() < deadline, "the corrected entry was not read");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    testid(&client, "entry-review-meal").await;
    save_screenshot(&client, "log-corrected").await;

    let store = Store::open(&db).await.unwrap();
    let me = profile::require_default(&store).await.unwrap();
    let entry = wagner::quick_entry::list(&store, &me.id, None, 1).await.unwrap().remove(0);
    assert_eq!(entry.raw_text.as_deref(), Some("2 eggs and toast"));
    assert_eq!(entry.processing_status, wagner::quick_entry::ProcessingStatus::Completed);
    let meals: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM meal_logs WHERE quick_entry_log_id = ?")
        .bind(&entry.id)
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(meals, 1, "the correction created its meal");

    client.close().await.unwrap();
}

#[tokio::test]
#[ignore = "drives the real window: run by scripts/test.sh under xvfb-run"]
async fn a_local_ai_server_chosen_in_settings_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path()).await;
    let driver = start_driver(&db).await;
    let client = open_window(&driver).await;
    testid(&client, "today-page").await;

    testid(&client, "nav-settings").await.click().await.unwrap();
    testid(&client, "settings-ai").await;
    let offline = testid(&client, "settings-ai-kind-offline").await;
    assert_eq!(offline.prop("checked").await.unwrap().as_deref(), Some("true"), "offline by default");

    testid(&client, "settings-ai-kind-openai_compatible").await.click().await.unwrap();
    let url = testid(&client, "settings-ai-base-url").await;
    url.clear().await.unwrap();
    url.send_keys("localhost:11434").await.unwrap();
    let model = testid(&client, "settings-ai-model").await;
    model.clear().await.unwrap();
    model.send_keys("qwen2.5:7b").await.unwrap();
    testid(&client, "settings-ai-save").await.click().await.unwrap();
    // A URL without its scheme is refused where it was typed.
    let page = testid(&client, "settings-ai").await.text().await.unwrap();
    assert!(page.contains("must start with http://"), "{page:?}");
    url.clear().await.unwrap();
    url.send_keys("http://127.0.0.1:11434/v1").await.unwrap();
    testid(&client, "settings-ai-save").await.click().await.unwrap();
    testid(&client, "settings-ai-saved").await;

    client.refresh().await.unwrap();
    testid(&client, "settings-ai").await;
    let local = testid(&client, "settings-ai-kind-openai_compatible").await;
    assert_eq!(local.prop("checked").await.unwrap().as_deref(), Some("true"), "the choice survives a reload");
    let url = testid(&client, "settings-ai-base-url").await.prop("value").await.unwrap();
    assert_eq!(url.as_deref(), Some("http://127.0.0.1:11434/v1"));
    let model = testid(&client, "settings-ai-model").await.prop("value").await.unwrap();
    assert_eq!(model.as_deref(), Some("qwen2.5:7b"));
    let active = testid(&client, "settings-ai-active").await.text().await.unwrap();
    assert!(
        active.contains("Local server"),
        "a local server needs no key, so it reads entries now: {active:?}"
    );
    client
        .execute("document.querySelector(\"[data-testid='settings-ai']\").scrollIntoView()", vec![])
        .await
        .unwrap();
    // WebKit paints the scrolled page a moment later; only the screenshot waits for it.
    tokio::time::sleep(Duration::from_millis(500)).await;
    save_screenshot(&client, "settings-ai-local").await;

    let store = Store::open(&db).await.unwrap();
    let me = profile::require_default(&store).await.unwrap();
    let config = wagner::ai::load_config(&store, &me.id).await.unwrap().expect("saved in the profile");
    assert_eq!(config.kind, wagner::ai::ProviderKind::OpenaiCompatible);
    assert_eq!(config.base_url.as_deref(), Some("http://127.0.0.1:11434/v1"));

    client.close().await.unwrap();
}

#[tokio::test]
#[ignore = "drives the real window: run by scripts/test.sh under xvfb-run"]
async fn a_photo_dropped_on_the_window_is_attached_by_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path()).await;
    let driver = start_driver(&db).await;
    let client = open_window(&driver).await;
    testid(&client, "today-page").await;

    // WebDriver cannot drop a file natively; deliver the same Tauri event the
    // native drop sends, with a real path, to the listener the window uses.
    let photo = attachment_fixture("plate.png");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        client
            .execute(
                "return window.__TAURI_INTERNALS__.invoke('plugin:event|emit', \
                 { event: 'tauri://drag-drop', payload: { paths: [arguments[0]], position: { x: 400, y: 300 } } })",
                vec![json!(photo.to_str().unwrap())],
            )
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        // The listener subscribes just after start-up and a drop before that is
        // lost, so drop again (the same path is attached once). Counted in the
        // page: find_all would sit out the implicit wait when there is none.
        let shown = client
            .execute("return document.querySelectorAll(\"[data-testid='quick-entry-chip']\").length", vec![])
            .await
            .unwrap();
        if shown.as_u64().unwrap_or(0) > 0 {
            break;
        }
        assert!(Instant::now() < deadline, "the dropped photo never showed as an attachment");
    }
    let chips = texts_css(&client, "[data-testid='quick-entry-chip']").await;
    assert_eq!(chips.len(), 1, "{chips:?}");
    assert!(chips[0].contains("plate.png") && chips[0].contains("Photo"), "{chips:?}");

    testid(&client, "quick-entry-input").await.send_keys("2 eggs").await.unwrap();
    testid(&client, "quick-entry-submit").await.click().await.unwrap();
    quick_entry_settles(&client, "completed").await;

    let store = Store::open(&db).await.unwrap();
    let me = profile::require_default(&store).await.unwrap();
    let entry = wagner::quick_entry::list(&store, &me.id, None, 1).await.unwrap().remove(0);
    assert_eq!(entry.raw_text.as_deref(), Some("2 eggs"));
    assert_eq!(entry.image_urls.len(), 1, "the dropped photo was copied in");
    let image_url: Option<String> =
        sqlx::query_scalar("SELECT image_url FROM meal_logs WHERE quick_entry_log_id = ?")
            .bind(&entry.id)
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!(image_url.as_ref(), entry.image_urls.first());
    client.close().await.unwrap();
}

#[tokio::test]
#[ignore = "drives the real window: run by scripts/test.sh under xvfb-run"]
async fn a_file_picked_in_the_window_imports_and_opens_with_laps_chart_and_route() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path()).await;
    let driver = start_driver(&db).await;
    let client = open_window(&driver).await;
    testid(&client, "today-page").await;
    testid(&client, "nav-activities").await.click().await.unwrap();
    testid(&client, "activities-page").await;

    let run = activity_fixture("tcx/20210119_run_garmin_fenix6.tcx.gz");
    // WebDriver hands a path to a file input as if the user had picked it.
    testid(&client, "import-input").await.send_keys(&run.display().to_string()).await.unwrap();
    let rows = wait_for_rows(&client, "[data-testid='import-result-row'][data-outcome='imported']", 1).await;
    assert!(rows[0].contains("20210119_run_garmin_fenix6.tcx.gz"), "result row: {rows:?}");
    let status = testid(&client, "import-status").await.text().await.unwrap();
    assert!(status.contains("1 imported"), "status: {status:?}");
    let progress = testid(&client, "import-progress").await;
    assert_eq!(progress.attr("value").await.unwrap().as_deref(), Some("1"));
    save_screenshot(&client, "activities-after-import").await;

    // What the core stored for that file is what the detail page must show.
    let store = Store::open(&db).await.unwrap();
    let me = profile::require_default(&store).await.unwrap();
    let filter = wagner::activities::view::ActivityFilter {
        from: Some("2021-01-19".into()),
        to: Some("2021-01-20".into()),
        ..Default::default()
    };
    let found = wagner::activities::view::search(&store, &me.id, &filter).await.unwrap();
    assert_eq!(found.len(), 1, "the run is stored once");
    let view = wagner::activities::charts::activity_view(&store, &me.id, &found[0].id).await.unwrap();
    let laps = view.detail.segments.iter().filter(|s| s.segment_type == "lap").count();
    assert!(laps > 0);

    client.find(Locator::Css("[data-testid='import-result-row'] a")).await.unwrap().click().await.unwrap();
    testid(&client, "activity-detail").await;
    let name = testid(&client, "activity-name").await.text().await.unwrap();
    assert_eq!(name, found[0].name);
    let lap_rows = wait_for_rows(&client, "[data-testid='activity-laps-row']", laps).await;
    assert_eq!(lap_rows.len(), laps, "one row per lap");
    let chart = testid(&client, "activity-chart-hr").await;
    chart.find(Locator::Css("canvas")).await.expect("the heart-rate chart is drawn");
    let route = testid(&client, "activity-route").await;
    let path = route.find(Locator::Css("path")).await.unwrap().attr("d").await.unwrap().unwrap_or_default();
    let segments = path.matches('L').count();
    assert_eq!(segments + 1, view.charts.route.len(), "the route is drawn through every position sent");
    // Scroll through the page for the screenshots.
    save_screenshot(&client, "activity-detail-top").await;
    for (section, shot) in
        [("activity-chart-pace", "activity-detail-charts"), ("card-route", "activity-detail-route-laps")]
    {
        let script = format!(
            "const m = document.getElementById('main'); \
             const top = document.querySelector(\"[data-testid='{section}']\").getBoundingClientRect().top; \
             m.scrollTop += top - m.getBoundingClientRect().top - 20;"
        );
        client.execute(&script, vec![]).await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        save_screenshot(&client, shot).await;
    }

    client.close().await.unwrap();
}

#[tokio::test]
#[ignore = "drives the real window: run by scripts/test.sh under xvfb-run"]
async fn files_and_folders_dropped_on_the_window_are_imported() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path()).await;
    let driver = start_driver(&db).await;
    let client = open_window(&driver).await;
    testid(&client, "today-page").await;
    // The drop listener is registered once the shell is up.
    client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("html[data-drop-ready='true']"))
        .await
        .expect("the window listens for drops");

    // WebDriver cannot drop files natively: the debug build's hook emits
    // Tauri's own `tauri://drag-drop` event with these real paths.
    let paths = [activity_fixture("tcx"), activity_fixture("fit/hrv-activity.fit")];
    let paths: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    client
        .execute(
            "window.__TAURI_INTERNALS__.invoke('plugin:event|emit', \
             { event: 'wagner-e2e://simulate-drop', payload: { paths: arguments[0] } });",
            vec![json!(paths)],
        )
        .await
        .unwrap();

    // The drop opens Activities and imports the folder's three files and the FIT file.
    testid(&client, "activities-page").await;
    let rows = wait_for_rows(&client, "[data-testid='import-result-row'][data-outcome='imported']", 4).await;
    for name in ["20210119_run_garmin_fenix6.tcx.gz", "20210323_yoga.tcx", "hrv-activity.fit"] {
        assert!(rows.iter().any(|r| r.contains(name)), "{name} in {rows:?}");
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let status = testid(&client, "import-status").await.text().await.unwrap();
        if status.contains("4 imported") {
            break;
        }
        assert!(Instant::now() < deadline, "status: {status:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let progress = testid(&client, "import-progress").await;
    assert_eq!(progress.attr("max").await.unwrap().as_deref(), Some("4"));
    assert_eq!(progress.attr("value").await.unwrap().as_deref(), Some("4"));
    // The fitness chart is drawn for the imported history.
    testid(&client, "fitness-chart")
        .await
        .find(Locator::Css("canvas"))
        .await
        .expect("the fitness chart is drawn");
    // And the list shows them.
    let listed = wait_for_rows(&client, "[data-testid='activity-row']", 4).await;
    assert!(listed.iter().any(|r| r.contains("Evening Ride") || r.contains("Afternoon Ride")), "{listed:?}");
    save_screenshot(&client, "activities-after-drop").await;

    let store = Store::open(&db).await.unwrap();
    let me = profile::require_default(&store).await.unwrap();
    let filter = wagner::activities::view::ActivityFilter {
        from: Some("2021-01-01".into()),
        to: Some("2022-12-31".into()),
        ..Default::default()
    };
    let stored = wagner::activities::view::search(&store, &me.id, &filter).await.unwrap();
    assert_eq!(stored.len(), 4, "every dropped activity is stored: {stored:#?}");

    client.close().await.unwrap();
}
