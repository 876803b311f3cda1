import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import * as v from 'valibot';
import {
  CAPTURE_CLIENT_ID, CreateSessionRequestSchema, KitError, type CreateSessionResponse, type SessionClaims,
} from '../../protocol/index.ts';
import { makeChallenge } from '../flow/challenge.ts';
import { endPending } from '../flow/expire.ts';
import { apiKey, type ApiKeyEnv } from '../middleware/api-key.ts';
import { randomId } from '../random.ts';
import type { Services } from '../services.ts';
import type { SessionRecord } from '../store/types.ts';
import { signSessionToken } from '../tokens/sign-session.ts';
import { reviewRoutes } from './review.ts';

const MAX_JSON_BYTES = 16 * 1024;

/** Parses a JSON body against `schema` (MALFORMED_BODY / SCHEMA_VIOLATION naming the path, never values). */
export async function jsonBody<T>(req: { json(): Promise<unknown> }, schema: v.GenericSchema<unknown, T>): Promise<T> {
  let raw: unknown;
  try {
    raw = await req.json();
  } catch {
    throw new KitError('MALFORMED_BODY', 'body is not JSON');
  }
  const r = v.safeParse(schema, raw);
  if (!r.success) throw new KitError('SCHEMA_VIOLATION', `body violates the schema at ${r.issues[0].path?.map((p) => String(p.key)).join('.') ?? '(root)'}`);
  return r.output;
}

/** Public view of a session record: no nonce, no evidence bytes. */
export function sessionView(r: SessionRecord) {
  return {
    sessionId: r.sid,
    operation: r.op,
    subject: r.sub,
    status: r.status,
    attempts: r.attempts,
    failedAttempts: r.failed,
    maxAttempts: r.maxAttempts,
    createdAt: r.createdAt,
    expiresAt: r.expiresAt,
    updatedAt: r.updatedAt,
    summary: r.summary,
    verdict: r.verdict,
    evidenceCount: r.evidenceCount,
    noFaceAttempts: r.noFace,
    ...r.meta,
  };
}

/** Integrator (server-to-server, API key) session endpoints. */
export function sessionRoutes(s: Services): Hono<ApiKeyEnv> {
  const app = new Hono<ApiKeyEnv>();
  const auth = apiKey({ integrators: () => s.integrators.all(), limiter: s.limits.apiKey, failures: s.limits.authFailures });
  app.use('/v1/sessions', auth);
  app.use('/v1/sessions/*', auth);
  app.use('/v1/webhooks/*', auth);

  app.post('/v1/sessions', bodyLimit({ maxSize: MAX_JSON_BYTES, onError: () => { throw new KitError('BODY_TOO_LARGE'); } }), async (c) => {
    const integrator = c.get('integrator');
    const req = await jsonBody(c.req, CreateSessionRequestSchema);
    if (!integrator.liveness.enabled) throw new KitError('LIVENESS_DISABLED', 'liveness is turned off for this integrator');
    if (integrator.liveness.version !== '2.0') throw new KitError('LIVENESS_DISABLED', `this integrator uses liveness ${integrator.liveness.version} (single image), not the video flow`);
    if (req.operation !== 'IDENTIFICATION' && !req.subject) throw new KitError('SCHEMA_VIOLATION', 'subject is required for this operation');
    if (req.operation === 'IMAGE_UPDATE' && !req.message) throw new KitError('MESSAGE_REQUIRED', 'IMAGE_UPDATE needs a justification: a non-empty message');
    if (req.returnUrl !== undefined && !integrator.returnUrls.includes(req.returnUrl)) throw new KitError('RETURN_URL_NOT_ALLOWED');
    const origins = req.origins ?? integrator.origins;
    if (!origins.every((o) => integrator.origins.includes(o))) throw new KitError('ORIGIN_NOT_ALLOWED', 'origin not registered');
    const now = s.now();
    const sid = randomId(16);
    const nonce = randomId(32);
    const exp = now + s.config.sessionTtlS;
    const claims: SessionClaims = {
      iss: s.config.issuer,
      aud: CAPTURE_CLIENT_ID,
      sub: req.subject ?? sid,
      iat: now,
      exp,
      jti: randomId(16),
      sid,
      nonce,
      op: req.operation,
      azp: integrator.id,
      origins,
      ...(req.returnUrl ? { return_url: req.returnUrl } : {}),
      challenge: makeChallenge({ turn: s.config.challengeTurn }),
    };
    const token = await signSessionToken(s.keys, claims, now);
    await s.store.createSession({
      sid, integrator: integrator.id, op: req.operation, sub: claims.sub, nonce,
      maxAttempts: integrator.maxAttempts, createdAt: now, expiresAt: exp,
      meta: {
        ...(req.message ? { message: req.message } : {}),
        ...(req.details ? { details: req.details } : {}),
        ...(req.card ? { card: req.card } : {}),
        ...(req.name ? { name: req.name } : {}),
        ...(req.returnUrl ? { returnUrl: req.returnUrl } : {}),
      },
    });
    const body: CreateSessionResponse = { sessionId: sid, sessionToken: token, expiresAt: exp };
    return c.json(body, 201);
  });

  app.get('/v1/sessions', async (c) => {
    const limit = Number(c.req.query('limit') ?? 100);
    const rows = await s.store.listSessions(c.get('integrator').id, Number.isFinite(limit) ? limit : 100);
    return c.json({ sessions: rows.map(sessionView) });
  });

  app.get('/v1/sessions/:id', async (c) => {
    let r = await s.store.getSession(c.req.param('id'));
    // another integrator's session answers exactly like a missing one
    if (!r || r.integrator !== c.get('integrator').id) throw new KitError('SESSION_NOT_FOUND');
    // a pending session past its expiry is ended now rather than at the next sweep
    if (r.status === 1 && r.expiresAt < s.now() && (await endPending(s, c.get('integrator'), r, 'SESSION_EXPIRED'))) r = (await s.store.getSession(r.sid)) ?? r;
    return c.json(sessionView(r));
  });

  /** `POST /v1/sessions/{id}/cancel`: a pending session ends with status 4 (and its webhook); anything else is SESSION_USED. */
  app.post('/v1/sessions/:id/cancel', async (c) => {
    const integrator = c.get('integrator');
    const r = await s.store.getSession(c.req.param('id'));
    if (!r || r.integrator !== integrator.id) throw new KitError('SESSION_NOT_FOUND');
    if (r.status !== 1 || !(await endPending(s, integrator, r, 'CANCELLED'))) throw new KitError('SESSION_USED', 'session is no longer pending');
    const done = (await s.store.getSession(r.sid)) ?? r;
    return c.json(sessionView(done));
  });

  /** `GET /v1/webhooks/deliveries`: this integrator's webhook events and their delivery state, newest first. */
  app.get('/v1/webhooks/deliveries', async (c) => {
    const limit = Number(c.req.query('limit') ?? 100);
    return c.json({ deliveries: await s.store.deliveries(c.get('integrator').id, Number.isFinite(limit) ? limit : 100) });
  });

  app.get('/v1/sessions/:id/evidence/:n', async (c) => {
    const r = await s.store.getSession(c.req.param('id'));
    if (!r || r.integrator !== c.get('integrator').id) throw new KitError('SESSION_NOT_FOUND');
    const n = Number(c.req.param('n'));
    if (!Number.isInteger(n) || n < 0) throw new KitError('NOT_FOUND');
    const bytes = await s.store.getEvidence(r.sid, n);
    if (!bytes) throw new KitError('NOT_FOUND', 'no such evidence frame');
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { 'content-type': 'image/jpeg', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  });

  app.route('/', reviewRoutes(s));
  return app;
}
