import { describe, expect, it } from 'vitest';
import { ExactInt8Index, THREAD_MIN_ROWS } from './exact-int8.ts';
import { scanPool } from './scan-pool.ts';
import { int8Scale, quantiseInto } from './quantise.ts';

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

  it('loads int8 rows (quantise.ts) as addMany loads their float vectors', () => {
    const vs = Array.from({ length: 40 }, () => unit(16));
    const ids = vs.map((_, i) => `p${i % 30}`); // ten persons with a second row
    const byFloat = new ExactInt8Index(16, 1, { simd, float: false });
    byFloat.addMany(ids, Float32Array.from(vs.flatMap((v) => [...v])));
    const byRow = new ExactInt8Index(16, 1, { simd, float: false });
    const idBytes = Buffer.from(ids.join(''));
    let at = 0;
    const idEnd = Int32Array.from(ids, (id) => (at += id.length));
    const rows = new Int8Array(40 * 16);
    vs.forEach((v, i) => quantiseInto(v, int8Scale(16), rows, i * 16));
    byRow.addQuantised(idBytes, idEnd, rows, 0, 30, true);
    byRow.addQuantised(idBytes, idEnd, rows, 30, 40);
    expect(byRow.size).toBe(40);
    expect(byRow.persons).toBe(30);
    for (const v of vs.slice(25)) expect(byRow.search(v, 5)).toEqual(byFloat.search(v, 5));
    expect(() => new ExactInt8Index(16, 1, { simd }).addQuantised(idBytes, idEnd, rows, 0, 1)).toThrow(/compact/);
  });

  it('is empty-safe', () => {
    expect(new ExactInt8Index(16, 1, { simd }).search(unit(16), 3)).toEqual([]);
  });
});

describe('ExactInt8Index: the scan split across threads', () => {
  it('from THREAD_MIN_ROWS rows a scan uses the pool, and answers exactly what one thread answers', () => {
    const dims = 128, n = THREAD_MIN_ROWS * 3 + 77;
    const threaded = new ExactInt8Index(dims, 1024);
    const single = new ExactInt8Index(dims, 1024, { threads: false });
    let x = 12345;
    const rnd = () => { x ^= x << 13; x >>>= 0; x ^= x >> 17; x ^= x << 5; x >>>= 0; return x / 4294967296 - 0.5; };
    const unit = () => { const v = new Float32Array(dims); let s = 0; for (let i = 0; i < dims; i++) { v[i] = rnd(); s += v[i] * v[i]; } for (let i = 0; i < dims; i++) v[i] /= Math.sqrt(s); return v; };
    const rows: Float32Array[] = [];
    // added in batches, so the matrix moves to shared memory while it grows
    for (let b = 0; b < n; b += 5000) {
      const m = Math.min(5000, n - b);
      const flat = new Float32Array(m * dims);
      const ids: string[] = [];
      for (let i = 0; i < m; i++) { const v = unit(); rows.push(v); flat.set(v, i * dims); ids.push(`p${b + i}`); }
      threaded.addMany(ids, flat);
      single.addMany(ids, flat);
    }
    expect(single.scanThreads).toBe(1);
    const pool = scanPool();
    expect(threaded.scanThreads).toBe(pool ? pool.threads : 1);
    for (const probe of [0, 1, n - 1, Math.floor(n / 2), THREAD_MIN_ROWS * 2 + 3]) {
      const a = threaded.search(rows[probe], 10);
      expect(a).toEqual(single.search(rows[probe], 10));
      expect(a[0].id).toBe(`p${probe}`);
    }
    // back-to-back scans with changing queries: a worker must never rerun a finished job over the next query
    for (let i = 0; i < 300; i++) {
      const probe = (i * 7919) % n;
      expect(threaded.search(rows[probe], 10)).toEqual(single.search(rows[probe], 10));
    }
    // removal keeps working on the shared matrix
    threaded.remove(`p${n - 1}`);
    expect(threaded.search(rows[n - 1], 1)[0].id).not.toBe(`p${n - 1}`);
  });
});

describe('ExactInt8Index: compact (no float32 copy)', () => {
  it('uses a fifth of the matrix bytes, finds the mated row first and keeps nearly all of the exact top-10', () => {
    const dims = 128, n = 20_000;
    let x = 777;
    const rnd = () => { x ^= x << 13; x >>>= 0; x ^= x >> 17; x ^= x << 5; x >>>= 0; return x / 4294967296 - 0.5; };
    const unit = () => { const v = new Float32Array(dims); let s = 0; for (let i = 0; i < dims; i++) { v[i] = rnd(); s += v[i] * v[i]; } for (let i = 0; i < dims; i++) v[i] /= Math.sqrt(s); return v; };
    const exact = new ExactInt8Index(dims, n, { threads: false });
    const compact = new ExactInt8Index(dims, n, { threads: false, float: false });
    const rows: Float32Array[] = [];
    for (let i = 0; i < n; i++) { const v = unit(); rows.push(v); exact.add(`p${i}`, v); compact.add(`p${i}`, v); }
    expect(compact.bytes * 5).toBe(exact.bytes);
    let kept = 0, probes = 0;
    for (let p = 0; p < n; p += 997) {
      const q = rows[p].map((v) => v + rnd() * 0.05);
      let s = 0; for (const v of q) s += v * v; for (let i = 0; i < dims; i++) q[i] /= Math.sqrt(s);
      const a = exact.search(q, 10), b = compact.search(q, 10);
      expect(b[0].id).toBe(`p${p}`);
      expect(Math.abs(b[0].similarity - a[0].similarity)).toBeLessThan(0.01);
      const ids = new Set(a.map((h) => h.id));
      kept += b.filter((h) => ids.has(h.id)).length;
      probes++;
    }
    expect(kept / (probes * 10)).toBeGreaterThanOrEqual(0.9);
    // removal works without the float copy
    compact.remove('p0');
    expect(compact.search(rows[0], 1)[0].id).not.toBe('p0');
  });
});
