//! Sync of 10,000 changed rows each way against a local Postgres.
//!
//! `WAGNER_TEST_PG_URL=$(scripts/pg.sh start) cargo bench --bench sync`
//! Install A logs 10,000 body measurements and pushes them; install B joins
//! (pulls them), changes all 10,000 and pushes; A pulls them back.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use std::time::Instant;

use wagner::Store;
use wagner::profile::NewProfile;
use wagner::sync::{self, SyncOptions};

const ROWS: usize = 10_000;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Ok(admin) = std::env::var("WAGNER_TEST_PG_URL") else {
        eprintln!("set WAGNER_TEST_PG_URL (scripts/pg.sh start prints one)");
        std::process::exit(1);
    };
    let name = format!("wagner_bench_{}", uuid::Uuid::new_v4().simple());
    let admin_pool = sqlx::PgPool::connect(&admin).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&admin_pool).await?;
    let mut url = reqwest::Url::parse(&admin)?;
    url.set_path(&format!("/{name}"));
    let url = url.to_string();

    let dir = tempfile::tempdir()?;
    let a = Store::open(&dir.path().join("a/wagner.db")).await?;
    let b = Store::open(&dir.path().join("b/wagner.db")).await?;
    let (me, _) = wagner::profile::ensure_default(
        &a,
        NewProfile { full_name: "Bench".into(), time_zone: Some("UTC".into()), ..NewProfile::default() },
    )
    .await?;
    wagner::profile::ensure_default(&b, NewProfile { full_name: "Me".into(), ..NewProfile::default() })
        .await?;
    let mut tx = a.pool().begin().await?;
    for i in 0..ROWS {
        let day = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + chrono::Duration::days(i as i64 / 3);
        sqlx::query(
            "INSERT INTO body_measurements (id, user_id, measured_at, local_date, weight_kg, measurements) \
             VALUES (?, ?, ?, ?, ?, json_object('waist_cm', ?))",
        )
        .bind(wagner::new_id())
        .bind(&me.id)
        .bind(format!("{day}T07:{:02}:00.000Z", i % 3))
        .bind(day.to_string())
        .bind(70.0 + (i % 100) as f64 / 10.0)
        .bind(80.0 + (i % 50) as f64 / 10.0)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    // The local test server's role is a superuser: allowed on purpose.
    let opts = SyncOptions { attachments: false, allow_privileged: true, ..SyncOptions::default() };

    let t = Instant::now();
    let up = sync::sync(&a, &url, &opts).await?;
    let push_a = t.elapsed();
    let t = Instant::now();
    let down = sync::join(&b, &url, None, &opts).await?;
    let pull_b = t.elapsed();
    sqlx::query("UPDATE body_measurements SET weight_kg = weight_kg + 0.1, notes = 'edited on B'")
        .execute(b.pool())
        .await?;
    let t = Instant::now();
    let up_b = sync::sync(&b, &url, &opts).await?;
    let push_b = t.elapsed();
    let t = Instant::now();
    let down_a = sync::sync(&a, &url, &opts).await?;
    let pull_a = t.elapsed();

    println!("sync of {ROWS} changed rows (body_measurements; batches of {}):", opts.batch_size);
    println!("  A push  {:>6} rows  {:>7.2} s", up.pushed, push_a.as_secs_f64());
    println!("  B pull  {:>6} rows  {:>7.2} s (join)", down.pulled, pull_b.as_secs_f64());
    println!("  B push  {:>6} rows  {:>7.2} s", up_b.pushed, push_b.as_secs_f64());
    println!("  A pull  {:>6} rows  {:>7.2} s", down_a.pulled, pull_a.as_secs_f64());
    println!(
        "  each way: A→B {:.2} s, B→A {:.2} s",
        (push_a + pull_b).as_secs_f64(),
        (push_b + pull_a).as_secs_f64()
    );
    a.close().await;
    b.close().await;
    admin_pool.close().await;
    Ok(())
}
