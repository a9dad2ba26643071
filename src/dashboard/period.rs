//! The week and the month: the Today facts day by day with their totals.
//! `wagner week`, `wagner month` and the window's week/month views.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{Streaks, TrainingLoad, streaks, training_load};
use crate::body::trend;
use crate::clock;
use crate::error::{Error, Result};
use crate::profile::{Profile, WeekStart};
use crate::programs;
use crate::store::Store;

/// A day counts as on target when its calories are within this share of the target.
pub const ON_TARGET_TOLERANCE: f64 = 0.10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    Week,
    Month,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PeriodDay {
    pub date: String,
    /// After the day the period was asked for: nothing to show yet.
    pub future: bool,
    pub calories: f64,
    pub protein_g: f64,
    pub carbs_g: f64,
    pub fat_g: f64,
    pub meals: i64,
    pub activities: i64,
    pub training_minutes: f64,
    pub distance_m: f64,
    pub load: f64,
    /// The mean of the day's weigh-ins.
    pub weight_kg: Option<f64>,
    /// The trend weight as it stood that day.
    pub trend_kg: Option<f64>,
    pub program_items: i64,
    pub program_items_done: i64,
    /// A meal, an activity or a measurement was logged.
    pub logged: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PeriodSummary {
    /// Days of the period up to the day asked for.
    pub days_elapsed: i64,
    pub days_logged: i64,
    pub days_with_meals: i64,
    /// Means over the days with meals (days without logs are not zeros).
    pub avg_calories: Option<f64>,
    pub avg_protein_g: Option<f64>,
    pub avg_carbs_g: Option<f64>,
    pub avg_fat_g: Option<f64>,
    pub calorie_target: Option<f64>,
    /// Days with meals whose calories were within ±10% of the target.
    pub days_on_target: i64,
    pub activities: i64,
    pub training_minutes: f64,
    pub distance_m: f64,
    pub load: f64,
    pub trend_start_kg: Option<f64>,
    pub trend_end_kg: Option<f64>,
    pub trend_change_kg: Option<f64>,
    pub program_items: i64,
    pub program_items_done: i64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Period {
    pub kind: PeriodKind,
    /// The day asked for (today by default).
    pub date: String,
    pub start: String,
    pub end: String,
    /// A day in the period before and after, for paging.
    pub previous: String,
    pub next: String,
    pub time_zone: String,
    pub profile: Profile,
    pub days: Vec<PeriodDay>,
    pub summary: PeriodSummary,
    /// Fitness, fatigue and form at the end of the period (or on `date`, if earlier).
    pub training: TrainingLoad,
    pub streaks: Streaks,
}

/// The first and last day of the week or month that holds `date`.
pub fn bounds(kind: PeriodKind, date: NaiveDate, week_start: WeekStart) -> (NaiveDate, NaiveDate) {
    match kind {
        PeriodKind::Week => {
            let back = (7 + date.weekday().num_days_from_monday() as i64
                - week_start.weekday().num_days_from_monday() as i64)
                % 7;
            let start = date - Duration::days(back);
            (start, start + Duration::days(6))
        }
        PeriodKind::Month => {
            let start = date.with_day(1).unwrap_or(date);
            let next_month = if start.month() == 12 {
                NaiveDate::from_ymd_opt(start.year() + 1, 1, 1)
            } else {
                NaiveDate::from_ymd_opt(start.year(), start.month() + 1, 1)
            };
            (start, next_month.map_or(start, |n| n - Duration::days(1)))
        }
    }
}

type NutritionRow = (String, f64, f64, f64, f64, i64);
type ActivityRow = (String, i64, f64, f64, f64);

pub async fn period(store: &Store, profile: &Profile, kind: PeriodKind, date: NaiveDate) -> Result<Period> {
    let (start, end) = bounds(kind, date, profile.week_start);
    if start.year() < 1900 || end.year() > 9999 {
        return Err(Error::invalid(format!("{date} is outside the calendar this app shows")));
    }
    let (from, to) = (start.to_string(), end.to_string());
    let user_id = profile.id.as_str();

    let nutrition: Vec<NutritionRow> = sqlx::query_as(
        "SELECT date, total_calories, total_protein_g, total_carbs_g, total_fat_g, meal_count \
         FROM daily_nutrition_summaries WHERE user_id = ? AND date BETWEEN ? AND ?",
    )
    .bind(user_id)
    .bind(&from)
    .bind(&to)
    .fetch_all(store.pool())
    .await?;
    let nutrition: HashMap<String, NutritionRow> = nutrition.into_iter().map(|r| (r.0.clone(), r)).collect();

    let training: Vec<ActivityRow> = sqlx::query_as(
        "SELECT local_date, COUNT(*), total(COALESCE(moving_time_seconds, elapsed_time_seconds)), \
         total(distance_meters), total(training_load) FROM activities \
         WHERE user_id = ? AND local_date BETWEEN ? AND ? GROUP BY local_date",
    )
    .bind(user_id)
    .bind(&from)
    .bind(&to)
    .fetch_all(store.pool())
    .await?;
    let training: HashMap<String, ActivityRow> = training.into_iter().map(|r| (r.0.clone(), r)).collect();

    let measured: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT local_date FROM body_measurements WHERE user_id = ? AND local_date BETWEEN ? AND ?",
    )
    .bind(user_id)
    .bind(&from)
    .bind(&to)
    .fetch_all(store.pool())
    .await?;

    let points = crate::body::trend_through(store, user_id, start, end).await?;

    let mut days = Vec::new();
    let mut day = start;
    while day <= end {
        let key = day.to_string();
        let future = day > date;
        let n = nutrition.get(&key);
        let t = training.get(&key);
        let (program_items, program_items_done) = if future {
            (0, 0)
        } else {
            match programs::day_on(store, user_id, day).await? {
                Some(p) => (p.items.len() as i64, p.items.iter().filter(|i| i.is_completed).count() as i64),
                None => (0, 0),
            }
        };
        let weight_kg = points.iter().find(|p| p.date == day).map(|p| p.weight_kg);
        let trend_kg = if future { None } else { trend::trend_on(&points, day).map(|p| p.trend_kg) };
        let meals = n.map_or(0, |r| r.5);
        let activities = t.map_or(0, |r| r.1);
        days.push(PeriodDay {
            date: key.clone(),
            future,
            calories: n.map_or(0.0, |r| r.1),
            protein_g: n.map_or(0.0, |r| r.2),
            carbs_g: n.map_or(0.0, |r| r.3),
            fat_g: n.map_or(0.0, |r| r.4),
            meals,
            activities,
            training_minutes: t.map_or(0.0, |r| r.2 / 60.0),
            distance_m: t.map_or(0.0, |r| r.3),
            load: t.map_or(0.0, |r| r.4),
            weight_kg,
            trend_kg,
            program_items,
            program_items_done,
            logged: meals > 0 || activities > 0 || measured.contains(&key),
        });
        day += Duration::days(1);
    }

    let calorie_target = profile.daily_calorie_target.map(|t| t as f64);
    let summary = summarize(&days, calorie_target);
    let last_shown = end.min(date);
    let (previous, next) = match kind {
        PeriodKind::Week => (start - Duration::days(7), start + Duration::days(7)),
        PeriodKind::Month => (start - Duration::days(1), end + Duration::days(1)),
    };
    Ok(Period {
        kind,
        date: date.to_string(),
        start: from,
        end: to,
        previous: previous.to_string(),
        next: next.to_string(),
        time_zone: profile.time_zone.clone(),
        profile: profile.clone(),
        days,
        summary,
        training: training_load(store, user_id, last_shown).await?,
        streaks: streaks(store, user_id, last_shown).await?,
    })
}

/// The period's totals from its days; only days up to the day asked for count.
pub fn summarize(days: &[PeriodDay], calorie_target: Option<f64>) -> PeriodSummary {
    let past: Vec<&PeriodDay> = days.iter().filter(|d| !d.future).collect();
    let eaten: Vec<&&PeriodDay> = past.iter().filter(|d| d.meals > 0).collect();
    let mean = |f: fn(&PeriodDay) -> f64| -> Option<f64> {
        (!eaten.is_empty()).then(|| eaten.iter().map(|d| f(d)).sum::<f64>() / eaten.len() as f64)
    };
    let days_on_target = match calorie_target {
        Some(t) if t > 0.0 => {
            eaten.iter().filter(|d| ((d.calories - t) / t).abs() <= ON_TARGET_TOLERANCE).count() as i64
        }
        _ => 0,
    };
    let trend_start_kg = past.iter().find_map(|d| d.trend_kg);
    let trend_end_kg = past.iter().rev().find_map(|d| d.trend_kg);
    PeriodSummary {
        days_elapsed: past.len() as i64,
        days_logged: past.iter().filter(|d| d.logged).count() as i64,
        days_with_meals: eaten.len() as i64,
        avg_calories: mean(|d| d.calories),
        avg_protein_g: mean(|d| d.protein_g),
        avg_carbs_g: mean(|d| d.carbs_g),
        avg_fat_g: mean(|d| d.fat_g),
        calorie_target,
        days_on_target,
        activities: past.iter().map(|d| d.activities).sum(),
        training_minutes: past.iter().map(|d| d.training_minutes).sum(),
        distance_m: past.iter().map(|d| d.distance_m).sum(),
        load: past.iter().map(|d| d.load).sum(),
        trend_start_kg,
        trend_end_kg,
        trend_change_kg: trend_start_kg.zip(trend_end_kg).map(|(a, b)| b - a),
        program_items: past.iter().map(|d| d.program_items).sum(),
        program_items_done: past.iter().map(|d| d.program_items_done).sum(),
    }
}

/// `week` or `month`.
impl std::str::FromStr for PeriodKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "week" => Ok(PeriodKind::Week),
            "month" => Ok(PeriodKind::Month),
            other => Err(Error::invalid(format!("a period is a week or a month, not {other:?}"))),
        }
    }
}

/// Today's date in the profile's zone: the default day of a period.
pub fn default_date(profile: &Profile) -> NaiveDate {
    clock::local_date(crate::clock::now(), profile.tz())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn weeks_start_on_the_chosen_day() {
        // 2026-11-25 is a Wednesday.
        assert_eq!(
            bounds(PeriodKind::Week, d("2026-11-25"), WeekStart::Monday),
            (d("2026-11-23"), d("2026-11-29"))
        );
        assert_eq!(
            bounds(PeriodKind::Week, d("2026-11-25"), WeekStart::Sunday),
            (d("2026-11-22"), d("2026-11-28"))
        );
        assert_eq!(
            bounds(PeriodKind::Week, d("2026-11-22"), WeekStart::Sunday),
            (d("2026-11-22"), d("2026-11-28"))
        );
        assert_eq!(
            bounds(PeriodKind::Week, d("2026-11-27"), WeekStart::Saturday),
            (d("2026-11-21"), d("2026-11-27"))
        );
    }

    #[test]
    fn months_run_from_the_first_to_the_last_day() {
        assert_eq!(
            bounds(PeriodKind::Month, d("2026-11-25"), WeekStart::Monday),
            (d("2026-11-01"), d("2026-11-30"))
        );
        assert_eq!(
            bounds(PeriodKind::Month, d("2026-12-31"), WeekStart::Monday),
            (d("2026-12-01"), d("2026-12-31"))
        );
        assert_eq!(
            bounds(PeriodKind::Month, d("2028-02-10"), WeekStart::Monday),
            (d("2028-02-01"), d("2028-02-29"))
        );
    }
}
