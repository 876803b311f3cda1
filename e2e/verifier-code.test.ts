import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CodeExchangeResponse } from '../protocol/index.ts';
import { codeHash } from '../edge-verifier/flow/one-time-code.ts';
import { generateSigningKey } from '../edge-verifier/keys/demo-key.ts';
import { startVerifier } from '../edge-verifier/node.ts';
import { startFakeMatcher, type FakeMatcher } from '../edge-verifier/testing/fake-matcher.ts';
import { fakeJpeg, makeCapture } from '../edge-verifier/testing/make-capture.ts';
import { createSession, postCapture, type Target } from '../edge-verifier/testing/negative-corpus.ts';
import { testConfig } from '../edge-verifier/testing/test-config.ts';
import { startWorkerdVerifier, type DurableStoreStub } from '../edge-verifier/testing/workerd.ts';

// The one-time result code of the redirect integration, end to end on both entries: Node
// (@hono/node-server + better-sqlite3, injected clock) and Workers (esbuild bundle under workerd,
// Durable Object store; expiry by a 1 s lifetime and by calling the DO with an injected `now`).

const ACME = 'acme-test-key-0001';
const STRICT = 'strict-test-key-0001';
const CODE = /^[A-Za-z0-9_-]{43}$/;

type Running = {
  target: Target;
  /** lets `seconds` pass for the verifier: moves the injected clock (Node) or waits (workerd) */
  elapse(seconds: number): Promise<void>;
  store?: () => Promise<DurableStoreStub>;
  close(): Promise<void>;
};
type Runtime = { name: string; start(m: FakeMatcher, codeTtlS?: number): Promise<Running> };

const RUNTIMES: Runtime[] = [
  {
    name: 'node',
    async start(m, codeTtlS) {
      const key = await generateSigningKey();
      const dir = mkdtempSync(path.join(tmpdir(), 'verifier-code-'));
      let offset = 0;
      const v = await startVerifier({
        port: 0,
        env: {},
        dbPath: path.join(dir, 'v.db'),
        now: () => Math.floor(Date.now() / 1000) + offset,
        config: { ...testConfig({ issuer: 'https://verifier.node.test', signingKeys: [key], matcherUrl: m.url }), ...(codeTtlS ? { codeTtlS } : {}) },
      });
      return {
        target: { fetch: (p, init) => fetch(v.url + p, init), issuer: v.config.issuer, signingKey: key, apiKey: ACME, strictApiKey: STRICT },
        elapse: async (s) => { offset += s; },
        close: async () => {
          await v.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'workerd',
    async start(m, codeTtlS) {
      const key = await generateSigningKey();
      const cfg = testConfig({ issuer: 'https://verifier.workerd.test', signingKeys: [key], matcherUrl: m.url });
      const w = await startWorkerdVerifier({
        VERIFIER_ISSUER: cfg.issuer,
        VERIFIER_SIGNING_KEYS: JSON.stringify(cfg.signingKeys),
        VERIFIER_INTEGRATORS: JSON.stringify(cfg.integrators),
        MATCHER_URL: cfg.matcherUrl,
        VERIFIER_RATE_LIMITS: JSON.stringify(cfg.rateLimits),
        ...(codeTtlS ? { VERIFIER_CODE_TTL_S: String(codeTtlS) } : {}),
      });
      return {
        target: { fetch: w.fetch, issuer: cfg.issuer, signingKey: key, apiKey: ACME, strictApiKey: STRICT },
        // workerd's clock is the real one: wait past the (whole-second) expiry
        elapse: (s) => new Promise((r) => setTimeout(r, s * 1000 + 1200)),
        store: w.store,
        close: () => w.close(),
      };
    },
  },
];

type CaptureBody = { sessionId: string; status: number; verdict?: string; response?: number; code?: string; retry?: { nonce: string } };

async function capture(t: Target, sessionToken: string, tag = 'ok', nonce?: string): Promise<CaptureBody> {
  const res = await postCapture(t, (await makeCapture({ sessionToken, nonce, frames: [fakeJpeg(`${tag}-far`), fakeJpeg(`${tag}-best`)] })).body);
  expect(res.status).toBe(200);
  return (await res.json()) as CaptureBody;
}

async function concluded(t: Target, tag = 'ok'): Promise<CaptureBody & { code: string }> {
  const s = await createSession(t);
  const body = await capture(t, s.sessionToken, tag);
  expect(body.code).toMatch(CODE);
  return body as CaptureBody & { code: string };
}

function exchange(t: Target, code: string, apiKey = ACME): Promise<Response> {
  return t.fetch('/v1/codes/exchange', {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ code }),
  });
}

async function refused(r: Response): Promise<void> {
  expect(r.status).toBe(400);
  expect(((await r.json()) as { code: string }).code).toBe('CODE_INVALID');
}

describe.each(RUNTIMES)('one-time result code on $name', (rt) => {
  let matcher: FakeMatcher;
  let run: Running;
  const logged: string[] = [];

  beforeAll(async () => {
    for (const m of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, m).mockImplementation((...a: unknown[]) => { logged.push(a.map(String).join(' ')); });
    }
    matcher = await startFakeMatcher();
    run = await rt.start(matcher);
  });
  afterAll(async () => {
    await run?.close();
    await matcher?.close();
    vi.restoreAllMocks();
  });

  const issued: string[] = [];

  it('a completed capture carries a code; it exchanges once for the verdict and summary; the second use is refused', async () => {
    const c = await concluded(run.target);
    issued.push(c.code);
    expect(c.status).toBe(3);
    const r = await exchange(run.target, c.code);
    expect(r.status).toBe(200);
    const body = (await r.json()) as CodeExchangeResponse;
    expect(body).toMatchObject({ sessionId: c.sessionId, operation: 'VERIFICATION', subject: 'person-1', status: 3, verdict: c.verdict, response: 200 });
    expect(body.summary).toMatchObject({ liveness: 95, hasBiometry: true, response: 200, match: { identity: 'YES' } });
    await refused(await exchange(run.target, c.code));
  });

  it('a review result (status 2) carries a code; a retry (1) and attempts exhausted (5) carry none', async () => {
    const c = await concluded(run.target, 'REVIEW');
    issued.push(c.code);
    expect(c.status).toBe(2);
    const r = await exchange(run.target, c.code);
    expect(((await r.json()) as CodeExchangeResponse)).toMatchObject({ sessionId: c.sessionId, status: 2, verdict: c.verdict });

    const s = await createSession(run.target, 'VERIFICATION', 'person-1', STRICT); // maxAttempts 2, no manager mode
    const first = await capture(run.target, s.sessionToken, 'SPOOF');
    expect(first.status).toBe(1);
    expect(first.code).toBeUndefined();
    const last = await capture(run.target, s.sessionToken, 'SPOOF', first.retry!.nonce);
    expect(last.status).toBe(5);
    expect(last.code).toBeUndefined();
  });

  it("another integrator's key is refused, and that does not burn the owner's code", async () => {
    const c = await concluded(run.target);
    issued.push(c.code);
    await refused(await exchange(run.target, c.code, STRICT));
    expect((await exchange(run.target, c.code)).status).toBe(200);
  });

  it('unknown and malformed codes are refused the same way', async () => {
    await refused(await exchange(run.target, 'A'.repeat(43)));
    await refused(await exchange(run.target, 'not-a-code'));
  });

  it('the same code exchanged 10 times concurrently: exactly one succeeds', async () => {
    const c = await concluded(run.target);
    issued.push(c.code);
    const results = await Promise.all(Array.from({ length: 10 }, async () => {
      const r = await exchange(run.target, c.code);
      return { status: r.status, code: ((await r.json()) as { code?: string }).code };
    }));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 400 && r.code === 'CODE_INVALID')).toHaveLength(9);
  });

  it('an expired code is refused (lifetime 1 s, then the clock moves on)', async () => {
    const short = await rt.start(matcher, 1);
    try {
      const c = await concluded(short.target);
      issued.push(c.code);
      await short.elapse(1);
      await refused(await exchange(short.target, c.code));
    } finally {
      await short.close();
    }
  });

  it.runIf(rt.name === 'workerd')('the Durable Object refuses a code at its expiry with an injected clock, and redeems it once before', async () => {
    const c = await concluded(run.target);
    issued.push(c.code);
    const store = await run.store!();
    const hash = await codeHash(c.code);
    const now = Math.floor(Date.now() / 1000);
    expect(await store.redeemCode(hash, 'acme', now + 300)).toBeNull(); // default lifetime: 300 s
    expect(await store.redeemCode(hash, 'strict', now)).toBeNull();
    expect(await store.redeemCode(hash, 'acme', now)).toBe(c.sessionId);
    expect(await store.redeemCode(hash, 'acme', now)).toBeNull();
    await refused(await exchange(run.target, c.code));
  });

  it('no code is ever logged', () => {
    expect(issued.length).toBeGreaterThan(0);
    for (const code of issued) expect(logged.some((l) => l.includes(code))).toBe(false);
  });
});
