//! Reading a quick entry with a model: the schema it must answer in, the
//! checks its answer must pass, and one repair attempt when it does not.

use serde_json::{Value, json};

use super::{ImageInput, Provider, Turn, Usage};
use crate::error::{Error, Result};
use crate::quick_entry::extraction::Extraction;

const SCHEMA_NAME: &str = "record_entry";
const MAX_TOKENS: u32 = 1500;

const SYSTEM: &str = "You read one entry from a fitness and nutrition diary and extract what it records. \
An entry can hold several things: meals (each food with quantity, unit, grams if you can estimate them, and \
calories, protein, carbs and fat for that quantity), workouts (type, name, duration in seconds, distance in \
meters, and for strength work one item per set with exercise, reps and weight in kg) and body measurements \
(weight in kg, body fat %, waist in cm). Convert pounds, miles and inches to SI. Leave out what is not there; \
never invent a workout or a weigh-in. A photo of a meal: identify the foods and estimate portions. \
confidence is 0 to 1: how sure you are that the rows match what the user meant.";

/// The JSON schema of an `Extraction`, strict enough for OpenAI's structured outputs.
pub fn schema() -> Value {
    let num_or_null = json!({"type": ["number", "null"]});
    let food = json!({
        "type": "object", "additionalProperties": false,
        "required": ["name", "quantity", "unit", "grams", "calories", "protein_g", "carbs_g", "fat_g"],
        "properties": {
            "name": {"type": "string"}, "quantity": {"type": "number"}, "unit": {"type": "string"},
            "grams": num_or_null, "calories": {"type": "number"}, "protein_g": {"type": "number"},
            "carbs_g": {"type": "number"}, "fat_g": {"type": "number"}
        }
    });
    json!({
        "type": "object", "additionalProperties": false,
        "required": ["meals", "workouts", "measurements", "confidence"],
        "properties": {
            "meals": {"type": "array", "items": {
                "type": "object", "additionalProperties": false, "required": ["category", "foods"],
                "properties": {
                    "category": {"type": ["string", "null"], "enum": ["breakfast", "lunch", "dinner", "snack", null]},
                    "foods": {"type": "array", "items": food}
                }
            }},
            "workouts": {"type": "array", "items": {
                "type": "object", "additionalProperties": false,
                "required": ["activity_type", "name", "duration_seconds", "distance_meters", "sets"],
                "properties": {
                    "activity_type": {"type": "string", "enum": ["run", "ride", "swim", "walk", "hike", "strength", "yoga", "rowing", "elliptical", "cardio", "sport", "other"]},
                    "name": {"type": "string"},
                    "duration_seconds": {"type": ["integer", "null"]},
                    "distance_meters": num_or_null,
                    "sets": {"type": "array", "items": {
                        "type": "object", "additionalProperties": false, "required": ["exercise", "reps", "weight_kg"],
                        "properties": {"exercise": {"type": "string"}, "reps": {"type": "integer"}, "weight_kg": num_or_null}
                    }}
                }
            }},
            "measurements": {"type": "array", "items": {
                "type": "object", "additionalProperties": false, "required": ["weight_kg", "body_fat_pct", "waist_cm"],
                "properties": {"weight_kg": num_or_null, "body_fat_pct": num_or_null, "waist_cm": num_or_null}
            }},
            "confidence": {"type": "number"}
        }
    })
}

/// Parses and checks a model's answer; the error says what to fix.
pub fn validate(raw: &str) -> std::result::Result<Extraction, String> {
    let trimmed =
        raw.trim().trim_start_matches("```json").trim_start_matches("```").trim_end_matches("```").trim();
    let e: Extraction =
        serde_json::from_str(trimmed).map_err(|err| format!("it does not match the schema: {err}"))?;
    if !(0.0..=1.0).contains(&e.confidence) {
        return Err(format!("confidence must be between 0 and 1, not {}", e.confidence));
    }
    for food in e.meals.iter().flat_map(|m| &m.foods) {
        let values = [food.quantity, food.calories, food.protein_g, food.carbs_g, food.fat_g];
        if food.name.trim().is_empty() || values.iter().any(|v| !v.is_finite() || *v < 0.0) {
            return Err(format!("food {:?} needs a name and non-negative numbers", food.name));
        }
        if food.calories > 10_000.0 {
            return Err(format!("{} kcal for {:?} is not plausible", food.calories, food.name));
        }
    }
    for w in &e.workouts {
        if w.duration_seconds.is_some_and(|d| !(0..=86_400).contains(&d))
            || w.distance_meters.is_some_and(|d| !(0.0..=1_000_000.0).contains(&d))
        {
            return Err(format!("workout {:?} has an impossible duration or distance", w.name));
        }
        if w.sets.iter().any(|s| s.reps < 0 || s.weight_kg.is_some_and(|kg| !(0.0..=1000.0).contains(&kg))) {
            return Err(format!("workout {:?} has a set with negative reps or an impossible weight", w.name));
        }
    }
    for m in &e.measurements {
        if m.weight_kg.is_some_and(|w| !(20.0..400.0).contains(&w))
            || m.body_fat_pct.is_some_and(|b| !(2.0..=70.0).contains(&b))
        {
            return Err("a measurement has an impossible weight or body fat".into());
        }
    }
    Ok(e)
}

/// One reading of an entry: the extraction (or why there is none), and what
/// the attempts cost in tokens whatever the outcome.
#[derive(Debug)]
pub struct Reading {
    pub extraction: Result<Extraction>,
    pub usage: Usage,
    pub model: String,
    pub attempts: u32,
}

/// Longest repair reason sent back to the model (keeps the call's most bounded).
const REPAIR_REASON_MAX: usize = 1_000;

/// The most reading one entry can use over both attempts (the second
/// carries the first answer and the repair request).
pub fn most_usage(text: &str, images: &[ImageInput], context: &str) -> Usage {
    let turn = Turn::User { text: format!("{context}\n\nEntry:\n{text}"), images: images.to_vec() };
    let first =
        super::budget::most_for_request(SYSTEM, std::slice::from_ref(&turn), Some(&schema()), MAX_TOKENS);
    // Characters of up to 4 bytes each, plus the request's own words.
    let repair = (4 * REPAIR_REASON_MAX + 200) as i64;
    Usage {
        input_tokens: 2 * first.input_tokens + i64::from(MAX_TOKENS) + repair,
        output_tokens: 2 * first.output_tokens,
    }
}

pub async fn read_entry(provider: &Provider, text: &str, images: Vec<ImageInput>, context: &str) -> Reading {
    let mut turns = vec![Turn::User { text: format!("{context}\n\nEntry:\n{text}"), images }];
    let schema = schema();
    let mut usage = Usage::default();
    let mut model = provider.config.model.clone();
    for attempt in 1..=2 {
        let completion = match provider.complete_json(SYSTEM, &turns, SCHEMA_NAME, &schema, MAX_TOKENS).await
        {
            Ok(c) => c,
            Err(err) => return Reading { extraction: Err(err), usage, model, attempts: attempt },
        };
        usage = usage + completion.usage;
        model = completion.model.clone();
        match validate(&completion.raw) {
            Ok(extraction) => return Reading { extraction: Ok(extraction), usage, model, attempts: attempt },
            Err(reason) if attempt == 1 => {
                tracing::info!(
                    provider = provider.config.kind.as_str(),
                    "repairing invalid output: {reason}"
                );
                turns.push(Turn::Assistant { text: completion.raw });
                let reason: String = reason.chars().take(REPAIR_REASON_MAX).collect();
                turns.push(Turn::user(format!(
                    "That answer is invalid: {reason}. Reply again with only the corrected JSON object."
                )));
            }
            Err(reason) => {
                let err = Error::Ai {
                    provider: provider.config.kind.as_str().into(),
                    message: provider.redact(&format!("invalid output after one repair attempt: {reason}")),
                    retryable: false,
                };
                return Reading { extraction: Err(err), usage, model, attempts: attempt };
            }
        }
    }
    unreachable!("the loop returns on its second attempt")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_answers_pass_and_bad_ones_say_why() {
        let ok = r#"{"meals":[{"category":"breakfast","foods":[{"name":"egg","quantity":2,"unit":"large","grams":100,"calories":143,"protein_g":12.6,"carbs_g":0.7,"fat_g":9.5}]}],"workouts":[],"measurements":[],"confidence":0.9}"#;
        assert_eq!(validate(ok).unwrap().meals[0].foods[0].calories, 143.0);
        assert!(validate(&format!("```json\n{ok}\n```")).is_ok(), "code fences are tolerated");
        assert!(
            validate(r#"{"meals":[],"workouts":[],"measurements":[],"confidence":7}"#)
                .unwrap_err()
                .contains("confidence")
        );
        assert!(validate(r#"{"meals": "eggs"}"#).unwrap_err().contains("schema"));
        let negative = ok.replace("143", "-143");
        assert!(validate(&negative).unwrap_err().contains("egg"));
    }

    #[test]
    fn the_schema_names_every_field_serde_reads() {
        let s = schema();
        let food_fields = s.pointer("/properties/meals/items/properties/foods/items/required").unwrap();
        assert_eq!(food_fields.as_array().unwrap().len(), 8);
    }
}
