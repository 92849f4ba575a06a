//! What a media file contains: GStreamer Discoverer for streams and tags, a demux-only pass for
//! frame timing, and a preroll through the real decoders so damaged files are caught at import.

use std::path::Path;
use std::time::Duration;

use gstreamer as gst;
use gstreamer::prelude::*;
use gstreamer_pbutils as pbutils;
use gstreamer_pbutils::prelude::*;
use serde::Serialize;
use ts_rs::TS;

use super::codecs::{codec_name, container_name};
use super::pipeline::{blocks_playback, drain_pad, make, wait_preroll, BusEnd, PipelineGuard};
use super::{file_uri, timing, MediaError};

const DISCOVER_TIMEOUT_S: u64 = 20;
const PREROLL_TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct MediaInfo {
    pub path: String,
    pub size_bytes: u64,
    pub container: Option<String>,
    pub duration_s: f64,
    pub has_video: bool,
    pub has_audio: bool,
    /// Coded (stored) frame size, before display rotation.
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// Clockwise rotation to apply for display: 0, 90, 180 or 270.
    pub rotation: u32,
    /// Frame size as shown, after rotation.
    pub display_width: Option<u32>,
    pub display_height: Option<u32>,
    /// Nominal frame rate as a number (average for variable frame rate).
    pub fps: Option<f64>,
    pub fps_num: Option<i32>,
    pub fps_den: Option<i32>,
    pub is_vfr: bool,
    pub video_codec: Option<String>,
    pub audio_codec: Option<String>,
    pub audio_sample_rate: Option<u32>,
    pub audio_channels: Option<u32>,
}

impl MediaInfo {
    pub fn is_portrait(&self) -> bool {
        matches!((self.display_width, self.display_height), (Some(w), Some(h)) if h > w)
    }
}

/// Probe a file. Broken, empty or unsupported files give a [`MediaError`] that says so plainly.
pub fn probe(path: &Path) -> Result<MediaInfo, MediaError> {
    super::init()?;
    let path_text = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => MediaError::NotFound {
            path: path_text.clone(),
        },
        _ => MediaError::Unreadable {
            path: path_text.clone(),
            source,
        },
    })?;
    if !meta.is_file() {
        return Err(MediaError::NotAFile { path: path_text });
    }
    if meta.len() == 0 {
        return Err(MediaError::Empty { path: path_text });
    }
    let path = &path
        .canonicalize()
        .map_err(|source| MediaError::Unreadable {
            path: path_text.clone(),
            source,
        })?;

    let discovered = discover(path)?;
    let mut info = describe(&discovered, path, meta.len())?;

    // A file that cannot seek (e.g. MediaRecorder WebM without cues) has only an estimated
    // duration in its header, if any: measure it.
    let needs_duration = info.duration_s <= 0.0 || !discovered.is_seekable();
    tracing::debug!(
        header_duration_s = info.duration_s,
        seekable = discovered.is_seekable(),
        "discovered"
    );
    if info.has_video || needs_duration {
        let timing = timing::scan(path, needs_duration)?;
        info.is_vfr = info.has_video && timing.is_vfr;
        if info.fps.is_none() {
            if let Some((num, den)) = timing.average_rate {
                info.fps = Some(num as f64 / den as f64);
                info.fps_num = Some(num);
                info.fps_den = Some(den);
            }
        }
        if let Some(detail) = truncation(&info, &timing) {
            return Err(MediaError::Corrupt {
                path: path_text,
                detail,
            });
        }
        // Matroska's duration field is optional and often an estimate (MediaRecorder); MP4 and
        // others carry an exact one. Having read a whole Matroska file, its last timestamp wins.
        let estimated_header = matches!(info.container.as_deref(), Some("webm" | "matroska"));
        if needs_duration || (timing.reached_end && estimated_header) {
            if let Some(end_s) = timing
                .end_s
                .filter(|&e| needs_duration || e > info.duration_s)
            {
                info.duration_s = end_s;
            }
        }
    }
    if info.duration_s <= 0.0 {
        return Err(MediaError::Corrupt {
            path: path_text,
            detail: "no playable duration".into(),
        });
    }
    verify_decodable(path)?;
    Ok(info)
}

fn discover(path: &Path) -> Result<pbutils::DiscovererInfo, MediaError> {
    let path_text = path.display().to_string();
    let discoverer = pbutils::Discoverer::new(gst::ClockTime::from_seconds(DISCOVER_TIMEOUT_S))
        .map_err(|e| MediaError::Pipeline {
            detail: e.to_string(),
        })?;
    let info = discoverer
        .discover_uri(&file_uri(path)?)
        .map_err(|e| MediaError::Unsupported {
            path: path_text.clone(),
            detail: e.to_string(),
        })?;
    match info.result() {
        pbutils::DiscovererResult::Ok => Ok(info),
        pbutils::DiscovererResult::Timeout => Err(MediaError::Timeout {
            path: path_text,
            what: "discovering streams",
        }),
        pbutils::DiscovererResult::MissingPlugins => {
            let blocking: Vec<String> = info
                .missing_elements_installer_details()
                .iter()
                .filter(|d| blocks_playback(d))
                .map(|d| d.to_string())
                .collect();
            if blocking.is_empty() {
                Ok(info)
            } else {
                Err(MediaError::MissingPlugin {
                    path: path_text,
                    detail: blocking.join(", "),
                })
            }
        }
        other => Err(MediaError::Unsupported {
            path: path_text,
            detail: format!("{other:?}"),
        }),
    }
}

fn describe(
    info: &pbutils::DiscovererInfo,
    path: &Path,
    size_bytes: u64,
) -> Result<MediaInfo, MediaError> {
    let videos: Vec<_> = info
        .video_streams()
        .into_iter()
        .filter(|v| !v.is_image())
        .collect();
    let audios = info.audio_streams();
    if videos.is_empty() && audios.is_empty() {
        return Err(MediaError::Unsupported {
            path: path.display().to_string(),
            detail: "no video or audio stream".into(),
        });
    }
    let video = videos.first();
    let audio = audios.first();
    let rotation = video
        .and_then(|v| v.tags())
        .and_then(|tags| {
            tags.get::<gst::tags::ImageOrientation>()
                .map(|t| t.get().to_owned())
        })
        .map(|o| orientation_degrees(&o))
        .unwrap_or(0);
    let (width, height) = match video {
        Some(v) => (Some(v.width()), Some(v.height())),
        None => (None, None),
    };
    let (display_width, display_height) = if rotation % 180 == 90 {
        (height, width)
    } else {
        (width, height)
    };
    let rate = video
        .map(|v| v.framerate())
        .filter(|f| f.numer() > 0 && f.denom() > 0);
    let container = info
        .stream_info()
        .and_then(|s| s.caps())
        .and_then(|c| container_name(&c));

    Ok(MediaInfo {
        path: path.display().to_string(),
        size_bytes,
        container,
        duration_s: info.duration().map_or(0.0, |d| d.nseconds() as f64 / 1e9),
        has_video: video.is_some(),
        has_audio: audio.is_some(),
        width,
        height,
        rotation,
        display_width,
        display_height,
        fps: rate.map(|f| f.numer() as f64 / f.denom() as f64),
        fps_num: rate.map(|f| f.numer()),
        fps_den: rate.map(|f| f.denom()),
        is_vfr: false,
        video_codec: video.and_then(|v| v.caps()).and_then(|c| codec_name(&c)),
        audio_codec: audio.and_then(|a| {
            // WAV reports its container caps for the stream; the samples are PCM of this depth.
            let name = a.caps().and_then(|c| codec_name(&c))?;
            Some(if name == "wav" {
                format!("pcm_s{}le", a.depth())
            } else {
                name
            })
        }),
        audio_sample_rate: audio.map(|a| a.sample_rate()),
        audio_channels: audio.map(|a| a.channels()),
    })
}

/// A file whose data runs out long before the duration its header promises (a copy or download
/// cut short), or whose video stream yields no packet at all, is damaged.
fn truncation(info: &MediaInfo, timing: &timing::Timing) -> Option<String> {
    if !timing.reached_end || !info.has_video {
        return None;
    }
    if timing.video_frames == 0 {
        return Some("the video stream holds no frames".into());
    }
    let end = timing.end_s.unwrap_or(0.0);
    // Generous: the last frame of variable-rate footage can hold for over a second.
    (info.duration_s > 0.0 && end < info.duration_s * 0.75 - 1.0).then(|| {
        format!(
            "the data ends at {end:.1} s of the {:.1} s its header promises",
            info.duration_s
        )
    })
}

/// Degrees clockwise from a GStreamer `image-orientation` tag ("rotate-90", "flip-rotate-270", …).
fn orientation_degrees(tag: &str) -> u32 {
    tag.rsplit('-')
        .next()
        .and_then(|d| d.parse::<u32>().ok())
        .filter(|d| [0, 90, 180, 270].contains(d))
        .unwrap_or(0)
}

/// Preroll every stream through its real decoder: a file whose header looks fine but whose data
/// is truncated or undecodable fails here, at import, instead of at export.
fn verify_decodable(path: &Path) -> Result<(), MediaError> {
    let path_text = path.display().to_string();
    let pipeline = gst::Pipeline::new();
    let guard = PipelineGuard(pipeline.clone());
    let decode = make("uridecodebin")?;
    decode.set_property("uri", file_uri(path)?);
    pipeline.add(&decode).map_err(|e| MediaError::Pipeline {
        detail: e.to_string(),
    })?;
    let pipeline_weak = pipeline.downgrade();
    decode.connect_pad_added(move |_, pad| {
        let Some(pipeline) = pipeline_weak.upgrade() else {
            return;
        };
        if let Err(e) = drain_pad(&pipeline, pad) {
            tracing::warn!("decode check: {e}");
        }
    });
    if pipeline.set_state(gst::State::Paused).is_err() {
        // The reason is on the bus; fall through to read it.
        tracing::debug!(path = %path_text, "pipeline refused PAUSED");
    }
    let end = wait_preroll(&pipeline, PREROLL_TIMEOUT);
    drop(guard);
    match end {
        BusEnd::Ready => Ok(()),
        BusEnd::Eos => Err(MediaError::Corrupt {
            path: path_text,
            detail: "no decodable frame or sample".into(),
        }),
        BusEnd::Error(detail) => Err(MediaError::Corrupt {
            path: path_text,
            detail,
        }),
        BusEnd::MissingPlugin(detail) => Err(MediaError::MissingPlugin {
            path: path_text,
            detail,
        }),
        BusEnd::TimedOut => Err(MediaError::Timeout {
            path: path_text,
            what: "decoding the first frame",
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::orientation_degrees;

    #[test]
    fn orientation_tags() {
        assert_eq!(orientation_degrees("rotate-0"), 0);
        assert_eq!(orientation_degrees("rotate-90"), 90);
        assert_eq!(orientation_degrees("rotate-180"), 180);
        assert_eq!(orientation_degrees("flip-rotate-270"), 270);
        assert_eq!(orientation_degrees("nonsense"), 0);
    }
}
