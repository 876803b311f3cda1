import { describe, expect, it } from 'vitest';
import { fuse, type PadWeights } from './fusion.ts';
import { PAD_WEIGHTS } from './evidence.ts';
import { FEATURE_NAMES } from './fusion.ts';
import { PAD_REASONS } from '../../protocol/pad-reasons.ts';

const w: PadWeights = {
  version: 1,
  features: [
    { name: 'planar', lo: -3, hi: 0, a: 2, b: 4, weight: 1 },
    { name: 'moire', lo: 0, hi: 4, a: -2, b: 3, weight: 0.5 },
  ],
  bias: 0,
  threshold: 0,
  maxLogOdds: 4,
  reasonAt: 0.5,
  screenObjectLogOdds: -4,
  training: {},
};

describe('fuse', () => {
  it('sums calibrated log-odds; liveness 50 sits at the threshold', () => {
    const r = fuse({ planar: -1, moire: 1.5 }, w);
    expect(r.margin).toBeCloseTo(2 + 0, 6);
    expect(r.live).toBe(true);
    expect(r.liveness).toBe(88);
    expect(fuse({}, w).liveness).toBe(50);
  });
  it('clamps raw values to the training range and log-odds to ±maxLogOdds', () => {
    expect(fuse({ planar: 10 }, w).margin).toBe(4);
    expect(fuse({ planar: -100 }, w).margin).toBe(-2);
  });
  it('reports the reason codes of the signals that pulled the score down', () => {
    const r = fuse({ planar: -2.8, moire: 3 }, w);
    expect(r.live).toBe(false);
    expect(r.reasons).toEqual(['PAD_PLANAR_MOTION', 'PAD_MOIRE']);
  });
  it('ignores missing/NaN signals', () => {
    expect(fuse({ planar: Number.NaN }, w).margin).toBe(0);
  });
  it('client-reported camera risk and screen objects only ever lower the score', () => {
    const base = fuse({ planar: -1 }, w).margin;
    expect(fuse({ planar: -1 }, w, { camera: { virtual: false, nonCamera: false, timingAnomaly: false } }).margin).toBe(base);
    const risky = fuse({ planar: -1 }, w, { camera: { virtual: true, nonCamera: false, timingAnomaly: false }, screenObject: 0.8 });
    expect(risky.margin).toBeLessThan(base - 4);
    expect(risky.reasons).toEqual(expect.arrayContaining(['PAD_CAMERA_RISK', 'PAD_SCREEN_OBJECT']));
    expect(fuse({ planar: -1 }, { ...w, screenObjectLogOdds: 3 }, { screenObject: 1 }).margin).toBe(base);
  });
  it('live and liveness ≥ 50 always agree', () => {
    for (const m of [-1e-6, 1e-6, -0.01, 0.01]) {
      const r = fuse({}, { ...w, bias: m });
      expect(r.live).toBe(r.liveness >= 50);
    }
  });
});

describe('committed weights', () => {
  it('name known signals, have non-negative weights and reason codes from the protocol', () => {
    expect(PAD_WEIGHTS.version).toBe(1);
    expect(PAD_WEIGHTS.features.length).toBeGreaterThan(0);
    for (const f of PAD_WEIGHTS.features) {
      expect(FEATURE_NAMES).toContain(f.name);
      expect(f.weight).toBeGreaterThanOrEqual(0);
      expect(f.lo).toBeLessThanOrEqual(f.hi);
    }
    expect(PAD_REASONS).toContain('PAD_PLANAR_MOTION');
  });
});
