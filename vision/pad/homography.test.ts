import { describe, expect, it } from 'vitest';
import { fitHomography, planarResidual, project, solve } from './homography.ts';
import { flat, head3d, project3d } from './test-mesh.ts';

describe('fitHomography', () => {
  it('recovers a known projective map', () => {
    const H = [1.2, 0.1, 5, -0.05, 0.9, 12, 1e-4, -2e-4, 1];
    const src: number[] = [];
    const dst: number[] = [];
    for (let i = 0; i < 30; i++) {
      const x = (i * 37) % 200;
      const y = (i * 53) % 170;
      src.push(x, y);
      dst.push(...project(H, x, y));
    }
    const F = fitHomography(src, dst)!;
    F.forEach((v, i) => expect(v).toBeCloseTo(H[i], 5));
  });
  it('returns null for fewer than 4 points', () => {
    expect(fitHomography([0, 0, 1, 1, 2, 2], [0, 0, 1, 1, 2, 2])).toBeNull();
  });
  it('solve() reports singular systems', () => {
    expect(solve(new Float64Array([1, 2, 2, 4]), new Float64Array([1, 2]), 2)).toBeNull();
  });
});

describe('planarResidual', () => {
  const head = head3d();
  it('is ~0 for a flat face moved closer and turned (one homography explains it)', () => {
    const p = flat(head);
    expect(planarResidual(project3d(p, { d: 500 }), project3d(p, { d: 380, yaw: 0.15 }))).toBeLessThan(1e-4);
  });
  it('is clearly larger for a 3-D face turning a little', () => {
    const r3 = planarResidual(project3d(head, { d: 500 }), project3d(head, { d: 480, yaw: 0.15 }));
    expect(r3).toBeGreaterThan(0.01);
  });
  it('is NaN on degenerate meshes', () => {
    expect(planarResidual(new Float32Array(1404), new Float32Array(1404))).toBeNaN();
  });
});
