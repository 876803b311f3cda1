import type { Context, MiddlewareHandler } from 'hono';
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

/** The same comparison for the admin API's own keys (never an integrator's). */
export function matchKey<T extends { key: string }>(keys: readonly T[], key: string): T | undefined {
  let found: T | undefined;
  for (const k of keys) if (sameKey(k.key, key)) found = k;
  return found;
}

/** The presented credential: `Authorization: Bearer <key>` or `X-API-Key`. */
export function presentedKey(c: Context): string | undefined {
  const auth = c.req.header('authorization');
  return auth?.startsWith('Bearer ') ? auth.slice(7).trim() : c.req.header('x-api-key');
}

/**
 * The address a request came from, for failed-auth limits: Workers set `cf-connecting-ip`; on
 * Node the socket's peer address (a proxy in front should be configured to overwrite the header).
 */
export function sourceOf(c: Context): string {
  const cf = c.req.header('cf-connecting-ip');
  if (cf) return cf;
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'unknown';
}

/**
 * Integrator authentication (`Authorization: Bearer <key>` or `X-API-Key`), then the per-key rate
 * limit. Failed attempts are limited per source address (`failures`): past the limit every
 * attempt from that source answers 429 AUTH_RATE_LIMITED before any key is compared.
 */
export function apiKey(opts: { integrators: () => Promise<readonly Integrator[]>; limiter: RateLimiter; failures?: RateLimiter }): MiddlewareHandler<ApiKeyEnv> {
  return async (c, next) => {
    const source = 'src:' + sourceOf(c);
    if (opts.failures?.exhausted(source)) {
      c.header('retry-after', String(opts.failures.retryAfterS()));
      throw new KitError('AUTH_RATE_LIMITED', 'too many failed API-key attempts from this address');
    }
    const fail = (message: string): never => {
      try {
        opts.failures?.take(source);
      } catch {
        /* the limit is reported on the next attempt */
      }
      throw new KitError('UNAUTHORIZED', message);
    };
    const key = presentedKey(c);
    if (!key) return fail('API key required');
    let found: Integrator | undefined;
    for (const i of await opts.integrators()) if (sameKey(i.apiKey, key)) found = i;
    if (!found) return fail('unknown API key');
    opts.limiter.take('key:' + found.id);
    c.set('integrator', found);
    await next();
  };
}
