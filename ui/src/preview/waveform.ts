// A source's waveform as the engine made it (`media::waveform`): peak levels every few
// milliseconds on a decibel scale. The file carries its own rate and scale in its header, so
// nothing about it is written twice. Each waveform is fetched once per session.
import { mediaUrl } from "../stores/app";

export interface Waveform {
  /** Buckets a second. */
  perSecond: number;
  /** dB that a bucket of 0 stands for (below it is silence). */
  floorDb: number;
  values: Uint8Array;
}

const HEADER = 8;
const loaded = new Map<string, Promise<Waveform | null>>();

function parse(bytes: ArrayBuffer): Waveform | null {
  const view = new DataView(bytes);
  if (bytes.byteLength < HEADER) return null;
  const magic = String.fromCharCode(view.getUint8(0), view.getUint8(1), view.getUint8(2), view.getUint8(3));
  if (magic !== "EFWF" || view.getUint8(4) !== 1) return null;
  return { perSecond: view.getUint16(5, true), floorDb: view.getUint8(7), values: new Uint8Array(bytes, HEADER) };
}

/** The waveform of `sourceId` (through the denoiser when `denoised`), or null when it has no sound. */
export function waveformOf(sourceId: string, denoised: boolean): Promise<Waveform | null> {
  const key = `${sourceId}:${denoised}`;
  let found = loaded.get(key);
  if (!found) {
    found = fetch(mediaUrl(sourceId, denoised ? "waveform-denoised" : "waveform"))
      .then((r) => (r.ok ? r.arrayBuffer().then(parse) : null))
      .catch(() => null);
    // A failed fetch is tried again next time instead of being remembered.
    found.then((w) => w ?? loaded.delete(key));
    loaded.set(key, found);
  }
  return found;
}

/** The loudest level (dBFS) from `fromS` to `toS` seconds, or the floor. */
export function peakDb(w: Waveform, fromS: number, toS: number): number {
  const a = Math.max(0, Math.floor(fromS * w.perSecond));
  const b = Math.min(w.values.length, Math.max(a + 1, Math.ceil(toS * w.perSecond)));
  let max = 0;
  for (let i = a; i < b; i++) max = Math.max(max, w.values[i]);
  return (max / 255 - 1) * w.floorDb;
}
