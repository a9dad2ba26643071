//! The demo profile: two weeks of realistic meals, training, weigh-ins and an
//! active 12-week program, so a first launch has something to explore.
//! Deterministic for a given `now` and time zone.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Timelike, Utc, Weekday};
use serde::Serialize;
use serde_json::json;
use sqlx::SqliteConnection;

use crate::activities::{self, ActivitySource, ActivityType, NewActivity, NewSegment};
use crate::body::{self, BodySource, NewMeasurement};
use crate::clock;
use crate::error::{Error, Result};
use crate::nutrition::{self, MealCategory, MealFood, MealSource, NewMeal};
use crate::profile::{self, NewProfile, Profile};
use crate::programs::{self, NewProgram, PROGRAM_DAYS};
use crate::store::Store;

pub mod history;

pub const DEMO_DAYS: i64 = 14;
/// The demo program started this many days before today, so today is day 12.
const PROGRAM_STARTED_DAYS_AGO: i64 = 11;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DemoReport {
    pub profile: Profile,
    pub meals: i64,
    pub activities: i64,
    pub measurements: i64,
    pub entries: i64,
    pub program_days: i64,
}

/// Small deterministic generator (xorshift64*): the demo must not depend on a seed file.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Uniform in [-1, 1).
    fn signed(&mut self) -> f64 {
        self.next() * 2.0 - 1.0
    }
}

/// A food with its portion `(quantity, unit, grams)` and `[kcal, protein, carbs, fat]` of that portion.
fn food(
    name: &str,
    (quantity, unit, grams): (f64, &str, f64),
    [calories, protein_g, carbs_g, fat_g]: [f64; 4],
) -> MealFood {
    MealFood {
        name: name.into(),
        quantity,
        unit: unit.into(),
        grams: Some(grams),
        calories,
        protein_g,
        carbs_g,
        fat_g,
        food_id: None,
        nutrients: Default::default(),
    }
}

/// (what the user would have typed, the foods) per category; values from USDA SR.
fn menu(category: MealCategory) -> Vec<(&'static str, Vec<MealFood>)> {
    match category {
        MealCategory::Breakfast => vec![
            (
                "oatmeal with a banana and milk",
                vec![
                    food("Oats, rolled", (80.0, "g", 80.0), [303.0, 10.5, 54.1, 5.5]),
                    food("Banana", (1.0, "medium", 118.0), [105.0, 1.3, 27.0, 0.4]),
                    food("Milk, whole", (200.0, "ml", 206.0), [126.0, 6.5, 9.9, 6.8]),
                ],
            ),
            (
                "3 scrambled eggs and 2 slices of wholewheat toast",
                vec![
                    food("Egg, whole, scrambled", (3.0, "large", 183.0), [273.0, 18.3, 3.7, 20.2]),
                    food("Bread, whole-wheat", (2.0, "slice", 64.0), [161.0, 8.0, 27.5, 2.2]),
                ],
            ),
            (
                "greek yogurt with blueberries and granola",
                vec![
                    food("Yogurt, Greek, plain, nonfat", (200.0, "g", 200.0), [118.0, 20.4, 7.2, 0.8]),
                    food("Blueberries, raw", (100.0, "g", 100.0), [57.0, 0.7, 14.5, 0.3]),
                    food("Granola", (40.0, "g", 40.0), [196.0, 4.5, 25.6, 8.6]),
                ],
            ),
        ],
        MealCategory::Lunch => vec![
            (
                "chicken breast with brown rice and broccoli",
                vec![
                    food("Chicken breast, roasted", (150.0, "g", 150.0), [248.0, 46.5, 0.0, 5.4]),
                    food("Rice, brown, cooked", (180.0, "g", 180.0), [193.0, 4.5, 40.0, 1.6]),
                    food("Broccoli, cooked", (150.0, "g", 150.0), [53.0, 3.6, 10.8, 0.6]),
                ],
            ),
            (
                "turkey and cheese sandwich",
                vec![
                    food("Bread, whole-wheat", (2.0, "slice", 64.0), [161.0, 8.0, 27.5, 2.2]),
                    food("Turkey breast, sliced", (80.0, "g", 80.0), [83.0, 16.8, 2.8, 0.6]),
                    food("Cheese, cheddar", (20.0, "g", 20.0), [81.0, 4.6, 0.3, 6.7]),
                ],
            ),
            (
                "lentil soup and an apple",
                vec![
                    food("Lentil soup", (400.0, "g", 400.0), [264.0, 16.4, 40.4, 3.6]),
                    food("Apple", (1.0, "medium", 182.0), [95.0, 0.5, 25.1, 0.3]),
                ],
            ),
        ],
        MealCategory::Dinner => vec![
            (
                "baked salmon, boiled potatoes and a green salad",
                vec![
                    food("Salmon, Atlantic, baked", (150.0, "g", 150.0), [309.0, 33.2, 0.0, 18.5]),
                    food("Potatoes, boiled", (250.0, "g", 250.0), [218.0, 4.7, 50.4, 0.3]),
                    food("Olive oil", (1.0, "tbsp", 13.5), [119.0, 0.0, 0.0, 13.5]),
                ],
            ),
            (
                "spaghetti bolognese",
                vec![
                    food("Spaghetti, cooked", (220.0, "g", 220.0), [348.0, 12.8, 68.0, 2.0]),
                    food("Beef bolognese sauce", (180.0, "g", 180.0), [252.0, 18.0, 10.8, 15.3]),
                ],
            ),
            (
                "tofu and vegetable stir fry with rice",
                vec![
                    food("Tofu, firm", (200.0, "g", 200.0), [288.0, 34.6, 5.6, 17.4]),
                    food("Stir-fry vegetables", (200.0, "g", 200.0), [70.0, 3.4, 13.0, 0.5]),
                    food("Rice, white, cooked", (150.0, "g", 150.0), [195.0, 4.0, 42.3, 0.4]),
                ],
            ),
        ],
        MealCategory::Snack => vec![
            (
                "protein shake",
                vec![food("Whey protein powder", (1.0, "scoop", 30.0), [120.0, 24.0, 3.0, 1.5])],
            ),
            ("a handful of almonds", vec![food("Almonds", (30.0, "g", 30.0), [174.0, 6.4, 6.5, 15.0])]),
            ("an apple", vec![food("Apple", (1.0, "medium", 182.0), [95.0, 0.5, 25.1, 0.3])]),
        ],
    }
}

fn strength(name: &str, sets: &[(&str, i64, i64, f64)]) -> (String, Vec<NewSegment>) {
    let mut segments = Vec::new();
    for &(exercise, count, reps, kg) in sets {
        for _ in 0..count {
            segments.push(NewSegment {
                exercise_name: Some(exercise.into()),
                reps: Some(reps),
                weight_kg: Some(kg),
                ..NewSegment::default()
            });
        }
    }
    (name.into(), segments)
}

/// The training week of the demo athlete, by weekday.
fn activity_for(date: NaiveDate, tz: chrono_tz::Tz, noise: &mut Noise) -> Option<NewActivity> {
    let base = |name: &str, kind, hour, minutes: f64, km: Option<f64>, hr, kcal| NewActivity {
        name: name.into(),
        activity_type: kind,
        source: ActivitySource::Manual,
        start_date: clock::local_to_utc(date, hour, 15, tz),
        elapsed_time_seconds: (minutes * 60.0).round() as i64,
        moving_time_seconds: Some((minutes * 57.0).round() as i64),
        distance_meters: km.map(|k: f64| (k * 1000.0).round()),
        calories: Some(kcal),
        average_heartrate: hr,
        notes: None,
        quick_entry_log_id: None,
        ai_extracted: false,
        segments: Vec::new(),
    };
    match date.weekday() {
        Weekday::Mon => {
            let km = 6.0 + noise.next() * 2.0;
            Some(base("Easy run", ActivityType::Run, 7, km * 5.6, Some(km), Some(142), (km * 68.0) as i64))
        }
        Weekday::Tue => {
            let (name, segments) = strength(
                "Upper body strength",
                &[("Bench press", 3, 8, 80.0), ("Barbell row", 3, 10, 60.0), ("Overhead press", 3, 8, 45.0)],
            );
            Some(NewActivity {
                segments,
                ..base(&name, ActivityType::Strength, 18, 55.0, None, Some(118), 310)
            })
        }
        Weekday::Thu => {
            Some(base("Intervals 6×800 m", ActivityType::Run, 7, 48.0, Some(8.4), Some(156), 590))
        }
        Weekday::Fri => {
            let (name, segments) = strength(
                "Lower body strength",
                &[
                    ("Back squat", 4, 6, 100.0),
                    ("Romanian deadlift", 3, 8, 90.0),
                    ("Walking lunge", 3, 10, 20.0),
                ],
            );
            Some(NewActivity {
                segments,
                ..base(&name, ActivityType::Strength, 18, 60.0, None, Some(121), 340)
            })
        }
        Weekday::Sat => {
            let km = 40.0 + noise.next() * 15.0;
            Some(base("Long ride", ActivityType::Ride, 9, km * 2.3, Some(km), Some(134), (km * 25.0) as i64))
        }
        Weekday::Wed | Weekday::Sun => None,
    }
}

/// The demo's questionnaire: what the generator builds the demo program from.
fn demo_answers() -> programs::Answers {
    programs::Answers {
        primary_goal: Some("lose_fat".into()),
        experience_level: Some("intermediate".into()),
        training_frequency: Some(4),
        session_minutes: Some(60),
        available_equipment: vec![
            "barbell".into(),
            "dumbbells".into(),
            "bench".into(),
            "pull-up bar".into(),
            "bike".into(),
        ],
        daily_calorie_target: Some(2200),
        daily_protein_target_g: Some(160),
        ..programs::Answers::default()
    }
}

/// The demo program, from the real offline generator.
fn demo_program(start_date: NaiveDate) -> Result<NewProgram> {
    let q = demo_answers().validate()?;
    Ok(NewProgram {
        plan: programs::generate::offline(&q, 0)?,
        goal: Some(q.primary_goal.as_str().into()),
        start_date,
        questions_answers: q.to_json(),
        ai_provider: "offline".into(),
        ai_model: Some("template-v1".into()),
        ai_cost_usd: 0.0,
    })
}

const MEAL_TIMES: [(MealCategory, u32, u32); 4] = [
    (MealCategory::Breakfast, 7, 30),
    (MealCategory::Lunch, 12, 45),
    (MealCategory::Snack, 16, 0),
    (MealCategory::Dinner, 19, 15),
];

/// When the day's meals were logged: the usual times that have passed, and
/// on a today whose first meal is still to come (06:00, just after midnight
/// on the first day of a week) one meal a minute ago, so Today and the week
/// always show a logged day. Nothing is ever logged after `now`.
fn meal_times(date: NaiveDate, tz: chrono_tz::Tz, now: DateTime<Utc>) -> Vec<(MealCategory, DateTime<Utc>)> {
    let mut times: Vec<_> = MEAL_TIMES
        .iter()
        .map(|&(category, hour, minute)| (category, clock::local_to_utc(date, hour, minute, tz)))
        .filter(|(_, at)| *at <= now)
        .collect();
    if times.is_empty() && clock::local_date(now, tz) == date {
        let at = (now - Duration::minutes(1)).max(clock::day_start_utc(date, tz)).min(now);
        let hour = at.with_timezone(&tz).hour();
        times.push((if (5..11).contains(&hour) { MealCategory::Breakfast } else { MealCategory::Snack }, at));
    }
    times
}

/// Fills the default profile (created if missing) with the demo data.
/// Refuses when the profile already has data, so nothing real is mixed in.
pub async fn load(store: &Store, now: DateTime<Utc>, time_zone: Option<String>) -> Result<DemoReport> {
    let mut tx = store.begin_write().await?;
    let existing: Option<String> = sqlx::query_scalar("SELECT id FROM users ORDER BY created_at, id LIMIT 1")
        .fetch_optional(&mut *tx)
        .await?;
    let profile = match existing {
        Some(id) => {
            tx.commit().await?;
            let profile = profile::get(store, &id).await?;
            if profile::has_data(store, &id).await? {
                return Err(Error::invalid(format!(
                    "profile {:?} already has data; the demo only fills an empty profile (use another --db to try it)",
                    profile.full_name
                )));
            }
            tx = store.begin_write().await?;
            adopt_demo_targets(&mut tx, &profile.id).await?;
            profile
        }
        None => {
            profile::create(
                &mut tx,
                NewProfile {
                    full_name: "Alex Morgan".into(),
                    time_zone,
                    demo: true,
                    age: Some(34),
                    biological_sex: Some("male".into()),
                    height_cm: Some(180.0),
                    current_weight_kg: Some(82.9),
                    goal_weight_kg: Some(78.0),
                    primary_goal: Some("lose_fat".into()),
                    experience_level: Some("intermediate".into()),
                    training_frequency: Some(5),
                    daily_calorie_target: Some(2200),
                    daily_protein_target_g: Some(160),
                    daily_carbs_target_g: Some(220),
                    daily_fat_target_g: Some(70),
                    ..NewProfile::default()
                },
            )
            .await?
        }
    };
    let profile = {
        // Re-read inside the transaction so targets adopted above are visible.
        let row: (Option<i64>,) = sqlx::query_as("SELECT daily_calorie_target FROM users WHERE id = ?")
            .bind(&profile.id)
            .fetch_one(&mut *tx)
            .await?;
        Profile { daily_calorie_target: row.0, ..profile }
    };
    let report = fill(&mut tx, &profile, now).await?;
    tx.commit().await?;
    let profile = profile::get(store, &profile.id).await?;
    Ok(DemoReport { profile, ..report })
}

async fn adopt_demo_targets(conn: &mut SqliteConnection, user_id: &str) -> Result<()> {
    sqlx::query(
        "UPDATE users SET daily_calorie_target = COALESCE(daily_calorie_target, 2200), \
         daily_protein_target_g = COALESCE(daily_protein_target_g, 160), \
         daily_carbs_target_g = COALESCE(daily_carbs_target_g, 220), \
         daily_fat_target_g = COALESCE(daily_fat_target_g, 70), \
         goal_weight_kg = COALESCE(goal_weight_kg, 78.0), \
         settings = json_set(settings, '$.demo', json('true')) WHERE id = ?",
    )
    .bind(user_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn fill(conn: &mut SqliteConnection, profile: &Profile, now: DateTime<Utc>) -> Result<DemoReport> {
    let tz = profile.tz();
    let today = clock::local_date(now, tz);
    let mut noise = Noise(0x5eed_cafe_f00d_1234);
    let (mut meals, mut activity_count, mut measurements, mut entries) = (0, 0, 0, 0);

    for days_ago in (0..DEMO_DAYS).rev() {
        let date = today - Duration::days(days_ago);
        let weigh_in = clock::local_to_utc(date, 7, 0, tz);
        if weigh_in <= now {
            // A slow loss of ~0.1 kg a day with ±0.4 kg of water noise.
            let kg = 84.2 - 0.1 * (DEMO_DAYS - 1 - days_ago) as f64 + 0.4 * noise.signed();
            let body_fat = (days_ago % 7 == 0).then(|| 19.5 - 0.05 * (DEMO_DAYS - days_ago) as f64);
            body::insert(
                conn,
                profile,
                &NewMeasurement {
                    measured_at: weigh_in,
                    weight_kg: Some((kg * 10.0).round() / 10.0),
                    body_fat_pct: body_fat,
                    measurements: if days_ago % 7 == 0 {
                        serde_json::Map::from_iter([(
                            "waist_cm".to_string(),
                            json!(86.0 - 0.1 * (DEMO_DAYS - days_ago) as f64),
                        )])
                    } else {
                        serde_json::Map::new()
                    },
                    source: BodySource::Scale,
                    quick_entry_log_id: None,
                    ai_extracted: false,
                },
            )
            .await?;
            measurements += 1;
        }
        for (category, logged_at) in meal_times(date, tz, now) {
            let options = menu(category);
            let (text, foods) = &options[(noise.next() * options.len() as f64) as usize % options.len()];
            // Breakfasts arrive through quick entry, as a daily user would log them.
            let quick_entry_log_id = if category == MealCategory::Breakfast {
                let id = crate::new_id();
                sqlx::query(
                    "INSERT INTO quick_entry_logs (id, user_id, input_type, raw_text, ai_provider, ai_model, \
                     ai_cost_usd, ai_classification, ai_confidence_score, contains_meal, processing_status, \
                     logged_at, processed_at) VALUES (?, ?, 'text', ?, 'offline', 'demo', 0, 'meal', 0.9, 1, \
                     'completed', ?, ?)",
                )
                .bind(&id)
                .bind(&profile.id)
                .bind(format!("{text} for breakfast"))
                .bind(clock::to_db(logged_at))
                .bind(clock::to_db(logged_at))
                .execute(&mut *conn)
                .await?;
                entries += 1;
                Some(id)
            } else {
                None
            };
            let meal_id = nutrition::insert_meal(
                conn,
                profile,
                &NewMeal {
                    category,
                    logged_at,
                    name: Some(text.to_string()),
                    foods: foods.clone(),
                    source: if quick_entry_log_id.is_some() {
                        MealSource::QuickEntry
                    } else {
                        MealSource::Manual
                    },
                    quick_entry_log_id: quick_entry_log_id.clone(),
                    ai_extracted: quick_entry_log_id.is_some(),
                    ai_confidence: quick_entry_log_id.as_ref().map(|_| 0.9),
                    image_url: None,
                },
            )
            .await?;
            if let Some(entry_id) = quick_entry_log_id {
                sqlx::query("UPDATE quick_entry_logs SET meal_log_ids = json_array(?), ai_extracted_data = ? WHERE id = ?")
                    .bind(&meal_id)
                    .bind(json!({ "meals": [{ "category": "breakfast", "foods": foods }] }).to_string())
                    .bind(entry_id)
                    .execute(&mut *conn)
                    .await?;
            }
            meals += 1;
        }
        if let Some(activity) = activity_for(date, tz, &mut noise).filter(|a| a.start_date <= now) {
            let id = activities::insert(conn, profile, &activity).await?;
            // A training load from the average heart rate, so fitness and form have a history.
            let load = activity.average_heartrate.and_then(|hr| {
                let seconds = activity.moving_time_seconds.unwrap_or(activity.elapsed_time_seconds) as f64;
                activities::metrics::trimp(&[0.0, seconds], &[hr as f64, hr as f64], 55.0, 188.0, false)
            });
            sqlx::query("UPDATE activities SET training_load = ? WHERE id = ? AND user_id = ?")
                .bind(load.map(|l| l.round()))
                .bind(&id)
                .bind(&profile.id)
                .execute(&mut *conn)
                .await?;
            activity_count += 1;
        }
    }

    programs::create(conn, profile, &demo_program(today - Duration::days(PROGRAM_STARTED_DAYS_AGO))?).await?;
    Ok(DemoReport {
        profile: profile.clone(),
        meals,
        activities: activity_count,
        measurements,
        entries,
        program_days: PROGRAM_DAYS,
    })
}
