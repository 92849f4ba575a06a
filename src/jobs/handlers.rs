//! The handlers of this version's job kinds: importing footage and verifying sources.

use std::ops::ControlFlow;

use super::kind::{JobKind, JobOutcome, JobSpec};
use super::{JobContext, JobFailure, JobHandler, Registry};
use crate::import::{import_paths, ImportError};
use crate::library::sources::SourceStatus;
use crate::library::LibraryError;
use crate::verify::{verify_source, VerifyReport};

/// Every kind this build can run.
pub fn registry() -> Registry {
    Registry::default().with(ImportJob).with(VerifySourcesJob)
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
        ctx.report(1.0, "imported");
        Ok(JobOutcome::Import(report))
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
