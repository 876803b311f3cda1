/**
 * Landmark extraction for PAD training and tests in Node: vision/'s BlazeFace + FaceMesh on the
 * tfjs wasm backend. PAD signals themselves never touch tfjs; they take these plain points.
 */
import { initTf } from '../vision/tf.ts';
import { createBlazeFace } from '../vision/blazeface.ts';
import { createFaceMesh } from '../vision/facemesh.ts';
import { createCenterNet } from '../vision/centernet.ts';
import { releaseImageTensor } from '../vision/image.ts';
import { SCREEN_LABELS } from '../vision/coco.ts';
import { nodeModelSource, NODE_WASM_PATHS } from '../vision/load-node.ts';
import type { DetectedObject, FaceLandmarks, ImageInput } from '../vision/types.ts';

export interface NodeLandmarker {
  /** Landmarks of the largest face, or null when none is found. */
  landmarks(image: ImageInput): Promise<FaceLandmarks | null>;
  /** Screen-like objects (phone, tv, laptop, remote) from the COCO detector. */
  objects(image: ImageInput): Promise<DetectedObject[]>;
  dispose(): void;
}

export async function createNodeLandmarker(o: { objects?: boolean } = {}): Promise<NodeLandmarker> {
  await initTf({ wasmPaths: NODE_WASM_PATHS });
  const model = nodeModelSource();
  const det = await createBlazeFace({ model, minScore: 0.5 });
  const mesh = await createFaceMesh({ model });
  const obj = o.objects ? await createCenterNet({ model, minScore: 0.2, labels: SCREEN_LABELS }) : undefined;
  return {
    async landmarks(image) {
      try {
        const faces = await det.detect(image);
        if (!faces.length) return null;
        const face = faces.reduce((a, b) => (b.box.w * b.box.h > a.box.w * a.box.h ? b : a));
        return await mesh.landmarks(image, face);
      } finally {
        releaseImageTensor();
      }
    },
    async objects(image) {
      if (!obj) return [];
      try {
        return await obj.detect(image);
      } finally {
        releaseImageTensor();
      }
    },
    dispose() {
      det.dispose();
      mesh.dispose();
      obj?.dispose();
    },
  };
}
