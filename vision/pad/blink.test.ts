import { describe, expect, it } from 'vitest';
import { blinkStats, eyeAspectRatio } from './blink.ts';
import { head3d, project3d } from './test-mesh.ts';

/** Closes both eyes by pulling the lids to the eye's centre line. */
function closed(points: Float32Array, k: number): Float32Array {
  const p = new Float32Array(points);
  for (const [up, low] of [[160, 144], [158, 153], [387, 373], [385, 380]]) {
    const m = (p[up * 3 + 1] + p[low * 3 + 1]) / 2;
    p[up * 3 + 1] = m + (p[up * 3 + 1] - m) * k;
    p[low * 3 + 1] = m + (p[low * 3 + 1] - m) * k;
  }
  return p;
}

describe('eye aspect ratio', () => {
  const open = project3d(head3d(), { d: 500 });
  it('drops when the eyes close', () => {
    expect(eyeAspectRatio(open)).toBeGreaterThan(0.3);
    expect(eyeAspectRatio(closed(open, 0.2))).toBeLessThan(0.1);
  });
  it('sees a blink and its length in a series, and none in a constant one', () => {
    const t = [0, 100, 200, 300, 400, 500, 600];
    const ears = [0.3, 0.31, 0.05, 0.06, 0.3, 0.29, 0.3];
    const b = blinkStats(ears, t);
    expect(b.blinked).toBe(true);
    expect(b.closedMs).toBeGreaterThanOrEqual(200);
    expect(b.earRange).toBeGreaterThan(0.8);
    const still = blinkStats([0.3, 0.3, 0.3, 0.3], [0, 1, 2, 3]);
    expect(still.blinked).toBe(false);
    expect(still.earRange).toBe(0);
  });
  it('NaN range with fewer than two finite values', () => {
    expect(blinkStats([Number.NaN, 0.3], [0, 1]).earRange).toBeNaN();
  });
});
