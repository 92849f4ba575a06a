//! The in-process face of the job system: what the app's commands and the CLI call. It writes
//! through the job store like anything else, and also wakes this process's idle workers at once
//! and trips the cancel token of a job running here, instead of leaving both to a poll.

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::cancel::CancelToken;
use super::kind::{JobKind, JobSpec};
use super::{Job, JobError, JobSummary, NewJob};
use crate::library::{Library, LibraryError};

#[derive(Default)]
struct Shared {
    /// Bumped whenever there may be new work (an enqueue, a retry, a job ending).
    generation: Mutex<u64>,
    wake: Condvar,
    /// Jobs running in this process: id → (lease owner, cancel token).
    running: Mutex<HashMap<String, (String, CancelToken)>>,
}

#[derive(Clone)]
pub struct JobQueue {
    library: Arc<Library>,
    shared: Arc<Shared>,
}

impl JobQueue {
    pub fn new(library: Arc<Library>) -> Self {
        Self {
            library,
            shared: Arc::default(),
        }
    }

    pub fn library(&self) -> &Arc<Library> {
        &self.library
    }

    pub fn enqueue(&self, new: &NewJob) -> Result<Job, JobError> {
        let job = self.library.jobs().enqueue(new)?;
        self.wake();
        Ok(job)
    }

    /// Queue an analysis of `source_id`, unless one is already queued or running (which is
    /// returned instead).
    pub fn enqueue_analysis(
        &self,
        source_id: &str,
        project_id: Option<&str>,
    ) -> Result<Job, JobError> {
        if let Some(active) = self
            .library
            .jobs()
            .active_for_source(JobKind::Analyze, source_id)?
            .into_iter()
            .next()
        {
            return Ok(active);
        }
        self.enqueue(&NewJob::analyze(source_id, project_id))
    }

    /// Queue the preview copy of `source_id`, unless one is queued or running already.
    pub fn enqueue_proxy(&self, source_id: &str) -> Result<Job, JobError> {
        self.enqueue_once(
            source_id,
            JobSpec::Proxy {
                source_id: source_id.to_owned(),
            },
            None,
        )
    }

    /// Queue the filmstrips that `sources` with a picture lack (one job each, never twice), for
    /// `project_id` (deleting the project cancels them). A source whose file is missing or changed
    /// is left alone: its job could only fail, again each time the project opens.
    pub fn enqueue_missing_filmstrips(
        &self,
        sources: &[crate::library::sources::Source],
        project_id: Option<&str>,
    ) -> Result<Vec<Job>, JobError> {
        sources
            .iter()
            .filter(|s| {
                s.has_video
                    && s.status == crate::library::sources::SourceStatus::Ok
                    && !self.library.filmstrip_path(&s.content_hash).is_file()
            })
            .map(|s| {
                self.enqueue_once(
                    &s.id,
                    JobSpec::Filmstrip {
                        source_id: s.id.clone(),
                    },
                    project_id,
                )
            })
            .collect()
    }

    /// Queue the waveforms (`denoised` or plain) that `sources` with sound lack, one job each,
    /// never twice, for `project_id`; as for filmstrips, a missing or changed file gets none.
    pub fn enqueue_missing_waveforms(
        &self,
        sources: &[crate::library::sources::Source],
        denoised: bool,
        project_id: Option<&str>,
    ) -> Result<Vec<Job>, JobError> {
        sources
            .iter()
            .filter(|s| {
                s.has_audio
                    && s.status == crate::library::sources::SourceStatus::Ok
                    && !self
                        .library
                        .waveform_path(&s.content_hash, denoised)
                        .is_file()
            })
            .map(|s| {
                self.enqueue_once(
                    &s.id,
                    JobSpec::Waveform {
                        source_id: s.id.clone(),
                        denoised,
                    },
                    project_id,
                )
            })
            .collect()
    }

    /// Queue a job about one source, unless the same job is queued or running for that source
    /// (which is returned instead).
    fn enqueue_once(
        &self,
        source_id: &str,
        spec: JobSpec,
        project_id: Option<&str>,
    ) -> Result<Job, JobError> {
        if let Some(active) = self
            .library
            .jobs()
            .active_for_source(spec.kind(), source_id)?
            .into_iter()
            .find(|active| active.spec == spec)
        {
            return Ok(active);
        }
        self.enqueue(&NewJob::new(spec, project_id))
    }

    /// Cancel a job: a queued one at once; a running one is flagged in the library (for whichever
    /// process runs it) and, when it runs here, its token is tripped now.
    pub fn cancel(&self, id: &str) -> Result<Job, JobError> {
        let job = self.library.jobs().request_cancel(id)?;
        if let Some((_, token)) = self.running().get(id) {
            token.cancel();
        }
        Ok(job)
    }

    pub fn retry(&self, id: &str) -> Result<Job, JobError> {
        let job = self.library.jobs().retry(id)?;
        self.wake();
        Ok(job)
    }

    pub fn list(&self, limit: u32) -> Result<Vec<JobSummary>, JobError> {
        self.library.jobs().list(limit)
    }

    /// Delete a project: cancel its queued and running jobs first and wait up to `wait` for them
    /// to stop (they may run in another process), so no job is left writing into a project that is
    /// gone.
    pub fn delete_project(&self, project_id: &str, wait: Duration) -> Result<(), JobError> {
        let deadline = Instant::now() + wait;
        loop {
            let active = self.library.jobs().active_for_project(project_id)?;
            if active.is_empty() {
                break;
            }
            for job in active.iter().filter(|j| !j.cancel_requested) {
                match self.cancel(&job.id) {
                    // It ended between the list and the cancel.
                    Ok(_) | Err(JobError::IllegalTransition { .. }) => {}
                    Err(e) => return Err(e),
                }
            }
            if Instant::now() >= deadline {
                return Err(JobError::JobsStillRunning {
                    waited_s: wait.as_secs(),
                });
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        match self.library.delete_project(project_id) {
            // A job was queued in the meantime: go round again.
            Err(LibraryError::ProjectHasJobs { .. }) if Instant::now() < deadline => {
                self.delete_project(project_id, deadline - Instant::now())
            }
            other => Ok(other?),
        }
    }

    /// Tell idle workers there may be work.
    pub(super) fn wake(&self) {
        let mut generation = self
            .shared
            .generation
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        *generation += 1;
        self.shared.wake.notify_all();
    }

    pub(super) fn generation(&self) -> u64 {
        *self
            .shared
            .generation
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    /// Sleep until woken after `seen`, or `timeout` (work queued by another process is found then).
    pub(super) fn wait_for_work(&self, seen: u64, timeout: Duration) {
        let generation = self
            .shared
            .generation
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        let _unused = self
            .shared
            .wake
            .wait_timeout_while(generation, timeout, |g| *g == seen)
            .unwrap_or_else(|p| p.into_inner());
    }

    pub(super) fn running(&self) -> MutexGuard<'_, HashMap<String, (String, CancelToken)>> {
        self.shared
            .running
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    /// The jobs `owner` runs here, with their tokens.
    pub(super) fn held_by(&self, owner: &str) -> Vec<(String, CancelToken)> {
        self.running()
            .iter()
            .filter(|(_, (o, _))| o == owner)
            .map(|(id, (_, token))| (id.clone(), token.clone()))
            .collect()
    }
}
