// The editor domain: edits of a variant's pieces, swapping a piece for the next-best moment, and
// undo/redo. The engine applies and records each one (history kept with the variant); the
// changed variant replaces the old one in the variants store.
import { commands } from "../bindings/commands";
import type { Clip } from "../bindings/Clip";
import type { ItemEdit } from "../bindings/ItemEdit";
import { showError } from "./app";
import { replaceClip } from "./variants";

async function apply(change: () => Promise<Clip>, context: string): Promise<boolean> {
  // The editor benchmark measures from here to the changed preview's first frame.
  performance.mark("edit-start");
  try {
    replaceClip(await change());
    return true;
  } catch (error) {
    showError(error, context);
    return false;
  }
}

export const editItems = (clip: Clip, edit: ItemEdit) => apply(() => commands.clipEdit(clip.id, edit), "Could not change the piece");
export const swapItem = (clip: Clip, itemId: string) => apply(() => commands.clipSwap(clip.id, itemId), "Could not swap the piece");
export const undo = (clip: Clip) => apply(() => commands.clipUndo(clip.id), "Could not undo");
export const redo = (clip: Clip) => apply(() => commands.clipRedo(clip.id), "Could not redo");
