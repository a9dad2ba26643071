//! USDA SR24 → food records. The input is the `usda_sr24.jar` that Debian's
//! `cronometer` package ships (a zip: `usda_sr24/NNNNN.xml` per food, plus
//! `foods.index` of active foods and `deprecated.index`). Each XML food has
//! `<measure amount name grams>` portions and `<nutrient amount name>` values
//! per 100 g in USDA SR units, keyed by display name.
//!
//! The mapping below is ours, from the USDA SR24 documentation (nutrient
//! numbers and units in the comments). Units are converted to the columns':
//! vitamin D IU → µg, vitamin A IU + retinol + carotenoids → µg RAE.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;
use std::path::Path;

use quick_xml::events::{BytesStart, Event};

use super::foods::{FoodRecord, Portion};
use crate::error::{Error, Result};

enum Target {
    /// Stored in a column after multiplying by the factor.
    Column(&'static str, f64),
    /// Only used to derive vitamin A (RAE).
    VitaminA,
    /// No column for it.
    Dropped,
}

/// Every nutrient name the SR24 XML uses. An unknown name fails the
/// conversion rather than being lost silently.
fn target(name: &str) -> Option<Target> {
    use Target::*;
    Some(match name {
        "Energy" => Column("calories", 1.0),                           // 208 kcal
        "Protein" => Column("protein_g", 1.0),                         // 203 g
        "Carbs" => Column("total_carbs_g", 1.0),                       // 205 g, by difference
        "Fiber" => Column("dietary_fiber_g", 1.0),                     // 291 g, total dietary
        "Starch" => Column("starch_g", 1.0),                           // 209 g
        "Sugars" => Column("total_sugars_g", 1.0),                     // 269 g
        "Fat" => Column("total_fat_g", 1.0),                           // 204 g, total lipid
        "Alcohol" => Column("alcohol_g", 1.0),                         // 221 g
        "Caffeine" => Column("caffeine_mg", 1.0),                      // 262 mg
        "Water" => Column("water_g", 1.0),                             // 255 g
        "Calcium" => Column("calcium_mg", 1.0),                        // 301 mg
        "Copper" => Column("copper_mg", 1.0),                          // 312 mg
        "Fluoride" => Column("fluoride_ug", 1.0),                      // 313 µg
        "Iron" => Column("iron_mg", 1.0),                              // 303 mg
        "Magnesium" => Column("magnesium_mg", 1.0),                    // 304 mg
        "Manganese" => Column("manganese_mg", 1.0),                    // 315 mg
        "Phosphorus" => Column("phosphorus_mg", 1.0),                  // 305 mg
        "Potassium" => Column("potassium_mg", 1.0),                    // 306 mg
        "Selenium" => Column("selenium_ug", 1.0),                      // 317 µg
        "Sodium" => Column("sodium_mg", 1.0),                          // 307 mg
        "Zinc" => Column("zinc_mg", 1.0),                              // 309 mg
        "B1 (Thiamine)" => Column("thiamin_mg", 1.0),                  // 404 mg
        "B2 (Riboflavin)" => Column("riboflavin_mg", 1.0),             // 405 mg
        "B3 (Niacin)" => Column("niacin_mg", 1.0),                     // 406 mg
        "B5 (Pantothenic Acid)" => Column("pantothenic_acid_mg", 1.0), // 410 mg
        "B6 (Pyridoxine)" => Column("vitamin_b6_mg", 1.0),             // 415 mg
        "B12 (Cyanocobalamin)" => Column("vitamin_b12_ug", 1.0),       // 418 µg
        // 417, total folate in µg. SR24 here carries no folic acid split, so
        // DFE (food folate + 1.7 × folic acid) cannot be derived: total folate
        // equals DFE for unfortified foods and understates fortified ones.
        "Folate" => Column("folate_ug", 1.0),
        "Vitamin C" => Column("vitamin_c_mg", 1.0),        // 401 mg
        "Vitamin D" => Column("vitamin_d_ug", 1.0 / 40.0), // 324 IU; 1 µg = 40 IU
        "Vitamin E" => Column("vitamin_e_mg", 1.0),        // 323 mg alpha-tocopherol
        "Vitamin K" => Column("vitamin_k_ug", 1.0),        // 430 µg phylloquinone
        "Choline" => Column("choline_mg", 1.0),            // 421 mg
        "Saturated" => Column("saturated_fat_g", 1.0),     // 606 g
        "Monounsaturated" => Column("monounsaturated_fat_g", 1.0), // 645 g
        "Polyunsaturated" => Column("polyunsaturated_fat_g", 1.0), // 646 g
        "Trans-Fats" => Column("trans_fat_g", 1.0),        // 605 g
        "Omega-3" => Column("omega3_g", 1.0),              // sum of 18:3, 20:5, 22:5, 22:6 (g)
        "Omega-6" => Column("omega6_g", 1.0),              // sum of 18:2, 18:3 n-6, 20:4 (g)
        "Cholesterol" => Column("cholesterol_mg", 1.0),    // 601 mg
        // 318 IU, 319 µg, 321/322/334 µg: combined into vitamin A RAE.
        "Vitamin A" | "Retinol" | "Beta-carotene" | "Alpha-carotene" | "Beta-cryptoxanthin" => VitaminA,
        // No column: ash, other carotenoids and tocopherols, phytosterols, amino acids.
        "Ash" | "Lycopene" | "Lutein+Zeaxanthin" | "Beta Tocopherol" | "Gamma Tocopherol"
        | "Delta Tocopherol" | "Phytosterol" | "ALA" | "ARG" | "ASP" | "CYS" | "GLU" | "GLY" | "HIS"
        | "HYP" | "ILE" | "LEU" | "LYS" | "MET" | "PHE" | "PRO" | "SER" | "THR" | "TRP" | "TYR" | "VAL" => {
            Dropped
        }
        _ => return None,
    })
}

/// Vitamin A in µg RAE (retinol activity equivalents).
///
/// With retinol and the three provitamin-A carotenoids known, RAE is the
/// definition: retinol + β-carotene/12 + (α-carotene + β-cryptoxanthin)/24.
/// Otherwise the IU total is split: 1 IU is 0.3 µg retinol, or 0.6 µg
/// β-carotene / 1.2 µg other carotenoids, and each carotenoid IU is then
/// 0.05 µg RAE. Without either split the value is unknown (NULL).
pub fn vitamin_a_rae(
    iu: Option<f64>,
    retinol: Option<f64>,
    beta_carotene: Option<f64>,
    alpha_carotene: Option<f64>,
    cryptoxanthin: Option<f64>,
) -> Option<f64> {
    let carotenoids = match (beta_carotene, alpha_carotene, cryptoxanthin) {
        (Some(b), Some(a), Some(c)) => Some((b, a + c)),
        _ => None,
    };
    match (iu, retinol, carotenoids) {
        (_, Some(r), Some((b, ac))) => Some(r + b / 12.0 + ac / 24.0),
        (Some(iu), Some(r), None) => Some(r + 0.05 * (iu - r / 0.3).max(0.0)),
        (Some(iu), None, Some((b, ac))) => {
            let retinol = 0.3 * (iu - b / 0.6 - ac / 1.2).max(0.0);
            Some(retinol + b / 12.0 + ac / 24.0)
        }
        (Some(0.0), None, None) => Some(0.0),
        _ => None,
    }
}

/// USDA food groups by the first two digits of the NDB number, where the
/// numbering follows the group (the 4x/8x/9x ranges mix groups: left empty).
fn food_group(ndb: &str) -> Option<&'static str> {
    Some(match ndb.get(..2)? {
        "01" => "Dairy and Egg Products",
        "02" => "Spices and Herbs",
        "03" => "Baby Foods",
        "04" => "Fats and Oils",
        "05" => "Poultry Products",
        "06" | "27" => "Soups, Sauces, and Gravies",
        "07" => "Sausages and Luncheon Meats",
        "08" => "Breakfast Cereals",
        "09" => "Fruits and Fruit Juices",
        "10" => "Pork Products",
        "11" => "Vegetables and Vegetable Products",
        "12" => "Nut and Seed Products",
        "13" | "23" => "Beef Products",
        "14" => "Beverages",
        "15" => "Finfish and Shellfish Products",
        "16" => "Legumes and Legume Products",
        "17" => "Lamb, Veal, and Game Products",
        "18" => "Baked Products",
        "19" => "Sweets",
        "20" => "Cereal Grains and Pasta",
        "21" => "Fast Foods",
        "22" => "Meals, Entrees, and Side Dishes",
        "25" => "Snacks",
        "35" => "American Indian/Alaska Native Foods",
        "36" => "Restaurant Foods",
        _ => return None,
    })
}

fn corrupt(what: &str, detail: impl std::fmt::Display) -> Error {
    Error::Corrupt { what: what.to_string(), detail: detail.to_string() }
}

fn attrs(e: &BytesStart<'_>, what: &str) -> Result<HashMap<String, String>> {
    let mut out = HashMap::new();
    for attr in e.attributes() {
        let attr = attr.map_err(|err| corrupt(what, err))?;
        let key = attr.key.as_ref().to_string();
        let value = attr
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|err| corrupt(what, err))?
            .into_owned();
        out.insert(key, value);
    }
    Ok(out)
}

fn number(map: &HashMap<String, String>, key: &str, what: &str) -> Result<f64> {
    let raw = map.get(key).ok_or_else(|| corrupt(what, format!("missing {key}")))?;
    let value: f64 =
        raw.trim().parse().map_err(|_| corrupt(what, format!("{key} {raw:?} is not a number")))?;
    if !value.is_finite() {
        return Err(corrupt(what, format!("{key} {raw:?} is not a number")));
    }
    Ok(value)
}

/// Values as USDA publishes them have at most 3 decimals; derived ones are
/// rounded too so the data file stays small and diffs stay readable.
fn round(value: f64) -> f64 {
    (value * 10_000.0).round() / 10_000.0
}

/// One `<food>` document → a record with per-100 g nutrients by column.
pub fn parse_food(xml: &str, what: &str) -> Result<FoodRecord> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut uid = None;
    let mut name = None;
    let mut portions = Vec::new();
    let mut nutrients = BTreeMap::new();
    let mut vitamin_a: HashMap<String, f64> = HashMap::new();
    loop {
        match reader.read_event().map_err(|e| corrupt(what, e))? {
            Event::Start(e) | Event::Empty(e) => {
                let a = attrs(&e, what)?;
                match e.name().as_ref() {
                    "food" => {
                        uid = a.get("uid").cloned();
                        name = a.get("name").map(|n| n.trim().to_string());
                    }
                    "measure" => {
                        let portion = Portion {
                            name: a.get("name").map(|n| n.trim().to_string()).unwrap_or_default(),
                            amount: number(&a, "amount", what)?,
                            grams: number(&a, "grams", what)?,
                        };
                        // A few measures weigh 0 g (no data): useless as portions.
                        if portion.grams > 0.0 && portion.amount > 0.0 && !portion.name.is_empty() {
                            portions.push(portion);
                        }
                    }
                    "nutrient" => {
                        let nutrient = a.get("name").ok_or_else(|| corrupt(what, "nutrient without name"))?;
                        let amount = number(&a, "amount", what)?;
                        if amount < 0.0 {
                            return Err(corrupt(what, format!("{nutrient} is negative")));
                        }
                        match target(nutrient) {
                            Some(Target::Column(column, factor)) => {
                                nutrients.insert(column.to_string(), round(amount * factor));
                            }
                            Some(Target::VitaminA) => {
                                vitamin_a.insert(nutrient.clone(), amount);
                            }
                            Some(Target::Dropped) => {}
                            None => return Err(corrupt(what, format!("unknown nutrient {nutrient:?}"))),
                        }
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let uid = uid.filter(|u| !u.is_empty()).ok_or_else(|| corrupt(what, "no food uid"))?;
    let name = name.filter(|n| !n.is_empty()).ok_or_else(|| corrupt(what, "no food name"))?;
    let get = |k: &str| vitamin_a.get(k).copied();
    if let Some(rae) = vitamin_a_rae(
        get("Vitamin A"),
        get("Retinol"),
        get("Beta-carotene"),
        get("Alpha-carotene"),
        get("Beta-cryptoxanthin"),
    ) {
        nutrients.insert("vitamin_a_ug".into(), round(rae));
    }
    Ok(FoodRecord {
        source: "usda_sr24".into(),
        food_group: food_group(&uid).map(str::to_string),
        source_id: uid,
        name,
        description: None,
        portions,
        nutrients,
    })
}

/// What a conversion read.
#[derive(Debug)]
pub struct Conversion {
    pub records: Vec<FoodRecord>,
    /// Foods only listed in `deprecated.index`, left out.
    pub deprecated_skipped: usize,
}

fn index_ids(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| line.split('|').next())
        .map(|id| id.trim().to_string())
        .filter(|id| !id.is_empty())
        .collect()
}

/// Converts the active foods of the jar: those listed in `foods.index`
/// (authoritative: a few NDB numbers were deprecated and then reused for a
/// new food, which `foods.index` lists with its current XML).
pub fn convert_jar(jar: &Path) -> Result<Conversion> {
    let what = jar.display().to_string();
    let file = std::fs::File::open(jar).map_err(|e| Error::io(format!("opening {what}"), e))?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| corrupt(&what, e))?;
    let mut read = |name: &str| -> Result<String> {
        let mut entry = zip.by_name(name).map_err(|e| corrupt(&what, format!("{name}: {e}")))?;
        let mut text = String::new();
        entry.read_to_string(&mut text).map_err(|e| corrupt(&what, format!("{name}: {e}")))?;
        Ok(text)
    };
    let active = index_ids(&read("usda_sr24/foods.index")?);
    let deprecated: HashSet<String> = index_ids(&read("usda_sr24/deprecated.index")?).into_iter().collect();
    let active_set: HashSet<&String> = active.iter().collect();
    let mut records = Vec::with_capacity(active.len());
    for id in &active {
        let entry = format!("usda_sr24/{id}.xml");
        let record = parse_food(&read(&entry)?, &format!("{what}!{entry}"))?;
        if &record.source_id != id {
            return Err(corrupt(&what, format!("{entry} says it is food {}", record.source_id)));
        }
        records.push(record);
    }
    Ok(Conversion {
        records,
        deprecated_skipped: deprecated.iter().filter(|id| !active_set.contains(id)).count(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rae_follows_the_definition_and_falls_back_on_iu() {
        // Raw egg (01123): 540 IU, retinol 160 µg, β-cryptoxanthin 9 µg → USDA lists 160 µg RAE.
        let egg = vitamin_a_rae(Some(540.0), Some(160.0), Some(0.0), Some(0.0), Some(9.0)).unwrap();
        assert!((egg - 160.375).abs() < 1e-9);
        // Retinol only: the carotenoid share of the IU counts 0.05 µg RAE per IU.
        let r = vitamin_a_rae(Some(1000.0), Some(150.0), None, None, None).unwrap();
        assert!((r - (150.0 + 0.05 * 500.0)).abs() < 1e-9);
        // Carotenoids only: the remaining IU are retinol at 0.3 µg per IU.
        let c = vitamin_a_rae(Some(200.0), None, Some(60.0), Some(0.0), Some(0.0)).unwrap();
        assert!((c - (0.3 * 100.0 + 5.0)).abs() < 1e-9);
        // IU alone cannot be split: unknown, not zero.
        assert_eq!(vitamin_a_rae(Some(570.0), None, None, None, None), None);
        assert_eq!(vitamin_a_rae(Some(0.0), None, None, None, None), Some(0.0));
    }

    #[test]
    fn unknown_nutrients_fail_the_conversion() {
        let xml = r#"<food uid="99999" name="Test"><nutrient amount="1.0" name="Unobtainium"/></food>"#;
        let err = parse_food(xml, "test").unwrap_err().to_string();
        assert!(err.contains("Unobtainium"), "{err}");
    }
}
