//! What keeping `daily_nutrition_summaries` exact costs per meal edit.
//!
//! `cargo bench -p wagner-coach --bench meal_edit` fills a fresh SQLite file
//! with the bundled foods and 365 days × 4 meals of history, then times
//! `nutrition::meals::update_tx` (one transaction: read the meal, recompute
//! its foods from the database, UPDATE meal_logs, the trigger recomputes
//! that day's summary with micronutrients) on meals of a day that has 4 and
//! then 12 meals, and the same UPDATE with the summary triggers dropped, so
//! the difference is the maintenance cost. Prints p50/p95 per edit.

use std::time::{Duration, Instant};

use wagner::Store;
use wagner::clock;
use wagner::nutrition::MealCategory;
use wagner::nutrition::foods;
use wagner::nutrition::meals::{self, FoodLine, MealEdit};

const EDITS: usize = 400;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

async fn time_edits(
    store: &Store,
    me: &wagner::profile::Profile,
    ids: &[String],
    foods: &[String],
) -> Result<(Duration, Duration), Box<dyn std::error::Error>> {
    let mut times = Vec::with_capacity(EDITS);
    for i in 0..EDITS {
        let id = &ids[i % ids.len()];
        let lines = vec![
            FoodLine::Food {
                food_id: foods[i % foods.len()].clone(),
                quantity: 1.0 + (i % 7) as f64,
                unit: "large".into(),
            },
            FoodLine::Food {
                food_id: foods[(i + 1) % foods.len()].clone(),
                quantity: 50.0 + i as f64 % 90.0,
                unit: "g".into(),
            },
        ];
        let edit = MealEdit { foods: Some(lines), ..MealEdit::default() };
        let t = Instant::now();
        meals::update_tx(store, me, id, &edit).await?;
        times.push(t.elapsed());
    }
    times.sort();
    Ok((percentile(&times, 0.5), percentile(&times, 0.95)))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    runtime.block_on(async {
        let dir = tempfile::tempdir()?;
        let store = Store::open(&dir.path().join("bench.db")).await?;
        let (me, _) = wagner::profile::ensure_default(
            &store,
            wagner::profile::NewProfile {
                full_name: "Bench".into(),
                time_zone: Some("UTC".into()),
                ..Default::default()
            },
        )
        .await?;
        foods::load_bundled(&store).await?;
        // Eggs have a "large" portion; the rest is in grams.
        let food_ids: Vec<String> =
            ["01123", "01123", "01123"].iter().map(|s| foods::shared_food_id("usda_sr24", s)).collect();
        let start = clock::parse_date("2025-11-25")?;
        let mut tx = store.pool().begin().await?;
        for d in 0..365 {
            let date = start + chrono::Duration::days(d);
            for (h, cat) in [
                (8, MealCategory::Breakfast),
                (13, MealCategory::Lunch),
                (19, MealCategory::Dinner),
                (16, MealCategory::Snack),
            ] {
                meals::log_food(
                    &mut tx,
                    &me,
                    cat,
                    clock::local_to_utc(date, h, 0, me.tz()),
                    &food_ids[0],
                    2.0,
                    "large",
                )
                .await?;
            }
        }
        tx.commit().await?;
        let day = start + chrono::Duration::days(200);
        let mut conn = store.pool().acquire().await?;
        let four = meals::ids_on(&mut conn, &me.id, day).await?;
        drop(conn);
        let (p50, p95) = time_edits(&store, &me, &four, &food_ids).await?;
        println!("edit, day with 4 meals:  p50 {}  p95 {}", ms(p50), ms(p95));

        let busy = start + chrono::Duration::days(201);
        let mut tx = store.pool().begin().await?;
        for h in 0..8 {
            meals::log_food(
                &mut tx,
                &me,
                MealCategory::Snack,
                clock::local_to_utc(busy, 9 + h, 30, me.tz()),
                &food_ids[0],
                1.0,
                "large",
            )
            .await?;
        }
        tx.commit().await?;
        let mut conn = store.pool().acquire().await?;
        let twelve = meals::ids_on(&mut conn, &me.id, busy).await?;
        drop(conn);
        let (p50, p95) = time_edits(&store, &me, &twelve, &food_ids).await?;
        println!("edit, day with 12 meals: p50 {}  p95 {}", ms(p50), ms(p95));

        // The same edits without the summary triggers: the difference is their cost.
        for t in [
            "meal_logs_summary_after_insert",
            "meal_logs_summary_after_update",
            "meal_logs_summary_after_delete",
        ] {
            sqlx::query(sqlx::AssertSqlSafe(format!("DROP TRIGGER {t}"))).execute(store.pool()).await?;
        }
        let (p50, p95) = time_edits(&store, &me, &four, &food_ids).await?;
        println!("edit without summary triggers: p50 {}  p95 {}", ms(p50), ms(p95));
        Ok(())
    })
}
