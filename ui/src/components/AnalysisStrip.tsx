// Under a thumbnail or a player: the analysis of a source as a heat strip (best usable score over
// time) with scene-cut ticks, or the progress of its analysis.
import { createEffect, Show } from "solid-js";
import type { Overview } from "../bindings/Overview";
import { analysisOf, overviewOf } from "../stores/analysis";

const ACCENT = [255, 122, 26];

/** Draw `overview` on `canvas` between `from` and `to` seconds. */
export function drawHeat(canvas: HTMLCanvasElement, overview: Overview, from = 0, to = overview.duration_s): void {
  const ctx = canvas.getContext("2d");
  if (!ctx) return;
  const { width, height } = canvas;
  ctx.clearRect(0, 0, width, height);
  ctx.fillStyle = "#2e323c";
  ctx.fillRect(0, 0, width, height);
  const span = Math.max(0.001, to - from);
  const x = (t: number) => ((t - from) / span) * width;
  overview.heat.forEach((score, i) => {
    if (score === null) return;
    const t = i * overview.heat_step_s;
    const alpha = 0.25 + 0.75 * Math.min(1, score);
    ctx.fillStyle = `rgba(${ACCENT.join(",")},${alpha.toFixed(2)})`;
    ctx.fillRect(x(t), 0, Math.max(1, x(t + overview.heat_step_s) - x(t)), height);
  });
  ctx.fillStyle = "#e8e9ed";
  for (const cut of overview.scene_cuts_s) ctx.fillRect(Math.round(x(cut)), 0, 2, height);
}

export function AnalysisStrip(props: { sourceId: string }) {
  let canvas!: HTMLCanvasElement;
  const overview = () => overviewOf(props.sourceId);
  const running = () => analysisOf(props.sourceId);
  createEffect(() => {
    const o = overview();
    if (o && canvas) drawHeat(canvas, o);
  });
  return (
    <div class="analysis-strip">
      <Show
        when={!running()}
        fallback={
          <div class="analysing" data-testid="analysing" title="Analysing">
            <div class="job-bar-fill" style={{ width: `${Math.round((running()?.progress ?? 0) * 100)}%` }} />
          </div>
        }
      >
        <Show when={overview()}>
          {(o) => (
            <canvas
              ref={canvas}
              width={320}
              height={8}
              data-testid="heat-strip"
              data-cuts={o().scene_cuts_s.length}
              title={`${o().scene_cuts_s.length} scene cut(s)`}
            />
          )}
        </Show>
      </Show>
    </div>
  );
}
