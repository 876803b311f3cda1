import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { reply } from './body.ts';

export interface BearerAuthOptions {
  /** accepted tokens (at least one) */
  tokens: string[];
  /** GET paths answered without a token: the orchestrator's probes (default /live, /ready) */
  open?: string[];
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * `Authorization: Bearer <token>` on every route but the open probes; anything else is answered
 * 401 UNAUTHORIZED before the route runs, so an unauthenticated body is never read. Tokens are
 * compared as SHA-256 digests with timingSafeEqual: neither their content nor their length leaks.
 */
export function bearerAuth(o: BearerAuthOptions): MiddlewareHandler {
  if (!o.tokens.length) throw new Error('bearerAuth: at least one token is required');
  const accepted = o.tokens.map(digest);
  const open = new Set(o.open ?? ['/live', '/ready']);
  return async (c, next) => {
    if ((c.req.method === 'GET' || c.req.method === 'HEAD') && open.has(c.req.path)) return next();
    const m = /^Bearer[ ]+([^\s]+)[ ]*$/i.exec(c.req.header('authorization') ?? '');
    const given = digest(m?.[1] ?? '');
    let ok = false;
    // every token compared, no early exit: which token matched (if any) does not show in the timing
    for (const t of accepted) ok = timingSafeEqual(t, given) || ok;
    if (!m || !ok) {
      return reply(c, 401, { code: 'UNAUTHORIZED', message: 'missing or invalid bearer token' }, { 'www-authenticate': 'Bearer' });
    }
    await next();
  };
}
