/**
 * The phone worker: CenterNet (COCO) on transferred ImageBitmaps at ~2 Hz, in its own worker so
 * its ~100 ms never stalls the guidance loop. Exposed with comlink.
 */
import * as Comlink from 'comlink';
import { initTf } from '../../vision/tf.ts';
import { urlModelSource } from '../../vision/load-url.ts';
import { createCenterNet } from '../../vision/centernet.ts';
import { releaseImageTensor } from '../../vision/image.ts';
import type { DetectedObject, ObjectDetector } from '../../vision/types.ts';

export interface PhoneWorkerInit {
  modelBase: string;
  wasmBase: string;
  /** keep only these labels (default: all COCO classes) */
  labels?: string[];
  /** minimum score kept (default 0.1; the check applies its own threshold) */
  minScore?: number;
}

let det: ObjectDetector | undefined;
let canvas: OffscreenCanvas | undefined;
let ctx: OffscreenCanvasRenderingContext2D | undefined;
const history: number[] = [];

const api = {
  async init(o: PhoneWorkerInit): Promise<void> {
    await initTf({ wasmPaths: o.wasmBase });
    det = await createCenterNet({ model: urlModelSource(o.modelBase), minScore: o.minScore ?? 0.1, labels: o.labels });
  },

  /** Detects objects in a transferred bitmap (closed here). */
  async detect(frame: ImageBitmap): Promise<{ objects: DetectedObject[]; ms: number }> {
    if (!det) {
      frame.close();
      throw new Error('phone worker: init() first');
    }
    const t0 = performance.now();
    const { width: w, height: h } = frame;
    if (!canvas || canvas.width !== w || canvas.height !== h) {
      canvas = new OffscreenCanvas(w, h);
      ctx = canvas.getContext('2d', { willReadFrequently: true }) ?? undefined;
    }
    ctx!.drawImage(frame, 0, 0);
    frame.close();
    const { data } = ctx!.getImageData(0, 0, w, h);
    try {
      const objects = await det.detect({ data, width: w, height: h, channels: 4 });
      const ms = performance.now() - t0;
      history.push(ms);
      if (history.length > 500) history.shift();
      return { objects, ms };
    } finally {
      releaseImageTensor();
    }
  },

  timings(): number[] {
    return history;
  },
};

export type PhoneWorkerApi = typeof api;
Comlink.expose(api);
