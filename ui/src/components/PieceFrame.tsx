// A piece's picture from its source's filmstrip (tiles 96×54, one every
// `source.filmstrip_interval_s`), starting at the piece's in point and running on to the right; the
// source's thumbnail shows until the strip has loaded, under the tiles not made yet while its job
// runs, and if it cannot be made.
import { mediaUrl } from "../stores/app";
import { filmstripVersion } from "../stores/jobs";
import { sources } from "../stores/library";

const TILE_WIDTH = 96;
const TILE_HEIGHT = 54;
export const TILE = { width: TILE_WIDTH, height: TILE_HEIGHT };

/** The filmstrip's address, asked again as its job makes more of it. */
function filmstripUrl(sourceId: string): string {
  const version = filmstripVersion(sourceId);
  return `${mediaUrl(sourceId, "filmstrip")}${version ? `?v=${version}` : ""}`;
}

function intervalOf(sourceId: string): number {
  return sources().find((s) => s.id === sourceId)?.filmstrip_interval_s ?? 1;
}

/** Which tile of its source's filmstrip shows second `seconds`. */
export function filmstripTile(sourceId: string, seconds: number): { url: string; index: number } {
  return { url: filmstripUrl(sourceId), index: Math.max(0, Math.round(seconds / intervalOf(sourceId))) };
}

export function PieceFrame(props: { sourceId: string; inNs: number; height: number; class?: string }) {
  const style = () => {
    const tile = (TILE_WIDTH * props.height) / TILE_HEIGHT;
    const index = Math.round(props.inNs / 1e9 / intervalOf(props.sourceId));
    return {
      "background-image": `url("${filmstripUrl(props.sourceId)}"), url("${mediaUrl(props.sourceId, "thumbnail")}")`,
      "background-size": `auto ${props.height}px, cover`,
      "background-position": `${-index * tile}px 0, center`,
      "background-repeat": "no-repeat, no-repeat",
      height: `${props.height}px`,
    };
  };
  return <div class={`piece-frame ${props.class ?? ""}`} data-testid="piece-frame" style={style()} />;
}
