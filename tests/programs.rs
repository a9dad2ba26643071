//! 12-week programs on real database files: offline generation, tracking
//! (a state machine over items, days and the program), links to logged
//! activities and meals, edits, and the .ics export read back.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod support;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use wagner::Store;
use wagner::activities::{self, ActivitySource, ActivityType, NewActivity};
use wagner::nutrition::{self, MealCategory, MealFood, MealSource, NewMeal};
use wagner::profile::Profile;
use wagner::programs::{self, Answers, Status, tracking};

fn answers() -> Answers {
    Answers {
        primary_goal: Some("build_muscle".into()),
        experience_level: Some("intermediate".into()),
        training_frequency: Some(4),
        session_minutes: Some(60),
        available_equipment: vec!["dumbbells".into(), "bench".into(), "pull-up bar".into()],
        injury_limitations: vec!["knee".into()],
        dietary_restrictions: vec!["vegetarian".into()],
        daily_calorie_target: Some(2400),
        daily_protein_target_g: Some(150),
        ..Answers::default()
    }
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

async fn with_program(start: NaiveDate) -> (tempfile::TempDir, Store, Profile, String) {
    let (dir, store, me) = support::store_with_profile("Ada", "Europe/Berlin").await;
    let id = programs::create_offline(&store, &me, &answers(), start).await.unwrap();
    (dir, store, me, id)
}

async fn scalar_i64(store: &Store, sql: &str, id: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string())).bind(id).fetch_one(store.pool()).await.unwrap()
}

#[tokio::test]
async fn an_offline_program_is_84_days_with_rest_days_ordered_items_and_the_answers() {
    let (_dir, store, me, id) = with_program(day(2026, 11, 2)).await;
    assert_eq!(
        scalar_i64(&store, "SELECT COUNT(*) FROM ai_program_days WHERE program_id = ?", &id).await,
        84
    );
    let rest_weeks = scalar_i64(
        &store,
        "SELECT COUNT(DISTINCT week_number) FROM ai_program_days WHERE program_id = ? AND is_rest_day = 1",
        &id,
    )
    .await;
    assert_eq!(rest_weeks, 12, "every week has a rest day");
    let workouts = scalar_i64(
        &store,
        "SELECT COUNT(*) FROM ai_program_items WHERE program_id = ? AND item_type = 'workout'",
        &id,
    )
    .await;
    assert_eq!(workouts, 48, "4 sessions a week for 12 weeks");
    // Items are numbered 0..n on each day.
    let gaps = scalar_i64(
        &store,
        "SELECT COUNT(*) FROM (SELECT program_day_id, MAX(item_order) + 1 AS n, COUNT(*) AS c FROM ai_program_items \
         WHERE program_id = ? GROUP BY program_day_id) WHERE n <> c",
        &id,
    )
    .await;
    assert_eq!(gaps, 0);
    // Every day's meals are within 5 % of 2400 kcal.
    let off = scalar_i64(
        &store,
        "SELECT COUNT(*) FROM (SELECT SUM(meal_calories) AS kcal FROM ai_program_items WHERE program_id = ? \
         AND item_type = 'meal' GROUP BY program_day_id) WHERE kcal NOT BETWEEN 2280 AND 2520",
        &id,
    )
    .await;
    assert_eq!(off, 0);
    let (qa, provider): (String, String) =
        sqlx::query_as("SELECT questions_answers, ai_provider FROM ai_generated_programs WHERE id = ?")
            .bind(&id)
            .fetch_one(store.pool())
            .await
            .unwrap();
    let qa: serde_json::Value = serde_json::from_str(&qa).unwrap();
    assert_eq!(qa["training_frequency"], 4);
    assert_eq!(qa["dietary_restrictions"], serde_json::json!(["vegetarian"]));
    assert_eq!(provider, "offline");

    // Deload weeks have fewer sets than the week before.
    let sets = |week: i64| {
        let store = store.clone();
        let id = id.clone();
        async move {
            let rows: Vec<String> = sqlx::query_scalar(
                "SELECT i.workout_exercises FROM ai_program_items i JOIN ai_program_days d ON d.id = i.program_day_id \
                 WHERE i.program_id = ? AND d.week_number = ? AND i.item_type = 'workout'",
            )
            .bind(&id)
            .bind(week)
            .fetch_all(store.pool())
            .await
            .unwrap();
            rows.iter()
                .map(|r| {
                    serde_json::from_str::<Vec<programs::PlannedExercise>>(r)
                        .unwrap()
                        .iter()
                        .map(|e| e.sets)
                        .sum::<u32>()
                })
                .sum::<u32>()
        }
    };
    assert!(sets(4).await < sets(3).await && sets(8).await < sets(7).await);

    // A second program replaces the first in one go: one active program.
    let second = programs::create_offline(&store, &me, &answers(), day(2026, 11, 9)).await.unwrap();
    let (active, archived): (i64, i64) = sqlx::query_as(
        "SELECT SUM(is_active), SUM(status = 'archived') FROM ai_generated_programs WHERE user_id = ?",
    )
    .bind(&me.id)
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!((active, archived), (1, 1));
    assert_ne!(second, id);
}

#[tokio::test]
async fn bad_answers_store_nothing_and_say_what_is_wrong() {
    let (_dir, store, me) = support::store_with_profile("Ada", "UTC").await;
    let bad = Answers { training_frequency: Some(9), ..answers() };
    let err = programs::create_offline(&store, &me, &bad, day(2026, 11, 2)).await.unwrap_err();
    assert!(err.to_string().contains("training_frequency"), "{err}");
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM ai_generated_programs")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(n, 0);
}

#[tokio::test]
async fn items_and_days_move_through_pending_completed_and_skipped() {
    let start = day(2026, 11, 2);
    let (_dir, store, me, _id) = with_program(start).await;
    let today = start; // day 1: a training day
    let d = tracking::today(&store, &me, today).await.unwrap().unwrap();
    assert_eq!((d.day_number, d.status), (1, Status::Pending));
    let workout = d.items.iter().find(|i| i.item_type == programs::ItemType::Workout).unwrap();

    tracking::mark(&store, &me.id, &workout.id, Status::Completed).await.unwrap();
    let d = tracking::today(&store, &me, today).await.unwrap().unwrap();
    assert!(d.items[0].is_completed);
    assert_eq!(d.status, Status::Pending, "meals are still to do");

    // Skipping the rest completes the day: one item was done.
    for item in d.items.iter().skip(1) {
        tracking::mark(&store, &me.id, &item.id, Status::Skipped).await.unwrap();
    }
    let d = tracking::today(&store, &me, today).await.unwrap().unwrap();
    assert_eq!((d.status, d.is_completed), (Status::Completed, true));

    // Back to pending reopens the day.
    tracking::mark(&store, &me.id, &workout.id, Status::Pending).await.unwrap();
    let d = tracking::today(&store, &me, today).await.unwrap().unwrap();
    assert_eq!(d.status, Status::Pending);

    // A whole day by number: everything completed.
    tracking::mark(&store, &me.id, "2", Status::Completed).await.unwrap();
    let d2 = tracking::today(&store, &me, today + Duration::days(1)).await.unwrap().unwrap();
    assert!(d2.items.iter().all(|i| i.status == Status::Completed));
    assert_eq!(d2.status, Status::Completed);
    // Skipping a whole day leaves it skipped.
    tracking::mark(&store, &me.id, "3", Status::Skipped).await.unwrap();
    let d3 = tracking::today(&store, &me, today + Duration::days(2)).await.unwrap().unwrap();
    assert_eq!(d3.status, Status::Skipped);

    // Adherence of week 1 on day 4: days 1-3 are due.
    let weeks = tracking::adherence(&store, &me.id, today + Duration::days(3)).await.unwrap();
    assert_eq!(weeks.len(), 12);
    let w1 = &weeks[0];
    assert!(w1.due > 0 && w1.completed == d2.items.len() as i64);
    assert!(w1.adherence_pct.unwrap() < 100.0);
    assert_eq!(weeks[5].due, 0);

    // Someone else's item id is not found.
    let (_d2, other_store, other) = support::store_with_profile("Bo", "UTC").await;
    assert!(tracking::mark(&other_store, &other.id, &workout.id, Status::Completed).await.is_err());
}

#[tokio::test]
async fn pausing_stops_the_clock_and_resuming_moves_the_remaining_days() {
    let start = day(2026, 11, 2);
    let (_dir, store, me, id) = with_program(start).await;
    // Paused on day 5 (Nov 6, 10:00 Berlin).
    let paused_at = Utc.with_ymd_and_hms(2026, 11, 6, 9, 0, 0).unwrap();
    tracking::pause(&store, &me, paused_at).await.unwrap();
    assert!(tracking::pause(&store, &me, paused_at).await.is_err(), "already paused");
    let during = tracking::today(&store, &me, day(2026, 11, 9)).await.unwrap().unwrap();
    assert_eq!(during.day_number, 5, "the day stands still while paused");
    assert!(during.paused);
    // Resumed three days later: day 5 is now Nov 9.
    let moved =
        tracking::resume(&store, &me, Utc.with_ymd_and_hms(2026, 11, 9, 8, 0, 0).unwrap()).await.unwrap();
    assert_eq!(moved, 3);
    assert!(tracking::resume(&store, &me, paused_at).await.is_err(), "not paused any more");
    let after = tracking::today(&store, &me, day(2026, 11, 9)).await.unwrap().unwrap();
    assert_eq!((after.day_number, after.scheduled_date.as_deref()), (5, Some("2026-11-09")));
    let day4: String = sqlx::query_scalar(
        "SELECT scheduled_date FROM ai_program_days WHERE program_id = ? AND day_number = 4",
    )
    .bind(&id)
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(day4, "2026-11-05", "days before the pause keep their dates");
    // After the last day the program is completed and no longer current.
    let end = day(2026, 11, 2) + Duration::days(84 + 3);
    assert!(tracking::today(&store, &me, end).await.unwrap().is_none());
    let status: String = sqlx::query_scalar("SELECT status FROM ai_generated_programs WHERE id = ?")
        .bind(&id)
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(status, "completed");
}

#[tokio::test]
async fn a_logged_activity_completes_the_days_workout_until_unlinked() {
    let start = day(2026, 11, 2);
    let (_dir, store, me, _id) = with_program(start).await;
    let mut conn = store.pool().acquire().await.unwrap();
    // A run on day 1 does not complete a strength workout; a strength session does.
    for (kind, hour) in [(ActivityType::Run, 7), (ActivityType::Strength, 17)] {
        activities::insert(
            &mut conn,
            &me,
            &NewActivity {
                name: "Session".into(),
                activity_type: kind,
                source: ActivitySource::Manual,
                start_date: Utc.with_ymd_and_hms(2026, 11, 2, hour, 0, 0).unwrap(),
                elapsed_time_seconds: 3600,
                moving_time_seconds: None,
                distance_meters: None,
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
    }
    drop(conn);
    let d = tracking::today(&store, &me, start).await.unwrap().unwrap();
    let workout = &d.items[0];
    assert_eq!(workout.status, Status::Completed);
    let activity_type: String = sqlx::query_scalar("SELECT activity_type FROM activities WHERE id = ?")
        .bind(workout.linked_activity_id.as_ref().unwrap())
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(activity_type, "strength");

    tracking::unlink_activity(&store, &me.id, &workout.id).await.unwrap();
    let d = tracking::today(&store, &me, start).await.unwrap().unwrap();
    assert_eq!((d.items[0].status, d.items[0].linked_activity_id.clone()), (Status::Pending, None));

    // A logged meal completes a planned one.
    let meal_item = d.items.iter().find(|i| i.item_type == programs::ItemType::Meal).unwrap();
    let mut conn = store.pool().acquire().await.unwrap();
    let meal_id = nutrition::insert_meal(
        &mut conn,
        &me,
        &NewMeal {
            category: MealCategory::Breakfast,
            logged_at: Utc.with_ymd_and_hms(2026, 11, 2, 7, 0, 0).unwrap(),
            name: Some("Oats".into()),
            foods: vec![MealFood {
                name: "oats".into(),
                quantity: 80.0,
                unit: "g".into(),
                grams: Some(80.0),
                calories: 300.0,
                protein_g: 10.0,
                carbs_g: 54.0,
                fat_g: 5.0,
                food_id: None,
                nutrients: Default::default(),
            }],
            source: MealSource::Manual,
            quick_entry_log_id: None,
            ai_extracted: false,
            ai_confidence: None,
            image_url: None,
        },
    )
    .await
    .unwrap();
    drop(conn);
    tracking::link_meal(&store, &me.id, &meal_item.id, &meal_id).await.unwrap();
    let details = tracking::item(&store, &me.id, &meal_item.id).await.unwrap();
    assert_eq!((details.status, details.linked_meal_log_id), (Status::Completed, Some(meal_id)));
    assert!(
        tracking::link_meal(&store, &me.id, &workout.id, "nope").await.is_err(),
        "a workout is not a meal"
    );
}

#[tokio::test]
async fn days_move_exercises_and_meals_swap_and_later_weeks_regenerate() {
    let start = day(2026, 11, 2);
    let (_dir, store, me, _id) = with_program(start).await;
    let d1 = tracking::today(&store, &me, start).await.unwrap().unwrap();
    let d3 = tracking::today(&store, &me, start + Duration::days(2)).await.unwrap().unwrap();
    assert!(!d1.is_rest_day && d3.is_rest_day);
    tracking::move_day(&store, &me.id, 1, 3).await.unwrap();
    let moved1 = tracking::today(&store, &me, start).await.unwrap().unwrap();
    let moved3 = tracking::today(&store, &me, start + Duration::days(2)).await.unwrap().unwrap();
    assert!(moved1.is_rest_day && !moved3.is_rest_day);
    assert_eq!(moved3.items[0].id, d1.items[0].id, "the workout moved with its id");
    assert_eq!(moved3.day_name, d1.day_name.replace("Day 1:", "Day 3:"));
    assert!(moved1.day_name.starts_with("Day 1:"), "{}", moved1.day_name);

    // Swap the first exercise: same pattern, fits the equipment, not the knee.
    let workout_id = moved3.items[0].id.clone();
    let before = tracking::item(&store, &me.id, &workout_id).await.unwrap();
    let swapped = tracking::swap_exercise(&store, &me.id, &workout_id, 0, None).await.unwrap();
    assert_ne!(swapped.name, before.exercises[0].name);
    assert_eq!(swapped.pattern, before.exercises[0].pattern);
    assert_eq!(swapped.sets, before.exercises[0].sets, "the prescription is kept");
    assert!(
        tracking::swap_exercise(&store, &me.id, &workout_id, 0, Some("Barbell back squat")).await.is_err()
    );

    let meal_id = moved3.items[1].id.clone();
    let meal_before = tracking::item(&store, &me.id, &meal_id).await.unwrap();
    tracking::swap_meal(&store, &me.id, &meal_id).await.unwrap();
    let meal_after = tracking::item(&store, &me.id, &meal_id).await.unwrap();
    assert_ne!(meal_after.foods, meal_before.foods);
    let (a, b) = (meal_after.calories.unwrap(), meal_before.calories.unwrap());
    assert!((a - b).abs() < b * 0.05, "{a} vs {b}");

    // Regenerating from week 3 keeps weeks 1-2 and touched days.
    tracking::mark(&store, &me.id, "15", Status::Completed).await.unwrap();
    let day15 = tracking::today(&store, &me, start + Duration::days(14)).await.unwrap().unwrap();
    let day16 = tracking::today(&store, &me, start + Duration::days(15)).await.unwrap().unwrap();
    let n = tracking::regenerate_from(&store, &me, 3, start).await.unwrap();
    assert_eq!(n, 69, "weeks 3-12 minus day 15");
    let day15_after = tracking::today(&store, &me, start + Duration::days(14)).await.unwrap().unwrap();
    let day16_after = tracking::today(&store, &me, start + Duration::days(15)).await.unwrap().unwrap();
    assert_eq!(day15_after.items[0].id, day15.items[0].id);
    assert_ne!(day16_after.items[0].id, day16.items[0].id);
    assert!(
        tracking::regenerate_from(&store, &me, 1, start + Duration::days(20)).await.is_err(),
        "week 1 is past"
    );
}

#[tokio::test]
async fn the_ics_export_parses_back_with_one_event_per_day() {
    let start = day(2026, 11, 2);
    let (dir, store, me, _id) = with_program(start).await;
    let path = dir.path().join("program.ics");
    let n = programs::ics::export(&store, &me, &path, wagner::clock::now()).await.unwrap();
    assert_eq!(n, 84);
    let text = std::fs::read_to_string(&path).unwrap();
    let cal: icalendar::Calendar = text.parse().unwrap();
    use icalendar::Component;
    let events: Vec<_> = cal.events().collect();
    assert_eq!(events.len(), 84);
    let first = events[0];
    assert!(first.get_summary().unwrap().starts_with("Day 1:"), "{:?}", first.get_summary());
    assert_eq!(first.get_start(), Some(icalendar::DatePerhapsTime::Date(start)));
    assert!(first.get_description().unwrap().contains("Workout:"));
    assert!(text.contains("BEGIN:VCALENDAR") && text.contains("END:VCALENDAR"));
}

/// The window loads the day and the calendar side by side (and again on a
/// refresh) while the embedding queue and logging write: every load must get
/// its day, never a "database is locked" that the page would show as no day.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_day_and_calendar_load_side_by_side_with_other_writes() {
    let start = day(2026, 11, 2);
    let (_dir, store, me, _id) = with_program(start).await;
    let mut tasks = tokio::task::JoinSet::new();
    for round in 0..24i64 {
        let (store, me) = (store.clone(), me.clone());
        // Different dates move current_day, so each refresh really writes.
        let on = start + Duration::days(round % 20);
        tasks.spawn(async move {
            let day = tracking::today(&store, &me, on).await.map_err(|e| format!("today {on}: {e}"))?;
            let day = day.ok_or_else(|| format!("no program day on {on}"))?;
            let calendar =
                tracking::calendar(&store, &me, on).await.map_err(|e| format!("calendar {on}: {e}"))?;
            if calendar.is_none() {
                return Err(format!("no calendar on {on}"));
            }
            Ok::<i64, String>(day.day_number)
        });
    }
    let mut days = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        days.push(joined.unwrap().unwrap_or_else(|e| panic!("a load failed: {e}")));
    }
    days.sort();
    days.dedup();
    assert_eq!(days, (1..=20).collect::<Vec<_>>());
}
