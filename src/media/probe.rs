//! What a media file contains: a demux-only scan for streams, tags, timing and duration
//! ([`super::scan`]), then the first frame and samples through the real decoders (the shared decode
//! chain), so damaged files are caught at import. Every step is cancellable and watched for stalls.

use std::path::Path;
use std::time::Duration;

use gstreamer as gst;
use serde::Serialize;
use ts_rs::TS;

use super::codecs::{codec_name, container_name};
use super::decode::{AudioSettings, DecodeSettings, Decoded, Decoder, FrameFormat, VideoSettings};
use super::scan::{scan, Scan};
use super::{timing, MediaError};
use crate::jobs::CancelToken;

/// Larger than any camera or screen records; a header claiming more is damaged or hostile.
const MAX_DIMENSION: u32 = 16_384;
const STALL_AFTER: Duration = Duration::from_secs(20);

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct MediaInfo {
    /// The path as text (control characters escaped; not for opening the file).
    pub path: String,
    #[ts(type = "number")]
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
    /// The codec profile of the picture, as the stream declares it ("high", "main", …).
    pub video_profile: Option<String>,
    pub audio_codec: Option<String>,
    /// The rate the audio decodes at.
    pub audio_sample_rate: Option<u32>,
    pub audio_channels: Option<u32>,
    /// Audio streams in the file (the first is used).
    pub audio_streams: u32,
}

impl MediaInfo {
    pub fn is_portrait(&self) -> bool {
        matches!((self.display_width, self.display_height), (Some(w), Some(h)) if h > w)
    }
}

/// Probe a file. Broken, empty or unsupported files give a [`MediaError`] that says so plainly.
pub fn probe(path: &Path, cancel: &CancelToken) -> Result<MediaInfo, MediaError> {
    super::init()?;
    let path_text = crate::text::printable_path(path);
    let meta = regular_file(path)?;
    let path = &path
        .canonicalize()
        .map_err(|source| MediaError::Unreadable {
            path: path_text.clone(),
            detail: source.to_string(),
        })?;

    let scanned = scan(path, cancel, STALL_AFTER, |s| {
        // Without a usable duration in its header (or without an index to seek with, as in
        // MediaRecorder WebM) a file's length is found by reading it whole.
        s.header_duration_s.is_none() || !s.seekable
    })?;
    let mut info = describe(&scanned, &path_text, meta.len())?;
    if let Some(detail) = truncation(&info, &scanned) {
        return Err(MediaError::Corrupt {
            path: path_text,
            reason: detail.clone(),
            detail,
        });
    }
    verify_decodable(path, &info, cancel)?;
    info.path = path_text;
    Ok(info)
}

/// The metadata of a non-empty regular file; anything else (a folder, a named pipe, a device, an
/// empty file) is refused without being opened.
pub fn regular_file(path: &Path) -> Result<std::fs::Metadata, MediaError> {
    let path_text = || crate::text::printable_path(path);
    let meta = std::fs::metadata(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => MediaError::NotFound { path: path_text() },
        _ => MediaError::Unreadable {
            path: path_text(),
            detail: source.to_string(),
        },
    })?;
    if !meta.is_file() {
        return Err(MediaError::NotAFile {
            path: path_text(),
            what: file_kind(&meta),
        });
    }
    if meta.len() == 0 {
        return Err(MediaError::Empty { path: path_text() });
    }
    Ok(meta)
}

/// What kind of non-regular file this is, in words.
fn file_kind(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a named pipe";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
    }
    if meta.is_dir() {
        "a folder"
    } else {
        "a special file"
    }
}

fn describe(scanned: &Scan, path: &str, size_bytes: u64) -> Result<MediaInfo, MediaError> {
    let video = scanned.first("video");
    let audio = scanned.first("audio");
    if video.is_none() && audio.is_none() {
        let reason = if scanned.streams.iter().any(|s| {
            let media = s.media();
            media == "text" || media == "subtitle" || media == "application"
        }) {
            "it holds no video or audio (only subtitles or data)"
        } else {
            "it holds no video or audio stream"
        };
        return Err(MediaError::Unsupported {
            path: path.to_owned(),
            reason: reason.into(),
            detail: format!("{} stream(s)", scanned.streams.len()),
        });
    }
    let field_i32 = |caps: &gst::Caps, name: &str| {
        caps.structure(0)
            .and_then(|s| s.get::<i32>(name).ok())
            .filter(|&v| v > 0)
    };
    let (width, height) = match video {
        Some(v) => (
            field_i32(&v.caps, "width").map(|w| w as u32),
            field_i32(&v.caps, "height").map(|h| h as u32),
        ),
        None => (None, None),
    };
    if let (Some(w), Some(h)) = (width, height) {
        if w > MAX_DIMENSION || h > MAX_DIMENSION {
            return Err(MediaError::Corrupt {
                path: path.to_owned(),
                reason: format!("its header claims a {w}×{h} picture, which no camera records"),
                detail: video.map(|v| v.caps.to_string()).unwrap_or_default(),
            });
        }
    }
    let rotation = video
        .and_then(|v| v.orientation.as_deref())
        .map(orientation_degrees)
        .unwrap_or(0);
    let (display_width, display_height) = if rotation % 180 == 90 {
        (height, width)
    } else {
        (width, height)
    };
    let header_rate = video
        .and_then(|v| v.caps.structure(0)?.get::<gst::Fraction>("framerate").ok())
        .filter(|f| f.numer() > 0 && f.denom() > 0)
        .map(|f| (f.numer(), f.denom()));
    let rate = header_rate.or_else(|| timing::average_rate(&scanned.video_pts));
    let video_codec = video.and_then(|v| codec_name(&v.caps));
    let audio_codec = audio.and_then(|a| codec_name(&a.caps));
    // Opus always decodes at 48 kHz; its header's rate is the rate the encoder was fed.
    let audio_sample_rate = match audio_codec.as_deref() {
        Some("opus") => Some(48_000),
        _ => audio
            .and_then(|a| field_i32(&a.caps, "rate"))
            .map(|r| r as u32),
    };
    let audio_channels = audio
        .and_then(|a| field_i32(&a.caps, "channels"))
        .map(|c| c as u32);

    let header = scanned.header_duration_s.unwrap_or(0.0);
    let measured = (scanned.end_ns > 0).then(|| scanned.end_ns as f64 / 1e9);
    let container = scanned
        .container_caps
        .as_ref()
        .and_then(|c| container_name(c));
    // Matroska's duration field is optional and often an estimate (MediaRecorder); MP4 and others
    // carry an exact one. Having read a whole Matroska file, its last timestamp wins.
    let estimated_header = matches!(container.as_deref(), Some("webm" | "matroska"));
    let duration_s = match measured {
        Some(end) if header <= 0.0 => end,
        Some(end) if scanned.reached_end && estimated_header && end > header => end,
        _ => header,
    };
    if duration_s <= 0.0 {
        return Err(MediaError::Corrupt {
            path: path.to_owned(),
            reason: "it has no playable duration".into(),
            detail: String::new(),
        });
    }
    Ok(MediaInfo {
        path: path.to_owned(),
        size_bytes,
        container,
        duration_s,
        has_video: video.is_some(),
        has_audio: audio.is_some(),
        width,
        height,
        rotation,
        display_width,
        display_height,
        fps: rate.map(|(n, d)| n as f64 / d as f64),
        fps_num: rate.map(|(n, _)| n),
        fps_den: rate.map(|(_, d)| d),
        is_vfr: video.is_some() && timing::is_variable(&scanned.video_pts),
        video_codec,
        video_profile: video.and_then(|v| v.caps.structure(0)?.get::<String>("profile").ok()),
        audio_codec,
        audio_sample_rate,
        audio_channels,
        audio_streams: scanned
            .streams
            .iter()
            .filter(|s| s.media() == "audio")
            .count() as u32,
    })
}

/// A file whose data runs out long before the duration its header promises (a copy or download
/// cut short), or whose video stream yields no packet at all, is damaged.
fn truncation(info: &MediaInfo, scanned: &Scan) -> Option<String> {
    if !scanned.reached_end || !info.has_video {
        return None;
    }
    if scanned.video_pts.is_empty() {
        return Some("its video stream holds no frames".into());
    }
    let end = scanned.end_ns as f64 / 1e9;
    // Generous: the last frame of variable-rate footage can hold for over a second.
    (info.duration_s > 0.0 && end < info.duration_s * 0.75 - 1.0).then(|| {
        format!(
            "its data ends at {end:.1} s of the {:.1} s its header promises",
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

/// Decode the first frame and the first samples through the real decoders: a file whose header
/// looks fine but whose data cannot be decoded fails here, at import, instead of at export.
fn verify_decodable(path: &Path, info: &MediaInfo, cancel: &CancelToken) -> Result<(), MediaError> {
    let settings = DecodeSettings {
        video: info.has_video.then_some(VideoSettings {
            format: FrameFormat::Gray8,
            width: Some(64),
            height: None,
            rate: None,
        }),
        audio: info.has_audio.then_some(AudioSettings {
            rate: 16_000,
            channels: 1,
            denoise: false,
        }),
        start_s: None,
        stall_after: STALL_AFTER,
    };
    let mut decoder = Decoder::open(path, &settings, cancel)?;
    let (mut video_ok, mut audio_ok) = (!info.has_video, !info.has_audio);
    while !(video_ok && audio_ok) {
        match decoder.pull()? {
            Some(Decoded::Video(_)) => video_ok = true,
            Some(Decoded::Audio(_)) => audio_ok = true,
            None => break,
        }
    }
    if video_ok || audio_ok {
        // A file with decodable video and an audio stream that ends at once (or the other way
        // round) is still usable footage.
        Ok(())
    } else {
        Err(MediaError::Corrupt {
            path: crate::text::printable_path(path),
            reason: "not a single frame or sample decodes".into(),
            detail: String::new(),
        })
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
