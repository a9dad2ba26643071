//! The program questionnaire: what the user answers before a program is
//! generated, stored verbatim in `ai_generated_programs.questions_answers`.
//! Field names follow the users table where one exists.

use serde::{Deserialize, Serialize};

use super::diet::Restriction;
use super::exercises::{Equipment, Injury};
use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Goal {
    LoseFat,
    BuildMuscle,
    GainStrength,
    Endurance,
    GeneralFitness,
}

impl Goal {
    pub const ALL: [Goal; 5] =
        [Goal::LoseFat, Goal::BuildMuscle, Goal::GainStrength, Goal::Endurance, Goal::GeneralFitness];

    pub fn as_str(self) -> &'static str {
        match self {
            Goal::LoseFat => "lose_fat",
            Goal::BuildMuscle => "build_muscle",
            Goal::GainStrength => "gain_strength",
            Goal::Endurance => "endurance",
            Goal::GeneralFitness => "general_fitness",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Goal::LoseFat => "fat loss",
            Goal::BuildMuscle => "muscle gain",
            Goal::GainStrength => "strength",
            Goal::Endurance => "endurance",
            Goal::GeneralFitness => "general fitness",
        }
    }

    /// Accepts the canonical names and the common ways people write them.
    pub fn parse(text: &str) -> Option<Goal> {
        Some(match normalize(text).as_str() {
            "lose_fat" | "fat_loss" | "weight_loss" | "lose_weight" | "cut" => Goal::LoseFat,
            "build_muscle" | "muscle_gain" | "hypertrophy" | "gain_muscle" | "bulk" => Goal::BuildMuscle,
            "gain_strength" | "strength" | "get_stronger" => Goal::GainStrength,
            "endurance" | "improve_endurance" | "cardio" => Goal::Endurance,
            "general_fitness" | "fitness" | "health" | "maintain" | "maintenance" | "recomposition" => {
                Goal::GeneralFitness
            }
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Experience {
    Beginner,
    Intermediate,
    Advanced,
}

impl Experience {
    pub const ALL: [Experience; 3] = [Experience::Beginner, Experience::Intermediate, Experience::Advanced];

    pub fn as_str(self) -> &'static str {
        match self {
            Experience::Beginner => "beginner",
            Experience::Intermediate => "intermediate",
            Experience::Advanced => "advanced",
        }
    }
}

pub const MIN_SESSION_MINUTES: u32 = 20;
pub const MAX_SESSION_MINUTES: u32 = 180;
pub const MIN_CALORIES: u32 = 1200;
pub const MAX_CALORIES: u32 = 5000;
/// At least one rest day a week, so at most six sessions.
pub const MAX_FREQUENCY: u32 = 6;

/// The answers as a user writes them (JSON file or the form): free text is
/// accepted where people use synonyms, and `validate` turns it into a
/// [`Questionnaire`] or says exactly what is wrong.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct Answers {
    pub primary_goal: Option<String>,
    pub experience_level: Option<String>,
    pub training_frequency: Option<u32>,
    pub session_minutes: Option<u32>,
    #[serde(default)]
    pub available_equipment: Vec<String>,
    #[serde(default)]
    pub injury_limitations: Vec<String>,
    #[serde(default)]
    pub dietary_restrictions: Vec<String>,
    pub daily_calorie_target: Option<u32>,
    pub daily_protein_target_g: Option<u32>,
    pub daily_carbs_target_g: Option<u32>,
    pub daily_fat_target_g: Option<u32>,
}

/// Validated answers: what the generators work from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Questionnaire {
    pub primary_goal: Goal,
    pub experience_level: Experience,
    pub training_frequency: u32,
    pub session_minutes: u32,
    pub available_equipment: Vec<Equipment>,
    pub injury_limitations: Vec<Injury>,
    pub dietary_restrictions: Vec<Restriction>,
    pub daily_calorie_target: u32,
    pub daily_protein_target_g: u32,
    pub daily_carbs_target_g: u32,
    pub daily_fat_target_g: u32,
}

/// Lowercase, with spaces and hyphens as underscores.
pub(crate) fn normalize(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .chars()
        .map(|c| if c == ' ' || c == '-' || c == '/' { '_' } else { c })
        .collect::<String>()
        .split('_')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

fn sorted_unique<T: Ord>(mut items: Vec<T>) -> Vec<T> {
    items.sort();
    items.dedup();
    items
}

impl Answers {
    pub fn from_json(text: &str) -> Result<Answers> {
        serde_json::from_str(text).map_err(|e| Error::invalid(format!("the questionnaire is not valid: {e}")))
    }

    /// Checks every answer; the error lists every problem, separated by "; ".
    pub fn validate(&self) -> Result<Questionnaire> {
        let mut problems: Vec<String> = Vec::new();
        let goal = match self.primary_goal.as_deref() {
            None => {
                problems
                    .push(format!("primary_goal is missing (one of {})", names(Goal::ALL.map(Goal::as_str))));
                None
            }
            Some(g) => Goal::parse(g).or_else(|| {
                problems.push(format!(
                    "primary_goal {g:?} is not known (one of {})",
                    names(Goal::ALL.map(Goal::as_str))
                ));
                None
            }),
        };
        let experience = match self.experience_level.as_deref().map(normalize) {
            None => Some(Experience::Beginner),
            Some(e) => Experience::ALL.into_iter().find(|x| x.as_str() == e).or_else(|| {
                problems.push(format!(
                    "experience_level {e:?} is not known (one of {})",
                    names(Experience::ALL.map(Experience::as_str))
                ));
                None
            }),
        };
        let frequency = self.training_frequency.unwrap_or(3);
        if !(1..=MAX_FREQUENCY).contains(&frequency) {
            problems.push(format!(
                "training_frequency must be 1 to {MAX_FREQUENCY} sessions a week (a program keeps a rest day), got {frequency}"
            ));
        }
        let minutes = self.session_minutes.unwrap_or(60);
        if !(MIN_SESSION_MINUTES..=MAX_SESSION_MINUTES).contains(&minutes) {
            problems.push(format!(
                "session_minutes must be {MIN_SESSION_MINUTES} to {MAX_SESSION_MINUTES}, got {minutes}"
            ));
        }
        let mut equipment = Vec::new();
        for e in &self.available_equipment {
            match Equipment::parse(e) {
                Some(list) => equipment.extend(list),
                None => problems.push(format!(
                    "available_equipment {e:?} is not known (use {}, or \"full gym\")",
                    names(Equipment::ALL.map(Equipment::as_str))
                )),
            }
        }
        let mut injuries = Vec::new();
        for i in &self.injury_limitations {
            match Injury::parse(i) {
                Some(injury) => injuries.push(injury),
                None => problems.push(format!(
                    "injury_limitations {i:?} is not known (use {})",
                    names(Injury::ALL.map(Injury::as_str))
                )),
            }
        }
        let mut restrictions = Vec::new();
        for r in &self.dietary_restrictions {
            match Restriction::parse(r) {
                Some(x) => restrictions.push(x),
                None => problems.push(format!(
                    "dietary_restrictions {r:?} is not known (use {})",
                    names(Restriction::ALL.map(Restriction::as_str))
                )),
            }
        }
        let calories = match self.daily_calorie_target {
            None => {
                problems.push(format!(
                    "daily_calorie_target is missing (kcal, {MIN_CALORIES} to {MAX_CALORIES})"
                ));
                0
            }
            Some(c) if !(MIN_CALORIES..=MAX_CALORIES).contains(&c) => {
                problems.push(format!(
                    "daily_calorie_target must be {MIN_CALORIES} to {MAX_CALORIES} kcal, got {c}"
                ));
                c
            }
            Some(c) => c,
        };
        // Missing macros get a balanced default: 25 % protein, 30 % fat, the rest carbs.
        let protein = self.daily_protein_target_g.unwrap_or((calories as f64 * 0.25 / 4.0).round() as u32);
        let fat = self.daily_fat_target_g.unwrap_or((calories as f64 * 0.30 / 9.0).round() as u32);
        let carbs = self.daily_carbs_target_g.unwrap_or_else(|| {
            let rest = calories as f64 - protein as f64 * 4.0 - fat as f64 * 9.0;
            (rest.max(0.0) / 4.0).round() as u32
        });
        let macro_kcal = (protein * 4 + carbs * 4 + fat * 9) as f64;
        if calories > 0 && (macro_kcal - calories as f64).abs() > calories as f64 * 0.15 {
            problems.push(format!(
                "the macro targets add up to {macro_kcal:.0} kcal, more than 15 % away from daily_calorie_target {calories}"
            ));
        }
        if !problems.is_empty() {
            return Err(Error::invalid(problems.join("; ")));
        }
        let (Some(goal), Some(experience)) = (goal, experience) else {
            return Err(Error::invalid("the questionnaire is incomplete"));
        };
        equipment.push(Equipment::Bodyweight);
        Ok(Questionnaire {
            primary_goal: goal,
            experience_level: experience,
            training_frequency: frequency,
            session_minutes: minutes,
            available_equipment: sorted_unique(equipment),
            injury_limitations: sorted_unique(injuries),
            dietary_restrictions: sorted_unique(restrictions),
            daily_calorie_target: calories,
            daily_protein_target_g: protein,
            daily_carbs_target_g: carbs,
            daily_fat_target_g: fat,
        })
    }
}

fn names<const N: usize>(items: [&str; N]) -> String {
    items.join(", ")
}

impl Questionnaire {
    pub fn has(&self, equipment: Equipment) -> bool {
        self.available_equipment.contains(&equipment)
    }

    /// The answers in the users-table vocabulary, as stored with the program.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synonyms_are_understood_and_bodyweight_is_always_available() {
        let q = Answers {
            primary_goal: Some("Fat loss".into()),
            experience_level: Some("Intermediate".into()),
            training_frequency: Some(4),
            session_minutes: Some(45),
            available_equipment: vec!["Dumbbell".into(), "pull-up bar".into()],
            injury_limitations: vec!["bad knee".into()],
            dietary_restrictions: vec!["Gluten-free".into(), "nut allergy".into()],
            daily_calorie_target: Some(2000),
            ..Answers::default()
        }
        .validate()
        .unwrap();
        assert_eq!(q.primary_goal, Goal::LoseFat);
        assert_eq!(
            q.available_equipment,
            vec![Equipment::Bodyweight, Equipment::Dumbbells, Equipment::PullUpBar]
        );
        assert_eq!(q.injury_limitations, vec![Injury::Knee]);
        assert_eq!(q.dietary_restrictions, vec![Restriction::GlutenFree, Restriction::NutFree]);
        assert_eq!(q.daily_protein_target_g, 125);
    }

    #[test]
    fn every_problem_is_named() {
        let err = Answers {
            primary_goal: Some("be famous".into()),
            training_frequency: Some(7),
            session_minutes: Some(5),
            available_equipment: vec!["spaceship".into()],
            dietary_restrictions: vec!["carnivore".into()],
            ..Answers::default()
        }
        .validate()
        .unwrap_err()
        .to_string();
        for needle in [
            "primary_goal",
            "training_frequency",
            "session_minutes",
            "spaceship",
            "carnivore",
            "daily_calorie_target",
        ] {
            assert!(err.contains(needle), "{needle} missing from: {err}");
        }
        assert!(Answers::from_json(r#"{"primary_goal":"strength","colour":"red"}"#).is_err());
    }
}
