//! What speech work found, kept in the library per content hash (SPEC §2: footage is read in
//! place and a copy or a moved file is the same content): the voice detector's spans, and
//! transcripts per model and language.

use rusqlite::{params, OptionalExtension};

use super::transcribe::Transcript;
use super::vad::SpeechSpan;
use crate::library::{Library, LibraryError, NOW_SQL};

/// Bumped when the detector or its settings change, so old spans are found anew.
pub const VAD_VERSION: i64 = 1;

/// The voice detector's spans of content `hash` and its duration, if stored.
pub fn voice(
    library: &Library,
    hash: &str,
) -> Result<Option<(Vec<SpeechSpan>, f64)>, LibraryError> {
    library.read(|conn| {
        let row: Option<(String, f64)> = conn
            .query_row(
                "SELECT spans, duration_s FROM voice_activity
                 WHERE content_hash = ?1 AND vad_version = ?2",
                params![hash, VAD_VERSION],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        // A row that no longer reads is found anew rather than trusted.
        Ok(row
            .and_then(|(spans, duration)| serde_json::from_str(&spans).ok().map(|s| (s, duration))))
    })
}

pub fn store_voice(
    library: &Library,
    hash: &str,
    spans: &[SpeechSpan],
    duration_s: f64,
) -> Result<(), LibraryError> {
    let spans = serde_json::to_string(spans).unwrap_or_else(|_| "[]".into());
    library.write(|tx| {
        tx.execute(
            &format!(
                "INSERT INTO voice_activity (content_hash, vad_version, duration_s, spans, created_at)
                 VALUES (?1, ?2, ?3, ?4, {NOW_SQL})
                 ON CONFLICT (content_hash, vad_version) DO UPDATE SET
                    duration_s = excluded.duration_s, spans = excluded.spans,
                    created_at = excluded.created_at"
            ),
            params![hash, VAD_VERSION, duration_s, spans],
        )?;
        Ok(())
    })
}

fn language_key(language: Option<&str>) -> &str {
    language.unwrap_or("auto")
}

pub fn transcript(
    library: &Library,
    hash: &str,
    model: &str,
    language: Option<&str>,
) -> Result<Option<Transcript>, LibraryError> {
    library.read(|conn| {
        let text: Option<String> = conn
            .query_row(
                "SELECT transcript FROM transcripts
                 WHERE content_hash = ?1 AND model = ?2 AND language = ?3",
                params![hash, model, language_key(language)],
                |r| r.get(0),
            )
            .optional()?;
        Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
    })
}

/// The newest stored transcript of content `hash`, whatever the model.
pub fn any_transcript(library: &Library, hash: &str) -> Result<Option<Transcript>, LibraryError> {
    library.read(|conn| {
        let text: Option<String> = conn
            .query_row(
                "SELECT transcript FROM transcripts WHERE content_hash = ?1
                 ORDER BY created_at DESC LIMIT 1",
                params![hash],
                |r| r.get(0),
            )
            .optional()?;
        Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
    })
}

/// The model of the newest stored transcript of content `hash`.
pub fn transcript_model(library: &Library, hash: &str) -> Result<Option<String>, LibraryError> {
    library.read(|conn| {
        Ok(conn
            .query_row(
                "SELECT model FROM transcripts WHERE content_hash = ?1
                 ORDER BY created_at DESC LIMIT 1",
                params![hash],
                |r| r.get(0),
            )
            .optional()?)
    })
}

pub fn store_transcript(
    library: &Library,
    hash: &str,
    model: &str,
    language: Option<&str>,
    transcript: &Transcript,
) -> Result<(), LibraryError> {
    let text = serde_json::to_string(transcript).unwrap_or_default();
    library.write(|tx| {
        tx.execute(
            &format!(
                "INSERT INTO transcripts (content_hash, model, language, transcript, created_at)
                 VALUES (?1, ?2, ?3, ?4, {NOW_SQL})
                 ON CONFLICT (content_hash, model, language) DO UPDATE SET
                    transcript = excluded.transcript, created_at = excluded.created_at"
            ),
            params![hash, model, language_key(language), text],
        )?;
        Ok(())
    })
}
