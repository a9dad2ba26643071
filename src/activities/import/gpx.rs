//! GPX 1.0/1.1 tracks with Garmin TrackPointExtension (hr, cad, atemp) and
//! the power/speed elements Strava and other apps write.
//!
//! Streamed with quick-xml rather than the `gpx` crate: that crate discards
//! `<extensions>`, which is where heart rate, cadence, power and
//! temperature live in real exports.

use chrono::Datelike;

use super::ParseError;
use super::parsed::{ParsedActivity, Sample, StreamBuilder, Summary};
use super::xml::{self, Node};
use crate::activities::{ActivityType, metrics};

/// Strava and Garmin write `<type>` as a word ("running") or, in older
/// exports, as a number.
fn activity_type(kind: &str) -> ActivityType {
    use ActivityType::*;
    let k = kind.trim().to_ascii_lowercase();
    match k.as_str() {
        "running" | "run" | "trail_running" | "treadmill_running" | "9" => Run,
        "cycling" | "biking" | "ride" | "road_biking" | "mountain_biking" | "virtualride" | "1" => Ride,
        "walking" | "walk" | "10" => Walk,
        "hiking" | "hike" | "4" => Hike,
        "swimming" | "swim" | "open_water_swimming" => Swim,
        "rowing" | "kayaking" | "canoeing" => Rowing,
        _ => Other,
    }
}

pub fn parse(bytes: &[u8]) -> Result<ParsedActivity, ParseError> {
    let doc = xml::document(bytes);
    let mut creator = None;
    let mut saw_gpx = false;
    let mut track_name: Option<String> = None;
    let mut meta_name: Option<String> = None;
    let mut kind: Option<String> = None;
    let mut builder = StreamBuilder::default();
    let mut point: Option<Sample> = None;
    let mut points_without_time = 0usize;
    // Distance runs along each <trkseg>; a new segment is a break in the
    // recording (GPS lost, a car ride), so the jump to it does not count.
    let mut travelled = 0.0;
    let mut last_in_segment: Option<[f64; 2]> = None;
    let result = xml::walk(&doc, |parents, node| match node {
        Node::Open { name: "gpx", start } => {
            saw_gpx = true;
            creator = xml::attr(start, "creator").filter(|c| !c.is_empty());
        }
        Node::Open { name: "trkpt", start } => {
            let lat = xml::attr(start, "lat").and_then(|v| xml::number(&v));
            let lon = xml::attr(start, "lon").and_then(|v| xml::number(&v));
            point = Some(Sample {
                latlng: lat
                    .zip(lon)
                    .map(|(a, b)| [a, b])
                    .filter(|p| p[0].abs() <= 90.0 && p[1].abs() <= 180.0),
                ..Sample::default()
            });
        }
        Node::Open { name: "trkseg", .. } => last_in_segment = None,
        Node::Open { .. } => {}
        Node::Close { name: "trkpt", .. } => {
            if let Some(mut p) = point.take() {
                if let Some(pos) = p.latlng {
                    if let Some(prev) = last_in_segment {
                        travelled += metrics::haversine_m(prev, pos);
                    }
                    last_in_segment = Some(pos);
                    p.distance = p.distance.or(Some(travelled));
                }
                if p.time.is_none_or(|t| t.year() < 1980) {
                    points_without_time += 1;
                }
                builder.push(p);
            }
        }
        Node::Close { name, text } => {
            if let Some(p) = point.as_mut() {
                // Inside a track point: core fields or any extension element.
                match name {
                    "ele" => p.altitude = xml::number(text),
                    "time" if xml::parent_is(parents, "trkpt") => p.time = xml::time(text),
                    "hr" | "heartrate" | "HeartRate" => p.heartrate = xml::number(text).filter(|h| *h > 0.0),
                    "cad" | "cadence" | "Cadence" => p.cadence = xml::number(text),
                    "power" | "Watts" | "PowerInWatts" => p.power = xml::number(text),
                    "atemp" | "temp" | "wtemp" | "Temperature" => p.temperature = xml::number(text),
                    "speed" => p.speed = xml::number(text),
                    "distance" => p.distance = xml::number(text),
                    _ => {}
                }
            } else if xml::parent_is(parents, "trk") {
                match name {
                    "name" if !text.is_empty() && track_name.is_none() => track_name = Some(text.to_string()),
                    "type" if !text.is_empty() && kind.is_none() => kind = Some(text.to_string()),
                    _ => {}
                }
            } else if name == "name" && xml::parent_is(parents, "metadata") && !text.is_empty() {
                meta_name = Some(text.to_string());
            }
        }
    });
    if let Err(e) = result {
        return Err(ParseError::Invalid(if saw_gpx { e } else { format!("not a GPX file ({e})") }));
    }
    if !saw_gpx {
        return Err(ParseError::Invalid("not a GPX file (no <gpx> element)".into()));
    }
    // A recording has a time on (nearly) every point and lasts a while; a
    // planned route or a drawn track has neither.
    let timed = builder.len();
    if timed == 0 && points_without_time == 0 {
        return Err(ParseError::NotActivity(
            "no track points: waypoints or a route, not a recorded activity".into(),
        ));
    }
    if timed < 2 || timed < points_without_time || builder.span_seconds() <= 0.0 {
        return Err(ParseError::NotActivity(
            "the track points have no usable timestamps (a planned route, not a recorded activity)".into(),
        ));
    }
    let Some(start) = builder.first_time() else {
        return Err(ParseError::NotActivity("no timestamps".into()));
    };
    Ok(ParsedActivity {
        format: "gpx",
        name: track_name.or(meta_name),
        activity_type: kind.as_deref().map(activity_type).unwrap_or(ActivityType::Other),
        start,
        summary: Summary::default(),
        segments: Vec::new(),
        streams: builder.build(start),
        partial: None,
        creator,
    })
}
