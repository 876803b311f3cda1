/**
 * Distance check: pinhole estimate from face width (or iris diameter) and the camera's horizontal
 * field of view, corrected per device class. d = realSize · f / sizePx, f = (L/2) / tan(hfov/2),
 * L the frame's long side: the field of view is the sensor's landscape one, and a phone held
 * upright gives the same sensor turned (480×640 has the focal length of 640×480). Measured with the
 * portrait frame's width, a phone user's distance read 25 % short (TOO_CLOSE too early).
 * The browser's crop is not known here: a 16:9 webcam delivered as 640×640 (CAMERA_CONSTRAINTS)
 * has the focal length of its 1138-px-wide uncropped frame, so its distances read up to 1.8× short
 * (the 18–75 cm range then spans about 32–133 cm); the device-class `correction` can take that out.
 */
import type { CheckResult } from '../../protocol/index.ts';
import type { VisionConfig } from '../config.ts';
import type { FaceGeometry } from './geometry.ts';

/** Focal length in pixels for a frame whose long side is `longPx` and a horizontal FOV in degrees. */
export function focalPx(longPx: number, hfovDeg: number): number {
  return longPx / 2 / Math.tan((hfovDeg * Math.PI) / 360);
}

/** Estimated camera–face distance in cm (face width; iris diameter averaged in when measured). */
export function estimateDistanceCm(g: Pick<FaceGeometry, 'faceWidthPx' | 'irisPx'>, longPx: number, cfg: VisionConfig['distance']): number {
  const dev = cfg.devices[cfg.deviceClass];
  const f = focalPx(longPx, dev.hfovDeg);
  const byFace = g.faceWidthPx > 0 ? (cfg.faceWidthCm * f) / g.faceWidthPx : 0;
  // the iris is tiny at 480 px (±1 px ≈ ±7%): it only refines the face estimate, with a low weight
  const byIris = g.irisPx && g.irisPx > 3 ? (cfg.irisCm * f) / g.irisPx : 0;
  const est = byIris && byFace ? 0.75 * byFace + 0.25 * byIris : byFace || byIris;
  return est * dev.correction;
}

/** value: estimated distance in cm (0 without a face); `longPx`: the frame's long side. */
export function distanceCheck(g: FaceGeometry | null, longPx: number, cfg: VisionConfig['distance']): CheckResult {
  if (!g) return { pass: false, value: 0, code: 'TOO_FAR' };
  const value = estimateDistanceCm(g, longPx, cfg);
  if (value > cfg.maxCm) return { pass: false, value, code: 'TOO_FAR' };
  if (value < cfg.minCm) return { pass: false, value, code: 'TOO_CLOSE' };
  return { pass: true, value };
}
