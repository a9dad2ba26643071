//! TCX (Garmin Training Center) activities: laps with their summaries and
//! track points with HR, cadence and the ActivityExtension speed/watts.
//!
//! Streamed with quick-xml: the `tcx` crate (serde-xml-rs 0.5, last release
//! 2021) builds the whole tree in memory and drops the extensions.

use super::ParseError;
use super::parsed::{ParsedActivity, ParsedSegment, Sample, SegmentKind, StreamBuilder, Summary};
use super::xml::{self, Node};
use crate::activities::ActivityType;

fn activity_type(sport: &str) -> ActivityType {
    match sport.to_ascii_lowercase().as_str() {
        "running" => ActivityType::Run,
        "biking" => ActivityType::Ride,
        _ => ActivityType::Other,
    }
}

pub fn parse(bytes: &[u8]) -> Result<ParsedActivity, ParseError> {
    let doc = xml::document(bytes);
    let mut saw_root = false;
    let mut activities = 0usize;
    let mut sport: Option<String> = None;
    let mut id_time = None;
    let mut creator: Option<String> = None;
    let mut laps: Vec<ParsedSegment> = Vec::new();
    let mut lap_calories = 0.0;
    let mut builder = StreamBuilder::default();
    let mut point: Option<Sample> = None;
    let result = xml::walk(&doc, |parents, node| {
        // Only the first <Activity>: a TCX with several is a history export.
        let in_first = activities == 1 && xml::within(parents, "Activity");
        match node {
            Node::Open { name: "TrainingCenterDatabase", .. } => saw_root = true,
            Node::Open { name: "Activity", start } => {
                activities += 1;
                if activities == 1 {
                    sport = xml::attr(start, "Sport");
                }
            }
            Node::Open { name: "Lap", start } if in_first => {
                let mut lap = ParsedSegment::new(SegmentKind::Lap);
                lap.start = xml::attr(start, "StartTime").and_then(|t| xml::time(&t));
                laps.push(lap);
            }
            Node::Open { name: "Trackpoint", .. } if in_first => point = Some(Sample::default()),
            Node::Open { .. } => {}
            Node::Close { name: "Trackpoint", .. } => {
                if let Some(p) = point.take() {
                    builder.push(p);
                }
            }
            Node::Close { name, text } if in_first => {
                let parent = parents.last().map(String::as_str).unwrap_or("");
                if let Some(p) = point.as_mut() {
                    match (parent, name) {
                        ("Trackpoint", "Time") => p.time = xml::time(text),
                        ("Trackpoint", "AltitudeMeters") => p.altitude = xml::number(text),
                        ("Trackpoint", "DistanceMeters") => p.distance = xml::number(text),
                        ("Trackpoint", "Cadence") | ("TPX", "RunCadence") => p.cadence = xml::number(text),
                        ("Position", "LatitudeDegrees") => {
                            let lat = xml::number(text).unwrap_or(f64::NAN);
                            p.latlng = Some([lat, p.latlng.map_or(f64::NAN, |l| l[1])]);
                        }
                        ("Position", "LongitudeDegrees") => {
                            let lng = xml::number(text).unwrap_or(f64::NAN);
                            p.latlng = Some([p.latlng.map_or(f64::NAN, |l| l[0]), lng]);
                        }
                        ("HeartRateBpm", "Value") => p.heartrate = xml::number(text).filter(|h| *h > 0.0),
                        ("TPX", "Speed") => p.speed = xml::number(text),
                        ("TPX", "Watts") => p.power = xml::number(text),
                        _ => {}
                    }
                } else if let Some(lap) = laps.last_mut().filter(|_| xml::within(parents, "Lap")) {
                    match (parent, name) {
                        ("Lap", "TotalTimeSeconds") => lap.moving_s = xml::number(text),
                        ("Lap", "DistanceMeters") => lap.distance_m = xml::number(text),
                        ("Lap", "Calories") => lap_calories += xml::number(text).unwrap_or(0.0),
                        ("Lap", "Cadence") => lap.average_cadence = xml::number(text),
                        ("AverageHeartRateBpm", "Value") => lap.average_heartrate = xml::number(text),
                        ("MaximumHeartRateBpm", "Value") => lap.max_heartrate = xml::number(text),
                        ("LX", "AvgSpeed") => lap.average_speed_mps = xml::number(text),
                        ("LX", "AvgWatts") => lap.average_power_w = xml::number(text),
                        _ => {}
                    }
                } else if parent == "Activity" && name == "Id" {
                    id_time = xml::time(text);
                } else if name == "Name" && xml::parent_is(parents, "Creator") && creator.is_none() {
                    creator = Some(text.to_string()).filter(|c| !c.is_empty());
                }
            }
            Node::Close { .. } => {}
        }
    });
    if let Err(e) = result {
        return Err(ParseError::Invalid(if saw_root { e } else { format!("not a TCX file ({e})") }));
    }
    if !saw_root {
        return Err(ParseError::Invalid("not a TCX file (no <TrainingCenterDatabase> element)".into()));
    }
    if activities == 0 {
        return Err(ParseError::NotActivity(
            "no <Activity>: a course or workout file, not a recording".into(),
        ));
    }
    let start = laps
        .iter()
        .filter_map(|l| l.start)
        .min()
        .or(id_time)
        .or_else(|| builder.first_time())
        .ok_or_else(|| ParseError::Invalid("the activity has no start time".into()))?;
    // A lap's TotalTimeSeconds is timer time; elapsed is up to the next lap's start.
    for i in 0..laps.len() {
        let next = laps.get(i + 1).and_then(|l| l.start);
        if let (Some(a), Some(b)) = (laps[i].start, next) {
            laps[i].elapsed_s = Some((b - a).num_milliseconds() as f64 / 1000.0);
        } else {
            laps[i].elapsed_s = laps[i].moving_s;
        }
    }
    let total = |get: fn(&ParsedSegment) -> Option<f64>| -> Option<f64> {
        let v: Vec<f64> = laps.iter().filter_map(get).collect();
        (!v.is_empty()).then(|| v.iter().sum())
    };
    let summary = Summary {
        moving_s: total(|l| l.moving_s),
        distance_m: total(|l| l.distance_m),
        calories: (lap_calories > 0.0).then_some(lap_calories),
        max_heartrate: laps.iter().filter_map(|l| l.max_heartrate).reduce(f64::max),
        ..Summary::default()
    };
    Ok(ParsedActivity {
        format: "tcx",
        name: None,
        activity_type: sport.as_deref().map(activity_type).unwrap_or(ActivityType::Other),
        start,
        summary,
        segments: laps,
        streams: builder.build(start),
        partial: None,
        creator,
    })
}
