/**
 * The matcher's face detector and landmarker: vision/'s BlazeFace and FaceMesh, the same code the
 * browser workers run, loaded from models/dist on disk. (A second, roll-corrected mesh pass was
 * measured and dropped: TAR @ FAR 0.1% fell from 95.0% to 92.1% on the fixtures.)
 */
import { createBlazeFace, createCenterNet, createFaceMesh } from '../../vision/index.ts';
import { SCREEN_CLASSES } from '../../vision/pad/index.ts';
import { nodeModelSource } from '../../vision/load-node.ts';
import type { FaceDetector, FaceLandmarker, ObjectDetector } from '../../vision/types.ts';
import { tfReady } from './tf-runtime.ts';

export interface FaceFinder {
  detector: FaceDetector;
  landmarker: FaceLandmarker;
  source: string;
}

export async function createFaceFinder(): Promise<FaceFinder> {
  await tfReady();
  const model = nodeModelSource();
  return { detector: await createBlazeFace({ model }), landmarker: await createFaceMesh({ model }), source: 'vision/blazeface+facemesh' };
}

export interface ObjectFinder {
  detector: ObjectDetector;
  source: string;
}

/** vision/'s CenterNet (COCO), restricted to the screen-like classes the PAD's context signal uses. */
export async function createObjectFinder(): Promise<ObjectFinder> {
  await tfReady();
  return { detector: await createCenterNet({ model: nodeModelSource(), minScore: 0.2, labels: SCREEN_CLASSES }), source: 'vision/centernet' };
}
