//! The timeline: the one contract between analysis (which writes it), the editor (which edits it),
//! speech (which transforms it), render (which executes it) and the preview (which plays it), stored
//! as versioned JSON on a clip (SPEC §2a). Times are integer nanoseconds, GStreamer's unit: floats
//! drift off frame boundaries.

pub mod edit;
mod validate;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use validate::{validate, Problem};

/// The version this build writes; older ones are migrated on load, newer ones refused.
pub const VERSION: u32 = 1;

pub type Nanos = i64;

pub fn nanos(seconds: f64) -> Nanos {
    (seconds * 1e9).round() as Nanos
}

pub fn seconds(nanos: Nanos) -> f64 {
    nanos as f64 / 1e9
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Timeline {
    pub version: u32,
    /// Name of an export preset.
    pub preset: String,
    pub length_policy: LengthPolicy,
    pub items: Vec<Item>,
    pub audio: AudioPlan,
    pub voiceover: Option<Voiceover>,
    pub music: Option<Music>,
    pub captions: Option<Captions>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum LengthPolicy {
    /// The items decide the length.
    Video,
    /// The voice-over decides; items are trimmed or extended (W5).
    Voiceover,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Item {
    pub id: String,
    pub source_id: String,
    /// In point in the source, ns.
    #[serde(rename = "in")]
    #[ts(rename = "in", type = "number")]
    pub in_ns: Nanos,
    /// Out point in the source, ns (exclusive).
    #[serde(rename = "out")]
    #[ts(rename = "out", type = "number")]
    pub out_ns: Nanos,
    pub framing: Framing,
    /// Gain of the item's own sound (1 = as recorded).
    pub volume: f64,
}

impl Item {
    pub fn duration_ns(&self) -> Nanos {
        self.out_ns - self.in_ns
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Framing {
    pub mode: FramingMode,
    /// Centre of the crop, 0–1 of the displayed frame (analysis suggests it).
    pub focus_x: f64,
    pub focus_y: f64,
    /// 1 or more.
    pub zoom: f64,
}

impl Default for Framing {
    fn default() -> Self {
        Self {
            mode: FramingMode::Fill,
            focus_x: 0.5,
            focus_y: 0.5,
            zoom: 1.0,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum FramingMode {
    /// Fill the frame, cropping around the focus point.
    Fill,
    /// Fit the whole picture over a blurred copy of itself.
    BlurFit,
    /// Fit the whole picture with bars.
    Fit,
}

/// What happens to the sources' own sound (SPEC §4.4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AudioPlan {
    pub mode: AudioMode,
    /// Speech spans (source time, per item) where muting or ducking applies.
    pub spans: Vec<Span>,
    /// Gain inside ducked spans (≈ −30 dB).
    pub floor: f64,
    /// Fade in and out of a ducked span, seconds.
    pub fade: f64,
    /// Spans closer than this are merged, seconds.
    pub merge_gap: f64,
    /// Reduce steady background noise (hum, hiss, wind, rooms) in the footage's own sound, with a
    /// speech-trained denoiser (RNNoise).
    #[serde(default)]
    pub denoise: bool,
}

impl Default for AudioPlan {
    fn default() -> Self {
        Self {
            mode: AudioMode::Keep,
            spans: Vec::new(),
            floor: 0.03,
            fade: 0.8,
            merge_gap: 0.4,
            denoise: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum AudioMode {
    Keep,
    Mute,
    Duck,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Span {
    pub source_id: String,
    #[ts(type = "number")]
    pub start: Nanos,
    #[ts(type = "number")]
    pub end: Nanos,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Voiceover {
    pub asset_id: String,
    #[ts(type = "number")]
    pub offset: Nanos,
    pub volume: f64,
    /// Silences cut out of the voice-over, in its file's time (`source_id` is the asset); what
    /// follows each plays earlier by its length ([`Voiceover::remap`]).
    pub removed_silences: Vec<Span>,
}

impl Voiceover {
    /// The parts of a voice-over file `duration` long that are played, in file time, in order:
    /// everything but the removed silences.
    pub fn kept(&self, duration: Nanos) -> Vec<(Nanos, Nanos)> {
        let mut removed: Vec<(Nanos, Nanos)> = self
            .removed_silences
            .iter()
            .map(|s| (s.start.clamp(0, duration), s.end.clamp(0, duration)))
            .filter(|(a, b)| b > a)
            .collect();
        removed.sort();
        let mut kept = Vec::new();
        let mut at = 0;
        for (start, end) in removed {
            if start > at {
                kept.push((at, start));
            }
            at = at.max(end);
        }
        if duration > at {
            kept.push((at, duration));
        }
        kept
    }

    /// How long the voice-over plays once its silences are removed.
    pub fn played(&self, duration: Nanos) -> Nanos {
        self.kept(duration).iter().map(|(a, b)| b - a).sum()
    }

    /// Where a moment `t` of the voice-over file is heard, relative to the voice-over's start,
    /// once its silences are removed (a moment inside a removed silence: where the cut is).
    pub fn remap(&self, t: Nanos, duration: Nanos) -> Nanos {
        let mut played = 0;
        for (start, end) in self.kept(duration) {
            if t < start {
                return played;
            }
            if t <= end {
                return played + (t - start);
            }
            played += end - start;
        }
        played
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Music {
    pub asset_id: String,
    pub volume: f64,
    #[serde(rename = "loop")]
    #[ts(rename = "loop")]
    pub looped: bool,
    pub duck_under_speech: bool,
    /// Take the singing out of the music (absent in timelines saved before it existed).
    #[serde(default)]
    pub vocals: VocalRemoval,
}

/// What is done to the voice in the music ([`crate::render::vocals`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum VocalRemoval {
    #[default]
    Keep,
    /// Centre-channel cancellation: what is panned to the middle (usually the lead vocal, also
    /// bass and kick) is cancelled; a stereo recording is needed.
    CentreCancel,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Captions {
    pub cues: Vec<Cue>,
    /// One style for the burn-in and the preview (SPEC §4.6).
    #[serde(default)]
    pub style: crate::captions::CaptionStyle,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Cue {
    #[ts(type = "number")]
    pub start: Nanos,
    #[ts(type = "number")]
    pub end: Nanos,
    pub text: String,
    pub words: Vec<Word>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Word {
    pub text: String,
    #[ts(type = "number")]
    pub start: Nanos,
    #[ts(type = "number")]
    pub end: Nanos,
}

impl Timeline {
    /// A timeline of `items` with everything else at its default.
    pub fn of_items(preset: &str, items: Vec<Item>) -> Self {
        Self {
            version: VERSION,
            preset: preset.to_owned(),
            length_policy: LengthPolicy::Video,
            items,
            audio: AudioPlan::default(),
            voiceover: None,
            music: None,
            captions: None,
        }
    }

    pub fn duration_ns(&self) -> Nanos {
        self.items.iter().map(Item::duration_ns).sum()
    }

    /// Read a stored timeline: the current version, or an older one migrated; a newer one is
    /// refused rather than misread.
    pub fn from_json(text: &str) -> Result<Self, TimelineError> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| TimelineError::Unreadable(e.to_string()))?;
        let version = value.get("version").and_then(|v| v.as_u64()).unwrap_or(0);
        if version > VERSION as u64 {
            return Err(TimelineError::TooNew { found: version });
        }
        serde_json::from_value(value).map_err(|e| TimelineError::Unreadable(e.to_string()))
    }

    pub fn to_json(&self) -> String {
        // A timeline is plain data: serialising it cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TimelineError {
    #[error("the timeline could not be read: {0}")]
    Unreadable(String),
    #[error("the timeline was made by a newer version of Edit Factory (version {found})")]
    TooNew { found: u64 },
}

#[cfg(test)]
mod tests {
    use super::{Framing, Item, Timeline};

    #[test]
    fn a_timeline_round_trips_in_its_stored_form() {
        let timeline = Timeline::of_items(
            "tiktok",
            vec![Item {
                id: "a".into(),
                source_id: "s".into(),
                in_ns: 1_000_000_000,
                out_ns: 3_500_000_000,
                framing: Framing::default(),
                volume: 1.0,
            }],
        );
        let text = timeline.to_json();
        assert!(
            text.contains("\"in\":1000000000") && text.contains("\"mode\":\"fill\""),
            "{text}"
        );
        assert_eq!(Timeline::from_json(&text).unwrap(), timeline);
        assert_eq!(timeline.duration_ns(), 2_500_000_000);
        assert!(Timeline::from_json(r#"{"version": 9, "items": []}"#).is_err());
    }
}
