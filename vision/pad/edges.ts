/**
 * Straight bezel or paper edges around the face: a print or a device held to the camera puts a
 * long straight edge on several sides of the face; a room rarely frames a face on three sides.
 * A tiny Hough search: near-vertical lines left/right of the face, near-horizontal above/below.
 * With an approach pair, `faceRelativeEdges` keeps only the lines that move with the face.
 */
import type { Box, ImageInput } from '../types.ts';
import { cropArea } from './image-ops.ts';
import { fitSimilarity } from './frozen-frames.ts';

const SIDE = 160;
const ANGLES = [-0.17, -0.09, 0, 0.09, 0.17]; // tan of about ±10°, ±5°, 0°

export interface EdgeStats {
  /** best line support on each side (left, right, top, bottom): share of the segment on a strong edge */
  sides: [number, number, number, number];
  /** mean of the three strongest sides: high when the face is framed by straight edges */
  frame: number;
}

interface Gradients {
  gx: Float32Array;
  gy: Float32Array;
  w: number;
  h: number;
  /** thumbnail px per image px */
  k: number;
}

/** Sobel gradients of the area-averaged luma at ≤160 px on the long side. */
function gradients(img: ImageInput): Gradients {
  const k = SIDE / Math.max(img.width, img.height);
  const w = Math.max(8, Math.round(img.width * k));
  const h = Math.max(8, Math.round(img.height * k));
  // area-averaged luma at ≤160 px on the long side (a square thumbnail resampled to w×h)
  const sq = cropArea(img, { x: 0, y: 0, w: img.width, h: img.height }, SIDE, true);
  const g = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) g[y * w + x] = sq[Math.min(SIDE - 1, Math.floor((y / h) * SIDE)) * SIDE + Math.min(SIDE - 1, Math.floor((x / w) * SIDE))];
  const gx = new Float32Array(w * h);
  const gy = new Float32Array(w * h);
  for (let y = 1; y < h - 1; y++)
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      gx[i] = (g[i - w + 1] + 2 * g[i + 1] + g[i + w + 1] - g[i - w - 1] - 2 * g[i - 1] - g[i + w - 1]) / 4;
      gy[i] = (g[i + w - 1] + 2 * g[i + w] + g[i + w + 1] - g[i - w - 1] - 2 * g[i - w] - g[i - w + 1]) / 4;
    }
  return { gx, gy, w, h, k };
}

/** Straight-edge evidence around `face` (image pixels) in the whole frame. */
export function straightEdges(img: ImageInput, face: Box, minGrad = 10): EdgeStats {
  return search(gradients(img), face, minGrad);
}

/**
 * Edges that move with the face over the approach pair: `near` is resampled onto `far`'s frame by
 * the similarity that carries far's landmarks onto near's (the face's own growth and shift), and a
 * line counts only where both frames have it. A paper or bezel edge is attached to the face and
 * lands on itself; a door frame or a shelf behind a real person stays with the wall, which grows far
 * less than the face as they come closer, so it lands elsewhere — and it is also found with the
 * near frame left where it is, which takes it out even where a row of parallel lines (siding,
 * railings) puts some line under every shift. (For one picture zoomed as a whole, every line
 * lands on itself and moves away from where it was: this is close to `straightEdges`, less the
 * lines so near the zoom's centre that they barely move.)
 */
export function faceRelativeEdges(far: ImageInput, farPts: ArrayLike<number>, near: ImageInput, nearPts: ArrayLike<number>, face: Box, minGrad = 10): EdgeStats {
  const n = Math.min(farPts.length, nearPts.length) / 3;
  const a = new Float64Array(n * 2);
  const b = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    a[i * 2] = farPts[i * 3];
    a[i * 2 + 1] = farPts[i * 3 + 1];
    b[i * 2] = nearPts[i * 3];
    b[i * 2 + 1] = nearPts[i * 3 + 1];
  }
  const S = fitSimilarity(a, b);
  const ch = near.channels;
  const aligned = new Uint8Array(far.width * far.height * ch);
  for (let y = 0; y < far.height; y++)
    for (let x = 0; x < far.width; x++) {
      const dx = x - S.ax;
      const dy = y - S.ay;
      const sx = Math.round(S.zr * dx - S.zi * dy + S.bx);
      const sy = Math.round(S.zi * dx + S.zr * dy + S.by);
      if (sx < 0 || sy < 0 || sx >= near.width || sy >= near.height) continue;
      const i = (sy * near.width + sx) * ch;
      aligned.set(near.data.subarray(i, i + ch), (y * far.width + x) * ch);
    }
  const gf = gradients(far);
  const gn = gradients({ data: aligned, width: far.width, height: far.height, channels: ch });
  // an edge counts where both frames have it: the weaker of the two, near's taken as the strongest
  // within ±1 thumbnail px (hand tremor and the landmark fit leave a pixel of misalignment)
  const { w, h } = gf;
  const both = (p: Float32Array, q: Float32Array) => {
    const out = new Float32Array(p.length);
    for (let y = 1; y < h - 1; y++)
      for (let x = 1; x < w - 1; x++) {
        const i = y * w + x;
        let m = 0;
        for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) m = Math.max(m, Math.abs(q[i + dy * w + dx]));
        out[i] = Math.sign(p[i]) * Math.min(Math.abs(p[i]), m);
      }
    return out;
  };
  // the same test with near as it is (the wall's place): a line that is found there too is one the
  // room holds still — a door frame, siding, a shelf. Each line counts by the support the face's
  // motion adds over staying put, so a row of parallel lines that puts some line under every shift
  // does not add up to a frame
  const gs = gradients(near);
  return search({ ...gf, gx: both(gf.gx, gn.gx), gy: both(gf.gy, gn.gy) }, face, minGrad, { ...gf, gx: both(gf.gx, gs.gx), gy: both(gf.gy, gs.gy) });
}

/** Line support around `face`; with `minus`, each line's support there is subtracted (floored at 0). */
function search(g: Gradients, face: Box, minGrad: number, minus?: Gradients): EdgeStats {
  const { w, h, k } = g;
  const fx = face.x * k;
  const fy = face.y * k;
  const fw = face.w * k;
  const fh = face.h * k;
  const strong = (G: Gradients, i: number, vertical: boolean) => {
    const a = Math.abs(G.gx[i]);
    const b = Math.abs(G.gy[i]);
    return vertical ? a >= minGrad && a > b : b >= minGrad && b > a;
  };
  // vertical line x = x0 + (y - yc)·t over the face's vertical extent (±30%), clipped
  const vline1 = (G: Gradients, x0: number, t: number) => {
    const ya = Math.max(1, Math.round(fy - 0.3 * fh));
    const yb = Math.min(h - 2, Math.round(fy + 1.3 * fh));
    const yc = fy + fh / 2;
    let on = 0;
    let n = 0;
    for (let y = ya; y <= yb; y++) {
      const x = Math.round(x0 + (y - yc) * t);
      if (x < 1 || x > w - 2) continue;
      n++;
      if (strong(G, y * w + x, true) || strong(G, y * w + x + (x0 < fx ? 1 : -1), true)) on++;
    }
    return n >= 0.5 * (yb - ya + 1) ? on / (yb - ya + 1) : 0;
  };
  const hline1 = (G: Gradients, y0: number, t: number) => {
    const xa = Math.max(1, Math.round(fx - 0.3 * fw));
    const xb = Math.min(w - 2, Math.round(fx + 1.3 * fw));
    const xc = fx + fw / 2;
    let on = 0;
    let n = 0;
    for (let x = xa; x <= xb; x++) {
      const y = Math.round(y0 + (x - xc) * t);
      if (y < 1 || y > h - 2) continue;
      n++;
      if (strong(G, y * w + x, false) || strong(G, (y + (y0 < fy ? 1 : -1)) * w + x, false)) on++;
    }
    return n >= 0.5 * (xb - xa + 1) ? on / (xb - xa + 1) : 0;
  };
  const vline = (x0: number, t: number) => Math.max(0, vline1(g, x0, t) - (minus ? vline1(minus, x0, t) : 0));
  const hline = (y0: number, t: number) => Math.max(0, hline1(g, y0, t) - (minus ? hline1(minus, y0, t) : 0));
  const margin = 0.05;
  let left = 0;
  let right = 0;
  let top = 0;
  let bottom = 0;
  for (const t of ANGLES) {
    for (let x = 1; x < fx - margin * fw; x++) left = Math.max(left, vline(x, t));
    for (let x = Math.ceil(fx + (1 + margin) * fw); x < w - 1; x++) right = Math.max(right, vline(x, t));
    for (let y = 1; y < fy - margin * fh; y++) top = Math.max(top, hline(y, t));
    for (let y = Math.ceil(fy + (1 + margin) * fh); y < h - 1; y++) bottom = Math.max(bottom, hline(y, t));
  }
  const sides: [number, number, number, number] = [left, right, top, bottom];
  const s = [...sides].sort((a, b) => b - a);
  return { sides, frame: (s[0] + s[1] + s[2]) / 3 };
}
