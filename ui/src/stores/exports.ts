// The exports domain: presets and encoders to choose from, what an export would write, starting
// exports, and each variant's finished exports (refreshed when an export job of it ends).
import { createSignal } from "solid-js";
import { commands } from "../bindings/commands";
import type { Encoder } from "../bindings/Encoder";
import type { ExportPlan } from "../bindings/ExportPlan";
import type { ExportRecord } from "../bindings/ExportRecord";
import type { Preset } from "../bindings/Preset";
import { showError } from "./app";
import { onJobEnd, track } from "./jobs";

const [presets, setPresets] = createSignal<Preset[]>([]);
const [encoders, setEncoders] = createSignal<Encoder[]>([]);
/** Bumped per variant when one of its exports ends, so its list reloads. */
const [versions, setVersions] = createSignal<ReadonlyMap<string, number>>(new Map());
export { encoders, presets };

export async function loadExportChoices(): Promise<void> {
  try {
    const [p, e] = await Promise.all([commands.presetsList(), commands.encodersList()]);
    setPresets(p);
    setEncoders(e);
  } catch (error) {
    showError(error, "Could not list the export presets");
  }
}

onJobEnd((job) => {
  if (job.kind !== "export" || !job.subject_id) return;
  const next = new Map(versions());
  next.set(job.subject_id, (next.get(job.subject_id) ?? 0) + 1);
  setVersions(next);
});

/** Changes when the exports of `clipId` may have changed. */
export function exportsVersion(clipId: string): number {
  return versions().get(clipId) ?? 0;
}

export function planExport(clipIds: string[], preset: string, folder: string): Promise<ExportPlan> {
  return commands.exportPlan(clipIds, preset, folder);
}

/** Queue one export job per variant (progress shows in the jobs panel). Throws what went wrong. */
export async function startExport(
  clipIds: string[],
  preset: string,
  encoder: string | null,
  folder: string,
  overwrite: boolean,
): Promise<void> {
  for (const job of await commands.exportStart(clipIds, preset, encoder, folder, overwrite)) track(job);
}

export function exportsOf(clipId: string): Promise<ExportRecord[]> {
  return commands.clipExports(clipId);
}

export async function reveal(record: ExportRecord, clipId: string): Promise<void> {
  try {
    await commands.exportReveal(clipId, record.id);
  } catch (error) {
    showError(error, "Could not show the file");
  }
}
