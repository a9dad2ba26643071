//! What a call costs: USD per million input and output tokens, per model.
//! The user can override or add models in `users.settings.ai_prices`.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::Usage;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Price {
    pub input_per_mtok: f64,
    pub output_per_mtok: f64,
}

/// List prices as published by the providers (USD / 1M tokens), late 2025.
const BUILT_IN: &[(&str, f64, f64)] = &[
    ("claude-3-5-haiku", 0.80, 4.00),
    ("claude-haiku-4-5", 1.00, 5.00),
    ("claude-sonnet-4", 3.00, 15.00),
    ("claude-sonnet-4-5", 3.00, 15.00),
    ("claude-opus-4", 15.00, 75.00),
    ("llama-3.1-8b-instant", 0.05, 0.08),
    ("llama-3.3-70b-versatile", 0.59, 0.79),
    ("meta-llama/llama-4-scout-17b-16e-instruct", 0.11, 0.34),
    ("openai/gpt-oss-20b", 0.10, 0.50),
    ("openai/gpt-4o-mini", 0.15, 0.60),
];

/// Speech to text, USD per hour of audio (Groq's list prices, late 2025).
const TRANSCRIPTION_PER_HOUR: &[(&str, f64)] =
    &[("whisper-large-v3-turbo", 0.04), ("whisper-large-v3", 0.111), ("distil-whisper-large-v3-en", 0.02)];

/// What transcribing `seconds` of audio with `model` costs; a local or
/// unknown model costs nothing we can know.
pub fn transcription_cost_usd(model: &str, seconds: f64) -> f64 {
    TRANSCRIPTION_PER_HOUR
        .iter()
        .filter(|(name, _)| model.starts_with(name))
        .max_by_key(|(name, _)| name.len())
        .map_or(0.0, |(_, per_hour)| per_hour * seconds.max(0.0) / 3600.0)
}

/// The price of a model: the user's override, else the built-in list
/// (longest matching prefix, so dated model ids match), else unknown.
pub fn price_for(model: &str, overrides: &HashMap<String, Price>) -> Option<Price> {
    if let Some(p) = overrides.get(model) {
        return Some(*p);
    }
    BUILT_IN
        .iter()
        .filter(|(name, _, _)| model.starts_with(name))
        .max_by_key(|(name, _, _)| name.len())
        .map(|&(_, input_per_mtok, output_per_mtok)| Price { input_per_mtok, output_per_mtok })
}

/// A price the user set for a model (what the Settings page saves).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PriceOverride {
    pub model: String,
    pub price: Price,
}

/// One row of the editable price table.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PriceRow {
    pub model: String,
    /// The price calls are charged at now.
    pub price: Price,
    /// The published price, for models the app knows.
    pub built_in: Option<Price>,
    /// True when the user's price replaces (or adds) this model's.
    pub overridden: bool,
}

/// Built-in models first (in list order), then the user's own, by name.
pub fn table(overrides: &HashMap<String, Price>) -> Vec<PriceRow> {
    let mut rows: Vec<PriceRow> = BUILT_IN
        .iter()
        .map(|&(model, input_per_mtok, output_per_mtok)| {
            let built_in = Price { input_per_mtok, output_per_mtok };
            let mine = overrides.get(model).copied();
            PriceRow {
                model: model.to_string(),
                price: mine.unwrap_or(built_in),
                built_in: Some(built_in),
                overridden: mine.is_some(),
            }
        })
        .collect();
    let mut extra: Vec<_> =
        overrides.iter().filter(|(m, _)| !BUILT_IN.iter().any(|(b, _, _)| *b == m.as_str())).collect();
    extra.sort_by(|a, b| a.0.cmp(b.0));
    rows.extend(extra.into_iter().map(|(model, price)| PriceRow {
        model: model.clone(),
        price: *price,
        built_in: None,
        overridden: true,
    }));
    rows
}

/// The highest price accepted per million tokens: above any published list price.
pub const MAX_PER_MTOK: f64 = 1_000.0;

/// A user's price must name a model and be a real, non-negative amount.
pub fn validate(model: &str, price: Price) -> crate::Result<()> {
    let model = model.trim();
    if model.is_empty() || model.len() > 200 {
        return Err(crate::Error::invalid("a price needs a model name (at most 200 characters)"));
    }
    for (what, v) in [("input", price.input_per_mtok), ("output", price.output_per_mtok)] {
        if !(v.is_finite() && (0.0..=MAX_PER_MTOK).contains(&v)) {
            return Err(crate::Error::invalid(format!(
                "{model}: the {what} price {v} must be between 0 and {MAX_PER_MTOK} US dollars per million tokens"
            )));
        }
    }
    Ok(())
}

/// Cost in USD; a local or unpriced model costs nothing we can know.
pub fn cost_usd(price: Option<Price>, usage: Usage) -> f64 {
    price.map_or(0.0, |p| {
        (usage.input_tokens as f64 * p.input_per_mtok + usage.output_tokens as f64 * p.output_per_mtok)
            / 1_000_000.0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dated_model_ids_find_their_price_and_overrides_win() {
        let none = HashMap::new();
        let haiku = price_for("claude-3-5-haiku-20241022", &none).unwrap();
        assert_eq!(haiku.input_per_mtok, 0.80);
        let cost = cost_usd(Some(haiku), Usage { input_tokens: 1_000, output_tokens: 500 });
        assert!((cost - 0.0028).abs() < 1e-12, "{cost}");
        let mut mine = HashMap::new();
        mine.insert("smollm2".to_string(), Price { input_per_mtok: 0.0, output_per_mtok: 0.0 });
        assert_eq!(price_for("smollm2", &mine).unwrap().output_per_mtok, 0.0);
        assert_eq!(price_for("unknown-model", &none), None);
        assert_eq!(cost_usd(None, Usage { input_tokens: 10, output_tokens: 10 }), 0.0);
    }

    #[test]
    fn the_table_shows_built_ins_with_overrides_and_the_users_own_models() {
        let mut mine = HashMap::new();
        mine.insert("claude-haiku-4-5".to_string(), Price { input_per_mtok: 0.5, output_per_mtok: 2.5 });
        mine.insert("my-local".to_string(), Price { input_per_mtok: 0.0, output_per_mtok: 0.0 });
        let rows = table(&mine);
        let haiku = rows.iter().find(|r| r.model == "claude-haiku-4-5").unwrap();
        assert!(haiku.overridden);
        assert_eq!(haiku.price.input_per_mtok, 0.5);
        assert_eq!(haiku.built_in.unwrap().input_per_mtok, 1.0);
        let last = rows.last().unwrap();
        assert_eq!((last.model.as_str(), last.built_in, last.overridden), ("my-local", None, true));
        assert!(validate(" ", Price { input_per_mtok: 1.0, output_per_mtok: 1.0 }).is_err());
        assert!(validate("m", Price { input_per_mtok: -1.0, output_per_mtok: 1.0 }).is_err());
        assert!(validate("m", Price { input_per_mtok: f64::NAN, output_per_mtok: 1.0 }).is_err());
        assert!(validate("m", Price { input_per_mtok: 3.0, output_per_mtok: 15.0 }).is_ok());
    }
}
