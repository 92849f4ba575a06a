// The editor's preview of one variant (issue 11, first part): its timeline played straight from
// the sources in a 9:16 stage, framed as the export frames it, the audio plan applied, captions
// drawn over it from the same style model; a strip of the items and cues with a playhead; and the
// caption edits a creator makes at the playhead.
//   Space play/pause · K pause · L play · ←/→ one frame · Shift+←/→ 5 s · Home/End
//   Q cue starts at the playhead · W cue ends at the playhead · X split the cue at the playhead
import { createEffect, createResource, createSignal, For, onCleanup, onMount, Show } from "solid-js";
import { commands } from "../bindings/commands";
import type { CaptionEdit } from "../bindings/CaptionEdit";
import type { Clip } from "../bindings/Clip";
import type { Cue } from "../bindings/Cue";
import { formatDuration } from "../format";
import { Composer } from "../preview/composer";
import { mediaUrl, showError } from "../stores/app";
import { sources } from "../stores/library";
import { editCaption } from "../stores/speech";
import { CaptionOverlay } from "./CaptionOverlay";

const NS = 1e9;
const STAGE_HEIGHT = 540;

export function Editor(props: { clip: Clip; onClose: () => void }) {
  let root!: HTMLElement;
  let videoA!: HTMLVideoElement;
  let videoB!: HTMLVideoElement;
  let backdrop!: HTMLCanvasElement;
  let voice!: HTMLAudioElement;
  let music!: HTMLAudioElement;
  const [now, setNow] = createSignal(0);
  const [playing, setPlaying] = createSignal(false);
  const [error, setError] = createSignal("");
  const [switches, setSwitches] = createSignal({ all: 0, ready: 0 });
  // The plan follows every change of the variant (each edit saves a new timeline).
  const [plan] = createResource(
    () => ({ id: props.clip.id, timeline: JSON.stringify(props.clip.timeline) }),
    async (key) => {
      try {
        return await commands.clipPreview(key.id);
      } catch (e) {
        showError(e, "The variant cannot be previewed");
        return undefined;
      }
    },
  );
  let composer: Composer | null = null;
  const stageWidth = () => {
    const p = plan();
    return p ? Math.round((STAGE_HEIGHT * p.width) / p.height) : Math.round((STAGE_HEIGHT * 9) / 16);
  };
  const frameNs = () => NS / (plan()?.fps ?? 30);
  const duration = () => plan()?.duration_ns ?? 0;

  createEffect(() => {
    const p = plan();
    if (!p) return;
    if (!composer) {
      composer = new Composer(
        { videos: [videoA, videoB], backdrop, voice, music },
        p,
        (id) => mediaUrl(id, "media"),
        {
          time: setNow,
          playing: setPlaying,
          switched: () => setSwitches({ all: composer?.switches ?? 0, ready: composer?.readySwitches ?? 0 }),
        },
      );
      composer.resize(STAGE_HEIGHT);
    } else composer.setPlan(p);
  });
  onMount(() => root.focus());
  onCleanup(() => composer?.dispose());

  const seek = (t: number) => composer?.seek(t);
  const toggle = () => void (composer?.playing ? composer.pause() : composer?.play());

  const cues = () => props.clip.timeline.captions?.cues ?? [];
  const cueIndexAt = (t: number) => cues().findIndex((c) => t >= c.start && t < c.end);
  const currentCue = (): Cue | undefined => cues()[cueIndexAt(now())];
  /** The cue under the playhead, or else the last one that started before it. */
  const targetCue = () => {
    const inside = cueIndexAt(now());
    if (inside >= 0) return inside;
    let before = -1;
    cues().forEach((c, i) => {
      if (c.start <= now()) before = i;
    });
    return before;
  };
  const atPlayhead = async (what: "start" | "end" | "split") => {
    const index = what === "start" ? nextOrCurrentCue() : targetCue();
    const cue = cues()[index];
    if (!cue) {
      setError("There is no caption here.");
      return;
    }
    const t = Math.round(now());
    const edit: CaptionEdit =
      what === "split"
        ? { op: "split", cue: index, at: t }
        : what === "start"
          ? { op: "retime", cue: index, start: t, end: cue.end }
          : { op: "retime", cue: index, start: cue.start, end: t };
    setError("");
    await editCaption(props.clip, edit);
  };
  /** Setting a start moves the cue under the playhead, or else the next one to start. */
  const nextOrCurrentCue = () => {
    const inside = cueIndexAt(now());
    return inside >= 0 ? inside : cues().findIndex((c) => c.start > now());
  };

  const onKey = (event: KeyboardEvent) => {
    if ((event.target as HTMLElement).matches("input, textarea, select")) return;
    const key = event.key;
    if (key === " ") toggle();
    else if (key === "k" || key === "K") composer?.pause();
    else if (key === "l" || key === "L") void composer?.play();
    else if (key === "ArrowLeft" || key === "ArrowRight") {
      composer?.pause();
      const step = event.shiftKey ? 5 * NS : frameNs();
      seek(now() + (key === "ArrowRight" ? step : -step));
    } else if (key === "Home") seek(0);
    else if (key === "End") seek(duration());
    else if (key === "q" || key === "Q") void atPlayhead("start");
    else if (key === "w" || key === "W") void atPlayhead("end");
    else if (key === "x" || key === "X") void atPlayhead("split");
    else return;
    event.preventDefault();
  };

  const nameOf = (id: string) => sources().find((s) => s.id === id)?.file_name ?? "missing source";
  const pct = (t: number) => `${(100 * t) / Math.max(1, duration())}%`;
  const seekFromStrip = (event: MouseEvent) => {
    const box = (event.currentTarget as HTMLElement).getBoundingClientRect();
    seek(((event.clientX - box.left) / box.width) * duration());
  };

  return (
    <aside
      class="editor"
      data-testid="editor"
      data-now={Math.round(now())}
      data-playing={playing()}
      data-switches={switches().all}
      data-ready-switches={switches().ready}
      tabIndex={0}
      ref={root}
      onKeyDown={onKey}
    >
      <header>
        <strong>{props.clip.name}</strong>
        <span class="muted">{plan() ? `${plan()!.preset} · ${plan()!.width}×${plan()!.height}` : ""}</span>
        <button class="icon" aria-label="Close the editor" onClick={() => props.onClose()}>
          ×
        </button>
      </header>
      <div class="stage" data-testid="stage" style={{ width: `${stageWidth()}px`, height: `${STAGE_HEIGHT}px` }}>
        <canvas ref={backdrop} width={stageWidth()} height={STAGE_HEIGHT} />
        <video ref={videoA} data-testid="stage-video" playsinline onError={() => setError("A source could not be played here.")} />
        <video ref={videoB} data-testid="stage-video" playsinline onError={() => setError("A source could not be played here.")} />
        <CaptionOverlay
          cue={currentCue()}
          style={props.clip.timeline.captions?.style ?? { font: "Inter", size: 72, color: "#FFFFFF", outline_color: "#000000", outline_width: 3, shadow: 0, box_enabled: false, box_color: "#000000", position: 85, align: "center", letter_spacing: 0, highlight_color: null }}
          scale={STAGE_HEIGHT / (plan()?.height ?? 1920)}
          now={now()}
        />
      </div>
      <audio ref={voice} preload="auto" />
      <audio ref={music} preload="auto" />
      <div class="transport">
        <button class="small" data-testid="editor-play" onClick={() => toggle()}>
          {playing() ? "Pause" : "Play"}
        </button>
        <span data-testid="editor-time">
          {formatDuration(now() / NS)} / {formatDuration(duration() / NS)}
        </span>
        <Show when={plan()?.music?.vocals_lowered}>
          <span class="muted">Music plays with its vocals here; the export lowers them.</span>
        </Show>
      </div>
      <div class="strip" data-testid="editor-strip" onClick={seekFromStrip}>
        <div class="strip-items">
          <For each={plan()?.items ?? []}>
            {(item, i) => (
              <div
                class="strip-item"
                data-testid="strip-item"
                classList={{ current: now() >= item.start && now() < item.end }}
                style={{ left: pct(item.start), width: pct(item.end - item.start) }}
                title={`${i() + 1}. ${nameOf(item.source_id)} from ${(item.in_ns / NS).toFixed(2)} s`}
              >
                <img src={mediaUrl(item.source_id, "thumbnail")} alt="" loading="lazy" />
              </div>
            )}
          </For>
        </div>
        <div class="strip-cues">
          <For each={cues()}>
            {(cue) => (
              <div class="strip-cue" style={{ left: pct(cue.start), width: pct(cue.end - cue.start) }} title={cue.text}>
                {cue.text}
              </div>
            )}
          </For>
        </div>
        <div class="playhead" data-testid="playhead" style={{ left: pct(now()) }} />
      </div>
      <Show when={cues().length > 0}>
        <div class="cue-tools">
          <button class="small" data-testid="cue-start-here" title="Q" onClick={() => void atPlayhead("start")}>
            Start cue here
          </button>
          <button class="small" data-testid="cue-end-here" title="W" onClick={() => void atPlayhead("end")}>
            End cue here
          </button>
          <button class="small" data-testid="cue-split-here" title="X" onClick={() => void atPlayhead("split")}>
            Split cue here
          </button>
        </div>
      </Show>
      <p class="error" role="alert">
        {error()}
      </p>
      <p class="muted keys">Space play · ←/→ frame · Shift 5 s · Q/W cue start/end here · X split cue</p>
    </aside>
  );
}
