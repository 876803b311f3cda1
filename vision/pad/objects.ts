/**
 * Context: the object detector's phone / screen / laptop classes overlapping the face mean the
 * face is probably shown on a device (photo of a photo).
 */
import type { Box, DetectedObject } from '../types.ts';

export const SCREEN_CLASSES: readonly string[] = ['cell phone', 'tv', 'laptop', 'remote'];

/** Share of `b`'s area inside `a`. */
function covered(a: Box, b: Box): number {
  const x = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
  const y = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
  return b.w * b.h > 0 ? (x * y) / (b.w * b.h) : 0;
}

/** Highest score of a screen-like object that covers ≥ 30% of the face box; 0 when none. */
export function screenOverlap(objects: readonly DetectedObject[], face: Box): number {
  let best = 0;
  for (const o of objects) if (SCREEN_CLASSES.includes(o.label) && covered(o.box, face) >= 0.3) best = Math.max(best, o.score);
  return best;
}
