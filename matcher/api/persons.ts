import type { Hono } from 'hono';
import * as v from 'valibot';
import { KitError, PersonSchema, VerifyRequestSchema } from '../../protocol/index.ts';
import type { MatcherService } from '../service.ts';
import { readBody, reply } from './body.ts';

const IdSchema = v.pipe(v.string(), v.minLength(1), v.maxLength(128), v.regex(/^[A-Za-z0-9._:@-]+$/));

function personId(raw: string): string {
  const r = v.safeParse(IdSchema, raw);
  if (!r.success) throw new KitError('SCHEMA_VIOLATION', 'person id must be 1–128 of [A-Za-z0-9._:@-]');
  return r.output;
}

/** PUT/GET/DELETE /persons/{id}, POST /persons/{id}/audit, POST /persons/{id}/verify. */
export function personRoutes(app: Hono, svc: MatcherService): void {
  const max = svc.config.maxBodyBytes;

  app.put('/persons/:id', async (c) => {
    const id = personId(c.req.param('id'));
    const body = await readBody(c, PersonSchema, max);
    const r = await svc.enrol(id, body);
    return reply(c, r.created ? 201 : 200, r);
  });

  app.get('/persons/:id', async (c) => {
    const id = personId(c.req.param('id'));
    const rec = await svc.getPerson(id);
    if (!rec) return c.body(null, 404);
    return reply(c, 200, {
      id: rec.id, galleries: rec.galleries, metadata: rec.metadata, quality: rec.quality, duplicates: rec.duplicates,
      images: rec.imageCount, updatedAt: rec.updatedAt,
      // templates exactly as TemplateSchema, so a client can send one back as a probe
      templates: rec.templates.map((t) => ({ model: t.model, version: t.version, dims: t.dims, dtype: t.dtype, data: t.data })),
      templateSources: rec.templates.map((t) => t.source),
    });
  });

  app.delete('/persons/:id', async (c) => {
    const id = personId(c.req.param('id'));
    await svc.deletePerson(id);
    return c.body(null, 204);
  });

  app.post('/persons/:id/audit', async (c) => {
    const id = personId(c.req.param('id'));
    return reply(c, 200, await svc.audit(id));
  });

  app.post('/persons/:id/verify', async (c) => {
    const id = personId(c.req.param('id'));
    const body = await readBody(c, VerifyRequestSchema, max);
    return reply(c, 200, await svc.verify(id, body.image, body.template));
  });
}
