import type { Hono } from 'hono';
import { IdentifyRequestSchema, LivenessRequestSchema, VerifyPairRequestSchema } from '../../protocol/index.ts';
import { scoreLiveness } from '../liveness/server-pad.ts';
import type { MatcherService } from '../service.ts';
import { readBody, reply } from './body.ts';

/** POST /verify (two images), POST /identify (1:N), POST /liveness (server-side PAD). */
export function matchRoutes(app: Hono, svc: MatcherService): void {
  const max = svc.config.maxBodyBytes;

  app.post('/verify', async (c) => {
    const body = await readBody(c, VerifyPairRequestSchema, max);
    return reply(c, 200, await svc.verifyPair(body.a, body.b));
  });

  app.post('/identify', async (c) => {
    const body = await readBody(c, IdentifyRequestSchema, max);
    return reply(c, 200, await svc.identify(body));
  });

  app.post('/liveness', async (c) => {
    const body = await readBody(c, LivenessRequestSchema, max);
    const o = { threshold: svc.config.livenessThreshold, objects: svc.config.padObjects };
    const r = await svc.queue.run(() => (svc.liveness ? svc.liveness(body, o) : scoreLiveness(svc.extractor, body, o)));
    return reply(c, 200, r);
  });
}
