//! The timeline laid out in GStreamer Editing Services: one layer of clips end to end, each cut at
//! its in and out points, framed inside the preset's picture, with its own volume or the audio
//! plan's envelope (mute or duck in speech); a layer for the voice-over; a layer of background
//! music, looped and ducked under speech; and a bed of silence under all of it.

use ges::prelude::*;
use gstreamer as gst;
use gstreamer_controller as gst_controller;
use gstreamer_controller::prelude::*;
use gstreamer_editing_services as ges;

use super::envelope::{self, Points};
use super::{Layout, Placed, Preset, RenderError};
use crate::timeline::{FramingMode, Nanos};

/// How long the sound runs on after the last item, so the encode chain (which cuts both streams
/// at the timeline's end) never waits on a sound that ends early.
pub(super) const TAIL: gst::ClockTime = gst::ClockTime::from_seconds(1);

/// RNNoise (gst-plugins-rs `audiornnoise`) on the footage's sound. It only takes 48 kHz floats,
/// so the conversions sit inside the effect rather than relying on the track's format.
const DENOISE_EFFECT: &str = "audioconvert ! audioresample ! audiornnoise ! audioconvert";

fn err(e: impl std::fmt::Display) -> RenderError {
    RenderError::Pipeline(e.to_string())
}

/// The tracks a GES timeline was built with.
pub(super) struct Composed {
    pub timeline: ges::Timeline,
    pub video: ges::VideoTrack,
    pub audio: ges::AudioTrack,
}

/// Bind `points` to the volume of `element` over `from..to` of them, shifted by `shift` into the
/// element's own time (its source's). Only points inside the element's span are given, with the
/// envelope's values at both ends: GES clamps a control source to the element and drops what lies
/// outside, which lost the end of a span running past an item's out point (the item stayed loud).
/// Linear between points, as [`envelope::gain_at`] reads them.
fn bind_volume(
    element: &ges::TrackElement,
    points: &Points,
    (from, to): (Nanos, Nanos),
    shift: Nanos,
) -> Result<(), RenderError> {
    let control = gst_controller::InterpolationControlSource::new();
    control.set_mode(gst_controller::InterpolationMode::Linear);
    for (t, gain) in envelope::window(points, from, to) {
        let t = t + shift;
        if t >= 0 {
            control.set(
                gst::ClockTime::from_nseconds(t as u64),
                gain.clamp(0.0, 10.0),
            );
        }
    }
    if !element.set_control_source(&control, "volume", "direct-absolute") {
        return Err(err("the volume envelope could not be attached"));
    }
    Ok(())
}

/// The sound of `clip` (its element in the audio track), if it has one.
fn sound_of(clip: &ges::Clip) -> Option<ges::TrackElement> {
    clip.find_track_elements(
        None::<&ges::Track>,
        ges::TrackType::AUDIO,
        ges::AudioSource::static_type(),
    )
    .into_iter()
    .next()
}

fn asset(placed_path: &std::path::Path, shown: &str) -> Result<ges::UriClipAsset, RenderError> {
    let uri = crate::media::file_uri(placed_path)?;
    ges::UriClipAsset::request_sync(&uri).map_err(|e| {
        RenderError::Media(crate::media::MediaError::Unsupported {
            path: crate::text::printable(shown),
            reason: "it could not be opened for the export".into(),
            detail: e.to_string(),
        })
    })
}

/// Open every file `layout` plays (and the silence under it) in GES's shared asset cache, so
/// timelines composed at once on several threads find them there instead of each opening them.
pub(super) fn load_assets(layout: &Layout) -> Result<(), RenderError> {
    for p in &layout.items {
        asset(&p.file, &p.source.path)?;
    }
    for (extra, _) in layout.voiceover.iter() {
        asset(&extra.file, &extra.source.path)?;
    }
    for (extra, _) in layout.music.iter() {
        asset(&extra.file, &extra.source.path)?;
    }
    ges::Asset::request::<ges::TestClip>(None).map_err(err)?;
    Ok(())
}

/// Lay out `layout` for `preset`; `audio_only` leaves the picture out (to measure the sound).
pub(super) fn compose(
    layout: &Layout,
    preset: &Preset,
    audio_only: bool,
) -> Result<Composed, RenderError> {
    let placed = &layout.items;
    let timeline = ges::Timeline::new();
    let video = ges::VideoTrack::new();
    video.set_restriction_caps(
        &gst::Caps::builder("video/x-raw")
            .field("width", preset.width as i32)
            .field("height", preset.height as i32)
            .field(
                "framerate",
                gst::Fraction::new(preset.fps_num, preset.fps_den),
            )
            .build(),
    );
    let audio = ges::AudioTrack::new();
    audio.set_restriction_caps(
        &gst::Caps::builder("audio/x-raw")
            .field("rate", 48_000i32)
            .field("channels", 2i32)
            .build(),
    );
    if !audio_only {
        timeline.add_track(&video).map_err(err)?;
    }
    timeline.add_track(&audio).map_err(err)?;
    let layer = timeline.append_layer();
    // Behind the items (a later layer is drawn underneath): blurred fills for blur-fit items.
    let backdrop = timeline.append_layer();
    let mut start = gst::ClockTime::ZERO;
    for p in placed {
        let asset = asset(&p.file, &p.source.path)?;
        let inpoint = gst::ClockTime::from_nseconds(p.item.in_ns.max(0) as u64);
        let duration =
            gst::ClockTime::from_nseconds(preset.frame_aligned_ns(p.item.duration_ns()) as u64);
        let clip = layer
            .add_asset(&asset, start, inpoint, duration, ges::TrackType::UNKNOWN)
            .map_err(err)?;
        if p.source.has_video && !audio_only {
            frame(&clip, p, preset)?;
            if p.item.framing.mode == FramingMode::BlurFit {
                blurred_fill(&backdrop, &asset, (start, inpoint, duration), p, preset)?;
            }
        }
        if p.source.has_audio {
            if layout.audio.denoise {
                clip.add(&ges::Effect::new(DENOISE_EFFECT).map_err(err)?)
                    .map_err(err)?;
            }
            match (
                envelope::item_points(&p.item, &layout.audio),
                sound_of(&clip),
            ) {
                // Spans are in source time, which is the sound element's own time.
                (Some(points), Some(sound)) => {
                    bind_volume(&sound, &points, (p.item.in_ns, p.item.out_ns), 0)?
                }
                _ => clip
                    .set_child_property("volume", p.item.volume.clamp(0.0, 10.0))
                    .map_err(err)?,
            }
        }
        start += duration;
    }
    let total = start;
    if let Some((extra, voiceover)) = &layout.voiceover {
        // One clip per part kept, end to end: removed silences are jump cuts in the voice.
        let voice_asset = asset(&extra.file, &extra.source.path)?;
        let voice_layer = timeline.append_layer();
        let mut at = gst::ClockTime::from_nseconds(voiceover.offset.max(0) as u64);
        let duration = crate::timeline::nanos(extra.source.duration_s);
        for (from, to) in voiceover.kept(duration) {
            if at >= total {
                break;
            }
            let length = gst::ClockTime::from_nseconds((to - from) as u64).min(total - at);
            let clip = voice_layer
                .add_asset(
                    &voice_asset,
                    at,
                    gst::ClockTime::from_nseconds(from as u64),
                    length,
                    ges::TrackType::AUDIO,
                )
                .map_err(err)?;
            clip.set_child_property("volume", voiceover.volume.clamp(0.0, 10.0))
                .map_err(err)?;
            at += length;
        }
    }
    if let Some((extra, music)) = &layout.music {
        let points = music_points(layout, preset, music);
        let length = gst::ClockTime::from_nseconds(
            crate::timeline::nanos(extra.source.duration_s).max(1) as u64,
        );
        let music_asset = asset(&extra.file, &extra.source.path)?;
        let music_layer = timeline.append_layer();
        let mut at = gst::ClockTime::ZERO;
        while at < total {
            let clip = music_layer
                .add_asset(
                    &music_asset,
                    at,
                    gst::ClockTime::ZERO,
                    length.min(total - at),
                    ges::TrackType::AUDIO,
                )
                .map_err(err)?;
            if let Some(effect) =
                super::vocals::remover(music.vocals).and_then(|r| r.render_effect())
            {
                clip.add(&ges::Effect::new(&effect).map_err(err)?)
                    .map_err(err)?;
            }
            let sound = sound_of(&clip).ok_or_else(|| err("the music has no sound"))?;
            let clip_start = at.nseconds() as Nanos;
            let clip_end = clip_start + length.min(total - at).nseconds() as Nanos;
            bind_volume(&sound, &points, (clip_start, clip_end), -clip_start)?;
            if !music.looped {
                break;
            }
            at += length;
        }
    }
    // Silence under everything, so an item without sound still has sound of its length; it runs
    // on past the end, where the limiter's look-ahead needs sound to flush through (the encode
    // chain cuts both streams at the timeline's end).
    let bed = timeline.append_layer();
    let silence = ges::Asset::request::<ges::TestClip>(None).map_err(err)?;
    let clip = bed
        .add_asset(
            &silence,
            gst::ClockTime::ZERO,
            gst::ClockTime::ZERO,
            start + TAIL,
            ges::TrackType::AUDIO,
        )
        .map_err(err)?;
    if let Some(test) = clip.downcast_ref::<ges::TestClip>() {
        test.set_volume(0.0);
    }
    if !timeline.commit_sync() {
        return Err(err("the timeline could not be laid out"));
    }
    Ok(Composed {
        timeline,
        video,
        audio,
    })
}

/// The music's envelope in output time ([`envelope::music`]).
fn music_points(layout: &Layout, preset: &Preset, music: &crate::timeline::Music) -> Points {
    let mut starts = Vec::new();
    let mut at = 0;
    for p in &layout.items {
        starts.push(at);
        at += preset.frame_aligned_ns(p.item.duration_ns());
    }
    let items: Vec<_> = layout.items.iter().map(|p| p.item.clone()).collect();
    let voice = layout.voiceover.as_ref().map(|(extra, voiceover)| {
        (
            voiceover.offset,
            voiceover.offset + voiceover.played(crate::timeline::nanos(extra.source.duration_s)),
        )
    });
    envelope::music(music, &items, &starts, &layout.audio, voice)
}

/// The same picture again under a blur-fit item, filling the frame around its centre: the part
/// that shows cut out, shrunk to a sixteenth (a wide, cheap blur: a Gaussian blur of that width at
/// 1080p costs more than the encode) and darkened a little so the picture in front stands out.
/// The compositor stretches the small picture over the frame. Its pixels must be declared square:
/// videoscale otherwise keeps the picture's shape with non-square pixels, which the compositor
/// then draws as a narrow strip.
fn blurred_fill(
    layer: &ges::Layer,
    asset: &ges::UriClipAsset,
    (start, inpoint, duration): (gst::ClockTime, gst::ClockTime, gst::ClockTime),
    p: &Placed,
    preset: &Preset,
) -> Result<(), RenderError> {
    let (Some(sw), Some(sh)) = (p.source.display_width, p.source.display_height) else {
        return Ok(());
    };
    let clip = layer
        .add_asset(asset, start, inpoint, duration, ges::TrackType::VIDEO)
        .map_err(err)?;
    let frame_size = (preset.width, preset.height);
    let full = super::placement::backdrop((sw, sh), frame_size);
    let (crop, kept, rect) = match super::placement::crop_first((sw, sh), full, frame_size) {
        Some(c) => (
            format!("{} ! ", videocrop(&c)),
            (sw - c.left - c.right, sh - c.top - c.bottom),
            c.rect,
        ),
        None => (String::new(), (sw, sh), full),
    };
    let blur = ges::Effect::new(&format!(
        "{crop}videoscale ! video/x-raw,width={},height={},pixel-aspect-ratio=1/1 ! \
         videobalance brightness=-0.12",
        (kept.0 / 16).max(2),
        (kept.1 / 16).max(2)
    ))
    .map_err(err)?;
    clip.add(&blur).map_err(err)?;
    place_clip(&clip, rect)
}

/// Where the picture of `p` goes in the preset's frame ([`super::placement::place`]).
fn frame(clip: &ges::Clip, p: &Placed, preset: &Preset) -> Result<(), RenderError> {
    let (Some(sw), Some(sh)) = (p.source.display_width, p.source.display_height) else {
        return Ok(());
    };
    let rect = super::placement::place((sw, sh), &p.item.framing, (preset.width, preset.height));
    let rect = match super::placement::crop_first((sw, sh), rect, (preset.width, preset.height)) {
        Some(crop) => {
            clip.add(&ges::Effect::new(&videocrop(&crop)).map_err(err)?)
                .map_err(err)?;
            crop.rect
        }
        None => rect,
    };
    place_clip(clip, rect)
}

fn videocrop(c: &super::placement::Crop) -> String {
    format!(
        "videocrop left={} right={} top={} bottom={}",
        c.left, c.right, c.top, c.bottom
    )
}

fn place_clip(clip: &ges::Clip, rect: super::placement::Rect) -> Result<(), RenderError> {
    for (name, value) in [
        ("posx", rect.x),
        ("posy", rect.y),
        ("width", rect.width),
        ("height", rect.height),
    ] {
        clip.set_child_property(name, value as i32).map_err(err)?;
    }
    Ok(())
}
