import { createLocalJWKSet, generateKeyPair, jwtVerify, type JSONWebKeySet } from 'jose';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
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
const ISS = 'https://verifier.flow.test';
let dir: string;
let matcher: FakeMatcher;
let key: SigningKey;
const open: RunningVerifier[] = [];

async function verifier(o: { keys?: SigningKey[]; db?: string; now?: () => number; webhookUrl?: string; m?: FakeMatcher } = {}) {
  const v = await startVerifier({
    port: 0,
    env: {},
    dbPath: o.db ?? path.join(dir, `v-${open.length}.db`),
    now: o.now,
    config: testConfig({ issuer: ISS, signingKeys: o.keys ?? [key], matcherUrl: (o.m ?? matcher).url, webhookUrl: o.webhookUrl }),
  });
  open.push(v);
  const target: Target = { fetch: (p, i) => fetch(v.url + p, i), issuer: ISS, signingKey: key, apiKey: API, strictApiKey: 'strict-test-key-0001' };
  return { v, target };
}

async function jwksOf(t: Target): Promise<JSONWebKeySet> {
  return (await (await t.fetch('/.well-known/jwks.json')).json()) as JSONWebKeySet;
}

async function verifyVerdict(token: string, jwks: JSONWebKeySet, currentDate?: Date) {
  const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { algorithms: ['ES256'], issuer: ISS, audience: 'acme', typ: TYP.VERDICT, currentDate });
  return v.parse(VerdictClaimsSchema, payload);
}

async function capture(t: Target, sessionToken: string, tag = 'ok', nonce?: string) {
  const res = await postCapture(t, (await makeCapture({ sessionToken, nonce, frames: [fakeJpeg(`${tag}-far`), fakeJpeg(`${tag}-best`)] })).body);
  return { status: res.status, body: (await res.json()) as { status: number; verdict?: string; response?: number; code?: string; retry?: { nonce: string; attemptsLeft: number; code: string } } };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'verifier-flow-'));
  matcher = await startFakeMatcher();
  key = await generateSigningKey();
});
afterAll(async () => {
  for (const v of open) await v.close();
  await matcher.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('verdicts and keys', () => {
  it('a verdict verifies with jose against the published JWKS only, per operation', async () => {
    const { target } = await verifier();
    const jwks = await jwksOf(target);
    expect(jwks.keys.every((k) => !('d' in k))).toBe(true);
    const cases = [
      { op: 'VERIFICATION', tag: 'ok', status: 3, response: 200, identity: 'YES' },
      { op: 'VERIFICATION', tag: 'NOMATCH', status: 3, response: undefined, identity: 'NO' },
      { op: 'VERIFICATION', tag: 'REVIEW', status: 2, response: undefined, identity: 'INCONCLUSIVE' },
      { op: 'REGISTRATION', tag: 'ENROL', status: 3, response: 201, identity: undefined },
      // the face is someone else's: no identity answer for this subject, the behaviour alert instead
      { op: 'REGISTRATION', tag: 'DUP', status: 2, response: undefined, identity: undefined, alert: 'YES' },
      { op: 'IMAGE_UPDATE', tag: 'ok', status: 3, response: 201, identity: 'YES' },
      { op: 'IDENTIFICATION', tag: 'ok', status: 3, response: 200, identity: 'YES' },
    ];
    for (const c of cases) {
      const s = await createSession(target, c.op, 'person-1');
      const r = await capture(target, s.sessionToken, c.tag);
      expect(r.status, `${c.op}/${c.tag}`).toBe(200);
      expect(r.body.status, `${c.op}/${c.tag}`).toBe(c.status);
      const claims = await verifyVerdict(r.body.verdict!, jwks);
      expect(claims.sid).toBe(s.sessionId);
      expect(claims.response).toBe(c.response);
      expect(claims.match?.identity).toBe(c.identity);
      if ('alert' in c) expect(claims.behaviourAlert).toBe(c.alert);
      expect(claims.liveness).toBe(95);
      expect(claims.hasBiometry).toBe(true);
      if (c.op === 'IDENTIFICATION') expect(claims.candidates?.[0]).toEqual({ id: 'person-1', score: 85 });
    }
    // a verdict signed by any other key is refused by the same JWKS
    const other = await verifier({ keys: [await generateSigningKey()] });
    const s = await createSession(other.target);
    const r = await capture(other.target, s.sessionToken);
    await expect(verifyVerdict(r.body.verdict!, jwks)).rejects.toThrow();
  });

  it('rotation: the next key is published before use; old verdicts verify until they expire', async () => {
    let t = Math.floor(Date.now() / 1000);
    const now = () => t;
    const oldKey = await generateSigningKey();
    const db = path.join(dir, 'rotation.db');
    const a = await verifier({ keys: [oldKey], db, now });
    const s1 = await createSession(a.target);
    const old = (await capture(a.target, s1.sessionToken)).body.verdict!;

    // rotation config: new key announced now, active in 60 s; old key published until its verdicts expire
    const newKey = await generateSigningKey({ nbf: t + 60 });
    const oldRetired = { ...oldKey, exp: t + 60 + 600 };
    const b = await verifier({ keys: [oldRetired, newKey], db, now });
    let jwks = await jwksOf(b.target);
    expect(jwks.keys.map((k) => k.kid).sort()).toEqual([oldKey.kid, newKey.kid].sort());
    const s2 = await createSession(b.target);
    const stillOld = (await capture(b.target, s2.sessionToken)).body.verdict!;
    expect(JSON.parse(Buffer.from(stillOld.split('.')[0], 'base64url').toString()).kid).toBe(oldKey.kid);

    t += 61; // new key active
    const s3 = await createSession(b.target);
    const fresh = (await capture(b.target, s3.sessionToken)).body.verdict!;
    expect(JSON.parse(Buffer.from(fresh.split('.')[0], 'base64url').toString()).kid).toBe(newKey.kid);
    jwks = await jwksOf(b.target);
    await verifyVerdict(old, jwks, new Date(t * 1000));
    await verifyVerdict(fresh, jwks, new Date(t * 1000));

    t += 700; // old key's publication window over (and its verdicts expired)
    jwks = await jwksOf(b.target);
    expect(jwks.keys.map((k) => k.kid)).toEqual([newKey.kid]);
    await expect(verifyVerdict(old, jwks, new Date((t - 700) * 1000))).rejects.toThrow();
  });
});

describe('the bench\'s constant matcher', () => {
  it('answers every call a capture makes with a protocol-valid body (edge-verifier/bench uses it)', async () => {
    const m = await startFakeMatcher({ constant: true });
    try {
      const { target } = await verifier({ m });
      for (const op of ['VERIFICATION', 'REGISTRATION'] as const) {
        const s = await createSession(target, op, `bench-${op}`);
        const res = await postCapture(target, (await makeCapture({ sessionToken: s.sessionToken })).body);
        expect(res.status, `${op}: ${await res.clone().text()}`).toBe(200);
      }
    } finally {
      await m.close();
    }
  });
});

describe('replay store', () => {
  it('two verifier instances (two processes) sharing one store, same capture sent concurrently: exactly one succeeds', async () => {
    const slow = await startFakeMatcher({ delayMs: 150 });
    let child: ChildProcess | undefined;
    try {
      const db = path.join(dir, 'shared.db');
      const a = await verifier({ db, m: slow });
      // the second instance is a separate OS process on the same SQLite file (the Node entry as a script)
      const cfg = testConfig({ issuer: ISS, signingKeys: [key], matcherUrl: slow.url });
      child = spawn(process.execPath, ['--import', 'tsx', 'edge-verifier/node.ts'], {
        env: {
          ...process.env, PORT: '0', VERIFIER_DB: db, VERIFIER_ISSUER: ISS, MATCHER_URL: slow.url,
          VERIFIER_SIGNING_KEYS: JSON.stringify(cfg.signingKeys), VERIFIER_INTEGRATORS: JSON.stringify(cfg.integrators),
          VERIFIER_RATE_LIMITS: JSON.stringify(cfg.rateLimits),
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const childUrl = await new Promise<string>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error('child verifier did not start')), 30_000);
        child!.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /listening on (http:\/\/[^\s]+)/.exec(out);
          if (m) { clearTimeout(timer); resolve(m[1]); }
        });
        child!.on('exit', (c) => reject(new Error(`child verifier exited ${c}`)));
      });
      const b = { target: { ...a.target, fetch: (p: string, i?: RequestInit) => fetch(childUrl + p, i) } };
      for (let round = 0; round < 5; round++) {
        const s = await createSession(a.target);
        const cap = await makeCapture({ sessionToken: s.sessionToken });
        const sends = Array.from({ length: 8 }, (_, i) => postCapture(i % 2 ? b.target : a.target, cap.body));
        const results = await Promise.all(sends.map(async (p) => { const r = await p; return { status: r.status, body: (await r.json()) as { code?: string; status?: number } }; }));
        const ok = results.filter((r) => r.status === 200);
        expect(ok).toHaveLength(1);
        expect(ok[0].body.status).toBe(3);
        for (const r of results.filter((x) => x.status !== 200)) expect(['NONCE_REUSED', 'SESSION_USED']).toContain(r.body.code);
      }
    } finally {
      child?.kill('SIGTERM');
      await slow.close();
    }
  });
});

describe('attempts', () => {
  it('a failed attempt returns a fresh nonce; the old one is dead; the new one works', async () => {
    const { target } = await verifier();
    const s = await createSession(target);
    const r1 = await capture(target, s.sessionToken, 'SPOOF');
    expect(r1.body).toMatchObject({ status: 1, retry: { code: 'FACE_NOT_LIVE', attemptsLeft: 3 } });
    const r2 = await capture(target, s.sessionToken, 'ok', r1.body.retry!.nonce);
    expect(r2.body.status).toBe(3);
  });

  it('one person not bound to the capture: someone else in a frame is IDENTITY_MISMATCH (no liveness), a person turned away is FACE_NOT_FRONTAL', async () => {
    const { target } = await verifier();
    const summaryOf = async (sid: string) =>
      ((await (await target.fetch(`/v1/sessions/${sid}`, { headers: { authorization: `Bearer ${API}` } })).json()) as { summary: { liveness: number; reasons: string[] } }).summary;
    const swapped = await createSession(target);
    const r1 = await capture(target, swapped.sessionToken, 'SWAP');
    expect(r1.body).toMatchObject({ status: 1, retry: { code: 'IDENTITY_MISMATCH' } });
    const s1 = await summaryOf(swapped.sessionId);
    expect(s1.liveness).toBe(0);
    // the matcher's own reason is not repeated
    expect(s1.reasons.filter((x) => x === 'IDENTITY_MISMATCH')).toHaveLength(1);
    const turned = await createSession(target);
    const r2 = await capture(target, turned.sessionToken, 'TURNED');
    // the element shows the retry code's message: "Look straight at the camera", not a fraud code
    expect(r2.body).toMatchObject({ status: 1, retry: { code: 'FACE_NOT_FRONTAL' } });
    const s2 = await summaryOf(turned.sessionId);
    expect(s2.reasons).not.toContain('IDENTITY_MISMATCH');
    expect(s2.reasons.filter((x) => x === 'FACE_NOT_FRONTAL')).toHaveLength(1);
    expect(s2.liveness).toBe(95);
    const r3 = await capture(target, turned.sessionToken, 'ok', r2.body.retry!.nonce);
    expect(r3.body.status).toBe(3);
  });

  it('matcher down: 503 UPSTREAM_UNAVAILABLE and the same capture can be retried (nonce restored)', async () => {
    const { target } = await verifier();
    const s = await createSession(target);
    const cap = await makeCapture({ sessionToken: s.sessionToken });
    matcher.down = true;
    try {
      const r = await postCapture(target, cap.body);
      expect(r.status).toBe(503);
      expect(((await r.json()) as { code: string }).code).toBe('UPSTREAM_UNAVAILABLE');
    } finally {
      matcher.down = false;
    }
    const ok = await postCapture(target, cap.body);
    expect(ok.status).toBe(200);
    const view = (await (await target.fetch(`/v1/sessions/${s.sessionId}`, { headers: { authorization: `Bearer ${API}` } })).json()) as { attempts: number; status: number };
    expect(view).toMatchObject({ attempts: 1, status: 3 });
  });

  it('a second upstream failure in a session is a counted attempt, not a free retry (no oracle)', async () => {
    const { target } = await verifier();
    const s = await createSession(target);
    const first = await makeCapture({ sessionToken: s.sessionToken });
    matcher.down = true;
    try {
      expect((await postCapture(target, first.body)).status).toBe(503); // given back once
      const r = await postCapture(target, first.body);
      expect(r.status).toBe(200);
      const body = (await r.json()) as { status: number; retry?: { code: string; nonce: string; attemptsLeft: number } };
      expect(body).toMatchObject({ status: 1, retry: { code: 'UPSTREAM_UNAVAILABLE', attemptsLeft: 3 } });
      // the frames of a counted attempt are spent: they cannot be sent again under the new nonce
      const again = await makeCapture({ sessionToken: s.sessionToken, nonce: body.retry!.nonce, frames: first.frames });
      matcher.down = false;
      const replay = await postCapture(target, again.body);
      expect(((await replay.json()) as { code: string }).code).toBe('EVIDENCE_REPLAYED');
    } finally {
      matcher.down = false;
    }
    const view = (await (await target.fetch(`/v1/sessions/${s.sessionId}`, { headers: { authorization: `Bearer ${API}` } })).json()) as { attempts: number; status: number };
    expect(view).toMatchObject({ attempts: 1, status: 1 });
  });

  it('a later upload of a session signed by another capture key is refused (the first upload bound the key)', async () => {
    const { target } = await verifier();
    const s = await createSession(target);
    const r1 = await capture(target, s.sessionToken, 'SPOOF');
    expect(r1.body.retry).toBeDefined();
    const other = await makeCapture({ sessionToken: s.sessionToken, nonce: r1.body.retry!.nonce, keyPair: await generateKeyPair('ES256', { extractable: true }) });
    const r = await postCapture(target, other.body);
    expect(r.status).toBe(400);
    expect(((await r.json()) as { code: string }).code).toBe('CAPTURE_KEY_MISMATCH');
  });

  it('evidence frames over the pixel budget or unlike their signed size are refused before the matcher is called', async () => {
    const { target } = await verifier();
    const before = matcher.calls.length;
    for (const [frame, size] of [
      [fakeJpeg('huge', 1024, 4000, 4000), { w: 4000, h: 4000 }],
      [fakeJpeg('liar', 1024, 1280, 720), { w: 480, h: 480 }],
      [new Uint8Array([0xff, 0xd8, 0xff, 0xd9]), { w: 480, h: 480 }],
    ] as const) {
      const s = await createSession(target);
      const r = await postCapture(target, (await makeCapture({ sessionToken: s.sessionToken, frames: [frame], size })).body);
      expect(r.status).toBe(400);
      expect(((await r.json()) as { code: string }).code).toBe('EVIDENCE_DIMENSIONS');
    }
    expect(matcher.calls.length).toBe(before);
  });
  // manager mode, review, cancel and expiry: e2e/verifier-process.test.ts
});

describe('webhooks', () => {
  it('signed, retried with backoff after failures, same event id, one event per transition', async () => {
    const got: { id: string; sig: string; ts: string; body: string }[] = [];
    let calls = 0;
    const recv = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        calls++;
        got.push({ id: String(req.headers['x-liveness-event-id']), sig: String(req.headers['x-liveness-signature']), ts: String(req.headers['x-liveness-timestamp']), body: Buffer.concat(chunks).toString() });
        res.writeHead(calls <= 2 ? 500 : 200).end();
      });
    });
    await new Promise<void>((r) => recv.listen(0, '127.0.0.1', () => r()));
    try {
      const hook = `http://127.0.0.1:${(recv.address() as AddressInfo).port}/hook`;
      const { v: ver, target } = await verifier({ webhookUrl: hook });
      const s = await createSession(target);
      const r = await capture(target, s.sessionToken);
      expect(r.body.status).toBe(3);
      await ver.drain();
      expect(got).toHaveLength(3);
      expect(new Set(got.map((g) => g.id)).size).toBe(1);
      expect(new Set(got.map((g) => g.body)).size).toBe(1);
      // each attempt signs `<timestamp>.<body>` with its own, current timestamp
      for (const g of got) {
        expect(Math.abs(Number(g.ts) - Date.now() / 1000)).toBeLessThan(60);
        expect(g.sig).toBe('sha256=' + createHmac('sha256', 'acme-webhook-secret-0001').update(`${g.ts}.${g.body}`).digest('hex'));
      }
      const event = JSON.parse(got[0].body) as { id: string; type: string; sessionId: string; status: number; verdict: string };
      expect(event).toMatchObject({ id: got[0].id, type: 'session.status', sessionId: s.sessionId, status: 3, verdict: r.body.verdict });
      // a failed attempt (status stays 1) fires nothing
      const s2 = await createSession(target);
      await capture(target, s2.sessionToken, 'SPOOF');
      await ver.drain();
      expect(got).toHaveLength(3);
    } finally {
      recv.closeAllConnections();
      await new Promise<void>((r) => recv.close(() => r()));
    }
  });
});
