/**
 * Non-rigid landmark motion: align consecutive meshes with a homography fitted on rigid points
 * (skull), then measure how far the expressive points (lids, lips, brows) moved beyond it.
 * A print or screen held still or waved moves rigidly; a live face talks, blinks, twitches.
 */
import { fitHomography, interOcular, transferRms } from './homography.ts';
import { EXPRESSIVE, RIGID } from './mesh-indices.ts';

/** Expressive-point residual after rigid alignment, ÷ inter-ocular distance, for one mesh pair. NaN if the fit fails. */
export function nonRigidResidual(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const H = fitHomography(a, b, { stride: 3, idx: RIGID });
  const iod = (interOcular(a) + interOcular(b)) / 2;
  if (!H || !(iod > 0)) return Number.NaN;
  return transferRms(H, a, b, EXPRESSIVE, 3) / iod;
}

/** Median over consecutive pairs of a mesh sequence (time order); NaN with fewer than 2 meshes. */
export function nonRigidMotion(meshes: readonly ArrayLike<number>[]): number {
  const r: number[] = [];
  for (let i = 1; i < meshes.length; i++) {
    const v = nonRigidResidual(meshes[i - 1], meshes[i]);
    if (Number.isFinite(v)) r.push(v);
  }
  return median(r);
}

export function median(v: readonly number[]): number {
  if (!v.length) return Number.NaN;
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
