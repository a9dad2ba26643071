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
}
