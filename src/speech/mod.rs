//! Speech, all of it offline: the sound of a file as 16 kHz mono ([`audio`]), voice activity with
//! Silero ([`vad`]), transcription with word times by Whisper ([`transcribe`]), the speech models
//! on this machine ([`models`]), and what to keep when silences are cut ([`silence`]).

pub mod apply;
pub mod audio;
pub mod cache;
pub mod clip;
mod error;
pub mod file;
pub mod ggml;
pub mod models;
pub mod silence;
pub mod source;
pub mod transcribe;
pub mod vad;

pub use audio::SpeechAudio;
pub use error::SpeechError;
pub use transcribe::{TranscribeSettings, TranscribedWord, Transcriber, Transcript};
pub use vad::{SpeechSpan, Vad, VadSettings};
