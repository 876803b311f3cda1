import { KitError } from '../../protocol/index.ts';

export interface FifoOptions {
  /** jobs running at once (default 2) */
  concurrency?: number;
  /** jobs waiting beyond the running ones before new work is refused with OVERLOADED (default 64) */
  maxQueue?: number;
}

/** Bounded-concurrency FIFO: work runs in arrival order; a full queue is a 503, not a pile-up. */
export class Fifo {
  readonly concurrency: number;
  readonly maxQueue: number;
  private running = 0;
  private waiting: (() => void)[] = [];
  rejected = 0;

  constructor(o: FifoOptions = {}) {
    this.concurrency = o.concurrency ?? 2;
    this.maxQueue = o.maxQueue ?? 64;
  }

  get depth(): number { return this.waiting.length; }
  get active(): number { return this.running; }

  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.maxQueue) {
        this.rejected++;
        throw new KitError('OVERLOADED', 'matcher queue is full; retry later');
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await job();
    } finally {
      const next = this.waiting.shift();
      if (next) next(); // hand our slot straight to the next in line: FIFO order is preserved
      else this.running--;
    }
  }
}
