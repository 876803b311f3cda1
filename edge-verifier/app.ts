import { Hono } from 'hono';
import { matchedRoutes } from 'hono/route';
import { KitError } from '../protocol/index.ts';
import { checkResponses } from '../protocol/openapi-responses.ts';
import { VERIFIER_API, verifierOpenApi } from './openapi.ts';
import { adminRoutes } from './routes/admin.ts';
import { captureRoutes } from './routes/captures.ts';
import { codeRoutes } from './routes/codes.ts';
import { livenessImageRoutes } from './routes/liveness-image.ts';
import { jwksRoutes } from './routes/jwks.ts';
import { personRoutes } from './routes/persons.ts';
import { sessionRoutes } from './routes/sessions.ts';
import { makeServices, type VerifierDeps } from './services.ts';

/**
 * The verifier as one Hono app, runtime-agnostic: adapters (node.ts, worker.ts) supply the store,
 * matcher client and keys. Every error leaves as `{code, message}` with the protocol's status;
 * nothing else (no stack, no token, no image) is ever echoed or logged.
 */
export function createApp(deps: VerifierDeps): Hono {
  const s = makeServices(deps);
  const app = new Hono();
  app.use('*', checkResponses(VERIFIER_API, 'verifier'));
  app.use('*', async (c, next) => {
    const t0 = performance.now();
    await next();
    // the route pattern that answered, never the raw path: bounded metric labels
    const route = matchedRoutes(c).findLast((r) => r.method !== 'ALL')?.path ?? 'unmatched';
    s.observer.request(route, c.req.method, c.res.status, (performance.now() - t0) / 1000);
  });
  app.get('/health', (c) => c.json({ ok: true }));
  app.get('/openapi.json', (c) => c.json(verifierOpenApi()));
  app.route('/', jwksRoutes(s));
  app.route('/', captureRoutes(s));
  app.route('/', sessionRoutes(s) as unknown as Hono);
  app.route('/', personRoutes(s) as unknown as Hono);
  app.route('/', codeRoutes(s) as unknown as Hono);
  app.route('/', livenessImageRoutes(s) as unknown as Hono);
  app.route('/', adminRoutes(s) as unknown as Hono);
  app.notFound((c) => c.json(new KitError('NOT_FOUND').toBody(), 404));
  app.onError((err, c) => {
    const e = err instanceof KitError ? err : new KitError('INTERNAL', 'internal error');
    if (!(err instanceof KitError)) console.error(`[verifier] ${c.req.method} ${c.req.path} internal error: ${err.name}`);
    // temporary answers say when to come back; a limiter may already have set a longer wait
    if ((e.status === 429 || e.status === 503) && !c.res.headers.get('retry-after')) c.header('retry-after', e.status === 429 ? '10' : '2');
    return c.json(e.toBody(), e.status as 400);
  });
  return app;
}
