import type { Hono } from 'hono';
import * as v from 'valibot';
import { KitError, IdentifyRequestSchema, LivenessRequestSchema, MatcherImageRequestSchema, VerifyPairRequestSchema } from '../../protocol/index.ts';
import { analyseImage } from '../image-liveness/analyse-image.ts';
import { scoreLiveness } from '../liveness/server-pad.ts';
import type { MatcherService } from '../service.ts';
import { readBody, reply } from './body.ts';
import type { MatcherMetrics } from './metrics.ts';

const ClusterSearchSchema = v.strictObject({
  gallery: v.pipe(v.string(), v.maxLength(128)),
  q: v.instance(Uint8Array),
  k: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1000)),
  live: v.pipe(v.array(v.pipe(v.string(), v.maxLength(128))), v.maxLength(1024)),
});

/** POST /identify (1:N, the contract); POST /verify (two images) and POST /liveness (server-side PAD): extensions. */
export function matchRoutes(app: Hono, svc: MatcherService, metrics?: MatcherMetrics): void {
  const max = svc.config.maxBodyBytes;

  app.post('/verify', async (c) => {
    const body = await readBody(c, VerifyPairRequestSchema, max);
    return reply(c, 200, await svc.verifyPair(body.a, body.b));
  });

  // answer: a CBOR list of match objects, best first; the coverage reached rides in a header (extension)
  app.post('/identify', async (c) => {
    const body = await readBody(c, IdentifyRequestSchema, max);
    const r = await svc.identify(body);
    metrics?.identify(r.matches.length, r.coverage);
    return reply(c, 200, r.matches, { coverage: String(r.coverage) });
  });

  // internal (cluster peers, same bearer tokens): this node's share of a scatter-gather 1:N
  app.post('/cluster/search', async (c) => {
    if (!svc.cluster) throw new KitError('NOT_FOUND', 'this matcher is not part of a cluster');
    const body = await readBody(c, ClusterSearchSchema, max);
    if (body.q.byteLength !== svc.extractor.dims * 4) throw new KitError('SCHEMA_VIOLATION', `q must hold ${svc.extractor.dims} float32 values`);
    return reply(c, 200, { hits: svc.cluster.localSearch(body) });
  });

  app.post('/liveness', async (c) => {
    const body = await readBody(c, LivenessRequestSchema, max);
    const o = { threshold: svc.config.livenessThreshold, objects: svc.config.padObjects };
    const r = await svc.queue.run(() => (svc.liveness ? svc.liveness(body, o) : scoreLiveness(svc.extractor, body, o)));
    // numbers only (no image, landmark or template): the eval's per-capture trace
    metrics?.liveness('video', r.live);
    if (process.env.PAD_EVAL_DEBUG) console.log(`    [matcher pad] ${JSON.stringify({ liveness: r.liveness, reasons: r.reasons, roles: body.roles, signals: r.signals })}`);
    return reply(c, 200, r);
  });

  // BioDoc Liveness 1.0 (extension): one still, optional pre-analysis (matcher/image-liveness)
  app.post('/liveness/image', async (c) => {
    const body = await readBody(c, MatcherImageRequestSchema, max);
    const o = { threshold: svc.config.livenessThreshold, objects: svc.config.padObjects };
    const r = await svc.queue.run(() => (svc.livenessImage ? svc.livenessImage(body, o) : analyseImage(svc.extractor, body, o)));
    if (r.live !== undefined) metrics?.liveness('image', r.live);
    return reply(c, 200, r);
  });
}
