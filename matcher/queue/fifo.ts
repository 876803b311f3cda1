import { KitError } from '../../protocol/index.ts';

export interface FifoOptions {
  /** jobs running at once (default 2) */
  concurrency?: number;
  /** jobs waiting beyond the running ones before new work is refused with OVERLOADED (default 64) */
  maxQueue?: number;
  /** a job that has waited this long is refused with OVERLOADED without running (ms, default 20 000) */
  timeoutMs?: number;
  /** admit a job only when its expected wait is within this share of timeoutMs (0…1, default 0.7): the rest absorbs estimate error */
  admitShare?: number;
  /** weight of the newest sample in the time-per-job average (0…1, default 0.2) */
  ewmaAlpha?: number;
  /** clock in ms (default performance.now); tests pass a fake one */
  now?: () => number;
}

interface Waiter {
  start: () => void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Bounded-concurrency FIFO: work runs in arrival order. Overload is a prompt 503, not a pile-up:
 * a job is refused at admission when the queue is full or its expected wait (jobs ahead × measured
 * time per job) exceeds most of the timeout, and a queued job that still waits past the timeout is
 * refused without running.
 *
 * Time per job is measured, not derived from `concurrency`: the slots may share one model thread.
 * While every slot stays busy it is the gap between completions (1 / throughput), and the gap now
 * open counts at once; otherwise a job's whole time in its slot, which assumes no parallelism
 * until saturation shows some.
 */
export class Fifo {
  readonly concurrency: number;
  readonly maxQueue: number;
  readonly timeoutMs: number;
  readonly admitShare: number;
  private readonly alpha: number;
  private readonly now: () => number;
  private running = 0;
  private waiting: Waiter[] = [];
  private meanMs = 0;
  private samples = 0;
  /** when the last job finished, if it handed its slot straight on (every slot busy since) */
  private handedAt: number | undefined;
  /** refused at admission (queue full or expected wait too long) */
  rejected = 0;
  /** refused after waiting `timeoutMs` in the queue */
  timedOut = 0;

  constructor(o: FifoOptions = {}) {
    this.concurrency = o.concurrency ?? 2;
    this.maxQueue = o.maxQueue ?? 64;
    this.timeoutMs = o.timeoutMs ?? 20_000;
    this.admitShare = o.admitShare ?? 0.7;
    this.alpha = o.ewmaAlpha ?? 0.2;
    this.now = o.now ?? (() => performance.now());
  }

  get depth(): number { return this.waiting.length; }
  get active(): number { return this.running; }
  /** moving average of the time per job at capacity (ms; 0 before the first job) */
  get serviceMs(): number { return this.meanMs; }
  /** how long a job arriving now would wait before it runs (ms, estimated) */
  get expectedWaitMs(): number {
    if (this.running < this.concurrency) return 0;
    // a stall shows before the next completion: the time since the last one is a lower bound on this gap
    const gap = this.handedAt === undefined ? 0 : this.now() - this.handedAt;
    return (this.waiting.length + 1) * Math.max(this.meanMs, gap);
  }

  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.maxQueue) {
        this.rejected++;
        throw new KitError('OVERLOADED', 'matcher queue is full; retry later');
      }
      if (this.expectedWaitMs > this.admitShare * this.timeoutMs) {
        this.rejected++;
        throw new KitError('OVERLOADED', 'matcher is at capacity; retry later');
      }
      await new Promise<void>((resolve, reject) => {
        const w: Waiter = {
          start: () => { clearTimeout(w.timer); resolve(); },
          timer: setTimeout(() => {
            const i = this.waiting.indexOf(w);
            if (i >= 0) this.waiting.splice(i, 1);
            this.timedOut++;
            reject(new KitError('OVERLOADED', 'matcher queue wait timed out; retry later'));
          }, this.timeoutMs),
        };
        this.waiting.push(w);
      });
    } else {
      this.running++;
    }
    const t0 = this.now();
    try {
      return await job();
    } finally {
      const t = this.now();
      this.observe(this.handedAt === undefined ? t - t0 : Math.min(t - t0, t - this.handedAt));
      const next = this.waiting.shift();
      this.handedAt = next ? t : undefined;
      if (next) next.start(); // hand our slot straight to the next in line: FIFO order is preserved
      else this.running--;
    }
  }

  private observe(ms: number): void {
    this.meanMs = this.samples++ === 0 ? ms : this.meanMs + this.alpha * (ms - this.meanMs);
  }
}
