//! What the coach knows when it answers: the entries that match the question
//! and a snapshot of the numbers (nutrition vs targets, training load and
//! recent activities, weight trend, today's program day).

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::activities::{self, ActivitySummary, charts};
use crate::body::{self, trend};
use crate::clock;
use crate::error::Result;
use crate::nutrition::MacroTargets;
use crate::profile::Profile;
use crate::programs::{self, ProgramDay};
use crate::store::Store;

/// One logged thing the question brought up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Retrieved {
    /// `meal`, `activity`, `measurement` or `entry` (a quick entry).
    pub kind: String,
    pub id: String,
    /// Local date, YYYY-MM-DD.
    pub date: String,
    pub text: String,
    /// Higher is more relevant; comparable within one answer only.
    pub score: f64,
}

/// Words that say nothing about which entries are meant.
const STOPWORDS: &[&str] = &[
    "the",
    "and",
    "for",
    "did",
    "does",
    "what",
    "when",
    "how",
    "much",
    "many",
    "was",
    "were",
    "have",
    "has",
    "had",
    "you",
    "your",
    "my",
    "mine",
    "with",
    "this",
    "that",
    "last",
    "time",
    "ever",
    "about",
    "from",
    "into",
    "over",
    "week",
    "weeks",
    "day",
    "days",
    "month",
    "months",
    "today",
    "yesterday",
    "should",
    "could",
    "would",
    "can",
    "are",
    "any",
    "all",
    "some",
    "eat",
    "ate",
    "average",
    "per",
    "i'm",
    "am",
    "is",
    "it",
    "on",
    "in",
    "of",
    "to",
    "do",
    "me",
    "a",
    "an",
    "at",
    "or",
    "be",
    "been",
    "than",
    "there",
    "they",
    "which",
    "who",
    "why",
    "where",
    "past",
    "recent",
    "recently",
    "lately",
    "tell",
    "show",
    "give",
    "doing",
    "get",
    "got",
];

/// The search words of a question: lower case, no stop words, no duplicates.
pub fn terms(question: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in question.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '.')) {
        let w = word.trim_matches(|c: char| c == '\'' || c == '.').to_lowercase();
        if w.chars().count() < 2 || STOPWORDS.contains(&w.as_str()) || out.contains(&w) {
            continue;
        }
        out.push(w);
    }
    out
}

/// The entries most relevant to `question`, best first, at most `k`.
///
/// Hybrid search (semantic + BM25, fused) first; the plain keyword matches
/// fill what it leaves, so a question still finds its rows when the
/// embedding model is missing or the search documents are not built yet.
pub async fn retrieve(store: &Store, profile: &Profile, question: &str, k: usize) -> Result<Vec<Retrieved>> {
    if k == 0 || question.trim().is_empty() {
        return Ok(Vec::new());
    }
    let query =
        crate::search::SearchQuery { text: question.to_string(), limit: k as u32, ..Default::default() };
    let mut out: Vec<Retrieved> = match crate::search::hybrid(store, profile, &query).await {
        Ok(hits) => hits
            .into_iter()
            .map(|hit| Retrieved {
                kind: coach_kind(hit.kind).to_string(),
                id: hit.id,
                date: hit.date,
                text: hit.text,
                score: (hit.score * 1000.0).round() / 1000.0,
            })
            .collect(),
        Err(err) => {
            tracing::info!("hybrid search unavailable for the coach, keyword matching only: {err}");
            Vec::new()
        }
    };
    // Keyword scans only fill what hybrid search left empty.
    if out.len() >= k {
        return Ok(out);
    }
    for hit in retrieve_by_keywords(store, profile, question, k).await? {
        if out.len() >= k {
            break;
        }
        if !out.iter().any(|r| r.kind == hit.kind && r.id == hit.id) {
            out.push(hit);
        }
    }
    Ok(out)
}

/// The coach's names for search kinds (the window links sources by them).
fn coach_kind(kind: crate::embeddings::documents::SourceKind) -> &'static str {
    use crate::embeddings::documents::SourceKind;
    match kind {
        SourceKind::QuickEntry => "entry",
        SourceKind::Meal => "meal",
        SourceKind::Activity => "activity",
        SourceKind::BodyMeasurement => "measurement",
    }
}

/// Keyword matching over meals, activities, measurements and quick entries:
/// each matching word counts, among equals newer first.
async fn retrieve_by_keywords(
    store: &Store,
    profile: &Profile,
    question: &str,
    k: usize,
) -> Result<Vec<Retrieved>> {
    let terms = terms(question);
    if terms.is_empty() || k == 0 {
        return Ok(Vec::new());
    }
    let tz = profile.tz();
    // (kind, id, when, text): one searchable text per row.
    let mut rows: Vec<(String, String, String, String)> = Vec::new();
    let like: Vec<String> = terms
        .iter()
        .map(|t| format!("%{}%", t.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")))
        .collect();
    let sources: [(&str, &str); 4] = [
        (
            "meal",
            "SELECT id, logged_at AS at, category || ': ' || COALESCE(name || ' — ', '') || \
             COALESCE((SELECT group_concat(json_extract(f.value, '$.name'), ', ') FROM json_each(foods) f), '') || \
             printf(' (%d kcal, %.0f g protein)', total_calories, total_protein_g) || COALESCE(' — ' || notes, '') \
             AS text FROM meal_logs WHERE user_id = ?",
        ),
        (
            "activity",
            "SELECT id, start_date AS at, activity_type || ': ' || COALESCE(name, '') || \
             CASE WHEN distance_meters > 0 THEN printf(' %.2f km', distance_meters / 1000.0) ELSE '' END || \
             CASE WHEN elapsed_time_seconds > 0 THEN printf(' in %d min', elapsed_time_seconds / 60) ELSE '' END || \
             COALESCE((SELECT ' — ' || group_concat(DISTINCT s.exercise_name) FROM activity_segments s \
                       WHERE s.activity_id = activities.id AND s.exercise_name IS NOT NULL), '') || \
             COALESCE(' — ' || notes, '') AS text FROM activities WHERE user_id = ?",
        ),
        (
            "measurement",
            "SELECT id, measured_at AS at, 'body: ' || \
             CASE WHEN weight_kg IS NULL THEN '' ELSE printf('weight %.1f kg ', weight_kg) END || \
             CASE WHEN body_fat_pct IS NULL THEN '' ELSE printf('body fat %.1f%% ', body_fat_pct) END || \
             CASE WHEN measurements <> '{}' THEN measurements ELSE '' END || COALESCE(' — ' || notes, '') \
             AS text FROM body_measurements WHERE user_id = ?",
        ),
        (
            "entry",
            "SELECT id, logged_at AS at, 'logged: ' || COALESCE(raw_text, '') || COALESCE(' ' || raw_transcription, '') \
             AS text FROM quick_entry_logs WHERE user_id = ?",
        ),
    ];
    for (kind, select) in sources {
        let filter = vec!["text LIKE ? ESCAPE '\\'"; like.len()].join(" OR ");
        let sql = format!("SELECT id, at, text FROM ({select}) WHERE {filter} LIMIT 500");
        let mut query =
            sqlx::query_as::<_, (String, String, String)>(sqlx::AssertSqlSafe(sql)).bind(&profile.id);
        for l in &like {
            query = query.bind(l);
        }
        for (id, at, text) in query.fetch_all(store.pool()).await? {
            rows.push((kind.to_string(), id, at, text));
        }
    }
    let now = crate::clock::now();
    let mut scored: Vec<Retrieved> = rows
        .into_iter()
        .map(|(kind, id, at, text)| {
            let lower = text.to_lowercase();
            let hits = terms.iter().filter(|t| lower.contains(t.as_str())).count() as f64;
            let when = clock::from_db(&at).unwrap_or(now);
            let age_days = (now - when).num_days().max(0) as f64;
            // Matching words dominate; among equals, newer first.
            let score = hits / terms.len() as f64 + 0.1 / (1.0 + age_days / 30.0);
            Retrieved { kind, id, date: clock::local_date(when, tz).to_string(), text, score }
        })
        .collect();
    scored.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| b.date.cmp(&a.date)));
    scored.truncate(k);
    for r in &mut scored {
        r.score = (r.score * 1000.0).round() / 1000.0;
    }
    Ok(scored)
}

/// Averages over the days with any meal logged in a window ending today.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NutritionWindow {
    pub days: i64,
    pub logged_days: i64,
    pub calories: f64,
    pub protein_g: f64,
    pub carbs_g: f64,
    pub fat_g: f64,
}

/// Training load on a day: fitness (CTL), fatigue (ATL), form (TSB).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Load {
    pub fitness: f64,
    pub fatigue: f64,
    pub form: f64,
    /// Sum of training load over the last 7 days.
    pub week_load: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WeightTrend {
    pub date: NaiveDate,
    pub weight_kg: f64,
    pub trend_kg: f64,
    /// kg per week over the last 28 days (negative when losing).
    pub weekly_rate_kg: Option<f64>,
}

/// The numbers every answer may lean on.
#[derive(Debug, Clone, Serialize)]
pub struct Snapshot {
    pub today: NaiveDate,
    pub targets: MacroTargets,
    pub eaten_today: NutritionWindow,
    pub last_7: NutritionWindow,
    pub last_28: NutritionWindow,
    pub load: Option<Load>,
    pub recent_activities: Vec<ActivitySummary>,
    pub weight: Option<WeightTrend>,
    pub program: Option<ProgramDay>,
    /// (intake − exercise energy) ÷ fat-free mass over the last 7 days.
    pub energy_availability: Option<body::energy_availability::EnergyAvailability>,
}

/// Averages over the local days `[today - days + 1, today]` that have a meal.
pub async fn nutrition_window(
    store: &Store,
    user_id: &str,
    today: NaiveDate,
    days: i64,
) -> Result<NutritionWindow> {
    let from = today - Duration::days(days.max(1) - 1);
    let (logged_days, calories, protein_g, carbs_g, fat_g): (i64, f64, f64, f64, f64) = sqlx::query_as(
        "SELECT COUNT(DISTINCT local_date), total(total_calories), total(total_protein_g), total(total_carbs_g), \
         total(total_fat_g) FROM meal_logs WHERE user_id = ? AND local_date >= ? AND local_date <= ?",
    )
    .bind(user_id)
    .bind(from.to_string())
    .bind(today.to_string())
    .fetch_one(store.pool())
    .await?;
    let per = |v: f64| if logged_days > 0 { v / logged_days as f64 } else { 0.0 };
    Ok(NutritionWindow {
        days,
        logged_days,
        calories: per(calories),
        protein_g: per(protein_g),
        carbs_g: per(carbs_g),
        fat_g: per(fat_g),
    })
}

pub async fn snapshot(store: &Store, profile: &Profile, now: DateTime<Utc>) -> Result<Snapshot> {
    let tz = profile.tz();
    let today = clock::local_date(now, tz);
    let fitness = charts::fitness_series(store, &profile.id, today - Duration::days(6), today).await?;
    let load = fitness.last().filter(|d| d.fitness > 0.0 || d.fatigue > 0.0).map(|d| Load {
        fitness: d.fitness,
        fatigue: d.fatigue,
        form: d.form,
        week_load: fitness.iter().map(|d| d.load).sum(),
    });
    // The rate needs 28 days; the trend itself comes with its warm-up.
    let points = body::trend_through(store, &profile.id, today - Duration::days(28), today).await?;
    let weight = trend::trend_on(&points, today).map(|p| WeightTrend {
        date: p.date,
        weight_kg: p.weight_kg,
        trend_kg: p.trend_kg,
        weekly_rate_kg: trend::weekly_rate(&points, 28),
    });
    let (_, end) = clock::day_bounds_utc(today, tz);
    Ok(Snapshot {
        today,
        targets: MacroTargets::of(profile),
        eaten_today: nutrition_window(store, &profile.id, today, 1).await?,
        last_7: nutrition_window(store, &profile.id, today, 7).await?,
        last_28: nutrition_window(store, &profile.id, today, 28).await?,
        load,
        recent_activities: activities::recent(store, &profile.id, end, 5).await?,
        weight,
        program: programs::day_on(store, &profile.id, today).await?,
        energy_availability: Some(body::energy_availability::week_to(store, profile, today).await?)
            .filter(|ea| ea.mean_7d.is_some()),
    })
}

fn fmt_target(v: Option<f64>, unit: &str) -> String {
    v.map(|t| format!(" (target {t:.0}{unit})")).unwrap_or_default()
}

/// The snapshot as plain text for a model's system prompt.
pub fn describe(s: &Snapshot, retrieved: &[Retrieved]) -> String {
    let mut out = format!("Today is {} (the user's local date).\n", s.today);
    let t = &s.targets;
    let today = &s.eaten_today;
    out.push_str(&format!(
        "Eaten today: {:.0} kcal{}, {:.0} g protein{}, {:.0} g carbs, {:.0} g fat.\n",
        today.calories * today.logged_days as f64,
        fmt_target(t.calories, " kcal"),
        today.protein_g * today.logged_days as f64,
        fmt_target(t.protein_g, " g"),
        today.carbs_g * today.logged_days as f64,
        today.fat_g * today.logged_days as f64,
    ));
    for w in [&s.last_7, &s.last_28] {
        out.push_str(&format!(
            "Last {} days: {} days logged; daily average {:.0} kcal, {:.0} g protein, {:.0} g carbs, {:.0} g fat.\n",
            w.days, w.logged_days, w.calories, w.protein_g, w.carbs_g, w.fat_g
        ));
    }
    match &s.load {
        Some(l) => out.push_str(&format!(
            "Training load: fitness (CTL) {:.1}, fatigue (ATL) {:.1}, form (TSB) {:.1}; load over the last 7 days {:.0}.\n",
            l.fitness, l.fatigue, l.form, l.week_load
        )),
        None => out.push_str("Training load: no activities with a training load yet.\n"),
    }
    if !s.recent_activities.is_empty() {
        out.push_str("Recent activities:\n");
        for a in &s.recent_activities {
            out.push_str(&format!("- {}\n", activity_line(a)));
        }
    }
    match &s.weight {
        Some(w) => out.push_str(&format!(
            "Weight: {:.1} kg on {} (trend {:.1} kg{}).\n",
            w.weight_kg,
            w.date,
            w.trend_kg,
            w.weekly_rate_kg.map(|r| format!(", {r:+.2} kg/week over 28 days")).unwrap_or_default()
        )),
        None => out.push_str("Weight: no weigh-ins yet.\n"),
    }
    if let Some(ea) = &s.energy_availability {
        out.push_str(&format!(
            "{} (Low energy availability is below {:.0} kcal/kg fat-free mass a day.)\n",
            ea.summary, ea.threshold
        ));
    }
    if let Some(p) = &s.program {
        out.push_str(&format!(
            "Program \"{}\": day {} of {} (week {}), {}{}{}.\n",
            p.program_name,
            p.day_number,
            p.total_days,
            p.week_number,
            p.day_name,
            p.day_focus.as_deref().map(|f| format!(" — {f}")).unwrap_or_default(),
            if p.is_rest_day { " (rest day)" } else { "" }
        ));
        for item in &p.items {
            out.push_str(&format!(
                "  - {}{}\n",
                item.title,
                item.detail.as_deref().map(|d| format!(" ({d})")).unwrap_or_default()
            ));
        }
    }
    if !retrieved.is_empty() {
        out.push_str("Logged entries related to the question:\n");
        for r in retrieved {
            out.push_str(&format!("- [{} {}] {}\n", r.kind, r.date, r.text));
        }
    }
    out
}

pub fn activity_line(a: &ActivitySummary) -> String {
    let date = a.start_date.get(..10).unwrap_or(&a.start_date);
    let kind = serde_json::to_value(a.activity_type)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let km =
        a.distance_meters.filter(|d| *d > 0.0).map(|d| format!(" {:.2} km", d / 1000.0)).unwrap_or_default();
    format!("{date} {kind} \"{}\"{km} in {} min", a.name, a.elapsed_time_seconds / 60)
}
