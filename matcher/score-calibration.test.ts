import { describe, expect, it } from 'vitest';
import { bandOf } from '../protocol/index.ts';
import { CALIBRATION, calibratedScore, scoreOf } from './score-calibration.ts';

describe('scoreOf', () => {
  it('hits the calibration knots and stays within −100…+100', () => {
    for (const k of CALIBRATION.knots) if (k.score !== 0) expect(scoreOf(k.cosine)).toBe(k.score);
    expect(scoreOf(-5)).toBe(-100);
    expect(scoreOf(5)).toBe(100);
  });
  it('is monotone and never 0 (reserved for no usable face)', () => {
    let prev = -Infinity;
    for (let c = -1; c <= 1; c += 0.0005) {
      const s = scoreOf(c);
      expect(s).toBeGreaterThanOrEqual(prev);
      expect(s).not.toBe(0);
      prev = s;
    }
  });
  it('maps FAR 0.1% to approve and the impostor mean to deny', () => {
    const knot = (score: number) => CALIBRATION.knots.find((k) => k.score === score)!.cosine;
    expect(bandOf(scoreOf(knot(50)))).toBe('APPROVE');
    expect(bandOf(scoreOf(knot(50) - 0.001))).toBe('REVIEW_POSITIVE');
    expect(bandOf(scoreOf(knot(-40)))).toBe('DENY');
    expect(scoreOf(NaN)).toBe(0);
  });
});

describe('calibratedScore', () => {
  it('is the unrounded score, never inside (−1, +1) for a comparison, 0 only without a face', () => {
    expect(calibratedScore(0.95)).toBeCloseTo(50 + (0.019 / 0.029) * 30, 6);
    expect(Number.isInteger(calibratedScore(0.95))).toBe(false);
    for (let c = 0.88; c <= 0.93; c += 0.0001) {
      const s = calibratedScore(c);
      expect(Math.abs(s)).toBeGreaterThanOrEqual(1);
      expect(scoreOf(c)).toBe(Math.round(s));
    }
    expect(calibratedScore(Number.NaN)).toBe(0);
  });
  it('denies the impostor mean and everything up to above the impostors\' 95th percentile (0.8886 on the fixtures)', () => {
    expect(bandOf(calibratedScore(0.835))).toBe('DENY');
    expect(bandOf(calibratedScore(0.8886))).toBe('DENY');
  });
});
