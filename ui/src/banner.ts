// The message strip at the top of the main area: what went wrong and what to do.
import { CommandError } from "./api";
import { byId, el } from "./dom";

export function showError(error: unknown, context?: string): void {
  const banner = byId("banner");
  const message = error instanceof Error ? error.message : String(error);
  const hint = error instanceof CommandError ? error.hint : null;
  const close = el("button", { class: "icon", "aria-label": "Dismiss" }, "×");
  close.addEventListener("click", () => (banner.hidden = true));
  banner.replaceChildren(
    el("div", {}, el("strong", {}, context ? `${context}: ` : ""), message, hint ? el("div", { class: "hint" }, hint) : null),
    close,
  );
  banner.hidden = false;
  console.error(context ?? "error", error);
}

export function clearError(): void {
  byId("banner").hidden = true;
}
