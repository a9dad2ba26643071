//! Meal days from the bundled food database (USDA SR24): a curated list of
//! everyday foods, each with a role in a meal, filtered by the dietary
//! restrictions and portioned to hit the calorie target and the macros roughly.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::diet::{self, Restriction};
use super::plan::PlannedMeal;
use super::questionnaire::Questionnaire;
use crate::error::{Error, Result};
use crate::nutrition::{MealCategory, MealFood, foods};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Protein,
    Carb,
    Veg,
    Fruit,
    Fat,
}

/// SR24 id, the short label used in meal names, role, meals it suits, typical grams.
type Pick = (&'static str, &'static str, Role, &'static [MealCategory], f64);

use MealCategory::{Breakfast as B, Dinner as D, Lunch as L, Snack as S};
use Role::*;

const PICKS: &[Pick] = &[
    // Protein
    ("01132", "scrambled eggs", Protein, &[B], 120.0),
    ("01016", "cottage cheese", Protein, &[B, S], 200.0),
    ("01117", "yogurt", Protein, &[B, S], 220.0),
    ("16426", "tofu", Protein, &[B, L, D], 150.0),
    ("16120", "soy milk", Protein, &[B, S], 300.0),
    ("05064", "chicken breast", Protein, &[L, D], 140.0),
    ("15237", "salmon", Protein, &[L, D], 130.0),
    ("23563", "lean beef", Protein, &[L, D], 120.0),
    ("10061", "pork tenderloin", Protein, &[L, D], 130.0),
    ("15016", "cod", Protein, &[L, D], 160.0),
    ("15121", "tuna", Protein, &[L], 120.0),
    ("15151", "shrimp", Protein, &[D], 150.0),
    ("16174", "tempeh", Protein, &[L, D], 120.0),
    ("16070", "lentils", Protein, &[L, D], 200.0),
    ("16057", "chickpeas", Protein, &[L, D], 180.0),
    ("16015", "black beans", Protein, &[L, D], 180.0),
    ("11212", "edamame", Protein, &[L, S], 150.0),
    ("01129", "boiled eggs", Protein, &[L, S], 100.0),
    ("16158", "hummus", Protein, &[S], 60.0),
    // Carbs
    ("08120", "oats", Carb, &[B], 60.0),
    ("18075", "whole-wheat toast", Carb, &[B, L], 70.0),
    ("20010", "buckwheat", Carb, &[B, D], 170.0),
    ("18363", "corn tortillas", Carb, &[B, L], 60.0),
    ("20037", "brown rice", Carb, &[L, D], 180.0),
    ("20045", "white rice", Carb, &[L, D], 170.0),
    ("20137", "quinoa", Carb, &[L, D], 170.0),
    ("11363", "baked potato", Carb, &[L, D], 250.0),
    ("11508", "sweet potato", Carb, &[L, D], 220.0),
    ("20121", "spaghetti", Carb, &[L, D], 180.0),
    ("20032", "millet", Carb, &[B, D], 170.0),
    ("11168", "sweet corn", Carb, &[L], 150.0),
    ("19051", "rice cakes", Carb, &[S], 25.0),
    // Vegetables
    ("11091", "broccoli", Veg, &[L, D], 150.0),
    ("11457", "spinach", Veg, &[B, L, D], 60.0),
    ("11124", "carrots", Veg, &[L, S], 100.0),
    ("11821", "red pepper", Veg, &[L, D], 120.0),
    ("11053", "green beans", Veg, &[L, D], 150.0),
    ("11136", "cauliflower", Veg, &[D], 150.0),
    ("11478", "zucchini", Veg, &[L, D], 150.0),
    ("11260", "mushrooms", Veg, &[B, D], 100.0),
    ("11529", "tomatoes", Veg, &[B, L], 120.0),
    // Fruit
    ("09003", "apple", Fruit, &[B, S], 180.0),
    ("09040", "banana", Fruit, &[B, S], 120.0),
    ("09050", "blueberries", Fruit, &[B, S], 120.0),
    ("09316", "strawberries", Fruit, &[B, S], 150.0),
    ("09200", "orange", Fruit, &[S], 150.0),
    ("09302", "raspberries", Fruit, &[B, S], 120.0),
    ("09132", "grapes", Fruit, &[S], 120.0),
    // Fats
    ("04053", "olive oil", Fat, &[L, D], 10.0),
    ("09038", "avocado", Fat, &[B, L, D], 70.0),
    ("12061", "almonds", Fat, &[B, S], 25.0),
    ("12155", "walnuts", Fat, &[B, S], 20.0),
    ("16398", "peanut butter", Fat, &[B, S], 25.0),
    ("12014", "pumpkin seeds", Fat, &[S, L], 25.0),
    ("12006", "chia seeds", Fat, &[B], 20.0),
    ("01009", "cheddar", Fat, &[L, S], 30.0),
];

#[derive(Debug, Clone)]
pub struct CatalogFood {
    pub id: String,
    pub name: String,
    pub label: &'static str,
    pub group: Option<String>,
    pub role: Role,
    pub meals: &'static [MealCategory],
    pub base_grams: f64,
    /// Per gram: kcal, protein, carbs, fat.
    pub per_gram: [f64; 4],
}

/// The curated foods with their real nutrition from the bundled database.
pub struct Catalog {
    pub foods: Vec<CatalogFood>,
}

static BUNDLED: OnceLock<std::result::Result<Catalog, String>> = OnceLock::new();

impl Catalog {
    /// Read once per process from the bundled SR24 file.
    pub fn bundled() -> Result<&'static Catalog> {
        BUNDLED
            .get_or_init(|| {
                let records = foods::read_data_file(foods::BUNDLED_SR24, "the bundled USDA SR24 data")
                    .map_err(|e| e.to_string())?;
                Catalog::from_records(&records)
            })
            .as_ref()
            .map_err(|detail| Error::Corrupt { what: "the bundled food data".into(), detail: detail.clone() })
    }

    fn from_records(records: &[foods::FoodRecord]) -> std::result::Result<Catalog, String> {
        let by_id: HashMap<&str, &foods::FoodRecord> =
            records.iter().filter(|r| r.source == "usda_sr24").map(|r| (r.source_id.as_str(), r)).collect();
        let mut out = Vec::new();
        for (id, label, role, meals, grams) in PICKS {
            let r = by_id.get(id).ok_or_else(|| format!("SR24 food {id} ({label}) is missing"))?;
            let n = |k: &str| r.nutrients.get(k).copied().unwrap_or(0.0) / 100.0;
            out.push(CatalogFood {
                id: foods::shared_food_id(&r.source, &r.source_id),
                name: r.name.clone(),
                label,
                group: r.food_group.clone(),
                role: *role,
                meals,
                base_grams: *grams,
                per_gram: [n("calories"), n("protein_g"), n("total_carbs_g"), n("total_fat_g")],
            });
        }
        Ok(Catalog { foods: out })
    }

    pub fn allowed(&self, restrictions: &[Restriction]) -> Vec<&CatalogFood> {
        self.foods
            .iter()
            .filter(|f| diet::first_violation(restrictions, &f.name, f.group.as_deref()).is_none())
            .collect()
    }
}

/// Share of the day's calories and the roles of each meal, in order.
const MEALS: [(MealCategory, f64, &[Role]); 4] = [
    (MealCategory::Breakfast, 0.25, &[Protein, Carb, Fruit, Fat]),
    (MealCategory::Lunch, 0.30, &[Protein, Carb, Veg, Fat]),
    (MealCategory::Snack, 0.12, &[Protein, Fruit]),
    (MealCategory::Dinner, 0.33, &[Protein, Carb, Veg, Fat]),
];

fn meal_food(f: &CatalogFood, grams: f64) -> MealFood {
    let [k, p, c, fat] = f.per_gram;
    let r1 = |v: f64| (v * 10.0).round() / 10.0;
    MealFood {
        name: f.name.clone(),
        quantity: grams,
        unit: "g".into(),
        grams: Some(grams),
        calories: r1(k * grams),
        protein_g: r1(p * grams),
        carbs_g: r1(c * grams),
        fat_g: r1(fat * grams),
        food_id: Some(f.id.clone()),
        nutrients: Default::default(),
    }
}

/// The meals of one day; `variant` picks which foods (days rotate through them).
pub fn day_meals(q: &Questionnaire, catalog: &Catalog, variant: usize) -> Result<Vec<PlannedMeal>> {
    let allowed = catalog.allowed(&q.dietary_restrictions);
    let target = q.daily_calorie_target as f64;
    let protein_share = (q.daily_protein_target_g as f64 * 4.0 / target).clamp(0.1, 0.45);
    let mut meals = Vec::new();
    for (slot, (category, share, roles)) in MEALS.iter().enumerate() {
        let mut chosen: Vec<&CatalogFood> = Vec::new();
        for (r, role) in roles.iter().enumerate() {
            let options: Vec<&&CatalogFood> = allowed
                .iter()
                .filter(|f| {
                    f.role == *role && f.meals.contains(category) && !chosen.iter().any(|c| c.id == f.id)
                })
                .collect();
            if !options.is_empty() {
                // Different strides per slot and role so meals do not repeat in lockstep.
                chosen.push(options[(variant * (slot + 1) + r * 3 + variant / 7) % options.len()]);
            }
        }
        if chosen.is_empty() {
            return Err(Error::invalid(format!(
                "no foods left for {category:?} with these dietary restrictions"
            )));
        }
        let kcal_target = target * share;
        let protein_target = kcal_target * protein_share / 4.0;
        let grams = portion(&chosen, kcal_target, protein_target);
        let foods: Vec<MealFood> = chosen.iter().zip(&grams).map(|(f, g)| meal_food(f, *g)).collect();
        let mut labels: Vec<&str> = chosen.iter().map(|f| f.label).collect();
        let name = match labels.len() {
            1 => labels.remove(0).to_string(),
            _ => {
                let last = labels.pop().unwrap_or_default();
                format!("{} and {last}", labels.join(", "))
            }
        };
        meals.push(PlannedMeal { meal_type: *category, name: capitalize(&name), foods });
    }
    scale_day(&mut meals, catalog, target);
    Ok(meals)
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

/// Grams of each food: the protein food and the others are scaled by two
/// factors solving kcal = target and protein ≈ target, within sane bounds.
fn portion(foods: &[&CatalogFood], kcal: f64, protein: f64) -> Vec<f64> {
    let sum = |pred: &dyn Fn(&CatalogFood) -> bool, i: usize| -> f64 {
        foods.iter().filter(|f| pred(f)).map(|f| f.base_grams * f.per_gram[i]).sum()
    };
    let is_p = |f: &CatalogFood| f.role == Protein;
    let not_p = |f: &CatalogFood| f.role != Protein;
    let (kp, ko, pp, po) = (sum(&is_p, 0), sum(&not_p, 0), sum(&is_p, 1), sum(&not_p, 1));
    let det = kp * po - ko * pp;
    let (mut a, mut b) = if det.abs() > 1e-9 {
        ((kcal * po - ko * protein) / det, (kp * protein - pp * kcal) / det)
    } else {
        let s = kcal / (kp + ko).max(1e-9);
        (s, s)
    };
    a = a.clamp(0.4, 2.5);
    if ko > 0.0 {
        b = ((kcal - kp * a) / ko).clamp(0.3, 4.0);
    } else {
        a = kcal / kp.max(1e-9);
    }
    foods.iter().map(|f| f.base_grams * if f.role == Protein { a } else { b }).collect()
}

/// Scales every portion by one factor so the day hits the calorie target,
/// then rounds grams (1 g) and recomputes the nutrition from them.
fn scale_day(meals: &mut [PlannedMeal], catalog: &Catalog, target: f64) {
    let total: f64 = meals.iter().map(|m| m.totals().calories).sum();
    let factor = if total > 0.0 { target / total } else { 1.0 };
    for meal in meals.iter_mut() {
        for food in meal.foods.iter_mut() {
            let grams = ((food.grams.unwrap_or(food.quantity) * factor).round()).max(1.0);
            if let Some(f) = catalog.foods.iter().find(|c| Some(&c.id) == food.food_id.as_ref()) {
                *food = meal_food(f, grams);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::programs::questionnaire::Answers;

    #[test]
    fn a_vegan_gluten_free_day_hits_its_calories_from_real_foods() {
        let q = Answers {
            primary_goal: Some("build_muscle".into()),
            dietary_restrictions: vec!["vegan".into(), "gluten_free".into()],
            daily_calorie_target: Some(2600),
            daily_protein_target_g: Some(140),
            ..Answers::default()
        }
        .validate()
        .unwrap();
        let catalog = Catalog::bundled().unwrap();
        for variant in 0..14 {
            let meals = day_meals(&q, catalog, variant).unwrap();
            let kcal: f64 = meals.iter().map(|m| m.totals().calories).sum();
            assert!((kcal - 2600.0).abs() < 2600.0 * 0.05, "{kcal}");
            for f in meals.iter().flat_map(|m| &m.foods) {
                assert!(
                    !f.name.contains("Chicken") && !f.name.contains("Bread") && !f.name.contains("Cheese"),
                    "{}",
                    f.name
                );
                assert!(f.food_id.is_some());
            }
        }
    }
}
