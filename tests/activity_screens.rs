//! What the activity screens are given, on real fixture files and real
//! SQLite databases: the filtered list, the detail with chartable streams,
//! zones and strength numbers, imports from bytes and with progress, and
//! the fitness/fatigue/form curves.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod support;

use std::path::{Path, PathBuf};

use wagner::Store;
use wagner::activities::charts;
use wagner::activities::import::{self, ImportOutcome, ImportProgress};
use wagner::activities::view::{self, ActivityFilter};
use wagner::activities::{ActivityType, metrics};
use wagner::profile::Profile;

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/activities").join(rel)
}

async fn open() -> (tempfile::TempDir, Store, Profile) {
    support::store_with_profile_at("data/wagner.db", "Ana", "Europe/Ljubljana").await
}

async fn import_files(store: &Store, profile: &Profile, names: &[&str]) -> Vec<String> {
    let paths: Vec<PathBuf> = names.iter().map(|n| fixture(n)).collect();
    let results = import::import_paths(store, profile, &paths, |_| {}).await.unwrap();
    results.iter().map(|r| r.activity.as_ref().expect("imported").id.clone()).collect()
}

#[tokio::test]
async fn the_list_filters_by_type_day_and_words() {
    let (_dir, store, profile) = open().await;
    import_files(
        &store,
        &profile,
        &[
            "tcx/20210119_run_garmin_fenix6.tcx.gz",
            "tcx/20210308_virtual_ride_with_power.tcx.gz",
            "fit/hrv-activity.fit",
            "gpx/korita-zbevnica.gpx",
        ],
    )
    .await;
    let names = |f: ActivityFilter| {
        let store = &store;
        let id = profile.id.clone();
        async move { view::search(store, &id, &f).await.unwrap().into_iter().map(|a| a.name).collect::<Vec<_>>() }
    };
    // Newest first, everything without a filter.
    assert_eq!(
        names(ActivityFilter::default()).await,
        ["Evening Ride", "Night Ride", "Night Run", "03-OCT-10"]
    );
    let rides = ActivityFilter { activity_type: Some(ActivityType::Ride), ..Default::default() };
    assert_eq!(names(rides).await, ["Evening Ride", "Night Ride"]);
    // Local days in the profile's zone (Ljubljana): the 23:30 UTC run is on the 20th there.
    let jan = ActivityFilter {
        from: Some("2021-01-20".into()),
        to: Some("2021-03-08".into()),
        ..Default::default()
    };
    assert_eq!(names(jan).await, ["Night Ride", "Night Run"]);
    let words = ActivityFilter { text: Some("  night RUN ".into()), ..Default::default() };
    assert_eq!(names(words).await, ["Night Run"]);
    let odd = ActivityFilter { text: Some("%".into()), ..Default::default() };
    assert!(names(odd).await.is_empty(), "% is a character, not a wildcard");
    let bad = ActivityFilter { from: Some("last week".into()), ..Default::default() };
    assert!(view::search(&store, &profile.id, &bad).await.unwrap_err().is_user_error());
}

#[tokio::test]
async fn the_detail_of_a_long_ride_fits_the_chart_budget_on_one_axis() {
    let (_dir, store, profile) = open().await;
    // 2 h 38 min of a triathlon in 1,773 samples: thinned to 500 here, the
    // same way a longer file is thinned to the screen's 2,000.
    let ids = import_files(&store, &profile, &["fit/sample_mulitple_header.fit"]).await;
    let v = charts::activity_view(&store, &profile.id, &ids[0]).await.unwrap();
    assert_eq!(v.charts.time_s.len(), v.charts.source_samples as usize, "under the budget: unchanged");
    let st = view::load_streams(&store, &profile.id, &ids[0]).await.unwrap();
    let c = charts::ChartStreams::from_streams(&st, 500);
    assert_eq!(c.source_samples, 1773);
    assert!(c.time_s.len() <= 500 && c.time_s.len() > 400, "{}", c.time_s.len());
    for channel in [&c.heartrate_bpm, &c.speed_mps, &c.altitude_m, &c.distance_m] {
        let values = channel.as_ref().expect("recorded by the watch");
        assert_eq!(values.len(), c.time_s.len(), "every channel shares the time axis");
    }
    assert!(c.time_s.windows(2).all(|w| w[0] < w[1]), "time runs forward");
    let last = *c.time_s.last().unwrap();
    let elapsed = v.detail.activity.elapsed_time_seconds.unwrap() as f64;
    assert!((last - elapsed).abs() < 120.0, "the axis spans the activity: {last} of {elapsed}");
    assert!(!c.route.is_empty() && c.route.len() <= 500);
    let max_hr = c.heartrate_bpm.as_ref().unwrap().iter().flatten().fold(0.0f64, |a, b| a.max(*b));
    assert!(max_hr <= v.detail.activity.max_heartrate.unwrap() as f64, "means never exceed the max");
    // The zones add up to the time with a heart rate and follow the age-free default max HR.
    assert_eq!(v.hr_zones.len(), 5);
    assert_eq!(v.max_hr, metrics::Thresholds::default().max_hr);
    let with_hr: f64 = (1..st.time.len())
        .filter(|&i| st.heartrate[i].is_finite())
        .map(|i| st.time[i] - st.time[i - 1])
        .filter(|dt| *dt > 0.0)
        .sum();
    let in_zones: f64 = v.hr_zones.iter().map(|z| z.seconds).sum();
    assert!((in_zones - with_hr).abs() < 1e-6, "{in_zones} vs {with_hr}");
}

#[tokio::test]
async fn a_run_has_pace_from_distance_laps_and_best_efforts() {
    let (_dir, store, profile) = open().await;
    let ids = import_files(&store, &profile, &["tcx/20210119_run_garmin_fenix6.tcx.gz"]).await;
    let v = charts::activity_view(&store, &profile.id, &ids[0]).await.unwrap();
    let speed: Vec<f64> = v.charts.speed_mps.as_ref().unwrap().iter().flatten().copied().collect();
    let median = {
        let mut s = speed.clone();
        s.sort_by(f64::total_cmp);
        s[s.len() / 2]
    };
    let average = v.detail.activity.average_speed_mps.unwrap();
    assert!((median - average).abs() / average < 0.15, "typical speed {median} near the average {average}");
    assert!(v.detail.segments.iter().any(|s| s.segment_type == "lap"));
    assert!(v.detail.best_efforts.fastest_1km_s.is_some());
    assert!(v.strength.is_empty());
}

#[tokio::test]
async fn a_strength_session_has_volume_and_1rm_per_exercise() {
    let (_dir, store, profile) = open().await;
    let ids = import_files(&store, &profile, &["fit/strength-sets.fit"]).await;
    let v = charts::activity_view(&store, &profile.id, &ids[0]).await.unwrap();
    assert!(!v.strength.is_empty());
    let sets: Vec<_> = v.detail.segments.iter().filter(|s| s.segment_type == "set").collect();
    let total: f64 = sets.iter().map(|s| s.reps.unwrap_or(0) as f64 * s.weight_kg.unwrap_or(0.0)).sum();
    let summed: f64 = v.strength.iter().map(|e| e.volume_kg).sum();
    assert!((total - summed).abs() < 1e-9 && total > 0.0);
    assert_eq!(v.strength.iter().map(|e| e.sets as usize).sum::<usize>(), sets.len());
}

#[tokio::test]
async fn bytes_from_the_file_picker_import_single_files_and_zips() {
    let (_dir, store, profile) = open().await;
    let run = std::fs::read(fixture("tcx/20210119_run_garmin_fenix6.tcx.gz")).unwrap();
    let r = import::import_named_bytes(&store, &profile, "20210119_run_garmin_fenix6.tcx.gz", &run)
        .await
        .unwrap();
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].outcome().0, ImportOutcome::Imported);
    let again = import::import_named_bytes(&store, &profile, "copy.tcx.gz", &run).await.unwrap();
    let (outcome, reason) = again[0].outcome();
    assert_eq!(outcome, ImportOutcome::Skipped);
    assert!(reason.unwrap().contains("already imported"));

    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for name in ["fit/hrv-activity.fit", "gpx/korita-zbevnica.gpx"] {
        w.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        std::io::Write::write_all(&mut w, &std::fs::read(fixture(name)).unwrap()).unwrap();
    }
    let zip = w.finish().unwrap().into_inner();
    let r = import::import_named_bytes(&store, &profile, "export.zip", &zip).await.unwrap();
    assert_eq!(r.iter().map(|r| r.outcome().0).collect::<Vec<_>>(), [ImportOutcome::Imported; 2]);

    let junk = import::import_named_bytes(&store, &profile, "notes.fit", b"hello").await.unwrap();
    assert_eq!(junk[0].outcome().0, ImportOutcome::Failed);
    assert!(import::import_named_bytes(&store, &profile, "", &run).await.is_err());
}

#[tokio::test]
async fn a_folder_import_counts_files_as_it_goes() {
    let (_dir, store, profile) = open().await;
    let mut seen: Vec<ImportProgress> = Vec::new();
    let results =
        import::import_paths_counted(&store, &profile, &[fixture("tcx")], |p| seen.push(p)).await.unwrap();
    assert_eq!(results.len(), 3);
    assert_eq!(seen.iter().map(|p| (p.index, p.total)).collect::<Vec<_>>(), [(1, 3), (2, 3), (3, 3)]);
    assert!(seen.iter().all(|p| p.outcome == ImportOutcome::Imported && p.reason.is_none()));
    assert_eq!(seen[2].file_name, "20210323_yoga.tcx");
}

#[tokio::test]
async fn fitness_builds_with_training_and_fades_in_rest() {
    let (_dir, store, profile) = open().await;
    let ids = import_files(
        &store,
        &profile,
        &["tcx/20210119_run_garmin_fenix6.tcx.gz", "tcx/20210308_virtual_ride_with_power.tcx.gz"],
    )
    .await;
    let mut loads = Vec::new();
    for id in &ids {
        let d = view::detail(&store, &profile.id, id).await.unwrap();
        loads.push((d.activity.local_date.unwrap(), d.activity.training_load.unwrap()));
    }
    let date = |s: &str| wagner::clock::parse_date(s).unwrap();
    let days =
        charts::fitness_series(&store, &profile.id, date("2021-03-01"), date("2021-03-31")).await.unwrap();
    assert_eq!(days.len(), 31);
    assert_eq!(days[0].date, "2021-03-01");
    // The run in January left fitness above zero on March 1st; by the same
    // recurrence, computed here day by day from the run's load.
    let run_day = date(&loads[0].0);
    let mut daily = vec![0.0; (date("2021-03-01") - run_day).num_days() as usize + 1];
    daily[0] = loads[0].1;
    let expected = metrics::fitness_fatigue(&daily);
    let march1 = expected.last().unwrap();
    assert!((days[0].fitness - march1.fitness).abs() < 1e-9 && days[0].fitness > 0.0);
    let ride = days.iter().position(|d| d.date == loads[1].0).unwrap();
    assert_eq!(days[ride].load, loads[1].1);
    assert!(days[ride].fatigue > days[ride - 1].fatigue, "a hard day raises fatigue");
    assert!(days[30].fatigue < days[ride].fatigue, "rest lets it fade");
    assert!(
        charts::fitness_series(&store, &profile.id, date("2021-03-31"), date("2021-03-01")).await.is_err()
    );
}
