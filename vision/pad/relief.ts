/**
 * Facial relief of the approach pair, measured in the pixels rather than in the landmarks. A face
 * coming closer to a pinhole camera magnifies each point by Z / (Z − d), Z its own depth: the nose,
 * lips and brows (nearer the lens) grow a few per cent more than the cheeks at the face's outline.
 * One picture brought closer (a print, a screen replay, a zoomed still) grows as one plane, whatever
 * the face it shows is doing.
 *
 * FaceMesh fits a shape prior, so its landmarks barely show that difference (the `perspective`
 * signal). Here the far frame is warped onto the near one by the similarity that carries the
 * landmarks, and a grid of small patches over the face is tracked from one to the other (normalised
 * cross-correlation, sub-pixel). The residual displacements are regressed on the face's depth from
 * FaceMesh's z: d = H(X) + γ·Δ + β·Δ·X, with X the position from the face's centre and Δ the depth
 * in front of the cheeks, both in face widths. β is the extra magnification per face width of
 * relief. Nuisance terms: H, a plane's motion to first order (translation, affine, and the two
 * projective terms a tilted print or screen adds), and γ, a head turn (the nose shifts sideways
 * more than the cheeks) or a face off the optical axis. Only the part of β that no tilted plane
 * can produce — the dome of the face — counts. For a person whose face grows by G from ~3 face
 * widths away, β ≈ (G − 1) / 3 less what the tilt terms absorb; for a plane β ≈ 0.
 *
 * Measured, not fused (docs/pad-model-card.md, "Facial relief"): it separates the modelled approach
 * from a plane on the training recipes, but on the element's real captures of webcam users in the
 * browser harness it did not separate real people from replays.
 */
import type { ImageInput } from '../types.ts';
import { fitSimilarity } from './frozen-frames.ts';
import { bilinearAt } from './image-ops.ts';

/** Near face width (cheek to cheek) in the normalised patch, px. */
const FACE = 160;
/** Side of the normalised patch (the face ×1.5). */
const SIDE = 240;
/** Tracked patch half-size and search radius, normalised px. */
const HALF = 6;
/** Coarse search radius (2-px steps), then ±1 px around the best. */
const RADIUS = 10;
/** Grid step of the tracked points, normalised px. */
const STEP = 10;
/** Patches flatter than this (luma standard deviation) or matching worse than MIN_NCC are not used. */
const MIN_STD = 3;
const MIN_NCC = 0.6;
/** Fewer tracked points than this: no measurement. */
const MIN_POINTS = 24;

const CHEEK_R = 234;
const CHEEK_L = 454;
const LIPS = [61, 291, 0, 17, 39, 269, 181, 405, 13, 14] as const;
const EYES = [33, 133, 159, 145, 468, 362, 263, 386, 374, 473].filter((i) => i < 468);
const BROWS = [70, 63, 105, 66, 107, 336, 296, 334, 293, 300] as const;

export interface Relief {
  /** β / (G − 1): ≈ 1 / (distance in face widths) for a head, ≈ 0 for a plane; NaN without enough points */
  relief: number;
  /** β̂ itself: extra magnification per face width of relief (≈ 0 between frames of the same distance) */
  beta: number;
  /** β̂ over its standard error */
  t: number;
  /** tracked points used */
  points: number;
}

function luma(img: ImageInput): Float32Array {
  const { width: W, height: H, channels: ch, data } = img;
  const g = new Float32Array(W * H);
  for (let i = 0, j = 0; i < W * H; i++, j += ch) g[i] = 0.299 * data[j] + 0.587 * data[j + 1] + 0.114 * data[j + 2];
  return g;
}

/**
 * The patch SIDE×SIDE whose pixel (u, v) is image point map(u, v), supersampled by `ss`×`ss`
 * (an area average when the patch is smaller than the image region).
 */
function render(img: ImageInput, map: (u: number, v: number) => [number, number], ss: number): Float32Array {
  const g = luma(img);
  const out = new Float32Array(SIDE * SIDE);
  for (let v = 0; v < SIDE; v++)
    for (let u = 0; u < SIDE; u++) {
      let s = 0;
      for (let j = 0; j < ss; j++)
        for (let i = 0; i < ss; i++) {
          const [x, y] = map(u + (i + 0.5) / ss - 0.5, v + (j + 0.5) / ss - 0.5);
          s += bilinearAt(g, img.width, img.height, x, y);
        }
      out[v * SIDE + u] = s / (ss * ss);
    }
  return out;
}

/** Normalised cross-correlation of the (2·HALF+1)² patch of `a` at (ax, ay) with `b` at (bx, by). */
function ncc(a: Float32Array, ax: number, ay: number, b: Float32Array, bx: number, by: number): number {
  let sa = 0;
  let sb = 0;
  let saa = 0;
  let sbb = 0;
  let sab = 0;
  let n = 0;
  for (let dy = -HALF; dy <= HALF; dy++)
    for (let dx = -HALF; dx <= HALF; dx++) {
      const p = a[(ay + dy) * SIDE + ax + dx];
      const q = b[(by + dy) * SIDE + bx + dx];
      sa += p;
      sb += q;
      saa += p * p;
      sbb += q * q;
      sab += p * q;
      n++;
    }
  const va = saa - (sa * sa) / n;
  const vb = sbb - (sb * sb) / n;
  return va > 0 && vb > 0 ? (sab - (sa * sb) / n) / Math.sqrt(va * vb) : 0;
}

function patchStd(a: Float32Array, ax: number, ay: number): number {
  let s = 0;
  let ss = 0;
  let n = 0;
  for (let dy = -HALF; dy <= HALF; dy++)
    for (let dx = -HALF; dx <= HALF; dx++) {
      const p = a[(ay + dy) * SIDE + ax + dx];
      s += p;
      ss += p * p;
      n++;
    }
  return Math.sqrt(Math.max(0, ss / n - (s / n) ** 2));
}

/** Sub-pixel offset of a parabola's peak through (−1, l), (0, c), (1, r). */
function peak(l: number, c: number, r: number): number {
  const den = l - 2 * c + r;
  return den < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (l - r)) / den)) : 0;
}

/** Solves the k×k system M x = y (Gauss–Jordan with partial pivoting, on a copy); null when singular. */
function solve(M: number[][], y: number[]): number[] | null {
  const k = y.length;
  const A = M.map((row, i) => [...row, y[i]]);
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(A[r][c]) > Math.abs(A[p][c])) p = r;
    if (Math.abs(A[p][c]) < 1e-12) return null;
    [A[c], A[p]] = [A[p], A[c]];
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = A[r][c] / A[c][c];
      for (let j = c; j <= k; j++) A[r][j] -= f * A[c][j];
    }
  }
  return A.map((row, i) => row[k] / row[i]);
}

/**
 * Relief of the approach pair far → near (RGB/RGBA frames and their 468-point meshes, x,y,z stride
 * 3). NaN relief when the faces are too small or too few patches can be tracked.
 */
export function approachRelief(farImg: ImageInput, farPts: ArrayLike<number>, nearImg: ImageInput, nearPts: ArrayLike<number>): Relief {
  const none: Relief = { relief: Number.NaN, beta: Number.NaN, t: Number.NaN, points: 0 };
  const n = Math.floor(Math.min(farPts.length, nearPts.length) / 3);
  if (n <= CHEEK_L) return none;
  const wOf = (p: ArrayLike<number>) => Math.hypot(p[CHEEK_L * 3] - p[CHEEK_R * 3], p[CHEEK_L * 3 + 1] - p[CHEEK_R * 3 + 1]);
  const wf = wOf(farPts);
  const wn = wOf(nearPts);
  if (!(wf > 20 && wn > 20)) return none;
  const gain = wn / wf;
  // the landmarks' x, y (the similarity near → far is fitted on them)
  const xy = (p: ArrayLike<number>) => {
    const o = new Float64Array(n * 2);
    for (let i = 0; i < n; i++) {
      o[i * 2] = p[i * 3];
      o[i * 2 + 1] = p[i * 3 + 1];
    }
    return o;
  };
  const fxy = xy(farPts);
  const nxy = xy(nearPts);
  const S = fitSimilarity(nxy, fxy); // near → far
  const k = wn / FACE; // near px per normalised px
  // the normalised frame is centred on the near face's cheek midpoint
  const cx = (nearPts[CHEEK_R * 3] + nearPts[CHEEK_L * 3]) / 2;
  const cy = (nearPts[CHEEK_R * 3 + 1] + nearPts[CHEEK_L * 3 + 1]) / 2;
  const toNear = (u: number, v: number): [number, number] => [cx + (u - SIDE / 2) * k, cy + (v - SIDE / 2) * k];
  const toFar = (u: number, v: number): [number, number] => {
    const [x, y] = toNear(u, v);
    const dx = x - S.ax;
    const dy = y - S.ay;
    return [S.zr * dx - S.zi * dy + S.bx, S.zi * dx + S.zr * dy + S.by];
  };
  const kFar = k * Math.hypot(S.zr, S.zi);
  const N = render(nearImg, toNear, Math.min(3, Math.max(1, Math.round(k))));
  const F = render(farImg, toFar, Math.min(3, Math.max(1, Math.round(kFar))));

  // depth in front of the cheeks, in face widths, at the near mesh's points (normalised coordinates)
  const zRef = (farPts[CHEEK_R * 3 + 2] + farPts[CHEEK_L * 3 + 2]) / 2;
  const lu = new Float64Array(n);
  const lv = new Float64Array(n);
  const ld = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    lu[i] = (nearPts[i * 3] - cx) / k + SIDE / 2;
    lv[i] = (nearPts[i * 3 + 1] - cy) / k + SIDE / 2;
    ld[i] = (zRef - farPts[i * 3 + 2]) / wf;
  }
  const sigma = 0.06 * FACE;
  const depthAt = (u: number, v: number): number => {
    let sw = 0;
    let sz = 0;
    let near = Infinity;
    for (let i = 0; i < n; i++) {
      const d2 = (lu[i] - u) ** 2 + (lv[i] - v) ** 2;
      near = Math.min(near, d2);
      if (d2 > 9 * sigma * sigma) continue;
      const w = Math.exp(-d2 / (2 * sigma * sigma));
      sw += w;
      sz += w * ld[i];
    }
    // only inside the mesh: a grid point farther than a patch from every landmark is not on the face
    return near <= (HALF * 1.5) ** 2 && sw > 0 ? sz / sw : Number.NaN;
  };

  // parts that move on their own (lips, eyes and lids, brows) are left out: the approach pair is
  // ~0.8 s apart and a person talks and blinks meanwhile; the skull's points move rigidly
  const mobile: [number, number][] = [];
  const addMobile = (idx: readonly number[], r: number) => {
    for (const i of idx) mobile.push([i, (r * FACE) ** 2]);
  };
  addMobile(LIPS, 0.1);
  addMobile(EYES, 0.07);
  addMobile(BROWS, 0.05);
  const isMobile = (u: number, v: number) => mobile.some(([i, r2]) => (lu[i] - u) ** 2 + (lv[i] - v) ** 2 < r2);

  // track every grid point: residual displacement near ← far after the similarity
  const rows: { X: number; Y: number; D: number; dx: number; dy: number }[] = [];
  const lo = HALF + RADIUS + 2;
  const W = 2 * RADIUS + 1;
  const c = new Float64Array(W * W);
  for (let v = lo; v < SIDE - lo; v += STEP)
    for (let u = lo; u < SIDE - lo; u += STEP) {
      const D = depthAt(u, v);
      if (!Number.isFinite(D) || isMobile(u, v)) continue;
      if (patchStd(F, u, v) < MIN_STD) continue;
      c.fill(-2);
      const at = (dx: number, dy: number) => {
        const k = (dy + RADIUS) * W + dx + RADIUS;
        if (c[k] === -2) c[k] = ncc(F, u, v, N, u + dx, v + dy);
        return c[k];
      };
      let bx = 0;
      let by = 0;
      for (let dy = -RADIUS; dy <= RADIUS; dy += 2)
        for (let dx = -RADIUS; dx <= RADIUS; dx += 2) if (at(dx, dy) > at(bx, by)) [bx, by] = [dx, dy];
      for (let it = 0; it < 3; it++) {
        let mx = bx;
        let my = by;
        for (let dy = Math.max(-RADIUS, by - 1); dy <= Math.min(RADIUS, by + 1); dy++)
          for (let dx = Math.max(-RADIUS, bx - 1); dx <= Math.min(RADIUS, bx + 1); dx++) if (at(dx, dy) > at(mx, my)) [mx, my] = [dx, dy];
        if (mx === bx && my === by) break;
        [bx, by] = [mx, my];
      }
      const best = at(bx, by);
      if (best < MIN_NCC || Math.abs(bx) === RADIUS || Math.abs(by) === RADIUS) continue;
      const sx = bx + peak(at(bx - 1, by), best, at(bx + 1, by));
      const sy = by + peak(at(bx, by - 1), best, at(bx, by + 1));
      rows.push({ X: (u - SIDE / 2) / FACE, Y: (v - SIDE / 2) / FACE, D, dx: sx / FACE, dy: sy / FACE });
    }
  if (rows.length < MIN_POINTS) return { ...none, points: rows.length };

  // weighted least squares (Huber-reweighted) of the displacement model, both axes stacked: a
  // plane's motion to first order (translation, affine, the two projective terms of a tilt), a head
  // turn (γ: a shift in proportion to depth) and the relief β: θ = [tx, ty, a, b, c, d, p, q, γx, γy, β]
  const K = 11;
  const design = (r: (typeof rows)[number]): [number[], number[]] => [
    [1, 0, r.X, r.Y, 0, 0, r.X * r.X, r.X * r.Y, r.D, 0, r.D * r.X],
    [0, 1, 0, 0, r.X, r.Y, r.X * r.Y, r.Y * r.Y, 0, r.D, r.D * r.Y],
  ];
  const w = rows.map(() => 1);
  let theta: number[] | null = null;
  /** variance of β̂: the last diagonal element of σ²·M⁻¹ */
  let varBeta = Number.NaN;
  for (let it = 0; it < 4; it++) {
    const M = Array.from({ length: K }, () => new Array<number>(K).fill(0));
    const y = new Array<number>(K).fill(0);
    rows.forEach((p, i) => {
      const [ax, ay] = design(p);
      for (const [a, obs] of [
        [ax, p.dx],
        [ay, p.dy],
      ] as const) {
        for (let r = 0; r < K; r++) {
          y[r] += w[i] * a[r] * obs;
          for (let c = 0; c < K; c++) M[r][c] += w[i] * a[r] * a[c];
        }
      }
    });
    theta = solve(M, y);
    if (!theta) return { ...none, points: rows.length };
    const res = rows.map((p) => {
      const [ax, ay] = design(p);
      const ex = p.dx - ax.reduce((s, a, j) => s + a * theta![j], 0);
      const ey = p.dy - ay.reduce((s, a, j) => s + a * theta![j], 0);
      return Math.hypot(ex, ey);
    });
    const mad = [...res].sort((a, b) => a - b)[Math.floor(res.length / 2)] || 1e-6;
    const c = 1.5 * mad;
    for (let i = 0; i < rows.length; i++) w[i] = res[i] <= c ? 1 : c / res[i];
    if (it === 3) {
      let rss = 0;
      let sw = 0;
      for (let i = 0; i < rows.length; i++) {
        rss += w[i] * res[i] ** 2;
        sw += w[i];
      }
      const sigma2 = rss / Math.max(1, 2 * sw - K);
      const col = solve(M, Array.from({ length: K }, (_, j) => (j === K - 1 ? 1 : 0)));
      if (col) varBeta = col[K - 1] * sigma2;
    }
  }
  const beta = theta![K - 1];
  const se = Number.isFinite(varBeta) ? Math.sqrt(Math.max(0, varBeta)) : Number.NaN;
  return { relief: beta / Math.max(0.05, gain - 1), beta, t: se > 0 ? beta / se : Number.NaN, points: rows.length };
}
