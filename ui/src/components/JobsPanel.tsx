// The jobs panel: a bar per job with its step and ETA, cancel and retry.
import { For, Show } from "solid-js";
import type { JobSummary } from "../bindings/JobSummary";
import { formatEta } from "../format";
import { cancelJob, KIND_LABELS, retryJob, shownJobs } from "../stores/jobs";

function JobRow(props: { job: JobSummary }) {
  const percent = () => Math.round(props.job.progress * 100);
  const active = () => props.job.status === "queued" || props.job.status === "running";
  const eta = () =>
    props.job.status === "running" && props.job.eta_s !== null ? ` · ${formatEta(props.job.eta_s)} left` : "";
  return (
    <li class={`job ${props.job.status}`} data-testid="job-row" data-job-id={props.job.id} data-status={props.job.status}>
      <div class="job-head">
        <strong>{KIND_LABELS[props.job.kind]}</strong>
        <span class="job-status" data-testid="job-status">
          {props.job.status}
        </span>
        <span class="job-actions">
          <Show when={active()}>
            <button
              class="small"
              data-testid="job-cancel"
              disabled={props.job.cancel_requested}
              onClick={() => void cancelJob(props.job.id)}
            >
              Cancel
            </button>
          </Show>
          <Show when={props.job.status === "failed" || props.job.status === "cancelled"}>
            <button class="small" data-testid="job-retry" onClick={() => void retryJob(props.job.id)}>
              Retry
            </button>
          </Show>
        </span>
      </div>
      <div class="job-bar" role="progressbar" aria-valuenow={percent()} data-testid="job-progress">
        <div class="job-bar-fill" style={{ width: `${percent()}%` }} />
      </div>
      <div class="job-step muted">
        {props.job.step}
        {eta()}
      </div>
      <Show when={props.job.error_message}>
        <div class="job-error">{props.job.error_message}</div>
      </Show>
    </li>
  );
}

export function JobsPanel() {
  return (
    <Show when={shownJobs().length > 0}>
      <section class="jobs-panel" data-testid="jobs-panel">
        <div class="section-title">
          <span>Jobs</span>
        </div>
        <ul class="jobs-list">
          <For each={shownJobs()}>{(job) => <JobRow job={job} />}</For>
        </ul>
      </section>
    </Show>
  );
}
