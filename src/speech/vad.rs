//! Voice activity: Silero VAD (MIT, bundled in `assets/models`) run by tract.
//!
//! tract cannot analyse the standard `silero_vad.onnx` (its `If` node), so we ship the If-free
//! `silero_vad_16k_sequence.onnx` export (PyPI silero-vad 6.2.3). It takes a batch of frames as a
//! sequence — each row 64 samples of context plus 512 new ones (32 ms at 16 kHz) — and carries the
//! LSTM state across rows, so one call scores seconds of audio instead of one frame.
//!
//! Spans follow Silero's own rules: speech starts when a frame's probability reaches the
//! threshold, and ends once it has stayed under `threshold − 0.15` for the minimum silence.

use serde::{Deserialize, Serialize};
use tract_onnx::prelude::*;
use ts_rs::TS;

use super::audio::{SpeechAudio, SAMPLE_RATE};
use super::SpeechError;
use crate::jobs::CancelToken;

const MODEL: &[u8] = include_bytes!("../../assets/models/silero_vad_16k_sequence.onnx");
const FRAME: usize = 512;
const CONTEXT: usize = 64;
/// Frames per model call: 16 s, enough to amortise the call, little padding at the end.
const BATCH: usize = 500;
const STATE: usize = 128;

pub const FRAME_S: f64 = FRAME as f64 / SAMPLE_RATE as f64;

/// What the user can set (SPEC §4.3 defaults).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct VadSettings {
    /// Probability from which a frame is speech (0–1).
    pub threshold: f32,
    /// Shorter bursts are not speech, seconds.
    pub min_speech_s: f64,
    /// Pauses shorter than this do not end a span, seconds.
    pub min_silence_s: f64,
    /// Added before and after each span (not past its neighbours), seconds.
    pub pad_s: f64,
}

impl Default for VadSettings {
    fn default() -> Self {
        Self {
            threshold: 0.5,
            min_speech_s: 0.25,
            min_silence_s: 0.1,
            pad_s: 0.03,
        }
    }
}

impl VadSettings {
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if !(0.05..=0.95).contains(&self.threshold) {
            problems.push("the threshold must be between 0.05 and 0.95".to_owned());
        }
        for (name, value) in [
            ("minimum speech", self.min_speech_s),
            ("minimum silence", self.min_silence_s),
            ("padding", self.pad_s),
        ] {
            if !(0.0..=10.0).contains(&value) {
                problems.push(format!("the {name} must be between 0 and 10 s"));
            }
        }
        problems
    }
}

/// A stretch of speech, seconds of the file.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SpeechSpan {
    pub start_s: f64,
    pub end_s: f64,
}

impl SpeechSpan {
    pub fn duration_s(&self) -> f64 {
        self.end_s - self.start_s
    }
}

/// The loaded detector. Making one optimises the model (tens of milliseconds); reuse it.
pub struct Vad {
    plan: Arc<TypedRunnableModel>,
}

fn vad_error(e: impl std::fmt::Display) -> SpeechError {
    SpeechError::Vad {
        detail: e.to_string(),
    }
}

impl Vad {
    pub fn new() -> Result<Self, SpeechError> {
        let model = tract_onnx::onnx()
            .model_for_read(&mut std::io::Cursor::new(MODEL))
            .map_err(vad_error)?
            .with_input_fact(0, f32::fact([BATCH, CONTEXT + FRAME]).into())
            .map_err(vad_error)?
            .with_input_fact(1, f32::fact([1, 1, STATE]).into())
            .map_err(vad_error)?
            .with_input_fact(2, f32::fact([1, 1, STATE]).into())
            .map_err(vad_error)?
            .into_optimized()
            .map_err(vad_error)?
            .into_runnable()
            .map_err(vad_error)?;
        Ok(Self { plan: model })
    }

    /// The speech probability of every 32 ms frame of `audio`.
    pub fn probabilities(
        &self,
        audio: &SpeechAudio,
        cancel: &CancelToken,
        mut progress: impl FnMut(f64),
    ) -> Result<Vec<f32>, SpeechError> {
        let samples = &audio.samples;
        let frames = samples.len().div_ceil(FRAME);
        let mut probabilities = Vec::with_capacity(frames);
        let mut h = Tensor::zero::<f32>(&[1, 1, STATE]).map_err(vad_error)?;
        let mut c = Tensor::zero::<f32>(&[1, 1, STATE]).map_err(vad_error)?;
        let mut rows = vec![0f32; BATCH * (CONTEXT + FRAME)];
        let mut first = 0;
        while first < frames {
            if cancel.is_cancelled() {
                return Err(SpeechError::Cancelled);
            }
            let count = BATCH.min(frames - first);
            rows.fill(0.0);
            for (row, out) in rows.chunks_mut(CONTEXT + FRAME).take(count).enumerate() {
                // Each row: the 64 samples before the frame, then the frame (zeros past the end).
                let frame_start = (first + row) * FRAME;
                let from = frame_start.saturating_sub(CONTEXT);
                let to = (frame_start + FRAME).min(samples.len());
                let offset = CONTEXT - (frame_start - from);
                out[offset..offset + (to - from)].copy_from_slice(&samples[from..to]);
            }
            let input = Tensor::from_shape(&[BATCH, CONTEXT + FRAME], &rows).map_err(vad_error)?;
            let mut outputs = self
                .plan
                .run(tvec!(input.into(), h.into(), c.into()))
                .map_err(vad_error)?;
            if outputs.len() != 3 {
                return Err(vad_error(format!("{} outputs, not 3", outputs.len())));
            }
            c = outputs.remove(2).into_tensor();
            h = outputs.remove(1).into_tensor();
            let probs = outputs.remove(0).into_tensor();
            let view = probs.try_as_plain_ram().map_err(vad_error)?;
            let probs = view.as_slice::<f32>().map_err(vad_error)?;
            probabilities.extend_from_slice(&probs[..count.min(probs.len())]);
            first += count;
            progress(first as f64 / frames as f64);
        }
        Ok(probabilities)
    }

    /// The speech spans of `audio`.
    pub fn speech(
        &self,
        audio: &SpeechAudio,
        settings: &VadSettings,
        cancel: &CancelToken,
        progress: impl FnMut(f64),
    ) -> Result<Vec<SpeechSpan>, SpeechError> {
        let probabilities = self.probabilities(audio, cancel, progress)?;
        Ok(spans(&probabilities, settings, audio.duration_s()))
    }
}

/// Speech spans from frame probabilities (Silero's hysteresis), padded and clipped to the audio.
pub fn spans(probabilities: &[f32], settings: &VadSettings, duration_s: f64) -> Vec<SpeechSpan> {
    let off_threshold = (settings.threshold - 0.15).max(0.01);
    let mut raw: Vec<(f64, f64)> = Vec::new();
    let mut start: Option<f64> = None;
    let mut quiet_since: Option<f64> = None;
    for (i, &p) in probabilities.iter().enumerate() {
        let t = i as f64 * FRAME_S;
        match start {
            None if p >= settings.threshold => {
                start = Some(t);
                quiet_since = None;
            }
            None => {}
            Some(s) => {
                if p >= settings.threshold {
                    quiet_since = None;
                } else if p < off_threshold {
                    let since = *quiet_since.get_or_insert(t);
                    if t + FRAME_S - since >= settings.min_silence_s {
                        raw.push((s, since));
                        start = None;
                        quiet_since = None;
                    }
                }
            }
        }
    }
    if let Some(s) = start {
        raw.push((s, duration_s));
    }
    raw.retain(|(s, e)| e - s >= settings.min_speech_s);
    let mut spans: Vec<SpeechSpan> = Vec::with_capacity(raw.len());
    for (i, &(s, e)) in raw.iter().enumerate() {
        let previous_end = spans.last().map_or(0.0, |p| p.end_s);
        let next_start = raw.get(i + 1).map_or(duration_s, |n| n.0);
        let start_s = (s - settings.pad_s).max(previous_end).max(0.0);
        // Padding never reaches past the middle of the gap to the next span.
        let end_s = (e + settings.pad_s)
            .min(e + (next_start - e) / 2.0)
            .min(duration_s);
        spans.push(SpeechSpan {
            start_s: round_ms(start_s),
            end_s: round_ms(end_s),
        });
    }
    spans
}

fn round_ms(seconds: f64) -> f64 {
    (seconds * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::{spans, VadSettings, FRAME_S};

    fn frames(pattern: &[(f32, f64)]) -> Vec<f32> {
        pattern
            .iter()
            .flat_map(|&(p, seconds)| std::iter::repeat_n(p, (seconds / FRAME_S).round() as usize))
            .collect()
    }

    #[test]
    fn short_pauses_and_short_bursts_follow_the_settings() {
        let settings = VadSettings::default();
        // 1 s speech, 64 ms dip (kept), 1 s speech, 1 s silence, 96 ms burst (dropped), silence.
        let probabilities = frames(&[
            (0.0, 0.48),
            (0.9, 1.0),
            (0.1, 0.064),
            (0.9, 1.0),
            (0.05, 1.0),
            (0.9, 0.096),
            (0.05, 1.0),
        ]);
        let duration = probabilities.len() as f64 * FRAME_S;
        let found = spans(&probabilities, &settings, duration);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!((found[0].start_s - 0.45).abs() < 0.04, "{found:?}");
        assert!((found[0].end_s - 2.6).abs() < 0.07, "{found:?}");
        let ends_in_speech = frames(&[(0.0, 1.0), (0.9, 1.0)]);
        let found = spans(&ends_in_speech, &settings, 2.0);
        assert_eq!(found.last().map(|s| s.end_s), Some(2.0));
    }
}
