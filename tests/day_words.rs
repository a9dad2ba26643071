//! Day words in quick entry ("yesterday", "last night", "on Monday", "2 days
//! ago", "3 dec", a date): a development set the reader was tuned on and a
//! held-out set written before it existed (tests/data/day_words_*.tsv).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod support;

use chrono::{DateTime, NaiveDateTime, Timelike, Utc};
use wagner::quick_entry::{self, pipeline, when};

const TZ: chrono_tz::Tz = chrono_tz::Europe::Amsterdam;

struct Case {
    reference: DateTime<Utc>,
    text: String,
    date: String,
    hour: Option<u32>,
}

fn cases(file: &str) -> Vec<Case> {
    let text = std::fs::read_to_string(format!("{}/tests/data/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert_eq!(cols.len(), 4, "{file}: {l:?}");
            let local = NaiveDateTime::parse_from_str(cols[0], "%Y-%m-%dT%H:%M").unwrap();
            let reference = wagner::clock::local_to_utc(local.date(), local.hour(), local.minute(), TZ);
            let hour = if cols[3] == "=" { Some(local.hour()) } else { Some(cols[3].parse().unwrap()) };
            Case { reference, text: cols[1].into(), date: cols[2].into(), hour }
        })
        .collect()
}

/// (right, total, the misses)
fn score(file: &str) -> (usize, usize, Vec<String>) {
    let cases = cases(file);
    let mut misses = Vec::new();
    for c in &cases {
        let at = when::entry_time(&c.text, c.reference, TZ).with_timezone(&TZ);
        let got = (at.date_naive().to_string(), Some(at.hour()));
        if got != (c.date.clone(), c.hour) {
            misses.push(format!("{:?}: got {} {:?}, want {} {:?}", c.text, got.0, got.1, c.date, c.hour));
        }
    }
    (cases.len() - misses.len(), cases.len(), misses)
}

#[test]
fn day_words_on_the_development_and_the_held_out_set() {
    let (dev_right, dev_total, dev_misses) = score("day_words_dev.tsv");
    let (held_right, held_total, held_misses) = score("day_words_heldout.tsv");
    // The report BENCHMARKS.md quotes (run with --nocapture).
    println!("day words, development set (tuned): {dev_right}/{dev_total}");
    println!("day words, held-out set (not tuned): {held_right}/{held_total}");
    for m in &held_misses {
        println!("  held-out miss: {m}");
    }
    assert!(dev_misses.is_empty(), "development set misses:\n{}", dev_misses.join("\n"));
    assert!(held_right * 10 >= held_total * 8, "held-out below 80 %:\n{}", held_misses.join("\n"));
}

#[tokio::test]
async fn yesterdays_dinner_typed_this_morning_lands_on_yesterday() {
    let (_dir, store, me) = support::store_with_profile("Past", "Europe/Amsterdam").await;
    let morning = DateTime::parse_from_rfc3339("2026-12-10T07:45:00Z").unwrap().with_timezone(&Utc);
    let entry =
        quick_entry::log_text_at(&store, &me, "yesterday's dinner: 2 eggs and toast", morning).await.unwrap();
    assert_eq!(entry.logged_at, "2026-12-09T18:00:00.000Z", "19:00 in Amsterdam the day before");
    let done = pipeline::process(&store, &me, &entry.id, pipeline::Reader::Offline).await.unwrap();
    let (date, category, foods): (String, String, String) =
        sqlx::query_as("SELECT local_date, category, foods FROM meal_logs WHERE id = ?")
            .bind(&done.meal_log_ids[0])
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!((date.as_str(), category.as_str()), ("2026-12-09", "dinner"));
    assert!(!foods.contains("yesterday"), "the day words are not a food: {foods}");

    // "2 days ago" is not two of something.
    let e = quick_entry::log_text_at(&store, &me, "2 days ago ran 5k in 25:30", morning).await.unwrap();
    let done = pipeline::process(&store, &me, &e.id, pipeline::Reader::Offline).await.unwrap();
    assert_eq!(done.activity_ids.len(), 1);
    assert!(done.meal_log_ids.is_empty(), "{:?}", done.extraction);
    assert!(e.logged_at.starts_with("2026-12-08"), "{}", e.logged_at);
}

#[test]
fn log_at_puts_an_entry_on_a_past_day_and_refuses_the_future() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("wagner.db");
    let wagner = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_wagner"))
            .arg("--db")
            .arg(&db)
            .args(args)
            .output()
            .unwrap()
    };
    // Days relative to the CLI's today (a UTC profile), whatever the date is.
    let today = wagner::clock::now().date_naive();
    let past = (today - chrono::Duration::days(4)).to_string();
    let out = wagner(&["init", "--name", "Cli", "--time-zone", "UTC"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = wagner(&["--json", "log", "--at", &past, "--no-process", "2 eggs"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let entry: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(entry["logged_at"].as_str().unwrap().starts_with(&past), "{entry}");
    // Day words count from the chosen day.
    let at = format!("{past} 20:00");
    let out = wagner(&["--json", "log", "--at", &at, "--no-process", "yesterday 2 eggs"]);
    let entry: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(entry["logged_at"], format!("{}T20:00:00.000Z", today - chrono::Duration::days(5)));
    let future = (today + chrono::Duration::days(30)).to_string();
    let out = wagner(&["log", "--at", &future, "2 eggs"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("after today"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
