//! The encode chain behind the GES timeline: H.264 with every x264 setting explicit, the sound
//! brought to the loudness target (a measured linear gain, then the precomputed true-peak
//! limiting envelope, see [`super::limiter`] and [`super::leveling`]) and encoded to AAC 48 kHz,
//! muxed to MP4 with the index at the front.
//!
//! ```text
//! timeline ─ video ─ queue ─ videoconvert ─ [assrender] ─ I420 ─ x264enc ─ h264 High ─ h264parse ─ queue ─┐
//!          ─ audio ─ queue ─ volume ─ volume ─ audioconvert ─ volume (limiter) ─ audioresample ─          mp4mux ─ filesink
//!                    48 kHz F32 (cut at the end) ─ audioconvert ─ AAC ─ aacparse ────────────────────────┘
//! ```

use std::path::Path;
use std::time::Duration;

use ges::prelude::*;
use gstreamer as gst;
use gstreamer::prelude::*;
use gstreamer_editing_services as ges;

use super::compose::compose;
use super::leveling::{Leveling, Stage};
use super::{Layout, Preset, RenderError};
use crate::jobs::CancelToken;
use crate::media::pipeline::{make, Activity, BusEvent, PipelineGuard, Watch};

/// A render that moves nothing for this long has stalled.
const STALL_AFTER: Duration = Duration::from_secs(30);

fn err(e: impl std::fmt::Display) -> RenderError {
    RenderError::Pipeline(e.to_string())
}

fn caps(name: &str, fields: &[(&str, gst::glib::SendValue)]) -> Result<gst::Element, RenderError> {
    let mut builder = gst::Caps::builder(name);
    for (field, value) in fields {
        builder = builder.field(*field, value.clone());
    }
    let filter = make("capsfilter")?;
    filter.set_property("caps", builder.build());
    Ok(filter)
}

fn chain(pipeline: &gst::Pipeline, elements: &[gst::Element]) -> Result<(), RenderError> {
    pipeline.add_many(elements).map_err(err)?;
    gst::Element::link_many(elements).map_err(err)
}

/// Number the frames of the timeline's picture on the preset's grid, in one segment from zero.
/// GES's compositor makes one frame per slot of the track's rate, but starts each item with a new
/// segment and stamps a short item's first frames at their own times (a 0.1 s 60 fps phone clip
/// put two frames on one slot and left the next empty). The n-th frame belongs at n / fps.
fn restamp(first: &gst::Element, preset: &Preset, total_ns: u64) -> Result<(), RenderError> {
    let pad = first
        .static_pad("src")
        .ok_or_else(|| err("no src pad to restamp"))?;
    let frame_ns = 1e9 * preset.fps_den as f64 / preset.fps_num as f64;
    let frames = (total_ns as f64 / frame_ns).round() as u64;
    let count = std::sync::atomic::AtomicU64::new(0);
    pad.add_probe(
        gst::PadProbeType::BUFFER | gst::PadProbeType::EVENT_DOWNSTREAM,
        move |_, info| match info.data.as_mut() {
            // Every item's segment becomes one from zero: the frames carry their place themselves.
            Some(gst::PadProbeData::Event(event)) if event.type_() == gst::EventType::Segment => {
                let segment = gst::FormattedSegment::<gst::ClockTime>::new();
                info.data = Some(gst::PadProbeData::Event(gst::event::Segment::new(&segment)));
                gst::PadProbeReturn::Ok
            }
            Some(gst::PadProbeData::Buffer(buffer)) => {
                let n = count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                // The timeline runs on under the sound's tail: the picture ends on time.
                if n >= frames {
                    return gst::PadProbeReturn::Drop;
                }
                let buffer = buffer.make_mut();
                buffer.set_pts(gst::ClockTime::from_nseconds(
                    (n as f64 * frame_ns).round() as u64
                ));
                buffer.set_dts(gst::ClockTime::NONE);
                buffer.set_duration(gst::ClockTime::from_nseconds(frame_ns.round() as u64));
                gst::PadProbeReturn::Ok
            }
            _ => gst::PadProbeReturn::Ok,
        },
    );
    Ok(())
}

/// End the sound (48 kHz stereo float) at `total_ns`: the silence that ran on for the limiter is
/// cut, to the sample.
fn cut_sound_at(filter: &gst::Element, total_ns: u64) -> Result<(), RenderError> {
    let pad = filter
        .static_pad("src")
        .ok_or_else(|| err("no src pad to cut the sound"))?;
    const FRAME_BYTES: u64 = 8;
    pad.add_probe(gst::PadProbeType::BUFFER, move |_, info| {
        let Some(gst::PadProbeData::Buffer(buffer)) = info.data.as_mut() else {
            return gst::PadProbeReturn::Ok;
        };
        let Some(pts) = buffer.pts().map(|p| p.nseconds()) else {
            return gst::PadProbeReturn::Ok;
        };
        if pts >= total_ns {
            return gst::PadProbeReturn::Drop;
        }
        let keep_frames = (total_ns - pts) * 48_000 / 1_000_000_000;
        let keep = (keep_frames * FRAME_BYTES) as usize;
        if keep < buffer.size() {
            let buffer = buffer.make_mut();
            buffer.set_size(keep);
            buffer.set_duration(gst::ClockTime::from_nseconds(total_ns - pts));
        }
        gst::PadProbeReturn::Ok
    });
    Ok(())
}

/// Make the timeline's sound one continuous stream from zero. GES starts a new segment (and marks a
/// discontinuity) wherever the layers under the playhead change, e.g. where an item or a copy of
/// the looped music ends; the limiter's envelope runs on one clock from zero. The buffers are restamped to their running time, which GES keeps
/// continuous, in one segment.
fn continuous_sound(first: &gst::Element) -> Result<(), RenderError> {
    let pad = first
        .static_pad("src")
        .ok_or_else(|| err("no src pad to make the sound continuous"))?;
    let current = std::sync::Mutex::new(None::<gst::FormattedSegment<gst::ClockTime>>);
    pad.add_probe(
        gst::PadProbeType::BUFFER | gst::PadProbeType::EVENT_DOWNSTREAM,
        move |_, info| match info.data.as_mut() {
            Some(gst::PadProbeData::Event(event)) if event.type_() == gst::EventType::Segment => {
                let gst::EventView::Segment(segment) = event.view() else {
                    return gst::PadProbeReturn::Ok;
                };
                let Ok(segment) = segment.segment().clone().downcast::<gst::ClockTime>() else {
                    return gst::PadProbeReturn::Ok;
                };
                *current.lock().unwrap_or_else(|p| p.into_inner()) = Some(segment);
                // Replaced rather than dropped: a dropped segment is sticky and would be offered
                // (and dropped) again before every buffer.
                let from_zero = gst::FormattedSegment::<gst::ClockTime>::new();
                info.data = Some(gst::PadProbeData::Event(gst::event::Segment::new(
                    &from_zero,
                )));
                gst::PadProbeReturn::Ok
            }
            Some(gst::PadProbeData::Buffer(buffer)) => {
                let running = current
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .as_ref()
                    .zip(buffer.pts())
                    .and_then(|(segment, pts)| segment.to_running_time(pts));
                let buffer = buffer.make_mut();
                if let Some(running) = running {
                    buffer.set_pts(running);
                }
                buffer.unset_flags(gst::BufferFlags::DISCONT);
                gst::PadProbeReturn::Ok
            }
            _ => gst::PadProbeReturn::Ok,
        },
    );
    Ok(())
}

/// Encoded picture waits here while the sound is held for its level (see [`super::leveling`]), so
/// the picture's encoding goes on instead of stopping at the muxer. Bounded by size only: a long
/// timeline's measurement can take a while, and the encoded picture is small.
fn waiting_room() -> Result<gst::Element, RenderError> {
    let queue = make("queue")?;
    queue.set_property("max-size-time", 0u64);
    queue.set_property("max-size-buffers", 0u32);
    queue.set_property("max-size-bytes", 256u32 * 1024 * 1024);
    Ok(queue)
}

/// Render `layout` to `out` (`total_ns` long) with the H.264 encoder `encoder_name`.
#[allow(clippy::too_many_arguments)]
pub(super) fn render(
    layout: &Layout,
    preset: &Preset,
    encoder_name: &str,
    captions: Option<&crate::captions::ass::Track>,
    leveling: &mut Leveling,
    total_ns: u64,
    out: &Path,
    cancel: &CancelToken,
    mut progress: impl FnMut(f64),
) -> Result<(), RenderError> {
    crate::media::init()?;
    let composed = compose(layout, preset, false)?;
    let pipeline = gst::Pipeline::new();
    let mut guard = PipelineGuard::new(&pipeline);
    super::scaling::sharpen(&pipeline);
    pipeline.add(&composed.timeline).map_err(err)?;

    let encoder = super::encoders::configure(encoder_name, preset)?;
    let muxer = make("mp4mux")?;
    muxer.set_property("faststart", true);
    let sink = make("filesink")?;
    sink.set_property("location", out.to_string_lossy().as_ref());
    sink.set_property("async", false);
    pipeline.add_many([&muxer, &sink]).map_err(err)?;
    muxer.link(&sink).map_err(err)?;

    // x264 is given 8-bit 4:2:0 so it picks High (not High 4:4:4); hardware encoders choose
    // their own input format (usually NV12).
    let raw_format = if encoder_name == super::encoders::X264 {
        caps("video/x-raw", &[("format", "I420".to_send_value())])?
    } else {
        make("identity")?
    };
    let mut video_chain = vec![make("queue")?, make("videoconvert")?];
    if let Some(track) = captions {
        video_chain.push(super::burn::overlay(&pipeline, track)?);
        video_chain.push(make("videoconvert")?);
    }
    video_chain.extend([
        raw_format,
        encoder,
        caps("video/x-h264", &[("profile", "high".to_send_value())])?,
        make("h264parse")?,
        waiting_room()?,
    ]);
    // assrender is in the pipeline already (with its text source).
    let fresh: Vec<gst::Element> = video_chain
        .iter()
        .filter(|e| e.parent().is_none())
        .cloned()
        .collect();
    pipeline.add_many(&fresh).map_err(err)?;
    gst::Element::link_many(&video_chain).map_err(err)?;
    restamp(&video_chain[0], preset, total_ns)?;
    let mut level = Stage::new()?;
    let aac = make("avenc_aac")?;
    aac.set_property("bitrate", (preset.audio_kbps * 1000) as i32);
    let mut audio_chain = vec![
        make("queue")?,
        level.coarse.clone(),
        level.fine.clone(),
        make("audioconvert")?,
        level.limiting.clone(),
    ];
    if layout.audio.denoise {
        // The denoiser's output is not the same from one pass to the next (it carries state across
        // GES's seeks), so the envelope measured beforehand can miss its peaks by 3 dB: a hard limit
        // on the samples 3 dB under full scale catches them.
        let catch = make("audiodynamic")?;
        catch.set_property_from_str("characteristics", "hard-knee");
        catch.set_property_from_str("mode", "compressor");
        catch.set_property("threshold", 0.708f32);
        catch.set_property("ratio", 0.0f32);
        audio_chain.push(catch);
    }
    let cut = caps(
        "audio/x-raw",
        &[
            ("format", "F32LE".to_send_value()),
            ("layout", "interleaved".to_send_value()),
            ("rate", 48_000i32.to_send_value()),
            ("channels", 2i32.to_send_value()),
        ],
    )?;
    cut_sound_at(&cut, total_ns)?;
    audio_chain.extend([
        make("audioresample")?,
        cut,
        make("audioconvert")?,
        aac,
        make("aacparse")?,
    ]);
    chain(&pipeline, &audio_chain)?;
    continuous_sound(&audio_chain[0])?;
    let link_track = |track: &ges::Track, first: &gst::Element, last: &gst::Element| {
        let pad = composed
            .timeline
            .pad_for_track(track)
            .ok_or_else(|| err("the timeline has no output for a track"))?;
        let sink = first.static_pad("sink").ok_or_else(|| err("no sink pad"))?;
        pad.link(&sink).map_err(|e| err(format!("{e:?}")))?;
        last.link(&muxer).map_err(err)
    };
    link_track(
        composed.video.upcast_ref(),
        &video_chain[0],
        &video_chain[video_chain.len() - 1],
    )?;
    link_track(
        composed.audio.upcast_ref(),
        &audio_chain[0],
        &audio_chain[audio_chain.len() - 1],
    )?;
    level.start(leveling)?;

    let total = composed.timeline.duration();
    let activity = Activity::watch(&pipeline);
    let watch = Watch::new(
        &pipeline,
        activity,
        cancel,
        STALL_AFTER,
        &out.display().to_string(),
    )?;
    let outcome = (|| {
        pipeline
            .set_state(gst::State::Playing)
            .map_err(|e| err(format!("could not start: {e}")))?;
        loop {
            // A held sound is let go soon after its level arrives.
            let slice = Duration::from_millis(if level.settle(leveling)? { 20 } else { 100 });
            match watch.poll(slice) {
                Ok(Some(BusEvent::Eos)) => return Ok(()),
                Ok(_) => {}
                Err(e) => return Err(RenderError::Media(e)),
            }
            if let Some(position) = pipeline.query_position::<gst::ClockTime>() {
                if total > gst::ClockTime::ZERO {
                    progress(position.nseconds() as f64 / total.nseconds() as f64);
                }
            }
        }
    })();
    if let Err(e) = &outcome {
        guard.detach = matches!(e, RenderError::Media(m) if crate::media::pipeline::given_up(m));
    }
    outcome?;
    drop(guard);
    Ok(())
}
