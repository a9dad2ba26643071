//! From a stored raw entry to rows: claim it, read it (offline parser or a
//! provider), look the foods up, write every row in one transaction, and
//! mark the entry `completed` — or `failed` with the reason, to retry later.

use chrono::{Duration, Timelike};
use serde::Serialize;

use super::extraction::Extraction;
use super::offline::{self, WeightUnit};
use super::{ProcessingStatus, QuickEntry};
use crate::activities::{self, ActivitySource, NewActivity, NewSegment};
use crate::ai::{self, Provider, Usage, budget, extract, prices};
use crate::body::{self, BodySource, NewMeasurement};
use crate::clock;
use crate::error::{Error, Result};
use crate::nutrition::{self, MealSource, NewMeal, resolve};
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

/// Entries a crash left `processing` go back to the queue — only those whose
/// reader is gone or stale (see [`super::claim`]); call at start-up.
pub async fn recover_interrupted(store: &Store) -> Result<u64> {
    super::claim::recover_interrupted(store).await
}

/// Processes one pending or failed entry of the profile.
pub async fn process(
    store: &Store,
    profile: &Profile,
    entry_id: &str,
    reader: Reader<'_>,
) -> Result<Processed> {
    // A reader that died mid-way leaves its claim: retry takes it over.
    super::claim::take_over_if_stale(store, &profile.id, entry_id).await?;
    let owner = super::claim::owner_id();
    let claimed: Option<Claimed> = sqlx::query_as(
        "UPDATE quick_entry_logs SET processing_status = 'processing', attempts = attempts + 1, error_message = NULL, \
         claimed_by = ?, claimed_at = ? \
         WHERE id = ? AND user_id = ? AND processing_status IN ('pending', 'failed') \
         RETURNING raw_text, raw_transcription, logged_at, image_urls, audio_url",
    )
    .bind(owner)
    .bind(clock::now_db())
    .bind(entry_id)
    .bind(&profile.id)
    .fetch_optional(store.pool())
    .await?;
    let Some(claimed) = claimed else {
        let entry = super::get(store, &profile.id, entry_id).await?;
        if entry.processing_status == ProcessingStatus::Processing {
            return Err(Error::invalid(format!(
                "entry {entry_id} is being read by another Wagner process right now: it is taken over \
                 (and can be retried) once that process ends or after {} minutes",
                super::claim::STALE_AFTER.num_minutes()
            )));
        }
        return Err(Error::invalid(format!(
            "entry {entry_id} is {}: only pending or failed entries are processed",
            entry.processing_status.as_str()
        )));
    };
    match read_and_store(store, profile, entry_id, claimed, reader).await {
        Ok(processed) => Ok(processed),
        Err(err) => {
            // The raw entry stays with the reason: `waiting` keeps it pending for
            // what it needs (a transcription, a description); anything else is
            // `failed`, ready to edit and retry.
            // Only while the claim is ours: a reader that took over owns the entry now.
            let status = if matches!(err, Error::Waiting(_)) { "pending" } else { "failed" };
            sqlx::query(
                "UPDATE quick_entry_logs SET processing_status = ?, error_message = ?, claimed_by = NULL, \
                 claimed_at = NULL WHERE id = ? AND user_id = ? AND processing_status = 'processing' AND claimed_by = ?",
            )
            .bind(status)
            .bind(err.to_string())
            .bind(entry_id)
            .bind(&profile.id)
            .bind(owner)
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
    super::claim::take_over_if_stale(store, &profile.id, entry_id).await?;
    let current = super::get(store, &profile.id, entry_id).await?;
    if current.processing_status == ProcessingStatus::Processing {
        return Err(Error::invalid(format!("entry {entry_id} is being processed: try again in a moment")));
    }
    let mut tx = store.begin_write().await?;
    // Checked again inside the write lock: another reader may have claimed it meanwhile.
    let status: Option<String> =
        sqlx::query_scalar("SELECT processing_status FROM quick_entry_logs WHERE id = ? AND user_id = ?")
            .bind(entry_id)
            .bind(&profile.id)
            .fetch_optional(&mut *tx)
            .await?;
    if status.as_deref() == Some("processing") {
        return Err(Error::invalid(format!("entry {entry_id} is being processed: try again in a moment")));
    }
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
    /// Who turned the voice note into text in this run, if anyone did.
    #[sqlx(skip)]
    transcribed_by: Option<String>,
}

/// A voice note becomes text through the provider's transcription endpoint
/// when there is one, else (or when it fails) through the offline speech
/// model; with neither the entry waits, marked "needs transcription".
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
    let bytes = crate::attachments::load(store, &audio)?;
    let name = audio.rsplit('/').next().unwrap_or("voice-note").to_string();
    let mut provider_error = None;
    let mut transcribed = None;
    if let Reader::Ai(p) = reader
        && p.config.kind != ai::ProviderKind::Anthropic
    {
        // Through the same admission, request limit and spend as every call.
        let (seconds, _) = budget::transcription_seconds(&bytes, &name);
        let cost = prices::transcription_cost_usd(&p.transcription_model(), seconds);
        let result = match budget::admit(
            store,
            &profile.id,
            p.config.kind,
            p.limits(),
            clock::now(),
            budget::CallKind::Transcription,
            cost,
        )
        .await
        {
            Ok(ticket) => {
                let result = p.transcribe(bytes.clone(), &name).await;
                budget::settle(store, ticket, if result.is_ok() { cost } else { 0.0 }).await?;
                result
            }
            Err(e) => Err(e),
        };
        match result {
            Ok(text) => transcribed = Some((text, p.config.kind.as_str().to_string())),
            Err(e) => {
                let e = p.redact(&e.to_string());
                tracing::warn!("provider transcription not used, trying the offline model: {e}");
                provider_error = Some(e);
            }
        }
    }
    if transcribed.is_none() {
        match crate::voice::transcribe_local(bytes, &name).await? {
            Some(text) => transcribed = Some((text, crate::voice::LOCAL_MODEL_LABEL.to_string())),
            None => {
                let local = crate::voice::unavailable_reason().unwrap_or_default();
                return Err(Error::Waiting(match provider_error {
                    Some(e) => {
                        format!("needs transcription: the provider failed ({e}) and {local}; will retry")
                    }
                    None => format!(
                        "needs transcription: {local}. It is read once the model is installed or a \
                         transcription provider (Groq or a local Whisper server) is set up"
                    ),
                }));
            }
        }
    }
    let Some((text, by)) = transcribed else { return Ok(()) };
    let text = text.trim().to_string();
    if text.is_empty() {
        return Err(Error::Transcription(
            "no speech was recognised in it: record it again or type what you ate".into(),
        ));
    }
    // The day words are read now that there is text: "yesterday" said into the
    // note moves the entry to yesterday, as typed it would have been.
    let recorded = clock::from_db(&claimed.logged_at)?;
    let logged_at = super::when::after_transcript(claimed.raw_text.as_deref(), &text, recorded, profile.tz());
    let done = sqlx::query(
        "UPDATE quick_entry_logs SET raw_transcription = ?, logged_at = ? WHERE id = ? AND user_id = ? \
         AND processing_status = 'processing' AND claimed_by = ?",
    )
    .bind(&text)
    .bind(clock::to_db(logged_at))
    .bind(entry_id)
    .bind(&profile.id)
    .bind(super::claim::owner_id())
    .execute(store.pool())
    .await?;
    if done.rows_affected() == 0 {
        return Err(claim_lost(entry_id));
    }
    claimed.raw_transcription = Some(text);
    claimed.logged_at = clock::to_db(logged_at);
    claimed.transcribed_by = Some(by);
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
    // A part no food word marked ("costco hot dog", "a snickers") is a meal
    // when the food database names it.
    let mut food_parts = Vec::new();
    for (part, names) in offline::unknown_parts(&text) {
        let mut named = false;
        for name in &names {
            if resolve::looks_like_food(store, &profile.id, name).await? {
                named = true;
                break;
            }
        }
        if named {
            food_parts.push(part);
        }
    }
    let offline = || offline::parse_with_foods(&text, local_hour, default_weight, &food_parts);
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

    // A food nothing matched is kept (at 0 kcal) and the entry waits for the
    // user in needs_review: never a silent zero in a completed meal.
    let mut not_found: Vec<String> = Vec::new();
    for meal in &mut extraction.meals {
        for food in &mut meal.foods {
            if resolve::resolve_food(store, &profile.id, food).await? == resolve::Resolved::NotFound {
                not_found.push(food.name.clone());
            }
        }
    }
    let total_foods: usize = extraction.meals.iter().map(|m| m.foods.len()).sum();
    if total_foods > 0 && !not_found.is_empty() {
        extraction.confidence *= 1.0 - 0.5 * not_found.len() as f64 / total_foods as f64;
        extraction.confidence = (extraction.confidence * 100.0).round() / 100.0;
    }
    let review = resolve::not_found_reason(&not_found);

    // An impossible number is never stored as fact: the entry waits for the user.
    let mut problems = crate::plausibility::typed_number_problems(&text);
    problems.extend(crate::plausibility::extraction_problems(&extraction));
    if !problems.is_empty() {
        let reading = serde_json::json!({ "extraction": extraction, "provider_error": provider_error });
        return hold_for_review(store, profile, entry_id, &problems.join("; "), reading, extraction).await;
    }

    let mut tx = store.begin_write().await?;
    let mut meal_log_ids = Vec::new();
    for meal in &extraction.meals {
        let foods = meal.foods.clone();
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
    let weight_kg = if extraction.workouts.is_empty() {
        None
    } else {
        activities::met::body_weight_kg(&mut tx, &profile.id).await?
    };
    for workout in &extraction.workouts {
        // People log a workout after it: it started its duration before the entry.
        let duration = workout.duration_seconds.filter(|d| *d > 0).unwrap_or(match workout.sets.len() {
            0 => 1800,
            n => (n as i64 * 180).min(7200),
        });
        let met =
            activities::met::met(workout.activity_type, &workout.name, workout.distance_meters, duration);
        let estimate = workout
            .duration_seconds
            .and_then(|d| activities::met::estimate(met, weight_kg, d))
            .zip(weight_kg)
            .map(|(kcal, kg)| (kcal, activities::met::note(met, kg, duration)));
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
                // No device gave calories: MET × weight × time, said to be an estimate.
                calories: estimate.as_ref().map(|(kcal, _)| *kcal),
                average_heartrate: None,
                notes: estimate.map(|(_, note)| note),
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
        if let Some(bpm) = m.resting_hr_bpm {
            others.insert("resting_hr_bpm".into(), serde_json::json!(bpm));
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
        "transcribed_by": claimed.transcribed_by,
    });
    let done = sqlx::query(
        "UPDATE quick_entry_logs SET processing_status = ?, error_message = ?, ai_provider = ?, \
         ai_model = ?, ai_cost_usd = ?, ai_classification = ?, ai_extracted_data = ?, ai_confidence_score = ?, \
         contains_meal = ?, contains_workout = ?, contains_body_measurement = ?, meal_log_ids = ?, processed_at = ?, \
         claimed_by = NULL, claimed_at = NULL \
         WHERE id = ? AND user_id = ? AND processing_status = 'processing' AND claimed_by = ?",
    )
    .bind(if review.is_some() { ProcessingStatus::NeedsReview } else { ProcessingStatus::Completed })
    .bind(&review)
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
    .bind(super::claim::owner_id())
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        // Someone took the entry over: our rows roll back with the transaction.
        return Err(claim_lost(entry_id));
    }
    tx.commit().await?;

    let entry = super::get(store, &profile.id, entry_id).await?;
    debug_assert!(matches!(
        entry.processing_status,
        ProcessingStatus::Completed | ProcessingStatus::NeedsReview
    ));
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

/// Marks the claimed entry `needs_review` with the reasons; no rows are written.
async fn hold_for_review(
    store: &Store,
    profile: &Profile,
    entry_id: &str,
    reasons: &str,
    reading: serde_json::Value,
    extraction: Extraction,
) -> Result<Processed> {
    let done = sqlx::query(
        "UPDATE quick_entry_logs SET processing_status = 'needs_review', error_message = ?, ai_extracted_data = ?, \
         ai_classification = ?, ai_confidence_score = ?, claimed_by = NULL, claimed_at = NULL, processed_at = ? \
         WHERE id = ? AND user_id = ? AND processing_status = 'processing' AND claimed_by = ?",
    )
    .bind(format!("needs review: {reasons}"))
    .bind(reading.to_string())
    .bind(extraction.classification())
    .bind(extraction.confidence)
    .bind(clock::now_db())
    .bind(entry_id)
    .bind(&profile.id)
    .bind(super::claim::owner_id())
    .execute(store.pool())
    .await?;
    if done.rows_affected() == 0 {
        return Err(claim_lost(entry_id));
    }
    let entry = super::get(store, &profile.id, entry_id).await?;
    Ok(Processed {
        entry,
        classification: extraction.classification().to_string(),
        confidence: extraction.confidence,
        meal_log_ids: Vec::new(),
        activity_ids: Vec::new(),
        body_measurement_ids: Vec::new(),
        extraction,
    })
}

fn claim_lost(entry_id: &str) -> Error {
    Error::invalid(format!("entry {entry_id} was taken over by another reader: nothing stored twice"))
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
        provider_error: Some(provider.redact(&err.to_string())),
    };
    let overrides = ai::price_overrides(store, &profile.id).await?;
    let most = budget::most_cost_usd(
        prices::price_for(&provider.config.model, &overrides),
        extract::most_usage(text, &images, context),
    );
    let call = if images.is_empty() { budget::CallKind::Entry } else { budget::CallKind::Photo };
    let ticket =
        match budget::admit(store, &profile.id, kind, provider.limits(), clock::now(), call, most).await {
            Ok(ticket) => ticket,
            Err(err) => return Ok(failed(err, 0.0, Usage::default())),
        };
    let reading = extract::read_entry(provider, text, images, context).await;
    let cost_usd = prices::cost_usd(prices::price_for(&reading.model, &overrides), reading.usage);
    budget::settle(store, ticket, cost_usd).await?;
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
