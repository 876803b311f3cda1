import { UnsecuredJWT, decodeJwt, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { createServer, type Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawJws, signRaw } from '../edge-verifier/testing/make-capture.ts';
import { launchChromium } from './lib/browser.ts';
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
