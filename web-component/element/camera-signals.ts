/**
 * Minimum camera format (≥ 320×240, ≥ 15 fps). The provenance signals themselves (virtual-camera
 * labels, non-camera tracks, timing) come from the pipeline's checks/camera.ts.
 */
export { cameraSignals, isVirtualLabel, type TrackInfo } from '../checks/camera.ts';
import type { TrackInfo } from '../checks/camera.ts';

export const MIN_WIDTH = 320;
export const MIN_HEIGHT = 240;
export const MIN_FPS = 15;

/** True when the track meets ≥ 320×240 (either orientation) and ≥ 15 fps (when reported). */
export function meetsMinimum(s: TrackInfo['settings']): boolean {
  const w = s.width ?? 0;
  const h = s.height ?? 0;
  if (Math.max(w, h) < MIN_WIDTH || Math.min(w, h) < MIN_HEIGHT) return false;
  return s.frameRate === undefined || s.frameRate >= MIN_FPS;
}
