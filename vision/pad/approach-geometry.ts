/**
 * Perspective change during the approach step: coming closer magnifies the central face (nose,
 * inner eyes) more than its periphery (face oval), because the centre is nearer the lens. A flat
 * print or screen scales uniformly, so the central/peripheral scale ratio stays put.
 */
import { CENTRAL, FACE_OVAL } from './mesh-indices.ts';

function spread(points: ArrayLike<number>, idx: readonly number[]): number {
  let cx = 0;
  let cy = 0;
  for (const i of idx) {
    cx += points[i * 3];
    cy += points[i * 3 + 1];
  }
  cx /= idx.length;
  cy /= idx.length;
  let d = 0;
  for (const i of idx) d += Math.hypot(points[i * 3] - cx, points[i * 3 + 1] - cy);
  return d / idx.length;
}

export interface ApproachGeometry {
  /** face-oval scale near/far (≥ 1.2 for a valid approach step) */
  scaleGain: number;
  /** log(central/peripheral scale ratio near ÷ same ratio far): > 0 for a real face coming closer, ≈ 0 for a flat one */
  perspective: number;
}

/** Compares far and near 468-point meshes (x,y,z stride 3). NaN fields when a scale is zero. */
export function approachGeometry(far: ArrayLike<number>, near: ArrayLike<number>): ApproachGeometry {
  const of = spread(far, FACE_OVAL);
  const on = spread(near, FACE_OVAL);
  const cf = spread(far, CENTRAL);
  const cn = spread(near, CENTRAL);
  if (!(of > 0 && on > 0 && cf > 0 && cn > 0)) return { scaleGain: Number.NaN, perspective: Number.NaN };
  return { scaleGain: on / of, perspective: Math.log(cn / on / (cf / of)) };
}
