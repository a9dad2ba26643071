//! Calories burned when no device gave them: MET × body weight (kg) ×
//! hours, with 1 MET = 1 kcal/kg/h, the convention of the Adult Compendium
//! of Physical Activities (Herrmann et al., "2024 Adult Compendium of
//! Physical Activities", J Sport Health Sci 2024;13:6–12, pacompendium.com).
//! The values are the Compendium's general codes for each activity (running
//! by speed); the estimate is stored with the activity and says it is one.

use sqlx::SqliteConnection;

use super::ActivityType;
use crate::error::Result;

/// Sports and classes by the name the quick entry stores, with their MET and
/// the 2024 Adult Compendium activity code it comes from. The 2024 values
/// were read from a transcription of the Compendium's 2024 tables that names
/// each code (not from the PDF itself); entries marked "not checked" have no
/// 2024 code there and keep the 2011 Compendium's value.
const NAMED: [(&str, f64); 34] = [
    ("badminton", 5.5),        // 15030 badminton, social singles and doubles, general
    ("squash", 7.3),           // 15652 squash, general
    ("tennis", 6.8),           // 15675 tennis, general
    ("table tennis", 4.0),     // 15660 table tennis, ping pong
    ("padel", 6.0),            // not checked: no 2024 code; tennis, doubles (2011 15680)
    ("football", 7.0),         // 15610 soccer, casual, general
    ("basketball", 7.5),       // 15055 basketball, general
    ("volleyball", 4.0),       // 15710 volleyball, non-competitive, general
    ("netball", 6.5),          // not checked: no 2024 code; basketball, non-game (2011 15070)
    ("rugby", 8.3),            // 15560 rugby, union, team, competitive
    ("hockey", 7.8),           // 15350 hockey, field
    ("cricket", 4.8),          // 15150 cricket, batting, bowling, fielding
    ("golf", 4.5),             // 15255 golf, general
    ("climbing", 7.3),         // 15535 rock or mountain climbing
    ("skiing", 6.3),           // 19160 skiing, downhill, moderate effort, general
    ("snowboarding", 6.3),     // 19160 skiing or snowboarding, downhill, moderate effort
    ("skating", 7.0),          // 19030 ice skating, general (roller skating 15590 is also 7.0)
    ("dancing", 5.5),          // 03030 dancing, general
    ("boxing", 7.8),           // 15120 boxing, sparring
    ("martial arts", 10.3),    // 15430 martial arts, moderate pace (judo, karate, kickboxing)
    ("surfing", 3.0),          // 18220 surfing, body or board, general
    ("kayaking", 5.0),         // 18100 kayaking, moderate effort
    ("paddleboarding", 6.5),   // 18224 stand-up paddleboarding, moderate effort
    ("ultimate frisbee", 8.0), // 15250 frisbee, ultimate
    ("hiit", 7.5),             // 02040 circuit training, vigorous, minimal rest
    ("crossfit", 7.5),         // 02040 circuit training, vigorous, minimal rest
    ("spin class", 9.0),       // 01270 bicycling, stationary, spinning class
    ("pilates", 2.8),          // 02105 pilates, general
    ("elliptical", 5.0),       // 02048 elliptical trainer, moderate effort
    ("circuit", 5.0),          // 02035 circuit training, moderate effort
    ("aerobics", 7.3),         // 02000 aerobics, general
    ("stairmaster", 9.3),      // 02065 stair-treadmill ergometer, general
    ("stepper", 9.3),          // 02065 stair-treadmill ergometer, general
    ("bootcamp", 5.0),         // 02008 boot camp training, general
];

/// The MET of an activity, from its name first (a sport, a class), then its
/// type; running and riding by speed when distance and time are known.
pub fn met(activity_type: ActivityType, name: &str, distance_m: Option<f64>, seconds: i64) -> f64 {
    let lower = name.to_lowercase();
    if let Some((_, m)) = NAMED.iter().find(|(n, _)| lower == *n || lower.starts_with(&format!("{n} "))) {
        return *m;
    }
    // Running and riding by speed: the 2011 Compendium's codes by pace
    // (running 12030–12120, bicycling 01010–01050), not checked against the
    // 2024 tables. A marathon or a half is a run at its own pace, so it has
    // no named value (2024's 12200 "marathon", 13.3, would overstate a 4-hour one).
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
        ActivityType::Swim => 6.0, // 18310 swimming, leisurely, not lap swimming, general
        ActivityType::Walk => 3.5, // 17160 walking for pleasure
        ActivityType::Hike => 6.0, // 17080 hiking, cross country
        ActivityType::Strength => 5.0, // 02052 resistance training, multiple exercises, 8–15 reps
        ActivityType::Yoga => 2.3, // 02150 yoga, hatha
        ActivityType::Rowing => 7.5, // 02072 rowing, stationary ergometer, moderate effort
        ActivityType::Elliptical => 5.0, // 02048 elliptical trainer, moderate effort
        ActivityType::Cardio => 7.3, // 02000 aerobics, general
        ActivityType::Sport => 6.0, // not checked: no single 2024 code for "a sport"
        ActivityType::Other => 4.0, // not checked: a moderate default
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
