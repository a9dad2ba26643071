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
/// The USDA FNDDS survey foods SR24 lacks, converted by `wagner food convert-fndds`.
pub static BUNDLED_FNDDS: &[u8] = include_bytes!("../../data/foods/usda_fndds.jsonl.gz");

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
    let row = format!("({})", vec!["?"; data_columns.len() + 4].join(", "));
    let set = data_columns.iter().map(|c| format!("{c} = excluded.{c}")).collect::<Vec<_>>().join(", ");
    let differs =
        data_columns.iter().map(|c| format!("{c} IS NOT excluded.{c}")).collect::<Vec<_>>().join(" OR ");
    // Many rows per statement: one round trip per batch, not per food.
    const BATCH: usize = 200;
    let sql = |rows: usize| {
        format!(
            "INSERT INTO foods_enhanced (id, source, source_id, is_verified, {}) VALUES {} \
             ON CONFLICT (source, source_id) WHERE source_id IS NOT NULL DO UPDATE SET {set}, is_verified = 1 \
             WHERE {differs} OR is_verified IS NOT 1",
            data_columns.join(", "),
            vec![row.as_str(); rows].join(", ")
        )
    };

    let mut tx = store.begin_write().await?;
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
    let mut changes = 0;
    for batch in records.chunks(BATCH) {
        let batch_sql = sql(batch.len());
        let mut query = sqlx::query(sqlx::AssertSqlSafe(batch_sql.as_str()));
        for record in batch {
            let portions =
                serde_json::to_string(&record.portions).map_err(|e| Error::invalid(e.to_string()))?;
            query = query
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
            if !existing.contains(&(record.source.clone(), record.source_id.clone())) {
                report.inserted += 1;
            }
        }
        // Inserted and rewritten rows count as changes; rows left alone do not.
        changes += query.execute(&mut *tx).await?.rows_affected() as u32;
    }
    report.updated = changes.saturating_sub(report.inserted);
    report.unchanged = report.records - report.inserted - report.updated;
    tx.commit().await?;
    Ok(report)
}

/// The bundled foods: SR24, then the FNDDS dishes it lacks.
pub fn bundled_records() -> Result<Vec<FoodRecord>> {
    let mut records = read_data_file(BUNDLED_SR24, "the bundled USDA SR24 data")?;
    records.extend(read_data_file(BUNDLED_FNDDS, "the bundled USDA FNDDS data")?);
    Ok(records)
}

/// Loads the bundled food database (idempotent; see `load_records`).
pub async fn load_bundled(store: &Store) -> Result<LoadReport> {
    load_records(store, &bundled_records()?).await
}

/// Loads the bundled foods unless a load already happened: what `wagner init`
/// runs, so a second init costs one query. `wagner food load` refreshes.
pub async fn ensure_loaded(store: &Store) -> Result<Option<LoadReport>> {
    let loaded: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM foods_enhanced WHERE source = 'usda_sr24') \
         AND EXISTS (SELECT 1 FROM foods_enhanced WHERE source = 'usda_fndds')",
    )
    .fetch_one(store.pool())
    .await?;
    if loaded { Ok(None) } else { load_bundled(store).await.map(Some) }
}

/// One search result; nutrients per 100 g.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FoodHit {
    pub id: String,
    pub name: String,
    pub brand_name: Option<String>,
    pub food_group: Option<String>,
    pub source: String,
    pub calories: Option<f64>,
    pub protein_g: Option<f64>,
    pub carbs_g: Option<f64>,
    pub fat_g: Option<f64>,
    /// How often the user logged this food in the last 180 days.
    pub times_logged: u32,
}

impl FoodHit {
    /// `name · kcal/100 g · id`, the CLI's line.
    pub fn line(&self) -> String {
        let brand = self.brand_name.as_deref().map(|b| format!(" ({b})")).unwrap_or_default();
        let kcal = self.calories.map(|k| format!("{k:.0} kcal/100 g")).unwrap_or_else(|| "? kcal".into());
        format!("{}{brand}  ·  {kcal}  ·  {}", self.name, self.id)
    }
}

#[derive(sqlx::FromRow)]
struct Candidate {
    id: String,
    name: String,
    brand_name: Option<String>,
    food_group: Option<String>,
    source: String,
    calories: Option<f64>,
    protein_g: Option<f64>,
    total_carbs_g: Option<f64>,
    total_fat_g: Option<f64>,
    portions: i64,
    rank: f64,
    /// Whether the text index matched it (or it is only here as a food the user logged).
    matched: bool,
    uses: i64,
    last_used: Option<String>,
}

/// How many FTS matches of each kind are re-ranked; BM25 orders the rest out.
const CANDIDATES: i64 = 150;

/// Searches the foods the user can see (shared ones and their own), best first.
///
/// Every typed word must match the start of a word (so results narrow as the
/// user types); punctuation and FTS syntax in the input are ignored. When no
/// food has every word, foods with any of them are ranked instead.
pub async fn search(store: &Store, user_id: &str, query: &str, limit: u32) -> Result<Vec<FoodHit>> {
    let words = query_words(query);
    if words.is_empty() || limit == 0 {
        return Ok(Vec::new());
    }
    let mut candidates = gather(store, user_id, &words, " AND ").await?;
    if candidates.is_empty() && words.len() > 1 {
        candidates = gather(store, user_id, &words, " OR ").await?;
    }
    let recent = crate::clock::to_db(crate::clock::now() - chrono::Duration::days(14));
    let q = Query::new(&words);
    let mut scored: Vec<(f64, Candidate)> = candidates
        .into_iter()
        .map(|c| {
            let recently = c.last_used.as_deref().is_some_and(|t| t >= recent.as_str());
            (q.score(&c, c.uses.max(0) as u32, recently), c)
        })
        .collect();
    // Best score first; BM25 (lower is better) then the name break ties.
    scored.sort_by(|a, b| {
        b.0.total_cmp(&a.0).then(a.1.rank.total_cmp(&b.1.rank)).then_with(|| a.1.name.cmp(&b.1.name))
    });
    // The food the user picked for these words before (the review panel) comes first.
    if let Some(id) = super::resolve::remembered(store, user_id, &super::resolve::phrase_key(query)).await?
        && let Some(at) = scored.iter().position(|(_, c)| c.id == id)
    {
        let picked = scored.remove(at);
        scored.insert(0, picked);
    }
    Ok(scored
        .into_iter()
        .take(limit as usize)
        .map(|(_, c)| FoodHit {
            times_logged: c.uses.max(0) as u32,
            id: c.id,
            name: c.name,
            brand_name: c.brand_name,
            food_group: c.food_group,
            source: c.source,
            calories: c.calories,
            protein_g: c.protein_g,
            carbs_g: c.total_carbs_g,
            fat_g: c.total_fat_g,
        })
        .collect())
}

/// Candidates for re-ranking in one statement (one round trip per
/// keystroke), from three cheap sources rather than ranking every match
/// (thousands for a first letter): the best BM25 matches, the best matches
/// whose name starts with the first word ("Rice, …" for "rice"), and the
/// foods the user logged in the last 180 days that match the words.
async fn gather(store: &Store, user_id: &str, words: &[String], joiner: &str) -> Result<Vec<Candidate>> {
    // Words are alphanumeric only (see query_words), so quoting them is enough
    // to keep FTS5 syntax out: `"egg"* AND "noodle"*`.
    let phrases: Vec<String> = words.iter().map(|w| format!("\"{w}\"*")).collect();
    let since = crate::clock::to_db(crate::clock::now() - chrono::Duration::days(180));
    // Names starting with the first word ("Rice, …" for "rice"), shortest
    // first, come from the name index: cheap, and BM25 alone can rank them
    // out. One or two letters match thousands of foods and BM25 over them
    // costs 2-10 ms, so the first keystrokes use the name index only.
    let first_letters = words.len() == 1 && words[0].chars().count() <= 2;
    let any_word = if first_letters {
        "SELECT NULL AS food_id, 0.0 AS rank WHERE 0"
    } else {
        "SELECT food_id, bm25(foods_fts, 0.0, 10.0, 4.0, 2.0, 1.0) AS rank FROM foods_fts \
         WHERE foods_fts MATCH ?1 ORDER BY rank LIMIT ?3"
    };
    let sql = format!(
        "WITH any_word AS ({any_word}), \
              head AS (SELECT id AS food_id, 0.0 AS rank FROM foods_enhanced \
                       WHERE name >= ?6 COLLATE NOCASE AND name < ?7 COLLATE NOCASE \
                       ORDER BY length(name) LIMIT ?3), \
              used AS (SELECT json_extract(j.value, '$.food_id') AS food_id, COUNT(*) AS uses, \
                       MAX(m.logged_at) AS last_used FROM meal_logs m, json_each(m.foods) j \
                       WHERE m.user_id = ?4 AND m.logged_at >= ?5 \
                       AND json_extract(j.value, '$.food_id') IS NOT NULL GROUP BY 1), \
              pool AS (SELECT food_id, MIN(rank) AS rank, MAX(matched) AS matched FROM ( \
                         SELECT food_id, rank, 1 AS matched FROM any_word \
                         UNION ALL SELECT food_id, rank, ?8 FROM head \
                         UNION ALL SELECT food_id, 0.0, 0 FROM used) GROUP BY food_id) \
         SELECT f.id, f.name, f.brand_name, f.food_group, f.source, f.calories, f.protein_g, \
                f.total_carbs_g, f.total_fat_g, json_array_length(f.portions) AS portions, pool.rank, \
                pool.matched, COALESCE(used.uses, 0) AS uses, used.last_used \
         FROM pool CROSS JOIN foods_enhanced f ON f.id = pool.food_id \
         LEFT JOIN used ON used.food_id = f.id \
         WHERE (f.user_id IS NULL OR f.user_id = ?4) AND f.calories IS NOT NULL"
    );
    // CROSS JOIN keeps SQLite from reading every shared food through the
    // user_id index (its plan for the OR) and probing the pool with each.
    // [first word, the string just after every name that starts with it).
    let low = words[0].clone();
    let mut high: Vec<char> = low.chars().collect();
    if let Some(last) = high.last_mut() {
        *last = char::from_u32(*last as u32 + 1).unwrap_or(char::MAX);
    }
    let rows: Vec<Candidate> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(phrases.join(joiner))
        .bind(CANDIDATES)
        .bind(CANDIDATES)
        .bind(user_id)
        .bind(since)
        .bind(low)
        .bind(high.into_iter().collect::<String>())
        // A name prefix is every typed word only when one word was typed.
        .bind(words.len() == 1)
        .fetch_all(store.pool())
        .await?;
    // Rows from the name index (several words) or the user's history still need the typed words.
    let typed: Vec<String> = words.iter().map(|w| singular(w)).collect();
    let any = joiner == " OR ";
    Ok(rows
        .into_iter()
        .filter(|c| {
            c.matched || {
                let text = [Some(c.name.as_str()), c.brand_name.as_deref(), c.food_group.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ");
                let have = name_words(&text);
                let found = |w: &String| have.iter().any(|h| h.starts_with(w.as_str()));
                if any { typed.iter().any(found) } else { typed.iter().all(found) }
            }
        })
        .collect())
}

/// The words of a query: lowercase, letters and digits only, at most 8.
fn query_words(query: &str) -> Vec<String> {
    query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .take(8)
        .collect()
}

/// "eggs" → "egg", "berries" → "berry", "tomatoes" → "tomato"; good enough
/// to compare whole words of food names with typed words.
pub(crate) fn singular(word: &str) -> String {
    if word.len() > 4 && word.ends_with("ies") {
        format!("{}y", &word[..word.len() - 3])
    } else if word.len() > 4 && (word.ends_with("oes") || word.ends_with("ches") || word.ends_with("shes")) {
        word[..word.len() - 2].to_string()
    } else if word.len() > 3 && word.ends_with('s') && !word.ends_with("ss") && !word.ends_with("us") {
        word[..word.len() - 1].to_string()
    } else {
        word.to_string()
    }
}

fn name_words(text: &str) -> Vec<String> {
    query_words_all(text).iter().map(|w| singular(w)).collect()
}

fn query_words_all(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

/// Words that make a food the usual form of what was typed ("egg" → whole
/// egg, "banana" → raw banana) unless the user typed otherwise.
/// FNDDS marks its generic entry "NFS" (not further specified).
const PLAIN_FORMS: [(&str, f64); 6] =
    [("nfs", 6.0), ("whole", 6.0), ("plain", 3.0), ("cooked", 3.0), ("raw", 2.0), ("fresh", 2.0)];
/// Words of special forms people rarely mean by a bare food name.
const SPECIAL_FORMS: [&str; 25] = [
    "meatless",
    "skin",
    "separable",
    "dried",
    "dry",
    "powder",
    "canned",
    "frozen",
    "dehydrated",
    "imitation",
    "substitute",
    "sodium",
    "salted",
    "sweetened",
    "condensed",
    "evaporated",
    "concentrate",
    "mix",
    "flavor",
    "sliced",
    "babyfood",
    "infant",
    "formula",
    "toddler",
    "commodity",
];
/// Groups that hold branded, processed or special-purpose versions of common foods.
const NICHE_GROUPS: [&str; 5] = [
    "Baby Foods",
    "Fast Foods",
    "Restaurant Foods",
    "Sausages and Luncheon Meats",
    "American Indian/Alaska Native Foods",
];
/// USDA names that start with a category: "Fish, salmon, Atlantic" is a salmon.
const CATEGORY_HEADS: [&str; 16] = [
    "fish",
    "mollusks",
    "crustaceans",
    "nuts",
    "seeds",
    "spices",
    "beverages",
    "alcoholic beverage",
    "cereals",
    "cereals ready-to-eat",
    "snacks",
    "candies",
    "game meat",
    "fast foods",
    "restaurant",
    "usda commodity",
];

struct Query {
    /// Typed words, singular; the last one may be unfinished.
    words: Vec<String>,
}

impl Query {
    fn new(words: &[String]) -> Self {
        Query { words: words.iter().map(|w| singular(w)).collect() }
    }

    fn typed(&self, word: &str) -> bool {
        self.words.iter().any(|w| w == word || word.starts_with(w.as_str()))
    }

    /// How well the name's head (what the food is: the name up to the first
    /// comma) matches: "Egg, whole, raw" is an egg, "Egg noodles" are noodles.
    fn head_score(&self, name: &str) -> f64 {
        let mut segments: Vec<&str> = name.split(',').map(str::trim).collect();
        if segments.len() > 1
            && CATEGORY_HEADS.contains(&segments[0].to_lowercase().as_str())
            && name_words(segments[0]) != self.words
        {
            segments.remove(0);
        }
        let head = name_words(segments[0]);
        let q = &self.words;
        let last = q.len() - 1;
        // One-word segments after the head: "breast" in "Chicken, broilers or fryers, breast".
        let details: Vec<String> = segments[1..]
            .iter()
            .map(|s| name_words(s))
            .filter(|w| w.len() == 1)
            .map(|mut w| w.remove(0))
            .collect();
        let in_head_or_details = |i: usize| {
            head.contains(&q[i])
                || details.iter().any(|d| *d == q[i] || (i == last && d.starts_with(q[i].as_str())))
        };
        if head == *q {
            100.0
        } else if head.len() < q.len()
            && head.iter().all(|h| q.contains(h))
            && (0..q.len()).all(in_head_or_details)
        {
            90.0 // "chicken breast" → "Chicken, broilers or fryers, breast"; "cheese pizza" → "Pizza, cheese"
        } else if head.len() == q.len()
            && head[..last] == q[..last]
            && head.get(last).is_some_and(|h| h.starts_with(q[last].as_str()))
        {
            60.0 // still typing: "banan" → "Bananas"
        } else if q.len() > 1 && head.first() == q.first() {
            50.0
        } else if head.len() > q.len() && head[..q.len()] == q[..] {
            30.0 // "chicken breast tenders" for "chicken breast"
        } else if head.first().is_some_and(|h| h.starts_with(q[0].as_str())) {
            25.0 // "Eggplant" for "egg"
        } else {
            0.0
        }
    }

    /// Higher is better.
    fn score(&self, c: &Candidate, uses: u32, recent: bool) -> f64 {
        let all = name_words(&c.name);
        let q = &self.words;
        let last = q.len() - 1;
        let matches =
            |i: usize, w: &String| all.iter().any(|n| n == w || (i == last && n.starts_with(w.as_str())));
        let mut score = self.head_score(&c.name);
        let matched = q.iter().enumerate().filter(|(i, w)| matches(*i, w)).count();
        score += 5.0 * matched as f64;
        if matched == q.len() {
            score += 20.0;
        }
        // Common foods have more household measures.
        score += 3.0 * c.portions.clamp(0, 8) as f64;
        score -= 4.0 * c.name.matches(',').count() as f64;
        for (word, bonus) in PLAIN_FORMS {
            // "whole" means the whole food (milk, egg), not "whole wheat".
            let whole_grain =
                word == "whole" && (c.name.contains("hole wheat") || c.name.contains("hole grain"));
            if all.iter().any(|w| w == word) && !self.typed(word) && !whole_grain {
                score += bonus;
            }
        }
        let lower = c.name.to_lowercase();
        if lower.contains("no added fat") {
            score += 3.0;
        }
        if lower.contains("skin eaten") && !self.typed("skin") {
            score -= 6.0; // FNDDS: people mean the lean meat
        }
        // Mixed dishes ("Rice, white, with peas") unless the addition was typed.
        for (i, _) in lower.match_indices("with ") {
            let next = lower[i + 5..].split(|ch: char| !ch.is_alphanumeric()).next().unwrap_or("");
            let added = singular(next);
            if added != "added" && !q.contains(&added) {
                score -= 4.0;
            }
        }
        for word in SPECIAL_FORMS {
            if all.iter().any(|w| w == word) && !self.typed(word) {
                score -= 8.0;
            }
        }
        if let Some(group) = c.food_group.as_deref().filter(|g| NICHE_GROUPS.contains(g)) {
            let group = group.to_lowercase();
            if !q.iter().any(|w| group.contains(w.as_str())) {
                score -= 15.0;
            }
        }
        // Brand names are upper case in USDA names ("KENTUCKY FRIED CHICKEN").
        let upper_word = c
            .name
            .split(|ch: char| !ch.is_alphabetic())
            .any(|w| w.chars().count() >= 3 && w.chars().all(char::is_uppercase) && w != "NFS");
        if c.source != "custom" && (c.brand_name.is_some() || upper_word) {
            score -= 10.0;
        }
        // The user's own foods and history come first.
        if c.source == "custom" || c.source == "recipe" {
            score += 15.0;
        }
        score += 15.0 * uses.min(4) as f64 + if recent { 10.0 } else { 0.0 };
        score
    }
}

#[derive(sqlx::FromRow)]
struct HitRow {
    id: String,
    name: String,
    brand_name: Option<String>,
    food_group: Option<String>,
    source: String,
    calories: Option<f64>,
    protein_g: Option<f64>,
    total_carbs_g: Option<f64>,
    total_fat_g: Option<f64>,
}

impl From<HitRow> for FoodHit {
    fn from(r: HitRow) -> Self {
        FoodHit {
            id: r.id,
            name: r.name,
            brand_name: r.brand_name,
            food_group: r.food_group,
            source: r.source,
            calories: r.calories,
            protein_g: r.protein_g,
            carbs_g: r.total_carbs_g,
            fat_g: r.total_fat_g,
            times_logged: 0,
        }
    }
}

/// The food with this barcode (any of UPC-A, EAN-13, EAN-8 spellings).
/// A bad check digit is `Error::Invalid`; no such food is `Error::UnknownBarcode`.
pub async fn by_barcode(store: &Store, user_id: &str, code: &str) -> Result<FoodHit> {
    let barcode = super::barcode::parse(code)?;
    let row: Option<HitRow> = sqlx::query_as(
        "SELECT id, name, brand_name, food_group, source, calories, protein_g, total_carbs_g, total_fat_g \
         FROM foods_enhanced WHERE (barcode_ean = ?1 OR barcode_upc = ?2) \
         AND (user_id IS NULL OR user_id = ?3) LIMIT 1",
    )
    .bind(&barcode.ean13)
    .bind(&barcode.upc_a)
    .bind(user_id)
    .fetch_optional(store.pool())
    .await?;
    row.map(FoodHit::from).ok_or(Error::UnknownBarcode { code: code.trim().to_string() })
}

/// Whether label values are per serving or per 100 g.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Per {
    Serving,
    #[default]
    Hundred,
}

impl std::str::FromStr for Per {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_lowercase().replace(' ', "").as_str() {
            "serving" | "portion" => Ok(Per::Serving),
            "100g" | "100" | "100gram" | "100grams" => Ok(Per::Hundred),
            other => Err(Error::invalid(format!("--per {other:?}: use `serving` or `100g`"))),
        }
    }
}

/// A serving as printed on a label: "1 bar=45g", "2 cookies = 30 g", "45g".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Serving {
    pub amount: f64,
    pub unit: String,
    pub grams: f64,
}

impl std::str::FromStr for Serving {
    type Err = Error;
    fn from_str(text: &str) -> Result<Self> {
        let bad = || {
            Error::invalid(format!(
                "serving {text:?}: write it like \"1 bar=45g\", \"2 cookies=30g\" or \"45g\""
            ))
        };
        let (label, weight) = match text.split_once('=') {
            Some((label, weight)) => (label.trim(), weight.trim()),
            None => ("", text.trim()),
        };
        let split =
            weight.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ',')).unwrap_or(weight.len());
        let number: f64 = weight[..split].replace(',', ".").trim().parse().map_err(|_| bad())?;
        let grams_per = match weight[split..].trim().to_lowercase().as_str() {
            "g" | "gram" | "grams" => 1.0,
            "kg" => 1000.0,
            "oz" => 28.349_523_125,
            "lb" => 453.592_37,
            _ => return Err(bad()),
        };
        let grams = number * grams_per;
        if !(grams.is_finite() && grams > 0.0) {
            return Err(bad());
        }
        if label.is_empty() {
            return Ok(Serving { amount: grams, unit: "g".into(), grams });
        }
        let split =
            label.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ',' || c == '/')).unwrap_or(0);
        let amount = match label[..split].trim() {
            "" => 1.0,
            n => parse_amount(n).ok_or_else(bad)?,
        };
        let unit = label[split..].trim().to_string();
        if unit.is_empty() || !(amount.is_finite() && amount > 0.0) {
            return Err(bad());
        }
        Ok(Serving { amount, unit, grams })
    }
}

/// "2", "1.5", "1,5", "1/2".
fn parse_amount(text: &str) -> Option<f64> {
    match text.split_once('/') {
        Some((n, d)) => Some(n.trim().parse::<f64>().ok()? / d.trim().parse::<f64>().ok()?),
        None => text.replace(',', ".").parse().ok(),
    }
}

/// A food the user creates; nutrient values as on the label (see `per`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NewFood {
    pub name: String,
    pub brand_name: Option<String>,
    pub barcode: Option<String>,
    pub serving: Option<Serving>,
    pub per: Per,
    /// Label values keyed by `NUTRIENT_COLUMNS` name (calories, protein_g, …).
    pub nutrients: BTreeMap<String, f64>,
}

/// A custom food as a form or the command line gives it: the serving as label
/// text ("1 bar=45g", "30g"), the values per serving when a serving is given
/// and `per` is not said.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CustomFood {
    pub name: String,
    pub brand_name: Option<String>,
    pub barcode: Option<String>,
    /// The label serving, e.g. "1 bar=45g" or "30g"; blank is none.
    pub serving: Option<String>,
    /// Per serving or per 100 g; none: per serving when a serving is given.
    pub per: Option<Per>,
    /// Label values keyed by `NUTRIENT_COLUMNS` name (calories, protein_g, …).
    pub nutrients: BTreeMap<String, f64>,
}

impl CustomFood {
    /// Parses the serving and settles `per`.
    pub fn to_new_food(&self) -> Result<NewFood> {
        let serving = self
            .serving
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::parse::<Serving>)
            .transpose()?;
        let per = self.per.unwrap_or(if serving.is_some() { Per::Serving } else { Per::Hundred });
        Ok(NewFood {
            name: self.name.clone(),
            brand_name: self.brand_name.clone(),
            barcode: self.barcode.clone(),
            serving,
            per,
            nutrients: self.nutrients.clone(),
        })
    }
}

/// Creates a custom food (see [`add_custom`]) in its own transaction and
/// returns it as stored: what `wagner food add` and the window's form call.
pub async fn create_custom(store: &Store, user_id: &str, food: &CustomFood) -> Result<FoodDetails> {
    let food = food.to_new_food()?;
    let mut tx = store.begin_write().await?;
    let id = add_custom(&mut tx, user_id, &food).await?;
    let saved = get_on(&mut tx, user_id, &id).await?;
    tx.commit().await?;
    Ok(saved)
}

/// Creates a custom food for the user, stored per 100 g; runs inside the
/// caller's transaction. Returns its id.
pub async fn add_custom(conn: &mut sqlx::SqliteConnection, user_id: &str, food: &NewFood) -> Result<String> {
    let name = food.name.trim();
    if name.is_empty() {
        return Err(Error::invalid("a food needs a name"));
    }
    if !food.nutrients.contains_key("calories") {
        return Err(Error::invalid(format!("{name}: calories are required")));
    }
    let factor = match (food.per, &food.serving) {
        (Per::Hundred, _) => 1.0,
        (Per::Serving, Some(serving)) => 100.0 / serving.grams,
        (Per::Serving, None) => {
            return Err(Error::invalid(format!("{name}: values per serving need a serving size in grams")));
        }
    };
    let mut per_100g = BTreeMap::new();
    for (column, value) in &food.nutrients {
        if !NUTRIENT_COLUMNS.contains(&column.as_str()) {
            return Err(Error::invalid(format!("{name}: unknown nutrient {column:?}")));
        }
        if !value.is_finite() || *value < 0.0 {
            return Err(Error::invalid(format!("{name}: {column} must be a number ≥ 0, got {value}")));
        }
        per_100g.insert(column.as_str(), (value * factor * 10_000.0).round() / 10_000.0);
    }
    let macros: f64 =
        ["protein_g", "total_carbs_g", "total_fat_g"].iter().filter_map(|c| per_100g.get(c)).sum();
    if macros > 101.0 {
        return Err(Error::invalid(format!(
            "{name}: protein, carbs and fat add up to {macros:.0} g per 100 g; check the serving size and whether the values are per serving or per 100 g"
        )));
    }
    let barcode =
        food.barcode.as_deref().filter(|b| !b.trim().is_empty()).map(super::barcode::parse).transpose()?;
    if let Some(code) = &barcode {
        let taken: Option<String> =
            sqlx::query_scalar("SELECT name FROM foods_enhanced WHERE barcode_ean = ? OR barcode_upc = ?")
                .bind(&code.ean13)
                .bind(&code.upc_a)
                .fetch_optional(&mut *conn)
                .await?;
        if let Some(other) = taken {
            return Err(Error::Conflict(format!("barcode {} already belongs to {other:?}", code.ean13)));
        }
    }
    let portions: Vec<Portion> = food
        .serving
        .iter()
        .filter(|s| s.unit != "g")
        .map(|s| Portion { name: s.unit.clone(), amount: s.amount, grams: s.grams })
        .collect();
    let columns: Vec<&str> = per_100g.keys().copied().collect();
    let sql = format!(
        "INSERT INTO foods_enhanced (id, name, brand_name, barcode_ean, barcode_upc, serving_size, serving_unit, \
         serving_grams, portions, source, user_id{}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'custom', ?{})",
        columns.iter().map(|c| format!(", {c}")).collect::<String>(),
        ", ?".repeat(columns.len())
    );
    let id = crate::new_id();
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(&id)
        .bind(name)
        .bind(food.brand_name.as_deref().map(str::trim).filter(|b| !b.is_empty()))
        .bind(barcode.as_ref().map(|b| &b.ean13))
        .bind(barcode.as_ref().and_then(|b| b.upc_a.as_ref()))
        .bind(food.serving.as_ref().map(|s| s.amount))
        .bind(food.serving.as_ref().map(|s| s.unit.as_str()))
        .bind(food.serving.as_ref().map(|s| s.grams))
        .bind(serde_json::to_string(&portions).map_err(|e| Error::invalid(e.to_string()))?)
        .bind(user_id);
    for column in &columns {
        query = query.bind(per_100g[column]);
    }
    query.execute(&mut *conn).await?;
    Ok(id)
}

/// Every stored value of a food the user can see: per-100 g nutrients by column.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FoodDetails {
    pub id: String,
    pub name: String,
    pub brand_name: Option<String>,
    pub barcode_ean: Option<String>,
    pub barcode_upc: Option<String>,
    pub serving_size: Option<f64>,
    pub serving_unit: Option<String>,
    pub serving_grams: Option<f64>,
    pub portions: Vec<Portion>,
    pub source: String,
    pub source_id: Option<String>,
    pub nutrients: BTreeMap<String, f64>,
    /// USDA group (SR24) or WWEIA category (FNDDS): what kind of food it is,
    /// for its typical portion. Not sent to the window.
    #[serde(skip)]
    pub food_group: Option<String>,
}

/// One food by id, if the user can see it (shared, or their own).
pub async fn get(store: &Store, user_id: &str, id: &str) -> Result<FoodDetails> {
    let mut conn = store.pool().acquire().await?;
    get_on(&mut conn, user_id, id).await
}

/// As [`get`], on the caller's connection (e.g. inside its transaction).
pub async fn get_on(conn: &mut sqlx::SqliteConnection, user_id: &str, id: &str) -> Result<FoodDetails> {
    use sqlx::Row;
    let sql = format!(
        "SELECT id, name, brand_name, barcode_ean, barcode_upc, serving_size, serving_unit, serving_grams, \
         portions, source, source_id, food_group, {} FROM foods_enhanced WHERE id = ? AND (user_id IS NULL OR user_id = ?)",
        NUTRIENT_COLUMNS.join(", ")
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .bind(user_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| Error::not_found(format!("food {id}")))?;
    let portions: String = row.try_get("portions")?;
    let mut nutrients = BTreeMap::new();
    for column in NUTRIENT_COLUMNS {
        if let Some(v) = row.try_get::<Option<f64>, _>(column)? {
            nutrients.insert(column.to_string(), v);
        }
    }
    Ok(FoodDetails {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        brand_name: row.try_get("brand_name")?,
        barcode_ean: row.try_get("barcode_ean")?,
        barcode_upc: row.try_get("barcode_upc")?,
        serving_size: row.try_get("serving_size")?,
        serving_unit: row.try_get("serving_unit")?,
        serving_grams: row.try_get("serving_grams")?,
        portions: serde_json::from_str(&portions)
            .map_err(|e| Error::Corrupt { what: format!("portions of food {id}"), detail: e.to_string() })?,
        source: row.try_get("source")?,
        source_id: row.try_get("source_id")?,
        nutrients,
        food_group: row.try_get("food_group")?,
    })
}
