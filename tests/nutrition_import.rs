//! Importing MyFitnessPal and Cronometer CSV exports into meal_logs.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod support;

use std::path::PathBuf;

use wagner::Store;
use wagner::nutrition::import::{self, ExportFormat};
use wagner::nutrition::{self, MealCategory, MealSource};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/nutrition").join(name)
}

async fn meal_count(store: &Store, user: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM meal_logs WHERE user_id = ?")
        .bind(user)
        .fetch_one(store.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_myfitnesspal_summary_becomes_one_meal_per_day_and_meal_and_imports_once() {
    let (_dir, store, me) = support::store_with_profile("Me", "America/Chicago").await;
    let file = fixture("Nutrition-Summary-2026-11-01-to-2026-11-03.csv");
    let r = import::import_file(&store, &me, &file).await.unwrap();
    assert_eq!(r.format, Some(ExportFormat::MyFitnessPal));
    assert_eq!((r.rows, r.meals_added, r.meals_updated), (9, 9, 0));
    assert_eq!((r.first_date.as_deref(), r.last_date.as_deref()), (Some("2026-11-01"), Some("2026-11-03")));

    let day =
        nutrition::day_view(&store, &me, wagner::clock::parse_date("2026-11-01").unwrap()).await.unwrap();
    // 412 + 655 + 1,038 + 210 kcal, the dinner written with a thousands separator.
    assert_eq!(day.nutrition.calories, 2315.0);
    assert!((day.nutrition.protein_g - (31.6 + 44.3 + 62.8 + 5.9)).abs() < 1e-9);
    assert!((day.nutrition.fiber_g - (4.2 + 9.6 + 11.2 + 4.1)).abs() < 1e-9);
    let dinner = &day.categories.iter().find(|c| c.category == MealCategory::Dinner).unwrap().meals[0];
    assert_eq!(dinner.source, MealSource::Imported);
    assert_eq!(dinner.total_sodium_mg, Some(1485.0));
    assert_eq!(dinner.nutrients["cholesterol_mg"], 142.0);
    assert!(
        !dinner.nutrients.contains_key("vitamin_c_mg"),
        "MyFitnessPal gives % of daily value, not amounts"
    );
    let extra =
        nutrition::day_view(&store, &me, wagner::clock::parse_date("2026-11-03").unwrap()).await.unwrap();
    assert_eq!(
        extra.categories.iter().find(|c| c.category == MealCategory::Snack).unwrap().meals.len(),
        1,
        "\"Meal 5\" is a snack"
    );

    // Again: nothing new.
    let again = import::import_file(&store, &me, &file).await.unwrap();
    assert_eq!((again.meals_added, again.meals_updated, again.meals_unchanged), (0, 0, 9));
    assert_eq!(meal_count(&store, &me.id).await, 9);
}

#[tokio::test]
async fn cronometer_servings_group_into_meals_with_their_micronutrients() {
    let (_dir, store, me) = support::store_with_profile("Me", "Europe/Berlin").await;
    let r = import::import_file(&store, &me, &fixture("servings.csv")).await.unwrap();
    assert_eq!(r.format, Some(ExportFormat::Cronometer));
    assert_eq!(r.rows, 8);
    assert_eq!(r.meals_added, 5, "11-10 breakfast, lunch, uncategorized; 11-11 breakfast, dinner");

    let d = nutrition::day_view(&store, &me, wagner::clock::parse_date("2026-11-10").unwrap()).await.unwrap();
    let breakfast = &d.categories.iter().find(|c| c.category == MealCategory::Breakfast).unwrap().meals[0];
    assert_eq!(breakfast.foods.len(), 2);
    assert_eq!(breakfast.foods[1].quantity, 2.0);
    assert_eq!(breakfast.foods[1].unit, "slice");
    assert!((breakfast.total_calories - (143.0 + 138.88)).abs() < 1e-9);
    assert!((breakfast.nutrients["vitamin_d_ug"] - 82.0 * 0.025).abs() < 1e-9, "IU become µg");
    let local = wagner::clock::from_db(&breakfast.logged_at).unwrap().with_timezone(&me.tz());
    assert_eq!(local.format("%H:%M").to_string(), "07:45");
    let water = &d.categories.iter().find(|c| c.category == MealCategory::Snack).unwrap().meals[0];
    assert_eq!((water.total_calories, water.foods[0].unit.as_str()), (0.0, "ml"));
    // The day's micronutrient panel reads the imported values.
    let b12 = d.micros.iter().find(|l| l.key == "vitamin_b12_ug").unwrap();
    assert!((b12.amount.unwrap() - (0.89 + 0.51)).abs() < 1e-9);
    let again = import::import_file(&store, &me, &fixture("servings.csv")).await.unwrap();
    assert_eq!((again.meals_added, again.meals_unchanged), (0, 5));
}

#[tokio::test]
async fn a_bad_row_names_the_file_and_line_and_imports_nothing() {
    let (_dir, store, me) = support::store_with_profile("Me", "UTC").await;
    let err = import::import_file(&store, &me, &fixture("servings-bad-row.csv")).await.unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("servings-bad-row.csv, line 3"), "{msg}");
    assert!(msg.contains("Energy (kcal)") && msg.contains("about 95"), "{msg}");
    assert_eq!(meal_count(&store, &me.id).await, 0, "one transaction: the good row is not kept either");
    // The preview names every bad line, not just the first, and counts the meals of the good ones.
    let preview = import::preview_file(&fixture("servings-bad-row.csv")).unwrap();
    assert_eq!(preview.problems.len(), 1, "{:?}", preview.problems);
    assert!(preview.problems[0].starts_with("servings-bad-row.csv, line 3: "), "{:?}", preview.problems);
    let dir = tempfile::tempdir().unwrap();
    let two_bad = dir.path().join("two-bad.csv");
    std::fs::write(
        &two_bad,
        "Day,Time,Group,Food Name,Amount,Energy (kcal)\n2026-11-10,,Lunch,Rice,1 cup,-5\n\
         2026-11-10,,Lunch,Beans,1 cup,120\n2026-11-31,,Dinner,Soup,1 cup,80\n",
    )
    .unwrap();
    let preview = import::preview_file(&two_bad).unwrap();
    assert_eq!((preview.meals_added, preview.rows), (1, 1), "the good line's meal");
    assert_eq!(preview.problems.len(), 2, "{:?}", preview.problems);
    assert!(
        preview.problems[0].contains("line 2") && preview.problems[1].contains("line 4"),
        "{:?}",
        preview.problems
    );
    let err = import::import_file(&store, &me, &two_bad).await.unwrap_err().to_string();
    assert!(err.contains("line 2") && err.contains("line 4"), "the refusal names both: {err}");
    assert_eq!(meal_count(&store, &me.id).await, 0);

    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("steps.csv");
    std::fs::write(&other, "Date,Steps\n2026-11-01,9000\n").unwrap();
    let err = import::import_file(&store, &me, &other).await.unwrap_err().to_string();
    assert!(err.contains("steps.csv") && err.contains("Cronometer"), "{err}");
    let missing = import::import_file(&store, &me, &dir.path().join("nope.csv")).await.unwrap_err();
    assert!(missing.to_string().contains("nope.csv"), "{missing}");
}

#[tokio::test]
async fn a_longer_export_updates_the_days_it_shares() {
    let (_dir, store, me) = support::store_with_profile("Me", "UTC").await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("servings.csv");
    let header = "Day,Time,Group,Food Name,Amount,Energy (kcal),Protein (g),Carbs (g),Fat (g)\n";
    std::fs::write(&file, format!("{header}2026-11-12,08:00 AM,Breakfast,Oats,40.00 g,151.6,5.3,27.1,2.6\n"))
        .unwrap();
    import::import_file(&store, &me, &file).await.unwrap();
    std::fs::write(
        &file,
        format!("{header}2026-11-12,08:00 AM,Breakfast,Oats,40.00 g,151.6,5.3,27.1,2.6\n2026-11-12,08:00 AM,Breakfast,Milk,200.00 ml,122.0,6.4,9.6,6.6\n2026-11-13,08:00 AM,Breakfast,Oats,40.00 g,151.6,5.3,27.1,2.6\n"),
    )
    .unwrap();
    let r = import::import_file(&store, &me, &file).await.unwrap();
    assert_eq!((r.meals_added, r.meals_updated, r.meals_unchanged), (1, 1, 0));
    let d = nutrition::day_view(&store, &me, wagner::clock::parse_date("2026-11-12").unwrap()).await.unwrap();
    assert!(
        (d.nutrition.calories - 273.6).abs() < 1e-9,
        "the summary follows the update: {}",
        d.nutrition.calories
    );
    assert_eq!(meal_count(&store, &me.id).await, 2);
}
