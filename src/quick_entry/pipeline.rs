//! From a stored raw entry to rows: claim it, read it (offline parser or a
//! provider), look the foods up, write every row in one transaction, and
//! mark the entry `completed` — or `failed` with the reason, to retry later.

use chrono::{Duration, Timelike};
use serde::Serialize;
use sqlx::SqliteConnection;

use super::extraction::{ExtractedFood, Extraction};
use super::offline::{self, WeightUnit};
use super::{ProcessingStatus, QuickEntry};
use crate::activities::{self, ActivitySource, NewActivity, NewSegment};
use crate::ai::{self, Provider, Usage, budget, extract, prices};
use crate::body::{self, BodySource, NewMeasurement};
use crate::clock;
use crate::error::{Error, Result};
use crate::nutrition::{self, MealFood, MealSource, NewMeal};
use crate::profile::{Profile, Units};
use crate::store::Store;

/// Who reads the entry. A provider that fails (network, budget, invalid
/// answers) falls back to the offline parser, and the reason is kept.
#[derive(Debug, Clone, Copy)]
pub enum Reader<'a> {
    Offline,
    Ai(&'a Provider),
}

const OFFLINE_MODEL: &str = "wagner-offline-parser";

/// What processing one entry produced.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Processed {
    pub entry: QuickEntry,
    pub classification: String,
    pub confidence: f64,
    pub meal_log_ids: Vec<String>,
    pub activity_ids: Vec<String>,
    pub body_measurement_ids: Vec<String>,
    pub extraction: Extraction,
}

/// Entries a crash left `processing` go back to the queue (call at start-up).
pub async fn recover_interrupted(store: &Store) -> Result<u64> {
    let done = sqlx::query(
        "UPDATE quick_entry_logs SET processing_status = 'pending' WHERE processing_status = 'processing'",
    )
    .execute(store.pool())
    .await?;
    Ok(done.rows_affected())
}

/// Processes one pending or failed entry of the profile.
pub async fn process(
    store: &Store,
    profile: &Profile,
    entry_id: &str,
    reader: Reader<'_>,
) -> Result<Processed> {
    let claimed: Option<Claimed> = sqlx::query_as(
        "UPDATE quick_entry_logs SET processing_status = 'processing', attempts = attempts + 1, error_message = NULL \
         WHERE id = ? AND user_id = ? AND processing_status IN ('pending', 'failed') \
         RETURNING raw_text, raw_transcription, logged_at, image_urls, audio_url",
    )
    .bind(entry_id)
    .bind(&profile.id)
    .fetch_optional(store.pool())
    .await?;
    let Some(claimed) = claimed else {
        let entry = super::get(store, &profile.id, entry_id).await?;
        return Err(Error::invalid(format!(
            "entry {entry_id} is {}: only pending or failed entries are processed",
            entry.processing_status.as_str()
        )));
    };
    match read_and_store(store, profile, entry_id, claimed, reader).await {
        Ok(processed) => Ok(processed),
        Err(err @ Error::Waiting(_)) => {
            // Not a failure: the entry waits, pending, for what it needs.
            sqlx::query(
                "UPDATE quick_entry_logs SET processing_status = 'pending', error_message = ? WHERE id = ? AND user_id = ?",
            )
            .bind(err.to_string())
            .bind(entry_id)
            .bind(&profile.id)
            .execute(store.pool())
            .await?;
            Err(err)
        }
        Err(err) => {
            // The raw entry stays; the reason is kept for the user and a retry.
            sqlx::query(
                "UPDATE quick_entry_logs SET processing_status = 'failed', error_message = ? WHERE id = ? AND user_id = ?",
            )
            .bind(err.to_string())
            .bind(entry_id)
            .bind(&profile.id)
            .execute(store.pool())
            .await?;
            Err(err)
        }
    }
}

/// The user corrected an entry: the rows it created are replaced by what the
/// new text says, in one transaction with the text change, then it is read again.
pub async fn edit(
    store: &Store,
    profile: &Profile,
    entry_id: &str,
    new_text: &str,
    reader: Reader<'_>,
) -> Result<Processed> {
    let text = new_text.trim();
    if text.is_empty() {
        return Err(Error::invalid("the entry is empty: type what you ate, did or weighed"));
    }
    let current = super::get(store, &profile.id, entry_id).await?;
    if current.processing_status == ProcessingStatus::Processing {
        return Err(Error::invalid(format!("entry {entry_id} is being processed: try again in a moment")));
    }
    let mut tx = store.pool().begin().await?;
    for table in ["meal_logs", "activities", "body_measurements"] {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM {table} WHERE quick_entry_log_id = ? AND user_id = ?"
        )))
        .bind(entry_id)
        .bind(&profile.id)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "UPDATE quick_entry_logs SET raw_text = ?, processing_status = 'pending', error_message = NULL, \
         meal_log_ids = '[]', ai_extracted_data = NULL, ai_classification = NULL, ai_confidence_score = NULL, \
         contains_meal = 0, contains_workout = 0, contains_body_measurement = 0 WHERE id = ? AND user_id = ?",
    )
    .bind(text)
    .bind(entry_id)
    .bind(&profile.id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    process(store, profile, entry_id, reader).await
}

/// Processes every pending entry of the profile, oldest first; failures are
/// recorded on their entries and do not stop the others.
pub async fn process_pending(
    store: &Store,
    profile: &Profile,
    reader: Reader<'_>,
) -> Result<Vec<Result<Processed>>> {
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM quick_entry_logs WHERE user_id = ? AND processing_status = 'pending' ORDER BY logged_at, id",
    )
    .bind(&profile.id)
    .fetch_all(store.pool())
    .await?;
    let mut results = Vec::with_capacity(ids.len());
    for id in ids {
        results.push(process(store, profile, &id, reader).await);
    }
    Ok(results)
}

#[derive(sqlx::FromRow)]
struct Claimed {
    raw_text: Option<String>,
    raw_transcription: Option<String>,
    logged_at: String,
    #[sqlx(json)]
    image_urls: Vec<String>,
    audio_url: Option<String>,
}

/// A voice note becomes text through the provider's transcription endpoint;
/// without one the entry waits.
async fn transcribe_if_needed(
    store: &Store,
    profile: &Profile,
    entry_id: &str,
    claimed: &mut Claimed,
    reader: Reader<'_>,
) -> Result<()> {
    let Some(audio) = claimed.audio_url.clone().filter(|_| claimed.raw_transcription.is_none()) else {
        return Ok(());
    };
    let provider = match reader {
        Reader::Ai(p) if p.config.kind != ai::ProviderKind::Anthropic => p,
        _ => {
            return Err(Error::Waiting(
                "needs transcription: this voice note waits until a transcription provider (Groq or a local \
                 Whisper server) is set up; local offline transcription is not built yet"
                    .into(),
            ));
        }
    };
    let bytes = crate::attachments::load(store, &audio)?;
    let name = audio.rsplit('/').next().unwrap_or("voice-note").to_string();
    let text = provider
        .transcribe(bytes, &name)
        .await
        .map_err(|e| Error::Waiting(format!("transcription failed, will retry: {e}")))?;
    sqlx::query("UPDATE quick_entry_logs SET raw_transcription = ? WHERE id = ? AND user_id = ?")
        .bind(&text)
        .bind(entry_id)
        .bind(&profile.id)
        .execute(store.pool())
        .await?;
    claimed.raw_transcription = Some(text);
    Ok(())
}

async fn read_and_store(
    store: &Store,
    profile: &Profile,
    entry_id: &str,
    mut claimed: Claimed,
    reader: Reader<'_>,
) -> Result<Processed> {
    transcribe_if_needed(store, profile, entry_id, &mut claimed, reader).await?;
    let logged_at = clock::from_db(&claimed.logged_at)?;
    let text = [claimed.raw_text.clone(), claimed.raw_transcription.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("\n");
    let vision = match reader {
        Reader::Ai(p) if p.supports_vision() && !claimed.image_urls.is_empty() => Some(p),
        _ => None,
    };
    if text.trim().is_empty() && vision.is_none() {
        return Err(Error::Waiting(if claimed.image_urls.is_empty() {
            "the entry has no text to read yet: add a description".into()
        } else {
            "a photo alone waits for a vision-capable AI provider or a description: add what you ate".into()
        }));
    }
    let images = match vision {
        Some(_) => claimed
            .image_urls
            .iter()
            .map(|path| {
                Ok(ai::ImageInput {
                    media_type: "image/jpeg".into(),
                    bytes: crate::attachments::for_model(store, path)?,
                })
            })
            .collect::<Result<Vec<_>>>()?,
        None => Vec::new(),
    };
    let photo = claimed.image_urls.first().cloned();
    let local_hour = logged_at.with_timezone(&profile.tz()).hour();
    let default_weight = if profile.units == Units::Imperial { WeightUnit::Lb } else { WeightUnit::Kg };
    let offline = || offline::parse(&text, local_hour, default_weight);
    let reading = match reader {
        Reader::Offline => AiOutcome::offline(offline()),
        Reader::Ai(provider) => {
            let local = logged_at.with_timezone(&profile.tz());
            let context = format!(
                "Logged at {} local time. The user's units: {}.",
                local.format("%H:%M on %A"),
                if profile.units == Units::Imperial { "imperial" } else { "metric" }
            );
            read_with_ai(store, profile, provider, &text, images, &context).await?.or_offline(offline)
        }
    };
    let AiOutcome { mut extraction, provider, model, cost_usd, usage, provider_error } = reading;
    if extraction.is_empty() {
        let why = provider_error.map(|e| format!(" (the AI provider failed: {e})")).unwrap_or_default();
        return Err(Error::invalid(format!(
            "nothing recognised as a meal, a workout or a measurement{why}: edit the entry (e.g. \"2 eggs\", \
             \"ran 5k in 25:30\", \"weighed 82.4 kg\") or set up an AI provider"
        )));
    }

    let mut tx = store.pool().begin().await?;
    let mut unmatched = 0usize;
    for meal in &mut extraction.meals {
        for food in &mut meal.foods {
            if !resolve_food(&mut tx, &profile.id, food).await? {
                unmatched += 1;
            }
        }
    }
    // Foods without nutrition are kept (the user can fix them) but lower the confidence.
    let total_foods: usize = extraction.meals.iter().map(|m| m.foods.len()).sum();
    if total_foods > 0 && unmatched > 0 {
        extraction.confidence *= 1.0 - 0.5 * unmatched as f64 / total_foods as f64;
        extraction.confidence = (extraction.confidence * 100.0).round() / 100.0;
    }

    let mut meal_log_ids = Vec::new();
    for meal in &extraction.meals {
        let foods = meal.foods.iter().map(to_meal_food).collect();
        let id = nutrition::insert_meal(
            &mut tx,
            profile,
            &NewMeal {
                category: meal.category.unwrap_or_else(|| offline::category_for_hour(local_hour)),
                logged_at,
                name: None,
                foods,
                source: MealSource::QuickEntry,
                quick_entry_log_id: Some(entry_id.to_string()),
                ai_extracted: true,
                ai_confidence: Some(extraction.confidence),
                // The photo belongs with the meal the text (or the model) describes.
                image_url: photo.clone(),
            },
        )
        .await?;
        meal_log_ids.push(id);
    }
    let mut activity_ids = Vec::new();
    for workout in &extraction.workouts {
        // People log a workout after it: it started its duration before the entry.
        let duration = workout.duration_seconds.filter(|d| *d > 0).unwrap_or(match workout.sets.len() {
            0 => 1800,
            n => (n as i64 * 180).min(7200),
        });
        let id = activities::insert(
            &mut tx,
            profile,
            &NewActivity {
                name: workout.name.clone(),
                activity_type: workout.activity_type,
                source: ActivitySource::QuickEntry,
                start_date: logged_at - Duration::seconds(duration),
                elapsed_time_seconds: duration,
                moving_time_seconds: None,
                distance_meters: workout.distance_meters,
                calories: None,
                average_heartrate: None,
                notes: None,
                quick_entry_log_id: Some(entry_id.to_string()),
                ai_extracted: true,
                segments: workout
                    .sets
                    .iter()
                    .map(|s| NewSegment {
                        exercise_name: Some(s.exercise.clone()),
                        reps: Some(s.reps),
                        weight_kg: s.weight_kg,
                        ..NewSegment::default()
                    })
                    .collect(),
            },
        )
        .await?;
        activity_ids.push(id);
    }
    let mut body_measurement_ids = Vec::new();
    for m in &extraction.measurements {
        let mut others = serde_json::Map::new();
        if let Some(waist) = m.waist_cm {
            others.insert("waist_cm".into(), serde_json::json!(waist));
        }
        let id = body::insert(
            &mut tx,
            profile,
            &NewMeasurement {
                measured_at: logged_at,
                weight_kg: m.weight_kg,
                body_fat_pct: m.body_fat_pct,
                measurements: others,
                source: BodySource::QuickEntry,
                quick_entry_log_id: Some(entry_id.to_string()),
                ai_extracted: true,
            },
        )
        .await?;
        body_measurement_ids.push(id);
    }

    let classification = extraction.classification().to_string();
    let extracted_json = serde_json::json!({
        "extraction": extraction,
        "activity_ids": activity_ids,
        "body_measurement_ids": body_measurement_ids,
        "usage": usage,
        "provider_error": provider_error,
    });
    sqlx::query(
        "UPDATE quick_entry_logs SET processing_status = 'completed', error_message = NULL, ai_provider = ?, \
         ai_model = ?, ai_cost_usd = ?, ai_classification = ?, ai_extracted_data = ?, ai_confidence_score = ?, \
         contains_meal = ?, contains_workout = ?, contains_body_measurement = ?, meal_log_ids = ?, processed_at = ? \
         WHERE id = ? AND user_id = ?",
    )
    .bind(&provider)
    .bind(&model)
    .bind(cost_usd)
    .bind(&classification)
    .bind(extracted_json.to_string())
    .bind(extraction.confidence)
    .bind(!extraction.meals.is_empty())
    .bind(!extraction.workouts.is_empty())
    .bind(!extraction.measurements.is_empty())
    .bind(serde_json::Value::from(meal_log_ids.clone()).to_string())
    .bind(clock::now_db())
    .bind(entry_id)
    .bind(&profile.id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;

    let entry = super::get(store, &profile.id, entry_id).await?;
    debug_assert_eq!(entry.processing_status, ProcessingStatus::Completed);
    Ok(Processed {
        entry,
        confidence: extraction.confidence,
        classification,
        meal_log_ids,
        activity_ids,
        body_measurement_ids,
        extraction,
    })
}

/// Who read the entry and what it cost.
struct AiOutcome {
    extraction: Extraction,
    provider: String,
    model: String,
    cost_usd: f64,
    usage: Usage,
    /// Why the provider's reading was not used, when it was not.
    provider_error: Option<String>,
}

impl AiOutcome {
    fn offline(extraction: Extraction) -> Self {
        AiOutcome {
            extraction,
            provider: "offline".into(),
            model: OFFLINE_MODEL.into(),
            cost_usd: 0.0,
            usage: Usage::default(),
            provider_error: None,
        }
    }

    /// Keeps the provider's reading, or reads offline and keeps the reason.
    fn or_offline(self, offline: impl FnOnce() -> Extraction) -> Self {
        if self.provider_error.is_none() {
            return self;
        }
        AiOutcome { extraction: offline(), provider: "offline".into(), model: OFFLINE_MODEL.into(), ..self }
    }
}

async fn read_with_ai(
    store: &Store,
    profile: &Profile,
    provider: &Provider,
    text: &str,
    images: Vec<ai::ImageInput>,
    context: &str,
) -> Result<AiOutcome> {
    let kind = provider.config.kind;
    let failed = |err: Error, cost_usd: f64, usage: Usage| AiOutcome {
        extraction: Extraction::default(),
        provider: kind.as_str().into(),
        model: provider.config.model.clone(),
        cost_usd,
        usage,
        provider_error: Some(err.to_string()),
    };
    let limits = budget::Limits {
        requests_per_minute: provider.config.requests_per_minute,
        monthly_budget_usd: provider.config.monthly_budget_usd,
    };
    if let Err(err) = budget::admit(store, &profile.id, kind, limits, chrono::Utc::now()).await {
        return Ok(failed(err, 0.0, Usage::default()));
    }
    let reading = extract::read_entry(provider, text, images, context).await;
    let overrides = ai::price_overrides(store, &profile.id).await?;
    let cost_usd = prices::cost_usd(prices::price_for(&reading.model, &overrides), reading.usage);
    budget::record_spend(store, &profile.id, kind, cost_usd).await?;
    Ok(match reading.extraction {
        Ok(extraction) => AiOutcome {
            extraction,
            provider: kind.as_str().into(),
            model: reading.model,
            cost_usd,
            usage: reading.usage,
            provider_error: None,
        },
        Err(err) => failed(err, cost_usd, reading.usage),
    })
}

fn to_meal_food(f: &ExtractedFood) -> MealFood {
    MealFood {
        name: f.name.clone(),
        quantity: f.quantity,
        unit: f.unit.clone(),
        grams: f.grams,
        calories: f.calories,
        protein_g: f.protein_g,
        carbs_g: f.carbs_g,
        fat_g: f.fat_g,
        food_id: f.food_id.clone(),
    }
}

#[derive(sqlx::FromRow)]
struct FoodRow {
    id: String,
    name: String,
    calories: Option<f64>,
    protein_g: Option<f64>,
    total_carbs_g: Option<f64>,
    total_fat_g: Option<f64>,
    portions: String,
    serving_grams: Option<f64>,
}

#[derive(serde::Deserialize)]
struct Portion {
    name: String,
    #[serde(default = "one")]
    amount: f64,
    grams: f64,
}

fn one() -> f64 {
    1.0
}

/// Fills a food's nutrition from the best foods_enhanced match; false when none matched.
async fn resolve_food(conn: &mut SqliteConnection, user_id: &str, food: &mut ExtractedFood) -> Result<bool> {
    // A provider's own estimate is kept; offline foods arrive with no nutrition.
    if food.food_id.is_some() || food.calories > 0.0 {
        return Ok(true);
    }
    let Some(row) = best_match(conn, user_id, &food.name).await? else { return Ok(false) };
    let portions: Vec<Portion> = serde_json::from_str(&row.portions).unwrap_or_default();
    let grams = food.grams.or_else(|| grams_for(&food.unit, food.quantity, &portions, row.serving_grams));
    let Some(grams) = grams else { return Ok(false) };
    let per_gram = |v: Option<f64>| (v.unwrap_or(0.0) * grams / 100.0 * 10.0).round() / 10.0;
    food.grams = Some((grams * 10.0).round() / 10.0);
    food.calories = per_gram(row.calories);
    food.protein_g = per_gram(row.protein_g);
    food.carbs_g = per_gram(row.total_carbs_g);
    food.fat_g = per_gram(row.total_fat_g);
    food.food_id = Some(row.id);
    tracing::debug!(typed = %food.name, matched = %row.name, grams, "food matched");
    Ok(true)
}

/// Grams in `quantity × unit` of a food, from its named portions.
fn grams_for(unit: &str, quantity: f64, portions: &[Portion], serving_grams: Option<f64>) -> Option<f64> {
    let per_unit = match unit {
        "g" => Some(1.0),
        "kg" => Some(1000.0),
        "ml" => Some(1.0),
        "l" => Some(1000.0),
        "serving" | "piece" => portions
            .iter()
            .find(|p| {
                ["medium", "large", "slice", "piece", "serving", "egg", "fruit"]
                    .iter()
                    .any(|w| p.name.contains(w))
            })
            .or_else(|| portions.first())
            .map(|p| p.grams / p.amount.max(f64::EPSILON))
            .or(serving_grams),
        other => portions
            .iter()
            .find(|p| p.name.split(|c: char| !c.is_alphanumeric()).any(|w| w == other))
            .map(|p| p.grams / p.amount.max(f64::EPSILON))
            .or(match other {
                "cup" => Some(240.0),
                "tbsp" => Some(15.0),
                "tsp" => Some(5.0),
                "glass" => Some(250.0),
                "scoop" => Some(30.0),
                "handful" => Some(30.0),
                "bowl" => Some(300.0),
                _ => serving_grams,
            }),
    };
    per_unit.map(|g| g * quantity)
}

/// The food a typed name most likely means: names starting with the typed
/// words first ("egg" → "Egg, whole, raw"), generic before branded, shorter first.
async fn best_match(conn: &mut SqliteConnection, user_id: &str, typed: &str) -> Result<Option<FoodRow>> {
    let singular = singular(typed);
    let rows: Vec<FoodRow> = sqlx::query_as(
        "SELECT id, name, calories, protein_g, total_carbs_g, total_fat_g, portions, serving_grams \
         FROM foods_enhanced WHERE (user_id IS NULL OR user_id = ?1) AND calories IS NOT NULL \
         AND (name LIKE ?2 || '%' OR name LIKE '%' || ?2 || '%') LIMIT 400",
    )
    .bind(user_id)
    .bind(&singular)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().min_by_key(|row| match_rank(&row.name, &singular)))
}

fn singular(typed: &str) -> String {
    typed
        .split_whitespace()
        .map(|w| {
            if w.ends_with("ies") && w.len() > 4 {
                format!("{}y", &w[..w.len() - 3])
            } else if w.ends_with("oes") || w.ends_with("ches") {
                w[..w.len() - 2].to_string()
            } else if w.ends_with('s') && !w.ends_with("ss") && w.len() > 3 {
                w[..w.len() - 1].to_string()
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn match_rank(name: &str, typed: &str) -> (u8, u8, usize) {
    let lower = name.to_lowercase();
    let first_term = lower.split(',').next().unwrap_or("").trim().to_string();
    let position = if first_term == typed {
        0
    } else if first_term.starts_with(typed) && first_term[typed.len()..].starts_with([' ', 's']) {
        1
    } else if lower.starts_with(typed) {
        2
    } else {
        3
    };
    // "whole" is what people mean by a bare "egg" or "milk"; then unprocessed forms.
    let plain = if lower.contains("whole") {
        0
    } else if ["raw", "plain", "cooked"].iter().any(|w| lower.contains(w)) {
        1
    } else {
        2
    };
    (position, plain, lower.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn portions_turn_units_into_grams() {
        let portions = vec![
            Portion { name: "large".into(), amount: 1.0, grams: 50.0 },
            Portion { name: "cup, chopped".into(), amount: 1.0, grams: 136.0 },
        ];
        assert_eq!(grams_for("serving", 2.0, &portions, None), Some(100.0));
        assert_eq!(grams_for("cup", 0.5, &portions, None), Some(68.0));
        assert_eq!(grams_for("g", 30.0, &portions, None), Some(30.0));
        assert_eq!(grams_for("tbsp", 2.0, &[], None), Some(30.0));
        assert_eq!(grams_for("serving", 1.0, &[], None), None, "no portion and no serving: unknown");
    }

    #[test]
    fn names_that_start_with_the_typed_words_rank_first() {
        let mut names = ["Egg noodles, cooked", "Eggplant, raw", "Egg, whole, raw, fresh", "Egg, white, raw"];
        names.sort_by_key(|n| match_rank(n, "egg"));
        assert_eq!(names[0], "Egg, whole, raw, fresh");
        assert_eq!(singular("eggs"), "egg");
        assert_eq!(singular("blueberries"), "blueberry");
        assert_eq!(singular("tomatoes"), "tomato");
    }
}
