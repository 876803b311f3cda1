/**
 * Conformance with the ABIS contract (../shared/DESIGN.md "Matcher API"), written from the
 * specification's text, not from the project's client: requests are encoded here with cborg and
 * plain fetch, answers are checked as the specification describes them. Each `it` quotes the line
 * it checks. Runs against the real matcher on the embedded store and on PostgreSQL.
 */
import { decode, encode } from 'cborg';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExtractor, type Extractor } from '../matcher/extraction/extractor.ts';
import { startMatcher, type RunningMatcher } from '../matcher/server.ts';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../matcher/testing/postgres-server.ts';
import { fixture } from './lib/fixtures.ts';

const jpeg = (p: string) => new Uint8Array(readFileSync(fixture(`faces/lfw/${p}`)));
const AL1 = jpeg('Al_Pacino/Al_Pacino_0001.jpg');
const AL2 = jpeg('Al_Pacino/Al_Pacino_0003.jpg');
const AA1 = jpeg('Aaron_Peirsol/Aaron_Peirsol_0001.jpg');

interface Answer { status: number; type: string | null; bytes: Uint8Array; headers: Headers }

let extractor: Extractor;
let pgServer: ThrowawayPostgres | undefined;
const tmp = mkdtempSync(path.join(tmpdir(), 'abis-conformance-'));
beforeAll(async () => { extractor = await createExtractor(); });
afterAll(() => { pgServer?.stop(); rmSync(tmp, { recursive: true, force: true }); });

const stores: { name: string; spec: () => Promise<string> }[] = [
  { name: 'sqlite', spec: async () => `sqlite:${path.join(tmp, 'c.db')}` },
  { name: 'postgres', spec: async () => (pgServer ??= await startThrowawayPostgres()).url },
];

describe.each(stores)('the ABIS contract on $name', ({ spec }) => {
  let m: RunningMatcher;
  /** One request as a client written from the specification sends it: a CBOR body, the bearer token. */
  const send = async (method: string, p: string, body?: unknown): Promise<Answer> => {
    const r = await fetch(m.url + p, {
      method,
      headers: { authorization: `Bearer ${m.token}`, ...(body === undefined ? {} : { 'content-type': 'application/cbor' }) },
      body: body === undefined ? undefined : Buffer.from(encode(body)),
    });
    return { status: r.status, type: r.headers.get('content-type'), bytes: new Uint8Array(await r.arrayBuffer()), headers: r.headers };
  };
  const cbor = (a: Answer) => { expect(a.type).toContain('application/cbor'); return decode(a.bytes) as any; };
  const errorObject = (a: Answer, status: 400 | 503) => {
    expect(a.status).toBe(status);
    const e = cbor(a);
    expect(typeof e.code).toBe('string');
    expect(typeof e.message).toBe('string');
    return e.code as string;
  };

  beforeAll(async () => { m = await startMatcher({ port: 0, store: await spec(), extractor, waitReady: true }); });
  afterAll(async () => { await m?.close(); });

  it('"GET /live: always empty 200. GET /ready: empty 200 when the cache is loaded"', async () => {
    for (const p of ['/live', '/ready']) {
      const a = await send('GET', p);
      expect([a.status, a.bytes.length]).toEqual([200, 0]);
    }
  });

  it('"GET /cluster-ready?capacity=&coverage=: empty 200 or 503; both default 1"', async () => {
    for (const p of ['/cluster-ready', '/cluster-ready?capacity=1&coverage=1', '/cluster-ready?capacity=0.5']) {
      const a = await send('GET', p);
      expect([a.status, a.bytes.length]).toEqual([200, 0]);
    }
  });

  it('"PUT /persons/{id}: add or replace a person (CBOR person object: images … templates, metadata)"', async () => {
    expect((await send('PUT', '/persons/c-al', { images: [AL1], metadata: { name: 'Al' } })).status).toBeLessThan(300);
    expect((await send('PUT', '/persons/c-al', { images: [AL1], metadata: { name: 'Al P.' } })).status).toBeLessThan(300);
    expect((await send('PUT', '/persons/c-aa', { images: [AA1] })).status).toBeLessThan(300);
  });

  it('"GET /persons/{id}: the person object (PUT(GET(x)) round-trips); empty 404 if absent"', async () => {
    const got = await send('GET', '/persons/c-al');
    expect(got.status).toBe(200);
    const person = cbor(got);
    expect(person.images).toHaveLength(1);
    expect(Buffer.from(person.images[0]).equals(Buffer.from(AL1))).toBe(true);
    expect(person.metadata).toEqual({ name: 'Al P.' });
    expect((await send('PUT', '/persons/c-al-copy', person)).status).toBeLessThan(300);
    expect(Buffer.from((await send('GET', '/persons/c-al-copy')).bytes).equals(Buffer.from(got.bytes))).toBe(true);
    const none = await send('GET', '/persons/c-nobody');
    expect([none.status, none.bytes.length]).toEqual([404, 0]);
  });

  it('"POST /persons/{id}/verify: body = the examined person (CBOR); answer = a CBOR float score; empty 404 if the person does not exist"', async () => {
    const same = await send('POST', '/persons/c-al/verify', { images: [AL2] });
    expect(same.status).toBe(200);
    // major type 7 with a float payload (0xf9 half, 0xfa single, 0xfb double)
    expect([0xf9, 0xfa, 0xfb]).toContain(same.bytes[0]);
    const score = cbor(same);
    expect(typeof score).toBe('number');
    expect(score).toBeGreaterThanOrEqual(50);
    const other = cbor(await send('POST', '/persons/c-aa/verify', { images: [AL2] }));
    expect(other).toBeLessThanOrEqual(-40);
    const none = await send('POST', '/persons/c-nobody/verify', { images: [AL2] });
    expect([none.status, none.bytes.length]).toEqual([404, 0]);
  });

  it('"POST /identify: body = identification query (probe, max results, threshold, minimum coverage, galleries); answer = a CBOR list of match objects"', async () => {
    const a = await send('POST', '/identify', { probe: { images: [AL2] }, maxResults: 3, threshold: -100, minCoverage: 1, galleries: ['default'] });
    expect(a.status).toBe(200);
    const list = cbor(a);
    expect(Array.isArray(list)).toBe(true);
    expect(list.length).toBeLessThanOrEqual(3);
    expect(list[0].id).toMatch(/^c-al/);
    for (const match of list) expect(typeof match.score).toBe('number');
  });

  it('"POST /persons/{id}/audit: … if the person does not exist, only resync the caches"', async () => {
    expect((await send('POST', '/persons/c-al/audit')).status).toBe(200);
    expect((await send('POST', '/persons/c-nobody/audit')).status).toBe(200);
  });

  it('"DELETE /persons/{id}: remove; no effect if absent"', async () => {
    expect((await send('DELETE', '/persons/c-al-copy')).status).toBeLessThan(300);
    expect((await send('DELETE', '/persons/c-al-copy')).status).toBeLessThan(300);
    expect((await send('GET', '/persons/c-al-copy')).status).toBe(404);
  });

  it('"400 for permanent errors, 503 for temporary ones, both with a CBOR error object"', async () => {
    errorObject(await send('PUT', '/persons/c-x', { images: [new Uint8Array([1, 2, 3])] }), 400);
    errorObject(await send('POST', '/identify', {}), 400);
    errorObject(await send('GET', '/no-such-route'), 400);
    const typeless = await fetch(`${m.url}/persons/c-x`, { method: 'PUT', headers: { authorization: `Bearer ${m.token}`, 'content-type': 'text/plain' }, body: 'x' });
    expect(typeless.status).toBe(400);
    errorObject(await send('POST', '/identify', { probe: { images: [AL2] }, galleries: ['c-no-such-gallery'] }), 400);
    errorObject(await send('GET', '/cluster-ready?capacity=2'), 400);
  });

  it('"GET /status: CBOR status report (members, weights, replication factor, capacity, coverage, caches, queue)"', async () => {
    const s = cbor(await send('GET', '/status'));
    expect(s.cluster).toMatchObject({ replicationFactor: expect.any(Number), capacity: 1, coverage: 1 });
    expect(s.cluster.members[0]).toMatchObject({ id: expect.any(String), weight: expect.any(Number) });
    expect(s.queue).toBeTruthy();
    expect(s.cachedPersons).toBeGreaterThanOrEqual(2);
  });

  it('"GET /prometheus: metrics"', async () => {
    const p = await send('GET', '/prometheus');
    expect(p.status).toBe(200);
    expect(new TextDecoder().decode(p.bytes)).toContain('# TYPE');
  });
});
