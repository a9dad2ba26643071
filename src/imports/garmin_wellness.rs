//! The daily wellness values of a Garmin Connect account export: resting
//! heart rate from `DI_CONNECT/DI-Connect-Aggregator/UDSFile_*.json` (one
//! record per day: `calendarDate`, `restingHeartRate`, else
//! `currentDayRestingHeartRate`, and `wellnessStartTimeGmt` /
//! `wellnessStartTimeLocal`, whose gap is the day's UTC offset) and HRV from
//! `DI_CONNECT/DI-Connect-Wellness/*_healthStatusData.json` (one record per
//! day: `calendarDate` and `metrics`, a list of `{type, value, …}` where type
//! `HRV` is the overnight average in ms). Each day becomes one body
//! measurement at local noon of that day. A file cut off or damaged part way
//! is named with the record where it broke; the records before it are kept.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde_json::Value;

/// One day's values, as the export states them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DayWellness {
    /// The day's offset from UTC in seconds, when a UDS record gave it.
    pub offset_s: Option<i64>,
    pub resting_hr_bpm: Option<f64>,
    pub hrv_ms: Option<f64>,
}

impl DayWellness {
    /// Local noon of `date`: in the file's offset when known, else in `tz`.
    pub fn instant(&self, date: NaiveDate, tz: chrono_tz::Tz) -> DateTime<Utc> {
        match self.offset_s {
            Some(offset) => {
                date.and_time(NaiveTime::MIN).and_utc() + Duration::hours(12) - Duration::seconds(offset)
            }
            None => crate::clock::local_to_utc(date, 12, 0, tz),
        }
    }
}

pub fn is_uds_file(name: &str) -> bool {
    let base = name.rsplit('/').next().unwrap_or(name);
    base.starts_with("UDSFile") && base.ends_with(".json")
}

pub fn is_health_status_file(name: &str) -> bool {
    name.ends_with("healthStatusData.json")
}

fn skip_ws(bytes: &[u8], mut pos: usize) -> usize {
    while bytes.get(pos).is_some_and(|b| b.is_ascii_whitespace()) {
        pos += 1;
    }
    pos
}

/// The records of a JSON list, read one by one so that a file cut off (or
/// damaged) part way keeps the records before the break; the break is named.
pub fn json_records(file: &str, bytes: &[u8]) -> (Vec<Value>, Option<String>) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(bytes);
    let mut pos = skip_ws(bytes, 0);
    if bytes.get(pos) != Some(&b'[') {
        return match serde_json::from_slice::<Value>(bytes) {
            Ok(v) if v.is_object() => (vec![v], None),
            Ok(_) => (Vec::new(), Some(format!("{file}: not a list of records"))),
            Err(e) => (Vec::new(), Some(format!("{file}: not readable JSON ({e})"))),
        };
    }
    pos += 1;
    let mut out = Vec::new();
    let broken = |out: &Vec<Value>, why: String| {
        let n = out.len();
        let kept = match n {
            0 => "nothing before it was readable".to_string(),
            1 => "the record before it is kept".to_string(),
            n => format!("the {n} records before it are kept"),
        };
        Some(format!("{file}: not readable JSON at record {} ({why}); {kept}", n + 1))
    };
    loop {
        pos = skip_ws(bytes, pos);
        match bytes.get(pos) {
            Some(b']') if out.is_empty() => return (out, None),
            None => {
                let problem = broken(&out, "the file ends here".into());
                return (out, problem);
            }
            _ => {}
        }
        let mut stream = serde_json::Deserializer::from_slice(&bytes[pos..]).into_iter::<Value>();
        match stream.next() {
            Some(Ok(v)) => {
                pos += stream.byte_offset();
                out.push(v);
            }
            Some(Err(e)) => {
                let why = if e.is_eof() { "the file ends here".to_string() } else { e.to_string() };
                let problem = broken(&out, why);
                return (out, problem);
            }
            None => {
                let problem = broken(&out, "the file ends here".into());
                return (out, problem);
            }
        }
        pos = skip_ws(bytes, pos);
        match bytes.get(pos) {
            Some(b',') => pos += 1,
            Some(b']') => return (out, None),
            Some(_) => {
                let problem = broken(&out, format!("unexpected byte at {pos}"));
                return (out, problem);
            }
            None => {
                let problem = broken(&out, "the file ends here".into());
                return (out, problem);
            }
        }
    }
}

fn calendar_date(record: &Value) -> Option<NaiveDate> {
    let text = record.get("calendarDate")?;
    let text = text.as_str().or_else(|| text.get("date").and_then(|d| d.as_str()))?;
    NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d").ok()
}

fn garmin_time(v: &Value) -> Option<NaiveDateTime> {
    let s = v.as_str()?.trim();
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .or_else(|| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").ok())
}

fn number(v: Option<&Value>) -> Option<f64> {
    v.and_then(|v| v.as_f64()).filter(|v| v.is_finite())
}

/// Keeps a value inside `lo..=hi`; 0 or nothing (not measured that day) is
/// skipped quietly, anything else outside the range is listed.
fn plausible(
    value: Option<f64>,
    lo: f64,
    hi: f64,
    what: &str,
    place: &str,
    problems: &mut Vec<String>,
) -> Option<f64> {
    let v = value.filter(|v| *v > 0.0)?;
    if (lo..=hi).contains(&v) {
        Some(v)
    } else {
        problems.push(format!("{place}: {what} {v} is not plausible, left out"));
        None
    }
}

/// Resting heart rates of one UDSFile, into `days`.
pub fn read_uds(
    file: &str,
    bytes: &[u8],
    days: &mut BTreeMap<NaiveDate, DayWellness>,
    problems: &mut Vec<String>,
) {
    let (records, damage) = json_records(file, bytes);
    for (i, r) in records.iter().enumerate() {
        let place = format!("{file} record {}", i + 1);
        let Some(date) = calendar_date(r) else {
            problems.push(format!("{place}: no readable calendarDate"));
            continue;
        };
        // restingHeartRate is Garmin's value for the day; the current-day one
        // is a running figure with artefacts, used only when the first is absent.
        let bpm = number(r.get("restingHeartRate"))
            .filter(|v| *v > 0.0)
            .or_else(|| number(r.get("currentDayRestingHeartRate")));
        let bpm = plausible(bpm, 20.0, 200.0, "resting heart rate", &place, problems);
        let offset = match (
            r.get("wellnessStartTimeGmt").and_then(garmin_time),
            r.get("wellnessStartTimeLocal").and_then(garmin_time),
        ) {
            (Some(gmt), Some(local)) => Some((local - gmt).num_seconds()).filter(|s| s.abs() <= 14 * 3600),
            _ => None,
        };
        let day = days.entry(date).or_default();
        if bpm.is_some() {
            day.resting_hr_bpm = bpm;
        }
        if offset.is_some() {
            day.offset_s = offset;
        }
    }
    problems.extend(damage);
}

/// Overnight HRV of one healthStatusData file, into `days`.
pub fn read_health_status(
    file: &str,
    bytes: &[u8],
    days: &mut BTreeMap<NaiveDate, DayWellness>,
    problems: &mut Vec<String>,
) {
    let (records, damage) = json_records(file, bytes);
    for (i, r) in records.iter().enumerate() {
        let place = format!("{file} record {}", i + 1);
        let Some(date) = calendar_date(r) else {
            problems.push(format!("{place}: no readable calendarDate"));
            continue;
        };
        let hrv = r
            .get("metrics")
            .and_then(|m| m.as_array())
            .and_then(|m| m.iter().find(|m| m.get("type").and_then(|t| t.as_str()) == Some("HRV")))
            .and_then(|m| number(m.get("value")));
        if let Some(ms) = plausible(hrv, 1.0, 500.0, "HRV", &place, problems) {
            days.entry(date).or_default().hrv_ms = Some(ms);
        }
    }
    problems.extend(damage);
}

/// Days that hold a value worth storing.
pub fn with_values(days: BTreeMap<NaiveDate, DayWellness>) -> BTreeMap<NaiveDate, DayWellness> {
    days.into_iter().filter(|(_, d)| d.resting_hr_bpm.is_some() || d.hrv_ms.is_some()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_cut_off_keeps_the_records_before_the_break() {
        let json = br#"[{"a":1}, {"b":2},
          {"c":"#;
        let (records, damage) = json_records("x.json", json);
        assert_eq!(records.len(), 2);
        let damage = damage.unwrap();
        assert!(damage.starts_with("x.json: not readable JSON at record 3"), "{damage}");
        assert!(damage.contains("the 2 records before it are kept"), "{damage}");
        let (records, damage) = json_records("x.json", b" [ ] ");
        assert!(records.is_empty() && damage.is_none());
        let (records, damage) = json_records("x.json", br#"[{"a":1}"#);
        assert_eq!((records.len(), damage.is_some()), (1, true));
    }

    #[test]
    fn uds_resting_hr_and_health_status_hrv_meet_on_the_day() {
        let uds = br#"[
          {"calendarDate":"2024-08-14","restingHeartRate":52,"currentDayRestingHeartRate":50,
           "wellnessStartTimeGmt":"2024-08-14T04:00:00.0","wellnessStartTimeLocal":"2024-08-14T00:00:00.0"},
          {"calendarDate":"2024-08-15","restingHeartRate":null,"currentDayRestingHeartRate":55},
          {"calendarDate":"2024-08-16","restingHeartRate":0},
          {"calendarDate":"2024-08-17","restingHeartRate":260}
        ]"#;
        let status = br#"[
          {"calendarDate":"2024-08-14","metrics":[{"type":"HRV","value":61.0,"status":"IN_RANGE"},
            {"type":"HR","value":50.0}]},
          {"calendarDate":"2024-08-16","metrics":[{"type":"SPO2","value":96.0}]}
        ]"#;
        let (mut days, mut problems) = (BTreeMap::new(), Vec::new());
        read_uds("UDSFile_1.json", uds, &mut days, &mut problems);
        read_health_status("h_healthStatusData.json", status, &mut days, &mut problems);
        let days = with_values(days);
        assert_eq!(days.len(), 2, "{days:?}");
        let d14 = &days[&NaiveDate::from_ymd_opt(2024, 8, 14).unwrap()];
        assert_eq!((d14.resting_hr_bpm, d14.hrv_ms, d14.offset_s), (Some(52.0), Some(61.0), Some(-4 * 3600)));
        let at = d14.instant(NaiveDate::from_ymd_opt(2024, 8, 14).unwrap(), chrono_tz::Tz::UTC);
        assert_eq!(crate::clock::to_db(at), "2024-08-14T16:00:00.000Z", "noon at UTC-4");
        let d15 = &days[&NaiveDate::from_ymd_opt(2024, 8, 15).unwrap()];
        assert_eq!(d15.resting_hr_bpm, Some(55.0));
        let at = d15.instant(NaiveDate::from_ymd_opt(2024, 8, 15).unwrap(), chrono_tz::Tz::Europe__Berlin);
        assert_eq!(crate::clock::to_db(at), "2024-08-15T10:00:00.000Z", "noon in Berlin (CEST)");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("UDSFile_1.json record 4") && problems[0].contains("260"));
    }
}
