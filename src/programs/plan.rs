//! What a generator produces before it is stored, and the constraint checks
//! every generated week must pass (offline and AI alike).

use serde::{Deserialize, Serialize};

use super::diet;
use super::exercises::{self, Equipment, Pattern};
use super::questionnaire::Questionnaire;
use crate::nutrition::{MealCategory, MealFood};

/// Daily calories of a plan stay within this fraction of the target.
pub const CALORIE_TOLERANCE: f64 = 0.05;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum RepUnit {
    Reps,
    Seconds,
}

/// One exercise of a planned workout: `sets` × `reps` (or seconds) at a
/// load given as %1RM or as RPE, with `rest_seconds` between sets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PlannedExercise {
    pub name: String,
    pub pattern: Pattern,
    pub equipment: Vec<Equipment>,
    pub sets: u32,
    pub reps: u32,
    pub unit: RepUnit,
    pub pct_1rm: Option<f64>,
    pub rpe: Option<f64>,
    pub rest_seconds: u32,
}

impl PlannedExercise {
    /// `4 × 6 @ 75% 1RM, rest 2:30`.
    pub fn prescription(&self) -> String {
        let work = match self.unit {
            RepUnit::Reps => format!("{} × {}", self.sets, self.reps),
            RepUnit::Seconds if self.reps >= 120 => format!("{} × {} min", self.sets, self.reps / 60),
            RepUnit::Seconds => format!("{} × {} s", self.sets, self.reps),
        };
        let load = match (self.pct_1rm, self.rpe) {
            (Some(p), _) => format!(" @ {p:.0}% 1RM"),
            (None, Some(r)) => format!(" @ RPE {r}"),
            _ => String::new(),
        };
        let rest = if self.rest_seconds > 0 {
            format!(", rest {}:{:02}", self.rest_seconds / 60, self.rest_seconds % 60)
        } else {
            String::new()
        };
        format!("{work}{load}{rest}")
    }

    /// Seconds of work per set: about 4 s a rep.
    fn work_seconds(&self) -> u32 {
        match self.unit {
            RepUnit::Reps => self.reps * 4,
            RepUnit::Seconds => self.reps,
        }
    }
}

/// Minutes a session takes: warm-up, work, rest and a minute to set up each exercise.
pub fn session_minutes(exercises: &[PlannedExercise]) -> u32 {
    let seconds: u32 = exercises
        .iter()
        .map(|e| e.sets * e.work_seconds() + e.sets.saturating_sub(1) * e.rest_seconds + 60)
        .sum();
    WARM_UP_MINUTES + seconds.div_ceil(60)
}

pub const WARM_UP_MINUTES: u32 = 8;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PlannedWorkout {
    pub name: String,
    /// An `activities` type: strength, cardio, run, ride…
    pub workout_type: String,
    pub duration_minutes: u32,
    pub exercises: Vec<PlannedExercise>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PlannedMeal {
    pub meal_type: MealCategory,
    pub name: String,
    pub foods: Vec<MealFood>,
}

impl PlannedMeal {
    pub fn totals(&self) -> crate::nutrition::Totals {
        crate::nutrition::totals(&self.foods)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PlannedDay {
    pub day_name: String,
    pub day_focus: Option<String>,
    pub is_rest_day: bool,
    pub workout: Option<PlannedWorkout>,
    pub meals: Vec<PlannedMeal>,
}

impl PlannedDay {
    pub fn calories(&self) -> f64 {
        self.meals.iter().map(|m| m.totals().calories).sum()
    }
}

/// A generated program: 84 days, before it is stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub name: String,
    pub description: String,
    pub days: Vec<PlannedDay>,
}

pub const WORKOUT_TYPES: [&str; 12] = [
    "run",
    "ride",
    "swim",
    "walk",
    "hike",
    "strength",
    "yoga",
    "rowing",
    "elliptical",
    "cardio",
    "sport",
    "other",
];

/// Checks one week (7 days) against the questionnaire; the error names the
/// first problem, in words a model can act on when asked to repair it.
pub fn check_week(q: &Questionnaire, week: u32, days: &[PlannedDay]) -> Result<(), String> {
    if days.len() != 7 {
        return Err(format!("week {week} has {} days, it needs exactly 7", days.len()));
    }
    let rest_days = days.iter().filter(|d| d.is_rest_day).count();
    if rest_days == 0 {
        return Err(format!("week {week} has no rest day"));
    }
    let sessions = days.iter().filter(|d| d.workout.is_some()).count() as u32;
    if sessions != q.training_frequency {
        return Err(format!(
            "week {week} has {sessions} workouts, the questionnaire asks for {} a week",
            q.training_frequency
        ));
    }
    for (i, day) in days.iter().enumerate() {
        let label = format!("week {week} day {}", i + 1);
        if day.day_name.trim().is_empty() {
            return Err(format!("{label} has no day_name"));
        }
        match (&day.workout, day.is_rest_day) {
            (Some(_), true) => return Err(format!("{label} is a rest day with a workout")),
            (None, false) => return Err(format!("{label} is not a rest day but has no workout")),
            _ => {}
        }
        if let Some(w) = &day.workout {
            check_workout(q, &label, w)?;
        }
        check_meals(q, &label, day)?;
    }
    Ok(())
}

fn check_workout(q: &Questionnaire, label: &str, w: &PlannedWorkout) -> Result<(), String> {
    if w.name.trim().is_empty() {
        return Err(format!("{label}: the workout has no name"));
    }
    if !WORKOUT_TYPES.contains(&w.workout_type.as_str()) {
        return Err(format!(
            "{label}: workout_type {:?} is not one of {}",
            w.workout_type,
            WORKOUT_TYPES.join(", ")
        ));
    }
    if w.duration_minutes == 0 || w.duration_minutes > q.session_minutes {
        return Err(format!(
            "{label}: the workout lasts {} min, sessions are at most {} min",
            w.duration_minutes, q.session_minutes
        ));
    }
    if w.exercises.is_empty() {
        return Err(format!("{label}: the workout has no exercises"));
    }
    for e in &w.exercises {
        let name = &e.name;
        if name.trim().is_empty() {
            return Err(format!("{label}: an exercise has no name"));
        }
        if !(1..=10).contains(&e.sets) {
            return Err(format!("{label}: {name} has {} sets (1 to 10)", e.sets));
        }
        let reps_ok = match e.unit {
            RepUnit::Reps => (1..=50).contains(&e.reps),
            RepUnit::Seconds => (10..=3600).contains(&e.reps),
        };
        if !reps_ok {
            return Err(format!("{label}: {name} has {} {:?}, out of range", e.reps, e.unit));
        }
        if e.pct_1rm.is_some_and(|p| !(30.0..=100.0).contains(&p)) {
            return Err(format!("{label}: {name} is at {:?}% 1RM (30 to 100)", e.pct_1rm));
        }
        if e.rpe.is_some_and(|r| !(1.0..=10.0).contains(&r)) {
            return Err(format!("{label}: {name} is at RPE {:?} (1 to 10)", e.rpe));
        }
        if e.rest_seconds > 600 {
            return Err(format!("{label}: {name} rests {} s (at most 600)", e.rest_seconds));
        }
        // A library exercise is judged by what the library knows about it.
        let (needs, pattern): (Vec<Equipment>, Pattern) = match exercises::find(name) {
            Some(known) => (known.equipment.to_vec(), known.pattern),
            None => (e.equipment.clone(), e.pattern),
        };
        if let Some(missing) = needs.iter().find(|x| !q.has(**x)) {
            return Err(format!("{label}: {name} needs {}, which is not available", missing.as_str()));
        }
        for injury in &q.injury_limitations {
            // The library knows its exercises; an unknown one is judged by its pattern.
            let unsafe_ = match exercises::find(name) {
                Some(known) => known.avoid_with.contains(injury),
                None => exercises::patterns_to_avoid(*injury).contains(&pattern),
            };
            if unsafe_ {
                return Err(format!("{label}: {name} is not safe with a {} injury", injury.as_str()));
            }
        }
    }
    Ok(())
}

fn check_meals(q: &Questionnaire, label: &str, day: &PlannedDay) -> Result<(), String> {
    if day.meals.len() < 3 {
        return Err(format!("{label} has {} meals, it needs at least 3", day.meals.len()));
    }
    for meal in &day.meals {
        if meal.name.trim().is_empty() || meal.foods.is_empty() {
            return Err(format!("{label}: every meal needs a name and foods"));
        }
        for f in &meal.foods {
            for (what, v) in [
                ("calories", f.calories),
                ("protein_g", f.protein_g),
                ("carbs_g", f.carbs_g),
                ("fat_g", f.fat_g),
            ] {
                if !v.is_finite() || v < 0.0 {
                    return Err(format!("{label}: {} has {what} {v}", f.name));
                }
            }
            if let Some(r) = diet::first_violation(&q.dietary_restrictions, &f.name, None) {
                return Err(format!("{label}: {} is not {}", f.name, r.as_str()));
            }
        }
    }
    let target = q.daily_calorie_target as f64;
    let total = day.calories();
    if (total - target).abs() > target * CALORIE_TOLERANCE {
        return Err(format!(
            "{label}: the meals add up to {total:.0} kcal, the target is {target:.0} kcal (±{:.0} %)",
            CALORIE_TOLERANCE * 100.0
        ));
    }
    Ok(())
}
