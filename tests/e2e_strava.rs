//! End-to-end: Settings → Integrations → Strava in the real window against a
//! loopback stand-in that speaks Strava's OAuth (the authorize page's
//! redirect, the token exchange) and API (activity list, streams, laps). The
//! app finds the stand-in through the Strava base URLs in the profile's
//! settings and opens the authorize page with `$BROWSER`, here a script that
//! hands the address to this test, which follows it as a browser would.

#![cfg(unix)]
#![recursion_limit = "256"]
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod e2e_support;
#[path = "support/strava.rs"]
mod stub;

use std::path::Path;
use std::time::Duration;

use e2e_support::*;
use wagner::Store;
use wagner::integrations::strava::{self, StravaSettings};
use wiremock::MockServer;

const CLIENT_ID: &str = "12345";
const RUN: &str = "Stand-in Tempo Run";
const RIDE: &str = "Stand-in Hill Ride";

/// A "browser" that writes each address it is asked to open to `opened`.
fn browser_script(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let opened = dir.join("opened-urls");
    let script = dir.join("browser.sh");
    std::fs::write(&script, format!("#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n", opened.display())).unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    (script, opened)
}

#[tokio::test]
#[ignore = "drives the real window: run by scripts/test.sh under xvfb-run"]
async fn connect_follows_stravas_redirect_and_sync_brings_the_activities_to_the_activities_page() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path()).await;
    let server = MockServer::start().await;

    // The configuration the app reads: the client id and Strava's base URLs (the stand-in's).
    {
        let store = Store::open(&db).await.unwrap();
        let me = wagner::profile::require_default(&store).await.unwrap();
        let settings = StravaSettings {
            client_id: CLIENT_ID.into(),
            api_base_url: Some(format!("{}/api/v3", server.uri())),
            oauth_base_url: Some(format!("{}/oauth", server.uri())),
            per_page: None,
        };
        strava::save_settings(&store, &me.id, &settings).await.unwrap();
        store.close().await;
    }
    let now = wagner::clock::now();
    let at = |days: i64| (now - chrono::Duration::days(days)).format("%Y-%m-%dT04:03:00Z").to_string();
    let list = vec![
        stub::summary_activity(21000, RUN, "Run", &at(2), 10000.0),
        stub::summary_activity(21001, RIDE, "Ride", &at(1), 32000.0),
    ];
    stub::serve_authorize(&server, CLIENT_ID).await;
    stub::serve_token_exchange(&server, 21600).await;
    stub::serve_list(&server, list.clone()).await;
    stub::serve_details(&server, &list).await;

    let (script, opened) = browser_script(dir.path());
    let driver =
        start_driver_env(&db, &[("BROWSER", script.as_path()), ("WAGNER_SECRETS", Path::new("file"))]).await;
    let client = open_window(&driver).await;
    testid(&client, "today-page").await;
    testid(&client, "nav-settings").await.click().await.unwrap();
    testid(&client, "card-integrations").await;
    eventually("the saved client id is shown", || async {
        let id = testid(&client, "strava-client-id").await.prop("value").await.unwrap().unwrap_or_default();
        if id == CLIENT_ID { Ok(()) } else { Err(id) }
    })
    .await;
    testid(&client, "strava-client-secret").await.send_keys(stub::CLIENT_SECRET).await.unwrap();
    testid(&client, "strava-save").await.click().await.unwrap();
    eventually("the secret shows as saved", || async {
        let text = testid(&client, "strava-saved").await.text().await.unwrap_or_default();
        if text.contains("secret saved (not shown)") { Ok(()) } else { Err(text) }
    })
    .await;

    testid(&client, "strava-connect").await.click().await.unwrap();
    let mut url = String::new();
    eventually("the app opens Strava's authorize page", || {
        let found = std::fs::read_to_string(&opened).unwrap_or_default();
        url = found.lines().next().unwrap_or_default().to_string();
        async move { if found.is_empty() { Err("no address opened yet".into()) } else { Ok(()) } }
    })
    .await;
    let authorize = reqwest::Url::parse(&url).unwrap();
    assert!(url.starts_with(&format!("{}/oauth/authorize?", server.uri())), "{url}");
    let q = |k: &str| authorize.query_pairs().find(|(key, _)| key == k).map(|(_, v)| v.into_owned());
    assert_eq!(q("client_id").as_deref(), Some(CLIENT_ID));
    assert_eq!(q("scope").as_deref(), Some("activity:read_all"));
    assert!(q("redirect_uri").unwrap_or_default().starts_with("http://127.0.0.1:"), "{url}");

    // The user clicks "Authorize": Strava redirects the browser to the app's loopback listener.
    let page = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
        .get(&url)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains("Connected to Strava as Marianne Teutenberg"), "{page}");
    eventually("the window shows the connection", || async {
        let text = testid(&client, "strava-status").await.text().await.unwrap_or_default();
        if text.contains("connected") && text.contains("athlete 134815") { Ok(()) } else { Err(text) }
    })
    .await;

    testid(&client, "strava-sync").await.click().await.unwrap();
    eventually("the sync reports two imported", || async {
        let errors = texts(&client, "page-error").await;
        assert!(errors.is_empty(), "the sync failed: {errors:?}");
        let text = testid(&client, "strava-sync-progress").await.text().await.unwrap_or_default();
        if text.contains("2 imported, 0 already there") { Ok(()) } else { Err(text) }
    })
    .await;
    let source = client.source().await.unwrap();
    for secret in stub::ALL_SECRETS {
        assert!(!source.contains(secret), "a Strava secret is shown in the window");
    }
    save_screenshot(&client, "strava-synced").await;

    testid(&client, "nav-activities").await.click().await.unwrap();
    testid(&client, "activities-page").await;
    eventually("the Activities page lists both synced activities", || async {
        let rows = texts(&client, "activity-row").await;
        if rows.iter().any(|r| r.contains(RUN)) && rows.iter().any(|r| r.contains(RIDE)) {
            Ok(())
        } else {
            Err(format!("{rows:?}"))
        }
    })
    .await;

    // Stored once each, from Strava, with the stand-in's streams.
    let store = Store::open(&db).await.unwrap();
    let stored: Vec<(String, String)> = sqlx::query_as(
        "SELECT external_id, source FROM activities WHERE external_id IN ('21000', '21001') ORDER BY external_id",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert_eq!(stored, vec![("21000".into(), "strava".into()), ("21001".into(), "strava".into())]);
    let streams: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM activity_streams s JOIN activities a ON a.id = s.activity_id \
         WHERE a.external_id IN ('21000', '21001')",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert!(streams >= 2, "each synced activity has its streams: {streams}");
    store.close().await;
    client.close().await.unwrap();
}
