//! Apple Health `export.zip` (Health app → profile → Export All Health Data):
//! `apple_health_export/export.xml` streamed with quick-xml straight out of
//! the ZIP entry (it is often hundreds of MB; only the records kept are held
//! in memory), plus the `workout-routes/*.gpx` files the workouts point at.
//!
//! Kept: body mass, body fat percentage, lean body mass, waist, resting heart
//! rate and HRV (SDNN) → body measurements (one per instant); `<Workout>` →
//! activities (type, duration, distance, energy, the route's GPS track);
//! dietary energy, protein, carbohydrates and fat → one imported meal per
//! day. Everything else (heart-rate samples, steps, sleep, ECGs, clinical
//! records) is skipped. Times are read with the offset the file states
//! ("2021-12-11 18:04:48 -0700"); a day of intake is the day the file gives.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufReader, Read, Seek};

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use serde::Serialize;
use zip::ZipArchive;

use crate::activities::ActivityType;
use crate::error::{Error, Result};

/// Anything an export can be read from: a file on disk or bytes from the window.
pub trait Source: Read + Seek + Send {}
impl<T: Read + Seek + Send> Source for T {}

/// More of one kind than this is not a person's history; the rest is left out and said so.
const MAX_BODY_INSTANTS: usize = 2_000_000;
const MAX_WORKOUTS: usize = 200_000;
const MAX_DAYS: usize = 200_000;
/// One route file larger than this is not read (a zip bomb, not a GPS track).
const MAX_ROUTE_BYTES: u64 = 256 * 1024 * 1024;
/// Routes kept in memory while reading a damaged ZIP front to back.
const MAX_BUFFERED_ROUTES_BYTES: usize = 512 * 1024 * 1024;

/// Body values measured at one instant (a smart scale writes weight and fat together).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct BodyInstant {
    pub weight_kg: Option<f64>,
    pub body_fat_pct: Option<f64>,
    pub lean_mass_kg: Option<f64>,
    pub waist_cm: Option<f64>,
    pub resting_hr_bpm: Option<f64>,
    pub hrv_ms: Option<f64>,
}

/// One `<Workout>`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Workout {
    /// Line of export.xml where it starts (for messages).
    pub line: u64,
    pub hk_type: String,
    pub activity_type: ActivityType,
    pub start: DateTime<FixedOffset>,
    pub end: Option<DateTime<FixedOffset>>,
    pub duration_s: Option<f64>,
    pub distance_m: Option<f64>,
    pub energy_kcal: Option<f64>,
    pub source_name: Option<String>,
    /// `/workout-routes/route_….gpx` as the file writes it.
    pub route: Option<String>,
}

/// Dietary totals of one day.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DayIntake {
    pub kcal: f64,
    pub protein_g: f64,
    pub carbs_g: f64,
    pub fat_g: f64,
    pub records: u32,
}

/// What export.xml holds that is kept.
#[derive(Debug, Default)]
pub struct HealthData {
    pub body: BTreeMap<DateTime<Utc>, BodyInstant>,
    pub workouts: Vec<Workout>,
    pub days: BTreeMap<NaiveDate, DayIntake>,
    /// `<Record>` elements seen, kept or not.
    pub records_seen: u64,
    /// Records of a kept kind whose value, unit or date could not be used (first few, with lines).
    pub rejected: Vec<String>,
    pub rejected_count: u64,
    /// Where and how the file is damaged; what came before was kept.
    pub damage: Option<String>,
    /// Bytes of XML read.
    pub xml_bytes: u64,
    pub lines: u64,
}

impl HealthData {
    fn reject(&mut self, line: u64, why: String) {
        self.rejected_count += 1;
        if self.rejected.len() < 20 {
            self.rejected.push(format!("export.xml line {line}: {why}"));
        }
    }
}

/// The file's own time format: "2021-12-11 18:04:48 -0700".
pub fn parse_time(text: &str) -> Option<DateTime<FixedOffset>> {
    let t = text.trim();
    DateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S %z").or_else(|_| DateTime::parse_from_rfc3339(t)).ok()
}

fn number(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

fn mass_kg(value: f64, unit: &str) -> Option<f64> {
    match unit {
        "kg" => Some(value),
        "lb" => Some(value * 0.453_592_37),
        "g" => Some(value / 1000.0),
        "st" => Some(value * 6.350_293_18),
        _ => None,
    }
}

fn length_m(value: f64, unit: &str) -> Option<f64> {
    match unit {
        "m" => Some(value),
        "km" => Some(value * 1000.0),
        "cm" => Some(value / 100.0),
        "mi" => Some(value * 1609.344),
        "yd" => Some(value * 0.9144),
        "ft" => Some(value * 0.3048),
        "in" => Some(value * 0.0254),
        _ => None,
    }
}

fn energy_kcal(value: f64, unit: &str) -> Option<f64> {
    match unit {
        "kcal" | "Cal" => Some(value),
        "kJ" => Some(value / 4.184),
        "cal" => Some(value / 1000.0),
        _ => None,
    }
}

fn seconds(value: f64, unit: &str) -> Option<f64> {
    match unit {
        "min" => Some(value * 60.0),
        "s" => Some(value),
        "hr" | "h" => Some(value * 3600.0),
        "ms" => Some(value / 1000.0),
        _ => None,
    }
}

/// HealthKit workout types to ours.
pub fn workout_type(hk: &str) -> ActivityType {
    use ActivityType::*;
    match hk.strip_prefix("HKWorkoutActivityType").unwrap_or(hk) {
        "Running" => Run,
        "Cycling" | "HandCycling" => Ride,
        "Swimming" | "SwimBikeRun" => Swim,
        "Walking" | "WheelchairWalkPace" => Walk,
        "Hiking" => Hike,
        "TraditionalStrengthTraining" | "FunctionalStrengthTraining" | "CoreTraining" => Strength,
        "Yoga" | "Pilates" | "MindAndBody" | "Flexibility" | "Barre" | "TaiChi" => Yoga,
        "Rowing" | "Paddling" | "PaddleSports" => Rowing,
        "Elliptical" => Elliptical,
        "HighIntensityIntervalTraining"
        | "CrossTraining"
        | "MixedCardio"
        | "MixedMetabolicCardioTraining"
        | "StairClimbing"
        | "Stairs"
        | "StepTraining"
        | "JumpRope"
        | "Kickboxing"
        | "CardioDance"
        | "Dance"
        | "Boxing" => Cardio,
        "Soccer" | "Tennis" | "Basketball" | "Badminton" | "Volleyball" | "Squash" | "TableTennis"
        | "Racquetball" | "Pickleball" | "Golf" | "Climbing" | "AmericanFootball" | "Rugby" | "Hockey"
        | "Baseball" | "Softball" | "Cricket" | "Handball" | "Lacrosse" | "MartialArts" => Sport,
        _ => Other,
    }
}

/// The record kinds that are kept.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kept {
    BodyMass,
    BodyFat,
    LeanMass,
    Waist,
    RestingHr,
    Hrv,
    Energy,
    Protein,
    Carbs,
    Fat,
}

fn kept(record_type: &str) -> Option<Kept> {
    let name = record_type.strip_prefix("HKQuantityTypeIdentifier")?;
    Some(match name {
        "BodyMass" => Kept::BodyMass,
        "BodyFatPercentage" => Kept::BodyFat,
        "LeanBodyMass" => Kept::LeanMass,
        "WaistCircumference" => Kept::Waist,
        "RestingHeartRate" => Kept::RestingHr,
        "HeartRateVariabilitySDNN" => Kept::Hrv,
        "DietaryEnergyConsumed" => Kept::Energy,
        "DietaryProtein" => Kept::Protein,
        "DietaryCarbohydrates" => Kept::Carbs,
        "DietaryFatTotal" => Kept::Fat,
        _ => return None,
    })
}

fn count_lines(text: &str) -> u64 {
    text.bytes().filter(|b| *b == b'\n').count() as u64
}

fn attr_str(start: &BytesStart<'_>, key: &str) -> Option<String> {
    start.attributes().with_checks(false).flatten().find(|a| a.key.as_ref() == key).and_then(|a| {
        a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok().map(|v| v.trim().to_string())
    })
}

/// Reads export.xml from `reader` (never whole), calling `tick(bytes_read)` now and then.
pub fn read_xml(reader: impl Read, mut tick: impl FnMut(u64)) -> Result<HealthData> {
    let mut xml = Reader::from_reader(BufReader::with_capacity(256 * 1024, reader));
    xml.config_mut().check_end_names = false;
    let mut data = HealthData::default();
    let mut buf = Vec::with_capacity(4096);
    let mut line: u64 = 1;
    let mut depth: u32 = 0;
    let mut saw_root = false;
    let mut workout: Option<Workout> = None;
    let mut workout_depth = 0u32;
    let mut last_tick = 0u64;
    loop {
        let event = match xml.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(e) => {
                let what = e.to_string();
                data.damage = Some(if matches!(e, quick_xml::Error::Io(_)) {
                    format!(
                        "export.xml cannot be read past line {line} (byte {}): {what}",
                        xml.buffer_position()
                    )
                } else {
                    format!("export.xml is damaged at line {line} (byte {}): {what}", xml.error_position())
                });
                break;
            }
        };
        let pos = xml.buffer_position();
        if pos - last_tick >= 4 * 1024 * 1024 {
            last_tick = pos;
            tick(pos);
        }
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                let here = line;
                line += count_lines(e);
                let name = e.name();
                let name = name.as_ref();
                match name {
                    "Record" => {
                        data.records_seen += 1;
                        record(&mut data, e, here);
                    }
                    "Workout" if workout.is_none() => {
                        workout = start_workout(&mut data, e, here);
                        workout_depth = depth;
                        if empty {
                            finish_workout(&mut data, workout.take());
                        }
                    }
                    "WorkoutStatistics" => {
                        if let Some(w) = workout.as_mut() {
                            statistics(w, e);
                        }
                    }
                    "FileReference" => {
                        if let Some(w) = workout.as_mut()
                            && w.route.is_none()
                        {
                            w.route =
                                attr_str(e, "path").filter(|p| p.to_ascii_lowercase().ends_with(".gpx"));
                        }
                    }
                    "HealthData" => saw_root = true,
                    _ => {}
                }
                if !empty {
                    depth += 1;
                }
            }
            Event::End(ref e) => {
                line += count_lines(e);
                depth = depth.saturating_sub(1);
                if e.name().as_ref() == "Workout" && workout.is_some() && depth == workout_depth {
                    finish_workout(&mut data, workout.take());
                }
            }
            Event::Text(ref t) => line += count_lines(t),
            Event::DocType(ref t) => line += count_lines(t),
            Event::Comment(ref t) => line += count_lines(t),
            Event::CData(ref t) => line += count_lines(t),
            Event::Eof => {
                if !saw_root {
                    return Err(Error::invalid(
                        "export.xml is not an Apple Health export (no <HealthData> element)",
                    ));
                }
                if depth > 0 {
                    data.damage =
                        Some(format!("export.xml is truncated: it ends at line {line} before </HealthData>"));
                }
                break;
            }
            _ => {}
        }
        buf.clear();
    }
    if !saw_root {
        return Err(Error::invalid(format!(
            "not an Apple Health export.xml: {}",
            data.damage.as_deref().unwrap_or("no <HealthData> element")
        )));
    }
    // A workout cut off by the damage is still a workout; its end tag is just missing.
    finish_workout(&mut data, workout.take());
    data.xml_bytes = xml.buffer_position();
    data.lines = line;
    Ok(data)
}

fn record(data: &mut HealthData, e: &BytesStart<'_>, line: u64) {
    let mut kind = None;
    let (mut unit, mut start, mut value) = (None, None, None);
    for a in e.attributes().with_checks(false).flatten() {
        match a.key.as_ref() {
            "type" => {
                kind = kept(&a.value);
                if kind.is_none() {
                    return;
                }
            }
            "unit" => unit = Some(a.value.into_owned()),
            "startDate" => start = Some(a.value.into_owned()),
            "value" => value = number(&a.value),
            _ => {}
        }
    }
    let Some(kind) = kind else { return };
    let unit = unit.unwrap_or_default();
    let Some(at) = start.as_deref().and_then(parse_time) else {
        data.reject(line, format!("no readable startDate ({:?})", start.unwrap_or_default()));
        return;
    };
    let Some(value) = value else {
        data.reject(line, "no numeric value".into());
        return;
    };
    let plausible = |v: Option<f64>, lo: f64, hi: f64| v.filter(|x| (lo..=hi).contains(x));
    let (label, converted) = match kind {
        Kept::BodyMass => ("body mass", plausible(mass_kg(value, &unit), 10.0, 500.0)),
        Kept::LeanMass => ("lean body mass", plausible(mass_kg(value, &unit), 5.0, 300.0)),
        // HealthKit writes percentages as fractions: 0.215 with unit "%".
        Kept::BodyFat => (
            "body fat",
            plausible(if unit == "%" && value <= 1.0 { Some(value * 100.0) } else { Some(value) }, 1.0, 80.0),
        ),
        Kept::Waist => ("waist", plausible(length_m(value, &unit).map(|m| m * 100.0), 30.0, 300.0)),
        Kept::RestingHr => {
            ("resting heart rate", plausible((unit == "count/min").then_some(value), 20.0, 200.0))
        }
        Kept::Hrv => ("HRV", plausible((unit == "ms").then_some(value), 1.0, 500.0)),
        Kept::Energy => ("dietary energy", plausible(energy_kcal(value, &unit), 0.0, 20_000.0)),
        Kept::Protein | Kept::Carbs | Kept::Fat => {
            ("dietary grams", plausible(mass_kg(value, &unit).map(|kg| kg * 1000.0), 0.0, 5_000.0))
        }
    };
    let Some(v) = converted else {
        data.reject(line, format!("{label} {value} {unit} is not a plausible value"));
        return;
    };
    match kind {
        Kept::Energy | Kept::Protein | Kept::Carbs | Kept::Fat => {
            let date = at.date_naive();
            if !data.days.contains_key(&date) && data.days.len() >= MAX_DAYS {
                return;
            }
            let day = data.days.entry(date).or_default();
            day.records += 1;
            match kind {
                Kept::Energy => day.kcal += v,
                Kept::Protein => day.protein_g += v,
                Kept::Carbs => day.carbs_g += v,
                _ => day.fat_g += v,
            }
        }
        _ => {
            let utc = at.with_timezone(&Utc);
            if !data.body.contains_key(&utc) && data.body.len() >= MAX_BODY_INSTANTS {
                return;
            }
            let b = data.body.entry(utc).or_default();
            let field = match kind {
                Kept::BodyMass => &mut b.weight_kg,
                Kept::BodyFat => &mut b.body_fat_pct,
                Kept::LeanMass => &mut b.lean_mass_kg,
                Kept::Waist => &mut b.waist_cm,
                Kept::RestingHr => &mut b.resting_hr_bpm,
                _ => &mut b.hrv_ms,
            };
            *field = Some(v);
        }
    }
}

fn start_workout(data: &mut HealthData, e: &BytesStart<'_>, line: u64) -> Option<Workout> {
    let get = |k: &str| attr_str(e, k);
    let hk_type = get("workoutActivityType").unwrap_or_default();
    let Some(start) = get("startDate").as_deref().and_then(parse_time) else {
        data.reject(line, "a Workout without a readable startDate".into());
        return None;
    };
    let end = get("endDate").as_deref().and_then(parse_time);
    let with_unit = |value: &str, unit: &str, convert: fn(f64, &str) -> Option<f64>| {
        let v = get(value).and_then(|v| v.parse::<f64>().ok()).filter(|v| v.is_finite() && *v >= 0.0)?;
        convert(v, get(unit).as_deref().unwrap_or(""))
    };
    let duration_s = with_unit("duration", "durationUnit", seconds)
        .or_else(|| end.map(|e| (e - start).num_milliseconds() as f64 / 1000.0).filter(|d| *d > 0.0));
    Some(Workout {
        line,
        activity_type: workout_type(&hk_type),
        hk_type,
        start,
        end,
        duration_s,
        distance_m: with_unit("totalDistance", "totalDistanceUnit", length_m),
        energy_kcal: with_unit("totalEnergyBurned", "totalEnergyBurnedUnit", energy_kcal),
        source_name: get("sourceName").filter(|s| !s.is_empty()),
        route: None,
    })
}

/// iOS 16+ moved distance and energy from Workout attributes into these.
fn statistics(w: &mut Workout, e: &BytesStart<'_>) {
    let Some(kind) = attr_str(e, "type") else { return };
    let sum = attr_str(e, "sum").and_then(|v| v.parse::<f64>().ok()).filter(|v| v.is_finite() && *v >= 0.0);
    let unit = attr_str(e, "unit").unwrap_or_default();
    let Some(sum) = sum else { return };
    let name = kind.strip_prefix("HKQuantityTypeIdentifier").unwrap_or(&kind);
    if name.starts_with("Distance") && w.distance_m.is_none() {
        w.distance_m = length_m(sum, &unit);
    } else if name == "ActiveEnergyBurned" && w.energy_kcal.is_none() {
        w.energy_kcal = energy_kcal(sum, &unit);
    }
}

fn finish_workout(data: &mut HealthData, w: Option<Workout>) {
    if let Some(w) = w
        && data.workouts.len() < MAX_WORKOUTS
    {
        data.workouts.push(w);
    }
}

/// Where the route files come from after export.xml was read.
pub enum Routes {
    Archive {
        zip: Box<ZipArchive<Box<dyn Source>>>,
        prefix: String,
    },
    /// A damaged ZIP read front to back: the routes seen, by path under the export folder.
    Buffered(HashMap<String, Vec<u8>>),
    None,
}

impl Routes {
    /// The bytes of `/workout-routes/x.gpx`, or why not.
    pub fn get(&mut self, path: &str) -> std::result::Result<Vec<u8>, String> {
        let rel = path.trim_start_matches('/');
        match self {
            Routes::Archive { zip, prefix } => {
                let name = format!("{prefix}{rel}");
                let entry = zip.by_name(&name).map_err(|e| format!("{name} is not in the archive ({e})"))?;
                if entry.size() > MAX_ROUTE_BYTES {
                    return Err(format!("{name} is larger than 256 MB"));
                }
                let mut out = Vec::with_capacity(entry.size() as usize);
                entry
                    .take(MAX_ROUTE_BYTES)
                    .read_to_end(&mut out)
                    .map_err(|e| format!("{name} is damaged in the archive: {e}"))?;
                Ok(out)
            }
            Routes::Buffered(map) => {
                map.remove(rel).ok_or_else(|| format!("{rel} could not be read from the archive"))
            }
            Routes::None => Err(format!("{rel}: only export.xml was given, not the whole export.zip")),
        }
    }
}

/// The export.xml entry of an archive and the folder it sits in.
fn export_entry(names: &[String]) -> Option<(String, String)> {
    let name =
        names.iter().filter(|n| n.rsplit('/').next() == Some("export.xml")).min_by_key(|n| n.len())?.clone();
    let prefix = name.strip_suffix("export.xml").unwrap_or("").to_string();
    Some((name, prefix))
}

/// Reads an export ZIP (or a bare export.xml when `is_zip` is false). `open`
/// gives the file from its start; a ZIP without its central directory (a
/// cut-off download) is opened again and read front to back.
pub fn read(
    open: impl Fn() -> Result<Box<dyn Source>>,
    is_zip: bool,
    mut tick: impl FnMut(u64),
) -> Result<(HealthData, Routes)> {
    if !is_zip {
        let data = read_xml(open()?, tick)?;
        return Ok((data, Routes::None));
    }
    if let Ok(mut zip) = ZipArchive::new(open()?) {
        let names: Vec<String> = zip.file_names().filter_map(|n| n.ok().map(|n| n.into_owned())).collect();
        let (name, prefix) = export_entry(&names)
            .ok_or_else(|| Error::invalid("the ZIP has no export.xml: not an Apple Health export"))?;
        let data = {
            let entry = zip
                .by_name(&name)
                .map_err(|e| Error::invalid(format!("{name} cannot be opened in the archive: {e}")))?;
            read_xml(entry, &mut tick)?
        };
        return Ok((data, Routes::Archive { zip: Box::new(zip), prefix }));
    }
    read_front_to_back(open()?, tick)
}

fn read_front_to_back(source: Box<dyn Source>, mut tick: impl FnMut(u64)) -> Result<(HealthData, Routes)> {
    let mut reader = BufReader::new(source);
    let mut routes = HashMap::new();
    let mut buffered = 0usize;
    let mut data: Option<HealthData> = None;
    let mut prefix: Option<String> = None;
    let mut pending: Vec<(String, Vec<u8>)> = Vec::new();
    loop {
        let entry = match zip::read::read_zipfile_from_stream(&mut reader) {
            Ok(Some(entry)) => entry,
            Ok(None) => break,
            Err(e) => {
                if data.is_none() {
                    return Err(Error::invalid(format!(
                        "the ZIP is damaged before its export.xml could be read ({e})"
                    )));
                }
                break;
            }
        };
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        if name.rsplit('/').next() == Some("export.xml") && data.is_none() {
            prefix = Some(name.strip_suffix("export.xml").unwrap_or("").to_string());
            let d = read_xml(entry, &mut tick)?;
            let damaged = d.damage.is_some();
            data = Some(d);
            if damaged {
                break;
            }
            continue;
        }
        if name.to_ascii_lowercase().ends_with(".gpx") && entry.size() <= MAX_ROUTE_BYTES {
            let mut out = Vec::new();
            if entry.take(MAX_ROUTE_BYTES).read_to_end(&mut out).is_err() {
                break;
            }
            buffered += out.len();
            if buffered <= MAX_BUFFERED_ROUTES_BYTES {
                pending.push((name, out));
            }
        } else {
            // Skip the entry's content so the next header can be found.
            let mut sink = std::io::sink();
            if std::io::copy(&mut entry.take(u64::MAX), &mut sink).is_err() {
                break;
            }
        }
    }
    let mut data =
        data.ok_or_else(|| Error::invalid("the ZIP has no readable export.xml: not an Apple Health export"))?;
    let prefix = prefix.unwrap_or_default();
    for (name, bytes) in pending {
        let rel = name.strip_prefix(&prefix).unwrap_or(&name).to_string();
        routes.insert(rel, bytes);
    }
    if data.damage.is_none() {
        data.damage = Some("the ZIP archive is cut off (no central directory); read front to back".into());
    }
    Ok((data, Routes::Buffered(routes)))
}

/// Whether a ZIP's entry names hold an Apple Health export.xml.
pub fn has_export_xml(names: &[String]) -> bool {
    export_entry(names).is_some()
}
