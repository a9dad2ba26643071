//! Search with the real embedding model (installed by scripts/setup.sh) on
//! real SQLite files: semantic matches without shared words, keyword-only
//! without the model, filters, items logged outside quick entry, the hash
//! that prevents re-embedding, deletion and profile isolation.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

#[path = "support/search_history.rs"]
mod search_history;
mod support;

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use wagner::embeddings::{self, Embedder, SourceKind};
use wagner::search::{self, ItemKind, SearchMode, SearchQuery};

/// The real model. Missing is a failure with the fix, not a skip.
fn model() -> Arc<Embedder> {
    match search::shared_embedder() {
        Ok(model) => model,
        Err(e) => panic!("these tests need the embedding model: {e}"),
    }
}

fn query(text: &str) -> SearchQuery {
    SearchQuery { text: text.into(), ..Default::default() }
}

async fn history()
-> (tempfile::TempDir, wagner::Store, wagner::profile::Profile, std::collections::HashMap<String, String>) {
    let (dir, store, me) = support::store_with_profile("Ada", "Europe/Berlin").await;
    let ids = search_history::load_history(&store, &me).await;
    embeddings::sync_all(&store).await.unwrap();
    embeddings::embed_pending(&store, &model(), None, |_, _| {}).await.unwrap();
    (dir, store, me, ids)
}

#[tokio::test]
async fn meaning_finds_entries_that_share_no_word_with_the_query() {
    let (_dir, store, me, ids) = history().await;
    let results = search::search(&store, &me, &query("porridge for breakfast")).await.unwrap();
    assert_eq!(results.mode, SearchMode::Hybrid);
    assert_eq!(results.notice, None, "everything is embedded");
    let top: Vec<&str> = results.hits.iter().take(5).filter_map(|h| h.entry_id.as_deref()).collect();
    for label in ["oats1", "oats2", "porridge2"] {
        assert!(top.contains(&ids[label].as_str()), "{label} missing from the top 5: {:#?}", results.hits);
    }
    // Each oatmeal hit opens its meal, not the raw entry.
    assert!(results.hits[0].kind == SourceKind::Meal && results.hits[0].similarity.is_some());

    let runs = search::hybrid(&store, &me, &query("jogging")).await.unwrap();
    assert!(runs.len() >= 3);
    for hit in runs.iter().take(3) {
        assert_eq!(hit.kind, SourceKind::Activity, "{hit:?}");
    }
}

#[tokio::test]
async fn without_the_model_search_is_keyword_only_and_says_so() {
    let (_dir, store, me) = support::store_with_profile("Ada", "Europe/Berlin").await;
    let ids = search_history::load_history(&store, &me).await;
    let missing = wagner::Error::ModelUnavailable("the embedding model is not installed".into());
    let words = search::search_with(&store, &me, &query("oatmeal"), None, Some(&missing)).await.unwrap();
    assert_eq!(words.mode, SearchMode::KeywordOnly);
    assert!(words.notice.as_deref().unwrap_or("").contains("keyword search only"), "{:?}", words.notice);
    let found: Vec<&str> = words.hits.iter().filter_map(|h| h.entry_id.as_deref()).collect();
    for label in ["oats1", "oats2", "porridge2"] {
        assert!(found.contains(&ids[label].as_str()), "{label} not found by its word");
    }
    assert!(words.hits.iter().all(|h| h.similarity.is_none()));
    // A word nobody typed finds nothing without meaning.
    let none = search::search_with(&store, &me, &query("porridge"), None, Some(&missing)).await.unwrap();
    assert!(none.hits.is_empty(), "{:?}", none.hits);
}

#[tokio::test]
async fn filters_by_kind_and_local_date_range() {
    let (_dir, store, me, _ids) = history().await;
    let q = SearchQuery {
        text: "running".into(),
        kinds: vec![ItemKind::Workout],
        from: Some(wagner::clock::parse_date("2026-10-10").unwrap()),
        to: Some(wagner::clock::parse_date("2026-10-20").unwrap()),
        limit: 20,
    };
    let hits = search::hybrid(&store, &me, &q).await.unwrap();
    assert!(!hits.is_empty());
    for hit in &hits {
        assert_eq!(hit.kind, SourceKind::Activity, "{hit:?}");
        assert!(("2026-10-10".."2026-10-21").contains(&hit.date.as_str()), "{hit:?}");
    }
    assert!(hits.iter().any(|h| h.text.contains("10k race")), "{hits:#?}");

    let meals = SearchQuery { text: "salmon".into(), kinds: vec![ItemKind::Meal], ..Default::default() };
    let hits = search::hybrid(&store, &me, &meals).await.unwrap();
    assert!(hits.iter().all(|h| h.kind == SourceKind::Meal));
    assert!(search::search(&store, &me, &SearchQuery { from: q.to, to: q.from, ..q.clone() }).await.is_err());
}

#[tokio::test]
async fn items_logged_outside_quick_entry_are_searchable_and_deleting_them_drops_the_vector() {
    let (_dir, store, me) = support::store_with_profile("Ada", "Europe/Berlin").await;
    let mut tx = store.pool().begin().await.unwrap();
    let meal = wagner::nutrition::insert_meal(
        &mut tx,
        &me,
        &wagner::nutrition::NewMeal {
            category: wagner::nutrition::MealCategory::Dinner,
            logged_at: Utc.with_ymd_and_hms(2026, 11, 3, 18, 0, 0).unwrap(),
            name: Some("Ramen night".into()),
            foods: vec![wagner::nutrition::MealFood {
                name: "Pork ramen noodle soup".into(),
                quantity: 1.0,
                unit: "bowl".into(),
                grams: Some(550.0),
                calories: 690.0,
                protein_g: 32.0,
                carbs_g: 80.0,
                fat_g: 24.0,
                food_id: None,
                nutrients: Default::default(),
            }],
            source: wagner::nutrition::MealSource::Manual,
            quick_entry_log_id: None,
            ai_extracted: false,
            ai_confidence: None,
            image_url: None,
        },
    )
    .await
    .unwrap();
    let ride = wagner::activities::insert(
        &mut tx,
        &me,
        &wagner::activities::NewActivity {
            name: "Gravel loop".into(),
            activity_type: wagner::activities::ActivityType::Ride,
            source: wagner::activities::ActivitySource::Manual,
            start_date: Utc.with_ymd_and_hms(2026, 11, 4, 9, 0, 0).unwrap(),
            elapsed_time_seconds: 7200,
            moving_time_seconds: Some(6900),
            distance_meters: Some(51_000.0),
            calories: None,
            average_heartrate: Some(138),
            notes: None,
            quick_entry_log_id: None,
            ai_extracted: false,
            segments: vec![],
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let synced = embeddings::sync_all(&store).await.unwrap();
    assert_eq!(synced.created, 2);
    let report = embeddings::embed_pending(&store, &model(), None, |_, _| {}).await.unwrap();
    assert_eq!(report.embedded, 2);

    let hits = search::hybrid(&store, &me, &query("japanese noodles")).await.unwrap();
    assert_eq!((hits[0].kind, hits[0].id.as_str()), (SourceKind::Meal, meal.as_str()), "{hits:#?}");
    assert_eq!(hits[0].date, "2026-11-03");
    let hits = search::hybrid(&store, &me, &query("cycling")).await.unwrap();
    assert_eq!((hits[0].kind, hits[0].id.as_str()), (SourceKind::Activity, ride.as_str()), "{hits:#?}");

    sqlx::query("DELETE FROM meal_logs WHERE id = ?").bind(&meal).execute(store.pool()).await.unwrap();
    let vectors: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM quick_entry_embedding_vectors WHERE user_id = ?")
            .bind(&me.id)
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!(vectors, 1, "the meal's vector went with it");
    let hits = search::hybrid(&store, &me, &query("ramen")).await.unwrap();
    assert!(hits.iter().all(|h| h.id != meal));
}

#[tokio::test]
async fn unchanged_text_is_never_embedded_twice_and_a_new_model_re_embeds() {
    let (_dir, store, me) = support::store_with_profile("Ada", "UTC").await;
    let model = model();
    let mut entries = Vec::new();
    for text in ["oatmeal with banana", "oatmeal with banana", "ran 5k in 25 minutes"] {
        let e = wagner::quick_entry::log_text(&store, &me, text).await.unwrap();
        wagner::quick_entry::pipeline::process(
            &store,
            &me,
            &e.id,
            wagner::quick_entry::pipeline::Reader::Offline,
        )
        .await
        .unwrap();
        entries.push(e.id);
    }
    embeddings::sync_all(&store).await.unwrap();
    let first = embeddings::embed_pending(&store, &model, None, |_, _| {}).await.unwrap();
    assert_eq!((first.embedded, first.reused), (2, 1), "the repeated breakfast is embedded once");
    let again = embeddings::embed_pending(&store, &model, None, |_, _| {}).await.unwrap();
    assert_eq!((again.embedded, again.reused), (0, 0));

    // Touching the rows without changing the text: rebuilt, not re-embedded.
    sqlx::query("UPDATE quick_entry_logs SET logged_at = logged_at WHERE id = ?")
        .bind(&entries[2])
        .execute(store.pool())
        .await
        .unwrap();
    let synced = embeddings::sync_all(&store).await.unwrap();
    assert_eq!((synced.updated, synced.unchanged), (0, 1));
    let after_touch = embeddings::embed_pending(&store, &model, None, |_, _| {}).await.unwrap();
    assert_eq!(after_touch.embedded, 0);

    // An edit changes the text: that entry alone is embedded again.
    wagner::quick_entry::pipeline::edit(
        &store,
        &me,
        &entries[2],
        "swam 1500 m in 30 minutes",
        wagner::quick_entry::pipeline::Reader::Offline,
    )
    .await
    .unwrap();
    embeddings::sync_all(&store).await.unwrap();
    let edited = embeddings::embed_pending(&store, &model, None, |_, _| {}).await.unwrap();
    assert_eq!(edited.embedded, 1);
    let hits = search::hybrid(&store, &me, &query("swimming")).await.unwrap();
    assert_eq!(hits[0].entry_id.as_deref(), Some(entries[2].as_str()));

    // Vectors of another model are re-embedded lazily, on the next run.
    sqlx::query("UPDATE quick_entry_embeddings SET embedding_model = 'old-model' WHERE user_id = ?")
        .bind(&me.id)
        .execute(store.pool())
        .await
        .unwrap();
    let counts = embeddings::counts(&store, &me).await.unwrap();
    assert_eq!(counts.pending, 3);
    let results = search::search(&store, &me, &query("oatmeal")).await.unwrap();
    assert!(results.notice.as_deref().unwrap_or("").contains("not embedded yet"), "{:?}", results.notice);
    let redone = embeddings::embed_pending(&store, &model, None, |_, _| {}).await.unwrap();
    assert_eq!(redone.embedded + redone.reused, 3);
    assert_eq!(embeddings::counts(&store, &me).await.unwrap().pending, 0);
}

#[tokio::test]
async fn deleting_an_entry_deletes_its_document_and_vector() {
    let (_dir, store, me, ids) = history().await;
    let entry = &ids["swim1"];
    sqlx::query("DELETE FROM quick_entry_logs WHERE id = ?").bind(entry).execute(store.pool()).await.unwrap();
    let docs: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM quick_entry_embeddings WHERE quick_entry_log_id = ?")
            .bind(entry)
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!(docs, 0);
    let (documents, vectors): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM quick_entry_embeddings WHERE user_id = ?1), \
         (SELECT COUNT(*) FROM quick_entry_embedding_vectors WHERE user_id = ?1)",
    )
    .bind(&me.id)
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(documents, vectors, "no orphan vector");
    // The swim it logged stays (entries' rows outlive them) and is searchable on its own.
    let hits = search::hybrid(&store, &me, &query("swim 1500 m")).await.unwrap();
    assert!(hits.iter().any(|h| h.kind == SourceKind::Activity && h.entry_id.is_none()), "{hits:#?}");
}

#[tokio::test]
async fn similar_meals_are_meals_and_similar_workouts_are_workouts() {
    let (_dir, store, me, ids) = history().await;
    let oats_meal: String = sqlx::query_scalar("SELECT id FROM meal_logs WHERE quick_entry_log_id = ?")
        .bind(&ids["oats1"])
        .fetch_one(store.pool())
        .await
        .unwrap();
    let similar = search::similar(&store, &me, SourceKind::Meal, &oats_meal, 3).await.unwrap();
    assert_eq!(similar.len(), 3);
    assert!(similar.iter().all(|h| h.kind == SourceKind::Meal && h.id != oats_meal), "{similar:#?}");
    let top: Vec<&str> = similar.iter().filter_map(|h| h.entry_id.as_deref()).collect();
    assert!(top.contains(&ids["oats2"].as_str()) && top.contains(&ids["porridge2"].as_str()), "{similar:#?}");

    let run: String = sqlx::query_scalar("SELECT id FROM activities WHERE quick_entry_log_id = ?")
        .bind(&ids["run5k1"])
        .fetch_one(store.pool())
        .await
        .unwrap();
    let similar = search::similar(&store, &me, SourceKind::Activity, &run, 3).await.unwrap();
    assert!(similar.iter().all(|h| h.kind == SourceKind::Activity));
    assert_eq!(similar[0].entry_id.as_deref(), Some(ids["run5k2"].as_str()), "{similar:#?}");
    assert!(search::similar(&store, &me, SourceKind::Meal, "no-such-meal", 3).await.is_err());
}

#[tokio::test]
async fn one_profile_never_finds_another_profiles_entries() {
    let (_dir, store, me, _ids) = history().await;
    let other = support::new_profile(&store, "Bob", "UTC").await;
    let e = wagner::quick_entry::log_text(&store, &other, "oatmeal with peanut butter").await.unwrap();
    wagner::quick_entry::pipeline::process(
        &store,
        &other,
        &e.id,
        wagner::quick_entry::pipeline::Reader::Offline,
    )
    .await
    .unwrap();
    embeddings::sync_all(&store).await.unwrap();
    embeddings::embed_pending(&store, &model(), None, |_, _| {}).await.unwrap();
    let mine = search::hybrid(&store, &me, &SearchQuery { limit: 100, ..query("oatmeal peanut butter") })
        .await
        .unwrap();
    assert!(mine.iter().all(|h| h.entry_id.as_deref() != Some(e.id.as_str())));
    let theirs = search::hybrid(&store, &other, &query("oatmeal")).await.unwrap();
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0].entry_id.as_deref(), Some(e.id.as_str()));
}

/// A paused queue embeds nothing (even the round it was in rolls back);
/// resumed, it finishes every pending document.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_background_queue_pauses_and_resumes_indexing() {
    let (_dir, store, me) = support::store_with_profile("Ada", "Europe/Berlin").await;
    search_history::load_history(&store, &me).await;
    model();
    let queue = embeddings::EmbedQueue::start(store.clone(), Vec::new());
    queue.set_paused(true);
    assert!(queue.status().paused);
    // Long enough for several polls and rounds had it not been paused.
    tokio::time::sleep(std::time::Duration::from_secs(8)).await;
    let counts = embeddings::counts(&store, &me).await.unwrap();
    assert_eq!(counts.embedded, 0, "paused, yet {counts:?}");
    assert!(!queue.status().busy);

    queue.set_paused(false);
    let mut waited = 0;
    loop {
        let counts = embeddings::counts(&store, &me).await.unwrap();
        if counts.documents > 0 && counts.pending == 0 {
            assert_eq!(counts.embedded, counts.documents);
            break;
        }
        waited += 1;
        assert!(waited < 240, "resumed, but still {counts:?} after 2 minutes");
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    assert!(!queue.status().paused);
}

/// An idle window lets the model go (its memory back to the system) and the
/// next search loads it again, with the same results.
#[tokio::test]
async fn an_idle_model_is_released_and_the_next_search_loads_it_again() {
    let (_dir, store, me, _ids) = history().await;
    let before = search::search(&store, &me, &query("porridge for breakfast")).await.unwrap();
    assert!(!search::release_shared_embedder_if_idle(std::time::Duration::from_secs(3600)), "just used");
    assert!(search::release_shared_embedder_if_idle(std::time::Duration::ZERO));
    let after = search::search(&store, &me, &query("porridge for breakfast")).await.unwrap();
    assert_eq!(after.mode, SearchMode::Hybrid);
    let ids = |r: &search::SearchResults| r.hits.iter().map(|h| h.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&before), ids(&after));
}

/// Every float vector has its binary copy (the coarse KNN reads those), a
/// deleted entry loses both, and a re-imported export gets them back.
#[tokio::test]
async fn binary_copies_follow_the_float_vectors() {
    let (dir, store, me, ids) = history().await;
    let count = |table: &'static str| {
        let pool = store.pool().clone();
        async move {
            sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let floats = count("quick_entry_embedding_vectors").await;
    assert!(floats > 40);
    assert_eq!(count("quick_entry_embedding_vectors_bits").await, floats);

    sqlx::query("DELETE FROM quick_entry_logs WHERE id = ?")
        .bind(&ids["oats1"])
        .execute(store.pool())
        .await
        .unwrap();
    let floats = count("quick_entry_embedding_vectors").await;
    assert_eq!(count("quick_entry_embedding_vectors_bits").await, floats);
    let top = search::search(&store, &me, &query("porridge for breakfast")).await.unwrap();
    assert!(top.hits.iter().all(|h| h.entry_id.as_deref() != Some(ids["oats1"].as_str())));

    let export = dir.path().join("export");
    wagner::backup::export::export(&store, &export).await.unwrap();
    let copy = wagner::Store::open(&dir.path().join("copy.db")).await.unwrap();
    wagner::backup::export::import_export(&copy, &export).await.unwrap();
    let copied: (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM quick_entry_embedding_vectors), (SELECT COUNT(*) FROM quick_entry_embedding_vectors_bits)",
    )
    .fetch_one(copy.pool())
    .await
    .unwrap();
    assert_eq!(copied, (floats, floats));
    let again = search::search(&copy, &me, &query("porridge for breakfast")).await.unwrap();
    assert_eq!(again.hits.first().map(|h| &h.id), top.hits.first().map(|h| &h.id));

    // A database from before the binary copies gets them when it opens.
    sqlx::query("DELETE FROM quick_entry_embedding_vectors_bits").execute(copy.pool()).await.unwrap();
    copy.close().await;
    let reopened = wagner::Store::open(&dir.path().join("copy.db")).await.unwrap();
    let bits: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM quick_entry_embedding_vectors_bits")
        .fetch_one(reopened.pool())
        .await
        .unwrap();
    assert_eq!(bits, floats);
}

/// Whether this process has the database file memory-mapped (Linux: /proc/self/maps).
#[cfg(target_os = "linux")]
fn file_is_mapped(store: &wagner::Store) -> bool {
    let path = std::fs::canonicalize(store.path()).unwrap();
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
    maps.lines().any(|line| line.ends_with(&*path.to_string_lossy()))
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn the_file_is_memory_mapped_only_while_a_search_over_many_vectors_runs() {
    let (_dir, store, me, _ids) = history().await;
    // Every page in the file itself, so a mapped read would show in the maps.
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(store.pool()).await.unwrap();
    let plain = search::search(&store, &me, &query("porridge for breakfast")).await.unwrap();
    assert!(!file_is_mapped(&store), "a small history is read through the page cache, not a map");

    // The same search treated as one over many vectors: same answer, and the map goes with it.
    store.set_map_from_vectors(1);
    let mapped = search::search(&store, &me, &query("porridge for breakfast")).await.unwrap();
    let ids =
        |r: &search::SearchResults| r.hits.iter().map(|h| (h.id.clone(), h.similarity)).collect::<Vec<_>>();
    assert_eq!(ids(&mapped), ids(&plain));
    assert!(!file_is_mapped(&store), "the map is dropped when the search ends");

    let mut scan = store.scan_connection().await.unwrap();
    assert!(scan.is_mapped());
    let _: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM quick_entry_embedding_vectors")
        .fetch_one(scan.conn().unwrap())
        .await
        .unwrap();
    assert!(file_is_mapped(&store), "the scan reads through the map");
    scan.release().await;
    assert!(!file_is_mapped(&store));

    // A scan that ends without release (an error, a cancelled command) closes its connection.
    let mut scan = store.scan_connection().await.unwrap();
    let _: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM quick_entry_embedding_vectors")
        .fetch_one(scan.conn().unwrap())
        .await
        .unwrap();
    assert!(file_is_mapped(&store));
    drop(scan);
    let mut gone = false;
    for _ in 0..100 {
        if !file_is_mapped(&store) {
            gone = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(gone, "a dropped scan's connection is closed with its map");

    store.set_map_from_vectors(wagner::store::MAP_FROM_VECTORS);
    let scan = store.scan_connection().await.unwrap();
    assert!(!scan.is_mapped(), "a few dozen vectors are far below the threshold");
    scan.release().await;
}
