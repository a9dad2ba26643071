//! Quantities in any unit a food supports → grams → the nutrients eaten.
//!
//! Mass units convert directly. Volume units (ml, cup, tbsp, tsp, fl oz) use
//! the food's own volume measure for its density (a cup of oats is 81 g, a
//! cup of milk 244 g); a food without one needs grams. "piece"/"serving"
//! use the label serving or the food's typical unit (medium, large, slice…).
//! Any other unit names one of the food's portions ("large", "slice").

use std::collections::BTreeMap;

use serde::Serialize;

use super::MealFood;
use super::foods::{self, FoodDetails, Portion};
use crate::error::{Error, Result};
use crate::store::Store;

fn mass_grams(unit: &str) -> Option<f64> {
    Some(match unit {
        "g" | "gram" | "grams" | "gr" => 1.0,
        "kg" | "kilogram" | "kilograms" => 1000.0,
        "mg" => 0.001,
        "oz" | "ounce" | "ounces" => 28.349_523_125,
        "lb" | "lbs" | "pound" | "pounds" => 453.592_37,
        _ => return None,
    })
}

fn volume_ml(unit: &str) -> Option<f64> {
    Some(match unit {
        "ml" | "milliliter" | "milliliters" | "millilitre" | "millilitres" => 1.0,
        "l" | "liter" | "liters" | "litre" | "litres" => 1000.0,
        "dl" => 100.0,
        "cup" | "cups" => 236.588,
        "tbsp" | "tablespoon" | "tablespoons" => 14.787,
        "tsp" | "teaspoon" | "teaspoons" => 4.929,
        "fl oz" | "fl. oz" | "fluid ounce" | "fluid ounces" => 29.574,
        "pint" | "pints" => 473.176,
        "quart" | "quarts" => 946.353,
        _ => return None,
    })
}

/// The volume a portion name measures, if it is a volume ("cup, chopped" → 236.6 ml).
fn portion_ml(portion: &Portion) -> Option<f64> {
    let name = portion.name.to_lowercase();
    let unit = ["fl oz", "cup", "tbsp", "tsp", "quart", "pint", "ml", "liter"]
        .into_iter()
        .find(|u| name == *u || name.starts_with(&format!("{u} ")) || name.starts_with(&format!("{u},")))?;
    volume_ml(unit).map(|ml| ml * portion.amount)
}

/// A portion whose name is `unit` or starts with it ("medium" → `medium (7" to 7-7/8" long)`).
fn named<'a>(portions: &'a [Portion], unit: &str) -> Option<&'a Portion> {
    let singular = foods::singular(unit);
    portions.iter().find(|p| {
        let name = p.name.to_lowercase();
        [unit, singular.as_str()].iter().any(|u| {
            name == *u
                || name.strip_prefix(u).is_some_and(|rest| rest.starts_with(|c: char| !c.is_alphanumeric()))
        })
    })
}

/// Grams in `quantity` × `unit` of `food`.
pub fn grams(food: &FoodDetails, quantity: f64, unit: &str) -> Result<f64> {
    if !quantity.is_finite() || quantity <= 0.0 {
        return Err(Error::invalid(format!("{}: quantity must be a number > 0, got {quantity}", food.name)));
    }
    let unit = unit.trim().to_lowercase();
    let per_unit = grams_per_unit(food, &unit)?;
    Ok(quantity * per_unit)
}

fn grams_per_unit(food: &FoodDetails, unit: &str) -> Result<f64> {
    if let Some(g) = mass_grams(unit) {
        return Ok(g);
    }
    let per_portion = |p: &Portion| p.grams / p.amount;
    if let Some(portion) = named(&food.portions, unit) {
        return Ok(per_portion(portion));
    }
    if let Some(ml) = volume_ml(unit) {
        // Density from the food's own volume measure.
        let density = food.portions.iter().find_map(|p| portion_ml(p).map(|pml| p.grams / pml));
        return density.map(|d| ml * d).ok_or_else(|| {
            Error::invalid(format!(
                "{} has no volume measure to convert {unit} from: give its weight in g",
                food.name
            ))
        });
    }
    if matches!(unit, "piece" | "pieces" | "serving" | "servings" | "each" | "item" | "items" | "") {
        if let Some(g) = food.serving_grams {
            return Ok(g / food
                .serving_size
                .filter(|s| *s > 0.0 && food.serving_unit.as_deref() != Some("g"))
                .unwrap_or(1.0));
        }
        let typical =
            ["medium", "large", "piece", "serving", "slice", "each", "item", "fruit", "whole", "unit"];
        if let Some(p) = typical
            .iter()
            .find_map(|u| named(&food.portions, u))
            .or(food.portions.iter().find(|p| portion_ml(p).is_none()))
        {
            return Ok(per_portion(p));
        }
    }
    let known: Vec<&str> = food.portions.iter().map(|p| p.name.as_str()).collect();
    Err(Error::invalid(format!(
        "{} has no {unit:?} measure: use g, oz{}{}",
        food.name,
        if food.portions.iter().any(|p| portion_ml(p).is_some()) { ", ml, cup, tbsp" } else { "" },
        if known.is_empty() { String::new() } else { format!(" or one of: {}", known.join("; ")) }
    )))
}

/// A food eaten: the meal entry and every known nutrient for that amount.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Eaten {
    pub food: MealFood,
    /// Nutrients for the quantity eaten, keyed by `foods_enhanced` column.
    pub nutrients: BTreeMap<String, f64>,
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// The nutrition of `quantity` × `unit` of a food in the database.
pub async fn eaten(store: &Store, user_id: &str, food_id: &str, quantity: f64, unit: &str) -> Result<Eaten> {
    let food = foods::get(store, user_id, food_id).await?;
    eaten_of(&food, quantity, unit)
}

/// As `eaten`, for a food already read.
pub fn eaten_of(food: &FoodDetails, quantity: f64, unit: &str) -> Result<Eaten> {
    let grams = grams(food, quantity, unit)?;
    let scale = |v: f64| v * grams / 100.0;
    let nutrients: BTreeMap<String, f64> =
        food.nutrients.iter().map(|(k, v)| (k.clone(), (scale(*v) * 1000.0).round() / 1000.0)).collect();
    let get = |c: &str| food.nutrients.get(c).map(|v| round1(scale(*v))).unwrap_or(0.0);
    Ok(Eaten {
        food: MealFood {
            name: food.name.clone(),
            quantity,
            unit: unit.trim().to_string(),
            grams: Some(round1(grams)),
            calories: get("calories"),
            protein_g: get("protein_g"),
            carbs_g: get("total_carbs_g"),
            fat_g: get("total_fat_g"),
            food_id: Some(food.id.clone()),
            // The macros have their own fields.
            nutrients: nutrients
                .iter()
                .filter(|(k, _)| {
                    !matches!(k.as_str(), "calories" | "protein_g" | "total_carbs_g" | "total_fat_g")
                })
                .map(|(k, v)| (k.clone(), *v))
                .collect(),
        },
        nutrients,
    })
}
