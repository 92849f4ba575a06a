// App-wide state that is not a domain: the app's facts, the error banner, notifications.
import { createSignal } from "solid-js";
import { commands } from "../bindings/commands";
import type { AppInfo } from "../bindings/AppInfo";
import { CommandError, messageOf } from "../ipc";

const [info, setInfo] = createSignal<AppInfo | null>(null);
export { info };

export async function loadAppInfo(): Promise<AppInfo> {
  const loaded = await commands.appInfo();
  setInfo(loaded);
  return loaded;
}

/** URL of a library item on the loopback media server (by id; the session secret is in the base). */
export function mediaUrl(sourceId: string, kind: "media" | "proxy" | "thumbnail" | "filmstrip" | "waveform" | "waveform-denoised"): string {
  return `${info()?.media_base_url ?? ""}/sources/${encodeURIComponent(sourceId)}/${kind}`;
}

export interface Banner {
  context: string | null;
  message: string;
  hint: string | null;
}

const [banner, setBanner] = createSignal<Banner | null>(null);
export { banner };

export function showError(error: unknown, context?: string): void {
  setBanner({
    context: context ?? null,
    message: messageOf(error),
    hint: error instanceof CommandError ? error.hint : null,
  });
  console.error(context ?? "error", error);
}

export function clearError(): void {
  setBanner(null);
}

export interface Toast {
  id: number;
  text: string;
  kind: string;
}

const [toasts, setToasts] = createSignal<Toast[]>([]);
export { toasts };
let nextToast = 1;

/** At most this many at once: older ones give way. */
const MAX_TOASTS = 3;

export function notify(text: string, kind: string): void {
  const id = nextToast++;
  setToasts((list) => [...list, { id, text, kind }].slice(-MAX_TOASTS));
  // A failure stays long enough to be read; a success is only a confirmation.
  window.setTimeout(() => dismiss(id), kind === "failed" ? 10_000 : 3500);
}

export function dismiss(id: number): void {
  setToasts((list) => list.filter((t) => t.id !== id));
}
