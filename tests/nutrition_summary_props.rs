//! Property test: after any sequence of meal inserts, edits, moves, copies,
//! deletes and undos, every `daily_nutrition_summaries` row equals a
//! recomputation from `meal_logs` (macros, fiber/sugar/sodium with their
//! NULL-when-unknown rule, every other nutrient by key, meal count), days
//! without meals have no row, and every meal's totals equal the sum of its foods.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod support;

use std::collections::BTreeMap;

use proptest::prelude::*;
use wagner::Store;
use wagner::clock;
use wagner::nutrition::foods::{self, NewFood};
use wagner::nutrition::meals::{self, FoodLine, MealEdit};
use wagner::nutrition::{self, MealCategory, MealFood};
use wagner::profile::Profile;

#[derive(Debug, Clone)]
enum Op {
    Log {
        food: usize,
        quantity: f64,
        day: u32,
        hour: u32,
    },
    /// A food without a database row (an AI estimate).
    LogKept {
        kcal: f64,
        iron: Option<f64>,
        day: u32,
    },
    AddFood {
        meal: usize,
        food: usize,
        quantity: f64,
    },
    SetQuantity {
        meal: usize,
        quantity: f64,
    },
    Move {
        meal: usize,
        day: u32,
    },
    Copy {
        meal: usize,
        day: u32,
    },
    CopyDay {
        from: u32,
        to: u32,
    },
    Delete {
        meal: usize,
    },
    DeleteDay {
        day: u32,
    },
    Undo,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..4usize, 0.5..400.0f64, 0..4u32, 0..24u32).prop_map(|(food, quantity, day, hour)| Op::Log { food, quantity, day, hour }),
        1 => (0.0..900.0f64, proptest::option::of(0.0..10.0f64), 0..4u32).prop_map(|(kcal, iron, day)| Op::LogKept { kcal, iron, day }),
        2 => (0..8usize, 0..4usize, 1.0..300.0f64).prop_map(|(meal, food, quantity)| Op::AddFood { meal, food, quantity }),
        2 => (0..8usize, 0.1..500.0f64).prop_map(|(meal, quantity)| Op::SetQuantity { meal, quantity }),
        1 => (0..8usize, 0..4u32).prop_map(|(meal, day)| Op::Move { meal, day }),
        1 => (0..8usize, 0..4u32).prop_map(|(meal, day)| Op::Copy { meal, day }),
        1 => (0..4u32, 0..4u32).prop_map(|(from, to)| Op::CopyDay { from, to }),
        2 => (0..8usize).prop_map(|meal| Op::Delete { meal }),
        1 => (0..4u32).prop_map(|day| Op::DeleteDay { day }),
        2 => Just(Op::Undo),
    ]
}

fn day(d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 20 + d).expect("a date")
}

/// Four foods with different nutrient coverage: sodium unknown for one,
/// vitamins for some, so the NULL and per-key rules are exercised.
fn food_defs() -> Vec<NewFood> {
    let f = |name: &str, values: &[(&str, f64)]| NewFood {
        name: name.into(),
        nutrients: values.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        ..NewFood::default()
    };
    vec![
        f(
            "oats",
            &[
                ("calories", 379.0),
                ("protein_g", 13.2),
                ("total_carbs_g", 67.7),
                ("total_fat_g", 6.5),
                ("dietary_fiber_g", 10.1),
                ("sodium_mg", 6.0),
                ("iron_mg", 4.25),
            ],
        ),
        f(
            "orange juice",
            &[("calories", 45.0), ("total_carbs_g", 10.4), ("total_sugars_g", 8.4), ("vitamin_c_mg", 50.0)],
        ),
        f(
            "cheddar",
            &[
                ("calories", 403.0),
                ("protein_g", 22.9),
                ("total_fat_g", 33.3),
                ("sodium_mg", 653.0),
                ("calcium_mg", 710.0),
                ("vitamin_a_ug", 265.0),
            ],
        ),
        f("black coffee", &[("calories", 1.0), ("caffeine_mg", 40.0), ("potassium_mg", 49.0)]),
    ]
}

async fn meal_ids(store: &Store, user: &str) -> Vec<String> {
    sqlx::query_scalar("SELECT id FROM meal_logs WHERE user_id = ? ORDER BY id")
        .bind(user)
        .fetch_all(store.pool())
        .await
        .expect("meal ids")
}

/// Runs one op; errors a user could cause (an empty day to copy) are fine,
/// they must only leave everything as it was.
async fn apply(store: &Store, me: &Profile, foods: &[String], op: &Op) {
    let ids = meal_ids(store, &me.id).await;
    let pick = |i: usize| (!ids.is_empty()).then(|| ids[i % ids.len()].clone());
    let _ = match op {
        Op::Log { food, quantity, day: d, hour } => {
            let at = clock::local_to_utc(day(*d), *hour, 15, me.tz());
            meals::log_food_tx(store, me, MealCategory::Snack, at, &foods[*food], *quantity, "g")
                .await
                .map(drop)
        }
        Op::LogKept { kcal, iron, day: d } => {
            let food = MealFood {
                name: "estimate".into(),
                quantity: 1.0,
                unit: "plate".into(),
                calories: *kcal,
                protein_g: kcal / 20.0,
                nutrients: iron.map(|v| ("iron_mg".to_string(), v)).into_iter().collect(),
                ..MealFood::default()
            };
            let mut tx = store.pool().begin().await.expect("tx");
            let meal = nutrition::NewMeal {
                category: MealCategory::Dinner,
                logged_at: clock::local_to_utc(day(*d), 19, 0, me.tz()),
                name: None,
                foods: vec![food],
                source: nutrition::MealSource::QuickEntry,
                quick_entry_log_id: None,
                ai_extracted: true,
                ai_confidence: None,
                image_url: None,
            };
            let r = nutrition::insert_meal(&mut tx, me, &meal).await;
            tx.commit().await.expect("commit");
            r.map(drop)
        }
        Op::AddFood { meal, food, quantity } => match pick(*meal) {
            Some(id) => meals::add_food_tx(store, me, &id, &foods[*food], *quantity, "g").await.map(drop),
            None => Ok(()),
        },
        Op::SetQuantity { meal, quantity } => match pick(*meal) {
            Some(id) => {
                let m = meals::get(&mut store.pool().acquire().await.expect("conn"), &me.id, &id)
                    .await
                    .expect("meal");
                let mut lines: Vec<FoodLine> = m.foods.iter().map(FoodLine::of).collect();
                lines[0] = match lines[0].clone() {
                    FoodLine::Food { food_id, unit, .. } => {
                        FoodLine::Food { food_id, quantity: *quantity, unit }
                    }
                    FoodLine::Kept { food, .. } => FoodLine::Kept { food, quantity: Some(*quantity) },
                };
                let edit = MealEdit { foods: Some(lines), ..MealEdit::default() };
                meals::update_tx(store, me, &id, &edit).await.map(drop)
            }
            None => Ok(()),
        },
        Op::Move { meal, day: d } => match pick(*meal) {
            Some(id) => {
                let edit = MealEdit { date: Some(day(*d).to_string()), ..MealEdit::default() };
                meals::update_tx(store, me, &id, &edit).await.map(drop)
            }
            None => Ok(()),
        },
        Op::Copy { meal, day: d } => match pick(*meal) {
            Some(id) => meals::copy_meal_tx(store, me, &id, day(*d), None).await.map(drop),
            None => Ok(()),
        },
        Op::CopyDay { from, to } => meals::copy_day_tx(store, me, day(*from), day(*to)).await.map(drop),
        Op::Delete { meal } => match pick(*meal) {
            Some(id) => meals::delete_with_undo(store, &me.id, &[id]).await.map(drop),
            None => Ok(()),
        },
        Op::DeleteDay { day: d } => {
            let mut conn = store.pool().acquire().await.expect("conn");
            let ids = meals::ids_on(&mut conn, &me.id, day(*d)).await.expect("ids");
            drop(conn);
            meals::delete_with_undo(store, &me.id, &ids).await.map(drop)
        }
        Op::Undo => meals::undo_delete(store, &me.id).await.map(drop),
    };
}

#[derive(Debug, Default, PartialEq)]
struct Sums {
    kcal: f64,
    protein: f64,
    carbs: f64,
    fat: f64,
    fiber: Option<f64>,
    sugar: Option<f64>,
    sodium: Option<f64>,
    nutrients: BTreeMap<String, f64>,
    count: i64,
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * (1.0 + a.abs().max(b.abs()))
}

fn close_opt(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => close(a, b),
        (None, None) => true,
        _ => false,
    }
}

fn same(a: &Sums, b: &Sums) -> bool {
    close(a.kcal, b.kcal)
        && close(a.protein, b.protein)
        && close(a.carbs, b.carbs)
        && close(a.fat, b.fat)
        && close_opt(a.fiber, b.fiber)
        && close_opt(a.sugar, b.sugar)
        && close_opt(a.sodium, b.sodium)
        && a.count == b.count
        && a.nutrients.len() == b.nutrients.len()
        && a.nutrients.iter().all(|(k, v)| b.nutrients.get(k).is_some_and(|w| close(*v, *w)))
}

fn add_opt(acc: &mut Option<f64>, v: Option<f64>) {
    if let Some(v) = v {
        *acc.get_or_insert(0.0) += v;
    }
}

type MealCols = (String, String, f64, f64, f64, f64, Option<f64>, Option<f64>, Option<f64>, String);
type SummaryCols = (String, f64, f64, f64, f64, Option<f64>, Option<f64>, Option<f64>, String, i64);

async fn check(store: &Store, user: &str) -> Result<(), String> {
    let meals: Vec<MealCols> = sqlx::query_as(
        "SELECT local_date, foods, total_calories, total_protein_g, total_carbs_g, total_fat_g, total_fiber_g, \
         total_sugar_g, total_sodium_mg, nutrients FROM meal_logs WHERE user_id = ?",
    )
    .bind(user)
    .fetch_all(store.pool())
    .await
    .map_err(|e| e.to_string())?;
    let mut expected: BTreeMap<String, Sums> = BTreeMap::new();
    for (date, foods_json, kcal, p, c, f, fiber, sugar, sodium, nutrients_json) in meals {
        // The meal's own totals are the sum of its foods.
        let foods: Vec<MealFood> = serde_json::from_str(&foods_json).map_err(|e| e.to_string())?;
        let t = nutrition::totals(&foods);
        let micro = nutrition::micro_totals(&foods);
        let nutrients: BTreeMap<String, f64> =
            serde_json::from_str(&nutrients_json).map_err(|e| e.to_string())?;
        let own = Sums {
            kcal,
            protein: p,
            carbs: c,
            fat: f,
            fiber,
            sugar,
            sodium,
            nutrients: nutrients.clone(),
            count: 1,
        };
        let from_foods = Sums {
            kcal: t.calories,
            protein: t.protein_g,
            carbs: t.carbs_g,
            fat: t.fat_g,
            fiber: micro.fiber_g,
            sugar: micro.sugar_g,
            sodium: micro.sodium_mg,
            nutrients: micro.nutrients,
            count: 1,
        };
        if !same(&own, &from_foods) {
            return Err(format!("meal totals {own:?} differ from its foods {from_foods:?}"));
        }
        let s = expected.entry(date).or_default();
        s.kcal += kcal;
        s.protein += p;
        s.carbs += c;
        s.fat += f;
        add_opt(&mut s.fiber, fiber);
        add_opt(&mut s.sugar, sugar);
        add_opt(&mut s.sodium, sodium);
        for (k, v) in nutrients {
            *s.nutrients.entry(k).or_insert(0.0) += v;
        }
        s.count += 1;
    }
    let rows: Vec<SummaryCols> = sqlx::query_as(
        "SELECT date, total_calories, total_protein_g, total_carbs_g, total_fat_g, total_fiber_g, total_sugar_g, \
         total_sodium_mg, nutrients, meal_count FROM daily_nutrition_summaries WHERE user_id = ?",
    )
    .bind(user)
    .fetch_all(store.pool())
    .await
    .map_err(|e| e.to_string())?;
    let mut actual: BTreeMap<String, Sums> = BTreeMap::new();
    for (date, kcal, protein, carbs, fat, fiber, sugar, sodium, json, count) in rows {
        let nutrients = serde_json::from_str(&json).map_err(|e| e.to_string())?;
        actual.insert(date, Sums { kcal, protein, carbs, fat, fiber, sugar, sodium, nutrients, count });
    }
    if expected.keys().ne(actual.keys()) {
        return Err(format!("summary days {:?} but meal days {:?}", actual.keys(), expected.keys()));
    }
    for (date, e) in &expected {
        if !same(e, &actual[date]) {
            return Err(format!("{date}: summary {:?} but meals sum to {e:?}", actual[date]));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_daily_summary_equals_a_recomputation_from_the_meals(ops in proptest::collection::vec(op(), 1..40)) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
        let result: Result<(), String> = rt.block_on(async {
            let (_dir, store, me) = support::store_with_profile("Prop", "America/New_York").await;
            let mut conn = store.pool().acquire().await.expect("conn");
            let mut ids = Vec::new();
            for def in food_defs() {
                ids.push(foods::add_custom(&mut conn, &me.id, &def).await.expect("a custom food"));
            }
            drop(conn);
            for (i, op) in ops.iter().enumerate() {
                apply(&store, &me, &ids, op).await;
                check(&store, &me.id).await.map_err(|e| format!("after op {i} {op:?}: {e}"))?;
            }
            Ok(())
        });
        prop_assert!(result.is_ok(), "{}", result.unwrap_err());
    }
}
