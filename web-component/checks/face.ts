/** Face check: exactly one face, its centre inside the guide oval, frontal within yaw/pitch limits. */
import type { CheckResult } from '../../protocol/index.ts';
import type { VisionConfig } from '../config.ts';
import type { FaceGeometry } from './geometry.ts';

/**
 * value: number of faces when that fails, the normalised distance from the guide centre (1 = on the
 * oval) when outside it, otherwise the larger of |yaw| and |pitch| in degrees.
 */
export function faceCheck(faceCount: number, g: FaceGeometry | null, cfg: VisionConfig['face']): CheckResult {
  if (faceCount === 0 || !g) return { pass: false, value: 0, code: 'FACE_NOT_FOUND' };
  if (faceCount > 1) return { pass: false, value: faceCount, code: 'FACE_MULTIPLE' };
  const o = cfg.guide;
  const r = Math.hypot((g.cx - o.cx) / (o.w / 2), (g.cy - o.cy) / (o.h / 2));
  if (r > 1) return { pass: false, value: r, code: 'FACE_OUTSIDE_GUIDE' };
  const pose = Math.max(Math.abs(g.yawDeg), Math.abs(g.pitchDeg));
  if (Math.abs(g.yawDeg) > cfg.maxYawDeg || Math.abs(g.pitchDeg) > cfg.maxPitchDeg) return { pass: false, value: pose, code: 'FACE_NOT_FRONTAL' };
  return { pass: true, value: pose };
}
