/**
 * ISO/IEC 30107-3 style PAD error rates over liveness scores (0–100, accepted as bona fide when
 * score ≥ threshold) or over plain accept/reject decisions. Pure functions of plain data.
 */

/** A rate with the counts behind it; `rate` is null when there is nothing to count. */
export interface Rate {
  n: number;
  errors: number;
  rate: number | null;
}

const rate = (errors: number, n: number): Rate => ({ n, errors, rate: n ? errors / n : null });

/** APCER: share of attack presentations accepted (decision true = accepted as bona fide). */
export function apcer(attackAccepted: readonly boolean[]): Rate {
  return rate(attackAccepted.filter(Boolean).length, attackAccepted.length);
}

/** BPCER: share of bona fide presentations rejected. */
export function bpcer(bonaAccepted: readonly boolean[]): Rate {
  return rate(bonaAccepted.filter((a) => !a).length, bonaAccepted.length);
}

/** Decisions at `threshold`: score ≥ threshold is accepted. */
export const acceptAt = (scores: readonly number[], threshold: number): boolean[] => scores.map((s) => s >= threshold);

export interface BpcerAtApcer {
  /** the APCER target, e.g. 0.01 */
  target: number;
  /** lowest threshold whose APCER ≤ target (accept when score ≥ threshold) */
  threshold: number | null;
  apcer: number | null;
  bpcer: number | null;
  attacks: number;
  bonaFide: number;
}

/**
 * BPCER at the lowest threshold whose APCER is at most `target`. Thresholds are taken just above
 * each attack score, so ties never count as accepted attacks. With few attacks a small target
 * means "reject every attack" (e.g. 2 attacks: APCER 1% = 0 accepted).
 */
export function bpcerAtApcer(bona: readonly number[], attacks: readonly number[], target: number): BpcerAtApcer {
  const out: BpcerAtApcer = { target, threshold: null, apcer: null, bpcer: null, attacks: attacks.length, bonaFide: bona.length };
  if (!attacks.length || !bona.length) return out;
  const sorted = [...attacks].sort((a, b) => b - a);
  // accepting k attacks (the k highest) is allowed while k / n ≤ target
  const k = Math.floor(target * sorted.length + 1e-9);
  // threshold just above the (k+1)-th highest attack score rejects it and everything below it
  const threshold = k >= sorted.length ? -Infinity : nextUp(sorted[k]);
  const acc = attacks.filter((s) => s >= threshold).length;
  out.threshold = threshold;
  out.apcer = acc / attacks.length;
  out.bpcer = bona.filter((s) => s < threshold).length / bona.length;
  return out;
}

/** Smallest representable step above x (scores are integers 0–100, but stay general). */
function nextUp(x: number): number {
  return x + Math.max(1e-9, Math.abs(x) * 1e-12);
}

/** Formats a rate as "12.5% (1/8)" or "n/a (0)". */
export function fmtRate(r: Rate): string {
  return r.rate === null ? 'n/a (0)' : `${(100 * r.rate).toFixed(1)}% (${r.errors}/${r.n})`;
}

/** Median of a sample (mean of the middle two for an even count); null when empty. */
export function median(xs: readonly number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
