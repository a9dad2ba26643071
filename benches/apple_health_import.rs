//! An Apple Health export of ≥ 200 MB of XML (generated: heart-rate samples
//! every 4 minutes, hourly steps and energy, daily weight and food, a run
//! every other day) read straight out of its ZIP entry, then imported.
//! Reports the XML throughput and the peak resident memory.
//!
//!     cargo bench -p wagner-coach --bench apple_health_import
//!
//! `WAGNER_BENCH_XML_MB` sets the size (default 220).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

#[path = "../tests/apple_health_fixture/mod.rs"]
mod apple_health_fixture;

use std::sync::atomic::AtomicBool;
use std::time::Instant;

use wagner::imports::{self, apple_health};
use wagner::profile::{self, NewProfile};

fn peak_rss_mb() -> f64 {
    // SAFETY: getrusage fills the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    usage.ru_maxrss as f64 / 1024.0
}

fn current_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

#[tokio::main]
async fn main() {
    let mb: u64 = std::env::var("WAGNER_BENCH_XML_MB").ok().and_then(|v| v.parse().ok()).unwrap_or(220);
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("export.zip");
    let t = Instant::now();
    let xml_bytes = apple_health_fixture::write_large_zip(&zip, mb * 1_000_000);
    let zip_bytes = std::fs::metadata(&zip).unwrap().len();
    println!(
        "generated export.zip: {:.1} MB of XML, {:.1} MB zipped, in {:.1} s",
        xml_bytes as f64 / 1e6,
        zip_bytes as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    let before = current_rss_mb();
    println!("resident before reading: {before:.1} MB (peak so far {:.1} MB)", peak_rss_mb());

    let open = || -> wagner::Result<Box<dyn apple_health::Source>> {
        Ok(Box::new(std::fs::File::open(&zip).unwrap()) as Box<dyn apple_health::Source>)
    };
    let t = Instant::now();
    let (data, _routes) = apple_health::read(open, true, |_| {}).unwrap();
    let secs = t.elapsed().as_secs_f64();
    println!(
        "read (inflate + parse): {:.2} s, {:.1} MB/s of XML; {} records seen, kept {} body instants, {} workouts, {} days of food",
        secs,
        data.xml_bytes as f64 / 1e6 / secs,
        data.records_seen,
        data.body.len(),
        data.workouts.len(),
        data.days.len()
    );
    println!("resident after reading: {:.1} MB; peak {:.1} MB", current_rss_mb(), peak_rss_mb());
    drop(data);

    let store = wagner::Store::open(&dir.path().join("wagner.db")).await.unwrap();
    let mut conn = store.pool().acquire().await.unwrap();
    let me = profile::create(
        &mut conn,
        NewProfile {
            full_name: "Bench".into(),
            time_zone: Some("America/Denver".into()),
            ..NewProfile::default()
        },
    )
    .await
    .unwrap();
    drop(conn);
    let t = Instant::now();
    let report = imports::run(&store, &me, &zip, &AtomicBool::new(false), |_| {}).await.unwrap();
    println!("full import (read + write): {:.2} s", t.elapsed().as_secs_f64());
    for o in &report.outcomes {
        println!("  {}: {} added, {} already there, {} failed", o.what, o.added, o.already_there, o.failed);
    }
    println!("peak resident over the whole run: {:.1} MB", peak_rss_mb());
}
