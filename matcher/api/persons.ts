import type { Hono } from 'hono';
import * as v from 'valibot';
import { encodeCborFloat, KitError, PersonSchema, VerifyRequestSchema } from '../../protocol/index.ts';
import type { MatcherService } from '../service.ts';
import { readBody, reply, wantsJson } from './body.ts';
import { asFaceRecord, faceImagesOf } from '../extraction/face-record.ts';
import { renderIdentityReport } from '../report/identity-pdf.ts';
import { scoreOf } from '../score-calibration.ts';
import { icaoPolicy } from '../quality/icao.ts';
import { imageMime } from './image-mime.ts';

const IdSchema = v.pipe(v.string(), v.minLength(1), v.maxLength(128), v.regex(/^[A-Za-z0-9._:@-]+$/));

function personId(raw: string): string {
  const r = v.safeParse(IdSchema, raw);
  if (!r.success) throw new KitError('SCHEMA_VIOLATION', 'person id must be 1–128 of [A-Za-z0-9._:@-]');
  return r.output;
}

/** The specification's "empty 404": no body at all. */
const empty404 = () => new Response(null, { status: 404 });

/**
 * PUT/GET/DELETE /persons/{id}, POST /persons/{id}/audit, POST /persons/{id}/verify (the ABIS
 * contract); GET /persons/{id}/images/{n} and GET /persons/{id}/record (extensions, docs/matcher.md).
 */
export function personRoutes(app: Hono, svc: MatcherService): void {
  const max = svc.config.maxBodyBytes;

  app.put('/persons/:id', async (c) => {
    const id = personId(c.req.param('id'));
    // extension: the integrator's ICAO policy for this enrolment (warn | reject | off for every check)
    const policy = icaoPolicy(c.req.header('quality-policy'));
    if (!policy) throw new KitError('SCHEMA_VIOLATION', 'quality-policy must be warn, reject or off');
    const body = await readBody(c, PersonSchema, max);
    const r = await svc.enrol(id, body, policy);
    return reply(c, r.created ? 201 : 200, r);
  });

  // the person object as stored, so PUT(GET(x)) round-trips: the images, the templates that were
  // submitted as templates (those extracted from the images are recomputed by PUT), galleries, metadata
  app.get('/persons/:id', async (c) => {
    const id = personId(c.req.param('id'));
    const rec = await svc.getPerson(id);
    if (!rec) return empty404();
    const images = await svc.storeCall(() => svc.store.images(id));
    const templates = rec.templates.filter((t) => t.source === 'submitted')
      .map((t) => ({ model: t.model, version: t.version, dims: t.dims, dtype: t.dtype, data: t.data }));
    return reply(c, 200, {
      images: images.map((x) => x.data),
      ...(templates.length ? { templates } : {}),
      galleries: rec.galleries,
      metadata: rec.metadata,
    });
  });

  // extension: one stored image as it was stored, or (?format=iso19794-5) as a 19794-5 face image record
  app.get('/persons/:id/images/:n', async (c) => {
    const id = personId(c.req.param('id'));
    const n = Number(c.req.param('n'));
    if (!Number.isInteger(n) || n < 0 || n > 1000) throw new KitError('SCHEMA_VIOLATION', 'image index must be an integer ≥ 0');
    const format = c.req.query('format');
    if (format !== undefined && format !== 'iso19794-5') throw new KitError('SCHEMA_VIOLATION', 'format must be iso19794-5 when given');
    const images = await svc.storeCall(() => svc.store.images(id));
    if (!images[n]) return empty404();
    const data = format ? await asFaceRecord(images[n].data) : images[n].data;
    return new Response(Buffer.from(data), { status: 200, headers: { 'content-type': imageMime(data) } });
  });

  // extension: what the matcher derived (quality per image, duplicates found at enrolment, templates' sources)
  app.get('/persons/:id/record', async (c) => {
    const id = personId(c.req.param('id'));
    const rec = await svc.getPerson(id);
    if (!rec) return empty404();
    return reply(c, 200, {
      id: rec.id, galleries: rec.galleries, quality: rec.quality, duplicates: rec.duplicates,
      images: rec.imageCount, updatedAt: rec.updatedAt,
      templates: rec.templates.map((t) => ({ model: t.model, version: t.version, dims: t.dims, dtype: t.dtype, source: t.source, imageIndex: t.imageIndex })),
    });
  });

  // extension: the identity report (reference image, history, quality checks, duplicates, last verifications)
  app.get('/persons/:id/report.pdf', async (c) => {
    const id = personId(c.req.param('id'));
    const lang = c.req.query('lang') ?? 'pt-BR';
    if (lang !== 'pt-BR' && lang !== 'en') throw new KitError('SCHEMA_VIOLATION', 'lang must be pt-BR or en');
    const rec = await svc.getPerson(id);
    if (!rec) return empty404();
    const [images, events] = await Promise.all([svc.storeCall(() => svc.store.images(id)), svc.storeCall(() => svc.store.events(id, 200))]);
    const first = images[0] ? faceImagesOf(images[0].data)[0] : undefined;
    const checks = (rec.quality[0] as { checks?: { check: string; passed: boolean; value?: string; policy?: 'warn' | 'reject' }[] } | undefined)?.checks ?? [];
    const pdf = await renderIdentityReport({
      id, generatedAt: Date.now(), language: lang,
      reference: first ? { image: first, mime: imageMime(first) === 'image/png' ? 'image/png' : 'image/jpeg' } : null,
      galleries: rec.galleries,
      history: events.filter((e) => e.kind !== 'VERIFICATION').map((e) => ({ at: e.at, kind: e.kind, detail: e.detail })),
      quality: checks.map((q) => ({ check: q.check, passed: q.passed, value: q.value, policy: q.policy === 'reject' ? 'reject' : 'warn' })),
      duplicates: rec.duplicates.map((d) => ({ id: d.id, similarity: d.similarity, score: scoreOf(d.similarity) })),
      verifications: events.filter((e) => e.kind === 'VERIFICATION').slice(0, 20).map((e) => ({ at: e.at, score: Math.round(e.score ?? 0), band: e.band ?? '' })),
    });
    return new Response(Buffer.from(pdf), { status: 200, headers: { 'content-type': 'application/pdf', 'content-disposition': `inline; filename="report-${id}.pdf"` } });
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

  // answer: one CBOR float, the calibrated score; empty 404 when the person does not exist
  app.post('/persons/:id/verify', async (c) => {
    const id = personId(c.req.param('id'));
    const body = await readBody(c, VerifyRequestSchema, max);
    const score = await svc.verify(id, body);
    if (score === null) return empty404();
    if (wantsJson(c)) return new Response(JSON.stringify(score), { status: 200, headers: { 'content-type': 'application/json' } });
    return new Response(Buffer.from(encodeCborFloat(score)), { status: 200, headers: { 'content-type': 'application/cbor' } });
  });
}
