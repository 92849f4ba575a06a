/// What went wrong with a media file, in words a creator understands; `detail` keeps the
/// GStreamer text for the log.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("GStreamer could not start: {detail}")]
    Init { detail: String },
    #[error("{path}: file not found")]
    NotFound { path: String },
    #[error("{path}: not a regular file")]
    NotAFile { path: String },
    #[error("{path}: cannot be read: {source}")]
    Unreadable {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: the file is empty (0 bytes)")]
    Empty { path: String },
    #[error("{path}: not a video or audio file Edit Factory can read ({detail})")]
    Unsupported { path: String, detail: String },
    #[error("{path}: needs a decoder that is not installed ({detail})")]
    MissingPlugin { path: String, detail: String },
    #[error("{path}: the file is damaged or incomplete and cannot be decoded ({detail})")]
    Corrupt { path: String, detail: String },
    #[error("{path}: reading the file took too long ({what})")]
    Timeout { path: String, what: &'static str },
    #[error("{path}: could not make a thumbnail ({detail})")]
    Thumbnail { path: String, detail: String },
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
            Self::NotFound { .. } | Self::NotAFile { .. } | Self::Unreadable { .. } => {
                Some("check the path and the file's permissions")
            }
            Self::Timeout { .. } => Some("the file may be on a slow or disconnected drive; copy it locally"),
            Self::Thumbnail { .. } => None,
        }
    }
}
