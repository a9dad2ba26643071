//! `wagner program …` against a real database file: what a user types and sees.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use std::path::Path;
use std::process::{Command, Output};

fn wagner(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wagner"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("WAGNER_DB")
        .output()
        .expect("running wagner")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn new_today_done_calendar_pause_and_ics() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("wagner.db");
    let init = wagner(&db, &["init", "--name", "Sam", "--time-zone", "UTC"]);
    assert!(init.status.success(), "{}", stderr(&init));

    let answers = dir.path().join("answers.json");
    std::fs::write(
        &answers,
        r#"{"primary_goal": "lose_fat", "experience_level": "beginner", "training_frequency": 3,
            "session_minutes": 45, "available_equipment": ["dumbbells"], "injury_limitations": ["lower back"],
            "dietary_restrictions": ["vegetarian"], "daily_calorie_target": 1900}"#,
    )
    .unwrap();
    let new = wagner(&db, &["program", "new", "--offline", "--answers", answers.to_str().unwrap()]);
    assert!(new.status.success(), "{}", stderr(&new));
    assert!(stdout(&new).contains("84 days"), "{}", stdout(&new));

    let today = wagner(&db, &["--json", "program"]);
    assert!(today.status.success(), "{}", stderr(&today));
    let day: serde_json::Value = serde_json::from_slice(&today.stdout).unwrap();
    assert_eq!(day["day_number"], 1);
    let workout = day["items"].as_array().unwrap().iter().find(|i| i["item_type"] == "workout").unwrap();
    let id = workout["id"].as_str().unwrap();

    let show = wagner(&db, &["program", "show", id]);
    assert!(stdout(&show).contains(" × "), "exercises with sets × reps: {}", stdout(&show));
    assert!(!stdout(&show).contains("deadlift"), "no deadlifts with a bad lower back: {}", stdout(&show));

    let done = wagner(&db, &["program", "done", id]);
    assert!(done.status.success(), "{}", stderr(&done));
    let text = stdout(&wagner(&db, &["program"]));
    assert!(text.lines().any(|l| l.starts_with("[x]") && l.contains(id)), "{text}");

    let calendar = stdout(&wagner(&db, &["program", "calendar"]));
    // A title, a header, then one row per week.
    let rows: Vec<&str> = calendar.lines().skip(2).filter(|l| l.contains("rest")).collect();
    assert_eq!(rows.len(), 12, "{calendar}");
    assert!(calendar.contains("*lift"), "today is marked: {calendar}");

    let skip_day = wagner(&db, &["program", "skip", "2"]);
    assert!(skip_day.status.success(), "{}", stderr(&skip_day));
    assert!(wagner(&db, &["program", "pause"]).status.success());
    let again = wagner(&db, &["program", "pause"]);
    assert_eq!(again.status.code(), Some(1), "already paused is a user error");
    assert!(stderr(&again).contains("already paused"));
    assert!(wagner(&db, &["program", "resume"]).status.success());

    let ics = dir.path().join("program.ics");
    let export = wagner(&db, &["program", "ics", ics.to_str().unwrap()]);
    assert!(export.status.success(), "{}", stderr(&export));
    let cal: icalendar::Calendar = std::fs::read_to_string(&ics).unwrap().parse().unwrap();
    assert_eq!(cal.events().count(), 84);

    // A wrong questionnaire is a user error with the reason on one line per problem.
    std::fs::write(&answers, r#"{"primary_goal": "fly", "daily_calorie_target": 900}"#).unwrap();
    let bad = wagner(&db, &["program", "new", "--offline", "--answers", answers.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr(&bad).contains("primary_goal") && stderr(&bad).contains("daily_calorie_target"),
        "{}",
        stderr(&bad)
    );
    let missing = wagner(&db, &["program", "done", "no-such-id"]);
    assert_eq!(missing.status.code(), Some(1), "{}", stderr(&missing));
}
