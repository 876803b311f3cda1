/** Plain-data types the vision pipeline emits (main thread ⇄ workers ⇄ element). */
import type { CameraSignals, CheckName, CheckResult } from '../../protocol/index.ts';
import type { DetectedObject, FaceDetection } from '../../vision/types.ts';
import type { FaceGeometry } from '../checks/geometry.ts';
import type { FrameStats, PatchStats } from '../checks/frame-stats.ts';

export type { FaceGeometry, FrameStats, PatchStats, DetectedObject, FaceDetection };

/** rVFC metadata travelling with each frame. */
export interface FrameMeta {
  /** performance.now() when the frame was handed to the pump, ms */
  t: number;
  /** rVFC mediaTime, s */
  mediaTime: number;
  /** rVFC presentedFrames */
  presentedFrames: number;
}

/** Per-frame model/step latencies in ms (absent when the step did not run on this frame). */
export type Timings = Partial<Record<'decode' | 'blazeface' | 'facemesh' | 'iris' | 'antispoof' | 'checks' | 'total', number>>;

/** The six checks; `phone` is absent until the phone worker has reported once (not run ≠ passed). */
export type FrameChecks = Record<Exclude<CheckName, 'phone'>, CheckResult> & { phone?: CheckResult };

/** Result of one fully checked frame. */
export interface FrameResult {
  /** frame counter in the worker */
  seq: number;
  /** ms, the FrameMeta.t of the frame */
  t: number;
  width: number;
  height: number;
  /** number of faces at or above the face score threshold */
  faces: number;
  detections: FaceDetection[];
  /** the six checks; `phone` is merged in on the main thread from the phone worker */
  checks: FrameChecks;
  /** geometry of the main (largest) face: what the "move closer" step compares */
  geometry?: FaceGeometry;
  stats: FrameStats;
  /** luma stats of the two eye patches (covered-eye test) */
  eyes?: { right: PatchStats; left: PatchStats };
  /** blinks seen since start */
  blinks: number;
  /** latest human-models antispoof score (weak signal, see checks/liveness.ts), null before the first */
  antispoof: number | null;
  /** distance estimate in cm (same as checks.distance.value when a face is found) */
  distanceCm?: number;
  /** latest phone-worker detections that count as a screen (main thread fills this) */
  objects?: DetectedObject[];
  camera?: CameraSignals;
  /** true when the heavy models (iris, antispoof) ran on this frame */
  heavy: boolean;
  timings: Timings;
}

/** The fused PAD (vision/pad, the server's model) over the evidence frames, computed on device. */
export interface DevicePad {
  liveness: number;
  live: boolean;
  reasons: string[];
}

/** One evidence frame for the on-device PAD: JPEG bytes, ms since capture start, evidence role. */
export interface PadEvidence {
  bytes: Uint8Array;
  t: number;
  role: string;
}

export interface JpegFrame {
  bytes: Uint8Array;
  w: number;
  h: number;
}
