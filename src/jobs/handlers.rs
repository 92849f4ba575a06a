//! The handlers of this version's job kinds: importing footage and verifying sources.

use std::ops::ControlFlow;

use super::kind::{AnalyzeReport, JobKind, JobOutcome, JobSpec};
use super::{JobContext, JobFailure, JobHandler, Registry};
use crate::analysis::{analyze_cached, cache};
use crate::import::ImportReport;
use crate::import::{import_paths, ImportError};
use crate::library::settings::ANALYZE_AFTER_IMPORT;
use crate::library::sources::SourceStatus;
use crate::library::LibraryError;
use crate::verify::{verify_source, VerifyReport};

/// Every kind this build can run.
pub fn registry() -> Registry {
    Registry::default()
        .with(ImportJob)
        .with(VerifySourcesJob)
        .with(AnalyzeJob)
        .with(ExportJob)
        .with(super::speech_handlers::VoiceJob)
        .with(super::speech_handlers::TranscribeJob)
        .with(super::speech_handlers::DownloadModelJob)
        .with(super::proxy_handler::ProxyJob)
        .with(super::filmstrip_handler::FilmstripJob)
        .with(super::waveform_handler::WaveformJob)
}

fn project_of(ctx: &JobContext<'_>) -> Result<String, JobFailure> {
    ctx.job
        .project_id
        .clone()
        .ok_or_else(|| JobFailure::permanent("the job names no project"))
}

fn library_failure(e: LibraryError) -> JobFailure {
    if e.is_busy() {
        JobFailure::retryable(e.to_string())
    } else {
        JobFailure::permanent(e.to_string())
    }
}

/// Import files and folders into a project. Resumable: re-importing skips what is already in.
pub struct ImportJob;

impl JobHandler for ImportJob {
    fn kind(&self) -> JobKind {
        JobKind::Import
    }

    fn locks_project(&self) -> bool {
        true
    }

    fn run(&self, ctx: &JobContext<'_>) -> Result<JobOutcome, JobFailure> {
        let project_id = project_of(ctx)?;
        let JobSpec::Import { paths } = &ctx.job.spec else {
            return Err(JobFailure::permanent("not an import job"));
        };
        ctx.report(0.0, "listing files");
        let report = import_paths(
            ctx.library,
            &project_id,
            paths,
            ctx.cancel,
            |index, total, path| {
                let name = path.file_name().map_or_else(
                    || crate::text::printable_path(path),
                    |n| crate::text::printable(&n.to_string_lossy()),
                );
                ctx.report(
                    index as f64 / total.max(1) as f64,
                    &format!("importing {name} ({}/{total})", index + 1),
                );
                if ctx.cancel.is_cancelled() {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            },
        )
        .map_err(|e| match e {
            ImportError::Library(e) => library_failure(e),
            other => JobFailure::permanent(other.to_string()),
        })?;
        if report.stopped {
            return Err(JobFailure::Cancelled);
        }
        queue_analyses(ctx, &project_id, &report).map_err(library_failure)?;
        ctx.report(1.0, "imported");
        Ok(JobOutcome::Import(report))
    }
}

/// Queue an analysis of every imported source not analysed yet (unless the setting is off).
fn queue_analyses(
    ctx: &JobContext<'_>,
    project_id: &str,
    report: &ImportReport,
) -> Result<(), LibraryError> {
    if !ctx.library.flag(ANALYZE_AFTER_IMPORT, true)? {
        return Ok(());
    }
    for imported in &report.imported {
        let source = &imported.source;
        if cache::has(ctx.library, &source.content_hash)? {
            continue;
        }
        match ctx.queue.enqueue_analysis(&source.id, Some(project_id)) {
            Ok(job) => ctx.announce(&job),
            Err(e) => tracing::warn!(source = %source.id, "could not queue its analysis: {e}"),
        }
    }
    Ok(())
}

/// Analyse one source (or find its analysis in the cache).
pub struct AnalyzeJob;

impl JobHandler for AnalyzeJob {
    fn kind(&self) -> JobKind {
        JobKind::Analyze
    }

    fn fans_out(&self) -> bool {
        true
    }

    fn run(&self, ctx: &JobContext<'_>) -> Result<JobOutcome, JobFailure> {
        let JobSpec::Analyze { source_id } = &ctx.job.spec else {
            return Err(JobFailure::permanent("not an analysis job"));
        };
        let source = ctx.library.source(source_id).map_err(library_failure)?;
        let path = std::path::Path::new(&source.path);
        let name = crate::text::printable(&source.file_name);
        ctx.report(0.0, &format!("analysing {name}"));
        let analysed = analyze_cached(Some(ctx.library), path, ctx.cancel, |done| {
            ctx.report(done * 0.99, &format!("analysing {name}"));
        })
        .map_err(|e| {
            if e.is_cancelled() {
                JobFailure::Cancelled
            } else {
                JobFailure::permanent(e.to_string())
            }
        })?;
        if analysed.content_hash != source.content_hash {
            // Analysed all the same (cached by its new content); the source needs re-importing.
            tracing::warn!(source = %source.id, "the file changed since it was imported");
        }
        ctx.report(1.0, &format!("analysed {name}"));
        Ok(JobOutcome::Analyze(AnalyzeReport {
            source_id: source.id,
            cached: analysed.cached,
            duration_s: analysed.analysis.duration_s,
            scene_cuts: analysed.analysis.scene_cuts_s.len() as u32,
            integrated_lufs: analysed.analysis.integrated_lufs,
        }))
    }
}

/// Re-fingerprint a project's sources and mark moved or changed files.
pub struct VerifySourcesJob;

impl JobHandler for VerifySourcesJob {
    fn kind(&self) -> JobKind {
        JobKind::VerifySources
    }

    fn locks_project(&self) -> bool {
        true
    }

    /// Reading a megabyte per file is disk work, not CPU work.
    fn cpu_slots(&self) -> usize {
        0
    }

    fn run(&self, ctx: &JobContext<'_>) -> Result<JobOutcome, JobFailure> {
        let project_id = project_of(ctx)?;
        let sources = ctx
            .library
            .project_sources(&project_id)
            .map_err(library_failure)?;
        let mut report = VerifyReport::default();
        let total = sources.len();
        for (index, source) in sources.iter().enumerate() {
            ctx.check_cancelled()?;
            ctx.report(
                index as f64 / total.max(1) as f64,
                &format!("checking {}", crate::text::printable(&source.file_name)),
            );
            match verify_source(ctx.library, source).map_err(library_failure)? {
                SourceStatus::Ok => report.ok += 1,
                SourceStatus::Missing => report.missing.push(source.path.clone()),
                SourceStatus::Changed => report.changed.push(source.path.clone()),
            }
            report.checked += 1;
        }
        ctx.report(1.0, "checked");
        Ok(JobOutcome::VerifySources(report))
    }
}

/// Render a variant to a checked MP4 and record it.
pub struct ExportJob;

impl JobHandler for ExportJob {
    fn kind(&self) -> JobKind {
        JobKind::Export
    }

    /// x264 keeps two cores busy.
    fn cpu_slots(&self) -> usize {
        2
    }

    fn run(&self, ctx: &JobContext<'_>) -> Result<JobOutcome, JobFailure> {
        let JobSpec::Export {
            clip_id,
            preset,
            out_path,
            encoder,
        } = &ctx.job.spec
        else {
            return Err(JobFailure::permanent("not an export job"));
        };
        let clip = ctx.library.clip(clip_id).map_err(library_failure)?;
        let preset = ctx
            .library
            .preset(preset)
            .map_err(library_failure)?
            .ok_or_else(|| {
                JobFailure::permanent(format!("there is no export preset named {preset:?}"))
            })?;
        let report = crate::render::export(
            ctx.library,
            &clip.timeline,
            &preset,
            encoder.as_deref().unwrap_or(crate::render::encoders::X264),
            std::path::Path::new(out_path),
            ctx.cancel,
            |fraction, step| ctx.report(fraction, step),
        )
        .map_err(|e| match e {
            crate::render::RenderError::Media(crate::media::MediaError::Cancelled) => {
                JobFailure::Cancelled
            }
            other => JobFailure::permanent(other.to_string()),
        })?;
        ctx.library
            .record_export(&clip.id, &report)
            .map_err(library_failure)?;
        Ok(JobOutcome::Export(report))
    }
}
