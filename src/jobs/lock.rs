//! An exclusive, expiring lock per project, held in SQLite, so two jobs, two windows, two
//! processes, or the app and the CLI never work on the same project at once. The owner is one job
//! (never a whole process), so two jobs of one process exclude each other too. The holder renews
//! the lock while it works; a lock found lost (it expired and someone else took it) stops the job
//! through its cancel token. If the holder dies the lock expires, or is taken over at once when the
//! holder was a process on this machine that has exited.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rusqlite::{params, OptionalExtension};

use super::cancel::{CancelReason, CancelToken};
use super::{owner, JobError};
use crate::library::{Library, NOW_SQL};

/// What a second contender does when the project is held.
#[derive(Debug, Clone, Copy)]
pub enum WaitPolicy {
    /// Fail at once with [`JobError::ProjectBusy`].
    Fail,
    /// Wait up to this long, then fail with [`JobError::ProjectBusy`].
    Wait(Duration),
}

const POLL: Duration = Duration::from_millis(100);

/// Holds a project lock; renews it in the background and releases it when dropped.
pub struct ProjectLock {
    library: Arc<Library>,
    project_id: String,
    owner: String,
    stop: Arc<AtomicBool>,
    renewer: Option<JoinHandle<()>>,
}

impl ProjectLock {
    /// Take the lock for `owner` (one job). If it is later lost, `on_lost` is stopped with the
    /// reason.
    pub fn acquire(
        library: Arc<Library>,
        project_id: &str,
        owner: &str,
        ttl: Duration,
        wait: WaitPolicy,
        on_lost: CancelToken,
    ) -> Result<Self, JobError> {
        let deadline = match wait {
            WaitPolicy::Fail => Instant::now(),
            WaitPolicy::Wait(d) => Instant::now() + d,
        };
        loop {
            if try_take(&library, project_id, owner, ttl)? {
                break;
            }
            if Instant::now() >= deadline {
                let (holder, expires_at) = holder(&library, project_id)?.unwrap_or_default();
                return Err(JobError::ProjectBusy {
                    project_id: project_id.to_owned(),
                    holder,
                    expires_at,
                });
            }
            if on_lost.wait(POLL) {
                return Err(JobError::ProjectBusy {
                    project_id: project_id.to_owned(),
                    holder: String::new(),
                    expires_at: String::new(),
                });
            }
        }
        let stop = Arc::new(AtomicBool::new(false));
        let renewer = {
            let (library, project_id, owner, stop) = (
                library.clone(),
                project_id.to_owned(),
                owner.to_owned(),
                stop.clone(),
            );
            std::thread::Builder::new()
                .name("project-lock".into())
                .spawn(move || keep_renewed(&library, &project_id, &owner, ttl, &stop, &on_lost))
                .map_err(JobError::Thread)?
        };
        tracing::debug!(project = %project_id, %owner, "project lock taken");
        Ok(Self {
            library,
            project_id: project_id.to_owned(),
            owner: owner.to_owned(),
            stop,
            renewer: Some(renewer),
        })
    }

    pub fn project_id(&self) -> &str {
        &self.project_id
    }
}

fn keep_renewed(
    library: &Library,
    project_id: &str,
    owner: &str,
    ttl: Duration,
    stop: &AtomicBool,
    on_lost: &CancelToken,
) {
    let mut last = Instant::now();
    while !stop.load(Ordering::SeqCst) {
        std::thread::sleep(POLL);
        if last.elapsed() < ttl / 3 {
            continue;
        }
        last = Instant::now();
        match renew(library, project_id, owner, ttl) {
            Ok(true) => {}
            Ok(false) => {
                tracing::warn!(project = %project_id, %owner, "project lock lost; stopping the job");
                on_lost.stop(CancelReason::Lost(
                    "the project lock was lost: another job or process took the project over"
                        .into(),
                ));
                return;
            }
            // A busy database now is not a lost lock; the next renewal tries again well before
            // the lock expires.
            Err(e) => {
                tracing::warn!(project = %project_id, "could not renew the project lock: {e}")
            }
        }
    }
}

impl Drop for ProjectLock {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(renewer) = self.renewer.take() {
            if renewer.join().is_err() {
                tracing::error!("project lock renewer panicked");
            }
        }
        let released = self.library.write(|tx| {
            tx.execute(
                "DELETE FROM project_locks WHERE project_id = ?1 AND owner = ?2",
                params![self.project_id, self.owner],
            )
            .map_err(JobError::from)
        });
        if let Err(e) = released {
            // It expires by itself; nothing is lost.
            tracing::warn!(project = %self.project_id, "could not release the project lock: {e}");
        }
    }
}

fn expiry(ttl: Duration) -> String {
    format!("+{:.3} seconds", ttl.as_secs_f64())
}

/// Take the lock if it is free, expired, or held by a process here that has exited. Not
/// re-entrant: an owner names one job, and a job takes its lock once.
fn try_take(
    library: &Library,
    project_id: &str,
    owner: &str,
    ttl: Duration,
) -> Result<bool, JobError> {
    library.write(|tx| {
        let current: Option<String> = tx
            .query_row(
                "SELECT owner FROM project_locks WHERE project_id = ?1",
                [project_id],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(holder) = current {
            if holder != owner && owner::is_dead(&holder) {
                tx.execute(
                    "DELETE FROM project_locks WHERE project_id = ?1 AND owner = ?2",
                    params![project_id, holder],
                )?;
            }
        }
        let changed = tx.execute(
            &format!(
                "INSERT INTO project_locks (project_id, owner, expires_at)
                 VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?3))
                 ON CONFLICT (project_id) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
                 WHERE project_locks.expires_at < {NOW_SQL}"
            ),
            params![project_id, owner, expiry(ttl)],
        )?;
        Ok(changed == 1)
    })
}

/// Extend the lock; `false` when `owner` no longer holds it.
fn renew(
    library: &Library,
    project_id: &str,
    owner: &str,
    ttl: Duration,
) -> Result<bool, JobError> {
    library.write(|tx| {
        let changed = tx.execute(
            "UPDATE project_locks SET expires_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?3)
             WHERE project_id = ?1 AND owner = ?2",
            params![project_id, owner, expiry(ttl)],
        )?;
        Ok(changed == 1)
    })
}

/// The current holder and expiry, if any.
pub fn holder(library: &Library, project_id: &str) -> Result<Option<(String, String)>, JobError> {
    library.read(|conn| {
        Ok(conn
            .query_row(
                "SELECT owner, expires_at FROM project_locks WHERE project_id = ?1",
                [project_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    })
}
