//! Calorie, macro and micronutrient targets.
//!
//! Energy comes from `body::expenditure` (Mifflin–St Jeor resting energy ×
//! an activity factor, blended with the adaptive estimate from logged intake
//! and trend weight once there is enough data); this module only adds an
//! explicit activity level, the goal rate and the macro split, and the
//! reference daily values for the micronutrient panel.

use serde::{Deserialize, Serialize};

use crate::body::expenditure::{self, Expenditure, FormulaEstimate};
use crate::clock;
use crate::error::{Error, Result};
use crate::profile::Profile;
use crate::store::Store;

/// The usual activity levels and their multipliers of resting energy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ActivityLevel {
    Sedentary,
    Light,
    Moderate,
    VeryActive,
    ExtraActive,
}

impl ActivityLevel {
    pub fn factor(self) -> f64 {
        match self {
            ActivityLevel::Sedentary => 1.2,
            ActivityLevel::Light => 1.375,
            ActivityLevel::Moderate => 1.55,
            ActivityLevel::VeryActive => 1.725,
            ActivityLevel::ExtraActive => 1.9,
        }
    }
}

impl std::str::FromStr for ActivityLevel {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s.trim().to_lowercase().replace(['-', ' '], "_").as_str() {
            "sedentary" => ActivityLevel::Sedentary,
            "light" | "lightly_active" => ActivityLevel::Light,
            "moderate" | "moderately_active" => ActivityLevel::Moderate,
            "very_active" | "very" | "active" => ActivityLevel::VeryActive,
            "extra_active" | "extra" => ActivityLevel::ExtraActive,
            other => {
                return Err(Error::invalid(format!(
                    "activity level {other:?}: use sedentary, light, moderate, very_active or extra_active"
                )));
            }
        })
    }
}

/// Protein per kg of body weight for a goal rate: more while losing (to
/// keep lean mass) and gaining, 1.6 g/kg to maintain (Morton et al. 2018,
/// Br J Sports Med 52:376).
pub fn protein_g_per_kg(goal_rate_kg_per_week: f64) -> f64 {
    if goal_rate_kg_per_week < -0.05 {
        2.0
    } else if goal_rate_kg_per_week > 0.05 {
        1.8
    } else {
        1.6
    }
}

/// Fat's share of energy (within the 20–35 % of the dietary guidelines).
pub const FAT_SHARE: f64 = 0.27;

/// Calorie and macro targets for energy `tdee_kcal`, body weight and goal rate:
/// protein by body weight, fat by share of energy, carbs the rest.
pub fn macros_for(tdee_kcal: f64, weight_kg: f64, goal_rate_kg_per_week: f64) -> Result<MacroPlan> {
    if !(weight_kg.is_finite() && weight_kg > 0.0) {
        return Err(Error::invalid("a body weight is needed for the protein target"));
    }
    let calories = expenditure::target_for(tdee_kcal, goal_rate_kg_per_week)?;
    let protein_g = (weight_kg * protein_g_per_kg(goal_rate_kg_per_week)).round();
    let fat_g = (calories as f64 * FAT_SHARE / 9.0).round();
    let carbs_g = ((calories as f64 - protein_g * 4.0 - fat_g * 9.0) / 4.0).max(0.0).round();
    Ok(MacroPlan { calories, protein_g: protein_g as i64, carbs_g: carbs_g as i64, fat_g: fat_g as i64 })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MacroPlan {
    pub calories: i64,
    pub protein_g: i64,
    pub carbs_g: i64,
    pub fat_g: i64,
}

/// The targets proposed for the profile, and how they were made.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TargetProposal {
    pub bmr_kcal: Option<f64>,
    pub activity_factor: Option<f64>,
    /// Formula energy expenditure (BMR × activity).
    pub formula_tdee_kcal: Option<f64>,
    /// What the targets start from: the adaptive blend when it has data,
    /// else the formula.
    pub tdee_kcal: Option<f64>,
    pub goal_rate_kg_per_week: f64,
    pub weight_kg: Option<f64>,
    pub plan: Option<MacroPlan>,
    pub notes: Vec<String>,
}

/// Proposes targets: BMR (Mifflin–St Jeor) × the activity level given (or
/// the one implied by training frequency), blended with the adaptive
/// estimate when there is enough logged data, plus the goal rate.
pub async fn propose(
    store: &Store,
    profile: &Profile,
    activity: Option<ActivityLevel>,
    goal_rate_kg_per_week: f64,
) -> Result<TargetProposal> {
    if !goal_rate_kg_per_week.is_finite() || goal_rate_kg_per_week.abs() > 1.5 {
        return Err(Error::invalid("the goal rate must be between -1.5 and 1.5 kg per week"));
    }
    let exp = expenditure::current(store, profile, expenditure::DEFAULT_WINDOW_DAYS).await?;
    Ok(proposal_from(&exp, activity, goal_rate_kg_per_week))
}

/// [`propose`] on an expenditure already computed.
pub fn proposal_from(exp: &Expenditure, activity: Option<ActivityLevel>, goal_rate: f64) -> TargetProposal {
    let mut notes = exp.notes.clone();
    let formula: Option<FormulaEstimate> = exp.formula.clone().map(|mut f| {
        // A level picked by hand replaces the guessed or measured training.
        if let Some(level) = activity {
            f.activity_factor = level.factor();
            f.training = None;
            f.tdee_kcal = f.bmr_kcal * f.activity_factor;
            f.tdee_low_kcal = f.tdee_kcal;
            f.tdee_high_kcal = f.tdee_kcal;
        }
        f
    });
    // The blend weights data against the formula; re-blend with this formula.
    let tdee = match (&formula, exp.data_estimate_kcal) {
        (Some(f), Some(data)) => Some(exp.data_weight * data + (1.0 - exp.data_weight) * f.tdee_kcal),
        (Some(f), None) => Some(f.tdee_kcal),
        (None, _) => exp.estimate_kcal,
    };
    let weight = exp.trend_end_kg.or(formula.as_ref().map(|f| f.weight_kg));
    let plan = match (tdee, weight) {
        (Some(t), Some(w)) => match macros_for(t, w, goal_rate) {
            Ok(p) => Some(p),
            Err(e) => {
                notes.push(e.to_string());
                None
            }
        },
        _ => {
            notes.push("add age, sex, height and weight to your profile (or log meals and weigh-ins)".into());
            None
        }
    };
    TargetProposal {
        bmr_kcal: formula.as_ref().map(|f| f.bmr_kcal),
        activity_factor: formula.as_ref().map(|f| f.activity_factor),
        formula_tdee_kcal: formula.as_ref().map(|f| f.tdee_kcal),
        tdee_kcal: tdee,
        goal_rate_kg_per_week: goal_rate,
        weight_kg: weight,
        plan,
        notes,
    }
}

/// Sets the four daily targets and refreshes today's summary snapshot, in
/// one transaction.
pub async fn apply(store: &Store, profile: &Profile, plan: &MacroPlan) -> Result<()> {
    let mut tx = store.begin_write().await?;
    sqlx::query(
        "UPDATE users SET daily_calorie_target = ?, daily_protein_target_g = ?, daily_carbs_target_g = ?, \
         daily_fat_target_g = ? WHERE id = ?",
    )
    .bind(plan.calories)
    .bind(plan.protein_g)
    .bind(plan.carbs_g)
    .bind(plan.fat_g)
    .bind(&profile.id)
    .execute(&mut *tx)
    .await?;
    let today = clock::local_date(crate::clock::now(), profile.tz());
    sqlx::query("INSERT INTO daily_nutrition_refresh (user_id, date) VALUES (?, ?)")
        .bind(&profile.id)
        .bind(today.to_string())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Whether a daily value is an amount to reach or a limit to stay under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    Reach,
    Limit,
}

/// Reference daily values for adults (US FDA, 21 CFR 101.9(c), the 2016
/// label rule), keyed by `foods_enhanced` column: (label, unit, amount, kind).
pub const DAILY_VALUES: [(&str, &str, &str, f64, TargetKind); 31] = [
    ("dietary_fiber_g", "Fiber", "g", 28.0, TargetKind::Reach),
    ("total_sugars_g", "Sugars", "g", 50.0, TargetKind::Limit),
    ("added_sugars_g", "Added sugars", "g", 50.0, TargetKind::Limit),
    ("saturated_fat_g", "Saturated fat", "g", 20.0, TargetKind::Limit),
    ("cholesterol_mg", "Cholesterol", "mg", 300.0, TargetKind::Limit),
    ("sodium_mg", "Sodium", "mg", 2300.0, TargetKind::Limit),
    ("potassium_mg", "Potassium", "mg", 4700.0, TargetKind::Reach),
    ("calcium_mg", "Calcium", "mg", 1300.0, TargetKind::Reach),
    ("iron_mg", "Iron", "mg", 18.0, TargetKind::Reach),
    ("magnesium_mg", "Magnesium", "mg", 420.0, TargetKind::Reach),
    ("zinc_mg", "Zinc", "mg", 11.0, TargetKind::Reach),
    ("phosphorus_mg", "Phosphorus", "mg", 1250.0, TargetKind::Reach),
    ("selenium_ug", "Selenium", "µg", 55.0, TargetKind::Reach),
    ("copper_mg", "Copper", "mg", 0.9, TargetKind::Reach),
    ("manganese_mg", "Manganese", "mg", 2.3, TargetKind::Reach),
    ("vitamin_a_ug", "Vitamin A", "µg", 900.0, TargetKind::Reach),
    ("vitamin_c_mg", "Vitamin C", "mg", 90.0, TargetKind::Reach),
    ("vitamin_d_ug", "Vitamin D", "µg", 20.0, TargetKind::Reach),
    ("vitamin_e_mg", "Vitamin E", "mg", 15.0, TargetKind::Reach),
    ("vitamin_k_ug", "Vitamin K", "µg", 120.0, TargetKind::Reach),
    ("thiamin_mg", "Thiamin", "mg", 1.2, TargetKind::Reach),
    ("riboflavin_mg", "Riboflavin", "mg", 1.3, TargetKind::Reach),
    ("niacin_mg", "Niacin", "mg", 16.0, TargetKind::Reach),
    ("pantothenic_acid_mg", "Pantothenic acid", "mg", 5.0, TargetKind::Reach),
    ("vitamin_b6_mg", "Vitamin B6", "mg", 1.7, TargetKind::Reach),
    ("biotin_ug", "Biotin", "µg", 30.0, TargetKind::Reach),
    ("folate_ug", "Folate", "µg", 400.0, TargetKind::Reach),
    ("vitamin_b12_ug", "Vitamin B12", "µg", 2.4, TargetKind::Reach),
    ("choline_mg", "Choline", "mg", 550.0, TargetKind::Reach),
    ("iodine_ug", "Iodine", "µg", 150.0, TargetKind::Reach),
    ("molybdenum_ug", "Molybdenum", "µg", 45.0, TargetKind::Reach),
];

/// One row of the micronutrient panel.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MicroLine {
    pub key: String,
    pub label: String,
    pub unit: String,
    /// None when no food of the day has a value for it.
    pub amount: Option<f64>,
    pub target: f64,
    pub kind: TargetKind,
    /// amount / target × 100, rounded.
    pub percent: Option<f64>,
}

/// The panel for a day's nutrient totals (`get` returns a nutrient's total).
pub fn micro_panel(get: impl Fn(&str) -> Option<f64>) -> Vec<MicroLine> {
    DAILY_VALUES
        .iter()
        .map(|(key, label, unit, target, kind)| {
            let amount = get(key);
            MicroLine {
                key: key.to_string(),
                label: label.to_string(),
                unit: unit.to_string(),
                amount,
                target: *target,
                kind: *kind,
                percent: amount.map(|a| (a / target * 100.0).round()),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn macros_split_the_calorie_target() {
        // 80 kg, TDEE 2550, losing 0.5 kg/week: 2000 kcal, 160 g protein, 60 g fat, the rest carbs.
        let p = macros_for(2550.0, 80.0, -0.5).unwrap();
        assert_eq!(p, MacroPlan { calories: 2000, protein_g: 160, carbs_g: 205, fat_g: 60 });
        let energy = p.protein_g * 4 + p.carbs_g * 4 + p.fat_g * 9;
        assert!((energy - p.calories).abs() <= 6, "macros add up to the target: {energy}");
        assert_eq!(macros_for(2550.0, 80.0, 0.0).unwrap().protein_g, 128);
        assert!(macros_for(1500.0, 60.0, -1.0).is_err(), "below a safe 1000 kcal");
    }

    #[test]
    fn activity_levels_parse_and_order() {
        let levels: Vec<ActivityLevel> = ["sedentary", "light", "moderate", "very active", "extra"]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        assert!(levels.windows(2).all(|w| w[0].factor() < w[1].factor()));
        assert!("couch".parse::<ActivityLevel>().is_err());
    }

    #[test]
    fn the_panel_gives_percent_of_the_daily_value() {
        let panel = micro_panel(|k| (k == "vitamin_c_mg").then_some(45.0));
        let c = panel.iter().find(|l| l.key == "vitamin_c_mg").unwrap();
        assert_eq!(c.percent, Some(50.0));
        assert_eq!(panel.iter().find(|l| l.key == "iron_mg").unwrap().amount, None);
    }
}
