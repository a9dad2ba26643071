//! Scoring the offline parser against the labelled entries in tests/data/
//! (shared by tests and a benchmark): `score` reads the text only; `score_stored`
//! scores what the user sees — each entry stored and processed offline on a
//! real database with the bundled foods, then the stored meals' calories,
//! the foods resolved to a food with grams, the classification and fields.
#![allow(dead_code)]

use std::collections::BTreeMap;

use serde::Deserialize;
use wagner::quick_entry::extraction::Extraction;
use wagner::quick_entry::offline::{self, WeightUnit};

#[derive(Debug, Deserialize)]
pub struct Labelled {
    pub text: String,
    pub hour: u32,
    pub class: String,
    #[serde(default)]
    pub foods: Option<Vec<String>>,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default, rename = "type")]
    pub activity_type: Option<String>,
    #[serde(default)]
    pub distance_m: Option<f64>,
    #[serde(default)]
    pub duration_s: Option<i64>,
    #[serde(default)]
    pub sets: Option<usize>,
    #[serde(default)]
    pub volume: Option<f64>,
    #[serde(default)]
    pub weight_kg: Option<f64>,
    #[serde(default)]
    pub body_fat: Option<f64>,
    #[serde(default)]
    pub waist_cm: Option<f64>,
    /// Total reps of an entry without sets ("80 pushups").
    #[serde(default)]
    pub reps: Option<i64>,
    #[serde(default)]
    pub resting_hr: Option<f64>,
    /// The meal calories of the whole entry, [low, high].
    #[serde(default)]
    pub kcal: Option<[f64; 2]>,
}

/// The development set.
pub fn load() -> Vec<Labelled> {
    load_named("labelled_entries.json")
}

/// A set in tests/data by file name.
pub fn load_named(name: &str) -> Vec<Labelled> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {path}: {e}"))
}

#[derive(Debug, Default)]
pub struct Report {
    /// class → (true positives, predicted, expected)
    pub classes: BTreeMap<String, (usize, usize, usize)>,
    /// field → (correct, expected)
    pub fields: BTreeMap<&'static str, (usize, usize)>,
    pub misses: Vec<String>,
    /// Food phrases in entries labelled with foods, and those stored with a food and grams.
    pub food_phrases: usize,
    pub foods_resolved: usize,
    /// Entries labelled with a calorie range, and those whose stored meals fall in it.
    pub kcal_entries: usize,
    pub kcal_in_range: usize,
    /// Entries whose classification and every labelled field are right.
    pub entries: usize,
    pub entries_all_right: usize,
    /// Entries left needs_review (a food not found) by processing.
    pub needs_review: usize,
}

impl Report {
    pub fn precision(&self, class: &str) -> f64 {
        let (tp, predicted, _) = self.classes.get(class).copied().unwrap_or_default();
        if predicted == 0 { 1.0 } else { tp as f64 / predicted as f64 }
    }
    pub fn recall(&self, class: &str) -> f64 {
        let (tp, _, expected) = self.classes.get(class).copied().unwrap_or_default();
        if expected == 0 { 1.0 } else { tp as f64 / expected as f64 }
    }
    pub fn accuracy(&self) -> f64 {
        let tp: usize = self.classes.values().map(|c| c.0).sum();
        let n: usize = self.classes.values().map(|c| c.2).sum();
        tp as f64 / n as f64
    }
    pub fn field_accuracy(&self) -> f64 {
        let (ok, n) = self.fields.values().fold((0, 0), |(a, b), (c, d)| (a + c, b + d));
        ok as f64 / n as f64
    }
    pub fn resolved_share(&self) -> f64 {
        ratio(self.foods_resolved, self.food_phrases)
    }
    pub fn kcal_share(&self) -> f64 {
        ratio(self.kcal_in_range, self.kcal_entries)
    }
    pub fn all_right_share(&self) -> f64 {
        ratio(self.entries_all_right, self.entries)
    }

    /// The scores of `score_stored`, one line each.
    pub fn stored_table(&self) -> String {
        format!(
            "| score | value |\n|---|---|\n\
             | food phrases resolved to a food with grams | {}/{} = {:.3} |\n\
             | meal entries within their calorie range | {}/{} = {:.3} |\n\
             | classification accuracy | {:.3} |\n\
             | entries with every labelled field right | {}/{} = {:.3} |\n\
             | field accuracy (per field) | {:.3} |\n\
             | entries left needs_review | {} |\n",
            self.foods_resolved,
            self.food_phrases,
            self.resolved_share(),
            self.kcal_in_range,
            self.kcal_entries,
            self.kcal_share(),
            self.accuracy(),
            self.entries_all_right,
            self.entries,
            self.all_right_share(),
            self.field_accuracy(),
            self.needs_review,
        )
    }

    pub fn table(&self) -> String {
        let mut out = String::from("| class | precision | recall | entries |\n|---|---|---|---|\n");
        for (class, (_, _, expected)) in &self.classes {
            out += &format!(
                "| {class} | {:.2} | {:.2} | {expected} |\n",
                self.precision(class),
                self.recall(class)
            );
        }
        out += &format!(
            "\nclassification accuracy {:.3}\n\n| field | correct | of |\n|---|---|---|\n",
            self.accuracy()
        );
        for (field, (ok, n)) in &self.fields {
            out += &format!("| {field} | {ok} | {n} |\n");
        }
        out += &format!("\nfield accuracy {:.3}\n", self.field_accuracy());
        out
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

fn close(a: Option<f64>, b: f64, tolerance: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() <= tolerance)
}

pub fn score(entries: &[Labelled]) -> Report {
    let mut report = Report::default();
    for entry in entries {
        let e: Extraction = offline::parse(&entry.text, entry.hour, WeightUnit::Kg);
        let predicted = e.classification().to_string();
        if score_entry(&mut report, entry, &e, &predicted) {
            report.entries_all_right += 1;
        }
    }
    report
}

/// Scores one entry's reading; true when its class and every labelled field are right.
fn score_entry(report: &mut Report, entry: &Labelled, e: &Extraction, predicted: &str) -> bool {
    let mut all_right = true;
    report.entries += 1;
    {
        let predicted = predicted.to_string();
        report.classes.entry(entry.class.clone()).or_default().2 += 1;
        report.classes.entry(predicted.clone()).or_default().1 += 1;
        if predicted == entry.class {
            report.classes.entry(predicted.clone()).or_default().0 += 1;
        } else {
            all_right = false;
            report.misses.push(format!("{:?}: expected {}, got {predicted}", entry.text, entry.class));
        }
        let mut field = |name: &'static str, ok: bool| {
            let f = report.fields.entry(name).or_default();
            f.1 += 1;
            if ok {
                f.0 += 1;
            } else {
                all_right = false;
                report.misses.push(format!("{:?}: {name} wrong: {e:?}", entry.text));
            }
        };
        if let Some(foods) = &entry.foods {
            let got: Vec<&str> =
                e.meals.iter().flat_map(|m| m.foods.iter().map(|f| f.name.as_str())).collect();
            field("foods", got == foods.iter().map(String::as_str).collect::<Vec<_>>());
        }
        if let Some(category) = &entry.category {
            let got = e.meals.first().and_then(|m| m.category).map(|c| format!("{c:?}").to_lowercase());
            field("meal category", got.as_deref() == Some(category.as_str()));
        }
        let workout = e.workouts.first();
        if let Some(t) = &entry.activity_type {
            let got = workout.map(|w| format!("{:?}", w.activity_type).to_lowercase());
            field("activity type", got.as_deref() == Some(t.as_str()));
        }
        if let Some(d) = entry.distance_m {
            field("distance", close(workout.and_then(|w| w.distance_meters), d, d * 0.001 + 1.0));
        }
        if let Some(s) = entry.duration_s {
            field("duration", workout.and_then(|w| w.duration_seconds) == Some(s));
        }
        if let Some(n) = entry.sets {
            field("sets", workout.map(|w| w.sets.len()) == Some(n));
        }
        if let Some(v) = entry.volume {
            let got = workout
                .map(|w| w.sets.iter().map(|s| s.reps as f64 * s.weight_kg.unwrap_or(0.0)).sum::<f64>());
            field("strength volume", close(got, v, 0.5));
        }
        let m = e.measurements.first();
        if let Some(w) = entry.weight_kg {
            field("weight", close(m.and_then(|m| m.weight_kg), w, 0.05));
        }
        if let Some(bf) = entry.body_fat {
            field("body fat", close(m.and_then(|m| m.body_fat_pct), bf, 0.05));
        }
        if let Some(waist) = entry.waist_cm {
            field("waist", close(m.and_then(|m| m.waist_cm), waist, 0.2));
        }
        if let Some(hr) = entry.resting_hr {
            field("resting heart rate", close(m.and_then(|m| m.resting_hr_bpm), hr, 0.5));
        }
        if let Some(reps) = entry.reps {
            let got = workout.map(|w| w.sets.iter().map(|s| s.reps).sum::<i64>());
            field("reps", got == Some(reps));
        }
    }
    all_right
}

/// Stores and processes every entry offline on `store` (with the bundled
/// foods loaded) as `profile`, at its labelled local hour of 2026-12-01, and
/// scores the stored rows.
pub async fn score_stored(
    store: &wagner::Store,
    profile: &wagner::profile::Profile,
    entries: &[Labelled],
) -> Report {
    use wagner::quick_entry::{self, ProcessingStatus, pipeline};
    let mut report = Report::default();
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
    for entry in entries {
        let at = wagner::clock::local_to_utc(day, entry.hour, 0, profile.tz());
        let logged = quick_entry::log_text_at(store, profile, &entry.text, at).await.expect("log");
        let processed = pipeline::process(store, profile, &logged.id, pipeline::Reader::Offline).await;
        let (extraction, predicted, meal_ids) = match processed {
            Ok(p) => (p.extraction, p.classification, p.meal_log_ids),
            Err(_) => (Extraction::default(), "unknown".to_string(), Vec::new()),
        };
        let stored = quick_entry::get(store, &profile.id, &logged.id).await.expect("entry");
        if stored.processing_status == ProcessingStatus::NeedsReview {
            report.needs_review += 1;
        }
        let mut all_right = score_entry(&mut report, entry, &extraction, &predicted);
        let mut conn = store.pool().acquire().await.expect("conn");
        let mut meals = Vec::new();
        for id in &meal_ids {
            meals.push(wagner::nutrition::meals::get(&mut conn, &profile.id, id).await.expect("meal"));
        }
        if let Some(expected) = &entry.foods {
            let foods: Vec<_> = meals.iter().flat_map(|m| m.foods.iter()).collect();
            let resolved =
                foods.iter().filter(|f| f.food_id.is_some() && f.grams.is_some_and(|g| g > 0.0)).count();
            report.food_phrases += expected.len();
            report.foods_resolved += resolved.min(expected.len());
            if resolved < expected.len() {
                let missing: Vec<&str> =
                    foods.iter().filter(|f| f.food_id.is_none()).map(|f| f.name.as_str()).collect();
                report.misses.push(format!("{:?}: foods not resolved: {missing:?}", entry.text));
            }
        }
        if let Some([low, high]) = entry.kcal {
            report.kcal_entries += 1;
            let total: f64 = meals.iter().map(|m| m.total_calories).sum();
            if (low..=high).contains(&total) {
                report.kcal_in_range += 1;
            } else {
                all_right = false;
                let foods: Vec<String> = meals
                    .iter()
                    .flat_map(|m| m.foods.iter())
                    .map(|f| {
                        format!(
                            "{} {} {} = {:.0} g {:.0} kcal",
                            f.quantity,
                            f.unit,
                            f.name,
                            f.grams.unwrap_or(0.0),
                            f.calories
                        )
                    })
                    .collect();
                report
                    .misses
                    .push(format!("{:?}: {total:.0} kcal, expected {low}–{high}: {foods:?}", entry.text));
            }
        }
        if all_right {
            report.entries_all_right += 1;
        }
    }
    report
}

/// A user to score against: UTC, 70 kg (the weight MET estimates use), no
/// history, so one set's picks never help another's.
pub async fn new_scorer(store: &wagner::Store, name: &str) -> wagner::profile::Profile {
    let mut conn = store.pool().acquire().await.expect("conn");
    wagner::profile::create(
        &mut conn,
        wagner::profile::NewProfile {
            full_name: name.into(),
            time_zone: Some("UTC".into()),
            current_weight_kg: Some(70.0),
            ..Default::default()
        },
    )
    .await
    .expect("profile")
}
