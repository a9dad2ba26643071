//! The active program as an iCalendar file: one all-day event per program
//! day, the workout's exercises and the meals in its description.

use std::fmt::Write;
use std::path::Path;

use chrono::{DateTime, Utc};
use icalendar::{Calendar, Component, Event, EventLike};

use super::plan::PlannedExercise;
use super::tracking;
use crate::clock;
use crate::error::{Error, Result};
use crate::profile::Profile;
use crate::store::Store;

type DayRow = (String, i64, Option<String>, Option<String>, Option<String>, bool);
/// item type, title, exercises, meal type, kcal, minutes
type ItemRow = (String, String, Option<String>, Option<String>, Option<f64>, Option<i64>);

/// Builds the calendar text for the active program.
pub async fn calendar_text(store: &Store, profile: &Profile, now: DateTime<Utc>) -> Result<(String, usize)> {
    let mut conn = store.pool().acquire().await?;
    let p = tracking::active(&mut conn, &profile.id).await?.ok_or(Error::NoActiveProgram)?;
    let days: Vec<DayRow> = sqlx::query_as(
        "SELECT id, day_number, scheduled_date, day_name, day_focus, is_rest_day FROM ai_program_days \
         WHERE program_id = ? ORDER BY day_number",
    )
    .bind(&p.id)
    .fetch_all(&mut *conn)
    .await?;
    let mut cal = Calendar::new();
    cal.name(&p.name);
    for (id, day_number, date, name, focus, _rest) in &days {
        let date = match date {
            Some(d) => clock::parse_date(d)?,
            None => tracking::date_of(&p, *day_number),
        };
        let items: Vec<ItemRow> = sqlx::query_as(
            "SELECT item_type, COALESCE(title, workout_name, meal_name), workout_exercises, meal_type, meal_calories, \
             workout_duration_minutes FROM ai_program_items WHERE program_day_id = ? ORDER BY item_order",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
        let mut text = String::new();
        if let Some(f) = focus {
            let _ = writeln!(text, "{f}");
        }
        for (kind, title, exercises, meal_type, kcal, minutes) in items {
            if kind == "workout" {
                let _ = writeln!(text, "\nWorkout: {title} ({} min)", minutes.unwrap_or(0));
                let list: Vec<PlannedExercise> =
                    exercises.and_then(|e| serde_json::from_str(&e).ok()).unwrap_or_default();
                for e in list {
                    let _ = writeln!(text, "- {}: {}", e.name, e.prescription());
                }
            } else {
                let _ = writeln!(
                    text,
                    "{}: {title} ({:.0} kcal)",
                    meal_type.unwrap_or_else(|| "meal".into()),
                    kcal.unwrap_or(0.0)
                );
            }
        }
        cal.push(
            Event::new()
                .uid(&format!("{id}@wagner-coach"))
                .timestamp(now)
                .summary(name.as_deref().unwrap_or("Program day"))
                .description(text.trim_end())
                .all_day(date)
                .done(),
        );
    }
    Ok((cal.done().to_string(), days.len()))
}

/// The name a save dialog suggests for the program's calendar.
pub const FILE_NAME: &str = "wagner-program.ics";

/// Writes the .ics file; returns how many days it holds.
pub async fn export(store: &Store, profile: &Profile, path: &Path, now: DateTime<Utc>) -> Result<usize> {
    let (text, count) = calendar_text(store, profile, now).await?;
    std::fs::write(path, text).map_err(|e| Error::io(format!("writing {}", path.display()), e))?;
    Ok(count)
}
