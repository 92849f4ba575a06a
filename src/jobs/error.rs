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
    #[error("project {project_id} is busy: {holder} holds it until {expires_at}")]
    ProjectBusy {
        project_id: String,
        holder: String,
        expires_at: String,
    },
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
            Self::Library(e) => e.hint(),
            _ => None,
        }
    }
}
