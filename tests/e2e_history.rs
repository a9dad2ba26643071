//! End-to-end: logging into the past from the window's entry box (issue 23).
//! `#[ignore]`d like every E2E test; `scripts/test.sh` runs it under xvfb-run.

#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod e2e_support;

use chrono::Duration;
use e2e_support::*;
use wagner::{Store, clock, dashboard, profile};

async fn day_value(client: &Client) -> String {
    testid(client, "quick-entry-day").await.prop("value").await.ok().flatten().unwrap_or_default()
}

#[tokio::test]
#[ignore = "drives the real window: run by scripts/test.sh under xvfb-run"]
async fn the_entry_box_logs_onto_the_day_chosen_and_follows_the_day_viewed() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path()).await;
    let me = {
        let store = Store::open(&db).await.unwrap();
        let me = profile::require_default(&store).await.unwrap();
        store.close().await;
        me
    };
    let today = dashboard::today_for(&me);
    let past = today - Duration::days(3);
    let driver = start_driver(&db).await;
    let client = open_window(&driver).await;
    testid(&client, "today-page").await;
    eventually("the chooser starts on today", || async {
        let v = day_value(&client).await;
        if v == today.to_string() { Ok(()) } else { Err(v) }
    })
    .await;

    // The Nutrition page of a past day: the chooser follows it.
    client.execute(&format!("window.location.hash = '#/nutrition/{past}'"), vec![]).await.unwrap();
    eventually("the chooser follows the day viewed", || async {
        let v = day_value(&client).await;
        if v == past.to_string() { Ok(()) } else { Err(v) }
    })
    .await;

    // Back on Today, choose a day by hand (as the date picker sets it) and log.
    let chosen = today - Duration::days(5);
    client.execute("window.location.hash = '#/today'", vec![]).await.unwrap();
    testid(&client, "today-page").await;
    eventually("back to today", || async {
        let v = day_value(&client).await;
        if v == today.to_string() { Ok(()) } else { Err(v) }
    })
    .await;
    client
        .execute(
            "const el = document.querySelector(\"[data-testid='quick-entry-day']\"); \
             el.value = arguments[0]; el.dispatchEvent(new Event('input', { bubbles: true })); \
             el.dispatchEvent(new Event('change', { bubbles: true }));",
            vec![serde_json::json!(chosen.to_string())],
        )
        .await
        .unwrap();
    testid(&client, "quick-entry-input").await.send_keys("2 eggs and toast").await.unwrap();
    testid(&client, "quick-entry-submit").await.click().await.unwrap();
    quick_entry_settles(&client, "completed").await;
    save_screenshot(&client, "entry-into-the-past").await;

    let store = Store::open(&db).await.unwrap();
    let logged_at: String =
        sqlx::query_scalar("SELECT logged_at FROM quick_entry_logs WHERE raw_text = '2 eggs and toast'")
            .fetch_one(store.pool())
            .await
            .unwrap();
    let logged = clock::local_date(clock::from_db(&logged_at).unwrap(), me.tz());
    assert_eq!(logged, chosen, "the entry is on the chosen day");
    let meals = wagner::nutrition::meals_on(&store, &me.id, chosen).await.unwrap();
    assert!(meals.iter().any(|m| m.foods.iter().any(|f| f.name.to_lowercase().contains("egg"))), "{meals:?}");
    client.close().await.unwrap();
}

#[tokio::test]
#[ignore = "drives the real window: run by scripts/test.sh under xvfb-run"]
async fn a_withings_csv_picked_on_the_body_page_imports_its_weigh_ins() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path()).await;
    let driver = start_driver(&db).await;
    let client = open_window(&driver).await;
    testid(&client, "today-page").await;
    client.execute("window.location.hash = '#/body'", vec![]).await.unwrap();
    let file =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/body/withings-weight.csv");
    testid(&client, "body-import-file").await.send_keys(&file.display().to_string()).await.unwrap();
    eventually("the import reports its rows", || async {
        let text = testid(&client, "body-import-status").await.prop("textContent").await.ok().flatten();
        let text = text.unwrap_or_default();
        if text.contains("Withings: 3 imported") { Ok(()) } else { Err(text) }
    })
    .await;
    save_screenshot(&client, "body-import").await;
    let store = Store::open(&db).await.unwrap();
    let imported: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM body_measurements WHERE source = 'import'")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(imported, 3);
    client.close().await.unwrap();
}

#[tokio::test]
#[ignore = "drives the real window: run by scripts/test.sh under xvfb-run"]
async fn the_body_chart_shows_a_year_by_day_and_years_of_weigh_ins_as_weekly_averages() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path()).await;
    // Two and a half years of weigh-ins before the demo's, through the CSV import.
    let (year_count, buckets) = {
        let store = Store::open(&db).await.unwrap();
        let me = profile::require_default(&store).await.unwrap();
        let today = dashboard::today_for(&me);
        let mut csv = String::from("date,weight (kg)\n");
        for back in (20..900).step_by(2) {
            let kg = 95.0 - 0.01 * (900 - back) as f64;
            csv.push_str(&format!("{},{kg:.1}\n", today - Duration::days(back)));
        }
        wagner::body::csv_import::import_csv(&store, &me, csv.as_bytes()).await.unwrap();
        let o = wagner::body::overview::overview(&store, &me).await.unwrap();
        store.close().await;
        (o.weigh_ins.len(), o.all_time.expect("years of weigh-ins: an all-time series").buckets.len())
    };
    assert!((100..=156).contains(&buckets), "{buckets} buckets");

    let driver = start_driver(&db).await;
    let client = open_window(&driver).await;
    testid(&client, "today-page").await;
    client.execute("window.location.hash = '#/body'", vec![]).await.unwrap();
    testid(&client, "body-trend-chart").await;
    testid(&client, "body-range-1y").await.click().await.unwrap();
    eventually("the year's weigh-ins, one dot each", || async {
        let n = count(&client, "body-chart-point").await;
        if n == year_count { Ok(()) } else { Err(format!("{n} dots, {year_count} weigh-ins this year")) }
    })
    .await;
    testid(&client, "body-range-all").await.click().await.unwrap();
    eventually("all of it as weekly averages", || async {
        let n = count(&client, "body-chart-point").await;
        let chart = testid(&client, "body-trend-chart").await;
        let days = chart.attr("data-average-days").await.ok().flatten().unwrap_or_default();
        let legend = testid(&client, "body-chart-card").await.text().await.unwrap_or_default();
        if n == buckets && days == "7" && legend.contains("weekly average") {
            Ok(())
        } else {
            Err(format!("{n} dots of {buckets}, {days:?} days each; {legend}"))
        }
    })
    .await;
    save_screenshot(&client, "body-all-time").await;
    client.close().await.unwrap();
}
