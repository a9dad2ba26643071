//! Webhook events: stored raw, claimed once by their idempotency key, then
//! applied (an activity created, updated or deleted; access revoked).

use serde::Deserialize;
use serde_json::Value;

use super::api::{Got, Head};
use super::{PROVIDER, Strava, WebhookOutcome, tokens_name};
use crate::activities::import;
use crate::clock;
use crate::error::{Error, Result};
use crate::integrations::secrets::Secrets;
use crate::profile;
use crate::store::Store;

#[derive(Debug, Deserialize)]
struct Event {
    aspect_type: String,
    event_time: i64,
    object_id: i64,
    object_type: String,
    owner_id: i64,
    subscription_id: i64,
    #[serde(default)]
    updates: Value,
}

/// Stores a raw Strava webhook payload, then applies it unless the same event
/// (subscription, object, aspect and time) was applied before. A failure is
/// recorded on the event and it is applied again when delivered again.
pub async fn receive_webhook(store: &Store, secrets: Secrets, raw: &str) -> Result<WebhookOutcome> {
    let event: Event =
        serde_json::from_str(raw).map_err(|e| Error::invalid(format!("not a Strava webhook event: {e}")))?;
    let key = format!(
        "{}:{}:{}:{}:{}",
        event.subscription_id, event.object_type, event.object_id, event.aspect_type, event.event_time
    );
    let user_id: Option<String> = sqlx::query_scalar(
        "SELECT user_id FROM integrations WHERE provider = 'strava' AND external_account_id = ?",
    )
    .bind(event.owner_id.to_string())
    .fetch_optional(store.pool())
    .await?;
    let payload: Value = serde_json::from_str(raw).map_err(|e| Error::invalid(e.to_string()))?;
    sqlx::query(
        "INSERT INTO webhook_events (id, user_id, provider, event_type, idempotency_key, payload) \
         VALUES (?, ?, 'strava', ?, ?, ?) ON CONFLICT (provider, idempotency_key) DO NOTHING",
    )
    .bind(crate::new_id())
    .bind(&user_id)
    .bind(format!("{}.{}", event.object_type, event.aspect_type))
    .bind(&key)
    .bind(payload.to_string())
    .execute(store.pool())
    .await?;
    // Claimed atomically so two deliveries of one event cannot both apply it.
    let claimed = sqlx::query(
        "UPDATE webhook_events SET status = 'processing', attempts = attempts + 1 \
         WHERE provider = 'strava' AND idempotency_key = ? AND status IN ('received', 'failed')",
    )
    .bind(&key)
    .execute(store.pool())
    .await?;
    if claimed.rows_affected() == 0 {
        return Ok(WebhookOutcome::AlreadyProcessed);
    }
    let outcome = match &user_id {
        None => Ok(WebhookOutcome::Ignored {
            reason: format!("no profile is connected to athlete {}", event.owner_id),
        }),
        Some(user_id) => apply(store, secrets, user_id, &event).await,
    };
    let (status, error) = match &outcome {
        Ok(WebhookOutcome::Ignored { reason }) => ("ignored", Some(reason.clone())),
        Ok(_) => ("processed", None),
        Err(e) => ("failed", Some(e.to_string())),
    };
    sqlx::query(
        "UPDATE webhook_events SET status = ?, error_message = ?, processed_at = ? \
         WHERE provider = 'strava' AND idempotency_key = ?",
    )
    .bind(status)
    .bind(error)
    .bind((status != "failed").then(|| clock::to_db(crate::clock::now())))
    .bind(&key)
    .execute(store.pool())
    .await?;
    outcome
}

async fn apply(store: &Store, secrets: Secrets, user_id: &str, event: &Event) -> Result<WebhookOutcome> {
    let object_id = event.object_id.to_string();
    match (event.object_type.as_str(), event.aspect_type.as_str()) {
        ("athlete", "update") => {
            let revoked = matches!(event.updates.get("authorized"), Some(Value::String(s)) if s == "false")
                || event.updates.get("authorized") == Some(&Value::Bool(false));
            if !revoked {
                return Ok(WebhookOutcome::Ignored {
                    reason: "an athlete update other than deauthorization".into(),
                });
            }
            crate::integrations::set_status(
                store,
                user_id,
                PROVIDER,
                "disconnected",
                Some("access was revoked on Strava"),
            )
            .await?;
            secrets.delete(&tokens_name(user_id))?;
            Ok(WebhookOutcome::Disconnected)
        }
        ("activity", "delete") => {
            let done = sqlx::query(
                "DELETE FROM activities WHERE user_id = ? AND source = 'strava' AND external_id = ?",
            )
            .bind(user_id)
            .bind(&object_id)
            .execute(store.pool())
            .await?;
            Ok(WebhookOutcome::Deleted { count: done.rows_affected() as u32 })
        }
        ("activity", "create" | "update") => {
            let profile = profile::get(store, user_id).await?;
            let mut client = Strava::new(store, &profile, secrets).await?;
            let detail = match client.get(&format!("/activities/{object_id}"), &[]).await? {
                Got::Json(v) => v,
                Got::NotFound => {
                    return Ok(WebhookOutcome::Ignored {
                        reason: format!("activity {object_id} is not visible on Strava"),
                    });
                }
            };
            let existing: Option<String> = sqlx::query_scalar(
                "SELECT id FROM activities WHERE user_id = ? AND source = 'strava' AND external_id = ?",
            )
            .bind(user_id)
            .bind(&object_id)
            .fetch_optional(store.pool())
            .await?;
            match existing {
                Some(activity_id) if event.aspect_type == "update" => {
                    let head = Head::from_json(&detail)?;
                    sqlx::query(
                        "UPDATE activities SET name = COALESCE(?, name), activity_type = ?, \
                         notes = COALESCE(?, notes) WHERE id = ? AND user_id = ?",
                    )
                    .bind(head.name.filter(|n| !n.trim().is_empty()))
                    .bind(head.activity_type)
                    .bind(detail.get("description").and_then(Value::as_str).filter(|d| !d.trim().is_empty()))
                    .bind(&activity_id)
                    .bind(user_id)
                    .execute(store.pool())
                    .await?;
                    Ok(WebhookOutcome::Updated { activity_id })
                }
                _ => {
                    let thresholds = import::thresholds(store, user_id).await?;
                    let item = client.import_one(&detail, &thresholds).await?;
                    Ok(WebhookOutcome::Imported { item })
                }
            }
        }
        (object, aspect) => {
            Ok(WebhookOutcome::Ignored { reason: format!("{object} {aspect} events are not used") })
        }
    }
}
