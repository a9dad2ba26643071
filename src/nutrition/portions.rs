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
    // "blueberries", "grapes", "almonds" with no count: one serving of them,
    // not one berry (the food's typical piece weighs a few grams).
    if quantity == 1.0
        && matches!(unit.as_str(), "serving" | "servings" | "")
        && per_unit < SMALL_PIECE_G
        && eaten_by_many(food)
    {
        return Ok(small_countable_serving(food));
    }
    // "toast with avocado": an avocado typed with no count is half the
    // fruit, how it is eaten on toast or in a salad (FDA's reference amount
    // is 50 g); "2 avocados" stays two whole ones.
    if quantity == 1.0
        && matches!(unit.as_str(), "serving" | "servings" | "")
        && food.name.to_lowercase().starts_with("avocados, raw")
        && per_unit > 150.0
    {
        return Ok(per_unit / 2.0);
    }
    Ok(quantity * per_unit)
}

/// One piece of a maki roll: FNDDS sushi rolls weigh about 27 g a piece
/// (a California roll of 8 pieces is about 220 g).
const SUSHI_PIECE_G: f64 = 27.0;

/// A piece lighter than this is one of many (a berry, a grape, a nut, a chip).
const SMALL_PIECE_G: f64 = 10.0;

/// USDA counts it by the many ("50 berries", "10 grapes", "1 oz (18 kernels)"),
/// unlike a sugar packet or a single cracker.
fn eaten_by_many(food: &FoodDetails) -> bool {
    food.portions.iter().any(|p| {
        let name = p.name.to_lowercase();
        let kernels =
            name.split(|c: char| !c.is_ascii_digit()).filter_map(|n| n.parse::<f64>().ok()).any(|n| n >= 5.0)
                && ["kernels", "nuts", "pieces", "berries", "grapes", "chips", "crackers"]
                    .iter()
                    .any(|w| name.contains(w));
        (p.amount >= 5.0 && p.grams / p.amount < SMALL_PIECE_G) || kernels
    })
}

/// One serving of a food eaten by the handful or the bowl: USDA's NLEA
/// serving when the food has one (grapes 126 g), else a cup (blueberries
/// 148 g, the USDA fruit serving), else an ounce (nuts, snacks).
fn small_countable_serving(food: &FoodDetails) -> f64 {
    let per_portion = |p: &Portion| p.grams / p.amount;
    if let Some(p) = food.portions.iter().find(|p| p.name.to_lowercase().contains("nlea serving")) {
        return per_portion(p);
    }
    let kcal = food.nutrients.get("calories").copied().unwrap_or(0.0);
    if kcal < 350.0
        && let Some(p) = food.portions.iter().find(|p| {
            let n = p.name.to_lowercase();
            n == "cup" || n.starts_with("cup ") || n.starts_with("cup,")
        })
    {
        return per_portion(p);
    }
    // Fruit or vegetables with no cup measure: FDA's 140 g of fresh fruit.
    if is_fruit_or_vegetable(food) {
        return 140.0;
    }
    28.35
}

fn grams_per_unit(food: &FoodDetails, unit: &str) -> Result<f64> {
    if let Some(g) = mass_grams(unit) {
        return Ok(g);
    }
    // "large glass", "small bowl": the container scaled as the size words are.
    for (size, factor) in [("small ", 0.75), ("large ", 1.35)] {
        if let Some(container) = unit.strip_prefix(size) {
            return Ok(grams_per_unit(food, container)? * factor);
        }
    }
    let per_portion = |p: &Portion| p.grams / p.amount;
    if let Some(portion) = named(&food.portions, unit) {
        return Ok(per_portion(portion));
    }
    // A pint of beer or cider is the pub's: the UK/Irish imperial pint of
    // 568 ml. Beer is ordered by the pint chiefly there; a US "pint glass"
    // is often a 14-16 fl oz pour, so either way 473 ml would under-count.
    // Milk, ice cream and anything else keep the US pint (473 ml).
    if matches!(unit, "pint" | "pints") && is_beer_or_cider(food) {
        return Ok(568.261 * default_density(food));
    }
    if let Some(ml) = volume_ml(unit) {
        // Density from the food's own volume measure.
        let density = food.portions.iter().find_map(|p| portion_ml(p).map(|pml| p.grams / pml));
        return Ok(ml * density.unwrap_or_else(|| default_density(food)));
    }
    // A piece of a sushi roll is one of its 6-8 slices (about 27 g), not the roll.
    if matches!(unit, "piece" | "pieces")
        && food.name.to_lowercase().contains("sushi")
        && food.portions.is_empty()
    {
        return Ok(SUSHI_PIECE_G);
    }
    if matches!(unit, "piece" | "pieces" | "serving" | "servings" | "each" | "item" | "items" | "") {
        return Ok(typical_serving(food));
    }
    if let Some(g) = household_default(food, unit) {
        return Ok(g);
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

/// Portions that are a package or a whole dish, not one person's portion
/// ("lb", "package (10 oz)", "pizza" for a whole 12" pizza).
fn is_bulk(p: &Portion) -> bool {
    let name = p.name.to_lowercase();
    // A can of soup or sweet potato is the tin, not a helping (a can of soda is
    // named by its fl oz and stays).
    let tin = name.starts_with("can (") && !name.contains("fl oz");
    tin || name == "lb"
        || name == "kg"
        || name.starts_with("lb ")
        || p.grams > 600.0
        || ["package", "loaf", "roast", "jar", "raw pr g", "recipe", "pie,", "cake,", "pizza"]
            .iter()
            .any(|w| name.starts_with(w))
}

/// Liquids by name: a volume of them weighs about what water does.
const LIQUID_WORDS: [&str; 27] = [
    "cider",
    "beverage",
    "drink",
    "juice",
    "milk",
    "coffee",
    "latte",
    "cappuccino",
    "espresso",
    "mocha",
    "tea",
    "soup",
    "broth",
    "water",
    "soda",
    "cola",
    "beer",
    "wine",
    "smoothie",
    "shake",
    "kefir",
    "lemonade",
    "cocoa",
    "chocolate, hot",
    "liquor",
    "whiskey",
    "vodka",
];

fn is_beer_or_cider(food: &FoodDetails) -> bool {
    let name = food.name.to_lowercase();
    ["beer", "cider", "ale", "lager", "stout"]
        .iter()
        .any(|w| name.split(|c: char| !c.is_alphanumeric()).any(|x| x == *w))
        && (name.contains("alcoholic")
            || name.contains("hard cider")
            || food.food_group.as_deref() == Some("Beer"))
}

fn is_liquid(food: &FoodDetails) -> bool {
    let name = food.name.to_lowercase();
    LIQUID_WORDS.iter().any(|w| name.contains(w)) && !name.contains("powder") && !name.contains("dry")
}

/// g per ml when the food has no volume measure of its own: water for
/// liquids; for solids 0.8, between cooked grains (~0.7) and stews (~1.05).
fn default_density(food: &FoodDetails) -> f64 {
    if is_liquid(food) { 1.0 } else { 0.8 }
}

/// One typical portion of a food without a usable measure, by what its name
/// says it is. Grams from USDA household measures of such foods (SR24 items,
/// FNDDS portions): a slice of 14" regular-crust pizza 107 g, a fast-food
/// burger ~220 g, a sandwich ~180 g, a burrito ~230 g, a 12 fl oz coffee
/// drink ~360 g, a cup of a drink 240 g, a bowl of soup 1.5 cups, a cookie
/// 16 g, a muffin 113 g. Anything else: 100 g, said plainly in the name of
/// the unit the UI shows.
const TYPICAL_GRAMS: &[(&str, f64)] = &[
    ("pizza", 107.0),
    ("whopper", 270.0),
    ("big mac", 219.0),
    ("cheeseburger", 200.0),
    ("hamburger", 180.0),
    ("burger", 220.0),
    ("sandwich", 180.0),
    ("sub ", 230.0),
    ("wrap", 200.0),
    // A burrito bowl is a plate of it, not a wrap.
    ("burrito bowl", 300.0),
    ("burrito", 230.0),
    ("taco", 90.0),
    ("quesadilla", 180.0),
    ("latte", 360.0),
    ("cappuccino", 360.0),
    ("mocha", 360.0),
    ("frappuccino", 360.0),
    ("smoothie", 360.0),
    ("shake", 330.0),
    ("pho", 720.0),
    ("ramen", 500.0),
    ("soup", 360.0),
    ("chili", 250.0),
    ("curry", 240.0),
    ("stew", 250.0),
    ("salad", 200.0),
    ("cookie", 16.0),
    ("muffin", 113.0),
    ("croissant", 57.0),
    ("bagel", 105.0),
    ("donut", 60.0),
    ("doughnut", 60.0),
    ("pancake", 40.0),
    ("waffle", 75.0),
    ("naan", 90.0),
    ("nuggets", 16.0),
    ("egg", 50.0),
];

/// Spreads, syrups, sauces and dressings, by how USDA names start ("Syrups,
/// maple", "Butter, salted", "Salad dressing, ranch"), and the tablespoons of
/// one helping: FDA's Reference Amounts Customarily Consumed (21 CFR 101.12,
/// table 2) — 2 tbsp of syrups, dressings, dips, cream cheese and sour cream;
/// 1 tbsp of butter, oils, mayonnaise, ketchup, jams and honey. Without it a
/// food with a cup measure is served a cup ("maple syrup" 315 g).
const CONDIMENT_TBSP: &[(&str, f64)] = &[
    ("syrup", 2.0),
    ("syrups", 2.0),
    ("salad dressing", 2.0),
    ("dressing", 2.0),
    ("hummus", 2.0),
    ("dip", 2.0),
    ("salsa", 2.0),
    ("sauce, salsa", 2.0),
    ("cheese, cream", 2.0),
    ("cream cheese", 2.0),
    ("cream, sour", 2.0),
    ("sour cream", 2.0),
    ("cream, whipped", 2.0),
    ("whipped cream", 2.0),
    ("guacamole", 2.0),
    ("honey", 1.0),
    ("jams and preserves", 1.0),
    ("jam", 1.0),
    ("jellies", 1.0),
    ("marmalade", 1.0),
    ("ketchup", 1.0),
    ("catsup", 1.0),
    ("mustard", 1.0),
    ("mayonnaise", 1.0),
    ("butter", 1.0),
    ("margarine", 1.0),
    ("oil", 1.0),
    ("sauce, barbecue", 2.0),
];

/// One helping of a condiment in grams, by its own tablespoon (or density).
fn condiment_grams(food: &FoodDetails) -> Option<f64> {
    let name = food.name.to_lowercase();
    let first = name.split(',').next().unwrap_or_default().trim();
    let (_, tbsp) = CONDIMENT_TBSP.iter().find(|(w, _)| {
        if w.contains(',') {
            name.starts_with(w)
        } else {
            first == *w || (matches!(*w, "dip" | "dressing") && first.ends_with(&format!(" {w}")))
        }
    })?;
    let per_tbsp = named(&food.portions, "tbsp")
        .or_else(|| named(&food.portions, "tablespoon"))
        .map(|p| p.grams / p.amount)
        .unwrap_or_else(|| {
            let density = food.portions.iter().find_map(|p| portion_ml(p).map(|pml| p.grams / pml));
            14.787 * density.unwrap_or(1.0)
        });
    Some(tbsp * per_tbsp)
}

/// The typical portion of an FNDDS food with no USDA household measure, by
/// its WWEIA food category. FDA reference amounts (21 CFR 101.12) where
/// they are what one person eats at once — a 12 fl oz soft drink, 5 fl oz of
/// wine, 6 oz of yogurt, 30 g of chips, nuts or cheese, 2/3 cup of ice
/// cream, 1 cup of cooked cereal or mac and cheese — and, for mixed dishes
/// eaten as the meal (curries, stir-fries, casseroles, pasta dishes), 1.5 of
/// FDA's 1-cup reference (~300 g), the size of a dinner plate or a takeaway
/// box, since nobody's takeaway is one label cup.
const CATEGORY_GRAMS: &[(&str, f64)] = &[
    ("Meat mixed dishes", 300.0),
    ("Poultry mixed dishes", 300.0),
    ("Seafood mixed dishes", 300.0),
    ("Rice mixed dishes", 300.0),
    ("Pasta mixed dishes, excludes macaroni and cheese", 300.0),
    ("Fried rice and lo/chow mein", 300.0),
    ("Stir-fry and soy-based sauce mixtures", 300.0),
    ("Other Mexican mixed dishes", 300.0),
    ("Ramen and Asian broth-based soups", 500.0),
    ("Soups, broth-based", 360.0),
    ("Soups, cream-based", 360.0),
    ("Macaroni and cheese", 200.0),
    ("Bean, pea, legume dishes", 250.0),
    ("Soft drinks", 355.0),
    ("Diet soft drinks", 355.0),
    ("Fruit drinks", 355.0),
    ("Other diet drinks", 355.0),
    ("Sport and energy drinks", 355.0),
    ("Diet sport and energy drinks", 355.0),
    ("Flavored or carbonated water", 355.0),
    ("Tea", 355.0),
    ("Coffee", 355.0),
    ("Smoothies and grain drinks", 355.0),
    ("Beer", 355.0),
    ("Wine", 147.0),
    ("Plant-based milk", 240.0),
    ("Citrus juice", 240.0),
    ("Apple juice", 240.0),
    ("Other fruit juice", 240.0),
    ("Yogurt, regular", 170.0),
    ("Yogurt, Greek", 170.0),
    ("Cheese", 30.0),
    ("Nuts and seeds", 30.0),
    ("Potato chips", 30.0),
    ("Tortilla, corn, other chips", 30.0),
    ("Pretzels/snack mix", 30.0),
    ("Candy containing chocolate", 40.0),
    ("Candy not containing chocolate", 40.0),
    ("Cereal bars", 40.0),
    ("Nutrition bars", 50.0),
    ("Ice cream and frozen dairy desserts", 90.0),
    ("Pudding", 113.0),
    ("Oatmeal", 234.0),
    ("Grits and other cooked cereals", 234.0),
    ("Ready-to-eat cereal, higher sugar (>21.2g/100g)", 40.0),
    ("Ready-to-eat cereal, lower sugar (=<21.2g/100g)", 40.0),
    ("Doughnuts, sweet rolls, pastries", 60.0),
    // A slice of cake, pie or cheesecake: FDA's 80 g reference amount for
    // medium-weight cakes (a 1/6 slice of a 17 oz cheesecake is USDA's 80 g).
    ("Cakes and pies", 80.0),
    // A roll of sushi: 8 pieces of about 27 g.
    ("Egg rolls, dumplings, sushi", 220.0),
];

/// A cocktail ("Vodka and soda") is a highball; a spirit alone a 1.5 fl oz shot.
fn category_grams(food: &FoodDetails) -> Option<f64> {
    let group = food.food_group.as_deref()?;
    if group == "Liquor and cocktails" {
        let name = food.name.to_lowercase();
        return Some(if name.contains(" and ") || name.contains("cocktail") { 200.0 } else { 42.0 });
    }
    CATEGORY_GRAMS.iter().find(|(g, _)| *g == group).map(|(_, grams)| *grams)
}

/// "strawberries", "grapes", "cherries" typed with no count: one serving of
/// them (USDA's NLEA serving, else a cup, else an ounce), not one piece. Only
/// for foods whose piece is small (under 30 g); "apples" stays one apple.
pub fn serving_of_many(food: &FoodDetails) -> Option<f64> {
    let piece = typical_serving(food);
    (piece < 30.0 && (eaten_by_many(food) || is_fruit_or_vegetable(food)))
        .then(|| small_countable_serving(food))
}

fn is_fruit_or_vegetable(food: &FoodDetails) -> bool {
    food.food_group.as_deref().is_some_and(|g| {
        let g = g.to_lowercase();
        ["fruit", "berries", "grapes", "vegetable", "carrots", "tomatoes"].iter().any(|w| g.contains(w))
            && (!g.contains("juice") || g.contains("fruits and"))
            && !g.contains("dried")
    })
}

/// The portion a food is eaten in when the unit typed says nothing about grams.
pub fn typical_serving(food: &FoodDetails) -> f64 {
    if food.serving_grams.is_none()
        && let Some(g) = condiment_grams(food)
    {
        return g;
    }
    let (grams, piece) = typical_portion(food);
    // Energy-dense foods (nuts, chips, nut butters, dry cereal, sugar) are
    // eaten by the ounce or spoonful, not by the cup or the package: USDA's
    // reference amounts for them are about 30 g. A named piece (a bar, a
    // muffin) stays what it is; a package-sized one ("bag (8 oz)") does not.
    let kcal = food.nutrients.get("calories").copied().unwrap_or(0.0);
    if kcal >= 350.0 && grams > 60.0 && (!piece || grams > 150.0) {
        let nearest = food
            .portions
            .iter()
            .map(|p| p.grams / p.amount)
            .filter(|g| *g >= 3.0)
            .min_by(|a, b| (a - 30.0).abs().total_cmp(&(b - 30.0).abs()));
        return nearest.filter(|g| *g <= 60.0).unwrap_or(30.0);
    }
    grams
}

/// The typical portion's grams, and whether it is a named piece of the food.
fn typical_portion(food: &FoodDetails) -> (f64, bool) {
    if let Some(g) = food.serving_grams.filter(|g| *g > 0.0) {
        let per = g / food
            .serving_size
            .filter(|s| *s > 0.0 && food.serving_unit.as_deref() != Some("g"))
            .unwrap_or(1.0);
        return (per, true);
    }
    let typical = ["medium", "large", "piece", "serving", "slice", "each", "item", "fruit", "whole", "unit"];
    let mass = |p: &&Portion| {
        let n = p.name.to_lowercase();
        n == "oz" || n.starts_with("oz ") || n == "g"
    };
    // A size word anywhere in the name: "croissant, medium", "medium bagel (3-1/2\" dia)".
    let sized = |size: &str| {
        food.portions.iter().find(|p| {
            !is_bulk(p) && p.name.to_lowercase().split(|c: char| !c.is_alphanumeric()).any(|w| w == size)
        })
    };
    // A named piece ("chop", "fillet", "item") before a bare weight ("3 oz").
    // "1 unit (yield from 1 lb ready-to-cook chicken)" is a butcher's yield, not a portion.
    // A miniature or fun-size piece is a kind of its own, never the default
    // ("reese's cups" are the 2-cup package, not a 7 g miniature).
    let mini = |p: &Portion| {
        let n = p.name.to_lowercase();
        ["miniature", "mini ", "mini,", "fun size", "snack size", "bite size", "bite-size"]
            .iter()
            .any(|w| n.contains(w))
            || n == "mini"
    };
    let eaten_as: Vec<Portion> = food
        .portions
        .iter()
        .filter(|p| !p.name.to_lowercase().contains("yield from") && !mini(p))
        .cloned()
        .collect();
    if let Some(p) = typical
        .iter()
        .find_map(|u| named(&eaten_as, u))
        .or_else(|| sized("medium"))
        .or_else(|| sized("regular"))
        .or(eaten_as.iter().find(|p| portion_ml(p).is_none() && !is_bulk(p) && !mass(p)))
    {
        let bare_serving = p.name.to_lowercase().starts_with("serving");
        // A restaurant "order" (general tso's chicken, 535 g) is a takeaway
        // box for more than one helping: one person's plate is the 300 g
        // used for mixed dishes.
        if p.name.to_lowercase().starts_with("order") && p.grams / p.amount > 400.0 {
            return (300.0, true);
        }
        return (p.grams / p.amount, !bare_serving);
    }
    let name = format!("{} ", food.name.to_lowercase());
    // The table lists the specific before the general ("pho" before "soup").
    if let Some((_, g)) = TYPICAL_GRAMS.iter().find(|(w, _)| name.contains(w)) {
        return (*g, true);
    }
    if let Some(g) = category_grams(food) {
        return (g, true);
    }
    if let Some(p) = food.portions.iter().find(|p| mass(p)) {
        return (p.grams / p.amount, false);
    }
    if is_liquid(food) {
        return (240.0, false);
    }
    // A cup of the food (rice, pasta, cereal) is its usual serving when it has one.
    if let Some(g) = food.portions.iter().find_map(|p| portion_ml(p).map(|ml| p.grams / ml * 236.588)) {
        return (g, false);
    }
    (100.0, false)
}

/// Grams of one household unit the food has no measure for: a glass or mug
/// is a cup, a bowl 1.5 cups, a can 12 fl oz, a bottle 500 ml, a handful
/// 1 oz (USDA's serving of nuts and snacks), a scoop 30 g (protein powder)
/// or half a cup (ice cream), size words scale the typical portion.
fn household_default(food: &FoodDetails, unit: &str) -> Option<f64> {
    let volume = |ml: f64| {
        let density = food.portions.iter().find_map(|p| portion_ml(p).map(|pml| p.grams / pml));
        ml * density.unwrap_or_else(|| default_density(food))
    };
    let name = food.name.to_lowercase();
    Some(match unit {
        // A glass of wine is USDA's 5 fl oz serving; of anything else, a cup.
        "glass" | "glasses" if name.contains("wine") => volume(147.9),
        "glass" | "glasses" | "mug" | "mugs" => volume(240.0),
        "bowl" | "bowls" => {
            if is_liquid(food) || name.contains("cereal") || name.contains("oat") {
                volume(355.0)
            } else {
                typical_serving(food) * 1.5
            }
        }
        "plate" | "plates" => typical_serving(food) * 1.5,
        "can" | "cans" => volume(355.0),
        // A UK pot of yoghurt or dessert is 125–150 g (a US container is 6–8 oz).
        "pot" | "pots" | "tub" | "tubs" => {
            if ["yogurt", "yoghurt", "pudding", "mousse", "dessert", "custard"]
                .iter()
                .any(|w| name.contains(w))
            {
                150.0
            } else {
                typical_serving(food)
            }
        }
        // Coffee-shop sizes: tall 12, grande 16, venti 20 fl oz.
        "tall" => volume(354.9),
        "grande" => volume(473.2),
        "venti" => volume(591.5),
        "bottle" | "bottles" => volume(if name.contains("beer") { 355.0 } else { 500.0 }),
        // A handful of nuts or snacks is an ounce (USDA's serving of them); of
        // fruit or vegetables 80 g, the NHS "a handful is one portion".
        "handful" | "handfuls" => {
            if food.nutrients.get("calories").copied().unwrap_or(0.0) < 150.0 {
                80.0
            } else {
                28.35
            }
        }
        "scoop" | "scoops" => {
            if name.contains("ice cream") || name.contains("sorbet") || name.contains("gelato") {
                66.0
            } else {
                30.0
            }
        }
        // A UK back rasher, cooked, is about 16 g: twice USDA's 7.9 g slice of
        // US streaky bacon, which is what the "slice" measure of bacon is.
        "rasher" | "rashers" if name.contains("bacon") => {
            named(&food.portions, "slice").map(|p| (p.grams / p.amount * 2.0).max(16.0)).unwrap_or(16.0)
        }
        "slice" | "slices" | "strip" | "strips" | "rasher" | "rashers" => named(&food.portions, "slice")
            .map(|p| p.grams / p.amount)
            .unwrap_or_else(|| typical_serving(food)),
        "small" => {
            named(&food.portions, "small").map(|p| p.grams / p.amount).unwrap_or(typical_serving(food) * 0.75)
        }
        "medium" | "regular" => typical_serving(food),
        "large" | "big" => {
            named(&food.portions, "large").map(|p| p.grams / p.amount).unwrap_or(typical_serving(food) * 1.35)
        }
        "bar" | "bars" | "item" | "items" | "each" | "whole" | "portion" | "portions" => {
            typical_serving(food)
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn food(name: &str, group: Option<&str>, kcal: f64, portions: &[(&str, f64, f64)]) -> FoodDetails {
        FoodDetails {
            id: "f".into(),
            name: name.into(),
            brand_name: None,
            barcode_ean: None,
            barcode_upc: None,
            serving_size: None,
            serving_unit: None,
            serving_grams: None,
            portions: portions
                .iter()
                .map(|(n, amount, grams)| Portion { name: (*n).into(), amount: *amount, grams: *grams })
                .collect(),
            source: "usda_sr24".into(),
            source_id: None,
            nutrients: [("calories".to_string(), kcal)].into_iter().collect(),
            food_group: group.map(str::to_string),
        }
    }

    #[test]
    fn a_syrup_with_no_amount_is_two_tablespoons_not_a_cup() {
        let syrup = food("Syrups, maple", Some("Sweets"), 260.0, &[("cup", 1.0, 315.0), ("tbsp", 1.0, 20.0)]);
        assert_eq!(grams(&syrup, 1.0, "serving").ok(), Some(40.0));
        // An amount typed is still what counts.
        assert_eq!(grams(&syrup, 1.0, "cup").ok(), Some(315.0));
        let butter = food("Butter, salted", None, 717.0, &[("tbsp", 1.0, 14.2), ("cup", 1.0, 227.0)]);
        assert_eq!(grams(&butter, 1.0, "").ok(), Some(14.2));
        // Peanut butter is not butter.
        let pb = food(
            "Peanut butter, smooth style, with salt",
            None,
            597.0,
            &[("tbsp", 2.0, 32.0), ("cup", 1.0, 258.0)],
        );
        assert_eq!(condiment_grams(&pb), None);
    }

    #[test]
    fn a_takeaway_dish_with_no_measure_is_a_plate_not_100_g() {
        let pad_thai = food("Pad Thai with chicken", Some("Fried rice and lo/chow mein"), 160.0, &[]);
        assert_eq!(grams(&pad_thai, 1.0, "serving").ok(), Some(300.0));
        let diet = food("Soft drink, cola, diet", Some("Diet soft drinks"), 2.0, &[]);
        assert_eq!(grams(&diet, 1.0, "").ok(), Some(355.0));
        let gin = food("Gin and tonic", Some("Liquor and cocktails"), 84.0, &[]);
        assert_eq!(grams(&gin, 2.0, "").ok(), Some(400.0));
        // A food of no listed kind keeps the plain 100 g.
        let other = food("Something, NFS", Some("Not included in a food category"), 100.0, &[]);
        assert_eq!(grams(&other, 1.0, "").ok(), Some(100.0));
    }

    #[test]
    fn a_miniature_is_never_the_default_piece() {
        let cups = food(
            "Candies, REESE'S Peanut Butter Cups",
            None,
            515.0,
            &[("miniature cup", 1.0, 7.0), ("package, contains 2 cups", 1.0, 45.0)],
        );
        assert_eq!(grams(&cups, 1.0, "").ok(), Some(45.0));
    }

    #[test]
    fn a_handful_of_fruit_is_80_g_and_of_nuts_an_ounce() {
        let grapes = food("Grapes, raw", Some("Fruits and Fruit Juices"), 69.0, &[("grape", 1.0, 4.9)]);
        assert_eq!(grams(&grapes, 1.0, "handful").ok(), Some(80.0));
        let cashews = food("Nuts, cashew nuts, dry roasted", None, 574.0, &[("oz", 1.0, 28.35)]);
        assert_eq!(grams(&cashews, 1.0, "handful").ok(), Some(28.35));
    }

    #[test]
    fn small_fruit_typed_without_a_count_is_a_serving_of_them() {
        let strawberries = food(
            "Strawberries, raw",
            Some("Fruits and Fruit Juices"),
            32.0,
            &[("cup, whole", 1.0, 144.0), ("medium (1-1/4\" dia)", 1.0, 12.0), ("NLEA serving", 1.0, 147.0)],
        );
        assert_eq!(serving_of_many(&strawberries), Some(147.0));
        let apples = food(
            "Apples, raw, with skin",
            Some("Fruits and Fruit Juices"),
            52.0,
            &[("medium (3\" dia)", 1.0, 182.0)],
        );
        assert_eq!(serving_of_many(&apples), None);
    }

    #[test]
    fn usda_piece_weights_far_from_a_helping_are_a_helping() {
        // A whole restaurant order is a takeaway box, not one plate.
        let tso = food(
            "Restaurant, Chinese, general tso's chicken",
            Some("Restaurant Foods"),
            295.0,
            &[("order", 1.0, 535.0), ("pieces", 3.0, 53.0)],
        );
        assert_eq!(grams(&tso, 1.0, "serving").ok(), Some(300.0));
        // A UK rasher is a back rasher, twice USDA's streaky slice.
        let bacon = food(
            "Pork, cured, bacon, cooked, pan-fried",
            Some("Pork Products"),
            468.0,
            &[("slice cooked", 1.0, 7.9)],
        );
        assert_eq!(grams(&bacon, 2.0, "rasher").ok(), Some(32.0));
        assert_eq!(grams(&bacon, 2.0, "slice").ok(), Some(15.8));
        // A slice of an FNDDS cheesecake with no measure is 80 g, not 30 g.
        let cake = food("Cheesecake, plain", Some("Cakes and pies"), 399.0, &[]);
        assert_eq!(grams(&cake, 1.0, "slice").ok(), Some(80.0));
        // 8 pieces of a sushi roll are one roll, not 8 rolls.
        let roll = food("Sushi roll, California", Some("Egg rolls, dumplings, sushi"), 94.0, &[]);
        assert_eq!(grams(&roll, 8.0, "piece").ok(), Some(216.0));
        assert_eq!(grams(&roll, 1.0, "serving").ok(), Some(220.0));
        // An avocado with no count is half the fruit; two are two.
        let avo = food(
            "Avocados, raw, all commercial varieties",
            Some("Fruits and Fruit Juices"),
            160.0,
            &[("avocado, NS as to Florida or California", 1.0, 201.0)],
        );
        assert_eq!(grams(&avo, 1.0, "serving").ok(), Some(100.5));
        assert_eq!(grams(&avo, 2.0, "serving").ok(), Some(402.0));
    }

    #[test]
    fn a_pint_of_beer_or_cider_is_the_imperial_pint_and_of_milk_the_us_one() {
        let lager =
            food("Alcoholic beverage, beer, regular, all", Some("Beverages"), 43.0, &[("fl oz", 1.0, 29.7)]);
        assert!((grams(&lager, 1.0, "pint").unwrap_or(0.0) - 568.3).abs() < 0.1);
        let cider = food("Hard cider", Some("Beer"), 50.0, &[]);
        assert!((grams(&cider, 2.0, "pints").unwrap_or(0.0) - 1136.5).abs() < 0.1);
        let milk =
            food("Milk, whole, 3.25% milkfat", Some("Dairy and Egg Products"), 61.0, &[("cup", 1.0, 244.0)]);
        assert!((grams(&milk, 1.0, "pint").unwrap_or(0.0) - 488.0).abs() < 0.5);
    }
}
