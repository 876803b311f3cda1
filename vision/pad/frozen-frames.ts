/**
 * Frozen or looping frames: a still image fed as the camera repeats (near-)identical frames; a
 * looped clip repeats earlier ones. Compared on small whole-frame luma thumbnails, which average
 * away the per-frame noise an attacker might add.
 */
import type { ImageInput } from '../types.ts';
import { bilinearAt, cropArea, landmarkBox } from './image-ops.ts';
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

// ---------- one picture up to a similarity (digital zoom, pan, roll) ----------

/** Side of the scale-normalised luma patch: the landmark box ×2, so the face spans ~half of it. */
const NORM = 96;
/** Sampled grid (GRID×GRID) over the face box ×1.3 in the reference frame. */
const GRID = 32;

interface NormFrame {
  g: Float32Array;
  /** landmarks in patch coordinates (x, y pairs) */
  p: Float64Array;
}

/** Area-averaged luma of the landmark box ×2, resampled so every face has the same size (zoom removed). */
function normFrame(img: ImageInput, points: ArrayLike<number>): NormFrame {
  const box = landmarkBox(points, 2);
  const g = cropArea(img, box, NORM, true);
  const n = Math.floor(points.length / 3);
  const p = new Float64Array(n * 2);
  const k = NORM / box.w;
  for (let i = 0; i < n; i++) {
    p[i * 2] = (points[i * 3] - box.x) * k;
    p[i * 2 + 1] = (points[i * 3 + 1] - box.y) * k;
  }
  return { g, p };
}

/** Least-squares similarity a→b over point pairs: b ≈ z·(a − ca) + cb with z = (zr, zi) complex. */
export function fitSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): { zr: number; zi: number; ax: number; ay: number; bx: number; by: number } {
  const n = Math.floor(a.length / 2);
  let ax = 0;
  let ay = 0;
  let bx = 0;
  let by = 0;
  for (let i = 0; i < n; i++) {
    ax += a[i * 2];
    ay += a[i * 2 + 1];
    bx += b[i * 2];
    by += b[i * 2 + 1];
  }
  ax /= n;
  ay /= n;
  bx /= n;
  by /= n;
  let re = 0;
  let im = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const px = a[i * 2] - ax;
    const py = a[i * 2 + 1] - ay;
    const qx = b[i * 2] - bx;
    const qy = b[i * 2 + 1] - by;
    re += px * qx + py * qy;
    im += px * qy - py * qx;
    den += px * px + py * py;
  }
  return { zr: den > 0 ? re / den : 1, zi: den > 0 ? im / den : 0, ax, ay, bx, by };
}

function standardise(v: Float32Array): Float32Array {
  let m = 0;
  for (const x of v) m += x;
  m /= v.length;
  let s = 0;
  for (const x of v) s += (x - m) ** 2;
  const sd = Math.sqrt(s / v.length) || 1;
  return v.map((x) => (x - m) / sd);
}

/**
 * Pixel change between two frames that a similarity transform (zoom, pan, roll) cannot explain:
 * both frames are resampled to the same face scale, `a` is warped onto `b` by the similarity fitted
 * on all landmarks (refined over ±1 px shifts), and the mean absolute difference of the
 * contrast-normalised face region (face box ×1.3, background at its sides included) is returned, in
 * standard deviations. One picture digitally zoomed (a still fed as the camera) leaves only JPEG and
 * resampling noise; a live face talks, blinks and turns against its background.
 */
export function alignedChange(imgA: ImageInput, ptsA: ArrayLike<number>, imgB: ImageInput, ptsB: ArrayLike<number>): number {
  return alignedNorm(normFrame(imgA, ptsA), normFrame(imgB, ptsB));
}

function alignedNorm(A: NormFrame, B: NormFrame): number {
  const S = fitSimilarity(B.p, A.p); // b → a: where each sample of b comes from in a
  const tb = new Float32Array(GRID * GRID);
  const pos = new Float64Array(GRID * GRID * 2);
  // the face box ×1.3 in b's patch: the patch is the box ×2 around the same centre
  const side = (NORM * 1.3) / 2;
  const o = (NORM - side) / 2;
  for (let v = 0; v < GRID; v++)
    for (let u = 0; u < GRID; u++) {
      const x = o + ((u + 0.5) / GRID) * side;
      const y = o + ((v + 0.5) / GRID) * side;
      tb[v * GRID + u] = bilinearAt(B.g, NORM, NORM, x, y);
      const dx = x - S.bx;
      const dy = y - S.by;
      pos[(v * GRID + u) * 2] = S.zr * dx - S.zi * dy + S.ax;
      pos[(v * GRID + u) * 2 + 1] = S.zi * dx + S.zr * dy + S.ay;
    }
  const nb = standardise(tb);
  let best = Infinity;
  const ta = new Float32Array(GRID * GRID);
  for (let sy = -1; sy <= 1; sy += 0.5)
    for (let sx = -1; sx <= 1; sx += 0.5) {
      for (let k = 0; k < GRID * GRID; k++) ta[k] = bilinearAt(A.g, NORM, NORM, pos[k * 2] + sx, pos[k * 2 + 1] + sy);
      const na = standardise(ta);
      let s = 0;
      for (let k = 0; k < na.length; k++) s += Math.abs(na[k] - nb[k]);
      best = Math.min(best, s / na.length);
    }
  return best;
}

export interface AlignedStats {
  /** 75th percentile over consecutive pairs of `alignedChange` */
  p75: number;
  /** largest consecutive-pair `alignedChange` */
  max: number;
  /**
   * largest `alignedChange` over every pair of frames whose face sizes differ by < SAME_SCALE: below
   * FROZEN_ALIGNED every frame is one picture up to a similarity. Pairs far apart in time see a
   * still person's slow expression change; same-scale pairs keep a zoomed still's resampling noise low.
   */
  spread: number;
}

/** Face-size ratio under which two frames count as the same scale for `spread`. */
export const SAME_SCALE = 1.12;

/**
 * Below this `spread` (in standard deviations) every evidence frame is the same picture up to a
 * zoom/pan/roll. Measured on the fixtures (JPEG q88 evidence): a still of d18 zoomed 1→1.45× by
 * ffmpeg, as the browser attack test feeds it, ≤ 0.13; the still-as-camera recipe mostly ≤ 0.15
 * (its per-frame added noise on a small face can lift it past 0.3: the fused signals must catch
 * those); bona fide windows ≥ 0.19 (d0, a person holding very still on a plain background;
 * most clips ≥ 0.25). Consecutive pairs alone (`max`) put d0 at 0.14–0.18, inside the stills' range.
 */
export const FROZEN_ALIGNED = 0.16;

/** Aligned change over a frame sequence (time order, landmarks present); NaN fields with fewer than 2 frames. */
export function rigidSceneChange(frames: readonly { image: ImageInput; points: ArrayLike<number> }[]): AlignedStats {
  const n = frames.map((f) => normFrame(f.image, f.points));
  const size = frames.map((f) => landmarkBox(f.points, 1).w);
  const r: number[] = [];
  let spread = Number.NaN;
  for (let i = 0; i < n.length; i++)
    for (let j = i + 1; j < n.length; j++) {
      const adjacent = j === i + 1;
      const sameScale = Math.max(size[i], size[j]) < SAME_SCALE * Math.min(size[i], size[j]);
      if (!adjacent && !sameScale) continue;
      const v = alignedNorm(n[i], n[j]);
      if (!Number.isFinite(v)) continue;
      if (adjacent) r.push(v);
      if (sameScale) spread = Number.isNaN(spread) ? v : Math.max(spread, v);
    }
  if (!r.length) return { p75: Number.NaN, max: Number.NaN, spread };
  r.sort((a, b) => a - b);
  return { p75: r[Math.floor(0.75 * (r.length - 1))], max: r[r.length - 1], spread };
}

/**
 * Above this aligned change of the approach pair (far → near, similarity-aligned) the capture is
 * not one picture, whatever the passive frames show: a person who holds still still comes closer
 * in depth (the wall does not grow with them, the nose grows faster than the cheeks). Chosen in
 * pad/train.ts between the still-as-camera recipe and bona fide windows of the fit groups.
 */
export const FROZEN_APPROACH = 0.18;

/**
 * At or above this backdrop parallax of the approach pair (backdrop.ts) the surroundings stayed
 * while the face grew: the frames are not one picture. On the fit and threshold groups' samples
 * that have the signal: still-as-camera recipe ≤ 0.005, print ≤ 0.12, bona fide 18 of 20 > 0.1.
 */
export const FROZEN_BACKDROP = 0.2;

/**
 * At or above this eye-aspect-ratio range over the passive frames (the `blink` feature, blink.ts)
 * the eyes closed while the rest held still: one picture cannot blink. A person who holds still
 * with their face filling the frame leaves the veto nothing else (no backdrop ring, a small
 * approach change). On the fit and threshold groups (pad/train.ts prints each species' blink
 * values), the attack samples the other clauses veto reach at most 0.258 (a recorded MSU replay;
 * print 0.232, still-as-camera 0.139); bona fide windows median 0.253. A video replay blinks, but
 * the veto never held those for their blinks (they show real motion); the fused signals judge it
 * as before.
 */
export const FROZEN_BLINK = 0.3;

/**
 * The frozen-scene veto: every same-scale frame pair is one picture up to a similarity (`spread` <
 * FROZEN_ALIGNED), and the approach pair, when there is one, is too (its aligned change is below
 * FROZEN_APPROACH and its surroundings did not stay behind: backdrop parallax below FROZEN_BACKDROP),
 * and the eyes did not blink (`blink` below FROZEN_BLINK).
 */
export function frozenScene(s: { alignedSpread: number; alignedApproach: number; backdrop?: number; features?: { blink?: number } }): boolean {
  return (
    s.alignedSpread < FROZEN_ALIGNED &&
    !(s.alignedApproach >= FROZEN_APPROACH) &&
    !((s.backdrop ?? Number.NaN) >= FROZEN_BACKDROP) &&
    !((s.features?.blink ?? Number.NaN) >= FROZEN_BLINK)
  );
}
