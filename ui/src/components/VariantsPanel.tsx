// A project's variants: how many, how long, which way to pick; each variant's pieces with their
// total length; keep the good ones through regeneration.
import { createResource, createSignal, For, onMount, Show } from "solid-js";
import type { Clip } from "../bindings/Clip";
import type { Mode } from "../bindings/Mode";
import { formatDuration, plural } from "../format";
import { analysisOf } from "../stores/analysis";
import { selectedProject, sources } from "../stores/library";
import {
  busy,
  clips,
  deleteClip,
  duplicateClip,
  generateVariants,
  loadClips,
  notes,
  regenerateOne,
  renameClip,
  toggleKept,
} from "../stores/variants";
import { confirm, prompt } from "./Dialog";
import { exportsOf, exportsVersion, reveal } from "../stores/exports";
import { CaptionsPanel } from "./CaptionsPanel";
import { Editor } from "./Editor";
import { PieceFrame } from "./PieceFrame";
import { openExport } from "./ExportDialog";

/** A variant's finished exports with what they measured, newest first. */
function ExportList(props: { clip: Clip }) {
  const [records] = createResource(
    () => ({ id: props.clip.id, version: exportsVersion(props.clip.id) }),
    (key) => exportsOf(key.id),
  );
  return (
    <Show when={(records() ?? []).length > 0}>
      <ul class="exports plain" data-testid="variant-exports">
        <For each={records()}>
          {(r) => (
            <li>
              <span>{r.path.split(/[\\/]/).pop()}</span>
              <span class="muted">
                {r.width}×{r.height} · {r.duration_s?.toFixed(2)} s ·{" "}
                {r.integrated_lufs == null ? "silent" : `${r.integrated_lufs.toFixed(1)} LUFS`} ·{" "}
                {r.true_peak_dbtp == null ? "" : `${r.true_peak_dbtp.toFixed(1)} dBTP · `}
                {(r.size_bytes / 1e6).toFixed(1)} MB · {r.encoder ?? "x264enc"}
              </span>
              <Show when={r.file_present} fallback={<span class="muted">moved or deleted</span>}>
                <button class="small" onClick={() => void reveal(r, props.clip.id)}>
                  Show in folder
                </button>
              </Show>
            </li>
          )}
        </For>
      </ul>
    </Show>
  );
}

const NS = 1e9;

function VariantCard(props: { clip: Clip; regenerate: () => void; open: () => void; opened: boolean }) {
  const length = () => props.clip.timeline.items.reduce((sum, i) => sum + (i.out - i.in) / NS, 0);
  const nameOf = (id: string) => sources().find((s) => s.id === id)?.file_name ?? "missing source";
  return (
    <li
      class="variant"
      data-testid="variant"
      data-clip-id={props.clip.id}
      tabIndex={0}
      classList={{ kept: props.clip.selected, opened: props.opened }}
      onKeyDown={(e) => {
        if (e.target !== e.currentTarget) return;
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          props.open();
        }
      }}
    >
      <div class="variant-head">
        <strong>{props.clip.name}</strong>
        <span class="muted">
          {formatDuration(length())} · {plural(props.clip.timeline.items.length, "piece")}
        </span>
        <button class="small primary" data-testid="variant-play" onClick={() => props.open()} disabled={props.opened}>
          Play
        </button>
        <label class="inline">
          <input type="checkbox" checked={props.clip.selected} onChange={() => void toggleKept(props.clip)} /> Keep
        </label>
        <button class="small" disabled={busy()} onClick={() => props.regenerate()} data-testid="variant-regenerate">
          Make anew
        </button>
        <button class="small" onClick={() => openExport([props.clip.id], `Export ${props.clip.name}`)} data-testid="variant-export">
          Export…
        </button>
        <button
          class="icon"
          title="Rename"
          aria-label={`Rename ${props.clip.name}`}
          data-testid="variant-rename"
          onClick={() =>
            prompt({
              title: "Rename variant",
              label: "Name",
              value: props.clip.name,
              okLabel: "Rename",
              accept: (name) => renameClip(props.clip, name),
            })
          }
        >
          ✎
        </button>
        <button class="small" title="Make a copy to try something without losing this one" data-testid="variant-duplicate" onClick={() => void duplicateClip(props.clip)}>
          Copy
        </button>
        <button
          class="icon danger"
          title="Delete"
          aria-label={`Delete ${props.clip.name}`}
          data-testid="variant-delete"
          onClick={() =>
            confirm({
              title: "Delete variant?",
              message: `“${props.clip.name}” and its edit history will be deleted. Files already exported stay where they are.`,
              okLabel: "Delete",
              accept: () => deleteClip(props.clip),
            })
          }
        >
          ✕
        </button>
      </div>
      <div class="pieces">
        <For each={props.clip.timeline.items}>
          {(item) => (
            <figure class="piece" title={`${nameOf(item.source_id)} ${(item.in / NS).toFixed(1)}–${(item.out / NS).toFixed(1)} s`}>
              <PieceFrame sourceId={item.source_id} inNs={item.in} height={54} />
              <figcaption>{((item.out - item.in) / NS).toFixed(1)} s</figcaption>
            </figure>
          )}
        </For>
      </div>
      <details class="variant-speech" data-testid="variant-speech">
        <summary>
          Captions &amp; sound
          <Show when={(props.clip.timeline.captions?.cues.length ?? 0) > 0}>
            <span class="muted"> · {plural(props.clip.timeline.captions?.cues.length ?? 0, "cue")}</span>
          </Show>
          <Show when={props.clip.timeline.audio.mode !== "keep"}>
            <span class="muted"> · voices {props.clip.timeline.audio.mode === "duck" ? "ducked" : "muted"}</span>
          </Show>
        </summary>
        <CaptionsPanel clip={props.clip} />
      </details>
      <ExportList clip={props.clip} />
    </li>
  );
}

export function VariantsPanel() {
  const [count, setCount] = createSignal(3);
  const [target, setTarget] = createSignal(selectedProject()?.target_duration_s ?? 20);
  const [mode, setMode] = createSignal<Mode>("auto");
  // The variant playing in the editor beside the list.
  const [opened, setOpened] = createSignal<string | null>(null);
  const openedClip = () => clips().find((c) => c.id === opened());
  // ↑/↓ (or j/k) move between variant cards; Enter plays the one in focus.
  const navigate = (event: KeyboardEvent) => {
    if ((event.target as HTMLElement).matches("input, textarea, select")) return;
    const step = event.key === "ArrowDown" || event.key === "j" ? 1 : event.key === "ArrowUp" || event.key === "k" ? -1 : 0;
    if (step === 0) return;
    const cards = [...document.querySelectorAll<HTMLElement>('[data-testid="variant"]')];
    const at = cards.findIndex((c) => c.contains(document.activeElement));
    const next = cards[Math.min(cards.length - 1, Math.max(0, at + step))];
    if (next) {
      event.preventDefault();
      next.focus();
      if (opened()) setOpened(next.dataset.clipId ?? null);
    }
  };
  onMount(() => void loadClips());
  const exportKept = () => {
    const kept = clips().filter((c) => c.selected);
    const chosen = kept.length > 0 ? kept : clips();
    openExport(
      chosen.map((c) => c.id),
      kept.length > 0 ? `Export the ${plural(kept.length, "kept variant")}` : "Export all variants",
    );
  };
  const analysing = () => sources().filter((s) => analysisOf(s.id)).length;
  return (
    <div class="variants-layout">
      <section class="variants-panel" data-testid="variants-panel" onKeyDown={navigate}>
      <div class="variant-controls">
        <label class="inline">
          Variants
          <input type="number" min="1" max="10" value={count()} onChange={(e) => setCount(Number(e.currentTarget.value) || 1)} />
        </label>
        <label class="inline">
          Seconds each
          <input type="number" min="5" max="180" value={target()} onChange={(e) => setTarget(Number(e.currentTarget.value) || 20)} />
        </label>
        <label class="inline">
          Pick
          <select onChange={(e) => setMode(e.currentTarget.value as Mode)}>
            <option value="auto">best moments</option>
            <option value="random">at random</option>
            <option value="sequential">in shooting order</option>
          </select>
        </label>
        <button
          class="primary"
          data-testid="variants-generate"
          disabled={busy() || analysing() > 0}
          onClick={() => void generateVariants(Math.min(10, Math.max(1, count())), target(), mode())}
        >
          {clips().length ? "Regenerate" : "Make variants"}
        </button>
        <button data-testid="export-kept" disabled={clips().length === 0} onClick={() => exportKept()}>
          Export {clips().some((c) => c.selected) ? "kept" : "all"}…
        </button>
        <Show when={analysing() > 0}>
          <span class="muted">Analysing {plural(analysing(), "source")}…</span>
        </Show>
      </div>
      <For each={notes()}>{(note) => <p class="muted note">Note: {note}</p>}</For>
      <Show when={clips().length > 0} fallback={<p class="muted">No variants yet.</p>}>
        <ul class="variant-list">
          {/* Keyed by id, not by object: an edited variant updates in place, keeping what is open. */}
          <For each={clips().map((c) => c.id)}>
            {(id) => (
              <Show when={clips().find((c) => c.id === id)}>
                {(clip) => (
                  <VariantCard
                    clip={clip()}
                    regenerate={() => void regenerateOne(clip(), target(), mode())}
                    open={() => setOpened(clip().id)}
                    opened={opened() === clip().id}
                  />
                )}
              </Show>
            )}
          </For>
        </ul>
      </Show>
      </section>
      <Show when={openedClip()}>{(clip) => <Editor clip={clip()} onClose={() => setOpened(null)} />}</Show>
    </div>
  );
}
