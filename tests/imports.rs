//! The one import flow: Apple Health and Garmin Connect account exports,
//! kind detection, preview before writing, re-import adds nothing, a damaged
//! file names where and keeps what was readable, overlapping sources stored once.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod apple_health_fixture;
mod support;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;

use wagner::Store;
use wagner::imports::{self, HistoryKind, HistoryOutcome, HistoryReport};
use wagner::profile::Profile;

async fn count(store: &Store, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string())).fetch_one(store.pool()).await.unwrap()
}

async fn run(store: &Store, me: &Profile, path: &Path) -> HistoryReport {
    imports::run(store, me, path, &AtomicBool::new(false), |_| {}).await.unwrap()
}

fn outcome<'a>(r: &'a HistoryReport, what: &str) -> &'a HistoryOutcome {
    r.outcomes.iter().find(|o| o.what == what).unwrap_or_else(|| panic!("no {what} in {r:?}"))
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

fn export_zip(dir: &Path) -> PathBuf {
    let path = dir.join("export.zip");
    apple_health_fixture::write_zip(&path, &apple_health_fixture::small_xml());
    path
}

#[tokio::test]
async fn an_apple_health_export_previews_then_imports_body_workouts_and_food_once() {
    let (dir, store, me) = support::store_with_profile("Jane", "America/Denver").await;
    let zip = export_zip(dir.path());
    assert_eq!(imports::detect(&zip).unwrap(), HistoryKind::AppleHealth);

    let preview = imports::preview(&zip).await.unwrap();
    let found: Vec<(String, u32, Option<String>, Option<String>)> = preview
        .found
        .iter()
        .map(|f| (f.what.clone(), f.count, f.first_date.clone(), f.last_date.clone()))
        .collect();
    let d = |s: &str| Some(s.to_string());
    assert_eq!(
        found,
        vec![
            ("weigh-ins".into(), 2, d("2021-12-11"), d("2021-12-12")),
            ("body fat readings".into(), 1, d("2021-12-11"), d("2021-12-11")),
            ("lean mass readings".into(), 1, d("2021-12-11"), d("2021-12-11")),
            ("waist measurements".into(), 1, d("2021-12-11"), d("2021-12-11")),
            ("resting heart rates".into(), 1, d("2021-12-11"), d("2021-12-11")),
            ("HRV readings".into(), 1, d("2021-12-11"), d("2021-12-11")),
            ("workouts".into(), 3, d("2021-12-11"), d("2021-12-13")),
            ("workout routes".into(), 1, d("2021-12-11"), d("2021-12-11")),
            ("days of nutrition".into(), 2, d("2021-12-11"), d("2021-12-12")),
        ]
    );
    let typo_line = line_of(&apple_health_fixture::small_xml(), "value=\"1540\"");
    assert_eq!(preview.problems.len(), 1, "{:?}", preview.problems);
    assert!(
        preview.problems[0].contains(&format!("line {typo_line}")) && preview.problems[0].contains("1540 lb"),
        "{:?}",
        preview.problems
    );
    assert_eq!(count(&store, "SELECT COUNT(*) FROM body_measurements").await, 0, "a preview writes nothing");
    assert_eq!(count(&store, "SELECT COUNT(*) FROM activities").await, 0);

    let report = run(&store, &me, &zip).await;
    assert!(!report.cancelled);
    // 07:01:54 (weight, fat, lean), RHR, HRV, waist, and day 2's weight.
    assert_eq!(
        (outcome(&report, "body measurements").added, outcome(&report, "body measurements").failed),
        (5, 0)
    );
    assert_eq!(outcome(&report, "workouts").added, 3);
    assert_eq!(outcome(&report, "days of nutrition").added, 2);

    let scale: (String, String, f64, f64, String, String) = sqlx::query_as(
        "SELECT measured_at, local_date, weight_kg, body_fat_pct, measurements, source FROM body_measurements \
         WHERE measured_at = '2021-12-11T14:01:54.000Z'",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(scale.1, "2021-12-11");
    assert_eq!(scale.2, 69.944, "154.2 lb");
    assert_eq!(scale.3, 21.3, "HealthKit's 0.213 is 21.3 %");
    let others: serde_json::Value = serde_json::from_str(&scale.4).unwrap();
    assert_eq!(others["lean_mass_kg"], serde_json::json!(55.066));
    assert_eq!(scale.5, "import");
    let waist: String = sqlx::query_scalar(
        "SELECT measurements FROM body_measurements WHERE measured_at = '2021-12-11T15:00:00.000Z'",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&waist).unwrap()["waist_cm"],
        serde_json::json!(81.3)
    );
    let hrv: String = sqlx::query_scalar(
        "SELECT measurements FROM body_measurements WHERE measured_at = '2021-12-11T10:12:58.000Z'",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(serde_json::from_str::<serde_json::Value>(&hrv).unwrap()["hrv_ms"], serde_json::json!(48.3));
    let weights = wagner::body::weights(&store, &me.id).await.unwrap();
    assert_eq!(weights.len(), 2, "the 1540 lb typo was left out: {weights:?}");

    type ActRow = (String, String, String, Option<i64>, Option<f64>, Option<i64>, Option<String>);
    let acts: Vec<ActRow> = sqlx::query_as(
        "SELECT activity_type, source, start_date, elapsed_time_seconds, distance_meters, calories, \
         original_file_path FROM activities ORDER BY start_date",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert_eq!(acts.len(), 3);
    let run_row = &acts[0];
    assert_eq!((run_row.0.as_str(), run_row.1.as_str()), ("run", "apple_health"));
    // The route's first point (18:04:50 -0700) is the start; the workout's numbers are kept.
    assert_eq!(run_row.2, "2021-12-12T01:04:50.000Z");
    assert_eq!(run_row.3, Some(1830), "30.5 min");
    assert!((run_row.4.unwrap() - 4988.97).abs() < 0.01, "3.1 mi: {:?}", run_row.4);
    assert_eq!(run_row.5, Some(310));
    assert!(run_row.6.as_deref().is_some_and(|p| p.ends_with(".gpx")), "the route is kept");
    let latlng: i64 =
        count(&store, "SELECT sample_count FROM activity_streams WHERE stream_type = 'latlng'").await;
    assert_eq!(latlng, 914, "every route point");
    assert_eq!(
        (acts[1].0.as_str(), acts[1].2.as_str(), acts[1].3, acts[1].5),
        ("strength", "2021-12-13T01:00:00.000Z", Some(2700), Some(221)),
        "energy from WorkoutStatistics (iOS 16)"
    );
    assert_eq!((acts[2].0.as_str(), acts[2].3), ("ride", Some(3735)));
    assert!((acts[2].4.unwrap() - 20400.0).abs() < 1e-6, "20.4 km: {:?}", acts[2].4);

    let day1 = wagner::nutrition::day_view(&store, &me, wagner::clock::parse_date("2021-12-11").unwrap())
        .await
        .unwrap();
    assert!((day1.nutrition.calories - 1312.4).abs() < 1e-9, "{}", day1.nutrition.calories);
    assert!((day1.nutrition.protein_g - 75.1).abs() < 1e-9);
    assert!((day1.nutrition.fat_g - 40.2).abs() < 1e-9);
    // 23:30 -0700 is already the 13th in UTC; the file says the 12th.
    let day2 = wagner::nutrition::day_view(&store, &me, wagner::clock::parse_date("2021-12-12").unwrap())
        .await
        .unwrap();
    assert_eq!(day2.nutrition.calories, 650.0);
    let source: String =
        sqlx::query_scalar("SELECT DISTINCT source FROM meal_logs").fetch_one(store.pool()).await.unwrap();
    assert_eq!(source, "imported");

    // Again: nothing new.
    let again = run(&store, &me, &zip).await;
    for what in ["body measurements", "workouts", "days of nutrition"] {
        let o = outcome(&again, what);
        assert_eq!(o.added, 0, "{what}: {again:?}");
        assert!(o.already_there > 0, "{what}: {again:?}");
    }
    assert_eq!(count(&store, "SELECT COUNT(*) FROM body_measurements").await, 5);
    assert_eq!(count(&store, "SELECT COUNT(*) FROM activities").await, 3);
    assert_eq!(count(&store, "SELECT COUNT(*) FROM meal_logs").await, 2);
}

#[tokio::test]
async fn a_truncated_export_xml_names_the_line_and_keeps_what_came_before() {
    let (dir, store, me) = support::store_with_profile("Jane", "America/Denver").await;
    let xml = apple_health_fixture::small_xml();
    // Cut inside the day-2 weigh-in record.
    let cut = xml.find("value=\"69.8\"").unwrap() + 4;
    let path = dir.path().join("export.xml");
    std::fs::write(&path, &xml[..cut]).unwrap();
    let cut_line = xml[..cut].lines().count();

    let preview = imports::preview(&path).await.unwrap();
    assert!(
        preview.problems.iter().any(|p| p.contains(&format!("line {cut_line}"))),
        "line {cut_line}: {:?}",
        preview.problems
    );
    let report = run(&store, &me, &path).await;
    assert!(report.problems[0].contains("everything before it is kept"), "{:?}", report.problems);
    assert_eq!(outcome(&report, "body measurements").added, 4, "day 1's four instants");
    assert_eq!(outcome(&report, "workouts").added, 1, "the run (its route is not in a bare export.xml)");
    assert!(report.problems.iter().any(|p| p.contains("only export.xml was given")), "{:?}", report.problems);
    assert_eq!(outcome(&report, "days of nutrition").added, 1);
    assert_eq!(count(&store, "SELECT COUNT(*) FROM body_measurements").await, 4);

    // The whole file afterwards adds only what was missing.
    std::fs::write(&path, &xml).unwrap();
    let rest = run(&store, &me, &path).await;
    assert_eq!(outcome(&rest, "body measurements").added, 1);
    assert_eq!(outcome(&rest, "workouts").added, 2);
    assert_eq!(count(&store, "SELECT COUNT(*) FROM activities").await, 3);
}

#[tokio::test]
async fn a_cut_off_export_zip_is_read_front_to_back() {
    let (dir, store, me) = support::store_with_profile("Jane", "America/Denver").await;
    let zip = export_zip(dir.path());
    let bytes = std::fs::read(&zip).unwrap();
    // The route entry comes last: cut inside it, losing the central directory.
    let cut = dir.path().join("export-cut.zip");
    std::fs::write(&cut, &bytes[..bytes.len() * 3 / 4]).unwrap();
    assert_eq!(imports::detect(&cut).unwrap(), HistoryKind::AppleHealth);
    let report = run(&store, &me, &cut).await;
    assert!(report.problems.iter().any(|p| p.contains("cut off")), "{:?}", report.problems);
    assert_eq!(outcome(&report, "body measurements").added, 5);
    assert_eq!(outcome(&report, "workouts").added, 3);
    assert!(report.problems.iter().any(|p| p.contains("route")), "{:?}", report.problems);
}

#[tokio::test]
async fn the_same_run_from_another_source_is_stored_once() {
    let (dir, store, me) = support::store_with_profile("Jane", "America/Denver").await;
    // The run arrived first as a GPX file (e.g. from Strava or a Garmin folder).
    let gpx = dir.path().join("morning.gpx");
    std::fs::write(&gpx, apple_health_fixture::route_gpx()).unwrap();
    let first = wagner::activities::import::import_paths(&store, &me, &[gpx], |_| {}).await.unwrap();
    assert!(matches!(first[0].status, wagner::activities::import::ImportStatus::Imported));

    let report = run(&store, &me, &export_zip(dir.path())).await;
    let w = outcome(&report, "workouts");
    assert_eq!((w.added, w.already_there), (2, 1), "{report:?}");
    assert_eq!(count(&store, "SELECT COUNT(*) FROM activities").await, 3);
}

#[tokio::test]
async fn a_cancelled_import_stops_between_batches_and_keeps_what_was_written() {
    let (dir, store, me) = support::store_with_profile("Jane", "America/Denver").await;
    let zip = export_zip(dir.path());
    let cancel = AtomicBool::new(false);
    let report = imports::run(&store, &me, &zip, &cancel, |p| {
        if p.phase == "body" {
            cancel.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    })
    .await
    .unwrap();
    assert!(report.cancelled);
    assert_eq!(count(&store, "SELECT COUNT(*) FROM body_measurements").await, 5, "the first batch stays");
    assert_eq!(count(&store, "SELECT COUNT(*) FROM activities").await, 0, "nothing after the stop");
}

fn garmin_export(dir: &Path, biometrics: &[u8]) -> PathBuf {
    garmin_export_with(dir, biometrics, &[])
}

/// A Garmin Connect account export laid out as Garmin ships it, with `more`
/// files (name inside the ZIP, content) added.
fn garmin_export_with(dir: &Path, biometrics: &[u8], more: &[(&str, &[u8])]) -> PathBuf {
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut inner = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for name in ["hrv-activity.fit", "garmin-fenix-5-bike.fit"] {
        inner.start_file(name, opts).unwrap();
        let fit = std::fs::read(
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/activities/fit").join(name),
        )
        .unwrap();
        inner.write_all(&fit).unwrap();
    }
    let inner = inner.finish().unwrap().into_inner();
    let path = dir.join("garmin-export.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    zip.start_file("DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip", opts).unwrap();
    zip.write_all(&inner).unwrap();
    zip.start_file("DI_CONNECT/DI-Connect-Wellness/114985_userBioMetrics.json", opts).unwrap();
    zip.write_all(biometrics).unwrap();
    zip.start_file("DI_CONNECT/DI-Connect-Wellness/2023-03-01_2023-06-09_114985_sleepData.json", opts)
        .unwrap();
    zip.write_all(b"[]").unwrap();
    for (name, bytes) in more {
        zip.start_file(*name, opts).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
    path
}

const BIOMETRICS: &str = r#"[
 {"metaData":{"calendarDate":"2023-03-01T00:00:00.0"},"weight":{"weight":72450.0,"bodyFat":18.5,"bodyWater":55.1,"boneMass":3200,"muscleMass":33100,"timestampGMT":1677657600000,"sourceType":"INDEX_SCALE"}},
 {"metaData":{"calendarDate":"2023-03-02T00:00:00.0"},"height":180.0,"vo2Max":48.0},
 {"metaData":{"calendarDate":"2023-03-03T00:00:00.0"},"weight":{"weight":72100.0,"timestampGMT":"2023-03-03T07:10:00.0","sourceType":"MANUAL"}}
]"#;

#[tokio::test]
async fn a_garmin_connect_export_imports_its_fit_files_and_weigh_ins_once() {
    let (dir, store, me) = support::store_with_profile("Jane", "Europe/Berlin").await;
    let zip = garmin_export(dir.path(), BIOMETRICS.as_bytes());
    assert_eq!(imports::detect(&zip).unwrap(), HistoryKind::GarminExport);
    let preview = imports::preview(&zip).await.unwrap();
    assert_eq!(preview.found[0].count, 2, "{preview:?}");
    assert_eq!(
        (
            preview.found[1].count,
            preview.found[1].first_date.as_deref(),
            preview.found[1].last_date.as_deref()
        ),
        (2, Some("2023-03-01"), Some("2023-03-03"))
    );
    let report = run(&store, &me, &zip).await;
    assert_eq!(outcome(&report, "activities").added, 2, "{report:?}");
    assert_eq!(outcome(&report, "weigh-ins").added, 2);
    let kg: f64 = sqlx::query_scalar("SELECT weight_kg FROM body_measurements ORDER BY measured_at LIMIT 1")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(kg, 72.45);
    let again = run(&store, &me, &zip).await;
    assert_eq!((outcome(&again, "activities").added, outcome(&again, "activities").already_there), (0, 2));
    assert_eq!((outcome(&again, "weigh-ins").added, outcome(&again, "weigh-ins").already_there), (0, 2));

    // A damaged wellness file is named; the activities are still read.
    let (dir2, store2, me2) = support::store_with_profile("Jane", "Europe/Berlin").await;
    let broken = garmin_export(dir2.path(), &BIOMETRICS.as_bytes()[..200]);
    let report = run(&store2, &me2, &broken).await;
    assert!(
        report.problems.iter().any(|p| p.contains("userBioMetrics.json: not readable JSON")),
        "{report:?}"
    );
    assert_eq!(outcome(&report, "activities").added, 2);
}

const UDS: &str = "DI_CONNECT/DI-Connect-Aggregator/UDSFile_2023-03-01_2023-06-09.json";
const HEALTH_STATUS: &str =
    "DI_CONNECT/DI-Connect-Wellness/2023-03-01_2023-06-09_114985_healthStatusData.json";

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(path)).unwrap()
}

async fn wellness_rows(store: &Store) -> Vec<(String, String, serde_json::Value)> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT measured_at, local_date, measurements FROM body_measurements WHERE weight_kg IS NULL \
         ORDER BY measured_at",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    rows.into_iter().map(|(at, day, m)| (at, day, serde_json::from_str(&m).unwrap())).collect()
}

#[tokio::test]
async fn a_garmin_export_brings_each_days_resting_heart_rate_and_hrv_once() {
    let (dir, store, me) = support::store_with_profile("Jane", "Europe/Berlin").await;
    let uds = fixture("garmin/UDSFile_2023-03-01_2023-06-09.json");
    let status = fixture("garmin/2023-03-01_2023-06-09_114985_healthStatusData.json");
    let zip = garmin_export_with(dir.path(), BIOMETRICS.as_bytes(), &[(UDS, &uds), (HEALTH_STATUS, &status)]);

    let preview = imports::preview(&zip).await.unwrap();
    let found = |what: &str| {
        let f = preview.found.iter().find(|f| f.what == what).unwrap_or_else(|| panic!("{preview:?}"));
        (f.count, f.first_date.clone().unwrap(), f.last_date.clone().unwrap())
    };
    // The fourth UDS day was not worn (no resting HR); the third has no HRV.
    assert_eq!(found("resting heart rates"), (3, "2023-03-01".into(), "2023-03-03".into()));
    assert_eq!(found("HRV readings"), (3, "2023-03-01".into(), "2023-03-04".into()));
    assert!(preview.problems.is_empty(), "{:?}", preview.problems);

    let report = run(&store, &me, &zip).await;
    assert_eq!(outcome(&report, "days of resting HR / HRV").added, 4, "{report:?}");
    assert_eq!(outcome(&report, "weigh-ins").added, 2, "the weigh-ins stay their own rows");
    let rows = wellness_rows(&store).await;
    assert_eq!(rows.len(), 4, "{rows:?}");
    // Local noon of each day (Berlin is UTC+1 in March, as the UDS file's times say).
    assert_eq!((rows[0].0.as_str(), rows[0].1.as_str()), ("2023-03-01T11:00:00.000Z", "2023-03-01"));
    assert_eq!(rows[0].2, serde_json::json!({"resting_hr_bpm": 51.0, "hrv_ms": 61.0}));
    assert_eq!(rows[1].2, serde_json::json!({"resting_hr_bpm": 50.0, "hrv_ms": 58.0}));
    // restingHeartRate missing that day: the current-day value stands in.
    assert_eq!(rows[2].2, serde_json::json!({"resting_hr_bpm": 55.0}));
    assert_eq!((rows[3].1.as_str(), &rows[3].2), ("2023-03-04", &serde_json::json!({"hrv_ms": 64.0})));

    let again = run(&store, &me, &zip).await;
    let o = outcome(&again, "days of resting HR / HRV");
    assert_eq!((o.added, o.already_there), (0, 4));
    assert_eq!(count(&store, "SELECT COUNT(*) FROM body_measurements").await, 6);

    // A health-status file cut off in its third record: named, the two before it kept.
    let (dir2, store2, me2) = support::store_with_profile("Jane", "Europe/Berlin").await;
    let text = String::from_utf8(status.clone()).unwrap();
    let cut = text.find("\"2023-03-04\"").unwrap() + 20;
    let zip = garmin_export_with(
        dir2.path(),
        BIOMETRICS.as_bytes(),
        &[(UDS, &uds), (HEALTH_STATUS, &status[..cut])],
    );
    let report = run(&store2, &me2, &zip).await;
    assert!(
        report.problems.iter().any(|p| p.contains("healthStatusData.json: not readable JSON at record 3")
            && p.contains("the 2 records before it are kept")),
        "{:?}",
        report.problems
    );
    let rows = wellness_rows(&store2).await;
    assert_eq!(rows.len(), 3, "the resting heart rates of three days, HRV on two: {rows:?}");
    assert_eq!(rows.iter().filter(|r| r.2.get("hrv_ms").is_some()).count(), 2);
}

fn wagner(db: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_wagner"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("WAGNER_DB")
        .output()
        .unwrap()
}

#[test]
fn the_cli_detects_the_kind_previews_with_dry_run_and_refuses_what_it_cannot_read() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("wagner.db");
    assert!(wagner(&db, &["init"]).status.success());
    let zip = export_zip(dir.path());

    let out = wagner(&db, &["import", "--dry-run", zip.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{text}");
    assert!(text.contains("Apple Health export"), "{text}");
    assert!(text.contains("2 weigh-ins from 2021-12-11 to 2021-12-12"), "{text}");
    assert!(text.contains("3 workouts from 2021-12-11 to 2021-12-13"), "{text}");
    let list = wagner(&db, &["activities"]);
    assert!(String::from_utf8_lossy(&list.stdout).trim().lines().count() <= 1, "dry run wrote nothing");

    let out = wagner(&db, &["import", zip.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("workouts: 3 added, 0 already there"), "{text}");
    let again = wagner(&db, &["import", zip.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("workouts: 0 added, 3 already there"));

    // A ZIP with nothing importable: a clear error and exit 1, never a silent 0.
    let junk = dir.path().join("photos.zip");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&junk).unwrap());
    z.start_file("IMG_0001.txt", zip::write::SimpleFileOptions::default()).unwrap();
    z.write_all(b"hello").unwrap();
    z.finish().unwrap();
    let out = wagner(&db, &["import", junk.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(err.contains("nothing Wagner can import") && err.contains("IMG_0001.txt"), "{err}");
    let txt = dir.path().join("notes.txt");
    std::fs::write(&txt, "just some notes").unwrap();
    let out = wagner(&db, &["import", txt.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a file Wagner can import"));
}

#[tokio::test]
async fn a_strava_export_previews_its_activities_and_the_same_run_from_apple_health_is_stored_once() {
    let (dir, store, me) = support::store_with_profile("Jane", "America/Denver").await;
    // A manual Strava entry (no file) for the run the Apple Watch also recorded.
    let csv = "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,Elapsed Time,Distance,\
               Filename,Elapsed Time,Moving Time,Distance,Calories\n\
               6001,\"Dec 12, 2021, 1:04:48 AM\",Evening run,Run,\"first snow\",1830,4.99,,1830.0,1800.0,4990.0,305\n\
               6002,\"Dec 14, 2021, 2:00:00 PM\",Lunch walk,Walk,,1200,1.60,,1200.0,1200.0,1600.0,\n";
    let path = dir.path().join("export_6000.zip");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    z.start_file("export_6000/activities.csv", zip::write::SimpleFileOptions::default()).unwrap();
    z.write_all(csv.as_bytes()).unwrap();
    z.finish().unwrap();
    assert_eq!(imports::detect(&path).unwrap(), HistoryKind::StravaExport);
    let preview = imports::preview(&path).await.unwrap();
    let acts = &preview.found[0];
    assert_eq!(
        (acts.what.as_str(), acts.count, acts.first_date.as_deref(), acts.last_date.as_deref()),
        ("activities", 2, Some("2021-12-12"), Some("2021-12-14"))
    );
    let strava = run(&store, &me, &path).await;
    assert_eq!(outcome(&strava, "activities").added, 2);

    let apple = run(&store, &me, &export_zip(dir.path())).await;
    let w = outcome(&apple, "workouts");
    assert_eq!((w.added, w.already_there), (2, 1), "the run is already there from Strava: {apple:?}");
    assert_eq!(count(&store, "SELECT COUNT(*) FROM activities").await, 4);
    let name: String = sqlx::query_scalar("SELECT name FROM activities WHERE activity_type = 'run'")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(name, "Evening run", "the first source's copy is kept");
}

#[tokio::test]
async fn a_lose_it_export_imports_its_food_log_once_and_names_bad_rows() {
    let (dir, store, me) = support::store_with_profile("Jane", "America/New_York").await;
    let food = "Date,Name,Icon,Meal,Quantity,Units,Calories,Deleted,Fat (g),Protein (g),Carbohydrates (g),\
                Saturated Fat (g),Sugars (g),Fiber (g),Cholesterol (mg),Sodium (mg)\n\
                07/15/2026,Greek Yogurt,Yogurt,Breakfast,1.0,Cup,120,0,0,22,9,0,9,0,10,80\n\
                07/15/2026,Banana,Banana,Breakfast,1.0,Each,105,0,0.4,1.3,27,n/a,14,3.1,0,1\n\
                07/15/2026,Strawberry,Fruit,Snacks,100.0,Grams,34,1,0,0,0,0,0,0,0,0\n\
                07/16/2026,\"Rice, White, Cooked\",Rice,Dinner,350.0,Grams,455,0,1,9.5,99,0,0,1.4,0,5\n\
                07/16/2026,Mystery,Food,Lunch,1,Each,lots,0,0,0,0,0,0,0,0,0\n";
    let path = dir.path().join("loseit-export.zip");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    for (name, body) in [
        ("food-logs.csv", food),
        ("weights.csv", "Date,Weight,Last Updated,Deleted\n07/15/2026,165.2,2026-07-15T12:00:00Z,0\n"),
        (
            "daily-calorie-summary.csv",
            "Date,Food cals,Exercise cals,Budget cals,EER\n07/15/2026,225,0,1800,2100\n",
        ),
    ] {
        z.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        z.write_all(body.as_bytes()).unwrap();
    }
    z.finish().unwrap();
    assert_eq!(imports::detect(&path).unwrap(), HistoryKind::LoseIt);
    let preview = imports::preview(&path).await.unwrap();
    assert_eq!((preview.found[0].count, preview.found[1].count), (2, 2), "{preview:?}");
    assert!(preview.problems.iter().any(|p| p.contains("line 6")), "{:?}", preview.problems);

    let report = run(&store, &me, &path).await;
    assert_eq!(outcome(&report, "meals").added, 2);
    let day = wagner::nutrition::day_view(&store, &me, wagner::clock::parse_date("2026-07-15").unwrap())
        .await
        .unwrap();
    assert_eq!(day.nutrition.calories, 225.0, "the deleted strawberry is not counted");
    assert!((day.nutrition.protein_g - 23.3).abs() < 1e-9);
    let again = run(&store, &me, &path).await;
    assert_eq!((outcome(&again, "meals").added, outcome(&again, "meals").already_there), (0, 2));
    assert_eq!(count(&store, "SELECT COUNT(*) FROM meal_logs").await, 2);
}

/// One cell of a test workbook: text, a number, or an Excel date (a serial
/// number in a date-formatted cell, as spreadsheet apps write them).
enum Cell {
    Text(&'static str),
    Num(f64),
    Date(u32),
}

/// Writes an .xlsx workbook the way spreadsheet libraries do: a ZIP of
/// SpreadsheetML parts, inline strings, a date style for date cells.
fn write_xlsx(path: &Path, sheets: &[(&str, Vec<Vec<Cell>>)]) {
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut z = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let mut put = |name: &str, body: String| {
        z.start_file(name, opts).unwrap();
        z.write_all(body.as_bytes()).unwrap();
    };
    let overrides: String = (1..=sheets.len())
        .map(|i| format!(r#"<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#))
        .collect();
    put(
        "[Content_Types].xml",
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>{overrides}</Types>"#
        ),
    );
    put(
        "_rels/.rels",
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.into(),
    );
    let sheet_list: String = sheets
        .iter()
        .enumerate()
        .map(|(i, (name, _))| {
            format!(
                r#"<sheet name="{}" sheetId="{}" r:id="rId{}"/>"#,
                name.replace('&', "&amp;"),
                i + 1,
                i + 1
            )
        })
        .collect();
    put(
        "xl/workbook.xml",
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>{sheet_list}</sheets></workbook>"#
        ),
    );
    let rels: String = (1..=sheets.len())
        .map(|i| format!(r#"<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>"#))
        .collect();
    put(
        "xl/_rels/workbook.xml.rels",
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}<Relationship Id="rId{}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#,
            sheets.len() + 1
        ),
    );
    put(
        "xl/styles.xml",
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>"#.into(),
    );
    for (i, (_, rows)) in sheets.iter().enumerate() {
        let mut xml = String::new();
        for (r, row) in rows.iter().enumerate() {
            xml.push_str(&format!(r#"<row r="{}">"#, r + 1));
            for (c, cell) in row.iter().enumerate() {
                let at = format!("{}{}", (b'A' + c as u8) as char, r + 1);
                xml.push_str(&match cell {
                    Cell::Text(t) => format!(r#"<c r="{at}" t="inlineStr"><is><t>{t}</t></is></c>"#),
                    Cell::Num(n) => format!(r#"<c r="{at}"><v>{n}</v></c>"#),
                    Cell::Date(serial) => format!(r#"<c r="{at}" s="1"><v>{serial}</v></c>"#),
                });
            }
            xml.push_str("</row>");
        }
        put(
            &format!("xl/worksheets/sheet{}.xml", i + 1),
            format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{xml}</sheetData></worksheet>"#
            ),
        );
    }
    z.finish().unwrap();
}

/// A MacroFactor detailed export (the sheets and columns public descriptions
/// of real exports list), in pounds and inches; Excel dates 45292 = 2024-01-01.
fn macrofactor_sheets() -> Vec<(&'static str, Vec<Vec<Cell>>)> {
    use Cell::*;
    vec![
        (
            "Calories & Macros",
            vec![
                vec![
                    Text("Date"),
                    Text("Calories (kcal)"),
                    Text("Fat (g)"),
                    Text("Carbs (g)"),
                    Text("Protein (g)"),
                ],
                vec![Date(45292), Num(2140.0), Num(71.5), Num(230.2), Num(151.0)],
                vec![Date(45293), Num(1985.0), Num(60.0), Num(205.4), Num(160.3)],
                vec![Date(45294), Num(2310.0), Num(80.1), Num(251.0), Num(149.9)],
                vec![Text("not a day"), Num(100.0), Num(1.0), Num(1.0), Num(1.0)],
            ],
        ),
        (
            "Micronutrients",
            vec![
                vec![Text("Date"), Text("Fiber (g)"), Text("Sodium (mg)"), Text("Potassium (mg)")],
                vec![Date(45292), Num(31.2), Num(2350.0), Num(3400.0)],
            ],
        ),
        (
            "Scale Weight",
            vec![
                vec![Text("Date"), Text("Weight (lbs)"), Text("Fat Percent")],
                vec![Date(45292), Num(180.4), Num(18.2)],
                vec![Date(45294), Num(179.8), Text("")],
            ],
        ),
        (
            "Body Metrics",
            vec![
                vec![Text("Date"), Text("Waist (in)"), Text("Chest (in)")],
                vec![Date(45294), Num(33.5), Num(41.0)],
            ],
        ),
        ("Weight Trend", vec![vec![Text("Date"), Text("Trend Weight (lbs)")], vec![Date(45292), Num(180.9)]]),
        ("Expenditure", vec![vec![Text("Date"), Text("Expenditure")], vec![Date(45292), Num(2650.0)]]),
        ("Steps", vec![vec![Text("Date"), Text("Steps")], vec![Date(45292), Num(9120.0)]]),
    ]
}

#[tokio::test]
async fn a_macrofactor_workbook_imports_days_of_food_and_weigh_ins_once() {
    let (dir, store, me) = support::store_with_profile("Jane", "America/Chicago").await;
    let path = dir.path().join("MacroFactor-20240105093000.xlsx");
    write_xlsx(&path, &macrofactor_sheets());
    assert_eq!(imports::detect(&path).unwrap(), HistoryKind::MacroFactor);
    let preview = imports::preview(&path).await.unwrap();
    let found = |what: &str| preview.found.iter().find(|f| f.what == what).map(|f| f.count);
    assert_eq!((found("days of nutrition"), found("weigh-ins")), (Some(3), Some(2)), "{preview:?}");
    assert!(
        preview.problems.iter().any(|p| p.contains("Calories & Macros row 5") && p.contains("not a date")),
        "{:?}",
        preview.problems
    );

    let report = run(&store, &me, &path).await;
    assert_eq!(outcome(&report, "days of nutrition").added, 3, "{report:?}");
    assert_eq!(outcome(&report, "body measurements").added, 2);
    let day = wagner::nutrition::day_view(&store, &me, wagner::clock::parse_date("2024-01-01").unwrap())
        .await
        .unwrap();
    assert_eq!((day.nutrition.calories, day.nutrition.protein_g), (2140.0, 151.0));
    let (fiber, sodium): (Option<f64>, Option<f64>) = sqlx::query_as(
        "SELECT total_fiber_g, total_sodium_mg FROM meal_logs WHERE local_date = '2024-01-01'",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!((fiber, sodium), (Some(31.2), Some(2350.0)));
    type BodyRow = (String, String, Option<f64>, Option<f64>, String);
    let body: Vec<BodyRow> = sqlx::query_as(
        "SELECT measured_at, local_date, weight_kg, body_fat_pct, measurements FROM body_measurements \
         ORDER BY measured_at",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    // 08:00 in Chicago (UTC−6 in January); pounds and inches in SI.
    assert_eq!((body[0].0.as_str(), body[0].1.as_str()), ("2024-01-01T14:00:00.000Z", "2024-01-01"));
    assert!((body[0].2.unwrap() - 180.4 * 0.453_592_37).abs() < 0.001, "{body:?}");
    assert_eq!(body[0].3, Some(18.2));
    assert_eq!(body[1].3, None, "no fat reading that day");
    assert!(body[1].4.contains("\"waist_cm\":85.1"), "33.5 in: {}", body[1].4);

    let again = run(&store, &me, &path).await;
    let food = outcome(&again, "days of nutrition");
    let scale = outcome(&again, "body measurements");
    assert_eq!((food.added, food.already_there, scale.added, scale.already_there), (0, 3, 0, 2));
    assert_eq!(count(&store, "SELECT COUNT(*) FROM meal_logs").await, 3);

    // Another workbook is refused with what it holds; a cut-off one names the file.
    let other = dir.path().join("budget.xlsx");
    write_xlsx(&other, &[("Budget", vec![vec![Cell::Text("Month"), Cell::Text("Rent")]])]);
    let err = imports::detect(&other).unwrap_err().to_string();
    assert!(
        err.contains("budget.xlsx") && err.contains("Budget") && err.contains("Calories & Macros"),
        "{err}"
    );
    let bytes = std::fs::read(&path).unwrap();
    let cut = dir.path().join("cut.xlsx");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let err = imports::detect(&cut).unwrap_err().to_string();
    assert!(err.contains("cut.xlsx") && err.contains("damaged"), "{err}");
}
