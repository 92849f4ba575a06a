//! A source's waveform: the peak level of its sound every 20 ms, on a decibel scale, as the
//! editor draws it under the pieces. The file describes itself (the window reads the rate and
//! the scale from its header), so the two sides never keep the same numbers twice:
//!
//! ```text
//! b"EFWF" | version: u8 = 1 | per_second: u16 LE | floor_db: u8 | one u8 per bucket
//! ```
//!
//! A bucket holds `255 × (1 − peak_dB / floor_dB)`: 0 at or below −`floor_db` dBFS, 255 at full
//! scale. A gain is then a shift of the drawn height, which is how the window shows muting and
//! ducking. The denoised waveform runs the same RNNoise element the export's denoise effect runs.

use std::path::Path;

use super::decode::{AudioSettings, DecodeSettings, Decoded, Decoder};
use super::MediaError;
use crate::jobs::CancelToken;

pub const MAGIC: &[u8; 4] = b"EFWF";
const VERSION: u8 = 1;
pub const PER_SECOND: u16 = 50;
pub const FLOOR_DB: u8 = 60;
const HEADER_LEN: usize = 8;

/// Peaks gathered from samples pushed in order.
pub struct Peaks {
    samples_per_bucket: f64,
    /// Samples pushed so far.
    seen: u64,
    current: f32,
    buckets: Vec<u8>,
}

impl Peaks {
    pub fn new(sample_rate: u32) -> Self {
        Self {
            samples_per_bucket: sample_rate as f64 / PER_SECOND as f64,
            seen: 0,
            current: 0.0,
            buckets: Vec::new(),
        }
    }

    /// Mono samples, in order.
    pub fn push(&mut self, samples: &[f32]) {
        for &sample in samples {
            self.current = self.current.max(sample.abs());
            self.seen += 1;
            if self.seen as f64 >= (self.buckets.len() + 1) as f64 * self.samples_per_bucket {
                self.close_bucket();
            }
        }
    }

    fn close_bucket(&mut self) {
        self.buckets.push(level(self.current));
        self.current = 0.0;
    }

    /// The waveform file's bytes.
    pub fn finish(mut self) -> Vec<u8> {
        let partial = self.seen as f64 > self.buckets.len() as f64 * self.samples_per_bucket;
        if partial {
            self.close_bucket();
        }
        let mut out = Vec::with_capacity(HEADER_LEN + self.buckets.len());
        out.extend_from_slice(MAGIC);
        out.push(VERSION);
        out.extend_from_slice(&PER_SECOND.to_le_bytes());
        out.push(FLOOR_DB);
        out.extend_from_slice(&self.buckets);
        out
    }
}

fn level(peak: f32) -> u8 {
    if peak <= 0.0 {
        return 0;
    }
    let db = 20.0 * peak.log10();
    let floor = FLOOR_DB as f32;
    (255.0 * (1.0 + db / floor)).round().clamp(0.0, 255.0) as u8
}

/// The buckets of a waveform file, or `None` when `bytes` is not one.
pub fn buckets(bytes: &[u8]) -> Option<&[u8]> {
    let header = bytes.get(..HEADER_LEN)?;
    (header[..4] == *MAGIC && header[4] == VERSION).then(|| &bytes[HEADER_LEN..])
}

/// The level (dBFS, down to the floor) a bucket stands for.
pub fn bucket_db(value: u8) -> f64 {
    (value as f64 / 255.0 - 1.0) * FLOOR_DB as f64
}

/// The waveform of the sound of `path`, `denoised` through RNNoise as the export's denoise
/// effect hears it.
pub fn make(path: &Path, denoised: bool, cancel: &CancelToken) -> Result<Vec<u8>, MediaError> {
    const RATE: u32 = 16_000;
    let settings = DecodeSettings {
        video: None,
        audio: Some(AudioSettings {
            rate: RATE,
            channels: 1,
            denoise: denoised,
        }),
        start_s: None,
        stall_after: DecodeSettings::DEFAULT_STALL,
    };
    let mut decoder = Decoder::open(path, &settings, cancel)?;
    let mut peaks = Peaks::new(RATE);
    let mut heard = false;
    while let Some(decoded) = decoder.pull()? {
        if let Decoded::Audio(chunk) = decoded {
            heard = true;
            peaks.push(&chunk.samples);
        }
    }
    if !heard {
        return Err(MediaError::Unsupported {
            path: crate::text::printable_path(path),
            reason: "it has no sound to draw".into(),
            detail: String::new(),
        });
    }
    Ok(peaks.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peaks_fill_one_bucket_per_50th_of_a_second_on_a_decibel_scale() {
        let mut peaks = Peaks::new(1000);
        // 20 samples a bucket: a full-scale bucket, a −20 dB one, silence, then half a bucket.
        peaks.push(&[1.0; 20]);
        peaks.push(&[-0.1; 20]);
        peaks.push(&[0.0; 20]);
        peaks.push(&[0.001; 10]);
        let file = peaks.finish();
        let values = buckets(&file).unwrap();
        assert_eq!(values, &[255, 170, 0, 0]);
        assert!((bucket_db(170) - -20.0).abs() < 0.2);
        assert_eq!(u16::from_le_bytes([file[5], file[6]]), PER_SECOND);
        assert!(buckets(b"JUNKJUNKJUNK").is_none());
    }
}
