//! End-to-end: exports through the native file dialogs, in the real window.
//! Settings → Export writes everything into a new folder chosen in a save
//! dialog; a fresh database's welcome screen previews that folder and
//! brings it all back; the program's calendar is saved as an .ics through
//! a save dialog. WebDriver cannot drive a GTK dialog, so the shell's one
//! dialog seam is answered by `WAGNER_E2E_DIALOG` (src-tauri/src/e2e_hooks.rs).
//! Run by scripts/test.sh under xvfb-run.

#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod e2e_support;

use std::path::Path;

use e2e_support::*;
use wagner::Store;
use wagner::backup::export;

/// A read-only look at the app's file. Not `Store::open`: opening and closing a
/// store (migrations, `PRAGMA optimize`) beside the running window made the
/// window's import fail with "no such table: foods_enhanced" in about half the
/// runs (README, "Not built yet").
async fn count(db: &Path, sql: &str) -> i64 {
    use sqlx::ConnectOptions;
    let mut conn =
        sqlx::sqlite::SqliteConnectOptions::new().filename(db).read_only(true).connect().await.unwrap();
    let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string())).fetch_one(&mut conn).await.unwrap();
    drop(conn);
    n
}

async fn count_in(client: &Client, id: &str) -> usize {
    e2e_support::count(client, id).await
}

/// Clicks a button once the cards above it have loaded and stopped moving it
/// (Settings' cards fill in one by one; a click at the old place misses).
async fn click_when_still(client: &Client, id: &str) {
    let button = testid(client, id).await;
    let mut last = None;
    for _ in 0..100 {
        client
            .execute(
                "arguments[0].scrollIntoView({block: 'center'})",
                vec![serde_json::to_value(&button).unwrap()],
            )
            .await
            .unwrap();
        let here = button.rectangle().await.unwrap();
        if last == Some(here) {
            button.click().await.unwrap();
            return;
        }
        last = Some(here);
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    }
    panic!("{id} kept moving: {last:?}");
}

#[tokio::test]
#[ignore = "drives the real window: run by scripts/test.sh under xvfb-run"]
async fn export_everything_from_settings_then_bring_it_into_a_fresh_database_from_the_welcome_screen() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path()).await;
    let meals = count(&db, "SELECT count(*) FROM meal_logs").await;
    let activities = count(&db, "SELECT count(*) FROM activities").await;
    assert!(meals > 0 && activities > 0);
    let chosen = tempfile::tempdir().unwrap();
    let folder = {
        let store = Store::open(&db).await.unwrap();
        let me = wagner::profile::require_default(&store).await.unwrap();
        store.close().await;
        chosen.path().join(export::folder_name(wagner::dashboard::today_for(&me)))
    };
    assert!(folder.ends_with("wagner-export-2026-11-18") || std::env::var_os("WAGNER_NOW").is_some());

    // The save dialog answers with the folder it suggests, inside `chosen`.
    {
        let driver = start_driver_env(&db, &[("WAGNER_E2E_DIALOG", chosen.path())]).await;
        let client = open_window(&driver).await;
        testid(&client, "today-page").await;
        testid(&client, "nav-settings").await.click().await.unwrap();
        testid(&client, "card-export").await;
        click_when_still(&client, "export-everything").await;
        let report = testid(&client, "export-report").await.text().await.unwrap();
        save_screenshot(&client, "export-settings-report").await;
        client.close().await.unwrap();
        assert!(report.contains(&folder.display().to_string()), "{report}");
        assert!(folder.join("csv/meal_logs.csv").is_file(), "one CSV per table");
        let tables = export::read_export(&folder).unwrap();
        assert_eq!(tables["meal_logs"].rows.len() as i64, meals);
        assert_eq!(tables["activities"].rows.len() as i64, activities);
        let rows: usize = tables.values().map(|t| t.rows.len()).sum();
        assert!(digits(&report).starts_with(&rows.to_string()), "the report counts every row: {report}");
    }

    // A new computer: an empty database opens on the welcome screen, whose
    // folder dialog answers with the export.
    let fresh = tempfile::tempdir().unwrap();
    let fresh_db = fresh.path().join("wagner.db");
    let driver = start_driver_env(&fresh_db, &[("WAGNER_E2E_DIALOG", folder.as_path())]).await;
    let client = open_window(&driver).await;
    testid(&client, "welcome").await;
    testid(&client, "export-pick").await.click().await.unwrap();
    testid(&client, "export-preview").await;
    let mut previewed = std::collections::BTreeMap::new();
    for row in client.find_all(Locator::Css("[data-testid='export-preview-table']")).await.unwrap() {
        let table = row.attr("data-table").await.unwrap().unwrap_or_default();
        let rows: i64 = row.attr("data-rows").await.unwrap().unwrap_or_default().parse().unwrap();
        previewed.insert(table, rows);
    }
    assert_eq!(previewed.get("meal_logs"), Some(&meals), "{previewed:?}");
    assert_eq!(previewed.get("activities"), Some(&activities), "{previewed:?}");
    assert_eq!(count(&fresh_db, "SELECT count(*) FROM users").await, 0, "the preview writes nothing");
    save_screenshot(&client, "export-welcome-preview").await;

    testid(&client, "export-import").await.click().await.unwrap();
    // Every row goes in one transaction, the 11,456 bundled foods too: a
    // while in a debug build on two busy cores.
    let started = std::time::Instant::now();
    loop {
        if count_in(&client, "today-page").await > 0 {
            break;
        }
        if let Ok(error) = client.find(Locator::Css("[data-testid='welcome-error']")).await {
            panic!("the import failed: {}", error.text().await.unwrap_or_default());
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(180), "the import did not finish");
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    eprintln!("imported in the window in {:.1} s", started.elapsed().as_secs_f64());
    assert_eq!(count(&fresh_db, "SELECT count(*) FROM meal_logs").await, meals);
    assert_eq!(count(&fresh_db, "SELECT count(*) FROM activities").await, activities);
    assert_eq!(count(&fresh_db, "SELECT count(*) FROM users").await, 1);
    // The day's meals are back on Nutrition, as the window shows them.
    testid(&client, "nav-nutrition").await.click().await.unwrap();
    let calories = testid(&client, "day-calories").await.text().await.unwrap();
    let store = Store::open(&fresh_db).await.unwrap();
    let me = wagner::profile::require_default(&store).await.unwrap();
    let today = wagner::clock::local_date(wagner::clock::now(), me.tz());
    let day = wagner::nutrition::day_view(&store, &me, today).await.unwrap();
    store.close().await;
    assert!(day.nutrition.calories > 0.0);
    assert!(
        digits(&calories).starts_with(&(day.nutrition.calories.round() as i64).to_string()),
        "{calories:?} vs {}",
        day.nutrition.calories
    );
    save_screenshot(&client, "export-imported-nutrition").await;
    client.close().await.unwrap();
}

#[tokio::test]
#[ignore = "drives the real window: run by scripts/test.sh under xvfb-run"]
async fn the_program_is_saved_as_an_ics_through_a_save_dialog() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path()).await;
    let days = count(
        &db,
        "SELECT count(*) FROM ai_program_days d JOIN ai_generated_programs p ON p.id = d.program_id \
         WHERE p.is_active = 1",
    )
    .await;
    assert!(days > 0, "the demo has an active program");
    let chosen = tempfile::tempdir().unwrap();
    let driver = start_driver_env(&db, &[("WAGNER_E2E_DIALOG", chosen.path())]).await;
    let client = open_window(&driver).await;
    testid(&client, "today-page").await;
    testid(&client, "nav-programs").await.click().await.unwrap();
    testid(&client, "program-export").await;
    testid(&client, "ics-export").await.click().await.unwrap();
    let status = testid(&client, "program-action-status").await.text().await.unwrap();
    save_screenshot(&client, "programs-ics-saved").await;
    client.close().await.unwrap();

    let file = chosen.path().join("wagner-program.ics");
    assert!(
        status.contains(&format!("Wrote {days} days")) && status.contains(&file.display().to_string()),
        "{status}"
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.starts_with("BEGIN:VCALENDAR"), "{}", &text[..text.len().min(80)]);
    assert_eq!(text.matches("BEGIN:VEVENT").count() as i64, days, "one event per program day");
    assert_eq!(text.matches("DTSTART;VALUE=DATE:").count() as i64, days, "all-day events");
}
