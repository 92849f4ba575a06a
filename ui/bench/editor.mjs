// Editor speed in the real window (issue 11), reported, never asserted:
//   1. time from an edit (split, undo, swap, trim) to the first frame of the changed preview;
//   2. frames shown around each item switch while playing (gaps = a frozen or black picture);
//   3. the picture's drift from the timeline clock over a whole playback, and again with a
//      voice-over as the clock;
//   4. frame times while scrubbing a 30-piece variant;
//   5. a click onto a piece of a file not open yet: time to the filmstrip tile and to the picture;
// and, as the earlier version's way to see an edit, the time to render the variant (draft).
// Run: scripts/bench-editor.sh (builds the app, runs this under Xvfb, prints a JSON report).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as harness from "../e2e/harness.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const media = process.env.EDIT_FACTORY_TEST_MEDIA ?? path.resolve(repo, "../shared/media");
const app = process.env.EDIT_FACTORY_APP_BINARY;
const artifacts = process.env.EDIT_FACTORY_ARTIFACTS ?? path.resolve(repo, "artifacts/bench");
assert.ok(app, "EDIT_FACTORY_APP_BINARY must name the built app");

const library = mkdtempSync(path.join(os.tmpdir(), "ef-bench-library-"));
const { driver, port } = await harness.startDriver({ EDIT_FACTORY_LIBRARY: library });
let browser;
const report = {};
try {
  browser = await harness.openApp(port, app);
  const call = async (command, args) => {
    const r = await harness.invoke(browser, command, args);
    if (r.failure) throw new Error(`${command}: ${r.failure}`);
    return r.value;
  };
  const $ = (s) => browser.$(s);
  const $$ = (s) => browser.$$(s);

  // A project of real footage, analysed, with one long variant cut into 30 pieces.
  await (await $('[data-testid="project-new"]')).click();
  await (await $('[data-testid="dialog-input"]')).setValue("Bench");
  await (await $('[data-testid="dialog-ok"]')).click();
  await browser.waitUntil(async () => (await (await $('[data-testid="project-title"]')).getText()) === "Bench", { timeout: 10_000 });
  const projectId = await browser.execute(() => document.querySelector(".project-list li.selected")?.dataset.projectId);
  const files = [
    "video/moviepy_bbb_0_30_vp8_vorbis_music.webm",
    "video/autoeditor_example_h264_aac_speech_silence.mp4",
    "video/moviepy_chaplin_h264_mp3.mp4",
    "video/libopenshot_run_h264_noaudio.mp4",
  ].map((f) => path.join(media, f));
  await call("import_start", { projectId, paths: files });
  await browser.waitUntil(
    async () => (await call("jobs_list", {})).filter((j) => j.kind === "analyze" && j.status === "succeeded").length === files.length,
    { timeout: 300_000, interval: 500, timeoutMsg: "the analyses did not finish" },
  );
  await (await $('[data-testid="tab-variants"]')).click();
  const generate = await $('[data-testid="variants-generate"]');
  await browser.waitUntil(async () => await generate.isEnabled(), { timeout: 300_000, timeoutMsg: "the analyses did not finish" });
  const count = await $('.variant-controls input[type="number"]');
  await count.clearValue();
  await count.setValue("1");
  const seconds = (await $$('.variant-controls input[type="number"]'))[1];
  await seconds.clearValue();
  await seconds.setValue("60");
  await browser.keys("Tab");
  await generate.click();
  await browser.waitUntil(async () => (await browser.$$('[data-testid="variant"]')).length === 1, { timeout: 60_000 }).catch(async (e) => {
    await harness.screenshot(browser, artifacts, "bench-editor-no-variant");
    throw e;
  });
  let clip = (await call("clips_list", { projectId }))[0];
  while (clip.timeline.items.length < 30) {
    const plan = await call("clip_preview", { clipId: clip.id });
    const longest = plan.items.reduce((a, b) => (b.end - b.start > a.end - a.start ? b : a));
    clip = await call("clip_edit", { clipId: clip.id, edit: { op: "split", at: Math.round((longest.start + longest.end) / 2) } });
  }
  await browser.execute(() => location.reload());
  await browser.waitUntil(async () => (await browser.execute(() => document.body.dataset.ready)) === "true", { timeout: 30_000 });
  await (await $(`.project-list li[data-project-id="${projectId}"] button`)).click();
  await (await $('[data-testid="tab-variants"]')).click();
  await (await $('[data-testid="variant-play"]')).click();
  const editor = await $('[data-testid="editor"]');
  await editor.waitForDisplayed({ timeout: 10_000 });
  // Large footage plays from 540p copies, made as jobs when the editor opens: measured after.
  const copiesFrom = Date.now();
  await browser.waitUntil(
    async () => (await call("clip_preview", { clipId: clip.id })).unproxied.length === 0,
    { timeout: 600_000, interval: 500, timeoutMsg: "the preview copies were not made" },
  );
  await browser.waitUntil(async () => /Preview from 540p copies|^$/.test(await browser.execute(() => document.querySelector('[data-testid="proxy-state"]')?.textContent ?? "")), { timeout: 30_000 });
  const plan = await call("clip_preview", { clipId: clip.id });
  report.variant = { pieces: plan.items.length, duration_s: plan.duration_ns / 1e9 };
  report.preview_copies = { sources: plan.proxied.length, made_in_s: (Date.now() - copiesFrom) / 1000 };

  // 1. Edit to first frame: split at a playhead, undo it, swap a piece, undo that.
  const ruler = await $('[data-testid="strip-ruler"]');
  const { width } = await ruler.getSize();
  await browser.execute(() => performance.clearMarks());
  for (const fraction of [0.13, 0.37, 0.61, 0.84]) {
    // The middle of the piece there: a split within 0.1 s of a piece's end is refused.
    const piece = plan.items.find((item) => fraction * plan.duration_ns < item.end) ?? plan.items[plan.items.length - 1];
    await ruler.click({ x: Math.round(((piece.start + piece.end) / 2 / plan.duration_ns - 0.5) * width), y: 0 });
    await browser.pause(300);
    await browser.execute(() => document.querySelector('[data-testid="editor"]').focus());
    await browser.keys("s");
    await browser.pause(700);
    await browser.keys(["Control", "z"]);
    await browser.keys(["Control"]);
    await browser.pause(700);
    await (await $('[data-testid="editor-swap"]')).click();
    await browser.pause(900);
    await (await $('[data-testid="editor-undo"]')).click();
    await browser.pause(900);
  }
  const latencies = await browser.execute(() => {
    const starts = performance.getEntriesByName("edit-start").map((e) => e.startTime);
    const refused = performance.getEntriesByName("edit-refused").map((e) => e.startTime);
    const shown = performance.getEntriesByName("preview-updated").map((e) => e.startTime);
    return starts.map((s, i) => {
      const before = starts[i + 1] ?? Infinity;
      if (refused.some((t) => t >= s && t < before)) return "refused";
      const next = shown.find((t) => t >= s);
      return next === undefined ? null : next - s;
    });
  });
  const measured = latencies.filter((l) => typeof l === "number").sort((a, b) => a - b);
  report.edit_to_frame_ms = {
    edits: latencies.length,
    refused: latencies.filter((l) => l === "refused").length,
    shown: measured.length,
    median: measured[Math.floor(measured.length / 2)],
    max: measured[measured.length - 1],
    each: latencies.map((l) => (typeof l === "number" ? Math.round(l) : l)),
  };

  // 2 and 3. Play the whole variant, from the start, until at least 60 s have played (the drift
  // goal is over 60 s): frames around each switch, drift of the picture from the clock.
  const playedAt = new Date().toISOString();
  const plays = [];
  while (plays.length * plan.duration_ns < 60e9) {
    await browser.keys("Home");
    await browser.execute(() => performance.clearMarks());
    await (await $('[data-testid="editor-play"]')).click();
    await browser.waitUntil(async () => (await editor.getAttribute("data-playing")) === "true", { timeout: 10_000, timeoutMsg: "playback did not start" });
    await browser.waitUntil(async () => (await editor.getAttribute("data-playing")) === "false", {
      timeout: plan.duration_ns / 1e6 + 30_000,
      timeoutMsg: "playback did not reach the end",
    });
    const played = await browser.execute((fps) => {
      const frames = performance.getEntriesByName("preview-frame").map((e) => e.startTime);
      const switches = performance.getEntriesByName("preview-switch").map((e) => e.startTime);
      const gapAround = (t) => {
        let worst = 0;
        for (let i = 1; i < frames.length; i += 1)
          if (frames[i] >= t - 200 && frames[i - 1] <= t + 200) worst = Math.max(worst, frames[i] - frames[i - 1]);
        return worst;
      };
      const gaps = switches.map(gapAround);
      const all = frames.slice(1).map((t, i) => t - frames[i]);
      return {
        frames: frames.length,
        switches: switches.length,
        worst_gap_at_switch_ms: Math.max(0, ...gaps),
        switches_with_a_held_frame: gaps.filter((g) => g > 2.5 * (1000 / fps)).length,
        // Beside the median gap of the whole play: how much longer the picture waits at a switch
        // than this webview's usual wait between pictures.
        median_gap_at_switch_ms: [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)],
        median_gap_ms: all.sort((a, b) => a - b)[Math.floor(all.length / 2)],
      };
    }, plan.fps);
    plays.push({
      ...played,
      drift_max_ms: Number(await editor.getAttribute("data-drift-max-ms")),
      drift_mean_ms: Number(await editor.getAttribute("data-drift-mean-ms")),
      frame_drift_max_ms: Number(await editor.getAttribute("data-frame-drift-max-ms")),
      frame_drift_mean_ms: Number(await editor.getAttribute("data-frame-drift-mean-ms")),
      frame_ahead_mean_ms: Number(await editor.getAttribute("data-frame-ahead-mean-ms")),
    });
  }
  report.jobs_then = (await call("jobs_list", {}))
    .filter((j) => j.kind === "filmstrip" || j.kind === "proxy")
    .map((j) => `${j.kind} ${j.status} ${j.created_at} → ${j.finished_at} (playback from ${playedAt})`);
  // Each play is as long as the next, so the mean of their means is the mean over all of them.
  // `drift`: the picture on screen against the clock at every display frame (a held picture
  // drifts as it waits for the next); `frame_drift`: each frame against the clock as it goes on
  // screen (how far the pictures are from the timeline, apart from how long each is held).
  const meanOf = (key) => Math.round((10 * plays.reduce((sum, p) => sum + p[key], 0)) / plays.length) / 10;
  report.playback = {
    played_s: (plays.length * plan.duration_ns) / 1e9,
    frame_interval_ms: 1000 / plan.fps,
    drift_mean_ms: meanOf("drift_mean_ms"),
    drift_max_ms: Math.max(...plays.map((p) => p.drift_max_ms)),
    frame_drift_mean_ms: meanOf("frame_drift_mean_ms"),
    frame_drift_max_ms: Math.max(...plays.map((p) => p.frame_drift_max_ms)),
    each: plays,
  };
  await harness.screenshot(browser, artifacts, "bench-editor-end");

  // 3b. The same playback with a voice-over (the speech footage's own recording, from 0 s): the
  // voice is the clock while a part of it plays, so the pictures follow an audio element's clock.
  // Drift of the picture from that clock, and how much of the playback ran on it (sampled).
  const sources = await call("sources_list", { projectId });
  const speech = sources.find((s) => /speech_silence/.test(s.file_name));
  if (speech) {
    // Through the variant's own menu, as a creator lays one (the editor's plan follows the store).
    const details = await $('[data-testid="variant-speech"]');
    if (!(await details.getProperty("open"))) await (await $('[data-testid="variant-speech"] summary')).click();
    const voiceSelect = await $('[data-testid="voiceover"]');
    await voiceSelect.scrollIntoView({ block: "center" });
    await voiceSelect.selectByAttribute("value", speech.id);
    await browser.waitUntil(async () => (await call("clips_list", { projectId }))[0].timeline.voiceover?.asset_id === speech.id, { timeout: 10_000 });
    await browser.pause(1000);
    await browser.execute(() => document.querySelector('[data-testid="editor"]').focus());
    const voicePlays = [];
    while (voicePlays.length * plan.duration_ns < 60e9) {
      await browser.keys("Home");
      await (await $('[data-testid="editor-play"]')).click();
      await browser.waitUntil(async () => (await editor.getAttribute("data-playing")) === "true", { timeout: 10_000, timeoutMsg: "playback did not start" });
      const clocks = { voice: 0, wall: 0 };
      while ((await editor.getAttribute("data-playing")) === "true") {
        clocks[(await editor.getAttribute("data-clock")) === "voice" ? "voice" : "wall"] += 1;
        await browser.pause(200);
      }
      voicePlays.push({
        drift_mean_ms: Number(await editor.getAttribute("data-drift-mean-ms")),
        drift_max_ms: Number(await editor.getAttribute("data-drift-max-ms")),
        frame_drift_mean_ms: Number(await editor.getAttribute("data-frame-drift-mean-ms")),
        on_voice_clock: Math.round((100 * clocks.voice) / Math.max(1, clocks.voice + clocks.wall)) / 100,
      });
    }
    const mean = (key) => Math.round((10 * voicePlays.reduce((sum, p) => sum + p[key], 0)) / voicePlays.length) / 10;
    report.playback_with_voiceover = {
      voiceover: speech.file_name,
      played_s: (voicePlays.length * plan.duration_ns) / 1e9,
      drift_mean_ms: mean("drift_mean_ms"),
      drift_max_ms: Math.max(...voicePlays.map((p) => p.drift_max_ms)),
      frame_drift_mean_ms: mean("frame_drift_mean_ms"),
      on_voice_clock: mean("on_voice_clock"),
      each: voicePlays,
    };
    await (await $('[data-testid="voiceover"]')).selectByAttribute("value", "");
    await browser.waitUntil(async () => (await call("clips_list", { projectId }))[0].timeline.voiceover === null, { timeout: 10_000 });
  } else report.playback_with_voiceover = "no speech source imported";

  // 5. Click a piece of a file neither video holds: from the click to the filmstrip tile standing
  // in, and to the video's own picture (opening a file takes this webview most of a second).
  report.seek_to_unopened_file = [];
  for (let trial = 0; trial < 3; trial += 1) {
    const { piece } = await harness.pieceOfUnopenedFile(browser, plan, trial + 1);
    if (!piece) break;
    await browser.execute(() => {
      const stage = document.querySelector('[data-testid="stage"]');
      const canvas = document.querySelector('[data-testid="scrub-frame"]');
      // Every change of the stand-in, timed once it is on screen (the next animation frame).
      const seen = { down: null, changes: [] };
      window.__seekSeen = seen;
      const down = () => (seen.down ??= performance.now());
      for (const name of ["pointerdown", "mousedown"]) document.addEventListener(name, down, { capture: true, once: true });
      const observer = new MutationObserver(() => {
        const change = { tile: canvas.dataset.tile ?? null, standIn: stage.classList.contains("scrubbing") };
        requestAnimationFrame(() => seen.changes.push({ ...change, at: performance.now() }));
      });
      observer.observe(stage, { attributes: true, subtree: true, attributeFilter: ["class", "data-tile"] });
      window.__seekObserver = observer;
    });
    // On the ruler: a piece of a 30-piece strip is mostly trim handles.
    await ruler.click({ x: Math.round(((piece.start + piece.end) / 2 / plan.duration_ns - 0.5) * width), y: 0 });
    const gone = async () => {
      const seen = await browser.execute(() => window.__seekSeen);
      return seen.changes.some((c) => c.tile) && !seen.changes[seen.changes.length - 1].standIn;
    };
    await browser.waitUntil(gone, { timeout: 10_000 }).catch(() => undefined);
    const seen = await browser.execute(() => {
      window.__seekObserver.disconnect();
      return window.__seekSeen;
    });
    const tileAt = seen.changes.find((c) => c.tile)?.at;
    const pictureAt = tileAt === undefined ? undefined : seen.changes.find((c) => c.at >= tileAt && !c.standIn)?.at;
    const since = (t) => (t === undefined || seen.down === null ? null : Math.round(t - seen.down));
    report.seek_to_unopened_file.push({ tile_ms: since(tileAt), picture_ms: since(pictureAt), changes: seen.changes.length, clicked: seen.down !== null });
  }

  // 4. Scrub across the whole strip for 3 s: the window's frame times meanwhile, against the
  // same window doing nothing for 2 s (what this machine's webview manages at rest).
  report.idle = await browser.executeAsync((done) => {
    const start = performance.now();
    const f = [];
    let last = start;
    const tick = (t) => {
      f.push(t - last);
      last = t;
      if (t - start < 2000) requestAnimationFrame(tick);
      else {
        f.sort((a, b) => a - b);
        done({ frames: f.length, median_ms: f[Math.floor(f.length / 2)], p95_ms: f[Math.floor(f.length * 0.95)] });
      }
    };
    requestAnimationFrame(tick);
  });
  await browser.execute(() => {
    window.__frames = [];
    let last = performance.now();
    const tick = (t) => {
      window.__frames.push(t - last);
      last = t;
      if (window.__frames.length < 100000) window.__scrubRaf = requestAnimationFrame(tick);
    };
    window.__scrubRaf = requestAnimationFrame(tick);
  });
  const box = await ruler.getLocation();
  const steps = 90;
  let action = browser.action("pointer").move({ x: Math.round(box.x + 2), y: Math.round(box.y + 6) }).down();
  for (let i = 1; i <= steps; i += 1) action = action.move({ x: Math.round(box.x + 2 + ((width - 4) * i) / steps), y: Math.round(box.y + 6), duration: 33 });
  await action.up().perform();
  const scrub = await browser.execute(() => {
    cancelAnimationFrame(window.__scrubRaf);
    const f = window.__frames.slice(2).sort((a, b) => a - b);
    return {
      frames: f.length,
      median_ms: f[Math.floor(f.length / 2)],
      p95_ms: f[Math.floor(f.length * 0.95)],
      max_ms: f[f.length - 1],
      over_16_7_ms: f.filter((x) => x > 17.5).length,
    };
  });
  report.scrub = scrub;
  // The same scrub driven from the page, one move every frame (no WebDriver between moves): the
  // app's own cost of following the playhead.
  report.scrub_in_page = await browser.executeAsync((done) => {
    const ruler = document.querySelector('[data-testid="strip-ruler"]');
    const box = ruler.getBoundingClientRect();
    const send = (type, x) =>
      ruler.dispatchEvent(new PointerEvent(type, { bubbles: true, clientX: x, clientY: box.top + 5, pointerId: 7, button: 0, isPrimary: true }));
    const frames = [];
    let i = 0;
    let last = performance.now();
    send("pointerdown", box.left + 1);
    const step = (t) => {
      frames.push(t - last);
      last = t;
      i += 1;
      send("pointermove", box.left + (box.width * i) / 180);
      if (i < 180) requestAnimationFrame(step);
      else {
        send("pointerup", box.right - 1);
        frames.sort((a, b) => a - b);
        done({
          frames: frames.length,
          median_ms: frames[Math.floor(frames.length / 2)],
          p95_ms: frames[Math.floor(frames.length * 0.95)],
          over_17_5_ms: frames.filter((x) => x > 17.5).length,
        });
      }
    };
    requestAnimationFrame(step);
  });

  // Baselines of this window, without the app's work: a 2 px box moved every frame (what any
  // change on screen costs here), and a bare <video> playing one source's preview copy with
  // nothing else going on (the webview's own video path).
  report.window_floor = await browser.executeAsync((done) => {
    const dot = document.createElement("div");
    dot.style.cssText = "position:fixed;left:0;top:0;width:2px;height:2px;background:#fff;z-index:9999";
    document.body.appendChild(dot);
    const frames = [];
    let last = performance.now();
    let i = 0;
    const step = (t) => {
      frames.push(t - last);
      last = t;
      i += 1;
      dot.style.transform = `translateX(${i * 3}px)`;
      if (i < 180) requestAnimationFrame(step);
      else {
        dot.remove();
        frames.sort((a, b) => a - b);
        done({ frames: frames.length, median_ms: frames[Math.floor(frames.length / 2)], p95_ms: frames[Math.floor(frames.length * 0.95)] });
      }
    };
    requestAnimationFrame(step);
  });
  const proxied = plan.proxied[0] ?? plan.items[0].source_id;
  const bareUrl = await browser.execute(
    (id, kind) => {
      const any = document.querySelector('[data-testid="editor"] video');
      return any.src.replace(/\/sources\/[^/]+\/[a-z-]+$/, `/sources/${id}/${kind}`);
    },
    proxied,
    plan.proxied.length ? "proxy" : "media",
  );
  // The same video as the stage shows it (its size there) and with its sound, to tell the
  // webview's own cost of each from the composer's.
  const stageRect = await browser.execute(() => {
    const r = document.querySelector('[data-testid="stage"]').getBoundingClientRect();
    return { width: Math.round(r.width), height: Math.round(r.height) };
  });
  const bareVideo = (url, muted, width, height) =>
    browser.executeAsync((url, muted, width, height, done) => {
      const video = document.createElement("video");
      video.muted = muted;
      video.style.cssText = `position:fixed;left:0;top:0;width:${width}px;height:${height}px;z-index:9999;object-fit:cover`;
      document.body.appendChild(video);
      const shown = [];
      const onFrame = (now) => {
        shown.push(now);
        video.requestVideoFrameCallback(onFrame);
      };
      video.requestVideoFrameCallback(onFrame);
      video.src = url;
      video.addEventListener("loadeddata", () => {
        void video.play();
        setTimeout(() => {
          video.pause();
          video.remove();
          const gaps = shown.slice(1).map((t, i) => t - shown[i]).sort((a, b) => a - b);
          done({ url: url.replace(/^.*\/sources\//, ""), muted, size: `${width}x${height}`, frames: shown.length, median_gap_ms: gaps[Math.floor(gaps.length / 2)] });
        }, 4000);
      }, { once: true });
    }, url, muted, width, height);
  report.bare_video = await bareVideo(bareUrl, true, 320, 180);
  // Each file the variant plays, as the preview plays it (its copy where it has one), alone at the
  // stage's size with its sound.
  report.bare_video_each_file = [];
  for (const id of new Set(plan.items.map((item) => item.source_id))) {
    const url = bareUrl.replace(/\/sources\/[^/]+\/[a-z-]+$/, `/sources/${id}/${plan.proxied.includes(id) ? "proxy" : "media"}`);
    const name = (await call("sources_list", { projectId })).find((s) => s.id === id)?.file_name;
    report.bare_video_each_file.push({ file: name, ...(await bareVideo(url, false, stageRect.width, stageRect.height)) });
  }

  // The earlier version's way to see an edit: render the variant (draft preset) and wait.
  const out = mkdtempSync(path.join(os.tmpdir(), "ef-bench-render-"));
  const started = Date.now();
  const jobs = await call("export_start", { clipIds: [clip.id], preset: "draft", folder: out, encoder: null, overwrite: true });
  const jobIds = jobs.map((j) => j.id);
  await browser.waitUntil(
    async () => {
      const listed = await call("jobs_list", {});
      return jobIds.every((id) => ["succeeded", "failed", "cancelled"].includes(listed.find((j) => j.id === id)?.status));
    },
    { timeout: 600_000, interval: 250 },
  );
  report.draft_render_s = (Date.now() - started) / 1000;
  rmSync(out, { recursive: true, force: true });
  console.log(JSON.stringify(report, null, 2));
} finally {
  await harness.stopDriver(driver, browser);
  rmSync(library, { recursive: true, force: true });
}
