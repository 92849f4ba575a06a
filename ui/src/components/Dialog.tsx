// In-window dialogs (a native <dialog>): a text prompt with inline validation, and a confirmation.
import { createEffect, createSignal, Show, type JSX } from "solid-js";
import { messageOf } from "../ipc";

export interface PromptRequest {
  title: string;
  label: string;
  value?: string;
  okLabel?: string;
  /** Extra controls under the input (e.g. a target duration). */
  extra?: () => JSX.Element;
  /** Do the work; a thrown error keeps the dialog open and is shown in it. */
  accept: (value: string) => Promise<void>;
}

export interface ConfirmRequest {
  title: string;
  message: string;
  okLabel: string;
  accept: () => Promise<void>;
}

type Request = { kind: "prompt"; prompt: PromptRequest } | { kind: "confirm"; confirm: ConfirmRequest };

const [request, setRequest] = createSignal<Request | null>(null);

export function prompt(request: PromptRequest): void {
  setRequest({ kind: "prompt", prompt: request });
}

export function confirm(request: ConfirmRequest): void {
  setRequest({ kind: "confirm", confirm: request });
}

export function Dialog() {
  let dialog!: HTMLDialogElement;
  let input!: HTMLInputElement;
  const [error, setError] = createSignal("");
  const [busy, setBusy] = createSignal(false);

  const open = (r: Request) => {
    setError("");
    if (!dialog.open) dialog.showModal();
    if (r.kind === "prompt") {
      input.value = r.prompt.value ?? "";
      input.focus();
      input.select();
    }
  };

  const submit = async (event: SubmitEvent) => {
    const submitter = event.submitter as HTMLButtonElement | null;
    if (submitter?.value !== "ok") return; // Cancel closes the dialog.
    event.preventDefault();
    const r = request();
    if (!r || busy()) return;
    setBusy(true);
    try {
      if (r.kind === "prompt") await r.prompt.accept(input.value);
      else await r.confirm.accept();
      dialog.close("ok");
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  // Open once the form for the request is in the document.
  createEffect(() => {
    const r = request();
    if (r) queueMicrotask(() => open(r));
  });

  return (
    <dialog class="dialog" ref={dialog} onClose={() => setRequest(null)}>
      <Show when={request()} keyed>
        {(r) => {
          const title = r.kind === "prompt" ? r.prompt.title : r.confirm.title;
          const label = r.kind === "prompt" ? r.prompt.label : r.confirm.message;
          const okLabel = r.kind === "prompt" ? (r.prompt.okLabel ?? "OK") : r.confirm.okLabel;
          return (
            <form method="dialog" onSubmit={(e) => void submit(e)}>
              <h2>{title}</h2>
              <label for="dialog-input">{label}</label>
              <input id="dialog-input" data-testid="dialog-input" autocomplete="off" ref={input} hidden={r.kind !== "prompt"} />
              {r.kind === "prompt" && r.prompt.extra ? r.prompt.extra() : null}
              <p class="error" role="alert">
                {error()}
              </p>
              <div class="dialog-actions">
                <button value="cancel" formnovalidate>
                  Cancel
                </button>
                <button value="ok" class="primary" data-testid="dialog-ok" disabled={busy()}>
                  {okLabel}
                </button>
              </div>
            </form>
          );
        }}
      </Show>
    </dialog>
  );
}
