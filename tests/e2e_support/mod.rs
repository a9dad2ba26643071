//! The E2E harness shared by every `tests/e2e*.rs` file: tauri-driver started
//! per test with its own database, a WebDriver session on the real window,
//! and waits that tolerate a busy 2-core machine.
#![allow(dead_code)] // each E2E file uses a different part of the harness

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use wagner::Store;

pub struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        // tauri-driver spawns WebKitWebDriver, which outlives a plain kill and
        // would keep the test's output pipes open: end the whole process group.
        let group = self.child.id() as libc::pid_t;
        // SAFETY: killpg only sends a signal to the group this test created.
        unsafe {
            libc::killpg(group, libc::SIGTERM);
        }
        std::thread::sleep(Duration::from_millis(300));
        unsafe {
            libc::killpg(group, libc::SIGKILL);
        }
        let _ = self.child.wait();
    }
}

pub fn desktop_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("WAGNER_DESKTOP_BIN") {
        return PathBuf::from(path);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("debug").join("wagner-desktop")
}

/// The instant the E2E suite runs at, unless `WAGNER_NOW` says another
/// (scripts/test-dates.sh): a Wednesday midday, so results never depend on
/// when the suite is run. The test process and every app or CLI it starts
/// share it and tick on together from there.
pub const E2E_NOW: &str = "2026-11-18T12:10:00Z";

/// Sets this test process's clock to the suite's instant (once).
pub fn fixed_clock() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let text = std::env::var("WAGNER_NOW").ok().filter(|v| !v.trim().is_empty());
        let text = text.as_deref().unwrap_or(E2E_NOW);
        let at = chrono::DateTime::parse_from_rfc3339(text.trim())
            .unwrap_or_else(|e| panic!("WAGNER_NOW={text:?} is not RFC 3339: {e}"))
            .with_timezone(&chrono::Utc);
        wagner::clock::set_ticking(at);
    });
}

/// `WAGNER_NOW` for a process started now (the app, the CLI): this process's
/// "now", so the two clocks agree to the millisecond.
pub fn now_env() -> String {
    fixed_clock();
    wagner::clock::to_db(wagner::clock::now())
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// Starts tauri-driver with the app's database pointed at `db`.
pub async fn start_driver(db: &Path) -> Driver {
    start_driver_env(db, &[]).await
}

/// [`start_driver`] with more environment for the app (e.g. `WAGNER_MEDIA_ROOTS`).
pub async fn start_driver_env(db: &Path, env: &[(&str, &Path)]) -> Driver {
    assert!(
        std::env::var_os("DISPLAY").is_some(),
        "E2E needs a display: run under xvfb-run (scripts/test.sh does)"
    );
    let port = free_port();
    let native_port = free_port();
    // The app inherits tauri-driver's environment (as it does WAGNER_DB).
    let now = now_env();
    let child = Command::new("tauri-driver")
        .process_group(0)
        .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
        .env("WAGNER_DB", db)
        .env("WAGNER_E2E_HOOKS", "1")
        .env("WAGNER_NOW", &now)
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("tauri-driver is installed (scripts/setup.sh installs it)");
    let driver = Driver { child, port };
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "tauri-driver did not listen on port {port}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    driver
}

pub async fn open_window(driver: &Driver) -> Client {
    let binary = desktop_binary();
    assert!(binary.exists(), "desktop build missing at {} (cargo build -p wagner-desktop)", binary.display());
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), json!("wry"));
    caps.insert("tauri:options".into(), json!({ "application": binary }));
    // On a busy machine tauri-driver sometimes drops the first session request
    // (IncompleteMessage) while WebKitWebDriver starts: try again a few times.
    let mut attempt = 0;
    let client = loop {
        attempt += 1;
        match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{}", driver.port))
            .await
        {
            Ok(client) => break client,
            Err(e) if attempt < 3 => {
                eprintln!("WebDriver session attempt {attempt} failed ({e}); retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            Err(e) => panic!("a WebDriver session with the app: {e}"),
        }
    };
    client
        .update_timeouts(fantoccini::wd::TimeoutConfiguration::new(None, None, Some(Duration::from_secs(10))))
        .await
        .expect("setting an implicit wait");
    client
}

pub async fn testid(client: &Client, id: &str) -> fantoccini::elements::Element {
    client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(&format!("[data-testid='{id}']")))
        .await
        .unwrap_or_else(|e| panic!("element [data-testid={id}] did not appear: {e}"))
}

pub async fn save_screenshot(client: &Client, name: &str) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("e2e-screenshots");
    let _ = std::fs::create_dir_all(&dir);
    if let Ok(png) = client.screenshot().await {
        let _ = std::fs::write(dir.join(format!("{name}.png")), png);
    }
}

/// The digits of a number as shown, whatever grouping the system locale uses.
pub fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

pub async fn count(client: &Client, id: &str) -> usize {
    client.find_all(Locator::Css(&format!("[data-testid='{id}']"))).await.map(|v| v.len()).unwrap_or(0)
}

pub async fn texts(client: &Client, id: &str) -> Vec<String> {
    let mut out = Vec::new();
    for el in client.find_all(Locator::Css(&format!("[data-testid='{id}']"))).await.unwrap_or_default() {
        // textContent: WebKit's rendered text leaves out ellipsized cells.
        out.push(el.prop("textContent").await.ok().flatten().unwrap_or_default());
    }
    out
}

/// Polls `check` until it passes, failing with `what` and the last state after 20 s
/// (the window may share a busy machine).
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(), String>>,
{
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        match check().await {
            Ok(()) => return,
            Err(state) => assert!(Instant::now() < deadline, "{what}: {state}"),
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

// ------------------------------------------------------------ quick entry in the window

/// A demo database: the window opens on Today.
pub async fn demo_db(dir: &Path) -> PathBuf {
    fixed_clock();
    let db = dir.join("wagner.db");
    let store = Store::open(&db).await.unwrap();
    wagner::demo::load(&store, wagner::clock::now(), None).await.unwrap();
    store.close().await;
    db
}

pub fn attachment_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/attachments").join(name)
}

/// The `textContent` of every element matching `css` (WebKit's rendered text
/// leaves out clipped and ellipsized parts).
pub async fn texts_css(client: &Client, css: &str) -> Vec<String> {
    let mut out = Vec::new();
    for el in client.find_all(Locator::Css(css)).await.unwrap_or_default() {
        out.push(el.prop("textContent").await.ok().flatten().unwrap_or_default());
    }
    out
}

/// Waits until the quick-entry status follows the saved entry to `state`
/// (`completed`, `failed`, `waiting`), and returns the status text.
pub async fn quick_entry_settles(client: &Client, state: &str) -> String {
    quick_entry_settles_within(client, state, Duration::from_secs(20)).await
}

/// `quick_entry_settles` with a longer guard, for entries read on this
/// computer by a slow step (a voice note transcribed by the debug build's
/// unoptimised model takes 15 s or more on two busy cores).
pub async fn quick_entry_settles_within(client: &Client, state: &str, guard: Duration) -> String {
    let status = testid(client, "quick-entry-status").await;
    let deadline = Instant::now() + guard;
    loop {
        let now = status.attr("data-entry-state").await.ok().flatten().unwrap_or_default();
        let text = status.prop("textContent").await.ok().flatten().unwrap_or_default();
        if now == state {
            return text;
        }
        assert!(Instant::now() < deadline, "quick entry status never became {state}: {now:?} {text:?}");
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

/// Picks `value` in a `<select>` the way a user does (clicking its option).
pub async fn choose(client: &Client, id: &str, value: &str) {
    testid(client, id).await.select_by_value(value).await.unwrap();
}

/// Waits until the Log page lists rows that satisfy `ok`; returns their texts and statuses.
pub async fn history_until(
    client: &Client,
    what: &str,
    ok: impl Fn(&[(String, String)]) -> bool,
) -> Vec<(String, String)> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let mut rows = Vec::new();
        for row in client.find_all(Locator::Css("[data-testid='history-row']")).await.unwrap_or_default() {
            let text = row.prop("textContent").await.ok().flatten().unwrap_or_default();
            let status = row.attr("data-status").await.ok().flatten().unwrap_or_default();
            rows.push((text, status));
        }
        if ok(&rows) {
            return rows;
        }
        assert!(Instant::now() < deadline, "Log page never showed {what}: {rows:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

// ------------------------------------------------------------ activities in the window

pub fn activity_fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/activities").join(rel)
}

/// Waits until `count` elements match `css` and returns their text content.
pub async fn wait_for_rows(client: &Client, css: &str, count: usize) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let rows = client.find_all(Locator::Css(css)).await.unwrap();
        let mut texts = Vec::new();
        for row in &rows {
            texts.push(row.prop("textContent").await.ok().flatten().unwrap_or_default());
        }
        if rows.len() >= count {
            return texts;
        }
        assert!(Instant::now() < deadline, "expected {count} of {css}, have {texts:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
