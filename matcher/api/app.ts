import { Hono } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { Context } from 'hono';
import { KitError } from '../../protocol/index.ts';
import type { MatcherService } from '../service.ts';
import { bearerAuth } from './auth.ts';
import { reply } from './body.ts';
import { forwardHeavy } from './forward.ts';
import { healthRoutes } from './health.ts';
import { matchRoutes } from './match.ts';
import { Metrics } from './metrics.ts';
import { personRoutes } from './persons.ts';

export interface AppOptions {
  /** bearer tokens accepted on every route but GET /live and /ready (at least one) */
  tokens: string[];
}

/** The route pattern that answered (`/persons/:id`), never the raw path: bounded metric labels. */
function routeOf(c: Context): string {
  const r = matchedRoutes(c).findLast((x) => x.method !== 'ALL');
  return r?.path ?? 'unmatched';
}

/**
 * The status the ABIS contract allows for an error: 503 for anything temporary, 401 for a refused
 * credential (bearer tokens are an extension), 400 for every other permanent failure.
 */
export function contractStatus(status: number): 400 | 401 | 503 {
  if (status >= 500 || status === 429) return 503;
  return status === 401 ? 401 : 400;
}

/** The matcher's HTTP surface: errors are data (KitError → status + CBOR/JSON {code, message}). */
export function createApp(svc: MatcherService, o: AppOptions): { app: Hono; metrics: Metrics } {
  const app = new Hono();
  const metrics = new Metrics();

  app.use('*', async (c, next) => {
    const t0 = performance.now();
    await next();
    metrics.observe(routeOf(c), c.req.method, c.res.status, (performance.now() - t0) / 1000);
  });
  // before any route, so an unauthenticated request never has its body read
  app.use('*', bearerAuth({ tokens: o.tokens }));
  // in a cluster, heavy work runs on the person's owner or a node drawn by weight (forward.ts)
  app.use('*', forwardHeavy(svc));

  personRoutes(app, svc);
  matchRoutes(app, svc);
  healthRoutes(app, svc, metrics);

  // the specification knows two failures: 400 permanent, 503 temporary (an unknown route is permanent)
  app.notFound((c) => reply(c, 400, { code: 'NOT_FOUND', message: 'no such endpoint' }));
  app.onError((err, c) => {
    // anything unexpected is reported as a temporary fault without its message (no stack, SQL or data)
    const e = err instanceof KitError ? err : new KitError('INTERNAL', 'internal error');
    if (!(err instanceof KitError)) console.error('matcher: unexpected error', process.env.MATCHER_DEBUG ? err : err instanceof Error ? err.name : typeof err);
    const status = contractStatus(e.status);
    return reply(c, status, e.toBody(), status === 503 ? { 'retry-after': String(svc.config.retryAfterSeconds) } : {});
  });
  return { app, metrics };
}
