// URLs of library items on the loopback media server (by id; the session secret is in the base).
let base = "";

export function setMediaBase(url: string): void {
  base = url;
}

export function mediaUrl(sourceId: string, kind: "media" | "thumbnail"): string {
  return `${base}/sources/${encodeURIComponent(sourceId)}/${kind}`;
}
