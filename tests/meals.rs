//! The diary: editing meals in any unit, copying meals and days, delete with
//! undo, the day view against targets, goals, on real database files with
//! the bundled food data.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod support;

use std::collections::BTreeMap;

use chrono::{NaiveDate, Utc};
use wagner::Store;
use wagner::clock;
use wagner::nutrition::foods;
use wagner::nutrition::meals::{self, FoodLine, MealEdit};
use wagner::nutrition::portions;
use wagner::nutrition::{self, MealCategory, MealSource};
use wagner::profile::{self, NewProfile, Profile};

async fn loaded(new: NewProfile) -> (tempfile::TempDir, Store, Profile) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("wagner.db")).await.unwrap();
    let mut conn = store.pool().acquire().await.unwrap();
    let me = profile::create(&mut conn, new).await.unwrap();
    drop(conn);
    foods::load_bundled(&store).await.unwrap();
    (dir, store, me)
}

fn me() -> NewProfile {
    NewProfile {
        full_name: "Me".into(),
        time_zone: Some("Europe/Berlin".into()),
        daily_calorie_target: Some(2200),
        daily_protein_target_g: Some(150),
        ..NewProfile::default()
    }
}

fn sr(id: &str) -> String {
    foods::shared_food_id("usda_sr24", id)
}
const EGG: &str = "01123";
const MILK: &str = "01077";
const BANANA: &str = "09040";

fn date(s: &str) -> NaiveDate {
    clock::parse_date(s).unwrap()
}

fn noon(profile: &Profile, d: &str) -> chrono::DateTime<Utc> {
    clock::local_to_utc(date(d), 12, 30, profile.tz())
}

type Summary = (f64, f64, Option<f64>, Option<f64>, String, i64);

async fn summary(store: &Store, user: &str, d: &str) -> Option<Summary> {
    sqlx::query_as(
        "SELECT total_calories, total_protein_g, total_fiber_g, total_sodium_mg, nutrients, meal_count \
         FROM daily_nutrition_summaries WHERE user_id = ? AND date = ?",
    )
    .bind(user)
    .bind(d)
    .fetch_optional(store.pool())
    .await
    .unwrap()
}

fn nutrients(json: &str) -> BTreeMap<String, f64> {
    serde_json::from_str(json).unwrap()
}

#[tokio::test]
async fn editing_a_meal_recomputes_its_totals_from_the_foods_in_any_unit() {
    let (_dir, store, me) = loaded(me()).await;
    let meal =
        meals::log_food_tx(&store, &me, MealCategory::Lunch, noon(&me, "2026-11-20"), &sr(EGG), 2.0, "large")
            .await
            .unwrap();
    assert_eq!(meal.total_calories, 143.0, "2 large eggs = 100 g of a 143 kcal/100 g food");
    assert_eq!(meal.total_sodium_mg, Some(142.0));
    assert_eq!(meal.nutrients["cholesterol_mg"], 372.0, "micronutrients are kept per meal");

    // Three eggs, a cup of milk and a banana: each in its own unit.
    let lines = vec![
        FoodLine::Food { food_id: sr(EGG), quantity: 3.0, unit: "large".into() },
        FoodLine::Food { food_id: sr(MILK), quantity: 1.0, unit: "cup".into() },
        FoodLine::Food { food_id: sr(BANANA), quantity: 1.0, unit: "medium".into() },
    ];
    let edited =
        meals::update_tx(&store, &me, &meal.id, &MealEdit { foods: Some(lines), ..Default::default() })
            .await
            .unwrap();
    let mut expected_kcal = 0.0;
    let mut expected_calcium = 0.0;
    for (id, q, unit) in [(EGG, 3.0, "large"), (MILK, 1.0, "cup"), (BANANA, 1.0, "medium")] {
        let e = portions::eaten(&store, &me.id, &sr(id), q, unit).await.unwrap();
        expected_kcal += e.food.calories;
        expected_calcium += e.nutrients["calcium_mg"];
    }
    assert!(
        (edited.total_calories - expected_kcal).abs() < 1e-9,
        "{} vs {expected_kcal}",
        edited.total_calories
    );
    assert!((edited.nutrients["calcium_mg"] - expected_calcium).abs() < 1e-9);
    assert_eq!(edited.foods.len(), 3);
    assert_eq!(edited.foods[1].grams, Some(244.0), "a cup of milk weighs 244 g");

    // The day's summary follows, micronutrients included.
    let (kcal, _, fiber, _, json, count) = summary(&store, &me.id, "2026-11-20").await.unwrap();
    assert_eq!((kcal, count), (edited.total_calories, 1));
    assert_eq!(fiber, edited.total_fiber_g);
    assert!((nutrients(&json)["calcium_mg"] - expected_calcium).abs() < 1e-9);

    // The same milk in ounces and in ml: units the food supports.
    let in_oz = meals::add_food_tx(&store, &me, &meal.id, &sr(MILK), 8.0, "oz").await.unwrap();
    assert_eq!(in_oz.foods.len(), 4);
    assert!(in_oz.total_calories > edited.total_calories);
    let bad = meals::add_food_tx(&store, &me, &meal.id, &sr(EGG), 1.0, "cup").await;
    assert!(bad.is_ok(), "an egg has a cup measure in SR24");
    let err = meals::add_food_tx(&store, &me, &meal.id, &sr(BANANA), 1.0, "furlong").await.unwrap_err();
    assert!(err.to_string().contains("furlong"), "{err}");
    let unchanged = meals::get(&mut store.pool().acquire().await.unwrap(), &me.id, &meal.id).await.unwrap();
    assert_eq!(unchanged.foods.len(), 5, "a failed edit changes nothing");

    // Moving the meal to another day moves its totals.
    let moved = meals::update_tx(
        &store,
        &me,
        &meal.id,
        &MealEdit {
            date: Some("2026-11-21".into()),
            category: Some(MealCategory::Dinner),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!((moved.local_date.as_str(), moved.category), ("2026-11-21", MealCategory::Dinner));
    assert!(summary(&store, &me.id, "2026-11-20").await.is_none(), "the old day has no meals left");
    assert_eq!(summary(&store, &me.id, "2026-11-21").await.unwrap().0, moved.total_calories);

    // Emptying a meal is refused: delete it instead.
    let err =
        meals::update_tx(&store, &me, &meal.id, &MealEdit { foods: Some(vec![]), ..Default::default() })
            .await
            .unwrap_err();
    assert!(err.to_string().contains("delete"), "{err}");
}

#[tokio::test]
async fn foods_without_a_database_row_scale_with_their_quantity() {
    let (_dir, store, me) = loaded(me()).await;
    let mut tx = store.pool().begin().await.unwrap();
    let stew = nutrition::MealFood {
        name: "grandma's stew".into(),
        quantity: 1.0,
        unit: "bowl".into(),
        grams: Some(350.0),
        calories: 480.0,
        protein_g: 32.0,
        carbs_g: 40.0,
        fat_g: 18.0,
        food_id: None,
        nutrients: [("dietary_fiber_g".to_string(), 6.0), ("iron_mg".to_string(), 4.2)].into(),
    };
    let id = nutrition::insert_meal(
        &mut tx,
        &me,
        &nutrition::NewMeal {
            category: MealCategory::Dinner,
            logged_at: noon(&me, "2026-11-22"),
            name: Some("stew".into()),
            foods: vec![stew.clone()],
            source: MealSource::QuickEntry,
            quick_entry_log_id: None,
            ai_extracted: true,
            ai_confidence: Some(0.7),
            image_url: None,
        },
    )
    .await
    .unwrap();
    let edit = MealEdit {
        foods: Some(vec![FoodLine::Kept { food: stew, quantity: Some(1.5) }]),
        ..Default::default()
    };
    let m = meals::update(&mut tx, &me, &id, &edit).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!((m.total_calories, m.total_fiber_g, m.nutrients["iron_mg"]), (720.0, Some(9.0), 6.3));
    let (kcal, _, fiber, sodium, json, _) = summary(&store, &me.id, "2026-11-22").await.unwrap();
    assert_eq!((kcal, fiber, sodium), (720.0, Some(9.0), None), "sodium unknown stays unknown, not 0");
    assert_eq!(nutrients(&json)["iron_mg"], 6.3);
}

#[tokio::test]
async fn copying_a_meal_or_a_day_logs_the_same_foods_on_the_other_day() {
    let (_dir, store, me) = loaded(me()).await;
    let at = |h| clock::local_to_utc(date("2026-11-23"), h, 0, me.tz());
    let breakfast = meals::log_food_tx(&store, &me, MealCategory::Breakfast, at(8), &sr(EGG), 2.0, "large")
        .await
        .unwrap();
    meals::log_food_tx(&store, &me, MealCategory::Snack, at(16), &sr(BANANA), 1.0, "medium").await.unwrap();
    let source_day = summary(&store, &me.id, "2026-11-23").await.unwrap();

    let copy = meals::copy_meal_tx(&store, &me, &breakfast.id, date("2026-11-24"), None).await.unwrap();
    assert_ne!(copy.id, breakfast.id);
    assert_eq!((copy.local_date.as_str(), copy.foods.clone()), ("2026-11-24", breakfast.foods.clone()));
    let local = clock::from_db(&copy.logged_at).unwrap().with_timezone(&me.tz());
    assert_eq!(chrono::Timelike::hour(&local), 8, "same time of day");

    let copies = meals::copy_day_tx(&store, &me, date("2026-11-23"), date("2026-11-25")).await.unwrap();
    assert_eq!(copies.len(), 2);
    let target_day = summary(&store, &me.id, "2026-11-25").await.unwrap();
    assert_eq!(target_day, source_day, "the copied day has the same totals, micronutrients included");

    assert!(meals::copy_day_tx(&store, &me, date("2026-11-23"), date("2026-11-23")).await.is_err());
    let err = meals::copy_day_tx(&store, &me, date("2026-11-01"), date("2026-11-02")).await.unwrap_err();
    assert!(err.to_string().contains("no meals"), "{err}");
}

#[tokio::test]
async fn deleted_meals_come_back_with_undo_and_so_does_the_summary() {
    let (_dir, store, me) = loaded(me()).await;
    let at = |h| clock::local_to_utc(date("2026-11-23"), h, 0, me.tz());
    let a = meals::log_food_tx(&store, &me, MealCategory::Breakfast, at(8), &sr(EGG), 2.0, "large")
        .await
        .unwrap();
    let b =
        meals::log_food_tx(&store, &me, MealCategory::Lunch, at(13), &sr(MILK), 1.0, "cup").await.unwrap();
    let before = summary(&store, &me.id, "2026-11-23").await.unwrap();

    let deleted = meals::delete_with_undo(&store, &me.id, std::slice::from_ref(&a.id)).await.unwrap();
    assert_eq!(deleted[0].id, a.id);
    assert_eq!(summary(&store, &me.id, "2026-11-23").await.unwrap().0, b.total_calories);

    let restored = meals::undo_delete(&store, &me.id).await.unwrap();
    assert_eq!(restored.len(), 1);
    assert_eq!(summary(&store, &me.id, "2026-11-23").await.unwrap(), before);
    let back = meals::get(&mut store.pool().acquire().await.unwrap(), &me.id, &a.id).await.unwrap();
    assert_eq!(back.foods, a.foods, "the same meal, same id");
    assert!(meals::undo_delete(&store, &me.id).await.is_err(), "nothing left to undo");

    // A whole day.
    let mut conn = store.pool().acquire().await.unwrap();
    let ids = meals::ids_on(&mut conn, &me.id, date("2026-11-23")).await.unwrap();
    drop(conn);
    meals::delete_with_undo(&store, &me.id, &ids).await.unwrap();
    assert!(summary(&store, &me.id, "2026-11-23").await.is_none());
    meals::undo_delete(&store, &me.id).await.unwrap();
    assert_eq!(summary(&store, &me.id, "2026-11-23").await.unwrap(), before);

    // An unknown id deletes nothing (one transaction).
    let err = meals::delete_with_undo(&store, &me.id, &[a.id.clone(), "nope".into()]).await.unwrap_err();
    assert_eq!(err.code(), "not_found");
    assert_eq!(summary(&store, &me.id, "2026-11-23").await.unwrap(), before);
}

#[tokio::test]
async fn one_profile_cannot_edit_copy_or_delete_anothers_meals() {
    let (_dir, store, me) = loaded(me()).await;
    let mut conn = store.pool().acquire().await.unwrap();
    let bob = profile::create(&mut conn, NewProfile { full_name: "Bob".into(), ..Default::default() })
        .await
        .unwrap();
    drop(conn);
    let m =
        meals::log_food_tx(&store, &me, MealCategory::Lunch, wagner::clock::now(), &sr(EGG), 1.0, "large")
            .await
            .unwrap();
    let edit = MealEdit { name: Some("mine".into()), ..Default::default() };
    assert_eq!(meals::update_tx(&store, &bob, &m.id, &edit).await.unwrap_err().code(), "not_found");
    assert!(meals::copy_meal_tx(&store, &bob, &m.id, date("2026-11-30"), None).await.is_err());
    assert!(meals::delete_with_undo(&store, &bob.id, std::slice::from_ref(&m.id)).await.is_err());
    assert!(meals::undo_delete(&store, &bob.id).await.is_err());
}

#[tokio::test]
async fn the_day_view_groups_meals_and_measures_micronutrients_against_daily_values() {
    let (_dir, store, me) = loaded(me()).await;
    let at = |h| clock::local_to_utc(date("2026-11-23"), h, 0, me.tz());
    meals::log_food_tx(&store, &me, MealCategory::Breakfast, at(8), &sr(EGG), 2.0, "large").await.unwrap();
    meals::log_food_tx(&store, &me, MealCategory::Lunch, at(13), &sr(BANANA), 2.0, "medium").await.unwrap();
    let view = nutrition::day_view(&store, &me, date("2026-11-23")).await.unwrap();
    let lunch = view.categories.iter().find(|c| c.category == MealCategory::Lunch).unwrap();
    assert_eq!(lunch.meals.len(), 1);
    assert_eq!(lunch.totals.calories, 210.0, "two medium bananas");
    assert!(view.categories.iter().find(|c| c.category == MealCategory::Dinner).unwrap().meals.is_empty());
    assert_eq!(view.nutrition.calories, 143.0 + 210.0);
    assert_eq!(view.nutrition.remaining.calories, Some(2200.0 - 353.0));
    let c = view.micros.iter().find(|l| l.key == "vitamin_c_mg").unwrap();
    let vit_c = c.amount.unwrap();
    assert!(vit_c > 15.0, "bananas have vitamin C: {vit_c}");
    assert_eq!(c.percent, Some((vit_c / 90.0 * 100.0).round()));
    let k = view.micros.iter().find(|l| l.key == "potassium_mg").unwrap();
    assert!(k.amount.unwrap() > 800.0);
}

#[tokio::test]
async fn targets_come_from_bmr_activity_and_the_goal_rate() {
    use wagner::nutrition::targets::{self, ActivityLevel};
    let (_dir, store, me) = loaded(NewProfile {
        age: Some(35),
        biological_sex: Some("male".into()),
        height_cm: Some(180.0),
        current_weight_kg: Some(80.0),
        training_frequency: Some(4),
        ..me()
    })
    .await;
    let p = targets::propose(&store, &me, None, -0.5).await.unwrap();
    // 10 × 80 + 6.25 × 180 − 5 × 35 + 5 = 1755; 4 workouts a week = moderate, 1.55.
    assert_eq!(p.bmr_kcal, Some(1755.0));
    assert_eq!(p.activity_factor, Some(1.55));
    let plan = p.plan.unwrap();
    assert_eq!(plan.calories, (1755.0_f64 * 1.55 - 550.0).round() as i64);
    assert_eq!(plan.protein_g, 160, "2 g/kg while losing");
    let sedentary = targets::propose(&store, &me, Some(ActivityLevel::Sedentary), -0.5).await.unwrap();
    assert!(sedentary.plan.unwrap().calories < plan.calories);

    // Applying sets every target and today's summary snapshot.
    meals::log_food_tx(&store, &me, MealCategory::Lunch, wagner::clock::now(), &sr(EGG), 1.0, "large")
        .await
        .unwrap();
    targets::apply(&store, &me, &plan).await.unwrap();
    let me = profile::get(&store, &me.id).await.unwrap();
    assert_eq!(me.daily_protein_target_g, Some(160));
    let today = clock::local_date(wagner::clock::now(), me.tz()).to_string();
    let snapshot: Option<i64> = sqlx::query_scalar(
        "SELECT calorie_target FROM daily_nutrition_summaries WHERE user_id = ? AND date = ?",
    )
    .bind(&me.id)
    .bind(today)
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(snapshot, Some(plan.calories));

    // Without body data there is nothing to propose, and it says why.
    let (_d2, store2, bare) = support::store_with_profile("Bare", "UTC").await;
    let p = targets::propose(&store2, &bare, None, 0.0).await.unwrap();
    assert!(p.plan.is_none());
    assert!(p.notes.iter().any(|n| n.contains("height")), "{:?}", p.notes);
}

#[tokio::test]
async fn goals_measure_progress_from_the_data() {
    use wagner::nutrition::goals::{self, NewGoal};
    let (_dir, store, me) = loaded(me()).await;
    let today = clock::local_date(wagner::clock::now(), me.tz());
    // Protein: 3 days of eggs in the last week.
    for days in 1..=3 {
        let at = clock::local_to_utc(today - chrono::Duration::days(days), 8, 0, me.tz());
        meals::log_food_tx(&store, &me, MealCategory::Breakfast, at, &sr(EGG), 10.0, "large").await.unwrap();
    }
    let g = goals::add(
        &store,
        &me,
        &NewGoal { goal_type: "protein".into(), target_value: 126.0, ..Default::default() },
    )
    .await
    .unwrap();
    assert_eq!(g.goal.title, "126 g protein a day");
    assert_eq!(g.current_value, Some(62.8), "10 large eggs = 500 g of 12.56 g/100 g");
    assert_eq!(g.percent, Some(50.0));

    let bad = goals::add(
        &store,
        &me,
        &NewGoal { goal_type: "vibes".into(), target_value: 1.0, ..Default::default() },
    )
    .await
    .unwrap_err();
    assert!(bad.to_string().contains("weight"), "{bad}");

    let w = goals::add(
        &store,
        &me,
        &NewGoal {
            goal_type: "weight".into(),
            target_value: 75.0,
            target_date: Some("2099-01-01".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(w.current_value, None, "no weigh-ins yet");
    let list = goals::list(&store, &me).await.unwrap();
    assert_eq!(list.len(), 2);
    let paused = goals::set_status(&store, &me, &g.goal.id, "paused").await.unwrap();
    assert_eq!(paused.goal.status, "paused");
    assert_eq!(goals::list(&store, &me).await.unwrap()[0].goal.id, w.goal.id, "active goals first");
    goals::delete(&store, &me.id, &w.goal.id).await.unwrap();
    assert_eq!(goals::list(&store, &me).await.unwrap().len(), 1);
}

fn wagner(db: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_wagner"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("WAGNER_DB")
        .output()
        .expect("running wagner")
}

#[test]
fn the_cli_logs_edits_copies_deletes_and_shows_the_day() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("wagner.db");
    let out = |o: std::process::Output| {
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    out(wagner(&db, &["init", "--name", "Sam", "--time-zone", "UTC"]));
    let egg = sr(EGG);
    let logged = out(wagner(
        &db,
        &["--json", "meal", "log", &egg, "2", "large", "--category", "lunch", "--date", "2026-11-20"],
    ));
    let meal: serde_json::Value = serde_json::from_str(&logged).unwrap();
    let id = meal["id"].as_str().unwrap().to_string();
    assert_eq!(meal["total_calories"], 143.0);

    let set = out(wagner(&db, &["meal", "set", &id, "1", "200", "g"]));
    assert!(set.contains("200 g Egg, whole, raw"), "{set}");
    let day = out(wagner(&db, &["day", "2026-11-20"]));
    assert!(day.contains("Lunch  286 kcal"), "{day}");
    assert!(day.contains("Cholesterol"), "micronutrients listed: {day}");

    out(wagner(&db, &["meal", "copy-day", "2026-11-20", "2026-11-21"]));
    assert!(out(wagner(&db, &["day", "2026-11-21"])).contains("Lunch  286 kcal"));
    let deleted = out(wagner(&db, &["meal", "delete-day", "2026-11-21"]));
    assert!(deleted.contains("wagner meal undo"), "{deleted}");
    assert!(out(wagner(&db, &["day", "2026-11-21"])).contains("Lunch  0 kcal"));
    assert!(out(wagner(&db, &["meal", "undo"])).contains("Restored"));
    assert!(out(wagner(&db, &["day", "2026-11-21"])).contains("Lunch  286 kcal"));

    let bad = wagner(&db, &["meal", "set", &id, "9", "1"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("foods 1 to 1"));
    let bad = wagner(&db, &["meal", "log", &egg, "1", "furlong"]);
    assert_eq!(bad.status.code(), Some(1), "a unit the food lacks is the user's mistake");

    let goal = out(wagner(&db, &["goals", "add", "protein", "150"]));
    assert!(goal.contains("150 g protein a day"), "{goal}");
    assert!(out(wagner(&db, &["goals"])).contains("150 g protein a day"));
    let targets = wagner(&db, &["targets", "--apply"]);
    assert_eq!(targets.status.code(), Some(1), "no body data: nothing to apply");

    let import = out(wagner(
        &db,
        &["meal", "import", concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/nutrition/servings.csv")],
    ));
    assert!(import.contains("5 meals added"), "{import}");
}
