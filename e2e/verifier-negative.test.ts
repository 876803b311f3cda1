import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statusOf } from '../protocol/index.ts';
import { generateSigningKey } from '../edge-verifier/keys/demo-key.ts';
import { startVerifier } from '../edge-verifier/node.ts';
import { startFakeMatcher, type FakeMatcher } from '../edge-verifier/testing/fake-matcher.ts';
import { makeCapture } from '../edge-verifier/testing/make-capture.ts';
import { NEGATIVE_CORPUS, createSession, postCapture, type Target } from '../edge-verifier/testing/negative-corpus.ts';
import { testConfig } from '../edge-verifier/testing/test-config.ts';
import { startWorkerdVerifier } from '../edge-verifier/testing/workerd.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

type Delivery = { id: string; sig: string; ts: string; body: string };
type Receiver = { url: string; got: Delivery[]; close(): Promise<void> };

/** Webhook receiver that fails the first two deliveries of every event id. */
async function startReceiver(): Promise<Receiver> {
  const got: Delivery[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const d = { id: String(req.headers['x-liveness-event-id']), sig: String(req.headers['x-liveness-signature']), ts: String(req.headers['x-liveness-timestamp']), body: Buffer.concat(chunks).toString() };
      got.push(d);
      res.writeHead(got.filter((g) => g.id === d.id).length <= 2 ? 503 : 204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    got,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

// The same table of attacks against both entries: Node (@hono/node-server + better-sqlite3) and
// Workers (esbuild bundle under workerd via Miniflare, Durable Object store). 100% must be refused
// with the exact protocol code.
type Runtime = { name: string; start(m: FakeMatcher, webhookUrl: string): Promise<{ target: Target; close(): Promise<void> }> };

const RUNTIMES: Runtime[] = [
  {
    name: 'node',
    async start(m, webhookUrl) {
      const key = await generateSigningKey();
      const dir = mkdtempSync(path.join(tmpdir(), 'verifier-neg-'));
      const v = await startVerifier({
        port: 0,
        env: {},
        dbPath: path.join(dir, 'v.db'),
        config: testConfig({ issuer: 'https://verifier.node.test', signingKeys: [key], matcherUrl: m.url, webhookUrl }),
      });
      return {
        target: {
          fetch: (p, init) => fetch(v.url + p, init),
          issuer: v.config.issuer,
          signingKey: key,
          apiKey: 'acme-test-key-0001',
          strictApiKey: 'strict-test-key-0001',
        },
        close: async () => {
          await v.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'workerd',
    async start(m, webhookUrl) {
      const key = await generateSigningKey();
      const cfg = testConfig({ issuer: 'https://verifier.workerd.test', signingKeys: [key], matcherUrl: m.url, webhookUrl });
      const w = await startWorkerdVerifier({
        VERIFIER_ISSUER: cfg.issuer,
        VERIFIER_SIGNING_KEYS: JSON.stringify(cfg.signingKeys),
        VERIFIER_INTEGRATORS: JSON.stringify(cfg.integrators),
        MATCHER_URL: cfg.matcherUrl,
        VERIFIER_WEBHOOK: JSON.stringify(cfg.webhook),
        VERIFIER_RATE_LIMITS: JSON.stringify(cfg.rateLimits),
      });
      return {
        target: { fetch: w.fetch, issuer: cfg.issuer, signingKey: key, apiKey: 'acme-test-key-0001', strictApiKey: 'strict-test-key-0001' },
        close: () => w.close(),
      };
    },
  },
];

describe.each(RUNTIMES)('verifier on $name', (rt) => {
  let matcher: FakeMatcher;
  let target: Target;
  let close: () => Promise<void>;
  let hooks: Receiver;

  beforeAll(async () => {
    matcher = await startFakeMatcher();
    hooks = await startReceiver();
    ({ target, close } = await rt.start(matcher, hooks.url));
  });
  afterAll(async () => {
    await close?.();
    await matcher?.close();
    await hooks?.close();
  });

  it('webhook: signed, retried after 2 failures with the same event id', async () => {
    const s = await createSession(target);
    const res = await postCapture(target, (await makeCapture({ sessionToken: s.sessionToken })).body);
    const { verdict } = (await res.json()) as { verdict: string };
    const deadline = Date.now() + 10_000;
    let mine: Delivery[] = [];
    while (Date.now() < deadline) {
      mine = hooks.got.filter((g) => g.body.includes(s.sessionId));
      if (mine.length >= 3) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(mine).toHaveLength(3);
    expect(new Set(mine.map((g) => g.id)).size).toBe(1);
    expect(mine.every((g) => g.sig === 'sha256=' + createHmac('sha256', 'acme-webhook-secret-0001').update(`${g.ts}.${g.body}`).digest('hex'))).toBe(true);
    expect(JSON.parse(mine[0].body)).toMatchObject({ sessionId: s.sessionId, status: 3, verdict });
  });

  it('accepts a valid capture (control)', async () => {
    const s = await createSession(target);
    const res = await postCapture(target, (await makeCapture({ sessionToken: s.sessionToken })).body, { origin: 'http://localhost:5173' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: number; verdict: string; response: number };
    expect(body.status).toBe(3);
    expect(body.response).toBe(200);
    expect(body.verdict.split('.')).toHaveLength(3);
  });

  it('rejects 100% of the negative corpus with the exact code', async () => {
    const failures: string[] = [];
    for (const c of NEGATIVE_CORPUS) {
      const res = await c.run(target);
      const text = await res.text();
      let code: unknown;
      try {
        code = (JSON.parse(text) as { code?: unknown }).code;
      } catch {
        code = undefined;
      }
      if (res.status !== statusOf(c.code) || code !== c.code) failures.push(`${c.name}: want ${statusOf(c.code)} ${c.code}, got ${res.status} ${text.slice(0, 160)}`);
    }
    expect(failures).toEqual([]);
    expect(NEGATIVE_CORPUS.length).toBeGreaterThanOrEqual(40);
  });

  it('the same capture sent 12 times concurrently: exactly one succeeds', async () => {
    const s = await createSession(target);
    const cap = await makeCapture({ sessionToken: s.sessionToken });
    const results = await Promise.all(
      Array.from({ length: 12 }, async () => {
        const r = await postCapture(target, cap.body);
        return { status: r.status, code: ((await r.json()) as { code?: string }).code };
      }),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 200)) expect(['NONCE_REUSED', 'SESSION_USED']).toContain(r.code);
  });

  it('answers CORS preflight for registered origins only', async () => {
    const pre = (origin: string) =>
      target.fetch('/v1/captures', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    expect((await pre('http://localhost:5173')).headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect((await pre('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });
});
