/**
 * VisionPipeline: the main-thread half of the on-device vision. Owns the vision and phone workers,
 * the frame pump (requestVideoFrameCallback → createImageBitmap → transferred to the worker; one
 * frame in flight + one queued, a newer frame replaces the queued one: drop, don't lag), the
 * scheduler (face models every frame in the worker, heavy models every k-th frame there, phone
 * detector at ~2 Hz in its own worker), merges phone results and camera signals into each
 * FrameResult and hands it to the onResult callbacks.
 *
 * Usage:
 *   const p = new VisionPipeline({ modelBase: '/models', wasmBase: '/wasm/' });
 *   const off = p.onResult((r) => render(r));
 *   await p.start(video, stream.getVideoTracks()[0]);
 *   const jpeg = await p.captureJpeg(0.92);
 *   p.stop();   // p.dispose() also terminates the workers
 */
import * as Comlink from 'comlink';
import { KitError, type CameraSignals } from '../../protocol/index.ts';
import type { Box, DetectedObject } from '../../vision/types.ts';
import { resolveConfig, type ConfigOverride, type VisionConfig } from '../config.ts';
import { cameraSignals, FrameTimingTracker, type TrackInfo } from '../checks/camera.ts';
import { PhoneDebouncer, phoneCheck, screenObjects } from '../checks/phone.ts';
import type { CheckResult } from '../../protocol/index.ts';
import type { DevicePad, FrameMeta, FrameResult, JpegFrame, PadEvidence } from './types.ts';
import type { VisionWorkerApi } from './vision-worker.ts';
import type { PhoneWorkerApi } from './phone-worker.ts';
import { spawnWorker } from './worker-source.ts';

export interface VisionPipelineOptions {
  /** same-origin base URL of the graph models (default "/models") */
  modelBase?: string;
  /** base URL of tfjs-backend-wasm{,-simd}.wasm (default "/wasm/") */
  wasmBase?: string;
  /** threshold overrides, validated against the schema in config.ts (throws on bad input) */
  config?: ConfigOverride | Record<string, unknown>;
  /** run the phone detector worker (default true) */
  phone?: boolean;
  /** absolute URL of the folder holding prebuilt `vision-worker.js` / `phone-worker.js` (the element package's); absent: the bundler's workers */
  workerBase?: string;
}

/** Pump counters since start(). */
export interface PipelineStats {
  /** frames offered by rVFC */
  frames: number;
  /** FrameResults emitted */
  processed: number;
  /** frames dropped because a newer one replaced them in the queue */
  dropped: number;
  /** phone detector runs */
  phoneRuns: number;
}

type ResultCallback = (r: FrameResult) => void;

interface Queued {
  bmp: ImageBitmap;
  meta: FrameMeta;
}

export class VisionPipeline {
  readonly config: VisionConfig;
  private readonly opts: Required<Omit<VisionPipelineOptions, 'config' | 'workerBase'>> & { workerBase?: string };
  private visionWorker?: Worker;
  private phoneWorker?: Worker;
  private vision?: Comlink.Remote<VisionWorkerApi>;
  private phone?: Comlink.Remote<PhoneWorkerApi>;
  private ready?: Promise<void>;
  /** the phone worker's load, started once the vision worker is ready */
  private phoneLoad?: Promise<void>;
  private video?: HTMLVideoElement;
  private track?: MediaStreamTrack;
  private running = false;
  private rvfcHandle = 0;
  private inFlight = 0;
  private queued: Queued | null = null;
  private phoneBusy = false;
  private lastPhoneAt = -Infinity;
  private lastPhoneMs = 0;
  private phoneResult: { objects: DetectedObject[]; check: CheckResult; t: number } | null = null;
  /** the main face's box in the latest vision result (the phone check looks next to it) */
  private lastFace: Box | undefined;
  private phoneDebounce: PhoneDebouncer;
  private timing = new FrameTimingTracker();
  private callbacks = new Set<ResultCallback>();
  /** loaded() calls waiting for the first checked frame */
  private firstFrame = new Set<() => void>();
  private counters: PipelineStats = { frames: 0, processed: 0, dropped: 0, phoneRuns: 0 };

  constructor(o: VisionPipelineOptions = {}) {
    this.config = resolveConfig(o.config ?? {});
    this.phoneDebounce = new PhoneDebouncer(this.config.phone);
    this.opts = { modelBase: o.modelBase ?? '/models', wasmBase: o.wasmBase ?? '/wasm/', phone: o.phone ?? true, workerBase: o.workerBase };
  }

  /**
   * Creates the workers and loads the models (start() calls it; call it early to preload).
   * Resolves once the vision worker (face detector and mesh) is ready: guidance can start. The
   * phone detector's worker (the largest model) starts after the first checked frame (or on
   * `loaded()`), so that it never delays the first instruction; until it reports, the phone check is missing and no capture completes
   * (guidance.ts counts a missing required check as failing). `loaded()` settles with it.
   */
  init(): Promise<void> {
    this.ready ??= (async () => {
      const base = { modelBase: this.opts.modelBase, wasmBase: this.opts.wasmBase };
      this.visionWorker = spawnWorker('vision', this.opts.workerBase);
      this.vision = Comlink.wrap<VisionWorkerApi>(this.visionWorker);
      await loading('vision', this.visionWorker, this.vision.init({ ...base, config: this.config }));
    })();
    // a failed load is not kept: the workers go, and the next start() tries again from scratch
    this.ready.catch(() => this.forget());
    return this.ready;
  }

  /**
   * Starts the phone detector's worker (once): after the first checked frame, or when `loaded()`
   * asks for it. Its script and model load on the second core while the first frame is checked
   * would slow that frame (measured: first guidance on a warm cache 589 → 542 ms without it).
   */
  private startPhone(): void {
    if (!this.opts.phone || this.phoneLoad || !this.visionWorker) return;
    const worker = spawnWorker('phone', this.opts.workerBase);
    const phone = Comlink.wrap<PhoneWorkerApi>(worker);
    this.phoneWorker = worker;
    this.phoneLoad = loading('phone', worker, phone.init({ modelBase: this.opts.modelBase, wasmBase: this.opts.wasmBase, labels: this.config.phone.labels })).then(() => {
      if (this.phoneWorker === worker) this.phone = phone;
    });
    this.phoneLoad.catch(() => undefined);
  }

  /** Settles once every worker has loaded (the phone detector too); rejects with WORKER_FAILED / MODELS_UNAVAILABLE. */
  async loaded(): Promise<void> {
    await this.init();
    // while the pump runs, the first checked frame comes first (a camera with no frames waits 1 s)
    if (this.running && !this.counters.processed) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          this.firstFrame.delete(done);
          resolve();
        }, 1000);
        this.firstFrame.add(done);
      });
    }
    this.startPhone();
    try {
      await this.phoneLoad;
    } catch (e) {
      this.forget();
      throw e;
    }
  }

  private forget(): void {
    // calls in flight to a terminated worker never answer: the pump starts from nothing next time
    this.stop();
    this.inFlight = 0;
    this.vision = undefined;
    this.visionWorker?.terminate();
    this.phoneWorker?.terminate();
    this.visionWorker = this.phoneWorker = undefined;
    this.phone = undefined;
    this.phoneLoad = undefined;
    this.ready = undefined;
  }

  /** Starts analysing `video` (already playing `track`). Resolves once the models are loaded. */
  async start(video: HTMLVideoElement, track: MediaStreamTrack): Promise<void> {
    await this.init();
    this.stop();
    this.video = video;
    this.track = track;
    this.timing = new FrameTimingTracker();
    this.counters = { frames: 0, processed: 0, dropped: 0, phoneRuns: 0 };
    this.phoneResult = null;
    this.phoneDebounce.reset();
    this.lastPhoneAt = -Infinity;
    // not awaited: the worker handles messages in order, so the reset comes before any frame
    this.vision!.reset().catch(() => undefined);
    this.running = true;
    this.rvfcHandle = video.requestVideoFrameCallback(this.onFrame);
    // the frame on screen now is checked at once, not on the next one (up to a frame period later)
    if (video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA) this.grab(video, { t: performance.now(), mediaTime: video.currentTime, presentedFrames: 0 });
  }

  /** Stops the pump (workers stay loaded for a later start()). */
  stop(): void {
    this.running = false;
    if (this.video && this.rvfcHandle) this.video.cancelVideoFrameCallback(this.rvfcHandle);
    this.rvfcHandle = 0;
    this.queued?.bmp.close();
    this.queued = null;
  }

  /** Stops and terminates both workers. */
  dispose(): void {
    this.stop();
    this.forget();
    this.callbacks.clear();
  }

  /** Subscribes to per-frame results; returns the unsubscribe function. */
  onResult(cb: ResultCallback): () => void {
    this.callbacks.add(cb);
    return () => this.callbacks.delete(cb);
  }

  /** JPEG of the most recently analysed frame, encoded in the vision worker. */
  async captureJpeg(quality = 0.92): Promise<JpegFrame> {
    await this.init();
    return this.vision!.captureJpeg(quality);
  }

  /** The fused PAD over evidence JPEGs, on device (the bytes are copied, not transferred). */
  async pad(frames: PadEvidence[]): Promise<DevicePad> {
    await this.init();
    return this.vision!.pad(frames);
  }

  /** Camera provenance risk signals for the current track (virtual label, non-camera, timing). */
  camera(): CameraSignals | undefined {
    return this.track ? cameraSignals(trackInfo(this.track), this.timing) : undefined;
  }

  /** Pump counters since start(). */
  get stats(): PipelineStats {
    return { ...this.counters };
  }

  /** Diagnostics for the bench: per-step latency history of both workers. */
  async workerTimings(): Promise<{ vision: Record<string, number[]>; phone: number[] }> {
    await this.init();
    return { vision: await this.vision!.timings(), phone: this.phone ? await this.phone.timings() : [] };
  }

  /** Diagnostics for the bench: round-trip ms of n empty calls and of n transferred-bitmap calls. */
  async measureTransfer(n: number): Promise<{ emptyMs: number[]; bitmapMs: number[]; createMs: number[] }> {
    await this.init();
    if (!this.video) throw new Error('start() first');
    const emptyMs: number[] = [];
    const bitmapMs: number[] = [];
    const createMs: number[] = [];
    for (let i = 0; i < n; i++) {
      let t = performance.now();
      await this.vision!.ping();
      emptyMs.push(performance.now() - t);
      t = performance.now();
      const bmp = await createImageBitmap(this.video);
      createMs.push(performance.now() - t);
      t = performance.now();
      await this.vision!.echo(Comlink.transfer(bmp, [bmp]));
      bitmapMs.push(performance.now() - t);
    }
    return { emptyMs, bitmapMs, createMs };
  }

  private onFrame = (_now: number, m: VideoFrameCallbackMetadata): void => {
    if (!this.running || !this.video) return;
    const video = this.video;
    this.rvfcHandle = video.requestVideoFrameCallback(this.onFrame);
    this.counters.frames++;
    this.timing.update(m.mediaTime, m.presentedFrames);
    this.grab(video, { t: performance.now(), mediaTime: m.mediaTime, presentedFrames: m.presentedFrames });
  };

  /** Sends the video's current frame to the vision worker (or queues it behind the one in flight). */
  private grab(video: HTMLVideoElement, meta: FrameMeta): void {
    this.maybeRunPhone(video, meta.t);
    createImageBitmap(video).then(
      (bmp) => {
        if (!this.running) return bmp.close();
        if (this.inFlight < this.config.scheduler.maxInFlight) return this.send({ bmp, meta });
        if (this.queued) {
          this.queued.bmp.close();
          this.counters.dropped++;
        }
        this.queued = { bmp, meta };
      },
      () => undefined, // the video had no frame (ended/resized): skip
    );
  }

  private send(q: Queued): void {
    this.inFlight++;
    this.vision!.process(Comlink.transfer(q.bmp, [q.bmp]), q.meta).then(
      (r) => {
        this.inFlight--;
        this.pumpQueued();
        if (this.running) this.emit(r);
      },
      (e: unknown) => {
        this.inFlight--;
        this.pumpQueued();
        console.error('vision worker failed on a frame', e);
      },
    );
  }

  private pumpQueued(): void {
    if (this.queued && this.running) {
      const q = this.queued;
      this.queued = null;
      this.send(q);
    }
  }

  private maybeRunPhone(video: HTMLVideoElement, t: number): void {
    // on a busy CPU the detector never takes more than ~1/3 of a core from the guidance loop
    if (!this.phone || this.phoneBusy || t - this.lastPhoneAt < Math.max(this.config.phone.periodMs, 3 * this.lastPhoneMs)) return;
    this.phoneBusy = true;
    this.lastPhoneAt = t;
    createImageBitmap(video)
      .then((bmp) => this.phone!.detect(Comlink.transfer(bmp, [bmp])))
      .then(
        ({ objects, ms }) => {
          this.lastPhoneMs = ms;
          const { videoWidth: w, videoHeight: h } = video;
          // the main face of the latest vision result: a held device is at or next to it
          const face = this.lastFace;
          this.phoneResult = { objects: screenObjects(objects, w, h, this.config.phone, face), check: this.phoneDebounce.update(phoneCheck(objects, w, h, this.config.phone, face)), t };
          this.counters.phoneRuns++;
        },
        (e: unknown) => console.error('phone worker failed', e),
      )
      .finally(() => {
        this.phoneBusy = false;
      });
  }

  private emit(r: FrameResult): void {
    this.counters.processed++;
    this.startPhone();
    for (const f of this.firstFrame) f();
    this.firstFrame.clear();
    this.lastFace = r.detections.reduce<Box | undefined>((a, d) => (!a || d.box.w > a.w ? d.box : a), undefined);
    const p = this.phoneResult;
    const staleMs = Math.max(this.config.phone.staleMs, 2.5 * Math.max(this.config.phone.periodMs, 3 * this.lastPhoneMs));
    if (p && r.t - p.t <= staleMs) {
      r.checks.phone = p.check;
      r.objects = p.objects;
    }
    r.camera = this.camera();
    for (const cb of this.callbacks) cb(r);
  }
}

function trackInfo(t: MediaStreamTrack): TrackInfo {
  const s = t.getSettings();
  return {
    kind: t.kind,
    label: t.label,
    settings: { deviceId: s.deviceId, groupId: s.groupId, width: s.width, height: s.height, frameRate: s.frameRate, facingMode: s.facingMode },
  };
}

/**
 * A worker's init call, failing fast with a code the host can act on: WORKER_FAILED when the
 * worker script itself does not load or throws while starting (Comlink would wait for an answer
 * forever), MODELS_UNAVAILABLE when its init rejects (a model or wasm file that cannot be fetched).
 */
function loading(name: string, worker: Worker, init: Promise<void>): Promise<void> {
  const crashed = new Promise<never>((_, reject) => {
    worker.addEventListener(
      'error',
      (e) => {
        e.preventDefault();
        reject(new KitError('WORKER_FAILED', `the ${name} worker failed to start${e.message ? `: ${e.message}` : ''}`));
      },
      { once: true },
    );
  });
  const loaded = init.catch((e: unknown) => {
    throw new KitError('MODELS_UNAVAILABLE', `the ${name} worker could not load its models${e instanceof Error ? `: ${e.message.slice(0, 200)}` : ''}`);
  });
  return Promise.race([loaded, crashed]);
}
