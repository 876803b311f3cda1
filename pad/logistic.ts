/**
 * Small, deterministic logistic fits for pad/train.ts: per-signal calibration (1-D, L2) and the
 * fusion model (non-negative weights, L2), both class-balanced, by plain gradient descent.
 */

export interface Xy {
  x: number[][];
  /** 1 bona fide, 0 attack */
  y: number[];
}

const sig = (z: number) => 1 / (1 + Math.exp(-z));

/**
 * Minimises class-balanced logistic loss + λ/2·|w|² over w (and unpenalised bias).
 * `nonNeg` projects w onto w ≥ 0 after each step.
 */
export function fitLogistic(d: Xy, o: { lambda: number; nonNeg?: boolean; iters?: number; lr?: number }): { w: number[]; b: number } {
  const n = d.y.length;
  const k = d.x[0]?.length ?? 0;
  const pos = d.y.filter((v) => v === 1).length;
  const cw = d.y.map((v) => (v === 1 ? n / (2 * pos) : n / (2 * (n - pos))));
  const w = new Array<number>(k).fill(0);
  let b = 0;
  const lr = o.lr ?? 0.5;
  for (let it = 0; it < (o.iters ?? 3000); it++) {
    const gw = new Array<number>(k).fill(0);
    let gb = 0;
    for (let i = 0; i < n; i++) {
      let z = b;
      for (let j = 0; j < k; j++) z += w[j] * d.x[i][j];
      const e = (sig(z) - d.y[i]) * cw[i];
      for (let j = 0; j < k; j++) gw[j] += e * d.x[i][j];
      gb += e;
    }
    for (let j = 0; j < k; j++) {
      w[j] -= lr * (gw[j] / n + o.lambda * w[j]);
      if (o.nonNeg && w[j] < 0) w[j] = 0;
    }
    b -= lr * (gb / n);
  }
  return { w, b };
}

/** Percentile (0–1) of a numeric array (nearest rank). */
export function percentile(v: readonly number[], q: number): number {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))];
}
