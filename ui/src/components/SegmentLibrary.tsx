// The segment library: every marked segment of the profile, filtered by keyword, favourite and
// length (and by source while one is open in the segment player).
import { For, onMount, Show } from "solid-js";
import { formatDuration } from "../format";
import { deleteSegment, editSegment, filter, KEYWORD_PRESETS, loadSegments, segments, setFilter } from "../stores/segments";

export function SegmentLibrary() {
  onMount(() => void loadSegments());
  const number = (value: string) => (value.trim() === "" ? null : Number(value));
  return (
    <section class="segment-library" data-testid="segment-library">
      <div class="filters">
        <select
          aria-label="Keyword"
          onChange={(e) => setFilter({ keyword: e.currentTarget.value || null })}
        >
          <option value="">All keywords</option>
          <For each={KEYWORD_PRESETS}>{(word) => <option value={word} selected={filter().keyword === word}>{word}</option>}</For>
        </select>
        <label class="inline">
          <input type="checkbox" checked={filter().favorite_only} onChange={(e) => setFilter({ favorite_only: e.currentTarget.checked })} />
          Favourites
        </label>
        <input aria-label="Shortest (s)" placeholder="min s" type="number" min="0" step="0.5" onChange={(e) => setFilter({ min_duration_s: number(e.currentTarget.value) })} />
        <input aria-label="Longest (s)" placeholder="max s" type="number" min="0" step="0.5" onChange={(e) => setFilter({ max_duration_s: number(e.currentTarget.value) })} />
        <Show when={filter().source_id}>
          <button class="small" onClick={() => setFilter({ source_id: null })}>
            All sources
          </button>
        </Show>
      </div>
      <Show when={segments().length > 0} fallback={<p class="muted">No segments yet: open a source and mark one with I and O.</p>}>
        <ul class="segment-list">
          <For each={segments()}>
            {(s) => (
              <li data-testid="segment-row" data-segment-id={s.id}>
                <button class="icon" aria-label="Favourite" onClick={() => void editSegment(s.id, { favorite: !s.favorite })}>
                  {s.favorite ? "★" : "☆"}
                </button>
                <span class="name">{s.file_name}</span>
                <span class="time">
                  {s.start_s.toFixed(2)}–{s.end_s.toFixed(2)} s ({formatDuration(s.end_s - s.start_s)})
                </span>
                <span class="muted">{s.keywords.join(", ")}</span>
                <span class="muted notes">{s.notes}</span>
                <button class="icon danger" aria-label="Delete segment" onClick={() => void deleteSegment(s.id)}>
                  ✕
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </section>
  );
}
