/**
 * The matcher under 5× its capacity (security issue #13, finding 7): models run in a worker
 * thread, so the HTTP loop stays free; the FIFO refuses what it cannot serve within the queue
 * timeout at admission, promptly, and nothing waits much past that timeout.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMatcher, type RunningMatcher } from '../matcher/server.ts';
import { call } from '../matcher/testing/client.ts';
import { fixture } from './lib/fixtures.ts';

const QUEUE_TIMEOUT_MS = 3000;
/** how long the overload lasts (ms) */
const WINDOW_MS = 4000;
/** offered load as a multiple of the measured capacity */
const OVERLOAD = 5;
/** latency budget of a refusal and of /live while the models are busy (ms) */
const PROMPT_MS = 100;

const lfw = (p: string) => new Uint8Array(readFileSync(fixture(`faces/lfw/${p}`)));
const PAIR = { a: lfw('Al_Pacino/Al_Pacino_0001.jpg'), b: lfw('Al_Pacino/Al_Pacino_0002.jpg') };

const tmp = mkdtempSync(path.join(tmpdir(), 'matcher-overload-'));
let m: RunningMatcher;

beforeAll(async () => {
  m = await startMatcher({ port: 0, store: `sqlite:${path.join(tmp, 'overload.db')}`, workers: 1, waitReady: true, queueTimeoutMs: QUEUE_TIMEOUT_MS });
});
afterAll(async () => {
  await m?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quantile = (xs: number[], q: number) => {
  if (!xs.length) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
};
const ms = (x: number) => Math.round(x);

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t0 };
}

it(`answers ${OVERLOAD}× its capacity with 200s and prompt 503s while /live stays free`, async () => {
  const verify = () => call(m, 'POST', '/verify', PAIR);
  // single-request service time, after two warm-up calls
  for (let i = 0; i < 2; i++) expect((await verify()).status).toBe(200);
  const single: number[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await timed(verify);
    expect(r.value.status).toBe(200);
    single.push(r.ms);
  }
  const serviceMs = quantile(single, 0.5);
  const workers = m.service.config.workers;
  // one worker serialises its model calls: capacity is workers / service time
  const n = Math.min(800, Math.ceil((OVERLOAD * workers * WINDOW_MS) / serviceMs));

  const live: number[] = [];
  let overloaded = true;
  const probe = (async () => {
    while (overloaded) {
      const r = await timed(() => fetch(`${m.url}/live`).then((x) => x.status));
      expect(r.value).toBe(200);
      live.push(r.ms);
      await sleep(50);
    }
  })();

  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const answers: Promise<{ status: number; ms: number; retryAfter: string | null; code?: string }>[] = [];
  for (let i = 0; i < n; i++) {
    const due = t0 + (i * WINDOW_MS) / n;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    answers.push(timed(verify).then((r) => ({ status: r.value.status, ms: r.ms, retryAfter: r.value.headers.get('retry-after'), code: r.value.body?.code })));
  }
  const done = await Promise.all(answers);
  overloaded = false;
  await probe;
  loop.disable();
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - t0;

  const ok = done.filter((r) => r.status === 200).map((r) => r.ms);
  const refused = done.filter((r) => r.status === 503);
  const refusedMs = refused.map((r) => r.ms);
  const perJobMs = m.service.queue.serviceMs;
  const concurrency = m.service.queue.concurrency;
  const worst = Math.max(...done.map((r) => r.ms));
  console.log(
    `overload: single /verify ${ms(serviceMs)} ms (${single.map(ms).join(', ')}), FIFO time per job at capacity ${ms(perJobMs)} ms, concurrency ${concurrency}, workers ${workers}\n` +
    `  offered ${n} requests in ${WINDOW_MS} ms (${OVERLOAD}× capacity) → 200: ${ok.length}, 503: ${refused.length}, other: ${done.length - ok.length - refused.length}; ` +
    `refused at admission ${m.service.queue.rejected}, timed out in queue ${m.service.queue.timedOut}\n` +
    `  200 p50 ${ms(quantile(ok, 0.5))} ms, p99 ${ms(quantile(ok, 0.99))} ms; 503 p50 ${ms(quantile(refusedMs, 0.5))} ms, p99 ${ms(quantile(refusedMs, 0.99))} ms; slowest answer ${ms(worst)} ms\n` +
    `  /live during overload: ${live.length} probes, p50 ${ms(quantile(live, 0.5))} ms, max ${ms(Math.max(...live))} ms; ` +
    `HTTP-thread event-loop delay p99 ${ms(loop.percentile(99) / 1e6)} ms, max ${ms(loop.max / 1e6)} ms; ` +
    `process CPU ${ms(((cpu.user + cpu.system) / 1000 / wallMs) * 100)}% of one core (worker included)`,
  );

  expect(done.every((r) => r.status === 200 || r.status === 503)).toBe(true);
  expect(refused.every((r) => r.code === 'OVERLOADED')).toBe(true);
  expect(ok.length).toBeGreaterThan(0);
  expect(refused.length).toBeGreaterThan(0);
  expect(refused.every((r) => r.retryAfter !== null)).toBe(true);
  expect(quantile(refusedMs, 0.99)).toBeLessThan(PROMPT_MS);
  // a job let out of the queue just before its timeout still holds its slot for one service time, which is
  // up to `concurrency` model calls when the slots share one worker
  expect(worst).toBeLessThan(QUEUE_TIMEOUT_MS + Math.ceil(concurrency / workers) * serviceMs + PROMPT_MS);
  expect(live.length).toBeGreaterThan(10);
  expect(Math.max(...live)).toBeLessThan(PROMPT_MS);
});
