//! Preview proxies: a small H.264 copy of a source for the editor's preview, made once per
//! content. The webview decodes video in software through the system GStreamer: 1080p plays at
//! about ten frames a second here, and some codecs (HEVC 10-bit from phones) not at all. A 540p
//! copy with a keyframe every half second plays smoothly and seeks at once.
//!
//! ```text
//! uridecodebin ─ video ─ queue ─ videoconvert ─ videoflip(auto) ─ videoscale ─ caps(W×H, I420) ─ x264enc ─ h264parse ─┐
//!              ─ audio ─ queue ─ audioconvert ─ audioresample ─ caps(48 kHz stereo) ─ avenc_aac ─ aacparse ────────── mp4mux ─ filesink
//! ```
//!
//! Timestamps pass through untouched: a moment of the proxy is the same moment of the source,
//! so the preview seeks it with the source's times.

use std::path::Path;
use std::time::Duration;

use gstreamer as gst;
use gstreamer::prelude::*;

use super::decode::uri_decodebin;
use super::pipeline::{
    drain_pad, given_up, make, pipeline_error, Activity, BusEvent, PipelineGuard, Watch,
};
use super::MediaError;
use crate::jobs::CancelToken;

/// The short side of a proxy, pixels.
pub const SHORT_SIDE: u32 = 540;
/// Codecs every webview we ship decodes (in 8 bits): others always get a proxy.
const PLAYABLE_CODECS: &[&str] = &["h264", "vp8", "vp9"];
const STALL_AFTER: Duration = Duration::from_secs(30);

/// Whether a video of this codec and displayed size needs a proxy to preview well.
pub fn needed(codec: Option<&str>, width: u32, height: u32) -> bool {
    let playable = codec.is_some_and(|c| PLAYABLE_CODECS.contains(&c));
    !playable || width.min(height) > SHORT_SIDE
}

/// The proxy's size for a displayed `width`×`height`: the short side brought to 540 (never
/// enlarged), the shape kept, both even (4:2:0 needs it).
pub fn size(width: u32, height: u32) -> (u32, u32) {
    let short = width.min(height).max(1);
    let scale = (SHORT_SIDE as f64 / short as f64).min(1.0);
    let even = |v: u32| (((v as f64 * scale) / 2.0).round() as u32 * 2).max(2);
    (even(width), even(height))
}

fn element_error(e: impl std::fmt::Display) -> MediaError {
    pipeline_error(e)
}

fn caps_filter(caps: gst::Caps) -> Result<gst::Element, MediaError> {
    let filter = make("capsfilter")?;
    filter.set_property("caps", &caps);
    Ok(filter)
}

fn video_chain(width: u32, height: u32) -> Result<Vec<gst::Element>, MediaError> {
    let flip = make("videoflip")?;
    flip.set_property_from_str("video-direction", "auto");
    let encoder = make("x264enc")?;
    // Quality is secondary; decoding and seeking in the webview are what count.
    encoder.set_property_from_str("pass", "qual");
    encoder.set_property("quantizer", 24u32);
    encoder.set_property("bitrate", 4000u32);
    encoder.set_property_from_str("speed-preset", "veryfast");
    encoder.set_property_from_str("tune", "fastdecode");
    encoder.set_property("bframes", 0u32);
    encoder.set_property("key-int-max", 15u32);
    encoder.set_property("threads", 0u32);
    Ok(vec![
        make("queue")?,
        make("videoconvert")?,
        flip,
        make("videoscale")?,
        make("videoconvert")?,
        caps_filter(
            gst::Caps::builder("video/x-raw")
                .field("format", "I420")
                .field("width", width as i32)
                .field("height", height as i32)
                .field("pixel-aspect-ratio", gst::Fraction::new(1, 1))
                .build(),
        )?,
        encoder,
        make("h264parse")?,
    ])
}

fn audio_chain() -> Result<Vec<gst::Element>, MediaError> {
    let encoder = make("avenc_aac")?;
    encoder.set_property("bitrate", 128_000i32);
    Ok(vec![
        make("queue")?,
        make("audioconvert")?,
        make("audioresample")?,
        caps_filter(
            gst::Caps::builder("audio/x-raw")
                .field("rate", 48_000i32)
                .field("channels", 2i32)
                .build(),
        )?,
        encoder,
        make("aacparse")?,
    ])
}

/// Make the proxy of the video at `path` (displayed `width`×`height`, `duration_s` long) at
/// `out`. `progress` hears the fraction done.
pub fn make_proxy(
    path: &Path,
    out: &Path,
    (width, height): (u32, u32),
    duration_s: f64,
    cancel: &CancelToken,
    mut progress: impl FnMut(f64),
) -> Result<(), MediaError> {
    super::init()?;
    let (width, height) = size(width, height);
    let pipeline = gst::Pipeline::new();
    let mut guard = PipelineGuard::new(&pipeline);
    let decode = uri_decodebin(path, true)?;
    let mux = make("mp4mux")?;
    mux.set_property("faststart", true);
    let sink = make("filesink")?;
    sink.set_property("location", out.to_string_lossy().as_ref());
    pipeline
        .add_many([&decode, &mux, &sink])
        .map_err(element_error)?;
    mux.link(&sink).map_err(element_error)?;

    let pipeline_weak = pipeline.downgrade();
    let mux_weak = mux.downgrade();
    decode.connect_pad_added(move |_, pad| {
        let (Some(pipeline), Some(mux)) = (pipeline_weak.upgrade(), mux_weak.upgrade()) else {
            return;
        };
        let media = pad
            .current_caps()
            .and_then(|c| c.structure(0).map(|s| s.name().to_string()))
            .unwrap_or_default();
        let (chain, request) = if media.starts_with("video/") {
            (video_chain(width, height), "video_%u")
        } else if media.starts_with("audio/") {
            (audio_chain(), "audio_%u")
        } else {
            (Ok(Vec::new()), "")
        };
        let linked = (|| -> Result<(), String> {
            let chain = chain.map_err(|e| e.to_string())?;
            // Only the first stream of each kind is kept; the rest, and anything else, drained.
            let taken = mux
                .sink_pads()
                .iter()
                .any(|p| p.name().starts_with(request.trim_end_matches("%u")));
            if chain.is_empty() || taken {
                return drain_pad(&pipeline, pad);
            }
            pipeline.add_many(&chain).map_err(|e| e.to_string())?;
            gst::Element::link_many(&chain).map_err(|e| e.to_string())?;
            let last = chain.last().ok_or("empty chain")?;
            let mux_pad = mux
                .request_pad_simple(request)
                .ok_or("the muxer refused a stream")?;
            last.static_pad("src")
                .ok_or("no output")?
                .link(&mux_pad)
                .map_err(|e| format!("{e:?}"))?;
            for element in &chain {
                element
                    .sync_state_with_parent()
                    .map_err(|e| e.to_string())?;
            }
            pad.link(&chain[0].static_pad("sink").ok_or("no input")?)
                .map(|_| ())
                .map_err(|e| format!("{e:?}"))
        })();
        if let Err(e) = linked {
            tracing::warn!("proxy: {e}");
        }
    });

    let shown = crate::text::printable_path(path);
    let watch = Watch::new(
        &pipeline,
        Activity::watch(&pipeline),
        cancel,
        STALL_AFTER,
        &shown,
    )?;
    let outcome = (|| {
        if pipeline.set_state(gst::State::Playing).is_err() {
            // The reason is on the bus.
            watch.wait_for(|_| false)?;
        }
        loop {
            if let Some(BusEvent::Eos) = watch.poll(Duration::from_millis(100))? {
                return Ok(());
            }
            if let Some(position) = pipeline.query_position::<gst::ClockTime>() {
                if duration_s > 0.0 {
                    progress((position.seconds_f64() / duration_s).clamp(0.0, 1.0));
                }
            }
        }
    })();
    if let Err(e) = &outcome {
        guard.detach = given_up(e);
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxies_are_540_on_the_short_side_even_and_never_larger() {
        assert_eq!(size(1920, 1080), (960, 540));
        assert_eq!(size(1080, 1920), (540, 960));
        assert_eq!(size(1280, 720), (960, 540));
        assert_eq!(size(640, 360), (640, 360));
        assert_eq!(size(1442, 1080), (722, 540));
        assert!(needed(Some("hevc"), 640, 360));
        assert!(needed(Some("h264"), 1920, 1080));
        assert!(!needed(Some("h264"), 640, 360));
        assert!(needed(None, 320, 240));
    }
}
