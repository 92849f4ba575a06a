// Profile switcher and the projects list (create, rename, delete with confirmation).
import { api, type Profile, type Project } from "../api";
import { showError } from "../banner";
import { confirmAction, promptText } from "../dialogs";
import { byId, el } from "../dom";

export interface SidebarHandlers {
  onProfileChanged: (profile: Profile) => void;
  onProjectSelected: (project: Project | null) => void;
}

export class Sidebar {
  private profiles: Profile[] = [];
  private projects: Project[] = [];
  private selectedId: string | null = null;
  profile: Profile | null = null;

  constructor(private readonly handlers: SidebarHandlers) {
    byId<HTMLSelectElement>("profile-select").addEventListener("change", (event) => {
      const id = (event.target as HTMLSelectElement).value;
      void this.switchProfile(id);
    });
    byId("profile-new").addEventListener("click", () => void this.createProfile());
    byId("project-new").addEventListener("click", () => void this.createProject());
  }

  async load(): Promise<void> {
    this.profiles = await api.profiles();
    this.profile = this.profiles.find((p) => p.is_default) ?? this.profiles[0] ?? null;
    this.renderProfiles();
    await this.loadProjects();
  }

  async loadProjects(selectId?: string | null): Promise<void> {
    if (!this.profile) return;
    this.projects = await api.projects(this.profile.id);
    const wanted = selectId === undefined ? this.selectedId : selectId;
    this.selectedId = this.projects.some((p) => p.id === wanted) ? wanted : null;
    this.renderProjects();
    this.handlers.onProjectSelected(this.selected());
  }

  selected(): Project | null {
    return this.projects.find((p) => p.id === this.selectedId) ?? null;
  }

  private renderProfiles(): void {
    const select = byId<HTMLSelectElement>("profile-select");
    select.replaceChildren(
      ...this.profiles.map((p) => el("option", { value: p.id, selected: p.id === this.profile?.id }, p.name)),
    );
  }

  private renderProjects(): void {
    const list = byId("project-list");
    if (this.projects.length === 0) {
      list.replaceChildren(el("li", { class: "muted empty" }, "No projects yet"));
      return;
    }
    list.replaceChildren(
      ...this.projects.map((project) => {
        const open = el(
          "button",
          { class: "project-open", "data-testid": "project-item", title: project.name },
          el("span", { class: "name" }, project.name),
          el("span", { class: "count" }, `${project.source_count}`),
        );
        open.addEventListener("click", () => {
          this.selectedId = project.id;
          this.renderProjects();
          this.handlers.onProjectSelected(project);
        });
        const rename = el("button", { class: "icon", title: "Rename", "aria-label": `Rename ${project.name}` }, "✎");
        rename.addEventListener("click", () => void this.renameProject(project));
        const remove = el("button", { class: "icon danger", title: "Delete", "aria-label": `Delete ${project.name}` }, "✕");
        remove.addEventListener("click", () => void this.deleteProject(project));
        return el(
          "li",
          { class: project.id === this.selectedId ? "selected" : "", "data-project-id": project.id },
          open,
          el("span", { class: "item-actions" }, rename, remove),
        );
      }),
    );
  }

  private async switchProfile(id: string): Promise<void> {
    try {
      this.profile = await api.selectProfile(id);
      this.profiles = await api.profiles();
      this.selectedId = null;
      this.renderProfiles();
      this.handlers.onProfileChanged(this.profile);
      await this.loadProjects(null);
    } catch (error) {
      showError(error, "Could not switch profile");
    }
  }

  private async createProfile(): Promise<void> {
    let created: Profile | null = null;
    await promptText({
      title: "New profile",
      label: "A workspace for one brand or store, with its own projects and footage.",
      okLabel: "Create",
      validate: async (name) => {
        try {
          created = await api.createProfile(name);
          return null;
        } catch (error) {
          return error instanceof Error ? error.message : String(error);
        }
      },
    });
    if (created) await this.switchProfile((created as Profile).id);
  }

  private async createProject(): Promise<void> {
    const profile = this.profile;
    if (!profile) return;
    const target = el("input", { type: "number", min: "5", max: "180", step: "1", value: "20", id: "target-input" });
    const extra = el("label", { class: "inline" }, "Target length of each video (seconds) ", target);
    let created: Project | null = null;
    await promptText({
      title: "New project",
      label: "Project name",
      okLabel: "Create",
      extra,
      validate: async (name) => {
        try {
          created = await api.createProject(profile.id, name, Number(target.value) || null);
          return null;
        } catch (error) {
          return error instanceof Error ? error.message : String(error);
        }
      },
    });
    if (created) await this.loadProjects((created as Project).id);
  }

  private async renameProject(project: Project): Promise<void> {
    let renamed = false;
    await promptText({
      title: "Rename project",
      label: "Project name",
      value: project.name,
      okLabel: "Rename",
      validate: async (name) => {
        try {
          await api.renameProject(project.id, name);
          renamed = true;
          return null;
        } catch (error) {
          return error instanceof Error ? error.message : String(error);
        }
      },
    });
    if (renamed) await this.loadProjects();
  }

  private async deleteProject(project: Project): Promise<void> {
    const ok = await confirmAction(
      "Delete project?",
      `“${project.name}” and its variants will be deleted. Your footage files stay where they are.`,
      "Delete",
    );
    if (!ok) return;
    try {
      await api.deleteProject(project.id);
      await this.loadProjects(this.selectedId === project.id ? null : this.selectedId);
    } catch (error) {
      showError(error, "Could not delete the project");
    }
  }
}
