//! faster-whisper tiny.en through CTranslate2 (the `ct2rs` crate). The
//! high-level `ct2rs::Whisper` sends the multilingual prompt, which an
//! English-only model mis-reads ("to eggs"), and wants a preprocessor file;
//! so this computes Whisper's log-mel features itself and calls the
//! low-level generator with the `.en` prompt.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ct2rs::Tokenizer as _;
use ct2rs::sys::{self, ComputeType, Config, StorageView, WhisperOptions};
use ct2rs::tokenizers::hf;
use mel_spec::mel::{log_mel_spectrogram, mel};
use mel_spec::stft::Spectrogram;
use ndarray::Array2;

use super::decode::SAMPLE_RATE;
use crate::error::{Error, Result};

const N_FFT: usize = 400;
const HOP: usize = 160;
const N_MELS: usize = 80;
/// Whisper reads 30 s windows of 3000 frames.
const CHUNK_SAMPLES: usize = 30 * SAMPLE_RATE as usize;
const FRAMES: usize = CHUNK_SAMPLES / HOP;
const PROMPT: [&str; 2] = ["<|startoftranscript|>", "<|notimestamps|>"];
/// Above this the model thinks a window holds no speech: its text is dropped
/// (Whisper invents words for silence).
const NO_SPEECH: f32 = 0.6;

fn failed(detail: impl std::fmt::Display) -> Error {
    Error::Transcription(format!("the offline speech model failed: {detail}"))
}

pub struct LocalWhisper {
    whisper: sys::Whisper,
    tokenizer: hf::Tokenizer,
    filters: Array2<f64>,
}

impl LocalWhisper {
    pub fn load(dir: &Path) -> Result<Self> {
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
        let config =
            Config { compute_type: ComputeType::INT8, num_threads_per_replica: threads, ..Config::default() };
        let whisper =
            sys::Whisper::new(dir, config).map_err(|e| failed(format!("loading {}: {e}", dir.display())))?;
        let tokenizer =
            hf::Tokenizer::new(dir).map_err(|e| failed(format!("loading {}: {e}", dir.display())))?;
        Ok(LocalWhisper {
            whisper,
            tokenizer,
            filters: mel(f64::from(SAMPLE_RATE), N_FFT, N_MELS, None, None, false, true),
        })
    }

    /// Whisper's features for one window: log10 mel power, floored at 8
    /// below the window's peak, scaled to about [-1, 1]; the window is
    /// zero-padded to 30 s as the reference implementation does.
    fn features(&self, chunk: &[f32]) -> Vec<f32> {
        let mut stft = Spectrogram::new(N_FFT, HOP);
        let mut log_mel = vec![-10.0f64; N_MELS * FRAMES];
        // The STFT yields its first window after three hops; this much silence
        // first centres frame i on sample i * HOP, as Whisper's centred STFT does.
        let lead = 3 * HOP - N_FFT / 2;
        let mut padded = vec![0.0f32; lead];
        padded.extend_from_slice(chunk);
        padded.resize(lead + CHUNK_SAMPLES + N_FFT / 2, 0.0);
        let mut frame = 0usize;
        for hop in padded.chunks(HOP) {
            if frame >= FRAMES {
                break;
            }
            if let Some(fft) = stft.add(hop) {
                let column = log_mel_spectrogram(&fft, &self.filters);
                for m in 0..N_MELS {
                    log_mel[m * FRAMES + frame] = column[[m, 0]];
                }
                frame += 1;
            }
        }
        let peak = log_mel.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        log_mel.iter().map(|&v| ((v.max(peak - 8.0) + 4.0) / 4.0) as f32).collect()
    }

    /// Transcribes 16 kHz mono samples, 30 s at a time.
    pub fn transcribe(&self, samples: &[f32]) -> Result<String> {
        let options = WhisperOptions { return_no_speech_prob: true, ..WhisperOptions::default() };
        let mut parts = Vec::new();
        for chunk in samples.chunks(CHUNK_SAMPLES) {
            let mut features = self.features(chunk);
            let view =
                StorageView::new(&[1, N_MELS, FRAMES], &mut features, Default::default()).map_err(failed)?;
            let results = self.whisper.generate(&view, &[PROMPT.to_vec()], &options).map_err(failed)?;
            for result in results {
                if result.no_speech_prob > NO_SPEECH {
                    continue;
                }
                let Some(tokens) = result.sequences.into_iter().next() else { continue };
                let tokens: Vec<String> =
                    tokens.into_iter().filter(|t| !(t.starts_with("<|") && t.ends_with("|>"))).collect();
                let text = self.tokenizer.decode(tokens).map_err(failed)?;
                let text = text.trim();
                if !text.is_empty() {
                    parts.push(text.to_string());
                }
            }
        }
        Ok(parts.join(" "))
    }
}

/// The model stays loaded after its first use (loading takes a while).
static LOADED: Mutex<Option<(PathBuf, Arc<LocalWhisper>)>> = Mutex::new(None);

pub fn shared(dir: &Path) -> Result<Arc<LocalWhisper>> {
    let mut loaded = LOADED.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((at, model)) = loaded.as_ref()
        && at == dir
    {
        return Ok(Arc::clone(model));
    }
    let model = Arc::new(LocalWhisper::load(dir)?);
    *loaded = Some((dir.to_path_buf(), Arc::clone(&model)));
    Ok(model)
}
