import { Hono } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { Context } from 'hono';
import { KitError } from '../../protocol/index.ts';
import type { MatcherService } from '../service.ts';
import { bearerAuth } from './auth.ts';
import { reply } from './body.ts';
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

  personRoutes(app, svc);
  matchRoutes(app, svc);
  healthRoutes(app, svc, metrics);

  app.notFound((c) => reply(c, 404, { code: 'NOT_FOUND', message: 'no such endpoint' }));
  app.onError((err, c) => {
    // anything unexpected is reported as a temporary fault without its message (no stack, SQL or data)
    const e = err instanceof KitError ? err : new KitError('INTERNAL', 'internal error');
    if (!(err instanceof KitError)) console.error('matcher: unexpected error', process.env.MATCHER_DEBUG ? err : err instanceof Error ? err.name : typeof err);
    return reply(c, e.status, e.toBody(), e.status === 503 ? { 'retry-after': String(svc.config.retryAfterSeconds) } : {});
  });
  return { app, metrics };
}
