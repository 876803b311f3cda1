/**
 * What the element needs from the vision pipeline (issue 3). The real `VisionPipeline` is adapted
 * to this port in `vision-adapter.ts`; tests and integrators may pass their own factory.
 */
import type { CameraSignals, CheckName, CheckResult } from '../../protocol/index.ts';
import type { FaceGeometry as PipelineFaceGeometry } from '../checks/geometry.ts';
import type { DevicePad, PadEvidence } from '../pipeline/types.ts';

/**
 * The part of the pipeline's face geometry the element uses (face scale, centre and scale-free
 * landmark ratios for the approach step, yaw for the turn step), so fakes need only these fields.
 */
export type FaceGeometry = Pick<PipelineFaceGeometry, 'faceWidthPx' | 'interOcularPx' | 'cx' | 'cy' | 'ratios'> &
  /** head yaw (degrees, > 0: turned to the person's own left), for the head-turn step */
  Partial<Pick<PipelineFaceGeometry, 'yawDeg'>>;

/** Per-frame result of the pipeline: plain data. */
export interface FrameResult {
  /** ms, monotonic (performance.now or video time) */
  t: number;
  /** number of faces seen */
  faces: number;
  /** per-check results; a check absent from the record has not run yet for this frame */
  checks: Partial<Record<CheckName, CheckResult>>;
  geometry?: FaceGeometry;
  /** 0–1 image quality (sharpness/exposure) of this frame, higher is better */
  quality?: number;
  /** camera provenance risk signals from frame timing etc. */
  camera?: Partial<CameraSignals>;
}

export interface JpegFrame {
  bytes: Uint8Array;
  w: number;
  h: number;
}

export interface PipelinePort {
  start(video: HTMLVideoElement, track: MediaStreamTrack): Promise<void>;
  /** stops analysing; the pipeline can be started again */
  stop(): void;
  /** releases workers and models (the element calls it when disconnected) */
  dispose?(): void;
  /** subscribes to per-frame results; returns the unsubscribe function */
  onResult(cb: (r: FrameResult) => void): () => void;
  /** JPEG of the most recent frame, encoded off the main thread */
  captureJpeg(quality: number): Promise<JpegFrame>;
  /**
   * settles once every model has loaded (start() may resolve before the slowest one: guidance
   * starts early); rejects with MODELS_UNAVAILABLE / WORKER_FAILED
   */
  loaded?(): Promise<void>;
  /** the fused PAD over the evidence frames on device (absent: no early rejection) */
  pad?(frames: PadEvidence[]): Promise<DevicePad>;
}

export interface PipelineOptions {
  /** base URL of the models (e.g. "/models") */
  modelBase: string;
  /** base URL of the tfjs wasm files (e.g. "/wasm/") */
  wasmBase: string;
  /** absolute URL of the prebuilt workers' folder (the element package's `<asset base>workers/`); absent: the bundler's */
  workerBase?: string;
  /** thresholds forwarded to the pipeline's config (opaque to the element) */
  config?: Record<string, unknown>;
}

export type PipelineFactory = (o: PipelineOptions) => Promise<PipelinePort>;
