import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit.ts';

describe('RateLimiter', () => {
  it('allows a burst of `capacity`, then refills at the configured rate, per key', () => {
    let t = 0;
    const rl = new RateLimiter({ capacity: 3, refillPerSec: 2 }, 100, () => t);
    for (let i = 0; i < 3; i++) rl.take('a');
    expect(() => rl.take('a')).toThrow(expect.objectContaining({ code: 'RATE_LIMITED', status: 429 }));
    rl.take('b');
    t = 500;
    rl.take('a');
    expect(() => rl.take('a')).toThrow();
  });

  it('stays bounded under many keys', () => {
    const rl = new RateLimiter({ capacity: 1, refillPerSec: 0 }, 10, () => 0);
    for (let i = 0; i < 100; i++) rl.take('k' + i);
    expect((rl as unknown as { buckets: Map<string, unknown> }).buckets.size).toBeLessThanOrEqual(10);
  });
});
