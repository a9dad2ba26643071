//! `wagner embed`: brings every document up to date and embeds whatever is
//! pending now, with progress on stderr; returns when done.

use std::io::Write;
use std::sync::Arc;

use serde::Serialize;

use super::{EmbedReport, EmbeddingCounts, SyncReport, counts, embed_pending, sync_all};
use crate::error::{Error, Result};
use crate::profile;
use crate::store::Store;

#[derive(Debug, Serialize)]
struct Outcome {
    documents: SyncReport,
    vectors: EmbedReport,
    counts: EmbeddingCounts,
    model_dir: String,
}

pub async fn run(store: &Store, as_json: bool) -> Result<String> {
    let profile = profile::require_default(store).await?;
    let synced = sync_all(store).await?;
    let embedder = tokio::task::spawn_blocking(crate::search::shared_embedder)
        .await
        .map_err(|e| Error::ModelUnavailable(format!("loading the model stopped: {e}")))??;
    let quiet = as_json;
    let report = embed_pending(store, &Arc::clone(&embedder), None, |done, total| {
        if !quiet {
            eprint!("\rembedding {done}/{total}");
            let _ = std::io::stderr().flush();
        }
    })
    .await?;
    if !quiet && report.embedded + report.reused > 0 {
        eprintln!();
    }
    let counts = counts(store, &profile).await?;
    let outcome = Outcome {
        documents: synced,
        vectors: report,
        counts,
        model_dir: embedder.location().dir.display().to_string(),
    };
    if as_json {
        return serde_json::to_string_pretty(&outcome)
            .map(|s| s + "\n")
            .map_err(|e| Error::invalid(format!("encoding JSON: {e}")));
    }
    Ok(format!(
        "embedded {} entries ({} reused an identical text's vector); {} of {} searchable by meaning\n",
        outcome.vectors.embedded + outcome.vectors.reused,
        outcome.vectors.reused,
        outcome.counts.embedded,
        outcome.counts.documents
    ))
}
