//! Backup, restore, rolling backups, export and lossless re-import on real files.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test
mod support;

use wagner::Store;
use wagner::backup::{self, export};

async fn demo_store() -> (tempfile::TempDir, Store) {
    let (dir, store) = support::temp_store().await;
    wagner::demo::load(&store, wagner::clock::now(), Some("Europe/Berlin".into())).await.expect("demo data");
    let me = wagner::profile::require_default(&store).await.unwrap();
    let files = [
        std::path::PathBuf::from("tests/fixtures/activities/gpx/cerknicko-jezero.gpx"),
        std::path::PathBuf::from("tests/fixtures/activities/fit/strength-sets.fit"),
    ];
    wagner::activities::import::import_paths(&store, &me, &files, |_| {}).await.unwrap();
    let bytes = std::fs::read("tests/fixtures/attachments/plate.png").unwrap();
    let photo = wagner::attachments::store_bytes(&store, &bytes, "plate.png").unwrap();
    sqlx::query("UPDATE meal_logs SET image_url = ? WHERE id = (SELECT min(id) FROM meal_logs)")
        .bind(&photo.path)
        .execute(store.pool())
        .await
        .unwrap();
    (dir, store)
}

#[tokio::test]
async fn backup_then_restore_brings_back_every_row_and_file() {
    let (dir, store) = demo_store().await;
    let file = dir.path().join("out/backup.zip");
    let made = backup::create(&store, &file).await.unwrap();
    assert!(made.manifest.counts["meal_logs"] > 0);
    assert!(made.manifest.attachments >= 2);
    let before = backup::table_counts(store.pool()).await.unwrap();
    let photo: String = sqlx::query_scalar("SELECT image_url FROM meal_logs WHERE image_url IS NOT NULL")
        .fetch_one(store.pool())
        .await
        .unwrap();
    store.close().await;

    // Restoring over an existing database needs the confirmation.
    let db = dir.path().join("wagner.db");
    let refused = backup::restore(&file, &db, false).await.unwrap_err();
    assert!(refused.to_string().contains("--yes"), "{refused}");

    // Into a new place: same rows, same files.
    let other = tempfile::tempdir().unwrap();
    let target = other.path().join("wagner.db");
    let restored = backup::restore(&file, &target, false).await.unwrap();
    assert_eq!(restored.previous, None);
    let back = Store::open(&target).await.unwrap();
    assert_eq!(backup::table_counts(back.pool()).await.unwrap(), before);
    assert_eq!(
        std::fs::read(other.path().join(&photo)).unwrap(),
        std::fs::read(dir.path().join(&photo)).unwrap()
    );
    back.close().await;

    // Over the original with --yes: the old file is kept beside it.
    let replaced = backup::restore(&file, &db, true).await.unwrap();
    let kept = replaced.previous.expect("the replaced database is kept");
    assert!(std::path::Path::new(&kept).exists());
}

#[tokio::test]
async fn a_damaged_backup_is_refused_before_anything_is_replaced() {
    let (dir, store) = demo_store().await;
    let file = dir.path().join("backup.zip");
    backup::create(&store, &file).await.unwrap();
    // A manifest that does not match the database inside.
    let tampered = dir.path().join("tampered.zip");
    {
        let mut zin = zip::ZipArchive::new(std::fs::File::open(&file).unwrap()).unwrap();
        let mut zout = zip::ZipWriter::new(std::fs::File::create(&tampered).unwrap());
        for i in 0..zin.len() {
            let mut entry = zin.by_index(i).unwrap();
            let name = entry.name().unwrap().to_string();
            zout.start_file(name.as_str(), zip::write::SimpleFileOptions::default()).unwrap();
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
            if name == backup::MANIFEST_ENTRY {
                let mut m: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                m["counts"]["meal_logs"] = serde_json::json!(99999);
                bytes = serde_json::to_vec(&m).unwrap();
            }
            std::io::Write::write_all(&mut zout, &bytes).unwrap();
        }
        zout.finish().unwrap();
    }
    let db = dir.path().join("wagner.db");
    let before = std::fs::metadata(&db).unwrap().modified().unwrap();
    let err = backup::restore(&tampered, &db, true).await.unwrap_err();
    assert!(err.to_string().contains("meal_logs"), "{err}");
    assert_eq!(std::fs::metadata(&db).unwrap().modified().unwrap(), before, "nothing replaced");
    let not_zip = dir.path().join("notes.txt");
    std::fs::write(&not_zip, "hello").unwrap();
    assert!(backup::restore(&not_zip, &db, true).await.is_err());
}

#[tokio::test]
async fn rolling_backups_keep_the_newest_n() {
    let (dir, store) = demo_store().await;
    for _ in 0..4 {
        backup::rolling(&store, 2).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let names: Vec<_> =
        std::fs::read_dir(dir.path().join("backups")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[tokio::test]
async fn export_then_import_into_a_fresh_database_round_trips_losslessly() {
    let (dir, store) = demo_store().await;
    let first = dir.path().join("export1");
    let report = export::export(&store, &first).await.unwrap();
    assert!(report.rows > 100);
    assert!(report.activity_files + report.gpx_files >= 2, "{report:?}");
    assert!(first.join("csv/meal_logs.csv").exists());
    let gpx_or_original: Vec<_> = std::fs::read_dir(first.join("activities")).unwrap().collect();
    assert_eq!(gpx_or_original.len() as i64, report.activity_files + report.gpx_files);

    let fresh = tempfile::tempdir().unwrap();
    let other = Store::open(&fresh.path().join("wagner.db")).await.unwrap();
    // The preview counts exactly what the import then adds, and writes nothing.
    let preview = export::preview(&other, &first).await.unwrap();
    assert_eq!(preview.rows, report.rows);
    assert_eq!(preview.attachments, report.attachments);
    assert_eq!(preview.tables.first().map(|t| (t.table.as_str(), t.rows)), Some(("users", 1)));
    let meals = preview.tables.iter().find(|t| t.table == "meal_logs").map(|t| t.rows);
    let stored: i64 =
        sqlx::query_scalar("SELECT count(*) FROM meal_logs").fetch_one(store.pool()).await.unwrap();
    assert_eq!(meals, Some(stored));
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users").fetch_one(other.pool()).await.unwrap();
    assert_eq!(users, 0, "a preview writes nothing");
    let imported = export::import_export(&other, &first).await.unwrap();
    assert_eq!(imported.rows, report.rows);
    // Importing again is refused, and so is its preview: the database is no longer empty.
    let again = export::import_export(&other, &first).await.unwrap_err();
    assert_eq!(again.code(), wagner::ErrorCode::Conflict, "{again}");
    assert!(again.to_string().contains("already has a profile"), "{again}");
    assert_eq!(export::preview(&other, &first).await.unwrap_err().code(), wagner::ErrorCode::Conflict);

    let second = fresh.path().join("export2");
    export::export(&other, &second).await.unwrap();
    assert_eq!(export::read_export(&first).unwrap(), export::read_export(&second).unwrap());
    for entry in std::fs::read_dir(first.join("csv")).unwrap() {
        let name = entry.unwrap().file_name();
        let (a, b) = (
            std::fs::read_to_string(first.join("csv").join(&name)).unwrap(),
            std::fs::read_to_string(second.join("csv").join(&name)).unwrap(),
        );
        for (la, lb) in a.lines().zip(b.lines()) {
            assert_eq!(la, lb, "{name:?}");
        }
        assert_eq!(a.len(), b.len(), "{name:?}");
    }
    let check = other.check().await.unwrap();
    assert_eq!(check.integrity, "ok");
    assert_eq!(check.foreign_key_violations, 0);
}

#[tokio::test]
async fn an_export_goes_into_a_fresh_database_that_already_loaded_the_bundled_foods() {
    // The window loads the bundled foods into every new database before its
    // welcome screen, where an export is brought in.
    let (dir, store) = demo_store().await;
    let out = dir.path().join("export");
    let report = export::export(&store, &out).await.unwrap();
    let fresh = tempfile::tempdir().unwrap();
    let other = Store::open(&fresh.path().join("wagner.db")).await.unwrap();
    wagner::nutrition::foods::ensure_loaded(&other).await.unwrap();
    let imported = export::import_export(&other, &out).await.unwrap();
    assert_eq!(imported.rows, report.rows);
    let meals: i64 =
        sqlx::query_scalar("SELECT count(*) FROM meal_logs").fetch_one(other.pool()).await.unwrap();
    let before: i64 =
        sqlx::query_scalar("SELECT count(*) FROM meal_logs").fetch_one(store.pool()).await.unwrap();
    assert_eq!(meals, before);
}

// ------------------------------------------------------------ the window's backups

use wagner::backup::live::{self, BackupKind};
use wagner::backup::schedule::{self, ScheduleSettings};
use wagner::nutrition::{self, MealCategory, MealFood, MealSource, NewMeal};

async fn add_meal(store: &Store, name: &str) {
    let me = wagner::profile::require_default(store).await.unwrap();
    let mut conn = store.pool().acquire().await.unwrap();
    nutrition::insert_meal(
        &mut conn,
        &me,
        &NewMeal {
            category: MealCategory::Snack,
            logged_at: wagner::clock::now(),
            name: Some(name.into()),
            foods: vec![MealFood {
                name: name.into(),
                quantity: 1.0,
                unit: "serving".into(),
                grams: None,
                calories: 321.0,
                protein_g: 12.0,
                carbs_g: 30.0,
                fat_g: 9.0,
                food_id: None,
                nutrients: Default::default(),
            }],
            source: MealSource::Manual,
            quick_entry_log_id: None,
            ai_extracted: false,
            ai_confidence: None,
            image_url: None,
        },
    )
    .await
    .unwrap();
}

async fn meals_named(store: &Store, name: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM meal_logs WHERE name = ?")
        .bind(name)
        .fetch_one(store.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn restoring_over_the_open_store_replaces_its_data_and_can_be_undone() {
    let (_dir, store) = demo_store().await;
    let made = live::create_in_folder(&store, BackupKind::Manual, 10).await.unwrap();
    add_meal(&store, "Late flapjack").await;
    let with_meal = backup::table_counts(store.pool()).await.unwrap();

    let info = live::inspect(std::path::Path::new(&made.file)).await.unwrap();
    assert_eq!(info.manifest.counts["meal_logs"], with_meal["meal_logs"] - 1);
    assert_eq!(info.rows, info.manifest.counts.values().sum::<i64>());

    let (reopened, outcome) = live::restore_live(&store, std::path::Path::new(&made.file), true).await;
    let report = outcome.unwrap();
    let restored = reopened.expect("the restored store is open");
    assert!(store.pool().is_closed(), "the old store was closed");
    assert_eq!(meals_named(&restored, "Late flapjack").await, 0, "the meal added after the backup is gone");
    let undo = report.undo_file.clone().expect("a safety backup was made");

    // The list names each kind.
    let files = live::list(&restored).unwrap();
    let kinds: Vec<_> = files.iter().map(|f| f.kind).collect();
    assert!(kinds.contains(&BackupKind::Manual) && kinds.contains(&BackupKind::BeforeRestore), "{files:?}");
    assert!(files.iter().all(|f| f.bytes > 0 && f.created_at.ends_with('Z')), "{files:?}");

    // Undo: the safety backup brings the meal back, and makes no new safety copy.
    let (again, outcome) = live::restore_live(&restored, std::path::Path::new(&undo), false).await;
    assert!(outcome.unwrap().undo_file.is_none());
    let again = again.unwrap();
    assert_eq!(meals_named(&again, "Late flapjack").await, 1);
    // Everything as before the restore, besides the bundled foods, which a
    // restore loads when the backup lacks them (as start-up does).
    let mut after = backup::table_counts(again.pool()).await.unwrap();
    let mut expected = with_meal.clone();
    assert!(after.remove("foods_enhanced").unwrap() > 0);
    expected.remove("foods_enhanced");
    assert_eq!(after, expected);
    again.close().await;
}

#[tokio::test]
async fn a_damaged_backup_is_refused_and_the_open_store_is_untouched() {
    let (dir, store) = demo_store().await;
    let made = live::create_in_folder(&store, BackupKind::Manual, 10).await.unwrap();
    let before = backup::table_counts(store.pool()).await.unwrap();

    // Cut in half: no longer a zip.
    let bytes = std::fs::read(&made.file).unwrap();
    let damaged = dir.path().join("damaged.zip");
    std::fs::write(&damaged, &bytes[..bytes.len() / 2]).unwrap();
    let staged = live::stage_picked(&store, "../../damaged.zip", &std::fs::read(&damaged).unwrap()).unwrap();
    assert!(staged.starts_with(live::folder(&store)), "a picked name cannot leave the folder: {staged:?}");
    assert!(live::inspect(&staged).await.is_err());
    let (reopened, outcome) = live::restore_live(&store, &staged, true).await;
    let err = outcome.unwrap_err();
    assert!(err.to_string().contains("not a Wagner backup"), "{err}");
    assert!(reopened.is_none(), "nothing was closed");
    assert!(!store.pool().is_closed());
    assert_eq!(backup::table_counts(store.pool()).await.unwrap(), before);
    assert!(
        live::list(&store).unwrap().iter().all(|f| f.kind != BackupKind::BeforeRestore),
        "no safety copy for a refused restore"
    );
}

#[tokio::test]
async fn manual_and_safety_backups_survive_automatic_rotation() {
    let (_dir, store) = demo_store().await;
    live::create_in_folder(&store, BackupKind::Manual, 10).await.unwrap();
    for _ in 0..3 {
        backup::rolling(&store, 1).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let files = live::list(&store).unwrap();
    assert_eq!(files.iter().filter(|f| f.kind == BackupKind::Automatic).count(), 1, "{files:?}");
    assert_eq!(files.iter().filter(|f| f.kind == BackupKind::Manual).count(), 1, "{files:?}");
    assert!(files.windows(2).all(|w| w[0].created_at >= w[1].created_at), "newest first: {files:?}");
}

#[tokio::test]
async fn the_daily_backup_runs_when_due_and_follows_the_settings() {
    let (_dir, store) = demo_store().await;
    let me = wagner::profile::require_default(&store).await.unwrap();
    let now = wagner::clock::now();

    // Defaults: on, keep 7; never backed up, so due now.
    let view = schedule::overview(&store, now).await.unwrap();
    assert_eq!(view.schedule, ScheduleSettings { automatic: true, keep: 7 });
    assert!(view.last_automatic.is_none() && view.files.is_empty());
    assert!(schedule::run_if_due(&store, now).await.unwrap().is_some());

    // Made just now: not due again for 24 hours.
    assert!(schedule::run_if_due(&store, wagner::clock::now()).await.unwrap().is_none());
    let view = schedule::overview(&store, wagner::clock::now()).await.unwrap();
    let last = chrono::DateTime::parse_from_rfc3339(view.last_automatic.as_deref().unwrap()).unwrap();
    let next = chrono::DateTime::parse_from_rfc3339(view.next_due.as_deref().unwrap()).unwrap();
    assert_eq!(next - last, chrono::Duration::hours(24));

    // A day later it is due; keep 1 leaves one automatic backup.
    schedule::save(&store, &me.id, &ScheduleSettings { automatic: true, keep: 1 }).await.unwrap();
    let later = wagner::clock::now() + chrono::Duration::hours(25);
    assert!(schedule::run_if_due(&store, later).await.unwrap().is_some());
    let view = schedule::overview(&store, later).await.unwrap();
    assert_eq!(view.schedule.keep, 1);
    assert_eq!(view.files.iter().filter(|f| f.kind == BackupKind::Automatic).count(), 1);

    // Off: never due, and nothing is made.
    schedule::save(&store, &me.id, &ScheduleSettings { automatic: false, keep: 1 }).await.unwrap();
    let much_later = later + chrono::Duration::days(3);
    assert!(schedule::run_if_due(&store, much_later).await.unwrap().is_none());
    assert!(schedule::overview(&store, much_later).await.unwrap().next_due.is_none());

    // Other settings are left alone, and a keep of 0 is refused.
    assert_eq!(wagner::profile::require_default(&store).await.unwrap().time_zone, "Europe/Berlin");
    assert!(schedule::save(&store, &me.id, &ScheduleSettings { automatic: true, keep: 0 }).await.is_err());
}

#[tokio::test]
async fn no_profile_means_no_automatic_backup() {
    let (_dir, store) = support::temp_store().await;
    assert!(schedule::run_if_due(&store, wagner::clock::now()).await.unwrap().is_none());
    assert!(schedule::overview(&store, wagner::clock::now()).await.unwrap().next_due.is_none());
}
