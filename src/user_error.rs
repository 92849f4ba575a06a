//! The one shape every error takes when it reaches a person (CLI line, UI message): what went
//! wrong and, when we know, what to do about it. The detail stays in the log.

use serde::Serialize;
use ts_rs::TS;

use crate::analysis::variants::VariantsError;
use crate::analysis::{AnalysisError, CachedAnalysisError};
use crate::app_dirs::NoHomeDir;
use crate::captions::files::CaptionFileError;
use crate::import::ImportError;
use crate::jobs::JobError;
use crate::library::LibraryError;
use crate::logging::LoggingError;
use crate::media::MediaError;
use crate::media_server::MediaServerError;
use crate::render::RenderError;
use crate::speech::SpeechError;
use crate::timeline::edit::ItemEditError;

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct UserError {
    pub message: String,
    pub hint: Option<String>,
}

impl UserError {
    pub fn new(message: impl Into<String>, hint: Option<&str>) -> Self {
        Self {
            message: message.into(),
            hint: hint.map(str::to_owned),
        }
    }
}

impl std::fmt::Display for UserError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UserError {}

macro_rules! user_error_from {
    ($($error:ty => $hint:expr),* $(,)?) => {$(
        impl From<$error> for UserError {
            fn from(e: $error) -> Self {
                let hint: Option<&'static str> = $hint(&e);
                Self::new(e.to_string(), hint)
            }
        }
    )*};
}

user_error_from! {
    LibraryError => LibraryError::hint,
    AnalysisError => AnalysisError::hint,
    CachedAnalysisError => CachedAnalysisError::hint,
    VariantsError => VariantsError::hint,
    RenderError => RenderError::hint,
    SpeechError => SpeechError::hint,
    CaptionFileError => CaptionFileError::hint,
    MediaError => MediaError::hint,
    ImportError => ImportError::hint,
    JobError => JobError::hint,
    ItemEditError => ItemEditError::hint,
    NoHomeDir => |_: &NoHomeDir| None,
    LoggingError => |_: &LoggingError| Some("check that the log directory is writable"),
    MediaServerError => |_: &MediaServerError| Some("another program may be blocking loopback ports; restart the app"),
}
