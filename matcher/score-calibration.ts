/**
 * Cosine similarity (dlib ResNet, L2-normalised, our 5-point alignment) → identity score −100…+100.
 * Monotone piecewise-linear through these knots, calibrated by `npm run eval` on the fixtures
 * (LFW + deepface pairs). The false-match rate of each band is documented in matcher/README.md.
 */
export interface Knot { cosine: number; score: number }

export const CALIBRATION = {
  model: 'dlib-resnet-face-api@1.7.15',
  knots: [
    { cosine: -1, score: -100 },
    { cosine: 0.6, score: -100 },   // far below the impostor mean
    { cosine: 0.835, score: -70 },  // impostor mean (all-vs-all fixtures)
    { cosine: 0.892, score: -40 },  // above the impostors' 95th percentile (0.8886): deny from here down
    { cosine: 0.906, score: 1 },    // FAR 1% on the fixture impostor pairs
    { cosine: 0.931, score: 50 },   // at most FAR 0.1% on both fixture sets (cosine at FAR 0.1%: all-vs-all 0.9248, pairs CSV 0.9289)
    { cosine: 0.96, score: 80 },
    { cosine: 1, score: 100 },
  ] as Knot[],
};

/**
 * The calibrated −100…+100 score as a float (the ABIS verify answer). A face-bearing comparison
 * never lands in (−1, +1): 0 is reserved for "no usable face" and bands round to integers.
 */
export function calibratedScore(cosine: number, knots: Knot[] = CALIBRATION.knots): number {
  if (!Number.isFinite(cosine)) return 0;
  const c = Math.max(-1, Math.min(1, cosine));
  let s = knots[knots.length - 1].score;
  for (let i = 1; i < knots.length; i++) {
    const a = knots[i - 1], b = knots[i];
    if (c <= b.cosine) {
      s = b.cosine === a.cosine ? b.score : a.score + ((c - a.cosine) / (b.cosine - a.cosine)) * (b.score - a.score);
      break;
    }
  }
  if (Math.abs(s) >= 1) return s;
  return c >= knots.find((k) => k.score >= 1)!.cosine ? 1 : -1;
}

/** Maps a cosine to the integer −100…+100 score; never returns 0 (reserved for "no usable face"). */
export function scoreOf(cosine: number, knots: Knot[] = CALIBRATION.knots): number {
  return Math.round(calibratedScore(cosine, knots));
}
