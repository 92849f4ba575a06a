//! Windows over a source's analysed frames: a few seconds each, overlapping, never across a scene
//! cut, each scored (SPEC §4.1) and rejected when black, dead or blurred, with the hash of its
//! middle frame, the suggested focus point for a vertical crop, and its loudness.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::features::{tiny_difference, FrameFeatures};
use super::loudness::mean_lufs;
use super::settings::WindowSettings;

/// Why a window is not offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Rejection {
    /// Too dark.
    Black,
    /// Nothing moves.
    Dead,
    /// Out of focus.
    Blurred,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Window {
    pub start_s: f64,
    pub end_s: f64,
    /// SPEC §4.1's weighted score, 0–1.
    pub score: f64,
    pub motion: f64,
    pub variance: f64,
    pub sharpness: f64,
    pub contrast: f64,
    pub brightness: f64,
    /// 64-bit DCT hash of the middle frame, as text (a JSON number would lose bits).
    #[serde(with = "hash_text")]
    #[ts(type = "string")]
    pub phash: u64,
    /// Suggested centre of a vertical crop, 0–1 of the displayed frame.
    pub focus_x: f64,
    pub focus_y: f64,
    pub loudness_lufs: Option<f64>,
    pub rejected: Option<Rejection>,
}

mod hash_text {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(hash: &u64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{hash:016x}"))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        let text = String::deserialize(d)?;
        u64::from_str_radix(&text, 16).map_err(serde::de::Error::custom)
    }
}

/// The windows of one source.
pub fn windows(
    frames: &[FrameFeatures],
    cuts: &[f32],
    loudness: &[f32],
    duration_s: f64,
    length_s: f64,
    settings: &WindowSettings,
) -> Vec<Window> {
    let hop = length_s * (1.0 - settings.overlap.clamp(0.0, 0.9) as f64);
    let min_length = length_s.min(1.5);
    let mut bounds: Vec<f64> = std::iter::once(0.0)
        .chain(cuts.iter().map(|&c| c as f64))
        .chain(std::iter::once(duration_s))
        .collect();
    bounds.dedup_by(|a, b| (*a - *b).abs() < 1e-6);
    let mut out = Vec::new();
    for scene in bounds.windows(2) {
        let (scene_start, scene_end) = (scene[0], scene[1]);
        let mut start = scene_start;
        while scene_end - start >= min_length - 1e-9 {
            let end = (start + length_s).min(scene_end);
            if let Some(window) = measure(frames, loudness, scene_start, start, end, settings) {
                out.push(window);
            }
            if end >= scene_end {
                break;
            }
            start += hop;
        }
    }
    out
}

fn measure(
    frames: &[FrameFeatures],
    loudness: &[f32],
    scene_start: f64,
    start: f64,
    end: f64,
    settings: &WindowSettings,
) -> Option<Window> {
    let from = frames.partition_point(|f| (f.t as f64) < start - 1e-6);
    let to = frames.partition_point(|f| (f.t as f64) < end - 1e-6);
    let inside = &frames[from..to];
    if inside.is_empty() {
        return None;
    }
    let mean = |value: fn(&FrameFeatures) -> f32, of: &[FrameFeatures]| {
        of.iter().map(|f| value(f) as f64).sum::<f64>() / of.len().max(1) as f64
    };
    // The first frame of a scene measured the cut, not motion within the scene.
    let cut_frame = (scene_start > 0.0)
        .then(|| frames.get(frames.partition_point(|f| (f.t as f64) < scene_start - 1e-6)))
        .flatten()
        .map(|f| f.t);
    let moving: Vec<FrameFeatures> = inside
        .iter()
        .filter(|f| Some(f.t) != cut_frame)
        .cloned()
        .collect();
    let motion = if moving.is_empty() {
        0.0
    } else {
        mean(|f| f.motion, &moving)
    };
    let (first, middle, last) = (
        &inside[0],
        &inside[inside.len() / 2],
        &inside[inside.len() - 1],
    );
    let variance = (tiny_difference(&first.tiny, &middle.tiny)
        + tiny_difference(&middle.tiny, &last.tiny)
        + tiny_difference(&first.tiny, &last.tiny)) as f64
        / 3.0;
    let sharpness = mean(|f| f.sharpness, inside);
    let contrast = mean(|f| f.contrast, inside);
    let brightness = mean(|f| f.brightness, inside);
    let energy: f64 = moving.iter().map(|f| f.energy as f64).sum();
    let (focus_x, focus_y) = if energy > 1e-6 {
        (
            moving
                .iter()
                .map(|f| (f.energy * f.focus_x) as f64)
                .sum::<f64>()
                / energy,
            moving
                .iter()
                .map(|f| (f.energy * f.focus_y) as f64)
                .sum::<f64>()
                / energy,
        )
    } else {
        (0.5, 0.5)
    };
    let w = &settings.weights;
    let score = w.motion as f64 * (motion / settings.full_motion as f64).min(1.0)
        + w.variance as f64 * (variance / settings.full_variance as f64).min(1.0)
        + w.sharpness as f64 * sharpness
        + w.contrast as f64 * contrast
        + w.brightness as f64 * (1.0 - 2.0 * (brightness - 0.5).abs());
    let rejected = if brightness < settings.min_brightness as f64 {
        Some(Rejection::Black)
    } else if motion < settings.min_motion as f64 {
        Some(Rejection::Dead)
    } else if sharpness < settings.min_sharpness as f64 {
        Some(Rejection::Blurred)
    } else {
        None
    };
    Some(Window {
        start_s: start,
        end_s: end,
        score,
        motion,
        variance,
        sharpness,
        contrast,
        brightness,
        phash: middle.phash,
        focus_x,
        focus_y,
        loudness_lufs: mean_lufs(loudness, start as f32, end as f32).map(|l| l as f64),
        rejected,
    })
}
