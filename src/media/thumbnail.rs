//! A JPEG still of a video, upright (display rotation applied), at a chosen width.

use std::path::Path;
use std::time::Duration;

use gstreamer as gst;
use gstreamer::prelude::*;
use gstreamer_app as gst_app;

use super::pipeline::{drain_pad, make, wait_preroll, BusEnd, PipelineGuard};
use super::{file_uri, MediaError};

pub const THUMBNAIL_WIDTH: i32 = 320;
const JPEG_QUALITY: i32 = 85;
const STEP_TIMEOUT: Duration = Duration::from_secs(20);

/// Files shorter than this show their first frame (a seek into a handful of frames buys nothing).
const SEEK_MIN_DURATION_S: f64 = 0.5;

/// Where a thumbnail is taken: 1 s in, the middle of files shorter than 2 s, the first frame of
/// very short ones.
pub fn thumbnail_time(duration_s: f64) -> f64 {
    if duration_s >= 2.0 {
        1.0
    } else if duration_s >= SEEK_MIN_DURATION_S {
        duration_s / 2.0
    } else {
        0.0
    }
}

/// Decode the frame at `at_s` and encode it as a JPEG `width` pixels wide.
pub fn grab_jpeg(path: &Path, at_s: f64, width: i32) -> Result<Vec<u8>, MediaError> {
    super::init()?;
    let path_text = path.display().to_string();
    let fail = |detail: String| MediaError::Thumbnail {
        path: path_text.clone(),
        detail,
    };
    let pipeline = gst::Pipeline::new();
    let guard = PipelineGuard(pipeline.clone());

    let decode = make("uridecodebin")?;
    decode.set_property("uri", file_uri(path)?);
    let convert = make("videoconvert")?;
    let flip = make("videoflip")?;
    flip.set_property_from_str("video-direction", "auto");
    let scale = make("videoscale")?;
    let caps = gst::Caps::builder("video/x-raw")
        .field("width", width)
        .field("pixel-aspect-ratio", gst::Fraction::new(1, 1))
        .build();
    let filter = make("capsfilter")?;
    filter.set_property("caps", &caps);
    let encode = make("jpegenc")?;
    encode.set_property("quality", JPEG_QUALITY);
    let sink = gst_app::AppSink::builder().sync(false).build();

    let chain = [&convert, &flip, &scale, &filter, &encode, sink.upcast_ref()];
    pipeline
        .add(&decode)
        .and_then(|_| pipeline.add_many(chain))
        .and_then(|_| gst::Element::link_many(chain))
        .map_err(|e| MediaError::Pipeline {
            detail: e.to_string(),
        })?;

    let convert_weak = convert.downgrade();
    let pipeline_weak = pipeline.downgrade();
    decode.connect_pad_added(move |_, pad| {
        let is_video = pad
            .current_caps()
            .and_then(|c| c.structure(0).map(|s| s.name().starts_with("video/")))
            .unwrap_or(false);
        let linked = match convert_weak.upgrade().and_then(|c| c.static_pad("sink")) {
            Some(target) if is_video && !target.is_linked() => {
                pad.link(&target).map(|_| ()).map_err(|e| format!("{e:?}"))
            }
            // Other streams (audio, data, further video) are drained so the pipeline can preroll.
            _ => match pipeline_weak.upgrade() {
                Some(pipeline) => drain_pad(&pipeline, pad),
                None => Ok(()),
            },
        };
        if let Err(e) = linked {
            tracing::warn!("thumbnail pipeline: {e}");
        }
    });

    if pipeline.set_state(gst::State::Paused).is_err() {
        tracing::debug!(path = %path_text, "pipeline refused PAUSED");
    }
    check(wait_preroll(&pipeline, STEP_TIMEOUT), &fail)?;
    if at_s > 0.0 {
        let position = gst::ClockTime::from_nseconds((at_s * 1e9) as u64);
        pipeline
            .seek_simple(gst::SeekFlags::FLUSH | gst::SeekFlags::ACCURATE, position)
            .map_err(|e| fail(format!("seek to {at_s:.2} s failed: {e}")))?;
        check(wait_preroll(&pipeline, STEP_TIMEOUT), &fail)?;
    }
    let sample = sink
        .pull_preroll()
        .map_err(|e| fail(format!("no frame: {e}")))?;
    let buffer = sample.buffer().ok_or_else(|| fail("empty frame".into()))?;
    let map = buffer
        .map_readable()
        .map_err(|e| fail(format!("unreadable frame: {e}")))?;
    let jpeg = map.as_slice().to_vec();
    drop(map);
    drop(guard);
    Ok(jpeg)
}

fn check(end: BusEnd, fail: &impl Fn(String) -> MediaError) -> Result<(), MediaError> {
    match end {
        BusEnd::Ready => Ok(()),
        BusEnd::Eos => Err(fail("the video ended before a frame was decoded".into())),
        BusEnd::Error(detail) | BusEnd::MissingPlugin(detail) => Err(fail(detail)),
        BusEnd::TimedOut => Err(fail("timed out".into())),
    }
}
