//! Strava's answers for the loopback stand-ins of `tests/strava.rs` (the core
//! and the CLI) and `tests/e2e_strava.rs` (the window): OAuth (the authorize
//! page's redirect, token exchange and refresh), SummaryActivity lists paged
//! like Strava's, streams keyed by type, laps and Fault JSON, with Strava's
//! rate-limit headers. Shapes follow developers.strava.com's reference.
#![allow(dead_code)] // each test file uses a different part of the stand-in

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use wiremock::matchers::{body_string_contains, header, method, path, path_regex};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

pub const ATHLETE_ID: i64 = 134815;
pub const ACCESS_1: &str = "a4b945687g8A7b6a5b1a7f9e1a7c0f3d2e";
pub const REFRESH_1: &str = "e5n567567bb8A9d7c2b3a2a6f4e3c4d5f6";
pub const ACCESS_2: &str = "9f8e7d6c5b4a39281706f5e4d3c2b1a0cc";
pub const REFRESH_2: &str = "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e";
pub const CLIENT_SECRET: &str = "7b2946535949ae70f015d696d8ac602830ece412";
pub const ALL_SECRETS: [&str; 5] = [ACCESS_1, REFRESH_1, ACCESS_2, REFRESH_2, CLIENT_SECRET];

/// Strava's answer to `POST /oauth/token` with an authorization code.
pub fn token_exchange(expires_in: i64) -> Value {
    let now = wagner::clock::now().timestamp();
    json!({
        "token_type": "Bearer",
        "expires_at": now + expires_in,
        "expires_in": expires_in,
        "refresh_token": REFRESH_1,
        "access_token": ACCESS_1,
        "athlete": {
            "id": ATHLETE_ID, "username": "marianne_t", "resource_state": 2,
            "firstname": "Marianne", "lastname": "Teutenberg", "bio": "", "city": "San Francisco",
            "state": "CA", "country": "US", "sex": "F", "premium": true, "summit": true,
            "created_at": "2017-11-14T02:30:05Z", "updated_at": "2018-02-06T19:32:20Z", "badge_type_id": 4,
            "weight": 0, "profile_medium": "https://example.invalid/medium.jpg",
            "profile": "https://example.invalid/large.jpg", "friend": null, "follower": null
        }
    })
}

/// Strava's answer to a refresh (no athlete).
pub fn token_refresh() -> Value {
    let now = wagner::clock::now().timestamp();
    json!({
        "token_type": "Bearer", "access_token": ACCESS_2, "expires_at": now + 21600,
        "expires_in": 21600, "refresh_token": REFRESH_2
    })
}

pub fn limits(t: ResponseTemplate, usage: &str) -> ResponseTemplate {
    t.insert_header("X-RateLimit-Limit", "100,1000").insert_header("X-RateLimit-Usage", usage)
}

/// One SummaryActivity as `GET /athlete/activities` lists it (`start` in RFC 3339, UTC).
pub fn summary_activity(id: i64, name: &str, sport: &str, start: &str, distance: f64) -> Value {
    json!({
        "resource_state": 2,
        "athlete": {"id": ATHLETE_ID, "resource_state": 1},
        "name": name, "distance": distance, "moving_time": 1500, "elapsed_time": 1620,
        "total_elevation_gain": 42.0, "type": if sport == "TrailRun" { "Run" } else { sport },
        "sport_type": sport, "workout_type": null, "id": id, "start_date": start,
        "start_date_local": start.replace('Z', ""), "timezone": "(GMT+00:00) Europe/London",
        "utc_offset": 0.0, "location_city": null, "achievement_count": 0, "kudos_count": 3,
        "comment_count": 0, "athlete_count": 1, "photo_count": 0,
        "map": {"id": format!("a{id}"), "summary_polyline": "ki{eFvqfiVqAWQIGEEKAYJgBVqDJ{BHa@jAkNJw@Pw@V{APs@^aABQAOEQGKoJ_FuJkFqAo@{A}@sH{DiAs@Q]?WVy@`@oBt@_CB]KYMMkB{AQEI@WT{BlE{@zAQPI@ICsCqA_BcAeCmAaFmCqIoEcLeG}KcG}A}@cDaBiDsByAkAuBqBi@y@_@o@o@kB}BgIoA_EUkAMcACa@BeBBq@LaAJe@b@uA`@_AdBcD`@iAPq@RgALqAB{@EqAyAoOCy@AaDHgB@}@AiAIoAGm@QeAOk@m@}AS_@k@q@e@c@yDkDWWo@q@S]Gc@A@", "resource_state": 2},
        "trainer": false, "commute": false, "manual": false, "private": false, "visibility": "everyone",
        "flagged": false, "gear_id": null, "start_latlng": [51.5, -0.12], "end_latlng": [51.51, -0.13],
        "average_speed": distance / 1500.0, "max_speed": 5.1, "average_cadence": 84.5,
        "average_temp": 17, "has_heartrate": true, "average_heartrate": 151.2, "max_heartrate": 172.0,
        "heartrate_opt_out": false, "display_hide_heartrate_option": true, "elev_high": 60.1,
        "elev_low": 18.1, "upload_id": id + 1000, "upload_id_str": (id + 1000).to_string(),
        "external_id": format!("garmin_push_{id}"), "from_accepted_tag": false, "pr_count": 0,
        "total_photo_count": 0, "has_kudoed": false
    })
}

/// A run, a ride and a trail run, oldest first, as SummaryActivity.
pub fn activities() -> Vec<Value> {
    let base = summary_activity;
    let mut ride = base(11001, "Lunch Ride", "Ride", "2024-05-02T12:00:00Z", 24000.0);
    ride["average_watts"] = json!(201.3);
    ride["weighted_average_watts"] = json!(215);
    ride["kilojoules"] = json!(301.9);
    ride["device_watts"] = json!(true);
    ride["max_watts"] = json!(512);
    vec![
        base(11000, "Morning Run", "Run", "2024-05-01T06:00:00Z", 5000.0),
        ride,
        base(11002, "Trail Run in the hills", "TrailRun", "2024-05-03T07:30:00Z", 8000.0),
    ]
}

/// GET /athlete/activities as Strava does it: `after` (exclusive), pages.
pub fn serve_list(server: &MockServer, list: Vec<Value>) -> impl std::future::Future<Output = ()> + '_ {
    let list = Arc::new(list);
    Mock::given(method("GET"))
        .and(path("/api/v3/athlete/activities"))
        .and(header("authorization", format!("Bearer {ACCESS_1}").as_str()))
        .respond_with(move |req: &Request| list_page(&list, req))
        .mount(server)
}

pub fn list_page(list: &[Value], req: &Request) -> ResponseTemplate {
    let q = |k: &str| req.url.query_pairs().find(|(key, _)| key == k).map(|(_, v)| v.into_owned());
    let after: i64 = q("after").and_then(|a| a.parse().ok()).unwrap_or(0);
    let page: usize = q("page").and_then(|p| p.parse().ok()).unwrap_or(1);
    let per_page: usize = q("per_page").and_then(|p| p.parse().ok()).unwrap_or(30);
    let items: Vec<&Value> = list
        .iter()
        .filter(|a| {
            let start: DateTime<Utc> = a["start_date"].as_str().unwrap().parse().unwrap();
            start.timestamp() > after
        })
        .skip((page - 1) * per_page)
        .take(per_page)
        .collect();
    limits(ResponseTemplate::new(200).set_body_json(json!(items)), "7,150")
}

/// Streams keyed by type, five samples.
pub fn streams(with_power: bool) -> Value {
    let s = |data: Value, series: &str| json!({"data": data, "series_type": series, "original_size": 5, "resolution": "high"});
    let mut v = json!({
        "time": s(json!([0, 1, 2, 3, 4]), "distance"),
        "distance": s(json!([0.0, 3.1, 6.3, 9.6, 12.8]), "distance"),
        "heartrate": s(json!([120, 128, 135, 141, 146]), "distance"),
        "cadence": s(json!([80, 84, 85, 86, 85]), "distance"),
        "altitude": s(json!([18.2, 18.4, 18.9, 19.1, 19.0]), "distance"),
        "velocity_smooth": s(json!([0.0, 3.1, 3.2, 3.25, 3.2]), "distance"),
        "temp": s(json!([17, 17, 17, 18, 18]), "distance"),
        "latlng": s(json!([[51.5, -0.12], [51.50003, -0.12002], [51.50006, -0.12004], [51.50009, -0.12006], [51.50012, -0.12008]]), "distance"),
    });
    if with_power {
        v["watts"] = s(json!([0, 180, 220, 240, 210]), "distance");
    }
    v
}

pub fn laps(activity_id: i64, start: &str) -> Value {
    json!([
        {"id": activity_id * 10, "resource_state": 2, "name": "Lap 1",
         "activity": {"id": activity_id, "resource_state": 1}, "athlete": {"id": ATHLETE_ID, "resource_state": 1},
         "elapsed_time": 810, "moving_time": 750, "start_date": start, "start_date_local": start.replace('Z', ""),
         "distance": 2500.0, "start_index": 0, "end_index": 2, "total_elevation_gain": 20.0,
         "average_speed": 3.33, "max_speed": 4.9, "average_cadence": 84.0, "device_watts": false,
         "average_heartrate": 140.2, "max_heartrate": 160.0, "lap_index": 1, "split": 1},
        {"id": activity_id * 10 + 1, "resource_state": 2, "name": "Lap 2",
         "activity": {"id": activity_id, "resource_state": 1}, "athlete": {"id": ATHLETE_ID, "resource_state": 1},
         "elapsed_time": 810, "moving_time": 750, "start_date": start, "start_date_local": start.replace('Z', ""),
         "distance": 2500.0, "start_index": 2, "end_index": 4, "total_elevation_gain": 22.0,
         "average_speed": 3.33, "max_speed": 5.1, "average_cadence": 85.0, "device_watts": false,
         "average_heartrate": 158.0, "max_heartrate": 172.0, "lap_index": 2, "split": 2}
    ])
}

/// Streams and laps for every activity id (and the detail for webhooks).
pub async fn serve_details(server: &MockServer, list: &[Value]) {
    Mock::given(method("GET"))
        .and(path_regex(r"^/api/v3/activities/\d+/streams$"))
        .respond_with(|req: &Request| {
            let id = req.url.path_segments().unwrap().nth(3).unwrap().to_string();
            limits(ResponseTemplate::new(200).set_body_json(streams(id == "11001")), "7,150")
        })
        .mount(server)
        .await;
    let by_id: Arc<Vec<Value>> = Arc::new(list.to_vec());
    let for_laps = by_id.clone();
    Mock::given(method("GET"))
        .and(path_regex(r"^/api/v3/activities/\d+/laps$"))
        .respond_with(move |req: &Request| {
            let id: i64 = req.url.path_segments().unwrap().nth(3).unwrap().parse().unwrap();
            let a = for_laps.iter().find(|a| a["id"] == id).cloned().unwrap_or(json!({}));
            let start = a["start_date"].as_str().unwrap_or("2024-05-01T06:00:00Z").to_string();
            limits(ResponseTemplate::new(200).set_body_json(laps(id, &start)), "7,150")
        })
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path_regex(r"^/api/v3/activities/\d+$"))
        .respond_with(move |req: &Request| {
            let id: i64 = req.url.path_segments().unwrap().nth(3).unwrap().parse().unwrap();
            match by_id.iter().find(|a| a["id"] == id) {
                Some(a) => {
                    let mut detail = a.clone();
                    detail["resource_state"] = json!(3);
                    detail["description"] = json!("Felt good");
                    detail["calories"] = json!(412.0);
                    limits(ResponseTemplate::new(200).set_body_json(detail), "7,150")
                }
                None => ResponseTemplate::new(404).set_body_json(json!({
                    "message": "Record Not Found",
                    "errors": [{"resource": "Activity", "field": "id", "code": "invalid"}]
                })),
            }
        })
        .mount(server)
        .await;
}

/// The code Strava's authorize page hands back in the stand-in.
pub const GOOD_CODE: &str = "good-code";

/// `GET /oauth/authorize` as a user who clicks "Authorize" sees it: a 302 to
/// the app's `redirect_uri` with its `state`, a code and the granted scopes
/// (Strava adds `read`). An unknown `client_id` gets Strava's 400 Fault and
/// no redirect.
pub async fn serve_authorize(server: &MockServer, client_id: &str) {
    let client_id = client_id.to_string();
    Mock::given(method("GET"))
        .and(path("/oauth/authorize"))
        .respond_with(move |req: &Request| {
            let q = |k: &str| req.url.query_pairs().find(|(key, _)| key == k).map(|(_, v)| v.into_owned());
            if q("client_id").as_deref() != Some(client_id.as_str())
                || q("response_type").as_deref() != Some("code")
            {
                return ResponseTemplate::new(400).set_body_json(json!({
                    "message": "Bad Request",
                    "errors": [{"resource": "Application", "field": "client_id", "code": "invalid"}]
                }));
            }
            let (Some(redirect), Some(state)) = (q("redirect_uri"), q("state")) else {
                return ResponseTemplate::new(400).set_body_json(json!({
                    "message": "Bad Request",
                    "errors": [{"resource": "Application", "field": "redirect_uri", "code": "invalid"}]
                }));
            };
            let scope = format!("read,{}", q("scope").unwrap_or_default());
            let mut to = reqwest::Url::parse(&redirect).expect("the app's redirect_uri is a URL");
            to.query_pairs_mut()
                .append_pair("state", &state)
                .append_pair("code", GOOD_CODE)
                .append_pair("scope", &scope);
            ResponseTemplate::new(302).insert_header("Location", to.as_str())
        })
        .mount(server)
        .await;
}

/// `POST /oauth/token` exchanging [`GOOD_CODE`] (tokens valid `expires_in` s).
pub async fn serve_token_exchange(server: &MockServer, expires_in: i64) {
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_string_contains("grant_type=authorization_code"))
        .and(body_string_contains(format!("code={GOOD_CODE}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_exchange(expires_in)))
        .mount(server)
        .await;
}
