import { describe, expect, it } from 'vitest';
import { GalleryCache } from './gallery-cache.ts';
import { int8Scale, quantiseInto } from './quantise.ts';

const v = (...xs: number[]) => { const a = Float32Array.from(xs); const n = Math.hypot(...a); return a.map((x) => x / n); };

describe('GalleryCache', () => {
  it('keeps one matrix per gallery; the paged cache load and upsert agree', () => {
    const c = new GalleryCache(16);
    const e = (k: number) => v(...Array.from({ length: 16 }, (_, i) => (i === k ? 1 : 0.01)));
    const flat = (...vs: Float32Array[]) => { const f = new Float32Array(vs.length * 16); vs.forEach((x, i) => f.set(x, i * 16)); return f; };
    c.upsert('w', ['old'], [e(5)]);
    const seen = new Set<string>();
    // w's two rows arrive on two pages: the first replaces what was cached, the second adds
    c.appendRows(['a', 'w'], [['default'], ['watch', 'default']], flat(e(0), e(1)), seen);
    c.appendRows(['w'], [['watch', 'default']], flat(e(2)), seen);
    expect(c.sizes()).toEqual({ default: 3, watch: 2 });
    expect(c.search('watch', e(2), 5).map((h) => h.id)).toEqual(['w']);
    c.upsert('w', ['watch'], [e(3)]);
    expect(c.sizes()).toEqual({ default: 1, watch: 1 });
    expect(c.search('default', e(3), 5).map((h) => h.id)).toEqual(['a']);
    c.remove('a');
    expect(c.persons).toBe(1);
    expect(c.search('nope', e(0), 1)).toEqual([]);
  });

  it('frees a gallery once its last person is removed or moved elsewhere', () => {
    const c = new GalleryCache(16);
    const e = (k: number) => v(...Array.from({ length: 16 }, (_, i) => (i === k ? 1 : 0.01)));
    for (let i = 0; i < 1000; i++) {
      c.upsert(`p${i}`, [`g${i}`], [e(i % 16)]);
      c.remove(`p${i}`);
    }
    expect(c.names()).toEqual([]);
    c.upsert('a', ['x', 'y'], [e(0)]);
    c.upsert('a', ['y'], [e(0)]);
    expect(c.sizes()).toEqual({ y: 1 });
    expect(c.has('x')).toBe(false);
    expect(c.hasPerson('a')).toBe(true);
    expect(c.has('a')).toBe(false);
  });

  it('a compact load (int8 batches) and upsert agree; persons in the default gallery alone are counted once', () => {
    const e = (k: number) => v(...Array.from({ length: 16 }, (_, i) => (i === k ? 1 : 0.01)));
    const batch = (rows: [string, number, string[] | null][], first: boolean) => {
      const ids = Buffer.from(rows.map((r) => r[0]).join(''));
      let at = 0;
      const q = new Int8Array(rows.length * 16);
      rows.forEach((r, i) => quantiseInto(e(r[1]), int8Scale(16), q, i * 16));
      const galleries = new Map<number, string[]>();
      rows.forEach((r, i) => r[2] && galleries.set(i, r[2]));
      return { n: rows.length, ids, idEnd: Int32Array.from(rows, (r) => (at += Buffer.byteLength(r[0]))), rows: q, galleries, first };
    };
    const c = new GalleryCache(16, { float: false });
    c.appendCompact(batch([['a', 0, null], ['w', 1, ['watch', 'default']], ['b', 2, null], ['só', 3, null]], true), null);
    c.appendCompact(batch([['w', 4, ['watch', 'default']], ['x', 5, ['watch']]], false), null);
    expect(c.persons).toBe(5);
    expect(c.sizes()).toEqual({ default: 5, watch: 3 });
    expect(new Set(c.ids())).toEqual(new Set(['a', 'w', 'b', 'só', 'x']));
    expect(c.search('watch', e(4), 5).map((h) => h.id)).toEqual(['w', 'x']);
    // a reload over the filled cache: w's first row replaces what was cached
    c.appendCompact(batch([['w', 6, null]], true), new Set());
    expect(c.sizes()).toEqual({ default: 4, watch: 1 });
    expect(c.persons).toBe(5);
    c.upsert('a', ['watch'], [e(7)]);
    c.remove('b');
    expect(c.persons).toBe(4);
    expect(c.sizes()).toEqual({ default: 2, watch: 2 });
    expect(c.hasPerson('b')).toBe(false);
    expect(c.hasPerson('só')).toBe(true);
  });

  it('admits new named galleries up to the limit, counting enrolments in flight', () => {
    const c = new GalleryCache(16, { maxGalleries: 2 });
    const e = v(...Array.from({ length: 16 }, (_, i) => (i === 0 ? 1 : 0.01)));
    const r1 = c.reserve(['a']);
    const r2 = c.reserve(['b', 'default']);
    if (!r1 || !r2) throw new Error('both fit');
    expect(c.reserve(['c'])).toBeNull(); // a and b are in flight: they count
    const again = c.reserve(['a', 'default']); // not new
    expect(again).not.toBeNull();
    again!();
    c.upsert('pa', ['a'], [e]);
    r1();
    r1(); // idempotent
    r2(); // b was never created (its enrolment failed): room again
    const r3 = c.reserve(['c']);
    expect(r3).not.toBeNull();
    c.upsert('pc', ['c'], [e]);
    r3!();
    expect(c.reserve(['d'])).toBeNull();
    const def = c.reserve(['default']); // the default gallery never counts
    expect(def).not.toBeNull();
    def!();
    c.remove('pa');
    expect(c.reserve(['d'])).not.toBeNull();
  });
});
