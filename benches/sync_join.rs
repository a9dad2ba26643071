//! First push and `--join` of 25,000 rows against a local Postgres (goal:
//! at least 5,000 rows/s both ways).
//!
//! `WAGNER_TEST_PG_URL=$(scripts/pg.sh start) cargo bench --bench sync_join`
//! Install A holds 10,000 quick entries, 10,000 meals (each linked to its
//! entry) and 5,000 body measurements, and pushes them; install B joins.
//! `WAGNER_BENCH_ROWS` scales the row count.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use std::time::Instant;

use wagner::Store;
use wagner::profile::NewProfile;
use wagner::sync::{self, SyncOptions};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Ok(admin) = std::env::var("WAGNER_TEST_PG_URL") else {
        eprintln!("set WAGNER_TEST_PG_URL (scripts/pg.sh start prints one)");
        std::process::exit(1);
    };
    let total: usize = std::env::var("WAGNER_BENCH_ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(25_000);
    let (entries, meals) = (total * 2 / 5, total * 2 / 5);
    let weights = total - entries - meals;
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
    for i in 0..entries.max(meals) {
        let day = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + chrono::Duration::days(i as i64 / 4);
        let at = format!("{day}T{:02}:15:00.000Z", 7 + i % 4 * 3);
        let entry = wagner::new_id();
        if i < entries {
            sqlx::query(
                "INSERT INTO quick_entry_logs (id, user_id, raw_text, processing_status, logged_at) \
                 VALUES (?, ?, ?, 'completed', ?)",
            )
            .bind(&entry)
            .bind(&me.id)
            .bind(format!("oatmeal with banana and coffee, entry {i}"))
            .bind(&at)
            .execute(&mut *tx)
            .await?;
        }
        if i < meals {
            sqlx::query(
                "INSERT INTO meal_logs (id, user_id, quick_entry_log_id, category, name, logged_at, local_date, \
                 foods, total_calories, total_protein_g, total_carbs_g, total_fat_g) \
                 VALUES (?, ?, ?, 'breakfast', 'Oatmeal', ?, ?, \
                 json_array(json_object('name', 'oats', 'grams', 60), json_object('name', 'banana', 'grams', 120)), \
                 420, 14, 70, 8)",
            )
            .bind(wagner::new_id())
            .bind(&me.id)
            .bind(if i < entries { Some(&entry) } else { None })
            .bind(&at)
            .bind(day.to_string())
            .execute(&mut *tx)
            .await?;
        }
    }
    for i in 0..weights {
        let day = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + chrono::Duration::days(i as i64);
        sqlx::query(
            "INSERT INTO body_measurements (id, user_id, measured_at, local_date, weight_kg) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(wagner::new_id())
        .bind(&me.id)
        .bind(format!("{day}T06:30:00.000Z"))
        .bind(day.to_string())
        .bind(70.0 + (i % 100) as f64 / 10.0)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    // The local test server's role is a superuser: allowed on purpose.
    let opts = SyncOptions { attachments: false, allow_privileged: true, ..SyncOptions::default() };

    let t = Instant::now();
    let up = sync::sync(&a, &url, &opts).await?;
    let push = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let down = sync::join(&b, &url, None, &opts).await?;
    let join = t.elapsed().as_secs_f64();
    assert!(up.errors.is_empty() && down.errors.is_empty(), "{:?} {:?}", up.errors, down.errors);

    println!(
        "first push and --join of {total} rows ({entries} entries, {meals} meals, {weights} weigh-ins; batches of {}):",
        opts.batch_size
    );
    println!("  first push  {:>6} rows  {:>6.2} s  {:>7.0} rows/s", up.pushed, push, up.pushed as f64 / push);
    println!(
        "  --join      {:>6} rows  {:>6.2} s  {:>7.0} rows/s",
        down.pulled,
        join,
        down.pulled as f64 / join
    );
    a.close().await;
    b.close().await;
    admin_pool.close().await;
    Ok(())
}
