//! Secrets that last: a key saved by one process is read by the next one —
//! through a real Secret Service (gnome-keyring-daemon on a private D-Bus
//! session, its login keyring on disk, the daemon itself restarted in
//! between, as at a reboot) and through the private file fallback. Keys an
//! older version left in the kernel's keyutils are moved on start.
//!
//! The processes are this test binary again, running the ignored `child`
//! test with what to do in its environment.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test
mod support;

use std::path::Path;
use std::process::Command;

use wagner::Store;
use wagner::integrations::secrets::{self, Secrets};

const OP: &str = "WAGNER_TEST_SECRET_OP";
const NAME: &str = "ai-groq-api-key";

/// One process's part: open the database (which moves keyutils keys), then
/// `set` or `get` the key and say which store was used.
#[test]
#[ignore = "run as a child process by the tests below"]
fn child() {
    let Ok(op) = std::env::var(OP) else { return };
    let db = std::env::var("WAGNER_TEST_SECRET_DB").unwrap();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let store = Store::open(Path::new(&db)).await.unwrap();
        secrets::on_start(&store).await;
        let found = Secrets::detect(&store);
        println!("BACKEND={}", if matches!(found, Secrets::Keyring) { "keyring" } else { "file" });
        match op.as_str() {
            "set" => {
                wagner::ai::keys::save(&store, wagner::ai::ProviderKind::Groq, Some("gsk-lasting-key-1"))
                    .unwrap()
            }
            "get" => {
                let got = found.get(NAME).unwrap();
                println!("VALUE={}", got.as_ref().map(|s| s.expose()).unwrap_or("<none>"));
            }
            "old" => {
                // What an older version did: the key only in keyutils.
                secrets::keyutils::put_like_before(NAME, "gsk-from-keyutils").unwrap();
                println!("OLD={}", secrets::keyutils::get(NAME).unwrap_or_default());
            }
            "keyutils" => {
                println!("KEYUTILS={}", secrets::keyutils::get(NAME).unwrap_or_else(|| "<none>".into()))
            }
            other => panic!("unknown op {other}"),
        }
    });
}

struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("run")).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir.path().join("run"), std::fs::Permissions::from_mode(0o700)).unwrap();
        }
        Home { dir }
    }
    fn db(&self) -> std::path::PathBuf {
        self.dir.path().join("data/wagner.db")
    }
}

/// This test binary running `child` with `op`; under `wrap` (a shell
/// command line that runs "$@") when given. Returns the lines it printed.
fn run(home: &Home, op: &str, backend: Option<&str>, wrap: Option<&str>) -> Vec<String> {
    let me = std::env::current_exe().unwrap();
    let args = ["--exact", "child", "--ignored", "--nocapture", "--test-threads=1", "--quiet"];
    let mut cmd = match wrap {
        Some(script) => {
            let mut c = Command::new("dbus-run-session");
            c.args(["--", "sh", "-c", script, "sh"]).arg(&me).args(args);
            c
        }
        None => {
            let mut c = Command::new(&me);
            c.args(args);
            c
        }
    };
    cmd.env(OP, op)
        .env("WAGNER_TEST_SECRET_DB", home.db())
        .env("HOME", home.dir.path())
        .env("XDG_DATA_HOME", home.dir.path().join("share"))
        .env("XDG_RUNTIME_DIR", home.dir.path().join("run"))
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env_remove("DISPLAY")
        .env_remove("GROQ_API_KEY");
    match backend {
        Some(b) => cmd.env(secrets::BACKEND_ENV, b),
        None => cmd.env_remove(secrets::BACKEND_ENV),
    };
    let out = cmd.output().expect("running the child process");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "child {op} failed: {stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    stdout.lines().filter(|l| l.contains('=')).map(str::to_string).collect()
}

fn value(lines: &[String], key: &str) -> String {
    lines
        .iter()
        .find_map(|l| l.strip_prefix(&format!("{key}=")))
        .unwrap_or_else(|| panic!("no {key} in {lines:?}"))
        .to_string()
}

/// A session bus with gnome-keyring's Secret Service, its login keyring
/// unlocked with a password (as a desktop login does), then "$@".
const WITH_KEYRING: &str = "printf '%s' 'login-password' | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec \"$@\"";

fn have(tool: &str) -> bool {
    Command::new("sh").args(["-c", &format!("command -v {tool}")]).output().is_ok_and(|o| o.status.success())
}

#[test]
fn a_key_saved_in_the_secret_service_is_read_by_the_next_process_after_the_daemon_restarts() {
    if !(have("dbus-run-session") && have("gnome-keyring-daemon")) {
        assert!(
            std::env::var("WAGNER_REQUIRE_KEYRING").is_err(),
            "gnome-keyring and dbus are needed (scripts/setup.sh installs them)"
        );
        eprintln!("skipped: no dbus-run-session or gnome-keyring-daemon");
        return;
    }
    let home = Home::new();
    let saved = run(&home, "set", None, Some(WITH_KEYRING));
    assert_eq!(value(&saved, "BACKEND"), "keyring", "with a Secret Service running, it is the store");
    assert!(!home.dir.path().join("data").join(secrets::FILE_NAME).exists(), "nothing went to the file");
    // A new session bus and a new daemon: only the keyring file on disk is left.
    let read = run(&home, "get", None, Some(WITH_KEYRING));
    assert_eq!(value(&read, "VALUE"), "gsk-lasting-key-1");
    let keyrings = std::fs::read_dir(home.dir.path().join("share/keyrings")).unwrap().count();
    assert!(keyrings >= 1, "the login keyring is a file on disk");
}

#[test]
fn without_a_secret_service_the_private_file_keeps_the_key_for_the_next_process() {
    let home = Home::new();
    // No session bus at all: no Secret Service.
    let saved = run(&home, "set", None, None);
    assert_eq!(value(&saved, "BACKEND"), "file");
    let file = home.dir.path().join("data").join(secrets::FILE_NAME);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let read = run(&home, "get", None, None);
    assert_eq!(value(&read, "VALUE"), "gsk-lasting-key-1");
    // Once the file holds secrets it stays the store, even with a keyring around.
    if have("dbus-run-session") && have("gnome-keyring-daemon") {
        let read = run(&home, "get", None, Some(WITH_KEYRING));
        assert_eq!(
            (value(&read, "BACKEND"), value(&read, "VALUE")),
            ("file".into(), "gsk-lasting-key-1".into())
        );
    }
}

#[test]
fn a_key_left_in_keyutils_moves_to_the_durable_store_on_start() {
    let home = Home::new();
    // The database must exist (with its profile list) before the old key is planted.
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let store = Store::open(&home.db()).await.unwrap();
        support::new_profile(&store, "Old", "UTC").await;
        store.close().await;
    });
    let planted = std::panic::catch_unwind(|| run(&home, "old", Some("file"), None));
    let Ok(planted) = planted else {
        eprintln!("skipped: this kernel or container gives no keyutils session keyring");
        return;
    };
    assert_eq!(value(&planted, "OLD"), "gsk-from-keyutils");
    // keyutils keys live in the session keyring, which the children share with this process.
    let read = run(&home, "get", None, None);
    assert_eq!(value(&read, "BACKEND"), "file");
    assert_eq!(value(&read, "VALUE"), "gsk-from-keyutils", "moved on start");
    assert_eq!(value(&run(&home, "keyutils", None, None), "KEYUTILS"), "<none>", "and gone from keyutils");
}
