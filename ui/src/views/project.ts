// A project's sources: the thumbnail grid, import (dialog and drag-and-drop) and per-file errors.
import { open } from "@tauri-apps/plugin-dialog";
import { getCurrentWebview } from "@tauri-apps/api/webview";
import { api, type ImportReport, type Project, type Source } from "../api";
import type { JobsPanel } from "./jobs";
import { showError } from "../banner";
import { byId, el, formatDuration } from "../dom";
import { mediaUrl } from "../media";
import { hidePlayer, showPlayer } from "./player";

const VIDEO_EXTENSIONS = ["mp4", "m4v", "mov", "mkv", "webm", "avi", "mts", "m2ts", "ts", "mpg", "mpeg", "3gp"];
const AUDIO_EXTENSIONS = ["wav", "mp3", "m4a", "aac", "flac", "ogg", "opus"];

export class ProjectView {
  private project: Project | null = null;

  constructor(private readonly jobs: JobsPanel) {
    byId("import-files").addEventListener("click", () => void this.pickFiles(false));
    byId("import-folder").addEventListener("click", () => void this.pickFiles(true));
    byId("verify-sources").addEventListener("click", () => void this.verify());
    void this.listenForDrops();
  }

  async show(project: Project | null): Promise<void> {
    const changed = project?.id !== this.project?.id;
    this.project = project;
    byId("empty-state").hidden = project !== null;
    byId("project-view").hidden = project === null;
    if (!project) return;
    byId("project-title").textContent = project.name;
    byId("project-meta").textContent = `Target ${project.target_duration_s} s per video · ${project.source_count} source${project.source_count === 1 ? "" : "s"}`;
    if (changed) {
      hidePlayer();
      byId("import-errors").replaceChildren();
      byId("import-status").hidden = true;
    }
    await this.refresh();
  }

  async refresh(): Promise<void> {
    if (!this.project) return;
    try {
      this.renderSources(await api.sources(this.project.id));
    } catch (error) {
      showError(error, "Could not list the sources");
    }
  }

  /** Import paths chosen in the file dialog or dropped on the window: runs as a job (its bar is in
   * the jobs panel); resolves with the report when the job ends. */
  async importPaths(paths: string[]): Promise<ImportReport | null> {
    const project = this.project;
    if (!project || paths.length === 0) return null;
    const status = byId("import-status");
    status.textContent = `Importing ${paths.length} item${paths.length === 1 ? "" : "s"}… (see Jobs)`;
    status.hidden = false;
    try {
      const queued = await api.startImport(project.id, paths);
      this.jobs.track(queued);
      const job = await this.jobs.waitFor(queued.id);
      const report = (job.result ?? null) as ImportReport | null;
      if (report) {
        this.renderImportErrors(report);
        const added = report.imported.length;
        status.textContent =
          `Imported ${added} file${added === 1 ? "" : "s"}` +
          (report.failed.length ? `, ${report.failed.length} failed` : "") +
          (report.skipped_non_media ? `, ${report.skipped_non_media} non-media skipped` : "");
      } else {
        status.textContent =
          job.status === "cancelled" ? "Import cancelled; files already imported are kept." : `Import ${job.status}: ${job.error_message ?? ""}`;
      }
      return report;
    } catch (error) {
      status.hidden = true;
      showError(error, "Import failed");
      return null;
    }
  }

  /** Queue an import without waiting for it (the window test uses this to cancel one). */
  async startImportOnly(paths: string[]): Promise<string | null> {
    if (!this.project) return null;
    const queued = await api.startImport(this.project.id, paths);
    this.jobs.track(queued);
    return queued.id;
  }

  private async verify(): Promise<void> {
    const project = this.project;
    if (!project) return;
    try {
      const queued = await api.startVerify(project.id);
      this.jobs.track(queued);
      await this.jobs.waitFor(queued.id);
    } catch (error) {
      showError(error, "Could not verify the sources");
    }
  }

  private async pickFiles(directory: boolean): Promise<void> {
    try {
      const picked = await open({
        multiple: true,
        directory,
        title: directory ? "Import a folder of footage" : "Import footage",
        filters: directory
          ? undefined
          : [
              { name: "Video and audio", extensions: [...VIDEO_EXTENSIONS, ...AUDIO_EXTENSIONS] },
              { name: "All files", extensions: ["*"] },
            ],
      });
      const paths = picked === null ? [] : Array.isArray(picked) ? picked : [picked];
      await this.importPaths(paths);
    } catch (error) {
      showError(error, "Could not open the file dialog");
    }
  }

  private async listenForDrops(): Promise<void> {
    const overlay = byId("drop-overlay");
    try {
      await getCurrentWebview().onDragDropEvent((event) => {
        const payload = event.payload;
        if (payload.type === "enter" || payload.type === "over") {
          overlay.hidden = this.project === null;
        } else if (payload.type === "drop") {
          overlay.hidden = true;
          void this.importPaths(payload.paths);
        } else {
          overlay.hidden = true;
        }
      });
    } catch (error) {
      showError(error, "Drag and drop is unavailable");
    }
  }

  private renderImportErrors(report: ImportReport): void {
    byId("import-errors").replaceChildren(
      ...report.failed.map((failure) =>
        el(
          "li",
          { "data-testid": "import-error" },
          el("strong", {}, failure.path.split(/[\\/]/).pop() ?? failure.path),
          el("span", {}, failure.message.replace(`${failure.path}: `, "")),
          failure.hint ? el("span", { class: "hint" }, failure.hint) : null,
        ),
      ),
    );
  }

  private renderSources(sources: Source[]): void {
    const grid = byId("source-grid");
    if (sources.length === 0) {
      grid.replaceChildren(
        el("div", { class: "grid-empty" }, "No footage yet. Drop video or audio files here, or use Import files…"),
      );
      return;
    }
    grid.replaceChildren(...sources.map((source) => this.card(source)));
  }

  private card(source: Source): HTMLElement {
    const picture = source.has_thumbnail
      ? el("img", {
          src: mediaUrl(source.id, "thumbnail"),
          alt: source.file_name,
          loading: "lazy",
          "data-testid": "source-thumbnail",
        })
      : el("div", { class: "placeholder", "data-testid": "source-placeholder" }, source.has_video ? "🎞" : "♪");
    const badges = [
      !source.has_video ? ["Audio only", "audio"] : null,
      source.has_video && !source.has_audio ? ["No audio", "warn"] : null,
      source.is_portrait ? ["Portrait", "info"] : null,
      source.is_vfr ? ["VFR", "warn"] : null,
      source.status !== "ok" ? [source.status === "missing" ? "Missing" : "Changed", "danger"] : null,
    ].filter((b): b is string[] => b !== null);
    const card = el(
      "button",
      { class: "source-card", "data-testid": "source-card", title: source.path },
      el("div", { class: "thumb" }, picture, el("span", { class: "duration" }, formatDuration(source.duration_s))),
      el("div", { class: "caption" }, source.file_name),
      el("div", { class: "badges" }, ...badges.map(([text, kind]) => el("span", { class: `badge ${kind}` }, text))),
    );
    card.addEventListener("click", () => {
      document.querySelectorAll(".source-card.active").forEach((c) => c.classList.remove("active"));
      card.classList.add("active");
      showPlayer(source);
    });
    return card;
  }
}
