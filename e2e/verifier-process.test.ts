/**
 * Process semantics an integrator relies on (issue: session fields, cancel and expiry with status
 * 4, manager mode as specified, the review decision, per-integrator configuration through the
 * admin API, and webhooks from a durable outbox that survives kill -9). Real verifier over HTTP
 * (Node entry, SQLite file), the fake matcher of edge-verifier/testing (frames tagged by content).
 */
import Database from 'better-sqlite3';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { TYP, VerdictClaimsSchema } from '../protocol/index.ts';
import type { SigningKey } from '../edge-verifier/config.ts';
import { generateSigningKey } from '../edge-verifier/keys/demo-key.ts';
import { startVerifier, type RunningVerifier } from '../edge-verifier/node.ts';
import { startFakeMatcher, type FakeMatcher } from '../edge-verifier/testing/fake-matcher.ts';
import { fakeJpeg, makeCapture } from '../edge-verifier/testing/make-capture.ts';
import { createSession, postCapture, type Target } from '../edge-verifier/testing/negative-corpus.ts';
import { testConfig } from '../edge-verifier/testing/test-config.ts';

const API = 'acme-test-key-0001';
const ADMIN = { id: 'ops', key: 'admin-test-key-00000001' };
const ISS = 'https://verifier.process.test';
let dir: string;
let matcher: FakeMatcher;
let key: SigningKey;
const open: RunningVerifier[] = [];
const auth = { authorization: `Bearer ${API}` };
const json = { 'content-type': 'application/json' };

function configFor(o: { webhookUrl?: string } = {}) {
  return { ...testConfig({ issuer: ISS, signingKeys: [key], matcherUrl: matcher.url, webhookUrl: o.webhookUrl }), adminKeys: [ADMIN] };
}

async function verifier(o: { db?: string; now?: () => number; webhookUrl?: string } = {}) {
  const db = o.db ?? path.join(dir, `v-${open.length}.db`);
  const v = await startVerifier({ port: 0, env: {}, dbPath: db, now: o.now, config: configFor(o) });
  open.push(v);
  const target: Target = { fetch: (p, i) => fetch(v.url + p, i), issuer: ISS, signingKey: key, apiKey: API, strictApiKey: 'strict-test-key-0001' };
  return { v, target, db };
}

async function verdictOf(t: Target, token: string) {
  const jwks = (await (await t.fetch('/.well-known/jwks.json')).json()) as JSONWebKeySet;
  const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { algorithms: ['ES256'], issuer: ISS, audience: 'acme', typ: TYP.VERDICT });
  return v.parse(VerdictClaimsSchema, payload);
}

async function capture(t: Target, sessionToken: string, tag = 'ok', nonce?: string) {
  const res = await postCapture(t, (await makeCapture({ sessionToken, nonce, frames: [fakeJpeg(`${tag}-far`), fakeJpeg(`${tag}-best`)] })).body);
  return { status: res.status, body: (await res.json()) as { status: number; code?: string; verdict?: string; response?: number; retry?: { nonce: string; code: string } } };
}

async function call(t: Target, p: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const res = await t.fetch(p, { method: init.method ?? 'GET', headers: { ...auth, ...json, ...init.headers }, ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { code?: string } };
}

/** A webhook receiver that counts every delivery by event id; `failing` answers 500 while set. */
async function receiver() {
  const got: { id: string; status: number; sessionId: string }[] = [];
  const state = { failing: false };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (state.failing) return void res.writeHead(500).end();
      const b = JSON.parse(Buffer.concat(chunks).toString()) as { id: string; status: number; sessionId: string };
      got.push({ id: String(req.headers['x-liveness-event-id']), status: b.status, sessionId: b.sessionId });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { got, state, url, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

async function until(cond: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'verifier-process-'));
  matcher = await startFakeMatcher();
  key = await generateSigningKey();
});
afterAll(async () => {
  for (const x of open) await x.close();
  await matcher.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('session fields', () => {
  it('IMAGE_UPDATE needs a justification; message, details, card and name are stored, returned, and the justification is in the verdict', async () => {
    const { target } = await verifier();
    const create = (body: Record<string, unknown>) => call(target, '/v1/sessions', { method: 'POST', body });
    expect(await create({ operation: 'IMAGE_UPDATE', subject: 'person-1' })).toMatchObject({ status: 400, body: { code: 'MESSAGE_REQUIRED' } });
    expect(await create({ operation: 'IMAGE_UPDATE', subject: 'person-1', message: '   ' })).toMatchObject({ status: 400, body: { code: 'MESSAGE_REQUIRED' } });
    expect(await create({ operation: 'IMAGE_UPDATE', subject: 'person-1', message: 'x'.repeat(501) })).toMatchObject({ status: 400, body: { code: 'SCHEMA_VIOLATION' } });
    expect(await create({ operation: 'VERIFICATION', subject: 'person-1', details: { blob: 'x'.repeat(5000) } })).toMatchObject({ status: 400, body: { code: 'SCHEMA_VIOLATION' } });
    expect(await create({ operation: 'VERIFICATION', subject: 'person-1', details: ['not', 'an', 'object'] })).toMatchObject({ status: 400, body: { code: 'SCHEMA_VIOLATION' } });

    const made = await create({ operation: 'IMAGE_UPDATE', subject: 'person-1', message: 'documento renovado', details: { branch: 42, channel: 'app' }, card: '123.456.789-00', name: 'Maria Silva' });
    expect(made.status).toBe(201);
    const sid = made.body.sessionId as string;
    const view = await call(target, `/v1/sessions/${sid}`);
    expect(view.body).toMatchObject({ operation: 'IMAGE_UPDATE', message: 'documento renovado', details: { branch: 42, channel: 'app' }, card: '123.456.789-00', name: 'Maria Silva' });
    const r = await capture(target, made.body.sessionToken as string);
    expect(r.body.status).toBe(3);
    const claims = await verdictOf(target, r.body.verdict!);
    expect(claims).toMatchObject({ op: 'IMAGE_UPDATE', response: 201, message: 'documento renovado' });
    expect((await call(target, `/v1/sessions/${sid}`)).body.summary).toMatchObject({ message: 'documento renovado' });
  });
});

describe('status 4: cancel and expiry', () => {
  it('cancel ends a pending session with status 4 and its webhook; a capture after it is refused; cancelling twice is SESSION_USED', async () => {
    const hook = await receiver();
    try {
      const { target, v: ver } = await verifier({ webhookUrl: hook.url });
      const s = await createSession(target);
      const c = await call(target, `/v1/sessions/${s.sessionId}/cancel`, { method: 'POST' });
      expect(c).toMatchObject({ status: 200, body: { status: 4 } });
      const claims = await verdictOf(target, c.body.verdict as string);
      expect(claims).toMatchObject({ status: 4, hasBiometry: false, reasons: ['CANCELLED'] });
      expect((await capture(target, s.sessionToken)).body.code).toBe('SESSION_CANCELLED');
      expect(await call(target, `/v1/sessions/${s.sessionId}/cancel`, { method: 'POST' })).toMatchObject({ status: 409, body: { code: 'SESSION_USED' } });
      await ver.drain();
      expect(hook.got.filter((e) => e.sessionId === s.sessionId).map((e) => e.status)).toEqual([4]);
      // another integrator cannot cancel (nor see) it
      const other = await call(target, `/v1/sessions/${s.sessionId}/cancel`, { method: 'POST', headers: { authorization: 'Bearer strict-test-key-0001' } });
      expect(other).toMatchObject({ status: 404, body: { code: 'SESSION_NOT_FOUND' } });
    } finally {
      await hook.close();
    }
  });

  it('a pending session past its expiry ends with status 4 SESSION_EXPIRED and its webhook (sweep, and on read)', async () => {
    const hook = await receiver();
    try {
      let t = Math.floor(Date.now() / 1000);
      const { target, v: ver } = await verifier({ webhookUrl: hook.url, now: () => t });
      const a = await createSession(target);
      const b = await createSession(target);
      const done = await createSession(target);
      expect((await capture(target, done.sessionToken)).body.status).toBe(3);
      t += 301;
      expect(await ver.expireNow()).toBe(2);
      const view = await call(target, `/v1/sessions/${a.sessionId}`);
      expect(view.body).toMatchObject({ status: 4 });
      expect((await verdictOf(target, view.body.verdict as string)).reasons).toEqual(['SESSION_EXPIRED']);
      expect((await call(target, `/v1/sessions/${b.sessionId}`)).body.status).toBe(4);
      expect((await call(target, `/v1/sessions/${done.sessionId}`)).body.status).toBe(3);
      await ver.drain();
      const mine = (sid: string) => hook.got.filter((e) => e.sessionId === sid).map((e) => e.status);
      expect([mine(a.sessionId), mine(b.sessionId), mine(done.sessionId)]).toEqual([[4], [4], [3]]);
      // read path: the sweep has not run for this one yet; reading it ends it
      const c = await createSession(target);
      t += 301;
      expect((await call(target, `/v1/sessions/${c.sessionId}`)).body.status).toBe(4);
    } finally {
      await hook.close();
    }
  });
});

describe('manager mode (acme: after 2 attempts without a face)', () => {
  it('after N attempts in which no face was found, the next capture is accepted without biometry: status 3, hasBiometry false, score +10', async () => {
    const { target } = await verifier();
    const s = await createSession(target);
    let nonce = (await capture(target, s.sessionToken, 'NOFACE')).body.retry!.nonce;
    // a liveness failure between them does not count, nor does it reset the count
    nonce = (await capture(target, s.sessionToken, 'SPOOF', nonce)).body.retry!.nonce;
    nonce = (await capture(target, s.sessionToken, 'NOFACE', nonce)).body.retry!.nonce;
    const before = matcher.calls.length;
    const r = await capture(target, s.sessionToken, 'SPOOF', nonce);
    expect(matcher.calls.length).toBe(before); // no biometry at all
    expect(r.body.status).toBe(3);
    expect(r.body.response).toBeUndefined();
    const claims = await verdictOf(target, r.body.verdict!);
    expect(claims).toMatchObject({ status: 3, hasBiometry: false, match: { score: 10, identity: 'INCONCLUSIVE' } });
    expect(claims.reasons).toContain('MANAGER_MODE');
    expect((await call(target, `/v1/sessions/${s.sessionId}`)).body).toMatchObject({ status: 3, noFaceAttempts: 2 });
  });

  it('FACE_NOT_LIVE attempts never lead to manager mode: every capture goes to the matcher until the attempts run out', async () => {
    const { target } = await verifier();
    const s = await createSession(target);
    let nonce: string | undefined;
    for (let i = 0; i < 3; i++) {
      const before = matcher.calls.length;
      const r = await capture(target, s.sessionToken, 'SPOOF', nonce);
      expect(matcher.calls.length).toBeGreaterThan(before);
      expect(r.body.retry?.code).toBe('FACE_NOT_LIVE');
      nonce = r.body.retry!.nonce;
    }
    const last = await capture(target, s.sessionToken, 'SPOOF', nonce);
    expect(last.body.status).toBe(5);
    const claims = await verdictOf(target, last.body.verdict!);
    expect(claims.reasons).not.toContain('MANAGER_MODE');
    expect(claims.reasons).toContain('FACE_NOT_LIVE');
  });
});

describe('review decisions', () => {
  it('approving an enrolment whose evidence is gone is refused (no 201 without an enrolment); reject still works', async () => {
    const { target, db } = await verifier();
    const s = await createSession(target, 'REGISTRATION', 'person-gone');
    expect((await capture(target, s.sessionToken, 'DUP')).body.status).toBe(2);
    // retention removed the review evidence (as the purge does after reviewEvidenceDays)
    const raw = new Database(db);
    raw.prepare('DELETE FROM evidence WHERE sid = ?').run(s.sessionId);
    raw.close();
    const puts = () => matcher.calls.filter((c) => c.method === 'PUT').length;
    const before = puts();
    const approve = await call(target, `/v1/sessions/${s.sessionId}/review`, { method: 'POST', body: { decision: 'approve' } });
    expect(approve).toMatchObject({ status: 400, body: { code: 'REVIEW_EVIDENCE_GONE' } });
    expect(puts()).toBe(before);
    expect((await call(target, `/v1/sessions/${s.sessionId}`)).body.status).toBe(2);
    const reject = await call(target, `/v1/sessions/${s.sessionId}/review`, { method: 'POST', body: { decision: 'reject' } });
    expect(reject).toMatchObject({ status: 200, body: { status: 3 } });
    expect(reject.body.response).toBeUndefined();
  });

  it('two reviewers approving the same enrolment at once: exactly one decides and enrols, once', async () => {
    const { target } = await verifier();
    for (let round = 0; round < 3; round++) {
      const s = await createSession(target, 'REGISTRATION', `person-race-${round}`);
      expect((await capture(target, s.sessionToken, 'DUP')).body.status).toBe(2);
      const before = matcher.calls.filter((c) => c.method === 'PUT').length;
      const results = await Promise.all(Array.from({ length: 4 }, () => call(target, `/v1/sessions/${s.sessionId}/review`, { method: 'POST', body: { decision: 'approve' } })));
      const ok = results.filter((r) => r.status === 200);
      expect(ok).toHaveLength(1);
      expect(ok[0].body).toMatchObject({ status: 3, response: 201 });
      for (const r of results.filter((x) => x.status !== 200)) expect(r.body.code).toBe('SESSION_USED');
      expect(matcher.calls.filter((c) => c.method === 'PUT').length - before).toBe(1);
    }
  });
});

describe('per-integrator configuration (admin API)', () => {
  const admin = { authorization: `Bearer ${ADMIN.key}`, 'x-admin-actor': 'ana.souza' };

  it("the integrator's own key (or none) cannot call the admin API; the admin key cannot call the integrator API", async () => {
    const { target } = await verifier();
    for (const h of [auth, {}, { authorization: 'Bearer strict-test-key-0001' }]) {
      const r = await target.fetch('/v1/admin/integrators', { headers: h });
      expect(r.status).toBe(401);
    }
    expect((await target.fetch('/v1/sessions', { headers: { authorization: `Bearer ${ADMIN.key}` } })).status).toBe(401);
    const list = await call(target, '/v1/admin/integrators', { headers: admin });
    expect(list.status).toBe(200);
    const acme = (list.body.integrators as Record<string, unknown>[]).find((i) => i.id === 'acme')!;
    // secrets never leave in clear
    expect(String(acme.apiKey)).toMatch(/^sha256:[0-9a-f]{12}$/);
    expect(String(acme.webhookSecret)).toMatch(/^sha256:/);
    expect(JSON.stringify(list.body)).not.toContain(API);
  });

  it('changes take effect without a restart and are logged with who, when, old and new value', async () => {
    const { target } = await verifier();
    expect((await call(target, `/v1/sessions/${(await createSession(target)).sessionId}`)).body.maxAttempts).toBe(4);
    const p = await call(target, '/v1/admin/integrators/acme', { method: 'PATCH', headers: admin, body: { maxAttempts: 2, liveness: { threshold: 70 } } });
    expect(p).toMatchObject({ status: 200, body: { changes: 2, integrator: { maxAttempts: 2, liveness: { enabled: true, version: '2.0', threshold: 70 } } } });
    expect((await call(target, `/v1/sessions/${(await createSession(target)).sessionId}`)).body.maxAttempts).toBe(2);

    // liveness off: new sessions are refused at once
    await call(target, '/v1/admin/integrators/acme', { method: 'PATCH', headers: admin, body: { liveness: { enabled: false } } });
    expect(await call(target, '/v1/sessions', { method: 'POST', body: { operation: 'VERIFICATION', subject: 'p' } })).toMatchObject({ status: 400, body: { code: 'LIVENESS_DISABLED' } });
    await call(target, '/v1/admin/integrators/acme', { method: 'PATCH', headers: admin, body: { liveness: { enabled: true } } });

    // a key rotation: the old key stops working, the new one works, the log shows fingerprints only
    const rotated = await call(target, '/v1/admin/integrators/acme', { method: 'PATCH', headers: admin, body: { apiKey: 'acme-rotated-key-0002' } });
    expect(rotated.status).toBe(200);
    expect((await target.fetch('/v1/sessions', { headers: auth })).status).toBe(401);
    expect((await target.fetch('/v1/sessions', { headers: { authorization: 'Bearer acme-rotated-key-0002' } })).status).toBe(200);
    // a fingerprint sent back is never taken as the secret
    const back = await call(target, '/v1/admin/integrators/acme', { method: 'PATCH', headers: admin, body: { apiKey: rotated.body.integrator && (rotated.body.integrator as { apiKey: string }).apiKey } });
    expect(back).toMatchObject({ status: 400, body: { code: 'SCHEMA_VIOLATION' } });

    const log = (await call(target, '/v1/admin/integrators/acme/changes', { headers: admin })).body.changes as { actor: string; field: string; old: string | null; new: string | null; at: number }[];
    const byField = (f: string) => log.filter((c) => c.field === f);
    expect(byField('maxAttempts')).toEqual([expect.objectContaining({ actor: 'ops/ana.souza', old: '4', new: '2' })]);
    expect(byField('liveness').map((c) => [JSON.parse(c.old!).enabled, JSON.parse(c.new!).enabled])).toEqual([[false, true], [true, false], [true, true]]);
    expect(byField('apiKey')[0].old).toMatch(/^"sha256:/);
    expect(JSON.stringify(log)).not.toContain('acme-rotated-key-0002');
    expect(log.at(-1)).toMatchObject({ actor: 'seed', field: '*' });
    expect(log.every((c) => typeof c.at === 'number' && c.at > 0)).toBe(true);
  });

  it('a verifier with no integrator in its store and none to seed refuses to start, saying so (no silent demo integrator)', async () => {
    const cfg = configFor();
    await expect(startVerifier({ port: 0, env: {}, dbPath: path.join(dir, 'empty.db'), config: { ...cfg, integrators: [] } })).rejects.toThrow(/no integrators configured/);
    // an existing store needs no seed: its integrators are the truth
    const first = await verifier();
    const again = await startVerifier({ port: 0, env: {}, dbPath: first.db, config: { ...cfg, integrators: [] } });
    open.push(again);
    expect((await fetch(`${again.url}/v1/sessions`, { headers: auth })).status).toBe(200);
  });

  it('PUT creates an integrator that works at once; bad configurations are refused with the path', async () => {
    const { target } = await verifier();
    const put = (id: string, body: unknown) => call(target, `/v1/admin/integrators/${id}`, { method: 'PUT', headers: admin, body });
    expect(await put('beta', { apiKey: 'beta-key-000000001', origins: ['not a url'] })).toMatchObject({ status: 400, body: { code: 'SCHEMA_VIOLATION' } });
    expect(await put('beta', { apiKey: API, origins: [] })).toMatchObject({ status: 400, body: { code: 'SCHEMA_VIOLATION' } });
    expect(await put('beta', { id: 'gamma', apiKey: 'beta-key-000000001', origins: [] })).toMatchObject({ status: 400 });
    expect(await put('beta', { apiKey: 'beta-key-000000001', origins: ['https://beta.example'], maxAttempts: 3 })).toMatchObject({ status: 201 });
    const s = await target.fetch('/v1/sessions', { method: 'POST', headers: { authorization: 'Bearer beta-key-000000001', ...json }, body: JSON.stringify({ operation: 'VERIFICATION', subject: 'b1' }) });
    expect(s.status).toBe(201);
    expect((await call(target, '/v1/admin/integrators/nobody', { headers: admin })).status).toBe(404);
  });
});

describe('durable webhooks', () => {
  it('kill -9 with 50 undelivered events: after a restart every event is delivered exactly once', async () => {
    const hook = await receiver();
    hook.state.failing = true;
    const db = path.join(dir, 'kill9.db');
    const cfg = configFor({ webhookUrl: hook.url });
    const env = {
      ...process.env, PORT: '0', VERIFIER_DB: db, VERIFIER_ISSUER: ISS, MATCHER_URL: matcher.url,
      VERIFIER_SIGNING_KEYS: JSON.stringify(cfg.signingKeys), VERIFIER_INTEGRATORS: JSON.stringify(cfg.integrators),
      VERIFIER_RATE_LIMITS: JSON.stringify(cfg.rateLimits), VERIFIER_WEBHOOK: JSON.stringify({ maxAttempts: 10, baseDelayMs: 200, timeoutMs: 2000 }),
    };
    const start = async (): Promise<{ child: ChildProcess; url: string }> => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'edge-verifier/node.ts'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error('verifier did not start')), 30_000);
        child.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /listening on (http:\/\/[^\s]+)/.exec(out);
          if (m) { clearTimeout(timer); resolve(m[1]); }
        });
        child.on('exit', (c) => reject(new Error(`verifier exited ${c}`)));
      });
      return { child, url };
    };
    let run = await start();
    try {
      const t = (): Target => ({ fetch: (p, i) => fetch(run.url + p, i), issuer: ISS, signingKey: key, apiKey: API, strictApiKey: 'strict-test-key-0001' });
      const sids: string[] = [];
      for (let i = 0; i < 50; i++) {
        const s = await createSession(t());
        // half cancelled, half concluded by a capture: two kinds of transition, one event each
        if (i % 2) expect((await call(t(), `/v1/sessions/${s.sessionId}/cancel`, { method: 'POST' })).status).toBe(200);
        else expect((await capture(t(), s.sessionToken, `k9-${i}`)).body.status).toBe(3);
        sids.push(s.sessionId);
      }
      const pending = (await call(t(), '/v1/webhooks/deliveries?limit=500')).body.deliveries as { state: string }[];
      expect(pending).toHaveLength(50);
      expect(pending.every((d) => d.state === 'pending')).toBe(true);
      expect(hook.got).toHaveLength(0);
      run.child.kill('SIGKILL');
      await new Promise((r) => run.child.once('exit', r));

      hook.state.failing = false;
      run = await start();
      await until(() => hook.got.length >= 50, 30_000);
      // a little longer: nothing more may arrive
      await new Promise((r) => setTimeout(r, 1500));
      expect(hook.got).toHaveLength(50);
      expect(new Set(hook.got.map((e) => e.id)).size).toBe(50);
      expect(new Set(hook.got.map((e) => e.sessionId))).toEqual(new Set(sids));
      const after = (await call(t(), '/v1/webhooks/deliveries?limit=500')).body.deliveries as { state: string; attempts: number }[];
      expect(after.map((d) => d.state)).toEqual(Array(50).fill('delivered'));
      // each was tried while the receiver failed, then delivered once after the restart
      expect(after.filter((d) => d.attempts >= 2).length).toBeGreaterThanOrEqual(45);
      // the strict integrator sees none of acme's deliveries
      const strict = await call(t(), '/v1/webhooks/deliveries', { headers: { authorization: 'Bearer strict-test-key-0001' } });
      expect(strict.body.deliveries).toEqual([]);
    } finally {
      run.child.kill('SIGKILL');
      await hook.close();
    }
  });
});

describe('durable webhooks on Workers (workerd, Durable Object alarm)', () => {
  it('events written while the receiver fails survive a restart of the runtime; the alarm delivers each once', async () => {
    const { startWorkerdVerifier } = await import('../edge-verifier/testing/workerd.ts');
    const hook = await receiver();
    hook.state.failing = true;
    const persistDir = mkdtempSync(path.join(tmpdir(), 'workerd-outbox-'));
    const cfg = configFor({ webhookUrl: hook.url });
    const vars = {
      VERIFIER_ISSUER: ISS,
      VERIFIER_SIGNING_KEYS: JSON.stringify(cfg.signingKeys),
      VERIFIER_INTEGRATORS: JSON.stringify(cfg.integrators),
      MATCHER_URL: matcher.url,
      VERIFIER_WEBHOOK: JSON.stringify({ maxAttempts: 10, baseDelayMs: 300, timeoutMs: 2000 }),
      VERIFIER_RATE_LIMITS: JSON.stringify(cfg.rateLimits),
    };
    let w = await startWorkerdVerifier(vars, { persistDir });
    try {
      const t = (): Target => ({ fetch: (p, i) => w.fetch(p, i), issuer: ISS, signingKey: key, apiKey: API, strictApiKey: 'strict-test-key-0001' });
      const sids: string[] = [];
      for (let i = 0; i < 10; i++) {
        const s = await createSession(t());
        expect((await call(t(), `/v1/sessions/${s.sessionId}/cancel`, { method: 'POST' })).status).toBe(200);
        sids.push(s.sessionId);
      }
      // the alarm has tried them against the failing receiver
      await until(async () => ((await call(t(), '/v1/webhooks/deliveries')).body.deliveries as { attempts: number }[]).every((d) => d.attempts >= 1));
      expect(hook.got).toHaveLength(0);
      await w.close();

      hook.state.failing = false;
      w = await startWorkerdVerifier(vars, { persistDir });
      // no request is needed: the stored alarm fires in the new runtime
      await until(() => hook.got.length >= 10, 30_000);
      await new Promise((r) => setTimeout(r, 1000));
      expect(hook.got).toHaveLength(10);
      expect(new Set(hook.got.map((e) => e.id)).size).toBe(10);
      expect(new Set(hook.got.map((e) => e.sessionId))).toEqual(new Set(sids));
      expect(hook.got.every((e) => e.status === 4)).toBe(true);
      const view = (await call(t(), '/v1/webhooks/deliveries')).body.deliveries as { state: string }[];
      expect(view.map((d) => d.state)).toEqual(Array(10).fill('delivered'));
    } finally {
      await w.close().catch(() => undefined);
      await hook.close();
      rmSync(persistDir, { recursive: true, force: true });
    }
  });
});
