import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningVerifier } from '../edge-verifier/node.ts';
import { makeCapture } from '../edge-verifier/testing/make-capture.ts';
import { createSession, postCapture, type Target } from '../edge-verifier/testing/negative-corpus.ts';
import type { RunningMatcher } from '../matcher/server.ts';
import { call } from '../matcher/testing/client.ts';
import { liveWindow, type EvidenceSet } from './lib/evidence.ts';
import { fixture } from './lib/fixtures.ts';
import { startRealServices, type RealServices } from './lib/real-services.ts';

// Issue 17's person-level features, end to end: the real verifier (Node) in front of the real
// matcher (models, PAD, SQLite), evidence built from live fixture clips and signed as the browser
// signs it, webhooks delivered to a local receiver. Behaviour alert on every operation, watch-list
// screening, the suspicious-score webhook and erasure on the holder's request.

const ISS = 'https://verifier.persons.test';
const ALICE = () => fixture('video/live/d18.mp4');
const WATCHED = () => fixture('video/live/d12.mp4');
const STRANGER = () => fixture('video/live/d3.mp4');

let services: RealServices;
let matcher: RunningMatcher;
let verifier: RunningVerifier;
let acme: Target;
let hooks: { server: Server; url: string; events: Record<string, any>[] };

async function capture(op: string, subject: string, e: EvidenceSet) {
  const s = await createSession(acme, op, subject);
  const made = await makeCapture({ sessionToken: s.sessionToken, frames: e.frames, roles: e.roles, t: e.t });
  const res = await postCapture(acme, made.body);
  const body = (await res.json()) as { status?: number; response?: number; verdict?: string; code?: string };
  const claims = body.verdict ? JSON.parse(Buffer.from(body.verdict.split('.')[1], 'base64url').toString()) : null;
  return { sessionId: s.sessionId, status: body.status, response: body.response, verdict: body.verdict ?? '', claims, body };
}

const api = (p: string, init: RequestInit = {}) => fetch(verifier.url + p, { ...init, headers: { authorization: `Bearer ${acme.apiKey}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
const until = async <T>(fn: () => T | undefined, ms = 10_000): Promise<T> => {
  const t0 = Date.now();
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() - t0 > ms) throw new Error('not reached');
    await new Promise((r) => setTimeout(r, 50));
  }
};

beforeAll(async () => {
  const events: Record<string, any>[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => { events.push(JSON.parse(Buffer.concat(chunks).toString())); res.writeHead(200).end('{}'); });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  hooks = { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, events };
  services = await startRealServices({
    prefix: 'lk-persons-services-',
    issuer: ISS,
    webhookUrl: hooks.url,
    config: (base) => ({ integrators: base.integrators.map((i) => (i.id === 'acme' ? { ...i, watchlists: [{ name: 'fraud', minScore: 50 }] } : i)) }),
  });
  ({ matcher, verifier, acme } = services);
  const reg = await capture('REGISTRATION', 'alice', await liveWindow(ALICE(), 120));
  expect(reg).toMatchObject({ status: 3, response: 201 });
  expect(reg.claims.behaviourAlert).toBe('INCONCLUSIVE');
}, 300_000);

afterAll(async () => {
  await services?.close();
  hooks?.server.close();
});

describe('behaviour alert on every operation', () => {
  it('a verification of the only identity with this face: INCONCLUSIVE', async () => {
    const v = await capture('VERIFICATION', 'alice', await liveWindow(ALICE(), 0));
    expect(v).toMatchObject({ status: 3, response: 200 });
    expect(v.claims).toMatchObject({ behaviourAlert: 'INCONCLUSIVE', match: { identity: 'YES' } });
  });

  it('registering the same face under another identity goes to review with behaviour alert YES and no identity YES', async () => {
    const r = await capture('REGISTRATION', 'alice-again', await liveWindow(ALICE(), 60));
    expect(r.status).toBe(2);
    expect(r.claims.behaviourAlert).toBe('YES');
    expect(r.claims.reasons).toContain('DUPLICATE_IDENTITY');
    expect(r.claims.match).toBeUndefined();
    expect((await call(matcher, 'GET', '/persons/acme:alice-again')).status).toBe(404);
  }, 120_000);

  it('once the face is enrolled under a second identity, a verification of the first says YES', async () => {
    const frame = (await liveWindow(ALICE(), 200)).frames[4];
    expect((await call(matcher, 'PUT', '/persons/acme:alice-alias', { images: [frame], galleries: ['tenant.acme'] })).status).toBe(201);
    const v = await capture('VERIFICATION', 'alice', await liveWindow(ALICE(), 40));
    expect(v.status).toBe(3);
    expect(v.claims.behaviourAlert).toBe('YES');
    expect((await call(matcher, 'DELETE', '/persons/acme:alice-alias')).status).toBe(204);
  }, 120_000);
});

describe('the suspicious-score webhook', () => {
  it('fires when a subject\'s identity score flips from positive to negative', async () => {
    const v = await capture('VERIFICATION', 'alice', await liveWindow(STRANGER(), 0));
    expect(v.status).toBe(3);
    expect(v.claims.match.identity).toBe('NO');
    const flip = await until(() => hooks.events.find((e) => e.type === 'person.suspicious' && e.subject === 'alice' && e.change === 'SCORE_POSITIVE_TO_NEGATIVE'));
    expect(flip.at).toBeGreaterThan(0);
    expect(JSON.stringify(flip)).not.toMatch(/image|template|verdict/);
  }, 120_000);
});

describe('watch-lists', () => {
  it('an entry goes in through the integrator API; a list not in the configuration is 404', async () => {
    const face = (await liveWindow(WATCHED(), 150)).frames[4];
    const put = await api('/v1/watchlists/fraud/entries/w-1', { method: 'PUT', body: JSON.stringify({ image: Buffer.from(face).toString('base64') }) });
    expect(put.status).toBe(201);
    const other = await api('/v1/watchlists/vip/entries/w-1', { method: 'PUT', body: JSON.stringify({ image: Buffer.from(face).toString('base64') }) });
    expect(other.status).toBe(404);
    expect(((await other.json()) as { code: string }).code).toBe('WATCHLIST_NOT_FOUND');
    // an entry is never one of the integrator's subjects
    expect((await call(matcher, 'GET', '/persons/wl.acme:fraud:w-1')).status).toBe(200);
  }, 120_000);

  it('a capture of a watch-listed face goes to review with WATCHLIST_HIT, is not enrolled, and the hit reaches only the webhook', async () => {
    const r = await capture('REGISTRATION', 'bob', await liveWindow(WATCHED(), 0));
    expect(r.status).toBe(2);
    expect(r.claims.reasons).toContain('WATCHLIST_HIT');
    // the browser gets the verdict: no list member's id in it, nor in the capture answer
    expect(JSON.stringify(r.body)).not.toContain('w-1');
    expect(JSON.stringify(r.claims)).not.toContain('w-1');
    expect((await call(matcher, 'GET', '/persons/acme:bob')).status).toBe(404);
    const ev = await until(() => hooks.events.find((e) => e.type === 'session.status' && e.sessionId === r.sessionId));
    expect(ev.status).toBe(2);
    expect(ev.alerts).toEqual([{ type: 'WATCHLIST_HIT', list: 'fraud', entry: 'w-1', score: expect.any(Number) }]);
    // a stranger is not a hit
    const s = await capture('REGISTRATION', 'carol', await liveWindow(STRANGER(), 60));
    expect(s.claims.reasons).not.toContain('WATCHLIST_HIT');
    // entries leave the list
    expect((await api('/v1/watchlists/fraud/entries/w-1', { method: 'DELETE' })).status).toBe(204);
    expect((await call(matcher, 'GET', '/persons/wl.acme:fraud:w-1')).status).toBe(404);
  }, 180_000);
});

describe('erasure on the holder\'s request', () => {
  it('removes the person from the matcher and the review evidence from the verifier, keeps an audit row, fires the webhook', async () => {
    // a session held for review keeps evidence: alice-again's duplicate registration
    const held = await capture('REGISTRATION', 'alice-again', await liveWindow(ALICE(), 80));
    expect(held.status).toBe(2);
    const before = (await (await api(`/v1/sessions/${held.sessionId}`)).json()) as { evidenceCount: number };
    expect(before.evidenceCount).toBeGreaterThan(0);

    const gone = await api('/v1/persons/alice-again', { method: 'DELETE', headers: { 'x-actor': 'dpo@acme' } });
    expect(gone.status).toBe(200);
    // both of alice-again's registrations were held for review, each with its evidence
    const erased = (await gone.json()) as { subject: string; erased: boolean; sessions: number; evidenceFrames: number };
    expect(erased).toMatchObject({ subject: 'alice-again', erased: true, sessions: 2 });
    expect(erased.evidenceFrames).toBe(2 * before.evidenceCount);
    expect(((await (await api(`/v1/sessions/${held.sessionId}`)).json()) as { evidenceCount: number }).evidenceCount).toBe(0);

    const del = await api('/v1/persons/alice', { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect((await call(matcher, 'GET', '/persons/acme:alice')).status).toBe(404);
    expect((await call(matcher, 'GET', '/persons/acme:alice/images/0')).status).toBe(404);
    const audit = (await (await api('/v1/persons/erasures')).json()) as { erasures: { subject: string; actor: string }[] };
    expect(audit.erasures.map((e) => e.subject)).toEqual(['alice', 'alice-again']);
    expect(audit.erasures[1].actor).toBe('dpo@acme');
    expect(JSON.stringify(audit)).not.toMatch(/\/9j\/|base64/);
    await until(() => hooks.events.find((e) => e.type === 'person.suspicious' && e.subject === 'alice' && e.change === 'ERASED'));
    // the erased face is no longer there to verify against
    const after = await capture('VERIFICATION', 'alice', await liveWindow(ALICE(), 20));
    expect(after.claims.reasons).toContain('PERSON_NOT_FOUND');
  }, 180_000);
});
