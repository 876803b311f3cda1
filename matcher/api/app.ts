import { Hono } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { Context } from 'hono';
import { KitError } from '../../protocol/index.ts';
import type { MatcherService } from '../service.ts';
import { bearerAuth } from './auth.ts';
import { contractStatus } from './contract-status.ts';
import { checkResponses } from '../../protocol/openapi-responses.ts';
import { MATCHER_API, matcherOpenApi } from './openapi.ts';
import { reply } from './body.ts';
import { forwardHeavy } from './forward.ts';
import { healthRoutes } from './health.ts';
import { matchRoutes } from './match.ts';
import { MatcherMetrics, type MatcherSnapshot } from './metrics.ts';
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

/** What the metrics' gauges read at scrape time. */
function snapshot(svc: MatcherService): MatcherSnapshot {
  const sizes = Object.values(svc.cache.sizes());
  const cluster = svc.cluster?.status();
  const ready = svc.ready;
  return {
    ready,
    cachedPersons: svc.cache.persons,
    cachedTemplates: sizes.reduce((a, b) => a + b, 0),
    galleries: sizes.length,
    queue: { depth: svc.queue.depth, active: svc.queue.active, concurrency: svc.queue.concurrency, rejected: svc.queue.rejected },
    cluster: cluster
      ? { capacity: cluster.capacity, coverage: cluster.coverage, members: cluster.members.length, liveMembers: cluster.members.filter((m) => m.live).length, replicationFactor: cluster.replicationFactor }
      : { capacity: ready ? 1 : 0, coverage: ready ? 1 : 0, members: 1, liveMembers: 1, replicationFactor: 1 },
  };
}


/** The matcher's HTTP surface: errors are data (KitError → status + CBOR/JSON {code, message}). */
export function createApp(svc: MatcherService, o: AppOptions): { app: Hono; metrics: MatcherMetrics } {
  const app = new Hono();
  const metrics = new MatcherMetrics(() => snapshot(svc));

  app.use('*', checkResponses(MATCHER_API, 'matcher'));
  app.use('*', async (c, next) => {
    const t0 = performance.now();
    await next();
    metrics.observe(routeOf(c), c.req.method, c.res.status, (performance.now() - t0) / 1000);
  });
  // before any route, so an unauthenticated request never has its body read
  app.use('*', bearerAuth({ tokens: o.tokens, open: ['/live', '/ready', '/openapi.json'] }));
  // in a cluster, heavy work runs on the person's owner or a node drawn by weight (forward.ts)
  app.use('*', forwardHeavy(svc));

  personRoutes(app, svc);
  matchRoutes(app, svc, metrics);
  healthRoutes(app, svc, metrics);
  app.get('/openapi.json', (c) => c.json(matcherOpenApi()));

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
