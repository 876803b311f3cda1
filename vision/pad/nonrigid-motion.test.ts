import { describe, expect, it } from 'vitest';
import { nonRigidMotion, nonRigidResidual, median } from './nonrigid-motion.ts';
import { EXPRESSIVE } from './mesh-indices.ts';
import { flat, head3d, project3d } from './test-mesh.ts';

describe('nonRigidMotion', () => {
  const head = head3d();
  it('~0 when a flat face only moves rigidly', () => {
    const p = flat(head);
    const seq = [0, 0.05, -0.04, 0.02].map((yaw, i) => project3d(p, { d: 500 - 10 * i, yaw }));
    expect(nonRigidMotion(seq)).toBeLessThan(1e-3);
  });
  it('larger when lips and lids move beyond the head motion', () => {
    const seq = [0, 1, 2, 3].map((i) => {
      const q = project3d(head, { d: 500 });
      for (const j of EXPRESSIVE) q[j * 3 + 1] += (i % 2 ? 4 : -4) * ((j % 3) - 1);
      return q;
    });
    expect(nonRigidMotion(seq)).toBeGreaterThan(0.01);
    expect(nonRigidResidual(seq[0], seq[1])).toBeGreaterThan(0.01);
  });
  it('median of nothing is NaN', () => {
    expect(median([])).toBeNaN();
    expect(median([3, 1, 2])).toBe(2);
  });
});
