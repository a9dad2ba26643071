//! Open Food Facts barcode lookup (product API v2,
//! `GET {base}/api/v2/product/{code}.json`), used only when the user asks for
//! it and the barcode is not in the local database. A found product is cached
//! in `foods_enhanced` (source = open_food_facts, source_id = its code,
//! shared like the USDA foods), so the next scan works offline. Not found,
//! offline or unreachable all end in the usual "unknown barcode: create a
//! custom food" answer.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;

use super::barcode;
use super::foods::{self, FoodHit};
use crate::error::{Error, Result};
use crate::http::{self, RetryPolicy};
use crate::store::Store;

pub const DEFAULT_BASE_URL: &str = "https://world.openfoodfacts.org";

/// Settings section `open_food_facts` in users.settings: `{"base_url": "…"}`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OffSettings {
    pub base_url: Option<String>,
}

/// The base URL to use: the user's setting, else the public server.
pub async fn base_url(store: &Store, user_id: &str) -> Result<String> {
    let settings: Option<OffSettings> =
        crate::profile::settings_section(store, user_id, "open_food_facts", "Open Food Facts settings")
            .await?;
    Ok(settings
        .and_then(|s| s.base_url)
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_BASE_URL.into()))
}

#[derive(Debug, Deserialize)]
struct ProductResponse {
    #[serde(default)]
    status: i64,
    product: Option<Product>,
}

#[derive(Debug, Deserialize)]
struct Product {
    product_name: Option<String>,
    product_name_en: Option<String>,
    brands: Option<String>,
    categories: Option<String>,
    serving_size: Option<String>,
    serving_quantity: Option<serde_json::Value>,
    #[serde(default)]
    nutriments: BTreeMap<String, serde_json::Value>,
}

/// OFF `_100g` field → (column, factor). OFF stores minerals and vitamins in grams.
const NUTRIMENTS: [(&str, &str, f64); 24] = [
    ("proteins_100g", "protein_g", 1.0),
    ("carbohydrates_100g", "total_carbs_g", 1.0),
    ("sugars_100g", "total_sugars_g", 1.0),
    ("added-sugars_100g", "added_sugars_g", 1.0),
    ("fiber_100g", "dietary_fiber_g", 1.0),
    ("fat_100g", "total_fat_g", 1.0),
    ("saturated-fat_100g", "saturated_fat_g", 1.0),
    ("monounsaturated-fat_100g", "monounsaturated_fat_g", 1.0),
    ("polyunsaturated-fat_100g", "polyunsaturated_fat_g", 1.0),
    ("trans-fat_100g", "trans_fat_g", 1.0),
    ("cholesterol_100g", "cholesterol_mg", 1000.0),
    ("sodium_100g", "sodium_mg", 1000.0),
    ("potassium_100g", "potassium_mg", 1000.0),
    ("calcium_100g", "calcium_mg", 1000.0),
    ("iron_100g", "iron_mg", 1000.0),
    ("magnesium_100g", "magnesium_mg", 1000.0),
    ("zinc_100g", "zinc_mg", 1000.0),
    ("vitamin-a_100g", "vitamin_a_ug", 1_000_000.0),
    ("vitamin-c_100g", "vitamin_c_mg", 1000.0),
    ("vitamin-d_100g", "vitamin_d_ug", 1_000_000.0),
    ("vitamin-b12_100g", "vitamin_b12_ug", 1_000_000.0),
    ("caffeine_100g", "caffeine_mg", 1000.0),
    ("alcohol_100g", "alcohol_g", 1.0),
    ("starch_100g", "starch_g", 1.0),
];

fn number(v: &serde_json::Value) -> Option<f64> {
    match v {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|x: &f64| x.is_finite() && *x >= 0.0)
}

/// The food with this barcode: the local database first, then Open Food
/// Facts at `base_url` (cached on success). A bad check digit is
/// `Error::Invalid`; not found or unreachable is `Error::UnknownBarcode`.
pub async fn lookup(store: &Store, user_id: &str, code: &str, base_url: &str) -> Result<FoodHit> {
    match foods::by_barcode(store, user_id, code).await {
        Err(Error::UnknownBarcode { .. }) => {}
        other => return other,
    }
    let parsed = barcode::parse(code)?;
    let unknown = || Error::UnknownBarcode { code: code.trim().to_string() };
    let url = format!("{}/api/v2/product/{}.json", base_url.trim_end_matches('/'), parsed.ean13);
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(8))
        .user_agent(concat!("WagnerCoach/", env!("CARGO_PKG_VERSION"), " (offline-first desktop app)"))
        .build()
        .map_err(|e| Error::invalid(format!("HTTP client: {e}")))?;
    let policy = RetryPolicy { attempts: 2, timeout: Duration::from_secs(8), ..RetryPolicy::default() };
    let reply =
        match http::send(&policy, "Open Food Facts", |s| s == 429 || s >= 500, || client.get(&url)).await {
            Ok(reply) => reply,
            Err(failure) => {
                tracing::info!("Open Food Facts lookup failed: {}", failure.message);
                return Err(unknown());
            }
        };
    if reply.status == 404 || !reply.is_success() {
        return Err(unknown());
    }
    let response: ProductResponse = serde_json::from_str(&reply.body)
        .map_err(|e| Error::invalid(format!("Open Food Facts answered something unreadable: {e}")))?;
    let Some(product) = response.product.filter(|_| response.status == 1) else {
        return Err(unknown());
    };
    let name = product
        .product_name
        .or(product.product_name_en)
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .ok_or_else(unknown)?;
    let n = &product.nutriments;
    let calories = n
        .get("energy-kcal_100g")
        .and_then(number)
        .or_else(|| n.get("energy_100g").and_then(number).map(|kj| kj / 4.184));
    let Some(calories) = calories else {
        // Without energy the product is no use for logging: let the user enter the label.
        return Err(unknown());
    };
    let mut nutrients = BTreeMap::new();
    nutrients.insert("calories", (calories * 100.0).round() / 100.0);
    for (field, column, factor) in NUTRIMENTS {
        if let Some(v) = n.get(field).and_then(number) {
            nutrients.insert(column, (v * factor * 10_000.0).round() / 10_000.0);
        }
    }
    let serving_grams = product.serving_quantity.as_ref().and_then(number).filter(|g| *g > 0.0);
    let portions: Vec<foods::Portion> = match (&product.serving_size, serving_grams) {
        (Some(label), Some(g)) => {
            vec![foods::Portion { name: format!("serving ({})", label.trim()), amount: 1.0, grams: g }]
        }
        _ => Vec::new(),
    };
    let group =
        product.categories.as_deref().and_then(|c| c.split(',').next_back()).map(|c| c.trim().to_string());
    let columns: Vec<&str> = nutrients.keys().copied().collect();
    let sql = format!(
        "INSERT INTO foods_enhanced (id, name, brand_name, food_group, barcode_ean, barcode_upc, serving_size, \
         serving_unit, serving_grams, portions, source, source_id{}) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open_food_facts', ?{}) \
         ON CONFLICT (source, source_id) WHERE source_id IS NOT NULL DO NOTHING",
        columns.iter().map(|c| format!(", {c}")).collect::<String>(),
        ", ?".repeat(columns.len())
    );
    let id = foods::shared_food_id("open_food_facts", &parsed.ean13);
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(&id)
        .bind(&name)
        .bind(product.brands.as_deref().map(str::trim).filter(|b| !b.is_empty()))
        .bind(group.filter(|g| !g.is_empty()))
        .bind(&parsed.ean13)
        .bind(&parsed.upc_a)
        .bind(serving_grams.map(|_| 1.0))
        .bind(serving_grams.map(|_| "serving"))
        .bind(serving_grams)
        .bind(serde_json::to_string(&portions).map_err(|e| Error::invalid(e.to_string()))?)
        .bind(&parsed.ean13);
    for column in &columns {
        query = query.bind(nutrients[column]);
    }
    query.execute(store.pool()).await?;
    foods::by_barcode(store, user_id, code).await
}
