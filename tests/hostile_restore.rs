//! Restore is all-or-nothing: a backup that cannot be used changes nothing,
//! safety copies are never overwritten, leftovers are cleaned up, and a
//! restore killed at any write, rename or fsync (strace -e inject) leaves the
//! old database or the new one, whole.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use std::path::{Path, PathBuf};
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

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A database with `n` quick entries.
fn db_with_entries(dir: &Path, name: &str, n: usize) -> PathBuf {
    let db = dir.join(name);
    assert!(wagner(&db, &["init", "--time-zone", "UTC"]).status.success());
    for i in 0..n {
        assert!(wagner(&db, &["log", "--no-process", &format!("entry {i}")]).status.success());
    }
    db
}

fn entry_count(db: &Path) -> Option<usize> {
    let out = wagner(db, &["--json", "entries", "--limit", "1000"]);
    if !out.status.success() {
        return None;
    }
    serde_json::from_slice::<serde_json::Value>(&out.stdout).ok()?.as_array().map(Vec::len)
}

fn healthy(db: &Path) -> bool {
    wagner(db, &["db", "check"]).status.success()
}

fn backup(db: &Path, file: &Path) {
    let out = wagner(db, &["backup", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

/// Rewrites a backup zip with `edit` applied to its unpacked database and manifest.
fn tamper(src: &Path, dst: &Path, edit: impl FnOnce(&Path, &mut serde_json::Value)) {
    let tmp = tempfile::tempdir().unwrap();
    let mut zip = zip::ZipArchive::new(std::fs::File::open(src).unwrap()).unwrap();
    zip.extract(tmp.path()).unwrap();
    let manifest_path = tmp.path().join("manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&manifest_path).unwrap()).unwrap();
    edit(&tmp.path().join("wagner.db"), &mut manifest);
    std::fs::write(&manifest_path, serde_json::to_vec(&manifest).unwrap()).unwrap();
    let mut out = zip::ZipWriter::new(std::fs::File::create(dst).unwrap());
    let opts = zip::write::SimpleFileOptions::default();
    let mut files = vec!["manifest.json".to_string(), "wagner.db".to_string()];
    for e in walk(&tmp.path().join("attachments"), tmp.path()) {
        files.push(e);
    }
    for f in files {
        out.start_file(f.as_str(), opts).unwrap();
        std::io::copy(&mut std::fs::File::open(tmp.path().join(&f)).unwrap(), &mut out).unwrap();
    }
    out.finish().unwrap();
}

fn walk(dir: &Path, base: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else { return out };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p, base));
        } else {
            out.push(p.strip_prefix(base).unwrap().to_string_lossy().into_owned());
        }
    }
    out
}

fn sql(db: &Path, statements: &[&str]) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(db);
        let pool =
            sqlx::sqlite::SqlitePoolOptions::new().max_connections(1).connect_with(opts).await.unwrap();
        for s in statements {
            sqlx::query(sqlx::AssertSqlSafe(s.to_string())).execute(&pool).await.unwrap();
        }
        sqlx::query("PRAGMA journal_mode = DELETE").execute(&pool).await.unwrap();
        pool.close().await;
    });
}

#[test]
fn a_backup_that_fails_to_migrate_changes_nothing_and_says_which_file() {
    let dir = tempfile::tempdir().unwrap();
    let source = db_with_entries(dir.path(), "source.db", 2);
    let good = dir.path().join("good.zip");
    backup(&source, &good);
    // The last migration is forgotten but its columns stay: re-running it fails
    // ("duplicate column"), as the "table … already exists" did.
    let bad = dir.path().join("bad.zip");
    tamper(&good, &bad, |db, manifest| {
        sql(
            db,
            &["DELETE FROM _sqlx_migrations WHERE version = (SELECT max(version) FROM _sqlx_migrations)"],
        );
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let v: i64 = rt.block_on(async {
            let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(db);
            let pool = sqlx::sqlite::SqlitePoolOptions::new().connect_with(opts).await.unwrap();
            sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations").fetch_one(&pool).await.unwrap()
        });
        manifest["schema_version"] = v.into();
    });

    let live = db_with_entries(dir.path(), "live.db", 1);
    let before = std::fs::read(&live).unwrap();
    let out = wagner(&live, &["restore", bad.to_str().unwrap(), "--yes"]);
    assert_ne!(out.status.code(), Some(0));
    let err = text(&out.stderr);
    assert!(err.contains("bad.zip"), "the message names the backup: {err}");
    assert!(err.contains("nothing was changed"), "{err}");
    assert_eq!(std::fs::read(&live).unwrap(), before, "the live database is byte for byte the old one");
    assert!(healthy(&live));
    assert_eq!(entry_count(&live), Some(1));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".wagner-staging-"))
        .collect();
    assert!(leftovers.is_empty(), "the staging folder is removed: {leftovers:?}");

    // A garbage database in a backup is named as the backup's.
    let garbage = dir.path().join("garbage.zip");
    tamper(&good, &garbage, |db, _| {
        std::fs::write(db, b"not a database at all, just text".repeat(200)).unwrap()
    });
    let out = wagner(&live, &["restore", garbage.to_str().unwrap(), "--yes"]);
    let err = text(&out.stderr);
    assert!(err.contains("garbage.zip") && err.matches("not a database").count() <= 1, "{err}");
    assert_eq!(entry_count(&live), Some(1));
}

#[test]
fn restores_in_the_same_second_keep_every_safety_copy() {
    let dir = tempfile::tempdir().unwrap();
    let source = db_with_entries(dir.path(), "source.db", 3);
    let zip = dir.path().join("b.zip");
    backup(&source, &zip);
    let live = db_with_entries(dir.path(), "live.db", 1);
    for _ in 0..2 {
        let out = wagner(&live, &["restore", zip.to_str().unwrap(), "--yes"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(text(&out.stdout).contains("before-restore"), "the message says where the old one is");
    }
    let copies: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("live.db.before-restore-"))
        .collect();
    assert_eq!(copies.len(), 2, "{copies:?}");
    let counts: Vec<Option<usize>> = copies.iter().map(|c| entry_count(c)).collect();
    assert!(counts.contains(&Some(1)), "the original database survives: {counts:?}");
    assert_eq!(entry_count(&live), Some(3));
}

#[test]
fn a_zero_byte_attachment_is_replaced_by_restore_and_flagged_by_db_check() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let source = db_with_entries(&data, "w.db", 0);
    let photo = "tests/fixtures/attachments/plate.png";
    let out = wagner(&source, &["log", "--no-process", "--attach", photo, "lunch"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(healthy(&source));
    let zip = dir.path().join("b.zip");
    backup(&source, &zip);
    // A killed copy used to leave this; later restores skipped it and db check called it healthy.
    let stored: Vec<String> =
        walk(&data.join("attachments"), &data).into_iter().filter(|p| !p.contains("thumbnails")).collect();
    assert!(!stored.is_empty());
    std::fs::write(data.join(&stored[0]), b"").unwrap();
    let check = wagner(&source, &["db", "check"]);
    assert!(!check.status.success(), "a 0-byte attachment is damage");
    assert!(text(&check.stdout).contains("damaged"), "{}", text(&check.stdout));

    let out = wagner(&source, &["restore", zip.to_str().unwrap(), "--yes"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(std::fs::metadata(data.join(&stored[0])).unwrap().len() > 0);
    assert!(healthy(&source), "{}", text(&wagner(&source, &["db", "check"]).stdout));
}

#[test]
fn a_zip_bomb_is_refused_before_it_is_unpacked() {
    let dir = tempfile::tempdir().unwrap();
    let source = db_with_entries(dir.path(), "source.db", 1);
    let good = dir.path().join("good.zip");
    backup(&source, &good);
    let bomb = dir.path().join("bomb.zip");
    {
        let mut zip = zip::ZipArchive::new(std::fs::File::open(&good).unwrap()).unwrap();
        let mut out = zip::ZipWriter::new(std::fs::File::create(&bomb).unwrap());
        for i in 0..zip.len() {
            let f = zip.by_index_raw(i).unwrap();
            out.raw_copy_file(f).unwrap();
        }
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(9))
            .large_file(true);
        out.start_file("attachments/zz/bomb.jpg", opts).unwrap();
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..64 {
            std::io::Write::write_all(&mut out, &zeros).unwrap();
        }
        out.finish().unwrap();
    }
    let added = std::fs::metadata(&bomb).unwrap().len() - std::fs::metadata(&good).unwrap().len();
    assert!(added < 2 << 20, "64 MB of zeros add {added} bytes");
    let live = db_with_entries(dir.path(), "live.db", 2);
    let out = wagner(&live, &["restore", bomb.to_str().unwrap(), "--yes"]);
    assert_eq!(out.status.code().map(|c| c != 0), Some(true));
    let err = text(&out.stderr);
    assert!(err.contains("bomb") || err.contains("attachments"), "{err}");
    assert_eq!(entry_count(&live), Some(2));
}

/// How many times `syscall` runs during a restore, traced without injection.
fn strace_available() -> bool {
    Command::new("strace").arg("-V").output().is_ok_and(|o| o.status.success())
}

#[test]
fn a_restore_killed_at_any_write_rename_or_fsync_leaves_the_old_or_the_new_database_whole() {
    if !strace_available() {
        panic!(
            "strace is needed for the restore crash test (apt-get install strace; scripts/setup.sh installs it)"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let source = db_with_entries(dir.path(), "source.db", 3);
    let zip = dir.path().join("new.zip");
    backup(&source, &zip);
    let template = db_with_entries(dir.path(), "old.db", 1);

    let mut trials = 0;
    let mut killed = 0;
    let mut outcomes = std::collections::BTreeMap::new();
    for syscall in ["rename", "link", "fsync", "fdatasync", "write", "pwrite64", "unlink"] {
        let mut n = 1u32;
        loop {
            let trial = dir.path().join(format!("t-{syscall}-{n}"));
            std::fs::create_dir(&trial).unwrap();
            let live = trial.join("w.db");
            std::fs::copy(&template, &live).unwrap();
            let out = Command::new("strace")
                .args(["-f", "-qq", "-o", "/dev/null", "-e"])
                .arg(format!("trace={syscall}"))
                .arg("-e")
                .arg(format!("inject={syscall}:signal=SIGKILL:when={n}"))
                .arg(env!("CARGO_BIN_EXE_wagner"))
                .arg("--db")
                .arg(&live)
                .args(["restore", zip.to_str().unwrap(), "--yes"])
                .env_remove("WAGNER_DB")
                .output()
                .unwrap();
            trials += 1;
            let finished = out.status.success();
            if !finished {
                killed += 1;
            }
            // Whatever happened: the live path holds the old (1 entry) or the new (3) database, healthy.
            let count = entry_count(&live);
            assert!(
                matches!(count, Some(1) | Some(3)),
                "{syscall} #{n}: found {count:?} entries; restore said {}",
                text(&out.stderr)
            );
            assert!(healthy(&live), "{syscall} #{n}: {}", text(&wagner(&live, &["db", "check"]).stdout));
            *outcomes.entry((syscall, count.unwrap())).or_insert(0) += 1;
            // The next start removed what the killed restore left.
            let left: Vec<_> = std::fs::read_dir(&trial)
                .unwrap()
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with(".wagner-staging-") || n.ends_with(".part"))
                .collect();
            assert!(left.is_empty(), "{syscall} #{n}: leftovers {left:?}");
            std::fs::remove_dir_all(&trial).unwrap();
            if finished {
                break;
            }
            // Every rename/fsync/link; writes are many, so a spread of them.
            n = if matches!(syscall, "write" | "pwrite64") { n * 2 + 1 } else { n + 1 };
            if n > 4000 {
                break;
            }
        }
    }
    eprintln!("{trials} restore trials, {killed} killed: {outcomes:?}");
    assert!(killed >= 10, "the injection killed restores: {outcomes:?}");
    assert!(outcomes.keys().any(|(_, c)| *c == 1) && outcomes.keys().any(|(_, c)| *c == 3), "{outcomes:?}");
}
