//! Never a silent zero: a food that matches nothing leaves the entry
//! `needs_review` (counted on Today), the review offers candidates with kcal
//! for the portion, a pick recomputes the meal and the day, completes the
//! entry and is remembered for the next entry — on real SQLite files with the
//! bundled foods.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod support;

use wagner::dashboard;
use wagner::nutrition::{self, foods, resolve};
use wagner::quick_entry::pipeline::{self, Reader};
use wagner::quick_entry::{self, ProcessingStatus, review};

async fn setup() -> (tempfile::TempDir, wagner::Store, wagner::profile::Profile) {
    let (dir, store, me) = support::store_with_profile("Ana", "UTC").await;
    foods::load_bundled(&store).await.expect("bundled foods");
    (dir, store, me)
}

async fn log(store: &wagner::Store, me: &wagner::profile::Profile, text: &str) -> pipeline::Processed {
    let entry = quick_entry::log_text(store, me, text).await.expect("stored");
    pipeline::process(store, me, &entry.id, Reader::Offline).await.expect("read")
}

#[tokio::test]
async fn everyday_foods_resolve_to_grams_and_calories() {
    let (_dir, store, me) = setup().await;
    for text in [
        "lunch: a slice of pepperoni pizza and a glass of orange juice",
        "dinner: pork chop 200g with 1 cup pasta",
        "had a whopper and small fries",
        "a handful of almonds and a latte",
        "bowl of chili for dinner",
    ] {
        let p = log(&store, &me, text).await;
        assert_eq!(
            p.entry.processing_status,
            ProcessingStatus::Completed,
            "{text}: {:?}",
            p.entry.error_message
        );
        let foods: Vec<_> = p.extraction.meals.iter().flat_map(|m| &m.foods).collect();
        assert!(!foods.is_empty(), "{text}");
        for f in foods {
            assert!(f.food_id.is_some() && f.grams.is_some_and(|g| g > 0.0), "{text}: {f:?}");
            assert!(f.calories > 0.0, "{text}: {} has no calories", f.name);
        }
    }
    // "pork chop 200g": the amount inside the phrase is the grams eaten.
    let p = log(&store, &me, "pork chop 200g").await;
    assert_eq!(p.extraction.meals[0].foods[0].grams, Some(200.0));
}

#[tokio::test]
async fn an_unknown_food_waits_for_review_and_a_pick_is_remembered() {
    let (_dir, store, me) = setup().await;
    let p = log(&store, &me, "lunch: rice and kombuchaa").await;
    assert_eq!(p.entry.processing_status, ProcessingStatus::NeedsReview, "not completed with a silent zero");
    let reason = p.entry.error_message.clone().expect("a reason");
    assert!(reason.contains("kombuchaa"), "{reason}");
    let day = clock_day(&p);
    let before = nutrition::day(&store, &me, day).await.unwrap();
    assert!(before.calories > 0.0, "the rice counts");

    let attention = dashboard::attention(&store, &me.id, wagner::clock::now() + chrono::Duration::minutes(1))
        .await
        .unwrap();
    assert_eq!(attention.needs_review, 1, "counted on Today");
    assert!(attention.entries.iter().any(|e| e.id == p.entry.id));
    let filtered = quick_entry::search(
        &store,
        &me,
        &quick_entry::EntryFilter { status: Some(ProcessingStatus::NeedsReview), ..Default::default() },
    )
    .await
    .unwrap();
    assert_eq!(filtered.len(), 1, "the Log filter finds it");

    let r = review::review(&store, &me, &p.entry.id).await.unwrap();
    assert_eq!(r.foods.len(), 1);
    let unmatched = &r.foods[0];
    assert_eq!(unmatched.name, "kombuchaa");
    let kombucha = unmatched
        .candidates
        .iter()
        .find(|c| c.name.to_lowercase().contains("kombucha"))
        .unwrap_or_else(|| panic!("a kombucha candidate: {:?}", unmatched.candidates));
    assert!(kombucha.calories > 0.0 && kombucha.grams > 0.0, "{kombucha:?}");

    // A stale pick (the meal changed) writes nothing.
    let stale = review::pick(
        &store,
        &me,
        &p.entry.id,
        &unmatched.meal_id,
        unmatched.food_index,
        Some("tea"),
        &kombucha.food_id,
    )
    .await;
    assert!(stale.is_err());

    let after = review::pick(
        &store,
        &me,
        &p.entry.id,
        &unmatched.meal_id,
        unmatched.food_index,
        Some(&unmatched.name),
        &kombucha.food_id,
    )
    .await
    .unwrap();
    assert_eq!(after.status, ProcessingStatus::Completed);
    assert!(after.foods.is_empty());
    let meal = &after.meals[0];
    let picked = &meal.foods[unmatched.food_index as usize];
    assert_eq!(picked.name, "kombuchaa", "the name stays as typed");
    assert_eq!(picked.food_id.as_deref(), Some(kombucha.food_id.as_str()));
    assert!((picked.calories - kombucha.calories).abs() < 0.5, "{picked:?} vs {kombucha:?}");
    let day_after = nutrition::day(&store, &me, day).await.unwrap();
    assert!(
        (day_after.calories - before.calories - kombucha.calories).abs() < 1.0,
        "the day is recomputed: {} → {}",
        before.calories,
        day_after.calories
    );

    // Next time the same name resolves to the pick, offline, without asking.
    assert_eq!(
        resolve::remembered(&store, &me.id, &resolve::phrase_key("Kombuchaa")).await.unwrap().as_deref(),
        Some(kombucha.food_id.as_str())
    );
    let again = log(&store, &me, "kombuchaa with lunch").await;
    assert_eq!(again.entry.processing_status, ProcessingStatus::Completed);
    let food = &again.extraction.meals[0].foods[0];
    assert_eq!(food.food_id.as_deref(), Some(kombucha.food_id.as_str()));
    // And the window's food search puts it first for those words.
    let hits = foods::search(&store, &me.id, "kombuchaa", 5).await.unwrap();
    assert!(hits.is_empty() || hits[0].id == kombucha.food_id);
}

#[tokio::test]
async fn a_food_nothing_resembles_has_no_candidates_and_still_waits() {
    let (_dir, store, me) = setup().await;
    let p = log(&store, &me, "dinner: glorpnax").await;
    assert_eq!(p.entry.processing_status, ProcessingStatus::NeedsReview);
    let meal = &p.extraction.meals[0].foods[0];
    assert_eq!((meal.calories, meal.food_id.as_deref()), (0.0, None));
    let r = review::review(&store, &me, &p.entry.id).await.unwrap();
    assert_eq!(r.foods.len(), 1);
    // A pick from the window's search works the same way.
    let rice = foods::search(&store, &me.id, "rice", 1).await.unwrap().remove(0);
    let after = review::pick_numbered(&store, &me, &p.entry.id, 1, &rice.id).await.unwrap();
    assert_eq!(after.status, ProcessingStatus::Completed);
    assert!(after.meals[0].total_calories > 0.0);
    let wrong = review::pick_numbered(&store, &me, &p.entry.id, 1, &rice.id).await;
    assert!(wrong.is_err(), "nothing is left to pick");
}

#[tokio::test]
async fn workouts_get_estimated_calories_and_body_entries_their_units() {
    let (_dir, store, me) = setup().await;
    log(&store, &me, "weighed 70 kg").await;
    let p = log(&store, &me, "1 hr badminton").await;
    let id = &p.activity_ids[0];
    let (kind, seconds, kcal, notes): (String, i64, Option<i64>, Option<String>) = sqlx::query_as(
        "SELECT activity_type, elapsed_time_seconds, calories, notes FROM activities WHERE id = ?",
    )
    .bind(id)
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!((kind.as_str(), seconds), ("sport", 3600));
    // Badminton 5.5 MET × 70 kg × 1 h.
    assert_eq!(kcal, Some(385));
    assert!(notes.unwrap_or_default().contains("estimated"));

    let p = log(&store, &me, "50 situps and 30 burpees").await;
    assert_eq!(p.extraction.workouts[0].sets.iter().map(|s| s.reps).sum::<i64>(), 80);

    let p = log(&store, &me, "rhr 52, 71,8 kg").await;
    let (weight, measures): (Option<f64>, String) =
        sqlx::query_as("SELECT weight_kg, measurements FROM body_measurements WHERE id = ?")
            .bind(&p.body_measurement_ids[0])
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!(weight, Some(71.8));
    assert!(measures.contains("\"resting_hr_bpm\":52"), "{measures}");
}

fn clock_day(p: &pipeline::Processed) -> chrono::NaiveDate {
    let at = wagner::clock::from_db(&p.entry.logged_at).unwrap();
    wagner::clock::local_date(at, chrono_tz::UTC)
}

/// The remembered pick is also what an AI provider's food of that name is
/// resolved to: its macros are kept, the picked food adds the micronutrients.
#[tokio::test]
async fn a_remembered_pick_is_used_when_an_ai_provider_reads_the_entry() {
    use serde_json::json;
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let (_dir, store, me) = setup().await;
    let p = log(&store, &me, "lunch: rice and kombuchaa").await;
    let r = review::review(&store, &me, &p.entry.id).await.unwrap();
    let kombucha =
        r.foods[0].candidates.iter().find(|c| c.name.to_lowercase().contains("kombucha")).unwrap().clone();
    review::pick_numbered(&store, &me, &p.entry.id, 1, &kombucha.food_id).await.unwrap();

    let server = MockServer::start().await;
    let reading = json!({
        "meals": [{"category": "lunch", "foods": [
            {"name": "kombuchaa", "quantity": 1, "unit": "bottle", "grams": 480, "calories": 70, "protein_g": 0, "carbs_g": 16, "fat_g": 0}
        ]}],
        "workouts": [], "measurements": [], "confidence": 0.9
    });
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "msg_01XFDUDYJgAACzvnptvVoYEL", "type": "message", "role": "assistant",
            "model": "claude-3-5-haiku-20241022",
            "content": [{"type": "tool_use", "id": "toolu_01A09q90qw90lq917835lq9", "name": "record_entry", "input": reading}],
            "stop_reason": "tool_use", "stop_sequence": null,
            "usage": {"input_tokens": 900, "output_tokens": 120}
        })))
        .mount(&server)
        .await;
    let provider = support::loopback_provider(
        wagner::ai::ProviderKind::Anthropic,
        "claude-3-5-haiku-20241022",
        &server.uri(),
        "test-key-not-a-real-secret",
        wagner::ai::RetryPolicy {
            attempts: 1,
            base_delay: std::time::Duration::from_millis(10),
            max_delay: std::time::Duration::from_millis(10),
            timeout: std::time::Duration::from_secs(5),
        },
    );
    let entry = quick_entry::log_text(&store, &me, "a bottle of kombuchaa").await.unwrap();
    let read = pipeline::process(&store, &me, &entry.id, Reader::Ai(&provider)).await.unwrap();
    let reader: String = sqlx::query_scalar("SELECT ai_provider FROM quick_entry_logs WHERE id = ?")
        .bind(&entry.id)
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(reader, "anthropic", "read by the provider, not the offline fallback");
    assert_eq!(read.entry.processing_status, ProcessingStatus::Completed);
    let food = &read.extraction.meals[0].foods[0];
    assert_eq!(food.calories, 70.0, "the provider's macros are kept");
    let picked = foods::get(&store, &me.id, &kombucha.food_id).await.unwrap();
    let sugar_per_kcal = picked.nutrients.get("total_sugars_g").copied().unwrap_or(0.0)
        / picked.nutrients.get("calories").copied().unwrap_or(1.0);
    let got = food.nutrients.get("total_sugars_g").copied().expect("micronutrients from the picked food");
    assert!((got - sugar_per_kcal * 70.0).abs() < 0.05, "scaled to the provider's 70 kcal: {got}");
}
