//! The jobs table, and the one place where a job's status changes. Every change is a conditional
//! UPDATE on the expected current status (and, for a running job, its lease owner), so two
//! processes can never both move the same job.

use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use super::kind::{JobKind, JobOutcome, JobSpec};
use super::{FailureKind, Job, JobError, JobStatus, JobSummary, NewJob};
use crate::library::{new_id, Library, NOW_SQL};

const COLUMNS: &str =
    "id, kind, project_id, payload, status, attempts, max_attempts, progress, step,
    eta_s, error_kind, error_message, result, cancel_requested, not_before, lease_owner, created_at,
    started_at, finished_at, updated_at";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Job> {
    let status: String = row.get(4)?;
    let kind = JobKind::parse(&row.get::<_, String>(1)?);
    let payload: String = row.get(3)?;
    // A payload this version cannot read (a newer version's, or a damaged row) keeps its job
    // visible as "unknown" rather than hiding every other job.
    let spec = serde_json::from_str::<JobSpec>(&payload)
        .ok()
        .filter(|s| s.kind() == kind)
        .unwrap_or(JobSpec::Unknown);
    let result = row
        .get::<_, Option<String>>(12)?
        .and_then(|text| serde_json::from_str::<JobOutcome>(&text).ok());
    Ok(Job {
        id: row.get(0)?,
        spec,
        project_id: row.get(2)?,
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
        result,
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

fn get(conn: &Connection, id: &str) -> Result<Job, JobError> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM jobs WHERE id = ?1"),
        [id],
        from_row,
    )
    .optional()?
    .ok_or_else(|| JobError::NotFound { id: id.to_owned() })
}

/// Jobs in one library. Get it with [`Library::jobs`]. In-process callers that also run workers
/// go through [`super::JobQueue`], which wakes them and trips cancel tokens at once.
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
        let kind = new.spec.kind();
        if kind == JobKind::Unknown {
            return Err(JobError::UnknownKind {
                kind: kind.to_string(),
            });
        }
        let payload = serde_json::to_string(&new.spec).map_err(|e| JobError::Payload {
            detail: e.to_string(),
        })?;
        let id = new_id();
        let job = self.library.write(|tx| {
            tx.execute(
                &format!(
                    "INSERT INTO jobs (id, kind, project_id, payload, status, max_attempts, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, 'queued', ?5, {NOW_SQL}, {NOW_SQL})"
                ),
                params![id, kind.as_str(), new.project_id, payload, new.max_attempts.max(1)],
            )?;
            get(tx, &id)
        })?;
        tracing::info!(job = %id, %kind, "job queued");
        Ok(job)
    }

    pub fn get(&self, id: &str) -> Result<Job, JobError> {
        self.library.read(|conn| get(conn, id))
    }

    /// Every queued and running job, plus the `limit` most recently changed finished ones; newest
    /// first.
    pub fn list(&self, limit: u32) -> Result<Vec<JobSummary>, JobError> {
        self.library.read(|conn| {
            let mut stmt = conn.prepare(&format!(
                "SELECT {COLUMNS} FROM jobs
                 WHERE status IN ('queued', 'running')
                    OR id IN (SELECT id FROM jobs WHERE status NOT IN ('queued', 'running')
                              ORDER BY updated_at DESC LIMIT ?1)
                 ORDER BY created_at DESC"
            ))?;
            let rows = stmt.query_map([limit], from_row)?;
            Ok(rows
                .map(|r| r.map(|job| job.summary()))
                .collect::<Result<_, _>>()?)
        })
    }

    /// The queued and running jobs of a project.
    pub fn active_for_project(&self, project_id: &str) -> Result<Vec<JobSummary>, JobError> {
        self.library.read(|conn| {
            let mut stmt = conn.prepare(&format!(
                "SELECT {COLUMNS} FROM jobs
                 WHERE project_id = ?1 AND status IN ('queued', 'running') ORDER BY created_at"
            ))?;
            let rows = stmt.query_map([project_id], from_row)?;
            Ok(rows
                .map(|r| r.map(|job| job.summary()))
                .collect::<Result<_, _>>()?)
        })
    }

    /// The queued or running jobs of `kind` (one of the per-source kinds) for `source_id`, oldest
    /// first.
    pub fn active_for_source(&self, kind: JobKind, source_id: &str) -> Result<Vec<Job>, JobError> {
        self.library.read(|conn| {
            let mut statement = conn.prepare(&format!(
                "SELECT {COLUMNS} FROM jobs WHERE kind = ?1
                   AND status IN ('queued', 'running')
                   AND json_extract(payload, '$.source_id') = ?2
                 ORDER BY created_at"
            ))?;
            let jobs = statement
                .query_map([kind.as_str(), source_id], from_row)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(jobs)
        })
    }

    /// Take the oldest due queued job of `kind` (restricted to `only` when given) and hold it under
    /// `owner`'s lease.
    pub fn claim(
        &self,
        owner: &str,
        kind: JobKind,
        only: Option<&[String]>,
        lease: Duration,
    ) -> Result<Option<Job>, JobError> {
        let only_clause = match only {
            Some([]) => return Ok(None),
            Some(ids) => format!("AND id IN ({})", sql_list(ids.iter().map(String::as_str))),
            None => String::new(),
        };
        let claimed = self.library.write(|tx| {
            Ok::<_, JobError>(
                tx.query_row(
                    &format!(
                        "UPDATE jobs SET status = 'running', attempts = attempts + 1, lease_owner = ?1,
                            lease_expires_at = {LATER_SQL}, started_at = COALESCE(started_at, {NOW_SQL}),
                            step = 'starting', eta_s = NULL, updated_at = {NOW_SQL}
                         WHERE id = (SELECT id FROM jobs
                                     WHERE status = 'queued' AND kind = ?3 {only_clause}
                                       AND (not_before IS NULL OR not_before <= {NOW_SQL})
                                     ORDER BY created_at LIMIT 1)
                           AND status = 'queued'
                         RETURNING {COLUMNS}"
                    ),
                    params![owner, offset(lease), kind.as_str()],
                    from_row,
                )
                .optional()?,
            )
        })?;
        if let Some(job) = &claimed {
            tracing::info!(job = %job.id, %kind, attempt = job.attempts, "job started");
        }
        Ok(claimed)
    }

    /// How many of `ids` (or of all jobs of `kinds`) are still queued or running; also when the
    /// next queued one is due.
    pub fn pending(&self, only: Option<&[String]>, kinds: &[JobKind]) -> Result<Pending, JobError> {
        let mut filter = format!(
            "AND kind IN ({})",
            sql_list(kinds.iter().map(|k| k.as_str()))
        );
        if let Some(ids) = only {
            filter += &format!(" AND id IN ({})", sql_list(ids.iter().map(String::as_str)));
        }
        self.library.read(|conn| {
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
        })
    }

    /// Renew the leases of the running jobs `ids` held by `owner`; returns the ids that are no
    /// longer held (recovered by another process, or finished).
    pub fn renew_leases(
        &self,
        ids: &[String],
        owner: &str,
        lease: Duration,
    ) -> Result<Vec<String>, JobError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let renewed: Vec<String> = self.library.write(|tx| {
            let mut stmt = tx.prepare(&format!(
                "UPDATE jobs SET lease_expires_at = {LATER_SQL}
                 WHERE id IN ({}) AND status = 'running' AND lease_owner = ?2
                 RETURNING id",
                sql_list(ids.iter().map(String::as_str))
            ))?;
            let rows = stmt.query_map(params![offset(lease), owner], |r| r.get(0))?;
            Ok::<_, JobError>(rows.collect::<Result<_, _>>()?)
        })?;
        Ok(ids
            .iter()
            .filter(|id| !renewed.contains(id))
            .cloned()
            .collect())
    }

    /// Which of the running jobs `ids` someone asked to cancel (any process).
    pub fn cancel_requested(&self, ids: &[String]) -> Result<Vec<String>, JobError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        self.library.read(|conn| {
            let mut stmt = conn.prepare(&format!(
                "SELECT id FROM jobs WHERE id IN ({}) AND cancel_requested = 1",
                sql_list(ids.iter().map(String::as_str))
            ))?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    pub fn report_progress(
        &self,
        id: &str,
        owner: &str,
        progress: f64,
        step: &str,
        eta_s: Option<f64>,
    ) -> Result<JobSummary, JobError> {
        self.library.write(|tx| {
            let changed = tx.execute(
                &format!(
                    "UPDATE jobs SET progress = ?1, step = ?2, eta_s = ?3, updated_at = {NOW_SQL}
                     WHERE id = ?4 AND status = 'running' AND lease_owner = ?5"
                ),
                params![progress.clamp(0.0, 1.0), step, eta_s, id, owner],
            )?;
            if changed == 0 {
                return Err(JobError::LostLease { id: id.to_owned() });
            }
            Ok(get(tx, id)?.summary())
        })
    }

    pub fn succeed(&self, id: &str, owner: &str, result: &JobOutcome) -> Result<Job, JobError> {
        let result = serde_json::to_string(result).map_err(|e| JobError::Payload {
            detail: e.to_string(),
        })?;
        self.finish_running(id, JobStatus::Succeeded, |tx| {
            tx.execute(
                &format!(
                    "UPDATE jobs SET status = 'succeeded', progress = 1, step = 'done', eta_s = NULL,
                        result = ?3, error_kind = NULL, error_message = NULL, lease_owner = NULL,
                        lease_expires_at = NULL, finished_at = {NOW_SQL}, updated_at = {NOW_SQL}
                     WHERE id = ?1 AND status = 'running' AND lease_owner = ?2"
                ),
                params![id, owner, result],
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
        self.finish_running(id, to, |tx| {
            if retry {
                tx.execute(
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
                tx.execute(
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
        self.finish_running(id, JobStatus::Cancelled, |tx| {
            tx.execute(
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
        self.finish_running(id, JobStatus::Queued, |tx| {
            tx.execute(
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
    /// worker stops (at once in this process through [`super::JobQueue::cancel`], within a cancel
    /// poll from another process).
    pub fn request_cancel(&self, id: &str) -> Result<Job, JobError> {
        let job = self.library.write(|tx| {
            let job = get(tx, id)?;
            let changed = match job.status {
                JobStatus::Queued => tx.execute(
                    &format!(
                        "UPDATE jobs SET status = 'cancelled', step = 'cancelled', finished_at = {NOW_SQL},
                            cancel_requested = 1, updated_at = {NOW_SQL} WHERE id = ?1 AND status = 'queued'"
                    ),
                    [id],
                )?,
                JobStatus::Running => tx.execute(
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
            debug_assert_eq!(changed, 1, "the row was read in this transaction");
            get(tx, id)
        })?;
        tracing::info!(job = %id, "cancel requested");
        Ok(job)
    }

    /// A user asks to run a failed or cancelled job again, with a fresh set of attempts.
    pub fn retry(&self, id: &str) -> Result<Job, JobError> {
        let job = self.library.write(|tx| {
            let job = get(tx, id)?;
            if job.kind() == JobKind::Unknown {
                return Err(JobError::UnknownKind {
                    kind: "unknown".into(),
                });
            }
            if !job.status.can_become(JobStatus::Queued) || job.status == JobStatus::Running {
                return Err(JobError::IllegalTransition {
                    id: id.to_owned(),
                    from: job.status,
                    to: JobStatus::Queued,
                });
            }
            tx.execute(
                &format!(
                    "UPDATE jobs SET status = 'queued', attempts = 0, progress = 0, step = 'queued again',
                        eta_s = NULL, error_kind = NULL, error_message = NULL, result = NULL,
                        cancel_requested = 0, not_before = NULL, finished_at = NULL, updated_at = {NOW_SQL}
                     WHERE id = ?1 AND status = ?2"
                ),
                params![id, job.status.as_str()],
            )?;
            get(tx, id)
        })?;
        tracing::info!(job = %id, "job queued again");
        Ok(job)
    }

    /// Recover jobs whose holder is gone: lease expired, or the holder was a process on this machine
    /// that no longer exists. A job someone asked to cancel ends cancelled; resumable kinds go back
    /// to the queue; others fail with the reason. Returns the recovered jobs.
    pub fn recover(&self, resumable: impl Fn(JobKind) -> bool) -> Result<Vec<Job>, JobError> {
        let candidates: Vec<(Job, bool)> = self.library.read(|conn| {
            let mut stmt = conn.prepare(&format!(
                "SELECT {COLUMNS}, (lease_expires_at IS NULL OR lease_expires_at < {NOW_SQL})
                 FROM jobs WHERE status = 'running'"
            ))?;
            let rows = stmt.query_map([], |r| Ok((from_row(r)?, r.get::<_, bool>(20)?)))?;
            Ok::<_, JobError>(rows.collect::<Result<_, _>>()?)
        })?;
        let mut recovered = Vec::new();
        for (job, expired) in candidates {
            let owner = job.lease_owner.clone().unwrap_or_default();
            if !expired && !super::owner::is_dead(&owner) {
                continue;
            }
            let can_resume = resumable(job.kind());
            // A job that keeps taking its process down is not resumed forever.
            let resume = can_resume && job.attempts < job.max_attempts;
            let changed = self.library.write(|tx| {
                Ok::<_, JobError>(if job.cancel_requested {
                    end_recovered(tx, &job, "cancelled", None)?
                } else if resume {
                    tx.execute(
                        &format!(
                            "UPDATE jobs SET status = 'queued', step = 'resuming after an interruption',
                                lease_owner = NULL, lease_expires_at = NULL, eta_s = NULL,
                                updated_at = {NOW_SQL}
                             WHERE id = ?1 AND status = 'running' AND lease_owner IS ?2"
                        ),
                        params![job.id, job.lease_owner],
                    )?
                } else {
                    let reason = if can_resume {
                        "interrupted: the process running it stopped too many times"
                    } else {
                        "interrupted: the process running it stopped, and this kind of job cannot resume"
                    };
                    end_recovered(tx, &job, "failed", Some(reason))?
                })
            })?;
            if changed == 1 {
                tracing::warn!(job = %job.id, kind = %job.kind(), resumed = resume, "recovered an interrupted job");
                recovered.push(self.get(&job.id)?);
            }
        }
        Ok(recovered)
    }

    /// Delete finished jobs that ended more than `age` ago; returns how many went.
    pub fn prune(&self, age: Duration) -> Result<usize, JobError> {
        let removed = self.library.write(|tx| {
            Ok::<_, JobError>(tx.execute(
                "DELETE FROM jobs WHERE status IN ('succeeded', 'failed', 'cancelled')
                   AND finished_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?1)",
                [format!("-{:.0} seconds", age.as_secs_f64())],
            )?)
        })?;
        if removed > 0 {
            tracing::info!(removed, "pruned old finished jobs");
        }
        Ok(removed)
    }

    /// Apply `update` (conditional on the job running under this owner) and explain a no-op.
    fn finish_running(
        &self,
        id: &str,
        to: JobStatus,
        update: impl FnOnce(&Transaction<'_>) -> rusqlite::Result<usize>,
    ) -> Result<Job, JobError> {
        let job = self.library.write(|tx| {
            if update(tx)? == 0 {
                let current = get(tx, id)?;
                if current.status != JobStatus::Running {
                    return Err(JobError::IllegalTransition {
                        id: id.to_owned(),
                        from: current.status,
                        to,
                    });
                }
                return Err(JobError::LostLease { id: id.to_owned() });
            }
            get(tx, id)
        })?;
        tracing::info!(job = %id, status = %job.status, "job {}", job.status);
        Ok(job)
    }
}

/// End a recovered running job as `status` (`cancelled` or `failed` with `reason`).
fn end_recovered(
    tx: &Transaction<'_>,
    job: &Job,
    status: &str,
    reason: Option<&str>,
) -> rusqlite::Result<usize> {
    tx.execute(
        &format!(
            "UPDATE jobs SET status = ?3, step = ?3, error_kind = ?4, error_message = ?5,
                lease_owner = NULL, lease_expires_at = NULL, eta_s = NULL,
                finished_at = {NOW_SQL}, updated_at = {NOW_SQL}
             WHERE id = ?1 AND status = 'running' AND lease_owner IS ?2"
        ),
        params![
            job.id,
            job.lease_owner,
            status,
            reason.map(|_| FailureKind::Interrupted.as_str()),
            reason
        ],
    )
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
