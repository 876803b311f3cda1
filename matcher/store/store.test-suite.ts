/** The one behavioural test suite every MatcherStore implementation must pass (sqlite and postgres). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256hex, type MatcherStore, type PersonRecord, type StoredTemplate } from './store.ts';

function template(seed: number, dims = 8): StoredTemplate {
  const data = new Uint8Array(dims * 4);
  const dv = new DataView(data.buffer);
  for (let i = 0; i < dims; i++) dv.setFloat32(i * 4, Math.sin(seed * 7 + i), true);
  return { model: 'm', version: '1', dims, dtype: 'f32', data, source: 'submitted', imageIndex: null, sha256: sha256hex(data) };
}

function person(id: string, n = 1, extra: Partial<PersonRecord> = {}): PersonRecord {
  return {
    id, galleries: ['default'], metadata: { name: `n-${id}`, age: 3, vip: true }, quality: [{ faces: 1 }],
    templates: Array.from({ length: n }, (_, i) => template(i + id.length)), duplicates: [], imageCount: 0, updatedAt: 1700000000000, ...extra,
  };
}

export function storeSuite(name: string, open: () => Promise<MatcherStore>, cleanup: () => Promise<void> = async () => undefined): void {
  describe(`MatcherStore: ${name}`, () => {
    let store: MatcherStore;
    beforeAll(async () => { store = await open(); });
    afterAll(async () => { await store?.close(); await cleanup(); });

    it('round-trips a person with templates, metadata and images kept apart', async () => {
      const img = new Uint8Array([0xff, 0xd8, 1, 2, 3]);
      await store.put(person('p1', 2, { imageCount: 1 }), [img]);
      const got = await store.get('p1');
      expect(got?.metadata).toEqual({ name: 'n-p1', age: 3, vip: true });
      expect(got?.templates).toHaveLength(2);
      expect(Array.from(got!.templates[1].data)).toEqual(Array.from(template(1 + 2).data));
      expect(got?.templates[0].sha256).toBe(sha256hex(got!.templates[0].data));
      const imgs = await store.images('p1');
      expect(imgs).toHaveLength(1);
      expect(Array.from(imgs[0].data)).toEqual(Array.from(img));
      expect(imgs[0].sha256).toBe(sha256hex(img));
    });

    it('replaces a person atomically (templates and images not merged)', async () => {
      await store.put(person('p2', 3, { imageCount: 2 }), [new Uint8Array([1]), new Uint8Array([2])]);
      await store.put(person('p2', 1, { galleries: ['watch'], imageCount: 0 }), []);
      const got = await store.get('p2');
      expect(got?.templates).toHaveLength(1);
      expect(got?.galleries).toEqual(['watch']);
      expect(await store.images('p2')).toHaveLength(0);
    });

    it('returns null for an absent person and deletes idempotently', async () => {
      expect(await store.get('nobody')).toBeNull();
      expect(await store.delete('nobody')).toBe(false);
      await store.put(person('p3'), [new Uint8Array([9])]);
      expect(await store.delete('p3')).toBe(true);
      expect(await store.get('p3')).toBeNull();
      expect(await store.images('p3')).toHaveLength(0);
    });

    it('counts persons and scans every template in pages with galleries', async () => {
      for (let i = 0; i < 25; i++) await store.put(person(`s${String(i).padStart(2, '0')}`, 2, { galleries: i % 2 ? ['a', 'b'] : ['default'] }), []);
      const before = await store.count();
      expect(before).toBeGreaterThanOrEqual(25);
      const seen: string[] = [];
      const total = await store.scanTemplates((rows) => rows.forEach((r) => seen.push(`${r.id}/${r.template.sha256}/${r.galleries.join('+')}`)), 7);
      expect(total).toBe(seen.length);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.filter((s) => s.startsWith('s01/'))[0]).toMatch(/a\+b$/);
      expect(seen.filter((s) => s.startsWith('s')).length).toBe(50);
    });

    it('scans every person id with its last change, in pages', async () => {
      await store.put(person('sp1', 1, { updatedAt: 1234 }), []);
      const seen = new Map<string, number>();
      const n = await store.scanPersons((rows) => rows.forEach((r) => seen.set(r.id, r.updatedAt)), 3);
      expect(n).toBe(seen.size);
      expect(n).toBe(await store.count());
      expect(seen.get('sp1')).toBe(1234);
    });

    it('records and lists duplicates', async () => {
      await store.put(person('d1', 1, { duplicates: [{ id: 'p1', similarity: 0.97 }] }), []);
      const d = await store.listDuplicates();
      expect(d.find((x) => x.id === 'd1')?.duplicates).toEqual([{ id: 'p1', similarity: 0.97 }]);
      expect(d.find((x) => x.id === 'p1')).toBeUndefined();
    });

    it('keeps a person\'s history, newest first, survives a replace, erases it with the person, ignores absent persons', async () => {
      await store.put(person('h1'), []);
      await store.addEvent('h1', { at: 1, kind: 'ENROLMENT' });
      await store.addEvent('h1', { at: 2, kind: 'VERIFICATION', score: 63.5, band: 'APPROVE' });
      await store.put(person('h1', 2), []);
      await store.addEvent('h1', { at: 3, kind: 'UPDATE', detail: '2 templates' });
      expect(await store.events('h1')).toEqual([
        { at: 3, kind: 'UPDATE', detail: '2 templates' },
        { at: 2, kind: 'VERIFICATION', score: 63.5, band: 'APPROVE' },
        { at: 1, kind: 'ENROLMENT' },
      ]);
      expect(await store.events('h1', 1)).toHaveLength(1);
      await store.addEvent('nobody', { at: 4, kind: 'AUDIT' });
      expect(await store.events('nobody')).toEqual([]);
      await store.delete('h1');
      expect(await store.events('h1')).toEqual([]);
    });

    it('answers ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
