import axe from 'axe-core';
import { decodeProtectedHeader } from 'jose';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './lib/browser.ts';
import { fixture, makeY4m } from './lib/fixtures.ts';
import { installScriptedPipeline, startStack, type Stack } from './element-harness.ts';
import { startElement } from './lib/element.ts';

// The element's protocol with the real verifier, independent of the vision models: a scripted
// pipeline (all checks pass, then the face grows) replaces the vision pipeline through the
// element's `pipelineFactory` property; JPEGs come from the real fake-camera frames. The matcher
// is a FAKE responder (liveness 90, match +80).

async function events(page: Page, type: string): Promise<{ type: string; detail: Record<string, unknown> }[]> {
  return page.evaluate((t) => (window.__lc?.events ?? []).filter((e) => e.type === t) as never, type);
}

describe('<liveness-capture> protocol with the edge verifier (scripted pipeline, fake matcher)', () => {
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

  it('signs the capture, uploads it, and emits a verdict that verifies against the JWKS', async () => {
    const page = await browser.newPage();
    await page.goto(`${stack.demo.url}/capture.html?locale=en`);
    await page.waitForFunction(() => !!customElements.get('liveness-capture'));
    await page.evaluate(installScriptedPipeline);
    const token = await stack.createSession();
    await startElement(page, token, stack.verifier.url);
    await page.waitForFunction(() => window.__lc!.events.some((e) => e.type === 'complete' || e.type === 'error'), null, { timeout: 30_000 });
    const errs = await events(page, 'error');
    expect(errs).toEqual([]);
    const [done] = await events(page, 'complete');
    const verdict = done.detail.verdict as string;
    const claims = await stack.verifyVerdict(verdict);
    expect(claims.liveness).toBe(90);
    expect(claims.op).toBe('VERIFICATION');
    expect([2, 3]).toContain(claims.status);
    // the fake matcher saw the evidence frames: default 8, within protocol limits
    const live = stack.matcher.calls.find((c) => c.path === '/liveness');
    expect(live?.frames).toBeGreaterThanOrEqual(3);
    expect(live?.frames).toBeLessThanOrEqual(8);
    const progress = await events(page, 'progress');
    expect(progress.some((p) => p.detail.code === 'MOVE_CLOSER_STEP')).toBe(true);
    expect(await page.getAttribute('liveness-capture', 'session')).toBeNull();
    expect(decodeProtectedHeader(verdict).typ).toBe('liveness-verdict+jwt');
    await page.close();
  });

  it('has no serious or critical axe violations while capturing and after an error', async () => {
    const page = await browser.newPage();
    await page.goto(`${stack.demo.url}/capture.html?locale=en`);
    await page.waitForFunction(() => !!customElements.get('liveness-capture'));
    await page.addScriptTag({ content: axe.source });
    const run = () =>
      page.evaluate(async () => {
        const r = await (window as unknown as { axe: typeof axe }).axe.run(document, { resultTypes: ['violations'] });
        return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      });
    expect(await run()).toEqual([]);
    // the start button is keyboard-reachable
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.textContent)).toBe('Start');
    await page.evaluate(installScriptedPipeline);
    const token = await stack.createSession();
    await startElement(page, token, stack.verifier.url);
    await page.waitForFunction(() => document.querySelector('liveness-capture')!.state === 'capturing');
    expect(await run()).toEqual([]);
    await page.evaluate(() => document.querySelector('liveness-capture')!.cancel());
    expect((await events(page, 'cancel')).length).toBe(1);
    await page.evaluate(() => document.querySelector('liveness-capture')!.showError('CAMERA_PERMISSION_DENIED'));
    expect(await page.locator('liveness-capture [part~="instruction"]').textContent()).toContain('Allow camera access');
    expect(await run()).toEqual([]);
    await page.close();
  });

  it('explains a denied camera permission and offers a keyboard-reachable retry', async () => {
    const page = await browser.newPage();
    await page.addInitScript(() => {
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('denied', 'NotAllowedError'));
    });
    await page.goto(`${stack.demo.url}/capture.html?locale=es`);
    await page.waitForFunction(() => !!customElements.get('liveness-capture'));
    const token = await stack.createSession();
    await startElement(page, token, stack.verifier.url);
    await page.waitForFunction(() => document.querySelector('liveness-capture')!.state === 'error');
    const [err] = await events(page, 'error');
    expect(err.detail).toMatchObject({ code: 'CAMERA_PERMISSION_DENIED', retryable: true });
    const instruction = page.locator('liveness-capture [part~="instruction"]');
    expect(await instruction.textContent()).toContain('Permita el acceso a la cámara');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.textContent)).toBe('Intentar de nuevo');
    await page.close();
  });
});
