//! Durable jobs: every long operation is a row in the library's `jobs` table that survives
//! restarts, with progress, ETA, cancel and retry (SPEC §6).
//!
//! - [`store`] owns every status transition ([`JobStatus::can_become`] lists the legal ones).
//! - [`JobQueue`] is the in-process face (enqueue wakes workers, cancel trips tokens at once).
//! - [`worker`] runs jobs under a renewed lease, with per-kind limits, the machine-wide CPU
//!   [`budget`], a project [`lock`] per job, and backoff.
//! - [`kind`] lists the job kinds with their typed payloads and results; [`handlers`] runs them.

pub mod budget;
mod cancel;
mod error;
mod filmstrip_handler;
pub mod handlers;
pub mod kind;
pub mod lock;
mod model;
pub mod owner;
pub mod progress;
mod proxy_handler;
mod queue;
mod speech_handlers;
pub mod store;
mod waveform_handler;
pub mod worker;

pub use cancel::{CancelReason, CancelToken};
pub use error::JobError;
pub use kind::{AnalyzeReport, JobKind, JobOutcome, JobSpec, TranscribeReport};
pub use model::{FailureKind, Job, JobFailure, JobStatus, JobSummary, NewJob};
pub use queue::JobQueue;
pub use store::{Jobs, Pending};
pub use worker::{JobContext, JobHandler, Registry, WorkerConfig, WorkerPool};
