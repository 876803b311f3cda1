/**
 * Issue 19: the React wrapper rendered by real `react` + `react-dom` (demo/react-demo.html, the version
 * in package.json) around the real element with its real vision pipeline (workers, models) on
 * Chromium's fake camera, the real verifier, the harness's fake matcher (liveness 90, match +80).
 * Props reach the element, onProgress / onComplete fire and React re-renders with the verdict;
 * unmounting mid-capture stops the camera and terminates the workers.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './lib/browser.ts';
import { APPROACH_SECONDS, APPROACH_ZOOM, fixture, makeY4m } from './lib/fixtures.ts';
import { startStack, type Stack } from './element-harness.ts';

let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  stack = await startStack();
  browser = await launchChromium({ camera: makeY4m(fixture('video/live/d18.mp4'), 'el-live-approach', { seconds: APPROACH_SECONDS, filter: APPROACH_ZOOM }) });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

/** Every camera track and worker the page creates, so a test can tell whether they were released. */
function recordResources(): void {
  const w = window as unknown as { __tracks: MediaStreamTrack[]; __workers: { terminated: boolean }[] };
  w.__tracks = [];
  w.__workers = [];
  const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (c) => {
    const s = await gum(c);
    w.__tracks.push(...s.getTracks());
    return s;
  };
  const NativeWorker = window.Worker;
  window.Worker = class extends NativeWorker {
    private readonly rec = { terminated: false };
    constructor(url: string | URL, o?: WorkerOptions) {
      super(url, o);
      w.__workers.push(this.rec);
    }
    override terminate(): void {
      this.rec.terminated = true;
      super.terminate();
    }
  };
}

async function open(): Promise<Page> {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.log(`[page error] ${e.message}`));
  await page.addInitScript(recordResources);
  await page.goto(`${stack.demo.url}/react-demo.html?test`);
  await page.waitForFunction(() => !!window.__react);
  return page;
}

const resources = (page: Page) =>
  page.evaluate(() => {
    const w = window as unknown as { __tracks: MediaStreamTrack[]; __workers: { terminated: boolean }[] };
    return { tracks: w.__tracks.length, liveTracks: w.__tracks.filter((t) => t.readyState === 'live').length, workers: w.__workers.length, running: w.__workers.filter((x) => !x.terminated).length };
  });

describe('React wrapper with real React', () => {
  it('props reach the element; onProgress and onComplete fire; React re-renders with the verdict', async () => {
    const page = await open();
    const session = await stack.createSession();
    const props = { session, verifier: stack.verifier.url, locale: 'en' as const, autoStart: true, evidenceCount: 9, jpegQuality: 0.8, flowConfig: { passiveTimeoutMs: 60_000 }, refuseVirtualCamera: true };
    await page.evaluate((p) => window.__react!.mount(p), props);
    const seen = await page.evaluate(() => {
      const el = window.__react!.element() as unknown as Record<string, unknown>;
      return { tag: (el as unknown as HTMLElement).tagName, locale: el.locale, autoStart: el.autoStart, evidenceCount: el.evidenceCount, jpegQuality: el.jpegQuality, flowConfig: el.flowConfig, verifier: el.verifier, react: window.__react!.version };
    });
    console.log(`React ${seen.react}: element props ${JSON.stringify({ ...seen, verifier: undefined })}`);
    expect(seen.react).toMatch(/^19\./);
    expect(seen).toMatchObject({ tag: 'LIVENESS-CAPTURE', locale: 'en' as const, autoStart: true, evidenceCount: 9, jpegQuality: 0.8, flowConfig: { passiveTimeoutMs: 60_000 }, verifier: stack.verifier.url });
    await page.waitForFunction(() => window.__react!.events.some((e) => e.type === 'complete' || e.type === 'error'), null, { timeout: 150_000 });
    const events = await page.evaluate(() => window.__react!.events.map((e) => ({ type: e.type, detail: e.type === 'progress' ? null : e.detail })));
    const done = events.find((e) => e.type === 'complete' || e.type === 'error')!;
    console.log(`React handlers: ${events.filter((e) => e.type === 'progress').length} progress, then ${done.type} ${JSON.stringify(done.detail).slice(0, 160)}`);
    expect(done.type).toBe('complete');
    expect(events.filter((e) => e.type === 'progress').length).toBeGreaterThan(0);
    // the fake matcher approves (+80); the fake camera's risk signal (not a hardware camera) may
    // send it to review: completed (3) or under review (2), a signed verdict either way
    const verdict = (done.detail as { verdict: string; status: number }).verdict;
    const status = (await stack.verifyVerdict(verdict)).status as number;
    expect([2, 3]).toContain(status);
    await expect.poll(() => page.locator('#react-done').textContent()).toContain(`status ${status}`);
    await page.close();
  }, 200_000);

  it('unmounting mid-capture stops the camera and terminates the workers', async () => {
    const page = await open();
    await page.evaluate((p) => window.__react!.mount(p), { session: await stack.createSession(), verifier: stack.verifier.url, locale: 'en' as const, autoStart: true });
    await page.waitForFunction(() => (window.__react!.element() as unknown as { state: string } | null)?.state === 'capturing', null, { timeout: 90_000 });
    const before = await resources(page);
    await page.evaluate(() => window.__react!.unmount());
    await expect.poll(() => resources(page), { timeout: 10_000 }).toMatchObject({ liveTracks: 0, running: 0 });
    const after = await resources(page);
    console.log(`before unmount: ${before.liveTracks} live camera track(s), ${before.running} running worker(s); after: ${after.liveTracks}, ${after.running} (of ${after.workers})`);
    expect(before.liveTracks).toBe(1);
    expect(before.running).toBeGreaterThanOrEqual(1);
    expect(await page.locator('liveness-capture').count()).toBe(0);
    await page.close();
  }, 150_000);
});
