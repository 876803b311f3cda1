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
    { cosine: 0.835, score: -40 },  // impostor mean (all-vs-all fixtures): deny from here down
    { cosine: 0.906, score: 1 },    // FAR 1% on the fixture impostor pairs
    { cosine: 0.925, score: 50 },   // FAR 0.1%
    { cosine: 0.96, score: 80 },
    { cosine: 1, score: 100 },
  ] as Knot[],
};

/** Maps a cosine to the −100…+100 score; never returns 0 (reserved for "no usable face"). */
export function scoreOf(cosine: number, knots: Knot[] = CALIBRATION.knots): number {
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
  const r = Math.round(s);
  return r === 0 ? (c >= knots.find((k) => k.score >= 1)!.cosine ? 1 : -1) : r;
}
