import { describe, expect, it } from 'vitest';
import { bestAccuracy, tarAtFar, thresholdAtFar } from './metrics.ts';

describe('verification metrics', () => {
  const imp = Array.from({ length: 1000 }, (_, i) => i / 1000); // 0 … 0.999
  it('thresholds at a false-accept rate', () => {
    expect(thresholdAtFar(imp, 0.01)).toBeCloseTo(0.989, 6);
    expect(imp.filter((x) => x > thresholdAtFar(imp, 0.01)).length).toBe(10);
  });
  it('computes TAR and best accuracy', () => {
    expect(tarAtFar([0.995, 0.5, 0.999], imp, 0.01)).toBeCloseTo(2 / 3, 6);
    expect(bestAccuracy([0.9, 0.8], [0.1, 0.2]).accuracy).toBe(1);
    expect(bestAccuracy([0.1], [0.9]).accuracy).toBe(0.5);
  });
});
