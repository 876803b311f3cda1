import { Agent, request } from 'node:http';
import { rmSync } from 'node:fs';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CBOR_MEDIA_TYPE } from '../../protocol/index.ts';
import { makeCapture } from '../testing/make-capture.ts';

/**
 * `npm run bench`: requests/s and p50/p99 of POST /v1/captures on the Node verifier (matcher =
 * constant responder over HTTP) next to a bare Hono GET /ping, same machine, same run. Sessions
 * and captures are made before timing. Bounded: ≈ 20 s at most.
 */
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const PHASE_MS = Number(process.env.BENCH_PHASE_MS ?? 4000);
const MAX_CAPTURES = Number(process.env.BENCH_CAPTURES ?? 2500);
const PREP_BUDGET_MS = 6000;
const API_KEY = 'acme-test-key-0001';

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function send(url: string, method: string, headers: Record<string, string>, body?: Uint8Array | string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function pool<T>(items: T[], concurrency: number, fn: (x: T) => Promise<void>, deadline: number): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (i < items.length && Date.now() < deadline) await fn(items[i++]);
    }),
  );
}

interface Result { route: string; n: number; errors: number; rps: number; p50: number; p99: number }

async function drive(route: string, jobs: (() => Promise<number>)[]): Promise<Result> {
  const lat: number[] = [];
  let errors = 0;
  const t0 = performance.now();
  await pool(jobs, CONCURRENCY, async (job) => {
    const s = performance.now();
    const status = await job();
    lat.push(performance.now() - s);
    if (status !== 200) errors++;
  }, Date.now() + PHASE_MS);
  const secs = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? NaN;
  return { route, n: lat.length, errors, rps: lat.length / secs, p50: q(0.5), p99: q(0.99) };
}

// the servers run in a child process (tsx loader) so the load generator never shares their event loop
const server = fork(fileURLToPath(new URL('./server.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
const killTimer = setTimeout(() => server.kill('SIGKILL'), 60_000);
const info = await new Promise<{ verifierUrl: string; bareUrl: string; dir: string }>((r) => server.once('message', (m) => r(m as never)));

// warm-up, then the bare route
const bareJobs = Array.from({ length: 1_000_000 }, () => async () => (await send(info.bareUrl + '/ping', 'GET', {})).status);
await drive('warmup', bareJobs.slice(0, 500));
const bare = await drive('GET /ping (bare Hono)', bareJobs);

// prepare fresh sessions and captures (not timed)
const prepDeadline = Date.now() + PREP_BUDGET_MS;
const bodies: Uint8Array[] = [];
await pool(Array.from({ length: MAX_CAPTURES }, (_, i) => i), CONCURRENCY, async () => {
  const r = await send(info.verifierUrl + '/v1/sessions', 'POST', { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' }, JSON.stringify({ operation: 'VERIFICATION', subject: 'person-1' }));
  if (r.status !== 201) throw new Error(`session creation failed: ${r.status}`);
  const { sessionToken } = JSON.parse(r.body.toString()) as { sessionToken: string };
  bodies.push((await makeCapture({ sessionToken })).body);
}, prepDeadline);

const capture = await drive(
  'POST /v1/captures (verifier)',
  bodies.map((b) => async () => (await send(info.verifierUrl + '/v1/captures', 'POST', { 'content-type': CBOR_MEDIA_TYPE }, b)).status),
);

server.send('stop');
await new Promise((r) => server.once('exit', r));
clearTimeout(killTimer);
agent.destroy();
rmSync(info.dir, { recursive: true, force: true });

const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '–');
console.log(`concurrency ${CONCURRENCY}, ≤ ${PHASE_MS / 1000} s per route, ${bodies.length} pre-made captures, Node ${process.version}\n`);
console.log('| route | requests | errors | requests/s | p50 ms | p99 ms | ratio vs bare |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const r of [bare, capture]) {
  console.log(`| ${r.route} | ${r.n} | ${r.errors} | ${r.rps.toFixed(0)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${(r.rps / bare.rps).toFixed(3)} |`);
}
if (capture.errors > 0) process.exitCode = 1;
