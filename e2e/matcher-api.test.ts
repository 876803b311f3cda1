/**
 * Every matcher endpoint and error path, over HTTP, on both stores (embedded sqlite and a private
 * throwaway PostgreSQL). A handful of LFW images only: extraction is ~60–200 ms each.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExtractor, type Extractor } from '../matcher/extraction/extractor.ts';
import { DLIB_MODEL } from '../matcher/extraction/embed-dlib.ts';
import { startMatcher, type RunningMatcher } from '../matcher/server.ts';
import { call, randomTemplate } from '../matcher/testing/client.ts';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../matcher/testing/postgres-server.ts';
import { fixture } from './lib/fixtures.ts';

const lfw = (p: string) => new Uint8Array(readFileSync(fixture(`faces/lfw/${p}`)));
const AL1 = lfw('Al_Pacino/Al_Pacino_0001.jpg');
const AL2 = lfw('Al_Pacino/Al_Pacino_0003.jpg');
const AA1 = lfw('Aaron_Peirsol/Aaron_Peirsol_0001.jpg');
const AA2 = lfw('Aaron_Peirsol/Aaron_Peirsol_0002.jpg');
let BLANK: Uint8Array;
let extractor: Extractor;
const tmp = mkdtempSync(path.join(tmpdir(), 'matcher-api-'));
let pgServer: ThrowawayPostgres | undefined;

beforeAll(async () => {
  extractor = await createExtractor();
  BLANK = new Uint8Array(await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 128, g: 128, b: 128 } } }).jpeg().toBuffer());
});
afterAll(() => {
  pgServer?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

interface StoreCase {
  name: string;
  spec: () => Promise<string>;
  /** overwrite one stored image's bytes behind the matcher's back */
  corruptImage: (spec: string, id: string) => Promise<void>;
}

const cases: StoreCase[] = [
  {
    name: 'sqlite',
    spec: async () => `sqlite:${path.join(tmp, 'api.db')}`,
    corruptImage: async (spec, id) => {
      const db = new Database(spec.slice(7));
      db.prepare('UPDATE images SET data = ? WHERE person_id = ?').run(Buffer.from([0xff, 0xd8, 0, 1, 2]), id);
      db.close();
    },
  },
  {
    name: 'postgres',
    spec: async () => {
      pgServer ??= await startThrowawayPostgres();
      return pgServer.url;
    },
    corruptImage: async (spec, id) => {
      const c = new pg.Client({ connectionString: spec });
      await c.connect();
      await c.query('UPDATE images SET data = $1 WHERE person_id = $2', [Buffer.from([0xff, 0xd8, 0, 1, 2]), id]);
      await c.end();
    },
  },
];

describe.each(cases)('matcher API on $name', (sc) => {
  let m: RunningMatcher;
  let spec: string;
  const err = (r: { status: number; body: any }, status: number, code: string) => {
    expect(r.status).toBe(status);
    expect(r.body).toMatchObject({ code });
    expect(typeof r.body.message).toBe('string');
  };

  beforeAll(async () => {
    spec = await sc.spec();
    m = await startMatcher({ port: 0, store: spec, extractor, loadCache: false, concurrency: 2, maxQueue: 8 });
  });
  afterAll(async () => { await m?.close(); });

  it('is live at once (empty 200), and not ready (503 + Retry-After) until the cache is loaded', async () => {
    const live = await call(m, 'GET', '/live');
    expect(live.status).toBe(200);
    expect(live.raw.length).toBe(0);
    const r = await call(m, 'GET', '/ready');
    err(r, 503, 'NOT_READY');
    expect(r.headers.get('retry-after')).toMatch(/^\d+$/);
    err(await call(m, 'POST', '/identify', { template: randomTemplate(DLIB_MODEL, 1) }), 503, 'NOT_READY');
    expect((await call(m, 'GET', '/cluster-ready?capacity=1&coverage=1')).status).toBe(503);
    await m.service.loadCache();
    const ready = await call(m, 'GET', '/ready');
    expect(ready.status).toBe(200);
    expect(ready.raw.length).toBe(0);
  });

  it('PUT adds (201) then replaces (200) a person from images; GET returns the person object (PUT(GET(x)) round-trips); 404 empty when absent', async () => {
    const a = await call(m, 'PUT', '/persons/al', { images: [AL1], metadata: { name: 'Al', n: 1, vip: true } });
    expect(a.status).toBe(201);
    expect(a.body.templates).toBe(1);
    expect(a.body.quality[0]).toMatchObject({ faces: expect.any(Number), interEyePx: expect.any(Number), sharpness: expect.any(Number), eyeOpenness: expect.any(Number), yaw: expect.any(Number) });
    const b = await call(m, 'PUT', '/persons/al', { images: [AL1], metadata: { name: 'Al P.' } });
    expect(b.status).toBe(200);
    const g = await call(m, 'GET', '/persons/al');
    expect(g.status).toBe(200);
    expect(Object.keys(g.body).sort()).toEqual(['galleries', 'images', 'metadata']);
    expect(g.body).toEqual({ images: [AL1], metadata: { name: 'Al P.' }, galleries: ['default'] });
    // the person object goes back in as it came out
    expect((await call(m, 'PUT', '/persons/al-copy', g.body)).status).toBe(201);
    expect((await call(m, 'GET', '/persons/al-copy')).body).toEqual(g.body);
    expect((await call(m, 'DELETE', '/persons/al-copy')).status).toBe(204);
    const img = await call(m, 'GET', '/persons/al/images/0');
    expect(img.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(img.raw).equals(Buffer.from(AL1))).toBe(true);
    const noImg = await call(m, 'GET', '/persons/al/images/1');
    expect(noImg.status).toBe(404);
    expect(noImg.raw.length).toBe(0);
    const rec = await call(m, 'GET', '/persons/al/record');
    expect(rec.body).toMatchObject({ id: 'al', galleries: ['default'], images: 1 });
    expect(rec.body.templates[0]).toMatchObject({ model: DLIB_MODEL.model, version: DLIB_MODEL.version, dims: 128, dtype: 'f32', source: 'image', imageIndex: 0 });
    const none = await call(m, 'GET', '/persons/nobody');
    expect(none.status).toBe(404);
    expect(none.raw.length).toBe(0);
  });

  it('enrols from templates, in named galleries, and records duplicates', async () => {
    expect((await call(m, 'PUT', '/persons/aaron', { images: [AA1] })).status).toBe(201);
    const t = await call(m, 'PUT', '/persons/watch-1', { templates: [randomTemplate(DLIB_MODEL, 7)], galleries: ['watch'] });
    expect(t.status).toBe(201);
    const d = await call(m, 'PUT', '/persons/aaron-again', { images: [AA2] });
    expect(d.status).toBe(201);
    expect(d.body.duplicates.map((x: { id: string }) => x.id)).toContain('aaron');
    const list = await call(m, 'GET', '/duplicates');
    expect(list.body.duplicates.find((x: { id: string }) => x.id === 'aaron-again')).toBeTruthy();
    expect((await call(m, 'GET', '/persons/aaron-again/record')).body.duplicates[0].id).toBe('aaron');
  });

  it('looks for duplicates only in the person\'s own galleries (nothing leaks across namespaces)', async () => {
    const t = randomTemplate(DLIB_MODEL, 77);
    const ids = (r: { body: { duplicates: { id: string }[] } }) => r.body.duplicates.map((x) => x.id);
    expect((await call(m, 'PUT', '/persons/ns-default', { templates: [t] })).status).toBe(201);
    const tenant = await call(m, 'PUT', '/persons/ns-tenant', { templates: [t], galleries: ['tenant-0'] });
    expect(tenant.status).toBe(201);
    expect(ids(tenant)).toEqual([]);
    expect(ids(await call(m, 'PUT', '/persons/ns-tenant-2', { templates: [t], galleries: ['tenant-0'] }))).toEqual(['ns-tenant']);
    expect(ids(await call(m, 'PUT', '/persons/ns-default-2', { templates: [t] }))).toEqual(['ns-default']);
    for (const id of ['ns-default', 'ns-tenant', 'ns-tenant-2', 'ns-default-2']) expect((await call(m, 'DELETE', `/persons/${id}`)).status).toBe(204);
    expect((await call(m, 'GET', '/status')).body.galleries['tenant-0']).toBeUndefined();
  });

  it('accepts and returns JSON when asked', async () => {
    const r = await call(m, 'PUT', '/persons/json-1', { templates: [randomTemplate(DLIB_MODEL, 9)] }, { json: true });
    expect(r.status).toBe(201);
    expect(r.headers.get('content-type')).toContain('application/json');
    const g = await call(m, 'GET', '/persons/json-1', undefined, { accept: 'application/json' });
    expect(g.headers.get('content-type')).toContain('application/json');
    expect(typeof g.body.templates[0].data).toBe('string');
    err(await call(m, 'POST', '/identify', undefined, { raw: new TextEncoder().encode('{"template":'), contentType: 'application/json' }), 400, 'MALFORMED_BODY');
  });

  it('rejects bad PUT bodies with stable 4xx codes', async () => {
    err(await call(m, 'PUT', '/persons/x', undefined, { raw: new Uint8Array([0xa1, 0x61]) }), 400, 'MALFORMED_BODY');
    // duplicate map keys {"images": [], "images": []}
    err(await call(m, 'PUT', '/persons/x', undefined, { raw: new Uint8Array([0xa2, 0x66, ...Buffer.from('images'), 0x80, 0x66, ...Buffer.from('images'), 0x80]) }), 400, 'MALFORMED_BODY');
    // unknown tag 1(0)
    err(await call(m, 'PUT', '/persons/x', undefined, { raw: new Uint8Array([0xc1, 0x00]) }), 400, 'MALFORMED_BODY');
    // {"__proto__": {}}
    err(await call(m, 'PUT', '/persons/x', undefined, { raw: new Uint8Array([0xa1, 0x69, ...Buffer.from('__proto__'), 0xa0]) }), 400, 'MALFORMED_BODY');
    // nesting deeper than the limit
    err(await call(m, 'PUT', '/persons/x', undefined, { raw: new Uint8Array([...Array(40).fill(0x81), 0x00]) }), 400, 'MALFORMED_BODY');
    err(await call(m, 'PUT', '/persons/x', { images: [AL1], extra: 1 }), 400, 'SCHEMA_VIOLATION');
    err(await call(m, 'PUT', '/persons/x', {}), 400, 'SCHEMA_VIOLATION');
    err(await call(m, 'PUT', '/persons/bad%20id', { images: [AL1] }), 400, 'SCHEMA_VIOLATION');
    err(await call(m, 'PUT', '/persons/x', { images: [new Uint8Array([1, 2, 3, 4])] }), 400, 'IMAGE_UNDECODABLE');
    err(await call(m, 'PUT', '/persons/x', { images: [BLANK] }), 400, 'NO_FACE');
    err(await call(m, 'PUT', '/persons/x', { templates: [randomTemplate({ model: 'other', version: '1', dims: 128 }, 1)] }), 400, 'TEMPLATE_MODEL_MISMATCH');
    err(await call(m, 'PUT', '/persons/x', { templates: [{ ...randomTemplate(DLIB_MODEL, 1), data: new Uint8Array(10) }] }), 400, 'SCHEMA_VIOLATION');
    err(await call(m, 'PUT', '/persons/x', undefined, { raw: new Uint8Array(11 * 1024 * 1024) }), 400, 'BODY_TOO_LARGE');
    err(await call(m, 'PUT', '/persons/x', undefined, { raw: new Uint8Array([0xa0]), contentType: 'text/plain' }), 400, 'UNSUPPORTED_MEDIA_TYPE');
    expect((await call(m, 'GET', '/persons/x')).status).toBe(404);
  });

  it('verifies 1:1: the examined person in, one CBOR float score out (cumulative over the samples); empty 404 when absent', async () => {
    const g = await call(m, 'POST', '/persons/al/verify', { images: [AL2] });
    expect(g.status).toBe(200);
    expect(g.raw[0]).toBe(0xfb); // a float64, even for a whole number
    expect(g.raw.length).toBe(9);
    expect(typeof g.body).toBe('number');
    expect(g.body).toBeGreaterThanOrEqual(50);
    expect((await call(m, 'POST', '/persons/aaron/verify', { images: [AL2] })).body).toBeLessThanOrEqual(-40);
    // two samples, one of them someone else: the cumulative score falls below the single genuine one
    const mixed = (await call(m, 'POST', '/persons/al/verify', { images: [AL2, AA1] })).body;
    expect(mixed).toBeLessThan(g.body);
    expect((await call(m, 'POST', '/persons/al/verify', { images: [BLANK] })).body).toBe(0);
    const tpl = (await call(m, 'GET', '/persons/watch-1')).body.templates[0];
    expect((await call(m, 'POST', '/persons/watch-1/verify', { templates: [tpl] })).body).toBe(100);
    const nf = await call(m, 'POST', '/persons/nobody/verify', { images: [AL2] });
    expect(nf.status).toBe(404);
    expect(nf.raw.length).toBe(0);
    err(await call(m, 'POST', '/persons/al/verify', { image: AL2 }), 400, 'SCHEMA_VIOLATION');
    err(await call(m, 'POST', '/persons/al/verify', {}), 400, 'SCHEMA_VIOLATION');
    err(await call(m, 'POST', '/persons/al/verify', { templates: [randomTemplate({ model: 'x', version: '1', dims: 128 }, 2)] }), 400, 'TEMPLATE_MODEL_MISMATCH');
  });

  it('verifies two submitted images without enrolment', async () => {
    const r = await call(m, 'POST', '/verify', { a: AA1, b: AA2 });
    expect(r.body.band).toBe('APPROVE');
    expect((await call(m, 'POST', '/verify', { a: AA1, b: AL1 })).body.score).toBeLessThan(50);
    expect((await call(m, 'POST', '/verify', { a: AA1, b: BLANK })).body.score).toBe(0);
    err(await call(m, 'POST', '/verify', { a: AA1 }), 400, 'SCHEMA_VIOLATION');
  });

  it('identifies 1:N: a CBOR list of match objects, with max results, threshold, coverage and galleries', async () => {
    const r = await call(m, 'POST', '/identify', { probe: { images: [AL2] }, maxResults: 5, threshold: -100 });
    expect(r.status).toBe(200);
    expect(Array.isArray(r.body)).toBe(true);
    expect(r.body[0]).toMatchObject({ id: 'al', score: expect.any(Number), similarity: expect.any(Number) });
    expect(r.headers.get('coverage')).toBe('1');
    expect(r.body.length).toBeLessThanOrEqual(5);
    const one = await call(m, 'POST', '/identify', { image: AL2, maxResults: 1, threshold: -100 });
    expect(one.body).toHaveLength(1);
    expect((await call(m, 'POST', '/identify', { image: AL2, threshold: 100 })).body).toEqual([]);
    const tpl = (await call(m, 'GET', '/persons/watch-1')).body.templates[0];
    const ids = (x: { body: { id: string }[] }) => x.body.map((c) => c.id);
    expect(ids(await call(m, 'POST', '/identify', { template: tpl, galleries: ['watch'] }))).toEqual(['watch-1']);
    expect(ids(await call(m, 'POST', '/identify', { template: tpl, gallery: 'watch' }))).toEqual(['watch-1']);
    expect(ids(await call(m, 'POST', '/identify', { probe: { templates: [tpl] }, galleries: ['default', 'watch'], threshold: 99 }))).toEqual(['watch-1']);
    expect(ids(await call(m, 'POST', '/identify', { template: tpl }))).not.toContain('watch-1');
    err(await call(m, 'POST', '/identify', { template: tpl, galleries: ['nope'] }), 400, 'GALLERY_NOT_FOUND');
    expect((await call(m, 'POST', '/identify', { template: tpl, minCoverage: 1 })).status).toBe(200);
    err(await call(m, 'POST', '/identify', { template: tpl, maxResults: 0 }), 400, 'SCHEMA_VIOLATION');
    err(await call(m, 'POST', '/identify', { template: tpl, minCoverage: 2 }), 400, 'SCHEMA_VIOLATION');
    err(await call(m, 'POST', '/identify', { probe: { templates: [tpl] }, template: tpl }), 400, 'SCHEMA_VIOLATION');
    err(await call(m, 'POST', '/identify', {}), 400, 'SCHEMA_VIOLATION');
    expect((await call(m, 'POST', '/identify', { image: BLANK })).body).toEqual([]);
  });

  it('audits: recomputes templates and resyncs; only resyncs the caches when absent; 400 when stored data is corrupt', async () => {
    const a = await call(m, 'POST', '/persons/al/audit');
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ id: 'al', found: true, recomputed: 1, templates: 1 });
    const none = await call(m, 'POST', '/persons/nobody/audit');
    expect(none.status).toBe(200);
    expect(none.body).toMatchObject({ id: 'nobody', found: false, templates: 0 });
    expect((await call(m, 'PUT', '/persons/corrupt-1', { images: [AA1] })).status).toBe(201);
    await sc.corruptImage(spec, 'corrupt-1');
    err(await call(m, 'POST', '/persons/corrupt-1/audit'), 400, 'STORED_DATA_CORRUPT');
  });

  it('decides liveness with the fused PAD from the frames themselves', async () => {
    const real = new Uint8Array(readFileSync(fixture('spoof/real/sfas-T1.jpg')));
    const meta = await sharp(real).metadata();
    // the approach faked by a digital zoom of the same still: the face grows, the geometry stays flat
    const [w, h] = [meta.width!, meta.height!];
    const zoom = new Uint8Array(await sharp(real).extract({ left: Math.round(w * 0.13), top: Math.round(h * 0.13), width: Math.round(w * 0.74), height: Math.round(h * 0.74) }).resize(w, h).jpeg({ quality: 88 }).toBuffer());
    const frames = [...Array.from({ length: 8 }, () => real), real, zoom];
    const roles = [...Array.from({ length: 8 }, (_, i) => (i === 4 ? 'best' : 'seq')), 'far', 'near'];
    const t = [...Array.from({ length: 8 }, (_, i) => i * 300), 2700, 3500];
    const still = await call(m, 'POST', '/liveness', { frames, roles, t });
    expect(still.status).toBe(200);
    expect(still.body.signals.faceFrames).toBe(10);
    expect(still.body.signals.scaleGain).toBeGreaterThanOrEqual(1.15);
    Object.values(still.body.signals).forEach((x) => expect(Number.isFinite(x)).toBe(true));
    expect(still.body).toMatchObject({ live: false });
    expect(still.body.liveness).toBeLessThan(50);
    expect(still.body.reasons.some((r: string) => ['PAD_PLANAR_MOTION', 'PAD_FROZEN_FRAMES', 'PAD_RIGID_FACE'].includes(r))).toBe(true);
    // no approach (the same frame twice): never live, whatever the other signals say
    const flat = await call(m, 'POST', '/liveness', { frames: [real, real] });
    expect(flat.body).toMatchObject({ live: false });
    expect(flat.body.liveness).toBeLessThanOrEqual(49);
    expect(flat.body.reasons).toContain('PAD_APPROACH_MISSING');
    const none = await call(m, 'POST', '/liveness', { frames: [BLANK] });
    expect(none.body).toMatchObject({ liveness: 0, live: false });
    expect(none.body.reasons).toContain('PAD_NO_FACE');
    err(await call(m, 'POST', '/liveness', { frames: [] }), 400, 'SCHEMA_VIOLATION');
  });

  it('reports status (CBOR), cluster readiness and Prometheus metrics', async () => {
    const s = await call(m, 'GET', '/status');
    expect(s.headers.get('content-type')).toContain('application/cbor');
    expect(s.body).toMatchObject({ ready: true, store: { kind: sc.name, up: true }, models: { embedding: `${DLIB_MODEL.model}@${DLIB_MODEL.version}` } });
    expect(s.body.persons).toBeGreaterThanOrEqual(4);
    expect(s.body.galleries.watch).toBe(1);
    expect(s.body.queue).toMatchObject({ depth: 0, concurrency: 2, maxQueue: 8 });
    expect((await call(m, 'GET', '/cluster-ready?capacity=1&coverage=1')).status).toBe(200);
    expect((await call(m, 'GET', '/cluster-ready')).status).toBe(200);
    err(await call(m, 'GET', '/cluster-ready?capacity=abc'), 400, 'BAD_REQUEST');
    err(await call(m, 'GET', '/cluster-ready?coverage=1.5'), 400, 'BAD_REQUEST');
    const p = await call(m, 'GET', '/prometheus');
    expect(p.body).toContain('matcher_http_requests_total{');
    expect(p.body).toContain('matcher_http_request_duration_seconds_bucket{');
    expect(p.body).toMatch(/^matcher_cached_templates [1-9]\d*$/m);
    expect(p.body).toContain('matcher_process_cpu_seconds_total');
    expect(p.body).toContain('matcher_queue_depth 0');
    err(await call(m, 'GET', '/no-such-endpoint'), 400, 'NOT_FOUND');
    const cr = await call(m, 'GET', '/cluster-ready');
    expect(cr.raw.length).toBe(0);
  });

  it('deletes (204, no effect when absent) and drops the person from search', async () => {
    expect((await call(m, 'DELETE', '/persons/aaron-again')).status).toBe(204);
    expect((await call(m, 'DELETE', '/persons/aaron-again')).status).toBe(204);
    expect((await call(m, 'GET', '/persons/aaron-again')).status).toBe(404);
    const r = await call(m, 'POST', '/identify', { image: AA2, threshold: -100 });
    expect(r.body.map((c: { id: string }) => c.id)).not.toContain('aaron-again');
    expect(r.body[0].id).toBe('aaron');
  });

  it('answers 503 OVERLOADED with Retry-After when the FIFO is full, and serves in order otherwise', async () => {
    const small = await startMatcher({ port: 0, store: spec, extractor, concurrency: 1, maxQueue: 1, waitReady: true });
    try {
      const rs = await Promise.all(Array.from({ length: 6 }, () => call(small, 'POST', '/verify', { a: AA1, b: AA2 })));
      const over = rs.filter((r) => r.status === 503);
      expect(rs.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(2);
      expect(over.length).toBeGreaterThanOrEqual(1);
      over.forEach((r) => { expect(r.body.code).toBe('OVERLOADED'); expect(r.headers.get('retry-after')).toMatch(/^\d+$/); });
    } finally {
      await small.close();
    }
  });

  it('answers 503 STORE_UNAVAILABLE when the store is down', async () => {
    await m.service.store.close();
    const r = await call(m, 'GET', '/persons/al');
    err(r, 503, 'STORE_UNAVAILABLE');
    expect(r.headers.get('retry-after')).toMatch(/^\d+$/);
    err(await call(m, 'PUT', '/persons/y', { templates: [randomTemplate(DLIB_MODEL, 3)] }), 503, 'STORE_UNAVAILABLE');
    expect((await call(m, 'GET', '/status')).body.store.up).toBe(false);
  });
});
