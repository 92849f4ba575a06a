// The editor domain: edits of a variant's pieces, swapping a piece for the next-best moment, and
// undo/redo. The engine applies and records each one (history kept with the variant); the
// changed variant replaces the old one in the variants store.
import { createResource, createSignal } from "solid-js";
import { commands } from "../bindings/commands";
import type { Clip } from "../bindings/Clip";
import type { ItemEdit } from "../bindings/ItemEdit";
import { showError } from "./app";
import { onJobEnd, track } from "./jobs";
import { replaceClip } from "./variants";

async function apply(change: () => Promise<Clip>, context: string): Promise<boolean> {
  // The editor benchmark measures from here to the changed preview's first frame.
  performance.mark("edit-start");
  try {
    replaceClip(await change());
    return true;
  } catch (error) {
    // A refused edit changes no picture: the benchmark leaves it out.
    performance.mark("edit-refused");
    showError(error, context);
    return false;
  }
}

export const editItems = (clip: Clip, edit: ItemEdit) => apply(() => commands.clipEdit(clip.id, edit), "Could not change the piece");
export const swapItem = (clip: Clip, itemId: string) => apply(() => commands.clipSwap(clip.id, itemId), "Could not swap the piece");
export const undo = (clip: Clip) => apply(() => commands.clipUndo(clip.id), "Could not undo");
export const redo = (clip: Clip) => apply(() => commands.clipRedo(clip.id), "Could not redo");

// Preview copies (540p) of footage the webview plays badly: asked for when a variant opens in the
// editor; each one that ends makes the preview plan be fetched again, which then plays from it.
const [proxyVersion, setProxyVersion] = createSignal(0);
export { proxyVersion };
onJobEnd((job) => {
  if (job.kind === "proxy") setProxyVersion((v) => v + 1);
});

// Waveforms the analysis did not draw (the denoised ones, or footage analysed before waveforms
// were kept) are drawn by jobs; each one that ends makes the tracks fetch what they still lack.
const [waveformVersion, setWaveformVersion] = createSignal(0);
export { waveformVersion };
onJobEnd((job) => {
  if (job.kind === "waveform") setWaveformVersion((v) => v + 1);
});

export async function makeWaveforms(clipId: string, denoised: boolean): Promise<void> {
  try {
    for (const job of await commands.clipWaveforms(clipId, denoised)) track(job);
  } catch (error) {
    showError(error, "Could not draw the waveforms");
  }
}

export async function makeProxies(clip: Clip): Promise<void> {
  try {
    for (const job of await commands.clipProxies(clip.id)) track(job);
  } catch (error) {
    showError(error, "Could not make preview copies");
  }
}

/** The preview plan of `clip` (`context` says what failed when it cannot be made), fetched again
 * after each change of its timeline and as its preview copies are made. */
export function createPreviewPlan(clip: () => Clip, context: string) {
  const [plan] = createResource(
    () => ({ id: clip().id, timeline: JSON.stringify(clip().timeline), proxies: proxyVersion() }),
    async (key) => {
      try {
        return await commands.clipPreview(key.id);
      } catch (error) {
        showError(error, context);
        return undefined;
      }
    },
  );
  return plan;
}
