//! What a quick entry turns into, whoever read it (the offline parser or an
//! AI provider). The same shape is the JSON schema asked of the providers and
//! is stored in `quick_entry_logs.ai_extracted_data`.

use serde::{Deserialize, Serialize};

use crate::activities::ActivityType;
use crate::nutrition::MealCategory;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Extraction {
    #[serde(default)]
    pub meals: Vec<ExtractedMeal>,
    #[serde(default)]
    pub workouts: Vec<ExtractedWorkout>,
    #[serde(default)]
    pub measurements: Vec<ExtractedMeasurement>,
    /// 0–1: how sure the reader is that the rows match what was meant.
    pub confidence: f64,
}

impl Extraction {
    pub fn is_empty(&self) -> bool {
        self.meals.is_empty() && self.workouts.is_empty() && self.measurements.is_empty()
    }

    /// The `ai_classification` column: one kind, several, or nothing recognised.
    pub fn classification(&self) -> &'static str {
        let kinds = [!self.meals.is_empty(), !self.workouts.is_empty(), !self.measurements.is_empty()];
        match kinds {
            [true, false, false] => "meal",
            [false, true, false] => "workout",
            [false, false, true] => "body_measurement",
            [false, false, false] => "unknown",
            _ => "multiple",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExtractedMeal {
    /// None: decided from the time of day when stored.
    pub category: Option<MealCategory>,
    pub foods: Vec<ExtractedFood>,
}

/// A food as read from an entry is a meal's food: name, quantity and unit,
/// and the nutrition of that quantity once known.
pub use crate::nutrition::MealFood as ExtractedFood;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExtractedWorkout {
    pub activity_type: ActivityType,
    pub name: String,
    pub duration_seconds: Option<i64>,
    pub distance_meters: Option<f64>,
    #[serde(default)]
    pub sets: Vec<ExtractedSet>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExtractedSet {
    pub exercise: String,
    pub reps: i64,
    pub weight_kg: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExtractedMeasurement {
    pub weight_kg: Option<f64>,
    pub body_fat_pct: Option<f64>,
    pub waist_cm: Option<f64>,
    /// Not asked of AI providers (their schema is fixed); the offline parser reads "rhr 52".
    #[serde(default)]
    pub resting_hr_bpm: Option<f64>,
}
