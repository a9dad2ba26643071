//! The API: authorized GETs (renewing the token once on a 401, within the
//! request limits), the incremental activity sync, and Strava's JSON mapped to
//! an imported activity (summary, laps, streams).

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::rate_limits::{admit, limit_message, observe};
use super::{PROVIDER, Strava, StravaSyncReport, SyncItem, fault_message, strava_disconnected, strava_error};
use crate::activities::import::{
    self, ImportStatus, Origin, ParsedActivity, ParsedSegment, SegmentKind, Streams, Summary,
};
use crate::activities::metrics::Thresholds;
use crate::activities::{ActivitySource, ActivityType};
use crate::clock;
use crate::error::{Error, Result};
use crate::http;

const STREAM_KEYS: &str = "time,distance,heartrate,watts,cadence,altitude,latlng,velocity_smooth,temp";

pub(super) enum Got {
    Json(Value),
    NotFound,
}

impl Strava {
    /// GET with the bearer token: renews it once on a 401, counts the request
    /// against Strava's limits and stops on a 429.
    pub(super) async fn get(&mut self, path: &str, query: &[(&str, String)]) -> Result<Got> {
        let url = format!("{}{path}", self.settings.api_base());
        let mut renewed = false;
        loop {
            let now = crate::clock::now();
            admit(&self.store, &self.profile, now).await?;
            let token = self.access_token().await?;
            self.requests += 1;
            let reply = http::send(
                &self.retry,
                "Strava",
                |s| s >= 500,
                || self.http.get(&url).query(query).bearer_auth(token.expose()),
            )
            .await
            .map_err(|f| strava_error(f.message))?;
            observe(&self.store, &self.profile.id, &reply.headers, now).await?;
            match reply.status {
                200..=299 => {
                    return serde_json::from_str(&reply.body)
                        .map(Got::Json)
                        .map_err(|e| strava_error(format!("{path} answered with invalid JSON: {e}")));
                }
                401 if !renewed => {
                    renewed = true;
                    self.refresh().await?;
                }
                401 => {
                    let message =
                        format!("Strava no longer accepts this connection ({})", fault_message(&reply.body));
                    return Err(self.expire(message).await?);
                }
                404 => return Ok(Got::NotFound),
                429 => return Err(Error::RateLimited(limit_message(&reply.headers, now, &self.profile))),
                status => {
                    return Err(strava_error(format!(
                        "{path}: HTTP {status}: {}",
                        fault_message(&reply.body)
                    )));
                }
            }
        }
    }

    /// Imports activities that started after the last synced one, oldest
    /// first, calling `progress` for each. Strava's request limit ends the
    /// sync early with `stopped` set; everything imported until then is kept.
    pub async fn sync(&mut self, mut progress: impl FnMut(&SyncItem)) -> Result<StravaSyncReport> {
        let integration = crate::integrations::get(&self.store, &self.profile.id, PROVIDER).await?;
        let integration = match integration {
            Some(i) if i.status == "connected" => i,
            Some(i) => {
                return Err(strava_disconnected(format!("the Strava connection is {}", i.status)));
            }
            None => return Err(strava_disconnected("not connected to Strava")),
        };
        let after = integration.settings.get("sync_after").and_then(Value::as_i64).unwrap_or(0);
        let per_page = self.settings.per_page.unwrap_or(100).clamp(1, 200);
        let thresholds = import::thresholds(&self.store, &self.profile.id).await?;
        let mut report = StravaSyncReport::default();
        let mut cursor = after;
        let outcome: Result<()> = async {
            for page in 1.. {
                let query = [
                    ("after", after.to_string()),
                    ("page", page.to_string()),
                    ("per_page", per_page.to_string()),
                ];
                let list = match self.get("/athlete/activities", &query).await? {
                    Got::Json(Value::Array(list)) => list,
                    Got::Json(_) => return Err(strava_error("the activity list is not a list")),
                    Got::NotFound => return Err(strava_error("the activity list was not found")),
                };
                for summary in &list {
                    let item = self.import_one(summary, &thresholds).await?;
                    match item.status {
                        ImportStatus::Duplicate { .. } => report.duplicates += 1,
                        _ => report.imported += 1,
                    }
                    progress(&item);
                    // With `after`, Strava lists oldest first: the cursor only moves forward.
                    let start = clock::from_db(&item.start_date)?.timestamp();
                    if start > cursor {
                        cursor = start;
                        crate::integrations::set_setting(
                            &self.store,
                            &self.profile.id,
                            PROVIDER,
                            "sync_after",
                            json!(cursor),
                        )
                        .await?;
                    }
                }
                if list.len() < per_page as usize {
                    break;
                }
            }
            Ok(())
        }
        .await;
        report.requests = self.requests;
        match outcome {
            Ok(()) => {}
            Err(Error::RateLimited(message)) => report.stopped = Some(message),
            Err(e) => {
                // Keeps a status set on the way (expired) and says what went wrong.
                sqlx::query("UPDATE integrations SET error_message = ? WHERE user_id = ? AND provider = ?")
                    .bind(e.to_string())
                    .bind(&self.profile.id)
                    .bind(PROVIDER)
                    .execute(self.store.pool())
                    .await?;
                return Err(e);
            }
        }
        let now = clock::to_db(crate::clock::now());
        sqlx::query(
            "UPDATE integrations SET last_sync_at = ?, error_message = ? WHERE user_id = ? AND provider = ?",
        )
        .bind(&now)
        .bind(&report.stopped)
        .bind(&self.profile.id)
        .bind(PROVIDER)
        .execute(self.store.pool())
        .await?;
        report.last_sync_at = Some(now);
        Ok(report)
    }

    /// One SummaryActivity or DetailedActivity: skipped when already stored,
    /// else its streams and laps are fetched and it is stored like a file.
    pub(super) async fn import_one(&mut self, a: &Value, thresholds: &Thresholds) -> Result<SyncItem> {
        let head = Head::from_json(a)?;
        let mut item = SyncItem {
            strava_id: head.id.clone(),
            name: head.name.clone().unwrap_or_default(),
            start_date: clock::to_db(head.start),
            status: ImportStatus::Imported,
            activity_id: None,
        };
        if let Some(dup) = import::find_existing(
            &self.store,
            &self.profile.id,
            ActivitySource::Strava,
            Some(&head.id),
            head.start,
            head.activity_type,
        )
        .await?
        {
            item.status = dup;
            return Ok(item);
        }
        let id = head.id.clone();
        let streams = match self
            .get(
                &format!("/activities/{id}/streams"),
                &[("keys", STREAM_KEYS.into()), ("key_by_type", "true".into())],
            )
            .await?
        {
            Got::Json(v) => streams_from_json(&v),
            Got::NotFound => Streams::default(),
        };
        let laps = match self.get(&format!("/activities/{id}/laps"), &[]).await? {
            Got::Json(Value::Array(laps)) => laps.iter().map(lap_from_json).collect(),
            _ => Vec::new(),
        };
        let mut activity = ParsedActivity {
            format: "strava",
            name: head.name.clone(),
            activity_type: head.activity_type,
            start: head.start,
            summary: summary_from_json(a),
            segments: laps,
            streams,
            partial: None,
            creator: a.get("device_name").and_then(Value::as_str).map(str::to_string),
        };
        let label = format!("Strava activity {}", head.id);
        activity.trim_stray_times(&label);
        activity.finish(thresholds);
        let origin = Origin {
            source: Some(ActivitySource::Strava),
            external_id: Some(head.id.clone()),
            name: head.name.clone(),
            activity_type: Some(head.activity_type),
            description: a.get("description").and_then(Value::as_str).map(str::to_string),
        };
        let (status, stored) =
            import::store_activity(&self.store, &self.profile, activity, None, &origin, &label).await?;
        item.status = status;
        if let Some(s) = stored {
            item.name = s.name;
            item.activity_id = Some(s.id);
        }
        Ok(item)
    }
}

pub(super) struct Head {
    pub(super) id: String,
    pub(super) name: Option<String>,
    pub(super) start: DateTime<Utc>,
    pub(super) activity_type: ActivityType,
}

impl Head {
    pub(super) fn from_json(a: &Value) -> Result<Head> {
        let id = match a.get("id") {
            Some(Value::Number(n)) => n.to_string(),
            Some(Value::String(s)) if !s.is_empty() => s.clone(),
            _ => return Err(strava_error("an activity without an id")),
        };
        let start = a
            .get("start_date")
            .and_then(Value::as_str)
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
            .map(|d| d.with_timezone(&Utc))
            .ok_or_else(|| strava_error(format!("activity {id} has no valid start_date")))?;
        let sport = a.get("sport_type").or_else(|| a.get("type")).and_then(Value::as_str).unwrap_or("");
        Ok(Head {
            name: a.get("name").and_then(Value::as_str).map(str::to_string),
            activity_type: sport_type(sport),
            start,
            id,
        })
    }
}

/// Strava's SportType (API spelling) to ours.
pub fn sport_type(t: &str) -> ActivityType {
    use ActivityType::*;
    match t {
        "Run" | "TrailRun" | "VirtualRun" => Run,
        "Ride" | "VirtualRide" | "EBikeRide" | "EMountainBikeRide" | "MountainBikeRide" | "GravelRide"
        | "Handcycle" | "Velomobile" => Ride,
        "Swim" => Swim,
        "Walk" => Walk,
        "Hike" | "Snowshoe" => Hike,
        "WeightTraining" => Strength,
        "Yoga" | "Pilates" => Yoga,
        "Rowing" | "VirtualRow" | "Kayaking" | "Canoeing" | "StandUpPaddling" => Rowing,
        "Elliptical" | "StairStepper" => Elliptical,
        "Workout" | "Crossfit" | "HighIntensityIntervalTraining" => Cardio,
        "Soccer" | "Tennis" | "Badminton" | "Pickleball" | "Squash" | "TableTennis" | "Racquetball"
        | "Golf" | "RockClimbing" => Sport,
        _ => Other,
    }
}

fn num(v: &Value, key: &str) -> Option<f64> {
    v.get(key).and_then(Value::as_f64).filter(|x| x.is_finite())
}

fn summary_from_json(a: &Value) -> Summary {
    Summary {
        elapsed_s: num(a, "elapsed_time"),
        moving_s: num(a, "moving_time"),
        distance_m: num(a, "distance"),
        elevation_gain_m: num(a, "total_elevation_gain"),
        calories: num(a, "calories").filter(|c| *c > 0.0),
        average_heartrate: num(a, "average_heartrate"),
        max_heartrate: num(a, "max_heartrate"),
        average_power_w: num(a, "average_watts"),
        max_power_w: num(a, "max_watts"),
        normalized_power_w: num(a, "weighted_average_watts"),
        average_cadence: num(a, "average_cadence"),
        average_speed_mps: num(a, "average_speed"),
        max_speed_mps: num(a, "max_speed"),
        ..Summary::default()
    }
}

fn lap_from_json(l: &Value) -> ParsedSegment {
    let mut seg = ParsedSegment::new(SegmentKind::Lap);
    seg.start = l
        .get("start_date")
        .and_then(Value::as_str)
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|d| d.with_timezone(&Utc));
    seg.elapsed_s = num(l, "elapsed_time");
    seg.moving_s = num(l, "moving_time");
    seg.distance_m = num(l, "distance");
    seg.average_heartrate = num(l, "average_heartrate");
    seg.max_heartrate = num(l, "max_heartrate");
    seg.average_power_w = num(l, "average_watts");
    seg.average_cadence = num(l, "average_cadence");
    seg.average_speed_mps = num(l, "average_speed");
    seg.elevation_gain_m = num(l, "total_elevation_gain");
    seg
}

/// Streams keyed by type (`{"time": {"data": [...], ...}, ...}`), or the
/// list form Strava sends without `key_by_type`, to our per-channel arrays.
fn streams_from_json(v: &Value) -> Streams {
    let channel = |key: &str| -> Option<&Vec<Value>> {
        match v {
            Value::Object(map) => map.get(key),
            Value::Array(list) => list.iter().find(|s| s.get("type").and_then(Value::as_str) == Some(key)),
            _ => None,
        }
        .and_then(|s| s.get("data"))
        .and_then(Value::as_array)
    };
    let Some(time) = channel("time") else { return Streams::default() };
    let n = time.len();
    let scalar = |key: &str| -> Vec<f64> {
        let mut out: Vec<f64> = channel(key)
            .map(|d| d.iter().take(n).map(|x| x.as_f64().unwrap_or(f64::NAN)).collect())
            .unwrap_or_default();
        out.resize(n, f64::NAN);
        out
    };
    let mut latlng: Vec<[f64; 2]> = channel("latlng")
        .map(|d| {
            d.iter()
                .take(n)
                .map(|p| {
                    match p
                        .as_array()
                        .map(|a| (a.first().and_then(Value::as_f64), a.get(1).and_then(Value::as_f64)))
                    {
                        Some((Some(lat), Some(lng))) => [lat, lng],
                        _ => [f64::NAN, f64::NAN],
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    latlng.resize(n, [f64::NAN, f64::NAN]);
    Streams {
        time: scalar("time"),
        distance: scalar("distance"),
        heartrate: scalar("heartrate"),
        power: scalar("watts"),
        cadence: scalar("cadence"),
        altitude: scalar("altitude"),
        speed: scalar("velocity_smooth"),
        temperature: scalar("temp"),
        latlng,
    }
}
