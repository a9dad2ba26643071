//! The labelled search history (tests/fixtures/search): a month of quick
//! entries logged and read by the offline parser, and the retrieval queries
//! with their relevant entries. Shared by tests/search.rs and the
//! search_quality bench.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::PathBuf;

use wagner::Store;
use wagner::profile::Profile;
use wagner::quick_entry::{self, pipeline};

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/search").join(name)
}

fn rows(name: &str) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(fixture(name)).expect("reading the search fixture");
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.split('|').map(|f| f.trim().to_string()).collect())
        .collect()
}

/// Logs every entry of history.txt at its local date and time; returns
/// label → quick entry id (entries the parser could not read are left out).
pub async fn load_history(store: &Store, me: &Profile) -> HashMap<String, String> {
    let mut ids = HashMap::new();
    for row in rows("history.txt") {
        let [label, date, time, text] = row.as_slice() else { panic!("bad history row {row:?}") };
        let date = wagner::clock::parse_date(date).expect("a date");
        let (h, m) = time.split_once(':').expect("HH:MM");
        let at = wagner::clock::local_to_utc(date, h.parse().unwrap(), m.parse().unwrap(), me.tz());
        let entry = quick_entry::log_text_at(store, me, text, at).await.expect("logging");
        if pipeline::process(store, me, &entry.id, pipeline::Reader::Offline).await.is_ok() {
            ids.insert(label.clone(), entry.id);
        }
    }
    ids
}

/// (query, relevant labels)
pub fn queries() -> Vec<(String, Vec<String>)> {
    rows("queries.txt")
        .into_iter()
        .map(|row| {
            let [query, labels] = row.as_slice() else { panic!("bad query row {row:?}") };
            (query.clone(), labels.split(',').map(|l| l.trim().to_string()).collect())
        })
        .collect()
}

/// recall@k and MRR of ranked entry ids against the relevant ones.
pub fn score(ranked: &[String], relevant: &[String], k: usize) -> (f64, f64) {
    let found = relevant.iter().filter(|r| ranked.iter().take(k).any(|x| x == *r)).count();
    let recall = found as f64 / relevant.len().min(k).max(1) as f64;
    let mrr = ranked.iter().position(|x| relevant.contains(x)).map_or(0.0, |p| 1.0 / (p as f64 + 1.0));
    (recall, mrr)
}
