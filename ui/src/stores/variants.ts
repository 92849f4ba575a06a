// The variants domain: the open project's variants, and making new ones.
import { createSignal } from "solid-js";
import { commands } from "../bindings/commands";
import type { Clip } from "../bindings/Clip";
import type { Mode } from "../bindings/Mode";
import { showError } from "./app";
import { selectedProject } from "./library";

const [clips, setClips] = createSignal<Clip[]>([]);
const [busy, setBusy] = createSignal(false);
const [notes, setNotes] = createSignal<string[]>([]);
export { busy, clips, notes };

export async function loadClips(): Promise<void> {
  const project = selectedProject();
  if (!project) {
    setClips([]);
    return;
  }
  try {
    setClips(await commands.clipsList(project.id));
  } catch (error) {
    showError(error, "Could not list the variants");
  }
}

export async function generateVariants(count: number, targetS: number, mode: Mode): Promise<void> {
  const project = selectedProject();
  if (!project || busy()) return;
  setBusy(true);
  try {
    const made = await commands.variantsGenerate(project.id, count, targetS, mode, Math.floor(Math.random() * 1e9));
    setClips(made.clips);
    setNotes(made.notes);
  } catch (error) {
    showError(error, "Could not make variants");
  } finally {
    setBusy(false);
  }
}

export async function toggleKept(clip: Clip): Promise<void> {
  try {
    const changed = await commands.clipSelect(clip.id, !clip.selected);
    setClips(clips().map((c) => (c.id === changed.id ? changed : c)));
  } catch (error) {
    showError(error, "Could not keep the variant");
  }
}

export async function regenerateOne(clip: Clip, targetS: number, mode: Mode): Promise<void> {
  if (busy()) return;
  setBusy(true);
  try {
    const changed = await commands.variantRegenerate(clip.id, targetS, mode, Math.floor(Math.random() * 1e9));
    setClips(clips().map((c) => (c.id === changed.id ? changed : c)));
  } catch (error) {
    showError(error, "Could not make this variant anew");
  } finally {
    setBusy(false);
  }
}

/** Put a changed variant in place of its older copy. */
export function replaceClip(changed: Clip): void {
  setClips(clips().map((c) => (c.id === changed.id ? changed : c)));
}

export async function renameClip(clip: Clip, name: string): Promise<void> {
  try {
    replaceClip(await commands.clipRename(clip.id, name));
  } catch (error) {
    showError(error, "Could not rename the variant");
  }
}

/** A copy at the end of the list; returns it. */
export async function duplicateClip(clip: Clip): Promise<Clip | null> {
  try {
    const copy = await commands.clipDuplicate(clip.id);
    setClips([...clips(), copy]);
    return copy;
  } catch (error) {
    showError(error, "Could not copy the variant");
    return null;
  }
}

export async function deleteClip(clip: Clip): Promise<void> {
  try {
    await commands.clipDelete(clip.id);
    await loadClips();
  } catch (error) {
    showError(error, "Could not delete the variant");
  }
}
