//! Durable jobs on a real library file: transitions, retries, cancellation, recovery, locks.

mod common;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use edit_factory::jobs::lock::{ProjectLock, WaitPolicy};
use edit_factory::jobs::output::AtomicOutput;
use edit_factory::jobs::{
    kinds, FailureKind, JobContext, JobError, JobFailure, JobHandler, JobStatus, NewJob, Registry,
    WorkerConfig, WorkerPool,
};
use edit_factory::library::Library;

fn open_temp() -> (tempfile::TempDir, Arc<Library>) {
    let dir = tempfile::tempdir().unwrap();
    let library = Arc::new(Library::open(dir.path()).unwrap());
    (dir, library)
}

fn fast_config() -> WorkerConfig {
    WorkerConfig {
        retry_base: Duration::from_millis(150),
        retry_cap: Duration::from_secs(2),
        heartbeat: Duration::from_millis(200),
        idle_poll: Duration::from_millis(20),
        ..WorkerConfig::default()
    }
}

/// Fails with a retryable error until its third attempt, recording when each attempt started.
struct Flaky {
    starts: Arc<Mutex<Vec<Instant>>>,
}

impl JobHandler for Flaky {
    fn kind(&self) -> &'static str {
        "flaky"
    }
    fn run(&self, ctx: &JobContext<'_>) -> Result<serde_json::Value, JobFailure> {
        self.starts.lock().unwrap().push(Instant::now());
        if ctx.job.attempts < 3 {
            return Err(JobFailure::retryable("network hiccup"));
        }
        Ok(serde_json::json!({ "attempt": ctx.job.attempts }))
    }
}

struct Broken {
    runs: Arc<AtomicU32>,
}

impl JobHandler for Broken {
    fn kind(&self) -> &'static str {
        "broken"
    }
    fn run(&self, _: &JobContext<'_>) -> Result<serde_json::Value, JobFailure> {
        self.runs.fetch_add(1, Ordering::SeqCst);
        Err(JobFailure::permanent("the input file is not a video"))
    }
}

/// Writes a partial output and works until cancelled.
struct LongWrite {
    dest: std::path::PathBuf,
}

impl JobHandler for LongWrite {
    fn kind(&self) -> &'static str {
        "long_write"
    }
    fn run(&self, ctx: &JobContext<'_>) -> Result<serde_json::Value, JobFailure> {
        let out = AtomicOutput::new(&self.dest);
        std::fs::write(out.partial_path(), b"partial render")
            .map_err(|e| JobFailure::permanent(e.to_string()))?;
        for i in 0..600 {
            ctx.check_cancelled()?;
            ctx.report(i as f64 / 600.0, "rendering");
            std::thread::sleep(Duration::from_millis(10));
        }
        out.commit()
            .map_err(|e| JobFailure::permanent(e.to_string()))?;
        Ok(serde_json::json!({}))
    }
}

struct Panics;

impl JobHandler for Panics {
    fn kind(&self) -> &'static str {
        "panics"
    }
    fn run(&self, _: &JobContext<'_>) -> Result<serde_json::Value, JobFailure> {
        panic!("bug in a handler")
    }
}

#[test]
fn illegal_transitions_are_rejected() {
    let (_dir, library) = open_temp();
    let jobs = library.jobs();
    let job = jobs
        .enqueue(&NewJob::new("flaky", None, serde_json::json!({})))
        .unwrap();
    assert_eq!(job.status, JobStatus::Queued);
    // Finishing a job nobody claimed.
    assert!(matches!(
        jobs.succeed(&job.id, "someone", &serde_json::json!({})),
        Err(JobError::IllegalTransition {
            from: JobStatus::Queued,
            to: JobStatus::Succeeded,
            ..
        })
    ));
    // Retrying a queued job.
    assert!(matches!(
        jobs.retry(&job.id),
        Err(JobError::IllegalTransition { .. })
    ));
    // Cancelling twice.
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
    let other = jobs
        .enqueue(&NewJob::new("flaky", None, serde_json::json!({})))
        .unwrap();
    let claimed = jobs
        .claim("owner-a", &["flaky"], None, Duration::from_secs(30))
        .unwrap()
        .unwrap();
    assert_eq!(claimed.id, other.id);
    assert!(matches!(
        jobs.succeed(&other.id, "owner-b", &serde_json::json!({})),
        Err(JobError::LostLease { .. })
    ));
    let done = jobs
        .succeed(&other.id, "owner-a", &serde_json::json!({"ok": true}))
        .unwrap();
    assert_eq!(done.status, JobStatus::Succeeded);
    assert!(matches!(
        jobs.retry(&done.id),
        Err(JobError::IllegalTransition { .. })
    ));
    assert!(matches!(
        jobs.request_cancel(&done.id),
        Err(JobError::IllegalTransition { .. })
    ));
}

#[test]
fn a_retryable_failure_is_retried_with_backoff_then_succeeds() {
    let (_dir, library) = open_temp();
    let starts = Arc::new(Mutex::new(Vec::new()));
    let registry = Registry::default().with(Flaky {
        starts: starts.clone(),
    });
    let job = library
        .jobs()
        .enqueue(&NewJob::new("flaky", None, serde_json::json!({})))
        .unwrap();
    WorkerPool::new(library.clone(), registry, fast_config())
        .run_until_idle(None)
        .unwrap();

    let done = library.jobs().get(&job.id).unwrap();
    assert_eq!(done.status, JobStatus::Succeeded);
    assert_eq!(done.attempts, 3);
    assert_eq!(done.result.unwrap()["attempt"], 3);
    let starts = starts.lock().unwrap();
    assert_eq!(starts.len(), 3);
    // Backoff doubles: at least 150 ms, then at least 300 ms, between attempts.
    assert!(
        starts[1] - starts[0] >= Duration::from_millis(150),
        "{:?}",
        starts[1] - starts[0]
    );
    assert!(
        starts[2] - starts[1] >= Duration::from_millis(300),
        "{:?}",
        starts[2] - starts[1]
    );
}

#[test]
fn a_retryable_failure_stops_at_max_attempts_and_a_permanent_one_at_once() {
    let (_dir, library) = open_temp();
    let runs = Arc::new(AtomicU32::new(0));
    let registry = Registry::default().with(Broken { runs: runs.clone() });
    let job = library
        .jobs()
        .enqueue(&NewJob::new("broken", None, serde_json::json!({})))
        .unwrap();
    WorkerPool::new(library.clone(), registry, fast_config())
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

    // A user's retry runs it again, with fresh attempts.
    let again = library.jobs().retry(&job.id).unwrap();
    assert_eq!((again.status, again.attempts), (JobStatus::Queued, 0));

    let flaky_runs = Arc::new(Mutex::new(Vec::new()));
    let registry = Registry::default().with(Flaky {
        starts: flaky_runs.clone(),
    });
    let mut new = NewJob::new("flaky", None, serde_json::json!({}));
    new.max_attempts = 2;
    let limited = library.jobs().enqueue(&new).unwrap();
    WorkerPool::new(library.clone(), registry, fast_config())
        .run_until_idle(Some(std::slice::from_ref(&limited.id)))
        .unwrap();
    let limited = library.jobs().get(&limited.id).unwrap();
    assert_eq!(limited.status, JobStatus::Failed);
    assert_eq!(limited.error_kind, Some(FailureKind::Retryable));
    assert_eq!(flaky_runs.lock().unwrap().len(), 2);
}

#[test]
fn cancel_stops_the_work_and_removes_partial_files() {
    let (dir, library) = open_temp();
    let dest = dir.path().join("exports/clip.mp4");
    std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
    let registry = Registry::default().with(LongWrite { dest: dest.clone() });
    let job = library
        .jobs()
        .enqueue(&NewJob::new("long_write", None, serde_json::json!({})))
        .unwrap();

    let canceller = {
        let library = library.clone();
        let id = job.id.clone();
        let exports = dest.parent().unwrap().to_path_buf();
        std::thread::spawn(move || {
            // Wait until the work is under way and its partial file exists, then cancel.
            let deadline = Instant::now() + Duration::from_secs(10);
            loop {
                let partial = std::fs::read_dir(&exports).unwrap().count() > 0;
                let job = library.jobs().get(&id).unwrap();
                if partial && job.status == JobStatus::Running && job.progress > 0.0 {
                    break;
                }
                assert!(Instant::now() < deadline, "the job never started");
                std::thread::sleep(Duration::from_millis(10));
            }
            library.jobs().request_cancel(&id).unwrap()
        })
    };
    WorkerPool::new(library.clone(), registry, fast_config())
        .run_until_idle(None)
        .unwrap();
    let flagged = canceller.join().unwrap();
    assert!(flagged.cancel_requested);
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
fn a_panicking_handler_fails_its_job_permanently() {
    let (_dir, library) = open_temp();
    let job = library
        .jobs()
        .enqueue(&NewJob::new("panics", None, serde_json::json!({})))
        .unwrap();
    WorkerPool::new(
        library.clone(),
        Registry::default().with(Panics),
        fast_config(),
    )
    .run_until_idle(None)
    .unwrap();
    let failed = library.jobs().get(&job.id).unwrap();
    assert_eq!(failed.status, JobStatus::Failed);
    assert!(failed.error_message.unwrap().contains("bug in a handler"));
}

#[test]
fn interrupted_jobs_are_recovered_when_the_library_opens() {
    let dir = tempfile::tempdir().unwrap();
    let (resumable, not_resumable, alive) = {
        let library = Library::open(dir.path()).unwrap();
        let profile = library.default_profile().unwrap();
        let project = library.create_project(&profile.id, "P", None).unwrap();
        let jobs = library.jobs();
        let a = jobs.enqueue(&kinds::verify_job(&project.id)).unwrap();
        let b = jobs
            .enqueue(&NewJob::new(
                "from_a_newer_version",
                None,
                serde_json::json!({}),
            ))
            .unwrap();
        let c = jobs.enqueue(&kinds::verify_job(&project.id)).unwrap();
        // Two holders that are gone (a process id that cannot exist here), one that is us.
        let host = edit_factory::jobs::owner::new_owner()
            .split('/')
            .next()
            .unwrap()
            .to_owned();
        let dead = format!("{host}/4000000000/dead");
        jobs.claim(
            &dead,
            &["verify_sources"],
            Some(std::slice::from_ref(&a.id)),
            Duration::from_secs(600),
        )
        .unwrap()
        .unwrap();
        jobs.claim(
            &dead,
            &["from_a_newer_version"],
            None,
            Duration::from_secs(600),
        )
        .unwrap()
        .unwrap();
        let me = edit_factory::jobs::owner::new_owner();
        jobs.claim(
            &me,
            &["verify_sources"],
            Some(std::slice::from_ref(&c.id)),
            Duration::from_secs(600),
        )
        .unwrap()
        .unwrap();
        (a.id, b.id, c.id)
    };
    let library = Library::open(dir.path()).unwrap();
    let jobs = library.jobs();
    let a = jobs.get(&resumable).unwrap();
    assert_eq!(
        a.status,
        JobStatus::Queued,
        "a resumable job goes back to the queue"
    );
    assert_eq!(a.step, "resuming after an interruption");
    let b = jobs.get(&not_resumable).unwrap();
    assert_eq!(b.status, JobStatus::Failed);
    assert_eq!(b.error_kind, Some(FailureKind::Interrupted));
    assert!(b.error_message.unwrap().contains("interrupted"));
    assert_eq!(
        jobs.get(&alive).unwrap().status,
        JobStatus::Running,
        "a live holder keeps its job"
    );
}

#[test]
fn an_expired_project_lock_is_taken_over() {
    let (_dir, library) = open_temp();
    let profile = library.default_profile().unwrap();
    let project = library.create_project(&profile.id, "Locks", None).unwrap();
    // A holder on another machine that vanished without releasing: its row stays until it expires.
    rusqlite::Connection::open(library.db_path())
        .unwrap()
        .execute(
            "INSERT INTO project_locks (project_id, owner, expires_at)
             VALUES (?1, 'other-machine/1/a', strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+0.8 seconds'))",
            [&project.id],
        )
        .unwrap();
    let busy = ProjectLock::acquire(
        library.clone(),
        &project.id,
        "me/2/b",
        Duration::from_secs(5),
        WaitPolicy::Fail,
    );
    assert!(matches!(busy, Err(JobError::ProjectBusy { .. })));
    let taken = ProjectLock::acquire(
        library.clone(),
        &project.id,
        "me/2/b",
        Duration::from_secs(5),
        WaitPolicy::Wait(Duration::from_secs(5)),
    );
    assert!(taken.is_ok(), "the lock expired and was taken over");
}

/// Child side of the two-process lock test: holds the lock in bursts and logs each hold.
#[test]
fn lock_contender_child() {
    let Ok(spec) = std::env::var("EF_LOCK_CHILD") else {
        return; // only runs when the parent test starts it
    };
    let parts: Vec<&str> = spec.split('|').collect();
    let (dir, project, log) = (parts[0], parts[1], parts[2]);
    let library = Arc::new(Library::open(std::path::Path::new(dir)).unwrap());
    let owner = edit_factory::jobs::owner::new_owner();
    let mut lines = String::new();
    let hold = parts.get(3) == Some(&"hold");
    for _ in 0..if hold { 0 } else { 15 } {
        let lock = ProjectLock::acquire(
            library.clone(),
            project,
            &owner,
            Duration::from_secs(5),
            WaitPolicy::Wait(Duration::from_secs(30)),
        )
        .unwrap();
        let start = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        std::thread::sleep(Duration::from_millis(15));
        let end = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        drop(lock);
        lines += &format!("{start} {end}\n");
    }
    if hold {
        // Take it once more and keep it until killed.
        let _lock = ProjectLock::acquire(
            library.clone(),
            project,
            &owner,
            Duration::from_secs(60),
            WaitPolicy::Wait(Duration::from_secs(30)),
        )
        .unwrap();
        lines += "holding\n";
        std::fs::write(log, &lines).unwrap();
        std::thread::sleep(Duration::from_secs(120));
    }
    std::fs::write(log, lines).unwrap();
}

#[test]
fn two_processes_never_hold_a_project_at_once_and_a_dead_holder_frees_it() {
    let (dir, library) = open_temp();
    let profile = library.default_profile().unwrap();
    let project = library
        .create_project(&profile.id, "Contended", None)
        .unwrap();
    let spawn = |log: &std::path::Path, mode: &str| {
        std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "lock_contender_child",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(
                "EF_LOCK_CHILD",
                format!(
                    "{}|{}|{}|{mode}",
                    dir.path().display(),
                    project.id,
                    log.display()
                ),
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
    assert_eq!(holds.len(), 30);
    holds.sort();
    for pair in holds.windows(2) {
        assert!(pair[0].1 <= pair[1].0, "two holders overlapped: {pair:?}");
    }

    // A third process takes it and keeps it.
    let mut c = spawn(&log_c, "hold");
    let deadline = Instant::now() + Duration::from_secs(60);
    while !std::fs::read_to_string(&log_c)
        .unwrap_or_default()
        .contains("holding")
    {
        assert!(
            Instant::now() < deadline,
            "the third process never took the lock"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // A contender that will not wait is told it is busy.
    let busy = ProjectLock::acquire(
        library.clone(),
        &project.id,
        "me/1/x",
        Duration::from_secs(5),
        WaitPolicy::Fail,
    );
    assert!(
        matches!(busy, Err(JobError::ProjectBusy { .. })),
        "held by the other process"
    );
    // The holder dies without releasing: the lock is free again (its process is gone).
    c.kill().unwrap();
    c.wait().unwrap();
    let mine = edit_factory::jobs::owner::new_owner();
    assert!(ProjectLock::acquire(
        library.clone(),
        &project.id,
        &mine,
        Duration::from_secs(5),
        WaitPolicy::Fail
    )
    .is_ok());
}
