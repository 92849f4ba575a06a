//! Durable jobs on a real library file: transitions, retries, cancellation, recovery, leases,
//! project locks, the CPU budget and pruning. The job mechanics are driven with small handlers
//! registered for this version's real kinds, whose behaviour each test controls.

mod common;

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use edit_factory::fsutil::AtomicOutput;
use edit_factory::jobs::budget::CpuBudget;
use edit_factory::jobs::lock::{ProjectLock, WaitPolicy};
use edit_factory::jobs::{
    CancelToken, FailureKind, JobContext, JobError, JobFailure, JobHandler, JobKind, JobOutcome,
    JobQueue, JobStatus, NewJob, Registry, WorkerConfig, WorkerPool,
};
use edit_factory::library::{Library, LibraryError};
use edit_factory::verify::VerifyReport;

fn open_temp() -> (tempfile::TempDir, Arc<Library>) {
    common::temp_library()
}

fn fast_config() -> WorkerConfig {
    WorkerConfig {
        retry_base: Duration::from_millis(150),
        retry_cap: Duration::from_secs(2),
        heartbeat: Duration::from_millis(200),
        cancel_poll: Duration::from_millis(50),
        idle_poll: Duration::from_millis(50),
        ..WorkerConfig::default()
    }
}

fn done() -> JobOutcome {
    JobOutcome::VerifySources(VerifyReport::default())
}

fn project(library: &Library, name: &str) -> String {
    let profile = library.default_profile().unwrap();
    library.create_project(&profile.id, name, None).unwrap().id
}

fn wait_until(what: &str, timeout: Duration, mut ok: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !ok() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Fails with a retryable error until its third attempt, recording when each attempt started.
struct Flaky {
    starts: Arc<Mutex<Vec<Instant>>>,
}

impl JobHandler for Flaky {
    fn kind(&self) -> JobKind {
        JobKind::VerifySources
    }
    fn run(&self, ctx: &JobContext<'_>) -> Result<JobOutcome, JobFailure> {
        self.starts.lock().unwrap().push(Instant::now());
        if ctx.job.attempts < 3 {
            return Err(JobFailure::retryable("network hiccup"));
        }
        Ok(done())
    }
}

struct Broken {
    runs: Arc<AtomicU32>,
}

impl JobHandler for Broken {
    fn kind(&self) -> JobKind {
        JobKind::VerifySources
    }
    fn run(&self, _: &JobContext<'_>) -> Result<JobOutcome, JobFailure> {
        self.runs.fetch_add(1, Ordering::SeqCst);
        Err(JobFailure::permanent("the input file is not a video"))
    }
}

/// Writes a partial output and works (sleeping on its cancel token) until cancelled or done.
struct LongWrite {
    kind: JobKind,
    dest: std::path::PathBuf,
    locks: bool,
    /// Set when the handler saw its token and returned.
    stopped: Arc<AtomicBool>,
    spans: Arc<Mutex<Vec<(Instant, Instant)>>>,
    steps: u32,
}

impl LongWrite {
    fn new(kind: JobKind, dest: &std::path::Path) -> Self {
        Self {
            kind,
            dest: dest.to_path_buf(),
            locks: true,
            stopped: Arc::default(),
            spans: Arc::default(),
            steps: 600,
        }
    }
}

impl JobHandler for LongWrite {
    fn kind(&self) -> JobKind {
        self.kind
    }
    fn locks_project(&self) -> bool {
        self.locks
    }
    fn run(&self, ctx: &JobContext<'_>) -> Result<JobOutcome, JobFailure> {
        let started = Instant::now();
        let out = AtomicOutput::new(&self.dest);
        out.write_all(b"partial render")
            .map_err(|e| JobFailure::permanent(e.to_string()))?;
        for i in 0..self.steps {
            ctx.report(i as f64 / self.steps as f64, "rendering");
            if ctx.cancel.wait(Duration::from_millis(10)) {
                self.stopped.store(true, Ordering::SeqCst);
                self.spans.lock().unwrap().push((started, Instant::now()));
                return Err(JobFailure::Cancelled);
            }
        }
        out.commit()
            .map_err(|e| JobFailure::permanent(e.to_string()))?;
        self.spans.lock().unwrap().push((started, Instant::now()));
        Ok(done())
    }
}

struct Panics;

impl JobHandler for Panics {
    fn kind(&self) -> JobKind {
        JobKind::VerifySources
    }
    fn run(&self, _: &JobContext<'_>) -> Result<JobOutcome, JobFailure> {
        panic!("bug in a handler")
    }
}

#[test]
fn illegal_transitions_are_rejected() {
    let (_dir, library) = open_temp();
    let p = project(&library, "P");
    let jobs = library.jobs();
    let job = jobs.enqueue(&NewJob::verify_sources(&p)).unwrap();
    assert_eq!(job.status, JobStatus::Queued);
    assert_eq!(job.kind(), JobKind::VerifySources);
    // Finishing a job nobody claimed.
    assert!(matches!(
        jobs.succeed(&job.id, "someone", &done()),
        Err(JobError::IllegalTransition {
            from: JobStatus::Queued,
            to: JobStatus::Succeeded,
            ..
        })
    ));
    assert!(matches!(
        jobs.retry(&job.id),
        Err(JobError::IllegalTransition { .. })
    ));
    assert_eq!(
        jobs.request_cancel(&job.id).unwrap().status,
        JobStatus::Cancelled
    );
    assert!(matches!(
        jobs.request_cancel(&job.id),
        Err(JobError::IllegalTransition {
            from: JobStatus::Cancelled,
            ..
        })
    ));
    // A claimed job belongs to its owner only.
    let other = jobs.enqueue(&NewJob::verify_sources(&p)).unwrap();
    let claimed = jobs
        .claim(
            "owner-a",
            JobKind::VerifySources,
            None,
            Duration::from_secs(30),
        )
        .unwrap()
        .unwrap();
    assert_eq!(claimed.id, other.id);
    assert!(matches!(
        jobs.succeed(&other.id, "owner-b", &done()),
        Err(JobError::LostLease { .. })
    ));
    let finished = jobs.succeed(&other.id, "owner-a", &done()).unwrap();
    assert_eq!(finished.status, JobStatus::Succeeded);
    assert!(matches!(
        finished.result,
        Some(JobOutcome::VerifySources(_))
    ));
    assert!(matches!(
        jobs.retry(&finished.id),
        Err(JobError::IllegalTransition { .. })
    ));
}

#[test]
fn a_retryable_failure_is_retried_with_backoff_then_succeeds() {
    let (_dir, library) = open_temp();
    let p = project(&library, "P");
    let starts = Arc::new(Mutex::new(Vec::new()));
    let registry = Registry::default().with(Flaky {
        starts: starts.clone(),
    });
    let queue = JobQueue::new(library.clone());
    let job = queue.enqueue(&NewJob::verify_sources(&p)).unwrap();
    WorkerPool::new(queue, registry, fast_config())
        .run_until_idle(None)
        .unwrap();

    let ended = library.jobs().get(&job.id).unwrap();
    assert_eq!(ended.status, JobStatus::Succeeded);
    assert_eq!(ended.attempts, 3);
    let starts = starts.lock().unwrap();
    assert_eq!(starts.len(), 3);
    // Backoff doubles: at least 150 ms, then at least 300 ms, between attempts.
    assert!(starts[1] - starts[0] >= Duration::from_millis(150));
    assert!(starts[2] - starts[1] >= Duration::from_millis(300));
}

#[test]
fn a_retryable_failure_stops_at_max_attempts_and_a_permanent_one_at_once() {
    let (_dir, library) = open_temp();
    let p = project(&library, "P");
    let queue = JobQueue::new(library.clone());
    let runs = Arc::new(AtomicU32::new(0));
    let job = queue.enqueue(&NewJob::verify_sources(&p)).unwrap();
    WorkerPool::new(
        queue.clone(),
        Registry::default().with(Broken { runs: runs.clone() }),
        fast_config(),
    )
    .run_until_idle(None)
    .unwrap();
    let failed = library.jobs().get(&job.id).unwrap();
    assert_eq!(failed.status, JobStatus::Failed);
    assert_eq!(failed.attempts, 1);
    assert_eq!(
        runs.load(Ordering::SeqCst),
        1,
        "a permanent failure is not retried"
    );
    assert_eq!(failed.error_kind, Some(FailureKind::Permanent));
    assert_eq!(
        failed.error_message.as_deref(),
        Some("the input file is not a video")
    );
    let again = queue.retry(&job.id).unwrap();
    assert_eq!((again.status, again.attempts), (JobStatus::Queued, 0));
    queue.cancel(&job.id).unwrap();

    let starts = Arc::new(Mutex::new(Vec::new()));
    let mut new = NewJob::verify_sources(&p);
    new.max_attempts = 2;
    let limited = queue.enqueue(&new).unwrap();
    WorkerPool::new(
        queue,
        Registry::default().with(Flaky {
            starts: starts.clone(),
        }),
        fast_config(),
    )
    .run_until_idle(Some(std::slice::from_ref(&limited.id)))
    .unwrap();
    let limited = library.jobs().get(&limited.id).unwrap();
    assert_eq!(limited.status, JobStatus::Failed);
    assert_eq!(limited.error_kind, Some(FailureKind::Retryable));
    assert_eq!(starts.lock().unwrap().len(), 2);
}

/// Runs `pool` in the background until idle; returns the thread.
fn run_in_background(pool: WorkerPool) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || pool.run_until_idle(None).unwrap())
}

#[test]
fn a_cancel_in_this_process_stops_the_work_at_once_and_removes_partial_files() {
    let (dir, library) = open_temp();
    let p = project(&library, "Cancel");
    let dest = dir.path().join("exports/clip.mp4");
    std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
    let handler = LongWrite::new(JobKind::Import, &dest);
    let stopped = handler.stopped.clone();
    let queue = JobQueue::new(library.clone());
    let job = queue.enqueue(&NewJob::import(&p, &[])).unwrap();
    // Another process's cancel is only polled every 10 s here: this one must not need it.
    let config = WorkerConfig {
        cancel_poll: Duration::from_secs(10),
        ..fast_config()
    };
    let worker = run_in_background(WorkerPool::new(
        queue.clone(),
        Registry::default().with(handler),
        config,
    ));
    wait_until("the job works", Duration::from_secs(10), || {
        let job = library.jobs().get(&job.id).unwrap();
        job.status == JobStatus::Running && job.progress > 0.0
    });
    assert_eq!(
        std::fs::read_dir(dest.parent().unwrap()).unwrap().count(),
        1
    );
    let asked = Instant::now();
    let flagged = queue.cancel(&job.id).unwrap();
    assert!(flagged.cancel_requested);
    wait_until("the handler stops", Duration::from_secs(5), || {
        stopped.load(Ordering::SeqCst)
    });
    assert!(
        asked.elapsed() < Duration::from_secs(5),
        "woken by the token, not a poll"
    );
    worker.join().unwrap();
    let ended = library.jobs().get(&job.id).unwrap();
    assert_eq!(ended.status, JobStatus::Cancelled);
    assert!(ended.progress < 1.0, "stopped before the end");
    assert!(!dest.exists(), "no output registered");
    assert_eq!(
        std::fs::read_dir(dest.parent().unwrap()).unwrap().count(),
        0,
        "partial removed"
    );
}

#[test]
fn a_cancel_from_another_process_reaches_the_job_through_the_library() {
    let (dir, library) = open_temp();
    let p = project(&library, "Cancel");
    let handler = LongWrite::new(JobKind::Import, &dir.path().join("out.bin"));
    let stopped = handler.stopped.clone();
    let queue = JobQueue::new(library.clone());
    let job = queue.enqueue(&NewJob::import(&p, &[])).unwrap();
    let worker = run_in_background(WorkerPool::new(
        queue,
        Registry::default().with(handler),
        fast_config(),
    ));
    wait_until("the job works", Duration::from_secs(10), || {
        library.jobs().get(&job.id).unwrap().progress > 0.0
    });
    // As `edit-factory jobs cancel` does from its own process: a second library handle.
    let other = Library::open(dir.path()).unwrap();
    other.jobs().request_cancel(&job.id).unwrap();
    wait_until("the handler stops", Duration::from_secs(5), || {
        stopped.load(Ordering::SeqCst)
    });
    worker.join().unwrap();
    assert_eq!(
        library.jobs().get(&job.id).unwrap().status,
        JobStatus::Cancelled
    );
}

#[test]
fn a_panicking_handler_fails_its_job_permanently() {
    let (_dir, library) = open_temp();
    let p = project(&library, "P");
    let queue = JobQueue::new(library.clone());
    let job = queue.enqueue(&NewJob::verify_sources(&p)).unwrap();
    WorkerPool::new(queue, Registry::default().with(Panics), fast_config())
        .run_until_idle(None)
        .unwrap();
    let failed = library.jobs().get(&job.id).unwrap();
    assert_eq!(failed.status, JobStatus::Failed);
    assert!(failed.error_message.unwrap().contains("bug in a handler"));
}

fn host() -> String {
    edit_factory::jobs::owner::new_owner()
        .split('/')
        .next()
        .unwrap()
        .to_owned()
}

#[test]
fn workers_recover_interrupted_jobs_and_keep_a_cancel_the_user_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let library = Arc::new(Library::open(dir.path()).unwrap());
    let p = project(&library, "P");
    let jobs = library.jobs();
    let dead = format!("{}/4000000000/dead", host());
    let claim = |id: &str, owner: &str| {
        jobs.claim(
            owner,
            JobKind::VerifySources,
            Some(&[id.to_owned()]),
            Duration::from_secs(600),
        )
        .unwrap()
        .unwrap()
    };
    let resumable = jobs.enqueue(&NewJob::verify_sources(&p)).unwrap().id;
    claim(&resumable, &dead);
    let cancelled = jobs.enqueue(&NewJob::verify_sources(&p)).unwrap().id;
    claim(&cancelled, &dead);
    jobs.request_cancel(&cancelled).unwrap();
    let alive = jobs.enqueue(&NewJob::verify_sources(&p)).unwrap().id;
    claim(&alive, &edit_factory::jobs::owner::new_owner());
    // A job of a kind from a newer version, held by a dead process.
    rusqlite::Connection::open(library.db_path())
        .unwrap()
        .execute(
            "INSERT INTO jobs (id, kind, payload, status, attempts, lease_owner, lease_expires_at,
                created_at, updated_at)
             VALUES ('01a20ba1-0000-7000-8000-0000000000aa', 'render_hologram', '{}', 'running', 1,
                ?1, '2999-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')",
            [&dead],
        )
        .unwrap();

    // Opening a library recovers nothing: that belongs to whatever starts workers.
    drop(Library::open(dir.path()).unwrap());
    assert_eq!(jobs.get(&resumable).unwrap().status, JobStatus::Running);

    let pool = WorkerPool::new(
        JobQueue::new(library.clone()),
        edit_factory::jobs::handlers::registry(),
        fast_config(),
    );
    let recovered = pool.recover().unwrap();
    assert_eq!(recovered.len(), 3);
    let a = jobs.get(&resumable).unwrap();
    assert_eq!(
        a.status,
        JobStatus::Queued,
        "a resumable job goes back to the queue"
    );
    assert_eq!(a.step, "resuming after an interruption");
    let c = jobs.get(&cancelled).unwrap();
    assert_eq!(c.status, JobStatus::Cancelled, "the user's cancel is kept");
    let unknown = jobs.get("01a20ba1-0000-7000-8000-0000000000aa").unwrap();
    assert_eq!(unknown.kind(), JobKind::Unknown);
    assert_eq!(unknown.status, JobStatus::Failed);
    assert_eq!(unknown.error_kind, Some(FailureKind::Interrupted));
    assert_eq!(
        jobs.get(&alive).unwrap().status,
        JobStatus::Running,
        "a live holder keeps its job"
    );
    // Recovering again changes nothing more.
    assert!(pool.recover().unwrap().is_empty());
}

#[test]
fn a_lost_lease_stops_the_job_without_overwriting_the_new_holder() {
    let (dir, library) = open_temp();
    let p = project(&library, "Lease");
    let handler = LongWrite::new(JobKind::Import, &dir.path().join("out.bin"));
    let stopped = handler.stopped.clone();
    let queue = JobQueue::new(library.clone());
    let job = queue.enqueue(&NewJob::import(&p, &[])).unwrap();
    let worker = run_in_background(WorkerPool::new(
        queue,
        Registry::default().with(handler),
        fast_config(),
    ));
    wait_until("the job works", Duration::from_secs(10), || {
        library.jobs().get(&job.id).unwrap().progress > 0.0
    });
    // Another process recovered it (as if our lease had expired) and holds it now.
    rusqlite::Connection::open(library.db_path())
        .unwrap()
        .execute(
            "UPDATE jobs SET lease_owner = 'elsewhere/1/x' WHERE id = ?1",
            [&job.id],
        )
        .unwrap();
    wait_until("the handler stops", Duration::from_secs(5), || {
        stopped.load(Ordering::SeqCst)
    });
    worker.join().unwrap();
    let now = library.jobs().get(&job.id).unwrap();
    assert_eq!(now.status, JobStatus::Running);
    assert_eq!(now.lease_owner.as_deref(), Some("elsewhere/1/x"));
}

#[test]
fn a_lost_project_lock_stops_the_job_and_says_why() {
    let (dir, library) = open_temp();
    let p = project(&library, "Lock");
    let handler = LongWrite::new(JobKind::Import, &dir.path().join("out.bin"));
    let queue = JobQueue::new(library.clone());
    let mut new = NewJob::import(&p, &[]);
    new.max_attempts = 1;
    let job = queue.enqueue(&new).unwrap();
    let config = WorkerConfig {
        // The lock is renewed every lease/3: keep that short.
        lease: Duration::from_millis(900),
        ..fast_config()
    };
    let worker = run_in_background(WorkerPool::new(
        queue,
        Registry::default().with(handler),
        config,
    ));
    wait_until("the job works", Duration::from_secs(10), || {
        library.jobs().get(&job.id).unwrap().progress > 0.0
    });
    rusqlite::Connection::open(library.db_path())
        .unwrap()
        .execute(
            "UPDATE project_locks SET owner = 'thief/1/x' WHERE project_id = ?1",
            [&p],
        )
        .unwrap();
    worker.join().unwrap();
    let ended = library.jobs().get(&job.id).unwrap();
    assert_eq!(ended.status, JobStatus::Failed);
    assert_eq!(ended.error_kind, Some(FailureKind::Retryable));
    assert!(
        ended
            .error_message
            .as_deref()
            .unwrap_or("")
            .contains("project lock was lost"),
        "{:?}",
        ended.error_message
    );
}

#[test]
fn two_jobs_on_one_project_in_one_process_never_overlap() {
    let (dir, library) = open_temp();
    let p = project(&library, "Shared");
    let spans: Arc<Mutex<Vec<(Instant, Instant)>>> = Arc::default();
    let mut import = LongWrite::new(JobKind::Import, &dir.path().join("a.bin"));
    import.spans = spans.clone();
    import.steps = 30;
    let mut verify = LongWrite::new(JobKind::VerifySources, &dir.path().join("b.bin"));
    verify.spans = spans.clone();
    verify.steps = 30;
    let queue = JobQueue::new(library.clone());
    let a = queue.enqueue(&NewJob::import(&p, &[])).unwrap();
    let b = queue.enqueue(&NewJob::verify_sources(&p)).unwrap();
    // Each kind may run at once: only the project lock keeps them apart.
    WorkerPool::new(
        queue,
        Registry::default().with(import).with(verify),
        fast_config(),
    )
    .run_until_idle(None)
    .unwrap();
    for id in [&a.id, &b.id] {
        assert_eq!(library.jobs().get(id).unwrap().status, JobStatus::Succeeded);
    }
    let mut spans = spans.lock().unwrap().clone();
    assert_eq!(spans.len(), 2);
    spans.sort();
    assert!(
        spans[0].1 <= spans[1].0,
        "the two jobs overlapped: {spans:?}"
    );
}

#[test]
fn deleting_a_project_cancels_its_running_import_first() {
    let (dir, library) = open_temp();
    let p = project(&library, "Doomed");
    let handler = LongWrite::new(JobKind::Import, &dir.path().join("out.bin"));
    let queue = JobQueue::new(library.clone());
    let job = queue.enqueue(&NewJob::import(&p, &[])).unwrap();
    let worker = run_in_background(WorkerPool::new(
        queue.clone(),
        Registry::default().with(handler),
        fast_config(),
    ));
    wait_until("the import works", Duration::from_secs(10), || {
        library.jobs().get(&job.id).unwrap().progress > 0.0
    });
    // Deleting behind the job's back is refused, in words.
    let refused = library.delete_project(&p).unwrap_err();
    assert!(
        matches!(refused, LibraryError::ProjectHasJobs { active: 1, .. }),
        "{refused:?}"
    );
    assert!(refused.hint().is_some());

    queue.delete_project(&p, Duration::from_secs(10)).unwrap();
    worker.join().unwrap();
    assert!(matches!(
        library.project(&p),
        Err(LibraryError::NotFound { .. })
    ));
    let ended = library.jobs().get(&job.id).unwrap();
    assert_eq!(ended.status, JobStatus::Cancelled);
    library.integrity_check().unwrap();
}

#[test]
fn heavy_jobs_share_the_machine_wide_cpu_budget_across_pools() {
    let (dir, library) = open_temp();
    let budget_dir = tempfile::tempdir().unwrap();
    let spans: Arc<Mutex<Vec<(Instant, Instant)>>> = Arc::default();
    let pool_with = |n: usize| {
        let mut handler = LongWrite::new(JobKind::Import, &dir.path().join(format!("{n}.bin")));
        handler.locks = false;
        handler.steps = 20;
        handler.spans = spans.clone();
        // Two pools stand for two processes: they share nothing but the library and the budget.
        WorkerPool::new(
            JobQueue::new(library.clone()),
            Registry::default().with(handler),
            WorkerConfig {
                budget: Some(CpuBudget::new(budget_dir.path(), 1).unwrap()),
                ..fast_config()
            },
        )
    };
    let queue = JobQueue::new(library.clone());
    let p = project(&library, "Busy");
    for _ in 0..4 {
        queue.enqueue(&NewJob::import(&p, &[])).unwrap();
    }
    let first = run_in_background(pool_with(1));
    let second = run_in_background(pool_with(2));
    first.join().unwrap();
    second.join().unwrap();
    let mut spans = spans.lock().unwrap().clone();
    assert_eq!(spans.len(), 4);
    spans.sort();
    for pair in spans.windows(2) {
        assert!(
            pair[0].1 <= pair[1].0,
            "two heavy jobs ran at once on one slot: {pair:?}"
        );
    }
}

#[test]
fn idle_workers_wake_when_a_job_is_queued_here() {
    let (dir, library) = open_temp();
    let p = project(&library, "Wake");
    let mut handler = LongWrite::new(JobKind::Import, &dir.path().join("out.bin"));
    handler.steps = 1;
    let queue = JobQueue::new(library.clone());
    let mut workers = WorkerPool::new(
        queue.clone(),
        Registry::default().with(handler),
        WorkerConfig {
            // Work queued by another process is only looked for once a minute here.
            idle_poll: Duration::from_secs(60),
            ..fast_config()
        },
    )
    .spawn()
    .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let job = queue.enqueue(&NewJob::import(&p, &[])).unwrap();
    wait_until("the queued job ran", Duration::from_secs(20), || {
        library.jobs().get(&job.id).unwrap().status == JobStatus::Succeeded
    });
    workers.stop();
}

#[test]
fn old_finished_jobs_are_pruned() {
    let (_dir, library) = open_temp();
    let p = project(&library, "Old");
    let jobs = library.jobs();
    let old = jobs.enqueue(&NewJob::verify_sources(&p)).unwrap();
    jobs.request_cancel(&old.id).unwrap();
    let recent = jobs.enqueue(&NewJob::verify_sources(&p)).unwrap();
    jobs.request_cancel(&recent.id).unwrap();
    let queued = jobs.enqueue(&NewJob::verify_sources(&p)).unwrap();
    rusqlite::Connection::open(library.db_path())
        .unwrap()
        .execute(
            "UPDATE jobs SET finished_at = '2020-01-01T00:00:00.000Z' WHERE id = ?1",
            [&old.id],
        )
        .unwrap();
    assert_eq!(jobs.prune(Duration::from_secs(7 * 24 * 3600)).unwrap(), 1);
    assert!(matches!(jobs.get(&old.id), Err(JobError::NotFound { .. })));
    assert!(jobs.get(&recent.id).is_ok());
    assert!(jobs.get(&queued.id).is_ok());
}

#[test]
fn an_expired_project_lock_is_taken_over() {
    let (_dir, library) = open_temp();
    let p = project(&library, "Locks");
    // A holder on another machine that vanished without releasing: its row stays until it expires.
    rusqlite::Connection::open(library.db_path())
        .unwrap()
        .execute(
            "INSERT INTO project_locks (project_id, owner, expires_at)
             VALUES (?1, 'other-machine/1/a', strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+0.8 seconds'))",
            [&p],
        )
        .unwrap();
    let acquire = |wait| {
        ProjectLock::acquire(
            library.clone(),
            &p,
            "me/2/b",
            Duration::from_secs(5),
            wait,
            CancelToken::new(),
        )
    };
    assert!(matches!(
        acquire(WaitPolicy::Fail),
        Err(JobError::ProjectBusy { .. })
    ));
    assert!(
        acquire(WaitPolicy::Wait(Duration::from_secs(5))).is_ok(),
        "the lock expired and was taken over"
    );
}

/// Child side of the two-process lock test: holds the lock in bursts and logs each hold. Ignored
/// in normal runs; the parent test below starts it with `--include-ignored`.
#[test]
#[ignore = "started by two_processes_never_hold_a_project_at_once_and_a_dead_holder_frees_it"]
fn lock_contender_child() {
    let spec = std::env::var("EF_LOCK_CHILD").expect("EF_LOCK_CHILD names the library and project");
    let parts: Vec<&str> = spec.split('|').collect();
    let (dir, project, log) = (parts[0], parts[1], parts[2]);
    let library = Arc::new(Library::open(std::path::Path::new(dir)).unwrap());
    let hold = parts.get(3) == Some(&"hold");
    let acquire = |ttl| {
        ProjectLock::acquire(
            library.clone(),
            project,
            &edit_factory::jobs::owner::new_owner(),
            ttl,
            WaitPolicy::Wait(Duration::from_secs(30)),
            CancelToken::new(),
        )
        .unwrap()
    };
    let now = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    };
    let mut lines = String::new();
    for _ in 0..if hold { 0 } else { 15 } {
        let lock = acquire(Duration::from_secs(5));
        let start = now();
        std::thread::sleep(Duration::from_millis(15));
        let end = now();
        drop(lock);
        lines += &format!("{start} {end}\n");
    }
    if hold {
        // Take it once more and keep it until killed.
        let _lock = acquire(Duration::from_secs(60));
        lines += "holding\n";
        std::fs::write(log, &lines).unwrap();
        std::thread::sleep(Duration::from_secs(120));
    }
    std::fs::write(log, lines).unwrap();
}

#[test]
fn two_processes_never_hold_a_project_at_once_and_a_dead_holder_frees_it() {
    let (dir, library) = open_temp();
    let p = project(&library, "Contended");
    let spawn = |log: &std::path::Path, mode: &str| {
        std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "lock_contender_child",
                "--include-ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(
                "EF_LOCK_CHILD",
                format!("{}|{p}|{}|{mode}", dir.path().display(), log.display()),
            )
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    let logs = tempfile::tempdir().unwrap();
    let (log_a, log_b, log_c) = (
        logs.path().join("a"),
        logs.path().join("b"),
        logs.path().join("c"),
    );
    let mut a = spawn(&log_a, "burst");
    let mut b = spawn(&log_b, "burst");
    assert!(a.wait().unwrap().success());
    assert!(b.wait().unwrap().success());
    let mut holds: Vec<(u128, u128)> = [&log_a, &log_b]
        .iter()
        .flat_map(|log| {
            std::fs::read_to_string(log)
                .unwrap()
                .lines()
                .filter_map(|l| {
                    l.split_once(' ')
                        .map(|(s, e)| (s.parse().unwrap(), e.parse().unwrap()))
                })
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(holds.len(), 30, "both children ran their bursts");
    holds.sort();
    for pair in holds.windows(2) {
        assert!(pair[0].1 <= pair[1].0, "two holders overlapped: {pair:?}");
    }

    // A third process takes it and keeps it.
    let mut c = spawn(&log_c, "hold");
    wait_until(
        "the third process holds the lock",
        Duration::from_secs(60),
        || {
            std::fs::read_to_string(&log_c)
                .unwrap_or_default()
                .contains("holding")
        },
    );
    let acquire = |owner: &str| {
        ProjectLock::acquire(
            library.clone(),
            &p,
            owner,
            Duration::from_secs(5),
            WaitPolicy::Fail,
            CancelToken::new(),
        )
    };
    assert!(
        matches!(acquire("me/1/x"), Err(JobError::ProjectBusy { .. })),
        "held by the other process"
    );
    // The holder dies without releasing: the lock is free again (its process is gone).
    c.kill().unwrap();
    c.wait().unwrap();
    assert!(acquire(&edit_factory::jobs::owner::new_owner()).is_ok());
}

#[test]
fn the_verify_job_marks_moved_and_changed_sources() {
    let (_dir, library) = open_temp();
    let p = project(&library, "Verify");
    let tree = tempfile::tempdir().unwrap();
    let (kept, moved, edited) = (
        tree.path().join("kept.mp4"),
        tree.path().join("moved.mp4"),
        tree.path().join("edited.wav"),
    );
    std::fs::copy(
        common::media("video/libopenshot_run_h264_noaudio.mp4"),
        &kept,
    )
    .unwrap();
    std::fs::copy(common::media("video/moviepy_chaplin_h264_mp3.mp4"), &moved).unwrap();
    std::fs::copy(common::media("speech/jfk.wav"), &edited).unwrap();
    let queue = JobQueue::new(library.clone());
    let pool = WorkerPool::new(
        queue.clone(),
        edit_factory::jobs::handlers::registry(),
        fast_config(),
    );
    let import = queue
        .enqueue(&NewJob::import(&p, &[tree.path().to_path_buf()]))
        .unwrap();
    pool.run_until_idle(None).unwrap();
    let Some(JobOutcome::Import(report)) = library.jobs().get(&import.id).unwrap().result else {
        panic!("an import report");
    };
    assert_eq!(report.imported.len(), 3, "{:?}", report.failed);

    std::fs::rename(&moved, tree.path().join("elsewhere.mp4")).unwrap();
    let mut bytes = std::fs::read(&edited).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xFF;
    std::fs::write(&edited, bytes).unwrap();
    let verify = queue.enqueue(&NewJob::verify_sources(&p)).unwrap();
    pool.run_until_idle(None).unwrap();
    let done = library.jobs().get(&verify.id).unwrap();
    assert_eq!(done.status, JobStatus::Succeeded);
    let Some(JobOutcome::VerifySources(report)) = done.result else {
        panic!("a verify report");
    };
    assert_eq!((report.checked, report.ok), (3, 1));
    assert!(report.missing[0].ends_with("moved.mp4"), "{report:?}");
    assert!(report.changed[0].ends_with("edited.wav"), "{report:?}");
    let statuses: Vec<_> = library
        .project_sources(&p)
        .unwrap()
        .into_iter()
        .map(|s| (s.file_name, s.status))
        .collect();
    assert!(statuses.contains(&(
        "moved.mp4".into(),
        edit_factory::library::sources::SourceStatus::Missing
    )));
    assert!(statuses.contains(&(
        "edited.wav".into(),
        edit_factory::library::sources::SourceStatus::Changed
    )));
}
