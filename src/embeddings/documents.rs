//! Search documents: one row of quick_entry_embeddings per read (completed or needs_review) quick
//! entry, and one per meal, activity or measurement logged outside quick
//! entry. The text is built from the stored rows (deterministic, offline);
//! triggers mark a document stale when its rows change, and [`sync`] rebuilds
//! it. The vector is recomputed only when the text's hash changes.

use std::fmt::Write;

use chrono_tz::Tz;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::{SqliteConnection, SqlitePool};

use super::model::MODEL_ID;
use crate::clock;
use crate::error::Result;
use crate::nutrition::MealFood;

/// What a document points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    QuickEntry,
    Meal,
    Activity,
    BodyMeasurement,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::QuickEntry => "quick_entry",
            SourceKind::Meal => "meal",
            SourceKind::Activity => "activity",
            SourceKind::BodyMeasurement => "body_measurement",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "quick_entry" => SourceKind::QuickEntry,
            "meal" => SourceKind::Meal,
            "activity" => SourceKind::Activity,
            "body_measurement" => SourceKind::BodyMeasurement,
            _ => return None,
        })
    }
}

/// What [`sync`] changed.
#[derive(Debug, Clone, Copy, Default, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SyncReport {
    pub created: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub removed: u32,
}

/// A document's text, summary and where it sits in time.
#[derive(Debug, Clone, PartialEq)]
pub struct Built {
    pub content_text: String,
    pub content_summary: String,
    pub classification: &'static str,
    pub logged_at: String,
    pub local_date: String,
}

pub fn content_hash(text: &str) -> String {
    Sha256::digest(text.as_bytes()).iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Brings the user's documents up to date with their rows: new completed
/// entries and items get a document, stale ones are rebuilt (the vector is
/// kept when the text did not change), orphans are removed.
pub async fn sync(pool: &SqlitePool, user_id: &str, tz: Tz) -> Result<SyncReport> {
    let mut report = SyncReport::default();
    let mut todo: Vec<(SourceKind, String, Option<String>)> = Vec::new();
    let new_entries: Vec<String> = sqlx::query_scalar(
        "SELECT q.id FROM quick_entry_logs q WHERE q.user_id = ? AND q.processing_status IN ('completed', 'needs_review') \
         AND NOT EXISTS (SELECT 1 FROM quick_entry_embeddings e WHERE e.quick_entry_log_id = q.id)",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    todo.extend(new_entries.into_iter().map(|id| (SourceKind::QuickEntry, id, None)));
    for (kind, table) in [
        (SourceKind::Meal, "meal_logs"),
        (SourceKind::Activity, "activities"),
        (SourceKind::BodyMeasurement, "body_measurements"),
    ] {
        let sql = format!(
            "SELECT t.id FROM {table} t WHERE t.user_id = ? AND t.quick_entry_log_id IS NULL \
             AND NOT EXISTS (SELECT 1 FROM quick_entry_embeddings e WHERE e.source_kind = '{}' AND e.source_id = t.id)",
            kind.as_str()
        );
        let ids: Vec<String> =
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(user_id).fetch_all(pool).await?;
        todo.extend(ids.into_iter().map(|id| (kind, id, None)));
    }
    let stale: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT id, source_kind, coalesce(source_id, quick_entry_log_id) FROM quick_entry_embeddings \
         WHERE user_id = ? AND stale = 1",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    for (doc_id, kind, source) in stale {
        if let Some(kind) = SourceKind::parse(&kind) {
            todo.push((kind, source, Some(doc_id)));
        }
    }

    // Small transactions: logging never waits long for the write lock.
    for chunk in todo.chunks(100) {
        let mut tx = crate::store::begin_write(pool).await?;
        for (kind, source_id, doc_id) in chunk {
            let built = build(&mut tx, user_id, *kind, source_id, tz).await?;
            match (built, doc_id) {
                (Some(built), None) => {
                    insert(&mut tx, user_id, *kind, source_id, &built).await?;
                    report.created += 1;
                }
                (Some(built), Some(doc_id)) => {
                    if update(&mut tx, user_id, doc_id, &built).await? {
                        report.updated += 1;
                    } else {
                        report.unchanged += 1;
                    }
                }
                (None, Some(doc_id)) => {
                    sqlx::query("DELETE FROM quick_entry_embeddings WHERE id = ? AND user_id = ?")
                        .bind(doc_id)
                        .bind(user_id)
                        .execute(&mut *tx)
                        .await?;
                    report.removed += 1;
                }
                (None, None) => {}
            }
        }
        tx.commit().await?;
    }
    Ok(report)
}

async fn insert(
    conn: &mut SqliteConnection,
    user_id: &str,
    kind: SourceKind,
    source_id: &str,
    built: &Built,
) -> Result<()> {
    let (entry_id, item_id) = match kind {
        SourceKind::QuickEntry => (Some(source_id), None),
        _ => (None, Some(source_id)),
    };
    sqlx::query(
        "INSERT INTO quick_entry_embeddings (id, quick_entry_log_id, user_id, source_kind, source_id, embedding_type, \
         content_text, content_summary, source_classification, embedding_model, logged_at, local_date, content_hash) \
         VALUES (?, ?, ?, ?, ?, 'text', ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(crate::new_id())
    .bind(entry_id)
    .bind(user_id)
    .bind(kind.as_str())
    .bind(item_id)
    .bind(&built.content_text)
    .bind(&built.content_summary)
    .bind(built.classification)
    .bind(MODEL_ID)
    .bind(&built.logged_at)
    .bind(&built.local_date)
    .bind(content_hash(&built.content_text))
    .execute(conn)
    .await?;
    Ok(())
}

/// True when the text changed (the vector then goes pending by its hash).
async fn update(conn: &mut SqliteConnection, user_id: &str, doc_id: &str, built: &Built) -> Result<bool> {
    let hash = content_hash(&built.content_text);
    type Stored = (Option<String>, Option<String>, String, Option<String>, Option<String>);
    let old: Option<Stored> = sqlx::query_as(
        "SELECT content_hash, content_summary, logged_at, local_date, source_classification \
         FROM quick_entry_embeddings WHERE id = ? AND user_id = ?",
    )
    .bind(doc_id)
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?;
    let unchanged = old.as_ref().is_some_and(|(h, summary, logged_at, local_date, class)| {
        h.as_deref() == Some(hash.as_str())
            && summary.as_deref() == Some(built.content_summary.as_str())
            && logged_at == &built.logged_at
            && local_date.as_deref() == Some(built.local_date.as_str())
            && class.as_deref() == Some(built.classification)
    });
    if unchanged {
        sqlx::query("UPDATE quick_entry_embeddings SET stale = 0 WHERE id = ? AND user_id = ?")
            .bind(doc_id)
            .bind(user_id)
            .execute(&mut *conn)
            .await?;
        return Ok(false);
    }
    let text_changed = old.as_ref().is_none_or(|(h, ..)| h.as_deref() != Some(hash.as_str()));
    sqlx::query(
        "UPDATE quick_entry_embeddings SET content_text = ?, content_summary = ?, source_classification = ?, \
         logged_at = ?, local_date = ?, content_hash = ?, stale = 0 WHERE id = ? AND user_id = ?",
    )
    .bind(&built.content_text)
    .bind(&built.content_summary)
    .bind(built.classification)
    .bind(&built.logged_at)
    .bind(&built.local_date)
    .bind(&hash)
    .bind(doc_id)
    .bind(user_id)
    .execute(&mut *conn)
    .await?;
    Ok(text_changed)
}

/// The document for a source, or None when it should have none (deleted, not
/// completed, or an item now covered by its quick entry's document).
pub async fn build(
    conn: &mut SqliteConnection,
    user_id: &str,
    kind: SourceKind,
    source_id: &str,
    tz: Tz,
) -> Result<Option<Built>> {
    match kind {
        SourceKind::QuickEntry => build_entry(conn, user_id, source_id, tz).await,
        SourceKind::Meal => {
            let meals =
                meals_where(conn, user_id, "id = ? AND quick_entry_log_id IS NULL", source_id).await?;
            Ok(meals.first().map(|m| single(describe_meal(m), "meal", &m.logged_at, &m.local_date)))
        }
        SourceKind::Activity => {
            let acts =
                activities_where(conn, user_id, "id = ? AND quick_entry_log_id IS NULL", source_id).await?;
            Ok(acts.first().map(|a| {
                let local = a.local_date.clone().unwrap_or_else(|| local_date_of(&a.start_date, tz));
                single(describe_activity(a), "workout", &a.start_date, &local)
            }))
        }
        SourceKind::BodyMeasurement => {
            let rows = body_where(conn, user_id, "id = ? AND quick_entry_log_id IS NULL", source_id).await?;
            Ok(rows
                .first()
                .map(|b| single(describe_body(b), "body_measurement", &b.measured_at, &b.local_date)))
        }
    }
}

fn single(
    described: (String, String),
    classification: &'static str,
    logged_at: &str,
    local_date: &str,
) -> Built {
    let (line, sentence) = described;
    Built {
        content_text: line,
        content_summary: sentence,
        classification,
        logged_at: logged_at.to_string(),
        local_date: local_date.to_string(),
    }
}

fn local_date_of(ts: &str, tz: Tz) -> String {
    clock::from_db(ts)
        .map(|t| clock::local_date(t, tz).to_string())
        .unwrap_or_else(|_| ts.chars().take(10).collect())
}

async fn build_entry(
    conn: &mut SqliteConnection,
    user_id: &str,
    entry_id: &str,
    tz: Tz,
) -> Result<Option<Built>> {
    let entry: Option<(Option<String>, Option<String>, String)> = sqlx::query_as(
        "SELECT raw_text, raw_transcription, logged_at FROM quick_entry_logs \
         WHERE id = ? AND user_id = ? AND processing_status IN ('completed', 'needs_review')",
    )
    .bind(entry_id)
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((raw_text, transcription, logged_at)) = entry else { return Ok(None) };
    let meals = meals_where(conn, user_id, "quick_entry_log_id = ?", entry_id).await?;
    let acts = activities_where(conn, user_id, "quick_entry_log_id = ?", entry_id).await?;
    let bodies = body_where(conn, user_id, "quick_entry_log_id = ?", entry_id).await?;

    let raw = [raw_text, transcription]
        .into_iter()
        .flatten()
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let described: Vec<(String, String)> = meals
        .iter()
        .map(describe_meal)
        .chain(acts.iter().map(describe_activity))
        .chain(bodies.iter().map(describe_body))
        .collect();
    let kinds = [!meals.is_empty(), !acts.is_empty(), !bodies.is_empty()];
    let classification = match kinds {
        [true, false, false] => "meal",
        [false, true, false] => "workout",
        [false, false, true] => "body_measurement",
        [false, false, false] => "unknown",
        _ => "multiple",
    };
    let mut text = raw.clone();
    for (line, _) in &described {
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(line);
    }
    if text.is_empty() {
        return Ok(None);
    }
    let summary = summarize(&described, &raw);
    Ok(Some(Built {
        content_text: text,
        content_summary: summary,
        classification,
        local_date: local_date_of(&logged_at, tz),
        logged_at,
    }))
}

/// At most two sentences: the first two things logged, and how many more.
fn summarize(described: &[(String, String)], raw: &str) -> String {
    match described {
        [] => format!("Logged: {}.", clip(raw, 120).trim_end_matches('.')),
        [one] => one.1.clone(),
        [one, two] => format!("{} {}", one.1, two.1),
        [one, two, rest @ ..] => {
            format!("{} {} (and {} more)", one.1, two.1.trim_end_matches('.'), rest.len()) + "."
        }
    }
}

fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    format!("{}…", cut.trim_end())
}

#[derive(sqlx::FromRow)]
struct MealRow {
    category: String,
    name: Option<String>,
    notes: Option<String>,
    logged_at: String,
    local_date: String,
    #[sqlx(json)]
    foods: Vec<MealFood>,
    total_calories: f64,
    total_protein_g: f64,
}

async fn meals_where(
    conn: &mut SqliteConnection,
    user_id: &str,
    filter: &str,
    id: &str,
) -> Result<Vec<MealRow>> {
    let sql = format!(
        "SELECT category, name, notes, logged_at, local_date, foods, total_calories, total_protein_g \
         FROM meal_logs WHERE user_id = ? AND {filter} ORDER BY logged_at, id"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(user_id).bind(id).fetch_all(conn).await?)
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn number(value: f64) -> String {
    if (value - value.round()).abs() < 0.05 {
        format!("{}", value.round() as i64)
    } else {
        format!("{value:.1}")
    }
}

/// (the line of the document text, one summary sentence)
fn describe_meal(m: &MealRow) -> (String, String) {
    let category = capitalized(&m.category);
    // Food names only: amounts and macros are numbers the embedder reads as
    // noise; they are in the summary.
    let foods: Vec<String> = m.foods.iter().map(|f| f.name.trim().to_string()).collect();
    let short_foods: Vec<String> = m.foods.iter().map(|f| short_food_name(&f.name)).collect();
    let mut line = category.clone();
    if let Some(name) = m.name.as_deref().filter(|n| !n.trim().is_empty()) {
        let _ = write!(line, " ({})", name.trim());
    }
    let _ = write!(
        line,
        ": {}.",
        if foods.is_empty() { "no foods listed".to_string() } else { foods.join("; ") }
    );
    if let Some(notes) = m.notes.as_deref().filter(|n| !n.trim().is_empty()) {
        let _ = write!(line, " {}", notes.trim());
    }
    let what =
        m.name.as_deref().filter(|n| !n.trim().is_empty()).map(|n| n.trim().to_string()).unwrap_or_else(
            || if short_foods.is_empty() { "a meal".into() } else { list_phrase(&short_foods, 4) },
        );
    let sentence = format!(
        "{category} of {what} ({} kcal, {} g protein).",
        number(m.total_calories),
        number(m.total_protein_g)
    );
    (line, sentence)
}

/// "Egg, whole, raw" → "egg": the food table's names lead with the food.
fn short_food_name(name: &str) -> String {
    name.split(',').next().unwrap_or(name).trim().to_lowercase()
}

fn list_phrase(items: &[String], max: usize) -> String {
    let shown: Vec<&str> = items.iter().take(max).map(String::as_str).collect();
    let more = items.len().saturating_sub(max);
    let mut phrase = match shown.as_slice() {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    };
    if more > 0 {
        let _ = write!(phrase, " and {more} more");
    }
    phrase
}

#[derive(sqlx::FromRow)]
struct ActivityRow {
    id: String,
    name: Option<String>,
    activity_type: String,
    start_date: String,
    local_date: Option<String>,
    elapsed_time_seconds: Option<i64>,
    moving_time_seconds: Option<i64>,
    distance_meters: Option<f64>,
    total_elevation_gain_m: Option<f64>,
    average_heartrate: Option<i64>,
    notes: Option<String>,
    #[sqlx(skip)]
    sets: Vec<(Option<String>, Option<i64>, Option<f64>)>,
}

async fn activities_where(
    conn: &mut SqliteConnection,
    user_id: &str,
    filter: &str,
    id: &str,
) -> Result<Vec<ActivityRow>> {
    let sql = format!(
        "SELECT id, name, activity_type, start_date, local_date, elapsed_time_seconds, moving_time_seconds, \
         distance_meters, total_elevation_gain_m, average_heartrate, notes FROM activities \
         WHERE user_id = ? AND {filter} ORDER BY start_date, id"
    );
    let mut rows: Vec<ActivityRow> =
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(user_id).bind(id).fetch_all(&mut *conn).await?;
    for row in &mut rows {
        row.sets = sqlx::query_as(
            "SELECT exercise_name, reps, weight_kg FROM activity_segments \
             WHERE activity_id = ? AND user_id = ? AND segment_type = 'set' ORDER BY segment_index",
        )
        .bind(&row.id)
        .bind(user_id)
        .fetch_all(&mut *conn)
        .await?;
    }
    Ok(rows)
}

fn duration(seconds: i64) -> String {
    let (h, m, s) = (seconds / 3600, (seconds % 3600) / 60, seconds % 60);
    if h > 0 { format!("{h}:{m:02}:{s:02}") } else { format!("{m}:{s:02}") }
}

fn activity_noun(kind: &str) -> &str {
    match kind {
        "strength" => "strength workout",
        "yoga" => "yoga session",
        "cardio" => "cardio workout",
        "sport" => "sport session",
        "other" => "workout",
        other => other,
    }
}

fn describe_activity(a: &ActivityRow) -> (String, String) {
    let noun = activity_noun(&a.activity_type);
    let mut facts: Vec<String> = Vec::new();
    let time = a.moving_time_seconds.or(a.elapsed_time_seconds).filter(|s| *s > 0);
    if let Some(d) = a.distance_meters.filter(|d| *d > 0.0) {
        let mut fact = format!("{:.1} km", d / 1000.0);
        if let Some(t) = time {
            let _ = write!(fact, " in {}", duration(t));
            if matches!(a.activity_type.as_str(), "run" | "walk" | "hike") {
                let pace = t as f64 / (d / 1000.0);
                let _ = write!(fact, " ({} /km)", duration(pace.round() as i64));
            }
        }
        facts.push(fact);
    } else if let Some(t) = time {
        facts.push(format!("{} long", duration(t)));
    }
    if let Some(gain) = a.total_elevation_gain_m.filter(|g| *g >= 1.0) {
        facts.push(format!("{} m climbing", number(gain)));
    }
    if let Some(hr) = a.average_heartrate {
        facts.push(format!("average heart rate {hr} bpm"));
    }
    let exercises = group_sets(&a.sets);
    if !exercises.is_empty() {
        facts.push(exercises.join(", "));
    }
    let mut line = capitalized(noun);
    if let Some(name) = a.name.as_deref().filter(|n| !n.trim().is_empty()) {
        let _ = write!(line, " \"{}\"", name.trim());
    }
    if !facts.is_empty() {
        let _ = write!(line, ": {}", facts.join(", "));
    }
    line.push('.');
    if let Some(notes) = a.notes.as_deref().filter(|n| !n.trim().is_empty()) {
        let _ = write!(line, " {}", notes.trim());
    }
    let sentence = match facts.first() {
        Some(first) => format!("{} of {first}.", capitalized(noun)),
        None => format!("{}.", capitalized(noun)),
    };
    (line, sentence)
}

/// "bench press 3x8 @ 80 kg" from consecutive sets of one exercise.
fn group_sets(sets: &[(Option<String>, Option<i64>, Option<f64>)]) -> Vec<String> {
    let mut groups: Vec<(String, usize, Option<i64>, Option<f64>)> = Vec::new();
    for (name, reps, weight) in sets {
        let name = name.clone().unwrap_or_else(|| "set".into());
        match groups.last_mut() {
            Some(last) if last.0 == name && last.2 == *reps && last.3 == *weight => last.1 += 1,
            _ => groups.push((name, 1, *reps, *weight)),
        }
    }
    groups
        .into_iter()
        .map(|(name, count, reps, weight)| {
            let mut text = name;
            match reps {
                Some(r) => {
                    let _ = write!(text, " {count}x{r}");
                }
                None => {
                    let _ = write!(text, " {count} sets");
                }
            }
            if let Some(w) = weight.filter(|w| *w > 0.0) {
                let _ = write!(text, " @ {} kg", number(w));
            }
            text
        })
        .collect()
}

#[derive(sqlx::FromRow)]
struct BodyRow {
    measured_at: String,
    local_date: String,
    weight_kg: Option<f64>,
    body_fat_pct: Option<f64>,
    #[sqlx(json)]
    measurements: serde_json::Map<String, serde_json::Value>,
    notes: Option<String>,
}

async fn body_where(
    conn: &mut SqliteConnection,
    user_id: &str,
    filter: &str,
    id: &str,
) -> Result<Vec<BodyRow>> {
    let sql = format!(
        "SELECT measured_at, local_date, weight_kg, body_fat_pct, measurements, notes FROM body_measurements \
         WHERE user_id = ? AND {filter} ORDER BY measured_at, id"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(user_id).bind(id).fetch_all(conn).await?)
}

/// "waist_cm" → ("waist", "cm")
fn measure_label(key: &str) -> (String, &'static str) {
    for (suffix, unit) in
        [("_cm", "cm"), ("_kg", "kg"), ("_pct", "%"), ("_bpm", "bpm"), ("_ms", "ms"), ("_h", "h")]
    {
        if let Some(stem) = key.strip_suffix(suffix) {
            return (stem.replace('_', " "), unit);
        }
    }
    (key.replace('_', " "), "")
}

fn describe_body(b: &BodyRow) -> (String, String) {
    let mut facts: Vec<String> = Vec::new();
    if let Some(w) = b.weight_kg {
        facts.push(format!("weight {w:.1} kg"));
    }
    if let Some(bf) = b.body_fat_pct {
        facts.push(format!("body fat {bf:.1}%"));
    }
    for (key, value) in &b.measurements {
        if let Some(v) = value.as_f64() {
            let (label, unit) = measure_label(key);
            let sep = if unit == "%" || unit.is_empty() { "" } else { " " };
            facts.push(format!("{label} {}{sep}{unit}", number(v)));
        }
    }
    let mut line = format!(
        "Body measurement: {}.",
        if facts.is_empty() { "progress photo".into() } else { facts.join(", ") }
    );
    if let Some(notes) = b.notes.as_deref().filter(|n| !n.trim().is_empty()) {
        let _ = write!(line, " {}", notes.trim());
    }
    let sentence = format!(
        "Measured {}.",
        if facts.is_empty() { "a progress photo".into() } else { list_phrase(&facts, 3) }
    );
    (line, sentence)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_of_one_exercise_are_grouped() {
        let sets = vec![
            (Some("bench press".to_string()), Some(8), Some(80.0)),
            (Some("bench press".to_string()), Some(8), Some(80.0)),
            (Some("bench press".to_string()), Some(8), Some(80.0)),
            (Some("pull-up".to_string()), Some(10), Some(0.0)),
        ];
        assert_eq!(group_sets(&sets), vec!["bench press 3x8 @ 80 kg", "pull-up 1x10"]);
    }

    #[test]
    fn summaries_stay_within_two_sentences() {
        let d = |s: &str| (String::new(), s.to_string());
        let three =
            summarize(&[d("Breakfast of oats."), d("Run of 5.0 km."), d("Measured weight 80 kg.")], "");
        assert_eq!(three, "Breakfast of oats. Run of 5.0 km (and 1 more).");
        assert_eq!(summarize(&[], "felt great today"), "Logged: felt great today.");
    }

    #[test]
    fn the_hash_follows_the_text() {
        assert_eq!(content_hash("oats"), content_hash("oats"));
        assert_ne!(content_hash("oats"), content_hash("oats "));
        assert_eq!(content_hash("").len(), 64);
    }
}
