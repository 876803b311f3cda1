import { afterEach, describe, expect, it, vi } from 'vitest';
import { KitError } from '../../protocol/index.ts';
import { Fifo } from './fifo.ts';

const defer = () => { let resolve!: () => void; const p = new Promise<void>((r) => (resolve = r)); return { p, resolve }; };

describe('Fifo', () => {
  it('runs at most `concurrency` jobs and the rest in arrival order', async () => {
    const q = new Fifo({ concurrency: 1, maxQueue: 10 });
    const order: number[] = [];
    const gate = defer();
    const jobs = [0, 1, 2, 3].map((i) => q.run(async () => { if (i === 0) await gate.p; order.push(i); }));
    expect(q.active).toBe(1);
    expect(q.depth).toBe(3);
    gate.resolve();
    await Promise.all(jobs);
    expect(order).toEqual([0, 1, 2, 3]);
    expect(q.active).toBe(0);
  });

  it('refuses with OVERLOADED (503) when the queue is full', async () => {
    const q = new Fifo({ concurrency: 1, maxQueue: 1 });
    const gate = defer();
    const a = q.run(() => gate.p);
    const b = q.run(async () => 1);
    await expect(q.run(async () => 2)).rejects.toMatchObject({ code: 'OVERLOADED', status: 503 });
    expect(q.rejected).toBe(1);
    gate.resolve();
    await a;
    expect(await b).toBe(1);
  });

  it('frees the slot when a job throws', async () => {
    const q = new Fifo({ concurrency: 1, maxQueue: 0 });
    await expect(q.run(async () => { throw new KitError('NO_FACE'); })).rejects.toBeInstanceOf(KitError);
    expect(await q.run(async () => 'ok')).toBe('ok');
  });
});

describe('Fifo wait timeout and admission', () => {
  afterEach(() => { vi.useRealTimers(); });

  it('refuses a queued job that waited past the timeout, without running it, and keeps the order of the rest', async () => {
    vi.useFakeTimers();
    const q = new Fifo({ concurrency: 1, maxQueue: 10, timeoutMs: 1000 });
    const ran: number[] = [];
    const gate = defer();
    const a = q.run(async () => { await gate.p; ran.push(0); });
    const b = q.run(async () => { ran.push(1); });
    const bDone = expect(b).rejects.toMatchObject({ code: 'OVERLOADED', status: 503 });
    await vi.advanceTimersByTimeAsync(600);
    const c = q.run(async () => { ran.push(2); });
    await vi.advanceTimersByTimeAsync(500); // b has waited 1100 ms, c 500 ms
    await bDone;
    expect(q.timedOut).toBe(1);
    expect(q.depth).toBe(1);
    gate.resolve();
    await a;
    await c;
    expect(ran).toEqual([0, 2]);
    expect(q.active).toBe(0);
  });

  it('refuses at admission when the expected wait (jobs ahead × time per job) exceeds its share of the timeout', async () => {
    let t = 0;
    const q = new Fifo({ concurrency: 2, maxQueue: 100, timeoutMs: 1000, admitShare: 0.9, now: () => t });
    // unsaturated history: a job's whole slot time (400 ms) is the time per job, no parallelism assumed
    for (let i = 0; i < 2; i++) await q.run(async () => { t += 400; });
    expect(q.serviceMs).toBe(400);
    const gates = [defer(), defer()];
    const running = gates.map((g) => q.run(() => g.p));
    // the k-th queued job expects (k + 1) × 400 ms: two fit in 0.9 × 1000 ms, the third does not
    const queued = [0, 1].map(() => q.run(async () => 'ok'));
    expect(q.expectedWaitMs).toBe(1200);
    await expect(q.run(async () => 'late')).rejects.toMatchObject({ code: 'OVERLOADED', status: 503 });
    expect(q.rejected).toBe(1);
    expect(q.depth).toBe(2);
    for (const g of gates) g.resolve();
    await Promise.all(running);
    expect(await Promise.all(queued)).toEqual(['ok', 'ok']);
  });

  it('measures the time per job at capacity from completions while every slot stays busy', async () => {
    vi.useFakeTimers();
    const q = new Fifo({ concurrency: 2, maxQueue: 100, timeoutMs: 60_000, now: () => Date.now() });
    // two slots that really run in parallel, 400 ms a job: at capacity one job finishes every 200 ms on average
    const jobs = Array.from({ length: 40 }, () => q.run(() => new Promise<void>((r) => setTimeout(r, 400))));
    await vi.advanceTimersByTimeAsync(10 * 400); // 20 done, 20 still queued: saturated throughout
    expect(q.serviceMs).toBeGreaterThan(150);
    expect(q.serviceMs).toBeLessThan(250);
    await vi.advanceTimersByTimeAsync(10 * 400);
    await Promise.all(jobs);
  });

  it('sees that slots sharing one model thread do not run in parallel', async () => {
    vi.useFakeTimers();
    const q = new Fifo({ concurrency: 2, maxQueue: 100, timeoutMs: 60_000, now: () => Date.now() });
    // one serial resource behind both slots, 200 ms a job: a job also waits for the other's turn, 400 ms in its slot
    let chain = Promise.resolve();
    const serial = () => (chain = chain.then(() => new Promise<void>((r) => setTimeout(r, 200))));
    const jobs = Array.from({ length: 20 }, () => q.run(serial));
    await vi.advanceTimersByTimeAsync(10 * 200);
    expect(q.serviceMs).toBe(200);
    await vi.advanceTimersByTimeAsync(10 * 200);
    await Promise.all(jobs);
  });

  it('counts a stall at once: the time since the last completion bounds the time per job from below', async () => {
    vi.useFakeTimers();
    const q = new Fifo({ concurrency: 1, maxQueue: 100, timeoutMs: 2000, now: () => Date.now() });
    const gates = Array.from({ length: 3 }, () => defer());
    const jobs = gates.map((g) => q.run(() => g.p));
    await vi.advanceTimersByTimeAsync(100);
    gates[0].resolve();
    await vi.advanceTimersByTimeAsync(100); // 100 ms a job so far, and job 1 has run 100 ms
    expect(q.serviceMs).toBe(100);
    expect(q.expectedWaitMs).toBe(2 * 100);
    await vi.advanceTimersByTimeAsync(1000); // job 1 stalls: 1100 ms since the last completion
    expect(q.expectedWaitMs).toBe(2 * 1100);
    await expect(q.run(async () => 'late')).rejects.toMatchObject({ code: 'OVERLOADED' });
    gates[1].resolve();
    gates[2].resolve();
    await Promise.all(jobs);
  });

  it('admits anything while nothing is measured, and always runs a job when a slot is free', async () => {
    let t = 0;
    const q = new Fifo({ concurrency: 1, maxQueue: 5, timeoutMs: 10, now: () => t });
    await q.run(async () => { t += 1000; }); // far slower than the timeout
    expect(q.expectedWaitMs).toBe(0);
    expect(await q.run(async () => 'free slot')).toBe('free slot');
  });

  it('follows the service time as it changes (moving average)', async () => {
    let t = 0;
    const q = new Fifo({ concurrency: 1, ewmaAlpha: 0.5, now: () => t });
    await q.run(async () => { t += 100; });
    await q.run(async () => { t += 300; });
    expect(q.serviceMs).toBe(200);
    await q.run(async () => { throw new KitError('NO_FACE'); }).catch(() => undefined); // a failed job took 0 ms
    expect(q.serviceMs).toBe(100);
  });
});
