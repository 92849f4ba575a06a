/// What went wrong with a media file, in words a creator understands. Where GStreamer gave
/// technical detail it is kept in `detail` for the log and never shown as the message.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("GStreamer could not start: {detail}")]
    Init { detail: String },
    #[error("{path}: file not found")]
    NotFound { path: String },
    #[error("{path}: not a regular file ({what})")]
    NotAFile { path: String, what: &'static str },
    #[error("{path}: cannot be read")]
    Unreadable { path: String, detail: String },
    #[error("{path}: could not be written: {reason}")]
    Unwritable {
        path: String,
        reason: &'static str,
        detail: String,
    },
    #[error("{path}: the file is empty (0 bytes)")]
    Empty { path: String },
    #[error("{path}: not a video or audio file Edit Factory can read: {reason}")]
    Unsupported {
        path: String,
        reason: String,
        detail: String,
    },
    #[error("{path}: needs a decoder that is not installed ({what})")]
    MissingPlugin { path: String, what: String },
    #[error("{path}: the file is damaged or incomplete: {reason}")]
    Corrupt {
        path: String,
        reason: String,
        detail: String,
    },
    #[error("{path}: reading the file stopped making progress for {seconds} s ({detail})")]
    Stalled {
        path: String,
        seconds: u64,
        detail: String,
    },
    #[error("{path}: could not make a thumbnail: {reason}")]
    Thumbnail { path: String, reason: String },
    #[error("stopped: the job was cancelled")]
    Cancelled,
    #[error("GStreamer pipeline could not be built: {detail}")]
    Pipeline { detail: String },
}

impl MediaError {
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Self::Init { .. } | Self::Pipeline { .. } => {
                Some("install the GStreamer runtime and plugins (see README), then try again")
            }
            Self::MissingPlugin { .. } => Some(
                "install the GStreamer plugin packages (plugins-good, -bad, -ugly, libav), then import again",
            ),
            Self::Empty { .. } | Self::Corrupt { .. } => {
                Some("re-export or re-copy the file from its original, then import it again")
            }
            Self::Unsupported { .. } => Some("convert the file to MP4 (H.264/AAC) and import that"),
            Self::NotFound { .. } => Some(
                "check the path; if the file was moved, renamed or is on a drive that is not connected, put it back",
            ),
            Self::NotAFile { .. } | Self::Unreadable { .. } => {
                Some("check the path and the file's permissions")
            }
            Self::Stalled { .. } => Some(
                "the file may be on a disconnected drive or damaged; copy it to a local disk and try again",
            ),
            Self::Unwritable { .. } => {
                Some("free some space on that disk, or choose a folder on another one")
            }
            Self::Thumbnail { .. } | Self::Cancelled => None,
        }
    }

    /// The technical detail behind the message, for the log.
    pub fn detail(&self) -> Option<&str> {
        match self {
            Self::Unreadable { detail, .. }
            | Self::Unwritable { detail, .. }
            | Self::Unsupported { detail, .. }
            | Self::Corrupt { detail, .. }
            | Self::Stalled { detail, .. }
            | Self::Pipeline { detail }
            | Self::Init { detail } => Some(detail),
            _ => None,
        }
    }
}
