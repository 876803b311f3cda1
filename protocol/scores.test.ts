import { describe, expect, it } from 'vitest';
import { bandOf, clampLiveness, identityOf } from './scores.ts';

describe('match bands', () => {
  it.each([
    [100, 'APPROVE', 'YES'],
    [50, 'APPROVE', 'YES'],
    [49, 'REVIEW_POSITIVE', 'INCONCLUSIVE'],
    [1, 'REVIEW_POSITIVE', 'INCONCLUSIVE'],
    [0, 'RECAPTURE', 'INCONCLUSIVE'],
    [-1, 'REVIEW_NEGATIVE', 'INCONCLUSIVE'],
    [-39, 'REVIEW_NEGATIVE', 'INCONCLUSIVE'],
    [-40, 'DENY', 'NO'],
    [-100, 'DENY', 'NO'],
  ] as const)('%d → %s / %s', (score, band, identity) => {
    expect(bandOf(score)).toBe(band);
    expect(identityOf(bandOf(score))).toBe(identity);
  });

  it('clamps liveness to an integer 0–100', () => {
    expect(clampLiveness(-3)).toBe(0);
    expect(clampLiveness(101)).toBe(100);
    expect(clampLiveness(NaN)).toBe(0);
    expect(clampLiveness(49.6)).toBe(50);
  });
});
