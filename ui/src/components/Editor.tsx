// The editor's preview of one variant (issue 11, first part): its timeline played straight from
// the sources in a 9:16 stage, framed as the export frames it, the audio plan applied, captions
// drawn over it from the same style model; a strip of the items and cues with a playhead; and the
// caption edits a creator makes at the playhead.
//   Space play/pause · J play backward · K pause · L play (J or L again: 2×, 4×) · ←/→ one frame · Shift+←/→ 5 s · Home/End
//   S split the piece · Delete the piece (or the marked range) · Ctrl+Z undo · Ctrl+Shift+Z redo
//   I / O mark a range's start / end at the playhead · Esc forget the range
//   Q cue starts at the playhead · W cue ends at the playhead · X split the cue at the playhead
//   drag on the picture: move a filled piece's focus point
import { createEffect, createResource, createSignal, For, onCleanup, onMount, Show } from "solid-js";
import type { CaptionEdit } from "../bindings/CaptionEdit";
import type { Clip } from "../bindings/Clip";
import type { Cue } from "../bindings/Cue";
import { formatDuration } from "../format";
import type { FramingMode } from "../bindings/FramingMode";
import type { Segment } from "../bindings/Segment";
import { loadSegments, segments } from "../stores/segments";
import { Composer, itemAt, MAX_SPEED } from "../preview/composer";
import { mediaUrl } from "../stores/app";
import { createPreviewPlan, editItems, makeProxies, redo, swapItem, undo } from "../stores/editor";
import { filterJobs } from "../stores/jobs";
import { editCaption, setMusic, setVoiceover, speechOf, speechVersion } from "../stores/speech";
import { CaptionOverlay } from "./CaptionOverlay";
import { filmstripTile, TILE } from "./PieceFrame";
import { TimelineStrip } from "./TimelineStrip";

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
  /** The preview's clock at every display frame while playing (`now` may be told less often, see
   * `Composer.tell`): what is read rather than seen. */
  const [clockNs, setClockNs] = createSignal(0);
  const [playing, setPlaying] = createSignal(false);
  const [error, setError] = createSignal("");
  const [switches, setSwitches] = createSignal({ all: 0, ready: 0 });
  // The plan follows every change of the variant (each edit saves a new timeline).
  const plan = createPreviewPlan(() => props.clip, "The variant cannot be previewed");
  // The sources' loudness and speech for the sound track, again when speech work on them ends.
  const [speech] = createResource(
    () => ({ id: props.clip.id, version: speechVersion(props.clip.id), updated: props.clip.updated_at }),
    (key) => speechOf(key.id).catch(() => undefined),
  );
  // Footage the webview plays badly gets a 540p copy, asked for once per variant opened.
  let proxiesAsked = "";
  createEffect(() => {
    const p = plan();
    if (p && p.unproxied.length > 0 && proxiesAsked !== props.clip.id) {
      proxiesAsked = props.clip.id;
      void makeProxies(props.clip);
    }
  });
  const proxyProgress = () => {
    const waiting = plan()?.unproxied ?? [];
    const jobs = filterJobs((j) => j.kind === "proxy" && j.subject_id !== null && waiting.includes(j.subject_id));
    return jobs.length ? jobs.reduce((sum, j) => sum + j.progress, 0) / jobs.length : null;
  };
  let composer: Composer | null = null;
  const stageWidth = () => {
    const p = plan();
    return p ? Math.round((STAGE_HEIGHT * p.width) / p.height) : Math.round((STAGE_HEIGHT * 9) / 16);
  };
  const frameNs = () => NS / (plan()?.fps ?? 30);
  /** The picture's distance from the timeline clock while playing, ms (read as time moves). */
  const driftMs = () => {
    void clockNs();
    const ms = (d: { max: number; sum: number; count: number } | undefined) => ({
      max: d ? (d.max / 1e6).toFixed(1) : "",
      mean: d?.count ? (d.sum / d.count / 1e6).toFixed(1) : "",
    });
    const f = composer?.frameDrift;
    return { ...ms(composer?.drift), frame: ms(f), ahead: f?.count ? (f.ahead / f.count / 1e6).toFixed(1) : "" };
  };
  /** What the preview's clock follows while playing (read as time moves). */
  const clock = () => {
    void clockNs();
    return composer?.clock ?? "wall";
  };
  const duration = () => plan()?.duration_ns ?? 0;

  createEffect(() => {
    const p = plan();
    if (!p) return;
    if (!composer) {
      composer = new Composer(
        { videos: [videoA, videoB], backdrop, voice, music },
        p,
        (id) => mediaUrl(id, plan()?.proxied.includes(id) ? "proxy" : "media"),
        {
          time: (t) => {
            setNow(t);
            setClockNs(t);
          },
          clock: setClockNs,
          playing: (on) => {
            setPlaying(on);
            setShuttle((s) => (on ? Math.max(s, composer?.speed ?? 1) : Math.min(s, 0)));
          },
          switched: () => setSwitches({ all: composer?.switches ?? 0, ready: composer?.readySwitches ?? 0 }),
        },
      );
      composer.resize(STAGE_HEIGHT);
    } else composer.setPlan(p);
  });
  // A caption, and a highlighted word, shows at its time even where the window hears the time
  // only a few times a second while playing.
  createEffect(() => {
    void plan();
    composer?.setMoments(cues().flatMap((c) => [c.start, c.end, ...c.words.map((w) => w.start)]));
  });
  /** How the window follows playback here (read as time moves; see `Composer.tell`). */
  const windowUpdates = () => {
    void clockNs();
    return composer?.windowUpdates ?? "every-frame";
  };
  onMount(() => {
    root.focus();
    // A click that acts at the playhead while playing acts at the clock's exact time.
    root.addEventListener("pointerdown", () => composer?.sync(), { capture: true });
  });
  onCleanup(() => composer?.dispose());

  /** A seek that opens another file (about a second here), or ends a drag of the playhead, keeps
   * the filmstrip tile at the new time standing in for the picture until the picture is up. A
   * later seek or drag takes over from one still waiting (`seekCount`). */
  let seekCount = 0;
  /** The frame request of a backward run (J), 0 when none runs. */
  let backwardRaf = 0;
  /** The shuttle: how fast, and which way, J/L run the playhead (1, 2, 4; negative backward; 0
   * stopped), shown beside the time while not 1. */
  const [shuttle, setShuttle] = createSignal(0);
  const seek = (t: number) => {
    if (!composer) return;
    cancelAnimationFrame(backwardRaf);
    backwardRaf = 0;
    if (shuttle() < 0) setShuttle(0);
    const count = ++seekCount;
    const hold = composer.seek(t) || scrubbing();
    setScrubbing(hold);
    if (hold) void composer.shown().then(() => count === seekCount && setScrubbing(false));
  };
  /** L: play; L again while playing forward, twice as fast (up to [`MAX_SPEED`]). */
  const playForward = () => {
    if (!composer) return;
    const faster = !stopBackward() && composer.playing;
    const speed = faster ? Math.min(MAX_SPEED, composer.speed * 2) : 1;
    void composer.play(speed);
    if (faster) setShuttle(speed);
  };
  const toggle = () => {
    if (!stopBackward()) void (composer?.playing ? composer.pause() : composer?.play());
  };

  /** J: the playhead runs backward at normal speed, the filmstrip tiles standing in for the
   * picture as while dragging (the webview plays no video backward). It stops at the start, at
   * Space, K or L, or at any seek or drag, and the picture at the new time comes up. */
  const playBackward = () => {
    if (!composer) return;
    if (backwardRaf) {
      // J again while running backward: twice as fast.
      setShuttle((s) => Math.max(-MAX_SPEED, s * 2));
      return;
    }
    composer.pause();
    setShuttle(-1);
    seekCount += 1;
    setScrubbing(true);
    let last = performance.now();
    const step = (at: number) => {
      const t = Math.max(0, now() + shuttle() * Math.max(0, at - last) * 1e6);
      last = at;
      composer?.scrub(t);
      backwardRaf = t > 0 ? requestAnimationFrame(step) : 0;
      if (t === 0) seek(0);
    };
    backwardRaf = requestAnimationFrame(step);
  };
  /** Stop a backward run; whether one was running. */
  const stopBackward = (): boolean => {
    if (!backwardRaf) return false;
    cancelAnimationFrame(backwardRaf);
    backwardRaf = 0;
    setShuttle(0);
    seek(now());
    return true;
  };
  onCleanup(() => cancelAnimationFrame(backwardRaf));

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
    // What acts at the playhead acts at the clock's exact time.
    composer?.sync();
    if ((event.target as HTMLElement).matches("input, textarea, select")) return;
    const key = event.key;
    if (key === " ") toggle();
    else if (key === "j" || key === "J") playBackward();
    else if (key === "k" || key === "K") {
      if (!stopBackward()) composer?.pause();
    } else if (key === "l" || key === "L") playForward();
    else if (key === "ArrowLeft" || key === "ArrowRight") {
      composer?.pause();
      const step = event.shiftKey ? 5 * NS : frameNs();
      seek(now() + (key === "ArrowRight" ? step : -step));
    } else if (key === "Home") seek(0);
    else if (key === "End") seek(duration());
    else if (key === "q" || key === "Q") void atPlayhead("start");
    else if (key === "w" || key === "W") void atPlayhead("end");
    else if (key === "x" || key === "X") void atPlayhead("split");
    else if ((key === "z" || key === "Z") && (event.ctrlKey || event.metaKey)) void (event.shiftKey ? redo(props.clip) : undo(props.clip));
    else if (key === "s" || key === "S") splitHere();
    else if (key === "i" || key === "I") setRange({ from: Math.round(now()), to: range()?.to ?? null });
    else if (key === "o" || key === "O") setRange({ from: range()?.from ?? null, to: Math.round(now()) });
    else if (key === "Escape") setRange(null);
    else if (key === "Delete" || key === "Backspace") deleteTarget();
    else return;
    event.preventDefault();
  };

  // The piece edits act on: the one selected on the strip, else the one under the playhead.
  const [selected, setSelected] = createSignal<string | null>(null);
  const [range, setRange] = createSignal<{ from: number | null; to: number | null } | null>(null);
  // Marked segments of the library, to put in a piece's place.
  onMount(() => {
    if (segments().length === 0) void loadSegments();
  });
  const [zoom, setZoom] = createSignal(1);
  const [scrubbing, setScrubbing] = createSignal(false);
  /** While the playhead is dragged, or a seek waits for its picture, the piece's filmstrip tile is
   * drawn where the picture goes (a canvas: one tile copied per move, where a scaled sprite cost
   * the webview ~50 ms). `data-tile` names the tile shown, for tests and benchmarks. */
  let scrubCanvas!: HTMLCanvasElement;
  const strips = new Map<string, HTMLImageElement>();
  // A tile asked for before its filmstrip has loaded is drawn when it has.
  const [stripsLoaded, setStripsLoaded] = createSignal(0);
  const stripImage = (url: string) => {
    let image = strips.get(url);
    if (!image) {
      image = new Image();
      image.onload = () => setStripsLoaded((n) => n + 1);
      image.src = url;
      strips.set(url, image);
    }
    return image;
  };
  // Reads the clock only while scrubbing: a canvas touched on every frame of playback would be
  // composited again on every frame.
  let scrubDrawn = false;
  createEffect(() => {
    const p = plan();
    const ctx = scrubCanvas?.getContext("2d");
    if (!ctx) return;
    stripsLoaded();
    delete scrubCanvas.dataset.tile;
    if (!scrubbing() || !p || p.items.length === 0) {
      if (scrubDrawn) ctx.clearRect(0, 0, scrubCanvas.width, scrubCanvas.height);
      scrubDrawn = false;
      return;
    }
    ctx.clearRect(0, 0, scrubCanvas.width, scrubCanvas.height);
    scrubDrawn = true;
    const item = p.items[itemAt(p, now())];
    if (!item.rect) return;
    const tile = filmstripTile(item.source_id, (item.in_ns + now() - item.start) / NS);
    const image = stripImage(tile.url);
    if (!image.complete || image.naturalWidth === 0) return;
    const scale = STAGE_HEIGHT / p.height;
    const r = item.rect;
    // Past the last tile (the source's last moment) the last one shows.
    const index = Math.min(tile.index, Math.floor(image.naturalWidth / TILE.width) - 1);
    ctx.drawImage(image, index * TILE.width, 0, TILE.width, TILE.height, r.x * scale, r.y * scale, r.width * scale, r.height * scale);
    scrubCanvas.dataset.tile = `${item.source_id}:${index}`;
  });
  const target = () => {
    const items = props.clip.timeline.items;
    const chosen = items.find((i) => i.id === selected());
    if (chosen) return chosen;
    const p = plan();
    const playing = p?.items[itemAt(p, now())];
    return items.find((i) => i.id === playing?.item_id);
  };
  const splitHere = () => void editItems(props.clip, { op: "split", at: Math.round(now()) });
  /** What Delete takes out when a range is marked (I … O, in either order). */
  const markedRange = () => {
    const r = range();
    return r && r.from !== null && r.to !== null && r.from !== r.to ? { from: Math.min(r.from, r.to), to: Math.max(r.from, r.to) } : null;
  };
  const cutRange = () => {
    const r = markedRange();
    if (r) void editItems(props.clip, { op: "cut_range", from: r.from, to: r.to }).then((done) => done && setRange(null));
  };
  const replaceTarget = (segment: Segment) => {
    const item = target();
    if (item)
      void editItems(props.clip, {
        op: "replace",
        item_id: item.id,
        source_id: segment.source_id,
        in_ns: Math.round(segment.start_s * NS),
        out_ns: Math.round(segment.end_s * NS),
      });
  };
  const deleteTarget = () => {
    if (markedRange()) return cutRange();
    const item = target();
    if (item) void editItems(props.clip, { op: "delete", item_id: item.id }).then(() => setSelected(null));
  };
  const swapTarget = () => {
    const item = target();
    if (item) void swapItem(props.clip, item.id);
  };
  const setFramingMode = (mode: FramingMode) => {
    const item = target();
    if (item) void editItems(props.clip, { op: "frame", item_id: item.id, framing: { ...item.framing, mode } });
  };
  // Dragging on the picture moves a filled piece's focus point (where the crop centres).
  let focusDrag: { startX: number; startY: number; fx: number; fy: number; itemId: string } | null = null;
  const [focusPreview, setFocusPreview] = createSignal<{ x: number; y: number } | null>(null);
  const onStageDown = (event: PointerEvent) => {
    const item = target();
    if (!item || item.framing.mode !== "fill" || event.button !== 0) return;
    (event.currentTarget as HTMLElement).setPointerCapture(event.pointerId);
    focusDrag = { startX: event.clientX, startY: event.clientY, fx: item.framing.focus_x, fy: item.framing.focus_y, itemId: item.id };
  };
  const focusAt = (event: PointerEvent) => {
    const d = focusDrag!;
    const p = plan()!;
    const rect = p.items.find((i) => i.item_id === d.itemId)?.rect;
    const scale = STAGE_HEIGHT / p.height;
    // Dragging the picture right shows more of its left: the focus moves against the pointer.
    const dx = rect ? (event.clientX - d.startX) / (rect.width * scale) : 0;
    const dy = rect ? (event.clientY - d.startY) / (rect.height * scale) : 0;
    return { x: Math.min(1, Math.max(0, d.fx - dx)), y: Math.min(1, Math.max(0, d.fy - dy)) };
  };
  const onStageMove = (event: PointerEvent) => {
    if (focusDrag) setFocusPreview(focusAt(event));
  };
  const onStageUp = (event: PointerEvent) => {
    if (!focusDrag) return;
    const focus = focusAt(event);
    const item = props.clip.timeline.items.find((i) => i.id === focusDrag!.itemId);
    focusDrag = null;
    setFocusPreview(null);
    if (item && (focus.x !== item.framing.focus_x || focus.y !== item.framing.focus_y))
      void editItems(props.clip, { op: "frame", item_id: item.id, framing: { ...item.framing, focus_x: focus.x, focus_y: focus.y } });
  };

  return (
    <aside
      class="editor"
      data-testid="editor"
      data-now={Math.round(clockNs())}
      data-window-updates={windowUpdates()}
      data-playing={playing()}
      data-switches={switches().all}
      data-drift-max-ms={driftMs().max}
      data-drift-mean-ms={driftMs().mean}
      data-frame-drift-max-ms={driftMs().frame.max}
      data-frame-drift-mean-ms={driftMs().frame.mean}
      data-frame-ahead-mean-ms={driftMs().ahead}
      data-clock={clock()}
      data-speed={shuttle()}
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
      <div
        class="stage"
        data-testid="stage"
        classList={{ reframing: focusPreview() !== null, scrubbing: scrubbing() }}
        style={{ width: `${stageWidth()}px`, height: `${STAGE_HEIGHT}px` }}
        onPointerDown={onStageDown}
        onPointerMove={onStageMove}
        onPointerUp={onStageUp}
      >
        <canvas ref={scrubCanvas} class="scrub-frame" data-testid="scrub-frame" width={stageWidth()} height={STAGE_HEIGHT} hidden={!scrubbing()} />
        <Show when={focusPreview()}>
          {(f) => <div class="focus-dot" style={{ left: `${f().x * 100}%`, top: `${f().y * 100}%` }} title="the new focus point in the picture" />}
        </Show>
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
      <audio ref={voice} preload="auto" data-testid="voiceover-audio" />
      <audio ref={music} preload="auto" />
      <div class="transport">
        <button class="small" data-testid="editor-play" onClick={() => toggle()}>
          {playing() ? "Pause" : "Play"}
        </button>
        <span data-testid="editor-time">
          {formatDuration(now() / NS)} / {formatDuration(duration() / NS)}
        </span>
        <Show when={shuttle() !== 0 && shuttle() !== 1}>
          <span class="shuttle" data-testid="editor-speed" title="J/L again: faster · K: stop">
            {shuttle() < 0 ? "◀ " : "▶ "}
            {Math.abs(shuttle())}×
          </span>
        </Show>
        <Show when={(plan()?.unproxied.length ?? 0) > 0}>
          <span class="muted" data-testid="proxy-state" title="Large or unusual footage plays from a small copy in the preview; the export always uses the original">
            Making 540p preview copies{proxyProgress() !== null ? ` (${Math.round(proxyProgress()! * 100)} %)` : ""}…
          </span>
        </Show>
        <Show when={(plan()?.unproxied.length ?? 0) === 0 && (plan()?.proxied.length ?? 0) > 0}>
          <span class="muted" data-testid="proxy-state" title="The export always uses the original footage">
            Preview from 540p copies
          </span>
        </Show>
        <Show when={plan()?.music?.vocals_lowered}>
          <span class="muted">Music plays with its vocals here; the export lowers them.</span>
        </Show>
      </div>
      <div class="edit-tools">
        <button class="small" data-testid="editor-undo" disabled={!props.clip.undo} title={props.clip.undo ? `Undo ${props.clip.undo} (Ctrl+Z)` : "Nothing to undo"} onClick={() => void undo(props.clip)}>
          Undo{props.clip.undo ? ` ${props.clip.undo}` : ""}
        </button>
        <button class="small" data-testid="editor-redo" disabled={!props.clip.redo} title={props.clip.redo ? `Redo ${props.clip.redo} (Ctrl+Shift+Z)` : "Nothing to redo"} onClick={() => void redo(props.clip)}>
          Redo{props.clip.redo ? ` ${props.clip.redo}` : ""}
        </button>
        <button class="small" data-testid="editor-split" title="S" onClick={() => splitHere()}>
          Split
        </button>
        {/* One place for both deletes, so marking a range does not push the tools onto two lines. */}
        <button
          class="small"
          data-testid={markedRange() ? "editor-cut-range" : "editor-delete"}
          title={markedRange() ? "Take out the marked range (Delete); Esc forgets it" : "Delete the piece (Delete)"}
          disabled={!target() && !markedRange()}
          onClick={() => deleteTarget()}
        >
          {markedRange() ? "Cut range" : "Delete"}
        </button>
        <button class="small" data-testid="editor-swap" title="Swap the piece for the best moment not used yet" disabled={!target()} onClick={() => swapTarget()}>
          Swap
        </button>
        <select
          class="small replace-select"
          data-testid="editor-replace"
          disabled={!target() || segments().length === 0}
          title="Put a segment marked in the segment library in the piece's place"
          value=""
          onChange={(e) => {
            const segment = segments().find((s) => s.id === e.currentTarget.value);
            e.currentTarget.value = "";
            if (segment) replaceTarget(segment);
          }}
        >
          <option value="">Replace with a segment…</option>
          <For each={segments()}>
            {(segment) => (
              <option value={segment.id}>
                {segment.favorite ? "★ " : ""}
                {segment.file_name} {segment.start_s.toFixed(1)}–{segment.end_s.toFixed(1)} s{segment.keywords.length ? ` · ${segment.keywords.join(", ")}` : ""}
              </option>
            )}
          </For>
        </select>
        <label class="inline">
          Framing
          <select data-testid="editor-framing" disabled={!target()} value={target()?.framing.mode ?? "fill"} onChange={(e) => setFramingMode(e.currentTarget.value as FramingMode)}>
            <option value="fill">fill (crop)</option>
            <option value="blur_fit">fit on blur</option>
            <option value="fit">fit with bars</option>
          </select>
        </label>
        <label class="inline">
          Zoom
          <input type="range" min="1" max="8" step="0.5" value={zoom()} onInput={(e) => setZoom(Number(e.currentTarget.value))} />
        </label>
      </div>
      <Show when={plan()}>
        {(p) => (
          <TimelineStrip
            clip={props.clip}
            plan={p()}
            speech={speech()}
            now={now()}
            zoom={zoom()}
            selected={selected()}
            select={setSelected}
            range={range()}
            seek={seek}
            scrub={(t) => {
              cancelAnimationFrame(backwardRaf);
              backwardRaf = 0;
              seekCount += 1;
              setScrubbing(true);
              composer?.scrub(t);
            }}
            edit={(edit) => void editItems(props.clip, edit)}
            voiceover={(change) => void setVoiceover(props.clip, (current) => current && { ...current, ...change })}
            musicVolume={(volume) => {
              const music = props.clip.timeline.music;
              if (music) void setMusic(props.clip, { ...music, volume });
            }}
          />
        )}
      </Show>
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
      <p class="muted keys">Space play · J/K/L back/stop/play (again: 2×, 4×) · ←/→ frame · Shift 5 s · S split · Del delete · Ctrl+Z undo · Q/W cue start/end here · X split cue · drag the picture to reframe</p>
    </aside>
  );
}
