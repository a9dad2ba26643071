//! What the user sees from offline quick entry, on the labelled sets: every
//! entry stored and processed against the bundled foods, then the stored
//! meals' calories, foods resolved with grams, class and fields. The floors
//! guard against regressions; BENCHMARKS.md records the full tables.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

#[path = "support/labelled.rs"]
mod labelled;

async fn scored(name: &str) -> labelled::Report {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = wagner::Store::open(&dir.path().join("scores.db")).await.expect("store");
    wagner::nutrition::foods::load_bundled(&store).await.expect("foods");
    let me = labelled::new_scorer(&store, "Scorer").await;
    let entries = labelled::load_named(name);
    let report = labelled::score_stored(&store, &me, &entries).await;
    println!("## {name} ({} entries)\n\n{}", entries.len(), report.stored_table());
    for miss in &report.misses {
        println!("- miss: {miss}");
    }
    report
}

#[tokio::test]
async fn development_set_scored_on_stored_rows() {
    let r = scored("labelled_entries.json").await;
    let floor = std::env::var("WAGNER_SCORE_FLOORS").map(|v| v != "0").unwrap_or(true);
    if floor {
        assert!(r.resolved_share() >= 0.9, "foods resolved {:.3}", r.resolved_share());
        assert!(r.accuracy() >= 0.9, "classification {:.3}", r.accuracy());
    }
}

#[tokio::test]
async fn phone_typed_held_out_set_scored_on_stored_rows() {
    let r = scored("labelled_entries_phone.json").await;
    let floor = std::env::var("WAGNER_SCORE_FLOORS").map(|v| v != "0").unwrap_or(true);
    if floor {
        assert!(r.resolved_share() >= 0.9, "foods resolved {:.3}", r.resolved_share());
        assert!(r.kcal_share() >= 0.75, "calories in range {:.3}", r.kcal_share());
        assert!(r.accuracy() >= 0.9, "classification {:.3}", r.accuracy());
    }
}

// The untuned scores of the 2026-12-08 held-out set (its first run, on
// main a1e995e before that day's parser changes), rounded down, as floors:
// foods resolved 67/98 = 0.684, meals in range 21/70 = 0.300,
// classification 0.836, entries all right 48/110 = 0.436.
const RESOLVED_FLOOR: f64 = 0.68;
const KCAL_FLOOR: f64 = 0.29;
const CLASS_FLOOR: f64 = 0.83;
const ALL_RIGHT_FLOOR: f64 = 0.43;

/// The third held-out set (tests/data/README.md), written on 2026-12-08
/// before the parser and resolver changes of that day and never tuned on.
/// Its floors are its untuned scores, so a regression fails; they say
/// nothing about the goals (95 % / 85 % / 95 % / 85 %).
#[tokio::test]
async fn held_out_2026_12_08_set_scored_on_stored_rows() {
    let r = scored("labelled_entries_heldout_2026-12-08.json").await;
    let floor = std::env::var("WAGNER_SCORE_FLOORS").map(|v| v != "0").unwrap_or(true);
    if floor {
        assert!(r.resolved_share() >= RESOLVED_FLOOR, "foods resolved {:.3}", r.resolved_share());
        assert!(r.kcal_share() >= KCAL_FLOOR, "calories in range {:.3}", r.kcal_share());
        assert!(r.accuracy() >= CLASS_FLOOR, "classification {:.3}", r.accuracy());
        assert!(r.all_right_share() >= ALL_RIGHT_FLOOR, "entries all right {:.3}", r.all_right_share());
    }
}

// The untuned scores of the 2026-12-09 held-out set (its first run, on
// qe16 c31f48c before any parser or resolver change), rounded down, as floors:
// foods resolved 87/93 = 0.935, meals in range 28/61 = 0.459,
// classification 0.945, entries all right 53/91 = 0.582.
const HELDOUT2_RESOLVED_FLOOR: f64 = 0.93;
const HELDOUT2_KCAL_FLOOR: f64 = 0.45;
const HELDOUT2_CLASS_FLOOR: f64 = 0.94;
const HELDOUT2_ALL_RIGHT_FLOOR: f64 = 0.58;

/// The fourth held-out set (tests/data/README.md), written on 2026-12-09
/// before the changes made from the 2026-12-08 set's misses. Its misses have
/// been read and fixed since (tuned on); floors are its untuned scores.
#[tokio::test]
async fn held_out_2026_12_09_set_scored_on_stored_rows() {
    let r = scored("labelled_entries_heldout2_2026-12-09.json").await;
    let floor = std::env::var("WAGNER_SCORE_FLOORS").map(|v| v != "0").unwrap_or(true);
    if floor {
        assert!(r.resolved_share() >= HELDOUT2_RESOLVED_FLOOR, "foods resolved {:.3}", r.resolved_share());
        assert!(r.kcal_share() >= HELDOUT2_KCAL_FLOOR, "calories in range {:.3}", r.kcal_share());
        assert!(r.accuracy() >= HELDOUT2_CLASS_FLOOR, "classification {:.3}", r.accuracy());
        assert!(
            r.all_right_share() >= HELDOUT2_ALL_RIGHT_FLOOR,
            "entries all right {:.3}",
            r.all_right_share()
        );
    }
}

// The untuned scores of the 2026-12-10 held-out set (its first run, on
// qe16b 5e0492f before any parser or resolver change), rounded down, as floors:
// foods resolved 115/120 = 0.958, meals in range 30/54 = 0.556,
// classification 65/65 = 1.000, entries all right 33/65 = 0.508.
const HELDOUT3_RESOLVED_FLOOR: f64 = 0.95;
const HELDOUT3_KCAL_FLOOR: f64 = 0.55;
const HELDOUT3_CLASS_FLOOR: f64 = 0.99;
const HELDOUT3_ALL_RIGHT_FLOOR: f64 = 0.50;

/// The fifth held-out set (tests/data/README.md), written on 2026-12-10
/// before the changes made from the 2026-12-09 set's misses, and never tuned
/// on: the headline numbers. Floors are its untuned scores.
#[tokio::test]
async fn held_out_2026_12_10_set_scored_on_stored_rows() {
    let r = scored("labelled_entries_heldout3_2026-12-10.json").await;
    let floor = std::env::var("WAGNER_SCORE_FLOORS").map(|v| v != "0").unwrap_or(true);
    if floor {
        assert!(r.resolved_share() >= HELDOUT3_RESOLVED_FLOOR, "foods resolved {:.3}", r.resolved_share());
        assert!(r.kcal_share() >= HELDOUT3_KCAL_FLOOR, "calories in range {:.3}", r.kcal_share());
        assert!(r.accuracy() >= HELDOUT3_CLASS_FLOOR, "classification {:.3}", r.accuracy());
        assert!(
            r.all_right_share() >= HELDOUT3_ALL_RIGHT_FLOOR,
            "entries all right {:.3}",
            r.all_right_share()
        );
    }
}
