// The footage's sound under the pieces: each piece's stretch of its source's waveform (made by the
// engine), as the export will hear it. The gain envelope the engine planned (mute or duck under
// speech) lowers what is drawn; with "reduce background noise" on, the denoised waveform is drawn.
// What the audio plan takes away stays behind in a dim orange, so the effect of every option
// can be seen. Stretches the voice detector heard as speech are shaded.
import { createEffect, createSignal, onCleanup, onMount, untrack } from "solid-js";
import type { PreviewItem } from "../bindings/PreviewItem";
import type { SourceSpeech } from "../bindings/SourceSpeech";
import { gainAt } from "../preview/composer";
import { peakDb, waveformOf, type Waveform } from "../preview/waveform";
import { makeWaveforms, waveformVersion } from "../stores/editor";

const NS = 1e9;
/** What the audio plan takes away: a dim orange, opaque so the speech shading does not tint it. */
const REMOVED = "rgb(120, 78, 36)";
/** Wider canvases than this are drawn at a lower resolution (WebKit's canvas limit is near 32k). */
const MAX_CANVAS = 16384;

interface Loaded {
  plain: Map<string, Waveform | null>;
  denoised: Map<string, Waveform | null>;
}

export function WaveformTrack(props: {
  /** The variant whose footage is drawn (its missing waveforms are queued for it). */
  clipId: string;
  items: PreviewItem[];
  durationNs: number;
  denoise: boolean;
  speech?: SourceSpeech[];
  height: number;
}) {
  let canvas!: HTMLCanvasElement;
  const [width, setWidth] = createSignal(0);
  const [loaded, setLoaded] = createSignal<Loaded>({ plain: new Map(), denoised: new Map() });

  onMount(() => {
    const observer = new ResizeObserver(() => setWidth(canvas.clientWidth));
    observer.observe(canvas);
    onCleanup(() => observer.disconnect());
  });

  const sourceIds = () => [...new Set(props.items.filter((i) => i.has_audio).map((i) => i.source_id))];
  // Waveforms not drawn yet are drawn by jobs (queued once; asking again returns the same jobs).
  createEffect(() => {
    void sourceIds().length;
    void makeWaveforms(props.clipId, false);
    if (props.denoise) void makeWaveforms(props.clipId, true);
  });
  // Fetch what the pieces need (each waveform once a session), again each time a waveform job
  // ends; draw again as they arrive.
  createEffect(() => {
    void waveformVersion();
    const denoise = props.denoise;
    for (const id of sourceIds()) {
      for (const denoised of denoise ? [false, true] : [false]) {
        const map = untrack(() => (denoised ? loaded().denoised : loaded().plain));
        if (map.has(id)) continue;
        void waveformOf(id, denoised).then((w) => {
          // Not there yet: its job's end fetches it again.
          if (!w) return;
          const next = { plain: new Map(loaded().plain), denoised: new Map(loaded().denoised) };
          (denoised ? next.denoised : next.plain).set(id, w);
          setLoaded(next);
        });
      }
    }
  });

  createEffect(() => {
    const cssWidth = width();
    const ratio = Math.min(window.devicePixelRatio || 1, MAX_CANVAS / Math.max(1, cssWidth));
    const w = Math.max(1, Math.round(cssWidth * ratio));
    const h = Math.round(props.height * (window.devicePixelRatio || 1));
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext("2d");
    if (!ctx || props.durationNs <= 0) return;
    draw(ctx, w, h, props, loaded());
  });

  return (
    <canvas
      ref={canvas}
      class="waveform-track"
      style={{ height: `${props.height}px` }}
      data-testid="waveform"
      data-denoised={props.denoise ? "yes" : "no"}
    />
  );
}

function draw(
  ctx: CanvasRenderingContext2D,
  w: number,
  h: number,
  props: { items: PreviewItem[]; durationNs: number; denoise: boolean; speech?: SourceSpeech[] },
  loaded: Loaded,
) {
  const style = getComputedStyle(ctx.canvas);
  const heardColour = style.getPropertyValue("--accent").trim() || "#ff7a1a";
  ctx.clearRect(0, 0, w, h);
  const xOf = (ns: number) => (ns / props.durationNs) * w;
  const middle = Math.round(h / 2);
  for (const item of props.items) {
    const x0 = Math.round(xOf(item.start));
    const x1 = Math.round(xOf(item.end));
    // Speech the voice detector heard, in this piece.
    const spans = props.speech?.find((s) => s.source_id === item.source_id)?.speech ?? [];
    ctx.fillStyle = "rgba(111, 208, 140, 0.16)";
    for (const span of spans) {
      const a = Math.max(item.start, item.start + span.start_s * NS - item.in_ns);
      const b = Math.min(item.end, item.start + span.end_s * NS - item.in_ns);
      if (b > a) ctx.fillRect(xOf(a), 0, xOf(b) - xOf(a), h);
    }
    const plain = loaded.plain.get(item.source_id);
    const denoised = props.denoise ? loaded.denoised.get(item.source_id) : undefined;
    if (item.has_audio && plain) {
      const nsPerPixel = props.durationNs / w;
      for (let x = x0; x < x1; x++) {
        const fromNs = item.in_ns + x * nsPerPixel - item.start;
        const fromS = fromNs / NS;
        const toS = (fromNs + nsPerPixel) / NS;
        const original = peakDb(plain, fromS, toS);
        const cleaned = denoised ? peakDb(denoised, fromS, toS) : original;
        const gain = gainAt(item.gain, fromNs);
        const heard = gain > 0 ? cleaned + 20 * Math.log10(gain) : -Infinity;
        // Whole pixels: crisp edges, and colours a test can tell apart.
        const tall = (db: number) => Math.round(Math.max(0, Math.min(1, 1 + db / plain.floorDb)) * middle);
        const before = tall(original);
        const after = tall(heard);
        if (before > after) {
          ctx.fillStyle = REMOVED;
          ctx.fillRect(x, middle - before, 1, before * 2);
        }
        ctx.fillStyle = heardColour;
        ctx.fillRect(x, middle - after, 1, Math.max(after * 2, 1));
      }
    }
    ctx.fillStyle = "rgba(255, 255, 255, 0.18)";
    ctx.fillRect(x0, 0, 1, h);
  }
}
