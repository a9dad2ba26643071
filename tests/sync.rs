//! Sync against a real Postgres (scripts/pg.sh starts one; scripts/test.sh
//! sets WAGNER_TEST_PG_URL and WAGNER_REQUIRE_PG=1).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test
mod support;

use serde_json::Value;
use sqlx::Connection;
use wagner::Store;
use wagner::sync::{self, SyncOptions};

/// A fresh database on the test server, or None (with a note) when no server
/// is configured outside the test script.
fn opts() -> SyncOptions {
    // The test server's role is a superuser: allowed here on purpose.
    SyncOptions { batch_size: 200, allow_privileged: true, ..SyncOptions::default() }
}

/// The demo profile plus two imported activity files (streams, kept
/// originals) and a meal photo (an attachment).
async fn demo_store() -> (tempfile::TempDir, Store) {
    let (dir, store) = support::temp_store().await;
    wagner::demo::load(&store, wagner::clock::now(), Some("Europe/Berlin".into())).await.expect("demo data");
    let me = wagner::profile::require_default(&store).await.unwrap();
    let files = [
        std::path::PathBuf::from("tests/fixtures/activities/gpx/cerknicko-jezero.gpx"),
        std::path::PathBuf::from("tests/fixtures/activities/fit/strength-sets.fit"),
    ];
    let results = wagner::activities::import::import_paths(&store, &me, &files, |_| {}).await.unwrap();
    assert_eq!(results.len(), 2);
    let bytes = std::fs::read("tests/fixtures/attachments/plate.png").unwrap();
    let photo = wagner::attachments::store_bytes(&store, &bytes, "plate.png").unwrap();
    exec(
        &store,
        &format!(
            "UPDATE meal_logs SET image_url = '{}' WHERE id = (SELECT min(id) FROM meal_logs)",
            photo.path
        ),
    )
    .await;
    (dir, store)
}

async fn empty_install() -> (tempfile::TempDir, Store) {
    let (dir, store) = support::temp_store().await;
    support::new_profile(&store, "Me", "UTC").await;
    (dir, store)
}

async fn exec(store: &Store, sql: &str) {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_owned())).execute(store.pool()).await.expect(sql);
}

async fn scalar(store: &Store, sql: &str) -> Value {
    let text: Option<String> =
        sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT CAST(({sql}) AS TEXT)")))
            .fetch_one(store.pool())
            .await
            .expect(sql);
    text.map(Value::String).unwrap_or(Value::Null)
}

fn assert_same(a: &serde_json::Map<String, Value>, b: &serde_json::Map<String, Value>) {
    for (table, rows) in a {
        let other = &b[table];
        let (ra, rb) = (rows.as_array().unwrap(), other.as_array().unwrap());
        assert_eq!(ra.len(), rb.len(), "{table}: row counts differ");
        for (x, y) in ra.iter().zip(rb) {
            assert_eq!(x, y, "{table}: rows differ");
        }
    }
}

#[tokio::test]
async fn two_installs_editing_offline_converge() {
    let Some(url) = support::fresh_server("wagner_test").await else { return };
    let (_da, a) = demo_store().await;
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    let with_progress = SyncOptions {
        progress: Some(std::sync::Arc::new(move |p: &sync::SyncProgress| {
            log.lock().unwrap().push(p.clone())
        })),
        ..opts()
    };
    let first = sync::sync(&a, &url, &with_progress).await.expect("first sync");
    let last_push =
        seen.lock().unwrap().iter().rev().find(|p| p.phase == "push").cloned().expect("push progress");
    assert_eq!((Some(last_push.done), last_push.total), (Some(first.pushed), Some(first.pushed)));
    assert!(first.pushed > 100, "the demo data went up: {first:?}");
    assert!(first.errors.is_empty(), "{:?}", first.errors);

    let (_db, b) = empty_install().await;
    let joined = sync::join(&b, &url, None, &opts()).await.expect("join");
    assert_eq!(joined.pulled, first.pushed);
    // The meal photo came along, byte for byte.
    // (photo, its thumbnail and the kept original activity files)
    assert!(first.attachments_up >= 2, "{first:?}");
    assert_eq!(first.attachments_up, joined.attachments_down);
    let photo: String = sqlx::query_scalar("SELECT image_url FROM meal_logs WHERE image_url IS NOT NULL")
        .fetch_one(b.pool())
        .await
        .unwrap();
    assert_eq!(
        std::fs::read(_db.path().join(&photo)).unwrap(),
        std::fs::read(_da.path().join(&photo)).unwrap()
    );
    assert_same(&sync::snapshot(&a).await.unwrap(), &sync::snapshot(&b).await.unwrap());
    assert_eq!(sync::pending_count(&b).await.unwrap(), 0, "pulled rows are not logged as local changes");

    // Offline on both.
    let meal: String =
        sqlx::query_scalar("SELECT id FROM meal_logs ORDER BY id LIMIT 1").fetch_one(a.pool()).await.unwrap();
    let other_meal: String = sqlx::query_scalar("SELECT id FROM meal_logs ORDER BY id DESC LIMIT 1")
        .fetch_one(a.pool())
        .await
        .unwrap();
    let activity: String = sqlx::query_scalar(
        "SELECT a.id FROM activities a JOIN activity_streams s ON s.activity_id = a.id LIMIT 1",
    )
    .fetch_one(b.pool())
    .await
    .unwrap();
    exec(&a, &format!("UPDATE meal_logs SET name = 'edited on A', total_calories = 111 WHERE id = '{meal}'"))
        .await;
    exec(&a, &format!("UPDATE meal_logs SET notes = 'only A touched this' WHERE id = '{other_meal}'")).await;
    exec(
        &a,
        "DELETE FROM body_measurements WHERE id = (SELECT id FROM body_measurements ORDER BY id LIMIT 1)",
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    // B edits the same meal later: B's version wins everywhere.
    exec(&b, &format!("UPDATE meal_logs SET name = 'edited on B', total_calories = 222 WHERE id = '{meal}'"))
        .await;
    exec(&b, &format!("DELETE FROM activities WHERE id = '{activity}'")).await;
    exec(&b, "UPDATE users SET daily_protein_target_g = 171").await;

    for store in [&a, &b, &a] {
        let r = sync::sync(store, &url, &opts()).await.expect("sync");
        assert!(r.errors.is_empty(), "{:?}", r.errors);
    }
    let (sa, sb) = (sync::snapshot(&a).await.unwrap(), sync::snapshot(&b).await.unwrap());
    assert_same(&sa, &sb);
    assert_eq!(scalar(&a, &format!("SELECT name FROM meal_logs WHERE id = '{meal}'")).await, "edited on B");
    assert_eq!(
        scalar(&a, &format!("SELECT total_calories FROM meal_logs WHERE id = '{meal}'")).await,
        "222.0"
    );
    assert_eq!(
        scalar(&b, &format!("SELECT notes FROM meal_logs WHERE id = '{other_meal}'")).await,
        "only A touched this"
    );
    assert_eq!(
        scalar(&a, &format!("SELECT count(*) FROM activity_streams WHERE activity_id = '{activity}'")).await,
        "0"
    );
    assert_eq!(scalar(&a, "SELECT daily_protein_target_g FROM users").await, "171");
    // The derived day totals follow the pulled meals.
    let day: String = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT local_date FROM meal_logs WHERE id = '{meal}'"
    )))
    .fetch_one(a.pool())
    .await
    .unwrap();
    let q = format!("SELECT total_calories FROM daily_nutrition_summaries WHERE date = '{day}'");
    assert_eq!(scalar(&a, &q).await, scalar(&b, &q).await);

    // Repeating changes nothing.
    let again = sync::sync(&b, &url, &opts()).await.unwrap();
    assert_eq!((again.pushed, again.pulled), (0, 0), "{again:?}");
    assert_same(&sa, &sync::snapshot(&b).await.unwrap());
}

#[tokio::test]
async fn a_sync_killed_midway_and_rerun_loses_and_duplicates_nothing() {
    let Some(url) = support::fresh_server("wagner_test").await else { return };
    let (_da, a) = demo_store().await;
    let total = sync::pending_count(&a).await.unwrap();
    let small = SyncOptions { batch_size: 50, fail_after_batches: Some(3), ..opts() };
    let err = sync::sync(&a, &url, &small).await.expect_err("the test hook stops it");
    assert!(err.to_string().contains("interrupted"), "{err}");
    let left = sync::pending_count(&a).await.unwrap();
    assert!(left > 0 && left < total, "part went up: {left} of {total} left");
    let status = sync::status(&a).await.unwrap();
    assert!(status.last_error.unwrap_or_default().contains("interrupted"));

    let done = sync::sync(&a, &url, &SyncOptions { batch_size: 50, ..opts() }).await.expect("rerun");
    assert!(done.errors.is_empty(), "{:?}", done.errors);
    assert_eq!(sync::pending_count(&a).await.unwrap(), 0);

    // The pulling side is interrupted too, then resumes from its cursor.
    let (_db, b) = empty_install().await;
    let stop = SyncOptions { batch_size: 40, fail_after_batches: Some(2), ..opts() };
    sync::join(&b, &url, None, &stop).await.expect_err("stopped mid-pull");
    let resumed = sync::sync(&b, &url, &SyncOptions { batch_size: 40, ..opts() }).await.expect("resume");
    assert!(resumed.pulled > 0 && (resumed.pulled as i64) < total, "resumed from the cursor: {resumed:?}");
    assert_same(&sync::snapshot(&a).await.unwrap(), &sync::snapshot(&b).await.unwrap());

    // The server holds each row once, as many as the install.
    let mut pg = sqlx::PgConnection::connect(&url).await.unwrap();
    for table in sync::SYNCED_TABLES {
        let server: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {table}")))
            .fetch_one(&mut pg)
            .await
            .unwrap();
        let filter = if *table == "foods_enhanced" { " WHERE user_id IS NOT NULL" } else { "" };
        let local: i64 =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {table}{filter}")))
                .fetch_one(a.pool())
                .await
                .unwrap();
        assert_eq!(server, local, "{table}");
    }
}

#[tokio::test]
async fn row_level_security_keeps_two_users_apart_on_one_server() {
    let Some(url) = support::fresh_server("wagner_test").await else { return };
    // Create the schema as the admin, then sync as an ordinary role.
    let admin_pool = sync::connect(&url, None).await.unwrap();
    sync::migrate_server(&admin_pool).await.unwrap();
    // One role per profile: a role acts for the profile it synced first.
    let mut role_urls = Vec::new();
    for _ in 0..2 {
        let role = format!("wagner_u{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "CREATE ROLE {role} LOGIN PASSWORD 'pw' IN ROLE wagner_sync"
        )))
        .execute(&admin_pool)
        .await
        .unwrap();
        let mut user_url = reqwest::Url::parse(&url).unwrap();
        user_url.set_username(&role).unwrap();
        user_url.set_password(Some("pw")).unwrap();
        role_urls.push(user_url.to_string());
    }
    let (url_a, user_url) = (role_urls[0].clone(), role_urls[1].clone());

    let (_da, a) = demo_store().await;
    let (_db, b) = empty_install().await;
    exec(&b, "UPDATE users SET full_name = 'Bea'").await;
    let b_user: String = sqlx::query_scalar("SELECT id FROM users").fetch_one(b.pool()).await.unwrap();
    exec(
        &b,
        &format!(
            "INSERT INTO body_measurements (id, user_id, measured_at, local_date, weight_kg) \
             VALUES ('{}', '{b_user}', '2026-11-20T07:00:00.000Z', '2026-11-20', 61.0)",
            wagner::new_id()
        ),
    )
    .await;
    sync::sync(&a, &url_a, &opts()).await.expect("A syncs");
    sync::sync(&b, &user_url, &opts()).await.expect("B syncs");
    // Syncing again brings nothing of the other user.
    let again = sync::sync(&b, &user_url, &opts()).await.unwrap();
    assert_eq!(again.pulled, 0);
    assert_eq!(scalar(&b, "SELECT count(*) FROM meal_logs").await, "0");
    assert_eq!(scalar(&b, "SELECT count(*) FROM users").await, "1");

    // As B on the server: only B's rows, and A's rows cannot be written.
    let pg = sync::connect(&user_url, Some(&b_user)).await.unwrap();
    let users: Vec<String> = sqlx::query_scalar("SELECT full_name FROM users").fetch_all(&pg).await.unwrap();
    assert_eq!(users, vec!["Bea".to_string()]);
    let meals: i64 = sqlx::query_scalar("SELECT count(*) FROM meal_logs").fetch_one(&pg).await.unwrap();
    assert_eq!(meals, 0);
    let weights: i64 =
        sqlx::query_scalar("SELECT count(*) FROM body_measurements").fetch_one(&pg).await.unwrap();
    assert_eq!(weights, 1);
    let a_user: String = sqlx::query_scalar("SELECT id FROM users").fetch_one(a.pool()).await.unwrap();
    let sneak = sqlx::query(
        "INSERT INTO body_measurements (id, user_id, measured_at, local_date, weight_kg) \
         VALUES (gen_random_uuid(), $1::uuid, now(), current_date, 70)",
    )
    .bind(&a_user)
    .execute(&pg)
    .await;
    assert!(sneak.is_err(), "writing another user's row is refused");
    let deleted = sqlx::query("DELETE FROM meal_logs").execute(&pg).await.unwrap();
    assert_eq!(deleted.rows_affected(), 0, "another user's rows cannot be deleted");
    // The admin (superuser) sees both.
    let all: i64 = sqlx::query_scalar("SELECT count(*) FROM users").fetch_one(&admin_pool).await.unwrap();
    assert_eq!(all, 2);
}
