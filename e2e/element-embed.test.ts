import { UnsecuredJWT, createRemoteJWKSet, decodeJwt, exportJWK, generateKeyPair, importJWK, jwtVerify, type CryptoKey, type JWK } from 'jose';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALG, TYP, decodeStrict, encodeCbor, encodeCborFloat, messageFor, type CodeExchangeResponse } from '../protocol/index.ts';
import { generateSigningKey } from '../edge-verifier/keys/demo-key.ts';
import { startVerifier, type RunningVerifier } from '../edge-verifier/node.ts';
import { rawJws, signRaw } from '../edge-verifier/testing/make-capture.ts';
import { launchChromium } from './lib/browser.ts';
import { startDemoServer, type DemoServer } from './lib/demo-server.ts';
import { fixture, makeY4m } from './lib/fixtures.ts';
import { freePort } from './lib/ports.ts';
import { installScriptedPipeline, startStack, type Stack } from './element-harness.ts';
import { uniqueFrames } from './lib/unique-frames.ts';

// The iframe page: delivery to an allowed parent only (exact targetOrigin), and the return-URL
// rule. The capture inside the frame runs with a scripted pipeline (vision is tested in the
// element-capture tests); the verifier is real, the matcher a FAKE responder.

interface HostMessage {
  origin: string;
  data: { type: string; [k: string]: unknown };
}

/** Records every message the host window receives, from any origin (host.html itself filters). */
function recordAllMessages(): void {
  (window as unknown as { __all: unknown[] }).__all = [];
  window.addEventListener('message', (e) => (window as unknown as { __all: unknown[] }).__all.push({ origin: e.origin, data: e.data }));
}

async function openHost(browser: Browser, stack: Stack, query: string): Promise<Page> {
  const page = await browser.newPage();
  await page.addInitScript(recordAllMessages);
  // host on http://localhost:PORT, iframe on http://127.0.0.1:PORT: two origins
  const src = `${stack.demo.url}/iframe.html?${query}`;
  await page.goto(`${stack.demoAlt}/host.html#${encodeURIComponent(src)}`);
  return page;
}

interface Attacker {
  url: string;
  /** every request the attacker's server received */
  requests: string[];
  key: CryptoKey;
  jwk: JWK;
  close(): Promise<void>;
}

/** The attacker's server: would serve its own JWKS, take uploads and a phishing page, with open CORS. Records everything. */
async function startAttacker(): Promise<Attacker> {
  const kp = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(kp.publicKey)), kid: 'attacker-k1', alg: 'ES256', use: 'sig' };
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*', 'access-control-allow-methods': '*' };
    if ((req.url ?? '').startsWith('/.well-known/jwks.json')) res.writeHead(200, { ...cors, 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    else res.writeHead(200, { ...cors, 'content-type': 'text/html' }).end('<h1>phish</h1>');
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${port}`, requests, key: kp.privateKey, jwk, close: () => new Promise((r) => server.close(() => r())) };
}

async function frameOf(page: Page, stack: Stack) {
  await page.waitForFunction(() => document.querySelector('iframe') !== null);
  for (let i = 0; i < 100; i++) {
    const f = page.frames().find((x) => x.url().startsWith(`${stack.demo.url}/iframe.html`));
    if (f) {
      await f.waitForFunction(() => !!document.querySelector('liveness-capture'));
      return f;
    }
    await page.waitForTimeout(100);
  }
  throw new Error('iframe not found');
}

describe('iframe page delivery (scripted pipeline, fake matcher)', () => {
  let browser: Browser;
  let stack: Stack;

  beforeAll(async () => {
    const cam = makeY4m(fixture('video/live/d3.mp4'), 'el-proto-d3', { seconds: 2 });
    // headless Chromium's fake camera is flagged CAMERA_NON_CAMERA: this integrator does not send such
    // approvals to review, so a capture ends 200 (the page redirects only on 200/201)
    stack = await startStack({ reviewOnRisk: [] });
    browser = await launchChromium({ camera: cam });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('posts the result to an allowed parent with its exact origin, and scrubs the token', async () => {
    const token = await stack.createSession({ origins: [stack.demo.url, stack.demoAlt] });
    const page = await openHost(browser, stack, `token=${token}&card=12345&details=${encodeURIComponent('{"order":7}')}`);
    const frame = await frameOf(page, stack);
    await page.waitForFunction(() => (window as unknown as { __messages: HostMessage[] }).__messages.some((m) => m.data.type === 'liveness-ready'));
    expect(await frame.evaluate(() => location.search)).not.toContain('token');
    await frame.evaluate(installScriptedPipeline);
    await frame.evaluate(uniqueFrames);
    await frame.evaluate(() => void document.querySelector('liveness-capture')!.start());
    await page.waitForFunction(
      () => (window as unknown as { __messages: HostMessage[] }).__messages.some((m) => m.data.type === 'liveness-complete' || m.data.type === 'liveness-error'),
      null,
      { timeout: 30_000 },
    );
    const msgs = (await page.evaluate(() => (window as unknown as { __messages: HostMessage[] }).__messages)) as HostMessage[];
    const done = msgs.find((m) => m.data.type === 'liveness-complete')!;
    expect(done, JSON.stringify(msgs.map((m) => m.data))).toBeDefined();
    expect(done.origin).toBe(stack.demo.url);
    expect(done.data.card).toBe('12345');
    expect(done.data.details).toEqual({ order: 7 });
    expect(done.data.confidence).toBe(90);
    const claims = await stack.verifyVerdict(done.data.verdict as string);
    expect(claims.liveness).toBe(90);
    await page.close();
  });

  it('refuses to post to a parent whose origin is not in the session, and does not start', async () => {
    // the session allows only the iframe's own origin, not the host's
    const token = await stack.createSession({ origins: [stack.demo.url] });
    const page = await openHost(browser, stack, `token=${token}&autoStart=1`);
    const frame = await frameOf(page, stack);
    await frame.waitForFunction(() => document.querySelector('liveness-capture')!.state === 'error');
    const code = await frame.locator('liveness-capture [part~="instruction"]').getAttribute('data-code');
    expect(code).toBe('ORIGIN_NOT_ALLOWED');
    expect(await frame.locator('liveness-capture [part~="instruction"]').textContent()).toContain('não está autorizada');
    await page.waitForTimeout(1500);
    expect(await page.evaluate(() => (window as unknown as { __all: unknown[] }).__all)).toEqual([]);
    // even a capture forced from inside the frame never reaches the parent
    await frame.evaluate(installScriptedPipeline);
    await frame.evaluate(() => void document.querySelector('liveness-capture')!.retry());
    await frame.waitForFunction(() => ['complete', 'error'].includes(document.querySelector('liveness-capture')!.state), null, { timeout: 30_000 });
    await page.waitForTimeout(500);
    expect(await page.evaluate(() => (window as unknown as { __all: unknown[] }).__all)).toEqual([]);
    await page.close();
  });

  it.each(['//evil', 'https://good.example.evil', 'javascript:alert(1)', '{demo}/return.html/../evil', 'http://u:p@{host}/return.html'])(
    'never redirects to a bad return URL: %s',
    async (bad) => {
      const registered = `${stack.demo.url}/return.html`;
      const token = await stack.createSession({ returnUrl: registered });
      const url = bad.replace('{demo}', stack.demo.url).replace('{host}', new URL(stack.demo.url).host);
      const page = await browser.newPage();
      await page.goto(`${stack.demo.url}/iframe.html?token=${token}&autoStart=1&url=${encodeURIComponent(url)}`);
      await page.waitForFunction(() => document.querySelector('liveness-capture')?.state === 'error');
      expect(await page.locator('liveness-capture [part~="instruction"]').getAttribute('data-code')).toBe('RETURN_URL_NOT_ALLOWED');
      await page.waitForTimeout(300);
      expect(page.url().startsWith(`${stack.demo.url}/iframe.html`)).toBe(true);
      expect(page.url()).not.toContain('token=');
      await page.close();
    },
  );

  it('redirects to the registered return URL with the result and no token', async () => {
    const registered = `${stack.demo.url}/return.html`;
    const token = await stack.createSession({ returnUrl: registered });
    const page = await browser.newPage();
    await page.goto(`${stack.demo.url}/iframe.html?token=${token}&card=999&url=${encodeURIComponent(registered)}`);
    await page.waitForFunction(() => !!document.querySelector('liveness-capture'));
    await page.evaluate(installScriptedPipeline);
    await page.evaluate(uniqueFrames);
    await page.evaluate(() => void document.querySelector('liveness-capture')!.start());
    await page.waitForURL(/\/return\.html\?/, { timeout: 30_000 });
    const u = new URL(page.url());
    expect(u.origin + u.pathname).toBe(registered);
    expect(u.searchParams.get('card')).toBe('999');
    expect(u.searchParams.get('response')).toBe('200');
    expect(u.searchParams.get('confidence')).toBe('90');
    expect(u.searchParams.get('date')).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(u.searchParams.get('message')).toBeTruthy();
    expect(u.searchParams.has('token')).toBe(false);
    expect(page.url()).not.toContain(token.slice(0, 20));
    await page.close();
  });

  it('does not redirect a verdict that is not a success (review): shows it on the page', async () => {
    const registered = `${stack.demo.url}/return.html`;
    const token = await stack.createSession({ returnUrl: registered });
    const page = await browser.newPage();
    // the verifier's answer (its CORS headers kept) replaced by "under review": status 2, no response code
    const sid = decodeJwt(token).sid as string;
    await page.route('**/v1/captures', async (route) => {
      const res = await route.fetch();
      const verdict = new UnsecuredJWT({ sid, op: 'VERIFICATION', status: 2, liveness: 90, hasBiometry: true, reasons: ['CAMERA_NON_CAMERA'] }).encode();
      await route.fulfill({ response: res, status: 200, json: { sessionId: sid, status: 2, verdict } });
    });
    await page.goto(`${stack.demo.url}/iframe.html?token=${token}&url=${encodeURIComponent(registered)}`);
    await page.waitForFunction(() => !!document.querySelector('liveness-capture'));
    await page.evaluate(installScriptedPipeline);
    await page.evaluate(uniqueFrames);
    await page.evaluate(() => void document.querySelector('liveness-capture')!.start());
    await page.waitForFunction(() => document.querySelector('liveness-capture')!.state === 'complete', null, { timeout: 30_000 });
    await page.waitForTimeout(500);
    expect(page.url().startsWith(`${stack.demo.url}/iframe.html`)).toBe(true);
    expect(await page.locator('[data-embed-outcome]').textContent()).toBe('Em análise.');
    await page.close();
  });

  it('refuses to start when the page has no verifier configured, and calls no verifier', async () => {
    const token = await stack.createSession({ origins: [stack.demo.url, stack.demoAlt] });
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.route('**/demo-api/config', (route) => route.fulfill({ status: 503, json: { code: 'UPSTREAM_UNAVAILABLE', message: 'down' } }));
    await page.goto(`${stack.demo.url}/iframe.html?token=${token}&autoStart=1`);
    await page.waitForFunction(() => document.querySelector('liveness-capture')?.state === 'error');
    expect(await page.locator('liveness-capture [part~="instruction"]').getAttribute('data-code')).toBe('VERIFIER_NOT_CONFIGURED');
    expect(requests.filter((u) => u.startsWith(stack.verifier.url))).toEqual([]);
    await page.close();
  });

  it('the demo host page frames only the capture page: refuses javascript:, data: and other pages', async () => {
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    for (const bad of ['javascript:alert(1)', 'JavaScript:alert(1)//iframe.html', 'data:text/html,<script>alert(1)</script>', 'https://evil.example/iframe.html', `${stack.demo.url}/return.html`, `http://u:p@${new URL(stack.demo.url).host}/iframe.html`]) {
      await page.goto(`${stack.demoAlt}/host.html#${encodeURIComponent(bad)}`);
      await page.waitForSelector('#frame-slot [role="alert"]');
      expect(await page.locator('iframe').count(), bad).toBe(0);
      await page.goto('about:blank');
    }
    expect(dialogs).toEqual([]);
    await page.close();
  });

  describe('forged session tokens (issue #13): the pinned verifier only', () => {
    let attacker: Attacker;
    let genuineIss: string;
    let genuineKid: string;

    beforeAll(async () => {
      attacker = await startAttacker();
      genuineIss = decodeJwt(await stack.createSession()).iss!;
      const jwks = (await (await fetch(`${stack.verifier.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
      genuineKid = jwks.keys[0].kid;
    });
    afterAll(async () => {
      await attacker?.close();
    });

    /** Claims a verifier would mint, but with the attacker's origins and return URL. */
    function forgedClaims(iss: string): Record<string, unknown> {
      const now = Math.floor(Date.now() / 1000);
      return {
        iss, aud: 'liveness-capture', sub: 'victim', iat: now, exp: now + 240, jti: 'forged-jti', sid: 'forged-sid', nonce: 'Zm9yZ2VkLW5vbmNl',
        op: 'VERIFICATION', azp: 'element-test', origins: [attacker.url, stack.demo.url, stack.demoAlt], return_url: `${attacker.url}/phish`,
        challenge: { oval: { cx: 0.5, cy: 0.45, w: 0.5, h: 0.65 }, approach: { minScaleGain: 1.05 } },
      };
    }

    const forgeries: [string, () => Promise<string>][] = [
      ['alg none naming the attacker as issuer', () => rawJws({ alg: 'none', typ: 'liveness-session+jwt' }, forgedClaims(attacker.url))],
      ['ES256 with the attacker\'s key and issuer', () => signRaw({ alg: 'ES256', typ: 'liveness-session+jwt', kid: attacker.jwk.kid }, forgedClaims(attacker.url), attacker.key)],
      ['ES256 with the attacker\'s key under the genuine issuer and kid', () => signRaw({ alg: 'ES256', typ: 'liveness-session+jwt', kid: genuineKid }, forgedClaims(genuineIss), attacker.key)],
    ];

    it.each(forgeries)('%s: shows the error, uploads nothing, redirects nowhere, posts nothing', async (_, forge) => {
      const token = await forge();
      const attackerHost = new URL(attacker.url).host;

      // web-view / top-level: redirect mode to the attacker's "registered" return URL
      const page = await browser.newPage();
      const seen: string[] = [];
      page.on('request', (r) => seen.push(r.url()));
      const navigations: string[] = [];
      page.on('framenavigated', (f) => navigations.push(f.url()));
      await page.goto(`${stack.demo.url}/iframe.html?token=${token}&autoStart=1&url=${encodeURIComponent(`${attacker.url}/phish`)}`);
      await page.waitForFunction(() => document.querySelector('liveness-capture')?.state === 'error');
      expect(await page.locator('liveness-capture [part~="instruction"]').getAttribute('data-code')).toBe('SESSION_TOKEN_INVALID');
      expect(await page.locator('liveness-capture [part~="instruction"]').textContent()).toContain('Sessão inválida');
      // even a capture forced from inside the page has no session and no verifier to send to
      await page.evaluate(installScriptedPipeline);
      await page.evaluate(() => void document.querySelector('liveness-capture')!.retry());
      await page.waitForFunction(() => ['complete', 'error'].includes(document.querySelector('liveness-capture')!.state), null, { timeout: 30_000 });
      expect(await page.evaluate(() => document.querySelector('liveness-capture')!.state)).toBe('error');
      await page.waitForTimeout(1000);
      expect(page.url().startsWith(`${stack.demo.url}/iframe.html`)).toBe(true);
      expect(navigations.every((u) => u.startsWith(`${stack.demo.url}/iframe.html`)), navigations.join('\n')).toBe(true);
      expect(seen.filter((u) => new URL(u).host === attackerHost)).toEqual([]);
      expect(seen.filter((u) => u.includes('/v1/captures'))).toEqual([]);
      await page.close();

      // iframe in a host page whose origin the forged token lists: nothing is posted to it
      const host = await openHost(browser, stack, `token=${token}&autoStart=1`);
      const frame = await frameOf(host, stack);
      await frame.waitForFunction(() => document.querySelector('liveness-capture')!.state === 'error');
      expect(await frame.locator('liveness-capture [part~="instruction"]').getAttribute('data-code')).toBe('SESSION_TOKEN_INVALID');
      await host.waitForTimeout(1000);
      expect(await host.evaluate(() => (window as unknown as { __all: unknown[] }).__all)).toEqual([]);
      await host.close();

      // the attacker's server saw nothing: no JWKS fetch, no upload, no redirect
      expect(attacker.requests).toEqual([]);
    });
  });
});

// Redirect outcomes and custom-scheme deep links. The integrator registers
// an http(s) return page and a custom-scheme deep link at the verifier; the capture runs with the
// scripted pipeline; the verifier is real; the matcher is a FAKE that keeps enrolled references and
// answers the 1:1 score the camera's face gets against each (a different enrolled person: −80).

const DEEP_LINK = 'myapp://callback';
const DEEP_INTEGRATOR = 'embed-deep-link';
const DEEP_API_KEY = 'embed-deep-link-key';

interface OutcomeMatcher {
  url: string;
  /** matcher person id → the 1:1 score of the camera's face against that person's reference */
  references: Map<string, number>;
  close(): Promise<void>;
}

/**
 * A FAKE matcher (CBOR, like the harness's): liveness 90 with the challenge met; 1:1 against an
 * enrolled reference answers its score; GET finds enrolled persons only; a PUT enrols the camera's
 * face (+80); 1:N finds nobody.
 */
async function startOutcomeMatcher(seed: Record<string, number>): Promise<OutcomeMatcher> {
  const references = new Map(Object.entries(seed));
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (chunks.length) decodeStrict(new Uint8Array(Buffer.concat(chunks)));
      const send = (status: number, body?: unknown) => {
        if (body === undefined) res.writeHead(status).end();
        else res.writeHead(status, { 'content-type': 'application/cbor' }).end(encodeCbor(body));
      };
      const p = req.url ?? '';
      const person = /^\/persons\/([^/]+)(\/verify)?$/.exec(p);
      const id = person ? decodeURIComponent(person[1]) : '';
      const notFound = () => send(404);
      if (req.method === 'POST' && p === '/liveness') send(200, { liveness: 90, live: true, reasons: [], signals: { fake: 1 }, bestFrame: 0, sameSubject: true, challengeMet: true });
      else if (req.method === 'POST' && p === '/identify') send(200, []);
      else if (req.method === 'POST' && person?.[2]) {
        const score = references.get(id);
        if (score === undefined) notFound();
        else res.writeHead(200, { 'content-type': 'application/cbor' }).end(encodeCborFloat(score));
      } else if (req.method === 'GET' && person && !person[2]) {
        if (references.has(id)) send(200);
        else notFound();
      } else if (req.method === 'PUT' && person && !person[2]) {
        references.set(id, 80);
        send(204);
      } else notFound();
    });
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${port}`, references, close: () => new Promise((r) => server.close(() => r())) };
}

interface DeepLinkStack {
  demo: DemoServer;
  verifier: RunningVerifier;
  matcher: OutcomeMatcher;
  /** the integrator's registered http(s) return page */
  returnPage: string;
  /** POST /v1/sessions as the integrator's backend: the raw answer */
  createSession(o: { operation?: string; subject?: string; returnUrl?: string }): Promise<Response>;
  /** a session token, or a thrown error when the verifier refuses the session */
  token(o: { operation?: string; subject?: string; returnUrl?: string }): Promise<string>;
  /** POST /v1/codes/exchange as the integrator's backend: the raw answer */
  exchange(code: string): Promise<Response>;
  getSession(sid: string): Promise<Record<string, unknown>>;
  verifyVerdict(jwt: string): Promise<Record<string, unknown>>;
  /** signs session claims with the verifier's own key: a token the pinned verifier could have issued */
  signSession(claims: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

/** The demo site pinned to a real verifier whose integrator registers a return page and `myapp://callback`. */
async function startDeepLinkStack(): Promise<DeepLinkStack> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  process.env.DEMO_VERIFIER_URL = issuer; // the demo backend's config: its iframe page pins this verifier
  const demo = await startDemoServer();
  const demoAlt = demo.url.replace('127.0.0.1', 'localhost');
  const returnPage = `${demo.url}/return.html`;
  const matcher = await startOutcomeMatcher({
    [`${DEEP_INTEGRATOR}:person-1`]: 80,
    [`${DEEP_INTEGRATOR}:someone-else`]: -80,
    [`${DEEP_INTEGRATOR}:lookalike`]: 20,
  });
  const dir = mkdtempSync(path.join(tmpdir(), 'lk-embed-deep-'));
  const signingKey = await generateSigningKey();
  const verifier = await startVerifier({
    port,
    dbPath: path.join(dir, 'verifier.db'),
    env: { VERIFIER_DATA_DIR: dir },
    config: {
      issuer,
      signingKeys: [signingKey],
      matcherUrl: matcher.url,
      integrators: [
        {
          id: DEEP_INTEGRATOR,
          apiKey: DEEP_API_KEY,
          origins: [demo.url, demoAlt],
          returnUrls: [returnPage, DEEP_LINK],
          // headless Chromium's fake camera is flagged CAMERA_NON_CAMERA: approvals must not go to review here
          reviewOnRisk: [],
        },
      ],
      rateLimits: { session: { capacity: 50, refillPerSec: 5 } },
    },
  });
  const jwks = createRemoteJWKSet(new URL(`${verifier.url}/.well-known/jwks.json`));
  const api = (p: string, init: RequestInit = {}) =>
    fetch(`${verifier.url}${p}`, { ...init, headers: { authorization: `Bearer ${DEEP_API_KEY}`, 'content-type': 'application/json', ...init.headers } });
  const createSession: DeepLinkStack['createSession'] = (o) =>
    api('/v1/sessions', {
      method: 'POST',
      body: JSON.stringify({ operation: o.operation ?? 'VERIFICATION', subject: o.subject ?? 'person-1', ...(o.returnUrl ? { returnUrl: o.returnUrl } : {}) }),
    });
  return {
    demo,
    verifier,
    matcher,
    returnPage,
    createSession,
    async token(o) {
      const res = await createSession(o);
      if (res.status !== 201) throw new Error(`session creation failed: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { sessionToken: string }).sessionToken;
    },
    exchange: (code) => api('/v1/codes/exchange', { method: 'POST', body: JSON.stringify({ code }) }),
    async getSession(sid) {
      const res = await api(`/v1/sessions/${encodeURIComponent(sid)}`);
      if (res.status !== 200) throw new Error(`session lookup failed: ${res.status} ${await res.text()}`);
      return (await res.json()) as Record<string, unknown>;
    },
    async verifyVerdict(jwt) {
      const { payload } = await jwtVerify(jwt, jwks, { algorithms: [ALG], typ: TYP.VERDICT, issuer, audience: DEEP_INTEGRATOR });
      return payload as Record<string, unknown>;
    },
    async signSession(claims) {
      const key = (await importJWK(signingKey, ALG)) as CryptoKey;
      return signRaw({ alg: ALG, typ: TYP.SESSION, kid: signingKey.kid }, claims, key);
    },
    async close() {
      await verifier.close();
      await matcher.close();
      await demo.close();
    },
  };
}

interface RedirectPage {
  page: Page;
  /** every navigation the page asked for, the first load included (a myapp:// one shows here even though Chromium cannot open it) */
  navigations: string[];
}

/** Opens the capture page in redirect mode (top level, as in a web-view) and records its navigations. */
async function openRedirectPage(browser: Browser, stack: DeepLinkStack, token: string, url: string, extra = ''): Promise<RedirectPage> {
  const page = await browser.newPage();
  const navigations: string[] = [];
  page.on('request', (r) => {
    if (r.isNavigationRequest()) navigations.push(r.url());
  });
  await page.goto(`${stack.demo.url}/iframe.html?token=${token}&url=${encodeURIComponent(url)}${extra}`);
  await page.waitForFunction(() => !!document.querySelector('liveness-capture'));
  return { page, navigations };
}

async function startScriptedCapture(page: Page): Promise<void> {
  await page.evaluate(installScriptedPipeline);
  await page.evaluate(uniqueFrames);
  await page.evaluate(() => void document.querySelector('liveness-capture')!.start());
}

const ONE_TIME_CODE = /^[A-Za-z0-9_-]{43}$/;

describe('redirect outcomes and custom-scheme deep links (scripted pipeline, real verifier, FAKE matcher with references)', () => {
  let browser: Browser;
  let stack: DeepLinkStack;

  beforeAll(async () => {
    const cam = makeY4m(fixture('video/live/d3.mp4'), 'el-proto-d3', { seconds: 2 });
    stack = await startDeepLinkStack();
    browser = await launchChromium({ camera: cam });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  /** Exchanges `code` once (200, the verdict) and a second time (400 CODE_INVALID); answers the first exchange. */
  async function exchangeOnce(code: string): Promise<CodeExchangeResponse> {
    const first = await stack.exchange(code);
    expect(first.status).toBe(200);
    const body = (await first.json()) as CodeExchangeResponse;
    const again = await stack.exchange(code);
    expect(again.status).toBe(400);
    expect(((await again.json()) as { code: string }).code).toBe('CODE_INVALID');
    return body;
  }

  it('APPROVE redirects to the return page with response=200 and a code that exchanges once at the verifier', async () => {
    const token = await stack.token({ returnUrl: stack.returnPage });
    const { page } = await openRedirectPage(browser, stack, token, stack.returnPage, '&card=999');
    await startScriptedCapture(page);
    await page.waitForURL(/\/return\.html\?/, { timeout: 30_000 });
    const u = new URL(page.url());
    expect(u.origin + u.pathname).toBe(stack.returnPage);
    expect(u.searchParams.get('response')).toBe('200');
    expect(u.searchParams.get('card')).toBe('999');
    expect(u.searchParams.get('confidence')).toBe('90');
    expect(u.searchParams.get('message')).toBe('Rosto reconhecido.');
    expect(u.searchParams.get('date')).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(u.searchParams.has('token')).toBe(false);
    const code = u.searchParams.get('code')!;
    expect(code).toMatch(ONE_TIME_CODE);
    const body = await exchangeOnce(code);
    expect(body).toMatchObject({ sessionId: decodeJwt(token).sid, operation: 'VERIFICATION', subject: 'person-1', status: 3, response: 200 });
    expect(body.summary).toMatchObject({ liveness: 90, response: 200, match: { band: 'APPROVE', identity: 'YES' } });
    expect(await stack.verifyVerdict(body.verdict)).toMatchObject({ sid: decodeJwt(token).sid, status: 3 });
    await page.close();
  });

  it('REGISTRATION redirects to the return page with response=201, and its code exchanges once', async () => {
    const token = await stack.token({ operation: 'REGISTRATION', subject: 'new-person', returnUrl: stack.returnPage });
    const { page } = await openRedirectPage(browser, stack, token, stack.returnPage);
    await startScriptedCapture(page);
    await page.waitForURL(/\/return\.html\?/, { timeout: 30_000 });
    const u = new URL(page.url());
    expect(u.origin + u.pathname).toBe(stack.returnPage);
    expect(u.searchParams.get('response')).toBe('201');
    expect(u.searchParams.get('message')).toBe('Rosto cadastrado.');
    const body = await exchangeOnce(u.searchParams.get('code')!);
    expect(body).toMatchObject({ operation: 'REGISTRATION', subject: 'new-person', status: 3, response: 201 });
    expect(stack.matcher.references.get(`${DEEP_INTEGRATOR}:new-person`)).toBe(80);
    await page.close();
  });

  it.each([
    ['DENY (a different enrolled person)', 'the return page', 'someone-else'],
    ['DENY (a different enrolled person)', DEEP_LINK, 'someone-else'],
    ['review (identity +20)', 'the return page', 'lookalike'],
    ['review (identity +20)', DEEP_LINK, 'lookalike'],
  ])('%s never navigates away from the capture page (return URL: %s)', async (_, target, subject) => {
    const returnUrl = target === DEEP_LINK ? DEEP_LINK : stack.returnPage;
    const token = await stack.token({ subject, returnUrl });
    const { page, navigations } = await openRedirectPage(browser, stack, token, returnUrl);
    await startScriptedCapture(page);
    await page.waitForFunction(() => document.querySelector('liveness-capture')!.state === 'complete', null, { timeout: 30_000 });
    await page.waitForTimeout(1000);
    expect(navigations.filter((n) => !n.startsWith(`${stack.demo.url}/iframe.html`))).toEqual([]);
    expect(page.url().startsWith(`${stack.demo.url}/iframe.html`)).toBe(true);
    const session = await stack.getSession(decodeJwt(token).sid as string);
    const summary = session.summary as { response?: number; match: { band: string } };
    expect(summary.response).toBeUndefined();
    if (subject === 'someone-else') {
      expect(session.status).toBe(3);
      expect(summary.match.band).toBe('DENY');
      expect(await page.locator('[data-embed-outcome]').textContent()).toBe(messageFor('DEFAULT', 'pt-BR'));
    } else {
      expect(session.status).toBe(2);
      expect(summary.match.band).toBe('REVIEW_POSITIVE');
      expect(await page.locator('[data-embed-outcome]').textContent()).toBe('Em análise.');
    }
    await page.close();
  });

  it('follows a registered myapp:// deep link with the result and a code that exchanges once', async () => {
    const token = await stack.token({ returnUrl: DEEP_LINK });
    const { page, navigations } = await openRedirectPage(browser, stack, token, DEEP_LINK, '&card=777');
    // Chromium cannot open an app for myapp://: the attempt is a navigation request that then fails
    const attempt = page.waitForEvent('request', { predicate: (r) => r.isNavigationRequest() && r.url().startsWith('myapp:'), timeout: 30_000 });
    await startScriptedCapture(page);
    const u = new URL((await attempt).url());
    expect(u.protocol).toBe('myapp:');
    expect(u.host).toBe('callback');
    expect(u.pathname).toBe('');
    expect(u.searchParams.get('response')).toBe('200');
    expect(u.searchParams.get('card')).toBe('777');
    expect(u.searchParams.get('confidence')).toBe('90');
    expect(u.searchParams.get('message')).toBe('Rosto reconhecido.');
    expect(u.searchParams.get('date')).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(u.searchParams.has('token')).toBe(false);
    expect(u.href).not.toContain(token.slice(0, 20));
    const body = await exchangeOnce(u.searchParams.get('code')!);
    expect(body).toMatchObject({ sessionId: decodeJwt(token).sid, status: 3, response: 200 });
    expect(navigations.filter((n) => !n.startsWith(`${stack.demo.url}/iframe.html`))).toEqual([u.href]);
    await page.close();
  });

  it('with a React Native bridge present, posts the result to it and does not follow the deep link', async () => {
    const token = await stack.token({ returnUrl: DEEP_LINK });
    const page = await browser.newPage();
    // what react-native-webview injects when the WebView has an onMessage handler
    await page.addInitScript(() => {
      const w = window as unknown as { __rn: string[]; ReactNativeWebView: { postMessage(s: string): void } };
      w.__rn = [];
      w.ReactNativeWebView = { postMessage: (s) => void w.__rn.push(s) };
    });
    const navigations: string[] = [];
    page.on('request', (r) => {
      if (r.isNavigationRequest()) navigations.push(r.url());
    });
    await page.goto(`${stack.demo.url}/iframe.html?token=${token}&url=${encodeURIComponent(DEEP_LINK)}`);
    await page.waitForFunction(() => !!document.querySelector('liveness-capture'));
    await startScriptedCapture(page);
    await page.waitForFunction(() => (window as unknown as { __rn: string[] }).__rn.some((m) => m.includes('"liveness-complete"')), null, { timeout: 30_000 });
    await page.waitForTimeout(500);
    const messages = (await page.evaluate(() => (window as unknown as { __rn: string[] }).__rn)).map((m) => JSON.parse(m) as Record<string, unknown>);
    const done = messages.find((m) => m.type === 'liveness-complete')!;
    expect(done).toMatchObject({ source: 'liveness-capture', response: 200, confidence: 90 });
    expect(done.code).toMatch(ONE_TIME_CODE);
    expect(navigations.filter((n) => !n.startsWith(`${stack.demo.url}/iframe.html`))).toEqual([]);
    await page.close();
  });

  it('a reload inside the web-view (token already scrubbed) explains the dead end and offers the way back: the remembered return URL, or the bridge', async () => {
    const token = await stack.token({ returnUrl: stack.returnPage });
    const { page, navigations } = await openRedirectPage(browser, stack, token, stack.returnPage);
    await page.waitForFunction(() => document.querySelector('liveness-capture')!.session !== null);
    await page.reload();
    await page.waitForFunction(() => document.querySelector('liveness-capture')?.state === 'error');
    expect(await page.locator('liveness-capture [part~="instruction"]').getAttribute('data-code')).toBe('SESSION_TOKEN_INVALID');
    const back = page.locator('[data-back-to-app]');
    expect(await back.textContent()).toBe('Voltar ao app');
    await back.click();
    await page.waitForURL((u) => u.href.startsWith(stack.returnPage));
    // the way back carries no result: nothing was approved
    expect(new URL(page.url()).searchParams.has('response')).toBe(false);
    expect(navigations.at(-1)).toBe(stack.returnPage);
    await page.close();

    const rn = await browser.newPage();
    await rn.addInitScript(() => {
      const w = window as unknown as { __rn: string[]; ReactNativeWebView: { postMessage(s: string): void } };
      w.__rn = [];
      w.ReactNativeWebView = { postMessage: (s) => void w.__rn.push(s) };
    });
    await rn.goto(`${stack.demo.url}/iframe.html?token=${await stack.token({ returnUrl: DEEP_LINK })}&url=${encodeURIComponent(DEEP_LINK)}&locale=en`);
    await rn.waitForFunction(() => document.querySelector('liveness-capture')?.session !== null);
    await rn.reload();
    await rn.waitForFunction(() => document.querySelector('liveness-capture')?.state === 'error');
    await rn.locator('[data-back-to-app]').click();
    const msgs = (await rn.evaluate(() => (window as unknown as { __rn: string[] }).__rn)).map((m) => JSON.parse(m) as Record<string, unknown>);
    expect(msgs.map((m) => m.type)).toEqual(['liveness-error', 'liveness-close']);
    expect(msgs[1]).toEqual({ source: 'liveness-capture', type: 'liveness-close', code: 'SESSION_TOKEN_INVALID' });
    await rn.close();
  });

  it('refuses to create a session whose return URL is a deep link the integrator did not register', async () => {
    for (const returnUrl of ['myapp://other', 'myapp://callback/x', 'otherapp://callback', 'myapp://callback?x=1']) {
      const res = await stack.createSession({ returnUrl });
      expect(res.status, returnUrl).toBe(400);
      expect(((await res.json()) as { code: string }).code, returnUrl).toBe('RETURN_URL_NOT_ALLOWED');
    }
  });

  it.each([
    ['another deep link than the session\'s', DEEP_LINK, 'myapp://other'],
    ['the registered deep link, but this session returns to the page', 'page', DEEP_LINK],
    ['the registered deep link, but this session has no return URL', null, DEEP_LINK],
  ])('never follows a myapp:// URL that is not the session\'s return URL: %s', async (_, sessionReturn, requested) => {
    const returnUrl = sessionReturn === 'page' ? stack.returnPage : sessionReturn;
    const token = await stack.token(returnUrl ? { returnUrl } : {});
    const { page, navigations } = await openRedirectPage(browser, stack, token, requested);
    await page.waitForFunction(() => document.querySelector('liveness-capture')?.state === 'error');
    expect(await page.locator('liveness-capture [part~="instruction"]').getAttribute('data-code')).toBe('RETURN_URL_NOT_ALLOWED');
    // even a capture forced from inside the page has nowhere to go
    await page.evaluate(installScriptedPipeline);
    await page.evaluate(() => void document.querySelector('liveness-capture')!.retry());
    await page.waitForFunction(() => ['complete', 'error'].includes(document.querySelector('liveness-capture')!.state), null, { timeout: 30_000 });
    await page.waitForTimeout(1000);
    expect(navigations.filter((n) => !n.startsWith(`${stack.demo.url}/iframe.html`))).toEqual([]);
    await page.close();
  });

  it.each(['javascript://callback/%0aalert(document.domain)', 'javascript:alert(document.domain)', 'data:text/html,<script>alert(1)</script>'])(
    'never follows %s, even as the return URL of a token signed by the pinned verifier',
    async (bad) => {
      // the verifier's own session, with its return URL swapped and signed again with the verifier's key
      const genuine = decodeJwt(await stack.token({ returnUrl: DEEP_LINK }));
      const token = await stack.signSession({ ...genuine, return_url: bad });
      const page = await browser.newPage();
      const dialogs: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      const navigations: string[] = [];
      page.on('request', (r) => {
        if (r.isNavigationRequest()) navigations.push(r.url());
      });
      await page.goto(`${stack.demo.url}/iframe.html?token=${token}&autoStart=1&url=${encodeURIComponent(bad)}`);
      await page.waitForFunction(() => document.querySelector('liveness-capture')?.state === 'error');
      // RETURN_URL_NOT_ALLOWED (not SESSION_TOKEN_INVALID): the signature held, the URL is what was refused
      expect(await page.locator('liveness-capture [part~="instruction"]').getAttribute('data-code')).toBe('RETURN_URL_NOT_ALLOWED');
      await page.waitForTimeout(500);
      expect(dialogs).toEqual([]);
      expect(navigations.filter((n) => !n.startsWith(`${stack.demo.url}/iframe.html`))).toEqual([]);
      await page.close();
    },
  );
});
