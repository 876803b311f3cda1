import { KitError } from '../../protocol/index.ts';

export interface BucketOptions {
  capacity: number;
  refillPerSec: number;
}

/**
 * Token buckets keyed by string (API key, session id). State is in memory: per process on Node,
 * per isolate on Workers (several isolates each keep their own, so the global limit is looser
 * there). The map is bounded so a flood of keys cannot grow memory without limit.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly opts: BucketOptions, private readonly maxKeys = 10_000, private readonly clockMs = () => Date.now()) {}

  /** Takes one token for `key` or throws KitError('RATE_LIMITED'). */
  take(key: string): void {
    const now = this.clockMs();
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= this.maxKeys) this.evict(now);
      b = { tokens: this.opts.capacity, at: now };
      this.buckets.set(key, b);
    } else {
      b.tokens = Math.min(this.opts.capacity, b.tokens + ((now - b.at) / 1000) * this.opts.refillPerSec);
      b.at = now;
    }
    if (b.tokens < 1) throw new KitError('RATE_LIMITED', 'too many requests');
    b.tokens -= 1;
  }

  /** True when `key` has no token left right now (nothing is taken). */
  exhausted(key: string): boolean {
    const b = this.buckets.get(key);
    if (!b) return false;
    return Math.min(this.opts.capacity, b.tokens + ((this.clockMs() - b.at) / 1000) * this.opts.refillPerSec) < 1;
  }

  /** Seconds until `key` has a token again (for Retry-After). */
  retryAfterS(): number {
    return this.opts.refillPerSec > 0 ? Math.max(1, Math.ceil(1 / this.opts.refillPerSec)) : 60;
  }

  private evict(now: number): void {
    // drop buckets that have refilled completely (they carry no information), else the oldest
    for (const [k, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.opts.refillPerSec >= this.opts.capacity) this.buckets.delete(k);
    }
    if (this.buckets.size >= this.maxKeys) {
      const first = this.buckets.keys().next().value;
      if (first !== undefined) this.buckets.delete(first);
    }
  }
}
