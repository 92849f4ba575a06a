// The speech domain: the speech models on this machine, and each variant's captions and voices.
// A change that needs its sources heard or transcribed first starts those jobs and is made again
// when they end.
import { createSignal } from "solid-js";
import { commands } from "../bindings/commands";
import type { AudioMode } from "../bindings/AudioMode";
import type { CaptionEdit } from "../bindings/CaptionEdit";
import type { CaptionStyle } from "../bindings/CaptionStyle";
import type { Clip } from "../bindings/Clip";
import type { CuePreset } from "../bindings/CuePreset";
import type { ModelsOverview } from "../bindings/ModelsOverview";
import type { Music } from "../bindings/Music";
import type { SourceSpeech } from "../bindings/SourceSpeech";
import type { SpeechStep } from "../bindings/SpeechStep";
import type { Voiceover } from "../bindings/Voiceover";
import { CommandError, messageOf } from "../ipc";
import { notify, showError } from "./app";
import { onJobEnd, track } from "./jobs";
import { clips, replaceClip } from "./variants";

const [models, setModels] = createSignal<ModelsOverview | null>(null);
/** Bumped per variant when what is known of its sources' speech may have changed. */
const [speechVersions, setSpeechVersions] = createSignal<ReadonlyMap<string, number>>(new Map());
export { models };

export async function loadModels(): Promise<void> {
  try {
    setModels(await commands.modelsList());
  } catch (error) {
    showError(error, "Could not list the speech models");
  }
}

export async function downloadModel(name: string): Promise<void> {
  try {
    track(await commands.modelDownload(name));
  } catch (error) {
    showError(error, `Could not download ${name}`);
  }
}

export async function importModel(path: string): Promise<void> {
  try {
    const model = await commands.modelImport(path);
    notify(`Installed ${model.name}`, "succeeded");
    await loadModels();
  } catch (error) {
    showError(error, "Could not install the model");
  }
}

/** Download from `address` (a mirror), or from the default host with null. Says what is wrong
 * with the address (and what to do), or null when it was taken; the dialog shows it in place. */
export async function setModelSource(address: string | null): Promise<string | null> {
  try {
    await commands.modelsSetSource(address);
    await loadModels();
    return null;
  } catch (error) {
    const hint = error instanceof CommandError && error.hint ? ` (${error.hint})` : "";
    return `${messageOf(error)}${hint}`;
  }
}

export async function removeModel(name: string): Promise<void> {
  try {
    await commands.modelRemove(name);
    await loadModels();
  } catch (error) {
    showError(error, `Could not remove ${name}`);
  }
}

export function speechVersion(clipId: string): number {
  return speechVersions().get(clipId) ?? 0;
}

function bump(clipId: string): void {
  const next = new Map(speechVersions());
  next.set(clipId, (next.get(clipId) ?? 0) + 1);
  setSpeechVersions(next);
}

export function speechOf(clipId: string): Promise<SourceSpeech[]> {
  return commands.clipSpeech(clipId);
}

/** Changes waiting for jobs: job id → the change to make again once it ends. */
const waiting = new Map<string, { clipId: string; retry: () => Promise<void> }>();
const [pendingClips, setPendingClips] = createSignal<ReadonlySet<string>>(new Set());
export function isWaiting(clipId: string): boolean {
  return pendingClips().has(clipId);
}

function refreshPending(): void {
  setPendingClips(new Set([...waiting.values()].map((w) => w.clipId)));
}

onJobEnd((job) => {
  if (job.kind === "download_model") void loadModels();
  const entry = waiting.get(job.id);
  if (!entry) return;
  waiting.delete(job.id);
  refreshPending();
  bump(entry.clipId);
  const othersPending = [...waiting.values()].some((w) => w.clipId === entry.clipId);
  if (job.status === "succeeded" && !othersPending) void entry.retry();
});

async function step(clipId: string, context: string, run: () => Promise<SpeechStep>): Promise<void> {
  try {
    const result = await run();
    replaceClip(result.clip);
    bump(clipId);
    if (result.removal) {
      notify(`${result.removal.removed_s.toFixed(1)} s of pauses cut (${result.removal.original_s.toFixed(1)} s → ${result.removal.new_s.toFixed(1)} s)`, "succeeded");
    }
    for (const job of result.waiting_for) {
      track(job);
      waiting.set(job.id, { clipId, retry: () => step(clipId, context, run) });
    }
    refreshPending();
  } catch (error) {
    showError(error, context);
  }
}

export function generateCaptions(clip: Clip, preset: CuePreset): Promise<void> {
  return step(clip.id, "Could not make captions", () => commands.captionsGenerate(clip.id, preset));
}

export function setVoice(clip: Clip, mode: AudioMode): Promise<void> {
  return step(clip.id, "Could not change the voices", () => commands.clipVoice(clip.id, mode));
}

export function cutSilences(clip: Clip): Promise<void> {
  return step(clip.id, "Could not cut the pauses", () => commands.clipCutSilences(clip.id));
}

/** One cue edit; `false` when it was refused (the reason is shown). */
export async function editCaption(clip: Clip, edit: CaptionEdit): Promise<boolean> {
  try {
    replaceClip(await commands.captionEdit(clip.id, edit));
    return true;
  } catch (error) {
    showError(error, "Could not change the caption");
    return false;
  }
}

export async function styleCaptions(clip: Clip, style: CaptionStyle): Promise<void> {
  try {
    replaceClip(await commands.captionStyle(clip.id, style));
  } catch (error) {
    showError(error, "Could not change the caption style");
  }
}

export async function importCaptions(clip: Clip, path: string): Promise<void> {
  try {
    replaceClip(await commands.captionsImport(clip.id, path));
  } catch (error) {
    showError(error, "Could not import the captions");
  }
}

export async function saveCaptions(clip: Clip, path: string): Promise<void> {
  try {
    await commands.captionsSave(clip.id, path);
    notify(`Saved ${path.split(/[\\/]/).pop()}`, "succeeded");
  } catch (error) {
    showError(error, "Could not save the captions");
  }
}

export async function setDenoise(clip: Clip, on: boolean): Promise<void> {
  try {
    replaceClip(await commands.clipDenoise(clip.id, on));
  } catch (error) {
    showError(error, "Could not change the noise reduction");
  }
}

// Voice-over changes of one variant go one after another, each applied to what the one before
// saved: two quick changes (its start, then its volume) must not undo each other.
const voiceoverQueue = new Map<string, Promise<void>>();

/** Change the variant's voice-over: `change` gets the voice-over as last saved. */
export function setVoiceover(clip: Clip, change: (current: Voiceover | null) => Voiceover | null): Promise<void> {
  const run = async () => {
    const latest = clips().find((c) => c.id === clip.id) ?? clip;
    try {
      replaceClip(await commands.clipVoiceover(clip.id, change(latest.timeline.voiceover)));
    } catch (error) {
      showError(error, "Could not change the voice-over");
    }
  };
  const next = (voiceoverQueue.get(clip.id) ?? Promise.resolve()).then(run);
  voiceoverQueue.set(clip.id, next);
  return next;
}

export async function setMusic(clip: Clip, music: Music | null): Promise<void> {
  try {
    replaceClip(await commands.clipMusic(clip.id, music));
  } catch (error) {
    showError(error, "Could not change the music");
  }
}
