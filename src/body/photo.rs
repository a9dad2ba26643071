//! Progress photos: an image attached to a measurement, copied into the data
//! folder by [`crate::attachments`] (content-addressed, with an upright
//! thumbnail); the row keeps the relative path in `photo_url`.

use base64::Engine;

use super::{Measurement, get};
use crate::attachments::{self, AttachmentKind};
use crate::error::{Error, Result};
use crate::profile::Profile;
use crate::store::Store;

/// Attaches (or replaces) the photo of a measurement.
pub async fn attach(
    store: &Store,
    profile: &Profile,
    id: &str,
    bytes: &[u8],
    name: &str,
) -> Result<Measurement> {
    let prepared = attachments::prepare(bytes, name)?;
    if prepared.kind != AttachmentKind::Image {
        return Err(Error::invalid(format!("{name}: a progress photo must be a JPEG, PNG or WebP image")));
    }
    // Check the row first so a wrong id writes no file.
    let mut conn = store.pool().acquire().await?;
    get(&mut conn, &profile.id, id).await?;
    let stored = prepared.write(store)?;
    sqlx::query("UPDATE body_measurements SET photo_url = ? WHERE user_id = ? AND id = ?")
        .bind(&stored.path)
        .bind(&profile.id)
        .bind(id.trim())
        .execute(&mut *conn)
        .await?;
    get(&mut conn, &profile.id, id).await
}

/// Where attachments keep the thumbnail of a stored image
/// (`attachments/thumbnails/<hash>.jpg`).
pub fn thumbnail_path(photo_url: &str) -> Option<String> {
    let stem = std::path::Path::new(photo_url).file_stem()?.to_str()?;
    Some(format!("attachments/thumbnails/{stem}.jpg"))
}

/// A measurement's photo as a `data:` URL the window can show: the thumbnail,
/// or the full image.
pub async fn data_url(store: &Store, user_id: &str, id: &str, thumbnail: bool) -> Result<String> {
    let mut conn = store.pool().acquire().await?;
    let m = get(&mut conn, user_id, id).await?;
    let Some(photo) = m.photo_url else {
        return Err(Error::not_found(format!("photo of measurement {}", m.id)));
    };
    let thumb = thumbnail.then(|| thumbnail_path(&photo)).flatten();
    let bytes = match thumb.map(|t| attachments::load(store, &t)) {
        Some(Ok(bytes)) => bytes,
        // No thumbnail (older file): the photo itself.
        _ => attachments::load(store, &photo)?,
    };
    let (_, media_type, _) = attachments::detect(&bytes, &photo)?;
    Ok(format!("data:{media_type};base64,{}", base64::engine::general_purpose::STANDARD.encode(&bytes)))
}
