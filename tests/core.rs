//! The core API against real SQLite files: profiles are isolated, the demo
//! is complete, and Today adds up.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod support;

use chrono::{NaiveDate, TimeZone, Utc};
use wagner::activities::{self, ActivitySource, ActivityType, NewActivity, NewSegment};
use wagner::nutrition::{self, MealCategory, MealFood, MealSource, NewMeal};
use wagner::profile::{self, NewProfile, Profile};
use wagner::{Store, clock, dashboard, demo, quick_entry};

async fn open() -> (tempfile::TempDir, Store) {
    support::temp_store().await
}

/// A profile with a 2,000 kcal target.
async fn new_profile(store: &Store, name: &str, tz: &str) -> Profile {
    let me = support::new_profile(store, name, tz).await;
    sqlx::query("UPDATE users SET daily_calorie_target = 2000 WHERE id = ?")
        .bind(&me.id)
        .execute(store.pool())
        .await
        .unwrap();
    profile::get(store, &me.id).await.unwrap()
}

fn toast(kcal: f64) -> MealFood {
    MealFood {
        name: "Toast".into(),
        quantity: 2.0,
        unit: "slice".into(),
        grams: Some(64.0),
        calories: kcal,
        protein_g: 8.0,
        carbs_g: 27.5,
        fat_g: 2.2,
        food_id: None,
        nutrients: Default::default(),
    }
}

fn meal_at(at: chrono::DateTime<Utc>, kcal: f64) -> NewMeal {
    NewMeal {
        category: MealCategory::Dinner,
        logged_at: at,
        name: None,
        foods: vec![toast(kcal)],
        source: MealSource::Manual,
        quick_entry_log_id: None,
        ai_extracted: false,
        ai_confidence: None,
        image_url: None,
    }
}

#[tokio::test]
async fn one_profile_cannot_read_anothers_rows() {
    let (_dir, store) = open().await;
    let alice = new_profile(&store, "Alice", "UTC").await;
    let bob = new_profile(&store, "Bob", "UTC").await;
    let now = wagner::clock::now();
    let day = clock::local_date(now, alice.tz());

    let entry = quick_entry::log_text(&store, &alice, "secret snack").await.unwrap();
    let mut conn = store.pool().acquire().await.unwrap();
    nutrition::insert_meal(&mut conn, &alice, &meal_at(now, 300.0)).await.unwrap();
    activities::insert(
        &mut conn,
        &alice,
        &NewActivity {
            name: "Run".into(),
            activity_type: ActivityType::Run,
            source: ActivitySource::Manual,
            start_date: now,
            elapsed_time_seconds: 1800,
            moving_time_seconds: None,
            distance_meters: Some(5000.0),
            calories: None,
            average_heartrate: None,
            notes: None,
            quick_entry_log_id: None,
            ai_extracted: false,
            segments: vec![],
        },
    )
    .await
    .unwrap();
    drop(conn);

    // Bob sees nothing of Alice's, by listing or by id.
    assert!(quick_entry::list(&store, &bob.id, None, 100).await.unwrap().is_empty());
    let err = quick_entry::get(&store, &bob.id, &entry.id).await.unwrap_err();
    assert_eq!(err.code(), "not_found");
    let bobs_day = dashboard::day(&store, &bob, day).await.unwrap();
    assert!(bobs_day.entries.is_empty() && bobs_day.nutrition.meals.is_empty());
    assert_eq!(bobs_day.nutrition.calories, 0.0);
    assert!(bobs_day.activities.is_empty() && bobs_day.recent_activities.is_empty());
    assert!(!profile::has_data(&store, &bob.id).await.unwrap());

    // Alice sees her own.
    let alices_day = dashboard::day(&store, &alice, day).await.unwrap();
    assert_eq!(alices_day.entries.len(), 1);
    assert_eq!(alices_day.nutrition.calories, 300.0);
    assert_eq!(alices_day.activities.len(), 1);
}

#[tokio::test]
async fn a_late_meal_counts_on_the_local_day() {
    let (_dir, store) = open().await;
    let ny = new_profile(&store, "Nia", "America/New_York").await;
    // 23:30 on 3 March in New York is 04:30 UTC on 4 March.
    let late = Utc.with_ymd_and_hms(2026, 3, 4, 4, 30, 0).unwrap();
    let mut conn = store.pool().acquire().await.unwrap();
    nutrition::insert_meal(&mut conn, &ny, &meal_at(late, 410.0)).await.unwrap();
    drop(conn);

    let march_3 = dashboard::day(&store, &ny, NaiveDate::from_ymd_opt(2026, 3, 3).unwrap()).await.unwrap();
    assert_eq!(march_3.nutrition.calories, 410.0);
    assert_eq!(march_3.nutrition.remaining.calories, Some(1590.0));
    let march_4 = dashboard::day(&store, &ny, NaiveDate::from_ymd_opt(2026, 3, 4).unwrap()).await.unwrap();
    assert_eq!(march_4.nutrition.calories, 0.0);
}

#[tokio::test]
async fn strength_sets_are_stored_one_per_segment() {
    let (_dir, store) = open().await;
    let me = new_profile(&store, "Lee", "UTC").await;
    let mut conn = store.pool().acquire().await.unwrap();
    let set = |reps, kg| NewSegment {
        exercise_name: Some("Bench press".into()),
        reps: Some(reps),
        weight_kg: Some(kg),
        ..NewSegment::default()
    };
    let id = activities::insert(
        &mut conn,
        &me,
        &NewActivity {
            name: "Push day".into(),
            activity_type: ActivityType::Strength,
            source: ActivitySource::Manual,
            start_date: wagner::clock::now(),
            elapsed_time_seconds: 3000,
            moving_time_seconds: None,
            distance_meters: None,
            calories: None,
            average_heartrate: None,
            notes: None,
            quick_entry_log_id: None,
            ai_extracted: false,
            segments: vec![set(8, 80.0), set(8, 80.0), set(6, 82.5)],
        },
    )
    .await
    .unwrap();
    let (sets, volume): (i64, f64) = sqlx::query_as(
        "SELECT COUNT(*), SUM(reps * weight_kg) FROM activity_segments WHERE activity_id = ? AND segment_type = 'set'",
    )
    .bind(&id)
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    assert_eq!(sets, 3);
    assert_eq!(volume, 8.0 * 80.0 * 2.0 + 6.0 * 82.5);
}

#[tokio::test]
async fn invalid_rows_are_rejected_with_a_reason() {
    let (_dir, store) = open().await;
    let me = new_profile(&store, "Kim", "UTC").await;
    let mut conn = store.pool().acquire().await.unwrap();
    let mut empty = meal_at(wagner::clock::now(), 100.0);
    empty.foods.clear();
    let err = nutrition::insert_meal(&mut conn, &me, &empty).await.unwrap_err();
    assert!(err.to_string().contains("at least one food"), "{err}");
    let err = nutrition::insert_meal(&mut conn, &me, &meal_at(wagner::clock::now(), -1.0)).await.unwrap_err();
    assert!(err.to_string().contains("Toast"), "{err}");
    let err =
        quick_entry::log_text(&store, &me, &"x".repeat(quick_entry::MAX_TEXT_CHARS + 1)).await.unwrap_err();
    assert!(err.to_string().contains("limit"), "{err}");
    // Nothing half-written.
    let meals: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM meal_logs").fetch_one(&mut *conn).await.unwrap();
    assert_eq!(meals, 0);
}

#[tokio::test]
async fn the_demo_is_complete_and_today_adds_up() {
    let (_dir, store) = open().await;
    // 20:00 UTC: every meal of the day has been eaten in UTC.
    let now = Utc.with_ymd_and_hms(2026, 11, 25, 20, 0, 0).unwrap();
    let report = demo::load(&store, now, Some("UTC".into())).await.unwrap();
    assert_eq!(report.program_days, 84);
    assert_eq!(report.meals, demo::DEMO_DAYS * 4);
    assert_eq!(report.measurements, demo::DEMO_DAYS);
    assert_eq!(report.entries, demo::DEMO_DAYS, "one quick-entry breakfast a day");
    assert!(report.activities >= 9, "five sessions a week: {}", report.activities);

    let me = profile::require_default(&store).await.unwrap();
    let today = dashboard::day(&store, &me, NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()).await.unwrap();
    let program = today.program.as_ref().unwrap();
    assert_eq!((program.day_number, program.week_number, program.total_days), (12, 2, 84));
    assert!(!program.items.is_empty());
    assert_eq!(today.nutrition.meals.len(), 4);
    let summed: f64 = today.nutrition.meals.iter().map(|m| m.total_calories).sum();
    assert!(
        (today.nutrition.calories - summed).abs() < 1e-6,
        "summary {} vs meals {summed}",
        today.nutrition.calories
    );
    assert_eq!(today.nutrition.targets.calories, Some(2200.0));
    let body = today.body.as_ref().unwrap();
    assert!(body.weight_kg.unwrap() > 80.0 && body.change_7d_kg.unwrap() < 0.0, "{body:?}");
    assert_eq!(today.entries.len(), 1);

    // Nothing is dated in the future at 20:00: the demo never invents tomorrow.
    let future: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM meal_logs WHERE logged_at > ?")
        .bind(clock::to_db(now))
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(future, 0);

    // Early morning: the day so far only.
    let (_dir2, store2) = open().await;
    let early = Utc.with_ymd_and_hms(2026, 11, 25, 8, 0, 0).unwrap();
    demo::load(&store2, early, Some("UTC".into())).await.unwrap();
    let me2 = profile::require_default(&store2).await.unwrap();
    let morning =
        dashboard::day(&store2, &me2, NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()).await.unwrap();
    assert_eq!(morning.nutrition.meals.len(), 1, "only breakfast by 08:00");
}

#[tokio::test]
async fn app_status_tells_the_window_what_to_show() {
    let (_dir, store) = open().await;
    let status = dashboard::app_status(&store).await.unwrap();
    assert!(status.profile.is_none() && !status.has_data);

    let (me, created) =
        profile::ensure_default(&store, NewProfile { full_name: "Ana".into(), ..NewProfile::default() })
            .await
            .unwrap();
    assert!(created);
    let status = dashboard::app_status(&store).await.unwrap();
    assert_eq!(status.profile.as_ref().map(|p| p.id.as_str()), Some(me.id.as_str()));
    assert!(!status.has_data);

    quick_entry::log_text(&store, &me, "banana").await.unwrap();
    assert!(dashboard::app_status(&store).await.unwrap().has_data);
    let (same, created) =
        profile::ensure_default(&store, NewProfile { full_name: "Other".into(), ..NewProfile::default() })
            .await
            .unwrap();
    assert!(!created);
    assert_eq!(same.id, me.id);
}
