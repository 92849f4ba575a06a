// The library domain: profiles, the projects of the current profile, the open project and its
// sources. Components read these signals; every change goes through an action here.
import { createSignal } from "solid-js";
import { commands } from "../bindings/commands";
import type { Profile } from "../bindings/Profile";
import type { Project } from "../bindings/Project";
import type { Source } from "../bindings/Source";
import { clearError, showError } from "./app";
import { track } from "./jobs";

const [profiles, setProfiles] = createSignal<Profile[]>([]);
const [profile, setProfile] = createSignal<Profile | null>(null);
const [projects, setProjects] = createSignal<Project[]>([]);
const [selectedId, setSelectedId] = createSignal<string | null>(null);
const [sources, setSources] = createSignal<Source[]>([]);
export { profiles, profile, projects, sources };

export function selectedProject(): Project | null {
  return projects().find((p) => p.id === selectedId()) ?? null;
}

export async function loadProfiles(): Promise<void> {
  const list = await commands.profilesList();
  setProfiles(list);
  setProfile(list.find((p) => p.is_default) ?? list[0] ?? null);
  await loadProjects();
}

/** Reload the current profile's projects, keeping (or changing to) a selection. */
export async function loadProjects(select?: string | null): Promise<void> {
  const current = profile();
  if (!current) return;
  const list = await commands.projectsList(current.id);
  setProjects(list);
  const wanted = select === undefined ? selectedId() : select;
  setSelectedId(list.some((p) => p.id === wanted) ? wanted : null);
  await loadSources();
}

export async function loadSources(): Promise<void> {
  const project = selectedProject();
  if (!project) {
    setSources([]);
    return;
  }
  try {
    setSources(await commands.sourcesList(project.id));
  } catch (error) {
    showError(error, "Could not list the sources");
    return;
  }
  // The timeline and the variant cards show footage from its filmstrip; one job makes each.
  try {
    for (const job of await commands.projectFilmstrips(project.id)) track(job);
  } catch (error) {
    showError(error, "Could not make the filmstrips");
  }
}

export async function openProject(id: string | null): Promise<void> {
  if (id === selectedId()) return;
  setSelectedId(id);
  setSources([]);
  await loadSources();
}

export async function switchProfile(id: string): Promise<void> {
  try {
    const chosen = await commands.profileSelect(id);
    setProfiles(await commands.profilesList());
    setProfile(chosen);
    setSelectedId(null);
    clearError();
    await loadProjects(null);
  } catch (error) {
    showError(error, "Could not switch profile");
  }
}

/** Create a profile and switch to it; throws for the dialog to show. */
export async function createProfile(name: string): Promise<void> {
  const created = await commands.profileCreate(name);
  await switchProfile(created.id);
}

/** Create a project in the current profile and open it; throws for the dialog to show. */
export async function createProject(name: string, targetDurationS: number | null): Promise<void> {
  const current = profile();
  if (!current) return;
  const created = await commands.projectCreate(current.id, name, targetDurationS);
  await loadProjects(created.id);
}

export async function renameProject(id: string, name: string): Promise<void> {
  await commands.projectRename(id, name);
  await loadProjects();
}

export async function deleteProject(id: string): Promise<void> {
  try {
    await commands.projectDelete(id);
    await loadProjects(selectedId() === id ? null : selectedId());
  } catch (error) {
    showError(error, "Could not delete the project");
  }
}
