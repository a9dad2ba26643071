//! Shared set-up for the integration tests: a real database file in a temp
//! folder and a profile in a given time zone.
#![allow(dead_code)]

use wagner::Store;
use wagner::profile::{self, NewProfile, Profile};

pub async fn temp_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let store = Store::open(&dir.path().join("wagner.db")).await.expect("opening the store");
    (dir, store)
}

pub async fn new_profile(store: &Store, name: &str, tz: &str) -> Profile {
    let mut conn = store.pool().acquire().await.expect("a connection");
    profile::create(
        &mut conn,
        NewProfile { full_name: name.into(), time_zone: Some(tz.into()), ..NewProfile::default() },
    )
    .await
    .expect("creating a profile")
}

/// A temp database with one profile.
pub async fn store_with_profile(name: &str, tz: &str) -> (tempfile::TempDir, Store, Profile) {
    let (dir, store) = temp_store().await;
    let me = new_profile(&store, name, tz).await;
    (dir, store, me)
}
