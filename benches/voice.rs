//! Offline voice transcription latency: model load once, then each committed
//! clip (tests/fixtures/voice) decoded and transcribed by whisper tiny.en
//! (int8) several times, and the whole voice entry → meal rows path.
//!
//! `cargo bench --bench voice` — results go into BENCHMARKS.md.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use std::path::Path;
use std::time::Instant;

use wagner::profile::{self, NewProfile};
use wagner::quick_entry::{self, pipeline};
use wagner::voice;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

const ROUNDS: usize = 5;

fn main() {
    if let Some(why) = voice::unavailable_reason() {
        eprintln!("cannot benchmark: {why}");
        std::process::exit(1);
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/voice");
    let clips = ["breakfast.wav", "lunch.mp3", "snack.ogg", "snack.m4a"];
    let t0 = Instant::now();
    let first = std::fs::read(dir.join(clips[0])).expect("clip");
    let text = voice::transcribe_blocking(&first, clips[0]).expect("first transcription");
    println!(
        "first call (model load + transcription): {:.0} ms → {text:?}",
        t0.elapsed().as_secs_f64() * 1000.0
    );

    println!("\n| clip | audio s | decode ms | decode + transcribe ms p50 | p95 | transcript |");
    println!("|---|---|---|---|---|---|");
    let mut all = Vec::new();
    for clip in clips {
        let bytes = std::fs::read(dir.join(clip)).expect("clip");
        let d0 = Instant::now();
        let samples = voice::decode::to_16k_mono(&bytes, clip).expect("decode");
        let decode_ms = d0.elapsed().as_secs_f64() * 1000.0;
        let mut ms = Vec::new();
        let mut said = String::new();
        for _ in 0..ROUNDS {
            let t = Instant::now();
            said = voice::transcribe_blocking(&bytes, clip).expect("transcribe");
            ms.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        ms.sort_by(f64::total_cmp);
        all.extend(ms.iter().copied());
        println!(
            "| {clip} | {:.2} | {decode_ms:.1} | {:.0} | {:.0} | {said} |",
            samples.len() as f64 / 16_000.0,
            percentile(&ms, 0.5),
            percentile(&ms, 0.95)
        );
    }
    all.sort_by(f64::total_cmp);
    println!(
        "\nall clips: p50 {:.0} ms, p95 {:.0} ms over {} runs",
        percentile(&all, 0.5),
        percentile(&all, 0.95),
        all.len()
    );

    // The whole path a user waits for: stored voice entry → transcript → meal rows.
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    runtime.block_on(async {
        let tmp = tempfile::tempdir().expect("tempdir");
        let store = wagner::Store::open(&tmp.path().join("bench.db")).await.expect("store");
        let mut conn = store.pool().acquire().await.expect("conn");
        let me = profile::create(
            &mut conn,
            NewProfile { full_name: "Bench".into(), time_zone: Some("UTC".into()), ..Default::default() },
        )
        .await
        .expect("profile");
        drop(conn);
        let mut ms = Vec::new();
        for _ in 0..ROUNDS {
            let file = (first.clone(), clips[0].to_string());
            let entry = quick_entry::log_with_attachments(&store, &me, None, &[file], chrono::Utc::now())
                .await
                .expect("log");
            let t = Instant::now();
            pipeline::process(&store, &me, &entry.id, pipeline::Reader::Offline).await.expect("process");
            ms.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        ms.sort_by(f64::total_cmp);
        println!(
            "voice entry → meal rows (breakfast.wav, {ROUNDS} runs): p50 {:.0} ms, p95 {:.0} ms",
            percentile(&ms, 0.5),
            percentile(&ms, 0.95)
        );
    });
}
