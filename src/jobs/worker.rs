//! Workers: claim queued jobs, run them on threads of their own under a renewed lease, and record
//! how they end. Per-kind concurrency limits, cancellation, retry with exponential backoff.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::lock::{ProjectLock, WaitPolicy};
use super::progress::{JobListener, ProgressReporter};
use super::{owner, CancelToken, FailureKind, Job, JobError, JobFailure};
use crate::library::Library;

/// What a job handler sees while it runs.
pub struct JobContext<'a> {
    pub job: &'a Job,
    pub library: &'a Arc<Library>,
    pub cancel: &'a CancelToken,
    pub progress: &'a ProgressReporter,
}

impl JobContext<'_> {
    /// Call between steps: `Err(Cancelled)` once the user asked to cancel.
    pub fn check_cancelled(&self) -> Result<(), JobFailure> {
        if self.cancel.is_cancelled() {
            Err(JobFailure::Cancelled)
        } else {
            Ok(())
        }
    }

    /// Report progress; a failure to record it is logged, never fatal to the work.
    pub fn report(&self, fraction: f64, step: &str) {
        if let Err(e) = self.progress.report(fraction, step) {
            tracing::warn!(job = %self.job.id, "could not record progress: {e}");
            if matches!(e, JobError::LostLease { .. }) {
                self.cancel.cancel();
            }
        }
    }
}

/// One kind of job.
pub trait JobHandler: Send + Sync {
    fn kind(&self) -> &'static str;
    /// Whether a run interrupted by a crash may simply be started again.
    fn resumable(&self) -> bool {
        true
    }
    /// Whether the job holds its project's lock while it runs.
    fn locks_project(&self) -> bool {
        false
    }
    fn run(&self, ctx: &JobContext<'_>) -> Result<serde_json::Value, JobFailure>;
}

/// The job kinds this process can run.
#[derive(Default, Clone)]
pub struct Registry {
    handlers: HashMap<&'static str, Arc<dyn JobHandler>>,
}

impl Registry {
    pub fn with(mut self, handler: impl JobHandler + 'static) -> Self {
        self.handlers.insert(handler.kind(), Arc::new(handler));
        self
    }

    pub fn get(&self, kind: &str) -> Option<Arc<dyn JobHandler>> {
        self.handlers.get(kind).cloned()
    }

    pub fn kinds(&self) -> Vec<&'static str> {
        let mut kinds: Vec<_> = self.handlers.keys().copied().collect();
        kinds.sort_unstable();
        kinds
    }

    pub fn is_resumable(&self, kind: &str) -> bool {
        self.handlers.get(kind).is_some_and(|h| h.resumable())
    }
}

#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// How long a job stays ours without a heartbeat.
    pub lease: Duration,
    pub heartbeat: Duration,
    /// First retry delay; doubled per attempt up to `retry_cap`.
    pub retry_base: Duration,
    pub retry_cap: Duration,
    /// Concurrent jobs per kind; kinds not listed get `default_limit`.
    pub limits: HashMap<String, usize>,
    pub default_limit: usize,
    pub idle_poll: Duration,
}

/// Environment variable with per-kind limits, e.g. `import=2,verify_sources=1`.
pub const LIMITS_ENV: &str = "EDIT_FACTORY_JOB_LIMITS";

impl Default for WorkerConfig {
    fn default() -> Self {
        Self {
            lease: Duration::from_secs(30),
            heartbeat: Duration::from_secs(5),
            retry_base: Duration::from_secs(2),
            retry_cap: Duration::from_secs(120),
            limits: HashMap::new(),
            // Media work is CPU-heavy: one at a time per kind unless there are cores to spare.
            default_limit: std::thread::available_parallelism().map_or(1, |n| (n.get() / 2).max(1)),
            idle_poll: Duration::from_millis(200),
        }
    }
}

impl WorkerConfig {
    /// Defaults, with limits from `EDIT_FACTORY_JOB_LIMITS` when set.
    pub fn from_env() -> Self {
        let mut config = Self::default();
        if let Ok(text) = std::env::var(LIMITS_ENV) {
            for part in text.split(',').filter(|p| !p.trim().is_empty()) {
                match part
                    .split_once('=')
                    .map(|(k, v)| (k.trim(), v.trim().parse::<usize>()))
                {
                    Some((kind, Ok(n))) if n > 0 => {
                        config.limits.insert(kind.to_owned(), n);
                    }
                    _ => tracing::warn!("ignoring {LIMITS_ENV} entry {part:?} (expected kind=N)"),
                }
            }
        }
        config
    }

    fn limit(&self, kind: &str) -> usize {
        self.limits
            .get(kind)
            .copied()
            .unwrap_or(self.default_limit)
            .max(1)
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1).min(16));
        (self.retry_base * factor).min(self.retry_cap)
    }
}

#[derive(Clone)]
pub struct WorkerPool {
    library: Arc<Library>,
    registry: Arc<Registry>,
    config: Arc<WorkerConfig>,
    owner: String,
    listener: Option<JobListener>,
}

impl WorkerPool {
    pub fn new(library: Arc<Library>, registry: Registry, config: WorkerConfig) -> Self {
        Self {
            library,
            registry: Arc::new(registry),
            config: Arc::new(config),
            owner: owner::new_owner(),
            listener: None,
        }
    }

    /// Be told of every job state and progress change this pool writes.
    pub fn with_listener(mut self, listener: JobListener) -> Self {
        self.listener = Some(listener);
        self
    }

    pub fn owner(&self) -> &str {
        &self.owner
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Recover interrupted jobs (see [`super::Jobs::recover`]) using this pool's resumable kinds.
    pub fn recover(&self) -> Result<Vec<Job>, JobError> {
        let registry = self.registry.clone();
        self.library
            .jobs()
            .recover(move |kind| registry.is_resumable(kind))
    }

    /// Run queued jobs (only those in `only`, when given) until none is left, waiting for retries
    /// that are due later.
    pub fn run_until_idle(&self, only: Option<&[String]>) -> Result<(), JobError> {
        self.run_loop(only, &AtomicBool::new(false), true)
    }

    /// Keep running jobs on a background thread until the handle is stopped or dropped.
    pub fn spawn(self) -> Result<BackgroundWorkers, JobError> {
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let stop = stop.clone();
            std::thread::Builder::new()
                .name("job-workers".into())
                .spawn(move || {
                    if let Err(e) = self.run_loop(None, &stop, false) {
                        tracing::error!("job workers stopped: {e}");
                    }
                })
                .map_err(JobError::Thread)?
        };
        Ok(BackgroundWorkers {
            stop,
            thread: Some(thread),
        })
    }

    fn run_loop(
        &self,
        only: Option<&[String]>,
        stop: &AtomicBool,
        exit_when_idle: bool,
    ) -> Result<(), JobError> {
        let mut running: Vec<(String, JoinHandle<()>)> = Vec::new();
        let kinds = self.registry.kinds();
        loop {
            running.retain(|(_, handle)| !handle.is_finished());
            if stop.load(Ordering::SeqCst) {
                break;
            }
            let with_room: Vec<&str> = kinds
                .iter()
                .copied()
                .filter(|k| running.iter().filter(|(rk, _)| rk == k).count() < self.config.limit(k))
                .collect();
            if let Some(job) =
                self.library
                    .jobs()
                    .claim(&self.owner, &with_room, only, self.config.lease)?
            {
                let pool = self.clone();
                let kind = job.kind.clone();
                let handle = std::thread::Builder::new()
                    .name(format!("job-{}", job.kind))
                    .spawn(move || pool.execute(job))
                    .map_err(JobError::Thread)?;
                running.push((kind, handle));
                continue;
            }
            if exit_when_idle && running.is_empty() {
                let pending = self.library.jobs().pending(only, &kinds)?;
                if pending.queued == 0 {
                    break;
                }
            }
            std::thread::sleep(self.config.idle_poll);
        }
        // Idle runs end with nothing running. When stopped (the app is closing), running jobs are
        // not waited for: if the process exits under them, the next start recovers them.
        drop(running);
        Ok(())
    }

    fn notify(&self, job: &Job) {
        if let Some(listener) = &self.listener {
            listener(job);
        }
    }

    fn execute(&self, job: Job) {
        let jobs = self.library.jobs();
        let Some(handler) = self.registry.get(&job.kind) else {
            return; // only registered kinds are claimed
        };
        let _lock = match (&job.project_id, handler.locks_project()) {
            (Some(project_id), true) => match ProjectLock::acquire(
                self.library.clone(),
                project_id,
                &self.owner,
                self.config.lease,
                WaitPolicy::Fail,
            ) {
                Ok(lock) => Some(lock),
                Err(JobError::ProjectBusy { holder, .. }) => {
                    tracing::info!(job = %job.id, %holder, "project busy; job deferred");
                    self.record(jobs.defer(
                        &job.id,
                        &self.owner,
                        "waiting for the project to be free",
                        Duration::from_secs(2),
                    ));
                    return;
                }
                Err(e) => {
                    self.record(jobs.fail(
                        &job.id,
                        &self.owner,
                        FailureKind::Retryable,
                        &e.to_string(),
                        self.config.backoff(job.attempts),
                    ));
                    return;
                }
            },
            _ => None,
        };
        self.notify(&job);

        let cancel = CancelToken::new();
        let finished = Arc::new(AtomicBool::new(false));
        let heartbeat = self.spawn_heartbeat(&job.id, cancel.clone(), finished.clone());
        let progress = ProgressReporter::new(
            self.library.clone(),
            &job.id,
            &self.owner,
            self.listener.clone(),
        );
        let ctx = JobContext {
            job: &job,
            library: &self.library,
            cancel: &cancel,
            progress: &progress,
        };
        let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| handler.run(&ctx)));
        finished.store(true, Ordering::SeqCst);
        if let Some(heartbeat) = heartbeat {
            if heartbeat.join().is_err() {
                tracing::error!(job = %job.id, "heartbeat thread panicked");
            }
        }
        let recorded = match outcome {
            Ok(Ok(result)) => jobs.succeed(&job.id, &self.owner, &result),
            Ok(Err(JobFailure::Cancelled)) => jobs.mark_cancelled(&job.id, &self.owner),
            Ok(Err(JobFailure::Failed { .. })) if cancel.is_cancelled() => {
                jobs.mark_cancelled(&job.id, &self.owner)
            }
            Ok(Err(JobFailure::Failed { kind, message })) => jobs.fail(
                &job.id,
                &self.owner,
                kind,
                &message,
                self.config.backoff(job.attempts),
            ),
            Err(panic) => {
                let what = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".into());
                tracing::error!(job = %job.id, "job handler panicked: {what}");
                jobs.fail(
                    &job.id,
                    &self.owner,
                    FailureKind::Permanent,
                    &format!("internal error: {what}"),
                    Duration::ZERO,
                )
            }
        };
        self.record(recorded);
    }

    fn record(&self, recorded: Result<Job, JobError>) {
        match recorded {
            Ok(job) => self.notify(&job),
            Err(e) => tracing::error!("could not record a job's end: {e}"),
        }
    }

    /// Renews the lease and turns a requested cancel into the token, until `finished`.
    fn spawn_heartbeat(
        &self,
        job_id: &str,
        cancel: CancelToken,
        finished: Arc<AtomicBool>,
    ) -> Option<JoinHandle<()>> {
        let (library, owner, config) = (
            self.library.clone(),
            self.owner.clone(),
            self.config.clone(),
        );
        let job = job_id.to_owned();
        let spawned = std::thread::Builder::new()
            .name("job-heartbeat".into())
            .spawn(move || {
                let tick = Duration::from_millis(100).min(config.heartbeat);
                let mut last = Instant::now();
                while !finished.load(Ordering::SeqCst) {
                    std::thread::sleep(tick);
                    // Cancel requests are looked at often; the lease is renewed every `heartbeat`.
                    let renew = last.elapsed() >= config.heartbeat;
                    let lease = if renew { config.lease } else { Duration::ZERO };
                    match heartbeat_once(&library, &job, &owner, lease) {
                        Ok(true) => cancel.cancel(),
                        Ok(false) => {}
                        Err(JobError::LostLease { .. }) => {
                            tracing::warn!(%job, "lease lost; stopping the job");
                            cancel.cancel();
                            return;
                        }
                        Err(e) => tracing::warn!(%job, "heartbeat failed: {e}"),
                    }
                    if renew {
                        last = Instant::now();
                    }
                }
            });
        match spawned {
            Ok(handle) => Some(handle),
            Err(e) => {
                tracing::error!(job = %job_id, "no heartbeat thread ({e}); the lease may expire");
                None
            }
        }
    }
}

/// With a zero `lease`, only reads the cancel flag (and whether the job is still ours).
fn heartbeat_once(
    library: &Library,
    job_id: &str,
    owner: &str,
    lease: Duration,
) -> Result<bool, JobError> {
    if lease.is_zero() {
        let job = library.jobs().get(job_id)?;
        if job.lease_owner.as_deref() != Some(owner) {
            return Err(JobError::LostLease {
                id: job_id.to_owned(),
            });
        }
        return Ok(job.cancel_requested);
    }
    library.jobs().heartbeat(job_id, owner, lease)
}

/// The app's background workers; stopped when dropped.
pub struct BackgroundWorkers {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl BackgroundWorkers {
    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            if thread.join().is_err() {
                tracing::error!("job worker thread panicked");
            }
        }
    }
}

impl Drop for BackgroundWorkers {
    fn drop(&mut self) {
        self.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::WorkerConfig;
    use std::time::Duration;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let config = WorkerConfig {
            retry_base: Duration::from_secs(2),
            retry_cap: Duration::from_secs(10),
            ..WorkerConfig::default()
        };
        assert_eq!(config.backoff(1), Duration::from_secs(2));
        assert_eq!(config.backoff(2), Duration::from_secs(4));
        assert_eq!(config.backoff(3), Duration::from_secs(8));
        assert_eq!(config.backoff(4), Duration::from_secs(10));
    }
}
