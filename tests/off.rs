//! Open Food Facts barcode lookup against a loopback stub serving real
//! product API v2 response bodies (tests/fixtures/nutrition/off-*.json).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod support;

use wagner::nutrition::{foods, off};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/nutrition").join(name),
    )
    .unwrap()
}

#[tokio::test]
async fn an_unknown_barcode_is_found_on_open_food_facts_and_kept_for_offline_use() {
    let (_dir, store, me) = support::store_with_profile("Me", "UTC").await;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/product/3017624010701.json"))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture("off-product-3017624010701.json")))
        .expect(1)
        .mount(&server)
        .await;

    let hit = off::lookup(&store, &me.id, "3017624010701", &server.uri()).await.unwrap();
    assert_eq!(hit.name, "Nutella");
    assert_eq!(hit.brand_name.as_deref(), Some("Nutella, Ferrero"));
    assert_eq!((hit.source.as_str(), hit.calories), ("open_food_facts", Some(539.0)));
    let food = foods::get(&store, &me.id, &hit.id).await.unwrap();
    assert_eq!(food.source_id.as_deref(), Some("3017624010701"));
    assert_eq!(food.nutrients["sodium_mg"], 42.8, "OFF gives sodium in grams");
    assert_eq!(food.nutrients["saturated_fat_g"], 10.6);
    assert_eq!(food.serving_grams, Some(15.0));
    let tbsp = wagner::nutrition::portions::eaten_of(&food, 1.0, "serving").unwrap();
    assert!((tbsp.food.calories - 80.85).abs() < 0.06, "one 15 g serving: {}", tbsp.food.calories);

    // Cached: the next lookup (or a plain barcode scan) needs no network.
    drop(server);
    let again = off::lookup(&store, &me.id, "3017624010701", "http://127.0.0.1:9").await.unwrap();
    assert_eq!(again.id, hit.id);
    assert_eq!(foods::by_barcode(&store, &me.id, "3017624010701").await.unwrap().id, hit.id);
    let hits = foods::search(&store, &me.id, "nutella", 5).await.unwrap();
    assert_eq!(hits[0].id, hit.id, "and it is searchable");
}

#[tokio::test]
async fn not_found_or_offline_ends_in_the_create_a_custom_food_answer() {
    let (_dir, store, me) = support::store_with_profile("Me", "UTC").await;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/product/5000000000005.json"))
        .respond_with(ResponseTemplate::new(404).set_body_string(fixture("off-not-found.json")))
        .mount(&server)
        .await;
    let err = off::lookup(&store, &me.id, "5000000000005", &server.uri()).await.unwrap_err();
    assert_eq!(err.code(), wagner::ErrorCode::UnknownBarcode);
    assert_eq!(err.to_string(), "no food with barcode 5000000000005");

    // Nothing listening: the same answer, not a crash or a hang.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let err =
        off::lookup(&store, &me.id, "3017624010701", &format!("http://127.0.0.1:{port}")).await.unwrap_err();
    assert_eq!(err.code(), "unknown_barcode");
    // A bad check digit never reaches the network.
    assert_eq!(
        off::lookup(&store, &me.id, "3017624010702", &server.uri()).await.unwrap_err().code(),
        "invalid_input"
    );
    let cached: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM foods_enhanced WHERE source = 'open_food_facts'")
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!(cached, 0);
}
