/**
 * Backdrop parallax over the approach pair. A person who comes closer to the camera grows; the
 * room behind them stays where it was (or grows a little, when the camera moves instead). One
 * picture brought closer — a print, a screen, a phone, a still fed as the camera and zoomed —
 * carries its own background with the face: every pixel around the head grows exactly as the face.
 *
 * On the ring of the near frame around the head (beside and above it; the hair, neck and shoulders
 * are left out) this compares how well the far frame explains it under two hypotheses:
 * - **with the face**: the similarity that carries far's landmarks onto near's;
 * - **static backdrop**: a scale of 1–1.12 about the frame centre with a small shift.
 * Both are searched over the same number of candidates. The result is log10 of the ratio of the
 * two residuals (contrast-normalised mean absolute differences): > 0 the surroundings stayed
 * (a person), < 0 they moved with the face (one plane), ~0 a featureless wall that shows neither.
 */
import type { ImageInput } from '../types.ts';
import { cropArea, landmarkBox } from './image-ops.ts';
import { fitSimilarity } from './frozen-frames.ts';

/** Long side of the luma thumbnail the comparison runs on. */
const SIDE = 160;
/** Fewer ring samples than this: no measurement (the face fills the frame). */
const MIN_SAMPLES = 120;
/** Residual floor (standard deviations) that keeps two near-zero residuals from making a large ratio. */
const EPS = 0.05;
const STATIC_SCALES = [1, 1.03, 1.06, 1.09, 1.12];
const FACE_SCALES = [0.97, 0.985, 1, 1.015, 1.03];
const SHIFTS = [-2, -1, 0, 1, 2];
/**
 * The head left out of the ring, in face-box widths from the face's centre line (ears and hair
 * beside it) and above the box's top (hair): the head grows with the face and is not backdrop.
 */
const HEAD_SIDE = 0.8;
const HEAD_TOP = 0.55;

interface Thumb {
  g: Float32Array;
  w: number;
  h: number;
  /** thumbnail px per image px */
  k: number;
}

function thumb(img: ImageInput): Thumb {
  const S = Math.max(img.width, img.height);
  const k = SIDE / S;
  // a square crop of the whole frame (the short side padded by clamping), used only where valid
  return { g: cropArea(img, { x: 0, y: 0, w: S, h: S }, SIDE, true), w: Math.floor(img.width * k), h: Math.floor(img.height * k), k };
}

function sample(t: Thumb, x: number, y: number): number {
  if (x < 0 || y < 0 || x > t.w - 1.001 || y > t.h - 1.001) return Number.NaN;
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  const i = y0 * SIDE + x0;
  const g = t.g;
  return (g[i] * (1 - fx) + g[i + 1] * fx) * (1 - fy) + (g[i + SIDE] * (1 - fx) + g[i + SIDE + 1] * fx) * fy;
}

/** Head region (thumbnail px): the face box widened for hair and ears, and everything below the chin. */
interface Region {
  x0: number;
  x1: number;
  top: number;
  chin: number;
}

function headRegion(points: ArrayLike<number>, k: number): Region {
  const b = landmarkBox(points, 1.0);
  const cx = (b.x + b.w / 2) * k;
  const w = b.w * k;
  return { x0: cx - HEAD_SIDE * w, x1: cx + HEAD_SIDE * w, top: b.y * k - HEAD_TOP * w, chin: (b.y + b.h) * k };
}

const inHead = (r: Region, x: number, y: number) => y >= r.chin || (x >= r.x0 && x <= r.x1 && y >= r.top);

/** Mean absolute difference of the two sample vectors after standardising each (NaN samples skipped). */
function residual(a: Float32Array, b: Float32Array): number {
  let n = 0;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(b[i])) continue;
    n++;
    ma += a[i];
    mb += b[i];
  }
  if (n < MIN_SAMPLES) return Number.NaN;
  ma /= n;
  mb /= n;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(b[i])) continue;
    va += (a[i] - ma) ** 2;
    vb += (b[i] - mb) ** 2;
  }
  const sa = Math.sqrt(va / n) || 1;
  const sb = Math.sqrt(vb / n) || 1;
  let s = 0;
  for (let i = 0; i < a.length; i++) if (!Number.isNaN(b[i])) s += Math.abs((a[i] - ma) / sa - (b[i] - mb) / sb);
  return s / n;
}

export interface BackdropParallax {
  /** log10((withFace + EPS) / (static + EPS)); NaN when the ring is too small */
  parallax: number;
  /** residual when the surroundings move with the face (standard deviations) */
  withFace: number;
  /** residual when they stay (standard deviations) */
  static: number;
  /** ring samples used */
  samples: number;
}

/**
 * Backdrop parallax of an approach pair: `far`/`near` frames with their FaceMesh landmarks
 * (x, y, z stride 3, image pixels), near the larger face.
 */
export function backdropParallax(far: ImageInput, farPts: ArrayLike<number>, near: ImageInput, nearPts: ArrayLike<number>): BackdropParallax {
  const none: BackdropParallax = { parallax: Number.NaN, withFace: Number.NaN, static: Number.NaN, samples: 0 };
  const F = thumb(far);
  const N = thumb(near);
  const n = Math.min(farPts.length, nearPts.length) / 3;
  const a = new Float64Array(n * 2);
  const b = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    a[i * 2] = nearPts[i * 3] * N.k;
    a[i * 2 + 1] = nearPts[i * 3 + 1] * N.k;
    b[i * 2] = farPts[i * 3] * F.k;
    b[i * 2 + 1] = farPts[i * 3 + 1] * F.k;
  }
  const S = fitSimilarity(a, b); // near → far: where each near pixel was in far if it moved with the face
  const hn = headRegion(nearPts, N.k);
  const hf = headRegion(farPts, F.k);
  // the ring: beside and above the near head, out to 2.2 face widths, above the chin
  const fw = (hn.x1 - hn.x0) / (2 * HEAD_SIDE);
  const cx = (hn.x0 + hn.x1) / 2;
  const xs: number[] = [];
  const ys: number[] = [];
  for (let y = Math.max(0, Math.floor(hn.top - 0.7 * fw)); y < Math.min(N.h, hn.chin); y++)
    for (let x = Math.max(0, Math.floor(cx - 2.2 * fw)); x < Math.min(N.w, Math.ceil(cx + 2.2 * fw)); x++) {
      if (inHead(hn, x, y)) continue;
      // where the static backdrop hypothesis reads far: near the same place, which must not be far's head either
      if (inHead(hf, x, y)) continue;
      xs.push(x);
      ys.push(y);
    }
  if (xs.length < MIN_SAMPLES) return { ...none, samples: xs.length };
  const ref = new Float32Array(xs.length);
  for (let i = 0; i < xs.length; i++) ref[i] = N.g[ys[i] * SIDE + xs[i]];
  const got = new Float32Array(xs.length);
  const best = (map: (x: number, y: number, s: number, dx: number, dy: number) => [number, number], scales: readonly number[]) => {
    let r = Infinity;
    for (const s of scales)
      for (const dy of SHIFTS)
        for (const dx of SHIFTS) {
          for (let i = 0; i < xs.length; i++) {
            const [u, v] = map(xs[i], ys[i], s, dx, dy);
            got[i] = sample(F, u, v);
          }
          const e = residual(ref, got);
          if (e < r) r = e;
        }
    return r;
  };
  const ccx = N.w / 2;
  const ccy = N.h / 2;
  const fk = F.k / N.k;
  const staticR = best((x, y, s, dx, dy) => [((x - ccx) / s + ccx) * fk + dx * 0.5, ((y - ccy) / s + ccy) * fk + dy * 0.5], STATIC_SCALES);
  const faceR = best((x, y, s, dx, dy) => {
    const px = (x - S.ax) / s;
    const py = (y - S.ay) / s;
    return [S.zr * px - S.zi * py + S.bx + dx * 0.5, S.zi * px + S.zr * py + S.by + dy * 0.5];
  }, FACE_SCALES);
  if (!Number.isFinite(staticR) || !Number.isFinite(faceR)) return { ...none, samples: xs.length };
  return { parallax: Math.log10((faceR + EPS) / (staticR + EPS)), withFace: faceR, static: staticR, samples: xs.length };
}
