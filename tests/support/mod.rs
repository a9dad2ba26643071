//! Shared set-up for the integration tests: a real database file in a temp
//! folder and a profile in a given time zone.
#![allow(dead_code)]

use wagner::Store;
use wagner::ai::{ApiKey, Provider, ProviderConfig, ProviderKind, RetryPolicy};
use wagner::profile::{self, NewProfile, Profile};

/// The 18 tables of the consolidated design (schema checks: STRICT, indexed
/// foreign keys); sync and backup take their lists from `wagner::tables`, which
/// holds these and the later ones (`tests/schema.rs` checks it does).
pub const CORE_TABLES: [&str; 18] = [
    "users",
    "quick_entry_logs",
    "quick_entry_embeddings",
    "meal_logs",
    "foods_enhanced",
    "activities",
    "activity_segments",
    "activity_streams",
    "body_measurements",
    "coach_messages",
    "ai_generated_programs",
    "ai_program_days",
    "ai_program_items",
    "integrations",
    "user_goals",
    "webhook_events",
    "rate_limits",
    "daily_nutrition_summaries",
];

pub async fn temp_store() -> (tempfile::TempDir, Store) {
    temp_store_at("wagner.db").await
}

/// A temp database at `relative` inside the temp folder (e.g. `data/wagner.db`).
pub async fn temp_store_at(relative: &str) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let store = Store::open(&dir.path().join(relative)).await.expect("opening the store");
    (dir, store)
}

pub async fn new_profile(store: &Store, name: &str, tz: &str) -> Profile {
    let mut conn = store.pool().acquire().await.expect("a connection");
    profile::create(
        &mut conn,
        NewProfile { full_name: name.into(), time_zone: Some(tz.into()), ..NewProfile::default() },
    )
    .await
    .expect("creating a profile")
}

/// A temp database with one profile.
pub async fn store_with_profile(name: &str, tz: &str) -> (tempfile::TempDir, Store, Profile) {
    store_with_profile_at("wagner.db", name, tz).await
}

pub async fn store_with_profile_at(
    relative: &str,
    name: &str,
    tz: &str,
) -> (tempfile::TempDir, Store, Profile) {
    let (dir, store) = temp_store_at(relative).await;
    let me = new_profile(&store, name, tz).await;
    (dir, store, me)
}

/// A `kind` provider's settings for a loopback stub at `server_uri` (the
/// wire formats' paths follow `/v1`), with no budget or rate limit.
pub fn loopback_config(kind: ProviderKind, model: &str, server_uri: &str) -> ProviderConfig {
    ProviderConfig {
        kind,
        model: model.into(),
        base_url: Some(format!("{server_uri}/v1")),
        transcription_model: None,
        monthly_budget_usd: None,
        requests_per_minute: None,
        vision: None,
    }
}

/// That provider with a made-up `key` and the test's retry policy.
pub fn loopback_provider(
    kind: ProviderKind,
    model: &str,
    server_uri: &str,
    key: &str,
    retry: RetryPolicy,
) -> Provider {
    Provider::with_retry(loopback_config(kind, model, server_uri), Some(ApiKey::new(key)), retry).unwrap()
}

/// A new, empty database on the test Postgres (`WAGNER_TEST_PG_URL`), named
/// `{prefix}_<uuid>`; None (the test skips) when no server is configured,
/// unless `WAGNER_REQUIRE_PG=1` (CI), where a missing server fails the test.
pub async fn fresh_server(prefix: &str) -> Option<String> {
    use sqlx::Connection;
    let Ok(admin) = std::env::var("WAGNER_TEST_PG_URL") else {
        if std::env::var("WAGNER_REQUIRE_PG").is_ok_and(|v| v == "1") {
            panic!(
                "WAGNER_TEST_PG_URL is not set: start a server with `scripts/pg.sh start` and export its URL"
            );
        }
        eprintln!("skipped: WAGNER_TEST_PG_URL is not set (scripts/pg.sh start prints one)");
        return None;
    };
    let name = format!("{prefix}_{}", uuid::Uuid::new_v4().simple());
    let mut conn = sqlx::PgConnection::connect(&admin).await.expect("connecting to WAGNER_TEST_PG_URL");
    // Roles are cluster-wide: tests migrating their own databases at once would
    // race the schema's `IF NOT EXISTS … CREATE ROLE` (a unique violation), so the
    // role exists before any of them migrates.
    sqlx::query(
        "DO $$ BEGIN CREATE ROLE wagner_sync NOLOGIN; \
         EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$",
    )
    .execute(&mut conn)
    .await
    .expect("create the wagner_sync role");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .expect("create db");
    let mut url = reqwest::Url::parse(&admin).expect("a URL");
    url.set_path(&format!("/{name}"));
    Some(url.to_string())
}
