//! What went wrong in speech work, in words a creator understands, each with what to do.

use crate::media::MediaError;

#[derive(Debug, thiserror::Error)]
pub enum SpeechError {
    #[error(transparent)]
    Media(#[from] MediaError),
    #[error("{file} has no sound to work on")]
    NoAudio { file: String },
    #[error("the voice detector could not run: {detail}")]
    Vad { detail: String },
    #[error("{path} is not a Whisper model: {reason}")]
    NotAModel { path: String, reason: String },
    #[error("the speech model {path} could not be loaded: {detail}")]
    ModelLoad { path: String, detail: String },
    #[error("no speech model is installed")]
    NoModel,
    #[error("there is no installed speech model called {name:?}")]
    UnknownModel { name: String },
    #[error("{language:?} is not a language this model knows")]
    Language { language: String },
    #[error("transcription failed: {detail}")]
    Whisper { detail: String },
    #[error("{text:?} cannot be a download address: {reason}")]
    Address { text: String, reason: String },
    #[error("the download of {name} failed: {detail}")]
    Download { name: String, detail: String },
    #[error(
        "the download of {name} is not the file expected: its SHA-256 is {found}, not {expected}"
    )]
    Checksum {
        name: String,
        expected: String,
        found: String,
    },
    #[error("the download of {name} has {found} bytes, not the {expected} expected")]
    Size {
        name: String,
        expected: u64,
        found: u64,
    },
    #[error("could not write {path}: {source}")]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("could not read {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Library(#[from] crate::library::LibraryError),
    #[error("stopped: the job was cancelled")]
    Cancelled,
}

impl SpeechError {
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Self::Media(e) => e.hint(),
            Self::NoAudio { .. } => Some("choose a file with a sound track"),
            Self::Vad { .. } => Some("reinstall Edit Factory: its voice detector model is damaged"),
            Self::NotAModel { .. } | Self::ModelLoad { .. } => Some(
                "pick a ggml Whisper model file (ggml-base.bin, ggml-small.en.bin …), or download one in Settings › Models",
            ),
            Self::NoModel | Self::UnknownModel { .. } => Some(
                "install a model: `edit-factory model download base.en`, `edit-factory model import FILE`, or Settings › Models",
            ),
            Self::Language { .. } => Some(
                "use a two-letter code such as en, fr or de, or auto; English-only models (.en) know only en",
            ),
            Self::Whisper { .. } => Some("try again; if it keeps failing, try another model"),
            Self::Address { .. } => Some(
                "give the https:// address of a folder holding ggml-….bin files (a mirror of whisper.cpp's models), or go back to the default",
            ),
            Self::Download { .. } => Some(
                "check the connection and the address, then download again: it resumes where it stopped",
            ),
            Self::Checksum { .. } | Self::Size { .. } => Some(
                "the partial file was removed; check the address and checksum, then download again",
            ),
            Self::Write { .. } => Some("free some space or choose a writable folder"),
            Self::Read { .. } => Some("check the path and the file's permissions"),
            Self::Library(e) => e.hint(),
            Self::Cancelled => None,
        }
    }

    /// Errors from the decode chain stay media errors, but a cancel is the same cancel.
    pub(crate) fn from_media(e: MediaError) -> Self {
        match e {
            MediaError::Cancelled => Self::Cancelled,
            other => Self::Media(other),
        }
    }
}
