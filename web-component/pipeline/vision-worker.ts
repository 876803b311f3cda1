/**
 * The vision worker: receives transferred ImageBitmaps, runs blazeface + facemesh every frame and
 * iris every k-th frame once loaded (FrameAnalyzer), returns plain FrameResults. Also encodes the
 * latest frame as JPEG off the main thread. Exposed with comlink.
 */
import * as Comlink from 'comlink';
import { initTf } from '../../vision/tf.ts';
import { urlModelSource } from '../../vision/load-url.ts';
import { resolveConfig } from '../config.ts';
import { padFromFrames, type PadFrame } from '../../vision/pad/index.ts';
import { FrameAnalyzer, loadDetectors } from './analyze.ts';
import { createIris } from '../../vision/iris.ts';
import { createBlazeFace } from '../../vision/blazeface.ts';
import type { DevicePad, FrameMeta, FrameResult, JpegFrame, PadEvidence, Timings } from './types.ts';

export interface VisionWorkerInit {
  /** same-origin base of the graph models, e.g. "/models" */
  modelBase: string;
  /** base of the tfjs wasm files, e.g. "/wasm/" */
  wasmBase: string;
  /** threshold overrides (validated by resolveConfig) */
  config?: unknown;
}

let analyzer: FrameAnalyzer | undefined;
/** the iris model's load (init sets it, the first process() call starts it) */
let loadLater: (() => void) | undefined;
let canvas: OffscreenCanvas | undefined;
let ctx: OffscreenCanvasRenderingContext2D | undefined;
const history: Record<string, number[]> = {};

function record(t: Timings): void {
  for (const [k, v] of Object.entries(t)) {
    if (v === undefined) continue;
    (history[k] ??= []).push(v);
    if (history[k].length > 2000) history[k].shift();
  }
}

const api = {
  /** Loads tfjs wasm and the face models; resolves when ready. */
  async init(o: VisionWorkerInit): Promise<void> {
    await initTf({ wasmPaths: o.wasmBase });
    const source = urlModelSource(o.modelBase);
    const det = await loadDetectors(source, { iris: false, far: false });
    analyzer = new FrameAnalyzer(det, resolveConfig(o.config));
    // the 256 detector finds the faces too small for the short-range one (a person far from the
    // camera) and some it misses when a face fills the frame: guidance starts without it ("no
    // face" until it arrives, then "come closer" / "move back")
    void createBlazeFace({ model: source, minScore: 0.5 }).then(
      (far) => (det.faceFar = far),
      (e: unknown) => console.warn('vision worker: blazeface 256 unavailable; faces under a tenth of the frame go unseen', e instanceof Error ? e.message : e),
    );
    // iris loads once the first frame has been checked: its parsing and decoding would otherwise
    // run on this thread just before it
    loadLater = () => {
      // iris (2.6 MB) only refines the distance estimate (face width stands in meanwhile): the
      // analyzer uses it from the frame after it arrives
      void createIris({ model: source }).then(
        (iris) => (det.iris = iris),
        (e: unknown) => console.warn('vision worker: iris model unavailable; distance from face width', e instanceof Error ? e.message : e),
      );
    };
  },

  /** Analyses one frame; the bitmap must be transferred and is closed here. */
  async process(frame: ImageBitmap, meta: FrameMeta): Promise<FrameResult> {
    if (!analyzer) {
      frame.close();
      throw new Error('vision worker: init() first');
    }
    const t0 = performance.now();
    const { width: w, height: h } = frame;
    if (!canvas || canvas.width !== w || canvas.height !== h) {
      canvas = new OffscreenCanvas(w, h);
      ctx = canvas.getContext('2d', { willReadFrequently: true }) ?? undefined;
    }
    if (!ctx) throw new Error('vision worker: no 2d context');
    ctx.drawImage(frame, 0, 0);
    frame.close();
    const { data } = ctx.getImageData(0, 0, w, h);
    const decode = performance.now() - t0;
    const r = await analyzer.analyze({ data, width: w, height: h, channels: 4 }, meta.t);
    r.timings.decode = decode;
    r.timings.total = performance.now() - t0;
    record(r.timings);
    const later = loadLater;
    loadLater = undefined;
    if (later) setTimeout(later, 0); // after this answer has been posted
    return r;
  },

  /** JPEG of the most recently processed frame (the buffer is transferred back). */
  async captureJpeg(quality = 0.92): Promise<JpegFrame> {
    if (!canvas) throw new Error('vision worker: no frame yet');
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality });
    const bytes = new Uint8Array(await blob.arrayBuffer());
    return Comlink.transfer({ bytes, w: canvas.width, h: canvas.height }, [bytes.buffer]);
  },

  /**
   * The server's fused PAD over the evidence JPEGs (decoded here, landmarks from this worker's
   * models): guidance and early rejection on device. The server recomputes it and decides.
   */
  async pad(frames: PadEvidence[]): Promise<DevicePad> {
    if (!analyzer) throw new Error('vision worker: init() first');
    const pf: PadFrame[] = [];
    for (const f of frames) {
      const bmp = await createImageBitmap(new Blob([f.bytes as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }));
      const c = new OffscreenCanvas(bmp.width, bmp.height);
      const x = c.getContext('2d', { willReadFrequently: true });
      if (!x) throw new Error('vision worker: no 2d context');
      x.drawImage(bmp, 0, 0);
      bmp.close();
      const image = { data: x.getImageData(0, 0, c.width, c.height).data, width: c.width, height: c.height, channels: 4 as const };
      pf.push({ image, landmarks: await analyzer.landmarksOf(image), t: f.t, role: f.role });
    }
    const r = padFromFrames(pf);
    return { liveness: r.liveness, live: r.live, reasons: r.reasons };
  },

  /** Forgets blink/motion history (a new capture session). */
  reset(): void {
    analyzer?.reset();
  },

  /** Per-step latency history in ms (bench / diagnostics). */
  timings(): Record<string, number[]> {
    return history;
  },

  /** Empty round trip (transfer-overhead baseline). */
  ping(): number {
    return 0;
  },

  /** Round trip of a transferred bitmap that is closed unread (transfer overhead). */
  echo(frame: ImageBitmap): number {
    const w = frame.width;
    frame.close();
    return w;
  },
};

export type VisionWorkerApi = typeof api;
Comlink.expose(api);
