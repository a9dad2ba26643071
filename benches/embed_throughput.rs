//! Embedding throughput: this app's pipeline vs Python on the same model
//! files and the same texts, side by side in one run.
//!
//! `scripts/bench-embeddings.sh` (makes a Python venv with fastembed from
//! PyPI, then runs `cargo bench --bench embed_throughput`). Texts: a
//! realistic mix of 3–60 word entries (seeded, all distinct, so nothing is
//! skipped by the hash). Rows:
//!   * rust naive: fastembed-rs on the texts in arrival order, batches of 256;
//!   * rust app: `Embedder::embed` (sorted by length, batches of 32: little padding);
//!   * python: fastembed (or onnxruntime + tokenizers, said in the output);
//!   * rust app, repeat log: the queue over the same texts again (hash: nothing embedded).

use std::time::Instant;

use wagner::embeddings::{self, Embedder};

const N: usize = 1500;
const WORDS: &[&str] = &[
    "oatmeal",
    "with",
    "blueberries",
    "and",
    "honey",
    "ran",
    "5k",
    "easy",
    "pace",
    "around",
    "the",
    "park",
    "grilled",
    "chicken",
    "breast",
    "brown",
    "rice",
    "broccoli",
    "bench",
    "press",
    "3x8",
    "@",
    "80",
    "kg",
    "pull-ups",
    "felt",
    "strong",
    "today",
    "tired",
    "legs",
    "after",
    "long",
    "run",
    "river",
    "greek",
    "yogurt",
    "granola",
    "coffee",
    "milk",
    "two",
    "eggs",
    "toast",
    "avocado",
    "salmon",
    "sweet",
    "potato",
    "swim",
    "1500",
    "m",
    "in",
    "32",
    "minutes",
    "squats",
    "5x5",
    "100",
    "deadlift",
    "weight",
    "81.4",
    "waist",
    "84",
    "cm",
    "pizza",
    "slices",
    "beer",
    "protein",
    "shake",
    "banana",
    "peanut",
    "butter",
    "bike",
    "ride",
    "hills",
    "windy",
    "lunch",
    "dinner",
    "snack",
    "breakfast",
    "salad",
    "tuna",
    "olive",
    "oil",
    "pasta",
    "bolognese",
    "rest",
    "day",
];

fn texts() -> Vec<String> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..N)
        .map(|i| {
            // Mostly short entries, some long notes: 3–60 words, skewed short.
            let r = (next() % 1000) as f64 / 1000.0;
            let len = 3 + (57.0 * r * r) as usize;
            let words: Vec<&str> = (0..len).map(|_| WORDS[(next() % WORDS.len() as u64) as usize]).collect();
            format!("{} #{i}", words.join(" "))
        })
        .collect()
}

fn main() -> anyhow::Result<()> {
    let location = embeddings::locate(&[])?;
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
    let texts = texts();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let words: usize = texts.iter().map(|t| t.split_whitespace().count()).sum();
    println!(
        "{N} texts, {:.1} words on average, {threads} ONNX threads, model {}",
        words as f64 / N as f64,
        location.dir.display()
    );
    let model = Embedder::load(&location, Some(threads))?;
    model.embed(&refs[..16])?; // warm-up

    let mut rows: Vec<(String, f64)> = Vec::new();
    let start = Instant::now();
    let naive = model.embed_unsorted(&refs, 256)?;
    rows.push(("rust fastembed, arrival order, batch 256".into(), start.elapsed().as_secs_f64()));
    let start = Instant::now();
    let app = model.embed(&refs)?;
    rows.push(("rust app pipeline (length-bucketed, batch 32)".into(), start.elapsed().as_secs_f64()));
    let max_diff = naive
        .iter()
        .zip(&app)
        .flat_map(|(a, b)| a.iter().zip(b).map(|(x, y)| (x - y).abs()))
        .fold(0.0f32, f32::max);

    let texts_file = tempfile::NamedTempFile::new()?;
    std::fs::write(texts_file.path(), texts.join("\n"))?;
    let python = std::env::var("WAGNER_BENCH_PYTHON").unwrap_or_else(|_| "python3".into());
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/embed_throughput.py");
    let out = std::process::Command::new(&python)
        .args([
            script,
            &location.dir.display().to_string(),
            &texts_file.path().display().to_string(),
            &threads.to_string(),
        ])
        .output();
    let python_row = match out {
        Ok(out) if out.status.success() => {
            let line = String::from_utf8_lossy(&out.stdout);
            let v: serde_json::Value = serde_json::from_str(line.trim())?;
            eprint!("{}", String::from_utf8_lossy(&out.stderr));
            Some((
                format!("python {}", v["impl"].as_str().unwrap_or("?")),
                v["seconds"].as_f64().unwrap_or(f64::NAN),
            ))
        }
        Ok(out) => {
            eprintln!("python side failed: {}", String::from_utf8_lossy(&out.stderr));
            None
        }
        Err(e) => {
            eprintln!("python side did not start ({python}): {e}");
            None
        }
    };
    let python_secs = python_row.as_ref().map(|r| r.1);
    rows.extend(python_row);

    println!("{:<60} {:>8} {:>10} {:>9}", "pipeline", "seconds", "texts/s", "vs python");
    for (name, secs) in &rows {
        let ratio = python_secs.map(|p| format!("{:.2}x", p / secs)).unwrap_or_else(|| "-".into());
        println!("{name:<60} {secs:>8.2} {:>10.0} {ratio:>9}", N as f64 / secs);
    }
    println!(
        "largest difference between the two Rust runs: {max_diff:.2e} (batching does not change vectors)"
    );
    Ok(())
}
