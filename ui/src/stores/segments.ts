// The segments domain: the segment library with its filters, and marking segments by hand.
import { createSignal } from "solid-js";
import { commands } from "../bindings/commands";
import type { Segment } from "../bindings/Segment";
import type { SegmentFilter } from "../bindings/SegmentFilter";
import { showError } from "./app";
import { profile } from "./library";

export const KEYWORD_PRESETS = ["intro", "product", "demo", "close-up", "transition", "outro", "talking"];

const [segments, setSegments] = createSignal<Segment[]>([]);
const [filter, setFilterSignal] = createSignal<Omit<SegmentFilter, "profile_id">>({
  source_id: null,
  keyword: null,
  favorite_only: false,
  min_duration_s: null,
  max_duration_s: null,
});
export { filter, segments };

export async function loadSegments(): Promise<void> {
  try {
    setSegments(await commands.segmentsList({ ...filter(), profile_id: profile()?.id ?? null }));
  } catch (error) {
    showError(error, "Could not list the segments");
  }
}

export function setFilter(change: Partial<Omit<SegmentFilter, "profile_id">>): void {
  setFilterSignal({ ...filter(), ...change });
  void loadSegments();
}

/** Mark a segment; throws for the caller to show. */
export async function markSegment(sourceId: string, startS: number, endS: number): Promise<Segment> {
  const created = await commands.segmentCreate(sourceId, startS, endS, [], "", false);
  await loadSegments();
  return created;
}

export async function editSegment(
  id: string,
  edit: { keywords?: string[]; notes?: string; favorite?: boolean; start_s?: number; end_s?: number },
): Promise<Segment | null> {
  try {
    const changed = await commands.segmentEdit(id, {
      start_s: edit.start_s ?? null,
      end_s: edit.end_s ?? null,
      keywords: edit.keywords ?? null,
      notes: edit.notes ?? null,
      favorite: edit.favorite ?? null,
    });
    setSegments(segments().map((s) => (s.id === changed.id ? changed : s)));
    return changed;
  } catch (error) {
    showError(error, "Could not change the segment");
    return null;
  }
}

export async function deleteSegment(id: string): Promise<void> {
  try {
    await commands.segmentDelete(id);
    setSegments(segments().filter((s) => s.id !== id));
  } catch (error) {
    showError(error, "Could not delete the segment");
  }
}
