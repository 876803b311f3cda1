/**
 * The iframe / web-view page in redirect mode with nothing scripted: the real element and its
 * workers on Chromium's fake camera (a real person's clip coming closer, pad/eval/videos.ts
 * cameraClip), the real verifier (Node, SQLite) and the real matcher (SQLite). Issue 15: a
 * redirect means success. A REGISTRATION redirects with response=201, a VERIFICATION of the same
 * person with response=200, each with a one-time code that exchanges once; a VERIFICATION by
 * another person (DENY) never leaves the capture page. element-embed.test.ts covers the other
 * outcomes (review, deep links, bridges) with a scripted pipeline and scripted scores.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeJwt } from 'jose';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVerifier, type RunningVerifier } from '../edge-verifier/node.ts';
import { startMatcher, type RunningMatcher } from '../matcher/server.ts';
import { createNodeLandmarker } from '../pad/landmarks.ts';
import { cameraClip } from '../pad/eval/videos.ts';
import { launchChromium } from './lib/browser.ts';
import { startDemoServer, type DemoServer } from './lib/demo-server.ts';
import { fixture } from './lib/fixtures.ts';
import { freePort } from './lib/ports.ts';
import { uniqueFrames } from './lib/unique-frames.ts';

const INTEGRATOR = 'redirect-real';
const API_KEY = 'redirect-real-key-0123456789';
/** A capture through the real models on 2 busy cores, with the retries the server may ask for. */
const CAPTURE_MS = 240_000;

let dir: string;
let demo: DemoServer;
let matcher: RunningMatcher;
let verifier: RunningVerifier;
let returnPage: string;
/** one browser per camera: the enrolled person (d0) and somebody else (d3) */
let person: Browser;
let other: Browser;

const api = (p: string, init: RequestInit = {}) =>
  fetch(`${verifier.url}${p}`, { ...init, headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json', ...init.headers } });

async function token(operation: 'REGISTRATION' | 'VERIFICATION', subject: string): Promise<string> {
  const res = await api('/v1/sessions', { method: 'POST', body: JSON.stringify({ operation, subject, returnUrl: returnPage }) });
  expect(res.status).toBe(201);
  return ((await res.json()) as { sessionToken: string }).sessionToken;
}

/** Opens the capture page at the top level (as a web-view does), records navigations, starts the capture. */
async function capture(browser: Browser, tok: string): Promise<{ page: Page; navigations: string[] }> {
  const page = await browser.newPage();
  const navigations: string[] = [];
  page.on('request', (r) => {
    if (r.isNavigationRequest()) navigations.push(r.url());
  });
  // the fake camera loops one file: each evidence JPEG is made byte-unique as sensor noise would (pixels unchanged)
  await page.addInitScript('globalThis.__name ??= (f) => f');
  await page.addInitScript(uniqueFrames);
  await page.goto(`${demo.url}/iframe.html?token=${tok}&url=${encodeURIComponent(returnPage)}`);
  await page.waitForFunction(() => !!document.querySelector('liveness-capture'), null, { timeout: 30_000 });
  page.on('response', (r) => {
    if (r.status() >= 400) void r.text().then((t) => console.log(`[page http ${r.status()}] ${new URL(r.url()).pathname} ${t.slice(0, 300)}`), () => undefined);
  });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') console.log(`[page ${m.type()}] ${m.text().slice(0, 300)}`);
  });
  await page.evaluate(() => void document.querySelector('liveness-capture')!.start());
  return { page, navigations };
}

/** Waits for the redirect to the return page; when none comes, fails with the session as the verifier has it. */
async function redirected(page: Page, tok: string): Promise<URL> {
  try {
    await page.waitForURL(/\/return\.html\?/, { timeout: CAPTURE_MS });
  } catch (e) {
    const res = await api(`/v1/sessions/${encodeURIComponent(decodeJwt(tok).sid as string)}`);
    const { verdict: _, ...session } = (await res.json()) as Record<string, unknown>;
    const el = await page
      .evaluate(() => {
        const c = document.querySelector('liveness-capture') as (HTMLElement & { state: string }) | null;
        return c ? `${c.state}: ${c.shadowRoot?.textContent?.replace(/\s+/g, ' ').slice(0, 300)}` : 'no element';
      })
      .catch((x: unknown) => String(x));
    throw new Error(`no redirect; element ${el}; the session: ${JSON.stringify(session)}`, { cause: e });
  }
  return new URL(page.url());
}

async function exchangeOnce(code: string): Promise<Record<string, unknown>> {
  const first = await api('/v1/codes/exchange', { method: 'POST', body: JSON.stringify({ code }) });
  expect(first.status).toBe(200);
  const again = await api('/v1/codes/exchange', { method: 'POST', body: JSON.stringify({ code }) });
  expect(again.status).toBe(400);
  return (await first.json()) as Record<string, unknown>;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'lk-redirect-real-'));
  const lm = await createNodeLandmarker();
  let camPerson: string;
  let camOther: string;
  try {
    camPerson = await cameraClip(fixture('video/live/d0.mp4'), path.join(dir, 'redirect-d0.y4m'), 'person', lm);
    camOther = await cameraClip(fixture('video/live/d3.mp4'), path.join(dir, 'redirect-d3.y4m'), 'person', lm);
  } finally {
    lm.dispose();
  }
  const port = await freePort();
  process.env.DEMO_VERIFIER_URL = `http://127.0.0.1:${port}`; // the demo backend pins its iframe page to this verifier
  demo = await startDemoServer();
  returnPage = `${demo.url}/return.html`;
  matcher = await startMatcher({ port: 0, store: `sqlite:${path.join(dir, 'matcher.db')}`, waitReady: true });
  verifier = await startVerifier({
    port,
    dbPath: path.join(dir, 'verifier.db'),
    env: { VERIFIER_DATA_DIR: dir },
    config: {
      issuer: `http://127.0.0.1:${port}`,
      matcherUrl: matcher.url,
      matcherToken: matcher.token,
      matcherTimeoutMs: 60_000,
      // headless Chromium's fake camera is flagged CAMERA_NON_CAMERA: approvals must not go to review here
      integrators: [{ id: INTEGRATOR, apiKey: API_KEY, origins: [demo.url], returnUrls: [returnPage], maxAttempts: 5, reviewOnRisk: [] }],
    },
  });
  person = await launchChromium({ camera: camPerson });
  other = await launchChromium({ camera: camOther });
}, 300_000);

afterAll(async () => {
  await person?.close();
  await other?.close();
  await verifier?.close();
  await matcher?.close();
  await demo?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('iframe page redirects only on success (real element, verifier and matcher)', () => {
  it('REGISTRATION redirects with response=201 and a code that exchanges once', async () => {
    const tok = await token('REGISTRATION', 'alice');
    const { page } = await capture(person, tok);
    const u = await redirected(page, tok);
    expect(u.origin + u.pathname).toBe(returnPage);
    expect(u.searchParams.get('response')).toBe('201');
    expect(u.searchParams.has('token')).toBe(false);
    const body = await exchangeOnce(u.searchParams.get('code')!);
    expect(body).toMatchObject({ sessionId: decodeJwt(tok).sid, operation: 'REGISTRATION', subject: 'alice', status: 3, response: 201 });
    await page.close();
  }, CAPTURE_MS + 30_000);

  it('VERIFICATION of the enrolled person redirects with response=200 and a code that exchanges once', async () => {
    const tok = await token('VERIFICATION', 'alice');
    const { page } = await capture(person, tok);
    const u = await redirected(page, tok);
    expect(u.searchParams.get('response')).toBe('200');
    const body = await exchangeOnce(u.searchParams.get('code')!);
    expect(body).toMatchObject({ operation: 'VERIFICATION', subject: 'alice', status: 3, response: 200 });
    expect((body.summary as { match: { band: string; identity: string } }).match).toMatchObject({ band: 'APPROVE', identity: 'YES' });
    await page.close();
  }, CAPTURE_MS + 30_000);

  it('VERIFICATION by somebody else ends in DENY and never navigates away from the capture page', async () => {
    const tok = await token('VERIFICATION', 'alice');
    const { page, navigations } = await capture(other, tok);
    await page.waitForFunction(() => document.querySelector('liveness-capture')!.state === 'complete', null, { timeout: CAPTURE_MS });
    await page.waitForTimeout(1500);
    expect(navigations.filter((n) => !n.startsWith(`${demo.url}/iframe.html`))).toEqual([]);
    expect(page.url().startsWith(`${demo.url}/iframe.html`)).toBe(true);
    const res = await api(`/v1/sessions/${encodeURIComponent(decodeJwt(tok).sid as string)}`);
    const session = (await res.json()) as { status: number; summary: { response?: number; match: { band: string; identity: string } } };
    expect(session.status).toBe(3);
    expect(session.summary.response).toBeUndefined();
    expect(session.summary.match).toMatchObject({ band: 'DENY', identity: 'NO' });
    await page.close();
  }, CAPTURE_MS + 30_000);
});
