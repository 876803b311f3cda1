import { describe, expect, it } from 'vitest';
import { approachGeometry } from './approach-geometry.ts';
import { flat, head3d, project3d } from './test-mesh.ts';

describe('approachGeometry', () => {
  const head = head3d();
  it('a real face coming closer magnifies its centre more than its outline', () => {
    const g = approachGeometry(project3d(head, { d: 600 }), project3d(head, { d: 400 }));
    expect(g.scaleGain).toBeGreaterThan(1.3);
    expect(g.perspective).toBeGreaterThan(0.004);
  });
  it('a flat face coming closer scales uniformly', () => {
    const p = flat(head);
    const g = approachGeometry(project3d(p, { d: 600 }), project3d(p, { d: 400 }));
    expect(g.scaleGain).toBeGreaterThan(1.3);
    expect(Math.abs(g.perspective)).toBeLessThan(1e-3);
  });
  it('NaN on empty meshes', () => {
    expect(approachGeometry(new Float32Array(1404), new Float32Array(1404)).perspective).toBeNaN();
  });
});
