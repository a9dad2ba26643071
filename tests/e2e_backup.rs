//! End-to-end: Settings → Backups (back up, restore from the list after
//! confirming, undo the restore, a damaged picked file) and Settings → Sync
//! against a real Postgres, in the real window.

#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod e2e_support;

use std::path::Path;

use e2e_support::*;
use sqlx::Connection;
use wagner::Store;
use wagner::backup::live::{self, BackupKind};
use wagner::nutrition::{self, MealCategory, MealFood, MealSource, NewMeal};

const LATE_MEAL: &str = "Midnight flapjack";

/// Adds a meal logged now, through the core, while the window runs.
async fn add_meal(db: &Path, name: &str) {
    let store = Store::open(db).await.unwrap();
    let me = wagner::profile::require_default(&store).await.unwrap();
    let mut tx = store.begin_write().await.unwrap();
    nutrition::insert_meal(
        &mut tx,
        &me,
        &NewMeal {
            category: MealCategory::Snack,
            logged_at: wagner::clock::now(),
            name: Some(name.into()),
            foods: vec![MealFood {
                name: name.into(),
                quantity: 1.0,
                unit: "bar".into(),
                grams: None,
                calories: 410.0,
                protein_g: 6.0,
                carbs_g: 52.0,
                fat_g: 19.0,
                food_id: None,
                nutrients: Default::default(),
            }],
            source: MealSource::Manual,
            quick_entry_log_id: None,
            ai_extracted: false,
            ai_confidence: None,
            image_url: None,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    store.close().await;
}

async fn meal_count(db: &Path) -> i64 {
    let store = Store::open(db).await.unwrap();
    let n = sqlx::query_scalar("SELECT count(*) FROM meal_logs").fetch_one(store.pool()).await.unwrap();
    store.close().await;
    n
}

async fn go(client: &Client, page: &str, ready: &str) {
    testid(client, &format!("nav-{page}")).await.click().await.unwrap();
    testid(client, ready).await;
}

/// Waits until Today's meal rows do (or do not) name `meal`.
async fn today_shows(client: &Client, meal: &str, shown: bool) {
    go(client, "today", "today-page").await;
    eventually(&format!("Today {} {meal}", if shown { "lists" } else { "no longer lists" }), || async {
        let rows = texts(client, "meal-row").await;
        if rows.iter().any(|r| r.contains(meal)) == shown { Ok(()) } else { Err(format!("{rows:?}")) }
    })
    .await;
}

/// Waits for the element (a card may render after its data loads), then scrolls to it.
async fn scroll_to(client: &Client, id: &str) {
    testid(client, id).await;
    client
        .execute(&format!("document.querySelector(\"[data-testid='{id}']\").scrollIntoView()"), vec![])
        .await
        .unwrap();
}

#[tokio::test]
#[ignore = "drives the real window: run by scripts/test.sh under xvfb-run"]
async fn a_backup_restored_from_the_list_replaces_todays_meals_and_undo_brings_them_back() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path()).await;
    let driver = start_driver(&db).await;
    let client = open_window(&driver).await;
    testid(&client, "today-page").await;

    // Back up in the window.
    go(&client, "settings", "card-backups").await;
    scroll_to(&client, "card-backups").await;
    testid(&client, "backup-now").await.click().await.unwrap();
    let result = testid(&client, "backup-result").await.text().await.unwrap();
    assert!(result.contains("wagner-manual-"), "{result:?}");
    let before_meal = meal_count(&db).await;

    // A meal logged after the backup shows on Today.
    add_meal(&db, LATE_MEAL).await;
    today_shows(&client, LATE_MEAL, true).await;

    // Restore the manual backup from the list: checked, then confirmed.
    go(&client, "settings", "card-backups").await;
    let row = {
        let list = testid(&client, "backup-list").await;
        list.find(Locator::Css("[data-testid='backup-row'][data-kind='manual']")).await.unwrap()
    };
    row.find(Locator::Css("[data-testid='backup-restore']")).await.unwrap().click().await.unwrap();
    let confirm = testid(&client, "backup-confirm").await;
    let contents = testid(&client, "backup-confirm-contents").await.text().await.unwrap();
    assert!(contents.contains(&format!("{before_meal} meals")), "{contents:?}");
    let asks = confirm.text().await.unwrap();
    assert!(asks.contains("replaces everything") && asks.contains("wagner.db"), "{asks:?}");
    save_screenshot(&client, "backup-confirm").await;
    testid(&client, "backup-confirm-restore").await.click().await.unwrap();
    testid(&client, "backup-restored").await;
    assert_eq!(meal_count(&db).await, before_meal, "the database holds the backup's meals");

    today_shows(&client, LATE_MEAL, false).await;

    // Undo restore: the meal is back.
    go(&client, "settings", "card-backups").await;
    scroll_to(&client, "backup-restored").await;
    save_screenshot(&client, "backup-restored").await;
    testid(&client, "backup-undo").await.click().await.unwrap();
    testid(&client, "backup-undone").await;
    assert_eq!(meal_count(&db).await, before_meal + 1);
    today_shows(&client, LATE_MEAL, true).await;

    // The list names the safety backup the restore made.
    go(&client, "settings", "card-backups").await;
    eventually("the safety backup is listed", || async {
        let kinds: Vec<String> = {
            let mut out = Vec::new();
            for row in client.find_all(Locator::Css("[data-testid='backup-row']")).await.unwrap_or_default() {
                out.push(row.attr("data-kind").await.ok().flatten().unwrap_or_default());
            }
            out
        };
        if kinds.iter().any(|k| k == "before_restore") { Ok(()) } else { Err(format!("{kinds:?}")) }
    })
    .await;
    client.close().await.unwrap();
}

#[tokio::test]
#[ignore = "drives the real window: run by scripts/test.sh under xvfb-run"]
async fn a_damaged_backup_picked_for_restore_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path()).await;
    // A real backup, cut short: what a failed copy to a USB stick leaves.
    let store = Store::open(&db).await.unwrap();
    let made = live::create_in_folder(&store, BackupKind::Manual, 10).await.unwrap();
    store.close().await;
    let bytes = std::fs::read(&made.file).unwrap();
    let damaged = dir.path().join("wagner-backup-from-stick.zip");
    std::fs::write(&damaged, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let before = meal_count(&db).await;

    let driver = start_driver(&db).await;
    let client = open_window(&driver).await;
    testid(&client, "today-page").await;
    go(&client, "settings", "card-backups").await;
    scroll_to(&client, "card-backups").await;
    testid(&client, "backup-restore-file").await.send_keys(&damaged.display().to_string()).await.unwrap();

    let error = testid(&client, "backup-restore-error").await;
    let text = error.text().await.unwrap();
    scroll_to(&client, "backup-restore-error").await;
    save_screenshot(&client, "backup-damaged").await;
    assert!(text.contains("can’t be restored") && text.contains("Nothing was changed"), "{text:?}");
    assert!(text.contains("not a Wagner backup"), "says what is wrong: {text:?}");
    assert!(text.contains("Choose another backup"), "says what to do next: {text:?}");
    assert_eq!(count(&client, "backup-confirm").await, 0, "nothing to confirm");

    // The intact file, picked the same way, is checked and offered; cancelling changes nothing either.
    let intact = dir.path().join("wagner-backup-intact.zip");
    std::fs::copy(&made.file, &intact).unwrap();
    testid(&client, "backup-restore-file").await.send_keys(&intact.display().to_string()).await.unwrap();
    testid(&client, "backup-confirm").await;
    assert_eq!(count(&client, "backup-restore-error").await, 0, "the earlier error is cleared");
    let contents = testid(&client, "backup-confirm-contents").await.text().await.unwrap();
    assert!(contents.contains(&format!("{before} meals")), "{contents:?}");
    testid(&client, "backup-confirm-cancel").await.click().await.unwrap();
    eventually("the confirmation closes", || async {
        if count(&client, "backup-confirm").await == 0 { Ok(()) } else { Err("still open".into()) }
    })
    .await;

    // Nothing changed: same meals, no safety backup, the window still works.
    assert_eq!(meal_count(&db).await, before);
    let store = Store::open(&db).await.unwrap();
    assert!(live::list(&store).unwrap().iter().all(|f| f.kind != BackupKind::BeforeRestore));
    store.close().await;
    go(&client, "today", "today-page").await;
    eventually("Today still lists meals", || async {
        let n = count(&client, "meal-row").await;
        if n > 0 { Ok(()) } else { Err("no meal rows".into()) }
    })
    .await;
    client.close().await.unwrap();
}

#[tokio::test]
#[ignore = "drives the real window: run by scripts/test.sh under xvfb-run"]
async fn the_daily_backup_runs_after_start_up_and_its_settings_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path()).await;
    let driver = start_driver(&db).await;
    let client = open_window(&driver).await;
    testid(&client, "today-page").await;

    // Never backed up: the first automatic backup follows start-up (about 15 s).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(90);
    let last = loop {
        go(&client, "settings", "card-backups").await;
        let last = testid(&client, "backup-last-auto").await.text().await.unwrap();
        if last != "None yet" {
            break last;
        }
        assert!(std::time::Instant::now() < deadline, "no automatic backup after start-up");
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
        go(&client, "today", "today-page").await;
    };
    assert!(!last.is_empty());
    let next = testid(&client, "backup-next-due").await.text().await.unwrap();
    assert!(next != "Off" && !next.starts_with("Due now"), "the next one is a day later: {next:?}");
    let kinds: Vec<String> = {
        let mut out = Vec::new();
        for row in client.find_all(Locator::Css("[data-testid='backup-row']")).await.unwrap() {
            out.push(row.attr("data-kind").await.unwrap().unwrap_or_default());
        }
        out
    };
    assert_eq!(kinds, vec!["automatic".to_string()]);
    let store = Store::open(&db).await.unwrap();
    let made = live::list(&store).unwrap();
    assert_eq!(made.len(), 1);
    assert!(wagner::backup::live::inspect(Path::new(&made[0].path)).await.is_ok(), "a complete backup");
    store.close().await;

    // Off, keep 3: saved in the profile's settings and shown after a reload.
    scroll_to(&client, "backup-auto").await;
    testid(&client, "backup-auto").await.click().await.unwrap();
    let keep = testid(&client, "backup-keep").await;
    keep.clear().await.unwrap();
    keep.send_keys("3").await.unwrap();
    testid(&client, "backup-schedule-save").await.click().await.unwrap();
    eventually("the schedule is saved", || async {
        let next = testid(&client, "backup-next-due").await.text().await.unwrap_or_default();
        if next == "Off" { Ok(()) } else { Err(next) }
    })
    .await;
    let store = Store::open(&db).await.unwrap();
    let me = wagner::profile::require_default(&store).await.unwrap();
    let saved = wagner::backup::schedule::load(&store, &me.id).await.unwrap();
    assert_eq!(saved, wagner::backup::schedule::ScheduleSettings { automatic: false, keep: 3 });
    store.close().await;
    go(&client, "today", "today-page").await;
    go(&client, "settings", "card-backups").await;
    assert_eq!(testid(&client, "backup-next-due").await.text().await.unwrap(), "Off");
    assert!(!testid(&client, "backup-auto").await.is_selected().await.unwrap());
    assert_eq!(testid(&client, "backup-keep").await.prop("value").await.unwrap().as_deref(), Some("3"));
    client.close().await.unwrap();
}

/// A fresh database on the test server, or None when no server is configured
/// (outside scripts/test.sh, which sets WAGNER_REQUIRE_PG=1).
async fn fresh_server() -> Option<(String, String)> {
    let Ok(admin) = std::env::var("WAGNER_TEST_PG_URL") else {
        if std::env::var("WAGNER_REQUIRE_PG").is_ok_and(|v| v == "1") {
            panic!(
                "WAGNER_TEST_PG_URL is not set: start a server with `scripts/pg.sh start` and export its URL"
            );
        }
        eprintln!("skipped: WAGNER_TEST_PG_URL is not set (scripts/pg.sh start prints one)");
        return None;
    };
    let name = format!("wagner_e2e_{}", uuid::Uuid::new_v4().simple());
    let mut conn = sqlx::PgConnection::connect(&admin).await.expect("connecting to WAGNER_TEST_PG_URL");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut conn).await.unwrap();
    let mut url = reqwest::Url::parse(&admin).expect("a URL");
    url.set_path(&format!("/{name}"));
    Some((url.to_string(), name))
}

#[tokio::test]
#[ignore = "drives the real window: run by scripts/test.sh under xvfb-run"]
async fn sync_now_in_settings_sends_the_profile_to_postgres() {
    let Some((url, _name)) = fresh_server().await else { return };
    // Through a per-user sync role (a superuser URL is refused by default),
    // its password in the app's environment, as a user sets it up.
    let role = format!("wagner_e2e{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let setup = wagner::sync::net::setup_role(&url, &role, Some("e2e-pw".into())).await.expect("sync role");
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path()).await;
    let driver = start_driver_env(&db, &[("WAGNER_POSTGRES_PASSWORD", Path::new("e2e-pw"))]).await;
    let client = open_window(&driver).await;
    testid(&client, "today-page").await;
    go(&client, "settings", "card-sync").await;
    scroll_to(&client, "card-sync").await;
    assert_eq!(testid(&client, "sync-last").await.text().await.unwrap(), "Never");

    let field = testid(&client, "sync-url").await;
    field.clear().await.unwrap();
    field.send_keys(&setup.url).await.unwrap();
    testid(&client, "sync-save").await.click().await.unwrap();
    let now = testid(&client, "sync-now").await;
    eventually("Sync now is enabled once the server is saved", || async {
        if now.is_enabled().await.unwrap_or(false) { Ok(()) } else { Err("disabled".into()) }
    })
    .await;
    now.click().await.unwrap();
    testid(&client, "sync-result").await;
    eventually("the status shows the sync", || async {
        let last = testid(&client, "sync-last").await.text().await.unwrap_or_default();
        let pending = testid(&client, "sync-pending").await.text().await.unwrap_or_default();
        let error = testid(&client, "sync-last-error").await.text().await.unwrap_or_default();
        let aside = testid(&client, "sync-quarantined").await.text().await.unwrap_or_default();
        if last != "Never" && !last.is_empty() && pending.trim() == "0" && aside.trim() == "0" {
            Ok(())
        } else {
            Err(format!("last {last:?}, pending {pending:?}, error {error:?}"))
        }
    })
    .await;
    save_screenshot(&client, "sync-done").await;

    // The server holds the profile's rows: the user and as many meals,
    // activities and weigh-ins as the install.
    let store = Store::open(&db).await.unwrap();
    let me = wagner::profile::require_default(&store).await.unwrap();
    let mut pg = sqlx::PgConnection::connect(&url).await.unwrap();
    let users: Vec<String> =
        sqlx::query_scalar("SELECT id::text FROM users").fetch_all(&mut pg).await.unwrap();
    assert_eq!(users, vec![me.id.clone()]);
    for table in ["meal_logs", "activities", "body_measurements", "quick_entry_logs"] {
        let local: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {table}")))
            .fetch_one(store.pool())
            .await
            .unwrap();
        let server: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT count(*) FROM {table} WHERE user_id::text = '{}'",
            me.id
        )))
        .fetch_one(&mut pg)
        .await
        .unwrap();
        assert!(local > 0, "the demo has {table}");
        assert_eq!(server, local, "{table} on the server");
    }

    // A broken row on the server (NaN calories, which Postgres accepts): the
    // next sync keeps it aside and the card names it.
    let meal: String =
        sqlx::query_scalar("SELECT min(id) FROM meal_logs").fetch_one(store.pool()).await.unwrap();
    sqlx::query("UPDATE meal_logs SET total_calories = 'NaN' WHERE id = $1::uuid")
        .bind(&meal)
        .execute(&mut pg)
        .await
        .unwrap();
    sqlx::query(
        "UPDATE sync_rows SET hlc = $1, seq = nextval('sync_rows_seq'), origin = 'elsewhere' WHERE row_id = $2::uuid",
    )
    .bind(format!("{:015}-00000000-ffffffffffffffff", wagner::clock::now().timestamp_millis()))
    .bind(&meal)
    .execute(&mut pg)
    .await
    .unwrap();
    store.close().await;
    testid(&client, "sync-now").await.click().await.unwrap();
    eventually("the card lists the row kept aside", || async {
        let aside = testid(&client, "sync-quarantined").await.text().await.unwrap_or_default();
        let rows = match client.find(Locator::Css("[data-testid=sync-quarantine-row]")).await {
            Ok(row) => row.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if aside.trim() == "1" && rows.contains(&meal) && rows.contains("not a number") {
            Ok(())
        } else {
            Err(format!("kept aside {aside:?}, rows {rows:?}"))
        }
    })
    .await;
    save_screenshot(&client, "sync-kept-aside").await;
    client.close().await.unwrap();
}

#[tokio::test]
#[ignore = "drives the real window: run by scripts/test.sh under xvfb-run"]
async fn check_the_database_in_settings_finds_nothing_then_names_a_damaged_attachment() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path()).await;
    let driver = start_driver(&db).await;
    let client = open_window(&driver).await;
    testid(&client, "today-page").await;
    go(&client, "settings", "settings-page").await;
    // The cards above load their data first and would move the button under the pointer.
    testid(&client, "card-search-index").await;
    testid(&client, "settings-ai-prices").await;
    testid(&client, "card-integrations").await;
    scroll_to(&client, "db-check").await;
    testid(&client, "db-check").await.click().await.unwrap();
    eventually("the check reports", || async {
        let errors = texts(&client, "page-error").await;
        assert!(errors.is_empty(), "the check failed: {errors:?}");
        if count(&client, "db-check-result").await == 1 {
            Ok(())
        } else {
            let card = testid(&client, "card-data").await.text().await.unwrap_or_default();
            Err(format!("no result yet: {card:?}"))
        }
    })
    .await;
    let result = testid(&client, "db-check-result").await;
    assert_eq!(result.attr("data-healthy").await.unwrap().as_deref(), Some("true"));
    let text = result.text().await.unwrap();
    assert!(text.contains("No problems found"), "{text}");

    // A photo whose bytes no longer match its name (its content hash), as a failing disk leaves it.
    let name = format!("{}.jpg", "ab".repeat(32));
    std::fs::create_dir_all(dir.path().join("attachments")).unwrap();
    std::fs::write(dir.path().join("attachments").join(&name), b"not the photo").unwrap();
    scroll_to(&client, "db-check").await;
    testid(&client, "db-check").await.click().await.unwrap();
    eventually("the check names the damaged attachment", || async {
        let problems = texts(&client, "db-check-problem").await;
        if problems.iter().any(|p| p.contains(&name)) { Ok(()) } else { Err(format!("{problems:?}")) }
    })
    .await;
    let result = testid(&client, "db-check-result").await;
    assert_eq!(result.attr("data-healthy").await.unwrap().as_deref(), Some("false"));
    save_screenshot(&client, "settings-db-check-damaged").await;
    client.close().await.unwrap();
}
