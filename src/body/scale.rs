//! Smart-scale FIT files: `weight_scale` messages (weight, body fat, body
//! water, muscle and bone mass) into body_measurements with source `scale`.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use fitparser::profile::MesgNum;
use fitparser::{FitDataRecord, Value};
use serde::Serialize;

use super::{BodySource, NewMeasurement, insert};
use crate::clock;
use crate::error::{Error, Result};
use crate::profile::Profile;
use crate::store::Store;

/// One weigh-in read from a FIT file, in SI.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ScaleReading {
    pub measured_at: DateTime<Utc>,
    pub weight_kg: Option<f64>,
    pub body_fat_pct: Option<f64>,
    pub body_water_pct: Option<f64>,
    pub muscle_mass_kg: Option<f64>,
    pub bone_mass_kg: Option<f64>,
    /// Which person on a multi-user scale, when the file says.
    pub user_profile_index: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ScaleImport {
    pub file_name: String,
    /// Ids of the new measurements.
    pub imported: Vec<String>,
    /// Readings whose time was already recorded (an earlier import).
    pub skipped_duplicates: u32,
    /// Messages without a timestamp or any usable value.
    pub skipped_empty: u32,
    /// People on the scale other than the one imported (multi-user files).
    pub other_users: Vec<i64>,
}

fn number(v: &Value) -> Option<f64> {
    let x = match v {
        Value::Byte(x) | Value::UInt8(x) | Value::UInt8z(x) | Value::Enum(x) => f64::from(*x),
        Value::SInt8(x) => f64::from(*x),
        Value::SInt16(x) => f64::from(*x),
        Value::UInt16(x) | Value::UInt16z(x) => f64::from(*x),
        Value::SInt32(x) => f64::from(*x),
        Value::UInt32(x) | Value::UInt32z(x) => f64::from(*x),
        Value::Float32(x) => f64::from(*x),
        Value::Float64(x) => *x,
        Value::SInt64(x) => *x as f64,
        Value::UInt64(x) | Value::UInt64z(x) => *x as f64,
        _ => return None,
    };
    x.is_finite().then_some(x)
}

fn reading(record: &FitDataRecord) -> Option<ScaleReading> {
    let mut r = ScaleReading {
        measured_at: DateTime::<Utc>::MIN_UTC,
        weight_kg: None,
        body_fat_pct: None,
        body_water_pct: None,
        muscle_mass_kg: None,
        bone_mass_kg: None,
        user_profile_index: None,
    };
    let mut at = None;
    for field in record.fields() {
        let value = field.value();
        // Out-of-range values are the FIT "invalid"/"calculating" markers (e.g. 0xFFFE / 100 kg).
        let mass = || number(value).filter(|kg| *kg > 0.0 && *kg < 650.0);
        let pct = || number(value).filter(|p| (0.0..=100.0).contains(p));
        match field.name() {
            "timestamp" => {
                if let Value::Timestamp(t) = value {
                    at = Some(t.with_timezone(&Utc));
                }
            }
            // The FIT `weight` type (scale 100) has a named value ("calculating"),
            // so fitparser 0.11 hands back the raw integer unscaled: 7580 = 75.80 kg.
            "weight" => {
                r.weight_kg = match value {
                    Value::Float32(_) | Value::Float64(_) => mass(),
                    _ => number(value).map(|raw| raw / 100.0).filter(|kg| *kg > 0.0 && *kg < 650.0),
                }
            }
            "percent_fat" => r.body_fat_pct = pct(),
            "percent_hydration" => r.body_water_pct = pct(),
            "muscle_mass" => r.muscle_mass_kg = mass(),
            "bone_mass" => r.bone_mass_kg = mass(),
            "user_profile_index" => r.user_profile_index = number(value).map(|x| x as i64),
            _ => {}
        }
    }
    r.measured_at = at?;
    let any = r.weight_kg.or(r.body_fat_pct).or(r.body_water_pct).or(r.muscle_mass_kg).or(r.bone_mass_kg);
    any.map(|_| r)
}

/// A person of a multi-user scale (`user_profile` message).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ScalePerson {
    pub index: i64,
    pub gender: Option<String>,
    pub age: Option<i64>,
    pub height_cm: Option<f64>,
}

fn person(record: &FitDataRecord) -> Option<ScalePerson> {
    let mut p = ScalePerson { index: -1, gender: None, age: None, height_cm: None };
    for field in record.fields() {
        let value = field.value();
        match field.name() {
            "message_index" => p.index = number(value)? as i64,
            "gender" => {
                if let Value::String(g) = value {
                    p.gender = Some(g.clone());
                }
            }
            "age" => p.age = number(value).map(|a| a as i64),
            "height" => p.height_cm = number(value).map(|m| m * 100.0),
            _ => {}
        }
    }
    (p.index >= 0).then_some(p)
}

/// What a FIT file holds for the body: readings oldest first, the people
/// of a multi-user scale, and how many messages had nothing usable.
#[derive(Debug, Clone, Serialize)]
pub struct ScaleFile {
    pub readings: Vec<ScaleReading>,
    pub people: Vec<ScalePerson>,
    pub skipped_empty: u32,
}

pub fn read_scale_fit(bytes: &[u8], file_name: &str) -> Result<ScaleFile> {
    // Our own decoder checks the framing and checksum first: a damaged file is
    // refused with the reason, and `fitparser` (which prints stray "ERROR: field
    // size" lines to stderr on some damage) only sees files that are whole.
    if let Some(damage) = crate::activities::import::fit_decode::decode(bytes).damage {
        return Err(Error::invalid(format!("{file_name} is not a readable FIT file: {damage}")));
    }
    let records = fitparser::from_bytes(bytes)
        .map_err(|e| Error::invalid(format!("{file_name} is not a readable FIT file: {e}")))?;
    let mut file = ScaleFile { readings: Vec::new(), people: Vec::new(), skipped_empty: 0 };
    for record in &records {
        match record.kind() {
            MesgNum::WeightScale => match reading(record) {
                Some(r) => file.readings.push(r),
                None => file.skipped_empty += 1,
            },
            MesgNum::UserProfile => file.people.extend(person(record)),
            _ => {}
        }
    }
    file.readings.sort_by_key(|r| r.measured_at);
    Ok(file)
}

/// On a multi-user scale, the person who best matches the profile (sex,
/// then height and age); the lowest index when the profile says nothing.
fn choose_person(indexes: &BTreeSet<i64>, people: &[ScalePerson], me: &Facts) -> Option<i64> {
    let score = |index: i64| -> f64 {
        let Some(p) = people.iter().find(|p| p.index == index) else {
            return 1e6;
        };
        let mut s = 0.0;
        if let (Some(a), Some(b)) = (&me.biological_sex, &p.gender)
            && a != b
        {
            s += 1000.0;
        }
        if let (Some(a), Some(b)) = (me.height_cm, p.height_cm) {
            s += (a - b).abs();
        }
        if let (Some(a), Some(b)) = (me.age, p.age) {
            s += (a - b).abs() as f64;
        }
        s
    };
    // Ties keep the lowest index: iteration is ascending and min_by keeps the first.
    indexes.iter().copied().min_by(|a, b| score(*a).total_cmp(&score(*b)))
}

#[derive(sqlx::FromRow)]
struct Facts {
    biological_sex: Option<String>,
    height_cm: Option<f64>,
    age: Option<i64>,
}

fn round(v: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (v * f).round() / f
}

/// Imports a smart scale's FIT file into `profile`'s measurements in one
/// transaction. A reading at a time already recorded is skipped, so
/// importing the same file twice adds nothing. On a multi-user scale only
/// the readings of the person matching the profile are imported (see
/// [`choose_person`]); the others are listed in the report.
pub async fn import_scale_fit(
    store: &Store,
    profile: &Profile,
    bytes: &[u8],
    file_name: &str,
) -> Result<ScaleImport> {
    let ScaleFile { readings, people, skipped_empty } = read_scale_fit(bytes, file_name)?;
    if readings.is_empty() {
        return Err(Error::invalid(format!("{file_name} has no weight-scale readings")));
    }
    let users: BTreeSet<i64> = readings.iter().filter_map(|r| r.user_profile_index).collect();
    let mut tx = store.begin_write().await?;
    let chosen = if users.len() > 1 {
        let me: Facts = sqlx::query_as("SELECT biological_sex, height_cm, age FROM users WHERE id = ?")
            .bind(&profile.id)
            .fetch_one(&mut *tx)
            .await?;
        choose_person(&users, &people, &me)
    } else {
        users.first().copied()
    };
    let mut report = ScaleImport {
        file_name: file_name.to_string(),
        imported: Vec::new(),
        skipped_duplicates: 0,
        skipped_empty,
        other_users: users.iter().copied().filter(|u| Some(*u) != chosen).collect(),
    };
    for r in readings.iter().filter(|r| r.user_profile_index.is_none() || r.user_profile_index == chosen) {
        let exists: bool = sqlx::query_scalar(
            "SELECT EXISTS(SELECT 1 FROM body_measurements WHERE user_id = ? AND measured_at = ?)",
        )
        .bind(&profile.id)
        .bind(clock::to_db(r.measured_at))
        .fetch_one(&mut *tx)
        .await?;
        if exists {
            report.skipped_duplicates += 1;
            continue;
        }
        let mut others = serde_json::Map::new();
        for (key, value) in [
            ("body_water_pct", r.body_water_pct),
            ("muscle_mass_kg", r.muscle_mass_kg),
            ("bone_mass_kg", r.bone_mass_kg),
        ] {
            if let Some(v) = value {
                others.insert(key.into(), serde_json::json!(round(v, 3)));
            }
        }
        let id = insert(
            &mut tx,
            profile,
            &NewMeasurement {
                measured_at: r.measured_at,
                weight_kg: r.weight_kg.map(|w| round(w, 3)),
                body_fat_pct: r.body_fat_pct.map(|p| round(p, 2)),
                measurements: others,
                source: BodySource::Scale,
                quick_entry_log_id: None,
                ai_extracted: false,
            },
        )
        .await?;
        report.imported.push(id);
    }
    tx.commit().await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!("{}/tests/fixtures/activities/fit/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    #[test]
    fn single_user_readings_are_scaled_to_kilograms() {
        let file = read_scale_fit(&fixture("WeightScaleSingleUser.fit"), "x").unwrap();
        let got: Vec<_> = file
            .readings
            .iter()
            .map(|r| (clock::to_db(r.measured_at), r.weight_kg, r.body_fat_pct))
            .collect();
        assert_eq!(
            got,
            vec![
                ("2009-09-09T21:38:00.000Z".to_string(), Some(75.8), Some(22.3)),
                ("2009-09-09T22:38:00.000Z".to_string(), Some(76.09), Some(25.1)),
            ]
        );
    }

    #[test]
    fn the_matching_person_of_a_multi_user_scale_is_chosen() {
        let file = read_scale_fit(&fixture("WeightScaleMultiUser.fit"), "x").unwrap();
        assert_eq!(file.people.len(), 2);
        let indexes: BTreeSet<i64> = file.readings.iter().filter_map(|r| r.user_profile_index).collect();
        let woman = Facts { biological_sex: Some("female".into()), height_cm: Some(160.0), age: None };
        assert_eq!(choose_person(&indexes, &file.people, &woman), Some(1));
        let man = Facts { biological_sex: Some("male".into()), height_cm: None, age: Some(45) };
        assert_eq!(choose_person(&indexes, &file.people, &man), Some(0));
        let unknown = Facts { biological_sex: None, height_cm: None, age: None };
        assert_eq!(choose_person(&indexes, &file.people, &unknown), Some(0));
    }
}
