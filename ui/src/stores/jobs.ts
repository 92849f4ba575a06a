// The jobs domain: every job this window knows of, kept fresh by the workers' events and by a slow
// poll for jobs other processes run. Finished jobs are announced to whoever listens.
import { createMemo, createRoot, createSignal } from "solid-js";
import { listen } from "@tauri-apps/api/event";
import { commands, JOB_UPDATED, type JobUpdatedPayload } from "../bindings/commands";
import type { JobSummary } from "../bindings/JobSummary";
import type { JobKind } from "../bindings/JobKind";
import { notify, showError } from "./app";

const POLL_MS = 2000;
const SHOWN = 12;

const [byId, setById] = createSignal<ReadonlyMap<string, JobSummary>>(new Map());
type EndListener = (job: JobSummary) => void;
const endListeners: EndListener[] = [];

export const KIND_LABELS: Record<JobKind, string> = {
  import: "Import",
  verify_sources: "Verify sources",
  analyze: "Analyse",
  export: "Export",
  voice: "Find speech",
  transcribe: "Transcribe",
  download_model: "Download a speech model",
  proxy: "Preview copy",
  filmstrip: "Filmstrip",
  waveform: "Waveform",
  unknown: "Unknown job",
};

export function isFinal(job: JobSummary): boolean {
  return job.status === "succeeded" || job.status === "failed" || job.status === "cancelled";
}

/** Kinds the app queues by itself to prepare the editor: a success shows in what it made (a
 * filmstrip, a waveform, a smooth preview), so the panel lists only those that failed. */
const BACKGROUND_KINDS: JobKind[] = ["proxy", "filmstrip", "waveform"];

/** Every job this window knows of, newest first. */
const newestFirst = createRoot(() =>
  createMemo(() => [...byId().values()].sort((a, b) => b.created_at.localeCompare(a.created_at))),
);

export function isActive(job: JobSummary): boolean {
  return job.status === "queued" || job.status === "running";
}

/** The newest job `matches` picks, among all this window knows of. */
export function findJob(matches: (job: JobSummary) => boolean): JobSummary | undefined {
  return newestFirst().find(matches);
}

/** Every job `matches` picks, newest first. */
export function filterJobs(matches: (job: JobSummary) => boolean): JobSummary[] {
  return newestFirst().filter(matches);
}

/** A line of the jobs panel: one job, or the active jobs of one kind when there are several. */
export type PanelEntry = { type: "job"; job: JobSummary } | { type: "group"; kind: JobKind };

/** Finished jobs taken off the panel with "Clear finished" (this window only; the library keeps them). */
const [cleared, setCleared] = createSignal<ReadonlySet<string>>(new Set());

/** The jobs panel's lines: what runs or waits first (several of one kind as one line), then what
 * finished, newest first; background jobs that succeeded or were cancelled are left out. */
export const panelEntries = createRoot(() => createMemo(panelLines));

function panelLines(): PanelEntry[] {
  const jobs = newestFirst().filter((j) => !cleared().has(j.id));
  const active = jobs.filter(isActive);
  const perKind = new Map<JobKind, JobSummary[]>();
  for (const job of active) perKind.set(job.kind, [...(perKind.get(job.kind) ?? []), job]);
  const entries: PanelEntry[] = [];
  const grouped = new Set<JobKind>();
  for (const job of active) {
    const same = perKind.get(job.kind) ?? [job];
    if (same.length < 2) entries.push(jobEntry(job));
    else if (!grouped.has(job.kind)) {
      grouped.add(job.kind);
      entries.push(groupEntry(job.kind));
    }
  }
  const finished = jobs
    .filter((j) => isFinal(j) && !(BACKGROUND_KINDS.includes(j.kind) && j.status !== "failed"))
    .slice(0, SHOWN);
  for (const job of finished) entries.push(jobEntry(job));
  return entries;
}

// The same entry object for an unchanged job, and always for a kind's group (which reads its jobs
// itself), so the panel redraws only the lines that changed when one job moves: a redraw of every
// line on every event costs the preview its clock, and a group that opened would close again.
const jobEntries = new WeakMap<JobSummary, PanelEntry>();
const groupEntries = new Map<JobKind, Extract<PanelEntry, { type: "group" }>>();

function jobEntry(job: JobSummary): PanelEntry {
  let entry = jobEntries.get(job);
  if (!entry) {
    entry = { type: "job", job };
    jobEntries.set(job, entry);
  }
  return entry;
}

function groupEntry(kind: JobKind): PanelEntry {
  let entry = groupEntries.get(kind);
  if (!entry) {
    entry = { type: "group", kind };
    groupEntries.set(kind, entry);
  }
  return entry;
}

/** The queued and running jobs of `kind`, newest first. */
export function activeOfKind(kind: JobKind): JobSummary[] {
  return newestFirst().filter((j) => j.kind === kind && isActive(j));
}

/** Take the finished jobs off the panel. */
export function clearFinished(): void {
  const next = new Set(cleared());
  for (const job of newestFirst()) if (isFinal(job)) next.add(job.id);
  setCleared(next);
}

/** Called once for every job this window saw running that ends (whoever ran it). */
export function onJobEnd(listener: EndListener): void {
  endListeners.push(listener);
}

/** Each source's filmstrip job state: changes each time more of its strip is made. A memo that
 * tells only when one of these changes: every poll replaces the jobs map, and views recomputing
 * their strip's address on each of those cost the preview its place on the clock (drift 94 ms
 * mean against 12 in the editor benchmark). */
const filmstripVersions = createRoot(() =>
  createMemo(
    () => {
      const latest = new Map<string, JobSummary>();
      for (const job of byId().values()) {
        if (job.kind !== "filmstrip" || !job.subject_id) continue;
        const before = latest.get(job.subject_id);
        if (!before || job.created_at > before.created_at) latest.set(job.subject_id, job);
      }
      const versions = new Map<string, string>();
      for (const [source, job] of latest) {
        versions.set(source, job.status === "running" ? `p${Math.round(job.progress * 100)}` : job.status);
      }
      return versions;
    },
    new Map<string, string>(),
    { equals: (a, b) => a.size === b.size && [...a].every(([source, version]) => b.get(source) === version) },
  ),
);

/** Changes each time more of `sourceId`'s filmstrip is made (its job's progress), so a view
 * asking for the strip with it asks again and shows the tiles made so far. */
export function filmstripVersion(sourceId: string): string {
  return filmstripVersions().get(sourceId) ?? "";
}

export async function startJobs(): Promise<void> {
  await listen<JobUpdatedPayload>(JOB_UPDATED, (event) => update(event.payload));
  await refresh();
  window.setInterval(() => void refresh(), POLL_MS);
}

export function track(job: JobSummary): void {
  update(job);
}

async function refresh(): Promise<void> {
  try {
    for (const job of await commands.jobsList()) update(job);
  } catch (error) {
    console.warn("jobs refresh failed", error);
  }
}

function update(job: JobSummary): void {
  const before = byId().get(job.id);
  // Events and polls can cross; never go back to an older snapshot.
  if (before && before.updated_at > job.updated_at && !(isFinal(job) && !isFinal(before))) return;
  const next = new Map(byId());
  next.set(job.id, job);
  setById(next);
  if (before && isFinal(job) && !isFinal(before)) {
    endListeners.forEach((listener) => listener(job));
    announce(job);
  }
}

/** Kinds the app runs on its own behind the scenes (after an import, when the editor opens): their
 * success shows in what they make and in the jobs panel, not as a toast each. */
const QUIET_KINDS: JobKind[] = ["proxy", "analyze", "filmstrip", "waveform"];

function announce(job: JobSummary): void {
  if (job.status === "succeeded" && QUIET_KINDS.includes(job.kind)) return;
  const label = KIND_LABELS[job.kind];
  const text =
    job.status === "succeeded"
      ? `${label} finished`
      : job.status === "cancelled"
        ? `${label} cancelled`
        : `${label} failed: ${job.error_message ?? "see the log"}`;
  notify(text, job.status);
}

export async function cancelJob(id: string): Promise<void> {
  try {
    update(await commands.jobCancel(id));
  } catch (error) {
    showError(error, "Could not cancel");
  }
}

export async function retryJob(id: string): Promise<void> {
  try {
    update(await commands.jobRetry(id));
  } catch (error) {
    showError(error, "Could not retry");
  }
}
