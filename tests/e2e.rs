//! End-to-end: the real desktop window, driven through WebDriver
//! (tauri-driver + WebKitWebDriver) under a virtual display.
//!
//! Needs the debug desktop build and tauri-driver, so it is `#[ignore]`d in a
//! plain `cargo test`; `scripts/test.sh` builds both and runs it with
//! `--ignored` under `xvfb-run`.

#![cfg(unix)]

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use wagner::{Store, dashboard, profile};

struct Driver {
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

fn desktop_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("WAGNER_DESKTOP_BIN") {
        return PathBuf::from(path);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("debug").join("wagner-desktop")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// Starts tauri-driver with the app's database pointed at `db`.
async fn start_driver(db: &Path) -> Driver {
    assert!(
        std::env::var_os("DISPLAY").is_some(),
        "E2E needs a display: run under xvfb-run (scripts/test.sh does)"
    );
    let port = free_port();
    let native_port = free_port();
    let child = Command::new("tauri-driver")
        .process_group(0)
        .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
        .env("WAGNER_DB", db)
        // Debug builds then accept a simulated file drop (src-tauri/src/e2e_hooks.rs).
        .env("WAGNER_E2E_HOOKS", "1")
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

async fn open_window(driver: &Driver) -> Client {
    let binary = desktop_binary();
    assert!(binary.exists(), "desktop build missing at {} (cargo build -p wagner-desktop)", binary.display());
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), json!("wry"));
    caps.insert("tauri:options".into(), json!({ "application": binary }));
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("a WebDriver session with the app");
    client
        .update_timeouts(fantoccini::wd::TimeoutConfiguration::new(None, None, Some(Duration::from_secs(10))))
        .await
        .expect("setting an implicit wait");
    client
}

async fn testid(client: &Client, id: &str) -> fantoccini::elements::Element {
    client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(&format!("[data-testid='{id}']")))
        .await
        .unwrap_or_else(|e| panic!("element [data-testid={id}] did not appear: {e}"))
}

async fn save_screenshot(client: &Client, name: &str) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("e2e-screenshots");
    let _ = std::fs::create_dir_all(&dir);
    if let Ok(png) = client.screenshot().await {
        let _ = std::fs::write(dir.join(format!("{name}.png")), png);
    }
}

/// The digits of a number as shown, whatever grouping the system locale uses.
fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

#[tokio::test]
#[ignore = "drives the real window: run by scripts/test.sh under xvfb-run"]
async fn first_launch_offers_the_demo_and_today_shows_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("wagner.db");
    let driver = start_driver(&db).await;
    let client = open_window(&driver).await;

    testid(&client, "welcome").await;
    save_screenshot(&client, "welcome").await;
    testid(&client, "load-demo").await.click().await.unwrap();
    testid(&client, "today-page").await;
    // The program card appears once Today's data has rendered.
    let program = testid(&client, "program-day").await.text().await.unwrap();
    save_screenshot(&client, "today-demo").await;

    // The window must show what the core computes for the same database.
    let store = Store::open(&db).await.unwrap();
    let me = profile::require_default(&store).await.unwrap();
    let today = dashboard::day(&store, &me, dashboard::today_for(&me)).await.unwrap();
    let day = today.program.as_ref().expect("the demo has an active program");
    assert!(program.contains(&format!("Day {} of 84", day.day_number)), "program card: {program:?}");

    let weight = testid(&client, "today-weight").await.text().await.unwrap();
    let kg = today.body.as_ref().and_then(|b| b.weight_kg).expect("the demo has weigh-ins");
    assert!(weight.contains(&format!("{kg:.1}")), "weight card {weight:?} should show {kg:.1}");

    let calories = testid(&client, "today-calories").await.text().await.unwrap();
    let eaten = (today.nutrition.calories.round() as i64).to_string();
    assert_eq!(digits(&calories), eaten, "calories card {calories:?} should show {eaten} kcal eaten");

    let activity_rows = client.find_all(Locator::Css("[data-testid='activity-row']")).await.unwrap();
    assert!(!activity_rows.is_empty(), "recent activities are listed");
    let meal_rows = client.find_all(Locator::Css("[data-testid='meal-row']")).await.unwrap();
    assert_eq!(meal_rows.len(), today.nutrition.meals.len(), "one row per meal eaten today");

    client.close().await.unwrap();
}

#[tokio::test]
#[ignore = "drives the real window: run by scripts/test.sh under xvfb-run"]
async fn an_entry_typed_in_the_window_is_saved_and_listed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("wagner.db");
    {
        let store = Store::open(&db).await.unwrap();
        wagner::demo::load(&store, chrono::Utc::now(), None).await.unwrap();
        store.close().await;
    }
    let driver = start_driver(&db).await;
    let client = open_window(&driver).await;
    testid(&client, "today-page").await;

    let input = testid(&client, "quick-entry-input").await;
    input.send_keys("2 eggs and toast").await.unwrap();
    testid(&client, "quick-entry-submit").await.click().await.unwrap();
    let status = testid(&client, "quick-entry-status").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while !status.text().await.unwrap_or_default().to_lowercase().contains("saved") {
        assert!(Instant::now() < deadline, "no 'saved' status after submitting");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Listed on Today, and stored as a pending raw entry.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let rows = client.find_all(Locator::Css("[data-testid='entry-row']")).await.unwrap();
        let mut texts = Vec::new();
        for row in rows {
            texts.push(row.text().await.unwrap_or_default());
        }
        if texts.iter().any(|t| t.contains("2 eggs and toast")) {
            break;
        }
        assert!(Instant::now() < deadline, "entry not listed on Today: {texts:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    save_screenshot(&client, "today-after-entry").await;

    // Stored, read offline into a meal, and that meal is on Today.
    let store = Store::open(&db).await.unwrap();
    let me = profile::require_default(&store).await.unwrap();
    let entries = wagner::quick_entry::list(&store, &me.id, None, 1).await.unwrap();
    assert_eq!(entries[0].raw_text.as_deref(), Some("2 eggs and toast"));
    assert_eq!(entries[0].processing_status, wagner::quick_entry::ProcessingStatus::Completed);
    let today = dashboard::day(&store, &me, dashboard::today_for(&me)).await.unwrap();
    let meals_now = today.nutrition.meals.len();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let rows = client.find_all(Locator::Css("[data-testid='meal-row']")).await.unwrap();
        let mut texts = Vec::new();
        for row in &rows {
            // textContent: WebKit's rendered text leaves out ellipsized cells.
            texts.push(row.prop("textContent").await.ok().flatten().unwrap_or_default());
        }
        if rows.len() == meals_now && texts.iter().any(|t| t.contains("eggs")) {
            break;
        }
        assert!(Instant::now() < deadline, "the new meal is not on Today: {texts:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    client.close().await.unwrap();
}

fn activity_fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/activities").join(rel)
}

/// A database with the demo loaded, so the window opens on Today.
async fn demo_db(dir: &Path) -> PathBuf {
    let db = dir.join("wagner.db");
    let store = Store::open(&db).await.unwrap();
    wagner::demo::load(&store, chrono::Utc::now(), None).await.unwrap();
    store.close().await;
    db
}

/// Waits until `count` elements match `css` and returns their text content.
async fn wait_for_rows(client: &Client, css: &str, count: usize) -> Vec<String> {
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

#[tokio::test]
#[ignore = "drives the real window: run by scripts/test.sh under xvfb-run"]
async fn a_file_picked_in_the_window_imports_and_opens_with_laps_chart_and_route() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path()).await;
    let driver = start_driver(&db).await;
    let client = open_window(&driver).await;
    testid(&client, "today-page").await;
    testid(&client, "nav-activities").await.click().await.unwrap();
    testid(&client, "activities-page").await;

    let run = activity_fixture("tcx/20210119_run_garmin_fenix6.tcx.gz");
    // WebDriver hands a path to a file input as if the user had picked it.
    testid(&client, "import-input").await.send_keys(&run.display().to_string()).await.unwrap();
    let rows = wait_for_rows(&client, "[data-testid='import-result-row'][data-outcome='imported']", 1).await;
    assert!(rows[0].contains("20210119_run_garmin_fenix6.tcx.gz"), "result row: {rows:?}");
    let status = testid(&client, "import-status").await.text().await.unwrap();
    assert!(status.contains("1 imported"), "status: {status:?}");
    let progress = testid(&client, "import-progress").await;
    assert_eq!(progress.attr("value").await.unwrap().as_deref(), Some("1"));
    save_screenshot(&client, "activities-after-import").await;

    // What the core stored for that file is what the detail page must show.
    let store = Store::open(&db).await.unwrap();
    let me = profile::require_default(&store).await.unwrap();
    let filter = wagner::activities::view::ActivityFilter {
        from: Some("2021-01-19".into()),
        to: Some("2021-01-20".into()),
        ..Default::default()
    };
    let found = wagner::activities::view::search(&store, &me.id, &filter).await.unwrap();
    assert_eq!(found.len(), 1, "the run is stored once");
    let view = wagner::activities::charts::activity_view(&store, &me.id, &found[0].id).await.unwrap();
    let laps = view.detail.segments.iter().filter(|s| s.segment_type == "lap").count();
    assert!(laps > 0);

    client.find(Locator::Css("[data-testid='import-result-row'] a")).await.unwrap().click().await.unwrap();
    testid(&client, "activity-detail").await;
    let name = testid(&client, "activity-name").await.text().await.unwrap();
    assert_eq!(name, found[0].name);
    let lap_rows = wait_for_rows(&client, "[data-testid='activity-laps-row']", laps).await;
    assert_eq!(lap_rows.len(), laps, "one row per lap");
    let chart = testid(&client, "activity-chart-hr").await;
    chart.find(Locator::Css("canvas")).await.expect("the heart-rate chart is drawn");
    let route = testid(&client, "activity-route").await;
    let path = route.find(Locator::Css("path")).await.unwrap().attr("d").await.unwrap().unwrap_or_default();
    let segments = path.matches('L').count();
    assert_eq!(segments + 1, view.charts.route.len(), "the route is drawn through every position sent");
    // Scroll through the page for the screenshots.
    save_screenshot(&client, "activity-detail-top").await;
    for (section, shot) in
        [("activity-chart-pace", "activity-detail-charts"), ("card-route", "activity-detail-route-laps")]
    {
        let script = format!(
            "const m = document.getElementById('main'); \
             const top = document.querySelector(\"[data-testid='{section}']\").getBoundingClientRect().top; \
             m.scrollTop += top - m.getBoundingClientRect().top - 20;"
        );
        client.execute(&script, vec![]).await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        save_screenshot(&client, shot).await;
    }

    client.close().await.unwrap();
}

#[tokio::test]
#[ignore = "drives the real window: run by scripts/test.sh under xvfb-run"]
async fn files_and_folders_dropped_on_the_window_are_imported() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path()).await;
    let driver = start_driver(&db).await;
    let client = open_window(&driver).await;
    testid(&client, "today-page").await;
    // The drop listener is registered once the shell is up.
    client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("html[data-drop-ready='true']"))
        .await
        .expect("the window listens for drops");

    // WebDriver cannot drop files natively: the debug build's hook emits
    // Tauri's own `tauri://drag-drop` event with these real paths.
    let paths = [activity_fixture("tcx"), activity_fixture("fit/hrv-activity.fit")];
    let paths: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    client
        .execute(
            "window.__TAURI_INTERNALS__.invoke('plugin:event|emit', \
             { event: 'wagner-e2e://simulate-drop', payload: { paths: arguments[0] } });",
            vec![json!(paths)],
        )
        .await
        .unwrap();

    // The drop opens Activities and imports the folder's three files and the FIT file.
    testid(&client, "activities-page").await;
    let rows = wait_for_rows(&client, "[data-testid='import-result-row'][data-outcome='imported']", 4).await;
    for name in ["20210119_run_garmin_fenix6.tcx.gz", "20210323_yoga.tcx", "hrv-activity.fit"] {
        assert!(rows.iter().any(|r| r.contains(name)), "{name} in {rows:?}");
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let status = testid(&client, "import-status").await.text().await.unwrap();
        if status.contains("4 imported") {
            break;
        }
        assert!(Instant::now() < deadline, "status: {status:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let progress = testid(&client, "import-progress").await;
    assert_eq!(progress.attr("max").await.unwrap().as_deref(), Some("4"));
    assert_eq!(progress.attr("value").await.unwrap().as_deref(), Some("4"));
    // The fitness chart is drawn for the imported history.
    testid(&client, "fitness-chart")
        .await
        .find(Locator::Css("canvas"))
        .await
        .expect("the fitness chart is drawn");
    // And the list shows them.
    let listed = wait_for_rows(&client, "[data-testid='activity-row']", 4).await;
    assert!(listed.iter().any(|r| r.contains("Evening Ride") || r.contains("Afternoon Ride")), "{listed:?}");
    save_screenshot(&client, "activities-after-drop").await;

    let store = Store::open(&db).await.unwrap();
    let me = profile::require_default(&store).await.unwrap();
    let filter = wagner::activities::view::ActivityFilter {
        from: Some("2021-01-01".into()),
        to: Some("2022-12-31".into()),
        ..Default::default()
    };
    let stored = wagner::activities::view::search(&store, &me.id, &filter).await.unwrap();
    assert_eq!(stored.len(), 4, "every dropped activity is stored: {stored:#?}");

    client.close().await.unwrap();
}
