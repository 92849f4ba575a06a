//! The jobs table, and the one place where a job's status changes. Every change is a conditional
//! UPDATE on the expected current status (and, for a running job, its lease owner), so two
//! processes can never both move the same job.

use std::time::Duration;

use rusqlite::{params, OptionalExtension, Row};

use super::{FailureKind, Job, JobError, JobStatus, NewJob};
use crate::library::{new_id, Library, NOW_SQL};

const COLUMNS: &str =
    "id, kind, project_id, payload, status, attempts, max_attempts, progress, step,
    eta_s, error_kind, error_message, result, cancel_requested, not_before, lease_owner, created_at,
    started_at, finished_at, updated_at";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Job> {
    let json = |text: Option<String>| text.and_then(|t| serde_json::from_str(&t).ok());
    let status: String = row.get(4)?;
    Ok(Job {
        id: row.get(0)?,
        kind: row.get(1)?,
        project_id: row.get(2)?,
        payload: json(row.get(3)?).unwrap_or(serde_json::Value::Null),
        status: JobStatus::parse(&status).unwrap_or(JobStatus::Failed),
        attempts: row.get(5)?,
        max_attempts: row.get(6)?,
        progress: row.get(7)?,
        step: row.get(8)?,
        eta_s: row.get(9)?,
        error_kind: row
            .get::<_, Option<String>>(10)?
            .and_then(|k| FailureKind::parse(&k)),
        error_message: row.get(11)?,
        result: json(row.get(12)?),
        cancel_requested: row.get(13)?,
        not_before: row.get(14)?,
        lease_owner: row.get(15)?,
        created_at: row.get(16)?,
        started_at: row.get(17)?,
        finished_at: row.get(18)?,
        updated_at: row.get(19)?,
    })
}

/// A quoted SQL list of identifiers the program itself chose (job kinds, parsed UUIDs); quotes
/// are doubled all the same.
fn sql_list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let quoted: Vec<String> = items
        .map(|i| format!("'{}'", i.replace('\'', "''")))
        .collect();
    if quoted.is_empty() {
        "NULL".to_owned()
    } else {
        quoted.join(",")
    }
}

/// "now + d" as an SQL modifier for `strftime`.
fn offset(d: Duration) -> String {
    format!("+{:.3} seconds", d.as_secs_f64())
}

const LATER_SQL: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?)";

/// Jobs in one library. Get it with [`Library::jobs`].
pub struct Jobs<'a> {
    library: &'a Library,
}

impl Library {
    pub fn jobs(&self) -> Jobs<'_> {
        Jobs { library: self }
    }
}

impl Jobs<'_> {
    pub fn enqueue(&self, new: &NewJob) -> Result<Job, JobError> {
        let id = new_id();
        self.library.conn().execute(
            &format!(
                "INSERT INTO jobs (id, kind, project_id, payload, status, max_attempts, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, 'queued', ?5, {NOW_SQL}, {NOW_SQL})"
            ),
            params![id, new.kind, new.project_id, new.payload.to_string(), new.max_attempts.max(1)],
        )?;
        tracing::info!(job = %id, kind = %new.kind, "job queued");
        self.get(&id)
    }

    pub fn get(&self, id: &str) -> Result<Job, JobError> {
        self.library
            .conn()
            .query_row(
                &format!("SELECT {COLUMNS} FROM jobs WHERE id = ?1"),
                [id],
                from_row,
            )
            .optional()?
            .ok_or_else(|| JobError::NotFound { id: id.to_owned() })
    }

    /// Every queued and running job, plus the `limit` most recently changed finished ones; newest
    /// first.
    pub fn list(&self, limit: u32) -> Result<Vec<Job>, JobError> {
        let conn = self.library.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {COLUMNS} FROM jobs
             WHERE status IN ('queued', 'running')
                OR id IN (SELECT id FROM jobs WHERE status NOT IN ('queued', 'running')
                          ORDER BY updated_at DESC LIMIT ?1)
             ORDER BY created_at DESC"
        ))?;
        let rows = stmt.query_map([limit], from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Take the oldest due queued job of one of `kinds` (restricted to `only` when given) and hold it
    /// under `owner`'s lease.
    pub fn claim(
        &self,
        owner: &str,
        kinds: &[&str],
        only: Option<&[String]>,
        lease: Duration,
    ) -> Result<Option<Job>, JobError> {
        if kinds.is_empty() {
            return Ok(None);
        }
        let kind_list = sql_list(kinds.iter().copied());
        let only_clause = match only {
            Some([]) => return Ok(None),
            Some(ids) => format!("AND id IN ({})", sql_list(ids.iter().map(String::as_str))),
            None => String::new(),
        };
        let claimed = self
            .library
            .conn()
            .query_row(
                &format!(
                    "UPDATE jobs SET status = 'running', attempts = attempts + 1, lease_owner = ?1,
                        lease_expires_at = {LATER_SQL}, started_at = COALESCE(started_at, {NOW_SQL}),
                        step = 'starting', eta_s = NULL, updated_at = {NOW_SQL}
                     WHERE id = (SELECT id FROM jobs
                                 WHERE status = 'queued' AND kind IN ({kind_list}) {only_clause}
                                   AND (not_before IS NULL OR not_before <= {NOW_SQL})
                                 ORDER BY created_at LIMIT 1)
                       AND status = 'queued'
                     RETURNING {COLUMNS}"
                ),
                params![owner, offset(lease)],
                from_row,
            )
            .optional()?;
        if let Some(job) = &claimed {
            tracing::info!(job = %job.id, kind = %job.kind, attempt = job.attempts, "job started");
        }
        Ok(claimed)
    }

    /// Whether any of `ids` (or any job at all) is still queued or running; also when the next
    /// queued one is due.
    pub fn pending(&self, only: Option<&[String]>, kinds: &[&str]) -> Result<Pending, JobError> {
        let mut filter = format!("AND kind IN ({})", sql_list(kinds.iter().copied()));
        if let Some(ids) = only {
            filter += &format!(" AND id IN ({})", sql_list(ids.iter().map(String::as_str)));
        }
        let conn = self.library.conn();
        let (running, queued, due_in): (u32, u32, Option<f64>) = conn.query_row(
            &format!(
                "SELECT
                   (SELECT COUNT(*) FROM jobs WHERE status = 'running' {filter}),
                   (SELECT COUNT(*) FROM jobs WHERE status = 'queued' {filter}),
                   (SELECT MIN(MAX(0, (julianday(COALESCE(not_before, {NOW_SQL})) - julianday('now')) * 86400))
                      FROM jobs WHERE status = 'queued' {filter})"
            ),
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        Ok(Pending {
            running,
            queued,
            next_due: due_in.map(Duration::from_secs_f64),
        })
    }

    /// Renew a running job's lease; returns whether a cancel was requested.
    pub fn heartbeat(&self, id: &str, owner: &str, lease: Duration) -> Result<bool, JobError> {
        let cancel: Option<bool> = self
            .library
            .conn()
            .query_row(
                &format!(
                    "UPDATE jobs SET lease_expires_at = {LATER_SQL}
                     WHERE id = ?2 AND status = 'running' AND lease_owner = ?3
                     RETURNING cancel_requested"
                ),
                params![offset(lease), id, owner],
                |r| r.get(0),
            )
            .optional()?;
        cancel.ok_or_else(|| JobError::LostLease { id: id.to_owned() })
    }

    pub fn report_progress(
        &self,
        id: &str,
        owner: &str,
        progress: f64,
        step: &str,
        eta_s: Option<f64>,
    ) -> Result<(), JobError> {
        let changed = self.library.conn().execute(
            &format!(
                "UPDATE jobs SET progress = ?1, step = ?2, eta_s = ?3, updated_at = {NOW_SQL}
                 WHERE id = ?4 AND status = 'running' AND lease_owner = ?5"
            ),
            params![progress.clamp(0.0, 1.0), step, eta_s, id, owner],
        )?;
        if changed == 0 {
            return Err(JobError::LostLease { id: id.to_owned() });
        }
        Ok(())
    }

    pub fn succeed(
        &self,
        id: &str,
        owner: &str,
        result: &serde_json::Value,
    ) -> Result<Job, JobError> {
        self.finish_running(id, JobStatus::Succeeded, |conn| {
            conn.execute(
                &format!(
                    "UPDATE jobs SET status = 'succeeded', progress = 1, step = 'done', eta_s = NULL,
                        result = ?3, error_kind = NULL, error_message = NULL, lease_owner = NULL,
                        lease_expires_at = NULL, finished_at = {NOW_SQL}, updated_at = {NOW_SQL}
                     WHERE id = ?1 AND status = 'running' AND lease_owner = ?2"
                ),
                params![id, owner, result.to_string()],
            )
        })
    }

    /// Record a failure: a retryable one with attempts left goes back to the queue after `retry_in`;
    /// anything else ends the job.
    pub fn fail(
        &self,
        id: &str,
        owner: &str,
        kind: FailureKind,
        message: &str,
        retry_in: Duration,
    ) -> Result<Job, JobError> {
        let job = self.get(id)?;
        let retry = kind == FailureKind::Retryable && job.attempts < job.max_attempts;
        let to = if retry {
            JobStatus::Queued
        } else {
            JobStatus::Failed
        };
        self.finish_running(id, to, |conn| {
            if retry {
                conn.execute(
                    &format!(
                        "UPDATE jobs SET status = 'queued', not_before = {LATER_SQL}, step = ?4,
                            error_kind = ?5, error_message = ?6, lease_owner = NULL,
                            lease_expires_at = NULL, eta_s = NULL, updated_at = {NOW_SQL}
                         WHERE id = ?2 AND status = 'running' AND lease_owner = ?3"
                    ),
                    params![
                        offset(retry_in),
                        id,
                        owner,
                        format!("retrying in {:.0} s", retry_in.as_secs_f64().ceil()),
                        kind.as_str(),
                        message
                    ],
                )
            } else {
                conn.execute(
                    &format!(
                        "UPDATE jobs SET status = 'failed', step = 'failed', error_kind = ?3,
                            error_message = ?4, lease_owner = NULL, lease_expires_at = NULL,
                            eta_s = NULL, finished_at = {NOW_SQL}, updated_at = {NOW_SQL}
                         WHERE id = ?1 AND status = 'running' AND lease_owner = ?2"
                    ),
                    params![id, owner, kind.as_str(), message],
                )
            }
        })
    }

    /// The worker stopped the job because a cancel was requested.
    pub fn mark_cancelled(&self, id: &str, owner: &str) -> Result<Job, JobError> {
        self.finish_running(id, JobStatus::Cancelled, |conn| {
            conn.execute(
                &format!(
                    "UPDATE jobs SET status = 'cancelled', step = 'cancelled', eta_s = NULL,
                        lease_owner = NULL, lease_expires_at = NULL, finished_at = {NOW_SQL},
                        updated_at = {NOW_SQL}
                     WHERE id = ?1 AND status = 'running' AND lease_owner = ?2"
                ),
                params![id, owner],
            )
        })
    }

    /// Give a claimed job back to the queue without counting the attempt (e.g. its project is busy).
    pub fn defer(
        &self,
        id: &str,
        owner: &str,
        step: &str,
        retry_in: Duration,
    ) -> Result<Job, JobError> {
        self.finish_running(id, JobStatus::Queued, |conn| {
            conn.execute(
                &format!(
                    "UPDATE jobs SET status = 'queued', attempts = MAX(0, attempts - 1),
                        not_before = {LATER_SQL}, step = ?4, lease_owner = NULL,
                        lease_expires_at = NULL, updated_at = {NOW_SQL}
                     WHERE id = ?2 AND status = 'running' AND lease_owner = ?3"
                ),
                params![offset(retry_in), id, owner, step],
            )
        })
    }

    /// A user asks to cancel: a queued job is cancelled at once, a running one is flagged and its
    /// worker stops at its next check.
    pub fn request_cancel(&self, id: &str) -> Result<Job, JobError> {
        let job = self.get(id)?;
        let changed = match job.status {
            JobStatus::Queued => self.library.conn().execute(
                &format!(
                    "UPDATE jobs SET status = 'cancelled', step = 'cancelled', finished_at = {NOW_SQL},
                        updated_at = {NOW_SQL} WHERE id = ?1 AND status = 'queued'"
                ),
                [id],
            )?,
            JobStatus::Running => self.library.conn().execute(
                &format!(
                    "UPDATE jobs SET cancel_requested = 1, step = 'cancelling', updated_at = {NOW_SQL}
                     WHERE id = ?1 AND status = 'running'"
                ),
                [id],
            )?,
            from => {
                return Err(JobError::IllegalTransition {
                    id: id.to_owned(),
                    from,
                    to: JobStatus::Cancelled,
                })
            }
        };
        if changed == 0 {
            // It moved on between the read and the write; report from its new state.
            return self.request_cancel(id);
        }
        tracing::info!(job = %id, "cancel requested");
        self.get(id)
    }

    /// A user asks to run a failed or cancelled job again, with a fresh set of attempts.
    pub fn retry(&self, id: &str) -> Result<Job, JobError> {
        let job = self.get(id)?;
        if !job.status.can_become(JobStatus::Queued) || job.status == JobStatus::Running {
            return Err(JobError::IllegalTransition {
                id: id.to_owned(),
                from: job.status,
                to: JobStatus::Queued,
            });
        }
        let changed = self.library.conn().execute(
            &format!(
                "UPDATE jobs SET status = 'queued', attempts = 0, progress = 0, step = 'queued again',
                    eta_s = NULL, error_kind = NULL, error_message = NULL, result = NULL,
                    cancel_requested = 0, not_before = NULL, finished_at = NULL, updated_at = {NOW_SQL}
                 WHERE id = ?1 AND status = ?2"
            ),
            params![id, job.status.as_str()],
        )?;
        if changed == 0 {
            return Err(JobError::IllegalTransition {
                id: id.to_owned(),
                from: self.get(id)?.status,
                to: JobStatus::Queued,
            });
        }
        tracing::info!(job = %id, "job queued again");
        self.get(id)
    }

    /// Recover jobs whose holder is gone: lease expired, or the holder was a process on this machine
    /// that no longer exists. Resumable kinds go back to the queue; others fail with the reason.
    /// Returns the recovered jobs.
    pub fn recover(&self, resumable: impl Fn(&str) -> bool) -> Result<Vec<Job>, JobError> {
        let candidates: Vec<Job> = {
            let conn = self.library.conn();
            let mut stmt = conn.prepare(&format!(
                "SELECT {COLUMNS} FROM jobs WHERE status = 'running'"
            ))?;
            let rows = stmt.query_map([], from_row)?;
            rows.collect::<Result<_, _>>()?
        };
        let expired_ids: Vec<String> = {
            let conn = self.library.conn();
            let mut stmt = conn.prepare(&format!(
                "SELECT id FROM jobs WHERE status = 'running'
                   AND (lease_expires_at IS NULL OR lease_expires_at < {NOW_SQL})"
            ))?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            rows.collect::<Result<_, _>>()?
        };
        let mut recovered = Vec::new();
        for job in candidates {
            let owner = job.lease_owner.clone().unwrap_or_default();
            let gone = expired_ids.contains(&job.id) || super::owner::is_dead(&owner);
            if !gone {
                continue;
            }
            // A job that keeps taking its process down is not resumed forever.
            let resume = resumable(&job.kind) && job.attempts < job.max_attempts;
            let changed = if resume {
                self.library.conn().execute(
                    &format!(
                        "UPDATE jobs SET status = 'queued', step = 'resuming after an interruption',
                            lease_owner = NULL, lease_expires_at = NULL, eta_s = NULL,
                            cancel_requested = 0, updated_at = {NOW_SQL}
                         WHERE id = ?1 AND status = 'running' AND lease_owner IS ?2"
                    ),
                    params![job.id, job.lease_owner],
                )?
            } else {
                self.library.conn().execute(
                    &format!(
                        "UPDATE jobs SET status = 'failed', step = 'failed', error_kind = 'interrupted',
                            error_message = ?3, lease_owner = NULL, lease_expires_at = NULL,
                            eta_s = NULL, finished_at = {NOW_SQL}, updated_at = {NOW_SQL}
                         WHERE id = ?1 AND status = 'running' AND lease_owner IS ?2"
                    ),
                    params![
                        job.id,
                        job.lease_owner,
                        if resumable(&job.kind) {
                            "interrupted: the process running it stopped too many times"
                        } else {
                            "interrupted: the process running it stopped, and this kind of job cannot resume"
                        }
                    ],
                )?
            };
            if changed == 1 {
                tracing::warn!(job = %job.id, kind = %job.kind, resumed = resume, "recovered an interrupted job");
                recovered.push(self.get(&job.id)?);
            }
        }
        Ok(recovered)
    }

    /// Apply `update` (conditional on the job running under this owner) and explain a no-op.
    fn finish_running(
        &self,
        id: &str,
        to: JobStatus,
        update: impl FnOnce(&rusqlite::Connection) -> rusqlite::Result<usize>,
    ) -> Result<Job, JobError> {
        let changed = update(&self.library.conn())?;
        if changed == 0 {
            let current = self.get(id)?;
            if current.status != JobStatus::Running {
                return Err(JobError::IllegalTransition {
                    id: id.to_owned(),
                    from: current.status,
                    to,
                });
            }
            return Err(JobError::LostLease { id: id.to_owned() });
        }
        let job = self.get(id)?;
        tracing::info!(job = %id, status = %job.status, "job {}", job.status);
        Ok(job)
    }
}

/// What is left to do.
#[derive(Debug, Clone, Copy)]
pub struct Pending {
    pub running: u32,
    pub queued: u32,
    /// How long until the next queued job may start (0 when one is due now).
    pub next_due: Option<Duration>,
}

impl Pending {
    pub fn is_empty(&self) -> bool {
        self.running == 0 && self.queued == 0
    }
}
