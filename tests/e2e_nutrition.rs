//! End-to-end: the Nutrition page in the real window. Search a food, add it
//! to lunch with the portion picker and see the day's totals change; delete
//! the meal and undo; an unknown barcode opens the custom-food form, and the
//! saved food is found and logged; a recipe is made from foods, shows its
//! per-serving nutrients, is edited, and a serving of it is logged. Run by
//! scripts/test.sh under xvfb-run.

#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod e2e_support;

use e2e_support::*;
use wagner::nutrition::{portions, recipes};
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

/// Calories of the day and the number of snack meals, as the core sees them.
async fn day_snacks(db: &std::path::Path) -> (f64, usize) {
    let store = Store::open(db).await.unwrap();
    let me = profile::require_default(&store).await.unwrap();
    let today = wagner::clock::local_date(wagner::clock::now(), me.tz());
    let view = nutrition::day_view(&store, &me, today).await.unwrap();
    let snack = view.categories.iter().find(|c| c.category == nutrition::MealCategory::Snack).unwrap();
    let out = (view.nutrition.calories, snack.meals.len());
    store.close().await;
    out
}

async fn fill(client: &fantoccini::Client, id: &str, text: &str) {
    let field = testid(client, id).await;
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

#[tokio::test]
#[ignore = "drives the real window: run by scripts/test.sh under xvfb-run"]
async fn an_unknown_barcode_opens_the_custom_food_form_and_the_saved_food_is_found_and_logged() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path()).await;
    let (kcal_before, snacks_before) = day_snacks(&db).await;
    let driver = start_driver(&db).await;
    let client = open_window(&driver).await;
    testid(&client, "today-page").await;
    testid(&client, "nav-nutrition").await.click().await.unwrap();
    testid(&client, "nutrition-page").await;

    // A barcode no food has: the form opens with it filled in, and no command to type.
    let code = "4006381333931";
    testid(&client, "barcode-input").await.send_keys(code).await.unwrap();
    testid(&client, "barcode-lookup").await.click().await.unwrap();
    let message = testid(&client, "barcode-message").await.text().await.unwrap();
    assert!(message.contains(code) && !message.contains("wagner"), "{message}");
    testid(&client, "custom-food-form").await;
    let prefilled = testid(&client, "custom-food-barcode").await.prop("value").await.unwrap();
    assert_eq!(prefilled.as_deref(), Some(code));

    // The label: one 45 g bar has 200 kcal, 9 g protein, 22 g carbs, 9 g fat.
    fill(&client, "custom-food-name", "Hazelnut trail bar").await;
    fill(&client, "custom-food-serving", "1 bar=45g").await;
    choose(&client, "custom-food-per", "serving").await;
    fill(&client, "custom-food-calories", "200").await;
    fill(&client, "custom-food-protein_g", "9").await;
    fill(&client, "custom-food-total_carbs_g", "22").await;
    fill(&client, "custom-food-total_fat_g", "9").await;
    save_screenshot(&client, "nutrition-custom-food-form").await;
    testid(&client, "custom-food-save").await.click().await.unwrap();
    testid(&client, "custom-food-saved").await;
    let picker = testid(&client, "portion-picker").await.text().await.unwrap();
    assert!(picker.contains("Hazelnut trail bar"), "the saved food is ready to log: {picker}");

    // The core has it under the barcode, stored per 100 g (200 kcal / 45 g).
    {
        let store = Store::open(&db).await.unwrap();
        let me = profile::require_default(&store).await.unwrap();
        let hit = nutrition::foods::by_barcode(&store, &me.id, code).await.unwrap();
        assert_eq!(hit.name, "Hazelnut trail bar");
        assert_eq!(hit.source, "custom");
        let kcal = hit.calories.unwrap();
        assert!((kcal - 200.0 / 0.45).abs() < 0.01, "{kcal}");
        store.close().await;
    }

    // Found by name like any food, logged as one bar for a snack.
    client
        .find(fantoccini::Locator::Css("[data-testid='portion-picker'] button[type='button']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    testid(&client, "food-search").await.send_keys("hazelnut trail").await.unwrap();
    eventually("the search finds the new food", || async {
        let hits = texts(&client, "food-hit").await;
        if hits.first().is_some_and(|h| h.contains("Hazelnut trail bar")) {
            Ok(())
        } else {
            Err(format!("{hits:?}"))
        }
    })
    .await;
    let hits = client.find_all(fantoccini::Locator::Css("[data-testid='food-hit']")).await.unwrap();
    hits[0].click().await.unwrap();
    testid(&client, "portion-picker").await;
    let unit = testid(&client, "portion-unit").await.prop("value").await.unwrap().unwrap_or_default();
    let quantity = testid(&client, "portion-quantity").await.prop("value").await.unwrap().unwrap_or_default();
    assert_eq!((unit.as_str(), quantity.as_str()), ("bar", "1"), "logged by its label serving");
    choose(&client, "meal-category", "snack").await;
    testid(&client, "add-food").await.click().await.unwrap();
    eventually("the snack appears and the totals grow by one bar", || async {
        let (kcal, snacks) = day_snacks(&db).await;
        let shown = testid(&client, "category-snack").await.text().await.unwrap_or_default();
        if snacks == snacks_before + 1
            && (kcal - kcal_before - 200.0).abs() < 0.6
            && shown.contains("Hazelnut trail bar")
        {
            Ok(())
        } else {
            Err(format!("core {kcal} kcal, {snacks} snacks; window {shown:?}"))
        }
    })
    .await;
    save_screenshot(&client, "nutrition-custom-food-logged").await;
    client.close().await.unwrap();
}

/// Waits for the first food hit of a search box (`hits`) to contain `name`, and picks it.
async fn pick_first_hit(client: &fantoccini::Client, search: &str, hits: &str, query: &str, name: &str) {
    fill(client, search, query).await;
    eventually(&format!("{query:?} finds {name:?}"), || async {
        let found = texts(client, hits).await;
        if found.first().is_some_and(|h| h.contains(name)) { Ok(()) } else { Err(format!("{found:?}")) }
    })
    .await;
    let found = client.find_all(fantoccini::Locator::Css(&format!("[data-testid='{hits}']"))).await.unwrap();
    found[0].click().await.unwrap();
}

/// The recipe the window saved, with the energy of its whole pot worked out
/// again from its stored ingredients (each food's own portion maths).
async fn saved_recipe(db: &std::path::Path, name: &str) -> (recipes::Recipe, f64) {
    let store = Store::open(db).await.unwrap();
    let me = profile::require_default(&store).await.unwrap();
    let listed = recipes::list(&store, &me.id).await.unwrap();
    let summary = listed.iter().find(|r| r.name == name).unwrap_or_else(|| panic!("{name} in {listed:?}"));
    let recipe = recipes::get(&store, &me.id, &summary.id).await.unwrap();
    let mut pot = 0.0;
    for i in &recipe.ingredients {
        pot += portions::eaten(&store, &me.id, &i.food_id, i.quantity, &i.unit).await.unwrap().nutrients["calories"];
    }
    store.close().await;
    (recipe, pot)
}

#[tokio::test]
#[ignore = "drives the real window: run by scripts/test.sh under xvfb-run"]
async fn a_recipe_made_in_the_window_shows_per_serving_nutrients_is_edited_and_a_serving_is_logged() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path()).await;
    let driver = start_driver(&db).await;
    let client = open_window(&driver).await;
    testid(&client, "today-page").await;
    testid(&client, "nav-nutrition").await.click().await.unwrap();
    testid(&client, "nutrition-page").await;

    // Porridge for two: 160 g of oats and a medium banana.
    testid(&client, "recipe-new").await.click().await.unwrap();
    testid(&client, "recipe-editor").await;
    fill(&client, "recipe-name", "Banana porridge").await;
    fill(&client, "recipe-servings", "2").await;
    pick_first_hit(&client, "recipe-food-search", "recipe-food-hit", "oats", "Oats").await;
    eventually("the oats row", || async {
        if count(&client, "recipe-ingredient").await == 1 { Ok(()) } else { Err("no row yet".into()) }
    })
    .await;
    choose(&client, "recipe-ingredient-unit", "g").await;
    fill(&client, "recipe-ingredient-quantity", "160").await;
    pick_first_hit(&client, "recipe-food-search", "recipe-food-hit", "banana", "Bananas, raw").await;
    eventually("the banana row", || async {
        if count(&client, "recipe-ingredient").await == 2 { Ok(()) } else { Err("one row".into()) }
    })
    .await;
    let units =
        client.find_all(fantoccini::Locator::Css("[data-testid='recipe-ingredient-unit']")).await.unwrap();
    let banana_unit = units[1].prop("value").await.unwrap().unwrap_or_default();
    assert!(banana_unit.starts_with("medium"), "a banana goes in by its medium size: {banana_unit:?}");
    save_screenshot(&client, "nutrition-recipe-editor").await;
    testid(&client, "recipe-save").await.click().await.unwrap();
    testid(&client, "recipe").await;

    // The core stored what was typed; one serving is half the pot, and the window says so.
    let (recipe, pot) = saved_recipe(&db, "Banana porridge").await;
    let quantities: Vec<(f64, &str)> =
        recipe.ingredients.iter().map(|i| (i.quantity, i.unit.as_str())).collect();
    assert_eq!(quantities.len(), 2, "{quantities:?}");
    assert_eq!(quantities[0], (160.0, "g"));
    assert_eq!(recipe.servings, 2.0);
    let per_serving = recipe.per_serving["calories"];
    assert!(pot > 600.0 && (per_serving - pot / 2.0).abs() < 0.5, "{per_serving} vs {pot} / 2");
    let shown = testid(&client, "recipe-serving-calories").await.text().await.unwrap();
    assert_eq!(digits(&shown), (per_serving.round() as i64).to_string(), "{shown:?}");
    save_screenshot(&client, "nutrition-recipe-saved").await;

    // Edited to three servings: the same pot, a third each.
    testid(&client, "recipe-edit").await.click().await.unwrap();
    testid(&client, "recipe-editor").await;
    assert_eq!(count(&client, "recipe-ingredient").await, 2, "the editor opens with the ingredients");
    fill(&client, "recipe-servings", "3").await;
    testid(&client, "recipe-save").await.click().await.unwrap();
    eventually("the core has three servings", || async {
        let (edited, _) = saved_recipe(&db, "Banana porridge").await;
        if edited.servings == 3.0 { Ok(()) } else { Err(format!("{} servings", edited.servings)) }
    })
    .await;
    let (edited, pot_after) = saved_recipe(&db, "Banana porridge").await;
    assert_eq!(edited.id, recipe.id, "edited in place");
    assert!((pot_after - pot).abs() < 0.01);
    let per_serving = edited.per_serving["calories"];
    assert!((per_serving - pot / 3.0).abs() < 0.06, "{per_serving} vs {pot} / 3");
    let third = (per_serving.round() as i64).to_string();
    eventually("the serving shrinks to a third", || async {
        let shown =
            match client.find(fantoccini::Locator::Css("[data-testid='recipe-serving-calories']")).await {
                Ok(el) => el.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
        let listed = texts(&client, "recipe-row").await;
        if digits(&shown) == third && listed.len() == 1 && listed[0].contains(&format!("{third} kcal each")) {
            Ok(())
        } else {
            Err(format!("{shown:?}, list {listed:?} vs {third}"))
        }
    })
    .await;

    // One serving as a snack: the day's total grows by exactly that.
    let (kcal_before, snacks_before) = day_snacks(&db).await;
    choose(&client, "recipe-log-category", "snack").await;
    testid(&client, "recipe-log").await.click().await.unwrap();
    testid(&client, "recipe-logged").await;
    eventually("the serving is on the day", || async {
        let (kcal, snacks) = day_snacks(&db).await;
        let shown = testid(&client, "day-calories").await.text().await.unwrap_or_default();
        let snack = testid(&client, "category-snack").await.text().await.unwrap_or_default();
        if snacks == snacks_before + 1
            && (kcal - kcal_before - per_serving).abs() < 0.01
            && shows_kcal(&shown, kcal)
            && snack.contains("Banana porridge")
            && snack.contains(&format!("{third} kcal"))
        {
            Ok(())
        } else {
            Err(format!("core {kcal} kcal ({snacks} snacks), +{per_serving} expected; window {shown:?}"))
        }
    })
    .await;
    save_screenshot(&client, "nutrition-recipe-logged").await;
    client.close().await.unwrap();
}
