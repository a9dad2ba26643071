//! Local embeddings: search documents for everything logged (see
//! [`documents`]), their all-MiniLM-L6-v2 vectors in the sqlite-vec table
//! `quick_entry_embedding_vectors`, and the background queue that keeps them
//! current without ever holding up logging.
//!
//! Without the model files or ONNX Runtime nothing fails: documents (and so
//! keyword search) are still kept, and vectors wait until the model appears.

pub mod cli;
pub mod documents;
pub mod model;
mod queue;

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;

pub use documents::{SourceKind, SyncReport};
pub use model::{DIMENSIONS, Embedder, MODEL_ID, ModelLocation, locate, vector_blob};
pub use queue::{EmbedQueue, QueueStatus};

use crate::error::Result;
use crate::profile::Profile;
use crate::store::Store;

/// Brings every profile's documents up to date (no model needed).
pub async fn sync_all(store: &Store) -> Result<SyncReport> {
    let users: Vec<(String, String)> =
        sqlx::query_as("SELECT id, coalesce(json_extract(settings, '$.time_zone'), 'UTC') FROM users")
            .fetch_all(store.pool())
            .await?;
    let mut total = SyncReport::default();
    for (user_id, tz) in users {
        let tz = tz.parse().unwrap_or(chrono_tz::Tz::UTC);
        let r = documents::sync(store.pool(), &user_id, tz).await?;
        total.created += r.created;
        total.updated += r.updated;
        total.unchanged += r.unchanged;
        total.removed += r.removed;
    }
    Ok(total)
}

/// Documents of one profile, for the UI and `wagner embed`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EmbeddingCounts {
    pub documents: u32,
    pub embedded: u32,
    pub pending: u32,
}

pub async fn counts(store: &Store, profile: &Profile) -> Result<EmbeddingCounts> {
    let (documents, embedded): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COALESCE(SUM(embedded_hash IS NOT NULL AND embedded_hash = content_hash \
         AND embedding_model = ?), 0) FROM quick_entry_embeddings WHERE user_id = ?",
    )
    .bind(MODEL_ID)
    .bind(&profile.id)
    .fetch_one(store.pool())
    .await?;
    Ok(EmbeddingCounts {
        documents: documents as u32,
        embedded: embedded as u32,
        pending: (documents - embedded).max(0) as u32,
    })
}

/// What one [`embed_pending`] run did.
#[derive(Debug, Clone, Copy, Default, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EmbedReport {
    /// Vectors computed by the model.
    pub embedded: u32,
    /// Vectors copied from another document with the same text (same model).
    pub reused: u32,
}

/// Texts per round: sorted by length across the round, so the model's
/// batches (of [`model::BATCH_SIZE`]) hold texts of similar length.
const ROUND: usize = 256;

#[derive(sqlx::FromRow)]
struct Pending {
    id: String,
    user_id: String,
    content_text: String,
    content_hash: String,
    /// Set when the document had a vector (then it is replaced).
    embedded_hash: Option<String>,
}

/// Float vectors but not one binary copy: O(1) (two EXISTS on the vec0
/// row-id tables), for every open; [`bits_missing`] counts.
pub(crate) async fn bits_all_missing(conn: &mut sqlx::SqliteConnection) -> Result<bool> {
    Ok(sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM quick_entry_embedding_vectors_rowids) \
         AND NOT EXISTS (SELECT 1 FROM quick_entry_embedding_vectors_bits_rowids)",
    )
    .fetch_one(conn)
    .await?)
}

/// Whether some float vectors have no binary copy (a read: two counts).
pub(crate) async fn bits_missing(conn: &mut sqlx::SqliteConnection) -> Result<bool> {
    let (floats, bits): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM quick_entry_embedding_vectors), \
         (SELECT COUNT(*) FROM quick_entry_embedding_vectors_bits)",
    )
    .fetch_one(conn)
    .await?;
    Ok(floats != bits)
}

/// Fills the binary copies of float vectors that have none: vectors written
/// before the binary table existed, or imported from an export (which
/// carries only the float ones). Row by row, because `INSERT ... SELECT`
/// loses the bit subtype of `vec_quantize_binary`'s result.
pub(crate) async fn fill_missing_bits(conn: &mut sqlx::SqliteConnection) -> Result<u64> {
    if !bits_missing(conn).await? {
        return Ok(0);
    }
    let missing: Vec<(String, String, Vec<u8>)> = sqlx::query_as(
        "SELECT v.embedding_id, v.user_id, v.embedding FROM quick_entry_embedding_vectors v \
         WHERE v.embedding_id NOT IN (SELECT embedding_id FROM quick_entry_embedding_vectors_bits)",
    )
    .fetch_all(&mut *conn)
    .await?;
    for (id, user_id, embedding) in &missing {
        sqlx::query(
            "INSERT INTO quick_entry_embedding_vectors_bits (embedding_id, user_id, embedding) \
             VALUES (?, ?, vec_quantize_binary(?))",
        )
        .bind(id)
        .bind(user_id)
        .bind(embedding)
        .execute(&mut *conn)
        .await?;
    }
    Ok(missing.len() as u64)
}

/// Whether any profile has a document waiting for its vector (same test as
/// [`embed_pending`]).
pub async fn has_pending(store: &Store) -> Result<bool> {
    Ok(sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM quick_entry_embeddings \
         WHERE content_text IS NOT NULL AND content_hash IS NOT NULL \
         AND (embedded_hash IS NULL OR embedded_hash <> content_hash OR embedding_model <> ?))",
    )
    .bind(MODEL_ID)
    .fetch_one(store.pool())
    .await?)
}

/// Embeds every document whose vector is missing, of older text, or of
/// another model (`user_id` None = every profile). `progress(done, total)`
/// is called after each round. Text seen before (same hash, same model) is
/// never embedded twice: its vector is copied.
pub async fn embed_pending(
    store: &Store,
    embedder: &Arc<Embedder>,
    user_id: Option<&str>,
    mut progress: impl FnMut(usize, usize),
) -> Result<EmbedReport> {
    let pool = store.pool();
    let pending: Vec<Pending> = sqlx::query_as(
        "SELECT id, user_id, content_text, content_hash, embedded_hash FROM quick_entry_embeddings \
         WHERE content_text IS NOT NULL AND content_hash IS NOT NULL \
         AND (embedded_hash IS NULL OR embedded_hash <> content_hash OR embedding_model <> ?) \
         AND (?2 IS NULL OR user_id = ?2) ORDER BY length(content_text), id",
    )
    .bind(MODEL_ID)
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    let total = pending.len();
    let mut report = EmbedReport::default();
    let mut done = 0;
    // The model computes the next round while this one is written: the two
    // cores do both at once instead of waiting on each other.
    let mut rounds = pending.chunks(ROUND);
    let mut next = match rounds.next() {
        Some(round) => Some((round, start_round(pool, embedder, round).await?)),
        None => None,
    };
    while let Some((round, (mut vectors, to_embed, computing))) = next.take() {
        let computed = computing
            .await
            .map_err(|e| crate::Error::ModelUnavailable(format!("the embedding thread stopped: {e}")))??;
        report.embedded += computed.len() as u32;
        for (key, vector) in to_embed.into_iter().zip(computed) {
            vectors.insert(key, vector_blob(&vector));
        }
        if let Some(following) = rounds.next() {
            next = Some((following, start_round(pool, embedder, following).await?));
        }
        write_round(pool, round, &vectors).await?;
        done += round.len();
        progress(done, total);
    }
    report.reused = (total as u32).saturating_sub(report.embedded);
    Ok(report)
}

type Key = (String, String);
type Computing = tokio::task::JoinHandle<Result<Vec<Vec<f32>>>>;

/// Finds the vectors of text seen before and starts the model on the rest.
async fn start_round(
    pool: &sqlx::SqlitePool,
    embedder: &Arc<Embedder>,
    round: &[Pending],
) -> Result<(HashMap<Key, Vec<u8>>, Vec<Key>, Computing)> {
    // Reuse: a vector already computed for the same text of this user. The
    // document is found by its hash index first and its vector by key, so
    // the lookup never walks the vector table.
    let mut vectors: HashMap<Key, Vec<u8>> = HashMap::new();
    for doc in round {
        let key = (doc.user_id.clone(), doc.content_hash.clone());
        if vectors.contains_key(&key) {
            continue;
        }
        let twin: Option<String> = sqlx::query_scalar(
            "SELECT id FROM quick_entry_embeddings WHERE user_id = ? AND content_hash = ? \
             AND embedded_hash = content_hash AND embedding_model = ? LIMIT 1",
        )
        .bind(&doc.user_id)
        .bind(&doc.content_hash)
        .bind(MODEL_ID)
        .fetch_optional(pool)
        .await?;
        let Some(twin) = twin else { continue };
        let existing: Option<Vec<u8>> =
            sqlx::query_scalar("SELECT embedding FROM quick_entry_embedding_vectors WHERE embedding_id = ?")
                .bind(&twin)
                .fetch_optional(pool)
                .await?;
        if let Some(blob) = existing {
            vectors.insert(key, blob);
        }
    }
    let mut to_embed: Vec<Key> = Vec::new();
    let mut texts: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for doc in round {
        let key = (doc.user_id.clone(), doc.content_hash.clone());
        if !vectors.contains_key(&key) && seen.insert(key.clone()) {
            to_embed.push(key);
            texts.push(doc.content_text.clone());
        }
    }
    let model = Arc::clone(embedder);
    let computing = tokio::task::spawn_blocking(move || {
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        model.embed(&refs)
    });
    Ok((vectors, to_embed, computing))
}

async fn write_round(
    pool: &sqlx::SqlitePool,
    round: &[Pending],
    vectors: &HashMap<Key, Vec<u8>>,
) -> Result<()> {
    let mut tx = crate::store::begin_write(pool).await?;
    for doc in round {
        let Some(blob) = vectors.get(&(doc.user_id.clone(), doc.content_hash.clone())) else { continue };
        // vec0 rows cannot be updated or replaced: delete, then insert. A
        // document never embedded has no vector to delete.
        if doc.embedded_hash.is_some() {
            for table in ["quick_entry_embedding_vectors", "quick_entry_embedding_vectors_bits"] {
                sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table} WHERE embedding_id = ?")))
                    .bind(&doc.id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        // The document may have been rebuilt or deleted meanwhile: only a
        // row still holding this text gets the vector.
        let marked = sqlx::query(
            "UPDATE quick_entry_embeddings SET embedded_hash = content_hash, embedding_model = ? \
             WHERE id = ? AND user_id = ? AND content_hash = ?",
        )
        .bind(MODEL_ID)
        .bind(&doc.id)
        .bind(&doc.user_id)
        .bind(&doc.content_hash)
        .execute(&mut *tx)
        .await?;
        if marked.rows_affected() == 1 {
            sqlx::query("INSERT INTO quick_entry_embedding_vectors (embedding_id, user_id, embedding) VALUES (?, ?, ?)")
                .bind(&doc.id)
                .bind(&doc.user_id)
                .bind(blob)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO quick_entry_embedding_vectors_bits (embedding_id, user_id, embedding) \
                 VALUES (?, ?, vec_quantize_binary(?))",
            )
            .bind(&doc.id)
            .bind(&doc.user_id)
            .bind(blob)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}
