// In-window dialogs (a native <dialog>): text prompts and confirmations, with inline validation.
import { byId } from "./dom";

interface PromptOptions {
  title: string;
  label: string;
  value?: string;
  okLabel?: string;
  /** Extra controls placed under the input (e.g. a target duration field). */
  extra?: HTMLElement;
  /** Return an error message to keep the dialog open, or null to accept. */
  validate?: (value: string) => Promise<string | null> | string | null;
}

export function promptText(options: PromptOptions): Promise<string | null> {
  const dialog = byId<HTMLDialogElement>("text-dialog");
  const form = byId<HTMLFormElement>("text-dialog-form");
  const input = byId<HTMLInputElement>("text-dialog-input");
  const error = byId("text-dialog-error");
  const extra = byId("text-dialog-extra");
  byId("text-dialog-title").textContent = options.title;
  byId("text-dialog-label").textContent = options.label;
  byId("text-dialog-ok").textContent = options.okLabel ?? "OK";
  input.hidden = false;
  input.value = options.value ?? "";
  error.textContent = "";
  extra.replaceChildren(...(options.extra ? [options.extra] : []));

  return new Promise((resolve) => {
    const onSubmit = async (event: SubmitEvent) => {
      const submitter = event.submitter as HTMLButtonElement | null;
      if (submitter?.value !== "ok") return; // Cancel closes the dialog.
      event.preventDefault();
      const problem = options.validate ? await options.validate(input.value) : null;
      if (problem) {
        error.textContent = problem;
        return;
      }
      dialog.close("ok");
    };
    const onClose = () => {
      form.removeEventListener("submit", onSubmit);
      dialog.removeEventListener("close", onClose);
      resolve(dialog.returnValue === "ok" ? input.value : null);
    };
    form.addEventListener("submit", onSubmit);
    dialog.addEventListener("close", onClose);
    dialog.returnValue = "";
    dialog.showModal();
    input.focus();
    input.select();
  });
}

export function confirmAction(title: string, message: string, okLabel: string): Promise<boolean> {
  const dialog = byId<HTMLDialogElement>("text-dialog");
  const form = byId<HTMLFormElement>("text-dialog-form");
  byId("text-dialog-title").textContent = title;
  byId("text-dialog-label").textContent = message;
  byId("text-dialog-ok").textContent = okLabel;
  byId("text-dialog-error").textContent = "";
  byId("text-dialog-extra").replaceChildren();
  const input = byId<HTMLInputElement>("text-dialog-input");
  input.hidden = true;
  return new Promise((resolve) => {
    const onClose = () => {
      dialog.removeEventListener("close", onClose);
      form.removeEventListener("submit", onSubmit);
      input.hidden = false;
      resolve(dialog.returnValue === "ok");
    };
    const onSubmit = (event: SubmitEvent) => {
      const submitter = event.submitter as HTMLButtonElement | null;
      if (submitter?.value === "ok") {
        event.preventDefault();
        dialog.close("ok");
      }
    };
    form.addEventListener("submit", onSubmit);
    dialog.addEventListener("close", onClose);
    dialog.returnValue = "";
    dialog.showModal();
  });
}
