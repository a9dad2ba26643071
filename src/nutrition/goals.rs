//! `user_goals`: explicit, measurable goals ("reach 80 kg", "160 g protein a
//! day", "20,000 kg of lifting a week") and progress towards them, measured
//! from the data where the app has it (trend weight, the last 7 logged days
//! of meals, the last 7 days of training) and from the stored value otherwise.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::body::{self, trend};
use crate::clock;
use crate::error::{Error, Result};
use crate::profile::Profile;
use crate::store::Store;

pub const GOAL_TYPES: [&str; 9] = [
    "weight",
    "body_fat",
    "protein",
    "calories",
    "training_volume",
    "distance",
    "strength",
    "habit",
    "custom",
];

/// A goal to create.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NewGoal {
    pub goal_type: String,
    pub title: Option<String>,
    pub target_value: f64,
    pub target_unit: Option<String>,
    pub target_date: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Goal {
    pub id: String,
    pub goal_type: String,
    pub title: String,
    pub target_value: Option<f64>,
    pub target_unit: Option<String>,
    pub start_value: Option<f64>,
    pub current_value: Option<f64>,
    pub start_date: Option<String>,
    pub target_date: Option<String>,
    pub status: String,
    pub notes: Option<String>,
}

/// A goal with its progress, 0–100 % (None when there is nothing to measure).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GoalProgress {
    pub goal: Goal,
    /// Measured now from the data (or the stored value).
    pub current_value: Option<f64>,
    pub percent: Option<f64>,
    /// How the current value is measured.
    pub measured_as: String,
}

fn default_unit(goal_type: &str) -> Option<&'static str> {
    Some(match goal_type {
        "weight" => "kg",
        "body_fat" => "%",
        "protein" => "g",
        "calories" => "kcal",
        "training_volume" => "kg",
        "distance" => "km",
        _ => return None,
    })
}

fn default_title(goal_type: &str, target: f64, unit: &str) -> String {
    match goal_type {
        "weight" => format!("Reach {target} {unit}"),
        "body_fat" => format!("Reach {target} % body fat"),
        "protein" => format!("{target} g protein a day"),
        "calories" => format!("{target} kcal a day"),
        "training_volume" => format!("{target} {unit} lifted a week"),
        "distance" => format!("{target} {unit} a week"),
        other => format!("{other}: {target} {unit}"),
    }
}

/// Creates a goal; its start value is measured now.
pub async fn add(store: &Store, profile: &Profile, new: &NewGoal) -> Result<GoalProgress> {
    let goal_type = new.goal_type.trim().to_lowercase().replace([' ', '-'], "_");
    if !GOAL_TYPES.contains(&goal_type.as_str()) {
        return Err(Error::invalid(format!("goal type {goal_type:?}: use one of {}", GOAL_TYPES.join(", "))));
    }
    if !(new.target_value.is_finite() && new.target_value > 0.0) {
        return Err(Error::invalid("the goal needs a target value > 0"));
    }
    let target_date = new.target_date.as_deref().map(clock::parse_date).transpose()?;
    let today = clock::local_date(crate::clock::now(), profile.tz());
    if target_date.is_some_and(|d| d < today) {
        return Err(Error::invalid("the target date is in the past"));
    }
    let unit = new.target_unit.clone().or(default_unit(&goal_type).map(String::from));
    let title = new
        .title
        .clone()
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| default_title(&goal_type, new.target_value, unit.as_deref().unwrap_or("")));
    let (start, _) = measure(store, profile, &goal_type, today).await?;
    let id = crate::new_id();
    sqlx::query(
        "INSERT INTO user_goals (id, user_id, goal_type, title, target_value, target_unit, start_value, \
         current_value, start_date, target_date, notes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(&profile.id)
    .bind(&goal_type)
    .bind(title.trim())
    .bind(new.target_value)
    .bind(&unit)
    .bind(start)
    .bind(start)
    .bind(today.to_string())
    .bind(target_date.map(|d| d.to_string()))
    .bind(&new.notes)
    .execute(store.pool())
    .await?;
    let goal = get(store, &profile.id, &id).await?;
    progress(store, profile, goal).await
}

async fn get(store: &Store, user_id: &str, id: &str) -> Result<Goal> {
    sqlx::query_as(
        "SELECT id, goal_type, title, target_value, target_unit, start_value, current_value, start_date, \
         target_date, status, notes FROM user_goals WHERE user_id = ? AND id = ?",
    )
    .bind(user_id)
    .bind(id)
    .fetch_optional(store.pool())
    .await?
    .ok_or_else(|| Error::not_found(format!("goal {id}")))
}

/// The user's goals, active first, with progress.
pub async fn list(store: &Store, profile: &Profile) -> Result<Vec<GoalProgress>> {
    let goals: Vec<Goal> = sqlx::query_as(
        "SELECT id, goal_type, title, target_value, target_unit, start_value, current_value, start_date, \
         target_date, status, notes FROM user_goals WHERE user_id = ? \
         ORDER BY status <> 'active', created_at, id",
    )
    .bind(&profile.id)
    .fetch_all(store.pool())
    .await?;
    let mut out = Vec::with_capacity(goals.len());
    for goal in goals {
        out.push(progress(store, profile, goal).await?);
    }
    Ok(out)
}

/// Sets a goal's status (active, achieved, abandoned, paused).
pub async fn set_status(store: &Store, profile: &Profile, id: &str, status: &str) -> Result<GoalProgress> {
    if !["active", "achieved", "abandoned", "paused"].contains(&status) {
        return Err(Error::invalid(format!("status {status:?}: use active, achieved, abandoned or paused")));
    }
    let done = sqlx::query("UPDATE user_goals SET status = ? WHERE user_id = ? AND id = ?")
        .bind(status)
        .bind(&profile.id)
        .bind(id)
        .execute(store.pool())
        .await?;
    if done.rows_affected() == 0 {
        return Err(Error::not_found(format!("goal {id}")));
    }
    let goal = get(store, &profile.id, id).await?;
    progress(store, profile, goal).await
}

/// Deletes a goal.
pub async fn delete(store: &Store, user_id: &str, id: &str) -> Result<()> {
    let done = sqlx::query("DELETE FROM user_goals WHERE user_id = ? AND id = ?")
        .bind(user_id)
        .bind(id)
        .execute(store.pool())
        .await?;
    if done.rows_affected() == 0 {
        return Err(Error::not_found(format!("goal {id}")));
    }
    Ok(())
}

async fn progress(store: &Store, profile: &Profile, goal: Goal) -> Result<GoalProgress> {
    let today = clock::local_date(crate::clock::now(), profile.tz());
    let (measured, how) = measure(store, profile, &goal.goal_type, today).await?;
    let current = measured.or(goal.current_value);
    let percent = match (goal.target_value, current) {
        // Goals to move a body value from where it started to the target.
        (Some(t), Some(c)) if matches!(goal.goal_type.as_str(), "weight" | "body_fat") => {
            match goal.start_value.filter(|s| (s - t).abs() > 1e-9) {
                Some(s) => Some(((c - s) / (t - s) * 100.0).clamp(0.0, 100.0)),
                None => Some(if (c - t).abs() < 0.05 { 100.0 } else { 0.0 }),
            }
        }
        (Some(t), Some(c)) if t > 0.0 => Some((c / t * 100.0).clamp(0.0, 100.0)),
        _ => None,
    };
    Ok(GoalProgress {
        current_value: current.map(|c| (c * 10.0).round() / 10.0),
        percent: percent.map(f64::round),
        measured_as: how.to_string(),
        goal,
    })
}

/// The current value of a goal type from the data, and how it was measured.
async fn measure(
    store: &Store,
    profile: &Profile,
    goal_type: &str,
    today: NaiveDate,
) -> Result<(Option<f64>, &'static str)> {
    let week_ago = (today - Duration::days(7)).to_string();
    Ok(match goal_type {
        "weight" => {
            let points = trend::trend(&body::weights(store, &profile.id).await?);
            let trend = trend::trend_on(&points, today).map(|p| p.trend_kg);
            let stored: Option<f64> = sqlx::query_scalar("SELECT current_weight_kg FROM users WHERE id = ?")
                .bind(&profile.id)
                .fetch_one(store.pool())
                .await?;
            (trend.or(stored), "trend weight")
        }
        "body_fat" => (
            sqlx::query_scalar(
                "SELECT body_fat_pct FROM body_measurements WHERE user_id = ? AND body_fat_pct IS NOT NULL \
                 ORDER BY measured_at DESC LIMIT 1",
            )
            .bind(&profile.id)
            .fetch_optional(store.pool())
            .await?,
            "latest body fat",
        ),
        "protein" | "calories" => {
            let column = if goal_type == "protein" { "total_protein_g" } else { "total_calories" };
            let sql = format!(
                "SELECT AVG({column}) FROM (SELECT {column} FROM daily_nutrition_summaries \
                 WHERE user_id = ? AND date < ? AND meal_count > 0 ORDER BY date DESC LIMIT 7)"
            );
            let avg: Option<f64> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .bind(&profile.id)
                .bind(today.to_string())
                .fetch_one(store.pool())
                .await?;
            (avg, "average of the last 7 logged days")
        }
        "training_volume" => {
            let volume: Option<f64> = sqlx::query_scalar(
                "SELECT SUM(s.reps * s.weight_kg) FROM activity_segments s JOIN activities a ON a.id = s.activity_id \
                 WHERE a.user_id = ? AND a.local_date > ? AND s.segment_type = 'set' AND s.reps IS NOT NULL",
            )
            .bind(&profile.id)
            .bind(&week_ago)
            .fetch_one(store.pool())
            .await?;
            (volume, "kg lifted in the last 7 days")
        }
        "distance" => {
            let meters: Option<f64> = sqlx::query_scalar(
                "SELECT SUM(distance_meters) FROM activities WHERE user_id = ? AND local_date > ?",
            )
            .bind(&profile.id)
            .bind(&week_ago)
            .fetch_one(store.pool())
            .await?;
            (meters.map(|m| m / 1000.0), "km in the last 7 days")
        }
        _ => (None, "the value you record"),
    })
}
