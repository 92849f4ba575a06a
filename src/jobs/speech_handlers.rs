//! The speech jobs: finding a source's speech, and transcribing it. Both read the library's cache
//! first and store what they find there.

use std::sync::Arc;

use super::kind::{JobKind, JobOutcome, JobSpec, TranscribeReport};
use super::{JobContext, JobFailure, JobHandler};
use crate::speech::models::{DownloadRequest, ModelStore};
use crate::speech::source;
use crate::speech::SpeechError;

fn failure(e: SpeechError) -> JobFailure {
    match e {
        SpeechError::Cancelled => JobFailure::Cancelled,
        SpeechError::Media(crate::media::MediaError::Cancelled) => JobFailure::Cancelled,
        SpeechError::Library(e) if e.is_busy() => JobFailure::retryable(e.to_string()),
        other => JobFailure::permanent(match other.hint() {
            Some(hint) => format!("{other} ({hint})"),
            None => other.to_string(),
        }),
    }
}

/// Run `work` with a progress callback it can own (the speech API shares it with whisper.cpp's
/// callbacks, so it must not borrow): fractions go through a channel to a thread that reports them
/// as `step` on the job.
fn with_progress<T>(
    ctx: &JobContext<'_>,
    step: &str,
    work: impl FnOnce(crate::speech::file::Progress) -> T,
) -> T {
    let (sender, receiver) = std::sync::mpsc::channel::<f64>();
    let sender = std::sync::Mutex::new(sender);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            while let Ok(f) = receiver.recv() {
                ctx.report(f.min(0.99), step);
            }
        });
        work(Arc::new(move |f| {
            if let Ok(sender) = sender.lock() {
                let _ = sender.send(f);
            }
        }))
    })
}

/// Find where a source's speech is.
pub struct VoiceJob;

impl JobHandler for VoiceJob {
    fn kind(&self) -> JobKind {
        JobKind::Voice
    }

    fn fans_out(&self) -> bool {
        true
    }

    fn run(&self, ctx: &JobContext<'_>) -> Result<JobOutcome, JobFailure> {
        let JobSpec::Voice { source_id } = &ctx.job.spec else {
            return Err(JobFailure::permanent("not a voice job"));
        };
        let source = ctx
            .library
            .source(source_id)
            .map_err(|e| JobFailure::permanent(e.to_string()))?;
        let name = crate::text::printable(&source.file_name);
        let found = with_progress(ctx, &format!("finding speech in {name}"), |progress| {
            source::voice(ctx.library, &source, ctx.cancel, progress)
        })
        .map_err(failure)?;
        ctx.report(1.0, &format!("found speech in {name}"));
        Ok(JobOutcome::Voice(found))
    }
}

/// Transcribe a source.
pub struct TranscribeJob;

impl JobHandler for TranscribeJob {
    fn kind(&self) -> JobKind {
        JobKind::Transcribe
    }

    /// Whisper runs on as many threads as it holds slots; two keep a laptop's cores busy without
    /// oversubscribing them (SPEC §4.3).
    fn cpu_slots(&self) -> usize {
        2
    }

    fn run(&self, ctx: &JobContext<'_>) -> Result<JobOutcome, JobFailure> {
        let JobSpec::Transcribe {
            source_id,
            model,
            language,
        } = &ctx.job.spec
        else {
            return Err(JobFailure::permanent("not a transcription job"));
        };
        let source = ctx
            .library
            .source(source_id)
            .map_err(|e| JobFailure::permanent(e.to_string()))?;
        let models = ModelStore::new(
            &crate::app_dirs::models_dir().map_err(|e| JobFailure::permanent(e.to_string()))?,
        );
        let name = crate::text::printable(&source.file_name);
        let ask = source::Ask {
            model: model.as_deref(),
            language: language.as_deref(),
            threads: ctx.threads(),
        };
        let found = with_progress(ctx, &format!("transcribing {name}"), |progress| {
            source::transcript(ctx.library, &models, &source, &ask, ctx.cancel, progress)
        })
        .map_err(failure)?;
        ctx.report(1.0, &format!("transcribed {name}"));
        Ok(JobOutcome::Transcribe(TranscribeReport {
            source_id: found.source_id,
            model: found.model,
            language: found.transcript.language.clone(),
            words: found.transcript.words.len() as u32,
            cached: found.cached,
        }))
    }
}

/// Download a speech model into the models folder (resuming a partial download).
pub struct DownloadModelJob;

impl JobHandler for DownloadModelJob {
    fn kind(&self) -> JobKind {
        JobKind::DownloadModel
    }

    /// Network work, not CPU work.
    fn cpu_slots(&self) -> usize {
        0
    }

    fn run(&self, ctx: &JobContext<'_>) -> Result<JobOutcome, JobFailure> {
        let JobSpec::DownloadModel { name, url, sha256 } = &ctx.job.spec else {
            return Err(JobFailure::permanent("not a model download"));
        };
        let models = ModelStore::new(
            &crate::app_dirs::models_dir().map_err(|e| JobFailure::permanent(e.to_string()))?,
        );
        let base = ctx
            .library
            .setting(crate::library::settings::MODELS_BASE_URL)
            .map_err(|e| JobFailure::permanent(e.to_string()))?;
        let mut request = DownloadRequest::catalogue(name, base.as_deref());
        if let Some(url) = url {
            request.url = url.clone();
        }
        request.sha256 = sha256.clone();
        let step = format!("downloading {}", crate::text::printable(name));
        let installed = models
            .download(&request, ctx.cancel, |done, total| {
                if let Some(total) = total.filter(|t| *t > 0) {
                    ctx.report((done as f64 / total as f64).min(0.99), &step);
                }
            })
            .map_err(|e| match e {
                // A broken connection is worth another try: the download resumes.
                SpeechError::Download { .. } => JobFailure::retryable(e.to_string()),
                other => failure(other),
            })?;
        ctx.report(1.0, &format!("installed {}", crate::text::printable(name)));
        Ok(JobOutcome::DownloadModel(installed))
    }
}
