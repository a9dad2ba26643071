//! Adaptive energy expenditure: what the user really burns a day, from what
//! they logged eating and how their trend weight moved.
//!
//! Energy balance over a period of `days` days:
//! `expenditure = mean intake − Δtrend_kg × 7700 / days`, where 7,700 kcal
//! per kg of body weight is the usual approximation of the energy in mixed
//! weight change (≈3,500 kcal per lb, Wishnofsky 1958; see Hall 2008,
//! Int J Obes 32:573, for its limits). Only days with at least one meal
//! logged count towards the mean intake; days without logs are listed, not
//! counted as zero, so a forgotten day does not make the estimate drop.
//!
//! The data estimate starts noisy, so it is blended with a formula estimate:
//! Mifflin–St Jeor resting energy (Mifflin et al. 1990, Am J Clin Nutr
//! 51:241) times an activity factor from the weekly training frequency.
//! Weighting (documented in [`data_weight`]): the data estimate gets weight
//! `min(1, logged_days / 21) × min(1, period_days / 21)`, and none at all
//! before 7 logged days over a period of at least 7 days.
//!
//! Training measured with a power meter: when activities in the window carry
//! power (mechanical work, kJ = average W × moving s ÷ 1000), the formula no
//! longer guesses training from the weekly frequency. It becomes resting
//! energy × 1.2 (daily living) plus the window's training energy per day:
//! power-meter work at 1.0 kcal per kJ (gross efficiency 20–25 %, so
//! 0.96–1.20 kcal per kJ, the range carried through as the estimate's
//! uncertainty), other activities at their recorded calories, each net of
//! the 1.2 × resting energy its duration already counts. The data estimate
//! needs no training energy (the weight change holds it), so the measured
//! work matters while the formula still carries weight in the blend.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use super::energy_availability::{KCAL_PER_KJ, KCAL_PER_KJ_HIGH, KCAL_PER_KJ_LOW};
use super::trend::{self, TrendPoint};
use crate::clock;
use crate::error::{Error, Result};
use crate::profile::Profile;
use crate::store::Store;

/// Energy in one kilogram of body-weight change (see the module docs).
pub const KCAL_PER_KG: f64 = 7700.0;
pub const DEFAULT_WINDOW_DAYS: u32 = 28;
/// Below these, the data estimate is shown but not used.
pub const MIN_LOGGED_DAYS: u32 = 7;
pub const MIN_PERIOD_DAYS: i64 = 7;
/// From these on, the data estimate is trusted fully.
pub const FULL_TRUST_DAYS: f64 = 21.0;

/// Resting energy by Mifflin–St Jeor (1990), kcal/day:
/// `10 × kg + 6.25 × cm − 5 × age + s`, s = +5 for men, −161 for women; for
/// `other` (or unknown sex) the midpoint −78.
pub fn mifflin_st_jeor(weight_kg: f64, height_cm: f64, age: i64, sex: Option<&str>) -> f64 {
    let s = match sex {
        Some("male") => 5.0,
        Some("female") => -161.0,
        _ => -78.0,
    };
    10.0 * weight_kg + 6.25 * height_cm - 5.0 * age as f64 + s
}

/// The usual activity multipliers (sedentary 1.2, light 1.375, moderate
/// 1.55, very active 1.725, extra 1.9) mapped from workouts per week.
pub fn activity_factor(workouts_per_week: Option<i64>) -> f64 {
    match workouts_per_week.unwrap_or(0) {
        i64::MIN..=0 => 1.2,
        1..=2 => 1.375,
        3..=5 => 1.55,
        6..=7 => 1.725,
        _ => 1.9,
    }
}

/// The daily-living factor used when training is measured rather than guessed.
pub const DAILY_LIVING_FACTOR: f64 = 1.2;

/// One activity's energy as stored: recorded calories, average power and time.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ActivityEnergy {
    pub calories: Option<f64>,
    pub average_power_w: Option<f64>,
    pub seconds: Option<f64>,
}

/// Training energy over a window, measured from the activities logged in it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MeasuredTraining {
    pub activities: u32,
    /// Of them, with power-meter work.
    pub with_power: u32,
    /// Mechanical work of those, kJ.
    pub work_kj: f64,
    /// Per day of the window, net of daily living (kcal), with the range
    /// from the 20–25 % efficiency of the power-meter work.
    pub kcal_per_day: f64,
    pub kcal_per_day_low: f64,
    pub kcal_per_day_high: f64,
}

/// The training energy of `activities` over `window_days` days, when at least
/// one of them has power-meter work; `bmr_kcal` sets the daily-living energy
/// each activity's own duration already counts.
pub fn measured_training(
    activities: &[ActivityEnergy],
    bmr_kcal: f64,
    window_days: u32,
) -> Option<MeasuredTraining> {
    let days = f64::from(window_days.max(1));
    let living_per_s = bmr_kcal * DAILY_LIVING_FACTOR / 86_400.0;
    let (mut work_kj, mut with_power, mut count) = (0.0, 0u32, 0u32);
    let (mut point, mut low, mut high) = (0.0, 0.0, 0.0);
    for a in activities {
        let seconds = a.seconds.filter(|s| s.is_finite() && *s > 0.0);
        let living = seconds.unwrap_or(0.0) * living_per_s;
        match (a.average_power_w.filter(|p| p.is_finite() && *p > 0.0), seconds) {
            (Some(p), Some(s)) => {
                let kj = p * s / 1000.0;
                work_kj += kj;
                with_power += 1;
                point += (kj * KCAL_PER_KJ - living).max(0.0);
                low += (kj * KCAL_PER_KJ_LOW - living).max(0.0);
                high += (kj * KCAL_PER_KJ_HIGH - living).max(0.0);
            }
            _ => {
                let k = (a.calories.unwrap_or(0.0).max(0.0) - living).max(0.0);
                point += k;
                low += k;
                high += k;
            }
        }
        count += 1;
    }
    (with_power > 0).then(|| MeasuredTraining {
        activities: count,
        with_power,
        work_kj,
        kcal_per_day: point / days,
        kcal_per_day_low: low / days,
        kcal_per_day_high: high / days,
    })
}

/// The formula estimate and how it was made.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FormulaEstimate {
    pub weight_kg: f64,
    pub height_cm: f64,
    pub age: i64,
    pub biological_sex: Option<String>,
    pub training_frequency: Option<i64>,
    pub bmr_kcal: f64,
    pub activity_factor: f64,
    /// Training measured with a power meter: then `tdee = bmr × activity
    /// factor (1.2) + training per day`, else `bmr × activity factor`.
    pub training: Option<MeasuredTraining>,
    pub tdee_kcal: f64,
    /// The range of `tdee_kcal` from the power-meter work (equal without it).
    pub tdee_low_kcal: f64,
    pub tdee_high_kcal: f64,
}

impl FormulaEstimate {
    pub fn new(
        weight_kg: f64,
        height_cm: f64,
        age: i64,
        biological_sex: Option<String>,
        training_frequency: Option<i64>,
    ) -> Self {
        let bmr_kcal = mifflin_st_jeor(weight_kg, height_cm, age, biological_sex.as_deref());
        let activity_factor = activity_factor(training_frequency);
        FormulaEstimate {
            weight_kg,
            height_cm,
            age,
            biological_sex,
            training_frequency,
            bmr_kcal,
            activity_factor,
            training: None,
            tdee_kcal: bmr_kcal * activity_factor,
            tdee_low_kcal: bmr_kcal * activity_factor,
            tdee_high_kcal: bmr_kcal * activity_factor,
        }
    }

    /// Replaces the guessed training with what was measured, when there is power-meter work.
    pub fn with_activities(mut self, activities: &[ActivityEnergy], window_days: u32) -> Self {
        if let Some(t) = measured_training(activities, self.bmr_kcal, window_days) {
            let living = self.bmr_kcal * DAILY_LIVING_FACTOR;
            self.activity_factor = DAILY_LIVING_FACTOR;
            self.tdee_kcal = living + t.kcal_per_day;
            self.tdee_low_kcal = living + t.kcal_per_day_low;
            self.tdee_high_kcal = living + t.kcal_per_day_high;
            self.training = Some(t);
        }
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Neither data nor a formula: nothing to say yet.
    None,
    /// The formula alone.
    Formula,
    Low,
    Medium,
    High,
}

/// The estimate with everything needed to explain it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Expenditure {
    /// The window asked for (inclusive).
    pub window_start: NaiveDate,
    pub window_end: NaiveDate,
    pub window_days: u32,
    /// The period actually measured: from the trend at the last weigh-in
    /// before the window (or the first in it) to the last weigh-in in it;
    /// intake counts on the days after `period_start` up to `period_end`.
    pub period_start: Option<NaiveDate>,
    pub period_end: Option<NaiveDate>,
    pub period_days: i64,
    pub logged_days: u32,
    /// Days of the period with no meal logged: left out, not counted as zero.
    pub missing_days: Vec<NaiveDate>,
    pub mean_intake_kcal: Option<f64>,
    pub trend_start_kg: Option<f64>,
    pub trend_end_kg: Option<f64>,
    pub trend_change_kg: Option<f64>,
    /// `mean intake − Δtrend × 7700 / period days`.
    pub data_estimate_kcal: Option<f64>,
    pub formula: Option<FormulaEstimate>,
    /// The share of the data estimate in the blend, 0 to 1.
    pub data_weight: f64,
    pub estimate_kcal: Option<f64>,
    /// The range of the estimate from the efficiency of power-meter work
    /// (its formula share); None when no power-meter work went into it.
    pub estimate_low_kcal: Option<f64>,
    pub estimate_high_kcal: Option<f64>,
    pub confidence: Confidence,
    /// What is missing to do better (no height, few logged days, …).
    pub notes: Vec<String>,
}

/// How much the data estimate counts in the blend (see the module docs).
pub fn data_weight(logged_days: u32, period_days: i64) -> f64 {
    if logged_days < MIN_LOGGED_DAYS || period_days < MIN_PERIOD_DAYS {
        return 0.0;
    }
    (logged_days as f64 / FULL_TRUST_DAYS).min(1.0) * (period_days as f64 / FULL_TRUST_DAYS).min(1.0)
}

/// The pure estimate. `intake` maps local days with at least one meal to
/// their calories; `points` is the trend ([`trend::trend`]) of all weigh-ins.
pub fn estimate(
    intake: &BTreeMap<NaiveDate, f64>,
    points: &[TrendPoint],
    formula: Option<FormulaEstimate>,
    window_end: NaiveDate,
    window_days: u32,
) -> Expenditure {
    let window_days = window_days.max(1);
    let window_start = window_end - Duration::days(i64::from(window_days) - 1);
    let mut notes = Vec::new();

    // The start anchor is the trend just before the window when there is a
    // recent weigh-in (a week at most), else the first weigh-in inside it.
    let before = trend::trend_on(points, window_start - Duration::days(1))
        .filter(|p| (window_start - p.date).num_days() <= 7);
    let start = before.or_else(|| points.iter().find(|p| p.date >= window_start && p.date <= window_end));
    let end = trend::trend_on(points, window_end).filter(|p| start.is_some_and(|s| p.date > s.date));

    let (period_start, period_end, period_days, trend_change) = match (start, end) {
        (Some(s), Some(e)) => {
            (Some(s.date), Some(e.date), (e.date - s.date).num_days(), Some(e.trend_kg - s.trend_kg))
        }
        _ => {
            notes.push("fewer than two weigh-ins in the window: weigh in a few times a week".into());
            (None, None, 0, None)
        }
    };

    // Intake over the period's days, or the whole window when there is no period.
    let (first_day, last_day) = match (period_start, period_end) {
        (Some(s), Some(e)) => (s + Duration::days(1), e),
        _ => (window_start, window_end),
    };
    let mut logged = Vec::new();
    let mut missing_days = Vec::new();
    let mut day = first_day;
    while day <= last_day {
        match intake.get(&day) {
            Some(kcal) => logged.push(*kcal),
            None => missing_days.push(day),
        }
        day += Duration::days(1);
    }
    let logged_days = logged.len() as u32;
    let mean_intake = (!logged.is_empty()).then(|| logged.iter().sum::<f64>() / logged.len() as f64);
    if logged_days < MIN_LOGGED_DAYS {
        notes.push(format!(
            "{logged_days} days with meals logged; the estimate starts using your data from {MIN_LOGGED_DAYS}"
        ));
    }

    let data_estimate = match (mean_intake, trend_change) {
        (Some(intake), Some(change)) if period_days > 0 => {
            Some(intake - change * KCAL_PER_KG / period_days as f64)
        }
        _ => None,
    };
    let weight = if data_estimate.is_some() { data_weight(logged_days, period_days) } else { 0.0 };
    let estimate_kcal = match (&formula, data_estimate) {
        (Some(f), Some(d)) => Some(weight * d + (1.0 - weight) * f.tdee_kcal),
        (Some(f), None) => Some(f.tdee_kcal),
        (None, Some(d)) if weight > 0.0 => Some(d),
        _ => None,
    };
    let range = |pick: fn(&FormulaEstimate) -> f64| match (&formula, data_estimate) {
        (Some(f), _) if f.training.is_none() => None,
        (Some(f), Some(d)) => Some(weight * d + (1.0 - weight) * pick(f)),
        (Some(f), None) => Some(pick(f)),
        (None, _) => None,
    };
    let (estimate_low_kcal, estimate_high_kcal) = (range(|f| f.tdee_low_kcal), range(|f| f.tdee_high_kcal));
    if formula.is_none() && weight < 1.0 {
        notes.push("add age, sex and height to your profile for a starting estimate".into());
    }
    let confidence = match (estimate_kcal, weight) {
        (None, _) => Confidence::None,
        (Some(_), w) if w >= 0.75 => Confidence::High,
        (Some(_), w) if w >= 0.4 => Confidence::Medium,
        (Some(_), w) if w > 0.0 => Confidence::Low,
        _ => Confidence::Formula,
    };
    Expenditure {
        window_start,
        window_end,
        window_days,
        period_start,
        period_end,
        period_days,
        logged_days,
        missing_days,
        mean_intake_kcal: mean_intake,
        trend_start_kg: start.filter(|_| end.is_some()).map(|p| p.trend_kg),
        trend_end_kg: end.map(|p| p.trend_kg),
        trend_change_kg: trend_change,
        data_estimate_kcal: data_estimate,
        formula,
        data_weight: weight,
        estimate_kcal,
        estimate_low_kcal,
        estimate_high_kcal,
        confidence,
        notes,
    }
}

#[derive(sqlx::FromRow)]
struct BodyFacts {
    age: Option<i64>,
    biological_sex: Option<String>,
    height_cm: Option<f64>,
    current_weight_kg: Option<f64>,
    training_frequency: Option<i64>,
}

/// The estimate for the window of `window_days` days ending on `window_end`
/// (usually yesterday: today's meals are not all logged yet).
pub async fn expenditure(
    store: &Store,
    profile: &Profile,
    window_end: NaiveDate,
    window_days: u32,
) -> Result<Expenditure> {
    if !(7..=365).contains(&window_days) {
        return Err(Error::invalid("the window must be between 7 and 365 days"));
    }
    // The start anchor may be up to a week before the window.
    let from = window_end - Duration::days(i64::from(window_days) + 8);
    let points = super::trend_through(store, &profile.id, from, window_end).await?;
    let rows: Vec<(String, f64)> = sqlx::query_as(
        "SELECT date, total_calories FROM daily_nutrition_summaries \
         WHERE user_id = ? AND date >= ? AND date <= ? AND meal_count > 0",
    )
    .bind(&profile.id)
    .bind(from.to_string())
    .bind(window_end.to_string())
    .fetch_all(store.pool())
    .await?;
    let intake = rows
        .into_iter()
        .map(|(d, kcal)| Ok((clock::parse_date(&d)?, kcal)))
        .collect::<Result<BTreeMap<_, _>>>()?;

    let facts: BodyFacts = sqlx::query_as(
        "SELECT age, biological_sex, height_cm, current_weight_kg, training_frequency FROM users WHERE id = ?",
    )
    .bind(&profile.id)
    .fetch_optional(store.pool())
    .await?
    .ok_or_else(|| Error::not_found(format!("profile {}", profile.id)))?;
    let weight = trend::trend_on(&points, window_end).map(|p| p.trend_kg).or(facts.current_weight_kg);
    let window_start = window_end - Duration::days(i64::from(window_days) - 1);
    type ActRow = (Option<i64>, Option<f64>, Option<i64>, Option<i64>);
    let acts: Vec<ActRow> = sqlx::query_as(
        "SELECT calories, average_power_w, moving_time_seconds, elapsed_time_seconds FROM activities \
         WHERE user_id = ? AND local_date BETWEEN ? AND ?",
    )
    .bind(&profile.id)
    .bind(window_start.to_string())
    .bind(window_end.to_string())
    .fetch_all(store.pool())
    .await?;
    let acts: Vec<ActivityEnergy> = acts
        .into_iter()
        .map(|(kcal, power, moving, elapsed)| ActivityEnergy {
            calories: kcal.map(|k| k as f64),
            average_power_w: power,
            seconds: moving.filter(|s| *s > 0).or(elapsed).map(|s| s as f64),
        })
        .collect();
    let formula = match (weight, facts.height_cm, facts.age) {
        (Some(w), Some(h), Some(a)) => Some(
            FormulaEstimate::new(w, h, a, facts.biological_sex.clone(), facts.training_frequency)
                .with_activities(&acts, window_days),
        ),
        _ => None,
    };
    let mut out = estimate(&intake, &points, formula, window_end, window_days);
    if out.formula.is_some() && facts.biological_sex.as_deref().is_none_or(|s| s == "other") {
        out.notes.push("formula uses the midpoint of the male and female constants".into());
    }
    if out.formula.as_ref().is_some_and(|f| f.training.is_none()) && facts.training_frequency.is_none() {
        out.notes.push("training frequency unknown: the formula assumes a sedentary day".into());
    }
    Ok(out)
}

/// The estimate for the default window ending yesterday (today's meals are
/// not all logged yet): what `wagner body tdee` and the Body page show.
pub async fn current(store: &Store, profile: &Profile, window_days: u32) -> Result<Expenditure> {
    let end = clock::local_date(crate::clock::now(), profile.tz()) - Duration::days(1);
    expenditure(store, profile, end, window_days).await
}

/// A calorie target the user can pick: the goal rate and what it means.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TargetOffer {
    /// kg per week, negative to lose.
    pub goal_rate_kg: f64,
    pub calorie_target: i64,
}

/// The estimate, the target in force and the targets it would support.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExpenditureReport {
    pub expenditure: Expenditure,
    pub current_target_kcal: Option<i64>,
    /// Round rates in the user's units (−0.5 kg or −1 lb a week, …) whose
    /// target is safe; empty without an estimate.
    pub offers: Vec<TargetOffer>,
}

/// Goal rates offered, in the user's own mass unit per week.
const OFFERED_RATES_KG: [f64; 5] = [-0.75, -0.5, -0.25, 0.0, 0.25];
const OFFERED_RATES_LB: [f64; 5] = [-1.5, -1.0, -0.5, 0.0, 0.5];

pub fn offers(estimate_kcal: Option<f64>, units: crate::profile::Units) -> Vec<TargetOffer> {
    let Some(estimate) = estimate_kcal else {
        return Vec::new();
    };
    let rates: Vec<f64> = match units {
        crate::profile::Units::Metric => OFFERED_RATES_KG.to_vec(),
        crate::profile::Units::Imperial => OFFERED_RATES_LB.iter().map(|lb| lb * 0.453_592_37).collect(),
    };
    rates
        .into_iter()
        .filter_map(|rate| {
            target_for(estimate, rate)
                .ok()
                .map(|calorie_target| TargetOffer { goal_rate_kg: rate, calorie_target })
        })
        .collect()
}

pub async fn report(store: &Store, profile: &Profile, window_days: u32) -> Result<ExpenditureReport> {
    let expenditure = current(store, profile, window_days).await?;
    let current_target_kcal: Option<i64> =
        sqlx::query_scalar("SELECT daily_calorie_target FROM users WHERE id = ?")
            .bind(&profile.id)
            .fetch_optional(store.pool())
            .await?
            .flatten();
    Ok(ExpenditureReport {
        offers: offers(expenditure.estimate_kcal, profile.units),
        expenditure,
        current_target_kcal,
    })
}

/// The calorie target for a goal rate: `estimate + rate × 7700 / 7`, rounded.
pub fn target_for(estimate_kcal: f64, goal_rate_kg_per_week: f64) -> Result<i64> {
    if !goal_rate_kg_per_week.is_finite() || !(-1.5..=1.0).contains(&goal_rate_kg_per_week) {
        return Err(Error::invalid("the goal rate must be between -1.5 and +1.0 kg a week"));
    }
    let target = (estimate_kcal + goal_rate_kg_per_week * KCAL_PER_KG / 7.0).round();
    if target < 1000.0 {
        return Err(Error::invalid(format!(
            "that rate would mean {target:.0} kcal a day, below a safe 1000 kcal; choose a slower rate"
        )));
    }
    Ok(target as i64)
}

/// Sets `users.daily_calorie_target` from the estimate and refreshes the
/// target snapshot of today's nutrition summary. Returns the new target.
pub async fn apply_target(
    store: &Store,
    profile: &Profile,
    expenditure: &Expenditure,
    goal_rate_kg_per_week: f64,
) -> Result<i64> {
    let Some(estimate) = expenditure.estimate_kcal else {
        return Err(Error::invalid(
            "no expenditure estimate yet: log meals and weigh-ins, or add age, sex and height to your profile",
        ));
    };
    let target = target_for(estimate, goal_rate_kg_per_week)?;
    let today = clock::local_date(crate::clock::now(), profile.tz());
    let mut tx = store.begin_write().await?;
    sqlx::query("UPDATE users SET daily_calorie_target = ? WHERE id = ?")
        .bind(target)
        .bind(&profile.id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO daily_nutrition_refresh (user_id, date) VALUES (?, ?)")
        .bind(&profile.id)
        .bind(today.to_string())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(n: i64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 6, 1).unwrap() + Duration::days(n)
    }

    /// Window of 28 days ending on day 0: days −27..=0.
    fn run(intake: &BTreeMap<NaiveDate, f64>, weights: &[(NaiveDate, f64)]) -> Expenditure {
        estimate(intake, &trend::trend(weights), None, day(0), 28)
    }

    fn every_day(from: i64, to: i64, kcal: f64) -> BTreeMap<NaiveDate, f64> {
        (from..=to).map(|d| (day(d), kcal)).collect()
    }

    /// −0.5 kg a week (1/14 kg a day) since day −120, so the trend has settled.
    fn losing(step: i64) -> Vec<(NaiveDate, f64)> {
        (-120..=0).step_by(step as usize).map(|d| (day(d), 80.0 - d as f64 / 14.0)).collect()
    }

    #[test]
    fn steady_loss_on_constant_intake_gives_intake_plus_the_deficit() {
        // 2000 kcal eaten, 0.5 kg a week lost: 2000 + 0.5 × 7700 / 7 = 2550.
        let e = run(&every_day(-40, 0, 2000.0), &losing(1));
        assert_eq!((e.period_start, e.period_end, e.period_days), (Some(day(-28)), Some(day(0)), 28));
        assert_eq!(e.logged_days, 28);
        assert!(e.missing_days.is_empty());
        assert!((e.trend_change_kg.unwrap() + 2.0).abs() < 1e-3, "{e:?}");
        assert!((e.data_estimate_kcal.unwrap() - 2550.0).abs() < 0.5, "{e:?}");
        assert_eq!(e.data_weight, 1.0);
        assert!((e.estimate_kcal.unwrap() - 2550.0).abs() < 0.5);
        assert_eq!(e.confidence, Confidence::High);
    }

    #[test]
    fn a_plateau_means_expenditure_equals_intake() {
        let weights: Vec<_> = (-60..=0).map(|d| (day(d), 80.0)).collect();
        let e = run(&every_day(-60, 0, 2300.0), &weights);
        assert_eq!(e.trend_change_kg, Some(0.0));
        assert_eq!(e.data_estimate_kcal, Some(2300.0));
    }

    #[test]
    fn gaps_in_weigh_ins_and_meals_still_give_the_right_estimate() {
        // Weigh-ins every third day, meals logged 4 days a week.
        let intake: BTreeMap<_, _> =
            (-60i64..=0).filter(|d| d.rem_euclid(7) < 4).map(|d| (day(d), 2000.0)).collect();
        let e = run(&intake, &losing(3));
        // Weigh-ins fall on days ≡ 0 mod 3 counted from −120: −30 is the last before the window.
        assert_eq!((e.period_start, e.period_end), (Some(day(-30)), Some(day(0))));
        assert_eq!(e.logged_days + e.missing_days.len() as u32, 30);
        assert!(e.missing_days.iter().all(|d| !intake.contains_key(d)));
        assert!((e.data_estimate_kcal.unwrap() - 2550.0).abs() < 1.0, "{e:?}");
    }

    #[test]
    fn an_unlogged_day_does_not_bias_the_estimate() {
        let weights = losing(1);
        let full = every_day(-40, 0, 2000.0);
        let mut one_missing = full.clone();
        one_missing.remove(&day(-10));
        let with = run(&full, &weights);
        let without = run(&one_missing, &weights);
        assert_eq!(without.missing_days, vec![day(-10)]);
        assert_eq!(without.logged_days, 27);
        assert_eq!(with.mean_intake_kcal, without.mean_intake_kcal);
        assert_eq!(with.data_estimate_kcal, without.data_estimate_kcal);
        // Counting the day as zero would have lowered the estimate by 2000 / 28 ≈ 71 kcal.
        let as_zero = (2000.0 * 27.0) / 28.0 - with.trend_change_kg.unwrap() * KCAL_PER_KG / 28.0;
        assert!(with.data_estimate_kcal.unwrap() - as_zero > 70.0);
    }

    #[test]
    fn mifflin_st_jeor_matches_the_published_equation() {
        // Man, 80 kg, 180 cm, 30 y: 800 + 1125 − 150 + 5 = 1780; woman 60 kg, 165 cm, 40 y:
        // 600 + 1031.25 − 200 − 161 = 1270.25.
        assert_eq!(mifflin_st_jeor(80.0, 180.0, 30, Some("male")), 1780.0);
        assert_eq!(mifflin_st_jeor(60.0, 165.0, 40, Some("female")), 1270.25);
        let f = FormulaEstimate::new(80.0, 180.0, 30, Some("male".into()), Some(4));
        assert!((f.tdee_kcal - 1780.0 * 1.55).abs() < 1e-9);
        assert_eq!(activity_factor(None), 1.2);
    }

    #[test]
    fn the_formula_leads_until_data_accumulates() {
        let formula = FormulaEstimate::new(80.0, 180.0, 30, Some("male".into()), Some(4)); // 2759 kcal
        let weights = losing(1);
        // No meals: the formula alone.
        let e = estimate(&BTreeMap::new(), &trend::trend(&weights), Some(formula.clone()), day(0), 28);
        assert_eq!(e.confidence, Confidence::Formula);
        assert_eq!(e.estimate_kcal, Some(formula.tdee_kcal));
        // Meals on the last 14 days only: weight 14/21 for the data (2550 kcal).
        let e =
            estimate(&every_day(-13, 0, 2000.0), &trend::trend(&weights), Some(formula.clone()), day(0), 28);
        assert_eq!(e.logged_days, 14);
        assert_eq!(e.missing_days.len(), 14);
        let w = 14.0 / 21.0;
        let want = w * e.data_estimate_kcal.unwrap() + (1.0 - w) * formula.tdee_kcal;
        assert!((e.estimate_kcal.unwrap() - want).abs() < 1e-9);
        assert!((e.estimate_kcal.unwrap() - (w * 2550.0 + (1.0 - w) * 2759.0)).abs() < 1.0);
        assert_eq!(e.confidence, Confidence::Medium);
    }

    #[test]
    fn power_meter_work_replaces_the_guessed_training_with_its_range() {
        // Man, 80 kg, 180 cm, 30 y: resting 1780 kcal, daily living 1780 × 1.2 = 2136.
        // In 28 days: 8 rides of 1 h at 200 W (720 kJ each, 5760 kJ) and 4 runs of
        // 45 min with 600 kcal recorded and no power.
        let ride =
            ActivityEnergy { calories: Some(900.0), average_power_w: Some(200.0), seconds: Some(3600.0) };
        let run_ = ActivityEnergy { calories: Some(600.0), average_power_w: None, seconds: Some(2700.0) };
        let acts: Vec<_> = std::iter::repeat_n(ride, 8).chain(std::iter::repeat_n(run_, 4)).collect();
        let t = measured_training(&acts, 1780.0, 28).unwrap();
        assert_eq!((t.activities, t.with_power), (12, 8));
        assert!((t.work_kj - 5760.0).abs() < 1e-9);
        // Daily living already counts 2136 / 24 = 89 kcal an hour of each activity:
        // rides 8 × (720 − 89) = 5048, runs 4 × (600 − 66.75) = 2133; 7181 / 28 = 256.5.
        assert!((t.kcal_per_day - 256.46).abs() < 0.01, "{t:?}");
        // 25 % efficiency: 720 kJ = 688.3 kcal a ride; 20 %: 860.4 kcal.
        // (8 × (688.34 − 89) + 2133) / 28 = 247.4; (8 × (860.42 − 89) + 2133) / 28 = 296.6.
        assert!((t.kcal_per_day_low - 247.42).abs() < 0.01, "{t:?}");
        assert!((t.kcal_per_day_high - 296.58).abs() < 0.01, "{t:?}");

        // The formula uses it instead of the 5-a-week factor (1780 × 1.55 = 2759).
        let f =
            FormulaEstimate::new(80.0, 180.0, 30, Some("male".into()), Some(4)).with_activities(&acts, 28);
        assert_eq!(f.activity_factor, 1.2);
        assert!((f.tdee_kcal - 2392.46).abs() < 0.01, "{f:?}");
        assert!((f.tdee_low_kcal - 2383.42).abs() < 0.01 && (f.tdee_high_kcal - 2432.58).abs() < 0.01);

        // Formula alone: the range is the formula's.
        let e = estimate(&BTreeMap::new(), &trend::trend(&losing(1)), Some(f.clone()), day(0), 28);
        assert_eq!(
            (e.estimate_low_kcal, e.estimate_high_kcal),
            (Some(f.tdee_low_kcal), Some(f.tdee_high_kcal))
        );
        // 14 logged days: the data (2550) carries 2/3, so a third of the range remains.
        let e = estimate(&every_day(-13, 0, 2000.0), &trend::trend(&losing(1)), Some(f.clone()), day(0), 28);
        let (low, high) = (e.estimate_low_kcal.unwrap(), e.estimate_high_kcal.unwrap());
        assert!(low < e.estimate_kcal.unwrap() && e.estimate_kcal.unwrap() < high);
        assert!(((high - low) - (2432.58 - 2383.42) / 3.0).abs() < 0.01, "{low}–{high}");

        // No power meter: nothing measured, the guessed factor stays, no range.
        let runs = vec![run_; 4];
        assert_eq!(measured_training(&runs, 1780.0, 28), None);
        let plain =
            FormulaEstimate::new(80.0, 180.0, 30, Some("male".into()), Some(4)).with_activities(&runs, 28);
        assert_eq!((plain.activity_factor, plain.training.is_none()), (1.55, true));
        let e = estimate(&BTreeMap::new(), &trend::trend(&losing(1)), Some(plain), day(0), 28);
        assert_eq!(e.estimate_low_kcal, None);
    }

    #[test]
    fn too_little_data_is_said_not_guessed() {
        let e = run(&every_day(-3, 0, 2000.0), &[(day(-2), 80.0)]);
        assert_eq!(e.estimate_kcal, None);
        assert_eq!(e.confidence, Confidence::None);
        assert!(e.notes.iter().any(|n| n.contains("weigh-ins")), "{:?}", e.notes);
    }

    #[test]
    fn targets_follow_the_goal_rate() {
        // 2550 − 0.5 × 7700 / 7 = 2000.
        assert_eq!(target_for(2550.0, -0.5).unwrap(), 2000);
        assert_eq!(target_for(2550.0, 0.0).unwrap(), 2550);
        assert!(target_for(1500.0, -1.0).is_err(), "below 1000 kcal");
        assert!(target_for(2500.0, -3.0).is_err());
    }
}
