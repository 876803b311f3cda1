/**
 * Camera provenance risk signals reported by the client (virtual camera label, a track that is not
 * a camera, frame-timing anomalies). The client controls them, so they can only lower the score:
 * each maps to a fixed non-positive log-odds, never a gate on its own.
 */
export interface CameraRiskInput {
  virtual: boolean;
  nonCamera: boolean;
  timingAnomaly: boolean;
}

/** Log-odds penalties (≤ 0); documented priors, not learned (no labelled data for them yet). */
export const CAMERA_PENALTY = { virtual: -2, nonCamera: -2, timingAnomaly: -1 } as const;

/** Sum of the penalties that apply (≤ 0). */
export function cameraRisk(c: CameraRiskInput): number {
  return (c.virtual ? CAMERA_PENALTY.virtual : 0) + (c.nonCamera ? CAMERA_PENALTY.nonCamera : 0) + (c.timingAnomaly ? CAMERA_PENALTY.timingAnomaly : 0);
}
