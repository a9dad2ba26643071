//! Quick entry end to end on real SQLite files: raw entry first, then rows
//! linked back to it, nutrition from the food database, failures kept.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use chrono::{TimeZone, Utc};
use wagner::profile::{self, NewProfile, Profile};
use wagner::quick_entry::pipeline::{self, Reader};
use wagner::quick_entry::{self, ProcessingStatus};
use wagner::{Store, dashboard};

async fn setup() -> (tempfile::TempDir, Store, Profile) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("wagner.db")).await.unwrap();
    let mut conn = store.pool().acquire().await.unwrap();
    let me = profile::create(
        &mut conn,
        NewProfile {
            full_name: "Quinn".into(),
            time_zone: Some("Europe/Berlin".into()),
            ..NewProfile::default()
        },
    )
    .await
    .unwrap();
    // Real USDA SR24 values per 100 g with their household portions.
    for (id, name, kcal, p, c, f, portions) in [
        (
            "f-egg",
            "Egg, whole, raw, fresh",
            143.0,
            12.56,
            0.72,
            9.51,
            r#"[{"name":"large","amount":1,"grams":50}]"#,
        ),
        (
            "f-noodle",
            "Egg noodles, cooked, enriched",
            138.0,
            4.54,
            25.16,
            2.07,
            r#"[{"name":"cup","amount":1,"grams":160}]"#,
        ),
        (
            "f-toast",
            "Bread, whole-wheat, toasted",
            306.0,
            15.8,
            50.3,
            4.27,
            r#"[{"name":"slice","amount":1,"grams":28}]"#,
        ),
        (
            "f-banana",
            "Bananas, raw",
            89.0,
            1.09,
            22.84,
            0.33,
            r#"[{"name":"medium (7\" to 7-7/8\" long)","amount":1,"grams":118}]"#,
        ),
    ] {
        sqlx::query(
            "INSERT INTO foods_enhanced (id, name, calories, protein_g, total_carbs_g, total_fat_g, portions, source, source_id) \
             VALUES (?, ?, ?, ?, ?, ?, ?, 'usda_sr24', ?)",
        )
        .bind(id)
        .bind(name)
        .bind(kcal)
        .bind(p)
        .bind(c)
        .bind(f)
        .bind(portions)
        .bind(id)
        .execute(&mut *conn)
        .await
        .unwrap();
    }
    drop(conn);
    (dir, store, me)
}

#[tokio::test]
async fn one_entry_becomes_a_meal_a_run_and_a_weight_linked_back() {
    let (_dir, store, me) = setup().await;
    let at = Utc.with_ymd_and_hms(2026, 11, 25, 7, 30, 0).unwrap(); // 08:30 in Berlin
    let entry = quick_entry::log_text_at(
        &store,
        &me,
        "2 eggs and a banana, then ran 5k in 25:30, weighed 82.4 kg",
        at,
    )
    .await
    .unwrap();
    assert_eq!(entry.processing_status, ProcessingStatus::Pending, "stored before any processing");

    let done = pipeline::process(&store, &me, &entry.id, Reader::Offline).await.unwrap();
    assert_eq!(done.entry.processing_status, ProcessingStatus::Completed);
    assert_eq!(done.classification, "multiple");
    assert_eq!(
        (done.meal_log_ids.len(), done.activity_ids.len(), done.body_measurement_ids.len()),
        (1, 1, 1)
    );

    // Nutrition from the food database: 2 large eggs (100 g) + 1 medium banana (118 g).
    let meal = &done.extraction.meals[0];
    assert_eq!(meal.foods[0].food_id.as_deref(), Some("f-egg"), "egg, not egg noodles");
    assert_eq!(meal.foods[0].calories, 143.0);
    assert_eq!(meal.foods[1].calories, 105.0);

    let day =
        dashboard::day(&store, &me, chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()).await.unwrap();
    assert_eq!(day.nutrition.calories, 248.0);
    assert_eq!(day.nutrition.meals[0].category, wagner::nutrition::MealCategory::Breakfast, "08:30 local");
    assert_eq!(day.activities[0].distance_meters, Some(5000.0));
    assert_eq!(day.activities[0].elapsed_time_seconds, 1530);
    assert_eq!(day.body.as_ref().unwrap().weight_kg, Some(82.4));

    // Every row points back at the entry, flagged as extracted.
    let linked: (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM meal_logs WHERE quick_entry_log_id = ?1 AND ai_extracted = 1), \
                (SELECT COUNT(*) FROM activities WHERE quick_entry_log_id = ?1 AND ai_extracted = 1), \
                (SELECT COUNT(*) FROM body_measurements WHERE quick_entry_log_id = ?1 AND ai_extracted = 1)",
    )
    .bind(&entry.id)
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(linked, (1, 1, 1));
    let (flags, ids, provider): (String, String, String) = sqlx::query_as(
        "SELECT contains_meal || contains_workout || contains_body_measurement, meal_log_ids, ai_provider \
         FROM quick_entry_logs WHERE id = ?",
    )
    .bind(&entry.id)
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(flags, "111");
    assert_eq!(ids, serde_json::json!(done.meal_log_ids).to_string());
    assert_eq!(provider, "offline");
}

#[tokio::test]
async fn strength_sets_become_segments() {
    let (_dir, store, me) = setup().await;
    let entry = quick_entry::log_text(&store, &me, "bench 3x8 @ 80 kg, squat 5x5 at 100kg").await.unwrap();
    let done = pipeline::process(&store, &me, &entry.id, Reader::Offline).await.unwrap();
    let volume: (i64, f64) = sqlx::query_as(
        "SELECT COUNT(*), SUM(reps * weight_kg) FROM activity_segments WHERE activity_id = ? AND segment_type = 'set'",
    )
    .bind(&done.activity_ids[0])
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(volume, (8, 3.0 * 8.0 * 80.0 + 5.0 * 5.0 * 100.0));
}

#[tokio::test]
async fn a_failed_entry_keeps_its_text_and_reason_and_can_be_retried() {
    let (_dir, store, me) = setup().await;
    let entry = quick_entry::log_text(&store, &me, "felt great").await.unwrap();
    let err = pipeline::process(&store, &me, &entry.id, Reader::Offline).await.unwrap_err();
    assert!(err.to_string().contains("nothing recognised"));
    let failed = quick_entry::get(&store, &me.id, &entry.id).await.unwrap();
    assert_eq!(failed.processing_status, ProcessingStatus::Failed);
    assert_eq!(failed.raw_text.as_deref(), Some("felt great"));
    assert!(failed.error_message.unwrap().contains("nothing recognised"));

    // The user edits the text; the retry reads the new text.
    sqlx::query("UPDATE quick_entry_logs SET raw_text = 'felt great, 2 eggs' WHERE id = ?")
        .bind(&entry.id)
        .execute(store.pool())
        .await
        .unwrap();
    let done = pipeline::process(&store, &me, &entry.id, Reader::Offline).await.unwrap();
    assert_eq!(done.entry.processing_status, ProcessingStatus::Completed);
    assert!(done.confidence < 0.7, "an unreadable part lowers confidence: {}", done.confidence);
    let attempts: i64 = sqlx::query_scalar("SELECT attempts FROM quick_entry_logs WHERE id = ?")
        .bind(&entry.id)
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(attempts, 2);

    // A completed entry is not processed twice (no duplicate rows).
    let again = pipeline::process(&store, &me, &entry.id, Reader::Offline).await.unwrap_err();
    assert!(again.to_string().contains("completed"), "{again}");
    let meals: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM meal_logs").fetch_one(store.pool()).await.unwrap();
    assert_eq!(meals, 1);
}

#[tokio::test]
async fn entries_interrupted_by_a_crash_are_picked_up_again() {
    let (_dir, store, me) = setup().await;
    let entry = quick_entry::log_text(&store, &me, "a banana").await.unwrap();
    // As if the app died mid-processing.
    sqlx::query("UPDATE quick_entry_logs SET processing_status = 'processing' WHERE id = ?")
        .bind(&entry.id)
        .execute(store.pool())
        .await
        .unwrap();
    assert_eq!(pipeline::recover_interrupted(&store).await.unwrap(), 1);
    let results = pipeline::process_pending(&store, &me, Reader::Offline).await.unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].as_ref().unwrap().extraction.meals[0].foods[0].calories, 105.0);
}

#[tokio::test]
async fn food_not_in_the_database_is_kept_with_lower_confidence() {
    let (_dir, store, me) = setup().await;
    let entry = quick_entry::log_text(&store, &me, "2 eggs and a slice of durian pie").await.unwrap();
    let done = pipeline::process(&store, &me, &entry.id, Reader::Offline).await.unwrap();
    let foods = &done.extraction.meals[0].foods;
    assert_eq!(foods.len(), 2);
    assert!(foods[1].food_id.is_none() && foods[1].calories == 0.0);
    assert!(done.confidence <= 0.53, "{}", done.confidence);
}

#[tokio::test]
async fn editing_an_entry_replaces_the_rows_it_created() {
    let (_dir, store, me) = setup().await;
    let entry = quick_entry::log_text(&store, &me, "3 eggs and ran 5k in 25:30").await.unwrap();
    let first = pipeline::process(&store, &me, &entry.id, Reader::Offline).await.unwrap();
    assert_eq!(first.extraction.meals[0].foods[0].calories, 214.5);

    // It was two eggs and no run.
    let edited = pipeline::edit(&store, &me, &entry.id, "2 eggs", Reader::Offline).await.unwrap();
    assert_eq!(edited.entry.raw_text.as_deref(), Some("2 eggs"));
    assert_eq!(edited.classification, "meal");
    let (meals, activities, kcal): (i64, i64, f64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM meal_logs), (SELECT COUNT(*) FROM activities), \
                (SELECT total_calories FROM daily_nutrition_summaries)",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!((meals, activities, kcal), (1, 0, 143.0), "old rows gone, the day's totals follow");
    assert!(pipeline::edit(&store, &me, &entry.id, "  ", Reader::Offline).await.is_err());
}

#[tokio::test]
async fn the_history_filters_by_status_classification_day_and_text() {
    let (_dir, store, me) = setup().await;
    let day = |d: u32, h: u32| Utc.with_ymd_and_hms(2026, 11, d, h, 0, 0).unwrap();
    for (text, at) in
        [("2 eggs", day(20, 8)), ("ran 5k in 25:30", day(21, 7)), ("felt 100% great", day(22, 9))]
    {
        let e = quick_entry::log_text_at(&store, &me, text, at).await.unwrap();
        let _ = pipeline::process(&store, &me, &e.id, Reader::Offline).await;
    }
    let find = |filter: quick_entry::EntryFilter| {
        let store = store.clone();
        let me = me.clone();
        async move {
            quick_entry::search(&store, &me, &filter)
                .await
                .unwrap()
                .into_iter()
                .map(|e| e.raw_text.unwrap_or_default())
                .collect::<Vec<_>>()
        }
    };
    use quick_entry::EntryFilter;
    assert_eq!(find(EntryFilter::default()).await, ["felt 100% great", "ran 5k in 25:30", "2 eggs"]);
    assert_eq!(
        find(EntryFilter { status: Some(ProcessingStatus::Failed), ..Default::default() }).await,
        ["felt 100% great"]
    );
    assert_eq!(
        find(EntryFilter { classification: Some("workout".into()), ..Default::default() }).await,
        ["ran 5k in 25:30"]
    );
    // Berlin days: 21 Nov 07:00 UTC is 08:00 local on the 21st.
    assert_eq!(
        find(EntryFilter {
            from: Some("2026-11-21".into()),
            to: Some("2026-11-21".into()),
            ..Default::default()
        })
        .await,
        ["ran 5k in 25:30"]
    );
    assert_eq!(
        find(EntryFilter { text: Some("100%".into()), ..Default::default() }).await,
        ["felt 100% great"]
    );
    assert!(
        find(EntryFilter { text: Some("%".into()), ..Default::default() }).await.len() == 1,
        "% is literal"
    );
}
