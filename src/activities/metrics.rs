//! Training metrics as pure functions over streams.
//!
//! Streams follow the storage convention: `time` is seconds from the start,
//! every other channel has one sample per time sample and NaN where the
//! sensor had nothing.

/// Below this speed (m/s) an interval counts as standing still: slower than
/// any walk, faster than GPS drift at a traffic light.
pub const MOVING_SPEED_MPS: f64 = 0.5;

/// Great-circle distance in metres (haversine, mean Earth radius).
pub fn haversine_m(a: [f64; 2], b: [f64; 2]) -> f64 {
    const R: f64 = 6_371_008.8;
    let (lat1, lat2) = (a[0].to_radians(), b[0].to_radians());
    let dlat = lat2 - lat1;
    let dlng = (b[1] - a[1]).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlng / 2.0).sin().powi(2);
    2.0 * R * h.sqrt().min(1.0).asin()
}

/// Cumulative distance along a track; samples without a position keep the
/// distance reached so far (NaN before the first fix).
pub fn cumulative_distance(latlng: &[[f64; 2]]) -> Vec<f64> {
    let mut out = Vec::with_capacity(latlng.len());
    let mut last: Option<[f64; 2]> = None;
    let mut total = f64::NAN;
    for p in latlng {
        if p[0].is_finite() && p[1].is_finite() {
            match last {
                Some(prev) => total += haversine_m(prev, *p),
                None => total = 0.0,
            }
            last = Some(*p);
        }
        out.push(total);
    }
    out
}

/// Seconds spent moving: intervals whose speed is at least
/// [`MOVING_SPEED_MPS`]. Speed comes from the distance stream over a ±5 s
/// window (devices repeat a distance value between GPS updates, so single
/// intervals read 0 m/s while running), else from the speed stream. Gaps of
/// 10 s or more are judged on their own: a pause covers no distance.
/// `None` when neither stream says anything.
pub fn moving_time(time: &[f64], distance: Option<&[f64]>, speed: Option<&[f64]>) -> Option<f64> {
    const HALF_WINDOW: f64 = 5.0;
    const GAP: f64 = 10.0;
    let windowed = |d: &[f64], i: usize| -> Option<f64> {
        let dt = time[i] - time[i - 1];
        if dt >= GAP {
            let dd = d[i] - d[i - 1];
            return dd.is_finite().then_some(dd / dt);
        }
        let mut lo = i - 1;
        while lo > 0 && time[i] - time[lo - 1] <= HALF_WINDOW && time[lo] - time[lo - 1] < GAP {
            lo -= 1;
        }
        let mut hi = i;
        while hi + 1 < time.len() && time[hi + 1] - time[i] <= HALF_WINDOW && time[hi + 1] - time[hi] < GAP {
            hi += 1;
        }
        let first = (lo..=hi).find(|&k| d[k].is_finite())?;
        let last = (lo..=hi).rev().find(|&k| d[k].is_finite())?;
        let span = time[last] - time[first];
        (span > 0.0).then(|| (d[last] - d[first]) / span)
    };
    let mut total = 0.0;
    let mut known = false;
    for i in 1..time.len() {
        let dt = time[i] - time[i - 1];
        if dt.is_nan() || dt <= 0.0 {
            continue;
        }
        let by_distance = distance.and_then(|d| windowed(d, i));
        let by_speed = speed.and_then(|s| s[i].is_finite().then_some(s[i]));
        if let Some(v) = by_distance.or(by_speed) {
            known = true;
            if v >= MOVING_SPEED_MPS {
                total += dt;
            }
        }
    }
    known.then_some(total)
}

/// Total ascent and descent in metres after a light 3-point smoothing
/// (0.3/0.4/0.3) that removes single-sample GPS/barometer jitter; missing
/// samples are skipped. The same scheme as gpxpy, so results can be compared.
pub fn elevation_gain_loss(altitude: &[f64]) -> Option<(f64, f64)> {
    let alt: Vec<f64> = altitude.iter().copied().filter(|a| a.is_finite()).collect();
    if alt.len() < 2 {
        return None;
    }
    let n = alt.len();
    let smoothed: Vec<f64> =
        (0..n)
            .map(|i| {
                if i == 0 || i == n - 1 { alt[i] } else { 0.3 * alt[i - 1] + 0.4 * alt[i] + 0.3 * alt[i + 1] }
            })
            .collect();
    let (mut gain, mut loss) = (0.0, 0.0);
    for w in smoothed.windows(2) {
        let d = w[1] - w[0];
        if d > 0.0 {
            gain += d;
        } else {
            loss -= d;
        }
    }
    Some((gain, loss))
}

/// Mean of the finite samples.
pub fn mean(values: &[f64]) -> Option<f64> {
    let (sum, n) = values.iter().filter(|v| v.is_finite()).fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / n as f64)
}

/// Largest finite sample.
pub fn max(values: &[f64]) -> Option<f64> {
    values.iter().copied().filter(|v| v.is_finite()).reduce(f64::max)
}

/// Longest span resampled (8 days of 1 s values: 5.5 MB).
pub const MAX_RESAMPLE_SECONDS: usize = 8 * 86_400;

/// Resamples a channel onto a 1 s grid from 0 to the last time, holding each
/// sample until the next one (missing samples count as `fill`). Power
/// metrics are defined on 1 s data; devices record at 1 s or "smart" rates.
///
/// The grid is capped at [`MAX_RESAMPLE_SECONDS`]: importers trim stray
/// timestamps first, and no input can make this allocate one slot per second
/// of a ten-year (or year-9999) span.
pub fn resample_1hz(time: &[f64], values: &[f64], fill: f64) -> Vec<f64> {
    let Some(&end) = time.iter().rev().find(|t| t.is_finite()) else {
        return Vec::new();
    };
    if end < 0.0 {
        return Vec::new();
    }
    if end > MAX_RESAMPLE_SECONDS as f64 {
        tracing::warn!(
            span_s = end,
            "activity longer than {MAX_RESAMPLE_SECONDS} s: power metrics use its start only"
        );
    }
    let len = (end.floor().min(MAX_RESAMPLE_SECONDS as f64) as usize + 1).min(time.len().max(1) * 3600 + 1);
    let mut out = Vec::with_capacity(len);
    let mut j = 0;
    for s in 0..len {
        let t = s as f64;
        while j + 1 < time.len() && time[j + 1] <= t {
            j += 1;
        }
        let v = values[j];
        out.push(if v.is_finite() { v } else { fill });
    }
    out
}

/// Normalized power (Coggan): 30 s rolling mean of 1 s power, raised to the
/// 4th power, averaged, 4th root. Dropouts count as 0 W. `None` for rides
/// shorter than 30 s.
pub fn normalized_power(time: &[f64], power: &[f64]) -> Option<f64> {
    let p = resample_1hz(time, power, 0.0);
    if p.len() < 30 {
        return None;
    }
    let mut window: f64 = p[..30].iter().sum();
    let mut acc = (window / 30.0).powi(4);
    for i in 30..p.len() {
        window += p[i] - p[i - 30];
        acc += (window / 30.0).powi(4);
    }
    Some((acc / (p.len() - 29) as f64).powf(0.25))
}

/// Intensity factor: normalized power over functional threshold power.
pub fn intensity_factor(np: f64, ftp: f64) -> Option<f64> {
    (ftp > 0.0).then(|| np / ftp)
}

/// Training stress score: 100 = one hour at FTP.
pub fn tss(duration_s: f64, np: f64, ftp: f64) -> Option<f64> {
    let intensity = intensity_factor(np, ftp)?;
    Some(duration_s * np * intensity / (ftp * 3600.0) * 100.0)
}

/// Banister TRIMP: Σ minutes × HRr × 0.64·e^(1.92·HRr) (men; women
/// 0.86·e^(1.67·HRr)), HRr = (HR − rest)/(max − rest) clamped to [0, 1].
/// Each interval uses the HR at its end; dropouts contribute nothing.
pub fn trimp(time: &[f64], heartrate: &[f64], resting_hr: f64, max_hr: f64, female: bool) -> Option<f64> {
    if max_hr <= resting_hr {
        return None;
    }
    let (a, b) = if female { (0.86, 1.67) } else { (0.64, 1.92) };
    let mut total = 0.0;
    let mut any = false;
    for i in 1..time.len() {
        let dt = time[i] - time[i - 1];
        let hr = heartrate[i];
        if dt.is_nan() || dt <= 0.0 || !hr.is_finite() {
            continue;
        }
        any = true;
        let hrr = ((hr - resting_hr) / (max_hr - resting_hr)).clamp(0.0, 1.0);
        total += dt / 60.0 * hrr * a * (b * hrr).exp();
    }
    any.then_some(total)
}

/// Seconds spent in each heart-rate zone; `bounds` are the lower limits of
/// zones 2.. (ascending), so `n` bounds make `n + 1` zones.
pub fn time_in_zones(time: &[f64], heartrate: &[f64], bounds: &[f64]) -> Vec<f64> {
    let mut zones = vec![0.0; bounds.len() + 1];
    for i in 1..time.len() {
        let dt = time[i] - time[i - 1];
        let hr = heartrate[i];
        if dt > 0.0 && hr.is_finite() {
            zones[bounds.iter().take_while(|b| hr >= **b).count()] += dt;
        }
    }
    zones
}

/// Fastest time (s) to cover `target_m`, from the distance and time streams:
/// the shortest window whose distance gain reaches the target.
pub fn best_effort_seconds(time: &[f64], distance: &[f64], target_m: f64) -> Option<f64> {
    let pts: Vec<(f64, f64)> = time
        .iter()
        .zip(distance)
        .filter(|(t, d)| t.is_finite() && d.is_finite())
        .map(|(t, d)| (*t, *d))
        .collect();
    let mut best: Option<f64> = None;
    let mut i = 0;
    for j in 0..pts.len() {
        // Move the window start forward while it still spans the target.
        while i + 1 < j && pts[j].1 - pts[i + 1].1 >= target_m {
            i += 1;
        }
        if pts[j].1 - pts[i].1 >= target_m {
            let dt = pts[j].0 - pts[i].0;
            if best.is_none_or(|b| dt < b) {
                best = Some(dt);
            }
        }
    }
    best
}

/// Best mean power (W) over any `window_s`-second window of 1 s data.
pub fn best_power(time: &[f64], power: &[f64], window_s: usize) -> Option<f64> {
    let p = resample_1hz(time, power, 0.0);
    if window_s == 0 || p.len() < window_s {
        return None;
    }
    let mut sum: f64 = p[..window_s].iter().sum();
    let mut best = sum;
    for i in window_s..p.len() {
        sum += p[i] - p[i - window_s];
        best = best.max(sum);
    }
    Some(best / window_s as f64)
}

/// Estimated one-rep max (Epley): weight × (1 + reps / 30); a single is itself.
pub fn estimated_1rm(weight_kg: f64, reps: i64) -> Option<f64> {
    match reps {
        r if r < 1 || weight_kg <= 0.0 => None,
        1 => Some(weight_kg),
        r => Some(weight_kg * (1.0 + r as f64 / 30.0)),
    }
}

/// Fitness (CTL, 42-day), fatigue (ATL, 7-day) and form (TSB) for one day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Form {
    pub fitness: f64,
    pub fatigue: f64,
    /// Yesterday's fitness minus yesterday's fatigue: how fresh you start the day.
    pub form: f64,
}

/// The performance-management curves over consecutive days of training load
/// (0 for rest days), starting from zero.
pub fn fitness_fatigue(daily_load: &[f64]) -> Vec<Form> {
    let (mut ctl, mut atl) = (0.0, 0.0);
    daily_load
        .iter()
        .map(|load| {
            let form = ctl - atl;
            ctl += (load - ctl) / 42.0;
            atl += (load - atl) / 7.0;
            Form { fitness: ctl, fatigue: atl, form }
        })
        .collect()
}

/// Heart-rate and power thresholds the load metrics need.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    pub max_hr: f64,
    pub resting_hr: f64,
    pub ftp_w: Option<f64>,
    pub female: bool,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds { max_hr: 190.0, resting_hr: 60.0, ftp_w: None, female: false }
    }
}

impl Thresholds {
    /// Tanaka's age formula (208 − 0.7 × age) when the user has not set a max HR.
    pub fn max_hr_for_age(age: i64) -> f64 {
        208.0 - 0.7 * age as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn haversine_one_degree_of_latitude() {
        // 2πR/360 with R = 6371.0088 km.
        assert!(close(haversine_m([0.0, 0.0], [1.0, 0.0]), 111_195.08, 0.1));
        let d = cumulative_distance(&[[f64::NAN, f64::NAN], [0.0, 0.0], [f64::NAN, f64::NAN], [1.0, 0.0]]);
        assert!(d[0].is_nan());
        assert_eq!(d[1], 0.0);
        assert_eq!(d[2], 0.0);
        assert!(close(d[3], 111_195.08, 0.1));
    }

    #[test]
    fn moving_time_skips_stops_and_pauses() {
        // 3 m/s for 3 s, 10 s standing, 3 m/s for 1 s → 4 s moving of 14 s elapsed.
        let t = [0.0, 1.0, 2.0, 3.0, 13.0, 14.0];
        let d = [0.0, 3.0, 6.0, 9.0, 9.0, 12.0];
        assert_eq!(moving_time(&t, Some(&d), None), Some(4.0));
        // From speed alone: the samples at 1 s and 3 s are ≥ 0.5 m/s.
        let s = [0.0, 2.0, 0.1, 1.0];
        assert_eq!(moving_time(&t[..4], None, Some(&s)), Some(2.0));
        assert_eq!(moving_time(&t, None, None), None);
        // A distance value repeated between GPS updates is still running: 6 s at ~2 m/s.
        let t: Vec<f64> = (0..7).map(f64::from).collect();
        let d = [0.0, 4.0, 4.0, 8.0, 8.0, 12.0, 12.0];
        assert_eq!(moving_time(&t, Some(&d), None), Some(6.0));
    }

    #[test]
    fn elevation_smoothing_by_hand() {
        // [100, 110, 100, 120]: smoothed [100, 0.3·100+0.4·110+0.3·100 = 104,
        // 0.3·110+0.4·100+0.3·120 = 109, 120] → gain 4 + 5 + 11 = 20, loss 0.
        let (gain, loss) = elevation_gain_loss(&[100.0, 110.0, f64::NAN, 100.0, 120.0]).unwrap();
        assert!(close(gain, 20.0, 1e-9), "{gain}");
        assert!(close(loss, 0.0, 1e-9), "{loss}");
        let (gain, loss) = elevation_gain_loss(&[50.0, 40.0, 45.0]).unwrap();
        // smoothed [50, 0.3·50+0.4·40+0.3·45 = 44.5, 45] → loss 5.5, gain 0.5.
        assert!(close(gain, 0.5, 1e-9) && close(loss, 5.5, 1e-9), "{gain} {loss}");
        assert_eq!(elevation_gain_loss(&[f64::NAN, 3.0]), None);
    }

    #[test]
    fn normalized_power_of_steady_and_surging_efforts() {
        let t: Vec<f64> = (0..60).map(f64::from).collect();
        // Steady 200 W: NP = 200.
        let steady = vec![200.0; 60];
        assert!(close(normalized_power(&t, &steady).unwrap(), 200.0, 1e-9));
        // 30 s at 300 W then 30 s at 100 W: 31 rolling windows whose means are
        // (300·(30−k) + 100·k)/30 for k = 0..=30; NP = (mean of their 4th powers)^¼.
        let surge: Vec<f64> = (0..60).map(|i| if i < 30 { 300.0 } else { 100.0 }).collect();
        let expected =
            ((0..=30).map(|k| ((300.0 * (30 - k) as f64 + 100.0 * k as f64) / 30.0).powi(4)).sum::<f64>()
                / 31.0)
                .powf(0.25);
        assert!(close(normalized_power(&t, &surge).unwrap(), expected, 1e-6));
        assert!(expected > 200.0, "NP exceeds the 200 W average for surges");
        assert_eq!(normalized_power(&t[..10], &steady[..10]), None);
    }

    #[test]
    fn intensity_and_tss() {
        // One hour at FTP is 100 TSS; 30 min at IF 0.8 is 0.8² × 50 = 32.
        assert!(close(tss(3600.0, 250.0, 250.0).unwrap(), 100.0, 1e-9));
        assert!(close(tss(1800.0, 200.0, 250.0).unwrap(), 32.0, 1e-9));
        assert!(close(intensity_factor(200.0, 250.0).unwrap(), 0.8, 1e-12));
        assert_eq!(tss(3600.0, 250.0, 0.0), None);
    }

    #[test]
    fn trimp_by_hand() {
        // 60 min at 150 bpm, rest 60, max 180: HRr = 0.75,
        // 60 × 0.75 × 0.64 × e^1.44 = 28.8 × 4.220696 = 121.556.
        let t: Vec<f64> = (0..=60).map(|m| m as f64 * 60.0).collect();
        let hr = vec![150.0; 61];
        assert!(close(trimp(&t, &hr, 60.0, 180.0, false).unwrap(), 121.556, 0.01));
        // Women: 60 × 0.75 × 0.86 × e^1.2525 = 38.7 × 3.499 = 135.41.
        assert!(close(trimp(&t, &hr, 60.0, 180.0, true).unwrap(), 135.41, 0.05));
        assert_eq!(trimp(&t, &[f64::NAN; 61], 60.0, 180.0, false), None);
    }

    #[test]
    fn zones_count_interval_end_heart_rate() {
        let t = [0.0, 10.0, 20.0, 30.0];
        let hr = [100.0, 120.0, 150.0, 170.0];
        assert_eq!(time_in_zones(&t, &hr, &[130.0, 160.0]), vec![10.0, 10.0, 10.0]);
    }

    #[test]
    fn best_efforts_find_the_fastest_window() {
        // 1 km in 300 s, then a faster 1 km in 250 s, then slow.
        let t = [0.0, 300.0, 550.0, 1000.0];
        let d = [0.0, 1000.0, 2000.0, 3000.0];
        assert_eq!(best_effort_seconds(&t, &d, 1000.0), Some(250.0));
        assert_eq!(best_effort_seconds(&t, &d, 2000.0), Some(550.0));
        assert_eq!(best_effort_seconds(&t, &d, 5000.0), None);
    }

    #[test]
    fn one_rep_max_and_training_curves() {
        // 100 kg × 5: 100 × (1 + 5/30) = 116.67.
        assert!(close(estimated_1rm(100.0, 5).unwrap(), 116.667, 0.001));
        assert_eq!(estimated_1rm(140.0, 1), Some(140.0));
        assert_eq!(estimated_1rm(60.0, 0), None);
        // Day 1 at 100: CTL 100/42 = 2.381, ATL 100/7 = 14.286, form 0 (fresh).
        // Day 2 rest: form = 2.381 − 14.286 = −11.905; CTL 2.381·41/42 = 2.324, ATL 14.286·6/7 = 12.245.
        let f = fitness_fatigue(&[100.0, 0.0]);
        assert!(close(f[0].fitness, 2.381, 0.001) && close(f[0].fatigue, 14.286, 0.001) && f[0].form == 0.0);
        assert!(close(f[1].form, -11.905, 0.001), "{:?}", f[1]);
        assert!(close(f[1].fitness, 2.324, 0.001) && close(f[1].fatigue, 12.245, 0.001), "{:?}", f[1]);
    }

    #[test]
    fn best_power_window() {
        // 1 Hz: 100 W for 10 s, 400 W for 5 s, 100 W for 10 s.
        let t: Vec<f64> = (0..25).map(f64::from).collect();
        let p: Vec<f64> = (0..25).map(|i| if (10..15).contains(&i) { 400.0 } else { 100.0 }).collect();
        assert_eq!(best_power(&t, &p, 5), Some(400.0));
        // Best 10 s window holds the five 400 W seconds plus five 100 W: 250 W.
        assert_eq!(best_power(&t, &p, 10), Some(250.0));
        assert_eq!(best_power(&t, &p, 60), None);
        // Sparse samples are held: 0 s at 100 W, 2 s at 300 W, ends at 3 s.
        assert_eq!(
            resample_1hz(&[0.0, 2.0, 3.0], &[100.0, 300.0, f64::NAN], 0.0),
            vec![100.0, 100.0, 300.0, 0.0]
        );
    }
}
