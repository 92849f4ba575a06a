//! The speech options of `short`: find the speech of the sources the variants use (and transcribe
//! it for captions) as jobs, then turn it into timeline edits — jump cuts where silences are
//! removed, muting or ducking of the footage's voices, captions — and save each variant.

use std::collections::HashMap;

use edit_factory::captions::CuePreset;
use edit_factory::jobs::{JobQueue, JobSpec, JobStatus, NewJob};
use edit_factory::library::clips::Clip;
use edit_factory::speech::apply::{self, SpansBySource, WordsBySource};
use edit_factory::speech::cache;
use edit_factory::speech::silence::SilenceSettings;
use edit_factory::text::printable;
use edit_factory::timeline::AudioMode;
use edit_factory::user_error::UserError;

/// What was asked for.
#[derive(Debug, Clone, Copy)]
pub struct SpeechOptions {
    pub captions: bool,
    pub voice: Option<AudioMode>,
    pub remove_silence: bool,
}

impl SpeechOptions {
    pub fn any(&self) -> bool {
        self.captions || self.voice.is_some() || self.remove_silence
    }
}

/// Before anything is made: captions need an installed model.
pub fn check(options: &SpeechOptions) -> Result<Option<String>, UserError> {
    if !options.captions {
        return Ok(None);
    }
    let store = super::speech::model_store()?;
    Ok(Some(store.preferred()?.0.name))
}

/// Find (and transcribe) the speech of every source `clips` use, then edit and save each clip.
/// Returns notes for the user.
pub fn apply_to(
    queue: &JobQueue,
    project_id: &str,
    clips: &mut [Clip],
    options: &SpeechOptions,
    model: Option<&str>,
    show_bars: bool,
) -> Result<Vec<String>, UserError> {
    let library = queue.library();
    let mut source_ids: Vec<String> = clips
        .iter()
        .flat_map(|c| c.timeline.items.iter().map(|i| i.source_id.clone()))
        .collect();
    source_ids.sort();
    source_ids.dedup();

    let mut ids = Vec::new();
    for source_id in &source_ids {
        let spec = match model {
            Some(model) => JobSpec::Transcribe {
                source_id: source_id.clone(),
                model: Some(model.to_owned()),
                language: None,
            },
            None => JobSpec::Voice {
                source_id: source_id.clone(),
            },
        };
        ids.push(queue.enqueue(&NewJob::new(spec, Some(project_id)))?.id);
    }
    let ended = super::jobs::run_foreground(queue, &ids, show_bars)?;
    let mut notes = Vec::new();
    for job in &ended {
        if job.status != JobStatus::Succeeded {
            notes.push(format!(
                "speech of a source could not be used: {}",
                printable(job.error_message.as_deref().unwrap_or("no detail"))
            ));
        }
    }

    let mut speech = SpansBySource::new();
    let mut words = WordsBySource::new();
    let mut durations = HashMap::new();
    for source_id in &source_ids {
        let source = library.source(source_id)?;
        durations.insert(source_id.clone(), source.duration_s);
        if let Some((spans, _)) = cache::voice(library, &source.content_hash)? {
            speech.insert(source_id.clone(), spans);
        }
        if let Some(model) = model {
            if let Some(transcript) = cache::transcript(library, &source.content_hash, model, None)?
            {
                words.insert(source_id.clone(), transcript.words);
            }
        }
    }

    for clip in clips.iter_mut() {
        let mut timeline = clip.timeline.clone();
        if options.remove_silence {
            let removal = apply::remove_silences(
                &mut timeline,
                &speech,
                &durations,
                &SilenceSettings::FOOTAGE,
            );
            if removal.removed_s > 0.0 {
                notes.push(format!(
                    "variant {}: {:.1} s of silence removed ({:.1} s → {:.1} s)",
                    clip.variant_index, removal.removed_s, removal.original_s, removal.new_s
                ));
            }
        }
        if let Some(mode) = options.voice {
            apply::voice_plan(&mut timeline, mode, &speech);
        }
        if options.captions {
            apply::captions(&mut timeline, &words, CuePreset::Shorts);
            if timeline
                .captions
                .as_ref()
                .is_some_and(|c| c.cues.is_empty())
            {
                notes.push(format!(
                    "variant {}: no speech was heard in it, so it has no captions",
                    clip.variant_index
                ));
                timeline.captions = None;
            }
        }
        *clip = library.set_clip_timeline(&clip.id, &timeline)?;
    }
    Ok(notes)
}
