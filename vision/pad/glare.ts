/**
 * Specular glare: a screen or glossy print reflects room light as a large, colourless, clipped
 * patch; skin's own highlights are small. Counted inside the face only (`ovalMask`): a white wall
 * beside the face, or the highlight on a bald scalp above it, is not glare on the face.
 */
import type { Box } from '../types.ts';
import { FACE_OVAL } from './mesh-indices.ts';

/**
 * Share of an RGB crop's pixels (n×n, interleaved) that are near-white (luma ≥ `level`) and
 * unsaturated; with `mask` (n×n, 1 = counted), among the masked pixels only.
 */
export function glareFraction(rgb: ArrayLike<number>, n: number, level = 235, mask?: Uint8Array): number {
  let g = 0;
  let m = 0;
  for (let i = 0; i < n * n; i++) {
    if (mask && !mask[i]) continue;
    m++;
    const r = rgb[i * 3];
    const gg = rgb[i * 3 + 1];
    const b = rgb[i * 3 + 2];
    const y = 0.299 * r + 0.587 * gg + 0.114 * b;
    const sat = Math.max(r, gg, b) - Math.min(r, gg, b);
    if (y >= level && sat < 40) g++;
  }
  return m ? g / m : 0;
}

/** n×n mask of `box` (image px) marking the cells whose centre lies inside the FaceMesh face oval. */
export function ovalMask(points: ArrayLike<number>, box: Box, n: number): Uint8Array {
  const px = FACE_OVAL.map((i) => ((points[i * 3] - box.x) / box.w) * n);
  const py = FACE_OVAL.map((i) => ((points[i * 3 + 1] - box.y) / box.h) * n);
  const out = new Uint8Array(n * n);
  for (let y = 0; y < n; y++)
    for (let x = 0; x < n; x++) {
      const cx = x + 0.5;
      const cy = y + 0.5;
      let inside = false;
      for (let i = 0, j = px.length - 1; i < px.length; j = i++)
        if (py[i] > cy !== py[j] > cy && cx < ((px[j] - px[i]) * (cy - py[i])) / (py[j] - py[i]) + px[i]) inside = !inside;
      out[y * n + x] = inside ? 1 : 0;
    }
  return out;
}
