//! What the editor's preview needs to play a timeline straight from its sources, worked out by
//! the same code the export uses: where each item starts in output time (frame-aligned as the
//! export lays it out), where its picture goes in the frame, the gain envelope of its sound, the
//! voice-over's parts and the music's envelope. The window only follows these numbers.

use std::collections::HashMap;

use serde::Serialize;
use ts_rs::TS;

use super::envelope::{self, Points};
use super::placement::{self, Rect};
use super::{Preset, RenderError};
use crate::library::sources::Source;
use crate::library::Library;
use crate::timeline::{FramingMode, Nanos, Timeline};

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PreviewPlan {
    pub preset: String,
    pub width: u32,
    pub height: u32,
    pub fps: f64,
    #[ts(type = "number")]
    pub duration_ns: Nanos,
    pub items: Vec<PreviewItem>,
    pub voiceover: Option<PreviewVoiceover>,
    pub music: Option<PreviewMusic>,
    /// Sources played from their small preview copy (`media::proxy`), which is ready.
    pub proxied: Vec<String>,
    /// Sources that would play better from a preview copy not made yet ([`proxies_wanted`]).
    pub unproxied: Vec<String>,
}

/// A gain at a time (ns): linear between points, constant after the last.
#[derive(Debug, Clone, Copy, Serialize, TS)]
#[ts(export)]
pub struct GainPoint {
    #[ts(type = "number")]
    pub at: Nanos,
    pub gain: f64,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PreviewItem {
    pub item_id: String,
    pub source_id: String,
    /// Output time the item plays from and to.
    #[ts(type = "number")]
    pub start: Nanos,
    #[ts(type = "number")]
    pub end: Nanos,
    /// Source time it plays from.
    #[ts(type = "number")]
    pub in_ns: Nanos,
    pub has_video: bool,
    pub has_audio: bool,
    /// The picture in output pixels (none without a picture).
    pub rect: Option<Rect>,
    /// The blurred copy under a blur-fit item.
    pub backdrop: Option<Rect>,
    /// The item's sound, in source time.
    pub gain: Vec<GainPoint>,
}

/// A part of the voice-over played at `at` (output time) from `from` to `to` (its file's time).
#[derive(Debug, Clone, Copy, Serialize, TS)]
#[ts(export)]
pub struct VoicePart {
    #[ts(type = "number")]
    pub at: Nanos,
    #[ts(type = "number")]
    pub from: Nanos,
    #[ts(type = "number")]
    pub to: Nanos,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PreviewVoiceover {
    pub asset_id: String,
    pub volume: f64,
    pub parts: Vec<VoicePart>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PreviewMusic {
    pub asset_id: String,
    /// The music file's length: it loops every `length` when `looped`.
    #[ts(type = "number")]
    pub length: Nanos,
    pub looped: bool,
    /// In output time.
    pub gain: Vec<GainPoint>,
    /// The export lowers its vocals; the preview plays it as it is and says so.
    pub vocals_lowered: bool,
}

fn points(points: Points) -> Vec<GainPoint> {
    points
        .into_iter()
        .map(|(at, gain)| GainPoint { at, gain })
        .collect()
}

/// The preview of `timeline`, or why it cannot be played (an unknown preset or source).
pub fn plan(library: &Library, timeline: &Timeline) -> Result<PreviewPlan, RenderError> {
    let preset = library
        .preset(&timeline.preset)?
        .ok_or_else(|| RenderError::UnknownPreset(timeline.preset.clone()))?;
    let mut sources: HashMap<&str, Source> = HashMap::new();
    for item in &timeline.items {
        if !sources.contains_key(item.source_id.as_str()) {
            sources.insert(&item.source_id, library.source(&item.source_id)?);
        }
    }
    let extra = |id: &str| library.source(id);
    let voice = match &timeline.voiceover {
        Some(v) => Some((extra(&v.asset_id)?, v)),
        None => None,
    };
    let music = match &timeline.music {
        Some(m) => Some((extra(&m.asset_id)?, m)),
        None => None,
    };
    let mut plan = lay_out(timeline, &preset, &sources, voice, music);
    let mut ids: Vec<&Source> = sources.values().collect();
    ids.sort_by(|a, b| a.id.cmp(&b.id));
    for source in ids {
        if !wants_proxy(source) {
            continue;
        }
        if library.proxy_path(&source.content_hash).is_file() {
            plan.proxied.push(source.id.clone());
        } else {
            plan.unproxied.push(source.id.clone());
        }
    }
    Ok(plan)
}

/// Whether the window would struggle to play `source` as it is: too large to decode smoothly in
/// software, or in a codec the webview may not decode.
fn wants_proxy(source: &Source) -> bool {
    match (
        source.has_video,
        source.display_width,
        source.display_height,
    ) {
        (true, Some(w), Some(h)) => {
            crate::media::proxy::needed(source.video_codec.as_deref(), w, h)
        }
        _ => false,
    }
}

fn lay_out(
    timeline: &Timeline,
    preset: &Preset,
    sources: &HashMap<&str, Source>,
    voice: Option<(Source, &crate::timeline::Voiceover)>,
    music: Option<(Source, &crate::timeline::Music)>,
) -> PreviewPlan {
    let frame = (preset.width, preset.height);
    let mut at = 0;
    let mut items = Vec::new();
    let mut starts = Vec::new();
    for item in &timeline.items {
        let source = sources.get(item.source_id.as_str());
        let length = preset.frame_aligned_ns(item.duration_ns());
        let display = source.and_then(|s| Some((s.display_width?, s.display_height?)));
        let has_video = source.is_some_and(|s| s.has_video) && display.is_some();
        let gain = match envelope::item_points(item, &timeline.audio) {
            Some(p) => points(p),
            None => vec![GainPoint {
                at: 0,
                gain: item.volume,
            }],
        };
        starts.push(at);
        items.push(PreviewItem {
            item_id: item.id.clone(),
            source_id: item.source_id.clone(),
            start: at,
            end: at + length,
            in_ns: item.in_ns,
            has_video,
            has_audio: source.is_some_and(|s| s.has_audio),
            rect: display
                .filter(|_| has_video)
                .map(|d| placement::place(d, &item.framing, frame)),
            backdrop: display
                .filter(|_| has_video && item.framing.mode == FramingMode::BlurFit)
                .map(|d| placement::backdrop(d, frame)),
            gain,
        });
        at += length;
    }
    let total = at;
    let voiceover = voice.map(|(source, v)| {
        let mut parts = Vec::new();
        let mut at = v.offset.max(0);
        for (from, to) in v.kept(crate::timeline::nanos(source.duration_s)) {
            if at >= total {
                break;
            }
            let length = (to - from).min(total - at);
            parts.push(VoicePart {
                at,
                from,
                to: from + length,
            });
            at += length;
        }
        PreviewVoiceover {
            asset_id: v.asset_id.clone(),
            volume: v.volume,
            parts,
        }
    });
    let music = music.map(|(source, m)| {
        let voice_span = voiceover.as_ref().and_then(|v| {
            Some((
                v.parts.first()?.at,
                v.parts.last().map(|p| p.at + p.to - p.from)?,
            ))
        });
        let gain = envelope::music(m, &timeline.items, &starts, &timeline.audio, voice_span);
        PreviewMusic {
            asset_id: m.asset_id.clone(),
            length: crate::timeline::nanos(source.duration_s).max(1),
            looped: m.looped,
            gain: points(gain),
            vocals_lowered: m.vocals != crate::timeline::VocalRemoval::Keep,
        }
    });
    PreviewPlan {
        preset: preset.name.clone(),
        width: preset.width,
        height: preset.height,
        fps: preset.fps(),
        duration_ns: total,
        items,
        voiceover,
        music,
        proxied: Vec::new(),
        unproxied: Vec::new(),
    }
}
