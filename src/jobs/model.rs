//! What a job is: its states, its record, and how a job's work can fail.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::kind::{JobKind, JobOutcome, JobSpec};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

impl JobStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "queued" => Self::Queued,
            "running" => Self::Running,
            "succeeded" => Self::Succeeded,
            "failed" => Self::Failed,
            "cancelled" => Self::Cancelled,
            _ => return None,
        })
    }

    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Succeeded | Self::Failed | Self::Cancelled)
    }

    /// The only legal moves (SPEC §6). Everything else is refused.
    pub fn can_become(self, next: Self) -> bool {
        use JobStatus::*;
        matches!(
            (self, next),
            (Queued, Running)
                | (Queued, Cancelled)
                | (Running, Succeeded)
                | (Running, Failed)
                | (Running, Cancelled)
                // retry after a retryable failure, a deferral, or crash recovery
                | (Running, Queued)
                // a user's retry
                | (Failed, Queued)
                | (Cancelled, Queued)
        )
    }
}

impl std::fmt::Display for JobStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A job as stored in the library.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Job {
    pub id: String,
    pub spec: JobSpec,
    pub project_id: Option<String>,
    pub status: JobStatus,
    pub attempts: u32,
    pub max_attempts: u32,
    /// 0 to 1.
    pub progress: f64,
    /// What the job is doing now, in words.
    pub step: String,
    pub eta_s: Option<f64>,
    pub error_kind: Option<FailureKind>,
    pub error_message: Option<String>,
    pub result: Option<JobOutcome>,
    pub cancel_requested: bool,
    /// A retry waits until then.
    pub not_before: Option<String>,
    pub lease_owner: Option<String>,
    pub created_at: String,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    pub updated_at: String,
}

impl Job {
    pub fn kind(&self) -> JobKind {
        self.spec.kind()
    }

    pub fn summary(&self) -> JobSummary {
        JobSummary {
            id: self.id.clone(),
            kind: self.kind(),
            project_id: self.project_id.clone(),
            subject_id: match &self.spec {
                JobSpec::Analyze { source_id } => Some(source_id.clone()),
                JobSpec::Export { clip_id, .. } => Some(clip_id.clone()),
                JobSpec::Voice { source_id }
                | JobSpec::Transcribe { source_id, .. }
                | JobSpec::Proxy { source_id }
                | JobSpec::Filmstrip { source_id }
                | JobSpec::Waveform { source_id, .. } => Some(source_id.clone()),
                JobSpec::DownloadModel { name, .. } => Some(name.clone()),
                _ => None,
            },
            status: self.status,
            attempts: self.attempts,
            max_attempts: self.max_attempts,
            progress: self.progress,
            step: self.step.clone(),
            eta_s: self.eta_s,
            error_kind: self.error_kind,
            error_message: self.error_message.clone(),
            cancel_requested: self.cancel_requested,
            created_at: self.created_at.clone(),
            finished_at: self.finished_at.clone(),
            updated_at: self.updated_at.clone(),
        }
    }
}

/// What lists and progress events carry: a job's state without its payload and result (an import
/// of a thousand files does not travel with every progress tick). [`Job`] has the rest.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct JobSummary {
    pub id: String,
    pub kind: JobKind,
    pub project_id: Option<String>,
    /// What the job works on besides its project (the source an analysis reads).
    pub subject_id: Option<String>,
    pub status: JobStatus,
    pub attempts: u32,
    pub max_attempts: u32,
    pub progress: f64,
    pub step: String,
    pub eta_s: Option<f64>,
    pub error_kind: Option<FailureKind>,
    pub error_message: Option<String>,
    pub cancel_requested: bool,
    pub created_at: String,
    pub finished_at: Option<String>,
    pub updated_at: String,
}

/// How a job's work failed, which decides what happens next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// Worth another attempt after a pause (a busy resource, a network hiccup).
    Retryable,
    /// Will fail again the same way (bad input, missing file); not retried.
    Permanent,
    /// The process running it stopped (crash, kill, power loss) and it cannot resume.
    Interrupted,
}

impl FailureKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Retryable => "retryable",
            Self::Permanent => "permanent",
            Self::Interrupted => "interrupted",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "retryable" => Self::Retryable,
            "permanent" => Self::Permanent,
            "interrupted" => Self::Interrupted,
            _ => return None,
        })
    }
}

/// What a job handler returns when its work does not succeed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum JobFailure {
    #[error("{message}")]
    Failed { kind: FailureKind, message: String },
    /// The job saw its cancel token and stopped.
    #[error("cancelled")]
    Cancelled,
}

impl JobFailure {
    pub fn retryable(message: impl Into<String>) -> Self {
        Self::Failed {
            kind: FailureKind::Retryable,
            message: message.into(),
        }
    }

    pub fn permanent(message: impl Into<String>) -> Self {
        Self::Failed {
            kind: FailureKind::Permanent,
            message: message.into(),
        }
    }
}

/// A media pipeline's failure as a job's: a cancel stays a cancel; anything else will not go
/// better on another attempt, and says what to do where the error knows.
impl From<crate::media::MediaError> for JobFailure {
    fn from(e: crate::media::MediaError) -> Self {
        match e {
            crate::media::MediaError::Cancelled => Self::Cancelled,
            other => Self::permanent(match other.hint() {
                Some(hint) => format!("{other} ({hint})"),
                None => other.to_string(),
            }),
        }
    }
}

/// A job to add to the queue.
#[derive(Debug, Clone)]
pub struct NewJob {
    pub spec: JobSpec,
    pub project_id: Option<String>,
    pub max_attempts: u32,
}

impl NewJob {
    pub fn new(spec: JobSpec, project_id: Option<&str>) -> Self {
        Self {
            spec,
            project_id: project_id.map(str::to_owned),
            max_attempts: 3,
        }
    }

    pub fn import(project_id: &str, paths: &[std::path::PathBuf]) -> Self {
        Self::new(
            JobSpec::Import {
                paths: paths.to_vec(),
            },
            Some(project_id),
        )
    }

    pub fn verify_sources(project_id: &str) -> Self {
        Self::new(JobSpec::VerifySources {}, Some(project_id))
    }

    /// Analyse a source (of `project_id`, when one asked for it).
    pub fn analyze(source_id: &str, project_id: Option<&str>) -> Self {
        Self::new(
            JobSpec::Analyze {
                source_id: source_id.to_owned(),
            },
            project_id,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::JobStatus::{self, *};

    #[test]
    fn terminal_success_never_moves() {
        for next in [Queued, Running, Failed, Cancelled, Succeeded] {
            assert!(!Succeeded.can_become(next));
        }
    }

    #[test]
    fn only_listed_moves_are_legal() {
        let all = [Queued, Running, Succeeded, Failed, Cancelled];
        let legal: Vec<(JobStatus, JobStatus)> = all
            .iter()
            .flat_map(|&a| all.iter().map(move |&b| (a, b)))
            .filter(|&(a, b)| a.can_become(b))
            .collect();
        assert_eq!(legal.len(), 8);
        assert!(!Queued.can_become(Succeeded));
        assert!(!Failed.can_become(Running));
        assert!(!Cancelled.can_become(Running));
    }
}
