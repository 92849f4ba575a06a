// The caption fonts, the same files the burn-in uses (assets/fonts), so the preview matches it.
import bebasNeue from "../../assets/fonts/BebasNeue-Bold.otf?url";
import inter from "../../assets/fonts/Inter-Bold.otf?url";

export const CAPTION_FONTS = ["Inter", "Bebas Neue"] as const;

let loaded = false;
/** Register the caption fonts with the page once. */
export function loadCaptionFonts(): void {
  if (loaded) return;
  loaded = true;
  for (const [family, url] of [
    ["Inter", inter],
    ["Bebas Neue", bebasNeue],
  ] as const) {
    const face = new FontFace(family, `url(${url})`, { weight: "700" });
    document.fonts.add(face);
    void face.load().catch((error) => console.warn(`font ${family}`, error));
  }
}
