// The one door to the Rust commands: the generated `bindings/commands.ts` calls this. Errors come
// back as the engine's message and hint.
import { invoke } from "@tauri-apps/api/core";
import type { UserError } from "./bindings/UserError";

/** An error from a command, with the engine's message and what to do about it. */
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

export async function call<T>(command: string, args: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    if (isUserError(error)) throw new CommandError(error);
    throw new CommandError({ message: String(error), hint: null });
  }
}

/** The message of any error, for a person. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
