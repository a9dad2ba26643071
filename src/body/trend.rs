//! Trend weight: an exponentially smoothed moving average of the daily
//! weight that damps day-to-day water swings.
//!
//! The smoothing is the one of John Walker's *The Hacker's Diet* (1991,
//! "Signal and Noise"), also used by the Libra app: each day the trend moves
//! 10% of the way from yesterday's trend towards today's weight,
//! `trend_d = trend_{d-1} + 0.1 × (weight_d − trend_{d-1})`.
//! When days are missing, the step is applied once per elapsed day with the
//! new weight, i.e. the trend moves `1 − 0.9^gap` of the way; a week off the
//! scale therefore counts as a week of evidence, not as a single day.

use chrono::NaiveDate;
use serde::Serialize;

/// The share of the gap between weight and trend closed each day.
pub const DAILY_SMOOTHING: f64 = 0.1;

/// The trend on a day with a weigh-in.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TrendPoint {
    pub date: NaiveDate,
    /// That day's weight (the mean when there were several weigh-ins).
    pub weight_kg: f64,
    pub trend_kg: f64,
}

/// The trend over a series of weigh-ins in any order. Several weigh-ins on
/// one day are averaged first; the first day's trend is its weight.
pub fn trend(series: &[(NaiveDate, f64)]) -> Vec<TrendPoint> {
    let mut sorted: Vec<(NaiveDate, f64)> = series.iter().copied().filter(|(_, kg)| kg.is_finite()).collect();
    sorted.sort_by_key(|(d, _)| *d);
    let mut days: Vec<(NaiveDate, f64)> = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let date = sorted[i].0;
        let same: Vec<f64> = sorted[i..].iter().take_while(|(d, _)| *d == date).map(|(_, kg)| *kg).collect();
        i += same.len();
        days.push((date, same.iter().sum::<f64>() / same.len() as f64));
    }
    let mut out: Vec<TrendPoint> = Vec::with_capacity(days.len());
    for (date, weight_kg) in days {
        let trend_kg = match out.last() {
            None => weight_kg,
            Some(prev) => {
                let gap = (date - prev.date).num_days().max(1);
                let keep = (1.0 - DAILY_SMOOTHING).powi(gap.min(i32::MAX as i64) as i32);
                prev.trend_kg + (1.0 - keep) * (weight_kg - prev.trend_kg)
            }
        };
        out.push(TrendPoint { date, weight_kg, trend_kg });
    }
    out
}

/// The trend as it stood on `date`: the last trend point on or before it
/// (the trend only moves when there is a new weight).
pub fn trend_on(points: &[TrendPoint], date: NaiveDate) -> Option<&TrendPoint> {
    points.iter().take_while(|p| p.date <= date).last()
}

/// Weekly rate of change of the trend (kg per week, negative when losing):
/// the least-squares slope of the trend values of the last `days` days up to
/// the last weigh-in, times 7. `None` with fewer than two weigh-in days.
pub fn weekly_rate(points: &[TrendPoint], days: i64) -> Option<f64> {
    let last = points.last()?;
    let recent: Vec<(f64, f64)> = points
        .iter()
        .filter(|p| (last.date - p.date).num_days() < days)
        .map(|p| ((p.date - last.date).num_days() as f64, p.trend_kg))
        .collect();
    if recent.len() < 2 {
        return None;
    }
    let n = recent.len() as f64;
    let mean_x = recent.iter().map(|(x, _)| x).sum::<f64>() / n;
    let mean_y = recent.iter().map(|(_, y)| y).sum::<f64>() / n;
    let sxx: f64 = recent.iter().map(|(x, _)| (x - mean_x).powi(2)).sum();
    let sxy: f64 = recent.iter().map(|(x, y)| (x - mean_x) * (y - mean_y)).sum();
    (sxx > 0.0).then(|| sxy / sxx * 7.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(n: i64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Duration::days(n)
    }

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn first_steps_match_the_hand_computation() {
        // 80 → trend 80; 81 → 80 + 0.1×1 = 80.1; 79 → 80.1 + 0.1×(79 − 80.1) = 79.99.
        let t = trend(&[(day(0), 80.0), (day(1), 81.0), (day(2), 79.0)]);
        let got: Vec<f64> = t.iter().map(|p| p.trend_kg).collect();
        assert!(
            close(got[0], 80.0, 1e-12) && close(got[1], 80.1, 1e-12) && close(got[2], 79.99, 1e-12),
            "{got:?}"
        );
    }

    #[test]
    fn a_gap_applies_the_smoothing_once_per_elapsed_day() {
        // Three days later: the trend closes 1 − 0.9³ = 27.1% of the 2 kg gap.
        let t = trend(&[(day(0), 80.0), (day(3), 82.0)]);
        assert!(close(t[1].trend_kg, 80.542, 1e-9), "{t:?}");
        // Same as weighing 82 on each of the three days.
        let daily = trend(&[(day(0), 80.0), (day(1), 82.0), (day(2), 82.0), (day(3), 82.0)]);
        assert!(close(daily[3].trend_kg, t[1].trend_kg, 1e-12));
    }

    #[test]
    fn weigh_ins_of_one_day_are_averaged_and_order_does_not_matter() {
        let t = trend(&[(day(1), 81.0), (day(0), 80.0), (day(1), 83.0)]);
        assert_eq!(t.len(), 2);
        assert_eq!(t[1].weight_kg, 82.0);
        assert!(close(t[1].trend_kg, 80.2, 1e-12));
    }

    #[test]
    fn a_plateau_keeps_the_trend_flat() {
        let series: Vec<_> = (0..30).map(|d| (day(d), 75.0)).collect();
        let t = trend(&series);
        assert!(t.iter().all(|p| p.trend_kg == 75.0));
        assert_eq!(weekly_rate(&t, 14), Some(0.0));
    }

    #[test]
    fn steady_loss_gives_its_weekly_rate() {
        // −0.1 kg a day. The trend lags by 0.9 × 0.1 / 0.1 = 0.9 kg once settled
        // (lag e = 0.9 × (e + 0.1)), and falls at the same 0.7 kg a week.
        let series: Vec<_> = (0..120).map(|d| (day(d), 90.0 - 0.1 * d as f64)).collect();
        let t = trend(&series);
        let last = t.last().unwrap();
        assert!(close(last.trend_kg - last.weight_kg, 0.9, 1e-4), "{last:?}");
        let rate = weekly_rate(&t, 14).unwrap();
        assert!(close(rate, -0.7, 1e-4), "{rate}");
    }

    #[test]
    fn a_two_kilo_water_spike_moves_the_trend_by_a_tenth() {
        let mut series: Vec<_> = (0..10).map(|d| (day(d), 80.0)).collect();
        series.push((day(10), 82.0));
        series.extend((11..14).map(|d| (day(d), 80.0)));
        let t = trend(&series);
        // Day 10: 80 + 0.1 × 2 = 80.2; then back: 80.18, 80.162, 80.1458.
        let spike: Vec<f64> = t[10..].iter().map(|p| p.trend_kg).collect();
        for (got, want) in spike.iter().zip([80.2, 80.18, 80.162, 80.1458]) {
            assert!(close(*got, want, 1e-9), "{spike:?}");
        }
    }

    #[test]
    fn rate_needs_two_days_and_trend_on_holds_between_weigh_ins() {
        let t = trend(&[(day(0), 80.0)]);
        assert_eq!(weekly_rate(&t, 14), None);
        let t = trend(&[(day(0), 80.0), (day(1), 81.0)]);
        // Two points, 0.1 kg apart over a day: 0.7 kg a week.
        assert!(close(weekly_rate(&t, 14).unwrap(), 0.7, 1e-12));
        let t = trend(&[(day(0), 80.0), (day(5), 81.0)]);
        assert_eq!(trend_on(&t, day(3)).unwrap().trend_kg, 80.0);
        assert!(trend_on(&t, day(-1)).is_none());
    }
}
