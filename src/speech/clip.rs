//! Speech on a variant, as the app works with it: what is known of its sources' speech, captions
//! made from their transcripts, edited, styled, imported and saved as files, and the footage's
//! voices muted, ducked or cut to speech. Every change is saved on the clip's timeline.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;
use ts_rs::TS;

use super::apply::{self, Removal, SpansBySource, WordsBySource};
use super::cache;
use super::silence::SilenceSettings;
use super::vad::SpeechSpan;
use crate::captions::edit::{self, CaptionEdit, CaptionEditError};
use crate::captions::files::{self, CaptionFileError};
use crate::captions::{CaptionStyle, CuePreset};
use crate::library::clips::Clip;
use crate::library::{Library, LibraryError};
use crate::timeline::{AudioMode, Captions};
use crate::user_error::UserError;

/// What is known of the speech of one source a variant uses.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SourceSpeech {
    pub source_id: String,
    pub file_name: String,
    pub has_audio: bool,
    /// Speech spans (source time), when the voice detector has listened to it.
    pub speech: Option<Vec<SpeechSpan>>,
    /// The model a transcript was made with, when there is one.
    pub transcript_model: Option<String>,
}

/// The speech of every source a variant uses.
pub fn sources_of(library: &Library, clip: &Clip) -> Result<Vec<SourceSpeech>, LibraryError> {
    let mut ids: Vec<&str> = clip
        .timeline
        .items
        .iter()
        .map(|i| i.source_id.as_str())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let mut out = Vec::new();
    for id in ids {
        let source = library.source(id)?;
        let transcript_model = cache::transcript_model(library, &source.content_hash)?;
        out.push(SourceSpeech {
            source_id: source.id.clone(),
            file_name: source.file_name.clone(),
            has_audio: source.has_audio,
            speech: cache::voice(library, &source.content_hash)?.map(|(spans, _)| spans),
            transcript_model,
        });
    }
    Ok(out)
}

fn save(
    library: &Library,
    clip: &Clip,
    timeline: &crate::timeline::Timeline,
    label: &str,
) -> Result<Clip, UserError> {
    Ok(library.edit_clip_timeline(&clip.id, timeline, label)?)
}

/// Captions for the variant from its sources' transcripts (the newest of each source, whatever
/// the model). `Err` names the sources still to transcribe when some are missing.
pub fn generate_captions(
    library: &Library,
    clip: &Clip,
    preset: CuePreset,
) -> Result<Result<Clip, Vec<String>>, UserError> {
    // A voice-over is what the viewer follows: its words are the captions.
    if let Some(voiceover) = &clip.timeline.voiceover {
        let source = library.source(&voiceover.asset_id)?;
        let Some(transcript) = cache::any_transcript(library, &source.content_hash)? else {
            return Ok(Err(vec![source.id]));
        };
        let mut timeline = clip.timeline.clone();
        apply::voiceover_captions(&mut timeline, &transcript.words, source.duration_s, preset);
        return Ok(Ok(save(library, clip, &timeline, "Captions")?));
    }
    let mut words = WordsBySource::new();
    let mut missing = Vec::new();
    for source in sources_of(library, clip)? {
        if !source.has_audio {
            continue;
        }
        let hash = library.source(&source.source_id)?.content_hash;
        match cache::any_transcript(library, &hash)? {
            Some(transcript) => {
                words.insert(source.source_id, transcript.words);
            }
            None => missing.push(source.source_id),
        }
    }
    if !missing.is_empty() {
        return Ok(Err(missing));
    }
    let mut timeline = clip.timeline.clone();
    apply::captions(&mut timeline, &words, preset);
    Ok(Ok(save(library, clip, &timeline, "Captions")?))
}

fn edit_error(e: CaptionEditError) -> UserError {
    UserError::new(e.to_string(), None)
}

/// Apply one cue edit.
pub fn edit_captions(
    library: &Library,
    clip: &Clip,
    change: &CaptionEdit,
) -> Result<Clip, UserError> {
    let mut timeline = clip.timeline.clone();
    let captions = timeline.captions.get_or_insert_with(|| Captions {
        cues: Vec::new(),
        style: CaptionStyle::default(),
    });
    edit::apply(&mut captions.cues, change).map_err(edit_error)?;
    save(library, clip, &timeline, "Caption edit")
}

/// Change how the captions look; a style out of range is refused whole.
pub fn style_captions(
    library: &Library,
    clip: &Clip,
    style: &CaptionStyle,
) -> Result<Clip, UserError> {
    let problems = style.problems();
    if !problems.is_empty() {
        return Err(UserError::new(
            problems.join("; "),
            Some("change the style and try again"),
        ));
    }
    let mut timeline = clip.timeline.clone();
    match timeline.captions.as_mut() {
        Some(captions) => captions.style = style.clone(),
        None => {
            timeline.captions = Some(Captions {
                cues: Vec::new(),
                style: style.clone(),
            })
        }
    }
    save(library, clip, &timeline, "Caption style")
}

fn file_error(e: CaptionFileError) -> UserError {
    let hint = e.hint();
    UserError::new(e.to_string(), hint)
}

/// Replace the cues with an SRT or VTT file's (the style stays). A malformed file changes nothing
/// and names its lines.
pub fn import_captions(library: &Library, clip: &Clip, file: &Path) -> Result<Clip, UserError> {
    let cues = files::read(file).map_err(file_error)?;
    let mut timeline = clip.timeline.clone();
    let style = timeline
        .captions
        .take()
        .map(|c| c.style)
        .unwrap_or_default();
    timeline.captions = Some(Captions { cues, style });
    save(library, clip, &timeline, "Import captions")
}

/// Write the captions to `file` in the format its extension names (ASS at the preset's size).
pub fn save_captions(library: &Library, clip: &Clip, file: &Path) -> Result<(), UserError> {
    let captions = clip
        .timeline
        .captions
        .as_ref()
        .filter(|c| !c.cues.is_empty())
        .ok_or_else(|| {
            UserError::new(
                "this variant has no captions yet",
                Some("generate or import captions first"),
            )
        })?;
    let (width, height) = match library.preset(&clip.timeline.preset)? {
        Some(p) => (p.width, p.height),
        None => (1080, 1920),
    };
    files::save(captions, file, width, height).map_err(file_error)
}

/// Speech spans per source, or the sources the voice detector has not listened to yet.
fn speech_of(
    library: &Library,
    clip: &Clip,
) -> Result<Result<SpansBySource, Vec<String>>, UserError> {
    let mut speech = SpansBySource::new();
    let mut missing = Vec::new();
    for source in sources_of(library, clip)? {
        match source.speech {
            Some(spans) => {
                speech.insert(source.source_id, spans);
            }
            None if source.has_audio => missing.push(source.source_id),
            None => {}
        }
    }
    Ok(if missing.is_empty() {
        Ok(speech)
    } else {
        Err(missing)
    })
}

/// Keep, mute or duck the footage's voices. `Err` names the sources to listen to first.
pub fn set_voice(
    library: &Library,
    clip: &Clip,
    mode: AudioMode,
) -> Result<Result<Clip, Vec<String>>, UserError> {
    let speech = match speech_of(library, clip)? {
        Ok(speech) => speech,
        Err(missing) if mode != AudioMode::Keep => return Ok(Err(missing)),
        Err(_) => SpansBySource::new(),
    };
    let mut timeline = clip.timeline.clone();
    if mode == AudioMode::Keep {
        timeline.audio.mode = AudioMode::Keep;
        timeline.audio.spans.clear();
    } else {
        apply::voice_plan(&mut timeline, mode, &speech);
    }
    Ok(Ok(save(library, clip, &timeline, "Voices")?))
}

/// Cut the pauses out of the variant's speech: out of its voice-over when it has one (the captions
/// move with the voice), otherwise out of the footage (jump cuts), re-placing its speech spans and
/// rebuilding its captions from the transcripts so both follow the cut.
pub fn cut_silences(
    library: &Library,
    clip: &Clip,
) -> Result<Result<(Clip, Removal), Vec<String>>, UserError> {
    if let Some(voiceover) = &clip.timeline.voiceover {
        let source = library.source(&voiceover.asset_id)?;
        let Some((spans, _)) = cache::voice(library, &source.content_hash)? else {
            return Ok(Err(vec![source.id]));
        };
        let mut timeline = clip.timeline.clone();
        let removal = apply::shorten_voiceover(
            &mut timeline,
            &spans,
            source.duration_s,
            &SilenceSettings::VOICEOVER,
        )
        .ok_or_else(|| UserError::new("the variant has no voice-over", None))?;
        return Ok(Ok((save(library, clip, &timeline, "Cut pauses")?, removal)));
    }
    let speech = match speech_of(library, clip)? {
        Ok(speech) => speech,
        Err(missing) => return Ok(Err(missing)),
    };
    let mut durations = HashMap::new();
    for item in &clip.timeline.items {
        durations.insert(
            item.source_id.clone(),
            library.source(&item.source_id)?.duration_s,
        );
    }
    let mut timeline = clip.timeline.clone();
    let removal = apply::remove_silences(
        &mut timeline,
        &speech,
        &durations,
        &SilenceSettings::FOOTAGE,
    );
    let mode = timeline.audio.mode;
    if mode != AudioMode::Keep {
        apply::voice_plan(&mut timeline, mode, &speech);
    }
    let saved = save(library, clip, &timeline, "Cut pauses")?;
    // Captions follow the cut when the words are known.
    if saved
        .timeline
        .captions
        .as_ref()
        .is_some_and(|c| !c.cues.is_empty())
    {
        if let Ok(Ok(with_captions)) = generate_captions(library, &saved, CuePreset::Shorts) {
            return Ok(Ok((with_captions, removal)));
        }
    }
    Ok(Ok((saved, removal)))
}

/// Reduce (or stop reducing) steady background noise in the footage's own sound.
pub fn set_denoise(library: &Library, clip: &Clip, on: bool) -> Result<Clip, UserError> {
    let mut timeline = clip.timeline.clone();
    timeline.audio.denoise = on;
    save(library, clip, &timeline, "Noise reduction")
}

/// Lay a voice-over under the variant (a library source with sound, played from `offset`), or
/// take it away. A new voice-over starts whole: pauses cut from another one do not apply to it.
pub fn set_voiceover(
    library: &Library,
    clip: &Clip,
    voiceover: Option<crate::timeline::Voiceover>,
) -> Result<Clip, UserError> {
    let mut voiceover = voiceover;
    if let Some(v) = voiceover.as_mut() {
        let source = library.source(&v.asset_id)?;
        if !source.has_audio {
            return Err(UserError::new(
                format!("{} has no sound", source.file_name),
                Some("choose a recording of the voice-over"),
            ));
        }
        if !(0.0..=10.0).contains(&v.volume) || v.offset < 0 {
            return Err(UserError::new(
                "the voice-over's volume must be 0-10 and it cannot start before the video",
                None,
            ));
        }
        let same = clip
            .timeline
            .voiceover
            .as_ref()
            .is_some_and(|old| old.asset_id == v.asset_id);
        if !same {
            v.removed_silences.clear();
        }
    }
    let mut timeline = clip.timeline.clone();
    timeline.voiceover = voiceover;
    save(library, clip, &timeline, "Voice-over")
}

/// Set (or remove) the variant's background music. The music must be a source of the library with
/// sound; it is ducked under speech when asked and can have its vocals lowered.
pub fn set_music(
    library: &Library,
    clip: &Clip,
    music: Option<crate::timeline::Music>,
) -> Result<Clip, UserError> {
    if let Some(music) = &music {
        let source = library.source(&music.asset_id)?;
        if !source.has_audio {
            return Err(UserError::new(
                format!("{} has no sound", source.file_name),
                Some("choose a file with sound as the music"),
            ));
        }
        if !(0.0..=10.0).contains(&music.volume) {
            return Err(UserError::new("the music's volume must be 0-10", None));
        }
    }
    let mut timeline = clip.timeline.clone();
    timeline.music = music;
    save(library, clip, &timeline, "Music")
}
