// The jobs panel: a bar per job with its step and ETA, cancel and retry, and a notification when
// a job ends. Fed by the workers' events, and by a slow poll for jobs other processes run.
import { listen } from "@tauri-apps/api/event";
import { api, JOB_EVENT, type Job } from "../api";
import { showError } from "../banner";
import { byId, el } from "../dom";

const KIND_LABELS: Record<string, string> = { import: "Import", verify_sources: "Verify sources" };
const POLL_MS = 2000;

type EndListener = (job: Job) => void;

export class JobsPanel {
  private jobs = new Map<string, Job>();
  private endListeners = new Map<string, EndListener[]>();
  private anyEnd: EndListener[] = [];

  async start(): Promise<void> {
    await listen<Job>(JOB_EVENT, (event) => this.update(event.payload));
    await this.refresh();
    window.setInterval(() => void this.refresh(), POLL_MS);
  }

  /** Resolves when the job reaches a final state. */
  waitFor(jobId: string): Promise<Job> {
    const known = this.jobs.get(jobId);
    if (known && isFinal(known)) return Promise.resolve(known);
    return new Promise((resolve) => {
      const list = this.endListeners.get(jobId) ?? [];
      list.push(resolve);
      this.endListeners.set(jobId, list);
    });
  }

  onAnyEnd(listener: EndListener): void {
    this.anyEnd.push(listener);
  }

  track(job: Job): void {
    this.update(job);
  }

  private async refresh(): Promise<void> {
    try {
      for (const job of await api.jobs()) this.update(job);
    } catch (error) {
      console.warn("jobs refresh failed", error);
    }
  }

  private update(job: Job): void {
    const before = this.jobs.get(job.id);
    // Events and polls can cross; never go back to an older snapshot.
    if (before && before.updated_at > job.updated_at && !(isFinal(job) && !isFinal(before))) return;
    this.jobs.set(job.id, job);
    if (isFinal(job) && (!before || !isFinal(before))) {
      const waiting = this.endListeners.get(job.id) ?? [];
      this.endListeners.delete(job.id);
      waiting.forEach((resolve) => resolve(job));
      if (before) {
        this.anyEnd.forEach((listener) => listener(job));
        notify(job);
      }
    }
    this.render();
  }

  private render(): void {
    const list = byId("jobs-list");
    const jobs = [...this.jobs.values()].sort((a, b) => b.created_at.localeCompare(a.created_at)).slice(0, 12);
    byId("jobs-panel").hidden = jobs.length === 0;
    list.replaceChildren(...jobs.map((job) => this.row(job)));
  }

  private row(job: Job): HTMLElement {
    const percent = Math.round(job.progress * 100);
    const bar = el("div", { class: "job-bar", role: "progressbar", "aria-valuenow": String(percent), "data-testid": "job-progress" });
    bar.append(el("div", { class: "job-bar-fill", style: `width: ${percent}%` }));
    const actions = el("span", { class: "job-actions" });
    if (job.status === "queued" || job.status === "running") {
      const cancel = el("button", { class: "small", "data-testid": "job-cancel", disabled: job.cancel_requested }, "Cancel");
      cancel.addEventListener("click", () => void this.act(() => api.cancelJob(job.id), "Could not cancel"));
      actions.append(cancel);
    } else if (job.status === "failed" || job.status === "cancelled") {
      const retry = el("button", { class: "small", "data-testid": "job-retry" }, "Retry");
      retry.addEventListener("click", () => void this.act(() => api.retryJob(job.id), "Could not retry"));
      actions.append(retry);
    }
    const eta = job.status === "running" && job.eta_s !== null ? ` · ${formatEta(job.eta_s)} left` : "";
    return el(
      "li",
      { class: `job ${job.status}`, "data-testid": "job-row", "data-job-id": job.id, "data-status": job.status },
      el(
        "div",
        { class: "job-head" },
        el("strong", {}, KIND_LABELS[job.kind] ?? job.kind),
        el("span", { class: "job-status", "data-testid": "job-status" }, job.status),
        actions,
      ),
      bar,
      el("div", { class: "job-step muted" }, `${job.step}${eta}`),
      job.error_message ? el("div", { class: "job-error" }, job.error_message) : null,
    );
  }

  private async act(action: () => Promise<Job>, context: string): Promise<void> {
    try {
      this.update(await action());
    } catch (error) {
      showError(error, context);
    }
  }
}

function isFinal(job: Job): boolean {
  return job.status === "succeeded" || job.status === "failed" || job.status === "cancelled";
}

function formatEta(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

/** A short in-window notification when a job ends. */
function notify(job: Job): void {
  const label = KIND_LABELS[job.kind] ?? job.kind;
  const text =
    job.status === "succeeded"
      ? `${label} finished`
      : job.status === "cancelled"
        ? `${label} cancelled`
        : `${label} failed: ${job.error_message ?? "see the log"}`;
  const toast = el("div", { class: `toast ${job.status}`, role: "status", "data-testid": "toast" }, text);
  byId("toasts").append(toast);
  window.setTimeout(() => toast.remove(), 6000);
}
