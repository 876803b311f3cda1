/**
 * Runtime-agnostic face vision types, shared by the browser workers (web-component/) and the
 * matcher's server-side extraction and PAD (matcher/). Pure data; no DOM, no Node APIs.
 */

/** Interleaved 8-bit pixels, RGBA (channels 4) or RGB (channels 3), row-major, no padding. */
export interface ImageInput {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  channels: 3 | 4;
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A detected face in image pixels. keypoints: blazeface's 6 points (right eye, left eye, nose, mouth, right ear, left ear). */
export interface FaceDetection {
  box: Box;
  score: number;
  keypoints: [number, number][];
}

/** 468 facemesh points in image pixels: points[3*i], points[3*i+1], points[3*i+2] = x, y, z (z relative, same scale as x). */
export interface FaceLandmarks {
  points: Float32Array;
  /** facemesh's face-presence confidence 0–1 */
  score: number;
}

export interface DetectedObject {
  box: Box;
  score: number;
  classId: number;
  label: string;
}

/**
 * Loads a tfjs graph model by manifest name (e.g. "blazeface" → models/blazeface.json + .bin).
 * Browser: fetch from a URL base; Node: read models/dist from disk.
 */
export type ModelSource = (name: string) => Promise<unknown /* tf.io.IOHandler | string URL */>;

/** Detectors look like MediaPipe tasks: created from one options object, plain data out. */
export interface FaceDetector {
  detect(image: ImageInput): Promise<FaceDetection[]>;
  dispose(): void;
}

export interface FaceLandmarker {
  /** Runs facemesh on the crop around `face`; null when the mesh's confidence is too low. */
  landmarks(image: ImageInput, face: FaceDetection): Promise<FaceLandmarks | null>;
  dispose(): void;
}

export interface ObjectDetector {
  detect(image: ImageInput): Promise<DetectedObject[]>;
  dispose(): void;
}
