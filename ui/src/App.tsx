// The window: the sidebar (profiles, projects, jobs) and the open project.
import { For, Show } from "solid-js";
import { Dialog } from "./components/Dialog";
import { ExportDialog } from "./components/ExportDialog";
import { ModelsDialog } from "./components/ModelsDialog";
import { ProjectView } from "./components/ProjectView";
import { Sidebar } from "./components/Sidebar";
import { banner, clearError, dismiss, toasts } from "./stores/app";
import { selectedProject } from "./stores/library";

function Banner() {
  return (
    <Show when={banner()}>
      {(b) => (
        <div class="banner" role="alert" data-testid="banner">
          <div>
            <strong>{b().context ? `${b().context}: ` : ""}</strong>
            {b().message}
            <Show when={b().hint}>
              <div class="hint">{b().hint}</div>
            </Show>
          </div>
          <button class="icon" aria-label="Dismiss" onClick={clearError}>
            ×
          </button>
        </div>
      )}
    </Show>
  );
}

export function App() {
  return (
    <div class="app">
      <Sidebar />
      <main class="main">
        <Banner />
        <Show
          when={selectedProject()}
          keyed
          fallback={
            <section class="empty-state">
              <h1>Welcome to Edit Factory</h1>
              <p>Create a project, then drop your footage here. Files are read in place; nothing is uploaded.</p>
            </section>
          }
        >
          {(project) => <ProjectView project={project} />}
        </Show>
        <div class="toasts" aria-live="polite">
          <For each={toasts()}>
            {(toast) => (
              <div class={`toast ${toast.kind}`} role="status" data-testid="toast" title="Click to dismiss" onClick={() => dismiss(toast.id)}>
                {toast.text}
              </div>
            )}
          </For>
        </div>
      </main>
      <Dialog />
      <ExportDialog />
      <ModelsDialog />
    </div>
  );
}
