// Plays a variant's timeline straight from its sources, with no render: two <video> elements
// take turns, the idle one already loaded and seeked to the next item's in point, and they swap at
// the out point. The timeline's clock is a wall clock, or the voice-over while one plays; the
// playing media follow it (a large drift is answered with a seek; see [`SEEK_NS`] for why never
// with the playback rate). Every number it follows —
// item times, where pictures go, sound envelopes — comes from the engine (`clip_preview`), which
// computes them with the export's own code.
import type { GainPoint } from "../bindings/GainPoint";
import type { PreviewItem } from "../bindings/PreviewItem";
import type { PreviewPlan } from "../bindings/PreviewPlan";
import type { VoicePart } from "../bindings/VoicePart";

const NS = 1e9;
/** Drift beyond which a playing medium is re-seeked to the clock. Below it the medium is left to
 * run: in WebKitGTK a change of `playbackRate` is a flushing seek inside its GStreamer pipeline, so
 * the 5 % rate nudges this used to pull small drifts in with each cost a stall, made the drift
 * they answered, and a video paused right after one could go on presenting frames (a per-frame
 * trace of the editor benchmark's playback). Without them the drift fell from 42-54 ms mean (max
 * 330-400) to 27 ms (max 80-90), and 287-289 frames were shown instead of 250-262. */
const SEEK_NS = 200e6;
/** A medium just started or seeked is left alone this long: a rate nudge or a seek while it
 * starts only restarts it, and the drift it would correct is its start-up lag. */
const STARTING_MS = 300;
/** Bounds of the start-up lag learned at switches (ns), and where learning starts. */
const LEAD_MAX_NS = 250e6;
const LEAD_FIRST_NS = 60e6;
/** The share of its distance to the voice-over the clock moves each frame while the voice-over is
 * the clock: it follows the voice within a few frames without passing on its position's jitter. */
const VOICE_PULL = 0.25;
/** A webview whose display frames take longer than this while playing (ms, median of the first
 * [`FRAMES_TO_JUDGE`]) repaints slowly: without a GPU, every change on the page costs a
 * whole-window composite. There the window is told the time less often (see [`tell`]). */
const SLOW_FRAME_MS = 40;
const FRAMES_TO_JUDGE = 20;
/** How often a slow window hears the time while playing (ms), besides at each moment given by
 * [`Composer.setMoments`]. */
const SLOW_TELL_MS = 200;
/** The fastest shuttle speed (L pressed again while playing doubles it up to this). Faster, this
 * webview decodes too few frames to show anything but the clock's seeks. */
export const MAX_SPEED = 4;

/** The gain of `points` at `t`, read as the export reads them (linear between points). */
export function gainAt(points: GainPoint[], t: number): number {
  const i = points.findIndex((p) => p.at > t);
  if (i === -1) return points.length ? points[points.length - 1].gain : 1;
  if (i === 0) return points[0].gain;
  const [a, b] = [points[i - 1], points[i]];
  return a.gain + ((b.gain - a.gain) * (t - a.at)) / Math.max(1, b.at - a.at);
}

/** The index of the item playing at `t` (output ns); the last one at or past the end. */
export function itemAt(plan: PreviewPlan, t: number): number {
  const i = plan.items.findIndex((item) => t < item.end);
  return i === -1 ? plan.items.length - 1 : i;
}

interface Slot {
  video: HTMLVideoElement;
  index: number | null;
  /** Where to seek once the metadata is in (seconds). */
  pendingSeek: number | null;
  /** Its file was just set and has shown no picture yet. */
  opening: boolean;
  /** The source time of the frame it last presented (ns), from `requestVideoFrameCallback`. */
  shownNs: number | null;
}

const SHOWN_WAIT_MS = 5000;

/** Settles once `slot` shows the picture it was last seeked to (at once when it shows none). */
function pictureUp(slot: Slot): Promise<void> {
  const video = slot.video;
  const up = () => slot.pendingSeek === null && !video.seeking && video.readyState >= 2;
  if (video.style.visibility !== "visible" || up()) return Promise.resolve();
  return new Promise((resolve) => {
    const events = ["seeked", "loadeddata", "canplay", "error"];
    const done = () => {
      clearTimeout(timer);
      for (const name of events) video.removeEventListener(name, check);
      resolve();
    };
    const check = (event: Event) => {
      if (up() || event.type === "error") done();
    };
    const timer = setTimeout(done, SHOWN_WAIT_MS);
    for (const name of events) video.addEventListener(name, check);
  });
}

export interface Elements {
  videos: [HTMLVideoElement, HTMLVideoElement];
  backdrop: HTMLCanvasElement;
  voice: HTMLAudioElement;
  music: HTMLAudioElement;
}

/** What the composer tells the window: the time shown, and that a frame of item `index` is up. */
export interface Listener {
  /** The time to show: the playhead, the time, the caption. */
  time(ns: number): void;
  /** The clock at every display frame while playing, for what is read rather than seen. */
  clock?(ns: number): void;
  playing(on: boolean): void;
  switched?(index: number): void;
}

export class Composer {
  private slots: [Slot, Slot];
  private active = 0;
  private on = false;
  private position = 0;
  private clockNs = 0;
  private clockPerf = 0;
  private raf = 0;
  private stageHeight = 0;
  /** Item switches during playback, and how many found the next item already loaded. */
  switches = 0;
  readySwitches = 0;
  /** How far the shown picture was from the timeline clock while playing (ns). */
  drift = { max: 0, sum: 0, count: 0 };
  /** The same, read as each frame goes on screen (ns); `ahead` sums how far ahead (+) or behind. */
  frameDrift = { max: 0, sum: 0, count: 0, ahead: 0 };
  /** When each medium last started playing or seeking (performance.now()). */
  private startedAt = new WeakMap<HTMLMediaElement, number>();
  private voiceIsClock = false;
  /** Times at which the window must hear the time at once (cue edges: a caption shows on time). */
  private moments: number[] = [];
  /** The time the window last heard while playing, and when (performance.now()). */
  private told = { t: 0, perf: 0 };
  /** This webview repaints slowly (judged once, from the first frames played). */
  private slowWindow = false;
  private frameGaps: number[] = [];
  private lastFrameAt = 0;
  /** How fast the timeline plays (1 normal; 2 and 4 from repeated L). */
  private rate = 1;
  /** How long before its switch an item's video starts, per source file, so that its picture is
   * moving and on time when shown: learned from how far behind (or ahead) each one shows once
   * started. Per file, because files differ: in the editor benchmark the pieces of some files
   * start 20-100 ms late while those of another show 40-75 ms ahead even when started at their
   * switch (their preloaded frame lies past the in point). One lead for all learned the latter's
   * 0 and made every other switch late. */
  private leads = new Map<string, number>();
  /** The video, and its file, whose drift once it runs corrects that file's lead. */
  private learnFrom: { media: HTMLMediaElement; sourceId: string } | null = null;

  constructor(
    private readonly el: Elements,
    private plan: PreviewPlan,
    private readonly url: (sourceId: string) => string,
    private readonly listener: Listener,
  ) {
    this.slots = [
      { video: el.videos[0], index: null, pendingSeek: null, opening: false, shownNs: null },
      { video: el.videos[1], index: null, pendingSeek: null, opening: false, shownNs: null },
    ];
    for (const slot of this.slots) {
      // Never muted: the waiting video is paused, so it is silent anyway. Muting it while hidden
      // and unmuting it at its switch made WebKitGTK stall it (`waiting`, no new frame until the
      // next seek) from the third item on: the editor benchmark's playback showed 71 frames in
      // 18 s with the muting and 249 without, all else equal. The same steps alone in a page did
      // not stall, so the trigger inside WebKit is not pinned down.
      slot.video.muted = false;
      slot.video.preload = "auto";
      slot.video.addEventListener("seeked", () => {
        if (!this.on) this.drawBackdrop();
      });
      this.markFrames(slot);
    }
  }

  /** A "preview-frame" mark on the page's performance timeline for every frame shown while
   * playing (the benchmark looks for gaps around item switches). */
  private markFrames(slot: Slot): void {
    const video = slot.video;
    if (!("requestVideoFrameCallback" in video)) return;
    const onFrame = (_now: number, frame: VideoFrameCallbackMetadata) => {
      slot.shownNs = frame.mediaTime * NS;
      if (this.on && video.style.visibility === "visible") {
        performance.mark("preview-frame");
        this.measureFrameDrift(slot, slot.shownNs);
      }
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  }

  /** A frame of the active item's video going on screen, against the clock at that moment: how
   * far the pictures are from the timeline, apart from how long each is held (`drift`, read at
   * every display frame, counts both). */
  private measureFrameDrift(slot: Slot, shownNs: number): void {
    if (slot !== this.slots[this.active] || slot.index === null) return;
    const item = this.plan.items[slot.index];
    const t = this.now();
    if (!item || t < item.start || t >= item.end) return;
    const ahead = shownNs - (item.in_ns + (t - item.start));
    const off = Math.abs(ahead);
    const d = this.frameDrift;
    this.frameDrift = { max: Math.max(d.max, off), sum: d.sum + off, count: d.count + 1, ahead: d.ahead + ahead };
  }

  /** Mark "preview-updated" when the picture of a changed timeline is first shown. */
  private markUpdate(): void {
    const video = this.slots[this.active].video;
    let marked = false;
    const mark = () => {
      if (!marked) performance.mark("preview-updated");
      marked = true;
    };
    if ("requestVideoFrameCallback" in video) video.requestVideoFrameCallback(mark);
    video.addEventListener("seeked", () => requestAnimationFrame(mark), { once: true });
  }

  get duration(): number {
    return this.plan.duration_ns;
  }

  get playing(): boolean {
    return this.on;
  }

  /** What the timeline's clock follows while playing: the voice-over while a part of it plays
   * steadily (the pictures follow the voice, never the voice the pictures), otherwise the wall. */
  get clock(): "voice" | "wall" {
    return this.voiceIsClock ? "voice" : "wall";
  }

  /** The timeline time, ns. */
  now(): number {
    if (!this.on) return this.position;
    return Math.min(this.plan.duration_ns, this.clockNs + (performance.now() - this.clockPerf) * 1e6 * this.rate);
  }

  /** How the window hears the time while playing: at every display frame, or, in a webview that
   * repaints slowly, a few times a second and at each moment. */
  get windowUpdates(): "every-frame" | "throttled" {
    return this.slowWindow ? "throttled" : "every-frame";
  }

  /** Times (ns) the window must hear at once when playing crosses them. */
  setMoments(moments: number[]): void {
    this.moments = [...moments].sort((a, b) => a - b);
  }

  /** Tell the window the exact time now (before it acts at the playhead while playing). */
  sync(): void {
    if (this.on) this.tell(this.now(), true);
  }

  /** How fast playback runs (1 normal). */
  get speed(): number {
    return this.rate;
  }

  /** Play on at `speed` × normal (from the time now, every medium at that rate). Each change of a
   * playing medium's rate is a seek inside this webview, so the media are left to start again
   * (see [`STARTING_MS`]) before the clock corrects them. */
  setSpeed(speed: number): void {
    const rate = Math.max(1, Math.min(MAX_SPEED, speed));
    if (rate === this.rate) return;
    const t = this.now();
    this.rate = rate;
    this.restartClock(t);
    const now = performance.now();
    // A paused medium takes the rate when it starts (see [`start`]).
    for (const media of [this.slots[0].video, this.slots[1].video, this.el.voice, this.el.music]) {
      if (media.paused) continue;
      media.playbackRate = rate;
      this.startedAt.set(media, now);
    }
  }

  /** A new plan (after an edit): the same time is shown from the new timeline at once. */
  setPlan(plan: PreviewPlan): void {
    const t = Math.min(this.now(), plan.duration_ns);
    this.plan = plan;
    for (const slot of this.slots) slot.index = null;
    // The voice-over may have moved: it is put back on the clock before it leads again.
    this.voiceIsClock = false;
    this.position = t;
    this.restartClock(t);
    this.show(t);
    this.markUpdate();
  }

  /** The stage's height in CSS pixels (pictures are placed in output pixels × height / output). */
  resize(stageHeight: number): void {
    this.stageHeight = stageHeight;
    this.show(this.now());
  }

  /** Play from the playhead at `speed` × normal; already playing, change to that speed. */
  async play(speed = 1): Promise<void> {
    if (this.on) return this.setSpeed(speed);
    if (this.plan.items.length === 0) return;
    this.setSpeed(speed);
    if (this.position >= this.plan.duration_ns - 1e6) this.position = 0;
    this.show(this.position);
    const active = this.slots[this.active];
    // The clock starts when the picture does, so the first item does not start behind it. The
    // voice-over starts then, not with the picture: its play() answers at once while the
    // picture's can take most of a second, and a voice that ran ahead that long is re-seeked.
    await Promise.race([this.start(active.video), new Promise((r) => setTimeout(r, 1000))]);
    if (this.voicePart(this.position)) void this.start(this.el.voice);
    this.on = true;
    this.drift = { max: 0, sum: 0, count: 0 };
    this.frameDrift = { max: 0, sum: 0, count: 0, ahead: 0 };
    performance.mark("preview-play");
    this.restartClock(this.position);
    this.told = { t: this.position, perf: performance.now() };
    this.lastFrameAt = 0;
    this.listener.playing(true);
    const tick = (at: number) => {
      if (!this.on) return;
      this.judgeWindow(at);
      this.follow(this.followVoiceClock(this.now()));
      this.raf = requestAnimationFrame(tick);
    };
    this.raf = requestAnimationFrame(tick);
  }

  pause(): void {
    if (!this.on) return;
    this.position = this.now();
    this.on = false;
    this.voiceIsClock = false;
    // The next play starts at normal speed; the media take it as they start.
    this.rate = 1;
    cancelAnimationFrame(this.raf);
    for (const slot of this.slots) this.halt(slot.video);
    this.halt(this.el.voice);
    this.halt(this.el.music);
    // The waiting video may have started early: parked again at its in point.
    this.slots[1 - this.active].index = null;
    this.show(this.position);
    this.listener.playing(false);
  }

  /** Show time `t`. True when the picture's file is being opened there (about a second in this
   * webview, where a seek in an open file takes a frame or two): the window can stand the
   * filmstrip in for it until [`shown`]. */
  seek(t: number): boolean {
    const at = Math.max(0, Math.min(t, this.plan.duration_ns));
    // The voice-over is seeked with the pictures, then leads again once it plays steadily.
    this.voiceIsClock = false;
    this.position = at;
    this.restartClock(at);
    this.show(at);
    return this.slots[this.active].opening;
  }

  /** Settles once the picture at the last seek's time is up, or after [`SHOWN_WAIT_MS`] at most:
   * a file that never answers must not hold a stand-in forever. */
  shown(): Promise<void> {
    return pictureUp(this.slots[this.active]);
  }

  /** Move the playhead while it is dragged: only the clock moves (the window shows filmstrip
   * tiles meanwhile; seeking video on every move costs the webview ~100 ms a frame). A [`seek`]
   * follows when the drag ends. */
  scrub(t: number): void {
    if (this.on) this.pause();
    this.position = Math.max(0, Math.min(t, this.plan.duration_ns));
    this.listener.time(this.position);
  }

  dispose(): void {
    this.on = false;
    cancelAnimationFrame(this.raf);
    for (const slot of this.slots) {
      slot.video.pause();
      slot.video.removeAttribute("src");
      slot.video.load();
    }
    this.el.voice.pause();
    this.el.music.pause();
  }

  /** Play a paused medium, noting when it started; settles once it plays. */
  private start(media: HTMLMediaElement): Promise<void> {
    if (!media.paused) return Promise.resolve();
    if (media.playbackRate !== this.rate) media.playbackRate = this.rate;
    this.startedAt.set(media, performance.now());
    return media.play().catch(() => undefined);
  }

  private halt(media: HTMLMediaElement): void {
    if (!media.paused) media.pause();
  }

  /** Keep a playing medium at `wantNs` of its own time (`shownNs`: where its picture is, when
   * known): seek it there once it is more than [`SEEK_NS`] off, and leave it alone while it starts
   * (see [`STARTING_MS`]). */
  private keepOn(media: HTMLMediaElement, wantNs: number, shownNs: number | null = null): void {
    const since = performance.now() - (this.startedAt.get(media) ?? -Infinity);
    if (since < STARTING_MS || media.seeking) return;
    const drift = (shownNs ?? media.currentTime * NS) - wantNs;
    if (Math.abs(drift) <= SEEK_NS) return;
    media.currentTime = wantNs / NS;
    this.startedAt.set(media, performance.now());
  }

  private restartClock(t: number): void {
    this.clockNs = t;
    this.clockPerf = performance.now();
  }

  /** Load item `index` into `slot`, seeked to source time `sourceNs`. */
  private load(slot: Slot, index: number, sourceNs: number): void {
    const item = this.plan.items[index];
    slot.index = index;
    if (!item || !(item.has_video || item.has_audio)) return;
    if (setSource(slot.video, this.url(item.source_id))) {
      slot.opening = true;
      slot.shownNs = null;
      slot.video.addEventListener("loadeddata", () => (slot.opening = false), { once: true });
      // Before its metadata a video cannot seek (WebKit drops the position): seek once it can.
      slot.video.addEventListener(
        "loadedmetadata",
        () => {
          if (slot.pendingSeek !== null) slot.video.currentTime = slot.pendingSeek;
          slot.pendingSeek = null;
        },
        { once: true },
      );
    }
    const seconds = sourceNs / NS;
    if (slot.video.readyState < 1) slot.pendingSeek = seconds;
    else slot.video.currentTime = seconds;
    this.place(slot.video, item);
  }

  private place(video: HTMLVideoElement, item: PreviewItem): void {
    const scale = this.stageHeight / this.plan.height;
    const rect = item.rect;
    if (!rect) {
      video.style.visibility = "hidden";
      return;
    }
    Object.assign(video.style, {
      left: `${rect.x * scale}px`,
      top: `${rect.y * scale}px`,
      width: `${rect.width * scale}px`,
      height: `${rect.height * scale}px`,
    });
  }

  /** Show time `t` at rest (or after a jump): the item there in the active slot, the next one
   * waiting in the other. */
  private show(t: number): void {
    if (this.plan.items.length === 0) return;
    const index = itemAt(this.plan, t);
    const item = this.plan.items[index];
    const sourceNs = item.in_ns + (Math.min(t, item.end) - item.start);
    const active = this.slots[this.active];
    this.load(active, index, sourceNs);
    this.preloadNext(index);
    this.reveal();
    this.applySound(t);
    this.listener.time(t);
  }

  /** Start the next item's video its file's lead before its switch, hidden and silent: a video takes
   * that long from `play()` to a moving picture, which it would otherwise spend behind the clock. */
  private startEarly(index: number, t: number): void {
    const idle = this.slots[1 - this.active];
    const next = this.plan.items[index + 1];
    if (!next?.has_video || idle.index !== index + 1 || t < next.start - this.leadOf(next.source_id) * this.rate) return;
    if (!idle.video.paused || idle.opening || idle.pendingSeek !== null || idle.video.seeking) return;
    idle.video.volume = 0;
    void this.start(idle.video);
    this.learnFrom = { media: idle.video, sourceId: next.source_id };
  }

  private leadOf(sourceId: string): number {
    return this.leads.get(sourceId) ?? LEAD_FIRST_NS;
  }

  /** Once a video started for its switch runs, its drift corrects its file's lead: half of it each time. */
  private learnLead(media: HTMLMediaElement, wantNs: number, shownNs: number | null): void {
    const learning = this.learnFrom;
    if (learning?.media !== media || shownNs === null) return;
    if (performance.now() - (this.startedAt.get(media) ?? 0) < STARTING_MS) return;
    this.learnFrom = null;
    const drift = shownNs - wantNs;
    // A drift this large is a stall or a jump, not the start-up lag: the clock's seek answers it.
    if (Math.abs(drift) > SEEK_NS) return;
    // The lead is a lag in wall time: at 2× the same lag puts the picture twice as far off.
    this.leads.set(learning.sourceId, Math.max(0, Math.min(LEAD_MAX_NS, this.leadOf(learning.sourceId) - drift / this.rate / 2)));
  }

  private preloadNext(index: number): void {
    const idle = this.slots[1 - this.active];
    const next = this.plan.items[index + 1];
    if (next && idle.index !== index + 1) {
      this.halt(idle.video);
      this.load(idle, index + 1, next.in_ns);
    }
  }

  private reveal(): void {
    this.slots.forEach((slot, i) => {
      const item = slot.index === null ? undefined : this.plan.items[slot.index];
      const visible = i === this.active && !!item?.rect;
      slot.video.style.visibility = visible ? "visible" : "hidden";
      slot.video.style.zIndex = visible ? "1" : "0";
    });
    this.drawBackdrop();
  }

  /** Per frame while playing: switch items at their boundaries, keep the media on the clock. */
  private follow(t: number): void {
    if (t >= this.plan.duration_ns) {
      this.pause();
      this.position = this.plan.duration_ns;
      this.listener.time(this.position);
      return;
    }
    const index = itemAt(this.plan, t);
    let active = this.slots[this.active];
    if (active.index !== index) {
      const idle = this.slots[1 - this.active];
      if (idle.index === index) {
        this.switches += 1;
        if (idle.video.readyState >= 2) this.readySwitches += 1;
        performance.mark("preview-switch");
        this.active = 1 - this.active;
        this.halt(active.video);
        active = idle;
        this.reveal();
        // Not started early (its file's lead is 0, or it was not ready): it starts now, and how
        // late it shows still teaches its file's lead.
        const item = this.plan.items[index];
        if (active.video.paused && item.has_video) this.learnFrom = { media: active.video, sourceId: item.source_id };
        void this.start(active.video);
        this.preloadNext(index);
        this.listener.switched?.(index);
      } else {
        this.show(t);
        void this.start(active.video);
      }
    }
    const item = this.plan.items[index];
    if (item.has_video || item.has_audio) {
      const want = item.in_ns + (t - item.start);
      // The picture on screen against the clock: a frozen picture drifts too.
      const shown = item.has_video ? active.shownNs : null;
      const off = Math.abs((shown ?? active.video.currentTime * NS) - want);
      this.drift = { max: Math.max(this.drift.max, off), sum: this.drift.sum + off, count: this.drift.count + 1 };
      this.learnLead(active.video, want, shown);
      this.keepOn(active.video, want, shown);
    }
    this.startEarly(index, t);
    this.applySound(t);
    if (item.backdrop) this.drawBackdrop();
    this.tell(t);
  }

  /** Time the first display frames of playing, once: a median over [`SLOW_FRAME_MS`] marks a
   * webview that repaints slowly. */
  private judgeWindow(at: number): void {
    if (this.frameGaps.length >= FRAMES_TO_JUDGE) return;
    if (this.lastFrameAt) this.frameGaps.push(at - this.lastFrameAt);
    this.lastFrameAt = at;
    if (this.frameGaps.length < FRAMES_TO_JUDGE) return;
    const sorted = [...this.frameGaps].sort((a, b) => a - b);
    this.slowWindow = sorted[Math.floor(sorted.length / 2)] > SLOW_FRAME_MS;
  }

  /** Tell the window the time while playing. Where the webview repaints slowly, the playhead,
   * time and caption change only every [`SLOW_TELL_MS`] and at each moment crossed: every change
   * on the page costs such a webview a whole-window composite, and one every display frame halved
   * the pictures it presented (the editor benchmark under Xvfb: a picture every 77-96 ms, every
   * 46-47 ms told 4 times a second, as a bare video plays). */
  private tell(t: number, force = false): void {
    this.listener.clock?.(t);
    const now = performance.now();
    const [from, to] = this.told.t <= t ? [this.told.t, t] : [t, this.told.t];
    const crossed = this.moments.some((m) => m > from && m <= to);
    if (this.slowWindow && !force && !crossed && now - this.told.perf < SLOW_TELL_MS) return;
    this.told = { t, perf: now };
    this.listener.time(t);
  }

  private applySound(t: number): void {
    const index = itemAt(this.plan, t);
    const item = this.plan.items[index];
    const active = this.slots[this.active];
    if (item && active.index === index) {
      const gain = item.has_audio ? gainAt(item.gain, item.in_ns + (t - item.start)) : 0;
      const volume = clamp(gain);
      if (active.video.volume !== volume) active.video.volume = volume;
    }
    this.followVoice(t);
    this.followMusic(t);
  }

  /** The voice-over's part playing at `t`. */
  private voicePart(t: number): VoicePart | undefined {
    return this.plan.voiceover?.parts.find((p) => t >= p.at && t < p.at + (p.to - p.from));
  }

  /** The clock's time `t`, pulled toward the voice-over's own position while the voice-over is
   * the clock: once its part has played steadily for [`STARTING_MS`], however far off it is (a
   * voice that fell behind takes the pictures with it; one that stalls stops being steady, the
   * wall takes over, and the voice is re-seeked to it as any medium is). */
  private followVoiceClock(t: number): number {
    const el = this.el.voice;
    const part = this.voicePart(t);
    // HAVE_CURRENT_DATA, not more: WebKitGTK reports no more for an audio element playing after a
    // seek.
    const steady =
      part &&
      !el.paused &&
      !el.seeking &&
      el.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA &&
      performance.now() - (this.startedAt.get(el) ?? -Infinity) >= STARTING_MS;
    const at = part ? part.at + (el.currentTime * NS - part.from) : 0;
    // Just into a new part the voice still plays the last one's sound until re-seeked.
    const inPart = !!part && el.currentTime * NS >= part.from - SEEK_NS && el.currentTime * NS <= part.to + SEEK_NS;
    this.voiceIsClock = !!steady && inPart;
    if (!this.voiceIsClock) return t;
    const pulled = t + (at - t) * VOICE_PULL;
    this.restartClock(pulled);
    return pulled;
  }

  private followVoice(t: number): void {
    const voice = this.plan.voiceover;
    const el = this.el.voice;
    const part = this.voicePart(t);
    if (!voice || !part) {
      this.halt(el);
      return;
    }
    setSource(el, this.url(voice.asset_id));
    el.volume = clamp(voice.volume);
    // The clock follows the voice then: the voice is not made to follow the clock.
    if (this.voiceIsClock) return;
    this.playAt(el, part.from + (t - part.at));
  }

  private followMusic(t: number): void {
    const music = this.plan.music;
    const el = this.el.music;
    if (!music || (!music.looped && t >= music.length)) {
      this.halt(el);
      return;
    }
    setSource(el, this.url(music.asset_id));
    el.volume = clamp(gainAt(music.gain, t));
    this.playAt(el, t % music.length);
  }

  /** Keep a sound that follows the clock at `wantNs` of its own time: playing along while the
   * preview plays, seeked there at rest. */
  private playAt(el: HTMLMediaElement, wantNs: number): void {
    if (!this.on) el.currentTime = wantNs / NS;
    else if (el.paused) {
      el.currentTime = wantNs / NS;
      void this.start(el);
    } else this.keepOn(el, wantNs);
  }

  /** Under a blur-fit item: its own picture, blurred and darkened, filling the frame. */
  private drawBackdrop(): void {
    const canvas = this.el.backdrop;
    const ctx = canvas.getContext("2d");
    if (!ctx) return;
    ctx.fillStyle = "#000";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    const slot = this.slots[this.active];
    const item = slot.index === null ? undefined : this.plan.items[slot.index];
    if (!item?.backdrop || slot.video.readyState < 2) return;
    const scale = canvas.height / this.plan.height;
    const r = item.backdrop;
    ctx.filter = "blur(8px) brightness(0.88)";
    ctx.drawImage(slot.video, r.x * scale, r.y * scale, r.width * scale, r.height * scale);
    ctx.filter = "none";
  }
}

/** Point `el` at `src` unless it already plays it; true when it changed. */
function setSource(el: HTMLMediaElement, src: string): boolean {
  if (el.dataset.src === src) return false;
  el.dataset.src = src;
  el.src = src;
  return true;
}

function clamp(gain: number): number {
  return Math.max(0, Math.min(1, gain));
}
