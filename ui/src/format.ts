// Numbers for people.

export function formatDuration(seconds: number): string {
  const total = Math.max(0, seconds);
  const minutes = Math.floor(total / 60);
  const rest = total - minutes * 60;
  if (minutes === 0 && total < 10) return `${rest.toFixed(1)} s`;
  return `${minutes}:${Math.floor(rest).toString().padStart(2, "0")}`;
}

export function formatEta(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
