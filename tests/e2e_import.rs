//! End-to-end: an Apple Health export picked in the window (the same flow a
//! drop feeds, through the file input as WebDriver can) is read for a
//! preview first, imported on confirm, and its weigh-ins are on the Body page.
//! A Cronometer CSV with bad lines is previewed with every bad line named
//! and cannot be imported until they are fixed; the fixed file imports.

#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod apple_health_fixture;
mod e2e_support;

use std::time::Duration;

use e2e_support::*;
use fantoccini::Locator;
use serde_json::json;
use wagner::Store;
use wagner::profile::{self, NewProfile};

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn count(store: &Store, table: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
        .fetch_one(store.pool())
        .await
        .unwrap()
}

/// A database with one profile and nothing in it yet (the window opens on Welcome).
async fn fresh_profile_db(dir: &std::path::Path) -> std::path::PathBuf {
    let db = dir.join("wagner.db");
    let store = Store::open(&db).await.unwrap();
    let mut conn = store.pool().acquire().await.unwrap();
    profile::create(
        &mut conn,
        NewProfile {
            full_name: "Jane".into(),
            time_zone: Some("America/Denver".into()),
            ..NewProfile::default()
        },
    )
    .await
    .unwrap();
    drop(conn);
    store.close().await;
    db
}

#[tokio::test]
#[ignore = "drives the real window: run by scripts/test.sh under xvfb-run"]
async fn an_apple_health_export_dropped_on_the_window_is_previewed_by_path_and_can_be_left_unimported() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_profile_db(dir.path()).await;
    let zip = dir.path().join("export.zip");
    apple_health_fixture::write_zip(&zip, &apple_health_fixture::small_xml());
    let driver = start_driver(&db).await;
    let client = open_window(&driver).await;
    testid(&client, "welcome").await;
    testid(&client, "start-fresh").await.click().await.unwrap();
    testid(&client, "today-page").await;
    client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("html[data-drop-ready='true']"))
        .await
        .expect("the window listens for drops");
    // The debug build's hook emits Tauri's own drag-drop event with the real path.
    client
        .execute(
            "window.__TAURI_INTERNALS__.invoke('plugin:event|emit', \
             { event: 'wagner-e2e://simulate-drop', payload: { paths: arguments[0] } });",
            vec![json!([zip.display().to_string()])],
        )
        .await
        .unwrap();
    testid(&client, "activities-page").await;
    let rows = wait_for_rows(&client, "[data-testid='history-found-row']", 9).await;
    assert_eq!(squash(&rows[0]), "2 weigh-ins 2021-12-11 – 2021-12-12", "{rows:?}");
    testid(&client, "history-discard").await.click().await.unwrap();
    eventually("the preview closes", || async {
        let open = client.find_all(Locator::Css("[data-testid='history-preview']")).await.map(|v| v.len());
        match open {
            Ok(0) => Ok(()),
            other => Err(format!("previews shown: {other:?}")),
        }
    })
    .await;
    let store = Store::open(&db).await.unwrap();
    assert_eq!(count(&store, "body_measurements").await, 0, "nothing imported");
    assert_eq!(count(&store, "activities").await, 0);
    assert!(zip.exists(), "a dropped file is read where it is, never removed");
    store.close().await;
    client.close().await.unwrap();
}

#[tokio::test]
#[ignore = "drives the real window: run by scripts/test.sh under xvfb-run"]
async fn an_apple_health_export_is_previewed_imported_on_confirm_and_its_weigh_ins_are_on_the_body_page() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_profile_db(dir.path()).await;
    let zip = dir.path().join("export.zip");
    apple_health_fixture::write_zip(&zip, &apple_health_fixture::small_xml());

    let driver = start_driver(&db).await;
    let client = open_window(&driver).await;
    // A new user: the profile exists but holds nothing yet.
    testid(&client, "welcome").await;
    testid(&client, "start-fresh").await.click().await.unwrap();
    testid(&client, "today-page").await;
    testid(&client, "nav-activities").await.click().await.unwrap();
    testid(&client, "activities-page").await;
    testid(&client, "import-input").await.send_keys(&zip.display().to_string()).await.unwrap();

    // The preview: counts per kind with their dates, and the value left out.
    let rows = wait_for_rows(&client, "[data-testid='history-found-row']", 9).await;
    let rows: Vec<String> = rows.iter().map(|r| squash(r)).collect();
    assert_eq!(rows[0], "2 weigh-ins 2021-12-11 – 2021-12-12", "{rows:?}");
    assert!(rows.contains(&"3 workouts 2021-12-11 – 2021-12-13".to_string()), "{rows:?}");
    assert!(rows.contains(&"2 days of nutrition 2021-12-11 – 2021-12-12".to_string()), "{rows:?}");
    let problems = texts_css(&client, "[data-testid='history-problem']").await;
    assert!(problems.len() == 1 && problems[0].contains("1540 lb"), "{problems:?}");
    let title = testid(&client, "history-preview").await.text().await.unwrap();
    assert!(title.contains("Apple Health export"), "{title}");
    save_screenshot(&client, "import-apple-health-preview").await;
    {
        let store = Store::open(&db).await.unwrap();
        assert_eq!(count(&store, "body_measurements").await, 0, "nothing is stored before the confirm");
        store.close().await;
    }

    testid(&client, "history-confirm").await.click().await.unwrap();
    testid(&client, "history-report").await;
    let outcomes: Vec<String> =
        texts_css(&client, "[data-testid='history-outcome-row']").await.iter().map(|t| squash(t)).collect();
    assert!(outcomes.contains(&"body measurements: 5 added, 0 already there".to_string()), "{outcomes:?}");
    assert!(outcomes.contains(&"workouts: 3 added, 0 already there".to_string()), "{outcomes:?}");
    save_screenshot(&client, "import-apple-health-report").await;

    let store = Store::open(&db).await.unwrap();
    assert_eq!(count(&store, "body_measurements").await, 5);
    assert_eq!(count(&store, "activities").await, 3);
    let staged = std::fs::read_dir(dir.path().join("imports")).map(|d| d.count()).unwrap_or(0);
    assert_eq!(staged, 0, "the picked copy is removed after the import");

    // The weigh-ins on the Body page, as the core stored them.
    testid(&client, "nav-body").await.click().await.unwrap();
    let rows = wait_for_rows(&client, "[data-testid='body-history-row']", 5).await;
    assert_eq!(rows.len(), 5, "{rows:?}");
    let weights: Vec<&String> = rows.iter().filter(|r| r.contains("kg")).collect();
    assert!(weights.iter().any(|r| r.contains("69.9")), "154.2 lb = 69.94 kg: {rows:?}");
    assert!(weights.iter().any(|r| r.contains("69.8")), "{rows:?}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    save_screenshot(&client, "import-apple-health-body").await;
    store.close().await;
    client.close().await.unwrap();
}

const CRONOMETER_HEADER: &str = "Day,Time,Group,Food Name,Amount,Energy (kcal),Protein (g)\n";

#[tokio::test]
#[ignore = "drives the real window: run by scripts/test.sh under xvfb-run"]
async fn a_cronometer_csv_names_every_bad_line_in_its_preview_and_imports_once_they_are_fixed() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_profile_db(dir.path()).await;
    // Lines 3 and 5 cannot be read: a word for a number, a thirteenth month.
    let bad = dir.path().join("cronometer-servings.csv");
    std::fs::write(
        &bad,
        format!(
            "{CRONOMETER_HEADER}2026-11-10,07:45 AM,Breakfast,\"Egg, whole\",100.00 g,143.00,12.6\n\
             2026-11-10,12:30 PM,Lunch,Rice,1.00 cup,about 200,4.3\n\
             2026-11-11,08:10 AM,Breakfast,Oats,80.00 g,303.20,10.5\n\
             2026-13-01,08:00 AM,Breakfast,Yogurt,170.00 g,100.30,17.3\n"
        ),
    )
    .unwrap();
    let driver = start_driver(&db).await;
    let client = open_window(&driver).await;
    testid(&client, "welcome").await;
    testid(&client, "start-fresh").await.click().await.unwrap();
    testid(&client, "today-page").await;
    testid(&client, "nav-activities").await.click().await.unwrap();
    testid(&client, "activities-page").await;
    testid(&client, "import-input").await.send_keys(&bad.display().to_string()).await.unwrap();

    let rows = wait_for_rows(&client, "[data-testid='history-found-row']", 1).await;
    assert_eq!(squash(&rows[0]), "2 meals 2026-11-10 – 2026-11-11", "{rows:?}");
    let problems = texts_css(&client, "[data-testid='history-problem']").await;
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].contains("line 3") && problems[0].contains("about 200"), "{problems:?}");
    assert!(problems[1].contains("line 5") && problems[1].contains("2026-13-01"), "{problems:?}");
    testid(&client, "history-refused").await;
    assert_eq!(e2e_support::count(&client, "history-confirm").await, 0, "no Import while lines are bad");
    save_screenshot(&client, "import-cronometer-bad-lines").await;
    {
        let store = Store::open(&db).await.unwrap();
        assert_eq!(count(&store, "meal_logs").await, 0, "nothing is stored");
        store.close().await;
    }
    testid(&client, "history-discard").await.click().await.unwrap();

    // Fixed, the whole file goes in: four meals with every food's energy.
    let fixed = dir.path().join("cronometer-fixed.csv");
    std::fs::write(
        &fixed,
        format!(
            "{CRONOMETER_HEADER}2026-11-10,07:45 AM,Breakfast,\"Egg, whole\",100.00 g,143.00,12.6\n\
             2026-11-10,12:30 PM,Lunch,Rice,1.00 cup,205.40,4.3\n\
             2026-11-11,08:10 AM,Breakfast,Oats,80.00 g,303.20,10.5\n\
             2026-11-12,08:00 AM,Breakfast,Yogurt,170.00 g,100.30,17.3\n"
        ),
    )
    .unwrap();
    testid(&client, "import-input").await.send_keys(&fixed.display().to_string()).await.unwrap();
    eventually("the fixed file's preview", || async {
        let rows: Vec<String> =
            texts_css(&client, "[data-testid='history-found-row']").await.iter().map(|r| squash(r)).collect();
        let problems = e2e_support::count(&client, "history-problem").await;
        if rows == ["4 meals 2026-11-10 – 2026-11-12"] && problems == 0 {
            Ok(())
        } else {
            Err(format!("{rows:?}, {problems} problems"))
        }
    })
    .await;
    testid(&client, "history-confirm").await.click().await.unwrap();
    testid(&client, "history-report").await;
    let outcomes: Vec<String> =
        texts_css(&client, "[data-testid='history-outcome-row']").await.iter().map(|t| squash(t)).collect();
    assert_eq!(outcomes, ["meals: 4 added, 0 already there"], "{outcomes:?}");
    save_screenshot(&client, "import-cronometer-report").await;
    let store = Store::open(&db).await.unwrap();
    assert_eq!(count(&store, "meal_logs").await, 4);
    let kcal: f64 = sqlx::query_scalar("SELECT SUM(total_calories) FROM meal_logs")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert!((kcal - (143.0 + 205.4 + 303.2 + 100.3)).abs() < 1e-6, "{kcal}");
    store.close().await;
    client.close().await.unwrap();
}
