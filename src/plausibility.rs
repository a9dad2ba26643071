//! The one table of plausible values for every stored quantity. Quick entry,
//! every importer, Strava, `body add` and manual edits ask here, so "10,000 km
//! in one minute" or a 6e10 kcal meal is never stored as fact.
//!
//! The ranges are deliberately wide (world records and ultra events pass):
//! they catch typos, unit mix-ups and hostile files, not unusual people.

use crate::activities::ActivityType;

/// A stored quantity with a plausible range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantity {
    /// One activity's distance, metres.
    DistanceM,
    /// One activity's elapsed or moving time, seconds.
    DurationS,
    /// Average or maximum speed of an activity of this sport, m/s.
    SpeedMps(ActivityType),
    HeartRateBpm,
    PowerW,
    CadenceRpm,
    /// Energy of one activity, kcal.
    ActivityKcal,
    /// Energy of one meal (or one food of it), kcal.
    MealKcal,
    /// Grams of one food eaten.
    FoodGrams,
    /// How many of a portion (eggs, cups, servings).
    PortionCount,
    ElevationM,
    TemperatureC,
    WeightKg,
    BodyFatPct,
    /// Body circumferences (waist, hips…), cm.
    LengthCm,
    /// Weight lifted in one set, kg.
    LiftKg,
    Reps,
}

/// Inclusive bounds and how to name the quantity in a message.
#[derive(Debug, Clone, Copy)]
pub struct Range {
    pub min: f64,
    pub max: f64,
    pub what: &'static str,
    pub unit: &'static str,
}

/// Fastest plausible average/maximum speed per sport (m/s), generous.
pub fn max_speed_mps(sport: ActivityType) -> f64 {
    match sport {
        // Bolt peaked at 12.4 m/s; a GPS spike on a run is not a run.
        ActivityType::Run => 12.5,
        ActivityType::Walk | ActivityType::Hike => 4.0,
        ActivityType::Swim => 3.0,
        ActivityType::Rowing => 8.0,
        // Descents on a road bike reach 30 m/s; motor-paced records are not training.
        ActivityType::Ride => 35.0,
        ActivityType::Elliptical | ActivityType::Strength | ActivityType::Yoga | ActivityType::Cardio => 10.0,
        ActivityType::Sport | ActivityType::Other => 40.0,
    }
}

pub fn range(q: Quantity) -> Range {
    let r = |min, max, what, unit| Range { min, max, what, unit };
    match q {
        // Longer than any single-file ultra (a 4,000 km ride over days is a trip, not an activity).
        Quantity::DistanceM => r(0.0, 2_000_000.0, "distance", "m"),
        // A week: multi-day events recorded in one file still fit.
        Quantity::DurationS => r(0.0, 7.0 * 86_400.0, "duration", "s"),
        Quantity::SpeedMps(sport) => r(0.0, max_speed_mps(sport), "speed", "m/s"),
        Quantity::HeartRateBpm => r(20.0, 250.0, "heart rate", "bpm"),
        Quantity::PowerW => r(0.0, 2_500.0, "power", "W"),
        Quantity::CadenceRpm => r(0.0, 300.0, "cadence", "rpm"),
        // About 30,000 kcal for the longest ultras.
        Quantity::ActivityKcal => r(0.0, 30_000.0, "calories", "kcal"),
        Quantity::MealKcal => r(0.0, 20_000.0, "meal energy", "kcal"),
        Quantity::FoodGrams => r(0.0, 10_000.0, "amount", "g"),
        Quantity::PortionCount => r(0.0, 500.0, "portion count", ""),
        Quantity::ElevationM => r(-500.0, 9_000.0, "altitude", "m"),
        Quantity::TemperatureC => r(-60.0, 70.0, "temperature", "°C"),
        Quantity::WeightKg => r(1.0, 700.0, "weight", "kg"),
        Quantity::BodyFatPct => r(0.0, 100.0, "body fat", "%"),
        Quantity::LengthCm => r(0.0, 500.0, "length", "cm"),
        Quantity::LiftKg => r(0.0, 1_000.0, "weight lifted", "kg"),
        Quantity::Reps => r(0.0, 10_000.0, "reps", ""),
    }
}

/// Why a value was not accepted, in words for the user.
#[derive(Debug, Clone, PartialEq)]
pub struct Implausible {
    pub quantity: Quantity,
    pub value: f64,
    pub message: String,
}

impl std::fmt::Display for Implausible {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

fn shown(v: f64) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    if v.abs() >= 1e9 {
        format!("{v:.3e}")
    } else if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{:.2}", v).trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// `Ok` when `value` is finite and inside the quantity's range.
pub fn check(q: Quantity, value: f64) -> Result<(), Implausible> {
    let r = range(q);
    if value.is_finite() && value >= r.min && value <= r.max {
        return Ok(());
    }
    let unit = if r.unit.is_empty() { String::new() } else { format!(" {}", r.unit) };
    let message = if value.is_finite() && value < r.min {
        format!("{} {}{unit} is below the plausible minimum of {}{unit}", r.what, shown(value), shown(r.min))
    } else {
        format!("{} {}{unit} is not plausible (at most {}{unit})", r.what, shown(value), shown(r.max))
    };
    Err(Implausible { quantity: q, value, message })
}

/// `None` for a value out of range, with the reason pushed onto `warnings`
/// prefixed by `context` (e.g. the file name).
pub fn keep(q: Quantity, value: Option<f64>, context: &str, warnings: &mut Vec<String>) -> Option<f64> {
    let v = value?;
    match check(q, v) {
        Ok(()) => Some(v),
        Err(e) => {
            warnings.push(if context.is_empty() { e.message } else { format!("{context}: {e}") });
            None
        }
    }
}

/// Distance over time as a speed for the sport: "10000 km in 1 min is not a plausible run".
pub fn check_pace(sport: ActivityType, distance_m: f64, seconds: f64) -> Result<(), Implausible> {
    if seconds <= 0.0 || distance_m <= 0.0 {
        return Ok(());
    }
    let speed = distance_m / seconds;
    if speed <= max_speed_mps(sport) {
        return Ok(());
    }
    let km = distance_m / 1000.0;
    let time = if seconds < 3600.0 {
        format!("{} min", shown(seconds / 60.0))
    } else {
        format!("{} h", shown(seconds / 3600.0))
    };
    Err(Implausible {
        quantity: Quantity::SpeedMps(sport),
        value: speed,
        message: format!(
            "{} km in {time} ({} km/h) is not a plausible {}",
            shown(km),
            shown(speed * 3.6),
            crate::activities::import::type_label(sport).to_lowercase()
        ),
    })
}

/// Numbers typed in a form the readers would silently change: a sign ("weight
/// -80 kg" would store 80), an exponent ("1e309 g rice" would become a food
/// called "e309 g rice"), a number too large to hold, or a zero duration
/// ("in 0 min" would become the 30-minute default). The entry is kept as typed
/// and waits for the user instead.
pub fn typed_number_problems(text: &str) -> Vec<String> {
    use std::sync::LazyLock;
    #[allow(clippy::expect_used)] // a literal pattern, compiled on every test run
    static SIGNED: LazyLock<regex::Regex> =
        // A sign touches its number: "weight -80 kg". A spaced dash is a
        // separator ("eggs - 2", "brekkie - 2 fried eggs").
        LazyLock::new(|| regex::Regex::new(r"(?:^|[\s(:=,])([-−]\d+(?:[.,]\d+)?)").expect("pattern"));
    #[allow(clippy::expect_used)] // a literal pattern, compiled on every test run
    static EXPONENT: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"\b\d+(?:\.\d+)?[eE][+-]?\d+\b").expect("pattern"));
    #[allow(clippy::expect_used)] // a literal pattern, compiled on every test run
    static LONG: LazyLock<regex::Regex> = LazyLock::new(|| regex::Regex::new(r"\d{10,}").expect("pattern"));
    #[allow(clippy::expect_used)] // a literal pattern, compiled on every test run
    static ZERO_TIME: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(?:in|for|took)\s+(?:0+(?:\.0+)?\s*(?:s|sec|secs|seconds?|min|mins|minutes?|h|hrs?|hours?)\b|0{1,2}:00(?::00)?\b)")
            .expect("pattern")
    });
    let mut out = Vec::new();
    for m in SIGNED.captures_iter(text).filter_map(|c| c.get(1)) {
        out.push(format!("\"{}\" is negative: nothing here can be below zero", m.as_str().trim()));
    }
    for m in EXPONENT.find_iter(text) {
        out.push(format!("\"{}\" is not a number the entry can use: write it out", m.as_str()));
    }
    for m in LONG.find_iter(text) {
        out.push(format!("{} is too large to be an amount", m.as_str()));
    }
    for m in ZERO_TIME.find_iter(text) {
        out.push(format!("\"{}\" is a zero duration", m.as_str().trim()));
    }
    out
}

/// Every implausible number in what a reader extracted from an entry.
pub fn extraction_problems(x: &crate::quick_entry::extraction::Extraction) -> Vec<String> {
    let mut out = Vec::new();
    let mut push = |r: Result<(), Implausible>, what: &str| {
        if let Err(e) = r {
            out.push(if what.is_empty() { e.message } else { format!("{what}: {e}") });
        }
    };
    for meal in &x.meals {
        let mut kcal = 0.0;
        for f in &meal.foods {
            push(check(Quantity::PortionCount, f.quantity), &f.name);
            if let Some(g) = f.grams {
                push(check(Quantity::FoodGrams, g), &f.name);
            }
            push(check(Quantity::MealKcal, f.calories), &f.name);
            kcal += f.calories;
        }
        push(check(Quantity::MealKcal, kcal), "the meal");
    }
    for w in &x.workouts {
        if let Some(d) = w.distance_meters {
            push(check(Quantity::DistanceM, d), &w.name);
        }
        if let Some(t) = w.duration_seconds {
            if t <= 0 {
                push(
                    Err(Implausible {
                        quantity: Quantity::DurationS,
                        value: t as f64,
                        message: format!("a duration of {t} s is not a workout"),
                    }),
                    &w.name,
                );
            } else {
                push(check(Quantity::DurationS, t as f64), &w.name);
            }
            if let Some(d) = w.distance_meters {
                push(check_pace(w.activity_type, d, t as f64), "");
            }
        }
        for s in &w.sets {
            push(check(Quantity::Reps, s.reps as f64), &s.exercise);
            if let Some(kg) = s.weight_kg {
                push(check(Quantity::LiftKg, kg), &s.exercise);
            }
        }
    }
    for m in &x.measurements {
        if let Some(w) = m.weight_kg {
            push(check(Quantity::WeightKg, w), "");
        }
        if let Some(bf) = m.body_fat_pct {
            push(check(Quantity::BodyFatPct, bf), "");
        }
        if let Some(c) = m.waist_cm {
            push(check(Quantity::LengthCm, c), "waist");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_accepts_real_values_and_refuses_impossible_ones() {
        assert!(check(Quantity::DistanceM, 42_195.0).is_ok());
        assert!(check(Quantity::DistanceM, 1e308).is_err());
        assert!(check(Quantity::DistanceM, -5.0).is_err());
        assert!(check(Quantity::ActivityKcal, 9.223372036854776e18).is_err());
        assert!(check(Quantity::HeartRateBpm, 180.0).is_ok());
        assert!(check(Quantity::HeartRateBpm, f64::NAN).is_err());
        assert!(check(Quantity::MealKcal, 6.29e10).unwrap_err().message.contains("not plausible"));
        assert!(check_pace(ActivityType::Run, 10_000.0, 50.0 * 60.0).is_ok());
        let e = check_pace(ActivityType::Run, 10_000_000.0, 60.0).unwrap_err();
        assert!(e.message.contains("10000 km in 1 min"), "{e}");
        assert!(e.message.contains("not a plausible run"), "{e}");
        assert!(check_pace(ActivityType::Ride, 100_000.0, 3.0 * 3600.0).is_ok());
    }

    #[test]
    fn typed_signs_exponents_and_zero_durations_are_flagged() {
        assert_eq!(typed_number_problems("weight -80 kg").len(), 1);
        assert_eq!(typed_number_problems("ran -5 km").len(), 1);
        assert_eq!(typed_number_problems("1e309 g rice").len(), 1);
        assert_eq!(typed_number_problems("ran 5 km in 0 min").len(), 1);
        assert_eq!(typed_number_problems("999999999999 eggs").len(), 1);
        for fine in [
            "2 eggs and toast",
            "ran 5k in 25:30",
            "weighed 82.4 kg",
            "push-ups 3x10",
            "e-bike 20 km",
            "5-10 almonds",
            "eggs - 2",
            "brekkie - 2 fried eggs",
        ] {
            assert!(typed_number_problems(fine).is_empty(), "{fine}: {:?}", typed_number_problems(fine));
        }
    }

    #[test]
    fn keep_drops_with_a_named_warning() {
        let mut w = Vec::new();
        assert_eq!(keep(Quantity::DistanceM, Some(1e308), "ride.tcx", &mut w), None);
        assert_eq!(keep(Quantity::DistanceM, Some(1000.0), "ride.tcx", &mut w), Some(1000.0));
        assert_eq!(w.len(), 1);
        assert!(w[0].starts_with("ride.tcx: distance"), "{w:?}");
    }
}
