//! A provider that echoes the API key in its error body: the key is never
//! stored, exported or printed, and the user is told the provider failed
//! and the offline reader was used.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use std::path::Path;
use std::process::{Command, Output};

use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "sk-local-TOPSECRET-0123456789";

fn wagner(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wagner"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("WAGNER_DB")
        .env("WAGNER_LOCAL_API_KEY", KEY)
        .env("WAGNER_SECRETS", "file")
        .output()
        .expect("running wagner")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn files_containing(dir: &Path, needle: &str) -> Vec<String> {
    let mut hits = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            hits.extend(files_containing(&p, needle));
        } else if std::fs::read(&p).is_ok_and(|b| b.windows(needle.len()).any(|w| w == needle.as_bytes())) {
            hits.push(p.display().to_string());
        }
    }
    hits
}

#[test]
fn an_echoed_key_is_redacted_everywhere_and_the_fallback_is_announced() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let server = rt.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(401).set_body_string(format!(
                r#"{{"error":{{"message":"Incorrect API key provided: {KEY}. Authorization: Bearer {KEY}"}}}}"#
            )))
            .mount(&server)
            .await;
        server
    });
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    assert!(wagner(&db, &["init", "--time-zone", "UTC"]).status.success());
    let set = wagner(
        &db,
        &[
            "ai",
            "set",
            "--provider",
            "openai_compatible",
            "--model",
            "m",
            "--base-url",
            &format!("{}/v1", server.uri()),
        ],
    );
    assert!(set.status.success(), "{}", text(&set.stderr));

    let log = wagner(&db, &["log", "2 eggs"]);
    let (out, err) = (text(&log.stdout), text(&log.stderr));
    assert!(log.status.success(), "{err}");
    assert!(err.contains("AI provider failed") && err.contains("offline parser"), "the user is told: {err}");
    assert!(!out.contains(KEY) && !err.contains(KEY), "{out}{err}");
    assert!(err.contains("[redacted]"), "{err}");

    // Not in the database file, its exports or its backups.
    let export = dir.path().join("export");
    assert!(wagner(&db, &["export", export.to_str().unwrap()]).status.success());
    let backup = dir.path().join("b.zip");
    assert!(wagner(&db, &["backup", backup.to_str().unwrap()]).status.success());
    let hits = files_containing(dir.path(), KEY);
    assert!(hits.is_empty(), "the key was written to {hits:?}");
    let listed = wagner(&db, &["--json", "entries"]);
    assert!(!text(&listed.stdout).contains(KEY));
    drop(server);
}
