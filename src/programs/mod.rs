//! 12-week programs: `ai_generated_programs`, its 84 `ai_program_days` and
//! their `ai_program_items` (meals and workouts in one table).
//!
//! Generation: [`questionnaire`] answers → [`generate::offline`] (a periodized
//! template engine with meals from the food database) or [`ai::generate`]
//! (a provider, week by week) → a [`plan::Plan`] whose every week passes
//! [`plan::check_week`] → [`create`]. Tracking lives in [`tracking`].

pub mod ai;
pub mod cli;
pub mod diet;
pub mod exercises;
pub mod generate;
pub mod ics;
pub mod meals;
pub mod plan;
pub mod questionnaire;
pub mod tracking;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

use crate::error::{Error, Result};
use crate::profile::Profile;
use crate::store::Store;
pub use plan::{Plan, PlannedDay, PlannedExercise, PlannedMeal, PlannedWorkout};
pub use questionnaire::{Answers, Questionnaire};

pub const PROGRAM_WEEKS: i64 = 12;
pub const PROGRAM_DAYS: i64 = PROGRAM_WEEKS * 7;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
#[sqlx(rename_all = "snake_case")]
pub enum ItemType {
    Meal,
    Workout,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
#[sqlx(rename_all = "snake_case")]
pub enum Status {
    Pending,
    Completed,
    Skipped,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Completed => "completed",
            Status::Skipped => "skipped",
        }
    }
}

/// A plan ready to store, with where it came from.
#[derive(Debug, Clone)]
pub struct NewProgram {
    pub plan: Plan,
    pub goal: Option<String>,
    pub start_date: NaiveDate,
    pub questions_answers: serde_json::Value,
    pub ai_provider: String,
    pub ai_model: Option<String>,
    pub ai_cost_usd: f64,
}

/// Stores a complete 84-day program as the profile's active one; a previous
/// active or paused program is archived in the same transaction.
pub async fn create(conn: &mut SqliteConnection, profile: &Profile, program: &NewProgram) -> Result<String> {
    let days = &program.plan.days;
    if days.len() as i64 != PROGRAM_DAYS {
        return Err(Error::invalid(format!(
            "a program has {PROGRAM_DAYS} days, this one has {}",
            days.len()
        )));
    }
    sqlx::query(
        "UPDATE ai_generated_programs SET is_active = 0, status = 'archived', paused_at = NULL \
         WHERE user_id = ? AND is_active = 1",
    )
    .bind(&profile.id)
    .execute(&mut *conn)
    .await?;
    let program_id = crate::new_id();
    sqlx::query(
        "INSERT INTO ai_generated_programs (id, user_id, name, description, goal, duration_weeks, total_days, \
         is_active, status, current_day, start_date, questions_answers, ai_provider, ai_model, ai_cost_usd) \
         VALUES (?, ?, ?, ?, ?, ?, ?, 1, 'active', 1, ?, ?, ?, ?, ?)",
    )
    .bind(&program_id)
    .bind(&profile.id)
    .bind(&program.plan.name)
    .bind(&program.plan.description)
    .bind(&program.goal)
    .bind(PROGRAM_WEEKS)
    .bind(PROGRAM_DAYS)
    .bind(program.start_date.to_string())
    .bind(program.questions_answers.to_string())
    .bind(&program.ai_provider)
    .bind(&program.ai_model)
    .bind(program.ai_cost_usd.max(0.0))
    .execute(&mut *conn)
    .await?;
    for (index, day) in days.iter().enumerate() {
        let scheduled = program.start_date + chrono::Duration::days(index as i64);
        insert_day(conn, &program_id, index as i64 + 1, scheduled, day).await?;
    }
    Ok(program_id)
}

pub(crate) async fn insert_day(
    conn: &mut SqliteConnection,
    program_id: &str,
    day_number: i64,
    scheduled: NaiveDate,
    day: &PlannedDay,
) -> Result<String> {
    let day_id = crate::new_id();
    sqlx::query(
        "INSERT INTO ai_program_days (id, program_id, day_number, week_number, day_of_week, day_name, \
         day_focus, is_rest_day, scheduled_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&day_id)
    .bind(program_id)
    .bind(day_number)
    .bind((day_number - 1) / 7 + 1)
    .bind((day_number - 1) % 7 + 1)
    .bind(&day.day_name)
    .bind(&day.day_focus)
    .bind(day.is_rest_day)
    .bind(scheduled.to_string())
    .execute(&mut *conn)
    .await?;
    insert_items(conn, program_id, &day_id, day, 0).await?;
    Ok(day_id)
}

/// Inserts a day's workout (first) and meals, numbering from `first_order`.
pub(crate) async fn insert_items(
    conn: &mut SqliteConnection,
    program_id: &str,
    day_id: &str,
    day: &PlannedDay,
    first_order: i64,
) -> Result<()> {
    let mut order = first_order;
    if let Some(w) = &day.workout {
        insert_workout(conn, program_id, day_id, order, w).await?;
        order += 1;
    }
    for meal in &day.meals {
        insert_meal(conn, program_id, day_id, order, meal).await?;
        order += 1;
    }
    Ok(())
}

fn json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::invalid(format!("cannot encode the plan: {e}")))
}

async fn insert_workout(
    conn: &mut SqliteConnection,
    program_id: &str,
    day_id: &str,
    order: i64,
    w: &PlannedWorkout,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO ai_program_items (id, program_id, program_day_id, item_type, item_order, title, \
         workout_name, workout_type, workout_exercises, workout_duration_minutes) \
         VALUES (?, ?, ?, 'workout', ?, ?, ?, ?, ?, ?)",
    )
    .bind(crate::new_id())
    .bind(program_id)
    .bind(day_id)
    .bind(order)
    .bind(&w.name)
    .bind(&w.name)
    .bind(&w.workout_type)
    .bind(json(&w.exercises)?)
    .bind(w.duration_minutes as i64)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn insert_meal(
    conn: &mut SqliteConnection,
    program_id: &str,
    day_id: &str,
    order: i64,
    meal: &PlannedMeal,
) -> Result<()> {
    let t = meal.totals();
    sqlx::query(
        "INSERT INTO ai_program_items (id, program_id, program_day_id, item_type, item_order, title, meal_type, \
         meal_name, meal_foods, meal_calories, meal_protein_g, meal_carbs_g, meal_fat_g) \
         VALUES (?, ?, ?, 'meal', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(crate::new_id())
    .bind(program_id)
    .bind(day_id)
    .bind(order)
    .bind(&meal.name)
    .bind(meal.meal_type)
    .bind(&meal.name)
    .bind(json(&meal.foods)?)
    .bind(t.calories)
    .bind(t.protein_g)
    .bind(t.carbs_g)
    .bind(t.fat_g)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Generates offline and stores the program starting on `start_date`, in one transaction.
pub async fn create_offline(
    store: &Store,
    profile: &Profile,
    answers: &Answers,
    start_date: NaiveDate,
) -> Result<String> {
    let q = answers.validate()?;
    let plan = generate::offline(&q, 0)?;
    let mut tx = store.begin_write().await?;
    let id = create(
        &mut tx,
        profile,
        &NewProgram {
            plan,
            goal: Some(q.primary_goal.as_str().into()),
            start_date,
            questions_answers: q.to_json(),
            ai_provider: "offline".into(),
            ai_model: Some("template-v1".into()),
            ai_cost_usd: 0.0,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProgramItem {
    pub id: String,
    pub item_type: ItemType,
    pub item_order: i64,
    pub title: String,
    pub detail: Option<String>,
    pub is_completed: bool,
    pub status: Status,
    pub linked_activity_id: Option<String>,
    pub linked_meal_log_id: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProgramDay {
    pub program_id: String,
    pub program_name: String,
    pub day_id: String,
    pub day_number: i64,
    pub total_days: i64,
    pub week_number: i64,
    pub scheduled_date: Option<String>,
    pub day_name: String,
    pub day_focus: Option<String>,
    pub is_rest_day: bool,
    pub is_completed: bool,
    pub status: Status,
    pub paused: bool,
    pub items: Vec<ProgramItem>,
}

/// Which program day a local date falls on, counting pauses; None outside the program.
pub fn day_number_on(start_date: NaiveDate, paused_days: i64, date: NaiveDate) -> Option<i64> {
    let day = (date - start_date).num_days() + 1 - paused_days;
    (1..=PROGRAM_DAYS).contains(&day).then_some(day)
}

const ITEM_COLUMNS: &str = "id, item_type, item_order, COALESCE(title, workout_name, meal_name) AS title, \
     CASE item_type \
       WHEN 'workout' THEN workout_type || ' · ' || workout_duration_minutes || ' min' \
       ELSE meal_type || ' · ' || CAST(ROUND(meal_calories) AS INTEGER) || ' kcal' END AS detail, \
     is_completed, status, linked_activity_id, linked_meal_log_id";

pub(crate) async fn items_of_day(conn: &mut SqliteConnection, day_id: &str) -> Result<Vec<ProgramItem>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {ITEM_COLUMNS} FROM ai_program_items WHERE program_day_id = ? ORDER BY item_order"
    )))
    .bind(day_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// The active program's day for a local date, with its items in order. Links
/// the day's logged activities to its workouts first (see `tracking::sync`).
pub async fn day_on(store: &Store, user_id: &str, date: NaiveDate) -> Result<Option<ProgramDay>> {
    let mut conn = store.pool().acquire().await?;
    let Some(program) = tracking::active(&mut conn, user_id).await? else {
        return Ok(None);
    };
    let Some(day_number) = program.day_number_on(date) else {
        return Ok(None);
    };
    tracking::sync_activities(&mut conn, user_id, &program.id).await?;
    program_day(&mut conn, &program, day_number).await.map(Some)
}

pub(crate) async fn program_day(
    conn: &mut SqliteConnection,
    program: &tracking::ActiveProgram,
    day_number: i64,
) -> Result<ProgramDay> {
    type Row = (String, i64, Option<String>, Option<String>, Option<String>, bool, bool, Status);
    let day: Option<Row> = sqlx::query_as(
        "SELECT id, week_number, scheduled_date, day_name, day_focus, is_rest_day, is_completed, status \
         FROM ai_program_days WHERE program_id = ? AND day_number = ?",
    )
    .bind(&program.id)
    .bind(day_number)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((day_id, week_number, scheduled_date, day_name, day_focus, is_rest_day, is_completed, status)) =
        day
    else {
        return Err(Error::Corrupt {
            what: format!("program {}", program.id),
            detail: format!("day {day_number} is missing"),
        });
    };
    let items = items_of_day(conn, &day_id).await?;
    Ok(ProgramDay {
        program_id: program.id.clone(),
        program_name: program.name.clone(),
        day_id,
        day_number,
        total_days: program.total_days,
        week_number,
        scheduled_date,
        day_name: day_name.unwrap_or_else(|| format!("Day {day_number}")),
        day_focus,
        is_rest_day,
        is_completed,
        status,
        paused: program.paused_on.is_some(),
        items,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_number_counts_from_one_and_skips_pauses() {
        let start = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        assert_eq!(day_number_on(start, 0, start), Some(1));
        assert_eq!(day_number_on(start, 0, NaiveDate::from_ymd_opt(2026, 11, 12).unwrap()), Some(12));
        assert_eq!(day_number_on(start, 3, NaiveDate::from_ymd_opt(2026, 11, 12).unwrap()), Some(9));
        assert_eq!(day_number_on(start, 0, start - chrono::Duration::days(1)), None);
        assert_eq!(day_number_on(start, 0, start + chrono::Duration::days(84)), None);
    }
}
