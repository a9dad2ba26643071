//! The dashboard on real databases: Today's cards, the week and the month,
//! display preferences, and `wagner today/week/month` agreeing with the core.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod support;

use std::process::Command;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use wagner::dashboard::{self, FormBand, NutrientGoal, PeriodKind};
use wagner::profile::{self, Preferences, Theme, Units, WeekStart};
use wagner::quick_entry::{self, pipeline};
use wagner::{Store, clock};

/// 15:00 in Berlin on a Wednesday: breakfast and lunch of the day are logged.
fn demo_now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-25T14:00:00Z").unwrap().with_timezone(&Utc)
}

fn day(s: &str) -> NaiveDate {
    clock::parse_date(s).unwrap()
}

async fn demo_store() -> (tempfile::TempDir, Store, wagner::profile::Profile) {
    let (dir, store) = support::temp_store().await;
    let report = wagner::demo::load(&store, demo_now(), Some("Europe/Berlin".into())).await.unwrap();
    (dir, store, report.profile)
}

#[tokio::test]
async fn today_on_the_demo_has_every_card() {
    let (_dir, store, me) = demo_store().await;
    let today = dashboard::day(&store, &me, day("2026-11-25")).await.unwrap();

    let meals: f64 = today.nutrition.meals.iter().map(|m| m.total_calories).sum();
    assert!((today.nutrition.calories - meals).abs() < 0.01, "calories are the day's meals");
    let target = today.nutrition.targets.calories.expect("the demo has a calorie target");
    assert!((today.nutrition.remaining.calories.unwrap() - (target - meals)).abs() < 0.01);

    // Two weeks of training with heart rate build fitness; form has a band.
    assert!(today.training.fitness > 0.0 && today.training.fatigue > 0.0, "{:?}", today.training);
    assert_ne!(today.training.band, FormBand::NoData);
    let week_acts: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM activities WHERE user_id = ? AND local_date BETWEEN '2026-11-19' AND '2026-11-25'",
    )
    .bind(&me.id)
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(today.training.activities_7d, week_acts);

    // The same fitness as the Activities page's chart on that day.
    let chart =
        wagner::activities::charts::fitness_series(&store, &me.id, day("2026-11-25"), day("2026-11-25"))
            .await
            .unwrap();
    assert_eq!(today.training.fitness, chart[0].fitness);

    // The demo logs meals every day of its two weeks, today included.
    assert!(today.streaks.nutrition.today_done);
    assert_eq!(today.streaks.nutrition.current, wagner::demo::DEMO_DAYS);
    assert!(today.streaks.logging.current >= today.streaks.nutrition.current);

    let program = today.program.expect("the demo's program runs today");
    assert!(!program.items.is_empty() || program.is_rest_day);
    assert!(today.coach_tip.is_none(), "the coach has not spoken yet");
    assert!(today.body.and_then(|b| b.trend_kg).is_some());
}

#[tokio::test]
async fn the_coach_tip_is_the_latest_assistant_message_of_that_day() {
    let (_dir, store, me) = support::store_with_profile("Tip", "UTC").await;
    for (id, role, content, at) in [
        ("m1", "assistant", "Sleep more.", "2026-11-20T08:00:00.000Z"),
        ("m2", "assistant", "Eat more protein at breakfast.", "2026-11-24T09:00:00.000Z"),
        ("m3", "user", "Thanks!", "2026-11-24T09:05:00.000Z"),
        ("m4", "assistant", "Tomorrow's tip.", "2026-11-25T07:00:00.000Z"),
    ] {
        sqlx::query(
            "INSERT INTO coach_messages (id, user_id, conversation_id, role, content, created_at, updated_at) \
             VALUES (?, ?, 'c1', ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(&me.id)
        .bind(role)
        .bind(content)
        .bind(at)
        .bind(at)
        .execute(store.pool())
        .await
        .unwrap();
    }
    let on_24th = dashboard::day(&store, &me, day("2026-11-24")).await.unwrap();
    assert_eq!(on_24th.coach_tip.unwrap().content, "Eat more protein at breakfast.");
    let on_25th = dashboard::day(&store, &me, day("2026-11-25")).await.unwrap();
    assert_eq!(on_25th.coach_tip.unwrap().content, "Tomorrow's tip.");
}

#[tokio::test]
async fn entries_that_need_attention_are_counted_from_every_day() {
    let (_dir, store, me) = support::store_with_profile("Att", "UTC").await;
    let now = wagner::clock::now();
    let failed = quick_entry::log_text_at(&store, &me, "zxqv blorp", now - Duration::days(3)).await.unwrap();
    let _ = pipeline::process(&store, &me, &failed.id, pipeline::Reader::Offline).await;
    let waiting = quick_entry::log_text_at(&store, &me, "2 eggs", now - Duration::hours(1)).await.unwrap();
    let done = quick_entry::log_text_at(&store, &me, "weight 80 kg", now - Duration::hours(2)).await.unwrap();
    pipeline::process(&store, &me, &done.id, pipeline::Reader::Offline).await.unwrap();

    let today = dashboard::day(&store, &me, dashboard::today_for(&me)).await.unwrap();
    assert_eq!((today.attention.failed, today.attention.pending), (1, 1));
    let ids: Vec<&str> = today.attention.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, [waiting.id.as_str(), failed.id.as_str()], "newest first, the read one left out");
}

#[tokio::test]
async fn micronutrients_show_a_passed_limit_first() {
    let (_dir, store, me) = support::store_with_profile("Micro", "UTC").await;
    let mut conn = store.pool().acquire().await.unwrap();
    let meal = wagner::nutrition::NewMeal {
        category: wagner::nutrition::MealCategory::Lunch,
        logged_at: DateTime::parse_from_rfc3339("2026-11-25T12:00:00Z").unwrap().with_timezone(&Utc),
        name: Some("Ramen".into()),
        foods: vec![wagner::nutrition::MealFood {
            name: "Ramen".into(),
            quantity: 1.0,
            unit: "bowl".into(),
            grams: Some(500.0),
            calories: 650.0,
            protein_g: 25.0,
            carbs_g: 80.0,
            fat_g: 22.0,
            food_id: None,
            nutrients: Default::default(),
        }],
        source: wagner::nutrition::MealSource::Manual,
        quick_entry_log_id: None,
        ai_extracted: false,
        ai_confidence: None,
        image_url: None,
    };
    let id = wagner::nutrition::insert_meal(&mut conn, &me, &meal).await.unwrap();
    sqlx::query(
        "UPDATE meal_logs SET total_fiber_g = 6, total_sodium_mg = 2900, \
         nutrients = '{\"sodium_mg\": 2900, \"iron_mg\": 4.5, \"caffeine_mg\": 80}' WHERE id = ?",
    )
    .bind(&id)
    .execute(&mut *conn)
    .await
    .unwrap();
    drop(conn);

    let today = dashboard::day(&store, &me, day("2026-11-25")).await.unwrap();
    let keys: Vec<&str> = today.micronutrients.iter().map(|h| h.key.as_str()).collect();
    assert_eq!(keys, ["sodium_mg", "dietary_fiber_g", "iron_mg"]);
    assert_eq!(today.micronutrients[0].goal, NutrientGoal::Limit);
    assert!(today.micronutrients[0].percent > 100.0);
    // No meals, no highlights.
    assert!(dashboard::day(&store, &me, day("2026-11-24")).await.unwrap().micronutrients.is_empty());
}

#[tokio::test]
async fn the_week_adds_up_its_days_and_starts_on_the_chosen_day() {
    let (_dir, store, me) = demo_store().await;
    let week = dashboard::period(&store, &me, PeriodKind::Week, day("2026-11-25")).await.unwrap();
    assert_eq!((week.start.as_str(), week.end.as_str()), ("2026-11-23", "2026-11-29"));
    assert_eq!(week.days.len(), 7);
    assert_eq!(week.days.iter().filter(|d| d.future).count(), 4, "Thursday to Sunday are still to come");

    // Each day agrees with Today on that day.
    for d in week.days.iter().filter(|d| !d.future) {
        let t = dashboard::day(&store, &me, day(&d.date)).await.unwrap();
        assert!((t.nutrition.calories - d.calories).abs() < 1e-9, "{}", d.date);
        assert_eq!(t.activities.len() as i64, d.activities, "{}", d.date);
    }
    let eaten: Vec<f64> = week.days.iter().filter(|d| d.meals > 0).map(|d| d.calories).collect();
    let mean = eaten.iter().sum::<f64>() / eaten.len() as f64;
    assert!((week.summary.avg_calories.unwrap() - mean).abs() < 1e-9);
    assert_eq!(week.summary.days_elapsed, 3);
    assert_eq!(week.summary.activities, week.days.iter().map(|d| d.activities).sum::<i64>());

    profile::update_preferences(
        &store,
        &me.id,
        &Preferences { week_start: Some(WeekStart::Sunday), ..Default::default() },
    )
    .await
    .unwrap();
    let me = profile::get(&store, &me.id).await.unwrap();
    let week = dashboard::period(&store, &me, PeriodKind::Week, day("2026-11-25")).await.unwrap();
    assert_eq!(week.start, "2026-11-22");
    assert_eq!(week.previous, "2026-11-15");
}

#[tokio::test]
async fn the_month_covers_every_day_and_the_trend_change() {
    let (_dir, store, me) = demo_store().await;
    let month = dashboard::period(&store, &me, PeriodKind::Month, day("2026-11-25")).await.unwrap();
    assert_eq!(month.days.len(), 30);
    assert_eq!(month.summary.days_elapsed, 25);
    // The demo's two weeks are all in November.
    assert_eq!(month.summary.days_with_meals, wagner::demo::DEMO_DAYS);
    let (start, end) = (month.summary.trend_start_kg.unwrap(), month.summary.trend_end_kg.unwrap());
    assert!((month.summary.trend_change_kg.unwrap() - (end - start)).abs() < 1e-9);
    assert_eq!(month.previous, "2026-10-31");
    assert_eq!(month.next, "2026-12-01");
}

#[tokio::test]
async fn preferences_keep_other_settings_and_refuse_nonsense() {
    let (_dir, store, me) = support::store_with_profile("Prefs", "UTC").await;
    sqlx::query(
        "UPDATE users SET settings = json_set(settings, '$.ai', json('{\"kind\":\"groq\"}')) WHERE id = ?",
    )
    .bind(&me.id)
    .execute(store.pool())
    .await
    .unwrap();
    let updated = profile::update_preferences(
        &store,
        &me.id,
        &Preferences {
            units: Some(Units::Imperial),
            time_zone: Some("America/Chicago".into()),
            week_start: Some(WeekStart::Sunday),
            theme: Some(Theme::Dark),
        },
    )
    .await
    .unwrap();
    assert_eq!(updated.units, Units::Imperial);
    assert_eq!(updated.time_zone, "America/Chicago");
    assert_eq!(updated.week_start, WeekStart::Sunday);
    assert_eq!(updated.theme, Theme::Dark);
    let ai: Option<serde_json::Value> = profile::settings_section(&store, &me.id, "ai", "ai").await.unwrap();
    assert_eq!(ai.unwrap()["kind"], "groq", "the AI settings are untouched");

    let bad = Preferences { time_zone: Some("Mars/Olympus".into()), ..Default::default() };
    assert!(profile::update_preferences(&store, &me.id, &bad).await.is_err());
    assert_eq!(profile::get(&store, &me.id).await.unwrap().time_zone, "America/Chicago");

    profile::set_last_page(&store, &me.id, "body").await.unwrap();
    assert_eq!(profile::get(&store, &me.id).await.unwrap().last_page.as_deref(), Some("body"));
    assert!(profile::set_last_page(&store, &me.id, "../etc").await.is_err());
}

fn wagner_cli(db: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_wagner"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("WAGNER_DB")
        .output()
        .expect("running wagner")
}

#[tokio::test]
async fn the_cli_prints_the_same_day_week_and_month() {
    let (dir, store, me) = demo_store().await;
    let today = dashboard::day(&store, &me, day("2026-11-25")).await.unwrap();
    let week = dashboard::period(&store, &me, PeriodKind::Week, day("2026-11-25")).await.unwrap();
    store.close().await;
    let db = dir.path().join("wagner.db");

    let out = wagner_cli(&db, &["--json", "today", "--date", "2026-11-25"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["nutrition"]["calories"].as_f64().unwrap(), today.nutrition.calories);
    assert_eq!(json["training"]["form"].as_f64().unwrap(), today.training.form);
    assert_eq!(json["streaks"]["logging"]["current"].as_i64().unwrap(), today.streaks.logging.current);

    let out = wagner_cli(&db, &["--json", "week", "--date", "2026-11-25"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["summary"]["avg_calories"].as_f64(), week.summary.avg_calories);
    assert_eq!(json["days"].as_array().unwrap().len(), 7);

    let out = wagner_cli(&db, &["month", "--date", "2026-11-25"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("Month 2026-11-01 – 2026-11-30"), "{text}");
    assert!(text.contains("fitness"), "{text}");

    let out = wagner_cli(&db, &["today", "--date", "2026-11-25"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("\nForm\n") && text.contains("Streaks: logging"), "{text}");

    let out = wagner_cli(&db, &["week", "--date", "25.11.2026"]);
    assert_eq!(out.status.code(), Some(1), "a bad date is the user's error");
}

#[tokio::test]
async fn a_cancelled_import_keeps_what_it_stored_and_stops() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let (_dir, store, me) = support::store_with_profile("Importer", "UTC").await;
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/activities");
    let total = wagner::activities::import::collect_files(std::slice::from_ref(&folder)).unwrap().len();
    assert!(total > 3, "the fixture folder has several files");
    let cancel = AtomicBool::new(false);
    let mut seen = Vec::new();
    let results =
        wagner::activities::import::import_paths_cancellable(&store, &me, &[folder], &cancel, |p| {
            seen.push(p.index);
            // The user presses Cancel while the second file is being read.
            if p.index == 2 {
                cancel.store(true, Ordering::SeqCst);
            }
        })
        .await
        .unwrap();
    let last = *seen.last().unwrap();
    assert_eq!(last, 2, "nothing after the file in hand");
    assert!(results.len() < total);
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM activities WHERE user_id = ?")
        .bind(&me.id)
        .fetch_one(store.pool())
        .await
        .unwrap();
    let imported = results.iter().filter(|r| r.activity.is_some()).count() as i64;
    assert!(stored <= imported && stored > 0, "stored {stored}, imported {imported}");
}
