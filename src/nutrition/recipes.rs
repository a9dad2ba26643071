//! Recipes: a food made of foods. Stored as a `foods_enhanced` row (source =
//! recipe, is_recipe = 1, private to the user) whose per-100 g nutrients are
//! computed from its ingredients, with a "serving" portion of
//! `total weight / servings`, so it is searched, scanned into meals and
//! converted to grams like any other food. `recipe_ingredients` keeps the
//! ingredients ({food_id, name, quantity, unit, grams}); editing recomputes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

use super::foods::{self, NUTRIENT_COLUMNS, Portion};
use super::portions;
use crate::error::{Error, Result};
use crate::store::Store;

/// An ingredient as the user gives it: any unit the food supports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Ingredient {
    pub food_id: String,
    pub quantity: f64,
    pub unit: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NewRecipe {
    pub name: String,
    pub servings: f64,
    pub ingredients: Vec<Ingredient>,
}

/// A stored ingredient, with what it resolved to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StoredIngredient {
    pub food_id: String,
    pub name: String,
    pub quantity: f64,
    pub unit: String,
    pub grams: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Recipe {
    pub id: String,
    pub name: String,
    pub servings: f64,
    pub serving_grams: f64,
    pub ingredients: Vec<StoredIngredient>,
    /// Nutrients of one serving, keyed by `foods_enhanced` column.
    pub per_serving: BTreeMap<String, f64>,
}

struct Computed {
    ingredients: Vec<StoredIngredient>,
    total_grams: f64,
    totals: BTreeMap<String, f64>,
}

async fn compute(conn: &mut SqliteConnection, user_id: &str, recipe: &NewRecipe) -> Result<Computed> {
    let name = recipe.name.trim();
    if name.is_empty() {
        return Err(Error::invalid("a recipe needs a name"));
    }
    if !(recipe.servings.is_finite() && recipe.servings > 0.0) {
        return Err(Error::invalid(format!("{name}: servings must be a number > 0")));
    }
    if recipe.ingredients.is_empty() {
        return Err(Error::invalid(format!("{name}: a recipe needs at least one ingredient")));
    }
    let mut ingredients = Vec::with_capacity(recipe.ingredients.len());
    let mut totals: BTreeMap<String, f64> = BTreeMap::new();
    let mut total_grams = 0.0;
    for ing in &recipe.ingredients {
        let food = foods::get_on(conn, user_id, &ing.food_id).await?;
        let eaten = portions::eaten_of(&food, ing.quantity, &ing.unit)?;
        let grams = portions::grams(&food, ing.quantity, &ing.unit)?;
        for (k, v) in &eaten.nutrients {
            *totals.entry(k.clone()).or_insert(0.0) += v;
        }
        total_grams += grams;
        ingredients.push(StoredIngredient {
            food_id: food.id,
            name: food.name,
            quantity: ing.quantity,
            unit: ing.unit.trim().to_string(),
            grams,
        });
    }
    if total_grams <= 0.0 {
        return Err(Error::invalid(format!("{name}: the ingredients weigh nothing")));
    }
    Ok(Computed { ingredients, total_grams, totals })
}

/// Per-100 g values of the whole recipe, for every nutrient column (None = unknown).
fn per_100g(c: &Computed) -> Vec<(&'static str, Option<f64>)> {
    NUTRIENT_COLUMNS
        .iter()
        .map(|col| {
            (*col, c.totals.get(*col).map(|v| (v / c.total_grams * 100.0 * 10_000.0).round() / 10_000.0))
        })
        .collect()
}

fn portions_json(serving_grams: f64) -> Result<String> {
    serde_json::to_string(&[Portion { name: "serving".into(), amount: 1.0, grams: serving_grams }])
        .map_err(|e| Error::invalid(e.to_string()))
}

/// Creates a recipe for the user in one transaction. Returns it.
pub async fn create(store: &Store, user_id: &str, recipe: &NewRecipe) -> Result<Recipe> {
    let mut tx = store.begin_write().await?;
    let c = compute(&mut tx, user_id, recipe).await?;
    let serving_grams = c.total_grams / recipe.servings;
    let values = per_100g(&c);
    let sql = format!(
        "INSERT INTO foods_enhanced (id, name, serving_size, serving_unit, serving_grams, portions, source, \
         is_recipe, recipe_ingredients, user_id, {}) VALUES (?, ?, 1, 'serving', ?, ?, 'recipe', 1, ?, ?{})",
        values.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(", "),
        ", ?".repeat(values.len())
    );
    let id = crate::new_id();
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(&id)
        .bind(recipe.name.trim())
        .bind(serving_grams)
        .bind(portions_json(serving_grams)?)
        .bind(serde_json::to_string(&c.ingredients).map_err(|e| Error::invalid(e.to_string()))?)
        .bind(user_id);
    for (_, v) in &values {
        q = q.bind(*v);
    }
    q.execute(&mut *tx).await?;
    tx.commit().await?;
    get(store, user_id, &id).await
}

/// Replaces a recipe's name, servings and ingredients; its nutrients are recomputed.
pub async fn update(store: &Store, user_id: &str, id: &str, recipe: &NewRecipe) -> Result<Recipe> {
    let mut tx = store.begin_write().await?;
    let is_mine: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM foods_enhanced WHERE id = ? AND user_id = ? AND is_recipe = 1)",
    )
    .bind(id)
    .bind(user_id)
    .fetch_one(&mut *tx)
    .await?;
    if !is_mine {
        return Err(Error::not_found(format!("recipe {id}")));
    }
    if recipe.ingredients.iter().any(|i| i.food_id == id) {
        return Err(Error::invalid(format!("{} cannot contain itself", recipe.name.trim())));
    }
    let c = compute(&mut tx, user_id, recipe).await?;
    let serving_grams = c.total_grams / recipe.servings;
    let values = per_100g(&c);
    let sql = format!(
        "UPDATE foods_enhanced SET name = ?, serving_grams = ?, portions = ?, recipe_ingredients = ?, {} \
         WHERE id = ? AND user_id = ?",
        values.iter().map(|(c, _)| format!("{c} = ?")).collect::<Vec<_>>().join(", ")
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(recipe.name.trim())
        .bind(serving_grams)
        .bind(portions_json(serving_grams)?)
        .bind(serde_json::to_string(&c.ingredients).map_err(|e| Error::invalid(e.to_string()))?);
    for (_, v) in &values {
        q = q.bind(*v);
    }
    q.bind(id).bind(user_id).execute(&mut *tx).await?;
    tx.commit().await?;
    get(store, user_id, id).await
}

/// One of the user's recipes with its per-serving nutrients.
pub async fn get(store: &Store, user_id: &str, id: &str) -> Result<Recipe> {
    let food = foods::get(store, user_id, id).await?;
    if food.source != "recipe" {
        return Err(Error::not_found(format!("recipe {id}")));
    }
    let json: String =
        sqlx::query_scalar("SELECT recipe_ingredients FROM foods_enhanced WHERE id = ? AND user_id = ?")
            .bind(id)
            .bind(user_id)
            .fetch_one(store.pool())
            .await?;
    let ingredients: Vec<StoredIngredient> = serde_json::from_str(&json)
        .map_err(|e| Error::Corrupt { what: format!("ingredients of recipe {id}"), detail: e.to_string() })?;
    let serving_grams = food.serving_grams.unwrap_or(100.0);
    let total: f64 = ingredients.iter().map(|i| i.grams).sum();
    // Exactly what logging one serving records, macros rounded as a meal
    // stores them, so the recipe and the day it is logged on agree.
    let serving = portions::eaten_of(&food, 1.0, "serving")?;
    let mut per_serving = serving.nutrients;
    let logged = &serving.food;
    for (key, value) in [
        ("calories", logged.calories),
        ("protein_g", logged.protein_g),
        ("total_carbs_g", logged.carbs_g),
        ("total_fat_g", logged.fat_g),
    ] {
        if let Some(v) = per_serving.get_mut(key) {
            *v = value;
        }
    }
    Ok(Recipe {
        id: food.id,
        name: food.name,
        servings: servings_of(total, serving_grams),
        serving_grams,
        ingredients,
        per_serving,
    })
}

/// A recipe in the list the window and `wagner food recipe list` show.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RecipeSummary {
    pub id: String,
    pub name: String,
    pub servings: f64,
    pub serving_grams: f64,
    /// Energy of one serving (None when no ingredient says).
    pub calories_per_serving: Option<f64>,
}

/// The user's recipes, by name.
pub async fn list(store: &Store, user_id: &str) -> Result<Vec<RecipeSummary>> {
    /// id, name, serving grams, kcal per 100 g, ingredients JSON.
    type Row = (String, String, Option<f64>, Option<f64>, Option<String>);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, name, serving_grams, calories, recipe_ingredients FROM foods_enhanced \
         WHERE user_id = ? AND is_recipe = 1 AND source = 'recipe' ORDER BY name COLLATE NOCASE, id",
    )
    .bind(user_id)
    .fetch_all(store.pool())
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for (id, name, serving_grams, kcal_100g, json) in rows {
        let ingredients: Vec<StoredIngredient> = serde_json::from_str(json.as_deref().unwrap_or("[]"))
            .map_err(|e| Error::Corrupt {
                what: format!("ingredients of recipe {id}"),
                detail: e.to_string(),
            })?;
        let serving_grams = serving_grams.unwrap_or(100.0);
        let total: f64 = ingredients.iter().map(|i| i.grams).sum();
        out.push(RecipeSummary {
            servings: servings_of(total, serving_grams),
            calories_per_serving: kcal_100g.map(|k| serving_kcal(k, serving_grams)),
            id,
            name,
            serving_grams,
        });
    }
    Ok(out)
}

/// How many servings the whole recipe makes, to 2 decimals.
fn servings_of(total_grams: f64, serving_grams: f64) -> f64 {
    (total_grams / serving_grams * 100.0).round() / 100.0
}

/// The energy of one serving as a logged meal records it (to 0.1 kcal, as
/// `portions::eaten_of` does), so the list and the day agree.
fn serving_kcal(per_100g: f64, serving_grams: f64) -> f64 {
    (per_100g * serving_grams / 100.0 * 10.0).round() / 10.0
}

/// "FOOD_ID:QUANTITY:UNIT" as the CLI takes ingredients ("…:2:large", "…:150:g").
pub fn parse_ingredient(text: &str) -> Result<Ingredient> {
    let bad =
        || Error::invalid(format!("ingredient {text:?}: write it as FOOD_ID:QUANTITY:UNIT, e.g. ID:150:g"));
    let mut parts = text.splitn(3, ':');
    let food_id = parts.next().filter(|s| !s.trim().is_empty()).ok_or_else(bad)?.trim().to_string();
    let quantity: f64 = parts.next().and_then(|q| q.trim().parse().ok()).ok_or_else(bad)?;
    let unit = parts.next().filter(|s| !s.trim().is_empty()).ok_or_else(bad)?.trim().to_string();
    Ok(Ingredient { food_id, quantity, unit })
}
