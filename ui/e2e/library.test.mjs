// Real-window test: the built desktop app under Xvfb, driven through tauri-driver and
// WebKitWebDriver. Creates a project, imports real footage through the UI's import path, sees
// the thumbnails, plays a source, renames and deletes the project. Screenshots go to
// $EDIT_FACTORY_ARTIFACTS (default: ../artifacts/e2e).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as harness from "./harness.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const media = process.env.EDIT_FACTORY_TEST_MEDIA ?? path.resolve(repo, "../shared/media");
const app = process.env.EDIT_FACTORY_APP_BINARY;
const artifacts = process.env.EDIT_FACTORY_ARTIFACTS ?? path.resolve(repo, "artifacts/e2e");
let driverPort;

let driver;
let browser;
let library;
let models;

/** Start an import into the open project through the same command the file dialog and
 * drag-and-drop use (the OS dialog itself cannot be driven); returns the job id. */
async function startImport(paths) {
  return browser.executeAsync((paths, done) => {
    const projectId = document.querySelector(".project-list li.selected")?.dataset.projectId;
    window.__TAURI_INTERNALS__
      .invoke("import_start", { projectId, paths })
      .then((job) => done(job.id), (e) => done(`error: ${JSON.stringify(e)}`));
  }, paths);
}

async function waitForText(selector, pattern, timeout, what) {
  await browser.waitUntil(
    async () => pattern.test((await browser.execute((s) => document.querySelector(s)?.textContent ?? "", selector)) ?? ""),
    { timeout, timeoutMsg: what },
  );
}

/** Open project `name` and its first variant in the editor. */
async function openFirstVariant(name) {
  const projectId = await browser.execute((n) => [...document.querySelectorAll(".project-list li")].find((li) => li.textContent.includes(n))?.dataset.projectId, name);
  assert.ok(projectId, `the ${name} project is listed`);
  await (await browser.$(`.project-list li[data-project-id="${projectId}"] button`)).click();
  await browser.waitUntil(async () => (await (await browser.$('[data-testid="project-title"]')).getText()) === name, { timeout: 10_000 });
  await (await browser.$('[data-testid="tab-variants"]')).click();
  await (await browser.$('[data-testid="variant-play"]')).click();
  const editor = await browser.$('[data-testid="editor"]');
  await editor.waitForDisplayed({ timeout: 10_000 });
  return { projectId, editor };
}

async function screenshot(name) {
  return harness.screenshot(browser, artifacts, name);
}

before(async () => {
  assert.ok(app, "EDIT_FACTORY_APP_BINARY must name the built app (make test sets it)");
  library = mkdtempSync(path.join(os.tmpdir(), "ef-e2e-library-"));
  models = mkdtempSync(path.join(os.tmpdir(), "ef-e2e-models-"));
  ({ driver, port: driverPort } = await harness.startDriver({ EDIT_FACTORY_LIBRARY: library, EDIT_FACTORY_MODELS_DIR: models }));
  browser = await harness.openApp(driverPort, app);
});

after(async () => {
  await harness.stopDriver(driver, browser);
  if (library) rmSync(library, { recursive: true, force: true });
  if (models) rmSync(models, { recursive: true, force: true });
});

test("create a project, import footage, see thumbnails, play a source", async () => {
  await (await browser.$('[data-testid="project-new"]')).click();
  const name = await browser.$('[data-testid="dialog-input"]');
  await name.waitForDisplayed({ timeout: 5000 });
  await name.setValue("Launch video");
  await (await browser.$('[data-testid="dialog-ok"]')).click();
  const title = await browser.$('[data-testid="project-title"]');
  await browser.waitUntil(async () => (await title.getText()) === "Launch video", {
    timeout: 10_000,
    timeoutMsg: "the new project did not open",
  });

  const files = [
    path.join(media, "video/moviepy_chaplin_h264_mp3.mp4"),
    path.join(media, "video/libopenshot_run_h264_noaudio.mp4"),
    path.join(media, "broken/moviepy_result_empty_0B.webm"),
  ];
  const jobId = await startImport(files);
  assert.match(jobId, /^[0-9a-f-]{36}$/);
  await waitForText('[data-testid="import-status"]', /Imported 2 files, 1 failed/, 30_000, "the import's outcome is shown");

  await browser.waitUntil(
    async () =>
      (await browser.execute(
        () =>
          [...document.querySelectorAll('[data-testid="source-thumbnail"]')].filter(
            (img) => img.complete && img.naturalWidth === 320,
          ).length,
      )) === 2,
    { timeout: 20_000, timeoutMsg: "two thumbnails did not load" },
  );
  const errors = await browser.$$('[data-testid="import-error"]');
  assert.equal(errors.length, 1);
  assert.match(await errors[0].getText(), /empty/);
  const badges = await browser.execute(() => [...document.querySelectorAll(".badge")].map((b) => b.textContent));
  assert.ok(badges.includes("No audio"), `badges: ${badges}`);

  const cards = await browser.$$('[data-testid="source-card"]');
  await cards[0].click();
  await browser.waitUntil(
    async () => (await browser.execute(() => document.querySelector('[data-testid="player-video"]')?.readyState ?? -1)) >= 2,
    { timeout: 20_000, timeoutMsg: "the player did not load the video (readyState < 2)" },
  );
  const playback = await browser.execute(() => {
    const v = document.querySelector('[data-testid="player-video"]');
    return { width: v.videoWidth, height: v.videoHeight, duration: v.duration, src: v.currentSrc };
  });
  assert.equal(playback.width, 640);
  assert.equal(playback.height, 360);
  assert.ok(Math.abs(playback.duration - 9.64) < 0.2, `duration ${playback.duration}`);
  assert.match(playback.src, /^http:\/\/127\.0\.0\.1:\d+\/[0-9a-f]{64}\/sources\/[0-9a-f-]{36}\/media$/);
  // Let it play a moment so the screenshot shows a decoded frame.
  await browser.waitUntil(
    async () => (await browser.execute(() => document.querySelector('[data-testid="player-video"]').currentTime)) > 0.5,
    { timeout: 10_000, timeoutMsg: "the video did not advance while playing" },
  );
  const shot = await screenshot("library-player");
  console.log(`screenshot: ${shot}`);
});

test("rename and delete a project with confirmation", async () => {
  const item = await browser.$('[data-testid="project-item"]');
  await item.moveTo();
  await (await browser.$('button[aria-label="Rename Launch video"]')).click();
  const input = await browser.$('[data-testid="dialog-input"]');
  await input.waitForDisplayed({ timeout: 5000 });
  await input.setValue("Launch video v2");
  await (await browser.$('[data-testid="dialog-ok"]')).click();
  await browser.waitUntil(async () => (await (await browser.$('[data-testid="project-title"]')).getText()) === "Launch video v2", {
    timeout: 10_000,
    timeoutMsg: "rename did not show",
  });

  await (await browser.$('button[aria-label="Delete Launch video v2"]')).click();
  await (await browser.$('[data-testid="dialog-ok"]')).waitForDisplayed({ timeout: 5000 });
  await screenshot("delete-confirmation");
  await (await browser.$('[data-testid="dialog-ok"]')).click();
  await browser.waitUntil(async () => (await browser.$$('[data-testid="project-item"]')).length === 0, {
    timeout: 10_000,
    timeoutMsg: "the project was not deleted",
  });
  await screenshot("after-delete");
});

/** A folder of `count` takes, copies of three short files made distinct by a trailing MP4 `free`
 * box holding the take's number: each is a file of its own to the library, with an analysis of its
 * own (identical copies would share one cached analysis and finish at once). */
function footageFolder(count) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "ef-e2e-footage-"));
  const originals = ["video/moviepy_chaplin_h264_mp3.mp4", "video/libopenshot_run_h264_noaudio.mp4", "video/moviepy_fire2_phone_rot180_vfr.mp4"];
  for (let i = 0; i < count; i++) {
    const original = path.join(media, originals[i % originals.length]);
    const take = path.join(dir, `take${String(i).padStart(2, "0")}${path.extname(original)}`);
    copyFileSync(original, take);
    const free = Buffer.alloc(16);
    free.writeUInt32BE(16, 0);
    free.write("free", 4, "ascii");
    free.writeUInt32BE(i, 12);
    appendFileSync(take, free);
  }
  return dir;
}

async function jobState(jobId) {
  return browser.execute((id) => {
    const row = document.querySelector(`[data-job-id="${id}"]`);
    if (!row) return null;
    return {
      status: row.dataset.status,
      progress: Number(row.querySelector('[data-testid="job-progress"]').getAttribute("aria-valuenow")),
    };
  }, jobId);
}

test("a job's progress bar moves and finishes, and cancel works from the UI", async () => {
  await (await browser.$('[data-testid="project-new"]')).click();
  const name = await browser.$('[data-testid="dialog-input"]');
  await name.waitForDisplayed({ timeout: 5000 });
  await name.setValue("Jobs demo");
  await (await browser.$('[data-testid="dialog-ok"]')).click();
  await browser.waitUntil(async () => (await (await browser.$('[data-testid="project-title"]')).getText()) === "Jobs demo", {
    timeout: 10_000,
  });

  const first = footageFolder(30);
  await browser.execute(() => {
    const watch = { count: null, opened: 0, loose: 0, done: false };
    window.__analysesWatch = watch;
    const look = () => {
      const group = () => document.querySelector('[data-testid="job-group"][data-kind="analyze"]');
      if (group() && watch.count === null) {
        watch.count = group().querySelector('[data-testid="job-group-count"]')?.textContent ?? "";
        group().querySelector('[data-testid="job-group-toggle"]')?.click();
      }
      // Read at once as well as later: the page draws the opened line within the click, and when
      // the analyses keep pace with the import, two are active together only for a moment.
      if (group()) watch.opened = Math.max(watch.opened, group().querySelectorAll('[data-testid="job-row"]').length);
      // Analyses still to finish on a line of their own (finished ones are listed one by one).
      const loose = document.querySelectorAll(
        '[data-testid="jobs-panel"] > ul > [data-testid="job-row"][data-kind="analyze"]:is([data-status="running"], [data-status="queued"])',
      ).length;
      watch.loose = Math.max(watch.loose, loose);
      if (!watch.done) setTimeout(look, 5);
    };
    look();
  });
  const jobId = await startImport([first]);
  assert.match(jobId, /^[0-9a-f-]{36}$/);
  const seen = new Set();
  let midShot = false;
  const deadline = Date.now() + 60_000;
  let state = null;
  while (Date.now() < deadline) {
    state = await jobState(jobId);
    if (state) seen.add(state.progress);
    if (state && state.progress > 0 && state.progress < 100 && !midShot) {
      await screenshot("job-progress");
      midShot = true;
    }
    if (state?.status === "succeeded") break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(state?.status, "succeeded");
  assert.equal(state.progress, 100);
  const between = [...seen].filter((p) => p > 0 && p < 100);
  assert.ok(between.length >= 2, `the bar moved through intermediate values: ${[...seen]}`);
  // The import announces its end (the analyses that follow it show in the jobs panel).
  await browser.waitUntil(
    async () => (await browser.execute(() => [...document.querySelectorAll('[data-testid="toast"]')].some((t) => /Import finished/.test(t.textContent)))),
    { timeout: 5000, timeoutMsg: "no notification that the import finished" },
  );
  await browser.waitUntil(async () => (await browser.$$('[data-testid="source-card"]')).length === 30, {
    timeout: 10_000,
    timeoutMsg: "30 sources after the import",
  });
  // The thirty analyses that followed made one line of the jobs panel, which opened to a line each
  // (watched from the page: they take about a second here).
  const grouped = await browser.execute(() => {
    window.__analysesWatch.done = true;
    return window.__analysesWatch;
  });
  assert.match(grouped.count ?? "", /^\d+ jobs: \d+ running, \d+ queued$/, `the analyses' line: ${JSON.stringify(grouped)}`);
  assert.ok(grouped.opened >= 2, `the analyses' line opened to a line each: ${JSON.stringify(grouped)}`);
  assert.ok(grouped.loose <= 1, `at most the last analysis had a line of its own: ${JSON.stringify(grouped)}`);

  const second = footageFolder(40);
  const cancelId = await startImport([second]);
  // Cancel from the page the moment the bar moves: files seen before import quickly, and a
  // WebDriver round trip per look could let it finish first.
  const clicked = await browser.executeAsync((id, done) => {
    const deadline = Date.now() + 30_000;
    const look = () => {
      const row = document.querySelector(`[data-job-id="${id}"]`);
      const bar = row?.querySelector('[data-testid="job-progress"]');
      const cancel = row?.querySelector('[data-testid="job-cancel"]');
      if (cancel && bar && Number(bar.getAttribute("aria-valuenow")) > 0) {
        cancel.click();
        done(true);
      } else if (Date.now() > deadline) done(false);
      else setTimeout(look, 5);
    };
    look();
  }, cancelId);
  assert.ok(clicked, "the second import never started");
  await browser.waitUntil(async () => (await jobState(cancelId))?.status === "cancelled", {
    timeout: 20_000,
    timeoutMsg: "the import was not cancelled",
  });
  const cancelled = await jobState(cancelId);
  assert.ok(cancelled.progress < 100, "stopped before the end");
  // The jobs panel scrolls: with the analyses' line above it, the row may be below its fold.
  const retry = await browser.$(`[data-job-id="${cancelId}"] [data-testid="job-retry"]`);
  await retry.scrollIntoView({ block: "nearest" });
  assert.ok(await retry.isDisplayed(), "the cancelled import offers Retry");
  await browser.waitUntil(
    async () => (await browser.execute(() => [...document.querySelectorAll('[data-testid="toast"]')].some((t) => /cancelled/.test(t.textContent)))),
    { timeout: 5000, timeoutMsg: "no cancel notification" },
  );
  const cards = (await browser.$$('[data-testid="source-card"]')).length;
  assert.ok(cards >= 30 && cards < 70, `some but not all of the second folder imported: ${cards}`);
  await screenshot("job-cancelled");
  // Clear finished takes the ended imports off the panel.
  await (await browser.$('[data-testid="jobs-clear"]')).click();
  await browser.waitUntil(async () => (await browser.$$(`[data-job-id="${cancelId}"]`)).length === 0, { timeout: 5000, timeoutMsg: "Clear finished left the cancelled import" });
  assert.equal((await browser.$$(`[data-job-id="${jobId}"]`)).length, 0);
  rmSync(first, { recursive: true, force: true });
  rmSync(second, { recursive: true, force: true });
});

test("the window answers while another process holds the library's write lock", async () => {
  const title = await (await browser.$('[data-testid="project-title"]')).getText();
  assert.equal(title, "Jobs demo");
  // A CLI (here a plain SQLite client) takes the write lock and keeps it for 6 s.
  const holder = spawn(
    "python3",
    [
      "-c",
      "import sqlite3, sys, time\n" +
        "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n" +
        "c.execute('BEGIN IMMEDIATE')\n" +
        "c.execute(\"UPDATE profiles SET description = 'busy'\")\n" +
        "print('locked', flush=True)\n" +
        "time.sleep(6)\n" +
        "c.execute('COMMIT')\n",
      path.join(library, "library.sqlite"),
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const released = new Promise((resolve) => holder.on("exit", resolve));
  await new Promise((resolve, reject) => {
    holder.stdout.on("data", (d) => String(d).includes("locked") && resolve());
    holder.on("exit", (code) => reject(new Error(`the lock holder exited early (${code})`)));
  });
  const timings = await browser.executeAsync((done) => {
    const invoke = window.__TAURI_INTERNALS__.invoke;
    const projectId = document.querySelector(".project-list li.selected")?.dataset.projectId;
    // A write from the window now waits for the lock (off the main thread)...
    const write = invoke("verify_start", { projectId });
    const started = performance.now();
    // ...while reads and the page itself carry on.
    Promise.all([invoke("projects_list", { profileId: document.querySelector("#profile-select").value }), invoke("jobs_list", {})])
      .then(([projects]) => {
        const read = performance.now() - started;
        write.then(() => done({ read, write: performance.now() - started, projects: projects.length }), (e) => done({ error: String(e) }));
      })
      .catch((e) => done({ error: String(e) }));
  });
  assert.ok(!timings.error, timings.error);
  assert.equal(timings.projects, 1);
  assert.ok(timings.read < 1000, `a read answered in ${timings.read} ms while the lock was held`);
  assert.ok(timings.write > 2000, `the write waited for the other process (${timings.write} ms)`);
  await released;
});

test("mark a segment with I and O in the segment player and find it in the library", async () => {
  await (await browser.$('[data-testid="project-new"]')).click();
  const name = await browser.$('[data-testid="dialog-input"]');
  await name.waitForDisplayed({ timeout: 5000 });
  await name.setValue("Marks");
  await (await browser.$('[data-testid="dialog-ok"]')).click();
  await browser.waitUntil(async () => (await (await browser.$('[data-testid="project-title"]')).getText()) === "Marks", { timeout: 10_000 });
  await startImport([
    path.join(media, "video/moviepy_chaplin_h264_mp3.mp4"),
    path.join(media, "video/moviepy_bbb_0_30_vp8_vorbis_music.webm"),
    path.join(media, "video/moviepy_fire2_phone_rot180_vfr.mp4"),
  ]);
  await waitForText('[data-testid="import-status"]', /Imported 3 files/, 30_000, "the import did not finish");
  // The analysis of each source ends with a heat strip under its thumbnail.
  await browser.waitUntil(async () => (await browser.$$('[data-testid="heat-strip"]')).length === 3, {
    timeout: 120_000,
    timeoutMsg: "the sources were not analysed",
  });
  const cuts = await browser.execute(() => [...document.querySelectorAll('[data-testid="heat-strip"]')].map((c) => Number(c.dataset.cuts)));
  assert.ok(cuts.includes(3), `the film shows its three scene cuts: ${cuts}`);
  const cards = await browser.$$('[data-testid="source-card"]');
  await cards[0].click();
  const ready = async () => (await browser.execute(() => document.querySelector('[data-testid="player-video"]')?.readyState ?? -1)) >= 2;
  await browser.waitUntil(ready, { timeout: 20_000, timeoutMsg: "the segment player did not load the video" });
  const at = async (t) => {
    await browser.execute((t) => {
      const v = document.querySelector('[data-testid="player-video"]');
      v.pause();
      v.currentTime = t;
    }, t);
    await browser.waitUntil(async () => (await browser.execute(() => document.querySelector('[data-testid="player-video"]').seeking)) === false, { timeout: 5000 });
  };
  await (await browser.$('[data-testid="segment-timeline"]')).click();
  await at(1.0);
  await browser.keys("i");
  await at(3.0);
  await browser.keys("o");
  const editor = await browser.$('[data-testid="segment-editor"]');
  await editor.waitForDisplayed({ timeout: 10_000, timeoutMsg: "the marked segment did not open in the editor" });
  assert.match(await editor.getText(), /Segment 1\.00–3\.00 s/);
  // Give it a keyword and a star from the editor.
  await browser.execute(() =>
    [...document.querySelectorAll('[data-testid="segment-editor"] .chip')].find((b) => b.textContent === "demo").click(),
  );
  await browser.waitUntil(
    async () => (await browser.execute(() => document.querySelector('[data-testid="segment-editor"] .chip.on')?.textContent)) === "demo",
    { timeout: 5000, timeoutMsg: "the keyword did not stick" },
  );
  await (await browser.$('[data-testid="segment-editor"] button[aria-label="Favourite"]')).click();
  // The star is saved by the engine and then shown: the row may be listed before it is.
  await browser.waitUntil(
    async () => {
      const rows = await browser.execute(() => [...document.querySelectorAll('[data-testid="segment-row"]')].map((r) => r.textContent));
      return rows.some((r) => r.includes("1.00–3.00 s") && r.includes("★"));
    },
    { timeout: 10_000, timeoutMsg: "the starred segment is not in the library" },
  );
  const row = await browser.execute(() => document.querySelector('[data-testid="segment-row"]').textContent);
  assert.match(row, /★/);
  assert.match(row, /demo/);
  await screenshot("segment-player");
  // The library tab lists it too, and its keyword filter finds it.
  await (await browser.$('[data-testid="tab-segments"]')).click();
  await browser.waitUntil(async () => (await browser.$$('[data-testid="segments-tab"] [data-testid="segment-row"]')).length === 1, {
    timeout: 10_000,
    timeoutMsg: "the segment library tab does not show the segment",
  });
  await screenshot("segment-library");
  // Variants from the analysed footage.
  await (await browser.$('[data-testid="tab-variants"]')).click();
  const generate = await browser.$('[data-testid="variants-generate"]');
  await browser.waitUntil(async () => await generate.isEnabled(), { timeout: 120_000, timeoutMsg: "the analyses did not finish" });
  await generate.click();
  await browser.waitUntil(async () => (await browser.$$('[data-testid="variant"]')).length === 3, {
    timeout: 30_000,
    timeoutMsg: "three variants did not appear",
  });
  await screenshot("variants");

  // Export them all with the draft preset into a folder, through the export dialog.
  const exportDir = mkdtempSync(path.join(os.tmpdir(), "ef-e2e-exports-"));
  await (await browser.$('[data-testid="export-kept"]')).click();
  const exportDialog = await browser.$('[data-testid="export-dialog"]');
  await exportDialog.waitForDisplayed({ timeout: 5000 });
  const presetSelect = await browser.$('[data-testid="export-dialog"] [data-testid="export-preset"]');
  await browser.waitUntil(async () => (await presetSelect.$$("option")).length >= 6, { timeout: 10_000, timeoutMsg: "no presets listed" });
  await presetSelect.selectByAttribute("value", "draft");
  const encoderNames = await browser.execute(() =>
    [...document.querySelectorAll('[data-testid="export-encoder"] option')].map((o) => o.value),
  );
  assert.equal(encoderNames[0], "x264enc");
  const folderInput = await browser.$('[data-testid="export-folder"]');
  await folderInput.setValue(exportDir);
  await browser.keys("Tab");
  await browser.waitUntil(async () => (await browser.$$('[data-testid="export-plan"] li')).length === 3, {
    timeout: 10_000,
    timeoutMsg: "the dialog did not list the three files it will write",
  });
  const planned = await browser.execute(() => [...document.querySelectorAll('[data-testid="export-plan"] li')].map((l) => l.textContent));
  assert.ok(planned.every((name) => /^Marks_\d_draft\.mp4$/.test(name)), `planned: ${planned}`);
  await screenshot("export-dialog");
  await (await browser.$('[data-testid="export-start"]')).click();
  try {
    await browser.waitUntil(async () => (await browser.$$('[data-testid="variant-exports"] li')).length === 3, {
      timeout: 180_000,
    });
  } catch {
    // Say why: the failed export jobs' own messages.
    const jobs = (await invoke("jobs_list", {})).value ?? [];
    const failed = jobs.filter((j) => j.status === "failed").map((j) => `${j.kind}: ${j.error_message}`);
    await screenshot("variant-exports-failed");
    assert.fail(`the three exports were not listed on their variants; failed jobs: ${failed.join(" | ") || "none"}`);
  }
  const listed = await browser.execute(() => [...document.querySelectorAll('[data-testid="variant-exports"] li')].map((l) => l.textContent));
  for (const line of listed) assert.match(line, /540×960 · [\d.]+ s · -1[345]\.\d LUFS .*x264enc/);
  await screenshot("variant-exports");
  rmSync(exportDir, { recursive: true, force: true });
  await (await browser.$('[data-testid="tab-footage"]')).click();
});

/** Call a command the way the UI does (for what an OS dialog would hand over). */
function invoke(command, args) {
  return harness.invoke(browser, command, args);
}

test("install a speech model, caption a variant from its speech, edit a cue, style it and duck the voices", async () => {
  // Settings › Speech models: nothing installed, then the bundled test model installed from a file
  // (the file the OS dialog would hand over).
  await (await browser.$('[data-testid="open-models"]')).click();
  const modelsDialog = await browser.$('[data-testid="models-dialog"]');
  await modelsDialog.waitForDisplayed({ timeout: 5000 });
  await browser.waitUntil(async () => (await browser.$$('[data-testid="catalogue-models"] li')).length >= 5, {
    timeout: 10_000,
    timeoutMsg: "the catalogue was not listed",
  });
  assert.ok(await (await browser.$('[data-testid="no-models"]')).isDisplayed());
  const installed = await invoke("model_import", { path: path.resolve(media, "../models/ggml-tiny.en.bin") });
  assert.equal(installed.value?.name, "tiny.en", JSON.stringify(installed));
  await browser.execute(() => document.querySelector('[data-testid="models-dialog"]').close());
  await (await browser.$('[data-testid="open-models"]')).click();
  await browser.waitUntil(async () => /tiny\.en/.test(await browser.execute(() => document.querySelector('[data-testid="installed-models"]')?.textContent ?? "")), {
    timeout: 10_000,
    timeoutMsg: "the installed model is not listed",
  });
  // Models can come from a mirror: a bad address is refused in place, a good one is used, and the
  // default comes back.
  const sourceShown = () => browser.execute(() => document.querySelector('[data-testid="models-source"]')?.textContent ?? "");
  assert.match(await sourceShown(), /huggingface\.co/);
  const changeSource = async (address) => {
    await (await browser.$('[data-testid="models-source-change"]')).click();
    const input = await browser.$('[data-testid="models-source-input"]');
    await input.clearValue();
    await input.setValue(address);
    await (await browser.$('[data-testid="models-source-save"]')).click();
  };
  await changeSource("ftp://mirror.example.com/whisper");
  await browser.waitUntil(async () => /only http and https/.test(await browser.execute(() => document.querySelector('[data-testid="models-source-problem"]')?.textContent ?? "")), {
    timeout: 5000,
    timeoutMsg: "the ftp address was not refused in the dialog",
  });
  await screenshot("speech-models-source-refused");
  const input = await browser.$('[data-testid="models-source-input"]');
  await input.clearValue();
  await input.setValue("https://mirror.example.com/whisper/");
  await (await browser.$('[data-testid="models-source-save"]')).click();
  await browser.waitUntil(async () => (await sourceShown()) === "https://mirror.example.com/whisper", {
    timeout: 5000,
    timeoutMsg: "the mirror is not shown as the source",
  });
  await (await browser.$('[data-testid="models-source-change"]')).click();
  await (await browser.$('button=Default')).click();
  await browser.waitUntil(async () => /huggingface\.co/.test(await sourceShown()), { timeout: 5000, timeoutMsg: "the default source did not come back" });
  await screenshot("speech-models");
  await browser.execute(() => document.querySelector('[data-testid="models-dialog"]').close());

  // Footage that talks: a lecture over a picture.
  const talk = path.join(mkdtempSync(path.join(os.tmpdir(), "ef-e2e-talk-")), "talk.mp4");
  const made = spawnSync("ffmpeg", [
    "-loglevel", "error", "-y",
    "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30:duration=24",
    "-ss", "20", "-t", "16", "-i", path.join(media, "speech/silero_test_60s.wav"),
    "-filter_complex", "[1:a]apad=whole_dur=24[a]", "-map", "0:v", "-map", "[a]",
    "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-t", "24", talk,
  ]);
  assert.equal(made.status, 0, String(made.stderr));
  await (await browser.$('[data-testid="project-new"]')).click();
  const name = await browser.$('[data-testid="dialog-input"]');
  await name.waitForDisplayed({ timeout: 5000 });
  await name.setValue("Talk");
  await (await browser.$('[data-testid="dialog-ok"]')).click();
  await browser.waitUntil(async () => (await (await browser.$('[data-testid="project-title"]')).getText()) === "Talk", { timeout: 10_000 });
  await startImport([talk]);
  await waitForText('[data-testid="import-status"]', /Imported 1 file/, 30_000, "the import did not finish");
  await (await browser.$('[data-testid="tab-variants"]')).click();
  const generate = await browser.$('[data-testid="variants-generate"]');
  await browser.waitUntil(async () => await generate.isEnabled(), { timeout: 120_000, timeoutMsg: "the analysis did not finish" });
  const count = await browser.$('.variant-controls input[type="number"]');
  await count.clearValue();
  await count.setValue("1");
  await browser.keys("Tab");
  await generate.click();
  await browser.waitUntil(async () => (await browser.$$('[data-testid="variant"]')).length === 1, {
    timeout: 30_000,
    timeoutMsg: "the variant did not appear",
  });

  // Captions from the speech: a transcription job runs, then the cues appear.
  await (await browser.$('[data-testid="variant-speech"] summary')).click();
  await (await browser.$('[data-testid="captions-generate"]')).click();
  await browser.waitUntil(async () => (await browser.$$('[data-testid="cue"]')).length >= 3, {
    timeout: 120_000,
    timeoutMsg: "no captions appeared",
  });
  const texts = await browser.execute(() => [...document.querySelectorAll('[data-testid="cue-text"]')].map((i) => i.value));
  assert.ok(texts.join(" ").split(/\s+/).length >= 6, `captions: ${texts}`);

  // Edit the first cue in place; the change is stored on the variant.
  const first = await browser.$('[data-testid="cue-text"]');
  await first.scrollIntoView({ block: "center" });
  await first.click();
  await first.clearValue();
  await first.setValue("Edited words");
  await browser.keys("Enter");
  await browser.waitUntil(async () => {
    const clips = await invoke("clips_list", { projectId: await browser.execute(() => document.querySelector(".project-list li.selected")?.dataset.projectId) });
    return clips.value?.[0]?.timeline?.captions?.cues?.[0]?.text === "Edited words";
  }, { timeout: 10_000, timeoutMsg: "the edited text was not saved" });
  // The preview draws the selected cue in the style, scaled from the output size.
  await browser.waitUntil(async () => /Edited/.test(await browser.execute(() => document.querySelector('[data-testid="caption-overlay"]')?.textContent ?? "")), {
    timeout: 5000,
    timeoutMsg: "the preview does not show the edited cue",
  });
  const size = await browser.$('[data-testid="caption-size"]');
  await size.scrollIntoView({ block: "center" });
  await size.clearValue();
  await size.setValue("120");
  await browser.keys("Tab");
  // The caption's line is 120 × 320 / 1920 px, as libass sizes the font's whole cell.
  await browser.waitUntil(async () => (await browser.execute(() => document.querySelector('[data-testid="caption-overlay"]')?.style.lineHeight)) === "20px", {
    timeout: 5000,
    timeoutMsg: "the preview's caption line is not 120 × 320 / 1920 px",
  });

  // The waveform of the footage's sound, with what the audio plan takes away drawn in dim orange:
  // nothing while the voices are kept.
  const removedPixels = () =>
    browser.execute(() => {
      const canvas = document.querySelector('[data-testid="captions-panel"] [data-testid="waveform"]');
      if (!canvas || canvas.width < 2) return { heard: -1, removed: -1 };
      const d = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
      let heard = 0;
      let removed = 0;
      for (let i = 0; i < d.length; i += 4) {
        const [r, g, b, a] = [d[i], d[i + 1], d[i + 2], d[i + 3]];
        // The accent (255, 122, 26) for what is heard, a dim orange (120, 78, 36) for what is not.
        if (a < 250) continue;
        if (r > 240 && g > 100 && g < 145 && b < 60) heard++;
        else if (Math.abs(r - 120) < 12 && Math.abs(g - 78) < 12 && Math.abs(b - 36) < 12) removed++;
      }
      return { heard, removed };
    });
  await browser.waitUntil(async () => (await removedPixels()).heard > 500, { timeout: 20_000, timeoutMsg: "no waveform is drawn" });
  const kept = await removedPixels();
  assert.ok(kept.removed < 50, `with the voices kept nothing is drawn as removed: ${JSON.stringify(kept)}`);
  // Duck the voices: the waveform shows the speech lowered.
  const voices = await browser.$('[data-testid="voice-mode"]');
  await voices.scrollIntoView({ block: "center" });
  await voices.selectByAttribute("value", "duck");
  await browser.waitUntil(async () => (await removedPixels()).removed > 500, {
    timeout: 30_000,
    timeoutMsg: "the ducked speech is not drawn",
  });
  const ducked = await removedPixels();
  await screenshot("waveform-ducked");
  // Noise reduction: the denoised waveform is drawn, and the footage's noise is drawn as removed.
  await (await browser.$('[data-testid="denoise"]')).click();
  await browser.waitUntil(
    async () =>
      (await browser.execute(() => document.querySelector('[data-testid="captions-panel"] [data-testid="waveform"]')?.dataset.denoised)) === "yes" &&
      (await removedPixels()).removed > ducked.removed,
    { timeout: 30_000, timeoutMsg: "the denoised waveform is not drawn" },
  );
  await browser.waitUntil(
    async () => {
      const clips = (await invoke("clips_list", { projectId: await browser.execute(() => document.querySelector(".project-list li.selected")?.dataset.projectId) })).value;
      return clips?.some((c) => c.timeline.audio.denoise);
    },
    { timeout: 10_000, timeoutMsg: "noise reduction was not saved on the variant" },
  );
  // A voice-over (here the talk's own recording): laid under the variant, moved and turned down,
  // then taken away again.
  const clipOf = async () => (await invoke("clips_list", { projectId: await browser.execute(() => document.querySelector(".project-list li.selected")?.dataset.projectId) })).value[0];
  const voiceSelect = await browser.$('[data-testid="voiceover"]');
  await voiceSelect.scrollIntoView({ block: "center" });
  const talkSource = (await clipOf()).timeline.items[0].source_id;
  await voiceSelect.selectByAttribute("value", talkSource);
  await browser.waitUntil(async () => (await clipOf()).timeline.voiceover?.asset_id === talkSource, { timeout: 10_000, timeoutMsg: "the voice-over was not laid" });
  const offset = await browser.$('[data-testid="voiceover-offset"]');
  await offset.clearValue();
  await offset.setValue("0.5");
  await browser.keys("Tab");
  const volume = await browser.$('[data-testid="voiceover-volume"]');
  await volume.clearValue();
  await volume.setValue("80");
  await browser.keys("Tab");
  await browser.waitUntil(
    async () => {
      const v = (await clipOf()).timeline.voiceover;
      return v?.offset === 500_000_000 && Math.abs(v.volume - 0.8) < 1e-9;
    },
    { timeout: 10_000, timeoutMsg: "the voice-over's start and volume were not kept" },
  );
  await screenshot("captions-voiceover");
  await (await browser.$('[data-testid="voiceover"]')).selectByAttribute("value", "");
  await browser.waitUntil(async () => (await clipOf()).timeline.voiceover === null, { timeout: 10_000, timeoutMsg: "the voice-over was not taken away" });

  await browser.execute(() => document.querySelector('[data-testid="captions-panel"]').scrollIntoView());
  await screenshot("captions-panel");
});

test("play a variant in the editor: the playhead crosses an item switch, its caption shows over the picture, a cue ends at the playhead", async () => {
  // The captioned "Talk" variant of the previous test.
  await (await browser.$('[data-testid="tab-variants"]')).click();
  await (await browser.$('[data-testid="variant-play"]')).click();
  const editor = await browser.$('[data-testid="editor"]');
  await editor.waitForDisplayed({ timeout: 10_000 });
  const projectId = await browser.execute(() => document.querySelector(".project-list li.selected")?.dataset.projectId);
  const clip = (await invoke("clips_list", { projectId })).value[0];
  const plan = (await invoke("clip_preview", { clipId: clip.id })).value;
  assert.ok(plan?.items.length >= 2, `a variant of several items: ${JSON.stringify(plan)}`);
  assert.equal(plan.width, 1080);
  const items = await browser.$$('[data-testid="strip-item"]');
  assert.equal(items.length, plan.items.length);

  // Play across the first switch: the playhead passes the first item's end and the picture moves.
  await (await browser.$('[data-testid="editor-play"]')).click();
  const firstEnd = plan.items[0].end;
  await browser.waitUntil(async () => Number(await editor.getAttribute("data-now")) > firstEnd + 0.5e9, {
    timeout: firstEnd / 1e6 + 15_000,
    timeoutMsg: "the playhead did not pass the first item's end",
  });
  const shown = await browser.execute(() =>
    [...document.querySelectorAll('[data-testid="stage-video"]')]
      .filter((v) => v.style.visibility === "visible")
      .map((v) => ({ time: v.currentTime, paused: v.paused, ready: v.readyState, src: v.currentSrc })),
  );
  assert.equal(shown.length, 1, `one picture shown: ${JSON.stringify(shown)}`);
  assert.ok(!shown[0].paused && shown[0].ready >= 2, `the shown picture plays: ${JSON.stringify(shown)}`);
  const wanted = (plan.items[1].in_ns + (Number(await editor.getAttribute("data-now")) - plan.items[1].start)) / 1e9;
  assert.ok(Math.abs(shown[0].time - wanted) < 0.3, `the second item plays at its own time: ${shown[0].time} vs ${wanted}`);
  assert.ok(Number(await editor.getAttribute("data-switches")) >= 1, "an item switch was counted");
  await screenshot("editor-playing");
  await browser.execute(() => document.querySelector('[data-testid="editor"]').focus());
  await browser.keys("k");
  await browser.waitUntil(async () => (await editor.getAttribute("data-playing")) === "false", { timeout: 5000, timeoutMsg: "K did not pause" });

  // Seek three quarters into the first cue by clicking the strip: its caption is drawn over the
  // picture (and ending it there leaves it longer than the shortest cue allowed, 0.2 s).
  const cue = clip.timeline.captions.cues[0];
  const strip = await browser.$('[data-testid="editor-strip"]');
  const { width } = await strip.getSize();
  const middle = cue.start + 0.75 * (cue.end - cue.start);
  await strip.click({ x: Math.round((middle / plan.duration_ns - 0.5) * width), y: 0 });
  await browser.waitUntil(async () => Math.abs(Number(await editor.getAttribute("data-now")) - middle) < 0.2e9, {
    timeout: 5000,
    timeoutMsg: "the click did not move the playhead into the cue",
  });
  await browser.waitUntil(
    async () => (await browser.execute(() => document.querySelector('[data-testid="editor"] [data-testid="caption-text"]')?.textContent ?? "")).trim() === cue.text,
    { timeout: 5000, timeoutMsg: `the cue's caption (${cue.text}) is not over the picture` },
  );
  await screenshot("editor-caption");

  // End the cue at the playhead.
  const at = Number(await editor.getAttribute("data-now"));
  await (await browser.$('[data-testid="cue-end-here"]')).click();
  let ended = null;
  await browser
    .waitUntil(
      async () => {
        ended = (await invoke("clips_list", { projectId })).value[0].timeline.captions.cues[0];
        return Math.abs(ended.end - at) < 1e6;
      },
      { timeout: 5000 },
    )
    .catch(async () => {
      await screenshot("editor-cue-end-failed");
      assert.fail(`the cue's end was not set to the playhead (${at}): ${JSON.stringify(ended)}`);
    });
});

/** Close the app and start it again on the same library (a restart). */
async function restartApp() {
  await browser.deleteSession();
  browser = await harness.openApp(driverPort, app);
}

test("edit a variant: split, move, trim and swap pieces on the strip; undo and redo survive a restart", async () => {
  // The "Talk" variant is open in the editor (previous test).
  const editor = await browser.$('[data-testid="editor"]');
  await editor.waitForDisplayed({ timeout: 5000 });
  const projectId = await browser.execute(() => document.querySelector(".project-list li.selected")?.dataset.projectId);
  const clipNow = async () => (await invoke("clips_list", { projectId })).value[0];
  const stripIds = () => browser.execute(() => [...document.querySelectorAll('[data-testid="strip-item"]')].map((e) => e.dataset.itemId));
  const original = await clipNow();
  const n = original.timeline.items.length;

  // S splits the piece under the playhead (one second in).
  await browser.execute(() => document.querySelector('[data-testid="editor"]').focus());
  await browser.keys("Home");
  // One key per call: a repeated key in one sequence is sent as a key held down.
  for (let i = 0; i < 30; i += 1) await browser.keys("ArrowRight");
  await browser.keys("s");
  await browser.waitUntil(async () => (await stripIds()).length === n + 1, { timeout: 5000 }).catch(async () => {
    await screenshot("editor-split-failed");
    assert.fail(`the split did not show on the strip (playhead ${await editor.getAttribute("data-now")}, ${n} pieces, strip ${(await stripIds()).length})`);
  });
  const split = await clipNow();
  assert.equal(split.undo, "Split");
  assert.equal(split.timeline.items[0].out, split.timeline.items[1].in);

  // Drag the last piece to the front with the pointer.
  const pieces = await browser.$$('[data-testid="strip-item"]');
  const last = pieces[pieces.length - 1];
  const lastId = await last.getAttribute("data-item-id");
  const first = pieces[0];
  const firstBox = await first.getLocation();
  const lastBox = await last.getLocation();
  const lastSize = await last.getSize();
  await browser
    .action("pointer")
    .move({ x: Math.round(lastBox.x + lastSize.width / 2), y: Math.round(lastBox.y + 10) })
    .down()
    .move({ x: Math.round(lastBox.x + lastSize.width / 2 - 20), y: Math.round(lastBox.y + 10), duration: 100 })
    .move({ x: Math.round(firstBox.x + 3), y: Math.round(firstBox.y + 10), duration: 300 })
    .up()
    .perform();
  await browser.waitUntil(async () => (await stripIds())[0] === lastId, { timeout: 5000, timeoutMsg: "the dragged piece did not move to the front" });
  const moved = await clipNow();
  assert.equal(moved.undo, "Move");

  // Drag the front piece's out handle to the left: it gets shorter, by whole frames.
  const handle = await browser.$(`[data-item-id="${lastId}"] [data-testid="trim-out"]`);
  const handleBox = await handle.getLocation();
  await browser
    .action("pointer")
    .move({ x: Math.round(handleBox.x + 2), y: Math.round(handleBox.y + 10) })
    .down()
    .move({ x: Math.round(handleBox.x - 15), y: Math.round(handleBox.y + 10), duration: 200 })
    .up()
    .perform();
  await browser.waitUntil(async () => (await clipNow()).undo === "Trim", { timeout: 5000, timeoutMsg: "the trim was not made" });
  const trimmed = await clipNow();
  const shorter = moved.timeline.items[0].out - trimmed.timeline.items[0].out;
  assert.ok(shorter > 0, `trimmed by ${shorter} ns`);
  const frames = shorter / (1e9 / 30);
  assert.ok(Math.abs(frames - Math.round(frames)) < 1e-3, `by whole frames: ${frames}`);

  // Swap the selected (front) piece for the best moment not used yet.
  await (await browser.$(`[data-item-id="${lastId}"]`)).click();
  await (await browser.$('[data-testid="editor-swap"]')).click();
  await browser.waitUntil(async () => (await clipNow()).undo === "Swap", { timeout: 10_000 }).catch(async () => {
    await screenshot("editor-swap-failed");
    const said = await browser.execute(() => document.querySelector('[data-testid="banner"]')?.textContent ?? "nothing");
    assert.fail(`the swap was not made; the window says: ${said}`);
  });
  const swapped = await clipNow();
  assert.notEqual(swapped.timeline.items[0].in, trimmed.timeline.items[0].in);
  await screenshot("editor-edited");

  // Undo the swap with Ctrl+Z.
  await browser.execute(() => document.querySelector('[data-testid="editor"]').focus());
  await browser.keys(["Control", "z"]);
  await browser.keys(["Control"]);
  await browser.waitUntil(async () => (await clipNow()).redo === "Swap", { timeout: 5000, timeoutMsg: "Ctrl+Z did not undo the swap" });
  assert.deepEqual((await clipNow()).timeline, trimmed.timeline);

  // Restart the app: the edits are kept, and undo goes on where it was.
  await restartApp();
  await (await browser.$(`.project-list li[data-project-id="${projectId}"] button`)).click();
  await (await browser.$('[data-testid="tab-variants"]')).click();
  await (await browser.$('[data-testid="variant-play"]')).click();
  const undoButton = await browser.$('[data-testid="editor-undo"]');
  await undoButton.waitForDisplayed({ timeout: 10_000 });
  await browser.waitUntil(async () => /Trim/.test(await undoButton.getText()), { timeout: 5000, timeoutMsg: "the undo after a restart is not offered" });
  assert.equal((await stripIds())[0], lastId);
  await undoButton.click();
  await browser.waitUntil(async () => JSON.stringify((await clipNow()).timeline) === JSON.stringify(moved.timeline), {
    timeout: 5000,
    timeoutMsg: "undo after the restart did not take back the trim",
  });
  await (await browser.$('[data-testid="editor-redo"]')).click();
  await browser.waitUntil(async () => JSON.stringify((await clipNow()).timeline) === JSON.stringify(trimmed.timeline), {
    timeout: 5000,
    timeoutMsg: "redo did not put the trim back",
  });
  // The picture at the playhead is shown at rest.
  await browser.waitUntil(
    async () =>
      browser.execute(() =>
        [...document.querySelectorAll('[data-testid="stage-video"]')].some((v) => v.style.visibility === "visible" && v.readyState >= 2),
      ),
    { timeout: 10_000, timeoutMsg: "no picture is shown in the stage after the restart" },
  );
  await screenshot("editor-after-restart");
});

test("drag the voice-over along the strip and the voice-over and music bars up or down: moved by whole frames, louder or quieter, undone with Ctrl+Z", async () => {
  // The "Talk" variant stays open in the editor (previous test); its recording serves as both.
  const editor = await browser.$('[data-testid="editor"]');
  await editor.waitForDisplayed({ timeout: 5000 });
  const projectId = await browser.execute(() => document.querySelector(".project-list li.selected")?.dataset.projectId);
  const clipNow = async () => (await invoke("clips_list", { projectId })).value[0];
  const talk = (await clipNow()).timeline.items[0].source_id;
  const details = await browser.$('[data-testid="variant-speech"]');
  if (!(await details.getProperty("open"))) await (await browser.$('[data-testid="variant-speech"] summary')).click();
  const voiceSelect = await browser.$('[data-testid="voiceover"]');
  await voiceSelect.scrollIntoView({ block: "center" });
  await voiceSelect.selectByAttribute("value", talk);
  await (await browser.$('[data-testid="music"]')).selectByAttribute("value", talk);
  await browser.waitUntil(async () => {
    const t = (await clipNow()).timeline;
    return t.voiceover?.asset_id === talk && t.music?.asset_id === talk;
  }, { timeout: 10_000, timeoutMsg: "the voice-over and the music were not laid" });
  const voiceBar = await browser.$('[data-testid="voice-bar"]');
  await voiceBar.waitForDisplayed({ timeout: 5000, timeoutMsg: "the voice-over has no bar on the strip" });
  await voiceBar.scrollIntoView({ block: "center" });

  const drag = async (element, dx, dy) => {
    const at = await element.getLocation();
    const x = Math.round(at.x + 30);
    const y = Math.round(at.y + 7);
    await browser
      .action("pointer")
      .move({ x, y })
      .down()
      .move({ x: x + Math.sign(dx) * 8, y: y + Math.sign(dy) * 8, duration: 100 })
      .move({ x: x + dx, y: y + dy, duration: 200 })
      .up()
      .perform();
  };

  // Sideways: the voice-over starts later, on a frame of the output.
  await drag(voiceBar, 40, 0);
  await browser.waitUntil(async () => ((await clipNow()).timeline.voiceover?.offset ?? 0) > 0, { timeout: 5000, timeoutMsg: "the voice-over was not moved" });
  const moved = await clipNow();
  assert.equal(moved.undo, "Voice-over");
  const frames = moved.timeline.voiceover.offset / (1e9 / 30);
  assert.ok(Math.abs(frames - Math.round(frames)) < 1e-3, `moved by whole frames: ${frames}`);
  assert.equal(moved.timeline.voiceover.volume, 1);
  const plan = (await invoke("clip_preview", { clipId: moved.id })).value;
  assert.equal(plan.voiceover.parts[0].at, moved.timeline.voiceover.offset, "the preview plays it from where it was dropped");

  // Up: louder (2 % a pixel); the captions panel shows the same number.
  await drag(await browser.$('[data-testid="voice-bar"]'), 0, -25);
  await browser.waitUntil(async () => ((await clipNow()).timeline.voiceover?.volume ?? 1) > 1.2, { timeout: 5000, timeoutMsg: "the voice-over was not made louder" });
  const louder = (await clipNow()).timeline.voiceover;
  assert.ok(Math.abs(louder.volume - 1.5) < 0.05, `volume ${louder.volume}`);
  assert.equal(louder.offset, moved.timeline.voiceover.offset, "a vertical drag does not move it");
  await browser.waitUntil(async () => (await (await browser.$('[data-testid="voice-label"]')).getText()).includes(`${Math.round(louder.volume * 100)} %`), {
    timeout: 5000,
    timeoutMsg: "the bar does not say its volume",
  });
  assert.equal(Number(await (await browser.$('[data-testid="voiceover-volume"]')).getValue()), Math.round(louder.volume * 100));

  // Down on the music: quieter.
  const musicBefore = (await clipNow()).timeline.music.volume;
  await drag(await browser.$('[data-testid="music-bar"]'), 0, 10);
  await browser.waitUntil(async () => (await clipNow()).timeline.music.volume < musicBefore, { timeout: 5000, timeoutMsg: "the music was not made quieter" });
  const quieter = (await clipNow()).timeline.music.volume;
  assert.ok(Math.abs(quieter - (musicBefore - 0.2)) < 0.05, `music volume ${musicBefore} -> ${quieter}`);
  await screenshot("editor-voice-music");

  // Ctrl+Z takes the music's change back.
  await browser.execute(() => document.querySelector('[data-testid="editor"]').focus());
  await browser.keys(["Control", "z"]);
  await browser.keys(["Control"]);
  await browser.waitUntil(async () => (await clipNow()).timeline.music.volume === musicBefore, { timeout: 5000, timeoutMsg: "Ctrl+Z did not undo the music's volume" });

  // Taken away again, so the tests after this one export the variant as it was.
  await (await browser.$('[data-testid="voiceover"]')).selectByAttribute("value", "");
  await (await browser.$('[data-testid="music"]')).selectByAttribute("value", "");
  await browser.waitUntil(async () => {
    const t = (await clipNow()).timeline;
    return t.voiceover === null && t.music === null;
  }, { timeout: 10_000, timeoutMsg: "the voice-over and the music were not taken away" });
  assert.equal((await browser.$$('[data-testid="voice-bar"]')).length, 0);
});

test("variants triage: duplicate, rename, move between variants with the keyboard, delete", async () => {
  const cards = () => browser.$$('[data-testid="variant"]');
  const names = () => browser.execute(() => [...document.querySelectorAll('[data-testid="variant"] .variant-head strong')].map((e) => e.textContent));
  assert.equal((await cards()).length, 1);
  await (await browser.$('[data-testid="variant-duplicate"]')).click();
  await browser.waitUntil(async () => (await cards()).length === 2, { timeout: 5000, timeoutMsg: "the copy did not appear" });
  assert.deepEqual(await names(), ["Variant 1", "Variant 1 copy"]);

  const second = (await cards())[1];
  await (await second.$('[data-testid="variant-rename"]')).click();
  const input = await browser.$('[data-testid="dialog-input"]');
  await input.waitForDisplayed({ timeout: 5000 });
  await input.clearValue();
  await input.setValue("Short cut");
  await (await browser.$('[data-testid="dialog-ok"]')).click();
  await browser.waitUntil(async () => (await names())[1] === "Short cut", { timeout: 5000, timeoutMsg: "the variant was not renamed" });

  // ↓ from the first card reaches the second; Enter plays it in the editor.
  await browser.execute(() => document.querySelector('[data-testid="variant"]').focus());
  await browser.keys("ArrowDown");
  await browser.keys("Enter");
  await browser.waitUntil(async () => /Short cut/.test(await (await browser.$('[data-testid="editor"] header strong')).getText()), {
    timeout: 5000,
    timeoutMsg: "the keyboard did not open the second variant",
  });
  await screenshot("variants-grid");

  await (await (await cards())[1].$('[data-testid="variant-delete"]')).click();
  await (await browser.$('[data-testid="dialog-ok"]')).click();
  await browser.waitUntil(async () => (await cards()).length === 1, { timeout: 5000, timeoutMsg: "the variant was not deleted" });
  assert.deepEqual(await names(), ["Variant 1"]);
});

test("the caption over the preview at t lies where the export burns it at t", async () => {
  const projectId = await browser.execute(() => document.querySelector(".project-list li.selected")?.dataset.projectId);
  const clip = (await invoke("clips_list", { projectId })).value[0];
  const plan = (await invoke("clip_preview", { clipId: clip.id })).value;
  await (await browser.$('[data-testid="variant-play"]')).click();
  const editor = await browser.$('[data-testid="editor"]');
  await editor.waitForDisplayed({ timeout: 10_000 });
  // The longest caption, at its middle.
  const cue = [...clip.timeline.captions.cues].sort((a, b) => b.text.length - a.text.length)[0];
  const t = Math.round((cue.start + cue.end) / 2);
  const ruler = await browser.$('[data-testid="strip-ruler"]');
  const { width } = await ruler.getSize();
  await ruler.click({ x: Math.round((t / plan.duration_ns - 0.5) * width), y: 0 });
  await browser.waitUntil(
    async () => (await browser.execute(() => document.querySelector('[data-testid="editor"] [data-testid="caption-text"]')?.textContent ?? "")).trim() === cue.text,
    { timeout: 5000, timeoutMsg: `the caption "${cue.text}" is not over the picture` },
  );
  const shownAt = Number(await editor.getAttribute("data-now"));
  // The overlay's text box, as a share of the stage.
  const box = await browser.execute(() => {
    const stage = document.querySelector('[data-testid="stage"]').getBoundingClientRect();
    const text = document.querySelector('[data-testid="editor"] [data-testid="caption-text"]').getBoundingClientRect();
    return { x0: (text.left - stage.left) / stage.width, x1: (text.right - stage.left) / stage.width, y0: (text.top - stage.top) / stage.height, y1: (text.bottom - stage.top) / stage.height };
  });
  await screenshot("editor-caption-overlay");

  // The same timeline exported with and without its captions (the command-line tool on the same
  // library), up to just past t; the caption is where the two frames at t differ.
  const cli = path.join(path.dirname(app), "edit-factory");
  const work = mkdtempSync(path.join(os.tmpdir(), "ef-e2e-overlay-"));
  const keep = plan.items.filter((item) => item.start <= shownAt).length;
  const end = plan.items[keep - 1].end;
  const timeline = { ...clip.timeline, items: clip.timeline.items.slice(0, keep) };
  timeline.captions = { ...timeline.captions, cues: timeline.captions.cues.filter((c) => c.end <= end) };
  const exportOf = (name, captions) => {
    const file = path.join(work, `${name}.json`);
    writeFileSync(file, JSON.stringify({ ...timeline, captions }));
    const out = path.join(work, `${name}.mp4`);
    const run = spawnSync(cli, ["--library", library, "export", "--timeline", file, "--out", out], { encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    return out;
  };
  const withCaption = exportOf("captioned", timeline.captions);
  const without = exportOf("plain", null);
  const frame = (file) => {
    const run = spawnSync("ffmpeg", ["-loglevel", "error", "-ss", String(shownAt / 1e9), "-i", file, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "gray", "-"], { maxBuffer: 1 << 24 });
    assert.equal(run.status, 0, String(run.stderr));
    return run.stdout;
  };
  const [a, b] = [frame(withCaption), frame(without)];
  const [w, h] = [plan.width, plan.height];
  let [x0, y0, x1, y1] = [w, h, 0, 0];
  for (let y = 0; y < h; y += 1)
    for (let x = 0; x < w; x += 1)
      if (Math.abs(a[y * w + x] - b[y * w + x]) > 48) [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
  rmSync(work, { recursive: true, force: true });
  assert.ok(x1 > x0 && y1 > y0, "no caption in the exported frame");
  // Edges compared in stage pixels (the preview's own scale).
  const stageH = 540;
  const stageW = (stageH * w) / h;
  const gaps = {
    left: Math.abs(x0 / w - box.x0) * stageW,
    right: Math.abs(x1 / w - box.x1) * stageW,
    top: Math.abs(y0 / h - box.y0) * stageH,
    bottom: Math.abs(y1 / h - box.y1) * stageH,
  };
  console.log(`caption box, preview against export (stage px): ${JSON.stringify(gaps)}`);
  // Within a few stage pixels on every side. The overlay's box is its text's line cell, the
  // export's is the ink, so the tops differ by the room above the letters (about 5 px here).
  const centre = Math.abs((x0 + x1) / 2 / w - (box.x0 + box.x1) / 2) * stageW;
  console.log(`caption centre apart: ${centre.toFixed(1)} stage px`);
  for (const [edge, gap] of Object.entries(gaps)) assert.ok(gap <= 6, `the caption's ${edge} edges differ by ${gap.toFixed(1)} px: ${JSON.stringify(gaps)}`);
});

test("720p footage plays in the editor from a 540p preview copy; a piece replaced by a marked segment; a range marked with I and O cut", async () => {
  // The "Marks" project holds 720p VP8 and 720p phone footage, and three variants of them.
  const { editor } = await openFirstVariant("Marks");
  const state = () => browser.execute(() => document.querySelector('[data-testid="proxy-state"]')?.textContent ?? "");
  // The copies are asked for when the variant opens, and said to be in the making.
  await browser.waitUntil(async () => /preview cop/.test(await state()), { timeout: 10_000, timeoutMsg: "the preview does not say it uses copies" });
  await browser.waitUntil(async () => /Preview from 540p copies/.test(await state()), {
    timeout: 180_000,
    timeoutMsg: "the preview copies were not made",
  });
  // The picture of a piece of 720p footage now comes from its copy, and plays.
  const projectId = await browser.execute(() => document.querySelector(".project-list li.selected")?.dataset.projectId);
  const clip = (await invoke("clips_list", { projectId })).value[0];
  const plan = (await invoke("clip_preview", { clipId: clip.id })).value;
  assert.equal(plan.unproxied.length, 0);
  const copied = plan.items.find((i) => plan.proxied.includes(i.source_id));
  assert.ok(copied, `a piece of 720p footage: ${JSON.stringify(plan.proxied)}`);
  await (await browser.$(`[data-testid="strip-item"][data-item-id="${copied.item_id}"]`)).click();
  const videos = () =>
    browser.execute(() => [...document.querySelectorAll('[data-testid="editor"] video')].map((v) => ({ src: v.src.replace(/^.*\/sources\//, ""), ready: v.readyState, error: v.error?.code ?? null })));
  await browser
    .waitUntil(async () => (await videos()).some((v) => v.src.endsWith("/proxy") && v.ready >= 2), { timeout: 20_000 })
    .catch(async () => {
      await screenshot("editor-proxy-failed");
      assert.fail(`no video plays a preview copy: ${JSON.stringify(await videos())}`);
    });
  await (await browser.$('[data-testid="editor-play"]')).click();
  const start = Number(await editor.getAttribute("data-now"));
  await browser.waitUntil(async () => Number(await editor.getAttribute("data-now")) > start + 1e9, { timeout: 10_000, timeoutMsg: "the playhead does not move" });
  await screenshot("editor-proxy");
  await (await browser.$('[data-testid="editor-play"]')).click();
  await browser.waitUntil(async () => (await editor.getAttribute("data-playing")) === "false", { timeout: 5000, timeoutMsg: "the preview did not pause" });

  // Click a piece of a file neither video holds: opening it takes the webview most of a second,
  // and meanwhile the piece's filmstrip tile stands in for the picture; then the video shows.
  const { piece: elsewhere, held } = await harness.pieceOfUnopenedFile(browser, plan);
  assert.ok(elsewhere, `a piece of a file not loaded (videos hold ${JSON.stringify(held)})`);
  await browser.execute(() => {
    const stage = document.querySelector('[data-testid="stage"]');
    const canvas = document.querySelector('[data-testid="scrub-frame"]');
    const seen = { tiles: [], stoodIn: false, restored: false };
    window.__standIn = seen;
    new MutationObserver(() => {
      if (canvas.dataset.tile) seen.tiles.push(canvas.dataset.tile);
      if (stage.classList.contains("scrubbing")) seen.stoodIn = true;
      else if (seen.stoodIn) seen.restored = true;
    }).observe(stage, { attributes: true, subtree: true, attributeFilter: ["class", "data-tile", "hidden"] });
  });
  await (await browser.$(`[data-testid="strip-item"][data-item-id="${elsewhere.item_id}"]`)).click();
  await browser
    .waitUntil(async () => (await browser.execute(() => window.__standIn)).restored, { timeout: 10_000 })
    .catch(async () => assert.fail(`the stand-in did not come and go: ${JSON.stringify(await browser.execute(() => window.__standIn))}`));
  const standIn = await browser.execute(() => window.__standIn);
  assert.ok(
    standIn.tiles.some((tile) => tile.startsWith(`${elsewhere.source_id}:`)),
    `the clicked piece's filmstrip tile was drawn while its file opened: ${JSON.stringify(standIn)}`,
  );
  const shownNow = await browser.execute(() =>
    [...document.querySelectorAll('[data-testid="stage-video"]')].filter((v) => v.style.visibility === "visible" && getComputedStyle(v).display !== "none").map((v) => ({ src: v.dataset.src, ready: v.readyState })),
  );
  assert.ok(
    shownNow.length === 1 && shownNow[0].src.includes(`/sources/${encodeURIComponent(elsewhere.source_id)}/`) && shownNow[0].ready >= 2,
    `the clicked piece's video shows once open: ${JSON.stringify(shownNow)}`,
  );
  // The 720p piece is the one edited next.
  await (await browser.$(`[data-testid="strip-item"][data-item-id="${copied.item_id}"]`)).click();

  // Put the segment marked earlier (in the segment library) in the selected piece's place.
  const segment = (await invoke("segments_list", { filter: { profile_id: null, source_id: null, keyword: null, favorite_only: false, min_duration_s: null, max_duration_s: null } })).value?.[0];
  assert.ok(segment, "a marked segment");
  await (await browser.$('[data-testid="editor-replace"]')).selectByAttribute("value", segment.id);
  await browser.waitUntil(
    async () => {
      const item = (await invoke("clips_list", { projectId })).value[0].timeline.items.find((i) => i.id === copied.item_id);
      return item?.source_id === segment.source_id && Math.abs(item.in - segment.start_s * 1e9) < 1e6 && Math.abs(item.out - segment.end_s * 1e9) < 1e6;
    },
    { timeout: 10_000, timeoutMsg: "the piece was not replaced by the segment" },
  );

  // Mark a range with I and O (2 s from the start to 5 s later) and take it out with Delete.
  const before = (await invoke("clip_preview", { clipId: clip.id })).value.duration_ns;
  await browser.execute(() => document.querySelector('[data-testid="editor"]').focus());
  await browser.keys("Home");
  for (let i = 0; i < 60; i += 1) await browser.keys("ArrowRight");
  await browser.keys("i");
  await browser.keys(["Shift", "ArrowRight"]);
  await browser.keys(["Shift"]);
  await browser.keys("o");
  await (await browser.$('[data-testid="strip-range"]')).waitForDisplayed({ timeout: 5000 });
  await screenshot("editor-range");
  await browser.keys("Delete");
  await browser.waitUntil(async () => /Cut range/.test(await (await browser.$('[data-testid="editor-undo"]')).getText()), {
    timeout: 10_000,
    timeoutMsg: "the range was not cut",
  });
  const after = (await invoke("clip_preview", { clipId: clip.id })).value.duration_ns;
  assert.ok(Math.abs(before - after - 5e9) < 0.1e9, `5 s taken out: ${before} → ${after}`);
  assert.equal((await browser.$$('[data-testid="strip-range"]')).length, 0, "the range is forgotten once cut");
});

test("playing through several pieces of one file, each piece's picture moves on its own, not only by the clock's seeks", async () => {
  // The Talk variant: every piece comes from its one recording, so the two videos take turns on
  // the same file (where WebKitGTK stalled a video restarted at its switch). Its start is cut
  // into pieces of 0.7 s with the keyboard, so that playing crosses three switches at once.
  const { projectId: talk, editor } = await openFirstVariant("Talk");
  await browser.execute(() => document.querySelector('[data-testid="editor"]').focus());
  await browser.keys("Home");
  for (let cut = 0; cut < 3; cut += 1) {
    for (let i = 0; i < 21; i += 1) await browser.keys("ArrowRight");
    await browser.keys("s");
    await browser.pause(300);
  }
  const clip = (await invoke("clips_list", { projectId: talk })).value[0];
  const plan = (await invoke("clip_preview", { clipId: clip.id })).value;
  assert.ok(new Set(plan.items.map((i) => i.source_id)).size === 1, "the pieces share one file");
  assert.ok(plan.items.length >= 5 && plan.items[3].end <= 10e9, `short pieces at the start: ${JSON.stringify(plan.items.map((i) => [i.start, i.end]))}`);

  // Every frame each video presents, and whether a seek came before it since its last frame.
  await browser.execute(() => {
    const frames = [];
    window.__frames = frames;
    document.querySelectorAll('[data-testid="stage-video"]').forEach((video, v) => {
      let seeked = false;
      video.addEventListener("seeking", () => (seeked = true));
      const onFrame = (_now, meta) => {
        if (video.style.visibility === "visible") frames.push({ v, at: Math.round(performance.now()), media: meta.mediaTime, seeked });
        seeked = false;
        video.requestVideoFrameCallback(onFrame);
      };
      video.requestVideoFrameCallback(onFrame);
    });
    performance.clearMarks("preview-switch");
  });
  await browser.keys("Home");
  await (await browser.$('[data-testid="editor-play"]')).click();
  await browser.waitUntil(async () => Number(await editor.getAttribute("data-now")) > plan.items[3].end - 0.1e9, {
    timeout: plan.items[3].end / 1e6 + 20_000,
    timeoutMsg: "the playhead did not reach the fourth piece's end",
  });
  await (await browser.$('[data-testid="editor-play"]')).click();
  await browser.waitUntil(async () => (await editor.getAttribute("data-playing")) === "false", { timeout: 5000, timeoutMsg: "the preview did not pause" });
  const { frames, switches } = await browser.execute(() => ({
    frames: window.__frames,
    switches: performance.getEntriesByName("preview-switch").map((e) => e.startTime),
  }));
  assert.ok(switches.length >= 3, `three switches while playing: ${switches.length}`);
  // A frame "moves on its own" when the same video shows a later time with no seek since its last
  // frame. The third and fourth pieces each show such frames; when the preview froze there, every
  // change of picture came from the clock's seeks.
  for (const [piece, from, to] of [
    [3, switches[1], switches[2]],
    [4, switches[2], switches[3] ?? Infinity],
  ]) {
    const inPiece = frames.filter((f) => f.at > from && f.at < to);
    const moving = inPiece.filter((f, i) => i > 0 && f.v === inPiece[i - 1].v && !f.seeked && f.media > inPiece[i - 1].media);
    console.log(`piece ${piece}: ${moving.length} of ${inPiece.length} frames move on their own`);
    assert.ok(moving.length >= 3, `piece ${piece} moves on its own: ${moving.length} of ${inPiece.length} frames (${JSON.stringify(inPiece)})`);
  }
  await screenshot("editor-playing-pieces");
});

test("with a voice-over, the voice is the preview's clock: slowed to half speed, it takes the playhead with it", async () => {
  // The Talk variant is still open (previous test); its own recording is laid as the voice-over.
  const editor = await browser.$('[data-testid="editor"]');
  await editor.waitForDisplayed({ timeout: 5000 });
  const projectId = await browser.execute(() => document.querySelector(".project-list li.selected")?.dataset.projectId);
  const clipNow = async () => (await invoke("clips_list", { projectId })).value[0];
  const clip = await clipNow();
  const plan = (await invoke("clip_preview", { clipId: clip.id })).value;
  assert.ok(plan.duration_ns >= 6e9, `long enough to play for 5 s: ${plan.duration_ns}`);
  const talk = clip.timeline.items[0].source_id;
  const details = await browser.$('[data-testid="variant-speech"]');
  if (!(await details.getProperty("open"))) await (await browser.$('[data-testid="variant-speech"] summary')).click();
  const voiceSelect = await browser.$('[data-testid="voiceover"]');
  await voiceSelect.scrollIntoView({ block: "center" });
  await voiceSelect.selectByAttribute("value", talk);
  await browser.waitUntil(async () => (await clipNow()).timeline.voiceover?.asset_id === talk, { timeout: 10_000, timeoutMsg: "the voice-over was not laid" });

  await browser.execute(() => document.querySelector('[data-testid="editor"]').focus());
  await browser.keys("Home");
  await (await browser.$('[data-testid="editor-play"]')).click();
  await browser.waitUntil(async () => (await editor.getAttribute("data-clock")) === "voice", {
    timeout: 5000,
    timeoutMsg: "the voice-over did not become the clock",
  });
  // The playhead's speed against the wall over `ms`.
  const speedOver = async (ms) => {
    const sample = () => browser.execute(() => ({ at: performance.now(), now: Number(document.querySelector('[data-testid="editor"]').dataset.now) }));
    const a = await sample();
    await browser.pause(ms);
    const b = await sample();
    return (b.now - a.now) / 1e6 / (b.at - a.at);
  };
  const atVoiceSpeed = await speedOver(1500);
  // As a voice that falls behind would: the picture follows the voice, not the wall.
  await browser.execute(() => {
    document.querySelector('[data-testid="voiceover-audio"]').playbackRate = 0.5;
  });
  await browser.pause(800);
  const slowed = await speedOver(2000);
  const clockThen = await editor.getAttribute("data-clock");
  await (await browser.$('[data-testid="editor-play"]')).click();
  await browser.waitUntil(async () => (await editor.getAttribute("data-playing")) === "false", { timeout: 5000, timeoutMsg: "the preview did not pause" });
  await browser.execute(() => {
    document.querySelector('[data-testid="voiceover-audio"]').playbackRate = 1;
  });
  await (await browser.$('[data-testid="voiceover"]')).selectByAttribute("value", "");
  await browser.waitUntil(async () => (await clipNow()).timeline.voiceover === null, { timeout: 10_000, timeoutMsg: "the voice-over was not taken away" });
  console.log(`playhead speed: ${atVoiceSpeed.toFixed(2)} with the voice at its speed, ${slowed.toFixed(2)} with it at half (clock: ${clockThen})`);
  assert.ok(atVoiceSpeed > 0.8 && atVoiceSpeed < 1.2, `at the voice's own speed the playhead keeps time: ${atVoiceSpeed}`);
  assert.ok(slowed > 0.3 && slowed < 0.75, `the playhead follows the slowed voice: ${slowed}`);
});

test("J plays backward over filmstrip tiles and K stops it where the picture then comes up", async () => {
  // The Talk variant is still open (previous tests).
  const editor = await browser.$('[data-testid="editor"]');
  await editor.waitForDisplayed({ timeout: 5000 });
  await browser.execute(() => document.querySelector('[data-testid="editor"]').focus());
  await browser.keys("End");
  const look = () =>
    browser.execute(() => ({
      at: performance.now(),
      now: Number(document.querySelector('[data-testid="editor"]').dataset.now),
      tile: !document.querySelector('[data-testid="scrub-frame"]').hidden,
    }));
  const end = await look();
  await browser.keys("j");
  await browser.pause(300);
  const a = await look();
  await browser.pause(1500);
  const b = await look();
  await screenshot("editor-backward");
  await browser.keys("k");
  const speed = (a.now - b.now) / 1e6 / (b.at - a.at);
  console.log(`backward: ${speed.toFixed(2)}x the wall, from ${(end.now / 1e9).toFixed(2)} s to ${(b.now / 1e9).toFixed(2)} s`);
  assert.ok(b.now < a.now && a.now < end.now, `the playhead ran backward: ${JSON.stringify([end, a, b])}`);
  assert.ok(speed > 0.6 && speed < 1.4, `at about normal speed: ${speed}`);
  assert.ok(a.tile && b.tile, "the filmstrip tile stood in for the picture while running backward");
  await browser.waitUntil(async () => !(await look()).tile, { timeout: 5000, timeoutMsg: "the picture did not come up after K" });
  const stopped = await look();
  await browser.pause(500);
  assert.equal((await look()).now, stopped.now, "the playhead stays where K stopped it");
  assert.equal(await editor.getAttribute("data-playing"), "false");
});

test("L again plays twice as fast, picture and all; J again runs backward twice as fast; K stops and the next L is normal speed", async () => {
  // The Talk variant is still open (previous tests).
  const editor = await browser.$('[data-testid="editor"]');
  await editor.waitForDisplayed({ timeout: 5000 });
  await browser.execute(() => document.querySelector('[data-testid="editor"]').focus());
  const look = () =>
    browser.execute(() => {
      const shown = [...document.querySelectorAll('[data-testid="stage-video"]')].find((v) => v.style.visibility === "visible");
      return {
        at: performance.now(),
        now: Number(document.querySelector('[data-testid="editor"]').dataset.now),
        speed: Number(document.querySelector('[data-testid="editor"]').dataset.speed),
        badge: document.querySelector('[data-testid="editor-speed"]')?.textContent ?? "",
        picture: shown ? shown.currentTime : null,
        src: shown?.dataset.src ?? null,
      };
    });
  // The playhead's speed against the wall: the least-squares slope of its samples (one sample
  // may hold a time a frame old).
  const rate = (xs) => {
    const n = xs.length;
    const mx = xs.reduce((m, x) => m + x.at, 0) / n;
    const my = xs.reduce((m, x) => m + x.now, 0) / n;
    const sxy = xs.reduce((m, x) => m + (x.at - mx) * (x.now - my), 0);
    const sxx = xs.reduce((m, x) => m + (x.at - mx) ** 2, 0);
    return sxy / sxx / 1e6;
  };
  // The shown picture's own time, sampled every frame for `ms`.
  const samples = (ms) =>
    browser.executeAsync((ms, done) => {
      const out = [];
      const start = performance.now();
      const tick = () => {
        const shown = [...document.querySelectorAll('[data-testid="stage-video"]')].find((v) => v.style.visibility === "visible");
        out.push({ at: performance.now(), now: Number(document.querySelector('[data-testid="editor"]').dataset.now), picture: shown?.currentTime ?? null });
        if (performance.now() - start < ms) requestAnimationFrame(tick);
        else done(out);
      };
      requestAnimationFrame(tick);
    }, ms);
  const projectId = await browser.execute(() => document.querySelector(".project-list li.selected")?.dataset.projectId);
  const clip = (await invoke("clips_list", { projectId })).value[0];
  const plan = (await invoke("clip_preview", { clipId: clip.id })).value;
  const pieceAt = (t) => plan.items.findIndex((item) => t < item.end);
  await browser.keys("Home");
  await browser.keys("l");
  await browser.waitUntil(async () => (await editor.getAttribute("data-playing")) === "true", { timeout: 5000, timeoutMsg: "L did not play" });
  const normal = await look();
  await browser.pause(500);
  await browser.keys("l");
  // A change of rate restarts the webview's media; the picture is measured once it runs again.
  await browser.pause(600);
  const fast = await samples(1200);
  const b = await look();
  await screenshot("editor-shuttle-2x");
  // How fast the picture itself moves, between frames shown within one piece (a switch jumps it):
  // the median of those steps, so a picture only dragged along by the clock's seeks reads ~0.
  const steps = fast
    .slice(1)
    .map((s, i) => [fast[i], s])
    .filter(([p, q]) => p.picture !== null && q.picture !== null && q.at > p.at && pieceAt(p.now) === pieceAt(q.now))
    .map(([p, q]) => ((q.picture - p.picture) * 1000) / (q.at - p.at))
    .sort((x, y) => x - y);
  const movingSteps = steps.filter((x) => x > 0.1);
  const pictureRate = movingSteps.length ? movingSteps[Math.floor(movingSteps.length / 2)] : null;
  await browser.keys("k");
  await browser.waitUntil(async () => (await editor.getAttribute("data-playing")) === "false", { timeout: 5000, timeoutMsg: "K did not stop" });
  const stopped = await look();

  await browser.keys("l");
  await browser.waitUntil(async () => (await editor.getAttribute("data-playing")) === "true", { timeout: 5000, timeoutMsg: "L did not play again" });
  const again = await look();
  await browser.keys("k");

  await browser.keys("End");
  await browser.keys("j");
  await browser.pause(200);
  await browser.keys("j");
  await browser.pause(200);
  const back = await samples(800);
  const d = await look();
  await browser.keys("k");
  await browser.waitUntil(async () => Number(await editor.getAttribute("data-speed")) === 0, { timeout: 5000, timeoutMsg: "K did not stop the backward run" });

  console.log(
    `shuttle: playhead ${rate(fast).toFixed(2)}x the wall after L L (the picture ${pictureRate?.toFixed(2)}x in its moving steps, ${movingSteps.length} of ${steps.length} steps within a piece moved), ` +
      `${rate(back).toFixed(2)}x after J J; badges "${b.badge}", "${d.badge}"`,
  );
  assert.equal(normal.speed, 1, "the first L plays at normal speed");
  assert.equal(normal.badge, "", "no speed is shown at normal speed");
  assert.equal(b.speed, 2);
  assert.match(b.badge, /▶\s*2×/);
  assert.ok(rate(fast) > 1.7 && rate(fast) < 2.3, `the playhead runs at twice the wall: ${rate(fast)}`);
  assert.ok(movingSteps.length >= steps.length / 4, `the picture moves on its own at 2x: ${movingSteps.length} of ${steps.length}`);
  assert.ok(pictureRate > 1.4 && pictureRate < 3, `the picture runs twice as fast too: ${pictureRate}`);
  assert.equal(stopped.speed, 0, "K stops the shuttle");
  assert.equal(again.speed, 1, "the next L plays at normal speed again");
  assert.equal(d.speed, -2);
  assert.match(d.badge, /◀\s*2×/);
  assert.ok(rate(back) < -1.6 && rate(back) > -2.4, `J J runs backward at twice the wall: ${rate(back)}`);
});

test("while playing, the caption over the picture is always the cue at the clock, also where the window hears the time only a few times a second", async () => {
  // The Talk variant is still open (previous tests), captioned two words a cue.
  const editor = await browser.$('[data-testid="editor"]');
  await editor.waitForDisplayed({ timeout: 5000 });
  const projectId = await browser.execute(() => document.querySelector(".project-list li.selected")?.dataset.projectId);
  const cues = (await invoke("clips_list", { projectId })).value[0].timeline.captions.cues;
  assert.ok(cues.length >= 3, `captioned: ${cues.length} cues`);
  await browser.execute(() => document.querySelector('[data-testid="editor"]').focus());
  await browser.keys("Home");
  await browser.keys("l");
  await browser.waitUntil(async () => (await editor.getAttribute("data-playing")) === "true", { timeout: 5000, timeoutMsg: "L did not play" });
  // Every display frame for 4 s: the clock and the caption shown.
  const seen = await browser.executeAsync((done) => {
    const out = [];
    const start = performance.now();
    const tick = () => {
      const editor = document.querySelector('[data-testid="editor"]');
      out.push({
        now: Number(editor.dataset.now),
        updates: editor.dataset.windowUpdates,
        caption: (editor.querySelector('[data-testid="caption-text"]')?.textContent ?? "").trim(),
      });
      if (performance.now() - start < 4000) requestAnimationFrame(tick);
      else done(out);
    };
    requestAnimationFrame(tick);
  });
  await browser.keys("k");
  const wrong = seen.filter((s) => (cues.find((c) => s.now >= c.start && s.now < c.end)?.text ?? "") !== s.caption);
  const shownCues = new Set(seen.map((s) => s.caption).filter(Boolean));
  console.log(`captions while playing: ${seen.length} frames, ${shownCues.size} cues shown, ${wrong.length} off; window updates: ${seen[seen.length - 1].updates}`);
  assert.ok(shownCues.size >= 3, `several cues came and went: ${[...shownCues]}`);
  assert.deepEqual(wrong, [], "each frame shows the cue at the clock");
});
