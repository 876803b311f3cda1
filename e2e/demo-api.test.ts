import { serve } from '@hono/node-server';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CBOR_MEDIA_TYPE } from '../protocol/index.ts';
import { generateSigningKey } from '../edge-verifier/keys/demo-key.ts';
import { startVerifier, type RunningVerifier } from '../edge-verifier/node.ts';
import { startFakeMatcher, type FakeMatcher } from '../edge-verifier/testing/fake-matcher.ts';
import { fakeJpeg, makeCapture } from '../edge-verifier/testing/make-capture.ts';
import { createDemoApi, type DemoApi } from '../demo/server/app.ts';
import { webhookSignature } from '../demo/server/webhook-signature.ts';
import { freePort } from './lib/ports.ts';

// The demo integrator backend (demo/server) against the REAL edge verifier (Node, SQLite) and the
// verifier's fake matcher over HTTP: session creation with the server-side API key, the review
// proxy, and the signed-webhook receiver.

const API_KEY = 'demo-api-test-key-01';
const SECRET = 'demo-api-test-webhook-secret';

let dir: string;
let matcher: FakeMatcher;
let verifier: RunningVerifier;
let api: DemoApi;
let base: string;
let closeApi: () => Promise<void>;

async function post(p: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(base + p, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

async function start(operation: string, subject?: string, extra: Record<string, unknown> = {}) {
  const res = await post('/demo-api/sessions', { operation, ...(subject ? { subject } : {}), ...extra });
  expect(res.status).toBe(201);
  return (await res.json()) as { sessionId: string; token: string; verifier: string };
}

/** What the browser would upload, with frames that steer the fake matcher (REVIEW → status 2). */
async function capture(token: string, tag: string) {
  const made = await makeCapture({ sessionToken: token, frames: [fakeJpeg(`${tag}-far`), fakeJpeg(`${tag}-best`)] });
  const res = await fetch(`${verifier.url}/v1/captures`, { method: 'POST', headers: { 'content-type': CBOR_MEDIA_TYPE }, body: made.body as Uint8Array<ArrayBuffer> });
  expect(res.status).toBe(200);
  await verifier.drain();
  return (await res.json()) as { status: number };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'demo-api-'));
  matcher = await startFakeMatcher();
  const [apiPort, verifierPort] = [await freePort(), await freePort()];
  base = `http://127.0.0.1:${apiPort}`;
  const verifierUrl = `http://127.0.0.1:${verifierPort}`;
  verifier = await startVerifier({
    port: verifierPort,
    env: {},
    dbPath: path.join(dir, 'verifier.db'),
    config: {
      issuer: verifierUrl,
      signingKeys: [await generateSigningKey()],
      matcherUrl: matcher.url,
      integrators: [{
        id: 'demo', apiKey: API_KEY, origins: [base], returnUrls: [`${base}/return.html`],
        webhookUrl: `${base}/demo-api/webhooks`, webhookSecret: SECRET,
      }],
      webhook: { maxAttempts: 3, baseDelayMs: 20, timeoutMs: 2000 },
    },
  });
  api = createDemoApi({ config: { verifierUrl, apiKey: API_KEY, webhookSecret: SECRET, returnUrl: `${base}/return.html` } });
  const server = serve({ fetch: api.app.fetch, port: apiPort, hostname: '127.0.0.1' });
  await new Promise<void>((r) => server.once('listening', () => r()));
  closeApi = () => new Promise<void>((r) => server.close(() => r()));
});
afterAll(async () => {
  await closeApi?.();
  await verifier?.close();
  await matcher?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('demo integrator backend (/demo-api)', () => {
  it('creates a verifier session with the server-side API key and lists it with its notes', async () => {
    const res = await post('/demo-api/sessions', { operation: 'REGISTRATION', subject: 'ana-1', name: 'Ana Souza', card: '4242' });
    expect(res.status).toBe(201);
    const text = await res.text();
    expect(text).not.toContain(API_KEY);
    const s = JSON.parse(text) as { sessionId: string; token: string; verifier: string };
    expect(s.token.split('.')).toHaveLength(3);
    expect(s.verifier).toBe(verifier.url);
    const list = (await (await fetch(`${base}/demo-api/sessions`)).json()) as { sessions: Record<string, unknown>[] };
    const row = list.sessions.find((x) => x.sessionId === s.sessionId);
    expect(row).toMatchObject({ operation: 'REGISTRATION', subject: 'ana-1', status: 1, name: 'Ana Souza', card: '4242' });
    expect(row).not.toHaveProperty('verdict');
    const one = (await (await fetch(`${base}/demo-api/sessions/${s.sessionId}`)).json()) as Record<string, unknown>;
    expect(one).toMatchObject({ sessionId: s.sessionId, status: 1, verdictVerified: false });
  });

  it('validates requests before calling the verifier', async () => {
    const bad = async (body: unknown, status: number, code: string, headers?: Record<string, string>) => {
      const res = await post('/demo-api/sessions', body, headers);
      expect(res.status).toBe(status);
      expect(((await res.json()) as { code: string }).code).toBe(code);
    };
    await bad({ operation: 'IMAGE_UPDATE', subject: 'ana-1' }, 400, 'SCHEMA_VIOLATION');
    await bad({ operation: 'IMAGE_UPDATE', subject: 'ana-1', message: '   ' }, 400, 'SCHEMA_VIOLATION');
    await bad({ operation: 'VERIFICATION' }, 400, 'SCHEMA_VIOLATION');
    await bad({ operation: 'VERIFICATION', subject: 'a b' }, 400, 'SCHEMA_VIOLATION');
    await bad({ operation: 'DELETE_EVERYONE', subject: 'x' }, 400, 'SCHEMA_VIOLATION');
    await bad({ operation: 'VERIFICATION', subject: 'x', apiKey: 'other' }, 400, 'SCHEMA_VIOLATION');
    await bad('{', 400, 'MALFORMED_BODY');
    await bad('operation=VERIFICATION', 415, 'UNSUPPORTED_MEDIA_TYPE', { 'content-type': 'application/x-www-form-urlencoded' });
    const upd = await start('IMAGE_UPDATE', 'ana-1', { message: 'nova foto após acidente' });
    const row = (await (await fetch(`${base}/demo-api/sessions/${upd.sessionId}`)).json()) as Record<string, unknown>;
    expect(row.message).toBe('nova foto após acidente');
    const ident = await start('IDENTIFICATION');
    expect(ident.sessionId).toBeTruthy();
  });

  it('relays verifier errors with their code', async () => {
    const res = await fetch(`${base}/demo-api/sessions/does-not-exist`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { code: string }).code).toBe('SESSION_NOT_FOUND');
    const ev = await fetch(`${base}/demo-api/sessions/does-not-exist/evidence/x`);
    expect(ev.status).toBe(404);
  });

  it('status 2 → evidence through the proxy → approve → status 3, with both webhooks received and verified', async () => {
    const s = await start('VERIFICATION', 'bia-2', { name: 'Bia' });
    expect((await capture(s.token, 'REVIEW')).status).toBe(2);
    const row = (await (await fetch(`${base}/demo-api/sessions/${s.sessionId}`)).json()) as { status: number; evidenceCount: number; verdictVerified: boolean; summary: { match: { band: string } } };
    expect(row).toMatchObject({ status: 2, evidenceCount: 2, verdictVerified: true });
    const img = await fetch(`${base}/demo-api/sessions/${s.sessionId}/evidence/1`);
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await img.arrayBuffer()).includes(Buffer.from('REVIEW-best'))).toBe(true);

    const review = await post(`/demo-api/sessions/${s.sessionId}/review`, { decision: 'approve' });
    expect(review.status).toBe(200);
    const body = (await review.json()) as Record<string, unknown>;
    expect(body).toEqual({ sessionId: s.sessionId, status: 3, response: 200 });
    await verifier.drain();
    const after = (await (await fetch(`${base}/demo-api/sessions/${s.sessionId}`)).json()) as { status: number; summary: { reasons: string[]; match: { identity: string } } };
    expect(after.status).toBe(3);
    expect(after.summary.reasons).toContain('REVIEW_APPROVED');
    expect(after.summary.match.identity).toBe('YES');
    // a second decision is refused by the verifier
    const again = await post(`/demo-api/sessions/${s.sessionId}/review`, { decision: 'reject' });
    expect(again.status).toBe(409);

    const { events } = (await (await fetch(`${base}/demo-api/webhooks`)).json()) as { events: { sessionId: string; status: number; verdictVerified: boolean; claims: { sub: string } }[] };
    const mine = events.filter((e) => e.sessionId === s.sessionId);
    expect(mine.map((e) => e.status)).toEqual([3, 2]);
    expect(mine.every((e) => e.verdictVerified && e.claims.sub === 'bia-2')).toBe(true);
    expect(JSON.stringify(events)).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
  });

  it('reject of a status-2 session → status 3 identity NO', async () => {
    const s = await start('VERIFICATION', 'caio-3');
    expect((await capture(s.token, 'REVIEW')).status).toBe(2);
    const res = await post(`/demo-api/sessions/${s.sessionId}/review`, { decision: 'reject' });
    expect(await res.json()).toEqual({ sessionId: s.sessionId, status: 3 });
    const after = (await (await fetch(`${base}/demo-api/sessions/${s.sessionId}`)).json()) as { summary: { reasons: string[]; match: { identity: string } } };
    expect(after.summary.match.identity).toBe('NO');
    expect(after.summary.reasons).toContain('REVIEW_REJECTED');
    expect((await post(`/demo-api/sessions/${s.sessionId}/review`, { decision: 'maybe' })).status).toBe(400);
  });

  it('webhook receiver: bad or missing signature → 400, valid signature → recorded once', async () => {
    const event = JSON.stringify({ id: 'evt_test_1', type: 'session.status', sessionId: 'sid-x', status: 5, verdict: 'a.b.c' });
    const ts = Math.floor(Date.now() / 1000);
    const sig = await webhookSignature(SECRET, ts, event);
    const wrong = await webhookSignature('another-secret-0000000', ts, event);
    const stale = ts - 3600;
    const at = { 'x-liveness-timestamp': String(ts) };
    const attempts: Record<string, string>[] = [
      {},
      { ...at, 'x-liveness-signature': wrong },
      { ...at, 'x-liveness-signature': 'sha256=zz' },
      { ...at, 'x-liveness-signature': sig.toUpperCase() },
      { 'x-liveness-signature': sig },
      // a captured delivery replayed an hour later: correctly signed, refused as stale
      { 'x-liveness-timestamp': String(stale), 'x-liveness-signature': await webhookSignature(SECRET, stale, event) },
      { 'x-liveness-timestamp': String(ts + 1), 'x-liveness-signature': sig },
    ];
    for (const headers of attempts) {
      const res = await post('/demo-api/webhooks', event, headers);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { code: string }).code).toBe('BAD_REQUEST');
    }
    // the signature covers the exact bytes: the same JSON re-serialised with a space is refused
    expect((await post('/demo-api/webhooks', event.replace(',', ', '), { ...at, 'x-liveness-signature': sig })).status).toBe(400);
    const before = api.events().length;
    for (let i = 0; i < 2; i++) {
      const ok = await post('/demo-api/webhooks', event, { ...at, 'x-liveness-signature': sig, 'x-liveness-event-id': 'evt_test_1' });
      expect(ok.status).toBe(200);
    }
    const mine = api.events().filter((e) => e.id === 'evt_test_1');
    expect(api.events().length).toBe(before + 1);
    // signed by the shared secret, but its verdict is not a verifier JWT: shown as unverified
    expect(mine[0]).toMatchObject({ sessionId: 'sid-x', status: 5, verdictVerified: false, claims: null });
    // signed, but not an event
    const junk = JSON.stringify({ hello: 'world' });
    expect((await post('/demo-api/webhooks', junk, { ...at, 'x-liveness-signature': await webhookSignature(SECRET, ts, junk) })).status).toBe(400);
  });

  it('answers 503 UPSTREAM_UNAVAILABLE when the verifier is down', async () => {
    const port = await freePort();
    const down = createDemoApi({ config: { verifierUrl: `http://127.0.0.1:${port}`, upstreamTimeoutMs: 2000 } });
    const res = await down.app.request('/demo-api/sessions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ operation: 'VERIFICATION', subject: 'x' }) });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { code: string }).code).toBe('UPSTREAM_UNAVAILABLE');
  });
});
