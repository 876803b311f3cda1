/**
 * Shared setup of the element's browser tests: the demo site (vite), the real edge verifier
 * (startVerifier, SQLite in a temp dir) and a FAKE matcher over HTTP that answers liveness 90 and
 * an approving 1:1 match for any frames. The fake matcher stands in until the real one is wired
 * into these tests; the real end-to-end flow is a later issue.
 */
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ALG, TYP, decodeStrict, encodeCbor } from '../protocol/index.ts';
import { startVerifier, type RunningVerifier } from '../edge-verifier/node.ts';
import { startDemoServer, type DemoServer } from './lib/demo-server.ts';
import { freePort } from './lib/ports.ts';

export const API_KEY = 'element-test-key';

export interface FakeMatcher {
  url: string;
  calls: { path: string; frames: number }[];
  close(): Promise<void>;
}

/** Answers like the matcher's CBOR API: liveness 90 for any frames, 1:1 score +80. */
export async function startFakeMatcher(liveness = 90): Promise<FakeMatcher> {
  const calls: FakeMatcher['calls'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = chunks.length ? (decodeStrict(new Uint8Array(Buffer.concat(chunks))) as Record<string, unknown>) : {};
      const p = req.url ?? '';
      calls.push({ path: p, frames: Array.isArray(body.frames) ? body.frames.length : body.image ? 1 : 0 });
      let answer: unknown;
      if (p === '/liveness') answer = { liveness, live: liveness >= 50, reasons: [], signals: { fake: 1 } };
      else if (/^\/persons\/[^/]+\/verify$/.test(p)) answer = { similarity: 0.97, score: 80, band: 'APPROVE', identity: 'YES' };
      else if (p === '/identify') answer = { candidates: [], coverage: 1 };
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
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${port}`, calls, close: () => new Promise((r) => server.close(() => r())) };
}

export interface Stack {
  demo: DemoServer;
  /** the demo site under the other loopback name: a different origin, same server */
  demoAlt: string;
  verifier: RunningVerifier;
  matcher: FakeMatcher;
  createSession(o?: { operation?: string; subject?: string; origins?: string[]; returnUrl?: string }): Promise<string>;
  verifyVerdict(jwt: string): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function startStack(): Promise<Stack> {
  const demo = await startDemoServer();
  const demoAlt = demo.url.replace('127.0.0.1', 'localhost');
  const matcher = await startFakeMatcher();
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'lk-element-'));
  const issuer = `http://127.0.0.1:${port}`;
  const verifier = await startVerifier({
    port,
    dbPath: path.join(dir, 'verifier.db'),
    env: { VERIFIER_DATA_DIR: dir },
    config: {
      issuer,
      matcherUrl: matcher.url,
      integrators: [
        {
          id: 'element-test',
          apiKey: API_KEY,
          origins: [demo.url, demoAlt],
          returnUrls: [`${demo.url}/return.html`],
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

