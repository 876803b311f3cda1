/**
 * Galleries are namespaces (one per integrator): enrolment de-duplication and 1:N identify see
 * only the galleries the request names, on both stores and after the cache is reloaded from the
 * store. Real LFW photos; the very same image in two galleries is the strongest possible leak.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExtractor, type Extractor } from '../matcher/extraction/extractor.ts';
import { startMatcher, type RunningMatcher } from '../matcher/server.ts';
import { call, type Reply } from '../matcher/testing/client.ts';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../matcher/testing/postgres-server.ts';
import { fixture } from './lib/fixtures.ts';

const lfw = (p: string) => new Uint8Array(readFileSync(fixture(`faces/lfw/${p}`)));
const AL1 = lfw('Al_Pacino/Al_Pacino_0001.jpg');
const AL2 = lfw('Al_Pacino/Al_Pacino_0003.jpg');
const AA1 = lfw('Aaron_Peirsol/Aaron_Peirsol_0001.jpg');
let extractor: Extractor;
const tmp = mkdtempSync(path.join(tmpdir(), 'matcher-galleries-'));
let pgServer: ThrowawayPostgres | undefined;

beforeAll(async () => { extractor = await createExtractor(); });
afterAll(() => {
  pgServer?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const cases = [
  { name: 'sqlite', spec: async () => `sqlite:${path.join(tmp, 'galleries.db')}` },
  { name: 'postgres', spec: async () => (pgServer ??= await startThrowawayPostgres()).url },
];

const dupIds = (r: Reply) => (r.body.duplicates as { id: string }[]).map((d) => d.id).sort();
const candidateIds = (r: Reply) => (r.body as { id: string }[]).map((c) => c.id).sort();

describe.each(cases)('matcher galleries on $name', (sc) => {
  let m: RunningMatcher;
  let spec: string;
  const start = async () => startMatcher({ port: 0, store: spec, extractor, waitReady: true, padObjects: false, concurrency: 2, maxQueue: 8 });
  const enrol = async (id: string, body: { images: Uint8Array[]; galleries?: string[] }) => {
    const r = await call(m, 'PUT', `/persons/${id}`, body);
    expect(r.status).toBe(201);
    return r;
  };
  // threshold −100 and a large maxResults: every person of the searched gallery comes back, nobody else
  const everyone = async (gallery?: string) => {
    const r = await call(m, 'POST', '/identify', { image: AL2, threshold: -100, maxResults: 100, ...(gallery ? { gallery } : {}) });
    expect(r.status).toBe(200);
    return candidateIds(r);
  };

  beforeAll(async () => {
    spec = await sc.spec();
    m = await start();
  });
  afterAll(async () => { await m?.close(); });

  it('enrolling the same image into tenant-0 reports no duplicate from the default gallery', async () => {
    expect(dupIds(await enrol('al-default', { images: [AL1] }))).toEqual([]);
    expect(dupIds(await enrol('aaron-default', { images: [AA1] }))).toEqual([]);
    const tenant = await enrol('al-tenant', { images: [AL1], galleries: ['tenant-0'] });
    expect(dupIds(tenant)).toEqual([]);
    const stored = (await call(m, 'GET', '/persons/al-tenant/record')).body;
    expect(stored).toMatchObject({ galleries: ['tenant-0'], duplicates: [] });
    const listed = (await call(m, 'GET', '/duplicates')).body.duplicates as { id: string }[];
    expect(listed.map((d) => d.id)).not.toContain('al-tenant');
  });

  it('reports a duplicate enrolled into the same gallery, and only from the galleries named', async () => {
    expect(dupIds(await enrol('al-tenant-2', { images: [AL1], galleries: ['tenant-0'] }))).toEqual(['al-tenant']);
    expect(dupIds(await enrol('al-default-2', { images: [AL1] }))).toEqual(['al-default']);
    // a person in two named galleries is compared with both, still never with the default one
    expect(dupIds(await enrol('al-both', { images: [AL1], galleries: ['tenant-1', 'tenant-0'] }))).toEqual(['al-tenant', 'al-tenant-2']);
    expect((await call(m, 'GET', '/persons/al-tenant-2/record')).body.duplicates.map((d: { id: string }) => d.id)).toEqual(['al-tenant']);
  });

  it('identifies 1:N only inside the named gallery; no gallery named means the default gallery', async () => {
    expect(await everyone('tenant-0')).toEqual(['al-both', 'al-tenant', 'al-tenant-2']);
    expect(await everyone('tenant-1')).toEqual(['al-both']);
    expect(await everyone()).toEqual(['aaron-default', 'al-default', 'al-default-2']);
    expect(await everyone('default')).toEqual(['aaron-default', 'al-default', 'al-default-2']);
    const missing = await call(m, 'POST', '/identify', { image: AL2, gallery: 'tenant-9' });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ code: 'GALLERY_NOT_FOUND' });
  });

  it('keeps the galleries apart after a restart reloads the cache from the store', async () => {
    await m.close();
    m = await start();
    expect(await everyone('tenant-0')).toEqual(['al-both', 'al-tenant', 'al-tenant-2']);
    expect(await everyone()).toEqual(['aaron-default', 'al-default', 'al-default-2']);
    expect(dupIds(await enrol('al-tenant-3', { images: [AL1], galleries: ['tenant-0'] }))).toEqual(['al-both', 'al-tenant', 'al-tenant-2']);
    // moving a person out of the default gallery takes it out of the default gallery's search
    const moved = await call(m, 'PUT', '/persons/al-default-2', { images: [AL1], galleries: ['tenant-1'] });
    expect(moved.status).toBe(200);
    expect(dupIds(moved)).toEqual(['al-both']);
    expect(await everyone()).toEqual(['aaron-default', 'al-default']);
    expect(await everyone('tenant-1')).toEqual(['al-both', 'al-default-2']);
  });
});
