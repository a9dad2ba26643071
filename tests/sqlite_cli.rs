//! "Your data in one SQLite file you own": a database made by the app stays
//! writable by the SQLite most systems ship (Debian 12's `sqlite3` shell is
//! 3.40; scripts/setup.sh installs it), and the app then reads and syncs what
//! that tool wrote. Set WAGNER_SQLITE3 to test another binary.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test
mod support;

use std::process::Command;

use wagner::sync::{self, SyncOptions};

fn sqlite3_bin() -> String {
    std::env::var("WAGNER_SQLITE3").unwrap_or_else(|_| "/usr/bin/sqlite3".into())
}

/// Runs `sql` through the system sqlite3 shell on `db`; its stdout, or a
/// panic with its stderr.
fn system_sqlite(db: &std::path::Path, sql: &str) -> String {
    let out = Command::new(sqlite3_bin())
        .arg("-bail")
        .arg(db)
        .arg(sql)
        .output()
        .unwrap_or_else(|e| panic!("running {} (apt install sqlite3): {e}", sqlite3_bin()));
    assert!(out.status.success(), "sqlite3 failed on {sql:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn sqlite_version() -> (u32, u32) {
    let out = Command::new(sqlite3_bin()).arg("--version").output().expect("sqlite3 --version");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut parts = text.split_whitespace().next().unwrap_or("").split('.');
    let major = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    let minor = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    (major, minor)
}

fn unix_ms_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64
}

/// The physical milliseconds and counter of an HLC text.
fn hlc_parts(hlc: &str) -> (i64, i64) {
    let mut p = hlc.split('-');
    (p.next().unwrap().parse().unwrap(), p.next().unwrap().parse().unwrap())
}

#[tokio::test]
async fn rows_written_by_the_system_sqlite3_are_versioned_read_and_synced() {
    let (major, minor) = sqlite_version();
    eprintln!("system sqlite3 {major}.{minor}");
    let (dir, store, me) = support::store_with_profile("Me", "Europe/Berlin").await;
    let db = store.path().to_path_buf();
    let clock_before: String = sqlx::query_scalar("SELECT printf('%015d-%08d', ms, ctr) FROM sync_clock")
        .fetch_one(store.pool())
        .await
        .unwrap();
    // The other tool opens the file while the app is closed (as a person would).
    store.close().await;
    drop(store);

    let before_ms = unix_ms_now();
    system_sqlite(
        &db,
        &format!(
            "INSERT INTO meal_logs (id, user_id, category, name, logged_at, local_date, foods, total_calories, \
             total_protein_g, total_carbs_g, total_fat_g) VALUES ('0190aaaa-0000-7000-8000-000000000001', '{}', \
             'lunch', 'typed in sqlite3', '2026-12-03T11:30:00.000Z', '2026-12-03', '[]', 640, 30, 70, 22);\n\
             INSERT INTO body_measurements (id, user_id, measured_at, local_date, weight_kg, source) VALUES \
             ('0190aaaa-0000-7000-8000-000000000002', '{}', '2026-12-03T06:10:00.000Z', '2026-12-03', 81.5, 'manual');\n\
             UPDATE users SET daily_protein_target_g = 155 WHERE id = '{}';",
            me.id, me.id, me.id
        ),
    );
    let after_ms = unix_ms_now();

    // The triggers ran in the old SQLite: versions are real times, after the
    // app's last one, and the day summary got a UUIDv7 carrying that time.
    let rows = system_sqlite(
        &db,
        "SELECT tbl || '|' || hlc || '|' || pending FROM sync_rows \
         WHERE row_id IN ('0190aaaa-0000-7000-8000-000000000001', '0190aaaa-0000-7000-8000-000000000002') \
            OR tbl = 'users' ORDER BY tbl",
    );
    let lines: Vec<&str> = rows.lines().collect();
    assert_eq!(lines.len(), 3, "{rows}");
    let node = system_sqlite(&db, "SELECT node FROM sync_clock");
    for line in &lines {
        let parts: Vec<&str> = line.split('|').collect();
        assert_eq!(parts.len(), 3, "{line}");
        let (tbl, hlc, pending) = (parts[0], parts[1], parts[2]);
        assert_eq!(pending, "1", "{tbl} is waiting to be pushed");
        assert!(hlc.ends_with(&node), "{hlc}");
        let (ms, _) = hlc_parts(hlc);
        assert!(
            ms >= before_ms - 5 && ms <= after_ms + 5,
            "{tbl}: {ms} not within [{before_ms}, {after_ms}]"
        );
        assert!(hlc > clock_before.as_str(), "{hlc} orders after the app's {clock_before}");
    }
    let summary = system_sqlite(
        &db,
        "SELECT id || '|' || meal_count || '|' || total_calories FROM daily_nutrition_summaries WHERE date = '2026-12-03'",
    );
    let parts: Vec<&str> = summary.split('|').collect();
    assert_eq!(parts.len(), 3, "{summary}");
    let (sid, count, kcal) = (parts[0], parts[1], parts[2]);
    assert_eq!((count, kcal), ("1", "640.0"));
    let sid_ms = i64::from_str_radix(&sid.replace('-', "")[..12], 16).unwrap();
    assert!(sid_ms >= before_ms - 5 && sid_ms <= after_ms + 5, "UUIDv7 time {sid_ms} of {sid}");
    // Two changes in one statement stay ordered (the logical counter).
    system_sqlite(
        &db,
        "UPDATE meal_logs SET notes = 'edited in sqlite3' WHERE id = '0190aaaa-0000-7000-8000-000000000001'",
    );
    let edited =
        system_sqlite(&db, "SELECT hlc FROM sync_rows WHERE row_id = '0190aaaa-0000-7000-8000-000000000001'");
    assert!(edited.as_str() > lines[1].split('|').nth(1).unwrap(), "{edited} after {}", lines[1]);

    // The app opens the file again and shows what the other tool wrote.
    let store = wagner::Store::open(&db).await.expect("reopening");
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
    let meals = wagner::nutrition::meals_on(&store, &me.id, day).await.unwrap();
    assert_eq!(meals.len(), 1, "{meals:?}");
    let shown = serde_json::to_value(&meals[0]).unwrap();
    assert_eq!(shown["name"], "typed in sqlite3", "{shown}");
    let weights = wagner::body::weights(&store, &me.id).await.unwrap();
    assert_eq!(weights, vec![(day, 81.5)]);
    assert!(store.check().await.unwrap().is_healthy());

    // And syncs it: a second install joining the server gets the same rows.
    let Some(url) = support::fresh_server("wagner_test").await else { return };
    // The throwaway test server's URL is its superuser.
    let opts = SyncOptions { allow_privileged: true, ..SyncOptions::default() };
    let up = sync::sync(&store, &url, &opts).await.expect("sync");
    assert!(up.errors.is_empty(), "{:?}", up.errors);
    assert_eq!(sync::pending_count(&store).await.unwrap(), 0);
    let (_other_dir, other) = support::temp_store().await;
    sync::join(&other, &url, None, &opts).await.expect("join");
    let theirs = wagner::nutrition::meals_on(&other, &me.id, day).await.unwrap();
    assert_eq!(theirs.len(), 1);
    let theirs = serde_json::to_value(&theirs[0]).unwrap();
    assert_eq!(theirs["name"], "typed in sqlite3");
    let notes: Option<String> =
        sqlx::query_scalar("SELECT notes FROM meal_logs WHERE id = '0190aaaa-0000-7000-8000-000000000001'")
            .fetch_one(other.pool())
            .await
            .unwrap();
    assert_eq!(notes.as_deref(), Some("edited in sqlite3"));
    assert_eq!(wagner::body::weights(&other, &me.id).await.unwrap(), vec![(day, 81.5)]);
    let target: i64 =
        sqlx::query_scalar("SELECT daily_protein_target_g FROM users").fetch_one(other.pool()).await.unwrap();
    assert_eq!(target, 155);
    let (a, b) = (sync::snapshot(&store).await.unwrap(), sync::snapshot(&other).await.unwrap());
    for table in ["meal_logs", "body_measurements", "users", "daily_nutrition_summaries"] {
        assert_eq!(a[table], b[table], "{table}");
    }
    drop(dir);
}

/// Every synced table takes an insert and an update from the system sqlite3,
/// and those without a search document a delete (the triggers of each
/// compile and run there).
#[tokio::test]
async fn every_synced_table_is_writable_by_the_system_sqlite3() {
    let (_dir, store, me) = support::store_with_profile("Me", "UTC").await;
    let db = store.path().to_path_buf();
    store.close().await;
    drop(store);
    let u = &me.id;
    let script = format!(
        "BEGIN;
INSERT INTO users (id, full_name) VALUES ('u2', 'Second');
UPDATE users SET full_name = 'Second person' WHERE id = 'u2';
INSERT INTO quick_entry_logs (id, user_id, input_type, raw_text, processing_status, logged_at)
  VALUES ('q1', '{u}', 'text', 'two eggs', 'pending', '2026-12-03T08:00:00.000Z');
UPDATE quick_entry_logs SET raw_text = 'three eggs' WHERE id = 'q1';
INSERT INTO foods_enhanced (id, user_id, name, serving_size, serving_unit, calories) VALUES ('f1', '{u}', 'My bar', 1, 'bar', 200);
UPDATE foods_enhanced SET calories = 210 WHERE id = 'f1';
INSERT INTO meal_logs (id, user_id, category, logged_at, local_date) VALUES ('m1', '{u}', 'snack', '2026-12-03T15:00:00.000Z', '2026-12-03');
UPDATE meal_logs SET total_calories = 210 WHERE id = 'm1';
INSERT INTO activities (id, user_id, activity_type, name, start_date, local_date, elapsed_time_seconds, source)
  VALUES ('a1', '{u}', 'run', 'Run', '2026-12-03T07:00:00.000Z', '2026-12-03', 1800, 'manual');
UPDATE activities SET distance_meters = 5000 WHERE id = 'a1';
INSERT INTO activity_segments (id, activity_id, user_id, segment_index, segment_type, exercise_name) VALUES ('s1', 'a1', '{u}', 0, 'set', 'squat');
UPDATE activity_segments SET reps = 5 WHERE id = 's1';
INSERT INTO body_measurements (id, user_id, measured_at, local_date, weight_kg) VALUES ('b1', '{u}', '2026-12-03T06:00:00.000Z', '2026-12-03', 80);
UPDATE body_measurements SET weight_kg = 80.5 WHERE id = 'b1';
INSERT INTO user_goals (id, user_id, goal_type, title) VALUES ('g1', '{u}', 'weight', 'Lose 2 kg');
UPDATE user_goals SET title = 'Lose 3 kg' WHERE id = 'g1';
COMMIT;
BEGIN;
DELETE FROM activity_segments WHERE id = 's1';
DELETE FROM user_goals WHERE id = 'g1';
DELETE FROM foods_enhanced WHERE id = 'f1';
DELETE FROM quick_entry_logs WHERE id = 'q1';
DELETE FROM users WHERE id = 'u2';
COMMIT;
SELECT count(*) FROM sync_rows WHERE deleted = 1 AND pending = 1;"
    );
    let deleted = system_sqlite(&db, &script);
    assert_eq!(deleted, "5", "every deleted row left a tombstone to push");
    // (Deleting a meal, an activity or a measurement also deletes its search
    // document's vector, a sqlite-vec table: that needs the extension loaded.)
    let store = wagner::Store::open(&db).await.expect("reopening");
    assert!(store.check().await.unwrap().is_healthy());
}
