//! Wagner Coach core: the schema, domain types and queries, and everything the
//! CLI and the desktop shell call. No UI dependency: every feature is
//! reachable from a Rust test first.

pub mod activities;
pub mod ai;
pub mod attachments;
pub mod backup;
pub mod body;
pub mod clock;
pub mod coach;
pub mod dashboard;
pub mod demo;
pub mod embeddings;
pub mod error;
pub mod http;
pub mod imports;
pub mod integrations;
pub mod models;
pub mod nutrition;
pub mod plausibility;
pub mod profile;
pub mod programs;
pub mod quick_entry;
pub mod search;
pub mod store;
pub mod sync;
pub mod tables;
pub mod text;
pub mod voice;

pub use error::{Error, ErrorCode, Result};
pub use store::Store;

/// New primary key: UUIDv7 text, time-ordered so inserts stay index-friendly.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
