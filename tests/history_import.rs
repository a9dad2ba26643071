//! Bulk paths into the past: body measurements from the CSV files scales
//! and apps export (Withings, Garmin Connect, plain date/weight) and quick
//! entries from a text file, one per line with its day.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod support;

use wagner::body::csv_import::{self, BodyCsvFormat};
use wagner::quick_entry::{self, bulk, pipeline};

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

async fn weights(store: &wagner::Store) -> Vec<(String, Option<f64>, Option<f64>, String)> {
    sqlx::query_as(
        "SELECT measured_at, weight_kg, body_fat_pct, measurements FROM body_measurements ORDER BY measured_at",
    )
    .fetch_all(store.pool())
    .await
    .unwrap()
}

#[tokio::test]
async fn withings_garmin_and_plain_body_csvs_import_once() {
    let (_dir, store, me) = support::store_with_profile("Scale", "Europe/Amsterdam").await;

    let withings = csv_import::import_csv(&store, &me, &fixture("body/withings-weight.csv")).await.unwrap();
    assert_eq!((withings.format, withings.imported), (BodyCsvFormat::Withings, 3));
    let rows = weights(&store).await;
    // Local times in Amsterdam (UTC+1 in March); body fat from the fat mass.
    assert_eq!(rows[0].0, "2026-03-01T05:58:31.000Z");
    assert_eq!(rows[2].1, Some(82.35));
    assert_eq!(rows[2].2, Some(20.0), "16.47 kg of 82.35 kg");
    assert!(rows[2].3.contains("muscle_mass_kg"), "{}", rows[2].3);
    assert_eq!(rows[0].2, None, "no fat mass that day");

    // The same file again adds nothing.
    let again = csv_import::import_csv(&store, &me, &fixture("body/withings-weight.csv")).await.unwrap();
    assert_eq!((again.imported, again.skipped_duplicates), (0, 3));

    let garmin = csv_import::import_csv(&store, &me, &fixture("body/garmin-weight.csv")).await.unwrap();
    assert_eq!((garmin.format, garmin.imported, garmin.skipped_empty), (BodyCsvFormat::Garmin, 2, 1));
    let plain = csv_import::import_csv(&store, &me, &fixture("body/plain.csv")).await.unwrap();
    assert_eq!((plain.format, plain.imported), (BodyCsvFormat::Plain, 3));
    let rows = weights(&store).await;
    assert_eq!(rows.len(), 8);
    let garmin_day: Vec<_> = rows.iter().filter(|r| r.0.starts_with("2026-03-02T06:10")).collect();
    assert_eq!(garmin_day.len(), 1, "7:10 AM on Mar 2: {rows:?}");
    assert_eq!(garmin_day[0].1, Some(80.1));
    let with_fat = rows.iter().find(|r| r.1 == Some(80.4)).unwrap();
    assert_eq!(with_fat.2, Some(20.0));
    assert!(with_fat.3.contains("body_water_pct"), "{}", with_fat.3);
    // A day alone is a morning weigh-in.
    assert!(rows.iter().any(|r| r.0 == "2026-02-01T06:00:00.000Z" && r.1 == Some(83.4)), "{rows:?}");
}

#[tokio::test]
async fn a_bad_row_names_its_line_and_stores_nothing() {
    let (_dir, store, me) = support::store_with_profile("Bad", "UTC").await;
    let bad = b"date,weight\n2026-02-01,83.4\n2026-02-02,heavy\n";
    let err = csv_import::import_csv(&store, &me, bad).await.unwrap_err().to_string();
    assert!(err.contains("line 3") && err.contains("heavy"), "{err}");
    let implausible = b"date,weight\n2026-02-01,83.4\n2026-02-02,8340\n";
    let err = csv_import::import_csv(&store, &me, implausible).await.unwrap_err().to_string();
    assert!(err.contains("plausible"), "{err}");
    assert!(weights(&store).await.is_empty(), "nothing stored from a refused file");
    let unknown = csv_import::import_csv(&store, &me, b"a,b\n1,2\n").await.unwrap_err().to_string();
    assert!(unknown.contains("unknown columns"), "{unknown}");
}

#[tokio::test]
async fn entries_from_a_text_file_land_on_their_days() {
    let (_dir, store, me) = support::store_with_profile("Diary", "UTC").await;
    let text = String::from_utf8(fixture("entries/history.txt")).unwrap();
    let stored = bulk::store_lines(&store, &me, &text).await.unwrap();
    assert_eq!(stored.entry_ids.len(), 5);
    for id in &stored.entry_ids {
        let _ = pipeline::process(&store, &me, id, pipeline::Reader::Offline).await;
    }
    let entries: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT raw_text, logged_at, processing_status FROM quick_entry_logs ORDER BY logged_at",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    let at = |text: &str| entries.iter().find(|e| e.0 == text).map(|e| e.1.clone()).unwrap();
    assert_eq!(at("oatmeal with a banana"), "2026-03-01T07:30:00.000Z");
    assert_eq!(at("ran 5k in 26:10"), "2026-03-01T12:00:00.000Z", "a day alone: noon");
    assert_eq!(at("dinner: salmon and potatoes"), "2026-03-02T19:00:00.000Z", "dinner's time");
    let meal_day: String = sqlx::query_scalar("SELECT local_date FROM meal_logs WHERE category = 'dinner'")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(meal_day, "2026-03-02");
    let weighed: Option<f64> =
        sqlx::query_scalar("SELECT weight_kg FROM body_measurements").fetch_one(store.pool()).await.unwrap();
    assert_eq!(weighed, Some(82.4));

    // A bad line refuses the whole file.
    let before = quick_entry::search(&store, &me, &Default::default()).await.unwrap().len();
    let err = bulk::store_lines(&store, &me, "2026-03-04 2 eggs\nno date here\n").await.unwrap_err();
    assert!(err.to_string().contains("line 2"), "{err}");
    assert_eq!(quick_entry::search(&store, &me, &Default::default()).await.unwrap().len(), before);
}
