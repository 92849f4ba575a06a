//! Progress of a running job: persisted at a bounded rate, with an ETA, and passed to listeners
//! (the app's event stream, the CLI's progress bar).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{Job, JobError, JobSummary};
use crate::library::Library;

/// At most this many progress writes per second per job.
const MAX_WRITES_PER_S: f64 = 4.0;

/// Called with a fresh snapshot of a job whenever its state or progress is written.
pub type JobListener = Arc<dyn Fn(&JobSummary) + Send + Sync>;

pub struct ProgressReporter {
    library: Arc<Library>,
    job_id: String,
    owner: String,
    started: Instant,
    listener: Option<JobListener>,
    /// When the last write happened, and the step it wrote.
    last: Mutex<Option<(Instant, String)>>,
}

impl ProgressReporter {
    /// Tell the listeners of a job this one queued (follow-up work), as they are told of every
    /// change of a job's status: a window learns of it at once, not at its next poll.
    pub(super) fn announce(&self, queued: &Job) {
        if let Some(listener) = &self.listener {
            listener(&queued.summary());
        }
    }

    pub(super) fn new(
        library: Arc<Library>,
        job_id: &str,
        owner: &str,
        listener: Option<JobListener>,
    ) -> Self {
        Self {
            library,
            job_id: job_id.to_owned(),
            owner: owner.to_owned(),
            started: Instant::now(),
            listener,
            last: Mutex::new(None),
        }
    }

    /// Report `fraction` (0–1) done and what is happening. Cheap to call often: writes are spaced
    /// at least 250 ms apart, except that a new step (another file) is always written, so the step
    /// shown always names what is being worked on; the first and the last always go through.
    pub fn report(&self, fraction: f64, step: &str) -> Result<(), JobError> {
        let fraction = fraction.clamp(0.0, 1.0);
        {
            let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
            let due = match last.as_ref() {
                None => true,
                Some((at, last_step)) => {
                    last_step != step
                        || at.elapsed() >= Duration::from_secs_f64(1.0 / MAX_WRITES_PER_S)
                }
            };
            if !due && fraction < 1.0 {
                return Ok(());
            }
            *last = Some((Instant::now(), step.to_owned()));
        }
        let eta = estimate_eta(self.started.elapsed(), fraction);
        let summary =
            self.library
                .jobs()
                .report_progress(&self.job_id, &self.owner, fraction, step, eta)?;
        if let Some(listener) = &self.listener {
            listener(&summary);
        }
        Ok(())
    }
}

/// Remaining time by linear extrapolation, once there is enough to extrapolate from.
fn estimate_eta(elapsed: Duration, fraction: f64) -> Option<f64> {
    if fraction < 0.02 || elapsed < Duration::from_millis(500) {
        return None;
    }
    Some(elapsed.as_secs_f64() * (1.0 - fraction) / fraction)
}

#[cfg(test)]
mod tests {
    use super::estimate_eta;
    use std::time::Duration;

    #[test]
    fn eta_extrapolates_linearly() {
        assert_eq!(estimate_eta(Duration::from_secs(10), 0.5), Some(10.0));
        assert_eq!(estimate_eta(Duration::from_secs(10), 0.01), None);
        assert_eq!(estimate_eta(Duration::from_millis(100), 0.5), None);
    }
}
