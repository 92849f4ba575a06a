// A variant's captions and voices: the sound strip, mute/duck of the footage's voices and cutting
// pauses; captions generated from the speech (or imported), edited cue by cue, styled with a live
// preview drawn from the same style model the export burns in.
import { createEffect, createResource, createSignal, For, onMount, Show } from "solid-js";
import { open, save } from "@tauri-apps/plugin-dialog";
import type { AudioMode } from "../bindings/AudioMode";
import type { CaptionStyle } from "../bindings/CaptionStyle";
import type { Clip } from "../bindings/Clip";
import type { Cue } from "../bindings/Cue";
import type { CuePreset } from "../bindings/CuePreset";
import { CAPTION_FONTS, loadCaptionFonts } from "../fonts";
import type { PreviewPlan } from "../bindings/PreviewPlan";
import { mediaUrl } from "../stores/app";
import { createPreviewPlan } from "../stores/editor";
import { sources } from "../stores/library";
import {
  cutSilences,
  editCaption,
  generateCaptions,
  importCaptions,
  isWaiting,
  saveCaptions,
  setDenoise,
  setMusic,
  setVoice,
  setVoiceover,
  speechOf,
  speechVersion,
  styleCaptions,
} from "../stores/speech";
import { CaptionOverlay } from "./CaptionOverlay";
import { WaveformTrack } from "./WaveformTrack";

const NS = 1e9;
const FRAME = Math.round(NS / 30);
const PREVIEW_HEIGHT = 320;

const DEFAULT_STYLE: CaptionStyle = {
  font: "Inter",
  size: 72,
  color: "#FFFFFF",
  outline_color: "#000000",
  outline_width: 3,
  shadow: 0,
  box_enabled: false,
  box_color: "#000000",
  position: 85,
  align: "center",
  letter_spacing: 0,
  highlight_color: null,
};

function seconds(ns: number): string {
  return (ns / NS).toFixed(2);
}

/** The caption as the export draws it, scaled by preview height / output height (SPEC §4.6). */
function Preview(props: { clip: Clip; plan: PreviewPlan | undefined; cue: Cue | undefined; style: CaptionStyle }) {
  // Sizes are pixels of the variant's own preset.
  const scale = () => PREVIEW_HEIGHT / (props.plan?.height ?? 1920);
  const first = () => props.clip.timeline.items[0];
  return (
    <div class="caption-preview" style={{ height: `${PREVIEW_HEIGHT}px`, width: `${(PREVIEW_HEIGHT * 9) / 16}px` }} data-testid="caption-preview">
      <Show when={first()}>{(item) => <img src={mediaUrl(item().source_id, "thumbnail")} alt="" />}</Show>
      <CaptionOverlay cue={props.cue} style={props.style} scale={scale()} />
    </div>
  );
}

function StyleControls(props: { style: CaptionStyle; change: (style: CaptionStyle) => void }) {
  const set = <K extends keyof CaptionStyle>(key: K, value: CaptionStyle[K]) => props.change({ ...props.style, [key]: value });
  // A number box being cleared or half-typed is not a value yet.
  const setNumber = (key: "size" | "outline_width" | "position", text: string) => {
    const value = Number(text);
    if (text.trim() !== "" && Number.isFinite(value)) set(key, value);
  };
  return (
    <div class="style-controls" data-testid="caption-style">
      <label class="inline">
        Font
        <select value={props.style.font} onChange={(e) => set("font", e.currentTarget.value)}>
          <For each={CAPTION_FONTS}>{(f) => <option value={f}>{f}</option>}</For>
        </select>
      </label>
      <label class="inline">
        Size
        <input type="number" min="12" max="200" value={props.style.size} onChange={(e) => setNumber("size", e.currentTarget.value)} data-testid="caption-size" />
      </label>
      <label class="inline">
        Colour <input type="color" value={props.style.color.slice(0, 7)} onChange={(e) => set("color", e.currentTarget.value.toUpperCase())} />
      </label>
      <label class="inline">
        Outline <input type="color" value={props.style.outline_color.slice(0, 7)} onChange={(e) => set("outline_color", e.currentTarget.value.toUpperCase())} />
        <input type="number" min="0" max="10" step="0.5" value={props.style.outline_width} onChange={(e) => setNumber("outline_width", e.currentTarget.value)} />
      </label>
      <label class="inline">
        Height %
        <input type="number" min="0" max="100" value={props.style.position} onChange={(e) => setNumber("position", e.currentTarget.value)} />
      </label>
      <label class="inline">
        <input type="checkbox" checked={props.style.box_enabled} onChange={(e) => set("box_enabled", e.currentTarget.checked)} /> Box
      </label>
      <label class="inline">
        <input
          type="checkbox"
          checked={props.style.highlight_color !== null}
          onChange={(e) => set("highlight_color", e.currentTarget.checked ? "#FFD400" : null)}
        />{" "}
        Highlight the spoken word
      </label>
    </div>
  );
}

function CueRow(props: { clip: Clip; cue: Cue; index: number; selected: boolean; select: () => void }) {
  const edit = (op: Parameters<typeof editCaption>[1]) => void editCaption(props.clip, op);
  const retime = (start: number, end: number) => edit({ op: "retime", cue: props.index, start, end });
  const onKey = (e: KeyboardEvent) => {
    // [ ] move the start a frame, { } the end; from the text box too.
    const keys: Record<string, [number, number]> = { "[": [-FRAME, 0], "]": [FRAME, 0], "{": [0, -FRAME], "}": [0, FRAME] };
    const nudge = keys[e.key];
    if (nudge && (e.altKey || !(e.target instanceof HTMLInputElement))) {
      e.preventDefault();
      retime(props.cue.start + nudge[0], props.cue.end + nudge[1]);
    }
  };
  return (
    <li classList={{ cue: true, selected: props.selected }} data-testid="cue" tabindex="0" onFocusIn={() => props.select()} onKeyDown={onKey}>
      <span class="cue-times">
        <button class="tiny" title="Start a frame earlier ([)" onClick={() => retime(props.cue.start - FRAME, props.cue.end)}>‹</button>
        {seconds(props.cue.start)}
        <button class="tiny" title="Start a frame later (])" onClick={() => retime(props.cue.start + FRAME, props.cue.end)}>›</button>
        –
        <button class="tiny" title="End a frame earlier ({)" onClick={() => retime(props.cue.start, props.cue.end - FRAME)}>‹</button>
        {seconds(props.cue.end)}
        <button class="tiny" title="End a frame later (})" onClick={() => retime(props.cue.start, props.cue.end + FRAME)}>›</button>
      </span>
      <input
        class="cue-text"
        data-testid="cue-text"
        value={props.cue.text}
        onKeyDown={(e) => {
          if (e.key === "Enter") e.currentTarget.blur();
        }}
        onChange={(e) => {
          // An emptied box is not saved (a cue is deleted with ×): the text is being retyped.
          if (e.currentTarget.value.trim() !== "") edit({ op: "set_text", cue: props.index, text: e.currentTarget.value });
        }}
      />
      <button class="small" title="Split in the middle" onClick={() => edit({ op: "split", cue: props.index, at: Math.round((props.cue.start + props.cue.end) / 2) })}>
        Split
      </button>
      <button class="small" title="Merge with the next cue" onClick={() => edit({ op: "merge", cue: props.index })}>
        Merge
      </button>
      <button class="small" title="Delete" onClick={() => edit({ op: "delete", cue: props.index })}>
        ×
      </button>
    </li>
  );
}

/** Background music from the project's files with sound: ducked under speech, vocals lowered. */
/** A recording laid under the variant as its voice-over (from the start, at full volume). */
function VoiceoverRow(props: { clip: Clip }) {
  const voiceover = () => props.clip.timeline.voiceover;
  const withSound = () => sources().filter((s) => s.has_audio);
  return (
    <div class="voice-row" data-testid="voiceover-row">
      <label class="inline" title="A recording of the script, heard over the footage; captions and Cut pauses follow it">
        Voice-over
        <select
          data-testid="voiceover"
          value={voiceover()?.asset_id ?? ""}
          onChange={(e) => {
            const id = e.currentTarget.value;
            void setVoiceover(props.clip, () => (id ? { asset_id: id, offset: 0, volume: 1, removed_silences: [] } : null));
          }}
        >
          <option value="">none</option>
          <For each={withSound()}>{(s) => <option value={s.id}>{s.file_name}</option>}</For>
        </select>
      </label>
      <Show when={voiceover()}>
        {(v) => (
          <>
            <label class="inline" title="Where in the video the voice-over starts">
              from
              <input
                type="number"
                class="narrow"
                data-testid="voiceover-offset"
                min="0"
                step="0.1"
                value={(v().offset / NS).toFixed(1)}
                onChange={(e) => {
                  const seconds = Number(e.currentTarget.value);
                  if (e.currentTarget.value.trim() !== "" && Number.isFinite(seconds) && seconds >= 0)
                    void setVoiceover(props.clip, (current) => current && { ...current, offset: Math.round(seconds * NS) });
                }}
              />
              s
            </label>
            <label class="inline">
              volume
              <input
                type="number"
                class="narrow"
                data-testid="voiceover-volume"
                min="0"
                max="400"
                step="10"
                value={Math.round(v().volume * 100)}
                onChange={(e) => {
                  const percent = Number(e.currentTarget.value);
                  if (e.currentTarget.value.trim() !== "" && Number.isFinite(percent) && percent >= 0)
                    void setVoiceover(props.clip, (current) => current && { ...current, volume: percent / 100 });
                }}
              />
              %
            </label>
          </>
        )}
      </Show>
      <Show when={(voiceover()?.removed_silences.length ?? 0) > 0}>
        <span class="muted" data-testid="voiceover-cut">{voiceover()!.removed_silences.length} pauses cut</span>
      </Show>
    </div>
  );
}

function MusicRow(props: { clip: Clip }) {
  const music = () => props.clip.timeline.music;
  const withSound = () => sources().filter((s) => s.has_audio);
  const change = (patch: Partial<NonNullable<ReturnType<typeof music>>>) => {
    const current = music();
    if (current) void setMusic(props.clip, { ...current, ...patch });
  };
  return (
    <div class="voice-row" data-testid="music-row">
      <label class="inline">
        Music
        <select
          data-testid="music"
          value={music()?.asset_id ?? ""}
          onChange={(e) => {
            const id = e.currentTarget.value;
            void setMusic(
              props.clip,
              id ? { asset_id: id, volume: 0.5, loop: true, duck_under_speech: true, vocals: music()?.vocals ?? "keep" } : null,
            );
          }}
        >
          <option value="">none</option>
          <For each={withSound()}>{(s) => <option value={s.id}>{s.file_name}</option>}</For>
        </select>
      </label>
      <Show when={music()}>
        {(m) => (
          <>
            <label class="inline">
              <input type="checkbox" checked={m().duck_under_speech} onChange={(e) => change({ duck_under_speech: e.currentTarget.checked })} /> Lower under speech
            </label>
            <label class="inline" title="Removes what is panned to the middle of a stereo mix, usually the lead vocal (and some bass)">
              <input
                type="checkbox"
                data-testid="music-vocals"
                checked={m().vocals === "centre_cancel"}
                onChange={(e) => change({ vocals: e.currentTarget.checked ? "centre_cancel" : "keep" })}
              />{" "}
              Lower vocals (centre-channel cancellation)
            </label>
          </>
        )}
      </Show>
    </div>
  );
}

export function CaptionsPanel(props: { clip: Clip }) {
  onMount(loadCaptionFonts);
  const [preset, setPreset] = createSignal<CuePreset>("shorts");
  const [selected, setSelected] = createSignal(0);
  const [speech] = createResource(
    () => ({ id: props.clip.id, version: speechVersion(props.clip.id), updated: props.clip.updated_at }),
    (key) => speechOf(key.id),
  );
  // Where each piece plays and the gains the audio plan gives it, worked out by the engine.
  const plan = createPreviewPlan(() => props.clip, "The variant's sound cannot be drawn");
  const cues = () => props.clip.timeline.captions?.cues ?? [];
  const style = () => props.clip.timeline.captions?.style ?? DEFAULT_STYLE;
  createEffect(() => {
    if (selected() >= cues().length) setSelected(Math.max(0, cues().length - 1));
  });
  const importFile = async () => {
    const picked = await open({ title: "Import captions", filters: [{ name: "Captions", extensions: ["srt", "vtt"] }] });
    if (typeof picked === "string") await importCaptions(props.clip, picked);
  };
  const saveFile = async () => {
    const path = await save({
      title: "Save captions",
      defaultPath: `${props.clip.name}.srt`,
      filters: [{ name: "Captions", extensions: ["srt", "vtt", "ass", "json", "csv"] }],
    });
    if (path) await saveCaptions(props.clip, path);
  };
  return (
    <div class="captions-panel" data-testid="captions-panel">
      <div class="voice-row">
        <label class="inline">
          Voices in the footage
          <select
            data-testid="voice-mode"
            value={props.clip.timeline.audio.mode}
            disabled={isWaiting(props.clip.id)}
            onChange={(e) => void setVoice(props.clip, e.currentTarget.value as AudioMode)}
          >
            <option value="keep">keep</option>
            <option value="duck">duck (−30 dB)</option>
            <option value="mute">mute</option>
          </select>
        </label>
        <button
          class="small"
          data-testid="cut-pauses"
          title={props.clip.timeline.voiceover ? "Take the pauses out of the voice-over; the captions follow it" : "Jump cuts: take the pauses out of the footage's speech"}
          disabled={isWaiting(props.clip.id)}
          onClick={() => void cutSilences(props.clip)}
        >
          {props.clip.timeline.voiceover ? "Cut pauses in the voice-over" : "Cut pauses"}
        </button>
        <label class="inline" title="RNNoise, a speech-trained denoiser: lowers fans, hum, wind and room noise under the voices">
          <input
            type="checkbox"
            data-testid="denoise"
            checked={props.clip.timeline.audio.denoise}
            onChange={(e) => void setDenoise(props.clip, e.currentTarget.checked)}
          />
          Reduce background noise
        </label>
        <Show when={isWaiting(props.clip.id)}>
          <span class="muted">Listening to the footage…</span>
        </Show>
      </div>
      <Show when={plan()}>
        {(p) => (
          <div class="sound-track" title="The footage's sound as the export will play it (what muting, ducking or noise reduction takes away in dim orange; speech shaded green)">
            <WaveformTrack clipId={props.clip.id} items={p().items} durationNs={p().duration_ns} denoise={props.clip.timeline.audio.denoise} speech={speech()} height={40} />
          </div>
        )}
      </Show>
      <VoiceoverRow clip={props.clip} />
      <MusicRow clip={props.clip} />
      <div class="caption-actions">
        <label class="inline">
          Captions
          <select value={preset()} onChange={(e) => setPreset(e.currentTarget.value as CuePreset)}>
            <option value="tiktok">1 word</option>
            <option value="shorts">2 words</option>
            <option value="standard">3 words</option>
            <option value="sentence">sentences</option>
          </select>
        </label>
        <button class="small primary" data-testid="captions-generate" disabled={isWaiting(props.clip.id)} onClick={() => void generateCaptions(props.clip, preset())}>
          {cues().length ? "Make again" : "Make captions"}
        </button>
        <button class="small" onClick={() => void importFile()}>Import…</button>
        <button class="small" disabled={cues().length === 0} onClick={() => void saveFile()}>Save as…</button>
        <Show when={cues().length > 0}>
          <button class="small" title="Everything 0.1 s earlier" onClick={() => void editCaption(props.clip, { op: "shift_all", by: -NS / 10 })}>−0.1 s</button>
          <button class="small" title="Everything 0.1 s later" onClick={() => void editCaption(props.clip, { op: "shift_all", by: NS / 10 })}>+0.1 s</button>
        </Show>
      </div>
      <Show when={cues().length > 0}>
        <div class="captions-body">
          <ol class="cue-list plain" data-testid="cue-list">
            <For each={cues()}>
              {(cue, i) => <CueRow clip={props.clip} cue={cue} index={i()} selected={i() === selected()} select={() => setSelected(i())} />}
            </For>
          </ol>
          <div class="caption-side">
            <Preview clip={props.clip} plan={plan()} cue={cues()[selected()]} style={style()} />
            <StyleControls style={style()} change={(s) => void styleCaptions(props.clip, s)} />
          </div>
        </div>
      </Show>
    </div>
  );
}
