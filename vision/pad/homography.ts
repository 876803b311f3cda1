/**
 * A planar object (print, screen) moves between two views by one homography; a face does not
 * (nose vs cheek/ear parallax, expression). These fit a homography to 2-D landmark pairs and
 * measure what it cannot explain.
 */

/** 3×3 row-major homography with h[8] = 1. */
export type Homography = Float64Array;

/** Solves A x = b in place (Gaussian elimination, partial pivoting); null when singular. */
export function solve(A: Float64Array, b: Float64Array, n: number): Float64Array | null {
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(A[r * n + c]) > Math.abs(A[p * n + c])) p = r;
    if (Math.abs(A[p * n + c]) < 1e-12) return null;
    if (p !== c) {
      for (let k = 0; k < n; k++) [A[c * n + k], A[p * n + k]] = [A[p * n + k], A[c * n + k]];
      [b[c], b[p]] = [b[p], b[c]];
    }
    for (let r = c + 1; r < n; r++) {
      const f = A[r * n + c] / A[c * n + c];
      if (f === 0) continue;
      for (let k = c; k < n; k++) A[r * n + k] -= f * A[c * n + k];
      b[r] -= f * b[c];
    }
  }
  const x = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    let s = b[r];
    for (let k = r + 1; k < n; k++) s -= A[r * n + k] * x[k];
    x[r] = s / A[r * n + r];
  }
  return x;
}

/** Centroid and mean distance to it (Hartley normalisation), over the chosen indices. */
function norm(xy: ArrayLike<number>, idx: readonly number[], stride: number): { cx: number; cy: number; s: number } {
  let cx = 0;
  let cy = 0;
  for (const i of idx) {
    cx += xy[i * stride];
    cy += xy[i * stride + 1];
  }
  cx /= idx.length;
  cy /= idx.length;
  let d = 0;
  for (const i of idx) d += Math.hypot(xy[i * stride] - cx, xy[i * stride + 1] - cy);
  d /= idx.length;
  return { cx, cy, s: d > 0 ? Math.SQRT2 / d : 1 };
}

/**
 * Least-squares homography mapping `src` to `dst` points (flat arrays, `stride` numbers per point,
 * x then y first), over `idx` (default all). Null when degenerate (< 4 points or collinear).
 */
export function fitHomography(src: ArrayLike<number>, dst: ArrayLike<number>, o: { stride?: number; idx?: readonly number[] } = {}): Homography | null {
  const stride = o.stride ?? 2;
  const idx = o.idx ?? Array.from({ length: Math.floor(src.length / stride) }, (_, i) => i);
  if (idx.length < 4) return null;
  const ns = norm(src, idx, stride);
  const nd = norm(dst, idx, stride);
  // normal equations of the 8-unknown DLT (h33 = 1) in normalised coordinates
  const AtA = new Float64Array(64);
  const Atb = new Float64Array(8);
  const row = new Float64Array(8);
  const acc = (r: Float64Array, v: number) => {
    for (let i = 0; i < 8; i++) {
      Atb[i] += r[i] * v;
      for (let j = 0; j < 8; j++) AtA[i * 8 + j] += r[i] * r[j];
    }
  };
  for (const i of idx) {
    const x = (src[i * stride] - ns.cx) * ns.s;
    const y = (src[i * stride + 1] - ns.cy) * ns.s;
    const u = (dst[i * stride] - nd.cx) * nd.s;
    const v = (dst[i * stride + 1] - nd.cy) * nd.s;
    row.set([x, y, 1, 0, 0, 0, -u * x, -u * y]);
    acc(row, u);
    row.set([0, 0, 0, x, y, 1, -v * x, -v * y]);
    acc(row, v);
  }
  const h = solve(AtA, Atb, 8);
  if (!h) return null;
  // H = Td^-1 · Hn · Ts
  const Hn = [h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], 1];
  const Ts = [ns.s, 0, -ns.s * ns.cx, 0, ns.s, -ns.s * ns.cy, 0, 0, 1];
  const TdInv = [1 / nd.s, 0, nd.cx, 0, 1 / nd.s, nd.cy, 0, 0, 1];
  const H = mul3(TdInv, mul3(Hn, Ts));
  if (!Number.isFinite(H[8]) || Math.abs(H[8]) < 1e-12) return null;
  return Float64Array.from(H, (v) => v / H[8]);
}

function mul3(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  const r = new Array<number>(9).fill(0);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) r[i * 3 + j] += a[i * 3 + k] * b[k * 3 + j];
  return r;
}

/** Applies H to (x, y). */
export function project(H: ArrayLike<number>, x: number, y: number): [number, number] {
  const w = H[6] * x + H[7] * y + H[8];
  return [(H[0] * x + H[1] * y + H[2]) / w, (H[3] * x + H[4] * y + H[5]) / w];
}

/** Root-mean-square transfer error of H over `idx`, in dst units. */
export function transferRms(H: ArrayLike<number>, src: ArrayLike<number>, dst: ArrayLike<number>, idx: readonly number[], stride = 2): number {
  let s = 0;
  for (const i of idx) {
    const [u, v] = project(H, src[i * stride], src[i * stride + 1]);
    s += (u - dst[i * stride]) ** 2 + (v - dst[i * stride + 1]) ** 2;
  }
  return Math.sqrt(s / idx.length);
}

/** Inter-ocular distance of a 468-point mesh (x,y,z stride 3): the scale every residual is divided by. */
export function interOcular(points: ArrayLike<number>): number {
  return Math.hypot(points[33 * 3] - points[263 * 3], points[33 * 3 + 1] - points[263 * 3 + 1]);
}

/**
 * Planar residual between two 468-point meshes (stride 3): RMS error of the best single homography
 * over all points, divided by the mean inter-ocular distance. Flat print/screen ≈ landmark noise;
 * a real face turning or coming closer leaves parallax. NaN when the fit fails.
 */
export function planarResidual(a: ArrayLike<number>, b: ArrayLike<number>, idx?: readonly number[]): number {
  const all = idx ?? Array.from({ length: Math.floor(a.length / 3) }, (_, i) => i);
  const H = fitHomography(a, b, { stride: 3, idx: all });
  if (!H) return Number.NaN;
  const iod = (interOcular(a) + interOcular(b)) / 2;
  if (!(iod > 0)) return Number.NaN;
  return transferRms(H, a, b, all, 3) / iod;
}
