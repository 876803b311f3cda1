/**
 * Person segmentation: MediaPipe Selfie Segmentation (human-models `selfie`, 256×256 RGB in
 * [0,1] → 256×256 person probability). The whole frame is resized to the model's square input
 * (no crop), so the mask maps back onto the frame by scaling. The single-image API uses it for the
 * background-removed image; nothing decides on it.
 */
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import { imageTensor } from './image.ts';
import { tf } from './tf.ts';
import type { ImageInput, ModelSource } from './types.ts';

export const SEGMENT_SIZE = 256;

export interface PersonMask {
  /** person probability 0–1, row-major SEGMENT_SIZE × SEGMENT_SIZE, over the whole frame */
  data: Float32Array;
  size: number;
}

export interface Segmenter {
  mask(image: ImageInput): Promise<PersonMask>;
  dispose(): void;
}

export async function createSegmenter(o: { model: ModelSource }): Promise<Segmenter> {
  const model: GraphModel = await loadGraphModel((await o.model('selfie')) as never);
  return {
    async mask(image) {
      const out = tf.tidy(() => {
        const x = tf.div(tf.image.resizeBilinear(imageTensor(image), [SEGMENT_SIZE, SEGMENT_SIZE]), 255);
        return model.execute(x) as tf.Tensor;
      });
      const data = (await out.data()) as Float32Array;
      out.dispose();
      return { data: Float32Array.from(data), size: SEGMENT_SIZE };
    },
    dispose() {
      model.dispose();
    },
  };
}

/** The mask's value at frame pixel (x, y) of a `w`×`h` frame (nearest cell). */
export function maskAt(m: PersonMask, x: number, y: number, w: number, h: number): number {
  const mx = Math.min(m.size - 1, Math.max(0, Math.floor((x / w) * m.size)));
  const my = Math.min(m.size - 1, Math.max(0, Math.floor((y / h) * m.size)));
  return m.data[my * m.size + mx];
}
