//! The one decode chain every reader of footage uses (thumbnails and the decode check now;
//! analysis, waveforms and speech next): a file in, upright frames at the rate and size asked for
//! and/or PCM audio out, pulled by the caller.
//!
//! ```text
//! uridecodebin ─ video ─ videorate ─ caps(rate) ─ videoconvert ─ videoflip(auto)
//!                        ─ videoscale ─ videoconvert ─ caps(format, size) [─ jpegenc] ─ appsink
//!              ─ audio ─ audioconvert ─ audioresample ─ caps(F32, rate, channels) ─ appsink
//!              ─ other ─ fakesink
//! ```
//! Order matters (SPEC §4.1): frames are dropped to the wanted rate first, so everything after
//! works on few frames; scaling comes before the final format conversion. The first videoconvert
//! passes through for the formats videoflip takes (all common 8-bit ones) and converts the others
//! (10-bit HEVC).
//!
//! Every wait checks the job's cancel token and a stall watchdog ([`super::pipeline::Watch`]).

use std::path::Path;
use std::time::Duration;

use gstreamer as gst;
use gstreamer::prelude::*;
use gstreamer_app as gst_app;

use super::pipeline::{
    drain_pad, given_up, make, pipeline_error, Activity, BusEvent, PipelineGuard, Watch,
};
use super::{file_uri, MediaError};
use crate::jobs::CancelToken;

/// Pixel formats a caller can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameFormat {
    /// One byte per pixel, luma: analysis.
    Gray8,
    /// Packed 8-bit RGB.
    Rgb,
    /// A JPEG file per frame at this quality (0–100): thumbnails, filmstrips.
    Jpeg { quality: i32 },
}

/// Video frames wanted.
#[derive(Debug, Clone)]
pub struct VideoSettings {
    pub format: FrameFormat,
    /// Output width; `None` keeps the displayed width (or follows `height` keeping the shape).
    pub width: Option<u32>,
    /// Output height; `None` keeps the shape.
    pub height: Option<u32>,
    /// Frames per second wanted (`num`, `den`); `None` passes every decoded frame.
    pub rate: Option<(i32, i32)>,
}

/// Audio wanted: interleaved 32-bit float samples.
#[derive(Debug, Clone)]
pub struct AudioSettings {
    pub rate: u32,
    pub channels: u32,
    /// Run RNNoise over the sound first (what the export's denoise effect does).
    pub denoise: bool,
}

/// What to decode, and how long nothing may move before the pipeline is called stuck.
#[derive(Debug, Clone)]
pub struct DecodeSettings {
    pub video: Option<VideoSettings>,
    pub audio: Option<AudioSettings>,
    /// Start here (an accurate seek); `None` starts at the beginning.
    pub start_s: Option<f64>,
    pub stall_after: Duration,
}

impl DecodeSettings {
    pub const DEFAULT_STALL: Duration = Duration::from_secs(20);
}

/// One decoded video frame.
#[derive(Debug, Clone)]
pub struct Frame {
    /// Position in the file, seconds.
    pub pts_s: f64,
    pub width: u32,
    pub height: u32,
    /// Bytes per row (for raw formats).
    pub stride: usize,
    pub data: Vec<u8>,
}

/// A run of decoded audio samples.
#[derive(Debug, Clone)]
pub struct AudioChunk {
    pub pts_s: f64,
    /// Interleaved, `channels` per frame.
    pub samples: Vec<f32>,
}

#[derive(Debug)]
pub enum Decoded {
    Video(Frame),
    Audio(AudioChunk),
}

/// A running decode. Pull with [`Decoder::pull`]; dropping it stops the pipeline.
pub struct Decoder {
    watch: Watch,
    guard: PipelineGuard,
    video: Option<gst_app::AppSink>,
    audio: Option<gst_app::AppSink>,
    start_s: Option<f64>,
    video_done: bool,
    audio_done: bool,
}

/// Decoders that must not be picked for camera footage: GStreamer 1.22 routes VP8/VP9 WebM
/// flagged "alpha" (browser MediaRecorder output often is) through these, which fail with "Cannot
/// handle streams without an initial alpha buffer" when no alpha data follows. Skipped per
/// pipeline, never by changing global plugin ranks.
const SKIPPED_DECODERS: &[&str] = &["vp8alphadecodebin", "vp9alphadecodebin"];

/// Make `uridecodebin` for `path`, skipping [`SKIPPED_DECODERS`]. Without `decode_pictures`,
/// picture streams are exposed still compressed (and drained) instead of decoded: reading the
/// sound of a video then costs no video decoding.
pub(crate) fn uri_decodebin(
    path: &Path,
    decode_pictures: bool,
) -> Result<gst::Element, MediaError> {
    let decode = make("uridecodebin")?;
    decode.set_property("uri", file_uri(path)?);
    let result_type = gst::glib::Type::from_name("GstAutoplugSelectResult")
        .ok_or_else(|| pipeline_error("uridecodebin has no autoplug-select"))?;
    decode.connect("autoplug-select", false, move |values| {
        let factory = values.get(3)?.get::<gst::ElementFactory>().ok()?;
        let klass = factory.metadata("klass").unwrap_or_default();
        let picture_decoder =
            klass.contains("Decoder") && (klass.contains("Video") || klass.contains("Image"));
        let nick = if SKIPPED_DECODERS.contains(&factory.name().as_str()) {
            "skip"
        } else if picture_decoder && !decode_pictures {
            "expose"
        } else {
            "try"
        };
        gst::glib::EnumClass::with_type(result_type)?.to_value_by_nick(nick)
    });
    Ok(decode)
}

impl Decoder {
    /// Start decoding `path` as `settings` ask. Streams not asked for are drained.
    pub fn open(
        path: &Path,
        settings: &DecodeSettings,
        cancel: &CancelToken,
    ) -> Result<Self, MediaError> {
        super::init()?;
        let path_text = crate::text::printable_path(path);
        let pipeline = gst::Pipeline::new();
        let guard = PipelineGuard::new(&pipeline);
        let decode = uri_decodebin(path, settings.video.is_some())?;
        pipeline.add(&decode).map_err(pipeline_error)?;

        let video = settings
            .video
            .as_ref()
            .map(|v| video_branch(&pipeline, v))
            .transpose()?;
        let audio = settings
            .audio
            .as_ref()
            .map(|a| audio_branch(&pipeline, a))
            .transpose()?;
        let video_entry = video.as_ref().map(|(entry, _)| entry.downgrade());
        let audio_entry = audio.as_ref().map(|(entry, _)| entry.downgrade());
        let pipeline_weak = pipeline.downgrade();
        decode.connect_pad_added(move |_, pad| {
            let media = pad
                .current_caps()
                .and_then(|c| c.structure(0).map(|s| s.name().to_string()))
                .unwrap_or_default();
            let target = if media.starts_with("video/") {
                video_entry.as_ref().and_then(|w| w.upgrade())
            } else if media.starts_with("audio/") {
                audio_entry.as_ref().and_then(|w| w.upgrade())
            } else {
                None
            };
            let linked = match target.and_then(|t| t.static_pad("sink")) {
                // The first stream of each type feeds its branch; further ones are drained.
                Some(sink) if !sink.is_linked() => {
                    pad.link(&sink).map(|_| ()).map_err(|e| format!("{e:?}"))
                }
                _ => match pipeline_weak.upgrade() {
                    Some(pipeline) => drain_pad(&pipeline, pad),
                    None => Ok(()),
                },
            };
            if let Err(e) = linked {
                tracing::warn!("decode chain: {e}");
            }
        });

        // A stream asked for that the file does not have ends at once instead of waiting for
        // data that never comes (the stall watchdog would fail it much later): once every pad
        // is known, a branch still unlinked gets its end.
        let entries: Vec<_> = [&video, &audio]
            .into_iter()
            .flatten()
            .map(|(entry, _)| entry.downgrade())
            .collect();
        decode.connect_no_more_pads(move |_| {
            for entry in entries.iter().filter_map(|e| e.upgrade()) {
                if let Some(sink) = entry.static_pad("sink").filter(|p| !p.is_linked()) {
                    sink.send_event(gst::event::Eos::new());
                }
            }
        });
        let activity = Activity::watch(&pipeline);
        let watch = Watch::new(
            &pipeline,
            activity,
            cancel,
            settings.stall_after,
            &path_text,
        )?;
        let mut decoder = Decoder {
            watch,
            guard,
            video: video.map(|(_, sink)| sink),
            audio: audio.map(|(_, sink)| sink),
            start_s: settings.start_s.filter(|&s| s > 0.0),
            video_done: false,
            audio_done: false,
        };
        decoder.video_done = decoder.video.is_none();
        decoder.audio_done = decoder.audio.is_none();
        if let Err(e) = decoder.start() {
            decoder.guard.detach = given_up(&e);
            return Err(e);
        }
        Ok(decoder)
    }

    fn start(&mut self) -> Result<(), MediaError> {
        let pipeline = self.guard.pipeline.clone();
        match self.start_s {
            None => {
                // PLAYING at once: sinks never wait for the clock, so nothing blocks on preroll.
                if pipeline.set_state(gst::State::Playing).is_err() {
                    // The reason is on the bus.
                    self.watch.wait_for(|_| false)?;
                }
            }
            Some(start_s) => {
                if pipeline.set_state(gst::State::Paused).is_err() {
                    self.watch.wait_for(|_| false)?;
                }
                self.watch.wait_for(|e| matches!(e, BusEvent::AsyncDone))?;
                let position = gst::ClockTime::from_nseconds((start_s * 1e9) as u64);
                pipeline
                    .seek_simple(gst::SeekFlags::FLUSH | gst::SeekFlags::ACCURATE, position)
                    .map_err(|e| MediaError::Corrupt {
                        path: String::new(),
                        reason: format!("it cannot be read from {start_s:.2} s"),
                        detail: e.to_string(),
                    })?;
                self.watch.restart_clock();
                if pipeline.set_state(gst::State::Playing).is_err() {
                    self.watch.wait_for(|_| false)?;
                }
            }
        }
        Ok(())
    }

    /// The next frame or audio chunk; `Ok(None)` at the end of every stream asked for.
    pub fn pull(&mut self) -> Result<Option<Decoded>, MediaError> {
        let pulled = self.pull_inner();
        if let Err(e) = &pulled {
            self.guard.detach = given_up(e);
        }
        pulled
    }

    fn pull_inner(&mut self) -> Result<Option<Decoded>, MediaError> {
        loop {
            if self.video_done && self.audio_done {
                return Ok(None);
            }
            // With one stream left, wait on its sink (woken by the next sample) instead of
            // sleeping on the bus between samples; with two, neither may block the other.
            let video_open = self.video.is_some() && !self.video_done;
            let audio_open = self.audio.is_some() && !self.audio_done;
            let (sink_wait, bus_wait) = if video_open != audio_open {
                (gst::ClockTime::from_mseconds(20), Duration::ZERO)
            } else {
                (gst::ClockTime::ZERO, Duration::from_millis(20))
            };
            if let Some(sink) = self.video.as_ref().filter(|_| !self.video_done) {
                if let Some(sample) = sink.try_pull_sample(sink_wait) {
                    self.watch_saw("video-out");
                    if let Some(frame) = video_frame(&sample)? {
                        return Ok(Some(Decoded::Video(frame)));
                    }
                    continue;
                }
                self.video_done = sink.is_eos();
            }
            if let Some(sink) = self.audio.as_ref().filter(|_| !self.audio_done) {
                if let Some(sample) = sink.try_pull_sample(sink_wait) {
                    self.watch_saw("audio-out");
                    if let Some(chunk) = audio_chunk(&sample)? {
                        return Ok(Some(Decoded::Audio(chunk)));
                    }
                    continue;
                }
                self.audio_done = sink.is_eos();
            }
            match self.watch.poll(bus_wait)? {
                // The pipeline's EOS comes once every sink has it; each sink was asked above.
                Some(BusEvent::Eos) => {
                    self.video_done =
                        self.video_done || self.video.as_ref().is_none_or(|s| s.is_eos());
                    self.audio_done =
                        self.audio_done || self.audio.as_ref().is_none_or(|s| s.is_eos());
                }
                Some(BusEvent::AsyncDone) | None => {}
            }
        }
    }

    /// The first video frame (at or after the start), if the file has one.
    pub fn first_frame(&mut self) -> Result<Option<Frame>, MediaError> {
        while let Some(decoded) = self.pull()? {
            if let Decoded::Video(frame) = decoded {
                return Ok(Some(frame));
            }
        }
        Ok(None)
    }

    /// Pulled data counts as progress for the watchdog.
    fn watch_saw(&self, what: &str) {
        self.watch.activity().saw(what);
    }
}

/// `videorate ! caps ! videoconvert ! videoflip ! videoscale ! videoconvert ! caps [! jpegenc] !
/// appsink`; returns the branch's first element and its sink.
fn video_branch(
    pipeline: &gst::Pipeline,
    settings: &VideoSettings,
) -> Result<(gst::Element, gst_app::AppSink), MediaError> {
    let mut chain: Vec<gst::Element> = Vec::new();
    if let Some((num, den)) = settings.rate {
        // Not `drop-only`: with variable-rate footage (caps framerate 0/1) it cannot negotiate, and
        // with `max-rate` it aborts the process (GStreamer 1.22). Footage faster than the asked
        // rate is only dropped from either way; slower footage repeats frames, which is the truth
        // for analysis: nothing moved in the gap.
        chain.push(make("videorate")?);
        chain.push(capsfilter(
            gst::Caps::builder("video/x-raw")
                .field("framerate", gst::Fraction::new(num, den))
                .build(),
        )?);
    }
    chain.push(make("videoconvert")?);
    let flip = make("videoflip")?;
    flip.set_property_from_str("video-direction", "auto");
    chain.push(flip);
    chain.push(make("videoscale")?);
    chain.push(make("videoconvert")?);
    let format = match settings.format {
        FrameFormat::Gray8 => "GRAY8",
        FrameFormat::Rgb => "RGB",
        FrameFormat::Jpeg { .. } => "I420",
    };
    let mut caps = gst::Caps::builder("video/x-raw")
        .field("format", format)
        .field("pixel-aspect-ratio", gst::Fraction::new(1, 1));
    if let Some(w) = settings.width {
        caps = caps.field("width", w as i32);
    }
    if let Some(h) = settings.height {
        caps = caps.field("height", h as i32);
    }
    chain.push(capsfilter(caps.build())?);
    if let FrameFormat::Jpeg { quality } = settings.format {
        let encode = make("jpegenc")?;
        encode.set_property("quality", quality.clamp(0, 100));
        chain.push(encode);
    }
    let sink = gst_app::AppSink::builder()
        .sync(false)
        .max_buffers(16)
        .build();
    chain.push(sink.clone().upcast());
    add_chain(pipeline, &chain)?;
    Ok((chain[0].clone(), sink))
}

/// `audioconvert ! audioresample ! caps(F32LE) ! appsink`, with RNNoise after the resampler when
/// asked.
fn audio_branch(
    pipeline: &gst::Pipeline,
    settings: &AudioSettings,
) -> Result<(gst::Element, gst_app::AppSink), MediaError> {
    let caps = gst::Caps::builder("audio/x-raw")
        .field("format", "F32LE")
        .field("layout", "interleaved")
        .field("rate", settings.rate as i32)
        .field("channels", settings.channels as i32)
        .build();
    let sink = gst_app::AppSink::builder()
        .sync(false)
        .max_buffers(256)
        .build();
    let mut chain = vec![make("audioconvert")?, make("audioresample")?];
    if settings.denoise {
        // RNNoise works on 48 kHz float; it is converted to what was asked for afterwards.
        chain.extend([
            make("audiornnoise")?,
            make("audioconvert")?,
            make("audioresample")?,
        ]);
    }
    chain.extend([capsfilter(caps)?, sink.clone().upcast()]);
    add_chain(pipeline, &chain)?;
    Ok((chain[0].clone(), sink))
}

fn capsfilter(caps: gst::Caps) -> Result<gst::Element, MediaError> {
    let filter = make("capsfilter")?;
    filter.set_property("caps", &caps);
    Ok(filter)
}

fn add_chain(pipeline: &gst::Pipeline, chain: &[gst::Element]) -> Result<(), MediaError> {
    pipeline.add_many(chain).map_err(pipeline_error)?;
    gst::Element::link_many(chain).map_err(pipeline_error)
}

/// Where a sample sits in the file's timeline (stream time), the position seeks and durations
/// use. Buffer timestamps can be offset from it: an MP4 edit list that skips B-frame delay puts the
/// first frame at 0.08 s of its timestamps but at 0 of the file.
fn position_s(sample: &gst::Sample, buffer: &gst::BufferRef) -> f64 {
    let Some(pts) = buffer.pts() else {
        return 0.0;
    };
    let stream_time = sample
        .segment()
        .and_then(|segment| segment.downcast_ref::<gst::ClockTime>())
        .and_then(|segment| segment.to_stream_time(pts))
        .unwrap_or(pts);
    stream_time.nseconds() as f64 / 1e9
}

fn video_frame(sample: &gst::Sample) -> Result<Option<Frame>, MediaError> {
    let Some(buffer) = sample.buffer() else {
        return Ok(None);
    };
    let caps = sample
        .caps()
        .ok_or_else(|| pipeline_error("a frame without caps"))?;
    let (width, height, stride) = match gstreamer_video::VideoInfo::from_caps(caps) {
        Ok(info) => (
            info.width(),
            info.height(),
            info.stride().first().map_or(0, |&s| s.max(0) as usize),
        ),
        // Encoded (JPEG) frames: the size is in the caps, rows are not a thing.
        Err(_) => {
            let s = caps.structure(0);
            let dim = |field| s.and_then(|s| s.get::<i32>(field).ok()).unwrap_or(0).max(0) as u32;
            (dim("width"), dim("height"), 0)
        }
    };
    let map = buffer
        .map_readable()
        .map_err(|e| pipeline_error(format!("unreadable frame: {e}")))?;
    let data = map.as_slice().to_vec();
    Ok(Some(Frame {
        pts_s: position_s(sample, buffer),
        width,
        height,
        stride,
        data,
    }))
}

fn audio_chunk(sample: &gst::Sample) -> Result<Option<AudioChunk>, MediaError> {
    let Some(buffer) = sample.buffer() else {
        return Ok(None);
    };
    let map = buffer
        .map_readable()
        .map_err(|e| pipeline_error(format!("unreadable audio: {e}")))?;
    let samples = map
        .as_slice()
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    Ok(Some(AudioChunk {
        pts_s: position_s(sample, buffer),
        samples,
    }))
}
