//! 12-week programs: `ai_generated_programs`, its 84 `ai_program_days` and
//! their `ai_program_items` (meals and workouts in one table).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

use crate::error::{Error, Result};
use crate::profile::Profile;
use crate::store::Store;

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

#[derive(Debug, Clone)]
pub enum NewProgramItem {
    Meal {
        meal_type: String,
        meal_name: String,
        foods: serde_json::Value,
        calories: f64,
        protein_g: f64,
        carbs_g: f64,
        fat_g: f64,
    },
    Workout {
        workout_name: String,
        workout_type: String,
        exercises: serde_json::Value,
        duration_minutes: i64,
    },
}

#[derive(Debug, Clone)]
pub struct NewProgramDay {
    pub day_name: String,
    pub day_focus: Option<String>,
    pub is_rest_day: bool,
    pub items: Vec<NewProgramItem>,
}

#[derive(Debug, Clone)]
pub struct NewProgram {
    pub name: String,
    pub description: Option<String>,
    pub goal: Option<String>,
    pub start_date: NaiveDate,
    pub questions_answers: serde_json::Value,
    pub ai_provider: String,
    pub ai_model: Option<String>,
    pub days: Vec<NewProgramDay>,
}

/// Stores a complete 84-day program as the profile's active one.
pub async fn create(conn: &mut SqliteConnection, profile: &Profile, program: &NewProgram) -> Result<String> {
    if program.days.len() as i64 != PROGRAM_DAYS {
        return Err(Error::invalid(format!(
            "a program has {PROGRAM_DAYS} days, this one has {}",
            program.days.len()
        )));
    }
    let active: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM ai_generated_programs WHERE user_id = ? AND is_active = 1")
            .bind(&profile.id)
            .fetch_one(&mut *conn)
            .await?;
    if active > 0 {
        return Err(Error::invalid("there is already an active program: pause or finish it first"));
    }
    let program_id = crate::new_id();
    sqlx::query(
        "INSERT INTO ai_generated_programs (id, user_id, name, description, goal, duration_weeks, total_days, \
         is_active, status, current_day, start_date, questions_answers, ai_provider, ai_model) \
         VALUES (?, ?, ?, ?, ?, ?, ?, 1, 'active', 1, ?, ?, ?, ?)",
    )
    .bind(&program_id)
    .bind(&profile.id)
    .bind(&program.name)
    .bind(&program.description)
    .bind(&program.goal)
    .bind(PROGRAM_WEEKS)
    .bind(PROGRAM_DAYS)
    .bind(program.start_date.to_string())
    .bind(program.questions_answers.to_string())
    .bind(&program.ai_provider)
    .bind(&program.ai_model)
    .execute(&mut *conn)
    .await?;

    for (index, day) in program.days.iter().enumerate() {
        let day_number = index as i64 + 1;
        let day_id = crate::new_id();
        let scheduled = program.start_date + chrono::Duration::days(index as i64);
        sqlx::query(
            "INSERT INTO ai_program_days (id, program_id, day_number, week_number, day_of_week, day_name, \
             day_focus, is_rest_day, scheduled_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&day_id)
        .bind(&program_id)
        .bind(day_number)
        .bind((day_number - 1) / 7 + 1)
        .bind((day_number - 1) % 7 + 1)
        .bind(&day.day_name)
        .bind(&day.day_focus)
        .bind(day.is_rest_day)
        .bind(scheduled.to_string())
        .execute(&mut *conn)
        .await?;
        for (order, item) in day.items.iter().enumerate() {
            insert_item(conn, &program_id, &day_id, order as i64, item).await?;
        }
    }
    Ok(program_id)
}

async fn insert_item(
    conn: &mut SqliteConnection,
    program_id: &str,
    day_id: &str,
    order: i64,
    item: &NewProgramItem,
) -> Result<()> {
    let query = match item {
        NewProgramItem::Meal { meal_type, meal_name, foods, calories, protein_g, carbs_g, fat_g } => sqlx::query(
            "INSERT INTO ai_program_items (id, program_id, program_day_id, item_type, item_order, title, meal_type, \
             meal_name, meal_foods, meal_calories, meal_protein_g, meal_carbs_g, meal_fat_g) \
             VALUES (?, ?, ?, 'meal', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(crate::new_id())
        .bind(program_id)
        .bind(day_id)
        .bind(order)
        .bind(meal_name)
        .bind(meal_type)
        .bind(meal_name)
        .bind(foods.to_string())
        .bind(calories)
        .bind(protein_g)
        .bind(carbs_g)
        .bind(fat_g),
        NewProgramItem::Workout { workout_name, workout_type, exercises, duration_minutes } => sqlx::query(
            "INSERT INTO ai_program_items (id, program_id, program_day_id, item_type, item_order, title, \
             workout_name, workout_type, workout_exercises, workout_duration_minutes) \
             VALUES (?, ?, ?, 'workout', ?, ?, ?, ?, ?, ?)",
        )
        .bind(crate::new_id())
        .bind(program_id)
        .bind(day_id)
        .bind(order)
        .bind(workout_name)
        .bind(workout_name)
        .bind(workout_type)
        .bind(exercises.to_string())
        .bind(duration_minutes),
    };
    query.execute(&mut *conn).await?;
    Ok(())
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
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProgramDay {
    pub program_id: String,
    pub program_name: String,
    pub day_number: i64,
    pub total_days: i64,
    pub week_number: i64,
    pub day_name: String,
    pub day_focus: Option<String>,
    pub is_rest_day: bool,
    pub is_completed: bool,
    pub items: Vec<ProgramItem>,
}

/// Which program day a local date falls on, counting pauses; None outside the program.
pub fn day_number_on(start_date: NaiveDate, paused_days: i64, date: NaiveDate) -> Option<i64> {
    let day = (date - start_date).num_days() + 1 - paused_days;
    (1..=PROGRAM_DAYS).contains(&day).then_some(day)
}

/// The active program's day for a local date, with its items in order.
pub async fn day_on(store: &Store, user_id: &str, date: NaiveDate) -> Result<Option<ProgramDay>> {
    let program: Option<(String, String, String, i64, i64)> = sqlx::query_as(
        "SELECT id, name, start_date, paused_days, total_days FROM ai_generated_programs \
         WHERE user_id = ? AND is_active = 1",
    )
    .bind(user_id)
    .fetch_optional(store.pool())
    .await?;
    let Some((program_id, program_name, start, paused_days, total_days)) = program else {
        return Ok(None);
    };
    let start_date = crate::clock::parse_date(&start)?;
    let Some(day_number) = day_number_on(start_date, paused_days, date) else {
        return Ok(None);
    };
    let day: Option<(String, i64, String, Option<String>, bool, bool)> = sqlx::query_as(
        "SELECT id, week_number, day_name, day_focus, is_rest_day, is_completed FROM ai_program_days \
         WHERE program_id = ? AND day_number = ?",
    )
    .bind(&program_id)
    .bind(day_number)
    .fetch_optional(store.pool())
    .await?;
    let Some((day_id, week_number, day_name, day_focus, is_rest_day, is_completed)) = day else {
        return Err(Error::Corrupt {
            what: format!("program {program_id}"),
            detail: format!("day {day_number} is missing"),
        });
    };
    let items: Vec<ProgramItem> = sqlx::query_as(
        "SELECT id, item_type, item_order, COALESCE(title, workout_name, meal_name) AS title, \
         CASE item_type \
           WHEN 'workout' THEN workout_type || ' · ' || workout_duration_minutes || ' min' \
           ELSE meal_type || ' · ' || CAST(ROUND(meal_calories) AS INTEGER) || ' kcal' END AS detail, \
         is_completed FROM ai_program_items WHERE program_day_id = ? ORDER BY item_order",
    )
    .bind(&day_id)
    .fetch_all(store.pool())
    .await?;
    Ok(Some(ProgramDay {
        program_id,
        program_name,
        day_number,
        total_days,
        week_number,
        day_name,
        day_focus,
        is_rest_day,
        is_completed,
        items,
    }))
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
