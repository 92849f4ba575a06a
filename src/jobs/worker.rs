//! Workers: claim queued jobs, run them on their own threads under a renewed lease, with per-kind
//! limits, the machine-wide CPU budget, a project lock per job, cancellation and backoff.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::budget::{CpuBudget, CpuSlots};
use super::cancel::{CancelReason, CancelToken};
use super::kind::{JobKind, JobOutcome};
use super::lock::{ProjectLock, WaitPolicy};
use super::progress::{JobListener, ProgressReporter};
use super::queue::JobQueue;
use super::{owner, FailureKind, Job, JobError, JobFailure};
use crate::library::Library;

/// What a handler gets to do its work.
pub struct JobContext<'a> {
    pub job: &'a Job,
    pub library: &'a Arc<Library>,
    /// For jobs that queue follow-up work.
    pub queue: &'a JobQueue,
    pub cancel: &'a CancelToken,
    progress: &'a ProgressReporter,
    slots: &'a CpuSlots,
}

impl JobContext<'_> {
    /// Tell the app of a job this one queued, so it shows as queued at once.
    pub fn announce(&self, queued: &Job) {
        self.progress.announce(queued);
    }

    /// Report progress (0–1) and the current step. A lost lease stops the job.
    pub fn report(&self, fraction: f64, step: &str) {
        if let Err(e) = self.progress.report(fraction, step) {
            tracing::warn!(job = %self.job.id, "could not record progress: {e}");
            if matches!(e, JobError::LostLease { .. }) {
                self.cancel
                    .stop(CancelReason::Lost("the job's lease was lost".into()));
            }
        }
    }

    /// `Err(Cancelled)` once a cancel was requested; call between steps.
    pub fn check_cancelled(&self) -> Result<(), JobFailure> {
        if self.cancel.is_cancelled() {
            Err(JobFailure::Cancelled)
        } else {
            Ok(())
        }
    }

    /// Threads this job may keep busy (its share of the CPU budget).
    pub fn threads(&self) -> usize {
        self.slots.threads()
    }
}

/// One kind of job.
pub trait JobHandler: Send + Sync {
    fn kind(&self) -> JobKind;
    /// Whether a run interrupted by a crash may simply be started again.
    fn resumable(&self) -> bool {
        true
    }
    /// Whether the job holds its project's lock while it runs.
    fn locks_project(&self) -> bool {
        false
    }
    /// CPU slots the job takes from the machine-wide budget (0 for light, I/O-bound work).
    fn cpu_slots(&self) -> usize {
        1
    }
    /// Whether many of this kind may run at once up to the CPU budget (independent work, such as
    /// analysing the sources of a project), rather than the default limit per kind.
    fn fans_out(&self) -> bool {
        false
    }
    fn run(&self, ctx: &JobContext<'_>) -> Result<JobOutcome, JobFailure>;
}

/// The job kinds this process can run.
#[derive(Default, Clone)]
pub struct Registry {
    handlers: HashMap<JobKind, Arc<dyn JobHandler>>,
}

impl Registry {
    pub fn with(mut self, handler: impl JobHandler + 'static) -> Self {
        self.handlers.insert(handler.kind(), Arc::new(handler));
        self
    }

    pub fn get(&self, kind: JobKind) -> Option<Arc<dyn JobHandler>> {
        self.handlers.get(&kind).cloned()
    }

    pub fn kinds(&self) -> Vec<JobKind> {
        let mut kinds: Vec<_> = self.handlers.keys().copied().collect();
        kinds.sort_unstable();
        kinds
    }

    pub fn is_resumable(&self, kind: JobKind) -> bool {
        self.handlers.get(&kind).is_some_and(|h| h.resumable())
    }
}

#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// How long a job stays ours without a renewal.
    pub lease: Duration,
    /// How often leases are renewed.
    pub heartbeat: Duration,
    /// How often a cancel asked for by another process is looked for.
    pub cancel_poll: Duration,
    /// First retry delay; doubled per attempt up to `retry_cap`.
    pub retry_base: Duration,
    pub retry_cap: Duration,
    /// Concurrent jobs per kind; kinds not listed get `default_limit`.
    pub limits: HashMap<JobKind, usize>,
    pub default_limit: usize,
    /// How often idle workers look for work queued by another process (this process's own
    /// enqueues wake them at once).
    pub idle_poll: Duration,
    /// The machine-wide CPU budget heavy jobs share; `None` runs them without one.
    pub budget: Option<CpuBudget>,
    /// Finished jobs older than this are pruned when workers start.
    pub keep_finished: Duration,
}

/// Environment variable with per-kind limits, e.g. `import=2,verify_sources=1`.
pub const LIMITS_ENV: &str = "EDIT_FACTORY_JOB_LIMITS";
/// Environment variable: days finished jobs are kept (default 30).
pub const KEEP_DAYS_ENV: &str = "EDIT_FACTORY_KEEP_JOBS_DAYS";

impl Default for WorkerConfig {
    fn default() -> Self {
        Self {
            lease: Duration::from_secs(30),
            heartbeat: Duration::from_secs(5),
            cancel_poll: Duration::from_millis(500),
            retry_base: Duration::from_secs(2),
            retry_cap: Duration::from_secs(120),
            limits: HashMap::new(),
            // Media work is CPU-heavy: one at a time per kind unless there are cores to spare.
            default_limit: std::thread::available_parallelism().map_or(1, |n| (n.get() / 2).max(1)),
            idle_poll: Duration::from_secs(1),
            budget: None,
            keep_finished: Duration::from_secs(30 * 24 * 3600),
        }
    }
}

impl WorkerConfig {
    /// Defaults, the machine-wide CPU budget, and limits from `EDIT_FACTORY_JOB_LIMITS`.
    pub fn from_env() -> Self {
        let mut config = Self::default();
        match crate::app_dirs::cpu_budget_dir().map(|dir| CpuBudget::for_this_machine(&dir)) {
            Ok(Ok(budget)) => config.budget = Some(budget),
            Ok(Err(e)) => tracing::warn!("jobs run without the machine-wide CPU budget: {e}"),
            Err(e) => tracing::warn!("jobs run without the machine-wide CPU budget: {e}"),
        }
        if let Ok(text) = std::env::var(LIMITS_ENV) {
            for part in text.split(',').filter(|p| !p.trim().is_empty()) {
                let parsed = part
                    .split_once('=')
                    .map(|(k, v)| (JobKind::parse(k.trim()), v.trim().parse::<usize>()));
                match parsed {
                    Some((kind, Ok(n))) if n > 0 && kind != JobKind::Unknown => {
                        config.limits.insert(kind, n);
                    }
                    _ => tracing::warn!("ignoring {LIMITS_ENV} entry {part:?} (expected kind=N)"),
                }
            }
        }
        if let Some(days) = std::env::var(KEEP_DAYS_ENV)
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
        {
            config.keep_finished = Duration::from_secs(days * 24 * 3600);
        }
        config
    }

    fn limit(&self, kind: JobKind) -> usize {
        self.limits
            .get(&kind)
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
    queue: JobQueue,
    registry: Arc<Registry>,
    config: Arc<WorkerConfig>,
    owner: String,
    listener: Option<JobListener>,
}

impl WorkerPool {
    pub fn new(queue: JobQueue, registry: Registry, config: WorkerConfig) -> Self {
        Self {
            queue,
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

    pub fn queue(&self) -> &JobQueue {
        &self.queue
    }

    fn library(&self) -> &Arc<Library> {
        self.queue.library()
    }

    /// Recover interrupted jobs (see [`super::Jobs::recover`]) and prune old finished ones. Called
    /// by whatever starts workers, before they claim anything.
    pub fn recover(&self) -> Result<Vec<Job>, JobError> {
        let registry = self.registry.clone();
        let recovered = self
            .library()
            .jobs()
            .recover(move |kind| registry.is_resumable(kind))?;
        for job in &recovered {
            self.notify(job);
        }
        if let Err(e) = self.library().jobs().prune(self.config.keep_finished) {
            tracing::warn!("could not prune old jobs: {e}");
        }
        Ok(recovered)
    }

    /// Recover, then run queued jobs (only those in `only`, when given) until none is left,
    /// waiting for retries that are due later.
    pub fn run_until_idle(&self, only: Option<&[String]>) -> Result<(), JobError> {
        self.recover()?;
        self.run_loop(only, &AtomicBool::new(false), true)
    }

    /// Recover, then keep running jobs on a background thread until the handle is stopped or
    /// dropped.
    pub fn spawn(self) -> Result<BackgroundWorkers, JobError> {
        self.recover()?;
        let stop = Arc::new(AtomicBool::new(false));
        let queue = self.queue.clone();
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
            queue,
            thread: Some(thread),
        })
    }

    fn run_loop(
        &self,
        only: Option<&[String]>,
        stop: &AtomicBool,
        exit_when_idle: bool,
    ) -> Result<(), JobError> {
        let keeper = LeaseKeeper::start(self.clone())?;
        let mut running: Vec<(JobKind, JoinHandle<()>)> = Vec::new();
        let kinds = self.registry.kinds();
        let result = loop {
            running.retain(|(_, handle)| !handle.is_finished());
            if stop.load(Ordering::SeqCst) {
                break Ok(());
            }
            let seen = self.queue.generation();
            match self.start_due_jobs(&kinds, only, &mut running) {
                Ok(true) => continue,
                Ok(false) => {}
                Err(e) if e.is_busy() => tracing::debug!("job store busy: {e}"),
                Err(e) => break Err(e),
            }
            if exit_when_idle && running.is_empty() {
                match self.library().jobs().pending(only, &kinds) {
                    Ok(pending) if pending.queued == 0 => break Ok(()),
                    Ok(_) => {}
                    Err(e) if e.is_busy() => {}
                    Err(e) => break Err(e),
                }
            }
            self.queue.wait_for_work(seen, self.config.idle_poll);
        };
        drop(keeper);
        // Idle runs end with nothing running. When stopped (the app is closing), running jobs are
        // not waited for: if the process exits under them, the next start recovers them.
        result
    }

    /// Claim and start what the limits and the CPU budget allow; whether anything started.
    fn start_due_jobs(
        &self,
        kinds: &[JobKind],
        only: Option<&[String]>,
        running: &mut Vec<(JobKind, JoinHandle<()>)>,
    ) -> Result<bool, JobError> {
        let mut started = false;
        for &kind in kinds {
            let Some(handler) = self.registry.get(kind) else {
                continue;
            };
            let limit = match self.config.limits.get(&kind) {
                Some(&explicit) => explicit.max(1),
                None if handler.fans_out() => self
                    .config
                    .budget
                    .as_ref()
                    .map_or(self.config.limit(kind), super::budget::CpuBudget::slots),
                None => self.config.limit(kind),
            };
            if running.iter().filter(|(k, _)| *k == kind).count() >= limit {
                continue;
            }
            let slots = match &self.config.budget {
                Some(budget) => match budget.try_acquire(handler.cpu_slots())? {
                    Some(slots) => slots,
                    None => continue,
                },
                None => CpuSlots::none(),
            };
            let Some(job) =
                self.library()
                    .jobs()
                    .claim(&self.owner, kind, only, self.config.lease)?
            else {
                continue;
            };
            let pool = self.clone();
            let handle = std::thread::Builder::new()
                .name(format!("job-{kind}"))
                .spawn(move || pool.execute(job, handler, slots))
                .map_err(JobError::Thread)?;
            running.push((kind, handle));
            started = true;
        }
        Ok(started)
    }

    fn notify(&self, job: &Job) {
        if let Some(listener) = &self.listener {
            listener(&job.summary());
        }
    }

    fn execute(&self, job: Job, handler: Arc<dyn JobHandler>, slots: CpuSlots) {
        let cancel = CancelToken::new();
        self.queue
            .running()
            .insert(job.id.clone(), (self.owner.clone(), cancel.clone()));
        self.run_job(&job, handler.as_ref(), &cancel, &slots);
        self.queue.running().remove(&job.id);
        drop(slots);
        self.queue.wake();
    }

    fn run_job(&self, job: &Job, handler: &dyn JobHandler, cancel: &CancelToken, slots: &CpuSlots) {
        let jobs = self.library().jobs();
        let _lock = match (&job.project_id, handler.locks_project()) {
            (Some(project_id), true) => match ProjectLock::acquire(
                self.library().clone(),
                project_id,
                &format!("{}/job/{}", self.owner, job.id),
                self.config.lease,
                WaitPolicy::Fail,
                cancel.clone(),
            ) {
                Ok(lock) => Some(lock),
                Err(JobError::ProjectBusy { holder, .. }) => {
                    tracing::info!(job = %job.id, %holder, "project busy; job deferred");
                    self.record(jobs.defer(
                        &job.id,
                        &self.owner,
                        "waiting for the project to be free",
                        Duration::from_secs(1),
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
        self.notify(job);

        let progress = ProgressReporter::new(
            self.library().clone(),
            &job.id,
            &self.owner,
            self.listener.clone(),
        );
        let ctx = JobContext {
            job,
            library: self.library(),
            queue: &self.queue,
            cancel,
            progress: &progress,
            slots,
        };
        let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| handler.run(&ctx)));
        let recorded = match (outcome, cancel.reason()) {
            (Ok(Ok(result)), _) => jobs.succeed(&job.id, &self.owner, &result),
            (Ok(Err(_)), Some(CancelReason::Requested)) => {
                jobs.mark_cancelled(&job.id, &self.owner)
            }
            // Stopped because its lease or lock went to someone else: not the user's cancel, so
            // it fails as retryable with the reason (or, with the lease gone, is someone else's).
            (Ok(Err(_)), Some(CancelReason::Lost(reason))) => jobs.fail(
                &job.id,
                &self.owner,
                FailureKind::Retryable,
                &reason,
                self.config.backoff(job.attempts),
            ),
            (Ok(Err(JobFailure::Cancelled)), None) => jobs.mark_cancelled(&job.id, &self.owner),
            (Ok(Err(JobFailure::Failed { kind, message })), None) => jobs.fail(
                &job.id,
                &self.owner,
                kind,
                &message,
                self.config.backoff(job.attempts),
            ),
            (Err(panic), _) => {
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
            Err(JobError::LostLease { id }) => {
                tracing::warn!(job = %id, "the job's end was not recorded: another process took it over")
            }
            Err(e) => tracing::error!("could not record a job's end: {e}"),
        }
    }
}

/// Renews the leases of the jobs one pool runs, and turns cancels asked for by other processes (or
/// a lost lease) into their tokens. One thread per pool, whatever the number of jobs.
struct LeaseKeeper {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl LeaseKeeper {
    fn start(pool: WorkerPool) -> Result<Self, JobError> {
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let stop = stop.clone();
            std::thread::Builder::new()
                .name("job-leases".into())
                .spawn(move || keep_leases(&pool, &stop))
                .map_err(JobError::Thread)?
        };
        Ok(Self {
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for LeaseKeeper {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            if thread.join().is_err() {
                tracing::error!("lease keeper panicked");
            }
        }
    }
}

fn keep_leases(pool: &WorkerPool, stop: &AtomicBool) {
    let jobs = pool.library().jobs();
    let tick = pool.config.cancel_poll.min(pool.config.heartbeat);
    let mut last_renewal = Instant::now();
    while !stop.load(Ordering::SeqCst) {
        std::thread::sleep(tick);
        let held = pool.queue.held_by(&pool.owner);
        if held.is_empty() {
            last_renewal = Instant::now();
            continue;
        }
        let ids: Vec<String> = held.iter().map(|(id, _)| id.clone()).collect();
        let token_of = |id: &str| held.iter().find(|(i, _)| i == id).map(|(_, t)| t);
        match jobs.cancel_requested(&ids) {
            Ok(asked) => asked
                .iter()
                .filter_map(|id| token_of(id))
                .for_each(CancelToken::cancel),
            Err(e) => tracing::debug!("could not look for cancel requests: {e}"),
        }
        if last_renewal.elapsed() >= pool.config.heartbeat {
            last_renewal = Instant::now();
            match jobs.renew_leases(&ids, &pool.owner, pool.config.lease) {
                Ok(lost) => {
                    for id in lost {
                        // A job that just ended is no longer held either; only running ones matter.
                        if let Some(token) = pool
                            .queue
                            .held_by(&pool.owner)
                            .iter()
                            .find(|(i, _)| *i == id)
                            .map(|(_, t)| t.clone())
                        {
                            tracing::warn!(job = %id, "lease lost; stopping the job");
                            token.stop(CancelReason::Lost("the job's lease was lost".into()));
                        }
                    }
                }
                Err(e) => tracing::warn!("could not renew job leases: {e}"),
            }
        }
    }
}

/// The app's background workers; stopped when dropped.
pub struct BackgroundWorkers {
    stop: Arc<AtomicBool>,
    queue: JobQueue,
    thread: Option<JoinHandle<()>>,
}

impl BackgroundWorkers {
    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        self.queue.wake();
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
