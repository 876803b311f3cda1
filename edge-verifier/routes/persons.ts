import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import * as v from 'valibot';
import { KitError } from '../../protocol/index.ts';
import { personEvent } from '../flow/conclude.ts';
import { MatcherRejection } from '../matcher/client.ts';
import { personIdOf, watchGalleryOf, watchPersonIdOf } from '../flow/namespace.ts';
import { apiKey, type ApiKeyEnv } from '../middleware/api-key.ts';
import type { Services } from '../services.ts';
import { jsonBody } from './sessions.ts';

const SubjectSchema = v.pipe(v.string(), v.minLength(1), v.maxLength(128), v.regex(/^[A-Za-z0-9._:@-]+$/));
// a watch-list person id (`wl.<integrator>:<list>:<entry>`) must fit the matcher's 128 characters
const EntrySchema = v.pipe(v.string(), v.regex(/^[A-Za-z0-9._-]{1,60}$/));
const MAX_IMAGE_BYTES = 2 * 1024 * 1024;
const EntryBodySchema = v.strictObject({
  /** the face to screen for: base64 JPEG or PNG */
  image: v.pipe(v.string(), v.minLength(8), v.maxLength(Math.ceil((MAX_IMAGE_BYTES * 4) / 3) + 4), v.regex(/^[A-Za-z0-9+/]+=*$/)),
});

/** A matcher refusal (no face, two faces, bad image) is the request's fault: its code, as a 4xx. */
async function matcherCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof MatcherRejection) throw new KitError(e.code, 'the matcher refused the image');
    throw e;
  }
}

function param<T>(schema: v.GenericSchema<unknown, T>, raw: string, what: string): T {
  const r = v.safeParse(schema, raw);
  if (!r.success) throw new KitError('SCHEMA_VIOLATION', `${what} is not valid`);
  return r.output;
}

/**
 * Integrator (API key) endpoints about persons rather than sessions: erasure on the holder's
 * request (LGPD) and the entries of the integrator's watch-lists.
 */
export function personRoutes(s: Services): Hono<ApiKeyEnv> {
  const app = new Hono<ApiKeyEnv>();
  const auth = apiKey({ integrators: () => s.integrators.all(), limiter: s.limits.apiKey, failures: s.limits.authFailures });
  app.use('/v1/persons/*', auth);
  app.use('/v1/watchlists/*', auth);

  // erasure: the matcher's person (images, templates, history) and the verifier's review evidence
  // of every session of the subject; an audit row without biometric data; the suspicious-list webhook
  app.delete('/v1/persons/:subject', async (c) => {
    const integrator = c.get('integrator');
    const subject = param(SubjectSchema, c.req.param('subject'), 'subject');
    await matcherCall(() => s.matcher.remove(personIdOf(integrator.id, subject)));
    const now = s.now();
    const e = personEvent(integrator, subject, 'ERASED', now);
    const actor = (c.req.header('x-actor') ?? 'api').replace(/[^A-Za-z0-9_.@-]/g, '_').slice(0, 64) || 'api';
    const r = await s.store.eraseSubject(integrator.id, subject, actor, now, e ? { key: `person:${subject}:${e.id}`, e } : undefined);
    if (e) s.kickOutbox();
    return c.json({ subject, erased: true, sessions: r.sessions, evidenceFrames: r.evidenceFrames });
  });

  app.get('/v1/persons/erasures', async (c) => {
    const limit = Number(c.req.query('limit') ?? 100);
    return c.json({ erasures: await s.store.erasures(c.get('integrator').id, Number.isFinite(limit) ? limit : 100) });
  });

  const listOf = (integrator: { watchlists: readonly { name: string }[] }, raw: string) => {
    const list = integrator.watchlists.find((l) => l.name === raw);
    if (!list) throw new KitError('WATCHLIST_NOT_FOUND', 'no such watch-list in this integrator\'s configuration');
    return list.name;
  };

  app.put('/v1/watchlists/:list/entries/:entry', bodyLimit({ maxSize: 3 * 1024 * 1024, onError: () => { throw new KitError('BODY_TOO_LARGE'); } }), async (c) => {
    const integrator = c.get('integrator');
    const list = listOf(integrator, c.req.param('list'));
    const entry = param(EntrySchema, c.req.param('entry'), 'entry');
    const body = await jsonBody(c.req, EntryBodySchema);
    const image = Uint8Array.from(atob(body.image), (ch) => ch.charCodeAt(0));
    if (image.byteLength > MAX_IMAGE_BYTES) throw new KitError('BODY_TOO_LARGE', 'image over 2 MiB');
    await matcherCall(() => s.matcher.enrol(watchPersonIdOf(integrator.id, list, entry), image, watchGalleryOf(integrator.id, list), integrator.qualityPolicy));
    return c.json({ list, entry, stored: true }, 201);
  });

  app.delete('/v1/watchlists/:list/entries/:entry', async (c) => {
    const integrator = c.get('integrator');
    const list = listOf(integrator, c.req.param('list'));
    const entry = param(EntrySchema, c.req.param('entry'), 'entry');
    await matcherCall(() => s.matcher.remove(watchPersonIdOf(integrator.id, list, entry)));
    return c.body(null, 204);
  });

  return app;
}
