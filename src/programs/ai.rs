//! Program generation through the configured AI provider, one week per call
//! so each answer fits the token limit. Every week is parsed with serde and
//! must pass the same `plan::check_week` as the offline generator; a
//! malformed week gets one repair attempt and is never stored. What the
//! calls cost is recorded against the monthly budget and on the program.

use serde::Deserialize;
use serde_json::{Value, json};

use super::generate::is_deload;
use super::plan::{self, Plan, PlannedDay, PlannedMeal, PlannedWorkout};
use super::questionnaire::Questionnaire;
use crate::ai::{self, Provider, Turn, Usage, budget, prices};
use crate::error::{Error, Result};
use crate::nutrition::{MealCategory, MealFood};
use crate::profile::Profile;
use crate::store::Store;

const SCHEMA_NAME: &str = "program_week";
const MAX_TOKENS: u32 = 8000;

const SYSTEM: &str = "You are a strength coach and dietitian writing one week of a 12-week training and \
nutrition program. Answer with exactly 7 days. Training days have one workout; rest days have none and \
is_rest_day true. Use only the equipment listed (bodyweight is always available) and no exercise that is \
unsafe for the listed injuries. Give each exercise its movement pattern, the equipment it needs, sets, reps \
(unit reps, or seconds for holds and cardio), a load as pct_1rm or rpe, and rest_seconds. A workout's \
duration_minutes must not exceed the session length. Every day has breakfast, lunch, dinner and a snack whose \
foods respect the dietary restrictions; each food has grams and its calories, protein, carbs and fat; a day's \
calories must be within 5 % of the daily target. Weeks 4, 8 and 12 are deload weeks: fewer sets, lighter loads.";

/// Progress of a generation: `week` of `weeks` is being asked for.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Progress {
    pub week: u32,
    pub weeks: u32,
    /// 1, or 2 when the first answer was invalid and is being repaired.
    pub attempt: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AiWeek {
    days: Vec<AiDay>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AiDay {
    day_name: String,
    day_focus: Option<String>,
    is_rest_day: bool,
    workout: Option<PlannedWorkout>,
    meals: Vec<AiMeal>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AiMeal {
    meal_type: MealCategory,
    name: String,
    foods: Vec<AiFood>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AiFood {
    name: String,
    grams: f64,
    calories: f64,
    protein_g: f64,
    carbs_g: f64,
    fat_g: f64,
}

/// The JSON schema of one week, strict enough for OpenAI's structured outputs.
pub fn schema() -> Value {
    let exercise = json!({
        "type": "object", "additionalProperties": false,
        "required": ["name", "pattern", "equipment", "sets", "reps", "unit", "pct_1rm", "rpe", "rest_seconds"],
        "properties": {
            "name": {"type": "string"},
            "pattern": {"type": "string", "enum": ["squat", "hinge", "lunge", "horizontal_push", "horizontal_pull",
                "vertical_push", "vertical_pull", "arms", "calves", "core", "conditioning"]},
            "equipment": {"type": "array", "items": {"type": "string", "enum": super::exercises::Equipment::ALL.map(|e| e.as_str())}},
            "sets": {"type": "integer"}, "reps": {"type": "integer"},
            "unit": {"type": "string", "enum": ["reps", "seconds"]},
            "pct_1rm": {"type": ["number", "null"]}, "rpe": {"type": ["number", "null"]},
            "rest_seconds": {"type": "integer"}
        }
    });
    let food = json!({
        "type": "object", "additionalProperties": false,
        "required": ["name", "grams", "calories", "protein_g", "carbs_g", "fat_g"],
        "properties": {"name": {"type": "string"}, "grams": {"type": "number"}, "calories": {"type": "number"},
            "protein_g": {"type": "number"}, "carbs_g": {"type": "number"}, "fat_g": {"type": "number"}}
    });
    json!({
        "type": "object", "additionalProperties": false, "required": ["days"],
        "properties": {"days": {"type": "array", "items": {
            "type": "object", "additionalProperties": false,
            "required": ["day_name", "day_focus", "is_rest_day", "workout", "meals"],
            "properties": {
                "day_name": {"type": "string"}, "day_focus": {"type": ["string", "null"]},
                "is_rest_day": {"type": "boolean"},
                "workout": {"anyOf": [{"type": "null"}, {
                    "type": "object", "additionalProperties": false,
                    "required": ["name", "workout_type", "duration_minutes", "exercises"],
                    "properties": {"name": {"type": "string"},
                        "workout_type": {"type": "string", "enum": plan::WORKOUT_TYPES},
                        "duration_minutes": {"type": "integer"}, "exercises": {"type": "array", "items": exercise}}
                }]},
                "meals": {"type": "array", "items": {
                    "type": "object", "additionalProperties": false, "required": ["meal_type", "name", "foods"],
                    "properties": {"meal_type": {"type": "string", "enum": ["breakfast", "lunch", "dinner", "snack"]},
                        "name": {"type": "string"}, "foods": {"type": "array", "items": food}}
                }}
            }
        }}}
    })
}

/// Parses and checks one week's answer; the error says what to fix.
pub fn validate_week(
    q: &Questionnaire,
    week: u32,
    raw: &str,
) -> std::result::Result<Vec<PlannedDay>, String> {
    let trimmed =
        raw.trim().trim_start_matches("```json").trim_start_matches("```").trim_end_matches("```").trim();
    let parsed: AiWeek =
        serde_json::from_str(trimmed).map_err(|e| format!("it does not match the schema: {e}"))?;
    let days: Vec<PlannedDay> = parsed
        .days
        .into_iter()
        .map(|d| PlannedDay {
            day_name: d.day_name,
            day_focus: d.day_focus,
            is_rest_day: d.is_rest_day,
            workout: d.workout,
            meals: d
                .meals
                .into_iter()
                .map(|m| PlannedMeal {
                    meal_type: m.meal_type,
                    name: m.name,
                    foods: m
                        .foods
                        .into_iter()
                        .map(|f| MealFood {
                            name: f.name,
                            quantity: f.grams,
                            unit: "g".into(),
                            grams: Some(f.grams),
                            calories: f.calories,
                            protein_g: f.protein_g,
                            carbs_g: f.carbs_g,
                            fat_g: f.fat_g,
                            food_id: None,
                            nutrients: Default::default(),
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    plan::check_week(q, week, &days)?;
    Ok(days)
}

fn week_prompt(q: &Questionnaire, week: u32, previous: Option<&[PlannedDay]>) -> String {
    let mut text = format!(
        "Questionnaire (JSON):\n{}\n\nWrite week {week} of 12 (days {} to {}). {}\nSessions this week: exactly {}, \
         at most {} minutes each. Daily calories: {} kcal (protein {} g, carbs {} g, fat {} g).",
        q.to_json(),
        (week - 1) * 7 + 1,
        week * 7,
        if is_deload(week) { "This is a deload week." } else { "Progress loads or reps from last week." },
        q.training_frequency,
        q.session_minutes,
        q.daily_calorie_target,
        q.daily_protein_target_g,
        q.daily_carbs_target_g,
        q.daily_fat_target_g,
    );
    if let Some(days) = previous {
        text.push_str("\n\nLast week's workouts:");
        for d in days.iter().filter_map(|d| d.workout.as_ref()) {
            let lines: Vec<String> =
                d.exercises.iter().map(|e| format!("{} {}", e.name, e.prescription())).collect();
            text.push_str(&format!("\n- {}: {}", d.name, lines.join("; ")));
        }
    }
    text
}

/// The generated plan and what it cost.
#[derive(Debug, Clone)]
pub struct Generated {
    pub plan: Plan,
    pub model: String,
    pub usage: Usage,
    pub cost_usd: f64,
}

/// Asks the provider for 12 weeks, one at a time, reporting progress before
/// each call. Fails (storing nothing) when a week is still invalid after one
/// repair attempt; the spend of every call is recorded either way.
pub async fn generate(
    store: &Store,
    profile: &Profile,
    provider: &Provider,
    q: &Questionnaire,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<Generated> {
    let kind = provider.config.kind;
    let schema = schema();
    let overrides = ai::price_overrides(store, &profile.id).await?;
    let limits = || budget::Limits {
        requests_per_minute: provider.config.requests_per_minute,
        monthly_budget_usd: provider.config.monthly_budget_usd,
    };
    let mut days: Vec<PlannedDay> = Vec::with_capacity(84);
    let mut usage = Usage::default();
    let mut cost_usd = 0.0;
    let mut model = provider.config.model.clone();
    for week in 1..=12u32 {
        let previous = (week > 1).then(|| &days[days.len() - 7..]);
        let mut turns = vec![Turn::user(week_prompt(q, week, previous))];
        let mut accepted = None;
        for attempt in 1..=2 {
            progress(Progress { week, weeks: 12, attempt });
            budget::admit(store, &profile.id, kind, limits(), crate::clock::now()).await?;
            let completion = provider.complete_json(SYSTEM, &turns, SCHEMA_NAME, &schema, MAX_TOKENS).await?;
            let cost = prices::cost_usd(prices::price_for(&completion.model, &overrides), completion.usage);
            budget::record_spend(store, &profile.id, kind, cost).await?;
            usage = usage + completion.usage;
            cost_usd += cost;
            model = completion.model.clone();
            match validate_week(q, week, &completion.raw) {
                Ok(week_days) => {
                    accepted = Some(week_days);
                    break;
                }
                Err(reason) if attempt == 1 => {
                    tracing::info!(week, "repairing an invalid program week: {reason}");
                    turns.push(Turn::Assistant { text: completion.raw });
                    turns.push(Turn::user(format!(
                        "That week is invalid: {reason}. Reply again with only the corrected JSON object for week {week}."
                    )));
                }
                Err(reason) => {
                    return Err(Error::Ai {
                        provider: kind.as_str().into(),
                        message: format!("week {week} is invalid after one repair attempt: {reason}"),
                        retryable: true,
                    });
                }
            }
        }
        days.extend(accepted.ok_or_else(|| Error::invalid(format!("week {week} was not generated")))?);
    }
    Ok(Generated {
        plan: Plan {
            name: format!("12-week {} program", q.primary_goal.label()),
            description: format!(
                "{} sessions a week, {} min each, generated by {} ({model}); {} kcal a day.",
                q.training_frequency,
                q.session_minutes,
                kind.as_str(),
                q.daily_calorie_target
            ),
            days,
        },
        model,
        usage,
        cost_usd,
    })
}

/// Generates with the provider and stores the program (one transaction).
pub async fn create_with_ai(
    store: &Store,
    profile: &Profile,
    provider: &Provider,
    q: &Questionnaire,
    start_date: chrono::NaiveDate,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<(String, Generated)> {
    let generated = generate(store, profile, provider, q, progress).await?;
    let mut tx = store.begin_write().await?;
    let id = super::create(
        &mut tx,
        profile,
        &super::NewProgram {
            plan: generated.plan.clone(),
            goal: Some(q.primary_goal.as_str().into()),
            start_date,
            questions_answers: q.to_json(),
            ai_provider: provider.config.kind.as_str().into(),
            ai_model: Some(generated.model.clone()),
            ai_cost_usd: generated.cost_usd,
        },
    )
    .await?;
    tx.commit().await?;
    Ok((id, generated))
}
