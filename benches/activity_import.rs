//! Parse and import throughput on the FIT fixtures, side by side with the
//! Python decoders fitdecode and fitparse on the same files in the same run.
//!
//!     cargo bench -p wagner-coach --bench activity_import
//!
//! `WAGNER_BENCH_PYTHON` names the Python with fitdecode/fitparse installed
//! (default `python3`); a decoder that is missing is reported and skipped.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use wagner::activities::import;
use wagner::profile::{self, NewProfile};

const ROUNDS: usize = 30;

fn fit_files() -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/activities/fit");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "fit"))
        .collect();
    files.sort();
    files.into_iter().map(|p| (p.clone(), std::fs::read(&p).expect("read fixture"))).collect()
}

fn report(label: &str, elapsed: Duration, files: usize, bytes: usize) -> f64 {
    let secs = elapsed.as_secs_f64();
    println!(
        "{label:<34} {:>9.2} ms/round  {:>9.0} files/s  {:>7.1} MB/s",
        secs * 1000.0 / ROUNDS as f64,
        (files * ROUNDS) as f64 / secs,
        (bytes * ROUNDS) as f64 / secs / 1e6
    );
    secs
}

const PYTHON: &str = r#"
import sys, time
files = sys.argv[2:]
rounds = int(sys.argv[1])
data = [open(f, 'rb').read() for f in files]
import io
def run(name, decode):
    try:
        t = time.perf_counter()
        for _ in range(rounds):
            for d in data:
                try:
                    decode(d)
                except Exception:
                    pass
        print(name, time.perf_counter() - t)
    except ImportError as e:
        print(name, 'missing', e)
def fitdecode_all(d):
    import fitdecode
    with fitdecode.FitReader(io.BytesIO(d), check_crc=fitdecode.CrcCheck.DISABLED) as fr:
        for _ in fr:
            pass
def fitparse_all(d):
    import fitparse
    fitparse.FitFile(io.BytesIO(d), check_crc=False).parse()
for name, fn in (('fitdecode', fitdecode_all), ('fitparse', fitparse_all)):
    try:
        __import__(name)
    except ImportError as e:
        print(name, 'missing', e)
        continue
    run(name, fn)
"#;

fn main() {
    let files = fit_files();
    let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    println!("{} FIT fixtures, {} KB, {ROUNDS} rounds", files.len(), bytes / 1024);

    // The crate's decoder alone: the floor under our parse.
    let start = Instant::now();
    for _ in 0..ROUNDS {
        for (_, data) in &files {
            let _ = fitparser::from_bytes(data);
        }
    }
    report("fitparser::from_bytes (decode only)", start.elapsed(), files.len(), bytes);

    // Parse only: bytes to a normalized activity (streams, laps, sets), metrics included.
    let start = Instant::now();
    let mut activities = 0;
    for _ in 0..ROUNDS {
        for (path, data) in &files {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            if import::parse_bytes(name, data).is_ok() {
                activities += 1;
            }
        }
    }
    let parse_secs = report("wagner parse (own FIT decoder)", start.elapsed(), files.len(), bytes);
    println!("  ({} activities per round)", activities / ROUNDS);

    // Parse + import into SQLite: a fresh database per round, so nothing is a duplicate.
    let rt =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let import_secs = rt.block_on(async {
        let mut total = Duration::ZERO;
        for _ in 0..ROUNDS {
            let dir = tempfile::tempdir().expect("tempdir");
            let store = wagner::Store::open(&dir.path().join("bench.db")).await.expect("open");
            let mut conn = store.pool().acquire().await.expect("conn");
            let profile =
                profile::create(&mut conn, NewProfile { full_name: "Bench".into(), ..Default::default() })
                    .await
                    .expect("profile");
            drop(conn);
            let t = Instant::now();
            for (path, data) in &files {
                import::import_bytes(&store, &profile, path, data).await.expect("import");
            }
            total += t.elapsed();
            store.close().await;
        }
        total
    });
    report("wagner parse + import (SQLite)", import_secs, files.len(), bytes);

    let python = std::env::var("WAGNER_BENCH_PYTHON").unwrap_or_else(|_| "python3".into());
    let out = Command::new(&python)
        .arg("-c")
        .arg(PYTHON)
        .arg(ROUNDS.to_string())
        .args(files.iter().map(|(p, _)| p.as_os_str()))
        .output();
    match out {
        Ok(out) => {
            for line in String::from_utf8_lossy(&out.stdout).lines() {
                let mut parts = line.split_whitespace();
                let (Some(name), Some(value)) = (parts.next(), parts.next()) else { continue };
                match value.parse::<f64>() {
                    Ok(secs) => {
                        report(
                            &format!("python {name} (decode only)"),
                            Duration::from_secs_f64(secs),
                            files.len(),
                            bytes,
                        );
                        println!(
                            "  wagner parse is {:.1}x faster; parse + import {:.1}x",
                            secs / parse_secs,
                            secs / import_secs.as_secs_f64()
                        );
                    }
                    Err(_) => println!("python {name}: {}", parts.collect::<Vec<_>>().join(" ")),
                }
            }
            if !out.status.success() {
                println!("python failed: {}", String::from_utf8_lossy(&out.stderr));
            }
        }
        Err(e) => println!("{python}: not run ({e})"),
    }
}
