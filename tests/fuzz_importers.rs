//! Property tests on stable Rust: the real fixtures in tests/fixtures, mutated
//! (bytes flipped, zeroed, saturated, cut, chunks repeated or inserted), go
//! through every importer — FIT, GPX, TCX, export ZIPs, nutrition CSV
//! exports, PDF, images, audio, backups. No input may panic or abort; a
//! refusal is a clear (non-empty) error; nothing is half-written.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod support;

use std::path::Path;

use proptest::prelude::*;

/// One edit of a file: where (a fraction of its length), what, with which byte.
#[derive(Debug, Clone)]
struct Edit {
    at: u32,
    op: u8,
    byte: u8,
    len: u16,
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    prop::collection::vec(
        (any::<u32>(), 0u8..6, any::<u8>(), 1u16..512).prop_map(|(at, op, byte, len)| Edit {
            at,
            op,
            byte,
            len,
        }),
        1..6,
    )
}

fn mutate(original: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut b = original.to_vec();
    for e in edits {
        if b.is_empty() {
            break;
        }
        let i = (e.at as usize) % b.len();
        let len = (e.len as usize).min(b.len() - i);
        match e.op {
            0 => b[i] ^= e.byte | 1,
            1 => b[i..i + len].iter_mut().for_each(|x| *x = 0),
            2 => b[i..i + len].iter_mut().for_each(|x| *x = 0xFF),
            3 => b.truncate(i.max(1)),
            4 => {
                let chunk = b[i..i + len].to_vec();
                b.splice(i..i, chunk.iter().copied().cycle().take(len * 8));
            }
            _ => b.splice(i..i, std::iter::repeat_n(e.byte, len)).for_each(drop),
        }
    }
    b
}

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(Path::new("tests/fixtures").join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn config() -> ProptestConfig {
    ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() }
}

const ACTIVITY_FIXTURES: [&str; 7] = [
    "activities/fit/garmin-fenix-5-bike.fit",
    "activities/fit/strength-sets.fit",
    "activities/fit/WeightScaleSingleUser.fit",
    "activities/gpx/cerknicko-jezero.gpx",
    "activities/gpx/track-with-extremes.gpx",
    "activities/tcx/20210323_yoga.tcx",
    "activities/tcx/20210119_run_garmin_fenix6.tcx.gz",
];

proptest! {
    #![proptest_config(config())]

    /// The parsers themselves, then the post-processing every import runs.
    #[test]
    fn mutated_activity_files_parse_or_fail_clearly(which in 0..ACTIVITY_FIXTURES.len(), e in edits()) {
        use wagner::activities::import::{parse_bytes, ParseError};
        let name = ACTIVITY_FIXTURES[which];
        let bytes = mutate(&fixture(name), &e);
        match parse_bytes(name, &bytes) {
            Ok(mut a) => {
                a.trim_stray_times(name);
                a.finish(&wagner::activities::metrics::Thresholds::default());
                let _ = a.check_plausible(name);
                prop_assert!(a.streams.time.iter().all(|t| *t <= 8.0 * 86_400.0));
            }
            Err(ParseError::Invalid(m) | ParseError::NotActivity(m)) => prop_assert!(!m.trim().is_empty()),
        }
    }

    #[test]
    fn mutated_pdfs_read_or_fail_clearly(e in edits()) {
        let bytes = mutate(&fixture("attachments/label.pdf"), &e);
        if let Err(err) = wagner::attachments::pdf_text(&bytes, "label.pdf") {
            prop_assert!(err.to_string().contains("label.pdf"), "{err}");
        }
    }

    #[test]
    fn mutated_images_are_checked_or_refused_clearly(which in 0..3usize, e in edits()) {
        let name = ["attachments/plate.png", "attachments/meal-rotated.jpg", "attachments/bowl.webp"][which];
        let bytes = mutate(&fixture(name), &e);
        if let Err(err) = wagner::attachments::prepare(&bytes, name) {
            prop_assert!(!err.to_string().trim().is_empty());
        }
    }

    #[test]
    fn mutated_audio_decodes_or_fails_clearly(which in 0..4usize, e in edits()) {
        let name = ["voice/breakfast.wav", "voice/lunch.mp3", "voice/snack.m4a", "voice/snack.ogg"][which];
        let bytes = mutate(&fixture(name), &e);
        if let Err(err) = wagner::voice::decode::to_16k_mono(&bytes, name) {
            prop_assert!(!err.to_string().trim().is_empty());
        }
    }
}

/// The store-backed importers: one database for all cases (a fresh one per
/// case would spend the run on migrations).
fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

async fn counts(store: &wagner::Store) -> (i64, i64, i64, i64) {
    let one = |sql: &'static str| async move {
        sqlx::query_scalar::<_, i64>(sql).fetch_one(store.pool()).await.unwrap()
    };
    (
        one("SELECT count(*) FROM activities").await,
        one("SELECT count(*) FROM activity_streams").await,
        one("SELECT count(*) FROM meal_logs").await,
        one("SELECT count(*) FROM activity_streams s WHERE NOT EXISTS (SELECT 1 FROM activities a WHERE a.id = s.activity_id)").await,
    )
}

fn export_zip() -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let opts = zip::write::SimpleFileOptions::default();
    zip.start_file("activities.csv", opts).unwrap();
    std::io::Write::write_all(
        &mut zip,
        b"Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,Distance,Filename\n\
          1,\"Jan 19, 2021, 7:00:00 AM\",Morning Ride,Ride,3600,30.5,activities/1.fit\n\
          2,\"Jan 20, 2021, 7:00:00 AM\",Lake,Run,3000,8.1,activities/2.gpx\n",
    )
    .unwrap();
    zip.start_file("activities/1.fit", opts).unwrap();
    std::io::Write::write_all(&mut zip, &fixture("activities/fit/garmin-fenix-5-bike.fit")).unwrap();
    zip.start_file("activities/2.gpx", opts).unwrap();
    std::io::Write::write_all(&mut zip, &fixture("activities/gpx/cerknicko-jezero.gpx")).unwrap();
    zip.finish().unwrap();
    out.into_inner()
}

#[test]
fn mutated_export_zips_and_activity_files_import_whole_or_not_at_all() {
    let rt = rt();
    let (_dir, store, profile) = rt.block_on(support::store_with_profile("Fuzz", "UTC"));
    let zip = export_zip();
    let mut runner = proptest::test_runner::TestRunner::new(config());
    runner
        .run(&(0..3usize, edits()), |(which, e)| {
            let (name, original) = match which {
                0 => ("export.zip", zip.clone()),
                1 => ("ride.fit", fixture("activities/fit/garmin-fenix-5-bike.fit")),
                _ => ("lake.gpx", fixture("activities/gpx/cerknicko-jezero.gpx")),
            };
            let bytes = mutate(&original, &e);
            rt.block_on(async {
                let before = counts(&store).await;
                let results =
                    wagner::activities::import::import_named_bytes(&store, &profile, name, &bytes).await;
                let after = counts(&store).await;
                prop_assert_eq!(after.3, 0, "streams without an activity");
                match results {
                    Ok(results) => {
                        for r in &results {
                            if r.failed() {
                                let (_, reason) = r.outcome();
                                prop_assert!(reason.is_some_and(|m| !m.trim().is_empty()), "{:?}", r);
                            }
                        }
                        let stored = results.iter().filter(|r| r.activity.is_some()).count() as i64;
                        prop_assert_eq!(after.0 - before.0, stored, "only whole activities are stored");
                    }
                    Err(err) => {
                        prop_assert!(!err.to_string().trim().is_empty());
                        prop_assert_eq!(before.0, after.0);
                    }
                }
                // Cases are independent: what one stored would make the next a duplicate.
                sqlx::query("DELETE FROM activities").execute(store.pool()).await.unwrap();
                Ok(())
            })
        })
        .unwrap();
}

#[test]
fn mutated_nutrition_exports_import_in_one_transaction_or_not_at_all() {
    let rt = rt();
    let (dir, store, profile) = rt.block_on(support::store_with_profile("Fuzz", "UTC"));
    let original = fixture("nutrition/Nutrition-Summary-2026-11-01-to-2026-11-03.csv");
    let mut runner = proptest::test_runner::TestRunner::new(config());
    runner
        .run(&edits(), |e| {
            let path = dir.path().join("export.csv");
            std::fs::write(&path, mutate(&original, &e)).unwrap();
            rt.block_on(async {
                let before = counts(&store).await.2;
                match wagner::nutrition::import::import_file(&store, &profile, &path).await {
                    Ok(_) => {}
                    Err(err) => {
                        prop_assert!(!err.to_string().trim().is_empty());
                        prop_assert_eq!(counts(&store).await.2, before, "a refused file writes nothing");
                    }
                }
                sqlx::query("DELETE FROM meal_logs").execute(store.pool()).await.unwrap();
                Ok(())
            })
        })
        .unwrap();
}

#[test]
fn mutated_backups_are_refused_clearly_and_never_restored_half() {
    let rt = rt();
    let (dir, store, profile) = rt.block_on(support::store_with_profile("Fuzz", "UTC"));
    let zip_path = dir.path().join("b.zip");
    rt.block_on(async {
        wagner::quick_entry::log_text(&store, &profile, "2 eggs").await.unwrap();
        wagner::backup::create(&store, &zip_path).await.unwrap();
    });
    let original = std::fs::read(&zip_path).unwrap();
    let target_dir = tempfile::tempdir().unwrap();
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig { cases: 24, ..config() });
    runner
        .run(&edits(), |e| {
            let file = dir.path().join("m.zip");
            std::fs::write(&file, mutate(&original, &e)).unwrap();
            let target = target_dir.path().join("restored.db");
            rt.block_on(async {
                match wagner::backup::restore(&file, &target, true).await {
                    Ok(_) => {
                        let s = wagner::Store::open(&target).await.unwrap();
                        prop_assert!(s.check().await.unwrap().is_healthy());
                        s.close().await;
                    }
                    Err(err) => {
                        prop_assert!(!err.to_string().trim().is_empty());
                        if target.exists() {
                            let s = wagner::Store::open(&target).await.unwrap();
                            prop_assert!(
                                s.check().await.unwrap().is_healthy(),
                                "a refused restore leaves the old file whole"
                            );
                            s.close().await;
                        }
                    }
                }
                Ok(())
            })
        })
        .unwrap();
}
