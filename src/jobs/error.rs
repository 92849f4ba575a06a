use super::JobStatus;
use crate::library::LibraryError;

#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("job {id} cannot go from {from} to {to}")]
    IllegalTransition {
        id: String,
        from: JobStatus,
        to: JobStatus,
    },
    #[error("no job with id {id}")]
    NotFound { id: String },
    #[error("job {id} is no longer held by this process (its lease expired or it was recovered)")]
    LostLease { id: String },
    #[error("no handler for job kind {kind:?}; this version of Edit Factory cannot run it")]
    UnknownKind { kind: String },
    #[error("a job's data could not be stored: {detail}")]
    Payload { detail: String },
    #[error("project {project_id} is busy: another job holds it until {expires_at}")]
    ProjectBusy {
        project_id: String,
        holder: String,
        expires_at: String,
    },
    #[error("the project's jobs did not stop within {waited_s} s, so it was not deleted")]
    JobsStillRunning { waited_s: u64 },
    #[error("could not use the CPU budget directory {dir}: {source}")]
    Budget { dir: String, source: std::io::Error },
    #[error(transparent)]
    Library(#[from] LibraryError),
    #[error("job store error: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("could not start a worker thread: {0}")]
    Thread(std::io::Error),
}

impl JobError {
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Self::IllegalTransition { .. } => {
                Some("see the job's current state with `edit-factory jobs list`")
            }
            Self::NotFound { .. } => Some("list jobs with `edit-factory jobs list`"),
            Self::ProjectBusy { .. } => Some(
                "another window or process is working on this project; try again when it finishes",
            ),
            Self::JobsStillRunning { .. } => Some(
                "a job of this project is still stopping (maybe in another process); try again in a moment",
            ),
            Self::UnknownKind { .. } => Some("a newer version of Edit Factory can run this job"),
            Self::Budget { .. } => Some("check that your cache directory is writable"),
            Self::Library(e) => e.hint(),
            _ => None,
        }
    }

    /// Worth trying again in a moment (another process holds the write lock).
    pub fn is_busy(&self) -> bool {
        match self {
            Self::Library(e) => e.is_busy(),
            Self::Database(rusqlite::Error::SqliteFailure(e, _)) => matches!(
                e.code,
                rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
            ),
            _ => false,
        }
    }
}
