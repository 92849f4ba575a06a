//! Speech audio: any file the importer accepts, through the shared decode chain, as 16 kHz mono
//! 32-bit float — what both Whisper and Silero take.

use std::path::Path;

use super::SpeechError;
use crate::jobs::CancelToken;
use crate::media::decode::{AudioSettings, DecodeSettings, Decoded, Decoder};
use crate::text::printable_path;

pub const SAMPLE_RATE: u32 = 16_000;

/// Decoded speech audio, sample 0 at the file's time 0.
#[derive(Debug, Clone, Default)]
pub struct SpeechAudio {
    pub samples: Vec<f32>,
}

impl SpeechAudio {
    pub fn duration_s(&self) -> f64 {
        self.samples.len() as f64 / SAMPLE_RATE as f64
    }

    pub fn index(seconds: f64) -> usize {
        (seconds.max(0.0) * SAMPLE_RATE as f64).round() as usize
    }
}

/// Decode `path`'s first sound track; `progress` gets 0–1 of the file read when its length is
/// known (`duration_hint`, e.g. from the library). The file is not probed first: the decode
/// chain's own errors say what is wrong with a damaged file, and a file without sound ends
/// without samples.
pub fn load(
    path: &Path,
    duration_hint: Option<f64>,
    cancel: &CancelToken,
    mut progress: impl FnMut(f64),
) -> Result<SpeechAudio, SpeechError> {
    crate::media::probe::regular_file(path).map_err(SpeechError::from_media)?;
    let settings = DecodeSettings {
        video: None,
        audio: Some(AudioSettings {
            rate: SAMPLE_RATE,
            channels: 1,
            denoise: false,
        }),
        start_s: None,
        stall_after: DecodeSettings::DEFAULT_STALL,
    };
    let mut decoder = Decoder::open(path, &settings, cancel).map_err(SpeechError::from_media)?;
    let expected = duration_hint.filter(|d| *d > 0.0);
    let mut audio = SpeechAudio {
        samples: Vec::with_capacity(expected.map_or(0, SpeechAudio::index) + SAMPLE_RATE as usize),
    };
    // A gap in the stream (a late start, a dropped packet) is filled with silence so that sample
    // index and file time stay the same thing; jitter under 10 ms is not a gap.
    let tolerance = SpeechAudio::index(0.010);
    while let Some(decoded) = decoder.pull().map_err(SpeechError::from_media)? {
        let Decoded::Audio(chunk) = decoded else {
            continue;
        };
        let at = SpeechAudio::index(chunk.pts_s);
        if at > audio.samples.len() + tolerance {
            audio.samples.resize(at, 0.0);
        }
        audio.samples.extend_from_slice(&chunk.samples);
        if let Some(duration) = expected {
            progress((audio.duration_s() / duration).min(1.0));
        }
    }
    if audio.samples.is_empty() {
        return Err(SpeechError::NoAudio {
            file: printable_path(path),
        });
    }
    Ok(audio)
}
