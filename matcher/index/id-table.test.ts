import { describe, expect, it } from 'vitest';
import { IdTable } from './id-table.ts';

describe('IdTable', () => {
  it('interns, finds, removes and reuses person numbers; ids round-trip (UTF-8)', () => {
    const t = new IdTable();
    const a = t.intern('ana', 7);
    expect(a).toEqual({ person: 0, added: true });
    expect(t.intern('ana', 9)).toEqual({ person: 0, added: false });
    expect(t.value(0)).toBe(7);
    const b = t.intern('joão-ç', 3).person;
    expect(t.idOf(b)).toBe('joão-ç');
    expect(t.find('joão-ç')).toBe(b);
    expect(t.find('jo')).toBe(-1);
    t.remove(a.person);
    expect(t.find('ana')).toBe(-1);
    expect(t.size).toBe(1);
    expect(t.intern('bia', 1).person).toBe(a.person);
    expect(() => t.intern('x'.repeat(256), 0)).toThrow(RangeError);
  });

  it('interns ids given as byte ranges, as the string form does; `absent` skips the lookup', () => {
    const t = new IdTable();
    const bytes = Buffer.from('xxanajoão-çyy');
    const ana = t.internBytes(bytes, 2, 5, 4);
    expect(t.idOf(ana)).toBe('ana');
    expect(t.internBytes(bytes, 2, 5, 9)).toBe(ana);
    expect(t.size).toBe(1);
    expect(t.intern('ana', 0)).toEqual({ person: ana, added: false });
    const j = t.internBytes(bytes, 5, 13, 1, true);
    expect(t.find('joão-ç')).toBe(j);
    expect(t.size).toBe(2);
    expect(() => t.internBytes(new Uint8Array(300), 0, 256, 0)).toThrow(RangeError);
  });

  it('agrees with a Map over 200k random adds and removes (growth, tombstones, compaction)', () => {
    const t = new IdTable();
    const ref = new Map<string, number>();
    let seed = 1;
    const rnd = () => ((seed = Math.imul(seed, 1664525) + 1013904223), (seed >>> 0) / 2 ** 32);
    for (let i = 0; i < 200_000; i++) {
      const id = `p${Math.floor(rnd() * 50_000)}`;
      if (rnd() < 0.6) {
        const r = t.intern(id, i);
        expect(r.added).toBe(!ref.has(id));
        if (r.added) ref.set(id, r.person);
        else expect(r.person).toBe(ref.get(id));
      } else if (ref.has(id)) {
        t.remove(ref.get(id)!);
        ref.delete(id);
      }
    }
    expect(t.size).toBe(ref.size);
    for (const [id, p] of ref) {
      expect(t.find(id)).toBe(p);
      expect(t.idOf(p)).toBe(id);
    }
    // typed arrays only: a few tens of bytes per live id, whatever the churn
    expect(t.bytes / ref.size).toBeLessThan(64);
  });
});
