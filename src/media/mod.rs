//! Media facts and pictures through GStreamer: probing, content fingerprints, thumbnails, and the
//! one decode chain ([`decode`]) every reader of footage uses.

mod codecs;
pub mod decode;
mod error;
pub mod filmstrip;
pub mod fingerprint;
pub(crate) mod pipeline;
pub mod probe;
pub mod proxy;
mod scan;
pub mod thumbnail;
mod timing;
pub mod waveform;

use std::path::Path;

pub use error::MediaError;
pub use probe::{probe, MediaInfo};

/// Initialise GStreamer and GES once per process (later calls are
/// cheap no-ops).
///
/// All of it happens in the first call, before any pipeline of the process can run: GES loads
/// plugins while it sets itself up, and doing that while another thread's pipeline loads a
/// decoder deadlocked (GLib's type lock against GStreamer's plugin lock, seen when an export
/// started beside a running decode).
pub fn init() -> Result<(), MediaError> {
    static DONE: std::sync::OnceLock<Result<(), String>> = std::sync::OnceLock::new();
    DONE.get_or_init(|| {
        gstreamer::init().map_err(|e| e.to_string())?;
        gstreamer_editing_services::init().map_err(|e| e.to_string())?;
        // Debian's GStreamer lacks the gst-plugins-rs audio effects (RNNoise denoise among them).
        gstrsaudiofx::plugin_register_static().map_err(|e| e.to_string())?;
        Ok(())
    })
    .clone()
    .map_err(|detail| MediaError::Init { detail })
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
        path: crate::text::printable_path(path),
        detail: source.to_string(),
    })?;
    // Percent-encodes the name's bytes, so names that are not UTF-8 reach GStreamer intact.
    url::Url::from_file_path(&absolute)
        .map(|u| u.to_string())
        .map_err(|()| MediaError::NotFound {
            path: crate::text::printable_path(path),
        })
}
