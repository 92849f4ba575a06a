//! Durable jobs: every long operation is a row in the library's `jobs` table that survives
//! restarts, with progress, ETA, cancel and retry (SPEC §6).
//!
//! - [`store`] owns every status transition ([`JobStatus::can_become`] lists the legal ones).
//! - [`worker`] runs jobs under a renewed lease, with per-kind limits and backoff.
//! - [`lock`] is the cross-process project lock; [`output`] writes files atomically.
//! - [`kinds`] are the job kinds of this version.

mod cancel;
mod error;
pub mod kinds;
pub mod lock;
mod model;
pub mod output;
pub mod owner;
pub mod progress;
pub mod store;
pub mod worker;

pub use cancel::CancelToken;
pub use error::JobError;
pub use model::{FailureKind, Job, JobFailure, JobStatus, NewJob};
pub use store::{Jobs, Pending};
pub use worker::{JobContext, JobHandler, Registry, WorkerConfig, WorkerPool};
