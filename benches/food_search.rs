//! Food search as the user types, over the full bundled database.
//!
//! `cargo bench -p wagner-coach --bench food_search` loads the bundled foods
//! into a fresh SQLite file, warms up, then times every prefix of realistic
//! queries (each keystroke is one search, as in the UI) and prints p50, p95
//! and max per keystroke, plus the cost of the initial load. It also reports
//! the CPU time per keystroke (all threads of the process, from getrusage),
//! which stays meaningful when other jobs share the cores and stretch the
//! wall-clock numbers.

use std::time::{Duration, Instant};

use wagner::Store;
use wagner::nutrition::foods;

const QUERIES: [&str; 12] = [
    "egg",
    "banana",
    "chicken breast",
    "oatmeal",
    "whole milk",
    "greek yogurt",
    "brown rice",
    "cheese pizza",
    "peanut butter",
    "salmon",
    "orange juice",
    "chicken burrito",
];
const ROUNDS: usize = 20;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// User + system CPU time of the whole process (the SQLite worker thread included).
fn cpu_time() -> Duration {
    // SAFETY: getrusage only writes into the struct we pass.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    runtime.block_on(async {
        let dir = tempfile::tempdir()?;
        let store = Store::open(&dir.path().join("bench.db")).await?;
        let (me, _) = wagner::profile::ensure_default(
            &store,
            wagner::profile::NewProfile { full_name: "Bench".into(), ..Default::default() },
        )
        .await?;
        let started = Instant::now();
        let report = foods::load_bundled(&store).await?;
        let load = started.elapsed();
        let started = Instant::now();
        foods::load_bundled(&store).await?;
        let reload = started.elapsed();

        let prefixes: Vec<&str> = QUERIES
            .iter()
            .flat_map(|q| (1..=q.len()).filter(|&n| q.is_char_boundary(n)).map(|n| &q[..n]))
            .collect();
        for p in &prefixes {
            foods::search(&store, &me.id, p, 20).await?; // warm-up: page cache, statement cache
        }
        let mut times = Vec::with_capacity(prefixes.len() * ROUNDS);
        let mut cpu = Vec::with_capacity(prefixes.len() * ROUNDS);
        for _ in 0..ROUNDS {
            for p in &prefixes {
                let (t, c) = (Instant::now(), cpu_time());
                let hits = foods::search(&store, &me.id, p, 20).await?;
                times.push(t.elapsed());
                cpu.push(cpu_time().saturating_sub(c));
                std::hint::black_box(hits);
            }
        }
        times.sort();
        cpu.sort();
        println!(
            "foods loaded: {} in {} (reload, nothing changed: {})",
            report.records,
            ms(load),
            ms(reload)
        );
        println!(
            "search as you type: {} keystrokes x {ROUNDS} rounds: p50 {}  p95 {}  max {}",
            prefixes.len(),
            ms(percentile(&times, 0.50)),
            ms(percentile(&times, 0.95)),
            ms(*times.last().unwrap_or(&Duration::ZERO))
        );
        println!(
            "CPU per keystroke: p50 {}  p95 {}  max {}",
            ms(percentile(&cpu, 0.50)),
            ms(percentile(&cpu, 0.95)),
            ms(*cpu.last().unwrap_or(&Duration::ZERO))
        );
        // The slowest keystrokes, to see where the time goes.
        let mut per_prefix: Vec<(Duration, &str)> = Vec::new();
        for p in &prefixes {
            let t = Instant::now();
            foods::search(&store, &me.id, p, 20).await?;
            per_prefix.push((t.elapsed(), p));
        }
        per_prefix.sort_by_key(|p| std::cmp::Reverse(p.0));
        let slowest: Vec<String> =
            per_prefix.iter().take(5).map(|(d, p)| format!("{p:?} {}", ms(*d))).collect();
        println!("slowest: {}", slowest.join(", "));
        Ok(())
    })
}
