//! End-to-end: the dashboard in the real window agrees with `wagner today`
//! and `wagner week` on the same demo database; display preferences apply;
//! a second launch focuses the first window; and every page passes an
//! automated accessibility audit (axe-core) without serious or critical
//! violations.

#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod e2e_support;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use e2e_support::*;

/// `wagner --db DB --json ARGS…` parsed.
fn cli_json(db: &Path, args: &[&str]) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_wagner"))
        .arg("--db")
        .arg(db)
        .arg("--json")
        .args(args)
        .env_remove("WAGNER_DB")
        .env("WAGNER_NOW", now_env())
        .output()
        .expect("running wagner");
    assert!(out.status.success(), "wagner {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("wagner prints JSON")
}

/// JavaScript's Math.round, which the window uses (halves go up).
fn js_round(x: f64) -> i64 {
    (x + 0.5).floor() as i64
}

fn num(v: &serde_json::Value, path: &[&str]) -> f64 {
    let mut at = v;
    for key in path {
        at = &at[*key];
    }
    at.as_f64().unwrap_or_else(|| panic!("{path:?} is not a number in {v}"))
}

async fn text_of(client: &Client, id: &str) -> String {
    testid(client, id).await.prop("textContent").await.ok().flatten().unwrap_or_default()
}

#[tokio::test]
#[ignore = "drives the real window: run by scripts/test.sh under xvfb-run"]
async fn the_window_and_the_cli_show_the_same_day_and_week() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path()).await;
    let today = cli_json(&db, &["today"]);
    let week = cli_json(&db, &["week"]);

    let driver = start_driver(&db).await;
    let client = open_window(&driver).await;
    testid(&client, "today-page").await;
    testid(&client, "program-day").await;
    save_screenshot(&client, "dashboard-today").await;

    let calories = text_of(&client, "today-calories").await;
    assert_eq!(
        digits(&calories),
        js_round(num(&today, &["nutrition", "calories"])).to_string(),
        "{calories:?}"
    );
    let left = text_of(&client, "today-calories-left").await;
    let remaining = num(&today, &["nutrition", "remaining", "calories"]);
    assert_eq!(digits(&left), js_round(remaining.abs()).to_string(), "{left:?}");

    for (id, key) in [("today-fitness", "fitness"), ("today-fatigue", "fatigue")] {
        let shown = text_of(&client, id).await;
        assert_eq!(digits(&shown), js_round(num(&today, &["training", key])).to_string(), "{id}: {shown:?}");
    }
    let form = text_of(&client, "today-form").await;
    let want = js_round(num(&today, &["training", "form"]));
    assert_eq!(digits(&form), want.abs().to_string(), "form {form:?}");
    assert_eq!(form.contains('−'), want < 0, "form sign {form:?}");
    let band = testid(&client, "today-form-band").await.attr("data-band").await.unwrap();
    assert_eq!(band.as_deref(), today["training"]["band"].as_str());

    let streak = text_of(&client, "today-streak-logging").await;
    let current = today["streaks"]["logging"]["current"].as_i64().unwrap();
    assert_eq!(digits(&streak), current.to_string(), "streak {streak:?}");

    let program = text_of(&client, "program-day").await;
    let day = today["program"]["day_number"].as_i64().unwrap();
    assert!(program.contains(&format!("Day {day} of 84")), "{program:?}");

    let trend = text_of(&client, "today-weight-trend").await;
    let trend_kg = num(&today, &["body", "trend_kg"]);
    assert!(trend.contains(&format!("{trend_kg:.1}")), "trend {trend:?} should show {trend_kg:.1}");

    // The coach card says there is no tip yet, like the CLI's null.
    assert!(today["coach_tip"].is_null());
    testid(&client, "card-coach").await;

    // The week view: the same average and days as `wagner week`.
    testid(&client, "view-week").await.click().await.unwrap();
    testid(&client, "period-week").await;
    let avg = text_of(&client, "period-avg-calories").await;
    assert_eq!(digits(&avg), js_round(num(&week, &["summary", "avg_calories"])).to_string(), "{avg:?}");
    let logged = text_of(&client, "period-days-logged").await;
    assert_eq!(digits(&logged), week["summary"]["days_logged"].as_i64().unwrap().to_string());
    let shown_days = count(&client, "period-day").await;
    let past_days = week["days"].as_array().unwrap().iter().filter(|d| d["future"] == false).count();
    assert_eq!(shown_days, past_days);
    save_screenshot(&client, "dashboard-week").await;

    // The month view pages back and forth.
    testid(&client, "view-month").await.click().await.unwrap();
    testid(&client, "period-month").await;
    let title = text_of(&client, "period-title").await;
    testid(&client, "period-previous").await.click().await.unwrap();
    eventually("the previous month is shown", || {
        let client = client.clone();
        let title = title.clone();
        async move {
            let now = text_of(&client, "period-title").await;
            if now != title { Ok(()) } else { Err(now) }
        }
    })
    .await;
    save_screenshot(&client, "dashboard-month").await;

    client.close().await.unwrap();
}

#[tokio::test]
#[ignore = "drives the real window: run by scripts/test.sh under xvfb-run"]
async fn units_theme_and_week_start_apply_and_the_page_is_remembered() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path()).await;
    let today = cli_json(&db, &["today"]);
    let driver = start_driver(&db).await;
    let client = open_window(&driver).await;
    testid(&client, "today-weight").await;

    testid(&client, "nav-settings").await.click().await.unwrap();
    testid(&client, "card-display").await;
    let folder = text_of(&client, "settings-data-folder").await;
    assert_eq!(Path::new(&folder), db.parent().unwrap(), "the data folder is shown");
    choose(&client, "pref-units", "imperial").await;
    choose(&client, "pref-theme", "dark").await;
    choose(&client, "pref-week-start", "sunday").await;
    testid(&client, "pref-save").await.click().await.unwrap();
    testid(&client, "pref-saved").await;
    let theme =
        client.execute("return document.documentElement.dataset.theme ?? null", vec![]).await.unwrap();
    assert_eq!(theme, "dark", "the forced theme applies at once");
    let bg = client.execute("return getComputedStyle(document.body).backgroundColor", vec![]).await.unwrap();
    assert_eq!(bg, "rgb(21, 23, 26)", "dark background");
    save_screenshot(&client, "settings-dark").await;

    // The CLI reads the same preferences from the database.
    let after = cli_json(&db, &["week"]);
    assert_eq!(after["profile"]["units"], "imperial");
    let start = chrono::NaiveDate::parse_from_str(after["start"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    assert_eq!(chrono::Datelike::weekday(&start), chrono::Weekday::Sun);

    // Today shows pounds now.
    testid(&client, "nav-today").await.click().await.unwrap();
    let weight = text_of(&client, "today-weight").await;
    let lb = num(&today, &["body", "weight_kg"]) / 0.45359237;
    assert!(weight.contains(&format!("{lb:.1}")) && weight.contains("lb"), "{weight:?} should be {lb:.1} lb");

    // Alt+5 opens Body from the keyboard; the next launch reopens it.
    client.execute("document.body.focus()", vec![]).await.unwrap();
    let body = client.find(Locator::Css("body")).await.unwrap();
    body.send_keys(&format!("{}5", fantoccini::key::Key::Alt)).await.unwrap();
    testid(&client, "body-page").await;
    eventually("the last page is stored", || {
        let db = db.clone();
        async move {
            let t = cli_json(&db, &["today"]);
            if t["profile"]["last_page"] == "body" {
                Ok(())
            } else {
                Err(t["profile"]["last_page"].to_string())
            }
        }
    })
    .await;
    client.close().await.unwrap();
    drop(driver);

    let driver = start_driver(&db).await;
    let client = open_window(&driver).await;
    testid(&client, "body-page").await;
    let theme =
        client.execute("return document.documentElement.dataset.theme ?? null", vec![]).await.unwrap();
    assert_eq!(theme, "dark", "the theme is kept across launches");
    client.close().await.unwrap();
}

#[tokio::test]
#[ignore = "drives the real window: run by scripts/test.sh under xvfb-run"]
async fn a_second_launch_on_the_same_data_focuses_the_first_window() {
    if Command::new("dbus-daemon").arg("--version").output().is_err() {
        panic!("dbus-daemon is needed (scripts/setup.sh installs dbus)");
    }
    // A private session bus for this test, as a desktop session has.
    let bus_dir = tempfile::tempdir().unwrap();
    let address = format!("unix:path={}", bus_dir.path().join("bus").display());
    let mut bus = Command::new("dbus-daemon")
        .args(["--session", "--nofork", "--nopidfile", &format!("--address={address}")])
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !bus_dir.path().join("bus").exists() {
        assert!(Instant::now() < deadline, "the session bus did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // SAFETY: set before the driver (and the app) start; this test runs alone (--test-threads=1).
    unsafe { std::env::set_var("DBUS_SESSION_BUS_ADDRESS", &address) };

    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path()).await;
    let driver = start_driver(&db).await;
    let client = open_window(&driver).await;
    testid(&client, "today-page").await;

    let second =
        Command::new(desktop_binary()).env("WAGNER_DB", &db).env("WAGNER_NOW", now_env()).output().unwrap();
    assert!(second.status.success(), "the second launch hands over and exits: {second:?}");
    eventually("the first window heard the second launch", || {
        let client = client.clone();
        async move {
            let n = client
                .execute("return document.documentElement.dataset.secondLaunches ?? '0'", vec![])
                .await
                .map_err(|e| e.to_string())?;
            if n == "1" { Ok(()) } else { Err(n.to_string()) }
        }
    })
    .await;

    // Another database is another instance: it starts its own window.
    let other = tempfile::tempdir().unwrap();
    let mut third =
        Command::new(desktop_binary()).env("WAGNER_DB", other.path().join("w.db")).spawn().unwrap();
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(third.try_wait().unwrap().is_none(), "a launch on other data keeps running");
    let _ = third.kill();
    let _ = third.wait();

    client.close().await.unwrap();
    drop(driver);
    unsafe { std::env::remove_var("DBUS_SESSION_BUS_ADDRESS") };
    let _ = bus.kill();
    let _ = bus.wait();
}

/// axe-core's violations of `impact` serious or critical on the current page.
async fn serious_violations(client: &Client, axe: &str) -> Vec<String> {
    client.execute(axe, vec![]).await.expect("injecting axe-core");
    let result = client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { resultTypes: ['violations'] })
               .then(r => done(r.violations
                 .filter(v => v.impact === 'serious' || v.impact === 'critical')
                 .map(v => v.impact + ' ' + v.id + ': ' + v.help + ' — ' +
                   v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))))
               .catch(e => done(['axe failed: ' + e]));",
            vec![],
        )
        .await
        .expect("running axe-core");
    result.as_array().unwrap().iter().map(|v| v.as_str().unwrap_or_default().to_string()).collect()
}

#[tokio::test]
#[ignore = "drives the real window: run by scripts/test.sh under xvfb-run"]
async fn every_page_passes_the_accessibility_audit() {
    let axe_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/node_modules/axe-core/axe.min.js");
    let axe = std::fs::read_to_string(&axe_path).expect("axe-core is installed (npm ci in ui/)");
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path()).await;
    let activity = cli_json(&db, &["activities"]);
    let activity_id = activity[0]["id"].as_str().expect("the demo has activities").to_string();

    let driver = start_driver(&db).await;
    let client = open_window(&driver).await;
    testid(&client, "program-day").await;

    let pages = [
        ("#/today", "today-page"),
        ("#/today/week", "period-days"),
        ("#/today/month", "period-days"),
        ("#/log", "log-page"),
        ("#/nutrition", "nutrition-page"),
        ("#/activities", "activities-page"),
        (&format!("#/activities/{activity_id}") as &str, "activity-detail"),
        ("#/body", "body-page"),
        ("#/programs", "programs-page"),
        ("#/coach", "coach-page"),
        ("#/settings", "card-display"),
    ]
    .map(|(h, t)| (h.to_string(), t));
    let mut failures = Vec::new();
    for theme in ["light", "dark"] {
        client.execute(&format!("document.documentElement.dataset.theme = '{theme}'"), vec![]).await.unwrap();
        for (hash, ready) in &pages {
            client.execute(&format!("window.location.hash = '{hash}'"), vec![]).await.unwrap();
            testid(&client, ready).await;
            // Let data load and charts draw before the audit.
            tokio::time::sleep(Duration::from_millis(700)).await;
            for v in serious_violations(&client, &axe).await {
                failures.push(format!("{theme} {hash}: {v}"));
            }
        }
    }
    client.close().await.unwrap();
    assert!(failures.is_empty(), "accessibility violations:\n{}", failures.join("\n"));
}
