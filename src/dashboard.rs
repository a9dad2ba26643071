//! "How am I doing": one query across every domain for a day (Today), and
//! the same facts over a week or a month ([`period`]). Shared by the CLI
//! (`wagner today`, `wagner week`, `wagner month`) and the window so they
//! never disagree.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;

use crate::activities::{self, ActivitySummary};
use crate::body::{self, BodySnapshot};
use crate::clock;
use crate::error::Result;
use crate::nutrition::{self, DayNutrition};
use crate::profile::Profile;
use crate::programs::{self, ProgramDay};
use crate::quick_entry::{self, QuickEntry};
use crate::store::Store;

pub mod cli;
pub mod period;

pub use period::{Period, PeriodDay, PeriodKind, PeriodSummary, period};

const RECENT_ACTIVITIES: u32 = 5;
/// How many entries needing attention the card lists (the count covers all).
const ATTENTION_LISTED: u32 = 5;
/// How far back an entry still needs attention on a day's page: older ones
/// are in the Log, not on every Today for years.
pub const ATTENTION_DAYS: i64 = 14;
/// The reason the reader gives for an entry that names no meal, workout or
/// measurement. Without an AI provider failure behind it, such an entry is a
/// note (it stays in the day's entries and the Log) and not a failure.
const ONLY_A_NOTE: &str = "nothing recognised as a meal, a workout or a measurement";
/// How far back streaks are counted.
const STREAK_WINDOW_DAYS: i64 = 366;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Today {
    /// The local day shown, YYYY-MM-DD in `time_zone`.
    pub date: String,
    pub time_zone: String,
    pub profile: Profile,
    pub nutrition: DayNutrition,
    /// Fibre, sodium, vitamins… eaten this day against daily reference values,
    /// the most notable first; empty when the day's foods carry no such data.
    pub micronutrients: Vec<NutrientHighlight>,
    /// Activities that started on this day.
    pub activities: Vec<ActivitySummary>,
    /// The latest activities up to the end of this day, newest first.
    pub recent_activities: Vec<ActivitySummary>,
    /// Fitness, fatigue and form on this day, and the last 7 days' training.
    pub training: TrainingLoad,
    pub body: Option<BodySnapshot>,
    pub program: Option<ProgramDay>,
    /// Quick entries logged on this day, oldest first.
    pub entries: Vec<QuickEntry>,
    /// Entries from any day still waiting to be read or that could not be read.
    pub attention: Attention,
    /// The coach's latest message up to this day, if the coach has spoken.
    pub coach_tip: Option<CoachTip>,
    pub streaks: Streaks,
}

/// The user's local "today".
pub fn today_for(profile: &Profile) -> NaiveDate {
    clock::local_date(crate::clock::now(), profile.tz())
}

pub async fn day(store: &Store, profile: &Profile, date: NaiveDate) -> Result<Today> {
    let tz = profile.tz();
    let (start, end) = clock::day_bounds_utc(date, tz);
    let nutrition = nutrition::day(store, profile, date).await?;
    Ok(Today {
        date: date.to_string(),
        time_zone: profile.time_zone.clone(),
        profile: profile.clone(),
        micronutrients: micronutrients(store, &profile.id, date).await?,
        nutrition,
        activities: activities::between(store, &profile.id, start, end).await?,
        recent_activities: activities::recent(store, &profile.id, end, RECENT_ACTIVITIES).await?,
        training: training_load(store, &profile.id, date).await?,
        body: body::snapshot(store, &profile.id, end).await?,
        program: programs::day_on(store, &profile.id, date).await?,
        entries: quick_entry::between(store, &profile.id, start, end).await?,
        attention: attention(store, &profile.id, end).await?,
        coach_tip: coach_tip(store, &profile.id, end).await?,
        streaks: streaks(store, &profile.id, date).await?,
    })
}

// ------------------------------------------------------------ micronutrients

/// Whether a nutrient is one to reach (fibre, potassium) or to stay under (sodium).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum NutrientGoal {
    Reach,
    Limit,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NutrientHighlight {
    /// The nutrient column, e.g. `dietary_fiber_g`.
    pub key: String,
    pub label: String,
    pub amount: f64,
    pub unit: String,
    /// The adult daily value (US FDA, 2,000 kcal reference diet).
    pub reference: f64,
    /// amount / reference × 100.
    pub percent: f64,
    pub goal: NutrientGoal,
}

/// (column, label, unit, daily value, goal). Daily values: US FDA, 21 CFR 101.9.
const REFERENCE_VALUES: [(&str, &str, &str, f64, NutrientGoal); 14] = [
    ("dietary_fiber_g", "Fibre", "g", 28.0, NutrientGoal::Reach),
    ("sodium_mg", "Sodium", "mg", 2300.0, NutrientGoal::Limit),
    ("added_sugars_g", "Added sugars", "g", 50.0, NutrientGoal::Limit),
    ("saturated_fat_g", "Saturated fat", "g", 20.0, NutrientGoal::Limit),
    ("potassium_mg", "Potassium", "mg", 4700.0, NutrientGoal::Reach),
    ("calcium_mg", "Calcium", "mg", 1300.0, NutrientGoal::Reach),
    ("iron_mg", "Iron", "mg", 18.0, NutrientGoal::Reach),
    ("magnesium_mg", "Magnesium", "mg", 420.0, NutrientGoal::Reach),
    ("vitamin_d_ug", "Vitamin D", "µg", 20.0, NutrientGoal::Reach),
    ("vitamin_c_mg", "Vitamin C", "mg", 90.0, NutrientGoal::Reach),
    ("vitamin_b12_ug", "Vitamin B12", "µg", 2.4, NutrientGoal::Reach),
    ("folate_ug", "Folate", "µg", 400.0, NutrientGoal::Reach),
    ("zinc_mg", "Zinc", "mg", 11.0, NutrientGoal::Reach),
    ("vitamin_a_ug", "Vitamin A", "µg", 900.0, NutrientGoal::Reach),
];

/// The day's micronutrients from its summary row, most notable first: limits
/// that were passed, then what is furthest from its daily value.
pub async fn micronutrients(store: &Store, user_id: &str, date: NaiveDate) -> Result<Vec<NutrientHighlight>> {
    let row: Option<(Option<f64>, Option<f64>, String)> = sqlx::query_as(
        "SELECT total_fiber_g, total_sodium_mg, nutrients FROM daily_nutrition_summaries \
         WHERE user_id = ? AND date = ?",
    )
    .bind(user_id)
    .bind(date.to_string())
    .fetch_optional(store.pool())
    .await?;
    let Some((fiber, sodium, nutrients)) = row else {
        return Ok(Vec::new());
    };
    // The triggers keep this JSON valid; a bad value is left out, not fatal.
    let nutrients: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&nutrients).unwrap_or_default();
    Ok(highlights(&nutrients, fiber, sodium))
}

fn highlights(
    nutrients: &serde_json::Map<String, serde_json::Value>,
    fiber: Option<f64>,
    sodium: Option<f64>,
) -> Vec<NutrientHighlight> {
    let mut out: Vec<NutrientHighlight> = REFERENCE_VALUES
        .iter()
        .filter_map(|&(key, label, unit, reference, goal)| {
            let fallback = match key {
                "dietary_fiber_g" => fiber,
                "sodium_mg" => sodium,
                _ => None,
            };
            let amount = nutrients.get(key).and_then(|v| v.as_f64()).or(fallback)?;
            (amount.is_finite() && amount >= 0.0).then(|| NutrientHighlight {
                key: key.into(),
                label: label.into(),
                amount,
                unit: unit.into(),
                reference,
                percent: amount / reference * 100.0,
                goal,
            })
        })
        .collect();
    let notability = |h: &NutrientHighlight| match h.goal {
        NutrientGoal::Limit if h.percent > 100.0 => 1000.0 + h.percent,
        NutrientGoal::Limit => h.percent / 2.0,
        NutrientGoal::Reach => 100.0 - h.percent.min(100.0),
    };
    out.sort_by(|a, b| notability(b).total_cmp(&notability(a)).then_with(|| a.key.cmp(&b.key)));
    out
}

// ------------------------------------------------------------ training load

/// Where form (TSB) puts the athlete, in the usual performance-management bands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum FormBand {
    /// No training load on record yet.
    NoData,
    /// Above +25: rested so long that fitness fades.
    Detraining,
    /// +5 to +25: ready for a hard day or a race.
    Fresh,
    /// −10 to +5.
    Neutral,
    /// −30 to −10: the load that builds fitness.
    Productive,
    /// Below −30: rest soon.
    Overreaching,
}

impl FormBand {
    pub fn of(fitness: f64, fatigue: f64, form: f64) -> Self {
        if fitness <= 0.0 && fatigue <= 0.0 {
            FormBand::NoData
        } else if form > 25.0 {
            FormBand::Detraining
        } else if form > 5.0 {
            FormBand::Fresh
        } else if form >= -10.0 {
            FormBand::Neutral
        } else if form >= -30.0 {
            FormBand::Productive
        } else {
            FormBand::Overreaching
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            FormBand::NoData => "no training load yet",
            FormBand::Detraining => "detraining",
            FormBand::Fresh => "fresh",
            FormBand::Neutral => "neutral",
            FormBand::Productive => "productive",
            FormBand::Overreaching => "overreaching",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TrainingLoad {
    /// CTL (42-day) at the end of the day.
    pub fitness: f64,
    /// ATL (7-day) at the end of the day.
    pub fatigue: f64,
    /// TSB: how fresh the day started.
    pub form: f64,
    pub band: FormBand,
    pub load_today: f64,
    /// The last 7 days including this one.
    pub load_7d: f64,
    pub activities_7d: i64,
    pub minutes_7d: f64,
    pub distance_7d_m: f64,
}

/// The same curves the Activities page charts, read on one day.
pub async fn training_load(store: &Store, user_id: &str, date: NaiveDate) -> Result<TrainingLoad> {
    let series = activities::charts::fitness_series(store, user_id, date, date).await?;
    let (fitness, fatigue, form, load_today) =
        series.last().map_or((0.0, 0.0, 0.0, 0.0), |d| (d.fitness, d.fatigue, d.form, d.load));
    let week_start = date - Duration::days(6);
    let (activities_7d, seconds, distance_7d_m, load_7d): (i64, f64, f64, f64) = sqlx::query_as(
        "SELECT COUNT(*), total(COALESCE(moving_time_seconds, elapsed_time_seconds)), total(distance_meters), \
         total(training_load) FROM activities WHERE user_id = ? AND local_date >= ? AND local_date <= ?",
    )
    .bind(user_id)
    .bind(week_start.to_string())
    .bind(date.to_string())
    .fetch_one(store.pool())
    .await?;
    Ok(TrainingLoad {
        fitness,
        fatigue,
        form,
        band: FormBand::of(fitness, fatigue, form),
        load_today,
        load_7d,
        activities_7d,
        minutes_7d: seconds / 60.0,
        distance_7d_m,
    })
}

// ------------------------------------------------------------ attention, coach, streaks

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Attention {
    pub pending: i64,
    pub failed: i64,
    /// Read, but waiting for the user (foods not found, implausible numbers).
    pub needs_review: i64,
    /// The newest of them, newest first.
    pub entries: Vec<QuickEntry>,
}

/// Entries logged in the [`ATTENTION_DAYS`] before `before` that still need
/// the user: waiting, being read, to review, or failed (a note is not a failure).
pub async fn attention(store: &Store, user_id: &str, before: DateTime<Utc>) -> Result<Attention> {
    let since = clock::to_db(before - Duration::days(ATTENTION_DAYS));
    let before = clock::to_db(before);
    let mut pending = 0;
    let mut failed = 0;
    let mut needs_review = 0;
    let mut entries = Vec::new();
    // One indexed range per status, newest first; bounded by the window.
    for status in ["pending", "processing", "needs_review", "failed"] {
        let rows = quick_entry::needing_attention_with(store, user_id, status, &since, &before).await?;
        for entry in rows {
            if status == "failed" && is_only_a_note(entry.error_message.as_deref()) {
                continue;
            }
            match status {
                "failed" => failed += 1,
                "needs_review" => needs_review += 1,
                _ => pending += 1,
            }
            entries.push(entry);
        }
    }
    entries.sort_by(|a, b| b.logged_at.cmp(&a.logged_at).then_with(|| b.id.cmp(&a.id)));
    entries.truncate(ATTENTION_LISTED as usize);
    Ok(Attention { pending, failed, needs_review, entries })
}

/// Nothing recognised, and no AI provider failure behind it: a note.
fn is_only_a_note(error: Option<&str>) -> bool {
    error.is_some_and(|e| e.starts_with(ONLY_A_NOTE) && !e.contains("AI provider failed"))
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CoachTip {
    pub id: String,
    pub conversation_id: String,
    pub content: String,
    pub created_at: String,
}

/// The coach's latest message written before `before`.
pub async fn coach_tip(store: &Store, user_id: &str, before: DateTime<Utc>) -> Result<Option<CoachTip>> {
    Ok(sqlx::query_as(
        "SELECT id, conversation_id, content, created_at FROM coach_messages \
         WHERE user_id = ? AND role = 'assistant' AND created_at < ? ORDER BY created_at DESC, id DESC LIMIT 1",
    )
    .bind(user_id)
    .bind(clock::to_db(before))
    .fetch_optional(store.pool())
    .await?)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Streak {
    /// Consecutive days up to this one (or up to yesterday while this day has nothing yet).
    pub current: i64,
    /// The longest run in the last year.
    pub longest: i64,
    /// Whether this day already counts.
    pub today_done: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Streaks {
    /// Days with anything logged: a meal, an activity or a measurement.
    pub logging: Streak,
    /// Days with at least one meal.
    pub nutrition: Streak,
}

pub async fn streaks(store: &Store, user_id: &str, date: NaiveDate) -> Result<Streaks> {
    let from = (date - Duration::days(STREAK_WINDOW_DAYS)).to_string();
    let to = date.to_string();
    let meal_days: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT local_date FROM meal_logs WHERE user_id = ? AND local_date BETWEEN ? AND ?",
    )
    .bind(user_id)
    .bind(&from)
    .bind(&to)
    .fetch_all(store.pool())
    .await?;
    let any_days: Vec<String> = sqlx::query_scalar(
        "SELECT local_date FROM meal_logs WHERE user_id = ?1 AND local_date BETWEEN ?2 AND ?3 \
         UNION SELECT local_date FROM activities WHERE user_id = ?1 AND local_date BETWEEN ?2 AND ?3 \
         UNION SELECT local_date FROM body_measurements WHERE user_id = ?1 AND local_date BETWEEN ?2 AND ?3",
    )
    .bind(user_id)
    .bind(&from)
    .bind(&to)
    .fetch_all(store.pool())
    .await?;
    let parse = |days: Vec<String>| -> Vec<NaiveDate> {
        days.iter().filter_map(|d| clock::parse_date(d).ok()).collect()
    };
    Ok(Streaks { logging: streak(&parse(any_days), date), nutrition: streak(&parse(meal_days), date) })
}

/// Streaks from the days that count, in any order, as of `date`.
pub fn streak(days: &[NaiveDate], date: NaiveDate) -> Streak {
    let mut days: Vec<NaiveDate> = days.iter().copied().filter(|d| *d <= date).collect();
    days.sort_unstable();
    days.dedup();
    let today_done = days.last() == Some(&date);
    let mut current = 0;
    let mut expect = if today_done { date } else { date - Duration::days(1) };
    for d in days.iter().rev() {
        if *d == expect {
            current += 1;
            expect -= Duration::days(1);
        } else {
            break;
        }
    }
    let (mut longest, mut run) = (0, 0);
    let mut prev: Option<NaiveDate> = None;
    for d in &days {
        run = if prev.is_some_and(|p| *d - p == Duration::days(1)) { run + 1 } else { 1 };
        longest = longest.max(run);
        prev = Some(*d);
    }
    Streak { current, longest, today_done }
}

// ------------------------------------------------------------ start-up status

/// What the window needs at start-up to choose between the welcome screen
/// (no profile or no data yet) and Today.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AppStatus {
    pub db_path: String,
    pub profile: Option<Profile>,
    pub has_data: bool,
    pub schema_version: i64,
    /// The core's "now" (RFC 3339): the window's default day comes from it,
    /// not from the web engine's clock, so a clock set for tests holds there too.
    pub now: String,
}

pub async fn app_status(store: &Store) -> Result<AppStatus> {
    let profile = crate::profile::default_profile(store).await?;
    let has_data = match &profile {
        Some(p) => crate::profile::has_data(store, &p.id).await?,
        None => false,
    };
    let schema_version: Option<i64> =
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success = 1")
            .fetch_one(store.pool())
            .await?;
    Ok(AppStatus {
        db_path: store.path().display().to_string(),
        profile,
        has_data,
        schema_version: schema_version.unwrap_or(0),
        now: clock::now_db(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn streak_counts_back_from_today_or_yesterday() {
        let days = [d("2026-11-20"), d("2026-11-21"), d("2026-11-23"), d("2026-11-24")];
        // Today (the 25th) not logged yet: the run up to yesterday still counts.
        assert_eq!(streak(&days, d("2026-11-25")), Streak { current: 2, longest: 2, today_done: false });
        let mut with_today = days.to_vec();
        with_today.push(d("2026-11-25"));
        assert_eq!(streak(&with_today, d("2026-11-25")), Streak { current: 3, longest: 3, today_done: true });
        // Two days without anything break it.
        assert_eq!(streak(&days, d("2026-11-26")).current, 0);
        assert_eq!(streak(&[], d("2026-11-26")), Streak::default());
    }

    #[test]
    fn passed_limits_come_first_then_the_furthest_from_their_value() {
        let nutrients: serde_json::Map<String, serde_json::Value> =
            serde_json::from_value(serde_json::json!({
                "sodium_mg": 2760.0, "vitamin_c_mg": 85.0, "calcium_mg": 260.0, "caffeine_mg": 300.0
            }))
            .unwrap();
        let h = highlights(&nutrients, Some(14.0), Some(1.0));
        let keys: Vec<&str> = h.iter().map(|h| h.key.as_str()).collect();
        // Sodium over its limit first; calcium at 20% before fibre at 50% before vitamin C at 94%;
        // caffeine has no daily value and is left out; the JSON value wins over the column.
        assert_eq!(keys, ["sodium_mg", "calcium_mg", "dietary_fiber_g", "vitamin_c_mg"]);
        assert_eq!(h[0].percent.round(), 120.0);
        assert_eq!(h[2].amount, 14.0);
    }

    #[test]
    fn form_bands() {
        assert_eq!(FormBand::of(0.0, 0.0, 0.0), FormBand::NoData);
        assert_eq!(FormBand::of(40.0, 30.0, 10.0), FormBand::Fresh);
        assert_eq!(FormBand::of(40.0, 55.0, -15.0), FormBand::Productive);
        assert_eq!(FormBand::of(40.0, 80.0, -40.0), FormBand::Overreaching);
        assert_eq!(FormBand::of(40.0, 40.0, 0.0), FormBand::Neutral);
    }
}
