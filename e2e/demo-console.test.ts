import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CBOR_MEDIA_TYPE } from '../protocol/index.ts';
import { startFakeMatcher, type FakeMatcher } from '../edge-verifier/testing/fake-matcher.ts';
import { makeCapture } from '../edge-verifier/testing/make-capture.ts';
import { launchChromium } from './lib/browser.ts';
import { fixture, makeY4m, ROOT } from './lib/fixtures.ts';
import { markedJpeg, startDemo, type RunningDemo } from './demo-stack.ts';

// The demo as `npm start` runs it (vite + /demo-api, the real edge verifier, the iframe host origin),
// with the verifier's FAKE matcher (MATCHER_URL) so a capture can be steered into review (status 2).
// Captures are uploaded the way the element does (edge-verifier/testing/make-capture.ts), from the
// test; the pages and the review console run in Chromium.

let demo: RunningDemo;
let matcher: FakeMatcher;
let browser: Browser;

async function api<T>(p: string, body?: unknown): Promise<T> {
  const res = await fetch(demo.url + p, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${p}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** A session created through the demo backend, then a capture whose frames send it to review. */
async function sessionInReview(subject: string, name: string): Promise<string> {
  const s = await api<{ sessionId: string; token: string }>('/demo-api/sessions', { operation: 'VERIFICATION', subject, name });
  const face = fixture('faces/lfw/Al_Pacino/Al_Pacino_0001.jpg');
  // a fresh marker per capture: the verifier accepts an evidence frame only once
  const nonce = crypto.randomUUID();
  const frames = [await markedJpeg(face, `REVIEW-far ${nonce}`), await markedJpeg(face, `REVIEW-best ${nonce}`)];
  const made = await makeCapture({ sessionToken: s.token, frames, size: { w: 240, h: 240 } });
  const res = await fetch(`${demo.verifierUrl}/v1/captures`, {
    method: 'POST',
    headers: { 'content-type': CBOR_MEDIA_TYPE, origin: demo.url },
    body: made.body as Uint8Array<ArrayBuffer>,
  });
  expect(((await res.json()) as { status: number }).status).toBe(2);
  return s.sessionId;
}

async function newPage(): Promise<Page> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  (page as unknown as { errors: string[] }).errors = errors;
  return page;
}

/** axe-core (WCAG 2 A/AA) on the current page: serious and critical violations only. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js') });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, o: unknown): Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> } }).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.nodes.length})`);
  });
}

const rowOf = (page: Page, sid: string) => page.locator(`#sessions tr[data-session="${sid}"]`);

beforeAll(async () => {
  matcher = await startFakeMatcher();
  demo = await startDemo({ matcherUrl: matcher.url });
  browser = await launchChromium({ camera: makeY4m(fixture('video/live/d0.mp4'), 'd0-2s', { seconds: 2 }) });
});
afterAll(async () => {
  await browser?.close();
  await demo?.close();
  await matcher?.close();
});

describe('demo site (npm start, fake matcher)', () => {
  it('home page links every demo page and passes axe', async () => {
    const page = await newPage();
    expect((await page.goto(`${demo.url}/`))?.status()).toBe(200);
    expect(await page.title()).toContain('Liveness kit');
    const hrefs = await page.locator('main .tiles a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(hrefs).toEqual(['./enrol.html', './verify.html', './identify.html', './update.html', './photo.html', './react-demo.html', './console.html', './camera.html']);
    for (const h of hrefs) expect((await fetch(`${demo.url}/${h!.slice(2)}`)).status).toBe(200);
    await expect.poll(() => page.textContent('#host-origin')).toBe(demo.hostUrl);
    expect(await axeViolations(page)).toEqual([]);
    // the API key never reaches the browser
    const html = await (await fetch(`${demo.url}/console.ts`)).text();
    expect(html).not.toContain('demo-key');
  });

  it('the console lists a session created through /demo-api', async () => {
    const s = await api<{ sessionId: string }>('/demo-api/sessions', { operation: 'REGISTRATION', subject: 'lia-1', name: 'Lia Prado' });
    const page = await newPage();
    await page.goto(`${demo.url}/console.html`);
    const row = rowOf(page, s.sessionId);
    await row.waitFor({ timeout: 15_000 });
    expect(await row.getAttribute('data-status')).toBe('1');
    const text = await row.innerText();
    expect(text).toContain('Pendente');
    expect(text).toContain('Cadastro');
    expect(text).toContain('lia-1 — Lia Prado');
    expect(await axeViolations(page)).toEqual([]);
    expect((page as unknown as { errors: string[] }).errors).toEqual([]);
  });

  it('a status-2 session shows its evidence; Approve and Reject update the status; webhooks are listed', async () => {
    const approveId = await sessionInReview('rui-2', 'Rui');
    const rejectId = await sessionInReview('eva-3', 'Eva');
    const page = await newPage();
    await page.goto(`${demo.url}/console.html`);
    const row = rowOf(page, approveId);
    await row.waitFor({ timeout: 15_000 });
    expect(await row.getAttribute('data-status')).toBe('2');
    expect(await row.innerText()).toContain('Divergência');
    // evidence images come through the backend proxy and are real JPEGs the browser decodes
    const imgs = row.locator('.evidence img');
    expect(await imgs.count()).toBe(2);
    await page.waitForFunction(
      (sid) => [...document.querySelectorAll(`tr[data-session="${sid}"] .evidence img`)].every((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth === 240),
      approveId,
      { timeout: 15_000 },
    );
    expect(await imgs.first().getAttribute('src')).toMatch(/^\/demo-api\/sessions\/[^/]+\/evidence\/0$/);

    await row.getByRole('button', { name: /^Aprovar/ }).click();
    await page.waitForFunction((sid) => document.querySelector(`tr[data-session="${sid}"]`)?.getAttribute('data-status') === '3', approveId, { timeout: 15_000 });
    expect(await rowOf(page, approveId).innerText()).toContain('REVIEW_APPROVED');
    expect(await rowOf(page, approveId).locator('button').count()).toBe(0);

    await rowOf(page, rejectId).getByRole('button', { name: /^Rejeitar/ }).click();
    await page.waitForFunction((sid) => document.querySelector(`tr[data-session="${sid}"]`)?.getAttribute('data-status') === '3', rejectId, { timeout: 15_000 });
    expect(await rowOf(page, rejectId).innerText()).toContain('REVIEW_REJECTED');

    // the verifier's webhooks (2 then 3 for each) arrived at /demo-api/webhooks, signed, verdicts verified
    for (const sid of [approveId, rejectId]) {
      await page.waitForFunction((s) => document.querySelectorAll(`#webhooks li[data-session="${s}"]`).length === 2, sid, { timeout: 20_000 });
      const items = await page.locator(`#webhooks li[data-session="${sid}"]`).allInnerTexts();
      expect(items.every((t) => t.includes('veredito verificado') && !t.includes('NÃO'))).toBe(true);
    }
    expect(await axeViolations(page)).toEqual([]);
    expect((page as unknown as { errors: string[] }).errors).toEqual([]);
  });

  it('the webhook receiver on the running demo refuses a bad signature', async () => {
    const res = await fetch(`${demo.url}/demo-api/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-liveness-signature': 'sha256=' + '0'.repeat(64) },
      body: JSON.stringify({ id: 'evt_forged', type: 'session.status', sessionId: 'x', status: 3, verdict: 'a.b.c' }),
    });
    expect(res.status).toBe(400);
    const { events } = await api<{ events: { id: string }[] }>('/demo-api/webhooks');
    expect(events.some((e) => e.id === 'evt_forged')).toBe(false);
  });

  it('enrol page: form → session → <liveness-capture> with the session; update requires a justification', async () => {
    const page = await newPage();
    await page.goto(`${demo.url}/enrol.html`);
    await page.getByLabel(/Identificador da pessoa/).fill('nina-4');
    await page.getByLabel(/^Nome/).fill('Nina');
    await page.getByRole('button', { name: 'Iniciar captura' }).click();
    await page.waitForFunction(() => !!window.__demo?.sessionId && !!document.querySelector('#capture-slot liveness-capture'), null, { timeout: 30_000 });
    const info = await page.evaluate(() => {
      const el = document.querySelector('#capture-slot liveness-capture') as HTMLElement & { session: string | null; verifier: string | null };
      return { sid: window.__demo!.sessionId!, hasSession: !!el.session, verifier: el.verifier, defined: !!customElements.get('liveness-capture'), url: location.href };
    });
    expect(info).toMatchObject({ hasSession: true, verifier: demo.verifierUrl, defined: true });
    expect(info.url).not.toContain('eyJ'); // the token never goes into the address bar
    const row = await api<{ operation: string; subject: string; name: string }>(`/demo-api/sessions/${info.sid}`);
    expect(row).toMatchObject({ operation: 'REGISTRATION', subject: 'nina-4', name: 'Nina' });
    expect(await axeViolations(page)).toEqual([]);

    const upd = await newPage();
    await upd.goto(`${demo.url}/update.html`);
    await upd.getByLabel(/Identificador da pessoa/).fill('nina-4');
    // the browser's own required-field check stops an empty justification before any request
    await upd.getByRole('button', { name: 'Iniciar captura' }).click();
    expect(await upd.evaluate(() => (document.getElementById('message') as HTMLTextAreaElement).validity.valueMissing)).toBe(true);
    expect(await upd.evaluate(() => window.__demo?.sessionId)).toBeUndefined();
    await upd.getByLabel(/Justificativa/).fill('foto antiga');
    await upd.getByRole('button', { name: 'Iniciar captura' }).click();
    await upd.waitForFunction(() => !!window.__demo?.sessionId, null, { timeout: 15_000 });
    const sid = await upd.evaluate(() => window.__demo!.sessionId!);
    expect(await api<{ operation: string; message: string }>(`/demo-api/sessions/${sid}`)).toMatchObject({ operation: 'IMAGE_UPDATE', message: 'foto antiga' });
  });

  it('the iframe launcher opens the host page on the second origin with the capture iframe', async () => {
    const page = await newPage();
    await page.goto(`${demo.url}/`);
    await page.getByLabel(/Identificador da pessoa/).fill('teo-5');
    await page.getByRole('button', { name: /página hospedeira/ }).click();
    await page.waitForURL((u) => u.origin === demo.hostUrl && u.pathname === '/host.html', { timeout: 15_000 });
    const src = await page.locator('#frame-slot iframe').getAttribute('src');
    expect(new URL(src!).origin).toBe(demo.url);
    expect(new URL(src!).pathname).toBe('/iframe.html');
    // the second origin does not expose the integrator backend
    expect((await fetch(`${demo.hostUrl}/demo-api/sessions`)).status).toBe(404);
  });
});
