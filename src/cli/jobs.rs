//! `edit-factory jobs …`, and running enqueued jobs in the foreground with progress bars.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use edit_factory::jobs::handlers;
use edit_factory::jobs::{
    Job, JobOutcome, JobQueue, JobStatus, JobSummary, NewJob, WorkerConfig, WorkerPool,
};
use edit_factory::text::printable;
use edit_factory::user_error::UserError;
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

fn bar_style() -> ProgressStyle {
    ProgressStyle::with_template("{prefix:>14} [{bar:30}] {percent:>3}%  eta {msg}")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
}

/// Run `ids` (and nothing else) to completion in this process, drawing a progress bar per job.
/// Returns the jobs as they ended.
pub fn run_foreground(
    queue: &JobQueue,
    ids: &[String],
    show_bars: bool,
) -> Result<Vec<Job>, UserError> {
    let bars = Arc::new(Mutex::new(HashMap::<String, ProgressBar>::new()));
    let multi = MultiProgress::new();
    if !show_bars {
        multi.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let listener = {
        let bars = bars.clone();
        let multi = multi.clone();
        Arc::new(move |job: &JobSummary| {
            let mut bars = bars.lock().unwrap_or_else(|p| p.into_inner());
            let bar = bars.entry(job.id.clone()).or_insert_with(|| {
                let bar = multi.add(ProgressBar::new(1000));
                bar.set_style(bar_style());
                bar.set_prefix(job.kind.to_string());
                bar
            });
            bar.set_position((job.progress * 1000.0).round() as u64);
            let eta = job.eta_s.map_or("--".to_owned(), |s| format!("{s:.0}s"));
            bar.set_message(format!("{eta}  {}", printable(&job.step)));
            if job.status.is_terminal() {
                bar.finish_with_message(job.status.to_string());
            }
        })
    };
    let pool = WorkerPool::new(
        queue.clone(),
        handlers::registry(),
        WorkerConfig::from_env(),
    )
    .with_listener(listener);
    pool.run_until_idle(Some(ids))?;
    let jobs = queue.library().jobs();
    ids.iter()
        .map(|id| jobs.get(id).map_err(UserError::from))
        .collect()
}

/// Queue `new` and, unless `detach` (then its id is printed and `None` returned), run it here with
/// a progress bar and return its outcome.
pub fn enqueue_and_run(
    queue: &JobQueue,
    new: &NewJob,
    detach: bool,
    show_bars: bool,
) -> Result<Option<JobOutcome>, UserError> {
    let job = queue.enqueue(new)?;
    if detach {
        super::output::line(&job.id)?;
        return Ok(None);
    }
    let ended = run_foreground(queue, std::slice::from_ref(&job.id), show_bars)?;
    let job = ended
        .into_iter()
        .next()
        .ok_or_else(|| UserError::new("the job vanished while running", None))?;
    outcome(job).map(Some)
}

/// Turn a finished foreground job into the command's outcome.
fn outcome(job: Job) -> Result<JobOutcome, UserError> {
    match (job.status, job.result) {
        (JobStatus::Succeeded, Some(result)) => Ok(result),
        (JobStatus::Cancelled, _) => Err(UserError::new(
            format!("job {} was cancelled", job.id),
            Some("run `edit-factory jobs retry ID` to start it again"),
        )),
        (status, _) => Err(UserError::new(
            format!(
                "job {} {status}: {}",
                job.id,
                printable(job.error_message.as_deref().unwrap_or("no detail"))
            ),
            Some("see `edit-factory jobs list` and the log for details"),
        )),
    }
}

pub fn list(queue: &JobQueue, json: bool) -> Result<(), UserError> {
    let jobs = queue.list(50)?;
    if json {
        return super::output::json(&jobs);
    }
    if jobs.is_empty() {
        return super::output::line("no jobs");
    }
    for job in jobs {
        let eta = job.eta_s.map_or(String::new(), |s| format!(" eta {s:.0}s"));
        let error = job
            .error_message
            .as_deref()
            .map_or(String::new(), |e| format!("  ({})", printable(e)));
        super::output::line(&format!(
            "{}  {:<15} {:<10} {:>4.0}%  {}{eta}{error}",
            job.id,
            job.kind.as_str(),
            job.status.as_str(),
            job.progress * 100.0,
            printable(&job.step)
        ))?;
    }
    Ok(())
}

/// `jobs run`: everything queued, until nothing is left.
pub fn run_all(queue: &JobQueue) -> Result<(), UserError> {
    // What a crash left running is queued again first, so it runs now too.
    WorkerPool::new(queue.clone(), handlers::registry(), WorkerConfig::default()).recover()?;
    let ids: Vec<String> = queue
        .list(0)?
        .into_iter()
        .filter(|j| j.status == JobStatus::Queued)
        .map(|j| j.id)
        .collect();
    if ids.is_empty() {
        return super::output::line("no queued jobs");
    }
    let ended = run_foreground(queue, &ids, true)?;
    for job in ended {
        super::output::line(&format!("{}  {:<15} {}", job.id, job.kind(), job.status))?;
    }
    Ok(())
}
