/** Verification metrics over genuine/impostor similarity lists (pure functions). */

/** Threshold such that at most `far` of impostors score strictly above it. */
export function thresholdAtFar(impostors: number[], far: number): number {
  const s = [...impostors].sort((a, b) => b - a);
  const k = Math.floor(far * s.length);
  return k < s.length ? s[k] : -Infinity;
}

export function tarAtFar(genuine: number[], impostors: number[], far: number): number {
  const t = thresholdAtFar(impostors, far);
  return genuine.filter((g) => g > t).length / (genuine.length || 1);
}

/** Best accuracy over all thresholds (the usual LFW figure). */
export function bestAccuracy(genuine: number[], impostors: number[]): { accuracy: number; threshold: number } {
  const all = [...genuine.map((s) => [s, 1] as const), ...impostors.map((s) => [s, 0] as const)].sort((a, b) => b[0] - a[0]);
  let tp = 0, fp = 0, best = { accuracy: impostors.length / (all.length || 1), threshold: Infinity };
  for (let i = 0; i < all.length; i++) {
    if (all[i][1]) tp++; else fp++;
    if (i + 1 < all.length && all[i + 1][0] === all[i][0]) continue;
    const acc = (tp + impostors.length - fp) / all.length;
    if (acc > best.accuracy) best = { accuracy: acc, threshold: all[i][0] };
  }
  return best;
}
