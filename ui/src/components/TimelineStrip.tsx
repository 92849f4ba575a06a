// The editor's timeline: a block per piece (its source's picture), the captions as cue blocks, the
// voice-over and music as bars, and a playhead. Drag along the ruler to scrub; click to seek and
// select a piece; drag a piece sideways to move it; drag its edges to trim it (snapped to the
// output's frames); drag the voice-over sideways to move it, or either bar up and down to change its
// volume; zoom widens the strip, which then scrolls.
import { createSignal, For, Show } from "solid-js";
import type { Clip } from "../bindings/Clip";
import type { ItemEdit } from "../bindings/ItemEdit";
import type { PreviewPlan } from "../bindings/PreviewPlan";
import type { SourceSpeech } from "../bindings/SourceSpeech";
import { sources } from "../stores/library";
import { PieceFrame } from "./PieceFrame";
import { WaveformTrack } from "./WaveformTrack";

const NS = 1e9;
/** Keep receiving the pointer's moves outside the element; best effort (a pointer already
 * released, or one made up by a script, cannot be captured and needs not be). */
function capture(event: PointerEvent): void {
  try {
    (event.currentTarget as HTMLElement).setPointerCapture(event.pointerId);
  } catch {
    // The strip still sees the moves that happen over it.
  }
}

/** Pointer travel before a press on a piece becomes a drag, px. */
const DRAG_PX = 5;
/** Volume change per pixel dragged up (down lowers it). */
const VOLUME_PER_PX = 0.02;
/** The loudest a bar can be dragged to (the captions panel's volume fields allow the same). */
const MAX_VOLUME = 4;

/** A bar of sound being dragged: sideways moves it in time (the voice-over only), up and down sets
 * its volume. Which of the two is decided by the first few pixels of travel. */
type BarDrag = {
  kind: "bar";
  bar: "voice" | "music";
  startX: number;
  startY: number;
  axis: "time" | "volume" | null;
  deltaNs: number;
  volume: number;
  startVolume: number;
};

type Drag =
  | { kind: "scrub" }
  | { kind: "move"; index: number; startX: number; x: number; moved: boolean }
  | { kind: "trim"; index: number; edge: "in" | "out"; startX: number; deltaNs: number }
  | BarDrag;

const percent = (volume: number) => `${Math.round(volume * 100)} %`;

export function TimelineStrip(props: {
  clip: Clip;
  plan: PreviewPlan;
  /** The sources' speech, shaded on the footage's sound track (once known). */
  speech: SourceSpeech[] | undefined;
  now: number;
  zoom: number;
  selected: string | null;
  select: (itemId: string) => void;
  /** A range marked with I and O (either end may be unset yet). */
  range: { from: number | null; to: number | null } | null;
  seek: (ns: number) => void;
  /** A seek while the playhead is dragged (cheaper; a `seek` follows when it ends). */
  scrub: (ns: number) => void;
  edit: (edit: ItemEdit) => void;
  /** The voice-over moved to start at `offset` (ns of output time) or set to `volume`. */
  voiceover: (change: { offset?: number; volume?: number }) => void;
  musicVolume: (volume: number) => void;
}) {
  let inner!: HTMLDivElement;
  const [drag, setDrag] = createSignal<Drag | null>(null);
  const duration = () => Math.max(1, props.plan.duration_ns);
  const frameNs = () => NS / props.plan.fps;
  const pct = (t: number) => `${(100 * t) / duration()}%`;
  const nsPerPx = () => duration() / inner.getBoundingClientRect().width;
  const timeAt = (clientX: number) => (clientX - inner.getBoundingClientRect().left) * nsPerPx();
  const nameOf = (id: string) => sources().find((s) => s.id === id)?.file_name ?? "missing source";

  /** Where a dragged piece would go: before the piece whose middle the pointer has not passed. */
  const insertionAt = (clientX: number) => {
    const t = timeAt(clientX);
    const i = props.plan.items.findIndex((item) => t < (item.start + item.end) / 2);
    return i === -1 ? props.plan.items.length : i;
  };

  const onItemDown = (event: PointerEvent, index: number) => {
    if (event.button !== 0) return;
    capture(event);
    setDrag({ kind: "move", index, startX: event.clientX, x: event.clientX, moved: false });
  };
  const onHandleDown = (event: PointerEvent, index: number, edge: "in" | "out") => {
    if (event.button !== 0) return;
    event.stopPropagation();
    capture(event);
    setDrag({ kind: "trim", index, edge, startX: event.clientX, deltaNs: 0 });
  };
  const onBarDown = (event: PointerEvent, bar: "voice" | "music") => {
    if (event.button !== 0) return;
    const volume = bar === "voice" ? props.clip.timeline.voiceover?.volume : props.clip.timeline.music?.volume;
    if (volume === undefined) return;
    capture(event);
    setDrag({ kind: "bar", bar, startX: event.clientX, startY: event.clientY, axis: null, deltaNs: 0, volume, startVolume: volume });
  };
  const moveBar = (d: BarDrag, event: PointerEvent): BarDrag => {
    const dx = event.clientX - d.startX;
    const dy = event.clientY - d.startY;
    let axis = d.axis;
    if (axis === null && Math.max(Math.abs(dx), Math.abs(dy)) > DRAG_PX)
      axis = d.bar === "voice" && Math.abs(dx) > Math.abs(dy) ? "time" : "volume";
    if (axis === "time") {
      const offset = props.clip.timeline.voiceover?.offset ?? 0;
      const frames = Math.round((dx * nsPerPx()) / frameNs());
      // Never before the video's start.
      return { ...d, axis, deltaNs: Math.max(-offset, frames * frameNs()) };
    }
    if (axis === "volume") {
      const volume = Math.min(MAX_VOLUME, Math.max(0, d.startVolume - dy * VOLUME_PER_PX));
      return { ...d, axis, volume: Math.round(volume * 100) / 100 };
    }
    return d;
  };
  const dropBar = (d: BarDrag, clientX: number) => {
    if (d.axis === null) props.seek(Math.max(0, Math.min(duration(), timeAt(clientX))));
    else if (d.axis === "time" && d.deltaNs !== 0) {
      const offset = props.clip.timeline.voiceover?.offset ?? 0;
      props.voiceover({ offset: Math.max(0, Math.round(offset + d.deltaNs)) });
    } else if (d.axis === "volume" && d.volume !== d.startVolume) {
      if (d.bar === "voice") props.voiceover({ volume: d.volume });
      else props.musicVolume(d.volume);
    }
  };
  /** The bar's volume, as it would end up while being dragged. */
  const barVolume = (bar: "voice" | "music") => {
    const d = drag();
    if (d?.kind === "bar" && d.bar === bar) return d.volume;
    return (bar === "voice" ? props.clip.timeline.voiceover?.volume : props.clip.timeline.music?.volume) ?? 1;
  };
  const voiceShift = () => {
    const d = drag();
    return d?.kind === "bar" && d.bar === "voice" && d.axis === "time" ? d.deltaNs : 0;
  };
  const onRulerDown = (event: PointerEvent) => {
    if (event.button !== 0) return;
    capture(event);
    setDrag({ kind: "scrub" });
    props.seek(timeAt(event.clientX));
  };
  const onMove = (event: PointerEvent) => {
    const d = drag();
    if (!d) return;
    if (d.kind === "scrub") props.scrub(Math.max(0, Math.min(duration(), timeAt(event.clientX))));
    else if (d.kind === "move") setDrag({ ...d, x: event.clientX, moved: d.moved || Math.abs(event.clientX - d.startX) > DRAG_PX });
    else if (d.kind === "bar") setDrag(moveBar(d, event));
    else {
      const frames = Math.round(((event.clientX - d.startX) * nsPerPx()) / frameNs());
      setDrag({ ...d, deltaNs: frames * frameNs() });
    }
  };
  const onUp = (event: PointerEvent) => {
    const d = drag();
    setDrag(null);
    if (!d) return;
    if (d.kind === "scrub") {
      props.seek(Math.max(0, Math.min(duration(), timeAt(event.clientX))));
      return;
    }
    if (d.kind === "bar") {
      dropBar(d, event.clientX);
      return;
    }
    const item = props.clip.timeline.items[d.index];
    if (!item) return;
    if (d.kind === "move") {
      if (!d.moved) {
        props.select(item.id);
        props.seek(timeAt(event.clientX));
        return;
      }
      const before = insertionAt(event.clientX);
      const to = before > d.index ? before - 1 : before;
      if (to !== d.index) props.edit({ op: "move", item_id: item.id, to });
    } else if (d.deltaNs !== 0) {
      const delta = Math.round(d.deltaNs);
      props.edit({
        op: "trim",
        item_id: item.id,
        in_ns: d.edge === "in" ? item.in + delta : item.in,
        out_ns: d.edge === "out" ? item.out + delta : item.out,
      });
    }
  };
  /** A piece's block, with a trim being dragged shown as it would end up. */
  const box = (index: number) => {
    const item = props.plan.items[index];
    const d = drag();
    let [start, end] = [item.start, item.end];
    if (d?.kind === "trim" && d.index === index) {
      if (d.edge === "in") end -= d.deltaNs;
      else end += d.deltaNs;
    }
    return { left: pct(start), width: pct(Math.max(frameNs(), end - start)) };
  };
  const marker = () => {
    const d = drag();
    if (d?.kind !== "move" || !d.moved) return null;
    const i = insertionAt(d.x);
    return i < props.plan.items.length ? props.plan.items[i].start : props.plan.duration_ns;
  };
  const cues = () => props.clip.timeline.captions?.cues ?? [];
  const isDragged = (index: number) => {
    const d = drag();
    return d?.kind === "move" && d.index === index && d.moved;
  };

  return (
    <div class="strip-scroll">
      <div
        class="strip"
        data-testid="editor-strip"
        ref={inner}
        style={{ width: `${100 * props.zoom}%` }}
        onPointerMove={onMove}
        onPointerUp={onUp}
        onPointerCancel={() => setDrag(null)}
      >
        <div class="strip-ruler" data-testid="strip-ruler" title="Drag to scrub" onPointerDown={onRulerDown} />
        <div class="strip-items">
          <For each={props.plan.items}>
            {(item, i) => (
              <div
                class="strip-item"
                data-testid="strip-item"
                data-item-id={item.item_id}
                classList={{
                  current: props.now >= item.start && props.now < item.end,
                  selected: props.selected === item.item_id,
                  dragging: isDragged(i()),
                }}
                style={box(i())}
                title={`${i() + 1}. ${nameOf(item.source_id)} from ${(item.in_ns / NS).toFixed(2)} s, ${((item.end - item.start) / NS).toFixed(2)} s`}
                onPointerDown={(e) => onItemDown(e, i())}
              >
                <PieceFrame sourceId={item.source_id} inNs={item.in_ns} height={40} />
                <span class="handle in" data-testid="trim-in" onPointerDown={(e) => onHandleDown(e, i(), "in")} />
                <span class="handle out" data-testid="trim-out" onPointerDown={(e) => onHandleDown(e, i(), "out")} />
              </div>
            )}
          </For>
        </div>
        <div class="strip-audio" title="The footage's sound as the export will play it (what muting, ducking or noise reduction takes away in dim orange; speech shaded green)">
          <WaveformTrack
            clipId={props.clip.id}
            items={props.plan.items}
            durationNs={props.plan.duration_ns}
            denoise={props.clip.timeline.audio.denoise}
            speech={props.speech}
            height={24}
          />
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
        <div class="strip-extras">
          <Show when={props.plan.voiceover}>
            {(voice) => (
              <div class="strip-lane" data-testid="voice-lane">
                <For each={voice().parts}>
                  {(part, i) => (
                    <div
                      class="strip-voice strip-bar"
                      data-testid="voice-bar"
                      classList={{ dragging: voiceShift() !== 0 }}
                      style={{ left: pct(part.at + voiceShift()), width: pct(part.to - part.from) }}
                      title={`Voice-over at ${percent(barVolume("voice"))}: drag sideways to move it, up or down to change its volume`}
                      onPointerDown={(e) => onBarDown(e, "voice")}
                    >
                      <Show when={i() === 0}>
                        <span class="bar-label" data-testid="voice-label">
                          Voice-over {percent(barVolume("voice"))}
                          {voiceShift() !== 0 ? ` · from ${((((props.clip.timeline.voiceover?.offset ?? 0) + voiceShift()) / NS).toFixed(2))} s` : ""}
                        </span>
                      </Show>
                    </div>
                  )}
                </For>
              </div>
            )}
          </Show>
          <Show when={props.plan.music}>
            {(music) => (
              <div class="strip-lane" data-testid="music-lane">
                <div
                  class="strip-music strip-bar"
                  data-testid="music-bar"
                  style={{ left: "0%", width: music().looped ? "100%" : pct(Math.min(music().length, props.plan.duration_ns)) }}
                  title={`Music at ${percent(barVolume("music"))}: drag up or down to change its volume`}
                  onPointerDown={(e) => onBarDown(e, "music")}
                >
                  <span class="bar-label" data-testid="music-label">
                    Music {percent(barVolume("music"))}
                  </span>
                </div>
              </div>
            )}
          </Show>
        </div>
        <Show when={props.range}>
          {(r) => {
            const from = () => r().from ?? r().to ?? 0;
            const to = () => r().to ?? r().from ?? 0;
            return (
              <div
                class="strip-range"
                data-testid="strip-range"
                classList={{ open: r().from === null || r().to === null }}
                style={{ left: pct(Math.min(from(), to())), width: pct(Math.abs(to() - from())) }}
              />
            );
          }}
        </Show>
        <Show when={marker() !== null}>
          <div class="drop-marker" style={{ left: pct(marker()!) }} />
        </Show>
        {/* Moved by a transform on a layer of its own: moving it repaints none of the pieces. */}
        <div class="playhead-track">
          <div class="playhead" data-testid="playhead" style={{ transform: `translateX(${pct(props.now)})` }} />
        </div>
      </div>
    </div>
  );
}
