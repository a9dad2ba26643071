//! The `wagner` CLI against real database files: what a user types and sees.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod support;

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
fn init_log_today_shows_the_entry() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("data").join("wagner.db");

    let init = wagner(&db, &["init", "--name", "Sam", "--time-zone", "Europe/Berlin"]);
    assert!(init.status.success(), "{}", stderr(&init));
    assert!(stdout(&init).contains("Created"), "{}", stdout(&init));
    assert!(db.exists(), "init creates the database file and its folder");

    let again = wagner(&db, &["init"]);
    assert!(again.status.success());
    assert!(stdout(&again).contains("already exists"), "init is idempotent: {}", stdout(&again));

    let log = wagner(&db, &["log", "--no-process", "2 eggs and toast"]);
    assert!(log.status.success(), "{}", stderr(&log));

    let today = wagner(&db, &["today"]);
    assert!(today.status.success(), "{}", stderr(&today));
    let text = stdout(&today);
    assert!(text.contains("Sam"), "{text}");
    assert!(text.contains("[pending] 2 eggs and toast"), "{text}");

    let json = wagner(&db, &["--json", "today"]);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).expect("today --json is JSON");
    assert_eq!(value["entries"][0]["raw_text"], "2 eggs and toast");
    assert_eq!(value["entries"][0]["processing_status"], "pending");
    assert_eq!(value["time_zone"], "Europe/Berlin");

    let entries = wagner(&db, &["entries", "--status", "pending"]);
    assert!(stdout(&entries).contains("2 eggs and toast"));
}

#[test]
fn user_errors_exit_1_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("wagner.db");

    let before_init = wagner(&db, &["log", "--no-process", "oatmeal"]);
    assert_eq!(before_init.status.code(), Some(1));
    assert!(stderr(&before_init).contains("wagner init"), "{}", stderr(&before_init));

    assert!(wagner(&db, &["init"]).status.success());
    for (args, needle) in [
        (&["log", "   "][..], "empty"),
        (&["today", "--date", "25/11/2026"][..], "YYYY-MM-DD"),
        (&["entries", "--status", "done"][..], "unknown status"),
        (&["init", "--time-zone", "Mars/Olympus"][..], ""),
    ] {
        let out = wagner(&db, args);
        if needle.is_empty() {
            // The profile already exists, so the bad zone is never used: still a success.
            assert!(out.status.success(), "{args:?}");
            continue;
        }
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert_eq!(err.trim_end().lines().count(), 1, "one line for {args:?}: {err:?}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }

    let dir2 = tempfile::tempdir().unwrap();
    let bad_zone = wagner(&dir2.path().join("w.db"), &["init", "--time-zone", "Mars/Olympus"]);
    assert_eq!(bad_zone.status.code(), Some(1));
    assert!(stderr(&bad_zone).contains("Mars/Olympus"));
}

#[test]
fn a_file_path_typed_as_the_entry_is_refused_and_nothing_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("wagner.db");
    assert!(wagner(&db, &["init"]).status.success());
    let wav = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/voice/breakfast.wav");

    let out = wagner(&db, &["log", wav]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains(&format!("--attach {wav}")), "names the flag: {}", stderr(&out));
    let entries: serde_json::Value =
        serde_json::from_slice(&wagner(&db, &["--json", "entries"]).stdout).expect("entries --json");
    assert_eq!(entries.as_array().map(Vec::len), Some(0), "no food named after the path: {entries}");

    // A one-word entry that is no file is still an entry.
    let apple = wagner(&db, &["log", "--no-process", "apple.pie"]);
    assert!(apple.status.success(), "{}", stderr(&apple));
}

#[test]
fn db_check_reports_schema_and_sqlite_vec() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("wagner.db");
    // Only `init` creates a database; `db check` on a missing file says so.
    let missing = wagner(&db, &["db", "check"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(stderr(&missing).contains("does not exist"), "{}", stderr(&missing));
    assert!(wagner(&db, &["init"]).status.success());
    let out = wagner(&db, &["--json", "db", "check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let check: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(check["integrity"], "ok");
    assert_eq!(check["foreign_key_violations"], 0);
    assert!(check["vec_version"].as_str().unwrap().starts_with('v'), "{check}");
    assert!(check["schema_version"].as_i64().unwrap() > 0);
    let tables: Vec<&str> = check["tables"].as_array().unwrap().iter().filter_map(|t| t.as_str()).collect();
    for table in support::CORE_TABLES {
        assert!(tables.contains(&table), "{table} missing from {tables:?}");
    }
}

#[test]
fn demo_fills_an_empty_profile_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("wagner.db");
    let demo = wagner(&db, &["demo"]);
    assert!(demo.status.success(), "{}", stderr(&demo));
    assert!(stdout(&demo).contains("84-day program"), "{}", stdout(&demo));

    let today = wagner(&db, &["--json", "today"]);
    let value: serde_json::Value = serde_json::from_slice(&today.stdout).unwrap();
    assert_eq!(value["program"]["day_number"], 12);
    assert!(value["body"]["weight_kg"].as_f64().is_some());

    // A second demo would mix invented rows into real ones: refused, or a no-op with --if-empty.
    let again = wagner(&db, &["demo"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("already has data"));
    let if_empty = wagner(&db, &["demo", "--if-empty"]);
    assert!(if_empty.status.success());
    assert!(stdout(&if_empty).contains("not loaded"));
}

#[test]
fn log_reads_the_entry_into_rows_and_keeps_what_it_cannot_read() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("wagner.db");
    assert!(wagner(&db, &["init", "--time-zone", "UTC"]).status.success());

    let out = wagner(&db, &["log", "ran 5k in 25:30, weighed 82.4 kg"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("multiple"), "{text}");
    assert!(text.contains("workout: Run 5.00 km 25:30"), "{text}");
    assert!(text.contains("weight 82.4 kg"), "{text}");

    // init loaded the bundled food database: foods get real nutrition.
    let meal = wagner(&db, &["--json", "log", "2 eggs and a banana for breakfast"]);
    assert!(meal.status.success(), "{}", stderr(&meal));
    let meal: serde_json::Value = serde_json::from_slice(&meal.stdout).unwrap();
    let foods = meal["extraction"]["meals"][0]["foods"].as_array().unwrap();
    assert!(foods.iter().all(|f| f["food_id"].is_string()), "{foods:?}");
    // A bare count means the typical (medium) portion: two medium eggs
    // (2 × 44 g × 1.43 kcal/g) and a medium banana (118 g × 0.89 kcal/g).
    let kcal: f64 = foods.iter().map(|f| f["calories"].as_f64().unwrap()).sum();
    assert!((kcal - 230.8).abs() < 1.0, "{kcal} kcal for {foods:?}");

    let today: serde_json::Value = serde_json::from_slice(&wagner(&db, &["--json", "today"]).stdout).unwrap();
    assert_eq!(today["activities"][0]["distance_meters"], 5000.0);
    assert_eq!(today["body"]["weight_kg"], 82.4);
    assert_eq!(today["entries"][0]["processing_status"], "completed");

    // Unreadable text: exit 1, the raw entry is kept as failed with the reason, and can be retried.
    let out = wagner(&db, &["log", "felt great today"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("nothing recognised"), "{}", stderr(&out));
    let failed: serde_json::Value =
        serde_json::from_slice(&wagner(&db, &["--json", "entries", "--status", "failed"]).stdout).unwrap();
    assert_eq!(failed[0]["raw_text"], "felt great today");
    assert!(failed[0]["error_message"].as_str().unwrap().contains("nothing recognised"));
    let id = failed[0]["id"].as_str().unwrap();
    let retry = wagner(&db, &["entries", "retry", id]);
    assert_eq!(retry.status.code(), Some(1), "still unreadable on retry");
    let bogus = wagner(&db, &["entries", "retry", "no-such-id"]);
    assert_eq!(bogus.status.code(), Some(1));
    assert!(stderr(&bogus).contains("not found"), "{}", stderr(&bogus));
}

#[test]
fn food_commands_search_barcodes_and_custom_foods() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("wagner.db");
    let init = wagner(&db, &["init"]);
    assert!(stdout(&init).contains("Loaded 11456 foods"), "{}", stdout(&init));

    let search = wagner(&db, &["food", "search", "egg", "--limit", "3"]);
    assert!(search.status.success(), "{}", stderr(&search));
    let first = stdout(&search).lines().next().unwrap_or_default().to_string();
    assert!(first.starts_with("Egg, whole, raw, fresh") && first.contains("143 kcal/100 g"), "{first}");
    assert_eq!(stdout(&search).lines().count(), 3);

    let bad = wagner(&db, &["food", "barcode", "3017620422004"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("check digit should be 3"), "{}", stderr(&bad));
    assert_eq!(stderr(&bad).lines().count(), 1);

    let unknown = wagner(&db, &["food", "barcode", "3017620422003"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        stderr(&unknown).contains(
            "no food with barcode 3017620422003: add it with `wagner food add --barcode 3017620422003"
        ),
        "{}",
        stderr(&unknown)
    );

    let add = wagner(
        &db,
        &[
            "food",
            "add",
            "--name",
            "Hazelnut spread",
            "--barcode",
            "3017620422003",
            "--serving",
            "1 tbsp=15g",
            "--kcal",
            "81",
            "--protein",
            "0.9",
            "--carbs",
            "8.6",
            "--fat",
            "4.6",
        ],
    );
    assert!(add.status.success(), "{}", stderr(&add));
    assert!(stdout(&add).contains("540 kcal/100 g"), "{}", stdout(&add));
    let found = wagner(&db, &["food", "barcode", "3017620422003"]);
    assert!(stdout(&found).starts_with("Hazelnut spread"), "{}", stdout(&found));

    let again = wagner(&db, &["food", "load"]);
    assert!(
        stdout(&again).contains("11456 foods: 0 added, 0 updated, 11456 unchanged"),
        "{}",
        stdout(&again)
    );
}

#[test]
fn food_recipe_add_and_list() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("wagner.db");
    assert!(wagner(&db, &["init"]).status.success());
    let oats = wagner::nutrition::foods::shared_food_id("usda_sr24", "20038");
    let empty = wagner(&db, &["food", "recipe", "list"]);
    assert!(stdout(&empty).starts_with("No recipes yet"), "{}", stdout(&empty));

    // 160 g of oats (389 kcal/100 g) for two: 311 kcal a serving.
    let add = wagner(
        &db,
        &["--json", "food", "recipe", "add", "Porridge", "--servings", "2", &format!("{oats}:160:g")],
    );
    assert!(add.status.success(), "{}", stderr(&add));
    let made: serde_json::Value = serde_json::from_slice(&add.stdout).unwrap();
    let kcal = made["per_serving"]["calories"].as_f64().unwrap();
    assert!((kcal - 160.0 * 3.89 / 2.0).abs() < 0.5, "{kcal}");

    let list = wagner(&db, &["food", "recipe", "list"]);
    assert!(list.status.success(), "{}", stderr(&list));
    let line = stdout(&list);
    assert!(
        line.starts_with("Porridge  ·  2 servings of 80 g  ·  ")
            && line.contains(&format!("{kcal:.0} kcal a serving"))
            && line.contains(made["id"].as_str().unwrap()),
        "{line}"
    );
}
