/**
 * The compact cache load from PostgreSQL (store `scanCompact`, `GalleryCache.appendCompact`):
 * each template's stored int8 row is copied as it is. It must fill the cache exactly as the
 * float path does (same persons, galleries, rows and search results), across batches, with
 * persons in named galleries, later templates, rows written before the q8 column existed, rows
 * of another model, corrupt rows; a reload over a filled cache replaces persons instead of adding
 * to them; and a failed COPY rejects and leaves the connection usable.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GalleryCache } from '../matcher/index/gallery-cache.ts';
import { compactRowOf } from '../matcher/index/quantise.ts';
import { copyOut } from '../matcher/store/pg-copy-out.ts';
import { openPostgresStore } from '../matcher/store/postgres.ts';
import { sha256hex, type MatcherStore, type PersonRecord, type StoredTemplate } from '../matcher/store/store.ts';
import { fromTemplateInto, type ModelId } from '../matcher/template.ts';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../matcher/testing/postgres-server.ts';

const M: ModelId = { model: 'm', version: '1', dims: 16 };
/** persons filled in bulk: more than two batches of the store's 8192 rows */
const BULK = 20_000;

function vec(seed: number): Float32Array {
  return Float32Array.from({ length: M.dims }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233) * 43758.5453 % 1);
}
function template(seed: number, m: ModelId = M): StoredTemplate {
  const v = vec(seed);
  const data = new Uint8Array(v.buffer.slice(0));
  return { ...m, dtype: 'f32', data, source: 'submitted', imageIndex: null, sha256: sha256hex(data) };
}
function person(id: string, galleries: string[], templates: StoredTemplate[]): PersonRecord {
  return { id, galleries, metadata: {}, quality: [], duplicates: [], imageCount: 0, updatedAt: 1, templates };
}

let server: ThrowawayPostgres;
let store: MatcherStore;
let client: pg.Client;

beforeAll(async () => {
  server = await startThrowawayPostgres();
  store = await openPostgresStore(server.url);
  client = new pg.Client({ connectionString: server.url });
  await client.connect();
  await store.put(person('a', ['default'], [template(1)]), []);
  await store.put(person('b', ['watch', 'default'], [template(2), template(3)]), []);
  await store.put(person('c', ['watch'], [template(4)]), []);
  // its first template is another model's: ours comes second
  await store.put(person('d', ['default'], [template(5, { ...M, model: 'other' }), template(6)]), []);
  const nan = template(7);
  new DataView(nan.data.buffer).setFloat32(0, Number.NaN, true);
  await store.put(person('e', ['default'], [nan]), []);
  await store.put(person('f', ['default'], [template(8)]), []);
  await client.query(`UPDATE templates SET q8 = NULL WHERE person_id = 'f'`); // as written before the q8 column
  await store.put(person('g', [], [template(9)]), []);
  await store.put(person('ü-ñ', ['default'], [template(10)]), []);
  const ids: string[] = [], data: Buffer[] = [], q8: Buffer[] = [];
  for (let i = 0; i < BULK; i++) {
    const t = template(100 + i);
    ids.push(`p${i}`);
    data.push(Buffer.from(t.data));
    q8.push(Buffer.from(compactRowOf(t)!.buffer));
  }
  await client.query(`INSERT INTO persons (id, galleries, metadata, quality, duplicates, image_count, updated_at)
    SELECT id, '["default"]', '{}', '[]', '[]', 0, 1 FROM unnest($1::text[]) AS id`, [ids]);
  await client.query(`INSERT INTO templates (person_id, idx, model, version, dims, dtype, data, source, image_index, sha256, q8)
    SELECT id, 0, 'm', '1', 16, 'f32', d, 'submitted', NULL, '', q FROM unnest($1::text[], $2::bytea[], $3::bytea[]) AS x(id, d, q)`, [ids, data, q8]);
}, 120_000);

afterAll(async () => {
  await client?.end();
  await store?.close();
  server?.stop();
});

/** The float path's cache (scanTemplates, decoded and appended page by page), compact. */
async function reference(): Promise<GalleryCache> {
  const cache = new GalleryCache(M.dims, { float: false });
  const seen = new Set<string>();
  await store.scanTemplates((rows) => {
    const ids: string[] = [], gs: string[][] = [];
    const flat = new Float32Array(rows.length * M.dims);
    for (const r of rows) {
      if (r.template.model !== M.model) continue;
      try { fromTemplateInto(r.template, M, flat, ids.length * M.dims); } catch { continue; }
      ids.push(r.id);
      gs.push(r.galleries);
    }
    cache.appendRows(ids, gs, flat.subarray(0, ids.length * M.dims), seen);
  });
  return cache;
}

async function compact(cache = new GalleryCache(M.dims, { float: false })): Promise<{ cache: GalleryCache; rows: number }> {
  const seen = cache.persons ? new Set<string>() : null;
  const rows = await store.scanCompact!(M, (b) => cache.appendCompact(b, seen));
  return { cache, rows };
}

const norm = (v: Float32Array) => { const n = Math.hypot(...v); return v.map((x) => x / n); };

describe('compact cache load (postgres)', () => {
  it('fills the cache exactly as the float path does', async () => {
    const ref = await reference();
    const { cache, rows } = await compact();
    expect(rows).toBe(BULK + 8); // a, b×2, c, d (its second), f (no q8 yet), g, ü-ñ; e is corrupt
    expect(cache.persons).toBe(ref.persons);
    expect(cache.persons).toBe(BULK + 7);
    expect(cache.sizes()).toEqual(ref.sizes());
    expect(cache.sizes()).toEqual({ default: BULK + 7, watch: 3 });
    expect(new Set(cache.ids())).toEqual(new Set(ref.ids()));
    for (const id of ['a', 'b', 'c', 'd', 'f', 'g', 'ü-ñ']) expect(cache.hasPerson(id)).toBe(true);
    expect(cache.hasPerson('e')).toBe(false);
    // the same rows: every probe finds the same persons with the same similarities
    for (const [gallery, seed] of [['default', 1], ['default', 3], ['watch', 4], ['default', 6], ['default', 8], ['default', 10], ['default', 100], ['default', 100 + BULK - 1], ['default', 5000]] as const) {
      const q = norm(vec(seed));
      const got = cache.search(gallery, q, 3), want = ref.search(gallery, q, 3);
      expect(got).toEqual(want);
      expect(got[0].similarity).toBeGreaterThan(0.99);
    }
    expect(cache.search('watch', norm(vec(2)), 1)[0].id).toBe('b');
    expect(cache.search('default', norm(vec(100 + 777)), 1)[0].id).toBe('p777');
  });

  it('with every template of one model (the table itself is copied), the same cache as the float path', async () => {
    const d = await store.get('d');
    await store.delete('d'); // the only template of another model
    try {
      const ref = await reference();
      const { cache, rows } = await compact();
      expect(rows).toBe(BULK + 7); // as above without d; f (no q8) and e (corrupt) still handled
      expect(cache.sizes()).toEqual(ref.sizes());
      expect(cache.sizes()).toEqual({ default: BULK + 6, watch: 3 });
      expect(new Set(cache.ids())).toEqual(new Set(ref.ids()));
      expect(cache.hasPerson('f')).toBe(true);
      expect(cache.hasPerson('e')).toBe(false);
      for (const seed of [1, 3, 8, 10, 100, 100 + BULK - 1]) {
        const q = norm(vec(seed));
        expect(cache.search('default', q, 3)).toEqual(ref.search('default', q, 3));
      }
    } finally {
      await store.put(d!, []);
    }
  });

  it('a reload over a filled cache replaces each person it reads, without adding rows twice', async () => {
    const { cache } = await compact();
    await store.put(person('b', ['default'], [template(3)]), []); // leaves the watch gallery, one template
    await compact(cache);
    expect(cache.sizes()).toEqual({ default: BULK + 6, watch: 1 });
    expect(cache.search('watch', norm(vec(2)), 3).map((h) => h.id)).toEqual(['c']);
    expect(cache.persons).toBe(BULK + 7);
    await store.put(person('b', ['watch', 'default'], [template(2), template(3)]), []);
  });

  it('a COPY that fails rejects, and the connection answers the next query', async () => {
    await expect(copyOut(client, 'COPY (SELECT 1 / (random() * 0)::int) TO STDOUT (FORMAT binary)', () => undefined)).rejects.toThrow(/division by zero/);
    expect((await client.query('SELECT 41 + 1 AS x')).rows[0].x).toBe(42);
    await expect(copyOut(client, 'SELECT 1', () => undefined)).rejects.toThrow(/not a COPY/);
    expect((await client.query('SELECT 2 AS x')).rows[0].x).toBe(2);
    // a consumer that throws: the COPY is read to its end, the error comes back, the connection stays usable
    await expect(copyOut(client, 'COPY (SELECT generate_series(1, 50000)) TO STDOUT (FORMAT binary)', () => { throw new Error('consumer failed'); })).rejects.toThrow(/consumer failed/);
    expect((await client.query('SELECT 3 AS x')).rows[0].x).toBe(3);
    let n = 0;
    await copyOut(client, 'COPY (SELECT generate_series(1, 50000)) TO STDOUT (FORMAT binary)', () => { n++; });
    expect(n).toBe(50_000);
  });
});
