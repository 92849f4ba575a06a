// The export dialog: preset, encoder, folder, replace-or-not, and before anything starts, the
// files it would write and what the platform would reject.
import { createEffect, createResource, createSignal, For, Show } from "solid-js";
import { open } from "@tauri-apps/plugin-dialog";
import { messageOf } from "../ipc";
import { encoders, loadExportChoices, planExport, presets, startExport } from "../stores/exports";

const [request, setRequest] = createSignal<{ clipIds: string[]; title: string } | null>(null);

/** Open the dialog for `clipIds`. */
export function openExport(clipIds: string[], title: string): void {
  setRequest({ clipIds, title });
}

export function ExportDialog() {
  let dialog!: HTMLDialogElement;
  const [preset, setPreset] = createSignal("tiktok");
  const [encoder, setEncoder] = createSignal("x264enc");
  const [folder, setFolder] = createSignal("");
  const [overwrite, setOverwrite] = createSignal(false);
  const [error, setError] = createSignal("");
  const [busy, setBusy] = createSignal(false);

  createEffect(() => {
    if (request()) {
      setError("");
      void loadExportChoices();
      queueMicrotask(() => {
        if (!dialog.open) dialog.showModal();
      });
    }
  });

  const [plan] = createResource(
    () => {
      const r = request();
      return r && folder().trim() ? { ids: r.clipIds, preset: preset(), folder: folder().trim() } : null;
    },
    async (p) => {
      try {
        return await planExport(p.ids, p.preset, p.folder);
      } catch (e) {
        setError(messageOf(e));
        return null;
      }
    },
  );

  const choose = async () => {
    try {
      const picked = await open({ directory: true, title: "Export into this folder" });
      if (typeof picked === "string") setFolder(picked);
    } catch (e) {
      setError(messageOf(e));
    }
  };

  const submit = async (event: SubmitEvent) => {
    const submitter = event.submitter as HTMLButtonElement | null;
    if (submitter?.value !== "ok") return;
    event.preventDefault();
    const r = request();
    if (!r || busy()) return;
    setBusy(true);
    setError("");
    try {
      await startExport(r.clipIds, preset(), encoder(), folder().trim(), overwrite());
      dialog.close("ok");
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  const taken = () => plan()?.outputs.filter((o) => o.exists) ?? [];

  return (
    <dialog class="dialog export-dialog" ref={dialog} onClose={() => setRequest(null)} data-testid="export-dialog">
      <Show when={request()}>
        {(r) => (
          <form method="dialog" onSubmit={(e) => void submit(e)}>
            <h2>{r().title}</h2>
            <label>
              Preset
              <select data-testid="export-preset" onChange={(e) => setPreset(e.currentTarget.value)}>
                <For each={presets()}>
                  {(p) => (
                    <option value={p.name} selected={p.name === preset()}>
                      {p.label} — {p.width}×{p.height}, {p.loudness_lufs} LUFS
                    </option>
                  )}
                </For>
              </select>
            </label>
            <label>
              Encoder
              <select data-testid="export-encoder" onChange={(e) => setEncoder(e.currentTarget.value)}>
                <For each={encoders()}>
                  {(e) => (
                    <option value={e.name} selected={e.name === encoder()}>
                      {e.label}
                    </option>
                  )}
                </For>
              </select>
            </label>
            <label>
              Folder
              <span class="folder-row">
                <input
                  data-testid="export-folder"
                  value={folder()}
                  placeholder="Choose a folder…"
                  onChange={(e) => setFolder(e.currentTarget.value)}
                />
                <button type="button" onClick={() => void choose()}>
                  Choose…
                </button>
              </span>
            </label>
            <label class="inline">
              <input type="checkbox" checked={overwrite()} onChange={(e) => setOverwrite(e.currentTarget.checked)} /> Replace
              files of the same name
            </label>
            <Show when={plan()}>
              {(p) => (
                <div class="export-plan" data-testid="export-plan">
                  <ul class="plain">
                    <For each={p().outputs}>
                      {(o) => (
                        <li classList={{ taken: o.exists }}>
                          {o.path.split(/[\\/]/).pop()}
                          {o.exists ? (overwrite() ? " — will be replaced" : " — exists already") : ""}
                        </li>
                      )}
                    </For>
                  </ul>
                  <For each={p().warnings}>
                    {(w) => (
                      <p class="warning" data-testid="export-warning">
                        ⚠ {w}
                      </p>
                    )}
                  </For>
                </div>
              )}
            </Show>
            <p class="error" role="alert">
              {error()}
            </p>
            <div class="dialog-actions">
              <button value="cancel" formnovalidate>
                Cancel
              </button>
              <button
                value="ok"
                class="primary"
                data-testid="export-start"
                disabled={busy() || !folder().trim() || (taken().length > 0 && !overwrite())}
              >
                Export {r().clipIds.length > 1 ? `${r().clipIds.length} files` : ""}
              </button>
            </div>
          </form>
        )}
      </Show>
    </dialog>
  );
}
