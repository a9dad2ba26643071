//! Any voice file the app accepts (WAV, MP3, M4A/AAC, OGG/Vorbis) to the
//! 16 kHz mono f32 samples Whisper reads. Pure Rust: hound for WAV,
//! symphonia for the compressed formats.

use std::io::Cursor;

use symphonia::core::audio::SampleBuffer;
use symphonia::core::codecs::{CODEC_TYPE_NULL, DecoderOptions};
use symphonia::core::errors::Error as SymphoniaError;
use symphonia::core::formats::FormatOptions;
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;

use crate::error::{Error, Result};

pub const SAMPLE_RATE: u32 = 16_000;
/// Longer notes are refused rather than tying up the CPU for minutes.
pub const MAX_SECONDS: u32 = 10 * 60;

fn bad(name: &str, detail: impl std::fmt::Display) -> Error {
    Error::Transcription(format!("could not decode {name}: {detail}"))
}

/// Decodes `bytes` (named `name`, for messages and the format hint) to
/// 16 kHz mono samples in [-1, 1].
pub fn to_16k_mono(bytes: &[u8], name: &str) -> Result<Vec<f32>> {
    let (mono, rate) = if bytes.starts_with(b"RIFF") && bytes.len() > 12 && &bytes[8..12] == b"WAVE" {
        wav(bytes, name)?
    } else {
        compressed(bytes, name)?
    };
    if rate == 0 {
        return Err(bad(name, "the file gives no sample rate"));
    }
    if mono.len() as u64 > u64::from(MAX_SECONDS) * u64::from(rate) {
        return Err(Error::Transcription(format!(
            "{name} is longer than {} minutes: record a shorter note",
            MAX_SECONDS / 60
        )));
    }
    Ok(resample(&mono, rate, SAMPLE_RATE))
}

fn wav(bytes: &[u8], name: &str) -> Result<(Vec<f32>, u32)> {
    let reader = hound::WavReader::new(Cursor::new(bytes)).map_err(|e| bad(name, e))?;
    let spec = reader.spec();
    let channels = usize::from(spec.channels.max(1));
    let interleaved: Vec<f32> = match spec.sample_format {
        hound::SampleFormat::Float => {
            reader.into_samples::<f32>().collect::<Result<_, _>>().map_err(|e| bad(name, e))?
        }
        hound::SampleFormat::Int => {
            let scale = 1.0 / (1u64 << (spec.bits_per_sample.clamp(1, 32) - 1)) as f32;
            reader
                .into_samples::<i32>()
                .map(|s| s.map(|v| v as f32 * scale))
                .collect::<Result<_, _>>()
                .map_err(|e| bad(name, e))?
        }
    };
    Ok((downmix(&interleaved, channels), spec.sample_rate))
}

fn compressed(bytes: &[u8], name: &str) -> Result<(Vec<f32>, u32)> {
    let stream = MediaSourceStream::new(Box::new(Cursor::new(bytes.to_vec())), Default::default());
    let mut hint = Hint::new();
    if let Some(ext) = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()) {
        hint.with_extension(&ext);
    }
    let probed = symphonia::default::get_probe()
        .format(&hint, stream, &FormatOptions::default(), &MetadataOptions::default())
        .map_err(|e| bad(name, e))?;
    let mut format = probed.format;
    let track = format
        .tracks()
        .iter()
        .find(|t| t.codec_params.codec != CODEC_TYPE_NULL)
        .ok_or_else(|| bad(name, "no audio track"))?;
    let track_id = track.id;
    let mut rate = track.codec_params.sample_rate.unwrap_or(0);
    let mut decoder = symphonia::default::get_codecs()
        .make(&track.codec_params, &DecoderOptions::default())
        .map_err(|e| bad(name, e))?;
    let mut mono = Vec::new();
    loop {
        let packet = match format.next_packet() {
            Ok(p) => p,
            Err(SymphoniaError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(SymphoniaError::ResetRequired) => break,
            Err(e) => return Err(bad(name, e)),
        };
        if packet.track_id() != track_id {
            continue;
        }
        match decoder.decode(&packet) {
            Ok(decoded) => {
                let spec = *decoded.spec();
                rate = spec.rate;
                let mut buf = SampleBuffer::<f32>::new(decoded.capacity() as u64, spec);
                buf.copy_interleaved_ref(decoded);
                mono.extend(downmix(buf.samples(), spec.channels.count().max(1)));
            }
            // A damaged frame is skipped, as players do.
            Err(SymphoniaError::DecodeError(_)) => continue,
            Err(e) => return Err(bad(name, e)),
        }
        if mono.len() as u64 > u64::from(MAX_SECONDS + 1) * u64::from(rate.max(1)) {
            break;
        }
    }
    if mono.is_empty() {
        return Err(bad(name, "no audio in the file"));
    }
    Ok((mono, rate))
}

fn downmix(interleaved: &[f32], channels: usize) -> Vec<f32> {
    if channels == 1 {
        return interleaved.to_vec();
    }
    interleaved.chunks(channels).map(|frame| frame.iter().sum::<f32>() / frame.len() as f32).collect()
}

/// Linear interpolation; when shrinking, each output sample first averages
/// the input samples it stands for, a cheap low-pass against aliasing that
/// is plenty for speech.
pub fn resample(samples: &[f32], from: u32, to: u32) -> Vec<f32> {
    if from == to || samples.is_empty() {
        return samples.to_vec();
    }
    let ratio = f64::from(from) / f64::from(to);
    let out_len = ((samples.len() as f64) / ratio).floor() as usize;
    let last = samples.len() - 1;
    let smoothed: Vec<f32> = if ratio > 1.0 {
        let half = (ratio / 2.0).floor() as usize;
        // Prefix sums make the moving average O(n).
        let mut prefix = Vec::with_capacity(samples.len() + 1);
        prefix.push(0.0f64);
        for s in samples {
            prefix.push(prefix[prefix.len() - 1] + f64::from(*s));
        }
        (0..samples.len())
            .map(|i| {
                let lo = i.saturating_sub(half);
                let hi = (i + half).min(last);
                ((prefix[hi + 1] - prefix[lo]) / (hi + 1 - lo) as f64) as f32
            })
            .collect()
    } else {
        samples.to_vec()
    };
    (0..out_len)
        .map(|i| {
            let pos = i as f64 * ratio;
            let at = (pos.floor() as usize).min(last);
            let next = (at + 1).min(last);
            let frac = (pos - at as f64) as f32;
            smoothed[at] * (1.0 - frac) + smoothed[next] * frac
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone_wav(rate: u32, channels: u16, seconds: f32) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        let spec = hound::WavSpec {
            channels,
            sample_rate: rate,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut w = hound::WavWriter::new(&mut out, spec).unwrap();
        let n = (rate as f32 * seconds) as usize;
        for i in 0..n {
            let v = ((i as f32 * 440.0 * std::f32::consts::TAU / rate as f32).sin() * 16000.0) as i16;
            for _ in 0..channels {
                w.write_sample(v).unwrap();
            }
        }
        w.finalize().unwrap();
        out.into_inner()
    }

    #[test]
    fn a_stereo_44k_wav_becomes_16k_mono_of_the_same_length() {
        let samples = to_16k_mono(&tone_wav(44_100, 2, 1.5), "note.wav").unwrap();
        assert!((samples.len() as i64 - 24_000).abs() <= 1, "{}", samples.len());
        let peak = samples.iter().fold(0.0f32, |m, s| m.max(s.abs()));
        assert!(peak > 0.4 && peak <= 1.0, "{peak}");
    }

    #[test]
    fn garbage_is_a_clear_error_not_a_panic() {
        let err = to_16k_mono(b"RIFF\x10\x00\x00\x00WAVEjunkjunk", "broken.wav").unwrap_err();
        assert!(err.to_string().contains("could not decode broken.wav"), "{err}");
        let err = to_16k_mono(b"OggS not really", "broken.ogg").unwrap_err();
        assert!(err.to_string().contains("could not decode broken.ogg"), "{err}");
    }
}
