import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './lib/browser.ts';
import { fixture, makeY4m } from './lib/fixtures.ts';
import { installScriptedPipeline, startStack, type Stack } from './element-harness.ts';

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
    stack = await startStack();
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
    await page.evaluate(() => void document.querySelector('liveness-capture')!.start());
    await page.waitForURL(/\/return\.html\?/, { timeout: 30_000 });
    const u = new URL(page.url());
    expect(u.origin + u.pathname).toBe(registered);
    expect(u.searchParams.get('card')).toBe('999');
    expect(u.searchParams.get('confidence')).toBe('90');
    expect(u.searchParams.get('date')).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(u.searchParams.get('message')).toBeTruthy();
    expect(u.searchParams.has('token')).toBe(false);
    expect(page.url()).not.toContain(token.slice(0, 20));
    await page.close();
  });
});
