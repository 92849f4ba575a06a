// Profile switcher and the projects list (create, rename, delete with confirmation), and the jobs.
import { For, Show } from "solid-js";
import { confirm, prompt } from "./Dialog";
import { JobsPanel } from "./JobsPanel";
import { openModels } from "./ModelsDialog";
import { info } from "../stores/app";
import {
  createProfile,
  createProject,
  deleteProject,
  openProject,
  profile,
  profiles,
  projects,
  renameProject,
  selectedProject,
  switchProfile,
} from "../stores/library";

function newProject() {
  let target!: HTMLInputElement;
  prompt({
    title: "New project",
    label: "Project name",
    okLabel: "Create",
    extra: () => (
      <label class="inline">
        Target length of each video (seconds)
        <input ref={target} id="target-input" type="number" min="5" max="180" step="1" value="20" />
      </label>
    ),
    accept: (name) => createProject(name, Number(target.value) || null),
  });
}

export function Sidebar() {
  return (
    <aside class="sidebar">
      <header class="brand">Edit Factory</header>
      <section class="profile-switcher">
        <label for="profile-select">Profile</label>
        <div class="row">
          <select
            id="profile-select"
            data-testid="profile-select"
            onChange={(e) => void switchProfile(e.currentTarget.value)}
          >
            <For each={profiles()}>
              {(p) => (
                <option value={p.id} selected={p.id === profile()?.id}>
                  {p.name}
                </option>
              )}
            </For>
          </select>
          <button
            class="icon"
            title="New profile"
            aria-label="New profile"
            onClick={() =>
              prompt({
                title: "New profile",
                label: "A workspace for one brand or store, with its own projects and footage.",
                okLabel: "Create",
                accept: createProfile,
              })
            }
          >
            +
          </button>
        </div>
      </section>
      <section class="projects">
        <div class="section-title">
          <span>Projects</span>
          <button data-testid="project-new" class="primary small" onClick={newProject}>
            New project
          </button>
        </div>
        <ul data-testid="project-list" class="project-list">
          <Show when={projects().length > 0} fallback={<li class="muted empty">No projects yet</li>}>
            <For each={projects()}>
              {(project) => (
                <li classList={{ selected: project.id === selectedProject()?.id }} data-project-id={project.id}>
                  <button
                    class="project-open"
                    data-testid="project-item"
                    title={project.name}
                    onClick={() => void openProject(project.id)}
                  >
                    <span class="name">{project.name}</span>
                    <span class="count">{project.source_count}</span>
                  </button>
                  <span class="item-actions">
                    <button
                      class="icon"
                      title="Rename"
                      aria-label={`Rename ${project.name}`}
                      onClick={() =>
                        prompt({
                          title: "Rename project",
                          label: "Project name",
                          value: project.name,
                          okLabel: "Rename",
                          accept: (name) => renameProject(project.id, name),
                        })
                      }
                    >
                      ✎
                    </button>
                    <button
                      class="icon danger"
                      title="Delete"
                      aria-label={`Delete ${project.name}`}
                      onClick={() =>
                        confirm({
                          title: "Delete project?",
                          message: `“${project.name}” and its variants will be deleted; its running jobs are stopped first. Your footage files stay where they are.`,
                          okLabel: "Delete",
                          accept: () => deleteProject(project.id),
                        })
                      }
                    >
                      ✕
                    </button>
                  </span>
                </li>
              )}
            </For>
          </Show>
        </ul>
      </section>
      <JobsPanel />
      <button class="small settings-link" data-testid="open-models" onClick={() => openModels()}>
        Speech models…
      </button>
      <footer class="library-path" title={`Edit Factory ${info()?.version ?? ""}`}>
        Library: {info()?.library_dir}
        <Show when={info()?.read_only}>
          <div class="read-only" data-testid="read-only">Read-only: this library cannot be written, so nothing can be changed.</div>
        </Show>
      </footer>
    </aside>
  );
}
