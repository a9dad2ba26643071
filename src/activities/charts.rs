//! What the activity screens draw: streams thinned to a chartable size on one
//! shared time axis, the route, heart-rate zones, strength volume per
//! exercise and the fitness/fatigue/form curves over a date range.

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use super::import::{self, Streams};
use super::metrics;
use super::view::{self, ActivityDetail, SegmentRow};
use crate::clock;
use crate::error::{Error, Result};
use crate::store::Store;

/// More points than a chart is wide gain nothing and cost IPC time.
pub const MAX_CHART_POINTS: usize = 2000;

/// Longest range the fitness chart accepts (ten years).
const MAX_FITNESS_DAYS: i64 = 3660;
/// History read before a range: a load this old weighs (41/42)^365 ≈ 0.015 %
/// in fitness (CTL), below the one decimal shown, so years of history cost
/// what one year does.
pub const FITNESS_WARMUP_DAYS: i64 = 365;

/// Averages consecutive samples into at most `max_points` buckets of equal
/// sample count. Time is the bucket's mean time; each channel is the mean of
/// its finite samples in the bucket (NaN when it has none), so every channel
/// keeps sharing the time axis. Short streams come back unchanged.
pub fn downsample(time: &[f64], channels: &[&[f64]], max_points: usize) -> (Vec<f64>, Vec<Vec<f64>>) {
    let n = time.len();
    if n <= max_points || max_points == 0 {
        return (time.to_vec(), channels.iter().map(|c| c.to_vec()).collect());
    }
    let bucket = n.div_ceil(max_points);
    let mean = |values: &[f64]| metrics::mean(values).unwrap_or(f64::NAN);
    let out_time = time.chunks(bucket).map(mean).collect();
    let out_channels = channels.iter().map(|c| c.chunks(bucket).map(mean).collect()).collect();
    (out_time, out_channels)
}

/// The positions of a track with a fix, thinned to at most `max_points` by
/// keeping every k-th one; the first and last positions are always kept so
/// the drawn route starts and ends where the activity did.
pub fn downsample_route(latlng: &[[f64; 2]], max_points: usize) -> Vec<[f64; 2]> {
    let fixes: Vec<[f64; 2]> =
        latlng.iter().copied().filter(|p| p[0].is_finite() && p[1].is_finite()).collect();
    if fixes.len() <= max_points || max_points < 2 {
        return fixes;
    }
    let step = (fixes.len() - 1).div_ceil(max_points - 1);
    let mut out: Vec<[f64; 2]> = fixes.iter().step_by(step).copied().collect();
    if let (Some(last), Some(kept)) = (fixes.last(), out.last())
        && kept != last
    {
        out.push(*last);
    }
    out
}

/// Speed (m/s) from the distance stream over a centred ±5 s window: devices
/// repeat a distance between GPS updates, so sample-to-sample speed jumps
/// between 0 and double. NaN where the window has no distance change to judge.
pub fn speed_from_distance(time: &[f64], distance: &[f64]) -> Vec<f64> {
    const HALF_WINDOW: f64 = 5.0;
    let n = time.len().min(distance.len());
    let mut out = Vec::with_capacity(n);
    let (mut lo, mut hi) = (0, 0);
    for i in 0..n {
        while lo < i && (time[i] - time[lo] > HALF_WINDOW || !distance[lo].is_finite()) {
            lo += 1;
        }
        hi = hi.max(i);
        while hi + 1 < n && time[hi + 1] - time[i] <= HALF_WINDOW {
            hi += 1;
        }
        let last = (lo..=hi).rev().find(|&k| distance[k].is_finite());
        let v = match last {
            Some(last) if last > lo && distance[lo].is_finite() && time[last] > time[lo] => {
                (distance[last] - distance[lo]) / (time[last] - time[lo])
            }
            _ => f64::NAN,
        };
        out.push(v);
    }
    out
}

fn present(values: Vec<f64>) -> Option<Vec<Option<f64>>> {
    values
        .iter()
        .any(|v| v.is_finite())
        .then(|| values.into_iter().map(|v| v.is_finite().then_some(v)).collect())
}

/// Streams ready to plot: one time axis (seconds from the start) and one
/// array per channel of the same length, `null` where the sensor had
/// nothing; a channel the activity lacks is `null` as a whole.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ChartStreams {
    pub time_s: Vec<f64>,
    pub distance_m: Option<Vec<Option<f64>>>,
    pub heartrate_bpm: Option<Vec<Option<f64>>>,
    /// From the speed stream, else derived from the distance stream.
    pub speed_mps: Option<Vec<Option<f64>>>,
    pub power_w: Option<Vec<Option<f64>>>,
    pub cadence: Option<Vec<Option<f64>>>,
    pub altitude_m: Option<Vec<Option<f64>>>,
    /// [lat, lng] pairs of the route, thinned to the same limit.
    pub route: Vec<[f64; 2]>,
    /// Samples stored before thinning.
    pub source_samples: u32,
}

impl ChartStreams {
    pub fn from_streams(st: &Streams, max_points: usize) -> Self {
        let speed = match (st.present("speed"), st.present("distance")) {
            (Some(v), _) => v.to_vec(),
            (None, Some(d)) => speed_from_distance(&st.time, d),
            (None, None) => Vec::new(),
        };
        let channel = |name: &str| st.present(name).map(<[f64]>::to_vec).unwrap_or_default();
        let columns = [
            channel("distance"),
            channel("heartrate"),
            speed,
            channel("power"),
            channel("cadence"),
            channel("altitude"),
        ];
        // A missing channel is empty: pad it with NaN so every column has the time axis' length.
        let n = st.time.len();
        let padded: Vec<Vec<f64>> =
            columns.into_iter().map(|c| if c.len() == n { c } else { vec![f64::NAN; n] }).collect();
        let refs: Vec<&[f64]> = padded.iter().map(Vec::as_slice).collect();
        let (time_s, mut out) = downsample(&st.time, &refs, max_points);
        let mut take = |i: usize| present(std::mem::take(&mut out[i]));
        ChartStreams {
            distance_m: take(0),
            heartrate_bpm: take(1),
            speed_mps: take(2),
            power_w: take(3),
            cadence: take(4),
            altitude_m: take(5),
            time_s,
            route: downsample_route(&st.latlng, max_points),
            source_samples: u32::try_from(n).unwrap_or(u32::MAX),
        }
    }
}

/// One heart-rate zone and the time spent in it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HrZone {
    /// 1 (easy) to 5 (maximal).
    pub zone: u8,
    pub name: String,
    /// Lower bound in bpm; `None` for zone 1.
    pub low_bpm: Option<f64>,
    /// Upper bound (exclusive) in bpm; `None` for zone 5.
    pub high_bpm: Option<f64>,
    pub seconds: f64,
}

/// Lower limits of zones 2–5 as shares of max HR (the common 5-zone model:
/// < 60 %, 60–70 %, 70–80 %, 80–90 %, ≥ 90 %).
const ZONE_SHARES: [f64; 4] = [0.6, 0.7, 0.8, 0.9];
const ZONE_NAMES: [&str; 5] = ["Recovery", "Endurance", "Tempo", "Threshold", "Maximum"];

/// Time in each of five zones from the heart-rate stream; empty without one.
pub fn hr_zones(time: &[f64], heartrate: &[f64], max_hr: f64) -> Vec<HrZone> {
    if max_hr <= 0.0 || !heartrate.iter().any(|h| h.is_finite()) {
        return Vec::new();
    }
    let bounds: Vec<f64> = ZONE_SHARES.iter().map(|s| (s * max_hr).round()).collect();
    let seconds = metrics::time_in_zones(time, heartrate, &bounds);
    seconds
        .into_iter()
        .enumerate()
        .map(|(i, seconds)| HrZone {
            zone: i as u8 + 1,
            name: ZONE_NAMES[i].to_string(),
            low_bpm: i.checked_sub(1).map(|j| bounds[j]),
            high_bpm: bounds.get(i).copied(),
            seconds,
        })
        .collect()
}

/// Volume and estimated one-rep max of one exercise in a strength session.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExerciseSummary {
    pub exercise: String,
    pub sets: u32,
    pub reps: i64,
    /// Σ reps × weight.
    pub volume_kg: f64,
    /// Best Epley estimate over the sets.
    pub estimated_1rm_kg: Option<f64>,
}

/// Per exercise, in order of first appearance; sets without a name count as "?".
pub fn strength_summary(segments: &[SegmentRow]) -> Vec<ExerciseSummary> {
    let mut out: Vec<ExerciseSummary> = Vec::new();
    for s in segments.iter().filter(|s| s.segment_type == "set") {
        let name = s.exercise_name.clone().unwrap_or_else(|| "?".into());
        let (reps, weight) = (s.reps.unwrap_or(0), s.weight_kg.unwrap_or(0.0));
        let e1rm = metrics::estimated_1rm(weight, reps);
        let idx = match out.iter().position(|e| e.exercise == name) {
            Some(i) => i,
            None => {
                out.push(ExerciseSummary {
                    exercise: name,
                    sets: 0,
                    reps: 0,
                    volume_kg: 0.0,
                    estimated_1rm_kg: None,
                });
                out.len() - 1
            }
        };
        let e = &mut out[idx];
        e.sets += 1;
        e.reps += reps;
        e.volume_kg += reps as f64 * weight;
        e.estimated_1rm_kg = match (e.estimated_1rm_kg, e1rm) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }
    out
}

/// Everything the activity detail screen shows.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ActivityView {
    pub detail: ActivityDetail,
    pub charts: ChartStreams,
    pub hr_zones: Vec<HrZone>,
    /// The max HR the zones are based on (profile setting or age estimate).
    pub max_hr: f64,
    pub strength: Vec<ExerciseSummary>,
}

pub async fn activity_view(store: &Store, user_id: &str, id: &str) -> Result<ActivityView> {
    let detail = view::detail(store, user_id, id).await?;
    let streams = view::load_streams(store, user_id, id).await?;
    let thresholds = import::thresholds(store, user_id).await?;
    let hr_zones = match streams.present("heartrate") {
        Some(hr) => hr_zones(&streams.time, hr, thresholds.max_hr),
        None => Vec::new(),
    };
    let strength = strength_summary(&detail.segments);
    Ok(ActivityView {
        charts: ChartStreams::from_streams(&streams, MAX_CHART_POINTS),
        detail,
        hr_zones,
        max_hr: thresholds.max_hr,
        strength,
    })
}

/// One day of the performance-management chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FitnessDay {
    /// Local date, YYYY-MM-DD.
    pub date: String,
    /// Training load of the day's activities (TSS or TRIMP).
    pub load: f64,
    /// CTL, 42-day.
    pub fitness: f64,
    /// ATL, 7-day.
    pub fatigue: f64,
    /// TSB: yesterday's fitness minus fatigue.
    pub form: f64,
}

/// Fitness, fatigue and form for each day of `[from, to]`. The curves start
/// from zero at the first training day on record (or `from` if later
/// activities are all there is), at most [`FITNESS_WARMUP_DAYS`] before
/// `from`, so a range in the middle of a training history shows the values
/// that history built up while the work stays bounded by what is shown.
pub async fn fitness_series(
    store: &Store,
    user_id: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<FitnessDay>> {
    if to < from {
        return Err(Error::invalid(format!("the range ends ({to}) before it starts ({from})")));
    }
    if (to - from).num_days() > MAX_FITNESS_DAYS {
        return Err(Error::invalid("the fitness chart covers at most ten years at a time"));
    }
    let rows: Vec<(String, f64)> = sqlx::query_as(
        "SELECT local_date, total(training_load) FROM activities \
         WHERE user_id = ? AND local_date >= ? AND local_date <= ? GROUP BY local_date ORDER BY local_date",
    )
    .bind(user_id)
    .bind((from - Duration::days(FITNESS_WARMUP_DAYS)).to_string())
    .bind(to.to_string())
    .fetch_all(store.pool())
    .await?;
    let loads: Vec<(NaiveDate, f64)> =
        rows.into_iter().filter_map(|(d, l)| clock::parse_date(&d).ok().map(|d| (d, l))).collect();
    let start = loads.first().map_or(from, |(d, _)| (*d).min(from));
    let days = (to - start).num_days() as usize + 1;
    let mut daily = vec![0.0; days];
    for (d, load) in &loads {
        if let Some(slot) = daily.get_mut((*d - start).num_days() as usize) {
            *slot += load;
        }
    }
    let curves = metrics::fitness_fatigue(&daily);
    let skip = (from - start).num_days() as usize;
    Ok(curves
        .iter()
        .zip(&daily)
        .enumerate()
        .skip(skip)
        .map(|(i, (f, load))| FitnessDay {
            date: (start + Duration::days(i as i64)).to_string(),
            load: *load,
            fitness: f.fitness,
            fatigue: f.fatigue,
            form: f.form,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_streams_are_not_thinned() {
        let t = [0.0, 1.0, 2.0];
        let hr = [100.0, f64::NAN, 120.0];
        let (time, ch) = downsample(&t, &[&hr], 3);
        assert_eq!(time, t);
        assert_eq!(ch[0][0], 100.0);
        assert!(ch[0][1].is_nan());
    }

    #[test]
    fn long_streams_are_bucket_means_on_one_axis() {
        // 10 samples into at most 4 points: buckets of 3 (3, 3, 3, 1).
        let t: Vec<f64> = (0..10).map(f64::from).collect();
        let hr: Vec<f64> = (0..10).map(|i| 100.0 + f64::from(i)).collect();
        let mut power = vec![f64::NAN; 10];
        power[4] = 200.0;
        power[5] = 300.0;
        let (time, ch) = downsample(&t, &[&hr, &power], 4);
        assert_eq!(time, vec![1.0, 4.0, 7.0, 9.0]);
        assert_eq!(ch[0], vec![101.0, 104.0, 107.0, 109.0]);
        assert!(ch[1][0].is_nan() && ch[1][2].is_nan());
        assert_eq!(ch[1][1], 250.0, "the mean of the samples the bucket has");
        // A day-long 1 Hz recording fits the chart limit.
        let t: Vec<f64> = (0..86_400).map(f64::from).collect();
        let (time, ch) = downsample(&t, &[&t], MAX_CHART_POINTS);
        assert!(time.len() <= MAX_CHART_POINTS && ch[0].len() == time.len(), "{}", time.len());
        assert!(time.len() > MAX_CHART_POINTS * 9 / 10, "uses most of the budget: {}", time.len());
    }

    #[test]
    fn route_keeps_its_ends_and_drops_missing_fixes() {
        let track: Vec<[f64; 2]> = (0..101)
            .map(|i| if i == 50 { [f64::NAN, f64::NAN] } else { [46.0 + f64::from(i) * 0.001, 14.5] })
            .collect();
        let thin = downsample_route(&track, 10);
        assert!(thin.len() <= 11, "{}", thin.len());
        assert_eq!(thin.first(), Some(&[46.0, 14.5]));
        assert_eq!(thin.last(), Some(&[46.1, 14.5]));
        assert!(thin.iter().all(|p| p[0].is_finite()));
        assert_eq!(downsample_route(&track, 5000).len(), 100);
    }

    #[test]
    fn speed_from_a_distance_that_repeats_between_gps_updates() {
        // 1 Hz, 4 m every other second: 2 m/s, though single intervals say 0 or 4.
        let t: Vec<f64> = (0..21).map(f64::from).collect();
        let d: Vec<f64> = (0..21).map(|i| f64::from(i / 2 * 4)).collect();
        let v = speed_from_distance(&t, &d);
        for x in &v[5..16] {
            assert!((x - 2.0).abs() < 0.25, "{v:?}");
        }
        assert!(speed_from_distance(&t, &[f64::NAN; 21]).iter().all(|x| x.is_nan()));
    }

    #[test]
    fn chart_streams_fill_speed_from_distance_and_drop_absent_channels() {
        let st = Streams {
            time: vec![0.0, 1.0, 2.0],
            distance: vec![0.0, 3.0, 6.0],
            heartrate: vec![f64::NAN, f64::NAN, f64::NAN],
            latlng: vec![[46.0, 14.0], [46.0, 14.1], [f64::NAN, f64::NAN]],
            ..Streams::default()
        };
        let c = ChartStreams::from_streams(&st, MAX_CHART_POINTS);
        assert_eq!(c.time_s.len(), 3);
        assert_eq!(c.speed_mps, Some(vec![Some(3.0), Some(3.0), Some(3.0)]));
        assert_eq!(c.heartrate_bpm, None);
        assert_eq!(c.power_w, None, "a channel the file never had");
        assert_eq!(c.route.len(), 2);
    }

    #[test]
    fn zones_from_max_hr() {
        // Max 200: bounds 120, 140, 160, 180. 10 s in each of zones 1, 3 and 5.
        let t = [0.0, 10.0, 20.0, 30.0];
        let hr = [100.0, 110.0, 150.0, 190.0];
        let z = hr_zones(&t, &hr, 200.0);
        assert_eq!(z.len(), 5);
        assert_eq!(z.iter().map(|z| z.seconds).collect::<Vec<_>>(), vec![10.0, 0.0, 10.0, 0.0, 10.0]);
        assert_eq!((z[0].low_bpm, z[0].high_bpm), (None, Some(120.0)));
        assert_eq!((z[4].low_bpm, z[4].high_bpm), (Some(180.0), None));
        assert!(hr_zones(&t, &[f64::NAN; 4], 200.0).is_empty());
    }

    fn set(name: &str, reps: i64, kg: f64) -> SegmentRow {
        SegmentRow {
            segment_type: "set".into(),
            segment_index: 0,
            start_offset_seconds: None,
            elapsed_time_seconds: None,
            moving_time_seconds: None,
            distance_meters: None,
            average_heartrate: None,
            max_heartrate: None,
            average_power_w: None,
            average_cadence: None,
            average_speed_mps: None,
            exercise_name: Some(name.into()),
            reps: Some(reps),
            weight_kg: Some(kg),
        }
    }

    #[test]
    fn strength_volume_and_best_1rm_per_exercise() {
        let sets = [set("Squat", 5, 100.0), set("Bench", 8, 60.0), set("Squat", 3, 110.0)];
        let s = strength_summary(&sets);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].exercise, "Squat");
        assert_eq!((s[0].sets, s[0].reps), (2, 8));
        assert_eq!(s[0].volume_kg, 830.0);
        // 100 × (1 + 5/30) = 116.67; 110 × (1 + 3/30) = 121.0.
        assert!((s[0].estimated_1rm_kg.unwrap() - 121.0).abs() < 1e-9);
        assert_eq!(s[1].volume_kg, 480.0);
    }
}
