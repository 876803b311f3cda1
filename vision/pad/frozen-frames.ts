/**
 * Frozen or looping frames: a still image fed as the camera repeats (near-)identical frames; a
 * looped clip repeats earlier ones. Compared on small whole-frame luma thumbnails, which average
 * away the per-frame noise an attacker might add.
 */
import type { ImageInput } from '../types.ts';
import { cropArea } from './image-ops.ts';
import { median } from './nonrigid-motion.ts';

export const THUMB = 32;

/** 32×32 luma thumbnail of the whole frame (area-averaged). */
export function thumbnail(img: ImageInput): Float32Array {
  return cropArea(img, { x: 0, y: 0, w: img.width, h: img.height }, THUMB, true);
}

/** Mean absolute difference of two thumbnails (0–255 scale). */
export function thumbDiff(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / a.length;
}

export interface FrozenStats {
  /** median consecutive-frame thumbnail difference (0–255): ~0 for a still fed as the camera */
  motion: number;
  /** share of non-adjacent pairs at least 4× closer than the median adjacent difference (loops) */
  repeats: number;
}

/** Frame-change statistics over thumbnails in time order; NaN motion with fewer than 2. */
export function frozenStats(thumbs: readonly Float32Array[]): FrozenStats {
  if (thumbs.length < 2) return { motion: Number.NaN, repeats: 0 };
  const adj: number[] = [];
  for (let i = 1; i < thumbs.length; i++) adj.push(thumbDiff(thumbs[i - 1], thumbs[i]));
  const motion = median(adj);
  let n = 0;
  let rep = 0;
  for (let i = 0; i < thumbs.length; i++)
    for (let j = i + 2; j < thumbs.length; j++) {
      n++;
      if (thumbDiff(thumbs[i], thumbs[j]) * 4 < motion) rep++;
    }
  return { motion, repeats: n ? rep / n : 0 };
}
