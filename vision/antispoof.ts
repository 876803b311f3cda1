/**
 * human-models `antispoof` (128×128 face crop → one score). Upstream trained it to spot retouched
 * photos; on print/screen attacks it scored inverted (TOOLCHAIN.md, AUC 0.31–0.49). It is a weak,
 * recorded signal only: never a gate, never the liveness authority.
 */
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import { tf } from './tf.ts';
import { cropResize } from './image.ts';
import type { FaceDetection, ImageInput, ModelSource } from './types.ts';

export interface AntiSpoofOptions {
  model: ModelSource;
}

export interface AntiSpoof {
  /** the model's "real" score 0–1 for the face crop */
  score(image: ImageInput, face: FaceDetection): Promise<number>;
  dispose(): void;
}

export async function createAntiSpoof(o: AntiSpoofOptions): Promise<AntiSpoof> {
  const model: GraphModel = await loadGraphModel((await o.model('antispoof')) as string);
  return {
    async score(image, face) {
      const out = tf.tidy(() => model.execute(tf.div(cropResize(image, face.box, 128), 255)) as tf.Tensor);
      const d = (await out.data()) as Float32Array;
      out.dispose();
      return d[0];
    },
    dispose() {
      model.dispose();
    },
  };
}
