//! Media facts and pictures through GStreamer: probing, content fingerprints, thumbnails.

mod codecs;
mod error;
pub mod fingerprint;
mod pipeline;
pub mod probe;
pub mod thumbnail;
mod timing;

use std::path::Path;

use gstreamer::prelude::*;

pub use error::MediaError;
pub use probe::{probe, MediaInfo};

/// Initialise GStreamer once per process (later calls are cheap no-ops).
pub fn init() -> Result<(), MediaError> {
    gstreamer::init().map_err(|source| MediaError::Init {
        detail: source.to_string(),
    })?;
    demote_alpha_decoders();
    Ok(())
}

/// GStreamer 1.22 routes VP8/VP9 WebM flagged as "alpha" (browser MediaRecorder output often is)
/// through an alpha decode bin that fails with "Cannot handle streams without an initial alpha
/// buffer" when no alpha data follows. Camera and screen footage carries no alpha, so the plain
/// decoders are preferred.
fn demote_alpha_decoders() {
    let registry = gstreamer::Registry::get();
    for name in ["vp8alphadecodebin", "vp9alphadecodebin"] {
        if let Some(feature) = registry.lookup_feature(name) {
            feature.set_rank(gstreamer::Rank::NONE);
        }
    }
}

/// File extensions treated as media when a folder is imported (files given one by one are always
/// probed, whatever their name).
pub const MEDIA_EXTENSIONS: &[&str] = &[
    "mp4", "m4v", "mov", "mkv", "webm", "avi", "mts", "m2ts", "ts", "mpg", "mpeg", "wmv", "flv",
    "3gp", "ogv", "wav", "mp3", "m4a", "aac", "flac", "ogg", "oga", "opus", "wma", "aif", "aiff",
];

pub fn has_media_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .map(|e| MEDIA_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        .unwrap_or(false)
}

pub(crate) fn file_uri(path: &Path) -> Result<String, MediaError> {
    let absolute = std::path::absolute(path).map_err(|source| MediaError::Unreadable {
        path: path.display().to_string(),
        source,
    })?;
    url::Url::from_file_path(&absolute)
        .map(|u| u.to_string())
        .map_err(|()| MediaError::NotFound {
            path: path.display().to_string(),
        })
}
