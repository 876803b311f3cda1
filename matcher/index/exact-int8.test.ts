import { describe, expect, it } from 'vitest';
import { ExactInt8Index } from './exact-int8.ts';

let s = 7;
const rnd = () => { s ^= s << 13; s >>>= 0; s ^= s >> 17; s ^= s << 5; s >>>= 0; return s / 4294967296 - 0.5; };
function unit(d: number): Float32Array {
  const v = Float32Array.from({ length: d }, rnd);
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}
const dot = (a: Float32Array, b: Float32Array) => a.reduce((acc, x, i) => acc + x * b[i], 0);

describe.each([true, false])('ExactInt8Index (simd %s)', (simd) => {
  it('uses the scan it was asked for', () => {
    expect(new ExactInt8Index(64, 4, { simd }).scan).toBe(simd ? 'wasm-simd' : 'js');
  });

  it('returns the exact float32 top-k (brute force agrees)', () => {
    const d = 64, n = 3000;
    const ix = new ExactInt8Index(d, 16, { simd });
    const vs = Array.from({ length: n }, () => unit(d));
    vs.forEach((v, i) => ix.add(`p${i}`, v));
    for (let t = 0; t < 20; t++) {
      const q = unit(d);
      const exact = vs.map((v, i) => ({ id: `p${i}`, s: dot(q, v) })).sort((a, b) => b.s - a.s).slice(0, 10);
      const got = ix.search(q, 10);
      expect(got.map((h) => h.id)).toEqual(exact.map((e) => e.id));
      expect(got[0].similarity).toBeCloseTo(exact[0].s, 5);
    }
  });

  it('dedupes persons with several templates and removes by swapping rows', () => {
    const ix = new ExactInt8Index(16, 1, { simd });
    const a = unit(16), b = unit(16), c = unit(16);
    ix.addMany(['a', 'a'], Float32Array.from([...a, ...b]));
    ix.add('c', c);
    expect(ix.size).toBe(3);
    expect(ix.search(a, 5).map((h) => h.id).filter((id) => id === 'a')).toHaveLength(1);
    expect(ix.remove('a')).toBe(true);
    expect(ix.remove('a')).toBe(false);
    expect(ix.size).toBe(1);
    expect(ix.search(c, 5)).toEqual([{ id: 'c', similarity: expect.closeTo(1, 5) }]);
    ix.add('a', a);
    expect(ix.search(a, 1)[0].id).toBe('a');
  });

  it('is empty-safe', () => {
    expect(new ExactInt8Index(16, 1, { simd }).search(unit(16), 3)).toEqual([]);
  });
});
