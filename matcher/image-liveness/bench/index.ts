/**
 * `npm run bench` part: BioDoc Liveness 1.0 latency, through the route an integrator calls —
 * POST /v1/liveness/image (JSON, base64) on the real verifier, which calls the real matcher — for
 * a 640×480 photo, with and without pre-analysis, in the same run. First calls (model loading)
 * are left out.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { generateSigningKey } from '../../../edge-verifier/keys/demo-key.ts';
import { startVerifier } from '../../../edge-verifier/node.ts';
import { testConfig } from '../../../edge-verifier/testing/test-config.ts';
import { fixture } from '../../../e2e/lib/fixtures.ts';
import { startMatcher } from '../../server.ts';

const N = 20;
const WARMUP = 3;
const dir = mkdtempSync(path.join(tmpdir(), 'lk-image-bench-'));
const pctl = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * (xs.length - 1) + 0.5))];

// two extraction workers (MATCHER_WORKERS=2): the photo's COCO detection runs on the second
const WORKERS = Number(process.env.BENCH_IMAGE_WORKERS ?? 2);
const matcher = await startMatcher({ port: 0, store: `sqlite:${path.join(dir, 'm.db')}`, waitReady: true, workers: WORKERS });
const base = testConfig({ issuer: 'http://bench.test', signingKeys: [await generateSigningKey()], matcherUrl: matcher.url });
const key = 'bench-photo-key-0001';
const photo = { id: 'photo', apiKey: key, origins: ['http://localhost:5173'], maxAttempts: 3, liveness: { enabled: true, version: '1.0' } };
const verifier = await startVerifier({ port: 0, env: {}, dbPath: path.join(dir, 'v.db'), config: { ...base, integrators: [...base.integrators, photo], matcherToken: matcher.token, matcherTimeoutMs: 60_000 } });
try {
  const jpg = await sharp(readFileSync(fixture('faces/deepface/img1.jpg'))).resize(640, 480, { fit: 'cover' }).jpeg({ quality: 90 }).toBuffer();
  const image = jpg.toString('base64');
  const rows: string[] = [];
  const times: Record<string, number[]> = {};
  for (const pre of [true, false]) {
    const label = pre ? 'liveness image (pre-analysis)' : 'liveness image (liveness only)';
    const xs: number[] = [];
    let last: { result?: string; steps?: unknown[] } = {};
    for (let i = 0; i < N + WARMUP; i++) {
      const t = performance.now();
      const res = await fetch(`${verifier.url}/v1/liveness/image`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ image, preAnalysis: pre }),
      });
      last = (await res.json()) as typeof last;
      if (res.status !== 200) throw new Error(`${label}: HTTP ${res.status} ${JSON.stringify(last)}`);
      if (i >= WARMUP) xs.push(performance.now() - t);
    }
    times[label] = xs;
    rows.push(`${label}: p50 ${pctl(xs, 0.5).toFixed(0)} ms, p95 ${pctl(xs, 0.95).toFixed(0)} ms (${N} requests, matcher with ${WORKERS} extraction workers, 640×480 JPEG ${(jpg.length / 1024).toFixed(0)} KB; answer ${last.result}, ${last.steps?.length} steps)`);
  }
  for (const r of rows) console.log(r);
  const [a, b] = Object.values(times);
  console.log(`pre-analysis / liveness only (same run, p50): ${(pctl(a, 0.5) / pctl(b, 0.5)).toFixed(2)}× (goal for pre-analysis: ≤ 300 ms on this machine)`);
} finally {
  await verifier.close();
  await matcher.close();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
