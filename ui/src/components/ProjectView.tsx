// A project's sources: the thumbnail grid, import (dialog and drag-and-drop), what the last import
// did, and the player.
import { createEffect, createSignal, For, onCleanup, onMount, Show } from "solid-js";
import { open } from "@tauri-apps/plugin-dialog";
import { getCurrentWebview } from "@tauri-apps/api/webview";
import type { Project } from "../bindings/Project";
import type { Source } from "../bindings/Source";
import { formatDuration, plural } from "../format";
import { mediaUrl, showError } from "../stores/app";
import { importState, startImport, startVerify } from "../stores/imports";
import { selectedProject, sources } from "../stores/library";
import { AnalysisStrip } from "./AnalysisStrip";
import { Player } from "./Player";
import { SegmentLibrary } from "./SegmentLibrary";
import { SegmentPlayer } from "./SegmentPlayer";
import { VariantsPanel } from "./VariantsPanel";

const VIDEO_EXTENSIONS = ["mp4", "m4v", "mov", "mkv", "webm", "avi", "mts", "m2ts", "ts", "mpg", "mpeg", "3gp"];
const AUDIO_EXTENSIONS = ["wav", "mp3", "m4a", "aac", "flac", "ogg", "opus"];

async function pick(directory: boolean): Promise<void> {
  try {
    const picked = await open({
      multiple: true,
      directory,
      title: directory ? "Import a folder of footage" : "Import footage",
      filters: directory
        ? undefined
        : [
            { name: "Video and audio", extensions: [...VIDEO_EXTENSIONS, ...AUDIO_EXTENSIONS] },
            { name: "All files", extensions: ["*"] },
          ],
    });
    const paths = picked === null ? [] : Array.isArray(picked) ? picked : [picked];
    await startImport(paths);
  } catch (error) {
    showError(error, "Could not open the file dialog");
  }
}

function badges(source: Source): [string, string][] {
  return [
    !source.has_video ? ["Audio only", "audio"] : null,
    source.has_video && !source.has_audio ? ["No audio", "warn"] : null,
    source.is_portrait ? ["Portrait", "info"] : null,
    source.is_vfr ? ["VFR", "warn"] : null,
    source.status !== "ok" ? [source.status === "missing" ? "Missing" : "Changed", "danger"] : null,
  ].filter((b): b is [string, string] => b !== null);
}

function SourceCard(props: { source: Source; active: boolean; onPlay: () => void }) {
  return (
    <button
      classList={{ "source-card": true, active: props.active }}
      data-testid="source-card"
      title={props.source.path}
      onClick={() => props.onPlay()}
    >
      <div class="thumb">
        <Show
          when={props.source.has_thumbnail}
          fallback={
            <div class="placeholder" data-testid="source-placeholder">
              {props.source.has_video ? "🎞" : "♪"}
            </div>
          }
        >
          <img src={mediaUrl(props.source.id, "thumbnail")} alt={props.source.file_name} loading="lazy" data-testid="source-thumbnail" />
        </Show>
        <span class="duration">{formatDuration(props.source.duration_s)}</span>
      </div>
      <Show when={props.source.has_video}>
        <AnalysisStrip sourceId={props.source.id} />
      </Show>
      <div class="caption">{props.source.file_name}</div>
      <div class="badges">
        <For each={badges(props.source)}>{([text, kind]) => <span class={`badge ${kind}`}>{text}</span>}</For>
      </div>
    </button>
  );
}

function ImportReportView() {
  return (
    <Show when={importState()}>
      {(state) => (
        <>
          <div class="import-status" data-testid="import-status">
            {state().status}
          </div>
          <ul class="import-errors" data-testid="import-errors">
            <For each={state().report?.failed ?? []}>
              {(failure) => (
                <li data-testid="import-error">
                  <strong>{failure.path.split(/[\\/]/).pop() ?? failure.path}</strong>
                  <span>{failure.message.replace(`${failure.path}: `, "")}</span>
                  <Show when={failure.hint}>
                    <span class="hint">{failure.hint}</span>
                  </Show>
                </li>
              )}
            </For>
            <For each={state().report?.skipped ?? []}>
              {(skip) => (
                <li class="skipped" data-testid="import-skipped">
                  <strong>{skip.path.split(/[\\/]/).pop() ?? skip.path}</strong>
                  <span>skipped: {skip.reason}</span>
                </li>
              )}
            </For>
          </ul>
        </>
      )}
    </Show>
  );
}

type Tab = "footage" | "variants" | "segments";

export function ProjectView(props: { project: Project }) {
  const [playing, setPlaying] = createSignal<Source | null>(null);
  const [tab, setTab] = createSignal<Tab>("footage");
  const [dragging, setDragging] = createSignal(false);
  // A new project closes the player.
  createEffect(() => {
    void props.project.id;
    setPlaying(null);
  });
  onMount(() => {
    const unlisten = getCurrentWebview().onDragDropEvent((event) => {
      const payload = event.payload;
      if (payload.type === "enter" || payload.type === "over") setDragging(selectedProject() !== null);
      else {
        setDragging(false);
        if (payload.type === "drop") void startImport(payload.paths);
      }
    });
    unlisten.catch((error) => showError(error, "Drag and drop is unavailable"));
    onCleanup(() => void unlisten.then((stop) => stop()));
  });
  return (
    <section class="project-view">
      <header class="project-header">
        <div>
          <h1 data-testid="project-title">{props.project.name}</h1>
          <p class="muted">
            Target {props.project.target_duration_s} s per video · {plural(props.project.source_count, "source")}
          </p>
        </div>
        <div class="actions">
          <button data-testid="import-files" class="primary" onClick={() => void pick(false)}>
            Import files…
          </button>
          <button onClick={() => void pick(true)}>Import folder…</button>
          <button
            data-testid="verify-sources"
            title="Check that every source file is still there and unchanged"
            onClick={() => void startVerify()}
          >
            Verify sources
          </button>
        </div>
      </header>
      <ImportReportView />
      <nav class="tabs" role="tablist">
        <For each={[["footage", "Footage"], ["variants", "Variants"], ["segments", "Segments"]] as [Tab, string][]}>
          {([id, label]) => (
            <button role="tab" data-testid={`tab-${id}`} classList={{ on: tab() === id }} onClick={() => setTab(id)}>
              {label}
            </button>
          )}
        </For>
      </nav>
      <Show when={tab() === "variants"}>
        <VariantsPanel />
      </Show>
      <Show when={tab() === "segments"}>
        <div class="segments-tab" data-testid="segments-tab">
          <SegmentLibrary />
        </div>
      </Show>
      <div class="content" hidden={tab() !== "footage"}>
        <div class="source-grid" data-testid="source-grid">
          <Show
            when={sources().length > 0}
            fallback={<div class="grid-empty">No footage yet. Drop video or audio files here, or use Import files…</div>}
          >
            <For each={sources()}>
              {(source) => (
                <SourceCard source={source} active={playing()?.id === source.id} onPlay={() => setPlaying(source)} />
              )}
            </For>
          </Show>
        </div>
        <Show when={playing()} keyed>
          {(source) =>
            source.has_video ? (
              <div class="player-column">
                <SegmentPlayer source={source} onClose={() => setPlaying(null)} />
                <SegmentLibrary />
              </div>
            ) : (
              <Player source={source} onClose={() => setPlaying(null)} />
            )
          }
        </Show>
      </div>
      <Show when={dragging()}>
        <div class="drop-overlay">Drop files or folders to import</div>
      </Show>
    </section>
  );
}
