//! Energy availability from imported intake, training and body composition.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod apple_health_fixture;
mod support;

use std::sync::atomic::AtomicBool;

use wagner::body::energy_availability::{self, FfmSource};
use wagner::clock;
use wagner::nutrition::{self, MealCategory, MealFood, MealSource, NewMeal};

#[tokio::test]
async fn ea_from_an_imported_history_uses_lean_mass_and_leaves_unlogged_days_empty() {
    let (dir, store, me) = support::store_with_profile("Jane", "America/Denver").await;
    let zip = dir.path().join("export.zip");
    apple_health_fixture::write_zip(&zip, &apple_health_fixture::small_xml());
    wagner::imports::run(&store, &me, &zip, &AtomicBool::new(false), |_| {}).await.unwrap();

    let ea = energy_availability::range(
        &store,
        &me,
        clock::parse_date("2021-12-11").unwrap(),
        clock::parse_date("2021-12-13").unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(ea.days.len(), 3);
    let d1 = &ea.days[0];
    assert_eq!((d1.intake_kcal, d1.exercise_kcal), (Some(1312.4), 310.0));
    // Lean mass measured with the weigh-in wins over weight × (1 − fat).
    assert_eq!((d1.ffm_kg, d1.ffm_source), (Some(55.1), Some(FfmSource::LeanMass)));
    assert_eq!(d1.ea, Some(((1312.4 - 310.0) / 55.066_f64 * 10.0).round() / 10.0));
    let d2 = &ea.days[1];
    assert_eq!((d2.intake_kcal, d2.exercise_kcal), (Some(650.0), 221.0));
    assert_eq!(d2.ea, Some(7.8));
    let d3 = &ea.days[2];
    assert_eq!((d3.intake_kcal, d3.ea), (None, None), "no food logged is no value, not zero");
    assert_eq!(d3.exercise_kcal, 480.0);
    // Two low days are not yet a pattern.
    assert_eq!((ea.days_in_mean, ea.low_persistent), (2, false));
    assert!(ea.summary.contains("too few days"), "{}", ea.summary);
}

#[tokio::test]
async fn power_meter_work_gives_exercise_energy_with_its_range_and_persistent_low_ea_is_flagged() {
    let (_dir, store, me) = support::store_with_profile("Rider", "Europe/Berlin").await;
    let fit = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/activities/fit/hrv-activity.fit");
    wagner::activities::import::import_paths(&store, &me, &[fit], |_| {}).await.unwrap();
    let (day, power, seconds): (String, f64, i64) = sqlx::query_as(
        "SELECT local_date, average_power_w, COALESCE(moving_time_seconds, elapsed_time_seconds) FROM activities",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    let kj = power * seconds as f64 / 1000.0;

    let date = clock::parse_date(&day).unwrap();
    let mut conn = store.pool().acquire().await.unwrap();
    wagner::body::insert(
        &mut conn,
        &me,
        &wagner::body::NewMeasurement {
            measured_at: clock::local_to_utc(date - chrono::Duration::days(10), 7, 0, me.tz()),
            weight_kg: Some(60.0),
            body_fat_pct: Some(20.0),
            measurements: Default::default(),
            source: wagner::body::BodySource::Manual,
            quick_entry_log_id: None,
            ai_extracted: false,
        },
    )
    .await
    .unwrap();
    // Six days of 1,200 kcal up to the ride day: 25 kcal/kg FFM without training.
    for back in 0..6 {
        let meal = NewMeal {
            category: MealCategory::Lunch,
            logged_at: clock::local_to_utc(date - chrono::Duration::days(back), 12, 0, me.tz()),
            name: None,
            foods: vec![MealFood {
                name: "Lunch".into(),
                quantity: 1.0,
                unit: "plate".into(),
                grams: None,
                calories: 1200.0,
                protein_g: 60.0,
                carbs_g: 150.0,
                fat_g: 40.0,
                food_id: None,
                nutrients: Default::default(),
            }],
            source: MealSource::Manual,
            quick_entry_log_id: None,
            ai_extracted: false,
            ai_confidence: None,
            image_url: None,
        };
        nutrition::insert_meal(&mut conn, &me, &meal).await.unwrap();
    }
    drop(conn);

    let ea = energy_availability::week_to(&store, &me, date).await.unwrap();
    let ride = ea.days.last().unwrap();
    assert_eq!(ride.ffm_kg, Some(48.0), "60 kg at 20 % fat");
    assert_eq!(ride.from_power_kcal, kj.round());
    assert_eq!(ride.exercise_kcal_low, (kj / (4.184 * 0.25)).round());
    assert_eq!(ride.exercise_kcal_high, (kj / (4.184 * 0.20)).round());
    assert!(ride.ea_low.unwrap() < ride.ea.unwrap() && ride.ea.unwrap() < ride.ea_high.unwrap());
    assert_eq!(ea.days[1].ea, Some(25.0));
    assert_eq!(ea.days_in_mean, 6);
    assert!(ea.low_persistent, "{ea:?}");
    assert!(ea.summary.starts_with("Low energy availability"), "{}", ea.summary);
}

#[test]
fn the_cli_prints_energy_availability_by_day() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("wagner.db");
    let wagner = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_wagner"))
            .arg("--db")
            .arg(&db)
            .args(args)
            .env_remove("WAGNER_DB")
            .env("TZ", "UTC")
            .output()
            .unwrap()
    };
    assert!(wagner(&["init"]).status.success());
    let zip = dir.path().join("export.zip");
    apple_health_fixture::write_zip(&zip, &apple_health_fixture::small_xml());
    assert!(wagner(&["import", zip.to_str().unwrap()]).status.success());
    let out = wagner(&["body", "ea", "--date", "2021-12-13"]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    let line = |date: &str| text.lines().find(|l| l.starts_with(date)).unwrap_or_default().to_string();
    assert!(line("2021-12-13").ends_with('—'), "no food that day: {text}");
    assert!(line("2021-12-07").contains('—'), "{text}");
    assert!(text.contains("kcal/kg fat-free mass"), "{text}");
}
