// Real-window test: the built desktop app under Xvfb, driven through tauri-driver and
// WebKitWebDriver. Creates a project, imports real footage through the UI's import path, sees
// the thumbnails, plays a source, renames and deletes the project. Screenshots go to
// $EDIT_FACTORY_ARTIFACTS (default: ../artifacts/e2e).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { remote } from "webdriverio";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const media = process.env.EDIT_FACTORY_TEST_MEDIA ?? path.resolve(repo, "../shared/media");
const app = process.env.EDIT_FACTORY_APP_BINARY;
const artifacts = process.env.EDIT_FACTORY_ARTIFACTS ?? path.resolve(repo, "artifacts/e2e");
const driverPort = 4444 + Math.floor(Math.random() * 1000);

let driver;
let browser;
let library;

function waitForPort(port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.end();
        resolve();
      });
      socket.once("error", () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`tauri-driver did not listen on ${port}`));
        else setTimeout(attempt, 200);
      });
    };
    attempt();
  });
}

async function screenshot(name) {
  mkdirSync(artifacts, { recursive: true });
  const file = path.join(artifacts, `${name}.png`);
  writeFileSync(file, Buffer.from(await browser.takeScreenshot(), "base64"));
  return file;
}

before(async () => {
  assert.ok(app, "EDIT_FACTORY_APP_BINARY must name the built app (make test sets it)");
  library = mkdtempSync(path.join(os.tmpdir(), "ef-e2e-library-"));
  driver = spawn(
    path.resolve(here, "../node_modules/.bin/tauri-driver"),
    ["--port", String(driverPort), "--native-port", String(driverPort + 1), "--native-driver", "/usr/bin/WebKitWebDriver"],
    { env: { ...process.env, EDIT_FACTORY_LIBRARY: library }, stdio: ["ignore", "inherit", "inherit"] },
  );
  await waitForPort(driverPort, 30_000);
  browser = await remote({
    hostname: "127.0.0.1",
    port: driverPort,
    logLevel: "warn",
    capabilities: {
      browserName: "wry",
      "wdio:enforceWebDriverClassic": true,
      "tauri:options": { application: app },
    },
  });
  await browser.waitUntil(async () => (await browser.execute(() => document.body.dataset.ready)) === "true", {
    timeout: 30_000,
    timeoutMsg: "the app did not finish loading",
  });
});

after(async () => {
  if (browser) await browser.deleteSession().catch(() => {});
  if (driver) driver.kill();
  if (library) rmSync(library, { recursive: true, force: true });
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
  // The same function the file dialog and drag-and-drop call.
  const summary = await browser.executeAsync((paths, done) => {
    window.editFactory
      .importPaths(paths)
      .then((report) => done({ imported: report.imported.length, failed: report.failed.length }))
      .catch((e) => done({ failure: String(e) }));
  }, files);
  assert.deepEqual(summary, { imported: 2, failed: 1 });

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
