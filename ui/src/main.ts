// Edit Factory UI entry point: wires the sidebar (profiles, projects) to the project view.
import { api } from "./api";
import { clearError, showError } from "./banner";
import { byId } from "./dom";
import { setMediaBase } from "./media";
import { JobsPanel } from "./views/jobs";
import { ProjectView } from "./views/project";
import { Sidebar } from "./views/sidebar";

async function start(): Promise<void> {
  const info = await api.appInfo();
  setMediaBase(info.media_base_url);
  byId("library-path").textContent = `Library: ${info.library_dir}`;
  byId("library-path").title = `Edit Factory ${info.version}`;

  const sidebar: Sidebar = new Sidebar({
    onProfileChanged: () => clearError(),
    onProjectSelected: (project) => void projectView.show(project),
  });
  const jobs = new JobsPanel();
  await jobs.start();
  const projectView = new ProjectView(jobs);
  // Whatever started them (this window, another one, the CLI), finished imports and checks change
  // what the project shows.
  jobs.onAnyEnd((job) => {
    if (job.kind === "import" || job.kind === "verify_sources") void sidebar.loadProjects();
  });
  // The same entry point the file dialog and drag-and-drop use; also driven by the window tests.
  (window as unknown as { editFactory: unknown }).editFactory = {
    importPaths: (paths: string[]) => projectView.importPaths(paths),
    startImport: (paths: string[]) => projectView.startImportOnly(paths),
  };
  await sidebar.load();
  document.body.dataset.ready = "true";
}

start().catch((error) => showError(error, "Edit Factory could not start"));
