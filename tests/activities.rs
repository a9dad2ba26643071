//! Activity file imports on real fixture files and real SQLite databases:
//! what gets imported, what the numbers are, and what happens to bad files.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};
use wagner::Store;
use wagner::activities::import::{self, ImportResult, ImportStatus};
use wagner::activities::view;
use wagner::profile::Profile;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/activities")
}

fn fixture(rel: &str) -> PathBuf {
    fixtures().join(rel)
}

async fn open() -> (tempfile::TempDir, Store, Profile) {
    support::store_with_profile_at("data/wagner.db", "Ana", "Europe/Ljubljana").await
}

async fn import_one(store: &Store, profile: &Profile, path: &Path) -> ImportResult {
    let bytes = std::fs::read(path).unwrap();
    import::import_bytes(store, profile, path, &bytes).await.unwrap()
}

async fn count(store: &Store, table: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
        .fetch_one(store.pool())
        .await
        .unwrap()
}

fn status_names(results: &[ImportResult], pick: fn(&ImportStatus) -> bool) -> Vec<String> {
    results.iter().filter(|r| pick(&r.status)).map(|r| r.file_name.clone()).collect()
}

#[tokio::test]
async fn every_fixture_imports_or_is_named_for_what_it_is() {
    let (_dir, store, profile) = open().await;
    let results = import::import_paths(&store, &profile, &[fixtures()], |_| {}).await.unwrap();
    assert_eq!(results.len(), 13 + 1 + 30 + 3, "every FIT, GPX and TCX fixture is tried");

    let failed: Vec<String> = results.iter().filter(|r| r.failed()).map(view::import_line).collect();
    assert!(failed.is_empty(), "no fixture fails: {failed:#?}");
    let imported = status_names(&results, |s| matches!(s, ImportStatus::Imported));
    for expected in [
        "Activity.fit",
        "garmin-fenix-5-bike.fit",
        "hrv-activity.fit",
        "sample_mulitple_header.fit",
        "strength-sets.fit",
        "around-visnjan-with-car.gpx",
        "korita-zbevnica.gpx",
        "20210119_run_garmin_fenix6.tcx.gz",
        "20210308_virtual_ride_with_power.tcx.gz",
        "20210323_yoga.tcx",
    ] {
        assert!(imported.contains(&expected.to_string()), "{expected} imports: {imported:?}");
    }
    // The four cerknicko recordings of one lake walk are one activity.
    let duplicates = status_names(&results, |s| matches!(s, ImportStatus::Duplicate { .. }));
    assert_eq!(
        duplicates,
        [
            "cerknicko-jezero-with-elevations-zero.gpx",
            "cerknicko-jezero-without-elevations.gpx",
            "cerknicko-jezero.gpx"
        ]
    );
    // Settings, workouts, weight scale and monitoring files, routes and waypoints are not activities.
    let not_activities = status_names(&results, |s| matches!(s, ImportStatus::NotActivity { .. }));
    for expected in
        ["Settings.fit", "WorkoutRepeatSteps.fit", "MonitoringFile.fit", "route.gpx", "unicode.gpx"]
    {
        assert!(not_activities.contains(&expected.to_string()), "{expected}: {not_activities:?}");
    }
    assert_eq!(count(&store, "activities").await, imported.len() as i64);

    // Every imported activity has a time stream, and every stream has its length.
    let without_time: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM activities a WHERE NOT EXISTS \
         (SELECT 1 FROM activity_streams s WHERE s.activity_id = a.id AND s.stream_type = 'time')",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(without_time, 0);
    let ragged: i64 = sqlx::query_scalar(
        "SELECT COUNT(DISTINCT activity_id) FROM activity_streams s WHERE sample_count <> \
         (SELECT sample_count FROM activity_streams t WHERE t.activity_id = s.activity_id AND t.stream_type = 'time')",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(ragged, 0, "sample i of every stream is the same instant");

    // Importing the same folder again adds nothing.
    let again = import::import_paths(&store, &profile, &[fixtures()], |_| {}).await.unwrap();
    assert!(again.iter().all(|r| !matches!(r.status, ImportStatus::Imported | ImportStatus::Partial { .. })));
    assert_eq!(count(&store, "activities").await, imported.len() as i64);
}

/// Expected values from fitdecode 0.11.0 (Python) on the same file:
/// `session` total_elapsed_time 1072.488, total_distance 6873.6,
/// avg/max_heart_rate 156/185, avg_power 184, normalized_power 250,
/// total_calories 216, num_laps 15; 1072 `record` messages whose heart_rate
/// mean is 155.969 and whose power max is 951.
#[tokio::test]
async fn fit_ride_matches_fitdecode() {
    let (_dir, store, profile) = open().await;
    let r = import_one(&store, &profile, &fixture("fit/hrv-activity.fit")).await;
    assert!(matches!(r.status, ImportStatus::Imported), "{r:?}");
    let id = r.activity.unwrap().id;
    let d = view::detail(&store, &profile.id, &id).await.unwrap();
    let a = &d.activity;
    assert_eq!(a.activity_type, wagner::activities::ActivityType::Ride);
    assert_eq!(a.elapsed_time_seconds, Some(1072));
    assert!((a.distance_meters.unwrap() - 6873.6).abs() < 0.01);
    assert_eq!((a.average_heartrate, a.max_heartrate), (Some(156), Some(185)));
    assert_eq!((a.average_power_w, a.normalized_power_w), (Some(184.0), Some(250.0)));
    assert_eq!(a.calories, Some(216));
    assert_eq!(d.segments.iter().filter(|s| s.segment_type == "lap").count(), 15);
    assert!(a.training_load.unwrap() > 0.0, "TRIMP from heart rate");

    let st = view::load_streams(&store, &profile.id, &id).await.unwrap();
    assert_eq!(st.time.len(), 1072);
    let hr: Vec<f64> = st.heartrate.iter().copied().filter(|h| h.is_finite()).collect();
    assert!((hr.iter().sum::<f64>() / hr.len() as f64 - 155.969).abs() < 0.01);
    assert_eq!(st.power.iter().copied().fold(0.0, f64::max), 951.0);
    for name in ["time", "distance", "heartrate", "power", "cadence", "speed", "temperature"] {
        assert!(d.streams.iter().any(|s| s.stream_type == name), "{name} stream stored");
    }
    assert!(!d.streams.iter().any(|s| s.stream_type == "latlng"), "an indoor ride has no route");
    assert!(d.best_efforts.best_5min_power_w.unwrap() >= 184.0, "a best 5 min is at least the average");
}

/// Expected values from gpxpy 1.6.2 (Python) on the same file: one segment
/// of 104 timed points, length_2d() 2736.30 m, get_duration() 514 s,
/// get_uphill_downhill() (49.692, 50.172).
#[tokio::test]
async fn gpx_track_matches_gpxpy() {
    let (_dir, store, profile) = open().await;
    let r = import_one(&store, &profile, &fixture("gpx/around-visnjan-with-car.gpx")).await;
    let id = r.activity.expect("imported").id;
    let a = view::detail(&store, &profile.id, &id).await.unwrap().activity;
    assert_eq!(a.elapsed_time_seconds, Some(514));
    // gpxpy uses an equirectangular approximation and a 6378.137 km radius; we use haversine.
    let dist = a.distance_meters.unwrap();
    assert!((dist - 2736.30).abs() / 2736.30 < 0.005, "{dist}");
    assert!((a.total_elevation_gain_m.unwrap() - 49.692).abs() < 0.01, "{:?}", a.total_elevation_gain_m);
    assert!((a.total_elevation_loss_m.unwrap() - 50.172).abs() < 0.01, "{:?}", a.total_elevation_loss_m);
    let moving = a.moving_time_seconds.unwrap();
    assert!(moving > 0 && moving < 514, "stops at the start and end are not moving: {moving}");
    let st = view::load_streams(&store, &profile.id, &id).await.unwrap();
    assert_eq!(st.latlng.len(), 104);
    assert!(
        (st.latlng[0][0] - 45.2).abs() < 0.2 && (st.latlng[0][1] - 13.7).abs() < 0.2,
        "{:?}",
        st.latlng[0]
    );
}

/// Expected values from Python's ElementTree on the decompressed file: 1232
/// trackpoints spanning 1231 s, HeartRateBpm mean 156.897 and max 189, one
/// lap of 5124.84 m and 268 kcal; gpxpy.geo.calculate_uphill_downhill over
/// the AltitudeMeters values gives (68.06, 71.66).
#[tokio::test]
async fn gzipped_tcx_run_matches_python() {
    let (_dir, store, profile) = open().await;
    let r = import_one(&store, &profile, &fixture("tcx/20210119_run_garmin_fenix6.tcx.gz")).await;
    let id = r.activity.expect("imported").id;
    let d = view::detail(&store, &profile.id, &id).await.unwrap();
    let a = &d.activity;
    assert_eq!(a.activity_type, wagner::activities::ActivityType::Run);
    assert_eq!(a.elapsed_time_seconds, Some(1231));
    assert!((a.distance_meters.unwrap() - 5124.84).abs() < 0.01);
    assert_eq!((a.average_heartrate, a.max_heartrate, a.calories), (Some(157), Some(189), Some(268)));
    assert!((a.total_elevation_gain_m.unwrap() - 68.06).abs() < 0.01);
    assert!((a.total_elevation_loss_m.unwrap() - 71.66).abs() < 0.01);
    assert_eq!(d.segments.len(), 1);
    let fastest = d.best_efforts.fastest_1km_s.unwrap();
    assert!(fastest < 1231.0 / 5.0, "the best km beats the average km: {fastest}");
    assert!(d.best_efforts.fastest_5km_s.unwrap() <= 1231.0);
    assert!(a.original_file_path.as_deref().unwrap().ends_with(".tcx.gz"));
}

#[tokio::test]
async fn strength_sets_become_segments() {
    let (_dir, store, profile) = open().await;
    let r = import_one(&store, &profile, &fixture("fit/strength-sets.fit")).await;
    let id = r.activity.expect("imported").id;
    let d = view::detail(&store, &profile.id, &id).await.unwrap();
    assert_eq!(d.activity.activity_type, wagner::activities::ActivityType::Strength);
    let sets: Vec<(String, i64, f64)> = d
        .segments
        .iter()
        .filter(|s| s.segment_type == "set")
        .map(|s| (s.exercise_name.clone().unwrap(), s.reps.unwrap(), s.weight_kg.unwrap()))
        .collect();
    assert_eq!(
        sets,
        [
            ("Squat".to_string(), 5, 100.0),
            ("Squat".to_string(), 5, 100.0),
            ("Bench press".to_string(), 8, 60.0),
            ("Deadlift".to_string(), 3, 140.0)
        ],
        "rest sets are left out"
    );
    // The weekly view counts strength volume from these sets: 2·5·100 + 8·60 + 3·140.
    let volume: f64 =
        sqlx::query_scalar("SELECT SUM(reps * weight_kg) FROM activity_segments WHERE activity_id = ?")
            .bind(&id)
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!(volume, 1900.0);
    let text = view::render_detail(&d);
    // Squat 2 × 5 × 100 = 1000 kg, 1RM 100 × (1 + 5/30) = 116.7; deadlift 140 × (1 + 3/30) = 154.
    assert!(text.contains("Squat: volume 1000 kg, est. 1RM 116.7 kg"), "{text}");
    assert!(text.contains("Deadlift: volume 420 kg, est. 1RM 154.0 kg"), "{text}");
}

#[tokio::test]
async fn the_same_workout_from_a_gzipped_copy_is_a_duplicate_and_the_original_is_kept() {
    let (dir, store, profile) = open().await;
    let plain = std::fs::read(fixture("fit/garmin-fenix-5-bike.fit")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, &plain).unwrap();
    let gz = gz.finish().unwrap();

    let first = import::import_bytes(&store, &profile, Path::new("ride.fit.gz"), &gz).await.unwrap();
    let activity = first.activity.clone().expect("the gzipped file imports");
    let second = import::import_bytes(&store, &profile, Path::new("ride.fit"), &plain).await.unwrap();
    match &second.status {
        ImportStatus::Duplicate { of_id, .. } => assert_eq!(of_id, &activity.id),
        other => panic!("expected a duplicate, got {other:?}"),
    }
    let same_file = import::import_bytes(&store, &profile, Path::new("again.fit.gz"), &gz).await.unwrap();
    assert!(matches!(same_file.status, ImportStatus::Duplicate { .. }));
    assert_eq!(count(&store, "activities").await, 1);

    let (hash, rel): (String, String) =
        sqlx::query_as("SELECT file_hash, original_file_path FROM activities WHERE id = ?")
            .bind(&activity.id)
            .fetch_one(store.pool())
            .await
            .unwrap();
    let expected_hash: String = Sha256::digest(&gz).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(hash, expected_hash);
    assert_eq!(rel, format!("attachments/activities/{hash}.fit.gz"));
    assert_eq!(
        std::fs::read(dir.path().join("data").join(&rel)).unwrap(),
        gz,
        "the original is kept byte for byte"
    );
}

#[tokio::test]
async fn a_truncated_fit_file_imports_what_was_recorded_before_the_cut() {
    let (_dir, store, profile) = open().await;
    let bytes = std::fs::read(fixture("fit/hrv-activity.fit")).unwrap();
    let cut = &bytes[..bytes.len() / 2];
    let r = import::import_bytes(&store, &profile, Path::new("cut.fit"), cut).await.unwrap();
    match &r.status {
        ImportStatus::Partial { problem } => assert!(problem.contains("truncated"), "{problem}"),
        other => panic!("expected a partial import, got {other:?}"),
    }
    let line = view::import_line(&r);
    assert!(line.starts_with("imported cut.fit") && line.contains("partial: truncated"), "{line}");
    let id = r.activity.unwrap().id;
    let st = view::load_streams(&store, &profile.id, &id).await.unwrap();
    assert!(st.time.len() > 100 && st.time.len() < 1072, "{} samples", st.time.len());
    let d = view::detail(&store, &profile.id, &id).await.unwrap();
    assert!(d.activity.notes.unwrap().contains("Partly imported"));
    assert_eq!(d.activity.activity_type, wagner::activities::ActivityType::Ride, "from the sport message");
}

#[tokio::test]
async fn broken_files_fail_with_a_reason_and_store_nothing() {
    let (dir, store, profile) = open().await;
    let yoga = std::fs::read(fixture("tcx/20210323_yoga.tcx")).unwrap();
    let mut fit = std::fs::read(fixture("fit/Activity.fit")).unwrap();
    fit[8] = b'X'; // the ".FIT" signature
    for (name, bytes, needle) in [
        ("notes.fit", b"hello, not a FIT file".to_vec(), "not a FIT file"),
        ("bad-header.fit", fit, "not a FIT file"),
        ("half.tcx", yoga[..yoga.len() / 2].to_vec(), "truncated"),
        ("cut-in-a-tag.tcx", yoga[..150_000].to_vec(), "truncated"),
        ("photo.gpx.gz", b"\x1f\x8b\x08\x00garbage".to_vec(), "gzip"),
        ("empty.gpx", Vec::new(), "not a GPX file"),
    ] {
        let r = import::import_bytes(&store, &profile, Path::new(name), &bytes).await.unwrap();
        match &r.status {
            ImportStatus::Failed { reason } => assert!(reason.contains(needle), "{name}: {reason}"),
            other => panic!("{name}: expected a failure, got {other:?}"),
        }
        assert!(view::import_line(&r).starts_with(&format!("failed {name}: ")));
    }
    assert_eq!(count(&store, "activities").await, 0);
    assert!(!dir.path().join("data/attachments/activities").exists(), "no original kept for a failed file");
}

#[tokio::test]
async fn a_failure_while_storing_leaves_no_half_activity() {
    let (dir, store, profile) = open().await;
    sqlx::query(
        "CREATE TRIGGER test_no_streams BEFORE INSERT ON activity_streams BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    )
    .execute(store.pool())
    .await
    .unwrap();
    let bytes = std::fs::read(fixture("fit/hrv-activity.fit")).unwrap();
    let err = import::import_bytes(&store, &profile, Path::new("ride.fit"), &bytes).await.unwrap_err();
    assert!(err.to_string().contains("disk full"), "{err}");
    assert_eq!(count(&store, "activities").await, 0);
    assert_eq!(count(&store, "activity_segments").await, 0);
    let kept =
        std::fs::read_dir(dir.path().join("data/attachments/activities")).map(|d| d.count()).unwrap_or(0);
    assert_eq!(kept, 0, "the copied original is removed again");
}

#[test]
fn cli_imports_a_folder_reports_each_file_and_exits_1_on_a_failure() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("wagner.db");
    let inbox = dir.path().join("inbox");
    std::fs::create_dir_all(inbox.join("watch")).unwrap();
    std::fs::copy(fixture("fit/hrv-activity.fit"), inbox.join("watch/hrv-activity.fit")).unwrap();
    std::fs::copy(fixture("fit/Settings.fit"), inbox.join("watch/Settings.fit")).unwrap();
    std::fs::copy(fixture("gpx/around-visnjan-with-car.gpx"), inbox.join("drive.gpx")).unwrap();
    std::fs::write(inbox.join("broken.tcx"), "<TrainingCenterDatabase><Activities><Activity").unwrap();
    std::fs::write(inbox.join("notes.txt"), "not an activity file, not picked up from a folder").unwrap();
    let wagner = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_wagner"))
            .arg("--db")
            .arg(&db)
            .args(args)
            .env_remove("WAGNER_DB")
            .output()
            .unwrap()
    };
    assert!(wagner(&["init"]).status.success());

    let out = wagner(&["import", inbox.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(1), "one file failed: {text}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert!(lines[0].starts_with("failed broken.tcx: "), "{text}");
    assert!(lines[1].starts_with("imported drive.gpx — Workout 2.7 km 8:34"), "{text}");
    assert!(lines[2].starts_with("skipped Settings.fit (not an activity"), "{text}");
    assert!(lines[3].starts_with("imported hrv-activity.fit — Ride 6.9 km 17:52"), "{text}");

    let again = wagner(&["import", inbox.join("watch/hrv-activity.fit").to_str().unwrap()]);
    assert!(again.status.success());
    assert!(String::from_utf8_lossy(&again.stdout).starts_with("skipped hrv-activity.fit (duplicate of"));

    let list = String::from_utf8_lossy(&wagner(&["activities"]).stdout).into_owned();
    let rows: Vec<&str> = list.lines().collect();
    assert_eq!(rows.len(), 2, "{list}");
    assert!(rows[0].contains("2022-02-07") && rows[1].contains("2020-12-18"), "newest first: {list}");

    let id = rows[0].split_whitespace().next().unwrap();
    let detail = wagner(&["activity", id]);
    assert!(detail.status.success());
    let text = String::from_utf8_lossy(&detail.stdout).into_owned();
    for needle in
        ["normalized 250 W", "Laps", "Streams: cadence, distance, heartrate, power, speed, temperature, time"]
    {
        assert!(text.contains(needle), "{needle}: {text}");
    }
    let missing = wagner(&["activity", "no-such-id"]);
    assert_eq!(missing.status.code(), Some(1));
}

fn zip_of(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        w.start_file(*name, opts).unwrap();
        std::io::Write::write_all(&mut w, data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// A Strava bulk export: activities.csv (Strava's column names, including its
/// repeated "Elapsed Time" and "Distance") naming the files under activities/.
#[tokio::test]
async fn a_strava_bulk_export_imports_with_strava_names_types_and_ids() {
    let (dir, store, profile) = open().await;
    let csv = "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,Elapsed Time,Distance,\
               Max Heart Rate,Relative Effort,Commute,Activity Private Note,Activity Gear,Filename,Athlete Weight,\
               Bike Weight,Elapsed Time,Moving Time,Distance,Max Speed,Average Speed,Calories\n\
               4567,\"Jan 19, 2021, 11:30:50 PM\",Snowy night run,Run,\"cold, dark, fast\",1231,5.12,189,,false,,,\
               activities/4567.tcx.gz,,,1231.0,1220.0,5124.8,,,268\n\
               4600,\"Mar 1, 2022, 7:30:00 AM\",Leg day,Weight Training,,385,0.00,,,false,,,activities/4600.fit,,,\
               385.0,385.0,0.0,,,\n\
               4700,\"Mar 3, 2022, 6:00:00 PM\",Pool session,Swim,,1800,1.50,,,false,,,,,,1800.0,1700.0,1500.0,,,\n\
               4800,\"Mar 4, 2022, 6:00:00 PM\",Lost file,Ride,,1800,10.0,,,false,,,activities/4800.fit,,,\
               1800.0,1700.0,10000.0,,,\n";
    let export = zip_of(&[
        ("export_1234/activities.csv", csv.as_bytes().to_vec()),
        (
            "export_1234/activities/4567.tcx.gz",
            std::fs::read(fixture("tcx/20210119_run_garmin_fenix6.tcx.gz")).unwrap(),
        ),
        ("export_1234/activities/4600.fit", std::fs::read(fixture("fit/strength-sets.fit")).unwrap()),
        ("export_1234/profile.csv", b"irrelevant".to_vec()),
    ]);
    let path = dir.path().join("export_1234.zip");
    std::fs::write(&path, &export).unwrap();

    let results = import::import_paths(&store, &profile, std::slice::from_ref(&path), |_| {}).await.unwrap();
    let lines: Vec<String> = results.iter().map(view::import_line).collect();
    assert_eq!(results.len(), 4, "{lines:#?}");
    assert!(
        lines[0].starts_with("imported export_1234.zip:export_1234/activities/4567.tcx.gz — Run 5.1 km"),
        "{lines:#?}"
    );
    assert!(lines[0].ends_with("(Snowy night run)"), "Strava's name wins: {lines:#?}");
    assert!(lines[1].contains("— Strength") && lines[1].ends_with("(Leg day)"), "{lines:#?}");
    assert!(
        lines[2].starts_with("imported export_1234.zip:activities.csv#4700 — Swim 1.5 km 30:00"),
        "{lines:#?}"
    );
    assert!(
        lines[3]
            .starts_with("failed export_1234.zip:export_1234/activities/4800.fit: named in activities.csv")
    );

    let rows: Vec<(String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT external_id, source, activity_type, notes FROM activities ORDER BY external_id",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|r| r.1 == "strava"), "{rows:?}");
    assert_eq!((rows[0].0.as_str(), rows[0].3.as_deref()), ("4567", Some("cold, dark, fast")));
    assert_eq!((rows[2].0.as_str(), rows[2].2.as_str()), ("4700", "swim"));

    // The same export again adds nothing; the missing file still fails.
    let again = import::import_paths(&store, &profile, &[path], |_| {}).await.unwrap();
    assert_eq!(again.iter().filter(|r| matches!(r.status, ImportStatus::Duplicate { .. })).count(), 3);
    assert_eq!(count(&store, "activities").await, 3);
}

#[tokio::test]
async fn a_zip_of_activity_files_imports_each_file() {
    let (dir, store, profile) = open().await;
    let export = zip_of(&[
        (
            "DI_CONNECT/DI-Connect-Fitness-Uploaded-Files/hrv-activity.fit",
            std::fs::read(fixture("fit/hrv-activity.fit")).unwrap(),
        ),
        (
            "DI_CONNECT/around-visnjan-with-car.gpx",
            std::fs::read(fixture("gpx/around-visnjan-with-car.gpx")).unwrap(),
        ),
        ("DI_CONNECT/readme.txt", b"not an activity".to_vec()),
    ]);
    let path = dir.path().join("garmin.zip");
    std::fs::write(&path, &export).unwrap();
    let results = import::import_paths(&store, &profile, &[path], |_| {}).await.unwrap();
    let lines: Vec<String> = results.iter().map(view::import_line).collect();
    assert_eq!(lines.len(), 2, "{lines:#?}");
    assert!(lines.iter().all(|l| l.starts_with("imported garmin.zip:DI_CONNECT/")), "{lines:#?}");
    assert_eq!(
        count(&store, "activity_streams").await,
        7 + 4,
        "hrv: 7 channels; gpx: time, distance, altitude, latlng"
    );
}

#[tokio::test]
async fn a_smart_scale_file_goes_to_body_measurements() {
    let dir = tempfile::tempdir().unwrap();
    let store = wagner::Store::open(&dir.path().join("wagner.db")).await.unwrap();
    let (me, _) = wagner::profile::ensure_default(
        &store,
        wagner::profile::NewProfile {
            full_name: "Scale".into(),
            time_zone: Some("UTC".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/activities/fit/WeightScaleSingleUser.fit");
    let bytes = std::fs::read(&path).unwrap();
    let first = wagner::activities::import::import_bytes(&store, &me, &path, &bytes).await.unwrap();
    assert!(
        matches!(
            first.status,
            wagner::activities::import::ImportStatus::BodyMeasurements { imported: 2, duplicates: 0 }
        ),
        "{:?}",
        first.status
    );
    let again = wagner::activities::import::import_bytes(&store, &me, &path, &bytes).await.unwrap();
    assert!(matches!(
        again.status,
        wagner::activities::import::ImportStatus::BodyMeasurements { imported: 0, duplicates: 2 }
    ));
    let weights: Vec<f64> =
        sqlx::query_scalar("SELECT weight_kg FROM body_measurements ORDER BY measured_at")
            .fetch_all(store.pool())
            .await
            .unwrap();
    assert_eq!(weights, [75.8, 76.09]);
}
