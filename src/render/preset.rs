//! Export presets (SPEC §4.7): the platform built-ins and a fast draft. Every x264 setting is
//! explicit: the encoder's default bitrate cap (2048 kbit/s) ruins quality even in quality mode.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Preset {
    pub name: String,
    pub label: String,
    pub width: u32,
    pub height: u32,
    pub fps_num: i32,
    pub fps_den: i32,
    /// x264 constant-quality factor (lower is better).
    pub crf: u32,
    /// Bitrate ceiling, kbit/s (VBV maximum).
    pub max_kbps: u32,
    /// x264 speed preset.
    pub speed: String,
    pub audio_kbps: u32,
    /// Integrated loudness target, LUFS.
    pub loudness_lufs: f64,
    /// True-peak ceiling, dBTP.
    pub true_peak_dbtp: f64,
    /// The platform's limits on length, seconds.
    pub min_duration_s: f64,
    pub max_duration_s: f64,
}

impl Preset {
    fn platform(name: &str, label: &str, crf: u32, max_kbps: u32, max_duration_s: f64) -> Self {
        Self {
            name: name.to_owned(),
            label: label.to_owned(),
            width: 1080,
            height: 1920,
            fps_num: 30,
            fps_den: 1,
            crf,
            max_kbps,
            speed: "medium".into(),
            audio_kbps: 192,
            loudness_lufs: -14.0,
            true_peak_dbtp: -1.0,
            min_duration_s: 1.0,
            max_duration_s,
        }
    }

    pub fn fps(&self) -> f64 {
        self.fps_num as f64 / self.fps_den as f64
    }

    /// `duration_ns` rounded to whole frames of this preset (at least one), so every item starts
    /// on a frame boundary and the timestamps of the export stay regular.
    pub fn frame_aligned_ns(&self, duration_ns: i64) -> i64 {
        let frame_ns = 1e9 * self.fps_den as f64 / self.fps_num as f64;
        let frames = (duration_ns as f64 / frame_ns).round().max(1.0);
        (frames * frame_ns).round() as i64
    }

    /// Frames in a 2 s GOP.
    pub fn keyframe_interval(&self) -> u32 {
        (self.fps() * 2.0).round() as u32
    }

    /// What a platform would reject in a video of `duration_s`.
    pub fn limit_problems(&self, duration_s: f64) -> Vec<String> {
        let mut problems = Vec::new();
        if duration_s < self.min_duration_s {
            problems.push(format!(
                "{} takes videos of at least {:.0} s; this one lasts {duration_s:.1} s",
                self.label, self.min_duration_s
            ));
        }
        if duration_s > self.max_duration_s {
            problems.push(format!(
                "{} takes videos of at most {:.0} s; this one lasts {duration_s:.1} s",
                self.label, self.max_duration_s
            ));
        }
        problems
    }
}

/// x264's speed presets, fastest first.
pub const SPEEDS: [&str; 10] = [
    "ultrafast",
    "superfast",
    "veryfast",
    "faster",
    "fast",
    "medium",
    "slow",
    "slower",
    "veryslow",
    "placebo",
];

impl Preset {
    /// Why this preset cannot be used (empty when it can): a user preset is checked before it is
    /// saved, so an export never discovers a nonsense setting half-way.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let valid_name = !self.name.is_empty()
            && self.name.len() <= 40
            && self
                .name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
        if !valid_name {
            problems.push(format!(
                "the name {:?} must be 1-40 characters of a-z, 0-9, _ or -",
                self.name
            ));
        }
        let even = |v: u32| v.is_multiple_of(2) && (16..=4096).contains(&v);
        if !even(self.width) || !even(self.height) {
            problems.push(format!(
                "the size {}×{} must be even numbers from 16 to 4096",
                self.width, self.height
            ));
        }
        if self.fps_den <= 0 || self.fps_num <= 0 || !(1.0..=120.0).contains(&self.fps()) {
            problems.push(format!(
                "the frame rate {}/{} must be between 1 and 120",
                self.fps_num, self.fps_den
            ));
        }
        if self.crf > 51 {
            problems.push(format!("the CRF {} must be 0-51", self.crf));
        }
        if !(100..=200_000).contains(&self.max_kbps) {
            problems.push(format!(
                "the bitrate ceiling {} kbit/s must be 100-200000",
                self.max_kbps
            ));
        }
        if !SPEEDS.contains(&self.speed.as_str()) {
            problems.push(format!(
                "the speed {:?} must be one of {}",
                self.speed,
                SPEEDS.join(", ")
            ));
        }
        if !(32..=512).contains(&self.audio_kbps) {
            problems.push(format!(
                "the audio bitrate {} kbit/s must be 32-512",
                self.audio_kbps
            ));
        }
        if !(-40.0..=-5.0).contains(&self.loudness_lufs) {
            problems.push(format!(
                "the loudness target {} LUFS must be between -40 and -5",
                self.loudness_lufs
            ));
        }
        if !(-9.0..=0.0).contains(&self.true_peak_dbtp) {
            problems.push(format!(
                "the true-peak ceiling {} dBTP must be between -9 and 0",
                self.true_peak_dbtp
            ));
        }
        if !(self.min_duration_s >= 0.0 && self.max_duration_s > self.min_duration_s) {
            problems.push(format!(
                "the length limits {}-{} s must be increasing",
                self.min_duration_s, self.max_duration_s
            ));
        }
        problems
    }
}

/// The built-in presets.
pub fn builtins() -> Vec<Preset> {
    let mut tiktok = Preset::platform("tiktok", "TikTok", 20, 10_000, 600.0);
    tiktok.min_duration_s = 3.0;
    vec![
        tiktok,
        Preset::platform("instagram_reels", "Instagram Reels", 18, 25_000, 900.0),
        Preset::platform("youtube_shorts", "YouTube Shorts", 18, 25_000, 180.0),
        Preset::platform("facebook_reels", "Facebook Reels", 20, 20_000, 90.0),
        Preset::platform("instagram_story", "Instagram Story", 20, 20_000, 60.0),
        Preset {
            name: "draft".into(),
            label: "Draft (540×960, fast)".into(),
            width: 540,
            height: 960,
            crf: 26,
            max_kbps: 4_000,
            speed: "veryfast".into(),
            audio_kbps: 128,
            max_duration_s: 3600.0,
            min_duration_s: 0.1,
            ..Preset::platform("draft", "", 26, 4_000, 3600.0)
        },
    ]
}

pub fn builtin(name: &str) -> Option<Preset> {
    builtins().into_iter().find(|p| p.name == name)
}
