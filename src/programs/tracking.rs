//! Following a program: status (active / paused / completed), the current day
//! from the start date and pauses, items and days marked completed or
//! skipped, logged activities and meals linked to planned ones, adherence
//! per week, and edits (move a day, swap an exercise or a meal, regenerate
//! the rest from a week).

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use sqlx::SqliteConnection;

use super::exercises;
use super::generate;
use super::meals::{self, Catalog};
use super::plan::PlannedExercise;
use super::questionnaire::Questionnaire;
use super::{ItemType, PROGRAM_DAYS, ProgramDay, Status};
use crate::clock;
use crate::error::{Error, Result};
use crate::nutrition::MealFood;
use crate::profile::Profile;
use crate::store::Store;

/// The user's current program (active or paused).
#[derive(Debug, Clone)]
pub struct ActiveProgram {
    pub id: String,
    pub name: String,
    pub start_date: NaiveDate,
    pub paused_days: i64,
    pub total_days: i64,
    /// The local date the pause began, when paused.
    pub paused_on: Option<NaiveDate>,
    pub questions_answers: String,
}

impl ActiveProgram {
    /// The program day of a local date; while paused the day stands still.
    pub fn day_number_on(&self, date: NaiveDate) -> Option<i64> {
        let standing = match self.paused_on {
            Some(p) if date > p => (date - p).num_days(),
            _ => 0,
        };
        super::day_number_on(self.start_date, self.paused_days + standing, date)
            .filter(|d| *d <= self.total_days)
    }

    pub fn questionnaire(&self) -> Result<Questionnaire> {
        serde_json::from_str(&self.questions_answers).map_err(|e| Error::Corrupt {
            what: format!("program {}", self.id),
            detail: format!("questions_answers: {e}"),
        })
    }
}

fn tz_of(name: Option<String>) -> Tz {
    name.and_then(|n| n.parse().ok()).unwrap_or(Tz::UTC)
}

pub async fn active(conn: &mut SqliteConnection, user_id: &str) -> Result<Option<ActiveProgram>> {
    type Row = (String, String, Option<String>, i64, i64, Option<String>, String, Option<String>);
    let row: Option<Row> = sqlx::query_as(
        "SELECT p.id, p.name, p.start_date, p.paused_days, p.total_days, p.paused_at, p.questions_answers, \
         json_extract(u.settings, '$.time_zone') FROM ai_generated_programs p JOIN users u ON u.id = p.user_id \
         WHERE p.user_id = ? AND p.is_active = 1",
    )
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((id, name, start, paused_days, total_days, paused_at, qa, tz)) = row else { return Ok(None) };
    let tz = tz_of(tz);
    let start_date = match start {
        Some(s) => clock::parse_date(&s)?,
        None => return Err(Error::Corrupt { what: format!("program {id}"), detail: "no start date".into() }),
    };
    let paused_on = paused_at.map(|p| clock::from_db(&p).map(|t| clock::local_date(t, tz))).transpose()?;
    Ok(Some(ActiveProgram {
        id,
        name,
        start_date,
        paused_days,
        total_days,
        paused_on,
        questions_answers: qa,
    }))
}

async fn require_active(conn: &mut SqliteConnection, user_id: &str) -> Result<ActiveProgram> {
    active(conn, user_id).await?.ok_or(Error::NoActiveProgram)
}

/// Keeps `current_day` in step with the calendar and completes a program whose
/// last day has passed. Returns the program if it is still current.
pub async fn refresh(store: &Store, profile: &Profile, today: NaiveDate) -> Result<Option<ActiveProgram>> {
    let mut tx = store.begin_write().await?;
    let Some(p) = active(&mut tx, &profile.id).await? else { return Ok(None) };
    let raw = (today - p.start_date).num_days() + 1
        - p.paused_days
        - p.paused_on.map(|d| (today - d).num_days().max(0)).unwrap_or(0);
    if raw > p.total_days {
        sqlx::query(
            "UPDATE ai_generated_programs SET is_active = 0, status = 'completed', paused_at = NULL, current_day = total_days \
             WHERE id = ? AND user_id = ?",
        )
        .bind(&p.id)
        .bind(&profile.id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        return Ok(None);
    }
    sqlx::query("UPDATE ai_generated_programs SET current_day = ? WHERE id = ? AND current_day <> ?")
        .bind(raw.clamp(1, p.total_days))
        .bind(&p.id)
        .bind(raw.clamp(1, p.total_days))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Some(p))
}

pub async fn pause(store: &Store, profile: &Profile, now: DateTime<Utc>) -> Result<()> {
    let mut tx = store.begin_write().await?;
    let p = require_active(&mut tx, &profile.id).await?;
    if p.paused_on.is_some() {
        return Err(Error::invalid("the program is already paused"));
    }
    sqlx::query(
        "UPDATE ai_generated_programs SET status = 'paused', paused_at = ? WHERE id = ? AND user_id = ?",
    )
    .bind(clock::to_db(now))
    .bind(&p.id)
    .bind(&profile.id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Ends a pause: the days paused are added to `paused_days` and the remaining
/// days move later on the calendar by as many days.
pub async fn resume(store: &Store, profile: &Profile, now: DateTime<Utc>) -> Result<i64> {
    let mut tx = store.begin_write().await?;
    let p = require_active(&mut tx, &profile.id).await?;
    let Some(paused_on) = p.paused_on else {
        return Err(Error::invalid("the program is not paused"));
    };
    let today = clock::local_date(now, profile.tz());
    let days = (today - paused_on).num_days().max(0);
    // The day that was current when the pause began, and every later one, move.
    let from_day = super::day_number_on(p.start_date, p.paused_days, paused_on).unwrap_or(1);
    sqlx::query(
        "UPDATE ai_generated_programs SET status = 'active', paused_at = NULL, paused_days = paused_days + ? \
         WHERE id = ? AND user_id = ?",
    )
    .bind(days)
    .bind(&p.id)
    .bind(&profile.id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE ai_program_days SET scheduled_date = date(scheduled_date, '+' || ? || ' days') \
         WHERE program_id = ? AND day_number >= ?",
    )
    .bind(days)
    .bind(&p.id)
    .bind(from_day)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(days)
}

/// Re-derives a day's status from its items: completed when every item is
/// done or skipped and one is done, skipped when all are skipped.
async fn settle_day(conn: &mut SqliteConnection, day_id: &str, now: &str) -> Result<()> {
    let (total, done, skipped): (i64, i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COALESCE(SUM(status = 'completed'), 0), COALESCE(SUM(status = 'skipped'), 0) \
         FROM ai_program_items WHERE program_day_id = ?",
    )
    .bind(day_id)
    .fetch_one(&mut *conn)
    .await?;
    let status = if total == 0 || done + skipped < total {
        Status::Pending
    } else if done > 0 {
        Status::Completed
    } else {
        Status::Skipped
    };
    sqlx::query(
        "UPDATE ai_program_days SET status = ?, is_completed = ?, \
         completed_at = CASE WHEN ? THEN COALESCE(completed_at, ?) ELSE NULL END WHERE id = ?",
    )
    .bind(status)
    .bind(status == Status::Completed)
    .bind(status == Status::Completed)
    .bind(now)
    .bind(day_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// An item of the user's programs, checked for ownership: (day id, item type, program id).
async fn owned_item(
    conn: &mut SqliteConnection,
    user_id: &str,
    item_id: &str,
) -> Result<(String, ItemType, String)> {
    sqlx::query_as(
        "SELECT i.program_day_id, i.item_type, i.program_id FROM ai_program_items i \
         JOIN ai_generated_programs p ON p.id = i.program_id WHERE i.id = ? AND p.user_id = ?",
    )
    .bind(item_id)
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| Error::not_found(format!("program item {item_id}")))
}

async fn write_item_status(
    conn: &mut SqliteConnection,
    item_id: &str,
    status: Status,
    now: &str,
) -> Result<()> {
    sqlx::query(
        "UPDATE ai_program_items SET status = ?, is_completed = ?, \
         completed_at = CASE WHEN ? THEN ? ELSE NULL END, \
         linked_activity_id = CASE WHEN ? THEN linked_activity_id END, \
         linked_meal_log_id = CASE WHEN ? THEN linked_meal_log_id END WHERE id = ?",
    )
    .bind(status)
    .bind(status == Status::Completed)
    .bind(status == Status::Completed)
    .bind(now)
    .bind(status == Status::Completed)
    .bind(status == Status::Completed)
    .bind(item_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Marks one item completed, skipped or pending again (offline, no provider).
pub async fn set_item_status(store: &Store, user_id: &str, item_id: &str, status: Status) -> Result<()> {
    let mut tx = store.begin_write().await?;
    let (day_id, _, _) = owned_item(&mut tx, user_id, item_id).await?;
    let now = clock::now_db();
    write_item_status(&mut tx, item_id, status, &now).await?;
    settle_day(&mut tx, &day_id, &now).await?;
    tx.commit().await?;
    Ok(())
}

/// Marks every pending item of a day (by id, or by number in the active program).
pub async fn set_day_status(store: &Store, user_id: &str, day: &str, status: Status) -> Result<()> {
    let mut tx = store.begin_write().await?;
    let day_id: Option<String> = sqlx::query_scalar(
        "SELECT d.id FROM ai_program_days d JOIN ai_generated_programs p ON p.id = d.program_id \
         WHERE p.user_id = ? AND (d.id = ? OR (p.is_active = 1 AND CAST(d.day_number AS TEXT) = ?))",
    )
    .bind(user_id)
    .bind(day)
    .bind(day)
    .fetch_optional(&mut *tx)
    .await?;
    let day_id = day_id.ok_or_else(|| Error::not_found(format!("program day {day}")))?;
    let now = clock::now_db();
    let items: Vec<String> = if status == Status::Pending {
        sqlx::query_scalar("SELECT id FROM ai_program_items WHERE program_day_id = ?")
    } else {
        sqlx::query_scalar("SELECT id FROM ai_program_items WHERE program_day_id = ? AND status = 'pending'")
    }
    .bind(&day_id)
    .fetch_all(&mut *tx)
    .await?;
    for item in items {
        write_item_status(&mut tx, &item, status, &now).await?;
    }
    settle_day(&mut tx, &day_id, &now).await?;
    tx.commit().await?;
    Ok(())
}

/// What an item can be: a program day id or item id, for `wagner program done ID`.
pub async fn mark(store: &Store, user_id: &str, id: &str, status: Status) -> Result<&'static str> {
    let is_item: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM ai_program_items i JOIN ai_generated_programs p ON p.id = i.program_id \
         WHERE i.id = ? AND p.user_id = ?)",
    )
    .bind(id)
    .bind(user_id)
    .fetch_one(store.pool())
    .await?;
    if is_item {
        set_item_status(store, user_id, id, status).await?;
        Ok("item")
    } else {
        set_day_status(store, user_id, id, status).await?;
        Ok("day")
    }
}

/// Which activity types complete a planned workout type.
fn matching_activity_types(workout_type: &str) -> &'static [&'static str] {
    match workout_type {
        "strength" => &["strength"],
        "cardio" => &["cardio", "run", "ride", "rowing", "elliptical", "swim", "walk", "hike"],
        "run" => &["run"],
        "ride" => &["ride"],
        "swim" => &["swim"],
        "walk" => &["walk", "hike"],
        "hike" => &["hike", "walk"],
        "yoga" => &["yoga"],
        "rowing" => &["rowing"],
        "elliptical" => &["elliptical"],
        "sport" => &["sport"],
        _ => &["other"],
    }
}

/// Completes pending workouts that have a logged activity of a matching type
/// on their scheduled day, unless the user unlinked that workout before.
pub async fn sync_activities(conn: &mut SqliteConnection, user_id: &str, program_id: &str) -> Result<u64> {
    let pending: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT i.id, i.program_day_id, i.workout_type, d.scheduled_date FROM ai_program_items i \
         JOIN ai_program_days d ON d.id = i.program_day_id \
         JOIN ai_generated_programs p ON p.id = i.program_id \
         WHERE i.program_id = ? AND p.user_id = ? AND i.item_type = 'workout' AND i.status = 'pending' \
           AND i.auto_link = 1 AND d.scheduled_date IS NOT NULL \
           AND EXISTS (SELECT 1 FROM activities a WHERE a.user_id = p.user_id AND a.local_date = d.scheduled_date)",
    )
    .bind(program_id)
    .bind(user_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut linked = 0;
    for (item_id, day_id, workout_type, date) in pending {
        let types = matching_activity_types(&workout_type);
        let placeholders = vec!["?"; types.len()].join(", ");
        let mut query = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(format!(
            "SELECT a.id FROM activities a WHERE a.user_id = ? AND a.local_date = ? AND a.activity_type IN ({placeholders}) \
             AND NOT EXISTS (SELECT 1 FROM ai_program_items x WHERE x.linked_activity_id = a.id) \
             ORDER BY a.start_date LIMIT 1"
        )))
        .bind(user_id)
        .bind(&date);
        for t in types {
            query = query.bind(*t);
        }
        let Some(activity_id) = query.fetch_optional(&mut *conn).await? else { continue };
        let now = clock::now_db();
        sqlx::query(
            "UPDATE ai_program_items SET status = 'completed', is_completed = 1, completed_at = ?, \
             linked_activity_id = ? WHERE id = ?",
        )
        .bind(&now)
        .bind(&activity_id)
        .bind(&item_id)
        .execute(&mut *conn)
        .await?;
        settle_day(conn, &day_id, &now).await?;
        linked += 1;
    }
    Ok(linked)
}

/// Undoes an automatic (or manual) activity link: the workout is pending
/// again and stays unlinked.
pub async fn unlink_activity(store: &Store, user_id: &str, item_id: &str) -> Result<()> {
    let mut tx = store.begin_write().await?;
    let (day_id, kind, _) = owned_item(&mut tx, user_id, item_id).await?;
    if kind != ItemType::Workout {
        return Err(Error::invalid("only workouts are linked to activities"));
    }
    sqlx::query(
        "UPDATE ai_program_items SET linked_activity_id = NULL, auto_link = 0, status = 'pending', \
         is_completed = 0, completed_at = NULL WHERE id = ?",
    )
    .bind(item_id)
    .execute(&mut *tx)
    .await?;
    settle_day(&mut tx, &day_id, &clock::now_db()).await?;
    tx.commit().await?;
    Ok(())
}

/// A logged meal completes a planned one.
pub async fn link_meal(store: &Store, user_id: &str, item_id: &str, meal_log_id: &str) -> Result<()> {
    let mut tx = store.begin_write().await?;
    let (day_id, kind, _) = owned_item(&mut tx, user_id, item_id).await?;
    if kind != ItemType::Meal {
        return Err(Error::invalid("only a planned meal can be completed by a logged meal"));
    }
    let owned: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM meal_logs WHERE id = ? AND user_id = ?)")
            .bind(meal_log_id)
            .bind(user_id)
            .fetch_one(&mut *tx)
            .await?;
    if !owned {
        return Err(Error::not_found(format!("meal {meal_log_id}")));
    }
    let now = clock::now_db();
    sqlx::query(
        "UPDATE ai_program_items SET linked_meal_log_id = ?, status = 'completed', is_completed = 1, completed_at = ? \
         WHERE id = ?",
    )
    .bind(meal_log_id)
    .bind(&now)
    .bind(item_id)
    .execute(&mut *tx)
    .await?;
    settle_day(&mut tx, &day_id, &now).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WeekAdherence {
    pub week: i64,
    /// Items scheduled before today, or already marked.
    pub due: i64,
    pub completed: i64,
    pub skipped: i64,
    /// completed / due, as a percentage; None before anything is due.
    pub adherence_pct: Option<f64>,
}

pub async fn adherence(store: &Store, user_id: &str, today: NaiveDate) -> Result<Vec<WeekAdherence>> {
    let mut conn = store.pool().acquire().await?;
    let p = require_active(&mut conn, user_id).await?;
    Ok(sqlx::query_as(
        "SELECT d.week_number AS week, \
           COALESCE(SUM(d.scheduled_date < ? OR i.status <> 'pending'), 0) AS due, \
           COALESCE(SUM(i.status = 'completed'), 0) AS completed, \
           COALESCE(SUM(i.status = 'skipped'), 0) AS skipped, \
           ROUND(100.0 * SUM(i.status = 'completed') / NULLIF(SUM(d.scheduled_date < ? OR i.status <> 'pending'), 0), 1) \
             AS adherence_pct \
         FROM ai_program_days d JOIN ai_program_items i ON i.program_day_id = d.id \
         WHERE d.program_id = ? GROUP BY d.week_number ORDER BY d.week_number",
    )
    .bind(today.to_string())
    .bind(today.to_string())
    .bind(&p.id)
    .fetch_all(&mut *conn)
    .await?)
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CalendarDay {
    pub id: String,
    pub day_number: i64,
    pub week_number: i64,
    pub scheduled_date: Option<String>,
    pub day_name: Option<String>,
    pub day_focus: Option<String>,
    pub is_rest_day: bool,
    pub status: Status,
    pub items_total: i64,
    pub items_completed: i64,
    pub workout_completed: bool,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Calendar {
    pub program_id: String,
    pub name: String,
    pub description: Option<String>,
    pub status: String,
    pub start_date: String,
    pub current_day: Option<i64>,
    /// 12 rows of 7 days.
    pub weeks: Vec<Vec<CalendarDay>>,
    pub adherence: Vec<WeekAdherence>,
}

pub async fn calendar(store: &Store, profile: &Profile, today: NaiveDate) -> Result<Option<Calendar>> {
    let Some(p) = refresh(store, profile, today).await? else { return Ok(None) };
    let mut conn = store.pool().acquire().await?;
    sync_activities(&mut conn, &profile.id, &p.id).await?;
    let (description, status): (Option<String>, String) =
        sqlx::query_as("SELECT description, status FROM ai_generated_programs WHERE id = ? AND user_id = ?")
            .bind(&p.id)
            .bind(&profile.id)
            .fetch_one(&mut *conn)
            .await?;
    let days: Vec<CalendarDay> = sqlx::query_as(
        "SELECT d.id, d.day_number, d.week_number, d.scheduled_date, d.day_name, d.day_focus, d.is_rest_day, d.status, \
           COUNT(i.id) AS items_total, COALESCE(SUM(i.status = 'completed'), 0) AS items_completed, \
           COALESCE(MAX(i.item_type = 'workout' AND i.status = 'completed'), 0) AS workout_completed \
         FROM ai_program_days d LEFT JOIN ai_program_items i ON i.program_day_id = d.id \
         WHERE d.program_id = ? GROUP BY d.id ORDER BY d.day_number",
    )
    .bind(&p.id)
    .fetch_all(&mut *conn)
    .await?;
    drop(conn);
    let mut weeks: Vec<Vec<CalendarDay>> = Vec::new();
    for d in days {
        if weeks.last().is_none_or(|w| w.len() == 7) {
            weeks.push(Vec::with_capacity(7));
        }
        if let Some(w) = weeks.last_mut() {
            w.push(d);
        }
    }
    Ok(Some(Calendar {
        program_id: p.id.clone(),
        name: p.name.clone(),
        description,
        status,
        start_date: p.start_date.to_string(),
        current_day: p.day_number_on(today),
        weeks,
        adherence: adherence(store, &profile.id, today).await?,
    }))
}

/// Today's day of the active program (None before it starts or after it ends).
pub async fn today(store: &Store, profile: &Profile, today: NaiveDate) -> Result<Option<ProgramDay>> {
    if refresh(store, profile, today).await?.is_none() {
        return Ok(None);
    }
    super::day_on(store, &profile.id, today).await
}

/// Full details of an item: the exercises of a workout or the foods of a meal.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ItemDetails {
    pub id: String,
    pub item_type: ItemType,
    pub title: String,
    pub status: Status,
    pub workout_type: Option<String>,
    pub duration_minutes: Option<i64>,
    pub exercises: Vec<PlannedExercise>,
    pub meal_type: Option<String>,
    pub foods: Vec<MealFood>,
    pub calories: Option<f64>,
    pub protein_g: Option<f64>,
    pub carbs_g: Option<f64>,
    pub fat_g: Option<f64>,
    pub linked_activity_id: Option<String>,
    pub linked_meal_log_id: Option<String>,
}

type ItemRow = (
    String,
    ItemType,
    Option<String>,
    Status,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<f64>,
    Option<f64>,
    Option<f64>,
    Option<f64>,
    Option<String>,
    Option<String>,
);

pub async fn item(store: &Store, user_id: &str, item_id: &str) -> Result<ItemDetails> {
    let row: Option<ItemRow> = sqlx::query_as(
        "SELECT i.id, i.item_type, COALESCE(i.title, i.workout_name, i.meal_name), i.status, i.workout_type, \
         i.workout_duration_minutes, i.workout_exercises, i.meal_type, i.meal_foods, i.meal_calories, \
         i.meal_protein_g, i.meal_carbs_g, i.meal_fat_g, i.linked_activity_id, i.linked_meal_log_id \
         FROM ai_program_items i JOIN ai_generated_programs p ON p.id = i.program_id WHERE i.id = ? AND p.user_id = ?",
    )
    .bind(item_id)
    .bind(user_id)
    .fetch_optional(store.pool())
    .await?;
    let Some((id, item_type, title, status, wt, dur, ex, mt, foods, kcal, p, c, f, la, lm)) = row else {
        return Err(Error::not_found(format!("program item {item_id}")));
    };
    let corrupt = |e: serde_json::Error| Error::Corrupt {
        what: format!("program item {item_id}"),
        detail: e.to_string(),
    };
    Ok(ItemDetails {
        id,
        item_type,
        title: title.unwrap_or_default(),
        status,
        workout_type: wt,
        duration_minutes: dur,
        exercises: ex.map(|e| serde_json::from_str(&e)).transpose().map_err(corrupt)?.unwrap_or_default(),
        meal_type: mt,
        foods: foods.map(|e| serde_json::from_str(&e)).transpose().map_err(corrupt)?.unwrap_or_default(),
        calories: kcal,
        protein_g: p,
        carbs_g: c,
        fat_g: f,
        linked_activity_id: la,
        linked_meal_log_id: lm,
    })
}

async fn day_has_progress(conn: &mut SqliteConnection, day_id: &str) -> Result<bool> {
    Ok(sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM ai_program_items WHERE program_day_id = ? AND status <> 'pending')",
    )
    .bind(day_id)
    .fetch_one(&mut *conn)
    .await?)
}

/// Swaps what two days of the active program hold (names, focus, items), so a
/// workout can move to another day; both days must be untouched.
pub async fn move_day(store: &Store, user_id: &str, from: i64, to: i64) -> Result<()> {
    if from == to || !(1..=PROGRAM_DAYS).contains(&from) || !(1..=PROGRAM_DAYS).contains(&to) {
        return Err(Error::invalid(format!("days are 1 to {PROGRAM_DAYS} and must differ")));
    }
    let mut tx = store.begin_write().await?;
    let p = require_active(&mut tx, user_id).await?;
    let mut ids = Vec::new();
    for n in [from, to] {
        let id: String =
            sqlx::query_scalar("SELECT id FROM ai_program_days WHERE program_id = ? AND day_number = ?")
                .bind(&p.id)
                .bind(n)
                .fetch_one(&mut *tx)
                .await?;
        if day_has_progress(&mut tx, &id).await? {
            return Err(Error::invalid(format!("day {n} already has completed or skipped items")));
        }
        ids.push(id);
    }
    let (a, b) = (&ids[0], &ids[1]);
    // Items change day through a temporary order range (item_order is unique per day).
    sqlx::query("UPDATE ai_program_items SET program_day_id = ?, item_order = item_order + 100000 WHERE program_day_id = ?")
        .bind(b)
        .bind(a)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE ai_program_items SET program_day_id = ? WHERE program_day_id = ? AND item_order < 100000",
    )
    .bind(a)
    .bind(b)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE ai_program_items SET item_order = item_order - 100000 WHERE program_day_id = ? AND item_order >= 100000")
        .bind(b)
        .execute(&mut *tx)
        .await?;
    // Swap the descriptive columns; the day numbers and dates stay.
    let mut rows = Vec::new();
    for id in [a, b] {
        let row: (Option<String>, Option<String>, bool) =
            sqlx::query_as("SELECT day_name, day_focus, is_rest_day FROM ai_program_days WHERE id = ?")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
        rows.push(row);
    }
    for ((id, (old_n, new_n)), (name, focus, rest)) in
        [(b, (from, to)), (a, (to, from))].into_iter().zip(rows)
    {
        // "Day 1: Upper" becomes "Day 3: Upper" on its new day.
        let name = name.map(|n| n.replacen(&format!("Day {old_n}:"), &format!("Day {new_n}:"), 1));
        sqlx::query("UPDATE ai_program_days SET day_name = ?, day_focus = ?, is_rest_day = ? WHERE id = ?")
            .bind(name)
            .bind(focus)
            .bind(rest)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Replaces exercise `index` of a workout with another of the same movement
/// pattern that fits the program's equipment and injuries (or the one named).
pub async fn swap_exercise(
    store: &Store,
    user_id: &str,
    item_id: &str,
    index: usize,
    replacement: Option<&str>,
) -> Result<PlannedExercise> {
    let mut tx = store.begin_write().await?;
    let p = require_active(&mut tx, user_id).await?;
    let q = p.questionnaire()?;
    let (_, kind, program_id) = owned_item(&mut tx, user_id, item_id).await?;
    if kind != ItemType::Workout || program_id != p.id {
        return Err(Error::invalid("swap an exercise of a workout of the active program"));
    }
    let raw: String = sqlx::query_scalar("SELECT workout_exercises FROM ai_program_items WHERE id = ?")
        .bind(item_id)
        .fetch_one(&mut *tx)
        .await?;
    let mut list: Vec<PlannedExercise> = serde_json::from_str(&raw)
        .map_err(|e| Error::Corrupt { what: format!("program item {item_id}"), detail: e.to_string() })?;
    let current = list.get(index).cloned().ok_or_else(|| {
        Error::invalid(format!("the workout has {} exercises, there is no number {}", list.len(), index + 1))
    })?;
    let options = exercises::candidates(current.pattern, &q.available_equipment, &q.injury_limitations);
    let next = match replacement {
        Some(name) => {
            let e = exercises::find(name)
                .ok_or_else(|| Error::not_found(format!("exercise {name:?} in the library")))?;
            if !e.fits(&q.available_equipment, &q.injury_limitations) {
                return Err(Error::invalid(format!("{} does not fit your equipment or injuries", e.name)));
            }
            e
        }
        None => {
            let others: Vec<_> = options
                .iter()
                .filter(|e| e.name != current.name && !list.iter().any(|l| l.name == e.name))
                .collect();
            **others.first().ok_or_else(|| {
                Error::invalid(format!(
                    "no other {} exercise fits your equipment and injuries",
                    current.pattern.as_str()
                ))
            })?
        }
    };
    let swapped = PlannedExercise {
        name: next.name.into(),
        pattern: next.pattern,
        equipment: next.equipment.to_vec(),
        unit: if next.timed { super::plan::RepUnit::Seconds } else { super::plan::RepUnit::Reps },
        ..current
    };
    list[index] = swapped.clone();
    sqlx::query("UPDATE ai_program_items SET workout_exercises = ? WHERE id = ?")
        .bind(serde_json::to_string(&list).map_err(|e| Error::invalid(e.to_string()))?)
        .bind(item_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(swapped)
}

/// Replaces a planned meal by another of the same type with about the same calories.
pub async fn swap_meal(store: &Store, user_id: &str, item_id: &str) -> Result<String> {
    let mut tx = store.begin_write().await?;
    let p = require_active(&mut tx, user_id).await?;
    let q = p.questionnaire()?;
    let (_, kind, _) = owned_item(&mut tx, user_id, item_id).await?;
    if kind != ItemType::Meal {
        return Err(Error::invalid("only meals can be swapped for another meal"));
    }
    let (meal_type, name, kcal): (String, String, f64) =
        sqlx::query_as("SELECT meal_type, meal_name, meal_calories FROM ai_program_items WHERE id = ?")
            .bind(item_id)
            .fetch_one(&mut *tx)
            .await?;
    let catalog = Catalog::bundled()?;
    let mut chosen = None;
    for variant in 1..60 {
        let day = meals::day_meals(&q, catalog, variant * 5 + name.len())?;
        if let Some(m) =
            day.into_iter().find(|m| serde_json::to_value(m.meal_type).ok() == Some(meal_type.clone().into()))
            && m.name != name
        {
            chosen = Some(m);
            break;
        }
    }
    let mut meal = chosen.ok_or_else(|| Error::invalid("no other meal fits your restrictions"))?;
    let factor = kcal / meal.totals().calories.max(1.0);
    for f in meal.foods.iter_mut() {
        let k = factor;
        let grams = (f.grams.unwrap_or(f.quantity) * k).round().max(1.0);
        let ratio = grams / f.grams.unwrap_or(f.quantity).max(1.0);
        let r1 = |v: f64| (v * ratio * 10.0).round() / 10.0;
        *f = MealFood {
            quantity: grams,
            grams: Some(grams),
            calories: r1(f.calories),
            protein_g: r1(f.protein_g),
            carbs_g: r1(f.carbs_g),
            fat_g: r1(f.fat_g),
            ..f.clone()
        };
    }
    let t = meal.totals();
    sqlx::query(
        "UPDATE ai_program_items SET title = ?, meal_name = ?, meal_foods = ?, meal_calories = ?, meal_protein_g = ?, \
         meal_carbs_g = ?, meal_fat_g = ? WHERE id = ?",
    )
    .bind(&meal.name)
    .bind(&meal.name)
    .bind(serde_json::to_string(&meal.foods).map_err(|e| Error::invalid(e.to_string()))?)
    .bind(t.calories)
    .bind(t.protein_g)
    .bind(t.carbs_g)
    .bind(t.fat_g)
    .bind(item_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(meal.name)
}

/// Regenerates (offline) every untouched day from `week` on with other meals
/// and the program's questionnaire; days with progress are kept. Returns how
/// many days were rewritten.
pub async fn regenerate_from(store: &Store, profile: &Profile, week: u32, today: NaiveDate) -> Result<u32> {
    if !(1..=12).contains(&week) {
        return Err(Error::invalid("weeks are 1 to 12"));
    }
    let mut tx = store.begin_write().await?;
    let p = require_active(&mut tx, &profile.id).await?;
    let current_week = p.day_number_on(today).map(|d| (d - 1) / 7 + 1).unwrap_or(1);
    if (week as i64) < current_week {
        return Err(Error::invalid(format!(
            "week {week} is past: regenerate from week {current_week} or later"
        )));
    }
    let q = p.questionnaire()?;
    let catalog = Catalog::bundled()?;
    // Another meal rotation each time, so a regeneration changes something.
    let variant = (crate::clock::now().timestamp() as usize / 60) % 1000 + 1;
    let mut rewritten = 0;
    for w in week..=12 {
        let days = generate::week(&q, catalog, w, variant)?;
        for (i, day) in days.iter().enumerate() {
            let n = ((w - 1) * 7) as i64 + i as i64 + 1;
            let id: String =
                sqlx::query_scalar("SELECT id FROM ai_program_days WHERE program_id = ? AND day_number = ?")
                    .bind(&p.id)
                    .bind(n)
                    .fetch_one(&mut *tx)
                    .await?;
            if day_has_progress(&mut tx, &id).await? {
                continue;
            }
            sqlx::query("DELETE FROM ai_program_items WHERE program_day_id = ?")
                .bind(&id)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "UPDATE ai_program_days SET day_name = ?, day_focus = ?, is_rest_day = ? WHERE id = ?",
            )
            .bind(&day.day_name)
            .bind(&day.day_focus)
            .bind(day.is_rest_day)
            .bind(&id)
            .execute(&mut *tx)
            .await?;
            super::insert_items(&mut tx, &p.id, &id, day, 0).await?;
            rewritten += 1;
        }
    }
    tx.commit().await?;
    Ok(rewritten)
}

/// The program's local dates, day 1 to 84 (for the .ics export).
pub fn date_of(p: &ActiveProgram, day_number: i64) -> NaiveDate {
    p.start_date + Duration::days(day_number - 1 + p.paused_days)
}
