//! End-to-end: global search in the real window finds a logged entry by
//! meaning (the query shares no word with it). Needs the embedding model
//! (scripts/setup.sh installs it).

#![cfg(unix)]

mod e2e_support;

use e2e_support::*;
use wagner::{Store, embeddings, profile, quick_entry};

#[tokio::test]
#[ignore = "drives the real window: run by scripts/test.sh under xvfb-run"]
async fn global_search_finds_a_logged_entry_by_meaning() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path()).await;
    {
        let store = Store::open(&db).await.unwrap();
        let me = profile::require_default(&store).await.unwrap();
        let entry =
            quick_entry::log_text(&store, &me, "steel cut oatmeal with blueberries and honey").await.unwrap();
        quick_entry::pipeline::process(&store, &me, &entry.id, quick_entry::pipeline::Reader::Offline)
            .await
            .unwrap();
        embeddings::sync_all(&store).await.unwrap();
        let model =
            wagner::search::shared_embedder().unwrap_or_else(|e| panic!("this test needs the model: {e}"));
        embeddings::embed_pending(&store, &model, None, |_, _| {}).await.unwrap();
        store.close().await;
    }
    let driver = start_driver(&db).await;
    let client = open_window(&driver).await;
    testid(&client, "today-page").await;

    testid(&client, "search-open").await.click().await.unwrap();
    let input = testid(&client, "search-input").await;
    input.send_keys("porridge").await.unwrap();
    eventually("a search result about oatmeal", || async {
        let found = texts(&client, "search-result-text").await;
        // "porridge" is never typed in the demo: only meaning finds its oatmeal breakfasts, first.
        if found.first().is_some_and(|t| t.to_lowercase().contains("oatmeal")) {
            Ok(())
        } else {
            Err(format!("results: {found:?}"))
        }
    })
    .await;
    save_screenshot(&client, "search").await;

    // Enter opens the selected result's page (a meal: Nutrition) and closes the dialog.
    input.send_keys("\u{E007}").await.unwrap();
    eventually("Enter opens the meal's page", || async {
        let url = client.current_url().await.map(|u| u.to_string()).unwrap_or_default();
        let open = client.find(Locator::Css("dialog[open]")).await.is_ok();
        if url.ends_with("#/nutrition") && !open {
            Ok(())
        } else {
            Err(format!("url {url}, dialog open: {open}"))
        }
    })
    .await;
    client.close().await.unwrap();
}
