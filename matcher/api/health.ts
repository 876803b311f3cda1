import type { Hono } from 'hono';
import { KitError } from '../../protocol/index.ts';
import type { MatcherService } from '../service.ts';
import { reply } from './body.ts';
import type { MatcherMetrics } from './metrics.ts';

function unitParam(raw: string | undefined, name: string): number {
  // the specification's default: all of it
  if (raw === undefined || raw === '') return 1;
  const x = Number(raw);
  if (!Number.isFinite(x) || x < 0 || x > 1) throw new KitError('BAD_REQUEST', `${name} must be a number in 0…1`);
  return x;
}

/** GET /live, /ready, /cluster-ready, /status, /duplicates, /prometheus. */
export function healthRoutes(app: Hono, svc: MatcherService, metrics: MatcherMetrics): void {
  // the specification: empty 200s; a 503 carries the error object like every other temporary failure
  app.get('/live', (c) => c.body(null, 200));

  app.get('/ready', (c) => {
    if (!svc.ready) throw new KitError('NOT_READY', 'matcher cache is still loading');
    if (svc.cluster?.loading) throw new KitError('NOT_READY', 'this node is loading the persons it now owns');
    return c.body(null, 200);
  });

  // single node: capacity and coverage are 1 once the cache is loaded, 0 before; a cluster
  // measures them (matcher/cluster/placement.ts)
  app.get('/cluster-ready', (c) => {
    const capacity = unitParam(c.req.query('capacity'), 'capacity');
    const coverage = unitParam(c.req.query('coverage'), 'coverage');
    const haveCapacity = !svc.ready ? 0 : svc.cluster ? svc.cluster.capacity() : 1;
    const haveCoverage = !svc.ready ? 0 : svc.cluster ? svc.cluster.coverage() : 1;
    if (svc.ready && haveCapacity >= capacity && haveCoverage >= coverage) return c.body(null, 200);
    throw new KitError('CLUSTER_NOT_READY', `capacity ${haveCapacity.toFixed(3)} (wanted ${capacity}), coverage ${haveCoverage.toFixed(3)} (wanted ${coverage})`);
  });

  app.get('/status', async (c) => {
    let persons: number | null = null;
    let storeUp = true;
    try { persons = await svc.store.count(); } catch { storeUp = false; }
    return reply(c, 200, {
      ready: svc.ready,
      store: { kind: svc.store.kind, up: storeUp },
      persons,
      cachedPersons: svc.cache.persons,
      galleries: svc.cache.sizes(),
      queue: { depth: svc.queue.depth, active: svc.queue.active, concurrency: svc.queue.concurrency, maxQueue: svc.queue.maxQueue, rejected: svc.queue.rejected },
      models: { embedding: `${svc.extractor.model}@${svc.extractor.version}`, dims: svc.extractor.dims, faceFinder: svc.extractor.finderSource },
      cacheLoad: { templates: svc.loadStats.templates, ms: Math.round(svc.loadStats.ms), templatesPerSecond: Math.round(svc.loadStats.rate) },
      cluster: svc.cluster
        ? svc.cluster.status()
        : { self: 'single', replicationFactor: 1, capacity: svc.ready ? 1 : 0, coverage: svc.ready ? 1 : 0, members: [{ id: 'single', weight: 1, live: true }] },
    });
  });

  app.get('/duplicates', async (c) => reply(c, 200, { duplicates: await svc.storeCall(() => svc.store.listDuplicates()) }));

  app.get('/prometheus', async (c) => c.text(await metrics.render(), 200, { 'content-type': metrics.contentType }));
}
