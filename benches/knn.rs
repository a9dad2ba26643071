//! Top-10 KNN over 100,000 384-d vectors in the app's vec0 table
//! (quick_entry_embedding_vectors, user filter), p50/p95 per query, and the
//! binary-quantization + rescoring alternative with the recall it costs.
//!
//! `cargo bench -p wagner-coach --bench knn`. Vectors are synthetic but
//! shaped like sentence embeddings (clusters of related entries around 400
//! topics, unit length); queries are perturbed entries.

use std::time::Instant;

use wagner::Store;
use wagner::embeddings::vector_blob;

const N: usize = 100_000;
const DIM: usize = 384;
const TOPICS: usize = 400;
const QUERIES: usize = 200;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    /// Roughly normal (sum of uniforms).
    fn gauss(&mut self) -> f32 {
        (0..4).map(|_| (self.next() % 10_000) as f32 / 10_000.0).sum::<f32>() - 2.0
    }
}

fn unit(mut v: Vec<f32>) -> Vec<f32> {
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    v.iter_mut().for_each(|x| *x /= n);
    v
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let store = Store::open(&dir.path().join("wagner.db")).await?;
    let pool = store.pool();
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let topics: Vec<Vec<f32>> = (0..TOPICS).map(|_| unit((0..DIM).map(|_| rng.gauss()).collect())).collect();
    let mut data: Vec<Vec<f32>> = Vec::with_capacity(N);
    for i in 0..N {
        let t = &topics[i % TOPICS];
        data.push(unit(t.iter().map(|x| x + 0.6 * rng.gauss() / (DIM as f32).sqrt() * 4.0).collect()));
    }
    sqlx::query(
        "CREATE VIRTUAL TABLE bench_binary USING vec0 (embedding_id TEXT PRIMARY KEY, user_id TEXT, embedding bit[384])",
    )
    .execute(pool)
    .await?;
    let start = Instant::now();
    for (chunk_no, chunk) in data.chunks(5_000).enumerate() {
        let mut tx = pool.begin().await?;
        for (j, v) in chunk.iter().enumerate() {
            let id = format!("doc-{}", chunk_no * 5_000 + j);
            let blob = vector_blob(v);
            sqlx::query("INSERT INTO quick_entry_embedding_vectors (embedding_id, user_id, embedding) VALUES (?, 'me', ?)")
                .bind(&id)
                .bind(&blob)
                .execute(&mut *tx)
                .await?;
            sqlx::query("INSERT INTO bench_binary (embedding_id, user_id, embedding) VALUES (?, 'me', vec_quantize_binary(?))")
                .bind(&id)
                .bind(&blob)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
    }
    println!("inserted {N} vectors (float + binary) in {:.1} s", start.elapsed().as_secs_f64());
    let mapped = store.scan_connection().await?;
    println!("each search maps the file while it runs: {}", mapped.is_mapped());
    mapped.release().await;

    let queries: Vec<Vec<u8>> = (0..QUERIES)
        .map(|q| {
            let base = &data[(q * 7919) % N];
            vector_blob(&unit(
                base.iter().map(|x| x + 0.3 * rng.gauss() / (DIM as f32).sqrt() * 4.0).collect(),
            ))
        })
        .collect();

    let exact_sql = "SELECT embedding_id FROM quick_entry_embedding_vectors WHERE embedding MATCH ? AND k = 10 AND user_id = 'me' ORDER BY distance";
    let mut truth: Vec<Vec<String>> = Vec::new();
    let mut times = Vec::new();
    for q in &queries {
        let t = Instant::now();
        // As the app searches: a connection that maps the file for the scan (100,000 vectors).
        let mut scan = store.scan_connection().await?;
        let ids: Vec<String> = sqlx::query_scalar(exact_sql).bind(q).fetch_all(scan.conn()?).await?;
        scan.release().await;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        truth.push(ids);
    }
    times.sort_by(f64::total_cmp);
    println!("{:<44} {:>8} {:>8} {:>10}", "method", "p50 ms", "p95 ms", "recall@10");
    println!(
        "{:<44} {:>8.1} {:>8.1} {:>10.3}",
        "brute force float (vec0, user filter)",
        percentile(&times, 0.5),
        percentile(&times, 0.95),
        1.0
    );

    for candidates in [40, 100, 160, 200] {
        let sql = format!(
            "WITH coarse AS (SELECT embedding_id FROM bench_binary WHERE embedding MATCH vec_quantize_binary(?1) \
             AND k = {candidates} AND user_id = 'me') \
             SELECT c.embedding_id FROM coarse c JOIN quick_entry_embedding_vectors v ON v.embedding_id = c.embedding_id \
             ORDER BY vec_distance_l2(v.embedding, ?1) LIMIT 10"
        );
        let mut times = Vec::new();
        let mut hits = 0usize;
        for (q, want) in queries.iter().zip(&truth) {
            let t = Instant::now();
            let mut scan = store.scan_connection().await?;
            let ids: Vec<String> =
                sqlx::query_scalar(sqlx::AssertSqlSafe(sql.clone())).bind(q).fetch_all(scan.conn()?).await?;
            scan.release().await;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            hits += ids.iter().filter(|id| want.contains(id)).count();
        }
        times.sort_by(f64::total_cmp);
        println!(
            "{:<44} {:>8.1} {:>8.1} {:>10.3}",
            format!("binary top-{candidates} + float rescoring"),
            percentile(&times, 0.5),
            percentile(&times, 0.95),
            hits as f64 / (10 * QUERIES) as f64
        );
    }
    Ok(())
}
