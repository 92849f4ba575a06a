//! Speech work on a library source, read from the library's cache when the same content was
//! listened to before: what the jobs, the `short` command and the app call.

use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::file::{self, Progress};
use super::models::ModelStore;
use super::transcribe::{TranscribeSettings, Transcriber, Transcript};
use super::vad::{SpeechSpan, VadSettings};
use super::{cache, SpeechError};
use crate::jobs::CancelToken;
use crate::library::sources::Source;
use crate::library::Library;

/// A source's speech spans.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Voice {
    pub source_id: String,
    pub spans: Vec<SpeechSpan>,
    pub duration_s: f64,
    pub cached: bool,
}

/// The speech spans of `source` (nothing when it has no sound).
pub fn voice(
    library: &Library,
    source: &Source,
    cancel: &CancelToken,
    progress: Progress,
) -> Result<Voice, SpeechError> {
    if let Some((spans, duration_s)) = cache::voice(library, &source.content_hash)? {
        return Ok(Voice {
            source_id: source.id.clone(),
            spans,
            duration_s,
            cached: true,
        });
    }
    if !source.has_audio {
        return Ok(Voice {
            source_id: source.id.clone(),
            spans: Vec::new(),
            duration_s: source.duration_s,
            cached: false,
        });
    }
    let heard = hear_and_store(library, source, cancel, &progress, 1.0)?;
    let duration_s = heard.audio.duration_s();
    Ok(Voice {
        source_id: source.id.clone(),
        spans: heard.speech,
        duration_s,
        cached: false,
    })
}

/// Decode `source` and find its speech (progress 0 → `share`), keeping the spans in the cache.
fn hear_and_store(
    library: &Library,
    source: &Source,
    cancel: &CancelToken,
    progress: &Progress,
    share: f64,
) -> Result<file::Heard, SpeechError> {
    let heard = file::hear(
        Path::new(&source.path),
        Some(source.duration_s),
        &VadSettings::default(),
        cancel,
        progress,
        share,
    )?;
    cache::store_voice(
        library,
        &source.content_hash,
        &heard.speech,
        heard.audio.duration_s(),
    )?;
    Ok(heard)
}

/// A source's transcript by the installed model `model` (the preferred one when `None`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SourceTranscript {
    pub source_id: String,
    pub model: String,
    pub transcript: Transcript,
    pub cached: bool,
}

/// Which model, which language, how many threads.
#[derive(Debug, Clone, Copy)]
pub struct Ask<'a> {
    pub model: Option<&'a str>,
    pub language: Option<&'a str>,
    pub threads: usize,
}

pub fn transcript(
    library: &Library,
    models: &ModelStore,
    source: &Source,
    ask: &Ask<'_>,
    cancel: &CancelToken,
    progress: Progress,
) -> Result<SourceTranscript, SpeechError> {
    let Ask {
        model,
        language,
        threads,
    } = *ask;
    let (installed, model_path) = match model {
        Some(name) => models.find(name)?,
        None => models.preferred()?,
    };
    if let Some(transcript) =
        cache::transcript(library, &source.content_hash, &installed.name, language)?
    {
        return Ok(SourceTranscript {
            source_id: source.id.clone(),
            model: installed.name,
            transcript,
            cached: true,
        });
    }
    if !source.has_audio {
        return Err(SpeechError::NoAudio {
            file: crate::text::printable(&source.file_name),
        });
    }
    let heard = file::hear(
        Path::new(&source.path),
        Some(source.duration_s),
        &VadSettings::default(),
        cancel,
        &progress,
        0.15,
    )?;
    cache::store_voice(
        library,
        &source.content_hash,
        &heard.speech,
        heard.audio.duration_s(),
    )?;
    let transcriber = Transcriber::load(&model_path)?;
    let settings = TranscribeSettings {
        language: language.map(str::to_owned),
        threads,
    };
    let recognition: Progress = Arc::clone(&progress);
    let transcript = transcriber.transcribe(
        &heard.audio,
        Some(&heard.speech),
        &settings,
        cancel,
        move |f| recognition(0.15 + 0.85 * f),
    )?;
    cache::store_transcript(
        library,
        &source.content_hash,
        &installed.name,
        language,
        &transcript,
    )?;
    Ok(SourceTranscript {
        source_id: source.id.clone(),
        model: installed.name,
        transcript,
        cached: false,
    })
}
