//! End-to-end: the Nutrition page in the real window. Search a food, add it
//! to lunch with the portion picker and see the day's totals change; delete
//! the meal and undo. Run by scripts/test.sh under xvfb-run.

#![cfg(unix)]

mod e2e_support;

use e2e_support::*;
use wagner::{Store, nutrition, profile};

async fn day_kcal(db: &std::path::Path) -> (f64, usize) {
    let store = Store::open(db).await.unwrap();
    let me = profile::require_default(&store).await.unwrap();
    let today = wagner::clock::local_date(wagner::clock::now(), me.tz());
    let view = nutrition::day_view(&store, &me, today).await.unwrap();
    let lunch = view.categories.iter().find(|c| c.category == nutrition::MealCategory::Lunch).unwrap();
    let out = (view.nutrition.calories, lunch.meals.len());
    store.close().await;
    out
}

/// The calories line starts with the day's total ("2,150 / 2,200 kcal"), in any digit grouping.
fn shows_kcal(text: &str, kcal: f64) -> bool {
    digits(text).starts_with(&(kcal.round() as i64).to_string())
}

#[tokio::test]
#[ignore = "drives the real window: run by scripts/test.sh under xvfb-run"]
async fn search_a_food_add_it_to_lunch_then_delete_and_undo() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path()).await;
    let (kcal_before, lunches_before) = day_kcal(&db).await;
    let driver = start_driver(&db).await;
    let client = open_window(&driver).await;
    testid(&client, "today-page").await;
    testid(&client, "nav-nutrition").await.click().await.unwrap();
    testid(&client, "nutrition-page").await;
    let shown = testid(&client, "day-calories").await.text().await.unwrap();
    assert!(shows_kcal(&shown, kcal_before), "the page shows the core's total: {shown:?} vs {kcal_before}");

    // Search, pick the first hit (Bananas, raw), 2 medium ones for lunch.
    testid(&client, "food-search").await.send_keys("banana").await.unwrap();
    eventually("search results", || async {
        let hits = texts(&client, "food-hit").await;
        if hits.first().is_some_and(|h| h.contains("Bananas, raw")) {
            Ok(())
        } else {
            Err(format!("{hits:?}"))
        }
    })
    .await;
    let hits = client.find_all(fantoccini::Locator::Css("[data-testid='food-hit']")).await.unwrap();
    hits[0].click().await.unwrap();
    testid(&client, "portion-picker").await;
    let quantity = testid(&client, "portion-quantity").await;
    quantity.clear().await.unwrap();
    quantity.send_keys("2").await.unwrap();
    choose(&client, "meal-category", "lunch").await;
    let unit = testid(&client, "portion-unit").await.prop("value").await.unwrap().unwrap_or_default();
    assert!(unit.starts_with("medium"), "a banana is logged by its medium size: {unit:?}");
    save_screenshot(&client, "nutrition-portion-picker").await;
    testid(&client, "add-food").await.click().await.unwrap();

    // Two medium bananas are 2 × 118 g × 89 kcal/100 g = 210 kcal.
    eventually("the lunch appears and the totals grow", || async {
        let (kcal, lunches) = day_kcal(&db).await;
        let shown = testid(&client, "day-calories").await.text().await.unwrap_or_default();
        if lunches == lunches_before + 1
            && (kcal - kcal_before - 210.0).abs() < 0.6
            && shows_kcal(&shown, kcal)
        {
            Ok(())
        } else {
            Err(format!("core {kcal} kcal, {lunches} lunches; window {shown:?}"))
        }
    })
    .await;
    let lunch = testid(&client, "category-lunch").await.text().await.unwrap();
    assert!(lunch.contains("Bananas, raw"), "{lunch}");
    save_screenshot(&client, "nutrition-after-add").await;

    // Delete it: the totals drop back; undo puts it back.
    let meals = client
        .find_all(fantoccini::Locator::Css("[data-testid='category-lunch'] [data-testid='meal']"))
        .await
        .unwrap();
    let banana_meal = {
        let mut found = None;
        for m in meals {
            if m.text().await.unwrap_or_default().contains("Bananas, raw") {
                found = Some(m);
            }
        }
        found.expect("the banana meal is listed under lunch")
    };
    banana_meal
        .find(fantoccini::Locator::Css("[data-testid='delete-meal']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    testid(&client, "undo-delete").await;
    eventually("the meal is gone", || async {
        let (kcal, lunches) = day_kcal(&db).await;
        let shown = testid(&client, "day-calories").await.text().await.unwrap_or_default();
        if lunches == lunches_before && (kcal - kcal_before).abs() < 1e-6 && shows_kcal(&shown, kcal) {
            Ok(())
        } else {
            Err(format!("core {kcal} kcal, {lunches} lunches; window {shown:?}"))
        }
    })
    .await;
    testid(&client, "undo-delete").await.click().await.unwrap();
    testid(&client, "meal-restored").await;
    eventually("the meal is back", || async {
        let (kcal, lunches) = day_kcal(&db).await;
        if lunches == lunches_before + 1 && (kcal - kcal_before - 210.0).abs() < 0.6 {
            Ok(())
        } else {
            Err(format!("core {kcal} kcal, {lunches} lunches"))
        }
    })
    .await;
    let lunch = testid(&client, "category-lunch").await.text().await.unwrap();
    assert!(lunch.contains("Bananas, raw"), "{lunch}");
    save_screenshot(&client, "nutrition-after-undo").await;
    client.close().await.unwrap();
}
