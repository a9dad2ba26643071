//! Weekly volume by sport, and a Garmin watch plugged in over USB (a fake
//! mount tree holding real fixture files).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{Datelike, NaiveDate};
use wagner::Store;
use wagner::activities::device;
use wagner::activities::import::{self, ImportStatus};
use wagner::activities::view::{self, ActivityFilter};
use wagner::activities::volume;
use wagner::profile::Profile;

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/activities").join(rel)
}

async fn open() -> (tempfile::TempDir, Store, Profile) {
    support::store_with_profile_at("data/wagner.db", "Ana", "Europe/Ljubljana").await
}

const ACTIVITY_FITS: [&str; 4] =
    ["fit/hrv-activity.fit", "fit/garmin-fenix-5-bike.fit", "fit/Activity.fit", "fit/strength-sets.fit"];

/// A removable drive as a file manager mounts it: <root>/<volume>/GARMIN/Activity/*.fit.
fn fake_watch(root: &Path, volume: &str, files: &[&str]) -> PathBuf {
    let activity = root.join(volume).join("GARMIN").join("Activity");
    std::fs::create_dir_all(&activity).unwrap();
    for f in files {
        std::fs::copy(fixture(f), activity.join(Path::new(f).file_name().unwrap())).unwrap();
    }
    root.join(volume)
}

#[tokio::test]
async fn weekly_volume_adds_up_each_sport_per_iso_week() {
    let (_dir, store, profile) = open().await;
    let paths: Vec<PathBuf> = ACTIVITY_FITS.iter().map(|f| fixture(f)).collect();
    import::import_paths(&store, &profile, &paths, |_| {}).await.unwrap();
    let all = view::search(
        &store,
        &profile.id,
        &ActivityFilter { activity_type: None, from: None, to: None, text: None, limit: Some(100) },
    )
    .await
    .unwrap();
    assert_eq!(all.len(), 4);
    // Expected from the list, independently of the weekly query.
    let mut expected: BTreeMap<(String, String), (u32, f64)> = BTreeMap::new();
    let (mut first, mut last) = (NaiveDate::MAX, NaiveDate::MIN);
    for a in &all {
        let d = view::detail(&store, &profile.id, &a.id).await.unwrap();
        let date = NaiveDate::parse_from_str(d.activity.local_date.as_deref().unwrap(), "%Y-%m-%d").unwrap();
        first = first.min(date);
        last = last.max(date);
        let w = date.iso_week();
        let e = expected
            .entry((
                format!("{}-W{:02}", w.year(), w.week()),
                format!("{:?}", a.activity_type).to_lowercase(),
            ))
            .or_default();
        e.0 += 1;
        e.1 += a.distance_meters.unwrap_or(0.0);
    }
    let weeks = volume::weekly_volume(&store, &profile.id, first, last).await.unwrap();
    assert_eq!(
        weeks.first().unwrap().week_start,
        (first - chrono::Duration::days(first.weekday().num_days_from_monday().into())).to_string()
    );
    let mut got: BTreeMap<(String, String), (u32, f64)> = BTreeMap::new();
    for w in &weeks {
        for s in &w.sports {
            let name = serde_json::to_value(s.activity_type).unwrap().as_str().unwrap().to_string();
            got.insert((w.week.clone(), name), (s.activities, s.distance_meters));
        }
        let sum: f64 = w.sports.iter().map(|s| s.distance_meters).sum();
        assert!((w.distance_meters - sum).abs() < 1e-6);
    }
    assert_eq!(got.len(), expected.len(), "{got:?} vs {expected:?}");
    for (k, (n, dist)) in &expected {
        let (gn, gd) = got[k];
        assert_eq!(gn, *n, "{k:?}");
        assert!((gd - dist).abs() < 1e-6, "{k:?}: {gd} vs {dist}");
    }
    // The weeks in between are there, empty: a continuous axis.
    let span = (last - first).num_days() / 7;
    assert!(weeks.len() as i64 >= span, "{} weeks for {span}", weeks.len());
    assert!(weeks.iter().any(|w| w.sports.is_empty()), "the fixtures are years apart");

    // "Recent" weeks follow an old imported history to where it is.
    let recent = volume::recent_weeks(&store, &profile.id, NaiveDate::from_ymd_opt(2030, 1, 1).unwrap(), 8)
        .await
        .unwrap();
    assert_eq!(recent.len(), 8);
    assert!(!recent.last().unwrap().sports.is_empty(), "ends at the newest activity's week");
}

#[tokio::test]
async fn a_plugged_in_watch_is_found_and_only_new_files_are_imported() {
    let (dir, store, profile) = open().await;
    let media = dir.path().join("media/ana");
    std::fs::create_dir_all(media.join("USB STICK/Photos")).unwrap();
    let watch = fake_watch(&media, "GARMIN", &["fit/hrv-activity.fit", "fit/Settings.fit"]);
    let found = device::find_in(&[media.clone(), dir.path().join("run/media/ana")]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].name, "GARMIN");
    assert_eq!(found[0].files, 2);

    // The same ride was imported before from elsewhere: only the rest is new.
    let r = import::import_bytes(
        &store,
        &profile,
        Path::new("hrv-activity.fit"),
        &std::fs::read(fixture("fit/hrv-activity.fit")).unwrap(),
    )
    .await
    .unwrap();
    assert!(matches!(r.status, ImportStatus::Imported));
    std::fs::copy(fixture("fit/garmin-fenix-5-bike.fit"), watch.join("GARMIN/Activity/2019-05-01.FIT"))
        .unwrap();

    let dev = device::at(&watch).unwrap();
    assert_eq!(dev.files, 3, "upper-case .FIT counts too");
    let mut progress = Vec::new();
    let report = device::import_device(&store, &profile, &dev, |p| progress.push(p)).await.unwrap();
    assert_eq!(report.already_imported, 1);
    assert_eq!(report.results.len(), 2);
    assert_eq!(progress.len(), 2);
    assert!(report.results.iter().any(|r| r.file_name == "2019-05-01.FIT" && r.activity.is_some()));
    assert!(report.results.iter().any(|r| matches!(r.status, ImportStatus::NotActivity { .. })));

    let again = device::import_device(&store, &profile, &dev, |_| {}).await.unwrap();
    assert_eq!(again.already_imported, 2, "both activities are known by content now");
    assert_eq!(again.results.len(), 1, "only the settings file, which is not an activity, is read again");

    // Not a watch: a clear error.
    let err = device::at(&media.join("USB STICK")).unwrap_err();
    assert!(err.to_string().contains("GARMIN/Activity"), "{err}");
}

fn wagner(db: &Path, args: &[&str], media: Option<&Path>) -> std::process::Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_wagner"));
    c.arg("--db").arg(db).args(args).env_remove("WAGNER_DB");
    match media {
        Some(m) => c.env(device::ROOTS_ENV, m),
        None => c.env(device::ROOTS_ENV, db.with_extension("no-media")),
    };
    c.output().unwrap()
}

#[test]
fn cli_imports_from_a_watch_and_prints_weekly_volume() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("wagner.db");
    assert!(wagner(&db, &["init"], None).status.success());

    let out = wagner(&db, &["import", "--watch-device"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no Garmin watch found"), "{out:?}");

    let media = dir.path().join("media");
    fake_watch(&media, "FENIX", &["fit/hrv-activity.fit", "fit/garmin-fenix-5-bike.fit"]);
    let out = wagner(&db, &["import", "--watch-device"], Some(&media));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{out:?}");
    assert!(
        text.contains("imported garmin-fenix-5-bike.fit") && text.contains("imported hrv-activity.fit"),
        "{text}"
    );
    assert!(text.contains("2 new files imported or checked, 0 already imported before"), "{text}");

    let out = wagner(&db, &["import", "--watch-device", media.join("FENIX").to_str().unwrap()], None);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(text.contains("0 new files imported or checked, 2 already imported before"), "{text}");

    let out = wagner(&db, &["--json", "activities", "--weekly", "--weeks", "600"], None);
    assert!(out.status.success(), "{out:?}");
    let weeks: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rides: Vec<&serde_json::Value> = weeks
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|w| w["sports"].as_array().unwrap())
        .filter(|s| s["activity_type"] == "ride")
        .collect();
    assert_eq!(rides.len(), 2, "two rides in two different weeks: {weeks}");

    let out = wagner(&db, &["activities", "--weekly"], None);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(text.lines().next().unwrap().starts_with("week"), "{text}");
    assert!(text.lines().any(|l| l.contains("Ride") && l.contains(" km")), "{text}");
}
