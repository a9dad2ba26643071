//! Recipes: a food made of foods with per-serving nutrients computed, editable.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod support;

use wagner::Store;
use wagner::nutrition::MealCategory;
use wagner::nutrition::foods;
use wagner::nutrition::meals;
use wagner::nutrition::portions;
use wagner::nutrition::recipes::{self, Ingredient, NewRecipe};
use wagner::profile::{self, NewProfile};

fn sr(id: &str) -> String {
    foods::shared_food_id("usda_sr24", id)
}

fn ing(id: &str, quantity: f64, unit: &str) -> Ingredient {
    Ingredient { food_id: sr(id), quantity, unit: unit.into() }
}

#[tokio::test]
async fn a_recipe_is_a_food_with_per_serving_nutrients_from_its_ingredients() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("wagner.db")).await.unwrap();
    let mut conn = store.pool().acquire().await.unwrap();
    let me = profile::create(&mut conn, NewProfile { full_name: "Me".into(), ..Default::default() })
        .await
        .unwrap();
    let bob = profile::create(&mut conn, NewProfile { full_name: "Bob".into(), ..Default::default() })
        .await
        .unwrap();
    drop(conn);
    foods::load_bundled(&store).await.unwrap();

    // Oats, milk and a banana for two.
    let parts = [("20038", 80.0, "g"), ("01077", 1.0, "cup"), ("09040", 1.0, "medium")];
    let mut kcal = 0.0;
    let mut fiber = 0.0;
    let mut grams = 0.0;
    for (id, q, u) in parts {
        let e = portions::eaten(&store, &me.id, &sr(id), q, u).await.unwrap();
        kcal += e.nutrients["calories"];
        fiber += e.nutrients.get("dietary_fiber_g").copied().unwrap_or(0.0);
        grams += e.food.grams.unwrap();
    }
    let new = NewRecipe {
        name: "Overnight oats".into(),
        servings: 2.0,
        ingredients: parts.iter().map(|(id, q, u)| ing(id, *q, u)).collect(),
    };
    let r = recipes::create(&store, &me.id, &new).await.unwrap();
    assert_eq!(r.ingredients.len(), 3);
    assert_eq!(r.servings, 2.0);
    assert!((r.serving_grams - grams / 2.0).abs() < 0.1, "{} vs {}", r.serving_grams, grams / 2.0);
    assert!(
        (r.per_serving["calories"] - kcal / 2.0).abs() < 0.5,
        "{} vs {}",
        r.per_serving["calories"],
        kcal / 2.0
    );
    assert!((r.per_serving["dietary_fiber_g"] - fiber / 2.0).abs() < 0.05);

    // Logged like any food: one serving.
    let meal =
        meals::log_food_tx(&store, &me, MealCategory::Breakfast, wagner::clock::now(), &r.id, 1.0, "serving")
            .await
            .unwrap();
    assert!((meal.total_calories - kcal / 2.0).abs() < 0.5);
    // What the recipe says a serving holds is what logging one records, to the digit.
    assert_eq!(meal.total_calories, r.per_serving["calories"]);
    assert_eq!(meal.total_protein_g, r.per_serving["protein_g"]);
    assert_eq!(foods::search(&store, &me.id, "overnight oats", 3).await.unwrap()[0].id, r.id, "searchable");
    assert!(
        foods::search(&store, &bob.id, "overnight oats", 3).await.unwrap().iter().all(|h| h.id != r.id),
        "private"
    );
    assert!(recipes::get(&store, &bob.id, &r.id).await.is_err());

    // Editing recomputes: without the banana, for one.
    let edited = recipes::update(
        &store,
        &me.id,
        &r.id,
        &NewRecipe {
            name: "Overnight oats".into(),
            servings: 1.0,
            ingredients: vec![ing("20038", 80.0, "g"), ing("01077", 1.0, "cup")],
        },
    )
    .await
    .unwrap();
    let without_banana = kcal
        - portions::eaten(&store, &me.id, &sr("09040"), 1.0, "medium").await.unwrap().nutrients["calories"];
    assert!((edited.per_serving["calories"] - without_banana).abs() < 0.5);
    assert_eq!(edited.ingredients.len(), 2);

    // Listed for the owner only, with the edited serving's energy.
    let mine = recipes::list(&store, &me.id).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!((mine[0].id.as_str(), mine[0].servings), (r.id.as_str(), 1.0));
    let listed = mine[0].calories_per_serving.unwrap();
    assert!(
        (listed - edited.per_serving["calories"]).abs() < 0.01,
        "{listed} vs {}",
        edited.per_serving["calories"]
    );
    assert!(recipes::list(&store, &bob.id).await.unwrap().is_empty(), "private");

    // Mistakes are explained.
    let err = recipes::create(
        &store,
        &me.id,
        &NewRecipe { name: "Soup".into(), servings: 0.0, ingredients: vec![] },
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("servings"), "{err}");
    let err = recipes::update(
        &store,
        &me.id,
        &r.id,
        &NewRecipe {
            name: "Loop".into(),
            servings: 1.0,
            ingredients: vec![Ingredient { food_id: r.id.clone(), quantity: 1.0, unit: "serving".into() }],
        },
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("itself"), "{err}");
    assert!(recipes::parse_ingredient("abc:2").is_err());
    assert_eq!(recipes::parse_ingredient("abc:2:large").unwrap().unit, "large");
}
