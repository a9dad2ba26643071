//! Scoring the offline parser against the labelled entries in
//! tests/data/labelled_entries.json (shared by a test and a benchmark).

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
}

pub fn load() -> Vec<Labelled> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/labelled_entries.json");
    let text = std::fs::read_to_string(path).expect("reading the labelled entries");
    serde_json::from_str(&text).expect("parsing the labelled entries")
}

#[derive(Debug, Default)]
pub struct Report {
    /// class → (true positives, predicted, expected)
    pub classes: BTreeMap<String, (usize, usize, usize)>,
    /// field → (correct, expected)
    pub fields: BTreeMap<&'static str, (usize, usize)>,
    pub misses: Vec<String>,
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

fn close(a: Option<f64>, b: f64, tolerance: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() <= tolerance)
}

pub fn score(entries: &[Labelled]) -> Report {
    let mut report = Report::default();
    for entry in entries {
        let e: Extraction = offline::parse(&entry.text, entry.hour, WeightUnit::Kg);
        let predicted = e.classification().to_string();
        report.classes.entry(entry.class.clone()).or_default().2 += 1;
        report.classes.entry(predicted.clone()).or_default().1 += 1;
        if predicted == entry.class {
            report.classes.entry(predicted.clone()).or_default().0 += 1;
        } else {
            report.misses.push(format!("{:?}: expected {}, got {predicted}", entry.text, entry.class));
        }
        let mut field = |name: &'static str, ok: bool| {
            let f = report.fields.entry(name).or_default();
            f.1 += 1;
            if ok {
                f.0 += 1;
            } else {
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
    }
    report
}
