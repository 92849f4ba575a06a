// Plays a source in place, streamed from the app's loopback media server.
import type { Source } from "../api";
import { byId, el, formatDuration } from "../dom";
import { mediaUrl } from "../media";

export function showPlayer(source: Source): void {
  const panel = byId("player");
  const url = mediaUrl(source.id, "media");
  const media = source.has_video
    ? el("video", { controls: true, autoplay: true, preload: "auto", src: url, "data-testid": "player-video" })
    : el("audio", { controls: true, autoplay: true, preload: "auto", src: url, "data-testid": "player-video" });
  const error = el("p", { class: "error", role: "alert" });
  media.addEventListener("error", () => {
    const code = media.error?.code;
    error.textContent =
      code === MediaError.MEDIA_ERR_SRC_NOT_SUPPORTED
        ? "This format cannot be previewed here; it can still be used in edits."
        : "The file could not be played. It may have been moved or changed.";
  });
  const close = el("button", { class: "icon", "aria-label": "Close player" }, "×");
  close.addEventListener("click", () => hidePlayer());
  const facts = [
    source.display_width && source.display_height ? `${source.display_width}×${source.display_height}` : "audio",
    formatDuration(source.duration_s),
    source.fps ? `${source.fps.toFixed(2)} fps${source.is_vfr ? " (variable)" : ""}` : null,
    [source.video_codec, source.audio_codec].filter(Boolean).join(" / "),
  ].filter(Boolean);
  panel.replaceChildren(
    el("header", {}, el("strong", { title: source.path }, source.file_name), close),
    media,
    error,
    el("p", { class: "muted" }, facts.join(" · ")),
    el("p", { class: "muted path" }, source.path),
  );
  panel.hidden = false;
}

export function hidePlayer(): void {
  const panel = byId("player");
  panel.querySelectorAll("video, audio").forEach((m) => (m as HTMLMediaElement).pause());
  panel.replaceChildren();
  panel.hidden = true;
}
