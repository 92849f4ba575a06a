// The caption fonts, the same files the burn-in uses (assets/fonts), so the preview matches it.
import bebasNeue from "../../assets/fonts/BebasNeue-Bold.otf?url";
import inter from "../../assets/fonts/Inter-Bold.otf?url";

export const CAPTION_FONTS = ["Inter", "Bebas Neue"] as const;

/**
 * How big a font's em is for an ASS font size of 1. libass sizes a font as Windows GDI does: the
 * size is the font's whole cell, winAscent + winDescent of its OS/2 table, so the em is
 * unitsPerEm / (winAscent + winDescent) of it. CSS sizes the em itself. Read from the files in
 * assets/fonts (Inter Bold: 2816 / (2728 + 680); Bebas Neue Bold: 1000 / (900 + 300)).
 */
const ASS_EM: Record<string, number> = { Inter: 2816 / 3408, "Bebas Neue": 1000 / 1200 };

export function assEm(font: string): number {
  return ASS_EM[font] ?? 1;
}

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
