// The analysis domain: each source's overview (heat strip, scene cuts), fetched once and again
// when its analysis ends, and whether an analysis of it is under way.
import { createSignal } from "solid-js";
import { commands } from "../bindings/commands";
import type { Overview } from "../bindings/Overview";
import type { JobSummary } from "../bindings/JobSummary";
import { findJob, isActive, onJobEnd } from "./jobs";
import { selectedProject } from "./library";

const [overviews, setOverviews] = createSignal<ReadonlyMap<string, Overview | null>>(new Map());
const loading = new Set<string>();

function target(): number {
  return selectedProject()?.target_duration_s ?? 20;
}

/** The overview of a source (undefined while unknown, null when not analysed). */
export function overviewOf(sourceId: string): Overview | null | undefined {
  const known = overviews().get(sourceId);
  if (known === undefined && !loading.has(sourceId)) void load(sourceId);
  return known;
}

async function load(sourceId: string): Promise<void> {
  loading.add(sourceId);
  try {
    const overview = await commands.sourceAnalysis(sourceId, target());
    const next = new Map(overviews());
    next.set(sourceId, overview);
    setOverviews(next);
  } catch (error) {
    console.warn("could not read an analysis", error);
  } finally {
    loading.delete(sourceId);
  }
}

/** The analysis job of a source that is queued or running, if any. */
export function analysisOf(sourceId: string): JobSummary | undefined {
  return findJob((j) => j.kind === "analyze" && j.subject_id === sourceId && isActive(j));
}

export async function analyzeNow(sourceId: string): Promise<void> {
  await commands.analyzeStart(sourceId);
}

onJobEnd((job) => {
  if (job.kind === "analyze" && job.subject_id) void load(job.subject_id);
});
