//! The offline parser on 60 labelled realistic entries. The thresholds guard
//! against regressions; BENCHMARKS.md records the full table.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

#[path = "support/labelled.rs"]
mod labelled;

#[test]
fn the_labelled_entries_are_read_well_enough() {
    let entries = labelled::load();
    assert!(entries.len() >= 60);
    let report = labelled::score(&entries);
    println!("{}", report.table());
    for miss in &report.misses {
        println!("miss: {miss}");
    }
    assert!(report.accuracy() >= 0.9, "classification accuracy {:.3}", report.accuracy());
    assert!(report.field_accuracy() >= 0.9, "field accuracy {:.3}", report.field_accuracy());
    assert!(report.precision("unknown") >= 0.8, "notes must not be mistaken for meals or workouts");
}
