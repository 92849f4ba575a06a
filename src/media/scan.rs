//! The demux-only pass of a probe (nothing is decoded): `parsebin` names the container (the first
//! type it plugs for), exposes each stream with its caps and tags, and the packets' timestamps give the frame timing
//! and, for files whose header has none, the real duration. Cancellable, with the stall watchdog.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use gstreamer as gst;
use gstreamer::prelude::*;

use super::pipeline::{
    drain_pad, given_up, make, pipeline_error, Activity, BusEvent, PipelineGuard, Watch,
};
use super::timing::VFR_SAMPLE_FRAMES;
use super::{file_uri, MediaError};
use crate::jobs::CancelToken;

/// One stream as the demuxer describes it.
#[derive(Debug, Clone)]
pub(super) struct StreamFacts {
    pub caps: gst::Caps,
    /// The `image-orientation` tag, if any ("rotate-90", …).
    pub orientation: Option<String>,
}

impl StreamFacts {
    pub fn media(&self) -> String {
        self.caps
            .structure(0)
            .map(|s| s.name().split('/').next().unwrap_or("").to_owned())
            .unwrap_or_default()
    }
}

#[derive(Debug, Default)]
pub(super) struct Scan {
    /// What `typefind` saw (the container, or the raw stream type).
    pub container_caps: Option<gst::Caps>,
    pub streams: Vec<StreamFacts>,
    /// The header's duration, when the demuxer knows one.
    pub header_duration_s: Option<f64>,
    pub seekable: bool,
    /// Video packet timestamps (up to [`VFR_SAMPLE_FRAMES`]), of the first video stream.
    pub video_pts: Vec<u64>,
    /// Largest timestamp + duration of audio and video packets.
    pub end_ns: u64,
    /// Whether the whole file was read (so `end_ns` is its real end).
    pub reached_end: bool,
}

impl Scan {
    pub fn first(&self, media: &str) -> Option<&StreamFacts> {
        self.streams.iter().find(|s| s.media() == media)
    }
}

#[derive(Default)]
struct Shared {
    scan: Scan,
    /// Audio and video streams exposed, and those whose first packet (or end) was seen.
    av_streams: usize,
    av_streams_with_data: usize,
    no_more_pads: bool,
    first_video_pad: Option<String>,
}

/// Scan `path`. `to_end` decides, once the header is known, whether the whole file is read
/// (files without a usable duration); otherwise the scan stops after a sample of video packets.
pub(super) fn scan(
    path: &Path,
    cancel: &CancelToken,
    stall_after: Duration,
    to_end: impl Fn(&Scan) -> bool,
) -> Result<Scan, MediaError> {
    let path_text = crate::text::printable_path(path);
    let pipeline = gst::Pipeline::new();
    let mut guard = PipelineGuard::new(&pipeline);
    // A URI keeps names that are not UTF-8 intact (filesrc's `location` is a UTF-8 string).
    let src = gst::Element::make_from_uri(gst::URIType::Src, &file_uri(path)?, None)
        .map_err(pipeline_error)?;
    let parse = make("parsebin")?;
    pipeline
        .add_many([&src, &parse])
        .and_then(|_| src.link(&parse))
        .map_err(pipeline_error)?;

    let shared = Arc::new(Mutex::new(Shared::default()));
    {
        let shared = shared.clone();
        // The first type parsebin plugs for is what its type finder saw: the container.
        parse.connect("autoplug-continue", false, move |values| {
            if let Some(caps) = values.get(2).and_then(|v| v.get::<gst::Caps>().ok()) {
                let mut s = lock(&shared);
                if s.scan.container_caps.is_none() {
                    s.scan.container_caps = Some(caps);
                }
            }
            Some(true.to_value())
        });
    }
    {
        let shared = shared.clone();
        parse.connect_no_more_pads(move |_| lock(&shared).no_more_pads = true);
    }
    let pipeline_weak = pipeline.downgrade();
    let shared_for_pads = shared.clone();
    parse.connect_pad_added(move |_, pad| {
        let Some(pipeline) = pipeline_weak.upgrade() else {
            return;
        };
        let caps = pad.current_caps().unwrap_or_else(|| pad.query_caps(None));
        let index = {
            let mut s = lock(&shared_for_pads);
            s.scan.streams.push(StreamFacts {
                caps,
                orientation: None,
            });
            s.scan.streams.len() - 1
        };
        if let Err(e) = drain_pad(&pipeline, pad) {
            tracing::warn!("probe scan: {e}");
            return;
        }
        watch_stream(pad, index, shared_for_pads.clone());
    });

    let activity = Activity::watch(&pipeline);
    let watch = Watch::new(&pipeline, activity, cancel, stall_after, &path_text)?;
    if pipeline.set_state(gst::State::Playing).is_err() {
        // The reason is on the bus.
        watch.wait_for(|_| false)?;
    }
    let mut decided_to_end: Option<bool> = None;
    loop {
        if let Some(reason) = refused_type(&lock(&shared).scan, &path_text) {
            return Err(reason);
        }
        match watch.poll(Duration::from_millis(20)) {
            Ok(Some(BusEvent::Eos)) => {
                lock(&shared).scan.reached_end = true;
                break;
            }
            Ok(_) => {}
            Err(e) => {
                guard.detach = given_up(&e);
                let s = lock(&shared);
                // A refusal by type reads better than the demuxer's complaint about it.
                if let Some(refusal) = refused_type(&s.scan, &path_text) {
                    return Err(refusal);
                }
                // The demuxer found the type but never a stream: GStreamer 1.22's parsebin can
                // swallow the demuxer's own error while it plugs it (qtdemux on an MP4 cut before
                // its index), leaving a pipeline where nothing moves. The file is the problem.
                if matches!(e, MediaError::Stalled { .. })
                    && s.scan.container_caps.is_some()
                    && s.scan.streams.is_empty()
                {
                    return Err(MediaError::Corrupt {
                        path: path_text.clone(),
                        reason: "no playable stream could be read from it".into(),
                        detail: e.to_string(),
                    });
                }
                return Err(e);
            }
        }
        let mut s = lock(&shared);
        let ready = s.no_more_pads && s.av_streams_with_data >= s.av_streams.max(1);
        if !ready {
            continue;
        }
        if decided_to_end.is_none() {
            s.scan.header_duration_s = query_duration(&pipeline);
            s.scan.seekable = query_seekable(&pipeline);
            decided_to_end = Some(to_end(&s.scan));
        }
        let has_video = s.first_video_pad.is_some();
        let enough_video = !has_video || s.scan.video_pts.len() >= VFR_SAMPLE_FRAMES;
        if decided_to_end == Some(false) && enough_video {
            break;
        }
    }
    let mut scan = std::mem::take(&mut lock(&shared).scan);
    if scan.header_duration_s.is_none() {
        scan.header_duration_s = query_duration(&pipeline);
    }
    drop(guard);
    tracing::debug!(
        end_ns = scan.end_ns,
        frames = scan.video_pts.len(),
        reached_end = scan.reached_end,
        "scanned"
    );
    Ok(scan)
}

fn lock(shared: &Mutex<Shared>) -> std::sync::MutexGuard<'_, Shared> {
    shared.lock().unwrap_or_else(|p| p.into_inner())
}

/// Record a stream's tags and packet timing.
fn watch_stream(pad: &gst::Pad, index: usize, shared: Arc<Mutex<Shared>>) {
    let media = lock(&shared).scan.streams[index].media();
    let is_video = media == "video" && {
        let mut s = lock(&shared);
        if s.first_video_pad.is_none() {
            s.first_video_pad = Some(pad.name().to_string());
            true
        } else {
            false
        }
    };
    // Metadata tracks (timecode, iPhone `mebx`) may run past the picture and sound, and are not
    // waited for.
    let counts = media == "video" || media == "audio";
    if counts {
        lock(&shared).av_streams += 1;
    }
    let seen_data = std::sync::atomic::AtomicBool::new(!counts);
    pad.add_probe(
        gst::PadProbeType::BUFFER | gst::PadProbeType::EVENT_DOWNSTREAM,
        move |_, info| {
            let mut s = lock(&shared);
            match &info.data {
                Some(gst::PadProbeData::Buffer(buffer)) => {
                    if !seen_data.swap(true, std::sync::atomic::Ordering::Relaxed) {
                        s.av_streams_with_data += 1;
                    }
                    if let Some(pts) = buffer.pts() {
                        if counts {
                            let end =
                                pts.nseconds() + buffer.duration().map_or(0, |d| d.nseconds());
                            s.scan.end_ns = s.scan.end_ns.max(end);
                        }
                        if is_video && s.scan.video_pts.len() < VFR_SAMPLE_FRAMES {
                            s.scan.video_pts.push(pts.nseconds());
                        }
                    }
                }
                Some(gst::PadProbeData::Event(event)) => match event.view() {
                    gst::EventView::Tag(tag) => {
                        if let Some(o) = tag.tag().get::<gst::tags::ImageOrientation>() {
                            s.scan.streams[index].orientation = Some(o.get().to_owned());
                        }
                    }
                    gst::EventView::Caps(caps) => {
                        s.scan.streams[index].caps = caps.caps_owned();
                    }
                    // A stream that ends without a packet still counts as looked at.
                    gst::EventView::Eos(_)
                        if !seen_data.swap(true, std::sync::atomic::Ordering::Relaxed) =>
                    {
                        s.av_streams_with_data += 1;
                    }
                    _ => {}
                },
                _ => {}
            }
            gst::PadProbeReturn::Ok
        },
    );
}

/// Files whose type Edit Factory does not take as footage, refused at once by name.
fn refused_type(scan: &Scan, path: &str) -> Option<MediaError> {
    let caps = scan.container_caps.as_ref()?;
    let name = caps.structure(0)?.name().to_string();
    let reason = match name.as_str() {
        "image/gif" => "it is an animated GIF image; convert it to a video (e.g. MP4) first",
        n if n.starts_with("image/") => "it is a still image, not a video",
        n if n.starts_with("text/") || n.starts_with("application/x-subtitle") => {
            "it is a text or subtitle file"
        }
        _ => return None,
    };
    Some(MediaError::Unsupported {
        path: path.to_owned(),
        reason: reason.into(),
        detail: name,
    })
}

fn query_duration(pipeline: &gst::Pipeline) -> Option<f64> {
    pipeline
        .query_duration::<gst::ClockTime>()
        .map(|d| d.nseconds() as f64 / 1e9)
        .filter(|&d| d > 0.0)
}

fn query_seekable(pipeline: &gst::Pipeline) -> bool {
    let mut query = gst::query::Seeking::new(gst::Format::Time);
    pipeline.query(&mut query) && query.result().0
}
