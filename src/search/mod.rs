//! Hybrid search over everything logged: semantic KNN on the sqlite-vec
//! vectors plus keyword BM25 on FTS5, fused by reciprocal rank fusion,
//! filterable by kind and local date range; and "similar meals / workouts"
//! for one item. Without the embedding model it is keyword-only, and says so.
//!
//! The coach calls [`hybrid`]; the CLI and the desktop shell call [`search`]
//! (which also reports the mode) and [`similar`].

pub mod cli;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::embeddings::{self, Embedder, MODEL_ID, SourceKind, vector_blob};
use crate::error::{Error, Result};
use crate::profile::Profile;
use crate::store::Store;

/// RRF constant: ranks matter, raw scores of the two lists do not mix.
const RRF_K: f64 = 60.0;
/// Below this cosine similarity a semantic neighbour is noise, not a match.
const MIN_SIMILARITY: f32 = 0.2;
const MAX_LIMIT: usize = 200;

/// What to look for. Dates are local calendar days, both inclusive.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SearchQuery {
    pub text: String,
    /// Empty = every kind.
    #[serde(default)]
    pub kinds: Vec<ItemKind>,
    #[serde(default)]
    pub from: Option<NaiveDate>,
    #[serde(default)]
    pub to: Option<NaiveDate>,
    /// 0 = the default (10).
    #[serde(default)]
    pub limit: u32,
}

/// The kinds of things one can filter by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Meal,
    Workout,
    Body,
}

impl ItemKind {
    pub fn parse(text: &str) -> Result<Self> {
        match text.trim().to_lowercase().as_str() {
            "meal" | "meals" | "food" | "nutrition" => Ok(ItemKind::Meal),
            "workout" | "workouts" | "activity" | "activities" | "training" => Ok(ItemKind::Workout),
            "body" | "measurement" | "measurements" | "weight" => Ok(ItemKind::Body),
            other => Err(Error::invalid(format!("unknown type \"{other}\": use meal, workout or body"))),
        }
    }

    fn classification(self) -> &'static str {
        match self {
            ItemKind::Meal => "meal",
            ItemKind::Workout => "workout",
            ItemKind::Body => "body_measurement",
        }
    }

    fn table(self) -> &'static str {
        match self {
            ItemKind::Meal => "meal_logs",
            ItemKind::Workout => "activities",
            ItemKind::Body => "body_measurements",
        }
    }
}

/// One result. `kind`/`id` say what to open: a meal, an activity, a
/// measurement, or the quick entry when it logged several things.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SearchHit {
    pub kind: SourceKind,
    pub id: String,
    /// The quick entry it came from, if any.
    pub entry_id: Option<String>,
    /// The search document (quick_entry_embeddings.id): what the coach cites.
    pub doc_id: String,
    /// Local date, YYYY-MM-DD.
    pub date: String,
    pub logged_at: String,
    /// The first line of the document: what was typed, or the item described.
    pub text: String,
    pub summary: String,
    /// Fused score (higher is better).
    pub score: f64,
    /// Cosine similarity to the query when it came up in the semantic list.
    pub similarity: Option<f32>,
    /// Rank in the keyword list (1 = best), when it matched words.
    pub keyword_rank: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum SearchMode {
    /// Semantic and keyword lists fused.
    Hybrid,
    /// No model: words only.
    KeywordOnly,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SearchResults {
    pub hits: Vec<SearchHit>,
    pub mode: SearchMode,
    /// Why the search is keyword-only, or that some entries are not embedded yet.
    pub notice: Option<String>,
}

/// The process's model, loaded on first use. A failure is remembered for a
/// while so a missing model does not cost a file scan per search.
static SHARED: Mutex<Option<Arc<Embedder>>> = Mutex::new(None);
static SHARED_ERROR: Mutex<Option<(Instant, String)>> = Mutex::new(None);
static EXTRA_DIRS: Mutex<Vec<std::path::PathBuf>> = Mutex::new(Vec::new());
static LAST_USE: Mutex<Option<Instant>> = Mutex::new(None);
const RETRY_AFTER: Duration = Duration::from_secs(30);

/// Drops the shared model when nothing used it for `idle`, and hands the
/// freed memory back to the system: a loaded model with its inference arenas
/// is most of an idle window's own memory. The next search loads it again.
/// True when it was released.
pub fn release_shared_embedder_if_idle(idle: Duration) -> bool {
    let idle_long_enough = LAST_USE.lock().map(|t| t.is_some_and(|t| t.elapsed() >= idle)).unwrap_or(false);
    if !idle_long_enough {
        return false;
    }
    let released = SHARED.lock().map(|mut slot| slot.take().is_some()).unwrap_or(false);
    if released {
        trim_heap();
    }
    released
}

/// Returns freed heap pages to the system (glibc keeps them otherwise).
fn trim_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// More places to find the model (the desktop shell's resources dir).
pub fn add_model_dirs(dirs: Vec<std::path::PathBuf>) {
    if let Ok(mut extra) = EXTRA_DIRS.lock() {
        for dir in dirs {
            if !extra.contains(&dir) {
                extra.push(dir);
            }
        }
    }
}

/// The shared embedder, loading it if needed (blocking: call from a blocking
/// thread or accept a ~0.3 s pause on first use).
pub fn shared_embedder() -> Result<Arc<Embedder>> {
    let poisoned = || Error::ModelUnavailable("the embedding model crashed".into());
    let mut slot = SHARED.lock().map_err(|_| poisoned())?;
    if let Ok(mut last) = LAST_USE.lock() {
        *last = Some(Instant::now());
    }
    if let Some(e) = slot.as_ref() {
        return Ok(Arc::clone(e));
    }
    if let Some((at, message)) = SHARED_ERROR.lock().map_err(|_| poisoned())?.as_ref()
        && at.elapsed() < RETRY_AFTER
    {
        return Err(Error::ModelUnavailable(message.clone()));
    }
    let dirs = EXTRA_DIRS.lock().map(|d| d.clone()).unwrap_or_default();
    match embeddings::locate(&dirs).and_then(|loc| Embedder::load(&loc, None)) {
        Ok(embedder) => {
            let embedder = Arc::new(embedder);
            *slot = Some(Arc::clone(&embedder));
            Ok(embedder)
        }
        Err(e) => {
            if let Ok(mut err) = SHARED_ERROR.lock() {
                *err = Some((Instant::now(), e.to_string()));
            }
            Err(e)
        }
    }
}

async fn shared_embedder_async() -> Result<Arc<Embedder>> {
    tokio::task::spawn_blocking(shared_embedder)
        .await
        .map_err(|e| Error::ModelUnavailable(format!("loading the model stopped: {e}")))?
}

/// The coach's entry point: best first, hybrid when the model is there,
/// keyword-only otherwise (each hit's `similarity` is then None).
pub async fn hybrid(store: &Store, profile: &Profile, query: &SearchQuery) -> Result<Vec<SearchHit>> {
    Ok(search(store, profile, query).await?.hits)
}

/// [`hybrid`] with the mode and a notice. Documents are brought up to date
/// first (cheap), so keyword search always sees everything logged.
pub async fn search(store: &Store, profile: &Profile, query: &SearchQuery) -> Result<SearchResults> {
    let embedder = shared_embedder_async().await;
    search_with(store, profile, query, embedder.as_ref().ok().map(Arc::as_ref), embedder.as_ref().err()).await
}

/// Search with an explicit model (None = keyword only); `model_error` is the
/// reason shown when there is none.
pub async fn search_with(
    store: &Store,
    profile: &Profile,
    query: &SearchQuery,
    embedder: Option<&Embedder>,
    model_error: Option<&Error>,
) -> Result<SearchResults> {
    let text = query.text.trim();
    if text.is_empty() {
        return Err(Error::invalid("the search is empty: type what to look for"));
    }
    if let (Some(from), Some(to)) = (query.from, query.to)
        && from > to
    {
        return Err(Error::invalid(format!("--from {from} is after --to {to}")));
    }
    embeddings::documents::sync(store.pool(), &profile.id, profile.tz()).await?;
    let limit = match query.limit as usize {
        0 => 10,
        n => n.min(MAX_LIMIT),
    };
    let depth = (limit * 4).max(40);
    let filter = Filter::new(query);

    let keyword = keyword_ranked(store, &profile.id, text, &filter, depth).await?;
    let (semantic, mode, mut notice) = match embedder {
        Some(embedder) => {
            let vector = embedder.embed_one(text)?;
            let list = semantic_ranked(store, &profile.id, &vector, &filter, depth, None).await?;
            (list, SearchMode::Hybrid, None)
        }
        None => (
            Vec::new(),
            SearchMode::KeywordOnly,
            Some(format!(
                "keyword search only: {}",
                model_error
                    .map(|e| e.to_string())
                    .unwrap_or_else(|| "the embedding model is not loaded".into())
            )),
        ),
    };
    if mode == SearchMode::Hybrid {
        let counts = embeddings::counts(store, profile).await?;
        if counts.pending > 0 {
            notice = Some(format!(
                "{} of {} entries are not embedded yet and match by keyword only until the search index is built",
                counts.pending, counts.documents
            ));
        }
    }
    let hits = fuse(store, &profile.id, &semantic, &keyword, &query.kinds, limit).await?;
    Ok(SearchResults { hits, mode, notice })
}

/// Semantic list only (for the quality bench: how much each list brings).
pub async fn semantic_only(
    store: &Store,
    profile: &Profile,
    query: &SearchQuery,
    embedder: &Embedder,
) -> Result<SearchResults> {
    embeddings::documents::sync(store.pool(), &profile.id, profile.tz()).await?;
    let limit = if query.limit == 0 { 10 } else { (query.limit as usize).min(MAX_LIMIT) };
    let filter = Filter::new(query);
    let vector = embedder.embed_one(query.text.trim())?;
    let semantic = semantic_ranked(store, &profile.id, &vector, &filter, limit, None).await?;
    let hits = fuse(store, &profile.id, &semantic, &[], &query.kinds, limit).await?;
    Ok(SearchResults { hits, mode: SearchMode::Hybrid, notice: None })
}

/// Items like the given one (a meal → meals, an activity → workouts):
/// nearest neighbours of its document's vector. `kind` is what `id` names.
pub async fn similar(
    store: &Store,
    profile: &Profile,
    kind: SourceKind,
    id: &str,
    limit: u32,
) -> Result<Vec<SearchHit>> {
    embeddings::documents::sync(store.pool(), &profile.id, profile.tz()).await?;
    let doc = document_of(store, &profile.id, kind, id).await?;
    let item_kind = match kind {
        SourceKind::Meal => Some(ItemKind::Meal),
        SourceKind::Activity => Some(ItemKind::Workout),
        SourceKind::BodyMeasurement => Some(ItemKind::Body),
        SourceKind::QuickEntry => match doc.classification.as_deref() {
            Some("meal") => Some(ItemKind::Meal),
            Some("workout") => Some(ItemKind::Workout),
            Some("body_measurement") => Some(ItemKind::Body),
            _ => None,
        },
    };
    let kinds: Vec<ItemKind> = item_kind.into_iter().collect();
    let query = SearchQuery { text: doc.text.clone(), kinds: kinds.clone(), ..Default::default() };
    let filter = Filter::new(&query);
    let limit = match limit as usize {
        0 => 5,
        n => n.min(MAX_LIMIT),
    };
    let stored: Option<Vec<u8>> = sqlx::query_scalar(
        "SELECT v.embedding FROM quick_entry_embedding_vectors v JOIN quick_entry_embeddings e ON e.id = v.embedding_id \
         WHERE v.embedding_id = ? AND e.user_id = ? AND e.embedded_hash = e.content_hash AND e.embedding_model = ?",
    )
    .bind(&doc.id)
    .bind(&profile.id)
    .bind(MODEL_ID)
    .fetch_optional(store.pool())
    .await?;
    let vector: Vec<f32> = match stored {
        Some(blob) => blob.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect(),
        None => {
            let embedder = shared_embedder_async().await?;
            let text = doc.text.clone();
            tokio::task::spawn_blocking(move || embedder.embed_one(&text))
                .await
                .map_err(|e| Error::ModelUnavailable(format!("the embedding thread stopped: {e}")))??
        }
    };
    let semantic = semantic_ranked(store, &profile.id, &vector, &filter, limit + 1, Some(&doc.id)).await?;
    let mut hits = fuse(store, &profile.id, &semantic, &[], &kinds, limit).await?;
    hits.retain(|h| h.doc_id != doc.id);
    Ok(hits)
}

struct DocRef {
    id: String,
    text: String,
    classification: Option<String>,
}

async fn document_of(store: &Store, user_id: &str, kind: SourceKind, id: &str) -> Result<DocRef> {
    let sql = match kind {
        SourceKind::QuickEntry => {
            "SELECT id, content_text, source_classification FROM quick_entry_embeddings \
                                   WHERE user_id = ?1 AND quick_entry_log_id = ?2"
                .to_string()
        }
        other => {
            let table = match other {
                SourceKind::Meal => "meal_logs",
                SourceKind::Activity => "activities",
                _ => "body_measurements",
            };
            format!(
                "SELECT id, content_text, source_classification FROM quick_entry_embeddings \
                 WHERE user_id = ?1 AND ((source_kind = '{}' AND source_id = ?2) \
                 OR quick_entry_log_id = (SELECT quick_entry_log_id FROM {table} WHERE id = ?2 AND user_id = ?1))",
                other.as_str()
            )
        }
    };
    let row: Option<(String, Option<String>, Option<String>)> =
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(user_id).bind(id).fetch_optional(store.pool()).await?;
    let Some((doc_id, text, classification)) = row else {
        return Err(Error::not_found(format!("{} {id}", kind.as_str().replace('_', " "))));
    };
    Ok(DocRef { id: doc_id, text: text.unwrap_or_default(), classification })
}

/// SQL conditions on quick_entry_embeddings `e` from the query's filters.
struct Filter {
    sql: String,
    binds: Vec<String>,
}

impl Filter {
    fn new(query: &SearchQuery) -> Self {
        let mut sql = String::new();
        let mut binds = Vec::new();
        if !query.kinds.is_empty() {
            let mut alternatives: Vec<String> = Vec::new();
            for kind in &query.kinds {
                alternatives.push(format!("e.source_classification = '{}'", kind.classification()));
                // An entry that logged several things matches each of them.
                alternatives.push(format!(
                    "(e.source_classification = 'multiple' AND EXISTS (SELECT 1 FROM {} x \
                     WHERE x.quick_entry_log_id = e.quick_entry_log_id AND x.user_id = e.user_id))",
                    kind.table()
                ));
            }
            sql.push_str(&format!(" AND ({})", alternatives.join(" OR ")));
        }
        if let Some(from) = query.from {
            sql.push_str(" AND e.local_date >= ?");
            binds.push(from.to_string());
        }
        if let Some(to) = query.to {
            sql.push_str(" AND e.local_date <= ?");
            binds.push(to.to_string());
        }
        Filter { sql, binds }
    }

    fn is_empty(&self) -> bool {
        self.sql.is_empty()
    }
}

/// Binary candidates rescored per semantic search (benches/knn.rs measures
/// 100 → recall@10 0.88, 200 → 0.96 over 100,000 vectors).
const COARSE_CANDIDATES: i64 = 160;

/// (doc id, cosine similarity), best first.
async fn semantic_ranked(
    store: &Store,
    user_id: &str,
    vector: &[f32],
    filter: &Filter,
    depth: usize,
    exclude: Option<&str>,
) -> Result<Vec<(String, f32)>> {
    let blob = vector_blob(vector);
    // A history of many vectors is memory-mapped for this scan only.
    let mut scan = store.scan_connection().await?;
    let rows: Vec<(String, f64)> = if filter.is_empty() {
        // Coarse candidates by Hamming distance over the binary copies (a
        // vec0 scan filtered by user), rescored with the float vectors: what
        // keeps a 100,000-entry history under 15 ms (benches/knn.rs, with the
        // recall it costs). Below COARSE_CANDIDATES entries this is exact.
        // Stale vectors (text changed, other model) are dropped after.
        sqlx::query_as(
            "WITH coarse AS (SELECT embedding_id FROM quick_entry_embedding_vectors_bits \
             WHERE embedding MATCH vec_quantize_binary(?1) AND k = ?2 AND user_id = ?3) \
             SELECT e.id, vec_distance_l2(v.embedding, ?1) AS distance FROM coarse c \
             JOIN quick_entry_embedding_vectors v ON v.embedding_id = c.embedding_id \
             JOIN quick_entry_embeddings e ON e.id = c.embedding_id \
             WHERE e.user_id = ?3 AND e.embedded_hash = e.content_hash AND e.embedding_model = ?4 \
             ORDER BY distance LIMIT ?5",
        )
        .bind(&blob)
        .bind((depth as i64 + 1).max(COARSE_CANDIDATES))
        .bind(user_id)
        .bind(MODEL_ID)
        .bind(depth as i64 + 1)
        .fetch_all(scan.conn()?)
        .await?
    } else {
        // Filters first (a date range or a kind narrows the set), then exact
        // distances over what is left.
        let sql = format!(
            "SELECT e.id, vec_distance_l2(v.embedding, ?) AS distance FROM quick_entry_embeddings e \
             JOIN quick_entry_embedding_vectors v ON v.embedding_id = e.id \
             WHERE e.user_id = ? AND e.embedded_hash = e.content_hash AND e.embedding_model = ?{} \
             ORDER BY distance LIMIT ?",
            filter.sql
        );
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(&blob).bind(user_id).bind(MODEL_ID);
        for b in &filter.binds {
            q = q.bind(b);
        }
        q.bind(depth as i64 + 1).fetch_all(scan.conn()?).await?
    };
    scan.release().await;
    Ok(rows
        .into_iter()
        .filter(|(id, _)| Some(id.as_str()) != exclude)
        // Unit vectors: cos = 1 - d²/2.
        .map(|(id, d)| (id, (1.0 - d * d / 2.0) as f32))
        .filter(|(_, sim)| *sim >= MIN_SIMILARITY)
        .take(depth)
        .collect())
}

const STOPWORDS: &[&str] = &[
    "a", "an", "and", "or", "the", "of", "i", "me", "my", "did", "do", "does", "when", "what", "which",
    "for", "with", "in", "on", "to", "at", "how", "much", "many", "last", "was", "were", "is", "are", "it",
    "that", "this", "had", "have", "some", "any", "from", "by", "about",
];

/// An FTS5 query from free text: each word quoted (no syntax errors from
/// user input), joined by OR so BM25 ranks by how many and how rare; the
/// last word also matches as a prefix (typing in the search box).
pub fn fts_query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| !STOPWORDS.contains(&w.as_str()))
        .collect();
    let last = words.len().checked_sub(1)?;
    Some(
        words
            .iter()
            .enumerate()
            .map(|(i, w)| if i == last && w.len() >= 3 { format!("\"{w}\"*") } else { format!("\"{w}\"") })
            .collect::<Vec<_>>()
            .join(" OR "),
    )
}

/// Doc ids, best BM25 first.
async fn keyword_ranked(
    store: &Store,
    user_id: &str,
    text: &str,
    filter: &Filter,
    depth: usize,
) -> Result<Vec<String>> {
    let Some(fts) = fts_query(text) else { return Ok(Vec::new()) };
    let sql = format!(
        "SELECT e.id FROM search_fts JOIN quick_entry_embeddings e ON e.id = search_fts.doc_id \
         WHERE search_fts MATCH ? AND search_fts.user_id = ? AND e.user_id = ?{} \
         ORDER BY bm25(search_fts) LIMIT ?",
        filter.sql
    );
    let mut q = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(fts).bind(user_id).bind(user_id);
    for b in &filter.binds {
        q = q.bind(b);
    }
    Ok(q.bind(depth as i64).fetch_all(store.pool()).await?)
}

#[derive(sqlx::FromRow)]
struct DocRow {
    id: String,
    source_kind: String,
    source_id: Option<String>,
    quick_entry_log_id: Option<String>,
    content_text: Option<String>,
    content_summary: Option<String>,
    source_classification: Option<String>,
    logged_at: String,
    local_date: Option<String>,
}

/// Reciprocal rank fusion of the two lists, then the documents behind the
/// best `limit`.
async fn fuse(
    store: &Store,
    user_id: &str,
    semantic: &[(String, f32)],
    keyword: &[String],
    kinds: &[ItemKind],
    limit: usize,
) -> Result<Vec<SearchHit>> {
    /// (fused score, similarity, keyword rank)
    type Fused = (f64, Option<f32>, Option<u32>);
    let mut scores: HashMap<&str, Fused> = HashMap::new();
    for (rank, (id, sim)) in semantic.iter().enumerate() {
        let entry = scores.entry(id).or_insert((0.0, None, None));
        entry.0 += 1.0 / (RRF_K + rank as f64 + 1.0);
        entry.1 = Some(*sim);
    }
    for (rank, id) in keyword.iter().enumerate() {
        let entry = scores.entry(id).or_insert((0.0, None, None));
        entry.0 += 1.0 / (RRF_K + rank as f64 + 1.0);
        entry.2 = Some(rank as u32 + 1);
    }
    let mut ranked: Vec<(&str, Fused)> = scores.into_iter().collect();
    // Ties (one list each at the same rank) go to the closer meaning, then the newer id.
    ranked.sort_by(|a, b| {
        b.1.0
            .total_cmp(&a.1.0)
            .then_with(|| b.1.1.unwrap_or(0.0).total_cmp(&a.1.1.unwrap_or(0.0)))
            .then_with(|| b.0.cmp(a.0))
    });
    ranked.truncate(limit);

    let mut hits = Vec::with_capacity(ranked.len());
    for (doc_id, (score, similarity, keyword_rank)) in ranked {
        let row: Option<DocRow> = sqlx::query_as(
            "SELECT id, source_kind, source_id, quick_entry_log_id, content_text, content_summary, \
             source_classification, logged_at, local_date FROM quick_entry_embeddings WHERE id = ? AND user_id = ?",
        )
        .bind(doc_id)
        .bind(user_id)
        .fetch_optional(store.pool())
        .await?;
        let Some(row) = row else { continue };
        let (kind, id) = target(store, user_id, &row, kinds).await?;
        let text = row.content_text.as_deref().unwrap_or("").lines().next().unwrap_or("").to_string();
        hits.push(SearchHit {
            kind,
            id,
            entry_id: row.quick_entry_log_id.clone(),
            doc_id: row.id,
            date: row.local_date.unwrap_or_else(|| row.logged_at.chars().take(10).collect()),
            logged_at: row.logged_at,
            text,
            summary: row.content_summary.unwrap_or_default(),
            score,
            similarity,
            keyword_rank,
        });
    }
    Ok(hits)
}

/// What a hit opens: the item itself, or for a quick entry the one thing it
/// logged (of the filtered kind first), or the entry when it logged several.
async fn target(
    store: &Store,
    user_id: &str,
    row: &DocRow,
    kinds: &[ItemKind],
) -> Result<(SourceKind, String)> {
    if let (Some(kind), Some(id)) = (SourceKind::parse(&row.source_kind), row.source_id.clone())
        && kind != SourceKind::QuickEntry
    {
        return Ok((kind, id));
    }
    let Some(entry) = row.quick_entry_log_id.clone() else {
        return Ok((SourceKind::QuickEntry, row.id.clone()));
    };
    let preferred: Vec<ItemKind> = match (kinds, row.source_classification.as_deref()) {
        ([only], _) => vec![*only],
        (_, Some("meal")) => vec![ItemKind::Meal],
        (_, Some("workout")) => vec![ItemKind::Workout],
        (_, Some("body_measurement")) => vec![ItemKind::Body],
        _ => Vec::new(),
    };
    for kind in preferred {
        let sql = format!(
            "SELECT id FROM {} WHERE quick_entry_log_id = ? AND user_id = ? ORDER BY created_at, id LIMIT 1",
            kind.table()
        );
        let id: Option<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(&entry)
            .bind(user_id)
            .fetch_optional(store.pool())
            .await?;
        if let Some(id) = id {
            let source = match kind {
                ItemKind::Meal => SourceKind::Meal,
                ItemKind::Workout => SourceKind::Activity,
                ItemKind::Body => SourceKind::BodyMeasurement,
            };
            return Ok((source, id));
        }
    }
    Ok((SourceKind::QuickEntry, entry))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_text_becomes_a_safe_fts_query() {
        assert_eq!(fts_query("When did I eat oatmeal?").as_deref(), Some("\"eat\" OR \"oatmeal\"*"));
        assert_eq!(fts_query("\"bench\" AND (NOT x").as_deref(), Some("\"bench\" OR \"not\" OR \"x\""));
        assert_eq!(fts_query("the of a"), None);
    }

    #[test]
    fn types_parse_with_their_usual_names() {
        assert_eq!(ItemKind::parse("Meals").unwrap(), ItemKind::Meal);
        assert_eq!(ItemKind::parse("activity").unwrap(), ItemKind::Workout);
        assert!(ItemKind::parse("sleep").is_err());
    }
}
