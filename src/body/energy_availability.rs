//! Energy availability: the energy left for the body's other functions after
//! training, per kilogram of fat-free mass (FFM):
//! `EA = (intake − exercise energy) ÷ FFM` in kcal/kg FFM/day (Loucks &
//! Thuma 2003, J Clin Endocrinol Metab 88:297; Loucks, Kiens & Wright 2011,
//! J Sports Sci 29:S7). Below 30 kcal/kg FFM/day is "low energy
//! availability", the threshold of the sports-nutrition literature (IOC
//! consensus on RED-S, Mountjoy et al. 2018, Br J Sports Med 52:687); it is
//! flagged only when it persists: the mean of the last 7 days with food
//! logged is below 30, over at least 4 such days.
//!
//! Exercise energy: from power-meter work where the activity has power
//! (mechanical kJ ÷ gross efficiency: 20–25 % for cycling, so 0.96–1.20 kcal
//! per kJ, 1.0 taken as the point value), else the activity's recorded
//! calories. Days without food logged have no EA (not a zero).
//! FFM: the latest lean-mass measurement, else weight × (1 − body fat), else
//! Boer's estimate from height and weight (Boer 1984, Am J Physiol 247:F632),
//! and none when even the weight is missing.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use crate::error::Result;
use crate::profile::Profile;
use crate::store::Store;

/// kcal/kg FFM/day below which availability is low.
pub const LOW_THRESHOLD: f64 = 30.0;
/// Days of food logging the persistence check needs in its 7-day window.
pub const MIN_DAYS_FOR_FLAG: usize = 4;
/// Metabolic kcal per kJ of power-meter work: 1.0 as the point value, the
/// range from a 25 % to a 20 % gross efficiency (shared with the adaptive
/// expenditure estimate).
pub const KCAL_PER_KJ: f64 = 1.0;
pub const KCAL_PER_KJ_LOW: f64 = 1.0 / (4.184 * 0.25);
pub const KCAL_PER_KJ_HIGH: f64 = 1.0 / (4.184 * 0.20);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum FfmSource {
    /// A lean-mass measurement.
    LeanMass,
    /// Weight and body fat.
    BodyFat,
    /// Boer's formula from height, weight and sex: an estimate.
    Estimated,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EaDay {
    pub date: String,
    /// Food logged that day (kcal); None when nothing was logged.
    pub intake_kcal: Option<f64>,
    pub exercise_kcal: f64,
    /// The range of `exercise_kcal` from the efficiency of power-meter work.
    pub exercise_kcal_low: f64,
    pub exercise_kcal_high: f64,
    /// Of `exercise_kcal`, how much came from power-meter work.
    pub from_power_kcal: f64,
    pub ffm_kg: Option<f64>,
    pub ffm_source: Option<FfmSource>,
    /// kcal/kg FFM; None without food logged or without FFM.
    pub ea: Option<f64>,
    pub ea_low: Option<f64>,
    pub ea_high: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EnergyAvailability {
    /// The days asked for, oldest first.
    pub days: Vec<EaDay>,
    /// Mean EA over the last 7 days (ending at the last day) with food logged.
    pub mean_7d: Option<f64>,
    pub days_in_mean: u32,
    /// The 7-day mean is below [`LOW_THRESHOLD`] over enough days.
    pub low_persistent: bool,
    pub threshold: f64,
    /// One sentence for the window and the coach.
    pub summary: String,
}

/// Boer (1984) lean body mass, kg; the midpoint of the two for unknown sex.
pub fn boer_lbm(weight_kg: f64, height_cm: f64, sex: Option<&str>) -> f64 {
    let male = 0.407 * weight_kg + 0.267 * height_cm - 19.2;
    let female = 0.252 * weight_kg + 0.473 * height_cm - 48.3;
    match sex {
        Some("male") => male,
        Some("female") => female,
        _ => (male + female) / 2.0,
    }
}

type BodyRow = (String, Option<f64>, Option<f64>, Option<f64>);

/// FFM as of each measurement day: (local_date, weight, fat %, lean kg).
async fn body_rows(store: &Store, user_id: &str, to: NaiveDate) -> Result<Vec<BodyRow>> {
    Ok(sqlx::query_as(
        "SELECT local_date, weight_kg, body_fat_pct, CAST(json_extract(measurements, '$.lean_mass_kg') AS REAL) \
         FROM body_measurements WHERE user_id = ? AND local_date <= ? \
         AND (weight_kg IS NOT NULL OR body_fat_pct IS NOT NULL OR json_extract(measurements, '$.lean_mass_kg') IS NOT NULL) \
         ORDER BY measured_at",
    )
    .bind(user_id)
    .bind(to.to_string())
    .fetch_all(store.pool())
    .await?)
}

/// Daily energy availability over `[from, to]`, and the persistence flag as of `to`.
pub async fn range(
    store: &Store,
    profile: &Profile,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<EnergyAvailability> {
    // The 7-day mean needs the week before `to` even when fewer days are shown.
    let start = from.min(to - Duration::days(6));
    let intake: Vec<(String, f64)> = sqlx::query_as(
        "SELECT local_date, TOTAL(total_calories) FROM meal_logs WHERE user_id = ? AND local_date BETWEEN ? AND ? \
         GROUP BY local_date",
    )
    .bind(&profile.id)
    .bind(start.to_string())
    .bind(to.to_string())
    .fetch_all(store.pool())
    .await?;
    let intake: BTreeMap<String, f64> = intake.into_iter().collect();
    type ActRow = (String, Option<i64>, Option<f64>, Option<i64>, Option<i64>);
    let acts: Vec<ActRow> = sqlx::query_as(
        "SELECT local_date, calories, average_power_w, moving_time_seconds, elapsed_time_seconds FROM activities \
         WHERE user_id = ? AND local_date BETWEEN ? AND ?",
    )
    .bind(&profile.id)
    .bind(start.to_string())
    .bind(to.to_string())
    .fetch_all(store.pool())
    .await?;
    let mut exercise: BTreeMap<String, (f64, f64, f64, f64)> = BTreeMap::new();
    for (date, kcal, power, moving, elapsed) in acts {
        let e = exercise.entry(date).or_default();
        let seconds = moving.or(elapsed).filter(|s| *s > 0);
        match (power.filter(|p| *p > 0.0), seconds) {
            (Some(p), Some(s)) => {
                let kj = p * s as f64 / 1000.0;
                e.0 += kj * KCAL_PER_KJ;
                e.1 += kj * KCAL_PER_KJ_LOW;
                e.2 += kj * KCAL_PER_KJ_HIGH;
                e.3 += kj * KCAL_PER_KJ;
            }
            _ => {
                let k = kcal.unwrap_or(0).max(0) as f64;
                e.0 += k;
                e.1 += k;
                e.2 += k;
            }
        }
    }
    let facts: Option<(Option<f64>, Option<String>)> =
        sqlx::query_as("SELECT height_cm, biological_sex FROM users WHERE id = ?")
            .bind(&profile.id)
            .fetch_optional(store.pool())
            .await?;
    let (height, sex) = facts.unwrap_or((None, None));
    let rows = body_rows(store, &profile.id, to).await?;

    let mut days = Vec::new();
    // The latest weight, and the latest body fat and lean mass with the day each was measured.
    let mut weight: Option<f64> = None;
    let mut fat: Option<(String, f64)> = None;
    let mut lean: Option<(String, f64)> = None;
    let mut next_row = 0;
    let mut date = start;
    while date <= to {
        let key = date.to_string();
        while next_row < rows.len() && rows[next_row].0 <= key {
            let (d, w, f, l) = &rows[next_row];
            weight = w.or(weight);
            if let Some(f) = f {
                fat = Some((d.clone(), *f));
            }
            if let Some(l) = l {
                lean = Some((d.clone(), *l));
            }
            next_row += 1;
        }
        // The most recent of lean mass and body fat wins; a formula only without either.
        let ffm = match (&lean, &fat, weight) {
            (Some((ld, l)), Some((fd, _)), _) if ld >= fd => Some((*l, FfmSource::LeanMass)),
            (_, Some((_, f)), Some(w)) => Some((w * (1.0 - f / 100.0), FfmSource::BodyFat)),
            (Some((_, l)), _, _) => Some((*l, FfmSource::LeanMass)),
            (None, _, Some(w)) => height.map(|h| (boer_lbm(w, h, sex.as_deref()), FfmSource::Estimated)),
            _ => None,
        }
        .filter(|(kg, _)| *kg > 10.0);
        let (ex, low, high, power) = exercise.get(&key).copied().unwrap_or_default();
        let food = intake.get(&key).copied();
        let per = |burn: f64| match (food, ffm) {
            (Some(i), Some((kg, _))) => Some(((i - burn) / kg * 10.0).round() / 10.0),
            _ => None,
        };
        days.push(EaDay {
            date: key,
            intake_kcal: food,
            exercise_kcal: ex.round(),
            exercise_kcal_low: low.round(),
            exercise_kcal_high: high.round(),
            from_power_kcal: power.round(),
            ffm_kg: ffm.map(|(kg, _)| (kg * 10.0).round() / 10.0),
            ffm_source: ffm.map(|(_, s)| s),
            ea: per(ex),
            // More exercise energy means less availability.
            ea_low: per(high),
            ea_high: per(low),
        });
        date += Duration::days(1);
    }
    let week: Vec<f64> = days.iter().rev().take(7).filter_map(|d| d.ea).collect();
    let mean_7d =
        (!week.is_empty()).then(|| (week.iter().sum::<f64>() / week.len() as f64 * 10.0).round() / 10.0);
    let low_persistent = week.len() >= MIN_DAYS_FOR_FLAG && mean_7d.is_some_and(|m| m < LOW_THRESHOLD);
    let summary = match mean_7d {
        None if days.iter().all(|d| d.ffm_kg.is_none()) => {
            "Energy availability needs a weight (and ideally body fat) and logged food.".to_string()
        }
        None => "Energy availability needs logged food.".to_string(),
        Some(m) if low_persistent => format!(
            "Low energy availability: {m:.0} kcal/kg fat-free mass a day over the last {} logged days \
             (below {LOW_THRESHOLD:.0}); eat more around training or train less.",
            week.len()
        ),
        Some(m) => format!(
            "Energy availability {m:.0} kcal/kg fat-free mass a day over the last {} logged days{}.",
            week.len(),
            if week.len() < MIN_DAYS_FOR_FLAG { " (too few days to judge)" } else { "" }
        ),
    };
    let shown: Vec<EaDay> =
        days.into_iter().filter(|d| d.date.as_str() >= from.to_string().as_str()).collect();
    Ok(EnergyAvailability {
        days: shown,
        mean_7d,
        days_in_mean: week.len() as u32,
        low_persistent,
        threshold: LOW_THRESHOLD,
        summary,
    })
}

/// The 7 days ending on `date`.
pub async fn week_to(store: &Store, profile: &Profile, date: NaiveDate) -> Result<EnergyAvailability> {
    range(store, profile, date - Duration::days(6), date).await
}

/// Plain text for the CLI: one line per day, then the summary.
pub fn render(ea: &EnergyAvailability) -> String {
    let mut out = String::from("date        intake  exercise   FFM kg  EA kcal/kg FFM\n");
    for d in &ea.days {
        let intake = d.intake_kcal.map(|k| format!("{k:.0}")).unwrap_or_else(|| "—".into());
        let exercise = if d.exercise_kcal_low != d.exercise_kcal_high {
            format!("{:.0} ({:.0}–{:.0})", d.exercise_kcal, d.exercise_kcal_low, d.exercise_kcal_high)
        } else {
            format!("{:.0}", d.exercise_kcal)
        };
        let ffm = match (d.ffm_kg, d.ffm_source) {
            (Some(kg), Some(FfmSource::Estimated)) => format!("~{kg:.1}"),
            (Some(kg), _) => format!("{kg:.1}"),
            _ => "—".into(),
        };
        let value = match (d.ea, d.ea_low, d.ea_high) {
            (Some(v), Some(lo), Some(hi)) if (hi - lo).abs() >= 0.5 => format!("{v:.1} ({lo:.1}–{hi:.1})"),
            (Some(v), _, _) => format!("{v:.1}{}", if v < LOW_THRESHOLD { "  low" } else { "" }),
            _ => "—".into(),
        };
        out.push_str(&format!("{}  {intake:>6}  {exercise:>8}  {ffm:>7}  {value}\n", d.date));
    }
    out.push_str(&ea.summary);
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boer_for_both_sexes() {
        assert!((boer_lbm(70.0, 175.0, Some("male")) - 56.015).abs() < 1e-9);
        assert!((boer_lbm(60.0, 165.0, Some("female")) - 44.865).abs() < 1e-9);
    }
}
