//! A JPEG still of a video, upright (display rotation applied), at a chosen width, through the
//! shared decode chain.

use std::path::Path;

use super::decode::{DecodeSettings, Decoder, FrameFormat, VideoSettings};
use super::MediaError;
use crate::jobs::CancelToken;

pub const THUMBNAIL_WIDTH: u32 = 320;
const JPEG_QUALITY: i32 = 85;

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

/// Decode the frame at `at_s` and encode it as a JPEG `width` pixels wide. When the file has no
/// frame at that time (its video starts later, or ends sooner than its header says), the first
/// frame that exists is used.
pub fn grab_jpeg(
    path: &Path,
    at_s: f64,
    width: u32,
    cancel: &CancelToken,
) -> Result<Vec<u8>, MediaError> {
    let settings = |start_s| DecodeSettings {
        video: Some(VideoSettings {
            format: FrameFormat::Jpeg {
                quality: JPEG_QUALITY,
            },
            width: Some(width),
            height: None,
            rate: None,
        }),
        audio: None,
        start_s,
        stall_after: DecodeSettings::DEFAULT_STALL,
    };
    if at_s > 0.0 {
        match Decoder::open(path, &settings(Some(at_s)), cancel)?.first_frame() {
            Ok(Some(frame)) => return Ok(frame.data),
            Ok(None) => {
                tracing::debug!(path = %path.display(), at_s, "no frame there; using the first one")
            }
            Err(MediaError::Cancelled) => return Err(MediaError::Cancelled),
            Err(e) => {
                tracing::debug!(path = %path.display(), at_s, "seek failed ({e}); using the first frame")
            }
        }
    }
    match Decoder::open(path, &settings(None), cancel)?.first_frame()? {
        Some(frame) => Ok(frame.data),
        None => Err(MediaError::Thumbnail {
            path: crate::text::printable_path(path),
            reason: "the video ended before a frame was decoded".into(),
        }),
    }
}
