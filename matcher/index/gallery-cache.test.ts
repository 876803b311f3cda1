import { describe, expect, it } from 'vitest';
import { GalleryCache } from './gallery-cache.ts';

const v = (...xs: number[]) => { const a = Float32Array.from(xs); const n = Math.hypot(...a); return a.map((x) => x / n); };

describe('GalleryCache', () => {
  it('keeps one matrix per gallery; bulk load and upsert agree', () => {
    const c = new GalleryCache(16);
    const e = (k: number) => v(...Array.from({ length: 16 }, (_, i) => (i === k ? 1 : 0.01)));
    c.bulkLoad([{ id: 'a', galleries: ['default'], vectors: [e(0)] }, { id: 'w', galleries: ['watch', 'default'], vectors: [e(1), e(2)] }]);
    expect(c.sizes()).toEqual({ default: 3, watch: 2 });
    expect(c.search('watch', e(2), 5).map((h) => h.id)).toEqual(['w']);
    c.upsert('w', ['watch'], [e(3)]);
    expect(c.sizes()).toEqual({ default: 1, watch: 1 });
    expect(c.search('default', e(3), 5).map((h) => h.id)).toEqual(['a']);
    c.remove('a');
    expect(c.persons).toBe(1);
    expect(c.search('nope', e(0), 1)).toEqual([]);
  });
});
