//! Hostile and impossible inputs, crafted at test time, through the real CLI
//! under a 1 GB address-space limit: no abort, a clear error or a warning,
//! no impossible number stored, the rest of a folder imported.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const AS_LIMIT: u64 = 1 << 30;

fn cmd(db: &Path, args: &[&str]) -> Command {
    // prlimit caps the address space: a decoder that tries to allocate past it
    // aborts at once (and fails the test) instead of eating the machine.
    let mut c = Command::new("prlimit");
    c.arg(format!("--as={AS_LIMIT}"))
        .arg("--")
        .arg(env!("CARGO_BIN_EXE_wagner"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("WAGNER_DB")
        .env("MALLOC_ARENA_MAX", "2");
    c
}

fn wagner(db: &Path, args: &[&str]) -> Output {
    cmd(db, args).output().expect("running wagner under prlimit")
}

fn wagner_stdin(db: &Path, args: &[&str], input: &str) -> Output {
    let mut child =
        cmd(db, args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Exit 0 or 1 (a user error), never a signal, a panic or an allocation failure.
fn clean(out: &Output) -> &Output {
    let err = text(&out.stderr);
    assert!(matches!(out.status.code(), Some(0 | 1)), "status {:?}: {err}", out.status);
    assert!(!err.contains("panicked") && !err.contains("memory allocation"), "{err}");
    out
}

fn init() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let out = wagner(&db, &["init", "--time-zone", "UTC"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    (dir, db)
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out.stdout)))
}

fn gpx(times: &[&str]) -> String {
    let pts: String = times
        .iter()
        .enumerate()
        .map(|(i, t)| {
            format!(r#"<trkpt lat="46.{i:04}" lon="14.{i:04}"><ele>300</ele><time>{t}</time></trkpt>"#)
        })
        .collect();
    format!(
        r#"<?xml version="1.0"?><gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1"><trk><type>running</type><trkseg>{pts}</trkseg></trk></gpx>"#
    )
}

fn tcx(lap_distance: &str, calories: &str, seconds: u32, end_distance: &str) -> String {
    format!(
        r#"<?xml version="1.0"?><TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"><Activities><Activity Sport="Running"><Id>2024-05-0{d}T10:00:00Z</Id><Lap StartTime="2024-05-0{d}T10:00:00Z"><TotalTimeSeconds>{seconds}</TotalTimeSeconds><DistanceMeters>{lap_distance}</DistanceMeters><Calories>{calories}</Calories><Track><Trackpoint><Time>2024-05-0{d}T10:00:00Z</Time><DistanceMeters>0</DistanceMeters><HeartRateBpm><Value>120</Value></HeartRateBpm></Trackpoint><Trackpoint><Time>2024-05-0{d}T10:{m:02}:00Z</Time><DistanceMeters>{end_distance}</DistanceMeters><HeartRateBpm><Value>130</Value></HeartRateBpm></Trackpoint></Track></Lap></Activity></Activities></TrainingCenterDatabase>"#,
        d = 1 + seconds % 7,
        m = (seconds / 60).min(59)
    )
}

fn activities(db: &Path) -> Vec<serde_json::Value> {
    let out = clean(&wagner(db, &["--json", "activities", "--limit", "100"])).clone();
    json(&out).as_array().cloned().unwrap_or_default()
}

#[test]
fn stray_timestamps_and_impossible_numbers_in_activity_files_are_dropped_not_stored() {
    let (dir, db) = init();
    let folder = dir.path().join("in");
    std::fs::create_dir(&folder).unwrap();
    // Year 9999 asked the per-second resampling for 2 TB; a 10-year gap for 2.4 GB.
    std::fs::write(
        folder.join("far-future.gpx"),
        gpx(&[
            "2024-05-01T10:00:00Z",
            "2024-05-01T10:00:10Z",
            "2024-05-01T10:00:20Z",
            "9999-12-31T23:59:59Z",
        ]),
    )
    .unwrap();
    std::fs::write(
        folder.join("ten-years.gpx"),
        gpx(&[
            "2024-06-01T10:00:00Z",
            "2024-06-01T10:00:10Z",
            "2024-06-01T10:00:20Z",
            "2034-06-01T10:00:00Z",
        ]),
    )
    .unwrap();
    std::fs::write(folder.join("huge.tcx"), tcx("1e308", "9223372036854775807", 600, "2000")).unwrap();
    // 10,000 km in one minute.
    std::fs::write(folder.join("teleport.tcx"), tcx("10000000", "300", 60, "10000000")).unwrap();
    std::fs::copy("tests/fixtures/activities/fit/garmin-fenix-5-bike.fit", folder.join("good.fit")).unwrap();

    let out = clean(&wagner(&db, &["import", folder.to_str().unwrap()])).clone();
    let said = text(&out.stdout) + &text(&out.stderr);
    assert!(said.contains("dropped"), "the warnings name what was dropped: {said}");
    assert!(said.contains("huge.tcx"), "the warning names the file: {said}");

    let all = activities(&db);
    assert_eq!(all.len(), 5, "every file imported what was sensible: {all:#?}");
    for a in &all {
        let distance = a["distance_meters"].as_f64().unwrap_or(0.0);
        let elapsed = a["elapsed_time_seconds"].as_f64().unwrap_or(0.0);
        assert!(distance <= 2_000_000.0, "{a}");
        assert!(elapsed <= 86_400.0, "stray points do not stretch the activity: {a}");
        if let Some(c) = a["calories"].as_f64() {
            assert!(c <= 30_000.0, "{a}");
        }
        if elapsed > 0.0 && distance > 0.0 {
            assert!(distance / elapsed < 40.0, "no 166,667 m/s run: {a}");
        }
    }
    let week = clean(&wagner(&db, &["week", "--date", "2024-05-01"])).clone();
    assert!(!text(&week.stdout).contains("0000000000"), "{}", text(&week.stdout));
}

#[test]
fn a_damaged_weight_scale_file_does_not_stop_a_folder_import() {
    let (dir, db) = init();
    let folder = dir.path().join("in");
    std::fs::create_dir(&folder).unwrap();
    let scale = std::fs::read("tests/fixtures/activities/fit/WeightScaleSingleUser.fit").unwrap();
    // The file_id (weight) stays readable; the records after it are cut and garbled.
    let mut bad = scale[..scale.len() - 20].to_vec();
    for b in bad.iter_mut().skip(60) {
        *b ^= 0x5a;
    }
    std::fs::write(folder.join("a-scale-damaged.fit"), bad).unwrap();
    std::fs::copy("tests/fixtures/activities/fit/garmin-fenix-5-bike.fit", folder.join("b.fit")).unwrap();
    std::fs::copy("tests/fixtures/activities/gpx/cerknicko-jezero.gpx", folder.join("c.gpx")).unwrap();
    let out = clean(&wagner(&db, &["import", folder.to_str().unwrap()])).clone();
    assert_eq!(activities(&db).len(), 2, "{}{}", text(&out.stdout), text(&out.stderr));
    let said = text(&out.stdout) + &text(&out.stderr);
    assert!(said.contains("a-scale-damaged.fit"), "the bad file is reported: {said}");
    assert!(!said.contains("ERROR: field size"), "no stray decoder line: {said}");
}

fn jpeg_claiming(width: u16, height: u16) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(8, 8, image::Rgb([200, 100, 50]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    let mut bytes = out.into_inner();
    // The SOF0 segment: FF C0, length, precision, height, width.
    let sof = bytes.windows(2).position(|w| w == [0xFF, 0xC0]).expect("a baseline JPEG");
    bytes[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
    bytes[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
    bytes
}

fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let img = image::ImageBuffer::<image::Rgba<u16>, _>::from_pixel(1, 1, image::Rgba([1, 2, 3, 4]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    let mut bytes = out.into_inner();
    // IHDR data starts after the 8-byte signature, length and type; its CRC follows the 13 bytes.
    bytes[16..20].copy_from_slice(&width.to_be_bytes());
    bytes[20..24].copy_from_slice(&height.to_be_bytes());
    let mut crc = flate2::Crc::new();
    crc.update(&bytes[12..29]);
    bytes[29..33].copy_from_slice(&crc.sum().to_be_bytes());
    bytes
}

/// A PDF whose one Flate stream inflates to about `mib` MiB: blocks of
/// compressed zeros repeated (each is independent), built in a few KB.
fn pdf_bomb(mib: usize) -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress};
    let zeros = vec![0u8; 1 << 20];
    let mut c = Compress::new(Compression::best(), true);
    let mut block = vec![0u8; 64 << 10];
    c.compress(&zeros, &mut block, FlushCompress::Sync).unwrap();
    let first = c.total_out() as usize;
    let mut stream = block[..first].to_vec();
    let before = c.total_out();
    c.compress(&zeros, &mut block, FlushCompress::Sync).unwrap();
    let again = &block[..(c.total_out() - before) as usize];
    for _ in 1..mib {
        stream.extend_from_slice(again);
    }
    let mut pdf = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n".to_vec();
    pdf.extend_from_slice(b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n");
    pdf.extend_from_slice(b"3 0 obj\n<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>\nendobj\n");
    pdf.extend_from_slice(
        format!("4 0 obj\n<< /Length {} /Filter /FlateDecode >>\nstream\n", stream.len()).as_bytes(),
    );
    pdf.extend_from_slice(&stream);
    pdf.extend_from_slice(b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n");
    pdf
}

#[test]
fn decoders_refuse_what_would_not_fit_before_allocating_it() {
    let (dir, db) = init();
    let cases: [(&str, Vec<u8>, &str); 3] = [
        ("huge.jpg", jpeg_claiming(65500, 65500), "65500×65500"),
        ("huge.png", png_claiming(100_000, 100_000), "100000×100000"),
        ("bomb.pdf", pdf_bomb(300), "inflates"),
    ];
    for (name, bytes, needle) in cases {
        assert!(bytes.len() < 2 << 20, "{name} is small on disk: {}", bytes.len());
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).unwrap();
        let out = wagner(&db, &["log", "--attach", path.to_str().unwrap(), "lunch"]);
        clean(&out);
        assert_eq!(out.status.code(), Some(1), "{name}: refused as a user error");
        let err = text(&out.stderr);
        assert!(err.contains(name) && err.contains(needle), "{name}: {err}");
    }
    let entries = json(&wagner(&db, &["--json", "entries"]));
    assert_eq!(entries.as_array().unwrap().len(), 0, "nothing stored for a refused file");
}

fn count(db: &Path, sql: &str) -> i64 {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let store = wagner::Store::open(db).await.unwrap();
        let n = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.to_string()))
            .fetch_one(store.pool())
            .await
            .unwrap();
        store.close().await;
        n
    })
}

fn entry_state(db: &Path, id: &str) -> (String, String) {
    let all = json(&wagner(db, &["--json", "entries", "--limit", "100"]));
    let e = all.as_array().unwrap().iter().find(|e| e["id"] == id).unwrap().clone();
    (
        e["processing_status"].as_str().unwrap().to_string(),
        e["error_message"].as_str().unwrap_or("").to_string(),
    )
}

#[test]
fn impossible_quick_entries_wait_for_review_and_store_nothing() {
    let (_dir, db) = init();
    for (entry, needle) in [
        ("999999999 eggs", "portion count"),
        ("ran 10000 km in 1 min", "not a plausible run"),
        ("weight -80 kg", "negative"),
        ("ran -5 km", "negative"),
        ("ran 5 km in 0 min", "zero duration"),
        ("1e309 g rice", "1e309"),
    ] {
        let out = clean(&wagner(&db, &["--json", "log", entry])).clone();
        let id = json(&out)["entry"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{entry}: {}", text(&out.stdout)))
            .to_string();
        let (status, why) = entry_state(&db, &id);
        assert_eq!(status, "needs_review", "{entry}");
        assert!(why.contains(needle), "{entry}: {why}");
    }
    let today = json(&wagner(&db, &["--json", "today"]));
    assert_eq!(today["meals"].as_array().map_or(0, Vec::len), 0, "{today}");
    assert!(activities(&db).is_empty());
    assert_eq!(count(&db, "SELECT count(*) FROM body_measurements"), 0);
    assert_eq!(count(&db, "SELECT count(*) FROM meal_logs"), 0);
}

#[test]
fn log_takes_leading_dash_text_stdin_and_files_and_output_strips_escapes() {
    let (dir, db) = init();
    for args in [&["log", "--no-process", "-5 kg"][..], &["log", "--no-process", "--", "-5 kg"][..]] {
        let out = clean(&wagner(&db, args)).clone();
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    }
    let out = wagner_stdin(&db, &["log", "--no-process"], "2 eggs from stdin\n");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let file = dir.path().join("entry.txt");
    std::fs::write(&file, "oatmeal from a file").unwrap();
    let out = wagner(&db, &["log", "--no-process", "--file", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = wagner(&db, &["log", "--no-process", "egg \u{1b}[2J\u{1b}]0;pwned\u{7} toast"]);
    assert!(out.status.success());

    let listed = text(&wagner(&db, &["entries"]).stdout);
    for needle in ["-5 kg", "2 eggs from stdin", "oatmeal from a file", "egg [2J]0;pwned toast"] {
        assert!(listed.contains(needle), "{needle}: {listed}");
    }
    assert!(!listed.contains('\u{1b}') && !listed.contains('\u{7}'), "{listed:?}");
    assert!(!text(&wagner(&db, &["today"]).stdout).contains('\u{1b}'));
}

#[test]
fn export_csv_cells_cannot_run_as_formulas() {
    let (dir, db) = init();
    assert!(wagner(&db, &["log", "--no-process", "=HYPERLINK(\"http://evil\",\"x\")"]).status.success());
    assert!(wagner(&db, &["log", "--no-process", "@SUM(A1:A9)"]).status.success());
    let out = dir.path().join("export");
    let done = wagner(&db, &["export", out.to_str().unwrap()]);
    assert!(done.status.success(), "{}", text(&done.stderr));
    let csv = std::fs::read_to_string(out.join("csv").join("quick_entry_logs.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let col = headers.iter().position(|h| h == "raw_text").unwrap();
    let texts: Vec<String> = reader.records().map(|r| r.unwrap()[col].to_string()).collect();
    assert!(texts.contains(&"'=HYPERLINK(\"http://evil\",\"x\")".to_string()), "{texts:?}");
    assert!(texts.contains(&"'@SUM(A1:A9)".to_string()), "{texts:?}");
    // The JSON copy stays exactly as typed.
    let json = std::fs::read_to_string(out.join("wagner-export.json")).unwrap_or_default();
    if !json.is_empty() {
        assert!(json.contains("\"=HYPERLINK"), "the lossless JSON keeps the text");
    }
}

#[test]
fn db_only_init_creates_and_a_read_only_file_still_reads() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no").join("such").join("w.db");
    let out = clean(&wagner(&missing, &["today"])).clone();
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("does not exist"), "{}", text(&out.stderr));
    assert!(!dir.path().join("no").exists(), "no folder created by a reading command");

    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    let out = clean(&wagner(&empty, &["today"])).clone();
    assert!(text(&out.stderr).contains("empty"), "{}", text(&out.stderr));
    assert_eq!(std::fs::metadata(&empty).unwrap().len(), 0, "the empty file is left as it was");

    // Read-only for the user running it (root ignores modes: run as nobody then).
    let db = dir.path().join("ro.db");
    assert!(wagner(&db, &["init", "--time-zone", "UTC"]).status.success());
    assert!(wagner(&db, &["log", "--no-process", "2 eggs"]).status.success());
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    for f in std::fs::read_dir(dir.path()).unwrap().flatten() {
        std::fs::set_permissions(f.path(), std::fs::Permissions::from_mode(0o444)).unwrap();
    }
    let as_root = unsafe { libc::geteuid() } == 0;
    let mut c = if as_root {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"]);
        c.arg(env!("CARGO_BIN_EXE_wagner"));
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_wagner"))
    };
    // The binary lives under the build folder; nobody must be able to run it.
    let out = c.arg("--db").arg(&db).args(["entries"]).env_remove("WAGNER_DB").output().unwrap();
    if as_root && text(&out.stderr).contains("Permission denied") && !text(&out.stderr).contains("ro.db") {
        eprintln!("skipping the read-only check: the test binary is not readable by nobody");
        return;
    }
    assert!(out.status.success(), "a read-only database opens for reading: {}", text(&out.stderr));
    assert!(text(&out.stdout).contains("2 eggs"), "{}", text(&out.stdout));
}

#[test]
fn nutrition_csv_with_a_nul_or_an_unclosed_quote_is_refused_with_the_reason() {
    let (dir, db) = init();
    let good =
        std::fs::read_to_string("tests/fixtures/nutrition/Nutrition-Summary-2026-11-01-to-2026-11-03.csv")
            .unwrap();
    let mut lines: Vec<&str> = good.lines().collect();
    let header = lines.remove(0);
    let nul = dir.path().join("nul.csv");
    std::fs::write(&nul, format!("{header}\n{}\u{0}\n", lines.join("\n"))).unwrap();
    let out = clean(&wagner(&db, &["meal", "import", nul.to_str().unwrap()])).clone();
    assert!(text(&out.stderr).contains("NUL"), "{}", text(&out.stderr));
    let quote = dir.path().join("quote.csv");
    std::fs::write(
        &quote,
        "Date,Meal,Calories,Protein (g)\n2026-11-01,\"Breakfast,412.0,31.6\n2026-11-02,Lunch,655.0,44.3\n",
    )
    .unwrap();
    let out = clean(&wagner(&db, &["meal", "import", quote.to_str().unwrap()])).clone();
    assert!(text(&out.stderr).contains("never closed"), "{}", text(&out.stderr));
    assert_eq!(count(&db, "SELECT count(*) FROM meal_logs"), 0, "nothing imported from a refused file");
}
