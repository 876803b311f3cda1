/** Luminance statistics of a frame: inner face region, background, clipping, and eye patches. */
import type { Box, ImageInput } from '../../vision/types.ts';

export interface PatchStats {
  mean: number;
  std: number;
}

export interface FrameStats {
  /** mean BT.601 luma 0–255 of the whole frame */
  frameLuma: number;
  /** mean luma of the inner face region (centre of the frame when no face) */
  faceLuma: number;
  /** mean luma outside the face box */
  backgroundLuma: number;
  /** fraction of inner-face pixels at ≥ 250 luma */
  faceClippedFrac: number;
  /** fraction of inner-face pixels at ≤ 5 luma */
  faceCrushedFrac: number;
}

/** Mean and std-dev of luma inside `box` (clipped to the frame), sampling every `step` pixels. */
export function patchStats(img: ImageInput, box: Box, step = 1): PatchStats {
  const x0 = Math.max(0, Math.floor(box.x));
  const y0 = Math.max(0, Math.floor(box.y));
  const x1 = Math.min(img.width, Math.ceil(box.x + box.w));
  const y1 = Math.min(img.height, Math.ceil(box.y + box.h));
  const { data, channels: c, width } = img;
  let n = 0;
  let s = 0;
  let s2 = 0;
  for (let y = y0; y < y1; y += step) {
    for (let x = x0; x < x1; x += step) {
      const i = (y * width + x) * c;
      const l = 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
      s += l;
      s2 += l * l;
      n++;
    }
  }
  if (!n) return { mean: 0, std: 0 };
  const mean = s / n;
  return { mean, std: Math.sqrt(Math.max(0, s2 / n - mean * mean)) };
}

/** The inner face region: the central 60% × 70% of the face box (skips hair and background). */
export function innerFace(box: Box): Box {
  return { x: box.x + box.w * 0.2, y: box.y + box.h * 0.15, w: box.w * 0.6, h: box.h * 0.7 };
}

/** Frame statistics; `face` null → the central third of the frame stands in for the face. */
export function frameStats(img: ImageInput, face: Box | null, step = 2): FrameStats {
  const { data, channels: c, width: W, height: H } = img;
  const f = innerFace(face ?? { x: W / 3, y: H / 3, w: W / 3, h: H / 3 });
  const outer = face ?? f;
  let all = 0;
  let nAll = 0;
  let fs = 0;
  let nf = 0;
  let clipped = 0;
  let crushed = 0;
  let bg = 0;
  let nbg = 0;
  for (let y = 0; y < H; y += step) {
    const inFy = y >= f.y && y < f.y + f.h;
    const inOy = y >= outer.y && y < outer.y + outer.h;
    for (let x = 0; x < W; x += step) {
      const i = (y * W + x) * c;
      const l = 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
      all += l;
      nAll++;
      if (inFy && x >= f.x && x < f.x + f.w) {
        fs += l;
        nf++;
        if (l >= 250) clipped++;
        else if (l <= 5) crushed++;
      }
      if (!(inOy && x >= outer.x && x < outer.x + outer.w)) {
        bg += l;
        nbg++;
      }
    }
  }
  return {
    frameLuma: nAll ? all / nAll : 0,
    faceLuma: nf ? fs / nf : 0,
    backgroundLuma: nbg ? bg / nbg : nf ? fs / nf : 0,
    faceClippedFrac: nf ? clipped / nf : 0,
    faceCrushedFrac: nf ? crushed / nf : 0,
  };
}
