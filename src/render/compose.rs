//! The timeline laid out in GStreamer Editing Services: one layer of clips end to end, each cut at
//! its in and out points, framed inside the preset's picture, with its own volume.

use ges::prelude::*;
use gstreamer as gst;
use gstreamer_editing_services as ges;

use super::{Placed, Preset, RenderError};
use crate::timeline::FramingMode;

/// How long the sound runs on after the last item (longer than `audioloudnorm`'s 3 s look-ahead).
pub(super) const TAIL: gst::ClockTime = gst::ClockTime::from_seconds(4);

fn err(e: impl std::fmt::Display) -> RenderError {
    RenderError::Pipeline(e.to_string())
}

/// The tracks a GES timeline was built with.
pub(super) struct Composed {
    pub timeline: ges::Timeline,
    pub video: ges::VideoTrack,
    pub audio: ges::AudioTrack,
}

/// Lay out `placed` for `preset`.
pub(super) fn compose(placed: &[Placed], preset: &Preset) -> Result<Composed, RenderError> {
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
    timeline.add_track(&video).map_err(err)?;
    timeline.add_track(&audio).map_err(err)?;
    let layer = timeline.append_layer();
    let mut start = gst::ClockTime::ZERO;
    for p in placed {
        let uri = crate::media::file_uri(&p.file)?;
        let asset = ges::UriClipAsset::request_sync(&uri).map_err(|e| {
            RenderError::Media(crate::media::MediaError::Unsupported {
                path: crate::text::printable(&p.source.path),
                reason: "it could not be opened for the export".into(),
                detail: e.to_string(),
            })
        })?;
        let inpoint = gst::ClockTime::from_nseconds(p.item.in_ns.max(0) as u64);
        let duration =
            gst::ClockTime::from_nseconds(preset.frame_aligned_ns(p.item.duration_ns()) as u64);
        let clip = layer
            .add_asset(&asset, start, inpoint, duration, ges::TrackType::UNKNOWN)
            .map_err(err)?;
        if p.source.has_video {
            frame(&clip, p, preset)?;
        }
        if p.source.has_audio {
            clip.set_child_property("volume", p.item.volume.clamp(0.0, 10.0))
                .map_err(err)?;
        }
        start += duration;
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

/// Where the picture of `p` goes in the preset's frame: filling it around the focus point, or
/// fitting inside it with bars. `blur_fit` is placed like `fit`; its blurred fill behind the picture
/// is not drawn yet (the bars show instead).
fn frame(clip: &ges::Clip, p: &Placed, preset: &Preset) -> Result<(), RenderError> {
    let (Some(sw), Some(sh)) = (p.source.display_width, p.source.display_height) else {
        return Ok(());
    };
    let (w, h) = (preset.width as f64, preset.height as f64);
    let (sw, sh) = (sw.max(1) as f64, sh.max(1) as f64);
    let framing = &p.item.framing;
    let fill = (w / sw).max(h / sh);
    let fit = (w / sw).min(h / sh);
    let scale = match framing.mode {
        FramingMode::Fill => fill * framing.zoom.max(1.0),
        FramingMode::Fit | FramingMode::BlurFit => fit * framing.zoom.max(1.0),
    };
    let (cw, ch) = (sw * scale, sh * scale);
    let (x, y) = if cw >= w && ch >= h {
        // Put the focus point in the middle, without showing past the picture's edges.
        (
            (w / 2.0 - framing.focus_x * cw).clamp(w - cw, 0.0),
            (h / 2.0 - framing.focus_y * ch).clamp(h - ch, 0.0),
        )
    } else {
        ((w - cw) / 2.0, (h - ch) / 2.0)
    };
    for (name, value) in [
        ("posx", x.round() as i32),
        ("posy", y.round() as i32),
        ("width", cw.round() as i32),
        ("height", ch.round() as i32),
    ] {
        clip.set_child_property(name, value).map_err(err)?;
    }
    Ok(())
}
