//! Backup, restore, rolling backups, export and lossless re-import on real files.
mod support;

use chrono::Utc;
use wagner::Store;
use wagner::backup::{self, export};

async fn demo_store() -> (tempfile::TempDir, Store) {
    let (dir, store) = support::temp_store().await;
    wagner::demo::load(&store, Utc::now(), Some("Europe/Berlin".into())).await.expect("demo data");
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
    let imported = export::import_export(&other, &first).await.unwrap();
    assert_eq!(imported.rows, report.rows);
    // Importing again is refused: the database is no longer empty.
    assert!(export::import_export(&other, &first).await.is_err());

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
