// Settings › Speech models: what is installed, what can be downloaded (with progress in the jobs
// panel, resumed if interrupted, checked by size and SHA-256), and importing a model file.
import { createSignal, For, Show } from "solid-js";
import { open } from "@tauri-apps/plugin-dialog";
import { findJob, isActive } from "../stores/jobs";
import { downloadModel, importModel, loadModels, models, removeModel, setModelSource } from "../stores/speech";
import { confirm } from "./Dialog";

const [shown, setShown] = createSignal(false);

export function openModels(): void {
  setShown(true);
  void loadModels();
}

function downloading(name: string): number | null {
  const job = findJob((j) => j.kind === "download_model" && j.subject_id === name && isActive(j));
  return job ? job.progress : null;
}

export function ModelsDialog() {
  let dialog!: HTMLDialogElement;
  const pickFile = async () => {
    const picked = await open({ title: "Install a speech model", filters: [{ name: "Whisper models (ggml)", extensions: ["bin"] }] });
    if (typeof picked === "string") await importModel(picked);
  };
  return (
    <Show when={shown()}>
      <dialog class="dialog models-dialog" ref={(d) => { dialog = d; queueMicrotask(() => d.open || d.showModal()); }} onClose={() => setShown(false)} data-testid="models-dialog">
        <h2>Speech models</h2>
        <p class="muted">
          Transcription runs on this computer with a Whisper model. <strong>base</strong> is the best start on most laptops;{" "}
          <strong>small</strong> is more accurate and about three times slower; <strong>tiny</strong> mishears names and numbers.
          English-only models (<code>.en</code>) are more accurate for English.
        </p>
        <h3>Installed</h3>
        <Show when={(models()?.installed ?? []).length > 0} fallback={<p class="muted" data-testid="no-models">None yet: download one below or install a file you have.</p>}>
          <ul class="plain model-list" data-testid="installed-models">
            <For each={models()?.installed}>
              {(m) => (
                <li>
                  <strong>{m.name}</strong>
                  <span class="muted">
                    {m.shape.size}
                    {m.shape.english_only ? ", English only" : ""} · {(m.size_bytes / 1e6).toFixed(0)} MB
                  </span>
                  <button class="small" onClick={() => confirm({ title: `Remove ${m.name}?`, message: "Transcripts made with it stay.", okLabel: "Remove", accept: () => removeModel(m.name) })}>
                    Remove
                  </button>
                </li>
              )}
            </For>
          </ul>
        </Show>
        <h3>Download</h3>
        <ul class="plain model-list" data-testid="catalogue-models">
          <For each={models()?.catalogue}>
            {(m) => {
              const installed = () => (models()?.installed ?? []).some((i) => i.name === m.name);
              return (
                <li>
                  <strong>{m.name}</strong>
                  <span class="muted">
                    {m.size_mb} MB · {m.note}
                    {m.recommended ? " · recommended" : ""}
                  </span>
                  <Show
                    when={downloading(m.name) === null}
                    fallback={<progress max="1" value={downloading(m.name) ?? 0} />}
                  >
                    <button class="small" disabled={installed()} onClick={() => void downloadModel(m.name)}>
                      {installed() ? "Installed" : "Download"}
                    </button>
                  </Show>
                </li>
              );
            }}
          </For>
        </ul>
        <ModelSource />
        <p class="hint">Into {models()?.dir}</p>
        <div class="dialog-actions">
          <button onClick={() => void pickFile()}>Install a file…</button>
          <button class="primary" onClick={() => dialog.close()}>Done</button>
        </div>
      </dialog>
    </Show>
  );
}

/** Where catalogue models come from, changeable to a mirror (a folder of ggml-….bin files). */
function ModelSource() {
  const [editing, setEditing] = createSignal(false);
  const [text, setText] = createSignal("");
  const [problem, setProblem] = createSignal<string | null>(null);
  const start = () => {
    setText(models()?.downloads_from ?? "");
    setProblem(null);
    setEditing(true);
  };
  const apply = async (address: string | null) => {
    const refused = await setModelSource(address);
    setProblem(refused);
    if (!refused) setEditing(false);
  };
  return (
    <Show
      when={editing()}
      fallback={
        <p class="hint model-source">
          From <span data-testid="models-source">{models()?.downloads_from}</span>{" "}
          <button class="link" data-testid="models-source-change" onClick={start}>Change…</button>
        </p>
      }
    >
      <form
        class="model-source-form"
        onSubmit={(e) => {
          e.preventDefault();
          void apply(text());
        }}
      >
        <label class="inline">
          Download from
          <input
            type="text"
            inputmode="url"
            spellcheck={false}
            data-testid="models-source-input"
            value={text()}
            onInput={(e) => setText(e.currentTarget.value)}
            placeholder="https://mirror.example.com/whisper"
          />
        </label>
        <button class="small primary" type="submit" data-testid="models-source-save">Use</button>
        <button class="small" type="button" onClick={() => void apply(null)}>Default</button>
        <button class="small" type="button" onClick={() => setEditing(false)}>Cancel</button>
        <Show when={problem()}>
          <p class="error" role="alert" data-testid="models-source-problem">{problem()}</p>
        </Show>
      </form>
    </Show>
  );
}
