//! The normalized result of parsing any activity file, before it is stored.

use chrono::{DateTime, Datelike, Utc};

use crate::activities::ActivityType;
use crate::activities::metrics::{self, Thresholds};

/// One sample of every channel at one instant; `None` = not recorded.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sample {
    pub time: Option<DateTime<Utc>>,
    pub distance: Option<f64>,
    pub heartrate: Option<f64>,
    pub power: Option<f64>,
    pub cadence: Option<f64>,
    pub altitude: Option<f64>,
    pub speed: Option<f64>,
    pub temperature: Option<f64>,
    pub latlng: Option<[f64; 2]>,
}

/// Per-channel arrays; sample `i` of every channel is the same instant and
/// NaN marks a missing value. `time` is seconds since the activity start.
#[derive(Debug, Clone, Default)]
pub struct Streams {
    pub time: Vec<f64>,
    pub distance: Vec<f64>,
    pub heartrate: Vec<f64>,
    pub power: Vec<f64>,
    pub cadence: Vec<f64>,
    pub altitude: Vec<f64>,
    pub speed: Vec<f64>,
    pub temperature: Vec<f64>,
    pub latlng: Vec<[f64; 2]>,
}

/// The scalar channels with their `stream_type` names, in display order.
pub const SCALAR_CHANNELS: [&str; 8] =
    ["time", "distance", "heartrate", "power", "cadence", "altitude", "speed", "temperature"];

impl Streams {
    pub fn len(&self) -> usize {
        self.time.len()
    }

    pub fn is_empty(&self) -> bool {
        self.time.is_empty()
    }

    pub fn scalar(&self, name: &str) -> Option<&[f64]> {
        let v = match name {
            "time" => &self.time,
            "distance" => &self.distance,
            "heartrate" => &self.heartrate,
            "power" => &self.power,
            "cadence" => &self.cadence,
            "altitude" => &self.altitude,
            "speed" => &self.speed,
            "temperature" => &self.temperature,
            _ => return None,
        };
        Some(v.as_slice())
    }

    /// A channel with at least one real sample, else `None`.
    pub fn present(&self, name: &str) -> Option<&[f64]> {
        self.scalar(name).filter(|v| v.iter().any(|x| x.is_finite()))
    }

    pub fn has_latlng(&self) -> bool {
        self.latlng.iter().any(|p| p[0].is_finite())
    }
}

/// Collects samples in time order and turns them into [`Streams`].
#[derive(Debug, Default)]
pub struct StreamBuilder {
    samples: Vec<Sample>,
}

impl StreamBuilder {
    /// Keeps samples with a plausible time: writers put 1901 or 1970 in
    /// points whose clock was not set.
    pub fn push(&mut self, s: Sample) {
        if s.time.is_some_and(|t| t.year() >= 1980) {
            self.samples.push(s);
        }
    }

    pub fn len(&self) -> usize {
        self.samples.len()
    }

    /// Seconds between the first and the last sample.
    pub fn span_seconds(&self) -> f64 {
        let times = self.samples.iter().filter_map(|s| s.time);
        match (times.clone().min(), times.max()) {
            (Some(a), Some(b)) => (b - a).num_milliseconds() as f64 / 1000.0,
            _ => 0.0,
        }
    }

    pub fn first_time(&self) -> Option<DateTime<Utc>> {
        self.samples.iter().filter_map(|s| s.time).min()
    }

    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }

    /// Streams relative to `start`. Samples are sorted by time (chained FIT
    /// files and merged TCX laps can repeat or reorder instants).
    pub fn build(mut self, start: DateTime<Utc>) -> Streams {
        self.samples.sort_by_key(|s| s.time);
        let n = self.samples.len();
        let mut st = Streams {
            time: Vec::with_capacity(n),
            distance: Vec::with_capacity(n),
            heartrate: Vec::with_capacity(n),
            power: Vec::with_capacity(n),
            cadence: Vec::with_capacity(n),
            altitude: Vec::with_capacity(n),
            speed: Vec::with_capacity(n),
            temperature: Vec::with_capacity(n),
            latlng: Vec::with_capacity(n),
        };
        let nan = f64::NAN;
        for s in &self.samples {
            let Some(t) = s.time else { continue };
            st.time.push((t - start).num_milliseconds() as f64 / 1000.0);
            st.distance.push(s.distance.unwrap_or(nan));
            st.heartrate.push(s.heartrate.unwrap_or(nan));
            st.power.push(s.power.unwrap_or(nan));
            st.cadence.push(s.cadence.unwrap_or(nan));
            st.altitude.push(s.altitude.unwrap_or(nan));
            st.speed.push(s.speed.unwrap_or(nan));
            st.temperature.push(s.temperature.unwrap_or(nan));
            st.latlng.push(s.latlng.unwrap_or([nan, nan]));
        }
        st
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegmentKind {
    Lap,
    Length,
    Set,
}

impl SegmentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SegmentKind::Lap => "lap",
            SegmentKind::Length => "length",
            SegmentKind::Set => "set",
        }
    }
}

/// A lap, a pool length or a strength set.
#[derive(Debug, Clone)]
pub struct ParsedSegment {
    pub kind: SegmentKind,
    pub start: Option<DateTime<Utc>>,
    pub elapsed_s: Option<f64>,
    pub moving_s: Option<f64>,
    pub distance_m: Option<f64>,
    pub average_heartrate: Option<f64>,
    pub max_heartrate: Option<f64>,
    pub average_power_w: Option<f64>,
    pub average_cadence: Option<f64>,
    pub average_speed_mps: Option<f64>,
    pub elevation_gain_m: Option<f64>,
    pub exercise_name: Option<String>,
    pub reps: Option<i64>,
    pub weight_kg: Option<f64>,
    pub notes: Option<String>,
}

impl ParsedSegment {
    pub fn new(kind: SegmentKind) -> Self {
        ParsedSegment {
            kind,
            start: None,
            elapsed_s: None,
            moving_s: None,
            distance_m: None,
            average_heartrate: None,
            max_heartrate: None,
            average_power_w: None,
            average_cadence: None,
            average_speed_mps: None,
            elevation_gain_m: None,
            exercise_name: None,
            reps: None,
            weight_kg: None,
            notes: None,
        }
    }
}

/// Summary numbers; a parser fills what the file states, [`ParsedActivity::finish`]
/// derives the rest from the streams.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub elapsed_s: Option<f64>,
    pub moving_s: Option<f64>,
    pub distance_m: Option<f64>,
    pub elevation_gain_m: Option<f64>,
    pub elevation_loss_m: Option<f64>,
    pub calories: Option<f64>,
    pub average_heartrate: Option<f64>,
    pub max_heartrate: Option<f64>,
    pub average_power_w: Option<f64>,
    pub max_power_w: Option<f64>,
    pub normalized_power_w: Option<f64>,
    pub average_cadence: Option<f64>,
    pub average_speed_mps: Option<f64>,
    pub max_speed_mps: Option<f64>,
    pub training_load: Option<f64>,
    /// What `training_load` is: "tss" or "trimp".
    pub training_load_kind: Option<&'static str>,
    pub best_1km_s: Option<f64>,
    pub best_5km_s: Option<f64>,
    pub best_5min_power_w: Option<f64>,
    pub best_20min_power_w: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct ParsedActivity {
    /// "fit", "gpx" or "tcx"; "strava" when it came from Strava's API (no file).
    pub format: &'static str,
    pub name: Option<String>,
    pub activity_type: ActivityType,
    pub start: DateTime<Utc>,
    pub summary: Summary,
    pub segments: Vec<ParsedSegment>,
    pub streams: Streams,
    /// Set when only part of a damaged file could be read: what was wrong.
    pub partial: Option<String>,
    /// Device or app that wrote the file, when it says.
    pub creator: Option<String>,
}

fn fill(slot: &mut Option<f64>, value: Option<f64>) {
    if slot.is_none_or(|v| !v.is_finite()) {
        *slot = value.filter(|v| v.is_finite());
    }
}

impl ParsedActivity {
    /// Completes the summary from the streams where the file did not state a
    /// value, and computes the training metrics.
    pub fn finish(&mut self, thresholds: &Thresholds) {
        if self.streams.distance.iter().all(|d| !d.is_finite()) && self.streams.has_latlng() {
            self.streams.distance = metrics::cumulative_distance(&self.streams.latlng);
        }
        let st = &self.streams;
        let s = &mut self.summary;
        let time = st.time.as_slice();
        let distance = st.present("distance");
        let speed = st.present("speed");
        if let (Some(first), Some(last)) = (time.first(), time.last()) {
            fill(&mut s.elapsed_s, Some(last - first).filter(|d| *d > 0.0));
        }
        fill(&mut s.distance_m, distance.and_then(metrics::max));
        // Judged from the samples when possible, so a FIT file and its GPX export agree;
        // the device's timer time otherwise (pool swims, strength).
        if let Some(moving) = metrics::moving_time(time, distance, speed) {
            s.moving_s = Some(moving);
        }
        if let Some(alt) = st.present("altitude")
            && let Some((gain, loss)) = metrics::elevation_gain_loss(alt)
        {
            fill(&mut s.elevation_gain_m, Some(gain));
            fill(&mut s.elevation_loss_m, Some(loss));
        }
        if let Some(hr) = st.present("heartrate") {
            fill(&mut s.average_heartrate, metrics::mean(hr));
            fill(&mut s.max_heartrate, metrics::max(hr));
        }
        if let Some(p) = st.present("power") {
            fill(&mut s.average_power_w, metrics::mean(p));
            fill(&mut s.max_power_w, metrics::max(p));
            fill(&mut s.normalized_power_w, metrics::normalized_power(time, p));
            s.best_5min_power_w = metrics::best_power(time, p, 300);
            s.best_20min_power_w = metrics::best_power(time, p, 1200);
        }
        if let Some(c) = st.present("cadence") {
            fill(&mut s.average_cadence, metrics::mean(c));
        }
        if let Some(v) = speed {
            fill(&mut s.max_speed_mps, metrics::max(v));
        }
        if let (Some(d), Some(t)) = (s.distance_m, s.moving_s.or(s.elapsed_s))
            && t > 0.0
        {
            fill(&mut s.average_speed_mps, Some(d / t));
        }
        if let Some(d) = distance {
            s.best_1km_s = metrics::best_effort_seconds(time, d, 1000.0);
            s.best_5km_s = metrics::best_effort_seconds(time, d, 5000.0);
        }
        // Power-based load when an FTP is known, else heart-rate TRIMP.
        let duration = s.moving_s.or(s.elapsed_s);
        let tss = match (thresholds.ftp_w, s.normalized_power_w, duration) {
            (Some(ftp), Some(np), Some(d)) => metrics::tss(d, np, ftp),
            _ => None,
        };
        let trimp = st.present("heartrate").and_then(|hr| {
            metrics::trimp(time, hr, thresholds.resting_hr, thresholds.max_hr, thresholds.female)
        });
        (s.training_load, s.training_load_kind) = match (tss, trimp) {
            (Some(t), _) => (Some(t), Some("tss")),
            (None, Some(t)) => (Some(t), Some("trimp")),
            _ => (None, None),
        };
    }
}

/// Longest gap between two samples of one activity; a later sample is a stray
/// timestamp (an unset clock, a hostile file) and is dropped with a warning.
pub const MAX_SAMPLE_GAP_S: f64 = 24.0 * 3600.0;

impl ParsedActivity {
    fn warn(&mut self, problem: String) {
        tracing::warn!("{problem}");
        self.partial = Some(match self.partial.take() {
            Some(p) => format!("{p}; {problem}"),
            None => problem,
        });
    }

    /// Keeps the longest run of samples without a gap of more than a day and
    /// at most [`Quantity::DurationS`] long, so one point dated 9999 (or ten
    /// years later) neither stretches the activity nor makes the per-second
    /// metrics allocate for the whole span. Call before [`Self::finish`].
    pub fn trim_stray_times(&mut self, label: &str) {
        let t = &self.streams.time;
        let n = t.len();
        if n == 0 {
            return;
        }
        let max_span = crate::plausibility::range(crate::plausibility::Quantity::DurationS).max;
        let last = t.iter().rev().find(|x| x.is_finite()).copied().unwrap_or(0.0);
        let first = t.iter().find(|x| x.is_finite()).copied().unwrap_or(0.0);
        if last - first <= max_span && t.windows(2).all(|w| w[1] - w[0] <= MAX_SAMPLE_GAP_S) {
            return;
        }
        // Runs split at long gaps; the one with the most samples is the activity.
        let (mut best, mut start) = ((0, 0), 0);
        for i in 1..=n {
            // A NaN time splits too: it is not within the gap.
            let split = i == n || {
                let gap_ok = (t[i - 1]..=t[i - 1] + MAX_SAMPLE_GAP_S).contains(&t[i]);
                !gap_ok || t[i] - t[start] > max_span
            };
            if split {
                if i - start > best.1 - best.0 {
                    best = (start, i);
                }
                start = i;
            }
        }
        let (a, b) = best;
        let dropped = n - (b - a);
        let offset = t[a];
        let keep = |v: &mut Vec<f64>| {
            if v.len() == n {
                *v = v[a..b].to_vec();
            }
        };
        let st = &mut self.streams;
        for v in [
            &mut st.time,
            &mut st.distance,
            &mut st.heartrate,
            &mut st.power,
            &mut st.cadence,
            &mut st.altitude,
            &mut st.speed,
            &mut st.temperature,
        ] {
            keep(v);
        }
        if st.latlng.len() == n {
            st.latlng = st.latlng[a..b].to_vec();
        }
        for x in &mut st.time {
            *x -= offset;
        }
        if offset.is_finite() && offset != 0.0 {
            self.start += chrono::Duration::milliseconds((offset * 1000.0) as i64);
        }
        // What the file stated for the whole span no longer describes what is kept.
        let s = &mut self.summary;
        if s.elapsed_s.is_some_and(|e| e > max_span) {
            s.elapsed_s = None;
        }
        self.warn(format!(
            "{label}: {dropped} of {n} track points dropped: their timestamps are far from the rest \
             (more than a day apart or past a week)"
        ));
    }

    /// Drops every summary value and sample outside the plausible range
    /// ([`crate::plausibility`]), each named in a warning with the file.
    /// Refuses the activity when nothing sensible remains.
    pub fn check_plausible(&mut self, label: &str) -> std::result::Result<(), String> {
        use crate::plausibility::{Quantity as Q, check, check_pace, keep};
        let mut w = Vec::new();
        let sport = self.activity_type;
        let s = &mut self.summary;
        for (q, slot) in [
            (Q::DurationS, &mut s.elapsed_s),
            (Q::DurationS, &mut s.moving_s),
            (Q::DistanceM, &mut s.distance_m),
            (Q::ElevationM, &mut s.elevation_gain_m),
            (Q::ElevationM, &mut s.elevation_loss_m),
            (Q::ActivityKcal, &mut s.calories),
            (Q::HeartRateBpm, &mut s.average_heartrate),
            (Q::HeartRateBpm, &mut s.max_heartrate),
            (Q::PowerW, &mut s.average_power_w),
            (Q::PowerW, &mut s.max_power_w),
            (Q::PowerW, &mut s.normalized_power_w),
            (Q::PowerW, &mut s.best_5min_power_w),
            (Q::PowerW, &mut s.best_20min_power_w),
            (Q::CadenceRpm, &mut s.average_cadence),
            (Q::SpeedMps(sport), &mut s.average_speed_mps),
            (Q::DurationS, &mut s.best_1km_s),
            (Q::DurationS, &mut s.best_5km_s),
        ] {
            *slot = keep(q, *slot, label, &mut w);
        }
        // GPS spikes make a maximum speed; only the absurd one is dropped.
        s.max_speed_mps = keep(Q::SpeedMps(ActivityType::Other), s.max_speed_mps, label, &mut w);
        // The longer of the two times: moving time judged from a few samples can be short
        // while the stated distance is real; only a pace no one can move at is dropped.
        let longest = match (s.moving_s, s.elapsed_s) {
            (Some(m), Some(e)) => Some(m.max(e)),
            (m, e) => m.or(e),
        };
        if let (Some(d), Some(t)) = (s.distance_m, longest)
            && let Err(e) = check_pace(sport, d, t)
        {
            w.push(format!("{label}: {e}: the distance is dropped"));
            s.distance_m = None;
            s.average_speed_mps = None;
            s.best_1km_s = None;
            s.best_5km_s = None;
        }
        for seg in &mut self.segments {
            seg.elapsed_s = keep(Q::DurationS, seg.elapsed_s, label, &mut w);
            seg.moving_s = keep(Q::DurationS, seg.moving_s, label, &mut w);
            seg.distance_m = keep(Q::DistanceM, seg.distance_m, label, &mut w);
            seg.average_heartrate = keep(Q::HeartRateBpm, seg.average_heartrate, label, &mut w);
            seg.max_heartrate = keep(Q::HeartRateBpm, seg.max_heartrate, label, &mut w);
            seg.average_power_w = keep(Q::PowerW, seg.average_power_w, label, &mut w);
            seg.average_cadence = keep(Q::CadenceRpm, seg.average_cadence, label, &mut w);
            seg.average_speed_mps = keep(Q::SpeedMps(sport), seg.average_speed_mps, label, &mut w);
            seg.elevation_gain_m = keep(Q::ElevationM, seg.elevation_gain_m, label, &mut w);
            seg.weight_kg = keep(Q::LiftKg, seg.weight_kg, label, &mut w);
            if let Some(r) = seg.reps
                && check(Q::Reps, r as f64).is_err()
            {
                w.push(format!("{label}: {r} reps is not plausible"));
                seg.reps = None;
            }
        }
        // Samples: out-of-range values become "not recorded".
        let st = &mut self.streams;
        for (q, v, name) in [
            (Q::HeartRateBpm, &mut st.heartrate, "heart rate"),
            (Q::PowerW, &mut st.power, "power"),
            (Q::CadenceRpm, &mut st.cadence, "cadence"),
            (Q::DistanceM, &mut st.distance, "distance"),
            (Q::TemperatureC, &mut st.temperature, "temperature"),
        ] {
            let mut bad = 0;
            for x in v.iter_mut().filter(|x| !x.is_nan()) {
                if check(q, *x).is_err() {
                    *x = f64::NAN;
                    bad += 1;
                }
            }
            if bad > 0 {
                w.push(format!("{label}: {bad} {name} samples out of range dropped"));
            }
        }
        for p in w {
            self.warn(p);
        }
        let s = &self.summary;
        let anything = !self.streams.is_empty()
            || !self.segments.is_empty()
            || s.elapsed_s.is_some_and(|e| e > 0.0)
            || s.moving_s.is_some_and(|e| e > 0.0)
            || s.distance_m.is_some_and(|d| d > 0.0);
        if anything {
            Ok(())
        } else {
            Err(format!(
                "{label}: nothing plausible remains ({})",
                self.partial.clone().unwrap_or_else(|| "no time, distance or samples".into())
            ))
        }
    }
}
