/**
 * Issue 18, failure modes: the element's workers or models cannot load. The capture must end in
 * `liveness-error` with a code the host can act on (MODELS_UNAVAILABLE, WORKER_FAILED) within
 * 10 s, not sit on "opening the camera" — and the camera must be released. Real element on the
 * demo page, real Chromium fake camera, the real verifier (fake matcher: nothing reaches it).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './lib/browser.ts';
import { fixture, makeY4m } from './lib/fixtures.ts';
import { startStack, type Stack } from './element-harness.ts';
import { startElement } from './lib/element.ts';

let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  stack = await startStack();
  browser = await launchChromium({ camera: makeY4m(fixture('video/live/d3.mp4'), 'el-load-failure', { seconds: 2 }) });
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

/** Starts the element and answers the first `liveness-error` (code, ms after start, camera tracks still live). */
async function firstError(page: Page): Promise<{ code: string; ms: number; liveTracks: number; state: string; text: string }> {
  await page.goto(`${stack.demo.url}/capture.html?locale=en`);
  await page.waitForFunction(() => !!customElements.get('liveness-capture'));
  await page.evaluate(() => {
    const el = document.querySelector('liveness-capture')!;
    const w = window as unknown as { __err?: Promise<{ code: string; ms: number }>; __t0?: number };
    w.__err = new Promise((resolve) => el.addEventListener('liveness-error', (e) => resolve({ code: (e as CustomEvent<{ code: string }>).detail.code, ms: performance.now() - w.__t0! }), { once: true }));
  });
  const token = await stack.createSession();
  await page.evaluate(() => ((window as unknown as { __t0: number }).__t0 = performance.now()));
  await startElement(page, token, stack.verifier.url);
  const err = await page.evaluate(() => Promise.race([(window as unknown as { __err: Promise<{ code: string; ms: number }> }).__err, new Promise<{ code: string; ms: number }>((r) => setTimeout(() => r({ code: 'NONE', ms: 30_000 }), 30_000))]));
  const after = await page.evaluate(() => {
    const el = document.querySelector('liveness-capture')!;
    const video = el.shadowRoot?.querySelector('video');
    const stream = video?.srcObject as MediaStream | null | undefined;
    return { liveTracks: stream ? stream.getTracks().filter((t) => t.readyState === 'live').length : 0, state: el.state, text: el.shadowRoot?.textContent?.replace(/\s+/g, ' ').trim() ?? '' };
  });
  return { ...err, ...after };
}

describe('<liveness-capture> when its workers or models cannot load', () => {
  it('models that cannot be fetched → liveness-error MODELS_UNAVAILABLE within 10 s, camera released, a message in words', async () => {
    const page = await browser.newPage();
    await page.route('**/models/**', (r) => r.fulfill({ status: 404, body: 'not here' }));
    const r = await firstError(page);
    console.log(`models 404: ${r.code} after ${Math.round(r.ms)} ms; state ${r.state}; live camera tracks ${r.liveTracks}; "${r.text.slice(0, 120)}"`);
    expect(r.code).toBe('MODELS_UNAVAILABLE');
    expect(r.ms).toBeLessThan(10_000);
    expect(r.state).toBe('error');
    expect(r.liveTracks).toBe(0);
    expect(r.text).toContain('could not be loaded');
    await page.close();
  });

  it('a worker script that does not load → liveness-error WORKER_FAILED within 10 s, camera released', async () => {
    const page = await browser.newPage();
    await page.route(/vision-worker/, (r) => r.fulfill({ status: 200, contentType: 'text/javascript', body: 'throw new Error("broken worker build")' }));
    const r = await firstError(page);
    console.log(`worker broken: ${r.code} after ${Math.round(r.ms)} ms; state ${r.state}; live camera tracks ${r.liveTracks}`);
    expect(r.code).toBe('WORKER_FAILED');
    expect(r.ms).toBeLessThan(10_000);
    expect(r.liveTracks).toBe(0);
    await page.close();
  });

  it('only the phone detector’s model missing → guidance starts, then MODELS_UNAVAILABLE within 10 s; never a capture without the phone check', async () => {
    const page = await browser.newPage();
    await page.route('**/models/centernet*', (r) => r.fulfill({ status: 404, body: 'not here' }));
    const progress: string[] = [];
    await page.exposeFunction('__progress', (code: string) => progress.push(code));
    await page.addInitScript(() => document.addEventListener('liveness-progress', (e) => (window as unknown as { __progress(c: string): void }).__progress((e as CustomEvent<{ code: string }>).detail.code)));
    const r = await firstError(page);
    console.log(`centernet 404: ${r.code} after ${Math.round(r.ms)} ms; state ${r.state}; live camera tracks ${r.liveTracks}; guidance before it: ${[...new Set(progress)].join(', ')}`);
    expect(r.code).toBe('MODELS_UNAVAILABLE');
    expect(r.ms).toBeLessThan(10_000);
    expect(r.liveTracks).toBe(0);
    await page.close();
  });
});
