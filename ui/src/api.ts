// Typed calls into the Rust commands. Payload types come from Rust (ts-rs, src/bindings).
import { invoke } from "@tauri-apps/api/core";
import type { AppInfo } from "./bindings/AppInfo";
import type { ImportReport } from "./bindings/ImportReport";
import type { Job } from "./bindings/Job";
import type { Profile } from "./bindings/Profile";
import type { Project } from "./bindings/Project";
import type { Source } from "./bindings/Source";
import type { UserError } from "./bindings/UserError";

/** An error from a command, with the engine's message and hint. */
export class CommandError extends Error {
  readonly hint: string | null;
  constructor(error: UserError) {
    super(error.message);
    this.hint = error.hint;
  }
}

function isUserError(value: unknown): value is UserError {
  return typeof value === "object" && value !== null && "message" in value;
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    if (isUserError(error)) throw new CommandError(error);
    throw new CommandError({ message: String(error), hint: null });
  }
}

export const api = {
  appInfo: () => call<AppInfo>("app_info"),
  profiles: () => call<Profile[]>("profiles_list"),
  createProfile: (name: string) => call<Profile>("profile_create", { name }),
  selectProfile: (profileId: string) => call<Profile>("profile_select", { profileId }),
  projects: (profileId: string) => call<Project[]>("projects_list", { profileId }),
  createProject: (profileId: string, name: string, targetDurationS: number | null) =>
    call<Project>("project_create", { profileId, name, targetDurationS }),
  renameProject: (projectId: string, name: string) => call<Project>("project_rename", { projectId, name }),
  deleteProject: (projectId: string) => call<void>("project_delete", { projectId }),
  sources: (projectId: string) => call<Source[]>("sources_list", { projectId }),
  startImport: (projectId: string, paths: string[]) => call<Job>("import_start", { projectId, paths }),
  startVerify: (projectId: string) => call<Job>("verify_start", { projectId }),
  jobs: () => call<Job[]>("jobs_list"),
  cancelJob: (jobId: string) => call<Job>("job_cancel", { jobId }),
  retryJob: (jobId: string) => call<Job>("job_retry", { jobId }),
};

/** Sent by the app's job workers whenever a job changes. */
export const JOB_EVENT = "job-updated";

export type { AppInfo, ImportReport, Job, Profile, Project, Source };
