//! Body measurements, trend and expenditure against real SQLite files.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use wagner::body::{self, expenditure, overview, units};
use wagner::nutrition::{self, MealCategory, MealFood, MealSource, NewMeal};
use wagner::profile::{self, NewProfile, Profile, Units};
use wagner::{Store, clock};

async fn open() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("wagner.db")).await.unwrap();
    (dir, store)
}

async fn new_profile(store: &Store, name: &str, units: Units) -> Profile {
    let mut conn = store.pool().acquire().await.unwrap();
    profile::create(
        &mut conn,
        NewProfile {
            full_name: name.into(),
            time_zone: Some("Europe/Berlin".into()),
            units,
            age: Some(30),
            biological_sex: Some("male".into()),
            height_cm: Some(180.0),
            training_frequency: Some(4),
            daily_calorie_target: Some(2200),
            ..NewProfile::default()
        },
    )
    .await
    .unwrap()
}

async fn add(
    store: &Store,
    profile: &Profile,
    text: &str,
    at: chrono::DateTime<Utc>,
) -> wagner::Result<String> {
    let mut conn = store.pool().acquire().await.unwrap();
    let kinds = units::kinds(&mut conn, &profile.id).await?;
    let values = units::parse_values(&[text.to_string()], &kinds, profile.units, false)?;
    body::insert(&mut conn, profile, &body::new_from_values(at, &values)).await
}

fn meal(at: chrono::DateTime<Utc>, kcal: f64) -> NewMeal {
    NewMeal {
        category: MealCategory::Lunch,
        logged_at: at,
        name: None,
        foods: vec![MealFood {
            name: "Rice bowl".into(),
            quantity: 1.0,
            unit: "bowl".into(),
            grams: Some(400.0),
            calories: kcal,
            protein_g: 30.0,
            carbs_g: 80.0,
            fat_g: 15.0,
            food_id: None,
            nutrients: Default::default(),
        }],
        source: MealSource::Manual,
        quick_entry_log_id: None,
        ai_extracted: false,
        ai_confidence: None,
        image_url: None,
    }
}

#[tokio::test]
async fn entered_values_are_stored_si_and_shown_in_the_users_units() {
    let (_dir, store) = open().await;
    let me = new_profile(&store, "Imperial", Units::Imperial).await;
    let at = Utc.with_ymd_and_hms(2026, 11, 20, 6, 30, 0).unwrap();
    let id = add(&store, &me, "weight=180 waist=33 bf=18.5% rhr=52 hrv=65ms sleep=7.5h", at).await.unwrap();

    let stored: (f64, f64, String, String) = sqlx::query_as(
        "SELECT weight_kg, body_fat_pct, measurements, local_date FROM body_measurements WHERE id = ?",
    )
    .bind(&id)
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(stored.0, 81.647, "180 lb in kg");
    assert_eq!(stored.1, 18.5);
    let json: serde_json::Value = serde_json::from_str(&stored.2).unwrap();
    assert_eq!(json["waist_cm"], 83.82);
    assert_eq!(json["resting_hr_bpm"], 52.0);
    assert_eq!(json["hrv_ms"], 65.0);
    assert_eq!(json["sleep_hours"], 7.5);
    assert_eq!(stored.3, "2026-11-20");

    let o = overview::overview(&store, &me).await.unwrap();
    let shown: Vec<(&str, &str)> = o.latest.iter().map(|v| (v.key.as_str(), v.display.as_str())).collect();
    assert!(shown.contains(&("weight", "180.0 lb")), "{shown:?}");
    assert!(shown.contains(&("waist", "33.0 in")), "{shown:?}");
    assert!(shown.contains(&("rhr", "52 bpm")), "{shown:?}");
    assert_eq!(o.history.len(), 1);
    assert_eq!(o.trend.as_ref().unwrap().trend_kg, 81.647);
}

#[tokio::test]
async fn custom_kinds_work_after_being_added_and_unknown_keys_list_the_known_ones() {
    let (_dir, store) = open().await;
    let me = new_profile(&store, "Me", Units::Metric).await;
    let at = wagner::clock::now();
    let err = add(&store, &me, "biceps=35cm", at).await.unwrap_err();
    assert!(err.is_user_error());
    let msg = err.to_string();
    assert!(msg.contains("\"biceps\"") && msg.contains("waist") && !msg.contains("wagner"), "{msg}");

    let mut conn = store.pool().acquire().await.unwrap();
    let kind = units::add_custom_kind(&mut conn, &me.id, "biceps", "cm", None).await.unwrap();
    assert_eq!((kind.label.as_str(), kind.unit.as_str()), ("Biceps", "cm"));
    assert!(units::add_custom_kind(&mut conn, &me.id, "Biceps", "in", None).await.is_err(), "no duplicates");
    assert!(
        units::add_custom_kind(&mut conn, &me.id, "waist", "cm", None).await.is_err(),
        "no built-in clash"
    );
    drop(conn);

    let id = add(&store, &me, "biceps=14in", at).await.unwrap();
    let mut conn = store.pool().acquire().await.unwrap();
    let m = body::get(&mut conn, &me.id, &id).await.unwrap();
    assert_eq!(m.measurements["biceps_cm"], 35.56);

    // Settings written by other code survive, and the profile still loads.
    let settings: String = sqlx::query_scalar("SELECT settings FROM users WHERE id = ?")
        .bind(&me.id)
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert!(settings.contains("Europe/Berlin") && settings.contains("biceps"), "{settings}");
    profile::get(&store, &me.id).await.unwrap();

    units::remove_custom_kind(&mut conn, &me.id, "biceps").await.unwrap();
    drop(conn);
    assert!(add(&store, &me, "biceps=35", at).await.is_err());
    let o = overview::overview(&store, &me).await.unwrap();
    assert_eq!(o.history[0].measurements["biceps_cm"], 35.56, "removing a kind keeps its values");
}

#[tokio::test]
async fn edit_delete_and_undo_are_scoped_to_the_profile() {
    let (_dir, store) = open().await;
    let me = new_profile(&store, "Me", Units::Metric).await;
    let other = new_profile(&store, "Other", Units::Metric).await;
    let id = add(&store, &me, "weight=82.4 waist=84cm", wagner::clock::now()).await.unwrap();

    let mut conn = store.pool().acquire().await.unwrap();
    assert!(body::get(&mut conn, &other.id, &id).await.unwrap_err().is_user_error());
    let kinds = units::kinds(&mut conn, &me.id).await.unwrap();
    let mut m = body::get(&mut conn, &me.id, &id).await.unwrap();
    body::apply_values(
        &mut m,
        &units::parse_values(&["waist= bf=20%".into()], &kinds, me.units, true).unwrap(),
    );
    let edited = body::update(&mut conn, &me, &m).await.unwrap();
    assert_eq!(edited.body_fat_pct, Some(20.0));
    assert!(edited.measurements.is_empty(), "waist= clears the waist");
    assert_eq!(edited.weight_kg, Some(82.4));

    // Clearing everything is refused.
    let mut empty = edited.clone();
    body::apply_values(
        &mut empty,
        &units::parse_values(&["weight= bf=".into()], &kinds, me.units, true).unwrap(),
    );
    assert!(body::update(&mut conn, &me, &empty).await.is_err());
    // Another profile cannot edit or delete it.
    assert!(body::update(&mut conn, &other, &edited).await.unwrap_err().is_user_error());
    drop(conn);
    assert!(body::delete_with_undo(&store, &other.id, &id).await.is_err());

    let deleted = body::delete_with_undo(&store, &me.id, &id).await.unwrap();
    assert_eq!(deleted, edited, "delete returns the row as it was");
    assert!(overview::overview(&store, &me).await.unwrap().history.is_empty());
    assert!(body::undo_delete(&store, &other.id).await.is_err(), "the other profile has nothing to undo");
    let restored = body::undo_delete(&store, &me.id).await.unwrap();
    assert_eq!(restored.id, id);
    let o = overview::overview(&store, &me).await.unwrap();
    assert_eq!(o.history, vec![edited]);
    assert!(body::undo_delete(&store, &me.id).await.is_err(), "undo works once");
}

#[tokio::test]
async fn expenditure_from_logged_meals_and_weigh_ins_sets_the_target() {
    let (_dir, store) = open().await;
    let me = new_profile(&store, "Me", Units::Metric).await;
    let tz = me.tz();
    let end = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    let skipped = end - Duration::days(10);
    {
        let mut tx = store.pool().begin().await.unwrap();
        // 90 days of −0.5 kg a week on 2000 kcal a day, one day without meals.
        for back in 0..90i64 {
            let date = end - Duration::days(back);
            let kg = 80.0 + back as f64 / 14.0;
            let at = clock::local_to_utc(date, 7, 0, tz);
            body::insert(
                &mut tx,
                &me,
                &body::new_from_values(
                    at,
                    &[units::ParsedValue {
                        storage: units::Storage::WeightColumn,
                        label: "Weight".into(),
                        si: Some(kg),
                    }],
                ),
            )
            .await
            .unwrap();
            if date != skipped {
                // Two meals: the day's total is what counts.
                nutrition::insert_meal(&mut tx, &me, &meal(clock::local_to_utc(date, 12, 0, tz), 1200.0))
                    .await
                    .unwrap();
                nutrition::insert_meal(&mut tx, &me, &meal(clock::local_to_utc(date, 19, 0, tz), 800.0))
                    .await
                    .unwrap();
            }
        }
        tx.commit().await.unwrap();
    }
    let e = expenditure::expenditure(&store, &me, end, 28).await.unwrap();
    assert_eq!(e.missing_days, vec![skipped]);
    assert_eq!(e.logged_days, 27);
    assert_eq!(e.mean_intake_kcal, Some(2000.0));
    // 2000 + 0.5 × 7700 / 7 = 2550, fully from data.
    assert!((e.estimate_kcal.unwrap() - 2550.0).abs() < 1.0, "{e:?}");
    let f = e.formula.as_ref().unwrap();
    // Mifflin–St Jeor at the trend weight (≈80.9 kg: the trend lags the scale by 0.9 × 1/14 kg).
    assert!((f.bmr_kcal - (10.0 * e.trend_end_kg.unwrap() + 1125.0 - 150.0 + 5.0)).abs() < 1e-9);
    assert_eq!(f.activity_factor, 1.55);

    let target = expenditure::apply_target(&store, &me, &e, -0.5).await.unwrap();
    assert_eq!(target, 2000);
    let stored: i64 = sqlx::query_scalar("SELECT daily_calorie_target FROM users WHERE id = ?")
        .bind(&me.id)
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(stored, 2000);
    assert_eq!(profile::get(&store, &me.id).await.unwrap().daily_calorie_target, Some(2000));
}

#[tokio::test]
async fn expenditure_without_data_falls_back_to_the_formula_or_says_so() {
    let (_dir, store) = open().await;
    let me = new_profile(&store, "Me", Units::Metric).await;
    let end = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    let e = expenditure::expenditure(&store, &me, end, 28).await.unwrap();
    assert_eq!(e.formula, None, "no weight anywhere yet");
    assert_eq!(e.estimate_kcal, None);
    let err = expenditure::apply_target(&store, &me, &e, 0.0).await.unwrap_err();
    assert!(err.is_user_error() && err.to_string().contains("no expenditure estimate"), "{err}");
    assert!(expenditure::expenditure(&store, &me, end, 3).await.is_err(), "window too short");

    add(&store, &me, "weight=80", clock::local_to_utc(end, 7, 0, me.tz())).await.unwrap();
    let e = expenditure::expenditure(&store, &me, end, 28).await.unwrap();
    assert_eq!(e.confidence, expenditure::Confidence::Formula);
    assert_eq!(e.estimate_kcal, Some(1780.0 * 1.55));
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/activities/fit/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[tokio::test]
async fn scale_fit_files_import_once() {
    let (_dir, store) = open().await;
    let me = new_profile(&store, "Me", Units::Metric).await;
    let bytes = fixture("WeightScaleSingleUser.fit");
    let first = body::import_scale_fit(&store, &me, &bytes, "WeightScaleSingleUser.fit").await.unwrap();
    assert_eq!((first.imported.len(), first.skipped_duplicates), (2, 0));
    let again = body::import_scale_fit(&store, &me, &bytes, "WeightScaleSingleUser.fit").await.unwrap();
    assert_eq!((again.imported.len(), again.skipped_duplicates), (0, 2));

    let rows: Vec<(String, f64, f64, String)> = sqlx::query_as(
        "SELECT measured_at, weight_kg, body_fat_pct, source FROM body_measurements WHERE user_id = ? \
         ORDER BY measured_at",
    )
    .bind(&me.id)
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert_eq!(
        rows,
        vec![
            ("2009-09-09T21:38:00.000Z".into(), 75.8, 22.3, "scale".into()),
            ("2009-09-09T22:38:00.000Z".into(), 76.09, 25.1, "scale".into()),
        ]
    );
}

#[tokio::test]
async fn a_multi_user_scale_imports_only_the_matching_person() {
    let (_dir, store) = open().await;
    let mut conn = store.pool().acquire().await.unwrap();
    let her = profile::create(
        &mut conn,
        NewProfile {
            full_name: "Her".into(),
            time_zone: Some("UTC".into()),
            biological_sex: Some("female".into()),
            height_cm: Some(156.0),
            ..NewProfile::default()
        },
    )
    .await
    .unwrap();
    drop(conn);
    let report = body::import_scale_fit(&store, &her, &fixture("WeightScaleMultiUser.fit"), "multi.fit")
        .await
        .unwrap();
    assert_eq!(report.imported.len(), 1);
    assert_eq!(report.other_users, vec![0]);
    let weight: f64 = sqlx::query_scalar("SELECT weight_kg FROM body_measurements WHERE user_id = ?")
        .bind(&her.id)
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(weight, 58.2);
}

#[tokio::test]
async fn files_without_scale_readings_are_refused() {
    let (_dir, store) = open().await;
    let me = new_profile(&store, "Me", Units::Metric).await;
    let err =
        body::import_scale_fit(&store, &me, &fixture("Settings.fit"), "Settings.fit").await.unwrap_err();
    assert!(err.is_user_error() && err.to_string().contains("no weight-scale readings"), "{err}");
    let err = body::import_scale_fit(&store, &me, b"not a fit file", "x.fit").await.unwrap_err();
    assert!(err.is_user_error() && err.to_string().contains("x.fit"), "{err}");
}

// ---- the `wagner body` CLI -------------------------------------------------

fn wagner(db: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_wagner"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("WAGNER_DB")
        .output()
        .expect("running wagner")
}

fn text(out: &[u8]) -> String {
    String::from_utf8_lossy(out).into_owned()
}

#[test]
fn cli_add_show_edit_delete_undo_and_kinds() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("wagner.db");
    assert!(wagner(&db, &["init", "--name", "Sam", "--time-zone", "UTC"]).status.success());

    let out = wagner(&db, &["body"]);
    assert!(text(&out.stdout).contains("No measurements yet"), "{}", text(&out.stdout));

    let out = wagner(&db, &["body", "add", "--at", "2026-11-20", "weight=82.4", "waist=84cm", "bf=18.5%"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("weight 82.4 kg · bf 18.5% · waist 84.0 cm"), "{}", text(&out.stdout));
    let out = wagner(&db, &["body", "add", "--at", "2026-11-21 07:15", "weight=181lb hips=38in"]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    let out = wagner(&db, &["body", "add", "biceps=35cm"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("unknown measure \"biceps\"") && err.contains("waist"), "{err}");
    assert!(err.contains("wagner body kinds add"), "the CLI says how to add one: {err}");
    let out = wagner(&db, &["body", "kinds", "add", "biceps", "--unit", "cm"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = wagner(&db, &["body", "add", "--at", "2026-11-22", "biceps=35cm"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&wagner(&db, &["body", "kinds"]).stdout).contains("biceps     Biceps         cm  [yours]"));

    // 181 lb = 82.1 kg; trend: 82.4 + 0.1 × (82.101 − 82.4) = 82.37.
    let shown = text(&wagner(&db, &["body"]).stdout);
    assert!(shown.contains("Weight") && shown.contains("82.1 kg") && shown.contains("2026-11-21"), "{shown}");
    assert!(shown.contains("Hips") && shown.contains("96.5 cm"), "{shown}");
    assert!(shown.contains("Biceps") && shown.contains("35.0 cm"), "{shown}");
    assert!(shown.contains("82.4 kg on 2026-11-21"), "{shown}");
    assert!(shown.contains("History (last 3)"), "{shown}");

    let json: serde_json::Value = serde_json::from_slice(&wagner(&db, &["--json", "body"]).stdout).unwrap();
    let first_id = json["history"][2]["id"].as_str().unwrap().to_string();
    assert_eq!(json["history"][2]["weight_kg"], 82.4);
    assert!((json["trend"]["trend_kg"].as_f64().unwrap() - 82.370).abs() < 0.001, "{json}");

    let out = wagner(&db, &["body", "edit", &first_id, "waist=83", "bf="]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("weight 82.4 kg · waist 83.0 cm"), "{}", text(&out.stdout));

    let out = wagner(&db, &["body", "delete", &first_id]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("wagner body undo"));
    assert!(text(&wagner(&db, &["body"]).stdout).contains("History (last 2)"));
    let out = wagner(&db, &["body", "undo"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&wagner(&db, &["body"]).stdout).contains("History (last 3)"));
    assert_eq!(wagner(&db, &["body", "delete", "no-such-id"]).status.code(), Some(1));
}

#[test]
fn cli_tdee_explains_and_applies_the_target() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("wagner.db");
    assert!(wagner(&db, &["init", "--name", "Sam", "--time-zone", "UTC"]).status.success());
    let out = wagner(&db, &["body", "tdee", "--end", "2026-11-24"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("not enough data yet"), "{}", text(&out.stdout));
    let out = wagner(&db, &["body", "tdee", "--end", "2026-11-24", "--apply-target"]);
    assert_eq!(out.status.code(), Some(1), "no estimate, no target");

    let out = wagner(
        &db,
        &[
            "body",
            "scale",
            &format!(
                "{}/tests/fixtures/activities/fit/WeightScaleSingleUser.fit",
                env!("CARGO_MANIFEST_DIR")
            ),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("2 measurements imported, 0 already there"), "{}", text(&out.stdout));
}

#[tokio::test]
async fn todays_snapshot_carries_the_trend_as_it_stood_that_day() {
    let (_dir, store) = open().await;
    let me = new_profile(&store, "Ana", Units::Metric).await;
    let morning = |d: u32| Utc.with_ymd_and_hms(2026, 3, d, 6, 0, 0).unwrap();
    add(&store, &me, "weight=80", morning(1)).await.unwrap();
    add(&store, &me, "weight=79", morning(2)).await.unwrap();
    add(&store, &me, "weight=90", morning(4)).await.unwrap();

    // On day 2 the trend has moved 10% from 80 towards 79; day 4's spike is not seen yet.
    let (_, end_of_day2) = clock::day_bounds_utc(NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(), me.tz());
    let snap = body::snapshot(&store, &me.id, end_of_day2).await.unwrap().unwrap();
    assert_eq!(snap.weight_kg, Some(79.0));
    assert!((snap.trend_kg.unwrap() - 79.9).abs() < 1e-9, "{snap:?}");
    // Slope of the trend (80 → 79.9 in a day) times 7.
    assert!((snap.weekly_rate_kg.unwrap() - -0.7).abs() < 1e-9, "{snap:?}");

    // Later, the 90 kg spike moves the trend 1 − 0.9² = 19% of the way, not all of it.
    let snap = body::snapshot(&store, &me.id, morning(5)).await.unwrap().unwrap();
    let expected = 79.9 + 0.19 * (90.0 - 79.9);
    assert!((snap.trend_kg.unwrap() - expected).abs() < 1e-9, "{snap:?}");
    let o = overview::overview(&store, &me).await.unwrap();
    assert_eq!(o.trend.unwrap().trend_kg, snap.trend_kg.unwrap(), "Today and the Body page agree");
    let raw: Vec<f64> = o.weigh_ins.iter().map(|w| w.weight_kg).collect();
    assert_eq!(raw, vec![80.0, 79.0, 90.0], "the chart's raw points, oldest first");

    // One weigh-in day: a trend but no rate.
    let bo = new_profile(&store, "Bo", Units::Metric).await;
    add(&store, &bo, "weight=70", morning(1)).await.unwrap();
    let snap = body::snapshot(&store, &bo.id, morning(2)).await.unwrap().unwrap();
    assert_eq!((snap.trend_kg, snap.weekly_rate_kg), (Some(70.0), None));
}

#[tokio::test]
async fn text_entry_and_edit_go_through_the_same_parser_in_the_users_units() {
    let (_dir, store) = open().await;
    let me = new_profile(&store, "Cy", Units::Imperial).await;
    let m = body::add_from_text(
        &store,
        &me,
        &["weight=180".into(), "waist=33 bf=20%".into()],
        Some("2026-03-01"),
    )
    .await
    .unwrap();
    assert!((m.weight_kg.unwrap() - 81.647).abs() < 1e-9, "180 lb stored as kg: {m:?}");
    assert_eq!(m.measurements["waist_cm"], 83.82);
    assert_eq!(m.local_date, "2026-03-01");

    let err = body::add_from_text(&store, &me, &["weight=1800".into()], None).await.unwrap_err();
    assert!(err.is_user_error() && err.to_string().contains("not plausible"), "{err}");
    let err = body::edit_from_text(&store, &me, &m.id, &["".into()], None).await.unwrap_err();
    assert!(err.to_string().contains("nothing to change"), "{err}");

    let edited =
        body::edit_from_text(&store, &me, &m.id, &["bf=".into(), "weight=179".into()], None).await.unwrap();
    assert_eq!(edited.body_fat_pct, None);
    assert!((edited.weight_kg.unwrap() - 81.193).abs() < 1e-9, "{edited:?}");

    // The window shows and types values with the kinds' units and factors.
    let o = overview::overview(&store, &me).await.unwrap();
    let weight = o.kinds.iter().find(|k| k.key == "weight").unwrap();
    assert_eq!(weight.unit, "lb");
    assert!((edited.weight_kg.unwrap() / weight.si_per_unit - 179.0).abs() < 0.01);
    let waist = o.kinds.iter().find(|k| k.key == "waist").unwrap();
    assert_eq!((waist.unit.as_str(), waist.si_per_unit), ("in", 2.54));
}

#[tokio::test]
async fn target_offers_are_round_rates_in_the_users_units_and_stay_safe() {
    let metric = expenditure::offers(Some(2500.0), Units::Metric);
    let rates: Vec<f64> = metric.iter().map(|o| o.goal_rate_kg).collect();
    assert_eq!(rates, vec![-0.75, -0.5, -0.25, 0.0, 0.25]);
    assert_eq!(metric[1].calorie_target, 2500 - 550, "0.5 kg a week is 550 kcal a day");
    assert_eq!(metric[3].calorie_target, 2500);

    let imperial = expenditure::offers(Some(2500.0), Units::Imperial);
    assert!((imperial[1].goal_rate_kg - -0.453_592_37).abs() < 1e-12, "1 lb a week");
    // A low estimate drops the rates that would go below 1000 kcal.
    let low = expenditure::offers(Some(1500.0), Units::Metric);
    assert!(low.iter().all(|o| o.calorie_target >= 1000) && low.len() < 5, "{low:?}");
    assert!(expenditure::offers(None, Units::Metric).is_empty());

    let (_dir, store) = open().await;
    let me = new_profile(&store, "Di", Units::Metric).await;
    let report = expenditure::report(&store, &me, 28).await.unwrap();
    assert_eq!(report.current_target_kcal, Some(2200));
    assert_eq!(report.offers, expenditure::offers(report.expenditure.estimate_kcal, Units::Metric));
}

#[tokio::test]
async fn a_progress_photo_is_copied_with_a_thumbnail_and_survives_delete_and_undo() {
    let (dir, store) = open().await;
    let me = new_profile(&store, "Eve", Units::Metric).await;
    let other = new_profile(&store, "Fay", Units::Metric).await;
    let id = add(&store, &me, "weight=70", wagner::clock::now()).await.unwrap();
    let photo =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/attachments/meal-rotated.jpg"))
            .unwrap();

    // Not an image, or not my measurement: refused, nothing attached.
    let err = body::photo::attach(&store, &me, &id, b"%PDF-1.4 not a photo", "scan.pdf").await.unwrap_err();
    assert!(err.is_user_error(), "{err}");
    let err = body::photo::attach(&store, &other, &id, &photo, "me.jpg").await.unwrap_err();
    assert!(err.is_user_error() && err.to_string().contains("not found"), "{err}");

    let m = body::photo::attach(&store, &me, &id, &photo, "me.jpg").await.unwrap();
    let path = m.photo_url.clone().expect("the row keeps the photo's path");
    assert!(dir.path().join(&path).is_file(), "copied into the data folder: {path}");
    let thumb = body::photo::thumbnail_path(&path).unwrap();
    assert!(dir.path().join(&thumb).is_file(), "with a thumbnail: {thumb}");

    let url = body::photo::data_url(&store, &me.id, &id, true).await.unwrap();
    assert!(url.starts_with("data:image/jpeg;base64,"));
    let full = body::photo::data_url(&store, &me.id, &id, false).await.unwrap();
    use base64::Engine;
    let original = base64::engine::general_purpose::STANDARD.encode(&photo);
    assert_eq!(full, format!("data:image/jpeg;base64,{original}"), "the full photo is the file as picked");
    assert_ne!(url, full, "the thumbnail is a re-encoded, upright copy");
    assert!(body::photo::data_url(&store, &other.id, &id, true).await.is_err());

    body::delete_with_undo(&store, &me.id, &id).await.unwrap();
    let back = body::undo_delete(&store, &me.id).await.unwrap();
    assert_eq!(back.photo_url, Some(path));
}
