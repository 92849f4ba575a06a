// A piece's picture from its source's filmstrip (tiles 96×54, one every `max(1, duration / 120)`
// seconds, as the engine's media/filmstrip.rs makes them), starting at the piece's in point and
// running on to the right; the source's thumbnail shows until the strip has loaded (or if it
// cannot be made).
import { mediaUrl } from "../stores/app";
import { sources } from "../stores/library";

const TILE_WIDTH = 96;
const TILE_HEIGHT = 54;
export const TILE = { width: TILE_WIDTH, height: TILE_HEIGHT };

/** Which tile of its source's filmstrip shows second `seconds`, and how many tiles there are. */
export function filmstripTile(sourceId: string, seconds: number): { url: string; index: number; count: number } {
  const duration = sources().find((s) => s.id === sourceId)?.duration_s ?? 0;
  const interval = Math.max(1, duration / 120);
  const count = Math.max(1, Math.ceil(duration / interval));
  return { url: mediaUrl(sourceId, "filmstrip"), index: Math.min(count - 1, Math.round(seconds / interval)), count };
}

export function PieceFrame(props: { sourceId: string; inNs: number; height: number; class?: string }) {
  const style = () => {
    const duration = sources().find((s) => s.id === props.sourceId)?.duration_s ?? 0;
    const interval = Math.max(1, duration / 120);
    const tile = (TILE_WIDTH * props.height) / TILE_HEIGHT;
    const index = Math.round(props.inNs / 1e9 / interval);
    return {
      "background-image": `url("${mediaUrl(props.sourceId, "filmstrip")}"), url("${mediaUrl(props.sourceId, "thumbnail")}")`,
      "background-size": `auto ${props.height}px, cover`,
      "background-position": `${-index * tile}px 0, center`,
      "background-repeat": "no-repeat, no-repeat",
      height: `${props.height}px`,
    };
  };
  return <div class={`piece-frame ${props.class ?? ""}`} data-testid="piece-frame" style={style()} />;
}
