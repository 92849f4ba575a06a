// A variant's sound drawn item by item: the footage's loudness (from the analysis), the stretches
// of speech the voice detector found, and what muting or ducking does to them.
import { For, Show } from "solid-js";
import type { Clip } from "../bindings/Clip";
import type { SourceSpeech } from "../bindings/SourceSpeech";

const NS = 1e9;
const HEIGHT = 36;
const FLOOR_LUFS = -60;
/** The duck floor (0.03, about −30 dB), as drawn. */
const DUCK_DB = -30;

function height(lufs: number): number {
  return Math.max(0, Math.min(1, (lufs - FLOOR_LUFS) / -FLOOR_LUFS)) * HEIGHT;
}

export function SoundStrip(props: { clip: Clip; speech: SourceSpeech[] }) {
  const total = () => props.clip.timeline.items.reduce((sum, i) => sum + (i.out - i.in), 0) / NS;
  const mode = () => props.clip.timeline.audio.mode;
  const of = (sourceId: string) => props.speech.find((s) => s.source_id === sourceId);
  const inSpeech = (source: SourceSpeech | undefined, t: number) =>
    (source?.speech ?? []).some((s) => t >= s.start_s && t < s.end_s);
  return (
    <svg class="sound-strip" viewBox={`0 0 ${Math.max(total(), 0.1) * 10} ${HEIGHT}`} preserveAspectRatio="none" data-testid="sound-strip">
      <For each={props.clip.timeline.items}>
        {(item, index) => {
          const start = () =>
            props.clip.timeline.items.slice(0, index()).reduce((sum, i) => sum + (i.out - i.in), 0) / NS;
          const source = () => of(item.source_id);
          const bars = () => {
            const s = source();
            if (!s || s.loudness.length === 0) return [];
            const out: { x: number; lufs: number; speech: boolean }[] = [];
            for (let t = item.in / NS; t < item.out / NS; t += s.loudness_step_s) {
              const lufs = s.loudness[Math.floor(t / s.loudness_step_s)] ?? FLOOR_LUFS;
              out.push({ x: (start() + t - item.in / NS) * 10, lufs, speech: inSpeech(s, t) });
            }
            return out;
          };
          const spans = () =>
            (source()?.speech ?? [])
              .map((s) => [Math.max(s.start_s, item.in / NS), Math.min(s.end_s, item.out / NS)])
              .filter(([a, b]) => b > a);
          return (
            <g>
              <For each={spans()}>
                {([a, b]) => (
                  <rect class="speech-span" x={(start() + a - item.in / NS) * 10} y={0} width={(b - a) * 10} height={HEIGHT} />
                )}
              </For>
              <For each={bars()}>
                {(bar) => {
                  const heard = () =>
                    !bar.speech || mode() === "keep" ? bar.lufs : mode() === "duck" ? bar.lufs + DUCK_DB : FLOOR_LUFS;
                  return (
                    <>
                      <Show when={heard() !== bar.lufs}>
                        <rect class="level-removed" x={bar.x} y={HEIGHT - height(bar.lufs)} width={0.8} height={height(bar.lufs)} />
                      </Show>
                      <rect class="level" x={bar.x} y={HEIGHT - height(heard())} width={0.8} height={height(heard())} />
                    </>
                  );
                }}
              </For>
              <line class="item-edge" x1={start() * 10} x2={start() * 10} y1={0} y2={HEIGHT} />
            </g>
          );
        }}
      </For>
    </svg>
  );
}
