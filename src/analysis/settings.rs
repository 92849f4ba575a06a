//! The knobs of analysis and scoring (SPEC §4.1). Changing one that alters what is measured
//! (not just how it is scored) changes [`ANALYZER_VERSION`]'s cache key.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Bump when what is measured per frame changes: cached analyses of older versions are redone.
pub const ANALYZER_VERSION: i64 = 1;

/// Sampled frames per second.
pub const RATE: i32 = 5;
/// Width of the analysed frames (the height follows the source's shape).
pub const WIDTH: u32 = 160;
/// Audio is measured at this rate, mono.
pub const AUDIO_RATE: u32 = 16_000;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CutSettings {
    /// A cut moves at least this share of the histogram (0–1).
    pub min_histogram_jump: f32,
    /// ... and changes pixels at least this much (mean absolute difference, 0–1).
    pub min_motion: f32,
    /// ... and stands this many times above the recent level of change.
    pub above_level: f32,
    /// A jump that comes back to within this share of itself on the next frame is a flash.
    pub flash_ratio: f32,
}

impl Default for CutSettings {
    fn default() -> Self {
        Self {
            min_histogram_jump: 0.25,
            min_motion: 0.05,
            above_level: 3.0,
            flash_ratio: 0.5,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ScoreWeights {
    pub motion: f32,
    pub variance: f32,
    pub sharpness: f32,
    pub contrast: f32,
    pub brightness: f32,
}

impl Default for ScoreWeights {
    fn default() -> Self {
        Self {
            motion: 0.40,
            variance: 0.20,
            sharpness: 0.20,
            contrast: 0.15,
            brightness: 0.05,
        }
    }
}

/// How windows are cut and judged.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct WindowSettings {
    pub weights: ScoreWeights,
    /// Overlap of consecutive windows (0–0.9).
    pub overlap: f32,
    /// Rejected as black below this brightness.
    pub min_brightness: f32,
    /// Rejected as dead below this motion.
    pub min_motion: f32,
    /// Rejected as blurred below this sharpness.
    pub min_sharpness: f32,
    /// Motion that counts as full marks (raw motion is scaled by 1/this, clamped).
    pub full_motion: f32,
    /// Variance that counts as full marks.
    pub full_variance: f32,
    /// Two windows are duplicates below this Hamming distance of their hashes (8–12).
    pub duplicate_distance: u32,
}

impl Default for WindowSettings {
    fn default() -> Self {
        Self {
            weights: ScoreWeights::default(),
            overlap: 0.3,
            min_brightness: 0.08,
            min_motion: 0.008,
            min_sharpness: 0.2,
            full_motion: 0.1,
            full_variance: 0.2,
            duplicate_distance: 10,
        }
    }
}

/// Window length for a target duration: `clamp(target / 8, 1.5 s, 3.0 s)`.
pub fn window_length_s(target_s: f64) -> f64 {
    (target_s / 8.0).clamp(1.5, 3.0)
}
