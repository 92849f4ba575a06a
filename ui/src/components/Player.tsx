// Plays a sound source in place, streamed from the app's loopback media server (pictures play in
// the segment player).
import { createSignal } from "solid-js";
import type { Source } from "../bindings/Source";
import { formatDuration } from "../format";
import { mediaUrl } from "../stores/app";

/** Why a media element cannot play, in words. */
export function playbackError(media: HTMLMediaElement): string {
  return media.error?.code === MediaError.MEDIA_ERR_SRC_NOT_SUPPORTED
    ? "This format cannot be previewed here; it can still be used in edits."
    : "The file could not be played. It may have been moved or changed.";
}

export function Player(props: { source: Source; onClose: () => void }) {
  const [error, setError] = createSignal("");
  const onError = (media: HTMLMediaElement) => setError(playbackError(media));
  const facts = () =>
    [
      props.source.display_width && props.source.display_height
        ? `${props.source.display_width}×${props.source.display_height}`
        : "audio",
      formatDuration(props.source.duration_s),
      props.source.fps ? `${props.source.fps.toFixed(2)} fps${props.source.is_vfr ? " (variable)" : ""}` : null,
      [props.source.video_codec, props.source.audio_codec].filter(Boolean).join(" / "),
    ]
      .filter(Boolean)
      .join(" · ");
  return (
    <aside class="player" data-testid="player">
      <header>
        <strong title={props.source.path}>{props.source.file_name}</strong>
        <button class="icon" aria-label="Close player" onClick={() => props.onClose()}>
          ×
        </button>
      </header>
      <audio
        controls
        autoplay
        preload="auto"
        src={mediaUrl(props.source.id, "media")}
        data-testid="player-video"
        onError={(e) => onError(e.currentTarget)}
      />
      <p class="error" role="alert">
        {error()}
      </p>
      <p class="muted">{facts()}</p>
      <p class="muted path">{props.source.path}</p>
    </aside>
  );
}
