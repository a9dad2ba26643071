//! End-to-end: the Activities window parts that had no window test — the
//! weekly-volume card against the core's query, "Import from watch" with a
//! fake USB drive, Settings → Strava's saved application, and the similar
//! workouts on an activity's page.

#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod e2e_support;

use std::path::Path;
use std::time::Duration;

use e2e_support::*;
use serde_json::json;
use wagner::activities::volume;
use wagner::{Store, embeddings, profile};

/// What the card's table shows for a core row, formatted like the UI does.
fn humanize(sport: &str) -> String {
    let words = sport.replace(['_', '-'], " ").trim().to_lowercase();
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}

fn clock(seconds: f64) -> String {
    let minutes = if seconds > 0.0 { (seconds / 60.0).round() as i64 } else { 0 };
    format!("{}:{:02}", minutes / 60, minutes % 60)
}

#[tokio::test]
#[ignore = "drives the real window: run by scripts/test.sh under xvfb-run"]
async fn the_weekly_volume_card_shows_the_cores_weekly_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path()).await;
    let expected: Vec<String> = {
        let store = Store::open(&db).await.unwrap();
        let me = profile::require_default(&store).await.unwrap();
        let weeks =
            volume::recent_weeks(&store, &me.id, wagner::dashboard::today_for(&me), 12).await.unwrap();
        store.close().await;
        let mut rows = Vec::new();
        for w in weeks.iter().filter(|w| !w.sports.is_empty()) {
            for s in &w.sports {
                let sport = serde_json::to_value(s.activity_type).unwrap();
                let distance = if s.distance_meters > 0.0 {
                    format!("{:.1} km", (s.distance_meters / 100.0).round() / 10.0)
                } else {
                    "–".to_string()
                };
                rows.push(format!(
                    "{} | {} | {} | {} | {} | {}",
                    w.week,
                    humanize(sport.as_str().unwrap()),
                    s.activities,
                    distance,
                    clock(s.time_seconds),
                    s.load.round() as i64
                ));
            }
        }
        rows
    };
    assert!(expected.len() >= 2, "the demo has training in several weeks: {expected:?}");

    let driver = start_driver(&db).await;
    let client = open_window(&driver).await;
    testid(&client, "today-page").await;
    testid(&client, "nav-activities").await.click().await.unwrap();
    testid(&client, "card-weekly").await;
    wait_for_rows(&client, "[data-testid='weekly-row']", expected.len()).await;
    let mut shown = Vec::new();
    for row in client.find_all(Locator::Css("[data-testid='weekly-row']")).await.unwrap() {
        let mut cells = Vec::new();
        for cell in row.find_all(Locator::Css("td")).await.unwrap() {
            cells.push(cell.text().await.unwrap().trim().replace(',', ""));
        }
        shown.push(cells.join(" | "));
    }
    assert_eq!(
        shown, expected,
        "the card's table is the core's weekly volume, week by week and sport by sport"
    );
    testid(&client, "weekly-chart").await.find(Locator::Css("canvas")).await.expect("the chart is drawn");
    save_screenshot(&client, "activities-weekly-volume").await;
    client.close().await.unwrap();
}

/// A watch as the file manager mounts it: <media>/<volume>/GARMIN/Activity/*.fit.
fn plug_in(media: &Path, files: &[&str]) {
    let folder = media.join("FENIX 6").join("GARMIN").join("Activity");
    std::fs::create_dir_all(&folder).unwrap();
    for f in files {
        std::fs::copy(activity_fixture(f), folder.join(Path::new(f).file_name().unwrap())).unwrap();
    }
}

async fn status_reads(client: &Client, wanted: &str) -> String {
    eventually(&format!("the import status says {wanted:?}"), || async {
        let text = testid(client, "import-status").await.text().await.unwrap_or_default();
        if text.contains(wanted) { Ok(()) } else { Err(text) }
    })
    .await;
    testid(client, "import-status").await.text().await.unwrap()
}

#[tokio::test]
#[ignore = "drives the real window: run by scripts/test.sh under xvfb-run"]
async fn import_from_watch_reads_only_files_not_imported_before() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path()).await;
    let media = dir.path().join("media");
    plug_in(&media, &["fit/hrv-activity.fit", "fit/garmin-fenix-5-bike.fit"]);
    let driver = start_driver_env(&db, &[("WAGNER_MEDIA_ROOTS", media.as_path())]).await;
    let client = open_window(&driver).await;
    testid(&client, "today-page").await;
    testid(&client, "nav-activities").await.click().await.unwrap();

    let watch = testid(&client, "watch-import").await;
    assert!(watch.text().await.unwrap().contains("FENIX 6"), "the volume is named");
    assert_eq!(testid(&client, "watch-new-files").await.text().await.unwrap(), "2 new files");
    testid(&client, "import-watch").await.click().await.unwrap();
    let rows = wait_for_rows(&client, "[data-testid='import-result-row'][data-outcome='imported']", 2).await;
    for name in ["hrv-activity.fit", "garmin-fenix-5-bike.fit"] {
        assert!(rows.iter().any(|r| r.contains(name)), "{name} in {rows:?}");
    }
    status_reads(&client, "Done: 2 imported, 0 skipped, 0 failed").await;

    // Nothing new now: the count says so and the button cannot import twice.
    eventually("the watch has no new files", || async {
        let text = testid(&client, "watch-new-files").await.text().await.unwrap_or_default();
        if text == "0 new files" { Ok(()) } else { Err(text) }
    })
    .await;
    assert!(!testid(&client, "import-watch").await.is_enabled().await.unwrap(), "nothing to import");

    // A new recording on the watch: only it is read, the two others are "already imported".
    plug_in(&media, &["fit/strength-sets.fit"]);
    testid(&client, "nav-today").await.click().await.unwrap();
    testid(&client, "today-page").await;
    testid(&client, "nav-activities").await.click().await.unwrap();
    eventually("the watch has one new file", || async {
        let text = testid(&client, "watch-new-files").await.text().await.unwrap_or_default();
        if text == "1 new file" { Ok(()) } else { Err(text) }
    })
    .await;
    testid(&client, "import-watch").await.click().await.unwrap();
    let status = status_reads(&client, "2 on the watch already imported before").await;
    assert!(status.contains("Done: 1 imported, 0 skipped, 0 failed"), "{status}");
    let rows = wait_for_rows(&client, "[data-testid='import-result-row']", 1).await;
    assert_eq!(rows.len(), 1, "only the new file was read: {rows:?}");
    assert!(rows[0].contains("strength-sets.fit"), "{rows:?}");
    save_screenshot(&client, "activities-watch-import").await;

    let store = Store::open(&db).await.unwrap();
    let me = profile::require_default(&store).await.unwrap();
    let from_files: i64 =
        sqlx::query_scalar("SELECT count(*) FROM activities WHERE user_id = ? AND file_hash IS NOT NULL")
            .bind(&me.id)
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!(from_files, 3, "each watch file is stored once");
    client.close().await.unwrap();
}

#[tokio::test]
#[ignore = "drives the real window: run by scripts/test.sh under xvfb-run"]
async fn strava_app_settings_are_saved_without_showing_the_secret_and_can_be_removed() {
    const SECRET: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c";
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path()).await;
    let driver = start_driver(&db).await;
    let client = open_window(&driver).await;
    testid(&client, "today-page").await;
    testid(&client, "nav-settings").await.click().await.unwrap();
    testid(&client, "card-integrations").await;
    let status = testid(&client, "strava-status").await.text().await.unwrap();
    assert!(status.contains("Not connected"), "{status}");
    assert!(client.find_all(Locator::Css("[data-testid='strava-forget']")).await.unwrap().is_empty());

    testid(&client, "strava-client-id").await.send_keys("98765").await.unwrap();
    testid(&client, "strava-client-secret").await.send_keys(SECRET).await.unwrap();
    testid(&client, "strava-save").await.click().await.unwrap();
    eventually("the app shows as saved", || async {
        let text = testid(&client, "strava-saved").await.text().await.unwrap_or_default();
        if text.contains("98765") && text.contains("secret saved (not shown)") { Ok(()) } else { Err(text) }
    })
    .await;
    let secret_field = testid(&client, "strava-client-secret").await;
    assert_eq!(
        secret_field.prop("value").await.unwrap().as_deref(),
        Some(""),
        "the secret is not shown back"
    );
    assert_eq!(secret_field.attr("placeholder").await.unwrap().as_deref(), Some("saved — type to replace"));
    let page = client.source().await.unwrap();
    assert!(!page.contains(SECRET), "the secret is nowhere in the page");
    let status = testid(&client, "strava-status").await.text().await.unwrap();
    assert!(status.contains("Not connected"), "saving is not connecting: {status}");
    assert!(testid(&client, "strava-connect").await.is_enabled().await.unwrap(), "Connect is possible now");

    // Stored: the id in the profile's settings, the secret outside SQLite.
    {
        let store = Store::open(&db).await.unwrap();
        let me = profile::require_default(&store).await.unwrap();
        let settings: String = sqlx::query_scalar("SELECT settings FROM users WHERE id = ?")
            .bind(&me.id)
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert!(settings.contains("98765") && !settings.contains(SECRET), "{settings}");
        store.close().await;
    }

    // Removing it asks first, then clears both.
    testid(&client, "strava-forget").await.click().await.unwrap();
    testid(&client, "strava-forget-confirm").await.click().await.unwrap();
    eventually("the app is removed", || async {
        let gone = client.find_all(Locator::Css("[data-testid='strava-saved']")).await.unwrap().is_empty();
        let id = testid(&client, "strava-client-id").await.prop("value").await.unwrap().unwrap_or_default();
        if gone && id.is_empty() {
            Ok(())
        } else {
            Err(format!("saved line shown: {}, id field {id:?}", !gone))
        }
    })
    .await;
    assert!(!testid(&client, "strava-connect").await.is_enabled().await.unwrap());
    let placeholder = testid(&client, "strava-client-secret").await.attr("placeholder").await.unwrap();
    assert_eq!(placeholder.as_deref().unwrap_or(""), "");
    let store = Store::open(&db).await.unwrap();
    let me = profile::require_default(&store).await.unwrap();
    let settings: String = sqlx::query_scalar("SELECT settings FROM users WHERE id = ?")
        .bind(&me.id)
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert!(!settings.contains("98765"), "{settings}");
    client.close().await.unwrap();
}

#[tokio::test]
#[ignore = "drives the real window: run by scripts/test.sh under xvfb-run"]
async fn an_activity_page_lists_similar_workouts_of_the_same_sport() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path()).await;
    // The most frequent sport of the demo: its first activity is opened.
    let (opened, sport) = {
        let store = Store::open(&db).await.unwrap();
        let me = profile::require_default(&store).await.unwrap();
        let row: (String, String) = sqlx::query_as(
            "SELECT id, activity_type FROM activities WHERE user_id = ?1 AND activity_type = \
             (SELECT activity_type FROM activities WHERE user_id = ?1 GROUP BY activity_type ORDER BY count(*) DESC LIMIT 1) \
             ORDER BY start_date LIMIT 1",
        )
        .bind(&me.id)
        .fetch_one(store.pool())
        .await
        .unwrap();
        embeddings::sync_all(&store).await.unwrap();
        let model =
            wagner::search::shared_embedder().unwrap_or_else(|e| panic!("this test needs the model: {e}"));
        embeddings::embed_pending(&store, &model, None, |_, _| {}).await.unwrap();
        store.close().await;
        row
    };

    let driver = start_driver(&db).await;
    let client = open_window(&driver).await;
    testid(&client, "today-page").await;
    client
        .execute("window.location.hash = arguments[0];", vec![json!(format!("#/activities/{opened}"))])
        .await
        .unwrap();
    testid(&client, "activity-detail").await;
    testid(&client, "similar-workouts").await;
    let items = client
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css("[data-testid='similar-item']"))
        .await
        .map(|_| ())
        .map_err(|e| e.to_string());
    assert!(items.is_ok(), "similar workouts appear: {items:?}");
    let mut ids = Vec::new();
    for item in client.find_all(Locator::Css("[data-testid='similar-item']")).await.unwrap() {
        assert_eq!(item.attr("data-kind").await.unwrap().as_deref(), Some("activity"));
        ids.push(item.attr("data-id").await.unwrap().unwrap_or_default());
    }
    assert!(!ids.contains(&opened), "the activity is not similar to itself: {ids:?}");
    let store = Store::open(&db).await.unwrap();
    let mut same_sport = None;
    for id in &ids {
        let t: String = sqlx::query_scalar("SELECT activity_type FROM activities WHERE id = ?")
            .bind(id)
            .fetch_one(store.pool())
            .await
            .unwrap();
        if t == sport && same_sport.is_none() {
            same_sport = Some(id.clone());
        }
    }
    let other = same_sport.unwrap_or_else(|| panic!("another {sport} among the similar workouts: {ids:?}"));
    let other_name: String = sqlx::query_scalar("SELECT name FROM activities WHERE id = ?")
        .bind(&other)
        .fetch_one(store.pool())
        .await
        .unwrap();
    client
        .execute("document.querySelector(\"[data-testid='card-similar']\").scrollIntoView();", vec![])
        .await
        .unwrap();
    save_screenshot(&client, "activity-similar-workouts").await;

    // A hit opens that activity's page.
    client
        .find(Locator::Css(&format!("[data-testid='similar-item'][data-id='{other}'] a")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    eventually("the similar workout's page opens", || async {
        let url = client.current_url().await.map(|u| u.to_string()).unwrap_or_default();
        let name = testid(&client, "activity-name").await.text().await.unwrap_or_default();
        if url.ends_with(&format!("#/activities/{other}")) && name == other_name {
            Ok(())
        } else {
            Err(format!("url {url}, name {name:?}"))
        }
    })
    .await;
    client.close().await.unwrap();
}

#[tokio::test]
#[ignore = "drives the real window: run by scripts/test.sh under xvfb-run"]
async fn without_the_embedding_model_the_similar_section_says_so_and_the_page_works() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path()).await;
    let opened: (String, String) = {
        let store = Store::open(&db).await.unwrap();
        let me = profile::require_default(&store).await.unwrap();
        let row = sqlx::query_as(
            "SELECT id, name FROM activities WHERE user_id = ? ORDER BY start_date DESC LIMIT 1",
        )
        .bind(&me.id)
        .fetch_one(store.pool())
        .await
        .unwrap();
        store.close().await;
        row
    };
    // The model is looked for in $WAGNER_MODELS_DIR, beside the executable, in the
    // data dir ($XDG_DATA_HOME) and in an installed package's resources (left out
    // by the debug build's hook): none has it here.
    let empty = dir.path().join("no-models");
    std::fs::create_dir_all(&empty).unwrap();
    let env = [
        ("WAGNER_MODELS_DIR", empty.as_path()),
        ("XDG_DATA_HOME", empty.as_path()),
        ("WAGNER_E2E_HIDE_RESOURCE_MODELS", Path::new("1")),
    ];
    let driver = start_driver_env(&db, &env).await;
    let client = open_window(&driver).await;
    testid(&client, "today-page").await;
    client
        .execute("window.location.hash = arguments[0];", vec![json!(format!("#/activities/{}", opened.0))])
        .await
        .unwrap();
    eventually("the similar section says the model is missing", || async {
        let text = testid(&client, "similar-workouts").await.text().await.unwrap_or_default();
        if text.contains("Similar workouts need the embedding model") { Ok(()) } else { Err(text) }
    })
    .await;
    testid(&client, "similar-unavailable").await;
    assert_eq!(
        testid(&client, "activity-name").await.text().await.unwrap(),
        opened.1,
        "the page itself loaded"
    );
    assert!(client.find_all(Locator::Css("[data-testid='similar-error']")).await.unwrap().is_empty());
    client
        .execute("document.querySelector(\"[data-testid='card-similar']\").scrollIntoView();", vec![])
        .await
        .unwrap();
    save_screenshot(&client, "activity-similar-no-model").await;
    client.close().await.unwrap();
}
