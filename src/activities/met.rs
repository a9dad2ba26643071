//! Calories burned when no device gave them: MET × body weight (kg) ×
//! hours, with 1 MET = 1 kcal/kg/h, the convention of the Adult Compendium
//! of Physical Activities (Herrmann et al., "2024 Adult Compendium of
//! Physical Activities", J Sport Health Sci 2024;13:6–12, pacompendium.com).
//! The values are the Compendium's general codes for each activity (running
//! by speed); the estimate is stored with the activity and says it is one.

use sqlx::SqliteConnection;

use super::ActivityType;
use crate::error::Result;

/// Sports and classes by the name the quick entry stores, with their MET.
const NAMED: [(&str, f64); 33] = [
    ("badminton", 5.5),
    ("squash", 7.3),
    ("tennis", 7.3),
    ("table tennis", 4.0),
    ("padel", 6.0),
    ("football", 7.0),
    ("basketball", 6.5),
    ("volleyball", 4.0),
    ("netball", 6.5),
    ("rugby", 8.3),
    ("hockey", 7.8),
    ("cricket", 4.8),
    ("golf", 4.8),
    ("climbing", 8.0),
    ("skiing", 5.3),
    ("snowboarding", 5.3),
    ("skating", 7.0),
    ("dancing", 5.0),
    ("boxing", 7.8),
    ("martial arts", 7.5),
    ("surfing", 3.0),
    ("kayaking", 5.0),
    ("paddleboarding", 6.0),
    ("ultimate frisbee", 8.0),
    ("hiit", 8.0),
    ("crossfit", 8.0),
    ("spin class", 8.5),
    ("pilates", 3.0),
    ("half marathon", 11.0),
    ("marathon", 10.0),
    ("elliptical", 5.0),
    ("circuit", 8.0),
    ("aerobics", 7.3),
];

/// The MET of an activity, from its name first (a sport, a class), then its
/// type; running and riding by speed when distance and time are known.
pub fn met(activity_type: ActivityType, name: &str, distance_m: Option<f64>, seconds: i64) -> f64 {
    let lower = name.to_lowercase();
    if let Some((_, m)) = NAMED.iter().find(|(n, _)| lower == *n || lower.starts_with(&format!("{n} "))) {
        return *m;
    }
    let kmh = distance_m.filter(|d| *d > 0.0 && seconds > 0).map(|d| d / 1000.0 / (seconds as f64 / 3600.0));
    match activity_type {
        ActivityType::Run => match kmh {
            Some(v) if v < 8.0 => 8.3,
            Some(v) if v < 9.7 => 9.0,
            Some(v) if v < 10.8 => 9.8,
            Some(v) if v < 11.3 => 10.5,
            Some(v) if v < 12.9 => 11.0,
            Some(v) if v < 14.5 => 11.8,
            Some(v) if v < 16.1 => 12.8,
            Some(_) => 14.5,
            None => 9.8,
        },
        ActivityType::Ride => match kmh {
            Some(v) if v < 16.0 => 5.8,
            Some(v) if v < 19.0 => 6.8,
            Some(v) if v < 22.5 => 8.0,
            Some(v) if v < 25.7 => 10.0,
            Some(_) => 12.0,
            None => 7.5,
        },
        ActivityType::Swim => 6.0,
        ActivityType::Walk => 3.5,
        ActivityType::Hike => 6.0,
        ActivityType::Strength => 5.0,
        ActivityType::Yoga => 2.5,
        ActivityType::Rowing => 7.0,
        ActivityType::Elliptical => 5.0,
        ActivityType::Cardio => 7.3,
        ActivityType::Sport => 6.0,
        ActivityType::Other => 4.0,
    }
}

/// Estimated kcal: MET × kg × hours, rounded; None without a weight or a time.
pub fn estimate(met: f64, weight_kg: Option<f64>, seconds: i64) -> Option<i64> {
    let kg = weight_kg.filter(|w| w.is_finite() && *w > 20.0 && *w < 400.0)?;
    (seconds > 0 && seconds <= 86_400).then(|| (met * kg * seconds as f64 / 3600.0).round() as i64)
}

/// The note stored with an estimate, so nobody takes it for a measurement.
pub fn note(met: f64, weight_kg: f64, seconds: i64) -> String {
    format!(
        "calories estimated: MET {met} (2024 Adult Compendium) × {weight_kg:.1} kg × {:.2} h",
        seconds as f64 / 3600.0
    )
}

/// The user's body weight for the estimate: the latest weigh-in, else the profile's.
pub async fn body_weight_kg(conn: &mut SqliteConnection, user_id: &str) -> Result<Option<f64>> {
    Ok(sqlx::query_scalar(
        "SELECT COALESCE((SELECT weight_kg FROM body_measurements WHERE user_id = ?1 AND weight_kg IS NOT NULL \
         ORDER BY measured_at DESC LIMIT 1), (SELECT current_weight_kg FROM users WHERE id = ?1))",
    )
    .bind(user_id)
    .fetch_one(&mut *conn)
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sports_by_name_runs_by_speed() {
        assert_eq!(met(ActivityType::Sport, "Badminton", None, 3600), 5.5);
        assert_eq!(met(ActivityType::Run, "Run", Some(10_000.0), 3000), 11.0); // 12 km/h
        assert_eq!(estimate(5.5, Some(70.0), 3600), Some(385));
        assert_eq!(estimate(5.5, None, 3600), None);
        assert_eq!(estimate(5.5, Some(70.0), 0), None);
    }
}
