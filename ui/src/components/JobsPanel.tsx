// The jobs panel: a bar per job with its step and ETA, cancel and retry. Several active jobs of one
// kind (thirty analyses after an import, the filmstrips of a project) make one line that opens.
import { createSignal, For, Match, Show, Switch } from "solid-js";
import type { JobKind } from "../bindings/JobKind";
import type { JobSummary } from "../bindings/JobSummary";
import { formatEta } from "../format";
import { activeOfKind, cancelJob, clearFinished, isFinal, KIND_LABELS, panelEntries, retryJob } from "../stores/jobs";

function JobRow(props: { job: JobSummary }) {
  const percent = () => Math.round(props.job.progress * 100);
  const active = () => props.job.status === "queued" || props.job.status === "running";
  const eta = () =>
    props.job.status === "running" && props.job.eta_s !== null ? ` · ${formatEta(props.job.eta_s)} left` : "";
  return (
    <li class={`job ${props.job.status}`} data-testid="job-row" data-job-id={props.job.id} data-kind={props.job.kind} data-status={props.job.status}>
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

/** The active jobs of one kind as one line: how many run and wait, their progress together, cancel
 * all; opened, a line each. */
function JobGroup(props: { kind: JobKind; open: boolean; toggle: () => void }) {
  const jobs = () => activeOfKind(props.kind);
  const running = () => jobs().filter((j) => j.status === "running").length;
  const progress = () => jobs().reduce((sum, j) => sum + j.progress, 0) / Math.max(1, jobs().length);
  const percent = () => Math.round(progress() * 100);
  return (
    <li class="job job-group running" data-testid="job-group" data-kind={props.kind}>
      <div class="job-head">
        <button class="link" data-testid="job-group-toggle" aria-expanded={props.open} onClick={() => props.toggle()}>
          {props.open ? "▾" : "▸"} <strong>{KIND_LABELS[props.kind]}</strong>
        </button>
        <span class="job-status" data-testid="job-group-count">
          {jobs().length} jobs: {running()} running, {jobs().length - running()} queued
        </span>
        <span class="job-actions">
          <button
            class="small"
            data-testid="job-group-cancel"
            onClick={() => jobs().filter((j) => !j.cancel_requested).forEach((j) => void cancelJob(j.id))}
          >
            Cancel all
          </button>
        </span>
      </div>
      <div class="job-bar" role="progressbar" aria-valuenow={percent()} data-testid="job-progress">
        <div class="job-bar-fill" style={{ width: `${percent()}%` }} />
      </div>
      <Show when={props.open}>
        <ul class="jobs-list nested">
          <For each={jobs()}>{(job) => <JobRow job={job} />}</For>
        </ul>
      </Show>
    </li>
  );
}

export function JobsPanel() {
  const [opened, setOpened] = createSignal<ReadonlySet<JobKind>>(new Set());
  const toggle = (kind: JobKind) => {
    const next = new Set(opened());
    if (next.has(kind)) next.delete(kind);
    else next.add(kind);
    setOpened(next);
  };
  const anyFinished = () => panelEntries().some((e) => e.type === "job" && isFinal(e.job));
  return (
    <Show when={panelEntries().length > 0}>
      <section class="jobs-panel" data-testid="jobs-panel">
        <div class="section-title">
          <span>Jobs</span>
          <Show when={anyFinished()}>
            <button class="small" data-testid="jobs-clear" title="Take the finished jobs off this list" onClick={() => clearFinished()}>
              Clear finished
            </button>
          </Show>
        </div>
        <ul class="jobs-list">
          <For each={panelEntries()}>
            {(entry) => (
              <Switch>
                <Match when={entry.type === "job" && entry}>{(e) => <JobRow job={e().job} />}</Match>
                <Match when={entry.type === "group" && entry}>
                  {(e) => <JobGroup kind={e().kind} open={opened().has(e().kind)} toggle={() => toggle(e().kind)} />}
                </Match>
              </Switch>
            )}
          </For>
        </ul>
      </section>
    </Show>
  );
}
