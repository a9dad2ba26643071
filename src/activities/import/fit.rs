//! FIT files (Garmin, Wahoo, Coros, Zwift…): `file_id`, `sport`, `session`,
//! `lap`, `length`, `set` and `record` messages, decoded by [`fit_decode`]
//! (`fitparser` remains the reference it is checked against).

use std::panic::{AssertUnwindSafe, catch_unwind};

use chrono::{DateTime, Utc};
use fitparser::de::{DecodeOption, FitObject, FitStreamProcessor};
use fitparser::profile::MesgNum;
use fitparser::{ErrorKind, FitDataRecord, Value};

use super::ParseError;
use super::fit_decode::{
    self, Decoded, FileIdMsg, FitMsg, LapMsg, LengthMsg, RecordMsg, SessionMsg, SetMsg, SportMsg,
};
use super::parsed::{ParsedActivity, ParsedSegment, Sample, SegmentKind, StreamBuilder, Summary};
use crate::activities::ActivityType;

const SEMICIRCLE_TO_DEG: f64 = 180.0 / 2_147_483_648.0;

/// The fields of one FIT message this importer reads, looked up by name.
struct Fields<'a>(&'a FitDataRecord);

impl Fields<'_> {
    fn get(&self, name: &str) -> Option<&Value> {
        self.0.fields().iter().find(|f| f.name() == name).map(|f| f.value())
    }

    fn num(&self, name: &str) -> Option<f64> {
        self.get(name).and_then(num)
    }

    /// `enhanced_*` fields carry the same quantity with more range.
    fn num2(&self, enhanced: &str, plain: &str) -> Option<f64> {
        self.num(enhanced).or_else(|| self.num(plain))
    }

    fn text(&self, name: &str) -> Option<String> {
        match self.get(name)? {
            Value::String(s) => Some(s.clone()),
            Value::Array(items) => items.iter().find_map(|v| match v {
                Value::String(s) => Some(s.clone()),
                _ => None,
            }),
            _ => None,
        }
    }

    fn time(&self, name: &str) -> Option<DateTime<Utc>> {
        match self.get(name)? {
            Value::Timestamp(t) => Some(t.with_timezone(&Utc)),
            _ => None,
        }
    }
}

fn num(v: &Value) -> Option<f64> {
    let x = match v {
        Value::Byte(x) | Value::Enum(x) | Value::UInt8(x) | Value::UInt8z(x) => f64::from(*x),
        Value::SInt8(x) => f64::from(*x),
        Value::SInt16(x) => f64::from(*x),
        Value::UInt16(x) | Value::UInt16z(x) => f64::from(*x),
        Value::SInt32(x) => f64::from(*x),
        Value::UInt32(x) | Value::UInt32z(x) => f64::from(*x),
        Value::SInt64(x) => *x as f64,
        Value::UInt64(x) | Value::UInt64z(x) => *x as f64,
        Value::Float32(x) => f64::from(*x),
        Value::Float64(x) => *x,
        Value::Array(items) => return items.first().and_then(num),
        Value::Timestamp(_) | Value::String(_) | Value::Invalid => return None,
    };
    x.is_finite().then_some(x)
}

/// The same messages through `fitparser`'s full decoder: the reference the
/// focused decoder is checked against (tests and the benchmark).
pub fn decode_with_fitparser(bytes: &[u8]) -> Result<Decoded, ParseError> {
    if !fit_decode::is_fit_header(bytes) {
        return Err(ParseError::Invalid("not a FIT file (no FIT header)".into()));
    }
    let mut processor = FitStreamProcessor::new();
    // Fields outside the SDK profile (vendor "unknown_NN") are never read: skip building them.
    processor.add_option(DecodeOption::DropUnknownFields);
    let mut messages = Vec::new();
    let mut rest = bytes;
    let mut damage = None;
    while !rest.is_empty() {
        let offset = bytes.len() - rest.len();
        let step = catch_unwind(AssertUnwindSafe(|| processor.deserialize_next(rest)));
        let (next, obj) = match step {
            Ok(Ok(r)) => r,
            Ok(Err(e)) => {
                damage = Some(describe(&e, offset));
                break;
            }
            Err(_) => {
                damage = Some(format!("unreadable data at byte {offset}"));
                break;
            }
        };
        rest = next;
        match obj {
            FitObject::Crc(_) => {
                processor.reset();
                if !fit_decode::is_fit_header(rest) {
                    break;
                }
            }
            FitObject::DataMessage(msg) => {
                match catch_unwind(AssertUnwindSafe(|| processor.decode_message(msg))) {
                    Ok(Ok(rec)) => messages.extend(typed(&rec)),
                    Ok(Err(e)) => {
                        damage = Some(describe(&e, offset));
                        break;
                    }
                    Err(_) => {
                        damage = Some(format!("undecodable message at byte {offset}"));
                        break;
                    }
                }
            }
            FitObject::Header(_) | FitObject::DefinitionMessage(_) => {}
        }
    }
    Ok(Decoded { messages, damage })
}

/// A `fitparser` record as the typed message the import reads.
fn typed(rec: &FitDataRecord) -> Option<FitMsg> {
    let f = Fields(rec);
    Some(match rec.kind() {
        MesgNum::FileId => FitMsg::FileId(FileIdMsg {
            file_type: f.text("type"),
            manufacturer: f.text("manufacturer"),
            garmin_product: f.text("garmin_product"),
            product_name: f.text("product_name"),
            time_created: f.time("time_created"),
        }),
        MesgNum::Sport => FitMsg::Sport(SportMsg { sport: f.text("sport"), sub_sport: f.text("sub_sport") }),
        MesgNum::Record => FitMsg::Record(RecordMsg {
            timestamp: f.time("timestamp"),
            position_lat: f.num("position_lat"),
            position_long: f.num("position_long"),
            altitude: f.num2("enhanced_altitude", "altitude"),
            heart_rate: f.num("heart_rate"),
            cadence: f.num("cadence"),
            fractional_cadence: f.num("fractional_cadence"),
            distance: f.num("distance"),
            speed: f.num2("enhanced_speed", "speed"),
            power: f.num("power"),
            temperature: f.num("temperature"),
        }),
        MesgNum::Lap => FitMsg::Lap(LapMsg {
            start_time: f.time("start_time"),
            total_elapsed_time: f.num("total_elapsed_time"),
            total_timer_time: f.num("total_timer_time"),
            total_distance: f.num("total_distance"),
            avg_heart_rate: f.num("avg_heart_rate"),
            max_heart_rate: f.num("max_heart_rate"),
            avg_power: f.num("avg_power"),
            avg_cadence: f.num2("avg_cadence", "avg_running_cadence"),
            avg_speed: f.num2("enhanced_avg_speed", "avg_speed"),
            total_ascent: f.num("total_ascent"),
        }),
        MesgNum::Length => FitMsg::Length(LengthMsg {
            start_time: f.time("start_time"),
            total_elapsed_time: f.num("total_elapsed_time"),
            total_timer_time: f.num("total_timer_time"),
            avg_speed: f.num("avg_speed"),
            swim_stroke: f.text("swim_stroke"),
            length_type: f.text("length_type"),
        }),
        MesgNum::Set => FitMsg::Set(SetMsg {
            timestamp: f.time("timestamp"),
            start_time: f.time("start_time"),
            duration: f.num("duration"),
            repetitions: f.num("repetitions"),
            weight: f.num("weight"),
            set_type: f.text("set_type"),
            category: f.text("category"),
        }),
        MesgNum::Session => FitMsg::Session(SessionMsg {
            start_time: f.time("start_time"),
            sport: f.text("sport"),
            sub_sport: f.text("sub_sport"),
            total_elapsed_time: f.num("total_elapsed_time"),
            total_timer_time: f.num("total_timer_time"),
            total_distance: f.num("total_distance"),
            total_ascent: f.num("total_ascent"),
            total_descent: f.num("total_descent"),
            total_calories: f.num("total_calories"),
            avg_heart_rate: f.num("avg_heart_rate"),
            max_heart_rate: f.num("max_heart_rate"),
            avg_power: f.num("avg_power"),
            max_power: f.num("max_power"),
            normalized_power: f.num("normalized_power"),
            avg_cadence: f.num2("avg_cadence", "avg_running_cadence"),
            avg_speed: f.num2("enhanced_avg_speed", "avg_speed"),
            max_speed: f.num2("enhanced_max_speed", "max_speed"),
            pool_length: f.num("pool_length"),
        }),
        _ => return None,
    })
}

fn describe(e: &ErrorKind, offset: usize) -> String {
    match e {
        ErrorKind::UnexpectedEof(_) => format!("truncated: the file ends inside a message at byte {offset}"),
        ErrorKind::InvalidCrc(_) => "checksum mismatch: the data was altered or damaged".into(),
        ErrorKind::MissingDefinitionMessage(n, pos) => {
            format!("damaged at byte {pos}: message type {n} was never defined")
        }
        other => format!("damaged at byte {offset}: {other}"),
    }
}

/// FIT sport / sub-sport names (the SDK profile's) to our activity types.
fn activity_type(sport: &str, sub_sport: &str) -> ActivityType {
    use ActivityType::*;
    match (sport, sub_sport) {
        (_, "strength_training") => Strength,
        (_, "yoga" | "pilates" | "breathing") => Yoga,
        (_, "elliptical") => Elliptical,
        (_, "indoor_rowing") => Rowing,
        (_, "treadmill" | "indoor_running" | "trail" | "track") if sport != "cycling" => Run,
        (_, "indoor_cycling" | "spin" | "virtual_activity") if sport != "running" => Ride,
        (_, "cardio_training" | "hiit") => Cardio,
        ("running", _) => Run,
        ("cycling" | "e_biking", _) => Ride,
        ("swimming", _) => Swim,
        ("walking", _) => Walk,
        ("hiking" | "mountaineering", _) => Hike,
        ("rowing" | "paddling" | "kayaking" | "stand_up_paddleboarding", _) => Rowing,
        ("training" | "fitness_equipment", _) => Cardio,
        ("generic" | "transition" | "", _) => Other,
        _ => Sport,
    }
}

/// "bench_press" → "Bench press".
fn exercise_name(category: &str) -> String {
    let words = category.replace('_', " ");
    let mut chars = words.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

struct Session {
    start: Option<DateTime<Utc>>,
    sport: String,
    sub_sport: String,
    summary: Summary,
    pool_length_m: Option<f64>,
}

/// Bytes to one activity through the focused decoder.
pub fn parse(bytes: &[u8]) -> Result<ParsedActivity, ParseError> {
    if !fit_decode::is_fit_header(bytes) {
        return Err(ParseError::Invalid("not a FIT file (no FIT header)".into()));
    }
    interpret(fit_decode::decode(bytes))
}

/// Bytes to one activity through `fitparser` (the reference).
pub fn parse_with_fitparser(bytes: &[u8]) -> Result<ParsedActivity, ParseError> {
    interpret(decode_with_fitparser(bytes)?)
}

/// The FIT file type its file_id message names ("activity", "weight", …).
pub fn file_type(bytes: &[u8]) -> Option<String> {
    if !fit_decode::is_fit_header(bytes) {
        return None;
    }
    fit_decode::decode(bytes).messages.into_iter().find_map(|m| match m {
        FitMsg::FileId(f) => f.file_type,
        _ => None,
    })
}

fn interpret(decoded: Decoded) -> Result<ParsedActivity, ParseError> {
    let Decoded { messages, damage } = decoded;
    if messages.is_empty() {
        return Err(ParseError::Invalid(damage.unwrap_or_else(|| "the FIT file holds no messages".into())));
    }
    let mut file_type = None;
    let mut created = None;
    let mut creator = None;
    let mut sport_msg: Option<(String, String)> = None;
    let mut sessions: Vec<Session> = Vec::new();
    let mut segments = Vec::new();
    let mut builder = StreamBuilder::default();
    for msg in messages {
        match msg {
            FitMsg::FileId(f) => {
                file_type = file_type.or(f.file_type);
                created = created.or(f.time_created);
                if creator.is_none() {
                    creator = f.manufacturer.map(|maker| match f.garmin_product.or(f.product_name) {
                        Some(product) => format!("{maker} {product}"),
                        None => maker,
                    });
                }
            }
            FitMsg::Sport(s) => {
                sport_msg.get_or_insert((s.sport.unwrap_or_default(), s.sub_sport.unwrap_or_default()));
            }
            FitMsg::Record(r) => builder.push(Sample {
                time: r.timestamp,
                distance: r.distance,
                heartrate: r.heart_rate.filter(|h| *h > 0.0),
                power: r.power,
                cadence: r.cadence.map(|c| c + r.fractional_cadence.unwrap_or(0.0)),
                altitude: r.altitude,
                speed: r.speed,
                temperature: r.temperature,
                latlng: match (r.position_lat, r.position_long) {
                    (Some(lat), Some(lng)) => Some([lat * SEMICIRCLE_TO_DEG, lng * SEMICIRCLE_TO_DEG]),
                    _ => None,
                },
            }),
            FitMsg::Lap(l) => {
                let mut seg = ParsedSegment::new(SegmentKind::Lap);
                seg.start = l.start_time;
                seg.elapsed_s = l.total_elapsed_time;
                seg.moving_s = l.total_timer_time;
                seg.distance_m = l.total_distance;
                seg.average_heartrate = l.avg_heart_rate;
                seg.max_heartrate = l.max_heart_rate;
                seg.average_power_w = l.avg_power;
                seg.average_cadence = l.avg_cadence;
                seg.average_speed_mps = l.avg_speed;
                seg.elevation_gain_m = l.total_ascent;
                segments.push(seg);
            }
            FitMsg::Length(l) if l.length_type.as_deref() != Some("idle") => {
                let mut seg = ParsedSegment::new(SegmentKind::Length);
                seg.start = l.start_time;
                seg.elapsed_s = l.total_elapsed_time;
                seg.moving_s = l.total_timer_time;
                seg.average_speed_mps = l.avg_speed;
                seg.notes = l.swim_stroke;
                segments.push(seg);
            }
            FitMsg::Set(s) if s.set_type.as_deref() != Some("rest") => {
                let mut seg = ParsedSegment::new(SegmentKind::Set);
                seg.start = s.start_time.or(s.timestamp);
                seg.elapsed_s = s.duration;
                seg.reps = s.repetitions.map(|r| r.round() as i64);
                seg.weight_kg = s.weight;
                seg.exercise_name = s.category.map(|c| exercise_name(&c));
                segments.push(seg);
            }
            FitMsg::Session(f) => {
                let summary = Summary {
                    elapsed_s: f.total_elapsed_time,
                    moving_s: f.total_timer_time,
                    distance_m: f.total_distance,
                    elevation_gain_m: f.total_ascent,
                    elevation_loss_m: f.total_descent,
                    calories: f.total_calories,
                    average_heartrate: f.avg_heart_rate,
                    max_heartrate: f.max_heart_rate,
                    average_power_w: f.avg_power,
                    max_power_w: f.max_power,
                    normalized_power_w: f.normalized_power,
                    average_cadence: f.avg_cadence,
                    average_speed_mps: f.avg_speed,
                    max_speed_mps: f.max_speed,
                    ..Summary::default()
                };
                sessions.push(Session {
                    start: f.start_time,
                    sport: f.sport.unwrap_or_default(),
                    sub_sport: f.sub_sport.unwrap_or_default(),
                    summary,
                    pool_length_m: f.pool_length,
                });
            }
            _ => {}
        }
    }
    if let Some(kind) = file_type.as_deref().filter(|t| *t != "activity") {
        return Err(ParseError::NotActivity(format!(
            "a FIT {} file, not an activity",
            kind.replace('_', " ")
        )));
    }
    // Pool lengths carry no distance of their own: the session's pool length.
    if let Some(pool) = sessions.iter().find_map(|s| s.pool_length_m) {
        for seg in segments.iter_mut().filter(|s| s.kind == SegmentKind::Length) {
            seg.distance_m = Some(pool);
        }
    }
    let start = sessions
        .iter()
        .filter_map(|s| s.start)
        .min()
        .or_else(|| builder.first_time())
        .or_else(|| segments.iter().filter_map(|s| s.start).min())
        .or(created.filter(|_| !segments.is_empty()))
        .ok_or_else(|| {
            ParseError::NotActivity(match &damage {
                Some(d) => format!("nothing recoverable before the damage ({d})"),
                None => "no timestamped records: nothing was recorded".into(),
            })
        })?;

    let sports: Vec<(String, String)> = if sessions.is_empty() {
        sport_msg.into_iter().collect()
    } else {
        sessions.iter().map(|s| (s.sport.clone(), s.sub_sport.clone())).collect()
    };
    let real_sports: Vec<&(String, String)> = sports.iter().filter(|(s, _)| s != "transition").collect();
    let mut name = None;
    let activity_type = match real_sports.as_slice() {
        [] => ActivityType::Other,
        [one] => activity_type(&one.0, &one.1),
        many => {
            let types: Vec<ActivityType> = many.iter().map(|(s, sub)| activity_type(s, sub)).collect();
            if types.windows(2).all(|w| w[0] == w[1]) {
                types[0]
            } else {
                let labels: Vec<String> = types.iter().map(|t| super::type_label(*t).to_string()).collect();
                name = Some(format!("Multisport: {}", labels.join(" → ")));
                ActivityType::Other
            }
        }
    };
    let summary = combine_sessions(&sessions);
    let has_sets = segments.iter().any(|s| s.kind == SegmentKind::Set);
    Ok(ParsedActivity {
        format: "fit",
        name,
        activity_type: if has_sets && activity_type == ActivityType::Other {
            ActivityType::Strength
        } else {
            activity_type
        },
        start,
        summary,
        segments,
        streams: builder.build(start),
        partial: damage,
        creator,
    })
}

/// One session as is; several (multisport) summed, averages weighted by time.
fn combine_sessions(sessions: &[Session]) -> Summary {
    match sessions {
        [] => Summary::default(),
        [one] => one.summary.clone(),
        many => {
            let sum = |get: fn(&Summary) -> Option<f64>| -> Option<f64> {
                let vals: Vec<f64> = many.iter().filter_map(|s| get(&s.summary)).collect();
                (!vals.is_empty()).then(|| vals.iter().sum())
            };
            let max = |get: fn(&Summary) -> Option<f64>| {
                many.iter().filter_map(|s| get(&s.summary)).reduce(f64::max)
            };
            let weighted = |get: fn(&Summary) -> Option<f64>| -> Option<f64> {
                let (mut acc, mut w) = (0.0, 0.0);
                for s in many {
                    if let (Some(v), Some(t)) = (get(&s.summary), s.summary.elapsed_s) {
                        acc += v * t;
                        w += t;
                    }
                }
                (w > 0.0).then(|| acc / w)
            };
            let first = many.iter().filter_map(|s| s.start).min();
            let end = many
                .iter()
                .filter_map(|s| {
                    Some(s.start? + chrono::Duration::milliseconds((s.summary.elapsed_s? * 1000.0) as i64))
                })
                .max();
            Summary {
                elapsed_s: match (first, end) {
                    (Some(a), Some(b)) => Some((b - a).num_milliseconds() as f64 / 1000.0),
                    _ => sum(|s| s.elapsed_s),
                },
                moving_s: sum(|s| s.moving_s),
                distance_m: sum(|s| s.distance_m),
                elevation_gain_m: sum(|s| s.elevation_gain_m),
                elevation_loss_m: sum(|s| s.elevation_loss_m),
                calories: sum(|s| s.calories),
                average_heartrate: weighted(|s| s.average_heartrate),
                max_heartrate: max(|s| s.max_heartrate),
                average_power_w: weighted(|s| s.average_power_w),
                max_power_w: max(|s| s.max_power_w),
                average_cadence: weighted(|s| s.average_cadence),
                max_speed_mps: max(|s| s.max_speed_mps),
                ..Summary::default()
            }
        }
    }
}
