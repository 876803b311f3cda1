/**
 * Matcher authentication (issue #13, finding 6): every route but GET /live, /ready and /openapi.json needs
 * `Authorization: Bearer <token>`; anything else is 401 UNAUTHORIZED with the protocol's error
 * body, before the route runs, so an unauthenticated body is never read.
 */
import { decode } from 'cborg';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DLIB_MODEL } from '../matcher/extraction/embed-dlib.ts';
import { createExtractor } from '../matcher/extraction/extractor.ts';
import { MATCHER_API } from '../matcher/api/openapi.ts';
import { startMatcher, type RunningMatcher } from '../matcher/server.ts';
import { call, randomTemplate } from '../matcher/testing/client.ts';
import { ROOT } from './lib/fixtures.ts';

const T1 = 'first-token-0123456789abcdef';
const T2 = 'second-token-0123456789abcdef';
const tmp = mkdtempSync(path.join(tmpdir(), 'matcher-auth-'));
let m: RunningMatcher;

beforeAll(async () => {
  m = await startMatcher({ port: 0, store: `sqlite:${path.join(tmp, 'a.db')}`, extractor: await createExtractor(), padObjects: false, apiTokens: [T1, T2], waitReady: true });
});
afterAll(async () => {
  await m?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const tpl = randomTemplate(DLIB_MODEL, 1);
/** Every route, with a body valid enough that only the missing token can refuse it. */
const ROUTES: [method: string, path: string, body?: unknown][] = [
  ['PUT', '/persons/p1', { templates: [tpl] }],
  ['GET', '/persons/p1'],
  ['DELETE', '/persons/p1'],
  ['POST', '/persons/p1/audit'],
  ['POST', '/persons/p1/verify', { templates: [tpl] }],
  ['POST', '/verify', { a: new Uint8Array(4), b: new Uint8Array(4) }],
  ['POST', '/identify', { template: tpl }],
  ['POST', '/liveness', { frames: [new Uint8Array(4)] }],
  ['GET', '/status'],
  ['GET', '/duplicates'],
  ['GET', '/prometheus'],
  ['GET', '/cluster-ready'],
  ['GET', '/no-such-endpoint'],
  ['POST', '/live'],
];

const CREDENTIALS: [name: string, token: string | undefined, header?: string][] = [
  ['no Authorization header', ''],
  ['a wrong token of the same length', T1.replace(/^f/, 'g')],
  ['a wrong short token', 'x'],
  ['a valid token plus a suffix', `${T1}x`],
  ['a valid token under the Basic scheme', undefined, `Basic ${T1}`],
  ['the scheme without a token', undefined, 'Bearer '],
];

describe('matcher bearer authentication', () => {
  it.each(CREDENTIALS)('answers 401 UNAUTHORIZED (CBOR error body) on every route but /live and /ready with %s', async (_name, token, header) => {
    for (const [method, p, body] of ROUTES) {
      const r = header === undefined
        ? await call(m.url, method, p, body, { token })
        : await rawCall(method, p, header);
      expect(r.status, `${method} ${p}`).toBe(401);
      expect(r.headers.get('content-type')).toContain('application/cbor');
      expect(r.headers.get('www-authenticate')).toBe('Bearer');
      expect(r.body).toEqual({ code: 'UNAUTHORIZED', message: expect.any(String) });
      expect(r.body.message).not.toContain(T1);
    }
    // nothing an unauthenticated call asked for happened
    expect((await call(m, 'GET', '/persons/p1')).status).toBe(404);
  });

  it('serves /live and /ready without a token, and every route with either configured token', async () => {
    expect((await call(m.url, 'GET', '/live')).status).toBe(200);
    expect((await call(m.url, 'GET', '/ready')).status).toBe(200);
    expect((await call(m.url, 'GET', '/live', undefined, { token: 'wrong' })).status).toBe(200);
    expect((await call(m, 'PUT', '/persons/p1', { templates: [tpl] })).status).toBe(201);
    expect((await call(m.url, 'GET', '/persons/p1', undefined, { token: T2 })).status).toBe(200);
    expect((await rawCall('GET', '/persons/p1', `bearer ${T2}`)).status).toBe(200);
    expect((await call(m, 'GET', '/status')).status).toBe(200);
    expect((await call(m, 'GET', '/no-such-endpoint')).status).toBe(400);
    expect((await call(m, 'DELETE', '/persons/p1')).status).toBe(204);
  });

  it('the OpenAPI description says which routes need the token, and each does as it says', async () => {
    const open: string[] = [];
    for (const r of MATCHER_API.routes) {
      const p = r.path.replace(/:[A-Za-z0-9_]+/g, 'x');
      const res = await call(m.url, r.method.toUpperCase(), p, r.body ? {} : undefined);
      if (r.auth.length) expect(res.status, `${r.method} ${r.path}`).toBe(401);
      else {
        expect(res.status, `${r.method} ${r.path}`).not.toBe(401);
        open.push(r.path);
      }
    }
    expect(open.sort()).toEqual(['/live', '/openapi.json', '/ready']);
  });

  it('refuses an unauthenticated 50 MB chunked body at once, without reading it', async () => {
    let sent = 0;
    const chunk = new Uint8Array(64 * 1024);
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent >= 50 * 1024 * 1024) return c.close();
        sent += chunk.byteLength;
        c.enqueue(chunk);
      },
    });
    const t0 = performance.now();
    const r = await fetch(`${m.url}/persons/big`, { method: 'PUT', headers: { 'content-type': 'application/cbor' }, body, duplex: 'half' } as RequestInit);
    const ms = performance.now() - t0;
    const sentAtAnswer = sent;
    await r.arrayBuffer();
    await body.cancel().catch(() => undefined);
    console.log(`unauthenticated 50 MB chunked PUT: 401 after ${ms.toFixed(0)} ms, ${(sentAtAnswer / 1048576).toFixed(1)} MB pulled from the client by then`);
    expect(r.status).toBe(401);
    expect(ms).toBeLessThan(1000);
    expect(sentAtAnswer).toBeLessThan(50 * 1024 * 1024);
  });

  it('generates a random token when none is configured', async () => {
    const g = await startMatcher({ port: 0, store: `sqlite:${path.join(tmp, 'g.db')}`, extractor: m.service.extractor, padObjects: false, waitReady: true });
    try {
      expect(g.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(g.token).not.toBe(m.token);
      expect((await call(g.url, 'GET', '/status')).status).toBe(401);
      expect((await call(g, 'GET', '/status')).status).toBe(200);
    } finally {
      await g.close();
    }
  });

  it('refuses to start as a script without MATCHER_API_TOKENS', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, MATCHER_STORE: `sqlite:${path.join(tmp, 's.db')}`, PORT: '0' };
    delete env.MATCHER_API_TOKENS;
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'matcher', 'server.ts')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(out).toContain('MATCHER_API_TOKENS');
    expect(out).not.toContain('listening');
  });
});

async function rawCall(method: string, p: string, authorization: string) {
  const r = await fetch(m.url + p, { method, headers: { authorization } });
  const raw = new Uint8Array(await r.arrayBuffer());
  return { status: r.status, headers: r.headers, body: raw.length ? (decode(raw) as { code: string; message: string }) : null };
}
