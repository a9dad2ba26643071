//! An entry is read once: several `wagner` processes logging and processing
//! the same file at once never store an entry's meal twice, and a claim left
//! by a killed process is taken over by the next command.

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

fn sqlite(db: &Path) -> rusqlite_free::Conn {
    rusqlite_free::Conn(db.to_path_buf())
}

/// A tiny query helper over the core's own pool (no second SQLite binding).
mod rusqlite_free {
    use std::path::PathBuf;
    pub struct Conn(pub PathBuf);
    impl Conn {
        pub fn rt() -> tokio::runtime::Runtime {
            tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
        }
        pub fn scalar(&self, sql: &str) -> i64 {
            Self::rt().block_on(async {
                let store = wagner::Store::open(&self.0).await.unwrap();
                sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.to_string()))
                    .fetch_one(store.pool())
                    .await
                    .unwrap()
            })
        }
        pub fn exec(&self, sql: &str, binds: &[&str]) {
            Self::rt().block_on(async {
                let store = wagner::Store::open(&self.0).await.unwrap();
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.to_string()));
                for b in binds {
                    q = q.bind(b.to_string());
                }
                q.execute(store.pool()).await.unwrap();
            })
        }
    }
}

#[test]
fn processes_logging_and_processing_at_once_read_every_entry_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    assert!(wagner(&db, &["init", "--time-zone", "UTC"]).status.success());

    // Two loggers that also process, one logger that only stores, and two
    // `entries process` loops: the old recovery reset what the others were reading.
    let bin = env!("CARGO_BIN_EXE_wagner");
    let script = |body: &str| {
        Command::new("sh")
            .arg("-c")
            .arg(body)
            .env("W", bin)
            .env("DB", &db)
            .env_remove("WAGNER_DB")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    let per = 12;
    let mut children = vec![
        script(&format!("for i in $(seq {per}); do \"$W\" --db \"$DB\" log \"2 eggs\"; done")),
        script(&format!("for i in $(seq {per}); do \"$W\" --db \"$DB\" log \"1 banana\"; done")),
        script(&format!("for i in $(seq {per}); do \"$W\" --db \"$DB\" log --no-process \"1 apple\"; done")),
    ];
    for _ in 0..2 {
        children
            .push(script(&format!("for i in $(seq {per}); do \"$W\" --db \"$DB\" entries process; done")));
    }
    for mut c in children {
        c.wait().unwrap();
    }
    // What the loops left pending is read now.
    let last = wagner(&db, &["entries", "process"]);
    assert!(last.status.code().is_some(), "{last:?}");

    let conn = sqlite(&db);
    assert_eq!(conn.scalar("SELECT count(*) FROM quick_entry_logs"), 3 * per as i64);
    assert_eq!(
        conn.scalar("SELECT count(*) FROM quick_entry_logs WHERE processing_status = 'processing'"),
        0,
        "no entry is left claimed"
    );
    let twice = conn.scalar(
        "SELECT count(*) FROM (SELECT quick_entry_log_id FROM meal_logs GROUP BY quick_entry_log_id HAVING count(*) > 1)",
    );
    assert_eq!(twice, 0, "an entry's meal was stored more than once");
    let read = conn.scalar("SELECT count(DISTINCT quick_entry_log_id) FROM meal_logs");
    let completed = conn.scalar(
        "SELECT count(*) FROM quick_entry_logs WHERE processing_status IN ('completed', 'needs_review') AND contains_meal = 1",
    );
    assert_eq!(read, completed, "every read entry has exactly its meal");
    assert_eq!(
        conn.scalar("SELECT count(*) FROM quick_entry_logs WHERE processing_status IN ('pending', 'failed')"),
        0,
        "every entry was read"
    );
}

#[test]
fn a_claim_left_by_a_killed_process_is_taken_over_and_a_live_one_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    assert!(wagner(&db, &["init", "--time-zone", "UTC"]).status.success());
    let ids: Vec<String> = (0..3)
        .map(|i| {
            let out = wagner(&db, &["--json", "log", "--no-process", &format!("{} eggs", i + 1)]);
            assert!(out.status.success());
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            v["id"].as_str().unwrap().to_string()
        })
        .collect();
    let conn = sqlite(&db);
    let now = wagner::clock::now_db();
    // 0: a `log` that was killed (its pid is gone); 1: a live reader (this test
    // process, claimed just now); 2: a live reader that hung an hour ago.
    let me = wagner::quick_entry::claim::owner_id();
    let host = me.split_once('@').unwrap().1.rsplit_once(':').unwrap().0.to_string();
    let dead = format!("{}@{host}:1", i32::MAX);
    let hour_ago = wagner::clock::to_db(wagner::clock::now() - chrono::Duration::hours(1));
    for (id, owner, at) in
        [(&ids[0], dead.as_str(), now.as_str()), (&ids[1], me, now.as_str()), (&ids[2], me, &hour_ago)]
    {
        conn.exec(
            "UPDATE quick_entry_logs SET processing_status = 'processing', claimed_by = ?, claimed_at = ? WHERE id = ?",
            &[owner, at, id],
        );
    }

    // The live claim refuses retry and edit with a message that does not send the user in circles.
    let retry = wagner(&db, &["entries", "retry", &ids[1]]);
    assert_eq!(retry.status.code(), Some(1));
    let edit = wagner(&db, &["entries", "edit", &ids[1], "4 eggs"]);
    assert!(String::from_utf8_lossy(&edit.stderr).contains("being processed"), "{edit:?}");

    // A claim an hour old is taken over by edit; the next `log` picks up the killed one.
    let edit = wagner(&db, &["entries", "edit", &ids[2], "3 eggs"]);
    assert!(edit.status.success(), "a stale claim is taken over by edit: {edit:?}");
    let log = wagner(&db, &["log", "1 banana"]);
    assert!(log.status.success(), "{log:?}");
    let status = |id: &str| {
        let out = wagner(&db, &["--json", "entries", "--limit", "50"]);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v.as_array().unwrap().iter().find(|e| e["id"] == id).unwrap()["processing_status"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_ne!(status(&ids[0]), "processing", "the killed log's entry was read by the next command");
    assert_eq!(status(&ids[1]), "processing", "a live reader keeps its entry");
    assert_eq!(status(&ids[2]), "completed");
    assert_eq!(
        conn.scalar(
            "SELECT count(*) FROM (SELECT 1 FROM meal_logs GROUP BY quick_entry_log_id HAVING count(*) > 1)"
        ),
        0
    );
}
