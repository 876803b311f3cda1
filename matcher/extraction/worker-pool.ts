/**
 * The matcher's models off the HTTP thread: worker threads, each with its own extractor (tfjs on
 * wasm is synchronous, so inference on the HTTP thread would stall every request, /live included).
 * `extractor` forwards the Extractor methods to a worker; `scoreLiveness` runs the whole
 * server-side PAD there. A worker that dies is replaced; its calls fail with 503 INTERNAL.
 */
import { MessageChannel, Worker, type MessagePort, type TransferListItem } from 'node:worker_threads';
import { isErrorCode, KitError } from '../../protocol/index.ts';
import type { scoreLiveness, ServerPadOptions } from '../liveness/server-pad.ts';
import type { ImageLivenessOptions } from '../image-liveness/analyse-image.ts';
import type { MatcherImageRequest, MatcherImageResult } from '../../protocol/index.ts';
import type { DetectedObject } from '../../vision/types.ts';
import type { Extractor } from './extractor.ts';
import type { QualityThresholds } from './quality.ts';

type ExtractorMethod = { [K in keyof Extractor]-?: Extractor[K] extends (...args: never[]) => Promise<unknown> ? K : never }[keyof Extractor];
type ExtractorInfo = Pick<Extractor, Exclude<keyof Extractor, ExtractorMethod>>;

/** Extractor methods run in a worker, arguments and results structured-cloned. A method added to Extractor goes here. */
export const FORWARDED_METHODS = ['analyse', 'extract', 'embedAnalysis', 'detectObjects'] as const satisfies readonly ExtractorMethod[];
export type ForwardedMethod = (typeof FORWARDED_METHODS)[number];
// does not compile while an Extractor method is missing from FORWARDED_METHODS
const everyMethodForwarded: [Exclude<ExtractorMethod, ForwardedMethod>] extends [never] ? true : false = true;
void everyMethodForwarded;

/** POST /liveness's body and result as scoreLiveness declares them: passed through, never inspected. */
export type LivenessBody = Parameters<typeof scoreLiveness>[1];
export type LivenessOutcome = Awaited<ReturnType<typeof scoreLiveness>>;

/** What a worker is started with (workerData). */
export interface WorkerInit {
  quality?: QualityThresholds;
  maxImagePixels?: number;
  /** load the COCO detector right after the face models */
  warmObjects: boolean;
}

export type WorkerRequest =
  | { id: number; kind: 'call'; method: ForwardedMethod; args: unknown[] }
  | { id: number; kind: 'liveness'; body: LivenessBody; options: ServerPadOptions }
  | { id: number; kind: 'image'; body: MatcherImageRequest; options: ImageLivenessOptions; objects?: MessagePort }
  /** decode `image` and post its COCO detections (ObjectsMessage) on `port`: the other half of an 'image' request */
  | { id: number; kind: 'objects'; image: Uint8Array; port: MessagePort };

/** What an 'objects' request posts on its port. */
export type ObjectsMessage = { objects: DetectedObject[] } | { error: string };

export type WorkerReply =
  | { kind: 'ready'; info: ExtractorInfo }
  | { kind: 'warmed' }
  | { kind: 'failed'; message: string }
  | { kind: 'ok'; id: number; value: unknown }
  | { kind: 'error'; id: number; error: { code?: string; name: string; message: string } };

export interface WorkerPoolOptions {
  /** worker threads (1–32) */
  workers: number;
  quality?: QualityThresholds;
  /** the decode limit (width × height) each worker enforces */
  maxImagePixels?: number;
  /** load the COCO detector in every worker at start (POST /liveness needs it; default false) */
  warmObjects?: boolean;
}

export interface WorkerPool {
  /** the Extractor interface, each call answered by the least busy worker */
  readonly extractor: Extractor;
  /** the whole `scoreLiveness(extractor, body, options)` of liveness/server-pad.ts, in a worker */
  scoreLiveness(body: LivenessBody, options: ServerPadOptions): Promise<LivenessOutcome>;
  /** the whole `analyseImage(extractor, body, options)` of image-liveness/analyse-image.ts (POST /liveness/image), in a worker */
  analyseImage(body: MatcherImageRequest, options: ImageLivenessOptions): Promise<MatcherImageResult>;
  /** settles once every first-generation worker has loaded the COCO detector (or failed to) */
  readonly warmed: Promise<void>;
  readonly size: number;
  close(): Promise<void>;
}

// the TS entry in this repository; the matcher package's build puts extraction-worker.js beside this code
const ENTRY = new URL(import.meta.url.endsWith('.ts') ? './extraction-worker.ts' : './extraction-worker.js', import.meta.url);
/** Longest pause before replacing a worker that keeps failing to start (ms). */
const MAX_RESPAWN_DELAY_MS = 30_000;

/** The worker's module: the TS entry behind a tsx registration, since Node 20 workers do not inherit the parent's loader. */
function workerModule(): URL {
  if (!ENTRY.pathname.endsWith('.ts')) return ENTRY;
  const tsx = import.meta.resolve('tsx/esm/api');
  const src = `import { register } from ${JSON.stringify(tsx)};\nregister();\nawait import(${JSON.stringify(ENTRY.href)});\n`;
  return new URL(`data:text/javascript,${encodeURIComponent(src)}`);
}

const stopped = () => new KitError('INTERNAL', 'extraction worker stopped; retry later');

function errorOf(e: { code?: string; name: string; message: string }): Error {
  if (e.code && isErrorCode(e.code)) return new KitError(e.code, e.message);
  const err = new Error(e.message);
  err.name = e.name;
  return err;
}

interface Pending { resolve(v: unknown): void; reject(e: unknown): void }

/** One worker thread and the calls it owes. */
class Slot {
  readonly worker: Worker;
  readonly calls = new Map<number, Pending>();
  readonly ready: Promise<ExtractorInfo>;
  readonly warmed: Promise<void>;
  started = false;
  private warming = true;

  constructor(module: URL, init: WorkerInit, onExit: (slot: Slot) => void) {
    // the parent's flags (tsx's --import among them) are not for the worker: it registers tsx itself
    this.worker = new Worker(module, { workerData: init, execArgv: [] });
    let onReady!: (i: ExtractorInfo) => void, onFailed!: (e: Error) => void, onWarmed!: () => void;
    this.ready = new Promise((res, rej) => { onReady = res; onFailed = rej; });
    this.ready.catch(() => undefined);
    this.warmed = new Promise((res) => { onWarmed = res; });
    this.worker.on('message', (m: WorkerReply) => {
      if (m.kind === 'ready') { this.started = true; onReady(m.info); return; }
      if (m.kind === 'warmed') { this.warming = false; this.idle(); onWarmed(); return; }
      if (m.kind === 'failed') {
        onFailed(new Error(`extraction worker failed to start: ${m.message}`));
        void this.worker.terminate();
        return;
      }
      const p = this.calls.get(m.id);
      if (!p) return;
      this.calls.delete(m.id);
      this.idle();
      if (m.kind === 'ok') p.resolve(m.value);
      else p.reject(errorOf(m.error));
    });
    this.worker.on('error', (e) => {
      console.error('matcher: extraction worker error', process.env.MATCHER_DEBUG ? e : e.name);
    });
    this.worker.on('exit', () => {
      onFailed(new Error('extraction worker exited while starting'));
      onWarmed();
      for (const p of this.calls.values()) p.reject(stopped());
      this.calls.clear();
      onExit(this);
    });
  }

  /** An idle worker must not keep the process alive; one with calls in flight (or still warming up) must. */
  private idle(): void {
    if (this.calls.size === 0 && !this.warming) this.worker.unref();
  }

  send(req: WorkerRequest, p: Pending, ports: TransferListItem[] = []): void {
    this.calls.set(req.id, p);
    this.worker.ref();
    try {
      // arguments are copied, not transferred: the caller may still use its buffers (enrolment stores the images)
      this.worker.postMessage(req, ports);
    } catch (e) {
      this.calls.delete(req.id);
      this.idle();
      p.reject(e);
    }
  }
}

/** Starts `o.workers` extraction workers and resolves once every one has loaded its face models. */
export async function createWorkerPool(o: WorkerPoolOptions): Promise<WorkerPool> {
  if (!Number.isInteger(o.workers) || o.workers < 1 || o.workers > 32) throw new Error('workers must be an integer in 1…32');
  const module = workerModule();
  const init: WorkerInit = { quality: o.quality, maxImagePixels: o.maxImagePixels, warmObjects: o.warmObjects ?? false };
  const slots: (Slot | undefined)[] = [];
  const failures: number[] = [];
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let closing = false;
  let seq = 0;
  let turn = 0;

  const spawn = (i: number): Slot => {
    const s = new Slot(module, init, (dead) => {
      if (slots[i] !== dead) return;
      slots[i] = undefined;
      if (closing) return;
      // a worker that crashed after serving is replaced at once; one that cannot start, with backoff
      failures[i] = dead.started ? 0 : (failures[i] ?? 0) + 1;
      const delay = failures[i] ? Math.min(MAX_RESPAWN_DELAY_MS, 500 * 2 ** failures[i]) : 0;
      console.error(`matcher: extraction worker ${i} exited; replacing it${delay ? ` in ${delay} ms` : ''}`);
      if (!delay) return void spawn(i);
      const t = setTimeout(() => { timers.delete(t); if (!closing) spawn(i); }, delay);
      t.unref();
      timers.add(t);
    });
    slots[i] = s;
    return s;
  };

  const first = Array.from({ length: o.workers }, (_, i) => spawn(i));
  let info: ExtractorInfo;
  try {
    [info] = await Promise.all(first.map((s) => s.ready));
  } catch (e) {
    closing = true;
    for (const t of timers) clearTimeout(t);
    await Promise.all(first.map((s) => s.worker.terminate()));
    throw e;
  }

  /** The least busy live worker, ties broken round-robin. */
  const pick = (): Slot => {
    let best: Slot | undefined;
    for (let k = 0; k < slots.length; k++) {
      const s = slots[(turn + k) % slots.length];
      if (s && (!best || s.calls.size < best.calls.size)) best = s;
    }
    turn = (turn + 1) % slots.length;
    if (!best) throw new KitError('INTERNAL', 'no extraction worker available; retry later');
    return best;
  };

  const request = <T>(req: WorkerRequest): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (closing) return reject(stopped());
      pick().send(req, { resolve: resolve as (v: unknown) => void, reject });
    });

  const methods = Object.fromEntries(FORWARDED_METHODS.map((method) => [
    method,
    (...args: unknown[]) => request({ id: ++seq, kind: 'call', method, args }),
  ]));
  // the wrapper is built from the method list, so the compiler cannot see it is complete; the check above is what guarantees it
  const extractor = { ...info, ...methods } as Extractor;

  return {
    extractor,
    size: o.workers,
    warmed: Promise.all(first.map((s) => s.warmed)).then(() => undefined),
    scoreLiveness: (body, options) => request<LivenessOutcome>({ id: ++seq, kind: 'liveness', body, options }),
    analyseImage: (body, options) =>
      new Promise<MatcherImageResult>((resolve, reject) => {
        if (closing) return reject(stopped());
        const main = pick();
        // the COCO detector is most of a photo's time (~100–270 ms): an idle second worker runs it
        // on its own decode of the bytes while this one detects the face, segments and renders
        const helper = options.objects ? slots.find((s) => s && s !== main && s.started && s.calls.size === 0) : undefined;
        if (!helper) return main.send({ id: ++seq, kind: 'image', body, options }, { resolve: resolve as (v: unknown) => void, reject });
        const { port1, port2 } = new MessageChannel();
        helper.send({ id: ++seq, kind: 'objects', image: body.image, port: port2 }, { resolve: () => undefined, reject: () => undefined }, [port2]);
        main.send({ id: ++seq, kind: 'image', body, options, objects: port1 }, { resolve: resolve as (v: unknown) => void, reject }, [port1]);
      }),
    async close() {
      closing = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await Promise.all(slots.map((s) => s?.worker.terminate()));
    },
  };
}
