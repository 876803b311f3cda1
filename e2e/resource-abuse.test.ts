/**
 * Resource abuse (issue #13, findings 5 and 7): small requests that would cost a server far more
 * memory or time than they weigh. Each is refused with a permanent 400 before the expensive step,
 * and the server's memory (RSS, sampled while the request runs) stays flat. The verifier and the
 * matcher run in this process, so the RSS measured here is theirs.
 */
import { decode } from 'cborg';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKey } from '../edge-verifier/keys/demo-key.ts';
import { startVerifier, type RunningVerifier } from '../edge-verifier/node.ts';
import { startFakeMatcher, type FakeMatcher } from '../edge-verifier/testing/fake-matcher.ts';
import { testConfig } from '../edge-verifier/testing/test-config.ts';
import { DLIB_MODEL } from '../matcher/extraction/embed-dlib.ts';
import { createExtractor } from '../matcher/extraction/extractor.ts';
import { startMatcher, type RunningMatcher } from '../matcher/server.ts';
import { call, randomTemplate } from '../matcher/testing/client.ts';
import { CBOR_MEDIA_TYPE, MAX_CAPTURE_BODY_BYTES } from '../protocol/index.ts';

const MB = 1024 * 1024;
const dir = mkdtempSync(path.join(tmpdir(), 'resource-abuse-'));
let verifier: RunningVerifier;
let fake: FakeMatcher;
let matcher: RunningMatcher;

beforeAll(async () => {
  fake = await startFakeMatcher();
  verifier = await startVerifier({
    port: 0,
    env: {},
    dbPath: path.join(dir, 'v.db'),
    config: testConfig({ issuer: 'https://verifier.abuse.test', signingKeys: [await generateSigningKey()], matcherUrl: fake.url }),
  });
  matcher = await startMatcher({
    port: 0, store: `sqlite:${path.join(dir, 'm.db')}`, extractor: await createExtractor(), padObjects: false, maxQueue: 10_000, waitReady: true,
  });
});
afterAll(async () => {
  await verifier?.close();
  await matcher?.close();
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `fn`, sampling this process's RSS every 2 ms: its time and the peak growth over the start. */
async function measured<T>(fn: () => Promise<T>): Promise<{ out: T; ms: number; rssMb: number }> {
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 2);
  const t0 = performance.now();
  try {
    const out = await fn();
    const ms = performance.now() - t0;
    peak = Math.max(peak, process.memoryUsage().rss);
    return { out, ms, rssMb: (peak - base) / MB };
  } finally {
    clearInterval(timer);
  }
}

/** A chunked (no Content-Length) body of `total` bytes, generated as it is pulled; `pulled()` says how much was. */
function chunkedBody(total: number) {
  const chunk = new Uint8Array(256 * 1024).fill(0x41);
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      if (sent >= total) return c.close();
      sent += chunk.byteLength;
      c.enqueue(chunk);
    },
  });
  return { stream, pulled: () => sent };
}

async function errorOf(r: Response): Promise<{ status: number; code: string }> {
  const text = Buffer.from(await r.arrayBuffer());
  const type = r.headers.get('content-type') ?? '';
  const body = (type.includes('cbor') ? decode(text) : JSON.parse(text.toString())) as { code: string };
  return { status: r.status, code: body.code };
}

describe('CBOR amplification', () => {
  it('the verifier refuses an 8 MB body of empty maps in < 100 ms without building them', async () => {
    const n = MAX_CAPTURE_BODY_BYTES - 5 - 1024;
    const bomb = new Uint8Array(n + 5).fill(0xa0);
    bomb.set([0x9a, (n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
    // the same bytes as one byte string: what merely moving 8 MB over HTTP costs on this machine
    const plain = new Uint8Array(n + 5);
    plain.set([0x5a, (n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
    const post = async (body: Uint8Array<ArrayBuffer>) => errorOf(await fetch(`${verifier.url}/v1/captures`, { method: 'POST', headers: { 'content-type': CBOR_MEDIA_TYPE }, body }));
    for (let i = 0; i < 2; i++) { await post(bomb); await post(plain); } // warm the route and the allocator
    const runs = { bomb: [] as number[], plain: [] as number[] };
    let rssMb = 0;
    for (let i = 0; i < 3; i++) {
      const b = await measured(() => post(bomb));
      expect(b.out).toEqual({ status: 400, code: 'MALFORMED_BODY' });
      runs.bomb.push(b.ms);
      rssMb = Math.max(rssMb, b.rssMb);
      const p = await measured(() => post(plain));
      expect(p.out).toEqual({ status: 400, code: 'BODY_TOO_LARGE' }); // one 8 MB string: over the per-field limit
      runs.plain.push(p.ms);
    }
    const [bomb1, plain1] = [Math.min(...runs.bomb), Math.min(...runs.plain)];
    console.log(`verifier: ${(bomb.byteLength / MB).toFixed(1)} MB CBOR bomb → 400 MALFORMED_BODY in ${bomb1.toFixed(1)} ms (same-size plain body ${plain1.toFixed(1)} ms: ${(bomb1 - plain1).toFixed(1)} ms over transport), peak RSS +${rssMb.toFixed(1)} MB`);
    expect(bomb1 - plain1).toBeLessThan(100);
    expect(bomb1).toBeLessThan(1000);
    expect(rssMb).toBeLessThan(50);
  });

  it('the matcher refuses the same bomb', async () => {
    const n = 8 * MB;
    const bomb = new Uint8Array(n + 5).fill(0xa0);
    bomb.set([0x9a, (n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
    const { out, ms, rssMb } = await measured(async () => call(matcher, 'POST', '/identify', undefined, { raw: bomb }));
    console.log(`matcher: 8 MB CBOR bomb → ${out.status} ${out.body.code} in ${ms.toFixed(1)} ms, RSS +${rssMb.toFixed(1)} MB`);
    expect(out.status).toBe(400);
    expect(out.body.code).toBe('MALFORMED_BODY');
    expect(rssMb).toBeLessThan(50);
  });

  it('the matcher counts JSON values before parsing too', async () => {
    const json = new TextEncoder().encode(`[${Array(2 * MB).fill('{}').join(',')}]`);
    const { out, ms } = await measured(async () => call(matcher, 'POST', '/identify', undefined, { raw: json, contentType: 'application/json' }));
    console.log(`matcher: ${(json.byteLength / MB).toFixed(1)} MB JSON of empty objects → ${out.status} ${out.body.code} in ${ms.toFixed(1)} ms`);
    expect(out.status).toBe(400);
    expect(out.body.code).toBe('MALFORMED_BODY');
  });
});

describe('chunked bodies over the limit', () => {
  it.each([
    ['matcher PUT /persons/x', () => ({ url: `${matcher.url}/persons/x`, method: 'PUT', auth: `Bearer ${matcher.token}` })],
    ['verifier POST /v1/captures', () => ({ url: `${verifier.url}/v1/captures`, method: 'POST', auth: '' })],
  ])('%s: a 100 MB chunked body is answered 400 BODY_TOO_LARGE without being buffered', async (name, target) => {
    const t = target();
    const body = chunkedBody(100 * MB);
    const { out, ms, rssMb } = await measured(async () => {
      const headers: Record<string, string> = { 'content-type': CBOR_MEDIA_TYPE };
      if (t.auth) headers.authorization = t.auth;
      const r = await fetch(t.url, { method: t.method, headers, body: body.stream, duplex: 'half' } as RequestInit);
      const pulled = body.pulled();
      return { ...(await errorOf(r)), pulled };
    });
    await body.stream.cancel().catch(() => undefined);
    console.log(`${name}: 100 MB chunked → ${out.status} ${out.code} in ${ms.toFixed(0)} ms, ${(out.pulled / MB).toFixed(1)} MB sent by then, RSS +${rssMb.toFixed(1)} MB`);
    expect({ status: out.status, code: out.code }).toEqual({ status: 400, code: 'BODY_TOO_LARGE' });
    expect(out.pulled).toBeLessThan(100 * MB);
    expect(ms).toBeLessThan(5000);
    expect(rssMb).toBeLessThan(50);
  });
});

describe('images over the pixel limit', () => {
  let huge: Uint8Array;
  beforeAll(async () => {
    huge = new Uint8Array(await sharp({ create: { width: 5000, height: 5000, channels: 3, background: { r: 120, g: 90, b: 70 } } }).jpeg({ quality: 50 }).toBuffer());
  });

  it.each([
    ['PUT /persons/huge', 'PUT', '/persons/huge', () => ({ images: [huge] })],
    ['POST /liveness', 'POST', '/liveness', () => ({ frames: [huge, huge] })],
    ['POST /verify', 'POST', '/verify', () => ({ a: huge, b: huge })],
  ])('%s: a 25-megapixel JPEG is refused 400 IMAGE_TOO_LARGE from its header, never decoded', async (name, method, p, body) => {
    const { out, ms, rssMb } = await measured(async () => call(matcher, method, p, body()));
    console.log(`matcher ${name}: 5000×5000 JPEG (${(huge.byteLength / 1024).toFixed(0)} KB) → ${out.status} ${out.body.code} in ${ms.toFixed(0)} ms, RSS +${rssMb.toFixed(1)} MB`);
    expect(out.status).toBe(400);
    expect(out.body.code).toBe('IMAGE_TOO_LARGE');
    expect(ms).toBeLessThan(1000);
    expect(rssMb).toBeLessThan(50); // decoded, it would be 75 MB of RGB
  });
});

describe('galleries', () => {
  const tpl = randomTemplate(DLIB_MODEL, 42);

  it('1,000 gallery names enrolled then deleted leave no gallery and no metric series behind', async () => {
    const cycle = async (i: number) => {
      const put = await call(matcher, 'PUT', `/persons/churn-${i}`, { templates: [tpl], galleries: [`churn-${i}`] });
      expect(put.status, put.body?.message).toBe(201);
      expect((await call(matcher, 'DELETE', `/persons/churn-${i}`)).status).toBe(204);
    };
    // The matcher's own series (name and labels), without prom-client's process and Node.js defaults:
    // a first major GC adds a `kind` to the GC histogram (CI saw +753 bytes from it), which is no leak.
    const ownSeries = async () => {
      const text = new TextDecoder().decode((await call(matcher, 'GET', '/prometheus')).raw);
      return text.split('\n').filter((l) => l && !l.startsWith('#') && !/^matcher_(nodejs|process)_/.test(l))
        .map((l) => l.slice(0, l.lastIndexOf(' ')));
    };
    for (let i = 0; i < 10; i++) await cycle(i);
    await call(matcher, 'GET', '/status');
    await ownSeries();
    const early = await ownSeries();
    const t0 = performance.now();
    for (let i = 10; i < 1000; i++) await cycle(i);
    const status = await call(matcher, 'GET', '/status');
    const late = await ownSeries();
    console.log(`1,000 gallery names in ${((performance.now() - t0) / 1000).toFixed(1)} s: galleries left ${Object.keys(status.body.galleries).length}, /prometheus own series ${early.length} → ${late.length}`);
    expect(status.body.galleries).toEqual({});
    expect(matcher.service.cache.names()).toEqual([]);
    expect(late.filter((k) => k.includes('churn'))).toEqual([]);
    expect(late.filter((k) => !early.includes(k))).toEqual([]); // series do not multiply
    expect((await call(matcher, 'POST', '/identify', { template: tpl, gallery: 'churn-999' })).body.code).toBe('GALLERY_NOT_FOUND');
  });

  it('refuses the 257th gallery, also among concurrent enrolments, and has room again once one is freed', async () => {
    const N = 300;
    const rs = await Promise.all(Array.from({ length: N }, (_, i) => call(matcher, 'PUT', `/persons/cap-${i}`, { templates: [tpl], galleries: [`cap-${i}`] })));
    const ok = rs.filter((r) => r.status === 201).length;
    const refused = rs.filter((r) => r.status === 400 && r.body.code === 'GALLERY_LIMIT').length;
    console.log(`${N} concurrent enrolments into new galleries: ${ok} accepted, ${refused} GALLERY_LIMIT`);
    expect(ok).toBe(256);
    expect(refused).toBe(N - 256);
    expect(matcher.service.cache.names()).toHaveLength(256);
    // the default gallery does not count; existing galleries still take new persons
    expect((await call(matcher, 'PUT', '/persons/cap-default', { templates: [tpl] })).status).toBe(201);
    const first = rs.findIndex((r) => r.status === 201);
    expect((await call(matcher, 'PUT', '/persons/cap-more', { templates: [tpl], galleries: [`cap-${first}`] })).status).toBe(201);
    const metrics = (await call(matcher, 'GET', '/prometheus')).body as string;
    // gallery names are client-chosen: they are counted, never a label
    expect(metrics).toMatch(/^matcher_galleries 257$/m);
    expect(metrics).not.toMatch(/gallery=/);
    expect(metrics).toMatch(/# TYPE matcher_queue_rejected_total counter/);
    // deleting the last person of a gallery frees it: a new name fits again
    const late = rs.findIndex((r) => r.status === 400);
    expect((await call(matcher, 'PUT', `/persons/cap-${late}`, { templates: [tpl], galleries: [`cap-${late}`] })).body.code).toBe('GALLERY_LIMIT');
    const lone = rs.findLastIndex((r) => r.status === 201);
    expect((await call(matcher, 'DELETE', `/persons/cap-${lone}`)).status).toBe(204);
    expect((await call(matcher, 'PUT', `/persons/cap-${late}`, { templates: [tpl], galleries: [`cap-${late}`] })).status).toBe(201);
  });

  it('labels metrics with route patterns and known methods only', async () => {
    for (let i = 0; i < 50; i++) await call(matcher, 'GET', `/random-path-${i}`);
    const metrics = (await call(matcher, 'GET', '/prometheus')).body as string;
    expect(metrics).not.toContain('random-path');
    expect(metrics).toContain('route="/persons/:id"');
    expect(metrics).toContain('route="unmatched"');
  });
});
