//! Issue 24's numbered scenarios against a real Postgres (WAGNER_TEST_PG_URL,
//! as tests/sync.rs): pulls that cannot wedge, rows kept aside, identity that
//! follows the file, bounded waits, safe roles, a clock that cannot be
//! poisoned, and the merge rules.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test
mod support;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use sqlx::Connection;
use wagner::Store;
use wagner::sync::{self, SyncOptions};

/// A fresh database on the test server, or None (with a note) when no server
/// is configured outside the test script.
/// The test server's admin role is a superuser: these tests say so.
fn opts() -> SyncOptions {
    SyncOptions { batch_size: 200, allow_privileged: true, ..SyncOptions::default() }
}

fn now() -> chrono::DateTime<chrono::Utc> {
    wagner::clock::now()
}

async fn demo_store() -> (tempfile::TempDir, Store) {
    let (dir, store) = support::temp_store().await;
    wagner::demo::load(&store, now(), Some("Europe/Berlin".into())).await.expect("demo data");
    let me = wagner::profile::require_default(&store).await.unwrap();
    let files = [std::path::PathBuf::from("tests/fixtures/activities/fit/strength-sets.fit")];
    wagner::activities::import::import_paths(&store, &me, &files, |_| {}).await.unwrap();
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

async fn text(store: &Store, sql: &str) -> String {
    let v: Option<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT CAST(({sql}) AS TEXT)")))
        .fetch_one(store.pool())
        .await
        .expect(sql);
    v.unwrap_or_default()
}

async fn admin(url: &str) -> sqlx::PgConnection {
    sqlx::PgConnection::connect(url).await.expect("admin connection")
}

fn assert_same(a: &serde_json::Map<String, Value>, b: &serde_json::Map<String, Value>) {
    for (table, rows) in a {
        let (ra, rb) = (rows.as_array().unwrap(), b[table].as_array().unwrap());
        assert_eq!(ra.len(), rb.len(), "{table}: row counts differ");
        for (x, y) in ra.iter().zip(rb) {
            assert_eq!(x, y, "{table}: rows differ");
        }
    }
}

async fn converged(stores: &[&Store]) {
    let first = sync::snapshot(stores[0]).await.unwrap();
    for s in &stores[1..] {
        assert_same(&first, &sync::snapshot(s).await.unwrap());
    }
}

async fn ok_sync(store: &Store, url: &str) -> sync::SyncReport {
    let r = sync::sync(store, url, &opts()).await.expect("sync");
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    r
}

/// A newer server version of one row written behind the clients' backs (as
/// a hostile or broken client would): `set` is the SQL SET list.
async fn server_edit(url: &str, table: &str, id: &str, set: &str, hlc: Option<&str>) {
    let mut pg = admin(url).await;
    sqlx::query(sqlx::AssertSqlSafe(format!("UPDATE {table} SET {set} WHERE id = '{id}'")))
        .execute(&mut pg)
        .await
        .expect(set);
    let hlc = hlc
        .map(str::to_owned)
        .unwrap_or_else(|| format!("{:015}-00000000-ffffffffffffffff", now().timestamp_millis()));
    sqlx::query(
        "UPDATE sync_rows SET hlc = $1, seq = nextval('sync_rows_seq'), origin = 'elsewhere' WHERE row_id = $2::uuid",
    )
    .bind(hlc)
    .bind(id)
    .execute(&mut pg)
    .await
    .unwrap();
}

// 1. A program edit on one install never blocks the other's sync.
#[tokio::test]
async fn a_program_move_or_regenerate_never_blocks_the_other_install() {
    let Some(url) = support::fresh_server("wagner_test").await else { return };
    let (_da, a) = demo_store().await;
    ok_sync(&a, &url).await;
    let (_db, b) = empty_install().await;
    sync::join(&b, &url, None, &opts()).await.expect("join");
    let me = wagner::profile::require_default(&a).await.unwrap();
    wagner::programs::tracking::move_day(&a, &me.id, 50, 52).await.expect("move");
    wagner::programs::tracking::regenerate_from(&a, &me, 9, now().date_naive()).await.expect("regenerate");
    ok_sync(&a, &url).await;
    // B logged a meal meanwhile: it must reach the server.
    let meal = wagner::new_id();
    exec(
        &b,
        &format!(
            "INSERT INTO meal_logs (id, user_id, category, name, logged_at, local_date, total_calories) \
             SELECT '{meal}', id, 'lunch', 'B lunch', '2026-12-01T12:00:00.000Z', '2026-12-01', 640 FROM users"
        ),
    )
    .await;
    let r = ok_sync(&b, &url).await;
    assert!(r.pulled > 0 && r.pushed >= 1, "{r:?}");
    assert_eq!(r.quarantined, 0);
    ok_sync(&a, &url).await;
    converged(&[&a, &b]).await;
    assert_eq!(text(&a, &format!("SELECT name FROM meal_logs WHERE id = '{meal}'")).await, "B lunch");
    // And the other way round: B moves, A pulls.
    let me_b = wagner::profile::require_default(&b).await.unwrap();
    wagner::programs::tracking::move_day(&b, &me_b.id, 60, 61).await.expect("move on B");
    ok_sync(&b, &url).await;
    ok_sync(&a, &url).await;
    converged(&[&a, &b]).await;
}

// 2. Restore, then sync: your own newer rows come back.
#[tokio::test]
async fn a_restore_then_sync_brings_back_the_rows_changed_after_the_backup() {
    let Some(url) = support::fresh_server("wagner_test").await else { return };
    let (dir, a) = demo_store().await;
    ok_sync(&a, &url).await;
    let backup = dir.path().join("before.zip");
    wagner::backup::create(&a, &backup).await.expect("backup");
    let node_before = text(&a, "SELECT node FROM sync_clock").await;
    let meal = text(&a, "SELECT min(id) FROM meal_logs").await;
    exec(&a, &format!("UPDATE meal_logs SET name = 'after the backup' WHERE id = '{meal}'")).await;
    let added = wagner::new_id();
    exec(
        &a,
        &format!(
            "INSERT INTO body_measurements (id, user_id, measured_at, local_date, weight_kg) \
             SELECT '{added}', id, '2026-12-02T07:00:00.000Z', '2026-12-02', 71.5 FROM users"
        ),
    )
    .await;
    ok_sync(&a, &url).await;
    let (restored, outcome) = wagner::backup::live::restore_live(&a, &backup, false).await;
    outcome.expect("restore");
    let a = restored.expect("the restored store");
    assert_ne!(
        text(&a, &format!("SELECT name FROM meal_logs WHERE id = '{meal}'")).await,
        "after the backup"
    );
    assert_ne!(text(&a, "SELECT node FROM sync_clock").await, node_before, "a restore renews the node id");
    let r = ok_sync(&a, &url).await;
    assert!(r.pulled >= 2, "{r:?}");
    assert_eq!(
        text(&a, &format!("SELECT name FROM meal_logs WHERE id = '{meal}'")).await,
        "after the backup"
    );
    assert_eq!(
        text(&a, &format!("SELECT weight_kg FROM body_measurements WHERE id = '{added}'")).await,
        "71.5"
    );
    assert_eq!(sync::pending_count(&a).await.unwrap(), 0);
    let (_db, b) = empty_install().await;
    sync::join(&b, &url, None, &opts()).await.unwrap();
    converged(&[&a, &b]).await;
}

// 3. A copied database file syncs with the original.
#[tokio::test]
async fn a_copied_database_file_syncs_with_the_original() {
    let Some(url) = support::fresh_server("wagner_test").await else { return };
    let (_da, a) = demo_store().await;
    ok_sync(&a, &url).await;
    let copy_dir = tempfile::tempdir().unwrap();
    let copy_path = copy_dir.path().join("wagner.db");
    exec(&a, &format!("VACUUM INTO '{}'", copy_path.display())).await;
    let c = Store::open(&copy_path).await.unwrap();
    let meals: Vec<String> =
        sqlx::query_scalar("SELECT id FROM meal_logs ORDER BY id LIMIT 2").fetch_all(a.pool()).await.unwrap();
    exec(&a, &format!("UPDATE meal_logs SET notes = 'from the original' WHERE id = '{}'", meals[0])).await;
    exec(&c, &format!("UPDATE meal_logs SET notes = 'from the copy' WHERE id = '{}'", meals[1])).await;
    let first = sync::sync(&c, &url, &opts()).await.unwrap();
    assert!(first.errors.iter().any(|e| e.contains("new sync identity")), "{:?}", first.errors);
    ok_sync(&a, &url).await;
    ok_sync(&c, &url).await;
    assert_ne!(text(&a, "SELECT node FROM sync_clock").await, text(&c, "SELECT node FROM sync_clock").await);
    for s in [&a, &c] {
        assert_eq!(
            text(s, &format!("SELECT notes FROM meal_logs WHERE id = '{}'", meals[0])).await,
            "from the original"
        );
        assert_eq!(
            text(s, &format!("SELECT notes FROM meal_logs WHERE id = '{}'", meals[1])).await,
            "from the copy"
        );
    }
    converged(&[&a, &c]).await;
}

/// A TCP relay to the test server that can be cut (a lost server) and
/// started again on the same port.
struct Relay {
    port: u16,
    target: SocketAddr,
    tasks: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

impl Relay {
    async fn start(target: SocketAddr) -> Relay {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let relay = Relay { port, target, tasks: Arc::default() };
        relay.serve(listener);
        relay
    }

    fn serve(&self, listener: tokio::net::TcpListener) {
        let tasks = self.tasks.clone();
        let target = self.target;
        let accept = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let conn = tokio::spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                tasks.lock().unwrap().push(conn);
            }
        });
        self.tasks.lock().unwrap().push(accept);
    }

    /// Closes every connection and stops listening.
    fn cut(&self) {
        for t in self.tasks.lock().unwrap().drain(..) {
            t.abort();
        }
    }

    async fn restart(&self) {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", self.port)).await.unwrap();
        self.serve(listener);
    }

    fn url(&self, url: &str) -> String {
        let mut u = reqwest::Url::parse(url).unwrap();
        u.set_port(Some(self.port)).unwrap();
        u.to_string()
    }
}

async fn target_of(url: &str) -> SocketAddr {
    let u = reqwest::Url::parse(url).unwrap();
    let host = u.host_str().unwrap().to_owned();
    tokio::net::lookup_host((host.as_str(), u.port().unwrap_or(5432))).await.unwrap().next().unwrap()
}

// 4 and 5. Bounded waits and clear words.
#[tokio::test]
async fn a_lost_server_ends_the_sync_at_once_and_the_next_sync_resumes() {
    let Some(url) = support::fresh_server("wagner_test").await else { return };
    let relay = Arc::new(Relay::start(target_of(&url).await).await);
    let relayed = relay.url(&url);
    let (_da, a) = demo_store().await;
    let total = sync::pending_count(&a).await.unwrap();
    let cut = relay.clone();
    let batches = Arc::new(Mutex::new(0));
    let seen = batches.clone();
    let stopping = SyncOptions {
        batch_size: 50,
        allow_privileged: true,
        progress: Some(Arc::new(move |p: &sync::SyncProgress| {
            let mut n = seen.lock().unwrap();
            if p.phase == "push" {
                *n += 1;
                if *n == 3 {
                    cut.cut();
                }
            }
        })),
        ..SyncOptions::default()
    };
    // A guard against a hang, not a speed check.
    let err = tokio::time::timeout(Duration::from_secs(120), sync::sync(&a, &relayed, &stopping))
        .await
        .expect("the sync ends by itself")
        .expect_err("the server went away");
    let msg = err.to_string();
    assert!(msg.contains("lost the connection"), "{msg}");
    assert!(msg.contains("sync again"), "{msg}");
    let left = sync::pending_count(&a).await.unwrap();
    assert!(left > 0 && left < total, "{left} of {total}");
    // Nothing listening: the cause is named.
    let refused = tokio::time::timeout(Duration::from_secs(60), sync::sync(&a, &relayed, &opts()))
        .await
        .expect("the connect gives up by itself")
        .expect_err("nothing listens");
    assert!(refused.to_string().contains("connection refused"), "{refused}");
    assert_eq!(refused.to_string().matches("connection refused").count(), 1, "{refused}");
    relay.restart().await;
    let done = sync::sync(&a, &relayed, &opts()).await.expect("resumes");
    assert!(done.errors.is_empty(), "{:?}", done.errors);
    assert!(done.pushed > 0 && done.pushed < total, "{done:?}");
    assert_eq!(sync::pending_count(&a).await.unwrap(), 0);
    let mut pg = admin(&url).await;
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

// 6. Bad rows on the server are kept aside, named once; the rest goes on.
#[tokio::test]
async fn bad_server_rows_are_kept_aside_and_the_rest_of_the_sync_goes_on() {
    let Some(url) = support::fresh_server("wagner_test").await else { return };
    let (_da, a) = demo_store().await;
    ok_sync(&a, &url).await;
    let (_db, b) = empty_install().await;
    sync::join(&b, &url, None, &opts()).await.unwrap();
    let meals: Vec<String> =
        sqlx::query_scalar("SELECT id FROM meal_logs ORDER BY id LIMIT 4").fetch_all(a.pool()).await.unwrap();
    let item = text(&a, "SELECT min(id) FROM ai_program_items WHERE item_type = 'meal'").await;
    {
        let mut pg = admin(&url).await;
        sqlx::query("ALTER TABLE meal_logs DROP CONSTRAINT meal_logs_category_check")
            .execute(&mut pg)
            .await
            .unwrap();
    }
    server_edit(&url, "ai_program_items", &item, "meal_foods = '{\"not\": \"a list\"}'", None).await;
    server_edit(&url, "meal_logs", &meals[0], "total_calories = 'NaN'", None).await;
    server_edit(&url, "meal_logs", &meals[1], "total_calories = 1e400", None).await;
    server_edit(&url, "meal_logs", &meals[2], "category = 'brunch'", None).await;
    server_edit(&url, "meal_logs", &meals[3], "name = 'a fine edit'", None).await;
    let mine = wagner::new_id();
    exec(
        &b,
        &format!(
            "INSERT INTO body_measurements (id, user_id, measured_at, local_date, weight_kg) \
             SELECT '{mine}', id, '2026-12-03T07:00:00.000Z', '2026-12-03', 64.2 FROM users"
        ),
    )
    .await;
    let r = sync::sync(&b, &url, &opts()).await.expect("the sync goes on");
    assert_eq!(r.quarantined, 4, "{r:?}");
    assert_eq!(r.pushed, 1, "B's own row went up: {r:?}");
    for id in [&item, &meals[0], &meals[1], &meals[2]] {
        assert_eq!(r.errors.iter().filter(|e| e.contains(id.as_str())).count(), 1, "{id}: {:?}", r.errors);
    }
    assert!(r.errors.iter().any(|e| e.contains(&meals[0]) && e.contains("not a number")), "{:?}", r.errors);
    assert_eq!(
        text(&b, &format!("SELECT name FROM meal_logs WHERE id = '{}'", meals[3])).await,
        "a fine edit"
    );
    let status = sync::status(&b).await.unwrap();
    assert_eq!(status.quarantined_total, 4);
    assert!(status.quarantined.iter().all(|q| !q.reason.is_empty()));
    // Named once: the next sync only counts them.
    let again = sync::sync(&b, &url, &opts()).await.unwrap();
    assert_eq!(again.quarantined, 4);
    assert!(again.errors.iter().all(|e| !e.contains("kept aside:")), "{:?}", again.errors);
    assert_eq!(again.errors.len(), 1, "{:?}", again.errors);
    // Mended on the server, the row applies and leaves the list.
    server_edit(&url, "meal_logs", &meals[0], "total_calories = 512", None).await;
    let mended = sync::sync(&b, &url, &opts()).await.unwrap();
    assert_eq!(mended.quarantined, 3, "{mended:?}");
    assert_eq!(
        text(&b, &format!("SELECT total_calories FROM meal_logs WHERE id = '{}'", meals[0])).await,
        "512.0"
    );
    assert_eq!(text(&b, "SELECT count(*) FROM pragma_foreign_key_check").await, "0");
}

// 7. Safe by default with Postgres.
#[tokio::test]
async fn a_superuser_is_refused_unless_asked_and_a_sync_role_acts_for_one_profile() {
    let Some(url) = support::fresh_server("wagner_test").await else { return };
    let (_da, a) = demo_store().await;
    let err = sync::sync(&a, &url, &SyncOptions::default()).await.expect_err("superuser refused");
    assert!(err.to_string().contains("superuser") && err.to_string().contains("setup-role"), "{err}");

    // Roles are per cluster: unique names per run.
    let tag = &uuid::Uuid::new_v4().simple().to_string()[..8];
    let setup_a =
        sync::net::setup_role(&url, &format!("wagner_a{tag}"), Some("pw-a".into())).await.expect("role a");
    assert!(setup_a.created);
    let setup_b = sync::net::setup_role(&url, &format!("wagner_b{tag}"), None).await.expect("role b");
    let pw_b = setup_b.generated_password.clone().expect("a generated password");
    let with_pw = |u: &str, pw: &str| {
        let mut u = reqwest::Url::parse(u).unwrap();
        u.set_password(Some(pw)).unwrap();
        u.to_string()
    };
    let url_a = with_pw(&setup_a.url, "pw-a");
    let url_b = with_pw(&setup_b.url, &pw_b);
    let plain = SyncOptions { batch_size: 200, ..SyncOptions::default() };
    let bytes = std::fs::read("tests/fixtures/attachments/plate.png").unwrap();
    let photo = wagner::attachments::store_bytes(&a, &bytes, "plate.png").unwrap();
    exec(
        &a,
        &format!(
            "UPDATE meal_logs SET image_url = '{}' WHERE id = (SELECT min(id) FROM meal_logs)",
            photo.path
        ),
    )
    .await;
    let ra = sync::sync(&a, &url_a, &plain).await.expect("A through its role");
    assert!(ra.errors.is_empty(), "{:?}", ra.errors);

    let (_db, b) = empty_install().await;
    let b_user = text(&b, "SELECT id FROM users").await;
    let a_user = text(&a, "SELECT id FROM users").await;
    let a_meal = text(&a, "SELECT min(id) FROM meal_logs").await;
    // B's role cannot act for A's profile, nor A's role for B's.
    let refused = sync::sync(&b, &url_a, &plain).await.expect_err("role a is A's");
    assert!(refused.to_string().contains("refuses this profile"), "{refused}");
    // B pushes a meal with A's meal id: refused, A's row stays A's.
    exec(
        &b,
        &format!(
            "INSERT INTO meal_logs (id, user_id, category, name, logged_at, local_date) \
             VALUES ('{a_meal}', '{b_user}', 'snack', 'stolen id', '2026-12-01T10:00:00.000Z', '2026-12-01')"
        ),
    )
    .await;
    let rb = sync::sync(&b, &url_b, &plain).await.expect("B through its role");
    assert_eq!(rb.refused, 1, "{rb:?}");
    assert_eq!(rb.attachments_down, 0, "A's photo stays A's");
    assert_eq!(text(&b, "SELECT count(*) FROM users").await, "1");
    let mut pg = admin(&url).await;
    let owner: String = sqlx::query_scalar("SELECT user_id::text FROM meal_logs WHERE id = $1::uuid")
        .bind(&a_meal)
        .fetch_one(&mut pg)
        .await
        .unwrap();
    assert_eq!(owner, a_user);
    // Role b setting A's id sees nothing of A.
    let pool = sync::connect(&url_b, Some(&a_user)).await.unwrap();
    let seen: i64 = sqlx::query_scalar("SELECT count(*) FROM meal_logs").fetch_one(&pool).await.unwrap();
    assert_eq!(seen, 0);
    let files: i64 =
        sqlx::query_scalar("SELECT count(*) FROM sync_attachments").fetch_one(&pool).await.unwrap();
    assert_eq!(files, 0);
    // Even a superuser session acting for B cannot take A's row (trigger).
    let su = sync::connect(&url, Some(&b_user)).await.unwrap();
    let moved = sqlx::query("UPDATE meal_logs SET user_id = $1::uuid WHERE id = $2::uuid")
        .bind(&b_user)
        .bind(&a_meal)
        .execute(&su)
        .await;
    assert!(moved.is_err(), "the owner of a row never changes");
}

// 8. A version from the far future cannot poison the clock.
#[tokio::test]
async fn a_version_from_the_far_future_is_kept_aside_and_the_clock_stays_sane() {
    let Some(url) = support::fresh_server("wagner_test").await else { return };
    let (_da, a) = demo_store().await;
    ok_sync(&a, &url).await;
    let (_db, b) = empty_install().await;
    sync::join(&b, &url, None, &opts()).await.unwrap();
    let meal = text(&a, "SELECT min(id) FROM meal_logs").await;
    server_edit(
        &url,
        "meal_logs",
        &meal,
        "name = 'from the future'",
        Some("999999999999999-00000000-ffffffffffffffff"),
    )
    .await;
    let r = sync::sync(&b, &url, &opts()).await.unwrap();
    assert_eq!(r.quarantined, 1, "{r:?}");
    assert!(
        r.errors.iter().any(|e| e.contains(&meal) && e.contains("ahead of this computer's clock")),
        "{:?}",
        r.errors
    );
    let limit = now().timestamp_millis() + sync::MAX_DRIFT_MS;
    let ms: i64 = text(&b, "SELECT ms FROM sync_clock").await.parse().unwrap();
    assert!(ms <= limit, "the clock was not dragged ahead: {ms}");
    assert_ne!(text(&b, &format!("SELECT name FROM meal_logs WHERE id = '{meal}'")).await, "from the future");
    // A later delete of that row still wins everywhere.
    exec(&a, &format!("DELETE FROM meal_logs WHERE id = '{meal}'")).await;
    sync::sync(&a, &url, &opts()).await.expect("A keeps the far-future row aside too and pushes its delete");
    let after = sync::sync(&b, &url, &opts()).await.unwrap();
    assert_eq!(after.quarantined, 0, "{after:?}");
    assert_eq!(text(&b, &format!("SELECT count(*) FROM meal_logs WHERE id = '{meal}'")).await, "0");
    converged(&[&a, &b]).await;
}

// 9. Deletes win over edits made without knowing them; fields merge.
#[tokio::test]
async fn a_delete_wins_over_an_unknowing_edit_and_edits_of_different_fields_both_survive() {
    let Some(url) = support::fresh_server("wagner_test").await else { return };
    let (_da, a) = demo_store().await;
    ok_sync(&a, &url).await;
    let (_db, b) = empty_install().await;
    sync::join(&b, &url, None, &opts()).await.unwrap();
    let meal = text(&a, "SELECT min(id) FROM meal_logs").await;
    let activity = text(
        &a,
        "SELECT activity_id FROM activity_segments GROUP BY activity_id ORDER BY count(*) DESC LIMIT 1",
    )
    .await;
    let laps: i64 =
        text(&a, &format!("SELECT count(*) FROM activity_segments WHERE activity_id = '{activity}'"))
            .await
            .parse()
            .unwrap();
    assert!(laps > 1);
    let weigh_in = text(&a, "SELECT min(id) FROM body_measurements").await;
    // A deletes; B (not knowing) edits the same rows, later.
    exec(&a, &format!("DELETE FROM meal_logs WHERE id = '{meal}'")).await;
    exec(&a, &format!("DELETE FROM activities WHERE id = '{activity}'")).await;
    exec(&a, &format!("UPDATE body_measurements SET weight_kg = 80.5 WHERE id = '{weigh_in}'")).await;
    tokio::time::sleep(Duration::from_millis(5)).await;
    exec(&b, &format!("UPDATE meal_logs SET name = 'edited after the delete' WHERE id = '{meal}'")).await;
    exec(&b, &format!("UPDATE activities SET name = 'renamed' WHERE id = '{activity}'")).await;
    exec(&b, &format!("UPDATE body_measurements SET body_fat_pct = 18.5 WHERE id = '{weigh_in}'")).await;
    ok_sync(&a, &url).await;
    let rb = ok_sync(&b, &url).await;
    assert!(rb.overridden >= 2, "B is told its edits were replaced: {rb:?}");
    assert_eq!(rb.merged, 1, "{rb:?}");
    ok_sync(&a, &url).await;
    for s in [&a, &b] {
        assert_eq!(text(s, &format!("SELECT count(*) FROM meal_logs WHERE id = '{meal}'")).await, "0");
        assert_eq!(text(s, &format!("SELECT count(*) FROM activities WHERE id = '{activity}'")).await, "0");
        assert_eq!(
            text(s, &format!("SELECT count(*) FROM activity_segments WHERE activity_id = '{activity}'"))
                .await,
            "0"
        );
        assert_eq!(
            text(
                s,
                &format!(
                    "SELECT weight_kg || '/' || body_fat_pct FROM body_measurements WHERE id = '{weigh_in}'"
                )
            )
            .await,
            "80.5/18.5"
        );
    }
    converged(&[&a, &b]).await;
    // A row deleted and put back knowingly (undo) comes back everywhere.
    let me = wagner::profile::require_default(&a).await.unwrap();
    wagner::body::delete_with_undo(&a, &me.id, &weigh_in).await.unwrap();
    ok_sync(&a, &url).await;
    ok_sync(&b, &url).await;
    assert_eq!(
        text(&b, &format!("SELECT count(*) FROM body_measurements WHERE id = '{weigh_in}'")).await,
        "0"
    );
    wagner::body::undo_delete(&a, &me.id).await.unwrap();
    ok_sync(&a, &url).await;
    ok_sync(&b, &url).await;
    assert_eq!(
        text(&b, &format!("SELECT weight_kg FROM body_measurements WHERE id = '{weigh_in}'")).await,
        "80.5"
    );
    converged(&[&a, &b]).await;
}

// --join killed mid-way resumes like sync.
#[tokio::test]
async fn an_interrupted_join_resumes_where_it_stopped() {
    let Some(url) = support::fresh_server("wagner_test").await else { return };
    let (_da, a) = demo_store().await;
    let pushed = ok_sync(&a, &url).await.pushed;
    let (_db, b) = empty_install().await;
    let stop = SyncOptions { batch_size: 40, fail_after_batches: Some(3), ..opts() };
    sync::join(&b, &url, None, &stop).await.expect_err("stopped mid-pull");
    let resumed =
        sync::join(&b, &url, None, &SyncOptions { batch_size: 40, ..opts() }).await.expect("join again");
    assert!(
        resumed.pulled > 0 && resumed.pulled < pushed,
        "resumed from its cursor: {resumed:?} of {pushed}"
    );
    converged(&[&a, &b]).await;
}

// 9 (continued). Per-field versions: each field keeps its own latest edit.
// The sequence `scripts/sync-model.sh 6 80 900` found at seed 904: a field
// edited twice on an install whose copy had pushed the first edit lost the
// second to a newer edit of another field elsewhere; and of two unsynced
// edits of the same field, the install whose latest edit of the row was
// newer won, not the newer edit of that field.
#[tokio::test]
async fn each_field_keeps_its_latest_edit_whatever_else_the_row_went_through() {
    let Some(url) = support::fresh_server("wagner_test").await else { return };
    let (_da, a) = demo_store().await;
    ok_sync(&a, &url).await;
    let (_db, b) = empty_install().await;
    sync::join(&b, &url, None, &opts()).await.unwrap();
    let meal = text(&a, "SELECT min(id) FROM meal_logs").await;
    let weigh_in = text(&a, "SELECT min(id) FROM body_measurements").await;
    let tick = || tokio::time::sleep(Duration::from_millis(5));

    // A names the meal; a copy of A's file (a new laptop) pushes that edit.
    exec(&a, &format!("UPDATE meal_logs SET name = 'first name' WHERE id = '{meal}'")).await;
    let copy_dir = tempfile::tempdir().unwrap();
    let copy_path = copy_dir.path().join("wagner.db");
    exec(&a, &format!("VACUUM INTO '{}'", copy_path.display())).await;
    let c = Store::open(&copy_path).await.unwrap();
    sync::sync(&c, &url, &opts()).await.expect("the copy syncs");
    tick().await;
    // A renames it again (not synced yet); later B, having pulled the first
    // name, edits the notes of the same meal and syncs.
    exec(&a, &format!("UPDATE meal_logs SET name = 'second name' WHERE id = '{meal}'")).await;
    tick().await;
    ok_sync(&b, &url).await;
    exec(&b, &format!("UPDATE meal_logs SET notes = 'notes from B' WHERE id = '{meal}'")).await;
    ok_sync(&b, &url).await;

    // The same field on two installs: A's weight, then B's weight, then A's
    // body fat. B's weight is the newer edit of the weight.
    tick().await;
    exec(&a, &format!("UPDATE body_measurements SET weight_kg = 80.5 WHERE id = '{weigh_in}'")).await;
    tick().await;
    exec(&b, &format!("UPDATE body_measurements SET weight_kg = 81.5 WHERE id = '{weigh_in}'")).await;
    tick().await;
    exec(&a, &format!("UPDATE body_measurements SET body_fat_pct = 19.5 WHERE id = '{weigh_in}'")).await;

    for _ in 0..2 {
        for s in [&a, &b, &c] {
            ok_sync(s, &url).await;
        }
    }
    for (who, s) in [("A", &a), ("B", &b), ("the copy", &c)] {
        assert_eq!(
            text(s, &format!("SELECT name || ' / ' || notes FROM meal_logs WHERE id = '{meal}'")).await,
            "second name / notes from B",
            "{who}: A's second name and B's notes both survive"
        );
        assert_eq!(
            text(
                s,
                &format!(
                    "SELECT weight_kg || ' / ' || body_fat_pct FROM body_measurements WHERE id = '{weigh_in}'"
                )
            )
            .await,
            "81.5 / 19.5",
            "{who}: B's later weight and A's body fat"
        );
        assert_eq!(text(s, "SELECT count(*) FROM sync_rows WHERE pending = 1").await, "0", "{who}");
    }
    converged(&[&a, &b, &c]).await;
}

/// A newer server version of one meal's calories written by an admin, with
/// the field version such an edit must carry (README "What wins").
async fn server_set_calories(url: &str, id: &str, value: &str) {
    let mut pg = admin(url).await;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE meal_logs SET total_calories = {value} WHERE id = '{id}'"
    )))
    .execute(&mut pg)
    .await
    .unwrap();
    let hlc = format!("{:015}-00000000-ffffffffffffffff", now().timestamp_millis());
    sqlx::query(
        "UPDATE sync_rows SET hlc = $1, seq = nextval('sync_rows_seq'), origin = 'admin', \
                fields = fields || jsonb_build_object('total_calories', $1) WHERE row_id = $2::uuid",
    )
    .bind(&hlc)
    .bind(id)
    .execute(&mut pg)
    .await
    .unwrap();
}

// 6 (continued). The sequence `scripts/sync-model.sh 1 200 3002` found: an
// install whose copy of a meal was kept aside (the server's has NaN
// calories) edited the meal's notes and synced without an error, but the
// edit was held back on that install only; its file was then replaced by a
// copy of another install's, and the edit was gone everywhere. An edit of
// a row kept aside now reaches the server at once, merged per field into
// the server's copy.
#[tokio::test]
async fn an_edit_of_a_row_kept_aside_reaches_the_server_at_once() {
    let Some(url) = support::fresh_server("wagner_test").await else { return };
    let (_da, a) = demo_store().await;
    ok_sync(&a, &url).await;
    let (_db, b) = empty_install().await;
    sync::join(&b, &url, None, &opts()).await.unwrap();
    let meal = text(&a, "SELECT min(id) FROM meal_logs").await;

    server_set_calories(&url, &meal, "'NaN'").await;
    let r = sync::sync(&b, &url, &opts()).await.expect("sync");
    assert_eq!(r.quarantined, 1, "{r:?}");
    tokio::time::sleep(Duration::from_millis(5)).await;
    exec(&b, &format!("UPDATE meal_logs SET notes = 'notes from B' WHERE id = '{meal}'")).await;
    let r = sync::sync(&b, &url, &opts()).await.expect("sync");
    assert_eq!(r.pending_after, 0, "B's edit went up: {r:?}");
    // B's disk is lost (or replaced by a copy of A's) before the repair.
    b.close().await;

    server_set_calories(&url, &meal, "640").await;
    ok_sync(&a, &url).await;
    assert_eq!(
        text(&a, &format!("SELECT notes || ' / ' || total_calories FROM meal_logs WHERE id = '{meal}'"))
            .await,
        "notes from B / 640.0",
        "B's notes and the repaired calories"
    );
    let (_dc, c) = empty_install().await;
    sync::join(&c, &url, None, &opts()).await.unwrap();
    converged(&[&a, &c]).await;
}

// A client from before per-field versions pushing to an upgraded server
// writes its rows and versions but no field versions: the server records
// the columns such a push changes at the pushed version, so its later edit
// of a field wins over an older pending edit of that field elsewhere.
#[tokio::test]
async fn a_push_from_a_client_without_field_versions_still_versions_its_fields() {
    let Some(url) = support::fresh_server("wagner_test").await else { return };
    let (_da, a) = demo_store().await;
    ok_sync(&a, &url).await;
    let (_db, b) = empty_install().await;
    sync::join(&b, &url, None, &opts()).await.unwrap();
    let meal = text(&a, "SELECT min(id) FROM meal_logs").await;
    let user = text(&a, "SELECT id FROM users").await;

    exec(&b, &format!("UPDATE meal_logs SET notes = 'B notes' WHERE id = '{meal}'")).await;
    tokio::time::sleep(Duration::from_millis(5)).await;
    // The old client's push, as it wrote it: one transaction, the row, then
    // its version without `fields`.
    let hlc = format!("{:015}-00000000-0123456789abcdef", now().timestamp_millis());
    let mut pg = admin(&url).await;
    let mut tx = pg.begin().await.unwrap();
    sqlx::query("SELECT set_config('app.sync_push', '1', true), set_config('app.user_id', $1, true)")
        .bind(&user)
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("UPDATE meal_logs SET notes = 'later notes from an old client' WHERE id = $1::uuid")
        .bind(&meal)
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO sync_rows (tbl, row_id, user_id, hlc, deleted, seq, origin) \
         VALUES ('meal_logs', $1::uuid, $2::uuid, $3, false, nextval('sync_rows_seq'), '0123456789abcdef') \
         ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, \
            seq = excluded.seq, origin = excluded.origin",
    )
    .bind(&meal)
    .bind(&user)
    .bind(&hlc)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let notes_at: Option<String> =
        sqlx::query_scalar("SELECT fields ->> 'notes' FROM sync_rows WHERE row_id = $1::uuid")
            .bind(&meal)
            .fetch_one(&mut pg)
            .await
            .unwrap();
    assert_eq!(notes_at.as_deref(), Some(hlc.as_str()), "the old client's notes carry its version");

    ok_sync(&b, &url).await;
    ok_sync(&a, &url).await;
    for s in [&a, &b] {
        assert_eq!(
            text(s, &format!("SELECT notes FROM meal_logs WHERE id = '{meal}'")).await,
            "later notes from an old client"
        );
    }
    converged(&[&a, &b]).await;
}
