//! The steps run on one file, in the order the CLI and the jobs run them, with one progress
//! scale: decode (first 10 %), voice activity (next 5 %), recognition (the rest).

use std::path::Path;
use std::sync::Arc;

use super::transcribe::{TranscribeSettings, Transcriber, Transcript};
use super::vad::{SpeechSpan, Vad, VadSettings};
use super::{SpeechAudio, SpeechError};
use crate::jobs::CancelToken;

/// Told the fraction done, 0–1.
pub type Progress = Arc<dyn Fn(f64) + Send + Sync>;

/// A file's sound and where its speech is.
pub struct Heard {
    pub audio: SpeechAudio,
    pub speech: Vec<SpeechSpan>,
}

/// Decode `path` and find its speech; progress runs 0 → `share`.
pub fn hear(
    path: &Path,
    duration_hint: Option<f64>,
    settings: &VadSettings,
    cancel: &CancelToken,
    progress: &Progress,
    share: f64,
) -> Result<Heard, SpeechError> {
    let audio = super::audio::load(path, duration_hint, cancel, |f| progress(f * share * 0.66))?;
    let vad = Vad::new()?;
    let speech = vad.speech(&audio, settings, cancel, |f| {
        progress(share * (0.66 + 0.34 * f))
    })?;
    Ok(Heard { audio, speech })
}

/// Transcribe `path` with the model file `model`, skipping its silences.
pub fn transcribe(
    path: &Path,
    model: &Path,
    settings: &TranscribeSettings,
    cancel: &CancelToken,
    progress: Progress,
) -> Result<(Heard, Transcript), SpeechError> {
    let heard = hear(path, None, &VadSettings::default(), cancel, &progress, 0.15)?;
    let transcriber = Transcriber::load(model)?;
    let recognition = progress.clone();
    let transcript = transcriber.transcribe(
        &heard.audio,
        Some(&heard.speech),
        settings,
        cancel,
        move |f| recognition(0.15 + 0.85 * f),
    )?;
    progress(1.0);
    Ok((heard, transcript))
}
