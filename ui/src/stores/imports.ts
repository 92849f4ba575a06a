// Importing into the open project: starting imports (file dialog, folder dialog, drag and drop)
// and showing what the last one did. The outcome comes from the finished job itself, so an import
// started anywhere (this window, another one, the CLI) is reported the same way.
import { createSignal } from "solid-js";
import { commands } from "../bindings/commands";
import type { ImportReport } from "../bindings/ImportReport";
import type { JobSummary } from "../bindings/JobSummary";
import { plural } from "../format";
import { showError } from "./app";
import { onJobEnd, track } from "./jobs";
import { loadProjects, selectedProject } from "./library";

export interface ImportState {
  projectId: string;
  status: string;
  report: ImportReport | null;
}

const [state, setState] = createSignal<ImportState | null>(null);

/** What the open project's last import did (null when there is nothing to say). */
export function importState(): ImportState | null {
  const current = state();
  return current && current.projectId === selectedProject()?.id ? current : null;
}

export async function startImport(paths: string[]): Promise<void> {
  const project = selectedProject();
  if (!project || paths.length === 0) return;
  try {
    const job = await commands.importStart(project.id, paths);
    track(job);
    setState({ projectId: project.id, status: `Importing ${plural(paths.length, "item")}… (see Jobs)`, report: null });
  } catch (error) {
    showError(error, "Import failed");
  }
}

export async function startVerify(): Promise<void> {
  const project = selectedProject();
  if (!project) return;
  try {
    track(await commands.verifyStart(project.id));
  } catch (error) {
    showError(error, "Could not verify the sources");
  }
}

async function importEnded(job: JobSummary): Promise<void> {
  if (!job.project_id) return;
  let status: string;
  let report: ImportReport | null = null;
  if (job.status === "succeeded") {
    const full = await commands.jobGet(job.id);
    if (full.result?.kind === "import") {
      report = full.result;
      status =
        `Imported ${plural(report.imported.length, "file")}` +
        (report.failed.length ? `, ${report.failed.length} failed` : "") +
        (report.skipped.length ? `, ${report.skipped.length} skipped` : "") +
        (report.skipped_non_media ? `, ${report.skipped_non_media} non-media skipped` : "");
    } else {
      status = "Imported";
    }
  } else if (job.status === "cancelled") {
    status = "Import cancelled; files already imported are kept.";
  } else {
    status = `Import ${job.status}: ${job.error_message ?? ""}`;
  }
  setState({ projectId: job.project_id, status, report });
}

onJobEnd((job) => {
  if (job.kind === "import") void importEnded(job).catch((error) => showError(error, "Could not read the import's result"));
  if (job.kind === "import" || job.kind === "verify_sources") void loadProjects();
});
