//! Strava against a loopback stub serving Strava's real response shapes
//! (token answers, SummaryActivity lists, streams keyed by type, laps, Fault
//! JSON): connect through the loopback redirect, paginated sync, refresh on
//! expiry and on a 401, a 429 that stops cleanly, duplicates across sources,
//! idempotent webhooks, and no token in the database or in a message.

#![recursion_limit = "256"]
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

#[path = "support/strava.rs"]
mod stub;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use wagner::Store;
use wagner::activities::import::{self, ImportStatus};
use wagner::http::RetryPolicy;
use wagner::integrations::strava::{Strava, StravaSettings, SyncItem, WebhookOutcome};
use wagner::integrations::{self, secrets::Secrets, strava};
use wagner::profile::{self, NewProfile, Profile};
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use stub::*;

struct Env {
    dir: tempfile::TempDir,
    store: Store,
    me: Profile,
    server: MockServer,
}

impl Env {
    fn secrets(&self) -> Secrets {
        Secrets::File(self.dir.path().join("secrets.json"))
    }

    fn settings(&self) -> StravaSettings {
        StravaSettings {
            client_id: "12345".into(),
            api_base_url: Some(format!("{}/api/v3", self.server.uri())),
            oauth_base_url: Some(format!("{}/oauth", self.server.uri())),
            per_page: Some(2),
        }
    }

    fn client(&self) -> Strava {
        Strava::with_retry(&self.store, &self.me, self.settings(), self.secrets(), fast_retry()).unwrap()
    }

    async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string())).fetch_one(self.store.pool()).await.unwrap()
    }
}

/// source, external_id, name, activity_type, distance, average HR, normalized power.
type ActivityRow = (String, String, String, String, Option<f64>, Option<i64>, Option<f64>);

fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        attempts: 2,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(100),
        timeout: Duration::from_secs(5),
    }
}

async fn setup() -> Env {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("wagner.db")).await.unwrap();
    let mut conn = store.pool().acquire().await.unwrap();
    let me = profile::create(
        &mut conn,
        NewProfile { full_name: "Marianne".into(), time_zone: Some("UTC".into()), ..NewProfile::default() },
    )
    .await
    .unwrap();
    drop(conn);
    let server = MockServer::start().await;
    let env = Env { dir, store, me, server };
    strava::save_settings(&env.store, &env.me.id, &env.settings()).await.unwrap();
    strava::save_client_secret(&env.secrets(), &env.me.id, CLIENT_SECRET).unwrap();
    env
}

/// Connects through the real loopback redirect with a browser stand-in.
async fn connect(env: &Env, expires_in: i64) -> strava::Connection {
    serve_token_exchange(&env.server, expires_in).await;
    let mut client = env.client();
    let pending = client.begin_connect(0).await.unwrap();
    let url = reqwest::Url::parse(&pending.authorize_url).unwrap();
    let state = url.query_pairs().find(|(k, _)| k == "state").unwrap().1.into_owned();
    let redirect = pending.redirect_uri.clone();
    let waiting = tokio::spawn(async move { client.finish_connect(pending, Duration::from_secs(20)).await });
    let page = reqwest::get(format!("{redirect}?state={state}&code=good-code&scope=read,activity:read_all"))
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    waiting.await.unwrap().unwrap()
}

async fn sync(env: &Env) -> (wagner::Result<strava::StravaSyncReport>, Vec<SyncItem>) {
    let mut items = Vec::new();
    let report = env.client().sync(|i| items.push(i.clone())).await;
    (report, items)
}

/// No secret in any TEXT column of any table.
async fn assert_no_secrets_in_db(store: &Store) {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    let mut scanned = 0;
    for table in tables {
        let columns: Vec<(String, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT name, type FROM pragma_table_info('{table}')"
        )))
        .fetch_all(store.pool())
        .await
        .unwrap();
        for (column, _) in columns.into_iter().filter(|(_, t)| t.eq_ignore_ascii_case("TEXT")) {
            for secret in ALL_SECRETS {
                let hits: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                    "SELECT count(*) FROM \"{table}\" WHERE instr(\"{column}\", ?) > 0"
                )))
                .bind(secret)
                .fetch_one(store.pool())
                .await
                .unwrap();
                assert_eq!(hits, 0, "a secret is stored in {table}.{column}");
            }
            scanned += 1;
        }
    }
    assert!(scanned > 50, "only {scanned} TEXT columns scanned");
}

fn assert_no_secret_in(message: &str) {
    for secret in ALL_SECRETS {
        assert!(!message.contains(secret), "a secret leaked into: {message}");
    }
}

#[tokio::test]
async fn connect_refuses_a_foreign_state_and_keeps_tokens_out_of_the_database() {
    let env = setup().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_string_contains("code=good-code"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_exchange(21600)))
        .expect(1)
        .mount(&env.server)
        .await;
    let mut client = env.client();
    let pending = client.begin_connect(0).await.unwrap();
    let url = reqwest::Url::parse(&pending.authorize_url).unwrap();
    let q = |k: &str| url.query_pairs().find(|(key, _)| key == k).map(|(_, v)| v.into_owned());
    assert_eq!(url.path(), "/oauth/authorize");
    assert_eq!(q("client_id").as_deref(), Some("12345"));
    assert_eq!(q("scope").as_deref(), Some("activity:read_all"));
    assert_eq!(q("response_type").as_deref(), Some("code"));
    assert_eq!(q("redirect_uri").as_deref(), Some(pending.redirect_uri.as_str()));
    assert!(pending.redirect_uri.starts_with("http://127.0.0.1:"));
    let state = q("state").unwrap();
    let redirect = pending.redirect_uri.clone();
    let waiting = tokio::spawn(async move { client.finish_connect(pending, Duration::from_secs(20)).await });

    // A redirect that Wagner did not start (another state) is refused and changes nothing.
    let forged = reqwest::get(format!("{redirect}?state=forged&code=evil-code&scope=read,activity:read_all"))
        .await
        .unwrap();
    assert_eq!(forged.status(), 400);
    assert_eq!(env.count("SELECT count(*) FROM integrations").await, 0);

    let page = reqwest::get(format!("{redirect}?state={state}&code=good-code&scope=read,activity:read_all"))
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Connected to Strava as Marianne Teutenberg"));
    let connection = waiting.await.unwrap().unwrap();
    assert_eq!(connection.athlete_id, ATHLETE_ID.to_string());
    assert_eq!(connection.scopes, vec!["read", "activity:read_all"]);

    let exchanges = env.server.received_requests().await.unwrap();
    assert!(exchanges.iter().all(|r| !String::from_utf8_lossy(&r.body).contains("evil-code")));

    let row = integrations::get(&env.store, &env.me.id, "strava").await.unwrap().unwrap();
    assert_eq!(row.status, "connected");
    assert_eq!(row.external_account_id.as_deref(), Some("134815"));
    assert_eq!(row.scopes, vec!["read", "activity:read_all"]);
    assert!(row.token_expires_at.is_some());

    // Tokens are in the secrets file, readable only by the user.
    let file = env.dir.path().join("secrets.json");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains(ACCESS_1) && text.contains(REFRESH_1));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    }
    assert_no_secrets_in_db(&env.store).await;
}

#[tokio::test]
async fn strava_saying_no_ends_the_connect_with_a_clear_message() {
    let env = setup().await;
    let mut client = env.client();
    let pending = client.begin_connect(0).await.unwrap();
    let url = reqwest::Url::parse(&pending.authorize_url).unwrap();
    let state = url.query_pairs().find(|(k, _)| k == "state").unwrap().1.into_owned();
    let redirect = pending.redirect_uri.clone();
    let waiting = tokio::spawn(async move { client.finish_connect(pending, Duration::from_secs(20)).await });
    reqwest::get(format!("{redirect}?state={state}&error=access_denied")).await.unwrap();
    let err = waiting.await.unwrap().unwrap_err();
    assert!(err.to_string().contains("did not grant access"), "{err}");
    assert_eq!(env.count("SELECT count(*) FROM integrations").await, 0);
}

#[tokio::test]
async fn sync_reads_two_pages_with_streams_and_laps_and_a_second_sync_adds_nothing() {
    let env = setup().await;
    connect(&env, 21600).await;
    let list = activities();
    serve_list(&env.server, list.clone()).await;
    serve_details(&env.server, &list).await;

    let (report, items) = sync(&env).await;
    let report = report.unwrap();
    assert_eq!(report.imported, 3);
    assert!(report.stopped.is_none());
    assert_eq!(items.iter().map(|i| i.strava_id.as_str()).collect::<Vec<_>>(), ["11000", "11001", "11002"]);
    assert!(items.iter().all(|i| matches!(i.status, ImportStatus::Imported)));

    // Two list pages of two with `after=0`, then streams and laps per activity.
    let requests = env.server.received_requests().await.unwrap();
    let pages: Vec<String> = requests
        .iter()
        .filter(|r| r.url.path() == "/api/v3/athlete/activities")
        .map(|r| r.url.query().unwrap_or("").to_string())
        .collect();
    assert_eq!(pages, ["after=0&page=1&per_page=2", "after=0&page=2&per_page=2"]);

    let rows: Vec<ActivityRow> = sqlx::query_as(
        "SELECT source, external_id, name, activity_type, distance_meters, average_heartrate, normalized_power_w \
         FROM activities WHERE user_id = ? ORDER BY start_date",
    )
    .bind(&env.me.id)
    .fetch_all(env.store.pool())
    .await
    .unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0].0, "strava");
    assert_eq!((rows[0].1.as_str(), rows[0].2.as_str(), rows[0].3.as_str()), ("11000", "Morning Run", "run"));
    assert_eq!(rows[0].4, Some(5000.0));
    assert_eq!(rows[0].5, Some(151));
    assert_eq!((rows[1].3.as_str(), rows[1].6), ("ride", Some(215.0)));
    assert_eq!((rows[2].2.as_str(), rows[2].3.as_str()), ("Trail Run in the hills", "run"));

    let ride = items[1].activity_id.clone().unwrap();
    let channels: Vec<(String, i64)> = sqlx::query_as(
        "SELECT stream_type, sample_count FROM activity_streams WHERE activity_id = ? ORDER BY stream_type",
    )
    .bind(&ride)
    .fetch_all(env.store.pool())
    .await
    .unwrap();
    let names: Vec<&str> = channels.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(
        names,
        ["altitude", "cadence", "distance", "heartrate", "latlng", "power", "speed", "temperature", "time"]
    );
    assert!(channels.iter().all(|c| c.1 == 5));
    let laps: Vec<(String, Option<f64>, Option<i64>)> = sqlx::query_as(
        "SELECT segment_type, distance_meters, max_heartrate FROM activity_segments WHERE activity_id = ? \
         ORDER BY segment_index",
    )
    .bind(&ride)
    .fetch_all(env.store.pool())
    .await
    .unwrap();
    assert_eq!(laps, vec![("lap".into(), Some(2500.0), Some(160)), ("lap".into(), Some(2500.0), Some(172))]);

    // Strava's own count (X-RateLimit-Usage: 7,150) is what rate_limits holds.
    let windows: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT window_seconds, max_requests, request_count FROM rate_limits \
         WHERE user_id = ? AND provider = 'strava' ORDER BY window_seconds",
    )
    .bind(&env.me.id)
    .fetch_all(env.store.pool())
    .await
    .unwrap();
    assert_eq!(windows, vec![(900, 100, 7), (86400, 1000, 150)]);
    let row = integrations::get(&env.store, &env.me.id, "strava").await.unwrap().unwrap();
    assert!(row.last_sync_at.is_some());

    // The second sync asks only for what started after the last one and imports nothing.
    let before = env.server.received_requests().await.unwrap().len();
    let (report, items) = sync(&env).await;
    let report = report.unwrap();
    assert_eq!((report.imported, report.duplicates, items.len()), (0, 0, 0));
    let requests = env.server.received_requests().await.unwrap();
    let last_start = "2024-05-03T07:30:00Z".parse::<DateTime<Utc>>().unwrap().timestamp();
    assert_eq!(requests.len(), before + 1);
    assert_eq!(requests[before].url.query(), Some(format!("after={last_start}&page=1&per_page=2").as_str()));
    assert_eq!(env.count("SELECT count(*) FROM activities").await, 3);
    assert_no_secrets_in_db(&env.store).await;
}

#[tokio::test]
async fn a_401_renews_the_token_once_and_the_sync_goes_on() {
    let env = setup().await;
    connect(&env, 21600).await;
    let list = activities();
    let rejected = json!({
        "message": "Authorization Error",
        "errors": [{"resource": "Athlete", "field": "access_token", "code": "invalid"}]
    });
    Mock::given(method("GET"))
        .and(path("/api/v3/athlete/activities"))
        .and(header("authorization", format!("Bearer {ACCESS_1}").as_str()))
        .respond_with(ResponseTemplate::new(401).set_body_json(rejected))
        .expect(1)
        .mount(&env.server)
        .await;
    let served = Arc::new(list[..1].to_vec());
    Mock::given(method("GET"))
        .and(path("/api/v3/athlete/activities"))
        .and(header("authorization", format!("Bearer {ACCESS_2}").as_str()))
        .respond_with(move |req: &Request| list_page(&served, req))
        .mount(&env.server)
        .await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_string_contains("grant_type=refresh_token"))
        .and(body_string_contains(format!("refresh_token={REFRESH_1}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_refresh()))
        .expect(1)
        .mount(&env.server)
        .await;
    serve_details(&env.server, &list).await;

    let (report, _) = sync(&env).await;
    assert_eq!(report.unwrap().imported, 1);
    let text = std::fs::read_to_string(env.dir.path().join("secrets.json")).unwrap();
    assert!(text.contains(ACCESS_2) && text.contains(REFRESH_2) && !text.contains(ACCESS_1));
    // Streams and laps went out with the renewed token.
    let requests = env.server.received_requests().await.unwrap();
    let streams = requests.iter().find(|r| r.url.path().ends_with("/streams")).unwrap();
    assert_eq!(streams.headers.get("authorization").unwrap().to_str().unwrap(), format!("Bearer {ACCESS_2}"));
    assert_no_secrets_in_db(&env.store).await;
}

#[tokio::test]
async fn a_token_close_to_expiry_is_renewed_before_the_first_request() {
    let env = setup().await;
    connect(&env, 60).await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_string_contains("grant_type=refresh_token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_refresh()))
        .expect(1)
        .mount(&env.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v3/athlete/activities"))
        .and(header("authorization", format!("Bearer {ACCESS_2}").as_str()))
        .respond_with(limits(ResponseTemplate::new(200).set_body_json(json!([])), "1,1"))
        .expect(1)
        .mount(&env.server)
        .await;
    let before = integrations::get(&env.store, &env.me.id, "strava").await.unwrap().unwrap().token_expires_at;
    let (report, _) = sync(&env).await;
    assert_eq!(report.unwrap().imported, 0);
    let after = integrations::get(&env.store, &env.me.id, "strava").await.unwrap().unwrap().token_expires_at;
    assert!(after > before, "token_expires_at moved from {before:?} to {after:?}");
}

#[tokio::test]
async fn a_revoked_refresh_token_says_connect_again_and_leaks_no_secret() {
    let env = setup().await;
    connect(&env, 21600).await;
    Mock::given(method("GET"))
        .and(path("/api/v3/athlete/activities"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "message": "Authorization Error",
            "errors": [{"resource": "Athlete", "field": "access_token", "code": "invalid"}]
        })))
        .mount(&env.server)
        .await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_string_contains("grant_type=refresh_token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "message": "Bad Request",
            "errors": [{"resource": "RefreshToken", "field": "refresh_token", "code": "invalid"}]
        })))
        .mount(&env.server)
        .await;
    let (report, _) = sync(&env).await;
    let err = report.unwrap_err();
    assert_eq!(err.code(), wagner::ErrorCode::NotConnected, "connecting again fixes it: {err}");
    let message = err.to_string();
    assert!(message.contains("RefreshToken refresh_token invalid"), "{message}");
    assert_no_secret_in(&message);
    let row = integrations::get(&env.store, &env.me.id, "strava").await.unwrap().unwrap();
    assert_eq!(row.status, "expired");
    assert_no_secret_in(row.error_message.as_deref().unwrap_or(""));
    // A later sync refuses at once instead of calling Strava.
    let (again, _) = sync(&env).await;
    let again = again.unwrap_err();
    assert_eq!(again.code(), wagner::ErrorCode::NotConnected);
    assert!(again.to_string().contains("expired"), "{again}");
    assert_no_secrets_in_db(&env.store).await;
}

#[tokio::test]
async fn a_429_stops_the_sync_keeps_what_was_imported_and_resumes_later() {
    let env = setup().await;
    connect(&env, 21600).await;
    let list = activities();
    serve_list(&env.server, list.clone()).await;
    // Strava runs out of requests on the second activity's streams.
    Mock::given(method("GET"))
        .and(path("/api/v3/activities/11001/streams"))
        .respond_with(limits(
            ResponseTemplate::new(429).set_body_json(json!({
                "message": "Rate Limit Exceeded",
                "errors": [{"resource": "Application", "field": "rate limit", "code": "exceeded"}]
            })),
            "101,300",
        ))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&env.server)
        .await;
    serve_details(&env.server, &list).await;

    let (report, items) = sync(&env).await;
    let report = report.unwrap();
    assert_eq!(report.imported, 1);
    assert_eq!(items.len(), 1);
    let stopped = report.stopped.unwrap();
    assert!(
        stopped.contains("15-minute request limit") && stopped.contains("run the sync again after"),
        "{stopped}"
    );
    assert!(stopped.contains("kept"), "{stopped}");
    assert_eq!(env.count("SELECT count(*) FROM activities").await, 1);
    let count: i64 = sqlx::query_scalar(
        "SELECT request_count FROM rate_limits WHERE provider = 'strava' AND window_seconds = 900",
    )
    .fetch_one(env.store.pool())
    .await
    .unwrap();
    assert_eq!(count, 101);

    // Within the same window the limit is known locally: no request goes out.
    let before = env.server.received_requests().await.unwrap().len();
    let (report, _) = sync(&env).await;
    assert!(report.unwrap().stopped.unwrap().contains("15-minute limit of 100 requests"));
    assert_eq!(env.server.received_requests().await.unwrap().len(), before);

    // Once the window has passed, the sync picks up after the last imported activity.
    sqlx::query(
        "UPDATE rate_limits SET window_started_at = '2020-01-01T00:00:00.000Z' WHERE window_seconds = 900",
    )
    .execute(env.store.pool())
    .await
    .unwrap();
    let (report, items) = sync(&env).await;
    let report = report.unwrap();
    assert!(report.stopped.is_none());
    assert_eq!(items.iter().map(|i| i.strava_id.as_str()).collect::<Vec<_>>(), ["11001", "11002"]);
    assert_eq!(env.count("SELECT count(*) FROM activities").await, 3);
}

#[tokio::test]
async fn an_activity_already_imported_from_its_file_is_not_doubled_by_sync() {
    let env = setup().await;
    let fixture = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/activities/tcx/20210119_run_garmin_fenix6.tcx.gz");
    let bytes = std::fs::read(&fixture).unwrap();
    let result = import::import_bytes(&env.store, &env.me, Path::new(&fixture), &bytes).await.unwrap();
    let file_activity = result.activity.unwrap();
    connect(&env, 21600).await;

    // Strava's copy of the same run: its start a few seconds off the file's.
    let start: DateTime<Utc> = file_activity.start_date.parse().unwrap();
    let mut same = activities()[0].clone();
    same["id"] = json!(4_567_000_123_i64);
    same["start_date"] =
        json!((start + chrono::Duration::seconds(3)).format("%Y-%m-%dT%H:%M:%SZ").to_string());
    serve_list(&env.server, vec![same]).await;
    serve_details(&env.server, &[]).await;

    let (report, items) = sync(&env).await;
    let report = report.unwrap();
    assert_eq!((report.imported, report.duplicates), (0, 1));
    match &items[0].status {
        ImportStatus::Duplicate { of_id, .. } => assert_eq!(of_id, &file_activity.id),
        other => panic!("expected a duplicate, got {other:?}"),
    }
    assert_eq!(env.count("SELECT count(*) FROM activities").await, 1);
    // Nothing more was fetched for it.
    let requests = env.server.received_requests().await.unwrap();
    assert!(requests.iter().all(|r| !r.url.path().contains("/activities/4567000123")));
}

fn event(object_type: &str, object_id: i64, aspect: &str, time: i64, updates: Value) -> String {
    json!({
        "aspect_type": aspect, "event_time": time, "object_id": object_id, "object_type": object_type,
        "owner_id": ATHLETE_ID, "subscription_id": 120475, "updates": updates
    })
    .to_string()
}

#[tokio::test]
async fn webhook_events_apply_once_each() {
    let env = setup().await;
    connect(&env, 21600).await;
    let mut list = activities();
    serve_details(&env.server, &list).await;
    let secrets = env.secrets();

    // create, twice: one activity.
    let create = event("activity", 11001, "create", 1_714_651_300, json!({}));
    let first = strava::receive_webhook(&env.store, secrets.clone(), &create).await.unwrap();
    let WebhookOutcome::Imported { item } = first else { panic!("expected an import, got {first:?}") };
    assert_eq!(item.name, "Lunch Ride");
    let second = strava::receive_webhook(&env.store, secrets.clone(), &create).await.unwrap();
    assert!(matches!(second, WebhookOutcome::AlreadyProcessed), "{second:?}");
    assert_eq!(env.count("SELECT count(*) FROM activities WHERE source = 'strava'").await, 1);
    let notes: Option<String> =
        sqlx::query_scalar("SELECT notes FROM activities WHERE external_id = '11001'")
            .fetch_one(env.store.pool())
            .await
            .unwrap();
    assert_eq!(notes.as_deref(), Some("Felt good"));

    // update: the new title comes from Strava's detail.
    list[1]["name"] = json!("Lunch Ride with Anna");
    env.server.reset().await;
    serve_details(&env.server, &list).await;
    let update = event("activity", 11001, "update", 1_714_651_400, json!({"title": "Lunch Ride with Anna"}));
    let updated = strava::receive_webhook(&env.store, secrets.clone(), &update).await.unwrap();
    assert!(matches!(updated, WebhookOutcome::Updated { .. }), "{updated:?}");
    let name: String = sqlx::query_scalar("SELECT name FROM activities WHERE external_id = '11001'")
        .fetch_one(env.store.pool())
        .await
        .unwrap();
    assert_eq!(name, "Lunch Ride with Anna");

    // delete, twice: gone once; the old create delivered again does not bring it back.
    let delete = event("activity", 11001, "delete", 1_714_651_500, json!({}));
    let gone = strava::receive_webhook(&env.store, secrets.clone(), &delete).await.unwrap();
    assert!(matches!(gone, WebhookOutcome::Deleted { count: 1 }), "{gone:?}");
    let again = strava::receive_webhook(&env.store, secrets.clone(), &delete).await.unwrap();
    assert!(matches!(again, WebhookOutcome::AlreadyProcessed), "{again:?}");
    let replay = strava::receive_webhook(&env.store, secrets.clone(), &create).await.unwrap();
    assert!(matches!(replay, WebhookOutcome::AlreadyProcessed), "{replay:?}");
    assert_eq!(env.count("SELECT count(*) FROM activities").await, 0);
    assert_eq!(env.count("SELECT count(*) FROM activity_streams").await, 0);

    // deauthorize, twice: disconnected once, tokens removed, sync refuses.
    let deauth = event("athlete", ATHLETE_ID, "update", 1_714_651_600, json!({"authorized": "false"}));
    let off = strava::receive_webhook(&env.store, secrets.clone(), &deauth).await.unwrap();
    assert!(matches!(off, WebhookOutcome::Disconnected), "{off:?}");
    let off_again = strava::receive_webhook(&env.store, secrets.clone(), &deauth).await.unwrap();
    assert!(matches!(off_again, WebhookOutcome::AlreadyProcessed), "{off_again:?}");
    let row = integrations::get(&env.store, &env.me.id, "strava").await.unwrap().unwrap();
    assert_eq!(row.status, "disconnected");
    let text = std::fs::read_to_string(env.dir.path().join("secrets.json")).unwrap();
    assert!(!text.contains(ACCESS_1) && !text.contains(REFRESH_1));
    assert!(sync(&env).await.0.unwrap_err().to_string().contains("disconnected"));

    // Every event is stored raw once, with the key Strava's fields make.
    let events: Vec<(String, String, String, i64)> = sqlx::query_as(
        "SELECT idempotency_key, status, event_type, attempts FROM webhook_events ORDER BY received_at, id",
    )
    .fetch_all(env.store.pool())
    .await
    .unwrap();
    assert_eq!(events.len(), 4);
    assert_eq!(events[0].0, "120475:activity:11001:create:1714651300");
    assert!(events.iter().all(|e| e.1 == "processed" && e.3 == 1), "{events:?}");
    assert_eq!(events[3].2, "athlete.update");
    let payload: String =
        sqlx::query_scalar("SELECT payload FROM webhook_events WHERE event_type = 'athlete.update'")
            .fetch_one(env.store.pool())
            .await
            .unwrap();
    assert_eq!(serde_json::from_str::<Value>(&payload).unwrap()["updates"]["authorized"], "false");
    assert_no_secrets_in_db(&env.store).await;
}

#[tokio::test]
async fn a_webhook_for_an_unknown_athlete_is_kept_and_ignored() {
    let env = setup().await;
    let raw = json!({
        "aspect_type": "create", "event_time": 1_714_651_300, "object_id": 5, "object_type": "activity",
        "owner_id": 999, "subscription_id": 120475, "updates": {}
    })
    .to_string();
    let outcome = strava::receive_webhook(&env.store, env.secrets(), &raw).await.unwrap();
    assert!(matches!(outcome, WebhookOutcome::Ignored { .. }), "{outcome:?}");
    assert_eq!(
        env.count("SELECT count(*) FROM webhook_events WHERE status = 'ignored' AND user_id IS NULL").await,
        1
    );
    let bad = strava::receive_webhook(&env.store, env.secrets(), "{\"object_type\": 3}").await.unwrap_err();
    assert_eq!(bad.code(), "invalid_input");
}

#[tokio::test]
async fn the_cli_syncs_with_one_line_per_activity_and_applies_a_webhook_file() {
    let env = setup().await;
    connect(&env, 21600).await;
    let list = activities();
    serve_list(&env.server, list.clone()).await;
    serve_details(&env.server, &list).await;
    let db = env.dir.path().join("wagner.db");
    let wagner = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_wagner"))
            .arg("--db")
            .arg(&db)
            .args(args)
            .env_remove("WAGNER_DB")
            .env_remove("STRAVA_CLIENT_SECRET")
            .env("WAGNER_SECRETS", "file")
            .output()
            .unwrap()
    };
    let out = wagner(&["strava", "sync"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout} {}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{stdout}");
    assert!(lines[0].starts_with("strava 11000") && lines[0].ends_with("imported"), "{stdout}");
    assert!(lines[3].starts_with("3 imported, 0 already there"), "{stdout}");

    let file = env.dir.path().join("event.json");
    std::fs::write(&file, event("activity", 11000, "delete", 1_714_651_700, json!({}))).unwrap();
    let out = wagner(&["strava", "webhook", file.to_str().unwrap()]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"deleted\""));
    let out = wagner(&["strava", "webhook", file.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("already_processed"));
    assert_eq!(env.count("SELECT count(*) FROM activities").await, 2);

    let out = wagner(&["strava", "status"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("Strava: connected (athlete 134815), last sync 20")
    );
}

#[tokio::test]
async fn forgetting_the_app_removes_its_id_and_secret_and_a_new_save_starts_over() {
    let env = setup().await;
    let secrets = env.secrets();
    let saved = strava::status(&env.store, &secrets, &env.me.id).await.unwrap();
    assert_eq!(saved.client_id.as_deref(), Some("12345"));
    assert!(saved.has_client_secret);

    strava::forget_app(&env.store, &secrets, &env.me.id).await.unwrap();
    let cleared = strava::status(&env.store, &secrets, &env.me.id).await.unwrap();
    assert_eq!(cleared.client_id, None, "the client id is gone from the profile's settings");
    assert!(!cleared.has_client_secret);
    let text = std::fs::read_to_string(env.dir.path().join("secrets.json")).unwrap_or_default();
    assert!(!text.contains(CLIENT_SECRET), "the secret file no longer holds it");
    // Nothing else in the profile's settings is touched, and forgetting twice is fine.
    assert_eq!(profile::get(&env.store, &env.me.id).await.unwrap().time_zone, "UTC");
    strava::forget_app(&env.store, &secrets, &env.me.id).await.unwrap();
    // Saving again starts over.
    strava::save_settings(&env.store, &env.me.id, &env.settings()).await.unwrap();
    assert_eq!(
        strava::status(&env.store, &secrets, &env.me.id).await.unwrap().client_id.as_deref(),
        Some("12345")
    );
}
