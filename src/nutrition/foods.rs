//! The food database (`foods_enhanced`): the bundled USDA data file and its
//! loader. Nutrients are per 100 g of edible portion, keyed by column name.

use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::store::Store;

/// Every per-100 g nutrient column of `foods_enhanced`, in schema order. Data
/// files may only name these, so building SQL from them is safe.
pub const NUTRIENT_COLUMNS: [&str; 46] = [
    "calories",
    "protein_g",
    "total_carbs_g",
    "dietary_fiber_g",
    "total_sugars_g",
    "added_sugars_g",
    "total_fat_g",
    "saturated_fat_g",
    "monounsaturated_fat_g",
    "polyunsaturated_fat_g",
    "trans_fat_g",
    "cholesterol_mg",
    "sodium_mg",
    "potassium_mg",
    "calcium_mg",
    "iron_mg",
    "magnesium_mg",
    "zinc_mg",
    "phosphorus_mg",
    "selenium_ug",
    "copper_mg",
    "manganese_mg",
    "vitamin_a_ug",
    "vitamin_c_mg",
    "vitamin_d_ug",
    "vitamin_e_mg",
    "vitamin_k_ug",
    "thiamin_mg",
    "riboflavin_mg",
    "niacin_mg",
    "pantothenic_acid_mg",
    "vitamin_b6_mg",
    "biotin_ug",
    "folate_ug",
    "vitamin_b12_ug",
    "choline_mg",
    "caffeine_mg",
    "alcohol_g",
    "water_g",
    "starch_g",
    "omega3_g",
    "omega6_g",
    "iodine_ug",
    "chromium_ug",
    "molybdenum_ug",
    "fluoride_ug",
];

/// Sources a bundled data file may carry (custom foods are never bundled).
const BUNDLED_SOURCES: [&str; 2] = ["usda_sr24", "usda_fndds"];

/// The USDA SR24 foods, converted by `wagner food convert-sr24` (see `sr24`).
pub static BUNDLED_SR24: &[u8] = include_bytes!("../../data/foods/usda_sr24.jsonl.gz");

/// A named household measure: `amount` of `name` weighs `grams`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Portion {
    pub name: String,
    pub amount: f64,
    pub grams: f64,
}

/// One food of a data file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FoodRecord {
    pub source: String,
    pub source_id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub food_group: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub portions: Vec<Portion>,
    /// Per 100 g, keyed by a `NUTRIENT_COLUMNS` name; absent = unknown.
    pub nutrients: BTreeMap<String, f64>,
}

impl FoodRecord {
    fn validate(&self) -> std::result::Result<(), String> {
        if !BUNDLED_SOURCES.contains(&self.source.as_str()) {
            return Err(format!("unknown source {:?}", self.source));
        }
        if self.source_id.trim().is_empty() || self.name.trim().is_empty() {
            return Err("a food needs a source_id and a name".into());
        }
        for (column, value) in &self.nutrients {
            if !NUTRIENT_COLUMNS.contains(&column.as_str()) {
                return Err(format!("{}: unknown nutrient column {column:?}", self.source_id));
            }
            if !value.is_finite() || *value < 0.0 {
                return Err(format!("{}: {column} = {value} is not a number ≥ 0", self.source_id));
            }
        }
        for p in &self.portions {
            if !(p.grams.is_finite() && p.grams > 0.0 && p.amount.is_finite() && p.amount > 0.0) {
                return Err(format!("{}: portion {:?} has no positive weight", self.source_id, p.name));
            }
        }
        Ok(())
    }
}

/// Writes records as gzip-compressed JSON lines, sorted by source id so that
/// a re-conversion of the same input gives the same bytes.
pub fn write_data_file(records: &[FoodRecord], out: &Path) -> Result<()> {
    let mut sorted: Vec<&FoodRecord> = records.iter().collect();
    sorted.sort_by(|a, b| (&a.source, &a.source_id).cmp(&(&b.source, &b.source_id)));
    let file = std::fs::File::create(out).map_err(|e| Error::io(format!("creating {}", out.display()), e))?;
    // mtime 0 and no file name in the header: the output depends on the data only.
    let mut gz = flate2::GzBuilder::new().mtime(0).write(file, flate2::Compression::best());
    for record in sorted {
        let line = serde_json::to_string(record).map_err(|e| Error::invalid(e.to_string()))?;
        writeln!(gz, "{line}").map_err(|e| Error::io(format!("writing {}", out.display()), e))?;
    }
    gz.finish().map_err(|e| Error::io(format!("writing {}", out.display()), e))?;
    Ok(())
}

/// Reads and validates a data file written by `write_data_file`.
pub fn read_data_file(gz_bytes: &[u8], what: &str) -> Result<Vec<FoodRecord>> {
    let corrupt = |detail: String| Error::Corrupt { what: what.to_string(), detail };
    let reader = BufReader::new(flate2::read::GzDecoder::new(gz_bytes));
    let mut records = Vec::new();
    let mut seen = HashSet::new();
    for (n, line) in reader.lines().enumerate() {
        let line = line.map_err(|e| corrupt(format!("line {}: {e}", n + 1)))?;
        if line.trim().is_empty() {
            continue;
        }
        let record: FoodRecord =
            serde_json::from_str(&line).map_err(|e| corrupt(format!("line {}: {e}", n + 1)))?;
        record.validate().map_err(|e| corrupt(format!("line {}: {e}", n + 1)))?;
        if !seen.insert((record.source.clone(), record.source_id.clone())) {
            return Err(corrupt(format!("line {}: {} appears twice", n + 1, record.source_id)));
        }
        records.push(record);
    }
    Ok(records)
}

/// Reads a data file from disk (the bundled one is compiled in).
pub fn read_data_path(path: &Path) -> Result<Vec<FoodRecord>> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
    read_data_file(&bytes, &path.display().to_string())
}

/// Shared database foods get a stable id derived from their source and id,
/// so that meals referencing them mean the same food on every device.
pub fn shared_food_id(source: &str, source_id: &str) -> String {
    // Fixed namespace for Wagner Coach food ids (a random UUID chosen once).
    const NAMESPACE: uuid::Uuid = uuid::uuid!("6f1d3c1e-5b1a-4e07-9a53-2f0c8e4b7d21");
    uuid::Uuid::new_v5(&NAMESPACE, format!("{source}:{source_id}").as_bytes()).to_string()
}

/// What a load did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LoadReport {
    pub records: u32,
    pub inserted: u32,
    pub updated: u32,
    pub unchanged: u32,
}

/// Inserts or refreshes shared foods from records, in one transaction.
/// Re-running with the same records changes nothing (not even `updated_at`):
/// rows are matched on (source, source_id) and only rewritten when a value differs.
pub async fn load_records(store: &Store, records: &[FoodRecord]) -> Result<LoadReport> {
    for record in records {
        record.validate().map_err(Error::invalid)?;
    }
    let data_columns: Vec<&str> =
        ["name", "food_group", "description", "portions"].into_iter().chain(NUTRIENT_COLUMNS).collect();
    let placeholders = vec!["?"; data_columns.len() + 4].join(", ");
    let set = data_columns.iter().map(|c| format!("{c} = excluded.{c}")).collect::<Vec<_>>().join(", ");
    let differs =
        data_columns.iter().map(|c| format!("{c} IS NOT excluded.{c}")).collect::<Vec<_>>().join(" OR ");
    let sql = format!(
        "INSERT INTO foods_enhanced (id, source, source_id, is_verified, {}) VALUES ({placeholders}) \
         ON CONFLICT (source, source_id) WHERE source_id IS NOT NULL DO UPDATE SET {set}, is_verified = 1 \
         WHERE {differs} OR is_verified IS NOT 1",
        data_columns.join(", ")
    );

    let mut tx = store.pool().begin().await?;
    let mut existing: HashSet<(String, String)> = HashSet::new();
    for source in BUNDLED_SOURCES {
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT source_id FROM foods_enhanced WHERE source = ? AND source_id IS NOT NULL",
        )
        .bind(source)
        .fetch_all(&mut *tx)
        .await?;
        existing.extend(ids.into_iter().map(|id| (source.to_string(), id)));
    }
    let mut report = LoadReport { records: records.len() as u32, ..LoadReport::default() };
    for record in records {
        let portions = serde_json::to_string(&record.portions).map_err(|e| Error::invalid(e.to_string()))?;
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(shared_food_id(&record.source, &record.source_id))
            .bind(&record.source)
            .bind(&record.source_id)
            .bind(1_i64)
            .bind(&record.name)
            .bind(&record.food_group)
            .bind(&record.description)
            .bind(portions);
        for column in NUTRIENT_COLUMNS {
            query = query.bind(record.nutrients.get(column).copied());
        }
        let changed = query.execute(&mut *tx).await?.rows_affected() > 0;
        let known = existing.contains(&(record.source.clone(), record.source_id.clone()));
        match (known, changed) {
            (false, _) => report.inserted += 1,
            (true, true) => report.updated += 1,
            (true, false) => report.unchanged += 1,
        }
    }
    tx.commit().await?;
    Ok(report)
}

/// Loads the bundled food database (idempotent; see `load_records`).
pub async fn load_bundled(store: &Store) -> Result<LoadReport> {
    let records = read_data_file(BUNDLED_SR24, "the bundled USDA SR24 data")?;
    load_records(store, &records).await
}

/// Loads the bundled foods unless a load already happened: what `wagner init`
/// runs, so a second init costs one query. `wagner food load` refreshes.
pub async fn ensure_loaded(store: &Store) -> Result<Option<LoadReport>> {
    let loaded: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM foods_enhanced WHERE source = 'usda_sr24')")
            .fetch_one(store.pool())
            .await?;
    if loaded { Ok(None) } else { load_bundled(store).await.map(Some) }
}
