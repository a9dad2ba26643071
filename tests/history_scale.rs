//! A generated multi-year history (issue 23): the hot queries use indexes
//! (EXPLAIN QUERY PLAN of every statement the screens run), Today reads a
//! bounded window and still shows the numbers the whole history gives, and
//! the export streams in bounded memory.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::SubscriberExt;
use wagner::{Store, clock, dashboard, demo, profile};

/// Three years: long enough that a full scan or an unbounded read is many
/// times the work of a bounded one, short enough for a debug build.
const HISTORY_DAYS: i64 = 3 * 365;
const TZ: &str = "Europe/Amsterdam";

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-12-07T18:30:00Z").unwrap().with_timezone(&Utc)
}

/// The generated database, built once for the whole file and then only copied.
fn history_db() -> &'static Path {
    static DB: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = DB.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.db");
        // Its own thread and runtime: the first caller may be inside a test's runtime.
        let at = path.clone();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async {
                let store = Store::open(&at).await.unwrap();
                let (_, history) =
                    demo::history::load(&store, now(), HISTORY_DAYS, Some(TZ.into())).await.unwrap();
                assert!(history.meals > 3 * 365 * 3 && history.activities > 3 * 52 * 4, "{history:?}");
                assert!(history.trackpoints > 300_000, "{history:?}");
                store.close().await;
            });
        })
        .join()
        .expect("generating the history");
        (dir, path)
    });
    path
}

/// A private copy of the generated database.
async fn copy_of_history() -> (tempfile::TempDir, Store, profile::Profile) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wagner.db");
    std::fs::copy(history_db(), &path).unwrap();
    let store = Store::open(&path).await.unwrap();
    let me = profile::require_default(&store).await.unwrap();
    (dir, store, me)
}

/// Collects the SQL text of every statement sqlx runs (its `sqlx::query`
/// events) while [`CAPTURE`] holds a list. sqlx runs SQLite statements on a
/// worker thread per connection, so this is a process-wide subscriber.
static CAPTURE: Mutex<Option<Vec<String>>> = Mutex::new(None);
/// The in-process tests take turns, so one's statements are not the other's.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

struct Statements;

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Statements {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        #[derive(Default)]
        struct Sql {
            statement: String,
            summary: String,
        }
        impl Visit for Sql {
            fn record_str(&mut self, field: &Field, value: &str) {
                match field.name() {
                    "db.statement" => self.statement = value.to_string(),
                    "summary" => self.summary = value.to_string(),
                    _ => {}
                }
            }
            fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
                match field.name() {
                    "db.statement" => self.statement = format!("{value:?}"),
                    "summary" => self.summary = format!("{value:?}"),
                    _ => {}
                }
            }
        }
        if event.metadata().target() != "sqlx::query" {
            return;
        }
        let mut sql = Sql::default();
        event.record(&mut sql);
        // Statements of up to four words come as the summary alone.
        let text = if sql.statement.trim().is_empty() { sql.summary } else { sql.statement };
        if let Some(list) = CAPTURE.lock().unwrap().as_mut() {
            list.push(text);
        }
    }
}

fn install_capture() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        tracing::subscriber::set_global_default(tracing_subscriber::registry().with(Statements))
            .expect("no other global subscriber in this test binary");
    });
}

/// Tables that grow with the history: a full scan of one is work that grows with years.
const HISTORY_TABLES: [&str; 9] = [
    "meal_logs",
    "activities",
    "activity_streams",
    "activity_segments",
    "body_measurements",
    "quick_entry_logs",
    "quick_entry_embeddings",
    "daily_nutrition_summaries",
    "coach_messages",
];

/// The table a plan step reads in full: a SCAN, or a SEARCH narrowed by the
/// profile alone (`user_id=?`), which walks everything the user ever logged.
fn whole_history_read(detail: &str) -> Option<(&str, bool)> {
    if let Some(rest) = detail.strip_prefix("SCAN ") {
        return rest.split_whitespace().next().map(|t| (t, true));
    }
    let rest = detail.strip_prefix("SEARCH ")?;
    let table = rest.split_whitespace().next()?;
    // The partial index of stale documents holds only what waits to be rebuilt.
    (rest.ends_with("(user_id=?)") && !rest.contains("_stale ")).then_some((table, false))
}

/// Reads that are all-time by design, each allowed only from a covering
/// index: the body page's "all" range averages (day, weight) pairs in SQL
/// and gets back at most `MAX_ALL_TIME_POINTS` rows.
const ALL_TIME: [&str; 1] = ["SELECT MIN(day), MAX(day), AVG(kg), COUNT(*) FROM days"];

/// The whole-history reads of history tables in the plans of `statements`.
async fn full_scans(store: &Store, statements: &[String]) -> Vec<String> {
    let mut conn = store.pool().acquire().await.unwrap();
    let mut out = Vec::new();
    let distinct: BTreeSet<&String> = statements.iter().collect();
    for sql in distinct {
        let text = sql.trim().to_string();
        let head = text.trim_start().to_ascii_uppercase();
        if !(head.starts_with("SELECT") || head.starts_with("WITH")) {
            continue;
        }
        let plan: Vec<(i64, i64, i64, String)> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("EXPLAIN QUERY PLAN {text}")))
                .fetch_all(&mut *conn)
                .await
                .unwrap_or_else(|e| panic!("EXPLAIN of {text}: {e}"));
        // Sorting the whole result (not only ties of an index order, "RIGHT PART") reads it all.
        let sorted = plan.iter().any(|(_, _, _, d)| d == "USE TEMP B-TREE FOR ORDER BY");
        let limited = head.contains(" LIMIT ");
        let allowed = ALL_TIME.iter().any(|a| text.contains(a));
        for (_, _, _, detail) in &plan {
            if allowed && detail.starts_with("SEARCH ") && !detail.contains(" COVERING INDEX ") {
                out.push(format!("an all-time read not from a covering index: {detail}  <-  {text}"));
            }
            let Some((table, full_scan)) = whole_history_read(detail) else { continue };
            // A newest-first read with a LIMIT stops early; a sort or no limit reads it all.
            if HISTORY_TABLES.contains(&table) && (full_scan || sorted || !limited) && !allowed {
                out.push(format!("{detail}  <-  {text}"));
            }
        }
    }
    out
}

/// Runs what the screens run on a day of the history: Today, the day's
/// meals, week and month, body, activities, copy-day and delete-day, and
/// the first search (which builds the search documents).
async fn screens(store: &Store, me: &profile::Profile, date: NaiveDate) {
    dashboard::day(store, me, date).await.unwrap();
    wagner::nutrition::day_view(store, me, date).await.unwrap();
    dashboard::period(store, me, dashboard::PeriodKind::Week, date).await.unwrap();
    dashboard::period(store, me, dashboard::PeriodKind::Month, date).await.unwrap();
    wagner::body::overview::overview(store, me).await.unwrap();
    let list = wagner::activities::view::list(store, &me.id, 20).await.unwrap();
    wagner::activities::view::detail(store, &me.id, &list[0].id).await.unwrap();
    let copied =
        wagner::nutrition::meals::copy_day_tx(store, me, date - Duration::days(1), date + Duration::days(1))
            .await
            .unwrap();
    assert!(!copied.is_empty(), "the day before {date} has meals to copy");
    let mut conn = store.pool().acquire().await.unwrap();
    let ids = wagner::nutrition::meals::ids_on(&mut conn, &me.id, date + Duration::days(1)).await.unwrap();
    drop(conn);
    wagner::nutrition::meals::delete_with_undo(store, &me.id, &ids).await.unwrap();
    let query = wagner::search::SearchQuery {
        text: "salmon".into(),
        kinds: Vec::new(),
        from: None,
        to: None,
        limit: 10,
    };
    let found = wagner::search::search_with(store, me, &query, None, None).await.unwrap();
    assert!(!found.hits.is_empty(), "three years of dinners include salmon");
}

#[tokio::test]
async fn the_hot_queries_use_indexes_on_a_multi_year_history() {
    let _turn = ONE_AT_A_TIME.lock().await;
    install_capture();
    let (_dir, store, me) = copy_of_history().await;
    let today = clock::local_date(now(), me.tz());
    for with_statistics in [true, false] {
        if !with_statistics {
            // A file that never got ANALYZE: the indexes must still win.
            sqlx::query("DELETE FROM sqlite_stat1").execute(store.pool()).await.unwrap();
            sqlx::query("ANALYZE sqlite_schema").execute(store.pool()).await.unwrap();
        }
        *CAPTURE.lock().unwrap() = Some(Vec::new());
        screens(&store, &me, today - Duration::days(if with_statistics { 3 } else { 400 })).await;
        let seen = CAPTURE.lock().unwrap().take().unwrap_or_default();
        assert!(seen.iter().any(|s| s.contains("meal_logs")), "the statements were captured: {}", seen.len());
        let scans = full_scans(&store, &seen).await;
        assert!(
            scans.is_empty(),
            "full scans of history tables (statistics: {with_statistics}):\n{}",
            scans.join("\n")
        );
    }
}

#[tokio::test]
async fn today_reads_a_bounded_window_and_shows_what_the_whole_history_gives() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let (_dir, store, me) = copy_of_history().await;
    let today = clock::local_date(now(), me.tz());

    // Old unreadable notes are in the history; one note and one real failure this week.
    let old_failed: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM quick_entry_logs WHERE processing_status = 'failed'")
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert!(old_failed > 5, "the generated history has old failed entries: {old_failed}");
    let recent = clock::to_db(now() - Duration::days(2));
    sqlx::query(
        "INSERT INTO quick_entry_logs (id, user_id, input_type, raw_text, processing_status, error_message, logged_at) \
         VALUES ('note', ?1, 'text', 'slept badly', 'failed', \
                 'nothing recognised as a meal, a workout or a measurement: edit the entry', ?2), \
                ('broken', ?1, 'text', '2 eggs', 'failed', \
                 'nothing recognised as a meal, a workout or a measurement (the AI provider failed: timeout)', ?2)",
    )
    .bind(&me.id)
    .bind(&recent)
    .execute(store.pool())
    .await
    .unwrap();

    let day = dashboard::day(&store, &me, today).await.unwrap();
    let listed: Vec<&str> = day.attention.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(day.attention.failed, 1, "only the real failure of the last two weeks: {listed:?}");
    assert!(listed.contains(&"broken") && !listed.contains(&"note"), "{listed:?}");

    // Fitness from the bounded warm-up equals the curve from the first activity on.
    let loads: Vec<(String, f64)> = sqlx::query_as(
        "SELECT local_date, total(training_load) FROM activities WHERE user_id = ? AND local_date <= ? \
         GROUP BY local_date ORDER BY local_date",
    )
    .bind(&me.id)
    .bind(today.to_string())
    .fetch_all(store.pool())
    .await
    .unwrap();
    let first = clock::parse_date(&loads[0].0).unwrap();
    assert!((today - first).num_days() > 2 * 365, "the history is longer than the warm-up");
    let mut daily = vec![0.0; (today - first).num_days() as usize + 1];
    for (d, load) in &loads {
        daily[(clock::parse_date(d).unwrap() - first).num_days() as usize] += load;
    }
    let full = wagner::activities::metrics::fitness_fatigue(&daily);
    let last = full.last().unwrap();
    assert!(last.fitness > 10.0, "a trained athlete: {}", last.fitness);
    assert!(
        (day.training.fitness - last.fitness).abs() < 0.05,
        "{} vs {}",
        day.training.fitness,
        last.fitness
    );
    assert!((day.training.fatigue - last.fatigue).abs() < 0.05);

    // The weight trend from half a year of weigh-ins equals the one from the first.
    let weights: Vec<(String, f64)> = sqlx::query_as(
        "SELECT local_date, weight_kg FROM body_measurements WHERE user_id = ? AND weight_kg IS NOT NULL \
         AND measured_at < ? ORDER BY measured_at",
    )
    .bind(&me.id)
    .bind(clock::to_db(clock::day_bounds_utc(today, me.tz()).1))
    .fetch_all(store.pool())
    .await
    .unwrap();
    let series: Vec<(NaiveDate, f64)> =
        weights.iter().map(|(d, kg)| (clock::parse_date(d).unwrap(), *kg)).collect();
    let full_trend = wagner::body::trend::trend(&series).last().unwrap().trend_kg;
    let shown = day.body.unwrap().trend_kg.unwrap();
    assert!((shown - full_trend).abs() < 0.001, "{shown} vs {full_trend}");
}

#[test]
fn the_export_of_a_multi_year_history_streams_in_bounded_memory() {
    let _turn = ONE_AT_A_TIME.blocking_lock();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("wagner.db");
    std::fs::copy(history_db(), &db).unwrap();
    let db_mb = std::fs::metadata(&db).unwrap().len() / 1_000_000;
    let out = dir.path().join("export");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_wagner"))
        .arg("--db")
        .arg(&db)
        .arg("export")
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    // The largest child's peak resident memory: this test starts no other child.
    let peak_mb = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        assert_eq!(libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage), 0);
        usage.ru_maxrss as u64 / 1024
    };
    let json_mb = std::fs::metadata(out.join("wagner-export.json")).unwrap().len() / 1_000_000;
    assert!(json_mb > 40, "a large export: {json_mb} MB of JSON from a {db_mb} MB database");
    assert!(peak_mb < 150, "export peak RSS {peak_mb} MB for {json_mb} MB of JSON ({db_mb} MB database)");

    // What was streamed reads back: the same rows in a new database.
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let source = Store::open(&db).await.unwrap();
        let before = wagner::backup::table_counts(source.pool()).await.unwrap();
        source.close().await;
        let target = Store::open(&dir.path().join("again.db")).await.unwrap();
        wagner::backup::export::import_export(&target, &out).await.unwrap();
        let after = wagner::backup::table_counts(target.pool()).await.unwrap();
        for table in ["meal_logs", "activities", "activity_streams", "body_measurements", "quick_entry_logs"]
        {
            assert_eq!(after.get(table), before.get(table), "{table}");
        }
    });
}

#[tokio::test]
async fn the_body_chart_reads_a_year_by_day_and_the_rest_in_weekly_averages() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let (_dir, store, me) = copy_of_history().await;
    let o = wagner::body::overview::overview(&store, &me).await.unwrap();

    // Every weigh-in and the trend from the first one, as the chart had them before.
    let all: Vec<(String, String, f64)> = sqlx::query_as(
        "SELECT id, local_date, weight_kg FROM body_measurements WHERE user_id = ? AND weight_kg IS NOT NULL \
         ORDER BY measured_at, id",
    )
    .bind(&me.id)
    .fetch_all(store.pool())
    .await
    .unwrap();
    let series: Vec<(NaiveDate, f64)> =
        all.iter().map(|(_, d, kg)| (clock::parse_date(d).unwrap(), *kg)).collect();
    let full = wagner::body::trend::trend(&series);
    let last = full.last().unwrap().date;
    let from = last - Duration::days(wagner::body::overview::CHART_DAYS - 1);
    assert!((last - full[0].date).num_days() > 2 * 365, "a history longer than the daily series");

    // The daily series: the last year's weigh-ins, and its trend equal to the whole history's.
    let year: Vec<&String> =
        all.iter().filter(|(_, d, _)| clock::parse_date(d).unwrap() >= from).map(|(id, _, _)| id).collect();
    let shown: Vec<&String> = o.weigh_ins.iter().map(|w| &w.id).collect();
    assert_eq!(shown, year, "the chart's weigh-ins are the last year's, oldest first");
    assert!(o.weigh_ins.len() < all.len() / 2, "{} of {} weigh-ins read", o.weigh_ins.len(), all.len());
    let full_year: Vec<_> = full.iter().filter(|p| p.date >= from).collect();
    assert_eq!(o.trend_points.len(), full_year.len());
    for (got, want) in o.trend_points.iter().zip(&full_year) {
        assert_eq!((got.date, got.weight_kg), (want.date, want.weight_kg));
        assert!((got.trend_kg - want.trend_kg).abs() < 1e-6, "{got:?} vs {want:?}");
    }
    let summary = o.trend.as_ref().unwrap();
    assert!((summary.trend_kg - full.last().unwrap().trend_kg).abs() < 1e-6);
    let rate = wagner::body::trend::weekly_rate(&full, wagner::body::overview::RATE_DAYS).unwrap();
    assert!((summary.weekly_rate_kg.unwrap() - rate).abs() < 1e-6);

    // The "all" range: a bounded number of weekly means of the daily weights, covering every day.
    let all_time = o.all_time.as_ref().expect("a history longer than a year has an all-time series");
    let buckets = &all_time.buckets;
    assert!(
        buckets.len() as i64 <= wagner::body::overview::MAX_ALL_TIME_POINTS && buckets.len() > 50,
        "{} buckets of {} days",
        buckets.len(),
        all_time.bucket_days
    );
    assert_eq!(buckets.first().unwrap().from, full[0].date.to_string());
    assert_eq!(buckets.last().unwrap().to, last.to_string());
    assert_eq!(buckets.iter().map(|b| b.days as usize).sum::<usize>(), full.len(), "every weigh-in day once");
    let width = i64::from(all_time.bucket_days);
    for b in buckets {
        let (start, end) = (clock::parse_date(&b.from).unwrap(), clock::parse_date(&b.to).unwrap());
        assert!((end - start).num_days() < width, "{b:?}");
        let days: Vec<f64> =
            full.iter().filter(|p| p.date >= start && p.date <= end).map(|p| p.weight_kg).collect();
        let mean = days.iter().sum::<f64>() / days.len() as f64;
        assert_eq!(days.len(), b.days as usize, "{b:?}");
        assert!((b.weight_kg - mean).abs() < 1e-9, "{b:?} vs {mean}");
    }
    // Buckets count back from the last day: the last one ends on it, none straddles a boundary.
    for b in buckets {
        let back = |d: &str| (last - clock::parse_date(d).unwrap()).num_days() / width;
        assert_eq!(back(&b.from), back(&b.to), "{b:?}");
    }

    // A year or less of weigh-ins: the daily series is all of it, as before.
    sqlx::query("DELETE FROM body_measurements WHERE user_id = ? AND local_date < ?")
        .bind(&me.id)
        .bind(from.to_string())
        .execute(store.pool())
        .await
        .unwrap();
    let o = wagner::body::overview::overview(&store, &me).await.unwrap();
    assert!(o.all_time.is_none());
    assert_eq!(o.weigh_ins.len(), year.len());
}
