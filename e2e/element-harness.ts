/**
 * Shared setup of the element's browser tests: the demo site (vite), the real edge verifier
 * (startVerifier, SQLite in a temp dir) and, by default, a FAKE matcher over HTTP that answers
 * liveness 90 and an approving 1:1 match for any frames; the slice tests pass a real matcher's URL.
 */
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { Page } from 'playwright-core';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ALG, TYP, decodeStrict, encodeCbor, encodeCborFloat } from '../protocol/index.ts';
import { startVerifier, type RunningVerifier } from '../edge-verifier/node.ts';
import { startDemoServer, type DemoServer } from './lib/demo-server.ts';
import { freePort } from './lib/ports.ts';
import { startElement } from './lib/element.ts';

export const API_KEY = 'element-test-key';

export interface FakeMatcher {
  url: string;
  calls: { path: string; frames: number }[];
  close(): Promise<void>;
}

/** Answers like the matcher's CBOR API: liveness 90 for any frames (the first one matched), 1:1 score +80, nobody enrolled yet. */
export async function startFakeMatcher(liveness = 90): Promise<FakeMatcher> {
  const calls: FakeMatcher['calls'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = chunks.length ? (decodeStrict(new Uint8Array(Buffer.concat(chunks))) as Record<string, unknown>) : {};
      const p = req.url ?? '';
      calls.push({ path: p, frames: Array.isArray(body.frames) ? body.frames.length : Array.isArray(body.images) ? body.images.length : body.image ? 1 : 0 });
      let answer: unknown;
      if (p === '/liveness') answer = { liveness, live: liveness >= 50, reasons: [], signals: { fake: 1 }, bestFrame: 0, sameSubject: true, challengeMet: true };
      else if (/^\/persons\/[^/]+\/verify$/.test(p)) {
        res.writeHead(200, { 'content-type': 'application/cbor' }).end(encodeCborFloat(80));
        return;
      } else if (p === '/identify') answer = [];
      else if (req.method === 'PUT' && p.startsWith('/persons/')) {
        res.writeHead(204).end();
        return;
      } else {
        res.writeHead(404, { 'content-type': 'application/cbor' }).end(encodeCbor({ code: 'NOT_FOUND', message: 'not found' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/cbor' }).end(encodeCbor(answer));
    });
  });
  // port 0: the OS picks a port nobody holds (a port probed free earlier can be taken by then,
  // e.g. by the verifier whose port startStack reserved before this server started)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, calls, close: () => new Promise((r) => server.close(() => r())) };
}

export interface Stack {
  demo: DemoServer;
  /** the demo site under the other loopback name: a different origin, same server */
  demoAlt: string;
  verifier: RunningVerifier;
  matcher: FakeMatcher;
  createSession(o?: { operation?: string; subject?: string; origins?: string[]; returnUrl?: string }): Promise<string>;
  /** the integrator's view of a session (GET /v1/sessions/:id): status, summary, verdict */
  getSession(sid: string): Promise<Record<string, unknown>>;
  verifyVerdict(jwt: string): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export interface StackOptions {
  /** a running matcher (e.g. the real one); default: a fake matcher started here (its `calls` stay empty otherwise) */
  matcherUrl?: string;
  /** the bearer token that matcher accepts (the verifier presents it; the fake matcher needs none) */
  matcherToken?: string;
  /** the test integrator's risk reasons that send an approval to review (verifier default when absent) */
  reviewOnRisk?: ('CAMERA_VIRTUAL' | 'CAMERA_NON_CAMERA' | 'CAMERA_TIMING_ANOMALY')[];
  /** verifier → matcher timeout (the real matcher's PAD on 10 frames is slow on a loaded 2-core box) */
  matcherTimeoutMs?: number;
  /** sessions ask for a head turn too (the verifier's `challengeTurn`) */
  challengeTurn?: boolean;
}

export async function startStack(o: StackOptions = {}): Promise<Stack> {
  const port = await freePort();
  process.env.DEMO_VERIFIER_URL = `http://127.0.0.1:${port}`; // the demo backend's config: its iframe page pins this verifier
  const demo = await startDemoServer();
  const demoAlt = demo.url.replace('127.0.0.1', 'localhost');
  const matcher: FakeMatcher = o.matcherUrl ? { url: o.matcherUrl, calls: [], close: async () => undefined } : await startFakeMatcher();
  const dir = mkdtempSync(path.join(tmpdir(), 'lk-element-'));
  const issuer = `http://127.0.0.1:${port}`;
  const verifier = await startVerifier({
    port,
    dbPath: path.join(dir, 'verifier.db'),
    env: { VERIFIER_DATA_DIR: dir },
    config: {
      issuer,
      matcherUrl: matcher.url,
      ...(o.matcherToken ? { matcherToken: o.matcherToken } : {}),
      ...(o.matcherTimeoutMs ? { matcherTimeoutMs: o.matcherTimeoutMs } : {}),
      ...(o.challengeTurn ? { challengeTurn: true } : {}),
      integrators: [
        {
          id: 'element-test',
          apiKey: API_KEY,
          origins: [demo.url, demoAlt],
          returnUrls: [`${demo.url}/return.html`],
          ...(o.reviewOnRisk ? { reviewOnRisk: o.reviewOnRisk } : {}),
        },
      ],
      rateLimits: { session: { capacity: 50, refillPerSec: 5 } },
    },
  });
  const jwks = createRemoteJWKSet(new URL(`${verifier.url}/.well-known/jwks.json`));
  return {
    demo,
    demoAlt,
    verifier,
    matcher,
    async createSession(o = {}) {
      const res = await fetch(`${verifier.url}/v1/sessions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          operation: o.operation ?? 'VERIFICATION',
          subject: o.subject ?? 'person-1',
          ...(o.origins ? { origins: o.origins } : {}),
          ...(o.returnUrl ? { returnUrl: o.returnUrl } : {}),
        }),
      });
      if (res.status !== 201) throw new Error(`session creation failed: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { sessionToken: string }).sessionToken;
    },
    async getSession(sid) {
      const res = await fetch(`${verifier.url}/v1/sessions/${encodeURIComponent(sid)}`, { headers: { authorization: `Bearer ${API_KEY}` } });
      if (res.status !== 200) throw new Error(`session lookup failed: ${res.status} ${await res.text()}`);
      return (await res.json()) as Record<string, unknown>;
    },
    async verifyVerdict(jwt) {
      const { payload } = await jwtVerify(jwt, jwks, { algorithms: [ALG], typ: TYP.VERDICT, issuer, audience: 'element-test' });
      return payload as Record<string, unknown>;
    },
    async close() {
      await verifier.close();
      await matcher.close();
      await demo.close();
    },
  };
}

/** Runs in the page: a PipelinePort that reports passing checks and a face that grows after 2 s. */
export function installScriptedPipeline(): void {
  const el = document.querySelector('liveness-capture') as unknown as Record<string, unknown>;
  el.pipelineFactory = async () => {
    let video: HTMLVideoElement | null = null;
    let timer = 0;
    const subs = new Set<(r: unknown) => void>();
    const t0 = performance.now();
    const pass = { pass: true, value: 1 };
    return {
      async start(v: HTMLVideoElement) {
        video = v;
        timer = window.setInterval(() => {
          const t = performance.now();
          const dt = t - t0;
          const w = dt < 2000 ? 200 : Math.min(300, 200 + (dt - 2000) * 0.1);
          const r = {
            t,
            faces: 1,
            checks: { face: pass, eyes: pass, phone: { pass: true, value: 0 }, lighting: { pass: true, value: 120 }, distance: { pass: true, value: 30 }, liveness: { pass: true, value: 80 } },
            geometry: { faceWidthPx: w, interOcularPx: w * 0.4, cx: 0.5, cy: 0.45, ratios: [1 + (w - 200) / 2000, 1.3] },
            quality: 0.5 + Math.random() * 0.1,
          };
          subs.forEach((cb) => cb(r));
        }, 40);
      },
      stop() {
        clearInterval(timer);
      },
      onResult(cb: (r: unknown) => void) {
        subs.add(cb);
        return () => subs.delete(cb);
      },
      async captureJpeg(q: number) {
        const c = document.createElement('canvas');
        c.width = video!.videoWidth;
        c.height = video!.videoHeight;
        c.getContext('2d')!.drawImage(video!, 0, 0);
        const blob: Blob = await new Promise((res) => c.toBlob((b) => res(b!), 'image/jpeg', q));
        return { bytes: new Uint8Array(await blob.arrayBuffer()), w: c.width, h: c.height };
      },
    };
  };
}


export interface CaptureRun {
  sessionId: string;
  /** 'complete' (verdict), 'retry' (the verifier asked for another capture, e.g. FACE_NOT_LIVE), 'error', 'timeout' */
  end: 'complete' | 'retry' | 'error' | 'timeout';
  /** the retry's or error's code */
  code?: string;
  /** liveness-complete's detail when complete */
  complete?: Record<string, unknown>;
  /** GET /v1/sessions/:id after the attempt */
  session: Record<string, unknown>;
  /** the client checks the page believed (results the pipeline reported; forged ones included) */
  forged: number;
  /** the on-device fused PAD's last result (the element's capture controller), null if it never ran */
  devicePad: { liveness: number; live: boolean; reasons: string[] } | null;
  /** the instruction codes the element showed, in first-seen order */
  codes: string[];
}

/**
 * One capture attempt with <liveness-capture> on capture.html: creates the session, starts the
 * element, and stops at the first verdict or error, or when the verifier has answered a capture
 * with "retry" (a failed attempt, e.g. FACE_NOT_LIVE; the element would then capture again).
 */
/**
 * Runs one session on the capture page. It ends at the first retry the server asks for, unless
 * `untilComplete`: then the element's own retries go on (as a user's would) until the session
 * completes or fails; `session.attempts` tells how many captures it took. `token`: a session
 * created beforehand (e.g. to read its challenge first) instead of a new one.
 */
export async function runCapture(page: Page, stack: Stack, o: { operation: string; subject: string; timeoutMs?: number; untilComplete?: boolean; token?: string }): Promise<CaptureRun> {
  page.on('pageerror', (e) => console.log(`[page error] ${e.message}`));
  await page.goto(`${stack.demo.url}/capture.html?locale=en`);
  await page.waitForFunction(() => !!customElements.get('liveness-capture'));
  const token = o.token ?? (await stack.createSession({ operation: o.operation, subject: o.subject }));
  const sessionId = (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { sid: string }).sid;
  await startElement(page, token, stack.verifier.url);
  type Ev = { type: string; detail: Record<string, unknown> };
  const deadline = Date.now() + (o.timeoutMs ?? 120_000);
  let events: Ev[] = [];
  let session: Record<string, unknown> = {};
  let end: CaptureRun['end'] = 'timeout';
  while (Date.now() < deadline) {
    events = (await page.evaluate(() => window.__lc?.events ?? [])) as Ev[];
    session = await stack.getSession(sessionId);
    if (events.some((e) => e.type === 'complete')) end = 'complete';
    else if (events.some((e) => e.type === 'error')) end = 'error';
    else if (!o.untilComplete && (session.failedAttempts as number) > 0) end = 'retry';
    if (end !== 'timeout') break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const forged = await page.evaluate(() => (window as unknown as { __forged?: number }).__forged ?? 0);
  const devicePad = await page.evaluate(() => (document.querySelector('liveness-capture') as unknown as { capture?: { devicePad?: CaptureRun['devicePad'] } } | null)?.capture?.devicePad ?? null);
  const complete = events.find((e) => e.type === 'complete');
  const error = events.find((e) => e.type === 'error');
  const summary = session.summary as { reasons?: string[] } | null | undefined;
  const code = end === 'retry' ? summary?.reasons?.[0] : (error?.detail.code as string | undefined);
  const codes = [...new Set(events.filter((e) => e.type === 'progress').map((e) => String(e.detail.code)))];
  return { sessionId, end, code, complete: complete?.detail, session, forged, devicePad, codes };
}

/**
 * Page init script (page.addInitScript): wraps the element's real vision pipeline so every frame
 * result the page sees reports all client checks passing and on-device liveness 100 — what a
 * tampered page would send. Geometry (face size, for the approach step) stays real.
 */
export function forgeClientChecks(): void {
  const w = window as unknown as { __forged: number };
  w.__forged = 0;
  const patch = (el: Record<string, unknown>) => {
    if (el.__forging) return;
    el.__forging = true;
    const real = el.pipelineFactory as (o: unknown) => Promise<Record<string, unknown> & { onResult(cb: (r: unknown) => void): () => void }>;
    el.pipelineFactory = async (opts: unknown) => {
      const p = await real(opts);
      return {
        ...p,
        start: (p.start as (...a: unknown[]) => unknown).bind(p),
        stop: (p.stop as () => void).bind(p),
        captureJpeg: (p.captureJpeg as (q: number) => unknown).bind(p),
        ...(p.dispose ? { dispose: (p.dispose as () => void).bind(p) } : {}),
        onResult(cb: (r: unknown) => void) {
          return p.onResult((r) => {
            const x = r as { faces: number; checks: Record<string, { pass: boolean; value: number; code?: string }> };
            const checks: Record<string, unknown> = {};
            for (const [k, c] of Object.entries(x.checks)) checks[k] = { ...c, pass: true, code: undefined };
            checks.liveness = { pass: true, value: 100 };
            if (checks.phone) checks.phone = { pass: true, value: 0 };
            w.__forged++;
            cb({ ...x, faces: x.faces >= 1 ? 1 : x.faces, checks, objects: [], antispoof: 1 });
          });
        },
      };
    };
  };
  // patch upgraded elements only: a pre-upgrade own property would be replaced by the constructor's default
  const scan = () => document.querySelectorAll('liveness-capture').forEach((el) => {
    if (typeof (el as unknown as { pipelineFactory?: unknown }).pipelineFactory === 'function') patch(el as unknown as Record<string, unknown>);
  });
  void customElements.whenDefined('liveness-capture').then(() => {
    scan();
    new MutationObserver(scan).observe(document, { childList: true, subtree: true });
  });
}
