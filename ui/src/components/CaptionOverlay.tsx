// A caption drawn over the picture as the burned-in ASS draws it: one style model (SPEC §4.6),
// sizes in output pixels scaled by `preview height / output height`, words already spoken in the
// highlight colour when the style has one.
import { For, Show } from "solid-js";
import type { CaptionStyle } from "../bindings/CaptionStyle";
import type { Cue } from "../bindings/Cue";
import { assEm } from "../fonts";

export function CaptionOverlay(props: { cue: Cue | undefined; style: CaptionStyle; scale: number; now?: number }) {
  const s = () => props.style;
  const spoken = (start: number, index: number) =>
    s().highlight_color !== null && (props.now === undefined ? index === 0 : start <= props.now);
  return (
    <Show when={props.cue}>
      {(cue) => (
        <div
          class="caption-line"
          data-testid="caption-overlay"
          style={{
            bottom: `${100 - s().position}%`,
            "text-align": s().align,
            "font-family": `"${s().font}"`,
            // The line is `size` tall (the font's whole cell, as libass sizes it); the em is less.
            "font-size": `${s().size * props.scale * assEm(s().font)}px`,
            "line-height": `${s().size * props.scale}px`,
            "letter-spacing": `${s().letter_spacing * props.scale}px`,
            color: s().color,
            "-webkit-text-stroke": s().box_enabled ? "0" : `${s().outline_width * props.scale}px ${s().outline_color}`,
            "text-shadow": s().shadow > 0 ? `${s().shadow * props.scale}px ${s().shadow * props.scale}px 0 rgba(0,0,0,0.5)` : "none",
          }}
        >
          <span data-testid="caption-text" style={{ background: s().box_enabled ? s().box_color : "transparent", padding: s().box_enabled ? "0 0.15em" : "0" }}>
            <For each={cue().words.length > 0 ? cue().words : [{ text: cue().text, start: cue().start, end: cue().end }]}>
              {(word, i) => (
                <span style={{ color: spoken(word.start, i()) ? s().highlight_color! : undefined }}>
                  {word.text}
                  {" "}
                </span>
              )}
            </For>
          </span>
        </div>
      )}
    </Show>
  );
}
