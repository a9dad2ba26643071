//! Retrieval quality on the labelled set (tests/fixtures/search): a month of
//! quick entries read by the offline parser, 39 queries with their relevant
//! entries. Prints recall@5 and MRR for keyword-only, semantic-only and the
//! hybrid (RRF) search the app uses.
//!
//! `cargo bench -p wagner-coach --bench search_quality` (needs the model from
//! scripts/setup.sh).
//!
//! recall@5 = relevant entries in the top 5 / min(relevant, 5), averaged over
//! queries; MRR = mean of 1 / rank of the first relevant entry (0 if none in
//! the top 10).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

#[path = "../tests/support/search_history.rs"]
mod search_history;

use wagner::embeddings;
use wagner::profile::{self, NewProfile};
use wagner::search::{self, SearchQuery};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let store = wagner::Store::open(&dir.path().join("wagner.db")).await?;
    let me = {
        let mut conn = store.pool().acquire().await?;
        profile::create(
            &mut conn,
            NewProfile {
                full_name: "Ada".into(),
                time_zone: Some("Europe/Berlin".into()),
                ..NewProfile::default()
            },
        )
        .await?
    };
    let ids = search_history::load_history(&store, &me).await;
    let model = search::shared_embedder()?;
    embeddings::sync_all(&store).await?;
    embeddings::embed_pending(&store, &model, None, |_, _| {}).await?;
    let queries = search_history::queries();
    println!("labelled set: {} logged entries, {} queries", ids.len(), queries.len());
    let missing = wagner::Error::ModelUnavailable("measuring keyword only".into());

    println!("{:<14} {:>9} {:>7}", "mode", "recall@5", "MRR");
    for mode in ["keyword", "semantic", "hybrid"] {
        let (mut recall, mut mrr) = (0.0, 0.0);
        let mut misses = Vec::new();
        for (text, labels) in &queries {
            let q = SearchQuery { text: text.clone(), limit: 10, ..Default::default() };
            let results = match mode {
                "keyword" => search::search_with(&store, &me, &q, None, Some(&missing)).await?,
                "semantic" => search::semantic_only(&store, &me, &q, &model).await?,
                _ => search::search_with(&store, &me, &q, Some(&model), None).await?,
            };
            let ranked: Vec<String> = results.hits.iter().filter_map(|h| h.entry_id.clone()).collect();
            let relevant: Vec<String> = labels.iter().filter_map(|l| ids.get(l).cloned()).collect();
            let (r, m) = search_history::score(&ranked, &relevant, 5);
            if r < 1.0 {
                misses.push(format!("{text} ({r:.2})"));
            }
            recall += r;
            mrr += m;
        }
        let n = queries.len() as f64;
        println!("{mode:<14} {:>9.3} {:>7.3}", recall / n, mrr / n);
        if std::env::var_os("VERBOSE").is_some() {
            println!("  incomplete: {}", misses.join("; "));
        }
    }
    Ok(())
}
