// Starting and driving the real app for window tests and window benchmarks: tauri-driver with
// WebKitWebDriver, a session per app start, and calls into the app the way its UI makes them.
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { remote } from "webdriverio";

const here = path.dirname(fileURLToPath(import.meta.url));

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

/** Start tauri-driver with `env` for the app it launches; returns { driver, port }.
 *
 * The driver leads a process group of its own, which the native driver, the app and the webview's
 * processes join: `stopDriver` ends them all. Their output is piped through this process rather
 * than inherited, so a process that outlives its driver cannot hold the test runner's output open:
 * the runner waits for that output to end. (A CI run stopped at its time limit just after the last
 * window test passed; a process left holding the output is the one way seen to cause that.) */
export async function startDriver(env) {
  const port = 4444 + Math.floor(Math.random() * 1000);
  const driver = spawn(
    path.resolve(here, "../node_modules/.bin/tauri-driver"),
    ["--port", String(port), "--native-port", String(port + 1), "--native-driver", "/usr/bin/WebKitWebDriver"],
    { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  driver.stdout.pipe(process.stderr, { end: false });
  driver.stderr.pipe(process.stderr, { end: false });
  await waitForPort(port, 30_000);
  return { driver, port };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether any process of `driver`'s group is still running. */
function groupAlive(driver) {
  try {
    process.kill(-driver.pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Close `browser`'s session (the app) and end the driver's whole process group. Bounded: a
 * session that does not close within 15 s, or processes that ignore SIGTERM for 5 s, are killed. */
export async function stopDriver(driver, browser) {
  const started = Date.now();
  if (browser) {
    const closed = browser.deleteSession().then(
      () => "closed",
      (error) => `failed: ${error}`,
    );
    const outcome = await Promise.race([closed, sleep(15_000).then(() => "did not answer within 15 s")]);
    if (outcome !== "closed") console.error(`closing the app's session ${outcome}; killing its processes`);
  }
  if (!driver) return;
  for (const [signal, graceMs] of [
    ["SIGTERM", 5000],
    ["SIGKILL", 2000],
  ]) {
    if (!groupAlive(driver)) break;
    try {
      process.kill(-driver.pid, signal);
    } catch {
      break;
    }
    for (let waited = 0; waited < graceMs && groupAlive(driver); waited += 100) await sleep(100);
  }
  driver.stdout.destroy();
  driver.stderr.destroy();
  console.error(`app and driver ended in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Start the app (a new session) and wait until its window has loaded. */
export async function openApp(port, app) {
  const options = {
    hostname: "127.0.0.1",
    port,
    logLevel: "warn",
    capabilities: {
      browserName: "wry",
      "wdio:enforceWebDriverClassic": true,
      "tauri:options": { application: app },
    },
  };
  // tauri-driver listens before the native driver behind it takes requests: a session asked for in
  // that moment fails to connect (seen once in a run of twelve), so the first asks again.
  let browser;
  for (let attempt = 1; ; attempt += 1) {
    try {
      browser = await remote(options);
      break;
    } catch (error) {
      if (attempt >= 3 || !/Failed to fetch|ECONNREFUSED/.test(String(error))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
  await browser.waitUntil(async () => (await browser.execute(() => document.body.dataset.ready)) === "true", {
    timeout: 30_000,
    timeoutMsg: "the app did not finish loading",
  });
  return browser;
}

/** Call a command the way the UI does; returns { value } or { failure }. */
export function invoke(browser, command, args) {
  return browser.executeAsync(
    (command, args, done) => {
      window.__TAURI_INTERNALS__.invoke(command, args).then(
        (value) => done({ value }),
        (e) => done({ failure: JSON.stringify(e) }),
      );
    },
    command,
    args,
  );
}

export async function screenshot(browser, dir, name) {
  mkdirSync(dir, { recursive: true });
  // Let the window paint what the test just checked (a capture can otherwise show an older frame).
  await browser.executeAsync((done) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 150))));
  const file = path.join(dir, `${name}.png`);
  writeFileSync(file, Buffer.from(await browser.takeScreenshot(), "base64"));
  return file;
}

/** A piece of preview `plan` (after the first `skip` pieces) whose file neither of the editor's
 * videos holds: seeking onto it makes the webview open a file. */
export async function pieceOfUnopenedFile(browser, plan, skip = 0) {
  const held = await browser.execute(() => [...document.querySelectorAll('[data-testid="stage-video"]')].map((v) => v.dataset.src ?? ""));
  const piece = plan.items.find((item, n) => n >= skip && item.rect && !held.some((src) => src.includes(`/sources/${encodeURIComponent(item.source_id)}/`)));
  return { piece, held };
}
