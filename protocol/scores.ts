/**
 * Identity match score −100…+100 and its bands:
 * ≥ +50 approve; +1…+49 evaluate risk; 0 no usable evidence (recapture);
 * −1…−39 evaluate risk; ≤ −40 deny.
 */
export type MatchBand = 'APPROVE' | 'REVIEW_POSITIVE' | 'RECAPTURE' | 'REVIEW_NEGATIVE' | 'DENY';
export type Identity = 'YES' | 'NO' | 'INCONCLUSIVE';

export function bandOf(score: number): MatchBand {
  const s = Math.round(score);
  if (s >= 50) return 'APPROVE';
  if (s >= 1) return 'REVIEW_POSITIVE';
  if (s === 0) return 'RECAPTURE';
  if (s >= -39) return 'REVIEW_NEGATIVE';
  return 'DENY';
}

export function identityOf(band: MatchBand): Identity {
  if (band === 'APPROVE') return 'YES';
  if (band === 'DENY') return 'NO';
  return 'INCONCLUSIVE';
}

/** Clamp to an integer liveness confidence 0–100. */
export function clampLiveness(x: number): number {
  if (!Number.isFinite(x)) return 0;
  return Math.max(0, Math.min(100, Math.round(x)));
}
