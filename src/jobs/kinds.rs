//! The job kinds of this version: importing footage and verifying sources.

use std::ops::ControlFlow;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::{JobContext, JobFailure, JobHandler, NewJob, Registry};
use crate::import::{import_paths, ImportError};
use crate::library::sources::SourceStatus;
use crate::library::LibraryError;
use crate::verify::{verify_source, VerifyReport};

pub const IMPORT: &str = "import";
pub const VERIFY_SOURCES: &str = "verify_sources";

/// Every kind this build can run.
pub fn registry() -> Registry {
    Registry::default().with(ImportJob).with(VerifySourcesJob)
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ImportPayload {
    pub paths: Vec<PathBuf>,
}

pub fn import_job(project_id: &str, paths: &[PathBuf]) -> NewJob {
    let payload = ImportPayload {
        paths: paths.to_vec(),
    };
    NewJob::new(IMPORT, Some(project_id), serde_json::json!(payload))
}

pub fn verify_job(project_id: &str) -> NewJob {
    NewJob::new(VERIFY_SOURCES, Some(project_id), serde_json::json!({}))
}

fn project_of(ctx: &JobContext<'_>) -> Result<String, JobFailure> {
    ctx.job
        .project_id
        .clone()
        .ok_or_else(|| JobFailure::permanent("the job names no project"))
}

fn library_failure(e: LibraryError) -> JobFailure {
    match &e {
        LibraryError::Database(rusqlite::Error::SqliteFailure(f, _))
            if f.code == rusqlite::ErrorCode::DatabaseBusy =>
        {
            JobFailure::retryable(e.to_string())
        }
        _ => JobFailure::permanent(e.to_string()),
    }
}

/// Import files and folders into a project. Resumable: re-importing skips what is already in.
pub struct ImportJob;

impl JobHandler for ImportJob {
    fn kind(&self) -> &'static str {
        IMPORT
    }

    fn locks_project(&self) -> bool {
        true
    }

    fn run(&self, ctx: &JobContext<'_>) -> Result<serde_json::Value, JobFailure> {
        let project_id = project_of(ctx)?;
        let payload: ImportPayload = serde_json::from_value(ctx.job.payload.clone())
            .map_err(|e| JobFailure::permanent(format!("bad import payload: {e}")))?;
        ctx.report(0.0, "listing files");
        let report = import_paths(
            ctx.library,
            &project_id,
            &payload.paths,
            |index, total, path| {
                if ctx.cancel.is_cancelled() {
                    return ControlFlow::Break(());
                }
                let name = path.file_name().map_or_else(
                    || path.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                );
                ctx.report(
                    index as f64 / total.max(1) as f64,
                    &format!("importing {name} ({}/{total})", index + 1),
                );
                ControlFlow::Continue(())
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
        serde_json::to_value(&report).map_err(|e| JobFailure::permanent(e.to_string()))
    }
}

/// Re-fingerprint a project's sources and mark moved or changed files.
pub struct VerifySourcesJob;

impl JobHandler for VerifySourcesJob {
    fn kind(&self) -> &'static str {
        VERIFY_SOURCES
    }

    fn locks_project(&self) -> bool {
        true
    }

    fn run(&self, ctx: &JobContext<'_>) -> Result<serde_json::Value, JobFailure> {
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
                &format!("checking {}", source.file_name),
            );
            match verify_source(ctx.library, source).map_err(library_failure)? {
                SourceStatus::Ok => report.ok += 1,
                SourceStatus::Missing => report.missing.push(source.path.clone()),
                SourceStatus::Changed => report.changed.push(source.path.clone()),
            }
            report.checked += 1;
        }
        ctx.report(1.0, "checked");
        serde_json::to_value(&report).map_err(|e| JobFailure::permanent(e.to_string()))
    }
}
