// The segment player (W3): play a source, mark segments with the keyboard, see them with the
// analysis on a zoomable timeline, and give the marked one keywords, notes and a star.
//   Space play/pause · I in · O out (marks the segment) · C jump between in and out · Esc clear
//   ←/→ one frame · Shift+←/→ 5 s · J/K/L slower/normal/faster (0.25×–2×) · F fullscreen
//   mouse wheel on the timeline: zoom 1×–20×
import { createEffect, createSignal, For, onCleanup, onMount, Show } from "solid-js";
import type { Segment } from "../bindings/Segment";
import type { Source } from "../bindings/Source";
import { formatDuration } from "../format";
import { overviewOf } from "../stores/analysis";
import { mediaUrl, showError } from "../stores/app";
import { deleteSegment, editSegment, KEYWORD_PRESETS, markSegment, segments, setFilter } from "../stores/segments";
import { drawHeat } from "./AnalysisStrip";
import { playbackError } from "./Player";

const RATES = [0.25, 0.5, 1, 1.5, 2];

export function SegmentPlayer(props: { source: Source; onClose: () => void }) {
  let video!: HTMLVideoElement;
  let root!: HTMLElement;
  let canvas!: HTMLCanvasElement;
  const [now, setNow] = createSignal(0);
  const [markIn, setMarkIn] = createSignal<number | null>(null);
  const [markOut, setMarkOut] = createSignal<number | null>(null);
  const [zoom, setZoom] = createSignal(1);
  const [rate, setRate] = createSignal(1);
  const [current, setCurrent] = createSignal<Segment | null>(null);
  const [error, setError] = createSignal("");
  const duration = () => props.source.duration_s;
  const frame = () => 1 / (props.source.fps ?? 30);
  const mine = () => segments().filter((s) => s.source_id === props.source.id);

  // The segment library shows this source's segments while it is open.
  onMount(() => {
    setFilter({ source_id: props.source.id });
    root.focus();
    let raf = 0;
    const tick = () => {
      setNow(video.currentTime);
      raf = requestAnimationFrame(tick);
    };
    raf = requestAnimationFrame(tick);
    onCleanup(() => {
      cancelAnimationFrame(raf);
      setFilter({ source_id: null });
    });
  });

  const seek = (t: number) => {
    video.currentTime = Math.min(Math.max(0, t), duration());
    setNow(video.currentTime);
  };

  const mark = async () => {
    const start = markIn() ?? 0;
    const end = video.currentTime;
    setMarkOut(end);
    if (end - start < 0.1) {
      setError("The out point must come after the in point.");
      return;
    }
    try {
      setCurrent(await markSegment(props.source.id, start, end));
      setError("");
      setMarkIn(null);
      setMarkOut(null);
    } catch (e) {
      showError(e, "Could not mark the segment");
    }
  };

  const onKey = (event: KeyboardEvent) => {
    if ((event.target as HTMLElement).matches("input, textarea")) return;
    const key = event.key;
    const handled = true;
    if (key === " ") void (video.paused ? video.play() : video.pause());
    else if (key === "i" || key === "I") setMarkIn(video.currentTime);
    else if (key === "o" || key === "O") void mark();
    else if (key === "c" || key === "C") {
      const [a, b] = [markIn(), markOut()];
      if (a !== null && b !== null) seek(Math.abs(video.currentTime - a) < frame() ? b : a);
      else if (a !== null) seek(a);
    } else if (key === "Escape") {
      setMarkIn(null);
      setMarkOut(null);
    } else if (key === "ArrowLeft" || key === "ArrowRight") {
      video.pause();
      const step = event.shiftKey ? 5 : frame();
      seek(video.currentTime + (key === "ArrowRight" ? step : -step));
    } else if (key === "j" || key === "J" || key === "l" || key === "L") {
      const i = RATES.indexOf(rate());
      const next = RATES[Math.min(RATES.length - 1, Math.max(0, i + (key.toLowerCase() === "l" ? 1 : -1)))];
      setRate(next);
      video.playbackRate = next;
      void video.play();
    } else if (key === "k" || key === "K") {
      setRate(1);
      video.playbackRate = 1;
      video.pause();
    } else if (key === "f" || key === "F") void (document.fullscreenElement ? document.exitFullscreen() : video.requestFullscreen());
    else return;
    if (handled) event.preventDefault();
  };

  // The visible stretch of the timeline: the whole source at 1×, around the playhead when zoomed.
  const view = () => {
    const span = duration() / zoom();
    const from = Math.min(Math.max(0, now() - span / 2), Math.max(0, duration() - span));
    return { from, to: from + span };
  };

  createEffect(() => {
    const ctx = canvas?.getContext("2d");
    if (!ctx) return;
    const { from, to } = view();
    const x = (t: number) => ((t - from) / (to - from)) * canvas.width;
    const overview = overviewOf(props.source.id);
    if (overview) drawHeat(canvas, overview, from, to);
    else {
      ctx.fillStyle = "#2e323c";
      ctx.fillRect(0, 0, canvas.width, canvas.height);
    }
    ctx.fillStyle = "rgba(95,179,255,0.55)";
    for (const s of mine()) ctx.fillRect(x(s.start_s), canvas.height - 10, Math.max(2, x(s.end_s) - x(s.start_s)), 10);
    const a = markIn();
    if (a !== null) {
      ctx.fillStyle = "rgba(111,208,140,0.35)";
      ctx.fillRect(x(a), 0, Math.max(2, x(markOut() ?? now()) - x(a)), canvas.height);
    }
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(Math.round(x(now())) - 1, 0, 2, canvas.height);
  });

  const onWheel = (event: WheelEvent) => {
    event.preventDefault();
    setZoom((z) => Math.min(20, Math.max(1, z * (event.deltaY < 0 ? 1.25 : 0.8))));
  };
  const onClick = (event: MouseEvent) => {
    const { from, to } = view();
    seek(from + (event.offsetX / canvas.clientWidth) * (to - from));
  };

  return (
    <aside class="player segment-player" data-testid="player" tabindex="0" ref={root} onKeyDown={onKey}>
      <header>
        <strong title={props.source.path}>{props.source.file_name}</strong>
        <button class="icon" aria-label="Close player" onClick={() => props.onClose()}>
          ×
        </button>
      </header>
      <video
        ref={video}
        controls
        autoplay
        preload="auto"
        src={mediaUrl(props.source.id, "media")}
        data-testid="player-video"
        onError={() => setError(playbackError(video))}
      />
      <canvas
        ref={canvas}
        class="timeline"
        width={640}
        height={28}
        data-testid="segment-timeline"
        onWheel={onWheel}
        onClick={onClick}
      />
      <div class="marks muted" data-testid="marks">
        {formatDuration(now())} / {formatDuration(duration())} · {rate()}× · zoom {zoom().toFixed(1)}×
        {markIn() !== null ? ` · in ${markIn()?.toFixed(2)} s` : ""}
        <span class="keys"> I in · O out · C in/out · Esc clear · ←/→ frame · J/K/L speed</span>
      </div>
      <p class="error" role="alert">
        {error()}
      </p>
      <Show when={current()}>
        {(segment) => (
          <div class="segment-editor" data-testid="segment-editor">
            <div>
              Segment {segment().start_s.toFixed(2)}–{segment().end_s.toFixed(2)} s
              <button
                class="icon"
                aria-label="Favourite"
                classList={{ starred: segment().favorite }}
                onClick={async () => setCurrent(await editSegment(segment().id, { favorite: !segment().favorite }))}
              >
                {segment().favorite ? "★" : "☆"}
              </button>
            </div>
            <div class="chips">
              <For each={KEYWORD_PRESETS}>
                {(word) => (
                  <button
                    class="chip"
                    classList={{ on: segment().keywords.includes(word) }}
                    onClick={async () => {
                      const has = segment().keywords.includes(word);
                      const keywords = has ? segment().keywords.filter((k) => k !== word) : [...segment().keywords, word];
                      setCurrent(await editSegment(segment().id, { keywords }));
                    }}
                  >
                    {word}
                  </button>
                )}
              </For>
            </div>
            <textarea
              placeholder="Notes"
              value={segment().notes}
              onChange={async (e) => setCurrent(await editSegment(segment().id, { notes: e.currentTarget.value }))}
            />
            <button
              class="small"
              onClick={async () => {
                await deleteSegment(segment().id);
                setCurrent(null);
              }}
            >
              Delete segment
            </button>
          </div>
        )}
      </Show>
      <p class="muted path">{props.source.path}</p>
    </aside>
  );
}
