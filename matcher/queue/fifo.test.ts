import { describe, expect, it } from 'vitest';
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
