import type { MiddlewareHandler } from 'hono';
import { KitError } from '../../protocol/index.ts';
import type { Integrator } from '../config.ts';
import type { RateLimiter } from './rate-limit.ts';

/** Compares without an early exit so the time taken does not reveal how much of a key matched. */
function sameKey(a: string, b: string): boolean {
  const n = Math.max(a.length, b.length);
  let diff = a.length ^ b.length;
  for (let i = 0; i < n; i++) diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  return diff === 0;
}

export type ApiKeyEnv = { Variables: { integrator: Integrator } };

/** Integrator authentication (`Authorization: Bearer <key>` or `X-API-Key`), then the per-key rate limit. */
export function apiKey(opts: { integrators: readonly Integrator[]; limiter: RateLimiter }): MiddlewareHandler<ApiKeyEnv> {
  return async (c, next) => {
    const auth = c.req.header('authorization');
    const key = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : c.req.header('x-api-key');
    if (!key) throw new KitError('UNAUTHORIZED', 'API key required');
    let found: Integrator | undefined;
    for (const i of opts.integrators) if (sameKey(i.apiKey, key)) found = i;
    if (!found) throw new KitError('UNAUTHORIZED', 'unknown API key');
    opts.limiter.take('key:' + found.id);
    c.set('integrator', found);
    await next();
  };
}
